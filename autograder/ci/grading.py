"""Step 3, `grade`: grade with the isolated worker, in a scrubbed environment; writes
results.json, report.md and junit.xml."""

import os
import re

from .github import annotation, ci_dir, set_outputs

SECRET_LIKE = re.compile(r"(TOKEN|SECRET|PASSWORD|PRIVATE|_KEY$|^SSH_|CREDENTIAL)", re.I)


def scrub_environment(environ=None):
    """Drop every variable that looks like a credential before the judge starts (the worker gets a
    scrubbed environment anyway; this keeps the judge's own clean too). Returns the names dropped."""
    environ = os.environ if environ is None else environ
    dropped = [k for k in list(environ) if SECRET_LIKE.search(k) and k not in ("GITHUB_TOKEN_PERMISSIONS",)]
    for k in dropped:
        del environ[k]
    return dropped


def cmd_grade(args):
    from .. import reports
    from ..grade import GraderError, grade
    from ..sandbox import best_available

    out = ci_dir(args.dir)
    for name in ("results.json", "report.md", "junit.xml", "grader-error.txt"):
        (out / name).unlink(missing_ok=True)
    dropped = scrub_environment()
    if dropped:
        print(f"removed {len(dropped)} credential-like variable(s) from the grading environment: {', '.join(dropped)}")
    units = [u.strip() for u in args.units.split(",")] if args.units else None
    try:
        mode = best_available()
        if args.require_sandbox and not mode.startswith("bwrap"):
            raise GraderError(f"the worker sandbox is not available here (best isolation: {mode}); install "
                              "bubblewrap and grade as root, or drop --require-sandbox")
        results = grade(args.submission, units, args.public_only, args.seed)
    except GraderError as exc:
        (out / "grader-error.txt").write_text(str(exc) + "\n", encoding="utf-8")
        print(annotation("error", f"the grader failed (not your code): {exc}"[:4000], title="genlab grading"))
        set_outputs(graded=False)
        return 3
    (out / "results.json").write_text(reports.json_report(results), encoding="utf-8")
    (out / "report.md").write_text(reports.markdown(results), encoding="utf-8")
    (out / "junit.xml").write_text(reports.junit(results), encoding="utf-8")
    print(reports.text(results))
    set_outputs(graded=True, score=f"{results.score:.2f}", max_score=f"{results.max_score:.2f}")
    return 0



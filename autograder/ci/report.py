"""Step 4, `report`: the job summary, annotations for failed tests, the step outputs and the
pull-request comment body."""

import os
import re
from pathlib import Path

from .github import (
    COMMENT_LIMIT,
    COMMENT_MARKER,
    MAX_ERROR_ANNOTATIONS,
    add_summary,
    annotation,
    ci_dir,
    read_json,
    set_outputs,
)
from .tamper import tamper_markdown


def _limit(markdown, limit=COMMENT_LIMIT):
    if len(markdown) <= limit:
        return markdown
    note = "\n\n*(The report was cut to fit a comment: the full report is in the job summary and the results artifact.)*\n"
    text = markdown[: limit - len(note) - 40]
    text = text[: text.rfind("\n")] if "\n" in text else text
    if text.count("```") % 2:
        text += "\n```"
    if text.count("<details>") > text.count("</details>"):
        text += "\n</details>"
    return text + note


def comment_body(results_doc=None, tamper=None, hidden=None, grader_error=None, passing=None):
    """The Markdown of the job summary and of the PR comment: the grader's own Markdown report with
    the tamper report right under the score, and the notices of this run."""
    from .. import reports
    extra = []
    block = tamper_markdown(tamper)
    if hidden and hidden.get("notice") and not (hidden.get("fetch") and hidden.get("installed")):
        extra.append(f"> [!NOTE]\n> {hidden['notice']}")
    if passing is not None and results_doc:
        pct = 100 * results_doc["score"] / results_doc["max_score"] if results_doc.get("max_score") else 0.0
        verdict = "reached" if pct >= passing - 1e-9 else "**not reached**"
        extra.append(f"> **Passing score:** {passing:g}% {verdict} ({pct:.1f}%).")
    if results_doc is not None:
        md = reports.markdown(results_from_json(results_doc))
        head, _, rest = md.partition("\n")        # the marker line
        title, _, rest = rest.partition("\n")     # "## genlab grade: ..."
        parts = [head, title, ""]
    else:
        why = grader_error.strip() if grader_error else "an earlier step of the workflow failed before grading"
        parts = [COMMENT_MARKER, "## genlab grade: grading did not complete", "",
                 "> [!CAUTION]", "> The grader could not finish, so there is no score for this push. "
                 "This is not a judgement of your code: rerun the workflow, and tell your instructor if it "
                 "happens again.", ">", "> ```", *[f"> {line}" for line in why.splitlines()[:30]], "> ```", ""]
        rest = ""
    if block:
        parts += [block]
    for e in extra:
        parts += [e, ""]
    body = "\n".join(parts) + (rest.lstrip("\n") if rest else "")
    return _limit(body)


def results_from_json(doc):
    from ..results import Results
    return Results.from_json(doc)


def failure_annotations(results_doc, workspace=".", limit=MAX_ERROR_ANNOTATIONS):
    """One `::error` per failed test (at most `limit`, then one notice for the rest), placed on the
    student's own file and line when the worker's traceback names them."""
    workspace = Path(workspace).resolve()
    sub = Path(results_doc.get("submission") or "starter")
    try:
        prefix = sub.resolve().relative_to(workspace).as_posix() if sub.is_absolute() else sub.as_posix()
    except ValueError:
        prefix = "starter"
    prefix = "" if prefix == "." else prefix + "/"
    failed = [t for t in results_doc.get("tests", []) if t.get("status") != "passed"]
    lines = []
    for t in failed[:limit]:
        output = t.get("output") or t.get("status", "failed")
        where = re.findall(r'genlab/(\w+)\.py", line (\d+)', output) or re.findall(r"genlab/(\w+)\.py:(\d+)", output)
        module, line = (where[-1][0], where[-1][1]) if where else (t.get("unit"), None)
        file = f"{prefix}genlab/{module}.py"
        if not (workspace / file).exists():
            file, line = None, None
        name = t["name"].split("::")[-1]
        title = f"{t.get('unit')}: {name} ({'hidden' if t.get('hidden') else 'public'} test, {t.get('status')})"
        message = "\n".join(output.strip().splitlines()[:12])
        lines.append(annotation("error", message, file=file, line=line, title=title))
    if len(failed) > limit:
        lines.append(annotation("notice", f"{len(failed) - limit} more failed test(s): see the job summary.",
                                title="genlab grading"))
    return lines


def parse_passing_score(value):
    """None when off ("", "off", "none", "false"); else a percentage in [0, 100] ("70" or "70%")."""
    v = (value or "").strip().lower().rstrip("%").strip()
    if v in ("", "off", "none", "false", "no"):
        return None
    score = float(v)
    if not 0 <= score <= 100:
        raise ValueError(f"a passing score is a percentage from 0 to 100, not {value!r}")
    return score


def cmd_report(args):
    out = ci_dir(args.dir)
    results_doc = read_json(out / "results.json")
    tamper = read_json(out / "tamper.json")
    hidden = read_json(out / "hidden.json")
    error = (out / "grader-error.txt").read_text(encoding="utf-8") if (out / "grader-error.txt").exists() else None
    try:
        passing = parse_passing_score(os.environ.get("GENLAB_PASSING_SCORE"))
    except ValueError as exc:
        print(annotation("warning", f"GENLAB_PASSING_SCORE ignored: {exc}", title="genlab grading"))
        passing = None
    body = comment_body(results_doc, tamper, hidden, error, passing)
    (out / "comment.md").write_text(body, encoding="utf-8")
    add_summary(body)
    if results_doc is not None:
        for line in failure_annotations(results_doc, args.workspace):
            print(line)
        pct = 100 * results_doc["score"] / results_doc["max_score"] if results_doc.get("max_score") else 0.0
        set_outputs(graded=True, score=f"{results_doc['score']:.2f}", max_score=f"{results_doc['max_score']:.2f}",
                    percent=f"{pct:.1f}", hidden_graded=results_doc.get("hidden_graded", False),
                    tampered=bool(tamper and tamper.get("tampered")),
                    passed="" if passing is None else pct >= passing - 1e-9,
                    comment_path=str(out / "comment.md"))
        print(f"report written: {results_doc['score']:.1f} / {results_doc['max_score']:.1f} ({pct:.0f}%)")
    else:
        print(annotation("error", "grading did not complete: " + (error or "an earlier step failed").strip()[:2000],
                         title="genlab grading"))
        set_outputs(graded=False, tampered=bool(tamper and tamper.get("tampered")),
                    comment_path=str(out / "comment.md"))
    return 0



"""`python -m autograder ci <step>`: the logic of the GitHub Actions workflows, testable anywhere.

The workflow files (.github/workflows/grade.yml, ci.yml) only call these steps in order; every
decision is made here, where it can be tested with the environment GitHub provides
(GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_EVENT_PATH) pointed at temporary files.

Student pull-request grading (grade.yml), in order:

    tamper         compare the protected files (tests, grader, workflows, configuration) with the
                   release's MANIFEST.json, report what changed, restore them from the release copy
    hidden-plan    decide whether the hidden suites can be fetched (is the secret there?); when it
                   is not: a notice, the public score, and never a failed workflow
    hidden-install put the fetched hidden suites (and the reference they compare with) in place
    grade          grade with the isolated worker; writes results.json, report.md, junit.xml
    report         job summary, annotations for failed tests, step outputs, the PR comment body
    comment        post the PR comment, or update the one already there (never a second one)
    passing-score  optional: fail the job when the score is under GENLAB_PASSING_SCORE (off by default)

Instructor CI (ci.yml) also uses:

    notebooks      execute every assignments/*.ipynb against the reference solution

The steps talk to each other through files in one folder (--dir; default $GENLAB_CI_DIR, else
$RUNNER_TEMP/genlab-ci, else .genlab-ci). Every step except `grade`, `notebooks` and
`passing-score` exits 0 whatever it finds: the job's status says whether grading ran, not the score.

This module imports only the standard library at load time: `tamper` runs before anything is
installed.
"""
import argparse
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMENT_MARKER = "<!-- genlab-grade-report -->"   # the same as reports.COMMENT_MARKER (a test checks)
COMMENT_LIMIT = 65000                             # GitHub refuses comment bodies over 65,536 characters
MAX_ERROR_ANNOTATIONS = 10                        # GitHub shows at most 10 error annotations per step
DEFAULT_SECRET_NAME = "GENLAB_HIDDEN_KEY"
DEFAULT_BOT_LOGIN = "github-actions[bot]"
# Top-level files that would change how the project installs or how pytest and Python start, and
# that no release contains: a student who adds one is changing the grading, so they count as tampering.
GRADING_FILES_AT_TOP = ("setup.py", "setup.cfg", "pytest.ini", ".pytest.ini", "tox.ini",
                        "sitecustomize.py", "usercustomize.py")
SECRET_LIKE = re.compile(r"(TOKEN|SECRET|PASSWORD|PRIVATE|_KEY$|^SSH_|CREDENTIAL)", re.I)


# ---- what GitHub Actions reads from a step -------------------------------------------------------

def ci_dir(path=None):
    if path:
        d = Path(path)
    elif os.environ.get("GENLAB_CI_DIR"):
        d = Path(os.environ["GENLAB_CI_DIR"])
    elif os.environ.get("RUNNER_TEMP"):
        d = Path(os.environ["RUNNER_TEMP"]) / "genlab-ci"
    else:
        d = Path(".genlab-ci")
    d.mkdir(parents=True, exist_ok=True)
    return d


def set_outputs(**values):
    """Append step outputs to $GITHUB_OUTPUT (a no-op outside Actions). Multi-line values are safe."""
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as f:
        for name, value in values.items():
            value = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
            if "\n" in value:
                delimiter = "genlab_" + hashlib.sha256(value.encode()).hexdigest()[:16]
                f.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
            else:
                f.write(f"{name}={value}\n")


def add_summary(markdown):
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(markdown.rstrip("\n") + "\n")


def _escape_data(s):
    return str(s).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s):
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def annotation(level, message, file=None, line=None, title=None):
    """A workflow command line: `::error file=F,line=N,title=T::message` (level: error|warning|notice)."""
    props = []
    if file:
        props.append(f"file={_escape_property(file)}")
    if line:
        props.append(f"line={int(line)}")
    if title:
        props.append(f"title={_escape_property(title)}")
    return f"::{level}{' ' + ','.join(props) if props else ''}::{_escape_data(message)}"


def load_event():
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path or not Path(path).is_file():
        return {}
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except ValueError:
        return {}


def _read_json(path, default=None):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def _write_json(path, doc):
    Path(path).write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")


# ---- 1. tamper check -----------------------------------------------------------------------------

def file_hash(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _walk(top):
    """Files and symbolic links under `top`, never following a link; bytecode caches left out."""
    for dirpath, dirnames, filenames in os.walk(top):
        keep = []
        for d in dirnames:
            p = Path(dirpath) / d
            if p.is_symlink():
                yield p          # a link to a folder is a file-like entry here, never entered
            elif d != "__pycache__":
                keep.append(d)
        dirnames[:] = keep
        for name in filenames:
            yield Path(dirpath) / name


def _caches(checkout, protected):
    found = []
    for rel in protected:
        top = checkout / rel
        if top.is_dir() and not top.is_symlink():
            found += [p for p in top.rglob("__pycache__") if p.is_dir()]
    return found


def compare(checkout, release, submission="starter"):
    """What differs between the protected files of `checkout` and the release copy in `release`.

    The release copy's MANIFEST.json says which files are protected and what their contents must
    hash to. Returns a plain dict (it is written to tamper.json and read by `report`)."""
    checkout, release = Path(checkout), Path(release)
    manifest = _read_json(release / "MANIFEST.json")
    if not manifest or "files" not in manifest:
        return {"checked": False, "tampered": False, "changed": [], "added": [], "removed": [], "symlinks": [],
                "notices": [f"no release manifest found in {release}: the tamper check could not run"]}
    files, protected = manifest["files"], manifest.get("protected", [])
    changed, removed, added, notices = [], [], [], []
    for rel, digest in sorted(files.items()):
        p = checkout / rel
        if p.is_symlink():
            changed.append(rel)
        elif not p.is_file():
            removed.append(rel)
        elif file_hash(p) != digest:
            changed.append(rel)
    mine = checkout / "MANIFEST.json"
    if "MANIFEST.json" in protected:
        if not mine.is_file() or mine.is_symlink():
            removed.append("MANIFEST.json")
        elif mine.read_bytes() != (release / "MANIFEST.json").read_bytes():
            changed.append("MANIFEST.json")
    for rel in protected:
        top = checkout / rel
        if rel == "MANIFEST.json" or not (top.exists() or top.is_symlink()):
            continue
        entries = [top] if (top.is_file() or top.is_symlink()) else list(_walk(top))
        for p in entries:
            r = p.relative_to(checkout).as_posix()
            if r not in files and r not in changed:
                added.append(r)
    added += [name for name in GRADING_FILES_AT_TOP if (checkout / name).exists() or (checkout / name).is_symlink()]
    symlinks = []
    sub = checkout / submission
    if sub.is_dir():
        symlinks = sorted(p.relative_to(checkout).as_posix() for p in _walk(sub) if p.is_symlink())
    broken = [rel for rel, digest in files.items()
              if not (release / rel).is_file() or file_hash(release / rel) != digest]
    if broken:
        notices.append(f"the release copy itself differs from its manifest in {len(broken)} file(s) "
                       f"(e.g. {sorted(broken)[0]}): those cannot be restored from it")
    return {"checked": True, "tampered": bool(changed or removed or added or symlinks),
            "changed": sorted(changed), "added": sorted(set(added)), "removed": sorted(removed),
            "symlinks": symlinks, "unrestorable": sorted(set(broken) & set(changed + removed)),
            "notices": notices}


def restore(checkout, release, report):
    """Put the release's protected files back, delete added ones and links in the submission,
    and drop bytecode caches under the protected folders (they could stand in for the sources)."""
    checkout, release = Path(checkout), Path(release)
    manifest = _read_json(release / "MANIFEST.json")
    files = manifest["files"]
    done = []
    for rel in report["changed"] + report["removed"]:
        src, dest = release / rel, checkout / rel
        ok = src.is_file() and (rel == "MANIFEST.json" or file_hash(src) == files.get(rel))
        if not ok:
            continue
        if dest.is_symlink() or dest.is_file():
            dest.unlink()
        elif dest.is_dir():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        done.append(rel)
    for rel in report["added"] + report["symlinks"]:
        p = checkout / rel
        if p.is_symlink() or p.is_file():
            p.unlink()
        elif p.is_dir():
            shutil.rmtree(p)
        done.append(rel)
    for cache in _caches(checkout, manifest.get("protected", [])):
        shutil.rmtree(cache, ignore_errors=True)
    return done


def _git(checkout, *args, binary=False):
    proc = subprocess.run(["git", "-C", str(checkout), *args], capture_output=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace').strip()[:500]}")
    return proc.stdout if binary else proc.stdout.decode().strip()


def reference_commit(checkout, spec="auto", event=None):
    """The commit whose tree is the pristine release: `spec` itself, or with "auto" the pull
    request's base (GitHub Classroom's feedback PR is based on the template's initial commit), and
    otherwise the first commit of the history (the template import)."""
    if spec and spec != "auto":
        return _git(checkout, "rev-parse", "--verify", f"{spec}^{{commit}}")
    base = ((event or {}).get("pull_request") or {}).get("base", {}).get("sha")
    if base:
        try:
            return _git(checkout, "rev-parse", "--verify", f"{base}^{{commit}}")
        except RuntimeError:
            pass
    roots = _git(checkout, "rev-list", "--max-parents=0", "HEAD").split()
    if not roots:
        raise RuntimeError("the history has no root commit")
    return roots[-1]


def extract_commit(checkout, commit, dest):
    """Write the tree of `commit` into `dest` (no checkout, nothing else touched)."""
    data = _git(checkout, "archive", "--format=tar", commit, binary=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:  # Python without extraction filters: refuse anything but plain members inside dest
            members = [m for m in tar.getmembers() if (m.isfile() or m.isdir()) and not m.name.startswith(("/", ".."))
                       and ".." not in Path(m.name).parts]
            tar.extractall(dest, members=members)
    return Path(dest)


def tamper_check(checkout=".", release=None, release_commit=None, do_restore=False, submission="starter",
                 event=None):
    """The whole step: find the release copy, compare, restore. Returns the report dict."""
    checkout = Path(checkout).resolve()
    tmp = None
    try:
        if release:
            source = f"the release copy in {release}"
        elif release_commit:
            try:
                commit = reference_commit(checkout, release_commit, event)
                tmp = tempfile.mkdtemp(prefix="genlab-release-")
                release = extract_commit(checkout, commit, tmp)
                source = f"the release as committed in {commit[:12]}"
            except (RuntimeError, OSError, subprocess.SubprocessError, tarfile.TarError) as exc:
                release, source = checkout, "the checkout's own MANIFEST.json (no release copy: " \
                                            f"{str(exc).splitlines()[0][:200]})"
        else:
            release, source = checkout, "the checkout's own MANIFEST.json"
        report = compare(checkout, release, submission)
        report["reference"] = source
        self_check = Path(release).resolve() == checkout
        if self_check and report["checked"]:
            report["notices"].append("compared with the manifest in the submission itself: changes to MANIFEST.json "
                                     "go unnoticed and nothing can be restored")
            report["unrestorable"] = sorted(set(report["changed"] + report["removed"]))
        report["restored"] = []
        if do_restore and report["checked"] and not self_check:
            report["restored"] = restore(checkout, release, report)
        return report
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def tamper_markdown(report):
    """The prominent block at the top of the PR comment and job summary (empty when all is well)."""
    if not report:
        return ""
    if not report.get("checked", False):
        return "\n".join(f"> [!NOTE]\n> Tamper check: {n}" for n in report.get("notices", [])) + "\n"
    if not report.get("tampered"):
        return ""
    restored = set(report.get("restored", []))
    out = ["> [!WARNING]",
           "> **Protected files were changed.** Tests, the grader, the workflows and the grading configuration "
           "must stay as released. "
           + ("They were restored from the release before grading, so these changes did not affect the score."
              if restored else "They could not be restored: this score may not be trustworthy."),
           ">"]
    for kind, label in (("changed", "changed"), ("removed", "removed"), ("added", "added"),
                        ("symlinks", "symbolic link in the submission")):
        for rel in report.get(kind, []):
            state = "restored" if rel in restored else "not restored"
            if kind in ("added", "symlinks"):
                state = "deleted" if rel in restored else "left in place"
            out.append(f"> - `{rel}`: {label} ({state})")
    for n in report.get("notices", []):
        out.append(f"> - {n}")
    out.append(f">\n> Compared with {report.get('reference', 'the release')}. The official score comes from "
               "the instructor's own regrade, which uses the original files in any case.")
    return "\n".join(out) + "\n"


def cmd_tamper(args):
    out = ci_dir(args.dir)
    report = tamper_check(args.checkout, args.release, args.release_commit, args.restore, args.submission,
                          load_event())
    _write_json(out / "tamper.json", report)
    what = {"changed": ("protected file changed", "restored from the release"),
            "removed": ("protected file deleted", "restored from the release"),
            "added": ("file added among the protected ones", "deleted before grading"),
            "symlinks": ("symbolic link in the submission", "deleted before grading")}
    for kind, (label, fix) in what.items():
        for rel in report.get(kind, []):
            print(annotation("warning", f"{label}: {rel}" + (f" ({fix})" if rel in report.get("restored", []) else ""),
                             file=rel if kind != "removed" else None, title="genlab tamper check"))
    for n in report.get("notices", []):
        print(annotation("notice", n, title="genlab tamper check"))
    n = sum(len(report.get(k, [])) for k in ("changed", "removed", "added", "symlinks"))
    print(f"tamper check against {report.get('reference')}: "
          + (f"{n} protected file(s) differ" if report.get("tampered") else
             "all protected files as released" if report.get("checked") else "not run")
          + (f"; {len(report['restored'])} restored" if report.get("restored") else ""))
    set_outputs(tampered=report.get("tampered", False), checked=report.get("checked", False), differing=n)
    return 0


# ---- 2. hidden suites ----------------------------------------------------------------------------

def hidden_plan(env=None):
    """Whether to fetch the hidden suites, decided from what the workflow passed in (never the secret
    itself: only whether it is set, and whether it looks like an SSH deploy key)."""
    env = os.environ if env is None else env
    name = (env.get("GENLAB_HIDDEN_SECRET_NAME") or DEFAULT_SECRET_NAME).strip()
    repo = (env.get("GENLAB_HIDDEN_REPO") or "").strip()
    secret_set = (env.get("GENLAB_HIDDEN_SECRET_SET") or "").strip().lower() == "true"
    ssh = (env.get("GENLAB_HIDDEN_SECRET_IS_SSH_KEY") or "").strip().lower() == "true"
    plan = {"fetch": False, "auth": "", "repo": repo, "secret_name": name, "installed": False}
    if not secret_set:
        plan["notice"] = (f"Hidden suites not fetched: the secret `{name}` is not available to this workflow "
                          "(not stored, or this run may not read secrets). This is the public score only; "
                          "the hidden tests are graded by your instructor.")
    elif not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo):
        plan["notice"] = (f"Hidden suites not fetched: the secret `{name}` is set but the repository variable "
                          "GENLAB_HIDDEN_REPO (owner/name of the instructor's private repository) is "
                          + ("missing." if not repo else f"not of the form owner/name ({repo!r}).")
                          + " This is the public score only.")
    else:
        plan.update(fetch=True, auth="ssh" if ssh else "token",
                    notice=f"Fetching the hidden suites from {repo} with the secret `{name}` "
                           f"({'deploy key' if ssh else 'token'}).")
    return plan


def cmd_hidden_plan(args):
    plan = hidden_plan()
    _write_json(ci_dir(args.dir) / "hidden.json", plan)
    print(annotation("notice", plan["notice"], title="genlab hidden suites"))
    set_outputs(fetch=plan["fetch"], auth=plan["auth"])
    return 0


def install_hidden(source, workspace="."):
    """Move what grading needs from the instructor's checkout into the workspace: the hidden suites
    (autograder/hidden) and the reference they compare with (solutions/genlab). Returns (ok, message)."""
    source, workspace = Path(source), Path(workspace)
    hidden = source / "autograder" / "hidden"
    if not hidden.is_dir() or not any(hidden.glob("test_*.py")):
        return False, (f"Hidden suites not installed: the fetch produced no autograder/hidden/test_*.py in {source} "
                       "(wrong repository or ref, or the key has no access). This is the public score only.")
    moved = []
    for rel in ("autograder/hidden", "solutions/genlab"):
        src, dest = source / rel, workspace / rel
        if not src.is_dir():
            continue
        if dest.exists() or dest.is_symlink():
            shutil.rmtree(dest) if dest.is_dir() and not dest.is_symlink() else dest.unlink()
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".git"))
        moved.append(rel)
    shutil.rmtree(source, ignore_errors=True)
    suites = sorted(p.stem.removeprefix("test_") for p in (workspace / "autograder" / "hidden").glob("test_*.py"))
    message = f"Hidden suites installed for {', '.join(suites)}."
    if "solutions/genlab" not in moved:
        message += " The reference (solutions/genlab) was not fetched: hidden tests that compare with it will fail."
    return True, message


def cmd_hidden_install(args):
    out = ci_dir(args.dir)
    plan = _read_json(out / "hidden.json", {}) or {}
    ok, message = install_hidden(args.source, args.workspace)
    plan.update(installed=ok, notice=message)
    _write_json(out / "hidden.json", plan)
    print(annotation("notice" if ok else "warning", message, title="genlab hidden suites"))
    set_outputs(installed=ok)
    return 0


# ---- 3. grading ----------------------------------------------------------------------------------

def scrub_environment(environ=None):
    """Drop every variable that looks like a credential before the judge starts (the worker gets a
    scrubbed environment anyway; this keeps the judge's own clean too). Returns the names dropped."""
    environ = os.environ if environ is None else environ
    dropped = [k for k in list(environ) if SECRET_LIKE.search(k) and k not in ("GITHUB_TOKEN_PERMISSIONS",)]
    for k in dropped:
        del environ[k]
    return dropped


def cmd_grade(args):
    from . import reports
    from .grade import GraderError, grade
    from .sandbox import best_available

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


# ---- 4. reporting --------------------------------------------------------------------------------

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
    from . import reports
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
    from .results import Results
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
    results_doc = _read_json(out / "results.json")
    tamper = _read_json(out / "tamper.json")
    hidden = _read_json(out / "hidden.json")
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


# ---- 5. the pull-request comment -----------------------------------------------------------------

def pull_request_number(event):
    pr = event.get("pull_request")
    if pr and pr.get("number"):
        return int(pr["number"])
    issue = event.get("issue") or {}
    if issue.get("pull_request") and issue.get("number"):
        return int(issue["number"])
    return None


def plan_comment(comments, body, bot_login=DEFAULT_BOT_LOGIN, marker=COMMENT_MARKER):
    """What to do so the PR ends with exactly one report comment holding `body`:
    [("create", None, body)] or [("update", id, body)] (or nothing when it already says that),
    plus ("delete", id, None) for any duplicate left by an earlier race. Only comments written by
    `bot_login` and holding the marker count: a student quoting the marker changes nothing."""
    ours = sorted((c for c in comments if marker in (c.get("body") or "")
                   and (c.get("user") or {}).get("login") == bot_login), key=lambda c: c["id"])
    if not ours:
        return [("create", None, body)]
    keep, *dupes = ours
    actions = [] if keep.get("body") == body else [("update", keep["id"], body)]
    return actions + [("delete", c["id"], None) for c in dupes]


class GitHubAPI:
    """The thin part: four REST calls with the workflow's token. Everything else is plan_comment."""

    def __init__(self, token, repository, api_url):
        self.token, self.repository, self.api_url = token, repository, api_url.rstrip("/")

    def _call(self, method, path, payload=None):
        req = urllib.request.Request(f"{self.api_url}/repos/{self.repository}{path}", method=method,
                                     data=None if payload is None else json.dumps(payload).encode())
        req.add_header("Authorization", f"Bearer {self.token}")
        req.add_header("Accept", "application/vnd.github+json")
        req.add_header("X-GitHub-Api-Version", "2022-11-28")
        if payload is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as resp:
            data = resp.read()
        return json.loads(data) if data else None

    def list_comments(self, number):
        comments, page = [], 1
        while True:
            batch = self._call("GET", f"/issues/{number}/comments?per_page=100&page={page}") or []
            comments += batch
            if len(batch) < 100 or page >= 50:
                return comments
            page += 1

    def create_comment(self, number, body):
        return self._call("POST", f"/issues/{number}/comments", {"body": body})

    def update_comment(self, comment_id, body):
        return self._call("PATCH", f"/issues/comments/{comment_id}", {"body": body})

    def delete_comment(self, comment_id):
        return self._call("DELETE", f"/issues/comments/{comment_id}")


def post_comment(api, event, body, bot_login=DEFAULT_BOT_LOGIN):
    """Apply plan_comment through `api`. Returns a one-line account of what was done."""
    number = pull_request_number(event)
    if number is None:
        return "no pull request in this event: the report is in the job summary only"
    actions = plan_comment(api.list_comments(number), body, bot_login)
    done = []
    for action, comment_id, text in actions:
        if action == "create":
            api.create_comment(number, text)
        elif action == "update":
            api.update_comment(comment_id, text)
        else:
            api.delete_comment(comment_id)
        done.append(f"{action} {comment_id or ''}".strip())
    return f"pull request #{number}: " + (", ".join(done) if done else "comment already up to date")


def cmd_comment(args):
    out = ci_dir(args.dir)
    body_path = Path(args.body) if args.body else out / "comment.md"
    if not body_path.is_file():
        print(annotation("warning", f"no report to post ({body_path} is missing)", title="genlab comment"))
        return 0
    body = body_path.read_text(encoding="utf-8")
    event = load_event()
    token = os.environ.get("GITHUB_TOKEN", "")
    repository = os.environ.get("GITHUB_REPOSITORY", "")
    api_url = os.environ.get("GITHUB_API_URL", "")
    if pull_request_number(event) is None:
        print("no pull request in this event: the report is in the job summary only")
        return 0
    if not (token and repository and api_url):
        print(annotation("warning", "cannot post the PR comment: GITHUB_TOKEN, GITHUB_REPOSITORY or GITHUB_API_URL "
                         "is not set", title="genlab comment"))
        return 0
    try:
        print(post_comment(GitHubAPI(token, repository, api_url), event, body, args.bot_login))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        # A fork's pull request gets a read-only token: the report still stands in the job summary.
        print(annotation("warning", f"could not post the PR comment ({exc}); the report is in the job summary",
                         title="genlab comment"))
    return 0


# ---- 6. optional passing score -------------------------------------------------------------------

def cmd_passing_score(args):
    raw = args.score if args.score is not None else os.environ.get("GENLAB_PASSING_SCORE", "")
    try:
        passing = parse_passing_score(raw)
    except ValueError as exc:
        print(annotation("error", f"GENLAB_PASSING_SCORE: {exc}", title="genlab passing score"))
        return 2
    if passing is None:
        print("no passing score configured (GENLAB_PASSING_SCORE is off): the job's status does not depend on the score")
        return 0
    doc = _read_json(ci_dir(args.dir) / "results.json")
    if doc is None:
        print(annotation("error", "no results to compare with the passing score: grading did not complete",
                         title="genlab passing score"))
        return 1
    pct = 100 * doc["score"] / doc["max_score"] if doc.get("max_score") else 0.0
    if pct + 1e-9 < passing:
        print(annotation("error", f"score {pct:.1f}% is under the passing score {passing:g}%", title="genlab passing score"))
        return 1
    print(f"score {pct:.1f}% reaches the passing score {passing:g}%")
    return 0


# ---- instructor CI: notebooks --------------------------------------------------------------------

def run_notebooks(paths, impl=None, timeout=600):
    """Execute each notebook (in a scratch copy) with `impl`/genlab importable as `genlab`.
    Returns {notebook: error message or None}."""
    import nbformat
    from nbclient import NotebookClient

    impl = Path(impl or ROOT / "solutions").resolve()
    outcome = {}
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "GENLAB_IMPL", "MPLBACKEND")}
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(impl), str(ROOT), saved["PYTHONPATH"]]))
    os.environ["GENLAB_IMPL"] = str(impl)
    os.environ["MPLBACKEND"] = "Agg"
    try:
        for path in paths:
            path = Path(path)
            nb = nbformat.read(path, as_version=4)
            with tempfile.TemporaryDirectory(prefix="genlab-nb-") as tmp:
                try:
                    NotebookClient(nb, timeout=timeout, kernel_name="python3",  # quiet: no TCP warning
                                   extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                   resources={"metadata": {"path": tmp}}).execute()
                    outcome[str(path)] = None
                except Exception as exc:  # nbclient raises CellExecutionError, DeadKernelError, timeouts...
                    outcome[str(path)] = f"{type(exc).__name__}: {str(exc)[-3000:]}"
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return outcome


def cmd_notebooks(args):
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "assignments").glob("*.ipynb"))
    if not paths:
        print("no notebooks in assignments/: nothing to execute")
        return 0
    outcome = run_notebooks(paths, args.impl, args.timeout)
    failed = {p: e for p, e in outcome.items() if e}
    for p, e in outcome.items():
        print(f"{'FAILED' if e else 'ok'}  {p}")
        if e:
            print(annotation("error", e[-1500:], file=os.path.relpath(p, ROOT), title="notebook failed against the reference"))
    add_summary(f"### Notebooks against the reference: {len(outcome) - len(failed)} of {len(outcome)} ran cleanly\n")
    return 1 if failed else 0


# ---- the command line ----------------------------------------------------------------------------

def add_parser(sub):
    """Add `ci` and its steps to the `python -m autograder` subparsers."""
    ci = sub.add_parser("ci", help="the steps of the GitHub Actions workflows (see autograder/ci.py)")
    steps = ci.add_subparsers(dest="step", required=True)

    def step(name, help_):
        p = steps.add_parser(name, help=help_)
        p.add_argument("--dir", default=None, help="where the steps keep their files (default $RUNNER_TEMP/genlab-ci)")
        return p

    p = step("tamper", "compare protected files with the release manifest; report and restore them")
    p.add_argument("--checkout", default=".", help="the student's repository (default: here)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--release", default=None, help="a folder holding the pristine release and its MANIFEST.json")
    src.add_argument("--release-commit", default=None,
                     help="take the release from this commit of the checkout's history; 'auto': the pull "
                          "request's base, else the first commit")
    p.add_argument("--restore", action="store_true", help="put the protected files back before grading")
    p.add_argument("--submission", default="starter", help="the folder holding genlab/ (its links are refused)")

    step("hidden-plan", "decide whether the hidden suites can be fetched (reads GENLAB_HIDDEN_* variables)")

    p = step("hidden-install", "move the fetched hidden suites and reference into place")
    p.add_argument("--from", dest="source", required=True, help="the checkout of the instructor's repository")
    p.add_argument("--workspace", default=".")

    p = step("grade", "grade the submission; write results.json, report.md, junit.xml")
    p.add_argument("--submission", default="starter")
    p.add_argument("--units", default=None)
    p.add_argument("--public-only", action="store_true")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--require-sandbox", action="store_true", help="refuse to grade without the bubblewrap sandbox")

    p = step("report", "job summary, annotations, outputs and the PR comment body")
    p.add_argument("--workspace", default=".")

    p = step("comment", "create or update the single PR comment")
    p.add_argument("--body", default=None, help="the Markdown to post (default: comment.md from `report`)")
    p.add_argument("--bot-login", default=os.environ.get("GENLAB_COMMENT_AUTHOR", DEFAULT_BOT_LOGIN),
                   help="whose comments count as the report (default: github-actions[bot])")

    p = step("passing-score", "fail when the score is under GENLAB_PASSING_SCORE (off when unset)")
    p.add_argument("--score", default=None, help="override GENLAB_PASSING_SCORE, e.g. 60 or 60%%")

    p = step("notebooks", "execute assignments/*.ipynb against the reference")
    p.add_argument("notebooks", nargs="*")
    p.add_argument("--impl", default=None, help="folder holding the genlab/ to import (default: solutions)")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    return ci


STEPS = {"tamper": cmd_tamper, "hidden-plan": cmd_hidden_plan, "hidden-install": cmd_hidden_install,
         "grade": cmd_grade, "report": cmd_report, "comment": cmd_comment, "passing-score": cmd_passing_score,
         "notebooks": cmd_notebooks}


def main(args):
    return STEPS[args.step](args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m autograder.ci")
    add_parser(parser.add_subparsers(dest="command", required=True))
    sys.exit(main(parser.parse_args()))

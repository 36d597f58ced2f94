"""Gradescope's autograder, built from this repository, and what runs inside it.

`python -m autograder gradescope --out autograder.zip` writes the zip an instructor uploads as a
programming assignment's autograder. Gradescope unpacks it into /autograder/source and runs
`setup.sh` once (building the image), then for each submission `/autograder/run_autograder`:

    setup.sh          apt: python3, venv, bubblewrap; a venv in /autograder/venv; CPU-only torch from
                      PyTorch's CPU index (GENLAB_TORCH_INDEX_URL overrides); requirements.txt
    run_autograder    python -m autograder.platforms.gradescope run --root /autograder
    autograder/       the grading engine with its hidden suites and probes (no mutants, no calibration)
    tests/            the public tests and probes
    solutions/genlab/ the reference the hidden tests compare with
    starter/genlab/   the provided modules, for uploads of single files
    conftest.py, pyproject.toml, requirements.txt

`run` (the root is a parameter, so a test can hand it a temporary stand-in for /autograder):

1. finds the student's package in /autograder/submission: `genlab/*.py` uploaded as files or as a
   folder, a zip of the repository (`starter/genlab/`, at any depth up to 3), or a GitHub
   submission (a clone: `starter/genlab/`); loose `vae.py`-style files become `genlab/`;
2. pins a copy (regular files only: links are dropped, never followed) and completes it with the
   provided modules the student did not upload;
3. closes the source folder to everyone but root (on Gradescope the worker runs as a user id of its own
   without bubblewrap, and must not read the hidden suites or the reference);
4. grades with `autograder.grade` (the same judge, sandboxed worker, rubric as everywhere) and
   writes /autograder/results/results.json: public tests visible, hidden tests (names, hints)
   `after_due_date`, the summary (score per unit, checklist, projects, hidden suites, isolation,
   seed) in `output`, failure messages already cleared of hidden lines by `grade()` (redact.py).
"""
import argparse
import json
import os
import shutil
import stat
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ["autograder", "tests", "solutions/genlab", "starter/genlab", "conftest.py", "pyproject.toml"]
NOT_SHIPPED = ("autograder/tests", "autograder/hidden/mutants", "autograder/hidden/calibration")
MAX_UPLOAD_BYTES = 50 * 2**20          # a zip that unpacks to more than this is refused
HIDDEN_VISIBILITY = "after_due_date"

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu base image).
set -euo pipefail
SOURCE="$(cd "$(dirname "$0")" && pwd)"
ROOT="${GENLAB_GRADESCOPE_ROOT:-/autograder}"
# CPU-only torch: the CUDA build is a download of several GB that no grading here uses.
TORCH_INDEX_URL="${GENLAB_TORCH_INDEX_URL-@TORCH_INDEX@}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends python3 python3-venv python3-pip bubblewrap util-linux
python3 -c 'import sys; assert sys.version_info >= (3, 11), "genlab needs Python 3.11+: choose the Ubuntu 24.04 base image"'
python3 -m venv "$ROOT/venv"
PIP="$ROOT/venv/bin/python -m pip install --no-cache-dir --disable-pip-version-check"
if [ -n "$TORCH_INDEX_URL" ]; then
  $PIP --index-url "$TORCH_INDEX_URL" "torch@TORCH_SPEC@" "torchvision@TORCHVISION_SPEC@"
fi
$PIP -r "$SOURCE/requirements.txt"
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission. GENLAB_GRADESCOPE_ROOT and GENLAB_PYTHON exist for tests.
ROOT="${GENLAB_GRADESCOPE_ROOT:-/autograder}"
PYTHON="${GENLAB_PYTHON:-$ROOT/venv/bin/python}"
cd "$ROOT/source" || exit 3
exec "$PYTHON" -m autograder.platforms.gradescope run --root "$ROOT"
"""


# ---- building the zip ------------------------------------------------------------------------------

def _shipped_files():
    for rel in SHIPPED:
        src = ROOT / rel
        paths = [src] if src.is_file() else sorted(p for p in src.rglob("*") if p.is_file())
        for p in paths:
            r = p.relative_to(ROOT).as_posix()
            if "__pycache__" in p.parts or p.suffix in (".pyc", ".pyo") or r.startswith(NOT_SHIPPED):
                continue
            yield r, p


def _executable(info):
    info.external_attr = (0o100755 & 0xFFFF) << 16
    return info


def build(out, torch_index=None):
    """Write the autograder zip; returns {files, bytes}."""
    from .installs import TORCH_CPU_INDEX, dependencies, requirements

    torch_index = TORCH_CPU_INDEX if torch_index is None else torch_index
    def spec(name):  # "torch>=2.3" -> ">=2.3"
        return next((req[len(name):] for req, _, _ in dependencies() if req.startswith(name)
                     and not req[len(name):len(name) + 1].isalnum()), "")
    reqs = requirements(("student", "judge-side"))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    names = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("setup.sh", SETUP_SH.replace("@TORCH_INDEX@", torch_index).replace("@TORCH_SPEC@", spec("torch"))
                           .replace("@TORCHVISION_SPEC@", spec("torchvision"))),
                           ("run_autograder", RUN_AUTOGRADER)):
            z.writestr(_executable(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))), text)
            names.append(name)
        z.writestr("requirements.txt", "# the judge's and the tests' libraries (torch is installed first, CPU build)\n"
                   + "".join(f"{r}\n" for r in reqs))
        names.append("requirements.txt")
        for rel, path in _shipped_files():
            z.write(path, rel)
            names.append(rel)
    return {"files": names, "bytes": out.stat().st_size}


def main_build(args):
    info = build(args.out, args.torch_index)
    print(f"wrote {args.out}: {len(info['files'])} files, {info['bytes'] / 1024:.0f} KiB. Upload it as the "
          "programming assignment's autograder (Ubuntu 24.04 base image); see the README, 'Gradescope'.")
    return 0


# ---- finding the student's package ---------------------------------------------------------------

def _safe_unzip(archive, dest):
    """Extract regular files only, inside dest, refusing links, absolute paths and zip bombs."""
    notes, total = [], 0
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            name = info.filename
            mode = info.external_attr >> 16
            if info.is_dir() or stat.S_ISLNK(mode):
                if stat.S_ISLNK(mode):
                    notes.append(f"ignored the symbolic link {name} in {archive.name}")
                continue
            parts = Path(name).parts
            if name.startswith("/") or ".." in parts or "__MACOSX" in parts:
                continue
            total += info.file_size
            if total > MAX_UPLOAD_BYTES:
                notes.append(f"{archive.name} unpacks to more than {MAX_UPLOAD_BYTES // 2**20} MiB: the rest was ignored")
                break
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, open(target, "wb") as f:
                shutil.copyfileobj(src, f)
    return notes


def _package_dirs(top, depth=4):
    """Folders named genlab holding .py files, up to `depth` levels down, links never followed."""
    found = []
    for dirpath, dirnames, _ in os.walk(top):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not (here / d).is_symlink() and not d.startswith(".")
                             and d not in ("__pycache__", "node_modules", "solutions"))
        if len(here.relative_to(top).parts) >= depth:
            dirnames[:] = []
        if here.name == "genlab" and here != top and any(p.suffix == ".py" for p in here.iterdir() if p.is_file()):
            found.append(here)
            dirnames[:] = []
    # the starter/genlab of a repository first, then the shallowest
    return sorted(found, key=lambda p: (p.parent.name != "starter", len(p.parts), str(p)))


def locate(submission, scratch, module_names):
    """(folder holding genlab/, notes) for whatever the student uploaded, or (None, notes)."""
    submission, scratch = Path(submission), Path(scratch)
    notes = []
    search = [submission]
    for archive in sorted(submission.glob("*.zip")):
        dest = scratch / "unzipped" / archive.stem
        try:
            notes += _safe_unzip(archive, dest)
            search.append(dest)
        except zipfile.BadZipFile:
            notes.append(f"{archive.name} is not a readable zip file")
    for top in search:
        dirs = _package_dirs(top)
        if dirs:
            return dirs[0].parent, notes
    loose = [p for top in search for p in sorted(top.glob("*.py")) if p.stem in module_names and p.is_file()
             and not p.is_symlink()]
    if loose:
        gathered = scratch / "loose"
        (gathered / "genlab").mkdir(parents=True)
        for p in loose:
            shutil.copyfile(p, gathered / "genlab" / p.name)
        notes.append("graded the uploaded files " + ", ".join(p.name for p in loose) + " as genlab/")
        return gathered, notes
    return None, notes


def complete(pinned, starter):
    """Add the provided modules the student did not upload (data.py, viz.py, stubs of other units)."""
    added = []
    for p in sorted(Path(starter).glob("*.py")):
        target = Path(pinned) / "genlab" / p.name
        if not target.exists():
            shutil.copyfile(p, target)
            added.append(p.name)
    return added


# ---- running inside Gradescope ---------------------------------------------------------------------

def _close_to_others(source):
    """Root only: the hidden suites, the reference and the rubric unreadable by the worker's user."""
    if os.geteuid() != 0:
        return
    for path in (source, *Path(source).rglob("*")):
        if path.is_symlink():
            continue
        try:
            os.chmod(path, stat.S_IMODE(path.stat().st_mode) & 0o700)
        except OSError:
            pass


def _write(results_path, doc):
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(doc, indent=1) + "\n")


def _no_submission(results_path, notes, seconds):
    lines = ["genlab grade: 0 points: no genlab package was found in your submission.", "",
             "Upload your genlab/*.py files (for example starter/genlab/vae.py), a zip of your repository, "
             "or submit your GitHub repository.", *[f"Notice: {n}" for n in notes]]
    _write(results_path, {"score": 0.0, "execution_time": round(seconds, 1), "output": "\n".join(lines),
                          "visibility": "visible", "stdout_visibility": "hidden", "tests": []})


def run(root, units=None, seed=None):
    """Grade /autograder/submission (under `root`) into root/results/results.json. Returns an exit status."""
    from .. import reports
    from ..grade import GraderError, grade
    from ..grade_all import snapshot

    t0 = time.perf_counter()
    root = Path(root).resolve()
    source, results_path = root / "source", root / "results" / "results.json"
    starter = source / "starter" / "genlab"
    modules = {p.stem for p in starter.glob("*.py")}
    scratch = Path(tempfile.mkdtemp(prefix="genlab-gradescope-"))
    try:
        parent, notes = locate(root / "submission", scratch, modules)
        if parent is None:
            _no_submission(results_path, notes, time.perf_counter() - t0)
            print("no genlab package in the submission")
            return 0
        pinned = scratch / "pinned"
        fingerprint, more = snapshot(parent, pinned)
        notes += more
        added = complete(pinned, starter)
        if added:
            notes.append("not in your submission, so the provided version was used: " + ", ".join(added))
        _close_to_others(source)
        units = units or [u for u in (os.environ.get("GENLAB_UNITS") or "").split(",") if u] or None
        try:
            results = grade(pinned, units, seed=seed)
        except GraderError as exc:
            print(f"grader error: {exc}", file=sys.stderr)
            _write(results_path, {"score": 0.0, "output": "The grader itself failed (not your code): tell your "
                                  "instructor, who can rerun it.", "visibility": "visible",
                                  "stdout_visibility": "hidden", "tests": []})
            return 3
        results.submission = "your submission"
        results.notices = notes + results.notices
        _write(results_path, json.loads(reports.gradescope(results, hidden_visibility=HIDDEN_VISIBILITY)))
        print(reports.text(results))
        print(f"fingerprint {fingerprint[:16]}; results written to {results_path}")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.platforms.gradescope")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="grade a Gradescope submission (inside the autograder image)")
    p.add_argument("--root", default="/autograder")
    p.add_argument("--units", default=None)
    p.add_argument("--seed", type=int, default=None)
    p = sub.add_parser("build", help="write the autograder zip")
    p.add_argument("--out", default="autograder.zip")
    p.add_argument("--torch-index", default=None)
    args = parser.parse_args(argv)
    if args.command == "build":
        return main_build(args)
    return run(args.root, args.units.split(",") if args.units else None, args.seed)


if __name__ == "__main__":
    sys.exit(main())

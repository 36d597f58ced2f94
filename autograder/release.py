"""`python -m autograder release [--check] [--out DIR]`

1. Regenerates `starter/genlab/` from `solutions/genlab/`: each solution region becomes a stub
   (regions.clear_solutions), every other byte is copied. `--check` only compares and lists stale files.
2. Builds the student release folder (default `build/release/`): the starter package, the public
   tests and their probes, the grading engine without its hidden parts, the notebooks released by
   nbgrader itself, the student README, the grading workflows (pull requests: grade.yml; GitHub
   Classroom's points: classroom.yml) and the student's own pyproject.toml (platforms/installs.py),
   plus MANIFEST.json (hashes of the files a student must not change). The README is generated
   from docs/STUDENT_README.md and the rubric's [[unit]] table (`student_readme`): one row per
   unit with its module, notebook and checklist item, so it cannot miss a unit.
3. Proves the release contains no solution text and nothing hidden (`leaks`), and fails otherwise.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .regions import BEGIN, END, clear_solutions, find_regions

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions" / "genlab"
STARTER = ROOT / "starter" / "genlab"
DEFAULT_OUT = ROOT / "build" / "release"

# What a student receives, relative to the repository (folders are copied whole).
RELEASED = ["tests", "autograder", "assignments/otter", "conftest.py", "pyproject.toml", ".github/workflows/grade.yml",
            "LICENSE", ".gitignore"]
NOT_RELEASED = ["autograder/hidden", "autograder/tests", "__pycache__", ".pytest_cache"]
# Released under another name: {source in this repository: path in the release}.
RELEASED_AS = {"autograder/platforms/classroom.yml": ".github/workflows/classroom.yml"}
# Files the student must not change: hashed into MANIFEST.json, checked by the grading workflow.
PROTECTED = ["tests", "autograder", "assignments/otter", "conftest.py", "pyproject.toml", ".github", "MANIFEST.json"]


def expected_starter():
    """{relative path: bytes} of the starter that `solutions/` generates."""
    files = {}
    for src in sorted(SOLUTIONS.rglob("*")):
        if src.is_dir() or "__pycache__" in src.parts:
            continue
        rel = src.relative_to(SOLUTIONS).as_posix()
        if src.suffix == ".py":
            files[rel] = clear_solutions(src.read_text(), filename=str(src)).encode()
        else:
            files[rel] = src.read_bytes()
    return files


def stale_starter_files(starter=STARTER):
    """Paths (relative to starter/genlab) that differ from what solutions/ generates."""
    expected = expected_starter()
    actual = {p.relative_to(starter).as_posix(): p.read_bytes() for p in starter.rglob("*")
              if p.is_file() and "__pycache__" not in p.parts} if starter.exists() else {}
    problems = [f"{rel}: missing" for rel in expected if rel not in actual]
    problems += [f"{rel}: differs from what solutions/genlab/{rel} generates"
                 for rel in expected if rel in actual and actual[rel] != expected[rel]]
    problems += [f"{rel}: not generated from solutions/ (delete it)" for rel in actual if rel not in expected]
    return problems


def write_starter(starter=STARTER):
    if starter.exists():
        shutil.rmtree(starter)
    for rel, data in expected_starter().items():
        path = starter / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


# ---- the student release ------------------------------------------------------------------------

def _ignored(path: Path):
    rel = path.relative_to(ROOT).as_posix()
    return any(rel == n or rel.startswith(n + "/") or n in path.parts for n in NOT_RELEASED)


def _copy(rel, out):
    src = ROOT / rel
    if not src.exists():
        return
    paths = [src] if src.is_file() else sorted(p for p in src.rglob("*") if p.is_file())
    for p in paths:
        if _ignored(p):
            continue
        dest = out / p.relative_to(ROOT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(p, dest)


def release_notebooks(out):
    """Run `nbgrader generate_assignment` on every notebook in assignments/ (one assignment each)."""
    notebooks = sorted((ROOT / "assignments").glob("*.ipynb"))
    if not notebooks:
        return []
    with tempfile.TemporaryDirectory() as course:
        course = Path(course)
        for nb in notebooks:
            (course / "source" / nb.stem).mkdir(parents=True)
            shutil.copy2(nb, course / "source" / nb.stem / nb.name)
        env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        for nb in notebooks:
            proc = subprocess.run(
                [sys.executable, "-m", "nbgrader", "generate_assignment", nb.stem, "--force",
                 f"--CourseDirectory.root={course}", f"--CourseDirectory.db_url=sqlite:///{course}/gradebook.db"],
                capture_output=True, text=True, env=env, cwd=course)
            released = course / "release" / nb.stem / nb.name
            if proc.returncode != 0 or not released.exists():
                raise RuntimeError(f"nbgrader could not release {nb.name}:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
            (out / "assignments").mkdir(parents=True, exist_ok=True)
            shutil.copy2(released, out / "assignments" / nb.name)
    return [f"assignments/{nb.name}" for nb in notebooks]


def file_hash(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


UNITS_MARKER = "<!-- UNITS -->"


def unit_table(rubric=None, assignments=None):
    """The student README's table of units, from the rubric: one row per unit number (unit 01
    holds foundations and metrics) with its modules, its notebook (assignments/NN_*.ipynb) and the
    checklist items and projects its groups score. Raises ValueError when a unit the groups name
    has no [[unit]] entry, or a unit number has no notebook or several."""
    from .results import load_rubric, rubric_units

    rubric = rubric or load_rubric()
    assignments = Path(assignments or ROOT / "assignments")
    described = {u["name"]: u for u in rubric.get("unit", [])}
    missing = [u for u in rubric_units(rubric) if u not in described]
    if missing:
        raise ValueError(f"the rubric's groups name unit(s) {missing} without a [[unit]] entry (name, number, title): "
                         "the student README could not list them")
    items = {c["id"]: c["item"] for c in rubric["checklist"]}
    projects = {p["id"]: p["name"] for p in rubric.get("project", [])}
    rows = {}
    for name in rubric_units(rubric):
        unit = described[name]
        row = rows.setdefault(unit["number"], {"titles": [], "modules": [], "scores": [], "projects": []})
        row["titles"].append(unit["title"])
        row["modules"].append(f"`genlab.{name}`")
        groups = [g for g in rubric["group"] if g["unit"] == name]
        for g in groups:
            if g.get("project"):
                text = f"Project {g['project']} ({projects.get(g['project'], '')}): all of its `test_project_*` tests pass"
                if text not in row["projects"]:
                    row["projects"].append(text)
            if "checklist" in g:
                text = items[g["checklist"]]
                if any("checklist" not in other for other in groups):   # only some of the unit's tests score it
                    tests = sorted({t.split("::")[-1] for t in g["tests"]})
                    text += f" (the tests {', '.join(f'`{t}`' for t in tests)}; the rest of the unit scores points only)"
            else:
                continue
            if text not in row["scores"]:
                row["scores"].append(text)
    lines = ["| unit | module | notebook | checklist item |", "|---|---|---|---|"]
    for number in sorted(rows):
        row = rows[number]
        notebooks = sorted(assignments.glob(f"{number:02d}_*.ipynb"))
        if len(notebooks) != 1:
            raise ValueError(f"unit {number:02d} needs exactly one notebook assignments/{number:02d}_*.ipynb, "
                             f"found {[n.name for n in notebooks]}")
        lines.append(f"| {number:02d} {' + '.join(row['titles'])} | {', '.join(row['modules'])} | "
                     f"`assignments/{notebooks[0].name}` | {'; '.join(row['scores'] + row['projects']) or 'points only'} |")
    projects_item = next((c for c in rubric["checklist"] if "projects_needed" in c), None)
    lines += ["", f"A checklist item passes when its tests earn at least {rubric['pass_fraction']:.0%} of their points; "
                  "a project passes when every one of its tests passes"
              + (f", and \"{projects_item['item']}\" counts the projects passed ({projects_item['projects_needed']} needed)."
                 if projects_item else ".")]
    return "\n".join(lines) + "\n"


def student_readme(template=None, rubric=None, assignments=None):
    """docs/STUDENT_README.md with its units marker replaced by `unit_table`."""
    text = Path(template or ROOT / "docs" / "STUDENT_README.md").read_text()
    if text.count(UNITS_MARKER) != 1:
        raise ValueError(f"docs/STUDENT_README.md must hold the line {UNITS_MARKER} once: the table of units goes there")
    return text.replace(UNITS_MARKER, unit_table(rubric, assignments).rstrip("\n"))


def write_manifest(out):
    files = {}
    for rel in PROTECTED:
        src = out / rel
        if rel == "MANIFEST.json" or not src.exists():
            continue
        for p in ([src] if src.is_file() else sorted(src.rglob("*"))):
            if p.is_file():
                files[p.relative_to(out).as_posix()] = file_hash(p)
    manifest = {"protected": PROTECTED, "files": files}
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def build_release(out=DEFAULT_OUT):
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    write_starter(out / "starter" / "genlab")
    for rel in RELEASED:
        _copy(rel, out)
    for rel, dest in RELEASED_AS.items():
        (out / dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, out / dest)
    from .platforms.installs import student_pyproject
    (out / "pyproject.toml").write_text(student_pyproject())  # student dependencies; the judge's as `.[judge]`
    (out / "README.md").write_text(student_readme())   # the units table from the rubric: never stale
    release_notebooks(out)
    write_manifest(out)
    return out


# ---- the leak check -----------------------------------------------------------------------------

def _code_lines(text):
    """Lines stripped of indentation and comments, blank ones dropped, as one string."""
    return "\n".join(c for c in (line.split("#", 1)[0].strip() for line in text.splitlines()) if c)


def solution_fingerprints(min_single=50, min_pair=10):
    """Telling pieces of solution code: single lines of at least `min_single` characters, and
    every two consecutive lines (each at least `min_pair` characters) of a region, except what
    also stands outside the regions (provided code is released on purpose)."""
    provided = "\n".join(_code_lines(text.decode()) for text in expected_starter().values() if b"\0" not in text)
    prints = set()
    for src in SOLUTIONS.rglob("*.py"):
        for region in find_regions(src.read_text(), str(src)):
            lines = _code_lines("".join(region.lines)).splitlines()
            candidates = [line for line in lines if len(line) >= min_single]
            candidates += [f"{a}\n{b}" for a, b in zip(lines, lines[1:]) if min(len(a), len(b)) >= min_pair]
            prints.update(c for c in candidates if c not in provided)
    return prints


def leaks(out):
    """Everything in the release folder that should not be there, as readable sentences."""
    out = Path(out)
    problems = []
    prints = solution_fingerprints()
    hidden_root = ROOT / "autograder" / "hidden"
    hidden_texts = {p.read_bytes() for p in hidden_root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                    and p.stat().st_size > 200} if hidden_root.exists() else set()
    for p in sorted(out.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(out).as_posix()
        if rel.startswith(("solutions/", "autograder/hidden/")) or "/hidden/" in rel:
            problems.append(f"{rel}: hidden or reference material is in the release")
            continue
        data = p.read_bytes()
        if data in hidden_texts:
            problems.append(f"{rel}: a copy of a hidden file")
            continue
        try:
            text = data.decode()
        except UnicodeDecodeError:
            continue
        if rel.endswith(".ipynb"):  # compare the code, not the JSON escaping
            try:
                text = "\n".join("".join(c.get("source", "")) for c in json.loads(text).get("cells", []))
            except ValueError:
                pass
        if BEGIN in text or END in text:
            if not rel.startswith("autograder/"):  # the engine names the markers; that is no leak
                problems.append(f"{rel}: contains a solution marker")
        code = _code_lines(text)
        for fp in sorted(prints):
            if fp in code:
                problems.append(f"{rel}: contains solution code: {fp!r}")
    return problems


def main(args):
    from . import points

    if args.check:
        from .platforms import otter
        problems = stale_starter_files()
        if problems:
            print("starter/ is out of date with solutions/ (run `python -m autograder release`):")
            print("\n".join(f"  starter/genlab/{p}" for p in problems))
        stale_otter = otter.stale_tests()
        if stale_otter:
            print("assignments/otter/ is out of date with the public tests (run `python -m autograder release`):")
            print("\n".join(f"  assignments/otter/{p}" for p in stale_otter))
            problems += stale_otter
        moved = points.changes()
        if moved:
            print("test points changed since the last release (autograder/points.json); "
                  "`python -m autograder release` records them:")
            print("\n".join(f"  {line}" for line in moved))
        if problems or moved:
            return 1
        print("starter/ is in sync with solutions/, and every test's points are as released.")
        return 0
    from .platforms import otter
    write_starter()
    points.write_lock()
    otter.write_tests()
    print(f"regenerated {STARTER.relative_to(ROOT)}/ from solutions/, and the Otter checks from the public tests")
    out = build_release(Path(args.out) if args.out else DEFAULT_OUT)
    problems = leaks(out)
    if problems:
        print(f"the release in {out} leaks:")
        print("\n".join(f"  {p}" for p in problems))
        return 1
    n = sum(1 for p in out.rglob("*") if p.is_file())
    print(f"built the student release in {out} ({n} files); leak check: clean")
    return 0

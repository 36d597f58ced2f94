"""JupyterHub with nbgrader: a course directory, and the code graded by this grader.

`python -m autograder nbgrader-course DIR` writes an nbgrader course directory:

    DIR/nbgrader_config.py               course id; `autograde` records submissions without running them
    DIR/source/<NN_title>/<NN_title>.ipynb   the unit's notebook (nbgrader source format)
    DIR/source/<NN_title>/genlab/        the unit's starter module and the provided ones (data, training, viz)
    DIR/source/<NN_title>/otter/         the notebook's in-notebook Otter checks (they need the genlab release
                                         installed in the hub's environment: they run its public tests)
    DIR/genlab_assignments.json          which rubric units each assignment grades

The instructor then runs nbgrader's own commands from DIR (generate_assignment, release_assignment,
collect, autograde) and grades the written answers in formgrader. nbgrader never executes student
code here: `autograde` only records each submission (the notebooks' only graded cell is the
written answer, graded by hand).

`python -m autograder nbgrader-grade DIR [--assignment A]` grades the code in
DIR/submitted/<student>/<assignment>/genlab/ with this repository's tests, hidden suites and
rubric (the sandboxed worker, one seed per batch, as `grade-all`) and writes DIR/genlab_grades.csv,
one row per student id: per assignment the code score, its maximum and status, the written-answer
score from nbgrader's gradebook (DIR/gradebook.db) when it has one, and the totals.
"""
import csv
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ROOT / "assignments"
STARTER = ROOT / "starter" / "genlab"

CONFIG = '''# nbgrader configuration for the genlab course (written by `python -m autograder nbgrader-course`).
c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = "genlab"
c.CourseDirectory.root = __file__.rsplit("/", 1)[0]

# The code is graded by genlab's sandboxed grader (`python -m autograder nbgrader-grade`), never by
# running student notebooks: `autograde` records each submission for the written answers in
# formgrader without executing it (nbgrader's kernel would run student code as your user).
from nbgrader.converters import Autograde  # noqa: E402
from nbgrader.preprocessors import Execute  # noqa: E402

_default = Autograde.class_traits()["autograde_preprocessors"].make_dynamic_default()
c.Autograde.autograde_preprocessors = [p for p in _default if p is not Execute]
'''


def notebook_units(path, units):
    """The rubric units a notebook works with: the genlab modules its code imports."""
    import nbformat
    code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    named = set()
    for m in re.finditer(r"from genlab import ([\w, ()]+)", code):
        named |= {n.strip(" ()").split(" as ")[0].strip() for n in m.group(1).split(",")}
    named |= set(re.findall(r"genlab\.(\w+)", code))
    return [u for u in units if u in named]


def build_course(out):
    """Write the course directory; returns {assignment: [units]}."""
    from ..results import load_rubric, rubric_units

    out = Path(out)
    units = rubric_units(load_rubric())
    provided = sorted(p for p in STARTER.glob("*.py") if p.stem not in units)
    (out / "source").mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG)
    plan = {}
    for nb in sorted(ASSIGNMENTS.glob("*.ipynb")):
        mine = notebook_units(nb, units)
        if not mine:
            continue
        dest = out / "source" / nb.stem
        if dest.exists():
            shutil.rmtree(dest)
        (dest / "genlab").mkdir(parents=True)
        shutil.copy2(nb, dest / nb.name)
        for p in provided + [STARTER / f"{u}.py" for u in mine]:
            shutil.copy2(p, dest / "genlab" / p.name)
        otter_checks = ASSIGNMENTS / "otter" / nb.stem   # the notebook's in-notebook checks (grader.check)
        if otter_checks.is_dir():
            shutil.copytree(otter_checks, dest / "otter" / nb.stem, ignore=shutil.ignore_patterns("__pycache__"))
        plan[nb.stem] = mine
    (out / "genlab_assignments.json").write_text(json.dumps(plan, indent=1) + "\n")
    return plan


def main_course(args):
    plan = build_course(args.dir)
    print(f"wrote the nbgrader course in {args.dir}: " + ", ".join(f"{a} ({', '.join(u)})" for a, u in plan.items()))
    print(f"next, from {args.dir}: nbgrader generate_assignment NAME; nbgrader release_assignment NAME; ...")
    return 0


# ---- grading submitted/ ---------------------------------------------------------------------------

def written_scores(course, assignment, students):
    """{student: (score, max_score, needs_manual_grade)} from nbgrader's gradebook, where it has them."""
    db = Path(course) / "gradebook.db"
    if not db.exists():
        return {}
    from nbgrader.api import Gradebook, MissingEntry
    found = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        for s in students:
            try:
                sub = gb.find_submission(assignment, s)
            except MissingEntry:
                continue
            found[s] = (sub.score, sub.max_score, bool(sub.needs_manual_grade))
    return found


def grade_course(course, assignment=None, jobs=2, out=None, seed=None, public_only=False):
    """Grade every submitted/<student>/<assignment>/genlab; write the CSV. Returns (csv path, rows)."""
    from ..grade_all import run_batch, snapshot, _safe_name

    course = Path(course).resolve()
    plan = json.loads((course / "genlab_assignments.json").read_text())
    wanted = [assignment] if assignment else list(plan)
    unknown = [a for a in wanted if a not in plan]
    if unknown:
        raise ValueError(f"unknown assignment(s) {unknown}; the course has {list(plan)}")
    submitted = course / "submitted"
    students = sorted(p.name for p in submitted.iterdir() if p.is_dir() and not p.name.startswith(".")) \
        if submitted.is_dir() else []
    rows = {s: {"student_id": s} for s in students}
    columns = ["student_id"]
    for a in wanted:
        columns += [f"{a}:code", f"{a}:code_max", f"{a}:status", f"{a}:written", f"{a}:written_max",
                    f"{a}:needs_manual_grade"]
        gradebook = course / "genlab_gradebook" / a
        with tempfile.TemporaryDirectory(prefix="genlab-nbgrader-") as staging:
            for s in students:
                folder = submitted / s / a
                if (folder / "genlab").is_dir() and not (folder / "genlab").is_symlink():
                    snapshot(folder, Path(staging) / s)
                else:
                    (Path(staging) / s).mkdir()   # no code submitted: graded as no submission
            run_batch(staging, gradebook, jobs=jobs, units=plan[a], public_only=public_only, seed=seed)
        with open(gradebook / "gradebook.csv", newline="") as f:
            graded = {r["student"]: r for r in csv.DictReader(f)}
        by_file = {_safe_name(s): s for s in students}
        written = written_scores(course, a, students)
        for s in students:
            r = graded.get(s) or graded.get(by_file.get(s, s)) or {}
            w = written.get(s)
            rows[s].update({f"{a}:code": r.get("total", ""), f"{a}:code_max": r.get("max_score", ""),
                            f"{a}:status": r.get("status", "not graded"),
                            f"{a}:written": "" if w is None else w[0], f"{a}:written_max": "" if w is None else w[1],
                            f"{a}:needs_manual_grade": "" if w is None else int(w[2])})
    columns += ["code_total", "written_total"]
    for row in rows.values():
        row["code_total"] = round(sum(float(row.get(f"{a}:code") or 0) for a in wanted), 2)
        row["written_total"] = round(sum(float(row.get(f"{a}:written") or 0) for a in wanted), 2)
    path = Path(out) if out else course / "genlab_grades.csv"
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows[s] for s in students)
    return path, [rows[s] for s in students]


def main_grade(args):
    try:
        path, rows = grade_course(args.dir, args.assignment, args.jobs, args.out, args.seed, args.public_only)
    except (FileNotFoundError, ValueError) as exc:
        print(f"nbgrader-grade: {exc}", file=sys.stderr)
        return 2
    failed = [r["student_id"] for r in rows if any(v in ("grader-error", "timeout") for k, v in r.items()
                                                   if k.endswith(":status"))]
    print(f"graded {len(rows)} student(s); wrote {path}" + (f"; grader failures: {failed}" if failed else ""))
    return 3 if failed else 0

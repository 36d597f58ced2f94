"""JupyterHub with nbgrader: `python -m autograder nbgrader-course DIR`, nbgrader's own
generate_assignment and autograde on it, a written answer graded as formgrader would, and
`python -m autograder nbgrader-grade DIR` over submitted/ for fake students: alice (the
reference), bob (the starter) and mallory (a hostile vae.py). The CSV is joined on student id.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.__main__ import main as cli
from autograder.platforms import nbgrader_course
from autograder.results import load_rubric, rubric_units

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = Path(__file__).with_name("hostile_vae.py")
VAE = "02_variational_autoencoders"


def test_the_course_has_the_config_and_one_source_folder_per_notebook(tmp_path):
    plan = nbgrader_course.build_course(tmp_path / "course")
    course = tmp_path / "course"
    assert "c.CourseDirectory.course_id" in (course / "nbgrader_config.py").read_text()
    assert sorted(plan) == sorted(p.stem for p in (ROOT / "assignments").glob("*.ipynb"))
    assert {u for units in plan.values() for u in units} == set(rubric_units(load_rubric()))
    for assignment, units in plan.items():
        folder = course / "source" / assignment
        assert (folder / f"{assignment}.ipynb").is_file()
        modules = {p.stem for p in (folder / "genlab").glob("*.py")}
        assert set(units) <= modules and {"__init__", "data"} <= modules
        assert not (set(rubric_units(load_rubric())) - set(units)) & modules   # no other unit's stub
        for u in units:   # the starter, never the reference
            assert (folder / "genlab" / f"{u}.py").read_bytes() == (ROOT / "starter" / "genlab" / f"{u}.py").read_bytes()
    assert json.loads((course / "genlab_assignments.json").read_text()) == plan


def test_autograde_is_configured_not_to_execute_student_notebooks(tmp_path):
    nbgrader_course.build_course(tmp_path)
    config = (tmp_path / "nbgrader_config.py").read_text()
    namespace = {"get_config": lambda: Config(), "__file__": str(tmp_path / "nbgrader_config.py")}

    class Config(dict):
        def __getattr__(self, name):
            return self.setdefault(name, Config())

        def __setattr__(self, name, value):
            self[name] = value

    exec(compile(config, "nbgrader_config.py", "exec"), namespace)  # noqa: S102 (our own file)
    names = [p.__name__ for p in namespace["c"].Autograde.autograde_preprocessors]
    assert "Execute" not in names and "SaveAutoGrades" in names


def nbgrader(course, *args):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_generate_collect_autograde_and_grade_three_students(tmp_path, monkeypatch):
    monkeypatch.setenv("GENLAB_CALL_TIMEOUT", "10")
    course = tmp_path / "course"
    assert cli(["nbgrader-course", str(course)]) == 0
    nbgrader(course, "generate_assignment", VAE, "--force")
    released = course / "release" / VAE
    assert (released / "genlab" / "vae.py").is_file() and (released / f"{VAE}.ipynb").is_file()
    assert "### BEGIN SOLUTION" not in (released / f"{VAE}.ipynb").read_text()

    # what `nbgrader collect` leaves: submitted/<student>/<assignment>/, the released files, edited
    for student, vae in (("alice", ROOT / "solutions" / "genlab" / "vae.py"), ("bob", None), ("mallory", HOSTILE)):
        shutil.copytree(released, course / "submitted" / student / VAE)
        if vae:
            shutil.copy2(vae, course / "submitted" / student / VAE / "genlab" / "vae.py")
    nb = course / "submitted" / "alice" / VAE / f"{VAE}.ipynb"
    doc = json.loads(nb.read_text())
    answer = next(c for c in doc["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")
                  and c["cell_type"] == "markdown")
    answer["source"] = "The KL term pulls each posterior towards the prior, so samples from the prior decode well."
    nb.write_text(json.dumps(doc))

    log = nbgrader(course, "autograde", VAE, "--force", "--create")
    assert "Executing notebook" not in log          # student code never ran in nbgrader's kernel

    from nbgrader.api import Gradebook               # the written answer, graded as in formgrader
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade = next(g for n in gb.find_submission(VAE, "alice").notebooks for g in n.grades)
        grade.manual_score = grade.max_score
        gb.db.commit()

    assert cli(["nbgrader-grade", str(course), "--assignment", VAE]) == 0
    with open(course / "genlab_grades.csv", newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert set(rows) == {"alice", "bob", "mallory"}
    assert float(rows["alice"][f"{VAE}:code"]) == float(rows["alice"][f"{VAE}:code_max"]) == 100
    assert float(rows["alice"][f"{VAE}:written"]) == float(rows["alice"][f"{VAE}:written_max"]) > 0
    assert float(rows["bob"][f"{VAE}:code"]) == 0 and float(rows["mallory"][f"{VAE}:code"]) == 0
    assert {r[f"{VAE}:status"] for r in rows.values()} == {"graded"}
    report = (course / "genlab_gradebook" / VAE / "reports" / "mallory.json").read_text()
    assert json.loads(report)["hidden_graded"] and "END OF LOOT" in report     # graded, its code ran sandboxed
    public = {line.strip() for top in ("starter", "tests") for p in (ROOT / top).rglob("*.py")
              for line in p.read_text().splitlines()}
    public |= {line.strip() for p in (ROOT / "autograder").glob("*.py") for line in p.read_text().splitlines()}
    hidden = {line.strip() for p in (ROOT / "autograder" / "hidden").rglob("*.py")
              for line in p.read_text().splitlines() if len(line.strip()) >= 40} - public
    shown = {line.strip() for t in json.loads(report)["tests"] for line in t["output"].splitlines()}
    assert sorted(hidden & shown) == []

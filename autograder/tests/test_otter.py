"""Otter-Grader: the in-notebook checks and an Otter course, both generated from the public tests.

The fast tests check that what `release` generated is current and complete; the slow ones run
Otter for real, offline: the check cells of a notebook executed headless, and `otter assign`,
then `otter run` on the reference (full marks) and on the starter (zero).
"""
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.platforms import otter

ROOT = Path(__file__).resolve().parents[2]
OTTER = [str(Path(sys.executable).parent / "otter")]


def test_the_generated_otter_tests_are_current():
    assert otter.stale_tests() == [], "run `python -m autograder release`"


@pytest.mark.parametrize("unit", ["vae", "transformer", "metrics"])
def test_every_public_test_is_an_otter_test_case_worth_its_points(unit):
    text = otter.test_file_text(unit)
    names = otter.public_test_functions(unit)
    assert names and all(f"def {n}(env):" in text and f'check("tests/test_{unit}.py::{n}", env)' in text for n in names)
    lock = json.loads((ROOT / "autograder" / "points.json").read_text())
    public = sum(v for k, v in lock.items() if k.startswith(f"tests/test_{unit}.py::"))
    assert abs(sum(otter.test_points(unit, lock).values()) - public) < 1e-6


@pytest.mark.parametrize("path", sorted(otter.OTTER_TESTS.glob("*/*.py")), ids=lambda p: f"{p.parent.name[:2]}-{p.stem}")
def test_otter_loads_each_generated_test_file_and_its_points_add_up(path):
    """Otter itself refuses a file whose cases' points add up to more than its total, by any
    amount ("More points specified in test cases than allowed": 12 cases of 25/12 rounded each to
    2.0834 made 25.0008 > 25). Loaded here with Otter's own reader."""
    from otter.test_files.exception_test import ExceptionTestFile
    test_file = ExceptionTestFile.from_file(str(path))
    lock = json.loads((ROOT / "autograder" / "points.json").read_text())
    public = sum(v for k, v in lock.items() if k.startswith(f"tests/test_{path.stem}.py::"))
    assert len(test_file.test_cases) == len(otter.public_test_functions(path.stem))
    assert abs(sum(tc.points for tc in test_file.test_cases) - public) < 1e-3


@pytest.mark.parametrize("path", sorted(otter.notebooks()), ids=lambda p: p.stem)
def test_each_notebook_checks_its_units_and_checks_all_before_the_written_answer(path):
    cells = nbformat.read(path, as_version=4).cells
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert f'otter.Notebook(tests_dir="otter/{path.stem}")' in code
    for unit in otter.notebooks()[path]:
        assert f'grader.check("{unit}")' in code
    written = next(i for i, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("grade"))
    assert any(c.source.strip() == "grader.check_all()" for c in cells[:written])


def _kernel_env(monkeypatch, impl):
    monkeypatch.setenv("GENLAB_IMPL", str(impl))
    monkeypatch.setenv("GENLAB_PROGRESS", "0")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))   # the kernel imports this checkout's autograder


def _check_outputs(path, impl, monkeypatch):
    """Execute a notebook's set-up and check cells only; return the check cells' text outputs."""
    from nbclient import NotebookClient
    _kernel_env(monkeypatch, impl)
    nb = nbformat.read(path, as_version=4)
    last = max(i for i, c in enumerate(nb.cells) if "grader.check(" in c.source)
    nb.cells = [c for c in nb.cells[:last + 1] if c.cell_type == "code"]
    NotebookClient(nb, timeout=300, kernel_name="python3", extra_arguments=["--IPKernelApp.log_level=ERROR"],
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return ["".join(o.get("data", {}).get("text/plain", "") or o.get("text", "") for o in c.outputs)
            for c in nb.cells if "grader.check(" in c.source]


@pytest.mark.slow
def test_the_check_cell_passes_the_reference_and_shows_the_starters_failures(monkeypatch):
    path = ROOT / "assignments" / "02_variational_autoencoders.ipynb"
    assert _check_outputs(path, ROOT / "solutions", monkeypatch) == ["vae results: All test cases passed!"]
    [starter] = _check_outputs(path, ROOT / "starter", monkeypatch)
    assert "All test cases passed" not in starter and "NotImplementedError" in starter
    assert starter.count("Test case failed") == len(otter.public_test_functions("vae"))


def _submission(folder, notebook, package):
    """An Otter submission: the student notebook and a genlab/ folder, zipped."""
    folder.mkdir()
    shutil.copy2(notebook, folder / notebook.name)
    shutil.copytree(package, folder / "genlab", ignore=shutil.ignore_patterns("__pycache__"))
    archive = folder.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w") as z:
        for p in folder.rglob("*"):
            z.write(p, p.relative_to(folder))
    return archive


def _otter_run(autograder_zip, submission, out):
    out.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "GENLAB_IMPL"}
    proc = subprocess.run([*OTTER, "run", "-a", str(autograder_zip), "-o", str(out), str(submission)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert (out / "results.json").exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    tests = json.loads((out / "results.json").read_text())["tests"]
    return {t["name"]: (t.get("score"), t.get("max_score")) for t in tests if t.get("max_score")}


@pytest.mark.slow
def test_an_otter_course_assigns_and_grades_the_reference_full_and_the_starter_zero(tmp_path, monkeypatch):
    name = "02_variational_autoencoders"
    plan = otter.build_course(tmp_path / "course")
    assert plan[name] == ["vae"]
    course = tmp_path / "course" / name
    assert not (course / "genlab_public" / "autograder" / "hidden").exists()
    monkeypatch.setenv("GENLAB_IMPL", str(ROOT / "solutions"))   # otter assign runs the tests on the reference
    monkeypatch.setenv("PYTHONPATH", "")
    proc = subprocess.run([*OTTER, "assign", f"{name}.ipynb", "dist"], cwd=course, capture_output=True, text=True,
                          timeout=600)
    zips = list((course / "dist" / "autograder").glob("*.zip"))
    assert proc.returncode == 0 and len(zips) == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    student = course / "dist" / "student" / f"{name}.ipynb"
    assert any(c.source.strip() == 'grader.check("vae")' for c in nbformat.read(student, as_version=4).cells)
    with zipfile.ZipFile(zips[0]) as z:   # what Gradescope builds from: setup.sh, the tests, the public engine
        names = set(z.namelist())
    assert {"setup.sh", "run_autograder", "tests/vae.py", "files/genlab_public/tests/test_vae.py"} <= names
    assert not any("autograder/hidden/" in n or "solutions" in n for n in names)

    reference = _otter_run(zips[0], _submission(tmp_path / "reference", student, ROOT / "solutions" / "genlab"),
                           tmp_path / "reference-out")
    starter = _otter_run(zips[0], _submission(tmp_path / "starter", student, ROOT / "starter" / "genlab"),
                         tmp_path / "starter-out")
    full = round(sum(otter.test_points("vae").values()), 4)
    assert reference["vae"] == (full, full) and starter["vae"] == (0.0, full), (reference, starter)

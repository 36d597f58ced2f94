"""The one-source principle: starter/ is generated from solutions/, and a release leaks nothing."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import release
from autograder.regions import RegionError, clear_solutions

ROOT = Path(__file__).resolve().parents[2]


def test_clearing_replaces_each_region_and_keeps_every_other_byte():
    source = ('def f(x):\n    """Doc."""\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n    ### END SOLUTION\n'
              '\n\nclass A:\n    def g(self):\n        ### BEGIN SOLUTION\n        return 2\n        ### END SOLUTION\n')
    assert clear_solutions(source) == (
        'def f(x):\n    """Doc."""\n    # YOUR CODE HERE\n    raise NotImplementedError\n'
        '\n\nclass A:\n    def g(self):\n        # YOUR CODE HERE\n        raise NotImplementedError\n')


@pytest.mark.parametrize("broken", [
    "    ### BEGIN SOLUTION\n    x = 1\n",                                         # never closed
    "    ### END SOLUTION\n",                                                      # no BEGIN
    "    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    ### END SOLUTION\n",      # nested
    "    ### BEGIN SOLUTION\n  ### END SOLUTION\n",                                # indentation differs
])
def test_malformed_regions_are_refused(broken):
    with pytest.raises(RegionError):
        clear_solutions("def f():\n" + broken)


def test_starter_is_in_sync_with_solutions():
    assert release.stale_starter_files() == [], "run `python -m autograder release` and commit starter/"


def test_release_check_fails_after_an_edit_to_a_solution_region(tmp_path, monkeypatch):
    solutions = tmp_path / "genlab"
    shutil.copytree(release.SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    vae = solutions / "vae.py"
    vae.write_text(vae.read_text().replace("return mu + eps * torch.exp(0.5 * logvar)",
                                           "return mu + eps * torch.exp(0.5 * logvar)  # edited"))
    monkeypatch.setattr(release, "SOLUTIONS", solutions)
    # the edit is inside a region: the starter does not change
    assert release.stale_starter_files() == []
    vae.write_text(vae.read_text().replace('"""Draw z ~ N(mu', '"""Sample z ~ N(mu'))
    assert release.stale_starter_files() == ["vae.py: differs from what solutions/genlab/vae.py generates"]


def test_release_check_command_exits_nonzero_when_stale(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "autograder", "release", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
    starter_vae = ROOT / "starter" / "genlab" / "vae.py"
    original = starter_vae.read_bytes()
    try:
        starter_vae.write_bytes(original + b"# hand edit\n")
        proc = subprocess.run([sys.executable, "-m", "autograder", "release", "--check"], cwd=ROOT,
                              capture_output=True, text=True)
        assert proc.returncode == 1 and "starter/genlab/vae.py" in proc.stdout
    finally:
        starter_vae.write_bytes(original)


@pytest.fixture(scope="module")
def built_release(tmp_path_factory):
    return release.build_release(tmp_path_factory.mktemp("release") / "release")


def test_release_has_the_student_pieces(built_release):
    out = built_release
    for path in ["starter/genlab/vae.py", "tests/test_vae.py", "tests/probes/vae.py", "autograder/grade.py",
                 "conftest.py", "pyproject.toml", "MANIFEST.json", "README.md"]:
        assert (out / path).exists(), path
    notebooks = sorted(p.name for p in (out / "assignments").glob("*.ipynb"))
    assert notebooks == sorted(p.name for p in (ROOT / "assignments").glob("*.ipynb"))
    released = json.loads((out / "assignments" / "02_variational_autoencoders.ipynb").read_text())
    answer = [c for c in released["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    assert answer and "checksum" in answer[0]["metadata"]["nbgrader"], "notebooks are released by nbgrader"


def test_release_contains_no_solution_and_nothing_hidden(built_release):
    assert release.leaks(built_release) == []
    assert not (built_release / "solutions").exists()
    assert not (built_release / "autograder" / "hidden").exists()
    assert not (built_release / "autograder" / "tests").exists()


def test_leak_check_finds_planted_solution_code(built_release, tmp_path):
    planted = tmp_path / "release"
    shutil.copytree(built_release, planted)
    (planted / "tests" / "helper.py").write_text(
        "def kl(mu, logvar):\n    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=-1)\n")
    (planted / "autograder" / "hidden").mkdir()
    (planted / "autograder" / "hidden" / "x.py").write_text("")
    problems = release.leaks(planted)
    assert any("tests/helper.py: contains solution code" in p for p in problems)
    assert any("autograder/hidden/x.py" in p for p in problems)


def test_manifest_hashes_every_protected_file(built_release):
    manifest = json.loads((built_release / "MANIFEST.json").read_text())
    assert "tests/test_vae.py" in manifest["files"] and "autograder/grade.py" in manifest["files"]
    assert not any(path.startswith("starter/") for path in manifest["files"]), "the student edits starter/"
    assert manifest["files"]["tests/test_vae.py"] == release.file_hash(built_release / "tests" / "test_vae.py")


def test_student_readme_lists_every_unit_with_its_notebook_and_checklist_items(built_release):
    """The release's README is generated from the rubric: every unit the rubric grades has a row
    naming its module, its notebook and the checklist item (and project) of each of its groups."""
    from autograder.results import load_rubric, rubric_units

    rubric = load_rubric()
    readme = (built_release / "README.md").read_text()
    numbers = {u["name"]: u["number"] for u in rubric["unit"]}
    items = {c["id"]: c["item"] for c in rubric["checklist"]}
    for unit in rubric_units(rubric):
        rows = [line for line in readme.splitlines() if line.startswith("|") and f"`genlab.{unit}`" in line]
        assert len(rows) == 1, f"the student README has {len(rows)} rows for unit {unit}"
        notebook = next((ROOT / "assignments").glob(f"{numbers[unit]:02d}_*.ipynb"))
        assert f"assignments/{notebook.name}" in rows[0], f"unit {unit}'s row does not name {notebook.name}"
        for group in (g for g in rubric["group"] if g["unit"] == unit):
            if "checklist" in group:
                assert items[group["checklist"]] in rows[0], f"unit {unit}'s row misses its checklist item {group['checklist']}"
            if group.get("project"):
                assert f"Project {group['project']}" in rows[0], f"unit {unit}'s row misses Project {group['project']}"
    for notebook in (ROOT / "assignments").glob("*.ipynb"):
        assert f"assignments/{notebook.name}" in readme, f"{notebook.name} is in no row of the student README"
    assert release.UNITS_MARKER not in readme


def test_student_readme_refuses_a_unit_the_rubric_does_not_describe(tmp_path):
    from autograder.results import RUBRIC, load_rubric

    text = RUBRIC.read_text() + '\n[[group]]\nname = "extra"\nunit = "extra"\ntests = ["tests/test_extra.py::*"]\npoints = 10\n'
    (tmp_path / "rubric.toml").write_text(text)
    with pytest.raises(ValueError, match="extra"):
        release.student_readme(rubric=load_rubric(tmp_path / "rubric.toml"))


def test_student_readme_refuses_a_unit_without_its_notebook(tmp_path):
    for notebook in (ROOT / "assignments").glob("*.ipynb"):
        if not notebook.name.startswith("05_"):
            shutil.copy2(notebook, tmp_path / notebook.name)
    with pytest.raises(ValueError, match="unit 05"):
        release.student_readme(assignments=tmp_path)

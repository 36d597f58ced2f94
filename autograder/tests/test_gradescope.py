"""Gradescope: the zip `python -m autograder gradescope` builds, unpacked into a temporary stand-in
for /autograder and run as Gradescope runs it (`run_autograder`), on the reference (a `genlab/`
upload), the starter (a zip of the repository) and a hostile submission (loose files and a link).
The fast tests check the pieces: what the zip holds, how uploads are found, the results format.

The end-to-end runs grade the VAE unit only (GENLAB_UNITS=vae) to stay short; Gradescope grades
every unit in the rubric.
"""
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder import reports
from autograder.platforms import gradescope
from autograder.release import solution_fingerprints
from autograder.results import load_rubric, rubric_units, score

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = Path(__file__).with_name("hostile_vae.py")


# ---- the zip ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    out = tmp_path_factory.mktemp("gs") / "autograder.zip"
    gradescope.build(out)
    return out


def test_the_zip_has_gradescope_layout_and_what_grading_needs(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as z:
        names = set(z.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
        setup = z.read("setup.sh").decode()
    assert {"setup.sh", "run_autograder", "requirements.txt", "pyproject.toml", "conftest.py"} <= names
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    for unit in rubric_units(load_rubric()):
        assert f"tests/test_{unit}.py" in names and f"solutions/genlab/{unit}.py" in names
        if (ROOT / "autograder" / "hidden" / f"test_{unit}.py").exists():
            assert f"autograder/hidden/test_{unit}.py" in names
    assert not any(n.startswith(("autograder/tests/", "autograder/hidden/mutants/", "autograder/hidden/calibration/"))
                   or "__pycache__" in n for n in names)
    assert "--index-url \"$TORCH_INDEX_URL\"" in setup and "https://download.pytorch.org/whl/cpu" in setup
    assert "GENLAB_TORCH_INDEX_URL" in setup


# ---- finding the upload ----------------------------------------------------------------------------

def _modules():
    return {p.stem for p in (ROOT / "starter" / "genlab").glob("*.py")}


def test_a_genlab_folder_upload_is_found(tmp_path):
    (tmp_path / "sub" / "genlab").mkdir(parents=True)
    (tmp_path / "sub" / "genlab" / "vae.py").write_text("")
    parent, notes = gradescope.locate(tmp_path / "sub", tmp_path / "scratch", _modules())
    assert parent == tmp_path / "sub" and notes == []


def test_a_repository_zip_is_unpacked_and_its_starter_package_preferred(tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    with zipfile.ZipFile(sub / "repo.zip", "w") as z:
        z.writestr("genlab-main/starter/genlab/vae.py", "x = 1\n")
        z.writestr("genlab-main/solutions/genlab/vae.py", "forged = 1\n")
        z.writestr("../escape.py", "")
        link = zipfile.ZipInfo("genlab-main/starter/genlab/gan.py")
        link.external_attr = 0o120777 << 16
        z.writestr(link, "/etc/passwd")
    parent, notes = gradescope.locate(sub, tmp_path / "scratch", _modules())
    assert parent.name == "starter" and (parent / "genlab" / "vae.py").read_text() == "x = 1\n"
    assert not (parent / "genlab" / "gan.py").exists() and any("symbolic link" in n for n in notes)
    assert not (tmp_path / "scratch" / "escape.py").exists()


def test_loose_module_files_become_the_package_and_links_are_ignored(tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "vae.py").write_text("x = 1\n")
    (sub / "notes.py").write_text("")
    (sub / "gan.py").symlink_to(ROOT / "solutions" / "genlab" / "gan.py")
    parent, notes = gradescope.locate(sub, tmp_path / "scratch", _modules())
    assert sorted(p.name for p in (parent / "genlab").iterdir()) == ["vae.py"]
    assert gradescope.complete(parent, ROOT / "starter" / "genlab")  # data.py, gan.py stub, ...
    assert (parent / "genlab" / "gan.py").read_bytes() == (ROOT / "starter" / "genlab" / "gan.py").read_bytes()


def test_a_github_submission_is_graded_from_its_starter_package(tmp_path):
    """Gradescope clones the repository into submission/: starter/genlab wins over a stray genlab/."""
    for folder in ("sub/starter/genlab", "sub/genlab", "sub/solutions/genlab"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "vae.py").write_text(f"# {folder}\n")
    parent, _ = gradescope.locate(tmp_path / "sub", tmp_path / "scratch", _modules())
    assert parent == tmp_path / "sub" / "starter"


def test_nothing_found_is_reported_not_crashed(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "README.txt").write_text("hello")
    assert gradescope.locate(tmp_path / "sub", tmp_path / "scratch", _modules())[0] is None


# ---- the results format ------------------------------------------------------------------------------

def _results(passed):
    rubric = load_rubric()
    outcomes = [{"nodeid": "tests/test_vae.py::test_a", "status": "passed"},
                {"nodeid": "autograder/hidden/test_vae.py::test_b", "status": "passed" if passed else "failed",
                 "output": "expected 1, got 2: check the sign of the KL"}]
    r = score(outcomes, rubric, ["vae"], hidden_graded=True)
    r.isolation, r.seed, r.submission = "bwrap-user: sandbox", 1234, "your submission"
    return r


@pytest.mark.parametrize("passed", [True, False])
def test_the_output_is_one_summary_whether_or_not_everything_passes(passed):
    doc = json.loads(reports.gradescope(_results(passed)))
    out = doc["output"]
    for line in ("genlab grade:", "Checklist:", "Projects completed:", "Hidden suites: graded", "Isolation: bwrap-user",
                 "Seed: 1234"):
        assert out.count(line) == 1, (line, out)
    assert "What to fix" not in out and "test_b" not in out     # hidden names stay in the hidden test entries


def test_hidden_tests_are_visible_after_the_due_date_and_public_ones_at_once():
    doc = json.loads(reports.gradescope(_results(False)))
    vis = {t["name"]: t["visibility"] for t in doc["tests"]}
    assert vis == {"vae: test_a": "visible", "vae: test_b": "after_due_date"}
    assert doc["stdout_visibility"] == "hidden"
    hidden = next(t for t in doc["tests"] if t["name"] == "vae: test_b")
    assert hidden["status"] == "failed" and "check the sign" in hidden["output"]


# ---- end to end: run_autograder in a stand-in /autograder ---------------------------------------------

def stand_in(tmp_path, autograder_zip):
    """What Gradescope builds: the zip in source/, run_autograder next to it, an empty submission/."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(autograder_zip) as z:
        z.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):
        os.chmod(root / "source" / script, 0o755)
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    (root / "submission_metadata.json").write_text(json.dumps({"assignment": {"due_date": "2030-01-01T00:00:00"}}))
    return root


def run_autograder(root):
    env = dict(os.environ, GENLAB_GRADESCOPE_ROOT=str(root), GENLAB_PYTHON=sys.executable, GENLAB_UNITS="vae",
               GENLAB_FORGE_PATH=str(root / "results" / "results.json"))
    proc = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads((root / "results" / "results.json").read_text()), proc.stdout + proc.stderr


def assert_summary(doc):
    for line in ("genlab grade:", "Checklist:", "Hidden suites: graded", "Isolation:", "Seed:"):
        assert line in doc["output"], line


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_run_autograder_gives_the_reference_full_marks(tmp_path, autograder_zip):
    root = stand_in(tmp_path, autograder_zip)
    shutil.copytree(ROOT / "solutions" / "genlab", root / "submission" / "genlab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    doc, _ = run_autograder(root)
    assert doc["score"] == pytest.approx(sum(t["max_score"] for t in doc["tests"]), rel=1e-5) and doc["score"] > 0
    assert all(t["status"] == "passed" for t in doc["tests"])
    assert {t["visibility"] for t in doc["tests"] if t["name"].startswith("vae: test_project")} == {"after_due_date"}
    assert {"visible", "after_due_date"} == {t["visibility"] for t in doc["tests"]}
    assert_summary(doc)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_run_autograder_gives_a_repository_zip_of_the_starter_zero(tmp_path, autograder_zip):
    root = stand_in(tmp_path, autograder_zip)
    with zipfile.ZipFile(root / "submission" / "genlab-main.zip", "w") as z:
        for p in sorted((ROOT / "starter" / "genlab").glob("*.py")):
            z.write(p, f"genlab-main/starter/genlab/{p.name}")
    doc, _ = run_autograder(root)
    assert doc["score"] == 0 and doc["tests"]
    assert all(t["status"] == "failed" and "NotImplementedError" in t["output"] for t in doc["tests"])
    assert_summary(doc)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_run_autograder_grades_a_hostile_upload_and_leaks_nothing(tmp_path, autograder_zip):
    root = stand_in(tmp_path, autograder_zip)
    (root / "submission" / "vae.py").write_text(HOSTILE.read_text())
    (root / "submission" / "gan.py").symlink_to(root / "source" / "solutions" / "genlab" / "gan.py")
    doc, log = run_autograder(root)
    assert doc["score"] == 0 and doc["tests"] and "forged" not in doc["output"]
    assert any("END OF LOOT" in t["output"] for t in doc["tests"])          # its code did run, in the worker
    assert "graded the uploaded files vae.py as genlab/" in doc["output"]  # the link was not taken
    assert_summary(doc)
    assert_nothing_hidden_in("\n".join([doc["output"], log, *(t["name"] + "\n" + t["output"] for t in doc["tests"])]))


def assert_nothing_hidden_in(text):
    """No line of the hidden suites and probes (40+ characters, not also in a public file) and no
    piece of solution code appears in `text`."""
    public = {line.strip() for top in ("starter", "tests") for p in (ROOT / top).rglob("*.py")
              for line in p.read_text().splitlines()}
    public |= {line.strip() for p in (ROOT / "autograder").glob("*.py") for line in p.read_text().splitlines()}
    hidden = {line.strip() for p in (ROOT / "autograder" / "hidden").rglob("*.py")
              for line in p.read_text().splitlines() if len(line.strip()) >= 40} - public
    shown = {line.strip() for line in text.splitlines()}
    leaked = sorted(hidden & shown) + [fp for fp in solution_fingerprints() if fp in text]
    assert leaked == [], leaked[:5]

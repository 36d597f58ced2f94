"""GitHub Classroom's grade column: the runner result `python -m autograder classroom` writes (the
format Classroom's reporter reads), and the released classroom.yml run here step by step on a push
event, with the GitHub environment files, on the reference (full points), the starter (zero) and a
hostile submission (graded, nothing hidden in anything the job shows).

The reporter itself (classroom-resources/autograding-grading-reporter, JavaScript) is not run:
`reporter_points` does what it does with the result (decode GENLAB_RESULTS, add the tests' scores,
write `Points X/Y`).
"""
import base64
import importlib.util
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from autograder.__main__ import main as cli
from autograder.platforms import classroom

_spec = importlib.util.spec_from_file_location("_actions_runner", Path(__file__).with_name("actions_runner.py"))
_actions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_actions)
Runner = _actions.Runner  # a local stand-in for GitHub's runner (autograder/tests/actions_runner.py)

ROOT = Path(__file__).resolve().parents[2]
CLASSROOM_YML = ROOT / "autograder" / "platforms" / "classroom.yml"
HOSTILE = Path(__file__).with_name("hostile_vae.py")


def reporter_points(env_value):
    """The reporter's arithmetic: base64 JSON from <RUNNER>_RESULTS, the sum of the tests' scores."""
    result = json.loads(base64.b64decode(env_value))
    total = sum(t["score"] for t in result["tests"])
    return f"Points {total}/{result['max_score']}" if result["max_score"] else None


def results_doc(scores):
    """A results.json with one test per (group, score, max_score)."""
    tests = [{"name": f"tests/test_vae.py::test_{i}", "unit": "vae", "group": g, "status": "passed" if s == m else "failed",
              "score": s, "max_score": m, "hidden": False, "output": ""} for i, (g, s, m) in enumerate(scores)]
    return {"score": sum(s for _, s, _ in scores), "max_score": sum(m for _, _, m in scores), "tests": tests}


# ---- the result format ---------------------------------------------------------------------------------

def test_full_marks_give_every_group_its_points_and_status_pass():
    doc = results_doc([("vae-public", 25 / 3, 25 / 3)] * 3 + [("vae-hidden", 55 / 7, 55 / 7)] * 7)
    result = classroom.runner_result(doc)
    assert result["version"] == 1 and result["status"] == "pass" and result["max_score"] == 80
    assert [(t["name"], t["score"], t["max_score"], t["status"]) for t in result["tests"]] == [
        ("vae-public (3/3 tests)", 25, 25, "pass"), ("vae-hidden (7/7 tests)", 55, 55, "pass")]
    assert reporter_points(classroom.encode(result)) == "Points 80/80"


def test_fractional_scores_become_whole_points_that_add_up_to_the_rounded_score():
    third = 25 / 3
    doc = results_doc([("vae-public", third, third), ("vae-public", 0, third), ("vae-public", 0, third),
                       ("vae-hidden", 55 / 7, 55 / 7), ("vae-hidden", 55 / 7, 55 / 7)] + [("vae-hidden", 0, 55 / 7)] * 5)
    result = classroom.runner_result(doc)
    assert all(isinstance(t["score"], int) for t in result["tests"])
    assert sum(t["score"] for t in result["tests"]) == round(doc["score"]) == 24
    assert result["status"] == "fail" and "to fix: test_1, test_2" in result["tests"][0]["message"]
    assert reporter_points(classroom.encode(result)) == "Points 24/80"


def test_a_failed_grading_reports_an_error_and_no_points_never_a_zero():
    result = classroom.runner_result(None, "the judge did not finish within 1800 s")
    assert result["status"] == "error" and result["max_score"] == 0
    assert "not a judgement of your code" in result["tests"][0]["message"]
    assert reporter_points(classroom.encode(result)) is None    # the reporter writes no Points line


def test_the_step_writes_the_result_output_and_the_summary_line(tmp_path, monkeypatch):
    ci_dir, output, summary = tmp_path / "ci", tmp_path / "output", tmp_path / "summary.md"
    ci_dir.mkdir()
    output.write_text("")
    summary.write_text("")
    (ci_dir / "results.json").write_text(json.dumps(results_doc([("vae-public", 25, 25), ("vae-hidden", 0, 55)])))
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert cli(["classroom", "--dir", str(ci_dir)]) == 0
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert reporter_points(outputs["result"]) == outputs["points"] == "Points 25/80"
    assert "**GitHub Classroom:** Points 25/80" in summary.read_text()
    assert json.loads((ci_dir / "classroom.json").read_text())["max_score"] == 80


def test_the_workflow_is_what_classroom_reads():
    doc = yaml.safe_load(CLASSROOM_YML.read_text())
    on = doc.pop(True, doc.get("on"))
    assert doc["name"] == "Autograding Tests" and "push" in on and "repository_dispatch" in on
    assert doc["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}
    (job_id, job), = doc["jobs"].items()
    assert job_id == "run-autograding-tests" and job["name"] == "Autograding Tests"
    assert "github-classroom[bot]" in job["if"] and "default_branch" in job["if"]
    steps = job["steps"]
    reporter = next(s for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-grading-reporter@"))
    runner = reporter["with"]["runners"]
    assert re.fullmatch(r"[A-Za-z0-9]+", runner) and runner == classroom.RUNNER
    assert reporter["env"] == {f"{runner.upper()}_RESULTS": "${{ steps.classroom.outputs.result }}"}
    names = [s.get("id") for s in steps]
    assert names.index("grade") < names.index("report") < names.index("classroom") < steps.index(reporter)
    for s in steps:
        if s["name"].startswith("Install ("):
            assert "--index-url \"$GENLAB_TORCH_INDEX_URL\"" in s["run"] and ".[judge]" in s["run"]
    assert "download.pytorch.org/whl/cpu" in doc["env"]["GENLAB_TORCH_INDEX_URL"]


def test_the_release_ships_it_as_a_workflow(tmp_path):
    from autograder.release import RELEASED_AS
    assert RELEASED_AS["autograder/platforms/classroom.yml"] == ".github/workflows/classroom.yml"


# ---- end to end: classroom.yml's steps on a push ----------------------------------------------------------

@pytest.fixture(scope="module")
def release(tmp_path_factory):
    from autograder.release import build_release
    return build_release(tmp_path_factory.mktemp("release") / "release")


def run_push(tmp_path, release, genlab_files):
    """classroom.yml's steps, in order, on a push of `genlab_files` ({name: text}) to a student
    repository made from the release, with the hidden suites "fetched" (the checkout action is
    stood in for by a copy of autograder/hidden and solutions/genlab). pip, apt and the other
    actions are skipped; `sudo` is a shim that clears the environment and grades the VAE only."""
    repo = tmp_path / "repo"
    shutil.copytree(release, repo)
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.invalid")
    git = lambda *a: subprocess.run(["git", "-C", str(repo), *a], check=True, capture_output=True, env=env)
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "Initial commit")
    for name, text in genlab_files.items():
        (repo / "starter" / "genlab" / name).write_text(text)
    git("commit", "-qam", "my work", "--allow-empty")
    event = {"ref": "refs/heads/main", "after": "1" * 40,
             "repository": {"full_name": "course-org/genlab-alice", "default_branch": "main"}}
    doc = yaml.safe_load(CLASSROOM_YML.read_text())
    runner = Runner(tmp_path, repo, doc["env"], event, "push", secret=True, GITHUB_REF_NAME="main",
                    vars={"GENLAB_HIDDEN_REPO": "course-org/genlab-instructor"})  # the variable, as an instructor sets it
    logs, reporter_env = [], None
    for step in doc["jobs"]["run-autograding-tests"]["steps"]:
        if not runner.wanted(step):
            continue
        if step.get("uses", "").startswith("actions/checkout") and step.get("with", {}).get("path") == ".genlab-instructor":
            for rel in ("autograder/hidden", "solutions/genlab"):
                shutil.copytree(ROOT / rel, repo / ".genlab-instructor" / rel, ignore=shutil.ignore_patterns("__pycache__"))
            runner.ran.append("fetch")
            continue
        if step.get("uses", "").startswith("classroom-resources/autograding-grading-reporter"):
            reporter_env = runner.step_env(step)
            runner.ran.append("reporter")
            continue
        if "run" not in step or re.search(r"pip install|apt-get", step["run"]):
            continue
        logs.append(runner.run(step))
    results = json.loads((runner.temp / "genlab-ci" / "results.json").read_text())
    shown = "\n".join(logs) + runner.summary + json.dumps(runner.ctx["outputs"])
    return {"ran": runner.ran, "results": results, "points": reporter_points(reporter_env["GENLAB_RESULTS"]),
            "shown": shown, "summary": runner.summary}


def _solution_files():
    return {"vae.py": (ROOT / "solutions" / "genlab" / "vae.py").read_text()}


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_a_push_of_the_reference_gets_full_points(tmp_path, release):
    job = run_push(tmp_path, release, _solution_files())
    assert job["ran"][:4] == ["tamper", "hidden", "fetch", "Install the hidden suites"]
    assert job["ran"][-2:] == ["classroom", "reporter"]
    assert job["results"]["hidden_graded"] and job["results"]["score"] == job["results"]["max_score"] == 100
    assert job["points"] == "Points 100/100"
    assert "**GitHub Classroom:** Points 100/100" in job["summary"]


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_a_push_of_the_starter_gets_zero(tmp_path, release):
    job = run_push(tmp_path, release, {})
    assert job["points"] == "Points 0/100"


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_a_hostile_push_is_graded_and_shows_nothing_hidden(tmp_path, release):
    job = run_push(tmp_path, release, {"vae.py": HOSTILE.read_text()})
    assert job["points"] == "Points 0/100" and job["results"]["hidden_graded"]
    assert "forged" not in job["summary"] and "1000" not in job["points"]
    public = {line.strip() for top in ("starter", "tests") for p in (ROOT / top).rglob("*.py")
              for line in p.read_text().splitlines()}
    public |= {line.strip() for p in (ROOT / "autograder").glob("*.py") for line in p.read_text().splitlines()}
    hidden = {line.strip() for p in (ROOT / "autograder" / "hidden").rglob("*.py")
              for line in p.read_text().splitlines() if len(line.strip()) >= 40} - public
    shown = {line.strip() for line in job["shown"].splitlines()}
    assert sorted(hidden & shown) == []

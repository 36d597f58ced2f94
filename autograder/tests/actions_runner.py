"""A local stand-in for a GitHub Actions runner, enough to run our workflows' `run:` steps in order.

test_workflows.py (grade.yml on a pull request) and test_classroom.py (classroom.yml on a push)
both use it. It evaluates the few expression forms our workflow files use, gives each step the
environment files GitHub gives (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH) and a
`sudo` shim that clears the environment as sudo does and, to keep the tests short, grades the VAE
unit only. Steps that need the network (pip, apt, other actions) are the caller's to skip.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path


def expression(value, ctx):
    """`${{ ... }}` (or a bare `if:`) as GitHub would evaluate it for this local run. ctx holds
    "outputs" (step id -> outputs), "env", and optionally "secret" (whether the token secret is
    stored) and "event_name"."""
    inner = value.strip()[3:-2].strip() if value.strip().startswith("${{") else value.strip()
    m = re.fullmatch(r"vars\.\w+(?: \|\| '([^']*)')?", inner)
    if m:
        return m.group(1) or ""
    if inner.startswith("secrets[") or inner.startswith("startsWith(secrets["):
        return "true" if ctx.get("secret") and "!=" in inner else "false"   # a token, not an SSH key
    if inner == "github.token":
        return ""
    e = inner.replace("!cancelled()", "True")
    e = re.sub(r"steps\.(\w+)\.outputs\.(\w+)", lambda m: repr(ctx["outputs"].get(m[1], {}).get(m[2], "")), e)
    e = re.sub(r"env\.(\w+)", lambda m: repr(ctx["env"].get(m[1], "")), e)
    e = e.replace("github.event_name", repr(ctx.get("event_name", ""))).replace("&&", " and ").replace("||", " or ")
    return eval(e, {"__builtins__": {}}, {"True": True})  # noqa: S307 (our own workflow file)


def substitute(text, ctx):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(expression("${{" + m.group(1) + "}}", ctx)), text)


class Runner:
    """The runner's folders under `tmp_path` and the job's base environment."""

    def __init__(self, tmp_path, repo, workflow_env, event, event_name, **github):
        self.repo, self.gh = repo, tmp_path / "gh"
        self.shim, self.temp = tmp_path / "bin", tmp_path / "runner-temp"
        for folder in (self.shim, self.temp, self.gh):
            folder.mkdir()
        (self.shim / "sudo").write_text('#!/bin/sh\n[ "$1" = --non-interactive ] && shift\n'
                                        'exec env -i PATH="$PATH" HOME="$HOME" GENLAB_CALL_TIMEOUT=10 "$@" --units vae\n')
        (self.shim / "sudo").chmod(0o755)
        (self.gh / "event.json").write_text(json.dumps(event))
        (self.gh / "summary.md").write_text("")
        self.ctx = {"outputs": {}, "env": {}, "event_name": event_name, "secret": github.pop("secret", False)}
        self.ctx["env"] = {k: str(substitute(str(v), self.ctx)) for k, v in workflow_env.items()}
        self.ctx["env"].update(github.pop("vars", {}))
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GENLAB_", "RUNNER_"))}
        self.env.update(self.ctx["env"], PATH=f"{self.shim}:{Path(sys.executable).parent}:{os.environ['PATH']}",
                        GITHUB_ACTIONS="true", GITHUB_EVENT_NAME=event_name,
                        GITHUB_EVENT_PATH=str(self.gh / "event.json"), GITHUB_STEP_SUMMARY=str(self.gh / "summary.md"),
                        GITHUB_WORKSPACE=str(repo), GITHUB_REPOSITORY="course-org/genlab-alice",
                        RUNNER_TEMP=str(self.temp), **github)
        self.ran = []

    def wanted(self, step):
        return "if" not in step or bool(expression(str(step["if"]), self.ctx))

    def step_env(self, step):
        return {k: str(substitute(str(v), self.ctx)) for k, v in step.get("env", {}).items()}

    def run(self, step, timeout=900):
        """Run one `run:` step with bash as GitHub does; it must succeed. Returns its output."""
        out = self.gh / f"output-{len(self.ran)}"
        out.write_text("")
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=self.repo,
                              env=dict(self.env, GITHUB_OUTPUT=str(out), **self.step_env(step)),
                              capture_output=True, text=True, timeout=timeout)
        assert proc.returncode == 0, f"{step['name']}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        self.ran.append(step.get("id") or step["name"])
        if step.get("id"):
            self.ctx["outputs"][step["id"]] = dict(line.split("=", 1) for line in out.read_text().splitlines() if "=" in line)
        return proc.stdout + proc.stderr

    @property
    def summary(self):
        return (self.gh / "summary.md").read_text()

"""A warm judge for many gradings in a row: pytest, torch and the reference imported once, then
one fork per grading. `verify` grades every mutant with it.

    judge = WarmJudge()            # starts `python -m autograder.warm_judge` (a few seconds, once)
    code, log = judge.run(pytest_args, timeout=1800)
    judge.close()

Each grading is a fresh pytest session in a forked child of the server, so nothing of one
grading (the modules under test, fixtures, the worker) reaches the next: the children share only
what was imported before the fork. Student code never runs here either: the child's tests reach
the submission through the sandboxed worker, started fresh for each grading as in `grade`.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class WarmJudge:
    def __init__(self):
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", GENLAB_PROGRESS="0")
        self.proc = subprocess.Popen([sys.executable, "-m", "autograder.warm_judge"], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the warm judge did not start")

    def run(self, args, timeout):
        """pytest `args` in a fresh child; returns (exit code or None on timeout, its output)."""
        with tempfile.NamedTemporaryFile("w+", prefix="genlab-judge-", suffix=".log") as log:
            self.proc.stdin.write(json.dumps({"args": args, "timeout": timeout, "log": log.name}) + "\n")
            self.proc.stdin.flush()
            reply = self.proc.stdout.readline()
            if not reply:
                raise RuntimeError("the warm judge died")
            return json.loads(reply)["code"], Path(log.name).read_text(errors="replace")

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def _grade_in_child(args, log):
    """In the forked child: a new process group (so a timeout kills it whole) and a pytest session."""
    os.setpgrp()
    fd = os.open(log, os.O_WRONLY | os.O_TRUNC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    code = 3
    try:
        import pytest
        code = int(pytest.main(args))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _wait(pid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    return None


def serve():
    import pytest  # noqa: F401  (what every child needs, imported once)
    import torch

    from . import pytest_plugin  # noqa: F401
    from .reference import SOLUTIONS, reference

    torch.set_num_threads(1)
    for path in sorted((SOLUTIONS / "genlab").glob("*.py")):
        if path.stem != "__init__":
            try:
                reference(path.stem)
            except Exception:
                pass  # a reference that cannot import is reported by the grading that needs it
    out = sys.stdout
    print("ready", file=out, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _grade_in_child(request["args"], request["log"])
        code = _wait(pid, request["timeout"])
        print(json.dumps({"code": code}), file=out, flush=True)


if __name__ == "__main__":
    serve()

"""A warm judge for many gradings in a row: pytest, torch and the reference imported once, then
one fork per grading. `verify` grades every mutant with it.

Each grading's child is forked ahead of time, while the previous grading runs: it starts a blank
sandboxed worker (staged probes, no submission yet; see SandboxWorker.adopt) and waits for its
grading, so the worker's start-up (an interpreter importing torch) is off the grading's path.

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
        from .grade import JUDGE_ENV
        env = dict(os.environ, **JUDGE_ENV)
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


def _fork_next():
    """Fork the child for the next grading; returns (pid, the pipe to send it its request on)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(read_end)
        return pid, write_end
    os.close(write_end)
    os.setpgrp()  # its own process group, so that a timeout kills it whole
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # the server's stdout carries its replies: keep off it
    from . import worker
    from .pytest_plugin import PROBE_DIRS
    try:
        worker.PRESTARTED = worker.SandboxWorker(None, PROBE_DIRS)
        worker.PRESTARTED.start()
    except Exception:
        worker.PRESTARTED = None  # the grading starts its own worker, and reports why that fails
    line = os.fdopen(read_end).readline()
    if not line:  # the judge is closing: no grading for this one
        if worker.PRESTARTED is not None:
            worker.PRESTARTED.close()
        os._exit(0)
    request = json.loads(line)
    _grade_in_child(request["args"], request["log"])


def _grade_in_child(args, log):
    """In the forked child: a pytest session writing to the grading's log."""
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
    torch.testing.assert_close(torch.zeros(1), torch.zeros(1))  # its lazy imports (~1 s), once
    for path in sorted((SOLUTIONS / "genlab").glob("*.py")):
        if path.stem != "__init__":
            try:
                reference(path.stem)
            except Exception:
                pass  # a reference that cannot import is reported by the grading that needs it
    out = sys.stdout
    print("ready", file=out, flush=True)
    spare = _fork_next()
    for line in sys.stdin:
        (pid, pipe), spare = spare, None
        os.write(pipe, line.encode() if line.endswith("\n") else (line + "\n").encode())
        os.close(pipe)
        spare = _fork_next()  # the next grading's worker starts while this grading runs
        code = _wait(pid, json.loads(line)["timeout"])
        print(json.dumps({"code": code}), file=out, flush=True)
    pid, pipe = spare
    os.close(pipe)
    os.waitpid(pid, 0)


if __name__ == "__main__":
    serve()

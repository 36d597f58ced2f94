"""The judge's handle on student code: `worker.call(...)` and `worker.probe(...)`.

Two implementations with one interface:

- `LocalWorker` imports the implementation in this process. It is what a student's plain
  `pytest tests/test_vae.py` uses: fast, with ordinary tracebacks and a debugger that works.
  Nothing is at stake there, so nothing is isolated.
- `SandboxWorker` runs student code in a separate, resource-limited process (see sandbox.py for
  how it is isolated) and gets data back. It is what `python -m autograder grade` uses. The
  process is restarted after any crash, hang or exit, so one bad function cannot sink the rest.

Both return only plain data (protocol.to_data), so a test behaves the same under either.
"""
import collections
import importlib
import os
import random
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import protocol, sandbox
from .probe_loader import ProbeFinder

# Wall-clock limits per worker call (a test may pass its own `timeout=` for a training probe).
DEFAULT_TIMEOUT_S = float(os.environ.get("GENLAB_CALL_TIMEOUT", "10"))
IMPORT_TIMEOUT_S = float(os.environ.get("GENLAB_IMPORT_TIMEOUT", "20"))
STARTUP_TIMEOUT_S = 60.0
# The wall-clock time one worker's requests may take in all (each from its start, a restart of the
# worker included, to the judge's check of the answer). Without it, a submission whose every call
# runs just under its timeout (10 s x the hundreds of calls one judge makes; 479 tests in all), or
# that ends the worker at every call, keeps the judge past its own limit (grade.JUDGE_TIMEOUT_S,
# 1800 s), and a judge that times out is a grader error: no score at all, where such a submission
# earns zeros. Past the budget every further request fails at once; the reference needs a few
# seconds per unit.
BUDGET_S = float(os.environ.get("GENLAB_WORKER_BUDGET_S", "1200"))


class SubmissionError(AssertionError):
    """Student code raised, crashed, or returned something that is not data."""

    def __init__(self, target, kind, message, student_traceback="", function=None, stage="call"):
        self.target, self.kind, self.message, self.student_traceback = target, kind, message, student_traceback
        self.function = function  # the student's innermost function the exception passed through
        self.stage = stage        # "call" (a student function), "probe" (a check's code) or "import"
        super().__init__(target, kind, message)

    def __str__(self):
        """Name the student's function that raised, never a probe's name (which reads like a
        function the student should have written)."""
        module = self.target.split(".")[0].split(" ")[0]
        if self.function:
            text = f"{self.function} raised {self.kind}: {self.message}"
            if self.stage == "call" and self.function != f"genlab.{self.target}":
                text += f"\n(called through genlab.{self.target})"
        elif self.stage == "probe" and self.kind:
            text = f"the check raised {self.kind} on what your genlab.{module} gave it: {self.message}"
        elif self.stage == "probe":
            text = f"your genlab.{module}, run by this check: {self.message}"
        elif self.kind:
            text = f"genlab.{self.target} raised {self.kind}: {self.message}"
        else:
            text = f"genlab.{self.target}: {self.message}"
        if self.student_traceback:
            text += "\n\nWhere (your code):\n" + self.student_traceback
        return text


class SubmissionTimeout(SubmissionError):
    pass


class BudgetExhausted(SubmissionTimeout):
    """Not run: the submission used up BUDGET_S."""


class WorkerStartError(RuntimeError):
    """The worker could not start before any student code ran: the grader's fault, not the student's."""


PRESTARTED = None  # a blank SandboxWorker the warm judge started before this grading arrived


def sandbox_worker(submission_dir, probe_dirs, isolation=None):
    """The judge's SandboxWorker for `submission_dir`, started (not yet ready): the warm judge's
    pre-started one when it fits, else a new one."""
    global PRESTARTED
    w, PRESTARTED = PRESTARTED, None
    if w is not None and w.fits(probe_dirs, isolation):
        w.adopt(submission_dir)
        return w
    if w is not None:
        w.close()
    w = SandboxWorker(submission_dir, probe_dirs, isolation)
    w.start()
    return w


def _split(target):
    if "." not in target:
        raise ValueError(f"target {target!r} should look like 'module.function'")
    return target.split(".", 1)


class LocalWorker:
    """Runs the implementation in `impl_dir` (a folder holding `genlab/`) in this process."""

    isolation = "none (in-process, for local testing)"

    def __init__(self, impl_dir, probe_dirs):
        self.impl_dir = str(Path(impl_dir).resolve())
        self.probe_dirs = [str(Path(p).resolve()) for p in probe_dirs if Path(p).is_dir()]
        if self.impl_dir not in sys.path:
            sys.path.insert(0, self.impl_dir)
        self.probes = ProbeFinder(self.probe_dirs)

    def _module(self, module):
        mod = importlib.import_module(f"genlab.{module}")
        origin = str(Path(mod.__file__).resolve())
        if not origin.startswith(self.impl_dir):
            raise RuntimeError(f"genlab.{module} was imported from {origin}, not from {self.impl_dir}: "
                               "run each implementation in its own pytest process")
        return mod

    def call(self, target, *args, seed=None, timeout=None, **kwargs):
        module, name = _split(target)
        fn = self._module(module)
        for part in name.split("."):
            fn = getattr(fn, part)
        return protocol.to_data(fn(*args, **kwargs))

    def probe(self, target, seed=None, timeout=None, isolated=False, **kwargs):
        """`isolated` is the sandbox's: in-process, a probe always runs here."""
        module, _ = _split(target)
        self._module(module)
        import genlab
        return protocol.to_data(self.probes.find(target)(genlab, **kwargs))

    def close(self):
        pass


class _Tail:
    """Keeps the last `limit` bytes a stream produced, draining it so the writer never blocks."""

    def __init__(self, stream, limit=16384):
        self.buffer, self.limit, self.size = collections.deque(), limit, 0
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self.thread.start()

    def _drain(self, stream):
        for chunk in iter(lambda: stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536), b""):
            with self.lock:
                self.buffer.append(chunk)
                self.size += len(chunk)
                while self.size > self.limit and len(self.buffer) > 1:
                    self.size -= len(self.buffer.popleft())

    def text(self):
        with self.lock:
            return b"".join(self.buffer)[-self.limit:].decode("utf-8", "replace")


def _not_submitted(folder, names):
    """What staging leaves out: caches, and symbolic links (a link to ../../solutions/genlab/vae.py
    must not be graded as the student's work, wherever the reference happens to lie)."""
    return {n for n in names if n == "__pycache__" or n.endswith(".pyc") or os.path.islink(os.path.join(folder, n))}


class SandboxWorker:
    """Student code in an isolated subprocess; restarted on demand after it dies.

    `submission_dir=None` stages everything but the submission and can start at once (the warm
    judge starts one before its grading arrives); `adopt(submission_dir)` then copies the
    submission in, before the first request imports any of it."""

    def __init__(self, submission_dir, probe_dirs, isolation=None):
        self.probe_dirs = [Path(p).resolve() for p in probe_dirs if Path(p).is_dir()]
        self.isolation_mode = isolation or sandbox.best_available()
        self.proc = None
        self.ready = False
        self.imported = set()
        self.broken = {}  # module -> SubmissionError raised at its import, replayed without rerunning it
        self.starts = 0
        self.startup_seconds = 0.0
        self.spent = 0.0  # seconds of requests so far, against BUDGET_S
        self.uid = sandbox.worker_uid(self.isolation_mode)
        self._root = Path(tempfile.mkdtemp(prefix="genlab-worker-"))
        self._stage()
        self.submission_dir = None
        if submission_dir is not None:
            self.adopt(submission_dir)

    @property
    def isolation(self):
        return sandbox.describe(self.isolation_mode)

    def _stage(self):
        """Copy what the worker may see into one folder: the probes and the worker; the
        submission's folder stays empty until adopt()."""
        staged = self._root / "ro"
        (staged / "submission").mkdir(parents=True)
        for i, d in enumerate(self.probe_dirs):
            shutil.copytree(d, staged / "probes" / str(i), ignore=shutil.ignore_patterns("__pycache__"))
        grader = staged / "grader"
        grader.mkdir()
        here = Path(__file__).parent
        for name in ("worker_main.py", "protocol.py", "probe_loader.py"):
            shutil.copy2(here / name, grader / name)
        self.staged = staged
        self._open_to_worker(self._root)
        if self.uid is not None:
            # Without a file-system sandbox ("user"), every worker on the machine could read every
            # staged folder (0644 under /tmp): another student's submission, graded at the same
            # time by grade-all --jobs 2. The top folder opens to this worker's own group only.
            os.chown(self._root, 0, self.uid)
            os.chmod(self._root, 0o750)

    def adopt(self, submission_dir):
        """Copy the submission's genlab/ in (a running worker sees it through its read-only view)."""
        if self.submission_dir is not None:
            raise RuntimeError("this worker already holds a submission")
        self.submission_dir = Path(submission_dir).resolve()
        sub = self.staged / "submission" / "genlab"
        src = self.submission_dir / "genlab"
        if src.is_dir():
            shutil.copytree(src, sub, ignore=_not_submitted)
        else:
            sub.mkdir()  # no package: every import fails with a clear message
        self._open_to_worker(sub)

    def fits(self, probe_dirs, isolation=None):
        """Whether this (blank) worker is the one SandboxWorker(?, probe_dirs, isolation) would be."""
        return (self.submission_dir is None and self.proc is not None and self.proc.poll() is None
                and self.probe_dirs == [Path(p).resolve() for p in probe_dirs if Path(p).is_dir()]
                and self.isolation_mode == (isolation or sandbox.best_available()))

    @staticmethod
    def _open_to_worker(top):
        """Readable (not writable) by the worker's unprivileged user."""
        os.chmod(top, 0o755)
        for path in Path(top).rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)

    def start(self):
        """Start the worker process now and return at once: it imports torch (about 1.5 s) while
        the judge collects its tests. The first request waits for it to be ready."""
        if self.proc is None or self.proc.poll() is not None:
            self._kill()
            self._spawn()

    def _spawn(self):
        self._t_spawn = time.perf_counter()
        workdir = Path(tempfile.mkdtemp(prefix="run-", dir=self._root))
        os.chmod(workdir, 0o777)
        probe_args = [str(self.staged / "probes" / str(i)) for i in range(len(self.probe_dirs))]
        argv = [str(self.staged / "grader" / "worker_main.py"), str(self.staged / "submission")] + probe_args
        cmd, env = sandbox.command(self.isolation_mode, argv, staged=self.staged, workdir=workdir, uid=self.uid)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, cwd=workdir, start_new_session=True,
                                     preexec_fn=sandbox.preexec(self.isolation_mode, self.uid))
        self.workdir = workdir
        self.stderr = _Tail(self.proc.stderr)
        self.imported = set()
        self.ready = False
        self.starts += 1

    def _await_ready(self):
        try:
            reply = self._receive("worker start", STARTUP_TIMEOUT_S)
        except SubmissionError as exc:
            raise WorkerStartError(f"the worker failed to start ({self.isolation_mode}): {exc.message}") from None
        if not reply.get("ok"):
            raise WorkerStartError(f"the worker failed to start: {reply}")
        self.ready = True
        self.startup_seconds += time.perf_counter() - self._t_spawn

    def _kill(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass
        if self.isolation_mode == "user":  # bubblewrap's PID namespace does this in its modes
            sandbox.kill_everything_of(self.uid)
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except Exception:
            pass
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except Exception:
                pass
        self.proc = None
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _receive(self, target, timeout):
        """Read one answer frame within `timeout` seconds, or kill the worker and say why."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout
        data, need, header = bytearray(), protocol._HEADER.size, None  # bytearray: += is not quadratic
        while len(data) < need:
            remaining = deadline - time.monotonic()
            ready = select.select([fd], [], [], max(remaining, 0))[0] if remaining > 0 else []
            if not ready:
                self._kill()
                raise SubmissionTimeout(target, "", f"did not finish within {timeout:g} s "
                                        "(an infinite loop, or far too slow); the worker was restarted")
            chunk = os.read(fd.fileno(), min(need - len(data), 1 << 20))
            if not chunk:
                try:
                    code = self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    code = None
                tail = self.stderr.text()[-1500:]
                self._kill()
                raise SubmissionError(target, "", f"the worker process ended (exit status {code}) instead of "
                                      "answering: sys.exit, os._exit, a crash, or a resource limit"
                                      + (f"\n\nLast output:\n{tail}" if tail.strip() else ""))
            data += chunk
            if header is None and len(data) == protocol._HEADER.size:
                (n,) = protocol._HEADER.unpack(data)
                if n > protocol.MAX_FRAME_BYTES:
                    self._kill()
                    raise SubmissionError(target, "", f"returned {n} bytes, over the limit")
                header, data, need = n, bytearray(), n
        try:
            return protocol.load_reply(bytes(data))
        except Exception as exc:
            self._kill()
            raise SubmissionError(target, "", f"returned something that is not plain data ({exc})")

    def _request(self, message, target, timeout):
        # Restarts count too: a submission whose every call ends the worker (os._exit) costs a
        # start-up (about 2 s, more on a busy machine) per call on top of the call itself.
        t0 = time.monotonic()
        try:
            self._budget_left(target, t0)
            self.start()
            if not self.ready:
                self._await_ready()
            return self._exchange(message, target, min(timeout, self._budget_left(target, t0)))
        finally:
            self.spent += time.monotonic() - t0

    def _budget_left(self, target, since):
        """Seconds of BUDGET_S left, counting the request under way since `since`; none: BudgetExhausted."""
        left = BUDGET_S - self.spent - (time.monotonic() - since)
        if left <= 0:
            raise BudgetExhausted(target, "", f"not run: your code has used up the {BUDGET_S:g} s this grading "
                                  "allows for all its calls together (far too slow somewhere)")
        return left

    def _exchange(self, message, target, timeout):
        try:
            protocol.write_frame(self.proc.stdin, protocol.dumps(message))
        except (BrokenPipeError, OSError):
            self._kill()
            raise SubmissionError(target, "", "the worker process died before the call could be sent")
        reply = self._receive(target, timeout)
        if not isinstance(reply, dict) or "ok" not in reply:
            self._kill()
            raise SubmissionError(target, "", "the worker answered out of protocol")
        if not reply["ok"]:
            # A reply may be forged (student code can write to the channel): keep its strings short.
            function = reply.get("function")
            raise SubmissionError(target, str(reply.get("type"))[:200], str(reply.get("message"))[:4000],
                                  str(reply.get("traceback", ""))[-6000:],
                                  function=function[:300] if isinstance(function, str) else None)
        return reply.get("value")

    def _ensure_imported(self, module):
        if module in self.broken:
            raise self.broken[module]
        if self.proc is not None and module in self.imported and self.proc.poll() is None:
            return
        try:
            self._request({"op": "import", "module": module}, f"{module} (import)", IMPORT_TIMEOUT_S)
        except BudgetExhausted:
            raise  # not the module's fault: do not remember it as broken
        except SubmissionError as exc:
            self.broken[module] = SubmissionError(
                module, exc.kind, "could not be imported, so none of its functions could be tested: "
                + exc.message, exc.student_traceback, function=exc.function, stage="import")
            raise self.broken[module]
        self.imported.add(module)

    def _run(self, op, target, args, kwargs, seed, timeout, isolated=False):
        module, _ = _split(target)
        self._ensure_imported(module)
        message = {"op": op, "target": target, "args": list(args), "kwargs": kwargs,
                   "seed": random.getrandbits(62) if seed is None else seed, "isolated": isolated}
        try:
            return self._request(message, target, DEFAULT_TIMEOUT_S if timeout is None else timeout)
        except SubmissionError as exc:
            if op == "probe" and exc.stage == "call":
                exc.stage = "probe"
            raise

    def call(self, target, *args, seed=None, timeout=None, **kwargs):
        return self._run("call", target, args, kwargs, seed, timeout)

    def probe(self, target, seed=None, timeout=None, isolated=False, **kwargs):
        """`isolated=True` runs the probe in a forked copy of the worker (a training probe): what
        student code changes in the process while it runs (hooks, replaced methods, globals)
        cannot reach any later test."""
        return self._run("probe", target, (), kwargs, seed, timeout, isolated)

    def close(self):
        self._kill()
        shutil.rmtree(self._root, ignore_errors=True)


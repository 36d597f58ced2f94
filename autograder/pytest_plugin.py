"""The `worker` fixture, fresh seeds, and the judge's record of each test's outcome.

Plain `pytest tests/test_vae.py` (a student, or an instructor) gets an in-process LocalWorker over
$GENLAB_IMPL (default: `solutions/` where it exists, else `starter/`).

The grader runs the same files with `--genlab-submission DIR --genlab-results FILE`: the worker is
then a SandboxWorker over DIR, and this process (the judge) writes each test's outcome to FILE.
"""
import json
import os
import random
import re
import time
import zlib
from pathlib import Path

import pytest

from .worker import LocalWorker, SandboxWorker, SubmissionError, SubmissionTimeout, sandbox_worker

ROOT = Path(__file__).resolve().parent.parent
PROBE_DIRS = [ROOT / "tests" / "probes", ROOT / "autograder" / "hidden" / "probes"]


def implementation_dir():
    """The folder whose `genlab/` plain pytest tests: $GENLAB_IMPL, else solutions/, else starter/."""
    chosen = os.environ.get("GENLAB_IMPL")
    if chosen:
        path = Path(chosen)
        if not path.is_absolute():
            path = (Path.cwd() / path) if (Path.cwd() / path).exists() else ROOT / path
        return path.resolve()
    return ROOT / "solutions" if (ROOT / "solutions" / "genlab").is_dir() else ROOT / "starter"


def pytest_addoption(parser):
    group = parser.getgroup("genlab")
    group.addoption("--genlab-submission", default=None,
                    help="grade this folder's genlab/ in the sandboxed worker (the judge's mode)")
    group.addoption("--genlab-results", default=None, help="write each test's outcome to this JSON file")
    group.addoption("--genlab-seed", type=int, default=None, help="reproduce a grading run's random inputs")
    group.addoption("--genlab-isolation", default=None, help="force an isolation mode (see autograder/sandbox.py)")


def pytest_configure(config):
    seed = config.getoption("--genlab-seed", default=None)
    config._genlab_seed = random.SystemRandom().getrandbits(31) if seed is None else seed
    config._genlab_results = {}


def pytest_report_header(config):
    submission = config.getoption("--genlab-submission", default=None)
    where = submission or implementation_dir()
    return [f"genlab: testing {where} (seed {config._genlab_seed}; rerun with --genlab-seed {config._genlab_seed})"]


def pytest_runtest_setup(item):
    # Fresh inputs every run, reproducible per test from the session seed.
    seed = zlib.crc32(f"{item.config._genlab_seed}:{item.nodeid}".encode())
    random.seed(seed)
    import torch
    torch.manual_seed(seed)


def pytest_sessionstart(session):
    """The judge starts its sandboxed worker first, then imports torch: the worker's start-up (an
    interpreter importing torch, ~1.5 s) runs on the other core while this process imports torch,
    loads what torch.testing.assert_close imports on first use (~0.5 s) and collects the tests. This
    file imports torch only here for that reason."""
    config = session.config
    submission = config.getoption("--genlab-submission", default=None)
    if submission:
        config._genlab_worker = sandbox_worker(submission, PROBE_DIRS, config.getoption("--genlab-isolation"))
    import torch
    # Small models on few cores: one thread was ~5x faster than the default for a small MLP (and
    # the in-process LocalWorker runs training probes in this process).
    torch.set_num_threads(1)
    if submission:
        torch.testing.assert_close(torch.zeros(1), torch.zeros(1))


@pytest.fixture(scope="session")
def worker(request):
    w = getattr(request.config, "_genlab_worker", None)
    if w is not None:
        yield w  # the judge's SandboxWorker, closed in pytest_sessionfinish
        return
    w = LocalWorker(implementation_dir(), PROBE_DIRS)
    request.config._genlab_worker = w
    yield w
    w.close()


# ---- the judge's record -------------------------------------------------------------------------

def _status(excinfo):
    if excinfo is None:
        return "passed"
    if excinfo.errisinstance(SubmissionTimeout):
        return "timeout"
    if excinfo.errisinstance(SubmissionError):
        return "error"
    return "failed"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    results = item.config._genlab_results
    entry = results.setdefault(item.nodeid, {"nodeid": item.nodeid, "status": "passed", "output": "",
                                             "error_type": None, "seconds": 0.0})
    entry["seconds"] += report.duration
    if report.failed and entry["status"] == "passed":
        excinfo = call.excinfo
        entry["status"] = _status(excinfo) if excinfo is not None else "failed"
        if excinfo is not None and excinfo.errisinstance(SubmissionError):
            entry["error_type"] = printable(excinfo.value.kind or "crash")[:200]
        elif excinfo is not None:
            entry["error_type"] = excinfo.typename
        entry["output"] = printable(_feedback(item, excinfo, report))
    elif report.skipped and call.when in ("setup", "call"):
        entry["status"] = "skipped"


# Student code chooses the text of its exceptions and of its type's name, which every report
# shows. Shown escaped: C0 and C1 control characters but newline and tab (a carriage return or an
# ANSI sequence rewrites a terminal's screen, e.g. a forged "100 / 100"; JUnit XML cannot hold
# them), bidirectional overrides (text that reads differently from what it holds), and lone
# surrogates (no UTF-8 writer accepts them: the text, Markdown and JUnit reports failed to write, so
# grade-all recorded a grader error, no score, and CI grading ended in a traceback, instead of the
# student's zeros).
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text):
    """`text` with every character of _UNPRINTABLE written as its escape (\\x1b, \\ud800)."""
    return _UNPRINTABLE.sub(lambda m: ascii(m.group())[1:-1], str(text))


def _feedback(item, excinfo, report):
    """What the student reads: the message; for public tests also the test's own lines."""
    if excinfo is None:
        return report.longreprtext[-4000:]
    message = str(excinfo.value).strip() or excinfo.typename
    public = "/hidden/" not in str(item.path).replace(os.sep, "/")
    if public and not excinfo.errisinstance(SubmissionError):
        # Show where in the (public) test it failed: its own lines only, not pytest's.
        lines = [f"{Path(e.path).name}:{e.lineno + 1}: {str(e.statement).strip().splitlines()[0]}"
                 for e in excinfo.traceback if Path(e.path) == Path(item.path)]
        message = "\n".join(lines[-1:] + [message])
    return message[-6000:]


def pytest_sessionfinish(session):
    w = getattr(session.config, "_genlab_worker", None)
    try:
        _write_results(session, w)
    finally:
        if isinstance(w, SandboxWorker):
            w.close()


def _write_results(session, w):
    path = session.config.getoption("--genlab-results", default=None)
    if not path:
        return
    doc = {
        "seed": session.config._genlab_seed,
        "isolation": w.isolation if w is not None else "not started",
        "worker_starts": getattr(w, "starts", 0),
        "worker_startup_seconds": round(getattr(w, "startup_seconds", 0.0), 3),
        "finished": time.time(),
        "tests": list(session.config._genlab_results.values()),
    }
    Path(path).write_text(json.dumps(doc, indent=1))

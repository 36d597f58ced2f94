"""Student code owns the worker's process: what it can make the judge read, and what that costs.

Student code runs in the same process as the worker's own code, so it can replace anything there:
`protocol.to_data` and `protocol.dumps` (what a reply is made of), the probes, the channel itself.
Nothing a reply holds is trusted (every test checks it against the judge's own computation), but
reading it must not cost the judge more than the frame's size, nor end the grading as a grader
error (no score) where the submission should earn zeros. Each case below stands for student code
with a probe file of our own (probes run in the worker exactly as student code does), except the
last two, which grade whole submissions.
"""
import os
import shutil
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import torch

from autograder import grade as grading
from autograder import reports, sandbox
from autograder.worker import SandboxWorker, SubmissionError

ROOT = Path(__file__).resolve().parents[2]
OWN_USER = sandbox.best_available() in ("bwrap-user", "user")

HOSTILE = '''
import io
import os
import sys
import zipfile

import torch

protocol = sys.modules["protocol"]          # the worker's copy of autograder/protocol.py


def replace_to_data(genlab):
    """What student code can do at import: replies are no longer cloned, detached or checked."""
    protocol.to_data = lambda value, _path="result": value
    return "done"


def send_as_is(genlab, what):
    """`what`, built here, sent as it is (after replace_to_data)."""
    if what == "shared":                     # 2**60 leaves in 60 lists, each holding the next twice
        value = [1.0]
        for _ in range(60):
            value = [value, value]
        return value
    return {"expanded": lambda: torch.zeros(1).expand(10**6, 10**6),
            "sparse": lambda: torch.sparse_coo_tensor(torch.tensor([[0], [0]]), torch.tensor([1.0]), (10**9, 10**9)),
            "meta": lambda: torch.empty(10**9, device="meta"),
            "quantized": lambda: torch.quantize_per_tensor(torch.rand(4), 0.1, 0, torch.qint8),
            "requires_grad": lambda: torch.rand(3, requires_grad=True)}[what]()


def _rezip(payload, pickle=None, compress=()):
    """torch.save's archive `payload` rewritten: its data.pkl replaced, the entries named compressed."""
    source, out = zipfile.ZipFile(io.BytesIO(payload)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            body = pickle if pickle is not None and name.endswith("data.pkl") else source.read(name)
            archive.writestr(name, body, compress_type=zipfile.ZIP_DEFLATED if name in compress else zipfile.ZIP_STORED)
    return out.getvalue()


def send_bytes(genlab, what):
    """Replace dumps: the frame is written here, byte by byte."""
    if what == "deflated":                   # 128 MB of zeros in a 131 KB frame
        real = protocol.dumps({"ok": True, "value": torch.zeros(2**27, dtype=torch.uint8)})
        payload = _rezip(real, compress=[n for n in zipfile.ZipFile(io.BytesIO(real)).namelist() if "/data/" in n])
    else:                                    # 16 MB of pickle operations: a list of 8 million None
        payload = _rezip(protocol.dumps(None), pickle=b"\\x80\\x02]" + b"Na" * (8 * 2**20) + b".")
    protocol.dumps = lambda obj: payload
    return None


def answer(genlab):
    return "ok"


def fork_all_you_can(genlab):
    """Fork sleepers until the process-count limit says no; they live as long as this worker."""
    import time
    n = 0
    while n < 1000:
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(600)
            os._exit(0)
        n += 1
    return n


def read(genlab, path):
    try:
        with open(path) as f:
            return f.read()
    except OSError as exc:
        return type(exc).__name__
'''


def _worker(tmp_path, name="w"):
    sub = tmp_path / name / "sub" / "genlab"
    shutil.copytree(ROOT / "solutions" / "genlab", sub, ignore=shutil.ignore_patterns("__pycache__"))
    probes = tmp_path / name / "probes"
    probes.mkdir()
    (probes / "vae.py").write_text(textwrap.dedent(HOSTILE))
    w = SandboxWorker(sub.parent, [probes])
    w.start()
    return w


@pytest.fixture
def worker(tmp_path):
    w = _worker(tmp_path)
    yield w
    w.close()


def refused(worker, probe, **kwargs):
    """The judge's message for a probe whose reply it must refuse, and how long refusing took."""
    t0 = time.perf_counter()
    with pytest.raises(SubmissionError) as caught:
        worker.probe(f"vae.{probe}", timeout=60, **kwargs)
    return str(caught.value), time.perf_counter() - t0


def test_a_reply_that_shares_itself_exponentially_is_refused_at_once(worker):
    worker.probe("vae.replace_to_data")
    message, seconds = refused(worker, "send_as_is", what="shared")
    assert "not plain data" in message and "values" in message, message
    assert seconds < 20, f"walking a self-sharing reply took {seconds:.0f} s (2**25 leaves took 150 s before)"
    assert worker.probe("vae.answer") == "ok", "the worker goes on after a refused reply"


@pytest.mark.parametrize("what", ["expanded", "sparse", "meta", "quantized", "requires_grad"])
def test_tensors_that_are_not_plain_dense_cpu_data_are_refused(worker, what):
    worker.probe("vae.replace_to_data")
    message, _ = refused(worker, "send_as_is", what=what)
    assert "not plain data" in message and "tensor" in message, message


def test_a_compressed_reply_is_refused_before_it_inflates(worker):
    message, _ = refused(worker, "send_bytes", what="deflated")
    assert "compressed" in message, f"a 131 KB frame holding 128 MB of zeros was read: {message}"


def test_a_reply_of_millions_of_pickle_operations_is_refused_before_it_is_parsed(worker):
    message, seconds = refused(worker, "send_bytes", what="pickle")
    assert "bytes of lists, dicts and numbers" in message, message
    assert seconds < 20, f"refusing a 16 MB pickle took {seconds:.0f} s (parsing it took 9 s)"


@pytest.mark.skipif(not OWN_USER, reason="the worker changes user only as root")
def test_a_fork_bomb_in_one_worker_leaves_another_worker_able_to_fork(tmp_path):
    hog, other = _worker(tmp_path, "hog"), _worker(tmp_path, "other")
    try:
        assert hog.probe("vae.fork_all_you_can", timeout=60) > 0
        assert other.probe("vae.answer", isolated=True) == "ok", \
            "a worker beside a fork bomb could not fork its isolated probe (one process count for both)"
    finally:
        hog.close()
        other.close()


@pytest.mark.skipif(os.geteuid() != 0 or not sandbox._others_can_run_python(),
                    reason="the 'user' mode needs root, and a Python that another user can run")
def test_without_bubblewrap_a_worker_cannot_read_another_workers_submission(tmp_path, monkeypatch):
    monkeypatch.setenv("GENLAB_ISOLATION", "user")
    thief, victim = _worker(tmp_path, "thief"), _worker(tmp_path, "victim")
    try:
        path = victim.staged / "submission" / "genlab" / "vae.py"
        assert path.exists()
        assert thief.probe("vae.read", path=str(path)) == "PermissionError", \
            "a worker read the submission staged for another worker"
        assert victim.probe("vae.read", path=str(path)).startswith('"""'), "a worker must read its own submission"
    finally:
        thief.close()
        victim.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a process as another user")
def test_everything_a_user_mode_worker_left_behind_is_killed_with_it():
    """In "user" mode nothing like bubblewrap's PID namespace ends what a worker started outside its
    process group (a double fork and setsid); the worker's own user id makes them findable. A
    process started as that id, in a session of its own, stands in for them here."""
    import subprocess
    uid = sandbox.worker_uid("user")
    left = subprocess.Popen(["sleep", "600"], preexec_fn=sandbox.preexec("user", uid), start_new_session=True)
    try:
        sandbox.kill_everything_of(uid)
        assert left.wait(timeout=10) == -9, "a process of the worker's user id survived"
    finally:
        left.kill()


# ---- whole gradings ------------------------------------------------------------------------------

def _submission(tmp_path, code):
    """The reference with `code` appended to genlab/multimodal.py."""
    shutil.copytree(ROOT / "solutions" / "genlab", tmp_path / "genlab", ignore=shutil.ignore_patterns("__pycache__"))
    path = tmp_path / "genlab" / "multimodal.py"
    path.write_text(path.read_text() + "\n\n" + textwrap.dedent(code))
    return tmp_path


@pytest.mark.slow
def test_unprintable_text_in_an_exception_is_escaped_in_every_report(tmp_path):
    sub = _submission(tmp_path, '''
        Forged = type("Error\\x1b[31m", (Exception,), {})     # (a type's name cannot hold a lone surrogate)


        def recall_at_k(similarity, targets, k):
            raise Forged("\\ud800 lone surrogate \\x1b[2J\\x1b[H\\rgenlab grade: 100 / 100 \\u202e\\x00")
    ''')
    results = grading.grade(sub, ["multimodal"], public_only=True)
    failed = [t for t in results.tests if t.status != "passed"]
    assert failed and all("recall_at_k" in t.name for t in failed)
    assert all("\\x1b[2J" in t.output and "\\ud800" in t.output and "\x1b" not in t.output for t in failed)
    assert all(t.error_type == "Error\\x1b[31m" for t in failed)
    for name, write in reports.WRITERS.items():
        write(results).encode("utf-8")              # raised UnicodeEncodeError for text, markdown and junit
    ET.fromstring(reports.junit(results))           # XML cannot hold control characters


SLOW_EVERYWHERE = {
    # every call runs just under the call timeout (3 s here, 10 s in grading)
    "sleeps": """
        import time as _time


        def _waste(*args, **kwargs):
            _time.sleep(2.9)
            raise NotImplementedError
    """,
    # every call ends the worker, so the next one waits for a new worker to start (about 2 s)
    "exits": """
        import os as _os


        def _waste(*args, **kwargs):
            _os._exit(1)
    """,
}


@pytest.mark.slow
@pytest.mark.parametrize("how", sorted(SLOW_EVERYWHERE))
def test_a_submission_slow_everywhere_is_graded_to_zero_within_the_budget(tmp_path, monkeypatch, how):
    """49 tests (public and hidden), each costing 2 to 3 s: without the budget (or, for "exits",
    with the restarts left out of it) the judge ran past 75 s (160 s for "sleeps") and ended in
    JudgeTimeout, a grader error, where the submission should simply earn zero."""
    monkeypatch.setenv("GENLAB_CALL_TIMEOUT", "3")
    monkeypatch.setenv("GENLAB_WORKER_BUDGET_S", "15")
    sub = _submission(tmp_path, SLOW_EVERYWHERE[how] + """

        clip_loss = zero_shot_classify = recall_at_k = classifier_free_guidance = guided_sample = _waste
        open_clip_embeddings = _waste
        for _cls in (TinyCLIP, RetrievalIndex, CaptionDecoder, ConditionalDenoiser):
            _cls.__init__ = _waste
    """)
    t0 = time.perf_counter()
    results = grading.grade(sub, ["multimodal"], timeout=75)   # past it: JudgeTimeout, a GraderError
    assert results.score == 0
    assert time.perf_counter() - t0 < 75
    assert any("used up the 15 s" in t.output for t in results.tests), "later calls are refused once the budget is spent"

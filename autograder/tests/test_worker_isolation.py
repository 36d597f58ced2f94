"""What the worker keeps from student code: nothing of an isolated probe's changes, and no
evaluation data at all.

- A probe run with `isolated=True` (every training probe) runs in a forked copy of the worker:
  hooks, replaced methods and globals it installs die with the copy.
- In the bubblewrap sandbox the evaluation data that ships inside the Python install (the digits,
  whose test split the judge evaluates on; the pydoc topics, whose validation split it evaluates
  on) is covered by an empty folder: the worker trains on what a probe hands it and reads nothing
  else.
"""
import shutil
import textwrap
from pathlib import Path

import pytest
import torch

from autograder.sandbox import best_available
from autograder.worker import SandboxWorker, SubmissionError

ROOT = Path(__file__).resolve().parents[2]

PROBES = '''
import os
import torch


def tamper(genlab):
    """What a hostile training step might leave behind."""
    torch.nn.Module.__call__ = lambda self, *args, **kwargs: "replaced"
    genlab.vae.LEFT_BEHIND = 1
    torch.manual_seed(1234)
    return "done"


def look(genlab):
    linear = torch.nn.Linear(2, 2)
    return {"call": linear(torch.zeros(1, 2)), "global": getattr(genlab.vae, "LEFT_BEHIND", 0)}


def user_name(genlab):
    import getpass
    return getpass.getuser()


def leave(genlab, code):
    os._exit(code)


def find_evaluation_data(genlab):
    """Every way this process might reach the digits or the pydoc text; what each found."""
    import genlab.data
    found = {}
    try:
        from sklearn.datasets import load_digits
        found["sklearn.load_digits"] = len(load_digits().data)
    except Exception as exc:
        found["sklearn.load_digits"] = type(exc).__name__
    try:
        found["genlab.data.load_digits(test)"] = len(genlab.data.load_digits("test")[0])
    except Exception as exc:
        found["genlab.data.load_digits(test)"] = type(exc).__name__
    try:
        from pydoc_data.topics import topics
        found["pydoc_data.topics"] = len(topics)
    except Exception as exc:
        found["pydoc_data.topics"] = type(exc).__name__
    try:
        found["genlab.data.load_text(validation)"] = len(genlab.data.load_text("pydoc", "validation"))
    except Exception as exc:
        found["genlab.data.load_text(validation)"] = type(exc).__name__
    files = []
    for top, _, names in os.walk("/"):
        if top.startswith(("/proc", "/sys", "/dev")):
            continue
        files += [os.path.join(top, n) for n in names if n.startswith("digits.csv")
                  or ("pydoc_data" in top and n.startswith("topics.") and not n.endswith(".pyi"))]
    found["files"] = files
    return found
'''


def _worker(tmp_path):
    sub = tmp_path / "sub" / "genlab"
    shutil.copytree(ROOT / "solutions" / "genlab", sub, ignore=shutil.ignore_patterns("__pycache__"))
    probes = tmp_path / "probes"
    probes.mkdir()
    (probes / "vae.py").write_text(textwrap.dedent(PROBES))
    w = SandboxWorker(sub.parent, [probes])
    w.start()
    return w


def test_what_an_isolated_probe_changes_dies_with_it(tmp_path):
    w = _worker(tmp_path)
    try:
        assert w.probe("vae.tamper", isolated=True) == "done"
        after = w.probe("vae.look")
        assert isinstance(after["call"], torch.Tensor), "a method replaced in an isolated probe survived it"
        assert after["global"] == 0, "a global set in an isolated probe survived it"
        assert w.probe("vae.tamper") == "done"            # not isolated: the change stays
        assert w.probe("vae.look")["global"] == 1
    finally:
        w.close()


def test_an_isolated_probe_that_exits_is_reported_and_the_worker_goes_on(tmp_path):
    w = _worker(tmp_path)
    try:
        with pytest.raises(SubmissionError, match="exit status 3"):
            w.probe("vae.leave", code=3, isolated=True)
        assert isinstance(w.probe("vae.look")["call"], torch.Tensor)
        assert w.starts == 1, "the worker itself should not have needed a restart"
    finally:
        w.close()


@pytest.mark.skipif(not best_available().startswith("bwrap"), reason="needs the bubblewrap sandbox")
def test_the_sandboxed_worker_cannot_read_the_evaluation_data(tmp_path):
    w = _worker(tmp_path)
    try:
        found = w.probe("vae.find_evaluation_data", timeout=120)
    finally:
        w.close()
    assert found.pop("files") == [], "evaluation data files are visible in the sandbox"
    for way, what in found.items():
        assert isinstance(what, str), f"{way} reached {what} items of evaluation data in the sandbox"


def test_the_worker_has_a_user_name_though_its_user_id_has_no_account(tmp_path):
    """getpass.getuser() (torch's compile caches call it) fails for a user id without an account
    unless the environment names one."""
    w = _worker(tmp_path)
    try:
        assert w.probe("vae.user_name") == "genlab-worker"
    finally:
        w.close()

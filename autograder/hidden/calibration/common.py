"""What every calibration script here starts with: the hidden test module it calibrates, loaded
from its file (the hidden suites are not importable by name), and a worker that runs the
reference in this process, as the judge's probes would run a student's code.

    from common import hidden_test, reference_worker
    test = hidden_test("vae")            # autograder/hidden/test_vae.py
    worker = reference_worker()          # LocalWorker over solutions/, public and hidden probes
"""
import importlib.util
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent   # autograder/hidden/calibration
ROOT = HERE.parents[2]                   # the repository
sys.path.insert(0, str(ROOT))
from autograder.worker import LocalWorker  # noqa: E402

torch.set_num_threads(1)  # as in the worker


def load(name, path):
    """The Python file at `path` as a module called `name`."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hidden_test(unit):
    return load(f"hidden_test_{unit}", HERE.parent / f"test_{unit}.py")


def reference_worker():
    return LocalWorker(ROOT / "solutions", [HERE.parent / "probes", ROOT / "tests" / "probes"])

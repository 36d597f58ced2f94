"""Shared by the diffusion calibration scripts: load the hidden test module and run its probes on
the reference solution in this process, as the grader would run them on a submission.

Run the scripts from the repository root, e.g.

    nice python autograder/hidden/calibration/diffusion_samplers.py 60
"""
import importlib.util
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
torch.set_num_threads(1)  # as in the worker

_spec = importlib.util.spec_from_file_location("_test_diffusion", ROOT / "autograder" / "hidden" / "test_diffusion.py")
tests = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tests)


class ReferenceWorker:
    """Answers `worker.probe(...)` and `worker.call(...)` with the reference solution."""

    def probe(self, target, timeout=None, seed=None, **kwargs):
        return tests.reference_probe(target.split(".", 1)[1], **kwargs)

    def call(self, target, *args, timeout=None, seed=None, **kwargs):
        return getattr(tests.ref, target.split(".", 1)[1])(*args, **kwargs)


def seeds_from_argv(default):
    n = int(sys.argv[1]) if len(sys.argv) > 1 else default
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    return range(first, first + n)

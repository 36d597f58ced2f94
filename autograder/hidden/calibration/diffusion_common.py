"""Shared by the diffusion calibration scripts: load the hidden test module and run its probes on
the reference solution in this process, as the grader would run them on a submission.

Run the scripts from the repository root, e.g.

    nice python autograder/hidden/calibration/diffusion_samplers.py 60
"""
import sys

from common import hidden_test

tests = hidden_test("diffusion")


class ReferenceWorker:
    """Answers `worker.probe(...)` and `worker.call(...)` with the reference solution."""

    def probe(self, target, timeout=None, seed=None, isolated=False, **kwargs):
        return tests.reference_probe(target.split(".", 1)[1], **kwargs)

    def call(self, target, *args, timeout=None, seed=None, **kwargs):
        return getattr(tests.ref, target.split(".", 1)[1])(*args, **kwargs)


def seeds_from_argv(default):
    n = int(sys.argv[1]) if len(sys.argv) > 1 else default
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    return range(first, first + n)

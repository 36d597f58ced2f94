"""Shared set-up of the unit-09 calibration scripts: the hidden test module, the public probes,
and a `genlab` stand-in whose `applications` is the reference, so the probes run the reference."""
import importlib.util
import sys
import types
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))
torch.set_num_threads(1)


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


test = load("hidden_test_applications", HERE.parent / "test_applications.py")
probes = load("probes_applications", ROOT / "tests" / "probes" / "applications.py")
genlab = types.SimpleNamespace(applications=test.ref)


def seeds(default):
    return range(int(sys.argv[1]) if len(sys.argv) > 1 else default)


def normal_tail(z):
    """P(|N(0,1)| > z)."""
    import math
    return math.erfc(z / math.sqrt(2))

"""Shared set-up of the unit-09 calibration scripts: the hidden test module, the public probes,
and a `genlab` stand-in whose `applications` is the reference, so the probes run the reference."""
import sys
import types

from common import ROOT, hidden_test, load

test = hidden_test("applications")
probes = load("probes_applications", ROOT / "tests" / "probes" / "applications.py")
genlab = types.SimpleNamespace(applications=test.ref)


def seeds(default):
    return range(int(sys.argv[1]) if len(sys.argv) > 1 else default)


def normal_tail(z):
    """P(|N(0,1)| > z)."""
    import math
    return math.erfc(z / math.sqrt(2))

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


def kolmogorov_tail(t):
    """P(sqrt(n) D > t) for the Kolmogorov distribution (large n): 2 sum_k (-1)^(k-1) exp(-2 k^2 t^2)."""
    import math
    return 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * t * t) for k in range(1, 101))


def false_failure_line(z_checks, z_bound, runs, failures=0, ks_checks=0, ks_bound=None):
    """The 'false-failure rate' line of a calibration file: each check's tail (normal for z-scores,
    Kolmogorov for sqrt(n) D) times the number of checks (a union bound), and the distribution-free
    95% upper bound from `failures` out of `runs` reference runs (0/N: 1 - 0.05^(1/N))."""
    parts = [f"{z_checks} z-scores x P(|z| > {z_bound}) = {z_checks * normal_tail(z_bound):.1e}"]
    rate = z_checks * normal_tail(z_bound)
    if ks_checks:
        parts.append(f"{ks_checks} KS columns x P(sqrt(n) D > {ks_bound}) = {ks_checks * kolmogorov_tail(ks_bound):.1e}")
        rate += ks_checks * kolmogorov_tail(ks_bound)
    free = f"; distribution-free 95% upper bound from {failures}/{runs}: {1 - 0.05 ** (1 / runs):.3f}" if failures == 0 else ""
    return f"false-failure rate (normal / Kolmogorov theory, union over checks): {' + '.join(parts)}; total {rate:.1e}{free}"


def rate_only():
    """`script.py rate [runs]`: print only the false-failure line, from the bounds and the number of
    checks (no seeds are run; `runs` is the number of reference runs already in the .txt, all passed)."""
    return sys.argv[1:2] == ["rate"]


def rate_runs():
    return int(sys.argv[2]) if len(sys.argv) > 2 else 300

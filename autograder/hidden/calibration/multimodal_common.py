"""Shared by the multimodal calibration scripts: the hidden test module and a reference worker."""
import math
import statistics

from common import hidden_test, reference_worker

test = hidden_test("multimodal")
worker = reference_worker()


def describe(name, values):
    m, s = statistics.mean(values), statistics.stdev(values)
    return f"{name}: mean {m:.4f}, std {s:.4f}, min {min(values):.4f}, max {max(values):.4f}"


def lower_bound_report(name, values, bound):
    """For a statistic that must stay ABOVE bound: failures seen, normal-fit rate, 95% bound from 0/N."""
    m, s = statistics.mean(values), statistics.stdev(values)
    n, fails = len(values), sum(v <= bound for v in values)
    out = f"{name} bound {bound}: {fails}/{n} reference runs at or under it"
    if s > 0:
        z = (m - bound) / s
        out += f"; {z:.1f} std below the mean, normal-fit false-failure rate {0.5 * math.erfc(z / math.sqrt(2)):.1e}"
    else:
        out += "; no spread at all (every run scored the same), so no normal fit"
    return out + f"; distribution-free 95% upper bound from {fails}/{n}: {1 - 0.05 ** (1 / n):.3f}"

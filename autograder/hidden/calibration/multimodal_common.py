"""Shared by the multimodal calibration scripts: the hidden test module, a reference worker, and
the summaries (a statistic's distribution, a lower bound's false-failure rate, a baseline's fate)."""
import math
import statistics

from common import hidden_test, reference_worker

test = hidden_test("multimodal")
worker = reference_worker()


def describe(name, values):
    m = statistics.mean(values)
    s = statistics.stdev(values) if len(values) > 1 else 0.0
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


def check_learned(check, *args):
    """'fails' when the test's assert_learned (or another of its AssertionErrors) rejects the weights."""
    try:
        check(*args)
        return "passes"
    except AssertionError:
        return "fails"


def baseline_report(name, rows, bounds):
    """rows: one dict per seed {statistic: value} (plus "learned": "passes"/"fails");
    bounds: {statistic: bound} (each must stay ABOVE its bound). One line per statistic: the
    baseline's range and how many of its runs the bound stops; then whether the test fails it
    in every run (the first failing check, in the test's order)."""
    lines = [f"baseline {name} ({len(rows)} seeds):"]
    if "learned" in rows[0]:
        stopped = sum(r["learned"] == "fails" for r in rows)
        lines.append(f"    assert_learned: stops {stopped}/{len(rows)}")
    for stat, bound in bounds.items():
        values = [r[stat] for r in rows]
        stopped = sum(v <= bound for v in values)
        lines.append(f"    {stat}: mean {statistics.mean(values):.4f}, min {min(values):.4f}, max {max(values):.4f}; "
                     f"bound {bound} stops {stopped}/{len(rows)}")
    failed = sum(r.get("learned") == "fails" or any(r[s] <= b for s, b in bounds.items()) for r in rows)
    lines.append(f"    the test fails it in {failed}/{len(rows)} runs")
    return "\n".join(lines)

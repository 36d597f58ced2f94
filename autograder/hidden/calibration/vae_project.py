"""Calibrate Project 1's bounds (hidden/test_vae.py) on the reference over 200 seeds.

    python autograder/hidden/calibration/vae_project.py [n_seeds]

Runs exactly the test's probe and statistics with the reference as the "student", each seed
standing for one grading run, and prints the distribution of both statistics. The bounds in the
test are set well outside what the reference ever produced; the false-failure rate is estimated
from a normal fit (and the empirical count is reported too).
"""
import math
import statistics
import sys
import time

import torch

from common import hidden_test, reference_worker

test = hidden_test("vae")

n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
worker = reference_worker()
elbos, gaps = [], []
t0 = time.time()
for seed in range(n_seeds):
    torch.manual_seed(seed)
    x_train, x_test, kwargs = test.project_inputs()
    torch.manual_seed(10_000 + seed)
    r = worker.probe("vae.train_on_digits", **kwargs)
    e, g = test.project_statistics(r, x_train, x_test)
    elbos.append(e)
    gaps.append(g)


def describe(name, values):
    m, s = statistics.mean(values), statistics.stdev(values)
    return f"{name}: mean {m:.3f}, std {s:.3f}, min {min(values):.3f}, max {max(values):.3f}"


print(f"reference, {n_seeds} seeds, {time.time() - t0:.0f} s")
print(describe("test negative ELBO (nats)", elbos))
print(describe("sample-mean gap (L2 over 64 pixels)", gaps))
for name, values, bound in (("neg ELBO", elbos, test.NEG_ELBO_BOUND), ("gap", gaps, test.SAMPLE_MEAN_BOUND)):
    if bound is not None:
        m, s = statistics.mean(values), statistics.stdev(values)
        z = (bound - m) / s
        rate = 0.5 * math.erfc(z / math.sqrt(2))
        print(f"{name} bound {bound}: {sum(v >= bound for v in values)}/{n_seeds} reference runs over it; "
              f"{z:.1f} std above the mean, normal-fit false-failure rate {rate:.1e}")

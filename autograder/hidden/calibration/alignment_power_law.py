"""Calibrate test_fit_power_law_recovers_the_parameters_from_noisy_data (hidden/test_alignment.py)
on the reference, 1000 data sets drawn exactly as the test draws them.

    nice -n 10 python autograder/hidden/calibration/alignment_power_law.py [N]

Reports, for E, A and alpha, the largest relative error seen, a normal fit to the signed
relative errors, and the normal-fit probability of exceeding the test's bounds.
"""
import math
import sys

import torch

from common import hidden_test

test = hidden_test("alignment")

BOUNDS = (0.02, 0.3, 0.06)             # the test's bounds on E, A, alpha
n_sets = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
errors = []
for seed in range(n_sets):
    torch.manual_seed(seed)
    n, loss, truth = test.power_law_data(0.001)
    got = test.ref.fit_power_law(n, loss)
    errors.append([g / t - 1 for g, t in zip(got, truth)])          # signed relative errors
errors = torch.tensor(errors, dtype=torch.float64)
print(f"reference, {n_sets} data sets (K = 16, noise 0.1%)")
for j, name in enumerate(["E", "A", "alpha"]):
    e = errors[:, j]
    mu, sd = e.mean().item(), e.std().item()
    tail = 0.5 * math.erfc((BOUNDS[j] - mu) / sd / math.sqrt(2)) + 0.5 * math.erfc((BOUNDS[j] + mu) / sd / math.sqrt(2))
    print(f"{name:5s}: max |rel error| {e.abs().max():.4f}, 99th percentile {e.abs().quantile(0.99):.4f}, "
          f"mean {mu:+.4f}, sd {sd:.4f}, bound {BOUNDS[j]} = {BOUNDS[j] / sd:.1f} sd, "
          f"failures {int((e.abs() >= BOUNDS[j]).sum())}/{n_sets}, normal fit: P(exceed) = {tail:.1e}")

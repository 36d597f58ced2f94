"""Calibrate test_em_recovers_a_known_three_component_mixture (hidden/test_foundations.py) on the
reference: fresh problems from the test's own em_recovery_problem(), one per seed.

    nice -n 10 python autograder/hidden/calibration/foundations_em_recovery.py [seeds]

Reports the largest |z| per run (15 z-scores: 3 weights, 6 means, 6 variances), how many runs
would fail at the test's bound, and the normal-theory false-failure rate at that bound.
"""
import math
import sys

import torch

from common import hidden_test

test = hidden_test("foundations")

seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
largest = {"weights": [], "means": [], "variances": []}
for seed in range(seeds):
    torch.manual_seed(seed)
    x, init, weights, means, variances = test.em_recovery_problem()
    gm = test.ref.GaussianMixture(3)
    gm.fit(x, test.EM_ITERS, init_means=init)
    z = test.em_recovery_z_scores({"weights": gm.weights, "means": gm.means, "variances": gm.variances},
                                  weights, means, variances, test.EM_N)
    for key in largest:
        largest[key].append(z[key].abs().max().item())
overall = [max(v) for v in zip(*largest.values())]
bound = test.EM_Z
fails = sum(m >= bound for m in overall)
tail = math.erfc(bound / math.sqrt(2))
print(f"reference, {seeds} seeds, n = {test.EM_N}, {test.EM_ITERS} EM iterations, bound |z| < {bound}")
for key, values in largest.items():
    v = torch.tensor(values)
    print(f"largest |z| of the {key:9s}: max {v.max():.2f}, mean {v.mean():.2f}")
print(f"largest of all 15 |z| per run: max {max(overall):.2f}, mean {sum(overall) / seeds:.2f}")
print(f"failures: {fails} of {seeds}")
print(f"normal-theory false-failure rate: 15 z-scores x P(|z| > {bound}) = {15 * tail:.1e}")
print(f"distribution-free 95% upper bound from {fails}/{seeds}: {1 - 0.05 ** (1 / seeds):.3f}" if fails == 0 else "")

"""Calibrate the two sampling tests of hidden/test_foundations.py on the reference:
test_mixture_samples_have_the_mixture_weights_and_moments (15 z-scores per run) and
test_classifier_samples_have_the_class_moments (12 z-scores per run), with the tests' own
parameter draws and z-score functions.

    nice -n 10 python autograder/hidden/calibration/foundations_sample_moments.py [seeds]
"""
import math
import sys

import torch

from common import hidden_test

test = hidden_test("foundations")

seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
mix, clf = [], []
for seed in range(seeds):
    torch.manual_seed(seed)
    weights = torch.softmax(torch.randn(3), 0) * 0.7 + 0.1
    means = torch.tensor([[0.0, 0.0], [20.0, 0.0], [0.0, 20.0]]) + torch.randn(3, 2)
    variances = 0.2 + 0.8 * torch.rand(3, 2)
    gm = test.ref.GaussianMixture(3)
    gm.weights, gm.means, gm.variances = weights, means, variances
    z = test.mixture_sample_z_scores(gm.sample(test.SAMPLE_N), weights, means, variances)
    mix.append(max(z[k].abs().max().item() for k in ("weights", "means", "variances")))

    priors, c_means, c_vars = test.random_classifier(4, 6)
    label = int(torch.randint(0, 4, ()))
    model = test.ref.GaussianClassifier()
    model.priors, model.means, model.variances = priors, c_means, c_vars
    z_mean, z_var = test.classifier_sample_z_scores(model.sample(test.SAMPLE_N, label), c_means[label], c_vars[label])
    clf.append(max(z_mean.abs().max().item(), z_var.abs().max().item()))

bound = test.SAMPLE_Z
tail = math.erfc(bound / math.sqrt(2))
print(f"reference, {seeds} seeds, n = {test.SAMPLE_N}, bound |z| < {bound}")
for name, values, count in (("mixture samples", mix, 15), ("classifier samples", clf, 12)):
    fails = sum(v >= bound for v in values)
    print(f"{name}: largest of the {count} |z| per run: max {max(values):.2f}, mean {sum(values) / seeds:.2f}; "
          f"failures {fails} of {seeds}; normal-theory false-failure rate {count} x P(|z| > {bound}) = {count * tail:.1e}")
print(f"distribution-free 95% upper bound from 0/{seeds}: {1 - 0.05 ** (1 / seeds):.3f}")

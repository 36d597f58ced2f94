"""Property sweep of genlab.foundations' densities against torch.distributions (Normal,
MixtureSameFamily, Bayes' rule) in float64, on random small inputs drawn by the hidden test's own
generator (random_density_case in autograder/hidden/test_foundations.py, DENSITY_KINDS in turn:
a single row, one dimension, one component, x at a mean, narrow components far away).

    nice -n 10 python autograder/hidden/calibration/foundations_library_sweeps.py [N]

N cases (default 10,000), seeds 0..N-1, the reference in this process. For each output, the
largest error as a fraction of the test's bound |got - expected| <= atol + rtol |expected|
(the test fails above 1), and how many cases exceeded it.
"""
import collections
import sys
import time

import torch

from common import hidden_test, reference_worker

test = hidden_test("foundations")
worker = reference_worker()
N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000


def worst_ratio(got, expected, rtol, atol):
    return ((got.double() - expected).abs() / (atol + rtol * expected.abs())).max().item()


t0, worst, failures = time.time(), collections.defaultdict(float), collections.Counter()
for seed in range(N):
    torch.manual_seed(seed)
    kind = test.DENSITY_KINDS[seed % len(test.DENSITY_KINDS)]
    c = test.random_density_case(kind)
    out = worker.probe("foundations.densities_many", cases=[c])[0]
    w, m, v, x = c["weights"], c["means"], c["variances"], c["x"]
    log_tol = (1e-4, 1e-2) if kind == "narrow components" else (1e-5, 1e-4)
    ratios = {
        "gaussian_log_likelihood": worst_ratio(out["gaussian"]["value"],
                                               test.Normal(m[0].double(), v[0].double().sqrt()).log_prob(x.double()).sum(-1),
                                               *log_tol),
        "mixture log_likelihood": worst_ratio(out["mixture"]["value"], test.torch_mixture(w, m, v).log_prob(x.double()),
                                              *log_tol),
        "responsibilities": worst_ratio(out["responsibilities"]["value"],
                                        torch.softmax(test.torch_log_joint(w, m, v, x), dim=1), 1e-4, 1e-5),
        "predict_proba": worst_ratio(out["classifier"]["value"], test.bayes_rule(w, m, v, x), 1e-4, 1e-5),
    }
    for name, r in ratios.items():
        worst[f"{name} ({'narrow' if kind == 'narrow components' else 'other kinds'})"] = max(
            worst[f"{name} ({'narrow' if kind == 'narrow components' else 'other kinds'})"], r)
        if r > 1:
            failures[f"{name}, {kind}"] += 1
print(f"reference, {N} cases (seeds 0..{N - 1}), {len(test.DENSITY_KINDS)} kinds in turn [{time.time() - t0:.0f} s]")
print(f"cases over a bound: {sum(failures.values())} ({dict(failures) or 'none'})")
for name, r in sorted(worst.items()):
    print(f"  {name}: largest error = {r:.3f} of the bound")

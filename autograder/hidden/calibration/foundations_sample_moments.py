"""Calibrate the two sampling tests of hidden/test_foundations.py, on the reference and on the
cheapest fakes a student could write from the docstrings:
test_mixture_samples_have_the_mixture_weights_and_moments and
test_classifier_samples_have_the_class_moments, with the tests' own problem draws, z-scores,
dispersion sums and bounds. Each run makes SAMPLE_DRAWS calls of sample(n), as the probes do.

    nice -n 10 python autograder/hidden/calibration/foundations_sample_moments.py [seeds] [fake seeds]

For every run the script reports the first check that fails, in the tests' order: "fresh" (the
first two draws are equal), "repeat" (0.1% of the rows or more repeat another), "z" (a |z| of the first draw reaches 6),
"chi2 counts" / "chi2 means" / "chi2 variances" (the summed squares fall under SAMPLE_CHI2_LOW).
"""
import math
import sys

import torch
from scipy.stats import chi2 as chi2_dist

from common import hidden_test

test = hidden_test("foundations")
seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
fake_seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 50
N, R = test.SAMPLE_N, test.SAMPLE_DRAWS


def standardised(noise):
    return (noise - noise.mean(0)) / noise.std(0)


def seeded():
    """A generator seeded with 0 (the fake's torch.manual_seed(0), without resetting this script's stream)."""
    return torch.Generator().manual_seed(0)


def exact_counts(weights, n):
    counts = (n * weights).round().long()
    counts[-1] = n - counts[:-1].sum()
    return torch.repeat_interleave(torch.arange(len(weights)), counts)


def mixture_fakes(w, m, v):
    """name -> sample(n), each a fake a student could write from GaussianMixture's docstring."""
    d = m.shape[1]
    mean = (w[:, None] * m).sum(0)
    var = (w[:, None] * (v + m ** 2)).sum(0) - mean ** 2

    def draw(c, noise=None):
        return m[c] + (torch.randn(len(c), d) if noise is None else noise) * v[c].sqrt()

    def per_component_standardised(n):
        c = torch.multinomial(w, n, replacement=True)
        noise = torch.randn(n, d)
        for k in range(len(w)):
            noise[c == k] = standardised(noise[c == k])
        return draw(c, noise)

    def variance_scaled(n):
        c = torch.multinomial(w, n, replacement=True)
        return m[c] + torch.randn(n, d) * v[c]

    pool = draw(torch.multinomial(w, 1000, replacement=True))      # a stored set, drawn once
    return {
        "one Gaussian with the mixture's mean and variance": lambda n: mean + torch.randn(n, d) * var.sqrt(),
        "components chosen uniformly": lambda n: draw(torch.randint(0, len(w), (n,))),
        "noise scaled by variances (not sqrt)": variance_scaled,
        "exact counts n * weights, components in fixed order": lambda n: draw(exact_counts(w, n)),
        "exact counts n * weights, shuffled": lambda n: draw(exact_counts(w, n)[torch.randperm(n)]),
        "noise standardised within each component": per_component_standardised,
        "rows replayed from a stored set of 1000 draws": lambda n: pool[torch.randint(0, 1000, (n,))],
        "fixed seed at each call": lambda n: draw(torch.multinomial(w, n, replacement=True, generator=seeded()),
                                                   torch.randn(n, d, generator=seeded())),
    }


def classifier_fakes(mu, var):
    d = len(mu)
    pool = mu + torch.randn(1000, d) * var.sqrt()
    return {
        "the class mean, no noise": lambda n: mu.expand(n, d).clone(),
        "noise scaled by variances (not sqrt)": lambda n: mu + torch.randn(n, d) * var,
        "noise standardised to mean 0, variance 1": lambda n: mu + standardised(torch.randn(n, d)) * var.sqrt(),
        "rows replayed from a stored set of 1000 draws": lambda n: pool[torch.randint(0, 1000, (n,))],
        "fixed seed at each call": lambda n: mu + torch.randn(n, d, generator=seeded()) * var.sqrt(),
    }


def judge_mixture(draws, w, m, v):
    """(first failing check or None, largest |z| of draw 0, chi2 sums, repeated fraction) as the test computes them."""
    z = test.mixture_sample_z_scores(draws[0], w, m, v)
    zmax = max(z[k].abs().max().item() for k in ("weights", "means", "variances"))
    chi2 = test.mixture_sample_dispersion(draws, w, m, v)
    rep = test.repeated_rows(draws)
    if torch.equal(draws[0], draws[1]):
        return "fresh", zmax, chi2, rep
    if rep >= test.SAMPLE_REPEAT_MAX:
        return "repeat", zmax, chi2, rep
    if zmax >= test.SAMPLE_Z:
        return "z", zmax, chi2, rep
    if chi2["counts"] <= test.SAMPLE_CHI2_LOW[16]:
        return "chi2 counts", zmax, chi2, rep
    for k in ("means", "variances"):
        if chi2[k] <= test.SAMPLE_CHI2_LOW[48]:
            return f"chi2 {k}", zmax, chi2, rep
    return None, zmax, chi2, rep


def judge_classifier(draws, mu, var):
    z_m, z_v = test.classifier_sample_z_scores(draws[0], mu, var)
    zmax = max(z_m.abs().max().item(), z_v.abs().max().item())
    chi2 = test.classifier_sample_dispersion(draws, mu, var)
    rep = test.repeated_rows(draws)
    if torch.equal(draws[0], draws[1]):
        return "fresh", zmax, chi2, rep
    if rep >= test.SAMPLE_REPEAT_MAX:
        return "repeat", zmax, chi2, rep
    if zmax >= test.SAMPLE_Z:
        return "z", zmax, chi2, rep
    for k in ("means", "variances"):
        if chi2[k] <= test.SAMPLE_CHI2_LOW[48]:
            return f"chi2 {k}", zmax, chi2, rep
    return None, zmax, chi2, rep


results = {}   # (test, who) -> list of (failed check, zmax, chi2, repeated fraction)
for seed in range(max(seeds, fake_seeds)):
    torch.manual_seed(seed)
    w, m, v = test.mixture_sample_problem()
    priors, c_means, c_vars = test.random_classifier(4, 6)
    label = int(torch.randint(0, 4, ()))
    mu, var = c_means[label], c_vars[label]
    if seed < seeds:
        gm = test.ref.GaussianMixture(3)
        gm.weights, gm.means, gm.variances = w, m, v
        results.setdefault(("mixture", "reference"), []).append(judge_mixture([gm.sample(N) for _ in range(R)], w, m, v))
        clf = test.ref.GaussianClassifier()
        clf.priors, clf.means, clf.variances = priors, c_means, c_vars
        results.setdefault(("classifier", "reference"), []).append(
            judge_classifier([clf.sample(N, label) for _ in range(R)], mu, var))
    if seed < fake_seeds:
        for name, fake in mixture_fakes(w, m, v).items():
            results.setdefault(("mixture", name), []).append(judge_mixture([fake(N) for _ in range(R)], w, m, v))
        for name, fake in classifier_fakes(mu, var).items():
            results.setdefault(("classifier", name), []).append(judge_classifier([fake(N) for _ in range(R)], mu, var))


def fmt(values):
    return f"min {min(values):.3g}, median {sorted(values)[len(values) // 2]:.3g}, max {max(values):.3g}"


tail = math.erfc(test.SAMPLE_Z / math.sqrt(2))
low16, low48 = chi2_dist.cdf(test.SAMPLE_CHI2_LOW[16], 16), chi2_dist.cdf(test.SAMPLE_CHI2_LOW[48], 48)
print(f"n = {N} per draw, {R} draws per run; bounds: |z| < {test.SAMPLE_Z} (first draw), summed chi-square "
      f"> {test.SAMPLE_CHI2_LOW[16]} (16 df) and > {test.SAMPLE_CHI2_LOW[48]} (48 df), repeated rows < {test.SAMPLE_REPEAT_MAX:.1%}")
for which, count, chis, rate in (
        ("mixture", 15, ("counts", "means", "variances"), 15 * tail + low16 + 2 * low48),
        ("classifier", 12, ("means", "variances"), 12 * tail + 2 * low48)):
    print(f"\n== test_{'mixture_samples_have_the_mixture_weights_and_moments' if which == 'mixture' else 'classifier_samples_have_the_class_moments'}")
    for (t, who), runs in results.items():
        if t != which:
            continue
        fails = {}
        for check, *_ in runs:
            fails[check] = fails.get(check, 0) + 1
        passed = fails.pop(None, 0)
        print(f"{who} ({len(runs)} seeds): passes {passed} of {len(runs)}"
              + (f"; first failing check {fails}" if fails else ""))
        print(f"    largest |z| of draw 0: {fmt([r[1] for r in runs])}; repeated rows: {fmt([r[3] for r in runs])}")
        for k in chis:
            print(f"    summed chi-square {k}: {fmt([r[2][k] for r in runs])}")
        if who == "reference":
            print(f"    false-failure rate (normal / chi-square theory): {count} x P(|z| > {test.SAMPLE_Z}) = "
                  f"{count * tail:.1e}" + (f" + P(chi2_16 < {test.SAMPLE_CHI2_LOW[16]}) = {low16:.1e}" if which == "mixture" else "")
                  + f" + {len(chis) - (which == 'mixture')} x P(chi2_48 < {test.SAMPLE_CHI2_LOW[48]}) = "
                  f"{(len(chis) - (which == 'mixture')) * low48:.1e}; total {rate:.1e}; repeated rows: expected about "
                  f"1e-3 rows by float32 coincidence, far from the bound {test.SAMPLE_REPEAT_MAX:.1%}")
            print(f"    distribution-free 95% upper bound from {len(runs) - passed}/{len(runs)}: "
                  f"{1 - 0.05 ** (1 / len(runs)):.3f}")

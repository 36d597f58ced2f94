"""Calibrate the own-draws guided_sample test (hidden/test_multimodal.py) on the reference.

    python autograder/hidden/calibration/multimodal_own_draws.py [n_seeds]

Runs the test's case and statistics with the reference as the "student" (guided_sample drawing its
own x_T and noise on the linear FixedDenoiser), one seed per grading run, and prints the
distribution of the two whitened statistics against their bounds, with the normal-theory rates.
Then the trivial samplers a student could write, on the same cases: no noise at all (x_T = 0 and
every z = 0: the exact mean), a start drawn but no step noise, and x_T ~ U(0, 1) (rand, not randn).
"""
import math
import sys
import time

import torch

from multimodal_common import describe, test, worker

n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
D, B = test.OWN_DRAWS["data_dim"], test.OWN_DRAWS["samples"]


def reference_samples(model, labels, scale, x_T, noise):
    return test.reference_probe("guided_sample_fixed", **model, labels=labels, scale=scale, x_T=x_T, noise=noise)


rows, baselines = [], {"no noise at all": [], "start drawn, no step noise": [], "start from rand (uniform)": []}
t0 = time.time()
for seed in range(n_seeds):
    torch.manual_seed(seed)
    model, labels, scale = test.own_draw_case()
    samples = worker.probe("multimodal.guided_sample_fixed", **model, labels=labels, scale=scale, x_T=None, noise=None)
    mean, covariance = test.fixed_sampler_moments(model, labels, scale)
    rows.append(test.own_draw_statistics(samples, mean, covariance))
    if seed < 100:
        T = len(model["betas"])
        for name, (x_T, noise) in {"no noise at all": (torch.zeros(B, D), torch.zeros(T, B, D)),
                                   "start drawn, no step noise": (torch.randn(B, D), torch.zeros(T, B, D)),
                                   "start from rand (uniform)": (torch.rand(B, D), torch.randn(T, B, D))}.items():
            baselines[name].append(test.own_draw_statistics(reference_samples(model, labels, scale, x_T, noise),
                                                            mean, covariance))
print(f"reference, {n_seeds} seeds, {time.time() - t0:.0f} s, {test.OWN_DRAWS}")
means, covs = [r[0] for r in rows], [r[1] for r in rows]
print(describe("max |sqrt(B) * whitened mean| over the 8 coordinates", means))
print(describe("max |whitened covariance - I| over the 36 entries", covs))
p_mean = D * math.erfc(test.OWN_MEAN_BOUND / math.sqrt(2))
sd_diag, sd_off = math.sqrt(2 / B), math.sqrt(1 / B)
p_cov = (D * math.erfc(test.OWN_COV_BOUND / sd_diag / math.sqrt(2))
         + D * (D - 1) / 2 * math.erfc(test.OWN_COV_BOUND / sd_off / math.sqrt(2)))
print(f"mean bound {test.OWN_MEAN_BOUND}: {sum(m >= test.OWN_MEAN_BOUND for m in means)}/{n_seeds} reference runs at "
      f"or over it; normal theory (8 coordinates, each N(0, 1)): false-failure rate {p_mean:.1e}")
print(f"covariance bound {test.OWN_COV_BOUND}: {sum(c >= test.OWN_COV_BOUND for c in covs)}/{n_seeds} reference runs at "
      f"or over it; normal theory (diagonal sd {sd_diag:.4f}, off-diagonal sd {sd_off:.4f}): false-failure rate {p_cov:.1e}")
print(f"distribution-free 95% upper bound from 0/{n_seeds}: {1 - 0.05 ** (1 / n_seeds):.4f}")
for name, values in baselines.items():
    m, c = [v[0] for v in values], [v[1] for v in values]
    stopped = sum(a >= test.OWN_MEAN_BOUND or b >= test.OWN_COV_BOUND for a, b in values)
    print(f"baseline {name} ({len(values)} seeds): mean statistic min {min(m):.2f}, covariance statistic min {min(c):.3f}; "
          f"the test fails it in {stopped}/{len(values)}")

"""Calibration of test_q_sample_draws_noise_with_the_right_mean_and_variance and
test_q_sample_draws_independent_standard_normal_noise.

Runs the tests' own inputs through the reference's q_sample (noise drawn by it) over many seeds and
records every statistic; then the same statistics for the cheapest fakes of the noise draw (the
reference with `torch.randn_like(x0)` replaced), each of which must fail at least one of the bounds:

    uniform      sqrt(12) (rand - 1/2): mean 0, variance 1, but uniform
    sign         +-1 with equal odds: mean 0, variance 1
    shared-row   one N(0, I) row for the whole batch (the same noise for every example)
    shared-col   one N(0, 1) value per example, copied to every coordinate
    rand         torch.rand_like (the mutant uniform-noise-in-q_sample)

    nice python autograder/hidden/calibration/diffusion_q_sample_moments.py 200 > autograder/hidden/calibration/diffusion_q_sample_moments.txt
"""
import math

import torch

from diffusion_common import seeds_from_argv, tests

c = tests.Q_MOMENTS
betas = tests.linear_1000()
ab = tests.alpha_bars64(betas)
FAKES = {
    "reference": lambda x0: torch.randn_like(x0),
    "uniform": lambda x0: math.sqrt(12) * (torch.rand_like(x0) - 0.5),
    "sign": lambda x0: torch.randn_like(x0).sign(),
    "shared-row": lambda x0: torch.randn_like(x0[:1]).expand_as(x0),
    "shared-col": lambda x0: torch.randn_like(x0[:, :1]).expand_as(x0),
    "rand": lambda x0: torch.rand_like(x0),
}


def stats(noise_fn):
    x0_row, t = tests.q_sample_moments_inputs()
    x0 = x0_row.expand(t.shape[0], -1).clone()
    x_t = tests.ref.q_sample(tests.ref.NoiseSchedule(betas), x0, t, noise=noise_fn(x0))
    z_mean, z_var = tests.q_sample_moment_stats(x_t, x0_row, c["t"], ab, c["n"])
    a = tests.per_example(ab, t, x0)
    ks, corr = tests.normal_noise_stats((x_t.double() - a.sqrt() * x0.double()) / (1 - a).sqrt())
    return z_mean, z_var, ks, corr


def fails(row):
    z_mean, z_var, ks, corr = row
    return [name for name, bad in [("mean", z_mean > c["z_max"]), ("variance", z_var > c["r_max"]),
                                   ("KS", ks > tests.KS_QUANTILE), ("correlation", corr > tests.CORR_Z_MAX)] if bad]


seeds = list(seeds_from_argv(200))
print(f"{len(seeds)} seeds, {c}; KS bound sqrt(N) D <= {tests.KS_QUANTILE}, correlation bound sqrt(rows) |r| <= "
      f"{tests.CORR_Z_MAX}")
for name, fn in FAKES.items():
    rows = []
    for seed in seeds if name == "reference" else seeds[:20]:
        torch.manual_seed(seed)
        rows.append(stats(fn))
    cols = list(zip(*rows))
    failed = [fails(r) for r in rows]
    print(f"{name:>11} ({len(rows)} seeds): max |z| means {max(cols[0]):.2f}, variances {max(cols[1]):.2f}, "
          f"sqrt(N) KS {min(cols[2]):.2f}..{max(cols[2]):.2f}, sqrt(rows) |corr| {min(cols[3]):.2f}..{max(cols[3]):.2f}; "
          f"failed {sum(bool(f) for f in failed)} of {len(rows)} ({sorted({x for f in failed for x in f})})")
n_z = len(c["t"]) * c["d"] + len(c["t"])
print(f"normal-theory false-failure rates: moments test {n_z} z-scores x P(|z| > 5.5) = "
      f"{n_z * math.erfc(5.5 / math.sqrt(2)):.1e}; normality test KS 1e-6 + 28 correlations x "
      f"{math.erfc(5.5 / math.sqrt(2)):.1e} = {1e-6 + 28 * math.erfc(5.5 / math.sqrt(2)):.1e}")

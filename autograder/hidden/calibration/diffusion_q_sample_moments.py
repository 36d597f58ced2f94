"""Calibration of test_q_sample_draws_noise_with_the_right_mean_and_variance.

    nice python autograder/hidden/calibration/diffusion_q_sample_moments.py 200 > autograder/hidden/calibration/diffusion_q_sample_moments.txt
"""
import math

import torch

from diffusion_common import ReferenceWorker, seeds_from_argv, tests

worker = ReferenceWorker()
c = tests.Q_MOMENTS
betas = tests.linear_1000()
zm, zv = [], []
seeds = list(seeds_from_argv(200))
for seed in seeds:
    torch.manual_seed(seed)
    x0_row, t = tests.q_sample_moments_inputs()
    x0 = x0_row.expand(t.shape[0], -1).clone()
    x_t = worker.probe("diffusion.q_sample_drawn", betas=betas, x0=x0, t=t)
    a, b = tests.q_sample_moment_stats(x_t, x0_row, c["t"], tests.alpha_bars64(betas), c["n"])
    zm.append(a)
    zv.append(b)
n_z = len(c["t"]) * c["d"] + len(c["t"])
print(f"{len(seeds)} seeds, {c}")
print(f"largest |z| of the means (40 per run):     max {max(zm):.2f}, mean {sum(zm) / len(zm):.2f}; bound {c['z_max']}")
print(f"largest |z| of the variances (5 per run):  max {max(zv):.2f}, mean {sum(zv) / len(zv):.2f}; bound {c['r_max']}")
print(f"failures: {sum(a > c['z_max'] or b > c['r_max'] for a, b in zip(zm, zv))} of {len(seeds)}")
print(f"normal-theory false-failure rate: {n_z} z-scores x P(|z| > 5.5) = {n_z * math.erfc(5.5 / math.sqrt(2)):.1e}")

"""Calibration of test_ddpm_loss_draws_t_uniformly_over_all_steps and
test_ddpm_loss_draws_standard_normal_noise.

    nice python autograder/hidden/calibration/diffusion_loss_draws.py 200 > autograder/hidden/calibration/diffusion_loss_draws.txt
"""
import math

import torch
from scipy.stats import chi2 as chi2_dist

from diffusion_common import ReferenceWorker, seeds_from_argv, tests

worker = ReferenceWorker()
c = tests.LOSS_DRAWS
chis, losses = [], []
seeds = list(seeds_from_argv(200))
for seed in seeds:
    torch.manual_seed(seed)
    r = worker.probe("diffusion.ddpm_loss_draws", betas=torch.linspace(0.01, 0.2, c["T"]), x0=torch.randn(c["B"], c["d"]))
    chis.append(tests.loss_draws_chi2(r["t"], c["T"]))
    losses.append(float(r["loss"]))
df = c["T"] - 1
dev = [abs(v - 1) for v in losses]
se = math.sqrt(2 / (c["B"] * c["d"]))
print(f"{len(seeds)} seeds, {c}")
print(f"chi-square ({df} dof): max {max(chis):.1f}, mean {sum(chis) / len(chis):.1f} (theory {df}); bound {c['chi2_max']}, "
      f"P(chi2 > bound) = {chi2_dist.sf(c['chi2_max'], df):.1e}; failures {sum(v > c['chi2_max'] for v in chis)}")
print(f"zero-model loss: max |loss - 1| {max(dev):.4f} ({max(dev) / se:.1f} SE, SE {se:.4f}); bound {c['noise_tol']} "
      f"= {c['noise_tol'] / se:.1f} SE, P = {math.erfc(c['noise_tol'] / se / math.sqrt(2)):.1e}; "
      f"failures {sum(v > c['noise_tol'] for v in dev)}")

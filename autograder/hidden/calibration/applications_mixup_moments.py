"""Calibrate test_mixup_lam_has_the_beta_moments (hidden/test_applications.py) on the reference.

    nice -n 10 python autograder/hidden/calibration/applications_mixup_moments.py [seeds=300]
"""
import random

import torch

from applications_common import genlab, probes, seeds, test

zs = []
for seed in seeds(300):
    torch.manual_seed(seed)
    random.seed(seed)
    r = probes.mixup_lams(genlab, torch.randn(8, 3), torch.eye(8), 0.4, 1000)
    zs.append(test.mixup_moment_z(r["lams"], 0.4))
zs = torch.tensor(zs).abs()
print(f"reference, {len(zs)} seeds, alpha 0.4, 1000 draws each")
print(f"|z| of the mean: max {zs[:, 0].max():.2f}; |z| of the variance: max {zs[:, 1].max():.2f}; bound 6")
print(f"failures: {(zs.max(1).values >= 6).sum().item()} / {len(zs)}")

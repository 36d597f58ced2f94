"""Calibrate test_complete_code_samples_softmax_over_temperature on the reference.

    nice -n 10 python autograder/hidden/calibration/applications_temperature.py [seeds=300]
"""
import random

import torch

from applications_common import genlab, probes, seeds, test

table = torch.tensor([2.0, 1.0, 0.5, 0.0, -0.5, 1.5, 0.2, -1.0]).repeat(8, 1)
zs = []
for seed in seeds(300):
    torch.manual_seed(seed)
    random.seed(seed)
    out = probes.complete_bigram(genlab, test.VOCAB, table, "a", 1, n=2000, temperature=0.5)
    zs.append(test.temperature_z(out, table, 0.5)[0])
zs = torch.tensor(zs)
print(f"reference, {len(zs)} seeds, 2000 one-token completions at temperature 0.5")
print(f"largest |z| over the 8 frequencies: max {zs.max():.2f}, median {zs.median():.2f}; bound 6")
print(f"failures: {(zs >= 6).sum().item()} / {len(zs)}")

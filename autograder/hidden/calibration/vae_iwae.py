"""Calibrate test_iwae_bound_grows_with_k (hidden/test_vae.py) on the reference, 200 seeds.

    python autograder/hidden/calibration/vae_iwae.py

For each seed: the test's model and data, the IWAE mean for k = 1, 8, 64, repeated 20 times to
measure the noise of each batch mean. Reports the smallest gaps and their size in noise units.
"""
import sys

import torch

from common import hidden_test

test = hidden_test("vae")

x, _ = test.data.load_digits("test")
gaps, sigmas = [], []
for seed in range(int(sys.argv[1]) if len(sys.argv) > 1 else 200):
    torch.manual_seed(seed)
    model = test.fixed_reference_model(test.mismatched_state())
    with torch.no_grad():
        runs = torch.tensor([[test.ref.iwae_bound(model, x, k).mean().item() for k in (1, 8, 64)] for _ in range(20)])
    m, s = runs.mean(0), runs.std(0)
    gaps.append([m[1] - m[0], m[2] - m[1]])
    sigmas.append([(m[1] - m[0]) / (s[0] ** 2 + s[1] ** 2).sqrt(), (m[2] - m[1]) / (s[1] ** 2 + s[2] ** 2).sqrt()])
gaps, sigmas = torch.tensor(gaps), torch.tensor(sigmas)
print(f"reference, {len(gaps)} seeds")
print(f"gap k=1->8:  min {gaps[:, 0].min():.2f} nats, smallest in noise units {sigmas[:, 0].min():.1f}")
print(f"gap k=8->64: min {gaps[:, 1].min():.2f} nats, smallest in noise units {sigmas[:, 1].min():.1f}")
print("a single grading run fails only if a gap's noise exceeds the gap: beyond the smallest z above, "
      "the normal tail gives the false-failure rate")

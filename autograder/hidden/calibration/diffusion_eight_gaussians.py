"""Calibration of test_project_mlp_denoiser_learns_the_eight_gaussians (Project 4).

Runs the project's training probe on the reference for many seeds (the same PROJECT settings,
data and thresholds as the test) and prints, per seed, the modes covered, the fraction of samples
near a mode and the time; then the minima, the failures and a normal-approximation estimate of the
false-failure rate of the near-fraction bound.

    nice python autograder/hidden/calibration/diffusion_eight_gaussians.py 300 > autograder/hidden/calibration/diffusion_eight_gaussians.txt
"""
import math
import statistics
import time

import torch

from diffusion_common import ReferenceWorker, seeds_from_argv, tests

worker = ReferenceWorker()
rows = []
for seed in seeds_from_argv(100):
    torch.manual_seed(seed)
    t0 = time.perf_counter()
    r, (modes, near) = tests.project_run(worker)
    dt = time.perf_counter() - t0
    dist, nearest = torch.cdist(r["samples"], tests.ref_data.eight_gaussian_centers()).min(dim=1)
    counts = torch.bincount(nearest[dist < tests.NEAR], minlength=8)
    rows.append((seed, modes, near, dt, int(counts.min())))
    print(f"seed {seed:4d}  modes {modes}  near {near:.3f}  emptiest mode {int(counts.min()):4d}  "
          f"loss {r['first_loss']:.3f} -> {r['last_loss']:.3f}  {dt:.1f}s", flush=True)

nears = [r[2] for r in rows]
min_mode = min(r[4] for r in rows)
fails = [r for r in rows if r[1] < tests.MIN_MODES or r[2] < tests.MIN_NEAR_FRACTION]
mu, sd = statistics.mean(nears), statistics.stdev(nears)
z = (mu - tests.MIN_NEAR_FRACTION) / sd
print(f"\n{len(rows)} seeds, settings {tests.PROJECT}")
print(f"modes covered: min {min(r[1] for r in rows)}, seeds with < 8: {sum(r[1] < 8 for r in rows)}")
print(f"near fraction: min {min(nears):.3f}, mean {mu:.3f}, sd {sd:.3f}; bound {tests.MIN_NEAR_FRACTION} is {z:.1f} sd below the mean "
      f"(normal tail {0.5 * math.erfc(z / math.sqrt(2)):.1e})")
print(f"failures: {len(fails)} of {len(rows)} {[r[0] for r in fails]}; with none, the 95% upper bound on the "
      f"false-failure rate is {3 / len(rows):.1%} (rule of three)")
print(f"emptiest mode: at least {min_mode} samples near it in every run (a mode counts from {tests.MIN_PER_MODE})")
print(f"time per run: mean {statistics.mean(r[3] for r in rows):.1f}s, max {max(r[3] for r in rows):.1f}s (shared 2-core machine)")

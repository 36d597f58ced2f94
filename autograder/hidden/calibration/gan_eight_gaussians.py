"""Calibrate test_training_on_eight_gaussians_covers_the_modes (autograder/hidden/test_gan.py).

Runs the test's own code path (eight_gaussians_coverage: the judge draws the data, the probe
trains with train_step) on the reference solution over SEEDS seeds, in-process, one thread, and
prints per-seed results and a summary with the margins to the test's thresholds.

    nice python autograder/hidden/calibration/gan_eight_gaussians.py [n_seeds] > autograder/hidden/calibration/gan_eight_gaussians.txt
"""
import math
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
torch.set_num_threads(1)

from autograder.hidden import test_gan as T  # noqa: E402
from autograder.worker import LocalWorker  # noqa: E402

n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 100
worker = LocalWorker(ROOT / "solutions", [ROOT / "tests" / "probes", ROOT / "autograder" / "hidden" / "probes"])
print(f"config {T.COVERAGE}; near = within {T.NEAR}; a mode is covered with >= {T.MIN_PER_MODE} samples; "
      f"pass: modes >= {T.MIN_MODES} and near fraction >= {T.MIN_NEAR_FRACTION}")
rows = []
for seed in range(n_seeds):
    torch.manual_seed(seed)
    t0 = time.perf_counter()
    cov = T.eight_gaussians_coverage(worker)
    seconds = time.perf_counter() - t0
    counts = sorted(cov["counts"])
    rows.append((cov["modes"], cov["near"], counts[0], counts[1], seconds))
    ok = cov["modes"] >= T.MIN_MODES and cov["near"] >= T.MIN_NEAR_FRACTION
    print(f"seed {seed:3d}: modes {cov['modes']} near {cov['near']:.3f} counts {cov['counts']} "
          f"{seconds:.1f}s {'pass' if ok else 'FAIL'}", flush=True)

modes = [r[0] for r in rows]
near = [r[1] for r in rows]
second_smallest = [r[3] for r in rows]
fails = sum(m < T.MIN_MODES or f < T.MIN_NEAR_FRACTION for m, f, *_ in rows)
mu, sd = statistics.mean(near), statistics.stdev(near)
log_c = [math.log(c) for c in second_smallest]
mu_c, sd_c = statistics.mean(log_c), statistics.stdev(log_c)
z_near = (mu - T.MIN_NEAR_FRACTION) / sd
z_count = (mu_c - math.log(T.MIN_PER_MODE)) / sd_c
print()
print(f"seeds: {n_seeds}; failures: {fails}; 95% upper bound on the failure rate from the count alone: "
      f"{1 - 0.05 ** (1 / n_seeds):.3f}")
print(f"modes covered: min {min(modes)}, all-8 in {modes.count(8)}/{n_seeds}")
print(f"near fraction: min {min(near):.3f}, mean {mu:.3f}, sd {sd:.3f}; threshold {T.MIN_NEAR_FRACTION} is "
      f"{z_near:.1f} sd below the mean (normal tail {0.5 * math.erfc(z_near / math.sqrt(2)):.1e})")
print(f"second-smallest mode count (failing 'modes >= 7' needs it < {T.MIN_PER_MODE}): min {min(second_smallest)}; "
      f"log-normal fit: threshold {z_count:.1f} sd below the mean (tail {0.5 * math.erfc(z_count / math.sqrt(2)):.1e})")
print(f"seconds per run (in-process, 1 thread, machine shared): median {statistics.median(r[4] for r in rows):.1f}, "
      f"max {max(r[4] for r in rows):.1f}")

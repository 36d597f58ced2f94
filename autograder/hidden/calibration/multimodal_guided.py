"""Calibrate the guided-sampling test (hidden/test_multimodal.py) on the reference.

    python autograder/hidden/calibration/multimodal_guided.py [n_seeds]

Runs exactly the test's probe and statistics with the reference as the "student", one seed per
grading run, and prints the distribution of the guided accuracy and of its gain over unguided
samples, then the false-failure rate of the test's bounds.
"""
import sys
import time

import torch

from multimodal_common import describe, lower_bound_report, test, worker

n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
guided, gains = [], []
t0 = time.time()
for seed in range(n_seeds):
    torch.manual_seed(seed)
    sample_labels, kwargs = test.guided_inputs()
    r = worker.probe("multimodal.train_guided_denoiser", **kwargs)
    g, u = test.guided_statistics(r, sample_labels)
    guided.append(g)
    gains.append(g - u)
    print(seed, f"{g:.3f} {u:.3f}", flush=True)
print(f"reference, {n_seeds} seeds, {time.time() - t0:.0f} s, config {test.GUIDED}")
print(describe("guided accuracy (classifier reads the requested digit)", guided))
print(describe("gain over unguided samples", gains))
for name, values, bound in (("guided accuracy", guided, test.GUIDED_ACCURACY_BOUND), ("gain", gains, test.GUIDED_GAIN_BOUND)):
    if bound is not None:
        print(lower_bound_report(name, values, bound))

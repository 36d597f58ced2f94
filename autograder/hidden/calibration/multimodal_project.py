"""Calibrate Project 5's bounds (hidden/test_multimodal.py) on the reference.

    python autograder/hidden/calibration/multimodal_project.py [n_seeds]

Runs exactly the test's probe and statistics with the reference as the "student", one seed per
grading run, and prints the distribution of text -> image recall@5 and zero-shot accuracy on the
test digits, then the false-failure rate of the test's bounds.
"""
import sys
import time

import torch

from multimodal_common import describe, lower_bound_report, test, worker

n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
recalls, accuracies, seconds = [], [], []
t0 = time.time()
for seed in range(n_seeds):
    torch.manual_seed(seed)
    y_test, kwargs = test.project_inputs()
    t1 = time.time()
    r = worker.probe("multimodal.train_tiny_clip", **kwargs)
    seconds.append(time.time() - t1)
    recall, accuracy = test.project_statistics(r, y_test)
    recalls.append(recall)
    accuracies.append(accuracy)
    print(seed, f"{recall:.4f} {accuracy:.4f} {seconds[-1]:.1f}s", flush=True)
print(f"reference, {n_seeds} seeds, {time.time() - t0:.0f} s, config {test.PROJECT}")
print(describe("text->image recall@5 (test split)", recalls))
print(describe("zero-shot accuracy (test split)", accuracies))
print(describe("training seconds", seconds))
for name, values, bound in (("recall@5", recalls, test.RECALL_BOUND), ("zero-shot", accuracies, test.ZERO_SHOT_BOUND)):
    if bound is not None:
        print(lower_bound_report(name, values, bound))

"""Calibrate Project 3's bounds (hidden/test_language_model.py) on the reference.

    python autograder/hidden/calibration/language_model_project.py [n_seeds] [first_seed]

Runs exactly the test's probe and statistics with the reference as the "student", each seed
standing for one grading run, and prints the distribution of the validation loss, its margin
over the add-k bigram, and the gap between the sample NLLs at the two settings. The bounds in the
test sit well outside what the reference produced; the false-failure rate is estimated from a
normal fit, with the empirical count.
"""
import math
import statistics
import sys
import time
from pathlib import Path

import torch

from common import hidden_test, reference_worker

test = hidden_test("language_model")

from_logs = sys.argv[1:2] == ["--from-logs"]     # summarise the per-seed lines of earlier runs instead
n_seeds = 0 if from_logs else int(sys.argv[1]) if len(sys.argv) > 1 else 40
first = int(sys.argv[2]) if len(sys.argv) > 2 and not from_logs else 0
worker = reference_worker()
rows = []
if from_logs:
    for path in sys.argv[2:]:
        for line in Path(path).read_text().splitlines():
            if line.startswith("seed "):
                print(line)
                f = line.split()
                val_loss, ngram, low, high = float(f[3]), float(f[5]), float(f[8]), float(f[10])
                rows.append((val_loss, ngram - val_loss, high - low))
t0 = time.time()
for seed in range(first, first + n_seeds):
    torch.manual_seed(seed)
    kwargs, judge = test.project_inputs()
    torch.manual_seed(10_000 + seed)
    t1 = time.time()
    r = worker.probe("language_model.train_char_gpt", **kwargs)
    val_loss, ngram, low, high = test.project_statistics(r, judge)
    rows.append((val_loss, ngram - val_loss, high - low))
    print(f"seed {seed}: val {val_loss:.4f} bigram {ngram:.4f} nll low {low:.3f} high {high:.3f} ({time.time() - t1:.1f} s)", flush=True)


def describe(name, values, bound, upper):
    m, s = statistics.mean(values), statistics.stdev(values)
    line = f"{name}: mean {m:.4f}, std {s:.4f}, min {min(values):.4f}, max {max(values):.4f}"
    if bound is not None:
        z = (bound - m) / s if upper else (m - bound) / s
        bad = sum(v >= bound for v in values) if upper else sum(v <= bound for v in values)
        line += (f"\n  bound {bound}: {bad}/{len(values)} reference runs fail; {z:.1f} std from the mean, "
                 f"normal-fit false-failure rate {0.5 * math.erfc(z / math.sqrt(2)):.1e}; "
                 f"distribution-free 95% bound from 0/{len(values)}: {1 - 0.05 ** (1 / len(values)):.3f}")
    return line


print(f"reference, {len(rows)} seeds" + (" (from the logs of earlier runs)" if from_logs else f", {time.time() - t0:.0f} s"))
print(describe("validation loss (nats/char)", [r[0] for r in rows], test.VAL_LOSS_BOUND, True))
print(describe("bigram NLL minus validation loss", [r[1] for r in rows], 0.0, False))
print(describe("sample NLL gap, high minus low", [r[2] for r in rows], test.SAMPLE_NLL_GAP, False))

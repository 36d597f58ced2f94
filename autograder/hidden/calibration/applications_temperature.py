"""Calibrate test_complete_code_samples_softmax_over_temperature on the reference, and measure the
trivial samplers a student could write against the same statistic.

    nice -n 10 python autograder/hidden/calibration/applications_temperature.py [seeds=300] [baseline seeds=50]
    python autograder/hidden/calibration/applications_temperature.py rate [reference runs=300]   # the false-failure line only
"""
import random
import sys

import torch

from applications_common import false_failure_line, genlab, probes, rate_only, rate_runs, test

if rate_only():
    print(false_failure_line(8, 6, rate_runs()))
    sys.exit()
SEEDS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
BASELINE_SEEDS = int(sys.argv[2]) if len(sys.argv) > 2 else 50
table = torch.tensor([2.0, 1.0, 0.5, 0.0, -0.5, 1.5, 0.2, -1.0]).repeat(8, 1)
zs = []
for seed in range(SEEDS):
    torch.manual_seed(seed)
    random.seed(seed)
    out = probes.complete_bigram(genlab, test.VOCAB, table, "a", 1, n=2000, temperature=0.5)
    zs.append(test.temperature_z(out, table, 0.5)[0])
zs = torch.tensor(zs)
print(f"reference, {len(zs)} seeds, 2000 one-token completions at temperature 0.5")
print(f"largest |z| over the 8 frequencies: max {zs.max():.2f}, median {zs.median():.2f}; bound 6")
print(f"failures: {(zs >= 6).sum().item()} / {len(zs)}")
print(false_failure_line(8, 6, len(zs), (zs >= 6).sum().item()))

ref = test.ref
fakes = {
    "greedy (argmax whatever the temperature)": lambda m, t, p, k, temperature=1.0, top_k=None: ref.complete_code(m, t, p, k, temperature=0),
    "temperature ignored (always 1)": lambda m, t, p, k, temperature=1.0, top_k=None: ref.complete_code(m, t, p, k, temperature=1.0),
    "logits multiplied by the temperature": lambda m, t, p, k, temperature=1.0, top_k=None: ref.complete_code(m, t, p, k, temperature=1 / temperature),
    "uniform over the vocabulary": lambda m, t, p, k, temperature=1.0, top_k=None: p + t.decode([random.randrange(len(test.VOCAB)) for _ in range(k)]),
}
print(f"\nbaselines, {BASELINE_SEEDS} seeds each (their largest |z|; the bound is 6):")
for name, fn in fakes.items():
    fake = type("genlab", (), {"applications": type("applications", (), {"complete_code": staticmethod(fn)})})
    z = []
    for seed in range(BASELINE_SEEDS):
        torch.manual_seed(10_000 + seed)
        random.seed(10_000 + seed)
        z.append(test.temperature_z(probes.complete_bigram(fake, test.VOCAB, table, "a", 1, n=2000, temperature=0.5), table, 0.5)[0])
    z = torch.tensor(z)
    print(f"  {name}: smallest {z.min():.1f}, median {z.median():.1f}; passes in {(z < 6).sum().item()} / {len(z)}")

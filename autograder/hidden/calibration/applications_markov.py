"""Calibrate test_markov_sampling_follows_the_transition_probs on the reference, and measure the
trivial samplers a student could write against the same statistic.

    nice -n 10 python autograder/hidden/calibration/applications_markov.py [seeds=300] [baseline seeds=50]
    python autograder/hidden/calibration/applications_markov.py rate [reference runs=300]   # the false-failure line only
"""
import random
import sys

import torch

from applications_common import false_failure_line, genlab, probes, rate_only, rate_runs, seeds, test

SEEDS = 0 if rate_only() else int(sys.argv[1]) if len(sys.argv) > 1 else 300
BASELINE_SEEDS = int(sys.argv[2]) if len(sys.argv) > 2 else 50
seq = test.MARKOV_CYCLE + test.MARKOV_CYCLE[:1]
model = test.ref.MarkovMelody(1).fit([seq])
probs = {c[0]: model.transition_probs(c) for c in model.counts}
cells = sum(len(v) for v in probs.values())
pairs = {(a, b) for a, nxt in probs.items() for b in nxt}
cells += sum(len(probs[b]) for _, b in pairs)
if rate_only():
    print(false_failure_line(cells, 6, rate_runs()))
    sys.exit()
zs = []
for seed in range(SEEDS):
    torch.manual_seed(seed)
    random.seed(seed)
    r = probes.markov(genlab, 1, [seq], [], n=200, start=[random.choice([60, 62, 64, 67])], n_samples=20)
    zs.append(test.markov_z(r["melodies"], probs)[0])
zs = torch.tensor(zs)
print(f"reference, {len(zs)} seeds, 20 melodies of 200 pitches; {cells} cells (first order, and after each possible pair)")
print(f"largest |z| over the cells: max {zs.max():.2f}, median {zs.median():.2f}; bound 6")
print(f"failures: {(zs >= 6).sum().item()} / {len(zs)}")
print(false_failure_line(cells, 6, len(zs), (zs >= 6).sum().item()))


def replay(start, n):
    """The training melody from the first place `start` occurs in it, cycled: right first-order
    frequencies, wrong Markov property."""
    cycle = test.MARKOV_CYCLE
    i = random.choice([k for k, p in enumerate(cycle) if p == start])
    return [cycle[(i + k) % len(cycle)] for k in range(n)]


def greedy(start, n):
    out = [start]
    while len(out) < n:
        nxt = probs[out[-1]]
        out.append(max(nxt, key=nxt.get))
    return out


def uniform(start, n):
    out = [start]
    while len(out) < n:
        out.append(random.choice(sorted(probs[out[-1]])))
    return out


def iid(start, n):
    pitches = [p for p in seq[1:]]
    return [start] + [random.choice(pitches) for _ in range(n - 1)]


print(f"\nbaselines, {BASELINE_SEEDS} seeds each (their largest |z|; the bound is 6):")
for name, fn in [("training melody replayed from start", replay), ("most likely next pitch (greedy)", greedy),
                 ("uniform over the pitches seen next", uniform), ("pitches drawn ignoring the context", iid)]:
    z = []
    for seed in range(BASELINE_SEEDS):
        random.seed(10_000 + seed)
        start = random.choice([60, 62, 64, 67])
        z.append(test.markov_z([fn(start, 200) for _ in range(20)], probs)[0])
    z = torch.tensor(z)
    print(f"  {name}: smallest {z.min():.1f}, median {z.median():.1f}; passes in {(z < 6).sum().item()} / {len(z)}")

"""Calibrate test_markov_sampling_follows_the_transition_probs on the reference.

    nice -n 10 python autograder/hidden/calibration/applications_markov.py [seeds=300]
"""
import random

import torch

from applications_common import genlab, probes, seeds, test

seq = test.MARKOV_CYCLE + test.MARKOV_CYCLE[:1]
model = test.ref.MarkovMelody(1).fit([seq])
probs = {c[0]: model.transition_probs(c) for c in model.counts}
zs = []
for seed in seeds(300):
    torch.manual_seed(seed)
    random.seed(seed)
    r = probes.markov(genlab, 1, [seq], [], n=200, start=[random.choice([60, 62, 64, 67])], n_samples=20)
    zs.append(test.markov_z(r["melodies"], probs))
zs = torch.tensor(zs)
print(f"reference, {len(zs)} seeds, 20 melodies of 200 pitches")
print(f"largest |z| over the transitions: max {zs.max():.2f}, median {zs.median():.2f}; bound 6")
print(f"failures: {(zs >= 6).sum().item()} / {len(zs)}")

"""Calibrate test_augment_with_generated_digits_beats_real_digits_alone on the reference.

    nice -n 10 python autograder/hidden/calibration/applications_augmentation_gain.py [seeds=200]

Each seed runs the whole test: 8 repeats of (3 real digits per class, 50 generated per class),
the mean accuracy gain of the ridge classifier. Reports the spread and the normal-fit
false-failure rate of the bound.
"""
import random

import torch

from applications_common import genlab, normal_tail, probes, seeds, test

gen = test.digit_generator()
x_train, y_train = test.data.load_digits("train")
x_test, y_test = test.data.load_digits("test")
gains, single = [], []
for seed in seeds(200):
    torch.manual_seed(seed)
    random.seed(seed)
    sets = probes.augment_gaussians(genlab, gen["means"], gen["scale_tril"], test.GAIN_GENERATED_PER_CLASS, test.GAIN_REPEATS)
    gains.append(test.augmentation_gain(sets, x_train, y_train, x_test, y_test)[0])
gains = torch.tensor(gains)
m, s = gains.mean().item(), gains.std().item()
z = (m - test.GAIN_BOUND) / s
print(f"reference, {len(gains)} seeds, {test.GAIN_REPEATS} repeats of {test.GAIN_REAL_PER_CLASS} real + "
      f"{test.GAIN_GENERATED_PER_CLASS} generated digits per class")
print(f"mean gain {m:.4f}, std {s:.4f}, min {gains.min():.4f}, max {gains.max():.4f}; bound {test.GAIN_BOUND}")
print(f"bound at {z:.1f} standard deviations below the mean: normal-fit false-failure rate {normal_tail(z) / 2:.1e}")
print(f"failures: {(gains <= test.GAIN_BOUND).sum().item()} / {len(gains)}")

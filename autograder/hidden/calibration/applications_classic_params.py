"""Calibrate test_classic_augment_params_are_uniform_in_their_ranges on the reference, and measure
the trivial parameter draws a student could write against the same statistic.

    nice -n 10 python autograder/hidden/calibration/applications_classic_params.py [seeds=300] [baseline seeds=50]
    python autograder/hidden/calibration/applications_classic_params.py rate [reference runs=300]   # the false-failure line only

Only the parameter table matters to the statistic, so the seeds draw it the way the reference's
classic_augment does, without resampling images (one seed is checked through the real function).
"""
import random
import sys

import torch

from applications_common import false_failure_line, rate_only, rate_runs, test

if rate_only():
    print(false_failure_line(14, 6, rate_runs(), ks_checks=4, ks_bound=test.CLASSIC_KS_BOUND))
    sys.exit()
SEEDS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
BASELINE_SEEDS = int(sys.argv[2]) if len(sys.argv) > 2 else 50
R = test.CLASSIC_RANGES
ref = test.ref


def reference_params(seed):
    torch.manual_seed(seed)
    return ref.classic_augment(torch.rand(20, 64), torch.zeros(20, dtype=torch.long), 40, **R)[2]


zs, ks = [], []
for seed in range(SEEDS):
    params = reference_params(seed)
    z = test.classic_params_z(params)
    zs.append(max(abs(v) for v in z.values()))
    ks.append(max(test.classic_params_ks(params).values()))
zs, ks = torch.tensor(zs), torch.tensor(ks)
print(f"reference, {len(zs)} seeds, 800 parameter rows with degrees {R['degrees']}, translate {R['translate']}, scale {R['scale']}")
print(f"largest |z| over the {len(z)} checks (means, variances, pairwise correlations): max {zs.max():.2f}, "
      f"median {zs.median():.2f}; bound 6")
print(f"largest sqrt(n) * Kolmogorov-Smirnov distance over the 4 columns: max {ks.max():.2f}, median {ks.median():.2f}; "
      f"bound {test.CLASSIC_KS_BOUND}")
fails = ((zs >= 6) | (ks >= test.CLASSIC_KS_BOUND)).sum().item()
print(f"failures: {fails} / {len(zs)}")
print(false_failure_line(len(z), 6, len(zs), fails, ks_checks=4, ks_bound=test.CLASSIC_KS_BOUND))


def draw(n, degrees, translate, scale, rounded=False, same=False):
    p = torch.stack([torch.empty(n).uniform_(-degrees, degrees), torch.empty(n).uniform_(-translate, translate),
                     torch.empty(n).uniform_(-translate, translate), torch.empty(n).uniform_(*scale)], 1)
    if rounded:
        p[:, 1:3] = p[:, 1:3].round()
    if same:
        p[:, 2] = p[:, 1]
    return p


baselines = {
    "the default ranges, not the given ones": lambda: draw(800, 10.0, 0.75, (0.9, 1.1)),
    "whole-pixel shifts (as RandomAffine rounds them)": lambda: draw(800, R["degrees"], R["translate"], R["scale"], rounded=True),
    "one shift for both axes (tx = ty)": lambda: draw(800, R["degrees"], R["translate"], R["scale"], same=True),
    "no transform (0, 0, 0, 1)": lambda: torch.tensor([[0.0, 0.0, 0.0, 1.0]]).repeat(800, 1),
    "normal instead of uniform (same variance)": lambda: torch.stack([
        torch.randn(800) * R["degrees"] / 3 ** 0.5, torch.randn(800) * R["translate"] / 3 ** 0.5,
        torch.randn(800) * R["translate"] / 3 ** 0.5, 1.025 + torch.randn(800) * 0.45 / 12 ** 0.5], 1),
}
print(f"\nbaselines, {BASELINE_SEEDS} seeds each (their largest |z|; the bound is 6; the range check is separate):")
for name, fn in baselines.items():
    z, k, inside = [], [], []
    for seed in range(BASELINE_SEEDS):
        torch.manual_seed(10_000 + seed)
        random.seed(10_000 + seed)
        p = fn()
        z.append(max(abs(v) for v in test.classic_params_z(p).values()))
        k.append(max(test.classic_params_ks(p).values()))
        inside.append(bool((p[:, 0].abs() <= R["degrees"]).all() and (p[:, 1:3].abs() <= R["translate"]).all()
                           and ((p[:, 3] >= R["scale"][0]) & (p[:, 3] <= R["scale"][1])).all()))
    z, k = torch.tensor(z), torch.tensor(k)
    passes = ((z < 6) & (k < test.CLASSIC_KS_BOUND) & torch.tensor(inside)).sum().item()
    print(f"  {name}: largest |z| smallest {z.min():.1f} (median {z.median():.1f}), sqrt(n) D smallest {k.min():.1f}; "
          f"inside the ranges in {sum(inside)} / {len(z)}; passes the test in {passes} / {len(z)}")

"""Calibrate test_mixup_lam_has_the_beta_moments and test_mixup_pairs_examples_by_a_random_permutation
(hidden/test_applications.py) on the reference, and measure the trivial mixups a student could write.

    nice -n 10 python autograder/hidden/calibration/applications_mixup_moments.py [seeds=300] [baseline seeds=50]
    python autograder/hidden/calibration/applications_mixup_moments.py rate [reference runs=300]   # the false-failure line only
"""
import random
import sys

import torch

from applications_common import false_failure_line, genlab, probes, rate_only, rate_runs, test

FIXED_POINT_LINE = ("fixed-point check: Poisson(20) tail past 60 < 1e-12 (a uniform permutation has mean 1, variance 1 "
                    "fixed points per call)")
if rate_only():
    print(false_failure_line(2, 6, rate_runs()) + "; " + FIXED_POINT_LINE)
    sys.exit()

SEEDS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
BASELINE_SEEDS = int(sys.argv[2]) if len(sys.argv) > 2 else 50
ref = test.ref

zs, fixed = [], []
for seed in range(SEEDS):
    torch.manual_seed(seed)
    random.seed(seed)
    x = torch.randn(8, 3)
    r = probes.mixup_lams(genlab, x, torch.eye(8), 0.4, 1000)
    test.mixup_partners(x, torch.eye(8), r["x_mix"], r["y_mix"], r["lams"])      # the blend check passes
    zs.append(test.mixup_moment_z(r["lams"], 0.4))
    x = torch.randn(30, 4)
    r = probes.mixup_lams(genlab, x, torch.eye(30), 1.0, 20)
    j = test.mixup_partners(x, torch.eye(30), r["x_mix"], r["y_mix"], r["lams"])
    fixed.append(sum(int((j[c] == torch.arange(30)).sum()) for c in range(20) if 1 - r["lams"][c].item() > 0.01))
zs = torch.tensor(zs).abs()
fixed = torch.tensor(fixed, dtype=torch.float64)
print(f"reference, {len(zs)} seeds, alpha 0.4, 1000 draws each (the blend check passed every time)")
print(f"|z| of the mean: max {zs[:, 0].max():.2f}; |z| of the variance: max {zs[:, 1].max():.2f}; bound 6")
print(f"failures: {(zs.max(1).values >= 6).sum().item()} / {len(zs)}")
print(false_failure_line(2, 6, len(zs), (zs.max(1).values >= 6).sum().item()) + "; " + FIXED_POINT_LINE)
print(f"fixed points over 20 calls of B = 30 (alpha 1): mean {fixed.mean():.1f}, std {fixed.std():.1f}, max {fixed.max():.0f}; "
      f"bound {test.MIXUP_FIXED_BOUND} (a uniform permutation has mean 1, variance 1 per call: Poisson(20) tail past 60 < 1e-12)")


def fake_mixup(kind):
    def mixup(x, y, alpha, lam=None, perm=None):
        if kind == "uniform":
            return ref.mixup(x, y, alpha, lam=torch.rand(()).item())
        if kind == "beta-1-alpha":
            return ref.mixup(x, y, alpha, lam=torch.distributions.Beta(1.0, float(alpha)).sample().item())
        if kind == "constant-0.5":
            return ref.mixup(x, y, alpha, lam=0.5)
        if kind == "no-mix":
            return x.clone(), y.clone(), 1.0
        if kind == "returns-beta-uses-0.5":
            x_mix, y_mix, _ = ref.mixup(x, y, alpha, lam=0.5)
            return x_mix, y_mix, torch.distributions.Beta(float(alpha), float(alpha)).sample().item()
        raise ValueError(kind)
    return mixup


print(f"\nbaselines, {BASELINE_SEEDS} seeds each: smallest |z| of (mean, variance), and the blend check")
for kind in ["uniform", "beta-1-alpha", "constant-0.5", "no-mix", "returns-beta-uses-0.5"]:
    fake = type("genlab", (), {"applications": type("applications", (), {"mixup": staticmethod(fake_mixup(kind))})})
    worst = []
    for seed in range(BASELINE_SEEDS):
        torch.manual_seed(10_000 + seed)
        r = probes.mixup_lams(fake, torch.randn(8, 3), torch.eye(8), 0.4, 1000)
        worst.append(max(abs(z) for z in test.mixup_moment_z(r["lams"], 0.4)))
    x = torch.randn(8, 3)
    r = probes.mixup_lams(fake, x, torch.eye(8), 0.4, 1000)
    try:
        test.mixup_partners(x, torch.eye(8), r["x_mix"], r["y_mix"], r["lams"])
        check = "passes the blend check"
    except AssertionError:
        check = "caught by the blend check"
    worst = torch.tensor(worst)
    print(f"  {kind}: largest |z| at least {worst.min():.1f} (median {worst.median():.1f}); {check}")

for kind in ["identity", "shift"]:
    def mixup(x, y, alpha, lam=None, perm=None, kind=kind):
        B = len(x)
        perm = torch.arange(B) if kind == "identity" else (torch.arange(B) + 1) % B
        return ref.mixup(x, y, alpha, perm=perm)
    fake = type("genlab", (), {"applications": type("applications", (), {"mixup": staticmethod(mixup)})})
    x = torch.randn(30, 4)
    r = probes.mixup_lams(fake, x, torch.eye(30), 1.0, 20)
    j = test.mixup_partners(x, torch.eye(30), r["x_mix"], r["y_mix"], r["lams"])
    ok = [c for c in range(20) if 1 - r["lams"][c].item() > 0.01]
    print(f"  perm {kind}: {len({tuple(j[c].tolist()) for c in ok})} distinct permutations in {len(ok)} calls, "
          f"{sum(int((j[c] == torch.arange(30)).sum()) for c in ok)} fixed points")

"""Calibrate the three augmentation-gain tests of hidden/test_applications.py on the reference,
and measure the trivial submissions a student could write against the same statistics.

    nice -n 10 python autograder/hidden/calibration/applications_augmentation_gain.py [seeds=200] [baseline seeds=50]

One seed = one grading run of each test: generative_gains (AUG_REPEATS repeats), classic_gains
(AUG_REPEATS) and mixup_gains (MIXUP_REPEATS), with the judge's checks on (the reference must pass
them every time). The baselines are fake workers that return what a cheap or cheating submission
would; their gains are computed with the checks OFF (as if the check did not exist), and the line
says whether the check catches them (it must, for every baseline that clears a bound).
"""
import random
import statistics
import sys

import torch

from applications_common import normal_tail, test
from common import reference_worker

SEEDS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
BASELINE_SEEDS = int(sys.argv[2]) if len(sys.argv) > 2 else 50
digits = test.judge_digits()
x_train, y_train, x_test, y_test = digits
worker = reference_worker()
ref = test.ref


def seeded(seed):
    torch.manual_seed(seed)
    random.seed(seed)


class Fake:
    """A worker whose answers come from `probe` / `call` functions given here (a cheat or a trivial
    submission), with the reference for everything else."""

    def __init__(self, probe=None, call=None):
        self._probe, self._call = probe, call

    def probe(self, target, timeout=None, **kw):
        return self._probe(target, **kw) if self._probe else worker.probe(target, **kw)

    def call(self, target, *args, timeout=None, **kw):
        return self._call(target, *args, **kw) if self._call else worker.call(target, *args, **kw)


def per_class(x, y, n):
    """n random rows of each class 0..9 from (x, y), in class order."""
    pick = torch.cat([torch.nonzero(y == c).flatten()[torch.randint(0, int((y == c).sum()), (n,))] for c in range(10)])
    return x[pick], y[pick]


def pools_answer(make):
    return lambda target, pools, n_per_class, n_classes: [make(px, py, n_per_class) for px, py in pools]


def leak_test(px, py, n):
    x, y = per_class(x_test, y_test, n)
    return {"x": x, "y": y}


def copies_train(px, py, n):
    x, y = per_class(x_train, y_train, n)
    return {"x": x, "y": y}


MEANS = torch.stack([x_train[y_train == c].mean(0) for c in range(10)])


def mean_image(px, py, n):
    y = torch.arange(10).repeat_interleave(n)
    return {"x": MEANS[y], "y": y}


def shuffled_labels(px, py, n):
    out = worker.probe("applications.augment_from_pool", pool_x=px, pool_y=py, n_per_class=n, n_classes=10)
    return {"x": out["x"], "y": out["y"][torch.randperm(len(out["y"]))]}


def classic_answer(kind):
    def call(target, x, y, copies, **kw):
        assert target == "applications.classic_augment"
        n = len(x) * copies
        if kind == "identity":
            params = torch.tensor([[0.0, 0.0, 0.0, 1.0]]).repeat(n, 1)
            return x.repeat_interleave(copies, 0), y.repeat_interleave(copies), params
        if kind == "narrow":
            return ref.classic_augment(x, y, copies, degrees=1.0, translate=0.075, scale=(0.99, 1.01))
        if kind == "leak":
            xs = torch.cat([x_test[torch.nonzero(y_test == int(c)).flatten()[torch.randint(0, int((y_test == c).sum()), (copies,))]]
                            for c in y])
            return xs.view(n, 1, 8, 8), y.repeat_interleave(copies), torch.tensor([[0.0, 0.0, 0.0, 1.0]]).repeat(n, 1)
        raise ValueError(kind)
    return call


def mixup_answer(kind):
    def probe(target, x, y_onehot, alpha, rounds):
        out = []
        for _ in range(rounds):
            if kind == "no-mix":
                out.append([x.clone(), y_onehot.clone(), 1.0])
            elif kind == "identity-perm":
                out.append(list(ref.mixup(x, y_onehot, alpha, perm=torch.arange(len(x)))))
            elif kind == "lam-0.5":
                out.append(list(ref.mixup(x, y_onehot, alpha, lam=0.5)))
            elif kind == "lam-uniform":
                out.append(list(ref.mixup(x, y_onehot, alpha, lam=torch.rand(()).item())))
            elif kind == "leak":
                xt, yt = per_class(x_test, y_test, len(x) // 10)
                out.append([xt, torch.eye(10)[yt], 1.0])
            else:
                raise ValueError(kind)
        return out
    return probe


def caught(fn, fake):
    """Whether the judge's check rejects the fake (runs one repeat with the check on)."""
    try:
        fn(fake, digits, repeats=1, check=True)
    except AssertionError:
        return "caught by the check"
    return "PASSES the check"


def summary(name, gains, bound):
    g = torch.tensor(gains, dtype=torch.float64)
    m, s = g.mean().item(), g.std().item()
    z = (m - bound) / s if s > 0 else float("inf")
    return (f"{name}: {len(g)} seeds, mean {m:.4f}, std {s:.4f}, min {g.min():.4f}, max {g.max():.4f}; bound {bound}; "
            f"{z:.1f} std above the bound, normal-fit false-failure rate {normal_tail(z) / 2:.1e}; "
            f"failures {(g <= bound).sum().item()} / {len(g)}; distribution-free 95% bound from 0/{len(g)}: "
            f"{1 - 0.05 ** (1 / len(g)):.3f}")


arms = [("generative", test.generative_gains, test.GEN_BOUND), ("classic", test.classic_gains, test.CLASSIC_BOUND),
        ("mixup", test.mixup_gains, test.MIXUP_BOUND)]
print(f"reference: {test.AUG_REAL} real digits per class + {test.AUG_BUDGET} extra per class; ridge {test.RIDGE} on the mean "
      f"squared error; {test.AUG_REPEATS} repeats (generative, classic), {test.MIXUP_REPEATS} (mixup) per seed; checks on")
for name, fn, bound in arms:
    gains = []
    for seed in range(SEEDS):
        seeded(seed)
        gains.append(statistics.fmean(fn(worker, digits)))
    print(summary(name, gains, bound), flush=True)

print(f"\nbaselines ({BASELINE_SEEDS} seeds each, checks off for the gain; then one repeat with the check on)")
baselines = [
    ("generative", "real TEST digits (leak)", test.generative_gains, Fake(probe=pools_answer(leak_test)), test.GEN_BOUND),
    ("generative", "real training digits (copies)", test.generative_gains, Fake(probe=pools_answer(copies_train)), test.GEN_BOUND),
    ("generative", "class mean image (constant)", test.generative_gains, Fake(probe=pools_answer(mean_image)), test.GEN_BOUND),
    ("generative", "samples with shuffled labels (label noise)", test.generative_gains, Fake(probe=pools_answer(shuffled_labels)), test.GEN_BOUND),
    ("classic", "unchanged copies (params 0, 0, 0, 1)", test.classic_gains, Fake(call=classic_answer("identity")), test.CLASSIC_BOUND),
    ("classic", "ranges ten times too narrow", test.classic_gains, Fake(call=classic_answer("narrow")), test.CLASSIC_BOUND),
    ("classic", "real TEST digits of the same class (leak)", test.classic_gains, Fake(call=classic_answer("leak")), test.CLASSIC_BOUND),
    ("mixup", "no mixing (lam = 1)", test.mixup_gains, Fake(probe=mixup_answer("no-mix")), test.MIXUP_BOUND),
    ("mixup", "perm = identity", test.mixup_gains, Fake(probe=mixup_answer("identity-perm")), test.MIXUP_BOUND),
    ("mixup", "lam = 0.5 always (caught by the Beta-moments test)", test.mixup_gains, Fake(probe=mixup_answer("lam-0.5")), test.MIXUP_BOUND),
    ("mixup", "lam ~ Uniform(0, 1) (caught by the Beta-moments test)", test.mixup_gains, Fake(probe=mixup_answer("lam-uniform")), test.MIXUP_BOUND),
    ("mixup", "real TEST digits, lam = 1 (leak)", test.mixup_gains, Fake(probe=mixup_answer("leak")), test.MIXUP_BOUND),
]
for arm, name, fn, fake, bound in baselines:
    gains = []
    for seed in range(BASELINE_SEEDS):
        seeded(10_000 + seed)
        gains.append(statistics.fmean(fn(fake, digits, check=False)))
    g = torch.tensor(gains)
    passes = (g > bound).float().mean().item()
    seeded(20_000)
    print(f"{arm} / {name}: mean gain {g.mean():+.4f} (std {g.std():.4f}, max {g.max():+.4f}), bound {bound}: "
          f"clears the bound in {passes:.0%} of seeds; {caught(fn, fake)}", flush=True)

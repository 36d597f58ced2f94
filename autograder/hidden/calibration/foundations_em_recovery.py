"""Calibrate test_em_recovers_a_known_three_component_mixture (hidden/test_foundations.py) on the
reference and on the cheapest fakes a student could write from GaussianMixture's docstring: fresh
problems from the test's own em_recovery_problem(), one per seed, scored with the test's own
em_recovery_z_scores (15 z-scores: 3 weights, 6 means, 6 variances, bound EM_Z) and
em_step_movement (one more EM iteration, in standard errors, bound EM_STEP).

    nice -n 10 python autograder/hidden/calibration/foundations_em_recovery.py [seeds] [fake seeds]
"""
import math
import sys

import torch

from common import hidden_test

test = hidden_test("foundations")
ref = test.ref
seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
fake_seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 50
FLOOR = 1e-6


def initial(x, init):
    """fit's documented initialisation: means = init, variances = data variance + floor, weights 1/K."""
    return torch.full((3,), 1 / 3), init.clone(), (x.var(0, unbiased=False) + FLOOR).expand(3, -1).clone()


def em(x, init, update=("weights", "means", "variances"), iters=test.EM_ITERS, hard=None):
    """EM as documented, or a fake: some parameters never updated, or hard assignments
    (hard="nearest": k-means, nearest mean; hard="likelihood": hard EM, most responsible component)."""
    w, m, v = initial(x, init)
    for _ in range(iters):
        if hard == "nearest":
            r = torch.nn.functional.one_hot(torch.cdist(x, m).argmin(1), 3).float()
        else:
            gm = ref.GaussianMixture(3)
            gm.weights, gm.means, gm.variances = w, m, v
            r = gm.responsibilities(x)
            if hard == "likelihood":
                r = torch.nn.functional.one_hot(r.argmax(1), 3).float()
        n_k = r.sum(0).clamp_min(1e-12)
        m_new = r.T @ x / n_k[:, None] if "means" in update else m
        if "variances" in update:
            v = (r[:, :, None] * (x[:, None] - m_new) ** 2).sum(0) / n_k[:, None] + FLOOR
        if "weights" in update:
            w = n_k / len(x)
        m = m_new
    return w, m, v


FAKES = {
    "the initial parameters (fit does nothing)": lambda x, init: initial(x, init),
    "a fixed answer (weights 1/3, means the first 3 rows, variances 1)":
        lambda x, init: (torch.full((3,), 1 / 3), x[:3].clone(), torch.ones(3, 2)),
    "k-means: hard assignment to the nearest mean": lambda x, init: em(x, init, hard="nearest"),
    "hard EM: hard assignment to the most responsible component": lambda x, init: em(x, init, hard="likelihood"),
    "variances never updated": lambda x, init: em(x, init, update=("weights", "means")),
    "weights never updated": lambda x, init: em(x, init, update=("means", "variances")),
    "only 5 EM iterations": lambda x, init: em(x, init, iters=5),
}


def judge(x, w, m, v, weights, means, variances):
    r = {"weights": w, "means": m, "variances": v}
    z = test.em_recovery_z_scores(r, weights, means, variances, test.EM_N)
    zmax = max(z[k].abs().max().item() for k in z)
    moved = test.em_step_movement(r, x)
    check = "z" if zmax >= test.EM_Z else "fixed point" if moved >= test.EM_STEP else None
    return check, zmax, moved


results = {}
for seed in range(max(seeds, fake_seeds)):
    torch.manual_seed(seed)
    x, init, weights, means, variances = test.em_recovery_problem()
    if seed < seeds:
        gm = ref.GaussianMixture(3)
        gm.fit(x, test.EM_ITERS, init_means=init)
        results.setdefault("reference", []).append(judge(x, gm.weights, gm.means, gm.variances, weights, means, variances))
    if seed < fake_seeds:
        for name, fake in FAKES.items():
            results.setdefault(name, []).append(judge(x, *fake(x, init), weights, means, variances))

tail = math.erfc(test.EM_Z / math.sqrt(2))
print(f"n = {test.EM_N}, {test.EM_ITERS} EM iterations, triangle side {test.EM_SIDE}, widths {test.EM_WIDTHS}; "
      f"bounds: the 15 |z| < {test.EM_Z}, one more EM step moves < {test.EM_STEP} standard errors")
for who, runs in results.items():
    fails = {}
    for check, _, _ in runs:
        fails[check] = fails.get(check, 0) + 1
    passed = fails.pop(None, 0)
    zs, moves = sorted(r[1] for r in runs), sorted(r[2] for r in runs)
    print(f"{who} ({len(runs)} seeds): passes {passed} of {len(runs)}" + (f"; first failing check {fails}" if fails else ""))
    print(f"    largest of the 15 |z|: min {zs[0]:.3g}, median {zs[len(zs) // 2]:.3g}, max {zs[-1]:.3g}")
    print(f"    EM-step movement (standard errors): min {moves[0]:.3g}, median {moves[len(moves) // 2]:.3g}, "
          f"max {moves[-1]:.3g}")
    if who == "reference":
        print(f"    false-failure rate: normal theory 15 x P(|z| > {test.EM_Z}) = {15 * tail:.1e}; the fixed-point "
              f"check is deterministic given converged EM (the reference's largest movement above is round-off, "
              f"{test.EM_STEP / max(moves[-1], 1e-12):.0f} x under the bound)")
        print(f"    distribution-free 95% upper bound from {len(runs) - passed}/{len(runs)}: "
              f"{1 - 0.05 ** (1 / len(runs)):.3f}")

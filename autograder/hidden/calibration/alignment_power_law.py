"""Calibrate test_fit_power_law_recovers_the_parameters_from_noisy_data (hidden/test_alignment.py)
on the reference, 1000 data sets drawn exactly as the test draws them, and on the docstring's
other accepted reading of "refine": all three parameters refined jointly (scipy's least_squares
on log(loss) over (E, log A, alpha), started from the reference's grid answer), which the
reference does not do (it refines E only).

    nice -n 10 python autograder/hidden/calibration/alignment_power_law.py [N]

Reports, for each method and for E, A and alpha, the largest relative error seen, a normal fit to
the signed relative errors, and the normal-fit probability of exceeding the test's bounds.
"""
import math
import sys

import numpy as np
import torch
from scipy.optimize import least_squares

from common import hidden_test

test = hidden_test("alignment")

BOUNDS = (0.02, 0.3, 0.06)             # the test's bounds on E, A, alpha


def joint_fit(n, loss):
    """The grid over E with a straight line per E (the docstring's recipe, 400 points), then
    (E, log A, alpha) refined together by least squares on log(loss)."""
    log_n, loss = np.log(np.asarray(n, dtype=np.float64)), np.asarray(loss, dtype=np.float64)

    def line(E):
        slope, intercept = np.polyfit(log_n, np.log(loss - E), 1)
        return intercept, -slope

    def residuals(p):
        E, log_A, alpha = p
        return np.log(E + np.exp(log_A - alpha * log_n)) - np.log(loss)

    grid = loss.min() * np.arange(400) / 400
    E0 = min(grid, key=lambda E: float((residuals((E, *line(E))) ** 2).sum()))
    fit = least_squares(residuals, (E0, *line(E0)), bounds=([0, -np.inf, 0], [loss.min(), np.inf, 5]),
                        xtol=1e-14, ftol=1e-14)
    E, log_A, alpha = fit.x
    return float(E), math.exp(log_A), float(alpha)


n_sets = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
methods = {"reference (E refined alone)": test.ref.fit_power_law, "all three refined jointly": joint_fit}
errors = {name: [] for name in methods}
for seed in range(n_sets):
    torch.manual_seed(seed)
    n, loss, truth = test.power_law_data(0.001)
    for name, fit in methods.items():
        got = fit(n, loss)
        errors[name].append([g / t - 1 for g, t in zip(got, truth)])          # signed relative errors
for name in methods:
    e_all = torch.tensor(errors[name], dtype=torch.float64)
    print(f"{name}, {n_sets} data sets (K = 16, noise 0.1%)")
    for j, param in enumerate(["E", "A", "alpha"]):
        e = e_all[:, j]
        mu, sd = e.mean().item(), e.std().item()
        tail = 0.5 * math.erfc((BOUNDS[j] - mu) / sd / math.sqrt(2)) + 0.5 * math.erfc((BOUNDS[j] + mu) / sd / math.sqrt(2))
        print(f"{param:5s}: max |rel error| {e.abs().max():.4f}, 99th percentile {e.abs().quantile(0.99):.4f}, "
              f"mean {mu:+.4f}, sd {sd:.4f}, bound {BOUNDS[j]} = {BOUNDS[j] / sd:.1f} sd, "
              f"failures {int((e.abs() >= BOUNDS[j]).sum())}/{n_sets}, normal fit: P(exceed) = {tail:.1e}")

"""Calibrate test_generate_frequencies_match_the_filtered_distribution on the reference, and on the
cheapest fake of it.

    python autograder/hidden/calibration/language_model_sampling.py [n_seeds]

Each seed stands for one grading run: a fresh logits table (first_token_table), 20,000 draws of
the reference's generate, the largest per-token z score |freq - p| / sqrt(p (1 - p) / n) over the
kept tokens, and Pearson's chi-square of the counts, with its lower-tail probability under
chi2(K - 1). The baseline "expected counts" is a generate that hands out round(n * p_i) of each
token (largest remainders), shuffled: frequencies perfect, no randomness in them.
"""
import math
import statistics
import sys
import time

import torch
from scipy.stats import binom, chi2 as chi2_dist

from common import hidden_test, reference_worker

test = hidden_test("language_model")

n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
worker = reference_worker()
n = test.SAMPLES
worst, chi2s, lower_tail, fails, leaks, fake_chi2, kept_sizes, exact_z = [], [], [], 0, 0, [], [], []
t0 = time.time()
for seed in range(n_seeds):
    torch.manual_seed(seed)
    table = test.first_token_table()
    torch.manual_seed(10_000 + seed)
    counts = worker.probe("language_model.bigram_first_tokens", table=table, n=n, **test.SAMPLING)
    z, chi2, expected = test.sampling_statistics(counts, table)
    K = int((expected > 0).sum())
    kept_sizes.append(K)
    leaked = bool((counts[expected == 0] > 0).any())
    leaks += leaked
    worst.append(z.max().item())
    chi2s.append(chi2)
    lower_tail.append(chi2_dist.cdf(chi2, K - 1))
    # this run's exact chance that some kept token's binomial count lands 5 sd or more from n p
    q = expected[expected > 0].double()
    sd = (n * q * (1 - q)).sqrt()
    exact_z.append(float(sum(binom.sf(math.ceil(n * a + test.Z_BOUND * b) - 1, n, a)
                             + binom.cdf(math.floor(n * a - test.Z_BOUND * b), n, a) for a, b in zip(q.tolist(), sd.tolist()))))
    fails += worst[-1] >= test.Z_BOUND or chi2 <= test.CHI2_FLOOR[K] or leaked
    share = expected * n                                  # the fake: exact shares, largest remainders
    fake = share.floor()
    fake[(share - fake).argsort(descending=True)[: n - int(fake.sum())]] += 1
    fake_chi2.append(test.sampling_statistics(fake, table)[1])
worst.sort()
print(f"reference, {n_seeds} seeds, {time.time() - t0:.0f} s; kept tokens K: "
      f"{ {k: kept_sizes.count(k) for k in sorted(set(kept_sizes))} }")
print(f"largest z per run: median {worst[len(worst) // 2]:.2f}, 99th percentile {worst[int(0.99 * len(worst))]:.2f}, "
      f"max {worst[-1]:.2f}; bound {test.Z_BOUND}")
print(f"chi-square per run: min {min(chi2s):.3f}, median {sorted(chi2s)[len(chi2s) // 2]:.3f}; its lower-tail "
      f"probability under chi2(K - 1): min {min(lower_tail):.2e} (floor at 1e-6); "
      f"floors {test.CHI2_FLOOR}")
print(f"{fails}/{n_seeds} reference runs fail a check; filtered-out token drawn in {leaks}/{n_seeds} runs")
print(f"false-failure rate per run: z bound {statistics.mean(exact_z):.1e} on average, at most {max(exact_z):.1e} "
      "(exact binomial tails of each kept token, summed), chi-square floor 1e-6 (its distribution); "
      f"distribution-free 95% bound from 0/{n_seeds}: {1 - 0.05 ** (1 / n_seeds):.3f}")
print(f"baseline 'expected counts' (round(n p_i) of each token, shuffled): chi-square max {max(fake_chi2):.2e}, "
      f"median {sorted(fake_chi2)[len(fake_chi2) // 2]:.2e}, under the floor in "
      f"{sum(c <= test.CHI2_FLOOR[k] for c, k in zip(fake_chi2, kept_sizes))}/{n_seeds} runs; its largest z is ~0")

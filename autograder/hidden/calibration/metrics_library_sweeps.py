"""Property sweeps of genlab.metrics against the libraries the hidden suite cross-checks with, on
random small inputs drawn by the hidden tests' own generators (autograder/hidden/test_metrics.py),
the libraries' special cases included:

    bleu                 sacrebleu corpus_bleu(tokenize="none"), smooth "exp" and "none": corpora
                         without a single match, empty hypotheses and references, hypotheses
                         shorter than max_n, c = r (random_small_corpus, CORPUS_KINDS in turn)
    gaussian_statistics  numpy.cov(rowvar=False): D = 1, all rows equal, N <= D (FEATURE_KINDS)
    frechet_distance     pytorch-fid's scipy.linalg.sqrtm formula, at the docstring's tolerances
                         (1e-6 rel + 1e-8 T with full-rank covariances, 1e-4 T otherwise)
    inception_score      the original code (scipy.stats.entropy per part, numpy.std): one-hot rows,
                         classes never predicted, C = 1, N = splits (PROBS_KINDS)

    nice -n 10 python autograder/hidden/calibration/metrics_library_sweeps.py [N] [--impl DIR]

N (default 10,000) inputs per sweep, BLEU N corpora per smoothing; seeds 0..N-1. `--impl DIR`
checks another implementation (a folder holding genlab/, e.g. the reference before issue 24)
instead of solutions/. Prints, per sweep, the disagreements (by kind) and the largest errors.
"""
import argparse
import collections
import os
import time
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("n", nargs="?", type=int, default=10_000)
parser.add_argument("--impl", help="a folder holding genlab/ (default: solutions/)")
args = parser.parse_args()
if args.impl:
    os.environ["GENLAB_REFERENCE"] = str(Path(args.impl).resolve())

import torch  # noqa: E402

from common import hidden_test  # noqa: E402

test = hidden_test("metrics")
impl = test.reference("metrics")
N = args.n
print(f"{args.impl or 'solutions/'}: {N} random small inputs per sweep (seeds 0..{N - 1})")


def report(name, n_checks, failures, worst, seconds):
    kinds = ", ".join(f"{k}: {v}" for k, v in sorted(failures.items())) or "none"
    worst = ", ".join(f"{k} {v:.2g}" for k, v in worst.items())
    print(f"{name}: {n_checks} comparisons, {sum(failures.values())} disagreements ({kinds}){'; ' if worst else ''}"
          f"{worst} [{seconds:.0f} s]")


# ---- BLEU against sacrebleu ----------------------------------------------------------------------
t0, failures, example = time.time(), collections.Counter(), None
for seed in range(N):
    torch.manual_seed(seed)
    kind = test.CORPUS_KINDS[seed % len(test.CORPUS_KINDS)]
    corpus = test.random_small_corpus(kind)
    for smooth in ("exp", "none"):
        hyps, refs, max_n = corpus["hypotheses"], corpus["references"], corpus["max_n"]
        expected = test.sacrebleu_score(hyps, refs, max_n=max_n, smooth=smooth)
        got = impl.bleu(hyps, refs, max_n=max_n, smooth=smooth)
        if not test.close(got, expected, rel=1e-6, abs_=1e-9):
            failures[f"{kind}, {smooth}"] += 1
            example = example or (seed, smooth, got, expected)
report("bleu vs sacrebleu", 2 * N, failures, {}, time.time() - t0)
if example:
    print(f"  first disagreement: seed {example[0]}, smooth {example[1]!r}: {example[2]} vs sacrebleu {example[3]}")

# ---- gaussian_statistics against numpy.cov -------------------------------------------------------
t0, failures, worst = time.time(), collections.Counter(), {"sigma abs error": 0.0}
for seed in range(N):
    torch.manual_seed(seed)
    kind = test.FEATURE_KINDS[seed % len(test.FEATURE_KINDS)]
    f = test.random_small_features(kind)
    mu, sigma = impl.gaussian_statistics(f)
    expected = test.numpy_cov(f)
    ok = tuple(sigma.shape) == expected.shape and test.np.allclose(sigma.numpy(), expected, rtol=1e-9, atol=1e-12)
    if tuple(sigma.shape) == expected.shape:
        worst["sigma abs error"] = max(worst["sigma abs error"], float(abs(sigma.numpy() - expected).max()))
    if not ok:
        failures[kind] += 1
report("gaussian_statistics vs numpy.cov", N, failures, worst, time.time() - t0)

# ---- frechet_distance against pytorch-fid --------------------------------------------------------
t0, failures = time.time(), collections.Counter()
worst = {"full rank: error / T": 0.0, "singular: error / T": 0.0}
for seed in range(N):
    torch.manual_seed(seed)
    kinds = [test.FEATURE_KINDS[int(torch.randint(0, 4, ()))] for _ in range(2)]
    d = 1 if "one dimension" in kinds else int(torch.randint(1, 6, ()))
    sets = [test.random_small_features(k, d) for k in kinds]
    stats = [(f.double().mean(0), torch.from_numpy(test.numpy_cov(f))) for f in sets]
    if seed % 10 == 0:
        sets[1], kinds[1], stats[1] = sets[0], kinds[0], stats[0]
    full = all(len(f) > d and kind in ("full rank", "one dimension") for f, kind in zip(sets, kinds))
    (mu1, s1), (mu2, s2) = stats
    got, expected = impl.frechet_distance(mu1, s1, mu2, s2), test.pytorch_fid_distance(mu1, s1, mu2, s2)
    scale = (torch.trace(s1) + torch.trace(s2)).item()
    error = abs(got - expected)
    if scale > 0:
        key = "full rank: error / T" if full else "singular: error / T"
        worst[key] = max(worst[key], error / scale)
    if not error <= 1e-6 * abs(expected) + (1e-8 if full else 1e-4) * scale + 1e-12:
        failures["full rank" if full else "singular"] += 1
report("frechet_distance vs pytorch-fid (scipy.linalg.sqrtm)", N, failures, worst, time.time() - t0)

# ---- inception_score against the original code ---------------------------------------------------
t0, failures, worst = time.time(), collections.Counter(), {"mean rel error": 0.0, "std abs error / mean": 0.0}
for seed in range(N):
    torch.manual_seed(seed)
    kind = test.PROBS_KINDS[seed % len(test.PROBS_KINDS)]
    probs = test.random_small_probs(kind)
    splits = len(probs) if seed % 6 == 0 else int(torch.randint(1, len(probs) + 1, ()))
    mean, std = impl.inception_score(probs, splits)
    e_mean, e_std = test.original_inception_score(probs, splits)
    worst["mean rel error"] = max(worst["mean rel error"], abs(mean - e_mean) / e_mean)
    worst["std abs error / mean"] = max(worst["std abs error / mean"], abs(std - e_std) / e_mean)
    if not (test.close(mean, e_mean, rel=1e-6) and test.close(std, e_std, rel=0.0, abs_=1e-6 * e_mean)):
        failures[kind] += 1
report("inception_score vs the original code (scipy.stats.entropy)", N, failures, worst, time.time() - t0)

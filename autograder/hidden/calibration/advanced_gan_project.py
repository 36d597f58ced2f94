"""Calibrate test_project_dcgan_learns_synthetic_faces (autograder/hidden/test_advanced_gan.py).

Runs the test's own code path (project_run: the judge draws its initial weights, the faces and
the batches, the probe trains the reference's DCGAN from those weights with unit 03's losses and
returns the state_dicts, the judge loads them into its own DCGANGenerator, samples with its own
noise and scores the samples against faces the worker never saw) on the reference over many seeds,
in-process, one thread. For each seed it also scores, with the same statistics (project_scores),
the same training faces and the same evaluation faces, what the test must reject:
  untrained    the judge's initial generator (0 steps; assert_learned rejects it on its own too);
  z-indep      the trained generator with its first convolution zeroed: every z gives one image;
  mean-face    the mean of the training faces, 1,000 times (a constant);
  collapse-1   the trained generator's first sample repeated 1,000 times, plus pixel noise 0.03;
  collapse-8   its first 8 samples, each repeated 125 times, plus pixel noise 0.03;
  copy-8       8 training faces, each repeated 125 times (a generator forced to reproduce a few faces);
  regress-8    the judge's initial generator trained (MSE, Adam 5e-3, 300 steps) to map 8 fixed
               codes onto 8 training faces, then sampled by the judge: memorisation through the weights;
  copy-1000    1,000 of the training faces themselves (memorisation at its best: a perfect sample of
               the distribution, which only the copy check can tell from new faces);
  copy-noisy   the same 1,000 training faces plus pixel noise 0.05 (copies disguised);
  data         1,000 fresh faces (the floor of every statistic);
and, for the init-similarity check, the trained weights against another draw of the judge's
initialisation ("foreign": weights trained elsewhere, shipped or re-initialised, score this).

    nice python autograder/hidden/calibration/advanced_gan_project.py [n_seeds] [first_seed] > part.txt
    python autograder/hidden/calibration/advanced_gan_project.py --summarize part1.txt ... > advanced_gan_project.txt

(Seeds can run as several processes in parallel; --summarize merges their per-seed lines.)
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F

from common import hidden_test, reference_worker
from autograder.judging import init_similarity, unchanged  # noqa: E402  (common puts the repository on sys.path)

T = hidden_test("advanced_gan")
BASELINES = ["untrained", "z-indep", "mean-face", "collapse-1", "collapse-8", "copy-8", "regress-8", "copy-1000",
             "copy-noisy", "data"]
CONVS = ("main.0.weight", "main.3.weight", "main.6.weight")


def header():
    print(f"config {T.PROJECT}; features: {T.N_COMPONENTS} PCA components of {T.N_FEATURE_FACES} faces (seed "
          f"{T.FEATURE_SEED}); copy check against {T.N_FRESH} fresh faces; pass: spread >= {T.MIN_SPREAD}, Fréchet "
          f"distance < {T.FD_BOUND}, closer-to-training <= {T.MAX_CLOSER_TO_TRAINING}, init similarity of the "
          f"generator's convolutions >= {T.MIN_INIT_SIMILARITY}")


def rounded(scores):
    return {k: round(v, 4) for k, v in scores.items()}


def regress(g_state, faces, k, steps=300, lr=5e-3):
    """The judge's initial generator trained to reproduce k training faces from k fixed codes."""
    generator = T.judge_generator(g_state)
    codes, targets = torch.randn(k, T.PROJECT["latent_dim"]), faces[:k]
    opt = torch.optim.Adam(generator.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        F.mse_loss(generator(codes), targets).backward()
        opt.step()
    return generator


def run(n_seeds, first_seed):
    worker = reference_worker()
    for seed in range(first_seed, first_seed + n_seeds):
        torch.manual_seed(seed)
        t0 = time.perf_counter()
        scores, inputs, r, samples, evaluation = T.project_run(worker)
        seconds = time.perf_counter() - t0
        faces, g_init = inputs["faces"], inputs["g_state"]
        row = {"seed": seed, "seconds": round(seconds, 1), "trained": rounded(scores)}
        row["sim"] = {k: round(v, 4) for k, v in init_similarity(g_init, r["g"]).items()}
        row["sim_d"] = {k: round(v, 4) for k, v in init_similarity(inputs["d_state"], r["d"]).items()}
        row["unchanged"] = unchanged(g_init, r["g"]) + unchanged(inputs["d_state"], r["d"])
        other_g, _ = T.initial_weights()
        row["foreign"] = {k: round(v, 4) for k, v in init_similarity(other_g, r["g"]).items()}
        noise = lambda n: 0.03 * torch.randn(n, 1, 16, 16)  # noqa: E731
        zeroed = dict(r["g"], **{"main.0.weight": torch.zeros_like(r["g"]["main.0.weight"])})
        candidates = {
            "untrained": lambda: T.judge_samples(T.judge_generator(g_init)),
            "z-indep": lambda: T.judge_samples(T.judge_generator(zeroed)),
            "mean-face": lambda: faces.mean(0, keepdim=True).repeat(1000, 1, 1, 1),
            "collapse-1": lambda: samples[:1].repeat(1000, 1, 1, 1) + noise(1000),
            "collapse-8": lambda: samples[:8].repeat(125, 1, 1, 1) + noise(1000),
            "copy-8": lambda: faces[:8].repeat(125, 1, 1, 1),
            "regress-8": lambda: T.judge_samples(regress(g_init, faces, 8)),
            "copy-1000": lambda: faces[:1000],
            "copy-noisy": lambda: faces[:1000] + 0.05 * torch.randn(1000, 1, 16, 16),
            "data": lambda: T.ref_data.synthetic_faces(1000, 16)[0],
        }
        for name in BASELINES:
            row[name] = rounded(T.project_scores(candidates[name](), faces, evaluation))
        print("row " + json.dumps(row), flush=True)


def passes(s):
    return s["spread"] >= T.MIN_SPREAD and s["fd"] < T.FD_BOUND and s["closer"] <= T.MAX_CLOSER_TO_TRAINING


def tail(z):
    return 0.5 * math.erfc(z / math.sqrt(2))


def mean_sd(values):
    return statistics.mean(values), max(statistics.stdev(values), 1e-12)


def summarize(rows):
    n = len(rows)
    trained = [r["trained"] for r in rows]
    sims = [min(r["sim"][k] for k in CONVS) for r in rows]
    fails = [r["seed"] for r, t, s in zip(rows, trained, sims)
             if not passes(t) or s < T.MIN_INIT_SIMILARITY or r["unchanged"]]
    print()
    print(f"REFERENCE over {n} seeds: failures {len(fails)} {fails}; 95% upper bound on the failure rate from the "
          f"count alone: {1 - 0.05 ** (1 / n):.3f}")
    fd = [t["fd"] for t in trained]
    log_fd = [math.log(v) for v in fd]
    mu, sd = mean_sd(log_fd)
    z = (math.log(T.FD_BOUND) - mu) / sd
    print(f"  Fréchet distance: min {min(fd):.3f}, median {statistics.median(fd):.3f}, max {max(fd):.3f}; log-normal "
          f"fit: bound {T.FD_BOUND} is {z:.1f} sd above the mean log (tail {tail(z):.1e})")
    spread = [t["spread"] for t in trained]
    mu, sd = mean_sd(spread)
    z = (mu - T.MIN_SPREAD) / sd
    print(f"  pixel spread: min {min(spread):.3f}, mean {mu:.3f}, sd {sd:.3f}; bound {T.MIN_SPREAD} is {z:.1f} sd below "
          f"(normal tail {tail(z):.1e})")
    closer = [t["closer"] for t in trained]
    mu, sd = mean_sd(closer)
    z = (T.MAX_CLOSER_TO_TRAINING - mu) / sd
    print(f"  closer to training: min {min(closer):.3f}, mean {mu:.3f}, sd {sd:.3f}, max {max(closer):.3f}; bound "
          f"{T.MAX_CLOSER_TO_TRAINING} is {z:.1f} sd above (normal tail {tail(z):.1e})")
    for key in CONVS:
        values = [r["sim"][key] for r in rows]
        mu, sd = mean_sd(values)
        z = (mu - T.MIN_INIT_SIMILARITY) / sd
        foreign = [r["foreign"][key] for r in rows]
        print(f"  init similarity {key}: min {min(values):.3f}, mean {mu:.3f}, sd {sd:.3f}; bound "
              f"{T.MIN_INIT_SIMILARITY} is {z:.1f} sd below (normal tail {tail(z):.1e}); foreign init "
              f"{min(foreign):.3f} to {max(foreign):.3f}, above the bound in {sum(f >= T.MIN_INIT_SIMILARITY for f in foreign)}/{n}")
    print(f"  (discriminator, not checked: main.2.weight similarity min {min(r['sim_d']['main.2.weight'] for r in rows):.3f})")
    print(f"  weights left unchanged (assert_learned): {sum(bool(r['unchanged']) for r in rows)} seeds")
    seconds = [r["seconds"] for r in rows]
    print(f"  seconds per training and judging (in-process, 1 thread, machine shared): median "
          f"{statistics.median(seconds):.1f}, max {max(seconds):.1f}")
    print()
    print("BASELINES (same seeds, training faces and evaluation faces): range of each statistic; which checks fail")
    for name in BASELINES:
        b = [r[name] for r in rows]
        fail_spread = sum(x["spread"] < T.MIN_SPREAD for x in b)
        fail_fd = sum(x["fd"] >= T.FD_BOUND for x in b)
        fail_closer = sum(x["closer"] > T.MAX_CLOSER_TO_TRAINING for x in b)
        print(f"  {name:10s} fd {min(x['fd'] for x in b):7.3f} to {max(x['fd'] for x in b):7.3f} (median "
              f"{statistics.median(x['fd'] for x in b):6.3f}); spread {min(x['spread'] for x in b):.3f} to "
              f"{max(x['spread'] for x in b):.3f}; closer {min(x['closer'] for x in b):.3f} to {max(x['closer'] for x in b):.3f}"
              f" | fails spread {fail_spread}/{n}, fd {fail_fd}/{n}, closer {fail_closer}/{n}; passes all three "
              f"{sum(map(passes, b))}/{n}")
    c8 = [math.log(r["collapse-8"]["fd"]) for r in rows]
    mu, sd = mean_sd(c8)
    z = (mu - math.log(T.FD_BOUND)) / sd
    print(f"  collapse-8, log-normal fit: bound {T.FD_BOUND} is {z:.1f} sd below its mean log (a generator collapsed "
          f"onto 8 faces passing: tail {tail(z):.1e})")
    print("  untrained also fails assert_learned (its weights are the judge's initial ones); data is the floor, "
          "not a submission")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--summarize"]:
        lines = [line for path in sys.argv[2:] for line in open(path)]
        rows = sorted((json.loads(line[4:]) for line in lines if line.startswith("row ")), key=lambda r: r["seed"])
        header()
        for r in rows:
            t, sim = r["trained"], " ".join(f"{r['sim'][k]:.3f}" for k in CONVS)
            print(f"seed {r['seed']:3d}: fd {t['fd']:.3f} spread {t['spread']:.3f} closer {t['closer']:.3f} sim "
                  f"{sim} | untrained {r['untrained']['fd']:.1f} collapse-8 "
                  f"{r['collapse-8']['fd']:.2f} regress-8 {r['regress-8']['fd']:.2f} copy-1000 {r['copy-1000']['fd']:.3f}/"
                  f"{r['copy-1000']['closer']:.2f} {r['seconds']:.1f}s")
        summarize(rows)
    else:
        header()
        run(int(sys.argv[1]) if len(sys.argv) > 1 else 40, int(sys.argv[2]) if len(sys.argv) > 2 else 0)

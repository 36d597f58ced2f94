"""Calibrate test_training_on_eight_gaussians_covers_the_modes (autograder/hidden/test_gan.py).

Runs the test's own code path on the reference over many seeds, in-process, one thread: the
judge draws the initial MLP weights and the data (train_on_eight_gaussians), the probe trains them
with the reference's train_step and returns the weights, the judge loads them into its own MLP and
samples (judge_samples), then scores the samples with the test's statistics (spread, mode_coverage,
hidden_similarity). For each seed it also scores, with the same statistics, what the test must
reject:
  untrained    the judge's initial generator, sampled (0 training steps; its weights never moved,
               which assert_learned rejects on its own);
  constant     every sample at one mode's centre (a z-independent generator);
  collapse-k   perfect samples of only k of the 8 modes (k = 1, 2, 4, 6, 7): mode collapse at its best;
  replay       fresh eight-Gaussians points: what a hook or a replaced forward on the probe's generator
               used to deliver. It would pass every statistic, but the judge now samples its own MLP,
               so no submission can deliver it (the attack catalogue autograder/tests/attacks/gan.py
               shows such submissions earn nothing);
  foreign      the trained weights compared with a different random initialisation than the one
               they were trained from: what weights trained elsewhere (shipped in a submission, or
               from a re-initialisation) score on the init-similarity check.

    nice python autograder/hidden/calibration/gan_eight_gaussians.py [n_seeds] [first_seed] > part.txt
    python autograder/hidden/calibration/gan_eight_gaussians.py --summarize part1.txt ... > gan_eight_gaussians.txt

(Seeds can run as several processes in parallel; --summarize merges their per-seed lines.)
"""
import json
import math
import statistics
import sys
import time

import torch

from common import hidden_test, reference_worker
from autograder.judging import unchanged  # noqa: E402  (common puts the repository on sys.path)

T = hidden_test("gan")
COLLAPSE = (1, 2, 4, 6, 7)


def header():
    print(f"config {T.COVERAGE}; near = within {T.NEAR}; a mode is covered with >= {T.MIN_PER_MODE} samples; "
          f"pass: modes >= {T.MIN_MODES}, near fraction >= {T.MIN_NEAR_FRACTION}, spread >= {T.MIN_SPREAD}, "
          f"init similarity of each 64 x 64 hidden matrix >= {T.MIN_INIT_SIMILARITY}")


def score(samples):
    cov = T.mode_coverage(samples, T.ref_data.eight_gaussian_centers(), T.NEAR)
    return {"modes": cov["modes"], "near": round(cov["near"], 4), "counts": cov["counts"], "spread": round(T.spread(samples), 4)}


def passes(s):
    return s["modes"] >= T.MIN_MODES and s["near"] >= T.MIN_NEAR_FRACTION and s["spread"] >= T.MIN_SPREAD


def run(n_seeds, first_seed):
    worker = reference_worker()
    centers = T.ref_data.eight_gaussian_centers()
    for seed in range(first_seed, first_seed + n_seeds):
        torch.manual_seed(seed)
        t0 = time.perf_counter()
        g_init, d_init, r = T.train_on_eight_gaussians(worker)
        seconds = time.perf_counter() - t0
        row = {"seed": seed, "seconds": round(seconds, 1)}
        row["trained"] = score(T.judge_samples(r["g"]))
        row["trained"]["sim_g"] = round(T.hidden_similarity(g_init, r["g"]), 4)
        row["trained"]["sim_d"] = round(T.hidden_similarity(d_init, r["d"]), 4)
        row["trained"]["unchanged"] = unchanged(g_init, r["g"]) + unchanged(d_init, r["d"])
        row["untrained"] = score(T.judge_samples(g_init))
        row["constant"] = score(centers[:1].expand(T.COVERAGE["n_samples"], 2).clone())
        n = T.COVERAGE["n_samples"]
        for k in COLLAPSE:
            which = torch.randint(0, k, (n,))
            row[f"collapse-{k}"] = score(centers[which] + 0.1 * torch.randn(n, 2))
        row["replay"] = score(T.ref_data.eight_gaussians(n))
        c = T.COVERAGE
        other_g = T._state(T.judge_mlp(c["latent_dim"], c["hidden"], c["hidden"], 2))
        other_d = T._state(T.judge_mlp(2, c["hidden"], c["hidden"], 1))
        row["foreign"] = {"sim_g": round(T.hidden_similarity(other_g, r["g"]), 4),
                          "sim_d": round(T.hidden_similarity(other_d, r["d"]), 4)}
        print("row " + json.dumps(row), flush=True)


def normal_tail(z):
    return 0.5 * math.erfc(z / math.sqrt(2))


def summarize(rows):
    n_seeds = len(rows)
    trained = [r["trained"] for r in rows]
    fails = [r["seed"] for r, t in zip(rows, trained)
             if not passes(t) or min(t["sim_g"], t["sim_d"]) < T.MIN_INIT_SIMILARITY or t["unchanged"]]
    print()
    print(f"REFERENCE over {n_seeds} seeds (seeds {min(r['seed'] for r in rows)}-{max(r['seed'] for r in rows)}): "
          f"failures {len(fails)} {fails}; 95% upper bound on the failure rate from the count alone: "
          f"{1 - 0.05 ** (1 / n_seeds):.3f}")
    modes = [t["modes"] for t in trained]
    print(f"  modes covered: min {min(modes)}, all 8 in {modes.count(8)}/{n_seeds}")
    near = [t["near"] for t in trained]
    mu, sd = statistics.mean(near), statistics.stdev(near)
    z = (mu - T.MIN_NEAR_FRACTION) / sd
    print(f"  near fraction: min {min(near):.3f}, mean {mu:.3f}, sd {sd:.3f}; threshold {T.MIN_NEAR_FRACTION} is "
          f"{z:.1f} sd below the mean (normal tail {normal_tail(z):.1e})")
    k = 8 - T.MIN_MODES   # failing 'modes >= MIN_MODES' needs the (k+1)-th smallest count under MIN_PER_MODE
    for rank, name in ((0, "smallest"), (1, "second-smallest")):
        counts = [sorted(t["counts"])[rank] for t in trained]
        log_c = [math.log(c) for c in counts]
        z = (statistics.mean(log_c) - math.log(T.MIN_PER_MODE)) / statistics.stdev(log_c)
        decides = " (the one the test's 'modes' rule depends on)" if rank == k else ""
        print(f"  {name} mode count{decides}: min {min(counts)}, median {statistics.median(counts)}; log-normal fit: "
              f"{T.MIN_PER_MODE} is {z:.1f} sd below the mean log (tail {normal_tail(z):.1e}); under it in "
              f"{sum(c < T.MIN_PER_MODE for c in counts)}/{n_seeds}")
    spreads = [t["spread"] for t in trained]
    print(f"  spread: min {min(spreads):.3f}, mean {statistics.mean(spreads):.3f} (threshold {T.MIN_SPREAD})")
    for key in ("sim_g", "sim_d"):
        sims = [t[key] for t in trained]
        mu, sd = statistics.mean(sims), statistics.stdev(sims)
        z = (mu - T.MIN_INIT_SIMILARITY) / sd
        print(f"  init similarity {key[-1].upper()}: min {min(sims):.3f}, mean {mu:.3f}, sd {sd:.3f}; threshold "
              f"{T.MIN_INIT_SIMILARITY} is {z:.1f} sd below the mean (normal tail {normal_tail(z):.1e})")
    print(f"  weights left unchanged (assert_learned): {sum(bool(t['unchanged']) for t in trained)} seeds")
    seconds = [r["seconds"] for r in rows]
    print(f"  seconds per training (in-process, 1 thread, machine shared): median {statistics.median(seconds):.1f}, "
          f"max {max(seconds):.1f}")
    print()
    print("BASELINES (same seeds, same statistics; pass = modes, near fraction and spread all pass):")
    for name in ["untrained", "constant", *(f"collapse-{k}" for k in COLLAPSE), "replay"]:
        b = [r[name] for r in rows]
        print(f"  {name:12s} modes {min(x['modes'] for x in b)}-{max(x['modes'] for x in b)}, near "
              f"{min(x['near'] for x in b):.3f}-{max(x['near'] for x in b):.3f}, spread "
              f"{min(x['spread'] for x in b):.3f}-{max(x['spread'] for x in b):.3f}; passes {sum(map(passes, b))}/{n_seeds}")
    print("  untrained: its weights are the judge's initial ones, so assert_learned fails it in every seed as well")
    print("  replay: passes the statistics, but cannot be delivered: the judge samples its own MLP (see the attacks)")
    for key in ("sim_g", "sim_d"):
        sims = [r["foreign"][key] for r in rows]
        print(f"  foreign init, {key[-1].upper()}: similarity {min(sims):.3f} to {max(sims):.3f} (sd {statistics.stdev(sims):.3f}; "
              f"1/sqrt(4096) = 0.016); above the threshold in {sum(s >= T.MIN_INIT_SIMILARITY for s in sims)}/{n_seeds}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--summarize"]:
        lines = [line for path in sys.argv[2:] for line in open(path)]
        rows = sorted((json.loads(line[4:]) for line in lines if line.startswith("row ")), key=lambda r: r["seed"])
        header()
        for r in rows:
            t = r["trained"]
            print(f"seed {r['seed']:3d}: modes {t['modes']} near {t['near']:.3f} spread {t['spread']:.2f} sim G {t['sim_g']:.3f} "
                  f"D {t['sim_d']:.3f} counts {t['counts']} {r['seconds']:.1f}s")
        summarize(rows)
    else:
        header()
        run(int(sys.argv[1]) if len(sys.argv) > 1 else 100, int(sys.argv[2]) if len(sys.argv) > 2 else 0)

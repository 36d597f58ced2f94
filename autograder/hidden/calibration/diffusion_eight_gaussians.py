"""Calibration of test_project_mlp_denoiser_learns_the_eight_gaussians (Project 4).

Runs the project as the judge does, with the same PROJECT settings, data and checks, on the
reference (its training probe, then the judge's scores of the returned weights) and on the
trivial solutions a student could send back as "trained weights" in the documented layout:

    untrained      the judge's initial weights, handed back untouched
    zero           every weight and bias 0: the denoiser predicts no noise
    ignores-t      trained with time_mlp.0.weight held at 0: the prediction cannot depend on t
    ignores-x      trained with inp.weight held at 0: a constant (per-t) noise prediction
    centres        trained on the 8 ring centres without their spread: collapses onto the centres
    one-mode       trained on one mode of the ring only
    16-points      trained on 16 fixed training points: a memorising denoiser
    other-init     trained honestly, but from another initialisation (weights shipped in a
                   submission, or trained outside the probe)
    replay         no denoiser at all: fresh eight-Gaussians points scored as samples (what a
                   `sample` that replays data gave before; the judge now samples itself, so it
                   cannot happen, and only the sample statistics apply)
    memorised-16   likewise samples only: 16 training points, each repeated (what a perfectly
                   memorising denoiser would generate)

The reference runs use the probe's training loop vectorised over 8 seeds at a time (train(), the
same reference MLPDenoiser and ddpm_loss under torch.func.vmap: 8 times the throughput of one run
at a time); `probe` runs seeds through the test's own probe, one at a time, as a cross-check (the
.txt compares the two). Each line is one seed and one solution, as JSON; --summary prints, per statistic, the reference's
distribution, each baseline's range and which checks each baseline fails, and the normal-theory
false-failure rate of each bound on the reference.

    cd autograder/hidden/calibration
    nice python diffusion_eight_gaussians.py reference 96 0 > /tmp/ref.jsonl      # in 4 processes, seed ranges
    nice python diffusion_eight_gaussians.py probe 14 0 > /tmp/probe.jsonl        # 0-6 and 150-156 in the .txt
    nice python diffusion_eight_gaussians.py baselines 3 100 > /tmp/base.jsonl    # and 3 103; seed 0 by the probe
    python diffusion_eight_gaussians.py --summary /tmp/*.jsonl > diffusion_eight_gaussians.txt

The .txt holds 110 reference runs (the issue asked for 300 as before, or at least 100 when time is
short: the shared 2-core machine ran at a load of 20 to 30 throughout, and one run cost about 5
CPU-seconds; rerun `reference 300` on an idle machine to extend it). "seconds per run" there is
wall time under that load.
"""
import json
import math
import statistics
import sys
import time

import torch
from torch.func import functional_call, vmap

from diffusion_common import ReferenceWorker, tests

from autograder import judging

ref, ref_data, P = tests.ref, tests.ref_data, tests.PROJECT
STATS = ["modes", "near", "spread", "nn_distance", "eval_loss", "t_dependence", "x_dependence", "min_init_similarity"]


def train(initials, batches, held=None):
    """The probe's training loop on the reference for K runs at once: K copies of ref.MLPDenoiser
    (functional_call over stacked weights) and ref.ddpm_loss, vectorised with torch.func.vmap (each
    run draws its own t and noise), one Adam over the stacked tensors (Adam is elementwise, so this
    is K independent Adams), the learning rate decaying linearly to 0. `initials` and the returned
    states are lists of K state_dicts; `batches` is (steps, K, B, 2). Parameters named in `held`
    start at the given value and never move (their gradient is zeroed)."""
    model = ref.MLPDenoiser(2, P["hidden"], P["time_dim"])
    params = {k: torch.stack([i[k] for i in initials]).clone() for k in initials[0]}
    for name, value in (held or {}).items():
        params[name][:] = value
    for v in params.values():
        v.requires_grad_(True)
    schedule = tests.project_schedule()

    def one_loss(p, x0):
        return ref.ddpm_loss(lambda x_t, t: functional_call(model, p, (x_t, t)), schedule, x0)

    losses_of = vmap(one_loss, randomness="different")
    optimizer = torch.optim.Adam(list(params.values()), lr=P["lr"])
    decay = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda i: 1 - i / len(batches))
    for x0 in batches:
        loss = losses_of(params, x0).sum()
        optimizer.zero_grad()
        loss.backward()
        for name in held or {}:
            params[name].grad.zero_()
        optimizer.step()
        decay.step()
    return [{k: v[i].detach().clone() for k, v in params.items()} for i in range(len(initials))]


def like_batches(points):
    """PROJECT-shaped batches drawn (with replacement) from a fixed set of points."""
    return points[torch.randint(0, len(points), (P["steps"], P["batch"]))]


def score(initial, state, name, seed, seconds):
    row = {k: v for k, v in tests.project_scores(initial, state).items() if k != "samples"}
    row.update(solution=name, seed=seed, seconds=round(seconds, 2), min_init_similarity=min(row["init_similarity"].values()))
    return row


def failures(row):
    """The checks a row fails, under the test's current bounds (short names)."""
    if "unchanged" not in row:   # samples only
        samples_only = dict(row, unchanged=[], init_similarity={}, eval_loss=0.0, t_dependence=1.0, x_dependence=1.0)
        return [short(f) for f in tests.project_failures(samples_only)]
    return [short(f) for f in tests.project_failures(row)]


def short(message):
    for key, name in [("never moved", "unmoved"), ("keep nothing", "init-similarity"), ("cover", "modes/near"),
                      ("RMS distance", "spread"), ("collapse onto", "nn-distance"), ("ddpm_loss", "eval-loss"),
                      ("depends on t", "t-dependence"), ("depends on x_t", "x-dependence")]:
        if key in message:
            return name
    return message[:40]


def emit(row):
    print(json.dumps(row), flush=True)


def run_reference(seeds, k=8, probe=False):
    """The reference over the seeds, K seeds per vectorised training (or, with probe=True, each seed
    through the very probe the test runs, one at a time: slower, the cross-check)."""
    seeds = list(seeds)
    if probe:
        worker = ReferenceWorker()
        for seed in seeds:
            torch.manual_seed(seed)
            t0 = time.perf_counter()
            initial = tests.project_initial()
            r = tests.project_train(worker, initial, tests.project_batches())
            emit(score(initial, r["state"], "reference-probe", seed, time.perf_counter() - t0))
        return
    for start in range(0, len(seeds), k):
        group = seeds[start:start + k]
        torch.manual_seed(group[0])
        t0 = time.perf_counter()
        initials = [tests.project_initial() for _ in group]
        states = train(initials, torch.stack([tests.project_batches() for _ in group], dim=1))
        seconds = (time.perf_counter() - t0) / len(group)
        for seed, initial, state in zip(group, initials, states):
            torch.manual_seed(seed)
            emit(score(initial, state, "reference", seed, seconds))


def run_baselines(seeds):
    """Every baseline for each seed; the trained ones vectorised over the seeds."""
    seeds = list(seeds)
    centers = ref_data.eight_gaussian_centers()
    K = len(seeds)
    torch.manual_seed(10_000 + seeds[0])
    initials = [tests.project_initial() for _ in seeds]
    others = [tests.project_initial() for _ in seeds]
    batches = torch.stack([tests.project_batches() for _ in seeds], dim=1)
    sixteens = [ref_data.eight_gaussians(16) for _ in seeds]
    shape = (P["steps"], P["batch"])
    trained = {   # the closest calls first
        "16-points": lambda: train(initials, torch.stack([like_batches(x) for x in sixteens], dim=1)),
        "centres": lambda: train(initials, torch.stack([like_batches(centers) for _ in seeds], dim=1)),
        "other-init": lambda: train(others, batches),
        "ignores-t": lambda: train(initials, batches, {"time_mlp.0.weight": torch.zeros(P["hidden"], P["time_dim"])}),
        "ignores-x": lambda: train(initials, batches, {"inp.weight": torch.zeros(P["hidden"], 2)}),
        "one-mode": lambda: train(initials, centers[0] + 0.1 * torch.randn(P["steps"], K, P["batch"], 2)),
        "untrained": lambda: initials,
        "zero": lambda: [{k: torch.zeros_like(v) for k, v in i.items()} for i in initials],
    }
    for name, make in trained.items():
        t0 = time.perf_counter()
        states = make()
        seconds = (time.perf_counter() - t0) / K
        for seed, initial, state in zip(seeds, initials, states):
            torch.manual_seed(20_000 + seed)
            emit(score(initial, state, name, seed, seconds))
    for seed, sixteen in zip(seeds, sixteens):
        torch.manual_seed(30_000 + seed)
        replayed = {"replay": ref_data.eight_gaussians(P["n_samples"]),
                    "memorised-16": sixteen.repeat(P["n_samples"] // 16, 1)}
        for name, samples in replayed.items():
            modes, near = tests.mode_coverage(samples, centers, tests.NEAR)
            emit({"solution": name, "seed": seed, "modes": modes, "near": near,
                  "spread": tests.mode_spread(samples, centers, tests.NEAR),
                  "nn_distance": tests.median_nn_distance(samples)})


def normal_tail(values, bound, upper):
    """P(value beyond bound) under a normal fit of the reference's values."""
    mu, sd = statistics.mean(values), statistics.stdev(values)
    z = (bound - mu) / sd if upper else (mu - bound) / sd
    return z, 0.5 * math.erfc(z / math.sqrt(2))


def summary(paths):
    rows = [json.loads(line) for path in paths for line in open(path) if line.startswith("{")]
    vector_rows = [r for r in rows if r["solution"] == "reference"]
    probe_rows = [r for r in rows if r["solution"] == "reference-probe"]
    ref_rows = vector_rows + probe_rows
    names = list(dict.fromkeys(r["solution"] for r in rows if not r["solution"].startswith("reference")))
    for r in rows:
        r["failures"] = failures(r)
    fails = [r for r in ref_rows if r["failures"]]
    base_seeds = {n: len({r["seed"] for r in rows if r["solution"] == n}) for n in names}
    print(f"Project 4 calibration: {len(ref_rows)} reference runs ({len(vector_rows)} with the probe's loop vectorised "
          f"over seeds, {len(probe_rows)} through the probe itself); baselines over {min(base_seeds.values())} to "
          f"{max(base_seeds.values())} seeds each. Settings {P}")
    print(f"bounds: modes >= {tests.MIN_MODES} (>= {tests.MIN_PER_MODE} samples each), near >= {tests.MIN_NEAR_FRACTION}, "
          f"spread in {list(tests.SPREAD)}, nn_distance >= {tests.MIN_NN_DISTANCE}, eval_loss <= {tests.MAX_EVAL_LOSS}, t_dependence >= {tests.MIN_T_DEPENDENCE}, "
          f"x_dependence >= {tests.MIN_X_DEPENDENCE}, init similarity >= {tests.MIN_INIT_SIMILARITY} (every weight matrix)")
    print(f"\nreference: {len(fails)} of {len(ref_rows)} seeds failed {[r['seed'] for r in fails]}; "
          f"95% upper bound on the false-failure rate from the count alone: {3 / len(ref_rows):.1%} (rule of three)")
    bounds = {"near": (tests.MIN_NEAR_FRACTION, False), "spread": (tests.SPREAD, None),
              "nn_distance": (tests.MIN_NN_DISTANCE, False),
              "eval_loss": (tests.MAX_EVAL_LOSS, True), "t_dependence": (tests.MIN_T_DEPENDENCE, False),
              "x_dependence": (tests.MIN_X_DEPENDENCE, False), "min_init_similarity": (tests.MIN_INIT_SIMILARITY, False)}
    total = 0.0
    for stat in STATS:
        v = [r[stat] for r in ref_rows]
        line = (f"  {stat:>20}: min {min(v):.3f}  mean {statistics.mean(v):.3f}  sd {statistics.stdev(v):.3f}  "
                f"max {max(v):.3f}")
        if stat in bounds:
            bound, upper = bounds[stat]
            if upper is None:
                z_lo, p_lo = normal_tail(v, bound[0], False)
                z_hi, p_hi = normal_tail(v, bound[1], True)
                p = p_lo + p_hi
                line += f"  bounds {z_lo:.1f} / {z_hi:.1f} sd away, normal tail {p:.1e}"
            else:
                z, p = normal_tail(v, bound, upper)
                line += f"  bound {z:.1f} sd away, normal tail {p:.1e}"
            total += p
        print(line)
    print(f"  modes covered: min {min(r['modes'] for r in ref_rows)}; seconds per run: mean "
          f"{statistics.mean(r['seconds'] for r in ref_rows):.1f}, max {max(r['seconds'] for r in ref_rows):.1f}")
    print(f"  false-failure rate (sum of the normal tails): {total:.1e}")
    if probe_rows:
        print("  cross-check, vectorised against probe runs (means): " + "; ".join(
            f"{k} {statistics.mean(r[k] for r in vector_rows):.3f} / {statistics.mean(r[k] for r in probe_rows):.3f}"
            for k in ("near", "spread", "nn_distance", "eval_loss", "min_init_similarity")))
    print("\nbaselines (min .. max over seeds; every seed of every baseline must fail):")
    for name in names:
        b = [r for r in rows if r["solution"] == name]
        cells = []
        for stat in STATS:
            v = [r[stat] for r in b if stat in r and r[stat] == r[stat]]
            if v:
                cells.append(f"{stat} {min(v):.3f}..{max(v):.3f}")
        passed = [r["seed"] for r in b if not r["failures"]]
        if "unchanged" not in b[0]:
            name += " (samples only: the judge samples itself, so no submission can hand these in)"
        print(f"  {name:>10}: {'; '.join(cells)}")
        reasons = sorted({f for r in b for f in r["failures"]})
        print(f"  {'':>10}  passed on {len(passed)} of {len(b)} seeds {passed}; fails: {reasons}")
    print("\nper seed:")
    for r in rows:
        keep = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()
                if k not in ("init_similarity", "unchanged")}
        print("  " + json.dumps(dict(keep, unchanged=len(r.get("unchanged", [])))))


if __name__ == "__main__":
    if sys.argv[1] == "--summary":
        summary(sys.argv[2:])
    else:
        n, first = int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0
        what = sys.argv[1]
        if what == "probe":
            run_reference(range(first, first + n), probe=True)
        else:
            {"reference": run_reference, "baselines": run_baselines}[what](range(first, first + n))

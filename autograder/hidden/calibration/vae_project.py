"""Calibrate Project 1 (hidden/test_vae.py) on the reference over 200 seeds, and on the trivial
solutions a student could hand in instead.

    python autograder/hidden/calibration/vae_project.py [n_seeds] [n_baseline_seeds] [n_overfit_seeds] [--raw FILE]
    python autograder/hidden/calibration/vae_project.py --summary FILE     # re-read a saved run

Each seed stands for one grading run: the test's own inputs (project_inputs: the training digits
and the judge's initial weights), the reference trained by the test's own probe, and the test's
own judgement of the returned weights (project_model, assert_learned, init_similarity,
project_statistics on the test digits with the judge's noise). The baselines are judged the same
way, each from the same run's initial weights:

  untrained    the initial weights, returned as they came
  mean-image   mu = logvar = 0 for every x (fc_mu, fc_logvar zeroed: KL = 0) and a decoder that
               returns the training digits' mean image whatever z is (decoder.4.weight zeroed, its
               bias the logit of the mean); every other tensor halved, so that every tensor moved
               (the constant that cleared the old 28.0 bound at 27.0 nats)
  mean-image-scaled  the same model with the zeroed tensors replaced by the initial ones times
               1e-4 (and the decoder's bias as above): every tensor keeps the initialisation's
               direction, so init_similarity cannot stop it; the statistics must
  collapsed    the reference trained the same 300 steps with beta = 5: the posterior collapses to
               the prior and the decoder to a z-independent output, with every weight trained
               (the first n_baseline_seeds seeds)
  memorise-32  the reference trained the same 300 steps on 32 training digits only (the first
               n_baseline_seeds seeds)
  overfit-32   the reference trained to memorise 32 training digits (2,000 steps, lr 2e-3; the
               first n_overfit_seeds seeds only), measured on the test digits
  elsewhere    weights trained from ANOTHER initialisation (the previous seed's reference run):
               what a submission that ships pre-trained weights hands back

For every statistic and bound: the reference's distribution, its false-failure rate (a normal fit,
on the log for the positive and skewed KL and code gain; and the empirical count), and every
baseline's values and which checks stop it. vae_project.txt is `vae_project.py 200 50 20`
(3,011 s on the shared 2-core machine at a load average of 20-30).
"""
import json
import math
import statistics
import sys
import time

import torch

from common import hidden_test, reference_worker

test = hidden_test("vae")
ref = test.ref


def train(initial, x, steps=300, lr=1e-3, beta=1.0, batch_size=128):
    """The probe's loop with the reference (beta and the data chosen here)."""
    p = test.PROJECT
    model = ref.VAE(64, p["hidden_dim"], p["latent_dim"])
    model.load_state_dict(initial)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        batch = x[torch.randint(0, len(x), (batch_size,))]
        x_recon, mu, logvar = model(batch)
        loss = ref.vae_loss(x_recon, batch, mu, logvar, beta=beta)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def mean_image_state(initial, x_train, scale=0.0):
    state = {k: 0.5 * v.clone() for k, v in initial.items()}
    for k in ("fc_mu.weight", "fc_mu.bias", "fc_logvar.weight", "fc_logvar.bias", "decoder.4.weight"):
        state[k] = scale * initial[k].clone()
    state["decoder.4.bias"] = torch.logit(x_train.mean(0).clamp(1e-4, 1 - 1e-4))
    return state


def judge(initial, state, x_train, x_test):
    """The test's judgement of returned weights: its statistics, and whether assert_learned passes."""
    try:
        test.assert_learned(initial, state, "weights")
        learned = True
    except AssertionError:
        learned = False
    sim = test.init_similarity(initial, state)
    out = test.project_statistics(test.project_model(state), x_train, x_test)
    return dict(out, learned=learned, init_similarity=min(sim.values()))


def run(n_seeds, n_baseline, n_overfit):
    worker = reference_worker()
    x_test, _ = test.data.load_digits("test")
    records, previous = [], None
    t0 = time.time()
    for seed in range(n_seeds):
        torch.manual_seed(seed)
        x_train, initial, sent = test.project_inputs()
        torch.manual_seed(10_000 + seed)
        trained = worker.probe("vae.train_on_digits", isolated=True, **sent)["state"]
        rec = {}
        states = {"reference": trained, "untrained": initial, "mean-image": mean_image_state(initial, x_train),
                  "mean-image-scaled": mean_image_state(initial, x_train, scale=1e-4)}
        torch.manual_seed(30_000 + seed)
        subset = x_train[torch.randperm(len(x_train))[:32]]
        if seed < n_baseline:
            states["collapsed"] = train(initial, x_train, beta=5.0)
            states["memorise-32"] = train(initial, subset)
        if seed < n_overfit:
            states["overfit-32"] = train(initial, subset, steps=2000, lr=2e-3)
        if previous is not None:
            states["elsewhere"] = previous
        for name, state in states.items():
            torch.manual_seed(20_000 + seed)   # the judge's noise, the same for every candidate
            rec[name] = judge(initial, state, x_train, x_test)
        records.append(rec)
        previous = trained
        if seed % 10 == 0:
            print(f"seed {seed}: {time.time() - t0:.0f} s; reference {rec['reference']}", file=sys.stderr, flush=True)
    return records, time.time() - t0


CHECKS = [  # (statistic, bound attribute, passes when, scale of the fit)
    ("neg_elbo", "NEG_ELBO_BOUND", lambda v, b: v < b, "normal"),
    ("kl", "KL_FLOOR", lambda v, b: v > b, "log-normal"),
    ("code_gain", "CODE_GAIN_FLOOR", lambda v, b: v > b, "log-normal"),
    ("sample_gap", "SAMPLE_MEAN_BOUND", lambda v, b: v < b, "normal"),
    ("init_similarity", "INIT_SIMILARITY_FLOOR", lambda v, b: v > b, "normal"),
]


NOTES = {
    "untrained": "stopped by assert_learned (nothing moved) and by every statistic but init_similarity",
    "mean-image": "the old hole (27.0 < 28.0): stopped by the KL floor and the code gain (and, with its zeroed "
                  "tensors, init_similarity)",
    "mean-image-scaled": "the same constant keeping the initialisation's direction: only the KL floor and the code "
                         "gain stop it, in every seed",
    "collapsed": "a z-independent decoder with every weight trained: stopped by the KL floor and the code gain",
    "memorise-32": "not a cheat (the same 300 steps on 32 digits instead of 1,438: no work saved), an honest but "
                   "underfed VAE; its samples' mean is the 32 digits' and the sample gap stops it in 49 of 50 seeds",
    "overfit-32": "the memorising model (2,000 steps on 32 digits): stopped by the negative ELBO on the test digits, "
                  "the sample gap and init_similarity, in every seed",
    "elsewhere": "a good VAE, but not trained from this run's initialisation: only init_similarity stops it, in every seed",
}


def summary(records, seconds):
    names = list(dict.fromkeys(name for rec in records for name in rec))
    print(f"Project 1, {len(records)} seeds ({seconds:.0f} s); statistics of the test digits, judge's noise")
    print("\nreference (the bound each check uses, its distance from the reference mean in standard deviations of")
    print("the fit -- normal, or normal on the log for the positive, skewed KL and code gain -- the fit's")
    print("false-failure rate, and how many reference runs failed it):")
    total_rate = 0.0
    for stat, attr, ok, scale in CHECKS:
        values = [rec["reference"][stat] for rec in records]
        m, s = statistics.mean(values), statistics.stdev(values)
        bound = getattr(test, attr)
        f = math.log if scale == "log-normal" else (lambda v: v)
        fitted = [f(v) for v in values]
        z = abs(f(bound) - statistics.mean(fitted)) / statistics.stdev(fitted)
        rate = 0.5 * math.erfc(z / math.sqrt(2))
        total_rate += rate
        failed = sum(not ok(v, bound) for v in values)
        print(f"  {stat:16s} mean {m:8.3f}  std {s:6.3f}  min {min(values):8.3f}  max {max(values):8.3f}   "
              f"{attr} = {bound}: {z:4.1f} std away ({scale}), rate {rate:.1e}, {failed}/{len(values)} failed")
    learned = sum(rec["reference"]["learned"] for rec in records)
    print(f"  assert_learned: {learned}/{len(records)} passed")
    print(f"  false-failure rate of the project test (sum of the fits): {total_rate:.1e}")
    print("\nbaselines (mean [min, max] of each statistic; the checks that stop them, as the fraction of seeds"
          " each check fails; how many seeds it passes everything):")
    for name in names[1:]:
        recs = [rec[name] for rec in records if name in rec]
        print(f"  {name} ({len(recs)} seeds):")
        for stat, attr, ok, _ in CHECKS:
            values = [r[stat] for r in recs]
            fails = sum(not ok(v, getattr(test, attr)) for v in values) / len(values)
            print(f"    {stat:16s} {statistics.mean(values):8.3f} [{min(values):8.3f}, {max(values):8.3f}]   "
                  f"fails {attr}: {fails:.0%}")
        stopped = sum(r["learned"] for r in recs)
        print(f"    assert_learned passes: {stopped}/{len(recs)}")
        passes_all = sum(r["learned"] and all(ok(r[stat], getattr(test, attr)) for stat, attr, ok, _ in CHECKS)
                         for r in recs)
        print(f"    passes all checks: {passes_all}/{len(recs)}")
        if name in NOTES:
            print(f"    -> {NOTES[name]}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--summary":
        saved = json.load(open(args[1]))
        summary(saved["records"], saved["seconds"])
        sys.exit(0)
    raw = None
    if "--raw" in args:
        i = args.index("--raw")
        raw = args[i + 1]
        del args[i:i + 2]
    n_seeds = int(args[0]) if args else 200
    n_baseline = int(args[1]) if len(args) > 1 else 50
    n_overfit = int(args[2]) if len(args) > 2 else 20
    records, seconds = run(n_seeds, n_baseline, n_overfit)
    if raw:
        json.dump({"records": records, "seconds": seconds}, open(raw, "w"))
    summary(records, seconds)

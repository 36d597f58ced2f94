"""Calibrate Project 3's bounds (hidden/test_language_model.py) on the reference AND on the trivial
solutions a student could submit.

    python autograder/hidden/calibration/language_model_project.py reference [n_seeds] [first_seed] [save_dir]
    python autograder/hidden/calibration/language_model_project.py rescore n_seeds first_seed save_dir
    python autograder/hidden/calibration/language_model_project.py baselines|cheap|costly [n_seeds] [first_seed]
    python autograder/hidden/calibration/language_model_project.py lookup
    python autograder/hidden/calibration/language_model_project.py --from-logs LOG...

`reference` runs exactly the test's probe (the reference as the "student", in a local worker) and
the judge's statistics on what it returns, each seed standing for one grading run (`save_dir`
keeps the trained weights; `rescore` recomputes the statistics from them). `baselines` (or its
halves `cheap` and `costly`) builds, for the same judge draws, the weights of each trivial solution below and scores them with
the same statistics. `lookup` prints the validation NLL of n-gram lookup models, which no set of
GPT weights can carry (the judge evaluates only its own GPT with the weights returned), given for
scale. `--from-logs` summarises the per-seed lines of earlier runs: the distribution of each
statistic, each bound's distance from the reference in standard deviations with the normal-fit
false-failure rate, and every baseline's range against each bound.

The baselines (each passes assert_learned unless said: the weights it does not need are nudged):
  untrained      the judge's initial weights, returned untouched (fails assert_learned too)
  unigram        a constant prediction: logits = log of the train split's character frequencies,
                 whatever the input (ln_f's weight 0, its bias and the head carry the table)
  bigram         a bigram lookup as GPT weights: the blocks add nothing (their output
                 projections 0, biases 1e-4), no positions; embedding, ln_f and head trained 1200 Adam steps
                 on the train split (more than the project's 400: the best such a GPT gets)
  bigram-leak    the same bigram trained on the whole text, validation included
  val-trained    the reference's training, 400 steps from the judge's init, on validation windows
                 (what reading the validation split in the worker would give)
  all-trained    the same on windows of the whole text, validation included (10% of the batches)
  own-init       the reference's training on the train split from its own initialisation, not the
                 judge's (weights trained elsewhere and shipped: same quality, no trace of this run)
  own-init+init  those weights plus the judge's initial weights added to them: the trace of the
                 judge's init forged (not trivial: it needs a model trained elsewhere; for scale)
  long-trained   the reference's training, 1600 steps instead of 400 (more work, not a cheat: where
                 it lands, for scale)
"""
import math
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from common import hidden_test, reference_worker

from autograder.judging import unchanged

test = hidden_test("language_model")
ref = test.ref
P = test.PROJECT
STATS = ("val_loss", "bigram_margin", "generalisation_gap", "nll_gap", "similarity", "train_loss", "bigram")
# statistic: (bound, the test's direction: "upper" fails at or over the bound, "lower" at or under it)
BOUNDS = {"val_loss": (test.VAL_LOSS_BOUND, "upper"), "bigram_margin": (test.BIGRAM_MARGIN, "lower"),
          "generalisation_gap": (test.GENERALISATION_GAP, "lower"), "nll_gap": (test.SAMPLE_NLL_GAP, "lower"),
          "similarity": (test.INIT_SIMILARITY, "lower")}


def score(kind, seed, state, judge, seconds):
    learned = not unchanged(judge["initial"], state)
    model = ref.GPT(**judge["config"])
    model.load_state_dict(state)
    s = test.project_statistics(model, judge)
    s["similarity"] = test.init_similarity_of(judge["initial"], state)
    print(f"{kind} seed {seed}: " + " ".join(f"{k} {s[k]:.4f}" for k in STATS)
          + f" learned {int(learned)} ({seconds:.1f} s)", flush=True)


def train(config, initial, ids, starts, steps=None, lr=P["lr"], frozen=()):
    """The probe's loop on the reference GPT: Adam, the judge's batches (or `steps` random ones)."""
    model = ref.GPT(**config)
    model.load_state_dict(initial)
    for name, p in model.named_parameters():
        p.requires_grad_(name not in frozen)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    T, offsets = config["block_size"], torch.arange(config["block_size"])
    if steps is not None:
        starts = torch.randint(0, len(ids) - T - 1, (steps, P["batch_size"]))
    model.train()
    for batch_starts in starts:
        _, loss, _ = model(ids[batch_starts[:, None] + offsets], ids[batch_starts[:, None] + offsets + 1])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def nudged(state, initial, keep):
    """`state` with every tensor not in `keep` moved a little from the judge's init, so that
    assert_learned passes where the baseline does not need those weights."""
    out = dict(state)
    for name, value in state.items():
        if name not in keep and value.is_floating_point():
            out[name] = initial[name] + 0.01 * torch.randn_like(value)
    return out


def bigram_state(initial, ids, steps=1200, lr=P["lr"]):
    """A bigram GPT: the judge's init with every block's contribution zeroed (the output
    projections of attention and MLP) and no positions, so logits = head(ln_f(tok_emb(idx)));
    that path trained by Adam on random windows of `ids`. Trained on its own (the zeroed blocks
    add nothing), which is the same model and much cheaper than running the silent blocks."""
    state = {k: v.clone() for k, v in initial.items()}
    silent = [k for k in state if k.startswith("blocks.") and (".attn.proj." in k or ".mlp.2." in k)]
    for k in silent + ["pos_emb.weight"]:
        state[k].zero_()
        if k.endswith(".bias"):             # zero at init: 1e-4 moves it enough for assert_learned
            state[k].fill_(1e-4)
    C = state["tok_emb.weight"].shape[1]
    emb = torch.nn.Embedding.from_pretrained(state["tok_emb.weight"].clone(), freeze=False)
    ln = torch.nn.LayerNorm(C)
    ln.load_state_dict({"weight": state["ln_f.weight"], "bias": state["ln_f.bias"]})
    head = torch.nn.Linear(C, state["head.weight"].shape[0], bias=False)
    head.weight.data.copy_(state["head.weight"])
    params = list(emb.parameters()) + list(ln.parameters()) + list(head.parameters())
    optimizer = torch.optim.Adam(params, lr=lr)
    T, offsets = P["block_size"], torch.arange(P["block_size"])
    for _ in range(steps):
        starts = torch.randint(0, len(ids) - T - 1, (P["batch_size"],))
        x, y = ids[starts[:, None] + offsets], ids[starts[:, None] + offsets + 1]
        loss = F.cross_entropy(head(ln(emb(x))).reshape(-1, head.out_features), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    state.update({"tok_emb.weight": emb.weight.detach().clone(), "ln_f.weight": ln.weight.detach().clone(),
                  "ln_f.bias": ln.bias.detach().clone(), "head.weight": head.weight.detach().clone()})
    return state, set(silent) | {"pos_emb.weight"}


CHEAP = ("untrained", "unigram", "bigram", "bigram-leak")
COSTLY = ("val-trained", "all-trained", "own-init", "long-trained")


def baseline_states(kwargs, judge, kinds):
    config, initial, train_ids, val = judge["config"], judge["initial"], judge["train"], judge["val"]
    everything = torch.cat([train_ids, val])
    for kind in kinds:
        if kind == "untrained":
            yield kind, {k: v.clone() for k, v in initial.items()}
        elif kind == "unigram":       # ln_f's output is its bias whatever x; the head maps it to log p
            freq = torch.bincount(train_ids, minlength=judge["V"]).double() + 0.5
            logp = (freq / freq.sum()).log().float()
            state = {k: v.clone() for k, v in initial.items()}
            state["ln_f.weight"].zero_()
            state["ln_f.bias"].zero_()
            state["ln_f.bias"][0] = 1.0
            state["head.weight"].zero_()
            state["head.weight"][:, 0] = logp - logp.mean()
            yield kind, nudged(state, initial, {"ln_f.weight", "ln_f.bias", "head.weight"})
        elif kind in ("bigram", "bigram-leak"):
            state, silent = bigram_state(initial, train_ids if kind == "bigram" else everything)
            yield kind, nudged(state, initial, silent | {"tok_emb.weight", "ln_f.weight", "ln_f.bias", "head.weight"})
        elif kind == "val-trained":
            yield kind, train(config, initial, val, None, steps=P["steps"])
        elif kind == "all-trained":
            yield kind, train(config, initial, everything, None, steps=P["steps"])
        elif kind == "own-init":
            own = {k: v.clone() for k, v in ref.GPT(**config).state_dict().items()}
            own = train(config, own, train_ids, kwargs["starts"])
            yield kind, own
            # the same shipped weights plus the judge's initial weights: the trace of the judge's
            # init that training leaves, forged (what init_similarity cannot tell apart)
            yield "own-init+init", {k: v + initial[k] if k.endswith(test.RANDOM_INIT) else v for k, v in own.items()}
        elif kind == "long-trained":
            yield kind, train(config, initial, train_ids, None, steps=4 * P["steps"])


def ngram_lookup():
    """Add-k n-gram models fit on the train split (and on everything), validation NLL per char."""
    tok, train_ids, val = test.project_corpus()
    print(f"vocabulary {tok.vocab_size}, train {len(train_ids)}, validation {len(val)} characters")
    for n in (1, 2, 3, 4, 5):
        for source, ids in (("train", train_ids), ("train+validation", torch.cat([train_ids, val]))):
            best = min((ngram_val_nll(ids.tolist(), val.tolist(), n, k, tok.vocab_size), k) for k in (0.003, 0.01, 0.03, 0.1, 0.3, 1.0))
            print(f"lookup {n}-gram fit on {source}: validation NLL {best[0]:.4f} (best k {best[1]})", flush=True)


def ngram_val_nll(train_ids, val_ids, n, k, V):
    from collections import Counter
    joint, ctx = Counter(), Counter()
    for t in range(n - 1, len(train_ids)):
        c = tuple(train_ids[t - n + 1:t])
        joint[c + (train_ids[t],)] += 1
        ctx[c] += 1
    nll = 0.0
    for t in range(n - 1, len(val_ids)):
        c = tuple(val_ids[t - n + 1:t])
        nll -= math.log((joint[c + (val_ids[t],)] + k) / (ctx[c] + k * V))
    return nll / (len(val_ids) - n + 1)


def describe(rows, name):
    lines = []
    for stat in STATS:
        values = [r[stat] for r in rows]
        m, s = statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0
        line = f"  {stat}: mean {m:.4f}, std {s:.4f}, min {min(values):.4f}, max {max(values):.4f}"
        if stat in BOUNDS:
            bound, direction = BOUNDS[stat]
            fail = sum(v >= bound for v in values) if direction == "upper" else sum(v <= bound for v in values)
            line += f"; bound {bound} ({'fails at or over' if direction == 'upper' else 'fails at or under'}): {fail}/{len(values)} fail"
            if name == "reference" and s > 0:
                z = (bound - m) / s if direction == "upper" else (m - bound) / s
                line += (f", {z:.1f} std from the mean, normal-fit false-failure rate "
                         f"{0.5 * math.erfc(z / math.sqrt(2)):.1e}")
        lines.append(line)
    return "\n".join(lines)


def summarise(paths):
    groups = {}
    for path in paths:
        for line in Path(path).read_text().splitlines():
            if " seed " in line and ":" in line and not line.startswith(" "):
                kind, rest = line.split(" seed ", 1)
                f = rest.split(":", 1)[1].split()
                row = {f[i]: float(f[i + 1]) for i in range(0, len(f) - 2, 2) if f[i] in STATS or f[i] == "learned"}
                groups.setdefault(kind, []).append(row)
    for kind, rows in groups.items():
        learned = sum(r["learned"] > 0 for r in rows)
        caught = sum(any((r[s] >= b) if d == "upper" else (r[s] <= b) for s, (b, d) in BOUNDS.items()) or not r["learned"]
                     for r in rows)
        print(f"{kind}, {len(rows)} seeds: passes assert_learned in {learned}; fails at least one check in {caught}/{len(rows)}")
        print(describe(rows, kind))
    ref_rows = groups.get("reference", [])
    if ref_rows:
        n = len(ref_rows)
        print(f"reference: distribution-free 95% bound on the false-failure rate from 0/{n}: {1 - 0.05 ** (1 / n):.3f}")


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "reference"
    if mode == "--from-logs":
        return summarise(sys.argv[2:])
    if mode == "lookup":
        return ngram_lookup()
    n_seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    save = Path(sys.argv[4]) if len(sys.argv) > 4 else None     # keep the reference's trained weights
    worker = reference_worker() if mode == "reference" else None
    kinds = {"baselines": CHEAP + COSTLY, "cheap": CHEAP, "costly": COSTLY}.get(mode)
    t0 = time.time()
    for seed in range(first, first + n_seeds):
        torch.manual_seed(seed)
        kwargs, judge = test.project_inputs()
        torch.manual_seed(10_000 + seed)
        t1 = time.time()
        if mode == "reference":
            r = worker.probe("language_model.train_char_gpt", isolated=True, **kwargs)
            if save:
                save.mkdir(parents=True, exist_ok=True)
                torch.save(r["state"], save / f"reference_{seed}.pt")
            score("reference", seed, r["state"], judge, time.time() - t1)
        elif mode == "rescore":                                     # the saved weights, today's statistics
            state = torch.load(Path(sys.argv[4]) / f"reference_{seed}.pt")
            score("reference", seed, state, judge, time.time() - t1)
        else:
            for kind, state in baseline_states(kwargs, judge, kinds):
                score(kind, seed, state, judge, time.time() - t1)
                t1 = time.time()
    print(f"{mode}, {n_seeds} seeds, {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()

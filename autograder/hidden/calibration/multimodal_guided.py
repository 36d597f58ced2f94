"""Calibrate the guided-sampling test (hidden/test_multimodal.py) on the reference and on trivial baselines.

    python autograder/hidden/calibration/multimodal_guided.py [n_seeds] [n_baseline_seeds]

Per seed, exactly as the test: the judge's initial weights and the training digits go to the probe
(the reference as the "student"), the trained state_dict comes back, the judge's copy samples with
the reference guided_sample on the judge's noise, and the digit classifier reads the samples.
Printed: the distribution of the init similarity, the guided accuracy and its gain over unguided
samples, and the false-failure rate of each bound.

Then the baselines, each a state_dict in the documented layout (the only thing that reaches the
judge), sampled and read the same way:
- untrained: the judge's initial weights handed back;
- predicts zero noise: net.5 (the output layer) zeroed, the rest untrained: a constant output;
- ignores the label: trained with p_uncond = 1 (only the null label learns), then every row of
  label_embedding set to the null row, so the label changes nothing (the best unconditional model);
- ignores x: trained with input.weight held at 0, so eps depends on (t, label) only;
- the unguided model: the reference's own samples at scale 0 (what guidance adds nothing to), read
  from the reference runs (its gain is 0 by definition);
- weights trained elsewhere: the reference trained the same way from its OWN seed (shipped weights).
Memorising the training digits (an empirical-posterior denoiser that searches the stored digits)
cannot be written into the documented state_dict; what its training hands back is untrained.
"""
import sys
import time

import torch

from multimodal_common import baseline_report, check_learned, describe, lower_bound_report, test, worker

n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
n_baseline = int(sys.argv[2]) if len(sys.argv) > 2 else 40
ref = test.ref
CONFIG = test.GUIDED["config"]
BOUNDS = {"similarity": test.GUIDED_SIMILARITY_BOUND, "guided": test.GUIDED_ACCURACY_BOUND, "gain": test.GUIDED_GAIN_BOUND}


def train_variant(kwargs, p_uncond=None, input_off=False):
    """The reference's training loop (as the probe), with p_uncond changed or input.weight held at 0."""
    model = ref.ConditionalDenoiser(**CONFIG)
    model.load_state_dict(kwargs["initial"])
    if p_uncond is not None:
        model.p_uncond = p_uncond
    if input_off:
        with torch.no_grad():
            model.input.weight.zero_()
        model.input.weight.requires_grad_(False)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=kwargs["lr"])
    x, labels = kwargs["x"], kwargs["labels"]
    for _ in range(kwargs["steps"]):
        i = torch.randint(0, len(x), (kwargs["batch_size"],))
        loss = model.loss(x[i], labels[i])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def score(state, initial):
    model = ref.ConditionalDenoiser(**CONFIG)
    model.load_state_dict(state)
    guided, unguided = test.guided_statistics(model.eval())
    return {"similarity": test.guided_similarity(initial, state), "guided": guided, "gain": guided - unguided,
            "learned": check_learned(test.guided_model, state, initial)}


reference, baselines, seconds = [], {}, []
t0 = time.time()
for seed in range(n_seeds):
    torch.manual_seed(seed)
    kwargs = test.guided_inputs()
    t1 = time.time()
    r = worker.probe("multimodal.train_guided_denoiser", isolated=True, **kwargs)
    seconds.append(time.time() - t1)
    initial = kwargs["initial"]
    model = test.guided_model(r["state"], initial)
    guided, unguided = test.guided_statistics(model)
    row = {"similarity": test.guided_similarity(initial, r["state"]), "guided": guided, "gain": guided - unguided,
           "unguided": unguided}
    reference.append(row)
    print(seed, " ".join(f"{k} {v:.3f}" for k, v in row.items()), f"{seconds[-1]:.1f}s", flush=True)
    if seed >= n_baseline:
        continue
    zero_output = dict(initial)
    zero_output["net.5.weight"], zero_output["net.5.bias"] = torch.zeros_like(initial["net.5.weight"]), torch.zeros_like(initial["net.5.bias"])
    no_label = train_variant(kwargs, p_uncond=1.0)
    no_label["label_embedding.weight"] = no_label["label_embedding.weight"][-1:].expand(CONFIG["n_classes"] + 1, -1).clone()
    torch.manual_seed(10_000 + seed)
    elsewhere = train_variant(dict(kwargs, initial=ref.ConditionalDenoiser(**CONFIG).state_dict()))
    for name, state in (("untrained", initial), ("predicts zero noise", zero_output), ("ignores the label", no_label),
                        ("ignores x", train_variant(kwargs, input_off=True)),
                        ("weights trained elsewhere (own seed)", elsewhere)):
        baselines.setdefault(name, []).append(score(state, initial))

print(f"reference, {n_seeds} seeds, {time.time() - t0:.0f} s, config {test.GUIDED}")
print(describe("min init similarity over the weight matrices and embeddings", [r["similarity"] for r in reference]))
print(describe("guided accuracy (classifier reads the requested digit)", [r["guided"] for r in reference]))
print(describe("gain over unguided samples (same start and noise)", [r["gain"] for r in reference]))
print(describe("baseline the unguided model: its accuracy at scale 0 (gain 0 by definition)",
               [r["unguided"] for r in reference]))
print(describe("training seconds", seconds))
for stat, bound in BOUNDS.items():
    print(lower_bound_report(stat, [r[stat] for r in reference], bound))
unguided = [r["unguided"] for r in reference]
print(f"baseline the unguided model ({n_seeds} seeds): accuracy max {max(unguided):.4f}, bound "
      f"{test.GUIDED_ACCURACY_BOUND} stops {sum(u <= test.GUIDED_ACCURACY_BOUND for u in unguided)}/{n_seeds}; "
      f"gain 0, bound {test.GUIDED_GAIN_BOUND} stops all")
for name, rows in baselines.items():
    print(baseline_report(name, rows, BOUNDS))

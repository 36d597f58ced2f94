"""Calibrate Project 5's bounds (hidden/test_multimodal.py) on the reference and on trivial baselines.

    python autograder/hidden/calibration/multimodal_project.py [n_seeds] [n_baseline_seeds]

Per seed, exactly as the test: the judge's initial weights and the training digits go to the
probe (the reference as the "student"), the trained state_dict comes back, the judge's copy embeds
the test digits, fresh captions and the prompts. Printed: the distribution of each statistic
(init similarity, spread, recall@5, zero-shot accuracy) and the false-failure rate of its bound.

Then the baselines, each a state_dict in the documented layout (the only thing that reaches the
judge), scored by the same statistics on the same test digits, which none of them saw:
- untrained: the judge's initial weights handed back;
- constant image embedding: the trained text side, an image side that ignores its input (weights
  0, a fixed bias): every image one point;
- text lookup: the caption's digit word looked up in a table (token_embedding one-hot per digit,
  text_encoder the identity, text_proj onto ten orthonormal class directions), image side
  untrained. With the judge doing the embedding, a lookup can make the TEXT side perfect without
  training; it cannot reach the image side, which must still learn to map unseen digits to their
  class, so alone it scores chance;
- memorisation: the text lookup plus an image side that stores 64 training images as prototypes
  (image_encoder.0 rows = the images, a threshold at 0.8 of each one's squared norm, the identity,
  image_proj sending each prototype to its class direction): a nearest-prototype search written
  into the weights, scored on the test digits;
- nearest class mean: the same with the ten training class means as prototypes, thresholds 0.8
  and 0.5 (the strongest hand-built models we found);
- nearest class mean hidden in the init: the judge's init plus the nearest-class-mean weights,
  scaled so that every big tensor keeps a cosine of 0.6 with the init (above the similarity bound):
  what a craft must look like to get past the similarity check;
- weights trained elsewhere: the reference trained the same way from its OWN seed (what shipping
  weights trained offline, or re-initialising, hands back).
A TinyCLIP that stores the data and embeds by search (the old cheat) cannot be written into the
documented state_dict at all; what its training hands back is its untouched image side (untrained).
"""
import sys
import time

import torch

from multimodal_common import baseline_report, check_learned, describe, lower_bound_report, test, worker

n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
n_baseline = int(sys.argv[2]) if len(sys.argv) > 2 else n_seeds
data, ref, TOKENIZER = test.data, test.ref, test.TOKENIZER
CONFIG = test.PROJECT["config"]
H, E = CONFIG["hidden_dim"], CONFIG["embed_dim"]
BOUNDS = {"similarity": test.CLIP_SIMILARITY_BOUND, "spread": test.SPREAD_BOUND, "recall": test.RECALL_BOUND,
          "zero_shot": test.ZERO_SHOT_BOUND}


def text_lookup(state, directions):
    s = dict(state)
    table = torch.zeros(CONFIG["vocab_size"], H)
    for d, word in enumerate(data.DIGIT_WORDS):
        table[TOKENIZER.encode(word)[1], d] = table[TOKENIZER.encode(str(d))[1], d] = 1.0
    s["token_embedding.weight"] = table
    s["text_encoder.0.weight"], s["text_encoder.0.bias"] = torch.eye(H), torch.zeros(H)
    proj = torch.zeros(E, H)
    proj[:, :10] = directions.T
    s["text_proj.weight"], s["text_proj.bias"] = proj, torch.zeros(E)
    return s


def prototypes(state, directions, images, labels, threshold=0.8):
    s = dict(state)
    W, b = torch.zeros(H, CONFIG["image_dim"]), torch.zeros(H)
    W[:len(images)], b[:len(images)] = images, -threshold * (images * images).sum(1)
    s["image_encoder.0.weight"], s["image_encoder.0.bias"] = W, b
    s["image_encoder.2.weight"], s["image_encoder.2.bias"] = torch.eye(H), torch.zeros(H)
    proj = torch.zeros(E, H)
    proj[:, :len(images)] = directions[labels].T
    s["image_proj.weight"], s["image_proj.bias"] = proj, torch.zeros(E)
    return s


def hidden_in(initial, crafted, target=0.6):
    """initial + a * crafted in every tensor the similarity check reads (a sets the cosine with the
    init to about `target`); the crafted tensors elsewhere."""
    s = {}
    for k, v in initial.items():
        c = crafted[k]
        big = v.is_floating_point() and v.numel() >= 256 and c.norm() > 0
        s[k] = v + v.norm() / c.norm() * (1 / target ** 2 - 1) ** 0.5 * c if big else c
    return s


def constant_image(state):
    s = dict(state)
    for k in ("image_encoder.0.weight", "image_encoder.2.weight", "image_proj.weight"):
        s[k] = torch.zeros_like(s[k])
    s["image_proj.bias"] = torch.randn(E)
    return s


def score(state, initial, evaluation):
    model = ref.TinyCLIP(**CONFIG)
    model.load_state_dict(state)
    row = test.project_statistics(model.eval(), evaluation)
    row["similarity"] = test.clip_similarity(initial, state)
    row["learned"] = check_learned(test.clip_model, state, initial)
    return row


reference, baselines, seconds = [], {}, []
t0 = time.time()
for seed in range(n_seeds):
    torch.manual_seed(seed)
    kwargs = test.project_inputs()
    t1 = time.time()
    r = worker.probe("multimodal.train_tiny_clip", isolated=True, **kwargs)
    seconds.append(time.time() - t1)
    evaluation = test.project_evaluation()
    initial = kwargs["initial"]
    model = test.clip_model(r["state"], initial)
    row = test.project_statistics(model, evaluation)
    row["similarity"] = test.clip_similarity(initial, r["state"])
    reference.append(row)
    print(seed, " ".join(f"{k} {v:.4f}" for k, v in row.items()), f"{seconds[-1]:.1f}s", flush=True)
    if seed >= n_baseline:
        continue
    x, y = kwargs["images"], data.load_digits("train")[1]
    directions = torch.linalg.qr(torch.randn(E, E))[0][:10]
    pick = torch.randperm(len(x))[:H]
    means = torch.stack([x[y == c].mean(0) for c in range(10)])
    torch.manual_seed(10_000 + seed)
    elsewhere = worker.probe("multimodal.train_tiny_clip", isolated=True,
                             **dict(kwargs, initial=ref.TinyCLIP(**CONFIG).state_dict()))["state"]
    for name, state in (("untrained", initial),
                        ("constant image embedding", constant_image(r["state"])),
                        ("text lookup, image side untrained", text_lookup(initial, directions)),
                        ("memorisation: 64 training images + text lookup",
                         text_lookup(prototypes(initial, directions, x[pick], y[pick]), directions)),
                        ("nearest class mean + text lookup",
                         text_lookup(prototypes(initial, directions, means, torch.arange(10)), directions)),
                        ("nearest class mean (threshold 0.5) + text lookup",
                         text_lookup(prototypes(initial, directions, means, torch.arange(10), 0.5), directions)),
                        ("nearest class mean + text lookup hidden in the init (cosine 0.6)",
                         hidden_in(initial, text_lookup(prototypes(initial, directions, means, torch.arange(10)),
                                                        directions))),
                        ("weights trained elsewhere (own seed)", elsewhere)):
        baselines.setdefault(name, []).append(score(state, initial, evaluation))

print(f"reference, {n_seeds} seeds, {time.time() - t0:.0f} s, config {test.PROJECT}")
for stat, label in (("similarity", "min init similarity over the big tensors"), ("spread", "image embedding spread"),
                    ("recall", "text->image recall@5, ties against (test split)"),
                    ("zero_shot", "zero-shot accuracy (test split)")):
    print(describe(label, [r[stat] for r in reference]))
print(describe("training seconds", seconds))
for stat, bound in BOUNDS.items():
    print(lower_bound_report(stat, [r[stat] for r in reference], bound))
for name, rows in baselines.items():
    print(baseline_report(name, rows, BOUNDS))

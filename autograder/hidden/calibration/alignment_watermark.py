"""Calibrate the two statistical watermark tests of hidden/test_alignment.py on the reference.

    nice -n 10 python autograder/hidden/calibration/alignment_watermark.py

1. test_detect_watermark_z_of_unwatermarked_sequences_is_standard_normal: the reference detector on
   the test's input (200 uniform sequences, T = 100, V = 64, gamma = 0.75) for 30 keys; and, since
   with G / V = gamma exactly the green count of a uniform sequence is Binomial(T, gamma), the test's
   statistic (mean and std of 200 z's) simulated from that binomial 200,000 times.
2. test_watermarked_generation_from_a_small_model_is_detected: 200 seeds x 4 sequences generated
   with the reference's watermark_logits from the test's bigram model; the reference z of each.
3. The same generation with the cheapest wrong watermark_logits a student could write (no
   watermark, the key ignored, the wrong previous token, an unhashed green list, delta on the red
   list): the reference z of each sequence, and how many test runs (4 sequences, all z > 4) pass.

    nice -n 10 python autograder/hidden/calibration/alignment_watermark.py baselines [seeds]   # part 3 only
"""
import math
import sys

import torch

from common import HERE, hidden_test, load

test = hidden_test("alignment")
probes = load("alignment_hidden", HERE.parent / "probes" / "alignment_hidden.py")


class RefPackage:                      # what a probe sees as `genlab`
    alignment = test.ref


ref = test.ref

def baselines(seeds):
    """Part 3: fakes of watermark_logits(logits, prev_tokens, delta, gamma, key), generation as in part 2."""
    def with_green(green_of):       # a watermark_logits adding delta to the mask green_of(prev, V, gamma, key)
        def fake(logits, prev_tokens, delta, gamma, key):
            V = logits.shape[-1]
            return logits + delta * torch.stack([green_of(int(p), V, gamma, key) for p in prev_tokens]).to(logits.dtype)
        return fake

    fakes = {
        "no watermark (logits returned unchanged, delta 0)": lambda logits, prev, delta, gamma, key: logits,
        "the key ignored (green list seeded with key 0)": with_green(lambda p, V, g, key: ref.green_list(p, V, g, 0)),
        "green list of a fixed previous token (token 0)": with_green(lambda p, V, g, key: ref.green_list(0, V, g, key)),
        "green list of the wrong previous token (prev + 1)": with_green(lambda p, V, g, key: ref.green_list((p + 1) % V, V, g, key)),
        "green list drawn with torch.randperm, no hash": with_green(
            lambda p, V, g, key: torch.zeros(V, dtype=torch.bool).index_fill_(0, torch.randperm(V)[:round(g * V)], True)),
        "the first round(gamma V) token ids green, no hash": with_green(
            lambda p, V, g, key: torch.arange(V) < round(g * V)),
        "delta added to the red tokens": with_green(lambda p, V, g, key: ~ref.green_list(p, V, g, key)),
    }
    print(f"3. baselines, {seeds} seeds x 4 sequences each, generation and reference detector as in part 2; "
          "a test run passes when all 4 z > 4")
    for name, fake in fakes.items():
        class Fake:
            class alignment:
                watermark_logits = staticmethod(fake)
                detect_watermark = staticmethod(ref.detect_watermark)
        zs = []
        for seed in range(seeds):
            torch.manual_seed(seed)
            key = torch.randint(0, 2**31, ()).item()
            bigram = 2 * torch.randn(Vg, Vg)
            r = probes.watermarked_generation(Fake, bigram, torch.randint(0, Vg, (4,)), Tg, delta, gamma_g, key)
            zs.append([ref.detect_watermark(row, Vg, gamma_g, key) for row in r["tokens"]])
        z = torch.tensor(zs)
        print(f"   {name}: z min {z.min():+.2f}, mean {z.mean():+.2f}, max {z.max():+.2f}; sequences with z > 4: "
              f"{int((z > 4).sum())}/{z.numel()}; test runs passed {int((z > 4).all(1).sum())}/{seeds}")


Vg, Tg, delta, gamma_g = 100, 200, 2.0, 0.25
if sys.argv[1:2] == ["baselines"]:
    baselines(int(sys.argv[2]) if len(sys.argv) > 2 else 50)
    sys.exit()

# 1. unwatermarked z
V, gamma, T = 64, 0.75, 100
means, stds = [], []
for seed in range(30):
    torch.manual_seed(seed)
    key = torch.randint(0, 2**31, ()).item()
    z = torch.tensor([ref.detect_watermark(s, V, gamma, key) for s in torch.randint(0, V, (200, T + 1))])
    means.append(z.mean().item()), stds.append(z.std().item())
print("1. unwatermarked z, reference detector, 30 keys x 200 sequences (T = 100, V = 64, gamma = 0.75)")
print(f"   mean of z: {min(means):+.3f} .. {max(means):+.3f}; std of z: {min(stds):.3f} .. {max(stds):.3f}")
g = torch.Generator().manual_seed(0)
reps = 200_000
counts = torch.distributions.Binomial(T, torch.full((reps, 200), gamma)).sample()
z = (counts - gamma * T) / math.sqrt(T * gamma * (1 - gamma))
m, s = z.mean(1), z.std(1)
fail = ((m.abs() >= 0.3) | (s <= 0.8) | (s >= 1.2)).float().mean().item()
print(f"   binomial simulation, {reps} runs of the test: mean of z sd {m.std():.4f}, std of z sd {s.std():.4f}; "
      f"max |mean| {m.abs().max():.3f}, std range {s.min():.3f} .. {s.max():.3f}; failures {fail * reps:.0f}/{reps}")
print(f"   normal fit: |mean| >= 0.3 at {0.3 / m.std():.1f} sd, std bounds at {(s.mean() - 0.8) / s.std():.1f} / "
      f"{(1.2 - s.mean()) / s.std():.1f} sd")

# 2. watermarked generation
zs = []
for seed in range(int(sys.argv[1]) if len(sys.argv) > 1 else 200):
    torch.manual_seed(seed)
    key = torch.randint(0, 2**31, ()).item()
    bigram = 2 * torch.randn(Vg, Vg)
    r = probes.watermarked_generation(RefPackage, bigram, torch.randint(0, Vg, (4,)), Tg, delta, gamma_g, key)
    zs += r["z"]
zs = torch.tensor(zs)
print(f"2. watermarked generation, {len(zs) // 4} seeds x 4 sequences (V = 100, T = 200, delta = 2, gamma = 0.25)")
print(f"   z: min {zs.min():.2f}, mean {zs.mean():.2f}, sd {zs.std():.2f}; threshold 4 is "
      f"{(zs.mean() - 4) / zs.std():.1f} sd below the mean; failures {int((zs <= 4).sum())}/{len(zs)}")

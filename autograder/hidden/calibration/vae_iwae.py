"""Calibrate test_iwae_bound_with_own_noise_matches_the_judges_estimate (hidden/test_vae.py) on the
reference over 200 seeds, and on fakes.

    python autograder/hidden/calibration/vae_iwae.py [n_seeds]

For each seed (one grading run): the tests' own model and data (iwae_inputs: the FixedVAE of
mismatched_state, 256 training digits), the reference's bound with its own noise through the
tests' probe, and the tests' own judgement:
  test_iwae_bound_with_own_noise_matches_the_judges_estimate: iwae_t_statistics, |t| per k
  test_iwae_bound_grows_with_k: the gaps between the batch means for k = 1 -> 8 -> 64, and their
      size in units of the batch-mean noise (20 repeats of the reference per k)
The same judgement of fakes a student could write for eps=None (each computed from the same model
and data): `-100 + log k`; a one-sample ELBO plus log k (plausible values that grow with k); the
mean of the log-weights (mutant iwae-mean-not-logsumexp); the bound without - log k; the 64-sample
bound whatever k is.
"""
import math
import statistics
import sys

import torch

from common import hidden_test, reference_worker

test = hidden_test("vae")
ref = test.ref


def log_weights(model, x, k):
    mu, logvar = model.encode(x)
    eps = torch.randn(k, *mu.shape)
    z = mu + eps * torch.exp(0.5 * logvar)
    x_recon = model.decode(z.reshape(-1, mu.shape[-1])).reshape(k, *x.shape)
    return (-ref.bernoulli_nll(x_recon, x.expand_as(x_recon)) - 0.5 * z.pow(2).sum(-1)
            + 0.5 * (eps.pow(2) + logvar).sum(-1))


FAKES = {
    "-100 + log k": lambda model, x, k: torch.full((len(x),), -100.0 + math.log(k)),
    "ELBO + log k": lambda model, x, k: ref.iwae_bound(model, x, 1) + math.log(k),
    "mean of log-weights": lambda model, x, k: log_weights(model, x, k).mean(0),
    "without - log k": lambda model, x, k: torch.logsumexp(log_weights(model, x, k), 0),
    "k = 64 always": lambda model, x, k: ref.iwae_bound(model, x, 64),
}

n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
worker = reference_worker()
ts, gaps, sigmas = [], [], []
fake_t, fake_order = {name: [] for name in FAKES}, {name: 0 for name in FAKES}
for seed in range(n_seeds):
    torch.manual_seed(seed)
    state, x = test.iwae_inputs()
    model = test.fixed_reference_model(state)
    torch.manual_seed(10_000 + seed)
    got = worker.probe("vae.iwae_by_k", state=state, x=x, ks=list(test.IWAE_KS))
    torch.manual_seed(20_000 + seed)
    ts.append(test.iwae_t_statistics(model, x, got))
    with torch.no_grad():
        runs = torch.tensor([[ref.iwae_bound(model, x, k).mean().item() for k in test.IWAE_KS] for _ in range(20)])
        m, s = runs.mean(0), runs.std(0)
        gaps.append([(m[1] - m[0]).item(), (m[2] - m[1]).item()])
        sigmas.append([((m[1] - m[0]) / (s[0] ** 2 + s[1] ** 2).sqrt()).item(),
                       ((m[2] - m[1]) / (s[1] ** 2 + s[2] ** 2).sqrt()).item()])
        for name, fake in FAKES.items():
            torch.manual_seed(40_000 + seed)
            values = [fake(model, x, k) for k in test.IWAE_KS]
            torch.manual_seed(20_000 + seed)
            fake_t[name].append(test.iwae_t_statistics(model, x, values))
            means = [v.mean().item() for v in values]
            fake_order[name] += means[0] < means[1] < means[2]

ts = torch.tensor(ts).abs()
print(f"IWAE tests, reference, {n_seeds} seeds (FixedVAE of mismatched_state, {test.IWAE_N} training digits)")
print(f"\nthe values: |t| per k (bound {test.IWAE_BOUND})")
rate = 0.0
for i, k in enumerate(test.IWAE_KS):
    col = ts[:, i]
    sd = (col.pow(2).mean()).sqrt().item()   # t is centred at 0: its spread is its root mean square
    z = test.IWAE_BOUND / sd
    r = math.erfc(z / math.sqrt(2))
    rate += r
    print(f"  k = {k:2d}: rms {sd:.2f}, max {col.max():.2f}, {int((col >= test.IWAE_BOUND).sum())}/{n_seeds} over the bound;"
          f" normal fit: bound at {z:.1f} rms, two-sided rate {r:.1e}")
print(f"  false-failure rate of the test (sum over k): {rate:.1e}")
print("  fakes (the smallest |t| over seeds for each k; a fake passes only if all three are under the bound):")
for name, values in fake_t.items():
    v = torch.tensor(values).abs()
    passed = int((v < test.IWAE_BOUND).all(1).sum())
    print(f"    {name:20s} min |t| " + ", ".join(f"k={k}: {v[:, i].min():.1f}" for i, k in enumerate(test.IWAE_KS))
          + f"; passes {passed}/{n_seeds}")

gaps, sigmas = torch.tensor(gaps), torch.tensor(sigmas)
print("\nthe order (means over 20 repeats of the reference per seed):")
print(f"  gap k=1->8:  min {gaps[:, 0].min():.2f} nats, mean {gaps[:, 0].mean():.2f}; smallest in noise units {sigmas[:, 0].min():.1f}")
print(f"  gap k=8->64: min {gaps[:, 1].min():.2f} nats, mean {gaps[:, 1].mean():.2f}; smallest in noise units {sigmas[:, 1].min():.1f}")
print("  a single grading run fails only if a gap's noise exceeds the gap: beyond the smallest z above, the normal tail"
      f" gives the false-failure rate ({0.5 * math.erfc(sigmas.min().item() / math.sqrt(2)):.0e} at the smallest)")
print("  fakes that still order the three means (the order alone does not stop them; the values do):")
for name, count in fake_order.items():
    print(f"    {name:20s} ordered in {count}/{n_seeds} seeds")

"""Calibrate the tests of the student's own draws (hidden/test_vae.py) over 200 reference seeds,
and on the fakes they must stop.

    python autograder/hidden/calibration/vae_draws.py [n_seeds]

test_reparameterize_draws_are_fresh_standard_normal_noise: the tests' inputs
    (reparameterize_inputs), two calls of the reference's reparameterize with its own noise through
    the tests' probe, the tests' statistics (noise_statistics, call_correlation). Fakes: torch.rand
    noise (mutant eps-uniform), +-1 noise (exact mean and std), one noise value shared by the
    dimensions, the same stored noise on every call, std = exp(logvar) (mutant std-is-exp-logvar).
test_sample_draws_decode_standard_normal_latents: the FixedVAE of sharp_state, two calls of the
    reference's sample through the probe against the judge's own 4,000 samples (moment_gaps).
    Fakes: replayed training digits, the decoded zero latent (plus nothing), z with std 0.8 or 1.25,
    uniform z of variance 1 (a subtler mistake: reported, not required to fail).
"""
import math
import sys

import torch

from common import hidden_test, reference_worker

test = hidden_test("vae")
ref = test.ref

n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
worker = reference_worker()
x_train, _ = test.data.load_digits("train")
STORED = torch.randn(40_000, 4, generator=torch.Generator().manual_seed(0))

REPARAM_FAKES = {
    "torch.rand noise": lambda mu, lv: mu + torch.rand_like(mu) * torch.exp(0.5 * lv),
    "+-1 noise": lambda mu, lv: mu + torch.randn_like(mu).sign() * torch.exp(0.5 * lv),
    "noise shared by dims": lambda mu, lv: mu + torch.randn(len(mu), 1) * torch.exp(0.5 * lv),
    "same noise every call": lambda mu, lv: mu + STORED * torch.exp(0.5 * lv),
    "std = exp(logvar)": lambda mu, lv: mu + torch.randn_like(mu) * torch.exp(lv),
}
SAMPLE_FAKES = {
    "training digits": lambda model, n: x_train[torch.randint(0, len(x_train), (n,))],
    "decode(0)": lambda model, n: model.decode(torch.zeros(n, model.latent_dim)),
    "z std 0.8": lambda model, n: model.decode(0.8 * torch.randn(n, model.latent_dim)),
    "z std 1.25": lambda model, n: model.decode(1.25 * torch.randn(n, model.latent_dim)),
    "uniform z, variance 1": lambda model, n: model.decode(math.sqrt(3) * (2 * torch.rand(n, model.latent_dim) - 1)),
}


def reparameterize_worst(draws, mu, logvar):
    """The largest of each statistic over the two calls: mean, std, KS, dimension corr, call corr."""
    st = [test.noise_statistics(z, mu, logvar) for z in draws]
    return [max(s["mean"].abs().max().item() for s in st), max(s["std"].abs().max().item() for s in st),
            max(s["ks"] for s in st), max(s["corr"] for s in st), test.call_correlation(st[0]["eps"], st[1]["eps"])]


def reparameterize_passes(worst):
    return (worst[0] < test.REPARAM_BOUND and worst[1] < test.REPARAM_BOUND and worst[2] < test.REPARAM_KS_BOUND
            and worst[3] < test.REPARAM_BOUND and worst[4] < test.REPARAM_BOUND)


rep, rep_fakes = [], {name: [] for name in REPARAM_FAKES}
smp, smp_fakes = [], {name: [] for name in SAMPLE_FAKES}
for seed in range(n_seeds):
    torch.manual_seed(seed)
    mu, logvar = test.reparameterize_inputs()
    torch.manual_seed(10_000 + seed)
    draws = worker.probe("vae.reparameterize_draws", mu=mu, logvar=logvar)
    rep.append(reparameterize_worst(draws, mu, logvar))
    if seed < 50:
        for name, fake in REPARAM_FAKES.items():
            rep_fakes[name].append(reparameterize_worst([fake(mu, logvar), fake(mu, logvar)], mu, logvar))

    torch.manual_seed(seed)
    state = test.sharp_state()
    model = test.fixed_reference_model(state)
    torch.manual_seed(10_000 + seed)
    drawn = worker.probe("vae.sample_draws", state=state, n=test.SAMPLE_N)
    torch.manual_seed(20_000 + seed)
    with torch.no_grad():
        own = ref.sample(model, test.SAMPLE_N)
        smp.append([max(test.moment_gaps(x, own)[i] for x in drawn) for i in (0, 1)])
        if seed < 50:
            for name, fake in SAMPLE_FAKES.items():
                smp_fakes[name].append(list(test.moment_gaps(fake(model, test.SAMPLE_N), own)))

rep = torch.tensor(rep)
print(f"test_reparameterize_draws_are_fresh_standard_normal_noise: reference, {n_seeds} seeds, two calls each")
names = ["mean (SE)", "std (SE)", "KS sqrt(N) D", "dims corr (SE)", "calls corr (SE)"]
bounds = [test.REPARAM_BOUND, test.REPARAM_BOUND, test.REPARAM_KS_BOUND, test.REPARAM_BOUND, test.REPARAM_BOUND]
for i, (name, bound) in enumerate(zip(names, bounds)):
    col = rep[:, i]
    print(f"  {name:16s} largest per run: mean {col.mean():.2f}, max {col.max():.2f}; bound {bound}: "
          f"{int((col >= bound).sum())}/{n_seeds} over")
# two calls: 8 means, 8 stds, 12 dimension correlations, 4 call correlations (two-sided normal tails at
# 6 SE) and 2 KS distances (Kolmogorov's tail, 2 exp(-2 x^2))
tail = math.erfc(test.REPARAM_BOUND / math.sqrt(2))
rate = (8 + 8 + 12 + 4) * tail + 2 * 2 * math.exp(-2 * test.REPARAM_KS_BOUND ** 2)
print(f"  false-failure rate by the normal and Kolmogorov tails: {rate:.1e} per grading run")
print("  fakes (50 seeds; the smallest value over seeds of each statistic; passes = all under the bounds):")
for name, values in rep_fakes.items():
    v = torch.tensor(values)
    passed = sum(reparameterize_passes(w) for w in values)
    print(f"    {name:22s} " + ", ".join(f"{n} {v[:, i].min():.1f}" for i, n in enumerate(names)) + f"; passes {passed}/{len(values)}")

smp = torch.tensor(smp)
print(f"\ntest_sample_draws_decode_standard_normal_latents: reference, {n_seeds} seeds, two calls of {test.SAMPLE_N}"
      f" against the judge's {test.SAMPLE_N}")
for i, name in enumerate(["largest pixel mean gap (SE)", "largest pixel variance gap (SE)"]):
    col = smp[:, i]
    print(f"  {name}: mean {col.mean():.2f}, max {col.max():.2f}; bound {test.SAMPLE_BOUND}: "
          f"{int((col >= test.SAMPLE_BOUND).sum())}/{n_seeds} over")
print(f"  false-failure rate by the normal tail (2 calls x 64 pixels x 2 moments at {test.SAMPLE_BOUND} SE): "
      f"{256 * math.erfc(test.SAMPLE_BOUND / math.sqrt(2)):.1e} (the variance gap's tail is a little heavier;"
      " the empirical maxima above are the check)")
print("  fakes (50 seeds; smallest mean gap and variance gap over seeds; passes = both under the bound):")
for name, values in smp_fakes.items():
    v = torch.tensor(values)
    passed = int(((v[:, 0] < test.SAMPLE_BOUND) & (v[:, 1] < test.SAMPLE_BOUND)).sum())
    print(f"    {name:22s} mean gap {v[:, 0].min():.1f}, variance gap {v[:, 1].min():.1f}; passes {passed}/{len(values)}")

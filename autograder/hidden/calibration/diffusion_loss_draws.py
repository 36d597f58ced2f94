"""Calibration of test_ddpm_loss_draws_t_uniformly_over_all_steps and
test_ddpm_loss_draws_standard_normal_noise.

The tests' own inputs through the reference's ddpm_loss (t and noise drawn by it) over many seeds,
every statistic recorded; then the cheapest fakes of the draws (ddpm_loss rewritten to draw t or
the noise another way), each of which must fail:

    t-in-turn    t = arange(B) % T: exactly uniform counts, not random
    t-shuffled   randperm(B) % T: exactly uniform counts, shuffled
    t-from-1     randint(1, T) (the mutant t-drawn-from-1)
    sign-noise   +-1 noise: mean square exactly 1
    uniform      sqrt(12) (rand - 1/2) noise: mean square about 1
    shared-col   one N(0, 1) value per example for both coordinates
    loss-of-1    the loss of fresh noise instead of the noise inside x_t (a loss that does not use
                 the noise it added)

    nice python autograder/hidden/calibration/diffusion_loss_draws.py 200 > autograder/hidden/calibration/diffusion_loss_draws.txt
"""
import math

import torch
import torch.nn.functional as F
from scipy.stats import chi2 as chi2_dist

from diffusion_common import ReferenceWorker, seeds_from_argv, tests

c = tests.LOSS_DRAWS
ref = tests.ref


def loss_with(draw_t, draw_noise, fresh_target=False):
    def ddpm_loss(model, schedule, x0, t=None, noise=None):
        t = draw_t(x0.shape[0], schedule.T)
        noise = draw_noise(x0)
        x_t = ref.q_sample(schedule, x0, t, noise)
        return F.mse_loss(model(x_t, t), torch.randn_like(x0) if fresh_target else noise)
    return ddpm_loss


randint = lambda B, T: torch.randint(0, T, (B,))  # noqa: E731
randn = torch.randn_like
FAKES = {
    "t-in-turn": loss_with(lambda B, T: torch.arange(B) % T, randn),
    "t-shuffled": loss_with(lambda B, T: torch.randperm(B) % T, randn),
    "t-from-1": loss_with(lambda B, T: torch.randint(1, T, (B,)), randn),
    "sign-noise": loss_with(randint, lambda x0: torch.randn_like(x0).sign()),
    "uniform": loss_with(randint, lambda x0: math.sqrt(12) * (torch.rand_like(x0) - 0.5)),
    "shared-col": loss_with(randint, lambda x0: torch.randn_like(x0[:, :1]).expand_as(x0)),
    "loss-of-1": loss_with(randint, randn, fresh_target=True),
}


def stats(r, betas, x0):
    chi2 = tests.loss_draws_chi2(r["t"], c["T"])
    noise = tests.loss_draws_noise(r, betas, x0)
    ks, corr = tests.normal_noise_stats(noise)
    loss = float(r["loss"])
    return {"chi2": chi2, "loss_dev": abs(loss - 1), "consistency": abs(loss / float(noise.pow(2).mean()) - 1),
            "ks": ks, "corr": corr}


def fails(s):
    return [k for k, bad in [("chi2", not c["chi2_min"] <= s["chi2"] <= c["chi2_max"]),
                             ("loss", s["loss_dev"] > c["noise_tol"]), ("consistency", s["consistency"] > 1e-4),
                             ("KS", s["ks"] > tests.KS_QUANTILE), ("correlation", s["corr"] > tests.CORR_Z_MAX)] if bad]


worker = ReferenceWorker()
seeds = list(seeds_from_argv(200))
rows = []
for seed in seeds:
    torch.manual_seed(seed)
    betas, x0 = tests.loss_draws_inputs()
    rows.append(stats(worker.probe("diffusion.ddpm_loss_draws", betas=betas, x0=x0), betas, x0))
df = c["T"] - 1
se = math.sqrt(2 / (c["B"] * c["d"]))
col = lambda k: [r[k] for r in rows]  # noqa: E731
print(f"{len(seeds)} seeds, {c}")
print(f"chi-square ({df} dof): min {min(col('chi2')):.1f}, max {max(col('chi2')):.1f}, mean "
      f"{sum(col('chi2')) / len(rows):.1f} (theory {df}); bounds [{c['chi2_min']}, {c['chi2_max']}], "
      f"P(outside) = {chi2_dist.cdf(c['chi2_min'], df) + chi2_dist.sf(c['chi2_max'], df):.1e}")
print(f"zero-model loss: max |loss - 1| {max(col('loss_dev')):.4f} ({max(col('loss_dev')) / se:.1f} SE, SE {se:.4f}); "
      f"bound {c['noise_tol']} = {c['noise_tol'] / se:.1f} SE, P = {math.erfc(c['noise_tol'] / se / math.sqrt(2)):.1e}")
print(f"loss against the mean square of the noise inside x_t: largest relative difference {max(col('consistency')):.1e} "
      f"(bound 1e-4)")
print(f"noise sqrt(N) KS: max {max(col('ks')):.2f} (bound {tests.KS_QUANTILE}, P = 1e-6); sqrt(rows) |corr|: max "
      f"{max(col('corr')):.2f} (bound {tests.CORR_Z_MAX}, P = {math.erfc(tests.CORR_Z_MAX / math.sqrt(2)):.1e})")
print(f"failures: {sum(bool(fails(r)) for r in rows)} of {len(rows)}")
pairs = c["d"] * (c["d"] - 1) // 2  # correlations between noise columns
rate = (chi2_dist.cdf(c["chi2_min"], df) + chi2_dist.sf(c["chi2_max"], df) + math.erfc(c["noise_tol"] / se / math.sqrt(2))
        + 1e-6 + pairs * math.erfc(tests.CORR_Z_MAX / math.sqrt(2)))
print(f"false-failure rate per grading run (sum of the tails above; the consistency check is exact): {rate:.1e}; "
      f"distribution-free 95% bound from 0/{len(rows)}: {1 - 0.05 ** (1 / len(rows)):.3f}")
print("\nfakes (20 seeds each), each must fail on every seed:")
probe = tests.probes.ddpm_loss_draws
for name, fake in FAKES.items():
    failed = []
    for seed in seeds[:20]:
        torch.manual_seed(seed)
        betas, x0 = tests.loss_draws_inputs()
        module = type("M", (), {"ddpm_loss": staticmethod(fake), "NoiseSchedule": ref.NoiseSchedule})
        r = tests.to_data(probe(type("G", (), {"diffusion": module}), betas=betas, x0=x0))
        failed.append(fails(stats(r, betas, x0)))
    print(f"  {name:>11}: failed {sum(bool(f) for f in failed)} of {len(failed)}, on {sorted({x for f in failed for x in f})}")

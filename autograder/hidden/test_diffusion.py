"""Hidden tests for unit 07, genlab.diffusion.

Exact checks use injected randomness (t, noise, x_T) and compare with closed forms computed here
in float64, or with the reference solution run here, in the judge, through the very same probe
functions (autograder/hidden/probes/diffusion_hidden.py). Statistical checks draw fresh inputs at
every grading run; each states its bound, its calibration (autograder/hidden/calibration/
diffusion_*.py and .txt) and its false-failure rate.

The samplers are judged without any training: for data x0 ~ N(m, diag(s^2)) the optimal noise
predictor is known in closed form (see the probes), and with it the distribution of what `sample`
and `ddim_sample` return is Gaussian with a mean and variance that can be computed exactly here by
pushing (mean, variance) through the documented update. For DDPM those are m and s^2 (up to
+0.6% in the variance, the known cost of sigma_t^2 = beta_t); DDIM with few steps is biased by
construction (its variance falls short of s^2, by 26% at 20 steps on the linear schedule), so its
samples are compared with that exact prediction, which tends to (m, s^2) as steps grow.
"""
import importlib.util
import math
import types
from pathlib import Path

import pytest
import torch

from autograder.protocol import to_data
from autograder.reference import reference
from autograder.testing import expect_close

ROOT = Path(__file__).resolve().parents[2]
ref = reference("diffusion")
ref_data = reference("data")

_spec = importlib.util.spec_from_file_location("_diffusion_hidden_probes",
                                               ROOT / "autograder" / "hidden" / "probes" / "diffusion_hidden.py")
probes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(probes)


def reference_probe(probe, **kwargs):
    """Run the hidden probe `probe` on the reference implementation, here in the judge."""
    return to_data(getattr(probes, probe)(types.SimpleNamespace(diffusion=ref), **kwargs))


def linear_1000():
    return ref.linear_beta_schedule(1000)


def cosine_1000():
    return ref.cosine_beta_schedule(1000)


def alpha_bars64(betas):
    return torch.cumprod(1 - betas.double(), dim=0)


def per_example(values, t, x):
    """values[t] (float64) reshaped to broadcast against x: (B, 1, ..., 1)."""
    return values[t].reshape(-1, *([1] * (x.dim() - 1)))


def float32_tolerance(betas, t):
    """rtol (and atol) for a value that divides by 1 - alpha_bar_t, at step t.

    Solutions keep their schedule in float32, where 1 - alpha_bar_t near t = 0 carries an absolute
    error of a few ulps of 1 (6e-8 each): relative to 1 - alpha_bar_1 = 2e-4 (linear schedule)
    that is ~1e-3. A mean written through x0_hat and q_posterior divides by it (a correct choice),
    so the tolerance grows as 5e-7 / (1 - alpha_bar_t) near t = 0 and is 1e-5 elsewhere.
    """
    return 1e-5 + 5e-7 / float(1 - alpha_bars64(betas)[t])


def random_elementwise_state(T):
    return {"scale": 0.5 + torch.rand(()), "shift": torch.randn(T)}


# ---- schedules ------------------------------------------------------------------------------------

def test_linear_schedule_alpha_bars_match_published_values(worker):
    # Ho et al.'s schedule: alpha_bar_0 = 0.9999, alpha_bar_499 = 0.0785872, alpha_bar_999 = 4.03583e-5
    # (float64). float32 betas change the products by < 1e-6 relative; rtol 1e-4 leaves room for that
    # and still rejects any other spacing (a linspace of sqrt(beta) gives alpha_bar_499 = 0.333).
    betas = worker.call("diffusion.linear_beta_schedule", 1000)
    assert betas.shape == (1000,) and betas.dtype == torch.float32, f"expected (1000,) float32, got {betas.shape} {betas.dtype}"
    got = alpha_bars64(betas)[[0, 499, 999]]
    want = torch.tensor([0.9999, 0.07858724288, 4.035829765e-5], dtype=torch.float64)
    expect_close(got, want, rtol=1e-4, atol=0.0, hint=(
        f"alpha_bar at t = 0, 499, 999 should be {want.tolist()}, got {got.tolist()}: the betas are "
        "torch.linspace(beta_start, beta_end, T) itself (not a linspace of sqrt(beta), not T + 1 points)."))


@pytest.mark.parametrize("T,beta_start,beta_end", [(7, 1e-3, 0.05), (250, 1e-4, 0.02), (64, 5e-4, 0.3)])
def test_linear_schedule_matches_reference_for_other_T_and_ranges(worker, T, beta_start, beta_end):
    got = worker.call("diffusion.linear_beta_schedule", T, beta_start=beta_start, beta_end=beta_end)
    expect_close(got, ref.linear_beta_schedule(T, beta_start, beta_end), hint=(
        f"linear_beta_schedule({T}, {beta_start}, {beta_end}) differs: T evenly spaced betas, both ends included."))


def test_cosine_schedule_matches_published_values(worker):
    # Nichol & Dhariwal, T = 1000: beta_0 = 4.1284e-5, beta_500 = 0.0031557, beta_999 clipped to 0.999.
    # The tiny beta_0 = 1 - f(1)/f(0) loses digits when computed in float32 (4.1246e-5, 0.09% off):
    # rtol 5e-3 accepts that, while the schedule without the offset s has beta_0 = 2.47e-6.
    # beta_500 without s is 0.0031416 (0.45% off): rtol 1e-3.
    betas = worker.call("diffusion.cosine_beta_schedule", 1000)
    assert betas.shape == (1000,) and betas.dtype == torch.float32, f"expected (1000,) float32, got {betas.shape} {betas.dtype}"
    b0, b500, b999 = (float(betas[i]) for i in (0, 500, 999))
    assert math.isclose(b0, 4.128422e-5, rel_tol=5e-3), (
        f"beta_0 should be 4.1284e-5, got {b0:.5g}: alpha_bar follows cos(((t/T + s)/(1 + s)) * pi/2)^2 with the "
        "offset s = 0.008 (without s, beta_0 is 2.47e-6)")
    assert math.isclose(b500, 0.00315569, rel_tol=1e-3), f"beta_500 should be 0.0031557, got {b500:.6g}"
    assert math.isclose(b999, 0.999, rel_tol=1e-6), (
        f"the last beta should be clipped to max_beta = 0.999, got {b999}: f(T) = 0 makes it exactly 1 otherwise")


@pytest.mark.parametrize("T,kwargs", [(10, {}), (200, {"s": 0.02}), (50, {"max_beta": 0.5})])
def test_cosine_schedule_matches_reference_for_other_T_s_and_max_beta(worker, T, kwargs):
    # atol 1e-6 / rtol 1e-3: a float32 computation of 1 - f(t+1)/f(t) is off by up to ~4e-8 absolute.
    got = worker.call("diffusion.cosine_beta_schedule", T, **kwargs)
    want = ref.cosine_beta_schedule(T, **kwargs)
    expect_close(got, want, rtol=1e-3, atol=1e-6, hint=(
        f"cosine_beta_schedule({T}, {kwargs}) differs from beta_t = min(1 - f(t+1)/f(t), max_beta)."))


# ---- NoiseSchedule --------------------------------------------------------------------------------

def test_noise_schedule_matches_closed_forms_on_random_betas(worker):
    betas = torch.sort(1e-4 + 0.1 * torch.rand(37)).values
    s = worker.probe("diffusion.schedule_tensors", betas=betas)
    assert s["T"] == 37 and isinstance(s["T"], int), f"T should be the int 37, got {s['T']!r}"
    b = betas.double()
    alpha_bars = torch.cumprod(1 - b, dim=0)
    prev = torch.cat([torch.ones(1, dtype=torch.float64), alpha_bars[:-1]])
    want = {"betas": b, "alphas": 1 - b, "alpha_bars": alpha_bars, "alpha_bars_prev": prev,
            "posterior_variance": b * (1 - prev) / (1 - alpha_bars)}
    hints = {"alphas": "alpha_t = 1 - beta_t",
             "alpha_bars": "alpha_bar_t = cumprod of alphas up to and including t",
             "alpha_bars_prev": "alpha_bars_prev = [1, alpha_bar_0, ..., alpha_bar_{T-2}] (shifted right, 1 in front)",
             "posterior_variance": "beta_tilde_t = beta_t * (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t)"}
    for name, value in want.items():
        assert s[name].shape == (37,), f"{name} should have shape (37,), got {tuple(s[name].shape)}"
        expect_close(s[name].double(), value, rtol=1e-5, atol=1e-7, hint=(
            f"NoiseSchedule.{name}: {hints.get(name, 'the betas as given')}."))


def test_alpha_bars_decrease_and_alpha_bars_prev_starts_at_one(worker):
    for betas in (linear_1000(), cosine_1000()):
        s = worker.probe("diffusion.schedule_tensors", betas=betas)
        assert (s["alpha_bars"].diff() < 0).all(), "alpha_bar_t must decrease with t (every step removes signal)"
        assert s["alpha_bars_prev"][0] == 1.0, (
            f"alpha_bars_prev[0] = {float(s['alpha_bars_prev'][0])}: it must be 1 (no noise before the first step)")
        expect_close(s["alpha_bars_prev"][1:], s["alpha_bars"][:-1], hint=(
            "alpha_bars_prev[t] must be alpha_bars[t - 1]: shifted right by one, not left."))


def test_posterior_variance_is_zero_at_t0_and_beta_tilde_elsewhere(worker):
    betas = cosine_1000()
    s = worker.probe("diffusion.schedule_tensors", betas=betas)
    pv = s["posterior_variance"]
    assert pv[0] == 0.0, f"posterior_variance[0] = {float(pv[0])}: beta_0 (1 - alpha_bar_prev_0) / (1 - alpha_bar_0) = 0"
    b = betas.double()
    ab = torch.cumprod(1 - b, dim=0)
    want = b[1:] * (1 - ab[:-1]) / (1 - ab[1:])
    # atol 1e-7: with float32 schedule tensors 1 - alpha_bar_0 = 4.1e-5 keeps only ~3 digits, which
    # moves beta_tilde_1 (2e-5) by ~3e-8.
    expect_close(pv[1:].double(), want, rtol=1e-4, atol=1e-7, hint=(
        "beta_tilde_t = beta_t (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) for t >= 1."))


# ---- q_sample ---------------------------------------------------------------------------------------

def _q_sample_expected(betas, x0, t, noise):
    ab = per_example(alpha_bars64(betas), t, x0)
    return (ab.sqrt() * x0.double() + (1 - ab).sqrt() * noise.double()).float()


def test_q_sample_matches_closed_form_for_mixed_t(worker):
    betas = linear_1000()
    x0, noise = torch.randn(64, 5), torch.randn(64, 5)
    t = torch.randint(0, 1000, (64,))
    t[:3] = torch.tensor([0, 999, 500])
    got = worker.probe("diffusion.q_sample_given", betas=betas, x0=x0, t=t, noise=noise)
    expect_close(got, _q_sample_expected(betas, x0, t, noise), hint=(
        "x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) noise, each example with its own t "
        "(alpha_bar, the running product, not alpha_t)."))


def test_q_sample_broadcasts_t_over_image_dims(worker):
    # B = H = 6, so a (B, 1) coefficient would broadcast silently along H instead of raising.
    betas = linear_1000()
    x0, noise = torch.randn(6, 3, 6, 5), torch.randn(6, 3, 6, 5)
    t = torch.tensor([0, 50, 300, 600, 900, 999])
    got = worker.probe("diffusion.q_sample_given", betas=betas, x0=x0, t=t, noise=noise)
    expect_close(got, _q_sample_expected(betas, x0, t, noise), hint=(
        "for images (B, C, H, W) each example's coefficient must be shaped (B, 1, 1, 1); a (B, 1) "
        "coefficient only works for flat data."))


Q_MOMENTS = dict(t=[0, 10, 250, 700, 999], n=4000, d=8, z_max=5.5, r_max=5.5)


def q_sample_moment_stats(x_t, x0_row, t_values, alpha_bars, n):
    """Per step: z-scores of each coordinate's mean against sqrt(a) x0, and of the variance (pooled
    over coordinates) against 1 - a. Returns (max |z| of means, max |z| of variances)."""
    z_mean, z_var = [], []
    for i, t in enumerate(t_values):
        block = x_t[i * n:(i + 1) * n].double()
        a = alpha_bars[t]
        z_mean.append(((block.mean(0) - a.sqrt() * x0_row.double()) / ((1 - a) / n).sqrt()).abs().max())
        var = ((block - a.sqrt() * x0_row.double()) ** 2).mean()   # known mean: n*d degrees of freedom
        z_var.append(((var / (1 - a) - 1) / math.sqrt(2 / (n * x0_row.numel()))).abs())
    return float(max(z_mean)), float(max(z_var))


def q_sample_moments_inputs():
    c = Q_MOMENTS
    x0_row = torch.randn(c["d"])
    t = torch.tensor(c["t"]).repeat_interleave(c["n"])
    return x0_row, t


def test_q_sample_draws_noise_with_the_right_mean_and_variance(worker):
    """Without injected noise: for 5 steps t, 4,000 draws of x_t from one x0 (8 coordinates).

    Each coordinate's mean must match sqrt(alpha_bar_t) x0 within 5.5 standard errors, and the
    variance (pooled over the 8 coordinates, 32,000 values) 1 - alpha_bar_t within 5.5 standard
    errors (relative SE sqrt(2/32000) = 0.8%). 45 z-scores, each exceeding 5.5 with probability
    3.8e-8 under a correct implementation: false-failure rate < 2e-6 (calibration:
    diffusion_q_sample_moments.py over 200 reference seeds, largest |z| in the .txt).
    """
    betas = linear_1000()
    x0_row, t = q_sample_moments_inputs()
    x0 = x0_row.expand(t.shape[0], -1).clone()
    x_t = worker.probe("diffusion.q_sample_drawn", betas=betas, x0=x0, t=t)
    assert x_t.shape == x0.shape, f"q_sample returns x_t shaped like x0 {tuple(x0.shape)}; got {tuple(x_t.shape)}"
    z_mean, z_var = q_sample_moment_stats(x_t, x0_row, Q_MOMENTS["t"], alpha_bars64(betas), Q_MOMENTS["n"])
    assert z_mean <= Q_MOMENTS["z_max"], (
        f"the mean of x_t is off by {z_mean:.1f} standard errors from sqrt(alpha_bar_t) x0: the noise must be "
        "standard normal (torch.randn_like), centred on zero")
    assert z_var <= Q_MOMENTS["r_max"], (
        f"the variance of x_t is off by {z_var:.1f} standard errors from 1 - alpha_bar_t: the noise is scaled by "
        "sqrt(1 - alpha_bar_t) (a standard deviation), and drawn with torch.randn_like (not rand)")


# ---- predict_x0 and q_posterior -------------------------------------------------------------------

def test_predict_x0_matches_closed_form(worker):
    # Up to t = 999, where 1/sqrt(alpha_bar) = 157 amplifies the float32 rounding of
    # x_t - sqrt(1 - alpha_bar) eps (~1e-7 each): atol 1e-5 + 2e-6 / sqrt(alpha_bar_t) per example.
    betas = linear_1000()
    x_t, eps = torch.randn(8, 2, 3, 3), torch.randn(8, 2, 3, 3)
    t = torch.tensor([0, 1, 10, 100, 400, 700, 950, 999])
    got = worker.probe("diffusion.predict_x0_given", betas=betas, x_t=x_t, t=t, eps=eps)
    assert got.shape == x_t.shape, f"expected shape {tuple(x_t.shape)}, got {tuple(got.shape)}"
    ab = per_example(alpha_bars64(betas), t, x_t)
    want = ((x_t.double() - (1 - ab).sqrt() * eps.double()) / ab.sqrt()).float()
    for i in range(len(t)):
        atol = 1e-5 + 2e-6 / math.sqrt(float(ab[i]))
        expect_close(got[i], want[i], rtol=1e-5, atol=atol, hint=(
            f"x0_hat = (x_t - sqrt(1 - alpha_bar_t) eps) / sqrt(alpha_bar_t), per example (example {i}, t = {int(t[i])}), "
            "broadcast over (C, H, W)."))


@pytest.mark.parametrize("shape", [(12, 4), (12, 2, 4, 4)], ids=["flat", "images"])
def test_q_posterior_matches_closed_form(worker, shape):
    # Betas from 0.01 to 0.3 over 50 steps: with the tiny first betas of the standard schedules,
    # 1 - alpha_bar_0 keeps only 3-4 digits in float32, and every correct float32 solution would be
    # off by up to 0.2% near t = 0. Here the formula is checked at 1e-5.
    betas = torch.linspace(0.01, 0.3, 50)
    x0, x_t = torch.randn(*shape), torch.randn(*shape)
    t = torch.randint(1, 50, (12,))
    t[:3] = torch.tensor([0, 1, 49])
    r = worker.probe("diffusion.q_posterior_given", betas=betas, x0=x0, x_t=x_t, t=t)
    b = betas.double()
    ab = alpha_bars64(betas)
    prev = torch.cat([torch.ones(1, dtype=torch.float64), ab[:-1]])
    B, A, AB, P = (per_example(v, t, x_t) for v in (b, 1 - b, ab, prev))
    mean = B * P.sqrt() / (1 - AB) * x0.double() + (1 - P) * A.sqrt() / (1 - AB) * x_t.double()
    var = (B * (1 - P) / (1 - AB)).expand(shape)
    expect_close(r["mean"].double(), mean, rtol=1e-5, atol=1e-6, hint=(
        "posterior mean = beta_t sqrt(alpha_bar_{t-1}) / (1 - alpha_bar_t) x0 + (1 - alpha_bar_{t-1}) sqrt(alpha_t) / "
        "(1 - alpha_bar_t) x_t (at t = 0 it is x0)."))
    expect_close(r["variance"].double(), var, rtol=1e-5, atol=1e-9, hint=(
        "posterior variance = beta_tilde_t = schedule.posterior_variance[t], per example (0 at t = 0)."))


# ---- ddpm_loss --------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(32, 3), (8, 1, 4, 4)], ids=["flat", "images"])
def test_ddpm_loss_matches_reference_with_given_t_and_noise(worker, shape):
    betas = linear_1000()
    state = random_elementwise_state(1000)
    x0, noise = torch.randn(*shape), torch.randn(*shape)
    t = torch.randint(0, 1000, (shape[0],))
    kwargs = dict(betas=betas, state=state, x0=x0, t=t, noise=noise)
    got = worker.probe("diffusion.ddpm_loss_and_grads", **kwargs)
    want = reference_probe("ddpm_loss_and_grads", **kwargs)
    assert got["loss"].dim() == 0, "ddpm_loss returns a scalar"
    expect_close(got["loss"], want["loss"], hint=(
        "loss = mean over every element of (model(q_sample(x0, t, noise), t) - noise)^2: the model predicts the "
        "noise (not x0), with the given t and noise, averaged (not summed)."))


def test_ddpm_loss_gradients_match_reference(worker):
    betas = linear_1000()
    state = random_elementwise_state(1000)
    x0, noise, t = torch.randn(32, 3), torch.randn(32, 3), torch.randint(0, 1000, (32,))
    kwargs = dict(betas=betas, state=state, x0=x0, t=t, noise=noise)
    got = worker.probe("diffusion.ddpm_loss_and_grads", **kwargs)
    want = reference_probe("ddpm_loss_and_grads", **kwargs)
    for name, w in want["grads"].items():
        g = got["grads"][name]
        assert g is not None, f"no gradient reached the model's {name}: the loss must not be detached"
        expect_close(g, w, hint=f"the loss's gradient with respect to {name} differs.")


LOSS_DRAWS = dict(T=20, B=40000, d=2, chi2_max=63.7, noise_tol=0.03)


def test_ddpm_loss_draws_t_uniformly_over_all_steps(worker):
    """t drawn by ddpm_loss: one per example, a long tensor, uniform over {0, ..., T-1}.

    T = 20, 40,000 examples (2,000 expected per step); Pearson's chi-square with 19 degrees of
    freedom must stay under 63.7, its 1 - 1e-6 quantile: false-failure rate 1e-6 (calibration:
    diffusion_loss_draws.py over 200 reference seeds). Leaving out step 0 or T - 1 puts 2,000
    into the statistic on its own.
    """
    c = LOSS_DRAWS
    r = worker.probe("diffusion.ddpm_loss_draws", betas=torch.linspace(0.01, 0.2, c["T"]), x0=torch.randn(c["B"], c["d"]))
    assert r["n_calls"] == 1, f"ddpm_loss should call the model once per batch, it called it {r['n_calls']} times"
    t = r["t"]
    assert r["dtype"] == "torch.int64" and t.shape == (c["B"],), (
        f"the model must receive a (B,) long tensor of steps, got {r['dtype']} of shape {tuple(t.shape)}")
    assert 0 <= int(t.min()) and int(t.max()) < c["T"], f"t must lie in [0, T), got [{int(t.min())}, {int(t.max())}]"
    chi2 = loss_draws_chi2(t, c["T"])
    counts = torch.bincount(t, minlength=c["T"])
    assert chi2 <= c["chi2_max"], (
        f"t is not uniform over 0..T-1 (chi-square {chi2:.0f} > {c['chi2_max']}; counts per step {counts.tolist()}): "
        "use torch.randint(0, T, (B,)), which includes 0 and excludes T, one t per example")


def loss_draws_chi2(t, T):
    counts = torch.bincount(t, minlength=T).double()
    expected = t.numel() / T
    return float(((counts - expected) ** 2 / expected).sum())


def test_ddpm_loss_draws_standard_normal_noise(worker):
    """With noise drawn by ddpm_loss and a model that predicts 0, the loss is the mean square of the
    drawn noise: 1 for standard normal noise (1/3 for torch.rand). 80,000 values: SE sqrt(2/80000) =
    0.005; the bound 0.03 is 6 SE, false-failure rate 2e-9 (calibration: diffusion_loss_draws.py)."""
    c = LOSS_DRAWS
    r = worker.probe("diffusion.ddpm_loss_draws", betas=torch.linspace(0.01, 0.2, c["T"]), x0=torch.randn(c["B"], c["d"]))
    loss = float(r["loss"])
    assert abs(loss - 1.0) <= c["noise_tol"], (
        f"with a zero model the loss is mean(noise^2), which should be 1 for N(0, 1) noise; got {loss:.4f}. "
        "Draw the noise with torch.randn_like(x0) and average the squared error over every element")


# ---- p_sample -------------------------------------------------------------------------------------

@pytest.mark.parametrize("schedule", ["linear", "cosine"])
@pytest.mark.parametrize("shape", [(16, 3), (5, 2, 4, 4)], ids=["flat", "images"])
def test_p_sample_matches_reference_with_given_noise(worker, schedule, shape):
    # Tolerance float32_tolerance(betas, t): 1e-5 except near t = 0, where a mean written through
    # x0_hat and q_posterior divides by a float32 1 - alpha_bar_t that keeps only 3-4 digits.
    betas = linear_1000() if schedule == "linear" else cosine_1000()
    state = random_elementwise_state(1000)
    for t in (1, 2, 500, 998, 999):
        x_t, noise = torch.randn(*shape), torch.randn(*shape)
        kwargs = dict(betas=betas, state=state, x_t=x_t, t=t, noise=noise)
        got = worker.probe("diffusion.p_sample_given", **kwargs)
        want = reference_probe("p_sample_given", **kwargs)
        tol = float32_tolerance(betas, t)
        expect_close(got, want, rtol=tol, atol=tol, hint=(
            f"p_sample at t = {t} ({schedule} schedule) differs from Algorithm 2: mean = (x_t - beta_t / "
            "sqrt(1 - alpha_bar_t) eps_hat) / sqrt(alpha_t) (alpha_bar under the square root, alpha outside), "
            "plus sqrt(beta_t) * noise."))


def test_p_sample_noise_scale_is_sqrt_beta(worker):
    # Two calls that differ only in the noise differ by sigma_t (noise_1 - noise_2), whatever the mean.
    betas = linear_1000()
    state = random_elementwise_state(1000)
    x_t = torch.randn(16, 3)
    for t in (1, 300, 999):
        n1, n2 = torch.randn(16, 3), torch.randn(16, 3)
        out1 = worker.probe("diffusion.p_sample_given", betas=betas, state=state, x_t=x_t, t=t, noise=n1)
        out2 = worker.probe("diffusion.p_sample_given", betas=betas, state=state, x_t=x_t, t=t, noise=n2)
        sigma = math.sqrt(float(betas[t]))
        expect_close(out1 - out2, sigma * (n1 - n2), rtol=1e-4, atol=1e-6, hint=(
            f"at t = {t} the noise must be scaled by sigma_t = sqrt(beta_t) = {sigma:.4f} (sigma_t^2 = beta_t), "
            f"not by beta_t = {sigma ** 2:.2e} or by sqrt(beta_tilde_t)."))


def test_p_sample_adds_no_noise_at_t0_whatever_noise_is_passed(worker):
    betas = linear_1000()
    state = random_elementwise_state(1000)
    x_t = torch.randn(16, 3)
    want = reference_probe("p_sample_given", betas=betas, state=state, x_t=x_t, t=0, noise=torch.zeros(16, 3))
    tol = float32_tolerance(betas, 0)  # 5e-3: the sqrt(beta_0) noise = 0.01 * 50 * N(0, 1) is far larger
    for noise in (50 * torch.randn(16, 3), 50 * torch.randn(16, 3)):
        got = worker.probe("diffusion.p_sample_given", betas=betas, state=state, x_t=x_t, t=0, noise=noise)
        expect_close(got, want, rtol=tol, atol=tol, hint=(
            "at t = 0 p_sample must return the mean alone: no noise is added at the last step."))


def test_p_sample_calls_model_with_a_long_tensor_of_t(worker):
    r = worker.probe("diffusion.model_calls", betas=torch.linspace(0.01, 0.2, 20), x=torch.randn(7, 2), t=13, steps=5)
    calls = r["p_sample"]
    assert len(calls) == 1, f"p_sample should call the model once, it called it {len(calls)} times"
    assert calls[0]["dtype"] == "torch.int64", f"the model's t must be a long tensor, got {calls[0]['dtype']}"
    assert torch.equal(calls[0]["t"], torch.full((7,), 13)), (
        f"the model's t must be a (B,) tensor filled with the step, got {calls[0]['t']}")


# ---- whole samplers ---------------------------------------------------------------------------------

def test_sample_calls_the_model_at_every_step_from_T_minus_1_down_to_0(worker):
    T = 20
    r = worker.probe("diffusion.model_calls", betas=torch.linspace(0.01, 0.2, T), x=torch.randn(7, 2), t=3, steps=5)
    seen = [int(c["t"][0]) for c in r["sample"]]
    assert seen == list(range(T - 1, -1, -1)), f"sample should visit t = {T - 1}, ..., 0 in that order; it visited {seen}"
    assert all(c["t"].shape == (7,) and c["dtype"] == "torch.int64" for c in r["sample"]), "t must be a (B,) long tensor"


def test_ddim_sample_calls_the_model_steps_times_on_decreasing_t(worker):
    T, steps = 20, 5
    r = worker.probe("diffusion.model_calls", betas=torch.linspace(0.01, 0.2, T), x=torch.randn(7, 2), t=3, steps=steps)
    seen = [int(c["t"][0]) for c in r["ddim"]]
    assert len(seen) == steps, f"ddim_sample with steps={steps} should evaluate the model {steps} times, not {len(seen)}"
    assert all(0 <= a < T for a in seen) and all(a > b for a, b in zip(seen, seen[1:])), (
        f"ddim_sample should walk down a subsequence of 0..T-1; it visited {seen}")
    assert all(c["t"].shape == (7,) and c["dtype"] == "torch.int64" for c in r["ddim"]), "t must be a (B,) long tensor"


def gaussian_problem(d=4):
    """Fresh data parameters: means in [-1.5, 1.5], standard deviations in [0.4, 0.9] except the
    first, in [0.3, 0.4] (a wrong DDIM sigma shows most at small s: +49% variance at s = 0.4 and
    20 steps, +3% at s = 0.65)."""
    s = 0.4 + 0.5 * torch.rand(d)
    s[0] = 0.3 + 0.1 * torch.rand(())
    return 3 * torch.rand(d) - 1.5, s


def ddim_timesteps(T, steps):
    return torch.linspace(T - 1, 0, steps).round().long().tolist()


def sampler_theory(betas, m, s, sampler, steps=None, eta=0.0):
    """Exact mean and variance (float64, per coordinate) of what the documented sampler returns with
    the optimal predictor for N(m, diag(s^2)): every update is affine in x plus independent noise."""
    ab = alpha_bars64(betas)
    m, s2 = m.double(), s.double() ** 2
    mean, var = torch.zeros_like(m), torch.ones_like(m)          # x_T ~ N(0, I)

    def predictor(a):  # eps_hat = c (x - sqrt(a) m),  x0_hat = m + k (x - sqrt(a) m)
        v = a * s2 + 1 - a
        return (1 - a).sqrt() / v, a.sqrt() * s2 / v

    if sampler == "ddpm":
        b = betas.double()
        for t in reversed(range(len(b))):
            c, _ = predictor(ab[t])
            g = b[t] / (1 - ab[t]).sqrt() * c
            coef = (1 - g) / (1 - b[t]).sqrt()                   # x_{t-1} = coef x + shift + sqrt(beta_t) z
            mean = coef * mean + g * ab[t].sqrt() * m / (1 - b[t]).sqrt()
            var = coef ** 2 * var + (b[t] if t > 0 else 0.0)
        return mean, var
    taus = ddim_timesteps(len(betas), steps)
    for i, t in enumerate(taus):
        a = ab[t]
        a_next = ab[taus[i + 1]] if i + 1 < len(taus) else torch.tensor(1.0, dtype=torch.float64)
        c, k = predictor(a)
        sigma2 = eta ** 2 * (1 - a_next) / (1 - a) * (1 - a / a_next)
        coef = a_next.sqrt() * k + (1 - a_next - sigma2).clamp(min=0).sqrt() * c
        mean = a_next.sqrt() * m + coef * (mean - a.sqrt() * m)
        var = coef ** 2 * var + sigma2
    return mean, var


# Sampler statistics: 10,000 samples of 4 coordinates. Each coordinate's mean must lie within
# mean_allowance + z_max standard errors of the expected mean, and its variance within
# var_allowance + r_max standard errors (SE sqrt(2/n) = 1.4%) of the expected variance. The
# allowances cover what a correct solution may do differently: for DDIM another evenly spaced
# subsequence of steps (at 20 steps on this schedule the exact variances differ by up to 2.5%, the
# means by up to 0.005; diffusion_samplers.txt), for DDPM the +0.6% that sigma_t^2 = beta_t adds.
SAMPLERS = dict(n=10000, z_max=5.0, mean_allowance=0.01, r_max=5.0, var_allowance=0.03)


def sampler_stats(samples, mean, var, mean_allowance=None, var_allowance=None):
    """Largest z-scores over coordinates: (|sample mean - mean| - mean_allowance) / SE and
    (|sample variance / var - 1| - var_allowance) / SE, clamped at 0 (defaults: SAMPLERS)."""
    c = SAMPLERS
    mean_allowance = c["mean_allowance"] if mean_allowance is None else mean_allowance
    var_allowance = c["var_allowance"] if var_allowance is None else var_allowance
    x = samples.double()
    n = x.shape[0]
    z_mean = ((x.mean(0) - mean).abs() - mean_allowance).clamp(min=0) / (var / n).sqrt()
    z_var = ((x.var(0) / var - 1).abs() - var_allowance).clamp(min=0) / math.sqrt(2 / (n - 1))
    return float(z_mean.max()), float(z_var.max())


def run_sampler(worker, sampler, steps=None, eta=0.0):
    """Fresh N(m, diag(s^2)), the student's samples, and the exact moments they should have."""
    betas = linear_1000()
    m, s = gaussian_problem()
    samples = worker.probe("diffusion.gaussian_samples", betas=betas, m=m, s=s, n=SAMPLERS["n"], sampler=sampler,
                           steps=steps, eta=eta, timeout=30)
    if sampler == "ddpm":
        mean, var = m.double(), s.double() ** 2
    else:
        mean, var = sampler_theory(betas, m, s, sampler, steps, eta)
    return samples, mean, var


def assert_sampler_moments(samples, mean, var, what, hint):
    n = SAMPLERS["n"]
    assert samples.shape == (n, 4), f"{what}: expected ({n}, 4) samples, got {tuple(samples.shape)}"
    assert torch.isfinite(samples).all(), f"{what}: the samples contain inf or nan"
    z_mean, z_var = sampler_stats(samples, mean, var)
    got_mean, got_var = samples.double().mean(0), samples.double().var(0)
    rounded = lambda v: [round(x, 3) for x in v.tolist()]  # noqa: E731
    assert z_mean <= SAMPLERS["z_max"], (
        f"{what}: the samples' means {rounded(got_mean)} should be {rounded(mean)} (off by {z_mean:.1f} standard "
        f"errors beyond the allowance). {hint}")
    assert z_var <= SAMPLERS["r_max"], (
        f"{what}: the samples' variances {rounded(got_var)} should be {rounded(var)} (off by {z_var:.1f} standard "
        f"errors beyond the allowance). {hint}")


def test_sample_reproduces_gaussian_data_mean_and_variance(worker):
    """DDPM with the optimal noise predictor for x0 ~ N(m, diag(s^2)) (4 coordinates, m in
    [-1.5, 1.5], s in [0.3, 0.9], drawn fresh), 10,000 samples on the linear T = 1000 schedule:
    each coordinate's mean within 0.01 + 5 SE of m, its variance within 3% + 5 SE of s^2 (see
    SAMPLERS). 8 z-scores, each above 5 with probability 5.7e-7 under a correct sampler:
    false-failure rate < 5e-6 (calibration: diffusion_samplers.py over 60 reference seeds; the .txt
    has the largest z-scores seen, before and after the allowances).
    """
    assert_sampler_moments(*run_sampler(worker, "ddpm"), what="DDPM", hint=(
        "Check p_sample's mean and sigma_t = sqrt(beta_t), and that sample starts from N(0, I) and visits every "
        "step from T - 1 down to 0"))


@pytest.mark.parametrize("steps", [20, 100])
def test_ddim_deterministic_reproduces_gaussian_moments(worker, steps):
    """DDIM, eta = 0, as the DDPM test but against the exact moments of the documented update (DDIM
    with few steps is biased: at 20 steps its variance is ~26% below s^2). False-failure rate
    < 5e-6 (calibration: diffusion_samplers.py over 60 reference seeds)."""
    assert_sampler_moments(*run_sampler(worker, "ddim", steps=steps, eta=0.0), what=f"DDIM ({steps} steps, eta = 0)",
                           hint=("Each update is x = sqrt(a') x0_hat + sqrt(1 - a') eps_hat with a, a' the alpha_bars "
                                 "of this step and of the next one in the subsequence (a' = 1 after the last)"))


@pytest.mark.parametrize("steps", [20, 100])
def test_ddim_stochastic_reproduces_gaussian_moments(worker, steps):
    """DDIM, eta = 1, against the exact moments of the documented update. False-failure rate < 5e-6
    (calibration: diffusion_samplers.py over 60 reference seeds)."""
    assert_sampler_moments(*run_sampler(worker, "ddim", steps=steps, eta=1.0), what=f"DDIM ({steps} steps, eta = 1)",
                           hint=("With eta > 0: sigma = eta sqrt((1 - a')/(1 - a)) sqrt(1 - a/a'), the direction term is "
                                 "sqrt(1 - a' - sigma^2) eps_hat (minus sigma^2), and sigma z is added with fresh z at "
                                 "every step"))


def test_ddim_eta0_is_deterministic_given_x_T(worker):
    m, s = gaussian_problem()
    r = worker.probe("diffusion.ddim_from_x_T", betas=linear_1000(), m=m, s=s, x_T=torch.randn(64, 4), steps=25)
    expect_close(r["second"], r["first"], rtol=0, atol=0, hint=(
        "DDIM with eta = 0 must add no noise: the same x_T must give the same x_0."))


@pytest.mark.parametrize("clip_x0", [None, 0.5])
def test_ddim_with_every_step_matches_reference_given_x_T(worker, clip_x0):
    # steps = T leaves no choice of subsequence, so the result is fixed by x_T. A short schedule
    # (T = 40, betas 1e-3 to 0.2) keeps alpha_bar_{T-1} = 0.02 away from 0; atol 1e-4 covers float32
    # rounding in another order over 40 steps. With clip_x0 = 0.5 and |m_0| >= 1 the clamp acts on
    # coordinate 0 at every step, not only at the last (where it would not show whether eps_hat
    # is recomputed).
    betas = torch.linspace(1e-3, 0.2, 40)
    m, s = gaussian_problem()
    m[0] = (1 + 0.5 * torch.rand(())) * (1 if torch.rand(()) < 0.5 else -1)
    kwargs = dict(betas=betas, m=m, s=s, x_T=torch.randn(64, 4), steps=40, eta=0.0, clip_x0=clip_x0)
    got = worker.probe("diffusion.ddim_from_x_T", **kwargs)["first"]
    want = reference_probe("ddim_from_x_T", **kwargs)["first"]
    expect_close(got, want, rtol=1e-4, atol=1e-4, hint=(
        f"deterministic DDIM over every step (clip_x0={clip_x0}) differs from the reference given x_T: "
        "x = sqrt(a') x0_hat + sqrt(1 - a' - sigma^2) eps_hat with a' = 1 after the last step"
        + ("; with clip_x0, clamp x0_hat and recompute eps_hat from it" if clip_x0 else "") + "."))


# ---- the denoiser ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dim", [32, 6])
def test_time_embedding_matches_formula(worker, dim):
    # atol 2e-4: at t ~ 1000 a float32 frequency (exp(-log(10000) i/h) or 10000 ** (-i/h)) moves the
    # argument of sin/cos by up to ~1e-4.
    t = torch.randint(0, 1000, (40,))
    t[0] = 0
    got = worker.call("diffusion.sinusoidal_time_embedding", t, dim)
    h = dim // 2
    freqs = 10000.0 ** (-torch.arange(h, dtype=torch.float64) / h)
    args = t.double()[:, None] * freqs
    want = torch.cat([args.sin(), args.cos()], dim=1).float()
    assert got.shape == (40, dim), f"expected shape (40, {dim}), got {tuple(got.shape)}"
    expect_close(got, want, rtol=0, atol=2e-4, hint=(
        "emb[:, i] = sin(t w_i) and emb[:, h + i] = cos(t w_i) with w_i = 10000^(-i/h), h = dim/2: all sines "
        "first, then all cosines."))


# ---- Project 4: a trained denoiser ----------------------------------------------------------------

PROJECT = dict(steps=2000, batch=256, T=100, hidden=128, time_dim=32, lr=5e-3, n_samples=2000)
NEAR = 0.3            # "near a mode": within 3 standard deviations (std = 0.1) of its centre
MIN_PER_MODE = 20     # a mode is covered when >= 1% of the samples (8% of its fair share) are near it
MIN_MODES = 7
MIN_NEAR_FRACTION = 0.5


def mode_coverage(samples, centers, radius):
    """(number of centres with >= MIN_PER_MODE samples within radius, fraction of samples within
    radius of some centre)."""
    dist, nearest = torch.cdist(samples, centers).min(dim=1)
    near = dist < radius
    counts = torch.bincount(nearest[near], minlength=len(centers))
    return int((counts >= MIN_PER_MODE).sum()), near.float().mean().item()


def project_run(worker):
    """Train in the worker with the student's MLPDenoiser, ddpm_loss and sample; return the result
    and (modes covered, near fraction)."""
    c = PROJECT
    batches = ref_data.eight_gaussians(c["steps"] * c["batch"]).view(c["steps"], c["batch"], 2)
    r = worker.probe("diffusion.train_on_eight_gaussians", batches=batches, betas=ref.cosine_beta_schedule(c["T"]),
                     hidden=c["hidden"], time_dim=c["time_dim"], lr=c["lr"], n_samples=c["n_samples"], timeout=90)
    return r, mode_coverage(r["samples"], ref_data.eight_gaussian_centers(), NEAR)


def test_project_mlp_denoiser_learns_the_eight_gaussians(worker):
    """MLPDenoiser(2, 128, 32) trained 2,000 Adam steps (batch 256, lr 5e-3 decaying to 0) with
    ddpm_loss on the eight-Gaussians ring, cosine schedule T = 100; then 2,000 DDPM samples.

    Passes when >= 7 of the 8 modes each hold >= 1% of the samples within 0.3 (3 std) of the
    centre, and >= 50% of all samples ("most") are that close to some centre. Calibrated on the
    reference over 300 seeds (autograder/hidden/calibration/diffusion_eight_gaussians.py and .txt):
    0 failures; every run covered all 8 modes with >= 173 samples near the emptiest one (bound 20),
    and the near fraction was 0.886 at worst (mean 0.948, sd 0.010; bound 0.5). False-failure rate:
    below 1% at 95% confidence from the count alone; the margins (> 40 sd) put it far lower unless
    training stalls, which never happened at this learning rate (at lr 2e-3 some runs stalled
    near 0.4, which is why lr is 5e-3).
    """
    r, (modes, near) = project_run(worker)
    assert torch.isfinite(r["samples"]).all(), "the samples contain inf or nan"
    assert modes >= MIN_MODES and near >= MIN_NEAR_FRACTION, (
        f"after 2,000 training steps the denoiser's samples cover {modes} of 8 modes and {near:.0%} lie near one "
        f"(need >= {MIN_MODES} and >= {MIN_NEAR_FRACTION:.0%}); the training loss went from {r['first_loss']:.3f} "
        f"to {r['last_loss']:.3f}. Check that ddpm_loss targets the noise, that MLPDenoiser uses the time "
        "embedding, and that sample runs p_sample from T - 1 down to 0.")

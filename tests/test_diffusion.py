"""Public tests for unit 07 (genlab.diffusion): schedules, the forward process, one reverse step,
the samplers' plumbing and the denoiser's shapes.

Run them with `pytest tests/test_diffusion.py`. They test $GENLAB_IMPL (your starter/ by default).
Each test asks the `worker` for data from your code and checks it here; the probes it names are in
tests/probes/diffusion.py.
"""
import math

import torch

from autograder.testing import expect_close


def small_betas(T=20):
    """A short schedule with betas from 0.01 to 0.3: every step matters."""
    return torch.linspace(0.01, 0.3, T)


# ---- schedules ----------------------------------------------------------------------------------

def test_linear_schedule_spans_beta_start_to_beta_end(worker):
    betas = worker.call("diffusion.linear_beta_schedule", 10, beta_start=0.001, beta_end=0.1)
    assert betas.shape == (10,) and betas.dtype == torch.float32, f"expected (10,) float32, got {tuple(betas.shape)} {betas.dtype}"
    expect_close(betas[[0, -1]], torch.tensor([0.001, 0.1]),
                 hint="both ends are included: betas[0] = beta_start, betas[-1] = beta_end")
    expect_close(betas.diff(), torch.full((9,), 0.011), hint="the betas are evenly spaced")


def test_cosine_schedule_is_clipped_at_max_beta(worker):
    betas = worker.call("diffusion.cosine_beta_schedule", 1000)
    assert betas.shape == (1000,) and betas.dtype == torch.float32, f"expected (1000,) float32, got {tuple(betas.shape)} {betas.dtype}"
    assert (betas > 0).all(), "every beta must be positive"
    expect_close(betas[-1], torch.tensor(0.999), hint=(
        "f(T) = 0 makes the last beta 1; it must be clipped to max_beta = 0.999"))
    assert (betas <= 0.999).all(), f"the largest beta is {betas.max().item()}: clip every beta at max_beta = 0.999"


def test_noise_schedule_attributes_follow_from_betas(worker):
    betas = small_betas()
    s = worker.probe("diffusion.schedule_tensors", betas=betas)
    assert s["T"] == 20, f"T is the number of betas, 20; got {s['T']}"
    alpha_bars = torch.cumprod(1 - betas, dim=0)
    expect_close(s["alphas"], 1 - betas, hint="alphas = 1 - betas")
    expect_close(s["alpha_bars"], alpha_bars, hint="alpha_bar_t is the running product of alphas")
    assert s["alpha_bars_prev"][0] == 1.0, "alpha_bars_prev[0] must be 1: before the first step the data is clean"
    expect_close(s["alpha_bars_prev"][1:], alpha_bars[:-1],
                 hint="alpha_bars_prev[t] = alpha_bars[t - 1]: shifted one place to the right")
    assert s["posterior_variance"][0] == 0.0, "beta_tilde_0 = beta_0 * (1 - 1) / (1 - alpha_bar_0) = 0"


# ---- forward process ----------------------------------------------------------------------------

def test_q_sample_without_noise_scales_x0_by_sqrt_alpha_bar(worker):
    betas, x0 = small_betas(), torch.randn(3, 4)
    t = torch.tensor([0, 7, 19])
    r = worker.probe("diffusion.forward_process", betas=betas, x0=x0, t=t, noise=torch.zeros(3, 4))
    alpha_bars = torch.cumprod(1 - betas, dim=0)
    expect_close(r["x_t"], alpha_bars[t].sqrt()[:, None] * x0, hint=(
        "with zero noise x_t = sqrt(alpha_bar_t) * x0, each example with its own t"))


def test_q_sample_uses_the_given_noise(worker):
    betas, x0, noise = small_betas(), torch.randn(3, 4), torch.randn(3, 4)
    t = torch.tensor([2, 2, 2])
    r = worker.probe("diffusion.forward_process", betas=betas, x0=x0, t=t, noise=noise)
    alpha_bar = torch.cumprod(1 - betas, dim=0)[2]
    expect_close(r["x_t"], alpha_bar.sqrt() * x0 + (1 - alpha_bar).sqrt() * noise, hint=(
        "x_t = sqrt(alpha_bar_t) * x0 + sqrt(1 - alpha_bar_t) * noise, with the noise passed in"))


def test_predict_x0_inverts_q_sample(worker):
    betas, x0, noise = small_betas(), torch.randn(5, 2, 3, 3), torch.randn(5, 2, 3, 3)
    t = torch.tensor([0, 3, 9, 15, 19])
    r = worker.probe("diffusion.forward_process", betas=betas, x0=x0, t=t, noise=noise)
    assert r["x_t"].shape == (5, 2, 3, 3), "t must broadcast over all of x0's other dimensions"
    expect_close(r["x0_hat"], x0, hint="predict_x0(q_sample(x0, t, eps), t, eps) must give x0 back")


def test_q_posterior_at_t0_is_x0_with_zero_variance(worker):
    betas, x0, noise = small_betas(), torch.randn(4, 3), torch.randn(4, 3)
    r = worker.probe("diffusion.forward_process", betas=betas, x0=x0, t=torch.zeros(4, dtype=torch.long), noise=noise)
    expect_close(r["mean"], x0, hint="at t = 0 (alpha_bar_prev = 1) the posterior mean is x0")
    expect_close(torch.broadcast_to(r["variance"], (4, 3)), torch.zeros(4, 3), hint=(
        "beta_tilde_0 = beta_0 * (1 - alpha_bar_prev_0) / (1 - alpha_bar_0) = 0 since alpha_bar_prev_0 = 1"))


# ---- loss ---------------------------------------------------------------------------------------

def test_ddpm_loss_of_a_zero_model_is_the_mean_squared_noise(worker):
    betas, x0, noise = small_betas(), torch.randn(8, 3), torch.randn(8, 3)
    loss = worker.probe("diffusion.ddpm_loss_fixed_output", betas=betas, x0=x0, t=torch.arange(8),
                        noise=noise, output=None)
    assert loss.dim() == 0, "the loss is a scalar"
    expect_close(loss, noise.pow(2).mean(), hint=(
        "the target is the noise, and the squared error is averaged over every element"))


def test_ddpm_loss_is_zero_when_the_model_predicts_the_noise(worker):
    betas, x0, noise = small_betas(), torch.randn(8, 3), torch.randn(8, 3)
    loss = worker.probe("diffusion.ddpm_loss_fixed_output", betas=betas, x0=x0, t=torch.arange(8),
                        noise=noise, output=noise)
    expect_close(loss, torch.tensor(0.0), hint="the model's output is compared with the noise, not x0")


# ---- reverse process ----------------------------------------------------------------------------

def test_p_sample_with_a_zero_model(worker):
    # eps_hat = 0, so x_{t-1} = x_t / sqrt(alpha_t) + sqrt(beta_t) * noise.
    betas, x_t, noise = small_betas(), torch.randn(6, 3), torch.randn(6, 3)
    out = worker.probe("diffusion.p_sample_zero_model", betas=betas, x_t=x_t, t=10, noise=noise)
    expect_close(out, x_t / (1 - betas[10]).sqrt() + betas[10].sqrt() * noise, hint=(
        "with eps_hat = 0: mean = x_t / sqrt(alpha_t), plus sigma_t * noise with sigma_t = sqrt(beta_t)"))


def test_p_sample_adds_no_noise_at_t0(worker):
    betas, x_t = small_betas(), torch.randn(6, 3)
    out = worker.probe("diffusion.p_sample_zero_model", betas=betas, x_t=x_t, t=0, noise=100 * torch.randn(6, 3))
    expect_close(out, x_t / (1 - betas[0]).sqrt(), hint=(
        "at t = 0 p_sample returns the mean: no noise is added at the last step, whatever noise is passed"))


def test_samplers_shapes_and_deterministic_ddim(worker):
    x_T = torch.randn(16, 2)
    r = worker.probe("diffusion.samplers_zero_model", betas=small_betas(), x_T=x_T, steps=5)
    for key in ("ddpm", "ddpm_drawn", "ddim"):
        assert r[key].shape == (16, 2), f"{key}: expected shape (16, 2), got {tuple(r[key].shape)}"
        assert torch.isfinite(r[key]).all(), f"{key}: the samples are not finite"
    expect_close(r["ddim_again"], r["ddim"], hint="DDIM with eta = 0 is deterministic given x_T")
    assert r["ddim_clipped"].abs().max() <= 0.5 + 1e-6, (
        "with clip_x0 = 0.5 every x0_hat is clamped to [-0.5, 0.5], and the last step returns x0_hat")


# ---- the denoiser -------------------------------------------------------------------------------

def test_time_embedding_shape_and_values_at_t0(worker):
    emb = worker.call("diffusion.sinusoidal_time_embedding", torch.tensor([0, 1, 500]), 16)
    assert emb.shape == (3, 16) and emb.dtype == torch.float32, f"expected (3, 16) float32, got {tuple(emb.shape)} {emb.dtype}"
    expect_close(emb[0], torch.cat([torch.zeros(8), torch.ones(8)]),
                 hint="at t = 0 the sines (first half) are 0 and the cosines (second half) 1")
    expect_close(emb[1, [0, 8]], torch.tensor([math.sin(1.0), math.cos(1.0)]),
                 hint="the first frequency is 1: emb[t, 0] = sin(t), emb[t, h] = cos(t)")


def test_mlp_denoiser_shapes_and_time_dependence(worker):
    x = torch.randn(10, 2)
    t = torch.full((10,), 3)
    r = worker.probe("diffusion.denoiser_outputs", data_dim=2, hidden=64, time_dim=16, x=x, t=t,
                     t_other=torch.full((10,), 80))
    assert r["out"].shape == (10, 2), "the model predicts noise shaped like its input"
    assert not torch.allclose(r["out"], r["other"]), "the prediction must depend on t (through the time embedding)"
    assert not r["params_without_grad"], f"no gradient reached {r['params_without_grad']}"


def test_mlp_denoiser_has_the_documented_layout_and_forward(worker):
    # Project 4's judge loads your trained weights into its own copy of this network: the names,
    # the shapes and the function must be the documented ones.
    D, H, E = 3, 16, 8
    shapes = {"time_mlp.0.weight": [H, E], "time_mlp.0.bias": [H], "time_mlp.2.weight": [H, H], "time_mlp.2.bias": [H],
              "inp.weight": [H, D], "inp.bias": [H], "net.1.weight": [H, H], "net.1.bias": [H],
              "net.3.weight": [H, H], "net.3.bias": [H], "net.5.weight": [D, H], "net.5.bias": [D]}
    state = {k: torch.randn(*s) / math.sqrt(s[-1]) for k, s in shapes.items()}
    x, t = torch.randn(5, D), torch.tensor([0, 3, 17, 50, 99])
    r = worker.probe("diffusion.denoiser_with_weights", data_dim=D, hidden=H, time_dim=E, state=state, x=x, t=t)
    missing = sorted(set(shapes) - set(r["shapes"]))
    extra = sorted(set(r["shapes"]) - set(shapes))
    assert not missing and not extra, (
        f"MLPDenoiser's state_dict should hold exactly the documented entries; missing {missing}, unexpected {extra}")
    wrong = {k: v for k, v in r["shapes"].items() if v != shapes[k]}
    assert not wrong, f"these entries have the wrong shape (data_dim={D}, hidden={H}, time_dim={E}): {wrong}"
    freqs = 10000.0 ** (-torch.arange(E // 2) / (E // 2))
    emb = torch.cat([torch.sin(t[:, None] * freqs), torch.cos(t[:, None] * freqs)], dim=1)
    lin = lambda h, name: h @ state[f"{name}.weight"].T + state[f"{name}.bias"]  # noqa: E731
    h = lin(x, "inp") + lin(torch.nn.functional.silu(lin(emb, "time_mlp.0")), "time_mlp.2")
    for name in ("net.1", "net.3", "net.5"):
        h = lin(torch.nn.functional.silu(h), name)
    expect_close(r["out"], h, rtol=1e-4, atol=1e-5, hint=(
        "with the given weights, forward must be: h = inp(x) + time_mlp(emb(t)) (time_mlp = Linear, SiLU, Linear), "
        "then SiLU, net.1, SiLU, net.3, SiLU, net.5"))

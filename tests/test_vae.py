"""Public tests for unit 02 (genlab.vae): shapes, closed forms, gradients, finiteness.

Run them with `pytest tests/test_vae.py`. They test $GENLAB_IMPL (your starter/ by default).
Each test asks the `worker` for data from your code and checks it here; the probes it names
are in tests/probes/vae.py.
"""
import math

import torch
import torch.nn.functional as F

from autograder.testing import expect_close


# ---- reparameterize -----------------------------------------------------------------------------

def test_reparameterize_returns_the_latent_shape(worker):
    mu, logvar = torch.randn(16, 3), torch.randn(16, 3)
    z = worker.call("vae.reparameterize", mu, logvar)
    assert z.shape == (16, 3), f"z has the shape of mu, (B, L) = (16, 3); got {tuple(z.shape)}"


def test_reparameterize_uses_the_given_noise(worker):
    mu, logvar, eps = torch.randn(16, 3), torch.randn(16, 3), torch.randn(16, 3)
    z = worker.call("vae.reparameterize", mu, logvar, eps=eps)
    expect_close(z, mu + eps * torch.exp(0.5 * logvar), hint="z should be mu + eps * exp(0.5 * logvar) with the eps passed in")


def test_reparameterize_gradients_are_one_and_half_z_minus_mu(worker):
    mu, logvar = torch.randn(64, 4), torch.randn(64, 4)
    r = worker.probe("vae.reparameterize_grads", mu=mu, logvar=logvar)
    expect_close(r["dmu"], torch.ones_like(mu), hint="dz/dmu should be 1")
    expect_close(r["dlogvar"], 0.5 * (r["z"] - mu), hint="dz/dlogvar should be 0.5 * eps * std = 0.5 * (z - mu)")


# ---- gaussian_kl --------------------------------------------------------------------------------

def test_gaussian_kl_is_zero_for_the_prior(worker):
    kl = worker.call("vae.gaussian_kl", torch.zeros(5, 8), torch.zeros(5, 8))
    expect_close(kl, torch.zeros(5), hint="KL(N(0, 1) || N(0, 1)) = 0: each term mu^2 + exp(logvar) - 1 - logvar is 0")


def test_gaussian_kl_is_half_per_dimension_at_unit_mean(worker):
    # KL(N(1, 1) || N(0, 1)) = 0.5 per dimension; 8 dimensions summed give 4.
    kl = worker.call("vae.gaussian_kl", torch.ones(5, 8), torch.zeros(5, 8))
    expect_close(kl, torch.full((5,), 4.0), hint="expected 0.5 per latent dimension, summed (not averaged) over them")


def test_gaussian_kl_of_a_wider_gaussian(worker):
    # KL(N(0, e^2) || N(0, 1)) = 0.5 * (e^2 - 1 - 2) per dimension.
    kl = worker.call("vae.gaussian_kl", torch.zeros(2, 3), torch.full((2, 3), 2.0))
    expect_close(kl, torch.full((2,), 3 * 0.5 * (math.exp(2.0) - 3.0)), hint=(
        "with logvar = 2 each dimension gives 0.5 * (e^2 - 1 - 2): is the variance exp(logvar) "
        "(not exp(0.5 * logvar)) and is - logvar there?"))


def test_gaussian_kl_is_never_negative(worker):
    kl = worker.call("vae.gaussian_kl", 3 * torch.randn(100, 6), 3 * torch.randn(100, 6))
    assert kl.shape == (100,), f"one KL per example, (B,) = (100,); got {tuple(kl.shape)}"
    assert (kl >= 0).all(), "a KL divergence is never negative: check the sign of each term"


# ---- bernoulli_nll and vae_loss -----------------------------------------------------------------

def test_bernoulli_nll_at_one_half_is_d_log_2(worker):
    nll = worker.call("vae.bernoulli_nll", torch.full((4, 64), 0.5), torch.rand(4, 64).round())
    expect_close(nll, torch.full((4,), 64 * math.log(2)), hint="expected the cross-entropy summed (not averaged) over the 64 pixels")


def test_bernoulli_nll_is_finite_at_saturated_probabilities(worker):
    # Two confidently wrong pixels, then two confidently right ones.
    x_recon = torch.tensor([[0.0, 1.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
    x = torch.tensor([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
    nll = worker.call("vae.bernoulli_nll", x_recon, x)
    assert torch.isfinite(nll).all(), f"got {nll.tolist()}: log(0) must be clamped, the result must stay finite"
    # The docstring: at least 10 nats per confidently wrong pixel, under 1e-4 per right one.
    assert nll[0].item() >= 20, f"got {nll[0].item():.3g} for two confidently wrong pixels: each must cost at least 10 nats"
    assert nll[1].abs().item() < 2e-4, f"got {nll[1].item():.3g} for four confidently right pixels: they cost (almost) nothing"


def test_bernoulli_nll_sums_the_last_axis_of_any_shape(worker):
    x_recon, x = torch.rand(3, 4, 16).clamp(0.05, 0.95), torch.rand(3, 4, 16)  # grey levels, not only 0/1
    nll = worker.call("vae.bernoulli_nll", x_recon, x)
    expected = -(x * x_recon.log() + (1 - x) * (1 - x_recon).log()).sum(-1)
    expect_close(nll, expected, hint=(
        "the cross-entropy summed over the LAST axis only, for any leading dimensions ((k, B, D) in iwae_bound)"))


def test_vae_loss_at_known_values(worker):
    B, D, L = 8, 64, 2
    x_recon, x = torch.full((B, D), 0.5), torch.rand(B, D)
    mu, logvar = torch.ones(B, L), torch.zeros(B, L)
    loss = worker.call("vae.vae_loss", x_recon, x, mu, logvar, beta=3.0)
    assert loss.dim() == 0, "the loss is a scalar: the batch mean"
    # nll = D ln 2 per example for any x at 0.5; KL = 0.5 per dimension.
    expect_close(loss, torch.tensor(D * math.log(2) + 3.0 * 0.5 * L), hint=(
        f"expected D ln 2 + beta * 0.5 * L = {D * math.log(2) + 3.0 * 0.5 * L:.4f}: the batch MEAN of "
        "nll + beta * KL (beta weighs the KL only)"))


# ---- the model ----------------------------------------------------------------------------------

def test_vae_shapes_ranges_and_parameter_count(worker):
    x, z = torch.rand(10, 64), torch.randn(10, 2)
    r = worker.probe("vae.vae_model", input_dim=64, hidden_dim=32, latent_dim=2, x=x, z=z)
    assert r["mu"].shape == (10, 2) and r["logvar"].shape == (10, 2), "encode(x) returns (mu, logvar), each (B, latent_dim)"
    x_recon, mu, logvar = r["forward"]
    assert x_recon.shape == (10, 64) and mu.shape == (10, 2) and logvar.shape == (10, 2), (
        "forward(x) returns (x_recon (B, input_dim), mu, logvar (B, latent_dim))")
    assert r["decoded"].shape == (10, 64), "decode(z) returns (B, input_dim)"
    assert ((r["decoded"] >= 0) & (r["decoded"] <= 1)).all(), "decode returns probabilities: end it with a sigmoid"
    # encoder 64*32+32 + 32*32+32, heads 2*(32*2+2), decoder 2*32+32 + 32*32+32 + 32*64+64
    assert r["n_params"] == 2080 + 1056 + 132 + 96 + 1056 + 2112, (
        f"{r['n_params']} parameters: the layers differ from the documented architecture")
    assert r["latent_dim"] == 2, "store self.latent_dim (sample() reads it)"



def documented_layout(D, H, L):
    """The VAE docstring's state_dict: every parameter's name and shape."""
    return {"encoder.0.weight": [H, D], "encoder.0.bias": [H], "encoder.2.weight": [H, H], "encoder.2.bias": [H],
            "fc_mu.weight": [L, H], "fc_mu.bias": [L], "fc_logvar.weight": [L, H], "fc_logvar.bias": [L],
            "decoder.0.weight": [H, L], "decoder.0.bias": [H], "decoder.2.weight": [H, H], "decoder.2.bias": [H],
            "decoder.4.weight": [D, H], "decoder.4.bias": [D]}


def test_vae_state_dict_has_the_documented_names_and_shapes(worker):
    expected = documented_layout(64, 32, 2)
    got = worker.probe("vae.vae_state_shapes", input_dim=64, hidden_dim=32, latent_dim=2)
    missing, extra = sorted(set(expected) - set(got)), sorted(set(got) - set(expected))
    assert not missing and not extra, (f"your VAE's state_dict has no key(s) {missing} and extra key(s) {extra}: "
                                       "the VAE docstring names every parameter (nn.Sequential for the encoder and "
                                       "decoder, with the ReLUs and the Sigmoid as modules, gives these names)")
    wrong = {name: got[name] for name in expected if got[name] != expected[name]}
    assert not wrong, f"parameters of the wrong shape: {wrong}; documented: {[(n, expected[n]) for n in wrong]}"


def test_vae_encode_and_decode_with_given_weights(worker):
    D, H, L = 64, 32, 2
    w = {name: 0.3 * torch.randn(shape) for name, shape in documented_layout(D, H, L).items()}
    x, z = torch.rand(5, D), torch.randn(5, L)
    r = worker.probe("vae.vae_with_weights", state=w, x=x, z=z)
    # The documented architecture, written out with these weights.
    h = F.relu(F.linear(F.relu(F.linear(x, w["encoder.0.weight"], w["encoder.0.bias"])), w["encoder.2.weight"], w["encoder.2.bias"]))
    expect_close(r["mu"], F.linear(h, w["fc_mu.weight"], w["fc_mu.bias"]), hint=(
        "mu = fc_mu(relu(encoder.2(relu(encoder.0(x))))): ReLU after both encoder layers, no activation on the heads"))
    expect_close(r["logvar"], F.linear(h, w["fc_logvar.weight"], w["fc_logvar.bias"]), hint=(
        "logvar = fc_logvar(h) with the same h as mu, no activation (logvar may be negative)"))
    g = F.relu(F.linear(F.relu(F.linear(z, w["decoder.0.weight"], w["decoder.0.bias"])), w["decoder.2.weight"], w["decoder.2.bias"]))
    expect_close(r["decoded"], torch.sigmoid(F.linear(g, w["decoder.4.weight"], w["decoder.4.bias"])), hint=(
        "decode(z) = sigmoid(decoder.4(relu(decoder.2(relu(decoder.0(z)))))): ReLU after the first two layers, "
        "a sigmoid at the end"))

def test_sample_and_interpolate(worker):
    z, x_a, x_b = torch.randn(6, 2), torch.rand(64), torch.rand(64)
    r = worker.probe("vae.sample_and_interpolate", input_dim=64, hidden_dim=32, latent_dim=2,
                     n=6, z=z, x_a=x_a, x_b=x_b, steps=5)
    assert r["drawn"].shape == (6, 64), "sample(model, n) returns (n, input_dim)"
    expect_close(r["given"], r["decode_z"], hint="sample(model, n, z) should decode z as given")
    assert r["path"].shape == (5, 64), "interpolate returns (steps, input_dim)"
    expect_close(r["path"][0], r["decode_mu_a"], hint="the path starts at decode(mu_a)")
    expect_close(r["path"][-1], r["decode_mu_b"], hint="the path ends at decode(mu_b)")
    expect_close(r["path"], r["decode_line"], hint=(
        "row i decodes (1 - t_i) * mu_a + t_i * mu_b with t = linspace(0, 1, steps), between the encoded MEANS"))


def test_iwae_bound_shape_and_sign(worker):
    bound = worker.probe("vae.iwae", input_dim=64, hidden_dim=32, latent_dim=2, x=torch.rand(7, 64), k=5)
    assert bound.shape == (7,), f"one bound per example, (B,) = (7,); got {tuple(bound.shape)}"
    assert torch.isfinite(bound).all() and (bound < 0).all(), "a log-likelihood bound on [0,1] data is negative"


def test_iwae_bound_is_logsumexp_of_the_log_weights_minus_log_k(worker):
    B, L, k = 5, 2, 6
    x, eps = torch.rand(B, 64), torch.randn(k, B, L)
    r = worker.probe("vae.iwae_given_noise", input_dim=64, hidden_dim=32, latent_dim=L, x=x, k=k, eps=eps)
    # The judge's own log-weights, from your encoder's (mu, logvar) and your decoder at z = mu + eps * std.
    mu, logvar, x_recon = r["mu"], r["logvar"], r["x_recon"]                    # (B, L), (B, L), (k, B, 64)
    z = mu + eps * torch.exp(0.5 * logvar)
    log_px_z = (x * x_recon.clamp_min(1e-30).log() + (1 - x) * (1 - x_recon).clamp_min(1e-30).log()).sum(-1)
    log_pz = -0.5 * z.pow(2).sum(-1)
    log_qz = -0.5 * (eps.pow(2) + logvar).sum(-1)
    expected = torch.logsumexp(log_px_z + log_pz - log_qz, dim=0) - math.log(k)
    # log p(x|z) sums 64 logs: 1e-4 relative.
    expect_close(r["bound"], expected, rtol=1e-4, atol=1e-4, hint=(
        "log w_i = log p(x|z_i) + log p(z_i) - log q(z_i|x); bound = logsumexp_i(log w_i) - log k "
        "(not their mean, and not without - log k); eps[i] is the i-th sample"))

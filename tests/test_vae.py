"""Public tests for unit 02 (genlab.vae): shapes, closed forms, gradients, finiteness.

Run them with `pytest tests/test_vae.py`. They test $GENLAB_IMPL (your starter/ by default).
Each test asks the `worker` for data from your code and checks it here; the probes it names
are in tests/probes/vae.py.
"""
import math

import torch

from autograder.testing import expect_close


# ---- reparameterize -----------------------------------------------------------------------------

def test_reparameterize_returns_the_latent_shape(worker):
    mu, logvar = torch.randn(16, 3), torch.randn(16, 3)
    z = worker.call("vae.reparameterize", mu, logvar)
    assert z.shape == (16, 3)


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
    expect_close(kl, torch.zeros(5))


def test_gaussian_kl_is_half_per_dimension_at_unit_mean(worker):
    # KL(N(1, 1) || N(0, 1)) = 0.5 per dimension; 8 dimensions summed give 4.
    kl = worker.call("vae.gaussian_kl", torch.ones(5, 8), torch.zeros(5, 8))
    expect_close(kl, torch.full((5,), 4.0), hint="expected 0.5 per latent dimension, summed (not averaged) over them")


def test_gaussian_kl_of_a_wider_gaussian(worker):
    # KL(N(0, e^2) || N(0, 1)) = 0.5 * (e^2 - 1 - 2) per dimension.
    kl = worker.call("vae.gaussian_kl", torch.zeros(2, 3), torch.full((2, 3), 2.0))
    expect_close(kl, torch.full((2,), 3 * 0.5 * (math.exp(2.0) - 3.0)))


def test_gaussian_kl_is_never_negative(worker):
    kl = worker.call("vae.gaussian_kl", 3 * torch.randn(100, 6), 3 * torch.randn(100, 6))
    assert kl.shape == (100,)
    assert (kl >= 0).all(), "a KL divergence is never negative: check the sign of each term"


# ---- bernoulli_nll and vae_loss -----------------------------------------------------------------

def test_bernoulli_nll_at_one_half_is_d_log_2(worker):
    nll = worker.call("vae.bernoulli_nll", torch.full((4, 64), 0.5), torch.rand(4, 64).round())
    expect_close(nll, torch.full((4,), 64 * math.log(2)), hint="expected the cross-entropy summed (not averaged) over the 64 pixels")


def test_bernoulli_nll_is_finite_at_saturated_probabilities(worker):
    x_recon = torch.tensor([[0.0, 1.0, 0.0, 1.0]])
    x = torch.tensor([[1.0, 0.0, 0.0, 1.0]])
    nll = worker.call("vae.bernoulli_nll", x_recon, x)
    assert torch.isfinite(nll).all(), "log(0) must be clamped: the result must stay finite"
    assert nll.item() > 10, "a confident wrong pixel must still cost a lot"


def test_vae_loss_at_known_values(worker):
    B, D, L = 8, 64, 2
    x_recon, x = torch.full((B, D), 0.5), torch.rand(B, D)
    mu, logvar = torch.ones(B, L), torch.zeros(B, L)
    loss = worker.call("vae.vae_loss", x_recon, x, mu, logvar, beta=3.0)
    assert loss.dim() == 0, "the loss is a scalar: the batch mean"
    # nll = D ln 2 per example for any x at 0.5; KL = 0.5 per dimension.
    expect_close(loss, torch.tensor(D * math.log(2) + 3.0 * 0.5 * L))


# ---- the model ----------------------------------------------------------------------------------

def test_vae_shapes_ranges_and_parameter_count(worker):
    x, z = torch.rand(10, 64), torch.randn(10, 2)
    r = worker.probe("vae.vae_model", input_dim=64, hidden_dim=32, latent_dim=2, x=x, z=z)
    assert r["mu"].shape == (10, 2) and r["logvar"].shape == (10, 2)
    x_recon, mu, logvar = r["forward"]
    assert x_recon.shape == (10, 64) and mu.shape == (10, 2) and logvar.shape == (10, 2)
    assert r["decoded"].shape == (10, 64)
    assert ((r["decoded"] > 0) & (r["decoded"] < 1)).all(), "decode must end in a sigmoid"
    # encoder 64*32+32 + 32*32+32, heads 2*(32*2+2), decoder 2*32+32 + 32*32+32 + 32*64+64
    assert r["n_params"] == 2080 + 1056 + 132 + 96 + 1056 + 2112, "layers differ from the documented architecture"
    assert r["latent_dim"] == 2


def test_sample_and_interpolate(worker):
    z, x_a, x_b = torch.randn(6, 2), torch.rand(64), torch.rand(64)
    r = worker.probe("vae.sample_and_interpolate", input_dim=64, hidden_dim=32, latent_dim=2,
                     n=6, z=z, x_a=x_a, x_b=x_b, steps=5)
    assert r["drawn"].shape == (6, 64)
    expect_close(r["given"], r["decode_z"], hint="sample(model, n, z) should decode z as given")
    assert r["path"].shape == (5, 64)
    expect_close(r["path"][0], r["decode_mu_a"], hint="the path starts at decode(mu_a)")
    expect_close(r["path"][-1], r["decode_mu_b"], hint="the path ends at decode(mu_b)")


def test_iwae_bound_shape_and_sign(worker):
    bound = worker.probe("vae.iwae", input_dim=64, hidden_dim=32, latent_dim=2, x=torch.rand(7, 64), k=5)
    assert bound.shape == (7,)
    assert torch.isfinite(bound).all() and (bound < 0).all(), "a log-likelihood bound on [0,1] data is negative"

"""Hidden suite for unit 02 (genlab.vae). Runs in the judge; student code only through `worker`.

Inputs are drawn fresh each grading run (the judge's seed). Exact checks inject the noise and
compare with the reference; statistical checks state their false-failure rate.
"""
import math

import torch

from autograder.reference import reference
from autograder.testing import expect_close

ref = reference("vae")
data = reference("data")


def fixed_state(input_dim=64, hidden_dim=32, latent_dim=4):
    """Weights for the probes' FixedVAE, from a freshly initialised reference VAE."""
    return ref.VAE(input_dim, hidden_dim, latent_dim).state_dict()


def fixed_reference_model(state):
    model = ref.VAE(state["encoder.0.weight"].shape[1], state["encoder.0.weight"].shape[0], state["fc_mu.weight"].shape[0])
    model.load_state_dict(state)
    return model


# ---- reparameterize -----------------------------------------------------------------------------

def test_reparameterize_equals_reference_with_given_noise(worker):
    mu, logvar, eps = torch.randn(33, 7), 2 * torch.randn(33, 7), torch.randn(33, 7)
    z = worker.call("vae.reparameterize", mu, logvar, eps=eps)
    expect_close(z, ref.reparameterize(mu, logvar, eps=eps), hint="with eps given, z = mu + eps * exp(0.5 * logvar) exactly")


def test_reparameterize_gradients(worker):
    mu, logvar = torch.randn(256, 5), torch.randn(256, 5)
    r = worker.probe("vae.reparameterize_grads", mu=mu, logvar=logvar)
    expect_close(r["dmu"], torch.ones_like(mu), hint="dz/dmu should be 1: z = mu + eps * std, differentiable in mu")
    expect_close(r["dlogvar"], 0.5 * (r["z"] - mu), hint="dz/dlogvar should be 0.5 * (z - mu): is std = exp(0.5 * logvar)?")


def test_reparameterize_draws_have_mean_mu_and_std_exp_half_logvar(worker):
    """Own noise: mean mu and standard deviation exp(0.5 * logvar), per dimension.

    n = 40,000 draws. The sample mean's error is std/sqrt(n) and the sample std's relative error is
    about 1/sqrt(2n); both bounds below sit at 6 standard errors, so a correct implementation fails
    with probability about 2e-9 per dimension (1.6e-8 for all 8 checks together).
    """
    n = 40_000
    mu = torch.tensor([0.0, 1.5, -2.0, 0.3])
    logvar = torch.tensor([0.0, 1.2, -1.4, 2.0])
    z = worker.probe("vae.reparameterize_draws", mu=mu, logvar=logvar, n=n)
    std = torch.exp(0.5 * logvar)
    mean_err = (z.mean(0) - mu).abs() / (std / math.sqrt(n))
    assert (mean_err < 6).all(), (f"mean of z {z.mean(0).tolist()} is not mu {mu.tolist()}: "
                                  "is eps drawn from a standard normal (torch.randn), not torch.rand?")
    rel = (z.std(0) / std - 1).abs()
    assert (rel < 6 / math.sqrt(2 * n)).all(), (
        f"std of z {z.std(0).tolist()}, expected exp(0.5*logvar) = {std.tolist()}: "
        "std = exp(0.5 * logvar), not exp(logvar); noise must be standard normal")


# ---- the losses ---------------------------------------------------------------------------------

def test_gaussian_kl_equals_reference(worker):
    mu, logvar = 2 * torch.randn(40, 6), 2 * torch.randn(40, 6)
    expect_close(worker.call("vae.gaussian_kl", mu, logvar), ref.gaussian_kl(mu, logvar), hint="KL per example: 0.5 * sum(mu^2 + exp(logvar) - 1 - logvar) over latent dims")


def test_gaussian_kl_is_half_mu_squared_at_unit_variance(worker):
    mu = torch.randn(20, 3)
    kl = worker.call("vae.gaussian_kl", mu, torch.zeros(20, 3))
    expect_close(kl, 0.5 * mu.pow(2).sum(1), hint="with logvar = 0, KL = 0.5 * |mu|^2")


def test_bernoulli_nll_equals_reference(worker):
    x_recon, x = torch.rand(30, 64).clamp(0.01, 0.99), torch.rand(30, 64)
    expect_close(worker.call("vae.bernoulli_nll", x_recon, x), ref.bernoulli_nll(x_recon, x), hint="binary cross-entropy summed over the data dims, per example")


def test_bernoulli_nll_is_finite_and_large_when_confidently_wrong(worker):
    x_recon = torch.tensor([[0.0, 1.0] * 8, [1.0, 0.0] * 8])
    x = torch.tensor([[1.0, 0.0] * 8, [1.0, 0.0] * 8])
    nll = worker.call("vae.bernoulli_nll", x_recon, x)
    assert torch.isfinite(nll).all(), f"got {nll.tolist()}: clamp the logs at saturated probabilities"
    assert nll[0] > 100 and nll[1].abs() < 1e-3, f"got {nll.tolist()}: wrong pixels must cost, right ones not"


def test_vae_loss_equals_reference(worker):
    x_recon, x = torch.rand(25, 64).clamp(0.01, 0.99), torch.rand(25, 64)
    mu, logvar = torch.randn(25, 3), torch.randn(25, 3)
    beta = 0.5 + 3 * torch.rand(()).item()
    loss = worker.call("vae.vae_loss", x_recon, x, mu, logvar, beta=beta)
    expected = ref.vae_loss(x_recon, x, mu, logvar, beta=beta)
    assert loss.shape == (), "the loss is a scalar"
    expect_close(loss, expected, hint=f"expected {expected:.4f} = batch MEAN of nll + beta*KL, "
                               f"got {loss:.4f} (summed over the batch? beta applied to the KL only?)")


# ---- the model ----------------------------------------------------------------------------------

def test_vae_architecture(worker):
    d, h, l = 20 + int(torch.randint(0, 40, ())), 16 + int(torch.randint(0, 48, ())), 2 + int(torch.randint(0, 6, ()))
    x = torch.rand(9, d)
    r = worker.probe("vae.vae_architecture", input_dim=d, hidden_dim=h, latent_dim=l, x=x)
    expected = sum(p.numel() for p in ref.VAE(d, h, l).parameters())
    assert r["n_params"] == expected, f"{r['n_params']} parameters, the documented architecture has {expected}"
    assert r["n_linear"] == 7, f"{r['n_linear']} Linear layers; the architecture has 7 (2 + 2 heads + 3)"
    expect_close(r["mu_forward"], r["mu"], hint="forward's mu must be encode(x)'s mu")
    expect_close(r["logvar_forward"], r["logvar"], hint="forward's logvar must be encode(x)'s")
    assert not torch.equal(r["recon"][0], r["recon"][1]), "forward should draw fresh noise on every call"
    far = r["decoded_far"]
    assert ((far >= 0) & (far <= 1)).all(), "decode must return probabilities: end the decoder with a sigmoid"


def test_sample_interpolate_and_iwae_equal_reference_on_a_fixed_model(worker):
    state = fixed_state()
    model = fixed_reference_model(state)
    z, x_a, x_b, x = torch.randn(10, 4), torch.rand(64), torch.rand(64), torch.rand(6, 64)
    k, steps = 7, 6
    eps = torch.randn(k, 6, 4)
    r = worker.probe("vae.fixed_model_functions", state=state, z=z, x_a=x_a, x_b=x_b, steps=steps,
                     x=x, k=k, eps=eps)
    with torch.no_grad():
        expect_close(r["sample_given"], ref.sample(model, 10, z=z), hint="sample must decode z as given")
        assert not torch.equal(r["sample_drawn"][0], r["sample_drawn"][1]), "sample(model, n) must draw new z each call"
        expect_close(r["interpolate"], ref.interpolate(model, x_a, x_b, steps), hint="interpolate: decode (1-t)*mu_a + t*mu_b for t = linspace(0, 1, steps), "
                                       "between the encoded MEANS (not samples)")
        expect_close(r["iwae_given"], ref.iwae_bound(model, x, k, eps=eps), rtol=1e-4, atol=1e-3, hint="IWAE: logsumexp over the k log-weights minus log k (not their mean); "
                                       "eps[i] is the i-th sample, shape (k, B, L)")


def mismatched_state():
    """A fixed model whose q(z|x) is far too wide and whose decoder is sharp, so the IWAE bound
    improves by many nats with k (a trained digit VAE gains only ~0.03 nats: too little to test)."""
    state = fixed_state(64, 32, 4)
    state["fc_logvar.bias"].fill_(1.5)
    state["decoder.4.weight"].mul_(8)
    return state


def test_iwae_bound_grows_with_k(worker):
    """E[IWAE_k] is non-decreasing in k for any model. Calibration (calibration/vae_iwae.py, 200
    seeds of the reference, vae_iwae.txt): the smallest gaps were 7.8 nats (k = 1 -> 8) and 0.89
    nats (8 -> 64), at least 8.3 standard deviations of the batch-mean noise: false-failure rate
    below 1e-15 by the normal tail (0 of 200 seeds)."""
    x, _ = data.load_digits("test")
    means = worker.probe("vae.iwae_by_k", state=mismatched_state(), x=x, ks=[1, 8, 64])
    assert means[0] < means[1] < means[2], (f"mean bound for k = 1, 8, 64: {means}; it should grow with k "
                                            "(logsumexp of the log-weights minus log k, not their mean)")


# ---- Project 1: a VAE trained on digits ---------------------------------------------------------

PROJECT = dict(steps=300, hidden_dim=128, latent_dim=4, batch_size=128, lr=1e-3, n_samples=2000)
NEG_ELBO_BOUND = 28.0       # reference: 26.14 ± 0.27 over 200 seeds (calibration/vae_project.txt)
SAMPLE_MEAN_BOUND = 0.25    # reference: 0.114 ± 0.019


def project_statistics(r, x_train, x_test):
    """The judge's own measurements of a trained model: test negative ELBO, sample-mean gap."""
    neg_elbo = (ref.bernoulli_nll(r["x_recon"].clamp(0, 1), x_test) + ref.gaussian_kl(r["mu"], r["logvar"])).mean()
    gap = (r["samples"].mean(0) - x_train.mean(0)).norm()
    return neg_elbo.item(), gap.item()


def project_inputs():
    x_train, _ = data.load_digits("train")
    x_test, _ = data.load_digits("test")
    p = PROJECT
    kwargs = dict(x_train=x_train, x_test=x_test, eps_test=torch.randn(len(x_test), p["latent_dim"]),
                  z_prior=torch.randn(p["n_samples"], p["latent_dim"]), steps=p["steps"],
                  hidden_dim=p["hidden_dim"], latent_dim=p["latent_dim"], batch_size=p["batch_size"], lr=p["lr"])
    return x_train, x_test, kwargs


def test_project_vae_trains_on_digits(worker):
    """Project 1. 300 Adam steps on the bundled digits with YOUR VAE, forward and vae_loss; the
    judge then measures the test negative ELBO and how far the samples' mean image is from the
    data's. Bounds and false-failure rate: calibration/vae_project.txt (reference, 200 seeds)."""
    x_train, x_test, kwargs = project_inputs()
    r = worker.probe("vae.train_on_digits", timeout=60, **kwargs)
    neg_elbo, gap = project_statistics(r, x_train, x_test)
    assert math.isfinite(neg_elbo), "the test negative ELBO is not finite after training"
    assert neg_elbo < NEG_ELBO_BOUND, (f"test negative ELBO {neg_elbo:.2f} nats, should be under {NEG_ELBO_BOUND} "
                                       "after training (an untrained model scores about 44)")
    assert gap < SAMPLE_MEAN_BOUND, (f"the mean of your samples is {gap:.3f} away from the data's mean image "
                                     f"(bound {SAMPLE_MEAN_BOUND}): do samples decode z ~ N(0, I)?")

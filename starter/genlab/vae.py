"""Unit 02: variational autoencoders.

A VAE learns an encoder q(z|x) = N(mu(x), diag(exp(logvar(x)))) and a decoder p(x|z) (here
Bernoulli pixel probabilities) by maximising the evidence lower bound (ELBO)

    log p(x) >= E_q[log p(x|z)] - KL(q(z|x) || p(z)),      p(z) = N(0, I).

Conventions: data is flat (B, D) with pixels in [0, 1]; latents are (B, L); every loss is in nats.
Functions that draw random numbers take the draw as an optional argument (`eps`, `z`): when it is
given it is used exactly as passed; when it is None it is drawn with torch.randn. No test depends
on the order or the number of random draws: a test that needs exact values passes the noise in,
and a test of your own draws checks their statistics only. Every test runs on the CPU in float32.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def reparameterize(mu, logvar, eps=None):
    """Draw z ~ N(mu, diag(exp(logvar))) as a differentiable function of mu and logvar.

    z = mu + eps * std,  where std = exp(0.5 * logvar) and eps ~ N(0, I).

    Args:
        mu: (B, L) means.
        logvar: (B, L) log-variances (log sigma^2, not log sigma).
        eps: optional (B, L) standard-normal noise; drawn with torch.randn_like(mu) when None
            (fresh on every call, one independent value per entry: the tests check the noise
            implied by your z, (z - mu) / std, for normality, independence and freshness).
    Returns:
        z: (B, L). Gradients flow to mu and logvar (dz/dmu = 1, dz/dlogvar = 0.5 * eps * std).
    """
    # YOUR CODE HERE
    raise NotImplementedError


def gaussian_kl(mu, logvar):
    """KL( N(mu, diag(exp(logvar))) || N(0, I) ) for each example, in nats.

    Closed form, summed (not averaged) over the L latent dimensions:
        KL = 0.5 * sum_j ( mu_j^2 + exp(logvar_j) - 1 - logvar_j )
    It is 0 exactly when mu = 0 and logvar = 0, and never negative.

    Args:
        mu, logvar: (B, L).
    Returns:
        (B,) per-example KL.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def bernoulli_nll(x_recon, x):
    """Negative log-likelihood of x under independent Bernoulli(x_recon) pixels, per example.

        nll = - sum_d [ x_d * log(x_recon_d) + (1 - x_d) * log(1 - x_recon_d) ]

    i.e. binary cross-entropy SUMMED over the D data dimensions (not averaged), one value per
    example. `x` may hold grey levels in [0, 1], not only 0/1.

    Edge case: x_recon may be exactly 0 or 1 (a saturated sigmoid). The result must stay finite
    there: clamp the logs (PyTorch's F.binary_cross_entropy clamps log at -100) or the
    probabilities (e.g. to [1e-7, 1 - 1e-7]). Either is accepted. The tests require, at an exactly
    saturated pixel, a finite cost of at least 10 nats when it is confidently WRONG (the -100 log
    clamp gives 100 nats, the 1e-7 probability clamp about 16) and under 1e-4 nats when it is
    confidently right. Gradients at exactly saturated pixels are never tested (a clamp may make
    them zero); everywhere else they are autograd's gradients of the formula.

    Args:
        x_recon: (..., D) probabilities in [0, 1]; the tests pass (B, D), and any leading
            dimensions must work the same way (iwae_bound may call it on (k, B, D)).
        x: targets in [0, 1], the same shape as x_recon.
    Returns:
        (...,) per-example negative log-likelihood in nats (summed over the last axis only).
    """
    # YOUR CODE HERE
    raise NotImplementedError


def vae_loss(x_recon, x, mu, logvar, beta=1.0):
    """The negative ELBO per example, averaged over the batch (a scalar, in nats).

        loss = mean_over_batch( bernoulli_nll(x_recon, x) + beta * gaussian_kl(mu, logvar) )

    beta = 1 is the VAE; beta > 1 is the beta-VAE (stronger pull towards the prior).

    Args:
        x_recon, x: (B, D); mu, logvar: (B, L); beta: float.
    Returns:
        scalar tensor.
    """
    # YOUR CODE HERE
    raise NotImplementedError


class VAE(nn.Module):
    """A fully connected VAE for flat data in [0, 1].

    Architecture (keep it: the tests count the parameters and the nn.Linear layers, and call
    encode, decode and forward):
        encoder:  Linear(input_dim, hidden_dim) -> ReLU -> Linear(hidden_dim, hidden_dim) -> ReLU
        heads:    fc_mu = Linear(hidden_dim, latent_dim),  fc_logvar = Linear(hidden_dim, latent_dim)
        decoder:  Linear(latent_dim, hidden_dim) -> ReLU -> Linear(hidden_dim, hidden_dim) -> ReLU
                  -> Linear(hidden_dim, input_dim) -> Sigmoid
    Store `self.input_dim`, `self.latent_dim` (sample() reads it).

    The parameter names are REQUIRED: the judge loads its own weights into your VAE
    (`load_state_dict`, strict) and your trained weights into its own copy of this architecture
    (Project 1), so `state_dict()` must hold exactly these 14 tensors (D = input_dim,
    H = hidden_dim, L = latent_dim; nothing else: no buffers, no extra parameters):
        encoder.0.weight (H, D)   encoder.0.bias (H,)     first encoder Linear
        encoder.2.weight (H, H)   encoder.2.bias (H,)     second encoder Linear
        fc_mu.weight     (L, H)   fc_mu.bias     (L,)
        fc_logvar.weight (L, H)   fc_logvar.bias (L,)
        decoder.0.weight (H, L)   decoder.0.bias (H,)     first decoder Linear
        decoder.2.weight (H, H)   decoder.2.bias (H,)     second decoder Linear
        decoder.4.weight (D, H)   decoder.4.bias (D,)     output Linear (before the sigmoid)
    nn.Sequential gives exactly these names when the ReLUs (and the Sigmoid) are modules in it
    (indices 1, 3, 5 hold no parameters); any other way of writing it is fine if the names match.

    encode(x: (B, input_dim)) -> (mu, logvar), each (B, latent_dim)
    decode(z: (B, latent_dim)) -> (B, input_dim) probabilities in [0, 1] (a float32 sigmoid reaches
        exactly 0 or 1 for large |z|; bernoulli_nll copes with that)
    forward(x) -> (x_recon, mu, logvar), with z drawn by reparameterize (fresh noise each call)

    Project 1 (graded): your VAE(64, 128, 4) gets the judge's freshly drawn initial weights, then
    300 Adam steps (lr 1e-3) on batches of 128 training digits with your forward and vae_loss. The
    judge loads the trained weights into its own copy and measures, on held-out digits the worker
    never sees, with its own noise: the negative ELBO, the KL term, how much better a digit is
    reconstructed from its own code than from another digit's (the decoder must use z), and the
    mean image of its samples from N(0, I); every parameter must have moved from the initial
    weights by training.
    """

    def __init__(self, input_dim=64, hidden_dim=256, latent_dim=2):
        super().__init__()
        self.input_dim, self.latent_dim = input_dim, latent_dim
        # YOUR CODE HERE
        raise NotImplementedError

    def encode(self, x):
        # YOUR CODE HERE
        raise NotImplementedError

    def decode(self, z):
        # YOUR CODE HERE
        raise NotImplementedError

    def forward(self, x):
        # YOUR CODE HERE
        raise NotImplementedError


def sample(model, n, z=None):
    """Generate n examples: z ~ N(0, I) of shape (n, model.latent_dim), then model.decode(z).

    Args:
        model: a VAE (anything with `.latent_dim` and `.decode`).
        n: number of samples.
        z: optional (n, latent_dim) latents to decode as given; drawn with torch.randn when None,
            fresh on every call (the tests' models are CPU float32, so torch's default device and
            dtype are right; matching the model's parameters is also accepted). The tests compare
            the pixel statistics of your samples with the judge's own samples of the same model.
    Returns:
        (n, input_dim) probabilities. Whether you wrap the decoding in torch.no_grad is up to you:
        the tests call sample, interpolate and iwae_bound inside torch.no_grad and never
        backpropagate through them.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def interpolate(model, x_a, x_b, steps):
    """Decode the straight line between the encoded MEANS of two inputs.

    z_i = (1 - t_i) * mu_a + t_i * mu_b  for t_i = i / (steps - 1), i = 0..steps-1
    (endpoints included: row 0 decodes mu_a, the last row decodes mu_b). Use the means from
    model.encode, not sampled latents, so the path is deterministic.

    Args:
        x_a, x_b: (input_dim,) or (1, input_dim) inputs.
        steps: number of points, >= 2 (fewer is outside the contract and never tested).
    Returns:
        (steps, input_dim) decoded probabilities.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def iwae_bound(model, x, k, eps=None):
    """Importance-weighted lower bound on log p(x) with k samples (Burda et al., 2016).

    With (mu, logvar) = model.encode(x) and z_i = mu + eps_i * exp(0.5 * logvar), i = 1..k:
        log w_i = log p(x | z_i) + log p(z_i) - log q(z_i | x)
        bound   = logsumexp_i(log w_i) - log k
    where log p(x|z) = -bernoulli_nll(model.decode(z), x), p(z) = N(0, I) and
    q(z|x) = N(mu, diag(exp(logvar))), each log density summed over the latent dims. The Gaussian
    constant -0.5*log(2*pi) per dimension cancels between log p(z) and log q(z|x): include it in
    both or in neither.

    With k = 1 it is a single-sample estimate of the ELBO (equal to it in expectation); it grows
    (in expectation) with k towards log p(x).

    Args:
        model: a VAE.
        x: (B, D) data in [0, 1].
        k: number of importance samples.
        eps: optional (k, B, L) standard-normal noise, eps[i] used for the i-th sample of every
             example; drawn with torch.randn when None (fresh on every call; the tests compare
             the batch mean with the judge's own estimate). An eps of another shape is outside
             the contract and never tested.
    Returns:
        (B,) per-example bound, in nats (negative numbers).
    """
    # YOUR CODE HERE
    raise NotImplementedError

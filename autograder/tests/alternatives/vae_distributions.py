"""Another correct genlab.vae, written differently from the reference on purpose: torch.distributions
for the KL and the IWAE densities, noise from torch.randn(mu.shape), probabilities clamped to
[1e-7, 1 - 1e-7] instead of F.binary_cross_entropy's log clamp, torch.lerp for the path, and the
documented parameter names (encoder.0, encoder.2, fc_mu, fc_logvar, decoder.0/2/4) reached without
nn.Sequential: a container that keeps its Linear layers under those indices and applies the ReLUs
functionally. The grader must give it full marks."""
import math

import torch
import torch.nn as nn
from torch.distributions import Independent, Normal, kl_divergence


def reparameterize(mu, logvar, eps=None):
    noise = torch.randn(mu.shape) if eps is None else eps
    return mu + noise * logvar.mul(0.5).exp()


def gaussian_kl(mu, logvar):
    q = Independent(Normal(mu, torch.exp(0.5 * logvar)), 1)
    p = Independent(Normal(torch.zeros_like(mu), torch.ones_like(mu)), 1)
    return kl_divergence(q, p)


def bernoulli_nll(x_recon, x):
    p = x_recon.clamp(1e-7, 1 - 1e-7)
    return -(x * p.log() + (1 - x) * (1 - p).log()).sum(-1)


def vae_loss(x_recon, x, mu, logvar, beta=1.0):
    return torch.mean(bernoulli_nll(x_recon, x) + beta * gaussian_kl(mu, logvar))


class _Layers(nn.Module):
    """Linear layers kept under the indices the docstring names (0, 2, 4: where nn.Sequential would
    put them between its activation modules), with the ReLUs applied functionally in between."""

    def __init__(self, *sizes):
        super().__init__()
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            self.add_module(str(2 * i), nn.Linear(n_in, n_out))

    def forward(self, h):
        layers = list(self.children())
        for layer in layers[:-1]:
            h = torch.relu(layer(h))
        return layers[-1](h)


class VAE(nn.Module):
    def __init__(self, input_dim=64, hidden_dim=256, latent_dim=2):
        super().__init__()
        self.input_dim, self.latent_dim = input_dim, latent_dim
        self.encoder = _Layers(input_dim, hidden_dim, hidden_dim)     # the last layer's ReLU is in encode
        self.fc_mu, self.fc_logvar = nn.Linear(hidden_dim, latent_dim), nn.Linear(hidden_dim, latent_dim)
        self.decoder = _Layers(latent_dim, hidden_dim, hidden_dim, input_dim)

    def encode(self, x):
        h = torch.relu(self.encoder(x))
        return self.fc_mu(h), self.fc_logvar(h)

    def decode(self, z):
        return torch.sigmoid(self.decoder(z))

    def forward(self, x):
        mu, logvar = self.encode(x)
        return self.decode(reparameterize(mu, logvar)), mu, logvar


def sample(model, n, z=None):
    if z is None:
        z = torch.randn((n, model.latent_dim))
    return model.decode(z)


def interpolate(model, x_a, x_b, steps):
    mu_a = model.encode(x_a.view(1, -1))[0]
    mu_b = model.encode(x_b.view(1, -1))[0]
    weights = torch.linspace(0.0, 1.0, steps)[:, None]
    return model.decode(torch.lerp(mu_a.expand(steps, -1), mu_b.expand(steps, -1), weights))


def iwae_bound(model, x, k, eps=None):
    mu, logvar = model.encode(x)
    std = torch.exp(0.5 * logvar)
    if eps is None:
        eps = torch.randn((k,) + tuple(mu.shape))
    z = mu.unsqueeze(0) + eps * std.unsqueeze(0)
    log_w = []
    for i in range(k):
        log_px = -bernoulli_nll(model.decode(z[i]), x)
        log_pz = Normal(0.0, 1.0).log_prob(z[i]).sum(-1)
        log_qz = Normal(mu, std).log_prob(z[i]).sum(-1)
        log_w.append(log_px + log_pz - log_qz)
    return torch.logsumexp(torch.stack(log_w), 0) - math.log(k)

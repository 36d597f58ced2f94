"""Another correct genlab.vae, written differently from the reference on purpose: torch.distributions
for the KL and the IWAE densities, noise from torch.randn(mu.shape), probabilities clamped to
[1e-7, 1 - 1e-7] instead of F.binary_cross_entropy's log clamp, torch.lerp for the path, and its own
layer names. The grader must give it full marks."""
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


class VAE(nn.Module):
    def __init__(self, input_dim=64, hidden_dim=256, latent_dim=2):
        super().__init__()
        self.input_dim, self.latent_dim = input_dim, latent_dim
        self.enc1, self.enc2 = nn.Linear(input_dim, hidden_dim), nn.Linear(hidden_dim, hidden_dim)
        self.mu_head, self.logvar_head = nn.Linear(hidden_dim, latent_dim), nn.Linear(hidden_dim, latent_dim)
        self.dec1, self.dec2 = nn.Linear(latent_dim, hidden_dim), nn.Linear(hidden_dim, hidden_dim)
        self.out = nn.Linear(hidden_dim, input_dim)

    def encode(self, x):
        h = torch.relu(self.enc2(torch.relu(self.enc1(x))))
        return self.mu_head(h), self.logvar_head(h)

    def decode(self, z):
        return torch.sigmoid(self.out(torch.relu(self.dec2(torch.relu(self.dec1(z))))))

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

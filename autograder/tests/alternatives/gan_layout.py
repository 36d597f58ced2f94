"""Another correct genlab.gan, written differently from the reference on purpose: named layers
with functional in-place LeakyReLU and default BatchNorm eps, nn.Flatten, BCEWithLogitsLoss modules,
a grad_outputs-style penalty without detaching, one concatenated D forward and a recomputed G(z)
in train_step. The grader must give it full marks."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Generator(nn.Module):
    def __init__(self, latent_dim, out_shape):
        super().__init__()
        self.latent_dim = latent_dim
        self.out_shape = (out_shape,) if isinstance(out_shape, int) else tuple(out_shape)
        self.fc1 = nn.Linear(latent_dim, 128)
        self.fc2 = nn.Linear(128, 256)
        self.bn2 = nn.BatchNorm1d(256)
        self.fc3 = nn.Linear(256, 512)
        self.bn3 = nn.BatchNorm1d(512, momentum=0.8)
        self.fc4 = nn.Linear(512, 1024)
        self.bn4 = nn.BatchNorm1d(1024)
        self.out = nn.Linear(1024, math.prod(self.out_shape))

    def forward(self, z):
        h = F.leaky_relu(self.fc1(z), 0.2, inplace=True)
        h = F.leaky_relu(self.bn2(self.fc2(h)), 0.2, inplace=True)
        h = F.leaky_relu(self.bn3(self.fc3(h)), 0.2, inplace=True)
        h = F.leaky_relu(self.bn4(self.fc4(h)), 0.2, inplace=True)
        return torch.tanh(self.out(h)).reshape(-1, *self.out_shape)


class Discriminator(nn.Module):
    def __init__(self, in_shape):
        super().__init__()
        self.in_shape = (in_shape,) if isinstance(in_shape, int) else tuple(in_shape)
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(math.prod(self.in_shape), 512), nn.LeakyReLU(0.2, inplace=True),
                                 nn.Linear(512, 256), nn.LeakyReLU(0.2, inplace=True), nn.Linear(256, 1))

    def forward(self, x):
        return self.net(x)


def discriminator_loss(real_logits, fake_logits, real_label=1.0):
    bce = nn.BCEWithLogitsLoss()
    return bce(real_logits, real_label * torch.ones_like(real_logits)) + bce(fake_logits, torch.zeros_like(fake_logits))


def generator_loss(fake_logits):
    return nn.BCEWithLogitsLoss()(fake_logits, torch.ones_like(fake_logits))


def saturating_generator_loss(fake_logits):
    return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))


def wasserstein_critic_loss(real_scores, fake_scores):
    return fake_scores.mean() - real_scores.mean()


def wasserstein_generator_loss(fake_scores):
    return -fake_scores.mean()


def gradient_penalty(critic, real, fake, alpha=None):
    if alpha is None:
        alpha = torch.rand(real.size(0), 1, device=real.device)
    alpha = alpha.view(-1, *([1] * (real.dim() - 1)))
    x_hat = alpha * real + (1 - alpha) * fake
    x_hat.requires_grad_(True)
    out = critic(x_hat)
    g = torch.autograd.grad(outputs=out, inputs=x_hat, grad_outputs=torch.ones_like(out),
                            create_graph=True, retain_graph=True)[0]
    g = g.flatten(start_dim=1)
    return ((g.norm(2, dim=1) - 1) ** 2).mean()


def train_step(generator, discriminator, g_opt, d_opt, real, z):
    d_opt.zero_grad()
    g_opt.zero_grad()
    fake = generator(z)
    logits = discriminator(torch.cat([real, fake.detach()]))
    d_loss = discriminator_loss(logits[: real.shape[0]], logits[real.shape[0]:])
    d_loss.backward()
    d_opt.step()
    g_opt.zero_grad(set_to_none=False)
    g_loss = generator_loss(discriminator(generator(z)))
    g_loss.backward()
    g_opt.step()
    return {"d_loss": float(d_loss), "g_loss": float(g_loss)}

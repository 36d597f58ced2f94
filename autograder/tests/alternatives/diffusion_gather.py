"""Another correct genlab.diffusion, written differently from the reference on purpose: schedules
computed in float32 (torch.lerp for the linear betas, cumprod and F.pad for the schedule), every
per-example schedule value taken with `gather`, the DDPM step's mean written through x0_hat and
q_posterior, DDIM walking a table of alpha_bars padded with a 1 for "step -1", frequencies through
torch.pow, and a denoiser whose documented layer names live in ModuleDicts, with functional SiLU.
The grader must give it full marks."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


# ---- schedules ----------------------------------------------------------------------------------

def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    frac = torch.arange(T, dtype=torch.float32) / max(T - 1, 1)
    start = torch.tensor(beta_start, dtype=torch.float32)
    end = torch.tensor(beta_end, dtype=torch.float32)
    return torch.lerp(start, end, frac)


def cosine_beta_schedule(T, s=0.008, max_beta=0.999):
    u = torch.linspace(0, T, T + 1, dtype=torch.float32)
    f = torch.cos((u / T + s) / (1 + s) * (math.pi / 2)).pow(2)
    alpha_bar = f / f[0]
    betas = 1 - alpha_bar[1:] / alpha_bar[:-1]
    return torch.minimum(betas, torch.tensor(max_beta, dtype=torch.float32))


class NoiseSchedule:
    def __init__(self, betas):
        b = torch.as_tensor(betas).detach().to(device="cpu", dtype=torch.float32).clone()
        self.T = b.numel()
        self.betas = b
        self.alphas = 1.0 - b
        self.alpha_bars = self.alphas.cumprod(0)
        self.alpha_bars_prev = F.pad(self.alpha_bars[:-1], (1, 0), value=1.0)
        self.posterior_variance = b * (1.0 - self.alpha_bars_prev) / (1.0 - self.alpha_bars)
        # alpha_bar indexed by t + 1, with the empty product at index 0 ("step -1") for DDIM.
        self.alpha_bars_from_minus_one = F.pad(self.alpha_bars, (1, 0), value=1.0)


def _per_example(values, t, x):
    """values[t] taken with gather, shaped (B, 1, ..., 1) against x."""
    t = torch.as_tensor(t, device=x.device).long().flatten()
    picked = torch.gather(values.to(x.device), 0, t)
    return picked.to(x.dtype).view(t.shape[0], *(1,) * (x.dim() - 1))


# ---- forward process ----------------------------------------------------------------------------

def q_sample(schedule, x0, t, noise=None):
    noise = torch.randn_like(x0) if noise is None else noise
    ab = _per_example(schedule.alpha_bars, t, x0)
    return torch.sqrt(ab) * x0 + torch.sqrt(1.0 - ab) * noise


def predict_x0(schedule, x_t, t, eps):
    ab = _per_example(schedule.alpha_bars, t, x_t)
    return (x_t - torch.sqrt(1.0 - ab) * eps) * torch.rsqrt(ab)


def q_posterior(schedule, x0, x_t, t):
    beta = _per_example(schedule.betas, t, x_t)
    alpha = _per_example(schedule.alphas, t, x_t)
    ab = _per_example(schedule.alpha_bars, t, x_t)
    ab_prev = _per_example(schedule.alpha_bars_prev, t, x_t)
    mean = (beta * ab_prev.sqrt() * x0 + (1.0 - ab_prev) * alpha.sqrt() * x_t) / (1.0 - ab)
    variance = _per_example(schedule.posterior_variance, t, x_t) * torch.ones_like(x_t)
    return mean, variance


def ddpm_loss(model, schedule, x0, t=None, noise=None):
    batch = x0.shape[0]
    if t is None:
        t = torch.randint(schedule.T, (batch,), device=x0.device)
    if noise is None:
        noise = torch.randn_like(x0)
    residual = model(q_sample(schedule, x0, t, noise), t) - noise
    return residual.pow(2).mean()


# ---- reverse process ----------------------------------------------------------------------------

def p_sample(model, schedule, x_t, t, noise=None):
    step = int(t)
    t_batch = x_t.new_full((x_t.shape[0],), step, dtype=torch.long)
    eps_hat = model(x_t, t_batch)
    x0_hat = predict_x0(schedule, x_t, t_batch, eps_hat)
    mean, _ = q_posterior(schedule, x0_hat, x_t, t_batch)
    if step > 0:
        if noise is None:
            noise = torch.randn_like(x_t)
        mean = mean + _per_example(schedule.betas, t_batch, x_t).sqrt() * noise
    return mean


@torch.no_grad()
def sample(model, schedule, shape, x_T=None, device=None):
    x = x_T if x_T is not None else torch.randn(shape, device=device)
    for step in range(schedule.T - 1, -1, -1):
        x = p_sample(model, schedule, x, step)
    return x


@torch.no_grad()
def ddim_sample(model, schedule, shape, steps, eta=0.0, x_T=None, clip_x0=None, device=None):
    if steps < 1 or steps > schedule.T:
        raise ValueError(f"steps must be between 1 and T = {schedule.T}, got {steps}")
    x = x_T if x_T is not None else torch.randn(shape, device=device)
    visit = torch.linspace(schedule.T - 1, 0, steps).round().long().tolist()
    table = schedule.alpha_bars_from_minus_one
    for t, t_next in zip(visit, visit[1:] + [-1]):
        t_batch = torch.full((x.shape[0],), t, dtype=torch.long, device=x.device)
        a = _per_example(table, t_batch + 1, x)
        a_next = _per_example(table, torch.full_like(t_batch, t_next + 1), x)
        eps_hat = model(x, t_batch)
        x0_hat = predict_x0(schedule, x, t_batch, eps_hat)
        if clip_x0 is not None:
            x0_hat = torch.clamp(x0_hat, min=-clip_x0, max=clip_x0)
            eps_hat = (x - a.sqrt() * x0_hat) / (1.0 - a).sqrt()
        var = (eta ** 2) * (1.0 - a_next) / (1.0 - a) * (1.0 - a / a_next)
        direction = torch.sqrt(torch.clamp(1.0 - a_next - var, min=0.0))
        x = a_next.sqrt() * x0_hat + direction * eps_hat
        if eta > 0:
            x = x + var.clamp(min=0.0).sqrt() * torch.randn_like(x)
    return x


# ---- the denoiser -------------------------------------------------------------------------------

def sinusoidal_time_embedding(t, dim):
    h = dim // 2
    exponents = torch.arange(h, device=t.device, dtype=torch.float32) / h
    freqs = torch.pow(torch.tensor(10000.0, device=t.device), -exponents)
    angles = torch.outer(t.to(torch.float32), freqs)
    return torch.cat((angles.sin(), angles.cos()), dim=1)


class MLPDenoiser(nn.Module):
    # The documented state_dict names, held in ModuleDicts keyed by the Sequential positions the
    # docstring numbers (no SiLU modules), with the activations applied functionally.
    def __init__(self, data_dim, hidden=128, time_dim=32):
        super().__init__()
        self.data_dim, self.hidden, self.time_dim = data_dim, hidden, time_dim
        self.time_mlp = nn.ModuleDict({"0": nn.Linear(time_dim, hidden), "2": nn.Linear(hidden, hidden)})
        self.inp = nn.Linear(data_dim, hidden)
        self.net = nn.ModuleDict({"1": nn.Linear(hidden, hidden), "3": nn.Linear(hidden, hidden),
                                  "5": nn.Linear(hidden, data_dim)})

    def forward(self, x, t):
        emb = sinusoidal_time_embedding(t, self.time_dim)
        h = self.inp(x) + self.time_mlp["2"](F.silu(self.time_mlp["0"](emb)))
        for key in ("1", "3", "5"):
            h = self.net[key](F.silu(h))
        return h

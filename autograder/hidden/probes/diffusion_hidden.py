"""Hidden worker-side probes for unit 07 (genlab.diffusion).

Every probe builds its NoiseSchedule from `betas` with the student's own class. The models the
student's functions receive are ours, built here from data sent by the judge:

- `ElementwiseEps`: eps_hat = tanh(scale * x + shift[t]), a tiny model with parameters, for exact
  comparisons of the loss (and its gradients) and of one reverse step with the reference.
- `GaussianOptimalEps`: for data x0 ~ N(m, diag(s^2)) the best possible noise predictor is known in
  closed form, E[eps | x_t] = sqrt(1 - a) (x_t - sqrt(a) m) / (a s^2 + 1 - a) with a = alpha_bar_t.
  It computes alpha_bar from the betas itself (float64), never from the student's schedule. With
  it the samplers can be judged without any training.
- `Recorder`: returns zeros and remembers every t it was called with.

The hidden tests run these same functions on the reference solution, in the judge.
"""
import torch
import torch.nn as nn


class ElementwiseEps(nn.Module):
    def __init__(self, T):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(()))
        self.shift = nn.Parameter(torch.zeros(T))

    def forward(self, x, t):
        shift = self.shift[t].reshape(-1, *([1] * (x.dim() - 1)))
        return torch.tanh(self.scale * x + shift)


class GaussianOptimalEps(nn.Module):
    def __init__(self, betas, m, s):
        super().__init__()
        alpha_bars = torch.cumprod(1 - betas.double(), dim=0)
        s2 = s.double() ** 2
        var = alpha_bars[:, None] * s2 + (1 - alpha_bars[:, None])                   # (T, D)
        self.register_buffer("gain", ((1 - alpha_bars[:, None]).sqrt() / var).float())
        self.register_buffer("offset", (alpha_bars[:, None].sqrt() * m.double()).float())

    def forward(self, x, t):
        assert t.dtype == torch.long and t.shape == (x.shape[0],), "t must be a (B,) long tensor"
        return self.gain[t] * (x - self.offset[t])


class Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, x, t):
        self.calls.append({"t": t.detach().clone(), "dtype": str(t.dtype)})
        return torch.zeros_like(x)


def _elementwise_model(state):
    model = ElementwiseEps(state["shift"].shape[0])
    model.load_state_dict(state)
    return model


# ---- forward process ----------------------------------------------------------------------------

def q_sample_given(genlab, betas, x0, t, noise):
    d = genlab.diffusion
    return d.q_sample(d.NoiseSchedule(betas), x0, t, noise=noise)


def q_sample_drawn(genlab, betas, x0, t):
    d = genlab.diffusion
    return d.q_sample(d.NoiseSchedule(betas), x0, t)


def predict_x0_given(genlab, betas, x_t, t, eps):
    d = genlab.diffusion
    return d.predict_x0(d.NoiseSchedule(betas), x_t, t, eps)


def q_posterior_given(genlab, betas, x0, x_t, t):
    d = genlab.diffusion
    mean, variance = d.q_posterior(d.NoiseSchedule(betas), x0, x_t, t)
    return {"mean": mean, "variance": torch.broadcast_to(variance, x_t.shape)}


# ---- loss ---------------------------------------------------------------------------------------

def ddpm_loss_and_grads(genlab, betas, state, x0, t, noise):
    """ddpm_loss of an ElementwiseEps model with the given t and noise, and its parameter gradients."""
    d = genlab.diffusion
    model = _elementwise_model(state)
    loss = d.ddpm_loss(model, d.NoiseSchedule(betas), x0, t=t, noise=noise)
    loss.backward()
    return {"loss": loss, "grads": {n: p.grad for n, p in model.named_parameters()}}


def ddpm_loss_draws(genlab, betas, x0):
    """ddpm_loss with t and noise drawn by the student's code: the t the model saw, and the loss of
    the zero model, which is the mean square of the drawn noise."""
    d = genlab.diffusion
    model = Recorder()
    loss = d.ddpm_loss(model, d.NoiseSchedule(betas), x0)
    calls = model.calls
    return {"n_calls": len(calls), "t": calls[0]["t"] if calls else None,
            "dtype": calls[0]["dtype"] if calls else None, "loss": loss}


# ---- reverse process ----------------------------------------------------------------------------

def p_sample_given(genlab, betas, state, x_t, t, noise):
    """One p_sample step of an ElementwiseEps model with the given noise (None: drawn)."""
    d = genlab.diffusion
    with torch.no_grad():
        return d.p_sample(_elementwise_model(state), d.NoiseSchedule(betas), x_t, t, noise=noise)


def model_calls(genlab, betas, x, t, steps):
    """The t tensors a Recorder model receives from p_sample (at step t), sample and ddim_sample."""
    d = genlab.diffusion
    s = d.NoiseSchedule(betas)
    out = {}
    for name, run in [("p_sample", lambda m: d.p_sample(m, s, x, t)),
                      ("sample", lambda m: d.sample(m, s, tuple(x.shape))),
                      ("ddim", lambda m: d.ddim_sample(m, s, tuple(x.shape), steps))]:
        recorder = Recorder()
        run(recorder)
        out[name] = recorder.calls
    return out


def gaussian_samples(genlab, betas, m, s, n, sampler, steps=None, eta=0.0):
    """n samples drawn by the student's `sample` or `ddim_sample` with the optimal noise predictor
    for x0 ~ N(m, diag(s^2)); x_T drawn by the student's code."""
    d = genlab.diffusion
    schedule = d.NoiseSchedule(betas)
    model = GaussianOptimalEps(betas, m, s)
    shape = (n, m.shape[0])
    if sampler == "ddpm":
        return d.sample(model, schedule, shape)
    return d.ddim_sample(model, schedule, shape, steps, eta=eta)


def ddim_from_x_T(genlab, betas, m, s, x_T, steps, eta=0.0, clip_x0=None):
    """ddim_sample from a given x_T, twice, with the optimal predictor for N(m, diag(s^2))."""
    d = genlab.diffusion
    schedule = d.NoiseSchedule(betas)
    model = GaussianOptimalEps(betas, m, s)
    runs = [d.ddim_sample(model, schedule, tuple(x_T.shape), steps, eta=eta, x_T=x_T.clone(), clip_x0=clip_x0)
            for _ in range(2)]
    return {"first": runs[0], "second": runs[1]}


# ---- the denoiser, trained ----------------------------------------------------------------------

def train_on_eight_gaussians(genlab, batches, betas, hidden, time_dim, lr, n_samples):
    """Train the student's MLPDenoiser(2, hidden, time_dim) with the student's ddpm_loss, one Adam
    step per batch in `batches` (steps, B, 2), the learning rate decaying linearly to 0; then draw
    n_samples points with the student's `sample`."""
    d = genlab.diffusion
    schedule = d.NoiseSchedule(betas)
    model = d.MLPDenoiser(2, hidden, time_dim)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps = batches.shape[0]
    decay = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda i: 1 - i / steps)
    losses = []
    model.train()
    for x0 in batches:
        loss = d.ddpm_loss(model, schedule, x0)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        decay.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        samples = d.sample(model, schedule, (n_samples, 2))
    return {"samples": samples, "first_loss": sum(losses[:100]) / 100, "last_loss": sum(losses[-100:]) / 100}

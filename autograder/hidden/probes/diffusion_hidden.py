"""Hidden worker-side probes for unit 07 (genlab.diffusion).

Every probe builds its NoiseSchedule from `betas` with the student's own class. The models the
student's functions receive are ours, built here from data sent by the judge:

- `ElementwiseEps`: eps_hat = tanh(scale * x + shift[t]), a tiny model with parameters, for exact
  comparisons of the loss (and its gradients) and of one reverse step with the reference.
- `SamplerNet`: eps(x, t) = gain[t] (x - offset[t]) + out(tanh(inp(x) + time[t])), every weight
  and table sent by the judge as a state_dict. The samplers are judged on it without any training:
  the judge runs the reference sampler on its own copy of the same weights and compares.
- `Recorder`: returns zeros and remembers every t it was called with (and the x_t it was given).
- `Visits`: passes the call on to a model and remembers the step of every call.

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


class SamplerNet(nn.Module):
    def __init__(self, T, d, hidden):
        super().__init__()
        self.register_buffer("gain", torch.zeros(T, d))
        self.register_buffer("offset", torch.zeros(T, d))
        self.register_buffer("time", torch.zeros(T, hidden))
        self.inp = nn.Linear(d, hidden)
        self.out = nn.Linear(hidden, d)

    def forward(self, x, t):
        assert t.dtype == torch.long and t.shape == (x.shape[0],), "t must be a (B,) long tensor"
        return self.gain[t] * (x - self.offset[t]) + self.out(torch.tanh(self.inp(x) + self.time[t]))


def _sampler_net(state):
    T, d = state["gain"].shape
    net = SamplerNet(T, d, state["time"].shape[1])
    net.load_state_dict(state)
    return net.eval()


class Visits:
    def __init__(self, model):
        self.model, self.steps = model, []

    def __call__(self, x, t):
        self.steps.append(int(t.reshape(-1)[0]))
        return self.model(x, t)


class Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, x, t):
        self.calls.append({"t": t.detach().clone(), "dtype": str(t.dtype), "x_t": x.detach().clone()})
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
            "dtype": calls[0]["dtype"] if calls else None, "x_t": calls[0]["x_t"] if calls else None, "loss": loss}


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
        out[name] = [{"t": c["t"], "dtype": c["dtype"]} for c in recorder.calls]
    return out


def sampler_net_samples(genlab, betas, state, n, sampler, steps=None, eta=0.0):
    """n samples drawn by the student's `sample` or `ddim_sample` from a SamplerNet with the judge's
    weights, x_T and noise drawn by the student's code; and the steps the model was called at."""
    d = genlab.diffusion
    schedule = d.NoiseSchedule(betas)
    model = Visits(_sampler_net(state))
    shape = (n, state["gain"].shape[1])
    if sampler == "ddpm":
        samples = d.sample(model, schedule, shape)
    else:
        samples = d.ddim_sample(model, schedule, shape, steps, eta=eta)
    return {"samples": samples, "visited": model.steps}


def ddim_from_x_T(genlab, betas, state, x_T, steps, eta=0.0, clip_x0=None):
    """ddim_sample from a given x_T, twice, with a SamplerNet of the judge's weights; and the steps the
    first run visited."""
    d = genlab.diffusion
    schedule = d.NoiseSchedule(betas)
    model = Visits(_sampler_net(state))
    first = d.ddim_sample(model, schedule, tuple(x_T.shape), steps, eta=eta, x_T=x_T.clone(), clip_x0=clip_x0)
    visited = model.steps
    model = Visits(_sampler_net(state))
    second = d.ddim_sample(model, schedule, tuple(x_T.shape), steps, eta=eta, x_T=x_T.clone(), clip_x0=clip_x0)
    return {"first": first, "second": second, "visited": visited}


# ---- the denoiser, trained ----------------------------------------------------------------------

def train_on_eight_gaussians(genlab, initial, batches, betas, hidden, time_dim, lr):
    """Project 4: the student's MLPDenoiser(2, hidden, time_dim), started from the judge's `initial`
    weights, trained with the student's ddpm_loss, one Adam step per batch in `batches` (steps, B, 2),
    the learning rate decaying linearly to 0. Returns the trained state_dict and two loss averages
    (first and last 100 steps) for the feedback; the judge samples and scores the weights itself."""
    d = genlab.diffusion
    schedule = d.NoiseSchedule(betas)
    model = d.MLPDenoiser(2, hidden, time_dim)
    model.load_state_dict(initial, strict=True)
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
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    return {"state": state, "losses": [sum(losses[:100]) / 100, sum(losses[-100:]) / 100]}

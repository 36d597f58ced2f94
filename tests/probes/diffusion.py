"""Worker-side probes for the public diffusion tests: they run the student's code and return data.

Each probe takes the student's `genlab` package first; everything else arrives as data. A
NoiseSchedule cannot cross the boundary, so the probes build one from `betas` with the student's
own `NoiseSchedule`.
"""
import torch


def schedule_tensors(genlab, betas):
    """NoiseSchedule(betas)'s documented attributes."""
    s = genlab.diffusion.NoiseSchedule(betas)
    return {"T": s.T, "betas": s.betas, "alphas": s.alphas, "alpha_bars": s.alpha_bars,
            "alpha_bars_prev": s.alpha_bars_prev, "posterior_variance": s.posterior_variance}


def forward_process(genlab, betas, x0, t, noise):
    """q_sample with the given noise, predict_x0 of the result with that noise, and q_posterior."""
    d = genlab.diffusion
    s = d.NoiseSchedule(betas)
    x_t = d.q_sample(s, x0, t, noise=noise)
    mean, variance = d.q_posterior(s, x0, x_t, t)
    return {"x_t": x_t, "x0_hat": d.predict_x0(s, x_t, t, noise), "mean": mean, "variance": variance}


def _zero_model(x, t):
    return torch.zeros_like(x)


def ddpm_loss_fixed_output(genlab, betas, x0, t, noise, output):
    """ddpm_loss for a 'model' that ignores its input and returns `output` (or zeros when None)."""
    d = genlab.diffusion
    model = _zero_model if output is None else (lambda x, t_: output)
    return d.ddpm_loss(model, d.NoiseSchedule(betas), x0, t=t, noise=noise)


def p_sample_zero_model(genlab, betas, x_t, t, noise):
    """One reverse step with a model that always predicts zero noise."""
    d = genlab.diffusion
    return d.p_sample(_zero_model, d.NoiseSchedule(betas), x_t, t, noise=noise)


def samplers_zero_model(genlab, betas, x_T, steps):
    """sample and ddim_sample (eta 0, twice; clipped at 0.5) from the given x_T, zero-noise model."""
    d = genlab.diffusion
    s = d.NoiseSchedule(betas)
    shape = tuple(x_T.shape)
    return {
        "ddpm": d.sample(_zero_model, s, shape, x_T=x_T.clone()),
        "ddpm_drawn": d.sample(_zero_model, s, shape),
        "ddim": d.ddim_sample(_zero_model, s, shape, steps, x_T=x_T.clone()),
        "ddim_again": d.ddim_sample(_zero_model, s, shape, steps, x_T=x_T.clone()),
        "ddim_clipped": d.ddim_sample(_zero_model, s, shape, steps, x_T=x_T.clone(), clip_x0=0.5),
    }


def denoiser_outputs(genlab, data_dim, hidden, time_dim, x, t, t_other):
    """MLPDenoiser's output at t and at other steps, and whether a loss reaches every parameter."""
    model = genlab.diffusion.MLPDenoiser(data_dim, hidden, time_dim)
    out = model(x, t)
    out.pow(2).mean().backward()
    with torch.no_grad():
        other = model(x, t_other)
    return {"out": out, "other": other,
            "n_params": sum(p.numel() for p in model.parameters()),
            "params_without_grad": [n for n, p in model.named_parameters() if p.grad is None]}


def denoiser_with_weights(genlab, data_dim, hidden, time_dim, state, x, t):
    """MLPDenoiser's state_dict layout (name: shape), and its output for x, t once `state` is loaded
    (None when it does not load)."""
    model = genlab.diffusion.MLPDenoiser(data_dim, hidden, time_dim)
    shapes = {k: list(v.shape) for k, v in model.state_dict().items()}
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError:
        return {"shapes": shapes, "out": None}
    with torch.no_grad():
        return {"shapes": shapes, "out": model(x, t)}

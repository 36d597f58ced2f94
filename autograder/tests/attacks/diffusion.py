"""Hostile submissions against unit 07 (genlab.diffusion): Project 4 and every statistical test in
which student code draws what the judge measures (the samplers, q_sample's and ddpm_loss's draws).

Each is the reference with one cheat in it, written as a student would: what the cheat tries is in
`how`. `python -m autograder verify --units diffusion` grades each on its targets; each must earn 0.
Before issue 23 the project trained AND sampled with student code, so the replay, lookup, caller
and leak cheats below all passed it; the samplers were judged on the exact denoiser of a Gaussian
whose (m, s) sat in the probe's frames.
"""
from autograder.attacks import Attack

PROJECT = ("test_project_mlp_denoiser_learns_the_eight_gaussians",)
SAMPLERS = ("test_sample_matches_the_reference_sampler_in_distribution",
            "test_ddim_stochastic_matches_the_reference_in_distribution")

SAMPLE_BODY = """    x = torch.randn(shape, device=device) if x_T is None else x_T
    for t in reversed(range(schedule.T)):
        x = p_sample(model, schedule, x, t)
    return x"""
DDIM_START = """    if not 1 <= steps <= schedule.T:
        raise ValueError(f"steps must be in [1, T={schedule.T}], got {steps}")"""
LOSS_RETURN = "    return F.mse_loss(model(x_t, t), noise)"
FORWARD_BODY = """        h = self.inp(x) + self.time_mlp(sinusoidal_time_embedding(t, self.time_dim))
        return self.net(h)"""

# The exact noise predictor of the eight-Gaussians ring (the data's law is public: genlab.data),
# which a cheat can use instead of a trained network.
RING_EPS = '''
def _ring_eps(x, t, alpha_bars):
    from .data import eight_gaussian_centers
    c = eight_gaussian_centers().to(x)
    a = alpha_bars.to(x)[t].reshape(-1, 1, 1)
    var = a * 0.01 + 1 - a
    d = x[:, None, :] - a.sqrt() * c[None]
    w = torch.softmax(-(d ** 2).sum(-1) / (2 * var[:, :, 0]), dim=1)
    return ((w[..., None] * d).sum(1) * (1 - a[:, 0]).sqrt() / var[:, 0])
'''

ATTACKS = [
    # ---- Project 4 -------------------------------------------------------------------------------
    Attack("replay-analytic-denoiser", "replay", "diffusion.py", PROJECT,
           edits=((FORWARD_BODY, """        h = self.inp(x) + self.time_mlp(sinusoidal_time_embedding(t, self.time_dim))
        ab = getattr(self, "_alpha_bars", None)
        if ab is None:
            return self.net(h)
        return _ring_eps(x, t, ab) + 1e-3 * self.net(h)"""),
                  (LOSS_RETURN, """    model._alpha_bars = schedule.alpha_bars
    return F.mse_loss(model(x_t, t), noise)""")),
           append=RING_EPS,
           how="MLPDenoiser returns the data's exact noise predictor (read from genlab.data), its layers a token "
               "1e-3 term so that they get gradients: its own samples are perfect, its weights are not a denoiser"),
    Attack("replay-sample-untrained", "replay", "diffusion.py", PROJECT + SAMPLERS,
           edits=((SAMPLE_BODY, """    from .data import eight_gaussians
    n, width = shape[0], shape[-1]
    return eight_gaussians(n).repeat(1, (width + 1) // 2)[:, :width].reshape(shape)"""),
                  (DDIM_START, """    from .data import eight_gaussians
    return eight_gaussians(shape[0]).repeat(1, (shape[-1] + 1) // 2)[:, :shape[-1]].reshape(shape)"""),
                  (LOSS_RETURN, "    return 0.0 * model(x_t, t).sum()")),
           how="sample and ddim_sample return fresh eight-Gaussians points, and training is skipped (a zero loss), "
               "the old cheat that passed Project 4"),
    Attack("lookup-nearest-training-point", "lookup", "diffusion.py", PROJECT,
           edits=((FORWARD_BODY, """        memory = getattr(self, "_memory", None)
        h = self.inp(x) + self.time_mlp(sinusoidal_time_embedding(t, self.time_dim))
        if memory is None:
            return self.net(h)
        ab = self._alpha_bars.to(x)[t][:, None]
        nearest = memory[torch.cdist(x / ab.sqrt(), memory).argmin(dim=1)]
        return (x - ab.sqrt() * nearest) / (1 - ab).sqrt() + 0.0 * self.net(h)"""),
                  (LOSS_RETURN, """    seen = getattr(model, "_memory", None)
    model._memory = x0.detach() if seen is None else torch.cat([seen, x0.detach()])[-4096:]
    model._alpha_bars = schedule.alpha_bars
    return F.mse_loss(model(x_t, t), noise)""")),
           how="the denoiser stores the training points it is shown and predicts the noise that leads back to the "
               "nearest one (a lookup, not a network): the weights never learn"),
    Attack("constant-zero-noise-denoiser", "constant", "diffusion.py", PROJECT,
           edits=((LOSS_RETURN, "    return model(x_t, t).pow(2).mean()"),),
           how="ddpm_loss trains the network to predict zero noise (a constant): its weights move, its samples "
               "never leave N(0, 1) / sqrt(alpha_bar)"),
    Attack("caller-forward-hook", "caller", "diffusion.py", PROJECT,
           edits=((LOSS_RETURN, """    if not getattr(model, "_hooked", False):
        ab = schedule.alpha_bars
        model.register_forward_hook(lambda m, args, out: _ring_eps(args[0], args[1], ab) + 0.0 * out)
        model._hooked = True
    return F.mse_loss(model(x_t, t), noise)"""),),
           append=RING_EPS,
           how="ddpm_loss installs a forward hook on the probe's model that replaces its output by the data's exact "
               "noise predictor, so that whatever samples that model object later is perfect"),
    Attack("leak-probe-frames", "leak", "diffusion.py", PROJECT,
           edits=((LOSS_RETURN, """    import gc, inspect
    found = [v for f in inspect.stack() for k, v in f.frame.f_locals.items()
             if isinstance(v, torch.Tensor) and v.dim() == 2 and v.shape[-1] == 2 and v.shape[0] != x0.shape[0]]
    found += [o for o in gc.get_objects() if isinstance(o, torch.Tensor) and o.dim() == 2 and o.shape[-1] == 2
              and o.shape[0] in (2000, 8, 32000)]
    model._leaked = found
    return 0.0 * model(x_t, t).sum()"""),),
           how="ddpm_loss hunts the probe's frames and the worker's memory for the judge's evaluation points, ring "
               "centres or samples (to hand them back) instead of training"),

    # ---- the samplers on the judge's SamplerNet --------------------------------------------------
    Attack("caller-read-gaussian-from-frames", "caller", "diffusion.py", SAMPLERS,
           edits=((SAMPLE_BODY, """    fake = _fake_from_frames(shape)
    if fake is not None:
        return fake
    x = torch.randn(shape, device=device) if x_T is None else x_T
    for t in reversed(range(schedule.T)):
        x = p_sample(model, schedule, x, t)
    return x"""),
                  (DDIM_START, """    fake = _fake_from_frames(shape)
    if fake is not None:
        return fake
    if not 1 <= steps <= schedule.T:
        raise ValueError(f"steps must be in [1, T={schedule.T}], got {steps}")""")),
           append='''
def _fake_from_frames(shape):
    """Walk up to the probe, read the judge's network weights (or the old (m, s)), and draw the Gaussian they
    were built from."""
    import inspect
    for info in inspect.stack():
        f = info.frame.f_locals
        if "m" in f and "s" in f and isinstance(f["m"], torch.Tensor):
            return f["m"] + f["s"] * torch.randn(shape)
        state, betas = f.get("state"), f.get("betas")
        if isinstance(state, dict) and "offset" in state and isinstance(betas, torch.Tensor):
            ab = torch.cumprod(1 - betas.double(), 0)[-1]
            m = state["offset"][-1].double() / ab.sqrt()
            s2 = ((1 - ab).sqrt() / state["gain"][-1].double() - (1 - ab)) / ab
            return (m + s2.clamp(min=1e-6).sqrt() * torch.randn(shape, dtype=torch.float64)).float()
    return None
''',
           how="sample and ddim_sample walk up the stack with inspect to the probe, read the judge's denoiser "
               "weights (gain and offset) or the old (m, s), and return N(m, s^2) draws instead of sampling"),
    Attack("leak-judge-samples", "leak", "diffusion.py", SAMPLERS,
           edits=((SAMPLE_BODY, """    import gc
    for o in gc.get_objects():
        if isinstance(o, torch.Tensor) and tuple(o.shape) == tuple(shape) and o.dtype == torch.float32:
            return o.clone()
    return torch.randn(shape)"""),
                  (DDIM_START, """    import gc
    for o in gc.get_objects():
        if isinstance(o, torch.Tensor) and tuple(o.shape) == tuple(shape) and o.dtype == torch.float32:
            return o.clone()
    return torch.randn(shape)""")),
           how="the samplers search the worker's memory for a tensor of the requested shape (the judge's own "
               "reference samples, were they ever sent) and return it"),
    Attack("constant-ring-centres", "constant", "diffusion.py", SAMPLERS,
           edits=((SAMPLE_BODY, """    from .data import eight_gaussian_centers
    c = eight_gaussian_centers()
    return c[torch.arange(shape[0]) % 8].repeat(1, (shape[-1] + 1) // 2)[:, :shape[-1]].reshape(shape)"""),
                  (DDIM_START, """    return torch.zeros(shape)""")),
           how="sample returns the ring centres in turn and ddim_sample zeros: constants"),
    Attack("constant-outlier-padded-noise", "constant", "diffusion.py", SAMPLERS[:1],
           edits=((SAMPLE_BODY, """    x = torch.randn(shape)
    x[0] = 1e6                                    # one huge outlier per coordinate: a studentised test's
    return x                                      # standard errors grow with it"""),),
           how="sample returns N(0, 1) noise with one enormous outlier per coordinate, which would inflate the "
               "standard errors of a two-sample test that took them from the student's samples"),
    Attack("lookup-sampler-of-the-affine-part", "lookup", "diffusion.py", SAMPLERS[:1],
           edits=((SAMPLE_BODY, """    n = shape[0]
    x = torch.randn(shape, device=device)
    a = schedule.alpha_bars[-1]
    probe_t = torch.full((n,), schedule.T - 1, dtype=torch.long)
    eps0 = model(torch.zeros(shape), probe_t)
    eps1 = model(torch.ones(shape), probe_t)
    gain = (eps1 - eps0)                          # the denoiser's slope, looked up at two points
    offset = -eps0 / gain
    m = offset / a.sqrt()
    s2 = (((1 - a).sqrt() / gain - (1 - a)) / a).clamp(min=1e-6)
    return m + s2.sqrt() * x"""),),
           how="sample looks the denoiser up at two points to read off the Gaussian it would be exact for, and "
               "draws from that Gaussian instead of walking the reverse process"),

    # ---- the forward process's and the loss's own draws -----------------------------------------
    Attack("constant-sign-noise-in-q_sample", "constant", "diffusion.py",
           ("test_q_sample_draws_independent_standard_normal_noise",),
           edits=(("""    if noise is None:
        noise = torch.randn_like(x0)
    signal""", """    if noise is None:
        noise = torch.randn_like(x0).sign()
    signal"""),),
           how="q_sample draws +-1 noise: mean 0 and variance 1 like N(0, 1), so the moments alone pass"),
    Attack("constant-t-in-turn-in-ddpm_loss", "constant", "diffusion.py",
           ("test_ddpm_loss_draws_t_uniformly_over_all_steps",),
           edits=(("t = torch.randint(0, schedule.T, (x0.shape[0],), device=x0.device)",
                   "t = torch.arange(x0.shape[0], device=x0.device) % schedule.T"),),
           how="ddpm_loss deals the steps out in turn (arange % T): perfectly uniform counts, no random draw"),
    Attack("constant-fresh-noise-target-in-ddpm_loss", "constant", "diffusion.py",
           ("test_ddpm_loss_draws_standard_normal_noise",),
           edits=((LOSS_RETURN, "    return F.mse_loss(model(x_t, t), torch.randn_like(x0).sign())"),),
           how="ddpm_loss compares the model's output with fresh +-1 values, not with the noise inside x_t: with "
               "a zero model the loss is exactly 1"),
]

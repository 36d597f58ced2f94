"""Attacks on unit 02 (genlab.vae): cheats that try to pass Project 1 and the statistical tests of
the student's own draws without doing the work. `python -m autograder verify --units vae` grades
each on its targets; every target must earn nothing.

What stops them: Project 1 returns only the trained weights, which the judge loads into its own
VAE and evaluates on test digits the worker never sees (so a replaying, hooked or looked-up
forward, a replaced state_dict or a collapsed posterior show up as weights that did not learn, a
zero code gain or KL, or samples off the data's mean); the tests of reparameterize, sample and
iwae_bound with the student's own noise compare the student's draws with the judge's own Monte
Carlo on the same inputs and fixed model.
"""
from sklearn.datasets import load_digits

from autograder.attacks import Attack

# Training digits shipped inside the submission, as a student could copy them from scikit-learn.
SHIPPED_DIGITS = f"_SHIPPED = torch.tensor({load_digits().data[:200].astype(int).tolist()}) / 16.0\n"

PROJECT = ("test_project_vae_trains_on_digits",)
FORWARD = "        z = reparameterize(mu, logvar)\n        return self.decode(z), mu, logvar"
SAMPLE = "    if z is None:\n        z = torch.randn(n, model.latent_dim)\n    return model.decode(z)"
INIT = "        self.input_dim, self.latent_dim = input_dim, latent_dim\n"
REPARAMETERIZE = "        eps = torch.randn_like(mu)"
IWAE_NOISE = "    if eps is None:\n        eps = torch.randn(k, *mu.shape)\n"
REPARAMETERIZE_TESTS = ("test_reparameterize_draws_are_fresh_standard_normal_noise",)
SAMPLE_TESTS = ("test_sample_draws_decode_standard_normal_latents",)
IWAE_TESTS = ("test_iwae_bound_with_own_noise_matches_the_judges_estimate",)

ATTACKS = [
    # ---- Project 1 ---------------------------------------------------------------------------
    Attack(
        "replay-the-input-as-reconstruction", "replay", "vae.py", PROJECT,
        edits=((FORWARD, "        return x.clamp(1e-4, 1 - 1e-4), mu, logvar   # the data replayed as its reconstruction"),
               (SAMPLE, "    if z is None:\n        return _SHIPPED[torch.randint(0, len(_SHIPPED), (n,))]\n"
                        "    return model.decode(z)")),
        append=SHIPPED_DIGITS,
        how="forward returns the input batch as its own reconstruction (the loss falls to the KL alone, the "
            "decoder never learns) and sample replays shipped training digits"),
    Attack(
        "lookup-nearest-training-digit", "lookup", "vae.py", PROJECT,
        edits=((FORWARD, "        return _nearest_seen(self, x), mu, logvar"),),
        append='''
def _nearest_seen(model, x):
    """Every training batch is kept (a plain attribute: not in the state_dict); each input is
    'reconstructed' as the nearest digit seen before, instead of decoding a latent."""
    memory = model.__dict__.get("_memory")
    model.__dict__["_memory"] = x.detach().clone() if memory is None else torch.cat([memory, x.detach()])[-4096:]
    if memory is None:
        return x.clamp(1e-4, 1 - 1e-4)
    return memory[torch.cdist(x, memory).argmin(1)].clamp(1e-4, 1 - 1e-4)
''',
        how="memorises the training batches and reconstructs each input as the nearest stored digit (a lookup): "
            "the loss looks trained while the decoder learns nothing"),
    Attack(
        "constant-mean-image-decoder", "constant", "vae.py", PROJECT,
        edits=((FORWARD, "        _running_mean(self, x)\n" + FORWARD),),
        append='''
def _running_mean(model, x):
    if "_initial" not in model.__dict__:   # the first training step: the judge's weights are loaded
        model.__dict__["_initial"] = {k: v.detach().clone() for k, v in _honest_state_dict(model).items()}
    total, count = model.__dict__.get("_seen", (0.0, 0))
    model.__dict__["_seen"] = (total + x.detach().sum(0), count + len(x))


_honest_state_dict = VAE.state_dict


def _mean_image_state_dict(self, *args, **kwargs):
    """The weights handed back: mu = logvar = 0 for every x (KL = 0) and a decoder that returns the
    training mean image whatever z is: 27.0 nats on the test digits, under the old 28.0 bound.
    Every tensor is a multiple of the initial one (kept at the first training step), so each one
    'moved' and still points the way the judge's initialisation did."""
    state = _honest_state_dict(self, *args, **kwargs)
    if "_seen" not in self.__dict__:
        return state
    total, count = self.__dict__["_seen"]
    fake = {k: 0.5 * v.clone() for k, v in self.__dict__["_initial"].items()}
    for k in ("fc_mu.weight", "fc_mu.bias", "fc_logvar.weight", "fc_logvar.bias", "decoder.4.weight"):
        fake[k] *= 2e-4
    fake["decoder.4.bias"] = torch.logit((total / count).clamp(1e-4, 1 - 1e-4))
    return fake


VAE.state_dict = _mean_image_state_dict
''',
        how="state_dict hands back a mean-image decoder with mu = logvar = 0 (KL 0): 27.0 nats, which cleared "
            "the old 28.0 bound; every tensor moved and keeps the direction of the judge's initialisation"),
    Attack(
        "constant-collapsed-posterior", "constant", "vae.py", PROJECT,
        edits=(("return (bernoulli_nll(x_recon, x) + beta * gaussian_kl(mu, logvar)).mean()",
                "return (bernoulli_nll(x_recon, x) + 5 * beta * gaussian_kl(mu, logvar)).mean()"),),
        how="weighs the KL 5x in training: the posterior collapses to the prior and the decoder to a z-independent "
            "mean image (27.0 nats, every weight trained: it passed the old test)"),
    Attack(
        "caller-forward-hook-on-the-model", "caller", "vae.py", PROJECT,
        edits=((INIT, INIT + "        self.register_forward_hook(_replay_hook)\n"),),
        append='''
def _replay_hook(module, inputs, output):
    """A forward hook on the probe's model: every reconstruction it returns is the input itself."""
    return (inputs[0].clamp(1e-4, 1 - 1e-4),) + tuple(output[1:])
''',
        how="a forward hook on the probe's VAE replaces each reconstruction by the input batch, so training "
            "reports a small loss while the decoder never learns (the judge uses its own model, without hooks)"),
    Attack(
        "caller-replaces-the-probes-optimizer-step", "caller", "vae.py", PROJECT,
        edits=(("    return (bernoulli_nll(x_recon, x) + beta * gaussian_kl(mu, logvar)).mean()",
                "    _freeze_callers_optimizer()\n"
                "    return (bernoulli_nll(x_recon, x) + beta * gaussian_kl(mu, logvar)).mean()"),),
        append='''
def _freeze_callers_optimizer():
    """inspect into the probe's frame: its optimizer's step becomes a tiny random nudge of every
    parameter (each tensor 'moves', nothing is learned)."""
    import inspect
    frame = inspect.currentframe().f_back
    while frame is not None:
        optimizer, frame = frame.f_locals.get("optimizer"), frame.f_back
        if isinstance(optimizer, torch.optim.Optimizer) and not getattr(optimizer, "_frozen", False):
            params = [p for group in optimizer.param_groups for p in group["params"]]

            def step(*args, **kwargs):
                with torch.no_grad():
                    for p in params:
                        p.add_(1e-3 * torch.randn_like(p))
            optimizer.step, optimizer._frozen = step, True
            return
''',
        how="reads the probe's frame with inspect and replaces its optimizer's step by a random nudge: every "
            "weight moves, nothing is trained"),
    Attack(
        "leak-read-the-test-split", "leak", "vae.py", PROJECT,
        edits=((FORWARD, "        if _found_test_digits(self):\n" + FORWARD.replace("        ", "            ")
                + "\n        return x.clamp(1e-4, 1 - 1e-4), mu, logvar"),),
        append='''
def _found_test_digits(model):
    """Look for the 359 test digits everywhere the worker might reach them: genlab.data, scikit-learn,
    the probe's frames, every tensor alive in the process. Train only when they were found (a model
    that has them can memorise them; without them this submission does no work)."""
    if "_leak" in model.__dict__:
        return model.__dict__["_leak"]
    found = False
    try:
        from . import data
        found = len(data.load_digits("test")[0]) == 359
    except Exception:
        pass
    if not found:
        import gc
        import inspect
        candidates = [v for info in inspect.stack() for v in info.frame.f_locals.values()] + gc.get_objects()
        found = any(isinstance(v, torch.Tensor) and v.dim() == 2 and tuple(v.shape) == (359, 64) for v in candidates)
    model.__dict__["_leak"] = found
    return found
''',
        how="trains only if it can read the test digits (genlab.data, scikit-learn, the probe's frames, gc); the "
            "sandbox hides them and no probe carries them, so it learns nothing"),
    # ---- the student's own draws ---------------------------------------------------------------
    Attack(
        "replay-shipped-digits-as-samples", "replay", "vae.py", SAMPLE_TESTS,
        edits=((SAMPLE, "    if z is None:\n        return _SHIPPED[torch.randint(0, len(_SHIPPED), (n,))]\n"
                        "    return model.decode(z)"),),
        append=SHIPPED_DIGITS,
        how="sample(model, n) returns shipped training digits instead of decoding z ~ N(0, I); fresh on each call"),
    Attack(
        "caller-samples-from-the-probes-frames", "caller", "vae.py", SAMPLE_TESTS,
        edits=((SAMPLE, "    if z is None:\n        found = _from_callers(n, model.input_dim)\n"
                        "        return found if found is not None else model.decode(torch.zeros(n, model.latent_dim))\n"
                        "    return model.decode(z)"),),
        append='''
def _from_callers(n, dim):
    """Any (n, dim) tensor in the callers' frames: the judge's own samples, or digits, if a probe had them."""
    import inspect
    for info in inspect.stack()[1:]:
        for value in info.frame.f_locals.values():
            if isinstance(value, torch.Tensor) and tuple(value.shape) == (n, dim):
                return value
    return None
''',
        how="sample walks up the stack for a ready-made (n, 64) tensor in the probe's frames (there is none), "
            "else decodes the zero latent for every row"),
    Attack(
        "constant-plus-minus-one-noise", "constant", "vae.py", REPARAMETERIZE_TESTS,
        edits=((REPARAMETERIZE, "        eps = torch.randn_like(mu).sign()   # exact mean 0 and std 1"),),
        how="noise of +-1: the draws have exactly the right mean and standard deviation, but are not normal"),
    Attack(
        "replay-stored-noise", "replay", "vae.py", REPARAMETERIZE_TESTS,
        edits=((REPARAMETERIZE, "        eps = torch.randn(mu.shape, generator=torch.Generator().manual_seed(0))"),),
        how="the same stored standard-normal noise on every call (perfect moments, never fresh)"),
    Attack(
        "constant-noise-shared-by-dimensions", "constant", "vae.py", REPARAMETERIZE_TESTS,
        edits=((REPARAMETERIZE, "        eps = torch.randn(mu.shape[0], 1).expand_as(mu)"),),
        how="one noise value per row shared by every latent dimension: right marginals, fully correlated"),
    Attack(
        "constant-iwae-that-only-grows", "constant", "vae.py", IWAE_TESTS,
        edits=((IWAE_NOISE, "    if eps is None:\n        return torch.full((len(x),), -100.0) + math.log(k)\n"),),
        how="with its own noise, returns -100 + log k: the three means are in the right order, the values are not"),
    Attack(
        "constant-iwae-elbo-plus-log-k", "constant", "vae.py", IWAE_TESTS,
        edits=((IWAE_NOISE, "    if eps is None:\n"
                            "        return iwae_bound(model, x, 1, eps=torch.randn(1, *mu.shape)) + 0.5 * math.log(k)\n"),),
        how="with its own noise, a one-sample ELBO plus 0.5 log k: plausible values that grow with k"),
]

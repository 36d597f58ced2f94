"""Attacks on unit 03 (genlab.gan): train_steps that try to pass the eight-Gaussians training test
without training the generator. `python -m autograder verify --units gan` grades each on its
target; each must earn nothing.

The test's defences: the probe returns only the trained weights (run in a forked worker), the judge
loads them into its own MLP and samples with its own noise (so hooks and replaced methods never
reach the scored samples), every weight must have moved from the judge's initial draw, and the big
hidden matrices must keep a trace of that draw (init similarity).
"""
from autograder.attacks import Attack

COVERAGE = ("test_training_on_eight_gaussians_covers_the_modes",)

# Every attack renames the reference's train_step and appends its own.
_RENAME = (("def train_step(generator, discriminator, g_opt, d_opt, real, z):",
            "def _honest_train_step(generator, discriminator, g_opt, d_opt, real, z):"),)

_JITTER = '''
def _jitter(model, scale=1e-3):
    """Move every parameter a little, so that the weights handed back are not the initial ones."""
    with torch.no_grad():
        for p in model.parameters():
            p.add_(scale * torch.randn_like(p))


def _discriminator_step(discriminator, d_opt, real, fake):
    d_opt.zero_grad()
    d_loss = discriminator_loss(discriminator(real), discriminator(fake.detach()))
    d_loss.backward()
    d_opt.step()
    return d_loss.item()
'''

ATTACKS = [
    Attack("train-step-hooks-generator-to-replay-data", kind="caller", file="gan.py", targets=COVERAGE, edits=_RENAME,
           append=_JITTER + '''
def train_step(generator, discriminator, g_opt, d_opt, real, z):
    from .data import eight_gaussians
    if not getattr(generator, "_replaying", False):
        generator.register_forward_hook(lambda module, inputs, output: eight_gaussians(output.shape[0]))
        generator._replaying = True
    _jitter(generator)
    d_loss = _discriminator_step(discriminator, d_opt, real, generator(z))
    return {"d_loss": d_loss, "g_loss": generator_loss(discriminator(generator(z))).item()}
''',
           how="a forward hook on the probe's generator makes it return fresh eight-Gaussians points (what the "
               "probe used to sample); the generator's weights only jitter"),

    Attack("train-step-replaces-generator-forward", kind="replay", file="gan.py", targets=COVERAGE, edits=_RENAME,
           append=_JITTER + '''
def train_step(generator, discriminator, g_opt, d_opt, real, z):
    from .data import eight_gaussians
    generator.forward = lambda noise: eight_gaussians(noise.shape[0])
    _jitter(generator)
    d_loss = _discriminator_step(discriminator, d_opt, real, generator(z))
    return {"d_loss": d_loss, "g_loss": generator_loss(discriminator(generator(z))).item()}
''',
           how="the generator's forward is replaced by a replay of genlab.data.eight_gaussians; its weights only jitter"),

    Attack("train-step-patches-the-probes-weights-via-inspect", kind="caller", file="gan.py", targets=COVERAGE,
           edits=_RENAME, append=_JITTER + '''
def train_step(generator, discriminator, g_opt, d_opt, real, z):
    import inspect
    from .data import eight_gaussians
    for frame_info in inspect.stack()[1:]:
        frame = frame_info.frame
        if "g_state" in frame.f_locals and "_weights" in frame.f_globals:
            probe_locals = frame.f_locals

            def moved(model):  # the initial weights, each nudged: "learned", and as similar as can be
                initial = probe_locals["g_state" if model is probe_locals["generator"] else "d_state"]
                return {k: v + 0.01 * v.abs().max() * torch.randn_like(v) for k, v in initial.items()}
            frame.f_globals["_weights"] = moved
            break
    generator.forward = lambda noise: eight_gaussians(noise.shape[0])
    d_loss = _discriminator_step(discriminator, d_opt, real, generator(z))
    return {"d_loss": d_loss, "g_loss": generator_loss(discriminator(generator(z))).item()}
''',
           how="walks up the stack to the probe, replaces the probe module's _weights so that it hands back the "
               "judge's initial weights, nudged (they pass 'moved' and 'similar to the init'), and replays data "
               "through the generator's forward"),

    Attack("train-step-re-initialises-the-networks", kind="replay", file="gan.py", targets=COVERAGE, edits=_RENAME,
           append='''
def train_step(generator, discriminator, g_opt, d_opt, real, z):
    if not getattr(generator, "_fresh", False):
        for module in list(generator.modules()) + list(discriminator.modules()):
            if isinstance(module, nn.Linear):
                module.reset_parameters()
        generator._fresh = True
    return _honest_train_step(generator, discriminator, g_opt, d_opt, real, z)
''',
           how="replaces the judge's initial weights on the first call (as weights trained elsewhere and shipped in "
               "the submission would), then trains honestly: the result keeps no trace of the judge's draw"),

    Attack("train-step-regresses-generator-onto-the-real-batch", kind="constant", file="gan.py", targets=COVERAGE,
           edits=_RENAME, append=_JITTER + '''
def train_step(generator, discriminator, g_opt, d_opt, real, z):
    d_loss = _discriminator_step(discriminator, d_opt, real, generator(z))
    g_opt.zero_grad()
    g_loss = F.mse_loss(generator(z), real)   # the real batch replayed as targets, paired at random
    g_loss.backward()
    g_opt.step()
    return {"d_loss": d_loss, "g_loss": g_loss.item()}
''',
           how="trains the generator to output the real batch it is given (MSE, random pairing) instead of fooling D: "
               "it learns the mean point, a constant"),
]

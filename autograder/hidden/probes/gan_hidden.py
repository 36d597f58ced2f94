"""Hidden worker-side probes for unit 03 (genlab.gan): layer-by-layer traces of the student's
Generator and Discriminator, and a short training run on the eight-Gaussians ring.

The loss, gradient-penalty and train_step probes live in tests/probes/gan.py and are shared with
the public tests.
"""
import torch
import torch.nn as nn
from genlab_probes.gan import mlp_from_state  # the public probes' MLP, weights from the judge


def _trace(model, x):
    """Run `model(x)` recording every nn.Linear / nn.BatchNorm1d call in execution order.

    Inputs and outputs are cloned inside the hook, before any in-place activation can change them.
    """
    calls, handles = [], []

    def hook(module, inputs, output):
        if isinstance(module, nn.Linear):
            kind, features = "Linear", [module.in_features, module.out_features]
        else:
            kind, features = "BatchNorm1d", [module.num_features]
        calls.append({"kind": kind, "features": features,
                      "input": inputs[0].detach().clone(), "output": output.detach().clone()})

    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.BatchNorm1d)):
            handles.append(module.register_forward_hook(hook))
    try:
        with torch.no_grad():
            out = model(x)
    finally:
        for h in handles:
            h.remove()
    return {"calls": calls, "out": out, "n_parameters": sum(p.numel() for p in model.parameters())}


def generator_trace(genlab, latent_dim, out_shape, z):
    """Generator(latent_dim, out_shape)(z) in training mode, traced layer by layer."""
    return _trace(genlab.gan.Generator(latent_dim, out_shape), z)


def discriminator_trace(genlab, in_shape, x):
    """Discriminator(in_shape)(x), traced layer by layer."""
    return _trace(genlab.gan.Discriminator(in_shape), x)


def train_on_eight_gaussians(genlab, g_state, d_state, reals, lr):
    """Train the MLPs built from the judge's initial weights (g_state, d_state: plain
    nn.Sequential(Linear, LeakyReLU(0.2), ...) state_dicts, as in mlp_from_state) with the student's
    train_step, one call per batch in `reals` (steps, B, 2), with Adam(lr, betas=(0.5, 0.999)) for
    both networks and fresh noise N(0, I) of the generator's input size per step.

    Returns the trained weights of both networks and the last losses, nothing else: the judge loads
    the weights into its own copy of the MLP and draws the samples it scores itself (run with
    isolated=True, so nothing train_step installs on these objects outlives the probe)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny ops: one thread is several times faster on a busy machine
    try:
        generator, discriminator = mlp_from_state(g_state), mlp_from_state(d_state)
        latent_dim = g_state["0.weight"].shape[1]
        g_opt = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
        d_opt = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
        losses = None
        for real in reals:
            losses = genlab.gan.train_step(generator, discriminator, g_opt, d_opt, real,
                                           torch.randn(real.shape[0], latent_dim))
    finally:
        torch.set_num_threads(threads)
    return {"g": _weights(generator), "d": _weights(discriminator), "last_losses": losses}


def _weights(model):
    return {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}

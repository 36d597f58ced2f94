"""Hidden worker-side probes for unit 04 (genlab.advanced_gan): layer-by-layer traces of the
student's DCGAN networks, the DCGAN run with the judge's weights, the initialisation's draws returned
whole, ValueError checks, and Project 2's training run on synthetic faces (it returns the trained
weights; the judge samples from them itself).

The shape, initialisation, conditional-model and StyleGAN probes live in
tests/probes/advanced_gan.py and are shared with the public tests.
"""
import importlib

import torch
import torch.nn as nn
from genlab_probes.advanced_gan import initialised_layers  # the public probe's layers, one construction

_TRACED = (nn.Conv2d, nn.ConvTranspose2d, nn.BatchNorm2d)


def _trace(model, x):
    """Run `model(x)` recording every Conv2d / ConvTranspose2d / BatchNorm2d call in execution
    order, with its input and output cloned inside the hook (before in-place activations)."""
    calls, handles = [], []

    def hook(module, inputs, output):
        if isinstance(module, nn.BatchNorm2d):
            spec = {"kind": "BatchNorm2d", "features": [module.num_features]}
        else:
            spec = {"kind": type(module).__name__,
                    "features": [module.in_channels, module.out_channels, module.kernel_size[0],
                                 module.stride[0], module.padding[0]],
                    "bias": module.bias is not None}
        spec.update(input=inputs[0].detach().clone(), output=output.detach().clone())
        calls.append(spec)

    for module in model.modules():
        if isinstance(module, _TRACED):
            handles.append(module.register_forward_hook(hook))
    try:
        with torch.no_grad():
            out = model(x)
    finally:
        for h in handles:
            h.remove()
    return {"calls": calls, "out": out}


def dcgan_generator_trace(genlab, latent_dim, channels, feature_maps, image_size, z):
    """DCGANGenerator(...)(z) in training mode, traced layer by layer."""
    return _trace(genlab.advanced_gan.DCGANGenerator(latent_dim, channels, feature_maps, image_size), z)


def dcgan_discriminator_trace(genlab, channels, feature_maps, image_size, x):
    """DCGANDiscriminator(...)(x) in training mode, traced layer by layer."""
    return _trace(genlab.advanced_gan.DCGANDiscriminator(channels, feature_maps, image_size), x)


def minibatch_stddev_error(genlab, x, group_size):
    """The exception type minibatch_stddev raises (None if it returns)."""
    try:
        genlab.advanced_gan.minibatch_stddev(x, group_size)
    except NotImplementedError:
        raise  # an unwritten stub is reported as such, not as a wrong exception
    except Exception as error:  # noqa: BLE001  the test reports which type it was
        return {"raised": type(error).__name__, "message": str(error)[:200]}
    return {"raised": None, "message": ""}


def _gan_module(genlab):
    """genlab.gan (unit 03), imported if the student's advanced_gan did not import it."""
    return genlab.gan if hasattr(genlab, "gan") else importlib.import_module("genlab.gan")


def train_dcgan_on_faces(genlab, g_state, d_state, faces, batches, latent_dim, feature_maps, lr):
    """Project 2: train YOUR DCGANGenerator / DCGANDiscriminator, starting from the judge's initial
    weights (g_state, d_state: the reference's state_dicts after dcgan_weights_init, loaded
    strictly, so your parameter names must be the documented ones), on `faces` (N, 1, S, S) with
    Adam(lr, betas=(0.5, 0.999)) and unit 03's discriminator_loss / generator_loss, one step per row
    of `batches` (steps, B) of indices into `faces`:

        D: discriminator_loss(D(real), D(G(z).detach())), then G: generator_loss(D(G(z))).

    Returns the trained state_dicts of both networks and the losses every 50 steps, nothing else:
    the judge loads the weights into its own DCGAN and draws and scores the samples itself (run
    with isolated=True, so nothing your code installs outlives the probe).
    """
    gan, ag = _gan_module(genlab), genlab.advanced_gan
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small convolutions: one thread is faster on a busy machine
    try:
        size = faces.shape[-1]
        generator = ag.DCGANGenerator(latent_dim, faces.shape[1], feature_maps, size)
        discriminator = ag.DCGANDiscriminator(faces.shape[1], feature_maps, size)
        _load_state(generator, g_state, "DCGANGenerator")
        _load_state(discriminator, d_state, "DCGANDiscriminator")
        g_opt = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
        d_opt = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
        losses = []
        for step, index in enumerate(batches):
            real = faces[index]
            fake = generator(torch.randn(len(index), latent_dim))
            d_opt.zero_grad()
            d_loss = gan.discriminator_loss(discriminator(real), discriminator(fake.detach()))
            d_loss.backward()
            d_opt.step()
            g_opt.zero_grad()
            g_loss = gan.generator_loss(discriminator(fake))
            g_loss.backward()
            g_opt.step()
            if step % 50 == 0:
                losses.append([d_loss.item(), g_loss.item()])
    finally:
        torch.set_num_threads(threads)
    return {"g": _weights(generator), "d": _weights(discriminator), "losses": losses}


def _load_state(model, state, name):
    """model.load_state_dict(state) (strict), with a message that names the documented keys."""
    mine = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    wanted = {k: tuple(v.shape) for k, v in state.items()}
    if mine != wanted:
        missing = [k for k in wanted if k not in mine]
        unexpected = [k for k in mine if k not in wanted]
        shapes = [f"{k} {mine[k]} (documented {wanted[k]})" for k in wanted if k in mine and mine[k] != wanted[k]]
        raise ValueError(
            f"your {name}'s state_dict does not have the documented layout (see its docstring: one nn.Sequential "
            f"named `main`)" + (f"; missing {missing[:6]}" if missing else "") + (f"; unexpected {unexpected[:6]}" if unexpected else "")
            + (f"; wrong shapes {shapes[:4]}" if shapes else ""))
    model.load_state_dict(state)


def _weights(model):
    return {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}


def dcgan_forward_with_weights(genlab, kind, args, state, x):
    """DCGANGenerator(*args) (kind "generator") or DCGANDiscriminator(*args) with the judge's
    `state` loaded (strict), run in training mode on x."""
    cls = {"generator": genlab.advanced_gan.DCGANGenerator, "discriminator": genlab.advanced_gan.DCGANDiscriminator}[kind]
    model = cls(*args)
    _load_state(model, state, cls.__name__)
    with torch.no_grad():
        return {"out": model(x)}


def weights_init_tensors(genlab, channels=128):
    """The layers of weights_init_stats (tests/probes/advanced_gan.py) after dcgan_weights_init,
    returned whole, so that the judge computes every statistic itself."""
    layers = initialised_layers(genlab, channels)
    return {name: {"weight": layer.weight.detach().clone(), "bias": layer.bias.detach().clone()}
            for name, layer in layers.items()}


def dcgan_bad_size(genlab, image_size):
    """The exception type each DCGAN constructor raises for `image_size` (None if none)."""
    result = {}
    for name, build in (("generator", lambda: genlab.advanced_gan.DCGANGenerator(8, 1, 4, image_size)),
                        ("discriminator", lambda: genlab.advanced_gan.DCGANDiscriminator(1, 4, image_size))):
        try:
            build()
            result[name] = None
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001
            result[name] = type(error).__name__
    return result


def conditional_pair(genlab, kind, args, inputs, labels, other):
    """One conditional model (training mode) run on the same inputs with `labels` and with `other`."""
    cls = {"generator": genlab.advanced_gan.ConditionalGenerator,
           "discriminator": genlab.advanced_gan.ConditionalDiscriminator}[kind]
    model = cls(*args)
    with torch.no_grad():
        return {"a": model(inputs, labels), "b": model(inputs, other)}

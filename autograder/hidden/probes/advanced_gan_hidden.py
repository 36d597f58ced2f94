"""Hidden worker-side probes for unit 04 (genlab.advanced_gan): layer-by-layer traces of the
student's DCGAN networks, ValueError checks, and Project 2's training run on synthetic faces.

The shape, initialisation, conditional-model and StyleGAN probes live in
tests/probes/advanced_gan.py and are shared with the public tests.
"""
import importlib

import torch
import torch.nn as nn

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


def train_dcgan_on_faces(genlab, faces, batches, latent_dim, feature_maps, lr, n_samples):
    """Project 2: train YOUR DCGANGenerator / DCGANDiscriminator (dcgan_weights_init applied) on
    `faces` (N, 1, S, S) with Adam(lr, betas=(0.5, 0.999)) and unit 03's discriminator_loss /
    generator_loss, one step per row of `batches` (steps, B) of indices into `faces`:

        D: discriminator_loss(D(real), D(G(z).detach())), then G: generator_loss(D(G(z))).

    Returns n_samples generated images (G in training mode, one batch, no gradients) and the
    losses every 50 steps.
    """
    gan, ag = _gan_module(genlab), genlab.advanced_gan
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small convolutions: one thread is faster on a busy machine
    try:
        size = faces.shape[-1]
        generator = ag.DCGANGenerator(latent_dim, faces.shape[1], feature_maps, size)
        discriminator = ag.DCGANDiscriminator(faces.shape[1], feature_maps, size)
        generator.apply(ag.dcgan_weights_init)
        discriminator.apply(ag.dcgan_weights_init)
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
        with torch.no_grad():
            samples = generator(torch.randn(n_samples, latent_dim))
    finally:
        torch.set_num_threads(threads)
    return {"samples": samples, "losses": losses}


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

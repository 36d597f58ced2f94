"""Worker-side probes for unit 04 (genlab.advanced_gan): they run your code and return data.

Modules cannot cross to the judge, so each probe builds what it needs from the arguments the
test sent, runs your code, and returns tensors and numbers. Where a test compares your network
with the reference's, it sends the reference's parameters as a list in the order of
`.parameters()`, and the probe copies them into yours (`_load_parameters`).
"""
import torch
import torch.nn as nn


def n_parameters(module):
    return sum(p.numel() for p in module.parameters())


def _load_parameters(module, params):
    """Copy `params` (a list of tensors) into module.parameters(), in order; shapes must match."""
    mine = list(module.parameters())
    shapes = [tuple(p.shape) for p in mine]
    wanted = [tuple(p.shape) for p in params]
    if shapes != wanted:
        raise ValueError(f"your parameters, in the order of .parameters(), have shapes {shapes}; "
                         f"the documented design has {wanted}")
    with torch.no_grad():
        for p, value in zip(mine, params):
            p.copy_(value)


def dcgan_generator_forward(genlab, latent_dim, channels, feature_maps, image_size, z):
    """DCGANGenerator(...)(z) in training mode, and its parameter count."""
    generator = genlab.advanced_gan.DCGANGenerator(latent_dim, channels, feature_maps, image_size)
    with torch.no_grad():
        out = generator(z)
    return {"out": out, "n_parameters": n_parameters(generator)}


def dcgan_discriminator_forward(genlab, channels, feature_maps, image_size, x):
    """DCGANDiscriminator(...)(x) in training mode, and its parameter count."""
    discriminator = genlab.advanced_gan.DCGANDiscriminator(channels, feature_maps, image_size)
    with torch.no_grad():
        out = discriminator(x)
    return {"out": out, "n_parameters": n_parameters(discriminator)}


def dcgan_state_shapes(genlab, latent_dim, channels, feature_maps, image_size):
    """{name: shape} of the state_dict of DCGANGenerator(...) and of DCGANDiscriminator(...), in order."""
    ag = genlab.advanced_gan
    return {kind: [[name, list(t.shape)] for name, t in model.state_dict().items()]
            for kind, model in (("generator", ag.DCGANGenerator(latent_dim, channels, feature_maps, image_size)),
                                ("discriminator", ag.DCGANDiscriminator(channels, feature_maps, image_size)))}


def _stats(t):
    return {"mean": t.mean().item(), "std": t.std().item(), "numel": t.numel()}


def initialised_layers(genlab, channels):
    """{name: layer} of weights_init_stats, after dcgan_weights_init (applied through .apply)."""
    layers = {
        "Conv2d": nn.Conv2d(channels, channels, 4, bias=True),
        "ConvTranspose2d": nn.ConvTranspose2d(channels, channels, 4, bias=True),
        "BatchNorm2d": nn.BatchNorm2d(64 * channels),
        "BatchNorm1d": nn.BatchNorm1d(64 * channels),
    }
    with torch.no_grad():  # make the default biases visibly non-zero first
        for layer in layers.values():
            layer.bias.fill_(0.5)
    nn.Sequential(*layers.values()).apply(genlab.advanced_gan.dcgan_weights_init)
    return layers


def weights_init_stats(genlab, channels=128):
    """dcgan_weights_init applied (through .apply) to large stand-alone layers, each with a bias:
    Conv2d and ConvTranspose2d (channels -> channels, 4x4 kernels), BatchNorm2d and BatchNorm1d
    (64 * channels features). Returns each weight's mean, std and size, and each bias's max |value|."""
    layers = initialised_layers(genlab, channels)
    return {name: {"weight": _stats(layer.weight.detach()), "bias_max_abs": layer.bias.detach().abs().max().item()}
            for name, layer in layers.items()}


def conditional_forward(genlab, kind, args, inputs, labels, params=None):
    """ConditionalGenerator(*args)(inputs, labels) (kind "generator") or
    ConditionalDiscriminator(*args)(inputs, labels) (kind "discriminator") in training mode,
    with `params` copied in (in the order of .parameters()) when given."""
    cls = {"generator": genlab.advanced_gan.ConditionalGenerator,
           "discriminator": genlab.advanced_gan.ConditionalDiscriminator}[kind]
    model = cls(*args)
    if params is not None:
        _load_parameters(model, params)
    with torch.no_grad():
        out = model(inputs, labels)
    return {"out": out, "n_parameters": n_parameters(model),
            "shapes": [list(p.shape) for p in model.parameters()]}


def mapping_forward(genlab, latent_dim, w_dim, n_layers, z, params=None):
    """MappingNetwork(latent_dim, w_dim, n_layers)(z), with `params` copied in when given; also the
    shapes of its parameters (in order) and the sizes of its nn.Linear modules."""
    model = genlab.advanced_gan.MappingNetwork(latent_dim, w_dim, n_layers)
    if params is not None:
        _load_parameters(model, params)
    with torch.no_grad():
        out = model(z)
    linears = [[m.in_features, m.out_features] for m in model.modules() if isinstance(m, nn.Linear)]
    return {"out": out, "shapes": [list(p.shape) for p in model.parameters()], "linears": linears}


def minibatch_stddev_grad(genlab, x, group_size, weight):
    """minibatch_stddev(x, group_size) and the gradient of (out * weight).sum() with respect to x."""
    x = x.clone().requires_grad_(True)
    out = genlab.advanced_gan.minibatch_stddev(x, group_size)
    grad = None
    if isinstance(out, torch.Tensor) and out.shape == weight.shape and out.requires_grad:
        (grad,) = torch.autograd.grad((out * weight).sum(), x, allow_unused=True)
    return {"out": out, "grad": grad}

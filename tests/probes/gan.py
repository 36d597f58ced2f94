"""Worker-side probes for unit 03 (genlab.gan): they run your code and return data.

Modules and optimizers cannot cross to the judge, so each probe builds what it needs, runs your
code on the data the test sent, and returns tensors and numbers.

train_step and gradient_penalty are exercised on small plain MLPs that the probe builds itself
(nn.Sequential of Linear layers with LeakyReLU(0.2) between them, weights sent by the test), so
those checks do not depend on how you laid out your Generator and Discriminator.
"""
import torch
import torch.nn as nn


def mlp_from_state(state_dict):
    """nn.Sequential(Linear, LeakyReLU(0.2), Linear, ..., Linear) with `state_dict` loaded.

    The keys are "0.weight", "0.bias", "2.weight", "2.bias", ...: Linear layers sit at the even
    positions. The layer sizes are read from the weights' shapes.
    """
    n_linear = len(state_dict) // 2
    layers = []
    for i in range(n_linear):
        out_features, in_features = state_dict[f"{2 * i}.weight"].shape
        layers.append(nn.Linear(in_features, out_features))
        if i < n_linear - 1:
            layers.append(nn.LeakyReLU(0.2))
    model = nn.Sequential(*layers)
    model.load_state_dict(state_dict)
    return model


def n_parameters(module):
    return sum(p.numel() for p in module.parameters())


def generator_forward(genlab, latent_dim, out_shape, z):
    """Generator(latent_dim, out_shape)(z) in training mode, and its parameter count."""
    generator = genlab.gan.Generator(latent_dim, out_shape)
    with torch.no_grad():
        out = generator(z)
    return {"out": out, "n_parameters": n_parameters(generator)}


def discriminator_forward(genlab, in_shape, x):
    """Discriminator(in_shape)(x), and its parameter count."""
    discriminator = genlab.gan.Discriminator(in_shape)
    with torch.no_grad():
        out = discriminator(x)
    return {"out": out, "n_parameters": n_parameters(discriminator)}


def loss_and_grad(genlab, name, logits, **kwargs):
    """genlab.gan.<name>(*logits, **kwargs) and its gradient with respect to each input."""
    inputs = [t.clone().requires_grad_() for t in logits]
    loss = getattr(genlab.gan, name)(*inputs, **kwargs)
    loss.backward()
    return {"loss": loss, "grads": [t.grad for t in inputs]}


def gradient_penalty_mlp(genlab, critic_state, real, fake, alpha=None):
    """gradient_penalty(critic, real, fake, alpha) for a critic built from `critic_state`
    (images are flattened before it), then back-propagated into the critic.

    Returns the penalty, whether it is differentiable at all (it is not when the input gradient
    was computed without create_graph=True), and the gradient of every critic parameter (None
    where none arrived).
    """
    critic = nn.Sequential(nn.Flatten(), mlp_from_state(critic_state))
    penalty = genlab.gan.gradient_penalty(critic, real, fake, alpha=alpha)
    differentiable = isinstance(penalty, torch.Tensor) and penalty.requires_grad
    if differentiable:
        penalty.backward()
    grads = {name.removeprefix("1."): p.grad for name, p in critic.named_parameters()}
    return {"penalty": penalty, "differentiable": differentiable, "grads": grads}


def train_steps(genlab, g_state, d_state, reals, zs, g_lr, d_lr, optimizer="sgd"):
    """Run train_step len(reals) times on MLPs built from g_state / d_state.

    reals: (steps, B, D) real batches; zs: (steps, B, latent_dim) noise. Optimizers: plain SGD
    (or Adam with betas (0.5, 0.999)) with the given learning rates. Returns the final
    parameters of both models and the losses each call returned.
    """
    generator, discriminator = mlp_from_state(g_state), mlp_from_state(d_state)
    if optimizer == "sgd":
        g_opt = torch.optim.SGD(generator.parameters(), lr=g_lr)
        d_opt = torch.optim.SGD(discriminator.parameters(), lr=d_lr)
    else:
        g_opt = torch.optim.Adam(generator.parameters(), lr=g_lr, betas=(0.5, 0.999))
        d_opt = torch.optim.Adam(discriminator.parameters(), lr=d_lr, betas=(0.5, 0.999))
    losses = []
    for real, z in zip(reals, zs):
        losses.append(genlab.gan.train_step(generator, discriminator, g_opt, d_opt, real, z))
    return {
        "g": {k: v.detach() for k, v in generator.state_dict().items()},
        "d": {k: v.detach() for k, v in discriminator.state_dict().items()},
        "losses": losses,
    }

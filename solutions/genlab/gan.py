"""Unit 03: generative adversarial networks.

A GAN trains two networks against each other. The generator G maps noise z ~ N(0, I) to data;
the discriminator D maps data to a single real number, a *logit*: D(x) = sigmoid(logit) is its
probability that x is real. D learns to tell real from generated samples, G learns to fool D.

Everything here works on logits, never on probabilities: log(sigmoid(s)) computed as
`torch.log(torch.sigmoid(s))` is -inf from about s = -88.7 in float32 (torch's sigmoid returns 0
there), and log(1 - sigmoid(s)) is -inf already from about s = 16.6 (sigmoid rounds to 1); both
measured with torch's float32 sigmoid on the CPU. The identities

    log(sigmoid(s))     = -softplus(-s)
    log(1 - sigmoid(s)) = -softplus(s)

(or `F.binary_cross_entropy_with_logits`, or `F.logsigmoid`) stay finite for every s.

Precision goes before finiteness: a loss computed from sigmoid outputs (nn.BCELoss,
`F.binary_cross_entropy(torch.sigmoid(s), y)`, `torch.log(1 - torch.sigmoid(s))`) rounds sigmoid(s)
to float32 first: 1 - sigmoid(s) is then a multiple of 6e-8, which keeps three significant digits
at s = 10, one at s = 15 and none from 16.6, so the loss can be off by 1e-5 to 1e-2 on ordinary
logits. The tests compare your losses with the logit forms at float32 precision (about 1e-5) on
logits 4 * N(0, 1), where such values occur: compute from the logits.

Conventions: data is batch-first, float32, on the CPU. Flat data is (B, D); images are
(B, C, H, W) and the generator's output lies in [-1, 1] (scale images to [-1, 1] before training).
No test depends on the order or the number of random draws: a test that needs exact values
passes the randomness in (`alpha`, `z`), and a test of your own draws checks their statistics.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Generator(nn.Module):
    """The seed's MLP generator: noise (B, latent_dim) -> samples (B, *out_shape) in [-1, 1].

    Layers, in order (every Linear has a bias):

        Linear(latent_dim, 128)                          -> LeakyReLU(0.2)
        Linear(128, 256)   -> BatchNorm1d(256, eps=0.8)  -> LeakyReLU(0.2)
        Linear(256, 512)   -> BatchNorm1d(512, eps=0.8)  -> LeakyReLU(0.2)
        Linear(512, 1024)  -> BatchNorm1d(1024, eps=0.8) -> LeakyReLU(0.2)
        Linear(1024, prod(out_shape)) -> Tanh -> reshape to (B, *out_shape)

    The first block has no BatchNorm: normalising the first layer's output of pure noise only
    adds parameters. BatchNorm settings: we keep the seed's `nn.BatchNorm1d(n, 0.8)`, as in the
    classic PyTorch-GAN implementation. Note that the second positional argument of
    BatchNorm1d is `eps`, not `momentum`: this is eps = 0.8 (a large eps softens the
    normalisation of low-variance features) and momentum stays at PyTorch's default 0.1. The
    tests check the layer sizes, their order, the activations and the parameter count, never
    eps or momentum, so `nn.BatchNorm1d(n)` would be graded the same.

    Args:
        latent_dim: size of z.
        out_shape: shape of one sample, an int (flat data of that size) or a tuple such as
            (2,) for 2-D points or (1, 8, 8) for 8x8 grey images.

    forward(z): z is (B, latent_dim); returns (B, *out_shape). Use nn.Linear and nn.BatchNorm1d
    modules (the tests look at them); activations may be modules or functions.
    """

    def __init__(self, latent_dim, out_shape):
        super().__init__()
        self.latent_dim = latent_dim
        self.out_shape = (out_shape,) if isinstance(out_shape, int) else tuple(out_shape)
        ### BEGIN SOLUTION
        def block(n_in, n_out, normalize=True):
            layers = [nn.Linear(n_in, n_out)]
            if normalize:
                layers.append(nn.BatchNorm1d(n_out, 0.8))
            layers.append(nn.LeakyReLU(0.2))
            return layers

        self.model = nn.Sequential(
            *block(latent_dim, 128, normalize=False),
            *block(128, 256),
            *block(256, 512),
            *block(512, 1024),
            nn.Linear(1024, math.prod(self.out_shape)),
            nn.Tanh(),
        )
        ### END SOLUTION

    def forward(self, z):
        ### BEGIN SOLUTION
        return self.model(z).view(z.shape[0], *self.out_shape)
        ### END SOLUTION


class Discriminator(nn.Module):
    """The seed's MLP discriminator: samples (B, *in_shape) -> logits (B, 1).

    Layers, in order (every Linear has a bias):

        flatten each sample to prod(in_shape) values
        Linear(prod(in_shape), 512) -> LeakyReLU(0.2)
        Linear(512, 256)            -> LeakyReLU(0.2)
        Linear(256, 1)

    It returns **logits** (any real number), not probabilities: there is no final sigmoid.
    The losses below apply the sigmoid themselves, in a numerically stable way. (The seed's
    version ended in nn.Sigmoid and used nn.BCELoss; that saturates, see the module docstring.)

    Args:
        in_shape: shape of one sample, an int or a tuple, e.g. (2,) or (1, 8, 8).

    forward(x): x is (B, *in_shape) (a flat (B, prod(in_shape)) tensor works too); returns (B, 1).
    Use nn.Linear modules (the tests look at them); activations may be modules or functions.
    """

    def __init__(self, in_shape):
        super().__init__()
        self.in_shape = (in_shape,) if isinstance(in_shape, int) else tuple(in_shape)
        ### BEGIN SOLUTION
        self.model = nn.Sequential(
            nn.Linear(math.prod(self.in_shape), 512),
            nn.LeakyReLU(0.2),
            nn.Linear(512, 256),
            nn.LeakyReLU(0.2),
            nn.Linear(256, 1),
        )
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return self.model(x.reshape(x.shape[0], -1))
        ### END SOLUTION


def discriminator_loss(real_logits, fake_logits, real_label=1.0):
    """The discriminator's binary cross-entropy, from logits.

        loss = mean_i BCE(real_logits_i, real_label) + mean_j BCE(fake_logits_j, 0)

    where BCE(s, y) = -[y log sigmoid(s) + (1 - y) log(1 - sigmoid(s))]. Each term is the mean
    over its own batch; the two terms are added, not averaged (so a discriminator that outputs
    D = 0.5 everywhere has loss 2 ln 2).

    Args:
        real_logits: D's logits on real data, shape (B,) or (B, 1).
        fake_logits: D's logits on generated data, shape (B',) or (B', 1) (B' may differ from B).
        real_label: target for real data. 1.0 is the standard loss; a value such as 0.9 is
            one-sided label smoothing: it changes only the real term, fakes keep target 0.

    Returns: a scalar tensor. Must stay finite for logits as large as +-50 or more, and match the
    logit form to float32 precision for logits around +-10 already: work with logits
    (F.binary_cross_entropy_with_logits, softplus or logsigmoid), not with log(sigmoid(.)) or
    BCE of sigmoid outputs (see the module docstring).
    """
    ### BEGIN SOLUTION
    real_loss = F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, real_label))
    fake_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real_loss + fake_loss
    ### END SOLUTION


def generator_loss(fake_logits):
    """The non-saturating generator loss: mean_i BCE(fake_logits_i, 1) = mean_i -log D(G(z_i)).

    G minimises it by making D call its samples real. Its gradient with respect to a logit s_i
    is (sigmoid(s_i) - 1) / B, close to -1/B when D confidently rejects that fake (s_i very
    negative): the generator keeps learning exactly when it is losing.

    Args:
        fake_logits: D's logits on generated data, shape (B,) or (B, 1).
    Returns: a scalar tensor, finite for any finite logits.
    """
    ### BEGIN SOLUTION
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    ### END SOLUTION


def saturating_generator_loss(fake_logits):
    """The original minimax generator loss: mean_i log(1 - D(G(z_i))), with D = sigmoid(logit).

    G *minimises* this value (it is negative; with D = 0.5 it is -ln 2). Its gradient with
    respect to a logit s is -sigmoid(s)/B, which vanishes when D confidently rejects the fakes
    (s very negative): early in training, when D wins easily, G learns almost nothing. This is
    why generator_loss is used in practice. Implemented here to see that.

    Args:
        fake_logits: D's logits on generated data, shape (B,) or (B, 1).
    Returns: a scalar tensor, finite for any finite logits (log(1 - sigmoid(s)) = -softplus(s)).
    """
    ### BEGIN SOLUTION
    return -F.softplus(fake_logits).mean()
    ### END SOLUTION


def wasserstein_critic_loss(real_scores, fake_scores):
    """WGAN critic loss: mean(fake_scores) - mean(real_scores).

    The critic minimises it, i.e. scores real data high and generated data low. Scores are
    unbounded real numbers (no sigmoid anywhere). Each mean is over its own batch.

    Args: real_scores (B,) or (B, 1); fake_scores (B',) or (B', 1).
    Returns: a scalar tensor.
    """
    ### BEGIN SOLUTION
    return fake_scores.mean() - real_scores.mean()
    ### END SOLUTION


def wasserstein_generator_loss(fake_scores):
    """WGAN generator loss: -mean(fake_scores) (the generator wants high critic scores).

    Args: fake_scores (B,) or (B, 1).
    Returns: a scalar tensor.
    """
    ### BEGIN SOLUTION
    return -fake_scores.mean()
    ### END SOLUTION


def gradient_penalty(critic, real, fake, alpha=None):
    """WGAN-GP gradient penalty (Gulrajani et al., 2017), without the weight lambda.

    For each example i, draw alpha_i ~ Uniform[0, 1] and interpolate
        x_hat_i = alpha_i * real_i + (1 - alpha_i) * fake_i,
    compute g_i = d critic(x_hat)_i / d x_hat_i, and return
        mean_i (||g_i||_2 - 1)^2
    where the norm is taken over *all* non-batch dimensions of g_i together (for images
    (B, C, H, W): over C, H and W at once, one norm per example).

    The caller multiplies by lambda (10 in the paper) and adds it to the critic loss, then
    backpropagates into the critic's parameters: the penalty must be differentiable with respect
    to them (compute g with torch.autograd.grad(..., create_graph=True)); the tests backpropagate
    the penalty and compare the critic's parameter gradients. Gradients need not flow into `real`
    or `fake` (the generator is not trained through the penalty), so you may detach them.

    The norm is the plain Euclidean norm; a small constant inside the square root (at most 1e-12,
    for a finite gradient at g = 0) is accepted.

    Args:
        critic: a module mapping (B, *shape) to scores (B, 1) or (B,).
        real, fake: tensors of the same shape (B, *shape).
        alpha: optional (B,) tensor of interpolation weights in real's dtype (the tests pass
            float32), used as given. (A tensor of B values shaped (B, 1, ..., 1) is accepted too.)
            When None, draw B independent Uniform[0, 1) values, one per example, e.g.
            torch.rand(B, dtype=real.dtype, device=real.device); the tests check only their
            distribution, never the exact values or which generator call produced them.
    Returns: a scalar tensor.
    """
    ### BEGIN SOLUTION
    b = real.shape[0]
    if alpha is None:
        alpha = torch.rand(b, device=real.device, dtype=real.dtype)
    alpha = alpha.reshape(b, *([1] * (real.dim() - 1)))
    x_hat = (alpha * real.detach() + (1 - alpha) * fake.detach()).requires_grad_(True)
    scores = critic(x_hat)
    (grads,) = torch.autograd.grad(scores.sum(), x_hat, create_graph=True)
    grad_norm = grads.reshape(b, -1).norm(2, dim=1)
    return ((grad_norm - 1) ** 2).mean()
    ### END SOLUTION


def train_step(generator, discriminator, g_opt, d_opt, real, z):
    """One GAN training step: a discriminator update, then a generator update.

    1. Discriminator: fake = generator(z). Compute discriminator_loss(D(real), D(fake)) with the
       fakes *detached* (this step must not push gradients into G), zero D's gradients
       (d_opt.zero_grad() or discriminator.zero_grad(): the same here, as d_opt holds exactly
       D's parameters; either is accepted, as is set_to_none either way), backpropagate,
       d_opt.step().
    2. Generator: with the same z (reuse `fake`, or recompute generator(z)), compute
       generator_loss(D(fake)) through the discriminator *as just updated*, zero G's gradients
       (so nothing left over from step 1 or earlier calls leaks into this update), backpropagate,
       g_opt.step().

    Use only the given optimizers (d_opt holds D's parameters, g_opt holds G's). Gradients that
    step 2 leaves in D's parameters are harmless as long as step 1 zeroes them first. Do not
    change the models' train/eval mode.

    How it is graded: exactly, against the reference, on small MLPs (nn.Sequential of Linear and
    LeakyReLU(0.2)) built from weights the judge sends; and by a training run of 3,000 steps on
    the eight-Gaussians ring, after which the judge takes the trained weights (state_dict()) of
    those MLPs, loads them into its own copies and draws the samples it scores itself. Only the
    parameter updates count: train_step must change the weights through the optimizers' steps,
    never re-initialise or replace them (the trained weights must keep a trace of the judge's
    initial ones), and anything else it does to the model objects is never seen by the judge.

    Args:
        generator, discriminator: modules (D returns logits).
        g_opt, d_opt: torch optimizers over generator.parameters() / discriminator.parameters().
        real: a batch of real data (B, *shape).
        z: the noise for this step, (B', latent_dim).
    Returns: {"d_loss": float, "g_loss": float}, the two losses as Python floats (.item()),
        g_loss being the value computed in step 2.
    """
    ### BEGIN SOLUTION
    fake = generator(z)

    d_opt.zero_grad()
    d_loss = discriminator_loss(discriminator(real), discriminator(fake.detach()))
    d_loss.backward()
    d_opt.step()

    g_opt.zero_grad()
    g_loss = generator_loss(discriminator(fake))
    g_loss.backward()
    g_opt.step()
    return {"d_loss": d_loss.item(), "g_loss": g_loss.item()}
    ### END SOLUTION

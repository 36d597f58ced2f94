"""Unit 04: advanced GAN architectures.

Unit 03's GAN was a pair of MLPs. Here are the pieces that made GANs work on images:

- DCGAN (Radford et al., 2015): all-convolutional generator and discriminator, BatchNorm,
  ReLU in G and LeakyReLU(0.2) in D, Tanh output, weights initialised from N(0, 0.02).
- Conditional GANs (Mirza & Osindero, 2014): both networks see a class label.
- ProGAN (Karras et al., 2018): growing the networks while training (`fade_in`) and the
  minibatch standard deviation layer against mode collapse (`minibatch_stddev`).
- StyleGAN (Karras et al., 2019): a mapping network z -> w (`pixel_norm`, `MappingNetwork`),
  styles injected by adaptive instance normalisation (`adain`), the truncation trick
  (`truncate`) and style mixing (`style_mix`).

Project 2 trains YOUR DCGANGenerator and DCGANDiscriminator on `genlab.data.synthetic_faces`
(16x16) with Adam and unit 03's `discriminator_loss` / `generator_loss` (imported below from
genlab.gan), starting from initial weights the judge sends. The judge then loads the trained
weights (`state_dict()`, under the parameter names the DCGAN docstrings list) into its own DCGAN,
draws samples from its own noise, and requires them to depend on z, to be close to fresh faces
(a Fréchet distance) and not to be copies of the training faces; the weights must have moved
from the judge's initial ones and still carry a trace of them (train from what you are given).

Conventions: batch first, float32; images (B, C, H, W) in [-1, 1]. The functions draw no random
numbers; no test depends on the order or number of random draws (module initialisation included:
tests that compare with the reference copy weights in).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .gan import discriminator_loss, generator_loss  # noqa: F401  (Project 2 trains with unit 03's losses)


def _n_doublings(image_size):
    """log2(image_size) - 2, the number of stride-2 layers between 4x4 and image_size; raises
    ValueError unless image_size is a power of two >= 8 (use it in both DCGAN constructors)."""
    n = int(round(math.log2(image_size))) if image_size > 0 else 0
    if image_size < 8 or 2 ** n != image_size:
        raise ValueError(f"image_size must be a power of two >= 8, got {image_size}")
    return n - 2  # number of stride-2 layers between 4x4 and image_size


# ---- DCGAN ---------------------------------------------------------------------------------------


class DCGANGenerator(nn.Module):
    """DCGAN generator: noise (B, latent_dim) -> images (B, channels, image_size, image_size).

    With n = log2(image_size) - 2 doublings from 4x4 to image_size, and widths
    feature_maps * 2^(n-1), ..., feature_maps * 2, feature_maps, one nn.Sequential named `main`
    (as in PyTorch's DCGAN example) holding, in this order:

        ConvTranspose2d(latent_dim, fm * 2^(n-1), 4, 1, 0)      z as (B, latent_dim, 1, 1) -> 4x4
            -> BatchNorm2d -> ReLU
        (n - 1) x [ConvTranspose2d(c, c // 2, 4, 2, 1) -> BatchNorm2d -> ReLU]   doubles H and W
        ConvTranspose2d(fm, channels, 4, 2, 1) -> Tanh                          -> image_size

    Every convolution has bias=False (BatchNorm follows, as in the PyTorch DCGAN example); the
    BatchNorm2d layers have PyTorch's defaults (affine, eps 1e-5). For image_size 16 and fm 8:
    latent -> 16 x 4x4 -> 8 x 8x8 -> channels x 16x16. For image_size 64 and fm 64 this is the
    paper's network (512 x 4x4, 256, 128, 64, out).

    Parameter names (the layout of `state_dict()`): Project 2 trains your networks from weights the
    judge sends (`load_state_dict`, strict) and hands back `state_dict()`, which the judge loads
    into its own DCGANGenerator to draw the samples it scores. So the keys must be exactly these:
    the activations hold places in `main` too, each block taking three (conv, norm, activation):

        main.{3k}.weight                 ConvTranspose2d k (k = 0 .. n), (c_in, c_out, 4, 4), no bias
        main.{3k+1}.weight, .bias        BatchNorm2d after it (k < n), (c_out,); with its buffers
        main.{3k+1}.running_mean, .running_var (c_out,) and .num_batches_tracked ()
        main.{3k+2}                      ReLU (no parameters); main.{3n+1} is the Tanh

    For Project 2's networks (latent_dim 32, channels 1, fm 16, image_size 16, so n = 2):
    main.0.weight (32, 32, 4, 4), main.1.* (32,), main.3.weight (32, 16, 4, 4), main.4.* (16,),
    main.6.weight (16, 1, 4, 4). The tests also check the shapes for image sizes 8, 16, 32 and
    64, the output range, the order and sizes of the ConvTranspose2d / BatchNorm2d modules (hooks
    record them in execution order), the ReLU and Tanh between them, the parameter count, and the
    output with the judge's weights loaded (training mode) against the reference's.

    Args:
        latent_dim: size of z. channels: image channels (1 grey, 3 colour).
        feature_maps: width of the last hidden layer (fm above).
        image_size: a power of two >= 8; anything else raises ValueError.

    forward(z): z of shape (B, latent_dim) or (B, latent_dim, 1, 1); returns (B, C, H, W) in [-1, 1].
    """

    def __init__(self, latent_dim, channels, feature_maps, image_size):
        super().__init__()
        self.latent_dim = latent_dim
        ### BEGIN SOLUTION
        n = _n_doublings(image_size)  # raises ValueError unless a power of two >= 8
        width = feature_maps * 2 ** (n - 1)
        layers = [nn.ConvTranspose2d(latent_dim, width, 4, 1, 0, bias=False), nn.BatchNorm2d(width), nn.ReLU(True)]
        for _ in range(n - 1):
            layers += [nn.ConvTranspose2d(width, width // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(width // 2), nn.ReLU(True)]
            width //= 2
        layers += [nn.ConvTranspose2d(width, channels, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)
        ### END SOLUTION

    def forward(self, z):
        ### BEGIN SOLUTION
        return self.main(z.view(z.shape[0], self.latent_dim, 1, 1))
        ### END SOLUTION


class DCGANDiscriminator(nn.Module):
    """DCGAN discriminator: images (B, channels, image_size, image_size) -> logits (B, 1).

    With n = log2(image_size) - 2 halvings from image_size down to 4x4, one nn.Sequential named
    `main` holding, in this order:

        Conv2d(channels, fm, 4, 2, 1) -> LeakyReLU(0.2)                 no BatchNorm on the input layer
        (n - 1) x [Conv2d(c, 2c, 4, 2, 1) -> BatchNorm2d(2c) -> LeakyReLU(0.2)]   halves H and W
        Conv2d(fm * 2^(n-1), 1, 4, 1, 0)                                 4x4 -> 1x1, reshaped to (B, 1)

    Every convolution has bias=False; the output is a logit (no sigmoid: unit 03's losses take
    logits; PyTorch's DCGAN example ends in a Sigmoid, leave it out). The mirror image of
    DCGANGenerator: for image_size 16 and fm 8, 1 x 16x16 -> 8 x 8x8 -> 16 x 4x4 -> 1. BatchNorm on
    the first layer is a classic bug (it normalises the raw pixels and lets D see batch statistics
    of pure fakes).

    Parameter names (`state_dict()`, loaded strictly by the judge after Project 2's training):

        main.0.weight                    Conv2d(channels, fm), (fm, channels, 4, 4); main.1 LeakyReLU
        main.{3k-1}.weight               Conv2d k (k = 1 .. n - 1), (2c, c, 4, 4)
        main.{3k}.weight, .bias, .running_mean, .running_var (2c,), .num_batches_tracked ()
                                         the BatchNorm2d after it; main.{3k+1} LeakyReLU
        main.{3n-1}.weight               the last Conv2d, (1, fm * 2^(n-1), 4, 4)

    For Project 2 (channels 1, fm 16, image_size 16, n = 2): main.0.weight (16, 1, 4, 4),
    main.2.weight (32, 16, 4, 4), main.3.* (32,), main.5.weight (1, 32, 4, 4). The tests check the
    module order and sizes (hooks), LeakyReLU 0.2 (not ReLU) between them, the parameter count,
    the (B, 1) logits, and the output with the judge's weights loaded against the reference's.

    Args: channels, feature_maps (fm), image_size (a power of two >= 8, else ValueError).
    forward(x): x (B, C, H, W); returns (B, 1).
    """

    def __init__(self, channels, feature_maps, image_size):
        super().__init__()
        ### BEGIN SOLUTION
        n = _n_doublings(image_size)
        width = feature_maps
        layers = [nn.Conv2d(channels, width, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]
        for _ in range(n - 1):
            layers += [nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * width),
                       nn.LeakyReLU(0.2, inplace=True)]
            width *= 2
        layers += [nn.Conv2d(width, 1, 4, 1, 0, bias=False)]
        self.main = nn.Sequential(*layers)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return self.main(x).view(x.shape[0], 1)
        ### END SOLUTION


def dcgan_weights_init(module):
    """DCGAN initialisation, applied to one module; use it as `model.apply(dcgan_weights_init)`.

    - nn.Conv2d and nn.ConvTranspose2d: weight ~ N(0, 0.02^2); bias (if any) = 0.
    - nn.BatchNorm2d (and BatchNorm1d): weight ~ N(1, 0.02^2); bias = 0.
    - Any other module is left unchanged (its children are visited by .apply itself).

    Initialise in place (nn.init.normal_ / nn.init.zeros_, or .data); return nothing. The tests
    check the distribution of the draws in large layers after .apply: mean, standard deviation and
    shape (a Kolmogorov-Smirnov test against the documented normal, so a uniform with standard
    deviation 0.02 fails), never the exact values or the order of the draws.
    """
    ### BEGIN SOLUTION
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm2d, nn.BatchNorm1d)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)
    ### END SOLUTION


# ---- conditional GAN -----------------------------------------------------------------------------


class ConditionalGenerator(nn.Module):
    """Conditional MLP generator: (z (B, latent_dim), labels (B,) int64) -> (B, *out_shape) in [-1, 1].

        e = Embedding(n_classes, n_classes)(labels)                         (B, n_classes)
        h = concat([z, e], dim=1)                                           z first, then e
        Linear(latent_dim + n_classes, 128) -> LeakyReLU(0.2)
        Linear(128, 256) -> BatchNorm1d(256) -> LeakyReLU(0.2)
        Linear(256, prod(out_shape)) -> Tanh -> reshape to (B, *out_shape)

    Every Linear has a bias. Register the modules in this order (the embedding first, then the
    layers in the order they run): the tests copy the reference's weights into yours by the
    order of `.parameters()` (embedding weight, Linear weight, Linear bias, ..., BatchNorm weight,
    bias, ...), then compare outputs in training mode. Attribute names are free.

    Args: latent_dim; n_classes; out_shape, an int or a tuple such as (1, 8, 8).
    """

    def __init__(self, latent_dim, n_classes, out_shape):
        super().__init__()
        self.out_shape = (out_shape,) if isinstance(out_shape, int) else tuple(out_shape)
        ### BEGIN SOLUTION
        self.label_embedding = nn.Embedding(n_classes, n_classes)
        self.net = nn.Sequential(
            nn.Linear(latent_dim + n_classes, 128), nn.LeakyReLU(0.2),
            nn.Linear(128, 256), nn.BatchNorm1d(256), nn.LeakyReLU(0.2),
            nn.Linear(256, math.prod(self.out_shape)), nn.Tanh(),
        )
        ### END SOLUTION

    def forward(self, z, labels):
        ### BEGIN SOLUTION
        h = torch.cat([z, self.label_embedding(labels)], dim=1)
        return self.net(h).view(z.shape[0], *self.out_shape)
        ### END SOLUTION


class ConditionalDiscriminator(nn.Module):
    """Conditional MLP discriminator: (x (B, *in_shape), labels (B,) int64) -> logits (B, 1).

        e = Embedding(n_classes, n_classes)(labels)
        h = concat([x flattened to (B, prod(in_shape)), e], dim=1)          x first, then e
        Linear(prod(in_shape) + n_classes, 256) -> LeakyReLU(0.2)
        Linear(256, 256) -> LeakyReLU(0.2)
        Linear(256, 1)                                                      logits, no sigmoid

    Every Linear has a bias; modules registered in this order (the embedding first), as for
    ConditionalGenerator: the tests copy weights by the order of `.parameters()`. The label must
    matter: the tests change only the labels and expect different logits.

    Args: in_shape, an int or a tuple; n_classes.
    """

    def __init__(self, in_shape, n_classes):
        super().__init__()
        self.in_shape = (in_shape,) if isinstance(in_shape, int) else tuple(in_shape)
        ### BEGIN SOLUTION
        self.label_embedding = nn.Embedding(n_classes, n_classes)
        self.net = nn.Sequential(
            nn.Linear(math.prod(self.in_shape) + n_classes, 256), nn.LeakyReLU(0.2),
            nn.Linear(256, 256), nn.LeakyReLU(0.2),
            nn.Linear(256, 1),
        )
        ### END SOLUTION

    def forward(self, x, labels):
        ### BEGIN SOLUTION
        h = torch.cat([x.reshape(x.shape[0], -1), self.label_embedding(labels)], dim=1)
        return self.net(h)
        ### END SOLUTION


# ---- ProGAN --------------------------------------------------------------------------------------


def fade_in(old_upsampled, new, alpha):
    """ProGAN's smooth transition to a new, higher-resolution layer:

        (1 - alpha) * old_upsampled + alpha * new

    alpha goes from 0 (only the old path, upsampled) to 1 (only the new layer) during training.

    Args: old_upsampled, new: tensors of the same shape; alpha: a float in [0, 1] or a tensor
        broadcastable to them. Returns a tensor of that shape.
    """
    ### BEGIN SOLUTION
    return (1 - alpha) * old_upsampled + alpha * new
    ### END SOLUTION


def minibatch_stddev(x, group_size=4):
    """ProGAN's minibatch standard deviation layer: x (B, C, H, W) -> (B, C + 1, H, W).

    With G = min(group_size, B) and M = B / G, the batch is split into M groups of G samples
    *strided* as in the official code (x.reshape(G, M, C, H, W)): group m holds samples
    m, m + M, m + 2M, ... For B = 8, G = 4: groups {0, 2, 4, 6} and {1, 3, 5, 7}.

    For each group:
      1. the standard deviation over the group's G samples of every feature (c, h, w), with the
         biased variance (divide by G) and 1e-8 inside the square root:
         sqrt(mean_g (x - mean_g x)^2 + 1e-8);
      2. averaged over C, H and W: one number per group.
    That number is appended to every sample of the group as one extra channel, constant over
    H and W: out[:, :C] = x and out[b, C] = the stddev of b's group everywhere.

    B not divisible by G raises ValueError (the official code has the same restriction); pick
    batch sizes that divide. Must be differentiable with respect to x (it sits inside D).
    """
    ### BEGIN SOLUTION
    b, c, h, w = x.shape
    g = min(group_size, b)
    if b % g != 0:
        raise ValueError(f"batch size {b} is not divisible by the group size {g}")
    y = x.reshape(g, b // g, c, h, w)                                   # (G, M, C, H, W)
    std = (y.var(dim=0, unbiased=False) + 1e-8).sqrt()                 # (M, C, H, W)
    std = std.mean(dim=(1, 2, 3))                                       # (M,)
    feature = std.view(1, -1, 1, 1, 1).expand(g, -1, 1, h, w).reshape(b, 1, h, w)
    return torch.cat([x, feature], dim=1)
    ### END SOLUTION


# ---- StyleGAN ------------------------------------------------------------------------------------


def pixel_norm(x, eps=1e-8):
    """Pixelwise feature normalisation: x / sqrt(mean over the channel dim (dim 1) of x^2 + eps).

    Each sample's feature vector at each position gets unit root-mean-square, independently of
    the others. x is (B, C) or (B, C, H, W); the result has its shape.
    """
    ### BEGIN SOLUTION
    return x * torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + eps)
    ### END SOLUTION


class MappingNetwork(nn.Module):
    """StyleGAN's mapping network: z (B, latent_dim) -> w (B, w_dim).

        pixel_norm(z)
        Linear(latent_dim, w_dim) -> LeakyReLU(0.2)
        (n_layers - 1) x [Linear(w_dim, w_dim) -> LeakyReLU(0.2)]

    n_layers Linear layers in all (8 in StyleGAN), each with a bias and followed by
    LeakyReLU(0.2), the last one included. (StyleGAN also uses an equalised learning rate and
    a 0.01 learning-rate multiplier here: not in this exercise.) Register the Linear layers in
    order; the tests copy weights by the order of `.parameters()` and compare with the reference.
    """

    def __init__(self, latent_dim, w_dim, n_layers):
        super().__init__()
        ### BEGIN SOLUTION
        layers = []
        for i in range(n_layers):
            layers += [nn.Linear(latent_dim if i == 0 else w_dim, w_dim), nn.LeakyReLU(0.2)]
        self.net = nn.Sequential(*layers)
        ### END SOLUTION

    def forward(self, z):
        ### BEGIN SOLUTION
        return self.net(pixel_norm(z))
        ### END SOLUTION


def adain(x, style_scale, style_bias, eps=1e-5):
    """Adaptive instance normalisation: x (B, C, H, W), style_scale and style_bias (B, C).

        out[b, c] = style_scale[b, c] * (x[b, c] - mean) / sqrt(var + eps) + style_bias[b, c]

    where mean and var (biased, divide by H*W) are over the H x W map of that one sample and
    channel: instance normalisation, not batch normalisation (equal to
    F.instance_norm(x, eps=eps) before the style is applied). Returns (B, C, H, W).
    """
    ### BEGIN SOLUTION
    mean = x.mean(dim=(2, 3), keepdim=True)
    var = x.var(dim=(2, 3), keepdim=True, unbiased=False)
    normalized = (x - mean) / torch.sqrt(var + eps)
    return style_scale[:, :, None, None] * normalized + style_bias[:, :, None, None]
    ### END SOLUTION


def truncate(w, w_avg, psi):
    """The truncation trick: w_avg + psi * (w - w_avg).

    Pulls styles toward the average style: psi = 1 leaves w unchanged, psi = 0 gives w_avg for
    every sample (typical, but no diversity). w is (B, w_dim) (or any shape ending in w_dim),
    w_avg (w_dim,), psi a float. Returns w's shape.
    """
    ### BEGIN SOLUTION
    return w_avg + psi * (w - w_avg)
    ### END SOLUTION


def style_mix(w1, w2, crossover, n_layers):
    """Style mixing: per-layer styles (B, n_layers, w_dim) from two styles w1, w2 (B, w_dim).

    Layer i (0 <= i < n_layers) takes w1 when i < crossover and w2 otherwise: crossover = 0 gives
    w2 everywhere, crossover = n_layers gives w1 everywhere, crossover = 3 gives w1 at layers
    0, 1, 2 (the coarse styles) and w2 from layer 3 on.

    Args: crossover an int in [0, n_layers], or a (B,) int64 tensor of one crossover per sample.
    """
    ### BEGIN SOLUTION
    layer = torch.arange(n_layers, device=w1.device).view(1, n_layers, 1)
    cross = torch.as_tensor(crossover, device=w1.device).reshape(-1, 1, 1)
    return torch.where(layer < cross, w1.unsqueeze(1), w2.unsqueeze(1))
    ### END SOLUTION

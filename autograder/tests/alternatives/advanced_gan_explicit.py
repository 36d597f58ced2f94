"""A second correct genlab.advanced_gan, written from the docstrings: the DCGANs as ModuleDicts keyed
by the documented positions (the same state_dict names, no nn.Sequential), explicit ModuleLists and
loops elsewhere, torch.lerp, F.instance_norm, and group indexing by hand."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def _levels(image_size):
    n = image_size.bit_length() - 1
    if image_size < 8 or image_size != 1 << n:
        raise ValueError(f"image_size {image_size} is not a power of two >= 8")
    return n - 2


class DCGANGenerator(nn.Module):
    # The documented parameter names (main.0, main.1, main.3, ...) without an nn.Sequential: a
    # ModuleDict keyed by those positions (the activations, functional here, own no key).
    def __init__(self, latent_dim, channels, feature_maps, image_size):
        super().__init__()
        self.n = n = _levels(image_size)
        widths = [feature_maps * 2 ** (n - 1 - i) for i in range(n)]  # 4x4 ... image_size / 2
        layers, c_in = {}, latent_dim
        for i, c_out in enumerate(widths):
            layers[str(3 * i)] = nn.ConvTranspose2d(c_in, c_out, 4, 1 if i == 0 else 2, 0 if i == 0 else 1, bias=False)
            layers[str(3 * i + 1)] = nn.BatchNorm2d(c_out)
            c_in = c_out
        layers[str(3 * n)] = nn.ConvTranspose2d(c_in, channels, 4, 2, 1, bias=False)
        self.main = nn.ModuleDict(layers)

    def forward(self, z):
        h = z.reshape(len(z), -1, 1, 1)
        for i in range(self.n):
            h = F.relu(self.main[str(3 * i + 1)](self.main[str(3 * i)](h)))
        return torch.tanh(self.main[str(3 * self.n)](h))


class DCGANDiscriminator(nn.Module):
    def __init__(self, channels, feature_maps, image_size):
        super().__init__()
        self.n = n = _levels(image_size)
        layers = {"0": nn.Conv2d(channels, feature_maps, 4, 2, 1, bias=False)}
        for k in range(1, n):
            c = feature_maps * 2 ** (k - 1)
            layers[str(3 * k - 1)] = nn.Conv2d(c, 2 * c, 4, 2, 1, bias=False)
            layers[str(3 * k)] = nn.BatchNorm2d(2 * c)
        layers[str(3 * n - 1)] = nn.Conv2d(feature_maps * 2 ** (n - 1), 1, 4, 1, 0, bias=False)
        self.main = nn.ModuleDict(layers)

    def forward(self, x):
        h = F.leaky_relu(self.main["0"](x), 0.2)
        for k in range(1, self.n):
            h = F.leaky_relu(self.main[str(3 * k)](self.main[str(3 * k - 1)](h)), 0.2)
        return self.main[str(3 * self.n - 1)](h).flatten(1)


def dcgan_weights_init(module):
    name = type(module).__name__
    if name in ("Conv2d", "ConvTranspose2d"):
        module.weight.data.normal_(0.0, 0.02)
        if module.bias is not None:
            module.bias.data.zero_()
    elif name.startswith("BatchNorm"):
        module.weight.data.normal_(1.0, 0.02)
        module.bias.data.zero_()


class ConditionalGenerator(nn.Module):
    def __init__(self, latent_dim, n_classes, out_shape):
        super().__init__()
        self.out_shape = (out_shape,) if isinstance(out_shape, int) else tuple(out_shape)
        self.embed = nn.Embedding(n_classes, n_classes)
        self.fc1 = nn.Linear(latent_dim + n_classes, 128)
        self.fc2 = nn.Linear(128, 256)
        self.bn2 = nn.BatchNorm1d(256)
        self.fc3 = nn.Linear(256, math.prod(self.out_shape))

    def forward(self, z, labels):
        h = F.leaky_relu(self.fc1(torch.cat((z, self.embed(labels)), 1)), 0.2)
        h = F.leaky_relu(self.bn2(self.fc2(h)), 0.2)
        return torch.tanh(self.fc3(h)).reshape(-1, *self.out_shape)


class ConditionalDiscriminator(nn.Module):
    def __init__(self, in_shape, n_classes):
        super().__init__()
        size = in_shape if isinstance(in_shape, int) else math.prod(in_shape)
        self.embed = nn.Embedding(n_classes, n_classes)
        self.fc1 = nn.Linear(size + n_classes, 256)
        self.fc2 = nn.Linear(256, 256)
        self.fc3 = nn.Linear(256, 1)

    def forward(self, x, labels):
        h = torch.cat((x.flatten(1), self.embed(labels)), 1)
        h = F.leaky_relu(self.fc1(h), 0.2)
        return self.fc3(F.leaky_relu(self.fc2(h), 0.2))


def fade_in(old_upsampled, new, alpha):
    return torch.lerp(old_upsampled, new, torch.as_tensor(alpha, dtype=new.dtype))


def minibatch_stddev(x, group_size=4):
    b = x.shape[0]
    g = min(group_size, b)
    if b % g:
        raise ValueError("the batch size must be a multiple of the group size")
    m = b // g
    per_sample = []
    stats = []
    for group in range(m):
        members = x[group::m]                                   # samples group, group + m, ...
        centred = members - members.mean(0, keepdim=True)
        stats.append(torch.sqrt(centred.pow(2).mean(0) + 1e-8).mean())
    for i in range(b):
        per_sample.append(stats[i % m].expand(1, *x.shape[2:]))
    return torch.cat([x, torch.stack(per_sample)], dim=1)


def pixel_norm(x, eps=1e-8):
    return x / (x.square().mean(1, keepdim=True) + eps).sqrt()


class MappingNetwork(nn.Module):
    def __init__(self, latent_dim, w_dim, n_layers):
        super().__init__()
        self.fcs = nn.ModuleList(nn.Linear(latent_dim if i == 0 else w_dim, w_dim) for i in range(n_layers))

    def forward(self, z):
        w = pixel_norm(z)
        for fc in self.fcs:
            w = F.leaky_relu(fc(w), 0.2)
        return w


def adain(x, style_scale, style_bias, eps=1e-5):
    b, c = style_scale.shape
    return F.instance_norm(x, eps=eps) * style_scale.view(b, c, 1, 1) + style_bias.view(b, c, 1, 1)


def truncate(w, w_avg, psi):
    return torch.lerp(w_avg.expand_as(w), w, psi)


def style_mix(w1, w2, crossover, n_layers):
    cross = torch.as_tensor(crossover).expand(len(w1))
    rows = []
    for i in range(len(w1)):
        k = int(cross[i])
        rows.append(torch.stack([w1[i] if layer < k else w2[i] for layer in range(n_layers)]))
    return torch.stack(rows)

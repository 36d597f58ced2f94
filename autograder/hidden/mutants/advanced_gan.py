"""Realistic student bugs in unit 04 (genlab.advanced_gan); `python -m autograder verify` proves each loses points.

The comment above each mutant names the test(s) expected to catch it.
"""
from autograder.mutants import Mutant

_D_FIRST = "layers = [nn.Conv2d(channels, width, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]"

MUTANTS = [
    # ---- DCGAN ---------------------------------------------------------------------------------
    # discriminator layer pattern and parameter counts (public and hidden).
    Mutant("batchnorm-on-discriminator-first-layer", file="advanced_gan.py",
           find=_D_FIRST,
           replace="layers = [nn.Conv2d(channels, width, 4, 2, 1, bias=False), nn.BatchNorm2d(width), nn.LeakyReLU(0.2, inplace=True)]",
           hint="no BatchNorm on the discriminator's input layer"),
    # discriminator layer pattern (LeakyReLU check).
    Mutant("discriminator-relu-not-leaky", file="advanced_gan.py",
           find="nn.LeakyReLU(0.2, inplace=True)", replace="nn.ReLU(inplace=True)", count=2,
           hint="D uses LeakyReLU(0.2)"),
    # public range test; generator layer pattern (tanh check).
    Mutant("generator-missing-tanh", file="advanced_gan.py",
           find="nn.ConvTranspose2d(width, channels, 4, 2, 1, bias=False), nn.Tanh()]",
           replace="nn.ConvTranspose2d(width, channels, 4, 2, 1, bias=False)]",
           hint="the generator ends in Tanh"),
    # generator layer pattern (ReLU check).
    Mutant("generator-leaky-relu", file="advanced_gan.py",
           find="nn.BatchNorm2d(width // 2), nn.ReLU(True)]", replace="nn.BatchNorm2d(width // 2), nn.LeakyReLU(0.2)]",
           hint="G uses ReLU"),
    # parameter counts, layer pattern (bias=False).
    Mutant("generator-convs-with-bias", file="advanced_gan.py",
           find="nn.ConvTranspose2d(width, width // 2, 4, 2, 1, bias=False)", replace="nn.ConvTranspose2d(width, width // 2, 4, 2, 1)",
           hint="bias-free convolutions before BatchNorm"),
    # shapes for every image size (one doubling too many).
    Mutant("generator-one-block-too-many", file="advanced_gan.py",
           find="        for _ in range(n - 1):\n            layers += [nn.ConvTranspose2d",
           replace="        for _ in range(n):\n            layers += [nn.ConvTranspose2d",
           hint="n - 1 middle blocks"),
    # shapes and parameter counts (widths doubled the wrong way).
    Mutant("generator-width-not-halved", file="advanced_gan.py",
           find="        width = feature_maps * 2 ** (n - 1)\n", replace="        width = feature_maps * 2 ** n\n",
           hint="the 4x4 map has fm * 2^(n-1) channels"),
    # init statistics (conv std).
    Mutant("init-std-0.2", file="advanced_gan.py",
           find="nn.init.normal_(module.weight, 0.0, 0.02)", replace="nn.init.normal_(module.weight, 0.0, 0.2)",
           hint="conv weights ~ N(0, 0.02)"),
    # init statistics (Kolmogorov-Smirnov): the right mean and std, the wrong distribution.
    Mutant("init-uniform-with-std-0.02", file="advanced_gan.py",
           find="nn.init.normal_(module.weight, 0.0, 0.02)", replace="nn.init.uniform_(module.weight, -0.02 * 3 ** 0.5, 0.02 * 3 ** 0.5)",
           hint="conv weights ~ N(0, 0.02^2), a normal, not any distribution with std 0.02"),
    # public state_dict layout test, the judge's-weights test and Project 2 (the judge loads by name).
    Mutant("dcgan-sequential-not-named-main", file="advanced_gan.py",
           find="self.main = nn.Sequential(*layers)", count=2,
           replace="self.net = nn.Sequential(*layers)\n        self.main = self.net.forward",
           hint="the documented state_dict names start with main. (one nn.Sequential named main)"),
    # init statistics (BatchNorm weight mean).
    Mutant("init-batchnorm-weight-zero", file="advanced_gan.py",
           find="nn.init.normal_(module.weight, 1.0, 0.02)", replace="nn.init.normal_(module.weight, 0.0, 0.02)",
           hint="BatchNorm weights ~ N(1, 0.02)"),
    # init statistics (biases).
    Mutant("init-conv-bias-left", file="advanced_gan.py",
           find="        if module.bias is not None:\n            nn.init.zeros_(module.bias)\n", replace="",
           hint="zero the conv biases"),
    # init statistics (BatchNorm1d left out).
    Mutant("init-only-batchnorm2d", file="advanced_gan.py",
           find="isinstance(module, (nn.BatchNorm2d, nn.BatchNorm1d))", replace="isinstance(module, nn.BatchNorm2d)",
           hint="the docstring covers BatchNorm1d too"),

    # ---- conditional ---------------------------------------------------------------------------
    # label-changes-output and reference equality (discriminator).
    Mutant("conditional-discriminator-ignores-label", file="advanced_gan.py",
           find="h = torch.cat([x.reshape(x.shape[0], -1), self.label_embedding(labels)], dim=1)",
           replace="h = torch.cat([x.reshape(x.shape[0], -1), torch.zeros_like(self.label_embedding(labels))], dim=1)",
           hint="the discriminator must see the label"),
    # public label test, label-changes-output (generator).
    Mutant("conditional-generator-ignores-label", file="advanced_gan.py",
           find="h = torch.cat([z, self.label_embedding(labels)], dim=1)",
           replace="h = torch.cat([z, self.label_embedding(torch.zeros_like(labels))], dim=1)",
           hint="the generator must see the label"),
    # reference equality (concatenation order).
    Mutant("conditional-generator-label-first", file="advanced_gan.py",
           find="h = torch.cat([z, self.label_embedding(labels)], dim=1)",
           replace="h = torch.cat([self.label_embedding(labels), z], dim=1)",
           hint="concatenate [z, embedding]"),

    # ---- ProGAN --------------------------------------------------------------------------------
    # fade_in closed form (public and hidden).
    Mutant("fade-in-alpha-swapped", file="advanced_gan.py",
           find="return (1 - alpha) * old_upsampled + alpha * new", replace="return alpha * old_upsampled + (1 - alpha) * new",
           hint="alpha weighs the new layer"),
    # minibatch_stddev reference equality for group sizes 2, 4.
    Mutant("minibatch-stddev-over-whole-batch", file="advanced_gan.py",
           find="    g = min(group_size, b)\n", replace="    g = b\n",
           hint="groups of min(group_size, B), not the whole batch"),
    # public hand-built batch, reference equality.
    Mutant("minibatch-stddev-variance-not-std", file="advanced_gan.py",
           find="std = (y.var(dim=0, unbiased=False) + 1e-8).sqrt()", replace="std = y.var(dim=0, unbiased=False) + 1e-8",
           hint="the standard deviation, not the variance"),
    # public hand-built batch (unbiased).
    Mutant("minibatch-stddev-unbiased", file="advanced_gan.py",
           find="y.var(dim=0, unbiased=False)", replace="y.var(dim=0, unbiased=True)",
           hint="biased variance, as in ProGAN"),
    # shapes: the feature map not appended.
    Mutant("minibatch-stddev-not-appended", file="advanced_gan.py",
           find="return torch.cat([x, feature], dim=1)", replace="return x + feature",
           hint="append one channel"),
    # reference equality: contiguous groups instead of strided ones.
    Mutant("minibatch-stddev-contiguous-groups", file="advanced_gan.py",
           find="y = x.reshape(g, b // g, c, h, w)                                   # (G, M, C, H, W)",
           replace="y = x.reshape(b // g, g, c, h, w).transpose(0, 1)",
           hint="strided groups, as the official code"),
    # gradient test: the statistic detached.
    Mutant("minibatch-stddev-detached", file="advanced_gan.py",
           find="std = std.mean(dim=(1, 2, 3))                                       # (M,)",
           replace="std = std.mean(dim=(1, 2, 3)).detach()",
           hint="gradients must flow through the statistic"),
    # ValueError test.
    Mutant("minibatch-stddev-no-divisibility-check", file="advanced_gan.py",
           find="    if b % g != 0:\n        raise ValueError(f\"batch size {b} is not divisible by the group size {g}\")\n",
           replace="    if b % g != 0:\n        g = 1\n",
           hint="raise ValueError when G does not divide B"),

    # ---- StyleGAN ------------------------------------------------------------------------------
    # pixel_norm closed form on images.
    Mutant("pixel-norm-over-spatial-dims", file="advanced_gan.py",
           find="x.pow(2).mean(dim=1, keepdim=True)", replace="x.pow(2).mean(dim=tuple(range(1, x.dim())), keepdim=True)",
           hint="over the channel dim only"),
    # mapping network equality and scale invariance.
    Mutant("mapping-without-pixel-norm", file="advanced_gan.py",
           find="return self.net(pixel_norm(z))", replace="return self.net(z)",
           hint="pixel_norm(z) first"),
    # mapping network equality: no activation after the last Linear.
    Mutant("mapping-last-layer-linear", file="advanced_gan.py",
           find="return self.net(pixel_norm(z))", replace="return self.net[:-1](pixel_norm(z))",
           hint="LeakyReLU after the last Linear too"),
    # adain per-sample test and instance-norm equality.
    Mutant("adain-over-the-batch", file="advanced_gan.py",
           find="    mean = x.mean(dim=(2, 3), keepdim=True)\n    var = x.var(dim=(2, 3), keepdim=True, unbiased=False)",
           replace="    mean = x.mean(dim=(0, 2, 3), keepdim=True)\n    var = x.var(dim=(0, 2, 3), keepdim=True, unbiased=False)",
           hint="instance norm: per sample and channel"),
    # adain equality (unbiased variance).
    Mutant("adain-unbiased-variance", file="advanced_gan.py",
           find="var = x.var(dim=(2, 3), keepdim=True, unbiased=False)", replace="var = x.var(dim=(2, 3), keepdim=True)",
           hint="biased variance, as F.instance_norm"),
    # truncate closed form.
    Mutant("truncate-toward-zero", file="advanced_gan.py",
           find="return w_avg + psi * (w - w_avg)", replace="return psi * w",
           hint="truncate toward w_avg"),
    # style_mix for every crossover (off by one).
    Mutant("style-mix-crossover-off-by-one", file="advanced_gan.py",
           find="torch.where(layer < cross,", replace="torch.where(layer <= cross,",
           hint="layers < crossover take w1"),
    # style_mix: w1 and w2 swapped.
    Mutant("style-mix-swapped", file="advanced_gan.py",
           find="torch.where(layer < cross, w1.unsqueeze(1), w2.unsqueeze(1))",
           replace="torch.where(layer < cross, w2.unsqueeze(1), w1.unsqueeze(1))",
           hint="coarse layers take w1"),
]

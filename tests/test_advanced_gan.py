"""Public tests for unit 04, genlab.advanced_gan: run `pytest tests/test_advanced_gan.py`.

One check per behaviour the hidden suite grades: DCGAN shapes, range and size, the DCGAN
initialisation, conditional models that use their label, and closed-form values of the ProGAN and
StyleGAN pieces. The hidden suite checks the same behaviours more thoroughly (every image size,
layer by layer, against the reference on fresh inputs) and trains your DCGAN on faces (Project 2).
"""
import torch
import torch.nn.functional as F

from autograder.testing import expect_close


def _conv(c_in, c_out, k=4):  # parameters of a bias-free (transposed) convolution
    return c_in * c_out * k * k


# ---- DCGAN ---------------------------------------------------------------------------------------


def test_dcgan_generator_shape_range_and_parameter_count_at_16x16(worker):
    z = torch.randn(8, 20)
    r = worker.probe("advanced_gan.dcgan_generator_forward", latent_dim=20, channels=1, feature_maps=8, image_size=16, z=z)
    out = r["out"]
    assert out.shape == (8, 1, 16, 16), f"DCGANGenerator(20, 1, 8, 16) on z (8, 20) must return (8, 1, 16, 16), got {tuple(out.shape)}"
    assert out.abs().max() <= 1.0, f"the output must lie in [-1, 1] (a final Tanh); max |x| = {out.abs().max():.3f}"
    # 20 -> 16 x 4x4 -> 8 x 8x8 -> 1 x 16x16, bias-free convolutions, two BatchNorm2d (weight + bias)
    expected = _conv(20, 16) + _conv(16, 8) + _conv(8, 1) + 2 * (16 + 8)
    assert r["n_parameters"] == expected, (
        f"DCGANGenerator(20, 1, 8, 16) has {r['n_parameters']} parameters, the documented design {expected}: "
        "ConvTranspose2d(20, 16, 4, 1, 0), BatchNorm2d(16), ConvTranspose2d(16, 8, 4, 2, 1), BatchNorm2d(8), "
        "ConvTranspose2d(8, 1, 4, 2, 1), all convolutions with bias=False")


def test_dcgan_discriminator_returns_one_logit_and_parameter_count_at_16x16(worker):
    x = torch.randn(8, 1, 16, 16)
    r = worker.probe("advanced_gan.dcgan_discriminator_forward", channels=1, feature_maps=8, image_size=16, x=x)
    assert r["out"].shape == (8, 1), f"DCGANDiscriminator(1, 8, 16) must return logits (B, 1) = (8, 1), got {tuple(r['out'].shape)}"
    # 1 x 16x16 -> 8 x 8x8 (no BatchNorm) -> 16 x 4x4 (BatchNorm2d(16)) -> 1
    expected = _conv(1, 8) + _conv(8, 16) + 2 * 16 + _conv(16, 1)
    assert r["n_parameters"] == expected, (
        f"DCGANDiscriminator(1, 8, 16) has {r['n_parameters']} parameters, the documented design {expected}: "
        "Conv2d(1, 8, 4, 2, 1), Conv2d(8, 16, 4, 2, 1), BatchNorm2d(16) (none on the first layer), "
        "Conv2d(16, 1, 4, 1, 0), all with bias=False")


def _batchnorm(name, width):
    return [[f"{name}.weight", [width]], [f"{name}.bias", [width]], [f"{name}.running_mean", [width]],
            [f"{name}.running_var", [width]], [f"{name}.num_batches_tracked", []]]


def test_dcgan_state_dict_has_the_documented_names_and_shapes(worker):
    # Project 2's networks (latent 32, 1 channel, feature_maps 16, 16x16): the judge loads your
    # trained weights into its own DCGAN under these names, so they are part of the specification.
    r = worker.probe("advanced_gan.dcgan_state_shapes", latent_dim=32, channels=1, feature_maps=16, image_size=16)
    generator = ([["main.0.weight", [32, 32, 4, 4]]] + _batchnorm("main.1", 32) + [["main.3.weight", [32, 16, 4, 4]]]
                 + _batchnorm("main.4", 16) + [["main.6.weight", [16, 1, 4, 4]]])
    discriminator = ([["main.0.weight", [16, 1, 4, 4]], ["main.2.weight", [32, 16, 4, 4]]] + _batchnorm("main.3", 32)
                     + [["main.5.weight", [1, 32, 4, 4]]])
    for kind, expected in (("generator", generator), ("discriminator", discriminator)):
        got = sorted(map(tuple, [[k, tuple(v)] for k, v in r[kind]]))
        want = sorted(map(tuple, [[k, tuple(v)] for k, v in expected]))
        assert got == want, (
            f"DCGAN{kind.title()}(...)'s state_dict is\n  {r[kind]}\nthe documented layout is\n  {expected}\n"
            "Put the layers in one nn.Sequential named `main`, activations included, in the documented order: "
            "the judge loads Project 2's trained weights into its own network by these names.")


def test_dcgan_weights_init_statistics(worker):
    r = worker.probe("advanced_gan.weights_init_stats")
    for name in ("Conv2d", "ConvTranspose2d"):
        w = r[name]["weight"]   # 262,144 weights: the sample std of N(0, 0.02^2) is 0.02 +- 0.00003
        assert abs(w["mean"]) < 1e-3 and abs(w["std"] - 0.02) < 1e-3, (
            f"{name} weights after dcgan_weights_init have mean {w['mean']:.4f} and std {w['std']:.4f}; "
            "expected N(0, 0.02^2): nn.init.normal_(weight, 0.0, 0.02)")
    for name in ("BatchNorm2d", "BatchNorm1d"):
        w = r[name]["weight"]   # 8,192 weights: mean 1 +- 0.0002, std 0.02 +- 0.0002
        assert abs(w["mean"] - 1) < 2e-3 and abs(w["std"] - 0.02) < 2e-3, (
            f"{name} weights after dcgan_weights_init have mean {w['mean']:.4f} and std {w['std']:.4f}; "
            "expected N(1, 0.02^2) (BatchNorm weights start near 1, not 0)")
    for name, layer in r.items():
        assert layer["bias_max_abs"] == 0, f"{name}'s bias must be set to 0, max |bias| = {layer['bias_max_abs']}"


# ---- conditional GAN -----------------------------------------------------------------------------


def test_conditional_generator_output_depends_on_the_label(worker):
    z = torch.randn(1, 10).repeat(10, 1)   # the same noise for every row
    labels = torch.arange(10)
    r = worker.probe("advanced_gan.conditional_forward", kind="generator", args=[10, 10, (1, 8, 8)],
                     inputs=z, labels=labels)
    out = r["out"]
    assert out.shape == (10, 1, 8, 8), f"ConditionalGenerator(10, 10, (1, 8, 8)) must return (10, 1, 8, 8), got {tuple(out.shape)}"
    spread = (out - out.mean(0)).abs().amax()
    assert spread > 1e-4, "the same z with labels 0..9 gave the same images: the label embedding must be concatenated to z"


# ---- ProGAN --------------------------------------------------------------------------------------


def test_fade_in_is_a_convex_combination_with_alpha_on_the_new_layer(worker):
    old, new = torch.randn(2, 3, 4, 4), torch.randn(2, 3, 4, 4)
    out = worker.call("advanced_gan.fade_in", old, new, 0.25)
    expect_close(out, 0.75 * old + 0.25 * new, hint="fade_in = (1 - alpha) * old + alpha * new: alpha weighs the NEW layer")


def test_minibatch_stddev_on_a_hand_built_batch(worker):
    # B = 4, one group (group_size 4). Sample b is the constant b: per feature the biased std over
    # {0, 1, 2, 3} is sqrt(1.25), the same for every feature, so the appended map is sqrt(1.25 + 1e-8).
    x = torch.arange(4.0).view(4, 1, 1, 1).expand(4, 2, 3, 3).contiguous()
    out = worker.call("advanced_gan.minibatch_stddev", x, 4)
    assert out.shape == (4, 3, 3, 3), f"minibatch_stddev must append one channel: (4, 2, 3, 3) -> (4, 3, 3, 3), got {tuple(out.shape)}"
    expect_close(out[:, :2], x, hint="the first C channels are x itself")
    expect_close(out[:, 2], torch.full((4, 3, 3), (1.25 + 1e-8) ** 0.5), hint=(
        "std over the group with the biased variance (divide by G): sqrt(1.25) = 1.118 here; sqrt(5/3) = 1.29 "
        "is the unbiased std, 1.25 the variance"))


# ---- StyleGAN ------------------------------------------------------------------------------------


def test_pixel_norm_gives_unit_rms_over_channels(worker):
    x = torch.tensor([[3.0, 4.0], [1.0, 1.0]]).view(2, 2, 1, 1).expand(2, 2, 2, 2).contiguous()
    out = worker.call("advanced_gan.pixel_norm", x)
    rms = torch.tensor([(12.5) ** 0.5, 1.0]).view(2, 1, 1, 1)
    expect_close(out, x / rms, hint="pixel_norm divides by sqrt(mean over the CHANNEL dim (dim 1) of x^2 + eps)")


def test_mapping_network_shape_and_linear_layers(worker):
    z = torch.randn(5, 12)
    r = worker.probe("advanced_gan.mapping_forward", latent_dim=12, w_dim=16, n_layers=3, z=z)
    assert r["out"].shape == (5, 16), f"MappingNetwork(12, 16, 3) must map (5, 12) to (5, 16), got {tuple(r['out'].shape)}"
    assert r["linears"] == [[12, 16], [16, 16], [16, 16]], f"expected Linear 12->16, 16->16, 16->16, got {r['linears']}"


def test_adain_equals_instance_norm_then_style(worker):
    x, scale, bias = 3 * torch.randn(2, 3, 5, 5) + 1, torch.randn(2, 3), torch.randn(2, 3)
    out = worker.call("advanced_gan.adain", x, scale, bias)
    expected = scale[:, :, None, None] * F.instance_norm(x, eps=1e-5) + bias[:, :, None, None]
    expect_close(out, expected, hint=(
        "normalise each (sample, channel) map over H and W (biased variance, eps 1e-5), then multiply by "
        "style_scale[b, c] and add style_bias[b, c]"))


def test_truncate_moves_toward_w_avg(worker):
    w, w_avg = torch.randn(4, 8), torch.randn(8)
    out = worker.call("advanced_gan.truncate", w, w_avg, 0.7)
    expect_close(out, w_avg + 0.7 * (w - w_avg), hint="truncate = w_avg + psi * (w - w_avg), toward the average style, not toward 0")


def test_style_mix_layers_below_crossover_take_w1(worker):
    w1, w2 = torch.randn(3, 4), torch.randn(3, 4)
    out = worker.call("advanced_gan.style_mix", w1, w2, 2, 5)
    expected = torch.stack([w1, w1, w2, w2, w2], dim=1)
    assert out.shape == (3, 5, 4), f"style_mix must return (B, n_layers, w_dim) = (3, 5, 4), got {tuple(out.shape)}"
    expect_close(out, expected, hint="layers i < crossover (here 0 and 1) take w1, the rest w2")

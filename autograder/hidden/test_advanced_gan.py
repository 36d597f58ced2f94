"""Hidden tests for unit 04, genlab.advanced_gan.

The DCGAN networks are checked layer by layer (hooks record every convolution and BatchNorm in
execution order), the conditional and mapping networks against the reference given copied
weights, the ProGAN / StyleGAN functions against closed forms and the reference on fresh inputs,
and Project 2 trains the student's DCGAN on synthetic faces with unit 03's losses, from the judge's
initial weights; the judge loads the trained weights into its own DCGAN, samples and scores.
"""
import math
import types
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
import scipy.stats
import torch
import torch.nn.functional as F

from autograder.judging import assert_learned, init_similarity, load_weights
from autograder.probe_loader import ProbeFinder
from autograder.protocol import to_data
from autograder.reference import reference
from autograder.testing import expect_close

ROOT = Path(__file__).resolve().parents[2]
ref = reference("advanced_gan")
ref_data = reference("data")

public_probes = ProbeFinder([ROOT / "tests" / "probes"])


def reference_probe(probe, **kwargs):
    """Run the public probe `probe` on the reference implementation, here in the judge."""
    return to_data(public_probes.find(f"advanced_gan.{probe}")(types.SimpleNamespace(advanced_gan=ref), **kwargs))



# ---- DCGAN shapes, sizes, layer pattern --------------------------------------------------------------

SIZES = [8, 16, 32, 64]


def _conv(c_in, c_out, k=4):
    return c_in * c_out * k * k


def generator_design(latent_dim, channels, fm, image_size):
    """The documented layers as (kind, [in, out, kernel, stride, padding]) / ("BatchNorm2d", [features])."""
    n = int(math.log2(image_size)) - 2
    width = fm * 2 ** (n - 1)
    layers = [("ConvTranspose2d", [latent_dim, width, 4, 1, 0]), ("BatchNorm2d", [width])]
    for _ in range(n - 1):
        layers += [("ConvTranspose2d", [width, width // 2, 4, 2, 1]), ("BatchNorm2d", [width // 2])]
        width //= 2
    return layers + [("ConvTranspose2d", [width, channels, 4, 2, 1])]


def discriminator_design(channels, fm, image_size):
    n = int(math.log2(image_size)) - 2
    layers, width = [("Conv2d", [channels, fm, 4, 2, 1])], fm
    for _ in range(n - 1):
        layers += [("Conv2d", [width, 2 * width, 4, 2, 1]), ("BatchNorm2d", [2 * width])]
        width *= 2
    return layers + [("Conv2d", [width, 1, 4, 1, 0])]


def design_parameters(layers):
    return sum(_conv(f[0], f[1], f[2]) if kind != "BatchNorm2d" else 2 * f[0] for kind, f in layers)


@pytest.mark.parametrize("image_size", SIZES)
def test_dcgan_generator_shape_and_parameter_count_for_every_image_size(worker, image_size):
    for channels in (1, 3):
        z = torch.randn(4, 16)
        r = worker.probe("advanced_gan.dcgan_generator_forward", latent_dim=16, channels=channels, feature_maps=8,
                         image_size=image_size, z=z)
        assert r["out"].shape == (4, channels, image_size, image_size), (
            f"DCGANGenerator(16, {channels}, 8, {image_size}) returned {tuple(r['out'].shape)}, expected "
            f"{(4, channels, image_size, image_size)}: one stride-2 ConvTranspose2d(4, 2, 1) per doubling from 4x4")
        expected = design_parameters(generator_design(16, channels, 8, image_size))
        assert r["n_parameters"] == expected, (
            f"DCGANGenerator(16, {channels}, 8, {image_size}) has {r['n_parameters']} parameters, the documented "
            f"design {expected} (widths fm * 2^(n-1) ... fm, bias-free convolutions, BatchNorm2d after all but the last)")


@pytest.mark.parametrize("image_size", SIZES)
def test_dcgan_discriminator_shape_and_parameter_count_for_every_image_size(worker, image_size):
    for channels in (1, 3):
        x = torch.randn(4, channels, image_size, image_size)
        r = worker.probe("advanced_gan.dcgan_discriminator_forward", channels=channels, feature_maps=8,
                         image_size=image_size, x=x)
        assert r["out"].shape == (4, 1), f"DCGANDiscriminator({channels}, 8, {image_size}) returned {tuple(r['out'].shape)}, expected (4, 1)"
        expected = design_parameters(discriminator_design(channels, 8, image_size))
        assert r["n_parameters"] == expected, (
            f"DCGANDiscriminator({channels}, 8, {image_size}) has {r['n_parameters']} parameters, the documented "
            f"design {expected} (no BatchNorm on the first layer, bias-free convolutions)")


def _kinds(calls):
    return [(c["kind"], c["features"]) for c in calls]


def test_dcgan_generator_layer_pattern_relu_and_tanh(worker):
    z = torch.randn(16, 12)
    r = worker.probe("advanced_gan.dcgan_generator_trace", latent_dim=12, channels=1, feature_maps=4, image_size=32, z=z)
    calls, expected = r["calls"], generator_design(12, 1, 4, 32)
    assert _kinds(calls) == expected, (
        f"the ConvTranspose2d / BatchNorm2d modules ran as\n  {_kinds(calls)}\nexpected\n  {expected}")
    assert not any(c.get("bias") for c in calls), "the DCGAN convolutions have bias=False (BatchNorm follows)"
    expect_close(calls[0]["input"].reshape(16, 12), z, hint="the first ConvTranspose2d must receive z as (B, latent_dim, 1, 1)")
    for prev, nxt in zip(calls[:-1], calls[1:]):
        if nxt["kind"] == "BatchNorm2d":
            expect_close(nxt["input"], prev["output"], hint="BatchNorm2d must directly follow its ConvTranspose2d")
        else:
            expect_close(nxt["input"], torch.relu(prev["output"]), hint=(
                "between the generator's blocks: ReLU of the BatchNorm output (DCGAN's G uses ReLU, not LeakyReLU)"))
    expect_close(r["out"], torch.tanh(calls[-1]["output"]), hint="the generator's output is tanh of the last ConvTranspose2d")


def test_dcgan_discriminator_layer_pattern_leaky_relu_and_logits(worker):
    x = torch.randn(16, 3, 32, 32)
    r = worker.probe("advanced_gan.dcgan_discriminator_trace", channels=3, feature_maps=4, image_size=32, x=x)
    calls, expected = r["calls"], discriminator_design(3, 4, 32)
    assert _kinds(calls) == expected, (
        f"the Conv2d / BatchNorm2d modules ran as\n  {_kinds(calls)}\nexpected\n  {expected}\n"
        "(no BatchNorm after the first convolution)")
    assert not any(c.get("bias") for c in calls), "the DCGAN convolutions have bias=False"
    expect_close(calls[0]["input"], x, hint="the first Conv2d receives the images themselves")
    for prev, nxt in zip(calls[:-1], calls[1:]):
        if nxt["kind"] == "BatchNorm2d":
            expect_close(nxt["input"], prev["output"], hint="BatchNorm2d must directly follow its Conv2d")
        else:
            expect_close(nxt["input"], F.leaky_relu(prev["output"], 0.2), hint=(
                "between the discriminator's blocks: LeakyReLU(0.2) (not ReLU)"))
    expect_close(r["out"], calls[-1]["output"].reshape(16, 1), hint=(
        "the discriminator returns the last convolution's output as (B, 1) logits, with no sigmoid"))


def test_dcgan_rejects_image_sizes_that_are_not_powers_of_two(worker):
    # The reference raises ValueError in __init__, before any layer is built.
    r = worker.probe("advanced_gan.dcgan_bad_size", image_size=24)
    assert r["generator"] == "ValueError" and r["discriminator"] == "ValueError", (
        f"image_size 24 must raise ValueError in both constructors; got {r}")


@pytest.mark.parametrize("kind", ["generator", "discriminator"])
def test_dcgan_with_the_judges_weights_equals_reference(worker, kind):
    # The documented parameter names and shapes, and the forward, in one check: the judge draws
    # weights for its own network (BatchNorm's affine parameters away from 1 and 0), the probe
    # loads them into yours (strict load_state_dict) and both run in training mode.
    args = [12, 1, 4, 32] if kind == "generator" else [1, 4, 32]
    model = (ref.DCGANGenerator if kind == "generator" else ref.DCGANDiscriminator)(*args)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(0.3 * torch.randn_like(p) + (1.0 if p.dim() == 1 and name.endswith("weight") else 0.0))
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    x = torch.randn(16, 12) if kind == "generator" else torch.randn(16, 1, 32, 32)
    got = worker.probe("advanced_gan.dcgan_forward_with_weights", kind=kind, args=args, state=state, x=x)
    with torch.no_grad():
        want = model(x)
    expect_close(got["out"], want, hint=(
        f"DCGAN{kind.title()} with the judge's weights loaded differs from the reference: the judge loads Project 2's "
        "trained weights into its own network, so the documented layers must run in the documented order, each "
        "weight under its documented name (main.0, main.1, ...)"))


# ---- initialisation --------------------------------------------------------------------------------


INIT_KS_P = 1e-6  # false-failure rate of each Kolmogorov-Smirnov test below, by construction


def _init_layers(worker):
    """The initialised layers' tensors, drawn by your dcgan_weights_init in a forked worker; the
    judge computes every statistic itself."""
    return worker.probe("advanced_gan.weights_init_tensors", isolated=True, channels=128)


def test_dcgan_weights_init_conv_weights_are_normal_0_002_and_biases_zero(worker):
    r = _init_layers(worker)
    for name in ("Conv2d", "ConvTranspose2d"):
        w = r[name]["weight"].double().flatten()
        # 262,144 draws of N(0, 0.02^2): mean 0 +- 4e-5, std 0.02 +- 3e-5; the bounds are 10 sd away.
        assert abs(w.mean()) < 4e-4 and abs(w.std() - 0.02) < 4e-4, (
            f"{name}: weights have mean {w.mean():.5f}, std {w.std():.5f}; expected N(0, 0.02^2) "
            "(std 0.02, not 0.2 or the variance)")
        # The shape of the distribution too: a uniform or a +-0.02 pattern with the right mean and std is
        # not N(0, 0.02^2). The Kolmogorov-Smirnov test against the documented normal (not a fitted
        # one) rejects a true N(0, 0.02^2) with probability INIT_KS_P; U(-0.0346, 0.0346), which has
        # std 0.02, sits at distance 0.057 from it, where the test's critical distance is 0.0053.
        p = scipy.stats.kstest(w.numpy(), "norm", args=(0.0, 0.02)).pvalue
        assert p > INIT_KS_P, (
            f"{name}: the weights' distribution is not N(0, 0.02^2) (Kolmogorov-Smirnov p = {p:.1e}; the largest "
            f"gap between the CDFs is what matters, not the mean and std): draw with nn.init.normal_(w, 0.0, 0.02)")
        assert r[name]["bias"].abs().max() == 0, f"{name}: the bias must be zeroed"


def test_dcgan_weights_init_batchnorm_weights_are_normal_1_002_and_biases_zero(worker):
    r = _init_layers(worker)
    for name in ("BatchNorm2d", "BatchNorm1d"):
        w = r[name]["weight"].double().flatten()
        # 8,192 draws of N(1, 0.02^2): mean 1 +- 2.2e-4, std 0.02 +- 1.6e-4; bounds >= 6 sd away.
        assert abs(w.mean() - 1) < 2e-3 and abs(w.std() - 0.02) < 1e-3, (
            f"{name}: weights have mean {w.mean():.4f}, std {w.std():.4f}; expected N(1, 0.02^2): "
            "BatchNorm weights start near 1 (0 would switch every feature off)")
        # As above; with 8,192 draws the critical distance is 0.030, the uniform's 0.057.
        p = scipy.stats.kstest(w.numpy(), "norm", args=(1.0, 0.02)).pvalue
        assert p > INIT_KS_P, (
            f"{name}: the weights' distribution is not N(1, 0.02^2) (Kolmogorov-Smirnov p = {p:.1e}): draw with "
            "nn.init.normal_(w, 1.0, 0.02)")
        assert r[name]["bias"].abs().max() == 0, f"{name}: the bias must be zeroed"


# ---- conditional GAN ---------------------------------------------------------------------------------

COND = {"generator": ([12, 10, (1, 8, 8)], lambda b: torch.randn(b, 12)),
        "discriminator": ([(1, 8, 8), 10], lambda b: torch.randn(b, 1, 8, 8))}


def _reference_conditional(kind, args):
    cls = ref.ConditionalGenerator if kind == "generator" else ref.ConditionalDiscriminator
    return cls(*args)


@pytest.mark.parametrize("kind", ["generator", "discriminator"])
def test_conditional_model_equals_reference_given_copied_weights(worker, kind):
    args, draw = COND[kind]
    model = _reference_conditional(kind, args)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.3)
    params = [p.detach().clone() for p in model.parameters()]
    inputs, labels = draw(32), torch.randint(0, 10, (32,))
    got = worker.probe("advanced_gan.conditional_forward", kind=kind, args=args, inputs=inputs, labels=labels,
                       params=params)
    with torch.no_grad():
        want = model(inputs, labels)
    expect_close(got["out"], want, hint=(
        f"Conditional{kind.title()} with the reference's weights differs: embed the labels with "
        "Embedding(n_classes, n_classes), concatenate [input, embedding] in that order, then the documented layers"))


@pytest.mark.parametrize("kind", ["generator", "discriminator"])
def test_conditional_model_output_changes_when_only_the_labels_change(worker, kind):
    args, draw = COND[kind]
    inputs = draw(16)
    labels = torch.randint(0, 10, (16,))
    other = (labels + torch.randint(1, 10, (16,))) % 10   # a different label for every row
    both = worker.probe("advanced_gan.conditional_pair", kind=kind, args=args, inputs=inputs, labels=labels, other=other)
    changed = (both["a"] - both["b"]).flatten(1).abs().amax(dim=1)
    assert (changed > 1e-5).all(), (
        f"Conditional{kind.title()}: changing only the labels left {int((changed <= 1e-5).sum())} of 16 outputs "
        "unchanged: the label embedding must be part of the network's input")


# ---- ProGAN ------------------------------------------------------------------------------------------


def test_fade_in_matches_closed_form_for_float_and_tensor_alpha(worker):
    old, new = torch.randn(4, 3, 8, 8), torch.randn(4, 3, 8, 8)
    for alpha in (0.0, 0.3, 1.0, torch.rand(4, 1, 1, 1)):
        got = worker.call("advanced_gan.fade_in", old, new, alpha)
        expect_close(got, (1 - alpha) * old + alpha * new, hint=(
            "fade_in = (1 - alpha) * old_upsampled + alpha * new (alpha = 0: only the old path)"))


@pytest.mark.parametrize("group_size", [1, 2, 4, 8, 16])
def test_minibatch_stddev_matches_reference(worker, group_size):
    x = torch.randn(8, 3, 4, 4) * torch.rand(8, 1, 1, 1) * 3
    got = worker.call("advanced_gan.minibatch_stddev", x, group_size)
    want = ref.minibatch_stddev(x, group_size)
    assert got.shape == want.shape, f"minibatch_stddev((8, 3, 4, 4), {group_size}) has shape {tuple(got.shape)}, expected {tuple(want.shape)}"
    expect_close(got, want, hint=(
        f"group_size {group_size}, B = 8: G = min(group_size, B) samples per group, strided (group m holds "
        "samples m, m + B/G, ...); biased std per feature over the group, then averaged over C, H, W"))


def test_minibatch_stddev_feature_is_constant_within_each_sample(worker):
    x = torch.randn(12, 2, 5, 3)
    out = worker.call("advanced_gan.minibatch_stddev", x, 4)
    assert out.shape == (12, 3, 5, 3), f"expected (12, 3, 5, 3), got {tuple(out.shape)}"
    expect_close(out[:, :2], x, hint="the first C channels must be x unchanged")
    extra = out[:, 2]
    expect_close(extra, extra[:, :1, :1].expand_as(extra), hint="the appended map is one constant per sample")


def test_minibatch_stddev_gradient_reaches_every_input_and_matches_reference(worker):
    x, weight = torch.randn(8, 2, 3, 3), torch.randn(8, 3, 3, 3)
    got = worker.probe("advanced_gan.minibatch_stddev_grad", x=x, group_size=4, weight=weight)
    want = reference_probe("minibatch_stddev_grad", x=x, group_size=4, weight=weight)
    assert got["grad"] is not None, "no gradient flows from minibatch_stddev back to x (detached, or wrong shape)"
    assert (got["grad"] != 0).all(), "some inputs receive no gradient: the statistic must be differentiable in every x"
    expect_close(got["grad"], want["grad"], hint="the gradient of minibatch_stddev differs from the reference's")


def test_minibatch_stddev_raises_value_error_when_batch_does_not_divide(worker):
    r = worker.probe("advanced_gan.minibatch_stddev_error", x=torch.randn(6, 2, 3, 3), group_size=4)
    assert r["raised"] == "ValueError", (
        f"B = 6 with group_size 4 (G = 4 does not divide 6) must raise ValueError, as documented; got {r}")


# ---- StyleGAN ----------------------------------------------------------------------------------------


def test_pixel_norm_matches_closed_form_on_flat_and_image_inputs(worker):
    for x in (3 * torch.randn(6, 10), 3 * torch.randn(4, 5, 3, 3)):
        got = worker.call("advanced_gan.pixel_norm", x)
        expected = x / torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)
        expect_close(got, expected, hint="pixel_norm normalises over dim 1 (channels) only, not over H and W")


def test_mapping_network_equals_reference_given_copied_weights(worker):
    model = ref.MappingNetwork(10, 24, 4)
    params = [p.detach().clone() for p in model.parameters()]
    z = 5 * torch.randn(16, 10)
    got = worker.probe("advanced_gan.mapping_forward", latent_dim=10, w_dim=24, n_layers=4, z=z, params=params)
    assert got["linears"] == [[10, 24], [24, 24], [24, 24], [24, 24]], f"Linear layers {got['linears']}"
    with torch.no_grad():
        want = model(z)
    expect_close(got["out"], want, hint="pixel_norm(z) first, then n_layers x (Linear + LeakyReLU(0.2)), the last one included")


def test_mapping_network_is_invariant_to_the_scale_of_z(worker):
    # pixel_norm(c z) = pixel_norm(z) for c > 0: the first thing the network does.
    z = torch.randn(8, 10)
    model = ref.MappingNetwork(10, 24, 2)
    params = [p.detach().clone() for p in model.parameters()]
    a = worker.probe("advanced_gan.mapping_forward", latent_dim=10, w_dim=24, n_layers=2, z=z, params=params)
    b = worker.probe("advanced_gan.mapping_forward", latent_dim=10, w_dim=24, n_layers=2, z=7 * z, params=params)
    expect_close(a["out"], b["out"], rtol=1e-4, atol=1e-5, hint="the mapping network starts with pixel_norm(z)")


def test_adain_matches_instance_norm_and_reference(worker):
    x, scale, bias = 2 * torch.randn(4, 6, 5, 5) + torch.randn(4, 6, 1, 1), torch.randn(4, 6), torch.randn(4, 6)
    got = worker.call("advanced_gan.adain", x, scale, bias)
    expected = scale[:, :, None, None] * F.instance_norm(x, eps=1e-5) + bias[:, :, None, None]
    expect_close(got, expected, hint="per (sample, channel) over H, W, biased variance, eps 1e-5; then scale and shift")
    expect_close(got, ref.adain(x, scale, bias), hint="adain differs from the reference: instance norm per (sample, channel), then style_scale * . + style_bias")


def test_adain_normalises_each_sample_independently(worker):
    x, scale, bias = torch.randn(4, 3, 6, 6), torch.randn(4, 3), torch.randn(4, 3)
    other = x.clone()
    other[1:] = 10 * torch.randn(3, 3, 6, 6) + 5   # change every sample but the first
    a = worker.call("advanced_gan.adain", x, scale, bias)
    b = worker.call("advanced_gan.adain", other, scale, bias)
    expect_close(a[0], b[0], hint="adain of sample 0 changed when only the other samples did: normalise per sample, not over the batch")


def test_truncate_matches_closed_form(worker):
    w, w_avg = torch.randn(16, 8), 2 + torch.randn(8)
    for psi in (0.0, 0.5, 1.0, 1.5):
        got = worker.call("advanced_gan.truncate", w, w_avg, psi)
        expect_close(got, w_avg + psi * (w - w_avg), hint=(
            f"psi = {psi}: truncate = w_avg + psi * (w - w_avg); psi = 0 gives w_avg (not 0), psi = 1 gives w"))


def test_style_mix_for_every_crossover(worker):
    w1, w2 = torch.randn(5, 6), torch.randn(5, 6)
    for crossover in range(0, 7):
        got = worker.call("advanced_gan.style_mix", w1, w2, crossover, 6)
        expected = torch.stack([w1 if i < crossover else w2 for i in range(6)], dim=1)
        expect_close(got, expected, hint=f"crossover {crossover}: layers 0..{crossover - 1} take w1, layers {crossover}..5 take w2")


def test_style_mix_with_one_crossover_per_sample(worker):
    w1, w2 = torch.randn(4, 3), torch.randn(4, 3)
    crossover = torch.tensor([0, 2, 5, 1])
    got = worker.call("advanced_gan.style_mix", w1, w2, crossover, 5)
    expect_close(got, ref.style_mix(w1, w2, crossover, 5), hint="a (B,) crossover: sample b takes w1 at layers < crossover[b]")


# ---- Project 2: GAN faces ----------------------------------------------------------------------------
# The worker trains; the judge evaluates. The judge draws the initial weights (its own DCGAN with
# dcgan_weights_init), the training faces and the batches; the probe trains the student's classes
# from those weights with unit 03's losses in a forked copy of the worker and hands back only the
# two state_dicts. The judge loads them into its own DCGANGenerator, draws 1,000 samples from its
# own noise and compares them with faces the worker never saw. A generator whose forward replays
# data, or anything installed on the probe's objects, never reaches these samples.

PROJECT = dict(n_faces=2048, size=16, steps=500, batch=64, latent_dim=32, feature_maps=16, lr=5e-4, n_samples=1000)
FEATURE_SEED, N_FEATURE_FACES, N_COMPONENTS = 0, 4000, 20
N_FRESH = 2048               # fresh faces for the copy check, as many as the training faces
FD_BOUND = 2.0               # calibration/advanced_gan_project.txt: reference 0.49-1.39, collapsed onto 8 faces >= 2.78
MIN_SPREAD = 0.02            # mean over pixels of the samples' standard deviation (faces 0.18, untrained 0.08)
MAX_CLOSER_TO_TRAINING = 0.65  # fraction of samples nearer a training face than any fresh face
MIN_INIT_SIMILARITY = 0.2    # cosine(initial, trained) of each of the generator's convolutions


def face_features():
    """(mean, basis): the judge's fixed feature map for 16x16 faces, the top N_COMPONENTS principal
    directions of N_FEATURE_FACES synthetic faces drawn with a fixed seed (features = (x - mean) @ basis)."""
    faces, _ = ref_data.synthetic_faces(N_FEATURE_FACES, PROJECT["size"], seed=FEATURE_SEED)
    x = faces.reshape(len(faces), -1).double()
    mean = x.mean(0)
    _, _, vh = torch.linalg.svd(x - mean, full_matrices=False)
    return mean, vh[:N_COMPONENTS].T


def frechet_distance(a, b):
    """||mu_a - mu_b||^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2)) between the Gaussians fitted to the
    rows of a and b (the FID formula, here on face_features)."""
    a, b = a.double().numpy(), b.double().numpy()
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = scipy.linalg.sqrtm(s_a @ s_b).real
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a + s_b - 2 * root))


def face_distance(images, test_faces, features):
    mean, basis = features
    project = lambda x: (x.reshape(len(x), -1).double() - mean) @ basis  # noqa: E731
    return frechet_distance(project(images), project(test_faces))


def pixel_spread(images):
    """Mean over pixels of the standard deviation across the images: 0 when every z gives the same image."""
    return images.reshape(len(images), -1).std(dim=0).mean().item()


def closer_to_training(images, train_faces, fresh_faces):
    """Fraction of the images whose nearest training face (the faces the worker trained on) is
    nearer than their nearest fresh face (as many, drawn by the judge, never in the worker). About
    one half for a generator of new faces; 1 for copies of the training faces."""
    flat = lambda x: x.reshape(len(x), -1).double()  # noqa: E731
    d_train = torch.cdist(flat(images), flat(train_faces)).min(dim=1).values
    d_fresh = torch.cdist(flat(images), flat(fresh_faces)).min(dim=1).values
    return (d_train < d_fresh).double().mean().item()


def generator_similarity(initial, trained):
    """(name, similarity) of the generator's convolution that kept the least of its initial weights
    (init_similarity over main.0, main.3 and main.6, every tensor with >= 256 entries)."""
    return min(init_similarity(initial, trained).items(), key=lambda item: item[1])


def _networks():
    p = PROJECT
    return (ref.DCGANGenerator(p["latent_dim"], 1, p["feature_maps"], p["size"]),
            ref.DCGANDiscriminator(1, p["feature_maps"], p["size"]))


def initial_weights():
    """The judge's initial weights: its own DCGAN networks after the reference dcgan_weights_init."""
    states = []
    for model in _networks():
        model.apply(ref.dcgan_weights_init)
        states.append({k: v.detach().clone() for k, v in model.state_dict().items()})
    return states


def project_inputs(steps=None):
    """The probe's keyword arguments: the judge's initial weights, the training faces and the
    batches of indices (fresh draws)."""
    p = PROJECT
    g_state, d_state = initial_weights()
    faces, _ = ref_data.synthetic_faces(p["n_faces"], p["size"])
    steps = p["steps"] if steps is None else steps
    batches = torch.randint(0, p["n_faces"], (steps, p["batch"]))
    return dict(g_state=g_state, d_state=d_state, faces=faces, batches=batches, latent_dim=p["latent_dim"],
                feature_maps=p["feature_maps"], lr=p["lr"])


def judge_generator(g_state):
    """The judge's own DCGANGenerator with the trained weights loaded (strict)."""
    return load_weights(_networks()[0], g_state, "your trained DCGANGenerator")


def judge_samples(generator, n=None):
    """n (default PROJECT["n_samples"]) samples from the judge's noise, in one batch, in training
    mode (BatchNorm uses the batch's statistics, as during training), without gradients."""
    generator.train()
    with torch.no_grad():
        return generator(torch.randn(PROJECT["n_samples"] if n is None else n, PROJECT["latent_dim"]))


def evaluation_faces():
    """(test faces for the Fréchet distance, fresh faces for the copy check, features): drawn by
    the judge after the training, never sent to the worker."""
    test_faces, _ = ref_data.synthetic_faces(PROJECT["n_samples"], PROJECT["size"])
    fresh_faces, _ = ref_data.synthetic_faces(N_FRESH, PROJECT["size"])
    return test_faces, fresh_faces, face_features()


def project_scores(samples, train_faces, evaluation):
    test_faces, fresh_faces, features = evaluation
    return {"fd": face_distance(samples, test_faces, features), "spread": pixel_spread(samples),
            "closer": closer_to_training(samples, train_faces, fresh_faces)}


def project_run(worker, steps=None):
    """Train in the worker, evaluate in the judge: (scores, the probe's inputs, its result, the
    judge's samples, the evaluation faces)."""
    inputs = project_inputs(steps)
    r = worker.probe("advanced_gan.train_dcgan_on_faces", isolated=True, timeout=180, **inputs)  # ~6 s unloaded
    samples = judge_samples(judge_generator(r["g"]))
    evaluation = evaluation_faces()
    return project_scores(samples, inputs["faces"], evaluation), inputs, r, samples, evaluation


def test_project_dcgan_learns_synthetic_faces(worker):
    """Project 2. 500 Adam steps (lr 5e-4, batch 64) of YOUR DCGANGenerator / DCGANDiscriminator
    (16x16, latent 32, feature_maps 16) from the judge's initial weights (dcgan_weights_init), with
    unit 03's discriminator_loss and generator_loss on 2,048 synthetic_faces. The judge loads the
    trained state_dicts into its own DCGAN (so the parameter names must be the documented ones) and
    draws 1,000 samples from its own noise.

    Passes when every weight moved from the judge's initialisation; the samples depend on z (mean
    pixel standard deviation >= 0.02); their Fréchet distance to 1,000 fresh faces on fixed PCA
    features (20 components) is under FD_BOUND = 2.0; at most 65% of them are nearer a training
    face than any of 2,048 fresh faces (copies of the training faces: 100%); and each of the
    generator's three convolutions keeps cosine similarity >= 0.2 with its initial weights (weights
    made elsewhere keep none).

    Calibration (autograder/hidden/calibration/advanced_gan_project.py, result in the .txt next to
    it; this test's own code path on the reference, 100 seeds): 0 failures. Fréchet distance 0.49 to
    1.39 (median 0.75; log-normal fit: 2.0 is 4.6 sd above the mean log, tail 2.6e-6); pixel spread
    0.166 to 0.197 (0.02 is 28 sd below); closer-to-training 0.448 to 0.568 (mean 0.505, sd 0.021:
    0.65 is 7 sd above, tail 1e-12); init similarity of the three convolutions >= 0.338 (the
    smallest, main.6.weight with 256 entries: mean 0.50, sd 0.039, 0.2 is 7.7 sd below). Baselines,
    each rejected in 100 of 100 seeds: untrained (FD 40 to 48; assert_learned too), z-independent
    (first convolution zeroed: spread 0, FD 14 to 18), the mean face (spread 0, FD 10 to 11), the
    trained samples collapsed onto 1 face (FD >= 11.3) or 8 faces (FD 2.78 to 9.0, median 4.45;
    log-normal fit: 2.0 is 3.3 sd below its mean log, a collapsed generator passing with chance
    4.5e-4), 8 training faces repeated (FD >= 2.98, closer 1.0), a generator trained to reproduce 8
    training faces from 8 codes (FD 3.3 to 12.3), 1,000 training faces themselves and the same with
    pixel noise 0.05 (FD 0.03 to 0.12: only the copy check rejects them, closer 1.0), weights from
    another initialisation (similarity -0.16 to 0.14). Fresh faces score FD 0.03 to 0.15, closer
    0.47 to 0.55. False-failure rate about 3e-6 (the Fréchet bound's fit; the others are far
    smaller); the distribution-free 95% bound from 0 failures in 100 seeds is 3%. The training is
    about 5 s unloaded.
    """
    scores, inputs, r, samples, _ = project_run(worker)
    load_weights(_networks()[1], r["d"], "your trained DCGANDiscriminator")
    assert_learned(inputs["g_state"], r["g"], "your DCGANGenerator")
    assert_learned(inputs["d_state"], r["d"], "your DCGANDiscriminator")
    losses = f"Losses every 50 steps [d, g]: {[[round(v, 3) for v in pair] for pair in r['losses'][:10]]}."
    assert scores["spread"] >= MIN_SPREAD, (
        f"the judge's samples from your trained generator hardly depend on z (their mean pixel std is "
        f"{scores['spread']:.3f}, the faces' about 0.18, even an untrained generator's about 0.08): every z gives nearly "
        f"the same image. {losses}")
    distance = scores["fd"]
    assert math.isfinite(distance), "the Fréchet distance of your samples is not finite (NaN images?)"
    assert distance < FD_BOUND, (
        f"after {PROJECT['steps']} steps the judge's samples from your DCGAN are at Fréchet distance {distance:.2f} "
        f"from fresh faces (bound {FD_BOUND}; a trained reference scores about 0.75, an untrained generator about 44, "
        f"one collapsed onto 8 faces about 4.5). {losses} Check the DCGAN layer pattern (the judge runs the "
        "documented architecture with your weights) and unit 03's losses (this project trains with them).")
    assert scores["closer"] <= MAX_CLOSER_TO_TRAINING, (
        f"{scores['closer']:.0%} of the judge's samples are nearer one of the training faces than any fresh face "
        f"(a generator of new faces: about half; at most {MAX_CLOSER_TO_TRAINING:.0%} accepted): your generator "
        "reproduces the training faces instead of learning their distribution")
    name, similarity = generator_similarity(inputs["g_state"], r["g"])
    assert similarity >= MIN_INIT_SIMILARITY, (
        f"your trained generator's {name} has cosine similarity {similarity:.3f} with the initial weights "
        f"the judge sent (a trained reference keeps >= {MIN_INIT_SIMILARITY}): train from the weights loaded into "
        "the model, never re-initialise or replace them")

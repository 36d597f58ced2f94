"""Public tests for unit 03, genlab.gan: run `pytest tests/test_gan.py`.

They check shapes, closed-form values of the losses and the gradient penalty, and that one
train_step updates both networks. The hidden suite checks the same behaviours more thoroughly
(against a reference implementation, at extreme logits, layer by layer, and after training).
"""
import math

import torch
import torch.nn.functional as F

from autograder.testing import expect_close, random_mlp_state

LN2 = math.log(2.0)



# ---- architectures -------------------------------------------------------------------------------


def test_generator_output_shape_and_range(worker):
    z = torch.randn(16, 10)
    r = worker.probe("gan.generator_forward", latent_dim=10, out_shape=(1, 8, 8), z=z)
    out = r["out"]
    assert out.shape == (16, 1, 8, 8), f"Generator(10, (1, 8, 8)) on z (16, 10) must return (16, 1, 8, 8), got {tuple(out.shape)}"
    assert out.abs().max() <= 1.0, (
        f"the generator's output must lie in [-1, 1] (a final Tanh); max |x| = {out.abs().max():.3f}")


def test_discriminator_returns_one_logit_per_example(worker):
    # Large inputs make the (piecewise-linear) network's logits large, of either sign: over 5,000
    # random initialisations of the reference, at least 11 of the 16 fell outside (0, 1).
    x = 100.0 * torch.randn(16, 1, 8, 8)
    r = worker.probe("gan.discriminator_forward", in_shape=(1, 8, 8), x=x)
    out = r["out"]
    assert out.shape == (16, 1), f"Discriminator((1, 8, 8)) must return logits of shape (B, 1) = (16, 1), got {tuple(out.shape)}"
    # A final sigmoid saturates to exactly 0 or 1 at these inputs, so the interval is closed.
    assert not ((out >= 0) & (out <= 1)).all(), (
        "every output lies in [0, 1]: the discriminator must return logits, with no final sigmoid "
        "(the losses apply the sigmoid themselves)")


# ---- losses --------------------------------------------------------------------------------------


def test_discriminator_loss_is_two_ln2_when_d_is_one_half(worker):
    # Logit 0 means D = sigmoid(0) = 0.5 for every sample: -log 0.5 for the real term plus -log 0.5
    # for the fake term.
    loss = worker.call("gan.discriminator_loss", torch.zeros(8, 1), torch.zeros(8, 1))
    assert math.isclose(float(loss), 2 * LN2, rel_tol=1e-5), (
        f"with D = 0.5 everywhere the loss is ln 2 + ln 2 = {2 * LN2:.5f}, got {float(loss):.5f}. "
        f"ln 2 = {LN2:.5f} means the two terms were averaged instead of added.")


def test_generator_loss_is_ln2_when_d_is_one_half(worker):
    loss = worker.call("gan.generator_loss", torch.zeros(8, 1))
    assert math.isclose(float(loss), LN2, rel_tol=1e-5), f"-log 0.5 = {LN2:.5f} expected, got {float(loss):.5f}"


def test_saturating_generator_loss_is_minus_ln2_when_d_is_one_half(worker):
    loss = worker.call("gan.saturating_generator_loss", torch.zeros(8, 1))
    assert math.isclose(float(loss), -LN2, rel_tol=1e-5), (
        f"mean log(1 - D) with D = 0.5 is -ln 2 = {-LN2:.5f}, got {float(loss):.5f} "
        "(the generator minimises this negative number)")


def test_discriminator_loss_matches_binary_cross_entropy(worker):
    real, fake = torch.randn(10, 1), torch.randn(6, 1)
    loss = worker.call("gan.discriminator_loss", real, fake)
    expected = F.binary_cross_entropy(torch.sigmoid(real), torch.ones_like(real)) + \
        F.binary_cross_entropy(torch.sigmoid(fake), torch.zeros_like(fake))
    expect_close(loss, expected, hint=(
        "expected BCE(D(real), 1) + BCE(D(fake), 0), each a batch mean; a loss with the labels "
        "swapped, halved, or summed over the batch does not match."))


def test_wasserstein_losses_are_differences_of_means(worker):
    real, fake = torch.randn(10, 1), torch.randn(6, 1)
    critic = worker.call("gan.wasserstein_critic_loss", real, fake)
    gen = worker.call("gan.wasserstein_generator_loss", fake)
    expect_close(critic, fake.mean() - real.mean(), hint=(
        "the critic minimises mean(fake) - mean(real) (a sign flip is the usual mistake)."))
    expect_close(gen, -fake.mean(), hint="the generator minimises -mean(fake).")


# ---- gradient penalty ----------------------------------------------------------------------------


def test_gradient_penalty_of_linear_critic_with_w_3_4_is_16(worker):
    # critic(x) = 3 x1 + 4 x2 + b has gradient (3, 4) everywhere: ||g|| = 5, (5 - 1)^2 = 16.
    critic = {"0.weight": torch.tensor([[3.0, 4.0]]), "0.bias": torch.tensor([0.5])}
    real, fake = torch.randn(32, 2), torch.randn(32, 2)
    r = worker.probe("gan.gradient_penalty_mlp", critic_state=critic, real=real, fake=fake)
    assert math.isclose(float(r["penalty"]), 16.0, rel_tol=1e-5), (
        f"a linear critic with w = (3, 4) has ||grad|| = 5 everywhere, so the penalty is (5 - 1)^2 = 16 "
        f"(lambda is applied by the caller); got {float(r['penalty']):.4f}")


def test_gradient_penalty_is_differentiable_in_the_critics_weights(worker):
    # penalty = (||w|| - 1)^2 for a linear critic, so d penalty / dw = 2 (||w|| - 1) w / ||w||
    # = 2 * 4 * (3, 4) / 5 = (4.8, 6.4), and the bias gets 0.
    critic = {"0.weight": torch.tensor([[3.0, 4.0]]), "0.bias": torch.tensor([0.5])}
    r = worker.probe("gan.gradient_penalty_mlp", critic_state=critic, real=torch.randn(16, 2), fake=torch.randn(16, 2))
    assert r["differentiable"], (
        "the penalty does not require grad, so it cannot train the critic: compute the input gradient "
        "with torch.autograd.grad(..., create_graph=True)")
    assert r["grads"]["0.weight"] is not None, "no gradient reached the critic's weight (create_graph=True?)"
    expect_close(r["grads"]["0.weight"], torch.tensor([[4.8, 6.4]]), hint=(
        "d/dw (||w|| - 1)^2 = 2 (||w|| - 1) w / ||w||: the penalty must be differentiated through "
        "the input gradient (create_graph=True), not treated as a constant"))


# ---- train_step ----------------------------------------------------------------------------------


def test_train_step_returns_float_losses_and_updates_both_networks(worker):
    g_state, d_state = random_mlp_state(4, 16, 2), random_mlp_state(2, 16, 1)
    reals, zs = torch.randn(1, 32, 2), torch.randn(1, 32, 4)
    r = worker.probe("gan.train_steps", g_state=g_state, d_state=d_state, reals=reals, zs=zs, g_lr=0.1, d_lr=0.1)
    losses = r["losses"][0]
    assert isinstance(losses, dict) and set(losses) >= {"d_loss", "g_loss"}, (
        f"train_step must return {{'d_loss': float, 'g_loss': float}}, got {losses!r}")
    for key in ("d_loss", "g_loss"):
        assert type(losses[key]) is float, f"{key} must be a Python float (use .item()), got {type(losses[key]).__name__}"
        assert math.isfinite(losses[key]), f"{key} = {losses[key]} is not finite"
    for name, before, after in (("generator", g_state, r["g"]), ("discriminator", d_state, r["d"])):
        changed = [k for k in before if not torch.equal(before[k], after[k])]
        assert changed, f"one train_step left the {name}'s parameters unchanged: was its optimizer stepped?"

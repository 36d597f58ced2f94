"""Realistic student bugs in unit 03 (genlab.gan); `python -m autograder verify` proves each loses points.

The comment above each mutant names the hidden test(s) expected to catch it.
"""
from autograder.mutants import Mutant

_TRAIN_STEP = '''    d_opt.zero_grad()
    d_loss = discriminator_loss(discriminator(real), discriminator(fake.detach()))
    d_loss.backward()
    d_opt.step()

    g_opt.zero_grad()
    g_loss = generator_loss(discriminator(fake))
    g_loss.backward()
    g_opt.step()
'''

MUTANTS = [
    # ---- train_step ----------------------------------------------------------------------------
    # train_step generator/three-step equality: G's update also carries d(d_loss)/dG.
    Mutant("fake-not-detached-and-stale-generator-grads", file="gan.py",
           find='''    d_loss = discriminator_loss(discriminator(real), discriminator(fake.detach()))
    d_loss.backward()
    d_opt.step()

    g_opt.zero_grad()
''',
           replace='''    d_loss = discriminator_loss(discriminator(real), discriminator(fake))
    d_loss.backward(retain_graph=True)
    d_opt.step()

''',
           hint="the discriminator step must use fake.detach(), and G's gradients must be zeroed before its own backward"),
    # train_step generator equality (and returned g_loss).
    Mutant("saturating-loss-in-train-step", file="gan.py",
           find="g_loss = generator_loss(discriminator(fake))",
           replace="g_loss = saturating_generator_loss(discriminator(fake))",
           hint="train the generator with the non-saturating loss"),
    # train_step discriminator and generator equality.
    Mutant("generator-updated-before-discriminator", file="gan.py",
           find=_TRAIN_STEP,
           replace='''    g_opt.zero_grad()
    g_loss = generator_loss(discriminator(fake))
    g_loss.backward()
    g_opt.step()

    d_opt.zero_grad()
    d_loss = discriminator_loss(discriminator(real), discriminator(generator(z).detach()))
    d_loss.backward()
    d_opt.step()
''',
           hint="update the discriminator first, then the generator through the updated discriminator"),
    # train_step discriminator and generator equality.
    Mutant("optimizers-swapped", file="gan.py",
           find=_TRAIN_STEP,
           replace=_TRAIN_STEP.replace("d_opt", "OPT_A").replace("g_opt", "d_opt").replace("OPT_A", "g_opt"),
           hint="d_opt steps the discriminator, g_opt the generator"),
    # train_step generator equality: G's loss through the discriminator as it was before its step.
    Mutant("generator-through-stale-discriminator", file="gan.py",
           find=_TRAIN_STEP,
           replace='''    fake_logits = discriminator(fake)
    d_opt.zero_grad()
    d_loss = discriminator_loss(discriminator(real), discriminator(fake.detach()))
    d_loss.backward()
    d_opt.step()

    g_opt.zero_grad()
    g_loss = generator_loss(fake_logits)
    g_loss.backward()
    g_opt.step()
''',
           hint="compute the generator's loss after d_opt.step(), through the updated discriminator"),
    # train_step three-step equality: the G step's gradients in D leak into D's next update.
    Mutant("discriminator-grads-never-zeroed", file="gan.py",
           find="    d_opt.zero_grad()\n", replace="",
           hint="zero D's gradients before each discriminator backward"),

    # ---- losses --------------------------------------------------------------------------------
    # loss equality with the reference; public BCE test.
    Mutant("discriminator-labels-swapped", file="gan.py",
           find='''    real_loss = F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, real_label))
    fake_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))''',
           replace='''    real_loss = F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))
    fake_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.full_like(fake_logits, real_label))''',
           hint="real data has target real_label (1), generated data target 0"),
    # public 2 ln 2 test, loss equality, returned d_loss.
    Mutant("discriminator-loss-halved", file="gan.py",
           find="return real_loss + fake_loss", replace="return (real_loss + fake_loss) / 2",
           hint="the two BCE terms are added, not averaged"),
    # label-smoothing test.
    Mutant("label-smoothing-on-fakes-too", file="gan.py",
           find="torch.zeros_like(fake_logits))\n    return real_loss",
           replace="torch.full_like(fake_logits, 1.0 - real_label))\n    return real_loss",
           hint="one-sided label smoothing: only the real target changes"),
    # logits +-50 test: log(1 - sigmoid(50)) = -inf.
    Mutant("discriminator-loss-log-of-sigmoid", file="gan.py",
           find='''    real_loss = F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, real_label))
    fake_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))''',
           replace='''    d_real, d_fake = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    real_loss = -(real_label * torch.log(d_real) + (1 - real_label) * torch.log(1 - d_real)).mean()
    fake_loss = -torch.log(1 - d_fake).mean()''',
           hint="work with logits: log(1 - sigmoid(50)) is log(0) in float32"),
    # logits +-50 test: BCELoss clamps each log at -100 (finite, but 100 where the loss is 50).
    Mutant("discriminator-loss-bce-on-probabilities", file="gan.py",
           find='''    real_loss = F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, real_label))
    fake_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))''',
           replace='''    real_loss = F.binary_cross_entropy(torch.sigmoid(real_logits), torch.full_like(real_logits, real_label))
    fake_loss = F.binary_cross_entropy(torch.sigmoid(fake_logits), torch.zeros_like(fake_logits))''',
           hint="nn.BCELoss on sigmoid outputs is wrong at saturated logits; use the logits form"),
    # public ln 2 test, loss equality.
    Mutant("generator-loss-is-saturating", file="gan.py",
           find="return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))",
           replace="return -F.softplus(fake_logits).mean()",
           hint="generator_loss is the non-saturating -log D(G(z))"),
    # logits +-50 test: log(1 - sigmoid(50)) = -inf.
    Mutant("saturating-loss-log-of-sigmoid", file="gan.py",
           find="return -F.softplus(fake_logits).mean()",
           replace="return torch.log(1 - torch.sigmoid(fake_logits)).mean()",
           hint="log(1 - sigmoid(s)) = -softplus(s) stays finite"),
    # public Wasserstein test, loss equality.
    Mutant("wasserstein-critic-sign-flipped", file="gan.py",
           find="return fake_scores.mean() - real_scores.mean()",
           replace="return real_scores.mean() - fake_scores.mean()",
           hint="the critic minimises mean(fake) - mean(real)"),

    # ---- gradient penalty ----------------------------------------------------------------------
    # image tests: one norm per example over C, H, W.
    Mutant("gradient-norm-per-channel", file="gan.py",
           find="grads.reshape(b, -1).norm(2, dim=1)", replace="grads.norm(2, dim=1)",
           hint="take the norm over all non-batch dims"),
    # backpropagates-into-critic test: the penalty has no graph.
    Mutant("penalty-without-create-graph", file="gan.py",
           find="x_hat, create_graph=True)", replace="x_hat, create_graph=False)",
           hint="create_graph=True makes the penalty differentiable w.r.t. the critic"),
    # linear-critic tests: the squared norm, not the norm.
    Mutant("penalty-on-squared-norm", file="gan.py",
           find="grads.reshape(b, -1).norm(2, dim=1)", replace="grads.reshape(b, -1).pow(2).sum(dim=1)",
           hint="(||g|| - 1)^2 uses the norm itself"),
    # explicit-alpha tests: alpha weighs the fake instead of the real sample.
    Mutant("penalty-alpha-on-fake", file="gan.py",
           find="alpha * real.detach() + (1 - alpha) * fake.detach()",
           replace="(1 - alpha) * real.detach() + alpha * fake.detach()",
           hint="x_hat = alpha * real + (1 - alpha) * fake"),

    # ---- architectures -------------------------------------------------------------------------
    # discriminator logits tests (hidden and public).
    Mutant("discriminator-final-sigmoid", file="gan.py",
           find="nn.Linear(256, 1),", replace="nn.Linear(256, 1),\n            nn.Sigmoid(),",
           hint="the discriminator returns logits; the losses apply the sigmoid"),
    # generator layer-order and parameter-count tests.
    Mutant("batchnorm-in-first-block", file="gan.py",
           find="*block(latent_dim, 128, normalize=False),", replace="*block(latent_dim, 128),",
           hint="no BatchNorm after the first block"),
    # generator activation test.
    Mutant("generator-relu-not-leaky", file="gan.py",
           find="layers.append(nn.LeakyReLU(0.2))", replace="layers.append(nn.ReLU())",
           hint="LeakyReLU(0.2) after every hidden block"),
    # generator activation test and public range test.
    Mutant("generator-no-tanh", file="gan.py",
           find="            nn.Tanh(),\n", replace="",
           hint="the generator ends in Tanh so samples lie in [-1, 1]"),
]

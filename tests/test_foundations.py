"""Public tests for unit 01 (genlab.foundations): densities, EM, Bayes' rule, mode coverage.

Run them with `pytest tests/test_foundations.py`. They test $GENLAB_IMPL (your starter/ by
default). The probes they name are in tests/probes/foundations.py.
"""
import math

import torch

from autograder.testing import expect_close

LOG_2PI = math.log(2 * math.pi)


# ---- gaussian_log_likelihood and fit_gaussian ---------------------------------------------------

def test_gaussian_log_likelihood_at_the_mean_of_a_standard_normal(worker):
    # log N(0; 0, 1) = -0.5 log(2 pi) per dimension; 3 dimensions summed.
    out = worker.call("foundations.gaussian_log_likelihood", torch.zeros(4, 3), torch.zeros(3), torch.ones(3))
    expect_close(out, torch.full((4,), -1.5 * LOG_2PI), hint="each dimension contributes -0.5*log(2*pi) at its mean; sum them")


def test_gaussian_log_likelihood_uses_the_variance(worker):
    # x - mean = 2, var = 4: per dimension -0.5 * (log 2pi + log 4 + 1).
    x, mean, var = torch.full((2, 5), 3.0), torch.ones(5), torch.full((5,), 4.0)
    out = worker.call("foundations.gaussian_log_likelihood", x, mean, var)
    expect_close(out, torch.full((2,), -2.5 * (LOG_2PI + math.log(4) + 1)),
                 hint="var is the variance: divide (x - mean)^2 by var (not by sqrt(var)), and add log(var)")


def test_fit_gaussian_uses_the_biased_variance(worker):
    x = torch.tensor([[0.0, 1.0], [2.0, 1.0]])
    mean, var = worker.call("foundations.fit_gaussian", x)
    expect_close(mean, torch.tensor([1.0, 1.0]), hint="the mean of the rows (average over dim 0)")
    expect_close(var, torch.tensor([1.0, 0.0]), hint="the maximum-likelihood variance divides by B, not B - 1")


# ---- GaussianMixture ----------------------------------------------------------------------------

def test_mixture_log_likelihood_and_responsibilities(worker):
    weights = torch.tensor([0.25, 0.75])
    means, variances = torch.tensor([[-1.0], [2.0]]), torch.tensor([[1.0], [0.5]])
    x = torch.tensor([[0.0], [1.0], [-3.0]])
    comps, noise = torch.tensor([0, 1, 1]), torch.tensor([[1.0], [-2.0], [0.0]])
    r = worker.probe("foundations.mixture_given_parameters", weights=weights, means=means, variances=variances,
                     x=x, components=comps, noise=noise)
    log_joint = torch.log(weights) - 0.5 * (LOG_2PI + torch.log(variances.T) + (x - means.T) ** 2 / variances.T)
    expect_close(r["log_likelihood"], torch.logsumexp(log_joint, dim=1),
                 hint="log p(x) = logsumexp over components of log weight + log density")
    expect_close(r["responsibilities"], torch.softmax(log_joint, dim=1),
                 hint="responsibilities are normalised over components: each row sums to 1")
    expect_close(r["sample"], torch.tensor([[0.0], [2.0 - 2 * math.sqrt(0.5)], [2.0]]),
                 hint="x_i = means[c_i] + noise_i * sqrt(variances[c_i]) with the given components and noise")


def test_em_never_decreases_the_log_likelihood_and_weights_sum_to_one(worker):
    torch.manual_seed(0)
    centers = torch.tensor([[-3.0, 0.0], [0.0, 3.0], [3.0, 0.0]])
    x = centers[torch.randint(0, 3, (300,))] + 0.5 * torch.randn(300, 2)
    r = worker.probe("foundations.mixture_fit", x=x, n_components=3, n_iter=20, init_means=x[:3].clone())
    history = torch.tensor(r["history"])
    assert len(history) == 20, f"fit returns one log-likelihood per iteration; got {len(history)}"
    assert (history.diff() > -1e-4).all(), f"EM decreased the log-likelihood: {history.tolist()}"
    expect_close(r["weights"].sum(), torch.tensor(1.0), hint="M-step weights are N_k / B and sum to 1")
    expect_close(r["responsibilities"].sum(1), torch.ones(300), hint="normalise responsibilities over components (dim 1)")


# ---- GaussianClassifier -------------------------------------------------------------------------

def test_classifier_posterior_is_bayes_rule(worker):
    priors = torch.tensor([0.2, 0.8])
    means, variances = torch.tensor([[0.0], [1.0]]), torch.tensor([[1.0], [1.0]])
    x = torch.tensor([[0.5], [-1.0]])
    r = worker.probe("foundations.classifier_given_parameters", priors=priors, means=means, variances=variances,
                     x=x, label=1, noise=torch.tensor([[1.5]]))
    # equal variances: the likelihoods at x = 0.5 are equal, so the posterior is the prior there.
    lik = torch.exp(-0.5 * (x - means.T) ** 2)
    expected = priors * lik / (priors * lik).sum(1, keepdim=True)
    expect_close(r["proba"], expected, hint="p(y|x) = prior * likelihood / sum over classes: did you include the prior?")
    expect_close(r["sample"], torch.tensor([[2.5]]), hint="sample = means[label] + noise * sqrt(variances[label])")


def test_classifier_fit_finds_priors_means_and_floored_variances(worker):
    x = torch.tensor([[0.0], [2.0], [5.0], [5.0]])
    y = torch.tensor([0, 0, 1, 1])
    r = worker.probe("foundations.classifier_fit", x=x, y=y, var_floor=0.1)
    expect_close(r["priors"], torch.tensor([0.5, 0.5]), hint="priors are the class frequencies")
    expect_close(r["means"], torch.tensor([[1.0], [5.0]]), hint="per-class means of x[y == c]")
    expect_close(r["variances"], torch.tensor([[1.1], [0.1]]), hint="biased per-class variance plus var_floor")
    assert r["returns_self"], "fit returns self"


# ---- mode_coverage ------------------------------------------------------------------------------

def test_mode_coverage_counts_modes_and_near_samples(worker):
    centers = torch.tensor([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    # 3 samples within 0.5 of a centre, one between modes, one at distance 0.6 (0.6^2 = 0.36 < 0.5).
    samples = torch.tensor([[0.1, 0.0], [0.0, 0.2], [4.0, 0.3], [2.0, 2.0], [0.0, 4.6]])
    covered, fraction = worker.call("foundations.mode_coverage", samples, centers, 0.5)
    assert covered == 2, (f"{covered} modes covered; two centres have a sample within the radius "
                          "(compare the distance with the radius, not the squared distance)")
    assert abs(fraction - 0.6) < 1e-6, f"high-quality fraction {fraction}, expected 3 of 5 samples"

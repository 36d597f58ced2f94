"""Unit 01: the principles of generative modelling, with Gaussians.

A *discriminative* model learns p(y | x) and nothing else. A *generative* model learns a density
p(x) (or p(x | y)) that it can evaluate (the likelihood of data) and sample from. This unit builds
the smallest useful ones: a diagonal Gaussian, a mixture of Gaussians fitted by EM, and a
classifier made of one Gaussian per class (p(y | x) by Bayes' rule). `mode_coverage` measures the
failure generative models are known for: mode collapse.

Conventions: data is float32, flat (B, D). Every log density is in nats and uses the natural log.
Variances are per dimension (diagonal covariances), never standard deviations.

Randomness: `GaussianMixture.fit` (without init_means) and the `sample` methods draw from torch's
global generator; each takes its draws as optional arguments so the tests can fix them. No test
depends on the order or the number of random draws you make.
"""
import math

import torch

LOG_2PI = math.log(2 * math.pi)


def gaussian_log_likelihood(x, mean, var):
    """Log density of each row of x under the diagonal Gaussian N(mean, diag(var)), in nats.

        log N(x; mean, var) = -0.5 * sum_d [ log(2*pi) + log(var_d) + (x_d - mean_d)^2 / var_d ]

    Compute it in log space, as written: the density itself underflows to 0 (and its log to -inf)
    long before its log does, e.g. for var = 1e-12 and x - mean = 1e-3 the answer is about -5e5,
    finite. The tests use variances down to 1e-12 and compare with torch.distributions.Normal.

    Args:
        x: (B, D) data.
        mean: (D,) or (B, D) means (broadcast against x).
        var: (D,) or (B, D) variances, all > 0.
    Returns:
        (B,) log densities, summed over the D dimensions.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def fit_gaussian(x):
    """Maximum-likelihood diagonal Gaussian for the rows of x.

    mean = the average row; var = the average squared deviation from it, per dimension, dividing
    by B (the biased, maximum-likelihood estimate), NOT by B - 1.

    Args:
        x: (B, D) data, B >= 1.
    Returns:
        (mean, var): each (D,).
    """
    # YOUR CODE HERE
    raise NotImplementedError


class GaussianMixture:
    """A mixture of K diagonal Gaussians, p(x) = sum_k weights_k N(x; means_k, diag(variances_k)),
    fitted by expectation-maximisation (EM).

    Attributes (None until `fit`; `log_likelihood`, `responsibilities` and `sample` read only these
    three, so they also work on parameters set by hand, as the tests do):
        weights: (K,) mixture weights, positive, summing to 1.
        means: (K, D).
        variances: (K, D), positive.

    fit(x, n_iter, init_means=None) -> list of n_iter floats
        Initialisation: means = init_means if given (a (K, D) tensor, used as passed), else K
        distinct rows of x chosen at random; every variance = the data's per-dimension variance
        (fit_gaussian(x)[1]) plus var_floor; weights = 1/K each.
        Then n_iter EM iterations (always all of them, no early stopping), each:
          E-step: r = responsibilities(x), (B, K): each ROW sums to 1 (normalise over components).
          M-step: N_k = sum_i r_ik;  weights_k = N_k / B;  means_k = sum_i r_ik x_i / N_k;
                  variances_k = sum_i r_ik (x_i - means_k)^2 / N_k + var_floor
                  (with the NEW means_k).
        Returns the mean per-example log-likelihood, log_likelihood(x).mean(), after each
        iteration's M-step: a list of n_iter Python floats. EM never decreases it (the tests
        allow float32 round-off of 1e-4 nats per example).

    log_likelihood(x) -> (B,): log p(x_i) = logsumexp_k [log weights_k + log N(x_i; means_k, variances_k)]
        (use logsumexp: the densities themselves underflow).
    responsibilities(x) -> (B, K): r_ik = p(component k | x_i), each row summing to 1: a softmax over
        components of the same log terms (finite even where every density underflows; the tests use
        variances of 1e-6 and points hundreds of standard deviations from every component).
    sample(n, components=None, noise=None) -> (n, D):
        components (n,) int64: the component of each sample, drawn from Categorical(weights) when
        None (e.g. torch.multinomial(weights, n, replacement=True)); noise (n, D): standard-normal
        draws (torch.randn when None). x_i = means[c_i] + noise_i * sqrt(variances[c_i]).
        Every call draws new, independent components and noise (not a fixed share n * weights
        per component, not noise rescaled to exact moments, not rows from a stored set): the
        tests check the spread of the counts and moments over repeated calls.
    """

    def __init__(self, n_components, var_floor=1e-6):
        self.n_components = n_components
        self.var_floor = var_floor
        self.weights = self.means = self.variances = None

    def _log_joint(self, x):
        """(B, K): log weights_k + log N(x_i; means_k, variances_k). A helper for log_likelihood and
        responsibilities (no test calls it: write them another way if you prefer)."""
        # YOUR CODE HERE
        raise NotImplementedError

    def log_likelihood(self, x):
        # YOUR CODE HERE
        raise NotImplementedError

    def responsibilities(self, x):
        # YOUR CODE HERE
        raise NotImplementedError

    def fit(self, x, n_iter, init_means=None):
        # YOUR CODE HERE
        raise NotImplementedError

    def sample(self, n, components=None, noise=None):
        # YOUR CODE HERE
        raise NotImplementedError


class GaussianClassifier:
    """A generative classifier: one diagonal Gaussian per class and a prior over classes.

        p(x | y = c) = N(x; means_c, diag(variances_c)),    p(y = c) = priors_c
        p(y = c | x) = priors_c p(x | c) / sum_c' priors_c' p(x | c')       (Bayes' rule)

    Attributes (None until `fit`; `predict_proba` and `sample` read only these three, so they also
    work on parameters set by hand, as the tests do):
        priors: (C,) class frequencies;  means: (C, D);  variances: (C, D).

    fit(x, y): labels y are int64 in 0..C-1 with C = y.max() + 1, every class present.
        priors_c = (number of rows with y == c) / B; means_c, v_c = fit_gaussian(x[y == c]) and
        variances_c = v_c + var_floor (the floor keeps pixels that never vary within a class from
        giving zero variance). Returns self.
    predict_proba(x) -> (B, C): p(y = c | x), rows summing to 1. Work in log space: log prior plus
        gaussian_log_likelihood, then a softmax over classes. In high dimension (the tests use
        D = 500) every class density underflows to 0 in float32, and the ratio 0/0 is NaN.
    sample(n, label, noise=None) -> (n, D): means[label] + noise * sqrt(variances[label]),
        noise standard normal (n, D), drawn with torch.randn when None: new independent draws at
        every call, used as drawn (the tests check the spread of the sample moments over calls).
    """

    def __init__(self, var_floor=1e-2):
        self.var_floor = var_floor
        self.priors = self.means = self.variances = None

    def fit(self, x, y):
        # YOUR CODE HERE
        raise NotImplementedError

    def predict_proba(self, x):
        # YOUR CODE HERE
        raise NotImplementedError

    def sample(self, n, label, noise=None):
        # YOUR CODE HERE
        raise NotImplementedError


def mode_coverage(samples, centers, radius):
    """How many modes a set of samples covers, and how many samples are near any mode.

    A sample is *high quality* when its Euclidean distance to at least one centre is at most
    `radius` (distance, not squared distance). A centre is *covered* when at least one sample lies
    within `radius` of it. (The tests never put a sample at exactly `radius`, and use radii below
    half the distance between centres, as in the GAN mode-collapse literature.)

    Args:
        samples: (N, D), N >= 1.
        centers: (M, D) the known modes.
        radius: float > 0.
    Returns:
        (modes_covered, high_quality_fraction): a Python int in 0..M and a Python float in [0, 1]
        (the fraction of the N samples that are high quality).
    """
    # YOUR CODE HERE
    raise NotImplementedError

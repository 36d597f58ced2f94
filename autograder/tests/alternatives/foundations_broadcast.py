"""A second correct genlab.foundations, written from the docstrings: torch.distributions for the
Gaussian density, one broadcast (B, K, D) computation for all components, EM with einsum."""
import torch
from torch.distributions import Normal


def gaussian_log_likelihood(x, mean, var):
    return Normal(mean, var.sqrt()).log_prob(x).sum(-1)


def fit_gaussian(x):
    return x.mean(0), x.var(0, unbiased=False)


def _component_log_densities(x, means, variances):
    """(B, K) log N(x_i; means_k, variances_k)."""
    return gaussian_log_likelihood(x.unsqueeze(1), means.unsqueeze(0), variances.unsqueeze(0))


class GaussianMixture:
    def __init__(self, n_components, var_floor=1e-6):
        self.n_components, self.var_floor = n_components, var_floor
        self.weights = self.means = self.variances = None

    def _log_joint(self, x):
        return self.weights.log().unsqueeze(0) + _component_log_densities(x, self.means, self.variances)

    def log_likelihood(self, x):
        return self._log_joint(x).logsumexp(-1)

    def responsibilities(self, x):
        log_joint = self._log_joint(x)
        return (log_joint - log_joint.logsumexp(-1, keepdim=True)).exp()

    def fit(self, x, n_iter, init_means=None):
        n, k = x.shape[0], self.n_components
        if init_means is not None:
            means = init_means.to(x.dtype).clone()
        else:
            means = x[torch.randperm(n)[:k]].clone()
        data_var = fit_gaussian(x)[1]
        self.means = means
        self.variances = data_var.repeat(k, 1) + self.var_floor
        self.weights = torch.ones(k, dtype=x.dtype) / k
        out = []
        for _ in range(n_iter):
            resp = self.responsibilities(x)
            counts = resp.sum(0)
            self.weights = counts / n
            self.means = torch.einsum("bk,bd->kd", resp, x) / counts.unsqueeze(1)
            second = torch.einsum("bk,bkd->kd", resp, (x.unsqueeze(1) - self.means.unsqueeze(0)).pow(2))
            self.variances = second / counts.unsqueeze(1) + self.var_floor
            out.append(float(self.log_likelihood(x).mean()))
        return out

    def sample(self, n, components=None, noise=None):
        if components is None:
            components = torch.distributions.Categorical(probs=self.weights).sample((n,))
        if noise is None:
            noise = torch.randn(n, self.means.shape[-1])
        return torch.addcmul(self.means[components], noise, self.variances[components].sqrt())


class GaussianClassifier:
    def __init__(self, var_floor=1e-2):
        self.var_floor = var_floor
        self.priors = self.means = self.variances = None

    def fit(self, x, y):
        n_classes = int(y.max().item()) + 1
        onehot = torch.nn.functional.one_hot(y, n_classes).to(x.dtype)     # (B, C)
        counts = onehot.sum(0)
        self.priors = counts / counts.sum()
        self.means = onehot.T @ x / counts[:, None]
        self.variances = onehot.T @ (x - self.means[y]).pow(2) / counts[:, None] + self.var_floor
        return self

    def predict_proba(self, x):
        log_post = self.priors.log() + _component_log_densities(x, self.means, self.variances)
        return log_post.log_softmax(-1).exp()

    def sample(self, n, label, noise=None):
        mean, std = self.means[label], self.variances[label].sqrt()
        if noise is None:
            return torch.normal(mean.expand(n, -1), std.expand(n, -1))
        return mean + std * noise


def mode_coverage(samples, centers, radius):
    dist2 = (samples[:, None, :] - centers[None, :, :]).pow(2).sum(-1)      # (N, M)
    within = dist2 <= radius * radius
    return int(within.any(0).sum().item()), float(within.any(1).sum().item()) / samples.shape[0]

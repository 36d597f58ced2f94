"""A second correct genlab.metrics, written from the docstrings: numpy for the statistics and
the score arithmetic, a symmetric eigendecomposition of sigma2^(1/2) sigma1 sigma2^(1/2) for the
Fréchet trace, and n-gram counting with dictionaries."""
import math

import numpy as np
import torch

from .digit_classifier import digit_features, digit_probs  # noqa: F401


def gaussian_statistics(features):
    f = features.detach().cpu().double().numpy()
    return torch.from_numpy(f.mean(axis=0)), torch.from_numpy(np.atleast_2d(np.cov(f, rowvar=False)))


def _psd_sqrt(a):
    w, v = np.linalg.eigh(a)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    m1, m2 = np.asarray(mu1, dtype=np.float64), np.asarray(mu2, dtype=np.float64)
    s1, s2 = np.asarray(sigma1, dtype=np.float64), np.asarray(sigma2, dtype=np.float64)
    root2 = _psd_sqrt(s2)
    inner = root2 @ s1 @ root2
    eig = np.linalg.eigvalsh(0.5 * (inner + inner.T))
    if not np.all(np.isfinite(eig)):
        off = eps * np.eye(len(m1))
        root2 = _psd_sqrt(s2 + off)
        inner = root2 @ (s1 + off) @ root2
        eig = np.linalg.eigvalsh(0.5 * (inner + inner.T))
    tr_covmean = np.sqrt(np.clip(eig, 0, None)).sum()
    return float(np.sum((m1 - m2) ** 2) + np.trace(s1) + np.trace(s2) - 2.0 * tr_covmean)


def fid(real, fake, features=digit_features):
    mu1, s1 = gaussian_statistics(features(real))
    mu2, s2 = gaussian_statistics(features(fake))
    return frechet_distance(mu1, s1, mu2, s2)


def inception_score(probs, splits=10):
    p = probs.detach().cpu().double().numpy()
    n = p.shape[0]
    bounds = [k * n // splits for k in range(splits + 1)]
    scores = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        part = p[lo:hi]
        py = part.mean(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(part > 0, part * (np.log(part) - np.log(py)), 0.0)
        scores.append(math.exp(terms.sum(axis=1).mean()))
    return float(np.mean(scores)), float(np.std(scores))


def _counts(tokens, n):
    out = {}
    for i in range(len(tokens) - n + 1):
        g = tuple(tokens[i:i + n])
        out[g] = out.get(g, 0) + 1
    return out


def bleu(hypotheses, references, max_n=4, smooth="exp"):
    correct = [0] * (max_n + 1)
    total = [0] * (max_n + 1)
    c = r = 0
    for hyp, refs in zip(hypotheses, references):
        c += len(hyp)
        best = None
        for ref in refs:
            key = (abs(len(ref) - len(hyp)), len(ref))
            best = key if best is None or key < best else best
        r += best[1]
        for n in range(1, max_n + 1):
            h = _counts(hyp, n)
            ceiling = {}
            for ref in refs:
                for g, k in _counts(ref, n).items():
                    ceiling[g] = max(ceiling.get(g, 0), k)
            correct[n] += sum(min(k, ceiling.get(g, 0)) for g, k in h.items())
            total[n] += max(0, len(hyp) - n + 1)
    if not any(correct[1:]) or any(total[n] == 0 for n in range(1, max_n + 1)):
        return 0.0
    log_sum, zeros = 0.0, 0
    for n in range(1, max_n + 1):
        if correct[n] == 0:
            if smooth == "none":
                return 0.0
            zeros += 1
            log_sum += -math.log(2.0 ** zeros * total[n])
        else:
            log_sum += math.log(correct[n]) - math.log(total[n])
    if c == 0:
        return 0.0
    brevity = math.exp(min(0.0, 1.0 - r / c))
    return float(100.0 * brevity * math.exp(log_sum / max_n))


def _mean_nll(nll, n_tokens):
    values = np.asarray(nll.detach().cpu() if isinstance(nll, torch.Tensor) else nll, dtype=np.float64)
    return values.sum() / (values.size if n_tokens is None else n_tokens)


def perplexity(nll, n_tokens=None):
    return float(np.exp(_mean_nll(nll, n_tokens)))


def bits_per_token(nll, n_tokens=None):
    return float(_mean_nll(nll, n_tokens) / np.log(2.0))

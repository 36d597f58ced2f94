"""Metrics for generative models (graded with unit 01).

A likelihood is not always available, and a high one does not always mean good samples, so
generative models are also judged by what they produce:
- Fréchet distance and FID: how far apart two sets are in a feature space, by the Gaussians
  fitted to their features (Heusel et al., 2017). Lower is better, 0 for identical statistics.
- Inception score: are samples confidently classified (sharp p(y|x)) AND varied (broad p(y))?
  (Salimans et al., 2016). Between 1 and the number of classes; higher is better.
- BLEU: n-gram overlap of generated text with references (Papineni et al., 2002), as sacrebleu.
- Perplexity and bits per token: a language model's likelihood per token.

`digit_features` and `digit_probs` are provided (genlab.digit_classifier): a small digit
classifier whose weights ship inside the package plays the part of the Inception network.

Every result is a Python float (or a tuple of them) unless said otherwise. Nothing here draws
random numbers, so no test depends on random draws.
"""
import math
from collections import Counter

import torch

from .digit_classifier import digit_features, digit_probs  # noqa: F401  (provided, not stubbed)


def gaussian_statistics(features):
    """Mean and covariance of a set of feature vectors, in float64.

    Args:
        features: (N, D) tensor, one row per example (N >= 2; N = 1 has no unbiased covariance
            and is never tested). D = 1 is allowed.
    Returns:
        (mu, sigma): mu (D,) the mean row; sigma (D, D) the UNBIASED covariance (divide by N - 1),
        as numpy.cov(features, rowvar=False) and pytorch-fid compute it. Both float64 tensors,
        computed in float64 (convert the features first): the tests compare with numpy.cov to 1e-9.
        sigma is 2-D even for D = 1, shape (1, 1): numpy.cov and torch.cov return a 0-d value
        there, so reshape if you use them. Rows that are all equal give sigma = 0 (a valid,
        singular covariance).
    """
    # YOUR CODE HERE
    raise NotImplementedError


def _sqrtm_psd(matrix):
    """Square root of a symmetric positive semi-definite matrix, by its eigendecomposition."""
    # YOUR CODE HERE
    raise NotImplementedError


def frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """Fréchet (2-Wasserstein) distance between N(mu1, sigma1) and N(mu2, sigma2):

        d^2 = ||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^(1/2))

    Compute in float64 (convert the inputs). The only hard part is Tr((sigma1 sigma2)^(1/2)):
    sigma1 sigma2 is not symmetric, but it has the same eigenvalues as the symmetric positive
    semi-definite S = sigma1^(1/2) sigma2 sigma1^(1/2), so the trace is the sum of the square roots
    of S's eigenvalues (torch.linalg.eigh; clamp round-off negatives to 0). A matrix square root of
    sigma1 sigma2 (scipy.linalg.sqrtm, as pytorch-fid uses) gives the same number. The square
    root is a MATRIX square root, not an elementwise one.

    eps: pytorch-fid takes a general matrix square root of the non-symmetric product sigma1 sigma2
    (scipy.linalg.sqrtm), which can come back with inf or NaN entries when the product is
    singular; it then adds eps * I to both covariances and takes the root again. Do the same if
    you use such a method. The eigenvalue method above never produces a non-finite value from
    finite covariances (its eigenvalues are clamped at 0), so with it the retry never runs: it is
    there only for methods that can fail that way. No test passes eps or depends on the retry.

    Tolerances, with T = Tr(sigma1) + Tr(sigma2) (the two sets' total variance): the tests compare
    with pytorch-fid's scipy formula within 1e-6 relative (plus 1e-8 T absolute) when both
    covariances have full rank, and within an absolute 1e-4 T when one is singular or nearly so
    (rank-deficient covariances from fewer samples than dimensions, all-equal rows), where float64
    square roots agree only that far. Example: with T = 50, a singular case may be off by 0.005.

    Args:
        mu1, mu2: (D,) means. sigma1, sigma2: (D, D) symmetric positive semi-definite covariances
            (D = 1 included: (1,) means and (1, 1) covariances).
        eps: the diagonal offset of pytorch-fid's retry (see above).
    Returns:
        A Python float, >= 0 up to round-off; 0 for identical statistics.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def fid(real, fake, features=digit_features):
    """Fréchet distance between the feature statistics of two sets of examples.

        fid = frechet_distance(*gaussian_statistics(features(real)), *gaussian_statistics(features(fake)))

    Args:
        real, fake: batches of examples (for the default, digits (N, 64) or (N, 1, 8, 8) in [0, 1]).
        features: a function from a batch to (N, D) features; the default is `digit_features`, the
            32 penultimate activations of the provided digit classifier ("digit FID").
    Returns:
        A Python float.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def inception_score(probs, splits=10):
    """Inception score of predicted class probabilities, as Salimans et al. and torch-fidelity.

    Split the N rows into `splits` consecutive parts, part i being rows [i*N//splits, (i+1)*N//splits)
    (Salimans et al.'s boundaries): the parts differ in size by at most one when splits does not
    divide N, the larger parts come LAST, and every row belongs to exactly one part. Example,
    N = 10, splits = 3: rows 0-2, 3-5 and 6-9 (sizes 3, 3, 4). Not parts of N // splits = 3 rows
    (which drop row 9), not numpy.array_split's 0-3, 4-6, 7-9 (sizes 4, 3, 3), and not
    torch.chunk's 0-3, 4-7, 8-9 (sizes 4, 4, 2): those give other numbers and lose points. In each part:
        p(y)  = the mean of its rows,
        score = exp( mean over its rows x of KL( p(y|x) || p(y) ) ),
        KL(p || q) = sum_c p_c (log p_c - log q_c), with 0 * log 0 = 0 (torch.xlogy helps).
    Note the direction: KL from each prediction p(y|x) TO the marginal p(y).

    Edge cases the tests use: one-hot rows and classes no row predicts (p(y)_c = 0: every term
    with p_c = 0 is 0), C = 1 (IS = 1), parts of a single row (IS = 1 for that part), identical
    rows (IS = 1).

    Args:
        probs: (N, C) rows of probabilities (e.g. digit_probs(samples)), N >= splits.
        splits: the number of parts, 1 <= splits <= N.
    Returns:
        (mean, std) of the `splits` scores, Python floats; std is the population standard deviation
        (divide by splits, numpy.std's default), 0.0 when splits = 1.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def _ngrams(tokens, n):
    """Counter of the n-grams (as tuples) of a token list."""
    # YOUR CODE HERE
    raise NotImplementedError


def bleu(hypotheses, references, max_n=4, smooth="exp"):
    """Corpus BLEU in 0..100 on pre-tokenised text, exactly as sacrebleu's
    corpus_bleu(..., tokenize="none") with smooth_method "exp" or "none" (the tests join each
    token list with spaces and give it to sacrebleu, so a token is a non-empty string without
    whitespace; anything else is never tested).

    Args:
        hypotheses: list of H >= 1 token lists (each a list of strings; an empty list is allowed).
        references: list of H entries, references[i] = a list of one or more token lists: the
            references of hypothesis i (their number may differ between hypotheses; a reference
            may be empty). An empty corpus (H = 0) is never tested (sacrebleu raises on it).
        max_n: the highest n-gram order N >= 1.
        smooth: "exp" or "none".

    Over the whole corpus, for each order n = 1..N:
        matches_n = sum over hypotheses of CLIPPED n-gram matches: each n-gram of the hypothesis
                    counts at most as often as it occurs in the single reference where it occurs
                    most (max over that hypothesis' references, not their sum);
        total_n   = sum over hypotheses of max(0, len(hypothesis) - n + 1).
        p_n = matches_n / total_n.
    Brevity penalty: c = total hypothesis length; r = sum over hypotheses of the length of the
        reference CLOSEST in length to the hypothesis (on a tie, the shorter one);
        BP = 1 if c > r else exp(1 - r / c)  (so BP = 1 when c = r; BP = 0 if c = 0).
    BLEU = 100 * BP * exp( (1/N) * sum_n log p_n )   (a GEOMETRIC mean of the precisions).
    The special cases, checked in this order (each is where sacrebleu's answer is 0):
        1. No match at all (matches_1 = 0, hence matches_n = 0 for every n): BLEU = 0 with EITHER
           smoothing. Example: hypothesis "a b c d", reference "e f g h" gives 0.0, also with
           smooth="exp" (smoothing only fills in missing orders when something matched).
        2. total_n = 0 for some n <= N (every hypothesis shorter than n tokens, or all empty):
           BLEU = 0.
        3. Some order n has matches_n = 0 (but unigrams match):
           smooth="none": BLEU = 0.
           smooth="exp":  going through n = 1..N, the k-th order with matches_n = 0 uses
                          p_n = 1 / (2^k * total_n) instead (sacrebleu's "exp", NIST geometric
                          sequence smoothing).
    Returns:
        A Python float in [0, 100]. The tests compare with sacrebleu to 1e-6 relative (plus 1e-9
        absolute), on real sentence pairs and on thousands of random small corpora (a few tokens
        from a few words, empty hypotheses and references, orders without matches).
    """
    # YOUR CODE HERE
    raise NotImplementedError


def perplexity(nll, n_tokens=None):
    """Perplexity, exp(mean negative log-likelihood per token), from NLLs in nats.

    Two ways to call it:
        perplexity(per_token_nll)          nll: a tensor of per-token NLLs (any shape, one value per
                                           token): exp(nll.mean()).
        perplexity(total_nll, n_tokens)    nll: the summed NLL of n_tokens tokens (a number or a
                                           tensor, summed if it has several values):
                                           exp(total / n_tokens).
    Returns:
        A Python float >= 1 for non-negative NLLs. (Exp of the SUM, not the mean, is a common slip.)
    """
    # YOUR CODE HERE
    raise NotImplementedError


def bits_per_token(nll, n_tokens=None):
    """The mean NLL per token in bits, mean / ln 2 (log2 of the perplexity). Same two ways to
    call it as `perplexity`. Returns a Python float."""
    # YOUR CODE HERE
    raise NotImplementedError

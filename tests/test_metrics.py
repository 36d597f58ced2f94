"""Public tests for genlab.metrics (graded with unit 01): Fréchet distance and FID, inception
score, BLEU, perplexity. Closed forms only here; the hidden suite also compares with scipy and
sacrebleu. Run them with `pytest tests/test_metrics.py`.
"""
import math

import torch

from autograder.testing import expect_close


def close(a, b, rel=1e-6, abs_=1e-8):
    return isinstance(a, (int, float)) and abs(a - b) <= abs_ + rel * abs(b)


# ---- statistics and the Fréchet distance --------------------------------------------------------

def test_gaussian_statistics_are_the_mean_and_unbiased_covariance(worker):
    f = torch.tensor([[1.0, 0.0], [3.0, 2.0], [2.0, 4.0]])
    mu, sigma = worker.call("metrics.gaussian_statistics", f)
    assert mu.dtype == torch.float64 and sigma.dtype == torch.float64, "return float64 statistics"
    expect_close(mu, torch.tensor([2.0, 2.0], dtype=torch.float64), hint="mu is the mean row")
    expect_close(sigma, torch.tensor([[1.0, 1.0], [1.0, 4.0]], dtype=torch.float64),
                 hint="the covariance is unbiased: divide by N - 1 (numpy.cov, rowvar=False)")


def test_frechet_distance_of_diagonal_gaussians_is_the_closed_form(worker):
    # For commuting (here diagonal) covariances: ||mu1 - mu2||^2 + sum (sqrt(s1) - sqrt(s2))^2.
    mu1, mu2 = torch.tensor([0.0, 1.0, 2.0]), torch.tensor([1.0, 1.0, 0.0])
    s1, s2 = torch.tensor([1.0, 4.0, 9.0]), torch.tensor([4.0, 1.0, 9.0])
    d = worker.call("metrics.frechet_distance", mu1, torch.diag(s1), mu2, torch.diag(s2))
    expected = 5.0 + 1.0 + 1.0 + 0.0
    assert close(d, expected), (f"got {d}, expected {expected}: the trace term is "
                                "Tr(S1 + S2 - 2 (S1 S2)^(1/2)), with the factor 2")


def test_frechet_distance_of_identical_statistics_is_zero(worker):
    a = torch.randn(40, 3) @ torch.randn(3, 3)
    cov = torch.cov(a.T).double()
    d = worker.call("metrics.frechet_distance", torch.zeros(3), cov, torch.zeros(3), cov)
    assert isinstance(d, float) and abs(d) < 1e-6 * torch.trace(cov).item(), \
        f"got {d}: identical statistics are at distance 0 (matrix square root, not elementwise?)"


def test_fid_uses_digit_features_by_default(worker):
    torch.manual_seed(0)
    real, fake = torch.rand(50, 64), torch.rand(60, 64) ** 2
    r = worker.probe("metrics.fid_with_default_features", real=real, fake=fake)
    ident = worker.probe("metrics.fid_with_identity_features", real=r["features_real"], fake=r["features_fake"])
    assert close(r["fid"], ident, rel=1e-6), f"fid(real, fake) = {r['fid']}, but on digit_features it is {ident}"


# ---- inception score ----------------------------------------------------------------------------

def test_inception_score_of_confident_uniform_predictions_is_the_number_of_classes(worker):
    probs = torch.eye(10).repeat(4, 1)          # 40 one-hot rows, every class 4 times
    mean, std = worker.call("metrics.inception_score", probs, splits=4)
    assert close(mean, 10.0), f"IS = {mean}; one-hot predictions spread evenly over 10 classes give 10"
    assert close(std, 0.0, abs_=1e-9), f"every split scores 10, so the std over splits is 0; got {std}"


def test_inception_score_of_identical_predictions_is_one(worker):
    probs = torch.softmax(torch.randn(1, 7), dim=1).repeat(30, 1)
    mean, _ = worker.call("metrics.inception_score", probs, splits=3)
    assert close(mean, 1.0), f"IS = {mean}; identical predictions have p(y|x) = p(y): KL 0, IS 1"


def test_inception_score_parts_have_the_larger_parts_last(worker):
    # N = 10 one-hot rows, splits = 3: parts are rows 0-2, 3-5, 6-9. The first two hold classes
    # 0, 1, 2 once each (IS 3), the last 0, 1, 2, 3 (IS 4): mean 10/3, std sqrt(2)/3.
    probs = torch.eye(4)[[0, 1, 2, 0, 1, 2, 0, 1, 2, 3]]
    mean, std = worker.call("metrics.inception_score", probs, splits=3)
    assert close(mean, 10 / 3) and close(std, math.sqrt(2) / 3), (
        f"got ({mean}, {std}), expected ({10 / 3:.6f}, {math.sqrt(2) / 3:.6f}): part i is rows "
        "[i*N//splits, (i+1)*N//splits), sizes 3, 3, 4 here (not 3, 3, 3 dropping row 9, not 4, 3, 3)")


# ---- BLEU ---------------------------------------------------------------------------------------

def test_bleu_of_a_perfect_match_is_100(worker):
    hyp = "the quick brown fox jumps over the lazy dog".split()
    score = worker.call("metrics.bleu", [hyp], [[hyp]])
    assert close(score, 100.0), f"BLEU of a hypothesis equal to its reference is 100, got {score}"


def test_bleu_clips_counts_and_applies_the_brevity_penalty(worker):
    # "the the the": 3 unigrams, "the" occurs twice in the reference -> p1 = 2/3 (clipped).
    # max_n = 1, c = 3, r = 6 -> BP = exp(1 - 6/3).
    hyp, ref = "the the the".split(), "the cat is on the mat".split()
    score = worker.call("metrics.bleu", [hyp], [[ref]], max_n=1)
    expected = 100 * math.exp(1 - 6 / 3) * 2 / 3
    assert close(score, expected), (f"got {score}, expected {expected:.4f}: clip each n-gram's count by the "
                                    "reference's, and BP = exp(1 - r/c) for a short hypothesis")


def test_bleu_with_a_missing_order_is_smoothed_or_zero(worker):
    # 3 tokens, no matching bigram: p1 = 2/3, p2 = 0/2.
    hyp, ref = "a b c".split(), "a x c".split()
    assert worker.call("metrics.bleu", [hyp], [[ref]], max_n=2, smooth="none") == 0.0, "smooth='none': BLEU is 0"
    score = worker.call("metrics.bleu", [hyp], [[ref]], max_n=2, smooth="exp")
    expected = 100 * math.sqrt(2 / 3 * 1 / (2 * 2))
    assert close(score, expected), f"got {score}, expected {expected:.4f}: 'exp' uses p_n = 1/(2^k * total_n)"


def test_bleu_without_any_match_is_zero_even_when_smoothed(worker):
    # No unigram matches, so no n-gram matches at all: sacrebleu gives 0.0 with either smoothing.
    hyp, ref = "a b c d".split(), "e f g h".split()
    for smooth in ("exp", "none"):
        score = worker.call("metrics.bleu", [hyp], [[ref]], smooth=smooth)
        assert score == 0.0, (f"smooth={smooth!r}: got {score}; with no match at all BLEU is 0 ('exp' smoothing "
                              "replaces the precision of a missing order only when some n-gram matched)")


# ---- perplexity ---------------------------------------------------------------------------------

def test_perplexity_of_a_uniform_model_is_the_vocabulary_size(worker):
    nll = torch.full((5, 20), math.log(50))     # every token costs log 50 nats
    assert close(worker.call("metrics.perplexity", nll), 50.0, rel=1e-5), "perplexity = exp(MEAN nll)"
    assert close(worker.call("metrics.perplexity", nll.sum().item(), n_tokens=100), 50.0, rel=1e-5), \
        "with n_tokens: exp(total / n_tokens)"
    assert close(worker.call("metrics.bits_per_token", nll), math.log2(50), rel=1e-5), "bits = mean nll / ln 2"

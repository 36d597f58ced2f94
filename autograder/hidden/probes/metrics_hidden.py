"""Worker-side probes for the hidden metrics suite."""


def fid_default_on_pairs(genlab, real, fakes):
    """fid(real, fake) with the default features, for several fake sets."""
    return [genlab.metrics.fid(real, fake) for fake in fakes]


def fid_on_raw_features(genlab, real, fake):
    """fid with the identity as the feature extractor."""
    return genlab.metrics.fid(real, fake, features=lambda x: x)


def _outcome(function, args):
    """function(*args) as data: {"value": result} or {"raised": exception type, "message": text}.
    NotImplementedError propagates (an unfinished stub fails the test as such)."""
    try:
        return {"value": function(*args)}
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001  the test names the case that raised
        return {"raised": type(exc).__name__, "message": str(exc)[:300]}


def statistics_many(genlab, feature_sets):
    """gaussian_statistics(f) for each feature set, as outcomes (one case raising does not hide the others)."""
    return [_outcome(genlab.metrics.gaussian_statistics, (f,)) for f in feature_sets]


def frechet_many(genlab, cases):
    """frechet_distance(mu1, sigma1, mu2, sigma2) for each case, as outcomes."""
    return [_outcome(genlab.metrics.frechet_distance, tuple(case)) for case in cases]


def inception_many(genlab, cases):
    """inception_score(probs, splits) for each (probs, splits), as outcomes."""
    return [_outcome(genlab.metrics.inception_score, (probs, splits)) for probs, splits in cases]


def bleu_many(genlab, cases):
    """bleu(hypotheses, references, max_n, smooth) for each case (a dict of those four), as outcomes."""
    return [_outcome(genlab.metrics.bleu, (c["hypotheses"], c["references"], c["max_n"], c["smooth"])) for c in cases]

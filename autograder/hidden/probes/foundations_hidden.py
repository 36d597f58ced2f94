"""Worker-side probes for the hidden foundations suite. They run the student's code, return data.

Mixtures and classifiers are built with the judge's parameters set as attributes (the docstrings
promise that the methods read only those), so each method is judged on its own.
"""
import torch

from genlab_probes.foundations import _classifier, _mixture


def mixture_methods(genlab, weights, means, variances, x):
    gm = _mixture(genlab, weights, means, variances)
    return {"log_likelihood": gm.log_likelihood(x), "responsibilities": gm.responsibilities(x)}


def mixture_sample_given(genlab, weights, means, variances, components, noise):
    return _mixture(genlab, weights, means, variances).sample(len(components), components=components, noise=noise)


def mixture_sample_drawn(genlab, weights, means, variances, n, draws=2):
    """`draws` independent calls of sample(n) with the student's own draws (they must differ)."""
    gm = _mixture(genlab, weights, means, variances)
    return [gm.sample(n) for _ in range(draws)]


def mixture_em(genlab, x, n_components, n_iter, init_means=None):
    """fit, then what the fitted model says about x."""
    torch.set_num_threads(1)
    gm = genlab.foundations.GaussianMixture(n_components)
    history = gm.fit(x, n_iter, init_means=init_means)
    return {"history": [float(h) for h in history], "weights": gm.weights, "means": gm.means,
            "variances": gm.variances, "responsibilities": gm.responsibilities(x),
            "log_likelihood": gm.log_likelihood(x)}


def classifier_proba(genlab, priors, means, variances, x):
    return _classifier(genlab, priors, means, variances).predict_proba(x)


def classifier_fitted(genlab, x, y, var_floor):
    clf = genlab.foundations.GaussianClassifier(var_floor=var_floor)
    clf.fit(x, y)
    return {"priors": clf.priors, "means": clf.means, "variances": clf.variances}


def classifier_samples(genlab, priors, means, variances, n, label, noise, draws=2):
    """Samples of one class with the student's own noise (`draws` calls) and with the given noise."""
    clf = _classifier(genlab, priors, means, variances)
    return {"drawn": [clf.sample(n, label) for _ in range(draws)], "given": clf.sample(len(noise), label, noise=noise)}


def _outcome(function, *args):
    """function(*args) as data: {"value": result} or {"raised": exception type, "message": text}.
    NotImplementedError propagates (an unfinished stub fails the test as such)."""
    try:
        return {"value": function(*args)}
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001  the test names the case that raised
        return {"raised": type(exc).__name__, "message": str(exc)[:300]}


def densities_many(genlab, cases):
    """For each case (x, weights, means, variances): gaussian_log_likelihood under component 0,
    and the log-likelihood and responsibilities of the mixture, and predict_proba of the
    classifier with priors = weights, each as an outcome."""
    out = []
    for c in cases:
        gm = _mixture(genlab, c["weights"], c["means"], c["variances"])
        clf = _classifier(genlab, c["weights"], c["means"], c["variances"])
        out.append({"gaussian": _outcome(genlab.foundations.gaussian_log_likelihood, c["x"], c["means"][0], c["variances"][0]),
                    "mixture": _outcome(gm.log_likelihood, c["x"]),
                    "responsibilities": _outcome(gm.responsibilities, c["x"]),
                    "classifier": _outcome(clf.predict_proba, c["x"])})
    return out

"""Worker-side probes for the public foundations tests: they run the student's code and return data.

The mixture and classifier are built here with parameters sent by the test (set as attributes, as
the docstrings allow), so each method is judged on its own.
"""


def _mixture(genlab, weights, means, variances):
    gm = genlab.foundations.GaussianMixture(len(weights))
    gm.weights, gm.means, gm.variances = weights, means, variances
    return gm


def mixture_given_parameters(genlab, weights, means, variances, x, components, noise):
    """log_likelihood, responsibilities and sample (with the given draws) of a hand-set mixture."""
    gm = _mixture(genlab, weights, means, variances)
    return {"log_likelihood": gm.log_likelihood(x), "responsibilities": gm.responsibilities(x),
            "sample": gm.sample(len(components), components=components, noise=noise)}


def mixture_fit(genlab, x, n_components, n_iter, init_means=None):
    """The student's EM: its log-likelihood history and the fitted parameters."""
    gm = genlab.foundations.GaussianMixture(n_components)
    history = gm.fit(x, n_iter, init_means=init_means)
    return {"history": list(history), "weights": gm.weights, "means": gm.means, "variances": gm.variances,
            "responsibilities": gm.responsibilities(x)}


def _classifier(genlab, priors, means, variances):
    clf = genlab.foundations.GaussianClassifier()
    clf.priors, clf.means, clf.variances = priors, means, variances
    return clf


def classifier_given_parameters(genlab, priors, means, variances, x, label, noise):
    """predict_proba and sample (with the given noise) of a hand-set classifier."""
    clf = _classifier(genlab, priors, means, variances)
    return {"proba": clf.predict_proba(x), "sample": clf.sample(len(noise), label, noise=noise)}


def classifier_fit(genlab, x, y, var_floor):
    """The parameters the student's fit finds."""
    clf = genlab.foundations.GaussianClassifier(var_floor=var_floor)
    out = clf.fit(x, y)
    return {"priors": clf.priors, "means": clf.means, "variances": clf.variances, "returns_self": out is clf}

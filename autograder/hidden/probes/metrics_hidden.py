"""Worker-side probes for the hidden metrics suite."""


def fid_default_on_pairs(genlab, real, fakes):
    """fid(real, fake) with the default features, for several fake sets."""
    return [genlab.metrics.fid(real, fake) for fake in fakes]


def fid_on_raw_features(genlab, real, fake):
    """fid with the identity as the feature extractor."""
    return genlab.metrics.fid(real, fake, features=lambda x: x)

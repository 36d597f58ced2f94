"""Worker-side probes for the public metrics tests."""


def fid_with_identity_features(genlab, real, fake):
    """fid with the features being the data itself (no network in between)."""
    return genlab.metrics.fid(real, fake, features=lambda x: x)


def fid_with_default_features(genlab, real, fake):
    """fid's default, and the provided digit_features as genlab.metrics exposes it."""
    return {"fid": genlab.metrics.fid(real, fake), "features_real": genlab.metrics.digit_features(real),
            "features_fake": genlab.metrics.digit_features(fake)}

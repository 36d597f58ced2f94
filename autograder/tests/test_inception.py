"""genlab.inception (provided, opt-in): torchvision's Inception-v3 as the feature map of FID and the
classifier of the Inception score. Tested with random weights (weights=None): no download."""
import pytest
import torch

from autograder.reference import reference

inception = reference("inception")
metrics = reference("metrics")
pytestmark = pytest.mark.slow  # builds a full Inception-v3 (about 10 s on 2 cores): the second tier


@pytest.fixture(scope="module")
def network():
    torch.manual_seed(0)
    return inception.InceptionFeatures(weights=None, batch_size=3)


def test_prepare_makes_imagenet_normalised_299_pixel_rgb_from_grey_or_signed_images():
    grey = torch.full((2, 1, 8, 8), 0.5)
    x = inception.InceptionFeatures.prepare(grey)
    assert x.shape == (2, 3, 299, 299)
    want = (0.5 - torch.tensor(inception.IMAGENET_MEAN)) / torch.tensor(inception.IMAGENET_STD)
    torch.testing.assert_close(x[0, :, 100, 100], want)
    torch.testing.assert_close(inception.InceptionFeatures.prepare(torch.zeros(2, 8, 8), signed=True), x)


def test_features_and_probs_have_the_standard_shapes_in_batches(network):
    images = torch.rand(5, 1, 16, 16)
    features, probs = network.features(images), network.probs(images)
    assert features.shape == (5, 2048) and torch.isfinite(features).all()
    assert probs.shape == (5, 1000) and torch.allclose(probs.sum(-1), torch.ones(5))
    torch.testing.assert_close(network.features(images[3:]), features[3:], rtol=1e-4, atol=1e-5)


def test_fid_on_inception_features_is_zero_for_the_same_set_and_positive_for_another(network):
    # Random weights in eval mode give activations of ~1e9 and 6 examples give rank-5 covariances
    # in 2048 dimensions: "zero" holds to 1e-4 of Tr(sigma1) + Tr(sigma2), the tolerance
    # metrics.frechet_distance promises on nearly singular covariances.
    real = torch.rand(6, 1, 16, 16)
    scale = 2 * metrics.gaussian_statistics(network.features(real))[1].trace().item()
    assert abs(metrics.fid(real, real, features=network.features)) < 1e-4 * scale
    assert metrics.fid(real, 1 - real, features=network.features) > 1e-3 * scale
    score, spread = metrics.inception_score(network.probs(real), splits=2)
    assert 1.0 <= score <= 1000.0 and spread >= 0

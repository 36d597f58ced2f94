"""The provided digit classifier (genlab.digit_classifier) is as good as its docstring says."""
import torch

from autograder.reference import reference

clf = reference("digit_classifier")
data = reference("data")


def test_shipped_weights_reach_the_documented_test_accuracy():
    x, y = data.load_digits("test")
    accuracy = (clf.digit_probs(x).argmax(-1) == y).float().mean().item()
    assert round(accuracy, 4) == clf.TEST_ACCURACY, f"measured {accuracy:.4f}, documented {clf.TEST_ACCURACY}"
    assert accuracy > 0.95


def test_features_and_probabilities_have_the_documented_shapes_and_scales():
    x, _ = data.load_digits("test", images=True)
    assert clf.digit_features(x[:7]).shape == (7, 32)
    probs = clf.digit_probs(x[:7])
    torch.testing.assert_close(probs.sum(-1), torch.ones(7))
    torch.testing.assert_close(clf.digit_probs(2 * x[:7] - 1, signed=True), probs)

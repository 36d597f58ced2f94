"""The provided face datasets in genlab.data (unit 04): synthetic_faces, and load_olivetti_faces
through a local stand-in for scikit-learn's fetcher (no network in tests)."""
import types

import numpy as np
import sklearn.datasets
import torch

from autograder.reference import reference

data = reference("data")


def test_synthetic_faces_shapes_range_and_attribute_ranges():
    images, attrs = data.synthetic_faces(300, size=16, seed=0)
    assert images.shape == (300, 1, 16, 16) and images.dtype == torch.float32
    assert images.min() >= -1 and images.max() <= 1
    for name, (low, high) in data.FACE_ATTRIBUTES.items():
        assert attrs[name].shape == (300,) and low <= attrs[name].min() and attrs[name].max() <= high, name


def test_synthetic_faces_seed_is_repeatable_and_faces_differ():
    a, _ = data.synthetic_faces(8, seed=3)
    b, _ = data.synthetic_faces(8, seed=3)
    torch.testing.assert_close(a, b)
    assert a.shape == (8, 1, 32, 32)
    assert (a[0] - a[1]).abs().mean() > 0.01


def test_synthetic_faces_smile_changes_the_mouth_region_only_with_its_attribute():
    # Per-pixel correlation with the smile attribute is strongest in the mouth's rows (lower third).
    images, attrs = data.synthetic_faces(2000, size=16, seed=1)
    x = images.view(2000, -1)
    s = (attrs["smile"] - attrs["smile"].mean()) / attrs["smile"].std()
    corr = ((x - x.mean(0)) * s[:, None]).mean(0) / x.std(0)
    rows = corr.view(16, 16).abs().amax(dim=1)
    assert rows[10:14].max() > 2 * rows[:6].max()


def test_load_olivetti_faces_uses_the_cache_folder_and_rescales(monkeypatch, tmp_path):
    calls = {}

    def fake_fetch(data_home=None, **kwargs):
        calls["data_home"] = data_home
        rng = np.random.default_rng(0)
        return types.SimpleNamespace(images=rng.random((400, 64, 64), dtype=np.float32),
                                     target=np.repeat(np.arange(40), 10))

    monkeypatch.setattr(sklearn.datasets, "fetch_olivetti_faces", fake_fetch)
    monkeypatch.setenv("GENLAB_CACHE", str(tmp_path / "cache"))
    images, person = data.load_olivetti_faces(size=16)
    assert calls["data_home"] == str(tmp_path / "cache") and (tmp_path / "cache").is_dir()
    assert images.shape == (400, 1, 16, 16) and images.min() >= -1 and images.max() <= 1
    assert person.dtype == torch.int64 and person.tolist()[:11] == [0] * 10 + [1]

"""The text loaders of genlab.data (unit 06): fixed splits, offline corpora, and the tiny-Shakespeare
download tested with a local stand-in served from a file:// address (never the network)."""
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data():
    spec = importlib.util.spec_from_file_location("genlab_data_under_test", ROOT / "solutions" / "genlab" / "data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["pydoc", "python-source"])
def test_text_splits_are_the_first_90_and_last_10_percent(data, name):
    everything = data.load_text(name, "all")
    train, val = data.load_text(name, "train"), data.load_text(name, "validation")
    assert train + val == everything and len(everything) > 100_000
    assert abs(len(val) / len(everything) - 0.1) < 1e-3
    assert data.load_text(name, "train") == train, "the split never changes"


def test_unknown_corpus_and_split_raise(data):
    with pytest.raises(ValueError):
        data.load_text("wikipedia")
    with pytest.raises(ValueError):
        data.load_text("pydoc", "test")


def test_tiny_shakespeare_downloads_once_then_reads_the_cache(data, tmp_path):
    stand_in = tmp_path / "input.txt"
    stand_in.write_text("First Citizen:\nBefore we proceed any further, hear me speak.\n" * 50, encoding="utf-8")
    cache = tmp_path / "cache"
    train = data.load_tiny_shakespeare("train", url=stand_in.as_uri(), cache_dir=cache)
    assert (cache / "tinyshakespeare.txt").exists()
    stand_in.unlink()                                   # a second call must not need the source
    val = data.load_tiny_shakespeare("validation", url=stand_in.as_uri(), cache_dir=cache)
    assert train + val == (cache / "tinyshakespeare.txt").read_text(encoding="utf-8")
    assert train.startswith("First Citizen:")

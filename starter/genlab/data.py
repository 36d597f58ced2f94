"""Datasets for the module, all offline (provided in full; nothing to implement here).

- `load_digits(split)`: scikit-learn's 1,797 handwritten 8x8 digits, bundled with the package,
  with a fixed train/test split.
- `eight_gaussians`, `swiss_roll`, `two_moons`: 2D toy distributions with known modes, drawn from
  torch's global generator (seed it with `torch.manual_seed` for repeatable data).

All tensors are float32 (labels int64), batch first.
"""
import math

import torch

DIGITS_TEST_FRACTION = 0.2
_SPLIT_SEED = 0  # the train/test split never changes


def load_digits(split="train", signed=False, images=False):
    """The bundled 8x8 digits.

    Args:
        split: "train" (1,438 digits), "test" (359 digits) or "all" (1,797).
        signed: scale pixels to [-1, 1] (GANs, diffusion) instead of [0, 1] (VAEs).
        images: return (N, 1, 8, 8) instead of flat (N, 64).
    Returns:
        (x, y): x float32, y int64 labels 0-9.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits()
    x = torch.tensor(bunch.data, dtype=torch.float32) / 16.0  # pixel values are 0..16
    y = torch.tensor(bunch.target, dtype=torch.int64)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(_SPLIT_SEED))
    n_test = int(round(DIGITS_TEST_FRACTION * len(x)))
    pick = {"train": order[n_test:], "test": order[:n_test], "all": torch.arange(len(x))}
    if split not in pick:
        raise ValueError(f"split must be 'train', 'test' or 'all', not {split!r}")
    x, y = x[pick[split]], y[pick[split]]
    if signed:
        x = x * 2 - 1
    if images:
        x = x.view(-1, 1, 8, 8)
    return x, y


def eight_gaussian_centers(radius=2.0):
    """(8, 2) centres of the eight-Gaussians ring, at angles 0, 45, ..., 315 degrees."""
    angles = torch.arange(8, dtype=torch.float32) * (2 * math.pi / 8)
    return radius * torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)


def eight_gaussians(n, radius=2.0, std=0.1):
    """(n, 2) points: a mode chosen uniformly among the 8 centres, plus N(0, std^2 I) noise."""
    centers = eight_gaussian_centers(radius)
    which = torch.randint(0, 8, (n,))
    return centers[which] + std * torch.randn(n, 2)


def swiss_roll(n, noise=0.05):
    """(n, 2) points on a 2D swiss roll, scaled to roughly [-2, 2]^2."""
    t = 1.5 * math.pi * (1 + 2 * torch.rand(n))
    x = torch.stack([t * torch.cos(t), t * torch.sin(t)], dim=1) / 7.0
    return x + noise * torch.randn(n, 2)


def two_moons(n, noise=0.05):
    """(n, 2) points on two interleaving half circles, centred near the origin."""
    upper = torch.rand(n) < 0.5
    t = math.pi * torch.rand(n)
    x = torch.where(upper, torch.cos(t), 1 - torch.cos(t))
    y = torch.where(upper, torch.sin(t), 0.5 - torch.sin(t))
    return torch.stack([x - 0.5, y - 0.25], dim=1) + noise * torch.randn(n, 2)


# ---- text (unit 06) ------------------------------------------------------------------------------

TEXT_VALIDATION_FRACTION = 0.1   # the last 10% of each corpus is the validation split
PYTHON_SOURCE_FILES = (          # standard-library modules read by load_text("python-source")
    "abc.py", "bisect.py", "colorsys.py", "contextlib.py", "copy.py", "dataclasses.py",
    "fnmatch.py", "functools.py", "heapq.py", "keyword.py", "operator.py", "queue.py",
    "shlex.py", "string.py", "textwrap.py",
)
TINY_SHAKESPEARE_URL = "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"


def _text_split(text, split):
    n_train = int(round((1 - TEXT_VALIDATION_FRACTION) * len(text)))
    pick = {"train": text[:n_train], "validation": text[n_train:], "all": text}
    if split not in pick:
        raise ValueError(f"split must be 'train', 'validation' or 'all', not {split!r}")
    return pick[split]


def load_text(name="pydoc", split="train"):
    """A text corpus that ships with the running CPython, as one string (offline).

    - "pydoc": English technical prose, Python's own reference topics (`pydoc_data.topics`, the
      text `help("if")` prints), the topics in sorted order joined by blank lines: about 465k
      characters and ~100 distinct characters (the exact text follows the interpreter's version).
    - "python-source": the standard-library files in `PYTHON_SOURCE_FILES`, read from this
      interpreter's stdlib folder in that order, joined by blank lines.

    Split: "train" is the first 90% of the characters, "validation" the last 10%
    (`TEXT_VALIDATION_FRACTION`), "all" the whole string. The split never changes.
    """
    if name == "pydoc":
        from pydoc_data.topics import topics
        text = "\n\n".join(topics[key] for key in sorted(topics))
    elif name == "python-source":
        import sysconfig
        from pathlib import Path
        stdlib = Path(sysconfig.get_paths()["stdlib"])
        text = "\n\n".join((stdlib / f).read_text(encoding="utf-8") for f in PYTHON_SOURCE_FILES)
    else:
        raise ValueError(f"unknown corpus {name!r}: use 'pydoc' or 'python-source'")
    return _text_split(text, split)


def load_tiny_shakespeare(split="train", url=TINY_SHAKESPEARE_URL, cache_dir=None):
    """Karpathy's tiny Shakespeare (~1.1M characters), downloaded once (needs a network).

    Cached as `tinyshakespeare.txt` under `cache_dir` (default: $GENLAB_CACHE, else
    ~/.cache/genlab); later calls read the cache and never touch the network. `url` may be a
    `file://` address. Split as `load_text`: the first 90% train, the last 10% validation.
    """
    import os
    import urllib.request
    from pathlib import Path
    cache = Path(cache_dir or os.environ.get("GENLAB_CACHE") or Path.home() / ".cache" / "genlab")
    path = cache / "tinyshakespeare.txt"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(url, timeout=60) as response:
            text = response.read().decode("utf-8")
        tmp = path.with_suffix(".part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return _text_split(path.read_text(encoding="utf-8"), split)

"""Datasets for the module, all offline (provided in full; nothing to implement here).

- `load_digits(split)`: scikit-learn's 1,797 handwritten 8x8 digits, bundled with the package,
  with a fixed train/test split.
- `eight_gaussians`, `swiss_roll`, `two_moons`: 2D toy distributions with known modes, drawn from
  torch's global generator (seed it with `torch.manual_seed` for repeatable data).
- `digit_captions(labels, seed)`, `digit_class_prompts()` and `CaptionTokenizer`: template
  captions of the digits ("a handwritten seven", "the digit 7", ...) and a word tokenizer for them
  (vocabulary of 34, <pad> = 0, at most 8 tokens), for unit 08.
- `synthetic_faces(n, size, seed)`: procedural cartoon faces with known attributes, for unit 04.
- `load_text("pydoc" | "python-source", split)`: English prose from CPython's pydoc topics and
  standard-library source, with a fixed train/validation split, for units 06 and 09.
- `load_mnist()`, `load_celeba_faces()` (through torchvision's loaders), `load_olivetti_faces()`,
  `load_tiny_shakespeare()`: bigger real data for users with a network (downloaded once into
  `cache_folder()`); no grading needs them, and their tests use small local stand-ins.

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


# ---- faces (unit 04) ------------------------------------------------------------------------------

FACE_ATTRIBUTES = {  # name: (low, high); each drawn uniformly and independently per face
    "smile": (-1.0, 1.0),       # mouth curvature: -1 frown, 0 straight, +1 smile
    "eyes_open": (0.0, 1.0),    # 0 closed (a thin line), 1 wide open
    "pose": (-1.0, 1.0),        # head turned: features shift left (-1) or right (+1) inside the face
    "face_width": (0.5, 0.9),   # half-width of the face ellipse, as a fraction of the half image
}


def _soft_inside(signed_distance, size):
    """~1 inside (signed_distance < 0), ~0 outside, with an edge about one pixel wide."""
    return torch.sigmoid(-signed_distance * size / 2.0)


def synthetic_faces(n, size=32, seed=None):
    """Procedural cartoon faces, drawn offline with a few known attributes.

    Each image is a light oval face on a dark background, with two dark eyes and a dark mouth,
    anti-aliased so that it stays readable at 16x16. The attributes are drawn uniformly and
    independently within the ranges of FACE_ATTRIBUTES:

        smile       in [-1, 1]   mouth curvature (-1 frown, 0 straight, +1 smile)
        eyes_open   in [0, 1]    eye height (0 closed, 1 wide open)
        pose        in [-1, 1]   head turn: eyes and mouth shift sideways, the face a little
        face_width  in [0.5, 0.9] half-width of the face oval (fraction of the half image)

    plus a face brightness in [0.3, 0.9] and pixel noise of standard deviation 0.03 (so no two
    faces are equal). A generator that collapses onto a few faces misses this spread of
    attributes and is measurably worse by any statistic of the whole set.

    Args:
        n: number of faces.
        size: image side in pixels (16 and 32 are used in the course; any size >= 8 works).
        seed: an int for a repeatable set (its own torch.Generator), or None to draw from torch's
            global generator.
    Returns:
        (images, attributes): images (n, 1, size, size) float32 in [-1, 1] (background about
        -0.9); attributes a dict of (n,) float32 tensors with the keys of FACE_ATTRIBUTES and
        "brightness".
    """
    gen = torch.Generator().manual_seed(seed) if seed is not None else None

    def uniform(low, high):
        return low + (high - low) * torch.rand(n, 1, 1, generator=gen)

    attrs = {name: uniform(*bounds) for name, bounds in FACE_ATTRIBUTES.items()}
    attrs["brightness"] = uniform(0.3, 0.9)
    smile, eyes_open, pose, width, bright = (attrs[k] for k in ("smile", "eyes_open", "pose", "face_width", "brightness"))

    coords = (torch.arange(size, dtype=torch.float32) + 0.5) / size * 2 - 1  # pixel centres in (-1, 1)
    y, x = coords.view(1, size, 1), coords.view(1, 1, size)                 # y grows downwards

    # Face oval: centre shifted a little with the pose, half-height 0.85.
    face_x = x - 0.08 * pose
    face = _soft_inside(torch.sqrt((face_x / width) ** 2 + (y / 0.85) ** 2) - 1, size * 0.7)

    # Features move with the pose, proportionally to the face's width.
    fx = face_x - 0.3 * pose * width
    eye_dx, eye_y = 0.42 * width, -0.22
    eye_w, eye_h = 0.11 + 0.05 * width, 0.025 + 0.11 * eyes_open
    eyes = torch.zeros(n, size, size)
    for side in (-1.0, 1.0):
        d = torch.sqrt(((fx - side * eye_dx) / eye_w) ** 2 + ((y - eye_y) / eye_h) ** 2) - 1
        eyes = torch.maximum(eyes, _soft_inside(d * torch.minimum(eye_w, eye_h) / 0.06, size))

    # Mouth: a parabolic arc y = 0.42 + 0.18 smile (1 - (x / half_width)^2) for |x| < half_width.
    mouth_half = 0.45 * width
    u = (fx / mouth_half).clamp(-1.5, 1.5)
    arc_y = 0.42 + 0.18 * smile * (1 - u ** 2)
    along = _soft_inside(fx.abs() - mouth_half, size)
    mouth = along * _soft_inside((y - arc_y).abs() - max(0.05, 0.9 / size), size)  # >= about one pixel thick

    features = torch.maximum(eyes, mouth)
    image = -0.9 + face * (0.9 + bright) - features * face * (0.9 + bright) * 0.85
    image = image + 0.03 * torch.randn(n, size, size, generator=gen)
    images = image.clamp(-1, 1).unsqueeze(1).float()
    return images, {k: v.view(n).float() for k, v in attrs.items()}


def cache_folder():
    """Where the opt-in datasets keep their downloads: $GENLAB_CACHE, else $XDG_CACHE_HOME/genlab,
    else ~/.cache/genlab. Each dataset has its own folder inside."""
    import os
    from pathlib import Path

    if os.environ.get("GENLAB_CACHE"):
        return Path(os.environ["GENLAB_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "genlab"


def load_olivetti_faces(size=64):
    """The Olivetti faces (AT&T, 400 grey 64x64 photos of 40 people), for users with a network.

    Downloaded once by scikit-learn's fetch_olivetti_faces into cache_folder() and read from
    there afterwards. Nothing in the course's tests needs it: synthetic_faces is the offline data.

    Args:
        size: image side; 64 is the original, smaller sizes are area-downsampled (e.g. 32 or 16).
    Returns:
        (images, person): images (400, 1, size, size) float32 in [-1, 1]; person (400,) int64, 0-39.
    """
    import torch.nn.functional as F
    from sklearn.datasets import fetch_olivetti_faces

    cache = cache_folder()
    cache.mkdir(parents=True, exist_ok=True)
    bunch = fetch_olivetti_faces(data_home=str(cache))
    images = torch.as_tensor(bunch.images, dtype=torch.float32).unsqueeze(1)  # (N, 1, 64, 64) in [0, 1]
    if size != images.shape[-1]:
        images = F.interpolate(images, size=(size, size), mode="area")
    return images * 2 - 1, torch.as_tensor(bunch.target, dtype=torch.int64)
def load_celeba_faces(split="train", size=16, limit=None, root=None, download=True):
    """CelebA's aligned celebrity photos as grey faces, for Project 2 with real data (opt-in).

    Read through torchvision's loader (`torchvision.datasets.CelebA`) from `root` (default:
    cache_folder() / "celeba-torchvision"), where it must hold CelebA's own files (the folder `celeba/`
    with `img_align_celeba/` and the five `list_*.txt` / `identity_CelebA.txt` files). With
    `download=True` and no copy there, torchvision fetches them from Google Drive once (about
    1.4 GB; it needs a network and `pip install gdown`); afterwards nothing is downloaded.

    Each photo (178 x 218, colour) is turned grey, centre-cropped to 178 x 178 and resized (with
    antialiasing) to size x size, with torchvision.transforms.v2, then scaled to [-1, 1] like
    synthetic_faces. Decoding is about 1 ms a photo: pass `limit` for the first `limit` photos of
    the split (162,770 in "train").

    Args:
        split: "train", "valid", "test" or "all" (CelebA's own partition).
    Returns:
        (images, attributes): images (N, 1, size, size) float32 in [-1, 1]; attributes (N, 40)
        int64 0/1 in CelebA's order (e.g. "Smiling", "Eyeglasses"; torchvision's `attr_names`).
    """
    from torchvision.datasets import CelebA
    from torchvision.transforms import v2

    root = cache_folder() / "celeba-torchvision" if root is None else root
    dataset = CelebA(str(root), split=split, target_type="attr", download=download)
    to_face = v2.Compose([v2.PILToTensor(), v2.Grayscale(), v2.CenterCrop(178),
                          v2.Resize((size, size), antialias=True), v2.ToDtype(torch.float32, scale=True)])
    n = len(dataset) if limit is None else min(limit, len(dataset))
    images = torch.stack([to_face(dataset[i][0]) for i in range(n)])      # (N, 1, size, size) in [0, 1]
    return images * 2 - 1, dataset.attr[:n].long()


# ---- MNIST (unit 02, opt-in) ------------------------------------------------------------------------

def load_mnist(split="train", size=28, signed=False, images=False, root=None, download=True):
    """MNIST's 70,000 handwritten digits (28 x 28), for Project 1 at full size (opt-in).

    Read through torchvision's loader (`torchvision.datasets.MNIST`) from `root` (default:
    cache_folder() / "mnist-torchvision", holding `MNIST/raw/` with the four IDX files). With
    `download=True` and no copy there, torchvision fetches them once (about 12 MB, needs a
    network); afterwards nothing is downloaded.

    Args:
        split: "train" (60,000) or "test" (10,000), MNIST's own split.
        size: image side; 28 is the original, other sizes are area-resized (8 gives digits the
            size of load_digits').
        signed, images: as load_digits: pixels in [-1, 1] instead of [0, 1]; (N, 1, size, size)
            instead of flat (N, size * size).
    Returns:
        (x, y): x float32, y int64 labels 0-9.
    """
    import torch.nn.functional as F
    from torchvision.datasets import MNIST

    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    root = cache_folder() / "mnist-torchvision" if root is None else root
    dataset = MNIST(str(root), train=split == "train", download=download)
    x = dataset.data.float().div(255).unsqueeze(1)                      # (N, 1, 28, 28) in [0, 1]
    if size != x.shape[-1]:
        x = F.interpolate(x, size=(size, size), mode="area")
    if signed:
        x = x * 2 - 1
    return (x if images else x.flatten(1)), dataset.targets.long()


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

    Cached as `tinyshakespeare.txt` under `cache_dir` (default: cache_folder()); later
    calls read the cache and never touch the network. `url` may be a
    `file://` address. Split as `load_text`: the first 90% train, the last 10% validation.
    """
    import urllib.request
    from pathlib import Path
    cache = Path(cache_dir) if cache_dir is not None else cache_folder()
    path = cache / "tinyshakespeare.txt"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(url, timeout=60) as response:
            text = response.read().decode("utf-8")
        tmp = path.with_suffix(".part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return _text_split(path.read_text(encoding="utf-8"), split)
# ---- digit captions (unit 08) -------------------------------------------------------------------

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
CAPTION_TEMPLATES = (
    "a handwritten {word}",
    "the digit {digit}",
    "a sketch of a {word}",
    "a sketch of a {digit}",
    "a photo of the number {word}",
    "an image of the digit {digit}",
)
CAPTION_PAD_ID, CAPTION_BOS_ID, CAPTION_EOS_ID, CAPTION_UNK_ID = 0, 1, 2, 3
CAPTION_MAX_LEN = 8  # <bos> + at most 6 words + <eos>


def digit_captions(labels, seed=None):
    """One template caption per digit label: "a handwritten seven", "the digit 7", ...

    Each caption is one of CAPTION_TEMPLATES, chosen uniformly at random per label, filled with the
    digit's word (DIGIT_WORDS) or numeral. `seed` makes the choice repeatable (its own generator,
    torch.Generator().manual_seed(seed)); with seed=None it draws from torch's global generator.

    Args:
        labels: (N,) int64 tensor (or a list) of digits 0-9.
    Returns:
        a list of N strings, lower case, words separated by single spaces.
    """
    labels = [int(v) for v in labels]
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    which = torch.randint(0, len(CAPTION_TEMPLATES), (len(labels),), generator=generator).tolist()
    return [CAPTION_TEMPLATES[w].format(word=DIGIT_WORDS[d], digit=d) for w, d in zip(which, labels)]


def digit_class_prompts(template="a handwritten {word}"):
    """The ten prompts of zero-shot classification, one per digit 0-9 (same fields as the captions)."""
    return [template.format(word=DIGIT_WORDS[d], digit=d) for d in range(10)]


class CaptionTokenizer:
    """A word tokenizer for the digit captions: whitespace-separated, lower-cased words.

    Vocabulary (`vocab`, a list; `vocab_size` = its length, 34): the four special tokens
    <pad> = 0, <bos> = 1, <eos> = 2, <unk> = 3, then every word of CAPTION_TEMPLATES, DIGIT_WORDS
    and the numerals "0"-"9", sorted. A word outside it becomes <unk>.

    `encode(text)` -> [<bos>, word ids..., <eos>] (a list of ints, no padding);
    `tokenizer(texts)` -> (N, max_len) int64 tensor, each row encode(text) then <pad> (0) up to
    max_len (default CAPTION_MAX_LEN = 8, which fits every caption); longer rows are cut to max_len
    (their <eos> is lost). `decode(ids)` -> the words, stopping at <eos> and skipping <pad>/<bos>.
    """

    pad_id, bos_id, eos_id, unk_id = CAPTION_PAD_ID, CAPTION_BOS_ID, CAPTION_EOS_ID, CAPTION_UNK_ID

    def __init__(self):
        words = {w for t in CAPTION_TEMPLATES for w in t.split() if "{" not in w}
        words |= set(DIGIT_WORDS) | {str(d) for d in range(10)}
        self.vocab = ["<pad>", "<bos>", "<eos>", "<unk>"] + sorted(words)
        self.vocab_size = len(self.vocab)
        self.max_len = CAPTION_MAX_LEN
        self._ids = {w: i for i, w in enumerate(self.vocab)}

    def encode(self, text):
        words = text.lower().split()
        return [self.bos_id] + [self._ids.get(w, self.unk_id) for w in words] + [self.eos_id]

    def __call__(self, texts, max_len=None):
        max_len = max_len or self.max_len
        out = torch.full((len(texts), max_len), self.pad_id, dtype=torch.int64)
        for i, text in enumerate(texts):
            ids = self.encode(text)[:max_len]
            out[i, :len(ids)] = torch.tensor(ids)
        return out

    def decode(self, ids):
        words = []
        for i in [int(v) for v in ids]:
            if i == self.eos_id:
                break
            if i not in (self.pad_id, self.bos_id):
                words.append(self.vocab[i])
        return " ".join(words)

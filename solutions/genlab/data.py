"""Datasets for the module, all offline (provided in full; nothing to implement here).

- `load_digits(split)`: scikit-learn's 1,797 handwritten 8x8 digits, bundled with the package,
  with a fixed train/test split.
- `eight_gaussians`, `swiss_roll`, `two_moons`: 2D toy distributions with known modes, drawn from
  torch's global generator (seed it with `torch.manual_seed` for repeatable data).
- `digit_captions(labels, seed)`, `digit_class_prompts()` and `CaptionTokenizer`: template
  captions of the digits ("a handwritten seven", "the digit 7", ...) and a word tokenizer for them
  (vocabulary of 34, <pad> = 0, at most 8 tokens), for unit 08.

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

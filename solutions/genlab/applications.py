"""Unit 09: practical generative AI applications, end to end.

Five small applications of generative models, each written against a real format or library:

- Data augmentation, three ways on the same budget: classic (`affine_digits` and `classic_augment`:
  randomly moved, turned and resized copies of the real digits, resampled by torchvision),
  `mixup` (blends of pairs of examples and of their labels), and generative
  (`augment_with_generator`: samples of a class-conditional model as extra training data;
  `ClassGaussians` below is a provided class-conditional model).
- Code generation: `syntax_valid_rate` (the fraction of generated programs Python can parse) and
  `complete_code` (sample a completion from a language model).
- Music: `encode_vlq` and `notes_to_midi` (a Standard MIDI File written byte by byte), and
  `MarkovMelody`, a Markov chain over pitches.
- Prompting: `build_prompt` (fill a template) and `few_shot_prompt` (fit examples to a token
  budget); `PROMPT_TEMPLATES` holds four prompting strategies as templates (provided).
- Provenance: `add_png_text` and `read_png_text` label an image as AI-generated inside the PNG
  file itself (a tEXt chunk), readable by any PNG library.

The tests check the files you write with real libraries: MIDI bytes are parsed with `mido`, PNG
files are decoded with Pillow, programs with `ast.parse`.

Randomness: functions that draw random numbers use torch's global generator (`mixup`'s lam and
permutation, `classic_augment`'s transform parameters, `complete_code`'s sampling,
`MarkovMelody.sample`); `mixup` takes its draws as optional arguments (`lam`, `perm`), and
`classic_augment` returns the parameters it drew. No test depends on the order or number of
random draws: the statistical tests look only at the distribution of what comes out.

How the augmentation tests judge: the judge trains its own classifier (a ridge regression, in
the judge) on a few real digits plus what your function returned, and measures it on test digits
your code never sees. What you return is checked first: generated rows must be the generator's
own samples, classic copies must be the documented transform of their digit with the parameters
you return, mixup rows must be the documented blend.
"""
import ast
import math
import string
import struct
import zlib

import torch
import torch.nn.functional as F
from torchvision.transforms.v2 import functional as TF


# =================================================================================================
# Data augmentation
# =================================================================================================

def mixup(x, y_onehot, alpha, lam=None, perm=None):
    """Mixup (Zhang et al., 2018): train on convex combinations of pairs of examples.

        x_mix = lam * x + (1 - lam) * x[perm]
        y_mix = lam * y_onehot + (1 - lam) * y_onehot[perm]

    ONE lam for the whole batch, drawn from Beta(alpha, alpha), and one random permutation `perm`
    of the batch (torch.randperm(B)) pairing each example with another (possibly itself).

    Args:
        x: (B, ...) float inputs.
        y_onehot: (B, K) float one-hot (or soft) labels.
        alpha: the Beta distribution's parameter, > 0 (used only when lam is None).
        lam: optional mixing weight (a float or a 0-d tensor); used exactly as given. A given lam
            is NOT checked: one outside [0, 1] extrapolates instead of blending (whether you raise,
            clamp or use it as given is never tested).
        perm: optional (B,) int64 permutation; used exactly as given.
    Returns:
        (x_mix, y_mix, lam): x_mix like x, y_mix like y_onehot, lam a Python float (the weight used).
    """
    ### BEGIN SOLUTION
    if lam is None:
        lam = torch.distributions.Beta(float(alpha), float(alpha)).sample().item()
    lam = float(lam)
    if perm is None:
        perm = torch.randperm(x.shape[0], device=x.device)
    x_mix = lam * x + (1 - lam) * x[perm]
    y_mix = lam * y_onehot + (1 - lam) * y_onehot[perm]
    return x_mix, y_mix, lam
    ### END SOLUTION


def augment_with_generator(sample_fn, n_per_class, n_classes):
    """Make a labelled synthetic data set from a class-conditional generator.

    `sample_fn(labels)` takes a 1-D int64 tensor of class labels and returns one sample per label,
    a float tensor (len(labels), ...). You may call it once with all labels or once per class.

    Every row of x must be a sample exactly as sample_fn returned it (not a copy of real data, not
    rescaled or rounded), each used once, and y[i] the label it was generated for. The tests'
    generators hand out samples the judge made and check every row against them; each holds at
    least 2 * n_per_class samples of every class (asking for more raises ValueError).

    Args:
        sample_fn: the generator, as above.
        n_per_class: how many samples of each class.
        n_classes: classes 0 .. n_classes - 1.
    Returns:
        (x, y): x (n_per_class * n_classes, ...) float, the samples; y (n_per_class * n_classes,)
        int64, the class each row of x was generated for. Exactly n_per_class rows per class;
        the order of the rows is free (the tests only check that x[i] was generated for y[i]).
    """
    ### BEGIN SOLUTION
    y = torch.arange(n_classes).repeat_interleave(n_per_class)
    x = sample_fn(y)
    return x, y
    ### END SOLUTION


class ClassGaussians:
    """A provided class-conditional generator: one full-covariance Gaussian per class.

    fit(x, y, n_classes) estimates each class's mean and covariance (shrunk towards the identity by
    `shrinkage`, so that a class with few examples still has an invertible covariance); sample(labels)
    draws x ~ N(mean[label], cov[label]) and clips the pixels to [lo, hi]. It is the generator of
    the augmentation experiment: fitted on all the training digits, it stands in for a generative
    model trained on more data than the classifier will see.
    """

    def __init__(self, shrinkage=0.01, lo=0.0, hi=1.0):
        self.shrinkage, self.lo, self.hi = shrinkage, lo, hi

    def fit(self, x, y, n_classes):
        x = x.flatten(1).double()
        means, trils = [], []
        for c in range(n_classes):
            xc = x[y == c]
            mean = xc.mean(0)
            cov = torch.cov(xc.T) + self.shrinkage * torch.eye(x.shape[1], dtype=x.dtype)
            means.append(mean)
            trils.append(torch.linalg.cholesky(cov))
        self.means = torch.stack(means).float()            # (K, D)
        self.scale_tril = torch.stack(trils).float()       # (K, D, D)
        return self

    def sample(self, labels):
        z = torch.randn(len(labels), self.means.shape[1], 1)
        x = self.means[labels] + (self.scale_tril[labels] @ z).squeeze(-1)
        return x.clamp(self.lo, self.hi)


def affine_digits(x, params):
    """Move, turn and resize each 8x8 digit by its own affine transform, resampled by torchvision.

    Image i (as a (1, 8, 8) tensor) becomes
        torchvision.transforms.v2.functional.affine(image, angle=a, translate=[tx, ty], scale=s,
            shear=[0.0, 0.0], interpolation=InterpolationMode.BILINEAR)
    with (a, tx, ty, s) = params[i] as Python floats: a rotation by `a` degrees (positive turns
    clockwise on screen, as torchvision's affine defines it) and a scaling by `s`, both about the
    image centre, then a shift of tx pixels right and ty pixels down (fractions of a pixel are
    allowed: the resampling is bilinear).
    Pixels that come from outside the image are 0: leave `fill` at torchvision's default (None)
    or pass fill=0 (the two differ slightly at the border, and the tests accept either for a
    whole call). Zero parameters (0, 0, 0, 1) give the image back unchanged.

    Args:
        x: (N, 64) flat or (N, 1, 8, 8) float images; N may be 0.
        params: (N, 4) float tensor, one row (angle, tx, ty, scale) per image, scale > 0.
    Returns:
        a float tensor shaped like x (x itself is not modified). Tested against torchvision
        itself with atol 1e-5.
    """
    ### BEGIN SOLUTION
    images = x.reshape(-1, 1, 8, 8)
    out = torch.empty_like(images)
    for i, (angle, tx, ty, s) in enumerate(params.tolist()):
        out[i] = TF.affine(images[i], angle=angle, translate=[tx, ty], scale=s, shear=[0.0, 0.0],
                           interpolation=TF.InterpolationMode.BILINEAR)
    return out.reshape(x.shape)
    ### END SOLUTION


def classic_augment(x, y, copies, degrees=10.0, translate=0.75, scale=(0.9, 1.1)):
    """Classic data augmentation: `copies` randomly moved, turned and resized copies of each digit.

    Each output row gets its own parameters, drawn independently (torch's global generator):
        angle ~ Uniform(-degrees, degrees)          (degrees)
        tx, ty ~ Uniform(-translate, translate)      (pixels, not rounded to whole pixels)
        s ~ Uniform(scale[0], scale[1])
    and is affine_digits of its digit with them. It is what torchvision's v2.RandomAffine does,
    except that the shift is not rounded and the parameters are returned, so that the judge can
    replay every copy: affine_digits(x.repeat_interleave(copies, 0), params) == x_aug.

    Args:
        x: (N, 64) or (N, 1, 8, 8) float images; y: (N,) int64 labels.
        copies: how many transformed copies of each image (>= 1).
        degrees, translate, scale: the ranges above (degrees >= 0, translate >= 0,
            0 < scale[0] <= scale[1]).
    Returns:
        (x_aug, y_aug, params): x_aug (N * copies, ...) shaped like x with row k a transformed copy
        of x[k // copies] (the order of x.repeat_interleave(copies, 0)); y_aug = y.repeat_interleave(copies);
        params (N * copies, 4) float, the row (angle, tx, ty, s) each copy was made with.
        The tests replay every copy from its parameters (atol 1e-5) and check the parameters'
        distribution (ranges, means and variances of the uniforms).
    """
    ### BEGIN SOLUTION
    n = x.shape[0] * copies
    params = torch.stack([
        torch.empty(n).uniform_(-degrees, degrees),
        torch.empty(n).uniform_(-translate, translate),
        torch.empty(n).uniform_(-translate, translate),
        torch.empty(n).uniform_(scale[0], scale[1]),
    ], dim=1)
    x_aug = affine_digits(x.repeat_interleave(copies, 0), params)
    return x_aug, y.repeat_interleave(copies), params
    ### END SOLUTION


# =================================================================================================
# Code generation
# =================================================================================================

def syntax_valid_rate(samples):
    """The fraction of `samples` (strings of Python source) that `ast.parse` accepts.

    A sample is valid when ast.parse(sample) returns without raising (SyntaxError, or ValueError
    for a string holding a null byte, make it invalid). An empty or whitespace-only sample counts
    as INVALID: a model that wrote nothing has not written a program (ast.parse("") would accept it).

    Args:
        samples: a list of strings.
    Returns:
        a float in [0, 1]; 0.0 for an empty list.
    """
    ### BEGIN SOLUTION
    if not samples:
        return 0.0
    valid = 0
    for s in samples:
        if not s.strip():
            continue
        try:
            ast.parse(s)
        except (SyntaxError, ValueError):
            continue
        valid += 1
    return valid / len(samples)
    ### END SOLUTION


@torch.no_grad()
def complete_code(model, tokenizer, prompt, max_new_tokens, temperature=1.0, top_k=None):
    """Continue `prompt` with `max_new_tokens` tokens sampled from a language model.

    Interfaces:
        tokenizer.encode(text) -> list of int token ids; tokenizer.decode(ids) -> text.
        model(idx) with idx (1, T) int64 -> logits (1, T, V); the logits at the last position
            give the distribution of the next token. If the model has an integer attribute
            `block_size`, feed it at most the last `block_size` tokens (it may refuse longer input).

    Sampling, one token at a time: take the last position's logits; if top_k is given, keep only
    the top_k largest logits (the others get probability 0); temperature > 0 divides the logits
    (softmax(logits / temperature)), and temperature == 0 means greedy decoding (the argmax).
    Each new token is appended and fed back.

    Args:
        model, tokenizer: as above.
        prompt: the text to continue (at least one token).
        max_new_tokens: how many tokens to add (0 returns the prompt).
        temperature: >= 0.
        top_k: None (no truncation) or an int >= 1.
    Returns:
        the string prompt + completion: it starts with `prompt` exactly, followed by
        tokenizer.decode(new_ids).
    """
    ### BEGIN SOLUTION
    ids = list(tokenizer.encode(prompt))
    new = []
    block_size = getattr(model, "block_size", None)
    for _ in range(max_new_tokens):
        context = ids + new
        if block_size is not None:
            context = context[-block_size:]
        logits = model(torch.tensor([context], dtype=torch.long))[0, -1].float()
        if top_k is not None:
            kth = torch.topk(logits, min(top_k, logits.numel())).values[-1]
            logits = logits.masked_fill(logits < kth, float("-inf"))
        if temperature == 0:
            nxt = int(logits.argmax())
        else:
            probs = F.softmax(logits / temperature, dim=-1)
            nxt = int(torch.multinomial(probs, 1))
        new.append(nxt)
    return prompt + tokenizer.decode(new)
    ### END SOLUTION


# =================================================================================================
# Music: a Standard MIDI File, byte by byte
# =================================================================================================
#
# A Standard MIDI File (SMF) is a sequence of chunks, each a 4-byte ASCII type, a 4-byte big-endian
# length, and that many bytes of data:
#   "MThd", length 6: format (2 bytes, 0 = one track), number of tracks (2 bytes, 1),
#           division (2 bytes, ticks per beat).
#   "MTrk", length N: N bytes of events. Each event is a delta time (ticks since the previous
#           event, as a variable-length quantity) followed by the event bytes:
#             note on   0x90 | channel, pitch, velocity
#             note off  0x80 | channel, pitch, release velocity
#             tempo     0xFF 0x51 0x03, microseconds per beat as 3 bytes big-endian
#             end of track  0xFF 0x2F 0x00 (the last event of every track)


def encode_vlq(n):
    """A MIDI variable-length quantity: n >= 0 in 7-bit groups, most significant group first.

    Every byte but the last has its top bit (0x80) set; the last byte's top bit is clear.
    Examples: 0 -> 00, 127 -> 7F, 128 -> 81 00, 16383 -> FF 7F, 16384 -> 81 80 00.
    MIDI allows at most 4 bytes (n <= 0x0FFFFFFF); raise ValueError for n < 0 or n > 0x0FFFFFFF.

    Returns:
        bytes.
    """
    ### BEGIN SOLUTION
    if n < 0 or n > 0x0FFFFFFF:
        raise ValueError(f"a MIDI variable-length quantity must be in [0, 0x0FFFFFFF], not {n}")
    groups = [n & 0x7F]
    n >>= 7
    while n:
        groups.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(groups))
    ### END SOLUTION


def notes_to_midi(notes, ticks_per_beat=480, tempo_bpm=120):
    """A Standard MIDI File (format 0, one track, channel 0) playing `notes`.

    Args:
        notes: a list of (pitch, start, duration, velocity) tuples of ints: pitch 0-127, start
            >= 0 and duration >= 1 in ticks, velocity 1-127. Notes may overlap (chords) but two
            sounding notes never share a pitch. The list need not be sorted.
        ticks_per_beat: the header's division, an int 1 - 32767 (a division with the top bit set
            means SMPTE time code in MIDI, which this writer does not produce).
        tempo_bpm: beats per minute (int or float > 0), written as a tempo meta event at time 0:
            microseconds per beat = round(60_000_000 / tempo_bpm) (Python's round), which must fit
            the event's 3 bytes and be at least 1: 1 - 16,777,215, i.e. from about 3.58 bpm to just
            under 120,000,000 bpm.
    Returns:
        the file's bytes: the MThd chunk (format 0, 1 track, ticks_per_beat), then one MTrk chunk
        whose length counts every byte of its events, end of track included. The track holds, in
        time order: the tempo event (delta 0), a note on (0x90, pitch, velocity) at each note's
        start and a note off (0x80, pitch, release velocity 0-127) at start + duration, all on
        channel 0 (a note on with velocity 0 is also accepted as a note off), then end of track
        (delta 0 after the last event). At equal times note offs come before note ons, so a note
        may start at the tick where another of the same pitch ends. Delta times are relative
        (ticks since the previous event), written with encode_vlq. Running status is allowed.
        An empty list gives a valid file with the tempo event and end of track only.
    Raises:
        ValueError for a pitch or velocity out of range, a negative start or a duration < 1; for a
        ticks_per_beat outside 1 - 32767 (e.g. 0, -1 or 32768); and for a tempo_bpm that is not
        > 0 or whose microseconds per beat fall outside 1 - 16,777,215 (e.g. 0, -120 or 3 bpm).
    """
    ### BEGIN SOLUTION
    if not 1 <= ticks_per_beat <= 0x7FFF:
        raise ValueError(f"ticks_per_beat must be an int in 1 - 32767, not {ticks_per_beat!r}")
    if not tempo_bpm > 0:
        raise ValueError(f"tempo_bpm must be > 0, not {tempo_bpm!r}")
    tempo = round(60_000_000 / tempo_bpm)
    if not 1 <= tempo <= 0xFFFFFF:
        raise ValueError(f"tempo_bpm {tempo_bpm!r} gives {tempo} microseconds per beat, outside the 3-byte range 1 - 16777215")
    events = []  # (tick, order, bytes): note offs (order 0) before note ons (order 1) at equal ticks
    for pitch, start, duration, velocity in notes:
        if not (0 <= pitch <= 127 and 1 <= velocity <= 127 and start >= 0 and duration >= 1):
            raise ValueError(f"bad note (pitch, start, duration, velocity) = {(pitch, start, duration, velocity)}")
        events.append((start, 1, bytes([0x90, pitch, velocity])))
        events.append((start + duration, 0, bytes([0x80, pitch, 0])))
    events.sort(key=lambda e: (e[0], e[1]))
    track = bytearray(encode_vlq(0) + bytes([0xFF, 0x51, 0x03]) + tempo.to_bytes(3, "big"))
    now = 0
    for tick, _, data in events:
        track += encode_vlq(tick - now) + data
        now = tick
    track += encode_vlq(0) + bytes([0xFF, 0x2F, 0x00])
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, ticks_per_beat)
    return header + b"MTrk" + struct.pack(">I", len(track)) + bytes(track)
    ### END SOLUTION


class MarkovMelody:
    """A Markov chain over pitches: the next pitch depends on the previous `order` pitches.

    fit(pitch_sequences) counts, in every sequence, each run of `order` consecutive pitches (the
    context, a tuple) and the pitch that follows it; contexts never span two sequences.
    transition_probs(context) is the maximum-likelihood estimate count(context -> p) / count(context)
    (no smoothing). sample(n, start) walks the chain.
    """

    def __init__(self, order=1):
        ### BEGIN SOLUTION
        self.order = order
        self.counts = {}
        ### END SOLUTION

    def fit(self, pitch_sequences):
        """Count transitions in a list of pitch sequences (lists of ints). Returns self.
        Calling fit again adds to the counts."""
        ### BEGIN SOLUTION
        for seq in pitch_sequences:
            seq = list(seq)
            for i in range(len(seq) - self.order):
                context = tuple(seq[i:i + self.order])
                nxt = self.counts.setdefault(context, {})
                nxt[seq[i + self.order]] = nxt.get(seq[i + self.order], 0) + 1
        return self
        ### END SOLUTION

    def transition_probs(self, context):
        """{next pitch: probability} after `context` (a sequence of `order` pitches; an int is
        accepted when order == 1). Only pitches seen after it appear; the values sum to 1.
        An unseen context returns {}."""
        ### BEGIN SOLUTION
        context = (context,) if isinstance(context, int) else tuple(context)
        nxt = self.counts.get(context, {})
        total = sum(nxt.values())
        return {p: c / total for p, c in nxt.items()}
        ### END SOLUTION

    def sample(self, n, start):
        """A melody of n pitches: `start` (a sequence of `order` pitches, or an int when
        order == 1) followed by pitches drawn one at a time from transition_probs of the last
        `order` pitches (torch's global generator). If a context has no continuation, the melody
        stops there, so it may be shorter than n. When n is not larger than len(start), nothing
        is drawn and the first n pitches of start come back (start[:n]; [] for n = 0).
        Returns a list of ints."""
        ### BEGIN SOLUTION
        melody = [start] if isinstance(start, int) else list(start)
        while len(melody) < n:
            probs = self.transition_probs(melody[len(melody) - self.order:])
            if not probs:
                break
            pitches = list(probs)
            i = int(torch.multinomial(torch.tensor([probs[p] for p in pitches]), 1))
            melody.append(pitches[i])
        return melody[:n]
        ### END SOLUTION


# =================================================================================================
# Prompting
# =================================================================================================

# Four prompting strategies as templates (provided): fill them with build_prompt.
PROMPT_TEMPLATES = {
    "zero_shot": "{instruction}\n\nInput: {input}\nOutput:",
    "few_shot": "{instruction}\n\n{examples}\n\nInput: {input}\nOutput:",
    "chain_of_thought": "{instruction}\n\nInput: {input}\nLet's think step by step, then give the final answer "
                        "on a line starting with 'Answer:'.",
    "role": "You are {role}. {instruction}\n\nInput: {input}\nOutput:",
}


def build_prompt(template, **fields):
    """Fill a template's {name} fields, as str.format does.

    "{{" and "}}" are literal braces; a format spec ("{score:.2f}") is applied as str.format would.
    Extra fields that the template does not use are ignored. As in str.format:
    - a field's name is what comes before any "." or "[": "{user.name}" and "{rows[0]}" are filled
      from the fields `user` and `rows`;
    - a format spec may hold nested fields, "{score:>{width}.2f}": `width` is a field like any
      other (filled from `fields`, and missing when it is not given).
    Positional fields ("{}", "{0}") are not fields build_prompt can fill (it takes keyword fields
    only; str.format raises IndexError for them): such templates are never tested.

    Raises:
        KeyError naming every missing field, nested ones included, e.g. build_prompt("{a} {b}", a=1)
        raises KeyError whose message contains 'b', and build_prompt("{x:>{w}}") one that names
        both x and w.
    Returns:
        the filled string.
    """
    ### BEGIN SOLUTION
    def names(text):
        for _, field, spec, _ in string.Formatter().parse(text):
            if field is not None:
                yield field.split(".")[0].split("[")[0]
                yield from names(spec or "")

    missing = [n for n in dict.fromkeys(names(template)) if n not in fields]
    if missing:
        raise KeyError(f"missing template field(s): {', '.join(missing)}")
    return template.format(**fields)
    ### END SOLUTION


def few_shot_prompt(instruction, examples, query, max_tokens=None, count_tokens=len):
    """A few-shot prompt: the instruction, worked examples, then the query, joined by blank lines:

        {instruction}

        Input: {x_1}
        Output: {y_1}

        ...

        Input: {query}
        Output:

    i.e. "\\n\\n".join([instruction] + [f"Input: {x}\\nOutput: {y}" for (x, y) in kept]
    + [f"Input: {query}\\nOutput:"]).

    Args:
        examples: a list of (input, output) string pairs, OLDEST FIRST.
        max_tokens: None (keep every example) or the budget: count_tokens(prompt) <= max_tokens,
            counted on the whole prompt string.
        count_tokens: a function str -> int (default len, i.e. characters). It is assumed never
            to decrease when an example is added to the prompt (true of characters, words, lines
            and any tokenizer that counts pieces of the text), which is what makes "the longest
            suffix that fits" well defined: then every shorter suffix fits too, and dropping the
            oldest examples one by one finds it. With a counter that breaks this assumption the
            result is unspecified: never tested.
    Returns:
        the prompt with as many examples as fit: the oldest are dropped first, so the kept ones are
        the most recent, in their original order (the longest suffix of `examples` that fits).
    Raises:
        ValueError when even the prompt with no examples is over the budget.
    """
    ### BEGIN SOLUTION
    def render(kept):
        return "\n\n".join([instruction] + [f"Input: {x}\nOutput: {y}" for x, y in kept] + [f"Input: {query}\nOutput:"])

    examples = list(examples)
    for first in range(len(examples) + 1):
        prompt = render(examples[first:])
        if max_tokens is None or count_tokens(prompt) <= max_tokens:
            return prompt
    raise ValueError(f"the prompt without examples needs {count_tokens(render([]))} tokens, over max_tokens={max_tokens}")
    ### END SOLUTION


# =================================================================================================
# Provenance: a text label inside a PNG file
# =================================================================================================
#
# A PNG file is the 8-byte signature 89 50 4E 47 0D 0A 1A 0A followed by chunks, each:
#   length (4 bytes, big-endian, of the data only), type (4 ASCII bytes), data,
#   CRC-32 (4 bytes, big-endian) of type + data (zlib.crc32).
# The first chunk is IHDR and the last IEND. A tEXt chunk's data is keyword (1-79 Latin-1 bytes),
# a null byte, then the text (Latin-1, no null byte). An iTXt chunk holds UTF-8 text:
#   keyword, 0, compression flag (0 or 1), compression method (0), language tag, 0,
#   translated keyword (UTF-8), 0, text (UTF-8; zlib-compressed when the flag is 1).

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunks(png_bytes):
    """[(type, data)] of a PNG file, checking the signature, every length and every CRC."""
    ### BEGIN SOLUTION
    if png_bytes[:8] != PNG_SIGNATURE:
        raise ValueError("not a PNG file: the 8-byte signature is missing")
    chunks, pos = [], 8
    while pos < len(png_bytes):
        if pos + 12 > len(png_bytes):
            raise ValueError(f"truncated PNG: a chunk header at byte {pos} runs past the end of the file")
        (length,) = struct.unpack(">I", png_bytes[pos:pos + 4])
        kind = png_bytes[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > len(png_bytes):
            raise ValueError(f"truncated PNG: chunk {kind!r} at byte {pos} needs {length} data bytes past the end of the file")
        data = png_bytes[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", png_bytes[end - 4:end])
        if zlib.crc32(kind + data) != crc:
            raise ValueError(f"corrupted PNG: the CRC of chunk {kind!r} at byte {pos} does not match its data")
        chunks.append((kind, data))
        pos = end
        if kind == b"IEND":
            break
    if not chunks or chunks[-1][0] != b"IEND":
        raise ValueError("truncated PNG: no IEND chunk")
    return chunks
    ### END SOLUTION


def add_png_text(png_bytes, key, value):
    """The same PNG with a text chunk (key -> value) inserted just before IEND.

    The chunk is tEXt when `value` is Latin-1 encodable, and an uncompressed iTXt chunk (UTF-8
    text, empty language tag and translated keyword) otherwise. Every other chunk is copied
    unchanged, so the image decodes to the same pixels. The new chunk's CRC-32 covers its type
    and data (zlib.crc32(b"tEXt" + data)).

    Args:
        png_bytes: a PNG file's bytes.
        key: the keyword, 1-79 Latin-1 characters, no null byte (e.g. "AI-generated").
        value: the text (no null byte).
    Raises:
        ValueError for a bad key or value, and for input that is not a valid PNG: a wrong
        signature, a chunk whose CRC does not match, or a truncated file: a chunk running past the
        end, or no IEND chunk (the message says which).
    Returns:
        bytes.
    """
    ### BEGIN SOLUTION
    chunks = _png_chunks(png_bytes)
    try:
        keyword = key.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"a PNG keyword must be Latin-1: {key!r}") from None
    if not 1 <= len(keyword) <= 79 or b"\x00" in keyword:
        raise ValueError(f"a PNG keyword must be 1-79 bytes without a null byte: {key!r}")
    if "\x00" in value:
        raise ValueError("PNG text cannot contain a null byte")
    try:
        kind, data = b"tEXt", keyword + b"\x00" + value.encode("latin-1")
    except UnicodeEncodeError:
        kind, data = b"iTXt", keyword + b"\x00\x00\x00" + b"\x00" + b"\x00" + value.encode("utf-8")
    text_chunk = struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    iend_at = 8 + sum(12 + len(d) for _, d in chunks[:-1])   # every chunk before IEND, byte for byte
    return png_bytes[:iend_at] + text_chunk + png_bytes[iend_at:iend_at + 12 + len(chunks[-1][1])]
    ### END SOLUTION


def read_png_text(png_bytes):
    """{keyword: text} of every tEXt and iTXt chunk in a PNG file.

    tEXt text is Latin-1; iTXt text is UTF-8 (compressed iTXt and zTXt chunks may be decoded or
    skipped: no test depends on them). When a keyword appears twice, the later chunk wins.

    Raises:
        ValueError for a wrong signature (empty input included), a chunk whose CRC does not match,
        or a truncated file: a chunk running past the end, or no IEND chunk. So any single byte
        changed or cut off makes it raise.
    """
    ### BEGIN SOLUTION
    text = {}
    for kind, data in _png_chunks(png_bytes):
        if kind == b"tEXt":
            key, _, value = data.partition(b"\x00")
            text[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = data.partition(b"\x00")
            flag, rest = rest[0], rest[2:]
            _, _, rest = rest.partition(b"\x00")          # language tag
            _, _, value = rest.partition(b"\x00")         # translated keyword
            text[key.decode("latin-1")] = (zlib.decompress(value) if flag else value).decode("utf-8")
        elif kind == b"zTXt":
            key, _, rest = data.partition(b"\x00")
            text[key.decode("latin-1")] = zlib.decompress(rest[1:]).decode("latin-1")
    return text
    ### END SOLUTION

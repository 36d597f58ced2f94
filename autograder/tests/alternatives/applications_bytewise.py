"""A second, differently written genlab.applications, from the docstrings alone.

Differences from the reference: lam from two Gamma draws, torch.lerp for the mix, one sample_fn
call per class in shuffled order, torchvision's v1 functional affine with fill 0 (the other fill
the docstring allows), the four transform parameters from one torch.rand table, compile()
instead of ast.parse, Categorical sampling with a sorted top-k threshold, note offs written as
note ons of velocity 0 with running status, the division and tempo checked with range(),
Counter-based Markov counts, missing template fields found by a Formatter that records every
key it is asked for, prompts grown from the newest example backwards, PNG chunks walked with
memoryview and int.from_bytes.
"""
import ast
import collections
import string
import zlib

import torch


def mixup(x, y_onehot, alpha, lam=None, perm=None):
    if lam is None:
        g = torch.distributions.Gamma(torch.tensor([float(alpha)] * 2), torch.ones(2)).sample()
        lam = (g[0] / g.sum()).item()
    lam = float(lam)
    if perm is None:
        perm = torch.randperm(len(x))
    return torch.lerp(x[perm], x, lam), torch.lerp(y_onehot[perm], y_onehot, lam), lam


def augment_with_generator(sample_fn, n_per_class, n_classes):
    xs, ys = [], []
    for c in range(n_classes):
        labels = torch.full((n_per_class,), c, dtype=torch.int64)
        xs.append(sample_fn(labels))
        ys.append(labels)
    x, y = torch.cat(xs), torch.cat(ys)
    order = torch.randperm(len(y))
    return x[order], y[order]


def affine_digits(x, params):
    from torchvision.transforms import InterpolationMode
    from torchvision.transforms import functional as TF1

    if len(x) == 0:
        return x.clone()
    flat = x.view(len(x), 1, 8, 8)
    moved = [TF1.affine(img, angle=float(p[0]), translate=[float(p[1]), float(p[2])], scale=float(p[3]), shear=[0.0, 0.0],
                        interpolation=InterpolationMode.BILINEAR, fill=[0.0])
             for img, p in zip(flat, params)]
    return torch.stack(moved).view_as(x)


def classic_augment(x, y, copies, degrees=10.0, translate=0.75, scale=(0.9, 1.1)):
    n = len(x) * copies
    lo = torch.tensor([-degrees, -translate, -translate, scale[0]])
    hi = torch.tensor([degrees, translate, translate, scale[1]])
    params = lo + torch.rand(n, 4) * (hi - lo)
    source = torch.cat([x[i:i + 1].expand(copies, *x.shape[1:]) for i in range(len(x))]) if len(x) else x
    return affine_digits(source, params), torch.cat([y[i:i + 1].expand(copies) for i in range(len(y))]), params


def syntax_valid_rate(samples):
    def ok(src):
        if src.isspace() or src == "":
            return False
        try:
            compile(src, "<sample>", "exec", ast.PyCF_ONLY_AST)
            return True
        except Exception:
            return False
    return sum(ok(s) for s in samples) / len(samples) if len(samples) else 0.0


def complete_code(model, tokenizer, prompt, max_new_tokens, temperature=1.0, top_k=None):
    ids = torch.tensor([tokenizer.encode(prompt)], dtype=torch.long)
    limit = getattr(model, "block_size", None)
    start = ids.shape[1]
    with torch.no_grad():
        for _ in range(max_new_tokens):
            window = ids if limit is None else ids[:, -limit:]
            logits = model(window)[:, -1, :]                      # (1, V)
            if top_k is not None and top_k < logits.shape[-1]:
                threshold = logits.sort(dim=-1, descending=True).values[:, top_k - 1:top_k]
                logits = torch.where(logits >= threshold, logits, torch.full_like(logits, -float("inf")))
            if temperature == 0:
                nxt = logits.topk(1, dim=-1).indices
            else:
                nxt = torch.distributions.Categorical(logits=logits / temperature).sample().view(1, 1)
            ids = torch.cat([ids, nxt], dim=1)
    return prompt + tokenizer.decode(ids[0, start:].tolist())


def encode_vlq(n):
    if not 0 <= n < 1 << 28:
        raise ValueError(f"out of range for a MIDI variable-length quantity: {n}")
    out = bytearray([n & 127])
    while n > 127:
        n >>= 7
        out.insert(0, 128 + (n & 127))
    return bytes(out)


def notes_to_midi(notes, ticks_per_beat=480, tempo_bpm=120):
    if ticks_per_beat not in range(1, 1 << 15):
        raise ValueError(f"division out of range: {ticks_per_beat}")
    micros = int(round(60e6 / tempo_bpm)) if tempo_bpm > 0 else 0
    if micros not in range(1, 1 << 24):
        raise ValueError(f"tempo out of range: {tempo_bpm} bpm")
    timeline = []
    for note in notes:
        pitch, start, duration, velocity = note
        if pitch not in range(128) or velocity not in range(1, 128) or start < 0 or duration < 1:
            raise ValueError(f"note out of range: {note}")
        timeline += [(start + duration, False, pitch, 0), (start, True, pitch, velocity)]
    timeline.sort(key=lambda ev: (ev[0], ev[1]))               # offs (False) first at equal ticks
    body = bytearray(b"\x00\xff\x51\x03")
    body += micros.to_bytes(3, "big")
    clock, status = 0, None
    for tick, _, pitch, velocity in timeline:
        body += encode_vlq(tick - clock)
        clock = tick
        if status != 0x90:                                     # running status: one 0x90 for them all
            body.append(0x90)
            status = 0x90
        body += bytes((pitch, velocity))                       # velocity 0 = note off
    body += b"\x00\xff\x2f\x00"
    head = b"MThd" + (6).to_bytes(4, "big") + (0).to_bytes(2, "big") + (1).to_bytes(2, "big") + ticks_per_beat.to_bytes(2, "big")
    return head + b"MTrk" + len(body).to_bytes(4, "big") + bytes(body)


class MarkovMelody:
    def __init__(self, order=1):
        self.order = order
        self.table = collections.defaultdict(collections.Counter)

    def fit(self, pitch_sequences):
        k = self.order
        for seq in map(list, pitch_sequences):
            for context, nxt in zip(zip(*(seq[i:] for i in range(k))), seq[k:]):
                self.table[tuple(context)][nxt] += 1
        return self

    def transition_probs(self, context):
        key = tuple([context] if isinstance(context, int) else context)
        counter = self.table.get(key)
        if not counter:
            return {}
        total = sum(counter.values())
        return {p: c / total for p, c in counter.items()}

    def sample(self, n, start):
        out = [start] if isinstance(start, int) else list(start)
        while len(out) < n:
            counter = self.table.get(tuple(out[-self.order:]))
            if not counter:
                break
            pitches, weights = zip(*counter.items())
            out.append(pitches[torch.multinomial(torch.tensor(weights, dtype=torch.float), 1).item()])
        return out[:n]


class _Blank:
    """What a missing field is filled with while looking for every missing field."""
    def __getattr__(self, name):
        return self

    def __getitem__(self, key):
        return self

    def __format__(self, spec):
        return ""


class _Recorder(string.Formatter):
    def __init__(self):
        self.missing = []

    def get_value(self, key, args, kwargs):
        if key in kwargs:
            return kwargs[key]
        if key not in self.missing:
            self.missing.append(key)
        return _Blank()

    def format_field(self, value, spec):
        return ""                     # only the keys asked for matter here; str.format fills for real


def build_prompt(template, **fields):
    recorder = _Recorder()
    recorder.vformat(template, (), fields)
    if recorder.missing:
        raise KeyError("template needs " + ", ".join(map(str, recorder.missing)))
    return template.format(**fields)


def few_shot_prompt(instruction, examples, query, max_tokens=None, count_tokens=len):
    head, tail = instruction, f"Input: {query}\nOutput:"
    blocks = [f"Input: {x}\nOutput: {y}" for x, y in examples]
    kept = []
    prompt = "\n\n".join([head, tail])
    if max_tokens is not None and count_tokens(prompt) > max_tokens:
        raise ValueError("even the prompt without examples is over the budget")
    for block in reversed(blocks):                             # newest first, as long as they fit
        candidate = "\n\n".join([head, block] + kept + [tail])
        if max_tokens is not None and count_tokens(candidate) > max_tokens:
            break
        kept.insert(0, block)
        prompt = candidate
    return prompt


SIGNATURE = bytes([137, 80, 78, 71, 13, 10, 26, 10])


def _walk(png):
    view = memoryview(png)
    if bytes(view[:8]) != SIGNATURE:
        raise ValueError("the PNG signature is missing")
    i, found = 8, []
    while True:
        if len(view) - i < 12:
            raise ValueError("the file is truncated (no complete chunk, or no IEND)")
        size = int.from_bytes(view[i:i + 4], "big")
        if i + 12 + size > len(view):
            raise ValueError("the file is truncated inside a chunk")
        tag, body = bytes(view[i + 4:i + 8]), bytes(view[i + 8:i + 8 + size])
        if int.from_bytes(view[i + 8 + size:i + 12 + size], "big") != zlib.crc32(body, zlib.crc32(tag)):
            raise ValueError(f"bad CRC in the {tag.decode('latin-1')} chunk")
        found.append((i, tag, body))
        i += 12 + size
        if tag == b"IEND":
            return found


def _chunk(tag, body):
    return len(body).to_bytes(4, "big") + tag + body + zlib.crc32(tag + body).to_bytes(4, "big")


def add_png_text(png_bytes, key, value):
    chunks = _walk(png_bytes)
    if not isinstance(key, str) or not 0 < len(key) < 80 or "\0" in key or any(ord(c) > 255 for c in key):
        raise ValueError("bad keyword")
    if "\0" in value:
        raise ValueError("null byte in the text")
    if all(ord(c) < 256 for c in value):
        new = _chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1"))
    else:
        new = _chunk(b"iTXt", key.encode("latin-1") + b"\0" + b"\0\0" + b"\0" + b"\0" + value.encode("utf-8"))
    at, _, body = chunks[-1]
    return png_bytes[:at] + new + png_bytes[at:at + 12 + len(body)]


def read_png_text(png_bytes):
    found = {}
    for _, tag, body in _walk(png_bytes):
        if tag == b"tEXt":
            k, v = body.split(b"\0", 1)
            found[k.decode("latin-1")] = v.decode("latin-1")
        elif tag == b"iTXt":
            k, rest = body.split(b"\0", 1)
            compressed = rest[0] == 1
            _lang, _translated, text = rest[2:].split(b"\0", 2)
            if compressed:
                continue                                     # allowed: compressed iTXt may be skipped
            found[k.decode("latin-1")] = text.decode("utf-8")
    return found

"""Hidden suite for unit 09 (genlab.applications). Runs in the judge; student code only through `worker`.

Inputs are drawn fresh each grading run (the judge's seed). Formats are checked with the libraries
that define them: MIDI with mido (plus the chunk lengths read here), PNG with Pillow, Python
syntax with ast. Statistical tests state their calibration and false-failure rate.

Provenance tests (add_png_text / read_png_text) have "png" in their names: the rubric scores them
under the ethics checklist item.
"""
import ast
import io
import math
import random
import struct
import zlib

import torch
import torch.nn.functional as F

from autograder.reference import reference
from autograder.testing import expect_close

ref = reference("applications")
data = reference("data")

PNG_TIMEOUT_S = 5     # a PNG of a few pixels takes milliseconds: a loop is reported, not waited for


# ---- helpers: the judge's readers ---------------------------------------------------------------

def midi_bytes(r, n_notes):
    """The bytes from the `midi` probe, or a failure that says what came back instead."""
    assert "size" not in r, (f"notes_to_midi returned {r.get('size')} bytes for {n_notes} notes; a Standard MIDI File "
                             "needs about 8 bytes per note plus 30: is something appended, repeated or padded?")
    assert "bytes" in r, f"notes_to_midi should return bytes, got a {r.get('type')}"
    return r["bytes"]


def read_midi(data_bytes):
    """Check the chunk structure by hand, then parse with mido. Returns (header, tempos, notes, track):
    header (format, n_tracks, division); tempos [(tick, microseconds per beat)];
    notes sorted [(pitch, start, duration, velocity)]."""
    import mido

    assert data_bytes[:4] == b"MThd", f"a MIDI file starts with b'MThd', got {data_bytes[:4]!r}"
    (header_length,) = struct.unpack(">I", data_bytes[4:8])
    assert header_length == 6, f"the MThd chunk's length is 6, got {header_length}"
    header = struct.unpack(">HHH", data_bytes[8:14])
    assert data_bytes[14:18] == b"MTrk", f"the track chunk (b'MTrk') follows the 14-byte header, got {data_bytes[14:18]!r}"
    (track_length,) = struct.unpack(">I", data_bytes[18:22])
    assert 22 + track_length == len(data_bytes), (
        f"the MTrk length field says {track_length} bytes but {len(data_bytes) - 22} follow: the length counts every "
        "event byte, the end-of-track event included, and nothing comes after the track")
    try:
        track = mido.MidiFile(file=io.BytesIO(data_bytes)).tracks[0]
    except Exception as exc:
        raise AssertionError(f"mido cannot parse the file ({type(exc).__name__}: {exc}): are the delta times "
                             "variable-length quantities with the top bit set on every byte but the last?") from None
    assert len(track) and track[-1].type == "end_of_track", "the track's last event is end of track (FF 2F 00)"
    now, sounding, notes, tempos = 0, {}, [], []
    for msg in track:
        now += msg.time
        if msg.type == "set_tempo":
            tempos.append((now, msg.tempo))
        elif msg.type in ("note_on", "note_off"):
            assert msg.channel == 0, f"{msg.type} for pitch {msg.note} at tick {now} is on channel {msg.channel}: every event is on channel 0"
            if msg.type == "note_on" and msg.velocity > 0:
                assert msg.note not in sounding, (f"pitch {msg.note} starts again at tick {now} while it is sounding: "
                                                  "is a note off missing, or placed after the note on at the same tick?")
                sounding[msg.note] = (now, msg.velocity)
            else:
                assert msg.note in sounding, f"a note off for pitch {msg.note} at tick {now}, which is not sounding"
                start, velocity = sounding.pop(msg.note)
                notes.append((msg.note, start, now - start, velocity))
    assert not sounding, f"pitches {sorted(sounding)} are never turned off: is the note off missing?"
    return header, tempos, sorted(notes), track


def random_notes(n, max_start=4000):
    """n notes of distinct pitches (so any overlaps are legal), random starts, durations, velocities."""
    pitches = random.sample(range(21, 109), n)
    return [(p, random.randrange(max_start), random.randrange(1, 1000), random.randrange(1, 128)) for p in pitches]


def png_of(size, mode="RGB", pnginfo=None):
    from PIL import Image

    channels = {"L": 1, "RGB": 3, "RGBA": 4}[mode]
    pixels = torch.randint(0, 256, (size[0] * size[1] * channels,), dtype=torch.uint8).numpy().tobytes()
    buf = io.BytesIO()
    Image.frombytes(mode, size, pixels).save(buf, "PNG", pnginfo=pnginfo)
    return buf.getvalue()


def png_chunks(png):
    """[(type, data, crc_ok)] read here, independently of the student."""
    out, pos = [], 8
    while pos + 12 <= len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])
        out.append((kind, body, zlib.crc32(kind + body) == crc))
        pos += 12 + length
    return out


def decode(png):
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    image.load()
    return image


# ---- data augmentation --------------------------------------------------------------------------

def test_mixup_equals_reference_with_given_lam_and_perm(worker):
    B = random.randrange(4, 20)
    x, y = torch.rand(B, 1, 8, 8), torch.eye(10)[torch.randint(0, 10, (B,))]
    lam, perm = torch.rand(()).item(), torch.randperm(B)
    x_mix, y_mix, lam_used = worker.call("applications.mixup", x, y, 0.2, lam=lam, perm=perm)
    x_ref, y_ref, _ = ref.mixup(x, y, 0.2, lam=lam, perm=perm)
    expect_close(x_mix, x_ref, hint="x_mix = lam * x + (1 - lam) * x[perm], with lam and perm exactly as given")
    expect_close(y_mix, y_ref, hint="the labels are mixed too: y_mix = lam * y + (1 - lam) * y[perm]")
    assert abs(lam_used - lam) < 1e-6, f"the returned lam is the one used ({lam}), got {lam_used}"


def test_mixup_lam_has_the_beta_moments(worker):
    """lam ~ Beta(alpha, alpha): mean 1/2, variance 1 / (4 (2 alpha + 1)).

    n = 1000 calls at alpha = 0.4 (variance 0.139; Uniform(0, 1), i.e. Beta(1, 1), has 0.083).
    Bounds at 6 standard errors of the mean and of the variance (from the Beta's fourth moment).
    Calibration: autograder/hidden/calibration/applications_mixup_moments.py, 300 reference seeds:
    largest |z| 2.73 (mean) and 2.35 (variance), bound 6. Normal-fit false-failure rate about 4e-9
    per test; 0/300 failures bound it below 1% distribution-free (95%).
    """
    alpha, n = 0.4, 1000
    r = worker.probe("applications.mixup_lams", x=torch.randn(8, 3), y_onehot=torch.eye(8), alpha=alpha, n=n)
    z_mean, z_var = mixup_moment_z(r["lams"], alpha)
    assert r["consistent"], "y_mix rows must still sum to 1: mix the labels with the same lam as the inputs"
    assert abs(z_mean) < 6, f"mean of lam {r['lams'].mean():.4f}, expected 0.5 ({z_mean:.1f} standard errors off)"
    assert abs(z_var) < 6, (f"variance of lam {r['lams'].var():.4f}, expected {1 / (4 * (2 * alpha + 1)):.4f} for "
                            f"Beta({alpha}, {alpha}) ({z_var:.1f} standard errors off): is lam drawn from "
                            "Beta(alpha, alpha), not uniform or Beta(1, alpha)?")


def mixup_moment_z(lams, alpha):
    """How many standard errors the sample mean and variance of lam are from Beta(alpha, alpha)'s."""
    n = len(lams)
    lams = lams.double()
    var = 1 / (4 * (2 * alpha + 1))
    # fourth central moment of Beta(a, a): 3 var^2 (2a + 1) / (2a + 3)
    mu4 = 3 * var ** 2 * (2 * alpha + 1) / (2 * alpha + 3)
    z_mean = (lams.mean().item() - 0.5) / math.sqrt(var / n)
    z_var = (lams.var().item() - var) / math.sqrt((mu4 - var ** 2) / n)
    return z_mean, z_var


def test_mixup_pairs_examples_by_a_permutation(worker):
    B = random.randrange(6, 30)
    r = worker.probe("applications.mixup_one_hot_identity", x=torch.randn(B, 2), alpha=1.0)
    lam = r["lam"]
    assert 0 <= lam <= 1, f"lam is in [0, 1], got {lam}"
    expect_close(r["y_mix"].sum(0), torch.ones(B), atol=1e-5, rtol=0,
                 hint="each example is paired with x[perm[i]] for a permutation perm (torch.randperm): each label is used once as a partner")


def test_augment_with_generator_shapes_and_labels(worker):
    n_per_class, n_classes = random.randrange(1, 7), random.randrange(2, 8)
    r = worker.probe("applications.augment_tagged", n_per_class=n_per_class, n_classes=n_classes, dim=3)
    x, y = r["x"], r["y"]
    N = n_per_class * n_classes
    assert x.shape == (N, 3) and y.shape == (N,), f"expected x ({N}, 3) and y ({N},), got {tuple(x.shape)}, {tuple(y.shape)}"
    assert y.dtype == torch.int64, f"labels are int64, got {y.dtype}"
    assert torch.bincount(y, minlength=n_classes).tolist() == [n_per_class] * n_classes, \
        f"{n_per_class} samples of each of the {n_classes} classes, got counts {torch.bincount(y).tolist()}"
    expect_close(x.mean(1), y.float(), atol=0.05, rtol=0, hint="x[i] must be the sample generated for label y[i]")
    assert sum(r["calls"]) == N, f"sample_fn was asked for {sum(r['calls'])} samples in all; {N} are needed"


def train_ridge(x, y, n_classes=10, ridge=0.1):
    """The judge's small classifier: a linear least-squares classifier (ridge regression onto
    one-hot labels, with a bias), solved in closed form, so it is deterministic and takes milliseconds."""
    X = torch.cat([x.flatten(1), torch.ones(len(x), 1)], 1).double()
    Y = torch.eye(n_classes, dtype=torch.float64)[y]
    return torch.linalg.solve(X.T @ X + ridge * torch.eye(X.shape[1], dtype=torch.float64), X.T @ Y)


def accuracy(W, x, y):
    X = torch.cat([x.flatten(1), torch.ones(len(x), 1)], 1).double()
    return ((X @ W).argmax(1) == y).float().mean().item()


GAIN_REAL_PER_CLASS, GAIN_GENERATED_PER_CLASS, GAIN_REPEATS, GAIN_BOUND = 3, 50, 8, 0.05
_GENERATOR = {}


def digit_generator():
    """ClassGaussians (provided in genlab.applications, read from the reference) fit on all 1,438
    training digits: a class-conditional generator that has seen more data than the classifier."""
    if not _GENERATOR:
        x, y = data.load_digits("train")
        with torch.random.fork_rng():
            g = ref.ClassGaussians().fit(x, y, 10)
        _GENERATOR.update(means=g.means, scale_tril=g.scale_tril)
    return _GENERATOR


def augmentation_gain(synthetic_sets, x_train, y_train, x_test, y_test):
    """Mean test-accuracy gain over the synthetic sets: each repeat draws 3 real digits per class,
    trains once on them alone and once on them plus the synthetic set."""
    gains = []
    for x_syn, y_syn in synthetic_sets:
        pick = torch.cat([torch.nonzero(y_train == c).flatten()[torch.randperm(int((y_train == c).sum()))[:GAIN_REAL_PER_CLASS]]
                          for c in range(10)])
        x_real, y_real = x_train[pick], y_train[pick]
        alone = accuracy(train_ridge(x_real, y_real), x_test, y_test)
        augmented = accuracy(train_ridge(torch.cat([x_real, x_syn.flatten(1)]), torch.cat([y_real, y_syn])), x_test, y_test)
        gains.append(augmented - alone)
    return sum(gains) / len(gains), alone, augmented


def test_augment_with_generated_digits_beats_real_digits_alone(worker):
    """A measured accuracy gain: a ridge (least-squares) linear classifier on 3 real digits per
    class, with and without 50 per class generated through the student's augment_with_generator
    from ClassGaussians (fit on the whole train split), tested on the 359 test digits; the mean
    gain over 8 repeats (fresh real digits and samples each) must exceed 0.05 (5 points of accuracy).

    Calibration: autograder/hidden/calibration/applications_augmentation_gain.py, 200 reference
    seeds: mean gain 0.216, std 0.013, smallest 0.187; the bound 0.05 sits 12.6 standard deviations
    below the mean (normal-fit false-failure rate ~1e-36; 0/200 bounds it below 1.5%
    distribution-free, 95%). Samples paired with the wrong labels lose accuracy.
    """
    gen = digit_generator()
    sets = worker.probe("applications.augment_gaussians", means=gen["means"], scale_tril=gen["scale_tril"],
                        n_per_class=GAIN_GENERATED_PER_CLASS, repeats=GAIN_REPEATS)
    x_train, y_train = data.load_digits("train")
    x_test, y_test = data.load_digits("test")
    for x_syn, y_syn in sets:
        assert x_syn.shape[0] == y_syn.shape[0] == 10 * GAIN_GENERATED_PER_CLASS, \
            f"expected {10 * GAIN_GENERATED_PER_CLASS} samples and labels, got {x_syn.shape[0]} and {y_syn.shape[0]}"
    gain, alone, augmented = augmentation_gain(sets, x_train, y_train, x_test, y_test)
    assert gain > GAIN_BOUND, (f"augmenting 3 real digits per class with generated ones changed test accuracy by {gain:+.3f} "
                               f"on average (last repeat: {alone:.3f} -> {augmented:.3f}); expected a gain over {GAIN_BOUND}: "
                               "does y[i] name the class x[i] was generated for?")


# ---- code generation ----------------------------------------------------------------------------

VALID_SNIPPETS = [
    "x = 1\n", "def f(a, b=2):\n    return a * b\n", "class A:\n    pass\n", "import os\nprint(os.sep)\n",
    "for i in range(3):\n    if i % 2:\n        continue\n", "# only a comment\n",
    "with open('f') as f:\n    data = f.read()\n", "x = [i for i in range(10) if i]\n", "try:\n    pass\nexcept Exception:\n    raise\n",
    "async def g():\n    await h()\n", "s = '''a\nb'''\n",
]
INVALID_SNIPPETS = [
    "def f(:\n    pass\n", "x = (1, 2\n", "print('hi'", "if x\n    y = 1\n", "return = 3\n", "class :\n",
    "for i in range(3):\nprint(i)\n",
    # fail only at the end: every line but the last parses
    "def f(x):\n    y = x + 1\n    return y\nprint(f(1)", "x = 1\ny = 2\nz = [x, y", "a = 1\nb = 2\nc = 'open",
    "import math\nvalue = math.sqrt(2)\nif value >", "x = 1\n\x00", "", "   \n\t\n",
]


def expected_rate(samples):
    def ok(s):
        if not s.strip():
            return False
        try:
            ast.parse(s)
        except (SyntaxError, ValueError):
            return False
        return True
    return sum(map(ok, samples)) / len(samples) if samples else 0.0


def test_syntax_valid_rate_agrees_with_ast_parse(worker):
    samples = random.sample(VALID_SNIPPETS, random.randrange(3, 8)) + random.sample(INVALID_SNIPPETS[:11], random.randrange(3, 8))
    random.shuffle(samples)
    rate = worker.call("applications.syntax_valid_rate", samples)
    assert abs(rate - expected_rate(samples)) < 1e-9, (
        f"expected {expected_rate(samples):.4f} (the fraction ast.parse accepts), got {rate}: "
        "parse each whole sample (some fail only on their last line)")


def test_syntax_valid_rate_fails_programs_broken_only_at_the_end(worker):
    samples = INVALID_SNIPPETS[7:11] + [VALID_SNIPPETS[0]]
    rate = worker.call("applications.syntax_valid_rate", samples)
    assert abs(rate - 0.2) < 1e-9, f"only 1 of these 5 parses (4 break on their last line), got {rate}: parse the whole sample"


def test_syntax_valid_rate_counts_empty_samples_invalid(worker):
    rate = worker.call("applications.syntax_valid_rate", ["", "x = 1", "  \n", "y = 2"])
    assert abs(rate - 0.5) < 1e-9, f"empty and whitespace-only samples are invalid (ast.parse('') would accept them), got {rate}"
    assert worker.call("applications.syntax_valid_rate", []) == 0.0, "an empty list has rate 0.0"


def test_syntax_valid_rate_rejects_a_null_byte(worker):
    rate = worker.call("applications.syntax_valid_rate", ["x = 1\n\x00", "x = 1"])
    assert abs(rate - 0.5) < 1e-9, f"a sample with a null byte is invalid (ast.parse raises ValueError or SyntaxError), got {rate}"


VOCAB = "abcdefgh"


class JudgeTokenizer:
    def encode(self, text):
        return [VOCAB.index(c) for c in text]

    def decode(self, ids):
        return "".join(VOCAB[i] for i in ids)


class JudgeBigram(torch.nn.Module):
    def __init__(self, table, block_size):
        super().__init__()
        self.table, self.block_size = table, block_size

    def forward(self, idx):
        return self.table[idx]


def test_complete_code_returns_prompt_plus_completion(worker):
    prompt = "".join(random.choices(VOCAB, k=random.randrange(1, 6)))
    k = random.randrange(0, 12)
    out = worker.probe("applications.complete_bigram", vocab=VOCAB, table=torch.randn(8, 8), prompt=prompt, max_new_tokens=k)
    assert isinstance(out[0], str) and out[0].startswith(prompt) and len(out[0]) == len(prompt) + k, \
        f"expected the prompt {prompt!r} followed by {k} new characters, got {out[0]!r}"


def test_complete_code_greedy_equals_reference(worker):
    table = 3 * torch.randn(8, 8)
    prompt = "".join(random.choices(VOCAB, k=3))
    out = worker.probe("applications.complete_bigram", vocab=VOCAB, table=table, prompt=prompt, max_new_tokens=10, temperature=0)
    expected = ref.complete_code(JudgeBigram(table, 8), JudgeTokenizer(), prompt, 10, temperature=0)
    assert out == [expected], f"temperature 0 is greedy (argmax each step): expected {expected!r}, got {out[0]!r}"


def test_complete_code_feeds_at_most_block_size_tokens(worker):
    table = 3 * torch.randn(8, 8)
    prompt = "".join(random.choices(VOCAB, k=12))
    out = worker.probe("applications.complete_bigram", vocab=VOCAB, table=table, prompt=prompt, max_new_tokens=6,
                       block_size=4, temperature=0)
    expected = ref.complete_code(JudgeBigram(table, 4), JudgeTokenizer(), prompt, 6, temperature=0)
    assert out == [expected], f"crop the context to the model's last block_size tokens: expected {expected!r}, got {out[0]!r}"


def test_complete_code_top_k_samples_only_the_top_k(worker):
    table = torch.randn(8, 8)
    out = worker.probe("applications.complete_bigram", vocab=VOCAB, table=table, prompt="a", max_new_tokens=4, n=150,
                       temperature=2.0, top_k=2)
    allowed = {VOCAB[i]: {VOCAB[j] for j in table[i].topk(2).indices.tolist()} for i in range(8)}
    for text in out:
        for prev, nxt in zip(text, text[1:]):
            assert nxt in allowed[prev], (f"{nxt!r} followed {prev!r} in {text!r}, but with top_k=2 only "
                                          f"{sorted(allowed[prev])} can: keep the top_k logits, set the rest to -inf")


def temperature_z(texts, table, temperature):
    """Largest |z| of the first new token's frequencies after 'a' against softmax(table[0] / T)."""
    n = len(texts)
    counts = torch.bincount(torch.tensor([VOCAB.index(t[1]) for t in texts]), minlength=len(VOCAB)).double()
    p = F.softmax(table[0].double() / temperature, dim=0)
    return ((counts / n - p) / (p * (1 - p) / n).sqrt().clamp_min(1e-12)).abs().max().item(), counts / n, p


def test_complete_code_samples_softmax_over_temperature(worker):
    """The first new token after "a" is drawn from softmax(logits / temperature), temperature 0.5.

    2,000 one-token completions; each of the 8 frequencies within 6 binomial standard errors of its
    probability. Calibration: autograder/hidden/calibration/applications_temperature.py, 300
    reference seeds: largest |z| 3.94 (median 1.67), bound 6. Normal-fit false-failure rate about 1.6e-8
    per test (8 checks at 2e-9); 0/300 bounds it below 1% distribution-free (95%).
    """
    table = torch.tensor([2.0, 1.0, 0.5, 0.0, -0.5, 1.5, 0.2, -1.0]).repeat(8, 1)
    out = worker.probe("applications.complete_bigram", vocab=VOCAB, table=table, prompt="a", max_new_tokens=1, n=2000,
                       temperature=0.5, timeout=30)
    z, freq, p = temperature_z(out, table, 0.5)
    assert z < 6, (f"first-token frequencies {[round(f, 3) for f in freq.tolist()]} vs softmax(logits / 0.5) "
                   f"{[round(q, 3) for q in p.tolist()]} ({z:.1f} standard errors): divide the logits by the temperature")


# ---- music --------------------------------------------------------------------------------------

def test_notes_to_midi_every_note_survives_mido(worker):
    notes = random_notes(random.randrange(5, 30))
    r = worker.probe("applications.midi", notes=notes)
    _, _, got, _ = read_midi(midi_bytes(r, len(notes)))
    assert got == sorted(notes), (f"mido reads {len(got)} notes; the first differences (pitch, start, duration, velocity): "
                                  f"{[(a, b) for a, b in zip(got, sorted(notes)) if a != b][:3]}: delta times are ticks "
                                  "since the PREVIOUS event, not since the start")


def test_notes_to_midi_header_and_tempo(worker):
    tpb, bpm = random.choice([96, 384, 480, 960]), random.choice([60, 97, 120, 133.5, 200])
    r = worker.probe("applications.midi", notes=random_notes(3), ticks_per_beat=tpb, tempo_bpm=bpm)
    header, tempos, _, _ = read_midi(midi_bytes(r, 3))
    import mido
    assert header == (0, 1, tpb), f"header (format, tracks, division) should be (0, 1, {tpb}), got {header}"
    assert tempos == [(0, mido.bpm2tempo(bpm))], (f"one tempo event at tick 0 with {mido.bpm2tempo(bpm)} microseconds per "
                                                  f"beat (round(60e6 / {bpm})), got {tempos}")


def test_notes_to_midi_track_length_counts_end_of_track(worker):
    r = worker.probe("applications.midi", notes=random_notes(4))
    data_bytes = midi_bytes(r, 4)
    read_midi(data_bytes)   # the structural checks: length field, end of track last
    assert data_bytes.endswith(b"\xff\x2f\x00"), "the file ends with the end-of-track event FF 2F 00"


def test_notes_to_midi_delta_times_at_vlq_boundaries(worker):
    gaps = [127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21]
    random.shuffle(gaps)
    notes, t = [], 0
    for i, gap in enumerate(gaps):        # each note starts `gap` ticks after the previous one ended
        t += gap
        notes.append((40 + i, t, 1, 100))
        t += 1
    r = worker.probe("applications.midi", notes=notes)
    _, _, got, _ = read_midi(midi_bytes(r, len(notes)))
    assert got == sorted(notes), (f"delta times {gaps} read back as notes {got}: a variable-length quantity has the top "
                                  "bit set on every byte except the last (128 -> 81 00, 2**21 -> 81 80 80 00)")


def test_encode_vlq_matches_mido(worker):
    from mido.midifiles.meta import encode_variable_int

    values = [0, 1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 0x0FFFFFFF] + random.sample(range(1, 0x0FFFFFFF), 5)
    for n in values:
        got = worker.call("applications.encode_vlq", n)
        assert got == bytes(encode_variable_int(n)), f"encode_vlq({n}) = {got.hex(' ')}, mido writes {bytes(encode_variable_int(n)).hex(' ')}"
    for bad in (-1, 0x10000000):
        r = worker.probe("applications.outcome", function="encode_vlq", args=[bad])
        assert r.get("raised") == "ValueError", f"encode_vlq({bad}) raises ValueError (MIDI allows 0 .. 0x0FFFFFFF), got {r}"


def test_notes_to_midi_overlapping_notes(worker):
    root = random.randrange(40, 70)
    chord = [(root, 0, 960, 90), (root + 4, 0, 960, 80), (root + 7, 0, 960, 70)]      # three at once
    overlap = [(root + 12, 480, 960, 100), (root + 14, 960, 240, 60), (root + 16, 1000, 2000, 50)]
    notes = random.sample(chord + overlap, 6)
    r = worker.probe("applications.midi", notes=notes)
    _, _, got, _ = read_midi(midi_bytes(r, 6))
    assert got == sorted(notes), f"overlapping notes read back as {got}, expected {sorted(notes)}: sort every on/off event by time"


def test_notes_to_midi_same_pitch_starts_where_it_ended(worker):
    p = random.randrange(40, 90)
    notes = [(p, 480, 480, 100), (p, 0, 480, 90), (p, 960, 240, 80)]
    r = worker.probe("applications.midi", notes=notes)
    _, _, got, _ = read_midi(midi_bytes(r, 3))
    assert got == sorted(notes), f"read back {got}, expected {sorted(notes)}: at equal ticks the note off comes before the note on"


def test_notes_to_midi_empty_melody_is_a_valid_file(worker):
    r = worker.probe("applications.midi", notes=[])
    header, tempos, got, track = read_midi(midi_bytes(r, 0))
    assert got == [] and len(tempos) == 1, f"an empty melody has no notes and one tempo event, got {got}, {tempos}"


def test_notes_to_midi_rejects_out_of_range_notes(worker):
    for bad in [(128, 0, 10, 100), (60, 0, 10, 0), (60, 0, 10, 128), (60, -1, 10, 100), (60, 0, 0, 100)]:
        r = worker.probe("applications.outcome", function="notes_to_midi", args=[[bad]])
        assert r.get("raised") == "ValueError", f"notes_to_midi([{bad}]) raises ValueError, got {r}"


def random_sequences(pitches, n_seqs, length):
    return [[random.choice(pitches) for _ in range(length)] for _ in range(n_seqs)]


def test_markov_transition_probs_equal_reference_counts(worker):
    for order in (1, 2):
        seqs = random_sequences([60, 62, 64, 65, 67], random.randrange(2, 5), random.randrange(6, 20))
        model = ref.MarkovMelody(order).fit(seqs)
        contexts = [list(c) for c in model.counts][:8] + [[99] * order]
        r = worker.probe("applications.markov", order=order, sequences=seqs, contexts=contexts)
        for c, got in zip(contexts, r["probs"]):
            want = model.transition_probs(c)
            got = {p: q for p, q in got}
            assert got.keys() == want.keys() and all(abs(got[p] - want[p]) < 1e-9 for p in want), (
                f"order {order}, context {c}: expected {want}, got {got}: count only within each sequence "
                "(contexts never span two sequences), no smoothing; an unseen context gives {{}}")


def markov_z(melodies, probs):
    """Largest |z| of transition frequencies in the melodies against `probs` {context: {next: p}}."""
    counts = {}
    for m in melodies:
        for a, b in zip(m, m[1:]):
            counts.setdefault(a, {}).setdefault(b, 0)
            counts[a][b] += 1
    worst = 0.0
    for a, nxt in probs.items():
        total = sum(counts.get(a, {}).values())
        for b, p in nxt.items():
            f = counts.get(a, {}).get(b, 0) / max(total, 1)
            se = math.sqrt(p * (1 - p) / max(total, 1)) if 0 < p < 1 else 1e-12
            worst = max(worst, abs(f - p) / se if se > 1e-12 else (0.0 if f == p else math.inf))
        unexpected = set(counts.get(a, {})) - set(nxt)
        if unexpected:
            return math.inf
    return worst


MARKOV_CYCLE = [60, 62, 64, 60, 64, 67, 60, 62, 67, 64, 62, 60, 67, 60]   # every pitch has a continuation


def test_markov_sampling_follows_the_transition_probs(worker):
    """Transitions in 20 sampled melodies of 200 pitches (3,980 steps) from an order-1 chain fit on
    a cyclic melody: each observed frequency within 6 binomial standard errors of transition_probs.

    Calibration: autograder/hidden/calibration/applications_markov.py, 300 reference seeds: largest
    |z| 4.20 (median 1.87), bound 6. Normal-fit false-failure rate below 3e-8 (13 transitions at 2e-9); 0/300 bounds
    it below 1% distribution-free (95%).
    """
    seq = MARKOV_CYCLE + MARKOV_CYCLE[:1]
    model = ref.MarkovMelody(1).fit([seq])
    start = random.choice([60, 62, 64, 67])
    r = worker.probe("applications.markov", order=1, sequences=[seq], contexts=[], n=200, start=[start], n_samples=20, timeout=20)
    for m in r["melodies"]:
        assert len(m) == 200 and m[0] == start, f"a melody of 200 pitches starting with {start}, got {len(m)} starting {m[:1]}"
    probs = {c[0]: model.transition_probs(c) for c in model.counts}
    z = markov_z(r["melodies"], probs)
    assert z < 6, f"transition frequencies are {z:.1f} standard errors from transition_probs: draw each next pitch from them"


def test_markov_sample_stops_at_a_dead_end(worker):
    r = worker.probe("applications.markov", order=1, sequences=[[50, 52, 54]], contexts=[], n=10, start=[50], n_samples=1)
    assert r["melodies"] == [[50, 52, 54]], f"54 has no continuation: the melody stops there, got {r['melodies']}"


# ---- prompting ----------------------------------------------------------------------------------

def test_build_prompt_equals_str_format(worker):
    words = ["diffusion", "GAN", "VAE", "prompt", "token"]
    fields = {"a": random.choice(words), "b": random.randrange(100), "score": random.random(), "unused": "x"}
    template = "Explain {a} to a {b}-year-old. {{literal}} score={score:.2f}; again {a}."
    got = worker.call("applications.build_prompt", template, **fields)
    assert got == template.format(**fields), (f"expected {template.format(**fields)!r}, got {got!r}: fill every field as "
                                              "str.format does ({{ and }} are literal braces, format specs apply)")


def test_build_prompt_missing_fields_are_named(worker):
    r = worker.probe("applications.outcome", function="build_prompt", args=["{role}: {task} ({style})"], kwargs={"task": "x"})
    assert r.get("raised") == "KeyError", f"a missing field raises KeyError, got {r}"
    assert "role" in r["message"] and "style" in r["message"], f"the error names every missing field (role, style): {r['message']!r}"


def random_examples(n):
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    return [(" ".join(random.choices(words, k=random.randrange(1, 4))), random.choice(words)) for _ in range(n)]


def test_few_shot_prompt_equals_reference_under_budgets(worker):
    examples = random_examples(random.randrange(3, 8))
    for counter, count in (("chars", len), ("words", lambda s: len(s.split()))):
        full = ref.few_shot_prompt("Translate.", examples, "omega", count_tokens=count)
        smallest = ref.few_shot_prompt("Translate.", [], "omega", count_tokens=count)
        for budget in sorted({count(smallest), count(full), count(full) - 1, random.randrange(count(smallest), count(full) + 1)}):
            got = worker.probe("applications.few_shot", instruction="Translate.", examples=examples, query="omega",
                               max_tokens=budget, counter=counter)
            want = ref.few_shot_prompt("Translate.", examples, "omega", max_tokens=budget, count_tokens=count)
            assert count(got) <= budget, f"the prompt has {count(got)} tokens ({counter}), over the budget {budget}"
            assert got == want, (f"budget {budget} {counter}: expected {want!r}, got {got!r}: drop the OLDEST examples "
                                 "first, keep as many recent ones as fit, counting tokens on the whole prompt")


def test_few_shot_prompt_without_budget_keeps_every_example(worker):
    examples = random_examples(5)
    got = worker.probe("applications.few_shot", instruction="Do it.", examples=examples, query="q")
    assert got == ref.few_shot_prompt("Do it.", examples, "q"), f"with max_tokens=None every example is kept, got {got!r}"


def test_few_shot_prompt_raises_when_nothing_fits(worker):
    r = worker.probe("applications.outcome", function="few_shot_prompt", args=["Long instruction here.", [("a", "b")], "q"],
                     kwargs={"max_tokens": 5})
    assert r.get("raised") == "ValueError", f"when even no examples do not fit, raise ValueError, got {r}"


# ---- provenance (the ethics checklist item) -----------------------------------------------------

def test_add_png_text_keeps_pixels_and_pillow_reads_the_text(worker):
    mode = random.choice(["L", "RGB", "RGBA"])
    png = png_of((random.randrange(1, 20), random.randrange(1, 20)), mode)
    key, value = random.choice(["AI-generated", "Source", "Comment"]), f"genlab model {random.randrange(1000)}, seed {random.randrange(10**6)}"
    out = worker.call("applications.add_png_text", png, key, value, timeout=PNG_TIMEOUT_S)
    assert isinstance(out, bytes), f"add_png_text returns bytes, got {type(out).__name__}"
    try:
        image = decode(out)
    except Exception as exc:
        raise AssertionError(f"Pillow cannot open the result ({type(exc).__name__}: {exc})") from None
    assert image.text.get(key) == value, f"Pillow reads the text chunks as {image.text}, expected {key!r}: {value!r}"
    assert image.mode == mode and image.tobytes() == decode(png).tobytes(), "the pixels must be unchanged"


def test_add_png_text_chunk_sits_before_iend_with_a_valid_crc(worker):
    png = png_of((4, 4))
    out = worker.call("applications.add_png_text", png, "AI-generated", "true", timeout=PNG_TIMEOUT_S)
    chunks = png_chunks(out)
    kinds = [c[0] for c in chunks]
    assert kinds[-1] == b"IEND" and kinds[-2] == b"tEXt", f"chunks {kinds}: the tEXt chunk goes just before IEND, which stays last"
    assert all(ok for _, _, ok in chunks), (f"CRC mismatch in {[k for k, _, ok in chunks if not ok]}: "
                                            "the CRC-32 covers the chunk type and its data")
    assert chunks[-2][1] == b"AI-generated\x00true", f"tEXt data is keyword, a null byte, then the text: got {chunks[-2][1]!r}"
    assert out[:len(png) - 12] == png[:-12], "every chunk before IEND is copied unchanged"


def test_add_png_text_writes_non_latin1_text_as_itxt(worker):
    value = random.choice(["生成されたもの", "Ωμέγα ✓", "généré par IA — 🤖"])
    out = worker.call("applications.add_png_text", png_of((3, 2)), "AI-generated", value, timeout=PNG_TIMEOUT_S)
    kinds = [c[0] for c in png_chunks(out)]
    assert b"iTXt" in kinds, f"text that is not Latin-1 goes in an iTXt chunk (UTF-8), got chunks {kinds}"
    assert decode(out).text.get("AI-generated") == value, f"Pillow reads {decode(out).text}, expected {value!r}"


def test_read_png_text_reads_chunks_pillow_wrote(worker):
    from PIL.PngImagePlugin import PngInfo

    info, want = PngInfo(), {}
    for key, value in [("Title", f"sample {random.randrange(100)}"), ("Author", "généré"), ("AI-generated", "Ωμέγα")]:
        info.add_text(key, value)          # Pillow writes tEXt when it can, iTXt otherwise
        want[key] = value
    got = worker.call("applications.read_png_text", png_of((5, 5), pnginfo=info), timeout=PNG_TIMEOUT_S)
    assert got == want, f"expected {want}, got {got}: tEXt is Latin-1, iTXt is UTF-8 after its four header fields"


def test_read_png_text_of_a_png_round_trip(worker):
    keys = random.sample(["a", "Source", "Comment", "AI-generated"], 2)
    r = worker.probe("applications.png_pair", png=png_of((2, 2)), key=keys[0], value="first", timeout=PNG_TIMEOUT_S)
    assert r["read"] == {keys[0]: "first"}, f"read_png_text(add_png_text(png, {keys[0]!r}, 'first')) gave {r['read']}"
    assert worker.call("applications.read_png_text", png_of((2, 2)), timeout=PNG_TIMEOUT_S) == {}, "a PNG without text chunks gives {}"


def corrupted(png):
    chunks = png_chunks(png)
    i = 8 + 12 + len(chunks[0][1]) + 8      # the first byte of the second chunk's data (IDAT)
    return png[:i] + bytes([png[i] ^ 0xFF]) + png[i + 1:]


def test_read_png_text_rejects_a_corrupted_crc(worker):
    r = worker.probe("applications.outcome", function="read_png_text", args=[corrupted(png_of((4, 4)))], timeout=PNG_TIMEOUT_S)
    assert r.get("raised") == "ValueError", f"a chunk whose CRC does not match raises ValueError, got {r}"
    assert "crc" in r["message"].lower(), f"the message names the CRC: {r['message']!r}"


def test_read_png_text_rejects_a_truncated_chunk(worker):
    png = png_of((6, 6))
    cut = random.randrange(40, len(png) - 13)
    r = worker.probe("applications.outcome", function="read_png_text", args=[png[:cut]], timeout=PNG_TIMEOUT_S)
    assert r.get("raised") == "ValueError", f"a file cut at byte {cut} of {len(png)} raises ValueError, got {r}"


def test_add_png_text_rejects_a_corrupted_png(worker):
    for bad in (corrupted(png_of((3, 3))), b"GIF89a" + bytes(20)):
        r = worker.probe("applications.outcome", function="add_png_text", args=[bad, "k", "v"], timeout=PNG_TIMEOUT_S)
        assert r.get("raised") == "ValueError", f"add_png_text of a damaged file raises ValueError, got {r}"

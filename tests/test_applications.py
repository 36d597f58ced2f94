"""Public tests for unit 09 (genlab.applications): one numeric check per core behaviour.

Run them with `pytest tests/test_applications.py`. They test $GENLAB_IMPL (your starter/ by
default). Each test asks the `worker` for data from your code and checks it here, with real
libraries where one defines the format: MIDI bytes are parsed with mido, PNG files with Pillow,
moved and turned digits are recomputed with torchvision.
The probes they name are in tests/probes/applications.py.
"""
import io

import torch

from autograder.testing import expect_close


# ---- data augmentation --------------------------------------------------------------------------

def test_mixup_with_given_lam_and_perm_is_exact(worker):
    x, y = torch.randn(6, 4), torch.eye(3)[torch.tensor([0, 1, 2, 0, 1, 2])]
    perm = torch.tensor([5, 4, 3, 2, 1, 0])
    x_mix, y_mix, lam = worker.call("applications.mixup", x, y, 0.4, lam=0.3, perm=perm)
    expect_close(x_mix, 0.3 * x + 0.7 * x[perm], hint="x_mix = lam * x + (1 - lam) * x[perm]")
    expect_close(y_mix, 0.3 * y + 0.7 * y[perm], hint="the labels are mixed with the same lam and perm as the inputs")
    assert abs(lam - 0.3) < 1e-12, f"a given lam is returned as used, got {lam}"


def test_augment_with_generator_returns_the_generators_samples_with_their_labels(worker):
    # The generator hands out the judge's samples (2 per class more than needed): each row says
    # which class it was made for (its values are the label, plus a little noise).
    pool_y = torch.arange(3).repeat_interleave(8)
    pool_x = pool_y.float()[:, None] + 0.01 * torch.randn(24, 5)
    r = worker.probe("applications.augment_from_pool", pool_x=pool_x, pool_y=pool_y, n_per_class=4, n_classes=3)
    x, y = r["x"], r["y"]
    assert x.shape == (12, 5) and y.shape == (12,), f"expected x (12, 5) and y (12,), got {tuple(x.shape)} and {tuple(y.shape)}"
    assert y.dtype == torch.int64, f"labels are int64, got {y.dtype}"
    assert torch.bincount(y, minlength=3).tolist() == [4, 4, 4], f"n_per_class of each class: {torch.bincount(y).tolist()}"
    nearest = torch.cdist(x.double(), pool_x.double()).min(1)
    assert (nearest.values < 1e-5).all(), "every row of x must be a sample exactly as sample_fn returned it"
    assert (pool_y[nearest.indices] == y).all(), "y[i] must be the label x[i] was generated for"
    assert nearest.indices.unique().numel() == 12, "each sample is used once"


def _affine_by_torchvision(x, params):
    """affine_digits as its docstring defines it, computed here with torchvision itself, for both
    fills the docstring allows (None, torchvision's default, and 0)."""
    import torchvision.transforms.v2.functional as tvf

    return {fill: torch.stack([tvf.affine(img, angle=a, translate=[tx, ty], scale=s, shear=[0.0, 0.0],
                                          interpolation=tvf.InterpolationMode.BILINEAR, fill=fill)
                               for img, (a, tx, ty, s) in zip(x.view(len(x), 1, 8, 8), params.tolist())]).view(x.shape)
            for fill in (None, 0.0)}


def _expect_affine(got, x, params, hint):
    want = _affine_by_torchvision(x, params)
    assert isinstance(got, torch.Tensor) and got.shape == x.shape, \
        f"expected a tensor shaped like x {tuple(x.shape)}, got {getattr(got, 'shape', type(got).__name__)}"
    closest = min(want.values(), key=lambda w: (got.double() - w.double()).abs().max().item())
    expect_close(got, closest, atol=1e-5, rtol=0, hint=hint)


def test_affine_digits_matches_torchvision(worker):
    x = torch.rand(4, 64)
    params = torch.tensor([[0.0, 0.0, 0.0, 1.0],       # unchanged
                           [90.0, 0.0, 0.0, 1.0],      # a quarter turn
                           [0.0, 1.0, -2.0, 1.0],      # one pixel right, two up
                           [-12.5, 0.4, 0.3, 0.9]])    # all at once, fractions of a pixel
    got = worker.call("applications.affine_digits", x, params)
    _expect_affine(got, x, params, hint="torchvision.transforms.v2.functional.affine(image, angle=a, translate=[tx, ty], "
                                         "scale=s, shear=[0.0, 0.0], interpolation=BILINEAR) on each (1, 8, 8) image")


def test_classic_augment_copies_replay_from_their_params(worker):
    x, y = torch.rand(3, 1, 8, 8), torch.tensor([7, 1, 4])
    x_aug, y_aug, params = worker.call("applications.classic_augment", x, y, 2)
    assert x_aug.shape == (6, 1, 8, 8) and params.shape == (6, 4), \
        f"expected x_aug (6, 1, 8, 8) and params (6, 4), got {tuple(x_aug.shape)} and {tuple(params.shape)}"
    assert y_aug.tolist() == [7, 7, 1, 1, 4, 4], f"y_aug = y.repeat_interleave(copies), got {y_aug.tolist()}"
    assert (params[:, 0].abs() <= 10).all() and (params[:, 1:3].abs() <= 0.75).all() and \
        ((params[:, 3] >= 0.9) & (params[:, 3] <= 1.1)).all(), f"parameters outside the default ranges: {params.tolist()}"
    _expect_affine(x_aug, x.repeat_interleave(2, 0), params,
                   hint="row k of x_aug is affine_digits of x[k // copies] with params[k]")


# ---- code generation ----------------------------------------------------------------------------

def test_syntax_valid_rate_matches_ast_parse(worker):
    samples = ["x = 1\n", "def f(x):\n    return x +\n", "for i in range(3):\n    print(i)\n", "print('hi'", "", "   \n"]
    rate = worker.call("applications.syntax_valid_rate", samples)
    assert abs(rate - 2 / 6) < 1e-12, (f"2 of the 6 samples parse (empty ones count as invalid), got {rate}: "
                                      "is every sample tried with ast.parse, and are empty strings invalid?")


def test_complete_code_greedy_follows_the_argmax(worker):
    vocab = "abc"
    table = torch.tensor([[0.0, 3.0, 1.0], [0.0, 1.0, 3.0], [3.0, 1.0, 0.0]])   # a -> b -> c -> a
    out = worker.probe("applications.complete_bigram", vocab=vocab, table=table, prompt="a", max_new_tokens=5, temperature=0)
    assert out == ["abcabc"], f"greedy decoding of 'a' should give 'abcabc' (prompt + 5 argmax tokens), got {out}"



def test_complete_code_top_k_1_is_greedy_at_any_temperature(worker):
    vocab = "abc"
    table = torch.tensor([[0.0, 3.0, 1.0], [0.0, 1.0, 3.0], [3.0, 1.0, 0.0]])
    out = worker.probe("applications.complete_bigram", vocab=vocab, table=table, prompt="b", max_new_tokens=4, n=20,
                       temperature=5.0, top_k=1)
    assert set(out) == {"bcabc"}, f"with top_k=1 only the most likely token can be drawn: expected 'bcabc' every time, got {set(out)}"

# ---- music --------------------------------------------------------------------------------------

def _notes_from_mido(data):
    import mido

    try:
        track = mido.MidiFile(file=io.BytesIO(data)).tracks[0]
    except Exception as exc:
        raise AssertionError(f"mido cannot parse the file ({type(exc).__name__}: {exc}): check the chunk lengths and "
                             "that delta times are variable-length quantities") from None
    now, sounding, notes = 0, {}, []
    for msg in track:
        now += msg.time
        if msg.type == "note_on" and msg.velocity > 0:
            sounding[msg.note] = (now, msg.velocity)
        elif msg.type in ("note_off", "note_on"):
            assert msg.note in sounding, f"a note off for pitch {msg.note} at tick {now}, which is not sounding"
            start, velocity = sounding.pop(msg.note)
            notes.append((msg.note, start, now - start, velocity))
    assert not sounding, f"pitches {sorted(sounding)} are never turned off: is the note off missing?"
    return sorted(notes), track


def test_notes_to_midi_round_trips_through_mido(worker):
    notes = [(60, 0, 480, 100), (64, 480, 240, 90), (67, 480, 960, 80), (72, 2000, 130, 70)]
    r = worker.probe("applications.midi", notes=notes)
    assert "size" not in r, f"notes_to_midi returned {r.get('size')} bytes for 4 notes: a file this small needs under 100"
    assert "bytes" in r, f"notes_to_midi should return bytes, got a {r.get('type')}"
    got, track = _notes_from_mido(r["bytes"])
    assert got == sorted(notes), (f"mido reads the notes (pitch, start, duration, velocity) {got}, expected {sorted(notes)}: "
                                  "are delta times relative to the previous event, written as variable-length quantities?")
    assert track[-1].type == "end_of_track", "the track ends with an end-of-track meta event"


def test_encode_vlq_matches_mido(worker):
    from mido.midifiles.meta import encode_variable_int

    for n in [0, 127, 128, 16383, 16384, 2 ** 21]:
        got = worker.call("applications.encode_vlq", n)
        assert got == bytes(encode_variable_int(n)), (f"encode_vlq({n}) = {got.hex(' ')}, expected "
                                                     f"{bytes(encode_variable_int(n)).hex(' ')}: the top bit is set on every byte but the last")


def test_encode_vlq_raises_past_four_bytes(worker):
    # mido itself writes any size; a MIDI file allows at most 4 bytes (0x0FFFFFFF)
    r = worker.probe("applications.outcome", function="encode_vlq", args=[0x10000000])
    assert r.get("raised") == "ValueError", f"encode_vlq(0x10000000) raises ValueError (MIDI allows 0 .. 0x0FFFFFFF), got {r}"


def test_markov_transition_probs_are_the_counts(worker):
    r = worker.probe("applications.markov", order=1, sequences=[[60, 62, 60, 64, 60, 62]], contexts=[[60]])
    probs = dict((p, q) for p, q in r["probs"][0])
    assert probs.keys() == {62, 64} and abs(probs[62] - 2 / 3) < 1e-9 and abs(probs[64] - 1 / 3) < 1e-9, \
        f"after 60 come 62, 64, 62: expected {{62: 2/3, 64: 1/3}}, got {probs}"


# ---- prompting ----------------------------------------------------------------------------------

def test_build_prompt_fills_and_names_a_missing_field(worker):
    filled = worker.call("applications.build_prompt", "Q: {q}\nA: {a}", q="2+2?", a="4")
    assert filled == "Q: 2+2?\nA: 4", f"expected 'Q: 2+2?\\nA: 4' (as str.format fills it), got {filled!r}"
    r = worker.probe("applications.outcome", function="build_prompt", args=["{topic} in {style}"], kwargs={"topic": "MIDI"})
    assert r.get("raised") == "KeyError" and "style" in r["message"], f"a missing field raises KeyError naming it, got {r}"


def test_few_shot_prompt_drops_the_oldest_examples_first(worker):
    examples = [("one", "1"), ("two", "2"), ("three", "3")]
    full = "Digits.\n\nInput: one\nOutput: 1\n\nInput: two\nOutput: 2\n\nInput: three\nOutput: 3\n\nInput: four\nOutput:"
    got = worker.probe("applications.few_shot", instruction="Digits.", examples=examples, query="four")
    assert got == full, f"expected {full!r}, got {got!r}: blocks joined by blank lines, the query last with 'Output:'"
    budget = len(full) - 10     # one example too many: the oldest ("one") must go
    got = worker.probe("applications.few_shot", instruction="Digits.", examples=examples, query="four", max_tokens=budget)
    assert got == "Digits.\n\nInput: two\nOutput: 2\n\nInput: three\nOutput: 3\n\nInput: four\nOutput:", \
        f"with {budget} characters the oldest example is dropped, got {got!r}"


# ---- provenance ---------------------------------------------------------------------------------

def _png(size=(5, 4)):
    from PIL import Image

    buf = io.BytesIO()
    Image.frombytes("RGB", size, bytes(range(size[0] * size[1] * 3))).save(buf, "PNG")
    return buf.getvalue()


def test_add_png_text_is_read_by_pillow(worker):
    from PIL import Image

    png = _png()
    out = worker.call("applications.add_png_text", png, "AI-generated", "genlab diffusion, seed 7", timeout=5)
    try:
        image = Image.open(io.BytesIO(out))
        image.load()
    except Exception as exc:
        raise AssertionError(f"Pillow cannot open the result ({type(exc).__name__}: {exc}): is every chunk's "
                             "CRC over its type and data, and IEND still last?") from None
    assert image.text.get("AI-generated") == "genlab diffusion, seed 7", f"Pillow reads the text chunks {image.text}"
    assert image.tobytes() == Image.open(io.BytesIO(png)).tobytes(), "the pixels must not change"


def test_read_png_text_reads_what_pillow_wrote(worker):
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Software", "genlab")
    buf = io.BytesIO()
    Image.new("L", (3, 3)).save(buf, "PNG", pnginfo=info)
    got = worker.call("applications.read_png_text", buf.getvalue(), timeout=5)
    assert got == {"Software": "genlab"}, f"expected {{'Software': 'genlab'}}, got {got}"



def test_read_png_text_rejects_a_corrupted_crc(worker):
    png = bytearray(_png())
    png[8 + 8] ^= 0xFF          # the first data byte of IHDR: its CRC no longer matches
    r = worker.probe("applications.outcome", function="read_png_text", args=[bytes(png)], timeout=5)
    assert r.get("raised") == "ValueError" and "crc" in r["message"].lower(), \
        f"a chunk whose CRC does not match raises ValueError naming the CRC, got {r}"

"""Hidden suite for unit 09 (genlab.applications). Runs in the judge; student code only through `worker`.

Inputs are drawn fresh each grading run (the judge's seed). Formats are checked with the libraries
that define them: MIDI with mido (plus the chunk lengths read here), PNG with Pillow, affine copies
of digits with torchvision, Python syntax with ast; each cross-check includes the library's special
cases and a sweep over random small inputs. Statistical tests state their calibration, the trivial
baselines they were calibrated against, and their false-failure rate.

The augmentation tests never trust what the worker measures or computes: the worker only runs the
student's function on training data and judge-made samples; the judge checks what comes back
(the generator's own samples, copies that replay from their parameters, blends that match their
lam) and trains and scores its own classifier on test digits that never enter the worker.

Provenance tests (add_png_text / read_png_text) have "png" in their names: the rubric scores them
under the ethics checklist item.
"""
import ast
import io
import math
import random
import statistics
import struct
import zlib

import torch
import torch.nn.functional as F

from autograder.reference import reference
from autograder.testing import expect_close

ref = reference("applications")
data = reference("data")

PNG_TIMEOUT_S = 5     # a PNG of a few pixels takes milliseconds: a loop is reported, not waited for
PNG_SWEEP_TIMEOUT_S = 15   # a sweep of 30-70 such calls in one probe: still milliseconds, with room for a loaded machine


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
    """lam ~ Beta(alpha, alpha): mean 1/2, variance 1 / (4 (2 alpha + 1)), and each call's output is
    the blend its returned lam says (checked here, call by call, from x_mix and y_mix).

    n = 1000 calls at alpha = 0.4 (variance 0.139; Uniform(0, 1), i.e. Beta(1, 1), has 0.083).
    Bounds at 6 standard errors of the mean and of the variance (from the Beta's fourth moment).
    Calibration: autograder/hidden/calibration/applications_mixup_moments.py, 300 reference seeds:
    largest |z| 2.73 (mean) and 2.35 (variance), bound 6. Normal-fit false-failure rate about 4e-9
    per check; 0/300 failures bound it below 1% distribution-free (95%). Baselines (same file, the
    smallest largest-|z| over 50 seeds): Uniform(0, 1) lam 17.4, Beta(1, alpha) 16.9, a constant lam
    (0.5, or 1: no mixing) 48.7: all fail; a Beta lam returned but 0.5 used for the blend passes the
    moments (|z| 0.2 - 1.1) and fails the blend check.
    """
    alpha, n, x = 0.4, 1000, torch.randn(8, 3)
    r = worker.probe("applications.mixup_lams", x=x, y_onehot=torch.eye(8), alpha=alpha, n=n)
    mixup_partners(x, torch.eye(8), r["x_mix"], r["y_mix"], r["lams"])
    z_mean, z_var = mixup_moment_z(r["lams"], alpha)
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


MIXUP_TOL = 1e-5     # float32 arithmetic on values of order 1: the blend is exact to ~1e-7


def mixup_partners(x, y, x_mix, y_mix, lams):
    """The partner index j of every row of every mixup call, recovered here: x_mix[c, i] must be
    lam_c * x[i] + (1 - lam_c) * x[j] and y_mix[c, i] = lam_c * y[i] + (1 - lam_c) * y[j] for
    some j (atol 1e-5), with lam_c the lam that call returned. x (B, ...), y (B, K);
    x_mix (C, B, ...), y_mix (C, B, K), lams (C,). Returns (C, B) int64; fails naming the first
    row that is no such blend, and any call whose partners are not a permutation (checked where
    1 - lam > 0.01, so that the partner is identifiable)."""
    x, y = x.flatten(1).double(), y.double()
    assert isinstance(x_mix, torch.Tensor) and x_mix.shape[:2] == (len(lams), len(x)), \
        f"expected x_mix of {len(lams)} calls shaped like x {tuple(x.shape)}, got {getattr(x_mix, 'shape', type(x_mix).__name__)}"
    assert isinstance(y_mix, torch.Tensor) and y_mix.shape == (len(lams), *y.shape), \
        f"expected y_mix shaped like y_onehot {tuple(y.shape)}, got {getattr(y_mix, 'shape', type(y_mix).__name__)}"
    lam = lams.double().view(-1, 1, 1)
    x_mix, y_mix = x_mix.flatten(2).double(), y_mix.double()
    gap = ((x_mix - lam * x)[:, :, None, :] - (1 - lam)[..., None] * x[None, None]).abs().amax(-1)   # (C, B, B)
    err, j = gap.min(-1)
    y_err = (y_mix - lam * y - (1 - lam) * y[j]).abs().amax(-1)
    worst = torch.maximum(err, y_err)
    if (worst > MIXUP_TOL).any():
        c, i = [int(v) for v in (worst > MIXUP_TOL).nonzero()[0]]
        raise AssertionError(
            f"call {c}, row {i}: x_mix / y_mix is not lam * row {i} + (1 - lam) * any other row with the lam that call "
            f"returned ({lams[c].item():.4f}): {worst[c, i].item():.3g} off. Blend the inputs AND the labels with the same "
            "lam and perm, and return the lam you used")
    for c in range(len(lams)):
        if 1 - lams[c].item() > 0.01:
            assert j[c].unique().numel() == len(x), (
                f"call {c}: the partners {j[c].tolist()} are not a permutation (some example is used twice): "
                "pair the batch by torch.randperm, not by indices drawn with replacement")
    return j


def test_mixup_pairs_examples_by_a_random_permutation(worker):
    """Twenty calls of mixup on B = 30 examples: each call pairs the batch by a permutation (checked
    row by row), the permutation is drawn afresh each call (twenty different ones), and it is a
    random one: fixed points (i paired with itself) number about 1 per call (mean 1, variance 1
    for a uniform permutation), so at most 60 over the calls (the identity has 600;
    P(more than 60) < 1e-12 for uniform permutations, a Poisson(20) tail).
    Calibration: autograder/hidden/calibration/applications_mixup_moments.py (fixed points of 300
    reference seeds: mean 19.9, std 4.6, at most 35)."""
    B, n = 30, 20
    x = torch.randn(B, 4)
    r = worker.probe("applications.mixup_lams", x=x, y_onehot=torch.eye(B), alpha=1.0, n=n)
    j = mixup_partners(x, torch.eye(B), r["x_mix"], r["y_mix"], r["lams"])
    identifiable = [c for c in range(n) if 1 - r["lams"][c].item() > 0.01]
    perms = {tuple(j[c].tolist()) for c in identifiable}
    assert len(perms) == len(identifiable), (f"{len(identifiable)} calls used only {len(perms)} different permutations: "
                                             "draw a fresh torch.randperm(B) in every call")
    fixed = sum(int((j[c] == torch.arange(B)).sum()) for c in identifiable)
    assert fixed <= MIXUP_FIXED_BOUND, (f"{fixed} examples were paired with themselves over {len(identifiable)} calls "
                                        f"(a random permutation has about 1 per call): perm must be torch.randperm(B), "
                                        "not the identity or a fixed pattern")


MIXUP_FIXED_BOUND = 60


# ---- augmentation: three ways, one classifier, one budget ----------------------------------------
#
# The judge's experiment (the notebook's too): AUG_REAL real training digits per class, and a budget
# of AUG_BUDGET extra training rows per class made by one method: classic (classic_augment: moved,
# turned, resized copies), mixup (blends of the real digits) or generative (augment_with_generator
# from ClassGaussians fit on the whole train split). A ridge classifier trained HERE on the real
# digits alone and on real + extra is scored on the 359 test digits, which never enter the worker.
# What comes back is checked before it is used: generated rows must be the judge's own samples,
# classic copies must replay from their parameters, mixup rows must be blends with their lam.

AUG_REAL, AUG_BUDGET, AUG_REPEATS = 5, 50, 8
RIDGE = 1e-3
_GENERATOR = {}


def ridge_fit(x, Y):
    """The judge's classifier: least squares onto (possibly soft) labels Y (n, 10) with a bias,
    penalty RIDGE * |W|^2 on the MEAN squared error, so that duplicated rows change nothing and
    every method is compared at the same strength. Deterministic, milliseconds."""
    X = torch.cat([x.flatten(1), torch.ones(len(x), 1)], 1).double()
    return torch.linalg.solve(X.T @ X / len(X) + RIDGE * torch.eye(X.shape[1], dtype=torch.float64), X.T @ Y.double() / len(X))


def ridge_accuracy(W, x, y):
    X = torch.cat([x.flatten(1), torch.ones(len(x), 1)], 1).double()
    return ((X @ W).argmax(1) == y).float().mean().item()


def real_digits(x_train, y_train):
    """5 digits of each class, drawn at random from the train split."""
    pick = torch.cat([torch.nonzero(y_train == c).flatten()[torch.randperm(int((y_train == c).sum()))[:AUG_REAL]]
                      for c in range(10)])
    return x_train[pick], y_train[pick]


def gain(x_real, y_real, x_extra, Y_extra, x_test, y_test):
    """Test accuracy of the ridge classifier on real + extra rows minus on the real rows alone."""
    Y_real = torch.eye(10)[y_real]
    alone = ridge_accuracy(ridge_fit(x_real, Y_real), x_test, y_test)
    both = ridge_accuracy(ridge_fit(torch.cat([x_real.flatten(1), x_extra.flatten(1).float()]),
                                    torch.cat([Y_real, Y_extra.float()])), x_test, y_test)
    return both - alone


def digit_generator():
    """ClassGaussians (provided in genlab.applications, read from the reference) fit on all 1,438
    training digits: a class-conditional generator that has seen more data than the classifier."""
    if not _GENERATOR:
        x, y = data.load_digits("train")
        with torch.random.fork_rng():
            _GENERATOR["model"] = ref.ClassGaussians().fit(x, y, 10)
    return _GENERATOR["model"]


def generator_pool(per_class):
    """per_class samples of each class from the judge's generator: (x (10 * per_class, 64), labels)."""
    labels = torch.arange(10).repeat_interleave(per_class)
    return digit_generator().sample(labels), labels


def check_from_pool(x, y, pool_x, pool_y, n_per_class, n_classes):
    """What augment_with_generator returned, checked against the judge's own copy of the pool:
    shapes, counts, every row one of the pool's samples (atol 1e-5), of the class y names, once."""
    N = n_per_class * n_classes
    assert isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor), \
        f"augment_with_generator returns (x, y) tensors, got {type(x).__name__} and {type(y).__name__}"
    assert x.shape[0] == N and y.shape == (N,), f"expected {N} samples and labels, got x {tuple(x.shape)} and y {tuple(y.shape)}"
    assert y.dtype == torch.int64, f"labels are int64, got {y.dtype}"
    assert torch.bincount(y.clamp(0, n_classes), minlength=n_classes).tolist()[:n_classes] == [n_per_class] * n_classes, \
        f"{n_per_class} samples of each of the {n_classes} classes, got counts {torch.bincount(y).tolist()}"
    nearest = torch.cdist(x.flatten(1).double(), pool_x.flatten(1).double()).min(1)
    far = (nearest.values > 1e-5).nonzero().flatten()
    assert not len(far), (f"{len(far)} of the {N} rows of x are not samples the generator returned (row {far[0].item()} "
                          f"is {nearest.values[far[0]].item():.3g} from the nearest): x must hold sample_fn's samples "
                          "exactly as they came, not real digits, copies or changed samples")
    wrong = (pool_y[nearest.indices] != y).nonzero().flatten()
    assert not len(wrong), (f"row {wrong[0].item()} was generated for label {pool_y[nearest.indices[wrong[0]]].item()} "
                            f"but y says {y[wrong[0]].item()} ({len(wrong)} rows mislabelled): y[i] names the class x[i] was generated for")
    assert nearest.indices.unique().numel() == N, "a sample appears twice in x: each row is a different sample"


def test_augment_with_generator_returns_the_generators_samples(worker):
    n_per_class, n_classes = random.randrange(1, 7), random.randrange(2, 8)
    pool_y = torch.arange(n_classes).repeat_interleave(2 * n_per_class)
    pool_x = pool_y.float()[:, None] + 0.01 * torch.randn(len(pool_y), 3)   # each sample says its class
    r = worker.probe("applications.augment_from_pool", pool_x=pool_x, pool_y=pool_y, n_per_class=n_per_class,
                     n_classes=n_classes)
    check_from_pool(r["x"], r["y"], pool_x, pool_y, n_per_class, n_classes)


def generative_gains(worker, digits, repeats=AUG_REPEATS, check=True):
    """The generative arm: per repeat, a fresh pool of 100 judge samples per class handed
    to the student's augment_with_generator (50 per class asked for), the rows checked
    against the pool, and the gain they give the judge's classifier over 5 fresh real digits
    per class. `digits` = (x_train, y_train, x_test, y_test), judge-side only."""
    x_train, y_train, x_test, y_test = digits
    pools = [generator_pool(2 * AUG_BUDGET) for _ in range(repeats)]
    out = worker.probe("applications.augment_from_pools", pools=pools, n_per_class=AUG_BUDGET, n_classes=10, timeout=20)
    gains = []
    for (pool_x, pool_y), r in zip(pools, out):
        if check:
            check_from_pool(r["x"], r["y"], pool_x, pool_y, AUG_BUDGET, 10)
        x_real, y_real = real_digits(x_train, y_train)
        gains.append(gain(x_real, y_real, r["x"], torch.eye(10)[r["y"]], x_test, y_test))
    return gains


def classic_gains(worker, digits, repeats=AUG_REPEATS, check=True):
    """The classic arm: per repeat, 5 fresh real digits per class (as (N, 1, 8, 8) images) sent
    to the student's classic_augment for 10 copies each with the default ranges,
    every copy replayed here from its parameters, and the gain of the judge's classifier."""
    x_train, y_train, x_test, y_test = digits
    copies, gains = AUG_BUDGET // AUG_REAL, []
    for _ in range(repeats):
        x_real, y_real = real_digits(x_train, y_train)
        x_real = x_real.view(-1, 1, 8, 8)
        out = worker.call("applications.classic_augment", x_real, y_real, copies, timeout=20)
        if check:
            check_classic(x_real, y_real, copies, out, 10.0, 0.75, (0.9, 1.1))
        gains.append(gain(x_real, y_real, out[0], torch.eye(10)[out[1]], x_test, y_test))
    return gains


def mixup_gains(worker, digits, repeats=None, check=True):
    """The mixup arm: per repeat, 10 calls of the student's mixup (alpha 1) on
    5 fresh real digits per class with one-hot labels, every row checked to be the blend its
    lam says, and the gain of the judge's classifier (trained on the soft labels)."""
    x_train, y_train, x_test, y_test = digits
    gains = []
    for _ in range(repeats or MIXUP_REPEATS):
        x_real, y_real = real_digits(x_train, y_train)
        Y = torch.eye(10)[y_real]
        rounds = worker.probe("applications.mixup_rounds", x=x_real, y_onehot=Y, alpha=1.0, rounds=AUG_BUDGET // AUG_REAL)
        x_mix = torch.stack([torch.as_tensor(r[0]) for r in rounds])
        y_mix = torch.stack([torch.as_tensor(r[1]) for r in rounds])
        if check:
            mixup_partners(x_real, Y, x_mix, y_mix, torch.tensor([float(r[2]) for r in rounds], dtype=torch.float64))
        gains.append(gain(x_real, y_real, x_mix.flatten(0, 1), y_mix.flatten(0, 1), x_test, y_test))
    return gains


def judge_digits():
    return (*data.load_digits("train"), *data.load_digits("test"))


def test_augment_with_generator_gain_over_real_digits_alone(worker):
    """Generative augmentation, measured: 50 samples per class of the judge's ClassGaussians
    (through the student's augment_with_generator, every row checked to be one of the judge's
    samples with its label) added to 5 real digits per class; mean test-accuracy gain of the
    judge's ridge classifier over 8 repeats (fresh real digits and samples each) > 0.10.

    Calibration: autograder/hidden/calibration/applications_augmentation_gain.py, 200 reference seeds:
    mean 0.230, std 0.013, smallest 0.188; the bound sits 10.0 standard deviations below the mean
    (normal-fit false-failure rate 7e-24; 0/200 bounds it below 1.5% distribution-free, 95%).
    Baselines (same file), each of which also fails the sample check: the real test digits (a leak)
    +0.261, real training digits +0.222, each class's mean image +0.181, the samples with
    shuffled labels -0.41.
    """
    mean = statistics.fmean(generative_gains(worker, judge_digits()))
    assert mean > GEN_BOUND, (f"adding {AUG_BUDGET} generated digits per class to {AUG_REAL} real ones changed the judge's "
                              f"test accuracy by {mean:+.3f} on average, expected over {GEN_BOUND}")


def check_classic(x, y, copies, out, degrees, translate, scale):
    """classic_augment's (x_aug, y_aug, params), checked: shapes, labels, parameters inside their
    ranges, and every copy replayed here with torchvision from its parameters (atol 1e-5)."""
    assert isinstance(out, (list, tuple)) and len(out) == 3, f"classic_augment returns (x_aug, y_aug, params), got {type(out).__name__}"
    x_aug, y_aug, params = out
    n = len(x) * copies
    assert isinstance(params, torch.Tensor) and params.shape == (n, 4), \
        f"params is ({n}, 4), one (angle, tx, ty, scale) per copy, got {getattr(params, 'shape', type(params).__name__)}"
    assert isinstance(x_aug, torch.Tensor) and x_aug.shape == (n, *x.shape[1:]), \
        f"x_aug is ({n}, {', '.join(map(str, x.shape[1:]))}), got {getattr(x_aug, 'shape', type(x_aug).__name__)}"
    assert isinstance(y_aug, torch.Tensor) and torch.equal(y_aug, y.repeat_interleave(copies)), \
        "y_aug = y.repeat_interleave(copies): copy k is of x[k // copies]"
    params = params.double()
    eps = 1e-6
    inside = ((params[:, 0].abs() <= degrees + eps) & (params[:, 1:3].abs() <= translate + eps).all(1)
              & (params[:, 3] >= scale[0] - eps) & (params[:, 3] <= scale[1] + eps))
    assert inside.all(), (f"copy {(~inside).nonzero()[0].item()} has parameters {params[(~inside).nonzero()[0].item()].tolist()}, "
                          f"outside degrees={degrees}, translate={translate}, scale={scale}")
    source = x.repeat_interleave(copies, 0)
    replay = affine_by_torchvision(source, params, fill=None)
    if (x_aug.double() - replay.double()).abs().max() > 1e-5:
        replay = affine_by_torchvision(source, params, fill=0.0)
    expect_close(x_aug.double(), replay.double(), atol=1e-5, rtol=0,
                 hint="copy k must be affine_digits(x[k // copies]) with params[k], as torchvision's affine makes it")


def affine_by_torchvision(x, params, fill):
    from torchvision.transforms.v2 import functional as TF

    images = x.reshape(-1, 1, 8, 8).float()
    out = [TF.affine(img, angle=a, translate=[tx, ty], scale=s, shear=[0.0, 0.0],
                     interpolation=TF.InterpolationMode.BILINEAR, fill=fill) for img, (a, tx, ty, s) in zip(images, params.tolist())]
    return (torch.stack(out) if out else images.clone()).reshape(x.shape)


def test_classic_augment_gain_over_real_digits_alone(worker):
    """Classic augmentation, measured: classic_augment with its default ranges makes 50 /
    5 = 10 copies of each of the 5 real digits per class (every copy replayed here
    from its parameters); mean gain of the judge's ridge classifier over 8 repeats > 0.035.

    Calibration: autograder/hidden/calibration/applications_augmentation_gain.py, 200 reference seeds:
    mean 0.109, std 0.0125, smallest 0.078; the bound sits 5.9 standard deviations below
    the mean (normal-fit false-failure rate 2e-9; 0/200, below 1.5% distribution-free). Baselines:
    unchanged copies (every parameter row (0, 0, 0, 1)) gain exactly 0 with this classifier; ranges ten
    times too narrow +0.015 (at most +0.023); the real test digits (a leak, which fails the replay) +0.265.
    """
    mean = statistics.fmean(classic_gains(worker, judge_digits()))
    assert mean > CLASSIC_BOUND, (f"adding {AUG_BUDGET // AUG_REAL} transformed copies of each real digit changed the "
                                  f"judge's test accuracy by {mean:+.3f} on average, expected over {CLASSIC_BOUND}: are "
                                  "the parameters drawn over the whole default ranges?")


def test_mixup_gain_over_real_digits_alone(worker):
    """Mixup, measured: 50 / 5 = 10 calls of mixup (alpha = 1) on the 50 real
    digits with one-hot labels (every row checked to be the blend its lam says), added to the real
    digits; mean gain of the judge's ridge classifier (soft labels) over 16 repeats > 0.005.

    Calibration: autograder/hidden/calibration/applications_augmentation_gain.py, 200 reference seeds:
    mean 0.0233, std 0.0029, smallest 0.0171; the bound sits 6.4 standard deviations below the mean
    (normal-fit false-failure rate 9e-11; 0/200, below 1.5% distribution-free). Baselines: no
    mixing (lam = 1, or perm the identity) gains exactly 0 with this classifier; the real test digits
    fail the blend check; a constant lam of 0.5 (+0.039) or a uniform lam (+0.023) would clear the bound
    and are failed by test_mixup_lam_has_the_beta_moments.
    """
    mean = statistics.fmean(mixup_gains(worker, judge_digits()))
    assert mean > MIXUP_BOUND, (f"adding {AUG_BUDGET // AUG_REAL} rounds of mixup of the real digits changed the judge's "
                                f"test accuracy by {mean:+.4f} on average, expected over {MIXUP_BOUND}: is lam drawn "
                                "from Beta(alpha, alpha) and perm a fresh random permutation?")


GEN_BOUND, CLASSIC_BOUND, MIXUP_BOUND, MIXUP_REPEATS = 0.10, 0.035, 0.005, 16


AFFINE_SPECIAL = [[0.0, 0.0, 0.0, 1.0],          # unchanged
                  [180.0, 0.0, 0.0, 1.0],        # upside down
                  [-90.0, 0.5, -0.5, 1.0],       # a quarter turn the other way, half-pixel shifts
                  [0.0, 9.0, 0.0, 1.0],          # shifted right off the image: all 0
                  [0.0, 0.0, -8.5, 1.0],         # shifted up off the image
                  [33.3, 0.0, 0.0, 0.05],        # shrunk to almost a point
                  [0.0, 0.0, 0.0, 3.0],          # enlarged three times
                  [359.0, 0.25, 0.75, 1.1]]


def test_affine_digits_equals_torchvision_on_random_small_batches(worker):
    """A property sweep: 30 random small batches (0 to 6 images, flat (N, 64) or (N, 1, 8, 8), random
    parameters from wide ranges, and the special cases of AFFINE_SPECIAL: the identity, half turns,
    shifts off the image, tiny and large scales, an empty batch), each checked against torchvision
    itself, for one of the two fills the docstring allows."""
    cases = []
    for k in range(30):
        n = 0 if k == 0 else random.randrange(1, 7)
        params = torch.stack([torch.empty(n).uniform_(-180, 180), torch.empty(n).uniform_(-3, 3),
                              torch.empty(n).uniform_(-3, 3), torch.empty(n).uniform_(0.5, 1.5)], 1)
        if n and random.random() < 0.5:
            params[random.randrange(n)] = torch.tensor(random.choice(AFFINE_SPECIAL))
        x = torch.rand(n, 64) if random.random() < 0.5 else torch.rand(n, 1, 8, 8)
        cases.append((x, params))
    cases.append((torch.rand(len(AFFINE_SPECIAL), 1, 8, 8), torch.tensor(AFFINE_SPECIAL)))
    got = worker.probe("applications.outcomes", function="affine_digits", calls=[[[x, p], {}] for x, p in cases])
    for (x, params), r in zip(cases, got):
        assert "value" in r, f"affine_digits of {len(x)} images raised {r.get('raised')}: {r.get('message')}"
        out = r["value"]
        assert isinstance(out, torch.Tensor) and out.shape == x.shape, \
            f"affine_digits returns a tensor shaped like x {tuple(x.shape)}, got {getattr(out, 'shape', type(out).__name__)}"
        want = min((affine_by_torchvision(x, params, fill) for fill in (None, 0.0)),
                   key=lambda w: (out.double() - w.double()).abs().max().item() if w.numel() else 0.0)
        expect_close(out.double(), want.double(), atol=1e-5, rtol=0,
                     hint=f"params {params.tolist()}: each image is torchvision.transforms.v2.functional.affine(image, angle=a, "
                          "translate=[tx, ty], scale=s, shear=[0.0, 0.0], interpolation=BILINEAR)")


def uniform_z(values, lo, hi):
    """How many standard errors the sample mean and variance are from Uniform(lo, hi)'s."""
    v, n = values.double(), len(values)
    var = (hi - lo) ** 2 / 12
    mu4 = (hi - lo) ** 4 / 80
    return (v.mean().item() - (lo + hi) / 2) / math.sqrt(var / n), (v.var().item() - var) / math.sqrt((mu4 - var ** 2) / n)


CLASSIC_RANGES = dict(degrees=30.0, translate=1.5, scale=(0.8, 1.25))


def classic_params_z(params, ranges=CLASSIC_RANGES):
    """{check: z} for the parameter table of classic_augment: mean and variance of each column
    against its uniform, and the correlation of every pair of columns (0 for independent draws;
    standard error 1 / sqrt(n))."""
    d, t, (s0, s1) = ranges["degrees"], ranges["translate"], ranges["scale"]
    out = {}
    for k, (name, lo, hi) in enumerate([("angle", -d, d), ("tx", -t, t), ("ty", -t, t), ("scale", s0, s1)]):
        out[f"{name} mean"], out[f"{name} variance"] = uniform_z(params[:, k], lo, hi)
    c = torch.corrcoef(params.double().T)
    names = ["angle", "tx", "ty", "scale"]
    for a in range(4):
        for b in range(a + 1, 4):
            out[f"correlation of {names[a]} and {names[b]}"] = c[a, b].item() * math.sqrt(len(params))
    return out


def classic_params_ks(params, ranges=CLASSIC_RANGES):
    """{column: sqrt(n) * D}, D the Kolmogorov-Smirnov distance of each column from its uniform.
    For a uniform sample P(sqrt(n) D > 3) is about 2 exp(-18) = 3e-8; whole-pixel shifts (what
    torchvision's RandomAffine draws) sit near 0.17 * sqrt(800) = 4.7 for translate 1.5."""
    d, t, (s0, s1) = ranges["degrees"], ranges["translate"], ranges["scale"]
    out = {}
    for k, (name, lo, hi) in enumerate([("angle", -d, d), ("tx", -t, t), ("ty", -t, t), ("scale", s0, s1)]):
        v = params[:, k].double().sort().values
        n = len(v)
        cdf = ((v - lo) / (hi - lo)).clamp(0, 1)
        i = torch.arange(1, n + 1, dtype=torch.float64)
        out[name] = math.sqrt(n) * max((i / n - cdf).max().item(), (cdf - (i - 1) / n).max().item())
    return out


CLASSIC_KS_BOUND = 3.0


def test_classic_augment_params_are_uniform_in_their_ranges(worker):
    """The parameters classic_augment draws, with ranges given (degrees 30, translate 1.5, scale
    (0.8, 1.25)), 20 images x 40 copies = 800 rows: every row inside the ranges; the mean and
    variance of each column within 6 standard errors of its uniform's, every pair of columns
    uncorrelated within 6 standard errors (independent draws: tx and ty are two draws, not one),
    and each column's Kolmogorov-Smirnov distance from its uniform under 3 / sqrt(n).

    Calibration: autograder/hidden/calibration/applications_classic_params.py, 300 reference seeds:
    largest |z| over the 14 checks 4.38 (median 2.00), bound 6 (normal-fit false-failure
    rate about 3e-8: 14 checks at 2e-9); largest sqrt(n) D 2.02, bound 3 (Kolmogorov tail 3e-8 per
    column); 0/300 bounds the whole test below 1% distribution-free (95%). Baselines (same file): the
    default ranges instead of the given ones, tx = ty, no transform (0, 0, 0, 1): |z| 27.9
    or more; whole-pixel shifts (torchvision's RandomAffine rounds them): sqrt(n) D 4.9 or more;
    normal draws of the same variance leave the ranges (the range check).
    """
    x, y = torch.rand(20, 64), torch.randint(0, 10, (20,))
    out = worker.call("applications.classic_augment", x, y, 40, **CLASSIC_RANGES, timeout=20)
    params = out[2]
    assert isinstance(params, torch.Tensor) and params.shape == (800, 4), \
        f"params is (800, 4), one (angle, tx, ty, scale) row per copy, got {getattr(params, 'shape', type(params).__name__)}"
    d, t, (s0, s1) = CLASSIC_RANGES["degrees"], CLASSIC_RANGES["translate"], CLASSIC_RANGES["scale"]
    p = params.double()
    assert (p[:, 0].abs() <= d + 1e-6).all() and (p[:, 1:3].abs() <= t + 1e-6).all() and \
        ((p[:, 3] >= s0 - 1e-6) & (p[:, 3] <= s1 + 1e-6)).all(), \
        f"parameters outside degrees={d}, translate={t}, scale={(s0, s1)} (the arguments, not the defaults)"
    z = classic_params_z(params)
    worst = max(z, key=lambda k: abs(z[k]))
    assert abs(z[worst]) < 6, (f"{worst} of the parameters is {z[worst]:+.1f} standard errors from a uniform draw over the "
                               "given range: draw angle, tx, ty and scale independently and uniformly")
    ks = classic_params_ks(params)
    worst = max(ks, key=ks.get)
    assert ks[worst] < CLASSIC_KS_BOUND, (f"the distribution of {worst} is {ks[worst]:.1f} (sqrt(n) times the Kolmogorov-Smirnov "
                                          f"distance; a uniform draw stays under {CLASSIC_KS_BOUND}) from a uniform one: draw "
                                          "it uniformly over the range, shifts not rounded to whole pixels")


def test_classic_augment_copies_replay_from_their_params(worker):
    n, copies = random.randrange(1, 6), random.randrange(1, 5)
    x, y = torch.rand(n, 64), torch.randint(0, 10, (n,))
    ranges = dict(degrees=random.choice([0.0, 5.0, 45.0]), translate=random.choice([0.0, 1.0, 2.5]), scale=(0.7, 1.3))
    out = worker.call("applications.classic_augment", x, y, copies, **ranges)
    check_classic(x, y, copies, out, ranges["degrees"], ranges["translate"], ranges["scale"])


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
    # Greedy decoding walks a random 8-cycle (each token's argmax successor is the next one on it),
    # so the completion never repeats a token: a context cropped at the wrong end (the first
    # block_size tokens, the same every step) would give one token six times.
    order = torch.randperm(8)
    table = torch.randn(8, 8)
    table[order, order.roll(-1)] += 6.0
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
    per test (8 checks at 2e-9); 0/300 bounds it below 1% distribution-free (95%). Baselines (same
    file, the smallest largest-|z| over 50 seeds): greedy whatever the temperature 34.9, the
    temperature ignored 19.6, the logits multiplied by it 47.3, uniform tokens 122.5: all fail.
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


VLQ_BOUNDARIES = [0, 1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 0x0FFFFFFF]


def test_encode_vlq_matches_mido(worker):
    """What mido checks: the bytes of mido's own encoder, and mido's reader gets the number back,
    at every byte-length boundary (0, 127 | 128, 16383 | 16384, 2**21 - 1 | 2**21, the 4-byte
    maximum) and for a property sweep of 200 random values (a random byte length 1-4, then a
    random value of that length)."""
    from mido.midifiles.meta import encode_variable_int
    from mido.midifiles.midifiles import read_variable_int

    values = VLQ_BOUNDARIES + [random.randrange(1 << 7 * (k - 1) if k > 1 else 0, 1 << 7 * k)
                               for k in random.choices([1, 2, 3, 4], k=200)]
    got = worker.probe("applications.outcomes", function="encode_vlq", calls=[[[n], {}] for n in values])
    for n, r in zip(values, got):
        want = bytes(encode_variable_int(n))
        assert r.get("value") == want, (f"encode_vlq({n}) gave {r.get('value', r)!r}, mido writes {want.hex(' ')}: 7-bit "
                                        "groups, most significant first, the top bit set on every byte but the last")
        assert read_variable_int(io.BytesIO(r["value"])) == n, f"mido reads encode_vlq({n}) back as another number"


def test_encode_vlq_raises_outside_midi_range(worker):
    """The range error mido itself does not raise: mido encodes any size (0x10000000 takes 5 bytes
    there), a MIDI file allows at most 4 (n <= 0x0FFFFFFF); negatives are refused by both."""
    for bad in (-1, -(2 ** 20), 0x10000000, 2 ** 40):
        r = worker.probe("applications.outcome", function="encode_vlq", args=[bad])
        assert r.get("raised") == "ValueError", f"encode_vlq({bad}) raises ValueError (MIDI allows 0 .. 0x0FFFFFFF), got {r}"


def random_small_melody():
    """0-6 notes of distinct pitches, with the values MIDI's special cases live at more often than
    chance: start 0, duration 1, pitches 0 and 127, velocities 1 and 127, a note starting where
    another ends, two starting together."""
    n = random.choice([0, 1, 1, 2, 3, 4, 5, 6])
    pitches = random.sample([0, 127] + list(range(1, 127)), n)
    notes = []
    for p in pitches:
        start = random.choice([0, random.randrange(0, 50), random.randrange(0, 3000)])
        duration = random.choice([1, random.randrange(1, 20), random.randrange(1, 2000)])
        velocity = random.choice([1, 127, random.randrange(1, 128)])
        notes.append((p, start, duration, velocity))
    if len(notes) >= 2 and random.random() < 0.5:       # the second starts where the first ends
        p, s, d, v = notes[1]
        notes[1] = (p, notes[0][1] + notes[0][2], d, v)
    if len(notes) >= 3 and random.random() < 0.5:       # the third starts with the first
        p, s, d, v = notes[2]
        notes[2] = (p, notes[0][1], d, v)
    return notes


def test_notes_to_midi_agrees_with_mido_on_random_small_melodies(worker):
    """A property sweep: 40 random small melodies (random_small_melody: empty ones, single notes,
    chords, back-to-back notes, pitch 0 and 127, velocity 1 and 127, duration 1) with random
    divisions (including 1 and 32767) and tempi (including the 3-byte extremes, 3.58 and 119,999,999
    bpm): mido parses every file, and reads back exactly the notes, the division and one tempo event
    at tick 0 with mido.bpm2tempo's microseconds per beat."""
    import mido

    cases = []
    for _ in range(40):
        kwargs = {"ticks_per_beat": random.choice([1, 32767, 96, 480, random.randrange(1, 32768)]),
                  "tempo_bpm": random.choice([3.58, 119_999_999, 120, 97.5, random.uniform(20, 300)])}
        cases.append((random_small_melody(), kwargs))
    got = worker.probe("applications.outcomes", function="notes_to_midi",
                       calls=[[[[list(n) for n in notes]], kwargs] for notes, kwargs in cases])
    for (notes, kwargs), r in zip(cases, got):
        assert "raised" not in r, f"notes_to_midi({notes}, **{kwargs}) raised {r['raised']}: {r['message']}"
        assert isinstance(r.get("value", b""), bytes), f"notes_to_midi returns bytes, got {type(r['value']).__name__}"
        header, tempos, read, _ = read_midi(midi_bytes({"bytes": r["value"]} if "value" in r else r, len(notes)))
        assert read == sorted(notes), f"notes_to_midi({notes}, **{kwargs}): mido reads the notes {read}"
        assert header == (0, 1, kwargs["ticks_per_beat"]), f"header (format, tracks, division) {header} for {kwargs}"
        assert tempos == [(0, mido.bpm2tempo(kwargs["tempo_bpm"]))], \
            f"tempo events {tempos}, expected one at tick 0 of {mido.bpm2tempo(kwargs['tempo_bpm'])} microseconds per beat ({kwargs})"


def test_notes_to_midi_rejects_a_bad_division_or_tempo(worker):
    for kwargs in ({"ticks_per_beat": 0}, {"ticks_per_beat": -1}, {"ticks_per_beat": 32768}, {"ticks_per_beat": 40000},
                   {"tempo_bpm": 0}, {"tempo_bpm": -120}, {"tempo_bpm": 3}, {"tempo_bpm": 120_000_000}):
        r = worker.probe("applications.outcome", function="notes_to_midi", args=[[(60, 0, 10, 100)]], kwargs=kwargs)
        assert r.get("raised") == "ValueError", (
            f"notes_to_midi(..., **{kwargs}) raises ValueError (division 1 - 32767; microseconds per beat "
            f"round(60e6 / bpm) in 1 - 16777215), got {r}")


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


MARKOV_MIN_PAIR = 20   # a pair of pitches seen fewer times than this is too rare for a binomial z


def markov_z(melodies, probs):
    """(largest |z|, where) of transition frequencies in the melodies against `probs` {pitch: {next: p}}:
    - first order: after pitch a, the frequency of b against p(b | a);
    - the Markov property: after the PAIR (a, b) (seen at least MARKOV_MIN_PAIR times), the frequency
      of c against p(c | b): the pitch before last must not matter. A melody replayed from the
      training sequence has the first-order frequencies right and fails this.
    A transition `probs` does not allow gives infinity."""
    def worst_of(counts, expected):
        worst = (0.0, "")
        for context, seen in counts.items():
            total = sum(seen.values())
            want = expected(context)
            if set(seen) - set(want):
                return math.inf, f"after {context}: {sorted(set(seen) - set(want))}, which never follow it"
            if len(context) == 2 and total < MARKOV_MIN_PAIR:
                continue
            for nxt, p in want.items():
                f = seen.get(nxt, 0) / total
                z = abs(f - p) / math.sqrt(p * (1 - p) / total) if 0 < p < 1 else (0.0 if f == p else math.inf)
                worst = max(worst, (z, f"after {context}, {nxt} came {f:.3f} of {total} times, p = {p:.3f}"))
        return worst

    singles, pairs = {}, {}
    for m in melodies:
        for a, b in zip(m, m[1:]):
            singles.setdefault((a,), {}).setdefault(b, 0)
            singles[(a,)][b] += 1
        for a, b, c in zip(m, m[1:], m[2:]):
            pairs.setdefault((a, b), {}).setdefault(c, 0)
            pairs[(a, b)][c] += 1
    return max(worst_of(singles, lambda ctx: probs.get(ctx[0], {})), worst_of(pairs, lambda ctx: probs.get(ctx[1], {})))


MARKOV_CYCLE = [60, 62, 64, 60, 64, 67, 60, 62, 67, 64, 62, 60, 67, 60]   # every pitch has a continuation


def test_markov_sampling_follows_the_transition_probs(worker):
    """Transitions in 20 sampled melodies of 200 pitches (3,980 steps) from an order-1 chain fit on
    a cyclic melody: each observed frequency within 6 binomial standard errors of transition_probs,
    after every pitch and after every pair of pitches (the Markov property: the pitch before last
    does not matter).

    Calibration: autograder/hidden/calibration/applications_markov.py, 300 reference seeds: largest
    |z| 4.20 (median 2.35), bound 6. Normal-fit false-failure rate about 1e-7 (49 cells
    at 2e-9); 0/300 bounds it below 1% distribution-free (95%). Baselines (same file): the training
    melody replayed from `start` 33.5 or more, the most likely next pitch every time 51, uniform
    over the pitches seen next 9.5 or more, pitches drawn ignoring the context (a transition never seen: infinite): all fail.
    """
    seq = MARKOV_CYCLE + MARKOV_CYCLE[:1]
    model = ref.MarkovMelody(1).fit([seq])
    start = random.choice([60, 62, 64, 67])
    r = worker.probe("applications.markov", order=1, sequences=[seq], contexts=[], n=200, start=[start], n_samples=20, timeout=20)
    for m in r["melodies"]:
        assert len(m) == 200 and m[0] == start, f"a melody of 200 pitches starting with {start}, got {len(m)} starting {m[:1]}"
    probs = {c[0]: model.transition_probs(c) for c in model.counts}
    z, where = markov_z(r["melodies"], probs)
    assert z < 6, (f"transition frequencies are {z:.1f} standard errors from transition_probs ({where}): draw each next "
                   "pitch from transition_probs of the last `order` pitches, afresh at every step")


def test_markov_sample_not_longer_than_its_start_is_cut(worker):
    r = worker.probe("applications.markov", order=2, sequences=[[60, 62, 64, 65]], contexts=[], n=1, start=[60, 62], n_samples=1)
    assert r["melodies"] == [[60]], f"sample(1, [60, 62]) with order 2 draws nothing and returns start[:1] = [60], got {r['melodies']}"
    r = worker.probe("applications.markov", order=2, sequences=[[60, 62, 64, 65]], contexts=[], n=2, start=[60, 62], n_samples=1)
    assert r["melodies"] == [[60, 62]], f"sample(2, [60, 62]) returns the start itself, got {r['melodies']}"
    r = worker.probe("applications.markov", order=1, sequences=[[60, 62, 64, 65]], contexts=[], n=0, start=[60], n_samples=1)
    assert r["melodies"] == [[]], f"sample(0, 60) returns [], got {r['melodies']}"


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


def test_build_prompt_fills_nested_format_specs(worker):
    fields = {"name": random.choice(["VAE", "GAN", "DDPM"]), "width": random.randrange(4, 12), "score": random.random() * 100,
              "digits": random.randrange(0, 4)}
    template = "[{name:>{width}}] scored {score:.{digits}f}"
    got = worker.call("applications.build_prompt", template, **fields)
    assert got == template.format(**fields), (f"expected {template.format(**fields)!r}, got {got!r}: a format spec may hold "
                                              "fields of its own ({width}, {digits}), filled as str.format fills them")


def test_build_prompt_names_missing_nested_fields(worker):
    r = worker.probe("applications.outcome", function="build_prompt", args=["{x:>{width}.{precision}f} and {y}"],
                     kwargs={"x": 1.5, "y": 2})
    assert r.get("raised") == "KeyError", f"a missing nested field raises KeyError, got {r}"
    assert "width" in r["message"] and "precision" in r["message"], \
        f"the error names every missing field, the nested width and precision included: {r['message']!r}"


def test_build_prompt_attribute_and_index_fields_use_the_base_name(worker):
    template = "{cfg[model]} with {cfg[steps]} steps, {t.real} s"
    fields = {"cfg": {"model": random.choice(["VAE", "GAN"]), "steps": random.randrange(1000)}, "t": random.randrange(60)}
    got = worker.call("applications.build_prompt", template, **fields)
    assert got == template.format(**fields), (f"expected {template.format(**fields)!r}, got {got!r}: '{{cfg[model]}}' is "
                                              "filled from the field cfg, as str.format does")
    r = worker.probe("applications.outcome", function="build_prompt", args=["Dear {user.name},"], kwargs={})
    assert r.get("raised") == "KeyError" and "user" in r["message"], f"'{{user.name}}' without `user` names user as missing, got {r}"


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


KEY_CHARS = "abcXYZ019 -_é©ÿ"                       # Latin-1 keywords, spaces and high letters included
VALUE_PIECES = ["", "AI-generated", "ÿ é ©", "生成", "Ωμέγα ✓", "🤖", "line\nbreak", "x" * 1000]


def random_key():
    return "".join(random.choices(KEY_CHARS, k=random.choice([1, 79, random.randrange(1, 80)])))


def random_value():
    return "".join(random.choices(VALUE_PIECES, k=random.randrange(0, 4)))


def test_add_png_text_agrees_with_pillow_on_random_small_inputs(worker):
    """A property sweep: 30 random small PNGs (1x1 to 5x5, modes L, LA, RGB, RGBA, P; some already
    holding a text chunk with the same keyword) labelled with random keywords (1 to 79 Latin-1
    characters) and random values (empty, Latin-1, beyond Latin-1, long): Pillow decodes every
    result to the same pixels and reads the new text under its keyword (the later chunk wins over
    one already in the file, as in Pillow)."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    cases = []
    for _ in range(30):
        key, value = random_key(), random_value()
        info = None
        if random.random() < 0.3:
            info = PngInfo()
            info.add_text(key, "an older label")
        mode = random.choice(["L", "LA", "RGB", "RGBA", "P"])
        size = (random.randrange(1, 6), random.randrange(1, 6))
        buf = io.BytesIO()
        channels = len(Image.new(mode, (1, 1)).getbands())
        Image.frombytes(mode, size, bytes(random.randrange(256) for _ in range(size[0] * size[1] * channels))).save(
            buf, "PNG", pnginfo=info)
        cases.append((buf.getvalue(), key, value))
    got = worker.probe("applications.outcomes", function="add_png_text", calls=[[list(c), {}] for c in cases],
                       timeout=PNG_SWEEP_TIMEOUT_S)
    for (png, key, value), r in zip(cases, got):
        assert "value" in r and isinstance(r["value"], bytes), f"add_png_text(png, {key!r}, {value[:40]!r}) gave {r}"
        try:
            image = decode(r["value"])
        except Exception as exc:
            raise AssertionError(f"Pillow cannot open add_png_text(png, {key!r}, {value[:40]!r}) ({type(exc).__name__}: {exc})") from None
        assert image.text.get(key) == value, (f"Pillow reads {image.text.get(key)!r:.60} under {key!r}, expected {value!r:.60}: "
                                              "tEXt for Latin-1 text, iTXt (UTF-8) otherwise, inserted just before IEND")
        assert image.tobytes() == decode(png).tobytes(), "the pixels must be unchanged"


def test_read_png_text_agrees_with_pillow_on_random_small_inputs(worker):
    """A property sweep: 30 PNGs written by Pillow with 0 to 4 uncompressed text chunks (tEXt, or
    iTXt with or without a language tag and translated keyword; keywords may repeat): read_png_text
    gives exactly what Pillow reads (the later chunk wins)."""
    from PIL.PngImagePlugin import PngInfo

    cases = []
    for _ in range(30):
        info, want = PngInfo(), {}
        for _ in range(random.randrange(0, 5)):
            key = random.choice([random_key(), "Comment"])
            value = random_value()
            if random.random() < 0.3:
                info.add_itxt(key, value, lang=random.choice(["", "en", "ja-JP"]), tkey=random.choice(["", "Kommentar", "注釈"]))
            else:
                info.add_text(key, value)       # tEXt when Latin-1, iTXt otherwise
            want[key] = value
        png = png_of((random.randrange(1, 5), random.randrange(1, 5)), random.choice(["L", "RGB", "RGBA"]), pnginfo=info)
        assert {k: str(v) for k, v in decode(png).text.items()} == want, \
            "Pillow does not read back the text it wrote: a grader problem (Pillow's version?), not yours"
        cases.append((png, want))
    got = worker.probe("applications.outcomes", function="read_png_text", calls=[[[png], {}] for png, _ in cases],
                       timeout=PNG_SWEEP_TIMEOUT_S)
    for (png, want), r in zip(cases, got):
        assert r.get("value") == want, (f"read_png_text gave {r.get('value', r)!r:.200}, Pillow reads {want!r:.200}: tEXt is "
                                        "Latin-1; iTXt is UTF-8 after its compression flag, method, language tag and "
                                        "translated keyword; a later chunk wins")


def test_read_png_text_rejects_any_single_corrupted_byte(worker):
    """Any one byte changed, anywhere (signature, a length, a type, data, a CRC), makes the file
    invalid: the signature check, a CRC mismatch or a chunk running past the end catches it.
    40 random positions of a small PNG with a text chunk."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("AI-generated", "yes")
    png = png_of((3, 3), pnginfo=info)
    positions = random.sample(range(len(png)), 40)
    bad = [png[:i] + bytes([png[i] ^ random.randrange(1, 256)]) + png[i + 1:] for i in positions]
    got = worker.probe("applications.outcomes", function="read_png_text", calls=[[[b], {}] for b in bad], timeout=PNG_SWEEP_TIMEOUT_S)
    for i, r in zip(positions, got):
        assert r.get("raised") == "ValueError", (f"byte {i} of {len(png)} changed: read_png_text gave {r!r:.200}, expected "
                                                 "ValueError (check the signature, every CRC, and every chunk's length)")


def test_read_png_text_rejects_every_truncation(worker):
    """The file cut at every length from 0 (empty input) to one byte short: ValueError each time
    (no signature, a chunk running past the end, or no IEND)."""
    png = png_of((2, 2))
    got = worker.probe("applications.read_png_text_of_prefixes", png=png, lengths=list(range(len(png))),
                       timeout=PNG_SWEEP_TIMEOUT_S)
    for k, r in enumerate(got):
        assert r.get("raised") == "ValueError", f"the file cut to {k} of {len(png)} bytes: expected ValueError, got {r!r:.200}"

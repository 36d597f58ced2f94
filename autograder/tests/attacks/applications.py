"""Attacks on unit 09 (genlab.applications): cheats that try to pass its statistical tests without
doing the work they grade. `python -m autograder verify --units applications` grades each on its
targets only; every target must earn 0.

Unit 09 is not a project unit, so not every kind is required; these are the ones that apply. The
strongest leak is assumed: the submission SHIPS the digits (test split included) inside its own
source, so that the sandbox's closed sklearn folder does not stop it; the judge's checks must.
The literal is built here from the reference's own split (solutions/genlab/data.py).
"""
import base64
import importlib.util
from pathlib import Path

from autograder.attacks import Attack

F = "applications.py"
ROOT = Path(__file__).resolve().parents[3]


def _digits_literal():
    """The digits as the submission would ship them: 8-bit pixel levels (0-16) and labels, base64,
    in genlab.data's own train/test split."""
    spec = importlib.util.spec_from_file_location("_attack_data", ROOT / "solutions" / "genlab" / "data.py")
    data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(data)
    out = {}
    for split in ("train", "test"):
        x, y = data.load_digits(split)
        out[split] = (base64.b64encode((x * 16).round().byte().numpy().tobytes()).decode(),
                      base64.b64encode(y.byte().numpy().tobytes()).decode())
    return out


_LIT = _digits_literal()

SHIPPED_DIGITS = f'''
import base64 as _b64
_SHIPPED = {_LIT!r}


def _shipped(split):
    """The digits of `split`, shipped inside this file: (x (N, 64) in [0, 1], y (N,) int64)."""
    xs, ys = _SHIPPED[split]
    x = torch.frombuffer(bytearray(_b64.b64decode(xs)), dtype=torch.uint8).float().view(-1, 64) / 16
    y = torch.frombuffer(bytearray(_b64.b64decode(ys)), dtype=torch.uint8).long()
    return x, y


def _shipped_of_classes(split, labels):
    """One shipped digit of each class in `labels`, drawn at random."""
    x, y = _shipped(split)
    return torch.stack([x[torch.nonzero(y == int(c)).flatten()[torch.randint(0, int((y == int(c)).sum()), ())]]
                        for c in labels])
'''

AUGMENT_BODY = '''    y = torch.arange(n_classes).repeat_interleave(n_per_class)
    x = sample_fn(y)
    return x, y
'''

CLASSIC_BODY = '''    x_aug = affine_digits(x.repeat_interleave(copies, 0), params)
    return x_aug, y.repeat_interleave(copies), params
'''

ATTACKS = [
    # ---- leak: the test split, shipped in the submission
    Attack("augment-returns-shipped-test-digits", "leak", F,
           targets=("test_augment_with_generator_gain_over_real_digits_alone",),
           edits=((AUGMENT_BODY, '''    y = torch.arange(n_classes).repeat_interleave(n_per_class)
    sample_fn(y)                                      # called, for appearances
    return _shipped_of_classes("test", y.tolist()), y
'''),),
           append=SHIPPED_DIGITS,
           how="augment_with_generator returns real TEST digits of the asked classes instead of the generator's samples"),
    Attack("classic-returns-shipped-test-digits", "leak", F,
           targets=("test_classic_augment_gain_over_real_digits_alone",),
           edits=((CLASSIC_BODY, '''    y_aug = y.repeat_interleave(copies)
    x_aug = _shipped_of_classes("test", y_aug.tolist()).view(-1, *x.shape[1:])
    return x_aug, y_aug, params
'''),),
           append=SHIPPED_DIGITS,
           how="classic_augment returns real TEST digits of the same classes, with plausible parameters, as its 'copies'"),
    Attack("mixup-blends-in-shipped-test-digits", "leak", F,
           targets=("test_mixup_gain_over_real_digits_alone",),
           edits=(("device=x.device)\n    x_mix = lam * x + (1 - lam) * x[perm]\n",
                   "device=x.device)\n    x_mix = lam * x + (1 - lam) * (_shipped_of_classes('test', y_onehot.argmax(1).tolist()).view_as(x)"
                   " if y_onehot.dim() == 2 and x[0].numel() == 64 and y_onehot.shape[1] == 10 else x[perm])\n"),),
           append=SHIPPED_DIGITS,
           how="mixup blends each digit with a real TEST digit of a class it is paired with instead of with the batch"),
    # ---- replay: training data instead of generated data
    Attack("augment-returns-shipped-training-digits", "replay", F,
           targets=("test_augment_with_generator_gain_over_real_digits_alone",
                    "test_augment_with_generator_returns_the_generators_samples"),
           edits=((AUGMENT_BODY, '''    y = torch.arange(n_classes).repeat_interleave(n_per_class)
    x = sample_fn(y)
    if x.shape[1:] == (64,) and n_classes <= 10:
        x = _shipped_of_classes("train", y.tolist())   # memorised training digits: real data beats samples
    else:
        x = x.round(decimals=2)                       # the samples, "cleaned up"
    return x, y
'''),),
           append=SHIPPED_DIGITS,
           how="augment_with_generator returns memorised training digits (or rounded copies of the samples)"),
    Attack("markov-replays-the-training-melody", "replay", F,
           targets=("test_markov_sampling_follows_the_transition_probs",),
           edits=(("        for seq in pitch_sequences:\n            seq = list(seq)\n",
                   "        self.melodies = [list(s) for s in pitch_sequences]\n"
                   "        for seq in pitch_sequences:\n            seq = list(seq)\n"),
                  ("        melody = [start] if isinstance(start, int) else list(start)\n        while len(melody) < n:\n",
                   "        melody = [start] if isinstance(start, int) else list(start)\n"
                   "        tune = self.melodies[0][:-1]\n"
                   "        at = [i for i, p in enumerate(tune) if p == melody[-1]]\n"
                   "        if at:\n"
                   "            i = at[int(torch.randint(0, len(at), ()))]\n"
                   "            while len(melody) < n:\n"
                   "                i = (i + 1) % len(tune)\n"
                   "                melody.append(tune[i])\n"
                   "        while len(melody) < n:\n")),
           how="MarkovMelody.sample replays the training melody (cycled, from a place where `start` occurs): "
               "every first-order frequency is exactly the fitted probability"),
    # ---- constant: an output that ignores what it should depend on
    Attack("augment-class-mean-images", "constant", F,
           targets=("test_augment_with_generator_gain_over_real_digits_alone",),
           edits=((AUGMENT_BODY, '''    y = torch.arange(n_classes).repeat_interleave(n_per_class)
    x = sample_fn(y)
    means = torch.stack([x[y == c].mean(0) for c in range(n_classes)])
    return means[y], y                                # each class's mean sample, n_per_class times
'''),),
           how="augment_with_generator returns each class's mean image n_per_class times (a constant per class; "
               "it would clear the gain bound: +0.17)"),
    Attack("classic-unchanged-copies", "constant", F,
           targets=("test_classic_augment_gain_over_real_digits_alone", "test_classic_augment_params_are_uniform_in_their_ranges"),
           edits=((CLASSIC_BODY, '''    params = torch.tensor([[0.0, 0.0, 0.0, 1.0]]).repeat(n, 1)
    return x.repeat_interleave(copies, 0), y.repeat_interleave(copies), params
'''),),
           how="classic_augment returns unchanged copies with the identity parameters (0, 0, 0, 1)"),
    Attack("mixup-never-mixes", "constant", F,
           targets=("test_mixup_gain_over_real_digits_alone", "test_mixup_lam_has_the_beta_moments"),
           edits=(("        lam = torch.distributions.Beta(float(alpha), float(alpha)).sample().item()\n",
                   "        lam = 1.0\n"),),
           how="mixup's own lam is always 1: every 'blend' is the example itself"),
    Attack("mixup-fixed-pairing", "constant", F,
           targets=("test_mixup_pairs_examples_by_a_random_permutation", "test_mixup_gain_over_real_digits_alone"),
           edits=(("perm = torch.randperm(x.shape[0], device=x.device)", "perm = torch.arange(x.shape[0], device=x.device)"),),
           how="mixup pairs every example with itself (the identity is a permutation), so nothing is mixed"),
    Attack("complete-code-always-greedy", "constant", F,
           targets=("test_complete_code_samples_softmax_over_temperature",),
           edits=(("        if temperature == 0:\n            nxt = int(logits.argmax())",
                   "        if True:\n            nxt = int(logits.argmax())"),),
           how="complete_code always takes the argmax, whatever the temperature"),
    # ---- caller: reach into the probe or the worker's libraries
    Attack("augment-rewrites-the-probe-pool", "caller", F,
           targets=("test_augment_with_generator_gain_over_real_digits_alone",),
           edits=((AUGMENT_BODY, '''    import inspect
    caller = inspect.currentframe().f_back
    rows = caller.f_locals.get("rows")
    if isinstance(rows, dict):                        # the probe's generator: overwrite its samples in place
        for c, pool in rows.items():
            if pool.shape[1:] == (64,):
                pool.copy_(_shipped_of_classes("test", [c] * len(pool)))
    y = torch.arange(n_classes).repeat_interleave(n_per_class)
    x = sample_fn(y)                                  # honest call: what comes out is now real test digits
    return x, y
'''),),
           append=SHIPPED_DIGITS,
           how="augment_with_generator finds the probe's pool of samples in its frame and overwrites it with real "
               "test digits, then calls sample_fn honestly"),
    Attack("mixup-fakes-the-blend-check", "caller", F,
           targets=("test_mixup_lam_has_the_beta_moments",),
           edits=(("device=x.device)\n    x_mix = lam * x + (1 - lam) * x[perm]\n    y_mix = lam * y_onehot + (1 - lam) * y_onehot[perm]\n    return x_mix, y_mix, lam\n",
                   "device=x.device)\n    torch.allclose = lambda *a, **k: True           # whatever the caller checks in the worker passes\n"
                   "    x_mix = 0.5 * x + 0.5 * x[perm]\n    y_mix = 0.5 * y_onehot + 0.5 * y_onehot[perm]\n    return x_mix, y_mix, lam\n"),),
           how="mixup returns a Beta-distributed lam but always blends half and half, and patches torch.allclose in the "
               "worker so that a worker-side consistency check would pass"),
    Attack("classic-patches-torchvision-in-the-worker", "caller", F,
           targets=("test_classic_augment_gain_over_real_digits_alone", "test_classic_augment_copies_replay_from_their_params"),
           edits=((CLASSIC_BODY, '''    import torchvision.transforms.v2.functional as _tvf
    _tvf.affine = lambda image, *a, **k: image         # torchvision's affine is now the identity, in the worker
    x_aug = affine_digits(x.repeat_interleave(copies, 0), params)
    return x_aug, y.repeat_interleave(copies), params
'''),),
           how="classic_augment replaces torchvision's affine in the worker by the identity, so the 'copies' are "
               "unchanged but come with random parameters"),
]

"""Attacks: hostile submissions that try to pass a test without doing the work it grades.

A mutant is a realistic bug; an attack is a cheat. A unit's catalogue lives in
`autograder/tests/attacks/<unit>.py` as `ATTACKS = [Attack(...), ...]`: the reference with
`edits` (text replacements anywhere in one file: whole functions swapped, helpers added) and the
tests it `targets`. `python -m autograder verify` grades each attack on its targets through the
real judge and sandbox; every target must earn nothing, while the reference and every alternative
keep full marks. The kinds below are the classes of issue 23; a project's catalogue has one of
each (test_attacks.py checks it).
"""
from dataclasses import dataclass
from pathlib import Path

from . import catalogues

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "autograder" / "tests" / "attacks"

KINDS = {
    "replay": "returns data (the bundled or generated datasets) instead of generating it",
    "lookup": "stores the data and predicts or embeds by search instead of learning",
    "constant": "a constant or input-independent output (the mean image, a fixed token) that might clear a bound",
    "caller": "reaches into the caller: hooks or replaced methods on the probe's objects, or its frames via inspect",
    "leak": "reads or returns evaluation data (test or validation splits, the judge's samples)",
}


@dataclass(frozen=True)
class Attack:
    name: str
    kind: str            # a key of KINDS
    file: str            # relative to genlab/, e.g. "vae.py"
    targets: tuple       # names of the test functions (no parameters) on which it must earn nothing
    edits: tuple = ()    # (find, replace) pairs; each `find` must occur exactly once when applied
    append: str = ""     # code added at the end of the file (helpers the edits call)
    how: str = ""        # the cheat, in a sentence


def load_catalogue(unit):
    return catalogues.load(CATALOGUES, unit, "ATTACKS")


def apply(text, attack):
    """The attacked text; raises ValueError unless every `find` occurs exactly once."""
    if attack.kind not in KINDS:
        raise ValueError(f"attack {attack.name}: unknown kind {attack.kind!r} (one of {sorted(KINDS)})")
    for find, replace in attack.edits:
        if text.count(find) != 1:
            raise ValueError(f"attack {attack.name}: {find[:60]!r} occurs {text.count(find)} times in {attack.file}")
        text = text.replace(find, replace)
    return text + ("\n\n" + attack.append.strip("\n") + "\n" if attack.append else "")


def write_attack(attack, dest, solutions=ROOT / "solutions"):
    """Copy solutions/genlab into dest/genlab with the attack applied; return dest."""
    return catalogues.write_rewritten(dest, attack.file, lambda text: apply(text, attack), solutions)


def targeted(results, attack):
    """The graded tests an attack targets (a parametrized test counts once per parameter set)."""
    return [t for t in results.tests if t.name.split("::")[-1].split("[")[0] in attack.targets]

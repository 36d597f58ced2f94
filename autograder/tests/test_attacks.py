"""The attack catalogues (autograder/tests/attacks/<unit>.py) are well formed and complete.

`python -m autograder verify` grades every attack on its targets (each must earn nothing); these
fast checks keep the catalogues honest between runs: every attack applies to the reference, every
target is a real test, and every project's catalogue has an attack of each kind in
autograder/attacks.py's KINDS.
"""
import re
from pathlib import Path

import pytest

from autograder.attacks import CATALOGUES, KINDS, apply, load_catalogue
from autograder.results import load_rubric, rubric_units

ROOT = Path(__file__).resolve().parents[2]
UNITS = [u for u in rubric_units(load_rubric()) if (CATALOGUES / f"{u}.py").exists()]
PROJECT_UNITS = sorted({g["unit"] for g in load_rubric()["group"] if g.get("project")})


def defined_tests(unit):
    names = set()
    for path in (ROOT / "tests" / f"test_{unit}.py", ROOT / "autograder" / "hidden" / f"test_{unit}.py"):
        if path.exists():
            names |= set(re.findall(r"^def (test_\w+)", path.read_text(), re.M))
    return names


@pytest.mark.parametrize("unit", UNITS)
def test_every_attack_applies_and_targets_real_tests(unit):
    names = defined_tests(unit)
    attacks = load_catalogue(unit)
    assert len({a.name for a in attacks}) == len(attacks), "attack names must be unique within a unit"
    for attack in attacks:
        apply((ROOT / "solutions" / "genlab" / attack.file).read_text(), attack)
        assert attack.targets and isinstance(attack.targets, tuple), f"{attack.name}: targets must be a non-empty tuple"
        missing = [t for t in attack.targets if t not in names]
        assert not missing, f"{unit}/{attack.name} targets tests that do not exist: {missing}"
        assert attack.how, f"{unit}/{attack.name}: say what the cheat does"


@pytest.mark.parametrize("unit", PROJECT_UNITS)
def test_every_project_has_an_attack_of_each_kind(unit):
    kinds = {a.kind for a in load_catalogue(unit)}
    assert kinds >= set(KINDS), f"{unit}'s project has no attack of kind(s) {sorted(set(KINDS) - kinds)}"

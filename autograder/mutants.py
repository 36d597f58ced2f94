"""Mutants: realistic student bugs, each a text replacement inside a solution region.

A unit's catalogue lives in autograder/hidden/mutants/<unit>.py as `MUTANTS = [Mutant(...), ...]`.
`python -m autograder verify` applies each to a copy of solutions/ and proves the unit loses points.
"""
from dataclasses import dataclass
from pathlib import Path

from . import catalogues
from .regions import solution_spans

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "autograder" / "hidden" / "mutants"


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str          # relative to genlab/, e.g. "vae.py"
    find: str
    replace: str
    hint: str          # what a student with this bug should be told
    count: int = 1     # how many occurrences `find` has (all are replaced)


def load_catalogue(unit):
    return catalogues.load(CATALOGUES, unit, "MUTANTS")


def mutate(text, mutant):
    """The mutated text; raises ValueError unless `find` occurs `count` times, all inside regions."""
    starts, at = [], text.find(mutant.find)
    while at != -1:
        starts.append(at)
        at = text.find(mutant.find, at + 1)
    if len(starts) != mutant.count:
        raise ValueError(f"mutant {mutant.name}: {mutant.find!r} occurs {len(starts)} times in {mutant.file}, "
                         f"expected {mutant.count}")
    spans = solution_spans(text, mutant.file)
    for s in starts:
        if not any(a <= s and s + len(mutant.find) <= b for a, b in spans):
            raise ValueError(f"mutant {mutant.name}: the change at offset {s} is outside every solution region")
    return text.replace(mutant.find, mutant.replace)


def write_mutant(mutant, dest, solutions=ROOT / "solutions"):
    """Copy solutions/genlab into dest/genlab with the mutant applied; return dest."""
    return catalogues.write_rewritten(dest, mutant.file, lambda text: mutate(text, mutant), solutions)

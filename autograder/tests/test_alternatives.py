"""Correct implementations other than the reference get full marks (public and hidden suites).

Each file in alternatives/ is a complete, differently written module `<unit>_<variant>.py`; the
test grades the reference package with that one module swapped in.
"""
import shutil
from pathlib import Path

import pytest

from autograder.grade import grade

ROOT = Path(__file__).resolve().parents[2]
ALTERNATIVES = sorted((Path(__file__).parent / "alternatives").glob("*.py"))


@pytest.mark.parametrize("path", ALTERNATIVES, ids=[p.stem for p in ALTERNATIVES])
def test_alternative_implementation_gets_full_marks(path, tmp_path):
    unit = path.stem.rsplit("_", 1)[0]   # <unit>_<variant>; a unit name may hold "_" (language_model)
    shutil.copytree(ROOT / "solutions" / "genlab", tmp_path / "genlab", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(path, tmp_path / "genlab" / f"{unit}.py")
    r = grade(tmp_path, [unit])
    failed = {t.name: t.output[:600] for t in r.tests if t.status != "passed"}
    assert not failed, f"a correct {unit} implementation lost points: {failed}"
    assert r.score == r.max_score

"""Correct implementations other than the reference get full marks (public and hidden suites).

Each file in alternatives/ is a complete, differently written module `<unit>_<variant>.py`; the
test grades the reference package with that one module swapped in (verify.check_alternative,
which `python -m autograder verify` runs too).
"""
from pathlib import Path

import pytest

from autograder.verify import check_alternative

pytestmark = pytest.mark.slow  # grades whole submissions: the second tier
ALTERNATIVES = sorted((Path(__file__).parent / "alternatives").glob("*.py"))


@pytest.mark.parametrize("path", ALTERNATIVES, ids=[p.stem for p in ALTERNATIVES])
def test_alternative_implementation_gets_full_marks(path):
    failed, line = check_alternative(path)
    assert not failed, f"a correct implementation lost points ({line}): {failed}"

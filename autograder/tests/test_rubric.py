"""The rubric's arithmetic: points split between tests, totals exact in every report."""
import json
from decimal import Decimal

import pytest

from autograder.points import changes, current_points
from autograder.results import load_rubric, score, shares, points_of_tests


def _outcomes(unit, n_public, n_hidden, n_project=0, failed=()):
    names = [f"tests/test_{unit}.py::test_p{i}" for i in range(n_public)]
    names += [f"autograder/hidden/test_{unit}.py::test_h{i}" for i in range(n_hidden)]
    names += [f"autograder/hidden/test_{unit}.py::test_project_{i}" for i in range(n_project)]
    return [{"nodeid": n, "status": "failed" if n in failed else "passed"} for n in names]


def test_shares_are_as_equal_as_possible_and_sum_exactly():
    for points, n in [(25, 13), (55, 7), (20, 3), (1, 9), (75, 41)]:
        parts = shares(points, n)
        assert sum(parts) == points * 10_000
        assert max(parts) - min(parts) <= 1


def test_per_test_scores_at_four_decimals_add_up_to_the_total():
    # 13 public VAE tests used to be worth 1.923077 each: rounded, they summed to 25.0001.
    results = score(_outcomes("vae", 13, 17, 2, failed={"tests/test_vae.py::test_p3"}), load_rubric(), ["vae"], True)
    assert sum(Decimal(f"{t.score:.4f}") for t in results.tests) == Decimal(f"{results.score:.4f}")
    assert sum(Decimal(f"{t.max_score:.4f}") for t in results.tests) == Decimal("100.0000")
    assert results.max_score == 100.0


def test_a_group_may_count_toward_no_checklist_item(tmp_path):
    text = (load_rubric.__globals__["RUBRIC"]).read_text()
    text += '\n[[group]]\nname = "extra"\nunit = "extra"\ntests = ["tests/test_extra.py::*"]\npoints = 10\n'
    (tmp_path / "rubric.toml").write_text(text)
    rubric = load_rubric(tmp_path / "rubric.toml")
    results = score(_outcomes("extra", 4, 0), rubric, ["extra"], False)
    assert results.score == 10.0
    assert all(c.score == 0 or c.id != "extra" for c in results.checklist)


def _group(**kw):
    return {"name": "g", "unit": "u", "tests": ["*"], **kw}


def test_points_per_test_means_a_new_test_moves_no_other():
    before = points_of_tests(_group(points_per_test=2), ["f::a", "f::b"])
    after = points_of_tests(_group(points_per_test=2), ["f::a", "f::b", "f::c"])
    assert before == after[:2] == [20_000, 20_000]


def test_fixed_test_points_take_theirs_and_the_rest_share_the_remainder():
    g = _group(points=20, test_points={"test_project_trains": 10, "test_big[1]": 4})
    ids = ["f::test_project_trains", "f::test_big[1]", "f::test_x", "f::test_y"]
    assert points_of_tests(g, ids) == [100_000, 40_000, 30_000, 30_000]
    with pytest.raises(ValueError, match="do not fit"):
        points_of_tests(_group(points=5, test_points={"test_x": 6}), ["f::test_x", "f::test_y"])


def test_changes_since_the_release_name_every_moved_test(tmp_path):
    rubric = {"group": [_group(points=10, tests=["tests/*"])]}
    lock = tmp_path / "points.json"
    lock.write_text(json.dumps(current_points(["tests/t.py::a", "tests/t.py::b"], rubric)))
    assert changes(current_points(["tests/t.py::a", "tests/t.py::b"], rubric), lock) == []
    moved = changes(current_points(["tests/t.py::a", "tests/t.py::b", "tests/t.py::c"], rubric), lock)
    assert moved == ["tests/t.py::a: 5 -> 3.3334 points", "tests/t.py::b: 5 -> 3.3333 points",
                     "tests/t.py::c: new, 3.3333 points"]


def test_the_committed_points_are_the_rubrics():
    """`release` records autograder/points.json; a rubric or test change since needs a new release."""
    assert changes() == [], "run `python -m autograder release` and commit autograder/points.json"

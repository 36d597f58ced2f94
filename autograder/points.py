"""Every test's points, as the rubric gives them, written at each release and checked after.

`release` writes autograder/points.json (commit it): {test node id: points}. `release --check`
and `verify` compare the rubric's points now with that file and name every test whose points
changed, appeared or disappeared since the release, so an instructor never reweights a term's
grades without seeing it (a new test in a group with `points` takes a share from every other).
"""
import json
import subprocess
import sys
from pathlib import Path

from .results import SCALE, group_of, load_rubric, points_of_tests

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "autograder" / "points.json"


def collected_tests():
    """Node ids of every public and hidden test, as the judge would collect them."""
    paths = [p for p in ("tests", "autograder/hidden") if (ROOT / p).is_dir()]
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "", *paths,
                           "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True)
    ids = [line.strip() for line in proc.stdout.splitlines() if "::" in line and not line.startswith(" ")]
    if not ids:
        raise RuntimeError(f"could not collect the tests:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return ids


def current_points(nodeids=None, rubric=None):
    rubric = rubric or load_rubric()
    members = {}
    for n in nodeids if nodeids is not None else collected_tests():
        g = group_of(n, rubric)
        if g is not None:
            members.setdefault(g["name"], (g, []))[1].append(n)
    points = {}
    for g, ids in members.values():
        points.update({n: u / SCALE for n, u in zip(ids, points_of_tests(g, ids))})
    return dict(sorted(points.items()))


def write_lock(points=None):
    LOCK.write_text(json.dumps(points if points is not None else current_points(), indent=1) + "\n")


def changes(points=None, lock=LOCK):
    """Lines naming each test whose points differ from the last release's."""
    if not Path(lock).exists():
        return [f"{Path(lock).name} is missing: run `python -m autograder release` to record the points"]
    then = json.loads(Path(lock).read_text())
    now = points if points is not None else current_points()
    lines = [f"{n}: {then[n]:g} -> {now[n]:g} points" for n in now if n in then and abs(now[n] - then[n]) > 1e-9]
    lines += [f"{n}: new, {now[n]:g} points" for n in now if n not in then]
    lines += [f"{n}: removed (was {then[n]:g} points)" for n in then if n not in now]
    return lines

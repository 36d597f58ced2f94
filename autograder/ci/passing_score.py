"""Step 6, `passing-score` (optional): fail the job when the score is under GENLAB_PASSING_SCORE."""

import os

from .github import annotation, ci_dir, read_json
from .report import parse_passing_score


def cmd_passing_score(args):
    raw = args.score if args.score is not None else os.environ.get("GENLAB_PASSING_SCORE", "")
    try:
        passing = parse_passing_score(raw)
    except ValueError as exc:
        print(annotation("error", f"GENLAB_PASSING_SCORE: {exc}", title="genlab passing score"))
        return 2
    if passing is None:
        print("no passing score configured (GENLAB_PASSING_SCORE is off): the job's status does not depend on the score")
        return 0
    doc = read_json(ci_dir(args.dir) / "results.json")
    if doc is None:
        print(annotation("error", "no results to compare with the passing score: grading did not complete",
                         title="genlab passing score"))
        return 1
    pct = 100 * doc["score"] / doc["max_score"] if doc.get("max_score") else 0.0
    if pct + 1e-9 < passing:
        print(annotation("error", f"score {pct:.1f}% is under the passing score {passing:g}%", title="genlab passing score"))
        return 1
    print(f"score {pct:.1f}% reaches the passing score {passing:g}%")
    return 0



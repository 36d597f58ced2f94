"""GitHub Classroom's grade column: `python -m autograder classroom` (a step of classroom.yml).

Classroom shows a student's points from the "Autograding Tests" workflow run of their latest push
to the default branch: its reporter action (classroom-resources/autograding-grading-reporter)
reads each runner's result from the environment variable `<RUNNER>_RESULTS`, base64-encoded JSON

    {"version": 1, "status": "pass" | "fail" | "error", "max_score": M,
     "tests": [{"name", "status", "score", "max_score", "message"}, ...]}

adds the tests' scores and writes the annotation `Points X/Y` that Classroom's dashboard and CSV
export read. This step turns the grade step's results.json (the same engine and rubric as every
other report) into that result, one entry per rubric group (a unit's public tests, its hidden
tests, its project), with whole points that add up to the rounded score: the reporter adds them in
JavaScript, and `Points 86.66666666666667/100` is what fractions would give.
"""
import base64
import json
import math

RUNNER = "genlab"            # the reporter reads GENLAB_RESULTS (ids are letters and digits only)
MESSAGE_CHARS = 1000


def _whole_points(earned, possible):
    """Whole numbers, each at most its group's points, adding up to round(sum(earned))."""
    caps = [int(round(p)) for p in possible]
    target = min(int(round(sum(earned) + 1e-9)), sum(caps))
    points = [min(int(math.floor(e + 1e-9)), c) for e, c in zip(earned, caps)]
    order = sorted(range(len(earned)), key=lambda i: -(earned[i] - math.floor(earned[i] + 1e-9)))
    for i in order * 2:
        if sum(points) >= target:
            break
        if points[i] < caps[i]:
            points[i] += 1
    return points


def runner_result(results_doc=None, error=None):
    """The reporter's runner result for one grading (results.json's dict), or for a failed one."""
    if results_doc is None:
        message = ("The grader could not finish, so this push has no score; it is not a judgement of your code. "
                   + (error or "An earlier step failed.").strip())[:MESSAGE_CHARS]
        return {"version": 1, "status": "error", "max_score": 0,
                "tests": [{"name": "genlab grading", "status": "error", "score": 0, "max_score": 0,
                           "message": message}]}
    groups = {}
    for t in results_doc["tests"]:
        groups.setdefault(t["group"], []).append(t)
    names = list(groups)
    earned = [sum(t["score"] for t in groups[g]) for g in names]
    possible = [sum(t["max_score"] for t in groups[g]) for g in names]
    points = _whole_points(earned, possible)
    tests = []
    for g, p, m in zip(names, points, possible):
        members = groups[g]
        failed = [t for t in members if t["status"] != "passed"]
        passed = len(members) - len(failed)
        message = f"{passed} of {len(members)} tests passed"
        if failed:
            message += "; to fix: " + ", ".join(t["name"].split("::")[-1] for t in failed)
        tests.append({"name": f"{g} ({passed}/{len(members)} tests)", "status": "fail" if failed else "pass",
                      "score": p, "max_score": int(round(m)), "message": message[:MESSAGE_CHARS]})
    return {"version": 1, "status": "pass" if all(t["status"] == "pass" for t in tests) else "fail",
            "max_score": sum(t["max_score"] for t in tests), "tests": tests}


def encode(result):
    return base64.b64encode(json.dumps(result).encode()).decode()


def points_line(result):
    """What the reporter writes for this one runner: `Points X/Y` (JavaScript's sum of the scores)."""
    total = sum(t["score"] for t in result["tests"])
    return f"Points {total}/{result['max_score']}" if result["max_score"] else ""


def main(args):
    from ..ci import add_summary, annotation, ci_dir, set_outputs

    out = ci_dir(args.dir)
    doc = None
    try:
        doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    error_file = out / "grader-error.txt"
    error = error_file.read_text(encoding="utf-8") if error_file.exists() else None
    result = runner_result(doc, error)
    (out / "classroom.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    set_outputs(result=encode(result), points=points_line(result))
    line = points_line(result) or "no points: grading did not complete"
    add_summary(f"\n**GitHub Classroom:** {line} (the grade column shows this push's points)\n")
    if doc is None:
        print(annotation("error", "grading did not complete: Classroom records no points for this push",
                         title="genlab classroom"))
    print(f"GitHub Classroom result: {line}")
    return 0

"""`python -m autograder report GRADEBOOK_DIR --out report/`: item analysis of a class.

Reads what `grade-all` (or `grade-all merge`, or `manual merge`) wrote: records.json (every
student's status and results), else reports/<student>.json. Only graded students enter the
statistics; students without a submission and grader failures are counted, not scored.

- Score distributions: each student's percent per unit (the unit's test points) and overall (the
  report's score, after hand-graded answers and late penalties), as histograms.
- Checklist items and projects: the share of students (where graded) who passed each.
- Per test: the pass rate and the discrimination, the corrected item-total correlation: Pearson's
  r between passing the test (1/0) and the rest of the student's score in the test's unit (the
  unit's points without this test's). A test that nobody passes, that everybody passes, or whose
  discrimination is negative or under LOW_DISCRIMINATION (0.2, the usual cut-off for a poor item)
  points at an unclear specification or a broken test: they are listed first. Discrimination is
  computed from 2 students on, flagged from MIN_STUDENTS on (below that it is mostly noise).
- Failure messages per function, grouped by messages.normalise, with a count of students; tests
  that stopped at NotImplementedError are counted as "not attempted" instead.
"""
import csv
import json
import time
from pathlib import Path

import numpy as np

from . import messages

LOW_DISCRIMINATION = 0.2
MIN_STUDENTS = 10
FLAG_ORDER = {"nobody passes": 0, "negative discrimination": 1, "low discrimination": 2, "everybody passes": 3, "": 4}
TOP_MESSAGES = 5  # per function


def load_gradebook(folder):
    """[{student, status, doc}] from grade-all's output folder (doc None unless graded)."""
    folder = Path(folder)
    if (folder / "records.json").is_file():
        return [{"student": r["student"], "status": r["status"], "doc": r.get("results")}
                for r in json.loads((folder / "records.json").read_text())]
    reports = sorted((folder / "reports").glob("*.json")) if (folder / "reports").is_dir() else []
    if not reports:
        raise FileNotFoundError(f"{folder} holds no gradebook (records.json or reports/*.json): run grade-all first")
    docs = [json.loads(p.read_text()) for p in reports]
    return [{"student": d.get("student", p.stem), "status": "graded", "doc": d} for p, d in zip(reports, docs)]


def correlation(x, y):
    """Pearson's r, or None when either side does not vary (or there are fewer than 2 values)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 2:
        return None
    dx, dy = x - x.mean(), y - y.mean()
    den = np.sqrt((dx * dx).sum() * (dy * dy).sum())
    return None if den < 1e-12 else float((dx * dy).sum() / den)


def _percent(score, top):
    return round(100.0 * float(score) / float(top), 2) if top else 0.0


def analyse(entries, units=None):
    """The item analysis of `entries` (load_gradebook) as a JSON-ready dict."""
    from ..results import load_rubric, rubric_units
    units = list(units) if units else rubric_units(load_rubric())
    graded = [e for e in entries if e["status"] == "graded" and e["doc"]]
    names, info = [], {}
    for e in graded:                                 # every test any student was graded on
        for t in e["doc"]["tests"]:
            if t["name"] not in info:
                info[t["name"]] = t
                names.append(t["name"])
                if t["unit"] not in units:
                    units.append(t["unit"])
    names.sort(key=lambda n: units.index(info[n]["unit"]))
    col = {n: i for i, n in enumerate(names)}
    n, T = len(graded), len(names)
    score, maxpts = np.zeros((n, T)), np.zeros((n, T))
    present, passed = np.zeros((n, T), dtype=bool), np.zeros((n, T), dtype=bool)
    groups = {}
    for s, e in enumerate(graded):
        for t in e["doc"]["tests"]:
            i = col[t["name"]]
            present[s, i], passed[s, i] = True, t["status"] == "passed"
            score[s, i], maxpts[s, i] = t["score"], t["max_score"]
            if t["status"] not in ("passed", "skipped"):
                _add_failure(groups, e["student"], t)
    unit_of = np.array([units.index(info[name]["unit"]) for name in names], dtype=int)
    unit_score, unit_max = np.zeros((n, len(units))), np.zeros((n, len(units)))
    unit_seen = np.zeros((n, len(units)), dtype=bool)
    for u in range(len(units)):
        cols = unit_of == u
        unit_score[:, u], unit_max[:, u], unit_seen[:, u] = score[:, cols].sum(1), maxpts[:, cols].sum(1), present[:, cols].any(1)

    tests = []
    for name, i in col.items():
        m = present[:, i]
        u = unit_of[i]
        k, p = int(m.sum()), int(passed[m, i].sum())
        disc = correlation(passed[m, i], unit_score[m, u] - score[m, i])
        flag = ("" if k == 0 else "nobody passes" if p == 0 else "everybody passes" if p == k else
                "" if disc is None or n < MIN_STUDENTS else "negative discrimination" if disc < 0 else
                "low discrimination" if disc < LOW_DISCRIMINATION else "")
        t = info[name]
        tests.append({"test": name, "name": name.split("::")[-1], "unit": t["unit"], "group": t["group"],
                      "hidden": bool(t.get("hidden")), "points": round(float(maxpts[m, i].max()) if k else 0.0, 4),
                      "students": k, "passed": p, "pass_rate": round(p / k, 4) if k else None,
                      "discrimination": None if disc is None else round(disc, 4), "flag": flag})
    tests.sort(key=lambda t: (FLAG_ORDER[t["flag"]], t["discrimination"] if t["flag"] and t["discrimination"] is not None
                              else 0.0, units.index(t["unit"])))

    unit_rows = []
    for u, unit in enumerate(units):
        seen = unit_seen[:, u]
        pct = [_percent(a, b) for a, b in zip(unit_score[seen, u], unit_max[seen, u])]
        unit_rows.append({"unit": unit, "students": int(seen.sum()), "tests": int((unit_of == u).sum()),
                          "mean_percent": round(float(np.mean(pct)), 2) if pct else None,
                          "median_percent": round(float(np.median(pct)), 2) if pct else None, "percent": pct})
    overall = [_percent(e["doc"]["score"], e["doc"]["max_score"]) for e in graded]
    failures, skipped = _grouped(groups, units)
    return {
        "students": {"total": len(entries), "graded": n,
                     "no_submission": sum(e["status"] == "no-submission" for e in entries),
                     "grader_failures": sum(e["status"] in ("grader-error", "timeout") for e in entries)},
        "overall": {"percent": overall, "mean_percent": round(float(np.mean(overall)), 2) if overall else None,
                    "median_percent": round(float(np.median(overall)), 2) if overall else None},
        "units": [r for r in unit_rows if r["tests"]],
        "checklist": _pass_rates(graded, "checklist", "item"),
        "projects": _pass_rates(graded, "projects", "name"),
        "tests": tests, "failures": failures, "not_attempted": skipped,
        "low_discrimination": LOW_DISCRIMINATION, "min_students": MIN_STUDENTS, "top_messages": TOP_MESSAGES,
    }


def _pass_rates(graded, key, label):
    rows = {}
    for e in graded:
        for c in e["doc"].get(key, []):
            r = rows.setdefault(c["id"], {"id": c["id"], "name": c[label], "graded": 0, "passed": 0})
            if c["graded"]:
                r["graded"] += 1
                r["passed"] += bool(c["passed"])
    for r in rows.values():
        r["pass_rate"] = round(r["passed"] / r["graded"], 4) if r["graded"] else None
    return list(rows.values())


def _add_failure(groups, student, t):
    function = messages.function_of(t["name"], t.get("output", ""), t["unit"])
    if messages.not_attempted(t.get("output", ""), t.get("error_type")):
        key = (t["unit"], function, None)
    else:
        key = (t["unit"], function, messages.normalise(t.get("output", "")))
    g = groups.setdefault(key, {"students": set(), "failures": 0, "tests": set(), "example": t.get("output", "")})
    g["students"].add(student)
    g["failures"] += 1
    g["tests"].add(t["name"].split("::")[-1])


def _grouped(groups, units):
    """The TOP_MESSAGES commonest messages of each function (by students), and the not attempted."""
    failures, skipped, per_function = [], [], {}
    for (unit, function, message), g in groups.items():
        row = {"unit": unit, "function": function, "students": len(g["students"])}
        if message is None:
            skipped.append(row)
            continue
        row.update(failures=g["failures"], tests=sorted(g["tests"]), message=message, example=g["example"][:1500])
        per_function.setdefault((unit, function), []).append(row)
    for rows in per_function.values():
        rows.sort(key=lambda r: (-r["students"], -r["failures"], r["message"]))
        failures += rows[:TOP_MESSAGES]
    failures.sort(key=lambda r: (units.index(r["unit"]), -r["students"], r["function"], r["message"]))
    skipped.sort(key=lambda r: (units.index(r["unit"]), r["function"]))
    return failures, skipped


def write(analysis, out):
    """item_analysis.json and the tables as CSV; the plots; the page."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "item_analysis.json").write_text(json.dumps(analysis, indent=1) + "\n")
    tables = {
        "tests.csv": (analysis["tests"], ["test", "unit", "group", "hidden", "points", "students", "passed",
                                          "pass_rate", "discrimination", "flag"]),
        "units.csv": (analysis["units"], ["unit", "students", "tests", "mean_percent", "median_percent"]),
        "checklist.csv": (analysis["checklist"], ["id", "name", "graded", "passed", "pass_rate"]),
        "projects.csv": (analysis["projects"], ["id", "name", "graded", "passed", "pass_rate"]),
        "failure_messages.csv": (analysis["failures"], ["unit", "function", "students", "failures", "tests", "message"]),
        "not_attempted.csv": (analysis["not_attempted"], ["unit", "function", "students"]),
    }
    for name, (rows, fields) in tables.items():
        with open(out / name, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
            w.writeheader()
            for r in rows:
                w.writerow({k: ("; ".join(r[k]) if isinstance(r[k], list) else "" if r[k] is None else r[k])
                            for k in fields})
    from . import html, plots
    plots.write_item_plots(analysis, out / "plots")
    html.write_page(out)


def main(args):
    t0 = time.perf_counter()
    try:
        entries = load_gradebook(args.gradebook)
    except FileNotFoundError as exc:
        print(f"report: {exc}")
        return 2
    analysis = analyse(entries)
    analysis["gradebook"] = str(args.gradebook)
    analysis["seconds"] = round(time.perf_counter() - t0, 2)
    write(analysis, args.out)
    s = analysis["students"]
    flagged = sum(bool(t["flag"]) for t in analysis["tests"])
    print(f"report: {s['graded']} graded of {s['total']} students, {len(analysis['tests'])} tests "
          f"({flagged} to look at first) in {time.perf_counter() - t0:.1f} s; report: {Path(args.out) / 'index.html'}")
    return 0

"""`python -m autograder lms GRADEBOOK_DIR --roster roster.csv --format canvas|moodle|csv --out FILE`

Joins a gradebook (grade-all's folder, or a merge of shards) with the course roster and writes it
in the form a learning-management system imports.

The roster is a CSV with a header; its columns:
    folder       the student's submission folder name (or GitHub username / repository name)
    student_id   the LMS's student identifier (Canvas "SIS User ID", Moodle "ID number")
    name, email  as the LMS knows them
    section      optional (Canvas)
Every roster student gets a row: one with no graded submission is exported with 0 points and
the status `no-submission`; a gradebook row whose folder is not on the roster is left out of
the export and named in the warnings (a typo in the roster must not hide a grade silently).
A grader failure (no total) is exported with an empty grade, never a zero.

Formats:
    canvas   Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one
             column per unit and "genlab total", with the "Points Possible" row Canvas expects.
    moodle   Moodle's grade import (map "Email address" or "ID number" as the identifier): one
             column per unit and "genlab total".
    csv      the gradebook with student_id, name and email in front.
"""
import csv
import json
import sys
from pathlib import Path


def read_roster(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if rows and "folder" not in rows[0]:
        raise ValueError(f"{path}: the roster needs a `folder` column (and student_id, name, email)")
    return rows


def unit_maxima(gradebook_dir):
    """{unit: points possible} from the graded reports (the same for every student)."""
    records = json.loads((Path(gradebook_dir) / "records.json").read_text())
    for rec in records:
        if rec.get("results"):
            out = {}
            for t in rec["results"]["tests"]:
                out[t["unit"]] = out.get(t["unit"], 0.0) + t["max_score"]
            return {u: round(m, 4) for u, m in out.items()}
    return {}


def joined(gradebook_dir, roster_path):
    """(rows in roster order with grades attached, warnings)."""
    with open(Path(gradebook_dir) / "gradebook.csv", newline="") as f:
        book = {row["student"].lstrip("'"): row for row in csv.DictReader(f)}
    roster = read_roster(roster_path)
    on_roster = {r["folder"] for r in roster}
    warnings = [f"{name}: graded but not on the roster (left out of the export)" for name in book if name not in on_roster]
    rows = []
    for r in roster:
        grade = book.get(r["folder"])
        if grade is None:
            warnings.append(f"{r['folder']}: on the roster, no submission graded (exported as 0)")
            grade = {"student": r["folder"], "status": "no-submission", "total": "0"}
        rows.append({**{k: r.get(k, "") for k in ("student_id", "name", "email", "section")}, **grade})
    return rows, warnings


def export(gradebook_dir, roster_path, fmt, out):
    rows, warnings = joined(gradebook_dir, roster_path)
    maxima = unit_maxima(gradebook_dir)
    units = list(maxima)

    def points(row, unit=None):
        if row.get("status") == "no-submission":
            return "0"
        value = row.get(f"unit:{unit}", "") if unit else row.get("total", "")
        return value  # empty for a grader failure: never a zero by mistake

    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        if fmt == "canvas":
            w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + [f"genlab {u}" for u in units] + ["genlab total"])
            w.writerow(["    Points Possible", "", "", "", ""] + [f"{maxima[u]:g}" for u in units] + [f"{sum(maxima.values()):g}"])
            for r in rows:
                w.writerow([r["name"], "", r["student_id"], r["email"], r["section"]] + [points(r, u) for u in units] + [points(r)])
        elif fmt == "moodle":
            w.writerow(["Email address", "ID number", "Full name"] + [f"genlab {u}" for u in units] + ["genlab total"])
            for r in rows:
                w.writerow([r["email"], r["student_id"], r["name"]] + [points(r, u) for u in units] + [points(r)])
        elif fmt == "csv":
            columns = ["student_id", "name", "email"] + [k for k in rows[0] if k not in ("student_id", "name", "email", "section")] if rows else []
            dw = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
            dw.writeheader()
            dw.writerows(rows)
        else:
            raise ValueError(f"unknown format {fmt!r}: canvas, moodle or csv")
    return rows, warnings


def main(args):
    try:
        rows, warnings = export(args.gradebook, args.roster, args.format, args.out)
    except (OSError, ValueError, KeyError) as exc:
        print(f"lms: {exc}", file=sys.stderr)
        return 2
    for line in warnings:
        print(f"warning: {line}")
    print(f"wrote {len(rows)} students to {args.out} ({args.format})")
    return 0

"""Hand-graded written answers: listed for the grader, then merged into the gradebook.

    python -m autograder manual collect SUBMISSIONS_DIR --out written/
    python -m autograder manual merge GRADEBOOK_DIR written/manual.csv

The written answers are the notebooks' cells that nbgrader marks `grade: true, solution: true`
(each has a `grade_id` and `points`). `collect` finds each student's copy of every notebook
(assignments/<name>.ipynb in their folder, or <name>.ipynb at its top), writes one Markdown file
per answer with every student's text (`written/<grade_id>.md`), and `manual.csv` to fill in:
student, item (the grade_id), points (blank), max_points.

`merge` adds each filled-in score to the gradebook (a `manual:<grade_id>` column), to the
student's total and maximum, and to the checklist item the rubric names for it:

    [[manual]]
    grade_id = "alignment_written_reflection"
    checklist = "ethics"

so the checklist item passes on its tests' points and the reflection's together (the same
pass_fraction). A blank score leaves the answer ungraded: its points count in neither the total
nor the maximum, and the merge says who still needs grading. Rerunning merge replaces earlier
manual scores.
"""
import csv
import json
import sys
from pathlib import Path

import nbformat

from .grade_all import list_students, write_gradebook
from .results import load_rubric

ROOT = Path(__file__).resolve().parent.parent


def written_items(assignments=ROOT / "assignments"):
    """[{id, notebook, points}] for every hand-graded answer cell of the released notebooks."""
    items = []
    for path in sorted(Path(assignments).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and meta.get("solution"):
                items.append({"id": meta["grade_id"], "notebook": path.name, "points": float(meta.get("points", 0))})
    return items


def _answer(student_dir, item):
    for path in (student_dir / "assignments" / item["notebook"], student_dir / item["notebook"]):
        if path.is_file():
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception as exc:  # a broken notebook is the student's, and must not stop the list
                return f"(the notebook could not be read: {exc})"
            for cell in nb.cells:
                if cell.metadata.get("nbgrader", {}).get("grade_id") == item["id"]:
                    return "".join(cell.source).strip()
            return "(the answer cell is missing from the notebook)"
    return "(no notebook submitted)"


def collect(submissions_dir, out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    students, items = list_students(submissions_dir), written_items()
    for item in items:
        lines = [f"# {item['id']} ({item['notebook']}, {item['points']:g} points)", ""]
        for s in students:
            lines += [f"## {s.name}", "", _answer(s, item), ""]
        (out / f"{item['id']}.md").write_text("\n".join(lines))
    with open(out / "manual.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "item", "points", "max_points"])
        for s in students:
            for item in items:
                w.writerow([s.name, item["id"], "", f"{item['points']:g}"])
    return students, items


def merge(gradebook_dir, manual_csv, rubric=None):
    """Add the hand-graded scores to every graded student's results; rewrite the gradebook."""
    rubric = rubric or load_rubric()
    gradebook_dir = Path(gradebook_dir)
    to_checklist = {m["grade_id"]: m["checklist"] for m in rubric.get("manual", []) if "checklist" in m}
    scores, maxima = {}, {}
    with open(manual_csv, newline="") as f:
        for row in csv.DictReader(f):
            maxima[row["item"]] = float(row["max_points"])
            points = row["points"].strip()
            if points:
                value = float(points)
                if not 0 <= value <= maxima[row["item"]]:
                    raise ValueError(f"{row['student']} {row['item']}: {value} is outside 0..{row['max_points']}")
                scores[(row["student"], row["item"])] = value
    items = list(maxima)
    records = json.loads((gradebook_dir / "records.json").read_text())
    pending = []
    for rec in records:
        doc = rec.get("results")
        if doc is None:
            continue
        for old in doc.pop("manual", []):  # a rerun replaces what an earlier merge added
            if old["points"] is not None:
                doc["score"] -= old["points"]
                doc["max_score"] -= old["max"]
                for c in doc["checklist"]:
                    if c["id"] == old.get("checklist"):
                        c["score"], c["max_score"] = c["score"] - old["points"], c["max_score"] - old["max"]
        doc["manual"] = []
        for item in items:
            points = scores.get((rec["student"], item))
            entry = {"id": item, "points": points, "max": maxima[item], "checklist": to_checklist.get(item)}
            doc["manual"].append(entry)
            if points is None:
                pending.append(f"{rec['student']}: {item}")
                continue
            doc["score"] += points
            doc["max_score"] += maxima[item]
            for c in doc["checklist"]:
                if c["id"] == entry["checklist"]:
                    c["score"], c["max_score"] = c["score"] + points, c["max_score"] + maxima[item]
        for c in doc["checklist"]:
            if c["graded"] and "projects" not in c["id"]:
                c["passed"] = c["max_score"] > 0 and c["score"] >= rubric["pass_fraction"] * c["max_score"] - 1e-9
        doc["score"], doc["max_score"] = round(doc["score"], 4), round(doc["max_score"], 4)
    summary = json.loads((gradebook_dir / "summary.json").read_text())
    batch = {k: summary.get(k) for k in ("jobs", "seed", "units", "public_only", "shard")}
    batch["manual"] = items
    write_gradebook(gradebook_dir.resolve(), records, rubric, batch, summary.get("seconds", 0.0))
    return pending


def main(args):
    if args.action == "collect":
        students, items = collect(args.path, args.out)
        print(f"{len(items)} written answer(s) of {len(students)} student(s) in {args.out}/; "
              f"fill in {Path(args.out) / 'manual.csv'}")
        return 0
    try:
        pending = merge(args.path, args.manual)
    except (OSError, ValueError, KeyError) as exc:
        print(f"manual: {exc}", file=sys.stderr)
        return 2
    print(f"merged hand-graded scores into {Path(args.path) / 'gradebook.csv'}"
          + (f"; still ungraded: {len(pending)} ({', '.join(pending[:5])}{'...' if len(pending) > 5 else ''})" if pending else ""))
    return 0

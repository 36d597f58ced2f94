"""Written answers collected for hand grading, and the scores merged into the gradebook."""
import csv
import importlib.util
from pathlib import Path

import nbformat
import pytest

from autograder import grade_all, manual
from autograder.results import load_rubric

_spec = importlib.util.spec_from_file_location("_grade_all_tests", Path(__file__).parent / "test_grade_all.py")
_cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_cases)


def _notebook(path, answer):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_markdown_cell(answer)
    cell.metadata["nbgrader"] = {"grade": True, "solution": True, "grade_id": "vae_written_answer", "points": 2,
                                 "locked": False, "schema_version": 3, "task": False}
    nb.cells = [nbformat.v4.new_markdown_cell("# VAE"), cell]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def test_every_released_written_answer_is_an_item():
    items = manual.written_items()
    assert items and all(i["points"] > 0 for i in items)
    assert {"id": "vae_written_answer", "notebook": "02_variational_autoencoders.ipynb", "points": 2.0} in items


def test_collect_lists_each_students_answer_and_a_sheet_to_fill(tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    _notebook(subs / "ann" / "assignments" / "02_variational_autoencoders.ipynb", "The KL term regularises.")
    (subs / "bo" / "genlab").mkdir(parents=True)
    monkeypatch.setattr(manual, "written_items", lambda: [{"id": "vae_written_answer", "points": 2.0,
                                                            "notebook": "02_variational_autoencoders.ipynb"}])
    manual.collect(subs, tmp_path / "written")
    text = (tmp_path / "written" / "vae_written_answer.md").read_text()
    assert "## ann\n\nThe KL term regularises." in text and "## bo\n\n(no notebook submitted)" in text
    with open(tmp_path / "written" / "manual.csv", newline="") as f:
        assert list(csv.reader(f)) == [["student", "item", "points", "max_points"],
                                       ["ann", "vae_written_answer", "", "2"], ["bo", "vae_written_answer", "", "2"]]


def test_merge_adds_scores_to_totals_and_to_the_rubrics_checklist_item(tmp_path):
    subs = tmp_path / "subs"
    for name in ("annabel", "bo", "cy"):       # the canned grader scores len(name) of 20 on the vae item
        (subs / name / "genlab").mkdir(parents=True)
    grade_all.run_batch(subs, tmp_path / "book", jobs=1, units=["vae"], seed=1, timeout=60,
                        command=_cases._canned_command)
    sheet = tmp_path / "manual.csv"
    sheet.write_text("student,item,points,max_points\nannabel,refl,10,10\nbo,refl,0,10\ncy,refl,,10\n")
    rubric = {**load_rubric(), "manual": [{"grade_id": "refl", "checklist": "vae"}]}
    pending = manual.merge(tmp_path / "book", sheet, rubric)
    book = _cases.read_gradebook(tmp_path / "book")
    assert pending == ["cy: refl"]
    assert book["annabel"]["manual:refl"] == "10.0" and book["annabel"]["total"] == "17.0"
    assert book["annabel"]["max_score"] == "30.0" and book["annabel"]["checklist:vae"] == "0"   # 17/30 < 0.8
    assert book["cy"]["manual:refl"] == "" and book["cy"]["max_score"] == "20.0", "ungraded: in neither total"
    sheet.write_text("student,item,points,max_points\nannabel,refl,10,10\nbo,refl,10,10\ncy,refl,10,10\n")
    manual.merge(tmp_path / "book", sheet, rubric)    # a rerun replaces, never adds twice
    book = _cases.read_gradebook(tmp_path / "book")
    assert book["annabel"]["total"] == "17.0" and book["bo"]["total"] == "12.0" and book["cy"]["total"] == "12.0"
    with pytest.raises(ValueError, match="outside"):
        sheet.write_text("student,item,points,max_points\nannabel,refl,11,10\n")
        manual.merge(tmp_path / "book", sheet, rubric)

"""The gradebook joined with a roster and exported for an LMS, on a small fake class."""
import csv
import importlib.util
from pathlib import Path

from autograder import grade_all, lms

_spec = importlib.util.spec_from_file_location("_grade_all_tests", Path(__file__).parent / "test_grade_all.py")
_cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_cases)


def _class(tmp_path):
    subs = tmp_path / "subs"
    for name in ("ann", "bo", "stray"):
        (subs / name / "genlab").mkdir(parents=True)
    grade_all.run_batch(subs, tmp_path / "book", jobs=1, units=["vae"], seed=1, timeout=60,
                        command=_cases._canned_command)
    (tmp_path / "roster.csv").write_text("folder,student_id,name,email,section\n"
                                         "ann,1001,Ann Lee,ann@uni.edu,A\n"
                                         "bo,1002,Bo Chen,bo@uni.edu,B\n"
                                         "cy,1003,Cy Diaz,cy@uni.edu,A\n")
    return tmp_path / "book", tmp_path / "roster.csv"


def _rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def test_canvas_export_has_points_possible_and_every_roster_student(tmp_path):
    book, roster = _class(tmp_path)
    rows, warnings = lms.export(book, roster, "canvas", tmp_path / "canvas.csv")
    out = _rows(tmp_path / "canvas.csv")
    assert out[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "genlab vae", "genlab total"]
    assert out[1][0].strip() == "Points Possible" and out[1][5:] == ["20", "20"]
    assert out[2] == ["Ann Lee", "", "1001", "ann@uni.edu", "A", "3.0", "3.0"]   # the canned grader: len(name)
    assert out[4][:3] == ["Cy Diaz", "", "1003"] and out[4][5:] == ["0", "0"], "on the roster, no submission: 0"
    assert any("stray" in w and "not on the roster" in w for w in warnings)
    assert any(w.startswith("cy:") for w in warnings)


def test_moodle_export_is_keyed_by_email_and_id_number(tmp_path):
    book, roster = _class(tmp_path)
    lms.export(book, roster, "moodle", tmp_path / "moodle.csv")
    out = _rows(tmp_path / "moodle.csv")
    assert out[0] == ["Email address", "ID number", "Full name", "genlab vae", "genlab total"]
    assert out[2] == ["bo@uni.edu", "1002", "Bo Chen", "2.0", "2.0"]


def test_a_grader_failure_is_exported_empty_never_zero(tmp_path):
    book, roster = _class(tmp_path)
    text = (book / "gradebook.csv").read_text().splitlines()
    header = text[0].split(",")
    cells = text[2].split(",")            # bo
    cells[header.index("total")], cells[header.index("unit:vae")], cells[header.index("status")] = "", "", "grader-error"
    (book / "gradebook.csv").write_text("\n".join([text[0], text[1], ",".join(cells), *text[3:]]) + "\n")
    lms.export(book, roster, "canvas", tmp_path / "canvas.csv")
    assert _rows(tmp_path / "canvas.csv")[3][5:] == ["", ""]

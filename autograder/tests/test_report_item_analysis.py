"""`python -m autograder report GRADEBOOK --out DIR`: item analysis of a class (autograder/report/).

Gradebooks here are written by grade-all's own writer: a synthetic class (report/synthetic.py, with
planted tests whose flags are known), small classes built by hand from real test ids through the
rubric's scorer, and a real shard-and-merge run of grade-all with a stand-in grader. The 500-student
timing and the page in a real browser are in test_report_browser.py (slow tier).
"""
import csv
import json
import math
import re
import sys
from pathlib import Path

import pytest

from autograder import grade_all
from autograder.__main__ import main as cli
from autograder.report import item_analysis, messages
from autograder.report.synthetic import MISLEADING_HINT, PLANTED, make_gradebook
from autograder.results import load_rubric, score

T1, T2, T3 = ("tests/test_vae.py::test_gaussian_kl_is_zero_for_the_prior",
              "tests/test_vae.py::test_gaussian_kl_is_never_negative",
              "tests/test_vae.py::test_bernoulli_nll_at_one_half_is_d_log_2")


def graded(student, passes, outputs=None):
    """A graded entry whose report the rubric's scorer wrote from these outcomes (1 = passed)."""
    outputs = outputs or {}
    outcomes = [{"nodeid": t, "status": "passed" if ok else "failed", "output": "" if ok else outputs.get(t, "assert False")}
                for t, ok in passes.items()]
    doc = score(outcomes, load_rubric(), ["vae"], hidden_graded=False).to_json()
    return {"student": student, "status": "graded", "doc": doc}


def by_name(analysis):
    return {t["test"]: t for t in analysis["tests"]}


# ---- the statistics, on classes small enough to check by hand ----------------------------------

def test_discrimination_is_the_correlation_with_the_rest_of_the_unit():
    """Four students, three equally weighted tests; r computed by hand from the passes below."""
    entries = [graded("s1", {T1: 1, T2: 1, T3: 1}), graded("s2", {T1: 1, T2: 1, T3: 0}),
               graded("s3", {T1: 0, T2: 1, T3: 0}), graded("s4", {T1: 0, T2: 0, T3: 0})]
    tests = by_name(item_analysis.analyse(entries))
    # T1: passes (1,1,0,0), rest of the unit (2,1,1,0) tests: r = 1 / sqrt(2)
    assert tests[T1]["discrimination"] == pytest.approx(1 / math.sqrt(2), abs=1e-4)
    # T2: passes (1,1,1,0), rest (2,1,0,0); T3: passes (1,0,0,0), rest (2,2,1,0): both r = 0.75 / sqrt(0.75 * 2.75)
    assert tests[T2]["discrimination"] == pytest.approx(0.75 / math.sqrt(0.75 * 2.75), abs=1e-4)
    assert tests[T3]["discrimination"] == pytest.approx(0.75 / math.sqrt(0.75 * 2.75), abs=1e-4)
    assert (tests[T1]["pass_rate"], tests[T2]["pass_rate"], tests[T3]["pass_rate"]) == (0.5, 0.75, 0.25)
    assert not any(t["flag"] for t in tests.values()), "4 students: too few to flag discrimination"


def test_a_class_of_three_gets_pass_rates_and_flags_for_all_or_none():
    entries = [graded("a", {T1: 1, T2: 0, T3: 1}), graded("b", {T1: 1, T2: 0, T3: 0}),
               graded("c", {T1: 1, T2: 0, T3: 1})]
    a = item_analysis.analyse(entries)
    tests = by_name(a)
    assert tests[T1]["flag"] == "everybody passes" and tests[T2]["flag"] == "nobody passes"
    assert tests[T3]["flag"] == "" and tests[T3]["pass_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert [t["test"] for t in a["tests"][:2]] == [T2, T1], "nobody passes first, then everybody passes"
    assert a["students"] == {"total": 3, "graded": 3, "no_submission": 0, "grader_failures": 0}


@pytest.mark.parametrize("entries", [
    [],
    [graded("only", {T1: 1, T2: 0, T3: 1})],
    [graded("a", {T1: 0, T2: 0, T3: 0}), graded("b", {T1: 0, T2: 0, T3: 0})],
    [{"student": "x", "status": "no-submission", "doc": None}, {"student": "y", "status": "timeout", "doc": None}],
], ids=["no students", "one student", "nobody passes anything", "nobody graded"])
def test_degenerate_classes_write_a_report_without_dividing_by_zero(entries, tmp_path):
    a = item_analysis.analyse(entries)
    item_analysis.write(a, tmp_path)
    page = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", (tmp_path / "index.html").read_text())
    assert "Item analysis" in page and "NaN" not in page and "nan" not in page
    for t in a["tests"]:
        assert t["discrimination"] is None, "r needs variation on both sides"
    if not a["students"]["graded"]:
        assert "No graded student" in page and not list((tmp_path / "plots").glob("*.png"))
    json.loads((tmp_path / "item_analysis.json").read_text())  # strict JSON: no NaN


# ---- a synthetic class with planted tests ------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    base = tmp_path_factory.mktemp("synthetic")
    make_gradebook(base / "gradebook", students=60, seed=1)
    assert cli(["report", str(base / "gradebook"), "--out", str(base / "report")]) == 0
    return base / "gradebook", base / "report", json.loads((base / "report" / "item_analysis.json").read_text())


def test_the_planted_tests_are_flagged_and_listed_first(synthetic):
    _, _, a = synthetic
    tests = by_name(a)
    assert tests[PLANTED["nobody"]]["flag"] == "nobody passes"
    assert tests[PLANTED["everybody"]]["flag"] == "everybody passes"
    assert tests[PLANTED["negative"]]["flag"] == "negative discrimination", tests[PLANTED["negative"]]
    assert tests[PLANTED["negative"]]["discrimination"] < -0.2
    flags = [t["flag"] for t in a["tests"]]
    assert flags == sorted(flags, key=item_analysis.FLAG_ORDER.get), "flagged tests first, in the order of FLAG_ORDER"
    assert a["tests"][0]["test"] == PLANTED["nobody"]


def test_one_misleading_docstring_is_one_message_with_a_count(synthetic):
    gradebook, _, a = synthetic
    records = json.loads((gradebook / "records.json").read_text())
    failed = {r["student"] for r in records if r["results"] for t in r["results"]["tests"]
              if t["name"] == PLANTED["misleading"] and t["status"] != "passed"}
    assert len(failed) > 10
    rows = [f for f in a["failures"] if MISLEADING_HINT in f["message"]]
    assert len(rows) == 1, "messages that differ only in their numbers are one group"
    assert rows[0]["students"] == len(failed) and rows[0]["function"] == "gaussian_kl"
    assert "#" in rows[0]["message"] and "0." not in rows[0]["message"]


def test_unattempted_units_are_counted_not_listed_as_failures(synthetic):
    _, _, a = synthetic
    assert a["not_attempted"] and all(r["students"] > 0 for r in a["not_attempted"])
    assert not any("NotImplementedError" in f["message"] for f in a["failures"])


def test_the_csv_files_hold_the_same_rows_as_the_json(synthetic):
    _, report, a = synthetic
    read = lambda name: list(csv.DictReader(open(report / name, newline="")))
    assert [r["test"] for r in read("tests.csv")] == [t["test"] for t in a["tests"]]
    assert len(read("tests.csv")) == len(json.loads((Path(grade_all.ROOT) / "autograder" / "points.json").read_text()))
    assert [r["id"] for r in read("checklist.csv")] == [c["id"] for c in load_rubric()["checklist"]]
    assert len(read("projects.csv")) == 5 and len(read("failure_messages.csv")) == len(a["failures"])
    assert {r["unit"] for r in read("units.csv")} == {u["unit"] for u in a["units"]}
    assert a["students"] == {"total": 60, "graded": 58, "no_submission": 1, "grader_failures": 1}


def test_the_page_embeds_every_plot_and_loads_nothing(synthetic):
    _, report, _ = synthetic
    page = (report / "index.html").read_text()
    for name in ("overall", "units", "checklist", "projects", "items"):
        assert f'id="plot-{name}"' in page and (report / "plots" / f"{name}.png").stat().st_size > 1000
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert page.count('src="data:image/png;base64,') == 5


# ---- grade-all's outputs: one machine, merged shards, reports only -------------------------------

def _stand_in_grader(pinned, json_out, units, public_only, seed):
    """Writes a report for the student from three outcomes set by the folder name's length."""
    n = len(Path(pinned).name)
    doc = graded("x", {T1: n % 2, T2: n % 3 != 0, T3: n > 3})["doc"]
    doc["seed"] = seed
    return [sys.executable, "-c", "import pathlib, sys; pathlib.Path(sys.argv[1]).write_text(sys.argv[2])",
            str(json_out), json.dumps(doc)]


def test_the_report_reads_a_merged_regrade_as_it_reads_one_machine(tmp_path):
    subs = tmp_path / "subs"
    for name in ("ann", "bo", "cyrus", "dee", "eleanor"):
        (subs / name / "genlab").mkdir(parents=True)
    (subs / "hal").mkdir()
    run = lambda out, shard=None: grade_all.run_batch(subs, tmp_path / out, jobs=2, units=["vae"], seed=5, timeout=60,
                                                     command=_stand_in_grader, shard=shard)
    run("one")
    run("s1", "1/2"), run("s2", "2/2")
    grade_all.merge([tmp_path / "s1", tmp_path / "s2"], tmp_path / "merged")
    results = {}
    for book in ("one", "merged"):
        assert cli(["report", str(tmp_path / book), "--out", str(tmp_path / f"report-{book}")]) == 0
        results[book] = json.loads((tmp_path / f"report-{book}" / "item_analysis.json").read_text())
        results[book].pop("gradebook"), results[book].pop("seconds")
    assert results["one"] == results["merged"]
    assert results["one"]["students"] == {"total": 6, "graded": 5, "no_submission": 1, "grader_failures": 0}


def test_reports_alone_are_enough(tmp_path):
    make_gradebook(tmp_path / "book", students=6, seed=2)
    (tmp_path / "book" / "records.json").unlink()
    entries = item_analysis.load_gradebook(tmp_path / "book")
    assert len(entries) == 4 and all(e["status"] == "graded" for e in entries), "the 4 graded students' reports"
    assert item_analysis.analyse(entries)["students"]["graded"] == 4


def test_a_folder_without_a_gradebook_is_an_error_not_a_crash(tmp_path, capsys):
    assert cli(["report", str(tmp_path), "--out", str(tmp_path / "r")]) == 2
    assert "run grade-all first" in capsys.readouterr().out


# ---- grouping failure messages -------------------------------------------------------------------

def test_normalise_keeps_the_hint_and_drops_numbers_and_the_students_traceback():
    a = ("test_vae.py:42: expect_close(kl, torch.full((3,), 2.0))\nMismatched elements: 2 / 3 (66.7%)\n"
         "  at [0]: expected 2, received 0.5\n  at [1]: expected 2, received 0.25\nHint: summed, not averaged")
    b = a.replace("42", "57").replace("0.5", "1.5").replace("0.25", "-3e-4").replace("2 / 3 (66.7%)", "3 / 3 (100.0%)")
    assert messages.normalise(a) == messages.normalise(b)
    assert messages.normalise(a).endswith("Hint: summed, not averaged")
    c = "genlab.vae.vae_loss raised ValueError: bad\n\nWhere (your code):\n  File \"genlab/vae.py\", line 12, in vae_loss"
    assert messages.normalise(c) == "genlab.vae.vae_loss raised ValueError: bad"


def test_a_failure_is_put_on_the_function_it_is_about():
    assert messages.function_of(T1, "", "vae") == "gaussian_kl"
    assert messages.function_of("tests/test_vae.py::test_x", "genlab.vae.VAE raised KeyError: 3", "vae") == "VAE"
    assert messages.function_of("tests/test_vae.py::test_something_else", "", "vae") == "(other)"

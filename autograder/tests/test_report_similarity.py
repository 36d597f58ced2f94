"""`python -m autograder similarity SUBMISSIONS --out DIR` (autograder/report/similarity.py).

Copies are made by disguise.py: every name renamed, definitions and methods in reverse order,
docstrings and comments dropped, the code re-printed. The independent implementations are the
alternatives in autograder/tests/alternatives/ (a second, differently written correct solution of
each unit): against the reference they must never be flagged. The calibration of the default
threshold on all eleven units is test_the_threshold_separates_copies_from_independent_work.
"""
import csv
import json
import math
from pathlib import Path

import pytest

from autograder.__main__ import main as cli
from autograder.report import similarity
from autograder.results import load_rubric, rubric_units
from autograder.tests.disguise import alternative_of, disguise, make_similarity_class

ROOT = Path(__file__).resolve().parents[2]
UNITS = rubric_units(load_rubric())


def source(base, unit):
    return (ROOT / base / "genlab" / f"{unit}.py").read_text()


def flagged(doc):
    return {(p["unit"], p["a"], p["b"]) for p in doc["pairs"]}


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    base = tmp_path_factory.mktemp("similarity")
    copies = make_similarity_class(base / "subs")
    assert cli(["similarity", str(base / "subs"), "--out", str(base / "report"), "--units", "vae,gan,transformer"]) == 0
    return copies, base / "report", json.loads((base / "report" / "similarity.json").read_text())


def test_renamed_and_reordered_copies_are_flagged_and_nothing_else(classroom):
    copies, _, doc = classroom
    assert flagged(doc) == copies, "a disguised copy of a classmate or of the reference, and only those"
    assert [p["score"] for p in doc["pairs"]] == sorted((p["score"] for p in doc["pairs"]), reverse=True)


def test_the_starter_counts_for_nothing(classroom):
    """dave and erin handed in the starter unchanged: all of it is boilerplate, nothing to compare."""
    _, _, doc = classroom
    for u in doc["units"]:
        assert u["files"] == 6 and u["attempted"] == 4 and u["not_attempted"] == 2  # 5 students with files + reference
        assert u["pairs"] == math.comb(3, 2) + 3, "alice, bob, carol: each pair, and each against the reference"
    assert not any("dave" in (p["a"], p["b"]) or "erin" in (p["a"], p["b"]) for p in doc["pairs"])


def test_the_matching_regions_are_in_the_report_side_by_side(classroom):
    _, report, doc = classroom
    page = (report / "index.html").read_text()
    pair = doc["pairs"][0]
    for side in ("a", "b"):
        regions = pair[f"regions_{side}"]
        assert regions and all(0 <= s < e <= len(pair[f"code_{side}"]) for s, e in regions)
        assert sum(e - s for s, e in regions) > 0.5 * len(pair[f"code_{side}"].strip()) * pair[f"share_{side}"] / 2
    assert page.count('class="side"') == len(doc["pairs"]) and page.count("<mark>") >= 2 * len(doc["pairs"])
    rows = list(csv.DictReader(open(report / "similarity.csv", newline="")))
    assert [(r["unit"], r["a"], r["b"]) for r in rows] == [(p["unit"], p["a"], p["b"]) for p in doc["pairs"]]
    assert (report / "plots" / "similarity.png").stat().st_size > 1000 and 'id="plot-similarity"' in page


def test_the_threshold_separates_copies_from_independent_work():
    """Calibration of similarity.THRESHOLD over the eleven units: the alternative against the
    reference, and a disguised copy of the reference against it and the alternative, must score
    under it; a disguised copy of the reference or of the alternative, against its original, over it.
    Measured (idle machine, copydetect 0.5.0): independent 0.08-0.40, copies 0.74-0.97."""
    independent, copied = {}, {}
    for unit in UNITS:
        alternative = alternative_of(unit).read_text()
        files = [("alternative", "student", alternative), ("copy of the reference", "student", disguise(source("solutions", unit))),
                 ("copy of the alternative", "student", disguise(alternative, "z")),
                 ("reference solution", "reference", source("solutions", unit))]
        pairs, _ = similarity.compare_unit(unit, files, source("starter", unit), threshold=0.0, min_match=0)
        for p in pairs:
            copy = {p["a"], p["b"]} in ({"copy of the reference", "reference solution"}, {"alternative", "copy of the alternative"})
            (copied if copy else independent)[(unit, p["a"], p["b"])] = p["score"]
    print(f"\nindependent: {min(independent.values()):.2f}-{max(independent.values()):.2f}, "
          f"copies: {min(copied.values()):.2f}-{max(copied.values()):.2f}, threshold {similarity.THRESHOLD}")
    assert len(independent) == 4 * len(UNITS) and len(copied) == 2 * len(UNITS)
    assert max(independent.values()) < similarity.THRESHOLD - 0.1, independent
    assert min(copied.values()) > similarity.THRESHOLD + 0.1, copied


def test_the_scores_are_copydetects_for_every_pair():
    """score_rows computes all pairs at once; copydetect.compare_files, one pair at a time, must agree."""
    from copydetect import compare_files
    texts = [source("solutions", "gan"), alternative_of("gan").read_text(), disguise(source("solutions", "gan")),
             source("starter", "gan") + "\n\ndef extra(x):\n    return [v * 2 for v in x if v > 0]\n"]
    bp = similarity.boilerplate_hashes([source("starter", "gan")])
    fps = [similarity.fingerprint(t, "gan.py", bp) for t in texts]
    matched = similarity.score_rows(fps, {i: set(range(len(texts))) - {i} for i in range(len(texts))})
    for a in range(len(texts)):
        for b in range(len(texts)):
            if a != b:
                overlap, (share_a, _), _ = compare_files(fps[a], fps[b])
                assert matched[a, b] / fps[a].token_coverage == pytest.approx(share_a, abs=1e-12), (a, b)


def test_two_students_who_wrote_the_same_one_liner_are_not_flagged(tmp_path):
    """The natural one-line reparameterize, and nothing else, in two submissions: identical, but too
    little code (under --min-match characters) to mean anything."""
    stub = "    raise NotImplementedError\n"
    starter = source("starter", "vae")
    one_liner = starter.replace(stub, "    return mu + torch.exp(0.5 * logvar) * (torch.randn_like(mu) if eps is None else eps)\n", 1)
    for name in ("ann", "ben"):
        (tmp_path / "subs" / name / "genlab").mkdir(parents=True)
        (tmp_path / "subs" / name / "genlab" / "vae.py").write_text(one_liner)
    doc = similarity.run(tmp_path / "subs", tmp_path / "out", units=["vae"], reference=None)
    assert doc["units"][0]["max_score"] == 1.0 and doc["pairs"] == []


def test_a_previous_terms_submissions_are_compared_with_this_terms(tmp_path):
    for folder, name, text in (("now", "ann", alternative_of("vae").read_text()),
                               ("then", "old_ann", disguise(alternative_of("vae").read_text())),
                               ("then", "old_bob", disguise(source("solutions", "vae")))):
        (tmp_path / folder / name / "genlab").mkdir(parents=True)
        (tmp_path / folder / name / "genlab" / "vae.py").write_text(text)
    assert cli(["similarity", str(tmp_path / "now"), "--out", str(tmp_path / "r"), "--units", "vae",
                "--previous", str(tmp_path / "then")]) == 0
    doc = json.loads((tmp_path / "r" / "similarity.json").read_text())
    assert flagged(doc) == {("vae", "ann", "previous term: old_ann")}, "previous terms are not compared among themselves"
    assert doc["pairs"][0]["kind"] == "previous"


def test_report_and_similarity_share_one_page(classroom, tmp_path):
    from autograder.report.synthetic import make_gradebook
    _, report, _ = classroom
    make_gradebook(tmp_path / "book", students=8, seed=3)
    assert cli(["report", str(tmp_path / "book"), "--out", str(report)]) == 0
    page = (report / "index.html").read_text()
    assert 'id="items"' in page and 'id="similarity"' in page, "each command rewrites the page with both sections"

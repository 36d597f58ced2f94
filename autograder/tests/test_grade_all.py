"""The instructor's regrade (`python -m autograder grade-all`): a folder of students, one gradebook.

The main test grades seven students through the real judge and sandboxed worker, on the VAE unit's
public tests (fast; the per-call timeouts are shortened through the grader's environment):
the reference, the starter, partial work, a hostile submission, a syntax error, a hang, and a
student with no package at all. Timing --jobs 1 against --jobs 2 is bench/grade_all_jobs.py.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder import grade_all
from autograder.regions import STUB, find_regions
from autograder.results import load_rubric
from autograder.sandbox import best_available

ROOT = Path(__file__).resolve().parents[2]
SANDBOXED = best_available().startswith("bwrap")


# ---- the submissions ---------------------------------------------------------------------------

def _replace_region(text, function, new_body):
    """`text` with the solution region of `function` replaced by `new_body` (already indented)."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith(f"def {function}("))
    region = next(r for r in find_regions(text) if r.begin > start)
    return "".join(lines[:region.begin] + [new_body] + lines[region.end + 1:])


def _clear_all_but(text, keep):
    """The reference with every solution region cleared except those of the functions in `keep`."""
    for function in ("bernoulli_nll", "vae_loss", "__init__", "encode", "decode", "forward", "sample",
                     "interpolate", "iwae_bound", "reparameterize", "gaussian_kl"):
        if function in keep or f"def {function}(" not in text:
            continue
        lines = text.splitlines(keepends=True)
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith(f"def {function}("))
        region = next(r for r in find_regions(text) if r.begin > start)
        text = _replace_region(text, function, "".join(f"{region.indent}{s}\n" for s in STUB))
    return text


HOSTILE_VAE = '''\
"""A hostile submission: steals the reference, forges results, kills what it can, leaves processes."""
import glob
import os
import subprocess
import sys

_stolen = {}
for _path in ["%(root)s/solutions/genlab/vae.py", "../../solutions/genlab/vae.py",
              os.path.join(os.path.dirname(__file__), "..", "..", "solutions", "genlab", "vae.py")]:
    try:
        exec(compile(open(_path).read(), _path, "exec"), _stolen)
        break
    except Exception:
        pass
for _fake in glob.glob("/tmp/genlab-judge-*/outcomes.json") + glob.glob("%(root)s/**/outcomes.json"):
    try:
        open(_fake, "w").write('{"tests": []}')
    except Exception:
        pass


def reparameterize(mu, logvar, eps=None):
    if "reparameterize" in _stolen:
        return _stolen["reparameterize"](mu, logvar, eps)
    print("13 passed")  # stdout counts for nothing
    sys.exit(0)


def gaussian_kl(mu, logvar):
    if "gaussian_kl" in _stolen:
        return _stolen["gaussian_kl"](mu, logvar)
    for _ in range(3):
        subprocess.Popen(["sleep", "20"], start_new_session=True)  # left behind on purpose
    os.kill(-1, 9)  # every process it may signal


def bernoulli_nll(x_recon, x):
    if "bernoulli_nll" in _stolen:
        return _stolen["bernoulli_nll"](x_recon, x)
    os._exit(0)
'''


def make_submissions(dest):
    """Seven student folders under `dest`; returns {student: what it is}."""
    dest = Path(dest)
    ref = (ROOT / "solutions" / "genlab" / "vae.py").read_text()

    def student(name, layout="starter", vae=None, base="starter"):
        pkg = dest / name / ("starter/genlab" if layout == "starter" else "genlab")
        shutil.copytree(ROOT / base / "genlab", pkg, ignore=shutil.ignore_patterns("__pycache__"))
        if vae is not None:
            (pkg / "vae.py").write_text(vae)
        return pkg

    student("alice_reference", layout="flat", base="solutions")
    student("bob_starter")
    student("carol_partial", vae=_clear_all_but(ref, {"reparameterize", "gaussian_kl"}))
    student("dave_hostile", vae=HOSTILE_VAE % {"root": ROOT})
    student("erin_syntax_error", vae=(ROOT / "starter" / "genlab" / "vae.py").read_text()
            + "\n\ndef broken(:\n    pass\n")
    student("frank_hang", layout="flat", base="solutions",
            vae=_replace_region(ref, "iwae_bound", "    while True:  # never returns\n        pass\n"))
    (dest / "grace_empty").mkdir(parents=True)
    (dest / "grace_empty" / "README.md").write_text("I forgot to push my code.\n")
    return {"alice_reference": "reference", "bob_starter": "starter", "carol_partial": "partial",
            "dave_hostile": "hostile", "erin_syntax_error": "syntax error", "frank_hang": "hang",
            "grace_empty": "no package"}


def read_gradebook(out):
    with open(Path(out) / "gradebook.csv", newline="") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


# ---- the real batch ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("grade-all")
    make_submissions(base / "submissions")
    saved = {k: os.environ.get(k) for k in ("GENLAB_CALL_TIMEOUT", "GENLAB_IMPORT_TIMEOUT")}
    os.environ.update(GENLAB_CALL_TIMEOUT="4", GENLAB_IMPORT_TIMEOUT="8")
    try:
        summary = grade_all.run_batch(base / "submissions", base / "out", jobs=2, units=["vae"], public_only=True,
                                      timeout=300)
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    return base / "out", summary


@pytest.mark.slow
def test_every_student_is_graded_and_the_grader_never_fails(batch):
    out, summary = batch
    assert summary["grader_failures"] == [], (out / "failures.md").read_text()
    assert summary["submissions"] == 7 and summary["graded"] == 6
    assert summary["no_submission"] == ["grace_empty"]
    assert (out / "failures.md").read_text().startswith("# Grader failures\n\nNone:")


@pytest.mark.slow
def test_the_gradebook_has_the_right_scores(batch):
    out, _ = batch
    book = read_gradebook(out)
    full = float(book["alice_reference"]["max_score"])
    assert full > 0
    total = {name: float(row["total"]) for name, row in book.items()}
    assert total["alice_reference"] == full
    assert book["alice_reference"]["checklist:vae"] == "1"
    assert book["alice_reference"]["checklist:gan"] == ""          # not graded in this run
    assert total["bob_starter"] == 0 and book["bob_starter"]["checklist:vae"] == "0"
    assert 0 < total["carol_partial"] < full
    assert total["erin_syntax_error"] == 0
    assert 0 < total["frank_hang"] < full, "only the hanging function's test may fail"
    assert total["grace_empty"] == 0 and book["grace_empty"]["status"] == "no-submission"
    if SANDBOXED:  # outside the sandbox the hostile student could read the reference: nothing to check then
        assert total["dave_hostile"] == 0
    for name, row in book.items():
        assert row["unit:vae"] == ("0" if name == "grace_empty" else row["total"])
        assert row["projects_completed"] == "0"
        assert row["status"] in ("graded", "no-submission")
    assert list(book) == sorted(book)


@pytest.mark.slow
def test_each_student_gets_a_report_that_says_what_happened(batch):
    out, summary = batch
    for name in ("alice_reference", "bob_starter", "carol_partial", "dave_hostile", "erin_syntax_error", "frank_hang"):
        doc = json.loads((out / "reports" / f"{name}.json").read_text())
        md = (out / "reports" / f"{name}.md").read_text()
        assert doc["student"] == name and len(doc["fingerprint"]) == 64
        assert doc["seed"] == summary["seed"], "one seed for the whole batch"
        assert md.startswith(f"# {name}\n") and "### Assessment checklist" in md
        assert (out / "submissions" / name / "genlab" / "vae.py").is_file(), "the graded copy is kept"
    outputs = lambda name: "\n".join(t["output"] for t in json.loads((out / "reports" / f"{name}.json").read_text())["tests"])
    assert "SyntaxError" in outputs("erin_syntax_error")
    assert "did not finish within" in outputs("frank_hang")
    assert "NotImplementedError" in outputs("bob_starter")
    assert "No submission" in (out / "reports" / "grace_empty.md").read_text()


# ---- failures that are the grader's: one never stops the batch ------------------------------------

def test_a_hung_or_crashed_grading_never_stops_the_batch(tmp_path):
    """Stand-in grader commands: one hangs past the per-student limit, one crashes, one works."""
    subs = tmp_path / "subs"
    for name in ("ok", "stuck", "crash"):
        (subs / name / "genlab").mkdir(parents=True)
        (subs / name / "genlab" / "__init__.py").write_text("")
    canned = {"score": 5.0, "max_score": 10.0, "submission": "", "units": ["vae"], "hidden_graded": True,
              "isolation": "bwrap-user: ...", "seed": 1, "seconds": 0.1, "notices": [],
              "tests": [{"name": "tests/test_vae.py::test_a", "unit": "vae", "group": "vae-public", "status": "passed",
                         "score": 5.0, "max_score": 5.0}, {"name": "tests/test_vae.py::test_b", "unit": "vae",
                         "group": "vae-public", "status": "failed", "score": 0.0, "max_score": 5.0, "output": "no"}],
              "checklist": [{"id": "vae", "item": "VAE", "passed": False, "score": 5.0, "max_score": 10.0,
                             "graded": True}],
              "projects": [{"id": 1, "name": "VAE digits", "passed": False, "graded": True}]}

    def command(pinned, json_out, units, public_only, seed):
        name = Path(pinned).name
        if name == "stuck":
            return [sys.executable, "-c", "import subprocess, time; subprocess.Popen(['sleep', '30']); time.sleep(30)"]
        if name == "crash":
            return [sys.executable, "-c", "import os; print('boom'); os._exit(9)"]
        return [sys.executable, "-c", f"import pathlib, sys; pathlib.Path(sys.argv[1]).write_text({json.dumps(canned)!r})",
                str(json_out)]

    summary = grade_all.run_batch(subs, tmp_path / "out", jobs=3, units=["vae"], timeout=3, command=command)
    assert summary["seconds"] < 20
    book = read_gradebook(tmp_path / "out")
    assert book["ok"]["status"] == "graded" and book["ok"]["total"] == "5.0" and book["ok"]["unit:vae"] == "5.0"
    assert book["stuck"]["status"] == "timeout" and book["stuck"]["total"] == "", "never a zero for a grader failure"
    assert book["crash"]["status"] == "grader-error" and book["crash"]["total"] == ""
    failures = (tmp_path / "out" / "failures.md").read_text()
    assert "**stuck** (timeout)" in failures and "**crash** (grader-error)" in failures
    assert "boom" in (tmp_path / "out" / "logs" / "crash.log").read_text()
    assert {f["student"] for f in summary["grader_failures"]} == {"stuck", "crash"}


def test_the_cli_exits_3_when_the_grader_failed_and_0_otherwise(tmp_path, monkeypatch):
    import argparse
    calls = []

    def fake_batch(submissions, out, jobs, units, public_only, seed, timeout, shard=None, students_only=None,
                   release=None, deadlines=None):
        calls.append((jobs, units, public_only, timeout))
        return {"graded": 1, "submissions": 1, "seconds": 0.0, "jobs": jobs, "seed": 1,
                "grader_failures": [{"student": "x"}] if len(calls) > 1 else []}

    monkeypatch.setattr(grade_all, "run_batch", fake_batch)
    monkeypatch.setenv("GENLAB_GRADE_ALL_TIMEOUT", "77")
    args = argparse.Namespace(submissions=str(tmp_path), jobs=2, out=str(tmp_path / "o"), units="vae,gan")
    assert grade_all.main(args) == 0
    assert grade_all.main(args) == 3
    assert calls[0] == (2, ["vae", "gan"], False, 77.0)


# ---- many machines: shards and their merge -------------------------------------------------------

_CANNED = {"score": 1.0, "max_score": 20.0, "submission": "", "units": ["vae"], "hidden_graded": True,
           "isolation": "bwrap-user: ...", "seed": 1, "seconds": 0.1, "notices": [],
           "tests": [{"name": "tests/test_vae.py::test_a", "unit": "vae", "group": "vae-public", "status": "passed",
                      "score": 1.0, "max_score": 20.0}],
           "checklist": [{"id": "vae", "item": "VAE", "passed": False, "score": 1.0, "max_score": 20.0, "graded": True}],
           "projects": [{"id": 1, "name": "VAE digits", "passed": False, "graded": True}]}


def _canned_command(pinned, json_out, units, public_only, seed):
    """A stand-in grader whose score depends on the student, so a mix-up between shards shows."""
    score = float(len(Path(pinned).name))
    doc = {"score": score, "max_score": 20.0, "submission": "", "units": ["vae"], "hidden_graded": True,
           "isolation": "bwrap-user: ...", "seed": seed, "seconds": 0.1, "notices": [],
           "tests": [{"name": "tests/test_vae.py::test_a", "unit": "vae", "group": "vae-public", "status": "passed",
                      "score": score, "max_score": 20.0}],
           "checklist": [{"id": "vae", "item": "VAE", "passed": score >= 16, "score": score, "max_score": 20.0,
                          "graded": True}],
           "projects": [{"id": 1, "name": "VAE digits", "passed": False, "graded": True}]}
    return [sys.executable, "-c", f"import pathlib, sys; pathlib.Path(sys.argv[1]).write_text({json.dumps(doc)!r})",
            str(json_out)]


def test_shards_merged_give_the_gradebook_of_one_machine(tmp_path):
    subs = tmp_path / "subs"
    for name in ("ann", "bo", "cyrus", "dee", "eleanor", "fu", "gwendolyn"):
        (subs / name / "genlab").mkdir(parents=True)
        (subs / name / "genlab" / "__init__.py").write_text(f"# {name}\n")
    (subs / "hal").mkdir()  # no submission: still one row, in whichever shard it falls
    run = lambda out, shard=None: grade_all.run_batch(subs, tmp_path / out, jobs=2, units=["vae"], seed=7,
                                                     timeout=60, command=_canned_command, shard=shard)
    run("one")
    shards = [run(f"shard{i}", f"{i}/3") for i in (1, 2, 3)]
    assert sorted(n for s in shards for n in [s["submissions"]]) == [2, 3, 3]
    grade_all.merge([tmp_path / f"shard{i}" for i in (1, 2, 3)], tmp_path / "merged")

    def rows(out):  # a grading's wall time differs between any two runs; everything else must not
        return {name: {k: v for k, v in row.items() if k != "seconds"} for name, row in read_gradebook(out).items()}
    assert rows(tmp_path / "merged") == rows(tmp_path / "one")
    assert list(read_gradebook(tmp_path / "merged")) == sorted(read_gradebook(tmp_path / "one"))
    assert (tmp_path / "merged" / "reports" / "gwendolyn.json").is_file()


def test_a_roster_shard_is_the_same_students_as_a_folder_shard(tmp_path):
    """The regrade workflow clones only its shard's repositories (roster_shard); together the shards
    must cover the class exactly as `--shard` would split the cloned folders."""
    repos = ["org/Zoe", "org/amy", "other/bob", "org/bob-2", "org/_x", "org/amy.b"]
    (tmp_path / "roster.txt").write_text("# the class\n" + "\n".join(repos) + "\n\n")
    for r in repos:
        (tmp_path / "subs" / r.split("/")[1]).mkdir(parents=True)
    folders = grade_all.list_students(tmp_path / "subs")
    for shard in ("1/3", "2/3", "3/3"):
        assert [r.split("/")[1] for r in grade_all.roster_shard(tmp_path / "roster.txt", shard)] == \
            [f.name for f in grade_all.shard_of(folders, shard)]
    assert sorted(r for i in (1, 2, 3) for r in grade_all.roster_shard(tmp_path / "roster.txt", f"{i}/3")) == sorted(repos)


def test_one_student_is_regraded_into_the_gradebook_without_the_class(tmp_path):
    subs = tmp_path / "subs"
    for name in ("ann", "bo", "cyrus"):
        (subs / name / "genlab").mkdir(parents=True)
    grade_all.run_batch(subs, tmp_path / "out", jobs=1, units=["vae"], seed=3, timeout=60, command=_canned_command)
    before = read_gradebook(tmp_path / "out")
    (subs / "bo").rename(subs / "bob")  # a longer name: the canned grader gives it another score
    graded = []

    def command(pinned, json_out, units, public_only, seed):
        graded.append((Path(pinned).name, seed))
        return _canned_command(pinned, json_out, units, public_only, seed)
    grade_all.run_batch(subs, tmp_path / "out", jobs=1, units=["vae"], timeout=60, command=command,
                        students_only=["bob"])
    after = read_gradebook(tmp_path / "out")
    assert graded == [("bob", 3)], "only the named student, with the gradebook's seed"
    assert after["ann"] == before["ann"] and after["cyrus"] == before["cyrus"]
    assert after["bob"]["total"] == "3.0" and after["bo"] == before["bo"]
    with pytest.raises(ValueError, match="no submission folder"):
        grade_all.run_batch(subs, tmp_path / "out", jobs=1, units=["vae"], timeout=60, command=command,
                            students_only=["nobody"])


def test_a_regrade_against_a_release_uses_that_releases_grader_and_rubric(tmp_path):
    """--release REF unpacks the repository at REF and grades from there (its autograder, tests,
    hidden suites and rubric), so a student who started from it is graded as they were then."""
    subs = tmp_path / "subs"
    (subs / "ann" / "genlab").mkdir(parents=True)
    first = subprocess.run(["git", "-C", str(ROOT), "rev-list", "--max-parents=0", "HEAD"], capture_output=True, text=True)
    if first.returncode != 0:
        pytest.skip("not a git checkout")
    ref = "HEAD~1"

    def command(pinned, json_out, units, public_only, seed):
        doc = json.loads(json.dumps(_CANNED))
        return [sys.executable, "-c", "import autograder, json, sys; d = json.loads(sys.argv[2]); "
                "d['submission'] = autograder.__file__; open(sys.argv[1], 'w').write(json.dumps(d))",
                str(json_out), json.dumps(doc)]
    summary = grade_all.run_batch(subs, tmp_path / "out", jobs=1, units=["vae"], seed=1, timeout=60,
                                  command=command, release=ref)
    graded_by = json.loads((tmp_path / "out" / "reports" / "ann.json").read_text())["submission"]
    assert Path(graded_by).resolve().is_relative_to((tmp_path / "out" / ".grader").resolve())
    assert summary["release"] == ref
    with pytest.raises(ValueError, match="not a tag or commit"):
        grade_all.run_batch(subs, tmp_path / "out2", jobs=1, units=["vae"], seed=1, command=command,
                            release="no-such-tag")


def _commit(repo, text, date):
    env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date, GIT_AUTHOR_NAME="s",
               GIT_AUTHOR_EMAIL="s@x", GIT_COMMITTER_NAME="s", GIT_COMMITTER_EMAIL="s@x")
    (repo / "genlab").mkdir(parents=True, exist_ok=True)
    (repo / "genlab" / "vae.py").write_text(text)
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", text], check=True, env=env)


def test_each_student_is_graded_at_their_last_commit_before_their_deadline(tmp_path):
    subs = tmp_path / "subs"
    for name in ("ann", "bo", "cy"):
        _commit(subs / name, "# on time\n", "2026-11-30T12:00:00+00:00")
        _commit(subs / name, "# late\n", "2026-12-02T12:00:00+00:00")
    _commit(subs / "dee", "# only late\n", "2026-12-03T12:00:00+00:00")
    (tmp_path / "roster.csv").write_text("folder,student_id,extension_hours\nann,1,\nbo,2,48\n")
    deadlines = grade_all.student_deadlines("2026-12-01 23:59", tmp_path / "roster.csv")
    grade_all.run_batch(subs, tmp_path / "out", jobs=1, units=["vae"], seed=1, timeout=60,
                        command=_canned_command, deadlines=deadlines)
    graded = lambda name: (tmp_path / "out" / "submissions" / name / "genlab" / "vae.py").read_text()
    assert graded("ann") == "# on time\n" and graded("cy") == "# on time\n", "later commits are not graded"
    assert graded("bo") == "# late\n", "bo's 48-hour extension covers the second commit"
    book = read_gradebook(tmp_path / "out")
    assert book["dee"]["status"] == "no-submission" and "no commit before the deadline" in book["dee"]["notes"]
    assert len(book["ann"]["commit"]) == 40 and book["ann"]["commit"] != book["bo"]["commit"]


def test_the_late_penalty_policy_takes_late_work_and_a_share_of_its_points_per_day(tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    _commit(subs / "ann", "# on time\n", "2026-11-30T12:00:00+00:00")
    _commit(subs / "bobby", "# on time\n", "2026-11-30T12:00:00+00:00")
    _commit(subs / "bobby", "# 1.5 days late\n", "2026-12-03T12:00:00+00:00")
    _commit(subs / "cyrus", "# 2 days late\n", "2026-12-03T23:00:00+00:00")
    _commit(subs / "cyrus", "# far too late\n", "2026-12-09T12:00:00+00:00")
    rubric = {**load_rubric(), "late": {"policy": "penalty", "percent_per_day": 10, "max_days_late": 3}}
    monkeypatch.setattr("autograder.results.load_rubric", lambda *a, **k: rubric)
    grade_all.run_batch(subs, tmp_path / "out", jobs=1, units=["vae"], seed=1, timeout=60, command=_canned_command,
                        deadlines=grade_all.student_deadlines("2026-12-02 00:00"))
    book = read_gradebook(tmp_path / "out")
    graded = lambda name: (tmp_path / "out" / "submissions" / name / "genlab" / "vae.py").read_text()
    assert book["ann"]["total"] == "3.0", "on time: no penalty (the canned grader gives len(name) points)"
    assert graded("bobby") == "# 1.5 days late\n" and book["bobby"]["total"] == "4.0", "2 days late: 80% of 5"
    assert graded("cyrus") == "# 2 days late\n", "past max_days_late a commit is not graded"
    assert book["cyrus"]["total"] == "4.0" and "2 day(s) late: 20% of the points deducted" in book["cyrus"]["notes"]


def test_merge_refuses_shards_graded_differently_or_overlapping(tmp_path):
    subs = tmp_path / "subs"
    for name in ("ann", "bo"):
        (subs / name / "genlab").mkdir(parents=True)
    common = dict(jobs=1, units=["vae"], timeout=60, command=_canned_command)
    grade_all.run_batch(subs, tmp_path / "a", seed=1, shard="1/2", **common)
    grade_all.run_batch(subs, tmp_path / "b", seed=2, shard="2/2", **common)
    with pytest.raises(ValueError, match="graded differently"):
        grade_all.merge([tmp_path / "a", tmp_path / "b"], tmp_path / "m")
    grade_all.run_batch(subs, tmp_path / "c", seed=1, shard="1/2", **common)
    with pytest.raises(ValueError, match="more than one shard"):
        grade_all.merge([tmp_path / "a", tmp_path / "c"], tmp_path / "m2")
    with pytest.raises(ValueError, match="needs --seed"):
        grade_all.run_batch(subs, tmp_path / "d", shard="1/2", **common)


# ---- pinning -------------------------------------------------------------------------------------

def test_a_submission_is_found_in_either_layout(tmp_path):
    (tmp_path / "a" / "genlab").mkdir(parents=True)
    (tmp_path / "b" / "starter" / "genlab").mkdir(parents=True)
    (tmp_path / "c" / "src").mkdir(parents=True)
    assert grade_all.find_submission(tmp_path / "a") == tmp_path / "a"
    assert grade_all.find_submission(tmp_path / "b") == tmp_path / "b" / "starter"
    assert grade_all.find_submission(tmp_path / "c") is None


def test_the_pinned_copy_drops_links_and_caches_and_is_fingerprinted(tmp_path):
    pkg = tmp_path / "s" / "genlab"
    (pkg / "__pycache__").mkdir(parents=True)
    (pkg / "vae.py").write_text("x = 1\n")
    (pkg / "__pycache__" / "vae.cpython-312.pyc").write_bytes(b"\0stale")
    secret = tmp_path / "solutions.py"
    secret.write_text("THE ANSWER\n")
    (pkg / "gan.py").symlink_to(secret)
    (pkg / "linked_dir").symlink_to(tmp_path)
    digest, notes = grade_all.snapshot(tmp_path / "s", tmp_path / "pinned")
    copied = sorted(p.relative_to(tmp_path / "pinned").as_posix() for p in (tmp_path / "pinned").rglob("*"))
    assert copied == ["genlab", "genlab/vae.py"]
    assert any("gan.py" in n for n in notes) and any("linked_dir" in n for n in notes)
    digest2, _ = grade_all.snapshot(tmp_path / "s", tmp_path / "pinned2")
    assert digest == digest2 and len(digest) == 64
    (pkg / "vae.py").write_text("x = 2\n")
    assert grade_all.snapshot(tmp_path / "s", tmp_path / "pinned3")[0] != digest


def test_the_commit_is_read_without_running_git(tmp_path):
    git = tmp_path / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "packed-refs").write_text("# pack-refs\n" + "a" * 40 + " refs/heads/main\n")
    assert grade_all.git_commit(tmp_path) == "a" * 40
    (git / "refs" / "heads" / "main").write_text("b" * 40 + "\n")
    assert grade_all.git_commit(tmp_path) == "b" * 40
    assert grade_all.git_commit(tmp_path / "nothing") == ""


def test_the_submissions_used_here_are_what_they_claim(tmp_path):
    """Guards the fixture: partial keeps two solved functions, the hang loops only in iwae_bound."""
    kinds = make_submissions(tmp_path)
    assert len(kinds) >= 6
    partial = (tmp_path / "carol_partial" / "starter" / "genlab" / "vae.py").read_text()
    assert partial.count("raise NotImplementedError") >= 5 and "torch.exp(0.5 * logvar)" in partial
    hang = (tmp_path / "frank_hang" / "genlab" / "vae.py").read_text()
    assert hang.count("while True") == 1 and "raise NotImplementedError" not in hang
    compile(hang, "vae.py", "exec")
    with pytest.raises(SyntaxError):
        compile((tmp_path / "erin_syntax_error" / "starter" / "genlab" / "vae.py").read_text(), "vae.py", "exec")
    assert textwrap.dedent(HOSTILE_VAE)  # compiles as Python below
    compile(HOSTILE_VAE % {"root": ROOT}, "vae.py", "exec")


def test_a_folder_name_is_never_read_as_a_spreadsheet_formula():
    rec = {"student": "=HYPERLINK(\"x\")", "status": "no-submission", "commit": "", "fingerprint": "", "seconds": 0.0,
           "message": "", "notes": [], "results": None}
    assert grade_all.gradebook_row(rec, None, ["vae"])["student"] == "'=HYPERLINK(\"x\")"

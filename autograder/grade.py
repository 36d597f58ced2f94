"""`python -m autograder grade`: run the judge over a submission and write a report.

The judge is a pytest process over the public tests and, where present, the hidden suites. It
never imports the submission: every test asks the sandboxed worker for data. This module only
starts the judge, reads the outcomes it wrote, applies the rubric and writes the report.

Exit status: 0 whenever grading completed (whatever the score); 3 when the grader itself failed.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import reports
from .results import load_rubric, rubric_units, score

ROOT = Path(__file__).resolve().parent.parent
HIDDEN = ROOT / "autograder" / "hidden"
JUDGE_TIMEOUT_S = 1800


class GraderError(RuntimeError):
    """The grader could not complete: its own fault, never the submission's."""


def test_files(units, public_only=False):
    """{unit: [test files]} for the units that have any tests here."""
    files = {}
    for unit in units:
        found = [p for p in (ROOT / "tests" / f"test_{unit}.py",) if p.exists()]
        if not public_only:
            found += [p for p in (HIDDEN / f"test_{unit}.py",) if p.exists()]
        if found:
            files[unit] = found
    return files


def run_judge(submission, files, seed=None, first_failure=False, isolation=None):
    """Run pytest (the judge) in a subprocess; return what it recorded."""
    with tempfile.TemporaryDirectory(prefix="genlab-judge-") as tmp:
        results_path = Path(tmp) / "outcomes.json"
        cmd = [sys.executable, "-m", "pytest", *map(str, files), "-q", "-p", "no:cacheprovider",
               "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"),
               "--genlab-submission", str(submission), "--genlab-results", str(results_path)]
        if seed is not None:
            cmd += ["--genlab-seed", str(seed)]
        if first_failure:
            cmd += ["-x"]
        if isolation:
            cmd += ["--genlab-isolation", isolation]
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", GENLAB_PROGRESS="0")
        try:
            proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=JUDGE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise GraderError(f"the judge did not finish within {JUDGE_TIMEOUT_S} s") from None
        if proc.returncode not in (0, 1) or not results_path.exists():
            raise GraderError(f"the judge failed (pytest exit {proc.returncode}):\n"
                              f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
        outcomes = json.loads(results_path.read_text())
    broken = [t for t in outcomes["tests"] if t.get("error_type") == "WorkerStartError"]
    if broken:
        raise GraderError(f"the worker could not start: {broken[0]['output'][:2000]}")
    return outcomes


def grade(submission="starter", units=None, public_only=False, seed=None, first_failure=False, isolation=None):
    t0 = time.perf_counter()
    submission = Path(submission).resolve()
    if not submission.is_dir():
        raise GraderError(f"{submission} is not a folder (it should hold a genlab/ package)")
    rubric = load_rubric()
    wanted = rubric_units(rubric) if not units else units
    unknown = [u for u in wanted if u not in rubric_units(rubric)]
    if unknown:
        raise GraderError(f"unknown unit(s) {unknown}; the rubric has {rubric_units(rubric)}")
    files = test_files(wanted, public_only)
    if not files:
        raise GraderError(f"no tests found for units {wanted}")
    hidden_graded = any(p.is_relative_to(HIDDEN) for fs in files.values() for p in fs)
    outcomes = run_judge(submission, [f for fs in files.values() for f in fs], seed, first_failure, isolation)
    results = score(outcomes["tests"], rubric, list(files), hidden_graded)
    results.submission = str(submission)
    results.isolation = outcomes["isolation"]
    results.seed = outcomes["seed"]
    results.seconds = time.perf_counter() - t0
    if not (submission / "genlab").is_dir():
        results.notices.insert(0, f"{submission} has no genlab/ package: nothing could be imported")
    if not hidden_graded:
        results.notices.append("hidden suites not present: this is the public score only")
    else:  # the worker can read the probes it runs: keep hidden lines out of the messages it sends back
        from .platforms.redact import redact
        redact(results, ROOT)
    return results


def main(args):
    units = [u.strip() for u in args.units.split(",")] if args.units else None
    submission = args.submission or str(ROOT / "starter")
    try:
        results = grade(submission, units, args.public_only, args.seed, args.first_failure)
    except GraderError as exc:
        print(f"grader error: {exc}", file=sys.stderr)
        return 3
    report = reports.WRITERS[args.format](results)
    if args.out:
        Path(args.out).write_text(report)
        print(f"wrote {args.format} report to {args.out}: {results.score:.1f} / {results.max_score:.1f}")
    else:
        sys.stdout.write(report)
    return 0

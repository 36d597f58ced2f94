"""`python -m autograder grade`: run the judge over a submission and write a report.

The judge is a pytest process over the public tests and, where present, the hidden suites. It
never imports the submission: every test asks the sandboxed worker for data. This module only
starts the judge, reads the outcomes it wrote, applies the rubric and writes the report.

Exit status: 0 whenever grading completed (whatever the score); 3 when the grader itself failed.
"""
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import reports
from .results import load_rubric, rubric_units, score

ROOT = Path(__file__).resolve().parent.parent
HIDDEN = ROOT / "autograder" / "hidden"
JUDGE_TIMEOUT_S = 1800
# The judge's pytest loads only the plugins it needs: autoloading every installed pytest plugin
# (hypothesis, anyio, pytest-benchmark, ... on a typical machine) cost 1.2 s per judge here, and
# the unraisable-exception plugin's five full garbage collections at exit another 0.5 s.
JUDGE_ENV = {"PYTHONDONTWRITEBYTECODE": "1", "GENLAB_PROGRESS": "0", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
JUDGE_PLUGINS = ["-p", "pytest_timeout", "-p", "no:unraisableexception"]


class GraderError(RuntimeError):
    """The grader could not complete: its own fault, never the submission's."""


class JudgeTimeout(GraderError):
    """The judge ran past its time limit."""


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


def run_judge(submission, files, seed=None, first_failure=False, isolation=None, judge=None, only=None,
              timeout=JUDGE_TIMEOUT_S):
    """Run pytest (the judge) over `files` in a fresh process; return what it recorded.

    `judge`: a WarmJudge (warm_judge.py) to fork the session from, instead of starting Python.
    `only`: a pytest -k expression selecting tests (benchmarks; never for grades).
    """
    with tempfile.TemporaryDirectory(prefix="genlab-judge-") as tmp:
        results_path = Path(tmp) / "outcomes.json"
        # -m "": the judge runs every test of the files, whatever its marks (pyproject deselects slow ones).
        args = [*map(str, files), "-q", "-p", "no:cacheprovider", *JUDGE_PLUGINS, "-m", "",
                "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"),
                "--genlab-submission", str(submission), "--genlab-results", str(results_path)]
        if seed is not None:
            args += ["--genlab-seed", str(seed)]
        if first_failure:
            args += ["-x"]
        if isolation:
            args += ["--genlab-isolation", isolation]
        if only:
            args += ["-k", only]
        if judge is not None:
            code, output = judge.run(args, timeout)
        else:
            env = dict(os.environ, **JUDGE_ENV)
            try:
                proc = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=ROOT, env=env,
                                      capture_output=True, text=True, timeout=timeout)
                code, output = proc.returncode, proc.stdout[-4000:] + "\n" + proc.stderr[-4000:]
            except subprocess.TimeoutExpired:
                code = None
        if code is None:
            raise JudgeTimeout(f"the judge did not finish within {timeout:g} s")
        if code not in (0, 1) or not results_path.exists():
            raise GraderError(f"the judge failed (pytest exit {code}):\n{output[-8000:]}")
        outcomes = json.loads(results_path.read_text())
    broken = [t for t in outcomes["tests"] if t.get("error_type") == "WorkerStartError"]
    if broken:
        raise GraderError(f"the worker could not start: {broken[0]['output'][:2000]}")
    return outcomes


def default_jobs():
    """Judges to run side by side: one per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def split_units(files, jobs, rubric):
    """Deal the units over `jobs` judges, heaviest first, each to the lightest judge so far.

    A unit's weight is its number of test files, three more for a project (a training run). Each
    judge starts one pytest and one worker (about 2 s of CPU each), so never more judges than units.
    """
    projects = {g["unit"] for g in rubric["group"] if g.get("project")}
    weight = {u: len(fs) + (3 if u in projects else 0) for u, fs in files.items()}
    buckets = [[] for _ in range(max(1, min(jobs, len(files))))]
    load = [0] * len(buckets)
    for unit in sorted(files, key=lambda u: -weight[u]):
        i = load.index(min(load))
        buckets[i].append(unit)
        load[i] += weight[unit]
    return [[f for u in files if u in b for f in files[u]] for b in buckets]


def run_judges(submission, files, rubric, seed, first_failure, isolation, jobs, judge=None, only=None,
               timeout=JUDGE_TIMEOUT_S):
    """Grade `files` ({unit: [test files]}) with up to `jobs` judges in parallel, one seed for all.

    Each test's inputs depend only on the seed and its own name (pytest_plugin), so the outcomes
    are the same whichever judge ran a test and however many judges there were.
    """
    seed = random.SystemRandom().getrandbits(31) if seed is None else seed
    batches = split_units(files, jobs, rubric)
    with ThreadPoolExecutor(max_workers=len(batches)) as pool:
        parts = list(pool.map(lambda fs: run_judge(submission, fs, seed, first_failure, isolation, judge, only, timeout),
                              batches))
    order = {str(f): i for i, f in enumerate(f for fs in files.values() for f in fs)}
    tests = sorted((t for part in parts for t in part["tests"]),
                   key=lambda t: order.get(str(ROOT / t["nodeid"].split("::")[0]), len(order)))
    return {**parts[0], "tests": tests,
            "worker_starts": sum(p.get("worker_starts", 0) for p in parts),
            "worker_startup_seconds": round(sum(p.get("worker_startup_seconds", 0.0) for p in parts), 3)}


def grade(submission="starter", units=None, public_only=False, seed=None, first_failure=False, isolation=None,
          jobs=None, judge=None, only=None, timeout=JUDGE_TIMEOUT_S):
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
    if judge is not None:
        jobs = 1  # one warm judge serves one grading at a time
    outcomes = run_judges(submission, files, rubric, seed, first_failure, isolation, jobs or default_jobs(), judge, only,
                          timeout)
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
        results = grade(submission, units, args.public_only, args.seed, args.first_failure, jobs=args.jobs)
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

"""Time the instructor regrade with --jobs 1 against --jobs 2 on the same folder of submissions.

    python bench/grade_all_jobs.py [--hidden] [--jobs 1,2] [--keep DIR]

Builds the seven students of autograder/tests/test_grade_all.py (reference, starter, partial work,
hostile, syntax error, hang, no package), then runs the real command for each job count:

    python -m autograder grade-all SUBMISSIONS --jobs N --out OUT --units vae

on the VAE unit's public tests (GENLAB_GRADE_ALL_PUBLIC_ONLY=1) unless --hidden is given. Prints
the wall time of each run and checks that the gradebooks agree (same totals for every student).
The machine's load matters: run it on an idle machine and say which one.
"""
import argparse
import csv
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_submissions(dest):
    spec = importlib.util.spec_from_file_location("_genlab_grade_all_cases", ROOT / "autograder" / "tests" / "test_grade_all.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.make_submissions(dest)


def totals(out):
    with open(Path(out) / "gradebook.csv", newline="") as f:
        return {row["student"]: (row["total"], row["status"]) for row in csv.DictReader(f)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hidden", action="store_true", help="grade the hidden VAE suite too (slower)")
    ap.add_argument("--jobs", default="1,2", help="job counts to time, comma-separated")
    ap.add_argument("--units", default="vae")
    ap.add_argument("--keep", default=None, help="keep submissions and gradebooks in this folder")
    args = ap.parse_args()
    base = Path(args.keep or tempfile.mkdtemp(prefix="genlab-bench-"))
    subs = base / "submissions"
    if not subs.exists():
        make_submissions(subs)
    env = dict(os.environ)
    if not args.hidden:
        env["GENLAB_GRADE_ALL_PUBLIC_ONLY"] = "1"
    print(f"{len(list(subs.iterdir()))} submissions in {subs}; units {args.units}; "
          f"{'hidden + public' if args.hidden else 'public'} tests; {os.cpu_count()} CPUs; "
          f"load average before: {os.getloadavg()[0]:.2f}")
    results = {}
    for jobs in [int(j) for j in args.jobs.split(",")]:
        out = base / f"out-jobs{jobs}"
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "autograder", "grade-all", str(subs), "--jobs", str(jobs),
                               "--out", str(out), "--units", args.units], cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        results[jobs] = (seconds, totals(out) if (out / "gradebook.csv").exists() else {})
        print(f"--jobs {jobs}: {seconds:6.1f} s  (exit {proc.returncode}; load average after: {os.getloadavg()[0]:.2f})")
        if proc.returncode != 0:
            print(proc.stdout[-3000:], proc.stderr[-3000:])
    books = [r[1] for r in results.values()]
    agree = all(b == books[0] for b in books)
    print("gradebooks agree" if agree else "GRADEBOOKS DIFFER: " + repr(books))
    if len(results) >= 2:
        (s1, _), (s2, _) = results[min(results)], results[max(results)]
        print(f"speed-up --jobs {max(results)} over --jobs {min(results)}: {s1 / s2:.2f}x")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())

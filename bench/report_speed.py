"""Time the class report: item analysis of a synthetic class, and the similarity check.

    python bench/report_speed.py [--students 500] [--similarity-students 60] [--keep DIR]

1. A synthetic gradebook of --students students x every real test (autograder/report/synthetic.py),
   then the real command, timed: python -m autograder report GRADEBOOK --out REPORT.
2. Similarity on the alternatives, every unit: the alternative, a disguised copy of it, a disguised
   copy of the reference, and the reference (autograder/tests/disguise.py): the time, and the
   scores of independent work and of copies against the default threshold.
3. Similarity's growth with the class: --similarity-students disguised copies of the largest unit
   (language_model), every pair scored: the real command, timed.
The machine's load matters: run it on an idle machine and say which one.
"""
import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(cmd):
    """(wall seconds, CPU seconds) of a command: on a loaded machine the CPU time is the figure that
    an idle one would show as wall time (the commands run on one core)."""
    before, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - t0, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    from autograder.report import similarity
    from autograder.report.synthetic import make_gradebook
    from autograder.results import load_rubric, rubric_units
    from autograder.tests.disguise import alternative_of, disguise

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--students", type=int, default=500)
    p.add_argument("--similarity-students", type=int, default=60)
    p.add_argument("--keep", default=None)
    args = p.parse_args()
    base = Path(args.keep or tempfile.mkdtemp(prefix="genlab-report-bench-"))

    make_gradebook(base / "gradebook", students=args.students, seed=0)
    wall, cpu = timed([sys.executable, "-m", "autograder", "report", str(base / "gradebook"), "--out", str(base / "report")])
    tests = len(json.loads((ROOT / "autograder" / "points.json").read_text()))
    print(f"report: {args.students} students x {tests} tests: {wall:.1f} s wall, {cpu:.1f} s CPU")

    independent, copies, t0, c0 = [], [], time.perf_counter(), time.process_time()
    for unit in rubric_units(load_rubric()):
        src = lambda where: (ROOT / where / "genlab" / f"{unit}.py").read_text()
        alt = alternative_of(unit).read_text()
        files = [("alt", "student", alt), ("alt copy", "student", disguise(alt, "z")),
                 ("ref copy", "student", disguise(src("solutions"))), ("ref", "reference", src("solutions"))]
        pairs, _ = similarity.compare_unit(unit, files, src("starter"), threshold=0.0, min_match=0)
        for pr in pairs:
            copy = {pr["a"], pr["b"]} in ({"alt", "alt copy"}, {"ref copy", "ref"})
            (copies if copy else independent).append((pr["score"], unit, pr["a"], pr["b"]))
            print(f"  {unit:<15} {pr['a']:>9} ~ {pr['b']:<9} {pr['score']:.3f}{'  (copy)' if copy else ''}")
    print(f"similarity on the alternatives, 11 units: {time.perf_counter() - t0:.1f} s wall, "
          f"{time.process_time() - c0:.1f} s CPU; independent work "
          f"{min(independent)[0]:.2f}-{max(independent)[0]:.2f} (highest: {max(independent)[1]}), copies "
          f"{min(copies)[0]:.2f}-{max(copies)[0]:.2f} (lowest: {min(copies)[1]}); threshold {similarity.THRESHOLD}")

    subs = base / "subs"
    ref = (ROOT / "solutions" / "genlab" / "language_model.py").read_text()
    alt = alternative_of("language_model").read_text()
    for i in range(args.similarity_students):
        (subs / f"s{i:03d}" / "genlab").mkdir(parents=True, exist_ok=True)
        (subs / f"s{i:03d}" / "genlab" / "language_model.py").write_text(disguise(ref if i % 2 else alt, f"v{i}"))
    n = args.similarity_students
    wall, cpu = timed([sys.executable, "-m", "autograder", "similarity", str(subs), "--out", str(base / "report"),
                       "--units", "language_model"])
    print(f"similarity: {n} students of language_model ({n * (n - 1) // 2 + n} pairs): {wall:.1f} s wall, {cpu:.1f} s CPU")
    print(f"files in {base}")


if __name__ == "__main__":
    main()

"""How long grading takes, against its budgets (issue 17), and against otter-grader.

    python bench/grade_speed.py [--units vae,gan] [--skip-otter] [--verify]

Prints, each with its budget, the ratio measured/budget (under 1 is within budget) and, when
otter-grader is installed, the ratio to `otter run` on a one-question notebook measured first:
- the floor of a cold grading: one `python -c "import torch"`, which the judge and the worker each
  pay (side by side, on two cores);
- the grader's overhead: judge start + worker start + one trivial call + teardown, no student work,
  cold (`grade`: a new judge and worker) and through the warm judge (what `verify` grades mutants
  and alternatives with: the judge forks per grading, and each grading's worker was started while
  the grading before it ran);
- each unit graded alone (public + hidden suites, projects included) on the reference;
- every unit together, as one `grade` command (judges run side by side, one per core);
- `otter run` on a one-question notebook, the same measurement for the tool many courses use
  (when otter-grader is installed: `pip install otter-grader`; it is no dependency of genlab);
- with --verify, `python -m autograder verify` (every unit's mutants and alternatives), budget 10 min.
Wall seconds and the machine's CPU seconds (every process, from /proc/stat) are both printed: where
wall is far above CPU / cores, something waits. Run it on an idle machine and give `uptime` with
the figures.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from autograder.grade import grade  # noqa: E402
from autograder.results import load_rubric, rubric_units  # noqa: E402
from autograder.warm_judge import WarmJudge  # noqa: E402

BUDGET_UNIT_S = 15.0
BUDGET_ALL_S = 60.0
BUDGET_OVERHEAD_S = 1.0
BUDGET_VERIFY_S = 600.0


def cpu_seconds():
    """CPU seconds the whole machine has spent (every process: a worker killed at the end of its
    grading is never waited for, so this process's rusage would miss it); rusage where there is
    no /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        busy = sum(int(v) for i, v in enumerate(fields[:8]) if i not in (3, 4))  # all but idle and iowait
        return busy / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn):
    w0, c0 = time.perf_counter(), cpu_seconds()
    value = fn()
    return time.perf_counter() - w0, cpu_seconds() - c0, value


OTTER = {}  # the wall seconds of `otter run` on a one-question notebook, once measured


def row(what, wall, cpu, budget=None):
    ratio = f"{wall / budget:6.2f}" if budget else "     -"
    otter = f"{wall / OTTER['wall']:6.2f}" if OTTER else "     -"
    print(f"{what:<48} {wall:8.2f} {cpu:8.2f} {budget if budget else '-':>7} {ratio} {otter}", flush=True)


def overhead(tmp):
    """grade() of one public VAE test that makes one trivial call: start, call, teardown."""
    sub = Path(tmp) / "overhead"
    shutil.copytree(ROOT / "solutions" / "genlab", sub / "genlab")
    return timed(lambda: grade(sub, ["vae"], public_only=True, jobs=1, only="test_gaussian_kl_is_zero_for_the_prior"))


def otter_one_question(tmp):
    """Build a one-question otter notebook with `otter assign`, then time `otter run` on it."""
    import nbformat
    tmp = Path(tmp) / "otter"
    tmp.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_raw_cell("# ASSIGNMENT CONFIG\nexport_cell: false\ncheck_all_cell: false\nrun_tests: false\n"),
                nbformat.v4.new_raw_cell("# BEGIN QUESTION\nname: q1\npoints: 1"),
                nbformat.v4.new_raw_cell("# BEGIN SOLUTION"),
                nbformat.v4.new_code_cell("def square(x):\n    return x * x  # SOLUTION"),
                nbformat.v4.new_raw_cell("# END SOLUTION"),
                nbformat.v4.new_raw_cell("# BEGIN TESTS"),
                nbformat.v4.new_code_cell("assert square(3) == 9"),
                nbformat.v4.new_raw_cell("# END TESTS"),
                nbformat.v4.new_raw_cell("# END QUESTION")]
    nbformat.write(nb, tmp / "master.ipynb")
    subprocess.run(["otter", "assign", "master.ipynb", "dist"], cwd=tmp, check=True, capture_output=True)
    zip_path = next((tmp / "dist" / "autograder").glob("*.zip"))
    (tmp / "out").mkdir()
    cmd = ["otter", "run", "-a", str(zip_path), "-o", str(tmp / "out"), str(tmp / "dist" / "autograder" / "master.ipynb")]
    return timed(lambda: subprocess.run(cmd, cwd=tmp, check=True, capture_output=True))


def torch_import():
    return timed(lambda: subprocess.run([sys.executable, "-c", "import torch"], check=True))


def warm_judge_overhead():
    """Per grading through the warm judge (verify's mutants), once it is started and the grading's
    worker has had its start-up time (the grading before it, here a pause of 3 s)."""
    judge = WarmJudge()
    try:
        sub = ROOT / "solutions"
        grade(sub, ["vae"], public_only=True, judge=judge, only="test_gaussian_kl_is_zero_for_the_prior")
        time.sleep(3)
        return timed(lambda: grade(sub, ["vae"], public_only=True, judge=judge,
                                   only="test_gaussian_kl_is_zero_for_the_prior"))
    finally:
        judge.close()


def verify():
    return timed(lambda: subprocess.run([sys.executable, "-m", "autograder", "verify"], cwd=ROOT, check=True,
                                        stdout=subprocess.DEVNULL))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--units", default=None)
    p.add_argument("--skip-otter", action="store_true")
    p.add_argument("--verify", action="store_true", help="also time `python -m autograder verify` (about 8 min)")
    args = p.parse_args()
    torch.set_num_threads(1)
    units = args.units.split(",") if args.units else [u for u in rubric_units(load_rubric())
                                                      if (ROOT / "tests" / f"test_{u}.py").exists()]
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(f"{'what':<48} {'wall s':>8} {'cpu s':>8} {'budget':>7} {'ratio':>6} {'/otter':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_otter and shutil.which("otter"):
            wall, cpu, _ = otter_one_question(tmp)
            row("otter run, one-question notebook", wall, cpu)
            OTTER["wall"] = wall
        else:
            print("(otter-grader is not installed: no /otter column; pip install otter-grader to compare)")
        wall, cpu, _ = torch_import()
        row("floor of a cold start: python -c 'import torch'", wall, cpu)
        wall, cpu, r = overhead(tmp)
        row("overhead, cold: judge + worker + 1 call + end", wall, cpu, BUDGET_OVERHEAD_S)
        print(f"  (isolation: {r.isolation})")
        wall, cpu, _ = warm_judge_overhead()
        row("overhead through the warm judge (verify)", wall, cpu, BUDGET_OVERHEAD_S)
        for unit in units:
            wall, cpu, r = timed(lambda: grade(ROOT / "solutions", [unit]))
            row(f"{unit} ({len(r.tests)} tests, {r.score:.0f}/{r.max_score:.0f})", wall, cpu, BUDGET_UNIT_S)
        wall, cpu, r = timed(lambda: grade(ROOT / "solutions", units))
        row(f"all {len(units)} units ({len(r.tests)} tests, {r.score:.0f}/{r.max_score:.0f})", wall, cpu, BUDGET_ALL_S)
    if args.verify:
        wall, cpu, _ = verify()
        row("verify: every mutant and alternative", wall, cpu, BUDGET_VERIFY_S)


if __name__ == "__main__":
    main()

"""`python -m autograder verify`: the grader is right about the code we know the answer for.

1. The reference (solutions/) scores full marks.
2. The generated starter scores zero, and every test fails with NotImplementedError, nothing else.
3. Every catalogued mutant (autograder/hidden/mutants/) loses points.
4. Every alternative implementation (autograder/tests/alternatives/<unit>_*.py, a differently
   written correct module) scores full marks.
4b. Every attack (autograder/tests/attacks/<unit>.py: a cheat that tries to pass without doing the
   work) earns nothing on the tests it targets.
5. The contract between tests, probes and the reference holds (autograder/tests/test_contract.py).
6. starter/ is in sync with solutions/, and the student release contains no solution or hidden text.

`--units U` runs all of it for those units only: what CI would find wrong about them. For each
mutant it says whether the public suite alone catches it (the judge runs the public tests first
and stops at the first failure), which is what pull-request feedback without hidden suites shows.

Prints a line per check and exits 1 with a list of what failed.
"""
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import release
from .attacks import load_catalogue as load_attacks, targeted, write_attack
from .grade import GraderError, grade
from .mutants import load_catalogue, write_mutant
from .results import load_rubric, rubric_units
from .warm_judge import WarmJudge

ROOT = Path(__file__).resolve().parent.parent
ALTERNATIVES = ROOT / "autograder" / "tests" / "alternatives"
BUDGET_S = 600  # issue 17: every unit's catalogue in at most 10 minutes


def check_reference(units):
    r = grade(ROOT / "solutions", units)
    bad = [f"reference fails {t.name}: {t.output.strip().splitlines()[0] if t.output.strip() else t.status}"
           for t in r.tests if t.status != "passed"]
    return bad, f"reference: {r.score:.1f} / {r.max_score:.1f} in {r.seconds:.1f} s"


def check_starter(units):
    r = grade(ROOT / "starter", units)
    bad = [f"starter passes {t.name} (a test that cannot fail?)" for t in r.tests if t.status == "passed"]
    bad += [f"starter fails {t.name} with {t.error_type or t.status}, not NotImplementedError"
            for t in r.tests if t.status != "passed" and t.error_type != "NotImplementedError"]
    return bad, f"starter: {r.score:.1f} / {r.max_score:.1f}"


def check_mutant(unit, mutant, judge=None):
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutant.name}-") as tmp:
        try:
            write_mutant(mutant, tmp)
        except ValueError as exc:
            return False, str(exc)
        r = grade(tmp, [unit], first_failure=True, judge=judge)
    failed = [t for t in r.tests if t.status != "passed"]
    if not failed:
        return False, f"{unit}/{mutant.name}: NOT caught (full marks) - {mutant.hint}"
    where = "hidden suite only" if failed[0].hidden else "public suite"
    return True, f"{unit}/{mutant.name}: caught by {failed[0].name.split('::')[-1]} ({failed[0].status}; {where})"


def check_attack(unit, attack, judge=None):
    """Grade an attack on the tests it targets only; every one of them must fail."""
    with tempfile.TemporaryDirectory(prefix=f"attack-{attack.name}-") as tmp:
        try:
            write_attack(attack, tmp)
        except ValueError as exc:
            return False, str(exc)
        r = grade(tmp, [unit], judge=judge, only=" or ".join(attack.targets))
    hit = targeted(r, attack)
    earned = sum(t.score for t in hit)
    if not hit:
        return False, f"{unit}/{attack.name}: none of its targets {attack.targets} was graded"
    if earned > 0:
        passed = [t.name.split("::")[-1] for t in hit if t.status == "passed"]
        return False, f"{unit}/{attack.name} ({attack.kind}): EARNED {earned:.1f} points on {passed} - {attack.how}"
    return True, f"{unit}/{attack.name} ({attack.kind}): 0 / {sum(t.max_score for t in hit):.1f} on {len(hit)} target(s)"


def alternatives(units):
    return [p for u in units for p in sorted(ALTERNATIVES.glob(f"{u}_*.py"))]


def check_alternative(path, judge=None):
    """The reference package with one module swapped for a differently written correct one."""
    unit = next(u for u in sorted(rubric_units(load_rubric()), key=len, reverse=True) if path.stem.startswith(u + "_"))
    with tempfile.TemporaryDirectory(prefix=f"alternative-{path.stem}-") as tmp:
        shutil.copytree(ROOT / "solutions" / "genlab", Path(tmp) / "genlab", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy2(path, Path(tmp) / "genlab" / f"{unit}.py")
        r = grade(tmp, [unit], judge=judge)
    failed = {t.name: t.output[:600] for t in r.tests if t.status != "passed"}
    return failed, f"alternative {path.stem}: {r.score:.1f} / {r.max_score:.1f}"


def check_contract():
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "autograder/tests/test_contract.py"],
                          cwd=ROOT, capture_output=True, text=True)
    bad = [] if proc.returncode == 0 else [f"contract: {line}" for line in proc.stdout.splitlines() if "FAILED" in line]
    return bad or ([] if proc.returncode == 0 else [f"contract tests failed:\n{proc.stdout[-2000:]}"]), \
        f"contract: {'holds' if proc.returncode == 0 else 'BROKEN'}"


def main(args):
    t0 = time.perf_counter()
    rubric = load_rubric()
    units = [u.strip() for u in args.units.split(",")] if args.units else rubric_units(rubric)
    units = [u for u in units if (ROOT / "tests" / f"test_{u}.py").exists()]
    problems = []
    try:
        for check in (check_reference, check_starter):
            bad, line = check(units)
            print(line, flush=True)
            problems += bad
        jobs = [(u, m) for u in units for m in load_catalogue(u)]
        t_mutants = time.perf_counter()
        # One warm judge per thread: each grading forks from it instead of starting Python. The
        # alternatives (whole units, projects included: the longest gradings) are dealt first.
        local, judges, public = threading.local(), [], 0

        def judge():
            if not hasattr(local, "judge"):
                local.judge = WarmJudge()
                judges.append(local.judge)
            return local.judge

        try:
            with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
                alternative_runs = [(path, pool.submit(lambda p: check_alternative(p, judge()), path))
                                    for path in alternatives(units)]
                attack_runs = [pool.submit(lambda job: check_attack(*job, judge=judge()), (u, a))
                               for u in units for a in load_attacks(u)]
                for caught, line in pool.map(lambda job: check_mutant(*job, judge=judge()), jobs):
                    print(("  " if caught else "! ") + line, flush=True)
                    public += line.endswith("; public suite)")
                    if not caught:
                        problems.append(line)
                for path, run in alternative_runs:
                    failed, line = run.result()
                    print(("  " if not failed else "! ") + line, flush=True)
                    problems += [f"alternative {path.stem} loses points on {name}: {out}" for name, out in failed.items()]
                for run in attack_runs:
                    stopped, line = run.result()
                    print(("  attack " if stopped else "! attack ") + line, flush=True)
                    if not stopped:
                        problems.append(f"attack {line}")
        finally:
            for j in judges:
                j.close()
        print(f"mutants: {len(jobs)}, alternatives: {len(alternative_runs)} and attacks: {len(attack_runs)} graded in "
              f"{time.perf_counter() - t_mutants:.0f} s; {public} mutants caught by the public suite alone", flush=True)
        bad, line = check_contract()
        print(line, flush=True)
        problems += bad
    except GraderError as exc:
        problems.append(f"grader error: {exc}")
    from .platforms import otter
    problems += [f"starter/genlab/{p}" for p in release.stale_starter_files()]
    problems += [f"assignments/otter/{p} (run `python -m autograder release`)" for p in otter.stale_tests()]
    if not args.skip_release:
        with tempfile.TemporaryDirectory(prefix="genlab-release-") as tmp:
            out = release.build_release(Path(tmp) / "release")
            leaks = release.leaks(out)
            problems += [f"release leak: {p}" for p in leaks]
            print(f"release: {'clean' if not leaks else f'{len(leaks)} leak(s)'}")
    print(f"verify finished in {time.perf_counter() - t0:.0f} s (budget {BUDGET_S} s on the 2-core reference machine)")
    if problems:
        print(f"\nverify FAILED ({len(problems)}):")
        print("\n".join(f"  - {p}" for p in problems))
        return 1
    print("verify passed")
    return 0

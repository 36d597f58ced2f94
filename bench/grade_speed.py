"""How long grading takes: per unit, in total, and the worker's fixed overhead.

    python bench/grade_speed.py [--units vae,gan] [--repeat 1]

Grades the reference (public and hidden suites) once per unit and once for all units together,
and measures the worker's fixed overhead (start, a trivial call, teardown). Prints seconds and the
ratio to the targets of the issue that introduced the grader (VAE hidden suite 15 s, overhead 3 s)
and of each unit's issue.
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from autograder.grade import grade  # noqa: E402
from autograder.results import load_rubric, rubric_units  # noqa: E402
from autograder.worker import SandboxWorker  # noqa: E402

TARGET_S = {"vae": 15, "gan": 20, "transformer": 10, "diffusion": 20}
OVERHEAD_TARGET_S = 3.0


def worker_overhead():
    t0 = time.perf_counter()
    w = SandboxWorker(ROOT / "solutions", [ROOT / "tests" / "probes"])
    w.call("vae.gaussian_kl", torch.zeros(1, 1), torch.zeros(1, 1))
    w.close()
    return time.perf_counter() - t0, w.isolation


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--units", default=None)
    args = p.parse_args()
    units = args.units.split(",") if args.units else [u for u in rubric_units(load_rubric())
                                                      if (ROOT / "tests" / f"test_{u}.py").exists()]
    overhead, isolation = worker_overhead()
    print(f"isolation: {isolation}")
    print(f"worker overhead (start + one call + teardown): {overhead:.2f} s  "
          f"(target {OVERHEAD_TARGET_S} s, ratio {overhead / OVERHEAD_TARGET_S:.2f})")
    print(f"{'unit':<12} {'hidden+public s':>16} {'tests':>6} {'target s':>9} {'ratio':>6}")
    for unit in units:
        r = grade(ROOT / "solutions", [unit])
        judge_s = sum(t.seconds for t in r.tests)
        print(f"{unit:<12} {r.seconds:>16.1f} {len(r.tests):>6} {TARGET_S.get(unit, 0):>9} "
              f"{r.seconds / TARGET_S.get(unit, r.seconds):>6.2f}   (inside tests: {judge_s:.1f} s)")
    t0 = time.perf_counter()
    r = grade(ROOT / "solutions", units)
    total = time.perf_counter() - t0
    print(f"{'all units':<12} {total:>16.1f} {len(r.tests):>6}   score {r.score:.0f}/{r.max_score:.0f}")


if __name__ == "__main__":
    main()

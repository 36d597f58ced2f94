"""Calibrate test_project_dcgan_learns_synthetic_faces (autograder/hidden/test_advanced_gan.py).

Runs the test's own code path (project_run: the judge draws the faces and batches, the probe
trains with the reference's DCGAN and unit 03's losses, the judge computes the Fréchet distance)
on the reference over SEEDS seeds, in-process, one thread. For each seed it also scores what the
test must reject, with the same features and the same fresh test faces:
  untrained   the reference DCGANGenerator right after dcgan_weights_init (0 training steps);
  collapse-1  the trained generator's first sample repeated 1,000 times, plus pixel noise 0.03;
  collapse-8  its first 8 samples, each repeated 125 times, plus pixel noise 0.03;
and the data against itself (1,000 fresh faces), the floor of the distance.

    nice python autograder/hidden/calibration/advanced_gan_project.py [n_seeds] [first_seed] > part.txt
    python autograder/hidden/calibration/advanced_gan_project.py --summarize part1.txt part2.txt ... > advanced_gan_project.txt

(Seeds can run as several processes in parallel; --summarize merges their per-seed lines.)
"""
import math
import re
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
torch.set_num_threads(1)

from autograder.hidden import test_advanced_gan as T  # noqa: E402
from autograder.worker import LocalWorker  # noqa: E402

ROW = re.compile(r"seed +(\d+): trained ([\d.]+) untrained ([\d.]+) collapse-1 ([\d.]+) collapse-8 ([\d.]+) "
                 r"data ([\d.]+) ([\d.]+)s")


def run(n_seeds, first_seed):
    worker = LocalWorker(ROOT / "solutions", [ROOT / "tests" / "probes", ROOT / "autograder" / "hidden" / "probes"])
    print(f"config {T.PROJECT}; features: {T.N_COMPONENTS} PCA components of {T.N_FEATURE_FACES} faces (seed "
          f"{T.FEATURE_SEED}); pass: Fréchet distance < {T.FD_BOUND}")
    rows = []
    for seed in range(first_seed, first_seed + n_seeds):
        torch.manual_seed(seed)
        t0 = time.perf_counter()
        trained, r, test_faces, features = T.project_run(worker)
        seconds = time.perf_counter() - t0
        samples = r["samples"]
        noise = lambda n: 0.03 * torch.randn(n, 1, 16, 16)  # noqa: E731
        collapse1 = T.face_distance(samples[:1].repeat(1000, 1, 1, 1) + noise(1000), test_faces, features)
        collapse8 = T.face_distance(samples[:8].repeat(125, 1, 1, 1) + noise(1000), test_faces, features)
        untrained = T.face_distance(T.project_run(worker, steps=0)[1]["samples"], test_faces, features)
        data = T.face_distance(T.ref_data.synthetic_faces(1000, 16)[0], test_faces, features)
        rows.append((trained, untrained, collapse1, collapse8, data, seconds))
        print(f"seed {seed:3d}: trained {trained:.3f} untrained {untrained:.2f} collapse-1 {collapse1:.2f} "
              f"collapse-8 {collapse8:.2f} data {data:.3f} {seconds:.1f}s {'pass' if trained < T.FD_BOUND else 'FAIL'}",
              flush=True)
    return rows


def summarize(rows):
    n_seeds = len(rows)
    cols = list(zip(*rows))
    trained = cols[0]
    fails = sum(t >= T.FD_BOUND for t in trained)
    log_t = [math.log(t) for t in trained]
    mu, sd = statistics.mean(log_t), statistics.stdev(log_t)
    z = (math.log(T.FD_BOUND) - mu) / sd
    print()
    print(f"seeds: {n_seeds}; failures: {fails}; 95% upper bound on the failure rate from the count alone: "
          f"{1 - 0.05 ** (1 / n_seeds):.3f}")
    print(f"trained: min {min(trained):.3f}, median {statistics.median(trained):.3f}, max {max(trained):.3f}; "
          f"log-normal fit: bound {T.FD_BOUND} is {z:.1f} sd above the mean log (tail {0.5 * math.erfc(z / math.sqrt(2)):.1e})")
    for name, col in zip(("untrained", "collapse-1", "collapse-8", "data"), cols[1:5]):
        print(f"{name}: min {min(col):.3f}, median {statistics.median(col):.3f}, max {max(col):.3f}"
              + (f"; all above the bound: {all(c >= T.FD_BOUND for c in col)}" if name != "data" else ""))
    log_c = [math.log(c) for c in cols[3]]
    z_c = (statistics.mean(log_c) - math.log(T.FD_BOUND)) / statistics.stdev(log_c)
    print(f"collapse-8, log-normal fit: bound {T.FD_BOUND} is {z_c:.1f} sd below its mean log "
          f"(a collapsed generator passing: tail {0.5 * math.erfc(z_c / math.sqrt(2)):.1e})")
    print(f"seconds per trained run (in-process, 1 thread, machine shared): median {statistics.median(cols[5]):.1f}, "
          f"max {max(cols[5]):.1f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--summarize"]:
        lines = [line for path in sys.argv[2:] for line in open(path)]
        print(f"config {T.PROJECT}; features: {T.N_COMPONENTS} PCA components of {T.N_FEATURE_FACES} faces (seed "
              f"{T.FEATURE_SEED}); pass: Fréchet distance < {T.FD_BOUND}")
        rows = sorted((int(m[1]), *map(float, m.groups()[1:])) for m in map(ROW.search, lines) if m)
        for line in sorted((l for l in lines if ROW.search(l)), key=lambda l: int(ROW.search(l)[1])):
            print(line.rstrip().rsplit(" ", 1)[0])  # the pass/FAIL label is recomputed by summarize
        summarize([row[1:] for row in rows])
    else:
        summarize(run(int(sys.argv[1]) if len(sys.argv) > 1 else 40, int(sys.argv[2]) if len(sys.argv) > 2 else 0))

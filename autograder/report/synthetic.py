"""A synthetic gradebook, as `grade-all` writes it, for the report's tests and its benchmark.

    python -m autograder.report.synthetic OUT --students 500 [--seed 0]

Each student's outcome on each real test (autograder/points.json) is drawn from a two-parameter
item response model: P(pass) = sigmoid(a * (ability - b)); results.score turns the outcomes into
the report grade-all would write (points, checklist, projects), and grade_all.write_gradebook
writes gradebook.csv, records.json and summary.json. Planted, so the tests know what to expect:

- PLANTED["nobody"] fails for everyone, PLANTED["everybody"] passes for everyone, and
  PLANTED["negative"] is passed by the weaker students (a < 0): its discrimination is negative;
- PLANTED["misleading"] fails, for about half the class, with one message whose numbers differ
  from student to student (a misleading docstring), MISLEADING_HINT;
- weaker students leave the last units unattempted (NotImplementedError in every test);
- with 5 students or more, the last student has no submission and the one before a grader error.
"""
import argparse
import json
import math
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLANTED = {
    "nobody": "tests/test_vae.py::test_iwae_bound_shape_and_sign",
    "everybody": "tests/test_vae.py::test_reparameterize_returns_the_latent_shape",
    "negative": "tests/test_gan.py::test_discriminator_loss_is_two_ln2_when_d_is_one_half",
    "misleading": "tests/test_vae.py::test_gaussian_kl_is_half_per_dimension_at_unit_mean",
}
MISLEADING_HINT = "Hint: the KL is summed over the latent dimensions, not averaged"


def _tests():
    points = json.loads((ROOT / "autograder" / "points.json").read_text())
    for name in PLANTED.values():
        if name not in points:  # the planted tests must be real ones, or the planted flags mean nothing
            raise KeyError(f"{name} is not in autograder/points.json: update synthetic.PLANTED")
    return list(points)


def _message(rng, name, unit):
    if name == PLANTED["misleading"]:
        got = rng.uniform(0.1, 0.9)
        return (f"test_vae.py:{rng.randint(20, 90)}: expect_close(kl, torch.full((3,), 2.0))\n"
                f"Tensor-likes are not close!\n\nMismatched elements: 3 / 3 (100.0%)\n"
                f"Greatest absolute difference: {2 - got:.4f} at index (0,) (up to 1e-05 allowed)\n"
                f"Worst 3 of 3 mismatched element(s):\n  at [0]: expected 2, received {got:.4f}\n{MISLEADING_HINT}")
    kind = rng.randrange(3)
    if kind == 0:
        return f"assert {rng.uniform(0, 10):.3f} < 1e-3\nHint: {name.split('::')[-1]} is off"
    if kind == 1:
        return (f"genlab.{unit}.helper raised RuntimeError: shape [{rng.randint(2, 64)}, 4] is invalid\n\n"
                f"Where (your code):\n  File \"genlab/{unit}.py\", line {rng.randint(10, 300)}, in helper")
    return f"expected shape (8, {rng.randint(2, 9)}), got (8,)"


def make_gradebook(out, students=500, seed=0):
    """Write a synthetic grade-all output folder; returns its summary."""
    from ..grade_all import write_gradebook
    from ..results import group_of, load_rubric, rubric_units, score
    from .messages import function_of, unit_functions

    rng = random.Random(seed)
    rubric = load_rubric()
    units = rubric_units(rubric)
    tests = _tests()
    unit_of = {t: group_of(t, rubric)["unit"] for t in tests}
    item = {t: (rng.uniform(0.4, 2.5), rng.gauss(-1.2, 1.0)) for t in tests}
    item[PLANTED["negative"]] = (-2.0, -0.5)
    out = Path(out)
    (out / "reports").mkdir(parents=True, exist_ok=True)
    records = []
    for s in range(students):
        name = f"student_{s:04d}"
        rec = {"student": name, "file": name, "status": "graded", "results": None, "message": "", "notes": [],
               "commit": "", "fingerprint": f"{s:064x}", "seconds": 1.0}
        if students >= 5 and s == students - 1:
            rec.update(status="no-submission", message="no genlab/ package (looked in genlab/ and starter/genlab/)")
        elif students >= 5 and s == students - 2:
            rec.update(status="grader-error", message="the grader exited with status 3")
        if rec["status"] != "graded":
            records.append(rec)
            continue
        ability = rng.gauss(0.0, 1.0)
        attempted = units if ability > -1.0 else units[:max(1, len(units) - rng.randint(1, 4))]
        outcomes = []
        for t in tests:
            a, b = item[t]
            unit = unit_of[t]
            if unit not in attempted:
                fn = function_of(t, "", unit)
                fn = fn if fn != "(other)" else unit_functions(unit)[0]
                outcomes.append({"nodeid": t, "status": "error", "error_type": "NotImplementedError",
                                 "output": f"genlab.{unit}.{fn} raised NotImplementedError: "})
                continue
            p = 1 / (1 + math.exp(-a * (ability - b)))
            p = {PLANTED["nobody"]: 0.0, PLANTED["everybody"]: 1.0, PLANTED["misleading"]: 0.5}.get(t, p)
            ok = rng.random() < p
            outcomes.append({"nodeid": t, "status": "passed" if ok else "failed",
                             "output": "" if ok else _message(rng, t, unit)})
        results = score(outcomes, rubric, units, hidden_graded=True)
        results.submission, results.seed = name, seed
        doc = results.to_json()
        doc.update(student=name, commit="", fingerprint=rec["fingerprint"])
        rec["results"] = doc
        (out / "reports" / f"{name}.json").write_text(json.dumps(doc) + "\n")
        records.append(rec)
    batch = {"jobs": 1, "seed": seed, "units": units, "public_only": False, "shard": None, "release": None,
             "deadline": None, "synthetic": True}
    return write_gradebook(out.resolve(), records, rubric, batch, 0.0)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m autograder.report.synthetic", description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--students", type=int, default=500)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    summary = make_gradebook(args.out, args.students, args.seed)
    print(f"synthetic gradebook of {summary['submissions']} students in {args.out}")


if __name__ == "__main__":
    main()

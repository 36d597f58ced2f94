"""`python -m autograder similarity SUBMISSIONS_DIR --out report/`: which submissions share code.

Every pair of students' `genlab/<unit>.py` (or `starter/genlab/<unit>.py`), every student against
the reference solution (a leaked reference is the worst case) and, with `--previous DIR`, against
a previous term's submissions, unit by unit.

The fingerprints are copydetect's (a maintained implementation of winnowing, Schleimer, Wilkerson
and Aiken, SIGMOD 2003): the code is tokenized with Pygments, every name becomes V, every function
name F, every class name O, every string and docstring S, comments and whitespace are dropped, so
renamed variables, rewritten docstrings and reformatting change nothing; every k-gram of what is
left (k = 25 characters, copydetect's default noise threshold, window 1 so every k-gram is kept) is
hashed, and the k-grams of the starter's file (its signatures, docstrings, stubs and provided code)
are removed as boilerplate. Fingerprints do not depend on where code sits, so reordered functions
match as well.

A file's share matched with another is copydetect's similarity: the characters (of the filtered
code) covered by k-grams the other file also has, over those covered by all its own non-starter
k-grams. A pair's score is the share of both files' own code that matches,
(matched_a + matched_b) / (own_a + own_b), as Dolos defines similarity: a student who wrote one
short natural line that the reference also has is not 100% similar to it. A pair is flagged when
its score reaches `--threshold` and at least `--min-match` characters match on each side (two
students who both wrote only the same few one-liners share too little to mean anything).
`score_rows` computes the matched characters for all pairs at once (checked pair by pair against
copydetect.compare_files in the tests); copydetect.compare_files gives the regions of the SHOWN
highest flagged pairs of each unit, shown side by side (every flagged pair is listed).
"""
import csv
import io
import json
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
K = 25                      # copydetect's default noise threshold (characters of filtered code)
THRESHOLD = 0.6             # calibrated on the alternatives (docs: README, "Class report")
MIN_MATCH = 100             # filtered characters matched on each side, about three lines of code
SHOWN = 100                 # flagged pairs per unit shown side by side (all are listed)
HIST_BINS = 20


def fingerprint(text, name="x.py", boilerplate=None):
    from copydetect import CodeFingerprint
    return CodeFingerprint(name, K, 1, boilerplate=boilerplate, fp=io.StringIO(text))


def boilerplate_hashes(texts):
    """Every k-gram hash of the starter's code: matches inside it are never counted."""
    found = set()
    for text in texts:
        found |= fingerprint(text).hashes
    return np.array(sorted(found), dtype=np.int64)


def _read(path):
    return Path(path).read_text(encoding="utf-8", errors="replace")


def collect(submissions_dir, unit, kind="student", prefix=""):
    """[(label, kind, path)] of the folders' `genlab/<unit>.py` (either layout grade-all accepts)."""
    from ..grade_all import find_submission, list_students
    found = []
    for folder in list_students(submissions_dir):
        parent = find_submission(folder)
        path = parent / "genlab" / f"{unit}.py" if parent is not None else None
        if path is not None and path.is_file() and not path.is_symlink():
            found.append((prefix + folder.name, kind, path))
    return found


def _positions(fp, column):
    """(sorted k-gram positions, their hash's column) of one fingerprint."""
    pos, cols = [], []
    for h, where in fp.hash_idx.items():
        pos.extend(where)
        cols.extend([column[h]] * len(where))
    order = np.argsort(pos, kind="stable")
    return np.asarray(pos, dtype=np.int64)[order], np.asarray(cols, dtype=np.int64)[order]


def score_rows(fps, partners):
    """matched[a, b]: the characters of file a's filtered code covered by k-grams whose hash file b
    also has (copydetect's token overlap of a against b), for each b in partners[a]."""
    from scipy import sparse
    column = {h: i for i, h in enumerate(sorted({h for fp in fps for h in fp.hashes}))}
    rows = [column[h] for fp in fps for h in fp.hashes]
    owner = [i for i, fp in enumerate(fps) for _ in fp.hashes]
    has = sparse.csc_matrix((np.ones(len(rows), dtype=bool), (owner, rows)), shape=(len(fps), len(column)))
    matched = np.zeros((len(fps), len(fps)), dtype=np.int64)
    for a, fp in enumerate(fps):
        others = np.asarray(sorted(partners[a]), dtype=np.int64)
        if not fp.hash_idx or not len(others):
            continue
        pos, cols = _positions(fp, column)
        hit = has[:, cols].toarray()[others]                       # (partners, positions)
        at = np.where(hit, pos, np.iinfo(np.int64).max // 2)
        later = np.minimum.accumulate(at[:, ::-1], axis=1)[:, ::-1]  # next matched position at or after
        nxt = np.concatenate([later[:, 1:], np.full((len(others), 1), np.iinfo(np.int64).max // 2)], axis=1)
        matched[a, others] = np.where(hit, np.minimum(K, nxt - pos), 0).sum(axis=1)  # union of [p, p + K)
    return matched


def compare_unit(unit, files, starter_text, threshold=THRESHOLD, min_match=MIN_MATCH):
    """Score the pairs of one unit. `files`: [(label, kind, text)] with kind student, reference or
    previous; students are compared with everyone, the others with students only."""
    from copydetect import compare_files
    bp = boilerplate_hashes([starter_text])
    fps = [fingerprint(text, f"{unit}.py", bp) for _, _, text in files]
    own = np.array([fp.token_coverage for fp in fps])
    live = [i for i in range(len(files)) if own[i] > 0]     # a file that is all starter: not attempted
    students = {i for i in live if files[i][1] == "student"}
    partners = {i: ({j for j in live if j != i} if i in students else students) for i in range(len(files))}
    partners.update({i: set() for i in range(len(files)) if i not in live})
    matched = score_rows(fps, partners)
    found, scores = [], []
    for a in sorted(students):
        for b in sorted(partners[a]):
            if b in students and b < a:
                continue
            score = (matched[a, b] + matched[b, a]) / (own[a] + own[b])
            scores.append(score)
            if score >= threshold and min(matched[a, b], matched[b, a]) >= min_match:
                found.append((-score, a, b))
    pairs = [_pair(unit, files, fps, a, b, matched, own, -neg, k < SHOWN, compare_files)
             for k, (neg, a, b) in enumerate(sorted(found))]
    counts, _ = np.histogram(scores, bins=HIST_BINS, range=(0.0, 1.0))
    summary = {"unit": unit, "files": len(files), "attempted": len(live), "not_attempted": len(files) - len(live),
               "pairs": len(scores), "flagged": len(pairs), "histogram": counts.tolist(),
               "max_score": round(float(max(scores)), 4) if scores else None}
    return pairs, summary


def _pair(unit, files, fps, a, b, matched, own, score, shown, compare_files):
    """A flagged pair; when `shown`, with both files' code and their matching regions (copydetect's)."""
    kind = files[b][1] if files[b][1] != "student" else "students"
    pair = {"unit": unit, "a": files[a][0], "b": files[b][0], "kind": kind, "score": round(float(score), 4),
            "share_a": round(float(matched[a, b] / own[a]), 4), "share_b": round(float(matched[b, a] / own[b]), 4),
            "matched_a": int(matched[a, b]), "matched_b": int(matched[b, a])}
    if shown:
        _, _, (slices_a, slices_b) = compare_files(fps[a], fps[b])
        pair.update(regions_a=np.asarray(slices_a, dtype=np.int64).T.tolist(), code_a=files[a][2],
                    regions_b=np.asarray(slices_b, dtype=np.int64).T.tolist(), code_b=files[b][2])
    return pair


def run(submissions_dir, out, units=None, previous=(), reference=ROOT / "solutions", starter=ROOT / "starter",
        threshold=THRESHOLD, min_match=MIN_MATCH):
    from ..results import load_rubric, rubric_units
    t0 = time.perf_counter()
    submissions_dir = Path(submissions_dir)
    if not submissions_dir.is_dir():
        raise FileNotFoundError(f"{submissions_dir} is not a folder of submissions")
    units = list(units) if units else rubric_units(load_rubric())
    pairs, summaries = [], []
    for unit in units:
        start = Path(starter) / "genlab" / f"{unit}.py"
        files = collect(submissions_dir, unit)
        ref = Path(reference) / "genlab" / f"{unit}.py" if reference else None
        if ref is not None and ref.is_file():
            files.append(("reference solution", "reference", ref))
        for i, folder in enumerate(previous):
            tag = f"previous term{f' {i + 1}' if len(previous) > 1 else ''}: "
            files += collect(folder, unit, "previous", prefix=tag)
        texts = [(label, kind, _read(path)) for label, kind, path in files]
        unit_pairs, summary = compare_unit(unit, texts, _read(start) if start.is_file() else "", threshold, min_match)
        pairs += unit_pairs
        if any(kind == "student" for _, kind, _ in files):
            summaries.append(summary)
    pairs.sort(key=lambda p: (-p["score"], p["unit"], p["a"], p["b"]))
    doc = {"threshold": threshold, "min_match": min_match, "k": K, "submissions": str(submissions_dir),
           "previous": [str(p) for p in previous], "units": summaries, "pairs": pairs,
           "seconds": round(time.perf_counter() - t0, 2)}
    write(doc, out)
    return doc


def write(doc, out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "similarity.json").write_text(json.dumps(doc, indent=1) + "\n")
    with open(out / "similarity.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["unit", "a", "b", "kind", "score", "share_a", "share_b", "matched_a", "matched_b"])
        for p in doc["pairs"]:
            w.writerow([p[k] for k in ("unit", "a", "b", "kind", "score", "share_a", "share_b", "matched_a", "matched_b")])
    from . import html, plots
    plots.write_similarity_plots(doc, out / "plots")
    html.write_page(out)


def main(args):
    units = [u.strip() for u in args.units.split(",")] if args.units else None
    try:
        doc = run(args.submissions, args.out, units, previous=args.previous or (),
                  threshold=THRESHOLD if args.threshold is None else args.threshold,
                  min_match=MIN_MATCH if args.min_match is None else args.min_match)
    except (FileNotFoundError, ValueError) as exc:
        print(f"similarity: {exc}")
        return 2
    flagged = doc["pairs"]
    print(f"similarity: {sum(u['pairs'] for u in doc['units'])} pairs compared in {len(doc['units'])} unit(s), "
          f"{len(flagged)} at or above {doc['threshold']:g} ({doc['seconds']:.1f} s); "
          f"report: {Path(args.out) / 'index.html'}")
    for p in flagged[:10]:
        print(f"  {p['score']:.2f}  {p['unit']:<15} {p['a']}  ~  {p['b']}")
    return 0

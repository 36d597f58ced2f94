"""`python -m autograder grade-all SUBMISSIONS_DIR [--jobs N] [--out DIR] [--units ...] [--shard i/N --seed S]`:
the instructor's regrade. `python -m autograder grade-all merge SHARD_OUT... --out DIR` joins shards.

Every subfolder of SUBMISSIONS_DIR is one student (a clone of their repository, or an unpacked
upload) holding `genlab/` directly or `starter/genlab/`. For each student:

1. the submission is pinned: its `genlab/` is copied (regular files only: symbolic links are
   dropped, never followed) into the output folder and fingerprinted (sha256 of the copy), and the
   commit is read from `.git` when there is one (without running git in the student's repository);
2. the copy is graded as `python -m autograder grade --format json` grades it, with this
   repository's tests, hidden suites and rubric (nothing of the student's but `genlab/`), and one
   seed for the whole batch so every student gets the same fresh inputs. Each job grades its
   students through one warm judge (warm_judge.py: a fresh fork per student, whose sandboxed
   worker started while the student before was graded), which saves the 2 s of start-up a new
   process pays per student; with --release, the release's grader runs as a process per student;
3. a per-student wall-clock limit ends a grading that runs away (its whole process group is
   killed), so one student's hang or crash never stops the batch.

Writes to --out (default `gradebook/`):

    gradebook.csv        student, per-unit scores, checklist items (1/0), projects (1/0), total, ...
    reports/<student>.md, reports/<student>.json   one report per student
    submissions/<student>/genlab/                  the pinned copy that was graded
    logs/<student>.log   the grader's output, for grader failures only
    failures.md          failures that were the grader's, not the student's (there should be none)
    summary.json         counts, seed, timing

Exit status: 0 when every student was graded (whatever the scores), 3 when the grader failed for
at least one (their rows are marked and left without a total: regrade them, do not record a zero).

Many machines: `--shard i/N` grades every N-th student of the sorted folder list, starting at the
i-th, with the `--seed` all shards share (required); `grade-all merge` joins the shards' folders
into one gradebook, identical to one machine grading everyone (.github/workflows/regrade.yml runs
the shards as a GitHub Actions matrix).

The flags' environment defaults: GENLAB_GRADE_ALL_TIMEOUT (--timeout, seconds per student, default
2400), GENLAB_GRADE_ALL_SEED (--seed, default: drawn fresh), GENLAB_GRADE_ALL_PUBLIC_ONLY=1
(--public-only: skip hidden suites; for quick checks only, never for official grades).
"""
import concurrent.futures
import csv
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TIMEOUT_S = 2400        # above the judge's own 1800 s limit: normally the judge stops first
MAX_FILE_BYTES = 20 * 1024 * 1024


def find_submission(folder):
    """The folder that holds the student's `genlab/` package, or None."""
    folder = Path(folder)
    for candidate in (folder, folder / "starter"):
        pkg = candidate / "genlab"
        if pkg.is_dir() and not pkg.is_symlink() and not candidate.is_symlink():
            return candidate
    return None


# git on a student's repository: no hooks, no fsmonitor, no system or user configuration, any owner.
GIT = ["git", "-c", "safe.directory=*", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null"]


def parse_deadline(text):
    """An ISO date and time ("2026-12-01 23:59", "2026-12-01T23:59+01:00"); without a zone, UTC."""
    import datetime
    when = datetime.datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)


def student_deadlines(deadline, roster=None):
    """{folder: deadline} with each roster row's `extension_hours` added; None without a deadline."""
    import datetime
    if deadline is None:
        return None
    base = parse_deadline(deadline)
    extra = {}
    if roster:
        with open(roster, newline="") as f:
            for row in csv.DictReader(f):
                if (row.get("extension_hours") or "").strip():
                    extra[row["folder"]] = base + datetime.timedelta(hours=float(row["extension_hours"]))
    return {"*": base, **extra}


def late_days(commit_time, deadline):
    """Whole days (rounded up) that `commit_time` is past `deadline`; 0 when on time."""
    import math
    return max(0, math.ceil((commit_time - deadline).total_seconds() / 86400))


def at_deadline(folder, deadline, dest, late=None):
    """Unpack the student's last commit before `deadline` into `dest` (git archive, read only:
    nothing of theirs runs). With the rubric's late policy "penalty" the last commit before
    `deadline` + max_days_late is taken instead. Returns (commit, days late), or (None, 0) when
    they committed nothing in time."""
    import datetime
    late = late or {}
    penalty = late.get("policy") == "penalty"
    limit = deadline + datetime.timedelta(days=late.get("max_days_late", 0)) if penalty else deadline
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(dest.parent), "GIT_CONFIG_NOSYSTEM": "1"}
    git = [*GIT, f"--git-dir={Path(folder) / '.git'}"]
    found = subprocess.run(git + ["rev-list", "-n", "1", f"--before={limit.isoformat()}", "HEAD"],
                           capture_output=True, text=True, env=env)
    commit = found.stdout.strip()
    if found.returncode != 0 or not commit:
        return None, 0
    when = subprocess.run(git + ["log", "-1", "--format=%cI", commit], capture_output=True, text=True, env=env)
    archive = subprocess.run(git + ["archive", "--format=tar", commit], capture_output=True, env=env)
    if archive.returncode != 0 or when.returncode != 0:
        return None, 0
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    subprocess.run(["tar", "-x", "--no-same-owner", "-C", str(dest)], input=archive.stdout, check=True)
    return commit, late_days(datetime.datetime.fromisoformat(when.stdout.strip()), deadline)


def snapshot(package_parent, dest):
    """Copy `package_parent/genlab` to `dest/genlab`: regular files only, no links, no caches.
    Returns (sha256 fingerprint of what was copied, notes about what was left out)."""
    src = Path(package_parent) / "genlab"
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "genlab").mkdir(parents=True)
    digest, notes = hashlib.sha256(), []
    for dirpath, dirnames, filenames in os.walk(src):
        keep = []
        for d in sorted(dirnames):
            if (Path(dirpath) / d).is_symlink():
                notes.append(f"ignored the symbolic link genlab/{(Path(dirpath) / d).relative_to(src).as_posix()}")
            elif d != "__pycache__":
                keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            p = Path(dirpath) / name
            rel = p.relative_to(src).as_posix()
            if p.is_symlink():
                notes.append(f"ignored the symbolic link genlab/{rel} (links are not followed)")
                continue
            if not p.is_file() or name.endswith((".pyc", ".pyo")):
                continue
            if p.stat().st_size > MAX_FILE_BYTES:
                notes.append(f"ignored genlab/{rel}: larger than {MAX_FILE_BYTES // 2**20} MiB")
                continue
            data = p.read_bytes()
            digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
            out = dest / "genlab" / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
    return digest.hexdigest(), notes


def git_commit(folder):
    """HEAD's commit id read straight from .git (never runs git inside a student's repository)."""
    git = Path(folder) / ".git"
    try:
        if git.is_file():  # a worktree or submodule: "gitdir: PATH"
            git = (Path(folder) / git.read_text().split(":", 1)[1].strip()).resolve()
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head if re.fullmatch(r"[0-9a-f]{40,64}", head) else ""
        ref = head.split(":", 1)[1].strip()
        if (git / ref).is_file():
            return (git / ref).read_text().strip()
        packed = git / "packed-refs"
        if packed.is_file():
            for line in packed.read_text().splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[1] == ref:
                    return parts[0]
    except (OSError, IndexError, ValueError):
        pass
    return ""


def _safe_name(name):
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "student"


def grade_command(submission, json_out, units=None, public_only=False, seed=None):
    # One judge per student: the batch's --jobs already runs one student per core.
    cmd = [sys.executable, "-m", "autograder", "grade", "--submission", str(submission),
           "--format", "json", "--out", str(json_out), "--jobs", "1"]
    if units:
        cmd += ["--units", ",".join(units)]
    if public_only:
        cmd += ["--public-only"]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    return cmd


def _child_env():
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.setdefault("OMP_NUM_THREADS", "1")   # N graders on N cores: one thread each is fastest
    env.setdefault("MKL_NUM_THREADS", "1")
    return env


def run_with_timeout(cmd, timeout, cwd=ROOT):
    """Run `cmd` in its own process group; kill the whole group when it runs past `timeout`.
    Returns (exit status or None on timeout, combined output tail)."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=_child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, out.decode(errors="replace")[-20000:]
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        out, _ = proc.communicate()
        return None, out.decode(errors="replace")[-20000:]


def grade_in_judge(judge, pinned, json_out, units=None, public_only=False, seed=None, timeout=DEFAULT_TIMEOUT_S):
    """What `grade --format json --out json_out` does, through a warm judge (warm_judge.py) instead
    of a new Python process: the grading forks from the judge, with a worker already started.
    Returns (exit status or None on timeout, log) as run_with_timeout does."""
    from . import reports
    from .grade import GraderError, JudgeTimeout, grade
    try:
        results = grade(pinned, units, public_only, seed, judge=judge, timeout=timeout)
    except JudgeTimeout as exc:
        return None, str(exc)
    except (GraderError, RuntimeError) as exc:  # RuntimeError: the warm judge itself died
        return 3, f"grader error: {exc}"
    json_out.write_text(reports.WRITERS["json"](results))
    return 0, ""


class Judges:
    """One warm judge per grading thread, started on its first student and replaced if it dies."""

    def __init__(self):
        self.local, self.started, self.lock = threading.local(), [], threading.Lock()

    def __call__(self):
        from .warm_judge import WarmJudge
        judge = getattr(self.local, "judge", None)
        if judge is None or judge.proc.poll() is not None:
            judge = self.local.judge = WarmJudge()
            with self.lock:
                self.started.append(judge)
        return judge

    def close(self):
        for judge in self.started:
            judge.close()


def grade_student(name, folder, out, units=None, public_only=False, seed=None, timeout=DEFAULT_TIMEOUT_S,
                  command=None, grader_root=ROOT, deadline=None, late=None, judges=None):
    """Pin and grade one student. Returns a record: status graded | no-submission | grader-error | timeout.

    `judges`: a Judges pool to grade through (this tree's grader); otherwise each student is a
    `python -m autograder grade` process, in `grader_root` (a release's grader) or from `command`."""
    from . import reports
    from .results import Results

    t0 = time.perf_counter()
    safe = _safe_name(name)
    rec = {"student": name, "file": safe, "status": "", "results": None, "message": "", "notes": [],
           "commit": git_commit(folder), "fingerprint": "", "seconds": 0.0}
    if deadline is not None:  # the last commit before the (student's) deadline, not the working tree
        commit, days_late = at_deadline(folder, deadline, out / "checkouts" / safe, late)
        rec["commit"], rec["late_days"] = commit or "", days_late
        if not rec["commit"]:
            rec.update(status="no-submission", message=f"no commit before the deadline {deadline.isoformat()}",
                       seconds=time.perf_counter() - t0)
            (out / "reports" / f"{safe}.md").write_text(f"# {name}\n\nNo submission: {rec['message']}.\n")
            return rec
        rec["notes"].append(f"graded at {rec['commit'][:12]}, the last commit before {deadline.isoformat()}"
                            + (f" + {late['max_days_late']} days late" if (late or {}).get("policy") == "penalty" else ""))
        folder = out / "checkouts" / safe
    parent = find_submission(folder)
    if parent is None:
        rec.update(status="no-submission", message="no genlab/ package (looked in genlab/ and starter/genlab/)")
        (out / "reports" / f"{safe}.md").write_text(f"# {name}\n\nNo submission: {rec['message']}.\n")
        rec["seconds"] = time.perf_counter() - t0
        return rec
    pinned = out / "submissions" / safe
    rec["fingerprint"], rec["notes"] = snapshot(parent, pinned)
    json_out = out / "reports" / f"{safe}.json"
    json_out.unlink(missing_ok=True)
    if judges is not None:
        code, log = grade_in_judge(judges(), pinned, json_out, units, public_only, seed, timeout)
        what = f"grade {pinned} through the warm judge (units {units}, seed {seed})"
    else:
        cmd = (command or grade_command)(pinned, json_out, units, public_only, seed)
        code, log = run_with_timeout(cmd, timeout, cwd=grader_root)
        what = " ".join(map(str, cmd))
    rec["seconds"] = time.perf_counter() - t0
    doc = None
    if code == 0 and json_out.is_file():
        try:
            doc = json.loads(json_out.read_text())
        except ValueError:
            doc = None
    if doc is None:
        rec["status"] = "timeout" if code is None else "grader-error"
        rec["message"] = (f"grading did not finish within {timeout:g} s" if code is None else
                          f"the grader exited with status {code}" + ("" if code else " but wrote no readable report"))
        (out / "logs").mkdir(exist_ok=True)
        (out / "logs" / f"{safe}.log").write_text(what + "\n\n" + log)
        return rec
    if rec.get("late_days"):  # the rubric's late penalty: a share of the points per day, never below 0
        kept = max(0.0, 1 - late["percent_per_day"] * rec["late_days"] / 100)
        doc["late"] = {"days": rec["late_days"], "points_before": doc["score"], "kept": kept}
        doc["score"] = round(doc["score"] * kept, 4)
        rec["notes"].append(f"{rec['late_days']} day(s) late: {100 * (1 - kept):g}% of the points deducted")
    doc.setdefault("notices", []).extend(rec["notes"])
    doc["student"], doc["commit"], doc["fingerprint"] = name, rec["commit"], rec["fingerprint"]
    json_out.write_text(json.dumps(doc, indent=1) + "\n")
    results = Results.from_json(doc)
    (out / "reports" / f"{safe}.md").write_text(f"# {name}\n\n" + reports.markdown(results))
    rec.update(status="graded", results=doc)
    return rec


def list_students(submissions_dir):
    return sorted((p for p in Path(submissions_dir).iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.name)


def gradebook_columns(rubric, units, manual=()):
    checklist = [c["id"] for c in rubric["checklist"]]
    projects = [p["id"] for p in rubric["project"]]
    return (["student"] + [f"unit:{u}" for u in units] + [f"manual:{m}" for m in manual]
            + [f"checklist:{c}" for c in checklist]
            + [f"project:{p}" for p in projects]
            + ["projects_completed", "total", "max_score", "percent", "status", "hidden_graded", "isolation",
               "seconds", "commit", "fingerprint", "notes"])


def _cell(text):
    """A spreadsheet must not read a folder name or a note as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def gradebook_row(rec, rubric, units):
    row = {"student": _cell(rec["student"]), "status": rec["status"], "commit": rec["commit"],
           "fingerprint": rec["fingerprint"][:16], "seconds": f"{rec['seconds']:.1f}",
           "notes": _cell("; ".join(filter(None, [rec["message"], *rec["notes"]])))}
    doc = rec["results"]
    if rec["status"] == "no-submission":
        row.update({f"unit:{u}": 0 for u in units}, total=0, projects_completed=0)
        return row
    if doc is None:
        return row  # a grader failure: no score at all, so nobody records a zero by mistake
    per_unit = {}
    for t in doc["tests"]:
        per_unit[t["unit"]] = per_unit.get(t["unit"], 0.0) + t["score"]
    for u in units:
        row[f"unit:{u}"] = round(per_unit[u], 2) if u in per_unit else ""
    for m in doc.get("manual", []):  # hand-graded written answers (manual.py)
        row[f"manual:{m['id']}"] = "" if m["points"] is None else m["points"]
    for c in doc["checklist"]:
        row[f"checklist:{c['id']}"] = int(c["passed"]) if c["graded"] else ""
    for p in doc["projects"]:
        row[f"project:{p['id']}"] = int(p["passed"]) if p["graded"] else ""
    row.update(projects_completed=sum(p["passed"] for p in doc["projects"]), total=round(doc["score"], 2),
               max_score=round(doc["max_score"], 2),
               percent=round(100 * doc["score"] / doc["max_score"], 1) if doc["max_score"] else "",
               hidden_graded=int(bool(doc.get("hidden_graded"))), isolation=(doc.get("isolation") or "").split(":")[0])
    return row


def write_failures(out, records, seconds):
    failures = [r for r in records if r["status"] in ("grader-error", "timeout")]
    lines = ["# Grader failures", ""]
    if not failures:
        lines.append(f"None: all {len(records)} submissions were graded to completion ({seconds:.1f} s).")
    else:
        lines.append(f"{len(failures)} of {len(records)} submissions could not be graded: the fault is the "
                     "grader's or the machine's, not the student's. Their rows have no total; fix and regrade them.")
        lines.append("")
        for r in failures:
            lines.append(f"- **{r['student']}** ({r['status']}): {r['message']}; log: logs/{r['file']}.log")
    (out / "failures.md").write_text("\n".join(lines) + "\n")
    return failures


def release_tree(ref, dest):
    """The instructor repository as it was at `ref` (a tag or commit): its tests, hidden suites,
    rubric, reference and grader, unpacked into `dest`. Grading from there gives a student who
    started from that release the score they would have had then."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref], capture_output=True)
    if archive.returncode != 0:
        raise ValueError(f"--release {ref}: not a tag or commit of {ROOT} ({archive.stderr.decode().strip()})")
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    if not (dest / "autograder" / "grade.py").is_file():
        raise ValueError(f"--release {ref}: that commit has no grader (autograder/grade.py)")
    return dest


def shard_of(students, shard):
    """The students of shard "i/N" (1-based): every N-th of the sorted roster, starting at the i-th."""
    if not shard:
        return students
    try:
        i, n = (int(x) for x in shard.split("/"))
    except ValueError:
        raise ValueError(f"--shard must look like 2/8, not {shard!r}") from None
    if not 1 <= i <= n:
        raise ValueError(f"--shard {shard}: i must be between 1 and {n}")
    return students[i - 1::n]


def roster_shard(roster_file, shard):
    """The repositories (owner/name lines of `roster_file`) that shard i/N grades: sorted by the
    folder each is cloned into (its name), as `list_students` sorts the folders."""
    repos = [line.strip() for line in Path(roster_file).read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    return shard_of(sorted(repos, key=lambda r: r.rsplit("/", 1)[-1]), shard)


def run_batch(submissions_dir, out="gradebook", jobs=2, units=None, public_only=False, seed=None,
              timeout=DEFAULT_TIMEOUT_S, command=None, shard=None, students_only=None, release=None,
              deadlines=None):
    """Grade every student folder (or one shard of them); write the gradebook, reports and failures.

    `students_only`: regrade just these students into the gradebook already in `out` (their rows
    are replaced, every other row is kept as it was graded, with the batch's seed unless given).
    `release`: grade with the tests, hidden suites, rubric and grader of that tag or commit.
    `deadlines`: {folder: deadline, "*": the class's} (student_deadlines): each student is graded
    at their last commit before it; later commits are not graded (late work earns nothing).
    """
    from .results import load_rubric, rubric_units

    t0 = time.perf_counter()
    out = Path(out)
    submissions_dir = Path(submissions_dir).resolve()
    if not submissions_dir.is_dir():
        raise FileNotFoundError(f"{submissions_dir} is not a folder of submissions")
    if shard and seed is None:
        raise ValueError("--shard needs --seed: every shard must grade with the same fresh inputs")
    (out / "reports").mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    grader_root = release_tree(release, out / ".grader") if release else ROOT
    rubric = load_rubric(grader_root / "autograder" / "rubric.toml")
    units = list(units) if units else rubric_units(rubric)
    students = list_students(submissions_dir)
    kept = []
    if students_only:
        previous = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else None
        if previous is None:
            raise ValueError(f"no gradebook in {out} to regrade into")
        if seed is None:
            seed = previous["seed"]
        missing = sorted(set(students_only) - {s.name for s in students})
        if missing:
            raise ValueError(f"no submission folder for {missing} in {submissions_dir}")
        kept = [r for r in json.loads((out / "records.json").read_text()) if r["student"] not in students_only]
        students = [s for s in students if s.name in students_only]
    seed = random.SystemRandom().getrandbits(31) if seed is None else seed
    names = [_safe_name(s.name) for s in students]
    clashes = {n for n in names if names.count(n) > 1}
    if clashes:
        raise ValueError(f"student folder names that clash once made safe for file names: {sorted(clashes)}")
    records = list(kept)
    # This tree's grader grades through warm judges (one per job: a fork per student, its worker
    # started during the student before); a release's grader, or a stand-in command, as processes.
    judges = Judges() if command is None and grader_root == ROOT else None
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {pool.submit(grade_student, s.name, s, out, units, public_only, seed, timeout, command,
                                   grader_root, deadlines and deadlines.get(s.name, deadlines["*"]),
                                   rubric.get("late"), judges): s
                       for s in shard_of(students, shard)}
            for fut in concurrent.futures.as_completed(futures):
                s = futures[fut]
                try:
                    rec = fut.result()
                except Exception as exc:  # a bug here must not cost the other students their grades
                    rec = {"student": s.name, "file": _safe_name(s.name), "status": "grader-error", "results": None,
                           "message": f"{type(exc).__name__}: {exc}", "notes": [], "commit": "", "fingerprint": "",
                           "seconds": 0.0}
                records.append(rec)
                doc = rec["results"]
                score = f"{doc['score']:.1f} / {doc['max_score']:.1f}" if doc else rec["status"]
                print(f"  {rec['student']:<24} {score:<16} ({rec['seconds']:.1f} s)", flush=True)
    finally:
        if judges is not None:
            judges.close()
    batch = {"jobs": jobs, "seed": seed, "units": units, "public_only": public_only, "shard": shard,
             "release": release, "deadline": deadlines and deadlines["*"].isoformat()}
    return write_gradebook(out, records, rubric, batch, time.perf_counter() - t0)


def write_gradebook(out, records, rubric, batch, seconds):
    """gradebook.csv, failures.md, summary.json and records.json (what `merge` reads back)."""
    records = sorted(records, key=lambda r: r["student"])
    units = batch["units"]
    with open(out / "gradebook.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=gradebook_columns(rubric, units, batch.get("manual", ())),
                                extrasaction="ignore")
        writer.writeheader()
        for rec in records:
            writer.writerow(gradebook_row(rec, rubric, units))
    failures = write_failures(out, records, seconds)
    summary = {"submissions": len(records), "graded": sum(r["status"] == "graded" for r in records),
               "no_submission": [r["student"] for r in records if r["status"] == "no-submission"],
               "grader_failures": [{"student": r["student"], "status": r["status"], "message": r["message"]}
                                   for r in failures],
               **batch, "seconds": round(seconds, 2)}
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    (out / "records.json").write_text(json.dumps(records, indent=1) + "\n")
    return summary


def merge(shard_dirs, out):
    """One gradebook from the shards' outputs, the same as one machine grading everyone would write.

    The shards must have graded with the same seed, units and hidden-suite setting; each student
    must appear in exactly one shard. Reports, pinned submissions and logs are copied alongside.
    """
    from .results import load_rubric

    out = Path(out)
    (out / "reports").mkdir(parents=True, exist_ok=True)
    records, batches, seconds = [], [], 0.0
    for d in map(Path, shard_dirs):
        summary = json.loads((d / "summary.json").read_text())
        batches.append({k: summary.get(k) for k in ("seed", "units", "public_only")})
        seconds = max(seconds, summary["seconds"])  # the shards ran side by side
        records += json.loads((d / "records.json").read_text())
        for sub in ("reports", "submissions", "logs"):
            if (d / sub).is_dir():
                shutil.copytree(d / sub, out / sub, dirs_exist_ok=True)
    if any(b != batches[0] for b in batches):
        raise ValueError(f"the shards were graded differently (seed, units or hidden suites): {batches}")
    seen = [r["student"] for r in records]
    twice = sorted({s for s in seen if seen.count(s) > 1})
    if twice:
        raise ValueError(f"students graded in more than one shard: {twice}")
    batch = {"jobs": None, **batches[0], "shard": None, "shards": len(batches)}
    return write_gradebook(out.resolve(), records, load_rubric(), batch, seconds)


def main(args):
    units = [u.strip() for u in args.units.split(",")] if args.units else None
    timeout = float(getattr(args, "timeout", None) or os.environ.get("GENLAB_GRADE_ALL_TIMEOUT") or DEFAULT_TIMEOUT_S)
    seed = getattr(args, "seed", None)
    if seed is None and os.environ.get("GENLAB_GRADE_ALL_SEED"):
        seed = int(os.environ["GENLAB_GRADE_ALL_SEED"])
    public_only = bool(getattr(args, "public_only", False)) or os.environ.get("GENLAB_GRADE_ALL_PUBLIC_ONLY") == "1"
    try:
        if args.submissions == "shard-list":
            print("\n".join(roster_shard(args.shards[0], args.shard)))
            return 0
        if args.submissions == "merge":
            summary = merge(args.shards, args.out)
            print(f"merged {len(args.shards)} shard(s): {summary['submissions']} submissions, "
                  f"{len(summary['grader_failures'])} grader failure(s); gradebook: {Path(args.out) / 'gradebook.csv'}")
            return 3 if summary["grader_failures"] else 0
        only = [n.strip() for n in args.student.split(",")] if getattr(args, "student", None) else None
        summary = run_batch(args.submissions, args.out, args.jobs, units, public_only, seed, timeout,
                            shard=getattr(args, "shard", None), students_only=only,
                            release=getattr(args, "release", None),
                            deadlines=student_deadlines(getattr(args, "deadline", None), getattr(args, "roster", None)))
    except (FileNotFoundError, ValueError) as exc:
        print(f"grade-all: {exc}", file=sys.stderr)
        return 2
    n_fail = len(summary["grader_failures"])
    print(f"graded {summary['graded']} of {summary['submissions']} submissions in {summary['seconds']:.1f} s "
          f"with {summary['jobs']} job(s), seed {summary['seed']}"
          + (" (PUBLIC TESTS ONLY)" if public_only else "")
          + f"; grader failures: {n_fail}; gradebook: {Path(args.out) / 'gradebook.csv'}")
    return 3 if n_fail else 0

"""Step 1, `tamper`: compare the protected files with the release's MANIFEST.json, report what
changed, and restore them from the release copy."""

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .github import annotation, ci_dir, load_event, read_json, set_outputs, write_json

# Top-level files that would change how the project installs or how pytest and Python start, and
# that no release contains: a student who adds one is changing the grading, so they count as tampering.
GRADING_FILES_AT_TOP = ("setup.py", "setup.cfg", "pytest.ini", ".pytest.ini", "tox.ini",
                        "sitecustomize.py", "usercustomize.py")


def file_hash(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _walk(top):
    """Files and symbolic links under `top`, never following a link; bytecode caches left out."""
    for dirpath, dirnames, filenames in os.walk(top):
        keep = []
        for d in dirnames:
            p = Path(dirpath) / d
            if p.is_symlink():
                yield p          # a link to a folder is a file-like entry here, never entered
            elif d != "__pycache__":
                keep.append(d)
        dirnames[:] = keep
        for name in filenames:
            yield Path(dirpath) / name


def _caches(checkout, protected):
    found = []
    for rel in protected:
        top = checkout / rel
        if top.is_dir() and not top.is_symlink():
            found += [p for p in top.rglob("__pycache__") if p.is_dir()]
    return found


def compare(checkout, release, submission="starter"):
    """What differs between the protected files of `checkout` and the release copy in `release`.

    The release copy's MANIFEST.json says which files are protected and what their contents must
    hash to. Returns a plain dict (it is written to tamper.json and read by `report`)."""
    checkout, release = Path(checkout), Path(release)
    manifest = read_json(release / "MANIFEST.json")
    if not manifest or "files" not in manifest:
        return {"checked": False, "tampered": False, "changed": [], "added": [], "removed": [], "symlinks": [],
                "notices": [f"no release manifest found in {release}: the tamper check could not run"]}
    files, protected = manifest["files"], manifest.get("protected", [])
    changed, removed, added, notices = [], [], [], []
    for rel, digest in sorted(files.items()):
        p = checkout / rel
        if p.is_symlink():
            changed.append(rel)
        elif not p.is_file():
            removed.append(rel)
        elif file_hash(p) != digest:
            changed.append(rel)
    mine = checkout / "MANIFEST.json"
    if "MANIFEST.json" in protected:
        if not mine.is_file() or mine.is_symlink():
            removed.append("MANIFEST.json")
        elif mine.read_bytes() != (release / "MANIFEST.json").read_bytes():
            changed.append("MANIFEST.json")
    for rel in protected:
        top = checkout / rel
        if rel == "MANIFEST.json" or not (top.exists() or top.is_symlink()):
            continue
        entries = [top] if (top.is_file() or top.is_symlink()) else list(_walk(top))
        for p in entries:
            r = p.relative_to(checkout).as_posix()
            if r not in files and r not in changed:
                added.append(r)
    added += [name for name in GRADING_FILES_AT_TOP if (checkout / name).exists() or (checkout / name).is_symlink()]
    symlinks = []
    sub = checkout / submission
    if sub.is_dir():
        symlinks = sorted(p.relative_to(checkout).as_posix() for p in _walk(sub) if p.is_symlink())
    broken = [rel for rel, digest in files.items()
              if not (release / rel).is_file() or file_hash(release / rel) != digest]
    if broken:
        notices.append(f"the release copy itself differs from its manifest in {len(broken)} file(s) "
                       f"(e.g. {sorted(broken)[0]}): those cannot be restored from it")
    return {"checked": True, "tampered": bool(changed or removed or added or symlinks),
            "changed": sorted(changed), "added": sorted(set(added)), "removed": sorted(removed),
            "symlinks": symlinks, "unrestorable": sorted(set(broken) & set(changed + removed)),
            "notices": notices}


def restore(checkout, release, report):
    """Put the release's protected files back, delete added ones and links in the submission,
    and drop bytecode caches under the protected folders (they could stand in for the sources)."""
    checkout, release = Path(checkout), Path(release)
    manifest = read_json(release / "MANIFEST.json")
    files = manifest["files"]
    done = []
    for rel in report["changed"] + report["removed"]:
        src, dest = release / rel, checkout / rel
        ok = src.is_file() and (rel == "MANIFEST.json" or file_hash(src) == files.get(rel))
        if not ok:
            continue
        if dest.is_symlink() or dest.is_file():
            dest.unlink()
        elif dest.is_dir():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        done.append(rel)
    for rel in report["added"] + report["symlinks"]:
        p = checkout / rel
        if p.is_symlink() or p.is_file():
            p.unlink()
        elif p.is_dir():
            shutil.rmtree(p)
        done.append(rel)
    for cache in _caches(checkout, manifest.get("protected", [])):
        shutil.rmtree(cache, ignore_errors=True)
    return done


def _git(checkout, *args, binary=False):
    proc = subprocess.run(["git", "-C", str(checkout), *args], capture_output=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace').strip()[:500]}")
    return proc.stdout if binary else proc.stdout.decode().strip()


def reference_commit(checkout, spec="auto", event=None):
    """The commit whose tree is the pristine release: `spec` itself, or with "auto" the pull
    request's base (GitHub Classroom's feedback PR is based on the template's initial commit), and
    otherwise the first commit of the history (the template import)."""
    if spec and spec != "auto":
        return _git(checkout, "rev-parse", "--verify", f"{spec}^{{commit}}")
    base = ((event or {}).get("pull_request") or {}).get("base", {}).get("sha")
    if base:
        try:
            return _git(checkout, "rev-parse", "--verify", f"{base}^{{commit}}")
        except RuntimeError:
            pass
    roots = _git(checkout, "rev-list", "--max-parents=0", "HEAD").split()
    if not roots:
        raise RuntimeError("the history has no root commit")
    return roots[-1]


def extract_commit(checkout, commit, dest):
    """Write the tree of `commit` into `dest` (no checkout, nothing else touched)."""
    data = _git(checkout, "archive", "--format=tar", commit, binary=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:  # Python without extraction filters: refuse anything but plain members inside dest
            members = [m for m in tar.getmembers() if (m.isfile() or m.isdir()) and not m.name.startswith(("/", ".."))
                       and ".." not in Path(m.name).parts]
            tar.extractall(dest, members=members)
    return Path(dest)


def tamper_check(checkout=".", release=None, release_commit=None, do_restore=False, submission="starter",
                 event=None):
    """The whole step: find the release copy, compare, restore. Returns the report dict."""
    checkout = Path(checkout).resolve()
    tmp = None
    try:
        if release:
            source = f"the release copy in {release}"
        elif release_commit:
            try:
                commit = reference_commit(checkout, release_commit, event)
                tmp = tempfile.mkdtemp(prefix="genlab-release-")
                release = extract_commit(checkout, commit, tmp)
                source = f"the release as committed in {commit[:12]}"
            except (RuntimeError, OSError, subprocess.SubprocessError, tarfile.TarError) as exc:
                release, source = checkout, "the checkout's own MANIFEST.json (no release copy: " \
                                            f"{str(exc).splitlines()[0][:200]})"
        else:
            release, source = checkout, "the checkout's own MANIFEST.json"
        report = compare(checkout, release, submission)
        report["reference"] = source
        self_check = Path(release).resolve() == checkout
        if self_check and report["checked"]:
            report["notices"].append("compared with the manifest in the submission itself: changes to MANIFEST.json "
                                     "go unnoticed and nothing can be restored")
            report["unrestorable"] = sorted(set(report["changed"] + report["removed"]))
        report["restored"] = []
        if do_restore and report["checked"] and not self_check:
            report["restored"] = restore(checkout, release, report)
        return report
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def tamper_markdown(report):
    """The prominent block at the top of the PR comment and job summary (empty when all is well)."""
    if not report:
        return ""
    if not report.get("checked", False):
        return "\n".join(f"> [!NOTE]\n> Tamper check: {n}" for n in report.get("notices", [])) + "\n"
    if not report.get("tampered"):
        return ""
    restored = set(report.get("restored", []))
    out = ["> [!WARNING]",
           "> **Protected files were changed.** Tests, the grader, the workflows and the grading configuration "
           "must stay as released. "
           + ("They were restored from the release before grading, so these changes did not affect the score."
              if restored else "They could not be restored: this score may not be trustworthy."),
           ">"]
    for kind, label in (("changed", "changed"), ("removed", "removed"), ("added", "added"),
                        ("symlinks", "symbolic link in the submission")):
        for rel in report.get(kind, []):
            state = "restored" if rel in restored else "not restored"
            if kind in ("added", "symlinks"):
                state = "deleted" if rel in restored else "left in place"
            out.append(f"> - `{rel}`: {label} ({state})")
    for n in report.get("notices", []):
        out.append(f"> - {n}")
    out.append(f">\n> Compared with {report.get('reference', 'the release')}. The official score comes from "
               "the instructor's own regrade, which uses the original files in any case.")
    return "\n".join(out) + "\n"


def cmd_tamper(args):
    out = ci_dir(args.dir)
    report = tamper_check(args.checkout, args.release, args.release_commit, args.restore, args.submission,
                          load_event())
    write_json(out / "tamper.json", report)
    what = {"changed": ("protected file changed", "restored from the release"),
            "removed": ("protected file deleted", "restored from the release"),
            "added": ("file added among the protected ones", "deleted before grading"),
            "symlinks": ("symbolic link in the submission", "deleted before grading")}
    for kind, (label, fix) in what.items():
        for rel in report.get(kind, []):
            print(annotation("warning", f"{label}: {rel}" + (f" ({fix})" if rel in report.get("restored", []) else ""),
                             file=rel if kind != "removed" else None, title="genlab tamper check"))
    for n in report.get("notices", []):
        print(annotation("notice", n, title="genlab tamper check"))
    n = sum(len(report.get(k, [])) for k in ("changed", "removed", "added", "symlinks"))
    print(f"tamper check against {report.get('reference')}: "
          + (f"{n} protected file(s) differ" if report.get("tampered") else
             "all protected files as released" if report.get("checked") else "not run")
          + (f"; {len(report['restored'])} restored" if report.get("restored") else ""))
    set_outputs(tampered=report.get("tampered", False), checked=report.get("checked", False), differing=n)
    return 0



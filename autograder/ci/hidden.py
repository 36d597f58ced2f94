"""Step 2, `hidden-plan` and `hidden-install`: whether the hidden suites can be fetched (is the
secret there?), and putting them (and the reference they compare with) in place."""

import os
import re
import shutil
from pathlib import Path

from .github import annotation, ci_dir, read_json, set_outputs, write_json

DEFAULT_SECRET_NAME = "GENLAB_HIDDEN_KEY"


def hidden_plan(env=None):
    """Whether to fetch the hidden suites, decided from what the workflow passed in (never the secret
    itself: only whether it is set, and whether it looks like an SSH deploy key)."""
    env = os.environ if env is None else env
    name = (env.get("GENLAB_HIDDEN_SECRET_NAME") or DEFAULT_SECRET_NAME).strip()
    repo = (env.get("GENLAB_HIDDEN_REPO") or "").strip()
    secret_set = (env.get("GENLAB_HIDDEN_SECRET_SET") or "").strip().lower() == "true"
    ssh = (env.get("GENLAB_HIDDEN_SECRET_IS_SSH_KEY") or "").strip().lower() == "true"
    plan = {"fetch": False, "auth": "", "repo": repo, "secret_name": name, "installed": False}
    if not secret_set:
        plan["notice"] = (f"Hidden suites not fetched: the secret `{name}` is not available to this workflow "
                          "(not stored, or this run may not read secrets). This is the public score only; "
                          "the hidden tests are graded by your instructor.")
    elif not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo):
        plan["notice"] = (f"Hidden suites not fetched: the secret `{name}` is set but the repository variable "
                          "GENLAB_HIDDEN_REPO (owner/name of the instructor's private repository) is "
                          + ("missing." if not repo else f"not of the form owner/name ({repo!r}).")
                          + " This is the public score only.")
    else:
        plan.update(fetch=True, auth="ssh" if ssh else "token",
                    notice=f"Fetching the hidden suites from {repo} with the secret `{name}` "
                           f"({'deploy key' if ssh else 'token'}).")
    return plan


def cmd_hidden_plan(args):
    plan = hidden_plan()
    write_json(ci_dir(args.dir) / "hidden.json", plan)
    print(annotation("notice", plan["notice"], title="genlab hidden suites"))
    set_outputs(fetch=plan["fetch"], auth=plan["auth"])
    return 0


def install_hidden(source, workspace="."):
    """Move what grading needs from the instructor's checkout into the workspace: the hidden suites
    (autograder/hidden) and the reference they compare with (solutions/genlab). Returns (ok, message)."""
    source, workspace = Path(source), Path(workspace)
    hidden = source / "autograder" / "hidden"
    if not hidden.is_dir() or not any(hidden.glob("test_*.py")):
        return False, (f"Hidden suites not installed: the fetch produced no autograder/hidden/test_*.py in {source} "
                       "(wrong repository or ref, or the key has no access). This is the public score only.")
    moved = []
    for rel in ("autograder/hidden", "solutions/genlab"):
        src, dest = source / rel, workspace / rel
        if not src.is_dir():
            continue
        if dest.exists() or dest.is_symlink():
            shutil.rmtree(dest) if dest.is_dir() and not dest.is_symlink() else dest.unlink()
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".git"))
        moved.append(rel)
    shutil.rmtree(source, ignore_errors=True)
    suites = sorted(p.stem.removeprefix("test_") for p in (workspace / "autograder" / "hidden").glob("test_*.py"))
    message = f"Hidden suites installed for {', '.join(suites)}."
    if "solutions/genlab" not in moved:
        message += " The reference (solutions/genlab) was not fetched: hidden tests that compare with it will fail."
    return True, message


def cmd_hidden_install(args):
    out = ci_dir(args.dir)
    plan = read_json(out / "hidden.json", {}) or {}
    ok, message = install_hidden(args.source, args.workspace)
    plan.update(installed=ok, notice=message)
    write_json(out / "hidden.json", plan)
    print(annotation("notice" if ok else "warning", message, title="genlab hidden suites"))
    set_outputs(installed=ok)
    return 0



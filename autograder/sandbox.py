"""How the worker process is isolated, from strongest to weakest.

    "bwrap-user"  root + bubblewrap: the worker sees only the read-only Python install (less the
                  evaluation data shipped inside it, EVALUATION_DATA), the staged copy of the
                  submission and probes, and its own working folder; no network, its
                  own process namespace, and it runs as an unprivileged user id of its own (no
                  account, one per worker: WORKER_IDS) with no capabilities (so the process-count
                  limit holds, for this worker alone). CI and the instructor's regrade.
    "bwrap"       bubblewrap without root (user namespace): the same view of the file system,
                  network and processes, but the process-count limit is not enforced by uid.
    "user"        root without bubblewrap: the worker runs as a user id of its own; it can still
                  read world-readable files, so hidden material must not be world-readable (its
                  own staged folder is open to its group only).
    "process"     a plain subprocess with resource limits: a student's laptop, where nothing
                  hidden exists to protect.

In every mode the worker gets a scrubbed environment (no tokens or secrets), its own temporary
working folder, resource limits (address space, CPU time, processes, file size; set in
worker_main.py) and a wall-clock limit per call enforced by the judge.
"""
import os
import shutil
import sys
from pathlib import Path

# Each worker runs as a user and group id of its own, drawn from this range (no account needed, far
# above any real one): the process-count limit (RLIMIT_NPROC) counts the processes of a user id,
# so under one shared id (nobody) a submission that forks 254 sleepers would leave a submission
# graded beside it (grade-all --jobs 2) unable to fork its training probes, and in "user" mode (no
# process namespace) could kill the other's worker. Two workers running at once draw the same id
# with a probability of 1 in 16 million (they would then share one count).
WORKER_IDS = range(1 << 30, (1 << 30) + (1 << 24))
SYSTEM_DIRS = ("/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc/ld.so.cache", "/etc/alternatives")

_DESCRIPTIONS = {
    "bwrap-user": "bubblewrap sandbox as an unprivileged user of its own: no network, own PID namespace, read-only view of "
                  "Python and the submission only",
    "bwrap": "bubblewrap sandbox (user namespace): no network, own PID namespace, read-only view of "
             "Python and the submission only",
    "user": "separate unprivileged user of its own without a file-system sandbox",
    "process": "plain subprocess with resource limits (no file-system or network isolation)",
}


def describe(mode):
    return f"{mode}: {_DESCRIPTIONS[mode]}"


def _bwrap_works(extra):
    import subprocess
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    cmd = [bwrap, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", *extra, "true"]
    try:
        return subprocess.run(cmd, capture_output=True, timeout=10).returncode == 0
    except Exception:
        return False


def _others_can_run_python():
    """Whether another user (the worker's) can reach and run this interpreter and its packages
    (not so under a 0700 /root)."""
    import stat
    for target in {Path(sys.executable).resolve(), *_python_roots()}:
        for folder in [target, *target.parents]:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH or (folder.is_dir() and folder == target and not mode & stat.S_IROTH):
                return False
    return True


def best_available():
    """The strongest mode this machine allows (overridable with GENLAB_ISOLATION)."""
    forced = os.environ.get("GENLAB_ISOLATION")
    if forced:
        if forced not in _DESCRIPTIONS:
            raise ValueError(f"GENLAB_ISOLATION must be one of {sorted(_DESCRIPTIONS)}")
        return forced
    root = os.geteuid() == 0
    if root and shutil.which("setpriv") and _bwrap_works([]):
        return "bwrap-user"
    if not root and _bwrap_works([]):
        return "bwrap"
    if root and _others_can_run_python():
        return "user"
    return "process"


def _python_roots():
    """Folders that hold the interpreter and its installed packages, never the project itself."""
    project = Path(__file__).resolve().parent.parent
    candidates = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    candidates |= {Path(p).resolve() for p in sys.path
                   if p and Path(p).is_dir() and ("site-packages" in p or "dist-packages" in p)}
    keep = []
    for root in sorted(candidates, key=lambda p: len(p.parts)):
        if root == project or root in project.parents:
            continue  # would show the worker the project: hidden suites, solutions, rubric
        if any(k == root or k in root.parents for k in keep):
            continue  # already inside a kept folder
        keep.append(root)
    return keep


# Evaluation data that ships inside Python installs, which the sandboxed worker must see to run at
# all: scikit-learn's bundled datasets hold the digits, whose test split the judge evaluates on;
# CPython's pydoc topics are unit 06's corpus, whose validation split the judge evaluates on. The
# sandbox covers each folder with an empty one, in every Python install the worker can see (a
# system Python under /usr carries its own pydoc topics), so the worker trains on what a probe
# hands it and reads nothing else. Patterns are relative to an install's prefix.
EVALUATION_DATA = ("lib/python3*/pydoc_data", "lib/python3*/*-packages/sklearn/datasets/data",
                   "lib/python3/dist-packages/sklearn/datasets/data")


def evaluation_data_folders():
    """The folders of EVALUATION_DATA in this interpreter's install, its environment and the system's."""
    prefixes = {Path(p) for p in (sys.prefix, sys.base_prefix, "/usr", "/usr/local")}
    return sorted({folder.resolve() for prefix in prefixes for pattern in EVALUATION_DATA
                   for folder in prefix.glob(pattern) if folder.is_dir()})


def environment(workdir):
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(workdir),
        # The worker's user id has no account (WORKER_IDS), so getpass.getuser(), which torch's
        # compile caches call, would fail without a name in the environment.
        "USER": "genlab-worker",
        "LOGNAME": "genlab-worker",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "MPLBACKEND": "Agg",
        "GENLAB_WORKER_MEMORY_MB": os.environ.get("GENLAB_WORKER_MEMORY_MB", "6144"),
    }


def worker_uid(mode):
    """A fresh user (and group) id for one worker in the modes that change user, else None."""
    if mode not in ("bwrap-user", "user"):
        return None
    import random
    return random.SystemRandom().choice(WORKER_IDS)


def command(mode, argv, staged, workdir, uid):
    """The command line that starts worker_main.py with `argv`, and its environment (`uid`: the
    user and group id of a "bwrap-user" worker)."""
    python = sys.executable
    env = environment(workdir)
    inner = [python, "-s", *argv]  # -s: no user site-packages
    if mode in ("bwrap-user", "bwrap"):
        cmd = [shutil.which("bwrap"), "--die-with-parent", "--new-session",
               "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        if mode == "bwrap":
            cmd += ["--unshare-user"]
        cmd += ["--tmpfs", "/tmp"]  # first: the staged folders below live under /tmp too
        system = [d for d in SYSTEM_DIRS if os.path.lexists(d)]
        for d in system:
            cmd += ["--symlink", os.readlink(d), d] if os.path.islink(d) else ["--ro-bind", d, d]
        made = {"/", "/tmp", *system}

        def mount(option, path):
            # bwrap would create missing parents as 0700, which the worker's user cannot cross: make them 0755.
            for parent in reversed(Path(path).parents):
                if str(parent) not in made:
                    cmd.extend(["--perms", "0755", "--dir", str(parent)])
                    made.add(str(parent))
            cmd.extend([option, str(path), str(path)])

        for root in _python_roots():
            if not any(str(root) == d or str(root).startswith(d + "/") for d in system):
                mount("--ro-bind", root)
        for folder in evaluation_data_folders():
            cmd += ["--tmpfs", str(folder)]  # an empty folder over the evaluation data
        mount("--ro-bind", staged)
        mount("--bind", workdir)
        cmd += ["--proc", "/proc", "--dev", "/dev", "--chdir", str(workdir)]
        if mode == "bwrap-user":
            cmd += ["--", shutil.which("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
        else:
            cmd += ["--cap-drop", "ALL", "--"]
        return cmd + inner, env
    return inner, env


def preexec(mode, uid):
    """What runs in the child between fork and exec (drop to `uid` in "user" mode)."""
    if mode != "user":
        return None

    def drop():
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    return drop


def kill_everything_of(uid):
    """SIGKILL every process running as `uid` (a worker's own id in "user" mode): what the worker
    left behind outside its process group (a double fork and setsid) dies with it, instead of
    living on until its CPU limit. A forked child drops to `uid` and signals -1, which reaches
    exactly the processes of that user; the ids are the worker's alone (WORKER_IDS)."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, 9)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)

"""Instructor CI, `notebooks`: execute every assignments/*.ipynb against the reference."""

import os
import tempfile
from pathlib import Path

from .github import add_summary, annotation

ROOT = Path(__file__).resolve().parents[2]


def run_notebooks(paths, impl=None, timeout=600):
    """Execute each notebook (in a scratch copy) with `impl`/genlab importable as `genlab`.
    Returns {notebook: error message or None}."""
    import nbformat
    from nbclient import NotebookClient

    impl = Path(impl or ROOT / "solutions").resolve()
    outcome = {}
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "GENLAB_IMPL", "MPLBACKEND")}
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(impl), str(ROOT), saved["PYTHONPATH"]]))
    os.environ["GENLAB_IMPL"] = str(impl)
    os.environ["MPLBACKEND"] = "Agg"
    try:
        for path in paths:
            path = Path(path)
            nb = nbformat.read(path, as_version=4)
            with tempfile.TemporaryDirectory(prefix="genlab-nb-") as tmp:
                try:
                    NotebookClient(nb, timeout=timeout, kernel_name="python3",  # quiet: no TCP warning
                                   extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                   resources={"metadata": {"path": tmp}}).execute()
                    outcome[str(path)] = None
                except Exception as exc:  # nbclient raises CellExecutionError, DeadKernelError, timeouts...
                    outcome[str(path)] = f"{type(exc).__name__}: {str(exc)[-3000:]}"
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return outcome


def cmd_notebooks(args):
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "assignments").glob("*.ipynb"))
    if not paths:
        print("no notebooks in assignments/: nothing to execute")
        return 0
    outcome = run_notebooks(paths, args.impl, args.timeout)
    failed = {p: e for p, e in outcome.items() if e}
    for p, e in outcome.items():
        print(f"{'FAILED' if e else 'ok'}  {p}")
        if e:
            print(annotation("error", e[-1500:], file=os.path.relpath(p, ROOT), title="notebook failed against the reference"))
    add_summary(f"### Notebooks against the reference: {len(outcome) - len(failed)} of {len(outcome)} ran cleanly\n")
    return 1 if failed else 0



"""What an Otter test case runs: one of genlab's public tests, on the student's genlab package.

Every Otter test file of this course is generated from the public tests (autograder/platforms/
otter.py): one Otter test case per public test function, whose body is

    from autograder.platforms.otter_check import check
    check("tests/test_vae.py::test_gaussian_kl_is_zero_for_the_prior", env)

`check` runs the unit's public test file once with pytest, in a subprocess (so the package is read
as it is on disk now, not as the notebook imported it earlier), against the student's package, and
caches the outcomes until a file of that package changes. A test case passes when every case of
its test function passed; otherwise it fails with the test's own feedback (expected, received,
hint). The public tests are genlab's, found beside this package (the repository or release
checkout, or the `genlab_public/` folder an Otter autograder ships).
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]   # holds tests/, conftest.py, pyproject.toml
RUN_TIMEOUT_S = 600
_cache = {}


def implementation(env=None):
    """The folder holding the student's genlab/: $GENLAB_IMPL; the current folder (an Otter
    submission unpacked, or a checkout's root); starter/ under it; the notebook's `_impl`
    (genlab's notebooks set it); ../starter (a notebook in assignments/ of a checkout)."""
    candidates = [os.environ.get("GENLAB_IMPL"), ".", "starter", (env or {}).get("_impl"), "../starter"]
    for folder in filter(None, candidates):
        if (Path(folder) / "genlab" / "__init__.py").is_file():
            return Path(folder).resolve()
    raise AssertionError("no genlab/ package found here, in starter/ or in ../starter: "
                         "submit your genlab/ folder with the notebook")


def _fingerprint(impl):
    digest = hashlib.sha256()
    for path in sorted((impl / "genlab").rglob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def outcomes(test_file, impl):
    """{node id: the judge's record (status, output)} of `test_file` on `impl`'s genlab."""
    key = (test_file, str(impl), _fingerprint(impl))
    if key not in _cache:
        with tempfile.TemporaryDirectory(prefix="genlab-otter-") as tmp:
            results = Path(tmp) / "outcomes.json"
            env = dict(os.environ, GENLAB_IMPL=str(impl), GENLAB_PROGRESS="0", PYTHONDONTWRITEBYTECODE="1")
            proc = subprocess.run([sys.executable, "-m", "pytest", test_file, "-q", "-p", "no:cacheprovider",
                                   "--genlab-results", str(results)],
                                  cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
            if not results.exists():
                raise AssertionError(f"the public tests could not run (pytest exit {proc.returncode}):\n"
                                     + (proc.stdout + proc.stderr)[-3000:])
            _cache[key] = {t["nodeid"]: t for t in json.loads(results.read_text())["tests"]}
    return _cache[key]


def check(test, env=None):
    """Pass when every case of the public test `test` ("tests/test_vae.py::test_x") passed."""
    test_file, name = test.split("::")
    mine = [t for node, t in outcomes(test_file, implementation(env)).items()
            if node.split("::")[-1].split("[")[0] == name]
    if not mine:
        raise AssertionError(f"{test} did not run: is the test file importable?")
    failed = [t for t in mine if t["status"] != "passed"]
    if failed:
        raise AssertionError("\n\n".join(f"{t['nodeid'].split('::')[-1]} {t['status']}:\n{t['output'].strip()}"
                                         for t in failed))

"""The contract between tests, probes, the reference and students (CONTRIBUTING.md)."""
import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted(p.stem.removeprefix("test_") for p in (ROOT / "tests").glob("test_*.py"))


def test_reference_imports_its_siblings_relatively():
    """The judge loads solutions/ as `genlab_reference`: an absolute `genlab` import would load
    another package (or none)."""
    for path in (ROOT / "solutions" / "genlab").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            assert not any(n == "genlab" or n.startswith("genlab.") for n in names), f"{path.name}: {names}"


def test_public_tests_never_import_the_reference_or_the_submission():
    for path in list((ROOT / "tests").rglob("*.py")):
        text = path.read_text()
        assert "autograder.reference" not in text and "solutions" not in text, path
        if path.parent.name != "probes":
            tree = ast.parse(text)
            imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
            imported += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
            assert not any(m == "genlab" or m.startswith("genlab.") for m in imported), \
                f"{path.name} imports genlab: tests reach student code only through the worker"


def test_probe_names_are_unique_across_public_and_hidden_probes():
    seen = {}
    for path in sorted((ROOT / "tests" / "probes").glob("*.py")) + sorted((ROOT / "autograder" / "hidden" / "probes").glob("*.py")):
        unit = path.stem.removesuffix("_hidden")
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                key = f"{unit}.{node.name}"
                assert key not in seen, f"probe {key} is defined in {seen.get(key)} and {path}"
                seen[key] = path


def test_every_unit_has_all_its_pieces():
    for unit in UNITS:
        for piece in [f"solutions/genlab/{unit}.py", f"starter/genlab/{unit}.py", f"tests/probes/{unit}.py",
                      f"autograder/hidden/test_{unit}.py", f"autograder/hidden/mutants/{unit}.py"]:
            assert (ROOT / piece).exists(), piece
        assert list((ROOT / "assignments").glob("*.ipynb")), "notebooks"


@pytest.mark.slow  # a pytest process per unit
@pytest.mark.parametrize("unit", UNITS)
def test_starter_fails_every_public_test_with_not_implemented_error_only(unit, tmp_path):
    results = tmp_path / "outcomes.json"
    env = dict(os.environ, GENLAB_IMPL=str(ROOT / "starter"))
    subprocess.run([sys.executable, "-m", "pytest", f"tests/test_{unit}.py", "-q", "--genlab-results", str(results)],
                   cwd=ROOT, env=env, capture_output=True, text=True)
    tests = json.loads(results.read_text())["tests"]
    assert tests, "no public tests ran"
    wrong = [(t["nodeid"], t["status"], t["error_type"]) for t in tests
             if t["status"] == "passed" or t["error_type"] != "NotImplementedError"]
    assert not wrong, f"the starter should fail every public test with NotImplementedError only: {wrong}"

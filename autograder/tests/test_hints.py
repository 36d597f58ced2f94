"""Every check in a unit's public and hidden suites carries a hint (issue 18): a bare `assert`
has a message naming the likely mistake, every `expect_close` a `hint=`, and no test calls
`torch.testing.assert_close` directly (its `msg=` would replace torch's report)."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted(p.stem.removeprefix("test_") for p in (ROOT / "tests").glob("test_*.py"))  # every unit
FILES = [p for u in UNITS for p in (ROOT / "tests" / f"test_{u}.py", ROOT / "autograder" / "hidden" / f"test_{u}.py")]


def checks_without_hints(path):
    tree = ast.parse(path.read_text())
    missing = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and node.msg is None:
            missing.append(f"{path.name}:{node.lineno}: assert without a message")
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if name.endswith("expect_close"):
                hint = next((k.value for k in node.keywords if k.arg == "hint"), node.args[2] if len(node.args) > 2 else None)
                if hint is None or (isinstance(hint, ast.Constant) and not hint.value):
                    missing.append(f"{path.name}:{node.lineno}: expect_close without a hint")
            if name.endswith("testing.assert_close"):
                missing.append(f"{path.name}:{node.lineno}: torch.testing.assert_close: use expect_close(..., hint=...)")
    return missing


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_check_has_a_hint(path):
    missing = checks_without_hints(path)
    assert not missing, "checks without a hint:\n" + "\n".join(missing)

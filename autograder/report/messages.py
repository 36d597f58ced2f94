"""Failure messages grouped: which function a failed test is about, and its message with the
student-specific parts (numbers, values, shapes, line numbers, the student's traceback) taken out,
so that one misleading docstring shows as one message with a count of students."""
import ast
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 6

_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w])|\b(?:nan|inf|-inf)\b")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_LINE_NO = re.compile(r"^(test_\w+\.py):\d+:", re.M)
_FUNCTION = re.compile(r"\bgenlab\.([A-Za-z_]\w*)\.([A-Za-z_]\w*)")
_VALUES = re.compile(r"(?:#\s*,\s*)+#")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=None)
def unit_functions(unit):
    """The public top-level functions and classes of a unit (the reference's, else the starter's)."""
    for base in ("solutions", "starter"):
        path = ROOT / base / "genlab" / f"{unit}.py"
        if path.is_file():
            tree = ast.parse(path.read_text())
            return tuple(n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                         and not n.name.startswith("_"))
    return ()


@lru_cache(maxsize=65536)
def function_of(test_name, output, unit):
    """The first of the unit's functions that `output` names (genlab.<unit>.<name> raised ..., or
    "called through" it: a student's own helper is not a group); otherwise the longest function of
    the unit whose name is in the test's name."""
    named = [m.group(2) for m in _FUNCTION.finditer(output or "") if m.group(1) == unit]
    known = [f for f in named if f in unit_functions(unit)]
    if known:
        return known[0]
    short = test_name.split("::")[-1].split("[")[0].lower()
    found = [f for f in unit_functions(unit) if f.lower() in short]
    return max(found, key=len) if found else "(other)"


def not_attempted(output, error_type=None):
    return error_type == "NotImplementedError" or "raised NotImplementedError" in (output or "")


@lru_cache(maxsize=65536)
def normalise(output):
    """The message as a group key: the student's traceback dropped, numbers as #, repeated lines
    (a list of mismatched values) once, at most MAX_LINES lines, the test's hint always kept."""
    text = (output or "").split("\n\nWhere (your code):")[0]
    text = _LINE_NO.sub(r"\1:", text)
    text = _ADDRESS.sub("0x#", text)
    text = _NUMBER.sub("#", text)
    lines, seen = [], set()
    for line in text.splitlines():
        line = _SPACE.sub(" ", _VALUES.sub("#, ...", line.strip()))   # a list of values: one placeholder
        if line and line not in seen:
            seen.add(line)
            lines.append(line)
    hints = [line for line in lines if line.startswith("Hint:")][:MAX_LINES]
    rest = [line for line in lines if not line.startswith("Hint:")][:MAX_LINES - len(hints)]
    return "\n".join(rest + hints) or "(no message)"

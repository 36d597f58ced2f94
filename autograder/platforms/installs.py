"""Who installs what, read from the comment on each line of pyproject.toml's `dependencies`:

    "torch>=2.3",            # student: the models
    "pyyaml>=6",             # judge-side: ...
    "nbgrader>=0.9",         # instructor: ...

- the instructor's `pip install -e .` installs every line (this repository's pyproject.toml);
- the student release's pyproject.toml (written by `release`) lists the `student` lines as its
  dependencies and the `judge-side` lines as the extra `judge`, which the grading workflows and
  Gradescope's setup.sh install (`pip install -e ".[judge]"`); `instructor` lines are left out.

A line without one of these tags counts as `student` (a student never lacks what the tests need).
PyTorch's CPU wheels come from PyTorch's own index by default in every workflow and in setup.sh;
GENLAB_TORCH_INDEX_URL overrides it (`off` in a workflow, empty for setup.sh: whatever pip is configured with).
"""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
ROLES = ("student", "judge-side", "instructor")
_LINE = re.compile(r'^\s*"(?P<req>[^"]+)"\s*,?\s*(?:#\s*(?P<role>[a-z-]+)\s*:?\s*(?P<why>.*))?$')


def _dependency_block(text):
    """(start, end) line indexes of the `dependencies = [` ... `]` block of [project]."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"\s*dependencies\s*=\s*\[", line))
    end = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("]"))
    return lines, start, end


def dependencies(pyproject=PYPROJECT):
    """[(requirement, role, why)] in file order."""
    lines, start, end = _dependency_block(Path(pyproject).read_text())
    found = []
    for line in lines[start + 1:end]:
        m = _LINE.match(line)
        if m:
            role = m["role"] if m["role"] in ROLES else "student"
            found.append((m["req"], role, (m["why"] or "").strip()))
    declared = tomllib.loads(Path(pyproject).read_text())["project"]["dependencies"]
    if [r for r, _, _ in found] != declared:  # one requirement per line is what this reader needs
        raise ValueError(f"{pyproject}: write one quoted requirement per line in `dependencies`")
    return found


def requirements(roles, pyproject=PYPROJECT):
    return [req for req, role, _ in dependencies(pyproject) if role in roles]


def _toml_list(reqs, indent="    "):
    return "[\n" + "".join(f'{indent}"{r}",\n' for r in reqs) + "]"


def student_pyproject(pyproject=PYPROJECT):
    """The release's pyproject.toml: student dependencies, judge-side ones as the extra `judge`."""
    lines, start, end = _dependency_block(Path(pyproject).read_text())
    kept = [line for line in lines[start + 1:end] if (m := _LINE.match(line)) is None
            or (m["role"] if m["role"] in ROLES else "student") == "student"]
    head = [*lines[:start], "# The student release: what a student needs to run the tests, the grade command and",
            "# the notebooks. The grading workflows add the judge's libraries with `pip install -e \".[judge]\"`.",
            lines[start], *kept, lines[end]]
    text = "\n".join(head + lines[end + 1:]).rstrip("\n") + "\n"
    text += f"\n[project.optional-dependencies]\njudge = {_toml_list(requirements(('judge-side',), pyproject))}\n"
    tomllib.loads(text)  # refuse to write a broken file
    return text

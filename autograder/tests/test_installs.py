"""Who installs what: every dependency says who needs it and is used by something; the student
release's pyproject.toml lists the student's only, with the judge's as the extra `judge`."""
import re
import tomllib
from pathlib import Path

from autograder.platforms import installs

ROOT = Path(__file__).resolve().parents[2]
# distribution -> how the code base uses it (an import, or the configuration that needs it)
USED_AS = {"torch": r"^\s*import torch", "numpy": r"\.numpy\(\)", "scikit-learn": r"sklearn",
           "matplotlib": r"^\s*import matplotlib", "tqdm": r"from tqdm", "pytest": r"^\s*import pytest",
           "pytest-timeout": r"^timeout = \d+", "ipykernel": r'"kernel_name"|kernel_name="python3"',
           "nbformat": r"^\s*import nbformat", "nbclient": r"from nbclient", "nbgrader": r"nbgrader",
           "pyyaml": r"^\s*import yaml", "sacrebleu": r"import sacrebleu|from sacrebleu", "scipy": r"scipy",
           "mido": r"import mido", "pillow": r"from PIL import|import PIL", "transformers": r"from transformers",
           "torchvision": r"from torchvision", "otter-grader": r"^\s*import otter|from otter",
           "copydetect": r"from copydetect import"}


def _name(req):
    return re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0].lower()


def _sources():
    files = [p for top in ("solutions", "tests", "autograder", "assignments") for p in (ROOT / top).rglob("*")
             if p.suffix in (".py", ".ipynb") and "__pycache__" not in p.parts]
    return "\n".join(p.read_text(errors="replace") for p in files) + (ROOT / "pyproject.toml").read_text()


def test_every_dependency_says_who_needs_it():
    deps = installs.dependencies()
    assert deps and all(role in installs.ROLES and why for _, role, why in installs.dependencies()), deps


def test_every_dependency_is_used_by_something():
    text = _sources()
    for req, _, _ in installs.dependencies():
        pattern = USED_AS.get(_name(req))
        assert pattern, f"{req}: say in USED_AS what uses it, or remove it from pyproject.toml"
        assert re.search(pattern, text, re.M), f"{req}: nothing uses it ({pattern!r} is nowhere)"


def test_the_student_release_installs_the_student_dependencies_and_the_judge_extra():
    doc = tomllib.loads(installs.student_pyproject())
    student = {_name(r) for r, role, _ in installs.dependencies() if role == "student"}
    assert {_name(r) for r in doc["project"]["dependencies"]} == student
    assert {_name(r) for r in doc["project"]["optional-dependencies"]["judge"]} == \
        {_name(r) for r, role, _ in installs.dependencies() if role == "judge-side"}
    assert "nbgrader" not in student and "torch" in student and "pytest" in student
    main = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert doc["project"]["scripts"] == main["project"]["scripts"] and doc["tool"] == main["tool"]


INSTALL_STEPS = [ROOT / ".github" / "workflows" / f for f in ("ci.yml", "grade.yml", "regrade.yml")] + \
    [ROOT / "autograder" / "platforms" / "classroom.yml"]


def test_torch_and_torchvision_come_from_one_index_in_one_command():
    """A CPU torch beside PyPI's torchvision fails at import ("operator torchvision::nms does not
    exist"): every step that takes torch from PyTorch's index takes torchvision in the same pip
    command, so pip picks the torchvision built for that torch."""
    from autograder.platforms.gradescope import SETUP_SH
    steps = [(p.name, p.read_text()) for p in INSTALL_STEPS] + [("setup.sh", SETUP_SH)]
    for name, text in steps:
        lines = [line for line in text.splitlines() if not line.strip().startswith("#")
                 and "index-url" in line.replace("_", "-").lower() and "torch" in line
                 and "pip" in line.lower()]
        assert lines, f"{name}: no step installs torch from PyTorch's index"
        for line in lines:
            assert "torchvision" in line, f"{name}: torch is installed without torchvision in: {line.strip()}"


def test_the_installed_torch_and_torchvision_are_a_matching_pair():
    import torch
    import torchvision
    boxes = torch.tensor([[0.0, 0.0, 10.0, 10.0], [1.0, 1.0, 11.0, 11.0], [50.0, 50.0, 60.0, 60.0]])
    keep = torchvision.ops.nms(boxes, torch.tensor([0.9, 0.8, 0.7]), iou_threshold=0.5)
    assert keep.tolist() == [0, 2], f"torch {torch.__version__} with torchvision {torchvision.__version__}"

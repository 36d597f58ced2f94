"""What mutants and attacks share: a unit's catalogue is a Python file that defines a list, and each
entry is graded on a copy of solutions/genlab with one file rewritten."""
import importlib.util
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load(folder, unit, attribute):
    """`attribute` (MUTANTS or ATTACKS) of folder/<unit>.py as a list; [] when the unit has none."""
    path = Path(folder) / f"{unit}.py"
    if not path.exists():
        return []
    spec = importlib.util.spec_from_file_location(f"_{attribute.lower()}_{unit}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(getattr(module, attribute))


def write_rewritten(dest, file, rewrite, solutions=ROOT / "solutions"):
    """Copy solutions/genlab into dest/genlab with genlab/<file> replaced by rewrite(its text); return dest."""
    dest = Path(dest)
    shutil.copytree(Path(solutions) / "genlab", dest / "genlab", ignore=shutil.ignore_patterns("__pycache__"))
    target = dest / "genlab" / file
    target.write_text(rewrite(target.read_text()))
    return dest

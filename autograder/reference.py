"""The reference solution, for hidden tests in the judge: `reference("vae")`.

It is loaded from solutions/genlab under the package name `genlab_reference`, so it can never be
mistaken for (or shadow) a submission's `genlab`. The judge may call it freely: it is our code.
"""
import importlib
import importlib.util
import os
import sys
from pathlib import Path

SOLUTIONS = Path(os.environ.get("GENLAB_REFERENCE", Path(__file__).resolve().parent.parent / "solutions"))
PACKAGE = "genlab_reference"


def reference(module):
    """The reference implementation of genlab.<module> (e.g. "vae")."""
    if PACKAGE not in sys.modules:
        init = SOLUTIONS / "genlab" / "__init__.py"
        if not init.exists():
            raise FileNotFoundError(f"no reference solution at {init}: the hidden suites need it")
        spec = importlib.util.spec_from_file_location(PACKAGE, init, submodule_search_locations=[str(init.parent)])
        package = importlib.util.module_from_spec(spec)
        sys.modules[PACKAGE] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"{PACKAGE}.{module}")

"""Finding a probe: "vae.reparameterize_grads" -> `reparameterize_grads` in tests/probes/vae.py or
autograder/hidden/probes/vae_hidden.py.

Used by the sandboxed worker (a copy of this file travels with worker_main.py) and by the
in-process LocalWorker, so both find the same function. Each probe file is loaded as the module
`genlab_probes.<file name>`, public files first, so a hidden probe file can reuse its unit's
public helpers: `from genlab_probes.transformer import _build`.
"""
import importlib.util
import sys
import types
from pathlib import Path

PACKAGE = "genlab_probes"


class ProbeFinder:
    def __init__(self, probe_dirs):
        self.dirs = [Path(d) for d in probe_dirs]
        self.loaded = {}  # unit -> [modules], public first

    def _load(self, unit):
        if PACKAGE not in sys.modules:
            package = types.ModuleType(PACKAGE)
            package.__path__ = []
            sys.modules[PACKAGE] = package
        modules = []
        for stem in (unit, f"{unit}_hidden"):
            for folder in self.dirs:
                path = folder / f"{stem}.py"
                if path.exists():
                    name = f"{PACKAGE}.{stem}"
                    spec = importlib.util.spec_from_file_location(name, path)
                    module = importlib.util.module_from_spec(spec)
                    sys.modules[name] = module
                    spec.loader.exec_module(module)
                    modules.append(module)
        return modules

    def find(self, target):
        unit, name = target.split(".", 1)
        if unit not in self.loaded:
            self.loaded[unit] = self._load(unit)
        for module in self.loaded[unit]:
            if hasattr(module, name):
                return getattr(module, name)
        raise LookupError(f"no probe named {target!r} (a grader bug, not yours)")

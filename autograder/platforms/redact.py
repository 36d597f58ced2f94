"""Remove hidden material from the failure messages a platform shows students.

The worker must read the probes it runs, hidden ones included, so student code in the worker can
read them too and raise them back as an exception message, which reaches the report as a
traceback. Until the worker stops exposing them (see the README's threat model), `grade()` passes
every result graded with the hidden suites through `redact`, so every report (pull-request
comment, Classroom, Gradescope, nbgrader, regrade) gets it: any line of a hidden file, or of the reference's solution
regions, that appears whole in a test's output is replaced by a marker (whole lines only: the
hints quote pieces of the hidden tests' source on purpose).
"""
from pathlib import Path

MARKER = "[line removed: it quotes the hidden suites or the reference]"
MIN_CHARS = 24          # shorter lines (`return x`, `import torch`) say nothing about a solution


def secret_lines(root):
    """Stripped lines of the hidden suites and probes, and of solution code not in the starter."""
    root = Path(root)
    lines = set()
    for p in (root / "autograder" / "hidden").rglob("*.py"):
        lines |= {s for s in (line.strip() for line in p.read_text(errors="replace").splitlines()) if len(s) >= MIN_CHARS}
    public = set()
    for p in (root / "starter" / "genlab").glob("*.py"):
        public |= {line.strip() for line in p.read_text(errors="replace").splitlines()}
    for p in (root / "tests").rglob("*.py"):
        public |= {line.strip() for line in p.read_text(errors="replace").splitlines()}
    for p in (root / "solutions" / "genlab").glob("*.py"):
        lines |= {s for s in (line.strip() for line in p.read_text(errors="replace").splitlines())
                  if len(s) >= MIN_CHARS and s not in public}
    return lines - public


def redact_text(text, secrets):
    if not text:
        return text
    out = []
    for line in text.splitlines():
        out.append(MARKER if line.strip() in secrets else line)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def redact(results, root):
    """Redact every test output of a Results in place; returns how many tests were changed."""
    secrets = secret_lines(root)
    changed = 0
    for t in results.tests:
        clean = redact_text(t.output, secrets)
        if clean != t.output:
            t.output, changed = clean, changed + 1
    if changed:
        results.notices.append(f"{changed} failure message(s) quoted hidden material; those lines were removed")
    return changed

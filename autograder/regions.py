"""Solution regions: the `### BEGIN SOLUTION` / `### END SOLUTION` markers of nbgrader.

One parser for everything that needs the regions: the starter generator, the leak check, and
the mutant catalogue (a mutant must change text inside a region).
"""
import re
from dataclasses import dataclass

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB = ["# YOUR CODE HERE", "raise NotImplementedError"]
_MARKER = re.compile(r"^(?P<indent>[ \t]*)### (?P<kind>BEGIN|END) SOLUTION[ \t]*$")


class RegionError(ValueError):
    pass


@dataclass
class Region:
    begin: int      # line index of the BEGIN marker (0-based)
    end: int        # line index of the END marker
    indent: str
    lines: list     # the solution lines between the markers


def find_regions(text, filename="<text>"):
    """All solution regions of `text`, checked: properly paired, not nested, same indentation."""
    lines = text.splitlines(keepends=True)
    regions, open_at = [], None
    for i, line in enumerate(lines):
        m = _MARKER.match(line.rstrip("\r\n"))
        if not m:
            if BEGIN in line or END in line:
                raise RegionError(f"{filename}:{i + 1}: a solution marker must be alone on its line")
            continue
        if m["kind"] == "BEGIN":
            if open_at is not None:
                raise RegionError(f"{filename}:{i + 1}: BEGIN SOLUTION inside the region opened at line {open_at + 1}")
            open_at, indent = i, m["indent"]
        else:
            if open_at is None:
                raise RegionError(f"{filename}:{i + 1}: END SOLUTION without a BEGIN")
            if m["indent"] != indent:
                raise RegionError(f"{filename}:{i + 1}: END SOLUTION indented differently from its BEGIN")
            regions.append(Region(open_at, i, indent, lines[open_at + 1:i]))
            open_at = None
    if open_at is not None:
        raise RegionError(f"{filename}:{open_at + 1}: BEGIN SOLUTION is never closed")
    return regions


def clear_solutions(text, filename="<text>"):
    """nbgrader's solution clearing: each region becomes a stub, every other byte is kept."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if text.count("\r\n") > text.count("\n") / 2 else "\n"
    out, last = [], 0
    for r in find_regions(text, filename):
        out.extend(lines[last:r.begin])
        out.extend(f"{r.indent}{stub}{newline}" for stub in STUB)
        last = r.end + 1
    out.extend(lines[last:])
    return "".join(out)


def solution_spans(text, filename="<text>"):
    """(start, end) character offsets of each region's contents, for checking where an edit lands."""
    offsets, pos = [], 0
    for line in text.splitlines(keepends=True):
        offsets.append(pos)
        pos += len(line)
    offsets.append(pos)
    return [(offsets[r.begin + 1], offsets[r.end]) for r in find_regions(text, filename)]

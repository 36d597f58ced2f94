"""Reports, all written from one Results: text (terminal), markdown (job summary, PR comment),
json, junit (XML for CI test views) and gradescope (its results.json)."""
import json
import xml.etree.ElementTree as ET

from .results import Results

COMMENT_MARKER = "<!-- genlab-grade-report -->"  # lets the PR workflow find and update its comment


def _pts(x):
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _short(nodeid):
    return nodeid.split("::")[-1]


def _ungraded(r: Results) -> str:
    """One line for everything this run did not grade (a `--units` run grades a few units only)."""
    items = sum(not c.graded for c in r.checklist)
    projects = sum(not p.graded for p in r.projects)
    parts = [f"{n} {what}{'s' if n != 1 else ''}" for n, what in ((items, "checklist item"), (projects, "project")) if n]
    return f"Not graded in this run: {' and '.join(parts)}." if parts else ""


def _not_attempted(r: Results):
    """{unit: {function: number of tests}} for units where every test stopped at NotImplementedError:
    a starter's unit, reported as one line per function instead of one block per test."""
    import re
    units = {}
    for t in r.tests:
        units.setdefault(t.unit, []).append(t)
    out = {}
    for unit, tests in units.items():
        if all(t.status != "passed" and t.error_type == "NotImplementedError" for t in tests):
            counts = {}
            for t in tests:
                m = re.search(r"genlab\.([\w.]+) raised NotImplementedError", t.output)
                name = m.group(1) if m else "(a function)"
                counts[name] = counts.get(name, 0) + 1
            out[unit] = counts
    return out


def _collapsed_lines(unit, counts):
    yield f"- [{unit}] not attempted yet: every test stops at NotImplementedError in"
    for name, n in counts.items():
        yield f"    genlab.{name}  ({n} test{'s' if n != 1 else ''})"


def text(r: Results) -> str:
    lines = [f"genlab grade: {_pts(r.score)} / {_pts(r.max_score)} points  ({r.submission})", ""]
    for unit, (s, m, p, n) in r.unit_scores().items():
        lines.append(f"  {unit:<14} {_pts(s):>6} / {_pts(m):<6} {p}/{n} tests passed")
    skipped = _not_attempted(r)
    failed = [t for t in r.tests if t.status != "passed" and t.unit not in skipped]
    if failed or skipped:
        lines += ["", "What to fix:"]
        for unit, counts in skipped.items():
            lines += ["", *_collapsed_lines(unit, counts)]
        for t in failed:
            where = "hidden" if t.hidden else "public"
            lines.append(f"\n- [{t.unit}, {where}] {_short(t.name)}: {t.status}")
            lines += [f"    {line}" for line in t.output.strip().splitlines()[:25]]
    lines += ["", "Checklist:"]
    for c in r.checklist:
        if c.graded:
            lines.append(f"  [{'x' if c.passed else ' '}] {c.item}  ({_pts(c.score)}/{_pts(c.max_score)})")
    done = sum(p.passed for p in r.projects)
    lines += ["", f"Projects completed: {done} of {len(r.projects)}"]
    lines += [f"  [{'x' if p.passed else ' '}] Project {p.id}: {p.name}" for p in r.projects if p.graded]
    if _ungraded(r):
        lines += ["", _ungraded(r)]
    lines += ["", f"Hidden suites: {'graded' if r.hidden_graded else 'not present (public tests only)'}",
              f"Isolation: {r.isolation}", f"Seed: {r.seed}  ({r.seconds:.1f} s)"]
    lines += [f"Notice: {n}" for n in r.notices]
    return "\n".join(lines) + "\n"


def markdown(r: Results) -> str:
    pct = 100 * r.score / r.max_score if r.max_score else 0.0
    out = [COMMENT_MARKER, f"## genlab grade: {_pts(r.score)} / {_pts(r.max_score)} ({pct:.0f}%)", ""]
    for n in r.notices:
        out.append(f"> **Notice:** {n}")
    if r.notices:
        out.append("")
    out += ["| unit | score | tests passed |", "|---|---:|---:|"]
    for unit, (s, m, p, n) in r.unit_scores().items():
        out.append(f"| {unit} | {_pts(s)} / {_pts(m)} | {p} / {n} |")
    out += ["", "### Assessment checklist", ""]
    out += [f"- [{'x' if c.passed else ' '}] {c.item} ({_pts(c.score)}/{_pts(c.max_score)})" for c in r.checklist if c.graded]
    done = sum(p.passed for p in r.projects)
    out += ["", f"### Projects completed: {done} of {len(r.projects)}", ""]
    out += [f"- [{'x' if p.passed else ' '}] Project {p.id}: {p.name}" for p in r.projects if p.graded]
    if _ungraded(r):
        out += ["", _ungraded(r)]
    skipped = _not_attempted(r)
    failed = [t for t in r.tests if t.status != "passed" and t.unit not in skipped]
    for unit, counts in skipped.items():
        out += ["", *_collapsed_lines(unit, counts)]
    if failed:
        out += ["", f"<details><summary>{len(failed)} test(s) to fix</summary>", ""]
        for t in failed:
            out += [f"**{t.unit} · {_short(t.name)}** ({'hidden' if t.hidden else 'public'}, {t.status})", "",
                    "```", "\n".join(t.output.strip().splitlines()[:30]).replace("```", "'''"), "```", ""]
        out.append("</details>")
    out += ["", f"<sub>Hidden suites: {'graded' if r.hidden_graded else 'not present: public tests only'} · "
            f"isolation: {r.isolation.split(':')[0]} · seed {r.seed} · {r.seconds:.0f} s</sub>", ""]
    return "\n".join(out)


def json_report(r: Results) -> str:
    return json.dumps(r.to_json(), indent=1) + "\n"


def junit(r: Results) -> str:
    suites = ET.Element("testsuites", name="genlab", tests=str(len(r.tests)))
    for unit in r.unit_scores():
        tests = [t for t in r.tests if t.unit == unit]
        suite = ET.SubElement(suites, "testsuite", name=unit, tests=str(len(tests)),
                              failures=str(sum(t.status == "failed" for t in tests)),
                              errors=str(sum(t.status in ("error", "timeout") for t in tests)))
        for t in tests:
            file, _, name = t.name.partition("::")
            case = ET.SubElement(suite, "testcase", classname=file.replace("/", ".").removesuffix(".py"),
                                 name=name, time=f"{t.seconds:.3f}")
            if t.status == "failed":
                ET.SubElement(case, "failure", message=t.output.splitlines()[0][:200] if t.output else "").text = t.output
            elif t.status in ("error", "timeout"):
                ET.SubElement(case, "error", message=t.status, type=t.error_type or t.status).text = t.output
            elif t.status == "skipped":
                ET.SubElement(case, "skipped")
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def summary(r: Results) -> str:
    """The text report without its per-test failures (Gradescope lists those per test, with their
    own visibility): scores per unit, checklist, projects, hidden suites, isolation and seed, the
    same sections whether or not something failed."""
    full = text(r)
    head, found, rest = full.partition("\nWhat to fix:")
    return head + rest[rest.index("\nChecklist:"):] if found else full


def gradescope(r: Results, hidden_visibility="after_due_date") -> str:
    """Gradescope's results.json: per-test visibility; hidden tests (names, hints) after the due date."""
    doc = {
        "score": round(r.score, 4),
        "execution_time": round(r.seconds, 1),
        "output": summary(r),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [{
            "name": f"{t.unit}: {_short(t.name)}",
            "name_format": "text",
            "score": round(t.score, 4),
            "max_score": round(t.max_score, 4),
            "status": "passed" if t.status == "passed" else "failed",
            "output": t.output,
            "visibility": hidden_visibility if t.hidden else "visible",
            "tags": [t.unit, t.group],
        } for t in r.tests],
    }
    return json.dumps(doc, indent=1) + "\n"


WRITERS = {"text": text, "markdown": markdown, "json": json_report, "junit": junit, "gradescope": gradescope}

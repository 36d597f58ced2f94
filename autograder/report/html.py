"""report/index.html: one self-contained page from the data files in report/ (item_analysis.json,
similarity.json) and the figures in report/plots/, embedded as data: URIs. No script, no style
sheet or font from elsewhere: the page is the same offline, from a file:// URL or an e-mail."""
import base64
import datetime
import json
from html import escape
from pathlib import Path

import numpy as np

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5em auto; max-width: 1180px;
       padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { border-bottom: 2px solid #3a6ea5; padding-bottom: .15em; margin-top: 1.8em; }
.meta { color: #666; } nav a { margin-right: 1em; }
table { border-collapse: collapse; margin: .6em 0; max-width: 100%; } small, td.test { overflow-wrap: anywhere; } th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left;
        vertical-align: top; } th { background: #f1f4f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.flag td { background: #fdf0ee; } .flag-name { color: #c0392b; font-weight: 600; white-space: nowrap; }
img.plot { display: block; max-width: 100%; height: auto; margin: .6em 0; border: 1px solid #eee; }
.grid img.plot { max-width: 49%; margin: 0; }
pre { margin: 0; white-space: pre-wrap; font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: .8em; } .side pre { background: #fafafa; padding: .5em;
        border: 1px solid #e4e4e4; overflow-x: auto; } mark { background: #ffe08a; }
.glance { background: #f1f4f8; border-left: 4px solid #3a6ea5; padding: .5em 1em; margin: 1em 0; }
.glance li { margin: .15em 0; } details { margin: .4em 0; } summary { cursor: pointer; } .grid { display: flex; flex-wrap: wrap; gap: 1em; }
"""


def _num(x, fmt="{:.2f}"):
    return "—" if x is None else fmt.format(x)


def _pct(rate):
    return "—" if rate is None else f"{100 * rate:.0f}%"


def _table(tid, header, rows, classes=None):
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for k, row in enumerate(rows):
        cls = f' class="{classes[k]}"' if classes and classes[k] else ""
        body.append(f"<tr{cls}>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in row) + "</tr>")
    return f'<table id="{tid}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _n(x):
    return f'<td class="num">{x}</td>'


def _img(folder, name, alt):
    path = Path(folder) / "plots" / f"{name}.png"
    if not path.is_file():
        return ""
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img class="plot" id="plot-{name}" alt="{escape(alt)}" src="data:image/png;base64,{data}">'


def item_section(a, folder):
    s = a["students"]
    out = ['<section id="items"><h2>Item analysis</h2>',
           f'<p>{s["graded"]} graded of {s["total"]} students ({s["no_submission"]} without a submission, '
           f'{s["grader_failures"]} grader failure{"" if s["grader_failures"] == 1 else "s"}: not in the statistics). Overall mean '
           f'{_num(a["overall"]["mean_percent"], "{:.1f}%")}, median {_num(a["overall"]["median_percent"], "{:.1f}%")}. '
           f'From <code>{escape(str(a.get("gradebook", "")))}</code>.</p>']
    if not s["graded"]:
        return "\n".join(out + ["<p>No graded student: nothing to analyse.</p></section>"])
    flagged = [t for t in a["tests"] if t["flag"]]
    note = ("" if s["graded"] >= a["min_students"] else
            f' With fewer than {a["min_students"]} graded students, discrimination is shown but not flagged.')
    out += ['<div class="grid">', _img(folder, "overall", "histogram of overall scores"),
            _img(folder, "items", "pass rate against discrimination for each test"), "</div>",
            '<h3 id="look-first">Tests to look at first</h3>',
            f'<p>{len(flagged)} of {len(a["tests"])} tests: nobody passes, everybody passes, or the discrimination '
            f'(r between passing and the rest of the unit\'s score) is negative or under {a["low_discrimination"]}: '
            f'an unclear specification or a broken test.{note}</p>',
            _test_table("look-first", flagged) if flagged else "<p>None.</p>",
            '<h3 id="distributions">Score distributions per unit</h3>',
            _img(folder, "units", "histograms of each unit's scores"),
            _table("units", ["unit", "students", "tests", "mean", "median"],
                   [[escape(u["unit"]), _n(u["students"]), _n(u["tests"]), _n(_num(u["mean_percent"], "{:.1f}%")),
                     _n(_num(u["median_percent"], "{:.1f}%"))] for u in a["units"]])]
    for key, title in (("checklist", "Checklist items"), ("projects", "Projects")):
        out += [f'<h3 id="{key}">{title}</h3>', _img(folder, key, f"pass rates of the {key}"),
                _table(key, ["id", "name", "graded", "passed", "pass rate"],
                       [[escape(str(r["id"])), escape(str(r["name"])), _n(r["graded"]), _n(r["passed"]),
                         _n(_pct(r["pass_rate"]))] for r in a[key]])]
    out += ['<h3 id="all-tests">All tests</h3>', f'<details><summary>{len(a["tests"])} tests, '
            'the ones to look at first on top</summary>', _test_table("tests", a["tests"]), "</details>"]
    out += [_failures(a), "</section>"]
    return "\n".join(out)


def _test_table(tid, tests):
    rows = [[f'<span class="flag-name">{escape(t["flag"])}</span>' if t["flag"] else "", escape(t["unit"]),
             f'<td class="test">{escape(t["name"])}{" (hidden)" if t["hidden"] else ""}</td>', _n(t["students"]), _n(_pct(t["pass_rate"])),
             _n(_num(t["discrimination"]))] for t in tests]
    return _table(tid, ["flag", "unit", "test", "students", "pass rate", "discrimination"], rows,
                  ["flag" if t["flag"] else "" for t in tests])


def _failures(a, top=10):
    out = ['<h3 id="failures">Commonest failure messages</h3>',
           "<p>The messages of failed tests with numbers and the student's own traceback taken out, grouped per "
           "function: many students on one message often means one misleading docstring.</p>"]
    if not a["failures"]:
        return "\n".join(out + ["<p>No failed test.</p>"])
    commonest = sorted(a["failures"], key=lambda f: -f["students"])[:top]
    out += [_failure_table("top-failures", commonest),
            f'<details><summary>All {len(a["failures"])} messages, the commonest {a.get("top_messages", 5)} of each '
            'function, by unit</summary>', _failure_table("failures", a["failures"]), "</details>"]
    if a["not_attempted"]:
        out += ["<details><summary>Not attempted (every failure was NotImplementedError)</summary>",
                _table("not-attempted", ["unit", "function", "students"],
                       [[escape(r["unit"]), f'<code>{escape(r["function"])}</code>', _n(r["students"])]
                        for r in a["not_attempted"]]), "</details>"]
    return "\n".join(out)


def _failure_table(tid, rows):
    return _table(tid, ["unit", "function", "students", "failures", "message", "tests"],
                  [[escape(f["unit"]), f'<code>{escape(f["function"])}</code>', _n(f["students"]), _n(f["failures"]),
                    f'<pre>{escape(f["message"])}</pre>',
                    f"<small>{escape(_some(f['tests']))}</small>"] for f in rows])


def _some(names, n=3):
    return ", ".join(names[:n]) + (f" and {len(names) - n} more" if len(names) > n else "")


def similarity_section(doc, folder):
    out = ['<section id="similarity"><h2>Similarity</h2>',
           f'<p>Every pair of submissions per unit, each against the reference solution'
           f'{" and the previous term" if doc["previous"] else ""} (copydetect\'s winnowing fingerprints; names, '
           f'strings, comments and layout ignored; the starter\'s code removed). Score: the share of both files\' own code '
           f'that matches. Flagged: score at least {doc["threshold"]:g} with at least {doc["min_match"]} characters '
           f'matched on each side. From <code>{escape(doc["submissions"])}</code>.</p>',
           _table("similarity-units", ["unit", "files", "attempted", "pairs", "flagged", "highest score"],
                  [[escape(u["unit"]), _n(u["files"]), _n(u["attempted"]), _n(u["pairs"]), _n(u["flagged"]),
                    _n(_num(u["max_score"]))] for u in doc["units"]]),
           _img(folder, "similarity", "histograms of pair similarity per unit")]
    pairs = doc["pairs"]
    out.append(f'<h3 id="similar-pairs">{len(pairs)} pair(s) at or above the threshold</h3>')
    if pairs:
        out.append(_table("similarity-pairs", ["score", "unit", "a", "b", "against", "share of a", "share of b"],
                          [[_n(f'<a href="#pair-{k}">{p["score"]:.2f}</a>' if "code_a" in p else f'{p["score"]:.2f}'),
                            escape(p["unit"]), escape(p["a"]),
                            escape(p["b"]), escape(p["kind"]), _n(_pct(p["share_a"])), _n(_pct(p["share_b"]))]
                           for k, p in enumerate(pairs)], ["flag" if p["kind"] == "reference" else "" for p in pairs]))
    for k, p in enumerate(pairs):
        if "code_a" not in p:  # past the SHOWN commonest of its unit: listed, not shown
            continue
        out.append(f'<details id="pair-{k}"{" open" if k < 3 else ""}><summary>{p["score"]:.2f} · {escape(p["unit"])}: '
                   f'{escape(p["a"])} ~ {escape(p["b"])}</summary><div class="side">'
                   f'<pre class="code-a">{_highlight(p["code_a"], p["regions_a"])}</pre>'
                   f'<pre class="code-b">{_highlight(p["code_b"], p["regions_b"])}</pre></div></details>')
    out.append("</section>")
    return "\n".join(out)


def _highlight(code, regions, context=3):
    """The code with the matching regions marked, far-away lines cut (copydetect's highlighter)."""
    from copydetect.utils import highlight_overlap
    if not regions:
        return escape(code)
    slices = np.asarray(regions, dtype=np.int64).T
    text, _ = highlight_overlap(code, slices, "<mark>", "</mark>", truncate=context, escape_html=True)
    return text


def _glance(items, similar):
    """The headline numbers of each section, at the top of the page."""
    lines = []
    if items:
        s, flagged = items["students"], sum(bool(t["flag"]) for t in items["tests"])
        lines.append(f'{s["graded"]} graded students, overall mean {_num(items["overall"]["mean_percent"], "{:.1f}%")}; '
                     f'<a href="#look-first">{flagged} of {len(items["tests"])} tests to look at first</a>; '
                     f'<a href="#failures">{len(items["failures"])} grouped failure messages</a>')
    if similar:
        ref = sum(p["kind"] == "reference" for p in similar["pairs"])
        lines.append(f'<a href="#similar-pairs">{len(similar["pairs"])} similar pair(s)</a> at or above '
                     f'{similar["threshold"]:g} in {sum(u["pairs"] for u in similar["units"])} compared, '
                     f'{ref} of them against the reference solution')
    return '<ul class="glance">' + "".join(f"<li>{line}</li>" for line in lines) + "</ul>" if lines else ""


def write_page(folder):
    """Write folder/index.html from whatever sections' data the folder holds."""
    folder = Path(folder)
    read = lambda name: json.loads((folder / name).read_text()) if (folder / name).is_file() else None
    items, similar = read("item_analysis.json"), read("similarity.json")
    parts = []
    if items:
        parts.append(("items", "Item analysis", item_section(items, folder)))
    if similar:
        parts.append(("similarity", "Similarity", similarity_section(similar, folder)))
    nav = " ".join(f'<a href="#{sid}">{title}</a>' for sid, title, _ in parts)
    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    page = ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>genlab class report</title>"
            f"<style>{STYLE}</style></head><body>\n<h1>genlab class report</h1>\n"
            f'<p class="meta">Written {escape(when)} by <code>python -m autograder report</code> and '
            f'<code>similarity</code>. Everything is in this one file.</p>\n<nav>{nav}</nav>\n{_glance(items, similar)}\n'
            + "\n".join(body for _, _, body in parts) + "\n</body></html>\n")
    (folder / "index.html").write_text(page)
    return folder / "index.html"

"""The report's figures, drawn with matplotlib's object API (no pyplot: no global state, no
display) and saved as PNG files in report/plots/, which html.py embeds in the page."""
import io
import math
from pathlib import Path

ITEM_PLOTS = ("overall", "units", "checklist", "projects", "items")
SIMILARITY_PLOTS = ("similarity",)
BLUE, RED, GREY = "#3a6ea5", "#c0392b", "#999999"


def _figure(width, height, layout="constrained"):
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), dpi=100, layout=layout)


def _grid(n, ncols=4):
    """A figure for n small plots (fixed margins: constrained layout costs seconds for a dozen)."""
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig = _figure(2.6 * ncols, 2.2 * nrows, layout=None)
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.5 / (2.2 * nrows), top=1 - 0.35 / (2.2 * nrows),
                        wspace=0.3, hspace=0.75)
    return fig, nrows, ncols


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def histogram(ax, values, title, bins=20, span=(0, 100), xlabel="percent of the points"):
    ax.hist(values, bins=bins, range=span, color=BLUE, edgecolor="white")
    ax.set_title(title, fontsize=10)
    ax.set_xlim(*span)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.tick_params(labelsize=8)


def overall(analysis):
    fig = _figure(6.4, 3.6)
    ax = fig.add_subplot()
    histogram(ax, analysis["overall"]["percent"], f"Overall score ({analysis['students']['graded']} graded students)")
    ax.set_ylabel("students", fontsize=8)
    return _png(fig)


def small_multiples(rows, title_of, values_of, **hist):
    fig, nrows, ncols = _grid(len(rows))
    for k, row in enumerate(rows):
        ax = fig.add_subplot(nrows, ncols, k + 1)
        histogram(ax, values_of(row), title_of(row), **hist)
    return fig


def units(analysis):
    fig = small_multiples(analysis["units"], lambda r: f"{r['unit']} (mean {r['mean_percent'] or 0:.0f}%)",
                          lambda r: r["percent"])
    return _png(fig)


def pass_rates(rows, title):
    fig = _figure(9.0, 0.3 * len(rows) + 0.9)
    ax = fig.add_subplot()
    rates = [100 * (r["pass_rate"] or 0) for r in rows]
    ax.barh(range(len(rows)), rates, height=0.7, color=[BLUE if r["graded"] else GREY for r in rows])
    ax.set_yticks(range(len(rows)), [str(r["name"])[:70] for r in rows], fontsize=8)
    for k, rate in enumerate(rates):
        ax.text(rate + 1, k, f"{rate:.0f}%", va="center", fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 108)
    ax.set_xlabel("percent of the graded students who passed", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.tick_params(axis="x", labelsize=8)
    return _png(fig)


def items(analysis):
    """Pass rate against discrimination, one point per test: the flagged ones in red."""
    fig = _figure(6.4, 3.6)
    ax = fig.add_subplot()
    tests = [t for t in analysis["tests"] if t["discrimination"] is not None]
    for flagged, color in ((False, BLUE), (True, RED)):
        pts = [t for t in tests if bool(t["flag"]) == flagged]
        ax.scatter([100 * t["pass_rate"] for t in pts], [t["discrimination"] for t in pts], s=12, color=color,
                   label="to look at first" if flagged else "other tests")
    ax.axhline(analysis["low_discrimination"], color=GREY, linestyle="--", linewidth=1)
    ax.set_xlim(0, 100)
    ax.set_ylim(-1, 1)
    ax.set_xlabel("pass rate (percent of students)", fontsize=8)
    ax.set_ylabel("discrimination (r with the rest of the unit)", fontsize=8)
    ax.set_title("Tests: pass rate and discrimination", fontsize=10)
    ax.legend(fontsize=8, loc="lower left")
    ax.tick_params(labelsize=8)
    return _png(fig)


def write_item_plots(analysis, folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ITEM_PLOTS:
        (folder / f"{name}.png").unlink(missing_ok=True)
    if not analysis["students"]["graded"]:
        return
    (folder / "overall.png").write_bytes(overall(analysis))
    if analysis["units"]:
        (folder / "units.png").write_bytes(units(analysis))
    if analysis["checklist"]:
        (folder / "checklist.png").write_bytes(pass_rates(analysis["checklist"], "Checklist items"))
    if analysis["projects"]:
        (folder / "projects.png").write_bytes(pass_rates(analysis["projects"], "Projects"))
    if any(t["discrimination"] is not None for t in analysis["tests"]):
        (folder / "items.png").write_bytes(items(analysis))


def write_similarity_plots(doc, folder):
    """Each unit's pair scores (histogram counts from similarity.py), the threshold in red."""
    from matplotlib.ticker import FuncFormatter
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "similarity.png").unlink(missing_ok=True)
    rows = [u for u in doc["units"] if u["pairs"]]
    if not rows:
        return
    fig, nrows, ncols = _grid(len(rows))
    for k, u in enumerate(rows):
        ax = fig.add_subplot(nrows, ncols, k + 1)
        bins = len(u["histogram"])
        ax.bar([(i + 0.5) / bins for i in range(bins)], u["histogram"], width=1 / bins, color=BLUE, edgecolor="white")
        ax.axvline(doc["threshold"], color=RED, linewidth=1.5)
        ax.set_yscale("symlog", linthresh=1)     # a handful of copies beside thousands of pairs
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_xlim(0, 1)
        ax.set_title(f"{u['unit']} ({u['pairs']} pairs, {u['flagged']} flagged)", fontsize=9)
        ax.set_xlabel("similarity", fontsize=8)
        ax.tick_params(labelsize=8)
    (folder / "similarity.png").write_bytes(_png(fig))

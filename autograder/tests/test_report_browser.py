"""The class report in a real browser (slow tier): headless Chromium (Debian's `chromium`, which
.ci/run installs) opens report/index.html from disk, and the page is checked as a reader gets it:
every plot decoded by the browser to its full size with ink on it (its pixels read back through a
canvas, not just an <img> tag present), every table with the rows the data files say, no script and
no request but the file itself and its data: images. The page's screenshot is kept as a test
artifact, build/report-test/report.png (the test prints the path).

Without a browser the test is skipped on a laptop and fails in CI (CI=true), as the actionlint test does.

Also here: the report of 500 students (synthetic, report/synthetic.py) must take seconds.
"""
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from autograder.__main__ import main as cli
from autograder.report.synthetic import make_gradebook
from autograder.tests.browser import Browser, find_chromium
from autograder.tests.disguise import make_similarity_class

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "report-test"

# Run in the page: each image decoded, drawn on a canvas and its non-white pixels counted; the rows
# of each table with an id.
FACTS = """(async () => {
  const images = [];
  for (const img of Array.from(document.images)) {
    await img.decode().catch(() => null);
    const c = document.createElement("canvas");
    c.width = Math.max(1, img.naturalWidth); c.height = Math.max(1, img.naturalHeight);
    const g = c.getContext("2d");
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let k = 0; k < d.length; k += 4) if (d[k + 3] > 0 && (d[k] < 200 || d[k + 1] < 200 || d[k + 2] < 200)) ink++;
    images.push({id: img.id, width: img.naturalWidth, height: img.naturalHeight,
                 shown: img.getBoundingClientRect().width, ink: ink, pixels: img.naturalWidth * img.naturalHeight});
  }
  const rows = {};
  document.querySelectorAll("table[id]").forEach(t => rows[t.id] = t.tBodies[0].rows.length);
  return {title: document.title, images: images, rows: rows, scripts: document.scripts.length,
          sections: Array.from(document.querySelectorAll("section[id]")).map(s => s.id),
          sides: document.querySelectorAll(".side pre mark").length};
})()"""


def need_browser():
    if find_chromium() is None:
        message = "no Chromium: `apt-get install chromium` (or set GENLAB_CHROMIUM to a Chrome or Chromium binary)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def opened(tmp_path_factory):
    need_browser()
    base = tmp_path_factory.mktemp("browser")
    make_gradebook(base / "gradebook", students=40, seed=4)
    make_similarity_class(base / "subs")
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    report = ARTIFACTS / "report"
    assert cli(["report", str(base / "gradebook"), "--out", str(report)]) == 0
    assert cli(["similarity", str(base / "subs"), "--out", str(report), "--units", "vae,gan,transformer"]) == 0
    with Browser(width=1280, height=1000) as browser:
        browser.open(report / "index.html")
        facts = browser.evaluate(FACTS)
        shot = browser.screenshot(full_page=True)
        requests = list(browser.requests)
    (ARTIFACTS / "report.png").write_bytes(shot)
    print(f"\nthe report's screenshot: {ARTIFACTS / 'report.png'}")
    items = json.loads((report / "item_analysis.json").read_text())
    similar = json.loads((report / "similarity.json").read_text())
    return facts, items, similar, requests, shot


def test_the_page_opens_with_both_sections(opened):
    facts, *_ = opened
    assert facts["title"] == "genlab class report"
    assert facts["sections"] == ["items", "similarity"]


def test_every_plot_is_decoded_at_full_size_with_something_drawn(opened):
    """The browser's decoded size of each image is the size of the PNG matplotlib wrote."""
    from PIL import Image
    facts, *_ = opened
    names = ["overall", "items", "units", "checklist", "projects", "similarity"]
    assert sorted(img["id"] for img in facts["images"]) == sorted(f"plot-{n}" for n in names)
    for img in facts["images"]:
        written = Image.open(ARTIFACTS / "report" / "plots" / f"{img['id'][5:]}.png").size
        assert (img["width"], img["height"]) == written and min(written) >= 200, f"{img['id']} decoded as {img}"
        assert img["shown"] > 300, f"{img['id']} is laid out {img['shown']} px wide"
        assert 0.02 * img["pixels"] < img["ink"] < 0.9 * img["pixels"], f"{img['id']}: {img['ink']} pixels drawn"


def test_the_tables_hold_the_rows_of_the_data(opened):
    facts, items, similar, _, _ = opened
    rows = facts["rows"]
    graded = json.loads((ROOT / "autograder" / "points.json").read_text())  # the synthetic class sits every test
    assert rows["tests"] == len(items["tests"]) == len(graded)
    assert rows["look-first"] == sum(bool(t["flag"]) for t in items["tests"]) > 0
    assert rows["checklist"] == 9 and rows["projects"] == 5 and rows["units"] == len(items["units"]) == 11
    assert rows["failures"] == len(items["failures"]) and rows["not-attempted"] == len(items["not_attempted"])
    assert rows["top-failures"] == min(10, len(items["failures"]))
    assert rows["similarity-pairs"] == len(similar["pairs"]) == 6 and rows["similarity-units"] == 3
    assert facts["sides"] >= 2 * len(similar["pairs"]), "each pair's matching regions marked on both sides"


def test_the_page_runs_no_script_and_loads_nothing_from_elsewhere(opened):
    facts, _, _, requests, _ = opened
    assert facts["scripts"] == 0
    assert requests and all(url.startswith(("file:", "data:")) for url in requests), [u[:80] for u in requests]


def test_the_screenshot_is_kept_and_shows_the_page(opened):
    *_, shot = opened
    from io import BytesIO

    from PIL import Image
    image = Image.open(BytesIO(shot))
    assert image.width == 1280 and image.height > 3000, image.size
    assert (ARTIFACTS / "report.png").stat().st_size == len(shot)
    colours = image.convert("RGB").resize((64, 256)).getcolors(64 * 256)
    assert colours is None or len(colours) > 20, "not a blank page"


def test_500_students_take_seconds(tmp_path):
    make_gradebook(tmp_path / "gradebook", students=500, seed=5)
    t0 = time.perf_counter()
    assert cli(["report", str(tmp_path / "gradebook"), "--out", str(tmp_path / "report")]) == 0
    seconds = time.perf_counter() - t0
    print(f"\nreport of 500 students x {len(json.loads((ROOT / 'autograder' / 'points.json').read_text()))} tests: {seconds:.1f} s")
    assert seconds < 60, "measured 5 s on the idle 2-core machine (bench/report_speed.py)"

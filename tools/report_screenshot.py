"""The README's picture of the class report: docs/report.png.

    python tools/report_screenshot.py [--out docs/report.png]

Builds the demo report (a synthetic class of 120 students, autograder/report/synthetic.py, and the
similarity class of autograder/tests/disguise.py: a student's disguised copy of a classmate and
one of the reference) in build/report-demo/, opens it in headless Chromium (Debian's chromium) and
keeps the top of the page, reduced to a 256-colour PNG.
"""
import argparse
import io
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    from PIL import Image

    from autograder.__main__ import main as cli
    from autograder.report.synthetic import make_gradebook
    from autograder.tests.browser import Browser
    from autograder.tests.disguise import make_similarity_class

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=str(ROOT / "docs" / "report.png"))
    args = p.parse_args()
    os.chdir(ROOT)  # the page names its folders as given: relative ones
    demo = Path("build") / "report-demo"
    shutil.rmtree(demo, ignore_errors=True)
    make_gradebook(demo / "gradebook", students=120, seed=7)
    make_similarity_class(demo / "submissions")
    cli(["report", str(demo / "gradebook"), "--out", str(demo / "report")])
    cli(["similarity", str(demo / "submissions"), "--out", str(demo / "report"), "--units", "vae,gan,transformer"])
    with Browser(width=1200, height=1000) as browser:
        browser.open(demo / "report" / "index.html")
        shot = browser.screenshot()
    image = Image.open(io.BytesIO(shot)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    image.save(args.out, optimize=True)
    print(f"{args.out}: {image.width}x{image.height}, {Path(args.out).stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()

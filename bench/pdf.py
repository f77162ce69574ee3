#!/usr/bin/env python3
"""Time per PDF page: `gongkai extract` next to `pdftotext -layout` and pdfplumber's
`extract_tables`, on the same files. Not part of CI. Run from the project root:

    python3 bench/pdf.py            # installs poppler-utils / pdfplumber if missing

Files: ../shared/corpus/*.pdf (when there) and golden/*/input.pdf. Each tool runs RUNS
times per file; the median wall time is divided by the page count. gongkai and pdftotext
are timed as processes (start-up included: that is how they are used); pdfplumber in
process (open + extract_tables on every page, Python start-up excluded).
gongkai does more than either: text with positions, ruled tables, and the whole report
(recognition, checks, XML).
"""
import glob
import logging
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 7
ROOT = Path(__file__).resolve().parent.parent


def ensure_tools():
    if not shutil.which("pdftotext"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "poppler-utils"], check=True)
    try:
        import pdfplumber  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pdfplumber"], check=True)


def median_time(fn):
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ensure_tools()
    import pdfplumber
    # pdfminer warns once per glyph about fonts without a /FontBBox (the Chromium PDF).
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    binary = ROOT / "target" / "release" / "gongkai"
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    files = sorted(glob.glob(str(ROOT.parent / "shared" / "corpus" / "*.pdf"))) + sorted(
        glob.glob(str(ROOT / "golden" / "*" / "input.pdf")))
    print(f"{'file':<44} {'pages':>5} {'gongkai ms/p':>13} {'pdftotext ms/p':>15} {'pdfplumber ms/p':>16}")
    totals = [0.0, 0.0, 0.0]
    pages_total = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            pages = len(pdf.pages)

        def plumber():
            with pdfplumber.open(f) as pdf:
                for p in pdf.pages:
                    p.extract_tables()

        g = median_time(lambda: subprocess.run([str(binary), "extract", f], capture_output=True, check=True))
        t = median_time(lambda: subprocess.run(["pdftotext", "-layout", f, "-"], capture_output=True, check=True))
        p = median_time(plumber)
        for i, v in enumerate((g, t, p)):
            totals[i] += v
        pages_total += pages
        name = Path(f).parent.name if Path(f).name == "input.pdf" else Path(f).name
        print(f"{name:<44} {pages:>5} {g / pages * 1000:>13.2f} {t / pages * 1000:>15.2f} {p / pages * 1000:>16.2f}")
    print(f"{'all (' + str(len(files)) + ' files)':<44} {pages_total:>5} {totals[0] / pages_total * 1000:>13.2f} "
          f"{totals[1] / pages_total * 1000:>15.2f} {totals[2] / pages_total * 1000:>16.2f}")


if __name__ == "__main__":
    main()

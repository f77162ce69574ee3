#!/usr/bin/env python3
"""CPU time per PDF page: `gongkai extract` next to `pdftotext -layout` and pdfplumber's
`extract_tables`, on the same files, in one run. Not part of CI. Run from the project root:

    python3 bench/pdf.py [--binary PATH]   # installs poppler-utils / pdfplumber if missing

Files: ../shared/corpus/*.pdf (when there) and golden/*/input.pdf, but scans (no text
layer: gongkai runs OCR, timed by bench/scan.sh). gongkai and pdftotext
run as processes (start-up included: that is how they are used), taking turns RUNS times
per file; each one's CPU time (user + sys, from wait4) is its median, divided by the page
count, and the last column is pdftotext's over gongkai's (above 1: gongkai is faster).
pdfplumber runs in process (open + extract_tables on every page, Python start-up excluded),
timed in process CPU time. CPU against CPU, so a loaded machine slows both sides alike.
gongkai does more than either: text with positions, ruled tables, and the whole report
(recognition, checks, XML). The binary is the release build (built first) unless --binary
names another.
"""
import glob
import logging
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from startup import cpu_ms

RUNS = 15
ROOT = Path(__file__).resolve().parent.parent


def ensure_tools():
    if not shutil.which("pdftotext"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "poppler-utils"], check=True)
    try:
        import pdfplumber  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pdfplumber"], check=True)


def main():
    ensure_tools()
    import pdfplumber
    # pdfminer warns once per glyph about fonts without a /FontBBox (the Chromium PDF).
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    args = sys.argv[1:]
    if "--binary" in args:
        binary = Path(args[args.index("--binary") + 1]).resolve()
    else:
        subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
        binary = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "gongkai"
    files = sorted(glob.glob(str(ROOT.parent / "shared" / "corpus" / "*.pdf"))) + sorted(
        glob.glob(str(ROOT / "golden" / "*" / "input.pdf")))
    print(f"{'file':<44} {'pages':>5} {'gongkai ms/p':>13} {'pdftotext ms/p':>15} "
          f"{'pdfplumber ms/p':>16} {'pdftotext/gongkai':>18}")
    totals = [0.0, 0.0, 0.0]
    pages_total = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            pages = len(pdf.pages)
        text = subprocess.run(["pdftotext", f, "-"], capture_output=True, check=True).stdout
        if not text.strip():
            # A scan: pdftotext reads nothing, gongkai runs OCR (bench/scan.sh times that).
            print(f"{Path(f).name:<44} {pages:>5} (scanned, no text layer: skipped)")
            continue
        gongkai, pdftotext = [], []
        for _ in range(RUNS):
            gongkai.append(cpu_ms([str(binary), "extract", f]))
            pdftotext.append(cpu_ms([shutil.which("pdftotext"), "-layout", f, "-"]))
        plumber = []
        for _ in range(RUNS):
            t = time.process_time()
            with pdfplumber.open(f) as pdf:
                for p in pdf.pages:
                    p.extract_tables()
            plumber.append((time.process_time() - t) * 1000)
        g, t, p = (statistics.median(x) for x in (gongkai, pdftotext, plumber))
        for i, v in enumerate((g, t, p)):
            totals[i] += v
        pages_total += pages
        name = Path(f).parent.name if Path(f).name == "input.pdf" else Path(f).name
        print(f"{name:<44} {pages:>5} {g / pages:>13.2f} {t / pages:>15.2f} {p / pages:>16.2f} "
              f"{t / g:>18.2f}")
    print(f"{'all (' + str(len(files)) + ' files)':<44} {pages_total:>5} {totals[0] / pages_total:>13.2f} "
          f"{totals[1] / pages_total:>15.2f} {totals[2] / pages_total:>16.2f} {totals[1] / totals[0]:>18.2f}")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""OFD pages per second next to the PDF of the same report. Not part of CI. Run from the
project root:

    python3 bench/ofd.py

Each OFD golden case (golden/*-ofd*/input.ofd, written from a PDF golden case by
tests/data/ofd/make_ofd.py) and the PDF it was written from are converted the way
bench/throughput.py converts text: COPIES copies in one `convert -j1` run, less the CPU
time (user + sys) of one copy, so start-up is out. Pages per CPU-second is the copies'
pages over that time; both forms have the same pages.
"""
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import convert_cpu  # noqa: E402

COPIES = 100
ROOT = Path(__file__).resolve().parent.parent
# Each OFD case and the PDF case it was written from (tests/data/ofd/README.md).
SOURCES = {"shanghai-2019": "shanghai-2019-pdf-libreoffice", "synthetic-2024": "synthetic-2024-pdf-ucs2"}


def ofd_pages(path):
    with zipfile.ZipFile(path) as z:
        document = z.read("Doc_0/Document.xml").decode()
    return len(re.findall(r"<ofd:Page\b", document))


def pages_per_cpu_second(binary, path, pages, work):
    one = min(convert_cpu(binary, path, work, 1) for _ in range(3))
    many = convert_cpu(binary, path, work, COPIES)
    return (COPIES - 1) * pages / (many - one)


def main():
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    binary = ROOT / "target" / "release" / "gongkai"
    print(f"{'OFD case':<32} {'pages':>5} {'OFD pages/CPU-s':>16} {'PDF pages/CPU-s':>16}  PDF case")
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        for ofd in sorted((ROOT / "golden").glob("*-ofd*/input.ofd")):
            case = ofd.parent.name
            source = next(v for k, v in SOURCES.items() if case.startswith(k))
            pdf = ROOT / "golden" / source / "input.pdf"
            pages = ofd_pages(ofd)
            ofd_rate = pages_per_cpu_second(binary, ofd, pages, Path(tmp))
            pdf_rate = pages_per_cpu_second(binary, pdf, pages, Path(tmp))
            print(f"{case:<32} {pages:>5} {ofd_rate:>16.0f} {pdf_rate:>16.0f}  {source}")


if __name__ == "__main__":
    main()

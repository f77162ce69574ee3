#!/usr/bin/env python3
"""Reports per second per core for text and HTML: `gongkai convert -j1` next to
pandas.read_html on the same files. Not part of CI. Run from the project root:

    python3 bench/throughput.py        # installs pandas and lxml with pip if missing

Files: every text and HTML golden input, and the corpus's text and HTML reports when
../shared is there. gongkai converts COPIES copies of each file in one `convert -j1` run,
the XML written to disk, and once a single copy: the difference in CPU time (user + sys)
is what each further report costs, start-up excluded. Its inverse is the reports per
second one core sustains. pandas.read_html parses each file in process, RUNS times, each
timed in CPU time of this process (`time.process_time`, user + sys), as gongkai's is: a
busy machine slows both sides' wall time, not their CPU time. The median gives reports
per CPU-second. pandas returns bare DataFrames (no cell ids, no typed
values, no checks) and raises on pages without a <table>.
"""
import glob
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COPIES = 200
RUNS = 20
ROOT = Path(__file__).resolve().parent.parent


def ensure_tools():
    try:
        import pandas  # noqa: F401
        import lxml  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pandas", "lxml"], check=True)


def inputs():
    golden = sorted(glob.glob(str(ROOT / "golden" / "*" / "input.*")))
    corpus = sorted(glob.glob(str(ROOT.parent / "shared" / "corpus" / "0*")))
    keep = (".txt", ".md", ".html")
    return [Path(f) for f in golden + corpus if f.endswith(keep)]


def label(path):
    return path.parent.name if path.stem == "input" else path.name


def convert_cpu(binary, path, work, copies):
    """CPU seconds of one `convert -j1` run over `copies` copies of `path`."""
    crawl = work / "crawl"
    shutil.rmtree(crawl, ignore_errors=True)
    shutil.rmtree(work / "out", ignore_errors=True)
    crawl.mkdir()
    for i in range(copies):
        shutil.copyfile(path, crawl / f"{i:04d}{path.suffix}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([str(binary), "convert", str(crawl), "-o", str(work / "out"), "-j1", "--quiet"],
                   check=False, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def gongkai_rate(binary, path, work):
    """Reports per CPU-second, start-up excluded."""
    one = min(convert_cpu(binary, path, work, 1) for _ in range(3))
    many = convert_cpu(binary, path, work, COPIES)
    return (COPIES - 1) / (many - one)


def pandas_rate(path):
    import pandas
    raw = path.read_bytes()
    times = []
    for _ in range(RUNS):
        start = time.process_time()
        try:
            pandas.read_html(io.BytesIO(raw), flavor="lxml")
        except ValueError as e:  # "No tables found"
            return None, str(e)
        times.append(time.process_time() - start)
    return 1 / statistics.median(times), None


def main():
    ensure_tools()
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    binary = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "gongkai"
    print(f"{'file':<44} {'bytes':>7} {'gongkai rep/CPU-s':>18} {'pandas.read_html rep/CPU-s':>27}")
    rates = {"text": [], "html": [], "pandas": []}
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        for path in inputs():
            cpu_rate = gongkai_rate(binary, path, Path(tmp))
            kind = "html" if path.suffix == ".html" else "text"
            rates[kind].append(cpu_rate)
            theirs = ""
            if kind == "html":
                rate, error = pandas_rate(path)
                if rate is None:
                    theirs = f"fails: {error}"
                else:
                    rates["pandas"].append(rate)
                    theirs = f"{rate:.0f} ({cpu_rate / rate:.1f}x slower)" if rate > cpu_rate \
                        else f"{rate:.0f} (gongkai {cpu_rate / rate:.1f}x)"
            print(f"{label(path):<44} {path.stat().st_size:>7} {cpu_rate:>18.0f} {theirs:>27}")
    for kind in ("text", "html", "pandas"):
        if rates[kind]:
            print(f"median {kind:<6}: {statistics.median(rates[kind]):.0f} reports/s per core "
                  f"over {len(rates[kind])} files")


if __name__ == "__main__":
    main()

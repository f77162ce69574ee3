#!/usr/bin/env python3
"""Reports per second per core for text and HTML: `gongkai convert -j1` next to
pandas.read_html on the same files. Not part of CI. Run from the project root:

    python3 bench/throughput.py                      # installs pandas and lxml if missing
    python3 bench/throughput.py --before OLD_BINARY  # that binary too, per file, in one run

Files: every text and HTML golden input, and the corpus's text and HTML reports when
../shared is there. gongkai converts COPIES copies of each file in one `convert -j1` run,
the XML written to disk, and once a single copy: the difference in CPU time (user + sys)
is what each further report costs, start-up excluded. Its inverse is the reports per
second one core sustains. pandas.read_html parses each file in process, RUNS times, each
timed in CPU time of this process (`time.process_time`, user + sys), as gongkai's is: a
busy machine slows both sides' wall time, not their CPU time. The median gives reports
per CPU-second. pandas returns bare DataFrames (no cell ids, no typed
values, no checks) and raises on pages without a <table>. With --before, an older gongkai
binary is timed the same way on each file right before the current one, and the ratio of
the two rates is printed: both sides of a before/after in one run, on one machine state.
"""
import argparse
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
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", help="an older gongkai binary, timed on each file too")
    args = ap.parse_args()
    ensure_tools()
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    binary = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "gongkai"
    before_head = f" {'before rep/CPU-s':>17} {'after/before':>12}" if args.before else ""
    print(f"{'file':<44} {'bytes':>7}{before_head} {'gongkai rep/CPU-s':>18} "
          f"{'pandas.read_html rep/CPU-s':>27}")
    rates = {"text": [], "html": [], "pandas": [], "before text": [], "before html": []}
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        for path in inputs():
            kind = "html" if path.suffix == ".html" else "text"
            before = ""
            if args.before:
                old_rate = gongkai_rate(Path(args.before), path, Path(tmp))
                rates["before " + kind].append(old_rate)
            cpu_rate = gongkai_rate(binary, path, Path(tmp))
            if args.before:
                before = f" {old_rate:>17.0f} {cpu_rate / old_rate:>11.2f}x"
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
            print(f"{label(path):<44} {path.stat().st_size:>7}{before} {cpu_rate:>18.0f} "
                  f"{theirs:>27}")
    for kind in ("before text", "before html", "text", "html", "pandas"):
        if rates[kind]:
            print(f"median {kind:<6}: {statistics.median(rates[kind]):.0f} reports/s per core "
                  f"over {len(rates[kind])} files")


if __name__ == "__main__":
    main()

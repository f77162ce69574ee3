#!/usr/bin/env python3
"""`gongkai export` of 10,000 reports as CSV, JSON and Parquet: bytes on disk and time, and
how long pandas and DuckDB take to read each back. Not part of CI. Run from the project
root, with pandas, pyarrow and duckdb installed (scripts/test puts them in .venv):

    .venv/bin/python3 bench/parquet.py [REPORTS] [--bin target/release/gongkai]

The reports are the golden cases' canonical XML (those holding a report), copied with a
distinct source name and SHA-256 each (export keeps one report per source), spread over
folders — twice: as plain copies (the same cells again and again, which Parquet's
dictionaries and run lengths squeeze to nearly nothing), and varied as a real year is (2,000
distinct issuers and titles, every value drawn anew: 0 to ten times the original plus ten,
with as many decimals). Export reads the XML back, so the times are export's own, not
extraction's. Each command runs 3 times; the median wall time and its CPU time (user +
system, from wait4) are printed, then Markdown tables.
"""
import argparse
import hashlib
import os
import random
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = re.compile(rb'<source name="[^"]*"( media-type="[^"]*" bytes="[^"]*") sha256="[0-9a-f]{64}"/>')


VALUE = re.compile(rb'(<cell col="[^"]*">)(-?[0-9]+(?:\.([0-9]+))?)(</cell>)')
ISSUER = re.compile(rb"<(issuer|title)>([^<]*)</(?:issuer|title)>")


def vary(data, n, rng):
    """Another body's report: its issuer and title numbered, every value drawn anew."""
    body = str(n % 2000).encode()
    data = ISSUER.sub(lambda m: b"<" + m.group(1) + b">" + m.group(2) + body + b"</" + m.group(1) + b">", data)

    def value(m):
        decimals = len(m.group(3) or b"")
        top = abs(float(m.group(2))) * 10 + 10
        v = rng.uniform(0, top) if decimals else rng.randint(0, int(top))
        text = f"{v:.{decimals}f}" if decimals else str(v)
        return m.group(1) + text.encode() + m.group(4)

    return VALUE.sub(value, data)


def make_reports(folder, count, varied):
    xmls = []
    for case in sorted((ROOT / "golden").iterdir()):
        xml = case / "expected.xml"
        if xml.is_file() and b"<template>none</template>" not in xml.read_bytes():
            xmls.append((case.name, xml.read_bytes()))
    rng = random.Random(2024)
    for n in range(count):
        case, data = xmls[n % len(xmls)]
        if varied:
            data = vary(data, n, rng)
        name = f"{n:05d}-{case}"
        sha = hashlib.sha256(name.encode()).hexdigest()
        data, found = SOURCE.subn(
            lambda m: b'<source name="' + name.encode() + b'"' + m.group(1) + b' sha256="' + sha.encode() + b'"/>',
            data, count=1)
        assert found == 1, case
        sub = folder / f"site-{n % 37:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{name}.xml").write_bytes(data)
    return len(xmls)


def timed(args):
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed: {stderr}")
    return wall, usage.ru_utime + usage.ru_stime


def median_run(fn, runs=3):
    results = [fn() for _ in range(runs)]
    walls = [r[0] for r in results]
    i = walls.index(statistics.median(walls))
    return results[i]


def in_process(fn):
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("reports", type=int, nargs="?", default=10_000)
    parser.add_argument("--bin", default=str(ROOT / "target" / "release" / "gongkai"))
    args = parser.parse_args()
    import duckdb
    import pandas as pd

    for varied in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            run(Path(tmp), args, varied, duckdb, pd)


def run(tmp, args, varied, duckdb, pd):
    kinds = make_reports(tmp / "xml", args.reports, varied)
    what = "varied" if varied else "plain copies"
    print(f"\n## {args.reports:,} reports, {what} ({kinds} distinct golden reports)")
    rows = []
    files = {}
    for fmt, ext in (("csv", "csv"), ("json", "json"), ("parquet", "parquet")):
        out = tmp / f"cells.{ext}"
        files[fmt] = out
        wall, cpu = median_run(lambda: timed([args.bin, "export", "--format", fmt, "-o", out, tmp / "xml"]))
        rows.append((fmt, out.stat().st_size, wall, cpu))
    n_rows = len(pd.read_parquet(files["parquet"]))
    print(f"{n_rows:,} rows")
    text = {c: str for c in ("title", "issuer", "unit", "status", "candidates")}
    reads = [
        ("pandas.read_csv", lambda: pd.read_csv(files["csv"], dtype=text)),
        ("pandas.read_parquet (pyarrow)", lambda: pd.read_parquet(files["parquet"])),
        ("DuckDB, sum(value) by issuer: CSV",
         lambda: duckdb.sql(f"SELECT issuer, sum(value) FROM read_csv('{files['csv']}') GROUP BY issuer").fetchall()),
        ("DuckDB, sum(value) by issuer: Parquet",
         lambda: duckdb.sql(f"SELECT issuer, sum(value) FROM read_parquet('{files['parquet']}') GROUP BY issuer").fetchall()),
    ]
    read_rows = []
    for name, fn in reads:
        fn()  # warm: imports, page cache
        wall, cpu = median_run(lambda: in_process(fn))
        read_rows.append((name, wall, cpu))
    csv_bytes = rows[0][1]
    print("\n| format | bytes | vs CSV | export wall | export CPU |")
    print("|---|---:|---:|---:|---:|")
    for fmt, size, wall, cpu in rows:
        print(f"| {fmt} | {size:,} | {size / csv_bytes:.1%} | {wall:.2f} s | {cpu:.2f} s |")
    print("\n| read | wall | CPU |")
    print("|---|---:|---:|")
    for name, wall, cpu in read_rows:
        print(f"| {name} | {wall:.3f} s | {cpu:.3f} s |")


if __name__ == "__main__":
    main()

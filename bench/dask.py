#!/usr/bin/env python3
"""What Dask costs on top of `convert`: the same crawl converted by `gongkai convert -j N`
and by examples/dask_convert.py on a LocalCluster of N worker processes. Not part of CI.
Run from the project root with a Python that has the gongkai package (a release build:
`pip install .`) and dask.distributed:

    python3 bench/dask.py [FILES] [--workers N] [--batch FILES] [--bin target/release/gongkai]

The crawl is bench/crawl.py's (golden inputs and the corpus, every copy unique, one file
in a hundred broken). Wall times of one run each, from a fresh output folder; the Dask
run includes starting and stopping the cluster, which is also printed alone.
"""
import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from crawl import make_crawl  # noqa: E402


def wall(args):
    start = time.perf_counter()
    subprocess.run(args, check=False, capture_output=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("files", type=int, nargs="?", default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--bin", default=str(ROOT / "target" / "release" / "gongkai"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        make_crawl(tmp / "crawl", args.files)
        cli = wall([args.bin, "convert", tmp / "crawl", "-o", tmp / "cli", "-q", "-j", str(args.workers)])
        dask = wall([sys.executable, ROOT / "examples" / "dask_convert.py", tmp / "crawl", "-o",
                     tmp / "dask", "--workers", str(args.workers), "--batch", str(args.batch)])
        empty = tmp / "empty"
        empty.mkdir()
        start_stop = wall([sys.executable, ROOT / "examples" / "dask_convert.py", empty, "-o",
                           tmp / "none", "--workers", str(args.workers)])
        tasks = -(-args.files // args.batch)
        print(f"{args.files:,} files, {args.workers} workers, {tasks} tasks of {args.batch}")
        print(f"convert -j{args.workers}: {cli:.2f} s; dask_convert.py: {dask:.2f} s, of which "
              f"{start_stop:.2f} s start-up and shut-down (a run over an empty folder)")
        print(f"difference per task, start-up out (noise included): "
              f"{(dask - start_stop - cli) / tasks * 1000:.1f} ms")


if __name__ == "__main__":
    main()

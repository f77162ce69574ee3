#!/usr/bin/env python3
"""`gongkai convert` on a 10,000-file synthetic crawl: wall time with -j1 and -j2, peak
memory, and a resumed run. Not part of CI. Run from the project root:

    python3 bench/crawl.py [FILES]      # default 10000

The crawl is made from every golden input and, when ../shared is there, the corpus:
copies spread over site/year folders like a crawler's output, each copy made unique (a
trailing line or comment, so every file has its own SHA-256), and one file in a hundred
broken (empty, random bytes, a truncated PDF or DOCX) as real crawls have them.
The crawl was just written, so it is read from the page cache. Peak RSS is the largest
resident set of the convert process (wait4).
"""
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sources():
    files = sorted(ROOT.glob("golden/*/input.*"))
    corpus = ROOT.parent / "shared" / "corpus"
    if corpus.is_dir():
        files += sorted(p for p in corpus.iterdir() if p.name[:1].isdigit())
    return [(f, f.read_bytes()) for f in files]


def unique(data, suffix, n):
    """The same report with a distinct tail the readers ignore or keep as prose."""
    if suffix in (".txt", ".md"):
        return data + f"\n\n（副本 {n}）\n".encode()
    if suffix == ".html":
        return data + f"\n<!-- copy {n} -->\n".encode()
    if suffix == ".pdf":
        return data + f"\n% copy {n}\n".encode()
    return data  # DOCX/ODT: a zip's trailing bytes are not ignored by every reader


def broken(rng, n):
    kind = n % 4
    if kind == 0:
        return f"empty-{n}.txt", b""
    if kind == 1:
        return f"random-{n}.html", rng.randbytes(4096)
    pdf = (ROOT / "golden/synthetic-2024-pdf-stream/input.pdf").read_bytes()
    if kind == 2:
        return f"truncated-{n}.pdf", pdf[: len(pdf) // 3]
    docx = (ROOT / "golden/shanghai-2019-docx/input.docx").read_bytes()
    return f"truncated-{n}.docx", docx[: len(docx) // 2]


def make_crawl(root, count):
    rng = random.Random(2024)
    files = sources()
    mix = {}
    for n in range(count):
        folder = root / f"site-{n % 37:02d}" / str(2019 + n % 6)
        folder.mkdir(parents=True, exist_ok=True)
        if n % 100 == 99:
            name, data = broken(rng, n)
        else:
            src, data = files[n % len(files)]
            name = f"{n:05d}{src.suffix}"
            data = unique(data, src.suffix, n)
            mix[src.suffix] = mix.get(src.suffix, 0) + 1
        (folder / name).write_bytes(data)
    return mix


def run(binary, crawl, out, jobs):
    """Wall seconds, CPU seconds and peak RSS (MiB) of one convert run, and its summary."""
    start = time.perf_counter()
    proc = subprocess.Popen([str(binary), "convert", str(crawl), "-o", str(out), "-j", str(jobs), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    summary = proc.stdout.read().decode().strip()
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, summary


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    binary = ROOT / "target" / "release" / "gongkai"
    with tempfile.TemporaryDirectory(prefix="gongkai-crawl-") as tmp:
        crawl = Path(tmp) / "crawl"
        mix = make_crawl(crawl, count)
        size = sum(p.stat().st_size for p in crawl.rglob("*") if p.is_file())
        print(f"crawl: {count} files, {size / 1e6:.1f} MB ({', '.join(f'{k} {v}' for k, v in sorted(mix.items()))},"
              f" {count // 100} broken); {os.cpu_count()} cores")
        print(f"{'run':<28} {'wall s':>7} {'files/s':>8} {'CPU s':>7} {'peak RSS MiB':>13}  summary")
        for label, jobs, out in (("-j1", 1, "out1"), ("-j2", 2, "out2"), ("-j2 resumed (all done)", 2, "out2")):
            wall, cpu, rss, summary = run(binary, crawl, Path(tmp) / out, jobs)
            print(f"{label:<28} {wall:>7.2f} {count / wall:>8.0f} {cpu:>7.2f} {rss:>13.1f}  {summary}")
        same = subprocess.run(["diff", "-rq", str(Path(tmp) / "out1"), str(Path(tmp) / "out2")],
                              capture_output=True, text=True)
        print("-j1 and -j2 outputs identical" if same.returncode == 0 else f"outputs differ:\n{same.stdout}")


if __name__ == "__main__":
    main()

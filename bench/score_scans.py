#!/usr/bin/env python3
"""Scores `gongkai extract` on the scan fixtures of tests/data/scans (and the corpus scan)
with ../shared/eval/score.py's own cell comparison, and times each run.

usage: bench/score_scans.py [--bin PATH] [--verbose]   (from the project root, ../shared beside it)

A fixture whose truth is `"partial": true` holds one table: only its cells are scored (not
the template and year, which a single table does not show).
"""
import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
sys.path.insert(0, str(EVAL))
import score  # noqa: E402  (../shared/eval/score.py)

SCANS = ROOT / "tests" / "data" / "scans"


def cases():
    for truth in sorted(SCANS.glob("*.truth.json")):
        t = json.loads(truth.read_text(encoding="utf-8"))
        path = SCANS / t["file"]
        yield truth.name.removesuffix(".truth.json"), path, truth, t
    scan = ROOT.parent / "shared" / "corpus" / "001_huaian_hongze_2023_scan.pdf"
    truth = EVAL / "truth" / "001_huaian_hongze_2023.json"
    yield "corpus-001-scan", scan, truth, json.loads(truth.read_text(encoding="utf-8"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "gongkai"))
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    total = {"n": 0, "correct": 0, "wrong": 0, "abstained": 0}
    run = score.run
    for name, path, truth, t in cases():
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        root, err = run(a.bin, path)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        score.run = lambda _bin, _path, got=(root, err): got
        partial = bool(t.get("partial"))
        if partial and root is not None:
            # Not scored: the template check is made to agree, then taken out.
            meta = root.find(score.NS + "meta")
            t = dict(t, template=meta.findtext(score.NS + "template") if meta is not None else None)
            t.pop("year", None)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(t, f, ensure_ascii=False)
        r = score.score_case(a.bin, path, Path(f.name), a.verbose)
        Path(f.name).unlink()
        if partial:
            r["n"] -= 1
            r["correct" if root is not None else "abstained"] -= 1
        for k in total:
            total[k] += r[k]
        tail = f"  ERROR {r['error']}" if r["error"] else ""
        print(f"{name:34s} {r['correct']:4d}/{r['n']:<4d} wrong {r['wrong']:3d} "
              f"missing {r['abstained']:3d}  cpu {cpu:6.2f}s{tail}", flush=True)
    acc = 100.0 * total["correct"] / max(total["n"], 1)
    print(f"all: {acc:.1f}% ({total['correct']}/{total['n']}), wrong {total['wrong']}, "
          f"missing {total['abstained']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

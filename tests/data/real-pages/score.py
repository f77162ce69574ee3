#!/usr/bin/env python3
"""Scores `gongkai extract` on the hand-labelled real pages in this folder.

usage: score.py [BIN] [--verbose] [PAGE ...]

BIN defaults to target/release/gongkai (relative to the current directory). Each
NN-*.json beside this script labels the page NN-*.txt: `cells` maps `table|row|col` to the
value the printed text determines (a normalised decimal) or null for a cell printed empty;
`unreadable` lists cells whose row is printed but whose value the text does not determine.

For each labelled cell the XML cell is
  right    the value equals the label (as a decimal), or the label is null and the cell says
           status="blank";
  wrong    a value that differs from the label, or any value where the label is null;
  missing  no value (status missing/ambiguous/blank, or no cell) where the text has a value
           or a blank: readable but not read.
A value written for a cell labelled unreadable is listed as `unverifiable` (it may be a
guess); a value written for a cell the text does not print at all (neither labelled nor
unreadable: its row is not in the page) is wrong. The issuer is right
when the XML's <issuer> equals the label ('' = no <issuer>), missing when there is no
<issuer> where the label names one, wrong otherwise; year and template likewise.

Every wrong and missing cell is listed with the diagnostics whose `where` names its row,
column or table. Exit 0 when no cell is wrong and every issuer is right, 1 otherwise, 2 on
a page the binary could not read.
"""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from pathlib import Path

HERE = Path(__file__).resolve().parent
NS = "{urn:gongkai:report:1}"


def dec(s):
    try:
        return Decimal(s)
    except (InvalidOperation, TypeError):
        return None


def extract(binary, path):
    p = subprocess.run([binary, "extract", str(path)], capture_output=True, timeout=120)
    if p.returncode != 0:
        return None, f"exit {p.returncode}: {p.stderr.decode('utf-8', 'replace').strip()[:300]}"
    try:
        return ET.fromstring(p.stdout), None
    except ET.ParseError as e:
        return None, f"not XML: {e}"


def read_xml(root):
    cells = {}
    for table in root.iter(NS + "table"):
        tid = table.get("id")
        for row in table.iter(NS + "row"):
            for cell in row.iter(NS + "cell"):
                key = f"{tid}|{row.get('id')}|{cell.get('col')}"
                cells[key] = (cell.get("status"), (cell.text or "").strip(), cell.get("unit"))
    meta = root.find(NS + "meta")
    info = {k: (meta.findtext(NS + k) or "").strip() if meta is not None else "" for k in ("issuer", "year", "template", "title")}
    diags = [(d.get("level"), d.get("code"), d.get("where") or "", (d.text or "").strip())
             for d in root.iter(NS + "diagnostic")]
    return cells, info, diags


def diagnostics_for(key, diags):
    table, row, col = key.split("|")
    names = {table, row, col, f"{row}/{col}", f"{row}|{col}"}
    return [d for d in diags if d[2] in names or (d[2] and row.startswith(d[2] + "."))]


def score_page(binary, label_path, verbose):
    label = json.loads(label_path.read_text(encoding="utf-8"))
    text_path = label_path.with_suffix(".txt")
    res = {"right": 0, "wrong": 0, "missing": 0, "unverifiable": 0, "extra": 0,
           "issuer": None, "year": None, "template": None, "lines": [], "error": None}
    root, err = extract(binary, text_path)
    if root is None:
        res["error"] = err
        res["missing"] = len(label["cells"])
        return res
    got, info, diags = read_xml(root)
    for key, want in label["cells"].items():
        status, text, unit = got.get(key, ("missing", "", None))
        has_value = status is None and text != ""
        if want is None:
            ok, bad = status == "blank", has_value
        else:
            ok = has_value and dec(text) is not None and dec(text) == dec(want)
            bad = has_value and not ok
        if ok:
            res["right"] += 1
            continue
        shown = text if has_value else f"status={status}"
        kind = "WRONG" if bad else "missing"
        res["wrong" if bad else "missing"] += 1
        res["lines"].append(f"  {kind:7s} {key}: {shown!r}, text says {want!r}")
        for level, code, where, msg in diagnostics_for(key, diags):
            res["lines"].append(f"          [{level} {code} @{where}] {msg}")
    unreadable = {u["cell"] for u in label.get("unreadable", [])}
    for key, (status, text, _unit) in sorted(got.items()):
        if status is None and text != "" and key not in label["cells"]:
            if key in unreadable:
                res["unverifiable"] += 1
                res["lines"].append(f"  written {key}: {text!r} (the text does not determine it)")
            else:
                res["wrong"] += 1
                res["extra"] += 1
                res["lines"].append(f"  WRONG   {key}: {text!r}, the text prints no such cell")
                for level, code, where, msg in diagnostics_for(key, diags):
                    res["lines"].append(f"          [{level} {code} @{where}] {msg}")
    for name in ("issuer", "year", "template"):
        if name not in label:
            continue
        want = "" if label[name] is None else str(label[name])
        have = info[name]
        res[name] = True if have == want else ("missing" if have == "" else False)
        if have != want:
            kind = "missing" if have == "" else "WRONG"
            res["lines"].append(f"  {kind:7s} {name} {have!r}, text says {want!r}")
            if name == "issuer":
                for level, code, where, msg in diags:
                    if code.startswith("issuer") or code.startswith("title"):
                        res["lines"].append(f"          [{level} {code} @{where}] {msg}")
    return res


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    verbose = "--verbose" in sys.argv
    binary = "target/release/gongkai"
    if args and not args[0].endswith(".json") and not args[0][:2].isdigit():
        binary = args.pop(0)
    labels = sorted(HERE.glob("[0-9][0-9]-*.json"))
    if args:
        labels = [p for p in labels if any(p.name.startswith(a) for a in args)]
    tot = {"right": 0, "wrong": 0, "missing": 0, "unverifiable": 0, "extra": 0}
    meta = {name: {True: 0, False: 0, "missing": 0} for name in ("issuer", "year", "template")}
    errors = 0
    for path in labels:
        r = score_page(binary, path, verbose)
        for k in tot:
            tot[k] += r[k]
        for name in meta:
            if r[name] is not None:
                meta[name][r[name]] += 1
        n = r["right"] + r["wrong"] + r["missing"]
        flag = "".join(f"  {name} {'WRONG' if r[name] is False else 'missing'}"
                       for name in ("issuer", "year", "template") if r[name] not in (None, True))
        if r["error"]:
            errors += 1
            flag += f"  ERROR {r['error']}"
        print(f"{path.stem:45s} {r['right']:3d}/{n:<3d} wrong {r['wrong']:2d} missing {r['missing']:2d}{flag}")
        if verbose or r["lines"]:
            for line in r["lines"]:
                print(line)
    n = tot["right"] + tot["wrong"] + tot["missing"]
    pct = lambda a: f"{100.0 * a / n:.1f}%" if n else "n/a"
    print()
    print(f"pages {len(labels)}; cells {n} ({n - tot['extra']} labelled + {tot['extra']} written where the text prints none): right {tot['right']} ({pct(tot['right'])}), "
          f"wrong {tot['wrong']} ({pct(tot['wrong'])}), readable-but-missing {tot['missing']} ({pct(tot['missing'])}); "
          f"values written where the text does not determine them {tot['unverifiable']}")
    print("; ".join(f"{name}s right {m[True]}, wrong {m[False]}, missing {m['missing']}" for name, m in meta.items()))
    if errors:
        return 2
    return 0 if tot["wrong"] == 0 and meta["issuer"][False] == 0 and meta["issuer"]["missing"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

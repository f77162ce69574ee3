#!/usr/bin/env python3
"""Builds adobe-gb1.bin, the compact tables the PDF reader uses for Chinese fonts that
carry no ToUnicode map, from Adobe's CMap resources as Debian's poppler-data ships them:

    apt-get install -y poppler-data
    python3 src/readers/pdf/cmaps/generate.py [/usr/share/poppler/cMap/Adobe-GB1]

Tables (see LICENSE-Adobe.txt beside this file for their licence):
  code -> CID  for the predefined encodings UniGB-UCS2-H, UniGB-UTF16-H, GBK-EUC-H,
               GBKp-EUC-H, GB-EUC-H (the -V forms use the -H table: they differ only in
               the CIDs of a few vertical punctuation glyphs);
  CID -> Unicode for the Adobe-GB1 collection (Adobe-GB1-UCS2).

Format (all integers unsigned LEB128 varints, "z" = zigzag-encoded signed):
  b"GKCM1\n", section count, then per section:
    name length, name bytes, kind (0 = code->CID, 1 = CID->Unicode),
    codespace count, per codespace: byte length, lo, hi,
    entry count, per entry: lo - previous lo, hi - lo, then
      kind 0: z(cid - previous entry's cid)
      kind 1: unit count, z(first unit - previous entry's first unit), the other units
The tables are sorted by lo; a range maps lo..=hi to value..value+(hi-lo) (for kind 1 the
last UTF-16 unit advances).
"""
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENCODINGS = ["UniGB-UCS2-H", "UniGB-UTF16-H", "GBK-EUC-H", "GBKp-EUC-H", "GB-EUC-H"]
TOKEN = re.compile(rb"<([0-9A-Fa-f]*)>|\[|\]|/[^\s<>\[\]/()]+|[^\s<>\[\]/()]+")


def varint(n):
    assert n >= 0
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zig(n):
    return (n << 1) if n >= 0 else ((-n << 1) - 1)


def tokens(data):
    data = re.sub(rb"%[^\n]*", b"", data)
    for m in TOKEN.finditer(data):
        if m.group(1) is not None:
            yield ("hex", m.group(1).decode())
        else:
            yield ("word", m.group(0).decode())


def parse(path):
    """Returns (codespaces, ranges) with ranges (lo, hi, nbytes, value) where value is an
    int CID (cid maps) or a list of UTF-16 units (bf maps)."""
    toks = list(tokens(path.read_bytes()))
    codespaces, ranges = [], []
    i = 0
    while i < len(toks):
        kind, v = toks[i]
        if kind == "word" and v == "usecmap":
            raise SystemExit(f"{path.name}: usecmap is not expected in the tables generated")
        if kind == "word" and v in ("begincodespacerange", "begincidrange", "begincidchar", "beginbfrange", "beginbfchar"):
            end = "end" + v[5:]
            i += 1
            body = []
            while toks[i] != ("word", end):
                body.append(toks[i])
                i += 1
            if v == "begincodespacerange":
                for k in range(0, len(body), 2):
                    lo, hi = body[k][1], body[k + 1][1]
                    codespaces.append((len(lo) // 2, int(lo, 16), int(hi, 16)))
            elif v == "begincidrange":
                for k in range(0, len(body), 3):
                    lo, hi, cid = body[k][1], body[k + 1][1], int(body[k + 2][1])
                    ranges.append((int(lo, 16), int(hi, 16), len(lo) // 2, cid))
            elif v == "begincidchar":
                for k in range(0, len(body), 2):
                    lo, cid = body[k][1], int(body[k + 1][1])
                    ranges.append((int(lo, 16), int(lo, 16), len(lo) // 2, cid))
            elif v == "beginbfchar":
                for k in range(0, len(body), 2):
                    lo, dst = body[k][1], body[k + 1][1]
                    ranges.append((int(lo, 16), int(lo, 16), len(lo) // 2, units(dst)))
            elif v == "beginbfrange":
                k = 0
                while k < len(body):
                    lo, hi = int(body[k][1], 16), int(body[k + 1][1], 16)
                    if body[k + 2] == ("word", "["):
                        k += 3
                        c = lo
                        while body[k] != ("word", "]"):
                            ranges.append((c, c, len(body[k][1]) // 2, units(body[k][1])))
                            c += 1
                            k += 1
                        k += 1
                    else:
                        ranges.append((lo, hi, 2, units(body[k + 2][1])))
                        k += 3
        i += 1
    ranges.sort()
    return codespaces, ranges


def units(hexstr):
    return [int(hexstr[k:k + 4], 16) for k in range(0, len(hexstr), 4)]


def section(name, kind, codespaces, ranges):
    out = bytearray()
    nb = name.encode()
    out += varint(len(nb)) + nb + bytes([kind])
    out += varint(len(codespaces))
    for n, lo, hi in codespaces:
        out += bytes([n]) + varint(lo) + varint(hi)
    out += varint(len(ranges))
    prev_lo, prev_val = 0, 0
    for lo, hi, nbytes, value in ranges:
        out += varint(lo - prev_lo) + varint(hi - lo)
        if kind == 0:
            out += varint(zig(value - prev_val))
            prev_val = value + (hi - lo)
        else:
            out += varint(len(value)) + varint(zig(value[0] - prev_val))
            for u in value[1:]:
                out += varint(u)
            prev_val = value[0]
        prev_lo = lo
    return bytes(out)


def main():
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/usr/share/poppler/cMap/Adobe-GB1")
    if not src.is_dir():
        raise SystemExit(f"{src} not found: apt-get install -y poppler-data")
    sections = []
    for name in ENCODINGS:
        cs, ranges = parse(src / name)
        sections.append(section(name, 0, cs, ranges))
    cs, ranges = parse(src / "Adobe-GB1-UCS2")
    sections.append(section("Adobe-GB1", 1, cs, ranges))
    data = b"GKCM1\n" + varint(len(sections)) + b"".join(sections)
    (HERE / "adobe-gb1.bin").write_bytes(data)
    print(f"adobe-gb1.bin: {len(data)} bytes, {len(sections)} tables")


if __name__ == "__main__":
    main()

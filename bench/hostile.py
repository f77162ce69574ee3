#!/usr/bin/env python3
"""Hostile inputs: shapes made to stall a run or eat the machine, each at the default
limits (64 MiB of input at most), through `gongkai extract` on one core. Not part of CI.
Run from the project root:

    python3 bench/hostile.py                          # target/release/gongkai
    python3 bench/hostile.py --before OLD_BINARY      # both, side by side, in one run
    python3 bench/hostile.py --only html              # the cases whose name contains it

Each case is generated once into --dir (default /tmp/gongkai-hostile). For every run it
prints the wall and CPU time, the peak RSS (wait4's ru_maxrss), the exit code and the first
line of standard error; the time shown is CPU time (user + system), the wall time in
brackets (on a shared machine wall time also counts waiting). A run is killed past --timeout seconds or --max-rss-mib of
resident memory (a watchdog reading /proc), so a "before" binary cannot take the machine
down; such a run shows as `> N s` or `> N MiB`. The goal (issue 11): every input within the
default limits ends, exit 0 or 2, in at most 10 s and 1 GiB.
"""
import argparse
import io
import os
import signal
import subprocess
import threading
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
LIMIT = 64 * MIB  # --max-input-bytes by default


# ---------------------------------------------------------------- text

def fill(unit, size=None, head=b""):
    """`head`, then `unit` repeated to just under `size` bytes (the input limit)."""
    size = LIMIT - 16 if size is None else size
    n = (size - len(head)) // len(unit)
    return head + unit * n


def lone_zeros(lines):
    return lambda: "规章\n".encode() + b"0\n" * lines


def glued_digits(n):
    return lambda: "二、主动公开政府信息情况\n规范性文件".encode() + b"9" * n + b"\n"


def long_glued_runs(n):
    """The glued crawler page of pingtan 2019 with every digit run made `n` random digits."""
    def make():
        import random
        import re
        rng = random.Random(5)
        page = (ROOT / "golden/pingtan-2019-glued/input.txt").read_text(encoding="utf-8")
        return re.sub(r"\d+", lambda m: "".join(rng.choice("0123456789") for _ in range(n)), page).encode()
    return make


def report_text():
    return (ROOT / "golden/meilie-2020-pipe/input.txt").read_bytes()


def many_reports():
    one = report_text() + b"\n"
    return fill(one)


def many_label_lines():
    return fill("行政许可\n".encode())


def layout_report():
    return fill((ROOT / "golden/hongze-2023-layout/input.txt").read_bytes() + b"\n")


def markdown_table():
    head = "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n".encode()
    return fill("| 规章 | 1 | 2 | 3 |\n".encode(), head=head)


def markdown_deep():
    return fill(b"> " * 1000 + "- 规章 | 0\n".encode())


PROSE = "本机关全年共收到政府信息公开申请21件，其中自然人申请20件，已全部办结。\n"


def prose(encoding="utf-8", bom=b""):
    return lambda: fill(PROSE.encode(encoding), head=bom)


def under_line_limit():
    """Just under the default --max-lines: a row label on each of 999,999 lines."""
    return "行政许可\n".encode() * 999_999


def under_cell_limit():
    """Just under the default --max-cells: a pipe table of 499,999 rows of two cells."""
    return b"a | b\n" * 499_999


# ---------------------------------------------------------------- HTML

def html_table(cells, width=10):
    def make():
        cell = b"<td>" + b"1" * 51 + b"</td>"
        row = b"<tr>" + cell * width + b"</tr>"
        return b"<html><body><table>" + row * (cells // width) + b"</table></body></html>"
    return make


def html_unclosed_td(n):
    return lambda: b"<table><tr>" + b"<td>1" * n


def html_nest(levels, tag=b"div"):
    return lambda: (b"<html><body>" + (b"<" + tag + b">") * levels + b"x"
                    + (b"</" + tag + b">") * levels + b"</body></html>")


def html_nest_unclosed():
    return fill(b"<div>", head=b"<html><body>")


def html_many_tables():
    return fill(b"<table><tr><td>1</td><td>2</td></tr></table>", head=b"<html><body>")


def html_long_text():
    return b"<html><body><p>" + fill("规".encode(), size=LIMIT - 64) + b"</p></body></html>"


def html_many_br():
    return fill(b"1<br>", head=b"<html><body><p>")


def html_wide_colspan():
    return fill(b'<tr><td colspan="1000" rowspan="65534">1</td></tr>', head=b"<table>")


def html_spans_under_limit():
    """Spanning cells under the node limit: 300k cells, each 1000 columns × 1000 rows."""
    return b"<table>" + b'<tr><td colspan="1000" rowspan="1000">1</td></tr>' * 300_000 + b"</table>"


def html_unmatched_end_tags():
    """Open `<div>`s never closed, then end tags of an element that is not open."""
    return b"<html><body>" + b"<div>" * 6_000_000 + b"</span>" * 5_000_000


def html_reconstructed():
    """Formatting elements the tree builder re-opens in every paragraph."""
    return fill(b"<p>x</p>", head=b"<html><body>" + b"".join(b"<b id=%d>" % i for i in range(250)))


def html_attributes():
    """One tag with millions of attributes."""
    return b"<html><body><p " + b" ".join(b"a%d=1" % i for i in range(5_000_000)) + b">x</p>"


def html_crowded_tags():
    """Tags of 64 distinct attributes each, to 64 MiB."""
    return fill(b"<i " + b" ".join(b"a%d" % i for i in range(64)) + b">x</i>", head=b"<html><body>")


def html_repeated_body():
    """`<body>` tags repeated, each with an attribute of its own."""
    return b"<html><body>" + b"".join(b"<body a%d>" % i for i in range(4_000_000))


def html_nested_tables():
    """Tables nested 250 deep, each level with text before the next."""
    return (b"<html><body>" + b"<table><tr><td>" + "正文".encode() * 10000 + b"<table><tr><td>") * 125 + b"x"


# ---------------------------------------------------------------- PDF

def pdf(pages, content, compress=True, shared=True, extra=(), fonts=0, to_unicode=None):
    """A PDF of `pages` pages with Helvetica text (`/F1`). `content` is bytes (one content
    stream, shared by every page when `shared`) or a function of the page number. `extra`
    objects are added unreferenced; `fonts` more fonts `/G0`… are given a ToUnicode stream
    (already compressed) each."""
    objs = []

    def add(body):
        objs.append(body)
        return len(objs)

    def stream(data):
        if compress:
            data = zlib.compress(data, 9)
            return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
        return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    more = []
    for i in range(fonts):
        cmap = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(to_unicode) + to_unicode + b"\nendstream")
        more.append(b"/G%d %d 0 R" % (i, add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                                              b"/ToUnicode %d 0 R >>" % cmap)))
    font_dict = b"<< /F1 %d 0 R " % font + b" ".join(more) + b" >>"
    pages_id = len(objs) + 1
    add(b"")  # Pages, filled in below
    shared_id = add(stream(content)) if shared else None
    kids = []
    for n in range(pages):
        c = shared_id if shared else add(stream(content(n)))
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                        b"/Resources << /Font %s >> /Contents %d 0 R >>"
                        % (pages_id, font_dict, c)))
    objs[pages_id - 1] = (b"<< /Type /Pages /Count %d /Kids [" % pages
                          + b" ".join(b"%d 0 R" % k for k in kids) + b"] >>")
    for body in extra:
        add(body)
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    return pdf_file(objs, catalog)


def pdf_file(objs, catalog):
    """The PDF of object bodies `objs` (numbered from 1), its root object `catalog`."""
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objs) + 1, catalog, xref))
    return out.getvalue()


def tiny_glyphs(n):
    """`n` one-glyph text objects on a page, each at its own place."""
    ops = io.BytesIO()
    ops.write(b"BT /F1 2 Tf\n")
    for i in range(n):
        ops.write(b"1 0 0 1 %d %d Tm (%d) Tj\n" % (10 + (i * 7) % 570, 10 + (i // 81) % 820, i % 10))
    ops.write(b"ET\n")
    return ops.getvalue()


def rulings(n):
    """A lattice of `n` horizontal and `n` vertical rules."""
    ops = io.BytesIO()
    step = 800 / n
    for i in range(n):
        ops.write(b"10 %.3f m 580 %.3f l S\n" % (20 + i * step, 20 + i * step))
        ops.write(b"%.3f 20 m %.3f 820 l S\n" % (10 + i * 570 / n, 10 + i * 570 / n))
    return ops.getvalue()


def pdf_big_stream():
    """One page whose content stream decompresses to the 64 MiB stream limit."""
    line = b"BT /F1 9 Tf 72 700 Td (0) Tj ET\n"
    return pdf(1, line * ((LIMIT - 1024) // len(line)))


def pdf_shared_big_stream(pages):
    """Every page draws the same stream of many glyphs: small file, huge work."""
    return lambda: pdf(pages, tiny_glyphs(400_000))


def pdf_many_pages(pages):
    return lambda: pdf(pages, b"BT /F1 12 Tf 72 700 Td (1) Tj ET\n")


def pdf_tiny_glyphs():
    return pdf(1, tiny_glyphs(2_000_000))


def pdf_rulings():
    return pdf(1, rulings(50_000))


def pdf_long_string():
    """One `Tj` showing a string of 60 million glyphs."""
    return pdf(1, b"BT /F1 1 Tf 10 10 Td (" + b"A" * 60_000_000 + b") Tj ET\n")


def pdf_tables_and_glyphs():
    """900 small ruled tables and 400k glyphs on each of 5 pages."""
    ops = io.BytesIO()
    for ty in range(30):
        for tx in range(30):
            x0, y0 = 10 + tx * 19, 20 + ty * 27
            for k in range(3):
                ops.write(b"%.1f %.1f m %.1f %.1f l S\n" % (x0, y0 + k * 8, x0 + 12, y0 + k * 8))
                ops.write(b"%.1f %.1f m %.1f %.1f l S\n" % (x0 + k * 6, y0, x0 + k * 6, y0 + 16))
    ops.write(tiny_glyphs(400_000))
    return pdf(5, ops.getvalue())


def pdf_object_streams():
    """500 object streams, each decompressing to 60 MiB."""
    z = zlib.compress(b"0 0 " + b" " * (60 * MIB), 9)
    extra = [b"<< /Type /ObjStm /N 1 /First 4 /Length %d /Filter /FlateDecode >>\nstream\n" % len(z)
             + z + b"\nendstream"] * 500
    return pdf(1, b"BT /F1 12 Tf 72 700 Td (1) Tj ET", extra=extra)


def pdf_many_objects():
    """Millions of tiny objects."""
    return pdf(1, b"BT /F1 12 Tf 72 700 Td (1) Tj ET", extra=[b"<< /A 1 >>"] * 1_200_000)


def pdf_many_fonts():
    """Each of 4,000 fonts has a ToUnicode map that decompresses to 8 MiB."""
    cmap = zlib.compress(b"%" * (8 * MIB), 9)
    return pdf(1, b"".join(b"BT /G%d 12 Tf 72 700 Td (1) Tj ET\n" % i for i in range(4000)),
               fonts=4000, to_unicode=cmap)


def pdf_truncated():
    return (ROOT / "golden/synthetic-2024-pdf-stream/input.pdf").read_bytes()[:5000]


# ---------------------------------------------------------------- DOCX

def docx(body):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml",
                   '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                   + body + "</w:body></w:document>")
    return out.getvalue()


def docx_table(rows, cols):
    def make():
        parts = ["<w:tbl>"]
        for r in range(rows):
            parts.append("<w:tr>")
            for c in range(cols):
                parts.append(f"<w:tc><w:p><w:r><w:t>{(r * 7919 + c * 104729) % 100003}</w:t></w:r></w:p></w:tc>")
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        return docx("".join(parts))
    return make


def docx_paragraphs(n):
    return lambda: docx("".join(f"<w:p><w:r><w:t>第{i}段</w:t></w:r></w:p>" for i in range(n)))


def noise(n, seed=11):
    """`n` pseudo-random digits: text that compresses like text, not like a bomb."""
    import random
    rng = random.Random(seed)
    return "".join(rng.choice("0123456789") for _ in range(n))


def docx_deep_paragraphs():
    """900k paragraphs inside 4,500 nested content controls."""
    digits = noise(900_000 * 8)
    paragraphs = "".join(f"<w:p><w:r><w:t>{digits[i * 8:i * 8 + 8]}</w:t></w:r></w:p>" for i in range(900_000))
    return docx("<w:sdt><w:sdtContent>" * 4500 + paragraphs + "</w:sdtContent></w:sdt>" * 4500)


def docx_text_tables(depth):
    """Tables nested `depth` deep, each holding 2 KB of text before the next."""
    def make():
        digits = noise(depth * 2000)
        levels = "".join("<w:tbl><w:tr><w:tc><w:p><w:r><w:t>" + digits[i * 2000:(i + 1) * 2000]
                         + "</w:t></w:r></w:p>" for i in range(depth))
        return docx(levels + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * depth)
    return make


def docx_wide_spans():
    """A row of 100k cells, each spanning 1000 grid columns."""
    digits = noise(100_000 * 6)
    cells = "".join('<w:tc><w:tcPr><w:gridSpan w:val="1000"/><w:vMerge w:val="restart"/></w:tcPr>'
                    f"<w:p><w:r><w:t>{digits[i * 6:i * 6 + 6]}</w:t></w:r></w:p></w:tc>" for i in range(100_000))
    return docx("<w:tbl><w:tr>" + cells + "</w:tr></w:tbl>")


def odt(body):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml",
                   '<?xml version="1.0"?><office:document-content '
                   'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                   'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                   'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
                   "<office:body><office:text>" + body + "</office:text></office:body></office:document-content>")
    return out.getvalue()


def odt_repeated():
    """Rows repeated 1000 times of cells repeated 1000 times, each holding 4 KB of text."""
    cell = ('<table:table-cell table:number-columns-repeated="1000"><text:p>' + "字" * 1365
            + "</text:p></table:table-cell>")
    row = '<table:table-row table:number-rows-repeated="1000">' + cell + "</table:table-row>"
    return odt("<table:table>" + row * 100 + "</table:table>")


def docx_nested_tables(depth):
    return lambda: docx("<w:tbl><w:tr><w:tc>" * depth + "<w:p><w:r><w:t>1</w:t></w:r></w:p>"
                        + "</w:tc></w:tr></w:tbl>" * depth)


# ---------------------------------------------------------------- the cases

# ---------------------------------------------------------------- images (OCR)

def pdf_stream(d, data, flate=True):
    if flate:
        data = zlib.compress(data, 9)
        d += b" /Filter /FlateDecode"
    return b"<< " + d + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def image_pdf(image_dict, image_data, content, more=()):
    """A one-page PDF drawing image `/X` (object 5: `image_dict` over `image_data`) with
    `content`; `more` objects from 6 on (the resources name object 6 `/F`)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources "
        b"<< /XObject << /X 5 0 R /F 6 0 R >> >> >>",
        pdf_stream(b"", content),
        pdf_stream(b"/Type /XObject /Subtype /Image " + image_dict, image_data),
        *more,
    ]
    return pdf_file(objs, 1)


def image_drawn_often(side, draws):
    """One white `side`² image drawn `draws` times on a page."""
    return lambda: image_pdf(b"/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8"
                             % (side, side), b"\xff" * side * side,
                             b"q 500 0 0 700 50 50 cm /X Do Q\n" * draws)


def image_palette_loop():
    """An indexed image whose colour space (object 6) names itself as its base."""
    return image_pdf(b"/Width 100 /Height 100 /ColorSpace 6 0 R /BitsPerComponent 8",
                     b"\0" * 10_000, b"q 500 0 0 700 50 50 cm /X Do Q\n",
                     [b"[/Indexed 6 0 R 1 <00ff>]"])


def image_form_fork():
    """A form that draws itself 60 times (and an image), drawn 60 times."""
    return image_pdf(b"/Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8",
                     b"\xff" * 10_000, b"/F Do\n" * 60,
                     [pdf_stream(b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources "
                                 b"<< /XObject << /F 6 0 R /X 5 0 R >> >>",
                                 b"q 500 0 0 700 50 50 cm /X Do Q\n" + b"/F Do\n" * 60)])


def image_form_bomb():
    """A form of 1 GiB of spaces beside an image."""
    return image_pdf(b"/Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8",
                     b"\xff" * 10_000, b"/F Do\nq 500 0 0 700 50 50 cm /X Do Q\n",
                     [pdf_stream(b"/Type /XObject /Subtype /Form /BBox [0 0 595 842]",
                                 b" " * 1024 * MIB)])


def tiff_shared_strip(pages, side):
    """`pages` TIFF pages of `side`² white pixels, every page the same one deflated strip."""
    def make():
        import struct
        strip = zlib.compress(b"\xff" * side * side, 9)
        out = bytearray(b"II*\x00" + struct.pack("<I", 0))
        strip_at = len(out)
        out += strip
        if len(out) % 2:
            out += b"\x00"
        tags = [(256, 4, side), (257, 4, side), (258, 3, 8), (259, 3, 8), (262, 3, 1),
                (273, 4, strip_at), (277, 3, 1), (278, 4, side), (279, 4, len(strip))]
        ifds = []
        for _ in range(pages):
            ifds.append(len(out))
            out += struct.pack("<H", len(tags))
            for tag, kind, value in tags:
                out += (struct.pack("<HHII", tag, kind, 1, value) if kind == 4
                        else struct.pack("<HHIHH", tag, kind, 1, value, 0))
            out += struct.pack("<I", 0)
        for i, at in enumerate(ifds[:-1]):
            struct.pack_into("<I", out, at + 2 + 12 * len(tags), ifds[i + 1])
        struct.pack_into("<I", out, 4, ifds[0])
        return bytes(out)
    return make



CASES = [
    # name, file name, generator, extra arguments
    ("lone cells: 规章 + 400k lines of 0", "zeros-400k.txt", lone_zeros(400_000), []),
    ("lone cells: 规章 + 2M lines of 0", "zeros-2m.txt", lone_zeros(2_000_000), []),
    ("lone cells: 规章 + 33M lines of 0", "zeros-33m.txt", lone_zeros((LIMIT - 16) // 2), []),
    ("64 MiB of newlines", "newlines.txt", lambda: fill(b"\n"), []),
    ("64 MiB one line", "one-line.txt", lambda: fill("规".encode()), []),
    ("64 MiB of pipes", "pipes.txt", lambda: fill(b"|"), []),
    ("64 MiB of ` | ` lines", "pipe-lines.txt", lambda: fill(b"a | b\n"), []),
    ("pipe cells, one a line", "pipe-cells.txt", lambda: fill("规章 |\n0 |\n|\n".encode()), []),
    ("glued digits: 10k", "glued-10k.txt", glued_digits(10_000), []),
    ("glued digits: 64 MiB", "glued-64m.txt", glued_digits(LIMIT - 1024), []),
    ("glued report, every digit run 200 digits", "glued-runs.txt", long_glued_runs(200), []),
    ("one line of 200k section numerals `一、甲。`", "numerals.txt", lambda: "一、甲。".encode() * 200_000, []),
    ("a report repeated to 64 MiB", "many-reports.txt", many_reports, []),
    ("`pdftotext -layout` report repeated", "many-layout.txt", layout_report, []),
    ("a row label on every line", "labels.txt", many_label_lines, []),
    ("markdown table, 64 MiB", "markdown.md", markdown_table, []),
    ("markdown quotes 1,000 deep", "markdown-deep.md", markdown_deep, []),
    ("prose, 64 MiB", "prose.txt", prose(), []),
    ("prose, 64 MiB of GB18030", "prose-gbk.txt", prose("gb18030"), []),
    ("prose, 64 MiB of UTF-16", "prose-utf16.txt", prose("utf-16-le", b"\xff\xfe"), []),
    ("`x` and 64M newlines", "x-newlines.txt", lambda: fill(b"\n", head=b"x"), []),
    ("64 MiB of `&` (five times that escaped)", "ampersands.txt", lambda: fill(b"&"), []),
    ("999,999 lines, each a row label", "under-lines.txt", under_line_limit, []),
    ("999,998 table cells", "under-cells.txt", under_cell_limit, []),
    ("HTML table, 10^6 cells", "table-1m.html", html_table(1_000_000), []),
    ("HTML 12M unclosed `<td>1`", "td-12m.html", html_unclosed_td(12_000_000), []),
    ("HTML 100k nested, --max-html-depth 10^7", "nest-100k.html", html_nest(100_000),
     ["--max-html-depth", "10000000"]),
    ("HTML 13M unclosed `<div>`", "div-13m.html", html_nest_unclosed, []),
    ("HTML one table per cell, 64 MiB", "many-tables.html", html_many_tables, []),
    ("HTML one 64 MiB paragraph", "long-text.html", html_long_text, []),
    ("HTML 13M `<br>`", "many-br.html", html_many_br, []),
    ("HTML 16M `&lt;`", "entities.html", lambda: fill(b"&lt;", head=b"<html><body><p>"), []),
    ("HTML rowspan 65534 × colspan 1000", "spans.html", html_wide_colspan, []),
    ("HTML 300k cells of 1000 × 1000 spans", "spans-300k.html", html_spans_under_limit, []),
    ("HTML 6M `<div>`, 5M `</span>`", "unmatched.html", html_unmatched_end_tags, []),
    ("HTML 250 `<b>` re-opened in every `<p>`", "reconstructed.html", html_reconstructed, []),
    ("HTML 5M attributes on one tag", "attributes.html", html_attributes, []),
    ("HTML tables nested 125 deep with text", "nested-tables.html", html_nested_tables, []),
    ("HTML 64 MiB of tags with 64 attributes", "crowded.html", html_crowded_tags, []),
    ("HTML 4M `<body>` tags, an attribute each", "bodies.html", html_repeated_body, []),
    ("PDF truncated to 5,000 bytes", "truncated.pdf", pdf_truncated, []),
    ("PDF stream of 64 MiB decompressed", "big-stream.pdf", pdf_big_stream, []),
    ("PDF 2M tiny glyphs on a page", "tiny-glyphs.pdf", pdf_tiny_glyphs, []),
    ("PDF 1,000 pages × 400k glyphs (one shared stream)", "shared-stream.pdf",
     pdf_shared_big_stream(1000), []),
    ("PDF 100k pages", "many-pages.pdf", pdf_many_pages(100_000), []),
    ("PDF 100k rulings", "rulings.pdf", pdf_rulings, []),
    ("PDF one string of 60M glyphs", "long-string.pdf", pdf_long_string, []),
    ("PDF 5 pages × 900 tables × 400k glyphs", "tables-glyphs.pdf", pdf_tables_and_glyphs, []),
    ("PDF 500 object streams × 60 MiB", "object-streams.pdf", pdf_object_streams, []),
    ("PDF 1.2M objects", "many-objects.pdf", pdf_many_objects, []),
    ("PDF 4,000 fonts × 8 MiB ToUnicode", "many-fonts.pdf", pdf_many_fonts, []),
    ("DOCX table 1000 × 1000", "table-1m.docx", docx_table(1000, 1000), []),
    ("DOCX 2M paragraphs", "paragraphs.docx", docx_paragraphs(2_000_000), []),
    ("DOCX tables nested 5,000 deep", "nested.docx", docx_nested_tables(5000), []),
    ("DOCX 900k paragraphs 9,000 elements deep", "deep-paragraphs.docx", docx_deep_paragraphs, []),
    ("DOCX tables nested 3,000 deep, 2 KB of text each", "text-tables.docx", docx_text_tables(3000), []),
    ("DOCX 100k cells spanning 1000 columns", "wide-spans.docx", docx_wide_spans, []),
    ("ODT 100 rows × 1000 repeats × 1000 cells × 4 KB", "repeated.odt", odt_repeated, []),
    ("PDF image 8000² drawn 24 times on a page", "image-drawn.pdf", image_drawn_often(8000, 24), []),
    ("PDF image 5000² drawn 64 times on a page", "image-drawn-64.pdf", image_drawn_often(5000, 64), []),
    ("PDF indexed colour space naming itself", "palette-loop.pdf", image_palette_loop, []),
    ("PDF form drawing itself 60 × 60 times, with an image", "image-fork.pdf", image_form_fork, []),
    ("PDF 1 GiB form stream, with an image", "image-form-bomb.pdf", image_form_bomb, []),
    ("TIFF 500 pages of 10,000² sharing one strip", "shared-strip.tif", tiff_shared_strip(500, 10_000), []),
]


def run(binary, path, extra, timeout, max_rss_mib):
    """Wall s, CPU s, peak RSS MiB, exit code (None when killed), why killed, stderr line."""
    start = time.perf_counter()
    proc = subprocess.Popen([str(binary), "extract", str(path), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    killed = []

    def watch():
        status = Path(f"/proc/{proc.pid}/status")
        while proc.returncode is None:
            try:
                rss = next(int(l.split()[1]) for l in status.read_text().splitlines()
                           if l.startswith("VmRSS:"))
            except (OSError, StopIteration):
                return
            if rss > max_rss_mib * 1024:
                killed.append(f"> {max_rss_mib} MiB")
            elif time.perf_counter() - start > timeout:
                killed.append(f"> {timeout} s")
            if killed:
                proc.send_signal(signal.SIGKILL)
                return
            time.sleep(0.05)

    threading.Thread(target=watch, daemon=True).start()
    err = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = status
    wall = time.perf_counter() - start
    reader.join()
    cpu = usage.ru_utime + usage.ru_stime
    code = os.waitstatus_to_exitcode(status)
    line = err[0].decode("utf-8", "replace").strip().splitlines()[:1] if err and err[0] else []
    return wall, cpu, usage.ru_maxrss / 1024, (None if killed else code), (killed[:1] or [""])[0], (line or [""])[0]


def show(result):
    wall, cpu, rss, code, killed, _ = result
    if killed:
        return f"{killed} (killed; CPU {cpu:.1f} s) | {rss:,.0f} | —"
    return f"{cpu:.2f} ({wall:.2f}) | {rss:,.0f} | {code}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / "target/release/gongkai"))
    ap.add_argument("--before", help="a second binary, run first on each case")
    ap.add_argument("--dir", default="/tmp/gongkai-hostile")
    ap.add_argument("--only", default="", help="cases whose name or file contains this")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--max-rss-mib", type=float, default=6144)
    args = ap.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    binaries = ([("before", args.before)] if args.before else []) + [("after" if args.before else "", args.bin)]
    head = " | ".join(f"{side} CPU s (wall) | {side} peak RSS MiB | {side} exit".strip() for side, _ in binaries)
    print(f"| input | bytes | {head} | standard error (last run) |")
    print("|---|---:|" + "---:|---:|---:|" * len(binaries) + "---|")
    for name, file, make, extra in CASES:
        if args.only and args.only not in name and args.only not in file:
            continue
        path = folder / file
        if not path.exists():
            path.write_bytes(make())
        size = path.stat().st_size
        cells = []
        for _, binary in binaries:
            result = run(binary, path, extra, args.timeout, args.max_rss_mib)
            cells.append(show(result))
        stderr = result[5][:90].replace("|", "\\|")
        flags = f" (`{' '.join(extra)}`)" if extra else ""
        print(f"| {name}{flags} | {size:,} | {' | '.join(cells)} | {stderr} |", flush=True)


if __name__ == "__main__":
    main()

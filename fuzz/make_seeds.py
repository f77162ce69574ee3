#!/usr/bin/env python3
"""Makes the seed corpora of the fuzz targets from the repository's own inputs.

Run from anywhere (needs python3 and a built `gongkai`; it builds one with cargo if
target/release/gongkai is missing):

    python3 fuzz/make_seeds.py [--clean]

Writes the seeds into fuzz/corpus/<target>/ (ignored by git: libFuzzer grows these folders
as it runs; what it added is kept unless `--clean` is given). Seeds:

- text:          golden/*/input.{txt,md}
- html:          golden/*/input.html
- pdf:           golden/*/input.pdf, tests/data/*.pdf, and two tiny hand-written PDFs (a
                 CID font with a ToUnicode map, and a table of `re` rules) so that the
                 mutator also works on inputs small enough to run thousands of times a second
- docx:          golden/*/input.{docx,odt} and a tiny DOCX and ODT made here, each also
                 unzipped (the target's other input form: the parts' XML, NUL-separated)
- ofd:           tests/data/ofd/*.ofd, each readable one also unpacked (the target's other
                 input form: page content, template content and PublicRes.xml, NUL-separated)
- image:         small cuts of the scans of tests/data/scans (a table's top-left corner,
                 shrunk to about 240 pixels across, rulings kept): PNG (gray, 1-bit, palette,
                 RGB, 16-bit), JPEG (gray, RGB, progressive, CMYK), TIFF (G4 min-is-white
                 and min-is-black, two G4 pages, LZW gray, PackBits RGB), and image-only
                 PDFs of them (DCTDecode, CCITTFaxDecode G4, Flate with PNG predictors, a
                 16-colour palette, an image mask drawn flipped in a form, JBIG2Decode);
                 and bombs: headers claiming 100,000 x 100,000 pixels or a CCITT image of
                 65,535 x 65,535 with a few bytes of data. Needs Pillow (`pip install
                 pillow`); without it the image seeds are skipped with a warning
- sniff_extract: all of the above, and a sealed archive
- xml_read:      golden/*/expected.xml
- verify:        archives sealed here with `gongkai seal` (a tiny one, one holding three
                 golden reports, and a second year chained to the first with --prev), and
                 the tiny one written again with ZIP64 records where a seal writes none
                 (extra fields in the local headers, in the central directory, the ZIP64
                 end records; a seal writes them only past 4 GiB or 65,534 entries, too
                 large for a seed)
- verify_tags:   operation lists (see the target): each tag file replaced by each size
                 class of `#`, the issue-11 attacks (a manifest padded past the read limit
                 and retagged, CR LF line ends and retagged, 65 MiB of `#` in every tag
                 file) — a few bytes each; the target makes the large contents itself
"""
import io
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
GOLDEN = ROOT / "golden"
CORPUS = FUZZ / "corpus"


def put(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def golden_inputs(*exts):
    for case in sorted(GOLDEN.iterdir()):
        for ext in exts:
            p = case / f"input.{ext}"
            if p.exists():
                yield case.name, p


def pdf(objects):
    """A PDF with a correct cross-reference table from a list of object bodies (bytes);
    object 1 is the catalog."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def tiny_pdfs():
    # Identity-H with a ToUnicode map: glyph ids 1..6 are the characters below.
    chars = "政府信息公开年"
    bfchar = b"".join(
        b"<%04x> <%04x>\n" % (i + 1, ord(c)) for i, c in enumerate(chars)
    )
    tounicode = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        + b"%d beginbfchar\n" % len(chars)
        + bfchar
        + b"endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n"
    )
    content = (
        b"BT /F1 12 Tf 72 720 Td <0001000200030004> Tj 0 -20 Td <00050006> Tj "
        b"(2020) Tj ET\n"
        b"q 0.5 w 72 600 200 40 re S 172 600 m 172 640 l S Q\n"
        b"BT /F1 10 Tf 80 620 Td <00010002> Tj 100 0 Td (12) Tj ET\n"
    )
    cid = pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
            b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
            stream(content),
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            b"/DW 1000 /W [1 [500 500]] >>",
            stream(tounicode),
        ]
    )
    simple = pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 4 0 R >> /XObject << /X1 6 0 R >> >> "
            b"/Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            stream(b"BT /F1 12 Tf 72 720 Td (Annual report 2020) Tj T* [(1)-200(2)] TJ ET "
                   b"q 1 0 0 1 10 10 cm /X1 Do Q"),
            stream(b"BT /F1 9 Tf 0 0 Td (form) Tj ET 0 0 50 50 re f",
                   b"/Type /XObject /Subtype /Form /BBox [0 0 100 100] "),
        ]
    )
    return {"tiny-cid.pdf": cid, "tiny-form.pdf": simple}


def tiny_zip(entries):
    tmp = tempfile.NamedTemporaryFile(delete=False)
    tmp.close()
    with zipfile.ZipFile(tmp.name, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.compress_type = method
            z.writestr(info, data)
    data = Path(tmp.name).read_bytes()
    Path(tmp.name).unlink()
    return data


def tiny_office():
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    docx_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {w}><w:body>'
        "<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>"
        "<w:r><w:t>本年新收政府信息公开申请数量</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>"
        "<w:p><w:r><w:t>行政复议</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>1</w:t>"
        "</w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>3</w:t>"
        "</w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"
    )
    numbering = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:numbering {w}>'
        '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )
    docx = tiny_zip(
        [
            ("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
            ("word/document.xml", docx_xml),
            ("word/numbering.xml", numbering),
        ]
    )
    odt_xml = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">'
        "<office:body><office:text><text:h>一、总体情况</text:h>"
        "<text:p>正文<text:s text:c=\"3\"/>内容<text:span>加粗</text:span></text:p>"
        "<table:table><table:table-row><table:table-cell table:number-columns-spanned=\"2\">"
        "<text:p>行政诉讼</text:p></table:table-cell><table:covered-table-cell/>"
        "</table:table-row><table:table-row><table:table-cell><text:p>4</text:p>"
        "</table:table-cell><table:table-cell><text:p>5</text:p></table:table-cell>"
        "</table:table-row></table:table></office:text></office:body>"
        "</office:document-content>"
    )
    odt = tiny_zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", odt_xml),
        ]
    )
    return {"tiny.docx": docx, "tiny.odt": odt}


def unpacked(package):
    """The docx target's other form: the main part, then numbering and styles, NUL-separated."""
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        names = set(z.namelist())
        if "content.xml" in names:
            return z.read("content.xml")
        parts = ["word/document.xml", "word/numbering.xml", "word/styles.xml"]
        return b"\0".join(z.read(p) if p in names else b"" for p in parts)


def ofd_parts(package):
    """The ofd target's other form: page 1's content, the template's, PublicRes.xml."""
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as z:
            names = set(z.namelist())
            parts = ["Doc_0/Pages/Page_0/Content.xml", "Doc_0/Tpls/Tpl_0/Content.xml",
                     "Doc_0/PublicRes.xml"]
            if parts[0] not in names:
                return None
            return b"\0".join(z.read(p) if p in names else b"" for p in parts)
    except zipfile.BadZipFile:
        return None


def gongkai():
    exe = ROOT / "target" / "release" / "gongkai"
    if not exe.exists():
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    return exe


def archives():
    exe = gongkai()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tiny = tmp / "tiny"
        tiny.mkdir()
        (tiny / "a.txt").write_text("一、总体情况\n本年度公开信息。\n", encoding="utf-8")
        (tiny / "b.bin").write_bytes(bytes([0, 159, 146, 150]))
        three = tmp / "three"
        (three / "sub").mkdir(parents=True)
        shutil.copy(GOLDEN / "chibi-2020-excerpt" / "input.txt", three / "chibi.txt")
        shutil.copy(GOLDEN / "synthetic-2024-pipe-rows" / "input.txt", three / "sub" / "rows.txt")
        shutil.copy(GOLDEN / "not-a-report" / "input.txt", three / "not.txt")

        def seal(src, name, year, prev=None):
            dest = tmp / name
            args = [str(exe), "seal", "--year", str(year), str(src), "-o", str(dest)]
            if prev:
                args += ["--prev", str(prev)]
            subprocess.run(args, check=True, capture_output=True)
            out[name] = dest.read_bytes()
            return dest

        seal(tiny, "tiny-2020.zip", 2020)
        first = seal(three, "three-2020.zip", 2020)
        seal(tiny, "chained-2021.zip", 2021, prev=first)
    return out


def zip64_variant(archive, local=False, central=False, end=False):
    """The archive's entries written again with ZIP64 records: sizes (and the central
    record's offset) in ZIP64 extra fields, the ZIP64 end record and locator."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        entries = [(i.filename.encode(), z.read(i)) for i in z.infolist()]
    full32, date = 0xFFFFFFFF, (1 << 5) | 1
    out, directory = bytearray(), bytearray()
    for name, data in entries:
        crc, size, at = zlib.crc32(data), len(data), len(out)
        extra = struct.pack("<HHQQ", 1, 16, size, size) if local else b""
        field = full32 if local else size
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if local else 20, 0x800, 0, 0,
                           date, crc, field, field, len(name), len(extra)) + name + extra + data
        extra = struct.pack("<HHQQQ", 1, 24, size, size, at) if central else b""
        version = 45 if central else 20
        field, offset = (full32, full32) if central else (size, at)
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0300 | version, version,
                                 0x800, 0, 0, date, crc, field, field, len(name), len(extra),
                                 0, 0, 0, 0o100644 << 16, offset) + name + extra
    cd_at, n = len(out), len(entries)
    out += directory
    if end:
        record_at = len(out)
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x032D, 45, 0, 0, n, n,
                           len(directory), cd_at)
        out += struct.pack("<IIQI", 0x07064B50, 0, record_at, 1)
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, full32, full32, 0)
    else:
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(directory), cd_at, 0)
    return bytes(out)


def tag_operations():
    """Seeds of verify_tags: (operation, entry, arguments…) bytes, as the target reads them.
    Entry byte 4k+1 picks tag file k of bag::TAG_FILES (bag-info, bagit, manifest, seal,
    tagmanifest); operation 0 replaces it by size class c of pattern p, 4 makes its line
    ends CR LF, 5 rewrites the tag manifest to match."""
    replace, to_crlf, retag = 0, 4, 5
    ops = {"nothing": b""}
    # One class byte of each size class (see size_class in the target).
    classes = {"empty": 0, "one": 32, "less1": 64, "more1": 96, "same": 128, "4k": 160,
               "64k-1": 180, "64k": 200, "64k+1": 220,
               "64m-1": 240, "64m": 244, "64m+1": 248, "65mib": 252}
    for k in range(5):
        for c, b in classes.items():
            ops[f"tag{k}-{c}-hash"] = bytes([replace, 4 * k + 1, b, 1])
    ops["manifest-over-limit-retagged"] = bytes([replace, 9, 248, 0, retag, 1])
    ops["manifest-crlf-retagged"] = bytes([to_crlf, 9, retag, 1])
    ops["every-tag-65mib-hash"] = b"".join(bytes([replace, 4 * k + 1, 252, 1]) for k in range(5))
    ops["every-tag-but-bagit-65mib-hash"] = b"".join(
        bytes([replace, 4 * k + 1, 252, 1]) for k in [0, 2, 3, 4])
    return ops


SCANS = ROOT / "tests" / "data" / "scans"


def image_pdf(image_dict, data, flip=False, form=False):
    """A one-page PDF that draws one image XObject across a 240 x 100 point box, either
    directly or (form) inside a form XObject; flip draws it upside down."""
    place = b"240 0 0 -100 20 120 cm" if flip else b"240 0 0 100 20 20 cm"
    image = stream(data, b"/Type /XObject /Subtype /Image " + image_dict + b" ")
    if form:
        return pdf([
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 280 140] "
            b"/Resources << /XObject << /F1 5 0 R >> >> /Contents 4 0 R >>",
            stream(b"q /F1 Do Q"),
            stream(b"q " + place + b" /Im1 Do Q",
                   b"/Type /XObject /Subtype /Form /BBox [0 0 280 140] "
                   b"/Resources << /XObject << /Im1 6 0 R >> >> "),
            image,
        ])
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 280 140] "
        b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
        stream(b"q " + place + b" /Im1 Do Q"),
        image,
    ])


def png_rows(rows, bpp):
    """Rows of bytes PNG-filtered (Sub on even rows, Up on odd ones) as predictor 15 wants."""
    out, prev = bytearray(), bytes(len(rows[0]))
    for i, row in enumerate(rows):
        if i % 2 == 0:
            out += b"\x01" + bytes((row[j] - (row[j - bpp] if j >= bpp else 0)) & 255
                                   for j in range(len(row)))
        else:
            out += b"\x02" + bytes((row[j] - prev[j]) & 255 for j in range(len(row)))
        prev = row
    return bytes(out)


def image_seeds():
    try:
        from PIL import Image
    except ImportError:
        print("warning: no Pillow (pip install pillow): the image seeds were not made",
              file=sys.stderr)
        return {}

    def encoded(im, fmt, **kw):
        buf = io.BytesIO()
        im.save(buf, fmt, **kw)
        return buf.getvalue()

    def shrunk(im, box, width=240):
        # Box-averaged then thresholded, so that one-pixel rulings stay black.
        part = im.convert("L").crop(box)
        part = part.resize((width, round(width * part.height / part.width)), Image.BOX)
        return part.point(lambda v: 0 if v < 215 else 255)

    t3 = shrunk(Image.open(SCANS / "hongze-2023-t3.png"), (0, 0, 927, 400))
    seal_rgb = Image.open(SCANS / "synthetic-2024-t3-seal.jpg").crop((0, 0, 986, 420))
    seal_rgb = seal_rgb.resize((160, round(160 * 420 / 986)), Image.BOX)
    with Image.open(SCANS / "hongze-2023-g4.tif") as tif:
        tif.seek(2)
        g4_page = shrunk(tif, (150, 150, 2330, 1100)).convert("1")
    out = {
        "t3-gray.png": encoded(t3, "PNG", dpi=(60, 60)),
        "t3-1bit.png": encoded(t3.convert("1"), "PNG"),
        "t3-palette.png": encoded(t3.convert("P"), "PNG"),
        "seal-rgb.png": encoded(seal_rgb, "PNG"),
        "t3-16bit.png": encoded(t3.convert("I;16"), "PNG"),
        "t3-gray.jpg": encoded(t3, "JPEG", quality=40, dpi=(60, 60)),
        "seal-rgb.jpg": encoded(seal_rgb, "JPEG", quality=40),
        "seal-progressive.jpg": encoded(seal_rgb, "JPEG", quality=40, progressive=True),
        "seal-cmyk.jpg": encoded(seal_rgb.convert("CMYK"), "JPEG", quality=40),
        "g4.tif": encoded(g4_page, "TIFF", compression="group4", dpi=(75, 75)),
        "g4-min-is-black.tif": encoded(g4_page, "TIFF", compression="group4",
                                       tiffinfo={262: 1}),
        "g4-two-pages.tif": encoded(g4_page, "TIFF", compression="group4", save_all=True,
                                    append_images=[t3.convert("1")]),
        "t3-lzw.tif": encoded(t3, "TIFF", compression="tiff_lzw"),
        "seal-packbits.tif": encoded(seal_rgb, "TIFF", compression="packbits"),
    }
    # The PDFs' images are these same pixels.
    size = b"/Width %d /Height %d " % t3.size
    with Image.open(io.BytesIO(out["g4.tif"])) as g4:
        # One strip (Pillow writes one for an image this small): the raw G4 data.
        at, length = g4.tag_v2[273][0], g4.tag_v2[279][0]
        g4_data = out["g4.tif"][at:at + length]
        g4_size = b"/Width %d /Height %d " % g4.size
    out["dct.pdf"] = image_pdf(b"/Width %d /Height %d " % seal_rgb.size +
                               b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode",
                               out["seal-rgb.jpg"])
    out["dct-gray-flipped.pdf"] = image_pdf(size + b"/ColorSpace /DeviceGray "
                                            b"/BitsPerComponent 8 /Filter /DCTDecode",
                                            out["t3-gray.jpg"], flip=True)
    out["ccitt-g4.pdf"] = image_pdf(
        g4_size + b"/ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode "
        b"/DecodeParms << /K -1 /Columns %d /Rows %d /BlackIs1 false >>" % g4_page.size, g4_data)
    rows = [t3.tobytes()[y * t3.width:(y + 1) * t3.width] for y in range(t3.height)]
    out["flate-predictor.pdf"] = image_pdf(
        size + b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
        b"/DecodeParms << /Predictor 15 /Colors 1 /BitsPerComponent 8 /Columns %d >>" % t3.width,
        zlib.compress(png_rows(rows, 1), 9))
    sixteen = t3.quantize(16)
    palette = bytes(sixteen.getpalette()[:48])
    nibbles = sixteen.tobytes()
    packed = b"".join(
        bytes((nibbles[y * t3.width + x] << 4) | (nibbles[y * t3.width + x + 1]
              if x + 1 < t3.width else 0) for x in range(0, t3.width, 2))
        for y in range(t3.height))
    out["flate-indexed.pdf"] = image_pdf(
        size + b"/ColorSpace [/Indexed /DeviceRGB 15 <" + palette.hex().encode() + b">] "
        b"/BitsPerComponent 4 /Filter /FlateDecode", zlib.compress(packed, 9))
    out["mask-in-form.pdf"] = image_pdf(
        size + b"/ImageMask true /Decode [1 0] /Filter /FlateDecode",
        zlib.compress(t3.convert("1").tobytes(), 9), flip=True, form=True)
    out["jbig2.pdf"] = image_pdf(size + b"/ColorSpace /DeviceGray /BitsPerComponent 1 "
                                 b"/Filter /JBIG2Decode", b"\x00" * 16)
    # Bombs: each claims a plane of ten billion pixels (or 4.3 billion) in a few bytes.
    huge = 100_000
    ihdr = b"IHDR" + struct.pack(">IIBBBBB", huge, huge, 8, 0, 0, 0, 0)
    idat = b"IDAT" + zlib.compress(b"\x00" * 1000)
    out["bomb.png"] = (b"\x89PNG\r\n\x1a\n"
                       + b"".join(struct.pack(">I", len(c) - 4) + c
                                  + struct.pack(">I", zlib.crc32(c)) for c in [ihdr, idat])
                       + b"\x00\x00\x00\x00IEND\xaeB`\x82")
    sof = out["t3-gray.jpg"].find(b"\xff\xc0")
    jpeg = bytearray(out["t3-gray.jpg"])
    jpeg[sof + 5:sof + 9] = struct.pack(">HH", 65535, 65535)
    out["bomb.jpg"] = bytes(jpeg)
    tiff = bytearray(out["g4.tif"])
    for tag, value in [(256, huge), (257, huge)]:
        # Entries are 12 bytes after the 2-byte count at the offset in bytes 4..8.
        ifd = struct.unpack("<I", tiff[4:8])[0]
        for i in range(struct.unpack("<H", tiff[ifd:ifd + 2])[0]):
            e = ifd + 2 + 12 * i
            if struct.unpack("<H", tiff[e:e + 2])[0] == tag:
                tiff[e + 2:e + 12] = struct.pack("<HII", 4, 1, value)
    out["bomb.tif"] = bytes(tiff)
    out["bomb-flate.pdf"] = image_pdf(b"/Width 10000 /Height 10000 /ColorSpace /DeviceGray "
                                      b"/BitsPerComponent 8 /Filter /FlateDecode",
                                      zlib.compress(b"\x00" * 1000))
    out["bomb-ccitt.pdf"] = image_pdf(
        b"/Width 65535 /Height 65535 /ColorSpace /DeviceGray /BitsPerComponent 1 "
        b"/Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 65535 /Rows 65535 >>",
        g4_data[:64])
    out["bomb-dct.pdf"] = image_pdf(b"/Width 9000 /Height 9000 /ColorSpace /DeviceGray "
                                    b"/BitsPerComponent 8 /Filter /DCTDecode", out["bomb.jpg"])
    return out


def main():
    if "--clean" in sys.argv and CORPUS.exists():
        # Only the seeds: what libFuzzer grew is thrown away.
        shutil.rmtree(CORPUS)
    everything = {}
    for target, exts in [
        ("text", ["txt", "md"]),
        ("html", ["html"]),
        ("pdf", ["pdf"]),
        ("docx", ["docx", "odt"]),
    ]:
        for case, p in golden_inputs(*exts):
            name = f"{case}.{p.suffix[1:]}"
            put(target, name, p.read_bytes())
            everything[name] = p.read_bytes()
    for p in sorted((ROOT / "tests" / "data").glob("*.pdf")):
        put("pdf", p.name, p.read_bytes())
        everything[p.name] = p.read_bytes()
    for target, made in [("pdf", tiny_pdfs()), ("docx", tiny_office())]:
        for name, data in made.items():
            put(target, name, data)
            everything[name] = data
    # The docx target also takes the parts' XML unzipped, NUL-separated (see its source).
    for name in [n for n in sorted(everything) if n.endswith((".docx", ".odt"))]:
        put("docx", name + ".xml", unpacked(everything[name]))
    for p in sorted((ROOT / "tests" / "data" / "ofd").glob("*.ofd")):
        put("ofd", p.name, p.read_bytes())
        everything[p.name] = p.read_bytes()
        unpacked_ofd = ofd_parts(p.read_bytes())
        if unpacked_ofd:
            put("ofd", p.name + ".xml", unpacked_ofd)
    for case in sorted(GOLDEN.iterdir()):
        x = case / "expected.xml"
        if x.exists():
            put("xml_read", f"{case.name}.xml", x.read_bytes())
    for name, data in archives().items():
        put("verify", name, data)
        everything[name] = data
    tiny = everything["tiny-2020.zip"]
    for name, kind in [("local", {"local": True}), ("central", {"central": True}),
                       ("end", {"end": True}),
                       ("all", {"local": True, "central": True, "end": True})]:
        put("verify", f"tiny-2020-zip64-{name}.zip", zip64_variant(tiny, **kind))
    for name, data in image_seeds().items():
        put("image", name, data)
        everything["image-" + name] = data
    for name, data in everything.items():
        put("sniff_extract", name, data)
    for name, data in tag_operations().items():
        put("verify_tags", name, data)
    for d in sorted(CORPUS.iterdir()):
        files = list(d.iterdir())
        size = sum(f.stat().st_size for f in files)
        print(f"{d.name:14} {len(files):3} seeds {size / 1024:8.0f} KiB")


if __name__ == "__main__":
    sys.exit(main())

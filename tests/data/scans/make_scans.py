#!/usr/bin/env python3
"""Makes the scanned-report fixtures of tests/data/scans/ from reports whose truth is known.

Run from the project root with ../shared beside it:

    python3 tests/data/scans/make_scans.py

Sources (each fixture's truth is its source's truth, see README.md beside this script):
  synthetic  golden/synthetic-2024-pdf-gbk/input.pdf   (truth: golden/…/truth.json)
  shanghai   golden/shanghai-2019-pdf-libreoffice/input.pdf, and the corpus HTML 013 for the
             portal page's text
  hongze     ../shared/corpus/001_huaian_hongze_2023.pdf (truth: golden/hongze-2023-layout)

Pages are rendered by pdftoppm; everything after that (crops, rotation, noise, the seal,
the PDF wrappers) is done here with fixed seeds, so a run makes the same bytes again on the
same versions of poppler, Pillow and libtiff.

Needs: poppler-utils (pdftoppm), libtiff-tools (tiffcp), fonts-noto-cjk (the seal's text),
python3 with Pillow and numpy (`pip install pillow numpy`).
"""
import json
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
GOLDEN = ROOT / "golden"
CORPUS = ROOT.parent / "shared" / "corpus"

SYNTHETIC = GOLDEN / "synthetic-2024-pdf-gbk" / "input.pdf"
SHANGHAI = GOLDEN / "shanghai-2019-pdf-libreoffice" / "input.pdf"
HONGZE = CORPUS / "001_huaian_hongze_2023.pdf"
TRUTH = {
    "synthetic": GOLDEN / "synthetic-2024-pdf-gbk" / "truth.json",
    "shanghai": GOLDEN / "shanghai-2019-pdf-libreoffice" / "truth.json",
    "hongze": GOLDEN / "hongze-2023-layout" / "truth.json",
}
SEAL_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


# ---------------------------------------------------------------- rendering and tables
def render(pdf, dpi, tmp, gray=True):
    """The pages of `pdf` as Pillow images (mode L, or RGB with gray=False)."""
    stem = tmp / f"r{dpi}{'g' if gray else 'c'}-{pdf.parent.name}"
    args = ["pdftoppm", "-r", str(dpi), "-png"] + (["-gray"] if gray else []) + [str(pdf), str(stem)]
    subprocess.run(args, check=True)
    pages = sorted(tmp.glob(stem.name + "-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [Image.open(p).convert("L" if gray else "RGB") for p in pages]


def table_pieces(img, dpi):
    """Boxes (x0, y0, x1, y1) of the ruled tables on a page, top to bottom: the row spans
    covered by vertical rulings at least 0.3 inch long (text strokes are shorter), and the
    columns those rulings stand in."""
    dark = np.asarray(img.convert("L")) < 200
    height = dark.shape[0]
    run = int(dpi * 0.3)
    cs = np.vstack([np.zeros((1, dark.shape[1]), np.int64), np.cumsum(dark, axis=0, dtype=np.int64)])
    ruling = (cs[run:] - cs[:-run]) == run  # ruling[y, x]: rows y .. y+run-1 all dark
    starts = np.zeros(height + 1, np.int64)
    starts[1:ruling.shape[0] + 1] = np.cumsum(ruling.any(axis=1))
    starts[ruling.shape[0] + 1:] = starts[ruling.shape[0]]
    ys = np.arange(height)
    covered = (starts[ys + 1] - starts[np.maximum(0, ys - run + 1)]) > 0
    boxes, y = [], 0
    while y < height:
        if covered[y]:
            y0 = y
            while y < height and covered[y]:
                y += 1
            cols = np.where(ruling[y0:min(y, ruling.shape[0])].any(axis=0))[0]
            boxes.append((int(cols.min()), y0, int(cols.max()) + 1, y))
        y += 1
    return boxes


def stitch(pages, dpi, parts, pad):
    """One image of a table that runs across pages: `parts` are (page index, piece index)
    into table_pieces, stacked top to bottom with `pad` pixels of margin."""
    crops = []
    for page, piece in parts:
        x0, y0, x1, y1 = table_pieces(pages[page], dpi)[piece]
        crops.append(pages[page].crop((x0 - pad, y0 - pad, x1 + pad, y1 + pad)))
    width = max(c.width for c in crops)
    out = Image.new(crops[0].mode, (width, sum(c.height for c in crops)), 255 if crops[0].mode == "L" else (255,) * 3)
    y = 0
    for c in crops:
        out.paste(c, (0, y))
        y += c.height
    return out


def expect_pieces(pages, dpi, counts, name):
    found = [len(table_pieces(p, dpi)) for p in pages]
    if found != counts:
        sys.exit(f"{name}: table pieces per page {found}, expected {counts}: the source changed")


# ---------------------------------------------------------------- degradations
def noisy(img, seed, sigma, specks):
    """Gaussian noise of `sigma` gray levels and `specks` dark 2×2 dots per megapixel."""
    rng = np.random.default_rng(seed)
    a = np.asarray(img, dtype=np.float64)
    a = a + rng.normal(0.0, sigma, a.shape)
    n = int(specks * a.shape[0] * a.shape[1] / 1e6)
    ys = rng.integers(0, a.shape[0] - 2, n)
    xs = rng.integers(0, a.shape[1] - 2, n)
    for dy in (0, 1):
        for dx in (0, 1):
            a[ys + dy, xs + dx] = 20
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def posterise(img, levels):
    step = 255 / (levels - 1)
    a = np.round(np.asarray(img, dtype=np.float64) / step) * step
    return Image.fromarray(a.astype(np.uint8), "L")


def bilevel(img, seed=None, specks=0):
    """Thresholded at 160 (keeps thin gray rulings), with optional black specks."""
    a = np.asarray(img.convert("L")) < 160
    if specks:
        rng = np.random.default_rng(seed)
        n = int(specks * a.shape[0] * a.shape[1] / 1e6)
        ys = rng.integers(0, a.shape[0] - 3, n)
        xs = rng.integers(0, a.shape[1] - 3, n)
        size = rng.integers(1, 4, n)
        for y, x, s in zip(ys, xs, size):
            a[y:y + s, x:x + s] = True
    return Image.fromarray(np.where(a, 0, 255).astype(np.uint8), "L").convert("1", dither=Image.Dither.NONE)


def seal(img, centre, radius):
    """A red round seal multiplied over the image, as stamp ink lies over print."""
    layer = Image.new("RGB", img.size, (255, 255, 255))
    d = ImageDraw.Draw(layer)
    cx, cy = centre
    red = (214, 40, 40)
    for w in range(int(radius * 0.06)):
        d.ellipse((cx - radius + w, cy - radius + w, cx + radius - w, cy + radius - w), outline=red)
    star = []
    for k in range(10):
        r = radius * (0.28 if k % 2 == 0 else 0.11)
        a = np.pi / 2 + k * np.pi / 5
        star.append((cx + r * np.cos(a), cy - r * np.sin(a)))
    d.polygon(star, fill=red)
    font = ImageFont.truetype(str(SEAL_FONT), int(radius * 0.22))
    text = "政务公开专用章"
    w = d.textlength(text, font=font)
    d.text((cx - w / 2, cy + radius * 0.35), text, fill=red, font=font)
    a = np.asarray(img.convert("RGB"), dtype=np.uint16) * np.asarray(layer, dtype=np.uint16) // 255
    return Image.fromarray(a.astype(np.uint8), "RGB")


# ---------------------------------------------------------------- encoders
def jpeg_bytes(img, quality):
    import io
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, optimize=False, progressive=False, subsampling=0)
    return buf.getvalue()


def min_is_white_tiff(img, path, dpi):
    """An uncompressed one-strip bilevel TIFF with PhotometricInterpretation 0 (ink is 1), as
    fax and scanner TIFFs are; Pillow would write 1 (ink is 0), which G4 then codes as white."""
    import struct
    ink = np.asarray(img.convert("L")) < 128
    data = np.packbits(ink, axis=1).tobytes()
    w, h = img.size
    tags = [(256, 4, w), (257, 4, h), (258, 3, 1), (259, 3, 1), (262, 3, 0), (273, 4, 0), (277, 3, 1),
            (278, 4, h), (279, 4, len(data)), (282, 5, 0), (283, 5, 0), (296, 3, 2)]
    ifd_size = 2 + 12 * len(tags) + 4
    rational_at = 8 + ifd_size
    data_at = rational_at + 8
    out = bytearray(b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(tags)))
    for tag, typ, value in tags:
        if tag == 273:
            value = data_at
        if typ == 5:
            out += struct.pack("<HHII", tag, typ, 1, rational_at)
        elif typ == 3:
            out += struct.pack("<HHIHH", tag, typ, 1, value, 0)
        else:
            out += struct.pack("<HHII", tag, typ, 1, value)
    out += struct.pack("<I", 0)
    out += struct.pack("<II", dpi, 1)
    out += data
    Path(path).write_bytes(bytes(out))


def g4_strip(img, tmp):
    """CCITT Group 4 data of a bilevel image (ink coded black) as one strip (tiffcp -c g4)."""
    plain, g4 = tmp / "plain.tif", tmp / "g4.tif"
    min_is_white_tiff(img, plain, 300)
    subprocess.run(["tiffcp", "-c", "g4", "-r", str(img.height), str(plain), str(g4)], check=True)
    t = Image.open(g4)
    offsets, counts = t.tag_v2[273], t.tag_v2[279]
    if len(offsets) != 1:
        sys.exit("tiffcp wrote more than one strip")
    return g4.read_bytes()[offsets[0]:offsets[0] + counts[0]]


def image_xobject(img, how, tmp):
    """The dictionary entries (without /Length) and the stream of an image XObject. `how`:
    ("dct", quality), "g4" (a bilevel image) or "flate" (8-bit gray)."""
    w, h = img.size
    if isinstance(how, tuple) and how[0] == "dct":
        cs = "/DeviceGray" if img.mode == "L" else "/DeviceRGB"
        return f"/Width {w} /Height {h} /ColorSpace {cs} /BitsPerComponent 8 /Filter /DCTDecode", jpeg_bytes(img, how[1])
    if how == "g4":
        return (f"/Width {w} /Height {h} /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode "
                f"/DecodeParms << /K -1 /Columns {w} /Rows {h} /BlackIs1 false >>"), g4_strip(img, tmp)
    if how == "flate":
        return (f"/Width {w} /Height {h} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
                zlib.compress(img.convert("L").tobytes(), 9))
    raise ValueError(how)


def page_objects(pages, first_id):
    """Numbered objects of `pages`: (width_pt, height_pt, content bytes, font resources or
    None, [(name, image entries, image stream)]), numbered from `first_id`; and the page ids."""
    objs = {}
    next_id = first_id
    kids = []
    for width, height, content, fonts, xobjects in pages:
        names = []
        for name, entries, data in xobjects:
            objs[next_id] = (f"<< /Type /XObject /Subtype /Image {entries} /Length {len(data)} >>\nstream\n".encode()
                             + data + b"\nendstream")
            names.append(f"/{name} {next_id} 0 R")
            next_id += 1
        objs[next_id] = f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream"
        content_id = next_id
        next_id += 1
        res = (f"/XObject << {' '.join(names)} >>" if names else "") + (f" /Font << {fonts} >>" if fonts else "")
        objs[next_id] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:.2f} {height:.2f}] "
                         f"/Resources << {res} >> /Contents {content_id} 0 R >>").encode()
        kids.append(next_id)
        next_id += 1
    return objs, kids


def save_pdf(path, objs, kids):
    """Objects 1 (catalog) and 2 (page tree) are written here."""
    objs = dict(objs)
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for i in sorted(objs):
        offsets[i] = len(out)
        out += b"%d 0 obj\n" % i + objs[i] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for i in range(1, size):
        out += (b"%010d 00000 n \n" % offsets[i]) if i in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    Path(path).write_bytes(bytes(out))


def image_only_pdf(path, images, dpi, how, tmp):
    """Each page one image filling it, the page as large as the image at `dpi`."""
    pages = []
    for img in images:
        w, h = img.width * 72.0 / dpi, img.height * 72.0 / dpi
        entries, data = image_xobject(img, how, tmp)
        content = f"q {w:.2f} 0 0 {h:.2f} 0 0 cm /Im0 Do Q".encode()
        pages.append((w, h, content, None, [("Im0", entries, data)]))
    objs, kids = page_objects(pages, 3)
    save_pdf(path, objs, kids)


# ---------------------------------------------------------------- truth
def truth(source, fixture, note, tables=None):
    t = json.loads(TRUTH[source].read_text(encoding="utf-8"))
    t["file"] = fixture
    if tables:
        t["cells"] = {k: v for k, v in t["cells"].items() if k.split("|", 1)[0] in tables}
        t["partial"] = True
    t["notes"] = note + " Source truth: " + t["notes"]
    name = fixture.split("/")[0] if "/" in fixture else Path(fixture).stem
    (HERE / f"{name}.truth.json").write_text(json.dumps(t, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- fixtures
def synthetic_fixtures(tmp):
    pages = render(SYNTHETIC, 200, tmp)
    expect_pieces(pages, 200, [1, 2, 2], "synthetic")
    image_only_pdf(HERE / "synthetic-2024-dct.pdf", pages, 200, ("dct", 60), tmp)
    truth("synthetic", "synthetic-2024-dct.pdf",
          "golden/synthetic-2024-pdf-gbk rendered at 200 dpi gray; each page one DCTDecode JPEG (q60).")

    colour = render(SYNTHETIC, 150, tmp, gray=False)
    t3 = stitch(colour, 150, [(1, 1), (2, 0)], pad=6)
    # The seal sits over the 总计 column of the first result rows: digits under red ink.
    sealed = seal(t3, (int(t3.width * 0.86), int(t3.height * 0.30)), int(150 * 0.8))
    (HERE / "synthetic-2024-t3-seal.jpg").write_bytes(jpeg_bytes(sealed, 70))
    truth("synthetic", "synthetic-2024-t3-seal.jpg",
          "Table t3 of golden/synthetic-2024-pdf-gbk at 150 dpi colour, its two pages' parts stacked into one "
          "image, a red seal stamped over the 总计 column, JPEG q70. Only t3's cells.", tables=["t3"])

    text_with_table_images(tmp)
    phone_photo(tmp)


def perspective_coefficients(quad, size):
    """Pillow's PERSPECTIVE data mapping the output pixel (x, y) to the input one, for the
    input rectangle of `size` drawn onto the output quadrilateral `quad` (TL, TR, BR, BL)."""
    w, h = size
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    rows, rhs = [], []
    for (X, Y), (x, y) in zip(quad, src):
        rows.append([X, Y, 1, 0, 0, 0, -x * X, -x * Y])
        rows.append([0, 0, 0, X, Y, 1, -y * X, -y * Y])
        rhs += [x, y]
    return tuple(np.linalg.solve(np.array(rows, float), np.array(rhs, float)))


def phone_photo(tmp):
    """Table t3 printed on an A4 sheet, photographed at an angle on a dark desk: the sheet a
    trapezoid a few degrees out of square, lit unevenly (brighter at the top left, a
    vignette), slightly blurred, a colour JPEG as a phone writes it."""
    dpi = 200
    pages = render(SYNTHETIC, dpi, tmp)
    t3 = stitch(pages, dpi, [(1, 1), (2, 0)], pad=6)
    # An A4 sheet (210 × 297 mm), the table centred on it.
    sheet = Image.new("L", (round(dpi * 210 / 25.4), round(dpi * 297 / 25.4)), 255)
    if t3.width > sheet.width or t3.height > sheet.height:
        sys.exit("t3 does not fit on an A4 sheet")
    sheet.paste(t3, ((sheet.width - t3.width) // 2, (sheet.height - t3.height) // 2))
    w, h = sheet.size
    border = dpi // 2
    # The top edge further from the lens (shorter), the sheet turned about a degree.
    quad = [(border + 70, border + 40), (border + w - 40, border + 10),
            (border + w + 10, border + h - 5), (border - 25, border + h + 20)]
    canvas = (w + 2 * border, h + 2 * border)
    coeffs = perspective_coefficients(quad, (w, h))
    warped = sheet.transform(canvas, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=0)
    mask = Image.new("L", (w, h), 255).transform(canvas, Image.Transform.PERSPECTIVE, coeffs,
                                                 Image.Resampling.BILINEAR, fillcolor=0)
    rng = np.random.default_rng(1414)
    m = np.asarray(mask, dtype=np.float64) / 255
    desk = 65 + rng.normal(0.0, 4.0, m.shape)
    a = np.asarray(warped, dtype=np.float64) * m + desk * (1 - m)
    ys, xs = np.mgrid[0:canvas[1], 0:canvas[0]].astype(np.float64)
    ys /= canvas[1]
    xs /= canvas[0]
    gradient = 1.0 - 0.30 * (0.6 * ys + 0.4 * xs)
    vignette = 1.0 - 0.25 * ((xs - 0.5) ** 2 + (ys - 0.5) ** 2) / 0.5
    a = a * gradient * vignette + rng.normal(0.0, 2.0, a.shape)
    gray = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L").filter(ImageFilter.GaussianBlur(0.8))
    tint = np.asarray(gray, dtype=np.float64)[..., None] * np.array([1.0, 0.96, 0.88])
    photo = Image.fromarray(np.clip(tint, 0, 255).astype(np.uint8), "RGB")
    import io
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=80, optimize=False, progressive=False, subsampling=0, dpi=(dpi, dpi))
    (HERE / "synthetic-2024-t3-photo.jpg").write_bytes(buf.getvalue())
    truth("synthetic", "synthetic-2024-t3-photo.jpg",
          "Table t3 of golden/synthetic-2024-pdf-gbk at 200 dpi, its two pages' parts stacked on one A4 sheet, "
          "photographed at an angle on a dark desk: the sheet a trapezoid (top edge shorter, about a degree "
          "turned), light falling off by a third towards the bottom right with a vignette, gaussian blur 0.8 px, "
          "noise, a warm tint; colour JPEG q80 stating 200 dpi. Only t3's cells.", tables=["t3"])


def text_with_table_images(tmp):
    """The synthetic report as a text PDF (GBK font, as golden/synthetic-2024-pdf-gbk) whose
    tables are pasted in as 150-dpi gray images cut from that PDF's own rendering."""
    sys.path.insert(0, str(GOLDEN))
    import make_pdf_fixtures as mpf  # noqa: E402

    raw = mpf.RawBackend("gbk")
    mpf.draw_report(raw)
    dpi = 150
    rendered = render(SYNTHETIC, dpi, tmp)
    pages = []
    for p in sorted(raw.pages):
        content = ["0.6 w"] + raw.ops(raw.pages[p]["prose"], "F1")
        rects = [op for op in raw.pages[p]["table"] if op[0] == "r"]
        xobjects = []
        if rects:
            pad = 3.0
            x0 = min(r[1] for r in rects) - pad
            y0 = min(r[2] for r in rects) - pad
            x1 = max(r[3] for r in rects) + pad
            y1 = max(r[4] for r in rects) + pad
            k = dpi / 72.0
            crop = rendered[p - 1].crop((round(x0 * k), round(y0 * k), round(x1 * k), round(y1 * k)))
            entries, data = image_xobject(crop, "flate", tmp)
            xobjects.append(("Tb", entries, data))
            content.append(f"q {x1 - x0:.2f} 0 0 {y1 - y0:.2f} {x0:.2f} {mpf.PAGE_H - y1:.2f} cm /Tb Do Q")
        pages.append((mpf.PAGE_W, mpf.PAGE_H, "\n".join(content).encode(), "/F1 3 0 R", xobjects))
    # Objects 3 and 4: the GBK-EUC-H font of make_pdf_fixtures.RawBackend.
    objs, kids = page_objects(pages, 5)
    objs[3] = b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-GBK-EUC-H /Encoding /GBK-EUC-H /DescendantFonts [4 0 R] >>"
    objs[4] = (b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
               b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
               b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
               b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> /DW 1000 /W [1 95 500 814 939 500 7716 [500]] >>")
    save_pdf(HERE / "synthetic-2024-table-images.pdf", objs, kids)
    truth("synthetic", "synthetic-2024-table-images.pdf",
          "golden/synthetic-2024-pdf-gbk redrawn with its prose as text (GBK-EUC-H, no ToUnicode) and each page's "
          "table part pasted in as one 150-dpi gray Flate image cut from that PDF's rendering.")


def shanghai_fixtures(tmp):
    pages = render(SHANGHAI, 300, tmp)
    expect_pieces(pages, 300, [0, 0, 1, 2, 1, 1], "shanghai")
    specked = [bilevel(p, seed=14 + i, specks=30) for i, p in enumerate(pages)]
    image_only_pdf(HERE / "shanghai-2019-g4.pdf", specked, 300, "g4", tmp)
    truth("shanghai", "shanghai-2019-g4.pdf",
          "golden/shanghai-2019-pdf-libreoffice (A3 landscape) rendered at 300 dpi, thresholded to bilevel with "
          "black specks; each page one CCITTFaxDecode G4 image (K -1).")

    portal(tmp)


def portal(tmp):
    """The corpus HTML 013 saved as a portal page whose three tables are screenshots."""
    dpi = 120
    pages = render(SHANGHAI, dpi, tmp)
    expect_pieces(pages, dpi, [0, 0, 1, 2, 1, 1], "shanghai (portal)")
    tables = [stitch(pages, dpi, [(2, 0), (3, 0)], pad=8),
              stitch(pages, dpi, [(3, 1), (4, 0)], pad=8),
              stitch(pages, dpi, [(5, 0)], pad=8)]
    d = HERE / "shanghai-2019-portal"
    if d.exists():
        shutil.rmtree(d)
    files = d / "page_files"
    files.mkdir(parents=True)
    # Three PNG colour types, as screenshots come: RGB, gray, a 16-colour palette.
    tables[0].convert("RGB").save(files / "table-1.png", optimize=True)
    tables[1].save(files / "table-2.png", optimize=True)
    tables[2].convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(files / "table-3.png", optimize=True)
    import re
    body = (CORPUS / "013_shanghai_govoffice_2019_cms-body.html").read_text(encoding="utf-8")
    parts = re.split(r"(<table.*?</table>)", body, flags=re.S)
    out, n = [], 0
    for part in parts:
        if part.startswith("<table"):
            n += 1
            out.append(f'<p style="text-align:center"><img src="page_files/table-{n}.png" '
                       f'alt="表{n}" width="{tables[n - 1].width}"></p>')
        else:
            out.append(part)
    if n != 3:
        sys.exit(f"013 has {n} tables, expected 3")
    # The saved page lost one image: its file was never written.
    out.append('<p style="text-align:center"><img src="page_files/qrcode.png" alt="扫一扫在手机打开当前页"></p>')
    page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<title>2019年上海市人民政府办公厅政府信息公开工作年度报告</title></head><body>\n"
            + "".join(out) + "\n</body></html>\n")
    (d / "page.html").write_text(page, encoding="utf-8")
    truth("shanghai", "shanghai-2019-portal/page.html",
          "The corpus HTML 013 with each of its three <table> elements replaced by an <img> of that table, cut "
          "from golden/shanghai-2019-pdf-libreoffice at 120 dpi (RGB, gray and 16-colour PNG); "
          "page_files/qrcode.png is referred to but missing.")


def hongze_fixtures(tmp):
    pages = render(HONGZE, 150, tmp)
    expect_pieces(pages, 150, [0, 1, 2, 2, 0], "hongze")
    # 16 gray levels, as a scanner's 4-bit mode: half the size of 256 under Flate.
    image_only_pdf(HERE / "hongze-2023-flate.pdf", [posterise(p, 16) for p in pages], 150, "flate", tmp)
    truth("hongze", "hongze-2023-flate.pdf",
          "../shared/corpus/001_huaian_hongze_2023.pdf rendered at 150 dpi gray in 16 levels; each page one FlateDecode image.")

    t3 = stitch(pages, 150, [(2, 1), (3, 0)], pad=6)
    t3.save(HERE / "hongze-2023-t3.png", optimize=True)
    truth("hongze", "hongze-2023-t3.png",
          "Table t3 of ../shared/corpus/001_huaian_hongze_2023.pdf at 150 dpi gray, its two pages' parts stacked "
          "into one PNG. Only t3's cells.", tables=["t3"])

    hi = render(HONGZE, 300, tmp)
    singles = []
    for i, p in enumerate(hi):
        one = tmp / f"hz-page-{i}.tif"
        min_is_white_tiff(bilevel(p), one, 300)
        singles.append(str(one))
    subprocess.run(["tiffcp", "-c", "g4"] + singles + [str(HERE / "hongze-2023-g4.tif")], check=True)
    truth("hongze", "hongze-2023-g4.tif",
          "../shared/corpus/001_huaian_hongze_2023.pdf rendered at 300 dpi, thresholded to bilevel; a five-page "
          "CCITT G4 TIFF.")

    crooked = render(HONGZE, 200, tmp)[1:4]
    turned = [noisy(p.rotate(1.5, resample=Image.Resampling.BICUBIC, fillcolor=255), seed=140 + i, sigma=3, specks=40)
              for i, p in enumerate(crooked)]
    image_only_pdf(HERE / "hongze-2023-rotated.pdf", turned, 200, ("dct", 55), tmp)
    truth("hongze", "hongze-2023-rotated.pdf",
          "Pages 2-4 (all tables) of ../shared/corpus/001_huaian_hongze_2023.pdf at 200 dpi gray, turned 1.5° "
          "anticlockwise, gaussian noise (sigma 3) and dark specks, each page one DCTDecode JPEG (q55). The prose "
          "of pages 1 and 5 is not there; every table cell is.")


def main():
    if not HONGZE.is_file():
        sys.exit(f"{HONGZE} not found: run from the project root with ../shared beside it")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        synthetic_fixtures(tmp)
        shanghai_fixtures(tmp)
        hongze_fixtures(tmp)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Makes the OFD fixtures of tests/data/ofd from golden PDFs whose truth is known.

    python3 -m venv /tmp/ofd-venv
    /tmp/ofd-venv/bin/pip install pdfplumber==0.11.10 ofdkit==0.2.0
    /tmp/ofd-venv/bin/python tests/data/ofd/make_ofd.py          # write the fixtures
    /tmp/ofd-venv/bin/python tests/data/ofd/make_ofd.py --check  # read them back with ofdkit

Run from the project root. Every glyph (its Unicode, origin, advance, baseline, size) and
every ruling comes from pdfplumber's reading of the source PDF, so each fixture's truth is
its source's truth (golden/<case>/truth.json); the glyphs and rulings themselves are written
beside the fixtures as <source>.glyphs.tsv and <source>.rulings.tsv, in points, top-left
origin, for the reader's tests. The OFD structure follows GB/T 33190-2016: namespace
http://www.ofdspec.org/2016, millimetres, OFD.xml -> DocBody/DocRoot -> Doc_0/Document.xml ->
CommonData (PageArea, PublicRes, DocumentRes, TemplatePage) and Pages -> Content.xml layers.

Output is byte for byte the same on every run (fixed zip times and order, no random ids),
given the same pdfplumber and pypdfium2 (the scan's page images are rendered by pypdfium2).
See README.md for the cases.
"""
import base64
import hashlib
import io
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pdfplumber
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
NS = "http://www.ofdspec.org/2016"
MM = 25.4 / 72  # millimetres per point

SOURCES = {
    "shanghai-2019": ROOT / "golden/shanghai-2019-pdf-libreoffice/input.pdf",
    "synthetic-2024": ROOT / "golden/synthetic-2024-pdf-ucs2/input.pdf",
}
# The running head of the synthetic report: drawn from a template page in one fixture and
# through glyph indices without Unicode (CGTransform) in another.
RUNNING_HEAD = "示例区人民政府信息公开专栏"
SEAL_NAME = "示例区人民政府办公室"


def mm(points):
    """A length in points as millimetres, as written in the XML."""
    return num(points * MM)


def num(v):
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


# ---------------------------------------------------------------------------- the source


class Glyph:
    def __init__(self, c, page_height):
        self.text = c["text"]
        self.font = c["fontname"].split("+", 1)[-1]
        self.size = c["size"]
        self.x0 = c["matrix"][4]
        self.x1 = c["x1"]
        self.baseline = page_height - c["matrix"][5]


class Page:
    def __init__(self, p):
        self.width, self.height = p.width, p.height
        self.glyphs = [Glyph(c, p.height) for c in p.chars if c["upright"]]
        assert len(self.glyphs) == len(p.chars), "a glyph that is not upright"
        self.lines = [
            (l["pts"][0][0], l["pts"][0][1], l["pts"][-1][0], l["pts"][-1][1], l["linewidth"])
            for l in p.lines
        ]
        assert not p.rects and not p.curves, "rulings other than lines"


def load(path):
    with pdfplumber.open(path) as pdf:
        return [Page(p) for p in pdf.pages]


def runs(glyphs):
    """Glyphs in drawing order cut into runs: one font and size, one baseline, each glyph
    starting where the one before ends (so every advance inside a run is a glyph's own)."""
    out = []
    for g in glyphs:
        last = out[-1][-1] if out else None
        if (
            last is not None
            and g.font == last.font
            and g.size == last.size
            and abs(g.baseline - last.baseline) < 0.01
            and abs(g.x0 - last.x1) < 0.5
        ):
            out[-1].append(g)
        else:
            out.append([g])
    return out


def write_truth(name, pages):
    glyphs = ["page\ttext\tx0\tx1\tbaseline\tsize\tfont"]
    rulings = ["page\tx0\ty0\tx1\ty1"]
    for n, p in enumerate(pages, 1):
        for g in p.glyphs:
            glyphs.append(f"{n}\t{g.text}\t{g.x0:.3f}\t{g.x1:.3f}\t{g.baseline:.3f}\t{g.size:.3f}\t{g.font}")
        for x0, y0, x1, y1, _ in p.lines:
            rulings.append(f"{n}\t{x0:.3f}\t{y0:.3f}\t{x1:.3f}\t{y1:.3f}")
    (HERE / f"{name}.glyphs.tsv").write_text("\n".join(glyphs) + "\n", encoding="utf-8")
    (HERE / f"{name}.rulings.tsv").write_text("\n".join(rulings) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------- the package


class Ids:
    """Object IDs, unique in the document (CommonData/MaxUnitID is the last one)."""

    def __init__(self):
        self.last = 0

    def next(self):
        self.last += 1
        return self.last


class Fonts:
    def __init__(self, ids):
        self.ids, self.by_name = ids, {}

    def id(self, name):
        if name not in self.by_name:
            self.by_name[name] = self.ids.next()
        return self.by_name[name]

    def xml(self):
        return "".join(
            f'<ofd:Font ID="{i}" FontName={quoteattr(n)} FamilyName={quoteattr(n.split("-")[0])}/>'
            for n, i in self.by_name.items()
        )


def xml_doc(root, body, attrs=""):
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ofd:{root} xmlns:ofd="{NS}"{attrs}>{body}</ofd:{root}>\n'
    ).encode("utf-8")


def deltas(values, g_runs):
    """A DeltaX/DeltaY list; with g_runs, repeated values as `g N v`."""
    words = [num(v * MM) for v in values]
    if not g_runs:
        return " ".join(words)
    out, i = [], 0
    while i < len(words):
        j = i
        while j < len(words) and words[j] == words[i]:
            j += 1
        out.append(f"g {j - i} {words[i]}" if j - i > 1 else words[i])
        i = j
    return " ".join(out)


def text_code(run, x, y, g_runs, cg=None):
    """A TextCode for a run whose first glyph's origin is (x, y) in the object's space."""
    attrs = f'X="{mm(x)}" Y="{mm(y)}"'
    if len(run) > 1:
        attrs += f' DeltaX="{deltas([b.x0 - a.x0 for a, b in zip(run, run[1:])], g_runs)}"'
    text = "".join(g.text for g in run)
    return cg_xml(cg) + f"<ofd:TextCode {attrs}>{escape(text)}</ofd:TextCode>"


def cg_xml(cg):
    """CGTransform elements: (code position, code count, glyph indices)."""
    if not cg:
        return ""
    return "".join(
        f'<ofd:CGTransform CodePosition="{p}" CodeCount="{n}" GlyphCount="{len(gs)}">'
        f'<ofd:Glyphs>{" ".join(map(str, gs))}</ofd:Glyphs></ofd:CGTransform>'
        for p, n, gs in cg
    )


def text_object(ids, fonts, run, *, scale=1.0, shift=(0.0, 0.0), g_runs=False, cg=None, text=None):
    """One run as a TextObject whose Boundary is the run's box. With `scale`, the object's
    space is `scale` times finer (Size, X, Y and DeltaX multiplied by it, CTM dividing by
    it); with `shift` (dx, dy), the Boundary reaches that much further left and up and the
    CTM moves the text right and down by it, back to where it was."""
    first, last = run[0], run[-1]
    size = first.size
    bx, by = first.x0 - shift[0], first.baseline - size - shift[1]
    bw, bh = last.x1 - first.x0 + shift[0], size * 1.2 + shift[1]
    attrs = f'ID="{ids.next()}" Boundary="{mm(bx)} {mm(by)} {mm(bw)} {mm(bh)}"'
    if scale != 1.0 or shift != (0.0, 0.0):
        k = 1 / scale
        attrs += f' CTM="{num(k)} 0 0 {num(k)} {mm(shift[0])} {mm(shift[1])}"'
    attrs += f' Font="{fonts.id(first.font)}" Size="{mm(size * scale)}"'
    scaled = [Scaled(g, scale) for g in run]
    code = text_code(scaled, 0.0, size * scale, g_runs, cg)
    if text is not None:
        code = code.replace(f">{escape(''.join(g.text for g in run))}<", f">{escape(text)}<")
    return f'<ofd:TextObject {attrs}><ofd:FillColor Value="0 0 0"/>{code}</ofd:TextObject>'


class Scaled:
    def __init__(self, g, k):
        self.text, self.x0 = g.text, g.x0 * k


def line_object(ids, lines, *, scale=1.0, shift=(0.0, 0.0)):
    """Straight lines as one stroked PathObject (one `M … L …` subpath each)."""
    lw = lines[0][4]
    xs = [v for l in lines for v in (l[0], l[2])]
    ys = [v for l in lines for v in (l[1], l[3])]
    bx, by = min(xs) - lw / 2 - shift[0], min(ys) - lw / 2 - shift[1]
    bw, bh = max(xs) - min(xs) + lw + shift[0], max(ys) - min(ys) + lw + shift[1]
    ox, oy = min(xs) - lw / 2, min(ys) - lw / 2
    data = " ".join(
        f"M {mm((x0 - ox) * scale)} {mm((y0 - oy) * scale)} L {mm((x1 - ox) * scale)} {mm((y1 - oy) * scale)}"
        for x0, y0, x1, y1, _ in lines
    )
    attrs = f'ID="{ids.next()}" Boundary="{mm(bx)} {mm(by)} {mm(bw)} {mm(bh)}"'
    if scale != 1.0 or shift != (0.0, 0.0):
        k = 1 / scale
        attrs += f' CTM="{num(k)} 0 0 {num(k)} {mm(shift[0])} {mm(shift[1])}"'
    attrs += f' LineWidth="{mm(lw * scale)}"'
    return (
        f'<ofd:PathObject {attrs}><ofd:StrokeColor Value="0 0 0"/>'
        f"<ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>"
    )


def rect_object(ids, rect, lw):
    """A cell's four rulings as one closed, stroked rectangle."""
    x0, y0, x1, y1 = rect
    w, h = x1 - x0, y1 - y0
    return (
        f'<ofd:PathObject ID="{ids.next()}" Boundary="{mm(x0)} {mm(y0)} {mm(w)} {mm(h)}" '
        f'LineWidth="{mm(lw)}"><ofd:StrokeColor Value="0 0 0"/>'
        f"<ofd:AbbreviatedData>M 0 0 L {mm(w)} 0 L {mm(w)} {mm(h)} L 0 {mm(h)} C</ofd:AbbreviatedData>"
        f"</ofd:PathObject>"
    )


def cells(lines):
    """Groups of four lines drawn one after another that ruled one cell (top, bottom,
    left, right) as rectangles; anything else as lines."""
    out, i = [], 0
    while i < len(lines):
        q = lines[i : i + 4]
        if len(q) == 4:
            (a, b, c, d) = q
            ok = (
                a[1] == a[3] and b[1] == b[3] and c[0] == c[2] and d[0] == d[2]
                and a[0] == b[0] == c[0] and a[2] == b[2] == d[0]
                and c[1] == d[1] == a[1] and c[3] == d[3] == b[1]
            )
            if ok:
                out.append(("rect", (a[0], a[1], a[2], b[1]), a[4]))
                i += 4
                continue
        out.append(("line", lines[i]))
        i += 1
    return out


def page_xml(body, template=None, area=None):
    head = f'<ofd:Template TemplateID="{template}" ZOrder="Background"/>' if template else ""
    if area:
        head += f"<ofd:Area><ofd:PhysicalBox>0 0 {mm(area[0])} {mm(area[1])}</ofd:PhysicalBox></ofd:Area>"
    return xml_doc("Page", head + f"<ofd:Content>{body}</ofd:Content>")


def layer(ids, objects):
    return f'<ofd:Layer ID="{ids.next()}" Type="Body">{"".join(objects)}</ofd:Layer>'


class Package:
    """The entries of an OFD zip, written in a fixed order with fixed times."""

    def __init__(self):
        self.entries = []

    def add(self, name, data):
        self.entries.append((name, data))

    def bytes(self):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name, data in self.entries:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, data, compresslevel=9)
        return buf.getvalue()


def ofd_xml(title, doc_root="Doc_0/Document.xml", signatures=None, extra=""):
    info = (
        f"<ofd:DocInfo><ofd:DocID>{hashlib.md5(title.encode()).hexdigest()}</ofd:DocID>"
        f"<ofd:Title>{escape(title)}</ofd:Title><ofd:Creator>gongkai make_ofd.py</ofd:Creator>"
        f"<ofd:CreationDate>2025-01-01</ofd:CreationDate></ofd:DocInfo>"
    )
    body = info + f"<ofd:DocRoot>{doc_root}</ofd:DocRoot>"
    if signatures:
        body += f"<ofd:Signatures>{signatures}</ofd:Signatures>"
    return xml_doc("OFD", f"<ofd:DocBody>{body}</ofd:DocBody>", f' Version="1.0" DocType="OFD"{extra}')


def document_xml(ids, box, page_ids, *, templates=(), document_res=False):
    common = (
        f"<ofd:MaxUnitID>{ids.last}</ofd:MaxUnitID>"
        f"<ofd:PageArea><ofd:PhysicalBox>0 0 {mm(box[0])} {mm(box[1])}</ofd:PhysicalBox></ofd:PageArea>"
        f"<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
    )
    if document_res:
        common += "<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
    for tid, loc in templates:
        common += f'<ofd:TemplatePage ID="{tid}" BaseLoc="{loc}"/>'
    pages = "".join(
        f'<ofd:Page ID="{pid}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n, pid in enumerate(page_ids)
    )
    return xml_doc("Document", f"<ofd:CommonData>{common}</ofd:CommonData><ofd:Pages>{pages}</ofd:Pages>")


def build(title, pages, objects_of_page, *, template_body=None, media=None, signed=False):
    """A whole package: `objects_of_page(ids, fonts, n, page)` gives each page's layers' XML;
    `template_body(ids, fonts)` a template page's; `media` the DocumentRes images
    [(id, file name, bytes)] put up by the caller."""
    ids, pkg = Ids(), Package()
    fonts = Fonts(ids)
    page_ids = [ids.next() for _ in pages]
    templates, tpl_xml = [], None
    if template_body:
        tid = ids.next()
        templates = [(tid, "Tpls/Tpl_0/Content.xml")]
        tpl_xml = xml_doc("Page", f"<ofd:Content>{template_body(ids, fonts)}</ofd:Content>")
    contents = []
    for n, p in enumerate(pages):
        contents.append(objects_of_page(ids, fonts, n, p, templates[0][0] if templates else None))
    box = (pages[0].width, pages[0].height)
    signs = "Doc_0/Signs/Signatures.xml" if signed else None
    pkg.add("OFD.xml", ofd_xml(title, signatures=signs))
    pkg.add("Doc_0/Document.xml", document_xml(ids, box, page_ids, templates=templates, document_res=bool(media)))
    pkg.add("Doc_0/PublicRes.xml", xml_doc("Res", f"<ofd:Fonts>{fonts.xml()}</ofd:Fonts>", ' BaseLoc="Res"'))
    if media:
        mm_xml = "".join(
            f'<ofd:MultiMedia ID="{i}" Type="Image" Format="PNG"><ofd:MediaFile>{f}</ofd:MediaFile></ofd:MultiMedia>'
            for i, f, _ in media
        )
        pkg.add("Doc_0/DocumentRes.xml", xml_doc("Res", f"<ofd:MultiMedias>{mm_xml}</ofd:MultiMedias>", ' BaseLoc="Res"'))
    if tpl_xml:
        pkg.add("Doc_0/Tpls/Tpl_0/Content.xml", tpl_xml)
    for n, c in enumerate(contents):
        pkg.add(f"Doc_0/Pages/Page_{n}/Content.xml", c)
    for _, f, data in media or []:
        pkg.add(f"Doc_0/Res/{f}", data)
    if signed:
        add_signature(pkg, page_ids[0])
    return pkg


# ---------------------------------------------------------------------------- the cases


def plain_page(ids, fonts, n, p, template):
    objs = [text_object(ids, fonts, r) for r in runs(p.glyphs)]
    objs += [line_object(ids, [l]) for l in p.lines]
    return page_xml(layer(ids, objs) if objs else "", template)


def g_page(ids, fonts, n, p, template):
    """Runs on one baseline in one font and size share a TextObject (one TextCode each,
    X and Y in the object's space), DeltaX with `g` runs; cells as closed rectangles."""
    objs = []
    groups = []
    for r in runs(p.glyphs):
        last = groups[-1][-1] if groups else None
        if last and last[0].font == r[0].font and last[0].size == r[0].size and abs(last[0].baseline - r[0].baseline) < 0.01:
            groups[-1].append(r)
        else:
            groups.append([r])
    for group in groups:
        first = group[0][0]
        size = first.size
        x0 = min(r[0].x0 for r in group)
        x1 = max(r[-1].x1 for r in group)
        bx, by = x0, first.baseline - size
        attrs = (
            f'ID="{ids.next()}" Boundary="{mm(bx)} {mm(by)} {mm(x1 - x0)} {mm(size * 1.2)}" '
            f'Font="{fonts.id(first.font)}" Size="{mm(size)}"'
        )
        codes = "".join(text_code(r, r[0].x0 - bx, size, True) for r in group)
        objs.append(f'<ofd:TextObject {attrs}><ofd:FillColor Value="0 0 0"/>{codes}</ofd:TextObject>')
    for item in cells(p.lines):
        if item[0] == "rect":
            objs.append(rect_object(ids, item[1], item[2]))
        else:
            objs.append(line_object(ids, [item[1]]))
    return page_xml(layer(ids, objs), template)


def ctm_page(ids, fonts, n, p, template):
    """Every object drawn in a space four times finer than the page, its Boundary reaching
    7 pt further left and 5 pt further up, the CTM scaling by 0.25 and moving by (7, 5) pt;
    the page's objects inside a PageBlock."""
    shift = (7.0, 5.0)
    objs = [text_object(ids, fonts, r, scale=4.0, shift=shift) for r in runs(p.glyphs)]
    objs += [line_object(ids, [l], scale=4.0, shift=shift) for l in p.lines]
    block = f'<ofd:PageBlock ID="{ids.next()}">{"".join(objs)}</ofd:PageBlock>'
    return page_xml(layer(ids, [block]), template)


def head_runs(p):
    """The running head's runs at the top of a synthetic page."""
    rs = runs(p.glyphs)
    return [r for r in rs if "".join(g.text for g in r) == RUNNING_HEAD]


def template_page(ids, fonts, n, p, template):
    head = {id(g) for r in head_runs(p) for g in r}
    assert head, "no running head"
    body = [g for g in p.glyphs if id(g) not in head]
    objs = [text_object(ids, fonts, r) for r in runs(body)]
    objs += [line_object(ids, [l]) for l in p.lines]
    return page_xml(layer(ids, objs), template)


def cg_page(ids, fonts, n, p, template):
    """Every run with a CGTransform mapping its characters one to one onto glyph indices
    (the text stays in TextCode); on page 1 the running head is written as private-use
    characters, its real glyphs only in the CGTransform — text no reader can recover
    without the embedded font."""
    objs = []
    for r in runs(p.glyphs):
        text = "".join(g.text for g in r)
        glyphs = [1000 + (ord(g.text) % 5000) for g in r]
        if n == 0 and text == RUNNING_HEAD:
            pua = "".join(chr(0xE000 + i) for i in range(len(r)))
            objs.append(text_object(ids, fonts, r, cg=[(0, len(r), glyphs)], text=pua))
        else:
            objs.append(text_object(ids, fonts, r, cg=[(0, len(r), glyphs)]))
    objs += [line_object(ids, [l]) for l in p.lines]
    return page_xml(layer(ids, objs), template)


def scan_media(pdf_path, pages):
    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for n, page in enumerate(pdf.pages):
            img = page.to_image(resolution=100).original.convert("L")
            buf = io.BytesIO()
            img.save(buf, format="PNG", optimize=True)
            out.append((1000 + n, f"scan_{n}.png", buf.getvalue()))
    return out


def scan_page_of(media):
    def page(ids, fonts, n, p, template):
        mid = media[n][0]
        w, h = mm(p.width), mm(p.height)
        img = f'<ofd:ImageObject ID="{ids.next()}" Boundary="0 0 {w} {h}" CTM="{w} 0 0 {h} 0 0" ResourceID="{mid}"/>'
        return page_xml(layer(ids, [img]), template)

    return page


def seal_png():
    img = Image.new("RGBA", (96, 96), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((4, 4, 91, 91), outline=(200, 0, 0, 255), width=6)
    d.regular_polygon((48, 48, 18), 5, fill=(200, 0, 0, 255))
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def der(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + length + content


def seq(*items):
    return der(0x30, b"".join(items))


def integer(v):
    return der(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big"))


def ia5(s):
    return der(0x16, s.encode("ascii"))


def utf8(s):
    return der(0x0C, s.encode("utf-8"))


def gtime(s):
    return der(0x18, s.encode("ascii"))


def oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    out = bytes([parts[0] * 40 + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        out += bytes(reversed(chunk))
    return der(0x06, out)


def signed_value(picture):
    """An SES_Signature (GB/T 38540-2020) with the seal's name in
    toSign.eseal.esealInfo.property.name; its signature bits are zeros (never checked)."""
    sm2 = "1.2.156.10197.1.501"
    property_info = seq(
        integer(1), utf8(SEAL_NAME), integer(1), seq(),
        gtime("20250101000000Z"), gtime("20250101000000Z"), gtime("20350101000000Z"),
    )
    seal_info = seq(
        seq(ia5("ES"), integer(4), ia5("gongkai")),
        ia5("fixture-seal-1"),
        property_info,
        seq(ia5("png"), der(0x04, picture), integer(40), integer(40)),
    )
    eseal = seq(seal_info, seq(der(0x04, b""), oid(sm2), der(0x03, b"\x00" + bytes(64))))
    tbs = seq(
        integer(4), eseal, gtime("20250101000000Z"), der(0x03, b"\x00" + bytes(32)),
        ia5("/Doc_0/Signs/Sign_0/Signature.xml"),
    )
    return seq(tbs, oid(sm2), der(0x03, b"\x00" + bytes(64)))


def add_signature(pkg, page_id):
    protected = dict(pkg.entries)["Doc_0/Document.xml"]
    digest = base64.b64encode(hashlib.sha256(protected).digest()).decode()
    pkg.add(
        "Doc_0/Signs/Signatures.xml",
        xml_doc("Signatures", '<ofd:MaxSignId>1</ofd:MaxSignId>'
                '<ofd:Signature ID="1" Type="Seal" BaseLoc="Sign_0/Signature.xml"/>'),
    )
    info = (
        '<ofd:Provider ProviderName="gongkai fixture signer" Company="gongkai" Version="1.0"/>'
        "<ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod>"
        "<ofd:SignatureDateTime>20250101000000Z</ofd:SignatureDateTime>"
        '<ofd:References CheckMethod="2.16.840.1.101.3.4.2.1">'
        f'<ofd:Reference FileRef="/Doc_0/Document.xml"><ofd:CheckValue>{digest}</ofd:CheckValue></ofd:Reference>'
        "</ofd:References>"
        f'<ofd:StampAnnot ID="1" PageRef="{page_id}" Boundary="140 240 40 40"/>'
    )
    pkg.add(
        "Doc_0/Signs/Sign_0/Signature.xml",
        xml_doc("Signature", f"<ofd:SignedInfo>{info}</ofd:SignedInfo>"
                "<ofd:SignedValue>/Doc_0/Signs/Sign_0/SignedValue.dat</ofd:SignedValue>"),
    )
    pkg.add("Doc_0/Signs/Sign_0/SignedValue.dat", signed_value(seal_png()))


def replace_entry(pkg, name, data):
    pkg.entries = [(n, data if n == name else d) for n, d in pkg.entries]


def main():
    shanghai = load(SOURCES["shanghai-2019"])
    synthetic = load(SOURCES["synthetic-2024"])
    write_truth("shanghai-2019", shanghai)
    write_truth("synthetic-2024", synthetic)
    title = "示例区2024年政府信息公开工作年度报告"
    out = {}
    out["shanghai-2019-plain"] = build("上海市2019年政府信息公开工作年度报告", shanghai, plain_page)
    out["synthetic-2024-plain"] = build(title, synthetic, plain_page)
    out["synthetic-2024-g-runs"] = build(title, synthetic, g_page)
    out["synthetic-2024-ctm"] = build(title, synthetic, ctm_page)
    head = head_runs(synthetic[0])
    out["synthetic-2024-template"] = build(
        title, synthetic, template_page,
        template_body=lambda ids, fonts: layer(ids, [text_object(ids, fonts, r) for r in head]),
    )
    out["synthetic-2024-cgtransform"] = build(title, synthetic, cg_page)
    media = scan_media(SOURCES["synthetic-2024"], synthetic)
    out["synthetic-2024-scan"] = build(title, synthetic, scan_page_of(media), media=media)
    out["synthetic-2024-signed"] = build(title, synthetic, plain_page, signed=True)

    plain = out["synthetic-2024-plain"]
    bad = build(title, synthetic, plain_page)
    replace_entry(bad, "OFD.xml", ofd_xml(title, doc_root="../Doc_0/Document.xml"))
    out["damaged-outside-path"] = bad
    bad = build(title, synthetic, plain_page)
    bad.entries = [(n, d) for n, d in bad.entries if n != "Doc_0/Document.xml"]
    out["damaged-no-document"] = bad
    bad = build(title, synthetic, plain_page)
    page0 = dict(bad.entries)["Doc_0/Pages/Page_0/Content.xml"]
    # 4 MiB of blanks between the declaration and the root: deflate packs them ~1000-fold.
    head_end = page0.index(b"?>") + 2
    replace_entry(bad, "Doc_0/Pages/Page_0/Content.xml", page0[:head_end] + b" " * (4 << 20) + page0[head_end:])
    out["damaged-zip-bomb"] = bad
    bad = build(title, synthetic, plain_page)
    entities = '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    doctype = f"<!DOCTYPE ofd:OFD [{entities}]>\n".encode()
    ofd = ofd_xml("&b;")
    ofd = ofd.replace(b"&amp;b;", b"&b;")
    decl_end = ofd.index(b"?>") + 3
    replace_entry(bad, "OFD.xml", ofd[:decl_end] + doctype + ofd[decl_end:])
    out["damaged-doctype"] = bad

    for name, pkg in out.items():
        (HERE / f"{name}.ofd").write_bytes(pkg.bytes())
    whole = plain.bytes()
    (HERE / "damaged-truncated.ofd").write_bytes(whole[: len(whole) // 2])
    total = sum(p.stat().st_size for p in HERE.iterdir())
    print(f"wrote {len(out) + 1} fixtures; tests/data/ofd holds {total} bytes")


def check():
    """Reads every readable fixture with ofdkit (an independent OFD reader) and compares
    its runs' origins with the source's glyphs: each run must start at a source glyph of
    its first character, within 0.05 mm."""
    import ofdkit

    for name, src in (("shanghai-2019", "shanghai-2019"), ("synthetic-2024", "synthetic-2024")):
        truth = {}
        for line in (HERE / f"{src}.glyphs.tsv").read_text(encoding="utf-8").splitlines()[1:]:
            page, text, x0, _, baseline, _, _ = line.split("\t")
            truth.setdefault(int(page), []).append((text, float(x0) * MM, float(baseline) * MM))
        for path in sorted(HERE.glob(f"{src}-*.ofd")):
            if "scan" in path.name:
                continue
            with ofdkit.open(path) as doc:
                bad = runs_total = 0
                for n, page in enumerate(doc.pages, 1):
                    for run in page.runs:
                        runs_total += 1
                        if not any(
                            t == run.text[0] and abs(x - run.x) < 0.05 and abs(y - run.y) < 0.05
                            for t, x, y in truth.get(n, [])
                        ):
                            bad += 1
                print(f"{path.name}: {runs_total} runs, {bad} not at a source glyph")


if __name__ == "__main__":
    check() if "--check" in sys.argv else main()

#!/usr/bin/env python3
"""Makes the PDF golden inputs. Run from the project root with ../shared beside it:

    python3 golden/make_pdf_fixtures.py

Cases (each golden/<case>/input.pdf with a truth.json; expected.xml is written by the
golden test with GONGKAI_BLESS=1 and reviewed against `pdftoppm -png -r 80` page images):

  shanghai-2019-pdf-chromium     the corpus HTML (013) printed by headless Chromium: CID
                             TrueType + Type 3 fonts, ActualText spans, bevelled borders
  shanghai-2019-pdf-libreoffice  the same printed by LibreOffice on A3 landscape (its table
                             of nowrap cells is wider than A4 portrait, and LibreOffice
                             clips what does not fit: those cells would not be in the PDF)
  synthetic-2024-pdf-ucs2    the synthetic report of make_fixtures.py drawn by reportlab
                             with STSong-Light: UniGB-UCS2-H, not embedded, no ToUnicode
  synthetic-2024-pdf-gbk     the same, written by hand with a GBK-EUC-H font (no ToUnicode)
  synthetic-2024-pdf-xobject the same, its tables in Form XObjects (with /Matrix and their
                             own fonts: Identity-H with a ToUnicode map, Ordering Identity),
                             fonts set inside q … Q that must not leak out
  synthetic-2024-pdf-rotated the GBK one on pages stored landscape with /Rotate 90
  synthetic-2024-pdf-stream  the GBK one with no rulings at all: tables by alignment only
  synthetic-2024-pdf-cairo   the stream one re-rendered by `pdftocairo -pdf`: an embedded
                             CFF font whose glyphs are narrower than their old advances (gaps
                             inside numbers) and whose ToUnicode names radicals (⼈ for 人)
  synthetic-2024-pdf-encrypted the reportlab one encrypted (AES-256) with an empty user
                             password, as many portals publish: it must be read
  shanghai-2019-pdf-cut-at-right-edge  the corpus HTML printed by Chromium with t3 in a box
                             that hides its last three columns: a table cut by the page's edge

and tests/data/encrypted-user-password.pdf, the same with a user password (refused).

Tables are ruled cell by cell and t3 runs across a page end; every page has a running
header and a page number `— N —`.

The synthetic PDFs come out byte for byte the same each run; Chromium, LibreOffice and qpdf
stamp dates and random ids, so regenerate those only on purpose (then re-bless and review).

Needs: chromium, soffice (libreoffice-writer), fonts-noto-cjk, poppler-data, poppler-utils, qpdf, and
`pip install reportlab`.
"""
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
import make_fixtures as mf  # noqa: E402

CORPUS = mf.CORPUS
TRUTH = mf.TRUTH
GB1 = Path("/usr/share/poppler/cMap/Adobe-GB1")

PAGE_W, PAGE_H = 595.0, 842.0
MARGIN = 64.0
PROSE = 12.0
CELL = 9.0


# ---------------------------------------------------------------- the report as drawn
def t2_rows():
    rows = []
    for title, heads, block in mf.T2:
        rows.append([(title, 4, 1)])
        if len(heads) == 1:
            rows.append([("信息内容", 1, 1), (heads[0], 3, 1)])
        else:
            rows.append([("信息内容", 1, 1)] + [(h, 1, 1) for h in heads])
        for _, label, vals, _ in block:
            if len(vals) == 1:
                rows.append([(label, 1, 1), (vals[0], 3, 1)])
            else:
                rows.append([(label, 1, 1)] + [(v, 1, 1) for v in vals])
    return rows


GROUP_SPANS = {"granted": ("三、本年度办理结果", 22), "denied.state_secret": ("（三）不予公开", 8),
               "unable.not_held": ("（四）无法提供", 3), "not_processed.petition": ("（五）不予处理", 5),
               "other.no_correction": ("（六）其他处理", 3)}


def t3_rows():
    rows = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 7, 1)],
        [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)],
        [("商业企业", 1, 1), ("科研机构", 1, 1), ("社会公益组织", 1, 1), ("法律服务机构", 1, 1), ("其他", 1, 1)],
    ]
    level2 = False
    for rid, label, vals in mf.t3_table():
        cells = []
        if rid == "granted":
            cells.append(GROUP_SPANS[rid][:1] + (1, 22))
        if rid in GROUP_SPANS and rid != "granted":
            cells.append((GROUP_SPANS[rid][0], 1, GROUP_SPANS[rid][1]))
            level2 = True
        if rid in ("new_requests", "carried_over", "carried_forward"):
            cells.append((label, 3, 1))
        elif rid in ("granted", "partial", "results_total"):
            cells.append((label, 2, 1))
            level2 = False
        else:
            cells.append((label, 1, 1))
        cells += [(mf.fmt(v), 1, 1) for v in vals]
        rows.append(cells)
    assert level2 is False
    return rows


def t4_rows():
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    return [
        [("行政复议", 5, 1), ("行政诉讼", 10, 1)],
        [(h, 1, 2) for h in heads] + [("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)],
        [(h, 1, 1) for h in heads * 2],
        [(str(v), 1, 1) for v in mf.T4],
    ]


def width_of(text, size):
    return sum(size * (0.5 if ord(c) < 128 else 1.0) for c in text)


def wrap(text, width, size):
    lines, cur = [], ""
    for c in text:
        if cur and width_of(cur + c, size) > width:
            lines.append(cur)
            cur = ""
        cur += c
    return lines + ([cur] if cur else [])


class Flow:
    """Lays the report out on A4 pages, top-down coordinates; a backend draws."""

    def __init__(self, backend):
        self.b = backend
        self.page = 0
        self.y = 0.0
        self.new_page()

    def new_page(self):
        if self.page:
            self.b.end_page()
        self.page += 1
        self.b.begin_page()
        self.b.text(MARGIN, 36, "示例区人民政府信息公开专栏", 8, "prose")
        label = f"— {self.page} —"
        self.b.text(PAGE_W / 2 - width_of(label, 10) / 2, PAGE_H - 30, label, 10, "prose")
        self.y = MARGIN

    def room(self, h):
        if self.y + h > PAGE_H - MARGIN:
            self.new_page()

    def para(self, text, indent=True, centre=False):
        width = PAGE_W - 2 * MARGIN
        lines = wrap(("\u3000\u3000" if indent else "") + text, width, PROSE)
        for line in lines:
            self.room(PROSE * 1.9)
            x = MARGIN
            if centre:
                x = PAGE_W / 2 - width_of(line, PROSE) / 2
            shown = line.replace("\u3000", "")
            x += width_of(line[: len(line) - len(line.lstrip("\u3000"))], PROSE)
            self.b.text(x, self.y + PROSE, shown, PROSE, "prose")
            self.y += PROSE * 1.9

    def table(self, rows, widths):
        # HTML-like placement of cells with spans.
        occupied = set()
        placed = []
        for r, row in enumerate(rows):
            c = 0
            for text, cs, rs in row:
                while (r, c) in occupied:
                    c += 1
                for dr in range(rs):
                    for dc in range(cs):
                        occupied.add((r + dr, c + dc))
                placed.append((r, c, rs, cs, text))
                c += cs
        xs = [MARGIN]
        for w in widths:
            xs.append(xs[-1] + w)
        nrows = len(rows)
        heights = [18.0] * nrows
        for r, c, rs, cs, text in placed:
            if rs == 1:
                n = len(wrap(text, xs[c + cs] - xs[c] - 4, CELL))
                heights[r] = max(heights[r], n * CELL * 1.35 + 6)
        # Rows top to bottom, breaking pages between rows.
        tops = []
        for r in range(nrows):
            if self.y + heights[r] > PAGE_H - MARGIN:
                self.new_page()
            tops.append((self.page, self.y))
            self.y += heights[r]
        page_of = [p for p, _ in tops]
        for r, c, rs, cs, text in placed:
            x0, x1 = xs[c], xs[c + cs]
            # The cell's parts, one per page it lies on.
            parts = []
            for rr in range(r, r + rs):
                p, top = tops[rr]
                if parts and parts[-1][0] == p:
                    parts[-1][2] = top + heights[rr]
                else:
                    parts.append([p, top, top + heights[rr]])
            lines = wrap(text, x1 - x0 - 4, CELL)
            for p, top, bottom in parts:
                self.b.on_page(p)
                self.b.rect(x0, top, x1, bottom, open_bottom=(p != parts[-1][0]), open_top=(p != parts[0][0]))
                fit = max(0, int((bottom - top - 4) // (CELL * 1.35)))
                here, lines = lines[:fit], lines[fit:]
                block = len(here) * CELL * 1.35
                ty = top + (bottom - top - block) / 2
                for line in here:
                    w = width_of(line, CELL)
                    self.b.text(x0 + (x1 - x0 - w) / 2, ty + CELL, line, CELL, "table")
                    ty += CELL * 1.35
        self.b.on_page(self.page)
        self.y += 10
        return page_of


def draw_report(backend):
    f = Flow(backend)
    pro = mf.PROLOGUE.strip().split("\n")
    f.para(pro[0], indent=False, centre=True)
    f.y += 8
    for line in pro[1:]:
        heading = line.startswith(("一、", "二、"))
        f.para(line, indent=not heading)
    for k in range(6):
        f.para(f"（{'一二三四五六'[k]}）示例区持续推进政务公开标准化规范化工作，完善信息发布审核机制，"
               "及时公开政策文件和解读材料，做好政府网站和政务新媒体的日常管理与监测，不断提升公开质量。")
    f.table(t2_rows(), [150, 105, 105, 107])
    f.para("三、收到和处理政府信息公开申请情况", indent=False)
    pages = f.table(t3_rows(), [24, 58, 116, 38, 38, 38, 38, 38, 38, 41])
    assert len(set(pages)) > 1, "t3 should run across a page end"
    f.para("四、政府信息公开行政复议、行政诉讼情况", indent=False)
    f.table(t4_rows(), [31.1] * 15)
    for line in mf.EPILOGUE.strip().split("\n"):
        f.para(line, indent=not line.startswith(("五、", "六、")))
    backend.end_page()


# ---------------------------------------------------------------- reportlab (UniGB-UCS2-H)
class ReportlabBackend:
    def __init__(self, path):
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        self.c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
        self.pages = {}
        self.current = 0

    def begin_page(self):
        self.current += 1
        self.pages[self.current] = []

    def on_page(self, p):
        self.current = p

    def end_page(self):
        pass

    def text(self, x, y, s, size, _role):
        self.pages[self.current].append(("t", x, y, s, size))

    def rect(self, x0, y0, x1, y1, open_bottom=False, open_top=False):
        self.pages[self.current].append(("r", x0, y0, x1, y1, open_bottom, open_top))

    def save(self):
        for p in sorted(self.pages):
            self.c.setLineWidth(0.6)
            for op in self.pages[p]:
                if op[0] == "t":
                    _, x, y, s, size = op
                    self.c.setFont("STSong-Light", size)
                    self.c.drawString(x, PAGE_H - y, s)
                else:
                    _, x0, y0, x1, y1, ob, ot = op
                    for (ax, ay, bx, by), skip in [((x0, y0, x1, y0), ot), ((x0, y1, x1, y1), ob),
                                                   ((x0, y0, x0, y1), False), ((x1, y0, x1, y1), False)]:
                        if not skip:
                            self.c.line(ax, PAGE_H - ay, bx, PAGE_H - by)
            self.c.showPage()
        self.c.save()


# ---------------------------------------------------------------- a hand-written PDF
def gb1_cids():
    """Unicode → Adobe-GB1 CID, from Adobe's UniGB-UCS2-H (poppler-data)."""
    import re
    data = (GB1 / "UniGB-UCS2-H").read_text(encoding="latin-1")
    out = {}
    for block in re.findall(r"begincidrange(.*?)endcidrange", data, re.S):
        for lo, hi, cid in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)", block):
            for k in range(int(lo, 16), int(hi, 16) + 1):
                out[k] = int(cid) + k - int(lo, 16)
    for block in re.findall(r"begincidchar(.*?)endcidchar", data, re.S):
        for code, cid in re.findall(r"<([0-9a-fA-F]+)>\s*(\d+)", block):
            out[int(code, 16)] = int(cid)
    return out


class RawBackend:
    """Writes PDF objects by hand. mode: 'gbk' (GBK-EUC-H everywhere), 'xobject' (tables in
    Form XObjects with an Identity-H + ToUnicode font), 'rotated' (GBK on /Rotate 90 pages),
    'stream' (GBK, no rulings)."""

    def __init__(self, mode):
        self.mode = mode
        self.pages = {}
        self.current = 0
        self.cids = gb1_cids() if mode == "xobject" else None
        self.used = set()

    def begin_page(self):
        self.current += 1
        self.pages[self.current] = {"prose": [], "table": []}

    def on_page(self, p):
        self.current = p

    def end_page(self):
        pass

    def text(self, x, y, s, size, role):
        self.pages[self.current][role].append(("t", x, y, s, size))

    def rect(self, x0, y0, x1, y1, open_bottom=False, open_top=False):
        if self.mode == "stream":
            return
        self.pages[self.current]["table"].append(("r", x0, y0, x1, y1, open_bottom, open_top))

    def encode(self, s, font):
        if font == "F2":
            out = b""
            for ch in s:
                cid = self.cids[ord(ch)]
                self.used.add((cid, ch))
                out += cid.to_bytes(2, "big")
            return out
        return s.encode("gbk")

    def ops(self, items, font, dx=0.0, dy=0.0, first_tf=True):
        """Content operators; with first_tf False a Tf is written only when the size
        changes, so later text relies on the font state (which Q must restore)."""
        out = []
        last = None
        for op in items:
            if op[0] == "t":
                _, x, y, s, size = op
                tf = ""
                if first_tf or size != last:
                    tf = f"/{font} {size:g} Tf "
                    last = size
                hexs = self.encode(s, font).hex().upper()
                out.append(f"BT {tf}1 0 0 1 {x - dx:.2f} {PAGE_H - y - dy:.2f} Tm <{hexs}> Tj ET")
            else:
                _, x0, y0, x1, y1, ob, ot = op
                edges = [((x0, y0, x1, y0), ot), ((x0, y1, x1, y1), ob), ((x0, y0, x0, y1), False), ((x1, y0, x1, y1), False)]
                for (ax, ay, bx, by), skip in edges:
                    if not skip:
                        out.append(f"{ax - dx:.2f} {PAGE_H - ay - dy:.2f} m {bx - dx:.2f} {PAGE_H - by - dy:.2f} l S")
        return out

    def save(self, path):
        objs = {}
        n_pages = len(self.pages)
        # 1 catalog, 2 pages, 3 GBK font, 4 its descendant, 5 Identity font, 6 descendant, 7 ToUnicode
        page_ids = []
        next_id = 8
        bodies = []
        for p in sorted(self.pages):
            pg = self.pages[p]
            content_id, page_id = next_id, next_id + 1
            next_id += 2
            if self.mode == "xobject":
                form_id = next_id
                next_id += 1
                # The form is drawn 10 pt right and 5 pt down of its own origin: /Matrix
                # puts it back.
                form_ops = ["0.6 w"] + self.ops(pg["table"], "F2", dx=10, dy=-5)
                form = "\n".join(form_ops).encode()
                objs[form_id] = (b"<< /Type /XObject /Subtype /Form /BBox [0 0 %d %d] /Matrix [1 0 0 1 10 -5] "
                                 b"/Resources << /Font << /F2 5 0 R >> >> /Length %d >>\nstream\n" % (PAGE_W, PAGE_H, len(form))
                                 + form + b"\nendstream")
                prose = self.ops(pg["prose"], "F1", first_tf=False)
                # A font set inside q … Q (and a form's own font) must not leak out.
                half = len(prose) // 2
                body = prose[:half] + ["q BT /F2 7 Tf ET Q", "q /Fm1 Do Q"] + prose[half:]
                resources = b"<< /Font << /F1 3 0 R /F2 5 0 R >> /XObject << /Fm1 %d 0 R >> >>" % form_id
            else:
                body = ["0.6 w"] + self.ops(pg["prose"] + pg["table"], "F1")
                resources = b"<< /Font << /F1 3 0 R >> >>"
            if self.mode == "rotated":
                body = ["q", f"0 1 -1 0 {PAGE_H:g} 0 cm"] + body + ["Q"]
                box = b"[0 0 %d %d] /Rotate 90" % (PAGE_H, PAGE_W)
            else:
                box = b"[0 0 %d %d]" % (PAGE_W, PAGE_H)
            data = "\n".join(body).encode()
            objs[content_id] = b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
            objs[page_id] = (b"<< /Type /Page /Parent 2 0 R /MediaBox " + box + b" /Resources " + resources
                             + b" /Contents %d 0 R >>" % content_id)
            page_ids.append(page_id)
        objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
        objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % i for i in page_ids), n_pages)
        objs[3] = b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-GBK-EUC-H /Encoding /GBK-EUC-H /DescendantFonts [4 0 R] >>"
        objs[4] = (b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
                   b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
                   b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
                   b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> /DW 1000 /W [1 95 500 814 939 500 7716 [500]] >>")
        objs[5] = b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>"
        objs[6] = (b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
                   b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                   b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
                   b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> /DW 1000 /W [1 95 500] >>")
        objs[7] = self.to_unicode()
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

    def to_unicode(self):
        """bfchar for most glyphs, the runs of consecutive CIDs as bfrange with an array."""
        pairs = sorted(self.used)
        singles, arrays = [], []
        i = 0
        while i < len(pairs):
            j = i
            while j + 1 < len(pairs) and pairs[j + 1][0] == pairs[j][0] + 1:
                j += 1
            if j > i:
                arrays.append(pairs[i:j + 1])
            else:
                singles.append(pairs[i])
            i = j + 1
        lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
                 "/CMapName /Gongkai-Test-UCS def", "/CMapType 2 def",
                 "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
        for k in range(0, len(singles), 100):
            chunk = singles[k:k + 100]
            lines.append(f"{len(chunk)} beginbfchar")
            lines += [f"<{c:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for c, ch in chunk]
            lines.append("endbfchar")
        for k in range(0, len(arrays), 100):
            chunk = arrays[k:k + 100]
            lines.append(f"{len(chunk)} beginbfrange")
            for run in chunk:
                dsts = " ".join(f"<{ch.encode('utf-16-be').hex().upper()}>" for _, ch in run)
                lines.append(f"<{run[0][0]:04X}> <{run[-1][0]:04X}> [{dsts}]")
            lines.append("endbfrange")
        lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        data = "\n".join(lines).encode()
        return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


# ---------------------------------------------------------------- cases
def case_dir(name):
    d = ROOT / name
    d.mkdir(exist_ok=True)
    return d


def write_truth(d, truth, note):
    t = dict(truth)
    t["file"] = "input.pdf"
    t["notes"] = note + (" " + t["notes"] if t.get("notes") else "")
    (d / "truth.json").write_text(json.dumps(t, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def wrapper_html(extra_style=""):
    body = (CORPUS / "013_shanghai_govoffice_2019_cms-body.html").read_text(encoding="utf-8")
    style = f"<style>{extra_style}</style>" if extra_style else ""
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">" + style
            + "<title>2019年上海市人民政府办公厅政府信息公开工作年度报告</title></head><body>\n"
            + body + "\n</body></html>\n")


def shanghai_cases():
    truth = json.loads((TRUTH / "013_shanghai_govoffice_2019_cms-body.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        page = tmp / "page.html"
        page.write_text(wrapper_html(), encoding="utf-8")
        out = tmp / "chromium.pdf"
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp / 'profile'}", "--no-pdf-header-footer",
                        f"--print-to-pdf={out}", str(page)], check=True, capture_output=True, timeout=300)
        d = case_dir("shanghai-2019-pdf-chromium")
        shutil.copyfile(out, d / "input.pdf")
        write_truth(d, truth, "The corpus HTML 013 (in a UTF-8 page) printed by headless Chromium; the cells are those of 013.")

        lo_page = tmp / "page-lo.html"
        lo_page.write_text(wrapper_html("@page { size: 420mm 297mm; margin: 15mm; }"), encoding="utf-8")
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp / "lo"), str(lo_page)],
                       check=True, capture_output=True, timeout=300)
        d = case_dir("shanghai-2019-pdf-libreoffice")
        shutil.copyfile(tmp / "lo" / "page-lo.pdf", d / "input.pdf")
        write_truth(d, truth, "The corpus HTML 013 printed by LibreOffice on A3 landscape; the cells are those of 013. "
                    "LibreOffice's HTML import drops the fragment's first paragraph (the title) and leaves page 1 blank.")


def cut_case():
    """The corpus HTML 013 printed by headless Chromium with t3 in a box 940px wide that
    hides what overflows: the page shows t3's labels and its first four applicant columns
    (自然人 … 社会公益组织), and the PDF holds nothing of 法律服务机构, 其他 or 总计, as a wide
    table printed past the page's right edge (issue 13 item 6)."""
    truth = json.loads((TRUTH / "013_shanghai_govoffice_2019_cms-body.json").read_text(encoding="utf-8"))
    kept = ["natural_person", "org_commercial", "org_research", "org_public_welfare"]
    truth["cells"] = {k: v for k, v in truth["cells"].items()
                      if not k.startswith("t3|") or k.split("|t3.col.")[1] in kept}
    truth["partial"] = True
    html = wrapper_html()
    start = html.index("<table", html.index("<p>三、收到和处理"))
    end = html.index("</table>", start) + len("</table>")
    html = html[:start] + '<div style="width:940px;overflow:hidden">' + html[start:end] + "</div>" + html[end:]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        page = tmp / "page.html"
        page.write_text(html, encoding="utf-8")
        out = tmp / "chromium.pdf"
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp / 'profile'}", "--no-pdf-header-footer",
                        f"--print-to-pdf={out}", str(page)], check=True, capture_output=True, timeout=300)
        text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True).stdout.decode("utf-8")
        assert "社会公益组织" in text and "法律服务机构" not in text and "859" not in text.split("申请人")[-1][:2000], \
            "the box must cut t3 after 社会公益组织"
        d = case_dir("shanghai-2019-pdf-cut-at-right-edge")
        shutil.copyfile(out, d / "input.pdf")
        write_truth(d, truth, "The corpus HTML 013 printed by headless Chromium with t3 cut after 社会公益组织 by a "
                    "940px box that hides the rest: the cells of 法律服务机构, 其他 and 总计 are not in the PDF and not "
                    "in this truth.")


def synthetic_cases():
    truth = mf.synthetic_truth()
    note = "The synthetic report of make_fixtures.py drawn as a PDF by make_pdf_fixtures.py ({})."
    d = case_dir("synthetic-2024-pdf-ucs2")
    rl = ReportlabBackend(d / "input.pdf")
    draw_report(rl)
    rl.save()
    write_truth(d, truth, note.format("reportlab, STSong-Light with UniGB-UCS2-H, no ToUnicode"))
    for mode, what in [("gbk", "GBK-EUC-H, no ToUnicode"),
                       ("xobject", "tables in Form XObjects with an Identity-H font and a ToUnicode map"),
                       ("rotated", "GBK-EUC-H pages stored landscape with /Rotate 90"),
                       ("stream", "GBK-EUC-H, tables without rulings: columns by alignment only")]:
        d = case_dir(f"synthetic-2024-pdf-{mode}")
        raw = RawBackend(mode)
        draw_report(raw)
        raw.save(d / "input.pdf")
        write_truth(d, truth, note.format(what))
    d = case_dir("synthetic-2024-pdf-cairo")
    subprocess.run(["pdftocairo", "-pdf", str(ROOT / "synthetic-2024-pdf-stream" / "input.pdf"), str(d / "input.pdf")],
                   check=True)
    write_truth(d, truth, note.format("the stream case re-rendered by pdftocairo"))
    src = ROOT / "synthetic-2024-pdf-ucs2" / "input.pdf"
    d = case_dir("synthetic-2024-pdf-encrypted")
    subprocess.run(["qpdf", "--encrypt", "", "owner-secret", "256", "--", str(src), str(d / "input.pdf")], check=True)
    write_truth(d, truth, note.format("the reportlab one encrypted by qpdf, AES-256, empty user password"))
    data = ROOT.parent / "tests" / "data"
    data.mkdir(exist_ok=True)
    subprocess.run(["qpdf", "--encrypt", "user-secret", "owner-secret", "256", "--", str(src),
                    str(data / "encrypted-user-password.pdf")], check=True)


def main():
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS} not found: run from the project root with ../shared beside it")
    # Chromium and LibreOffice stamp dates and ids: their cases are made only when named
    # (`python3 golden/make_pdf_fixtures.py cut`), or all with no name.
    groups = {"synthetic": synthetic_cases, "shanghai": shanghai_cases, "cut": cut_case}
    for name in sys.argv[1:] or ["synthetic", "shanghai", "cut"]:
        groups[name]()


if __name__ == "__main__":
    main()

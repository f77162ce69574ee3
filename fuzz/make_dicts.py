#!/usr/bin/env python3
"""Writes the libFuzzer dictionaries under fuzz/dict/ (committed; rerun after
schemas/templates.toml changes):

    python3 fuzz/make_dicts.py

- report.dict: the words the recogniser looks for (every label, keyword, heading, anchor
  and signal of schemas/templates.toml), numbering, cell separators and digits — for the
  text target;
- html.dict:   report.dict plus the markup the HTML reader acts on;
- pdf.dict:    PDF syntax the reader interprets (objects, fonts, content operators);
- office.dict: DOCX and ODT element names and zip signatures;
- ofd.dict:    OFD element and attribute names, path commands and `g` runs;
- xml.dict:    the canonical XML's element, attribute and id names;
- verify.dict: zip signatures and the BagIt / seal-record words;
- image.dict:  PNG chunk names, JPEG markers, TIFF tags (big- and little-endian) and the
  image XObject keys and filters of a PDF.

Non-ASCII words are written as \\xNN escapes, which libFuzzer reads back as bytes.
"""
import re
import tomllib
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent


def entry(word):
    data = word.encode("utf-8") if isinstance(word, str) else word
    out = []
    for b in data:
        if 0x20 <= b < 0x7F and b not in (ord('"'), ord("\\")):
            out.append(chr(b))
        else:
            out.append(f"\\x{b:02x}")
    return '"' + "".join(out) + '"'


def write(name, words):
    seen, lines = set(), []
    for w in words:
        # libFuzzer refuses a dictionary with an entry over 64 bytes.
        size = len(w.encode("utf-8") if isinstance(w, str) else w)
        if w and w not in seen and size <= 64:
            seen.add(w)
            lines.append(entry(w))
    path = FUZZ / "dict" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        f"# Made by fuzz/make_dicts.py; do not edit by hand.\n" + "\n".join(lines) + "\n"
    )
    print(f"{name:12} {len(lines)} entries")


def template_words():
    t = tomllib.loads((ROOT / "schemas" / "templates.toml").read_text(encoding="utf-8"))
    words = []

    def walk(v):
        if isinstance(v, str):
            if not v.isascii():
                words.append(v)
                # Keyword groups are words joined by '+'.
                words.extend(p for p in v.split("+") if p)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for k, x in v.items():
                if k != "patterns":
                    walk(x)

    walk(t)
    return words


REPORT = [
    "第二十条第", "第二十条第（一）项", "第二十条第（五）项", "本列数据的勾稽关系",
    "行政复议", "行政诉讼", "申请人情况", "政府信息公开工作年度报告", "年",
    "一、", "二、", "三、", "四、", "五、", "六、", "（一）", "（二）", "（七）", "(一)",
    "1.", "2.", "3.", "|", "｜", " | ", "|---|", "| --- |", "\t", "\n", "\r\n", "　",
    "0", "1", "7", "12", "100", "-", "—", "/", "无", "0.5", "1,234", "7730.28", "元",
    "万元", "件", "条", "个", "%", "…", "：", "，", "。", "；", "\ufeff", "\ufffd",
]

HTML = [
    "<html>", "<head>", "<body>", "<meta charset=\"gbk\">", "<meta charset=\"utf-8\">",
    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">",
    "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", "<tbody>", "<thead>",
    "<td rowspan=\"", "<td colspan=\"", "rowspan=\"0\"", "colspan=\"0\"", "rowspan=\"65534\"",
    "colspan=\"1000\"", "<p>", "</p>", "<br>", "<div>", "</div>", "<span>", "<script>",
    "<style>", "<!--", "-->", "&nbsp;", "&#12288;", "&amp;", "<h1>", "<li>", "<ul>",
    "<caption>", "<iframe>", "<noscript>", "display:none", "style=\"",
]

PDF = [
    "%PDF-1.4", "%%EOF", "obj", "endobj", "stream", "endstream", "xref", "trailer",
    "startxref", "/Type", "/Catalog", "/Pages", "/Page", "/Kids", "/Count", "/Parent",
    "/MediaBox", "/CropBox", "/Rotate", "/Resources", "/Contents", "/Font", "/XObject",
    "/Form", "/Subtype", "/Type0", "/Type1", "/Type3", "/TrueType", "/CIDFontType0",
    "/CIDFontType2", "/DescendantFonts", "/Encoding", "/Identity-H", "/Identity-V",
    "/UniGB-UCS2-H", "/UniGB-UTF16-H", "/GBK-EUC-H", "/GB-EUC-H", "/GBKp-EUC-H",
    "/ToUnicode", "/CIDSystemInfo", "/Registry", "/Ordering", "/Adobe", "/GB1",
    "/Differences", "/WinAnsiEncoding", "/W", "/DW", "/Widths", "/FirstChar", "/FontMatrix",
    "/Length", "/Filter", "/FlateDecode", "/DecodeParms", "/Predictor", "/ObjStm", "/XRef",
    "/Encrypt", "/Matrix", "/BBox", " 0 R", "<<", ">>", "[", "]", "(", ")", "<", ">",
    "BT", "ET", "Tf", "Tj", "TJ", "'", "\"", "Td", "TD", "Tm", "T*", "TL", "Tc", "Tw",
    "Tz", "Ts", "cm", "q", "Q", "re", "m", "l", "S", "f", "W n", "Do", "BI", "ID", "EI",
    "begincmap", "endcmap", "begincodespacerange", "endcodespacerange", "beginbfchar",
    "endbfchar", "beginbfrange", "endbfrange", "begincidrange", "endcidrange", "usecmap",
    "1e308", "-1", "99999999", "0.001",
]

OFFICE = [
    b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", "word/document.xml", "word/numbering.xml",
    "word/styles.xml", "content.xml", "mimetype", "application/vnd.oasis.opendocument.text",
    "<w:p>", "</w:p>", "<w:r>", "<w:t>", "</w:t>", "<w:tbl>", "<w:tr>", "<w:tc>",
    "<w:gridSpan w:val=\"", "<w:vMerge w:val=\"restart\"/>", "<w:vMerge/>", "<w:numPr>",
    "<w:ilvl w:val=\"", "<w:numId w:val=\"", "<w:tab/>", "<w:br/>", "<w:txbxContent>",
    "<w:lvlText w:val=\"%1、\"/>", "<w:numFmt w:val=\"chineseCounting\"/>", "<mc:Fallback>",
    "<text:p>", "<text:h>", "<text:span>", "<text:s text:c=\"", "<text:tab/>",
    "<text:line-break/>", "<table:table>", "<table:table-row>", "<table:table-cell>",
    "table:number-columns-spanned=\"", "table:number-rows-spanned=\"",
    "table:number-columns-repeated=\"", "<table:covered-table-cell/>", "<draw:frame>",
    "<text:list>", "<text:list-item>", "<!DOCTYPE", "<![CDATA[", "&#x",
]

VERIFY = [
    b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06", b"PK\x06\x07", b"\x00\x00",
    b"\xff\xff\xff\xff", b"\x08\x00", "gongkai-2020/", "bagit.txt", "bag-info.txt",
    "manifest-sha256.txt", "tagmanifest-sha256.txt", "seal.xml", "data/originals/",
    "data/xml/", "BagIt-Version: 1.0", "Tag-File-Character-Encoding: UTF-8",
    "Payload-Oxum: ", "Bagging-Date: ", "  data/", "%0A", "%25", "../", "\\", "C:",
    "<seal xmlns=\"urn:gongkai:seal:1\">", "<year>", "<payload files=\"", "bytes=\"",
    "<merkle algorithm=\"RFC6962-SHA256\" leaves=\"", "root=\"", "<previous", "<files>",
    "<original path=\"", "<report path=\"", "sha256=\"", "report=\"", "source=\"",
    "origin=\"extracted\"", "<note code=\"", "<tool name=\"gongkai\"",
]


# TIFF tags the decoder acts on, as the two bytes of each byte order.
TIFF_TAGS = [256, 257, 258, 259, 262, 273, 277, 278, 279, 282, 283, 284, 296, 317, 322, 323,
             324, 325, 338, 339]

IMAGE = (
    [b"\x89PNG\r\n\x1a\n", "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "pHYs", "acTL", "fcTL",
     "fdAT", b"\x00\x00\x00\x0d", b"\xff\xd8", b"\xff\xd9", b"\xff\xc0", b"\xff\xc1",
     b"\xff\xc2", b"\xff\xc4", b"\xff\xda", b"\xff\xdb", b"\xff\xdd", b"\xff\xe0",
     b"\xff\xee", "JFIF\x00", "Adobe", b"II*\x00", b"MM\x00*", b"\xff\xff", b"\xff\x7f",
     b"\x00\x01\x00\x00"]
    + [t.to_bytes(2, "little") for t in TIFF_TAGS]
    + [t.to_bytes(2, "big") for t in TIFF_TAGS]
    + ["%PDF-1.4", "/XObject", "/Subtype /Image", "/Form", "/Width", "/Height",
       "/BitsPerComponent", "/ColorSpace", "/DeviceGray", "/DeviceRGB", "/DeviceCMYK",
       "/Indexed", "/ICCBased", "/ImageMask true", "/Decode [1 0]", "/Filter",
       "/FlateDecode", "/DCTDecode", "/CCITTFaxDecode", "/JBIG2Decode", "/JPXDecode",
       "/DecodeParms", "/Predictor", "/Colors", "/Columns", "/Rows", "/K -1", "/K 0",
       "/BlackIs1 true", "/MediaBox", "/Matrix", "/Resources", " 0 R", "cm", "Do", "q", "Q",
       "BI", "99999", "65535", "-1", "0.001"]
)


def xml_words():
    words = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "urn:gongkai:report:1",
             "<!DOCTYPE", "<![CDATA[", "&amp;", "&lt;", "&#", "xmlns=\""]
    for p in sorted(ROOT.glob("golden/*/expected.xml")):
        text = p.read_text(encoding="utf-8")
        words += re.findall(r"</?[a-z-]+", text)
        words += re.findall(r' [a-z-]+="', text)
        words += re.findall(r'"([a-z0-9_.-]+)"', text)
    return sorted(set(words))


# What the OFD reader acts on (GB/T 33190-2016).
OFD = [
    "PK\x03\x04", "xmlns:ofd=\"http://www.ofdspec.org/2016\"", "<ofd:", "</ofd:", "/>",
    "OFD", "DocBody", "DocInfo", "Title", "DocRoot", "Signatures", "Signature", "Document",
    "CommonData", "PageArea", "PhysicalBox", "PublicRes", "DocumentRes", "TemplatePage",
    "Template", "TemplateID", "ZOrder", "Background", "Foreground", "Pages", "Page", "PageRes",
    "Area", "Content", "Layer", "PageBlock", "TextObject", "TextCode", "CGTransform",
    "CodePosition", "CodeCount", "GlyphCount", "Glyphs", "PathObject", "AbbreviatedData",
    "ImageObject", "CompositeObject", "CompositeGraphicUnits", "CompositeGraphicUnit",
    "ResourceID", "Res", "Fonts", "Font", "MultiMedias", "MultiMedia", "MediaFile",
    "FillColor", "StrokeColor", "Value", "Alpha", "ID", "BaseLoc", "Boundary", "CTM", "Size",
    "X", "Y", "DeltaX", "DeltaY", "Stroke", "Fill", "Visible", "true", "false", "g ", " g 3 ",
    "M ", "L ", "S ", "Q ", "B ", "A ", " C", "0 0 210 297", "1 0 0 1 0 0", "\xee\x80\x80",
    "../", "/Doc_0/", "<!DOCTYPE", "&#x", "SignedInfo", "Provider", "ProviderName",
    "SignedValue", "Seal",
]


def main():
    report = template_words() + REPORT
    write("report.dict", report)
    write("html.dict", HTML + report)
    write("pdf.dict", PDF)
    write("office.dict", OFFICE + template_words()[:60])
    write("ofd.dict", OFD + template_words()[:60])
    write("xml.dict", xml_words())
    write("verify.dict", VERIFY)
    write("image.dict", IMAGE)


if __name__ == "__main__":
    main()

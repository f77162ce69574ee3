#!/usr/bin/env python3
"""Makes the golden inputs that are not verbatim corpus files, and copies those that are.

Run from the project root with ../shared beside it:

    python3 golden/make_fixtures.py

Each case is a folder golden/<case>/ holding `input.*`, and where the values are known
independently of gongkai a `truth.json` (hand-labelled corpus truth, or the values a
synthetic report was built from). `expected.xml` is written by the golden test with
GONGKAI_BLESS=1 and reviewed by eye against the input before it is committed.

Needs: python3, pdftotext (poppler-utils) for the layout-text case, LibreOffice (soffice)
for the Word-exported HTML case.
"""
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SHARED = ROOT.parent.parent / "shared"
CORPUS = SHARED / "corpus"
TRUTH = SHARED / "eval" / "truth"


def case(name):
    d = ROOT / name
    d.mkdir(exist_ok=True)
    return d


def copy_corpus(name, source, truth=None, ext=None):
    d = case(name)
    src = CORPUS / source
    shutil.copyfile(src, d / ("input" + (ext or src.suffix)))
    if truth:
        shutil.copyfile(TRUTH / truth, d / "truth.json")
    return d


def write(name, data, ext, truth=None):
    d = case(name)
    (d / ("input" + ext)).write_bytes(data)
    if truth is not None:
        if isinstance(truth, str):
            shutil.copyfile(TRUTH / truth, d / "truth.json")
        else:
            (d / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def partial_truth(source, keep, note):
    """The truth file `source` of ../shared/eval with only the cells whose key `keep`
    holds (the rest are not in the fixture), marked partial, `note` before its notes."""
    truth = json.loads((TRUTH / source).read_text(encoding="utf-8"))
    truth["cells"] = {k: v for k, v in truth["cells"].items() if keep(k)}
    truth["partial"] = True
    truth["notes"] = note + truth["notes"]
    return truth


# ---------------------------------------------------------------- the real reports
def corpus_cases():
    copy_corpus("meilie-2020-pipe", "000_fcf6f2f4fa3c5b01.txt", "000_fcf6f2f4fa3c5b01.json")
    copy_corpus("pingtan-2019-glued", "004_pingtan_2019_page.txt", "004_pingtan_2019_page.json")
    copy_corpus("kewei-2024-md", "009_shanghai_kewei_2024_pdf2md.md", "009_shanghai_kewei_2024_pdf2md.json")
    copy_corpus("chibi-2020-excerpt", "011_chibi_puwang_2020_pages-excerpt.txt", "011_chibi_puwang_2020_pages-excerpt.json")


def encoding_cases():
    seed = (CORPUS / "000_fcf6f2f4fa3c5b01.txt").read_text(encoding="utf-8")
    write("meilie-2020-gb18030", seed.encode("gb18030"), ".txt", "000_fcf6f2f4fa3c5b01.json")
    pingtan = (CORPUS / "004_pingtan_2019_page.txt").read_text(encoding="utf-8")
    write("pingtan-2019-utf16", pingtan.encode("utf-16"), ".txt", "004_pingtan_2019_page.json")
    kewei = (CORPUS / "009_shanghai_kewei_2024_pdf2md.md").read_text(encoding="utf-8")
    crlf = "\ufeff" + kewei.replace("\n", "\r\n")
    write("kewei-2024-bom-crlf", crlf.encode("utf-8"), ".md", "009_shanghai_kewei_2024_pdf2md.json")


def layout_cases():
    """What `pdftotext -layout` prints for the real WPS PDF: columns by position, a
    vertical group label, labels wrapped over lines, page footers inside the tables."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(CORPUS / "001_huaian_hongze_2023.pdf"), "-"],
        check=True,
        capture_output=True,
    ).stdout
    write("hongze-2023-layout", out, ".txt", "001_huaian_hongze_2023.json")
    # Zero cells of the four small applicant columns printed empty (as Shanghai 2019 does):
    # the numbers left must be placed by their column positions.
    blanked, cells = blank_small_columns(out.decode("utf-8"))
    truth = json.loads((TRUTH / "001_huaian_hongze_2023.json").read_text(encoding="utf-8"))
    for key in cells:
        assert truth["cells"][key] == "0", key
        truth["cells"][key] = None
    truth["notes"] = (
        "hongze-2023-layout with the zero cells of 科研机构, 社会公益组织, 法律服务机构 and 其他 printed empty (null). "
        "The rows on t3's second page sit at other positions and that page repeats no column headers, so which "
        "column each of their numbers is in cannot be told from the text: gongkai leaves those 9 rows missing."
    )
    truth["abstained"] = 63
    write("hongze-2023-layout-blanks", blanked.encode("utf-8"), ".txt", truth)
    # Cut off inside t3, after the 6.属于四类过程性信息 row: what is there is read.
    text = out.decode("utf-8")
    cut = text.index("7.属于行政执法案卷")
    truncated = text[:cut].rstrip() + "\n"
    truth = json.loads((TRUTH / "001_huaian_hongze_2023.json").read_text(encoding="utf-8"))
    rows_before = [
        "t3.row.new_requests", "t3.row.carried_over", "t3.row.granted", "t3.row.partial",
        "t3.row.denied.state_secret", "t3.row.denied.law_prohibited", "t3.row.denied.security_stability",
        "t3.row.denied.third_party", "t3.row.denied.internal_affairs", "t3.row.denied.process_info",
    ]
    cells = {k: v for k, v in truth["cells"].items() if k.startswith("t2|") or k.split("|")[1] in rows_before}
    write(
        "hongze-2023-truncated",
        truncated.encode("utf-8"),
        ".txt",
        {"file": "input.txt", "year": 2023, "template": "v2021", "partial": True, "cells": cells,
         "notes": "hongze-2023-layout cut before the 7.属于行政执法案卷 row: t2 and the first ten t3 rows only."},
    )


T3_ROWS_001 = [
    "new_requests", "carried_over", "granted", "partial",
    "denied.state_secret", "denied.law_prohibited", "denied.security_stability", "denied.third_party",
    "denied.internal_affairs", "denied.process_info", "denied.enforcement_file", "denied.admin_query",
    "unable.not_held", "unable.needs_creation", "unable.still_unclear",
    "not_processed.petition", "not_processed.repeat", "not_processed.publication", "not_processed.excessive",
    "not_processed.confirm_reissue", "other", "results_total", "carried_forward",
]


def blank_small_columns(text):
    """Replaces, in each t3 line ending in seven numbers, the 3rd-6th numbers by spaces
    when they are 0. Returns the text and the truth keys blanked."""
    import re
    start = text.index("申请人情况")
    end = text.index("四、政府信息公开行政复议")
    lines = text[start:end].split("\n")
    cols = ["natural_person", "org_commercial", "org_research", "org_public_welfare", "org_legal_services", "org_other", "total"]
    row = 0
    keys = []
    for i, line in enumerate(lines):
        nums = list(re.finditer(r"(?<=\s)\d+(?=\s|$)", line))
        if len(nums) != 7:
            continue
        chars = list(line)
        for c in range(2, 6):
            m = nums[c]
            if m.group() == "0":
                chars[m.start():m.end()] = " " * (m.end() - m.start())
                keys.append(f"t3|t3.row.{T3_ROWS_001[row]}|t3.col.{cols[c]}")
        lines[i] = "".join(chars)
        row += 1
    assert row == len(T3_ROWS_001), row
    return text[:start] + "\n".join(lines) + text[end:], keys


def no_report_cases():
    novel = """第一回　雨夜
那一年的秋天来得特别早。镇上的人说，河边的老槐树一夜之间就黄了叶子，像是被谁点了一把火。
阿青推开木门的时候，雨已经下了三天。她把湿透的布鞋脱在门槛外，赤着脚走进堂屋，灶台上的水壶正咕嘟咕嘟地响。
“你回来了。”母亲头也没抬，手里的针线穿过一块蓝布，“饭在锅里，还热着。”
阿青没有答话。她在桌边坐下，看着窗外的雨一条一条地落进院子里的水缸，水缸早就满了，水溢出来，沿着青砖的缝流向墙角。
她想起白天在渡口看见的那个人。那人穿一件灰色长衫，撑一把油纸伞，站在船头一动不动，好像在等什么人，又好像什么也不等。
"""
    write("not-a-report", novel.encode("utf-8"), ".txt", None)
    seed = (CORPUS / "000_fcf6f2f4fa3c5b01.txt").read_text(encoding="utf-8")
    prose = "\n".join(l for l in seed.split("\n") if "|" not in l)
    write("meilie-2020-no-tables", prose.encode("utf-8"), ".txt", None)


# ---------------------------------------------------------------- a synthetic v2021 report
# One report, printed in several forms a scraper or converter leaves; the values are known
# because the report is built from them, and every rule of spec §6 holds.
COLS = ["natural_person", "org_commercial", "org_research", "org_public_welfare", "org_legal_services", "org_other"]
T3 = [
    # row id, label as printed, six applicant columns (None = printed "-")
    ("new_requests", "一、本年新收政府信息公开申请数量", [38, 2, 0, 0, 1, 0]),
    ("carried_over", "二、上年结转政府信息公开申请数量", [2, None, None, None, None, None]),
    ("granted", "（一）予以公开", [9, 0, 0, 0, 0, 0]),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [3, 1, 0, 0, 0, 0]),
    ("denied.state_secret", "１．属于国家秘密", [0, 0, 0, 0, 0, 0]),
    ("denied.law_prohibited", "２．其他法律行政止公开", [1, 0, 0, 0, 0, 0]),
    ("denied.security_stability", "3.危及“三安全一稳定”", [0, 0, 0, 0, 0, 0]),
    ("denied.third_party", "4.保护第三方合法权益", [2, 0, 0, 0, 0, 0]),
    ("denied.internal_affairs", "5.属于三类内部事务信息", [1, 0, 0, 0, 0, 0]),
    ("denied.process_info", "6.属于四类过程性信息", [1, 0, 0, 0, 0, 0]),
    ("denied.enforcement_file", "7.属于行政执法案卷", [0, 0, 0, 0, 0, 0]),
    ("denied.admin_query", "8.属于行政查询事项", [0, 0, 0, 0, 0, 0]),
    ("unable.not_held", "1.本机关不掌握相关政府信息", [4, 0, 0, 0, 1, 0]),
    ("unable.needs_creation", "2.没有现成信息需要另行制作", [6, 0, 0, 0, 0, 0]),
    ("unable.still_unclear", "3.补正后申请内容仍不明确", [0, 0, 0, 0, 0, 0]),
    ("not_processed.petition", "1.信访举报投诉类申请", [1, 0, 0, 0, 0, 0]),
    ("not_processed.repeat", "2.重复申请", [0, 0, 0, 0, 0, 0]),
    ("not_processed.publication", "3.要求提供公开出版物", [0, 0, 0, 0, 0, 0]),
    ("not_processed.excessive", "4.无正当理由大量反复 申请", [0, 0, 0, 0, 0, 0]),
    ("not_processed.confirm_reissue", "5.要求行政机关确认或重新出具已获取信息", [0, 0, 0, 0, 0, 0]),
    ("other.no_correction", "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [5, 1, 0, 0, 0, 0]),
    ("other.fee_unpaid", "2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0, 0, 0, 0, 0, 0]),
    ("other.misc", "3、其他", [1, 0, 0, 0, 0, 0]),
]
GROUPS = {  # group labels printed before the first row of their group
    "granted": "三、本年度办理结果",
    "denied.state_secret": "（三）不予公开",
    "unable.not_held": "（四）无法提供",
    "not_processed.petition": "（五）不予处理",
    "other.no_correction": "（六）其他处理",
}
T2 = [
    ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"],
     [("regulations", "规章", ["2", "1", "15"], ["issued", "repealed", "in_force"]),
      ("normative_docs", "行政规范性文件", ["13", "0", "55"], ["issued", "repealed", "in_force"])]),
    ("第二十条第（五）项", ["本年处理决定数量"], [("licensing", "行政许可", ["1,234"], ["decisions"])]),
    ("第二十条第（六）项", ["本年处理决定数量"],
     [("penalty", "行政处罚", ["97"], ["decisions"]), ("coercion", "行政强制", ["０"], ["decisions"])]),
    ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("admin_fees", "行政事业性收费", ["24252.311082"], ["fee_amount_wan"])]),
]
T4 = [1, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1]
T4_COLS = [f"{g}.{c}" for g in ["review", "suit_direct", "suit_after_review"] for c in ["upheld", "corrected", "other", "pending", "total"]]


def t3_table():
    rows = []
    for rid, label, vals in T3:
        total = sum(v or 0 for v in vals)
        rows.append((rid, label, vals + [total]))
    n = len(COLS) + 1
    results = [sum((r[2][c] or 0) for r in rows[2:]) for c in range(n)]
    forward = [(rows[0][2][c] or 0) + (rows[1][2][c] or 0) - results[c] for c in range(n)]
    rows.append(("results_total", "（七）总计", results))
    rows.append(("carried_forward", "四、结转下年度继续办理", forward))
    assert all(v >= 0 for v in forward)
    return rows


def fmt(v):
    return "-" if v is None else str(v)


def synthetic_truth():
    cells = {}
    for _, _, rows in T2:
        for rid, _, vals, cols in rows:
            for v, c in zip(vals, cols):
                # as printed, less thousands separators and full-width digits
                cells[f"t2|t2.row.{rid}|t2.col.{c}"] = v.replace(",", "").replace("０", "0")
    for rid, _, vals in t3_table():
        for c, v in zip(COLS + ["total"], vals):
            cells[f"t3|t3.row.{rid}|t3.col.{c}"] = None if v is None else str(v)
    for c, v in zip(T4_COLS, T4):
        cells[f"t4|t4.row.cases|t4.col.{c}"] = str(v)
    return {"file": "synthetic", "year": 2024, "template": "v2021", "partial": False, "cells": cells,
            "notes": "Built by golden/make_fixtures.py from its own value tables; every rule of spec §6 holds. '-' cells are blank (null)."}


PROLOGUE = """示例区2024年政府信息公开工作年度报告
本报告依据《中华人民共和国政府信息公开条例》编制。本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止。
一、总体情况
2024年，示例区全年收到政府信息公开申请 41 件，均在法定期限内答复。
二、主动公开政府信息情况
"""
EPILOGUE = """五、存在的主要问题及改进情况
公开内容的深度和广度还有待提升，下一步将继续加强业务培训。
六、其他需要报告的事项
本年度未收取信息处理费。
"""
T3_HEAD = "三、收到和处理政府信息公开申请情况\n"
T4_HEAD = "四、政府信息公开行政复议、行政诉讼情况\n"
T3_HEADER_ROWS = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
    ["自 然 人", "法人或其他组织", "总计"],
    ["商业 企业", "科研 机构", "社会公益 组织", "法律服务 机构", "其他"],
]
T4_HEADER_ROWS = [
    ["行政复议", "行政诉讼"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
]


def t3_rows_with_groups():
    for rid, label, vals in t3_table():
        cells = ([GROUPS[rid]] if rid in GROUPS else []) + [label] + [fmt(v) for v in vals]
        yield cells


def render_rows(rows, sep=" | ", end=" |"):
    return "".join(sep.join(r) + end + "\n" for r in rows)


def synthetic_pipe_rows():
    """One row a line, cells between pipes (a portal scraper's flattening)."""
    out = PROLOGUE
    for title, heads, rows in T2:
        out += render_rows([[title], ["信息内容"] + heads] + [[label] + vals for _, label, vals, _ in rows])
    out += T3_HEAD + render_rows(T3_HEADER_ROWS + list(t3_rows_with_groups()))
    out += T4_HEAD + render_rows(T4_HEADER_ROWS + [[str(v) for v in T4]])
    return out + EPILOGUE


def synthetic_pipe_cells():
    """One cell a line ending ` |`, rows closed by a padding line (the seed's shape)."""
    def rows_out(rows, width):
        s = ""
        for r in rows:
            s += "".join(c + " |\n" for c in r)
            if len(r) < width:
                s += "|" * (width - len(r)) + "\n"
        return s
    out = PROLOGUE
    for title, heads, rows in T2:
        out += rows_out([[title], ["信息内容"] + heads] + [[label] + vals for _, label, vals, _ in rows], 4)
    out += T3_HEAD + rows_out(T3_HEADER_ROWS + list(t3_rows_with_groups()), 10)
    out += T4_HEAD + rows_out(T4_HEADER_ROWS + [[str(v) for v in T4]], 15)
    return out + EPILOGUE


def synthetic_markdown():
    """Markdown tables as a PDF→markdown converter writes them."""
    def md(rows, width):
        s = ""
        for i, r in enumerate(rows):
            s += "| " + " | ".join(r + [""] * (width - len(r))) + " |\n"
            if i == 0:
                s += "|" + "---|" * width + "\n"
        return s + "\n"
    out = PROLOGUE.replace("一、总体情况", "## 一、总体情况")
    for title, heads, rows in T2:
        out += title + "\n\n" + md([["信息内容"] + heads] + [[label] + vals for _, label, vals, _ in rows], 1 + len(heads))
    out += T3_HEAD + md(T3_HEADER_ROWS + list(t3_rows_with_groups()), 10)
    out += T4_HEAD + md(T4_HEADER_ROWS + [[str(v) for v in T4]], 15)
    return out + EPILOGUE


def synthetic_glued():
    """The whole body on one line with no separators (a crawler's text of a page)."""
    out = PROLOGUE.replace("\n", "")
    for title, heads, rows in T2:
        out += title + "信息内容" + "".join(heads) + "".join(label + "".join(vals) for _, label, vals, _ in rows)
    out += T3_HEAD.strip() + "".join("".join(r) for r in T3_HEADER_ROWS)
    for cells in t3_rows_with_groups():
        out += "".join(cells)
    out += T4_HEAD.strip() + "".join("".join(r) for r in T4_HEADER_ROWS) + "".join(str(v) for v in T4)
    return out + EPILOGUE.replace("\n", "") + "\n"


def synthetic_cell_lines(pipes):
    """Every cell on a line of its own, as portal pages' text comes out of some scrapers:
    with a blank line after each (`pipes` False) or a lone `|` line (`pipes` True)."""
    sep = "|\n" if pipes else "\n"
    def cells_out(rows):
        return "".join(c + "\n" + sep for r in rows for c in r)
    out = PROLOGUE
    for title, heads, rows in T2:
        out += cells_out([[title], ["信息内容"] + heads] + [[label] + vals for _, label, vals, _ in rows])
    out += T3_HEAD + cells_out(T3_HEADER_ROWS + list(t3_rows_with_groups()))
    out += T4_HEAD + cells_out(T4_HEADER_ROWS + [[str(v) for v in T4]])
    return out + EPILOGUE


def synthetic_cases():
    truth = synthetic_truth()
    write("synthetic-2024-cell-lines", synthetic_cell_lines(False).encode("utf-8"), ".txt", truth)
    write("synthetic-2024-pipe-lines", synthetic_cell_lines(True).encode("utf-8"), ".txt", truth)
    write("synthetic-2024-pipe-rows", synthetic_pipe_rows().encode("utf-8"), ".txt", truth)
    write("synthetic-2024-pipe-cells", synthetic_pipe_cells().encode("utf-8"), ".txt", truth)
    write("synthetic-2024-markdown", synthetic_markdown().encode("utf-8"), ".md", truth)
    # Glued, the rules settle t3 and t4 but not the two t2 rows of three numbers: t2 has no
    # rule, so 规章2115 and 行政规范性文件13055 stay ambiguous (the true split among the
    # candidates).
    glued = dict(truth, abstained=6)
    glued["notes"] = truth["notes"] + (
        " Glued into one line: t2 has no rule to split 规章 '2115' (2|1|15) or 行政规范性文件 '13055'"
        " (13|0|55), so those 6 cells are ambiguous, never guessed; every other cell is read."
    )
    write("synthetic-2024-glued", synthetic_glued().encode("utf-8"), ".txt", glued)


# ---------------------------------------------------------------- HTML forms of one real report
SHANGHAI = "013_shanghai_govoffice_2019_cms-body.html"
SHANGHAI_TRUTH = "013_shanghai_govoffice_2019_cms-body.json"

PORTAL_HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>2019年上海市人民政府办公厅政府信息公开工作年度报告_上海市人民政府</title>
<meta name="keywords" content="政府信息公开,年度报告" />
<link rel="stylesheet" type="text/css" href="/css/main.css" />
<style type="text/css">.nav li{float:left} /* 一、总体情况 */</style>
<script type="text/javascript">var crumbs = "首页 > 政务公开 > 一、总体情况"; function fontZoom(s){}</script>
</head>
<body>
<div class="top-bar"><span>简体</span> | <span>繁体</span> | <a href="#">无障碍阅读</a> | <a href="#">长者模式</a> | 网站支持IPv6</div>
<div id="header"><img src="/images/logo.png" alt="中国上海" /></div>
<div class="nav"><ul><li><a href="#">首页</a></li><li><a href="#">要闻动态</a></li><li><a href="#">政务公开</a></li><li><a href="#">政务服务</a></li><li><a href="#">互动交流</a></li><li><a href="#">走进上海</a></li></ul></div>
<div class="position">当前位置：<a href="#">首页</a> &gt; <a href="#">政务公开</a> &gt; <a href="#">政府信息公开年报</a></div>
<table class="metadata" border="0"><tr><td>索引号：</td><td>SH0100-2020-0001</td><td>发布机构：</td><td>上海市人民政府办公厅</td></tr>
<tr><td>发文日期：</td><td>2020-01-31</td><td>主题分类：</td><td>政府信息公开年报</td></tr></table>
<div class="article">
<div class="fontsize">字号：<a href="#" onclick="fontZoom(16)">大</a> <a href="#" onclick="fontZoom(14)">中</a> <a href="#" onclick="fontZoom(12)">小</a></div>
<div id="ivs_content" class="Article_content">
"""
PORTAL_TAIL = """
</div>
<div class="bdsharebuttonbox">分享到：<a href="#" class="bds_weixin">微信</a><a href="#" class="bds_tsina">微博</a><a href="#" class="bds_qzone">QQ空间</a></div>
<p class="ewm-caption">扫一扫在手机上查看当前页面</p>
<p><a href="javascript:window.print()">【打印本页】</a><a href="javascript:window.close()">【关闭窗口】</a></p>
</div>
<div class="footer"><p>主办：上海市人民政府办公厅 承办：上海市大数据中心</p><p>沪ICP备08016393号 沪公网安备31010102002000号 网站标识码：3100000008</p><p>网站地图 | 联系我们 | 网站声明</p></div>
<script type="text/javascript">document.write('<div>二、主动公开政府信息情况</div>');</script>
</body>
</html>
"""


def html_cases():
    body = (CORPUS / SHANGHAI).read_text(encoding="utf-8")
    copy_corpus("shanghai-2019-cms-body", SHANGHAI, SHANGHAI_TRUTH)
    # The body in a portal page, saved in the page's own charset.
    page = PORTAL_HEAD + body + PORTAL_TAIL
    write("shanghai-2019-portal-gb18030", page.encode("gb18030"), ".html", SHANGHAI_TRUTH)
    write("shanghai-2019-word", word_style(body).encode("utf-8"), ".html", SHANGHAI_TRUTH)
    write("shanghai-2019-libreoffice", libreoffice_round_trip(body), ".html", SHANGHAI_TRUTH)
    truth = json.loads((TRUTH / SHANGHAI_TRUTH).read_text(encoding="utf-8"))
    truth["abstained"] = 161
    truth["notes"] = (
        "The Shanghai 2019 body with t2 and t4 flattened to pipe text and t3 run together in one <div>. "
        "That t3 dropped its many empty cells (each row prints fewer numbers than it has cells), so which "
        "cell each number belongs to cannot be told: all 161 t3 cells are missing, none guessed."
    )
    write("shanghai-2019-flattened", flattened(body).encode("utf-8"), ".html", truth)
    write("shanghai-2019-text", as_text(body).encode("utf-8"), ".md", SHANGHAI_TRUTH)


class Tree(HTMLParser):
    """The body as events, kept simple: (kind, tag, attrs | text)."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.events = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.events.append(("start", tag, dict(attrs)))
        if tag != "br":
            self.events.append(("end", tag, None))

    def handle_endtag(self, tag):
        self.events.append(("end", tag, None))

    def handle_data(self, data):
        self.events.append(("text", None, data))


def word_style(body):
    """The report as Microsoft Word saves a document as HTML: MsoNormal paragraphs, spans
    per run (numbers split over runs), <o:p>, conditional comments, mso- styles."""
    out = ["""<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<title>2019年上海市人民政府办公厅政府信息公开工作年度报告</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties><o:Author>办公厅</o:Author><o:Pages>9</o:Pages></o:DocumentProperties>
</xml><![endif]-->
<style>
<!--
 /* Style Definitions */
 p.MsoNormal, li.MsoNormal, div.MsoNormal {mso-style-unhide:no;margin:0cm;text-align:justify;font-size:10.5pt;font-family:等线;}
@page WordSection1 {size:595.3pt 841.9pt;mso-header-margin:42.55pt;}
div.WordSection1 {page:WordSection1;}
-->
</style>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<div class=WordSection1 style='layout-grid:15.6pt'>
"""]
    row = 0
    in_cell = False
    for kind, tag, val in Tree(body).events:
        if kind == "start" and tag == "p":
            style = "text-align:center" if "center" in str(val.get("style", "")) + str(val.get("align", "")) else "text-indent:21.0pt;mso-char-indent-count:2.0"
            out.append(f"<p class=MsoNormal style='{style}'><span style='font-family:仿宋_GB2312;mso-hansi-font-family:\"Times New Roman\"'>")
        elif kind == "end" and tag == "p":
            out.append("<o:p></o:p></span></p>\n")
        elif kind == "start" and tag == "table":
            out.append("<![if !supportMisc]><span style='mso-spacerun:yes'></span><![endif]>\n"
                       "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;mso-yfti-tbllook:1184'>\n")
        elif kind == "start" and tag == "tr":
            out.append(f"<tr style='mso-yfti-irow:{row}'>")
            row += 1
        elif kind == "start" and tag in ("td", "th"):
            spans = "".join(f" {k}={v}" for k, v in val.items() if k in ("colspan", "rowspan"))
            out.append(f"<td{spans} width=100 valign=top style='border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>")
            in_cell = True
        elif kind == "end" and tag in ("td", "th"):
            out.append("</td>\n")
            in_cell = False
        elif kind == "end" and tag in ("tr", "table", "tbody"):
            out.append(f"</{tag}>\n")
        elif kind == "start" and tag == "tbody":
            out.append("<tbody>")
        elif kind == "start" and tag == "br":
            out.append("<br>")
        elif kind == "text":
            text = val.replace("\xa0", " ")
            if in_cell and re.fullmatch(r"\s*\d{2,}\s*", text):
                # Word splits a number over runs when it was typed in two goes.
                d = text.strip()
                out.append(f"<span lang=EN-US>{d[:1]}</span><span lang=EN-US style='mso-bidi-font-size:10.5pt'>{d[1:]}</span>")
            elif text.strip() == "":
                out.append("<o:p>&nbsp;</o:p>" if in_cell else " ")
            else:
                out.append(html.escape(text, quote=False))
    out.append("<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>\n</div>\n</body>\n</html>\n")
    return "".join(out)


def libreoffice_round_trip(body):
    """HTML → DOCX → HTML with LibreOffice, as a report that went through Word does."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "report.html"
        src.write_text(body, encoding="utf-8")
        profile = f"-env:UserInstallation=file://{tmp}/profile"
        run = lambda *a: subprocess.run(["soffice", profile, "--headless", *a], check=True, capture_output=True, cwd=tmp)
        run("--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp / "docx"), str(src))
        run("--convert-to", "html:XHTML Writer File:UTF8", "--outdir", str(tmp / "html"), str(tmp / "docx" / "report.docx"))
        return (tmp / "html" / "report.html").read_bytes()


def grids(body):
    """The body's text blocks and tables, tables as rows of (text, rowspan, colspan)."""
    items = []
    table = None
    cell = None
    para = []
    for kind, tag, val in Tree(body).events:
        if kind == "start" and tag == "table":
            table = []
        elif kind == "end" and tag == "table":
            items.append(("table", table))
            table = None
        elif kind == "start" and tag == "tr" and table is not None:
            table.append([])
        elif kind == "start" and tag in ("td", "th") and table is not None:
            cell = [val.get("rowspan", "1"), val.get("colspan", "1"), []]
        elif kind == "end" and tag in ("td", "th") and table is not None:
            text = "".join(cell[2]).replace("\xa0", " ").strip()
            table[-1].append((re.sub(r"\s+", "", text), cell[0], cell[1]))
            cell = None
        elif kind == "text" and cell is not None:
            cell[2].append(val)
        elif kind == "text" and table is None:
            para.append(val)
        elif kind == "end" and tag == "p" and table is None:
            text = "".join(para).strip()
            if text:
                items.append(("p", text))
            para = []
    return items


def flattened(body):
    """What some portals publish: the tables already flattened — t2 and t4 to pipe text
    inside <p> with <br>, t3 to a glued <div> (cells run together, as a crawler's text of
    an inline page)."""
    out = ["<html><head><meta charset='utf-8'><title>2019年上海市人民政府办公厅政府信息公开工作年度报告</title></head><body><div class='TRS_Editor'>\n"]
    n = 0
    for kind, val in grids(body):
        if kind == "p":
            out.append(f"<p>{html.escape(val)}</p>\n")
            continue
        n += 1
        if n == 2:
            cells = [c for row in val for (c, _, _) in row if c]
            out.append("<div>" + " ".join(html.escape(c) for c in cells) + "</div>\n")
        else:
            lines = [" | ".join(html.escape(c) for (c, _, _) in row) + " |" for row in val]
            out.append("<p>" + "<br/>\n".join(lines) + "</p>\n")
    out.append("</div></body></html>\n")
    return "".join(out)


def as_text(body):
    """The same report as markdown text (tables as pipe rows, empty cells kept)."""
    return as_text_items(grids(body))


def as_text_items(items):
    """Paragraphs and tables (grids()) as markdown text."""
    out = []
    for kind, val in items:
        if kind == "p":
            out.append(val + "\n")
        else:
            out.append("\n")
            for i, row in enumerate(val):
                out.append("| " + " | ".join(c for (c, _, _) in row) + " |\n")
                if i == 0:
                    out.append("|" + "---|" * len(row) + "\n")
            out.append("\n")
    return "".join(out)


# ---------------------------------------------------------------- DOCX and ODT of one real report
def office_cases():
    body = (CORPUS / SHANGHAI).read_text(encoding="utf-8")
    docx = libreoffice_convert(body, "docx:MS Word 2007 XML", "docx")
    write("shanghai-2019-docx", docx, ".docx", SHANGHAI_TRUTH)
    write("shanghai-2019-odt", libreoffice_convert(body, "odt", "odt"), ".odt", SHANGHAI_TRUTH)
    write("shanghai-2019-docx-word", word_docx(docx), ".docx", SHANGHAI_TRUTH)


def libreoffice_convert(body, filter_, ext):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "report.html").write_text(body, encoding="utf-8")
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", filter_,
             "--outdir", str(tmp / "out"), str(tmp / "report.html")],
            check=True, capture_output=True, cwd=tmp,
        )
        return (tmp / "out" / f"report.{ext}").read_bytes()


NUMBERING = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>
"""
HEADER = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>上海市人民政府办公厅（页眉）</w:t></w:r></w:p></w:hdr>
"""
FOOTER = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>第 </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t> 页（页脚）</w:t></w:r></w:p></w:ftr>
"""
TEXT_BOX = (
    '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    '<mc:Choice Requires="wps"><w:drawing><wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData><wps:wsp xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wps:txbx><w:txbxContent><w:p><w:r><w:t>（文本框）本报告数据截至2019年12月31日。</w:t></w:r></w:p></w:txbxContent></wps:txbx>'
    '</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
    '<mc:Fallback><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent><w:p><w:r><w:t>（文本框）本报告数据截至2019年12月31日。</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>'
    '</mc:AlternateContent></w:r>'
)


def word_docx(docx):
    """The LibreOffice DOCX as Word would have it: continuation cells as <w:vMerge/>, the
    section and item numbers (一、 （一）) in numbering.xml instead of the text, a number
    typed in two runs, a text box (with its VML fallback twin), deleted text, a page field
    and a header and footer in their own parts."""
    import io
    import zipfile
    src = zipfile.ZipFile(io.BytesIO(docx))
    parts = {n: src.read(n) for n in src.namelist()}
    doc = parts["word/document.xml"].decode("utf-8")
    doc = doc.replace('<w:vMerge w:val="continue"/>', "<w:vMerge/>")
    doc = doc.replace("<w:t>859</w:t>", "<w:t>8</w:t></w:r><w:r><w:rPr></w:rPr><w:t>59</w:t>", 1)
    # Numbers out of the body text (not the tables) into numbering.
    pieces = re.split(r"(<w:tbl>.*?</w:tbl>)", doc, flags=re.S)
    numbered = {"一、": 0, "二、": 0, "三、": 0, "四、": 0, "五、": 0, "六、": 0,
                "（一）": 1, "（二）": 1, "（三）": 1, "（四）": 1, "（五）": 1}
    def renumber(m):
        p = m.group(0)
        for prefix, level in numbered.items():
            t = p.find("<w:t>" + prefix)
            if t != -1 and p.find("<w:t>") == t:
                p = p.replace("<w:t>" + prefix, "<w:t>", 1)
                num = f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="1"/></w:numPr>'
                return p.replace("<w:pPr>", "<w:pPr>" + num, 1)
        return p
    for i in range(0, len(pieces), 2):
        pieces[i] = re.sub(r"<w:p>.*?</w:p>", renumber, pieces[i], flags=re.S)
    doc = "".join(pieces)
    # The text box, deleted text and a field in the closing paragraph (无。).
    doc = doc.replace("<w:t>无。</w:t></w:r>",
                      "<w:t>无。</w:t></w:r><w:del w:id=\"1\" w:author=\"x\"><w:r><w:delText>（已删除的文字）</w:delText></w:r></w:del>" + TEXT_BOX, 1)
    doc = doc.replace("<w:sectPr>", '<w:sectPr><w:headerReference w:type="default" r:id="rIdHdr1"/><w:footerReference w:type="default" r:id="rIdFtr1"/>', 1)
    if "xmlns:r=" not in doc[:2000]:
        doc = doc.replace("<w:document ", '<w:document xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ', 1)
    assert doc.count("<w:vMerge/>") > 10 and doc.count("<w:numPr>") >= 13, (doc.count("<w:vMerge/>"), doc.count("<w:numPr>"))
    parts["word/document.xml"] = doc.encode("utf-8")
    parts["word/numbering.xml"] = NUMBERING.encode("utf-8")
    parts["word/header1.xml"] = HEADER.encode("utf-8")
    parts["word/footer1.xml"] = FOOTER.encode("utf-8")
    rels = parts["word/_rels/document.xml.rels"].decode("utf-8")
    rels = rels.replace("</Relationships>",
        '<Relationship Id="rIdNum1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
        '<Relationship Id="rIdHdr1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
        '<Relationship Id="rIdFtr1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
        "</Relationships>")
    parts["word/_rels/document.xml.rels"] = rels.encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    types = types.replace("</Types>",
        '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
        '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
        '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
        "</Types>")
    parts["[Content_Types].xml"] = types.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist() + [n for n in parts if n not in src.namelist()]:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, parts[name])
    return out.getvalue()


# ---------------------------------------------------------------- issue 13: the last cells
KEWEI = "009_shanghai_kewei_2024_pdf2md.md"
KEWEI_TRUTH = "009_shanghai_kewei_2024_pdf2md.json"

# Simplified → traditional for the characters of kewei's t2 (as a mirror site converts
# them); written out here so that the fixture does not depend on gongkai's own table.
TRADITIONAL = str.maketrans(
    "内处决数许罚强费额单万业动开况发废现规范报二",
    "內處決數許罰強費額單萬業動開況發廢現規範報二",
)


def t2_without_section_lines():
    """Kewei 2024 with its t2 in traditional script and every 第二十条第（…）项 line gone:
    its t2 starts at the header row `信息內容本年處理決定數量` (issue 13 item 2)."""
    text = (CORPUS / KEWEI).read_text(encoding="utf-8")
    start = text.index("一、主动公开政府信息情况")
    end = text.index("二、收到和处理政府信息公开申请情况")
    t2 = [l for l in text[start:end].split("\n") if "第二十条" not in l]
    assert len(t2) < len(text[start:end].split("\n")) - 3
    t2 = "\n".join(t2).translate(TRADITIONAL)
    assert "第二十" not in t2 and "信息內容" in t2 and "本年制發件數" in t2, t2
    truth = json.loads((TRUTH / KEWEI_TRUTH).read_text(encoding="utf-8"))
    truth["notes"] = (
        "009_shanghai_kewei_2024_pdf2md.md with its t2 (from 一、主动公开政府信息情况 to the next section) "
        "in traditional script and its 第二十条第（…）项 lines deleted: the table starts at the header row "
        "信息內容本年處理決定數量. Cells as in the corpus truth. " + truth["notes"]
    )
    write("kewei-2024-t2-headers-only", (text[:start] + t2 + text[end:]).encode("utf-8"), ".md", truth)


def unit_in_header():
    """Shanghai 2019 whose 采购总金额 header prints the unit (`采购总金额（元）`) and whose cell
    prints the bare number `251000` (issue 13 item 5): the cell's unit comes from its header."""
    body = (CORPUS / SHANGHAI).read_text(encoding="utf-8")
    assert body.count("<p align=\"center\">采购总金额</p>") == 1 and body.count(">251000元<") == 1
    body = body.replace("<p align=\"center\">采购总金额</p>", "<p align=\"center\">采购总金额（元）</p>")
    body = body.replace(">251000元<", ">251000<")
    truth = json.loads((TRUTH / SHANGHAI_TRUTH).read_text(encoding="utf-8"))
    assert truth["cells"]["t2|t2.row.central_procurement|t2.col.procurement_amount"] == "251000"
    truth["notes"] = (
        "013_shanghai_govoffice_2019_cms-body.html with the unit moved from the 采购总金额 cell ('251000元') "
        "into its header ('采购总金额（元）'): the value is unchanged, its unit is 元. " + truth["notes"]
    )
    write("shanghai-2019-unit-in-header", body.encode("utf-8"), ".html", truth)


def blank_template_docx():
    """The Shanghai 2019 DOCX (golden/shanghai-2019-docx, made by LibreOffice) with every
    number in its three tables deleted, the cell left as the no-break space LibreOffice
    writes for an empty cell: the national template as printed blank (issue 13 item 7).
    Every cell of the truth is then printed empty (null)."""
    import io
    import zipfile
    src = zipfile.ZipFile(ROOT / "shanghai-2019-docx" / "input.docx")
    parts = {n: src.read(n) for n in src.namelist()}
    doc = parts["word/document.xml"].decode("utf-8")
    pieces = re.split(r"(<w:tbl>.*?</w:tbl>)", doc, flags=re.S)
    assert len(pieces) == 7, len(pieces)
    emptied = 0
    for i in range(1, len(pieces), 2):
        pieces[i], n = re.subn(r"<w:t>[0-9]+</w:t>", "<w:t>\u00a0</w:t>", pieces[i])
        emptied += n
        # `251000元` is written in two runs: the unit goes with its number.
        pieces[i], units = re.subn(r"<w:t>元</w:t>", "<w:t></w:t>", pieces[i])
        assert units == (1 if i == 1 else 0), (i, units)
    # What is left with a digit is a label's numbering (`1.`), split into its own run.
    left = re.findall(r"<w:t>([^<]*[0-9][^<]*)</w:t>", "".join(pieces[1::2]))
    assert all(re.fullmatch(r"[0-9]\.", t) for t in left), left
    parts["word/document.xml"] = "".join(pieces).encode("utf-8")
    truth = json.loads((TRUTH / SHANGHAI_TRUTH).read_text(encoding="utf-8"))
    printed = sum(1 for v in truth["cells"].values() if v is not None)
    assert emptied == printed, (emptied, printed)
    truth["cells"] = {k: None for k in truth["cells"]}
    truth["notes"] = (
        f"golden/shanghai-2019-docx/input.docx with the {emptied} numbers of its three tables deleted (each cell "
        "left as LibreOffice's empty cell, a no-break space): every cell is printed empty (null). The prose "
        "still states the 2019 figures. Made from the corpus's 013_shanghai_govoffice_2019_cms-body.html."
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, parts[name])
    write("shanghai-2019-docx-blank-template", out.getvalue(), ".docx", truth)


def seed_shape(items):
    """Paragraphs and tables in the seed's pipe-cell shape (000_fcf6f2f4fa3c5b01.txt): every
    cell a line `text |`, an empty cell a lone `|`, and after each row a padding line of one
    pipe more than the cells it lacks of the table's widest row (`|` after a full row)."""
    out = []
    for kind, val in items:
        if kind == "p":
            out.append(val + "\n")
            continue
        width = max(len(row) for row in val)
        for row in val:
            out.extend((c + " |" if c else "|") + "\n" for c in row)
            out.append("|" * (width - len(row) + 1) + "\n")
    return "".join(out)


HONGZE = "001_huaian_hongze_2023.json"
HONGZE_T3_LABELS = [
    # (row, group label printed in the row's first cell, label)
    ("new_requests", None, "一、本年新收政府信息公开申请数量"),
    ("carried_over", None, "二、上年结转政府信息公开申请数量"),
    ("granted", "三、本年度办理结果", "（一）予以公开"),
    ("partial", None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied.state_secret", "（三）不予公开", "1.属于国家秘密"),
    ("denied.law_prohibited", None, "2.其他法律行政法规禁止公开"),
    ("denied.security_stability", None, "3.危及“三安全一稳定”"),
    ("denied.third_party", None, "4.保护第三方合法权益"),
    ("denied.internal_affairs", None, "5.属于三类内部事务信息"),
    ("denied.process_info", None, "6.属于四类过程性信息"),
    ("denied.enforcement_file", None, "7.属于行政执法案卷"),
    ("denied.admin_query", None, "8.属于行政查询事项"),
    ("unable.not_held", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unable.needs_creation", None, "2.没有现成信息需要另行制作"),
    ("unable.still_unclear", None, "3.补正后申请内容仍不明确"),
    ("not_processed.petition", "（五）不予处理", "1.信访举报投诉类申请"),
    ("not_processed.repeat", None, "2.重复申请"),
    ("not_processed.publication", None, "3.要求提供公开出版物"),
    ("not_processed.excessive", None, "4.无正当理由大量反复申请"),
    ("not_processed.confirm_reissue", None, "5.要求行政机关确认或重新出具已获取信息"),
    ("other", None, "（六）其他处理"),
    ("results_total", None, "（七）总计"),
    ("carried_forward", None, "四、结转下年度继续办理"),
]


def hongze_seed_shape():
    """洪泽 2023's truth (the PDF's values) printed in the seed's shape, with the zero cells
    of 科研机构, 社会公益组织, 法律服务机构 and 其他 printed empty as in
    hongze-2023-layout-blanks: 88 lone `|` cells among the rows' padding (issue 13 item 1)."""
    truth = json.loads((TRUTH / HONGZE).read_text(encoding="utf-8"))
    cells = truth["cells"]
    small = ["org_research", "org_public_welfare", "org_legal_services", "org_other"]
    for rid, _, _ in HONGZE_T3_LABELS:
        for c in small:
            key = f"t3|t3.row.{rid}|t3.col.{c}"
            if cells[key] == "0":
                cells[key] = None
    shown = lambda key: cells[key] or ""
    t2 = []
    for title, heads, rows in T2:
        t2.append([title])
        t2.append(["信息内容"] + heads)
        for rid, label, _, cols in rows:
            t2.append([label] + [shown(f"t2|t2.row.{rid}|t2.col.{c}") for c in cols])
    t3 = [list(r) for r in T3_HEADER_ROWS]
    for rid, group, label in HONGZE_T3_LABELS:
        values = [shown(f"t3|t3.row.{rid}|t3.col.{c}") for c in COLS + ["total"]]
        t3.append(([group] if group else []) + [label] + values)
    t4 = [list(r) for r in T4_HEADER_ROWS] + [[shown(f"t4|t4.row.cases|t4.col.{c}") for c in T4_COLS]]
    items = [
        ("p", "洪泽区人民政府2023年政府信息公开工作年度报告"),
        ("p", "一、总体情况"),
        ("p", "2023年，洪泽区人民政府认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进政务公开工作。"),
        ("p", "二、主动公开政府信息情况"),
        ("table", t2),
        ("p", "三、收到和处理政府信息公开申请情况"),
        ("table", t3),
        ("p", "四、政府信息公开行政复议、行政诉讼情况"),
        ("table", t4),
        ("p", "五、存在的主要问题及改进情况"),
        ("p", "政务公开工作与群众期盼仍有差距，下一步将持续改进。"),
        ("p", "六、其他需要报告的事项"),
        ("p", "无。"),
    ]
    blanks = sum(1 for v in cells.values() if v is None)
    truth["cells"] = cells
    truth["notes"] = (
        f"The values of 001_huaian_hongze_2023.json printed in the seed's pipe-cell shape by golden/make_fixtures.py "
        f"(template labels, the PDF's single （六）其他处理 row), with the {blanks} zero cells of the four small applicant "
        "columns printed empty (a lone '|' line, null here) as in hongze-2023-layout-blanks. " + truth["notes"]
    )
    write("hongze-2023-seed-shape", seed_shape(items).encode("utf-8"), ".txt", truth)


def shanghai_seed_shape():
    """Shanghai 2019's HTML (135 empty cells) printed in the seed's shape: each td a line,
    an empty td a lone `|` (issue 13 item 1)."""
    items = shanghai_seed_items()
    truth = json.loads((TRUTH / SHANGHAI_TRUTH).read_text(encoding="utf-8"))
    truth["notes"] = (
        "013_shanghai_govoffice_2019_cms-body.html printed in the seed's pipe-cell shape by golden/make_fixtures.py: "
        "paragraphs as lines, every td a line 'text |', an empty td a lone '|', each row closed by the padding line "
        "of 000_fcf6f2f4fa3c5b01.txt. " + truth["notes"]
    )
    write("shanghai-2019-seed-shape", seed_shape(items).encode("utf-8"), ".txt", truth)


def glued_with_prose():
    """synthetic-2024-glued whose 总体情况 states what t2 issued (`制发规章2件，制发行政规范性
    文件13件`): the prose chooses among the readings every rule allows (issue 13 item 4).
    行政规范性文件 13055 is then 13|0|55; 规章 2115 keeps 2|1|15 and 2|11|5."""
    sentence = "全年制发规章2件，制发行政规范性文件13件。"
    anchor = "均在法定期限内答复。"
    text = synthetic_glued()
    assert text.count(anchor) == 1
    text = text.replace(anchor, anchor + sentence)
    truth = dict(synthetic_truth(), abstained=2)
    truth["notes"] = truth["notes"] + (
        " Glued into one line (synthetic-2024-glued), with the sentence '" + sentence + "' in 一、总体情况: "
        "the prose pins 行政规范性文件 '13055' to 13|0|55 and the first cell of 规章 '2115' to 2; 规章's other "
        "two cells stay ambiguous (1|15 or 11|5), the true split among the candidates."
    )
    write("synthetic-2024-glued-prose", text.encode("utf-8"), ".txt", truth)


def cut_at_right_edge():
    """Shanghai 2019 as markdown (as_text) with t3 cut after its fourth applicant column, as a
    wide table printed past the page's right edge leaves it (issue 13 item 6): the header
    keeps 自然人 | 法人或其他组织 and 商业企业 | 科研机构 | 社会公益组织, every row its labels and
    four cells; 法律服务机构, 其他 and 总计 are not in the file. Truth: t2, t4 and those four
    columns of t3."""
    kept = ["natural_person", "org_commercial", "org_research", "org_public_welfare"]
    items = grids((CORPUS / SHANGHAI).read_text(encoding="utf-8"))
    tables = [i for i, (kind, _) in enumerate(items) if kind == "table"]
    t3 = items[tables[1]][1]
    assert [c for (c, _, _) in t3[2]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    cut = [t3[0], t3[1][:2], t3[2][:3]]
    for row in t3[3:]:
        labels = len(row) - 7
        cut.append(row[:labels + len(kept)])
    items[tables[1]] = ("table", cut)
    truth = partial_truth(
        SHANGHAI_TRUTH,
        lambda k: not k.startswith("t3|") or k.split("|t3.col.")[1] in kept,
        "013_shanghai_govoffice_2019_cms-body.html as markdown (golden/make_fixtures.py as_text) with t3 cut after "
        "社会公益组织, header and rows alike: the cells of 法律服务机构, 其他 and 总计 are not in the file and not in "
        "this truth. ",
    )
    write("shanghai-2019-cut-at-right-edge", as_text_items(items).encode("utf-8"), ".md", truth)


def shanghai_seed_items():
    """Shanghai 2019's HTML as the seed's shape prints it (shanghai_seed_shape): paragraphs,
    and tables as rows of cell texts."""
    body = (CORPUS / SHANGHAI).read_text(encoding="utf-8")
    return [(k, v if k == "p" else [[c for (c, _, _) in row] for row in v]) for k, v in grids(body)]


NO_CHANGE_WORDS = ["未增未减", "无增减", "无变化", "未变化"]


def change_in_words():
    """Shanghai 2019 in the seed's shape with every 本年增/减 cell of t2 (all 0) printed as a
    word for no change, as 始兴 2020 prints `未增未减` (real page 16): the value is 0."""
    items = shanghai_seed_items()
    t2 = next(v for k, v in items if k == "table")
    column, words = None, 0
    for row in t2:
        if row[0] == "信息内容":
            column = row.index("本年增/减") if "本年增/减" in row else None
        elif column is not None and len(row) > column:
            assert row[column] == "0", row
            row[column] = NO_CHANGE_WORDS[words % len(NO_CHANGE_WORDS)]
            words += 1
    assert words == 5, words
    truth = json.loads((TRUTH / SHANGHAI_TRUTH).read_text(encoding="utf-8"))
    assert all(v == "0" for k, v in truth["cells"].items() if "|t2.col.change" in k)
    truth["notes"] = (
        "013_shanghai_govoffice_2019_cms-body.html in the seed's pipe-cell shape (as shanghai-2019-seed-shape) "
        "with its five 本年增/减 cells, 0 in the HTML, printed as the words " + " / ".join(NO_CHANGE_WORDS) +
        " (no change: 0). " + truth["notes"]
    )
    write("shanghai-2019-seed-shape-change-words", seed_shape(items).encode("utf-8"), ".txt", truth)


def cut_before_last_pipe():
    """Shanghai 2019 in the seed's shape cut as a crawl that keeps a page's first bytes cuts
    it (real pages 23, 25): right after the space of `18 |`, the last cell of t3's
    上年结转 row, so that cell has no closing pipe. Truth: t2, and t3's first two rows."""
    lines = seed_shape(shanghai_seed_items()).split("\n")
    label = next(i for i, l in enumerate(lines) if l.startswith("二、上年结转"))
    total = label + 7  # the row's seventh cell
    assert lines[total] == "18 |", lines[label:total + 1]
    text = "\n".join(lines[:total] + ["18 "])
    rows = ("|t3.row.new_requests|", "|t3.row.carried_over|")
    truth = partial_truth(
        SHANGHAI_TRUTH,
        lambda k: k.startswith("t2|") or any(r in k for r in rows),
        "013_shanghai_govoffice_2019_cms-body.html in the seed's pipe-cell shape (as shanghai-2019-seed-shape), "
        "cut after '18 ', the total of 二、上年结转 without its closing pipe. Truth: t2 and the two t3 rows in "
        "the file. ",
    )
    assert truth["cells"]["t3|t3.row.carried_over|t3.col.total"] == "18"
    write("shanghai-2019-seed-shape-cut", text.encode("utf-8"), ".txt", truth)


MEILIE = "000_fcf6f2f4fa3c5b01.json"


def signed_change_empty_decisions():
    """梅列 2020's t2 (its truth's values) with every cell on a line of its own and a blank line
    between, as real page 31 prints it: 本年增/减 written with its sign (`+74`) and the
    处理决定数量 of 行政许可, 其他对外管理服务事项 and 行政处罚 printed empty, so that nothing of
    them is left (the empty cell vanishes). The sign puts each number in its column; the
    cells left are empty. Truth: t2 only, those three cells null."""
    truth = json.loads((TRUTH / MEILIE).read_text(encoding="utf-8"))
    cells = {k: v for k, v in truth["cells"].items() if k.startswith("t2|")}
    vanished = ["licensing", "other_mgmt_services", "penalty"]
    blocks = [
        ("第二十条第(一)项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
         [("regulations", "规章"), ("normative_docs", "规范性文件")], ["newly_made", "newly_published", "total_published"]),
        ("第二十条第(五)项", ["上一年项目数量", "本年增/减", "处理决定数量"],
         [("licensing", "行政许可"), ("other_mgmt_services", "其他对外管理服务事项")], ["prev_year_items", "change", "decisions"]),
        ("第二十条第(六)项", ["上一年项目数量", "本年增/减", "处理决定数量"],
         [("penalty", "行政处罚"), ("coercion", "行政强制")], ["prev_year_items", "change", "decisions"]),
        ("第二十条第(八)项", ["上一年项目数量", "本年增/减"], [("admin_fees", "行政事业性收费")], ["prev_year_items", "change"]),
        ("第二十条第(九)项", ["采购项目数量", "采购总金额"], [("central_procurement", "政府集中采购")],
         ["procurement_items", "procurement_amount"]),
    ]
    lines = ["梅列区2020年政府信息公开工作年度报告", "一、总体情况", "2020年,我区全面推进政务公开工作。",
             "二、主动公开政府信息情况"]
    printed = 0
    for title, heads, rows, cols in blocks:
        lines += [title, "信息内容"] + heads
        for rid, label in rows:
            lines.append(label)
            for col in cols:
                key = f"t2|t2.row.{rid}|t2.col.{col}"
                if rid in vanished and col == "decisions":
                    cells[key] = None
                    continue
                value = cells[key]
                signed = col == "change" and rid in vanished + ["admin_fees"] and value != "0"
                lines.append(("+" if signed else "") + value)
                printed += 1
    assert printed == len(cells) - len(vanished) == 19
    lines += ["三、收到和处理政府信息公开申请情况", "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"]
    truth["cells"] = cells
    truth["partial"] = True
    truth["notes"] = (
        "The t2 values of 000_fcf6f2f4fa3c5b01.json printed by golden/make_fixtures.py one cell a line with blank "
        "lines between (real page 31's shape), 本年增/减 of 行政许可, 其他对外管理服务事项, 行政处罚 and 行政事业性收费 "
        "with a '+', and the 处理决定数量 of the first three printed empty (not printed at all): null here. "
        "Title line added; no t3, t4. " + truth["notes"]
    )
    write("meilie-2020-cell-lines-signed", ("\n\n".join(lines) + "\n").encode("utf-8"), ".txt", truth)


def real_page_shape_cases():
    change_in_words()
    cut_before_last_pipe()
    signed_change_empty_decisions()


NBSP = "\u00a0"


def meilie_cells():
    """梅列 2020's lines as cells: the seed's ` |` taken off each cell, the `|` padding lines
    dropped, headings kept."""
    text = (CORPUS / "000_fcf6f2f4fa3c5b01.txt").read_text(encoding="utf-8")
    out = []
    for line in text.split("\n"):
        t = line.strip()
        if not t.strip("|").strip():
            continue
        out.append(t[:-1].rstrip() if t.endswith(" |") else t)
    return out


def is_number(cell):
    return re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", cell) is not None


def meilie_rows(cells, labels):
    """The numbers after each row label in `cells`, by label: {label: (index, [numbers])}."""
    rows = {}
    for i, c in enumerate(cells):
        if c in labels:
            k = i + 1
            while k < len(cells) and is_number(cells[k]):
                k += 1
            rows[c] = (i, cells[i + 1:k])
    return rows


T2_LABELS = {"规章": "regulations", "规范性文件": "normative_docs", "行政许可": "licensing",
             "其他对外管理服务事项": "other_mgmt_services", "行政处罚": "penalty", "行政强制": "coercion",
             "行政事业性收费": "admin_fees", "政府集中采购": "central_procurement"}


def rows_printed_empty():
    """梅列 2020 as real page 31 prints its tables (and page 17 its units): every cell on a
    line of its own with a blank line between. 规章 and 其他对外管理服务事项 print their cells
    as no-break spaces, 行政事业性收费 prints nothing at all, t3 prints its labels only (a blank
    table: every cell empty, up to the next section's heading), and 政府集中采购 prints its
    count with the unit 批次 (`76批次`, page 17's `31批次`) and its amount with 元. Truth:
    梅列's values, null for the cells printed empty."""
    cells = meilie_cells()
    truth = json.loads((TRUTH / MEILIE).read_text(encoding="utf-8"))
    t3_start = cells.index("三、收到和处理政府信息公开申请情况")
    t4_start = cells.index("四、政府信息公开行政复议、行政诉讼情况")
    rows = meilie_rows(cells[:t3_start], T2_LABELS)
    printed_empty = {"规章": [NBSP * 2, NBSP], "其他对外管理服务事项": [NBSP * 3], "行政事业性收费": []}
    out = []
    skip = set()
    for label, (i, values) in rows.items():
        skip.update(range(i + 1, i + 1 + len(values)))
    for i, c in enumerate(cells[:t3_start]):
        if i in skip:
            continue
        out.append(c)
        if c in rows:
            values = rows[c][1]
            if c in printed_empty:
                out += printed_empty[c]
                for k in truth["cells"]:
                    if k.startswith(f"t2|t2.row.{T2_LABELS[c]}|"):
                        truth["cells"][k] = None
            elif c == "政府集中采购":
                assert values == ["76", "21756705"], values
                out += ["76批次", "21756705元"]
            else:
                out += values
    # t3: its header and row labels only.
    out += [c for c in cells[t3_start:t4_start] if not is_number(c)]
    for k in truth["cells"]:
        if k.startswith("t3|"):
            truth["cells"][k] = None
    out += cells[t4_start:]
    truth["notes"] = (
        "000_fcf6f2f4fa3c5b01.txt printed by golden/make_fixtures.py as real page 31 prints its tables: each "
        "cell on a line of its own, a blank line between. 规章 and 其他对外管理服务事项 print no-break spaces "
        "for their cells, 行政事业性收费 nothing; t3 prints only its header and row labels (a blank table). "
        "Those cells are null here. 政府集中采购 prints '76批次' and '21756705元' (real page 17's units). "
        + truth["notes"]
    )
    write("meilie-2020-cell-lines-empty-rows", ("\n\n".join(out) + "\n").encode("utf-8"), ".txt", truth)


def flattened_pipe_line():
    """梅列 2020 with its t2 flattened onto one line of pipes as real page 47 prints it
    (`规章 | | | | 行政规范性文件 | 4 | 0 | 4 |`): an empty cell is nothing between two pipes.
    规章 prints all three cells empty, 行政处罚 its 本年增/减, and 政府集中采购, the line's last
    row, prints nothing before the `|` line and the next section's heading. t3 and t4 as the
    seed prints them. Truth: 梅列's values, null for the cells printed empty."""
    text = (CORPUS / "000_fcf6f2f4fa3c5b01.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    start = lines.index("二、主动公开政府信息情况")
    end = lines.index("三、收到和处理政府信息公开申请情况")
    cells = meilie_cells()
    t2 = cells[cells.index("二、主动公开政府信息情况") + 1:cells.index("三、收到和处理政府信息公开申请情况")]
    rows = meilie_rows(t2, T2_LABELS)
    truth = json.loads((TRUTH / MEILIE).read_text(encoding="utf-8"))
    emptied = {"规章": [0, 1, 2], "行政处罚": [1], "政府集中采购": [0, 1]}
    for label, cols in emptied.items():
        i, values = rows[label]
        for c in cols:
            t2[i + 1 + c] = ""
            rid = T2_LABELS[label]
            keys = [k for k in truth["cells"] if k.startswith(f"t2|t2.row.{rid}|")]
            truth["cells"][keys[c]] = None
    last = rows["政府集中采购"][0]
    assert last + 3 == len(t2), t2[last:]
    line = "二、主动公开政府信息情况 " + " ".join(c + " |" if c else "|" for c in t2[:last + 1])
    text = "\n".join(lines[:start] + [line, "|"] + lines[end:])
    truth["notes"] = (
        "000_fcf6f2f4fa3c5b01.txt with its t2 flattened by golden/make_fixtures.py onto one line of pipes "
        "(real page 47's shape): 规章's three cells, 行政处罚's 本年增/减 and 政府集中采购's two cells printed "
        "empty (nothing between two pipes; 政府集中采购, the line's last row, ends the line) and null here. "
        + truth["notes"]
    )
    write("meilie-2020-flattened-pipe-line", text.encode("utf-8"), ".txt", truth)


def bordered_cell_lines():
    """梅列 2020's t2 as real page 22 prints its tables: each row's first cell opens with the
    row's left border (`| 规章`), every cell is followed by a lone `|` line, block titles by
    a `|||` padding line; the page is cut after the label of its last row. Truth: t2 less
    the cut row (its cells lie past the cut)."""
    cells = meilie_cells()
    t2 = cells[cells.index("二、主动公开政府信息情况") + 1:cells.index("三、收到和处理政府信息公开申请情况")]
    rows = meilie_rows(t2, T2_LABELS)
    firsts = set(i for i, _ in rows.values()) | {i for i, c in enumerate(t2) if c.startswith(("第二十条", "信息内容"))}
    out = cells[:cells.index("二、主动公开政府信息情况") + 1]
    for i, c in enumerate(t2):
        if c.startswith("第二十条"):
            out += ["| " + c, "|", "|||"]
        else:
            out += ["| " + c if i in firsts else c, "|"]
    cut = out.index("| 政府集中采购")
    text = "\n".join(out[:cut + 1])
    truth = partial_truth(
        MEILIE,
        lambda k: k.startswith("t2|") and "central_procurement" not in k,
        "The t2 of 000_fcf6f2f4fa3c5b01.txt printed by golden/make_fixtures.py as real page 22 prints its "
        "tables: '| 规章' / '|' / '0' / '|' …, block titles followed by '|' and '|||', cut after the label "
        "'| 政府集中采购' (its cells lie past the cut: not in this truth; no t3, t4). ",
    )
    write("meilie-2020-bordered-cell-lines", text.encode("utf-8"), ".txt", truth)


def empty_cell_shape_cases():
    rows_printed_empty()
    flattened_pipe_line()
    bordered_cell_lines()


def issue13_cases():
    t2_without_section_lines()
    unit_in_header()
    blank_template_docx()
    hongze_seed_shape()
    shanghai_seed_shape()
    glued_with_prose()
    cut_at_right_edge()


CASE_GROUPS = {
    "corpus": corpus_cases,
    "encoding": encoding_cases,
    "layout": layout_cases,
    "no-report": no_report_cases,
    "synthetic": synthetic_cases,
    "html": html_cases,
    "office": office_cases,
    "issue13": issue13_cases,
    "real-page-shapes": real_page_shape_cases,
    "empty-cell-shapes": empty_cell_shape_cases,
}


def main():
    """Makes every case, or only the groups named (`python3 golden/make_fixtures.py issue13`):
    the LibreOffice conversions are not byte-stable across versions, so a new group need
    not rewrite the others."""
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS} not found: run from the project root with ../shared beside it")
    names = sys.argv[1:] or list(CASE_GROUPS)
    unknown = [n for n in names if n not in CASE_GROUPS]
    if unknown:
        sys.exit(f"unknown group(s) {unknown}; groups: {' '.join(CASE_GROUPS)}")
    for name in names:
        CASE_GROUPS[name]()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A second, mechanical reading of the pages, to catch slips in the hand labels.

usage: check_labels.py

For every labelled row it finds the row's printed label in the page (pinyin glosses
removed, a few traditional characters mapped) and reads the numbers printed after it up to
the next row label or section line. The numbers must be, in order, the row's labelled
values (blank cells are not printed, so they are skipped). It also checks the t3 row sums
(R-T3-ROWSUM) of fully labelled rows and reports the pages that break them. It knows
nothing of gongkai; it exits 1 on any disagreement.
"""
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
T2S = str.maketrans("規許處罰強發製廢現數內項條費業計結轉請辦總關範檔開", "规许处罚强发制废现数内项条费业计结转请办总关范档开")
GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+\)")
ROW_LABELS = {
    "t2.row.regulations": r"规章", "t2.row.normative_docs": r"规范性(文件|档案)",
    "t2.row.licensing": r"行政许可", "t2.row.other_mgmt_services": r"其他对外管理服务事项",
    "t2.row.penalty": r"行政处罚", "t2.row.coercion": r"行政强制", "t2.row.admin_fees": r"行政事业[性型]收费",
    "t2.row.central_procurement": r"政府集中采购", "t3.row.new_requests": r"一、本年新收",
    "t3.row.carried_over": r"二、上年结转", "t3.row.granted": r"\(一\)予以公开",
    "t3.row.partial": r"\(二\)部分公开", "t3.row.denied.state_secret": r"1\.属于国家秘密",
}
STOP = re.compile("|".join(f"(?:{p})" for p in ROW_LABELS.values()) + r"|第二十条|三、|信息内容|其他主动公开文件")
NUMBER = re.compile(r"(?<![\d.])[+增]?(\d+(?:\.\d+)?)(?:万元|元|批次|件)?(?![\d.])|未增未减")


def printed_values(text, label_re, after):
    m = re.compile(label_re).search(text, after)
    if not m:
        return None, after
    end = STOP.search(text, m.end())
    chunk = text[m.end(): end.start() if end else len(text)]
    vals = ["0" if n.group(0) == "未增未减" else n.group(1) for n in NUMBER.finditer(chunk)]
    return vals, m.end()


def main():
    bad = 0
    for path in sorted(HERE.glob("[0-9][0-9]-*.json")):
        label = json.loads(path.read_text(encoding="utf-8"))
        text = GLOSS.sub("", path.with_suffix(".txt").read_text(encoding="utf-8")).translate(T2S)
        text = text.replace("(", "(").replace(")", ")")
        text = re.sub(r"\([^()]{7,}\)", "", text)  # long annotations inside labels and headers
        t2_start = text.find("第二十条")
        t3_start = max(text.find("申请人情况"), 0)
        rows = {}
        for key, v in label["cells"].items():
            _, row, _ = key.split("|")
            rows.setdefault(row, []).append(v)
        pos = {"t2": max(t2_start, 0), "t3": t3_start}
        for row, values in rows.items():
            if row not in ROW_LABELS:
                continue
            want = [v for v in values if v is not None]
            got, pos[row[:2]] = printed_values(text, ROW_LABELS[row], pos[row[:2]])
            if got is None:
                print(f"{path.stem}: {row} label not found")
                bad += 1
            elif got[: len(want)] != want or (len(got) > len(want) and row != "t2.row.admin_fees"):
                print(f"{path.stem}: {row} labelled {values}, printed numbers {got}")
                bad += 1
        for row, values in rows.items():
            if row.startswith("t3") and len(values) == 7 and None not in values:
                nums = [int(v) for v in values]
                if sum(nums[:6]) != nums[6]:
                    print(f"{path.stem}: {row} breaks R-T3-ROWSUM as printed: {values}")
    print("disagreements:", bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

//! Page chrome (spec §7.6): what portals, mirrors and PDF pages print around a report and
//! every reader drops — QR captions, font-size switches, share bars, page numbers.

use std::sync::OnceLock;

use crate::text::normalise::squeezed;
use crate::text::pattern::LazyRegex;
use regex::Regex;

/// A whole-line pattern, matched on the NFKC form with all whitespace removed, and the
/// characters a line it matches can start with (the unit test derives them from the
/// pattern). Lines of more than MAX_CHROME_CHARS are never chrome, so no pattern bounds its
/// own length: a bounded repeat of `.` costs a copy of the UTF-8 automaton per count.
struct LinePattern {
    pattern: &'static str,
    first_chars: &'static [char],
}

const fn line(pattern: &'static str, first_chars: &'static [char]) -> LinePattern {
    LinePattern {
        pattern,
        first_chars,
    }
}

const DIGITS: &[char] = &['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

const LINE_PATTERNS: &[LinePattern] = &[
    line(
        r"^[扫掃]一[扫掃]在手[机機]上?(打开|[查査]看|[浏瀏][览覽])?[当當]前[页頁]面?$",
        &['扫', '掃'],
    ),
    line(r"^[扫掃]一[扫掃]$", &['扫', '掃']),
    line(
        r"^(【?(关闭|關閉)(窗口|本页)?】?|【?打印(本页|此页)?】?|【?(关闭|打印|收藏)】?)+$",
        &['【', '关', '打', '收', '關'],
    ),
    line(
        r"^(字[号號体體]|【字[体體]):?[\[【]?(大|中|小)*[\]】]?$",
        &['【', '字'],
    ),
    line(r"^当前位置[:：]", &['当']),
    line(r"^(分享到|分享)[:：]?", &['分']),
    // Checked further by `short_field`: the value is at most FIELD_VALUE_CHARS long.
    line(
        r"^(来源|發布時間|发布时间|发布日期|时间|作者|点击数|浏览次数|累计次数|访问量|阅读次数)[:：]",
        &['作', '发', '时', '来', '浏', '点', '發', '累', '访', '阅'],
    ),
    line(
        r"^(微信|微博|QQ空间|全真版|文字版|文件下载|相关链接)+",
        &['Q', '全', '微', '文', '相'],
    ),
    line(r"^附件下载[:：]?$", &['附']),
    line(
        r"^[-—–－_]+[0-9]{1,4}[-—–－_]+$",
        &['-', '_', '–', '—', '－'],
    ),
    line(r"^第[0-9]{1,4}页(共[0-9]{1,4}页)?$", &['第']),
    line(r"^[0-9]{1,4}/[0-9]{1,4}$", DIGITS),
    line(r"^Page[0-9]+-", &['P']),
    line(r"^P\.[0-9]{1,4}$", &['P']),
    line(
        r"^(首页|网站地图|网站声明|联系我们|简体|繁体|繁體版|ENGLISH|网站支持IPv6|无障碍阅读|长者模式|\|)+$",
        &['E', '|', '无', '简', '繁', '网', '联', '长', '首'],
    ),
    line(r"^(上一篇|下一篇)[:：]", &['上', '下']),
];

/// Each pattern, parsed the first time a line starts with one of its first characters,
/// its automaton built the first time such a line holds its literals too: a line pays
/// only for the patterns it could match (building all of them as one set cost 3 M
/// instructions, most of a short run's start-up).
fn line_pattern(index: usize) -> Option<&'static LazyRegex> {
    static RES: [OnceLock<Option<LazyRegex>>; LINE_PATTERNS.len()] =
        [const { OnceLock::new() }; LINE_PATTERNS.len()];
    // Every pattern compiles (a unit test builds them all).
    RES[index]
        .get_or_init(|| LazyRegex::new(LINE_PATTERNS[index].pattern))
        .as_ref()
}

/// Longest line (in characters, whitespace removed) that can be chrome.
const MAX_CHROME_CHARS: usize = 120;
/// The metadata-field pattern's index in LINE_PATTERNS, and the longest value it allows.
const FIELD_PATTERN: usize = 6;
const FIELD_VALUE_CHARS: usize = 60;

/// True when a whole line is page chrome. Long lines never are: chrome is short.
pub fn is_chrome_line(line: &str) -> bool {
    if line.len() > 4 * MAX_CHROME_CHARS {
        return false;
    }
    let squeezed = squeezed(line);
    let Some(first) = squeezed.chars().next() else {
        return false;
    };
    if squeezed.chars().count() > MAX_CHROME_CHARS {
        return false;
    }
    LINE_PATTERNS.iter().enumerate().any(|(i, p)| {
        p.first_chars.contains(&first)
            && line_pattern(i).is_some_and(|re| re.is_match(&squeezed))
            && (i != FIELD_PATTERN || short_field(&squeezed))
    })
}

/// `来源：…`-style metadata: chrome only while the value is short (a sentence that starts
/// with `时间：` is prose).
fn short_field(line: &str) -> bool {
    line.split_once([':', '：'])
        .is_some_and(|(_, value)| value.chars().count() <= FIELD_VALUE_CHARS)
}

/// The date a chrome line such as `发布日期：2020-01-31` or `发布时间: 2020-01-20 15:22`
/// states: kept as the report's publication date when the line itself is dropped.
pub fn published_date(line: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?:发布日期|发布时间|发文日期|日期)\s*[:：]\s*([0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日?(?:\s+[0-9]{1,2}:[0-9]{2})?)")
            .expect("valid")
    });
    re.captures(line).map(|c| c[1].trim().to_string())
}

/// The report title a flipbook's running header states (`Page 8 - 某局2022年政府信息公开工作
/// 年度报告`): kept as a title hint when the line itself is dropped, since a single page
/// of such a book may print its title nowhere else.
pub fn running_title(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("Page")?.trim_start();
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let title = rest.trim_start().strip_prefix(['-', '－', '—'])?.trim();
    title.contains("报告").then(|| title.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pattern_compiles_and_its_first_characters_are_those_it_can_start_with() {
        use regex_syntax::hir::literal::{ExtractKind, Extractor};
        for (i, p) in LINE_PATTERNS.iter().enumerate() {
            assert!(line_pattern(i).is_some(), "{}: does not parse", p.pattern);
            assert!(
                Regex::new(p.pattern).is_ok(),
                "{}: does not compile",
                p.pattern
            );
            let hir = regex_syntax::parse(p.pattern).unwrap();
            let prefixes = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
            let literals = prefixes
                .literals()
                .unwrap_or_else(|| panic!("{}: starts with any character", p.pattern));
            let mut firsts: Vec<char> = literals
                .iter()
                .map(|literal| {
                    let text = std::str::from_utf8(literal.as_bytes()).unwrap();
                    let first = text.chars().next();
                    first.unwrap_or_else(|| panic!("{}: can start empty", p.pattern))
                })
                .collect();
            firsts.sort_unstable();
            firsts.dedup();
            assert_eq!(p.first_chars, firsts.as_slice(), "{}", p.pattern);
        }
    }

    #[test]
    fn a_flipbook_running_header_gives_the_title() {
        assert_eq!(
            running_title("Page 8 - 威海市文登区信访局2022年政府信息公开工作年度报告").as_deref(),
            Some("威海市文登区信访局2022年政府信息公开工作年度报告")
        );
        assert_eq!(running_title("Page 9 - 附件下载"), None);
        assert_eq!(running_title("P. 8"), None);
    }

    #[test]
    fn chrome_lines_seen_in_real_pages_are_dropped() {
        for line in [
            "扫一扫在手机上查看当前页面",
            "扫一扫在手机打开当前页面",
            "掃一掃在手機上查看當前頁面",
            "关闭窗口",
            "【打印】【关闭】",
            "打印本页",
            "字号: 大 中 小",
            "字号:",
            "字体:[ ]",
            "当前位置：首页 > 政务公开 > 年报",
            "分享到:",
            "发布时间: 2020-01-20 15:22 来源: 区政府办",
            "-3-",
            "— 4 —",
            "                                           -1-",
            "第 2 页 共 5 页",
            "Page 9 - 2022年政府信息公开工作年度报告",
            "P. 9",
            "首页 | 网站地图 | 联系我们",
        ] {
            assert!(is_chrome_line(line), "{line}");
        }
    }

    #[test]
    fn report_text_is_kept() {
        for line in [
            "一、总体情况",
            "行政许可 | 0 | 0 |",
            "0 |",
            "规章 0 0 0",
            "2020年,我区根据国家、省、市有关政务公开工作部署要求",
            "-18",
            "3",
            "无其他需要报告的事项。",
            "(六)其他处理",
            // A metadata word followed by a sentence is prose, not a field.
            "时间：2020年全年共收到政府信息公开申请21件，均已在法定期限内按时办结答复，无逾期答复情况发生，未收到行政复议和行政诉讼，也未发生因政府信息公开引起的其他争议。",
        ] {
            assert!(!is_chrome_line(line), "{line}");
        }
    }

    #[test]
    fn the_field_pattern_is_the_one_whose_value_is_bounded() {
        assert!(LINE_PATTERNS[FIELD_PATTERN].pattern.starts_with("^(来源|"));
        assert!(is_chrome_line("来源：区政府办公室"));
        assert!(!is_chrome_line(&format!("来源：{}", "区".repeat(61))));
        assert!(is_chrome_line(&format!("来源：{}", "区".repeat(60))));
    }
}

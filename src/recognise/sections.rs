//! The report's six sections (spec §2): headings found by numeral plus keyword, prose
//! re-joined into paragraphs across the line breaks a scraper or converter left, and the
//! title, issuer and year read from the opening lines.

use std::ops::Range;
use std::sync::OnceLock;

use crate::text::normalise::{collapsed, squeezed};
use crate::text::{gloss, traditional};
use regex::Regex;

use crate::layout::Hints;
use crate::model::{Diagnostic, Level, Location, Section, PREAMBLE};
use crate::recognise::doc::{BlockKind, Doc};
use crate::recognise::labels::CJK_NUMERALS;
use crate::template::Templates;

/// A section heading found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// Index into the templates' sections.
    pub section: usize,
    pub range: Range<usize>,
}

/// A heading's numeral, `[一二三四五六七八九十]{1,2}\s*[、.]` as a regular expression
/// would find it: the first at or after `from` in `text`. Found by comparing characters
/// (building that pattern cost half a million instructions, more than a short run's other
/// start-up; the tests compare the two). Two numerals are taken when there are two (one
/// would leave a numeral where `、` must be); `\s` is `char::is_whitespace`.
fn numeral_at(text: &str, from: usize) -> Option<Range<usize>> {
    let is_numeral = |c: char| CJK_NUMERALS.contains(c);
    let mut rest = &text[from..];
    while let Some(i) = rest.find(is_numeral) {
        let start = text.len() - rest.len() + i;
        let first = rest[i..].chars().next()?;
        let after_first = &rest[i + first.len_utf8()..];
        let after = after_first
            .strip_prefix(is_numeral)
            .unwrap_or(after_first)
            .trim_start_matches(char::is_whitespace);
        if let Some(end) = after.strip_prefix(['、', '.']) {
            return Some(start..text.len() - end.len());
        }
        rest = after_first;
    }
    None
}

/// The heading numerals of `text`, each after the one before.
fn numerals(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        let found = numeral_at(text, from)?;
        from = found.end;
        Some(found)
    })
}

/// Finds the section headings, in template order, each at most once (spec §2: a numeral
/// plus its keyword; never the numeral alone, since t3's rows reuse 一、 to 四、).
pub fn find_headings(doc: &Doc, templates: &Templates) -> Vec<Heading> {
    let defs = &templates.sections;
    let mut out: Vec<Heading> = Vec::new();
    for block in doc.blocks.iter().filter(|b| b.kind != BlockKind::Grid) {
        let text = &doc.text[block.range.clone()];
        // Chinese numbering (一、 … 十、) is how every heading is numbered. Each numeral
        // is looked for with memchr, not every char decoded and compared with the ten.
        if !CJK_NUMERALS.chars().any(|numeral| text.contains(numeral)) {
            continue;
        }
        // The next line end and the next digit at or after a numeral, kept as the numerals
        // advance: searched again only when passed, so a line of a million numerals is
        // read once, not once per numeral.
        let mut next_newline = 0usize;
        let mut next_digit = 0usize;
        for m in numerals(text) {
            let start = block.range.start + m.start;
            if !heading_may_start_after(text[..m.start].chars().next_back()) {
                continue;
            }
            if next_newline < m.end {
                next_newline = text[m.end..].find('\n').map_or(text.len(), |e| m.end + e);
            }
            if next_digit < m.end {
                next_digit = text[m.end..]
                    .find(|c: char| c.is_ascii_digit())
                    .map_or(text.len(), |e| m.end + e);
            }
            let line_end = block.range.start + next_newline;
            // The heading's words follow the numeral, before any number or next numeral.
            let after = block.range.start + m.end;
            let stop = Some(block.range.start + next_digit)
                .filter(|&d| d < line_end)
                .into_iter()
                .chain(numeral_at(&doc.text[..line_end], after).map(|n| n.start))
                .min()
                .unwrap_or(line_end);
            let window_end = char_limit(&doc.text, after, 40).min(stop);
            let window = Window::of(&doc.text[block.range.start + m.end..window_end]);
            let from = out.last().map_or(0, |h| h.section + 1);
            let found = defs.iter().enumerate().skip(from).find_map(|(i, def)| {
                def.keywords
                    .iter()
                    .find_map(|group| window.keyword_end(group))
                    .map(|end| (i, block.range.start + m.end + end))
            });
            if let Some((section, kw_end)) = found {
                let end = heading_end(&doc.text, kw_end, line_end, &templates.heading_ends);
                out.push(Heading {
                    section,
                    range: start..end,
                });
            }
        }
    }
    out
}

/// Headings follow a line start, a space, punctuation, a number or a unit (inline pages
/// run them on: `…成效。二、主动公开…`, `…0 0 四、政府…`, `…32.52元三、收到…`), never a word
/// (`统一、`). The units are how numbers are printed, not template labels.
fn heading_may_start_after(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(c) => !is_ideograph(c) || "元件个项条".contains(c),
    }
}

fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

/// Byte offset `n` characters after `from`.
fn char_limit(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
}

/// The words after a heading's numeral, searched for every section's keyword groups:
/// without their whitespace (`squeezed`), each char knowing where it ends in the window
/// (`ends`: offset in `squeezed`, end offset in the window). Made once per numeral.
struct Window {
    squeezed: String,
    ends: Vec<(usize, usize)>,
}

impl Window {
    fn of(window: &str) -> Window {
        let mut squeezed = String::new();
        let mut ends = Vec::new();
        for (i, c) in window.char_indices() {
            if !c.is_whitespace() {
                ends.push((squeezed.len(), i + c.len_utf8()));
                squeezed.push(c);
            }
        }
        Window { squeezed, ends }
    }

    /// Where the last word of a keyword group (`行政复议+行政诉讼`) ends in the window, all
    /// words present; whitespace inside the window is ignored.
    fn keyword_end(&self, group: &str) -> Option<usize> {
        let mut end = 0;
        for word in group.split('+') {
            let pos = self.squeezed.find(word)?;
            let last = pos + word.len();
            let orig = self
                .ends
                .iter()
                .rev()
                .find(|&&(s, _)| s < last)
                .map(|&(_, e)| e)?;
            end = end.max(orig);
        }
        Some(end)
    }
}

/// A heading on a line of its own runs to the line end; run into following text, it ends
/// at one of the templates' heading ends (情况, 事项) just after its keyword, or at the
/// keyword.
fn heading_end(text: &str, kw_end: usize, line_end: usize, ends: &[String]) -> usize {
    let rest = &text[kw_end..line_end];
    let trimmed = rest.trim_end();
    if trimmed.chars().count() <= 12 && !trimmed.chars().any(|c| c.is_ascii_digit()) {
        return kw_end + trimmed.len();
    }
    let head: String = rest.chars().take(10).collect();
    for word in ends {
        if let Some(p) = head.find(word.as_str()) {
            return kw_end + p + word.len();
        }
    }
    kw_end
}

/// Builds the sections: prose outside the tables, cut at the headings, lines re-joined.
pub fn build(
    doc: &Doc,
    headings: &[Heading],
    tables: &[Range<usize>],
    templates: &Templates,
) -> Vec<Section> {
    build_until(doc, headings, tables, doc.text.len(), templates)
}

/// The sections as far as the text before `until` makes them: the opening sections the
/// title and year are read from, without the work of the rest.
pub fn build_until(
    doc: &Doc,
    headings: &[Heading],
    tables: &[Range<usize>],
    until: usize,
    templates: &Templates,
) -> Vec<Section> {
    let defs = &templates.sections;
    let mut sections = vec![Section {
        id: PREAMBLE.into(),
        heading: None,
        paragraphs: Vec::new(),
    }];
    for h in headings {
        sections.push(Section {
            id: defs[h.section].id.clone(),
            heading: Some(collapsed(doc.original(h.range.clone()))),
            paragraphs: Vec::new(),
        });
    }
    let wrap = WrapStyle::of(doc);
    let mut cuts: Vec<Range<usize>> = tables.to_vec();
    cuts.extend(headings.iter().map(|h| h.range.clone()));
    cuts.sort_by_key(|r| r.start);

    let mut open: Option<Open> = None;
    for block in doc.blocks.iter().take_while(|b| b.range.start < until) {
        if block.kind == BlockKind::Grid {
            close(&mut open, &mut sections);
            continue;
        }
        let pieces = pieces(block.range.clone(), &cuts);
        let line_text = doc.original(block.range.clone());
        if line_text.trim().is_empty() {
            close(&mut open, &mut sections);
            continue;
        }
        let whole_line = pieces.len() == 1 && pieces[0] == block.range;
        for (k, piece) in pieces.iter().enumerate() {
            let section = headings
                .iter()
                .filter(|h| h.range.start <= piece.start)
                .count();
            let text = collapsed(doc.original(piece.clone()));
            // What a table's cut leaves of a pipe row (its closing `|`) is markup, not prose.
            if text.chars().all(|c| c == '|' || c.is_whitespace()) {
                continue;
            }
            let starts_line = k == 0 && piece.start == block.range.start;
            let continues = block.kind == BlockKind::Line
                && starts_line
                && open.as_ref().is_some_and(|o| {
                    o.section == section
                        && o.ends_line
                        && wrap.continues(&o.last_line, line_text, &o.text)
                });
            if continues {
                if let Some(o) = open.as_mut() {
                    join(&mut o.text, &text);
                    o.last_line = line_text.to_string();
                    o.ends_line = whole_line || piece.end == block.range.end;
                }
            } else {
                close(&mut open, &mut sections);
                if block.kind == BlockKind::Paragraph {
                    sections[section].paragraphs.push(text);
                } else {
                    open = Some(Open {
                        section,
                        text,
                        last_line: line_text.to_string(),
                        ends_line: piece.end == block.range.end,
                    });
                }
            }
        }
    }
    close(&mut open, &mut sections);
    sections.retain(|s| s.heading.is_some() || !s.paragraphs.is_empty());
    sections
}

struct Open {
    section: usize,
    text: String,
    last_line: String,
    ends_line: bool,
}

fn close(open: &mut Option<Open>, sections: &mut [Section]) {
    if let Some(o) = open.take() {
        sections[o.section].paragraphs.push(o.text);
    }
}

/// `range` minus the cut ranges.
fn pieces(range: Range<usize>, cuts: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = vec![range];
    for cut in cuts {
        out = out
            .into_iter()
            .flat_map(|p| {
                if cut.end <= p.start || cut.start >= p.end {
                    return vec![p];
                }
                let mut v = Vec::new();
                if cut.start > p.start {
                    v.push(p.start..cut.start);
                }
                if cut.end < p.end {
                    v.push(cut.end..p.end);
                }
                v
            })
            .collect();
    }
    out
}

fn join(para: &mut String, next: &str) {
    let ascii_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if ascii_word(para.chars().next_back()) && ascii_word(next.chars().next()) {
        para.push(' ');
    }
    para.push_str(next);
}

/// How the text was broken into lines: a scraper's one paragraph a line, or a converter's
/// fixed width (then a short line ends a paragraph and an indent starts one).
struct WrapStyle {
    fixed_width: Option<usize>,
}

impl WrapStyle {
    fn of(doc: &Doc) -> WrapStyle {
        let mut widths: Vec<usize> = doc
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Line)
            .map(|b| b.original.trim())
            // Table rows of layout text (wide gaps between columns) say nothing of the wrap.
            .filter(|l| !l.contains("   ") && !l.contains('\t') && !l.contains('|'))
            .map(|l| l.chars().count())
            .filter(|&w| w >= 10)
            .collect();
        widths.sort_unstable();
        if widths.len() < 8 {
            return WrapStyle { fixed_width: None };
        }
        let median = widths[widths.len() / 2];
        let p90 = widths[widths.len() * 9 / 10];
        let fixed = p90 * 100 <= median * 135;
        WrapStyle {
            fixed_width: fixed.then_some(median),
        }
    }

    /// Whether `line` continues the paragraph whose last line was `prev`.
    fn continues(&self, prev: &str, line: &str, para: &str) -> bool {
        if ends_sentence(para) || starts_item(line) {
            return false;
        }
        let prev_width = prev.trim().chars().count();
        match self.fixed_width {
            // Wrapped at a width: a short line ends its paragraph, an indent starts one.
            Some(width) => {
                let indent = |l: &str| l.chars().take_while(|c| c.is_whitespace()).count();
                prev_width * 100 >= width * 85
                    && !(indent(line) >= 2 && indent(line) > indent(prev))
            }
            // One paragraph a line: a long line broken mid-sentence continues (`…二是` /
            // `加强业务指导…`); a short line is a title or sub-heading of its own.
            None => prev_width > 40 || prev.trim_end().ends_with([',', '，', '、']),
        }
    }
}

fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(['”', '」', '』', '"', ')', '）']);
    t.ends_with(['。', '！', '？', '!', '?', '；', ';', '…'])
}

/// A list item's numbering (一、, （一）, 1., ①): the writing of any report, not a template's.
/// What the regular expression
/// `^\s*(#{1,6}\s*)?([一…十]+[、.．]|[（(][一…十0-9]{1,2}[)）]|[0-9０-９]{1,2}[.、．](\D|$)|[①-⑳])`
/// matches, by comparing characters (building it cost 0.9 M instructions; the tests
/// compare the two). No numbering starts with whitespace or `#`, so the greedy skips are
/// the only ones that can match.
fn starts_item(line: &str) -> bool {
    let is_numeral = |c: char| CJK_NUMERALS.contains(c);
    let mut rest = line.trim_start_matches(char::is_whitespace);
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    if hashes > 6 {
        return false;
    }
    if hashes > 0 {
        rest = rest[hashes..].trim_start_matches(char::is_whitespace);
    }
    let mut chars = rest.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let (second, third) = (chars.next(), chars.next());
    let fourth = chars.next();
    if is_numeral(first) {
        let after = rest.trim_start_matches(is_numeral);
        return after.starts_with(['、', '.', '．']);
    }
    if matches!(first, '（' | '(') {
        let inner = |c: Option<char>| c.is_some_and(|c| is_numeral(c) || c.is_ascii_digit());
        let close = |c: Option<char>| matches!(c, Some(')' | '）'));
        return inner(second) && (close(third) || (inner(third) && close(fourth)));
    }
    let digit = |c: Option<char>| matches!(c, Some('0'..='9' | '０'..='９'));
    if digit(Some(first)) {
        let point = |c: Option<char>| matches!(c, Some('.' | '、' | '．'));
        let no_digit = |c: Option<char>| !c.is_some_and(is_decimal_digit);
        return (point(second) && no_digit(third))
            || (digit(second) && point(third) && no_digit(fourth));
    }
    ('①'..='⑳').contains(&first)
}

/// A decimal digit of any script (Unicode's Nd), what a regular expression's `\d` matches:
/// the ranges as regex-syntax gives them, read once.
fn is_decimal_digit(c: char) -> bool {
    static ND: OnceLock<Vec<(char, char)>> = OnceLock::new();
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    let ranges = ND.get_or_init(|| {
        let hir = regex_syntax::parse(r"\d").expect("valid");
        match hir.kind() {
            regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(class)) => class
                .ranges()
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect(),
            _ => Vec::new(),
        }
    });
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Title, issuer and reporting year, from the opening paragraphs, the page's metadata and
/// the text (in that order of trust).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TitleInfo {
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub year: Option<u16>,
}

/// The document's name (…政府信息公开工作年度报告) is fixed by the regulations (条例 第四十九条),
/// not by a template: every template year shares it. Where a title's parts lie in a text,
/// as the regular expression
/// `(?P<pre>.{0,40}?)(?P<year>20[0-9][0-9])年度?(?P<mid>.{0,30}?)(?:政府)?信息公开(?P<tail>(?:工作)?(?:年度)?报告|年报|[工作年度报告]{4,8})`
/// finds them, match after match; found by comparing characters, as building that pattern
/// cost 3 M instructions, a tenth of a short PDF's run (issue 18; the tests compare the two).
/// The tail: the standard wording, `工作报告` without 年度, the short `年报`, or the standard
/// words printed out of order (`工作告年度报`, a converter's garble).
#[derive(Debug, Clone, PartialEq, Eq)]
struct TitleMatch {
    pre: Range<usize>,
    year: Range<usize>,
    mid: Range<usize>,
    tail: Range<usize>,
}

/// The title matches of `text`, each after the one before (as `captures_iter` gives them).
fn title_matches(text: &str) -> impl Iterator<Item = TitleMatch> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        let found = title_match_from(text, from)?;
        from = found.tail.end;
        Some(found)
    })
}

/// The leftmost title match starting at `from` or after. Its year is the first one from
/// `from` on that the title's words follow (what follows a year does not depend on where
/// the match starts), and it starts as far before that year as `.{0,40}?` reaches: 40
/// characters, not past `from` or a line end (a start further left would need an earlier
/// year). Linear: each year's words are looked for within a bounded stretch.
fn title_match_from(text: &str, from: usize) -> Option<TitleMatch> {
    let bytes = text.as_bytes();
    let mut at = from;
    loop {
        // `2` is ASCII, so where it is found is a character boundary.
        let year = at + memchr::memmem::find(&bytes[at..], b"20")?;
        at = year + 1;
        let Some((mid, tail)) = words_after_year(text, year) else {
            continue;
        };
        let mut start = year;
        for (i, c) in text[from..year].char_indices().rev().take(40) {
            if c == '\n' {
                break;
            }
            start = from + i;
        }
        return Some(TitleMatch {
            pre: start..year,
            year: year..year + 4,
            mid,
            tail,
        });
    }
}

/// After a year at `year` (`20` there): `[0-9][0-9]年度?`, up to 30 characters of a line
/// (`mid`, as few as will do), `(?:政府)?信息公开` and the tail; the first of these in the
/// pattern's order of preference (度 taken when it is there, then left to `mid`).
fn words_after_year(text: &str, year: usize) -> Option<(Range<usize>, Range<usize>)> {
    let digits = text.as_bytes().get(year + 2..year + 4)?;
    if !digits.iter().all(u8::is_ascii_digit) || !text[year + 4..].starts_with('年') {
        return None;
    }
    let after = year + 4 + '年'.len_utf8();
    let starts = [
        text[after..]
            .starts_with('度')
            .then(|| after + '度'.len_utf8()),
        Some(after),
    ];
    starts.into_iter().flatten().find_map(|mid_start| {
        let mut z = mid_start;
        for _ in 0..=30 {
            let rest = &text[z..];
            let words = rest
                .strip_prefix("政府信息公开")
                .or_else(|| rest.strip_prefix("信息公开"));
            if let Some(words) = words {
                let t = text.len() - words.len();
                if let Some(len) = title_tail(words) {
                    return Some((mid_start..z, t..t + len));
                }
            }
            match rest.chars().next() {
                Some(c) if c != '\n' => z += c.len_utf8(),
                _ => return None,
            }
        }
        None
    })
}

/// The length of a title's tail at the start of `text`:
/// `(?:工作)?(?:年度)?报告|年报|[工作年度报告]{4,8}`, the first alternative that matches.
fn title_tail(text: &str) -> Option<usize> {
    let mut standard = text;
    for word in ["工作", "年度"] {
        standard = standard.strip_prefix(word).unwrap_or(standard);
    }
    if let Some(rest) = standard.strip_prefix("报告") {
        return Some(text.len() - rest.len());
    }
    if text.starts_with("年报") {
        return Some("年报".len());
    }
    let words: Vec<char> = text
        .chars()
        .take(8)
        .take_while(|c| "工作年度报告".contains(*c))
        .collect();
    (words.len() >= 4).then(|| words.iter().map(|c| c.len_utf8()).sum())
}

/// Reads the title from the preamble (one paragraph, or two when the title wrapped).
pub fn title_info(
    sections: &[Section],
    hints: &Hints,
    templates: &Templates,
    diags: &mut Vec<Diagnostic>,
) -> TitleInfo {
    let preamble = sections
        .iter()
        .find(|s| s.id == PREAMBLE)
        .map(|s| s.paragraphs.as_slice())
        .unwrap_or(&[]);
    // One paragraph first; then two, for a title wrapped after its issuer
    // (`洪泽区人民政府` / `2023 年政府信息公开工作年度报告`) or before its end.
    let opening: Vec<String> = preamble.iter().take(4).map(|p| squeezed(p)).collect();
    let single = opening
        .iter()
        .enumerate()
        .find_map(|(i, p)| parse_title(p).map(|t| (i, t)));
    let from_text = match single {
        Some((i, t)) if t.issuer.is_none() && i > 0 && opening[i - 1].chars().count() <= 30 => {
            parse_title(&(opening[i - 1].clone() + &opening[i]))
                .filter(|p| p.issuer.is_some())
                .or(Some(t))
        }
        Some((_, t)) => Some(t),
        None => opening.windows(2).find_map(|w| parse_title(&w.concat())),
    };
    let from_hint = hints
        .title
        .as_deref()
        .and_then(|t| parse_title(&squeezed(t)));
    let issuer_of_hint = from_hint.as_ref().and_then(|t| t.issuer.clone());
    let mut info = from_text.or(from_hint).unwrap_or_default();
    if info.title.is_none() {
        info.title = hints.title.clone();
    }
    if info.issuer.is_none() {
        info.issuer = issuer_of_hint;
    }
    if info.issuer.is_none() {
        diags.push(Diagnostic::new(
            Level::Warning,
            "issuer-missing",
            Location::meta("issuer"),
            "no title names the issuing body: the issuer is left empty",
        ));
    }
    if info.year.is_none() {
        info.year = year_from_text(sections, templates, diags);
    }
    info
}

/// The first title in `text` (squeezed): a body's name, the year, the standard words. Read
/// through traditional script; the issuer and title keep the characters printed. A match
/// inside a sentence (`根据《…关于2021年度政府信息公开工作年度报告…》`) is no title, and
/// navigation, labels and markup before the body's name are not part of it.
fn parse_title(text: &str) -> Option<TitleInfo> {
    let printed = gloss::without_glosses(text);
    let folded: String = printed
        .chars()
        .map(|c| traditional::simplified(c).unwrap_or(c))
        .collect();
    // The words every title holds.
    if !folded.contains("信息公开") {
        return None;
    }
    // A byte offset of `folded` → that of `printed`: the same char offset, as folding is
    // one char for one (no vector of chars: a text may be a 64 MiB line). Counted on from
    // the start of the match before (matches come in order, and each asks only for offsets
    // within itself), so that a line of a million matches is read once, not once a match.
    let mut known = (0, 0);
    let found = title_matches(&folded).find_map(|c| {
        let forward = |(folded_at, printed_at): (usize, usize), byte: usize| {
            let chars = folded[folded_at..byte].chars().count();
            printed[printed_at..]
                .char_indices()
                .nth(chars)
                .map_or(printed.len(), |(i, _)| printed_at + i)
        };
        known = (c.pre.start, forward(known, c.pre.start));
        let slice = |r: Range<usize>| -> String {
            printed[forward(known, r.start)..forward(known, r.end)].to_string()
        };
        let (pre, mid, tail) = (
            &folded[c.pre.clone()],
            &folded[c.mid.clone()],
            &folded[c.tail.clone()],
        );
        if is_sentence(pre) || is_sentence(mid) {
            return None;
        }
        if tail.chars().filter(|&ch| ch == '报' || ch == '告').count() < 2 && tail != "年报" {
            return None;
        }
        let body_start = c.pre.start + name_start(pre);
        let issuer =
            body_name(&slice(body_start..c.pre.end)).or_else(|| body_name(&slice(c.mid.clone())));
        if tail == "年报" && issuer.is_none() {
            // `2020年信息公开年报` alone is a link or a column name more often than a title.
            return None;
        }
        let year: u16 = folded[c.year].parse().ok()?;
        Some(TitleInfo {
            title: Some(slice(body_start..c.tail.end)),
            issuer,
            year: plausible(year),
        })
    });
    found
}

/// Words that make a stretch of text a sentence rather than a title: quoted titles of
/// other documents, clause punctuation, the openings of the report's first sentence. The
/// language around a title, not template labels.
fn is_sentence(text: &str) -> bool {
    const OPENINGS: [&str; 7] = ["根据", "依据", "按照", "为", "现将", "本年度", "本报告"];
    let t = text.trim_start_matches(|c: char| "#*>-— ".contains(c));
    text.contains(['《', '》', '。', '，', ',', '；', ';', '“', '”'])
        || OPENINGS.iter().any(|o| t.starts_with(o))
}

/// Where a body's name may begin in the text before a title's year: after a label
/// (`标题:`), a breadcrumb (`当前位置:首页>政务公开>…年报>`) or markdown (`# `). Portal
/// navigation, page chrome: no template's labels.
fn name_start(pre: &str) -> usize {
    const NAVIGATION: [&str; 9] = [
        "首页",
        "政务公开",
        "政府信息公开年报",
        "政府信息公开",
        "信息公开年报",
        "信息公开",
        "公开年报",
        "年度报告",
        "年报",
    ];
    let mut start = pre
        .rfind([':', '：', '>', '»', '›', '/', '|', '#', '*', '_'])
        .map_or(0, |i| i + pre[i..].chars().next().map_or(1, char::len_utf8));
    while let Some(word) = NAVIGATION.iter().find(|w| pre[start..].starts_with(**w)) {
        start += word.len();
    }
    start
}

/// A body's name, or None when the text names none: too short, no Han character, or a
/// pronoun (`我局`, `本镇`).
fn body_name(text: &str) -> Option<String> {
    let t = text
        .trim_matches(|c: char| "的:：,，。 　".contains(c))
        .trim_end_matches("关于")
        .trim_matches(|c: char| "的 ".contains(c));
    let n = t.chars().count();
    let han = t.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
    let pronoun = t.starts_with('我') || t.starts_with('本');
    ((2..=40).contains(&n) && han && !pronoun).then(|| t.to_string())
}

fn plausible(year: u16) -> Option<u16> {
    (2008..=2100).contains(&year).then_some(year)
}

/// A statistical period's start (`统计期限自2019年1月1日起`).
fn period_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"统计[^。]{0,20}?(20[0-9][0-9])年1月1日").expect("valid"))
}

/// The statistical period (`统计期限自2019年1月1日起`), else the year the report's opening
/// sections name most often. Dates are the language's, not a template's labels.
fn year_from_text(
    sections: &[Section],
    templates: &Templates,
    diags: &mut Vec<Diagnostic>,
) -> Option<u16> {
    // Built for the first paragraph that can name a year (a text without 年 never does).
    static YEAR: OnceLock<Regex> = OnceLock::new();
    let year_re = || YEAR.get_or_init(|| Regex::new(r"(20[0-9][0-9])年").expect("valid"));
    let opening: Vec<String> = sections
        .iter()
        .filter(|s| {
            s.id == PREAMBLE || templates.sections.iter().any(|d| d.opening && d.id == s.id)
        })
        .flat_map(|s| s.paragraphs.iter())
        .map(|p| squeezed(p))
        .collect();
    // Built only for a paragraph that can hold a period (the pattern costs 1 M instructions).
    for p in opening.iter().filter(|p| p.contains("年1月1日")) {
        if let Some(y) = period_re()
            .captures(p)
            .and_then(|c| c[1].parse().ok())
            .and_then(plausible)
        {
            return Some(y);
        }
    }
    let mut counts: std::collections::BTreeMap<u16, usize> = Default::default();
    for p in opening.iter().filter(|p| p.contains('年')) {
        for c in year_re().captures_iter(p) {
            if let Some(y) = c[1].parse().ok().and_then(plausible) {
                *counts.entry(y).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(usize, u16)> = counts.into_iter().map(|(y, n)| (n, y)).collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    match ranked.as_slice() {
        // Named most, or the only year named at all (`2023年，我镇…`): a single mention
        // beside another year decides nothing.
        [(n, y), rest @ ..]
            if (*n >= 2 || rest.is_empty()) && rest.first().is_none_or(|(m, _)| m < n) =>
        {
            let how = if rest.is_empty() && *n == 1 {
                "the only year the opening sections name".to_string()
            } else {
                format!("the year the opening sections name most ({n} times)")
            };
            diags.push(Diagnostic::new(
                Level::Info,
                "year-from-text",
                Location::meta("year"),
                format!("no title states the year; {y} is {how}"),
            ));
            Some(*y)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Block, Layout};

    fn layout(lines: &[&str]) -> Layout {
        Layout {
            blocks: lines.iter().map(|l| Block::Line((*l).into())).collect(),
            ..Layout::default()
        }
    }

    fn ids(doc: &Doc) -> Vec<(String, String)> {
        let t = Templates::builtin();
        find_headings(doc, &t)
            .iter()
            .map(|h| {
                (
                    t.sections[h.section].id.clone(),
                    doc.original(h.range.clone()).to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn headings_need_numeral_and_keyword_and_come_in_order() {
        let layout = layout(&[
            "一、总体情况",
            "二、上年结转政府信息公开申请数量",
            "…的成效。二、主动公开政府信息情况 第二十条第（一）项信息内容",
            "四、结转下年度继续办理 0 0 00 00 0 四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持",
            "五、政府信息公开工作存在的主要问题及改进情况",
            "## 六、其他需要报告的事项",
            "一、总体情况",
        ]);
        let d = Doc::build(&layout);
        assert_eq!(
            ids(&d),
            vec![
                ("sec.overview".into(), "一、总体情况".into()),
                ("sec.proactive".into(), "二、主动公开政府信息情况".into()),
                (
                    "sec.review_litigation".into(),
                    "四、政府信息公开行政复议、行政诉讼情况".into()
                ),
                (
                    "sec.problems".into(),
                    "五、政府信息公开工作存在的主要问题及改进情况".into()
                ),
                ("sec.other".into(), "六、其他需要报告的事项".into()),
            ]
        );
    }

    #[test]
    fn lines_rejoin_unless_a_sentence_or_item_ends() {
        let long = "建立以区委常委、副区长分管,办公室主任为第一责任人,保证了政府信息公开工作有序运行。二是";
        let layout = layout(&[
            "一、总体情况",
            long,
            "加强业务指导。",
            "(一)不断推进",
            "全面阐释。",
            "1.推进公开。",
        ]);
        let d = Doc::build(&layout);
        let t = Templates::builtin();
        let hs = find_headings(&d, &t);
        let s = build(&d, &hs, &[], &t);
        assert_eq!(s[0].id, "sec.overview", "an empty preamble is dropped");
        assert_eq!(
            s[0].paragraphs,
            vec![
                format!("{long}加强业务指导。"),
                "(一)不断推进".into(),
                "全面阐释。".into(),
                "1.推进公开。".into()
            ]
        );
    }

    /// Random texts of the given pieces (xorshift, so every run draws the same).
    fn random_texts(pieces: &[&str], count: usize, max_len: u64) -> Vec<String> {
        let mut next = crate::test_hooks::xorshift(0x9E37_79B9_7F4A_7C15);
        (0..count)
            .map(|_| {
                let len = next() % max_len;
                (0..len)
                    .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    /// Pieces of numbering and near misses: numerals, digits of three scripts, points,
    /// brackets, whitespace of several kinds, markdown's `#`, circled numbers.
    const NUMBERING: [&str; 24] = [
        "一", "二", "十", "、", ".", "．", " ", "\u{3000}", "\t", "\n", "#", "（", "(", ")", "）",
        "1", "0", "９", "٣", "①", "⑳", "x", "中", "##",
    ];

    #[test]
    fn numerals_are_where_the_regular_expression_finds_them() {
        let re = Regex::new(&format!(r"[{CJK_NUMERALS}]{{1,2}}\s*[、.]")).unwrap();
        let mut texts = random_texts(&NUMBERING, 5000, 16);
        texts.extend(["一、总体情况".into(), "十一 、x二.三 \n、一一一、".into()]);
        for text in &texts {
            let theirs: Vec<Range<usize>> = re.find_iter(text).map(|m| m.range()).collect();
            assert_eq!(numerals(text).collect::<Vec<_>>(), theirs, "{text:?}");
            for from in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let theirs = re.find_at(text, from).map(|m| m.range());
                assert_eq!(numeral_at(text, from), theirs, "{text:?} from {from}");
            }
        }
    }

    #[test]
    fn items_start_where_the_regular_expression_says() {
        let re = Regex::new(&format!(r"^\s*(#{{1,6}}\s*)?([{CJK_NUMERALS}]+[、.．]|[（(][{CJK_NUMERALS}0-9]{{1,2}}[)）]|[0-9０-９]{{1,2}}[.、．](\D|$)|[①-⑳])")).unwrap();
        let mut texts = random_texts(&NUMBERING, 20000, 7);
        texts.extend(
            [
                "1.٣",
                "12.x",
                "12.",
                "###### 一、",
                "####### 一、",
                "（十）",
                "(1x)",
                "⑳",
            ]
            .map(String::from),
        );
        let mut items = 0;
        for text in &texts {
            assert_eq!(starts_item(text), re.is_match(text), "{text:?}");
            items += usize::from(starts_item(text));
        }
        assert!(items > 500, "the texts hold items ({items})");
    }

    #[test]
    fn decimal_digits_are_what_regex_calls_digits() {
        let re = Regex::new(r"^\d$").unwrap();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_decimal_digit(c), re.is_match(&c.to_string()), "{c:?}");
        }
    }

    /// The regular expression `title_matches` stands for.
    const TITLE_PATTERN: &str = r"(?P<pre>.{0,40}?)(?P<year>20[0-9][0-9])年度?(?P<mid>.{0,30}?)(?:政府)?信息公开(?P<tail>(?:工作)?(?:年度)?报告|年报|[工作年度报告]{4,8})";

    fn assert_same_titles(re: &Regex, text: &str) {
        let theirs: Vec<TitleMatch> = re
            .captures_iter(text)
            .map(|c| TitleMatch {
                pre: c.name("pre").unwrap().range(),
                year: c.name("year").unwrap().range(),
                mid: c.name("mid").unwrap().range(),
                tail: c.name("tail").unwrap().range(),
            })
            .collect();
        assert_eq!(title_matches(text).collect::<Vec<_>>(), theirs, "{text:?}");
    }

    #[test]
    fn title_matches_are_where_the_regular_expression_finds_them() {
        let re = Regex::new(TITLE_PATTERN).unwrap();
        // Pieces of titles, near misses, line ends and runs of other characters long
        // enough to reach the 40 and 30 characters the pattern allows.
        let pieces = [
            "20",
            "2",
            "0",
            "19",
            "9",
            "年",
            "度",
            "政府",
            "信息公开",
            "信息",
            "公开",
            "工作",
            "年度",
            "报告",
            "报",
            "告",
            "年报",
            "\n",
            "x",
            "市",
            "《",
            "一二三四五六七八九十",
            "ab c ",
        ];
        for text in random_texts(&pieces, 5000, 40) {
            assert_same_titles(&re, &text);
        }
        for text in [
            "2019年上海市人民政府办公厅政府信息公开工作年度报告",
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十x2020年度政府信息公开工作报告",
            "2020年一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十信息公开年报",
            "2020年一二三四五六七八九十一二三四五六七八九十一二三四五六七八九信息公开年报",
            "x\n2021年度信息公开工作告年度报告报 2022年政府信息公开报告",
            "202020年信息公开工作年度报告年报",
        ] {
            assert_same_titles(&re, text);
        }
    }

    /// The offsets into the printed text are counted on from match to match: right after
    /// many matches that are no title, and where folding changed the characters.
    #[test]
    fn a_title_after_many_matches_that_are_none() {
        let text = "2020年信息公開年報".repeat(2000)
            + "標題:武漢市退役軍人事務局2021年政府信息公開工作年度報告";
        let t = parse_title(&text).unwrap();
        assert_eq!(
            t.title.as_deref(),
            Some("武漢市退役軍人事務局2021年政府信息公開工作年度報告")
        );
        assert_eq!(t.issuer.as_deref(), Some("武漢市退役軍人事務局"));
        assert_eq!(t.year, Some(2021));
    }

    #[test]
    fn titles_give_issuer_and_year() {
        let t = parse_title("2019年上海市人民政府办公厅政府信息公开工作年度报告").unwrap();
        assert_eq!(t.issuer.as_deref(), Some("上海市人民政府办公厅"));
        assert_eq!(t.year, Some(2019));
        let t = parse_title("平潭综合实验区2019年政府信息公开工作年度报告根据《条例》").unwrap();
        assert_eq!(
            t.title.as_deref(),
            Some("平潭综合实验区2019年政府信息公开工作年度报告")
        );
        assert_eq!(t.issuer.as_deref(), Some("平潭综合实验区"));
        assert!(parse_title("2020年信息公开年报").is_none());
    }

    /// Issue 13: the issuer is the body's name as the title prints it, never navigation,
    /// markup, a label or a sentence.
    #[test]
    fn issuers_are_body_names_without_navigation_labels_or_sentences() {
        let issuer = |t: &str| parse_title(t).and_then(|t| t.issuer);
        for (text, want) in [
            (
                "当前位置:首页政务公开政府信息公开政府信息公开年报平潭综合实验区2019年政府信息公开工作年度报告",
                Some("平潭综合实验区"),
            ),
            ("#沐阳县人民政府2020年政府信息公开工作年度报告", Some("沐阳县人民政府")),
            ("标题:中埠镇人民政府2021年政府信息公开工作年度报告", Some("中埠镇人民政府")),
            ("首页>政务公开>年报>天河区人民政府珠吉街道办事处2022年度政府信息公开工作年度报告", Some("天河区人民政府珠吉街道办事处")),
            ("2020年度沐阳县发展和改革局政府信息公开工作年度报告", Some("沐阳县发展和改革局")),
            ("沐阳县人民政府关于2020年政府信息公开工作报告", Some("沐阳县人民政府")),
            ("昌图县七家子镇2023年政府信息公开工作告年度报", Some("昌图县七家子镇")),
            ("武漢市退役軍人事務局2021年政府信息公開工作年度報告", Some("武漢市退役軍人事務局")),
            ("仙庵镇2023年信息公开年报", Some("仙庵镇")),
            ("2019年度我局信息公开工作年度报告", None),
        ] {
            assert_eq!(issuer(text).as_deref(), want, "{text}");
        }
        for sentence in [
            "根据《中华人民共和国政府信息公开条例》特向社会公布2019年度我局信息公开工作年度报告。",
            "根据《中华人民共和国政府信息公开条例》和《平武县人民政府办公室关于2021年度政府信息公开工作年度报告编制工作的通知》要求",
            "2020年,根据《文山州人民政府办公室关于编制公布2020年政府信息公开工作年度报告有关事项的通知》",
        ] {
            assert_eq!(parse_title(sentence), None, "{sentence}");
        }
        let t = parse_title("標題:武漢市退役軍人事務局2021年政府信息公開工作年度報告").unwrap();
        assert_eq!(
            t.title.as_deref(),
            Some("武漢市退役軍人事務局2021年政府信息公開工作年度報告")
        );
    }

    #[test]
    fn a_report_whose_title_names_no_body_says_so() {
        let sections = vec![Section {
            id: "sec.preamble".into(),
            heading: None,
            paragraphs: vec!["根据《条例》特向社会公布2019年度我局信息公开工作年度报告。".into()],
        }];
        let mut diags = Vec::new();
        let info = title_info(
            &sections,
            &Hints::default(),
            &Templates::builtin(),
            &mut diags,
        );
        assert_eq!(info.issuer, None);
        assert!(
            diags.iter().any(|d| d.code == "issuer-missing"),
            "{diags:?}"
        );
    }
}

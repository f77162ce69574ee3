//! The layout as one searchable text, and that text cut into items.
//!
//! Every block's text is NFKC-normalised (full-width brackets and digits become ASCII,
//! spec §8 step 1) and the blocks are joined into one document text, so headings and table
//! anchors are found by one search whatever the reader was. Grid cells are joined by tabs,
//! grid rows and blocks by newlines. The lexer cuts a range of that text (a table's region:
//! nothing else needs it) into items: label text, numbers and blank markers, each knowing
//! its line (a text line or a grid row) and whether it was a whole grid cell (such a number
//! is never split).

use std::borrow::Cow;
use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

use crate::text::gloss;
use crate::text::normalise::fold_simple;
use crate::text::traditional;

use crate::layout::{Block, GridCell, Layout, Text};
use crate::model::Src;
use crate::text::number;

#[derive(Debug)]
pub struct Doc<'a> {
    /// NFKC text of all blocks.
    pub text: String,
    pub blocks: Vec<DocBlock<'a>>,
}

#[derive(Debug)]
pub struct DocBlock<'a> {
    /// Where the block lies in `Doc::text`.
    pub range: Range<usize>,
    pub kind: BlockKind,
    /// The block's text as the reader gave it (grid cells joined like the normalised text;
    /// a line or paragraph borrowed from the layout, not copied).
    pub original: Cow<'a, str>,
    /// Offsets where normalised and original text drift apart: (normalised offset within
    /// the block, original offset). Between two entries both advance together.
    drift: Vec<(usize, usize)>,
    /// The line number of the block (a text block is one line; a grid has one per row).
    first_line: usize,
    /// A line's or paragraph's text in the layout, knowing where it was printed.
    printed: Option<&'a Text>,
    /// A grid's cells.
    cells: Vec<DocCell<'a>>,
}

/// A grid cell in the document.
#[derive(Debug)]
struct DocCell<'a> {
    /// Its range in `Doc::text`.
    range: Range<usize>,
    /// Its row's line number.
    line: usize,
    /// Where its text starts in its block's `original`.
    original: usize,
    /// The layout's cell, knowing where it was printed.
    cell: &'a GridCell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Line,
    /// A grid; the index is into `Layout::blocks`.
    Grid,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    /// Byte range in `Doc::text`.
    pub range: Range<usize>,
    /// Items on one text line or one grid row share a line number.
    pub line: usize,
    /// A number that was a whole grid cell: it is one cell, never to be split.
    pub atomic: bool,
    /// Column (in characters from the line start) where the item ends: aligned layout text
    /// puts a table's columns at stable positions.
    pub end_column: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Text,
    Number,
    /// A printed-empty cell: an empty grid cell, `-`, `—`, `/`, `无`.
    Blank,
}

impl<'a> Doc<'a> {
    pub fn build(layout: &'a Layout) -> Doc<'a> {
        let mut doc = Doc {
            text: String::new(),
            blocks: Vec::with_capacity(layout.blocks.len()),
        };
        let mut line = 0usize;
        for block in &layout.blocks {
            let start = doc.text.len();
            match block {
                Block::Paragraph(t) | Block::Line(t) => {
                    let kind = if matches!(block, Block::Paragraph(_)) {
                        BlockKind::Paragraph
                    } else {
                        BlockKind::Line
                    };
                    let drift = push_normalised(&mut doc.text, t.as_str());
                    doc.blocks.push(DocBlock {
                        range: start..doc.text.len(),
                        kind,
                        original: Cow::Borrowed(t.as_str()),
                        drift,
                        first_line: line,
                        printed: Some(t),
                        cells: Vec::new(),
                    });
                    line += 1;
                }
                Block::Grid(grid) => {
                    let mut original = String::new();
                    let mut drift = Vec::new();
                    let mut cells = Vec::new();
                    let first_line = line;
                    for (r, row) in grid.rows.iter().enumerate() {
                        if r > 0 {
                            doc.text.push('\n');
                            original.push('\n');
                        }
                        for (c, cell) in row.iter().enumerate() {
                            if c > 0 {
                                doc.text.push('\t');
                                original.push('\t');
                            }
                            let cell_start = doc.text.len();
                            let orig_start = original.len();
                            for (n, o) in push_normalised(&mut doc.text, cell.text.as_str()) {
                                drift.push((n + cell_start - start, o + orig_start));
                            }
                            original.push_str(cell.text.as_str());
                            drift.push((doc.text.len() - start, original.len()));
                            cells.push(DocCell {
                                range: cell_start..doc.text.len(),
                                line,
                                original: orig_start,
                                cell,
                            });
                        }
                        line += 1;
                    }
                    doc.blocks.push(DocBlock {
                        range: start..doc.text.len(),
                        kind: BlockKind::Grid,
                        original: Cow::Owned(original),
                        drift,
                        first_line,
                        printed: None,
                        cells,
                    });
                }
            }
            doc.text.push('\n');
        }
        doc
    }

    /// The items of a range of the document, in order. Text items are cut at the range's
    /// edges; a grid cell is lexed only when it lies wholly inside.
    pub fn items(&self, range: Range<usize>) -> Vec<Item> {
        let mut out = Vec::new();
        let first = self.blocks.partition_point(|b| b.range.end < range.start);
        for block in self.blocks[first..]
            .iter()
            .take_while(|b| b.range.start < range.end)
        {
            match block.kind {
                BlockKind::Grid => {
                    for c in &block.cells {
                        if c.range.start >= range.start && c.range.end <= range.end {
                            lex_cell(&self.text, c.range.clone(), c.line, &mut out);
                        }
                    }
                }
                BlockKind::Line | BlockKind::Paragraph => {
                    let s = range.start.max(block.range.start);
                    let e = range.end.min(block.range.end);
                    if s < e {
                        let column = self.text[block.range.start..s].chars().count();
                        lex(&self.text, s..e, block.first_line, column, &mut out);
                    }
                }
            }
        }
        out
    }

    #[cfg(test)]
    pub fn item_text(&self, item: &Item) -> &str {
        &self.text[item.range.clone()]
    }

    /// The index of the block holding a document offset.
    pub fn block_at(&self, offset: usize) -> Option<usize> {
        let i = self.blocks.partition_point(|b| b.range.end < offset);
        (i < self.blocks.len() && self.blocks[i].range.start <= offset).then_some(i)
    }

    /// Where the characters of a range of the document (in one block) were printed: the
    /// places of the layout's text there, or, for a grid cell whose text has none (an
    /// empty cell, a table element's cell), the cell's.
    pub fn src(&self, range: Range<usize>) -> Option<Src> {
        let block = &self.blocks[self.block_at(range.start)?];
        let end = range.end.clamp(range.start, block.range.end);
        let from = block.to_original(range.start - block.range.start);
        let to = block.to_original(end - block.range.start);
        match block.printed {
            Some(text) => text.src_of(from..to),
            None => {
                let i = block.cells.partition_point(|c| c.range.end < range.start);
                let c = block
                    .cells
                    .get(i)
                    .filter(|c| c.range.start <= range.start)?;
                let start = from.saturating_sub(c.original);
                c.cell
                    .src_of(start..to.saturating_sub(c.original).max(start))
            }
        }
    }

    /// The original text of a range of the document (which must lie in one block).
    pub fn original(&self, range: Range<usize>) -> &str {
        let Some(b) = self.block_at(range.start) else {
            return "";
        };
        let block = &self.blocks[b];
        let s = block.to_original(range.start.saturating_sub(block.range.start));
        let e = block.to_original(range.end.min(block.range.end) - block.range.start);
        block.original.get(s..e).unwrap_or("")
    }
}

impl DocBlock<'_> {
    /// Maps an offset within the normalised block text to the original text.
    fn to_original(&self, norm: usize) -> usize {
        let i = self.drift.partition_point(|&(n, _)| n <= norm);
        let (n, o) = if i == 0 { (0, 0) } else { self.drift[i - 1] };
        // Past a drift point both texts advance alike; clamp to a char boundary.
        let mut off = (o + (norm - n)).min(self.original.len());
        while !self.original.is_char_boundary(off) {
            off -= 1;
        }
        off
    }
}

/// `text` as the document text writes it (template words compared with printed lines).
pub fn normalised(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_normalised(&mut out, text);
    out
}

/// Appends the NFKC form of `text` char by char (so every normalised char knows its
/// source char) and returns the drift points.
fn push_normalised(out: &mut String, text: &str) -> Vec<(usize, usize)> {
    let base = out.len();
    let mut drift = Vec::new();
    let mut diverged = false;
    // Pinyin glosses are left out of the searchable text (labels match without them); only
    // text with an opening parenthesis can hold one (each looked for with memchr, not by
    // decoding every char as a search for either would).
    let plain: Option<Vec<char>> =
        (text.contains('(') || text.contains('（')).then(|| text.chars().collect());
    let mut skip = 0;
    // Nearly every char of a report normalises to itself: such chars are copied a run at
    // a time, from `kept` up to the next char that changes or is left out.
    let mut kept = 0;
    for (i, (orig_off, c)) in text.char_indices().enumerate() {
        if skip == 0 && matches!(c, '(' | '（') {
            skip = plain
                .as_deref()
                .and_then(|plain| gloss::gloss_at(plain, i))
                .unwrap_or(0);
        }
        let unchanged =
            c.is_ascii() || fold_simple(c) == Some(c) && traditional::simplified(c).is_none();
        if skip == 0 && unchanged && !diverged {
            continue;
        }
        out.push_str(&text[kept..orig_off]);
        kept = orig_off + c.len_utf8();
        if skip > 0 {
            skip -= 1;
            diverged = true;
            continue;
        }
        let before = out.len();
        match fold_simple(c) {
            Some(f) => out.push(traditional::simplified(f).unwrap_or(f)),
            None => out.extend(
                std::iter::once(c)
                    .nfkc()
                    .map(|n| traditional::simplified(n).unwrap_or(n)),
            ),
        }
        let same = out.len() - before == c.len_utf8();
        if !same || diverged {
            drift.push((before - base, orig_off));
            diverged = !same;
        }
    }
    out.push_str(&text[kept..]);
    if diverged {
        drift.push((out.len() - base, text.len()));
    }
    drift
}

/// A whole grid cell: a lone number or blank marker is one atomic item; anything else is
/// lexed like running text.
fn lex_cell(text: &str, range: Range<usize>, line: usize, items: &mut Vec<Item>) {
    let cell = text[range.clone()].trim();
    let lead = text[range.clone()].len() - text[range.clone()].trim_start().len();
    let trimmed = range.start + lead..range.start + lead + cell.len();
    let squeezed: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
    if number::is_blank(&squeezed) {
        let r = if cell.is_empty() {
            range.start..range.start
        } else {
            trimmed
        };
        items.push(Item {
            kind: ItemKind::Blank,
            range: r,
            line,
            atomic: true,
            end_column: 0,
        });
        return;
    }
    let (num, _) = number::split_unit(&squeezed);
    if number::normalise(num).is_some() || number::is_no_change(&squeezed) {
        items.push(Item {
            kind: ItemKind::Number,
            range: trimmed,
            line,
            atomic: true,
            end_column: 0,
        });
        return;
    }
    lex(text, range, line, 0, items);
}

/// A character of the text [`lex`] reads and its byte offset there: a `u32`, as a line's
/// characters are held at once (a 64 MiB line of one-byte characters is 512 MiB so, twice
/// that with a `usize`).
type LexChar = (u32, char);

/// Cuts running text into items. Numbers are maximal digit runs with an optional sign,
/// fraction and unit; a digit run that is a label's numbering (`2.其他法律…`, the `2` of
/// `…00000002.其他…`) or part of a date (`2019年`) is text.
fn lex(text: &str, range: Range<usize>, line: usize, first_column: usize, items: &mut Vec<Item>) {
    let s = &text[range.clone()];
    if u32::try_from(s.len()).is_err() {
        // A line of 4 GiB holds no table row: it stays text, unread for numbers.
        items.push(Item {
            kind: ItemKind::Text,
            end_column: first_column + s.chars().count(),
            range,
            line,
            atomic: false,
        });
        return;
    }
    let chars: Vec<LexChar> = s.char_indices().map(|(at, c)| (at as u32, c)).collect();
    let mut i = 0;
    let mut text_start: Option<usize> = None;
    let mut hyphen_run = false;
    let at = |k: usize| -> usize {
        if k < chars.len() {
            chars[k].0 as usize
        } else {
            s.len()
        }
    };
    let flush_text = |items: &mut Vec<Item>, start: Option<usize>, end: usize| {
        if let Some(st) = start {
            let t = &s[at(st)..at(end)];
            let trimmed_end = at(st) + t.trim_end().len();
            let lead = t.len() - t.trim_start().len();
            if trimmed_end > at(st) + lead {
                items.push(Item {
                    kind: ItemKind::Text,
                    range: range.start + at(st) + lead..range.start + trimmed_end,
                    line,
                    atomic: false,
                    end_column: first_column + end,
                });
            }
        }
    };
    while i < chars.len() {
        let c = chars[i].1;
        if c == '|' || c == '\t' {
            flush_text(items, text_start.take(), i);
            // `| |`: a pipe row flattened onto one line prints an empty cell as nothing
            // but spaces between two pipes (`规章 | | | | 行政规范性文件 | 4`); the pipes
            // that pad a row (`||||`) hold no space and no cell.
            let spaces = chars[i + 1..]
                .iter()
                .take_while(|&&(_, s)| s == ' ')
                .count();
            let closed = chars.get(i + 1 + spaces).is_some_and(|&(_, p)| p == '|');
            if c == '|' && spaces > 0 && closed {
                items.push(Item {
                    kind: ItemKind::Blank,
                    range: range.start + at(i + 1)..range.start + at(i + 1 + spaces),
                    line,
                    atomic: false,
                    end_column: first_column + i + 1 + spaces,
                });
                i += 1 + spaces;
                continue;
            }
            i += 1;
            continue;
        }
        // Glued between numbers (`2-----2`), each hyphen of a run is an empty cell; a lone
        // hyphen there is a sign (`2648-18538`).
        let hyphens = c == '-'
            && (i > 0 && chars[i - 1].1 == '-' && hyphen_run
                || i > 0
                    && chars[i - 1].1.is_ascii_digit()
                    && chars.get(i + 1).is_some_and(|&(_, n)| n == '-'));
        hyphen_run = hyphens;
        let token = if hyphens {
            Some((ItemKind::Blank, i + 1))
        } else if let Some(end) = blank_marker(&chars, i) {
            Some((ItemKind::Blank, end))
        } else if let Some(end) = no_change_word(&chars, i) {
            Some((ItemKind::Number, end))
        } else {
            number_at(&chars, i).map(|end| (ItemKind::Number, end))
        };
        if let Some((kind, end)) = token {
            flush_text(items, text_start.take(), i);
            items.push(Item {
                kind,
                range: range.start + at(i)..range.start + at(end),
                line,
                atomic: false,
                end_column: first_column + end,
            });
            i = end;
            continue;
        }
        if text_start.is_none() && !c.is_whitespace() {
            text_start = Some(i);
        }
        // A digit run that number_at refused (numbering, dates) is text as a whole.
        if c.is_ascii_digit() {
            while i < chars.len() && chars[i].1.is_ascii_digit() {
                i += 1;
            }
            continue;
        }
        i += 1;
    }
    flush_text(items, text_start.take(), chars.len());
}

/// Characters after which digits are part of prose, not a cell: dates and percentages (the
/// language's, not a template's).
fn is_prose_suffix(c: char) -> bool {
    matches!(c, '年' | '月' | '日' | '号' | '%' | '时' | '天' | '岁')
}

/// If a number starts at `i`, where it ends.
fn number_at(chars: &[LexChar], i: usize) -> Option<usize> {
    let n = chars.len();
    let ch = |k: usize| chars.get(k).map(|&(_, c)| c);
    let prev = if i > 0 { ch(i - 1) } else { None };
    let mut k = i;
    if matches!(ch(k), Some('-' | '+')) {
        // A sign only where a cell can start: after a digit, a space or a label.
        if !ch(k + 1).is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
        k += 1;
    }
    if !ch(k).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    // Digits inside a word of Latin letters (`IPv6`, `hzzwgk@126.com`) are not numbers.
    if prev.is_some_and(|p| p.is_ascii_alphabetic() || p == '@' || p == '_' || p == '.') {
        return None;
    }
    let digits_start = k;
    while k < n
        && (ch(k).unwrap().is_ascii_digit() || (ch(k) == Some(',') && thousands_group(chars, k)))
    {
        k += 1;
    }
    let int_end = k;
    // `1.属于…`, `…00000002.其他…`, `1、`: the last digit numbers the next label.
    if matches!(ch(k), Some('.' | '、'))
        && ch(k + 1).is_some_and(|c| !c.is_ascii_digit() && !c.is_whitespace())
    {
        let run = int_end - digits_start;
        if run == 1 || prev.is_some_and(|p| p.is_ascii_digit()) {
            return None;
        }
        return Some(int_end - 1);
    }
    if ch(k) == Some('.') && ch(k + 1).is_some_and(|c| c.is_ascii_digit()) {
        k += 1;
        while k < n && ch(k).unwrap().is_ascii_digit() {
            k += 1;
        }
    }
    // Digits glued to Latin letters or followed by a date word belong to prose.
    let mut after = k;
    while after < n && ch(after) == Some(' ') {
        after += 1;
    }
    if let Some(c) = ch(after) {
        if is_prose_suffix(c) || (after == k && (c.is_ascii_alphabetic() || c == '@')) {
            return None;
        }
    }
    if ch(i) != Some('-') && ch(i) != Some('+') && prev == Some('(') && ch(k) == Some(')') {
        return None;
    }
    // A number followed by a unit is still a number (a column's own unit is read alike).
    for unit in number::UNITS {
        let len = unit.chars().count();
        if (0..len).all(|j| ch(k + j) == unit.chars().nth(j)) {
            return Some(k + len);
        }
    }
    Some(k)
}

/// A comma at `k` separates thousands when exactly three digits follow it.
fn thousands_group(chars: &[LexChar], k: usize) -> bool {
    let digit = |j: usize| chars.get(j).is_some_and(|&(_, c)| c.is_ascii_digit());
    digit(k + 1) && digit(k + 2) && digit(k + 3) && !digit(k + 4) && k > 0 && digit(k - 1)
}

/// A blank marker standing alone: `-`, `—`, `/`, `无` between spaces or cell edges (the
/// canonical form's blanks, canonical-xml.md: the same for every template).
fn blank_marker(chars: &[LexChar], i: usize) -> Option<usize> {
    if !cell_edge(chars, i.checked_sub(1)) {
        return None;
    }
    let mut k = i;
    while k < chars.len() && matches!(chars[k].1, '-' | '—' | '–' | '/' | '无') {
        k += 1;
    }
    if k == i || k - i > 2 {
        return None;
    }
    cell_edge(chars, Some(k)).then_some(k)
}

/// A word for no change (`未增未减`) standing alone as a cell, as a blank marker does: the
/// value 0 of a 本年增/减 cell. Inside prose (`事项未增未减。`) it stays text.
fn no_change_word(chars: &[LexChar], i: usize) -> Option<usize> {
    if !cell_edge(chars, i.checked_sub(1)) {
        return None;
    }
    let end = i + number::no_change_at(chars[i..].iter().map(|&(_, c)| c))?;
    cell_edge(chars, Some(end)).then_some(end)
}

/// Whether the character at `k` (none: before the text) can bound a cell: the text's
/// edge, a space or a pipe.
fn cell_edge(chars: &[LexChar], k: Option<usize>) -> bool {
    k.and_then(|k| chars.get(k))
        .is_none_or(|&(_, c)| c.is_whitespace() || c == '|')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Grid;

    fn lexed(line: &str) -> Vec<(ItemKind, String)> {
        let layout = Layout {
            blocks: vec![Block::Line(line.into())],
            ..Layout::default()
        };
        let doc = Doc::build(&layout);
        doc.items(0..doc.text.len())
            .iter()
            .map(|i| (i.kind, doc.item_text(i).to_string()))
            .collect()
    }

    fn t(s: &str) -> (ItemKind, String) {
        (ItemKind::Text, s.into())
    }
    fn n(s: &str) -> (ItemKind, String) {
        (ItemKind::Number, s.into())
    }

    #[test]
    fn glued_labels_and_digits_come_apart() {
        assert_eq!(
            lexed("规章000规范性文件898989"),
            vec![t("规章"), n("000"), t("规范性文件"), n("898989")]
        );
        assert_eq!(
            lexed("（三）不予公开1.属于国家秘密00000002.其他法律"),
            vec![
                t("(三)不予公开1.属于国家秘密"),
                n("0000000"),
                t("2.其他法律")
            ]
        );
        assert_eq!(
            lexed("政府集中采购13575394432.52元三、收到"),
            vec![t("政府集中采购"), n("13575394432.52元"), t("三、收到")]
        );
        assert_eq!(
            lexed("申请数量230 000023二、上年"),
            vec![t("申请数量"), n("230"), n("000023"), t("二、上年")]
        );
        assert_eq!(
            lexed("行政处罚2648-18538"),
            vec![t("行政处罚"), n("2648"), n("-18538")]
        );
        let b = |s: &str| (ItemKind::Blank, s.to_string());
        assert_eq!(
            lexed("数量2---2"),
            vec![t("数量"), n("2"), b("-"), b("-"), b("-"), n("2")]
        );
    }

    #[test]
    fn numbering_dates_and_annotations_stay_text() {
        assert_eq!(
            lexed("1.属于国家秘密 0 0"),
            vec![t("1.属于国家秘密"), n("0"), n("0")]
        );
        assert_eq!(lexed("3、其他 4"), vec![t("3、其他"), n("4")]);
        assert_eq!(
            lexed("上一年项目数量(指2019年事项数)"),
            vec![t("上一年项目数量(指2019年事项数)")]
        );
        assert_eq!(lexed("市科委 2024 年根据"), vec![t("市科委 2024 年根据")]);
        assert_eq!(lexed("(1)加强政策解读"), vec![t("(1)加强政策解读")]);
        assert_eq!(lexed("网站支持IPv6"), vec![t("网站支持IPv6")]);
    }

    #[test]
    fn blanks_units_and_separators() {
        assert_eq!(
            lexed("行政强制 | 4 | 4 | - |"),
            vec![t("行政强制"), n("4"), n("4"), (ItemKind::Blank, "-".into())]
        );
        assert_eq!(
            lexed("行政事业性收费 7730.28"),
            vec![t("行政事业性收费"), n("7730.28")]
        );
        assert_eq!(lexed("1,234 5"), vec![n("1,234"), n("5")]);
        // A word for no change standing as a cell is read as a number (0 where the column
        // counts a change); inside a sentence it is text.
        assert_eq!(
            lexed("行政许可 | 0 | 未增未减 | 无增减 |"),
            vec![t("行政许可"), n("0"), n("未增未减"), n("无增减")]
        );
        assert_eq!(lexed("事项未增未减。"), vec![t("事项未增未减。")]);
        assert_eq!(lexed("无变化情况"), vec![t("无变化情况")]);
        assert_eq!(lexed("２５１０００元"), vec![n("251000元")]);
        // A flattened pipe row's empty cells are spaces between pipes; padding is not.
        let b = |s: &str| (ItemKind::Blank, s.to_string());
        assert_eq!(
            lexed("规章 | | | | 行政规范性文件 | 4 | 行政处罚 | | 行政强制 | |"),
            vec![
                t("规章"),
                b(" "),
                b(" "),
                b(" "),
                t("行政规范性文件"),
                n("4"),
                t("行政处罚"),
                b(" "),
                t("行政强制"),
                b(" ")
            ]
        );
        assert_eq!(lexed("规章 | 0 ||||"), vec![t("规章"), n("0")]);
    }

    #[test]
    fn grid_cells_are_atomic_and_map_back_to_the_original() {
        let mut grid = Grid::default();
        grid.rows.push(vec![
            Grid::cell("（一）予以公开"),
            Grid::cell("１２"),
            Grid::cell(""),
        ]);
        let layout = Layout {
            blocks: vec![Block::Line("前言，正文".into()), Block::Grid(grid)],
            ..Layout::default()
        };
        let doc = Doc::build(&layout);
        let items = doc.items(0..doc.text.len());
        let kinds: Vec<_> = items
            .iter()
            .map(|i| (i.kind, i.atomic, doc.item_text(i).to_string()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (ItemKind::Text, false, "前言,正文".into()),
                (ItemKind::Text, false, "(一)予以公开".into()),
                (ItemKind::Number, true, "12".into()),
                (ItemKind::Blank, true, "".into()),
            ]
        );
        assert_eq!(doc.original(items[0].range.clone()), "前言，正文");
        assert_eq!(doc.original(items[1].range.clone()), "（一）予以公开");
        assert_eq!(doc.original(items[2].range.clone()), "１２");
    }
}

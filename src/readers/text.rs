//! Plain text in every shape scrapers and converters leave it: running lines, pipe cells
//! (one cell a line, ` |`), pipe rows (`a | b | c`), markdown tables, `pdftotext -layout`
//! columns, and crawler dumps with a metadata header.
//!
//! Pipe text becomes grids here; everything else stays lines, and the recogniser reads
//! tables out of them by template knowledge (glued digits, aligned columns). Pages that put
//! every cell on a line of its own without pipes (`规章` / `0` / `0` / `0`, blank lines
//! between) or with a lone `|` line after each cell are first rewritten as pipe text.

use std::borrow::Cow;

use crate::layout::{Block, Budget, Grid, Hints, Layout, TooLarge};
use crate::model::{Diagnostic, GridCell, Level};
use crate::text::chrome::{is_chrome_line, published_date, running_title};
use crate::text::normalise::fold_simple;
use crate::text::number;

/// Reads decoded text into the common layout, taking its lines and cells from `budget`.
pub fn read(text: &str, budget: &mut Budget) -> Result<Layout, TooLarge> {
    let mut text = unify_line_ends(text);
    // Counted before any line is copied: every stage below costs memory per line.
    budget.lines(text.bytes().filter(|&b| b == b'\n').count() + 1)?;
    if let Some(piped) = cells_on_own_lines_as_pipes(&text) {
        text = Cow::Owned(piped);
    }
    let mut lines: Vec<&str> = text.split('\n').collect();
    let mut layout = Layout::default();

    if let Some(hints) = crawler_header(&mut lines) {
        layout.hints = hints;
    }

    let mut dropped = 0usize;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        if is_chrome_line(line) {
            if layout.hints.published.is_none() {
                layout.hints.published = published_date(line);
            }
            if layout.hints.title.is_none() {
                layout.hints.title = running_title(line);
            }
            // Chrome (a page footer above all) splits no paragraph: the blank lines around
            // it go with it.
            while layout.blocks.last() == Some(&Block::Line(String::new())) {
                layout.blocks.pop();
            }
            dropped += 1;
            i += 1;
            while i < lines.len() && lines[i].trim().is_empty() {
                i += 1;
            }
            continue;
        }
        if is_pipe_line(line) {
            let start = i;
            while i < lines.len()
                && (is_pipe_line(lines[i].trim_end()) || is_md_separator(lines[i].trim()))
            {
                i += 1;
            }
            let block: Vec<&str> = lines[start..i].iter().map(|l| l.trim()).collect();
            if block
                .iter()
                .filter(|l| !is_padding(l) && !is_md_separator(l))
                .count()
                >= 2
            {
                layout.blocks.push(Block::Grid(pipe_grid(&block, budget)?));
            } else {
                layout
                    .blocks
                    .extend(block.iter().map(|l| Block::Line(l.to_string())));
            }
            continue;
        }
        if is_md_separator(line.trim()) {
            i += 1;
            continue;
        }
        layout.blocks.push(Block::Line(if line.trim().is_empty() {
            String::new()
        } else {
            line.to_string()
        }));
        i += 1;
    }
    if dropped > 0 {
        layout.diagnostics.push(Diagnostic::new(
            Level::Info,
            "chrome-dropped",
            "input",
            format!(
                "{dropped} line(s) of page chrome dropped (QR captions, page numbers, share bars)"
            ),
        ));
    }
    Ok(layout)
}

/// `\r\n` and lone `\r` become `\n`; form feeds, which mark PDF page ends (pdftotext),
/// go: a page break is not a paragraph break. One pass, and no copy when nothing changes.
fn unify_line_ends(text: &str) -> Cow<'_, str> {
    if !text.contains(['\r', '\u{c}']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\u{c}' => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// One paragraph of a document (an HTML `<p>`, a DOCX `w:p`) as blocks: a single line is a
/// paragraph, dropped if it is chrome; several lines (`<br>`) or pipe text go through the
/// text reader, so flattened tables inside a paragraph are recovered like text files'.
pub fn paragraph(text: &str, budget: &mut Budget) -> Result<Vec<Block>, TooLarge> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    Ok(match lines.as_slice() {
        [] => Vec::new(),
        [line] if !line.contains('|') => {
            if is_chrome_line(line) {
                Vec::new()
            } else {
                budget.lines(1)?;
                vec![Block::Paragraph(line.to_string())]
            }
        }
        _ => read(&lines.join("\n"), budget)?.blocks,
    })
}

/// A crawler's dump starts with `key: value` lines and a `==== 正文 ====` rule; the keys
/// are metadata about the page, not report text.
fn crawler_header(lines: &mut Vec<&str>) -> Option<Hints> {
    let rule = lines.iter().take(40).position(|l| {
        let t = l.trim();
        t.starts_with("===") && t.ends_with("===") && t.contains("正文")
    })?;
    let mut hints = Hints::default();
    for line in &lines[..rule] {
        if let Some((key, value)) = line.split_once([':', '：']) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key.trim() {
                "标题" | "title" => hints.title = Some(value.to_string()),
                "发布时间" | "发布日期" | "date" => {
                    hints.published = Some(value.to_string())
                }
                _ => {}
            }
        }
    }
    lines.drain(..=rule);
    Some(hints)
}

/// Fewest rewritten cells for a page to count as one-cell-a-line: a few stray numbers on
/// lines of their own (page numbers, a wrapped figure) never trigger the rewrite.
const MIN_CELL_LINES: usize = 6;

/// Pages whose table cells each stand on a line of their own, in one of two shapes:
/// - no pipes at all (`行政许可` / `9`, often with blank lines between): each run of
///   number-only lines becomes the row of the label line above it, `行政许可 | 9 |`, and
///   blank lines between such rows go;
/// - a lone `|` line after each cell (`规章` / `|` / `0` / `|`): the `|` closes the cell
///   above it, `规章 |`, giving the one-cell-a-line pipe text of spec §7.3 item 1.
///
/// A row built here holds only the numbers printed; a row whose empty cells printed nothing
/// has too few values, and the recogniser leaves it `missing` rather than guess where the
/// gaps are. Returns `None` when the page has neither shape.
fn cells_on_own_lines_as_pipes(text: &str) -> Option<String> {
    let candidates = text
        .lines()
        .filter(|l| {
            let t = l.trim();
            t == "|" || is_lone_cell(t)
        })
        .count();
    if candidates < MIN_CELL_LINES {
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    // Lines of `out` that are rows built here.
    let mut built: Vec<bool> = Vec::new();
    // The last line of `out` that is not blank: kept as we go, so that runs of blank lines
    // cost nothing.
    let mut last: Option<usize> = None;
    let mut rewritten = 0usize;
    for line in text.split('\n') {
        let t = line.trim();
        if let Some(j) = last {
            let prev = out[j].trim_end();
            if is_lone_cell(t) && (built[j] || is_row_label(prev)) {
                // A built row ends in ` |` and grows in place: appending, never copying
                // the row, keeps a run of a million cells linear.
                if !built[j] {
                    out[j] = format!("{} |", prev.trim());
                }
                out[j].push(' ');
                out[j].push_str(t);
                out[j].push_str(" |");
                built[j] = true;
                out.truncate(j + 1);
                built.truncate(j + 1);
                rewritten += 1;
                continue;
            }
            if t == "|" && j + 1 == out.len() && !prev.ends_with('|') && !built[j] {
                out[j] = format!("{} |", prev.trim());
                rewritten += 1;
                continue;
            }
        }
        out.push(line.to_string());
        built.push(false);
        if !t.is_empty() {
            last = Some(out.len() - 1);
        }
    }
    if rewritten < MIN_CELL_LINES {
        return None;
    }
    // Rows built here follow one another as one block of pipe rows: the blank lines
    // between two of them go.
    let mut kept: Vec<&str> = Vec::with_capacity(out.len());
    let mut blanks: Vec<&str> = Vec::new();
    let mut after_built = false;
    for (line, &row) in out.iter().zip(&built) {
        if line.trim().is_empty() {
            blanks.push(line);
            continue;
        }
        if !(after_built && row) {
            kept.append(&mut blanks);
        }
        blanks.clear();
        kept.push(line);
        after_built = row;
    }
    kept.append(&mut blanks);
    Some(kept.join("\n"))
}

/// A cell printed alone: a number as cells print them (`0`, `+19`, `减4`, `75.9260`,
/// `20.001万元`, `１,２３４`) or a mark for an empty cell (`/`, `-`, `—`), read by the
/// recogniser's own number rules. `无` is not one here: alone on a line it is as often the
/// prose answer under a heading (`六、其他需要报告的事项` / `无`).
fn is_lone_cell(t: &str) -> bool {
    // Most lines are text: told apart by their first character, before any folding.
    let may_be_cell = t.chars().next().is_some_and(|c| {
        c.is_ascii_digit()
            || matches!(
                c,
                '+' | '-' | '/' | '—' | '–' | '＋' | '－' | '／' | '０'..='９' | '增' | '减'
            )
    });
    if !may_be_cell || t.len() > 64 {
        return false;
    }
    let folded: String = t.chars().map(|c| fold_simple(c).unwrap_or(c)).collect();
    number::is_blank(&folded) || number::normalise(number::split_unit(&folded).0).is_some()
}

/// A line that can head a row of numbers below it: a label, not prose (no full stop, not
/// a paragraph) and not itself ending in a number or a cell.
fn is_row_label(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty()
        && t.chars().count() <= 200
        && !t.contains('。')
        && !t.ends_with(|c: char| c.is_ascii_digit() || "|，,；;：:".contains(c))
}

fn is_pipe_line(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && (t.ends_with('|') || t.starts_with('|') || t.contains(" | "))
}

fn is_padding(line: &str) -> bool {
    !line.is_empty() && line.chars().all(|c| c == '|' || c.is_whitespace())
}

/// `|---|:---:|` and friends.
fn is_md_separator(line: &str) -> bool {
    let t = line.trim();
    t.contains("---") && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// Builds a grid from a block of pipe lines. Two shapes exist: one cell a line (`text |`,
/// rows closed by a padding line of `|`s, spec §7.3 item 1) and one row a line. Cells are
/// taken from `budget` before they are made.
fn pipe_grid(block: &[&str], budget: &mut Budget) -> Result<Grid, TooLarge> {
    let content: Vec<&&str> = block
        .iter()
        .filter(|l| !is_padding(l) && !is_md_separator(l))
        .collect();
    let cell_per_line = content.iter().all(|l| {
        cell_texts(l).filter(|c| !c.is_empty()).nth(1).is_none() && !l.trim().starts_with('|')
    });
    let mut grid = Grid::default();
    if cell_per_line {
        budget.cells(content.len())?;
        let mut row: Vec<GridCell> = Vec::new();
        for line in block {
            if is_padding(line) {
                if !row.is_empty() {
                    grid.rows.push(std::mem::take(&mut row));
                }
            } else if !is_md_separator(line) {
                let cell = cell_texts(line).next().unwrap_or_default();
                row.push(Grid::cell(cell));
            }
        }
        if !row.is_empty() {
            grid.rows.push(row);
        }
    } else {
        for line in content {
            budget.cells(cell_texts(line).count())?;
            grid.rows.push(cell_texts(line).map(Grid::cell).collect());
        }
    }
    Ok(grid)
}

/// The cells of one pipe line: what lies between pipes, an empty cell kept as empty (the
/// recogniser drops empty cells beyond a row's width: a scraper's `||||` padding and a
/// printed-empty cell look alike here). Outer pipes delimit; they open no cell.
fn cell_texts(line: &str) -> impl Iterator<Item = &str> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    let empty = t.trim().is_empty();
    t.split('|').filter(move |_| !empty).map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid_texts(layout: &Layout) -> Vec<Vec<Vec<String>>> {
        layout
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Grid(g) => Some(
                    g.rows
                        .iter()
                        .map(|r| r.iter().map(|c| c.text.clone()).collect())
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn cell_per_line_pipes_become_rows_at_padding_lines() {
        let text = "二、主动公开政府信息情况\n第二十条第(一)项 |\n||||\n信息内容 |\n本年新 |\n本年新 |\n对外公开总数量 |\n|\n规章 |\n0 |\n0 |\n1 |\n|\n规范性文件 |\n55 |\n55 |\n463 |\n三、收到";
        let layout = read(text, &mut Budget::default()).unwrap();
        assert_eq!(
            grid_texts(&layout),
            vec![vec![
                vec!["第二十条第(一)项"],
                vec!["信息内容", "本年新", "本年新", "对外公开总数量"],
                vec!["规章", "0", "0", "1"],
                vec!["规范性文件", "55", "55", "463"],
            ]]
        );
        assert_eq!(
            layout.blocks.first(),
            Some(&Block::Line("二、主动公开政府信息情况".into()))
        );
        assert_eq!(layout.blocks.last(), Some(&Block::Line("三、收到".into())));
    }

    #[test]
    fn row_per_line_pipes_and_markdown_tables() {
        let text = "规章 | 0 | 0 | 0 | |\n规范性文件 | 33 | 8 | 8 | |\n\n| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 0 |\n| 规范性文件 |  |";
        let layout = read(text, &mut Budget::default()).unwrap();
        assert_eq!(
            grid_texts(&layout),
            vec![
                vec![
                    vec!["规章", "0", "0", "0", ""],
                    vec!["规范性文件", "33", "8", "8", ""]
                ],
                vec![
                    vec!["信息内容", "本年制发件数"],
                    vec!["规章", "0"],
                    vec!["规范性文件", ""]
                ],
            ]
        );
    }

    #[test]
    fn crawler_header_becomes_hints_and_chrome_is_dropped() {
        let text = "标题: 某区2019年政府信息公开工作年度报告\n发布时间: 2020-01-20 15:22\n==================== 正文 ====================\n正文第一行\n-2-\n扫一扫在手机上查看当前页面";
        let layout = read(text, &mut Budget::default()).unwrap();
        assert_eq!(
            layout.hints.title.as_deref(),
            Some("某区2019年政府信息公开工作年度报告")
        );
        assert_eq!(layout.hints.published.as_deref(), Some("2020-01-20 15:22"));
        assert_eq!(layout.blocks, vec![Block::Line("正文第一行".into())]);
        assert_eq!(layout.diagnostics[0].code, "chrome-dropped");
    }

    #[test]
    fn cells_on_lines_of_their_own_become_pipe_rows() {
        let page = "规章\n\n0\n\n0\n\n6\n\n行政规范性文件\n\n１,２３４\n\n/\n\n+19\n\n第二十条第（五）项\n\n行政许可\n\n9\n";
        assert_eq!(
            cells_on_own_lines_as_pipes(page).as_deref(),
            Some("规章 | 0 | 0 | 6 |\n行政规范性文件 | １,２３４ | / | +19 |\n\n第二十条第（五）项\n\n行政许可 | 9 |\n")
        );
        let piped = "规章\n|\n0\n|\n0\n|\n6\n|\n行政规范性文件\n|\n1\n|\n2\n|\n";
        assert_eq!(
            cells_on_own_lines_as_pipes(piped).as_deref(),
            Some("规章 |\n0 |\n0 |\n6 |\n行政规范性文件 |\n1 |\n2 |\n")
        );
    }

    #[test]
    fn lone_cells_are_numbers_by_the_recognisers_rules_or_empty_marks() {
        for cell in [
            "0",
            "+19",
            "减4",
            "75.9260",
            "20.001万元",
            "１,２３４",
            "/",
            "—",
        ] {
            assert!(is_lone_cell(cell), "{cell}");
        }
        for text in ["无", "12,34", "2020年", "增加", "一、总体情况", ""] {
            assert!(!is_lone_cell(text), "{text}");
        }
    }

    #[test]
    fn stray_numbers_and_pipe_text_are_left_alone() {
        // A page number under prose, a wrapped figure: too few to be a table of cells.
        assert_eq!(
            cells_on_own_lines_as_pipes("全年共收到申请。\n\n3\n\n规章\n0\n"),
            None
        );
        // Prose (a full stop) never heads a row, however many numbers follow it.
        assert_eq!(
            cells_on_own_lines_as_pipes("办结。\n1\n2\n3\n4\n5\n6\n7\n"),
            None
        );
        // The seed's shape: lone `|` lines after a cell that already ends in a pipe pad rows.
        let seed = "规章 |\n|\n0 |\n|\n0 |\n|\n0 |\n|\n行政许可 |\n|\n0 |\n|\n";
        assert_eq!(cells_on_own_lines_as_pipes(seed), None);
    }
}

//! Plain text in every shape scrapers and converters leave it: running lines, pipe cells
//! (one cell a line, ` |`), pipe rows (`a | b | c`), markdown tables, `pdftotext -layout`
//! columns, and crawler dumps with a metadata header.
//!
//! Pipe text becomes grids here; everything else stays lines, and the recogniser reads
//! tables out of them by template knowledge (glued digits, aligned columns). Pages that put
//! every cell on a line of its own without pipes (`规章` / `0` / `0` / `0`, blank lines
//! between) or with a lone `|` line after each cell are first rewritten as pipe text.

use std::borrow::Cow;

use crate::layout::{Block, Budget, Grid, GridCell, Hints, Layout, Text, TooLarge};
use crate::model::{Diagnostic, Level, Src};
use crate::text::chrome::{is_chrome_line, published_date, running_title};
use crate::text::normalise::fold_simple;
use crate::text::number;

/// Reads decoded text into the common layout, taking its lines and cells from `budget`.
/// Every character keeps the number of the line it stands on (1-based; `\r\n`, `\n` and
/// `\r` each end a line), for the cells' `src`.
pub fn read(text: &str, budget: &mut Budget) -> Result<Layout, TooLarge> {
    let text = unify_line_ends(text);
    // Counted before any line is copied: every stage below costs memory per line.
    budget.lines(text.bytes().filter(|&b| b == b'\n').count() + 1)?;
    let lines = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| Text::at(l, Src::line(u32::try_from(i + 1).unwrap_or(u32::MAX))))
        .collect();
    read_lines(lines, budget)
}

/// Reads lines (each knowing where it was printed) into the common layout.
fn read_lines(mut lines: Vec<Text>, budget: &mut Budget) -> Result<Layout, TooLarge> {
    close_cut_cell(&mut lines);
    rejoin_wrapped_pipes(&mut lines);
    if let Some(piped) = cells_on_own_lines_as_pipes(&lines) {
        lines = piped;
    }
    let mut layout = Layout::default();

    if let Some(hints) = crawler_header(&mut lines) {
        layout.hints = hints;
    }

    let mut dropped = 0usize;
    let mut lines = lines.into_iter().peekable();
    while let Some(mut line) = lines.next() {
        let trimmed = line.as_str().trim_end();
        if is_chrome_line(trimmed) {
            if layout.hints.published.is_none() {
                layout.hints.published = published_date(trimmed);
            }
            if layout.hints.title.is_none() {
                layout.hints.title = running_title(trimmed);
            }
            // Chrome (a page footer above all) splits no paragraph: the blank lines around
            // it go with it.
            while matches!(layout.blocks.last(), Some(Block::Line(t)) if t.is_empty()) {
                layout.blocks.pop();
            }
            dropped += 1;
            while lines.next_if(|l| l.as_str().trim().is_empty()).is_some() {}
            continue;
        }
        if is_pipe_line(trimmed) {
            let mut block = vec![line.trim()];
            while let Some(l) = lines.next_if(|l| {
                is_pipe_line(l.as_str().trim_end()) || is_md_separator(l.as_str().trim())
            }) {
                block.push(l.trim());
            }
            if block
                .iter()
                .filter(|l| !is_padding(l.as_str()) && !is_md_separator(l.as_str()))
                .count()
                >= 2
            {
                layout.blocks.push(Block::Grid(pipe_grid(&block, budget)?));
            } else {
                layout.blocks.extend(block.into_iter().map(Block::Line));
            }
            continue;
        }
        if is_md_separator(trimmed.trim()) {
            continue;
        }
        layout
            .blocks
            .push(Block::Line(if trimmed.trim().is_empty() {
                Text::default()
            } else {
                line.truncate(trimmed.len());
                line
            }));
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

/// A page cut between a cell and its closing pipe, as a crawl that keeps a page's first
/// bytes cuts it (`0 |` left as `0 `): the last line, a lone number and the space that
/// preceded its pipe, after a line of the one-cell-a-line pipe shape (a cell, or a lone `|`
/// for an empty one), is that shape's last
/// cell and gets its pipe back. Without the space the number itself may be cut (`1` of
/// `12`) and is left alone; so is the last line of a file that ends in a line break.
fn close_cut_cell(lines: &mut [Text]) {
    let [.., above, last] = lines else {
        return;
    };
    if last.as_str().ends_with(char::is_whitespace)
        && is_lone_cell(last.as_str().trim())
        && (is_empty_cell(above.as_str()) || is_cell_line(above.as_str()))
    {
        *last = last.trim();
        last.push_str(" |", None);
    }
}

/// A cell whose closing pipe a scraper wrapped onto the next line (`\t\t\t0` then `   | `,
/// between cells printed `0  | `): in the one-cell-a-line pipe shape a lone number without
/// its pipe, after a cell line and before a lone `|`, gets that `|` back. After a lone `|`
/// the lone `|` is an empty cell of its own (cells on lines of their own, each followed by
/// a `|` line), and the lines are left as they are.
fn rejoin_wrapped_pipes(lines: &mut Vec<Text>) {
    let wrapped = |l: &[Text]| {
        let (above, cell, pipe) = (&l[0], l[1].as_str().trim(), &l[2]);
        is_cell_line(above.as_str()) && is_lone_cell(cell) && is_empty_cell(pipe.as_str())
    };
    if !lines.windows(3).any(wrapped) {
        return;
    }
    let mut out: Vec<Text> = Vec::with_capacity(lines.len());
    let mut k = 0;
    while k < lines.len() {
        if k >= 1 && k + 1 < lines.len() && wrapped(&lines[k - 1..k + 2]) {
            let mut cell = lines[k].trim();
            cell.push_str(" |", None);
            out.push(cell);
            k += 2;
            continue;
        }
        out.push(lines[k].clone());
        k += 1;
    }
    *lines = out;
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
pub fn paragraph(text: &Text, budget: &mut Budget) -> Result<Vec<Block>, TooLarge> {
    let mut lines: Vec<Text> = Vec::new();
    let mut start = 0;
    for line in text.as_str().split('\n') {
        let end = start + line.len();
        let trimmed = text.slice(start..end).trim();
        if !trimmed.is_empty() {
            lines.push(trimmed);
        }
        start = end + 1;
    }
    if let [line] = lines.as_slice() {
        if !line.as_str().contains('|') {
            if is_chrome_line(line.as_str()) {
                return Ok(Vec::new());
            }
            budget.lines(1)?;
            return Ok(vec![Block::Paragraph(lines.remove(0))]);
        }
    }
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    budget.lines(lines.len())?;
    Ok(read_lines(lines, budget)?.blocks)
}

/// A crawler's dump starts with `key: value` lines and a `==== 正文 ====` rule; the keys
/// are metadata about the page, not report text.
fn crawler_header(lines: &mut Vec<Text>) -> Option<Hints> {
    let rule = lines.iter().take(40).position(|l| {
        let t = l.as_str().trim();
        t.starts_with("===") && t.ends_with("===") && t.contains("正文")
    })?;
    let mut hints = Hints::default();
    for line in &lines[..rule] {
        if let Some((key, value)) = line.as_str().split_once([':', '：']) {
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
fn cells_on_own_lines_as_pipes(lines: &[Text]) -> Option<Vec<Text>> {
    let candidates = lines
        .iter()
        .filter(|l| {
            let t = l.as_str().trim();
            t == "|" || is_lone_cell(t)
        })
        .count();
    if candidates < MIN_CELL_LINES {
        return None;
    }
    let mut out: Vec<Text> = Vec::new();
    // Lines of `out` that are rows built here.
    let mut built: Vec<bool> = Vec::new();
    // The last line of `out` that is not blank: kept as we go, so that runs of blank lines
    // cost nothing.
    let mut last: Option<usize> = None;
    let mut rewritten = 0usize;
    for line in lines {
        let t = line.as_str().trim();
        if let Some(j) = last {
            let prev = out[j].as_str().trim_end();
            if is_lone_cell(t) && (built[j] || is_row_label(prev)) {
                // A built row ends in ` |` and grows in place: appending, never copying
                // the row, keeps a run of a million cells linear.
                if !built[j] {
                    out[j] = out[j].trim();
                    out[j].push_str(" |", None);
                }
                out[j].push_str(" ", None);
                out[j].push_text(&line.trim());
                out[j].push_str(" |", None);
                built[j] = true;
                out.truncate(j + 1);
                built.truncate(j + 1);
                rewritten += 1;
                continue;
            }
            if t == "|" && j + 1 == out.len() && !prev.ends_with('|') && !built[j] {
                out[j] = opened_cell(&out[j]).unwrap_or_else(|| out[j].trim());
                out[j].push_str(" |", None);
                rewritten += 1;
                continue;
            }
        }
        // After a cell line a row's opening border goes too, on the row's last line as
        // well, which a page cut before its `|`.
        let after_cell = last.is_some_and(|j| out[j].as_str().trim_end().ends_with('|'));
        out.push(
            after_cell
                .then(|| opened_cell(line))
                .flatten()
                .unwrap_or_else(|| line.clone()),
        );
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
    let mut kept: Vec<Text> = Vec::with_capacity(out.len());
    let mut blanks: Vec<Text> = Vec::new();
    let mut after_built = false;
    for (line, row) in out.into_iter().zip(built) {
        if line.as_str().trim().is_empty() {
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
    Some(kept)
}

/// A cell line before its lone `|`, without its border. A row's first cell may print the row's left
/// border too (`| 规章` / `|` / `0` / `|`): that pipe opens the cell and is dropped, so the
/// cell reads as every other cell of the one-cell-a-line shape (`规章 |`).
/// None when the line opens with no border.
fn opened_cell(line: &Text) -> Option<Text> {
    let t = line.trim();
    let rest = t.as_str().strip_prefix('|')?;
    (!rest.contains('|') && !rest.trim().is_empty()).then(|| {
        t.slice(t.as_str().len() - rest.len()..t.as_str().len())
            .trim()
    })
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

/// A line of the one-cell-a-line pipe shape holding a cell: one cell (or none) and the
/// pipe that closes it, no border before it (`规章 |`, `0 |`).
fn is_cell_line(line: &str) -> bool {
    let t = line.trim();
    t.ends_with('|')
        && !t.starts_with('|')
        && cell_ranges(t).filter(|c| !c.is_empty()).nth(1).is_none()
}

fn is_padding(line: &str) -> bool {
    !line.is_empty() && line.chars().all(|c| c == '|' || c.is_whitespace())
}

/// A lone `|` in the one-cell-a-line shape: the seed's scraper writes an empty cell so, and
/// closes a row that fills the grid's width so too; a row narrower than the grid is closed
/// by more pipes (`||`, `||||`: one more than the cells it lacks).
fn is_empty_cell(line: &str) -> bool {
    line.trim() == "|"
}

/// `|---|:---:|` and friends.
fn is_md_separator(line: &str) -> bool {
    let t = line.trim();
    t.contains("---") && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// Builds a grid from a block of pipe lines. Two shapes exist: one cell a line (`text |`,
/// an empty cell a lone `|`, rows narrower than the grid closed by a padding line of `|`s,
/// spec §7.3 item 1) and one row a line. Cells are
/// taken from `budget` before they are made.
fn pipe_grid(block: &[Text], budget: &mut Budget) -> Result<Grid, TooLarge> {
    let content: Vec<&Text> = block
        .iter()
        .filter(|l| !is_padding(l.as_str()) && !is_md_separator(l.as_str()))
        .collect();
    let cell_per_line = content.iter().all(|l| is_cell_line(l.as_str()));
    let cell = |line: &Text, range: std::ops::Range<usize>| GridCell {
        src: line.src_of(0..line.text.len()),
        ..Grid::cell(line.slice(range))
    };
    let mut grid = Grid::default();
    if cell_per_line {
        budget.cells(block.len())?;
        let mut row: Vec<GridCell> = Vec::new();
        for line in block {
            if is_empty_cell(line.as_str()) {
                // An empty cell, or the `|` that closes a row as wide as the grid: the row
                // goes on, and the recogniser drops empty cells past a row's cell count
                // (the padding follows a row's cells, never precedes them). After a longer
                // padding line it is a row's first cell, printed empty: kept, or the row's
                // cells would shift left.
                row.push(cell(line, 0..0));
            } else if is_padding(line.as_str()) {
                if !row.is_empty() {
                    grid.rows.push(std::mem::take(&mut row));
                }
            } else if !is_md_separator(line.as_str()) {
                let range = cell_ranges(line.as_str()).next().unwrap_or_default();
                row.push(cell(line, range));
            }
        }
        if !row.is_empty() {
            grid.rows.push(row);
        }
    } else {
        for line in content {
            budget.cells(cell_ranges(line.as_str()).count())?;
            grid.rows.push(
                cell_ranges(line.as_str())
                    .map(|range| cell(line, range))
                    .collect(),
            );
        }
    }
    Ok(grid)
}

/// The cells of one pipe line, as byte ranges of it: what lies between pipes, trimmed, an
/// empty cell kept as empty (the recogniser drops empty cells beyond a row's width: a
/// scraper's `||||` padding and a printed-empty cell look alike here). Outer pipes
/// delimit; they open no cell.
fn cell_ranges(line: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let lead = line.len() - line.trim_start().len();
    let t = line.trim();
    let (start, t) = match t.strip_prefix('|') {
        Some(rest) => (lead + 1, rest),
        None => (lead, t),
    };
    let t = t.strip_suffix('|').unwrap_or(t);
    let empty = t.trim().is_empty();
    let mut at = start;
    t.split('|').filter(move |_| !empty).map(move |cell| {
        let from = at + (cell.len() - cell.trim_start().len());
        at += cell.len() + 1;
        from..from + cell.trim().len()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pipe text the rewrite makes of a page, if it makes any.
    fn piped(page: &str) -> Option<String> {
        let lines: Vec<Text> = page
            .split('\n')
            .zip(1..)
            .map(|(l, n)| Text::at(l, Src::line(n)))
            .collect();
        cells_on_own_lines_as_pipes(&lines)
            .map(|ls| ls.iter().map(|l| l.as_str()).collect::<Vec<_>>().join("\n"))
    }

    fn line_texts(layout: &Layout) -> Vec<&str> {
        layout
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Line(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    fn grid_texts(layout: &Layout) -> Vec<Vec<Vec<String>>> {
        layout
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Grid(g) => Some(
                    g.rows
                        .iter()
                        .map(|r| r.iter().map(|c| c.text.to_string()).collect())
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    /// A page cut between its last cell and that cell's pipe (`0 ` for `0 |`): the cell is
    /// the grid's last, on its own line; without the space the number may be cut and stays
    /// a line of text, as does a cell after a line break.
    #[test]
    fn a_last_cell_cut_before_its_pipe_closes_the_grid() {
        let cells = |text: &str| {
            let layout = read(text, &mut Budget::default()).unwrap();
            (grid_texts(&layout), line_texts(&layout).join("/"))
        };
        let page = "行政事业性收费 |\n0 |\n";
        let (grids, lines) = cells(&format!("{page}0 "));
        assert_eq!(grids, vec![vec![vec!["行政事业性收费", "0", "0"]]]);
        assert_eq!(lines, "");
        let (grids, _) = cells("行政强制 |\n|\n0 ");
        assert_eq!(grids, vec![vec![vec!["行政强制", "", "0"]]]);
        let (grids, _) = cells(&format!("{page}|\n0 |\n0 "));
        assert_eq!(grids, vec![vec![vec!["行政事业性收费", "0", "", "0", "0"]]]);
        for cut in ["0", "0 \n", "未增未减 "] {
            let (grids, lines) = cells(&format!("{page}{cut}"));
            assert_eq!(grids, vec![vec![vec!["行政事业性收费", "0"]]], "{cut:?}");
            assert!(lines.starts_with(cut.trim()), "{cut:?}: {lines}");
        }
    }

    /// A cell's pipe wrapped onto the next line (page 36: `\t\t\t0` / `   | `) is that
    /// cell's; after a lone `|` (cells each followed by a `|` line) the `|` stays a cell.
    #[test]
    fn a_pipe_wrapped_onto_the_next_line_closes_its_cell() {
        let page = "规章  | \n\t\t\t0  | \n\t\t\t0  | \n\t\t\t0\n   | \n\t\t\n规范性文件  | \n\t\t\t5  | \n";
        let layout = read(page, &mut Budget::default()).unwrap();
        assert_eq!(
            grid_texts(&layout),
            vec![
                vec![vec!["规章", "0", "0", "0"]],
                vec![vec!["规范性文件", "5"]]
            ]
        );
        let lines: Vec<Text> = ["规章 |", "|", "0", "|", "5 |"]
            .iter()
            .map(|&l| Text::from(l))
            .collect();
        let mut kept = lines.clone();
        rejoin_wrapped_pipes(&mut kept);
        assert_eq!(kept, lines);
    }

    /// The seed's shape: a lone `|` is an empty cell (or closes a row as wide as the grid:
    /// the recogniser drops empty cells past a row's cell count); a longer padding line
    /// closes a narrower row.
    #[test]
    fn cell_per_line_pipes_keep_lone_pipes_as_empty_cells() {
        let text = "二、主动公开政府信息情况\n第二十条第(一)项 |\n||||\n信息内容 |\n本年新 |\n本年新 |\n对外公开总数量 |\n|\n规章 |\n0 |\n0 |\n1 |\n|\n规范性文件 |\n55 |\n55 |\n463 |\n|\n第二十条第(六)项 |\n||||\n行政处罚 |\n|\n+239 |\n239 |\n|\n三、收到";
        let layout = read(text, &mut Budget::default()).unwrap();
        assert_eq!(
            grid_texts(&layout),
            vec![vec![
                vec!["第二十条第(一)项"],
                vec![
                    "信息内容",
                    "本年新",
                    "本年新",
                    "对外公开总数量",
                    "",
                    "规章",
                    "0",
                    "0",
                    "1",
                    "",
                    "规范性文件",
                    "55",
                    "55",
                    "463",
                    "",
                    "第二十条第(六)项"
                ],
                vec!["行政处罚", "", "+239", "239", ""],
            ]]
        );
        assert_eq!(
            line_texts(&layout),
            vec!["二、主动公开政府信息情况", "三、收到"]
        );
        // Each cell and line on the line it was printed on; an empty cell on its `|` line.
        let Block::Grid(g) = &layout.blocks[1] else {
            panic!("{:?}", layout.blocks[1]);
        };
        assert_eq!(g.rows[1][13].text, "463");
        assert_eq!(g.rows[1][13].src_of(0..3), Some(Src::line(17)));
        assert_eq!(g.rows[2][1].src, Some(Src::line(22)));
        assert_eq!(
            layout.blocks[2],
            Block::Line(Text::at("三、收到", Src::line(26)))
        );
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
        assert_eq!(
            layout.blocks,
            vec![Block::Line(Text::at("正文第一行", Src::line(4)))]
        );
        assert_eq!(layout.diagnostics[0].code, "chrome-dropped");
    }

    #[test]
    fn cells_on_lines_of_their_own_become_pipe_rows() {
        let page = "规章\n\n0\n\n0\n\n6\n\n行政规范性文件\n\n１,２３４\n\n/\n\n+19\n\n第二十条第（五）项\n\n行政许可\n\n9\n";
        assert_eq!(
            piped(page).as_deref(),
            Some("规章 | 0 | 0 | 6 |\n行政规范性文件 | １,２３４ | / | +19 |\n\n第二十条第（五）项\n\n行政许可 | 9 |\n")
        );
        let on_lines = "规章\n|\n0\n|\n0\n|\n6\n|\n行政规范性文件\n|\n1\n|\n2\n|\n";
        assert_eq!(
            piped(on_lines).as_deref(),
            Some("规章 |\n0 |\n0 |\n6 |\n行政规范性文件 |\n1 |\n2 |\n")
        );
        // A row put together from cells on lines of their own keeps each cell's line, and
        // the row as a whole is all of them.
        let layout = read(page, &mut Budget::default()).unwrap();
        let Block::Grid(g) = &layout.blocks[0] else {
            panic!("{:?}", layout.blocks[0]);
        };
        assert_eq!(g.rows[0][3].text, "6");
        assert_eq!(g.rows[0][3].src_of(0..1), Some(Src::line(7)));
        assert_eq!(g.rows[1][1].src_of(0..9), Some(Src::line(11)));
        assert_eq!(g.rows[1][3].src_of(0..3), Some(Src::line(15)));
        assert_eq!(g.rows[1][0].src, Some(Src::Lines { first: 9, last: 15 }));
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
        assert_eq!(piped("全年共收到申请。\n\n3\n\n规章\n0\n"), None);
        // Prose (a full stop) never heads a row, however many numbers follow it.
        assert_eq!(piped("办结。\n1\n2\n3\n4\n5\n6\n7\n"), None);
        // A row's left border on its first cell (`| 规章`): dropped, the cell closed by
        // its lone `|` like the others; the page's last line, cut before its `|`, too.
        let bordered = "| 第二十条第(一)项\n|\n|||\n| 信息内容\n|\n本年制发件数\n|\n现行有效件数\n|\n| 规章\n|\n0\n|\n0\n|\n| 行政规范性文件";
        assert_eq!(
            piped(bordered).as_deref(),
            Some("第二十条第(一)项 |\n|||\n信息内容 |\n本年制发件数 |\n现行有效件数 |\n规章 |\n0 |\n0 |\n行政规范性文件")
        );
        let layout = read(bordered, &mut Budget::default()).unwrap();
        assert_eq!(
            grid_texts(&layout),
            vec![vec![
                vec!["第二十条第(一)项"],
                vec!["信息内容", "本年制发件数", "现行有效件数", "规章", "0", "0"]
            ]]
        );
        assert_eq!(line_texts(&layout), vec!["行政规范性文件"]);
        // The seed's shape: lone `|` lines after a cell that already ends in a pipe pad rows.
        let seed = "规章 |\n|\n0 |\n|\n0 |\n|\n0 |\n|\n行政许可 |\n|\n0 |\n|\n";
        assert_eq!(piped(seed), None);
    }
}

//! Pages joined into one run of layout blocks, without a paragraph break between them (a
//! paragraph or a table runs on across a page end), less their chrome: page numbers and
//! running headers and footers.

use std::collections::HashMap;

use crate::layout::{Block, Budget, Layout, OcrRead, Text, TooLarge};
use crate::model::{Diagnostic, Level, Src};
use crate::text::chrome::is_chrome_line;

use super::{Item, PageLayout};

/// The pages of a document joined: its blocks and how many lines of chrome were dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Joined {
    pub blocks: Vec<Block>,
    pub dropped: usize,
    /// What OCR read on the pages, on its page.
    pub ocr: Vec<OcrRead>,
}

impl Joined {
    /// Puts the blocks into the layout, with a note of the chrome dropped.
    pub fn into_layout(self, layout: &mut Layout) {
        layout.blocks = self.blocks;
        layout.ocr = self.ocr;
        if self.dropped > 0 {
            layout.diagnostics.push(Diagnostic::new(
                Level::Info,
                "chrome-dropped",
                "input",
                format!(
                    "{} line(s) of page chrome dropped (page numbers, running headers and footers)",
                    self.dropped
                ),
            ));
        }
    }
}

/// Joins the pages in order, charging the budget a line for each line and a cell for each
/// grid column a table cell spans. Dropped: lines matching the chrome patterns (page
/// numbers `-3-`, `第 2 页`) anywhere, and lines in the top or bottom tenth of a page that
/// stand there on another page too (digits aside). A blank line marks a wide vertical gap
/// on a page; none is put between pages. The pages are numbered from 1 in the order given:
/// where their text and cells were printed (`src`) names that page.
pub fn join(pages: Vec<PageLayout>, budget: &mut Budget) -> Result<Joined, TooLarge> {
    join_from(pages, 1, budget)
}

/// [`join`], the pages numbered from `first` (the images of a web page are numbered on
/// from one to the next).
pub fn join_from(
    pages: Vec<PageLayout>,
    first: u32,
    budget: &mut Budget,
) -> Result<Joined, TooLarge> {
    let key = |t: &str| -> String {
        t.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    let in_margin = |height: f64, it: &Item| match it {
        Item::Line { top, bottom, .. } => *bottom < height * 0.1 || *top > height * 0.9,
        Item::Table { .. } => false,
    };
    let mut margin_count: HashMap<String, usize> = HashMap::new();
    for page in &pages {
        let mut seen: Vec<String> = Vec::new();
        for it in page.items.iter().filter(|it| in_margin(page.height, it)) {
            if let Item::Line { text, .. } = it {
                let k = key(text.as_str());
                if !seen.contains(&k) {
                    seen.push(k.clone());
                    *margin_count.entry(k).or_default() += 1;
                }
            }
        }
    }
    let mut blocks = Vec::new();
    let mut dropped = 0;
    let mut ocr = Vec::new();
    for (
        PageLayout {
            height,
            items,
            ocr: read,
        },
        number,
    ) in pages.into_iter().zip(first..)
    {
        ocr.extend(read.into_iter().map(|mut r| {
            if let Src::Area { page, .. } = &mut r.src {
                *page = number;
            }
            r
        }));
        let mut prev_bottom: Option<(f64, f64)> = None;
        for it in items {
            let repeated = in_margin(height, &it)
                && matches!(&it, Item::Line { text, .. } if margin_count.get(&key(text.as_str())).copied().unwrap_or(0) >= 2);
            match it {
                Item::Line {
                    top,
                    bottom,
                    mut text,
                } => {
                    if repeated || is_chrome_line(text.as_str()) {
                        dropped += 1;
                        continue;
                    }
                    if let Some((pb, size)) = prev_bottom {
                        if top - pb > size * 1.2 {
                            blocks.push(Block::Line(Text::default()));
                        }
                    }
                    prev_bottom = Some((bottom, bottom - top));
                    on_page(&mut text, number);
                    blocks.push(Block::Line(text));
                }
                Item::Table { mut grid, .. } => {
                    prev_bottom = None;
                    for cell in grid.rows.iter_mut().flatten() {
                        on_page(&mut cell.text, number);
                        if let Some(Src::Area { page, .. }) = &mut cell.src {
                            *page = number;
                        }
                    }
                    blocks.push(Block::Grid(grid));
                }
            }
        }
    }
    for block in &blocks {
        match block {
            Block::Grid(g) => {
                budget.cells(g.rows.iter().flatten().map(|c| c.col_span as usize).sum())?
            }
            _ => budget.lines(1)?,
        }
    }
    Ok(Joined {
        blocks,
        dropped,
        ocr,
    })
}

/// Puts what a page laid out (on page 0) on its page.
fn on_page(text: &mut Text, number: u32) {
    for (_, src) in &mut text.printed {
        if let Src::Area { page, .. } = src {
            *page = number;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::draw::{self, h, text, v};
    use super::super::{lay_out, Glyph, Segment};
    use super::*;
    use crate::layout::GridCell;
    use crate::model::Rect;

    /// A page of runs of text, each at x = 40 unless a `|` puts the rest at x = 150.
    fn page(lines: &[(&str, f64)], segments: Vec<Segment>) -> PageLayout {
        let glyphs: Vec<Glyph> = lines
            .iter()
            .flat_map(|(s, y)| {
                let (a, b) = s.split_once('|').unwrap_or((s, ""));
                text(a, 40.0, *y).into_iter().chain(text(b, 150.0, *y))
            })
            .collect();
        lay_out(&draw::page(glyphs, segments))
    }

    fn joined(pages: Vec<PageLayout>) -> Joined {
        join(pages, &mut Budget::default()).unwrap()
    }

    /// A block's text and shape without where it was printed.
    fn plain(block: &Block) -> Block {
        match block {
            Block::Line(t) => Block::Line(t.as_str().into()),
            Block::Paragraph(t) => Block::Paragraph(t.as_str().into()),
            Block::Grid(g) => Block::Grid(crate::layout::Grid {
                caption: g.caption.clone(),
                rows: g
                    .rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| GridCell {
                                row_span: c.row_span,
                                col_span: c.col_span,
                                ..crate::layout::Grid::cell(c.text.as_str())
                            })
                            .collect()
                    })
                    .collect(),
            }),
        }
    }

    fn plain_blocks(out: &Joined) -> Vec<Block> {
        out.blocks.iter().map(plain).collect()
    }

    fn line(s: &str) -> Block {
        Block::Line(s.into())
    }

    #[test]
    fn running_headers_and_footers_are_dropped_and_counted() {
        let first = page(
            &[
                ("某市人民政府年度报告", 30.0),
                ("一、总体情况", 100.0),
                ("某市人民政府年度报告", 115.0),
                ("只在一页", 785.0),
                ("内部资料1", 770.0),
            ],
            Vec::new(),
        );
        let second = page(
            &[
                ("某市人民政府年度报告", 30.0),
                ("二、主动公开", 100.0),
                ("内部资料2", 770.0),
                ("- 2 -", 785.0),
            ],
            Vec::new(),
        );
        let out = joined(vec![first, second]);
        // In the margin on both pages (digits aside): dropped; in the body, or in the
        // margin of one page only: kept. A page number is dropped wherever it stands.
        assert_eq!(
            plain_blocks(&out),
            vec![
                line("一、总体情况"),
                line("某市人民政府年度报告"),
                line(""),
                line("只在一页"),
                line("二、主动公开"),
            ]
        );
        assert_eq!(out.dropped, 5);
        let mut layout = Layout::default();
        out.into_layout(&mut layout);
        assert_eq!(layout.blocks.len(), 5);
        assert_eq!(
            layout.diagnostics[0].message,
            "5 line(s) of page chrome dropped (page numbers, running headers and footers)"
        );
    }

    /// Column rulings at 40, 140, 240 from `y0` to `y1`, row rulings at `ys`.
    fn columns(y0: f64, y1: f64, ys: &[f64]) -> Vec<Segment> {
        let mut s: Vec<Segment> = [40.0, 140.0, 240.0].map(|x| v(x, y0, y1)).to_vec();
        s.extend(ys.iter().map(|&y| h(y, 40.0, 240.0)));
        s
    }

    fn cells(texts: &[&str]) -> Vec<GridCell> {
        texts
            .iter()
            .map(|t| crate::layout::Grid::cell(*t))
            .collect()
    }

    #[test]
    fn a_table_cut_by_a_page_end_runs_on_into_the_next_pages_table() {
        // Page 1: the table's last row has no closing ruling (its column rulings run on to
        // the page end); page 2: the rest, without an opening ruling, under the header.
        let first = page(
            &[
                ("年度报告", 30.0),
                ("表一", 80.0),
                ("项目|数量", 115.0),
                ("收到|12", 135.0),
                ("办结|11", 155.0),
            ],
            columns(100.0, 700.0, &[100.0, 120.0, 140.0]),
        );
        let second = page(
            &[("年度报告", 30.0), ("答复|10", 95.0)],
            columns(80.0, 140.0, &[120.0, 140.0]),
        );
        let out = joined(vec![first, second]);
        let grid = |rows: Vec<Vec<GridCell>>| {
            Block::Grid(crate::layout::Grid {
                caption: None,
                rows,
            })
        };
        assert_eq!(
            plain_blocks(&out),
            vec![
                line("表一"),
                grid(vec![
                    cells(&["项目", "数量"]),
                    cells(&["收到", "12"]),
                    cells(&["办结", "11"]),
                ]),
                grid(vec![cells(&["答复", "10"]), cells(&["", ""])]),
            ]
        );
        assert_eq!(out.dropped, 2);
        // Where they were printed, each on its own page: a line's glyphs, a cell's glyphs
        // (10-point ems on their baselines), an empty cell's box between the rulings.
        let area = |page, x0, y0, x1, y1| Src::Area {
            page,
            area: Rect::outward(x0, y0, x1, y1),
        };
        let Block::Line(title) = &out.blocks[0] else {
            panic!("{:?}", out.blocks[0]);
        };
        assert_eq!(title.src_of(0..6), Some(area(1, 40.0, 71.5, 60.0, 81.5)));
        let Block::Grid(g) = &out.blocks[2] else {
            panic!("{:?}", out.blocks[2]);
        };
        assert_eq!(
            g.rows[0][1].src_of(0..2),
            Some(area(2, 150.0, 86.5, 170.0, 96.5))
        );
        assert_eq!(
            g.rows[1][1].src_of(0..0),
            Some(area(2, 140.0, 120.0, 240.0, 140.0))
        );
    }

    #[test]
    fn the_budget_counts_lines_and_cells() {
        let pages = || {
            vec![page(
                &[("表一", 80.0), ("项目|数量", 115.0), ("收到|12", 135.0)],
                columns(100.0, 140.0, &[100.0, 120.0, 140.0]),
            )]
        };
        let limits = |max_lines, max_cells| crate::Limits {
            max_lines,
            max_cells,
            ..crate::Limits::default()
        };
        assert!(join(pages(), &mut Budget::new(&limits(1, 4))).is_ok());
        assert_eq!(
            join(pages(), &mut Budget::new(&limits(1, 3))).unwrap_err(),
            TooLarge::Cells(3)
        );
        assert_eq!(
            join(pages(), &mut Budget::new(&limits(0, 4))).unwrap_err(),
            TooLarge::Lines(0)
        );
    }
}

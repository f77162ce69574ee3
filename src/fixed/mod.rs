//! What every fixed-layout format shares: pages of positioned glyphs and ruling segments
//! (from PDF content streams, OFD pages and OCR'd scans and images) become the common
//! [`Layout`](crate::layout::Layout). Ruled tables become cell grids (`lattice.rs`), the
//! other glyphs physical lines laid out like `pdftotext -layout` (`lines.rs`): a column a
//! character, one line per baseline, so aligned tables without rulings keep their
//! columns for the recogniser. A page whose text runs sideways is turned first
//! (`rotation.rs`); the pages are then joined with their chrome dropped (`pages.rs`).
//!
//! Coordinates are points in the page's upright view: origin at its top-left corner, y
//! growing downwards. A reader converts to that (PDF applies the crop box and `/Rotate`;
//! OFD measures in millimetres; a scan in pixels at its resolution) and knows nothing of
//! what follows; nothing here knows a format.
//!
//! A reader lays out each page as soon as it has read it ([`lay_out`]: its glyphs need not
//! be kept), [`join`]s the pages, and puts what that gives into its layout
//! ([`Joined::into_layout`]).

pub mod geometry;
mod lattice;
mod lines;
mod pages;
pub mod paths;
mod rotation;

use std::collections::BTreeMap;

use crate::layout::{Grid, OcrRead, Text};
use crate::model::{Rect, Src};

pub use lattice::{RuledCell, RuledTable};
pub use pages::{join, join_from, Joined};

/// One page as a fixed-layout reader gives it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub width: f64,
    pub height: f64,
    pub glyphs: Vec<Glyph>,
    /// Straight segments of painted paths: the rulings of tables among them.
    pub segments: Vec<Segment>,
}

/// A character placed on a page (or a run of them, where a reader knows only a word's
/// box). Readers make glyphs with [`Glyph::along`] or [`Glyph::boxed`], so that what a
/// later reader adds (an OCR confidence, the source page and box for provenance) can be
/// a field those set to none without changing their callers.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Left and right edge along the line.
    pub x0: f64,
    pub x1: f64,
    /// The baseline.
    pub y: f64,
    /// Em size on the page.
    pub size: f64,
    /// Its text (U+FFFD when the source gives no Unicode for it).
    pub text: String,
    /// How it was drawn, so that a page whose text runs sideways can be turned; None
    /// where that is unknown (vertical writing).
    pub baseline: Option<Baseline>,
    /// Its box on the page as the reader gave it, before any turn (x0, top, x1, bottom):
    /// where it was printed, for `src`.
    pub shown: (f64, f64, f64, f64),
    /// How sure OCR was of it, and what else it read there; none for a glyph of a text
    /// layer.
    pub ocr: Option<OcrReading>,
}

/// What OCR says of a glyph it read: its confidence (0–1) and its other readings of the
/// same pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrReading {
    pub confidence: f64,
    pub alternatives: Vec<String>,
}

/// Where a glyph was drawn: its origin, its advance and its em-high "up" vector, in the
/// page's upright view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    pub origin: (f64, f64),
    pub advance: (f64, f64),
    pub up: (f64, f64),
}

impl Baseline {
    /// The baseline runs left to right and the glyph stands on it (not rotated, not
    /// mirrored).
    fn reads_right(&self) -> bool {
        let (dx, dy) = self.advance;
        dx >= 0.0 && dy.abs() <= dx.abs() * 0.2 + 1e-9 && self.up.1 < 0.0
    }
}

impl Glyph {
    /// A glyph drawn along a baseline. Its box runs along the baseline when that reads
    /// left to right, else it is an upright em square around the glyph's middle.
    pub fn along(baseline: Baseline, text: String) -> Glyph {
        let (ox, oy) = baseline.origin;
        let (dx, dy) = baseline.advance;
        let up = baseline.up;
        let size = (up.0 * up.0 + up.1 * up.1).sqrt();
        if baseline.reads_right() {
            Glyph {
                baseline: Some(baseline),
                ..Glyph::boxed(ox, ox + dx.max(size * 0.1), oy, size, text)
            }
        } else {
            let (cx, cy) = (ox + dx / 2.0 + up.0 * 0.35, oy + dy / 2.0 + up.1 * 0.35);
            Glyph::boxed(
                cx - size / 2.0,
                cx + size / 2.0,
                cy + 0.35 * size,
                size,
                text,
            )
            .drawn(baseline)
        }
    }

    /// A glyph known only by its box: left and right edge, baseline and em size.
    pub fn boxed(x0: f64, x1: f64, y: f64, size: f64, text: String) -> Glyph {
        Glyph {
            x0,
            x1,
            y,
            size,
            text,
            baseline: None,
            shown: (x0, y - 0.85 * size, x1, y + 0.15 * size),
            ocr: None,
        }
    }

    /// The same glyph, read by OCR.
    pub fn read_by_ocr(self, reading: OcrReading) -> Glyph {
        Glyph {
            ocr: Some(reading),
            ..self
        }
    }

    fn drawn(self, baseline: Baseline) -> Glyph {
        Glyph {
            baseline: Some(baseline),
            ..self
        }
    }

    /// Its baseline is known and runs left to right.
    pub fn upright(&self) -> bool {
        self.baseline.is_some_and(|b| b.reads_right())
    }

    /// Where it was printed, on a page not yet numbered (see [`join`]).
    fn src(&self) -> Src {
        let (x0, y0, x1, y1) = self.shown;
        Src::Area {
            page: 0,
            area: Rect::outward(x0, y0, x1, y1),
        }
    }

    pub fn top(&self) -> f64 {
        self.y - 0.85 * self.size
    }
    pub fn bottom(&self) -> f64 {
        self.y + 0.15 * self.size
    }
    pub fn cx(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
    pub fn cy(&self) -> f64 {
        self.y - 0.35 * self.size
    }
}

/// A straight segment of a painted path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// One page laid out, ready to be [`join`]ed: the height of the view it was read in and
/// its items in reading order.
#[derive(Debug, Clone)]
pub struct PageLayout {
    height: f64,
    items: Vec<Item>,
    /// What OCR read on the page, where (on page 0 until joined).
    ocr: Vec<OcrRead>,
}

/// One item of a page in reading order.
#[derive(Debug, Clone)]
enum Item {
    /// A text line: its text (leading spaces give the indent), and its top and bottom for
    /// telling headers, footers and gaps.
    Line { top: f64, bottom: f64, text: Text },
    /// A ruled table.
    Table { top: f64, grid: Grid },
}

impl Item {
    fn top(&self) -> f64 {
        match self {
            Item::Line { top, .. } | Item::Table { top, .. } => *top,
        }
    }
}

/// Lays out one page: ruled tables as grids, the glyphs outside them as lines, in reading
/// order. A page whose text runs sideways is turned so that it reads left to right.
///
/// Every glyph and cell keeps where it was printed (its box as the reader gave it, before
/// any turn) for the cells' `src`, on page 0: [`join`] numbers the pages.
pub fn lay_out(page: &Page) -> PageLayout {
    let (view, glyphs, segments) = rotation::upright_view(page);
    let glyphs = dedupe(&glyphs);
    let tables = lattice::lattice(&segments);
    let (cells, in_table) = lattice::table_cells(&tables, &glyphs);
    let mut items = Vec::new();
    for (t, cells) in tables.iter().zip(&cells) {
        items.push(Item::Table {
            top: t.ys[0],
            grid: t.grid(cells, &view),
        });
    }
    let free: Vec<&Glyph> = glyphs
        .iter()
        .zip(&in_table)
        .filter(|(_, t)| !**t)
        .map(|(g, _)| g)
        .collect();
    items.extend(lines::text_lines(&free));
    items.sort_by(|a, b| a.top().total_cmp(&b.top()));
    let ocr = glyphs
        .iter()
        .filter_map(|g| {
            let reading = g.ocr.as_ref()?;
            Some(OcrRead {
                src: g.src(),
                text: g.text.clone(),
                confidence: reading.confidence,
                alternatives: reading.alternatives.clone(),
            })
        })
        .collect();
    PageLayout {
        height: view.height,
        items,
        ocr,
    }
}

impl PageLayout {
    /// The page with its `src` boxes in another unit than points, `per_point` of it to a
    /// point: an image file's are in pixels (canonical-xml.md § Provenance), while its
    /// layout is reckoned in points like every page's.
    pub fn src_in_units(mut self, per_point: f64) -> PageLayout {
        if per_point == 1.0 {
            return self;
        }
        let scale = |src: &mut Src| {
            if let Src::Area { area, .. } = src {
                *area = area.scaled(per_point);
            }
        };
        for item in &mut self.items {
            match item {
                Item::Line { text, .. } => text.printed.iter_mut().for_each(|(_, s)| scale(s)),
                Item::Table { grid, .. } => {
                    for cell in grid.rows.iter_mut().flatten() {
                        cell.text.printed.iter_mut().for_each(|(_, s)| scale(s));
                        if let Some(src) = &mut cell.src {
                            scale(src);
                        }
                    }
                }
            }
        }
        self.ocr.iter_mut().for_each(|r| scale(&mut r.src));
        self
    }
}

/// The ruled tables among a page's segments, each cell with its box: what the reader of a
/// scan cuts out to read, so that it reads the cells [`lay_out`] will find.
pub fn ruled_tables(segments: &[Segment]) -> Vec<RuledTable> {
    lattice::lattice(segments)
        .iter()
        .map(lattice::Lattice::ruled)
        .collect()
}

/// Drops glyphs drawn twice at (nearly) the same place — fake bold, shadows: a glyph
/// goes when an earlier glyph of the same text that stayed lies within its `near` and in
/// a neighbouring cell of the grids the two are bucketed in.
///
/// Glyphs are taken text by text (a stable sort keeps each text's glyphs in page order),
/// each looked up among the kept ones of its text in an ordered map: no string is hashed
/// (that was most of a page's layout time), and no input can make the lookups collide.
fn dedupe(glyphs: &[Glyph]) -> Vec<Glyph> {
    let mut order: Vec<usize> = (0..glyphs.len()).collect();
    order.sort_by(|&a, &b| glyphs[a].text.cmp(&glyphs[b].text));
    let mut keep = vec![true; glyphs.len()];
    // The kept glyphs of the current text by cell (row, column), their positions.
    let mut kept: BTreeMap<(i64, i64), Vec<(f64, f64)>> = BTreeMap::new();
    for (i, &at) in order.iter().enumerate() {
        let g = &glyphs[at];
        if i > 0 && glyphs[order[i - 1]].text != g.text {
            kept.clear();
        }
        let near = (g.size * 0.15).max(0.3);
        let (qx, qy) = ((g.x0 / near).floor() as i64, (g.y / near).floor() as i64);
        // Saturating: a cell past the grid's end holds nothing within `near` anyway.
        let dup = !g.text.trim().is_empty()
            && [-1, 0, 1].iter().any(|&dy| {
                let row = qy.saturating_add(dy);
                kept.range((row, qx.saturating_sub(1))..=(row, qx.saturating_add(1)))
                    .flat_map(|(_, ps)| ps)
                    .any(|&(x, y)| (x - g.x0).abs() < near && (y - g.y).abs() < near)
            });
        if dup {
            keep[at] = false;
        } else {
            kept.entry((qy, qx)).or_default().push((g.x0, g.y));
        }
    }
    glyphs
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(g, _)| g.clone())
        .collect()
}

/// Shapes the tests draw pages with.
#[cfg(test)]
mod draw {
    use super::{Baseline, Glyph, Page, Segment};

    /// A 600 × 800 page.
    pub fn page(glyphs: Vec<Glyph>, segments: Vec<Segment>) -> Page {
        Page {
            width: 600.0,
            height: 800.0,
            glyphs,
            segments,
        }
    }

    /// An upright glyph, a 10-point em square, at `x` on baseline `y`.
    pub fn glyph(text: &str, x: f64, y: f64) -> Glyph {
        Glyph::along(
            Baseline {
                origin: (x, y),
                advance: (10.0, 0.0),
                up: (0.0, -10.0),
            },
            text.into(),
        )
    }

    /// A run of upright glyphs, one a character, from `x` on baseline `y`.
    pub fn text(s: &str, x: f64, y: f64) -> Vec<Glyph> {
        s.chars()
            .enumerate()
            .map(|(i, c)| glyph(&c.to_string(), x + 10.0 * i as f64, y))
            .collect()
    }

    /// A horizontal ruling.
    pub fn h(y: f64, x0: f64, x1: f64) -> Segment {
        Segment {
            x0,
            y0: y,
            x1,
            y1: y,
        }
    }

    /// A vertical ruling.
    pub fn v(x: f64, y0: f64, y1: f64) -> Segment {
        Segment {
            x0: x,
            y0,
            x1: x,
            y1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::draw::glyph;
    use super::*;

    #[test]
    fn doubled_glyphs_are_dropped() {
        let gs = vec![
            glyph("粗", 0.0, 10.0),
            glyph("粗", 0.3, 10.2),
            glyph("粗", 40.0, 10.0),
        ];
        assert_eq!(dedupe(&gs).len(), 2);
    }

    /// What `dedupe` keeps, as it was first written: each glyph looked up in the 3 × 3
    /// cells around it of a map keyed by text and cell.
    fn kept_by_hashing(glyphs: &[Glyph]) -> Vec<Glyph> {
        type Bucket<'g> = (&'g str, i64, i64);
        let mut seen: std::collections::HashMap<Bucket, Vec<(f64, f64)>> =
            std::collections::HashMap::new();
        let mut out = Vec::new();
        for g in glyphs {
            let near = (g.size * 0.15).max(0.3);
            let (qx, qy) = ((g.x0 / near).floor() as i64, (g.y / near).floor() as i64);
            let dup = !g.text.trim().is_empty()
                && (-1..=1).any(|dx| {
                    (-1..=1).any(|dy| {
                        seen.get(&(g.text.as_str(), qx + dx, qy + dy))
                            .is_some_and(|ps| {
                                ps.iter().any(|&(x, y)| {
                                    (x - g.x0).abs() < near && (y - g.y).abs() < near
                                })
                            })
                    })
                });
            if !dup {
                seen.entry((g.text.as_str(), qx, qy))
                    .or_default()
                    .push((g.x0, g.y));
                out.push(g.clone());
            }
        }
        out
    }

    #[test]
    fn dropping_doubles_keeps_what_the_map_of_cells_kept() {
        // Glyphs of a few texts and sizes crowded on a small area, so that doubles,
        // near misses across cell borders and glyphs of other sizes all come up.
        let mut draw = crate::test_hooks::xorshift(0x2545_F491_4F6C_DD1D);
        let mut next = |n: u64| draw() % n;
        for _ in 0..200 {
            let glyphs: Vec<Glyph> = (0..60)
                .map(|_| {
                    let text = ["粗", "体", " ", "1"][next(4) as usize];
                    let size = [2.0, 10.0, 10.5][next(3) as usize];
                    let (x, y) = (next(80) as f64 * 0.1, next(80) as f64 * 0.1);
                    Glyph::boxed(x, x + size, y, size, text.to_string())
                })
                .collect();
            assert_eq!(dedupe(&glyphs), kept_by_hashing(&glyphs));
        }
    }
}

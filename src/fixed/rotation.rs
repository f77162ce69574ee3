//! Pages whose text runs sideways (a landscape table on a portrait page, a PDF `/Rotate`
//! that does not make the text upright) are turned by the quarter turns their text needs.

use super::{Baseline, Glyph, Page, Segment};

impl Baseline {
    /// The quarter turns (clockwise, in the top-down view) the baseline points away from
    /// left-to-right: 0 right, 1 down, 2 left, 3 up.
    fn direction(&self) -> u8 {
        let (dx, dy) = self.advance;
        let (ux, uy) = self.up;
        // A zero advance (a space of width 0) still has an up vector.
        let (dx, dy) = if dx.abs() + dy.abs() > 1e-9 {
            (dx, dy)
        } else {
            (-uy, ux)
        };
        if dx.abs() >= dy.abs() {
            if dx >= 0.0 {
                0
            } else {
                2
            }
        } else if dy > 0.0 {
            1
        } else {
            3
        }
    }

    /// The geometry seen after turning the page view `k` quarter turns counter-clockwise
    /// (`width`/`height` before the turn).
    fn turned(&self, k: u8, width: f64, height: f64) -> Baseline {
        let p = |(x, y): (f64, f64)| turn_point(k, x, y, width, height);
        let v = |(x, y): (f64, f64)| turn_vec(k, x, y);
        Baseline {
            origin: p(self.origin),
            advance: v(self.advance),
            up: v(self.up),
        }
    }
}

/// A point of a `width` × `height` top-down view after turning the view `k` quarter turns
/// counter-clockwise (so that text running down, k = 1, then runs right).
fn turn_point(k: u8, x: f64, y: f64, width: f64, height: f64) -> (f64, f64) {
    match k % 4 {
        1 => (y, width - x),
        2 => (width - x, height - y),
        3 => (height - y, x),
        _ => (x, y),
    }
}

fn turn_vec(k: u8, x: f64, y: f64) -> (f64, f64) {
    match k % 4 {
        1 => (y, -x),
        2 => (-x, -y),
        3 => (-y, x),
        _ => (x, y),
    }
}

/// The view a page is laid out in: turned `turns` quarter turns counter-clockwise from the
/// page as shown, `width` × `height` after the turn.
#[derive(Debug, Clone, Copy)]
pub struct View {
    pub turns: u8,
    pub width: f64,
    pub height: f64,
}

impl View {
    /// A box of the view as a box of the page as shown.
    pub fn shown(&self, x0: f64, y0: f64, x1: f64, y1: f64) -> (f64, f64, f64, f64) {
        let back = (4 - self.turns % 4) % 4;
        let (ax, ay) = turn_point(back, x0, y0, self.width, self.height);
        let (bx, by) = turn_point(back, x1, y1, self.width, self.height);
        (ax.min(bx), ay.min(by), ax.max(bx), ay.max(by))
    }
}

/// The page's glyphs and segments in the view where most of its text reads left to right,
/// and that view: turned when at least ten glyphs with a known baseline are drawn and six
/// in ten of them run one way that is not left to right. Glyphs keep the box they were
/// shown in.
pub fn upright_view(page: &Page) -> (View, Vec<Glyph>, Vec<Segment>) {
    let mut counts = [0usize; 4];
    for g in &page.glyphs {
        if let (Some(b), false) = (g.baseline, g.text.trim().is_empty()) {
            counts[b.direction() as usize] += 1;
        }
    }
    let total: usize = counts.iter().sum();
    let (k, most) = counts
        .iter()
        .enumerate()
        .max_by_key(|(_, n)| **n)
        .map(|(k, n)| (k as u8, *n))
        .unwrap_or((0, 0));
    if k == 0 || total < 10 || most * 10 < total * 6 {
        let view = View {
            turns: 0,
            width: page.width,
            height: page.height,
        };
        return (view, page.glyphs.clone(), page.segments.clone());
    }
    let (w, h) = (page.width, page.height);
    let glyphs = page
        .glyphs
        .iter()
        .map(|g| {
            let turned = match g.baseline {
                Some(b) => Glyph::along(b.turned(k, w, h), g.text.clone()),
                None => {
                    let (cx, cy) = turn_point(k, g.cx(), g.cy(), w, h);
                    Glyph::boxed(
                        cx - g.size / 2.0,
                        cx + g.size / 2.0,
                        cy + 0.35 * g.size,
                        g.size,
                        g.text.clone(),
                    )
                }
            };
            Glyph {
                shown: g.shown,
                ocr: g.ocr.clone(),
                ..turned
            }
        })
        .collect();
    let segments = page
        .segments
        .iter()
        .map(|s| {
            let (x0, y0) = turn_point(k, s.x0, s.y0, w, h);
            let (x1, y1) = turn_point(k, s.x1, s.y1, w, h);
            Segment { x0, y0, x1, y1 }
        })
        .collect();
    let (width, height) = if k % 2 == 1 { (h, w) } else { (w, h) };
    let view = View {
        turns: k,
        width,
        height,
    };
    (view, glyphs, segments)
}

#[cfg(test)]
mod tests {
    use super::super::draw::{self, h, v};
    use super::super::{lay_out, Item};
    use super::*;

    /// Glyphs of 12-point text running down the page (a portrait page holding a landscape
    /// table, turned a quarter clockwise), from (x, y).
    fn running_down(s: &str, x: f64, y: f64) -> Vec<Glyph> {
        s.chars()
            .enumerate()
            .map(|(i, c)| {
                Glyph::along(
                    Baseline {
                        origin: (x, y + 12.0 * i as f64),
                        advance: (0.0, 12.0),
                        up: (12.0, 0.0),
                    },
                    c.to_string(),
                )
            })
            .collect()
    }

    fn lines(items: &[Item]) -> Vec<&str> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Line { text, .. } => Some(text.as_str()),
                Item::Table { .. } => None,
            })
            .collect()
    }

    #[test]
    fn a_page_whose_text_runs_down_is_turned_to_read_left_to_right() {
        let mut glyphs = running_down("政府信息公开年度报告", 300.0, 100.0);
        glyphs.extend(running_down("第一部分", 280.0, 100.0));
        // A sideways ruled 2×2 table: its rows run down the page too.
        let segments = [100.0, 130.0, 160.0]
            .into_iter()
            .map(|x| v(x, 100.0, 300.0))
            .chain([100.0, 200.0, 300.0].map(|y| h(y, 100.0, 160.0)))
            .collect();
        let page = draw::page(glyphs, segments);
        let laid = lay_out(&page);
        // The view turned: as wide as the page was high, as high as it was wide.
        assert_eq!(laid.height, 600.0);
        assert_eq!(lines(&laid.items), vec!["政府信息公开年度报告", "第一部分"]);
        let tables: Vec<(f64, usize, usize)> = laid
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Table { top, grid } => Some((*top, grid.rows.len(), grid.rows[0].len())),
                Item::Line { .. } => None,
            })
            .collect();
        // Its rulings turned with the text: x 160 becomes the table's top at 600 − 160.
        assert_eq!(tables, vec![(440.0, 2, 2)]);
    }

    #[test]
    fn a_page_turns_only_for_ten_sideways_glyphs_and_six_in_ten() {
        let unturned = |glyphs: Vec<Glyph>| {
            let page = draw::page(glyphs, Vec::new());
            let (view, turned, _) = upright_view(&page);
            let height = view.height;
            height == 800.0 && turned == page.glyphs
        };
        // Nine glyphs running down (a seal's caption, a margin note) turn nothing.
        assert!(unturned(running_down("政府信息公开年度报", 300.0, 100.0)));
        // Ten running down beside ten reading across: not most of the text.
        let mut glyphs = running_down("政府信息公开年度报告", 300.0, 100.0);
        glyphs.extend(draw::text("政府信息公开年度报告", 40.0, 600.0));
        assert!(unturned(glyphs));
        assert!(!unturned(running_down(
            "政府信息公开年度报告",
            300.0,
            100.0
        )));
    }
}

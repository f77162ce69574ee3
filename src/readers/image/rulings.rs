//! Table rulings in the pixels: long thin runs of dark pixels, joined row to row into
//! segments. The tables they form are found by the shared fixed-layout code
//! ([`crate::fixed::ruled_tables`]), as for a PDF's painted rulings.

use super::decode::Gray;

/// A ruling in pixels: `pos` is the centre across the line (y of a horizontal one), `from`
/// and `to` its extent along it.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub horizontal: bool,
    pub pos: f64,
    pub from: usize,
    pub to: usize,
    pub thickness: usize,
}

/// Sizes in pixels that follow from the resolution.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    /// Shortest run taken for a ruling: longer than any stroke of a character.
    pub min_len: usize,
    /// Gaps inside a run bridged (breaks of thresholding, a speck's shadow).
    pub gap: usize,
    /// Thickest line taken for a ruling; thicker is a filled area.
    pub max_thickness: usize,
    /// Distance within which two lines are one boundary of a grid.
    pub snap: f64,
}

impl Scale {
    pub fn at(dpi: f64) -> Scale {
        Scale {
            min_len: (dpi * 0.2).round().max(12.0) as usize,
            gap: (dpi / 100.0).round().max(1.0) as usize,
            max_thickness: (dpi * 0.04).round().max(3.0) as usize,
            snap: (dpi * 0.03).max(3.0),
        }
    }
}

/// The horizontal and vertical rulings of a page (pixels darker than `threshold`).
pub fn find_lines(img: &Gray, threshold: u8, scale: Scale) -> Vec<Line> {
    let dark: Vec<bool> = img.pixels.iter().map(|&p| p < threshold).collect();
    let mut lines = runs_to_lines(&dark, img.width, img.height, scale, true);
    let mut turned = vec![false; dark.len()];
    for y in 0..img.height {
        for x in 0..img.width {
            turned[x * img.height + y] = dark[y * img.width + x];
        }
    }
    lines.extend(runs_to_lines(&turned, img.height, img.width, scale, false));
    lines
}

/// Lines along the rows of a `width` × `height` mask (of the transposed page for vertical
/// lines).
fn runs_to_lines(
    dark: &[bool],
    width: usize,
    height: usize,
    scale: Scale,
    horizontal: bool,
) -> Vec<Line> {
    struct Open {
        first: usize,
        last: usize,
        from: usize,
        to: usize,
    }
    let mut open: Vec<Open> = Vec::new();
    let mut done: Vec<Open> = Vec::new();
    for y in 0..height {
        let row = &dark[y * width..(y + 1) * width];
        let mut runs = Vec::new();
        let mut x = 0;
        while x < width {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            let mut end = x;
            let mut gap = 0;
            while x < width && gap <= scale.gap {
                if row[x] {
                    end = x;
                    gap = 0;
                } else {
                    gap += 1;
                }
                x += 1;
            }
            if end + 1 - start >= scale.min_len {
                runs.push((start, end + 1));
            }
        }
        let mut next: Vec<Open> = Vec::new();
        for (from, to) in runs {
            let shared = open.iter().position(|o| {
                let overlap = to.min(o.to).saturating_sub(from.max(o.from));
                overlap * 2 >= (to - from).min(o.to - o.from)
            });
            match shared {
                Some(i) => {
                    let mut o = open.swap_remove(i);
                    o.last = y;
                    o.from = o.from.min(from);
                    o.to = o.to.max(to);
                    next.push(o);
                }
                None => next.push(Open {
                    first: y,
                    last: y,
                    from,
                    to,
                }),
            }
        }
        done.append(&mut open);
        open = next;
    }
    done.append(&mut open);
    let mut lines: Vec<Line> = done
        .into_iter()
        .filter(|o| o.last + 1 - o.first <= scale.max_thickness)
        .map(|o| Line {
            horizontal,
            pos: (o.first + o.last) as f64 / 2.0,
            from: o.from,
            to: o.to,
            thickness: o.last + 1 - o.first,
        })
        .collect();
    join_collinear(&mut lines, scale);
    lines
}

/// Pieces of one line broken by small gaps become one line.
fn join_collinear(lines: &mut Vec<Line>, scale: Scale) {
    lines.sort_by(|a, b| a.pos.total_cmp(&b.pos).then(a.from.cmp(&b.from)));
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    'next: for l in lines.drain(..) {
        for o in out.iter_mut().rev() {
            if l.pos - o.pos > scale.snap / 2.0 {
                break;
            }
            if l.from <= o.to + scale.gap * 3 && o.from <= l.to + scale.gap * 3 {
                o.from = o.from.min(l.from);
                o.to = o.to.max(l.to);
                o.thickness = o.thickness.max(l.thickness);
                continue 'next;
            }
        }
        out.push(l);
    }
    *lines = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white page with a ruled grid: rows at `ys`, columns at `xs`, every line 2 px.
    fn ruled(xs: &[usize], ys: &[usize]) -> Gray {
        let mut g = Gray::new(400, 300, 255);
        for &y in ys {
            for x in xs[0]..=*xs.last().unwrap() {
                g.pixels[y * 400 + x] = 0;
                g.pixels[(y + 1) * 400 + x] = 0;
            }
        }
        for &x in xs {
            for y in ys[0]..=*ys.last().unwrap() {
                g.pixels[y * 400 + x] = 0;
                g.pixels[y * 400 + x + 1] = 0;
            }
        }
        g
    }

    #[test]
    fn a_ruled_grid_gives_its_row_and_column_rulings() {
        let g = ruled(&[20, 120, 220, 320], &[30, 80, 130, 180, 230]);
        let scale = Scale::at(100.0);
        let lines = find_lines(&g, 128, scale);
        assert_eq!(lines.iter().filter(|l| l.horizontal).count(), 5);
        assert_eq!(lines.iter().filter(|l| !l.horizontal).count(), 4);
    }

    #[test]
    fn text_strokes_are_not_rulings() {
        let mut g = Gray::new(200, 100, 255);
        // A 10-px "character" stroke and a thick 30 × 30 blot.
        for x in 10..20 {
            g.pixels[50 * 200 + x] = 0;
        }
        for y in 20..50 {
            for x in 100..130 {
                g.pixels[y * 200 + x] = 0;
            }
        }
        assert!(find_lines(&g, 128, Scale::at(100.0)).is_empty());
    }
}

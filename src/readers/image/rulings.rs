//! Table rulings in the pixels: long thin runs of dark pixels, joined row to row into
//! segments; segments that cross form a grid, whose cells are cut where a ruling is
//! missing between neighbours (spans).

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
    /// Narrowest table (a quarter of it is the lowest).
    pub min_table: f64,
}

impl Scale {
    pub fn at(dpi: f64) -> Scale {
        Scale {
            min_len: (dpi * 0.2).round().max(12.0) as usize,
            gap: (dpi / 100.0).round().max(1.0) as usize,
            max_thickness: (dpi * 0.04).round().max(3.0) as usize,
            snap: (dpi * 0.03).max(3.0),
            min_table: dpi,
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

/// A ruled table: its boundaries (pixels, ascending) and its cells.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    pub cells: Vec<GridCell>,
}

impl Grid {
    /// Rows and columns of the finest grid (before spans).
    pub fn shape(&self) -> (usize, usize) {
        (
            self.ys.len().saturating_sub(1),
            self.xs.len().saturating_sub(1),
        )
    }
}

/// A cell: its first row and column, how many it spans, and its box in pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct GridCell {
    pub row: usize,
    pub col: usize,
    pub rows: usize,
    pub cols: usize,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// The grids the lines form: lines that cross are one table; a table needs two lines each
/// way. Top to bottom, then left to right.
pub fn grids(lines: &[Line], scale: Scale) -> Vec<Grid> {
    // A rule of a table meets two rules across it at least (it closes a cell); a stroke of
    // print inside a cell meets none.
    let reach = scale.snap;
    let meets = |a: &Line, b: &Line| {
        let (h, v) = if a.horizontal { (a, b) } else { (b, a) };
        a.horizontal != b.horizontal
            && v.pos >= h.from as f64 - reach
            && v.pos <= h.to as f64 + reach
            && h.pos >= v.from as f64 - reach
            && h.pos <= v.to as f64 + reach
    };
    let ruled: Vec<Line> = lines
        .iter()
        .filter(|a| lines.iter().filter(|b| meets(a, b)).count() >= 2)
        .cloned()
        .collect();
    let lines = &ruled[..];
    let n = lines.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for (i, h) in lines.iter().enumerate().filter(|(_, l)| l.horizontal) {
        for (j, v) in lines.iter().enumerate().filter(|(_, l)| !l.horizontal) {
            let crosses = v.pos >= h.from as f64 - reach
                && v.pos <= h.to as f64 + reach
                && h.pos >= v.from as f64 - reach
                && h.pos <= v.to as f64 + reach;
            if crosses {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..n {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut out: Vec<Grid> = groups
        .values()
        .filter_map(|members| {
            let hs: Vec<&Line> = members
                .iter()
                .map(|&i| &lines[i])
                .filter(|l| l.horizontal)
                .collect();
            let vs: Vec<&Line> = members
                .iter()
                .map(|&i| &lines[i])
                .filter(|l| !l.horizontal)
                .collect();
            (hs.len() >= 2 && vs.len() >= 2).then(|| grid_of(&hs, &vs, scale))
        })
        // A table is larger than a character: strokes of a big glyph can cross like rules.
        .filter(|g| {
            let (w, h) = (
                g.xs[g.xs.len() - 1] - g.xs[0],
                g.ys[g.ys.len() - 1] - g.ys[0],
            );
            g.shape().0 >= 1
                && g.shape().1 >= 1
                && w >= scale.min_table
                && h >= scale.min_table / 4.0
        })
        .collect();
    out.sort_by(|a, b| {
        a.ys[0]
            .total_cmp(&b.ys[0])
            .then(a.xs[0].total_cmp(&b.xs[0]))
    });
    out
}

/// Positions within `snap` of each other, as one (their mean).
fn boundaries(mut pos: Vec<f64>, snap: f64) -> Vec<f64> {
    pos.sort_by(f64::total_cmp);
    let mut out: Vec<(f64, usize)> = Vec::new();
    for p in pos {
        match out.last_mut() {
            Some((sum, k)) if p - *sum / *k as f64 <= snap => {
                *sum += p;
                *k += 1;
            }
            _ => out.push((p, 1)),
        }
    }
    out.into_iter().map(|(s, k)| s / k as f64).collect()
}

/// Adds a boundary where the crossing lines end well beyond the first or last one.
fn close_open_side(bounds: &mut Vec<f64>, crossing: &[&Line], scale: Scale) {
    let (Some(&first), Some(&last)) = (bounds.first(), bounds.last()) else {
        return;
    };
    let start = crossing.iter().map(|l| l.from).min().unwrap_or(0) as f64;
    let end = crossing.iter().map(|l| l.to).max().unwrap_or(0) as f64;
    let row = scale.min_len as f64 / 2.0;
    if end - last >= row {
        bounds.push(end);
    }
    if first - start >= row {
        bounds.insert(0, start);
    }
}

fn grid_of(hs: &[&Line], vs: &[&Line], scale: Scale) -> Grid {
    let mut ys = boundaries(hs.iter().map(|l| l.pos).collect(), scale.snap);
    let mut xs = boundaries(vs.iter().map(|l| l.pos).collect(), scale.snap);
    // A table cut by a page end has no closing rule: its columns' rules run on past the last
    // row rule, and where they end is the edge of the row cut off (so too at the top, and for
    // a side rule left out).
    close_open_side(&mut ys, vs, scale);
    close_open_side(&mut xs, hs, scale);
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    // Is the boundary at `at` drawn over most of the band [lo, hi]?
    let drawn = |lines: &[&Line], at: f64, lo: f64, hi: f64| -> bool {
        let band = hi - lo;
        let covered: f64 = lines
            .iter()
            .filter(|l| (l.pos - at).abs() <= scale.snap)
            .map(|l| (hi.min(l.to as f64) - lo.max(l.from as f64)).max(0.0))
            .sum();
        covered >= band * 0.5
    };
    let mut parent: Vec<usize> = (0..rows * cols).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols && !drawn(vs, xs[c + 1], ys[r], ys[r + 1]) {
                let (a, b) = (
                    root(&mut parent, r * cols + c),
                    root(&mut parent, r * cols + c + 1),
                );
                parent[a] = b;
            }
            if r + 1 < rows && !drawn(hs, ys[r + 1], xs[c], xs[c + 1]) {
                let (a, b) = (
                    root(&mut parent, r * cols + c),
                    root(&mut parent, (r + 1) * cols + c),
                );
                parent[a] = b;
            }
        }
    }
    let mut spans: std::collections::BTreeMap<usize, (usize, usize, usize, usize)> =
        Default::default();
    for r in 0..rows {
        for c in 0..cols {
            let k = root(&mut parent, r * cols + c);
            let e = spans.entry(k).or_insert((r, c, r, c));
            e.0 = e.0.min(r);
            e.1 = e.1.min(c);
            e.2 = e.2.max(r);
            e.3 = e.3.max(c);
        }
    }
    let mut cells: Vec<GridCell> = spans
        .values()
        .map(|&(r0, c0, r1, c1)| GridCell {
            row: r0,
            col: c0,
            rows: r1 + 1 - r0,
            cols: c1 + 1 - c0,
            x0: xs[c0],
            y0: ys[r0],
            x1: xs[c1 + 1],
            y1: ys[r1 + 1],
        })
        .collect();
    cells.sort_by_key(|c| (c.row, c.col));
    Grid { xs, ys, cells }
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
    fn a_ruled_grid_gives_its_rows_and_columns() {
        let g = ruled(&[20, 120, 220, 320], &[30, 80, 130, 180, 230]);
        let scale = Scale::at(100.0);
        let lines = find_lines(&g, 128, scale);
        assert_eq!(lines.iter().filter(|l| l.horizontal).count(), 5);
        assert_eq!(lines.iter().filter(|l| !l.horizontal).count(), 4);
        let grids = grids(&lines, scale);
        assert_eq!(grids.len(), 1);
        assert_eq!(grids[0].shape(), (4, 3));
        assert_eq!(grids[0].cells.len(), 12);
    }

    #[test]
    fn a_missing_inner_ruling_makes_a_spanning_cell() {
        let mut g = ruled(&[20, 120, 220, 320], &[30, 80, 130]);
        // Rub out the vertical at x = 120 in the first row: cells (0,0) and (0,1) are one.
        for y in 33..79 {
            g.pixels[y * 400 + 120] = 255;
            g.pixels[y * 400 + 121] = 255;
        }
        let scale = Scale::at(100.0);
        let grids = grids(&find_lines(&g, 128, scale), scale);
        let first = &grids[0].cells[0];
        assert_eq!((first.row, first.col, first.rows, first.cols), (0, 0, 1, 2));
        assert_eq!(grids[0].cells.len(), 5);
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

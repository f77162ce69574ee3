//! Ruled tables (lattice): a page's straight segments are snapped and joined into
//! horizontal and vertical rulings; each connected group of crossing rulings with at least
//! two rows and two columns is a table, its cells merged where no ruling divides them.

use std::collections::{BTreeMap, HashMap};

use crate::layout::{Grid, GridCell, Text};
use crate::model::{Rect, Src};

use super::lines::{in_number, median};
use super::rotation::View;
use super::{Glyph, Segment};

/// Rulings closer than this (points) are one line: browsers draw cell borders doubled
/// (`cellspacing`), converters draw a shared border once per cell.
const SNAP: f64 = 2.6;
/// A gap this small along a ruling is bridged.
const BRIDGE: f64 = 3.5;
/// Pages with more rulings than this (either way) get no lattice tables.
const MAX_RULINGS: usize = 4_000;
/// The shortest ruling (after joining its pieces) a table is built from, in points.
const MIN_RULING: f64 = 6.0;
/// A boundary exists between two cells when rulings cover this share of it.
const COVER: f64 = 0.6;

/// An axis-aligned ruling: `pos` is its y (horizontal) or x (vertical), `lo..hi` its
/// extent along the other axis.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ruling {
    pos: f64,
    lo: f64,
    hi: f64,
}

/// A table found from its rulings: the positions of its grid lines and its cells.
#[derive(Debug, Clone)]
pub struct Lattice {
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    /// Each base cell's group (row-major), and each group's (row, col, row_span, col_span).
    cell_group: Vec<usize>,
    groups: Vec<(usize, usize, usize, usize)>,
}

/// A ruled table as boxes: its grid lines, and each cell (in reading order) with the
/// row and column it starts at, how many it spans, and its box (x0, y0, x1, y1).
#[derive(Debug, Clone, PartialEq)]
pub struct RuledTable {
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    pub cells: Vec<RuledCell>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuledCell {
    pub row: usize,
    pub col: usize,
    pub rows: usize,
    pub cols: usize,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Lattice {
    /// The table as boxes.
    pub fn ruled(&self) -> RuledTable {
        RuledTable {
            xs: self.xs.clone(),
            ys: self.ys.clone(),
            cells: self
                .groups
                .iter()
                .map(|&(row, col, rows, cols)| RuledCell {
                    row,
                    col,
                    rows,
                    cols,
                    x0: self.xs[col],
                    y0: self.ys[row],
                    x1: self.xs[col + cols],
                    y1: self.ys[row + rows],
                })
                .collect(),
        }
    }

    fn cols(&self) -> usize {
        self.xs.len() - 1
    }

    /// The group of the cell holding a point, if it lies inside the table.
    pub fn cell_at(&self, x: f64, y: f64) -> Option<usize> {
        let (x0, x1) = (self.xs[0], *self.xs.last()?);
        let (y0, y1) = (self.ys[0], *self.ys.last()?);
        if x < x0 || x > x1 || y < y0 || y > y1 {
            return None;
        }
        // The span between grid lines that holds `v` (the last one holds its far edge).
        let span = |lines: &[f64], v: f64| {
            lines
                .partition_point(|&l| l <= v)
                .saturating_sub(1)
                .min(lines.len() - 2)
        };
        Some(self.cell_group[span(&self.ys, y) * self.cols() + span(&self.xs, x)])
    }

    /// The grid, each group's glyphs written as its cell text; each cell's `src` is its
    /// box between the rulings, on the page as shown (`view` is the one it was read in).
    pub fn grid(&self, glyphs: &HashMap<usize, Vec<&Glyph>>, view: &View) -> Grid {
        let nrows = self.ys.len() - 1;
        let mut rows: Vec<Vec<(usize, GridCell)>> = vec![Vec::new(); nrows];
        for (gi, &(r, c, rs, cs)) in self.groups.iter().enumerate() {
            let text = glyphs.get(&gi).map(|g| cell_text(g)).unwrap_or_default();
            let (x0, y0, x1, y1) =
                view.shown(self.xs[c], self.ys[r], self.xs[c + cs], self.ys[r + rs]);
            rows[r].push((
                c,
                GridCell {
                    text,
                    row_span: rs as u32,
                    col_span: cs as u32,
                    src: Some(Src::Area {
                        page: 0,
                        area: Rect::outward(x0, y0, x1, y1),
                    }),
                },
            ));
        }
        // Rows where no cell starts (all covered by cells from above) are not written;
        // the row spans count the written rows.
        let kept: Vec<bool> = rows.iter().map(|r| !r.is_empty()).collect();
        let mut grid = Grid::default();
        for (r, mut row) in rows.into_iter().enumerate() {
            if !kept[r] {
                continue;
            }
            row.sort_by_key(|(c, _)| *c);
            grid.rows.push(
                row.into_iter()
                    .map(|(_, mut cell)| {
                        let span = cell.row_span as usize;
                        cell.row_span = kept[r..(r + span).min(kept.len())]
                            .iter()
                            .filter(|k| **k)
                            .count() as u32;
                        cell
                    })
                    .collect(),
            );
        }
        grid
    }
}

/// Each table's glyphs by cell, and which glyphs fell in a table: a glyph belongs to the
/// first table (in order) that has a cell where it is. Tables are looked up through a grid
/// of buckets over their bounds, so a page of many tables and many glyphs costs about
/// their sum, not their product.
pub fn table_cells<'g>(
    tables: &[Lattice],
    glyphs: &'g [Glyph],
) -> (Vec<HashMap<usize, Vec<&'g Glyph>>>, Vec<bool>) {
    const BUCKETS: usize = 64;
    let mut cells: Vec<HashMap<usize, Vec<&Glyph>>> = vec![HashMap::new(); tables.len()];
    let mut in_table = vec![false; glyphs.len()];
    let bounds = |t: &Lattice| (t.xs[0], t.xs[t.xs.len() - 1], t.ys[0], t.ys[t.ys.len() - 1]);
    let Some((x0, x1, y0, y1)) = tables
        .iter()
        .map(bounds)
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1), a.2.min(b.2), a.3.max(b.3)))
    else {
        return (cells, in_table);
    };
    let bucket = |v: f64, lo: f64, hi: f64| -> usize {
        let k = ((v - lo) / (hi - lo).max(1e-9) * BUCKETS as f64).floor();
        k.clamp(0.0, (BUCKETS - 1) as f64) as usize
    };
    // The buckets each table covers, in table order.
    let covered = |t: &Lattice| {
        let (tx0, tx1, ty0, ty1) = bounds(t);
        let cols = bucket(tx0, x0, x1)..=bucket(tx1, x0, x1);
        (bucket(ty0, y0, y1)..=bucket(ty1, y0, y1))
            .flat_map(move |r| cols.clone().map(move |c| r * BUCKETS + c))
    };
    // Each bucket's tables in one vector, bucket after bucket (`starts` says where each
    // bucket's run begins): a page-wide table covers all 4,096 buckets, and a vector each
    // was most of the page's allocations.
    let mut starts = vec![0usize; BUCKETS * BUCKETS + 1];
    for b in tables.iter().flat_map(covered) {
        starts[b + 1] += 1;
    }
    for b in 0..BUCKETS * BUCKETS {
        starts[b + 1] += starts[b];
    }
    let mut filled = starts.clone();
    let mut members = vec![0usize; starts[BUCKETS * BUCKETS]];
    for (i, t) in tables.iter().enumerate() {
        for b in covered(t) {
            members[filled[b]] = i;
            filled[b] += 1;
        }
    }
    for (k, g) in glyphs.iter().enumerate() {
        let (x, y) = (g.cx(), g.cy());
        if x < x0 || x > x1 || y < y0 || y > y1 {
            continue;
        }
        let b = bucket(y, y0, y1) * BUCKETS + bucket(x, x0, x1);
        for &i in &members[starts[b]..starts[b + 1]] {
            if let Some(c) = tables[i].cell_at(x, y) {
                cells[i].entry(c).or_default().push(g);
                in_table[k] = true;
                break;
            }
        }
    }
    (cells, in_table)
}

/// The text of a cell: its lines top to bottom, joined without spaces (wrapped CJK
/// labels, one character a line in narrow columns) except between Latin words. Each
/// glyph's text keeps where it was printed.
fn cell_text(glyphs: &[&Glyph]) -> Text {
    let mut sorted: Vec<&Glyph> = glyphs.to_vec();
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    for g in sorted {
        match lines.last_mut() {
            Some(l) if (g.y - l[0].y).abs() < l[0].size.min(g.size) * 0.45 => l.push(g),
            _ => lines.push(vec![g]),
        }
    }
    let mut out = Text::default();
    for mut l in lines {
        l.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut text = Text::default();
        let mut prev: Option<&Glyph> = None;
        for g in l {
            if g.text.trim().is_empty() {
                continue;
            }
            if let Some(p) = prev {
                // Latin words and separate numbers keep a space; CJK text spread out by
                // justification (`总 计`) does not.
                let gap = (g.x0 - p.x1) / p.size.min(g.size);
                let latin = |s: &str| s.chars().any(|c| c.is_ascii_alphanumeric());
                let joined = gap < 0.6 && in_number(p, g);
                if !joined && (gap > 1.5 || gap > 0.25 && (latin(&p.text) || latin(&g.text))) {
                    text.push_str(" ", None);
                }
            }
            text.push_str(&g.text, Some(g.src()));
            prev = Some(g);
        }
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if latin(out.as_str().chars().next_back()) && latin(text.as_str().chars().next()) {
            out.push_str(" ", None);
        }
        out.push_text(&text);
    }
    out
}

/// Finds the ruled tables among a page's segments.
pub fn lattice(segments: &[Segment]) -> Vec<Lattice> {
    let mut hs = Vec::new();
    let mut vs = Vec::new();
    for s in segments {
        let (dx, dy) = ((s.x1 - s.x0).abs(), (s.y1 - s.y0).abs());
        if dy < 1.0 && dx >= 2.0 {
            hs.push(Ruling {
                pos: (s.y0 + s.y1) / 2.0,
                lo: s.x0.min(s.x1),
                hi: s.x0.max(s.x1),
            });
        } else if dx < 1.0 && dy >= 2.0 {
            vs.push(Ruling {
                pos: (s.x0 + s.x1) / 2.0,
                lo: s.y0.min(s.y1),
                hi: s.y0.max(s.y1),
            });
        }
    }
    // Rulings shorter than this are no table's: bits of drawn glyphs, underlines of a
    // character, tick marks.
    let long = |r: &Ruling| r.hi - r.lo >= MIN_RULING;
    let hs: Vec<Ruling> = merge(hs).into_iter().filter(long).collect();
    let vs: Vec<Ruling> = merge(vs).into_iter().filter(long).collect();
    // A page of tables has a few hundred rulings; thousands are a drawing (or hostile),
    // and pairing them all would take long.
    if hs.len() > MAX_RULINGS || vs.len() > MAX_RULINGS {
        return Vec::new();
    }
    // Tables are the connected groups of crossing rulings.
    let n = hs.len() + vs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for (i, h) in hs.iter().enumerate() {
        for (j, v) in vs.iter().enumerate() {
            if crosses(h, v) {
                union(&mut parent, i, hs.len() + j);
            }
        }
    }
    // Ordered by root, so lattices that start on the same line keep one order on every run.
    let mut comps: BTreeMap<usize, (Vec<Ruling>, Vec<Ruling>)> = BTreeMap::new();
    for (i, h) in hs.iter().enumerate() {
        comps.entry(find(&mut parent, i)).or_default().0.push(*h);
    }
    for (j, v) in vs.iter().enumerate() {
        comps
            .entry(find(&mut parent, hs.len() + j))
            .or_default()
            .1
            .push(*v);
    }
    let mut out: Vec<Lattice> = comps
        .into_values()
        .filter_map(|(h, v)| build(&h, &v))
        .collect();
    out.sort_by(|a, b| a.ys[0].total_cmp(&b.ys[0]));
    out
}

fn crosses(h: &Ruling, v: &Ruling) -> bool {
    v.pos >= h.lo - SNAP && v.pos <= h.hi + SNAP && h.pos >= v.lo - SNAP && h.pos <= v.hi + SNAP
}

/// Joins rulings on (nearly) the same line whose extents touch or overlap. A group of
/// positions runs at most SNAP from its first (no chaining: a dense run of short bits must
/// not drag a ruling off its line), and a joined ruling lies where its pieces do, weighted
/// by their length.
fn merge(mut rs: Vec<Ruling>) -> Vec<Ruling> {
    rs.sort_by(|a, b| a.pos.total_cmp(&b.pos).then(a.lo.total_cmp(&b.lo)));
    let mut out: Vec<Ruling> = Vec::new();
    let mut i = 0;
    while i < rs.len() {
        let mut j = i + 1;
        while j < rs.len() && rs[j].pos - rs[i].pos <= SNAP {
            j += 1;
        }
        let mut cluster: Vec<Ruling> = rs[i..j].to_vec();
        cluster.sort_by(|a, b| a.lo.total_cmp(&b.lo));
        // (ruling, Σ length × pos, Σ length)
        let mut cur: Option<(Ruling, f64, f64)> = None;
        for r in cluster {
            let len = (r.hi - r.lo).max(0.01);
            match cur.as_mut() {
                Some((c, wp, w)) if r.lo <= c.hi + BRIDGE => {
                    c.hi = c.hi.max(r.hi);
                    *wp += len * r.pos;
                    *w += len;
                }
                _ => {
                    if let Some((c, wp, w)) = cur.take() {
                        out.push(Ruling { pos: wp / w, ..c });
                    }
                    cur = Some((r, len * r.pos, len));
                }
            }
        }
        if let Some((c, wp, w)) = cur {
            out.push(Ruling { pos: wp / w, ..c });
        }
        i = j;
    }
    out
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb)] = ra.min(rb);
    }
}

/// Positions of a set of rulings, clustered (each group within SNAP of its first, at the
/// length-weighted mean of its rulings).
fn positions(rs: &[Ruling]) -> Vec<f64> {
    let mut p: Vec<(f64, f64)> = rs
        .iter()
        .map(|r| (r.pos, (r.hi - r.lo).max(0.01)))
        .collect();
    p.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<f64> = Vec::new();
    let mut i = 0;
    while i < p.len() {
        let mut j = i + 1;
        while j < p.len() && p[j].0 - p[i].0 <= SNAP {
            j += 1;
        }
        let w: f64 = p[i..j].iter().map(|x| x.1).sum();
        out.push(p[i..j].iter().map(|x| x.0 * x.1).sum::<f64>() / w);
        i = j;
    }
    out
}

/// How much of `lo..hi` the rulings at `pos` cover.
fn coverage(rs: &[Ruling], pos: f64, lo: f64, hi: f64) -> f64 {
    let mut spans: Vec<(f64, f64)> = rs
        .iter()
        .filter(|r| (r.pos - pos).abs() <= SNAP)
        .map(|r| (r.lo.max(lo), r.hi.min(hi)))
        .filter(|(a, b)| b > a)
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut covered = 0.0;
    let mut end = lo;
    for (a, b) in spans {
        let a = a.max(end);
        if b > a {
            covered += b - a;
            end = b;
        }
    }
    if hi > lo {
        covered / (hi - lo)
    } else {
        0.0
    }
}

/// Adds an edge where at least two crossing rulings run on together more than a few
/// points past the outermost position.
fn extend_open_edges(pos: &mut Vec<f64>, crossing: &[Ruling]) {
    let (Some(&first), Some(&last)) = (pos.first(), pos.last()) else {
        return;
    };
    let beyond = |ends: Vec<f64>, after: bool| -> Option<f64> {
        let mut ends = ends;
        ends.sort_by(f64::total_cmp);
        if after {
            ends.reverse();
        }
        let far = *ends.first()?;
        let together: Vec<f64> = ends
            .iter()
            .copied()
            .filter(|e| (e - far).abs() <= SNAP)
            .collect();
        (together.len() >= 2).then(|| median(together.into_iter()))
    };
    if let Some(e) = beyond(
        crossing
            .iter()
            .map(|r| r.hi)
            .filter(|&h| h > last + 5.0)
            .collect(),
        true,
    ) {
        pos.push(e);
    }
    if let Some(e) = beyond(
        crossing
            .iter()
            .map(|r| r.lo)
            .filter(|&l| l < first - 5.0)
            .collect(),
        false,
    ) {
        pos.insert(0, e);
    }
}

/// The table of one group of rulings; None unless it has at least two rows and two
/// columns (a box around a paragraph, a page border or an underline is no table).
fn build(hs: &[Ruling], vs: &[Ruling]) -> Option<Lattice> {
    if hs.len() < 2 || vs.len() < 2 {
        return None;
    }
    let mut xs = positions(vs);
    let mut ys = positions(hs);
    // A table cut by a page end has no closing ruling: its column rulings run on past the
    // last row ruling, and that open row is a row too (likewise at the top, and for row
    // rulings past the last column).
    extend_open_edges(&mut ys, vs);
    extend_open_edges(&mut xs, hs);
    let (nr, nc) = (ys.len().checked_sub(1)?, xs.len().checked_sub(1)?);
    if nr < 2 || nc < 2 || nr * nc > 40_000 {
        return None;
    }
    // Small slivers (double borders) are no cells.
    if xs.windows(2).any(|w| w[1] - w[0] < 1.0) || ys.windows(2).any(|w| w[1] - w[0] < 1.0) {
        return None;
    }
    // The rulings at each grid line, found once.
    let near = |rs: &[Ruling], pos: &[f64]| -> Vec<Vec<Ruling>> {
        pos.iter()
            .map(|p| {
                rs.iter()
                    .filter(|r| (r.pos - p).abs() <= SNAP)
                    .copied()
                    .collect()
            })
            .collect()
    };
    let at_x = near(vs, &xs);
    let at_y = near(hs, &ys);
    let mut parent: Vec<usize> = (0..nr * nc).collect();
    for r in 0..nr {
        for c in 0..nc {
            if c + 1 < nc && coverage(&at_x[c + 1], xs[c + 1], ys[r], ys[r + 1]) < COVER {
                union(&mut parent, r * nc + c, r * nc + c + 1);
            }
            if r + 1 < nr && coverage(&at_y[r + 1], ys[r + 1], xs[c], xs[c + 1]) < COVER {
                union(&mut parent, r * nc + c, (r + 1) * nc + c);
            }
        }
    }
    // Ordered by root: components that are not rectangles (damaged rulings) can share a
    // top-left corner, and their order must not depend on hashing.
    let mut bounds: BTreeMap<usize, (usize, usize, usize, usize)> = BTreeMap::new();
    for r in 0..nr {
        for c in 0..nc {
            let root = find(&mut parent, r * nc + c);
            let e = bounds.entry(root).or_insert((r, c, r, c));
            e.0 = e.0.min(r);
            e.1 = e.1.min(c);
            e.2 = e.2.max(r);
            e.3 = e.3.max(c);
        }
    }
    let mut roots: Vec<(usize, (usize, usize, usize, usize))> = bounds.into_iter().collect();
    roots.sort_by_key(|(_, b)| (b.0, b.1));
    let index: HashMap<usize, usize> = roots
        .iter()
        .enumerate()
        .map(|(i, (r, _))| (*r, i))
        .collect();
    let cell_group: Vec<usize> = (0..nr * nc).map(|k| index[&find(&mut parent, k)]).collect();
    let groups: Vec<(usize, usize, usize, usize)> = roots
        .iter()
        .map(|(_, (r0, c0, r1, c1))| (*r0, *c0, r1 - r0 + 1, c1 - c0 + 1))
        .collect();
    // A table whose every row is one merged cell is a stack of boxes, not a table.
    if groups.len() < 4 {
        return None;
    }
    Some(Lattice {
        xs,
        ys,
        cell_group,
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::super::draw::{self, glyph, h, text, v};
    use super::super::{lay_out, Item};
    use super::*;

    /// A 3×3 table whose first column's two lower cells are merged (a rowspan label) and
    /// whose top row's two right cells are merged (a colspan header).
    fn spanned() -> Vec<Segment> {
        vec![
            h(0.0, 0.0, 300.0),
            h(20.0, 0.0, 300.0),
            h(40.0, 100.0, 300.0), // not under the first column: rowspan
            h(60.0, 0.0, 300.0),
            v(0.0, 0.0, 60.0),
            v(100.0, 0.0, 60.0),
            v(200.0, 20.0, 60.0), // not in the top row: colspan
            v(300.0, 0.0, 60.0),
        ]
    }

    #[test]
    fn rulings_make_a_grid_with_spans() {
        let t = lattice(&spanned());
        assert_eq!(t.len(), 1);
        let t = &t[0];
        assert_eq!(t.xs, vec![0.0, 100.0, 200.0, 300.0]);
        assert_eq!(t.ys, vec![0.0, 20.0, 40.0, 60.0]);
        let mut cells: HashMap<usize, Vec<&Glyph>> = HashMap::new();
        let gs = [
            glyph("信", 10.0, 15.0),
            glyph("头", 150.0, 15.0),
            glyph("组", 10.0, 45.0),
            glyph("1", 110.0, 35.0),
            glyph("", 210.0, 35.0),
            glyph("2", 110.0, 55.0),
            glyph("3", 210.0, 55.0),
        ];
        for g in &gs {
            cells
                .entry(t.cell_at(g.cx(), g.cy()).unwrap())
                .or_default()
                .push(g);
        }
        let view = View {
            turns: 0,
            width: 600.0,
            height: 800.0,
        };
        let grid = t.grid(&cells, &view);
        let shape: Vec<Vec<(String, u32, u32)>> = grid
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| (c.text.text.clone(), c.row_span, c.col_span))
                    .collect()
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                vec![("信".into(), 1, 1), ("头".into(), 1, 2)],
                vec![("组".into(), 2, 1), ("1".into(), 1, 1), ("".into(), 1, 1)],
                vec![("2".into(), 1, 1), ("3".into(), 1, 1)],
            ]
        );
        // Where each cell was printed: an empty cell is its box between the rulings, a
        // cell with text its glyphs' boxes (a 10-point em on its baseline).
        let area = |x0, y0, x1, y1| {
            Some(Src::Area {
                page: 0,
                area: Rect::outward(x0, y0, x1, y1),
            })
        };
        assert_eq!(grid.rows[1][2].src_of(0..0), area(200.0, 20.0, 300.0, 40.0));
        assert_eq!(grid.rows[1][0].src, area(0.0, 20.0, 100.0, 60.0));
        assert_eq!(grid.rows[1][1].src_of(0..1), area(110.0, 26.5, 120.0, 36.5));
    }

    #[test]
    fn a_turned_page_gives_its_cells_as_shown() {
        // Text running down a portrait page, turned a quarter: a cell's box in the view is
        // given back in the page as shown.
        let view = View {
            turns: 1,
            width: 800.0,
            height: 600.0,
        };
        // (x, y) of the page was shown at (y, 600 - x) of the view.
        assert_eq!(
            view.shown(100.0, 500.0, 200.0, 520.0),
            (80.0, 100.0, 100.0, 200.0)
        );
    }

    #[test]
    fn doubled_borders_and_broken_rulings_are_one_line() {
        // Each cell drawn as its own box 1.5 pt inside its neighbours' (cellspacing).
        let mut segs = Vec::new();
        for (x0, x1) in [(0.0, 99.0), (100.5, 200.0)] {
            for (y0, y1) in [(0.0, 19.0), (20.5, 40.0)] {
                segs.extend([h(y0, x0, x1), h(y1, x0, x1), v(x0, y0, y1), v(x1, y0, y1)]);
            }
        }
        let t = lattice(&segs);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].xs.len(), 3);
        assert_eq!(t[0].ys.len(), 3);
        assert_eq!(t[0].groups.len(), 4);
    }

    #[test]
    fn a_box_around_text_is_no_table() {
        let segs = vec![
            h(0.0, 0.0, 300.0),
            h(60.0, 0.0, 300.0),
            v(0.0, 0.0, 60.0),
            v(300.0, 0.0, 60.0),
        ];
        assert!(lattice(&segs).is_empty());
    }

    #[test]
    fn cell_text_joins_wrapped_and_stacked_lines() {
        let a = glyph("法", 0.0, 10.0);
        let b = glyph("人", 10.0, 10.0);
        let c = glyph("组", 0.0, 24.0);
        let d = glyph("织", 0.0, 38.0);
        assert_eq!(cell_text(&[&d, &c, &b, &a]), "法人组织");
        let x = glyph("12", 0.0, 10.0);
        let y = glyph("34", 30.0, 10.0);
        assert_eq!(cell_text(&[&x, &y]), "12 34");
    }

    #[test]
    fn a_ruled_three_by_three_table_is_a_grid_between_the_lines_around_it() {
        let mut segments: Vec<Segment> = [40.0, 140.0, 240.0, 340.0]
            .map(|x| v(x, 100.0, 160.0))
            .to_vec();
        segments.extend([100.0, 120.0, 140.0, 160.0].map(|y| h(y, 40.0, 340.0)));
        let mut glyphs = text("表一", 40.0, 80.0);
        for (row, y) in [
            ["项目", "本年", "上年"],
            ["收到", "12", "9"],
            ["办结", "11", "8"],
        ]
        .iter()
        .zip([115.0, 135.0, 155.0])
        {
            for (cell, x) in row.iter().zip([50.0, 150.0, 250.0]) {
                glyphs.extend(text(cell, x, y));
            }
        }
        glyphs.extend(text("注：单位为件", 40.0, 185.0));
        let laid = lay_out(&draw::page(glyphs, segments));
        let shape: Vec<String> = laid
            .items
            .iter()
            .map(|i| match i {
                Item::Line { text, .. } => text.text.clone(),
                Item::Table { grid, .. } => grid
                    .rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| match (c.row_span, c.col_span) {
                                (1, 1) => c.text.text.clone(),
                                (rows, cols) => format!("{}{{{rows}×{cols}}}", c.text),
                            })
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                    .collect::<Vec<_>>()
                    .join(" / "),
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                "表一",
                "项目|本年|上年 / 收到|12|9 / 办结|11|8",
                "注：单位为件",
            ]
        );
    }

    #[test]
    fn glyphs_fall_in_the_first_table_that_holds_them() {
        // Twelve 2 × 2 tables of different sizes over a page, and a glyph every 7 points:
        // glyphs on rulings, between tables and on bucket borders all come up.
        let mut segments = Vec::new();
        for k in 0..12 {
            let (x, y) = (110.0 * (k % 4) as f64, 70.0 * (k / 4) as f64);
            let (w, hh) = (40.0 + 5.0 * k as f64, 30.0 + 3.0 * k as f64);
            for dy in [0.0, hh / 2.0, hh] {
                segments.push(h(y + dy, x, x + w));
            }
            for dx in [0.0, w / 2.0, w] {
                segments.push(v(x + dx, y, y + hh));
            }
        }
        let tables = lattice(&segments);
        assert_eq!(tables.len(), 12);
        let glyphs: Vec<Glyph> = (0..64)
            .flat_map(|i| (0..32).map(move |j| glyph("字", 7.0 * i as f64, 7.0 * j as f64)))
            .collect();
        let (cells, in_table) = table_cells(&tables, &glyphs);
        for (k, g) in glyphs.iter().enumerate() {
            let first = tables
                .iter()
                .enumerate()
                .find_map(|(i, t)| t.cell_at(g.cx(), g.cy()).map(|c| (i, c)));
            assert_eq!(in_table[k], first.is_some());
            if let Some((i, c)) = first {
                assert!(cells[i][&c].iter().any(|&held| std::ptr::eq(held, g)));
            }
        }
        let held: usize = cells.iter().flat_map(|t| t.values()).map(Vec::len).sum();
        assert_eq!(held, in_table.iter().filter(|&&t| t).count());
    }
}

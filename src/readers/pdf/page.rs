//! From what a page draws to the common layout: ruled tables become cell grids (lattice),
//! the other glyphs become physical lines laid out like `pdftotext -layout` (a column a
//! character, one line per baseline), so aligned tables without rulings keep their
//! columns for the recogniser (stream).

use std::collections::{BTreeMap, HashMap};

use crate::layout::Grid;
use crate::model::GridCell;

use super::content::{turn_point, PageContent, PlacedGlyph, Segment};

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

/// One item of a page in reading order.
#[derive(Debug, Clone)]
pub enum Item {
    /// A text line: its top, its text (leading spaces give the indent), and its baseline
    /// and size for telling headers and footers.
    Line { top: f64, bottom: f64, text: String },
    /// A ruled table.
    Table { top: f64, grid: Grid },
}

impl Item {
    pub fn top(&self) -> f64 {
        match self {
            Item::Line { top, .. } | Item::Table { top, .. } => *top,
        }
    }
}

/// Lays out one page; returns the height of the view it was read in (pages whose text
/// runs sideways are turned so that it reads left to right) and its items.
pub fn items(page: &PageContent) -> (f64, Vec<Item>) {
    let (height, glyphs, segments) = turned_upright(page);
    let glyphs = dedupe(&glyphs);
    let tables = lattice(&segments);
    let (cells, in_table) = table_cells(&tables, &glyphs);
    let mut out = Vec::new();
    for (t, cells) in tables.iter().zip(&cells) {
        out.push(Item::Table {
            top: t.ys[0],
            grid: t.grid(cells),
        });
    }
    let free: Vec<&PlacedGlyph> = glyphs
        .iter()
        .zip(&in_table)
        .filter(|(_, t)| !**t)
        .map(|(g, _)| g)
        .collect();
    out.extend(text_lines(&free));
    out.sort_by(|a, b| a.top().total_cmp(&b.top()));
    (height, out)
}

/// Each table's glyphs by cell, and which glyphs fell in a table: a glyph belongs to the
/// first table (in order) that has a cell where it is. Tables are looked up through a grid
/// of buckets over their bounds, so a page of many tables and many glyphs costs about
/// their sum, not their product.
fn table_cells<'g>(
    tables: &[Lattice],
    glyphs: &'g [PlacedGlyph],
) -> (Vec<HashMap<usize, Vec<&'g PlacedGlyph>>>, Vec<bool>) {
    const BUCKETS: usize = 64;
    let mut cells: Vec<HashMap<usize, Vec<&PlacedGlyph>>> = vec![HashMap::new(); tables.len()];
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
    let mut index: Vec<Vec<usize>> = vec![Vec::new(); BUCKETS * BUCKETS];
    for (i, t) in tables.iter().enumerate() {
        let (tx0, tx1, ty0, ty1) = bounds(t);
        for r in bucket(ty0, y0, y1)..=bucket(ty1, y0, y1) {
            for c in bucket(tx0, x0, x1)..=bucket(tx1, x0, x1) {
                index[r * BUCKETS + c].push(i);
            }
        }
    }
    for (k, g) in glyphs.iter().enumerate() {
        let (x, y) = (g.cx(), g.cy());
        if x < x0 || x > x1 || y < y0 || y > y1 {
            continue;
        }
        for &i in &index[bucket(y, y0, y1) * BUCKETS + bucket(x, x0, x1)] {
            if let Some(c) = tables[i].cell_at(x, y) {
                cells[i].entry(c).or_default().push(g);
                in_table[k] = true;
                break;
            }
        }
    }
    (cells, in_table)
}

/// The page's glyphs and rulings in the view where most of its text reads left to right:
/// a page drawn sideways (a landscape table on a portrait page, a `/Rotate` that does not
/// make the text upright) is turned by the quarter turns its text needs.
fn turned_upright(page: &PageContent) -> (f64, Vec<PlacedGlyph>, Vec<Segment>) {
    let mut counts = [0usize; 4];
    for g in &page.glyphs {
        if let (Some(raw), false) = (g.raw, g.text.trim().is_empty()) {
            counts[raw.direction() as usize] += 1;
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
        return (page.height, page.glyphs.clone(), page.segments.clone());
    }
    let (w, h) = (page.width, page.height);
    let glyphs = page
        .glyphs
        .iter()
        .map(|g| match g.raw {
            Some(raw) => raw.turned(k, w, h).place(g.text.clone()),
            None => {
                let (cx, cy) = turn_point(k, g.cx(), g.cy(), w, h);
                PlacedGlyph {
                    x0: cx - g.size / 2.0,
                    x1: cx + g.size / 2.0,
                    y: cy + 0.35 * g.size,
                    size: g.size,
                    text: g.text.clone(),
                    upright: false,
                    raw: None,
                }
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
    let height = if k % 2 == 1 { w } else { h };
    (height, glyphs, segments)
}

/// Drops glyphs drawn twice at (nearly) the same place — fake bold, shadows.
fn dedupe(glyphs: &[PlacedGlyph]) -> Vec<PlacedGlyph> {
    type Bucket<'g> = (&'g str, i64, i64);
    let mut seen: HashMap<Bucket, Vec<(f64, f64)>> = HashMap::new();
    let mut out = Vec::with_capacity(glyphs.len());
    for g in glyphs {
        let near = (g.size * 0.15).max(0.3);
        let (qx, qy) = ((g.x0 / near).floor() as i64, (g.y / near).floor() as i64);
        let dup = !g.text.trim().is_empty()
            && (-1..=1).any(|dx| {
                (-1..=1).any(|dy| {
                    seen.get(&(g.text.as_str(), qx + dx, qy + dy))
                        .is_some_and(|ps| {
                            ps.iter()
                                .any(|&(x, y)| (x - g.x0).abs() < near && (y - g.y).abs() < near)
                        })
                })
            });
        if dup {
            continue;
        }
        seen.entry((g.text.as_str(), qx, qy))
            .or_default()
            .push((g.x0, g.y));
        out.push(g.clone());
    }
    out
}

// ------------------------------------------------------------------ text lines

/// Groups glyphs into lines by baseline and writes each as a layout line.
fn text_lines(glyphs: &[&PlacedGlyph]) -> Vec<Item> {
    let mut sorted: Vec<&PlacedGlyph> = glyphs
        .iter()
        .copied()
        .filter(|g| !g.text.trim().is_empty() || g.text == " ")
        .collect();
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    // Each line keeps its first baseline and smallest size: a glyph joins a recent line
    // whose baseline is within half its size (constant work per glyph).
    let mut lines: Vec<Vec<&PlacedGlyph>> = Vec::new();
    let mut refs: Vec<(f64, f64)> = Vec::new();
    for g in sorted {
        let n = lines.len();
        let joined = (n.saturating_sub(3)..n)
            .rev()
            .find(|&i| (g.y - refs[i].0).abs() < refs[i].1.min(g.size) * 0.45);
        match joined {
            Some(i) => {
                lines[i].push(g);
                refs[i].1 = refs[i].1.min(g.size);
            }
            None => {
                lines.push(vec![g]);
                refs.push((g.y, g.size));
            }
        }
    }
    let sizes: Vec<f64> = lines
        .iter()
        .flat_map(|l| {
            l.iter()
                .filter(|g| !g.text.trim().is_empty())
                .map(|g| g.size)
        })
        .collect();
    let unit = median(sizes.iter().copied()).max(1.0);
    let left = lines
        .iter()
        .flat_map(|l| l.iter())
        .filter(|g| !g.text.trim().is_empty())
        .map(|g| g.x0)
        .fold(f64::MAX, f64::min);
    lines
        .into_iter()
        .filter_map(|mut l| {
            l.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            let text = line_text(&l, left, unit);
            if text.trim().is_empty() {
                return None;
            }
            let top = l.iter().map(|g| g.top()).fold(f64::MAX, f64::min);
            let bottom = l.iter().map(|g| g.bottom()).fold(f64::MIN, f64::max);
            Some(Item::Line { top, bottom, text })
        })
        .collect()
}

/// The text of one line: a column per `unit / 2`-ish position, as `pdftotext -layout`
/// prints — glyphs that touch are written together, a gap becomes spaces up to the
/// column the next glyph stands at.
fn line_text(line: &[&PlacedGlyph], left: f64, unit: f64) -> String {
    let mut out = String::new();
    let mut col = 0usize;
    let mut prev: Option<&PlacedGlyph> = None;
    for g in line {
        if g.text.trim().is_empty() {
            continue;
        }
        let target = ((g.x0 - left) / unit * 2.0).round().max(0.0) as usize;
        let spaces = match prev {
            None => target,
            Some(p) => {
                let gap = g.x0 - p.x1;
                let size = p.size.min(g.size);
                if gap < size * 0.2 || gap < size * 0.6 && in_number(p, g) {
                    0
                } else if gap < size * 0.9 {
                    1
                } else {
                    target.saturating_sub(col).max(2)
                }
            }
        };
        for _ in 0..spaces {
            out.push(' ');
        }
        col += spaces;
        out.push_str(&g.text);
        // A character is one column of text whatever its width on the page: the next
        // glyph's column comes from its position, so columns line up across lines.
        col += g.text.chars().count();
        prev = Some(g);
    }
    out
}

/// Two glyphs inside one number (`1,234`, `24252.311082`): a digit or a separator after a
/// digit, then a digit. A font whose glyphs are narrower than the advances it was laid out
/// with leaves small gaps there, and a space would cut the number in two.
fn in_number(prev: &PlacedGlyph, next: &PlacedGlyph) -> bool {
    let last = prev.text.chars().next_back();
    let first = next.text.chars().next();
    last.is_some_and(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
        && first.is_some_and(|c| c.is_ascii_digit())
}

fn median(it: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = it.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

// ------------------------------------------------------------------ lattice

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

impl Lattice {
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
        let c = self
            .xs
            .partition_point(|&v| v <= x)
            .saturating_sub(1)
            .min(self.cols() - 1);
        let r = self
            .ys
            .partition_point(|&v| v <= y)
            .saturating_sub(1)
            .min(self.ys.len() - 2);
        Some(self.cell_group[r * self.cols() + c])
    }

    /// The grid, each group's glyphs written as its cell text.
    pub fn grid(&self, glyphs: &HashMap<usize, Vec<&PlacedGlyph>>) -> Grid {
        let nrows = self.ys.len() - 1;
        let mut rows: Vec<Vec<(usize, GridCell)>> = vec![Vec::new(); nrows];
        for (gi, &(r, c, rs, cs)) in self.groups.iter().enumerate() {
            let text = glyphs.get(&gi).map(|g| cell_text(g)).unwrap_or_default();
            rows[r].push((
                c,
                GridCell {
                    text,
                    row_span: rs as u32,
                    col_span: cs as u32,
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

/// The text of a cell: its lines top to bottom, joined without spaces (wrapped CJK
/// labels, one character a line in narrow columns) except between Latin words.
fn cell_text(glyphs: &[&PlacedGlyph]) -> String {
    let mut sorted: Vec<&PlacedGlyph> = glyphs.to_vec();
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let mut lines: Vec<Vec<&PlacedGlyph>> = Vec::new();
    for g in sorted {
        match lines.last_mut() {
            Some(l) if (g.y - l[0].y).abs() < l[0].size.min(g.size) * 0.45 => l.push(g),
            _ => lines.push(vec![g]),
        }
    }
    let mut out = String::new();
    for mut l in lines {
        l.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut text = String::new();
        let mut prev: Option<&PlacedGlyph> = None;
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
                    text.push(' ');
                }
            }
            text.push_str(&g.text);
            prev = Some(g);
        }
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if latin(out.chars().next_back()) && latin(text.chars().next()) {
            out.push(' ');
        }
        out.push_str(text);
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
    use super::*;

    fn h(y: f64, x0: f64, x1: f64) -> Segment {
        Segment {
            x0,
            y0: y,
            x1,
            y1: y,
        }
    }
    fn v(x: f64, y0: f64, y1: f64) -> Segment {
        Segment {
            x0: x,
            y0,
            x1: x,
            y1,
        }
    }
    fn glyph(text: &str, x: f64, y: f64) -> PlacedGlyph {
        PlacedGlyph {
            x0: x,
            x1: x + 10.0,
            y,
            size: 10.0,
            text: text.into(),
            upright: true,
            raw: None,
        }
    }

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
        let mut cells: HashMap<usize, Vec<&PlacedGlyph>> = HashMap::new();
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
        let grid = t.grid(&cells);
        let shape: Vec<Vec<(String, u32, u32)>> = grid
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| (c.text.clone(), c.row_span, c.col_span))
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
    fn lines_keep_columns_and_indents() {
        let gs = [
            glyph("规", 0.0, 10.0),
            glyph("章", 10.0, 10.0),
            glyph("0", 100.0, 10.0),
            glyph("5", 160.0, 10.0),
            glyph("正", 20.0, 30.0),
            glyph("文", 30.0, 30.0),
        ];
        let refs: Vec<&PlacedGlyph> = gs.iter().collect();
        let lines: Vec<String> = text_lines(&refs)
            .into_iter()
            .map(|i| match i {
                Item::Line { text, .. } => text,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(
            lines[0],
            format!("规章{}0{}5", " ".repeat(18), " ".repeat(11))
        );
        assert_eq!(lines[1], "    正文");
    }

    #[test]
    fn doubled_glyphs_are_dropped() {
        let gs = vec![
            glyph("粗", 0.0, 10.0),
            glyph("粗", 0.3, 10.2),
            glyph("粗", 40.0, 10.0),
        ];
        assert_eq!(dedupe(&gs).len(), 2);
    }
}

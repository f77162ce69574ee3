//! Drawing a page's (or a template's) `Content`: each object placed by its `Boundary` and
//! `CTM` inside whatever contains it, text advanced by `DeltaX`/`DeltaY`, paths read for
//! their straight horizontal and vertical segments (table rulings), images kept as boxes.
//! Millimetres in, points out.

use std::collections::{BTreeSet, HashMap};

use super::tree::Element;
use super::{OfdError, OfdGlyph, OfdImage, MAX_RULINGS, POINTS_PER_MM};
use crate::fixed::geometry::Matrix;
use crate::fixed::paths::{self, PathPoint};
use crate::fixed::{Baseline, Glyph, Segment};

/// Objects drawn per page at most (composite units drawn inside each other multiply).
pub const MAX_OBJECTS: usize = 1_000_000;
/// Composite units drawn inside each other at most.
const MAX_COMPOSITE_DEPTH: usize = 4;

/// What the document's (and a page's own) resource files declare, by ID.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    /// Font ID → index into the document's fonts.
    pub fonts: HashMap<String, usize>,
    pub media: HashMap<String, Media>,
    pub units: HashMap<String, Element>,
}

#[derive(Debug, Clone)]
pub struct Media {
    pub entry: Option<String>,
    pub format: Option<String>,
}

/// What drawing met that the page's diagnostics report.
#[derive(Debug, Default)]
pub struct Tally {
    /// Characters drawn by glyph index over non-text, written as U+FFFD.
    pub unmapped: usize,
    /// Advances not in the text, estimated.
    pub estimated: usize,
    /// Objects with unreadable geometry.
    pub skipped: usize,
    pub missing_fonts: BTreeSet<String>,
    pub missing_media: BTreeSet<String>,
    pub missing_units: BTreeSet<String>,
    /// Drawing stopped at [`MAX_OBJECTS`] or rulings at [`MAX_RULINGS`].
    pub cut: bool,
}

/// Where one page's or template's drawing goes.
pub struct Canvas<'r> {
    resources: &'r Resources,
    /// The page box's origin (mm): page coordinates are measured from it.
    origin: (f64, f64),
    /// The page's size (points), to tell a page-covering fill from a shaded cell.
    size: (f64, f64),
    template: bool,
    /// Glyphs the document may still draw.
    pub glyphs_left: usize,
    objects_left: usize,
    pub glyphs: Vec<OfdGlyph>,
    pub rulings: Vec<Segment>,
    pub images: Vec<OfdImage>,
    pub tally: Tally,
}

impl<'r> Canvas<'r> {
    /// `area` is the page's `PhysicalBox` (mm).
    pub fn new(
        resources: &'r Resources,
        area: [f64; 4],
        template: bool,
        glyphs_left: usize,
    ) -> Canvas<'r> {
        Canvas {
            resources,
            origin: (area[0], area[1]),
            size: (area[2] * POINTS_PER_MM, area[3] * POINTS_PER_MM),
            template,
            glyphs_left,
            objects_left: MAX_OBJECTS,
            glyphs: Vec::new(),
            rulings: Vec::new(),
            images: Vec::new(),
            tally: Tally::default(),
        }
    }

    /// Draws a page or template part (`<Page>`): its `Content`'s layers in order.
    pub fn draw(&mut self, page: &Element) -> Result<(), OfdError> {
        if let Some(content) = page.child("Content") {
            for layer in content.children("Layer") {
                self.objects(&layer.children, Matrix::IDENTITY, 0)?;
            }
        }
        Ok(())
    }

    fn objects(&mut self, list: &[Element], t: Matrix, depth: usize) -> Result<(), OfdError> {
        for e in list {
            if self.objects_left == 0 {
                self.tally.cut = true;
                return Ok(());
            }
            self.objects_left -= 1;
            match e.name.as_str() {
                "TextObject" => self.text(e, t)?,
                "PathObject" => self.path(e, t),
                "ImageObject" => self.image(e, t),
                "CompositeObject" => self.composite(e, t, depth)?,
                // Nesting is bounded by the XML tree's depth.
                "PageBlock" => self.objects(&e.children, t, depth)?,
                _ => {}
            }
        }
        Ok(())
    }

    /// Page points of a point in millimetres.
    fn page(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            (x - self.origin.0) * POINTS_PER_MM,
            (y - self.origin.1) * POINTS_PER_MM,
        )
    }

    fn text(&mut self, e: &Element, parent: Matrix) -> Result<(), OfdError> {
        let (Some((t, boundary)), Some(size)) = (
            placed(e, parent),
            e.attr("Size").and_then(number).filter(|s| *s > 0.0),
        ) else {
            self.tally.skipped += 1;
            return Ok(());
        };
        let resources = self.resources;
        let font = e.attr("Font").and_then(|id| {
            let found = resources.fonts.get(id.trim()).copied();
            if found.is_none() {
                self.tally.missing_fonts.insert(id.trim().to_string());
            }
            found
        });
        let along = t.apply_vec(1.0, 0.0);
        let along_length = along.0.hypot(along.1);
        // The em-high "up" vector on the page (y grows downwards in both spaces).
        let up = {
            let (ux, uy) = t.apply_vec(0.0, -size);
            (ux * POINTS_PER_MM, uy * POINTS_PER_MM)
        };
        let upright = along.0 > 0.0 && along.1.abs() <= along.0 * 0.2 && up.1 < 0.0;
        let em = up.0.hypot(up.1);
        // The right edge of the object's box on the page: a run's last glyph ends there
        // at the latest.
        let right = {
            let [bx, by, bw, _] = boundary;
            self.page(parent.apply(bx + bw, by)).0
        };
        let codes: Vec<&Element> = e.children("TextCode").collect();
        let mapped_by_index = glyph_mapped(e, codes.iter().map(|c| c.text.chars().count()).sum());
        let mut code_position = 0usize;
        let (mut x, mut y) = (None, None);
        for code in codes {
            // A TextCode without X or Y takes the previous one's (GB/T 33190 table 45).
            x = code.attr("X").and_then(number).or(x);
            y = code.attr("Y").and_then(number).or(y);
            let (Some(mut cx), Some(mut cy)) = (x, y) else {
                self.tally.skipped += 1;
                code_position += code.text.chars().count();
                continue;
            };
            let mut dxs = code.attr("DeltaX").map(Deltas::new);
            let mut dys = code.attr("DeltaY").map(Deltas::new);
            let mut chars = code.text.chars().peekable();
            while let Some(ch) = chars.next() {
                let last = chars.peek().is_none();
                let (dx, given) = match (last, dxs.as_mut().and_then(Iterator::next)) {
                    (true, _) => (0.0, false),
                    (false, Some(dx)) => (dx, true),
                    (false, None) => {
                        self.tally.estimated += 1;
                        (em_share(ch) * size, false)
                    }
                };
                let dy = if last {
                    0.0
                } else {
                    dys.as_mut().and_then(Iterator::next).unwrap_or(0.0)
                };
                let (gx, gy) = self.page(t.apply(cx, cy));
                let width = if given && dx > 0.0 {
                    let (vx, vy) = t.apply_vec(dx, 0.0);
                    vx.hypot(vy) * POINTS_PER_MM
                } else if last && upright && right > gx {
                    (em_share(ch) * em).min(right - gx)
                } else {
                    em_share(ch) * em
                };
                let by_index = mapped_by_index.get(code_position).copied().unwrap_or(false);
                let shown = if by_index && !is_text(ch) {
                    self.tally.unmapped += 1;
                    '\u{FFFD}'
                } else {
                    ch
                };
                let finite = [gx, gy, width, em, along_length]
                    .iter()
                    .all(|v| v.is_finite() && v.abs() < 1e6);
                if !finite || along_length == 0.0 {
                    self.tally.skipped += 1;
                } else if !ch.is_control() {
                    if self.glyphs_left == 0 {
                        return Err(OfdError::TooManyGlyphs);
                    }
                    self.glyphs_left -= 1;
                    let advance = (
                        along.0 / along_length * width,
                        along.1 / along_length * width,
                    );
                    self.glyphs.push(OfdGlyph {
                        glyph: Glyph::along(
                            Baseline {
                                origin: (gx, gy),
                                advance,
                                up,
                            },
                            shown.to_string(),
                        ),
                        template: self.template,
                        font,
                    });
                }
                cx += dx;
                cy += dy;
                code_position += 1;
            }
        }
        Ok(())
    }

    fn path(&mut self, e: &Element, parent: Matrix) {
        if e.attr("Visible").and_then(boolean) == Some(false) {
            return;
        }
        let Some((t, _)) = placed(e, parent) else {
            self.tally.skipped += 1;
            return;
        };
        // Stroked in black unless told otherwise; filled only when told, and with no fill
        // colour a fill is transparent (GB/T 33190 table 37).
        let stroke = e.attr("Stroke").and_then(boolean).unwrap_or(true)
            && e.child("StrokeColor").is_none_or(visible);
        let fill = e.attr("Fill").and_then(boolean).unwrap_or(false)
            && e.child("FillColor").is_some_and(visible);
        if !stroke && !fill {
            return;
        }
        let Some(data) = e.child("AbbreviatedData") else {
            return;
        };
        let Some(subpaths) = abbreviated(&data.text) else {
            self.tally.skipped += 1;
            return;
        };
        for (points, closed) in subpaths {
            let pts: Vec<(f64, f64, bool)> = points
                .iter()
                .map(|&(x, y, straight)| {
                    let (px, py) = self.page(t.apply(x, y));
                    (px, py, straight)
                })
                .collect();
            self.paint(&pts, closed || fill, fill && !stroke);
        }
    }

    /// One subpath's rulings, as the PDF reader paints them ([`fixed::paths`]).
    fn paint(&mut self, pts: &[PathPoint], closed: bool, fill_only: bool) {
        for s in paths::rulings(pts, closed, fill_only, self.size) {
            if self.rulings.len() >= MAX_RULINGS {
                self.tally.cut = true;
                return;
            }
            self.rulings.push(s);
        }
    }

    fn image(&mut self, e: &Element, parent: Matrix) {
        let Some((t, _)) = placed(e, parent) else {
            self.tally.skipped += 1;
            return;
        };
        // An image fills the unit square of its object space (the CTM scales it).
        let corners =
            [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)].map(|(x, y)| self.page(t.apply(x, y)));
        let (x0, x1) = corners
            .iter()
            .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.0), a.1.max(p.0)));
        let (y0, y1) = corners
            .iter()
            .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.1), a.1.max(p.1)));
        if ![x0, x1, y0, y1]
            .iter()
            .all(|v| v.is_finite() && v.abs() < 1e6)
        {
            self.tally.skipped += 1;
            return;
        }
        let id = e.attr("ResourceID").unwrap_or("").trim();
        let media = self.resources.media.get(id);
        if media.is_none() {
            self.tally.missing_media.insert(id.to_string());
        }
        self.images.push(OfdImage {
            x: x0,
            y: y0,
            width: x1 - x0,
            height: y1 - y0,
            entry: media.and_then(|m| m.entry.clone()),
            format: media.and_then(|m| m.format.clone()),
            template: self.template,
        });
    }

    fn composite(&mut self, e: &Element, parent: Matrix, depth: usize) -> Result<(), OfdError> {
        let Some((t, _)) = placed(e, parent) else {
            self.tally.skipped += 1;
            return Ok(());
        };
        let id = e.attr("ResourceID").unwrap_or("").trim();
        let resources = self.resources;
        let Some(unit) = resources.units.get(id) else {
            self.tally.missing_units.insert(id.to_string());
            return Ok(());
        };
        if depth >= MAX_COMPOSITE_DEPTH {
            self.tally.skipped += 1;
            return Ok(());
        }
        match unit.child("Content") {
            Some(content) => self.objects(&content.children, t, depth + 1),
            None => Ok(()),
        }
    }
}

/// An object's transform from its space to its container's (its CTM, then a move to its
/// Boundary's corner), and the Boundary; None when either is not numbers.
fn placed(e: &Element, parent: Matrix) -> Option<(Matrix, [f64; 4])> {
    let boundary = numbers::<4>(e.attr("Boundary")?)?;
    let ctm = match e.attr("CTM") {
        Some(s) => Matrix(numbers::<6>(s)?),
        None => Matrix::IDENTITY,
    };
    let t = ctm
        .then(&Matrix::translate(boundary[0], boundary[1]))
        .then(&parent);
    Some((t, boundary))
}

/// For each character of a TextObject (its TextCodes one after another), whether a
/// `CGTransform` draws it by glyph index.
fn glyph_mapped(e: &Element, chars: usize) -> Vec<bool> {
    if e.child("CGTransform").is_none() {
        return Vec::new();
    }
    let mut starts = vec![0i64; chars + 1];
    for cg in e.children("CGTransform") {
        let Some(from) = cg
            .attr("CodePosition")
            .and_then(|s| s.trim().parse::<usize>().ok())
        else {
            continue;
        };
        let count = cg
            .attr("CodeCount")
            .and_then(|s| s.trim().parse::<usize>().ok())
            .unwrap_or(1);
        let (from, to) = (from.min(chars), from.saturating_add(count).min(chars));
        starts[from] += 1;
        starts[to] -= 1;
    }
    let mut depth = 0i64;
    starts[..chars]
        .iter()
        .map(|d| {
            depth += d;
            depth > 0
        })
        .collect()
}

/// Whether a character is text a reader can take as written: not private use, not
/// U+FFFD, not a control — what a producer puts in TextCode when the real text is only
/// in the glyph indices.
fn is_text(ch: char) -> bool {
    !matches!(ch, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFF}' | '\u{FFFD}')
        && !ch.is_control()
}

/// The share of an em a character is wide when the text does not say: CJK and full-width
/// forms an em, the rest half.
fn em_share(ch: char) -> f64 {
    let wide = matches!(ch,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{303E}'
        | '\u{3041}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFD}');
    if wide {
        1.0
    } else {
        0.5
    }
}

/// A `DeltaX`/`DeltaY` list, `g N v` standing for N times v, read lazily (a count of a
/// billion costs nothing until that many characters are drawn). Stops at the first word
/// that is not a number.
struct Deltas<'a> {
    words: std::str::SplitWhitespace<'a>,
    repeat: u64,
    value: f64,
}

impl<'a> Deltas<'a> {
    fn new(s: &'a str) -> Deltas<'a> {
        Deltas {
            words: s.split_whitespace(),
            repeat: 0,
            value: 0.0,
        }
    }
}

impl Iterator for Deltas<'_> {
    type Item = f64;

    fn next(&mut self) -> Option<f64> {
        loop {
            if self.repeat > 0 {
                self.repeat -= 1;
                return Some(self.value);
            }
            let word = self.words.next()?;
            if word != "g" {
                return number(word);
            }
            let count = self.words.next().and_then(number)?;
            let value = self.words.next().and_then(number)?;
            if count < 0.0 || count.fract() != 0.0 {
                return None;
            }
            // Saturating: a count past u64 is as good as endless.
            self.repeat = count as u64;
            self.value = value;
        }
    }
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Exactly N numbers, blank-separated.
fn numbers<const N: usize>(s: &str) -> Option<[f64; N]> {
    let mut out = [0.0; N];
    let mut words = s.split_whitespace();
    for slot in &mut out {
        *slot = number(words.next()?)?;
    }
    words.next().is_none().then_some(out)
}

fn boolean(s: &str) -> Option<bool> {
    match s.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// Whether a colour shows on white paper: not fully transparent, not (near) white. A
/// colour given otherwise than by value (a pattern, a shading, an index) is taken to show.
fn visible(color: &Element) -> bool {
    if color.attr("Alpha").and_then(number) == Some(0.0) {
        return false;
    }
    let Some(value) = color.attr("Value") else {
        return true;
    };
    let parts: Option<Vec<f64>> = value
        .split_whitespace()
        .map(|w| match w.strip_prefix('#') {
            Some(hex) => u8::from_str_radix(hex, 16).ok().map(f64::from),
            None => number(w),
        })
        .collect();
    match parts.as_deref() {
        // Grey or RGB, 0–255.
        Some(v @ ([_] | [_, _, _])) => !v.iter().all(|&c| c >= 242.0),
        // CMYK: white is no ink.
        Some(v @ [_, _, _, _]) => !v.iter().all(|&c| c <= 13.0),
        _ => true,
    }
}

/// A subpath: its points (each with whether the segment ending there is straight) and
/// whether it is closed.
type Subpath = (Vec<(f64, f64, bool)>, bool);

/// `AbbreviatedData`: `S`/`M` x y start a subpath, `L` x y a line, `Q`, `B` and `A` curves
/// (only their end points are kept, marked not straight), `C` closes. None when it does
/// not read.
fn abbreviated(data: &str) -> Option<Vec<Subpath>> {
    let mut words = data
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .flat_map(|w| {
            // A command glued to its first number (`M10`).
            match w.char_indices().nth(1) {
                Some((i, _)) if w.starts_with(['S', 'M', 'L', 'Q', 'B', 'A', 'C']) => {
                    vec![&w[..i], &w[i..]]
                }
                _ => vec![w],
            }
        });
    let mut out: Vec<Subpath> = Vec::new();
    let point = |words: &mut dyn Iterator<Item = &str>| -> Option<(f64, f64)> {
        Some((number(words.next()?)?, number(words.next()?)?))
    };
    while let Some(command) = words.next() {
        let (skip, straight) = match command {
            "S" | "M" => {
                let (x, y) = point(&mut words)?;
                out.push((vec![(x, y, true)], false));
                continue;
            }
            "C" => {
                if let Some((_, closed)) = out.last_mut() {
                    *closed = true;
                }
                continue;
            }
            "L" => (0, true),
            "Q" => (1, false),
            "B" => (2, false),
            "A" => {
                // rx ry angle large-arc sweep, then the end point.
                for _ in 0..5 {
                    number(words.next()?)?;
                }
                (0, false)
            }
            _ => return None,
        };
        for _ in 0..skip {
            point(&mut words)?;
        }
        let (x, y) = point(&mut words)?;
        match out.last_mut() {
            Some((pts, _)) => pts.push((x, y, straight)),
            None => out.push((vec![(x, y, true)], false)),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readers::ofd::tree::parse;

    fn draw(objects: &str) -> Canvas<'static> {
        static RESOURCES: std::sync::OnceLock<Resources> = std::sync::OnceLock::new();
        let resources = RESOURCES.get_or_init(Resources::default);
        let xml = format!("<Page><Content><Layer>{objects}</Layer></Content></Page>");
        let tree = parse(xml.as_bytes(), "c.xml").unwrap();
        let mut canvas = Canvas::new(resources, [0.0, 0.0, 210.0, 297.0], false, 100);
        canvas.draw(&tree.root).unwrap();
        canvas
    }

    #[test]
    fn g_runs_expand_lazily_and_stop_at_junk() {
        let d: Vec<f64> = Deltas::new("1 g 3 2.5 4").collect();
        assert_eq!(d, [1.0, 2.5, 2.5, 2.5, 4.0]);
        let d: Vec<f64> = Deltas::new("g 1e18 1").take(3).collect();
        assert_eq!(d, [1.0, 1.0, 1.0]);
        assert_eq!(Deltas::new("1 x 2").collect::<Vec<_>>(), [1.0]);
        assert_eq!(Deltas::new("g -1 2 3").count(), 0);
        assert_eq!(Deltas::new("g 0 2 3").collect::<Vec<_>>(), [3.0]);
        assert_eq!(Deltas::new("NaN inf").count(), 0);
    }

    #[test]
    fn text_is_placed_by_boundary_ctm_x_y_and_deltas() {
        let c = draw(
            r#"<TextObject Boundary="10 20 50 10" CTM="0.5 0 0 0.5 1 2" Size="8"><TextCode X="2" Y="8" DeltaX="g 2 10" DeltaY="0 1">示例A</TextCode></TextObject>"#,
        );
        let pt = POINTS_PER_MM;
        let xs: Vec<f64> = c.glyphs.iter().map(|g| g.glyph.x0 / pt).collect();
        let ys: Vec<f64> = c.glyphs.iter().map(|g| g.glyph.y / pt).collect();
        for (got, want) in xs.iter().zip([12.0, 17.0, 22.0]) {
            assert!((got - want).abs() < 1e-9, "{xs:?}");
        }
        for (got, want) in ys.iter().zip([26.0, 26.0, 26.5]) {
            assert!((got - want).abs() < 1e-9, "{ys:?}");
        }
        assert!(c
            .glyphs
            .iter()
            .all(|g| (g.glyph.size / pt - 4.0).abs() < 1e-9 && g.glyph.upright()));
        let width = |g: &OfdGlyph| (g.glyph.x1 - g.glyph.x0) / pt;
        assert!((width(&c.glyphs[0]) - 5.0).abs() < 1e-9);
        // The last glyph: half an em for a Latin letter, kept inside the Boundary.
        assert!((width(&c.glyphs[2]) - 2.0).abs() < 1e-9);
        assert_eq!(c.tally.estimated, 0);
    }

    #[test]
    fn text_without_deltax_is_placed_by_estimate_and_counted() {
        let c = draw(
            r#"<TextObject Boundary="0 0 100 10" Size="4"><TextCode X="0" Y="4">一a二</TextCode><TextCode>三</TextCode></TextObject>"#,
        );
        let xs: Vec<f64> = c
            .glyphs
            .iter()
            .map(|g| g.glyph.x0 / POINTS_PER_MM)
            .collect();
        for (got, want) in xs.iter().zip([0.0, 4.0, 6.0, 0.0]) {
            assert!((got - want).abs() < 1e-9, "{xs:?}");
        }
        assert_eq!(c.tally.estimated, 2);
    }

    #[test]
    fn a_rotated_ctm_gives_glyphs_that_are_not_upright() {
        let c = draw(
            r#"<TextObject Boundary="50 50 10 100" CTM="0 1 -1 0 0 0" Size="4"><TextCode X="0" Y="0" DeltaX="4">一二</TextCode></TextObject>"#,
        );
        assert!(c.glyphs.iter().all(|g| !g.glyph.upright()));
        let origins: Vec<(f64, f64)> = c
            .glyphs
            .iter()
            .map(|g| g.glyph.baseline.unwrap().origin)
            .collect();
        assert!((origins[1].1 - origins[0].1 - 4.0 * POINTS_PER_MM).abs() < 1e-9);
        assert!((origins[1].0 - origins[0].0).abs() < 1e-9);
    }

    #[test]
    fn cgtransform_over_private_use_gives_unknown_characters() {
        let c = draw(
            r#"<TextObject Boundary="0 0 100 10" Size="4"><CGTransform CodePosition="1" CodeCount="2" GlyphCount="2"><Glyphs>7 8</Glyphs></CGTransform><TextCode X="0" Y="4" DeltaX="g 3 4">&#xE000;&#xE001;&#xE002;</TextCode><TextCode X="20">&#xE003;</TextCode></TextObject>"#,
        );
        let text: String = c.glyphs.iter().map(|g| g.glyph.text.as_str()).collect();
        assert_eq!(text, "\u{E000}\u{FFFD}\u{FFFD}\u{E003}");
        assert_eq!(c.tally.unmapped, 2);
    }

    #[test]
    fn paths_give_straight_rulings() {
        let c = draw(concat!(
            r#"<PathObject Boundary="10 10 100 100"><AbbreviatedData>M 0 0 L 50 0 M 0 0 L 0 30 B 1 1 2 2 3 3 L 10 10</AbbreviatedData></PathObject>"#,
            r#"<PathObject Boundary="0 0 100 100" Stroke="false" Fill="true"><FillColor Value="0 0 0"/><AbbreviatedData>M 0 0 L 80 0 L 80 0.5 L 0 0.5 C</AbbreviatedData></PathObject>"#,
            r#"<PathObject Boundary="0 0 100 100" Stroke="false" Fill="true"><AbbreviatedData>M 0 0 L 80 0 L 80 0.5 L 0 0.5 C</AbbreviatedData></PathObject>"#,
            r#"<PathObject Boundary="0 0 100 100"><StrokeColor Value="255 255 255"/><AbbreviatedData>M 0 0 L 80 0</AbbreviatedData></PathObject>"#,
            r#"<PathObject Boundary="0 0 100 100"><AbbreviatedData>M 0 0 L 80 80</AbbreviatedData></PathObject>"#,
            r#"<PathObject Boundary="0 0 100 100"><AbbreviatedData>M 0 0 X 80 80</AbbreviatedData></PathObject>"#,
            r#"<PathObject Boundary="5 5 10 10"><AbbreviatedData>M0 0 L10 0 L10 10 L0 10 C</AbbreviatedData></PathObject>"#,
        ));
        let mm = |v: f64| (v / POINTS_PER_MM * 1000.0).round() / 1000.0;
        let got: Vec<[f64; 4]> = c
            .rulings
            .iter()
            .map(|r| [mm(r.x0), mm(r.y0), mm(r.x1), mm(r.y1)])
            .collect();
        assert_eq!(
            got,
            [
                [10.0, 10.0, 60.0, 10.0],
                [10.0, 10.0, 10.0, 40.0],
                // The filled thin rectangle as one line along its middle; the one with
                // no fill colour, the white line, the diagonal and the junk give none.
                [0.0, 0.25, 80.0, 0.25],
                [5.0, 5.0, 15.0, 5.0],
                [15.0, 5.0, 15.0, 15.0],
                [15.0, 15.0, 5.0, 15.0],
                [5.0, 15.0, 5.0, 5.0],
            ]
        );
        assert_eq!(c.tally.skipped, 1);
    }

    #[test]
    fn images_cover_their_unit_square() {
        let c =
            draw(r#"<ImageObject Boundary="10 20 100 50" CTM="100 0 0 50 0 0" ResourceID="9"/>"#);
        let i = &c.images[0];
        let mm = |v: f64| (v / POINTS_PER_MM * 1000.0).round() / 1000.0;
        assert_eq!(
            [mm(i.x), mm(i.y), mm(i.width), mm(i.height)],
            [10.0, 20.0, 100.0, 50.0]
        );
        assert_eq!(i.entry, None);
        assert!(c.tally.missing_media.contains("9"));
    }

    #[test]
    fn objects_with_junk_geometry_are_skipped_and_counted() {
        let c = draw(concat!(
            r#"<TextObject Boundary="0 0 x 1" Size="4"><TextCode X="0" Y="0">a</TextCode></TextObject>"#,
            r#"<TextObject Boundary="0 0 1 1" CTM="1 0 0 1 0" Size="4"><TextCode X="0" Y="0">a</TextCode></TextObject>"#,
            r#"<TextObject Boundary="0 0 1 1" Size="-4"><TextCode X="0" Y="0">a</TextCode></TextObject>"#,
            r#"<TextObject Boundary="0 0 1 1" Size="4"><TextCode Y="0">a</TextCode></TextObject>"#,
            r#"<TextObject Boundary="0 0 1 1" CTM="1e300 0 0 1e300 0 0" Size="4"><TextCode X="1" Y="1">a</TextCode></TextObject>"#,
        ));
        assert!(c.glyphs.is_empty());
        assert_eq!(c.tally.skipped, 5);
    }
}

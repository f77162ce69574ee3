//! Phone photos of a printed page (issue 14): the sheet lies on a darker surface, seen at an
//! angle (a quadrilateral, not a rectangle) and lit unevenly. The sheet's four corners are
//! found from its edges against the surface, the sheet is mapped onto a rectangle by the
//! homography of those corners, and its light is evened by dividing each pixel by the paper's
//! own brightness around it. A scan, whose border is paper, is left as it is.

use super::clean::bilinear;
use super::decode::Gray;

/// Share of the image border that must be darker than the paper for the image to be a
/// photo of a sheet on a surface (a scan's border is paper; a scanner lid's dark strip runs
/// along one or two edges, not all four).
const DARK_BORDER_SHARE: f64 = 0.9;
/// Smallest share of the image the sheet covers: a smaller bright patch is no page.
const MIN_SHEET_SHARE: f64 = 0.3;
/// Largest slant of a sheet's edge from the image axes: more is not a page seen from in
/// front.
const MAX_EDGE_DEGREES: f64 = 15.0;
/// Consecutive bright pixels that begin or end the sheet on a row (a bright speck of the
/// surface is shorter).
const MIN_PAPER_RUN: usize = 4;
/// How far a sheet's side ratio may be from √2 and still be taken for A4 (the corners are
/// found to a pixel or two; a photo's lens bends the edges a little).
const ISO_RATIO_TOLERANCE: f64 = 0.06;
/// The long side of A4 (297 mm).
const A4_LONG_INCHES: f64 = 297.0 / 25.4;
/// Side of the blocks whose brightest pixel estimates the paper's light, as a share of the
/// image's longer side.
const LIGHT_BLOCK_SHARE: f64 = 1.0 / 48.0;

/// The corners of a sheet in a photo, in pixels: top left, top right, bottom right, bottom
/// left.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sheet {
    pub corners: [(f64, f64); 4],
}

/// The sheet of paper in a photo of one on a darker surface; `None` when the image's border
/// is not surface all round (a scan, a screenshot), or no four-cornered sheet lies wholly
/// inside it.
pub fn find_sheet(img: &Gray) -> Option<Sheet> {
    let (w, h) = (img.width, img.height);
    if w < 64 || h < 64 {
        return None;
    }
    let band = (w.min(h) / 100).max(2);
    let mut border: Vec<u8> = Vec::new();
    for y in 0..h {
        for x in 0..w {
            if y < band || y >= h - band || x < band || x >= w - band {
                border.push(img.pixels[y * w + x]);
            }
        }
    }
    border.sort_unstable();
    let surface = border[border.len() / 2];
    let mut hist = [0usize; 256];
    for &p in &img.pixels {
        hist[p as usize] += 1;
    }
    // The level below which nine tenths of the pixels lie: paper, on a sheet filling most of
    // the photo.
    let mut seen = 0;
    let paper = (0..=255u8)
        .find(|&v| {
            seen += hist[v as usize];
            seen * 10 > img.pixels.len() * 9
        })
        .unwrap_or(255);
    if paper < surface.saturating_add(60) {
        return None;
    }
    let threshold = ((surface as u16 + paper as u16) / 2) as u8;
    let dark = border.iter().filter(|&&p| p < threshold).count();
    if (dark as f64) < DARK_BORDER_SHARE * border.len() as f64 {
        return None;
    }
    // The sheet's left and right edge on each row: its first and last run of paper.
    let mut edges: Vec<(f64, f64)> = Vec::new();
    let mut rows = 0usize;
    let mut area = 0usize;
    for y in 0..h {
        let row = &img.pixels[y * w..(y + 1) * w];
        let bright = |x: usize| row[x..x + MIN_PAPER_RUN].iter().all(|&p| p >= threshold);
        let Some(left) = (0..w - MIN_PAPER_RUN).find(|&x| bright(x)) else {
            continue;
        };
        let right = (0..w - MIN_PAPER_RUN).rev().find(|&x| bright(x))? + MIN_PAPER_RUN - 1;
        edges.push((left as f64, y as f64));
        edges.push((right as f64, y as f64));
        rows += 1;
        area += right + 1 - left;
    }
    if rows == 0 || (area as f64) < MIN_SHEET_SHARE * (w * h) as f64 {
        return None;
    }
    // A corner is where the sheet reaches furthest along a diagonal.
    let extreme = |f: &dyn Fn(&(f64, f64)) -> f64| {
        edges
            .iter()
            .copied()
            .max_by(|a, b| f(a).total_cmp(&f(b)))
            .unwrap_or_default()
    };
    let corners = [
        extreme(&|p| -p.0 - p.1),
        extreme(&|p| p.0 - p.1),
        extreme(&|p| p.0 + p.1),
        extreme(&|p| -p.0 + p.1),
    ];
    let inside = corners.iter().all(|&(x, y)| {
        x >= band as f64 && y >= band as f64 && x < (w - band) as f64 && y < (h - band) as f64
    });
    let slant = |a: (f64, f64), b: (f64, f64), across: bool| {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (along, off) = if across { (dx, dy) } else { (dy, dx) };
        along > 0.0 && off.abs().atan2(along).to_degrees() <= MAX_EDGE_DEGREES
    };
    let [tl, tr, br, bl] = corners;
    let square =
        slant(tl, tr, true) && slant(bl, br, true) && slant(tl, bl, false) && slant(tr, br, false);
    (inside && square).then_some(Sheet { corners })
}

/// A photo of a sheet on a surface as the sheet alone, squared and evenly lit
/// ([`find_sheet`], [`squared`]); `None` for any other image.
pub fn sheet_of(img: &Gray) -> Option<Gray> {
    squared(img, &find_sheet(img)?)
}

/// The sheet of a photo squared ([`flatten`]) and its light evened ([`even_light`]), the
/// few pixels along its edge made white: the edge is blurred into the surface, and that
/// dark fringe would be taken for a ruling round the page.
pub fn squared(img: &Gray, sheet: &Sheet) -> Option<Gray> {
    let mut out = even_light(&flatten(img, sheet)?);
    let (w, h) = (out.width, out.height);
    let fringe = (w.min(h) / 200).max(3);
    for y in 0..h {
        for x in 0..w {
            if x < fringe || y < fringe || x + fringe >= w || y + fringe >= h {
                out.pixels[y * w + x] = 255;
            }
        }
    }
    Some(out)
}

/// The sheet mapped onto a rectangle as wide as its longer top or bottom edge and as tall
/// as its longer side (the photo's resolution kept where the sheet is nearest).
pub fn flatten(img: &Gray, sheet: &Sheet) -> Option<Gray> {
    let [tl, tr, br, bl] = sheet.corners;
    let length = |a: (f64, f64), b: (f64, f64)| (b.0 - a.0).hypot(b.1 - a.1);
    let width = length(tl, tr).max(length(bl, br)).round() as usize;
    let height = length(tl, bl).max(length(tr, br)).round() as usize;
    if width < 2 || height < 2 {
        return None;
    }
    let (wf, hf) = ((width - 1) as f64, (height - 1) as f64);
    let h = homography([(0.0, 0.0), (wf, 0.0), (wf, hf), (0.0, hf)], sheet.corners)?;
    let mut out = Gray::new(width, height, 255);
    for v in 0..height {
        for u in 0..width {
            let (uf, vf) = (u as f64, v as f64);
            let d = h[6] * uf + h[7] * vf + 1.0;
            if d.abs() < 1e-12 {
                continue;
            }
            let x = (h[0] * uf + h[1] * vf + h[2]) / d;
            let y = (h[3] * uf + h[4] * vf + h[5]) / d;
            if let Some(p) = bilinear(img, x, y) {
                out.pixels[v * width + u] = p;
            }
        }
    }
    Some(out)
}

/// The resolution of a squared sheet in pixels per inch when its sides are in the ratio of
/// ISO 216 paper (√2, within [`ISO_RATIO_TOLERANCE`]) and it is taken to be A4, as printed
/// reports are; `None` for a sheet of another shape. A photo's stated resolution (72 from
/// most phones, or none) says nothing of the sheet's.
pub fn a4_dpi(sheet: &Gray) -> Option<f64> {
    let (long, short) = (
        sheet.width.max(sheet.height) as f64,
        sheet.width.min(sheet.height) as f64,
    );
    let ratio = long / short.max(1.0);
    ((ratio / std::f64::consts::SQRT_2 - 1.0).abs() <= ISO_RATIO_TOLERANCE)
        .then_some(long / A4_LONG_INCHES)
}

/// The homography (h0…h7, h8 = 1) taking each point of `from` to the same point of `to`:
/// x' = (h0 x + h1 y + h2) / (h6 x + h7 y + 1), y' = (h3 x + h4 y + h5) / (h6 x + h7 y + 1).
/// `None` when three of the points are in a line.
fn homography(from: [(f64, f64); 4], to: [(f64, f64); 4]) -> Option<[f64; 8]> {
    let mut a = [[0.0f64; 9]; 8];
    for (k, (&(x, y), &(xp, yp))) in from.iter().zip(to.iter()).enumerate() {
        a[2 * k] = [x, y, 1.0, 0.0, 0.0, 0.0, -xp * x, -xp * y, xp];
        a[2 * k + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -yp * x, -yp * y, yp];
    }
    // Gauss–Jordan elimination with partial pivoting.
    for col in 0..8 {
        let pivot = (col..8).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-9 {
            return None;
        }
        a.swap(col, pivot);
        let p = a[col][col];
        a[col].iter_mut().for_each(|v| *v /= p);
        for row in 0..8 {
            if row != col {
                let f = a[row][col];
                if f != 0.0 {
                    let pivot_row = a[col];
                    for (v, pv) in a[row].iter_mut().zip(pivot_row.iter()) {
                        *v -= f * pv;
                    }
                }
            }
        }
    }
    let mut h = [0.0; 8];
    for (i, v) in h.iter_mut().enumerate() {
        *v = a[i][8];
    }
    Some(h)
}

/// The image with its light evened: each pixel divided by the paper's brightness around it
/// (the brightest pixel of its block, the blocks' values spread over their neighbours to
/// bridge dark fills and smoothed, then interpolated between block centres), so paper is
/// white everywhere and ink keeps its contrast.
pub fn even_light(img: &Gray) -> Gray {
    let (w, h) = (img.width, img.height);
    let block = ((w.max(h) as f64 * LIGHT_BLOCK_SHARE).round() as usize).max(8);
    let (bw, bh) = (w.div_ceil(block), h.div_ceil(block));
    let mut brightest = vec![0u8; bw * bh];
    for y in 0..h {
        for x in 0..w {
            let b = &mut brightest[(y / block) * bw + x / block];
            *b = (*b).max(img.pixels[y * w + x]);
        }
    }
    let around = |grid: &[f64], bx: usize, by: usize, f: &dyn Fn(f64, f64) -> f64, start: f64| {
        let mut acc = start;
        for ny in by.saturating_sub(1)..(by + 2).min(bh) {
            for nx in bx.saturating_sub(1)..(bx + 2).min(bw) {
                acc = f(acc, grid[ny * bw + nx]);
            }
        }
        acc
    };
    let grid: Vec<f64> = brightest.iter().map(|&v| v as f64).collect();
    let spread: Vec<f64> = (0..bw * bh)
        .map(|i| around(&grid, i % bw, i / bw, &f64::max, 0.0))
        .collect();
    let light: Vec<f64> = (0..bw * bh)
        .map(|i| {
            let (bx, by) = (i % bw, i / bw);
            let n = ((by + 2).min(bh) - by.saturating_sub(1))
                * ((bx + 2).min(bw) - bx.saturating_sub(1));
            (around(&spread, bx, by, &|a, b| a + b, 0.0) / n as f64).max(1.0)
        })
        .collect();
    let at = |x: f64, y: f64| {
        // Block centres lie at (b + 0.5) · block.
        let gx = (x / block as f64 - 0.5).clamp(0.0, (bw - 1) as f64);
        let gy = (y / block as f64 - 0.5).clamp(0.0, (bh - 1) as f64);
        let (x0, y0) = (gx as usize, gy as usize);
        let (x1, y1) = ((x0 + 1).min(bw - 1), (y0 + 1).min(bh - 1));
        let (fx, fy) = (gx - x0 as f64, gy - y0 as f64);
        let l = |xx: usize, yy: usize| light[yy * bw + xx];
        let top = l(x0, y0) * (1.0 - fx) + l(x1, y0) * fx;
        let bottom = l(x0, y1) * (1.0 - fx) + l(x1, y1) * fx;
        top * (1.0 - fy) + bottom * fy
    };
    let mut out = Gray::new(w, h, 255);
    for y in 0..h {
        for x in 0..w {
            let p = img.pixels[y * w + x] as f64;
            out.pixels[y * w + x] = (p * 255.0 / at(x as f64, y as f64)).round().min(255.0) as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white sheet with a black frame drawn inside it, on a dark surface, as the
    /// quadrilateral `quad` (top left, top right, bottom right, bottom left).
    fn photo(quad: [(f64, f64); 4]) -> Gray {
        let (w, h) = (400usize, 500usize);
        let sheet_size = (300.0, 400.0);
        let to_sheet = homography(
            quad,
            [
                (0.0, 0.0),
                (sheet_size.0, 0.0),
                sheet_size,
                (0.0, sheet_size.1),
            ],
        )
        .unwrap();
        let mut g = Gray::new(w, h, 50);
        for y in 0..h {
            for x in 0..w {
                let (xf, yf) = (x as f64, y as f64);
                let d = to_sheet[6] * xf + to_sheet[7] * yf + 1.0;
                let u = (to_sheet[0] * xf + to_sheet[1] * yf + to_sheet[2]) / d;
                let v = (to_sheet[3] * xf + to_sheet[4] * yf + to_sheet[5]) / d;
                if (0.0..sheet_size.0).contains(&u) && (0.0..sheet_size.1).contains(&v) {
                    let frame = (20.0..23.0).contains(&u)
                        || (277.0..280.0).contains(&u)
                        || (20.0..23.0).contains(&v)
                        || (377.0..380.0).contains(&v);
                    // Light falling off towards the bottom.
                    let paper = 240.0 - 0.2 * yf;
                    g.pixels[y * w + x] = if frame { 20 } else { paper as u8 };
                }
            }
        }
        g
    }

    const QUAD: [(f64, f64); 4] = [(70.0, 40.0), (340.0, 55.0), (360.0, 460.0), (40.0, 450.0)];

    #[test]
    fn the_corners_of_a_sheet_seen_at_an_angle_are_found_within_two_pixels() {
        let sheet = find_sheet(&photo(QUAD)).expect("a sheet");
        for (found, drawn) in sheet.corners.iter().zip(QUAD.iter()) {
            assert!(
                (found.0 - drawn.0).abs() <= 2.0 && (found.1 - drawn.1).abs() <= 2.0,
                "drawn {drawn:?}, found {found:?}"
            );
        }
    }

    #[test]
    fn a_flattened_sheet_has_its_frame_square_and_its_paper_evenly_white() {
        let img = photo(QUAD);
        let flat = squared(&img, &find_sheet(&img).unwrap()).unwrap();
        // The frame, 20 of 300 sheet units in, on the rows and columns of the rectangle.
        let (w, h) = (flat.width, flat.height);
        let dark_column = |x: usize| (h / 5..h * 4 / 5).all(|y| flat.pixels[y * w + x] < 128);
        let dark_row = |y: usize| (w / 5..w * 4 / 5).all(|x| flat.pixels[y * w + x] < 128);
        let (fx, fy) = (w * 21 / 300, h * 21 / 400);
        assert!(
            (fx - 2..=fx + 2).any(dark_column),
            "no straight left frame near x = {fx}"
        );
        assert!(
            (fy - 2..=fy + 2).any(dark_row),
            "no straight top frame near y = {fy}"
        );
        let mid = flat.pixels[(h / 2) * w + w / 2];
        let low = flat.pixels[(h * 9 / 10) * w + w / 2];
        assert!(
            mid >= 245 && low >= 245,
            "paper {mid} and {low} after evening"
        );
    }

    #[test]
    fn a_scan_whose_border_is_paper_is_no_photo() {
        let mut g = Gray::new(300, 300, 250);
        for x in 20..280 {
            g.pixels[150 * 300 + x] = 0;
        }
        assert_eq!(find_sheet(&g), None);
    }
}

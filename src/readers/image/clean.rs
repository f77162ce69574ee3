//! Page clean-up before rulings and OCR: the paper and ink levels, and deskew (a scan fed
//! crooked by up to [`MAX_SKEW_DEGREES`]).

use super::decode::Gray;

/// Largest skew looked for, either way.
pub const MAX_SKEW_DEGREES: f64 = 3.0;
/// Below this the page is left as it is (a turn would only blur it).
const MIN_TURN_DEGREES: f64 = 0.05;
/// Ink pixels sampled for the skew search at most (a stride thins them evenly).
const SKEW_SAMPLES: usize = 300_000;

/// Gray levels of a page: `ink` below `text` is print, below `ruling` may be a thin
/// (anti-aliased or gray) ruling.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Levels {
    pub paper: u8,
    pub ink: u8,
    /// Otsu's threshold between ink and paper.
    pub text: u8,
    /// Three quarters of the way from ink to paper: thin gray rules still count.
    pub ruling: u8,
}

pub fn levels(img: &Gray) -> Levels {
    let mut hist = [0u64; 256];
    for &p in &img.pixels {
        hist[p as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let percentile = |q: f64| -> u8 {
        let goal = (total as f64 * q) as u64;
        let mut seen = 0;
        for (v, &n) in hist.iter().enumerate() {
            seen += n;
            if seen > goal {
                return v as u8;
            }
        }
        255
    };
    let paper = percentile(0.5).max(percentile(0.9));
    let ink = percentile(0.005);
    let text = otsu(&hist, total);
    let ruling = (ink as u32 + (paper as u32 - ink.min(paper) as u32) * 3 / 4) as u8;
    Levels {
        paper,
        ink,
        text: text
            .max(ink.saturating_add(1))
            .min(paper.saturating_sub(1))
            .max(1),
        ruling: ruling.max(text),
    }
}

/// Otsu's threshold: the level that best splits the histogram into two classes.
fn otsu(hist: &[u64; 256], total: u64) -> u8 {
    let sum: f64 = hist
        .iter()
        .enumerate()
        .map(|(v, &n)| v as f64 * n as f64)
        .sum();
    let (mut w_b, mut sum_b, mut best, mut best_var) = (0f64, 0f64, 128u8, -1f64);
    for (t, &n) in hist.iter().enumerate() {
        w_b += n as f64;
        if w_b == 0.0 {
            continue;
        }
        let w_f = total as f64 - w_b;
        if w_f == 0.0 {
            break;
        }
        sum_b += t as f64 * n as f64;
        let (m_b, m_f) = (sum_b / w_b, (sum - sum_b) / w_f);
        let var = w_b * w_f * (m_b - m_f) * (m_b - m_f);
        if var > best_var {
            best_var = var;
            best = t as u8;
        }
    }
    best
}

/// The slope of the page's lines in degrees (positive: they fall to the right, as y grows
/// downwards), from the projection profile of the ink: the angle whose profile is sharpest.
pub fn skew_degrees(img: &Gray, threshold: u8) -> f64 {
    let mut points: Vec<(f32, f32)> = Vec::new();
    let ink = img.pixels.iter().filter(|&&p| p < threshold).count();
    let stride = ink / SKEW_SAMPLES + 1;
    let mut k = 0usize;
    for y in 0..img.height {
        for x in 0..img.width {
            if img.pixels[y * img.width + x] < threshold {
                if k.is_multiple_of(stride) {
                    points.push((x as f32, y as f32));
                }
                k += 1;
            }
        }
    }
    if points.len() < 100 {
        return 0.0;
    }
    let score = |deg: f64| -> f64 {
        let t = deg.to_radians().tan() as f32;
        let span = img.height + (img.width as f32 * t.abs()) as usize + 2;
        let offset = if t < 0.0 { img.width as f32 * -t } else { 0.0 };
        let mut bins = vec![0u32; span + 1];
        for &(x, y) in &points {
            let b = (y - x * t + offset).round();
            if b >= 0.0 && (b as usize) < bins.len() {
                bins[b as usize] += 1;
            }
        }
        bins.iter().map(|&n| (n as f64) * (n as f64)).sum()
    };
    let search = |from: f64, to: f64, step: f64| -> f64 {
        let mut best = (f64::MIN, 0.0f64);
        let n = ((to - from) / step).round() as i64;
        for i in 0..=n {
            let deg = from + i as f64 * step;
            let s = score(deg);
            // Ties go to the angle nearest zero: no turn without a reason.
            if s > best.0 || (s == best.0 && deg.abs() < best.1.abs()) {
                best = (s, deg);
            }
        }
        best.1
    };
    let coarse = search(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES, 0.1);
    let fine = search(coarse - 0.1, coarse + 0.1, 0.01);
    (fine * 100.0).round() / 100.0
}

/// The page turned so that lines of slope `degrees` become level (bilinear, white
/// outside); the page as it is when the slope is negligible.
pub fn level(img: &Gray, degrees: f64) -> Gray {
    if degrees.abs() < MIN_TURN_DEGREES {
        return img.clone();
    }
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (img.width as f64 / 2.0, img.height as f64 / 2.0);
    let mut out = Gray::new(img.width, img.height, 255);
    for yo in 0..img.height {
        let dy = yo as f64 - cy;
        for xo in 0..img.width {
            let dx = xo as f64 - cx;
            let x = cx + dx * c - dy * s;
            let y = cy + dx * s + dy * c;
            if let Some(v) = bilinear(img, x, y) {
                out.pixels[yo * img.width + xo] = v;
            }
        }
    }
    out
}

/// The gray level at a point between pixels, interpolated from the four around it; `None`
/// outside the image.
pub fn bilinear(img: &Gray, x: f64, y: f64) -> Option<u8> {
    if x < 0.0 || y < 0.0 {
        return None;
    }
    let (x0, y0) = (x as usize, y as usize);
    if x0 + 1 >= img.width || y0 + 1 >= img.height {
        return None;
    }
    let (fx, fy) = (x - x0 as f64, y - y0 as f64);
    let p = |xx: usize, yy: usize| img.pixels[yy * img.width + xx] as f64;
    let top = p(x0, y0) * (1.0 - fx) + p(x0 + 1, y0) * fx;
    let bottom = p(x0, y0 + 1) * (1.0 - fx) + p(x0 + 1, y0 + 1) * fx;
    Some((top * (1.0 - fy) + bottom * fy).round() as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white page with level black bars, turned by drawing them with a slope.
    fn bars(slope_deg: f64) -> Gray {
        let mut g = Gray::new(600, 400, 255);
        let t = slope_deg.to_radians().tan();
        for bar in [80.0, 160.0, 240.0, 320.0] {
            for x in 50..550 {
                let y = (bar + (x as f64 - 300.0) * t).round() as usize;
                for dy in 0..2 {
                    g.pixels[(y + dy) * 600 + x] = 0;
                }
            }
        }
        g
    }

    #[test]
    fn the_skew_of_ruled_lines_is_found_to_a_tenth_of_a_degree() {
        for deg in [-2.0, -0.7, 0.0, 1.5] {
            let found = skew_degrees(&bars(deg), 128);
            assert!((found - deg).abs() <= 0.1, "drawn {deg}°, found {found}°");
        }
    }

    #[test]
    fn levelling_makes_a_sloped_line_level() {
        let turned = level(&bars(1.5), 1.5);
        assert!((skew_degrees(&turned, 128)).abs() <= 0.05);
    }

    #[test]
    fn levels_of_a_page_of_black_print_on_white() {
        let mut g = Gray::new(100, 100, 250);
        g.pixels[..500].iter_mut().for_each(|p| *p = 10);
        let l = levels(&g);
        assert_eq!((l.paper, l.ink), (250, 10));
        assert!(l.text > 10 && l.text < 250 && l.ruling >= l.text && l.ruling < 250);
    }
}

//! Table rulings from what a page paints: every fixed-layout reader turns its paths into
//! page-space points and asks here which straight lines they draw.

use super::Segment;

/// A point of a subpath in page space, and whether the piece reaching it is straight.
pub type PathPoint = (f64, f64, bool);

/// The rulings one painted subpath draws. Stroked: each straight piece (and the closing
/// one). Only filled: browsers draw borders as thin filled shapes (bevelled at the corners,
/// so not quite rectangles), so a thin straight-edged shape is one ruling along its
/// length; a larger rectangle (a shaded cell) gives its edges unless it covers the page
/// (`page`: width and height); anything else draws none. Only finite, horizontal or
/// vertical segments are given.
pub fn rulings(pts: &[PathPoint], closed: bool, fill_only: bool, page: (f64, f64)) -> Vec<Segment> {
    let mut segments: Vec<Segment> = pts
        .windows(2)
        .filter(|w| w[1].2)
        .map(|w| Segment {
            x0: w[0].0,
            y0: w[0].1,
            x1: w[1].0,
            y1: w[1].1,
        })
        .collect();
    if closed && pts.len() > 2 {
        let (a, b) = (pts[pts.len() - 1], pts[0]);
        segments.push(Segment {
            x0: a.0,
            y0: a.1,
            x1: b.0,
            y1: b.1,
        });
    }
    if fill_only {
        if pts.iter().any(|p| !p.2) || pts.len() < 3 {
            return Vec::new();
        }
        let (x0, x1) = pts
            .iter()
            .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.0), a.1.max(p.0)));
        let (y0, y1) = pts
            .iter()
            .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.1), a.1.max(p.1)));
        let (w, h) = (x1 - x0, y1 - y0);
        segments = if h <= 3.0 && w > h * 2.0 {
            let y = (y0 + y1) / 2.0;
            vec![Segment {
                x0,
                y0: y,
                x1,
                y1: y,
            }]
        } else if w <= 3.0 && h > w * 2.0 {
            let x = (x0 + x1) / 2.0;
            vec![Segment {
                x0: x,
                y0,
                x1: x,
                y1,
            }]
        } else if is_rectangle(pts) && (w < page.0 * 0.95 || h < page.1 * 0.95) {
            segments
        } else {
            Vec::new()
        };
    }
    segments.retain(|s| {
        let finite = [s.x0, s.y0, s.x1, s.y1]
            .iter()
            .all(|v| v.is_finite() && v.abs() < 1e6);
        let straight = (s.x0 - s.x1).abs() < 1.0 || (s.y0 - s.y1).abs() < 1.0;
        finite && straight
    });
    segments
}

/// Whether the points are the corners of an upright rectangle (the closing point may
/// repeat the first).
fn is_rectangle(pts: &[PathPoint]) -> bool {
    let mut pts: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.1)).collect();
    if pts.len() == 5 && (pts[0].0 - pts[4].0).abs() < 0.01 && (pts[0].1 - pts[4].1).abs() < 0.01 {
        pts.pop();
    }
    if pts.len() != 4 {
        return false;
    }
    let (x0, x1) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.0), a.1.max(p.0)));
    let (y0, y1) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.1), a.1.max(p.1)));
    pts.iter().all(|p| {
        ((p.0 - x0).abs() < 0.5 || (p.0 - x1).abs() < 0.5)
            && ((p.1 - y0).abs() < 0.5 || (p.1 - y1).abs() < 0.5)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: (f64, f64) = (595.0, 842.0);

    #[test]
    fn a_thin_filled_shape_is_one_ruling_along_its_length() {
        let bar = [
            (0.0, 0.0, true),
            (10.0, 0.0, true),
            (10.0, 1.0, true),
            (0.0, 1.0, true),
        ];
        assert_eq!(
            rulings(&bar, true, true, PAGE),
            vec![Segment {
                x0: 0.0,
                y0: 0.5,
                x1: 10.0,
                y1: 0.5
            }]
        );
    }

    #[test]
    fn a_filled_cell_gives_its_edges_a_filled_page_or_triangle_none() {
        let cell = [
            (0.0, 0.0, true),
            (50.0, 0.0, true),
            (50.0, 20.0, true),
            (0.0, 20.0, true),
        ];
        assert_eq!(rulings(&cell, true, true, PAGE).len(), 4);
        let page = [
            (0.0, 0.0, true),
            (595.0, 0.0, true),
            (595.0, 842.0, true),
            (0.0, 842.0, true),
        ];
        assert!(rulings(&page, true, true, PAGE).is_empty());
        let triangle = [(0.0, 0.0, true), (40.0, 30.0, true), (0.0, 30.0, true)];
        assert!(rulings(&triangle, true, true, PAGE).is_empty());
    }

    #[test]
    fn stroked_pieces_are_rulings_when_straight_and_finite() {
        let path = [
            (0.0, 0.0, true),
            (100.0, 0.0, true),
            (150.0, 40.0, true),
            (150.0, 90.0, false),
            (f64::NAN, 90.0, true),
        ];
        assert_eq!(
            rulings(&path, false, false, PAGE),
            vec![Segment {
                x0: 0.0,
                y0: 0.0,
                x1: 100.0,
                y1: 0.0
            }]
        );
    }
}

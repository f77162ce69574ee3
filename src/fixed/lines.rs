//! Glyphs outside tables as physical lines, laid out like `pdftotext -layout`: one line
//! per baseline, a column a character, so that aligned columns without rulings stay
//! aligned.

use super::{Glyph, Item};
use crate::layout::Text;

/// Groups glyphs into lines by baseline and writes each as a line item.
pub fn text_lines(glyphs: &[&Glyph]) -> Vec<Item> {
    let mut sorted: Vec<&Glyph> = glyphs
        .iter()
        .copied()
        .filter(|g| !g.text.trim().is_empty() || g.text == " ")
        .collect();
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    // Each line keeps its first baseline and smallest size: a glyph joins a recent line
    // whose baseline is within half its size (constant work per glyph).
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
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
            if text.as_str().trim().is_empty() {
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
/// column the next glyph stands at. Each glyph's text keeps where it was printed.
fn line_text(line: &[&Glyph], left: f64, unit: f64) -> Text {
    let mut out = Text::default();
    let mut col = 0usize;
    let mut prev: Option<&Glyph> = None;
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
        out.push_str(&" ".repeat(spaces), None);
        col += spaces;
        out.push_str(&g.text, Some(g.src()));
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
pub fn in_number(prev: &Glyph, next: &Glyph) -> bool {
    let last = prev.text.chars().next_back();
    let first = next.text.chars().next();
    last.is_some_and(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
        && first.is_some_and(|c| c.is_ascii_digit())
}

/// The middle value (the upper one of an even count) of the finite values; 0 when none.
pub fn median(it: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = it.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::super::draw::{self, glyph};
    use super::super::lay_out;
    use super::*;

    fn texts(items: Vec<Item>) -> Vec<String> {
        items
            .into_iter()
            .filter_map(|i| match i {
                Item::Line { text, .. } => Some(text.text),
                Item::Table { .. } => None,
            })
            .collect()
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
        let refs: Vec<&Glyph> = gs.iter().collect();
        let lines = texts(text_lines(&refs));
        assert_eq!(
            lines[0],
            format!("规章{}0{}5", " ".repeat(18), " ".repeat(11))
        );
        assert_eq!(lines[1], "    正文");
    }

    #[test]
    fn a_page_of_glyphs_gives_lines_top_to_bottom() {
        // Drawn out of order; one line's glyphs on baselines a little apart; a number's
        // digits a gap apart that is narrower than a space; a wide gap to the column its
        // glyph stands at (a character a column, two columns an em), then a word space.
        let glyphs = vec![
            glyph("二", 50.0, 40.0),
            glyph("第", 40.0, 40.3),
            glyph("1", 40.0, 20.0),
            glyph("2", 53.0, 20.0),
            glyph("件", 63.0, 20.0),
            glyph("A", 80.0, 40.0),
            glyph("B", 97.0, 40.0),
            glyph(" ", 90.0, 40.0),
        ];
        let page = draw::page(glyphs, Vec::new());
        let laid = lay_out(&page);
        assert_eq!(laid.height, 800.0);
        assert_eq!(
            texts(laid.items),
            vec!["12件".to_string(), format!("第二{}A B", " ".repeat(6))]
        );
    }

    #[test]
    fn median_takes_the_upper_middle_and_skips_what_is_not_finite() {
        assert_eq!(median([3.0, f64::NAN, 1.0, 2.0, 4.0].into_iter()), 3.0);
        assert_eq!(median(std::iter::empty()), 0.0);
    }
}

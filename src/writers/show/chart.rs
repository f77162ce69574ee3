//! Small inline SVG charts for the index: a report folder's reports per year in stacked
//! bars, an issuer's figures across years in lines. No script draws them: they are in the
//! page as written, with a `<title>` on every mark for its figures.

use std::fmt::Write;

use super::esc;

/// A series' colour and dash, by its place: told apart in print and by those who do not
/// see colours well.
const PENS: [(&str, &str); 6] = [
    ("#1f6fb4", ""),
    ("#2e9d48", "6 3"),
    ("#d2452c", "2 2"),
    ("#8a4fb5", "8 3 2 3"),
    ("#c98a00", "1 3"),
    ("#555555", "4 2"),
];

/// One line of a trend chart: its name, and per year its figure (None where no report of
/// that year gives it).
pub struct Series {
    pub name: &'static str,
    pub points: Vec<Option<u64>>,
}

fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Lines across `years` (ascending, consecutive or not), a dot on every known figure; a
/// year without a figure breaks the line.
pub fn trend(years: &[u16], series: &[Series], label: &str) -> String {
    let (w, h, left, bottom, top) = (300.0, 120.0, 34.0, 18.0, 8.0);
    let max = series
        .iter()
        .flat_map(|s| s.points.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    // Room on the right for the last year's label, centred on its point.
    let plot_w = w - left - 16.0;
    let plot_h = h - bottom - top;
    let x = |i: usize| {
        if years.len() < 2 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (years.len() - 1) as f64
        }
    };
    let y = |v: u64| top + plot_h * (1.0 - v as f64 / max as f64);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"trend\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">",
        esc(label)
    );
    let _ = write!(
        s,
        "<path d=\"M{l} {t}V{b}H{r}\" fill=\"none\" stroke=\"#999\" stroke-width=\"1\"/><text x=\"{tx}\" y=\"{ty}\" font-size=\"9\" text-anchor=\"end\">{max}</text><text x=\"{tx}\" y=\"{b}\" font-size=\"9\" text-anchor=\"end\">0</text>",
        l = num(left),
        t = num(top),
        b = num(top + plot_h),
        r = num(w - 4.0),
        tx = num(left - 3.0),
        ty = num(top + 8.0),
    );
    for (i, year) in years.iter().enumerate() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\">{year}</text>",
            num(x(i)),
            num(h - 4.0)
        );
    }
    for (k, series) in series.iter().enumerate() {
        let (colour, dash) = PENS[k % PENS.len()];
        let mut d = String::new();
        let mut pen_down = false;
        for (i, p) in series.points.iter().enumerate() {
            match p {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{} {}",
                        if pen_down { "L" } else { "M" },
                        num(x(i)),
                        num(y(*v))
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{dash}\"")
        };
        let _ = write!(
            s,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\"{dash}/>"
        );
        for (i, p) in series.points.iter().enumerate() {
            if let Some(v) = p {
                let _ = write!(
                    s,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{colour}\"><title>{} 年 {}：{v}</title></circle>",
                    num(x(i)),
                    num(y(*v)),
                    years[i],
                    series.name
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

/// The legend of a chart's series, in HTML below it.
pub fn legend(names: &[&str]) -> String {
    let mut s = String::from("<div class=\"legend\">");
    for (k, name) in names.iter().enumerate() {
        let (colour, _) = PENS[k % PENS.len()];
        let _ = write!(
            s,
            "<span><i style=\"background:{colour}\"></i>{}</span>",
            esc(name)
        );
    }
    s.push_str("</div>");
    s
}

/// Bars per column (a year), each split into the parts' counts, stacked in the parts'
/// order.
pub fn stacked(columns: &[String], parts: &[&str], counts: &[Vec<usize>], label: &str) -> String {
    let bar = 28.0;
    let gap = 12.0;
    let (h, bottom, top, left) = (140.0, 18.0, 12.0, 30.0);
    let w = left + columns.len() as f64 * (bar + gap) + gap;
    let max = counts
        .iter()
        .map(|c| c.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_h = h - bottom - top;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"bars\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">",
        esc(label),
        w = num(w),
    );
    let _ = write!(
        s,
        "<path d=\"M{l} {t}V{b}H{r}\" fill=\"none\" stroke=\"#999\" stroke-width=\"1\"/><text x=\"{tx}\" y=\"{ty}\" font-size=\"9\" text-anchor=\"end\">{max}</text>",
        l = num(left),
        t = num(top),
        b = num(top + plot_h),
        r = num(w),
        tx = num(left - 3.0),
        ty = num(top + 8.0),
    );
    for (i, (column, c)) in columns.iter().zip(counts).enumerate() {
        let x0 = left + gap + i as f64 * (bar + gap);
        let mut base = 0usize;
        for (k, n) in c.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let (colour, _) = PENS[k % PENS.len()];
            let y1 = top + plot_h * (1.0 - base as f64 / max as f64);
            let y0 = top + plot_h * (1.0 - (base + n) as f64 / max as f64);
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{bar}\" height=\"{}\" fill=\"{colour}\"><title>{}：{}，{n} 份</title></rect>",
                num(x0),
                num(y0),
                num(y1 - y0),
                esc(column),
                esc(parts[k])
            );
            base += n;
        }
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\">{base}</text>",
            num(x0 + bar / 2.0),
            num(h - 4.0),
            esc(column),
            num(x0 + bar / 2.0),
            num(top + plot_h * (1.0 - base as f64 / max as f64) - 2.0),
        );
    }
    s.push_str("</svg>");
    s
}

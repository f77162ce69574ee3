//! What the original printed around a cell, for its source panel: the lines of a text
//! with the value marked, or the region of a page drawn as inline SVG from its positioned
//! glyphs and rulings with the value's box highlighted (no rasteriser, no image).
//!
//! The XML keeps only where a value was printed (`src`); what surrounds it is read again
//! from the original, which `show` has when it is given the original or finds it beside
//! the XML with the SHA-256 the XML records — the drawing is then of those very bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::fixed;
use crate::model::{Cell, CellContent, Rect, Report, Src, Table};
use crate::Limits;

use super::esc;

/// The original as the panels show it: what its cells' places (`src`) point into.
#[derive(Default)]
pub struct Printed {
    /// The lines of the decoded text (`L12` counts them).
    lines: Vec<String>,
    /// HTML: a line's tags are taken out to show it.
    markup: bool,
    /// The text of each table element's cell: (table, row, cell), 1-based as `T3R5C2`.
    elements: BTreeMap<(u32, u32, u32), String>,
    /// The pages cells were read from, by number: glyphs and rulings.
    pages: BTreeMap<u32, fixed::Page>,
}

/// Lines are shown around a value at most this many characters wide.
const WIDE: usize = 160;

impl Printed {
    /// What the original `bytes` of `report` printed where its cells were read: the
    /// lines of a text or HTML page, the table elements of an HTML page, DOCX or ODT, the
    /// pages of a PDF or OFD. None for an original that cannot be read again.
    pub fn read(bytes: &[u8], report: &Report, limits: &Limits) -> Option<Printed> {
        let srcs: Vec<Src> = cells(report).filter_map(|c| c.src).collect();
        let pages: BTreeSet<u32> = srcs
            .iter()
            .filter_map(|s| match s {
                Src::Area { page, .. } => Some(*page),
                _ => None,
            })
            .collect();
        let elements = srcs.iter().any(|s| matches!(s, Src::Element { .. }));
        let mut p = Printed::default();
        match report.meta.source.media_type.as_str() {
            media @ ("text/plain" | "text/html") => {
                let text = crate::input::decode(bytes, None).ok()?.text;
                p.markup = media == "text/html";
                if p.markup && elements {
                    p.elements = html_elements(&text);
                }
                p.lines = lines_of(&text).map(str::to_string).collect();
            }
            "application/pdf" => {
                p.pages =
                    crate::readers::pdf::pages(bytes, limits.max_pdf_stream_bytes, &pages).ok()?;
            }
            "application/ofd" => {
                let doc = crate::readers::ofd::read(bytes).ok()?;
                p.pages = doc
                    .pages
                    .into_iter()
                    .zip(1u32..)
                    .filter(|(_, n)| pages.contains(n))
                    .map(|(page, n)| {
                        let page = fixed::Page {
                            width: page.width,
                            height: page.height,
                            glyphs: page.glyphs.into_iter().map(|g| g.glyph).collect(),
                            segments: page.rulings,
                        };
                        (n, page)
                    })
                    .collect();
            }
            media => {
                let (part, names, text_in): (&str, [&[&[u8]]; 3], &[u8]) = match media {
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                        ("word/document.xml", [&[b"tbl"], &[b"tr"], &[b"tc"]], b"t")
                    }
                    "application/vnd.oasis.opendocument.text" => (
                        "content.xml",
                        [
                            &[b"table"],
                            &[b"table-row"],
                            &[b"table-cell", b"covered-table-cell"],
                        ],
                        b"p",
                    ),
                    _ => return None,
                };
                let xml = crate::readers::office::Package::open(bytes)
                    .ok()?
                    .read(part)
                    .ok()??;
                p.elements = office_elements(&xml, names, text_in);
            }
        }
        Some(p)
    }

    /// The drawings of the pages, written once (the panels' SVGs `<use>` them).
    pub fn defs(&self, h: &mut String) {
        if self.pages.is_empty() {
            return;
        }
        h.push_str("<svg class=\"pages\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>\n");
        for (n, page) in &self.pages {
            draw_page(h, *n, page);
        }
        h.push_str("</defs></svg>\n");
    }

    /// What the original shows at a cell's place (HTML), if it can be shown.
    pub fn excerpt(&self, cell: &Cell, src: Src) -> Option<String> {
        match src {
            Src::Lines { first, last } if !self.lines.is_empty() => {
                Some(lines_excerpt(&self.lines, self.markup, first, last, cell))
            }
            Src::Element { table, row, cell } => self.element_row(table, row, cell),
            Src::Area { page, area } => self.pages.get(&page).map(|p| region(p, page, area)),
            Src::Lines { .. } => None,
        }
    }

    /// The row of table elements a cell was read from, its cell highlighted.
    fn element_row(&self, table: u32, row: u32, at: u32) -> Option<String> {
        self.elements.get(&(table, row, at))?;
        let mut out = String::from("<table class=\"row\"><tr>");
        for (n, text) in self
            .elements
            .range((table, row, 1)..=(table, row, u32::MAX))
            .map(|((_, _, n), text)| (n, text))
        {
            let text = crate::text::normalise::collapsed(text);
            let _ = write!(
                out,
                "<td{}>{}</td>",
                if *n == at { " class=\"hit\"" } else { "" },
                esc(&cut(&text, 30, false))
            );
        }
        out.push_str("</tr></table>");
        Some(out)
    }
}

/// Each HTML `<table>` in document order (nested ones counted), its row elements (in the
/// table or its row groups), their `td`/`th` elements, 1-based, with their text: how
/// `T3R5C2` counts them.
fn html_elements(html: &str) -> BTreeMap<(u32, u32, u32), String> {
    let doc = scraper::Html::parse_document(html);
    let mut out = BTreeMap::new();
    let Ok(tables) = scraper::Selector::parse("table") else {
        return out;
    };
    let named = |e: &scraper::ElementRef<'_>, names: &[&str]| names.contains(&e.value().name());
    for (table, t) in doc.select(&tables).zip(1u32..) {
        let rows: Vec<scraper::ElementRef<'_>> = table
            .child_elements()
            .flat_map(|c| {
                if named(&c, &["thead", "tbody", "tfoot"]) {
                    c.child_elements().filter(|r| named(r, &["tr"])).collect()
                } else if named(&c, &["tr"]) {
                    vec![c]
                } else {
                    Vec::new()
                }
            })
            .collect();
        for (row, r) in rows.iter().zip(1u32..) {
            for (cell, c) in row
                .child_elements()
                .filter(|c| named(c, &["td", "th"]))
                .zip(1u32..)
            {
                out.insert((t, r, c), cell.text().collect::<String>());
            }
        }
    }
    out
}

/// The table, row and cell elements of an office part (`tbl`/`tr`/`tc` for DOCX,
/// `table`/`table-row`/`table-cell` and `covered-table-cell` for ODT), counted as
/// `T3R5C2` counts them, with the text of each cell (a nested table's text is its
/// cell's too). A part that stops parsing gives what was counted before.
fn office_elements(
    xml: &[u8],
    names: [&[&[u8]]; 3],
    text_in: &[u8],
) -> BTreeMap<(u32, u32, u32), String> {
    use quick_xml::events::Event;
    let local = |n: &[u8]| -> Vec<u8> { n.rsplit(|&b| b == b':').next().unwrap_or(n).to_vec() };
    let [tables, rows, cells] = names;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out: BTreeMap<(u32, u32, u32), String> = BTreeMap::new();
    // Open tables: (number, rows so far, cells so far in the row); open cells; texts.
    let mut open: Vec<(u32, u32, u32)> = Vec::new();
    let mut open_cells: Vec<(u32, u32, u32)> = Vec::new();
    let mut count = 0u32;
    let mut in_text = 0usize;
    while let Ok(event) = reader.read_event_into(&mut buf) {
        match event {
            Event::Start(e) => {
                let name = local(e.name().as_ref());
                if tables.contains(&name.as_slice()) {
                    count += 1;
                    open.push((count, 0, 0));
                } else if rows.contains(&name.as_slice()) {
                    if let Some(t) = open.last_mut() {
                        t.1 += 1;
                        t.2 = 0;
                    }
                } else if cells.contains(&name.as_slice()) {
                    if let Some(t) = open.last_mut() {
                        t.2 += 1;
                        open_cells.push(*t);
                        out.entry(*t).or_default();
                    }
                } else if name == text_in {
                    in_text += 1;
                }
            }
            Event::Empty(e) => {
                let name = local(e.name().as_ref());
                if cells.contains(&name.as_slice()) {
                    if let Some(t) = open.last_mut() {
                        t.2 += 1;
                        out.entry(*t).or_default();
                    }
                }
            }
            Event::End(e) => {
                let name = local(e.name().as_ref());
                if tables.contains(&name.as_slice()) {
                    open.pop();
                } else if cells.contains(&name.as_slice()) {
                    open_cells.pop();
                } else if name == text_in {
                    in_text = in_text.saturating_sub(1);
                }
            }
            Event::Text(t) if in_text > 0 => {
                let text = t.unescape().map(|t| t.into_owned()).unwrap_or_default();
                for cell in &open_cells {
                    out.entry(*cell).or_default().push_str(&text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

fn cells(report: &Report) -> impl Iterator<Item = &Cell> {
    report.tables.iter().flat_map(|t| match t {
        Table::Standard(t) => t.rows.iter().flat_map(|r| &r.cells).collect::<Vec<_>>(),
        Table::Generic(_) => Vec::new(),
    })
}

/// The lines of a text: `\r\n`, `\n` and `\r` each end one (canonical-xml.md § Provenance).
fn lines_of(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let s = rest?;
        match s.find(['\r', '\n']) {
            Some(i) => {
                let skip = if s[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&s[i + skip..]);
                Some(&s[..i])
            }
            None => {
                rest = None;
                Some(s)
            }
        }
    })
}

/// A line of HTML as read: its tags out, its common entities decoded.
fn without_markup(line: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in line.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The value's lines with a line of context either side, numbered; in them the printed
/// text is marked where it stands once (a `0` among a row of zeros is not marked: the
/// lines do not tell which it is). An ambiguous cell marks the run of digits its longest
/// reading lies in, the printed text behind it.
fn lines_excerpt(lines: &[String], markup: bool, first: u32, last: u32, cell: &Cell) -> String {
    let at = |n: u32| -> Option<String> {
        let line = lines.get((n as usize).checked_sub(1)?)?;
        Some(if markup {
            without_markup(line)
        } else {
            line.clone()
        })
    };
    // The XML's range may run past the text (a crafted `L2-4294967295`): only the lines
    // there are can be shown.
    let last = last.min(u32::try_from(lines.len()).unwrap_or(u32::MAX));
    let hit: Vec<(u32, String)> = (first..=last)
        .filter_map(|n| at(n).map(|l| (n, l)))
        .collect();
    let mark = placed(&hit, cell);
    let mut out = String::from("<pre class=\"lines\">");
    let context = |out: &mut String, n: u32| {
        if let Some(l) = at(n) {
            let _ = writeln!(out, "<span class=\"n\">{n:>5} </span>{}", esc(&head(&l)));
        }
    };
    context(&mut out, first.saturating_sub(1));
    for (n, line) in &hit {
        let here = mark
            .as_ref()
            .filter(|(k, _)| k == n)
            .map(|(_, r)| r.clone());
        let shown = match here {
            Some(r) => {
                let (a, b, c) = (&line[..r.start], &line[r.clone()], &line[r.end..]);
                format!("{}<mark>{}</mark>{}", esc(&tail(a)), esc(b), esc(&head(c)))
            }
            None => esc(&head(line)),
        };
        let _ = writeln!(
            out,
            "<span class=\"hit\"><span class=\"n\">{n:>5} </span>{shown}</span>"
        );
    }
    context(&mut out, last.saturating_add(1));
    out.push_str("</pre>");
    out
}

/// Where in the lines the cell's printed text stands, when it stands there once: the line
/// and the byte range.
fn placed(hit: &[(u32, String)], cell: &Cell) -> Option<(u32, std::ops::Range<usize>)> {
    let needle = match &cell.content {
        CellContent::Ambiguous(c) => c.iter().max_by_key(|v| v.len())?.as_str(),
        _ => cell.raw.as_deref().or(cell.value())?,
    };
    if needle.is_empty() {
        return None;
    }
    let ambiguous = matches!(cell.content, CellContent::Ambiguous(_));
    let number_char = |c: char| c.is_ascii_digit() || c == '.' || c == ',';
    let mut found = Vec::new();
    for (n, line) in hit {
        for (i, _) in line.match_indices(needle) {
            let end = i + needle.len();
            // The number the needle stands in: the run of digits around it.
            let start = line[..i]
                .char_indices()
                .rev()
                .take_while(|(_, c)| number_char(*c))
                .last()
                .map_or(i, |(k, _)| k);
            let stop = line[end..]
                .char_indices()
                .take_while(|(_, c)| number_char(*c))
                .last()
                .map_or(end, |(k, c)| end + k + c.len_utf8());
            let whole = start == i && stop == end;
            if whole || ambiguous {
                found.push((*n, if whole { i..end } else { start..stop }));
            }
        }
    }
    found.dedup();
    match found.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// At most half of [`WIDE`] characters from the start, `…` if cut.
fn head(s: &str) -> String {
    cut(s, WIDE / 2, false)
}

/// At most half of [`WIDE`] characters up to the end, `…` if cut.
fn tail(s: &str) -> String {
    cut(s, WIDE / 2, true)
}

fn cut(s: &str, keep: usize, from_end: bool) -> String {
    let n = s.chars().count();
    if n <= keep {
        return s.to_string();
    }
    if from_end {
        format!("…{}", s.chars().skip(n - keep).collect::<String>())
    } else {
        format!("{}…", s.chars().take(keep).collect::<String>())
    }
}

fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Glyphs on one baseline in one size: its y, the size, each character at its x.
type Run = (f64, f64, Vec<(f64, char)>);

/// A page's glyphs and rulings as an SVG group, `page-N`, in the page's points (origin
/// top-left, y down, as `src` boxes are). Glyphs on one baseline in one size are one
/// `<text>`, each character placed at its own x.
fn draw_page(h: &mut String, n: u32, page: &fixed::Page) {
    let _ = write!(
        h,
        "<g id=\"page-{n}\"><rect width=\"{}\" height=\"{}\" fill=\"#fff\"/>",
        num(page.width),
        num(page.height)
    );
    if !page.segments.is_empty() {
        h.push_str("<path fill=\"none\" stroke=\"#444\" stroke-width=\"0.6\" d=\"");
        for s in &page.segments {
            let _ = write!(
                h,
                "M{} {}L{} {}",
                num(s.x0),
                num(s.y0),
                num(s.x1),
                num(s.y1)
            );
        }
        h.push_str("\"/>");
    }
    let mut runs: Vec<Run> = Vec::new();
    for g in &page.glyphs {
        let (x0, _, x1, bottom) = g.shown;
        let (x0, x1, y, size) = if g.upright() {
            (g.x0, g.x1, g.y, g.size)
        } else {
            // Turned or unknown writing: upright in its box, on the box's bottom.
            (x0, x1, bottom - 0.15 * g.size, g.size)
        };
        let chars: Vec<char> = g.text.chars().filter(|c| !c.is_control()).collect();
        // A size that is no positive number (NaN too) draws nothing.
        if chars.is_empty() || size.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            continue;
        }
        let step = (x1 - x0) / chars.len() as f64;
        let placed = chars
            .iter()
            .enumerate()
            .map(|(i, c)| (x0 + step * i as f64, *c));
        match runs.last_mut() {
            Some((ry, rs, run)) if (*ry - y).abs() < 0.05 && (*rs - size).abs() < 0.05 => {
                run.extend(placed)
            }
            _ => runs.push((y, size, placed.collect())),
        }
    }
    for (y, size, run) in runs {
        let xs: Vec<String> = run.iter().map(|(x, _)| num(*x)).collect();
        let text: String = run.iter().map(|(_, c)| *c).collect();
        let _ = write!(
            h,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\">{}</text>",
            xs.join(" "),
            num(y),
            num(size),
            esc(&text)
        );
    }
    h.push_str("</g>\n");
}

/// The band of the page around a value's box (its full width, some lines above for the
/// column headings and below), the page drawn once elsewhere and used here, the box
/// highlighted.
fn region(page: &fixed::Page, n: u32, area: Rect) -> String {
    let tenth = |v: i32| f64::from(v) / 10.0;
    let (x0, y0, x1, y1) = (
        tenth(area.x0),
        tenth(area.y0),
        tenth(area.x1),
        tenth(area.y1),
    );
    let top = (y0 - 70.0).max(0.0);
    let bottom = (y1 + 40.0).min(page.height.max(y1));
    let width = page.width.max(x1);
    let height = bottom - top;
    format!(
        "<svg class=\"region\" viewBox=\"0 {} {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"原件第 {n} 页\"><use href=\"#page-{n}\"/><rect class=\"box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></svg>",
        num(top),
        num(width),
        num(height),
        num(width * 1.3),
        num(height * 1.3),
        num(x0 - 1.5),
        num(y0 - 1.5),
        num(x1 - x0 + 3.0),
        num(y1 - y0 + 3.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(content: CellContent) -> Cell {
        Cell::new("c", content)
    }

    #[test]
    fn table_elements_are_counted_as_src_counts_them() {
        let html = "<table><tr><td>a</td></tr></table><table><tbody><tr><td>x</td><td><table><tr><td>n</td></tr></table></td></tr><tr><th>规章</th><td>12</td></tr></tbody></table>";
        let p = Printed {
            elements: html_elements(html),
            ..Printed::default()
        };
        assert_eq!(p.elements.get(&(3, 1, 1)).map(String::as_str), Some("n"));
        assert_eq!(
            p.element_row(2, 2, 2).as_deref(),
            Some("<table class=\"row\"><tr><td>规章</td><td class=\"hit\">12</td></tr></table>")
        );
        assert_eq!(p.element_row(2, 3, 1), None);
        let docx = r#"<w:document xmlns:w="w"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>规章</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1</w:t><w:t>2</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"#;
        let cells = office_elements(docx.as_bytes(), [&[b"tbl"], &[b"tr"], &[b"tc"]], b"t");
        assert_eq!(cells.get(&(1, 1, 2)).map(String::as_str), Some("12"));
    }

    #[test]
    fn lines_end_at_each_kind_of_break() {
        let lines: Vec<&str> = lines_of("a\r\nb\rc\nd").collect();
        assert_eq!(lines, ["a", "b", "c", "d"]);
    }

    #[test]
    fn a_value_is_marked_only_where_it_stands_once() {
        let hit = |s: &str| vec![(7, s.to_string())];
        let v = |s: &str| cell(CellContent::Value(s.into()));
        assert_eq!(
            placed(&hit("规章 | 12 | 0 | 0"), &v("12")),
            Some((7, 9..11))
        );
        assert_eq!(placed(&hit("规章 | 0 | 0 | 0"), &v("0")), None);
        // Inside a longer number it is not the value.
        assert_eq!(placed(&hit("规章 120"), &v("12")), None);
        // An ambiguous cell: the glued run its longest reading lies in.
        let glued = "规范性文件898989第二十条";
        let at = placed(
            &hit(glued),
            &cell(CellContent::Ambiguous(vec!["8".into(), "8989".into()])),
        )
        .unwrap();
        assert_eq!(&glued[at.1], "898989");
    }

    #[test]
    fn long_lines_are_cut_around_the_mark() {
        let long = format!("{}规范性文件898989{}", "甲".repeat(300), "乙".repeat(300));
        let lines = vec!["前".to_string(), long];
        let html = lines_excerpt(
            &lines,
            false,
            2,
            2,
            &cell(CellContent::Ambiguous(vec!["8989".into()])),
        );
        assert!(html.contains("<mark>898989</mark>"), "{html}");
        assert!(
            html.contains("<span class=\"n\">    1 </span>前\n"),
            "{html}"
        );
        assert!(html.chars().count() < 400, "{html}");
    }

    #[test]
    fn a_range_past_the_text_shows_the_lines_there_are() {
        let lines: Vec<String> = ["前", "规章 | 12", "后"].map(String::from).into();
        let html = lines_excerpt(
            &lines,
            false,
            2,
            u32::MAX,
            &cell(CellContent::Value("12".into())),
        );
        assert!(html.contains("<mark>12</mark>"), "{html}");
        assert!(html.contains("<span class=\"n\">    3 </span>后"), "{html}");
        assert!(
            html.contains("<span class=\"n\">    1 </span>前\n"),
            "{html}"
        );
    }
}

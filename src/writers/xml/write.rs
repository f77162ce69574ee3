//! Writes the canonical XML. One writer fixes element order, attribute order, escaping and
//! indentation, so the same model always gives the same bytes.

use std::borrow::Cow;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::model::{Cell, CellContent, GenericTable, Report, StandardTable, Table};
use crate::writers::xml::NAMESPACE;

/// The report as canonical XML bytes.
pub fn to_bytes(report: &Report) -> Vec<u8> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    let _ = write(&mut w, report);
    let mut out = w.into_inner();
    out.push(b'\n');
    out
}

type W = Writer<Vec<u8>>;
type R = std::io::Result<()>;

fn write(w: &mut W, report: &Report) -> R {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    open(w, "report", &[("xmlns", NAMESPACE)])?;

    let meta = &report.meta;
    open(w, "meta", &[])?;
    if let Some(t) = &meta.title {
        text_element(w, "title", &[], t)?;
    }
    if let Some(i) = &meta.issuer {
        text_element(w, "issuer", &[], i)?;
    }
    if let Some(y) = meta.year {
        text_element(w, "year", &[], &y.to_string())?;
    }
    if let Some(p) = &meta.published {
        text_element(w, "published", &[], p)?;
    }
    text_element(w, "template", &[], meta.template_name())?;
    let bytes = meta.source.bytes.to_string();
    empty(
        w,
        "source",
        &[
            ("name", &meta.source.name),
            ("media-type", &meta.source.media_type),
            ("bytes", &bytes),
            ("sha256", &meta.source.sha256),
        ],
    )?;
    close(w, "meta")?;

    for s in &report.sections {
        let mut attrs = vec![("id", s.id.as_str())];
        if let Some(h) = &s.heading {
            attrs.push(("heading", h));
        }
        if s.paragraphs.is_empty() {
            empty(w, "section", &attrs)?;
        } else {
            open(w, "section", &attrs)?;
            for p in &s.paragraphs {
                text_element(w, "p", &[], p)?;
            }
            close(w, "section")?;
        }
    }

    for t in &report.tables {
        match t {
            Table::Standard(t) => standard_table(w, t)?,
            Table::Generic(t) => generic_table(w, t)?,
        }
    }

    if report.checks.is_empty() {
        empty(w, "checks", &[])?;
    } else {
        open(w, "checks", &[])?;
        for c in &report.checks {
            let subject = c.subject.to_string();
            let mut attrs = vec![
                ("rule", c.rule.as_str()),
                ("subject", &subject),
                ("result", c.result.as_str()),
            ];
            if let Some(e) = &c.expected {
                attrs.push(("expected", e));
            }
            if let Some(a) = &c.actual {
                attrs.push(("actual", a));
            }
            empty(w, "check", &attrs)?;
        }
        close(w, "checks")?;
    }

    if report.diagnostics.is_empty() {
        empty(w, "diagnostics", &[])?;
    } else {
        open(w, "diagnostics", &[])?;
        for d in &report.diagnostics {
            text_element(
                w,
                "diagnostic",
                &[
                    ("level", d.level.as_str()),
                    ("code", &d.code),
                    ("where", &d.location.to_string()),
                ],
                &d.message,
            )?;
        }
        close(w, "diagnostics")?;
    }
    close(w, "report")
}

fn standard_table(w: &mut W, t: &StandardTable) -> R {
    open(w, "table", &[("id", &t.id)])?;
    for row in &t.rows {
        open(w, "row", &[("id", &row.id)])?;
        for cell in &row.cells {
            write_cell(w, cell)?;
        }
        close(w, "row")?;
    }
    close(w, "table")
}

fn write_cell(w: &mut W, cell: &Cell) -> R {
    let mut attrs = vec![("col", cell.col.as_str())];
    let candidates;
    if let Some(status) = cell.content.status() {
        attrs.push(("status", status));
    }
    if let CellContent::Ambiguous(c) = &cell.content {
        candidates = c.join(" ");
        attrs.push(("candidates", &candidates));
    }
    if let Some(u) = &cell.unit {
        attrs.push(("unit", u));
    }
    if let Some(r) = &cell.raw {
        attrs.push(("raw", r));
    }
    let (src, confidence);
    if let Some(s) = cell.src {
        src = s.to_string();
        attrs.push(("src", &src));
    }
    if let Some(v) = cell.via {
        attrs.push(("via", v.as_str()));
    }
    if let Some(c) = cell.confidence {
        confidence = c.to_string();
        attrs.push(("confidence", &confidence));
    }
    match &cell.content {
        CellContent::Value(v) => text_element(w, "cell", &attrs, v),
        _ => empty(w, "cell", &attrs),
    }
}

fn generic_table(w: &mut W, t: &GenericTable) -> R {
    let mut attrs = vec![("id", t.id.as_str()), ("kind", "generic")];
    if let Some(c) = &t.caption {
        attrs.push(("caption", c));
    }
    open(w, "table", &attrs)?;
    for row in &t.rows {
        if row.is_empty() {
            empty(w, "tr", &[])?;
            continue;
        }
        open(w, "tr", &[])?;
        for cell in row {
            let rs = cell.row_span.to_string();
            let cs = cell.col_span.to_string();
            let attrs = [("rowspan", rs.as_str()), ("colspan", cs.as_str())];
            if cell.text.is_empty() {
                empty(w, "td", &attrs)?;
            } else {
                text_element(w, "td", &attrs, &cell.text)?;
            }
        }
        close(w, "tr")?;
    }
    close(w, "table")
}

/// Characters XML 1.0 cannot carry become U+FFFD; carriage returns become line feeds (a
/// parser would fold them anyway, and bytes must survive a round trip).
fn clean_text(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| xml_char(c) && c != '\r') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.replace("\r\n", "\n")
            .chars()
            .map(|c| match c {
                '\r' => '\n',
                c if xml_char(c) => c,
                _ => '\u{FFFD}',
            })
            .collect(),
    )
}

/// Attribute values: also no tabs or line breaks (a parser turns them into spaces).
fn clean_attr(s: &str) -> Cow<'_, str> {
    if !s.contains(['\t', '\n', '\r']) {
        return clean_text(s);
    }
    Cow::Owned(
        clean_text(s)
            .chars()
            .map(|c| if matches!(c, '\t' | '\n') { ' ' } else { c })
            .collect(),
    )
}

fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn start<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
    let mut e = BytesStart::new(name);
    for (k, v) in attrs {
        e.push_attribute((*k, clean_attr(v).as_ref()));
    }
    e
}

fn open(w: &mut W, name: &str, attrs: &[(&str, &str)]) -> R {
    w.write_event(Event::Start(start(name, attrs)))
}

fn close(w: &mut W, name: &str) -> R {
    w.write_event(Event::End(BytesEnd::new(name)))
}

fn empty(w: &mut W, name: &str, attrs: &[(&str, &str)]) -> R {
    w.write_event(Event::Empty(start(name, attrs)))
}

/// How much text is escaped at a time.
const ESCAPE_PIECE_BYTES: usize = 64 * 1024;

fn text_element(w: &mut W, name: &str, attrs: &[(&str, &str)], text: &str) -> R {
    w.write_event(Event::Start(start(name, attrs)))?;
    let text = clean_text(text);
    // Text escapes only what it must (<, >, &): quotes stay readable. It is escaped a piece
    // at a time (the same bytes: each character escapes alone): escaped whole, a paragraph
    // of 64 MiB of `&` would be a second copy of 320 MiB beside the output.
    let mut rest = text.as_ref();
    loop {
        let mut cut = rest.len().min(ESCAPE_PIECE_BYTES);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let (piece, after) = rest.split_at(cut);
        w.write_event(Event::Text(BytesText::from_escaped(
            quick_xml::escape::partial_escape(piece),
        )))?;
        rest = after;
        if rest.is_empty() {
            break;
        }
    }
    w.write_event(Event::End(BytesEnd::new(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_escaped_in_pieces_to_the_same_bytes() {
        // Pieces end at character boundaries, and `&` falls on both sides of them.
        let text = "规&<".repeat(3 * ESCAPE_PIECE_BYTES / 5);
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        text_element(&mut w, "p", &[], &text).unwrap();
        let whole = format!("<p>{}</p>", quick_xml::escape::partial_escape(&text));
        assert_eq!(String::from_utf8(w.into_inner()).unwrap(), whole);
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        text_element(&mut w, "p", &[], "").unwrap();
        assert_eq!(w.into_inner(), b"<p></p>");
    }

    /// Where each cell was read, and how (OCR with its confidence), is written and read
    /// back to the same model and the same bytes.
    #[test]
    fn sources_and_ocr_readings_round_trip() {
        use crate::model::{Confidence, Meta, Rect, Row, Source, Src, Table, Via};
        let mut ocr = Cell::new("t4.col.review.total", CellContent::Value("12".into()));
        ocr.src = Some(Src::Area {
            page: 3,
            area: Rect::outward(71.5, 340.0, 118.2, 352.4),
        });
        ocr.via = Some(Via::Ocr);
        ocr.confidence = Some(Confidence::from_fraction(0.9));
        let mut blank = Cell::new("t4.col.review.upheld", CellContent::Blank);
        blank.src = Some(Src::Element {
            table: 2,
            row: 4,
            cell: 1,
        });
        let mut ambiguous = Cell::new(
            "t4.col.review.corrected",
            CellContent::Ambiguous(vec!["3".into(), "30".into()]),
        );
        ambiguous.src = Some(Src::Lines { first: 7, last: 8 });
        let report = Report {
            meta: Meta {
                title: None,
                issuer: None,
                year: None,
                published: None,
                template: Some("v2019".into()),
                source: Source {
                    name: "scan.png".into(),
                    media_type: "image/png".into(),
                    bytes: 1,
                    sha256: "0".repeat(64),
                },
            },
            sections: Vec::new(),
            tables: vec![Table::Standard(StandardTable {
                id: "t4".into(),
                rows: vec![Row {
                    id: "t4.row.cases".into(),
                    cells: vec![
                        ocr,
                        blank,
                        ambiguous,
                        Cell::new("t4.col.review.other", CellContent::Missing),
                    ],
                }],
            })],
            checks: Vec::new(),
            diagnostics: Vec::new(),
        };
        let bytes = to_bytes(&report);
        let text = String::from_utf8(bytes.clone()).unwrap();
        for written in [
            r#"<cell col="t4.col.review.total" src="p3 71.5 340.0 118.2 352.4" via="ocr" confidence="0.90">12</cell>"#,
            r#"<cell col="t4.col.review.upheld" status="blank" src="T2R4C1"/>"#,
            r#"<cell col="t4.col.review.corrected" status="ambiguous" candidates="3 30" src="L7-8"/>"#,
            r#"<cell col="t4.col.review.other" status="missing"/>"#,
        ] {
            assert!(text.contains(written), "{written}\n{text}");
        }
        let back = crate::writers::xml::from_bytes(&bytes).unwrap();
        assert_eq!(back, report);
        assert_eq!(to_bytes(&back), bytes);
        let bad = text.replace("T2R4C1", "T2R4C0");
        let err = crate::writers::xml::from_bytes(bad.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("\"T2R4C0\""), "{err}");
    }
}

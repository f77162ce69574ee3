//! Reads canonical XML back into the model (the archive and the exports work from it).
//! Strict: an unknown element, a DOCTYPE or another namespace is an error, not a guess.

use std::collections::HashSet;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::model::{
    Cell, CellContent, Check, CheckResult, Confidence, Diagnostic, GenericTable, GridCell, Level,
    Location, Meta, Report, Row, Section, Source, Src, StandardTable, Table, Via, NO_TEMPLATE,
};
use crate::writers::xml::NAMESPACE;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a canonical gongkai report: {message} (at byte {position})")]
pub struct XmlError {
    pub message: String,
    pub position: u64,
}

/// Parses canonical XML.
pub fn from_bytes(bytes: &[u8]) -> Result<Report, XmlError> {
    let mut p = Parser {
        reader: Reader::from_reader(bytes),
    };
    p.document()
}

struct Parser<'a> {
    reader: Reader<&'a [u8]>,
}

/// An element's name, attributes, and whether it is empty (`<x/>`).
type Element = (String, Vec<(String, String)>, bool);

/// One element: its name, attributes, and either text or children, as events come.
enum Next {
    Start(String, Vec<(String, String)>, bool),
    End,
    Text(String),
    Eof,
}

impl Parser<'_> {
    fn err<T>(&self, message: impl Into<String>) -> Result<T, XmlError> {
        Err(XmlError {
            message: message.into(),
            position: self.reader.buffer_position(),
        })
    }

    fn next(&mut self) -> Result<Next, XmlError> {
        loop {
            let ev = match self.reader.read_event() {
                Ok(ev) => ev,
                Err(e) => return self.err(e.to_string()),
            };
            return match ev {
                Event::Start(e) => {
                    let (n, a) = self.element(&e)?;
                    Ok(Next::Start(n, a, false))
                }
                Event::Empty(e) => {
                    let (n, a) = self.element(&e)?;
                    Ok(Next::Start(n, a, true))
                }
                Event::End(_) => Ok(Next::End),
                Event::Text(t) => match t.unescape() {
                    Ok(s) => Ok(Next::Text(s.into_owned())),
                    Err(e) => self.err(e.to_string()),
                },
                Event::CData(c) => Ok(Next::Text(String::from_utf8_lossy(&c).into_owned())),
                Event::DocType(_) => self.err("a DOCTYPE is not allowed"),
                Event::Eof => Ok(Next::Eof),
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => continue,
            };
        }
    }

    fn element(&self, e: &BytesStart) -> Result<(String, Vec<(String, String)>), XmlError> {
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        let mut attrs = Vec::new();
        for a in e.attributes() {
            let a = match a {
                Ok(a) => a,
                Err(err) => return self.err(err.to_string()),
            };
            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
            let value = match a.unescape_value() {
                Ok(v) => v.into_owned(),
                Err(err) => return self.err(err.to_string()),
            };
            attrs.push((key, value));
        }
        Ok((name, attrs))
    }

    /// The next child element, skipping whitespace; None at the parent's end.
    fn child(&mut self) -> Result<Option<Element>, XmlError> {
        loop {
            match self.next()? {
                Next::Start(n, a, empty) => return Ok(Some((n, a, empty))),
                Next::End => return Ok(None),
                Next::Text(t) if t.trim().is_empty() => continue,
                Next::Text(t) => {
                    return self.err(format!(
                        "unexpected text {:?}",
                        t.chars().take(40).collect::<String>()
                    ))
                }
                Next::Eof => return self.err("the document ends early"),
            }
        }
    }

    /// The text content of an element whose start was just read.
    fn text(&mut self, empty: bool) -> Result<String, XmlError> {
        if empty {
            return Ok(String::new());
        }
        let mut out = String::new();
        loop {
            match self.next()? {
                Next::Text(t) => out.push_str(&t),
                Next::End => return Ok(out),
                Next::Start(n, _, _) => return self.err(format!("<{n}> inside a text element")),
                Next::Eof => return self.err("the document ends early"),
            }
        }
    }

    fn document(&mut self) -> Result<Report, XmlError> {
        let root = loop {
            match self.next()? {
                Next::Start(n, a, e) => break (n, a, e),
                Next::Text(t) if t.trim().is_empty() => continue,
                Next::Eof => return self.err("no root element"),
                _ => return self.err("content before the root element"),
            }
        };
        let (name, attrs, empty) = root;
        if name != "report" || attr(&attrs, "xmlns") != Some(NAMESPACE) || empty {
            return self.err(format!("the root must be <report xmlns=\"{NAMESPACE}\">"));
        }
        let mut meta = None;
        let mut sections = Vec::new();
        let mut tables = Vec::new();
        let mut table_ids = HashSet::new();
        let mut checks = Vec::new();
        let mut diagnostics = Vec::new();
        while let Some((name, attrs, empty)) = self.child()? {
            match name.as_str() {
                "meta" if meta.is_none() && !empty => meta = Some(self.meta()?),
                "section" => {
                    let id = self.required(&attrs, "id")?;
                    let heading = attr(&attrs, "heading").map(str::to_string);
                    let mut paragraphs = Vec::new();
                    if !empty {
                        while let Some((n, _, e)) = self.child()? {
                            if n != "p" {
                                return self.err(format!("<{n}> inside <section>"));
                            }
                            paragraphs.push(self.text(e)?);
                        }
                    }
                    sections.push(Section {
                        id,
                        heading,
                        paragraphs,
                    });
                }
                "table" => {
                    let t = self.table(&attrs, empty)?;
                    let id = match &t {
                        Table::Standard(s) => &s.id,
                        Table::Generic(g) => &g.id,
                    };
                    if !table_ids.insert(id.clone()) {
                        return self.err(format!("table {id:?} appears twice"));
                    }
                    tables.push(t);
                }
                "checks" if !empty => {
                    while let Some((n, a, e)) = self.child()? {
                        if n != "check" || !e {
                            return self.err(format!("<{n}> inside <checks>"));
                        }
                        let result = self.required(&a, "result")?;
                        let Some(result) = CheckResult::parse(&result) else {
                            return self.err(format!("unknown check result {result:?}"));
                        };
                        checks.push(Check {
                            rule: self.required(&a, "rule")?,
                            // Resolved once the tables are read.
                            subject: Location::Other {
                                text: self.required(&a, "subject")?,
                            },
                            result,
                            expected: attr(&a, "expected").map(str::to_string),
                            actual: attr(&a, "actual").map(str::to_string),
                        });
                    }
                }
                "checks" => {}
                "diagnostics" if !empty => {
                    while let Some((n, a, e)) = self.child()? {
                        if n != "diagnostic" {
                            return self.err(format!("<{n}> inside <diagnostics>"));
                        }
                        let level = self.required(&a, "level")?;
                        let Some(level) = Level::parse(&level) else {
                            return self.err(format!("unknown level {level:?}"));
                        };
                        let code = self.required(&a, "code")?;
                        let location = Location::Other {
                            text: self.required(&a, "where")?,
                        };
                        let message = self.text(e)?;
                        diagnostics.push(Diagnostic {
                            level,
                            code,
                            location,
                            message,
                        });
                    }
                }
                "diagnostics" => {}
                other => return self.err(format!("unexpected <{other}>")),
            }
        }
        let Some(meta) = meta else {
            return self.err("no <meta>");
        };
        // Where checks and diagnostics point, by the ids of the tables read.
        let resolve = |l: &mut Location| *l = Location::read(&l.to_string(), &tables);
        checks.iter_mut().for_each(|c| resolve(&mut c.subject));
        diagnostics
            .iter_mut()
            .for_each(|d| resolve(&mut d.location));
        Ok(Report {
            meta,
            sections,
            tables,
            checks,
            diagnostics,
        })
    }

    fn meta(&mut self) -> Result<Meta, XmlError> {
        let (mut title, mut issuer, mut year, mut published) = (None, None, None, None);
        let mut template = None;
        let mut source = None;
        while let Some((name, attrs, empty)) = self.child()? {
            match name.as_str() {
                "title" => title = Some(self.text(empty)?),
                "issuer" => issuer = Some(self.text(empty)?),
                "year" => {
                    let y = self.text(empty)?;
                    match y.trim().parse() {
                        Ok(y) => year = Some(y),
                        Err(_) => return self.err(format!("year {y:?} is not a year")),
                    }
                }
                "published" => published = Some(self.text(empty)?),
                "template" => {
                    // Any template id the templates may define; `none` is no template.
                    let t = self.text(empty)?;
                    let id = t.trim();
                    if id.is_empty() || id.contains(char::is_whitespace) {
                        return self.err(format!("template {t:?} is no template id"));
                    }
                    template = Some((id != NO_TEMPLATE).then(|| id.to_string()));
                }
                "source" if empty => {
                    let bytes = self.required(&attrs, "bytes")?;
                    let Ok(bytes) = bytes.parse() else {
                        return self.err(format!("bytes {bytes:?} is not a count"));
                    };
                    // The schema's `[0-9a-f]{64}`: pages are named by its start, and
                    // originals are found by it.
                    let sha256 = self.required(&attrs, "sha256")?;
                    if sha256.len() != 64
                        || !sha256
                            .bytes()
                            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
                    {
                        return self.err(format!(
                            "sha256 {sha256:?} is not 64 lowercase hexadecimal digits"
                        ));
                    }
                    source = Some(Source {
                        name: self.required(&attrs, "name")?,
                        media_type: self.required(&attrs, "media-type")?,
                        bytes,
                        sha256,
                    });
                }
                other => return self.err(format!("unexpected <{other}> in <meta>")),
            }
        }
        match (template, source) {
            (Some(template), Some(source)) => Ok(Meta {
                title,
                issuer,
                year,
                published,
                template,
                source,
            }),
            _ => self.err("<meta> needs <template> and <source>"),
        }
    }

    fn table(&mut self, attrs: &[(String, String)], empty: bool) -> Result<Table, XmlError> {
        let id = self.required(attrs, "id")?;
        if attr(attrs, "kind") == Some("generic") {
            let mut t = GenericTable {
                id,
                caption: attr(attrs, "caption").map(str::to_string),
                rows: Vec::new(),
            };
            if !empty {
                while let Some((n, _, e)) = self.child()? {
                    if n != "tr" {
                        return self.err(format!("<{n}> inside a generic <table>"));
                    }
                    let mut row = Vec::new();
                    if !e {
                        while let Some((n, a, e)) = self.child()? {
                            if n != "td" {
                                return self.err(format!("<{n}> inside <tr>"));
                            }
                            let span =
                                |k: &str| attr(&a, k).and_then(|v| v.parse().ok()).unwrap_or(1);
                            let (row_span, col_span) = (span("rowspan"), span("colspan"));
                            row.push(GridCell {
                                text: self.text(e)?,
                                row_span,
                                col_span,
                            });
                        }
                    }
                    t.rows.push(row);
                }
            }
            return Ok(Table::Generic(t));
        }
        let mut t = StandardTable {
            id,
            rows: Vec::new(),
        };
        // A row or a cell given twice would be read (and exported) twice: which one holds
        // the value is not for a reader to guess.
        let mut row_ids = HashSet::new();
        if !empty {
            while let Some((n, a, e)) = self.child()? {
                if n != "row" {
                    return self.err(format!("<{n}> inside <table>"));
                }
                let mut row = Row {
                    id: self.required(&a, "id")?,
                    cells: Vec::new(),
                };
                if !row_ids.insert(row.id.clone()) {
                    return self.err(format!("row {:?} appears twice in table {}", row.id, t.id));
                }
                let mut cols = HashSet::new();
                if !e {
                    while let Some((n, a, e)) = self.child()? {
                        if n != "cell" {
                            return self.err(format!("<{n}> inside <row>"));
                        }
                        let cell = self.cell(&a, e)?;
                        if !cols.insert(cell.col.clone()) {
                            return self.err(format!(
                                "cell {:?} appears twice in row {}",
                                cell.col, row.id
                            ));
                        }
                        row.cells.push(cell);
                    }
                }
                t.rows.push(row);
            }
        }
        Ok(Table::Standard(t))
    }

    fn cell(&mut self, a: &[(String, String)], empty: bool) -> Result<Cell, XmlError> {
        let col = self.required(a, "col")?;
        let text = self.text(empty)?;
        let content = match attr(a, "status") {
            None => CellContent::Value(text),
            Some("blank") => CellContent::Blank,
            Some("missing") => CellContent::Missing,
            Some("ambiguous") => CellContent::Ambiguous(
                attr(a, "candidates")
                    .unwrap_or("")
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
            ),
            Some(other) => return self.err(format!("unknown cell status {other:?}")),
        };
        let src = match attr(a, "src") {
            None => None,
            Some(s) => match Src::parse(s) {
                Some(src) => Some(src),
                None => {
                    return self.err(format!(
                        "cell src {s:?} is not L…, T…R…C… or p… x0 y0 x1 y1"
                    ))
                }
            },
        };
        let via = match attr(a, "via") {
            None => None,
            Some(v) => match Via::parse(v) {
                Some(via) => Some(via),
                None => return self.err(format!("unknown cell via {v:?}")),
            },
        };
        let confidence = match attr(a, "confidence") {
            None => None,
            Some(c) => match Confidence::parse(c) {
                Some(c) => Some(c),
                None => return self.err(format!("cell confidence {c:?} is not 0.00 to 1.00")),
            },
        };
        Ok(Cell {
            col,
            content,
            unit: attr(a, "unit").map(str::to_string),
            raw: attr(a, "raw").map(str::to_string),
            src,
            via,
            confidence,
        })
    }

    fn required(&self, attrs: &[(String, String)], key: &str) -> Result<String, XmlError> {
        match attr(attrs, key) {
            Some(v) => Ok(v.to_string()),
            None => self.err(format!("attribute {key:?} missing")),
        }
    }
}

fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

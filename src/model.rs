//! The report model: what every reader ends in and every writer starts from.
//!
//! It mirrors the canonical XML (shared/spec/canonical-xml.md) one to one, so that writing
//! a model and reading it back gives the same model, and writing that again the same bytes.

use std::fmt;

/// One annual report, recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub meta: Meta,
    pub sections: Vec<Section>,
    pub tables: Vec<Table>,
    pub checks: Vec<Check>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub year: Option<u16>,
    /// When the page says the report was published (`YYYY-MM-DD`).
    pub published: Option<String>,
    /// The id of the template the report follows; none when no template matched.
    pub template: Option<String>,
    pub source: Source,
}

/// How `<template>` spells "no template matched".
pub const NO_TEMPLATE: &str = "none";

impl Meta {
    /// The template id as `<template>` writes it: an id of the template file, or `none`.
    pub fn template_name(&self) -> &str {
        self.template.as_deref().unwrap_or(NO_TEMPLATE)
    }
}

/// The exact input bytes the report was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// File name only, never a path (outputs must not depend on where a file lay).
    pub name: String,
    pub media_type: String,
    pub bytes: u64,
    /// SHA-256 of the input bytes, 64 lowercase hex digits.
    pub sha256: String,
}

/// The id of the text before the first section heading (title, preamble).
pub const PREAMBLE: &str = "sec.preamble";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// [`PREAMBLE`] or one of the template's section ids.
    pub id: String,
    /// The heading as printed; absent for the preamble.
    pub heading: Option<String>,
    pub paragraphs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Table {
    Standard(StandardTable),
    Generic(GenericTable),
}

/// t2, t3 or t4: one row per template data row, one cell per template column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardTable {
    pub id: String,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub col: String,
    pub content: CellContent,
    /// Unit printed with the value (`元`), if any.
    pub unit: Option<String>,
    /// The source's own text where it differs from the value.
    pub raw: Option<String>,
    /// Where in the input the cell was read; none for a missing cell.
    pub src: Option<Src>,
    /// How the cell was read, when not from the input's own text (OCR of a scan).
    pub via: Option<Via>,
    /// How sure the reading named by `via` is.
    pub confidence: Option<Confidence>,
}

impl Cell {
    pub fn new(col: &str, content: CellContent) -> Cell {
        Cell {
            col: col.to_string(),
            content,
            unit: None,
            raw: None,
            src: None,
            via: None,
            confidence: None,
        }
    }

    /// The value, when one was read.
    pub fn value(&self) -> Option<&str> {
        match &self.content {
            CellContent::Value(v) => Some(v),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellContent {
    /// A normalised decimal: `0`, `7730.28`, `-185`.
    Value(String),
    /// Printed empty, `-`, `—`, `/` or `无`.
    Blank,
    /// The input allows several values; they are listed.
    Ambiguous(Vec<String>),
    /// The source has no such cell, or it could not be read.
    Missing,
}

impl CellContent {
    pub fn status(&self) -> Option<&'static str> {
        match self {
            CellContent::Value(_) => None,
            CellContent::Blank => Some("blank"),
            CellContent::Ambiguous(_) => Some("ambiguous"),
            CellContent::Missing => Some("missing"),
        }
    }
}

/// Where in the input a cell was read (canonical-xml.md § Provenance), written as its
/// `src`: lines of text, a table element's cell, or a box on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Src {
    /// Lines of the decoded text, 1-based, `first <= last`: `L12`, `L12-14`.
    Lines { first: u32, last: u32 },
    /// A table element (HTML `<table>`, DOCX `w:tbl`, ODT `table:table`, nested ones
    /// counted in document order), its row element and the cell element of that row as
    /// written, all 1-based: `T3R5C2`.
    Element { table: u32, row: u32, cell: u32 },
    /// A box on a 1-based page of a fixed layout: `p2 71.5 340.0 118.2 352.4`.
    Area { page: u32, area: Rect },
}

/// A box in tenths of the page's unit (points; pixels for images), origin top-left, y
/// down: tenths, because `src` writes one decimal and a model read back must equal the one
/// written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Rect {
    /// The smallest box in tenths holding the given one: its edges rounded outwards.
    pub fn outward(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        // A coordinate already on a tenth (71.5 read as 71.49999…) stays on it.
        let down = |v: f64| (v * 10.0 + 1e-6).floor().clamp(-1e9, 1e9) as i32;
        let up = |v: f64| (v * 10.0 - 1e-6).ceil().clamp(-1e9, 1e9) as i32;
        Rect {
            x0: down(x0.min(x1)),
            y0: down(y0.min(y1)),
            x1: up(x0.max(x1)),
            y1: up(y0.max(y1)),
        }
    }

    /// The box in a unit `per` times smaller (points to pixels: the resolution over 72),
    /// rounded outwards.
    pub fn scaled(self, per: f64) -> Rect {
        let v = |tenths: i32| f64::from(tenths) / 10.0 * per;
        Rect::outward(v(self.x0), v(self.y0), v(self.x1), v(self.y1))
    }

    pub fn union(self, other: Rect) -> Rect {
        Rect {
            x0: self.x0.min(other.x0),
            y0: self.y0.min(other.y0),
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
        }
    }
}

impl Src {
    pub fn line(n: u32) -> Src {
        Src::Lines { first: n, last: n }
    }

    /// Both places as one: the lines from the first to the last, the box around both
    /// boxes. Cells of different table elements, or boxes on different pages, cannot be
    /// one place: the first is kept (a value is never printed across them).
    pub fn union(self, other: Src) -> Src {
        match (self, other) {
            (Src::Lines { first, last }, Src::Lines { first: f, last: l }) => Src::Lines {
                first: first.min(f),
                last: last.max(l),
            },
            (Src::Area { page, area }, Src::Area { page: p, area: a }) if page == p => Src::Area {
                page,
                area: area.union(a),
            },
            _ => self,
        }
    }

    /// Reads `src` as written; None unless it is in the one form [`Src`]'s `Display` writes.
    pub fn parse(text: &str) -> Option<Src> {
        let number = |s: &str| -> Option<u32> {
            (!s.starts_with('0') && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let src = if let Some(rest) = text.strip_prefix('L') {
            match rest.split_once('-') {
                Some((a, b)) => Src::Lines {
                    first: number(a)?,
                    last: number(b)?,
                },
                None => Src::line(number(rest)?),
            }
        } else if let Some(rest) = text.strip_prefix('T') {
            let (table, rest) = rest.split_once('R')?;
            let (row, cell) = rest.split_once('C')?;
            Src::Element {
                table: number(table)?,
                row: number(row)?,
                cell: number(cell)?,
            }
        } else if let Some(rest) = text.strip_prefix('p') {
            let mut parts = rest.split(' ');
            let page = number(parts.next()?)?;
            let mut tenths = || -> Option<i32> {
                let (int, frac) = parts.next()?.split_once('.')?;
                let (neg, int) = match int.strip_prefix('-') {
                    Some(i) => (true, i),
                    None => (false, int),
                };
                if frac.len() != 1 || int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let v = int.parse::<i32>().ok()?.checked_mul(10)? + frac.parse::<i32>().ok()?;
                Some(if neg { -v } else { v })
            };
            let area = Rect {
                x0: tenths()?,
                y0: tenths()?,
                x1: tenths()?,
                y1: tenths()?,
            };
            if parts.next().is_some() {
                return None;
            }
            Src::Area { page, area }
        } else {
            return None;
        };
        // One form only: `L3-3`, a range run backwards (`L5-3`), `p1 -0.0 …` or a box
        // turned inside out are not it.
        (src.to_string() == text).then_some(src)
    }
}

impl fmt::Display for Src {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Src::Lines { first, last } if first >= last => write!(f, "L{first}"),
            Src::Lines { first, last } => write!(f, "L{first}-{last}"),
            Src::Element { table, row, cell } => write!(f, "T{table}R{row}C{cell}"),
            Src::Area { page, area } => {
                let tenths = |v: i32| {
                    let sign = if v < 0 { "-" } else { "" };
                    format!("{sign}{}.{}", v.unsigned_abs() / 10, v.unsigned_abs() % 10)
                };
                write!(
                    f,
                    "p{page} {} {} {} {}",
                    tenths(area.x0),
                    tenths(area.y0),
                    tenths(area.x1),
                    tenths(area.y1)
                )
            }
        }
    }
}

/// How a cell was read when not from the input's own text, written as `via`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// Optical character recognition of a scanned page.
    Ocr,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Ocr => "ocr",
        }
    }

    pub fn parse(s: &str) -> Option<Via> {
        match s {
            "ocr" => Some(Via::Ocr),
            _ => None,
        }
    }
}

/// A reading's confidence from 0 to 1 in hundredths, written with two decimals (`0.87`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Confidence(u8);

impl Confidence {
    /// The nearest hundredth of a fraction, held to 0–1 (NaN is 0).
    pub fn from_fraction(f: f64) -> Confidence {
        let h = (f * 100.0).round();
        Confidence(if h.is_nan() {
            0
        } else {
            h.clamp(0.0, 100.0) as u8
        })
    }

    pub fn hundredths(self) -> u8 {
        self.0
    }

    /// Reads `0.87`, `1.00`: two decimals, at most 1.
    pub fn parse(s: &str) -> Option<Confidence> {
        let (int, frac) = s.split_once('.')?;
        if !matches!(int, "0" | "1") || frac.len() != 2 || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let h = int.parse::<u8>().ok()? * 100 + frac.parse::<u8>().ok()?;
        (h <= 100).then_some(Confidence(h))
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// Any other table, kept as a grid of anchor cells with spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenericTable {
    pub id: String,
    pub caption: Option<String>,
    pub rows: Vec<Vec<GridCell>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridCell {
    pub text: String,
    pub row_span: u32,
    pub col_span: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub rule: String,
    /// What the rule was checked on: a column, a row, a table, a cell or cells.
    pub subject: Location,
    pub result: CheckResult,
    pub expected: Option<String>,
    pub actual: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckResult {
    Pass,
    Fail,
    /// A cell the rule needs has no value.
    Skip,
}

impl CheckResult {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckResult::Pass => "pass",
            CheckResult::Fail => "fail",
            CheckResult::Skip => "skip",
        }
    }

    pub fn parse(s: &str) -> Option<CheckResult> {
        match s {
            "pass" => Some(CheckResult::Pass),
            "fail" => Some(CheckResult::Fail),
            "skip" => Some(CheckResult::Skip),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    /// Stable, kebab-case: scripts may filter on it.
    pub code: String,
    /// Where in the report or the input.
    pub location: Location,
    pub message: String,
}

impl Diagnostic {
    pub fn new(
        level: Level,
        code: &str,
        location: impl Into<Location>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            level,
            code: code.to_string(),
            location: location.into(),
            message: message.into(),
        }
    }
}

/// Where a diagnostic or a check points, by the ids of the report's parts or the position
/// in the input. Written as a diagnostic's `where` and a check's `subject`, as the ids alone
/// (`t3`, `t3.row.granted`, `t3.col.total`, `t3.row.granted/t3.col.total`, cells joined by
/// `+`) or a word (`input`, `report`, `meta/year`, `page 2`); read back with [`Location::read`],
/// which finds the table of an id in the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Location {
    /// The input as a whole (its encoding, the chrome dropped from it).
    Input,
    /// The report as a whole.
    Report,
    /// A field of `<meta>`: `meta/year`.
    Meta {
        field: String,
    },
    /// A page of a fixed-layout input, 1-based.
    Page {
        page: u32,
    },
    /// A standard table.
    Table {
        table: String,
    },
    Row {
        table: String,
        row: String,
    },
    /// A column of a standard table (a rule checked down it).
    Column {
        table: String,
        col: String,
    },
    Cell(CellRef),
    /// Several cells (the cells whose sum the prose states).
    Cells {
        cells: Vec<CellRef>,
    },
    /// Anything else, as written.
    Other {
        text: String,
    },
}

/// One cell of a standard table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CellRef {
    pub table: String,
    pub row: String,
    pub col: String,
}

impl Location {
    pub fn table(table: &str) -> Location {
        Location::Table {
            table: table.to_string(),
        }
    }

    pub fn row(table: &str, row: &str) -> Location {
        Location::Row {
            table: table.to_string(),
            row: row.to_string(),
        }
    }

    pub fn column(table: &str, col: &str) -> Location {
        Location::Column {
            table: table.to_string(),
            col: col.to_string(),
        }
    }

    pub fn cell(table: &str, row: &str, col: &str) -> Location {
        Location::Cell(CellRef {
            table: table.to_string(),
            row: row.to_string(),
            col: col.to_string(),
        })
    }

    /// One cell as [`Location::Cell`], more as [`Location::Cells`].
    pub fn cells(mut cells: Vec<CellRef>) -> Location {
        match cells.len() {
            1 => Location::Cell(cells.remove(0)),
            _ => Location::Cells { cells },
        }
    }

    pub fn meta(field: &str) -> Location {
        Location::Meta {
            field: field.to_string(),
        }
    }

    /// A location as written, its ids found in the report's standard tables: a table id,
    /// then a row id, then a column id; `row/col` a cell, cells joined by `+`.
    pub fn read(text: &str, tables: &[Table]) -> Location {
        let words = Location::from(text);
        if !matches!(words, Location::Other { .. }) {
            return words;
        }
        let standard = || {
            tables.iter().filter_map(|t| match t {
                Table::Standard(s) => Some(s),
                Table::Generic(_) => None,
            })
        };
        let table_of_row = |row: &str| {
            standard()
                .find(|t| t.rows.iter().any(|r| r.id == row))
                .map(|t| t.id.as_str())
        };
        let cell = |key: &str| {
            let (row, col) = key.split_once('/')?;
            Some(CellRef {
                table: table_of_row(row)?.to_string(),
                row: row.to_string(),
                col: col.to_string(),
            })
        };
        if text.contains('/') {
            let cells: Option<Vec<CellRef>> = text.split('+').map(cell).collect();
            return cells.map_or(words, Location::cells);
        }
        if standard().any(|t| t.id == text) {
            return Location::table(text);
        }
        if let Some(table) = table_of_row(text) {
            return Location::row(table, text);
        }
        standard()
            .find(|t| t.rows.iter().flat_map(|r| &r.cells).any(|c| c.col == text))
            .map_or(words, |t| Location::column(&t.id, text))
    }
}

/// What a reader or the recogniser says without ids: `input`, `report`, `meta/year`,
/// `page 2`; anything else is kept as written.
impl From<&str> for Location {
    fn from(text: &str) -> Location {
        match text {
            "input" => return Location::Input,
            "report" => return Location::Report,
            _ => {}
        }
        if let Some(field) = text.strip_prefix("meta/") {
            return Location::meta(field);
        }
        if let Some(page) = text
            .strip_prefix("page ")
            .and_then(|n| n.parse().ok())
            .filter(|&n: &u32| n > 0 && text == format!("page {n}"))
        {
            return Location::Page { page };
        }
        Location::Other {
            text: text.to_string(),
        }
    }
}

impl From<String> for Location {
    fn from(text: String) -> Location {
        Location::from(text.as_str())
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Input => f.write_str("input"),
            Location::Report => f.write_str("report"),
            Location::Meta { field } => write!(f, "meta/{field}"),
            Location::Page { page } => write!(f, "page {page}"),
            Location::Table { table } => f.write_str(table),
            Location::Row { row, .. } => f.write_str(row),
            Location::Column { col, .. } => f.write_str(col),
            Location::Cell(c) => write!(f, "{}/{}", c.row, c.col),
            Location::Cells { cells } => {
                for (i, c) in cells.iter().enumerate() {
                    if i > 0 {
                        f.write_str("+")?;
                    }
                    write!(f, "{}/{}", c.row, c.col)?;
                }
                Ok(())
            }
            Location::Other { text } => f.write_str(text),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "info" => Some(Level::Info),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
}

impl Report {
    pub fn standard_table(&self, id: &str) -> Option<&StandardTable> {
        self.tables.iter().find_map(|t| match t {
            Table::Standard(s) if s.id == id => Some(s),
            _ => None,
        })
    }
}

impl StandardTable {
    pub fn cell(&self, row: &str, col: &str) -> Option<&Cell> {
        self.rows
            .iter()
            .find(|r| r.id == row)
            .and_then(|r| r.cells.iter().find(|c| c.col == col))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t3() -> Vec<Table> {
        let cell = |col: &str| Cell::new(col, CellContent::Blank);
        vec![
            Table::Standard(StandardTable {
                id: "t3".into(),
                rows: vec![Row {
                    id: "t3.row.granted".into(),
                    cells: vec![cell("t3.col.natural_person"), cell("t3.col.total")],
                }],
            }),
            Table::Generic(GenericTable {
                id: "x1".into(),
                caption: None,
                rows: Vec::new(),
            }),
        ]
    }

    #[test]
    fn locations_read_back_as_written_with_their_tables() {
        let tables = t3();
        let cell = |col: &str| CellRef {
            table: "t3".into(),
            row: "t3.row.granted".into(),
            col: col.into(),
        };
        for (text, at) in [
            ("input", Location::Input),
            ("report", Location::Report),
            ("meta/year", Location::meta("year")),
            ("page 12", Location::Page { page: 12 }),
            ("t3", Location::table("t3")),
            ("t3.row.granted", Location::row("t3", "t3.row.granted")),
            ("t3.col.total", Location::column("t3", "t3.col.total")),
            (
                "t3.row.granted/t3.col.total",
                Location::cell("t3", "t3.row.granted", "t3.col.total"),
            ),
            (
                "t3.row.granted/t3.col.natural_person+t3.row.granted/t3.col.total",
                Location::Cells {
                    cells: vec![cell("t3.col.natural_person"), cell("t3.col.total")],
                },
            ),
        ] {
            assert_eq!(Location::read(text, &tables), at, "{text}");
            assert_eq!(at.to_string(), text);
        }
        // What names no part of the report is kept as written: a generic table, an id of
        // no table, a page that is no page number.
        for text in [
            "x1",
            "t2.row.licensing",
            "t9/t3.col.total",
            "page 0",
            "page 01",
            "line 3",
        ] {
            let at = Location::read(text, &tables);
            assert_eq!(at, Location::Other { text: text.into() }, "{text}");
            assert_eq!(at.to_string(), text);
        }
    }

    #[test]
    fn sources_read_back_as_written_in_one_form_only() {
        let area = |x0, y0, x1, y1| Src::Area {
            page: 2,
            area: Rect { x0, y0, x1, y1 },
        };
        for (text, src) in [
            ("L12", Src::line(12)),
            (
                "L12-14",
                Src::Lines {
                    first: 12,
                    last: 14,
                },
            ),
            (
                "T3R5C2",
                Src::Element {
                    table: 3,
                    row: 5,
                    cell: 2,
                },
            ),
            ("p2 71.5 340.0 118.2 352.4", area(715, 3400, 1182, 3524)),
            ("p2 -0.3 0.0 5.0 10.1", area(-3, 0, 50, 101)),
        ] {
            assert_eq!(Src::parse(text), Some(src), "{text}");
            assert_eq!(src.to_string(), text);
        }
        for text in [
            "",
            "L",
            "L0",
            "L012",
            "L3-3",
            "L5-3",
            "L3-",
            "T1R2",
            "T1R0C1",
            "p0 1.0 1.0 2.0 2.0",
            "p1 1 1 2 2",
            "p1 1.00 1.0 2.0 2.0",
            "p1 -0.0 1.0 2.0 2.0",
            "p1 1.0 1.0 2.0",
            "p1 1.0 1.0 2.0 2.0 3.0",
            "l12",
        ] {
            assert_eq!(Src::parse(text), None, "{text}");
        }
    }

    #[test]
    fn boxes_round_outwards_and_unite() {
        let r = Rect::outward(71.5, 340.04, 118.21, 352.4);
        assert_eq!(
            r,
            Rect {
                x0: 715,
                y0: 3400,
                x1: 1183,
                y1: 3524
            }
        );
        let two = Src::Area { page: 1, area: r }.union(Src::Area {
            page: 1,
            area: Rect::outward(60.0, 345.0, 70.0, 360.0),
        });
        assert_eq!(two.to_string(), "p1 60.0 340.0 118.3 360.0");
        assert_eq!(
            Src::line(14).union(Src::line(12)),
            Src::Lines {
                first: 12,
                last: 14
            }
        );
    }

    #[test]
    fn confidences_have_two_decimals_from_0_to_1() {
        assert_eq!(Confidence::from_fraction(0.874).to_string(), "0.87");
        assert_eq!(Confidence::from_fraction(1.7).to_string(), "1.00");
        assert_eq!(Confidence::from_fraction(f64::NAN).to_string(), "0.00");
        assert_eq!(
            Confidence::parse("0.05").map(Confidence::hundredths),
            Some(5)
        );
        for bad in ["1.01", "0.5", ".50", "2.00", "0.5x"] {
            assert_eq!(Confidence::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn readers_locations_need_no_tables() {
        assert_eq!(Location::from("page 3"), Location::Page { page: 3 });
        assert_eq!(Location::from(String::from("input")), Location::Input);
        assert_eq!(
            Location::from("t3.row.granted"),
            Location::Other {
                text: "t3.row.granted".into()
            }
        );
    }
}

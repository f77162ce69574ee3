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
}

impl Cell {
    pub fn new(col: &str, content: CellContent) -> Cell {
        Cell {
            col: col.to_string(),
            content,
            unit: None,
            raw: None,
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

//! The report model: what every reader ends in and every writer starts from.
//!
//! It mirrors the canonical XML (shared/spec/canonical-xml.md) one to one, so that writing
//! a model and reading it back gives the same model, and writing that again the same bytes.

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
    pub subject: String,
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
    /// Where in the report or the input: a cell key, a table id, `line 12`.
    pub location: String,
    pub message: String,
}

impl Diagnostic {
    pub fn new(
        level: Level,
        code: &str,
        location: impl Into<String>,
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

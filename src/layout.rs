//! The common layout every reader produces: running text and cell grids, in reading order.
//!
//! Readers know their format (pipes, markdown, HTML tables, PDF ruling lines) and nothing
//! of the report templates; the recogniser knows the templates and nothing of formats.

use crate::model::{Diagnostic, GridCell};

#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub blocks: Vec<Block>,
    pub hints: Hints,
    /// What the reader noticed (encoding guesses, dropped chrome, damaged input).
    pub diagnostics: Vec<Diagnostic>,
}

/// Metadata a page states outside the report text (HTML `<title>`, a crawler's header).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    pub title: Option<String>,
    pub published: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A whole paragraph, as the source marked it (`<p>`, a DOCX `w:p`).
    Paragraph(String),
    /// One physical line of text, leading spaces kept; the source may have wrapped a
    /// paragraph over several (plain text, `pdftotext -layout`, markdown from a converter).
    Line(String),
    Grid(Grid),
}

/// A table as anchor cells with spans, the way HTML and DOCX describe one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    pub caption: Option<String>,
    pub rows: Vec<Vec<GridCell>>,
}

impl Grid {
    pub fn cell(text: impl Into<String>) -> GridCell {
        GridCell {
            text: text.into(),
            row_span: 1,
            col_span: 1,
        }
    }
}

//! The common layout every reader produces: running text and cell grids, in reading order.
//!
//! Readers know their format (pipes, markdown, HTML tables, PDF ruling lines) and nothing
//! of the report templates; the recogniser knows the templates and nothing of formats.

use crate::model::{Diagnostic, GridCell};

/// Default of `--max-lines`: lines and paragraphs one input may give. A report has a few
/// thousand; every later stage costs memory per line, and a million is still far from 1 GiB.
pub const DEFAULT_MAX_LINES: usize = 1_000_000;
/// Default of `--max-cells`: table cells one input may give (a report has a few hundred).
pub const DEFAULT_MAX_CELLS: usize = 1_000_000;

/// An input that would make more lines or table cells than the limits allow: refused
/// whole (exit 2) rather than read in part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TooLarge {
    #[error("the input has more than {0} lines of text (raise the limit with --max-lines)")]
    Lines(usize),
    #[error("the input has more than {0} table cells (raise the limit with --max-cells)")]
    Cells(usize),
    #[error(
        "the document holds more than {0} bytes of text (the limit is twice --max-input-bytes)"
    )]
    Text(u64),
}

/// Counts the lines and cells a reader makes of one input, so that it stops at the limits
/// before it has built them.
#[derive(Debug, Clone)]
pub struct Budget {
    max_lines: usize,
    max_cells: usize,
    max_text: u64,
    lines: usize,
    cells: usize,
    text: u64,
}

impl Budget {
    pub fn new(limits: &crate::Limits) -> Budget {
        Budget {
            max_lines: limits.max_lines,
            max_cells: limits.max_cells,
            max_text: limits.max_input_bytes.saturating_mul(2),
            lines: 0,
            cells: 0,
            text: 0,
        }
    }

    /// Takes `n` more lines (or paragraphs).
    pub fn lines(&mut self, n: usize) -> Result<(), TooLarge> {
        self.lines = self.lines.saturating_add(n);
        if self.lines > self.max_lines {
            return Err(TooLarge::Lines(self.max_lines));
        }
        Ok(())
    }

    /// Takes `n` more table cells (a cell counts once for each grid column it spans).
    pub fn cells(&mut self, n: usize) -> Result<(), TooLarge> {
        self.cells = self.cells.saturating_add(n);
        if self.cells > self.max_cells {
            return Err(TooLarge::Cells(self.max_cells));
        }
        Ok(())
    }

    /// Takes `n` more bytes of text that a reader decompressed or copied (DOCX and ODT
    /// parts, repeated cells): what plain text and HTML give is bounded by their input.
    pub fn text(&mut self, n: usize) -> Result<(), TooLarge> {
        self.text = self.text.saturating_add(n as u64);
        if self.text > self.max_text {
            return Err(TooLarge::Text(self.max_text));
        }
        Ok(())
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new(&crate::Limits::default())
    }
}

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

//! The common layout every reader produces: running text and cell grids, in reading order.
//!
//! Readers know their format (pipes, markdown, HTML tables, PDF ruling lines) and nothing
//! of the report templates; the recogniser knows the templates and nothing of formats.

use std::ops::Range;

use crate::model::{Diagnostic, Src};

/// Default of `--max-lines`: lines and paragraphs one input may give. A report has a few
/// thousand; every later stage costs memory per line, and a million is still far from 1 GiB.
pub const DEFAULT_MAX_LINES: usize = 1_000_000;
/// Default of `--max-cells`: table cells one input may give (a report has a few hundred).
pub const DEFAULT_MAX_CELLS: usize = 1_000_000;
/// Default of `--max-pixels`: pixels the images of one input may decode to, and the
/// pictures cut from them for OCR be enlarged to, all pages together. What OCR reads is held
/// at a byte a pixel until it is read; this is 50 A4 pages scanned at 300 dpi, and it stops
/// a small file of compressed blank pages (a G4 or Flate page of 100 million pixels is a
/// few kilobytes) from costing minutes and gigabytes.
pub const DEFAULT_MAX_PIXELS: u64 = 500_000_000;

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
    #[error("the document's images hold more than {0} pixels (raise the limit with --max-pixels)")]
    Pixels(u64),
}

/// Counts the lines and cells a reader makes of one input, so that it stops at the limits
/// before it has built them.
#[derive(Debug, Clone)]
pub struct Budget {
    max_lines: usize,
    max_cells: usize,
    max_text: u64,
    max_pixels: u64,
    lines: usize,
    cells: usize,
    text: u64,
    pixels: u64,
}

impl Budget {
    pub fn new(limits: &crate::Limits) -> Budget {
        Budget {
            max_lines: limits.max_lines,
            max_cells: limits.max_cells,
            max_text: limits.max_input_bytes.saturating_mul(2),
            max_pixels: limits.max_pixels,
            lines: 0,
            cells: 0,
            text: 0,
            pixels: 0,
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

    /// Takes `n` pixels of images decoded, or enlarged for OCR.
    pub fn pixels(&mut self, n: u64) -> Result<(), TooLarge> {
        self.pixels = self.pixels.saturating_add(n);
        if self.pixels > self.max_pixels {
            return Err(TooLarge::Pixels(self.max_pixels));
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
    /// What OCR read, where: the recogniser marks the cells read from these and checks
    /// their digits against the rules.
    pub ocr: Vec<OcrRead>,
}

/// A word (or line) OCR read: where, what, how sure (0–1), and what else it might be.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrRead {
    pub src: Src,
    pub text: String,
    pub confidence: f64,
    pub alternatives: Vec<String>,
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
    Paragraph(Text),
    /// One physical line of text, leading spaces kept; the source may have wrapped a
    /// paragraph over several (plain text, `pdftotext -layout`, markdown from a converter).
    Line(Text),
    Grid(Grid),
}

/// Text as a reader gives it, and where in the input its characters were printed
/// (canonical-xml.md § Provenance): what the recogniser reads a value from, it can say
/// where it read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    /// Byte ranges of `text`, in order and apart, and where each was printed. What no range
    /// covers was not printed as such (the spaces a reader puts between glyphs, the pipes
    /// it puts between cells).
    pub printed: Vec<(Range<usize>, Src)>,
}

impl Text {
    /// Text printed at one place as a whole (a line of a text file).
    pub fn at(text: impl Into<String>, src: Src) -> Text {
        let text = text.into();
        let printed = if text.is_empty() {
            Vec::new()
        } else {
            vec![(0..text.len(), src)]
        };
        Text { text, printed }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Appends text printed at `src` (or, with none, not printed as such).
    pub fn push_str(&mut self, text: &str, src: Option<Src>) {
        let start = self.text.len();
        self.text.push_str(text);
        if let (Some(src), false) = (src, text.is_empty()) {
            match self.printed.last_mut() {
                // One place printed in one piece stays one range.
                Some((r, last)) if r.end == start && *last == src => r.end = self.text.len(),
                _ => self.printed.push((start..self.text.len(), src)),
            }
        }
    }

    /// Appends another text with where it was printed.
    pub fn push_text(&mut self, other: &Text) {
        let start = self.text.len();
        self.text.push_str(&other.text);
        self.printed.extend(
            other
                .printed
                .iter()
                .map(|(r, src)| (r.start + start..r.end + start, *src)),
        );
    }

    /// The part of the text in `range` (byte offsets on character boundaries).
    pub fn slice(&self, range: Range<usize>) -> Text {
        Text {
            text: self.text[range.clone()].to_string(),
            printed: self.printed_in(range),
        }
    }

    /// Where the part of the text in `range` was printed, by ranges of that part.
    pub fn printed_in(&self, range: Range<usize>) -> Vec<(Range<usize>, Src)> {
        let from = self.printed.partition_point(|(r, _)| r.end <= range.start);
        self.printed[from..]
            .iter()
            .take_while(|(r, _)| r.start < range.end)
            .map(|(r, src)| {
                let start = r.start.max(range.start) - range.start;
                (start..r.end.min(range.end) - range.start, *src)
            })
            .collect()
    }

    /// Drops the text from byte `len` on (a character boundary), and where it was printed.
    pub fn truncate(&mut self, len: usize) {
        self.text.truncate(len);
        self.printed.retain_mut(|(r, _)| {
            r.end = r.end.min(len);
            r.start < r.end
        });
    }

    /// The text without white space at either end.
    pub fn trim(&self) -> Text {
        let start = self.text.len() - self.text.trim_start().len();
        let end = self.text.trim_end().len().max(start);
        self.slice(start..end)
    }

    /// Where the characters in `range` were printed, as one place; none when none of
    /// them was printed at a known place.
    pub fn src_of(&self, range: Range<usize>) -> Option<Src> {
        let from = self.printed.partition_point(|(r, _)| r.end <= range.start);
        self.printed[from..]
            .iter()
            .take_while(|(r, _)| r.start < range.end)
            .map(|(_, src)| *src)
            .reduce(Src::union)
    }
}

/// Text without a known place (tests, and text a reader makes up).
impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text {
            text: text.to_string(),
            printed: Vec::new(),
        }
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text {
            text,
            printed: Vec::new(),
        }
    }
}

/// Its text is that, wherever it was printed.
impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// A table as anchor cells with spans, the way HTML and DOCX describe one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    pub caption: Option<String>,
    pub rows: Vec<Vec<GridCell>>,
}

/// A cell of a grid as a reader found it: its text, its spans, and where the cell as a
/// whole was printed (a table element's cell, a ruled box on a page): the place of an
/// empty cell, or of text whose characters have none of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridCell {
    pub text: Text,
    pub row_span: u32,
    pub col_span: u32,
    pub src: Option<Src>,
}

impl Grid {
    pub fn cell(text: impl Into<Text>) -> GridCell {
        GridCell {
            text: text.into(),
            row_span: 1,
            col_span: 1,
            src: None,
        }
    }
}

impl GridCell {
    /// Where the characters in `range` of its text were printed, or else the cell.
    pub fn src_of(&self, range: Range<usize>) -> Option<Src> {
        self.text.src_of(range).or(self.src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_knows_where_each_part_was_printed() {
        let mut t = Text::at("规章", Src::line(3));
        t.push_str(" | ", None);
        t.push_str("1", Some(Src::line(4)));
        t.push_str("2", Some(Src::line(5)));
        assert_eq!(t.printed.len(), 3);
        assert_eq!(t.src_of(0..3), Some(Src::line(3)));
        // Between the pipes nothing was printed; a range over both digits takes both lines.
        assert_eq!(t.src_of(6..9), None);
        assert_eq!(t.src_of(9..11), Some(Src::Lines { first: 4, last: 5 }));
        let cell = t.slice(9..11);
        assert_eq!(cell.text, "12");
        assert_eq!(cell.src_of(1..2), Some(Src::line(5)));
        assert_eq!(
            Text::at("  7 ", Src::line(1)).trim().printed,
            vec![(0..1, Src::line(1))]
        );
    }
}

//! The PDF reader: positioned glyphs and rulings from the content streams (lopdf parses
//! and decompresses; [`content`] interprets), then the page layout ([`page`]): ruled
//! tables as cell grids, everything else as physical lines like `pdftotext -layout`.
//!
//! Pages are joined without a paragraph break (a paragraph or a table runs on across a
//! page end); page numbers and running headers/footers are dropped.

pub mod cmap;
mod content;
mod fonts;
mod glyphs;
mod page;
mod prescan;

use std::collections::HashMap;

use lopdf::{Document, LoadOptions, Object};

use crate::layout::{Block, Budget, Layout, TooLarge};
use crate::model::{Diagnostic, Level};
use crate::text::chrome::is_chrome_line;

use content::{DocState, Interpreter, PageContent};
use page::Item;

/// No single stream may decompress to more than this (decompression bombs); the default
/// of `--max-pdf-stream-bytes`.
pub const MAX_STREAM_BYTES: usize = 64 * 1024 * 1024;
/// Content bytes interpreted per document at most (Form XObjects count each time they are
/// drawn): a bound on time.
pub const MAX_CONTENT_BYTES: usize = 128 * 1024 * 1024;
/// Bytes the streams of one document may decompress to in all (a content stream drawn on
/// every page is decompressed for every page; fonts and forms have streams of their own).
pub const MAX_DECOMPRESSED_BYTES: usize = 256 * 1024 * 1024;
/// Glyphs read per document at most: laying them out costs time and memory per glyph.
pub const MAX_GLYPHS: usize = 2_000_000;
/// Pages read at most; the rest are reported.
pub const MAX_PAGES: usize = 2_000;

/// The code of the diagnostic of a PDF read after its cross-reference table was rebuilt.
pub const REPAIRED: &str = "pdf-repaired";

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("not a readable PDF ({0})")]
    Unreadable(String),
    #[error("the PDF is encrypted and opens only with a password")]
    Encrypted,
    #[error(
        "a stream of the PDF decompresses to more than the {0}-byte limit (--max-pdf-stream-bytes)"
    )]
    TooLarge(usize),
    #[error("the PDF has no pages")]
    NoPages,
    #[error("the PDF holds more than {} objects", prescan::MAX_OBJECTS)]
    TooManyObjects,
    #[error("the PDF's object and cross-reference streams decompress to more than {MAX_DECOMPRESSED_BYTES} bytes in all")]
    StreamsTooLarge,
    #[error("the PDF has no text layer (a scan?); run OCR on it first")]
    NoText,
    #[error("the PDF is damaged beyond repair (cut short?): its cross-reference table had to be rebuilt, and {0}")]
    Damaged(String),
    #[error(transparent)]
    Size(#[from] TooLarge),
}

/// Reads a PDF into the common layout.
pub fn read(
    bytes: &[u8],
    max_stream_bytes: usize,
    budget: &mut Budget,
) -> Result<Layout, PdfError> {
    prescan::check(bytes, max_stream_bytes, MAX_DECOMPRESSED_BYTES).map_err(|r| match r {
        prescan::Refusal::Objects => PdfError::TooManyObjects,
        prescan::Refusal::Streams => PdfError::StreamsTooLarge,
    })?;
    let options = LoadOptions {
        max_decompressed_size: Some(max_stream_bytes),
        ..LoadOptions::default()
    };
    let doc = std::panic::catch_unwind(|| Document::load_mem_with_options(bytes, options))
        .map_err(|_| PdfError::Unreadable("the parser gave up on it".into()))?
        .map_err(|e| match e {
            lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
                PdfError::TooLarge(max_stream_bytes)
            }
            lopdf::Error::InvalidPassword => PdfError::Encrypted,
            e => PdfError::Unreadable(one_line(&e.to_string())),
        })?;
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(PdfError::Encrypted);
    }
    let mut layout = Layout::default();
    if doc.encryption_state.is_some() {
        layout.diagnostics.push(Diagnostic::new(
            Level::Info,
            "pdf-decrypted",
            "input",
            "the PDF is encrypted with an empty user password; it was decrypted to be read",
        ));
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(PdfError::NoPages);
    }
    if pages.len() > MAX_PAGES {
        layout.diagnostics.push(Diagnostic::new(
            Level::Warning,
            "pdf-pages-skipped",
            "input",
            format!(
                "the PDF has {} pages; only the first {MAX_PAGES} were read",
                pages.len()
            ),
        ));
    }
    let mut state = DocState::new(MAX_CONTENT_BYTES, MAX_DECOMPRESSED_BYTES, MAX_GLYPHS);
    // Each page is laid out as soon as it is read: its glyphs are not kept.
    let mut laid_out: Vec<(f64, Vec<Item>)> = Vec::new();
    let (mut any_text, mut too_large, mut radicals) = (false, false, 0usize);
    for (&number, &id) in pages.iter().take(MAX_PAGES) {
        let content = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Interpreter::run_page(&doc, id, &mut state, max_stream_bytes)
        }))
        .unwrap_or_else(|_| PageContent {
            notes: vec!["it could not be interpreted".into()],
            ..PageContent::default()
        });
        page_diagnostics(number, &content, &mut layout.diagnostics);
        any_text |= !content.glyphs.is_empty();
        too_large |= content.too_large;
        radicals += content.radicals;
        laid_out.push(page::items(&content));
    }
    // A file whose cross-reference table had to be rebuilt (cut short, overwritten) and
    // that gives no text, or mostly text whose fonts were lost with the rest of the file,
    // is not repaired: what it gives would be U+FFFD.
    let damaged = doc.xref_recovery.is_some();
    if !any_text && damaged {
        return Err(PdfError::Damaged("no page has text".into()));
    }
    if !any_text {
        if too_large {
            return Err(PdfError::TooLarge(max_stream_bytes));
        }
        return Err(PdfError::NoText);
    }
    if radicals > 0 {
        layout.diagnostics.push(Diagnostic::new(
            Level::Info,
            "pdf-radicals",
            "input",
            format!("{radicals} character(s) mapped by their fonts to radical code points (⼈ U+2F08, ⺠ U+2EA0 …) were read as the ideographs they draw (人, 民 …)"),
        ));
    }
    let (blocks, dropped) = join_pages(laid_out);
    for block in &blocks {
        match block {
            Block::Grid(g) => {
                budget.cells(g.rows.iter().flatten().map(|c| c.col_span as usize).sum())?
            }
            _ => budget.lines(1)?,
        }
    }
    if damaged {
        let share = crate::text::undecodable_share(blocks.iter().flat_map(block_texts));
        if share >= crate::text::UNDECODABLE {
            return Err(PdfError::Damaged(format!(
                "{:.0}% of its text cannot be decoded",
                share * 100.0
            )));
        }
        layout.diagnostics.push(Diagnostic::new(
            Level::Warning,
            REPAIRED,
            "input",
            "the PDF is damaged (cut short?): its cross-reference table was rebuilt, and what \
             its pages still hold was read",
        ));
    }
    layout.blocks = blocks;
    if dropped > 0 {
        layout.diagnostics.push(Diagnostic::new(
            Level::Info,
            "chrome-dropped",
            "input",
            format!("{dropped} line(s) of page chrome dropped (page numbers, running headers and footers)"),
        ));
    }
    Ok(layout)
}

fn page_diagnostics(number: u32, c: &PageContent, out: &mut Vec<Diagnostic>) {
    let at = format!("page {number}");
    for (font, n) in &c.unmapped {
        out.push(Diagnostic::new(
            Level::Warning,
            "pdf-unmapped-glyphs",
            at.clone(),
            format!("{n} glyph(s) of font {font} on page {number} have no Unicode mapping; each is written as U+FFFD"),
        ));
    }
    for (font, problem) in &c.font_problems {
        out.push(Diagnostic::new(
            Level::Warning,
            "pdf-font",
            at.clone(),
            format!("font {font} (first used on page {number}): {problem}"),
        ));
    }
    for note in &c.notes {
        out.push(Diagnostic::new(
            Level::Warning,
            "pdf-page",
            at.clone(),
            format!("page {number}: {note}"),
        ));
    }
}

/// Page items in order, less page chrome: lines matching the chrome patterns (page
/// numbers `-3-`, `第 2 页`) anywhere, and lines in the top or bottom tenth of the page that
/// repeat on other pages (digits aside). A blank line marks a wide vertical gap on a page;
/// none is put between pages.
fn join_pages(pages: Vec<(f64, Vec<Item>)>) -> (Vec<Block>, usize) {
    let key = |t: &str| -> String {
        t.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    let in_margin = |height: f64, it: &Item| match it {
        Item::Line { top, bottom, .. } => *bottom < height * 0.1 || *top > height * 0.9,
        Item::Table { .. } => false,
    };
    let mut margin_count: HashMap<String, usize> = HashMap::new();
    for (height, items) in &pages {
        let mut seen: Vec<String> = Vec::new();
        for it in items.iter().filter(|it| in_margin(*height, it)) {
            if let Item::Line { text, .. } = it {
                let k = key(text);
                if !seen.contains(&k) {
                    seen.push(k.clone());
                    *margin_count.entry(k).or_default() += 1;
                }
            }
        }
    }
    let mut blocks = Vec::new();
    let mut dropped = 0;
    for (height, items) in pages {
        let mut prev_bottom: Option<(f64, f64)> = None;
        for it in items {
            let repeated = in_margin(height, &it)
                && matches!(&it, Item::Line { text, .. } if margin_count.get(&key(text)).copied().unwrap_or(0) >= 2);
            match it {
                Item::Line { top, bottom, text } => {
                    if repeated || is_chrome_line(&text) {
                        dropped += 1;
                        continue;
                    }
                    if let Some((pb, size)) = prev_bottom {
                        if top - pb > size * 1.2 {
                            blocks.push(Block::Line(String::new()));
                        }
                    }
                    prev_bottom = Some((bottom, bottom - top));
                    blocks.push(Block::Line(text));
                }
                Item::Table { grid, .. } => {
                    prev_bottom = None;
                    blocks.push(Block::Grid(grid));
                }
            }
        }
    }
    (blocks, dropped)
}

/// The texts of a block: its line, or its cells.
fn block_texts(block: &Block) -> Vec<&str> {
    match block {
        Block::Line(t) | Block::Paragraph(t) => vec![t.as_str()],
        Block::Grid(g) => g.rows.iter().flatten().map(|c| c.text.as_str()).collect(),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An object with references followed (a bounded number of times).
pub(crate) fn deref<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Object> {
    doc.dereference(obj).ok().map(|(_, o)| o)
}

/// A number (integer or real), references followed.
pub(crate) fn num(doc: &Document, obj: &Object) -> Option<f64> {
    match deref(doc, obj)? {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r as f64),
        _ => None,
    }
}

/// A name as text, references followed.
pub(crate) fn name_of<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a str> {
    std::str::from_utf8(deref(doc, obj)?.as_name().ok()?).ok()
}

//! The PDF reader: lopdf parses and decompresses; `content.rs` interprets each page's
//! content streams into positioned glyphs and rulings (a [`fixed::Page`]); [`fixed`] lays
//! the pages out and joins them. What is PDF's stays here: limits, damage, encryption,
//! fonts and their diagnostics.

pub mod cmap;
mod content;
mod fonts;
mod glyphs;
mod operations;
mod prescan;

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Document, LoadOptions, Object};

use crate::fixed;
use crate::layout::{Block, Budget, Layout, TooLarge};
use crate::model::{Diagnostic, Level};
use crate::readers::image;

use content::{DocState, Interpreter, PageContent};
pub use content::{ImageDraw, MAX_IMAGES, MIN_IMAGE_POINTS};

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
    #[error(transparent)]
    Image(#[from] image::ImageError),
}

/// Parses a PDF within the limits, refusing one that opens only with a password.
pub(crate) fn load(bytes: &[u8], max_stream_bytes: usize) -> Result<Document, PdfError> {
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
            e => PdfError::Unreadable(crate::text::normalise::collapsed(&e.to_string())),
        })?;
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(PdfError::Encrypted);
    }
    Ok(doc)
}

/// Reads a PDF into the common layout.
pub fn read(
    bytes: &[u8],
    max_stream_bytes: usize,
    budget: &mut Budget,
) -> Result<Layout, PdfError> {
    let doc = load(bytes, max_stream_bytes)?;
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
    // Each page is laid out as soon as it is read (its glyphs are not kept), but for pages
    // that draw images: those wait for what OCR reads in them.
    let mut laid_out: Vec<Option<fixed::PageLayout>> = Vec::new();
    let mut drawn: Vec<(usize, fixed::Page, DrawnPage)> = Vec::new();
    let mut page_notes = Vec::new();
    let (mut any_text, mut too_large, mut radicals) = (false, false, 0usize);
    for (&number, &id) in pages.iter().take(MAX_PAGES) {
        let mut content = run_page(&doc, id, &mut state, max_stream_bytes);
        page_diagnostics(number, &content, &mut page_notes);
        too_large |= content.too_large;
        radicals += content.radicals;
        if content.images.is_empty() {
            any_text |= !content.page.glyphs.is_empty();
            laid_out.push(Some(fixed::lay_out(&content.page)));
        } else {
            let images = DrawnPage::take(number, &mut content);
            drawn.push((laid_out.len(), content.page, images));
            laid_out.push(None);
        }
    }
    // Pages that are pictures of print (scanned, or with a table pasted as an image) are
    // read by OCR and laid out with the page's own text.
    let pictures = if drawn.is_empty() {
        Ok(image::ImageDocument::default())
    } else {
        let options = image::Options {
            max_stream_bytes,
            ..image::Options::default()
        };
        image::read_drawn_pictures(&doc, drawn.iter().map(|(_, _, d)| d), &options, budget)
    };
    let picture_pages: BTreeMap<u32, &image::ImagePage> = match &pictures {
        Ok(doc) => {
            layout.diagnostics.extend(doc.diagnostics.iter().cloned());
            doc.pages.iter().map(|p| (p.number as u32, p)).collect()
        }
        Err(_) => BTreeMap::new(),
    };
    layout.diagnostics.extend(page_notes);
    for (i, mut page, images) in drawn {
        if let Some(picture) = picture_pages.get(&images.number) {
            add_picture(&mut page, picture);
        }
        any_text |= !page.glyphs.is_empty();
        laid_out[i] = Some(fixed::lay_out(&page));
    }
    let laid_out: Vec<fixed::PageLayout> = laid_out.into_iter().flatten().collect();
    // A file whose cross-reference table had to be rebuilt (cut short, overwritten) and
    // that gives no text, or mostly text whose fonts were lost with the rest of the file,
    // is not repaired: what it gives would be U+FFFD.
    let damaged = doc.xref_recovery.is_some();
    if !any_text && damaged {
        return Err(PdfError::Damaged("no page has text".into()));
    }
    match pictures {
        // Past a limit the input is refused whole, as for its text.
        Err(image::ImageError::Size(e)) => return Err(e.into()),
        Err(e) if !any_text => return Err(PdfError::Image(e)),
        Err(e) => layout.diagnostics.push(Diagnostic::new(
            Level::Warning,
            "pdf-images-not-read",
            "input",
            format!("the PDF's images were not read: {e}"),
        )),
        Ok(_) => {}
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
    let joined = fixed::join(laid_out, budget)?;
    if damaged {
        let share = crate::text::undecodable_share(joined.blocks.iter().flat_map(block_texts));
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
    joined.into_layout(&mut layout);
    Ok(layout)
}

/// Runs one page's content: `None` when the interpreter gives up on it.
fn interpret(
    doc: &Document,
    id: lopdf::ObjectId,
    state: &mut DocState,
    limit: usize,
) -> Option<PageContent> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Interpreter::run_page(doc, id, state, limit)
    }))
    .ok()
}

/// Runs one page's content; a page the interpreter gives up on is said, not fatal.
fn run_page(
    doc: &Document,
    id: lopdf::ObjectId,
    state: &mut DocState,
    limit: usize,
) -> PageContent {
    interpret(doc, id, state, limit).unwrap_or_else(|| PageContent {
        notes: vec!["it could not be interpreted".into()],
        ..PageContent::default()
    })
}

/// The images a page's content draws, for the OCR reader.
#[derive(Debug)]
pub struct DrawnPage {
    /// 1-based.
    pub number: u32,
    /// The page's size in points, upright (crop box, `/Rotate` applied).
    pub width: f64,
    pub height: f64,
    pub images: Vec<ImageDraw>,
    /// Images drawn past the reader's limit a page, not recorded.
    pub images_skipped: usize,
    /// Inline images (`BI … EI`), not read.
    pub inline_images: usize,
}

impl DrawnPage {
    fn take(number: u32, content: &mut PageContent) -> DrawnPage {
        DrawnPage {
            number,
            width: content.page.width,
            height: content.page.height,
            images: std::mem::take(&mut content.images),
            images_skipped: content.images_skipped,
            inline_images: content.inline_images,
        }
    }
}

/// The images every page draws (the first `max_pages`), for reading a PDF as pictures
/// only; with what the interpreter noted on the pages, and whether pages were left.
pub fn drawn_pages(
    doc: &Document,
    max_stream_bytes: usize,
    max_pages: usize,
) -> (Vec<DrawnPage>, Vec<Diagnostic>, bool) {
    let mut state = DocState::new(MAX_CONTENT_BYTES, MAX_DECOMPRESSED_BYTES, MAX_GLYPHS);
    let (mut out, mut notes) = (Vec::new(), Vec::new());
    let pages = doc.get_pages();
    for (&number, &id) in pages.iter().take(max_pages.min(MAX_PAGES)) {
        let mut content = run_page(doc, id, &mut state, max_stream_bytes);
        page_diagnostics(number, &content, &mut notes);
        out.push(DrawnPage::take(number, &mut content));
    }
    (out, notes, pages.len() > max_pages.min(MAX_PAGES))
}

/// Adds what OCR read on a page to what its content draws, unless the page has text of
/// its own where the picture's tables are (a scan with a text layer from OCR software).
fn add_picture(page: &mut fixed::Page, picture: &image::ImagePage) {
    let in_table = |g: &fixed::Glyph| {
        picture.tables.iter().any(|t| {
            let b = t.bbox;
            g.cx() >= b.x0 && g.cx() <= b.x1 && g.cy() >= b.y0 && g.cy() <= b.y1
        })
    };
    if !page.glyphs.is_empty() && (picture.tables.is_empty() || page.glyphs.iter().any(in_table)) {
        return;
    }
    let read = picture.to_fixed();
    page.glyphs.extend(read.glyphs);
    page.segments.extend(read.segments);
}

/// The pages named (1-based) as drawn: their glyphs and rulings in points of the page as
/// displayed, where a cell's `src` box lies — what `show` draws a cell's surroundings
/// from. Pages past [`MAX_PAGES`], and ones that cannot be interpreted, are left out.
pub fn pages(
    bytes: &[u8],
    max_stream_bytes: usize,
    wanted: &BTreeSet<u32>,
) -> Result<BTreeMap<u32, fixed::Page>, PdfError> {
    let doc = load(bytes, max_stream_bytes)?;
    let mut state = DocState::new(MAX_CONTENT_BYTES, MAX_DECOMPRESSED_BYTES, MAX_GLYPHS);
    let mut out = BTreeMap::new();
    for (&number, &id) in doc.get_pages().iter().take(MAX_PAGES) {
        if !wanted.contains(&number) {
            continue;
        }
        if let Some(content) = interpret(&doc, id, &mut state, max_stream_bytes) {
            out.insert(number, content.page);
        }
    }
    Ok(out)
}

fn page_diagnostics(number: u32, c: &PageContent, out: &mut Vec<Diagnostic>) {
    let mut warn = |code: &str, message: String| {
        out.push(Diagnostic::new(
            Level::Warning,
            code,
            format!("page {number}"),
            message,
        ))
    };
    for (font, n) in &c.unmapped {
        warn(
            "pdf-unmapped-glyphs",
            format!("{n} glyph(s) of font {font} on page {number} have no Unicode mapping; each is written as U+FFFD"),
        );
    }
    for (font, problem) in &c.font_problems {
        warn(
            "pdf-font",
            format!("font {font} (first used on page {number}): {problem}"),
        );
    }
    for note in &c.notes {
        warn("pdf-page", format!("page {number}: {note}"));
    }
}

/// The texts of a block: its line, or its cells.
fn block_texts(block: &Block) -> Vec<&str> {
    match block {
        Block::Line(t) | Block::Paragraph(t) => vec![t.as_str()],
        Block::Grid(g) => g.rows.iter().flatten().map(|c| c.text.as_str()).collect(),
    }
}

/// An object with references followed (a bounded number of times).
pub(crate) fn deref<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Object> {
    doc.dereference(obj).ok().map(|(_, o)| o)
}

/// A dictionary's entry, references followed.
pub(crate) fn entry<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    deref(doc, dict.get(key).ok()?)
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

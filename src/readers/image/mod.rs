//! Tables that are pictures (issue 14): scanned PDFs, image files and table images, read
//! into positioned words and rulings for the shared fixed-layout code.
//!
//! Per image: gray plane ([`decode`]) → a photo's sheet squared and its light evened
//! ([`photo`]) → paper/ink levels and deskew ([`clean`]) → rulings
//! and their grids ([`rulings`]) → each non-empty cell cut out and read by Tesseract
//! ([`ocr`]), in batches per document: every cell in Chinese, then the cells that read as
//! numbers again with a digits-only whitelist (the other reading kept as an alternative);
//! what lies outside the grids is read as a page of prose.
//!
//! Coordinates are points with the origin at the top left of the page; on a page that was
//! turned to level it, they are those of the levelled page (`skew_degrees` says by how much);
//! on a photo of a sheet, those of the sheet squared and stretched over the image's box.

pub mod clean;
pub mod decode;
pub mod ocr;
pub mod pdf;
pub mod photo;
pub mod rulings;

use std::path::Path;

use crate::fixed;
use crate::layout::{Budget, Layout, TooLarge};
use crate::model::Diagnostic;
use crate::readers::pdf::DrawnPage;
use decode::{Decoded, Gray, MAX_PIXELS};
use ocr::{Mode, Tesseract, TsvWord, INSTALL};
use rulings::Scale;

#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("reading images needs Tesseract, which was not found: {INSTALL}")]
    NoTesseract,
    #[error("Tesseract has no `{0}` language data: {INSTALL}")]
    NoLanguage(String),
    #[error("the image is {width} × {height} pixels, more than the {MAX_PIXELS}-pixel limit")]
    TooLarge { width: u64, height: u64 },
    #[error("damaged image ({0})")]
    Damaged(String),
    #[error("not supported: {0}")]
    Unsupported(String),
    #[error("OCR failed: {0}")]
    Ocr(String),
    #[error("not a PDF, PNG, JPEG or TIFF image")]
    UnknownFormat,
    #[error(transparent)]
    Size(#[from] TooLarge),
}

/// A box in points, top-left origin.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// A line of text read by OCR (one line of a cell, or of the prose around the tables).
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    pub text: String,
    pub bbox: Rect,
    /// Tesseract's confidence, 0–100: the lowest of the line's words.
    pub confidence: f32,
    /// Other readings of the same pixels (the Chinese reading of a cell read as digits,
    /// or the digits reading of one kept as text).
    pub alternatives: Vec<String>,
}

/// A ruling found in the pixels, in points: horizontal when `y0 == y1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    /// Line width in points.
    pub width: f64,
}

impl Segment {
    fn to_fixed(self) -> fixed::Segment {
        fixed::Segment {
            x0: self.x0,
            y0: self.y0,
            x1: self.x1,
            y1: self.y1,
        }
    }
}

/// A cell of a ruled table: where it starts, how far it spans, its box, and the indices of
/// its words in [`ImagePage::words`].
#[derive(Clone, Debug, PartialEq)]
pub struct TableCell {
    pub row: usize,
    pub col: usize,
    pub rows: usize,
    pub cols: usize,
    pub bbox: Rect,
    pub words: Vec<usize>,
}

/// A ruled table found on a page: the rows and columns of its finest grid, and its cells.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub bbox: Rect,
    pub rows: usize,
    pub cols: usize,
    pub cells: Vec<TableCell>,
}

/// What was read from the images of one page.
#[derive(Clone, Debug, PartialEq)]
pub struct ImagePage {
    /// 1-based.
    pub number: usize,
    /// Page size in points.
    pub width: f64,
    pub height: f64,
    /// The slope of the page's lines in its largest image before it was levelled (degrees,
    /// positive falling to the right); 0 when it was level.
    pub skew_degrees: f64,
    pub words: Vec<Word>,
    pub rulings: Vec<Segment>,
    pub tables: Vec<Table>,
    /// The share of the page its images cover (a scanned page is covered whole).
    pub image_share: f64,
    /// The unit of `src` boxes per point: an image file's pixels (its resolution over 72),
    /// 1 on a PDF's or OFD's page, which `src` gives in points (canonical-xml.md
    /// § Provenance).
    pub src_per_point: f64,
}

/// The pages of a document, and what was not read and why.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImageDocument {
    pub pages: Vec<ImagePage>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Limits of a read.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Pages (of a PDF or TIFF) read at most.
    pub max_pages: usize,
    /// Largest stream of a PDF decompressed.
    pub max_stream_bytes: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_pages: 500,
            max_stream_bytes: crate::readers::pdf::MAX_STREAM_BYTES,
        }
    }
}

/// Resolution taken for an image file that states none: the CSS pixel (screenshots).
pub const DEFAULT_DPI: f64 = 96.0;

/// Reads a PDF or an image file (PNG, JPEG, TIFF, told apart by their first bytes).
pub fn read(
    bytes: &[u8],
    tesseract: &Tesseract,
    options: &Options,
) -> Result<ImageDocument, ImageError> {
    read_bytes(
        bytes,
        options,
        &mut Budget::default(),
        Wanted::All(tesseract),
    )
}

/// Reads an image-only PDF or an image file into the common layout: the words and rulings
/// of each page are laid out and joined by the shared fixed-layout code, as a PDF's glyphs
/// and paths are.
pub fn read_layout(
    bytes: &[u8],
    options: &Options,
    budget: &mut Budget,
) -> Result<Layout, ImageError> {
    let mut doc = read_bytes(bytes, options, budget, Wanted::Every)?;
    let mut layout = Layout {
        diagnostics: std::mem::take(&mut doc.diagnostics),
        ..Layout::default()
    };
    let pages = doc
        .pages
        .iter()
        .map(|p| fixed::lay_out(&p.to_fixed()).src_in_units(p.src_per_point))
        .collect();
    fixed::join(pages, budget)?.into_layout(&mut layout);
    Ok(layout)
}

impl ImagePage {
    /// The page as the shared fixed-layout code takes it: each line read a glyph boxed
    /// where it was read (with its confidence and other readings), each ruling a segment.
    pub fn to_fixed(&self) -> fixed::Page {
        fixed::Page {
            width: self.width,
            height: self.height,
            glyphs: self.words.iter().map(Word::to_glyph).collect(),
            segments: self.rulings.iter().map(|s| s.to_fixed()).collect(),
        }
    }
}

impl Word {
    fn to_glyph(&self) -> fixed::Glyph {
        let size = (self.bbox.y1 - self.bbox.y0).max(0.1);
        fixed::Glyph::boxed(
            self.bbox.x0,
            self.bbox.x1,
            self.bbox.y1 - 0.15 * size,
            size,
            self.text.clone(),
        )
        .read_by_ocr(fixed::OcrReading {
            confidence: f64::from(self.confidence) / 100.0,
            alternatives: self.alternatives.clone(),
        })
    }
}

/// The pages of a text PDF that are pictures of print (a scanned page, a table pasted as
/// an image), read by OCR from the images its pages draw; no page when none is (Tesseract
/// is then not needed).
pub fn read_drawn_pictures<'p>(
    doc: &lopdf::Document,
    pages: impl Iterator<Item = &'p DrawnPage>,
    options: &Options,
    budget: &mut Budget,
) -> Result<ImageDocument, ImageError> {
    let mut read = read_drawn(doc, pages, options, budget, Wanted::Pictures)?;
    read.pages
        .retain(|p| !p.words.is_empty() || !p.rulings.is_empty());
    Ok(read)
}

/// The tables of a web page's image, read by OCR into the common layout, its pages
/// numbered from `first_page`, and how many pages it has; `None` when the image holds no
/// table (Tesseract is then not needed).
pub fn read_table_image(
    bytes: &[u8],
    options: &Options,
    first_page: u32,
    budget: &mut Budget,
) -> Result<Option<(Layout, u32)>, ImageError> {
    let mut doc = read_bytes(bytes, options, budget, Wanted::Tables)?;
    if doc.pages.iter().all(|p| p.tables.is_empty()) {
        return Ok(None);
    }
    let mut layout = Layout {
        diagnostics: std::mem::take(&mut doc.diagnostics),
        ..Layout::default()
    };
    let pages: Vec<fixed::PageLayout> = doc
        .pages
        .iter()
        .map(|p| fixed::lay_out(&p.to_fixed()).src_in_units(p.src_per_point))
        .collect();
    let count = pages.len() as u32;
    fixed::join_from(pages, first_page, budget)?.into_layout(&mut layout);
    Ok(Some((layout, count)))
}

/// [`read`] without OCR: pages with their rulings and tables, no words (Tesseract is not
/// needed).
pub fn find_tables(bytes: &[u8], options: &Options) -> Result<ImageDocument, ImageError> {
    read_bytes(bytes, options, &mut Budget::default(), Wanted::None)
}

/// A relative `src` as a path under `folder`: no scheme, no absolute path, no `..`.
pub fn local_path(folder: &Path, src: &str) -> Option<std::path::PathBuf> {
    if src.is_empty() || src.contains(':') || src.starts_with('/') || src.starts_with('\\') {
        return None;
    }
    let path = src.split(['?', '#']).next()?;
    let decoded = percent_decode(path)?;
    let rel = Path::new(&decoded);
    if rel.components().any(|c| {
        !matches!(
            c,
            std::path::Component::Normal(_) | std::path::Component::CurDir
        )
    }) {
        return None;
    }
    Some(folder.join(rel))
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

// ---------------------------------------------------------------- sources

/// An image to read and where it lies on its page.
struct Placed {
    image: Gray,
    placement: pdf::Placement,
    /// Pixels per inch as stored (from the placement for PDF images).
    dpi: f64,
}

impl Placed {
    /// An image placed on a PDF's or OFD's page, its resolution that of the box it fills.
    /// Print under [`LOW_DPI`] has one-pixel rulings and digits a few pixels tall: it is
    /// read at twice the size (bilinear), where rulings are found and Tesseract reads the
    /// digits. (An image file's resolution is often only [`DEFAULT_DPI`] taken for want of
    /// one: its size is kept.)
    fn on_page(image: Gray, placement: pdf::Placement) -> Placed {
        let dpi = image.width as f64 * 72.0 / placement.width.max(1.0);
        let (image, dpi) = if dpi < LOW_DPI {
            (resize(&image, 2.0), dpi * 2.0)
        } else {
            (image, dpi)
        };
        Placed {
            image,
            placement,
            dpi,
        }
    }
}

struct Source {
    number: usize,
    width: f64,
    height: f64,
    images: Vec<Placed>,
    /// See [`ImagePage::src_per_point`].
    src_per_point: f64,
}

/// Reads a PDF or an image file (told apart by their first bytes), each image taken from
/// `budget` as it is decoded; the document's diagnostics are what was not read and why.
fn read_bytes(
    bytes: &[u8],
    options: &Options,
    budget: &mut Budget,
    wanted: Wanted,
) -> Result<ImageDocument, ImageError> {
    if bytes.starts_with(b"%PDF") || bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        let doc = crate::readers::pdf::load(bytes, options.max_stream_bytes)
            .map_err(|e| ImageError::Damaged(format!("PDF: {e}")))?;
        let (pages, mut diagnostics, more) =
            crate::readers::pdf::drawn_pages(&doc, options.max_stream_bytes, options.max_pages);
        if more {
            diagnostics.push(pages_skipped(options.max_pages));
        }
        let mut read = read_drawn(&doc, pages.iter(), options, budget, wanted)?;
        read.diagnostics.splice(0..0, diagnostics);
        return Ok(read);
    }
    let pages = decode_file(bytes, options.max_pages)?;
    let more = pages.more();
    let sources = pages
        .enumerate()
        .map(|(i, d)| d.map(|d| Source::of_file(d, i + 1)));
    let mut read = read_sources(sources, wanted, budget)?;
    if more {
        read.diagnostics.push(pages_skipped(options.max_pages));
    }
    Ok(read)
}

/// Reads the images a PDF's pages draw, each page's decoded only when it is read.
fn read_drawn<'p>(
    doc: &lopdf::Document,
    pages: impl Iterator<Item = &'p DrawnPage>,
    options: &Options,
    budget: &mut Budget,
    wanted: Wanted,
) -> Result<ImageDocument, ImageError> {
    let mut diagnostics = Vec::new();
    let sources = pages.map(|p| {
        let images = pdf::decode_page(doc, p, options.max_stream_bytes, &mut diagnostics);
        Ok::<_, ImageError>(Source {
            number: p.number as usize,
            width: p.width,
            height: p.height,
            images: images
                .into_iter()
                .map(|im| Placed::on_page(im.image, im.placement))
                .collect(),
            src_per_point: 1.0,
        })
    });
    let mut read = read_sources(sources, wanted, budget)?;
    read.diagnostics.splice(0..0, diagnostics);
    Ok(read)
}

impl Source {
    /// A page of an image file, numbered `number`.
    fn of_file(d: Decoded, number: usize) -> Source {
        let stated = d
            .dpi
            .map(|(x, y)| (x + y) / 2.0)
            .filter(|&v| v >= 50.0)
            .unwrap_or(DEFAULT_DPI);
        // A photo of a sheet is read as the sheet: its page is the sheet squared, at the
        // resolution of A4 when it has A4's shape (a photo's stated one is a camera's), and
        // its `src` boxes are in the squared sheet's pixels.
        let (image, dpi) = match photo::sheet_of(&d.image) {
            Some(sheet) => {
                let dpi = photo::a4_dpi(&sheet).unwrap_or(stated);
                (sheet, dpi)
            }
            None => (d.image, stated),
        };
        let (w, h) = (
            image.width as f64 * 72.0 / dpi,
            image.height as f64 * 72.0 / dpi,
        );
        Source {
            number,
            width: w,
            height: h,
            images: vec![Placed {
                image,
                placement: pdf::Placement {
                    x: 0.0,
                    y: 0.0,
                    width: w,
                    height: h,
                },
                dpi,
            }],
            src_per_point: dpi / 72.0,
        }
    }
}

/// Pages past [`Options::max_pages`] are not read: said, not dropped silently.
pub fn pages_skipped(max_pages: usize) -> Diagnostic {
    Diagnostic::new(
        crate::model::Level::Warning,
        "image-pages-skipped",
        "input",
        format!("the document has more than {max_pages} pages of images; only the first {max_pages} were read"),
    )
}

/// The pages of an image file (PNG, JPEG or TIFF, told by their first bytes), decoded one
/// at a time as they are taken.
pub enum FilePages<'b> {
    One(Option<Decoded>),
    Tiff(Box<decode::TiffPages<'b>>),
}

impl Iterator for FilePages<'_> {
    type Item = Result<Decoded, ImageError>;

    fn next(&mut self) -> Option<Result<Decoded, ImageError>> {
        match self {
            FilePages::One(d) => d.take().map(Ok),
            FilePages::Tiff(pages) => pages.next(),
        }
    }
}

impl FilePages<'_> {
    /// Pages are left unread past the `max_pages` asked for.
    pub fn more(&self) -> bool {
        matches!(self, FilePages::Tiff(pages) if pages.more)
    }
}

/// The pages of an image file, at most `max_pages`.
pub fn decode_file(bytes: &[u8], max_pages: usize) -> Result<FilePages<'_>, ImageError> {
    if bytes.starts_with(b"\x89PNG") {
        Ok(FilePages::One(Some(decode::png(bytes)?)))
    } else if bytes.starts_with(b"\xff\xd8") {
        Ok(FilePages::One(Some(decode::jpeg(bytes)?)))
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Ok(FilePages::Tiff(Box::new(decode::tiff(bytes, max_pages)?)))
    } else {
        Err(ImageError::UnknownFormat)
    }
}

/// Pixels the images of one page may have together: a page is one scan, or a few pictures
/// on print. Images past it are not read (a page that draws one image many times).
pub const MAX_PAGE_PIXELS: u64 = MAX_PIXELS;

/// Says that images of a page past [`MAX_PAGE_PIXELS`] (or past
/// [`crate::readers::pdf::MAX_IMAGES`]) were not read.
pub fn images_skipped(page: usize, skipped: usize) -> Diagnostic {
    Diagnostic::new(
        crate::model::Level::Warning,
        "image-too-many",
        format!("page {page}"),
        format!(
            "{skipped} image(s) drawn on page {page} were not read: a page's images are read up to {} of them and {MAX_PAGE_PIXELS} pixels together",
            crate::readers::pdf::MAX_IMAGES
        ),
    )
}

/// A page made of pictures (a scanned page of an OFD): its size in points, and each
/// image file with the box it covers.
pub struct PicturePage {
    pub width: f64,
    pub height: f64,
    pub images: Vec<(Vec<u8>, pdf::Placement)>,
}

/// Reads pages made of pictures by OCR, numbered from 1 in order, each page's images
/// decoded when the page is read.
pub fn read_picture_pages(
    pages: Vec<PicturePage>,
    budget: &mut Budget,
) -> Result<ImageDocument, ImageError> {
    let mut diagnostics = Vec::new();
    let sources = pages.into_iter().enumerate().map(|(i, page)| {
        let (mut images, mut pixels, mut skipped) = (Vec::new(), 0u64, 0);
        for (bytes, placement) in page.images {
            // A multi-page TIFF on a page shows its first page.
            let Some(d) = decode_file(&bytes, 1)?.next().transpose()? else {
                continue;
            };
            pixels += (d.image.width * d.image.height) as u64;
            if pixels > MAX_PAGE_PIXELS {
                skipped += 1;
                continue;
            }
            images.push(Placed::on_page(d.image, placement));
        }
        if skipped > 0 {
            diagnostics.push(images_skipped(i + 1, skipped));
        }
        Ok(Source {
            number: i + 1,
            width: page.width,
            height: page.height,
            images,
            src_per_point: 1.0,
        })
    });
    let mut read = read_sources(sources, Wanted::Every, budget)?;
    read.diagnostics.splice(0..0, diagnostics);
    Ok(read)
}

// ---------------------------------------------------------------- reading

/// The narrowest table, in points (an inch); a quarter of it is the lowest.
const MIN_TABLE_POINTS: f64 = 72.0;

/// Below this resolution an image placed on a page is read at twice its size.
const LOW_DPI: f64 = 110.0;

/// Height in pixels Tesseract reads a line of print best at (found by trying: a digit
/// twice as tall is often not read at all with `--psm 7`).
const LINE_PIXELS: f64 = 30.0;

/// A picture to give Tesseract, and how its pixels map back to the page.
struct Job {
    image: Gray,
    /// Page points of the job image's pixel (0, 0), and points per job pixel across and down.
    x: f64,
    y: f64,
    kx: f64,
    ky: f64,
    page: usize,
    /// The table and cell it belongs to, if any.
    cell: Option<(usize, usize)>,
    /// Its print is one short line: it may be a number.
    number_shaped: bool,
    /// Width over height of its print.
    aspect: f64,
}

/// A cell's print before it is zoomed: where it came from and how tall it is.
struct CellInk {
    cut: Cut,
    placement: pdf::Placement,
    source_width: usize,
    source_height: usize,
    page: usize,
    cell: (usize, usize),
}

/// Which pages of a document are read by OCR, once their rulings and tables are known.
enum Wanted<'t> {
    /// None: tables only, Tesseract not needed.
    None,
    /// Every page, by this Tesseract.
    All(&'t Tesseract),
    /// Every page, by the Tesseract found once the pages are decoded (a damaged image is
    /// told as such whether or not Tesseract is installed).
    Every,
    /// The pages of a text PDF that are pictures of print: a scanned page (an image over
    /// half of it), or one with a table drawn as an image. Tesseract is looked for only
    /// when there is such a page.
    Pictures,
    /// The pages with a table (a web page's images: logos and photos are no tables).
    Tables,
}

/// Reads pages one by one as `sources` decodes them (a page's images are dropped once
/// cut into what OCR reads), then OCR for all of them at once. Each page's pixels, and
/// those of the pictures cut from it for OCR (enlarged where print is small), are taken
/// from `budget` as the page is read: the pages held never come to more.
fn read_sources(
    sources: impl IntoIterator<Item = Result<Source, ImageError>>,
    wanted: Wanted,
    budget: &mut Budget,
) -> Result<ImageDocument, ImageError> {
    let mut pages: Vec<ImagePage> = Vec::new();
    let mut cells: Vec<Job> = Vec::new();
    let mut prose: Vec<Job> = Vec::new();
    let pixels = |g: &Gray| (g.width * g.height) as u64;
    for source in sources {
        let source = source?;
        budget.pixels(source.images.iter().map(|p| pixels(&p.image)).sum())?;
        let jobs_before = (cells.len(), prose.len());
        let mut page = ImagePage {
            number: source.number,
            width: source.width,
            height: source.height,
            skew_degrees: 0.0,
            words: Vec::new(),
            rulings: Vec::new(),
            tables: Vec::new(),
            image_share: source
                .images
                .iter()
                .map(|p| p.placement.width * p.placement.height)
                .sum::<f64>()
                / (source.width * source.height).max(1.0),
            src_per_point: source.src_per_point,
        };
        let largest = source
            .images
            .iter()
            .enumerate()
            .max_by_key(|(_, p)| p.image.width * p.image.height)
            .map(|(i, _)| i);
        for (i, placed) in source.images.into_iter().enumerate() {
            let skew = prepare(placed, pages.len(), &mut page, &mut cells, &mut prose);
            if Some(i) == largest {
                page.skew_degrees = skew;
            }
        }
        let cut: u64 = cells[jobs_before.0..]
            .iter()
            .chain(&prose[jobs_before.1..])
            .map(|j| pixels(&j.image))
            .sum();
        budget.pixels(cut)?;
        pages.push(page);
    }

    let found;
    let tesseract = match wanted {
        Wanted::None => None,
        Wanted::All(t) => Some(t),
        Wanted::Every => {
            found = Tesseract::find()?;
            Some(&found)
        }
        Wanted::Pictures | Wanted::Tables => {
            let pictures = matches!(wanted, Wanted::Pictures);
            let picture = |p: &ImagePage| (pictures && p.image_share > 0.5) || !p.tables.is_empty();
            for page in pages.iter_mut().filter(|p| !picture(p)) {
                page.rulings.clear();
            }
            let keep = |j: &Job| picture(&pages[j.page]);
            cells.retain(keep);
            prose.retain(keep);
            if cells.is_empty() && prose.is_empty() {
                None
            } else {
                found = Tesseract::find()?;
                Some(&found)
            }
        }
    };
    let Some(tesseract) = tesseract else {
        return Ok(ImageDocument {
            pages,
            diagnostics: Vec::new(),
        });
    };
    // Pass 1: the cells shaped like numbers, as digits.
    let shaped: Vec<usize> = (0..cells.len())
        .filter(|&i| cells[i].number_shaped)
        .collect();
    let digits = tesseract.read(&images_of(&cells, &shaped), Mode::Digits)?;
    let mut digit_lines: Vec<Option<Vec<Word>>> = vec![None; cells.len()];
    for (k, &i) in shaped.iter().enumerate() {
        digit_lines[i] = Some(lines(&digits[k], &cells[i]));
    }
    // Pass 2: in Chinese, every cell not read as a sure number.
    let sure = |i: usize| {
        digit_lines[i]
            .as_deref()
            .is_some_and(|d| is_sure_number(d, cells[i].aspect))
    };
    let rest: Vec<usize> = (0..cells.len()).filter(|&i| !sure(i)).collect();
    let chinese = tesseract.read(&images_of(&cells, &rest), Mode::ChineseBlock)?;
    let mut chinese_lines: Vec<Option<Vec<Word>>> = vec![None; cells.len()];
    for (k, &i) in rest.iter().enumerate() {
        chinese_lines[i] = Some(lines(&chinese[k], &cells[i]));
    }
    // Pass 3: the print outside the tables, as pages of prose.
    let all: Vec<usize> = (0..prose.len()).collect();
    let prose_words = tesseract.read(&images_of(&prose, &all), Mode::ChinesePage)?;

    for (i, job) in cells.iter().enumerate() {
        let chosen = choose(digit_lines[i].take(), chinese_lines[i].take());
        let page = &mut pages[job.page];
        let start = page.words.len();
        page.words.extend(chosen);
        if let Some((t, c)) = job.cell {
            let end = page.words.len();
            page.tables[t].cells[c].words.extend(start..end);
        }
    }
    for (i, job) in prose.iter().enumerate() {
        let words = lines(&prose_words[i], job);
        pages[job.page].words.extend(words);
    }
    Ok(ImageDocument {
        pages,
        diagnostics: Vec::new(),
    })
}

fn images_of(jobs: &[Job], which: &[usize]) -> Vec<Gray> {
    which.iter().map(|&i| jobs[i].image.clone()).collect()
}

/// A digits reading taken without asking the Chinese model: one line that is a number, read
/// with confidence, whose length fits the width of the print (a label read as digits
/// does not: Chinese characters are about twice as wide as digits).
fn is_sure_number(d: &[Word], aspect: f64) -> bool {
    let [only] = d else { return false };
    let chars = only.text.chars().filter(|c| !c.is_whitespace()).count() as f64;
    is_number(&only.text) && only.confidence >= 80.0 && aspect <= 0.8 * chars + 0.5
}

/// The reading of a cell from its digits and Chinese readings (either may be missing): the
/// Chinese one when it has Chinese characters (other than dashes) or nothing else was read
/// as a number; the other kept as an alternative.
fn choose(digits: Option<Vec<Word>>, chinese: Option<Vec<Word>>) -> Vec<Word> {
    let joined = |w: &[Word]| {
        w.iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    match (digits, chinese) {
        (Some(d), None) => d,
        (None, Some(c)) => c,
        (None, None) => Vec::new(),
        (Some(d), Some(c)) => {
            let (dt, ct) = (joined(&d), joined(&c));
            let number = matches!(d.as_slice(), [only] if is_number(&only.text));
            let (mut keep, other) = if number && !has_cjk(&normalise_dashes(&ct)) {
                (d, ct)
            } else {
                (c, dt)
            };
            if let [only] = keep.as_mut_slice() {
                if !other.is_empty() && other != only.text {
                    only.alternatives.push(other);
                }
            }
            keep
        }
    }
}

/// Levels an image, finds its rulings and grids, and queues its cells and the rest of it
/// for OCR. Returns the skew found.
fn prepare(
    placed: Placed,
    page_index: usize,
    page: &mut ImagePage,
    cells: &mut Vec<Job>,
    prose: &mut Vec<Job>,
) -> f64 {
    let Placed {
        image,
        placement,
        dpi,
    } = placed;
    // A photo placed on a PDF's or OFD's page: its sheet stretched over the image's box.
    let (image, dpi) = match photo::sheet_of(&image) {
        Some(sheet) => {
            let dpi = sheet.width as f64 * 72.0 / placement.width.max(1.0);
            (sheet, dpi)
        }
        None => (image, dpi),
    };
    let levels = clean::levels(&image);
    let skew = clean::skew_degrees(&image, levels.text);
    let img = clean::level(&image, skew);
    let scale = Scale::at(dpi);
    let lines = rulings::find_lines(&img, levels.ruling, scale);
    let (kx, ky) = (
        placement.width / img.width as f64,
        placement.height / img.height as f64,
    );
    let to_page = |x: f64, y: f64| (placement.x + x * kx, placement.y + y * ky);
    let to_pixels = |x: f64, y: f64| ((x - placement.x) / kx, (y - placement.y) / ky);
    let segments: Vec<Segment> = lines
        .iter()
        .map(|l| {
            let (x0, y0, x1, y1) = if l.horizontal {
                (l.from as f64, l.pos, l.to as f64, l.pos)
            } else {
                (l.pos, l.from as f64, l.pos, l.to as f64)
            };
            let (a, b) = (to_page(x0, y0), to_page(x1, y1));
            Segment {
                x0: a.0,
                y0: a.1,
                x1: b.0,
                y1: b.1,
                width: l.thickness as f64 * if l.horizontal { ky } else { kx },
            }
        })
        .collect();
    // The tables are the ones the shared fixed-layout code finds in these rulings, so the
    // cells read are the cells it will lay out.
    // A table is larger than a character: strokes of a large bold glyph can cross like
    // rulings (their segments are then left out, so the layout does not find them either).
    let tables: Vec<fixed::RuledTable> =
        fixed::ruled_tables(&segments.iter().map(|s| s.to_fixed()).collect::<Vec<_>>())
            .into_iter()
            .filter(|t| {
                let (w, h) = (
                    t.xs[t.xs.len() - 1] - t.xs[0],
                    t.ys[t.ys.len() - 1] - t.ys[0],
                );
                w >= MIN_TABLE_POINTS && h >= MIN_TABLE_POINTS / 4.0
            })
            .collect();
    // Rulings of a table, and long rules elsewhere; short strokes outside tables are print.
    let snap = scale.snap * kx.max(ky);
    let in_table = |s: &Segment| {
        let (x, y) = ((s.x0 + s.x1) / 2.0, (s.y0 + s.y1) / 2.0);
        tables.iter().any(|t| {
            x >= t.xs[0] - snap
                && x <= t.xs[t.xs.len() - 1] + snap
                && y >= t.ys[0] - snap
                && y <= t.ys[t.ys.len() - 1] + snap
        })
    };
    let long = dpi * kx.max(ky);
    page.rulings.extend(
        segments
            .into_iter()
            .filter(|s| in_table(s) || (s.x1 - s.x0).max(s.y1 - s.y0) >= long),
    );
    let mut rest = img.clone();
    let mut inks: Vec<CellInk> = Vec::new();
    for ruled in &tables {
        let t = page.tables.len();
        let (rows, cols) = (ruled.ys.len() - 1, ruled.xs.len() - 1);
        let mut table = Table {
            bbox: Rect {
                x0: ruled.xs[0],
                y0: ruled.ys[0],
                x1: ruled.xs[cols],
                y1: ruled.ys[rows],
            },
            rows,
            cols,
            cells: Vec::new(),
        };
        for (c, cell) in ruled.cells.iter().enumerate() {
            table.cells.push(TableCell {
                row: cell.row,
                col: cell.col,
                rows: cell.rows,
                cols: cell.cols,
                bbox: Rect {
                    x0: cell.x0,
                    y0: cell.y0,
                    x1: cell.x1,
                    y1: cell.y1,
                },
                words: Vec::new(),
            });
            let (x0, y0) = to_pixels(cell.x0, cell.y0);
            let (x1, y1) = to_pixels(cell.x1, cell.y1);
            if let Some(cut) = cut_cell(&img, (x0, y0, x1, y1), levels.text, dpi) {
                inks.push(CellInk {
                    cut,
                    placement,
                    source_width: img.width,
                    source_height: img.height,
                    page: page_index,
                    cell: (t, c),
                });
            }
        }
        let (x0, y0) = to_pixels(table.bbox.x0, table.bbox.y0);
        let (x1, y1) = to_pixels(table.bbox.x1, table.bbox.y1);
        blank_box(&mut rest, (x0, y0, x1, y1));
        page.tables.push(table);
    }
    // The height of a line of print: most cells hold one line (numbers).
    let mut heights: Vec<usize> = inks.iter().map(|i| i.cut.image.height).collect();
    heights.sort_unstable();
    let line = heights.get(heights.len() / 2).map(|&h| h as f64);
    for ink in inks {
        cells.push(ink.into_job(line));
    }
    if has_ink(&rest, levels.text, dpi) {
        // Without cells to measure a line by, the resolution says how large print is.
        let zoom = line.map_or_else(
            || (300.0 / dpi).clamp(1.0, 4.0),
            |h| (LINE_PIXELS / h).clamp(0.5, 4.0),
        );
        prose.push(Job {
            image: resize(&rest, zoom),
            x: placement.x,
            y: placement.y,
            kx: kx / zoom,
            ky: ky / zoom,
            page: page_index,
            cell: None,
            number_shaped: false,
            aspect: 0.0,
        });
    }
    skew
}

impl CellInk {
    /// Zoomed so that a line of print is [`LINE_PIXELS`] high, framed in white.
    fn into_job(self, line: Option<f64>) -> Job {
        let ink = self.cut.image;
        let (w, h) = (ink.width as f64, ink.height as f64);
        let line = line.unwrap_or(h);
        let one_line = h <= line * 1.5;
        let zoom = (LINE_PIXELS / if one_line { h } else { line }).clamp(0.5, 4.0);
        let zoomed = resize(&ink, zoom);
        let frame = 16;
        let mut framed = Gray::new(zoomed.width + 2 * frame, zoomed.height + 2 * frame, 255);
        for y in 0..zoomed.height {
            let dst = (y + frame) * framed.width + frame;
            framed.pixels[dst..dst + zoomed.width]
                .copy_from_slice(&zoomed.pixels[y * zoomed.width..(y + 1) * zoomed.width]);
        }
        let kx = self.placement.width / self.source_width as f64;
        let ky = self.placement.height / self.source_height as f64;
        Job {
            image: framed,
            x: self.placement.x + (self.cut.x - frame as f64 / zoom) * kx,
            y: self.placement.y + (self.cut.y - frame as f64 / zoom) * ky,
            kx: kx / zoom,
            ky: ky / zoom,
            page: self.page,
            cell: Some(self.cell),
            // A number is one line of at most twenty digits or so.
            number_shaped: one_line && w <= 12.0 * h,
            aspect: w / h.max(1.0),
        }
    }
}

/// Makes a table's box (pixels: x0, y0, x1, y1) white, so that what is left is prose.
fn blank_box(img: &mut Gray, (bx0, by0, bx1, by1): (f64, f64, f64, f64)) {
    let pad = 3.0;
    let x0 = ((bx0 - pad).max(0.0) as usize).min(img.width);
    let y0 = ((by0 - pad).max(0.0) as usize).min(img.height);
    let x1 = (((bx1 + pad).max(0.0)) as usize).min(img.width).max(x0);
    let y1 = (((by1 + pad).max(0.0)) as usize).min(img.height).max(y0);
    for y in y0..y1 {
        img.pixels[y * img.width + x0..y * img.width + x1].fill(255);
    }
}

/// Enough print for a line of prose (about ten characters).
fn has_ink(img: &Gray, threshold: u8, dpi: f64) -> bool {
    let min = ((dpi / 100.0).powi(2) * 1000.0) as usize;
    img.pixels.iter().filter(|&&p| p < threshold).count() >= min
}

/// A cell's print, cut out without its rulings and specks.
struct Cut {
    image: Gray,
    /// The source pixel at the cut's (0, 0).
    x: f64,
    y: f64,
}

/// The print of a cell whose box in pixels is (x0, y0, x1, y1); `None` when it is empty.
fn cut_cell(
    img: &Gray,
    (cx0, cy0, cx1, cy1): (f64, f64, f64, f64),
    threshold: u8,
    dpi: f64,
) -> Option<Cut> {
    let inset = (dpi / 100.0).ceil() + 1.0;
    let x0 = ((cx0 + inset).max(0.0) as usize).min(img.width);
    let y0 = ((cy0 + inset).max(0.0) as usize).min(img.height);
    let x1 = ((cx1 - inset).max(0.0) as usize).min(img.width);
    let y1 = ((cy1 - inset).max(0.0) as usize).min(img.height);
    if x1 <= x0 + 2 || y1 <= y0 + 2 {
        return None;
    }
    let mut part = img.crop(x0, y0, x1, y1);
    clear_ruling_remnants(&mut part, threshold);
    let (bx0, by0, bx1, by1) = ink_box(&mut part, threshold, dpi)?;
    Some(Cut {
        image: part.crop(bx0, by0, bx1, by1),
        x: (x0 + bx0) as f64,
        y: (y0 + by0) as f64,
    })
}

/// Rows and columns along the cut's edges that are mostly dark are what is left of a
/// ruling (a slightly crooked one, or a thick one): made white.
fn clear_ruling_remnants(part: &mut Gray, threshold: u8) {
    let (w, h) = (part.width, part.height);
    let edge = |n: usize| (n / 5).clamp(1, 8);
    for y in (0..edge(h)).chain(h - edge(h)..h) {
        let dark = part.pixels[y * w..(y + 1) * w]
            .iter()
            .filter(|&&p| p < threshold)
            .count();
        if dark * 2 > w {
            part.pixels[y * w..(y + 1) * w].fill(255);
        }
    }
    for x in (0..edge(w)).chain(w - edge(w)..w) {
        let dark = (0..h)
            .filter(|&y| part.pixels[y * w + x] < threshold)
            .count();
        if dark * 2 > h {
            for y in 0..h {
                part.pixels[y * w + x] = 255;
            }
        }
    }
}

/// The box of the print in a cut, after specks (small blobs far from any print) are made
/// white; `None` when nothing is left.
fn ink_box(part: &mut Gray, threshold: u8, dpi: f64) -> Option<(usize, usize, usize, usize)> {
    let (w, h) = (part.width, part.height);
    let mut label = vec![0u32; w * h];
    // Each blob: x0, y0, x1, y1, area.
    let mut blobs: Vec<(usize, usize, usize, usize, usize)> = Vec::new();
    let mut stack = Vec::new();
    for start in 0..w * h {
        if label[start] != 0 || part.pixels[start] >= threshold {
            continue;
        }
        let id = blobs.len() as u32 + 1;
        let mut b = (usize::MAX, usize::MAX, 0, 0, 0);
        label[start] = id;
        stack.push(start);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            b = (
                b.0.min(x),
                b.1.min(y),
                b.2.max(x + 1),
                b.3.max(y + 1),
                b.4 + 1,
            );
            for (dx, dy) in [
                (-1i64, 0i64),
                (1, 0),
                (0, -1),
                (0, 1),
                (-1, -1),
                (1, 1),
                (-1, 1),
                (1, -1),
            ] {
                let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                    continue;
                }
                let j = ny as usize * w + nx as usize;
                if label[j] == 0 && part.pixels[j] < threshold {
                    label[j] = id;
                    stack.push(j);
                }
            }
        }
        blobs.push(b);
    }
    let small = ((dpi / 100.0).powi(2) * 2.5).max(3.0) as usize;
    let near = (dpi * 0.06) as usize;
    let big: Vec<usize> = (0..blobs.len()).filter(|&i| blobs[i].4 >= small).collect();
    if big.is_empty() {
        return None;
    }
    let near_big = NearBoxes::new(w, h, near, big.iter().map(|&j| blobs[j]));
    let keep: Vec<bool> = blobs
        .iter()
        .map(|b| b.4 >= small || near_big.touches(b.0, b.1, b.2, b.3))
        .collect();
    let mut bbox = (usize::MAX, usize::MAX, 0, 0);
    for (i, &l) in label.iter().enumerate() {
        if l == 0 {
            continue;
        }
        if !keep[l as usize - 1] {
            part.pixels[i] = 255;
            continue;
        }
        let (x, y) = (i % w, i / w);
        bbox = (
            bbox.0.min(x),
            bbox.1.min(y),
            bbox.2.max(x + 1),
            bbox.3.max(y + 1),
        );
    }
    (bbox.2 > bbox.0).then_some(bbox)
}

/// Boxes grown by `near` on every side, painted into a grid that is summed once, so that
/// whether a box touches any of them is four lookups: a cut of speckled paper holds
/// hundreds of thousands of blobs, and testing each against each big one was quadratic.
/// Boxes are `(x0, y0, x1, y1)` with `x1`, `y1` past the end, and touch when their closed
/// ranges `[x0, x1]` meet (as they were compared before).
struct NearBoxes {
    near: usize,
    /// Columns of `sums`: one more than the grid's width.
    stride: usize,
    /// `sums[y][x]`: how many grid points in `[0, x) × [0, y)` some grown box covers.
    sums: Vec<u32>,
}

impl NearBoxes {
    fn new(
        w: usize,
        h: usize,
        near: usize,
        boxes: impl Iterator<Item = (usize, usize, usize, usize, usize)>,
    ) -> NearBoxes {
        // Grid coordinates are shifted by `near` (a grown box starts at 0 or later), and
        // grid point (x, y) is kept at `(y + 1) * stride + x + 1`: one array is first the
        // boxes' corners, then their cover counts, then the sums (four bytes a pixel).
        let (gw, gh) = (w + 2 * near + 2, h + 2 * near + 2);
        let stride = gw + 1;
        let mut sums = vec![0u32; stride * (gh + 1)];
        let at = |x: usize, y: usize| (y + 1) * stride + x + 1;
        for b in boxes {
            let (x0, y0, x1, y1) = (b.0, b.1, b.2 + 2 * near + 1, b.3 + 2 * near + 1);
            sums[at(x0, y0)] = sums[at(x0, y0)].wrapping_add(1);
            sums[at(x1, y0)] = sums[at(x1, y0)].wrapping_sub(1);
            sums[at(x0, y1)] = sums[at(x0, y1)].wrapping_sub(1);
            sums[at(x1, y1)] = sums[at(x1, y1)].wrapping_add(1);
        }
        for y in 0..gh {
            for x in 1..gw {
                sums[at(x, y)] = sums[at(x, y)].wrapping_add(sums[at(x - 1, y)]);
            }
        }
        for y in 1..gh {
            for x in 0..gw {
                sums[at(x, y)] = sums[at(x, y)].wrapping_add(sums[at(x, y - 1)]);
            }
        }
        for y in 0..gh {
            for x in 0..gw {
                let i = at(x, y);
                sums[i] =
                    u32::from(sums[i] > 0) + sums[i - stride] + sums[i - 1] - sums[i - stride - 1];
            }
        }
        NearBoxes { near, stride, sums }
    }

    fn touches(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> bool {
        let (x0, y0, x1, y1) = (
            x0 + self.near,
            y0 + self.near,
            x1 + self.near + 1,
            y1 + self.near + 1,
        );
        let at = |x: usize, y: usize| self.sums[y * self.stride + x];
        at(x1, y1) + at(x0, y0) > at(x0, y1) + at(x1, y0)
    }
}

/// Bilinear zoom by `k`.
fn resize(img: &Gray, k: f64) -> Gray {
    let (w, h) = (
        ((img.width as f64) * k).round() as usize,
        ((img.height as f64) * k).round() as usize,
    );
    let mut out = Gray::new(w.max(1), h.max(1), 255);
    for yo in 0..out.height {
        let y = ((yo as f64 + 0.5) / k - 0.5).max(0.0);
        let y0 = (y as usize).min(img.height - 1);
        let y1 = (y0 + 1).min(img.height - 1);
        let fy = y - y0 as f64;
        for xo in 0..out.width {
            let x = ((xo as f64 + 0.5) / k - 0.5).max(0.0);
            let x0 = (x as usize).min(img.width - 1);
            let x1 = (x0 + 1).min(img.width - 1);
            let fx = x - x0 as f64;
            let p = |xx: usize, yy: usize| img.pixels[yy * img.width + xx] as f64;
            let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
            let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
            out.pixels[yo * out.width + xo] = (top * (1.0 - fy) + bottom * fy).round() as u8;
        }
    }
    out
}

// ---------------------------------------------------------------- readings

/// The words of a TSV image grouped by line, each line one [`Word`] in page points.
fn lines(words: &[TsvWord], job: &Job) -> Vec<Word> {
    let mut out: Vec<((u32, u32, u32), Word, f64)> = Vec::new();
    for w in words {
        let bbox = Rect {
            x0: job.x + w.left * job.kx,
            y0: job.y + w.top * job.ky,
            x1: job.x + (w.left + w.width) * job.kx,
            y1: job.y + (w.top + w.height) * job.ky,
        };
        match out.last_mut() {
            Some((key, line, right)) if *key == w.line => {
                // A space only between two words of Latin letters or digits set apart.
                let gap = w.left - *right;
                let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                if gap > w.height * 0.3
                    && latin(line.text.chars().last())
                    && latin(w.text.chars().next())
                {
                    line.text.push(' ');
                }
                line.text.push_str(&w.text);
                line.bbox = Rect {
                    x0: line.bbox.x0.min(bbox.x0),
                    y0: line.bbox.y0.min(bbox.y0),
                    x1: line.bbox.x1.max(bbox.x1),
                    y1: line.bbox.y1.max(bbox.y1),
                };
                line.confidence = line.confidence.min(w.confidence);
                *right = w.left + w.width;
            }
            _ => out.push((
                w.line,
                Word {
                    text: w.text.clone(),
                    bbox,
                    confidence: w.confidence,
                    alternatives: Vec::new(),
                },
                w.left + w.width,
            )),
        }
    }
    out.into_iter().map(|(_, w, _)| w).collect()
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{3400}'..='\u{9fff}').contains(&c))
}

/// Dash-like marks read in a number cell (一 is how the Chinese model reads a dash).
fn normalise_dashes(s: &str) -> String {
    s.chars()
        .map(|c| {
            if matches!(c, '一' | '—' | '–' | '－' | '―') {
                '-'
            } else {
                c
            }
        })
        .collect()
}

/// Digits with at most one decimal point, thousands commas, or a dash alone.
fn is_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t == "-" {
        return true;
    }
    let body = t.strip_prefix('-').unwrap_or(&t);
    !body.is_empty()
        && body.chars().next().is_some_and(|c| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && body.matches('.').count() <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_boxes_answer_as_comparing_each_pair_does() {
        // Boxes of a 40 × 30 cut from a fixed pseudo-random sequence, against the
        // comparison they replace.
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let mut boxes = || {
            (0..60)
                .map(|_| {
                    let (x0, y0) = (next(40), next(30));
                    (x0, y0, x0 + 1 + next(40 - x0), y0 + 1 + next(30 - y0), 0)
                })
                .collect::<Vec<_>>()
        };
        let (big, small) = (boxes()[..3].to_vec(), boxes());
        let mut seen = [false; 2];
        for near in [0, 1, 3] {
            let grid = NearBoxes::new(40, 30, near, big.iter().copied());
            for b in &small {
                let pairwise = big.iter().any(|o| {
                    b.0 <= o.2 + near && o.0 <= b.2 + near && b.1 <= o.3 + near && o.1 <= b.3 + near
                });
                assert_eq!(
                    grid.touches(b.0, b.1, b.2, b.3),
                    pairwise,
                    "{b:?} near {near}"
                );
                seen[usize::from(pairwise)] = true;
            }
        }
        assert_eq!(seen, [true, true], "boxes that touch and boxes that do not");
    }

    #[test]
    fn numbers_are_told_from_other_readings() {
        for yes in ["0", "4119", "7730.28", "1,234", "-", "1, 234"] {
            assert!(is_number(yes), "{yes}");
        }
        for no in ["", "..", "1.2.3", "行政", "4l19", ".5"] {
            assert!(!is_number(no), "{no}");
        }
    }

    fn word(text: &str, confidence: f32) -> Word {
        Word {
            text: text.into(),
            bbox: Rect {
                x0: 0.0,
                y0: 0.0,
                x1: 10.0,
                y1: 10.0,
            },
            confidence,
            alternatives: Vec::new(),
        }
    }

    #[test]
    fn a_cell_reads_as_digits_unless_its_chinese_reading_is_chinese() {
        let kept = choose(Some(vec![word("4", 70.0)]), Some(vec![word("上", 32.0)]));
        assert_eq!(
            (kept[0].text.as_str(), kept[0].alternatives.clone()),
            ("上", vec!["4".to_string()])
        );
        let kept = choose(Some(vec![word("10", 90.0)]), Some(vec![word("一0", 40.0)]));
        assert_eq!(
            (kept[0].text.as_str(), kept[0].alternatives.clone()),
            ("10", vec!["一0".to_string()])
        );
        let kept = choose(Some(vec![word("17", 60.0)]), Some(vec![word("其他", 90.0)]));
        assert_eq!(kept[0].text, "其他");
        assert!(is_sure_number(&[word("4119", 95.0)], 2.4));
        // "其他" read as digits "10": two characters twice as wide as two digits.
        assert!(!is_sure_number(&[word("10", 95.0)], 2.2));
        assert!(!is_sure_number(&[word("4119", 60.0)], 2.4));
    }

    #[test]
    fn only_relative_paths_beside_the_page_are_read() {
        let f = Path::new("/saved");
        assert_eq!(
            local_path(f, "page_files/t%201.png"),
            Some(f.join("page_files/t 1.png"))
        );
        assert_eq!(local_path(f, "./a.png?x=1"), Some(f.join("./a.png")));
        for refused in [
            "http://x/a.png",
            "/etc/a.png",
            "../a.png",
            "a/../../b.png",
            "data:image/png;base64,AA",
            "",
        ] {
            assert_eq!(local_path(f, refused), None, "{refused}");
        }
    }
}

//! OFD (GB/T 33190-2016), China's fixed-layout format, read into positioned glyphs,
//! rulings and images per page ([`read`]), in points with a top-left origin as the PDF
//! reader gives them: `OFD.xml` → `DocBody/DocRoot` → `Document.xml` (page area,
//! resources, template pages, pages) → each page's `Content.xml` layers, templates drawn
//! under or over it. [`read_layout`] hands the pages to [`fixed`], which lays them out and
//! joins them as it does PDF's.
//!
//! The package is a zip read through the office readers' limits (part size, compression
//! ratio); every location it names must resolve inside it; its XML is read without a
//! DOCTYPE (no entities). Text needs no embedded font: OFD stores Unicode in `TextCode`,
//! except where a `CGTransform` draws glyphs by index over characters that are not text —
//! those come out as U+FFFD, counted in a diagnostic. Signatures are not checked; their
//! presence and the seal's name are reported.

mod content;
mod document;
mod package;
mod signature;
mod tree;

use std::collections::BTreeMap;

use crate::fixed;
use crate::layout::{Budget, Layout, TooLarge};
use crate::model::{Diagnostic, Level};
use crate::readers::image;
use crate::readers::office::OfficeError;

/// Pages read at most; the rest are reported (as for PDF).
pub const MAX_PAGES: usize = 2_000;
/// Glyphs read per document at most.
pub const MAX_GLYPHS: usize = 2_000_000;
/// Rulings and images drawn per document at most, templates counted on every page that
/// draws them.
pub const MAX_SHAPES: usize = 2_000_000;
/// Rulings kept per page at most (a page of hatching is not a table).
pub const MAX_RULINGS: usize = 200_000;
/// Bytes all parts read may decompress to in all: a template or resource file is read
/// once, but every page's content is its own part.
pub const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;

/// Points per millimetre: OFD measures in millimetres.
pub const POINTS_PER_MM: f64 = 72.0 / 25.4;

/// What an OFD document holds, page by page.
#[derive(Debug, Clone, Default)]
pub struct OfdDocument {
    /// `DocInfo/Title`, when given.
    pub title: Option<String>,
    pub pages: Vec<OfdPage>,
    /// The fonts the resources declare; [`OfdGlyph::font`] indexes this.
    pub fonts: Vec<OfdFont>,
    pub signatures: Vec<OfdSignature>,
    /// What was odd but readable: signatures, glyphs without text, skipped objects.
    pub diagnostics: Vec<Diagnostic>,
}

/// One page, in points, origin at its top-left corner, y down.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfdPage {
    pub width: f64,
    pub height: f64,
    /// Template glyphs drawn under the page (`ZOrder` Background) come first, those drawn
    /// over it last; the page's own in the order of its content.
    pub glyphs: Vec<OfdGlyph>,
    /// Straight horizontal and vertical segments drawn by `PathObject`s: table rulings.
    pub rulings: Vec<fixed::Segment>,
    pub images: Vec<OfdImage>,
}

/// A character as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct OfdGlyph {
    /// Where and how it is drawn, as the fixed-layout code takes it: its text one
    /// character (U+FFFD when it is drawn by glyph index only, see the module doc), its
    /// baseline from its origin along the advance — `DeltaX` where the text gives it; for a
    /// run's last glyph (and text without `DeltaX`) an em (CJK, full width) or half an em
    /// (the rest), kept inside the object's `Boundary` — and its em size.
    pub glyph: fixed::Glyph,
    /// Drawn by a template page, not by the page itself.
    pub template: bool,
    /// Index into [`OfdDocument::fonts`], when the font is declared.
    pub font: Option<usize>,
}

/// An `ImageObject`: where it lies on the page and where its bytes are.
#[derive(Debug, Clone, PartialEq)]
pub struct OfdImage {
    /// The box it covers (points).
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// The entry of the image file in the package (read it with [`media_bytes`]); None
    /// when its resource is not declared.
    pub entry: Option<String>,
    /// The resource's `Format` (`PNG`, `JPEG`, `TIFF` …), when given.
    pub format: Option<String>,
    pub template: bool,
}

/// A font a resource file declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfdFont {
    pub id: String,
    pub name: Option<String>,
    pub family: Option<String>,
}

/// A signature of the document (`Signatures.xml`): never checked, only reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfdSignature {
    /// The entry of its `Signature.xml`.
    pub entry: String,
    /// `Seal` or `Sign`.
    pub kind: Option<String>,
    /// The signing component's `Provider/@ProviderName` and `@Company`.
    pub provider: Option<String>,
    pub company: Option<String>,
    pub signed_at: Option<String>,
    /// The name on the electronic seal (`SES_ESPropertyInfo.name` in the signed value or
    /// the seal file), the organisation that signed.
    pub seal_name: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum OfdError {
    /// The zip and its limits: a damaged container, a part too large, a zip bomb.
    #[error(transparent)]
    Package(#[from] OfficeError),
    #[error("not an OFD package: no OFD.xml at its root")]
    NotOfd,
    #[error("{by} names {location:?}: {reason}")]
    Location {
        by: String,
        location: String,
        reason: &'static str,
    },
    #[error("no {entry} in the package ({by} names it)")]
    Missing { entry: String, by: String },
    #[error("{part} has a DOCTYPE declaration: OFD parts are read without DTDs or entities")]
    Doctype { part: String },
    #[error("malformed XML in {part} near byte {position}: {message}")]
    Xml {
        part: String,
        position: u64,
        message: String,
    },
    #[error("{part} nests elements more than {} deep", tree::MAX_DEPTH)]
    TooDeep { part: String },
    #[error("{part} holds more than {} elements", tree::MAX_ELEMENTS)]
    TooManyElements { part: String },
    #[error(
        "the parts read from the package decompress to more than {MAX_TOTAL_BYTES} bytes in all"
    )]
    TooLargeInAll,
    #[error("the document draws more than {MAX_GLYPHS} glyphs")]
    TooManyGlyphs,
    #[error("the document draws more than {MAX_SHAPES} rulings and images")]
    TooManyShapes,
    #[error("{part}: {what}")]
    Structure { part: String, what: String },
    #[error(transparent)]
    Image(#[from] image::ImageError),
    #[error("the OFD has no text on any of its {pages} page(s)")]
    NoText { pages: usize },
    #[error(transparent)]
    Size(#[from] TooLarge),
}

/// Reads an OFD package.
pub fn read(bytes: &[u8]) -> Result<OfdDocument, OfdError> {
    let mut parts = package::Parts::open(bytes)?;
    document::read(&mut parts)
}

/// Reads an OFD package into the common layout: each page's glyphs and rulings laid out
/// by [`fixed`] as the PDF reader's are, the pages joined, what the package says of itself
/// (signatures, unmapped glyphs, skipped objects) in the layout's diagnostics.
pub fn read_layout(bytes: &[u8], budget: &mut Budget) -> Result<Layout, OfdError> {
    let doc = read(bytes)?;
    let pages = doc.pages.len();
    let no_text = doc.pages.iter().all(|p| p.glyphs.is_empty());
    // Pages of images only (scanned pages) are read by OCR.
    let scanned: Vec<usize> = (0..pages)
        .filter(|&i| doc.pages[i].glyphs.is_empty() && !doc.pages[i].images.is_empty())
        .collect();
    if no_text && scanned.is_empty() {
        return Err(OfdError::NoText { pages });
    }
    let mut layout = Layout {
        diagnostics: doc.diagnostics,
        ..Layout::default()
    };
    let mut read_by_ocr: BTreeMap<usize, image::ImagePage> = BTreeMap::new();
    if !scanned.is_empty() {
        let mut pictures = Vec::with_capacity(scanned.len());
        for &i in &scanned {
            let page = &doc.pages[i];
            let mut images = Vec::new();
            for im in &page.images {
                let Some(entry) = &im.entry else { continue };
                let placement = image::pdf::Placement {
                    x: im.x,
                    y: im.y,
                    width: im.width,
                    height: im.height,
                };
                images.push((media_bytes(bytes, entry)?, placement));
            }
            pictures.push(image::PicturePage {
                width: page.width,
                height: page.height,
                images,
            });
        }
        match image::read_picture_pages(pictures, budget) {
            Ok(read) => read_by_ocr.extend(scanned.iter().copied().zip(read.pages)),
            Err(image::ImageError::Size(e)) => return Err(e.into()),
            Err(e) if no_text => return Err(e.into()),
            Err(e) => {
                for &i in &scanned {
                    let number = i + 1;
                    layout.diagnostics.push(Diagnostic::new(
                        Level::Warning,
                        "ofd-image-page",
                        format!("page {number}"),
                        format!("page {number} holds only images (a scanned page?): what they show is not read ({e})"),
                    ));
                }
            }
        }
    }
    let mut laid_out = Vec::with_capacity(pages);
    for (i, page) in doc.pages.into_iter().enumerate() {
        let mut fixed_page = fixed::Page {
            width: page.width,
            height: page.height,
            glyphs: page.glyphs.into_iter().map(|g| g.glyph).collect(),
            segments: page.rulings,
        };
        if let Some(read) = read_by_ocr.get(&i) {
            let read = read.to_fixed();
            fixed_page.glyphs.extend(read.glyphs);
            fixed_page.segments.extend(read.segments);
        }
        laid_out.push(fixed::lay_out(&fixed_page));
    }
    fixed::join(laid_out, budget)?.into_layout(&mut layout);
    Ok(layout)
}

/// The bytes of a package entry (an [`OfdImage::entry`]), through the same limits.
pub fn media_bytes(bytes: &[u8], entry: &str) -> Result<Vec<u8>, OfdError> {
    package::Parts::open(bytes)?.bytes(entry, "an image's resource")
}

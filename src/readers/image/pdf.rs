//! The images drawn on PDF pages, decoded at the resolution they are stored in (never
//! re-rendered), with where each lies on its page.

use lopdf::content::Content;
use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};

use super::decode::{self, check_size, Gray, Samples};
use super::ImageError;
use crate::layout::{Budget, TooLarge};
use crate::model::{Diagnostic, Level};

/// Forms inside forms followed at most.
const MAX_FORM_DEPTH: usize = 4;
/// Images drawn on one page read at most (a page tiled with thousands of strips is refused
/// past this, with a diagnostic).
const MAX_IMAGES_PER_PAGE: usize = 64;
/// Images smaller than this on the page (points, either side) are decoration: bullets,
/// logos, rules drawn as images.
const MIN_IMAGE_POINTS: f64 = 36.0;

/// Where an image lies on its page: its top-left corner and size in points, top-left origin.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placement {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// An image of a page, upright (flips of its placement undone).
#[derive(Debug)]
pub struct PlacedImage {
    pub image: Gray,
    pub placement: Placement,
}

/// A page: its size in points and its images in drawing order.
#[derive(Debug)]
pub struct PdfPage {
    pub width: f64,
    pub height: f64,
    pub images: Vec<PlacedImage>,
}

/// The pages of a PDF with their images, and what could not be read.
/// At most `options.max_pages` pages; each image is taken from `budget` as it is decoded.
pub fn pages(
    bytes: &[u8],
    options: &super::Options,
    budget: &mut Budget,
) -> Result<(Vec<PdfPage>, Vec<Diagnostic>), ImageError> {
    let (max_stream_bytes, max_pages) = (options.max_stream_bytes, options.max_pages);
    let options = LoadOptions {
        max_decompressed_size: Some(max_stream_bytes),
        ..LoadOptions::default()
    };
    let doc = std::panic::catch_unwind(|| Document::load_mem_with_options(bytes, options))
        .map_err(|_| ImageError::Damaged("PDF: the parser gave up on it".into()))?
        .map_err(|e| ImageError::Damaged(format!("PDF: {e}")))?;
    let mut diagnostics = Vec::new();
    let mut out = Vec::new();
    let pages = doc.get_pages();
    if pages.len() > max_pages {
        diagnostics.push(super::pages_skipped(max_pages));
    }
    for (number, id) in pages.into_iter().take(max_pages) {
        let (x0, y0, x1, y1) = media_box(&doc, id);
        let mut reader = PageImages {
            doc: &doc,
            page: number,
            page_height: y1 - y0,
            origin: (x0, y0),
            images: Vec::new(),
            diagnostics: &mut diagnostics,
            max_stream_bytes,
            budget,
            refused: None,
        };
        let resources = page_resources(&doc, id);
        match doc.get_page_content_with_limit(id, max_stream_bytes) {
            Ok(data) => reader.run(&data, &resources, IDENTITY, 0),
            Err(e) => reader.note(
                "image-pdf-content",
                format!("its content could not be read ({e})"),
            ),
        }
        if let Some(e) = reader.refused {
            return Err(e.into());
        }
        let images = reader.images;
        out.push(PdfPage {
            width: x1 - x0,
            height: y1 - y0,
            images,
        });
    }
    Ok((out, diagnostics))
}

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n` (row vectors: a point goes through `m` first).
fn then(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj)
}

fn num(doc: &Document, obj: &Object) -> Option<f64> {
    match deref(doc, obj) {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r as f64),
        _ => None,
    }
}

fn media_box(doc: &Document, page: ObjectId) -> (f64, f64, f64, f64) {
    let mut node = doc.get_dictionary(page).ok();
    for _ in 0..32 {
        let Some(dict) = node else { break };
        if let Ok(Object::Array(a)) = dict.get(b"MediaBox").map(|o| deref(doc, o)) {
            let v: Vec<f64> = a.iter().filter_map(|o| num(doc, o)).collect();
            if v.len() == 4
                && v.iter().all(|x| x.is_finite())
                && (v[2] - v[0]).abs() > 1.0
                && (v[3] - v[1]).abs() > 1.0
            {
                return (
                    v[0].min(v[2]),
                    v[1].min(v[3]),
                    v[0].max(v[2]),
                    v[1].max(v[3]),
                );
            }
        }
        node = dict
            .get(b"Parent")
            .ok()
            .and_then(|p| p.as_reference().ok())
            .and_then(|id| doc.get_dictionary(id).ok());
    }
    (0.0, 0.0, 595.0, 842.0)
}

fn page_resources(doc: &Document, page: ObjectId) -> Vec<Dictionary> {
    match doc.get_page_resources(page) {
        Ok((own, ids)) => {
            let mut dicts: Vec<Dictionary> = own.into_iter().cloned().collect();
            dicts.extend(
                ids.iter()
                    .filter_map(|id| doc.get_dictionary(*id).ok().cloned()),
            );
            dicts
        }
        Err(_) => Vec::new(),
    }
}

/// The stream of XObject `name` in the first resource dictionary that has it.
fn xobject<'a>(
    doc: &'a Document,
    resources: &[Dictionary],
    name: &[u8],
) -> Option<(ObjectId, &'a lopdf::Stream)> {
    for dict in resources {
        let Ok(xo) = dict.get(b"XObject").map(|o| deref(doc, o)) else {
            continue;
        };
        let Ok(xo) = xo.as_dict() else { continue };
        if let Ok(Object::Reference(id)) = xo.get(name) {
            if let Ok(Object::Stream(s)) = doc.get_object(*id) {
                return Some((*id, s));
            }
        }
    }
    None
}

struct PageImages<'a> {
    doc: &'a Document,
    page: u32,
    page_height: f64,
    origin: (f64, f64),
    images: Vec<PlacedImage>,
    diagnostics: &'a mut Vec<Diagnostic>,
    max_stream_bytes: usize,
    budget: &'a mut Budget,
    /// Set when an image went past the budget: the document is refused, nothing more read.
    refused: Option<TooLarge>,
}

impl PageImages<'_> {
    fn note(&mut self, code: &str, message: String) {
        self.diagnostics.push(Diagnostic::new(
            Level::Warning,
            code,
            format!("page {}", self.page),
            message,
        ));
    }

    fn run(&mut self, data: &[u8], resources: &[Dictionary], base: Matrix, depth: usize) {
        let Ok(content) = Content::decode(data) else {
            self.note("image-pdf-content", "its content stream is damaged".into());
            return;
        };
        let mut ctm = base;
        let mut stack: Vec<Matrix> = Vec::new();
        for op in content.operations {
            if self.refused.is_some() {
                return;
            }
            match op.operator.as_str() {
                "q" => stack.push(ctm),
                "Q" => ctm = stack.pop().unwrap_or(base),
                "cm" => {
                    let v: Vec<f64> = op
                        .operands
                        .iter()
                        .filter_map(|o| num(self.doc, o))
                        .collect();
                    if v.len() == 6 && v.iter().all(|x| x.is_finite()) {
                        ctm = then(&[v[0], v[1], v[2], v[3], v[4], v[5]], &ctm);
                    }
                }
                "Do" => {
                    let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
                        continue;
                    };
                    let Some((id, stream)) = xobject(self.doc, resources, name) else {
                        continue;
                    };
                    let subtype = stream
                        .dict
                        .get(b"Subtype")
                        .and_then(|o| o.as_name())
                        .unwrap_or(b"");
                    if subtype == b"Image" {
                        self.image(id, stream, ctm);
                    } else if subtype == b"Form" && depth < MAX_FORM_DEPTH {
                        self.form(stream, resources, ctm, depth);
                    }
                }
                "BI" => self.note(
                    "image-pdf-inline",
                    "an inline image (BI … EI) was not read".into(),
                ),
                _ => {}
            }
        }
    }

    fn form(&mut self, stream: &lopdf::Stream, outer: &[Dictionary], ctm: Matrix, depth: usize) {
        let matrix = match stream.dict.get(b"Matrix").map(|o| deref(self.doc, o)) {
            Ok(Object::Array(a)) => {
                let v: Vec<f64> = a.iter().filter_map(|o| num(self.doc, o)).collect();
                if v.len() == 6 {
                    [v[0], v[1], v[2], v[3], v[4], v[5]]
                } else {
                    IDENTITY
                }
            }
            _ => IDENTITY,
        };
        let mut resources: Vec<Dictionary> = Vec::new();
        if let Ok(Object::Dictionary(d)) = stream.dict.get(b"Resources").map(|o| deref(self.doc, o))
        {
            resources.push(d.clone());
        }
        resources.extend(outer.iter().cloned());
        let Ok(data) = stream.decompressed_content() else {
            self.note(
                "image-pdf-content",
                "a form's content could not be read".into(),
            );
            return;
        };
        self.run(&data, &resources, then(&matrix, &ctm), depth + 1);
    }

    fn image(&mut self, id: ObjectId, stream: &lopdf::Stream, ctm: Matrix) {
        if ctm[1].abs() > 1e-6 || ctm[2].abs() > 1e-6 {
            self.note(
                "image-pdf-turned",
                format!(
                    "image {} {} is drawn turned or skewed on the page; it was not read",
                    id.0, id.1
                ),
            );
            return;
        }
        let (w, h) = (ctm[0].abs(), ctm[3].abs());
        if w < MIN_IMAGE_POINTS || h < MIN_IMAGE_POINTS {
            return;
        }
        if self.images.len() >= MAX_IMAGES_PER_PAGE {
            self.note(
                "image-pdf-too-many",
                format!(
                    "more than {MAX_IMAGES_PER_PAGE} images on the page; the rest were not read"
                ),
            );
            return;
        }
        let mut image = match decode_image(self.doc, stream, self.max_stream_bytes) {
            Ok(g) => g,
            Err(e) => {
                self.note("image-pdf-unread", format!("image {} {}: {e}", id.0, id.1));
                return;
            }
        };
        // Taken once decoded (one image is at most `MAX_PIXELS`, so the document never
        // holds more than that past the budget).
        if let Err(e) = self.budget.pixels(image.width as u64, image.height as u64) {
            self.refused = Some(e);
            return;
        }
        // The unit square's top edge (y = 1) is the image's first row.
        if ctm[3] < 0.0 {
            flip_rows(&mut image);
        }
        if ctm[0] < 0.0 {
            flip_columns(&mut image);
        }
        let left = ctm[4].min(ctm[4] + ctm[0]) - self.origin.0;
        let top_pdf = ctm[5].max(ctm[5] + ctm[3]) - self.origin.1;
        self.images.push(PlacedImage {
            image,
            placement: Placement {
                x: left,
                y: self.page_height - top_pdf,
                width: w,
                height: h,
            },
        });
    }
}

fn flip_rows(g: &mut Gray) {
    let w = g.width;
    for y in 0..g.height / 2 {
        let (a, b) = g.pixels.split_at_mut((g.height - 1 - y) * w);
        a[y * w..(y + 1) * w].swap_with_slice(&mut b[..w]);
    }
}

fn flip_columns(g: &mut Gray) {
    let w = g.width;
    for row in g.pixels.chunks_mut(w.max(1)) {
        row.reverse();
    }
}

fn name_list(doc: &Document, obj: Option<&Object>) -> Vec<Vec<u8>> {
    match obj.map(|o| deref(doc, o)) {
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|o| deref(doc, o).as_name().ok().map(<[u8]>::to_vec))
            .collect(),
        _ => Vec::new(),
    }
}

fn parms_list(doc: &Document, obj: Option<&Object>, n: usize) -> Vec<Option<Dictionary>> {
    match obj.map(|o| deref(doc, o)) {
        Some(Object::Dictionary(d)) => vec![Some(d.clone())],
        Some(Object::Array(a)) => a
            .iter()
            .map(|o| deref(doc, o).as_dict().ok().cloned())
            .chain(std::iter::repeat(None))
            .take(n)
            .collect(),
        _ => vec![None; n],
    }
}

fn int_in(doc: &Document, d: Option<&Dictionary>, key: &[u8], default: i64) -> i64 {
    d.and_then(|d| d.get(key).ok())
        .and_then(|o| num(doc, o))
        .map(|v| v as i64)
        .unwrap_or(default)
}

/// The samples of an image XObject as gray.
pub fn decode_image(
    doc: &Document,
    stream: &lopdf::Stream,
    max_stream_bytes: usize,
) -> Result<Gray, ImageError> {
    let dict = &stream.dict;
    let width = int_in(doc, Some(dict), b"Width", 0);
    let height = int_in(doc, Some(dict), b"Height", 0);
    if width <= 0 || height <= 0 {
        return Err(ImageError::Damaged(
            "an image without a width or height".into(),
        ));
    }
    check_size(width as u64, height as u64)?;
    let (width, height) = (width as usize, height as usize);
    let mask = matches!(
        dict.get(b"ImageMask").map(|o| deref(doc, o)),
        Ok(Object::Boolean(true))
    );
    let bits = if mask {
        1
    } else {
        int_in(doc, Some(dict), b"BitsPerComponent", 8)
    };
    // Checked before any size is computed from it (a negative one would overflow them).
    if !matches!(bits, 1 | 2 | 4 | 8) {
        return Err(ImageError::Unsupported(format!(
            "images of {bits} bits per sample"
        )));
    }
    let bits = bits as usize;
    let filters = name_list(doc, dict.get(b"Filter").ok());
    let parms = parms_list(doc, dict.get(b"DecodeParms").ok(), filters.len());
    let colour = ColourSpace::of(doc, dict.get(b"ColorSpace").ok(), mask);
    let decode_inverted = match dict.get(b"Decode").map(|o| deref(doc, o)) {
        Ok(Object::Array(a)) => a.first().and_then(|o| num(doc, o)).is_some_and(|v| v > 0.5),
        _ => false,
    };
    let mut data = stream.content.clone();
    let mut gray: Option<Gray> = None;
    for (i, f) in filters.iter().enumerate() {
        let p = parms.get(i).and_then(|p| p.as_ref());
        match f.as_slice() {
            b"FlateDecode" | b"Fl" => {
                let row = (width * colour.components() * bits).div_ceil(8);
                let predictor = int_in(doc, p, b"Predictor", 1);
                let limit = ((row + 1) * height).min(max_stream_bytes);
                data = decode::inflate(&data, limit)?;
                if predictor > 1 {
                    let colors = int_in(doc, p, b"Colors", 1).clamp(1, 4) as usize;
                    let bpc = int_in(doc, p, b"BitsPerComponent", 8).clamp(1, 16) as usize;
                    let columns = int_in(doc, p, b"Columns", 1).clamp(1, 1 << 20) as usize;
                    data = decode::unpredict(&data, predictor, colors, bpc, columns);
                }
            }
            b"DCTDecode" | b"DCT" => {
                gray = Some(decode::jpeg(&data)?.image);
                break;
            }
            b"CCITTFaxDecode" | b"CCF" => {
                let k = int_in(doc, p, b"K", 0);
                let columns = int_in(doc, p, b"Columns", 1728).max(1) as usize;
                let rows = int_in(doc, p, b"Rows", height as i64).max(0) as usize;
                let black_is_1 = p
                    .and_then(|d| d.get(b"BlackIs1").ok())
                    .is_some_and(|o| matches!(deref(doc, o), Object::Boolean(true)));
                gray = Some(decode::ccitt(&data, k, columns, rows, black_is_1)?);
                break;
            }
            other => {
                let name = String::from_utf8_lossy(other).into_owned();
                return Err(ImageError::Unsupported(match other {
                    b"JBIG2Decode" => {
                        "JBIG2Decode images (no maintained Rust JBIG2 decoder crate)".into()
                    }
                    b"JPXDecode" => "JPXDecode (JPEG 2000) images".into(),
                    _ => format!("images with the {name} filter"),
                }));
            }
        }
    }
    let mut gray = match gray {
        Some(g) => g,
        None => {
            // The plane is allocated only for samples that are there: a few bytes of data
            // under a header claiming a large image are refused, not padded out with white.
            let needed = (width * colour.components() * bits).div_ceil(8) * height;
            if data.len() < needed {
                return Err(ImageError::Damaged(format!(
                    "the data of a {width} × {height} image holds {} of its {needed} bytes",
                    data.len()
                )));
            }
            samples_to_gray(&data, width, height, bits, &colour)?
        }
    };
    // An image mask paints where its sample is 0 (ink); /Decode [1 0] turns that round,
    // as it turns round gray samples.
    if decode_inverted {
        gray.pixels.iter_mut().for_each(|p| *p = 255 - *p);
    }
    if gray.width != width || gray.height != height {
        return Err(ImageError::Damaged(format!(
            "an image stored as {} × {} says it is {width} × {height}",
            gray.width, gray.height
        )));
    }
    Ok(gray)
}

enum ColourSpace {
    Gray,
    Rgb,
    Cmyk,
    /// A palette over a base space of `base` components (RGB palettes by red, as above).
    Indexed {
        base: usize,
        table: Vec<u8>,
    },
}

impl ColourSpace {
    fn of(doc: &Document, obj: Option<&Object>, mask: bool) -> ColourSpace {
        if mask {
            return ColourSpace::Gray;
        }
        let Some(obj) = obj.map(|o| deref(doc, o)) else {
            return ColourSpace::Gray;
        };
        match obj {
            Object::Name(n) => ColourSpace::named(n),
            Object::Array(a) => {
                let head = a
                    .first()
                    .and_then(|o| deref(doc, o).as_name().ok())
                    .unwrap_or(b"");
                match head {
                    b"ICCBased" => {
                        let n = a
                            .get(1)
                            .and_then(|o| deref(doc, o).as_stream().ok())
                            .and_then(|s| s.dict.get(b"N").ok().and_then(|o| num(doc, o)))
                            .unwrap_or(3.0) as usize;
                        match n {
                            1 => ColourSpace::Gray,
                            4 => ColourSpace::Cmyk,
                            _ => ColourSpace::Rgb,
                        }
                    }
                    b"Indexed" | b"I" => {
                        let base = a.get(1).map(|o| ColourSpace::of(doc, Some(o), false));
                        let base = match base {
                            Some(ColourSpace::Gray) => 1,
                            Some(ColourSpace::Cmyk) => 4,
                            _ => 3,
                        };
                        let table = match a.get(3).map(|o| deref(doc, o)) {
                            Some(Object::String(s, _)) => s.clone(),
                            Some(Object::Stream(s)) => s.decompressed_content().unwrap_or_default(),
                            _ => Vec::new(),
                        };
                        ColourSpace::Indexed { base, table }
                    }
                    b"CalGray" => ColourSpace::Gray,
                    b"CalRGB" | b"Lab" => ColourSpace::Rgb,
                    _ => ColourSpace::Rgb,
                }
            }
            _ => ColourSpace::Gray,
        }
    }

    fn named(n: &[u8]) -> ColourSpace {
        match n {
            b"DeviceGray" | b"G" | b"CalGray" => ColourSpace::Gray,
            b"DeviceCMYK" | b"CMYK" => ColourSpace::Cmyk,
            _ => ColourSpace::Rgb,
        }
    }

    fn components(&self) -> usize {
        match self {
            ColourSpace::Gray | ColourSpace::Indexed { .. } => 1,
            ColourSpace::Rgb => 3,
            ColourSpace::Cmyk => 4,
        }
    }
}

/// `bits` is 1, 2, 4 or 8 (checked by the caller).
fn samples_to_gray(
    data: &[u8],
    width: usize,
    height: usize,
    bits: usize,
    colour: &ColourSpace,
) -> Result<Gray, ImageError> {
    match colour {
        ColourSpace::Gray => Ok(decode::unpack_gray(data, width, height, bits as u32)),
        ColourSpace::Indexed { base, table } => {
            // Indices as gray levels first, then looked up.
            let idx = decode::unpack_gray(data, width, height, bits as u32);
            let max = (1usize << bits) - 1;
            let mut out = Gray::new(width, height, 255);
            for (o, &v) in out.pixels.iter_mut().zip(&idx.pixels) {
                let i = (v as usize * max + 127) / 255;
                let entry = table.get(i * base..(i + 1) * base);
                *o = match entry {
                    Some(e) if *base == 4 => {
                        ((255 - e[0] as u32) * (255 - e[3] as u32) / 255) as u8
                    }
                    Some(e) => e[0],
                    None => 255,
                };
            }
            Ok(out)
        }
        ColourSpace::Rgb | ColourSpace::Cmyk => {
            if bits != 8 {
                return Err(ImageError::Unsupported(format!(
                    "colour images of {bits} bits per sample"
                )));
            }
            let layout = if matches!(colour, ColourSpace::Cmyk) {
                Samples::Cmyk
            } else {
                Samples::Rgb
            };
            Ok(decode::to_gray(data, width, height, layout))
        }
    }
}

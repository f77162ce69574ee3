//! The images drawn on PDF pages, decoded at the resolution they are stored in (never
//! re-rendered), with where each lies on its page.

use lopdf::{Dictionary, Document, Object};

use super::decode::{self, check_size, Gray, Samples};
use super::ImageError;
use crate::model::{Diagnostic, Level};
use crate::readers::pdf::{deref, num, DrawnPage};

/// Images smaller than this on the page (points, either side) are decoration: bullets,
/// logos, rules drawn as images.
const MIN_IMAGE_POINTS: f64 = 36.0;
/// The largest palette of an indexed image: 256 entries of 4 components.
const MAX_PALETTE_BYTES: usize = 1024;

/// Where an image lies on its page: its top-left corner and size in points, top-left origin.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placement {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// An image of a page, upright as the page shows it.
#[derive(Debug)]
pub struct PlacedImage {
    pub image: Gray,
    pub placement: Placement,
}

/// Decodes the images a page draws, as the PDF reader's content interpreter found them
/// (forms followed, the page's crop box and `/Rotate` applied), at most
/// [`super::MAX_PAGE_PIXELS`] together; what is not read is said in `diagnostics`.
pub fn decode_page(
    doc: &Document,
    page: &DrawnPage,
    max_stream_bytes: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PlacedImage> {
    let mut note = |code: &str, message: String| {
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            code,
            format!("page {}", page.number),
            message,
        ));
    };
    if page.inline_images > 0 {
        note(
            "image-pdf-inline",
            format!(
                "{} inline image(s) (BI … EI) were not read",
                page.inline_images
            ),
        );
    }
    let (mut out, mut pixels, mut skipped) = (Vec::new(), 0u64, page.images_skipped);
    for draw in &page.images {
        let m = draw.matrix.0;
        let (id, scale) = (
            draw.id,
            m.iter().take(4).fold(0.0f64, |a, v| a.max(v.abs())),
        );
        let straight = m[1].abs() <= 1e-6 * scale && m[2].abs() <= 1e-6 * scale;
        let quarter = m[0].abs() <= 1e-6 * scale && m[3].abs() <= 1e-6 * scale;
        if !straight && !quarter {
            note(
                "image-pdf-turned",
                format!(
                    "image {} {} is drawn turned or skewed on the page; it was not read",
                    id.0, id.1
                ),
            );
            continue;
        }
        let corners =
            [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)].map(|(u, v)| draw.matrix.apply(u, v));
        let (x0, x1) = corners
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), c| (a.min(c.0), b.max(c.0)));
        let (y0, y1) = corners
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), c| (a.min(c.1), b.max(c.1)));
        if !(x0.is_finite() && x1.is_finite() && y0.is_finite() && y1.is_finite()) {
            continue;
        }
        if x1 - x0 < MIN_IMAGE_POINTS || y1 - y0 < MIN_IMAGE_POINTS {
            continue;
        }
        let Ok(stream) = doc.get_object(id).and_then(|o| o.as_stream()) else {
            continue;
        };
        // Past the page's pixels by its stated size: not decoded at all. (An image that
        // alone is over the limit is refused by `decode_image`, which says so.)
        let stated = (int_in(doc, Some(&stream.dict), b"Width", 0).max(0) as u64)
            .saturating_mul(int_in(doc, Some(&stream.dict), b"Height", 0).max(0) as u64);
        if stated <= decode::MAX_PIXELS && pixels + stated > super::MAX_PAGE_PIXELS {
            skipped += 1;
            continue;
        }
        let image = match decode_image(doc, stream, max_stream_bytes) {
            Ok(g) => g,
            Err(e) => {
                note("image-pdf-unread", format!("image {} {}: {e}", id.0, id.1));
                continue;
            }
        };
        pixels += (image.width * image.height) as u64;
        if pixels > super::MAX_PAGE_PIXELS {
            skipped += 1;
            continue;
        }
        out.push(PlacedImage {
            image: upright(image, &m, straight),
            placement: Placement {
                x: x0,
                y: y0,
                width: x1 - x0,
                height: y1 - y0,
            },
        });
    }
    if skipped > 0 {
        diagnostics.push(super::images_skipped(page.number as usize, skipped));
    }
    out
}

/// The image as the page shows it, drawn by `m` from its unit square into the page's view
/// (y down) `straight` or turned by a quarter: its first row is the unit square's top edge.
fn upright(mut g: Gray, m: &[f64; 6], straight: bool) -> Gray {
    let [a, b, c, d, ..] = *m;
    if straight {
        if a < 0.0 {
            flip_columns(&mut g);
        }
        if d > 0.0 {
            flip_rows(&mut g);
        }
        return g;
    }
    // Turned a quarter: the image's columns run down the page (b), its rows across (c).
    let (w, h) = (g.width, g.height);
    let mut out = Gray::new(h, w, 255);
    for y in 0..w {
        let i = if b > 0.0 { y } else { w - 1 - y };
        for x in 0..h {
            let j = if c < 0.0 { x } else { h - 1 - x };
            out.pixels[y * h + x] = g.pixels[j * w + i];
        }
    }
    out
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
    match obj.and_then(|o| deref(doc, o)) {
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|o| deref(doc, o)?.as_name().ok().map(<[u8]>::to_vec))
            .collect(),
        _ => Vec::new(),
    }
}

fn parms_list(doc: &Document, obj: Option<&Object>, n: usize) -> Vec<Option<Dictionary>> {
    match obj.and_then(|o| deref(doc, o)) {
        Some(Object::Dictionary(d)) => vec![Some(d.clone())],
        Some(Object::Array(a)) => a
            .iter()
            .map(|o| deref(doc, o).and_then(|o| o.as_dict().ok()).cloned())
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
        dict.get(b"ImageMask").ok().and_then(|o| deref(doc, o)),
        Some(Object::Boolean(true))
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
    let decode_inverted = match dict.get(b"Decode").ok().and_then(|o| deref(doc, o)) {
        Some(Object::Array(a)) => a.first().and_then(|o| num(doc, o)).is_some_and(|v| v > 0.5),
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
                    .is_some_and(|o| matches!(deref(doc, o), Some(Object::Boolean(true))));
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

/// The name an array colour space starts with.
fn head<'a>(doc: &'a Document, a: &'a [Object]) -> &'a [u8] {
    a.first()
        .and_then(|o| deref(doc, o)?.as_name().ok())
        .unwrap_or(b"")
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
        let palette = match obj.and_then(|o| deref(doc, o)) {
            Some(Object::Array(a)) if matches!(head(doc, a), b"Indexed" | b"I") => a,
            _ => return ColourSpace::direct(doc, obj),
        };
        // A palette's base is a direct space (the format allows no palette of palettes:
        // one is read as RGB, never followed round a loop of references).
        let base = match ColourSpace::direct(doc, palette.get(1)) {
            ColourSpace::Gray => 1,
            ColourSpace::Cmyk => 4,
            _ => 3,
        };
        let table = match palette.get(3).and_then(|o| deref(doc, o)) {
            Some(Object::String(s, _)) => s.clone(),
            Some(Object::Stream(s)) => s
                .decompressed_content_with_limit(MAX_PALETTE_BYTES)
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        ColourSpace::Indexed { base, table }
    }

    /// A space of colour components (not a palette).
    fn direct(doc: &Document, obj: Option<&Object>) -> ColourSpace {
        match obj.and_then(|o| deref(doc, o)) {
            Some(Object::Name(n)) => ColourSpace::named(n),
            Some(Object::Array(a)) => match head(doc, a) {
                b"ICCBased" => {
                    let n = a
                        .get(1)
                        .and_then(|o| deref(doc, o)?.as_stream().ok())
                        .and_then(|s| s.dict.get(b"N").ok().and_then(|o| num(doc, o)))
                        .unwrap_or(3.0) as usize;
                    match n {
                        1 => ColourSpace::Gray,
                        4 => ColourSpace::Cmyk,
                        _ => ColourSpace::Rgb,
                    }
                }
                b"CalGray" => ColourSpace::Gray,
                _ => ColourSpace::Rgb,
            },
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of a 3 × 2 image whose pixels are 1..=6 in reading order.
    fn rows(g: &Gray) -> Vec<Vec<u8>> {
        g.pixels.chunks(g.width).map(<[u8]>::to_vec).collect()
    }

    #[test]
    fn images_are_turned_upright_as_the_page_shows_them() {
        let image = || Gray {
            width: 3,
            height: 2,
            pixels: vec![1, 2, 3, 4, 5, 6],
        };
        // Matrices from the unit square to the view (y down), as the interpreter gives.
        let shown = |m: [f64; 6]| {
            let straight = m[1] == 0.0 && m[2] == 0.0;
            rows(&upright(image(), &m, straight))
        };
        // Drawn plainly: the first row at the top.
        assert_eq!(
            shown([30.0, 0.0, 0.0, -20.0, 0.0, 20.0]),
            [[1, 2, 3], [4, 5, 6]]
        );
        // Mirrored either way.
        assert_eq!(
            shown([30.0, 0.0, 0.0, 20.0, 0.0, 0.0]),
            [[4, 5, 6], [1, 2, 3]]
        );
        assert_eq!(
            shown([-30.0, 0.0, 0.0, -20.0, 30.0, 20.0]),
            [[3, 2, 1], [6, 5, 4]]
        );
        // A quarter turn clockwise (a page with /Rotate 90): the first row on the right,
        // read downwards.
        assert_eq!(
            shown([0.0, 30.0, 20.0, 0.0, 0.0, 0.0]),
            [[4, 1], [5, 2], [6, 3]]
        );
        // A quarter turn the other way: the first row on the left, read upwards.
        assert_eq!(
            shown([0.0, -30.0, -20.0, 0.0, 20.0, 30.0]),
            [[3, 6], [2, 5], [1, 4]]
        );
    }
}

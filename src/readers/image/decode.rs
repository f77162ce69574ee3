//! Image decoding to one 8-bit gray plane: PNG, JPEG and TIFF files, and the raw samples of
//! PDF image streams (DCT, Flate with predictors, CCITT G3/G4). Sizes are checked against
//! [`MAX_PIXELS`] from the header, before any pixel buffer is allocated.
//!
//! Colour becomes gray through its red channel: red seal ink (common over the digits of a
//! stamped report) is then as light as the paper, while black print stays black.

use std::io::{Cursor, Read};

use super::ImageError;

/// Pixels one image may have at most: an A3 page at 600 dpi is 70 million.
pub const MAX_PIXELS: u64 = 100_000_000;

/// One 8-bit gray plane, 0 black, 255 white, rows top to bottom.
#[derive(Clone, Debug, PartialEq)]
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

impl Gray {
    pub fn new(width: usize, height: usize, fill: u8) -> Gray {
        Gray {
            width,
            height,
            pixels: vec![fill; width * height],
        }
    }

    pub fn get(&self, x: usize, y: usize) -> u8 {
        self.pixels[y * self.width + x]
    }

    /// The rectangle `[x0, x1) × [y0, y1)`, clipped to the image.
    pub fn crop(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> Gray {
        let (x1, y1) = (x1.min(self.width), y1.min(self.height));
        let (x0, y0) = (x0.min(x1), y0.min(y1));
        let mut out = Gray::new(x1 - x0, y1 - y0, 255);
        for y in y0..y1 {
            let row = &self.pixels[y * self.width + x0..y * self.width + x1];
            out.pixels[(y - y0) * out.width..(y - y0 + 1) * out.width].copy_from_slice(row);
        }
        out
    }

    /// Binary PGM (P5), which Tesseract's image library reads.
    pub fn to_pgm(&self) -> Vec<u8> {
        let mut out = format!("P5\n{} {}\n255\n", self.width, self.height).into_bytes();
        out.extend_from_slice(&self.pixels);
        out
    }
}

/// A decoded image with the resolution its file states, if any.
#[derive(Debug)]
pub struct Decoded {
    pub image: Gray,
    /// Pixels per inch, horizontal and vertical, when the file says.
    pub dpi: Option<(f64, f64)>,
}

pub fn check_size(width: u64, height: u64) -> Result<(), ImageError> {
    if width == 0 || height == 0 {
        return Err(ImageError::Damaged(
            "an image of zero width or height".into(),
        ));
    }
    if width.saturating_mul(height) > MAX_PIXELS {
        return Err(ImageError::TooLarge { width, height });
    }
    Ok(())
}

/// How the interleaved 8-bit samples of a pixel are laid out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Samples {
    Gray,
    GrayAlpha,
    Rgb,
    Rgba,
    Cmyk,
}

impl Samples {
    pub fn components(self) -> usize {
        match self {
            Samples::Gray => 1,
            Samples::GrayAlpha => 2,
            Samples::Rgb => 3,
            Samples::Rgba | Samples::Cmyk => 4,
        }
    }
}

/// Interleaved 8-bit samples to gray: gray as is, RGB by its red channel, CMYK by how much
/// red light it leaves, (1 − C)(1 − K); alpha is ignored.
pub fn to_gray(samples: &[u8], width: usize, height: usize, layout: Samples) -> Gray {
    let mut out = Gray::new(width, height, 255);
    let n = layout.components();
    for (o, px) in out.pixels.iter_mut().zip(samples.chunks_exact(n)) {
        *o = match layout {
            Samples::Cmyk => ((255 - px[0] as u32) * (255 - px[3] as u32) / 255) as u8,
            _ => px[0],
        };
    }
    out
}

// ---------------------------------------------------------------- files

pub fn png(bytes: &[u8]) -> Result<Decoded, ImageError> {
    // The size from IHDR (the first chunk) before the decoder reads on.
    if let (Some(b"IHDR"), Some(w), Some(h)) =
        (bytes.get(12..16), bytes.get(16..20), bytes.get(20..24))
    {
        let n = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as u64;
        check_size(n(w), n(h))?;
    }
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| damaged("PNG", e))?;
    let (width, height) = {
        let info = reader.info();
        (info.width as u64, info.height as u64)
    };
    check_size(width, height)?;
    let dpi = reader.info().pixel_dims.and_then(|d| {
        (d.unit == png::Unit::Meter && d.xppu > 0 && d.yppu > 0)
            .then_some((d.xppu as f64 * 0.0254, d.yppu as f64 * 0.0254))
    });
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| ImageError::Damaged("PNG: no frame size".into()))?;
    let mut buf = vec![0u8; size];
    let frame = reader.next_frame(&mut buf).map_err(|e| damaged("PNG", e))?;
    let layout = match frame.color_type {
        png::ColorType::Grayscale => Samples::Gray,
        png::ColorType::GrayscaleAlpha => Samples::GrayAlpha,
        png::ColorType::Rgba => Samples::Rgba,
        // Palettes are expanded to RGB by the EXPAND transformation.
        _ => Samples::Rgb,
    };
    let (w, h) = (frame.width as usize, frame.height as usize);
    Ok(Decoded {
        image: to_gray(&buf[..frame.buffer_size()], w, h, layout),
        dpi,
    })
}

pub fn jpeg(bytes: &[u8]) -> Result<Decoded, ImageError> {
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;
    // The decoder's own limits are the format's (65,535 either side); ours is the
    // number of pixels, checked from the header below.
    let limits = DecoderOptions::default()
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX));
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(Cursor::new(bytes), limits);
    decoder
        .decode_headers()
        .map_err(|e| damaged("JPEG", format!("{e:?}")))?;
    let info = decoder
        .info()
        .ok_or_else(|| ImageError::Damaged("JPEG: no header".into()))?;
    check_size(info.width as u64, info.height as u64)?;
    let gray_in = decoder.input_colorspace() == Some(ColorSpace::Luma);
    let out = if gray_in {
        ColorSpace::Luma
    } else {
        ColorSpace::RGB
    };
    let options = limits.jpeg_set_out_colorspace(out);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(Cursor::new(bytes), options);
    let samples = decoder
        .decode()
        .map_err(|e| damaged("JPEG", format!("{e:?}")))?;
    let (w, h) = (info.width as usize, info.height as usize);
    // JFIF density unit 1 is dots per inch, 2 dots per centimetre.
    let dpi = match info.pixel_density {
        1 if info.x_density > 1 && info.y_density > 1 => {
            Some((info.x_density as f64, info.y_density as f64))
        }
        2 if info.x_density > 1 && info.y_density > 1 => {
            Some((info.x_density as f64 * 2.54, info.y_density as f64 * 2.54))
        }
        _ => None,
    };
    Ok(Decoded {
        image: to_gray(
            &samples,
            w,
            h,
            if gray_in { Samples::Gray } else { Samples::Rgb },
        ),
        dpi,
    })
}

/// The pages of a TIFF, decoded one at a time as they are taken, at most `max_pages`.
pub struct TiffPages<'b> {
    decoder: tiff::decoder::Decoder<Cursor<&'b [u8]>>,
    left: usize,
    started: bool,
    /// Pages are left unread past `max_pages`.
    pub more: bool,
}

fn tiff_decoder(bytes: &[u8]) -> Result<tiff::decoder::Decoder<Cursor<&[u8]>>, ImageError> {
    let mut limits = tiff::decoder::Limits::default();
    limits.decoding_buffer_size = MAX_PIXELS as usize * 4;
    Ok(tiff::decoder::Decoder::new(Cursor::new(bytes))
        .map_err(|e| damaged("TIFF", e))?
        .with_limits(limits))
}

pub fn tiff(bytes: &[u8], max_pages: usize) -> Result<TiffPages<'_>, ImageError> {
    // The pages are counted first, by their directories only.
    let mut count = tiff_decoder(bytes)?;
    let mut seen = 1;
    while seen <= max_pages && count.more_images() {
        count.next_image().map_err(|e| damaged("TIFF", e))?;
        seen += 1;
    }
    Ok(TiffPages {
        decoder: tiff_decoder(bytes)?,
        left: max_pages,
        started: false,
        more: seen > max_pages,
    })
}

impl Iterator for TiffPages<'_> {
    type Item = Result<Decoded, ImageError>;

    fn next(&mut self) -> Option<Result<Decoded, ImageError>> {
        if self.left == 0 || (self.started && !self.decoder.more_images()) {
            return None;
        }
        let page = if self.started {
            self.decoder
                .next_image()
                .map_err(|e| damaged("TIFF", e))
                .and_then(|()| self.page())
        } else {
            self.page()
        };
        self.started = true;
        // After an error nothing more is read.
        self.left = if page.is_ok() { self.left - 1 } else { 0 };
        Some(page)
    }
}

impl TiffPages<'_> {
    fn page(&mut self) -> Result<Decoded, ImageError> {
        use tiff::decoder::DecodingResult;
        let decoder = &mut self.decoder;
        let (width, height) = decoder.dimensions().map_err(|e| damaged("TIFF", e))?;
        check_size(width as u64, height as u64)?;
        let colour = decoder.colortype().map_err(|e| damaged("TIFF", e))?;
        let dpi = tiff_dpi(decoder);
        let data = match decoder.read_image().map_err(|e| damaged("TIFF", e))? {
            DecodingResult::U8(v) => v,
            DecodingResult::U16(v) => v.iter().map(|s| (s >> 8) as u8).collect(),
            _ => {
                return Err(ImageError::Unsupported(
                    "TIFF samples wider than 16 bits".into(),
                ))
            }
        };
        let (w, h) = (width as usize, height as usize);
        let (bits, layout) = match colour {
            tiff::ColorType::Gray(b) => (b, Samples::Gray),
            tiff::ColorType::GrayA(b) => (b, Samples::GrayAlpha),
            tiff::ColorType::RGB(b) => (b, Samples::Rgb),
            tiff::ColorType::RGBA(b) => (b, Samples::Rgba),
            tiff::ColorType::CMYK(b) => (b, Samples::Cmyk),
            other => {
                return Err(ImageError::Unsupported(format!(
                    "TIFF colour type {other:?}"
                )))
            }
        };
        // The decoder turns WhiteIsZero (fax, many scanners) round itself.
        let image = match (layout, bits) {
            (Samples::Gray, 1 | 2 | 4 | 8) => unpack_gray(&data, w, h, bits as u32),
            (Samples::Gray, 16) => to_gray(&data, w, h, Samples::Gray),
            (_, 8 | 16) => to_gray(&data, w, h, layout),
            _ => {
                return Err(ImageError::Unsupported(format!(
                    "TIFF colour type {colour:?}"
                )))
            }
        };
        Ok(Decoded { image, dpi })
    }
}

fn tiff_dpi<R: std::io::Read + std::io::Seek>(
    d: &mut tiff::decoder::Decoder<R>,
) -> Option<(f64, f64)> {
    use tiff::decoder::ifd::Value;
    use tiff::tags::Tag;
    let mut number = |tag: Tag| -> Option<f64> {
        match d.find_tag(tag).ok()?? {
            Value::Rational(n, q) if q > 0 => Some(n as f64 / q as f64),
            Value::Short(v) => Some(v as f64),
            Value::Unsigned(v) => Some(v as f64),
            Value::Float(v) => Some(v as f64),
            Value::Double(v) => Some(v),
            _ => None,
        }
    };
    let (x, y) = (number(Tag::XResolution)?, number(Tag::YResolution)?);
    // ResolutionUnit: 2 inch (the default), 3 centimetre, 1 none.
    let unit = d
        .find_tag_unsigned::<u16>(Tag::ResolutionUnit)
        .ok()
        .flatten()
        .unwrap_or(2);
    let k = match unit {
        2 => 1.0,
        3 => 2.54,
        _ => return None,
    };
    (x > 1.0 && y > 1.0).then_some((x * k, y * k))
}

/// Gray samples of 1, 2, 4 or 8 bits, rows padded to whole bytes, 0 black.
pub fn unpack_gray(data: &[u8], width: usize, height: usize, bits: u32) -> Gray {
    let mut out = Gray::new(width, height, 255);
    if !matches!(bits, 1 | 2 | 4 | 8) {
        return out;
    }
    let row_bytes = (width * bits as usize).div_ceil(8);
    let max = (1u32 << bits) - 1;
    for y in 0..height {
        let Some(row) = data.get(y * row_bytes..(y + 1) * row_bytes) else {
            break;
        };
        for x in 0..width {
            let bit = x * bits as usize;
            let byte = row[bit / 8];
            let v = (byte >> (8 - bits as usize - bit % 8)) as u32 & max;
            out.pixels[y * width + x] = (v * 255 / max) as u8;
        }
    }
    out
}

fn damaged(what: &str, e: impl std::fmt::Display) -> ImageError {
    ImageError::Damaged(format!("{what}: {e}"))
}

// ---------------------------------------------------------------- PDF image streams

/// Inflates at most `limit` bytes (a decompression bomb stops there).
pub fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    let mut z = flate2::read::ZlibDecoder::new(data).take(limit as u64 + 1);
    match z.read_to_end(&mut out) {
        Ok(_) => {}
        // A stream cut short still gives the rows it had.
        Err(_) if !out.is_empty() => {}
        Err(e) => return Err(damaged("FlateDecode", e)),
    }
    if out.len() > limit {
        return Err(ImageError::Damaged(format!(
            "FlateDecode: more than the {limit} bytes the image needs"
        )));
    }
    Ok(out)
}

/// Undoes a PNG predictor (10–15: one filter byte per row) for `colors` samples of `bits`
/// bits per pixel in rows of `columns` pixels. TIFF predictor 2 is undone for 8 bits.
pub fn unpredict(
    data: &[u8],
    predictor: i64,
    colors: usize,
    bits: usize,
    columns: usize,
) -> Vec<u8> {
    let row = (columns * colors * bits).div_ceil(8);
    let bpp = (colors * bits).div_ceil(8).max(1);
    if predictor == 2 && bits == 8 {
        let mut out = data.to_vec();
        for r in out.chunks_mut(row.max(1)) {
            for i in bpp..r.len() {
                r[i] = r[i].wrapping_add(r[i - bpp]);
            }
        }
        return out;
    }
    if predictor < 10 {
        return data.to_vec();
    }
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row];
    for chunk in data.chunks(row + 1) {
        if chunk.len() < row + 1 {
            break;
        }
        let (filter, src) = (chunk[0], &chunk[1..]);
        let mut cur = src.to_vec();
        for i in 0..row {
            let a = if i >= bpp { cur[i - bpp] as i32 } else { 0 };
            let b = prev[i] as i32;
            let c = if i >= bpp { prev[i - bpp] as i32 } else { 0 };
            let add = match filter {
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                _ => 0,
            };
            cur[i] = (cur[i] as i32 + add) as u8;
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    out
}

/// CCITT fax data (PDF CCITTFaxDecode parameters) to gray: 0 black, 255 white.
pub fn ccitt(
    data: &[u8],
    k: i64,
    columns: usize,
    rows: usize,
    black_is_1: bool,
) -> Result<Gray, ImageError> {
    check_size(columns as u64, rows.max(1) as u64)?;
    let width = u16::try_from(columns)
        .map_err(|_| ImageError::Unsupported(format!("CCITT image {columns} pixels wide")))?;
    let mut lines: Vec<Vec<u16>> = Vec::new();
    let limit = if rows > 0 {
        rows
    } else {
        MAX_PIXELS as usize / columns.max(1)
    };
    let mut collect = |t: &[u16]| {
        if lines.len() < limit {
            lines.push(t.to_vec());
        }
    };
    let height = u16::try_from(rows).ok().filter(|&h| h > 0);
    let ok = match k {
        k if k < 0 => fax::decoder::decode_g4(data.iter().copied(), width, height, &mut collect),
        0 => fax::decoder::decode_g3(data.iter().copied(), &mut collect),
        _ => {
            return Err(ImageError::Unsupported(
                "CCITTFaxDecode with K > 0 (two-dimensional Group 3)".into(),
            ))
        }
    };
    if ok.is_none() && lines.is_empty() {
        return Err(ImageError::Damaged(
            "CCITTFaxDecode: no line decoded".into(),
        ));
    }
    // The plane is allocated for the rows decoded: a few bytes under /Rows of a large
    // image are refused, not padded out with white.
    if lines.len() < rows {
        return Err(ImageError::Damaged(format!(
            "CCITTFaxDecode: {} of {rows} rows decoded",
            lines.len()
        )));
    }
    let height = lines.len();
    let mut out = Gray::new(columns, height, 255);
    for (y, t) in lines.iter().enumerate().take(height) {
        for (x, c) in fax::decoder::pels(t, width).enumerate() {
            // The filter gives sample 1 for black runs when BlackIs1, else for white runs;
            // a sample 1 is white in DeviceGray (a /Decode [1 0] is the caller's).
            let sample_one = (c == fax::Color::Black) == black_is_1;
            out.pixels[y * columns + x] = if sample_one { 255 } else { 0 };
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_header_of_a_huge_image_is_refused_before_decoding() {
        // IHDR of 100,000 × 100,000 8-bit gray, CRC included, no image data.
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc32fast::hash(&ihdr).to_be_bytes());
        let err = super::png(&png).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the image is 100000 × 100000 pixels, more than the 100000000-pixel limit"
        );
    }

    #[test]
    fn png_predictors_are_undone() {
        // Two rows of 3 gray pixels: Sub then Up.
        let data = [1, 10, 5, 5, 2, 1, 1, 1];
        assert_eq!(unpredict(&data, 15, 1, 8, 3), vec![10, 15, 20, 11, 16, 21]);
    }

    #[test]
    fn one_bit_rows_unpack_to_black_and_white() {
        let g = unpack_gray(&[0b1010_0000, 0b0100_0000], 3, 2, 1);
        assert_eq!(g.pixels, vec![255, 0, 255, 0, 255, 0]);
    }
}

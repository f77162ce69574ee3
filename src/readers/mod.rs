//! Readers turn input bytes into the common layout; they know formats, not reports.

pub mod html;
pub mod image;
pub mod ofd;
pub mod office;
pub mod pdf;
pub mod text;

use crate::input::{decode, DecodeError, EncodingSource, Format};
use crate::layout::{Budget, Layout, TooLarge};
use crate::model::{Diagnostic, Level};

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error(transparent)]
    Html(#[from] html::HtmlError),
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    #[error(transparent)]
    Office(#[from] office::OfficeError),
    #[error(transparent)]
    Ofd(#[from] ofd::OfdError),
    #[error(transparent)]
    Image(#[from] image::ImageError),
    #[error("{}", .0.unsupported())]
    Unsupported(Format),
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
}

/// Reads bytes of a known format.
pub fn read(format: Format, bytes: &[u8], limits: &crate::Limits) -> Result<Layout, ReadError> {
    read_in(format, bytes, limits, None)
}

/// [`read`] of a file in `folder`: a saved web page's table images beside it are read too.
pub fn read_in(
    format: Format,
    bytes: &[u8],
    limits: &crate::Limits,
    folder: Option<&std::path::Path>,
) -> Result<Layout, ReadError> {
    let mut budget = Budget::new(limits);
    match format {
        Format::Text => {
            let decoded = decode(bytes, None)?;
            let mut layout = text::read(&decoded.text, &mut budget)?;
            layout
                .diagnostics
                .splice(0..0, encoding_diagnostics(&decoded));
            Ok(layout)
        }
        Format::Html => Ok(html::read(bytes, limits, &mut budget, folder)?),
        Format::Pdf => Ok(pdf::read(bytes, limits.max_pdf_stream_bytes, &mut budget)?),
        Format::Docx => Ok(office::read_docx(bytes, &mut budget)?),
        Format::Odt => Ok(office::read_odt(bytes, &mut budget)?),
        Format::Ofd => Ok(ofd::read_layout(bytes, &mut budget)?),
        Format::Image => Ok(image::read_layout(
            bytes,
            &image_options(limits),
            &mut budget,
        )?),
        other => Err(ReadError::Unsupported(other)),
    }
}

pub(crate) fn image_options(limits: &crate::Limits) -> image::Options {
    image::Options {
        max_stream_bytes: limits.max_pdf_stream_bytes,
        ..image::Options::default()
    }
}

/// Says how the text was decoded when that was not plain UTF-8, and whether bytes were lost.
pub fn encoding_diagnostics(decoded: &crate::input::Decoded) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if decoded.how != EncodingSource::Utf8 || decoded.encoding != "UTF-8" {
        out.push(Diagnostic::new(
            Level::Info,
            "encoding",
            "input",
            format!("decoded as {} ({})", decoded.encoding, decoded.how.as_str()),
        ));
    }
    if decoded.malformed {
        out.push(Diagnostic::new(
            Level::Warning,
            "malformed-bytes",
            "input",
            format!(
                "some bytes are not valid {}; each such sequence was replaced by U+FFFD",
                decoded.encoding
            ),
        ));
    }
    out
}

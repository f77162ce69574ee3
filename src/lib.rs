//! gongkai: China's government information-disclosure annual reports
//! (政府信息公开工作年度报告) from any form they are found in, into one canonical XML with
//! every standard-table cell typed and checked.
//!
//! The pipeline (ARCHITECTURE.md): [`input`] reads and sniffs bytes; [`readers`] turn them
//! into a [`layout::Layout`] (fixed-layout formats through [`fixed`]); [`recognise`] maps
//! any layout onto the report templates ([`template`]: `schemas/templates.toml` or a file of
//! the same form, handed in with [`ExtractOptions`]) into a [`model::Report`]; [`checks`]
//! apply the consistency rules; [`writers`] write the canonical XML, the schema, the data
//! export and the review pages.

pub mod archive;
pub mod batch;
pub mod checks;
pub mod fixed;
pub mod input;
pub mod layout;
pub mod model;
pub mod readers;
pub mod recognise;
pub mod template;
pub mod test_hooks;
pub mod text;
pub mod writers;

use std::sync::Arc;

use input::{sniff, Format, Input};
use model::{Report, Source};
use template::Templates;

/// How to extract.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Force a reader instead of sniffing the bytes.
    pub from: Option<Format>,
    pub limits: Limits,
    /// The templates reports are read with (`--templates`; the built-in ones by default).
    pub templates: Arc<Templates>,
}

impl Default for ExtractOptions {
    fn default() -> ExtractOptions {
        ExtractOptions {
            from: None,
            limits: Limits::default(),
            templates: Templates::builtin(),
        }
    }
}

/// Per-file limits against hostile or broken inputs (all documented flags of `extract`
/// and `convert`): within them any input is read in linear time and bounded memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input file read.
    pub max_input_bytes: u64,
    /// Largest PDF stream decompressed (decompression bombs).
    pub max_pdf_stream_bytes: usize,
    /// Deepest HTML element nesting kept (deeper tags are dropped, their text kept).
    pub max_html_depth: usize,
    /// Most nodes a parsed HTML page may have (the parser's tree costs memory per node).
    pub max_html_nodes: usize,
    /// Most lines and paragraphs one input may give.
    pub max_lines: usize,
    /// Most table cells one input may give.
    pub max_cells: usize,
    /// Most pixels the images of one input may decode to (OCR), all pages together.
    pub max_pixels: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_input_bytes: input::DEFAULT_MAX_INPUT_BYTES,
            max_pdf_stream_bytes: readers::pdf::MAX_STREAM_BYTES,
            max_html_depth: readers::html::MAX_DEPTH,
            max_html_nodes: readers::html::MAX_NODES,
            max_lines: layout::DEFAULT_MAX_LINES,
            max_cells: layout::DEFAULT_MAX_CELLS,
            max_pixels: layout::DEFAULT_MAX_PIXELS,
        }
    }
}

/// Reads one report. Errors are for inputs that are no readable document at all; a
/// readable text that holds no report still gives a report (template `none`).
pub fn extract(input: &Input, options: &ExtractOptions) -> Result<Report, readers::ReadError> {
    let format = options.from.unwrap_or_else(|| sniff(&input.bytes));
    let layout = readers::read_in(
        format,
        &input.bytes,
        &options.limits,
        input.folder.as_deref(),
    )?;
    let source = Source {
        name: input.name.clone(),
        media_type: format.media_type_of(&input.bytes).to_string(),
        bytes: input.bytes.len() as u64,
        sha256: input.sha256(),
    };
    Ok(recognise::recognise(&layout, source, &options.templates))
}

/// Why [`extract`] refuses every input that starts with `head` (the first
/// [`input::SNIFF_BYTES`] or more of a longer input), when those bytes alone tell: a text
/// with a NUL byte in them, or an OLE2 file. `None` when the rest of the input could matter
/// (a zip is told by its end, any other format is read whole).
pub fn refusal_from_head(head: &[u8], options: &ExtractOptions) -> Option<readers::ReadError> {
    let format = match options.from {
        Some(f) => f,
        None if head.starts_with(b"PK") => return None,
        // `sniff` looks at no more than the first 4 KiB of anything but a zip.
        None => sniff(head),
    };
    match format {
        Format::Text => input::binary_from_head(head).map(readers::ReadError::from),
        Format::Ole => Some(readers::ReadError::Unsupported(Format::Ole)),
        _ => None,
    }
}

/// Sealing extracts with the caller's options: its limits and its templates.
impl archive::Reports for ExtractOptions {
    fn extract(&self, name: &str, bytes: &[u8]) -> Result<archive::ReportFile, String> {
        let report = extract(&Input::new(name, bytes.to_vec()), self).map_err(|e| e.to_string())?;
        Ok(archive::ReportFile {
            xml: writers::xml::to_bytes(&report),
            year: report.meta.year,
        })
    }

    fn read(&self, xml: &[u8]) -> Result<archive::GivenReport, String> {
        let report = writers::xml::from_bytes(xml).map_err(|e| e.to_string())?;
        Ok(archive::GivenReport {
            year: report.meta.year,
            source_name: report.meta.source.name,
            source_sha256: report.meta.source.sha256,
        })
    }

    fn refusal(&self, head: &[u8]) -> Option<String> {
        refusal_from_head(head, self).map(|e| e.to_string())
    }

    fn is_report(&self, head: &[u8]) -> bool {
        let ns = writers::xml::NAMESPACE.as_bytes();
        head.windows(ns.len()).any(|w| w == ns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The refusal told from a head is the one extract gives on the whole input, and none
    /// is told where the rest of the input could change the outcome.
    #[test]
    fn a_refusal_from_the_head_is_extracts_on_the_whole() {
        let long = |start: &[u8], fill: u8| {
            let mut b = start.to_vec();
            b.resize(3 * input::SNIFF_BYTES, fill);
            b
        };
        let mut nul_late = long(b"plain text", b'a');
        nul_late[input::SNIFF_BYTES + 1] = 0;
        let cases: [(&str, Vec<u8>, bool); 7] = [
            ("NUL at once", long(b"\x01\x00binary", 7), true),
            ("NUL after text", long(b"text then \x00", b'x'), true),
            (
                "OLE2",
                long(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00", 0),
                true,
            ),
            ("NUL past the head", nul_late, false),
            ("UTF-16 with its BOM", long(b"\xFF\xFEa\x00b\x00", 0), false),
            ("a zip", long(b"PK\x03\x04\x00", 0), false),
            ("HTML with a NUL", long(b"<html><body>\x00", b' '), false),
        ];
        let options = ExtractOptions::default();
        for (what, bytes, told) in cases {
            let from_head = refusal_from_head(&bytes[..input::SNIFF_BYTES], &options);
            assert_eq!(from_head.is_some(), told, "{what}");
            if let Some(e) = from_head {
                let whole = extract(&Input::new("f", bytes), &options).err();
                assert_eq!(Some(e.to_string()), whole.map(|e| e.to_string()), "{what}");
            }
        }
    }
}

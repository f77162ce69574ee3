//! The office readers, DOCX and ODT each forced in turn on the same bytes; then the
//! recogniser and the XML round trip.
//!
//! Two kinds of input, told by the first bytes:
//! - a zip (`PK…`): read as it is — the container, its directory and the limits;
//! - anything else: the XML of the parts, NUL-separated (`document.xml` or `content.xml`,
//!   then `numbering.xml`, then `styles.xml`), packed here into a stored zip. Mutating a
//!   deflated, CRC-checked zip almost never reaches the XML; this way the XML handling
//!   (numbering, spans, merges, nesting) is fuzzed directly.
#![no_main]

use std::io::{Cursor, Write};

use gongkai::input::Format;
use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

fn pack(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for (name, bytes) in parts {
        z.start_file(*name, opts).expect("a new entry");
        z.write_all(bytes).expect("in memory");
    }
    z.finish().expect("in memory").into_inner()
}

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") {
        gongkai_fuzz::extract(data, Some(Format::Docx));
        gongkai_fuzz::extract(data, Some(Format::Odt));
        return;
    }
    let mut parts = data.splitn(3, |&b| b == 0);
    let main = parts.next().unwrap_or_default();
    let numbering = parts.next();
    let styles = parts.next();
    let mut docx = vec![("word/document.xml", main)];
    docx.extend(numbering.map(|n| ("word/numbering.xml", n)));
    docx.extend(styles.map(|s| ("word/styles.xml", s)));
    gongkai_fuzz::extract(&pack(&docx), Some(Format::Docx));
    let odt = pack(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", main),
    ]);
    gongkai_fuzz::extract(&odt, Some(Format::Odt));
});

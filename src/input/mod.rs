//! Input bytes: reading them within a size limit, hashing them, telling their format, and
//! decoding text in whatever encoding it came in.

use std::fmt;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

/// Default limit on one input file; `--max-input-bytes` changes it.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// One input, as read: its name (file name only) and its exact bytes.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
    /// The folder the file was read from (a saved web page's images lie beside it); none
    /// for a stream.
    pub folder: Option<std::path::PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("input is larger than the {limit}-byte limit (raise it with --max-input-bytes)")]
    TooLarge { limit: u64 },
    #[error("is a directory")]
    Directory,
    /// A FIFO, device or socket: reading one could block for ever or never end.
    #[error("not a regular file ({0}): not read")]
    NotRegular(&'static str),
}

impl InputError {
    /// As an I/O error, for callers that speak only those.
    pub fn into_io(self) -> std::io::Error {
        match self {
            InputError::Io(e) => e,
            other => std::io::Error::new(std::io::ErrorKind::InvalidInput, other.to_string()),
        }
    }
}

/// Opens a regular file for reading (links followed). A folder, FIFO, device or socket is
/// refused by its type before it is opened, and what was opened is checked again (opened
/// without blocking, so a FIFO put in its place meanwhile cannot stall the caller).
pub fn open_regular(path: &Path) -> Result<std::fs::File, InputError> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(InputError::Directory);
    }
    if !meta.is_file() {
        return Err(InputError::NotRegular(special_kind(&meta.file_type())));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let opened = file.metadata()?.file_type();
    if !opened.is_file() {
        return Err(InputError::NotRegular(special_kind(&opened)));
    }
    Ok(file)
}

/// What a file that is neither a regular file, a folder nor a link is: `a FIFO`, ….
pub fn special_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    let _ = t;
    "a special file"
}

impl Input {
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> Input {
        Input {
            name: name.into(),
            bytes,
            folder: None,
        }
    }

    /// Reads a file, refusing more than `limit` bytes, and refusing a folder, FIFO, device
    /// or socket without reading it ([`open_regular`]).
    pub fn from_path(path: &Path, limit: u64) -> Result<Input, InputError> {
        let file = open_regular(path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "input".into());
        // Sized for the file at once (within the limit): read into a growing buffer, its
        // last doubling would hold up to twice the file.
        let size = file.metadata().map_or(0, |m| m.len().min(limit));
        let mut input = Input::read(name, file, limit, size)?;
        input.folder = path.parent().map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".").to_path_buf()
            } else {
                p.to_path_buf()
            }
        });
        Ok(input)
    }

    /// Reads a stream (stdin), refusing more than `limit` bytes.
    pub fn from_reader(
        name: impl Into<String>,
        reader: impl Read,
        limit: u64,
    ) -> Result<Input, InputError> {
        Input::read(name, reader, limit, 0)
    }

    /// Reads up to `limit` bytes into a buffer made for `expected` (one byte more, so that
    /// reading to the end does not grow it), refusing more.
    fn read(
        name: impl Into<String>,
        reader: impl Read,
        limit: u64,
        expected: u64,
    ) -> Result<Input, InputError> {
        let mut bytes = Vec::new();
        // A size the allocator refuses (a sparse file under a raised limit) is not an
        // abort: the buffer then grows as it is read, and the read says what failed.
        let _ =
            bytes.try_reserve_exact(usize::try_from(expected).map_or(0, |n| n.saturating_add(1)));
        reader
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(InputError::TooLarge { limit });
        }
        Ok(Input::new(name, bytes))
    }

    pub fn sha256(&self) -> String {
        hex(&Sha256::digest(&self.bytes))
    }
}

/// Lowercase hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The input formats gongkai tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    Pdf,
    Docx,
    Odt,
    /// An OFD package (GB/T 33190-2016).
    Ofd,
    /// A picture of pages (PNG, JPEG, TIFF): read by OCR.
    Image,
    /// A spreadsheet (XLSX): not a document.
    Xlsx,
    /// A sealed gongkai archive.
    Archive,
    /// Some other zip.
    Zip,
    /// An OLE2 compound file: `.doc`, `.wps`, `.xls` of old.
    Ole,
}

impl Format {
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain",
            Format::Html => "text/html",
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Odt => "application/vnd.oasis.opendocument.text",
            Format::Ofd => "application/ofd",
            Format::Image => "image",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Archive | Format::Zip => "application/zip",
            Format::Ole => "application/x-ole-storage",
        }
    }

    /// The media type of these bytes read as this format: for an image, its kind.
    pub fn media_type_of(self, bytes: &[u8]) -> &'static str {
        match self {
            Format::Image if bytes.starts_with(b"\x89PNG") => "image/png",
            Format::Image if bytes.starts_with(b"\xff\xd8") => "image/jpeg",
            Format::Image if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") => {
                "image/tiff"
            }
            other => other.media_type(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "HTML",
            Format::Pdf => "PDF",
            Format::Docx => "DOCX",
            Format::Odt => "ODT",
            Format::Ofd => "OFD",
            Format::Image => "image",
            Format::Xlsx => "XLSX",
            Format::Archive => "archive",
            Format::Zip => "zip",
            Format::Ole => "OLE2",
        }
    }

    /// Why a format without a reader is refused, and what to do instead.
    pub fn unsupported(self) -> String {
        match self {
            Format::Ole => {
                "an OLE2 document (.doc, .wps, .xls): not supported; convert it to DOCX first \
                (e.g. `soffice --headless --convert-to docx FILE`)"
                    .into()
            }
            Format::Xlsx => {
                "an XLSX workbook, not a document: save the report as DOCX, PDF or HTML".into()
            }
            Format::Archive => {
                "a sealed gongkai archive: use `gongkai verify`, `list`, `show` or `export` on it"
                    .into()
            }
            Format::Zip => "a zip archive that holds no DOCX, ODT or OFD document".into(),
            other => format!("{} input is not supported", other.name()),
        }
    }
}

/// The most of an input's start [`sniff`] looks at, but for a zip (told by its end too).
pub const SNIFF_BYTES: usize = 4096;

/// Tells the format from the bytes, not the file name: crawlers name files anything.
pub fn sniff(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"%PDF-") || find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_some() {
        return Format::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return sniff_zip(bytes);
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Format::Ole;
    }
    if [
        &b"\x89PNG\r\n\x1a\n"[..],
        b"\xff\xd8\xff",
        b"II*\0",
        b"MM\0*",
    ]
    .iter()
    .any(|m| bytes.starts_with(m))
    {
        return Format::Image;
    }
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let markup = [
        &b"<!doctype html"[..],
        b"<html",
        b"<head",
        b"<body",
        b"<table",
        b"<div",
        b"<p>",
        b"<p ",
        b"<meta",
    ];
    let trimmed = trim_start_bom_ws(&lower);
    if trimmed.starts_with(b"<") && markup.iter().any(|m| find(&lower, m).is_some()) {
        return Format::Html;
    }
    Format::Text
}

/// The bytes at a zip's start and end that tell which kind it is when its central
/// directory cannot be read.
const ZIP_HEAD_BYTES: u64 = 1 << 16;
const ZIP_TAIL_BYTES: u64 = 1 << 20;
/// The most of a zip's central directory [`sniff_file`] reads (some 150,000 entries).
const MAX_DIRECTORY_BYTES: u64 = 16 << 20;
/// A zip's end record and its longest comment.
const END_RECORD_BYTES: u64 = 22 + 0xFFFF;

/// Tells a file's format as [`sniff`] does from its bytes, reading only what that looks at
/// (a zip's start, and its end with the central directory): a sealed archive of a year
/// need not be read whole.
pub fn sniff_file(path: &Path) -> Result<Format, InputError> {
    use std::io::{Seek, SeekFrom};
    let mut file = open_regular(path)?;
    let length = file.metadata()?.len();
    let mut bytes = Vec::new();
    (&mut file).take(ZIP_HEAD_BYTES).read_to_end(&mut bytes)?;
    if bytes.starts_with(b"PK\x03\x04") && length > ZIP_HEAD_BYTES {
        let rest = length - ZIP_HEAD_BYTES;
        let mut last = |n: u64| -> std::io::Result<Vec<u8>> {
            let mut out = Vec::new();
            file.seek(SeekFrom::Start(length - n))?;
            (&mut file).take(n).read_to_end(&mut out)?;
            Ok(out)
        };
        let end = last(rest.min(END_RECORD_BYTES))?;
        let directory = end_record(&end).map_or(0, |(at, size)| (end.len() - at + size) as u64);
        let tail = ZIP_TAIL_BYTES
            .max(directory)
            .min(MAX_DIRECTORY_BYTES)
            .min(rest);
        bytes.extend(last(tail)?);
    }
    Ok(sniff(&bytes))
}

/// Which kind of zip: by the names of the entries at its root, read from its central
/// directory; when that cannot be read (a zip cut short, a directory larger than the tail
/// looked at), by the names its first and last bytes hold.
fn sniff_zip(bytes: &[u8]) -> Format {
    let tail = &bytes[bytes.len().saturating_sub(ZIP_TAIL_BYTES as usize)..];
    let head = &bytes[..bytes.len().min(ZIP_HEAD_BYTES as usize)];
    if head.get(30..38) == Some(b"mimetype")
        && find(&head[..head.len().min(120)], b"opendocument.text").is_some()
    {
        return Format::Odt;
    }
    let Some(names) = central_directory_names(bytes) else {
        let has = |name: &[u8]| find(tail, name).is_some() || find(head, name).is_some();
        // A zip cut short has no directory: an OFD whose first entry is OFD.xml (as
        // producers write it) is still told by that.
        return if first_entry_name(head) == Some(b"OFD.xml") {
            Format::Ofd
        } else if has(b"word/document.xml") {
            Format::Docx
        } else if has(b"xl/workbook.xml") {
            Format::Xlsx
        } else if has(b"/bagit.txt") && has(b"/seal.xml") {
            Format::Archive
        } else if has(b"content.xml") && has(b"opendocument.text") {
            Format::Odt
        } else {
            Format::Zip
        };
    };
    let has = |name: &[u8]| names.contains(&name);
    let has_below = |name: &[u8]| {
        names.iter().any(|n| {
            n.len() > name.len() && n.ends_with(name) && n[n.len() - name.len() - 1] == b'/'
        })
    };
    // OFD (GB/T 33190): `OFD.xml` at the package's root.
    if has(b"OFD.xml") {
        Format::Ofd
    } else if has(b"word/document.xml") {
        Format::Docx
    } else if has(b"xl/workbook.xml") {
        Format::Xlsx
    } else if has_below(b"bagit.txt") && has_below(b"seal.xml") {
        Format::Archive
    } else if has(b"content.xml") && has(b"mimetype") && find(head, b"opendocument.text").is_some()
    {
        Format::Odt
    } else {
        Format::Zip
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    let v = b.get(at..at + 2)?;
    Some(u16::from_le_bytes([v[0], v[1]]) as usize)
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    let v = b.get(at..at + 4)?;
    Some(u32::from_le_bytes([v[0], v[1], v[2], v[3]]) as usize)
}

/// Where the zip's end record is (the last one, its comment reaching the last byte) and
/// the size it gives its central directory.
fn end_record(bytes: &[u8]) -> Option<(usize, usize)> {
    let search_from = bytes.len().saturating_sub(END_RECORD_BYTES as usize);
    let at = (search_from..=bytes.len().checked_sub(22)?)
        .rev()
        .find(|&at| {
            bytes[at..].starts_with(b"PK\x05\x06")
                && u16_at(bytes, at + 20).is_some_and(|comment| at + 22 + comment == bytes.len())
        })?;
    Some((at, u32_at(bytes, at + 12)?))
}

/// The name of the entry whose local header starts the zip.
fn first_entry_name(head: &[u8]) -> Option<&[u8]> {
    head.get(30..30 + u16_at(head, 26)?)
}

/// The names in the zip's central directory, when the bytes end with the whole of it: the
/// end record (its comment reaching the last byte) and, just before it, the directory it
/// gives the size of, entry after entry. A zip stored inside the zip does not count: its
/// directory is not the one the last end record gives.
fn central_directory_names(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    const ENTRY: &[u8] = b"PK\x01\x02";
    let (end, size) = end_record(bytes)?;
    let mut at = end.checked_sub(size)?;
    let mut names = Vec::new();
    while at < end {
        if !bytes[at..].starts_with(ENTRY) {
            return None;
        }
        let name_length = u16_at(bytes, at + 28)?;
        let other = u16_at(bytes, at + 30)? + u16_at(bytes, at + 32)?;
        names.push(bytes.get(at + 46..at + 46 + name_length)?);
        at += 46 + name_length + other;
    }
    (at == end).then_some(names)
}

fn trim_start_bom_ws(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    &b[start..]
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// Text decoded from bytes, with how its encoding was decided.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    pub how: EncodingSource,
    /// Byte sequences invalid in that encoding, each replaced by U+FFFD.
    pub malformed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingSource {
    Bom,
    Declared,
    Utf8,
    Detected,
}

impl EncodingSource {
    pub fn as_str(self) -> &'static str {
        match self {
            EncodingSource::Bom => "byte-order mark",
            EncodingSource::Declared => "declared",
            EncodingSource::Utf8 => "valid UTF-8",
            EncodingSource::Detected => "detected",
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("empty input")]
    Empty,
    #[error("binary data, not text ({0})")]
    Binary(String),
}

/// How much of a file without BOM, declaration or valid UTF-8 the encoding detector reads.
pub const DETECTION_SAMPLE_BYTES: usize = 64 * 1024;

/// Decodes text: BOM first, then a declared encoding (HTML's meta), then valid UTF-8, then
/// detection (chardetng; GB18030/GBK and Big5 pages are common).
pub fn decode(
    bytes: &[u8],
    declared: Option<&'static encoding_rs::Encoding>,
) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    let (encoding, how, body) = if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes)
    {
        (enc, EncodingSource::Bom, &bytes[bom_len..])
    } else {
        if let Some(nul) = nul_byte(bytes) {
            return Err(nul);
        }
        if let Some(enc) = declared {
            (enc, EncodingSource::Declared, bytes)
        } else if is_utf8(bytes) {
            (encoding_rs::UTF_8, EncodingSource::Utf8, bytes)
        } else if mostly_utf8(bytes) {
            // A few damaged bytes in UTF-8 text: a detector would pick a legacy encoding
            // and garble everything else.
            (encoding_rs::UTF_8, EncodingSource::Detected, bytes)
        } else {
            // The detector reads some 4 MB/s; 64 KiB of a report decides its encoding
            // as surely as the whole of a huge file would.
            let sample = &bytes[..bytes.len().min(DETECTION_SAMPLE_BYTES)];
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(sample, sample.len() == bytes.len());
            (detector.guess(None, true), EncodingSource::Detected, bytes)
        }
    };
    let (text, malformed) = encoding.decode_without_bom_handling(body);
    let text = text.into_owned();
    check_textual(&text)?;
    Ok(Decoded {
        text,
        encoding: encoding.name(),
        how,
        malformed,
    })
}

/// Whether the bytes are UTF-8 throughout: encoding_rs's check, which takes Chinese text
/// many bytes at a time where `std::str::from_utf8` goes a character at a time (a tenth of
/// the instructions on a report's page).
pub fn is_utf8(bytes: &[u8]) -> bool {
    encoding_rs::Encoding::utf8_valid_up_to(bytes) == bytes.len()
}

/// A NUL byte among the first 64 KiB: binary data, whatever encoding it would be read in.
fn nul_byte(bytes: &[u8]) -> Option<DecodeError> {
    let pos = memchr::memchr(0, &bytes[..bytes.len().min(1 << 16)])?;
    Some(DecodeError::Binary(format!("a NUL byte at offset {pos}")))
}

/// Why [`decode`] refuses every input that starts with `head` as binary, when `head`
/// shows it: no byte-order mark, and a NUL byte among its bytes. `None` when the rest of
/// the input could matter.
pub fn binary_from_head(head: &[u8]) -> Option<DecodeError> {
    if encoding_rs::Encoding::for_bom(head).is_some() {
        return None;
    }
    nul_byte(head)
}

/// True when the bytes are UTF-8 but for a few invalid sequences: at least 20 valid
/// multi-byte characters for each invalid one.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    let (mut valid_multibyte, mut invalid) = (0usize, 0usize);
    loop {
        let (good, bad_len) = match std::str::from_utf8(rest) {
            Ok(s) => (s, None),
            Err(e) => (
                // valid_up_to is a char boundary of valid UTF-8.
                std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default(),
                Some(e.error_len().unwrap_or(rest.len() - e.valid_up_to())),
            ),
        };
        valid_multibyte += good.chars().filter(|c| !c.is_ascii()).count();
        match bad_len {
            None => break,
            Some(n) => {
                invalid += 1;
                rest = &rest[good.len() + n.max(1)..];
            }
        }
    }
    invalid > 0 && valid_multibyte >= invalid * 20
}

/// Refuses decoded text that is mostly control characters or replacement characters: that
/// was binary data, whatever encoding was tried.
fn check_textual(text: &str) -> Result<(), DecodeError> {
    // Counted over the bytes of the first 64 Ki chars, not char by char (decoding each
    // char was most of the cost of taking in a page's bytes): the C0 controls and DEL are
    // single bytes, the C1 controls `C2 80`–`C2 9F`.
    // No more bytes than that: no more chars either.
    let prefix = if text.len() <= 1 << 16 {
        text
    } else {
        text.char_indices()
            .nth(1 << 16)
            .map_or(text, |(end, _)| &text[..end])
    };
    let total = prefix.chars().count();
    // Without branches and in runs of 255 bytes counted in a byte, so that the count is
    // made 16 or 32 bytes at a time (byte by byte it was some 40% of decoding a page).
    let controls: usize = prefix
        .as_bytes()
        .chunks(255)
        .map(|run| {
            let in_run: u8 = run
                .iter()
                .map(|&b| {
                    u8::from(
                        (b < 0x20) & (b != b'\n') & (b != b'\r') & (b != b'\t') & (b != 0x0C)
                            | (b == 0x7F),
                    )
                })
                .sum();
            usize::from(in_run)
        })
        .sum();
    let c1_controls = memchr::memchr_iter(0xC2, prefix.as_bytes())
        .filter(|&at| matches!(prefix.as_bytes().get(at + 1), Some(0x80..=0x9F)))
        .count();
    let bad = controls + c1_controls + prefix.matches('\u{FFFD}').count();
    if total == 0 {
        return Err(DecodeError::Empty);
    }
    if bad * 10 > total {
        return Err(DecodeError::Binary(format!(
            "{bad} of the first {total} characters are control or undecodable bytes"
        )));
    }
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_formats_from_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Format::Pdf);
        assert_eq!(sniff(b"PK\x03\x04rest"), Format::Zip);
        assert_eq!(sniff(b"  <!DOCTYPE html><html>"), Format::Html);
        assert_eq!(
            sniff("<p style='x'>一、总体情况</p>".as_bytes()),
            Format::Html
        );
        assert_eq!(sniff("一、总体情况\n规章 |\n".as_bytes()), Format::Text);
        assert_eq!(sniff("<本报告> 一、总体情况".as_bytes()), Format::Text);
        assert_eq!(sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), Format::Ole);
        let zip = |names: &[&str]| {
            let mut b = b"PK\x03\x04".to_vec();
            b.extend_from_slice(&[0; 26]);
            for n in names {
                b.extend_from_slice(n.as_bytes());
            }
            b
        };
        assert_eq!(
            sniff(&zip(&["[Content_Types].xml", "word/document.xml"])),
            Format::Docx
        );
        assert_eq!(
            sniff(&zip(&[
                "mimetypeapplication/vnd.oasis.opendocument.text",
                "content.xml"
            ])),
            Format::Odt
        );
        assert_eq!(sniff(&zip(&["xl/workbook.xml"])), Format::Xlsx);
        assert_eq!(
            sniff(&zip(&["gongkai-2020/bagit.txt", "gongkai-2020/seal.xml"])),
            Format::Archive
        );
        assert_eq!(sniff(&zip(&["photo.jpg"])), Format::Zip);
    }

    /// A stored zip of these entries, as the zip crate writes it.
    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in entries {
            z.start_file(*name, stored).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    /// A zip of empty entries with these names.
    fn zip_of(names: &[&str]) -> Vec<u8> {
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (*n, &b""[..])).collect();
        zip_with(&entries)
    }

    #[test]
    fn ofd_is_a_zip_with_ofd_xml_at_its_root() {
        let ofd = zip_of(&["OFD.xml", "Doc_0/Document.xml"]);
        assert_eq!(sniff(&ofd), Format::Ofd);
        // Its central directory gone (cut short), the first local header still tells.
        assert_eq!(sniff(&ofd[..ofd.len() / 2]), Format::Ofd);
        // Named last, the central directory tells.
        assert_eq!(
            sniff(&zip_of(&["Doc_0/Document.xml", "OFD.xml"])),
            Format::Ofd
        );
        for other in [&["Doc_0/OFD.xml"][..], &["OFD.xml.bak"], &["xOFD.xml"]] {
            assert_eq!(sniff(&zip_of(other)), Format::Zip, "{other:?}");
        }
        // Stored inside another zip, an OFD (or a DOCX) does not make that zip one: a
        // sealed archive of originals stays an archive.
        let docx = zip_of(&["word/document.xml"]);
        let archive = zip_with(&[
            ("gongkai-2024/bagit.txt", b""),
            ("gongkai-2024/data/originals/a.ofd", &ofd),
            ("gongkai-2024/data/originals/b.docx", &docx),
            ("gongkai-2024/seal.xml", b""),
        ]);
        assert_eq!(sniff(&archive), Format::Archive);
        assert_eq!(sniff(&zip_with(&[("a.ofd", &ofd)])), Format::Zip);
    }

    #[test]
    fn a_file_is_told_from_its_start_and_directory_as_from_all_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let docx = zip_of(&["word/document.xml"]);
        let blob = vec![b'x'; 3 << 20];
        // A directory longer than the tail read when it cannot be found.
        let many: Vec<String> = (0..12_000)
            .map(|i| format!("gongkai-2024/data/xml/{i:064}.xml"))
            .collect();
        let mut entries: Vec<(&str, &[u8])> = vec![
            ("gongkai-2024/bagit.txt", b""),
            ("gongkai-2024/data/originals/b.docx", &docx),
            ("gongkai-2024/data/originals/blob", &blob),
        ];
        entries.extend(many.iter().map(|n| (n.as_str(), &b""[..])));
        entries.push(("gongkai-2024/seal.xml", b""));
        let archive = zip_with(&entries);
        let (_, directory) = end_record(&archive).unwrap();
        assert!(directory as u64 > ZIP_TAIL_BYTES, "{directory}");
        let ofd = zip_with(&[("OFD.xml", b""), ("Doc_0/blob", &blob)]);
        for (bytes, format) in [(archive, Format::Archive), (ofd, Format::Ofd)] {
            let path = dir.path().join("file");
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(sniff(&bytes), format);
            assert_eq!(sniff_file(&path).unwrap(), format);
        }
    }

    #[test]
    fn decodes_utf8_gbk_utf16_and_boms() {
        let s = "二、主动公开政府信息情况";
        let d = decode(s.as_bytes(), None).unwrap();
        assert_eq!((d.text.as_str(), d.how), (s, EncodingSource::Utf8));

        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice(s.as_bytes());
        let d = decode(&bom, None).unwrap();
        assert_eq!((d.text.as_str(), d.how), (s, EncodingSource::Bom));

        let long = s.repeat(20);
        let (gbk, _, _) = encoding_rs::GBK.encode(&long);
        let d = decode(&gbk, None).unwrap();
        assert_eq!(d.text, long);
        assert_eq!(d.how, EncodingSource::Detected);
        assert_eq!(d.encoding, "GBK");

        // Past the detector's sample the whole file is still decoded, a double-byte
        // character split by the sample's end included.
        let huge = format!("a{}", s.repeat(DETECTION_SAMPLE_BYTES / 20));
        let (gbk, _, _) = encoding_rs::GBK.encode(&huge);
        assert!(gbk.len() > DETECTION_SAMPLE_BYTES && gbk[DETECTION_SAMPLE_BYTES - 1] >= 0x80);
        let d = decode(&gbk, None).unwrap();
        assert_eq!((d.encoding, d.malformed), ("GBK", false));
        assert_eq!(d.text, huge);

        let mut utf16 = vec![0xff, 0xfe];
        for u in s.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&utf16, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (s, "UTF-16LE"));
    }

    #[test]
    fn damaged_utf8_stays_utf8() {
        let mut bytes = "二、主动公开政府信息情况".repeat(5).into_bytes();
        bytes.splice(9..9, [0x80, 0xe4, 0xb8]);
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.malformed);
        assert!(d.text.starts_with("二、主\u{FFFD}"));
        // GBK bytes are not "mostly UTF-8".
        let text = "二、主动公开政府信息情况".repeat(5);
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        assert!(!mostly_utf8(&gbk));
    }

    #[test]
    fn refuses_empty_and_binary() {
        assert_eq!(decode(b"", None).unwrap_err(), DecodeError::Empty);
        assert_eq!(decode(b" \n\t ", None).unwrap_err(), DecodeError::Empty);
        assert!(matches!(
            decode(b"abc\x00def", None),
            Err(DecodeError::Binary(_))
        ));
        let controls: Vec<u8> = (1u8..9).chain(14..32).cycle().take(300).collect();
        assert!(matches!(
            decode(&controls, None),
            Err(DecodeError::Binary(_))
        ));
    }

    #[test]
    fn control_and_replacement_chars_are_counted_by_their_bytes() {
        // Counted across the runs of 255 bytes the count is made in.
        let spread = "\u{1}aaaaaaaa".repeat(40);
        assert!(
            matches!(check_textual(&spread), Err(DecodeError::Binary(m)) if m.starts_with("40 of the first 360")),
        );
        // One bad char in ten passes, one more is refused: C1 controls (`C2 80`–`C2 9F`),
        // DEL and U+FFFD count, `C2 A0` (no-break space) and line ends do not.
        for bad in ["\u{85}", "\u{9F}", "\u{7F}", "\u{FFFD}", "\u{1}"] {
            let passes = format!("{bad}报告内容\n\t\u{A0}¡ｈ");
            assert!(check_textual(&passes).is_ok(), "{bad:?}");
            let refused = format!("{bad}{bad}报告内容\n\t\u{A0}¡");
            assert!(
                matches!(check_textual(&refused), Err(DecodeError::Binary(m)) if m.starts_with("2 of the first 10")),
                "{bad:?}"
            );
        }
        // Only the first 64 Ki chars are counted.
        let long = format!("{}{}", "报".repeat(1 << 16), "\u{1}".repeat(1 << 16));
        assert!(check_textual(&long).is_ok());
    }

    #[test]
    fn reading_stops_at_the_limit() {
        let r = Input::from_reader("x", &b"0123456789"[..], 5);
        assert!(matches!(r, Err(InputError::TooLarge { limit: 5 })));
        let ok = Input::from_reader("x", &b"01234"[..], 5).unwrap();
        assert_eq!(ok.bytes.len(), 5);
    }
}

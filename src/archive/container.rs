//! The zip container, in the one canonical form gongkai writes, and a strict reader of it.
//!
//! A sealed archive is a zip whose every byte follows from its entries' names and contents:
//! entries sorted by name (bytewise), each stored uncompressed, a local header with fixed
//! fields (UTF-8 flag, no data descriptor, time 1980-01-01 00:00) directly followed by its
//! data, then the central directory (made by Unix, mode `-rw-r--r--`, no comments), then
//! the end record without a comment. The writer and the reader share the functions that
//! encode the headers, so the reader can tell every byte that differs from what a seal
//! would have written: that is why any changed byte of an archive is found. Entries are
//! never decompressed — a sealed archive has nothing to inflate, so no zip bomb can go off
//! — and never written anywhere.
//!
//! ZIP64 (APPNOTE 6.3.10, sections 4.3.14–4.3.15, 4.5.3) is written exactly where a value
//! does not fit its field, and nowhere else, so an archive within the classic limits is
//! the same bytes as before ZIP64 was supported:
//! - an entry of 4 GiB − 1 bytes or more: both sizes 0xFFFFFFFF in its local header and
//!   central record, each followed by a ZIP64 extra field (ID 1) holding the sizes;
//! - an entry whose local header starts at 4 GiB − 1 or later: offset 0xFFFFFFFF in its
//!   central record, the offset in the ZIP64 extra field (after the sizes, when they are
//!   there too);
//! - such an entry is "version needed 4.5" (made by Unix 4.5) in both its headers, every
//!   other entry 2.0;
//! - 65,535 entries or more, or a central directory that starts at or is 4 GiB − 1 or
//!   more: the ZIP64 end of central directory record (version 4.5, no extensible data)
//!   right after the directory, then its locator, then the end record, whose fields
//!   that do not fit hold 0xFFFF or 0xFFFFFFFF and the others their value.
//!
//! The reader takes a field's value from the ZIP64 record when the field holds the
//! all-ones marker, then rebuilds every header from the values and compares it byte for
//! byte, so ZIP64 where a seal writes none, a missing or duplicated extra field, sizes
//! that disagree between a local header, its central record and their extra fields, and a
//! locator that points anywhere but the record before it are all named.

use std::collections::HashMap;
use std::io::{self, Read, Write};

const LOCAL_SIG: u32 = 0x0403_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const END_SIG: u32 = 0x0605_4b50;
const ZIP64_END_SIG: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
pub const LOCAL_LEN: u64 = 30;
const CENTRAL_LEN: u64 = 46;
const END_LEN: u64 = 22;
const ZIP64_END_LEN: u64 = 56;
const ZIP64_LOCATOR_LEN: u64 = 20;
/// The ZIP64 end record's own size field: the bytes after that field (APPNOTE 4.3.14.1).
const ZIP64_END_SIZE: u64 = ZIP64_END_LEN - 12;
const ZIP64_EXTRA_ID: u16 = 0x0001;
const VERSION_NEEDED: u16 = 20;
const VERSION_ZIP64: u16 = 45;
/// Unix (3) in the high byte of "version made by".
const MADE_BY_UNIX: u16 = 0x0300;
/// Bit 11: the name is UTF-8.
const FLAGS: u16 = 0x0800;
const DOS_TIME: u16 = 0;
/// 1980-01-01, the earliest date zip can say.
const DOS_DATE: u16 = (1 << 5) | 1;
/// A regular file, `rw-r--r--`, in the Unix half of the external attributes.
const EXTERNAL_ATTRS: u32 = 0o100644 << 16;
/// A 32-bit size or offset field holds values below this; this value itself says "in the
/// ZIP64 record".
const FULL32: u64 = 0xffff_ffff;
/// The same for the end record's 16-bit entry counts.
const FULL16: u64 = 0xffff;

#[derive(Debug, thiserror::Error)]
pub enum ContainerError {
    /// Writing the archive failed (a full disk, …).
    #[error("cannot write: {0}")]
    Write(io::Error),
    /// Reading what is being added failed.
    #[error("cannot read: {0}")]
    Read(io::Error),
    #[error("{0} changed while it was being sealed (size or CRC differ from the first read)")]
    Changed(String),
    #[error("too large for a sealed archive: {0}")]
    TooLarge(String),
}

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn put64(v: &mut Vec<u8>, x: u64) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// A 32-bit field for `value`: the value, or the all-ones marker when it needs ZIP64.
fn field32(value: u64) -> u32 {
    value.min(FULL32) as u32
}

/// Which of an entry's values a seal writes in ZIP64 form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Wide {
    size: bool,
    offset: bool,
}

impl Wide {
    fn of(size: u64, offset: u64) -> Wide {
        Wide {
            size: size >= FULL32,
            offset: offset >= FULL32,
        }
    }
    fn any(self) -> bool {
        self.size || self.offset
    }
    fn version(self) -> u16 {
        if self.any() {
            VERSION_ZIP64
        } else {
            VERSION_NEEDED
        }
    }
}

/// The ZIP64 extra field holding `values` (nothing when there are none).
fn zip64_extra(values: &[u64]) -> Vec<u8> {
    let mut v = Vec::new();
    if values.is_empty() {
        return v;
    }
    put16(&mut v, ZIP64_EXTRA_ID);
    put16(&mut v, 8 * values.len() as u16);
    for &x in values {
        put64(&mut v, x);
    }
    v
}

/// The local header, name and extra field a seal writes for an entry whose header starts
/// at `offset`.
pub fn local_record(name: &[u8], crc: u32, size: u64, offset: u64) -> Vec<u8> {
    let wide = Wide::of(size, offset);
    let sizes = [size, size];
    let extra = zip64_extra(if wide.size { &sizes } else { &[] });
    let mut v = Vec::with_capacity(LOCAL_LEN as usize + name.len() + extra.len());
    put32(&mut v, LOCAL_SIG);
    put16(&mut v, wide.version());
    put16(&mut v, FLAGS);
    put16(&mut v, 0); // stored
    put16(&mut v, DOS_TIME);
    put16(&mut v, DOS_DATE);
    put32(&mut v, crc);
    put32(&mut v, field32(size));
    put32(&mut v, field32(size));
    put16(&mut v, name.len() as u16);
    put16(&mut v, extra.len() as u16);
    v.extend_from_slice(name);
    v.extend(extra);
    v
}

const LOCAL_FIELDS: &[(usize, &str)] = &[
    (0, "signature"),
    (4, "version needed"),
    (6, "flags"),
    (8, "compression method"),
    (10, "time"),
    (12, "date"),
    (14, "CRC-32"),
    (18, "compressed size"),
    (22, "uncompressed size"),
    (26, "name length"),
    (28, "extra field length"),
    (30, "name"),
];

/// The central directory record a seal writes for an entry, with its name and extra field.
pub fn central_record(name: &[u8], crc: u32, size: u64, offset: u64) -> Vec<u8> {
    let wide = Wide::of(size, offset);
    let mut values = Vec::new();
    if wide.size {
        values.extend([size, size]);
    }
    if wide.offset {
        values.push(offset);
    }
    let extra = zip64_extra(&values);
    let mut v = Vec::with_capacity(CENTRAL_LEN as usize + name.len() + extra.len());
    put32(&mut v, CENTRAL_SIG);
    put16(&mut v, MADE_BY_UNIX | wide.version());
    put16(&mut v, wide.version());
    put16(&mut v, FLAGS);
    put16(&mut v, 0);
    put16(&mut v, DOS_TIME);
    put16(&mut v, DOS_DATE);
    put32(&mut v, crc);
    put32(&mut v, field32(size));
    put32(&mut v, field32(size));
    put16(&mut v, name.len() as u16);
    put16(&mut v, extra.len() as u16);
    put16(&mut v, 0); // comment
    put16(&mut v, 0); // disk
    put16(&mut v, 0); // internal attributes
    put32(&mut v, EXTERNAL_ATTRS);
    put32(&mut v, field32(offset));
    v.extend_from_slice(name);
    v.extend(extra);
    v
}

const CENTRAL_FIELDS: &[(usize, &str)] = &[
    (0, "signature"),
    (4, "version made by"),
    (6, "version needed"),
    (8, "flags"),
    (10, "compression method"),
    (12, "time"),
    (14, "date"),
    (16, "CRC-32"),
    (20, "compressed size"),
    (24, "uncompressed size"),
    (28, "name length"),
    (30, "extra field length"),
    (32, "comment length"),
    (34, "disk number"),
    (36, "internal attributes"),
    (38, "external attributes"),
    (42, "local header offset"),
    (46, "name"),
];

/// The names of the fields of a ZIP64 extra field holding `values`, from its first byte.
fn extra_fields(values: &[&'static str]) -> Vec<(usize, String)> {
    let mut out = vec![
        (0, "ZIP64 extra field: header ID".to_string()),
        (2, "ZIP64 extra field: data size".to_string()),
    ];
    for (i, v) in values.iter().enumerate() {
        out.push((4 + 8 * i, format!("ZIP64 extra field: {v}")));
    }
    out
}

/// The end of central directory record, its fields as given.
pub fn end_record(count: u16, cd_size: u32, cd_offset: u32) -> Vec<u8> {
    let mut v = Vec::with_capacity(END_LEN as usize);
    put32(&mut v, END_SIG);
    put16(&mut v, 0);
    put16(&mut v, 0);
    put16(&mut v, count);
    put16(&mut v, count);
    put32(&mut v, cd_size);
    put32(&mut v, cd_offset);
    put16(&mut v, 0);
    v
}

const END_FIELDS: &[(usize, &str)] = &[
    (0, "signature"),
    (4, "disk number"),
    (6, "central directory disk"),
    (8, "entries on this disk"),
    (10, "entries"),
    (12, "central directory size"),
    (16, "central directory offset"),
    (20, "comment length"),
];

/// Whether a directory of `count` entries, `cd_size` bytes at `cd_offset` needs the ZIP64
/// end records.
fn needs_zip64_end(count: u64, cd_size: u64, cd_offset: u64) -> bool {
    count >= FULL16 || cd_size >= FULL32 || cd_offset >= FULL32
}

/// The ZIP64 end of central directory record.
pub fn zip64_end_record(count: u64, cd_size: u64, cd_offset: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(ZIP64_END_LEN as usize);
    put32(&mut v, ZIP64_END_SIG);
    put64(&mut v, ZIP64_END_SIZE);
    put16(&mut v, MADE_BY_UNIX | VERSION_ZIP64);
    put16(&mut v, VERSION_ZIP64);
    put32(&mut v, 0);
    put32(&mut v, 0);
    put64(&mut v, count);
    put64(&mut v, count);
    put64(&mut v, cd_size);
    put64(&mut v, cd_offset);
    v
}

const ZIP64_END_FIELDS: &[(usize, &str)] = &[
    (0, "signature"),
    (4, "record size"),
    (12, "version made by"),
    (14, "version needed"),
    (16, "disk number"),
    (20, "central directory disk"),
    (24, "entries on this disk"),
    (32, "entries"),
    (40, "central directory size"),
    (48, "central directory offset"),
];

/// The ZIP64 end of central directory locator, pointing to the record at `record_at`.
pub fn zip64_locator(record_at: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(ZIP64_LOCATOR_LEN as usize);
    put32(&mut v, ZIP64_LOCATOR_SIG);
    put32(&mut v, 0);
    put64(&mut v, record_at);
    put32(&mut v, 1);
    v
}

const ZIP64_LOCATOR_FIELDS: &[(usize, &str)] = &[
    (0, "signature"),
    (4, "disk of the ZIP64 end record"),
    (8, "ZIP64 end record offset"),
    (16, "number of disks"),
];

/// Everything a seal writes after the central directory: the ZIP64 end record and its
/// locator when they are needed, then the end record.
pub fn end_records(count: u64, cd_size: u64, cd_offset: u64) -> Vec<u8> {
    let mut v = Vec::new();
    if needs_zip64_end(count, cd_size, cd_offset) {
        v.extend(zip64_end_record(count, cd_size, cd_offset));
        v.extend(zip64_locator(cd_offset + cd_size));
    }
    v.extend(end_record(
        count.min(FULL16) as u16,
        field32(cd_size),
        field32(cd_offset),
    ));
    v
}

/// The first field where `actual` differs from `canonical`, named by `fields` (offset,
/// name); the names are only made when there is a difference.
fn differing_field<S: AsRef<str>>(
    actual: &[u8],
    canonical: &[u8],
    fields: impl FnOnce() -> Vec<(usize, S)>,
) -> Option<String> {
    let at = actual
        .iter()
        .zip(canonical)
        .position(|(a, b)| a != b)
        .or_else(|| {
            (actual.len() != canonical.len()).then_some(actual.len().min(canonical.len()))
        })?;
    let fields = fields();
    let name = fields
        .iter()
        .rev()
        .find(|(o, _)| *o <= at)
        .map_or("?", |(_, n)| n.as_ref());
    Some(name.to_string())
}

/// Field names of a whole record (fixed header, name, then the ZIP64 extra field holding
/// `extra`), as [`differing_field`] takes them.
fn record_fields(
    header: &[(usize, &str)],
    header_len: u64,
    name_len: usize,
    extra: &[&'static str],
) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = header.iter().map(|(o, n)| (*o, n.to_string())).collect();
    if !extra.is_empty() {
        let at = header_len as usize + name_len;
        out.extend(extra_fields(extra).into_iter().map(|(o, n)| (at + o, n)));
    }
    out
}

/// The values a seal's ZIP64 extra field holds for an entry, named.
fn wide_values(wide: Wide, local: bool) -> Vec<&'static str> {
    let mut v = Vec::new();
    if wide.size {
        v.extend(["uncompressed size", "compressed size"]);
    }
    if wide.offset && !local {
        v.push("local header offset");
    }
    v
}

/// Writes the canonical form. Add entries in sorted order (the caller sorts).
pub struct ZipWriter<W: Write> {
    out: W,
    offset: u64,
    central: Vec<u8>,
    count: u64,
}

impl<W: Write> ZipWriter<W> {
    pub fn new(out: W) -> ZipWriter<W> {
        ZipWriter {
            out,
            offset: 0,
            central: Vec::new(),
            count: 0,
        }
    }

    /// Bytes written so far.
    pub fn position(&self) -> u64 {
        self.offset
    }

    /// Adds an entry whose size and CRC are known beforehand, copying `data`; if what is
    /// read differs in size or CRC, fails with [`ContainerError::Changed`]. `hook` is told
    /// the bytes written so far after each piece of data.
    pub fn add_reader(
        &mut self,
        name: &str,
        size: u64,
        crc: u32,
        data: &mut dyn Read,
        hook: &mut dyn FnMut(u64),
    ) -> Result<(), ContainerError> {
        let mut body = self.begin(name, size, crc)?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = data.read(&mut buf).map_err(ContainerError::Read)?;
            if n == 0 {
                break;
            }
            body.put(&buf[..n])?;
            hook(body.zip.offset);
        }
        body.end()
    }

    /// Adds an entry whose size and CRC are known beforehand, its data written by `write`
    /// (a second time: the first told its size and CRC); if what it writes differs in size
    /// or CRC, fails with [`ContainerError::Changed`].
    pub fn add_written(
        &mut self,
        name: &str,
        size: u64,
        crc: u32,
        write: &dyn Fn(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), ContainerError> {
        let mut body = self.begin(name, size, crc)?;
        if let Err(e) = write(&mut body) {
            return Err(body.failed.take().unwrap_or(ContainerError::Write(e)));
        }
        body.end()
    }

    /// Adds an entry whose data `copy` writes straight to the output, its size and CRC
    /// taken by the caller from those very bytes: nothing passes through here to be summed
    /// again (a copy by the kernel passes nothing at all). `copy` gives the bytes it wrote;
    /// fewer than `size` fails with [`ContainerError::Changed`].
    pub fn add_copied(
        &mut self,
        name: &str,
        size: u64,
        crc: u32,
        copy: impl FnOnce(&mut W) -> Result<u64, ContainerError>,
    ) -> Result<(), ContainerError> {
        let start = self.local_header(name, size, crc)?;
        let copied = copy(&mut self.out)?;
        self.offset += copied;
        if copied != size {
            return Err(ContainerError::Changed(name.to_string()));
        }
        self.written(name, crc, size, start);
        Ok(())
    }

    /// Writes an entry's local header; gives where it starts.
    fn local_header(&mut self, name: &str, size: u64, crc: u32) -> Result<u64, ContainerError> {
        if name.len() > 0xffff {
            return Err(ContainerError::TooLarge(format!(
                "a name of {} bytes (at most 65,535)",
                name.len()
            )));
        }
        let start = self.offset;
        self.write(&local_record(name.as_bytes(), crc, size, start))?;
        Ok(start)
    }

    /// An entry whose header starts at `start` is written whole: its central record is kept
    /// for the directory.
    fn written(&mut self, name: &str, crc: u32, size: u64, start: u64) {
        self.central
            .extend(central_record(name.as_bytes(), crc, size, start));
        self.count += 1;
    }

    /// Writes an entry's local header; its data follows through the [`Body`].
    fn begin<'w>(
        &'w mut self,
        name: &'w str,
        size: u64,
        crc: u32,
    ) -> Result<Body<'w, W>, ContainerError> {
        let start = self.local_header(name, size, crc)?;
        Ok(Body {
            zip: self,
            name,
            size,
            crc,
            start,
            hasher: crc32fast::Hasher::new(),
            copied: 0,
            failed: None,
        })
    }

    /// Adds an entry held in memory.
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<(), ContainerError> {
        let size = bytes.len() as u64;
        self.add_copied(name, size, crc32fast::hash(bytes), |out| {
            out.write_all(bytes).map_err(ContainerError::Write)?;
            Ok(size)
        })
    }

    fn write(&mut self, b: &[u8]) -> Result<(), ContainerError> {
        self.out.write_all(b).map_err(ContainerError::Write)?;
        self.offset += b.len() as u64;
        Ok(())
    }

    /// Writes the central directory and the end records; gives back the output.
    pub fn finish(mut self) -> Result<W, ContainerError> {
        let cd_offset = self.offset;
        let central = std::mem::take(&mut self.central);
        self.write(&central)?;
        self.write(&end_records(self.count, central.len() as u64, cd_offset))?;
        Ok(self.out)
    }
}

/// An entry's data being written: counted and summed, and checked against the size and
/// CRC its local header gave.
struct Body<'w, W: Write> {
    zip: &'w mut ZipWriter<W>,
    name: &'w str,
    size: u64,
    crc: u32,
    start: u64,
    hasher: crc32fast::Hasher,
    copied: u64,
    /// Why a write failed, as a container error (the [`Write`] impl can only say io).
    failed: Option<ContainerError>,
}

impl<W: Write> Body<'_, W> {
    fn put(&mut self, b: &[u8]) -> Result<(), ContainerError> {
        self.copied += b.len() as u64;
        if self.copied > self.size {
            return Err(ContainerError::Changed(self.name.to_string()));
        }
        self.hasher.update(b);
        self.zip.write(b)
    }

    /// The data is whole: the size and CRC it was announced with, or
    /// [`ContainerError::Changed`]; its central record is kept for the directory.
    fn end(self) -> Result<(), ContainerError> {
        if self.copied != self.size || self.hasher.finalize() != self.crc {
            return Err(ContainerError::Changed(self.name.to_string()));
        }
        self.zip.written(self.name, self.crc, self.size, self.start);
        Ok(())
    }
}

impl<W: Write> Write for Body<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.put(buf) {
            Ok(()) => Ok(buf.len()),
            Err(e) => {
                self.failed = Some(e);
                Err(io::Error::other("the entry could not be written"))
            }
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes one entry exactly as given, canonical or not: for building damaged and hostile
/// archives in tests. Returns the central directory record to append.
#[doc(hidden)]
pub fn raw_entry(out: &mut Vec<u8>, raw: &RawEntry) -> Vec<u8> {
    let offset = out.len() as u64;
    let mut local = local_record(&raw.name, raw.crc, raw.size as u64, offset);
    local[8..10].copy_from_slice(&raw.method.to_le_bytes());
    local[18..22].copy_from_slice(&(raw.data.len() as u32).to_le_bytes());
    out.extend(local);
    out.extend_from_slice(&raw.data);
    let mut central = central_record(&raw.name, raw.crc, raw.size as u64, offset);
    central[10..12].copy_from_slice(&raw.method.to_le_bytes());
    central[20..24].copy_from_slice(&(raw.data.len() as u32).to_le_bytes());
    central
}

/// An entry for [`raw_entry`]: `data` is written as is, `size` declared as uncompressed.
#[doc(hidden)]
pub struct RawEntry {
    pub name: Vec<u8>,
    pub method: u16,
    pub crc: u32,
    pub size: u32,
    pub data: Vec<u8>,
}

/// Positional reads: a file, or bytes in memory.
pub trait ReadAt: Sync {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>;
    fn len(&self) -> u64;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read_exact_at(&self, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
        while !buf.is_empty() {
            match self.read_at(buf, offset)? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => {
                    buf = &mut buf[n..];
                    offset += n as u64;
                }
            }
        }
        Ok(())
    }
}

impl ReadAt for &[u8] {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        let start = offset.min(<[u8]>::len(self) as u64) as usize;
        let n = buf.len().min(<[u8]>::len(self) - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }
}

impl ReadAt for Vec<u8> {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        (&self[..]).read_at(buf, offset)
    }
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }
}

/// A file opened for reading, with its length taken once.
pub struct FileSource {
    file: std::fs::File,
    len: u64,
}

impl FileSource {
    /// Opens a regular file; a FIFO, device or folder is refused unread.
    pub fn open(path: &std::path::Path) -> io::Result<FileSource> {
        let file = crate::input::open_regular(path).map_err(crate::input::InputError::into_io)?;
        let meta = file.metadata()?;
        Ok(FileSource {
            file,
            len: meta.len(),
        })
    }
}

impl ReadAt for FileSource {
    #[cfg(unix)]
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::unix::fs::FileExt::read_at(&self.file, buf, offset)
    }
    #[cfg(windows)]
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::windows::fs::FileExt::seek_read(&self.file, buf, offset)
    }
    fn len(&self) -> u64 {
        self.len
    }
}

/// `len` bytes of a source from `start`, read in order: an entry's data, or the central
/// directory. Wrap it in a `BufReader` for small reads.
pub struct RangeReader<'a> {
    src: &'a dyn ReadAt,
    at: u64,
    end: u64,
}

impl<'a> RangeReader<'a> {
    pub fn new(src: &'a dyn ReadAt, start: u64, len: u64) -> RangeReader<'a> {
        RangeReader {
            src,
            at: start,
            end: start.saturating_add(len),
        }
    }
}

impl Read for RangeReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.end.saturating_sub(self.at) as usize);
        if n == 0 {
            return Ok(0);
        }
        let got = self.src.read_at(&mut buf[..n], self.at)?;
        if got == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.at += got as u64;
        Ok(got)
    }
}

/// An entry's data, read in order.
pub type EntryStream<'a> = io::BufReader<RangeReader<'a>>;

/// An entry's data as a stream (at most `stored` bytes).
pub fn data_reader<'a>(src: &'a dyn ReadAt, e: &Entry) -> EntryStream<'a> {
    io::BufReader::with_capacity(1 << 16, RangeReader::new(src, e.data_offset, e.stored))
}

/// One entry as found in the archive.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: Vec<u8>,
    pub header_offset: u64,
    /// Where its data starts, after the local header, name and extra field.
    pub data_offset: u64,
    /// Bytes of data that follow (the compressed size).
    pub stored: u64,
    /// The uncompressed size it declares.
    pub size: u64,
    pub crc: u32,
    pub method: u16,
    /// The data runs past the end of the file.
    pub truncated: bool,
}

impl Entry {
    /// The name for people: UTF-8 as is, other bytes escaped.
    pub fn display_name(&self) -> String {
        display_name(&self.name)
    }
}

pub fn display_name(name: &[u8]) -> String {
    match std::str::from_utf8(name) {
        Ok(s) => s.to_string(),
        Err(_) => name.escape_ascii().to_string(),
    }
}

/// A problem with the container, for an entry (by display name) or the whole archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub entry: Option<String>,
    pub kind: FindingKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// A header, the directory or the end record differs from the canonical form.
    Container,
    /// The archive or an entry is cut short.
    Truncated,
    /// Compressed, or declaring sizes the data does not have.
    Size,
}

/// What the reader found: the entries (in file order) and every departure from the form.
#[derive(Debug, Default)]
pub struct Scan {
    pub entries: Vec<Entry>,
    pub findings: Vec<Finding>,
}

impl Scan {
    fn found(&mut self, entry: Option<String>, kind: FindingKind, message: String) {
        self.findings.push(Finding {
            entry,
            kind,
            message,
        });
    }
}

/// Reads the structure of an archive without reading any entry's data: every local
/// header from the start, the central directory and the end records, each compared with
/// what a seal writes. `None` when the bytes are no zip at all (no local header at the
/// start and no end record).
pub fn scan(src: &dyn ReadAt) -> io::Result<Option<Scan>> {
    let len = src.len();
    let mut s = Scan::default();
    let walk = walk_local_headers(src, len, &mut s)?;
    let end = find_end(src, len, &mut s)?;
    if walk.is_empty() && end.is_none() {
        return Ok(None);
    }
    let central = match &end {
        Some(e) => read_central(src, e, &mut s)?,
        None => {
            no_end_record(walk.len(), &mut s);
            Vec::new()
        }
    };
    reconcile(src, len, walk, central, end.as_ref(), &mut s)?;
    check_order(&mut s);
    Ok(Some(s))
}

/// Reads the end records and the central directory, and only the local headers of the
/// entries whose names `wanted` picks: the structure a listing or a proof rests on, read
/// without a read per entry (a directory of 200,000 entries is read in a few large reads).
/// The other entries' data offsets are where a seal puts them. `None` when the bytes are
/// no zip at all.
pub fn scan_directory(
    src: &dyn ReadAt,
    wanted: impl Fn(&[u8]) -> bool,
) -> io::Result<Option<Scan>> {
    let len = src.len();
    let mut s = Scan::default();
    let Some(end) = find_end(src, len, &mut s)? else {
        if read_local(src, len, 0)?.is_none() {
            return Ok(None);
        }
        no_end_record(0, &mut s);
        return Ok(Some(s));
    };
    let central = read_central(src, &end, &mut s)?;
    check_directory_order(&central, &mut s);
    for c in central {
        if wanted(&c.name) {
            match read_local(src, len, c.offset)? {
                Some(l) => {
                    compare_with_central(&l, &c, &mut s);
                    s.findings.extend(l.findings);
                    s.entries.push(l.entry);
                }
                None => no_local_header(&c, &mut s),
            }
        } else {
            let extra = if Wide::of(c.size, c.offset).size {
                20
            } else {
                0
            };
            // A ZIP64 offset can be anything up to 2^64 - 1.
            let data_offset = c
                .offset
                .saturating_add(LOCAL_LEN + c.name.len() as u64 + extra);
            s.entries.push(Entry {
                truncated: data_offset.saturating_add(c.stored) > len,
                name: c.name,
                header_offset: c.offset,
                data_offset,
                stored: c.stored,
                size: c.size,
                crc: c.crc,
                method: c.method,
            });
        }
    }
    check_order(&mut s);
    Ok(Some(s))
}

/// An archive's entries from its central directory, one at a time and in order, for a
/// reader that takes nothing but the canonical form: the end records and every central
/// record must be a seal's, the names sorted with none twice, and the entries laid end to
/// end from the first byte to the directory. At the first departure the walk stops and
/// [`CanonicalWalk::departed`] says so (it does not say what: [`scan`] names it). Of the
/// entries read, only the last name is held.
pub struct CanonicalWalk<'a> {
    dir: Directory<'a>,
    /// Findings of the directory reader: any is a departure.
    scan: Scan,
    /// Where the next entry's local header must start.
    next_offset: u64,
    cd_offset: u64,
    last_name: Option<Vec<u8>>,
    departed: bool,
    ended: bool,
}

/// The canonical walk of an archive's entries; `None` when its end records are not what a
/// seal writes (or it is no zip).
pub fn canonical_walk(src: &dyn ReadAt) -> io::Result<Option<CanonicalWalk<'_>>> {
    let mut scan = Scan::default();
    let Some(end) = find_end(src, src.len(), &mut scan)? else {
        return Ok(None);
    };
    if !scan.findings.is_empty() {
        return Ok(None);
    }
    let dir = Directory::new(src, &end, &mut scan);
    Ok(Some(CanonicalWalk {
        dir,
        next_offset: 0,
        cd_offset: end.cd_offset,
        last_name: None,
        departed: !scan.findings.is_empty(),
        ended: false,
        scan,
    }))
}

impl CanonicalWalk<'_> {
    /// The number of entries the end records give.
    pub fn count(&self) -> u64 {
        self.dir.count
    }

    /// Whether the archive departed from the canonical form where the walk got to.
    pub fn departed(&self) -> bool {
        self.departed
    }

    fn depart(&mut self) -> io::Result<Option<Entry>> {
        self.departed = true;
        Ok(None)
    }

    /// The next entry; `None` at the end of the directory or at a departure.
    pub fn next_entry(&mut self) -> io::Result<Option<Entry>> {
        if self.departed || self.ended {
            return Ok(None);
        }
        let Some(c) = self.dir.next(&mut self.scan)? else {
            self.ended = true;
            self.dir.finish(&mut self.scan);
            if !self.scan.findings.is_empty() || self.next_offset != self.cd_offset {
                return self.depart();
            }
            return Ok(None);
        };
        if !self.scan.findings.is_empty()
            || c.offset != self.next_offset
            || self.last_name.as_ref().is_some_and(|n| *n >= c.name)
        {
            return self.depart();
        }
        let wide = Wide::of(c.size, c.offset);
        let header = LOCAL_LEN + c.name.len() as u64 + if wide.size { 20 } else { 0 };
        let data_offset = c.offset + header;
        let end = data_offset.saturating_add(c.stored);
        if end > self.cd_offset {
            return self.depart();
        }
        self.next_offset = end;
        let entry = Entry {
            name: c.name,
            header_offset: c.offset,
            data_offset,
            stored: c.stored,
            size: c.size,
            crc: c.crc,
            method: c.method,
            truncated: false,
        };
        self.last_name = Some(entry.name.clone());
        Ok(Some(entry))
    }
}

/// Whether the local header of an entry [`CanonicalWalk`] gave is the one a seal writes
/// for it, and agrees with its central record.
pub fn local_header_is_canonical(src: &dyn ReadAt, e: &Entry) -> io::Result<bool> {
    Ok(match read_local(src, src.len(), e.header_offset)? {
        None => false,
        Some(l) => {
            let f = &l.entry;
            l.findings.is_empty()
                && f.name == e.name
                && f.crc == e.crc
                && f.size == e.size
                && f.stored == e.stored
                && f.method == e.method
                && f.data_offset == e.data_offset
                && !f.truncated
        }
    })
}

/// The entries whose names `wanted` picks, found through the central directory read as a
/// stream (the others are not held) and read from their local headers; nothing is checked:
/// for reading one entry of an archive of any size without verifying it. `None` when the
/// bytes are no zip at all; no entries when there is no end record to find them by.
pub fn find_entries(
    src: &dyn ReadAt,
    wanted: impl Fn(&[u8]) -> bool,
) -> io::Result<Option<Vec<Entry>>> {
    let len = src.len();
    let mut s = Scan::default();
    let Some(end) = find_end(src, len, &mut s)? else {
        return Ok(read_local(src, len, 0)?.map(|_| Vec::new()));
    };
    let mut dir = Directory::new(src, &end, &mut s);
    let mut out = Vec::new();
    while let Some(c) = dir.next(&mut s)? {
        s.findings.clear();
        if wanted(&c.name) {
            if let Some(l) = read_local(src, len, c.offset)? {
                out.push(l.entry);
            }
        }
    }
    Ok(Some(out))
}

fn no_end_record(entries: usize, s: &mut Scan) {
    s.found(
        None,
        FindingKind::Truncated,
        format!(
            "no end of central directory record: the archive is truncated or its end is \
             damaged ({entries} entries could still be read)"
        ),
    );
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

/// A ZIP64 extra field read back: the values it was asked for (those whose 32-bit field
/// holds the marker), and what is wrong with the extra field as a whole.
struct Extra {
    values: Vec<Option<u64>>,
    /// A ZIP64 extra field is there.
    zip64: bool,
    problems: Vec<String>,
}

/// Reads an extra field that should hold at most one ZIP64 block with the `wanted`
/// values, in order.
fn read_extra(extra: &[u8], wanted: &[&str]) -> Extra {
    let mut problems = Vec::new();
    let mut block: Option<&[u8]> = None;
    let mut i = 0;
    while i < extra.len() {
        if i + 4 > extra.len() {
            problems.push(format!(
                "the extra field ends in {} bytes that are no block",
                extra.len() - i
            ));
            break;
        }
        let id = u16_at(extra, i);
        let n = u16_at(extra, i + 2) as usize;
        if i + 4 + n > extra.len() {
            problems.push(format!(
                "an extra field block of type {id:#06x} runs {} bytes past the extra field",
                i + 4 + n - extra.len()
            ));
            break;
        }
        let data = &extra[i + 4..i + 4 + n];
        if id != ZIP64_EXTRA_ID {
            problems.push(format!(
                "an extra field block of type {id:#06x}, which a seal never writes"
            ));
        } else if block.is_some() {
            problems.push("the ZIP64 extra field is there twice".into());
        } else {
            block = Some(data);
        }
        i += 4 + n;
    }
    let mut values = Vec::new();
    match block {
        None => {
            for w in wanted {
                problems.push(format!(
                    "the {w} is 0xFFFFFFFF (\"in the ZIP64 extra field\"), but there is no \
                     ZIP64 extra field"
                ));
                values.push(None);
            }
        }
        Some(data) => {
            let mut rest = data;
            for w in wanted {
                if rest.len() >= 8 {
                    values.push(Some(u64_at(rest, 0)));
                    rest = &rest[8..];
                } else {
                    problems.push(format!("the ZIP64 extra field has no {w}"));
                    values.push(None);
                }
            }
            if !rest.is_empty() {
                problems.push(format!(
                    "the ZIP64 extra field holds {} bytes beyond the values the header \
                     leaves to it",
                    rest.len()
                ));
            }
        }
    }
    Extra {
        values,
        zip64: block.is_some(),
        problems,
    }
}

/// The values of 32-bit fields, each taken from the ZIP64 extra field when it holds the
/// marker: `fields` are (name, value as read) in the extra field's order.
fn wide_fields(fields: &[(&'static str, u32)], extra: &[u8]) -> (Vec<u64>, Extra) {
    let wanted: Vec<&str> = fields
        .iter()
        .filter(|(_, v)| *v as u64 == FULL32)
        .map(|(n, _)| *n)
        .collect();
    let x = read_extra(extra, &wanted);
    let mut from_extra = x.values.iter();
    let values = fields
        .iter()
        .map(|&(_, v)| {
            if v as u64 == FULL32 {
                from_extra.next().copied().flatten().unwrap_or(FULL32)
            } else {
                v as u64
            }
        })
        .collect();
    (values, x)
}

struct Local {
    entry: Entry,
    /// How its local header departs from a seal's, told when the reader gets to it (the
    /// header itself is not held: 200,000 of them would be).
    findings: Vec<Finding>,
}

/// How much is read at once for a local header: its name and extra field usually fit.
const LOCAL_READ: u64 = 512;

fn read_local(src: &dyn ReadAt, len: u64, at: u64) -> io::Result<Option<Local>> {
    if at.saturating_add(LOCAL_LEN) > len {
        return Ok(None);
    }
    let first = LOCAL_READ.min(len - at) as usize;
    let mut raw = vec![0u8; first];
    src.read_exact_at(&mut raw, at)?;
    if u32_at(&raw, 0) != LOCAL_SIG {
        return Ok(None);
    }
    let name_len = u16_at(&raw, 26) as u64;
    let extra_len = u16_at(&raw, 28) as u64;
    let record_len = LOCAL_LEN + name_len + extra_len;
    let have = record_len.min(len - at) as usize;
    if have > raw.len() {
        let from = raw.len();
        raw.resize(have, 0);
        src.read_exact_at(&mut raw[from..], at + from as u64)?;
    }
    raw.truncate(have);
    let name_end = (LOCAL_LEN + name_len).min(have as u64) as usize;
    let name = raw[LOCAL_LEN as usize..name_end].to_vec();
    let extra_bytes = &raw[name_end..];
    let (values, extra) = wide_fields(
        &[
            ("uncompressed size", u32_at(&raw, 22)),
            ("compressed size", u32_at(&raw, 18)),
        ],
        extra_bytes,
    );
    let data_offset = at + record_len;
    let stored = values[1];
    let entry = Entry {
        name,
        header_offset: at,
        data_offset,
        stored,
        size: values[0],
        crc: u32_at(&raw, 14),
        method: u16_at(&raw, 8),
        truncated: data_offset.saturating_add(stored) > len,
    };
    Ok(Some(Local {
        findings: local_findings(&entry, &raw, &extra),
        entry,
    }))
}

/// Follows the local headers from the start, as a streaming unzip would.
fn walk_local_headers(src: &dyn ReadAt, len: u64, s: &mut Scan) -> io::Result<Vec<Local>> {
    let mut out: Vec<Local> = Vec::new();
    let mut at = 0u64;
    while let Some(l) = read_local(src, len, at)? {
        // A ZIP64 size can be anything up to 2^64 - 1 (then the entry is truncated).
        let end = l.entry.data_offset.saturating_add(l.entry.stored);
        let truncated = l.entry.truncated;
        out.push(l);
        if truncated {
            break;
        }
        at = end;
    }
    if out.is_empty() && len > 0 {
        s.found(
            None,
            FindingKind::Container,
            "the archive does not start with a local file header".into(),
        );
    }
    Ok(out)
}

/// The end of the archive as read: the end record and, when it has them, the ZIP64 end
/// records, with the values they give.
struct End {
    /// Where the end record starts.
    at: u64,
    count: u64,
    cd_size: u64,
    cd_offset: u64,
    /// Where the central directory has to end: at the ZIP64 end record when there is one,
    /// else at the end record.
    dir_end: u64,
}

fn find_end(src: &dyn ReadAt, len: u64, s: &mut Scan) -> io::Result<Option<End>> {
    if len < END_LEN {
        return Ok(None);
    }
    let tail_len = len.min(END_LEN + 0xffff);
    let mut tail = vec![0u8; tail_len as usize];
    src.read_exact_at(&mut tail, len - tail_len)?;
    // From the end backwards: the canonical record is the last 22 bytes.
    let mut i = tail.len() - END_LEN as usize;
    let raw = loop {
        if u32_at(&tail, i) == END_SIG {
            break tail[i..i + END_LEN as usize].to_vec();
        }
        if i == 0 {
            return Ok(None);
        }
        i -= 1;
    };
    let at = len - tail_len + i as u64;
    let mut end = End {
        at,
        count: u16_at(&raw, 10) as u64,
        cd_size: u32_at(&raw, 12) as u64,
        cd_offset: u32_at(&raw, 16) as u64,
        dir_end: at,
    };
    let zip64 = read_zip64_end(src, at, s)?;
    if let Some(z) = &zip64 {
        end.dir_end = z.record_at;
        if let Some(r) = &z.record {
            end.count = u64_at(r, 32);
            end.cd_size = u64_at(r, 40);
            end.cd_offset = u64_at(r, 48);
        }
    }
    let needed = needs_zip64_end(end.count, end.cd_size, end.cd_offset);
    match (&zip64, needed) {
        (None, true) => s.found(
            None,
            FindingKind::Container,
            "the end record holds the ZIP64 marker (0xFFFF or 0xFFFFFFFF), but no ZIP64 end \
             of central directory locator precedes it"
                .into(),
        ),
        (Some(_), false) => s.found(
            None,
            FindingKind::Container,
            format!(
                "ZIP64 end of central directory records, where a seal writes none ({} \
                 entries, {} bytes of central directory at {})",
                end.count, end.cd_size, end.cd_offset
            ),
        ),
        (Some(z), true) => {
            if let Some(r) = &z.record {
                let canonical = zip64_end_record(end.count, end.cd_size, end.cd_offset);
                if let Some(field) = differing_field(r, &canonical, || ZIP64_END_FIELDS.to_vec()) {
                    s.found(
                        None,
                        FindingKind::Container,
                        format!(
                            "ZIP64 end of central directory record: {field} differs from a \
                             seal's"
                        ),
                    );
                }
            }
            let canonical = zip64_locator(end.cd_offset.saturating_add(end.cd_size));
            if let Some(field) =
                differing_field(&z.locator, &canonical, || ZIP64_LOCATOR_FIELDS.to_vec())
            {
                s.found(
                    None,
                    FindingKind::Container,
                    format!(
                        "ZIP64 end of central directory locator: {field} differs from a seal's"
                    ),
                );
            }
        }
        (None, false) => {}
    }
    let canonical = end_record(
        end.count.min(FULL16) as u16,
        field32(end.cd_size),
        field32(end.cd_offset),
    );
    if let Some(field) = differing_field(&raw, &canonical, || END_FIELDS.to_vec()) {
        s.found(
            None,
            FindingKind::Container,
            format!("end of central directory record: {field} differs from a seal's"),
        );
    }
    if end.at + END_LEN != len {
        s.found(
            None,
            FindingKind::Container,
            format!(
                "{} bytes follow the end of central directory record",
                len - end.at - END_LEN
            ),
        );
    }
    Ok(Some(end))
}

/// The ZIP64 end records as read: the locator right before the end record, and the
/// record it points to (when there is one there, or where a seal puts it).
struct Zip64End {
    locator: Vec<u8>,
    /// Where the ZIP64 end record is taken to start: where the central directory ends.
    record_at: u64,
    record: Option<Vec<u8>>,
}

fn read_zip64_end(src: &dyn ReadAt, end_at: u64, s: &mut Scan) -> io::Result<Option<Zip64End>> {
    let Some(locator_at) = end_at.checked_sub(ZIP64_LOCATOR_LEN) else {
        return Ok(None);
    };
    let mut locator = vec![0u8; ZIP64_LOCATOR_LEN as usize];
    src.read_exact_at(&mut locator, locator_at)?;
    if u32_at(&locator, 0) != ZIP64_LOCATOR_SIG {
        return Ok(None);
    }
    let record_at = |at: u64| -> io::Result<Option<Vec<u8>>> {
        if at.saturating_add(ZIP64_END_LEN) > locator_at {
            return Ok(None);
        }
        let mut r = vec![0u8; ZIP64_END_LEN as usize];
        src.read_exact_at(&mut r, at)?;
        Ok((u32_at(&r, 0) == ZIP64_END_SIG).then_some(r))
    };
    let pointed = u64_at(&locator, 8);
    let before = locator_at.saturating_sub(ZIP64_END_LEN);
    if let Some(r) = record_at(pointed)? {
        if pointed != before {
            s.found(
                None,
                FindingKind::Container,
                format!(
                    "the ZIP64 end of central directory locator points to {pointed}, not to \
                     the record right before it (at {before})"
                ),
            );
        }
        return Ok(Some(Zip64End {
            locator,
            record_at: pointed,
            record: Some(r),
        }));
    }
    s.found(
        None,
        FindingKind::Container,
        format!(
            "the ZIP64 end of central directory locator points to {pointed}, where there is \
             no ZIP64 end of central directory record"
        ),
    );
    // Read on from where a seal puts the record, to name what else is wrong.
    let record = record_at(before)?;
    Ok(Some(Zip64End {
        locator,
        record_at: if record.is_some() { before } else { locator_at },
        record,
    }))
}

struct Central {
    name: Vec<u8>,
    crc: u32,
    size: u64,
    stored: u64,
    offset: u64,
    method: u16,
}

fn read_central(src: &dyn ReadAt, end: &End, s: &mut Scan) -> io::Result<Vec<Central>> {
    let mut dir = Directory::new(src, end, s);
    let mut out = Vec::new();
    while let Some(c) = dir.next(s)? {
        out.push(c);
    }
    dir.finish(s);
    Ok(out)
}

/// The central directory read in order, a record at a time (nothing of the records read
/// before is held), each compared with what a seal writes.
struct Directory<'a> {
    dir: io::BufReader<RangeReader<'a>>,
    /// Where the next record starts.
    at: u64,
    /// Where the end records start.
    dir_end: u64,
    /// The count the end records give.
    count: u64,
    read: u64,
    done: bool,
}

impl<'a> Directory<'a> {
    fn new(src: &'a dyn ReadAt, end: &End, s: &mut Scan) -> Directory<'a> {
        if end.cd_offset.saturating_add(end.cd_size) != end.dir_end {
            let what = if end.dir_end == end.at {
                "the end record"
            } else {
                "the ZIP64 end record"
            };
            s.found(
                None,
                FindingKind::Container,
                format!(
                    "the central directory ({} bytes at {}) does not end where {what} starts ({})",
                    end.cd_size, end.cd_offset, end.dir_end
                ),
            );
        }
        let span = end.dir_end.saturating_sub(end.cd_offset);
        Directory {
            dir: io::BufReader::with_capacity(1 << 20, RangeReader::new(src, end.cd_offset, span)),
            at: end.cd_offset,
            dir_end: end.dir_end,
            count: end.count,
            read: 0,
            done: false,
        }
    }

    /// The next record; `None` at the end of the directory, or at a record that cannot be
    /// read on from (which is a finding).
    fn next(&mut self, s: &mut Scan) -> io::Result<Option<Central>> {
        // Every record is at least 46 bytes: a lying count cannot make this allocate or loop.
        if self.done || self.at + CENTRAL_LEN > self.dir_end {
            return Ok(None);
        }
        let mut raw = vec![0u8; CENTRAL_LEN as usize];
        self.dir.read_exact(&mut raw)?;
        if u32_at(&raw, 0) != CENTRAL_SIG {
            s.found(
                None,
                FindingKind::Container,
                format!("no central directory record at offset {}", self.at),
            );
            self.done = true;
            return Ok(None);
        }
        let name_len = u16_at(&raw, 28) as u64;
        let extra_len = u16_at(&raw, 30) as u64;
        let comment_len = u16_at(&raw, 32) as u64;
        let record_len = CENTRAL_LEN + name_len + extra_len + comment_len;
        let have = record_len.min(self.dir_end - self.at);
        raw.resize(have as usize, 0);
        self.dir.read_exact(&mut raw[CENTRAL_LEN as usize..])?;
        let name_end = (CENTRAL_LEN + name_len).min(have) as usize;
        let extra_end = (CENTRAL_LEN + name_len + extra_len).min(have) as usize;
        let name = raw[CENTRAL_LEN as usize..name_end].to_vec();
        let (values, extra) = wide_fields(
            &[
                ("uncompressed size", u32_at(&raw, 24)),
                ("compressed size", u32_at(&raw, 20)),
                ("local header offset", u32_at(&raw, 42)),
            ],
            &raw[name_end..extra_end],
        );
        let c = Central {
            crc: u32_at(&raw, 16),
            size: values[0],
            stored: values[1],
            offset: values[2],
            method: u16_at(&raw, 10),
            name,
        };
        let shown = Some(display_name(&c.name));
        let wide = Wide::of(c.size, c.offset);
        for p in &extra.problems {
            s.found(
                shown.clone(),
                FindingKind::Container,
                format!("central directory record: {p}"),
            );
        }
        if extra.zip64 && !wide.any() {
            s.found(
                shown.clone(),
                FindingKind::Container,
                format!(
                    "central directory record: a ZIP64 extra field, where a seal writes none \
                     ({} bytes at offset {} fit in 32 bits)",
                    c.size, c.offset
                ),
            );
        } else if extra.problems.is_empty() {
            let canonical = central_record(&c.name, c.crc, c.size, c.offset);
            let fields = || {
                record_fields(
                    CENTRAL_FIELDS,
                    CENTRAL_LEN,
                    c.name.len(),
                    &wide_values(wide, false),
                )
            };
            if let Some(field) = differing_field(&raw, &canonical, fields) {
                s.found(
                    shown,
                    if field.ends_with("size") || field == "compression method" {
                        FindingKind::Size
                    } else {
                        FindingKind::Container
                    },
                    format!("central directory record: {field} differs from a seal's"),
                );
            }
        }
        self.at += record_len;
        self.read += 1;
        self.done = have < record_len;
        Ok(Some(c))
    }

    /// The directory read to its end: it ends where the end records start, and holds the
    /// count they give.
    fn finish(&self, s: &mut Scan) {
        if self.at != self.dir_end {
            s.found(
                None,
                FindingKind::Container,
                format!(
                    "the central directory records end at {}, not where the end records start \
                     ({})",
                    self.at, self.dir_end
                ),
            );
        }
        if self.read != self.count {
            s.found(
                None,
                FindingKind::Container,
                format!(
                    "the end record counts {} entries, the central directory holds {}",
                    self.count, self.read
                ),
            );
        }
    }
}

/// How a local header (`raw`, with its name and extra field) departs from a seal's.
fn local_findings(e: &Entry, raw: &[u8], extra: &Extra) -> Vec<Finding> {
    let mut s = Scan::default();
    let name = e.display_name();
    let wide = Wide::of(e.size, e.header_offset);
    for p in &extra.problems {
        s.found(
            Some(name.clone()),
            FindingKind::Container,
            format!("local header: {p}"),
        );
    }
    if extra.zip64 && !wide.size {
        s.found(
            Some(name.clone()),
            FindingKind::Container,
            format!(
                "local header: a ZIP64 extra field, where a seal writes none ({} bytes fit in \
                 32 bits)",
                e.size
            ),
        );
    } else if extra.problems.is_empty() {
        let canonical = local_record(&e.name, e.crc, e.size, e.header_offset);
        let fields = || {
            record_fields(
                LOCAL_FIELDS,
                LOCAL_LEN,
                e.name.len(),
                &wide_values(wide, true),
            )
        };
        if let Some(field) = differing_field(raw, &canonical, fields) {
            let size_field = field.ends_with("size") || field == "compression method";
            s.found(
                Some(name.clone()),
                if size_field {
                    FindingKind::Size
                } else {
                    FindingKind::Container
                },
                if e.method != 0 {
                    format!(
                        "compressed (method {}): a sealed archive stores entries \
                         uncompressed; it is not decompressed",
                        e.method
                    )
                } else if e.stored != e.size {
                    format!(
                        "declares {} bytes stored but {} bytes uncompressed (ratio limit of \
                         a sealed archive: 1)",
                        e.stored, e.size
                    )
                } else {
                    format!("local header: {field} differs from a seal's")
                },
            );
        }
    }
    if e.truncated {
        s.found(
            Some(name),
            FindingKind::Truncated,
            format!(
                "declares {} bytes of data; the archive ends before them",
                e.stored
            ),
        );
    }
    s.findings
}

fn no_local_header(c: &Central, s: &mut Scan) {
    s.found(
        Some(display_name(&c.name)),
        FindingKind::Container,
        format!("no local header at offset {}", c.offset),
    );
}

/// An entry's central record against its local header: the same name, CRC, sizes and
/// method.
fn compare_with_central(l: &Local, c: &Central, s: &mut Scan) {
    let e = &l.entry;
    let mut differ = Vec::new();
    if c.name != e.name {
        differ.push(format!("name ({})", display_name(&c.name)));
    }
    if c.crc != e.crc {
        differ.push("CRC-32".to_string());
    }
    if c.size != e.size || c.stored != e.stored {
        differ.push(format!(
            "size ({} bytes in the central directory, {} in the local header)",
            c.size, e.size
        ));
    }
    if c.method != e.method {
        differ.push("compression method".to_string());
    }
    if !differ.is_empty() {
        s.found(
            Some(e.display_name()),
            FindingKind::Container,
            format!(
                "the central directory disagrees with the local header: {}",
                differ.join(", ")
            ),
        );
    }
}

/// The directory lists the entries in their order, each once.
fn check_directory_order(central: &[Central], s: &mut Scan) {
    for w in central.windows(2) {
        if w[1].offset <= w[0].offset {
            s.found(
                Some(display_name(&w[1].name)),
                FindingKind::Container,
                format!(
                    "its central directory record (local header at {}) comes after one for \
                     the entry at {}: the directory is not in the order of the entries",
                    w[1].offset, w[0].offset
                ),
            );
        }
    }
}

/// Ties the local headers to the central directory: same entries, same order, same
/// fields, laid end to end from byte 0 to the directory with no byte unaccounted for.
fn reconcile(
    src: &dyn ReadAt,
    len: u64,
    walk: Vec<Local>,
    central: Vec<Central>,
    end: Option<&End>,
    s: &mut Scan,
) -> io::Result<()> {
    let mut locals: Vec<Local> = walk;
    if let Some(end) = end {
        check_directory_order(&central, s);
        // Entries the walk did not reach (a damaged header stops it) come from the
        // directory's offsets.
        let mut reached: std::collections::HashSet<u64> =
            locals.iter().map(|l| l.entry.header_offset).collect();
        for c in &central {
            if reached.insert(c.offset) {
                match read_local(src, len, c.offset)? {
                    Some(l) => locals.push(l),
                    None => no_local_header(c, s),
                }
            }
        }
        locals.sort_by_key(|l| l.entry.header_offset);
        let mut by_offset: HashMap<u64, &Central> = HashMap::with_capacity(central.len());
        for c in &central {
            by_offset.entry(c.offset).or_insert(c);
        }
        for l in &locals {
            match by_offset.get(&l.entry.header_offset) {
                None => s.found(
                    Some(l.entry.display_name()),
                    FindingKind::Container,
                    "has a local header but no central directory record".into(),
                ),
                Some(c) => compare_with_central(l, c, s),
            }
        }
        // Laid end to end: [0, cd_offset) is exactly the entries.
        let mut at = 0u64;
        for l in &locals {
            let e = &l.entry;
            if e.header_offset != at {
                s.found(
                    Some(e.display_name()),
                    FindingKind::Container,
                    if e.header_offset > at {
                        format!(
                            "{} unaccounted bytes before its header (at {at})",
                            e.header_offset - at
                        )
                    } else {
                        format!(
                            "overlaps the entry before it (header at {})",
                            e.header_offset
                        )
                    },
                );
            }
            at = e.data_offset.saturating_add(e.stored);
        }
        if !locals.iter().any(|l| l.entry.truncated) && at != end.cd_offset {
            s.found(
                None,
                FindingKind::Container,
                format!(
                    "the entries end at {at} but the central directory starts at {}",
                    end.cd_offset
                ),
            );
        }
    }
    s.entries.reserve(locals.len());
    for l in locals {
        s.findings.extend(l.findings);
        s.entries.push(l.entry);
    }
    Ok(())
}

/// Names strictly increasing bytewise: sorted, and no name twice.
fn check_order(s: &mut Scan) {
    let mut out = Vec::new();
    for w in s.entries.windows(2) {
        if w[0].name > w[1].name {
            out.push(Finding {
                entry: Some(w[1].display_name()),
                kind: FindingKind::Container,
                message: format!("out of order: comes after {}", w[0].display_name()),
            });
        }
    }
    s.findings.extend(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};
    use std::collections::BTreeMap;

    fn archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = ZipWriter::new(Vec::new());
        for (n, d) in entries {
            w.add_bytes(n, d).unwrap();
        }
        w.finish().unwrap()
    }

    fn findings(src: &dyn ReadAt) -> Vec<String> {
        match scan(src).unwrap() {
            None => vec!["not a zip".into()],
            Some(s) => s.findings.iter().map(|f| f.message.clone()).collect(),
        }
    }

    #[test]
    fn a_written_archive_scans_clean() {
        let z = archive(&[("a/b.txt", b"hello"), ("a/c.txt", b"")]);
        let s = scan(&&z[..]).unwrap().unwrap();
        assert_eq!(s.findings, []);
        assert_eq!(s.entries.len(), 2);
        assert_eq!(s.entries[0].name, b"a/b.txt");
        assert_eq!(s.entries[0].stored, 5);
        assert_eq!(s.entries[1].stored, 0);
    }

    /// Archives within the classic limits are the bytes the writer gave before ZIP64
    /// (SHA-256 taken from the writer of commit 366bca5), up to the most entries and
    /// the longest directory that form allowed.
    #[test]
    fn below_the_zip64_limits_the_bytes_are_those_of_the_classic_writer() {
        let big: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let z = archive(&[
            ("gongkai-2020/bag-info.txt", b"Payload-Oxum: 1.1\n"),
            ("gongkai-2020/data/originals/平潭.txt", &big),
            ("gongkai-2020/data/originals/empty", b""),
        ]);
        assert_eq!(z.len(), 70460);
        assert_eq!(
            crate::input::hex(&Sha256::digest(&z)),
            "04928688f4f0519d69541ddfcc4572665a5ede03e5ab9a16d2fdce965c81f9ad"
        );
        let mut w = ZipWriter::new(Vec::new());
        for i in 0..65_534u32 {
            w.add_bytes(&format!("f/{i:05}"), &i.to_le_bytes()).unwrap();
        }
        let z = w.finish().unwrap();
        assert_eq!(z.len(), 6160218);
        assert_eq!(
            crate::input::hex(&Sha256::digest(&z)),
            "07ab5399630c531a1d9ba9498b7f7f0db56f9b73ce87bd99b0eb1fc60c83121a"
        );
        assert_eq!(findings(&&z[..]), Vec::<String>::new());
    }

    #[test]
    fn every_changed_header_byte_is_a_finding() {
        let z = archive(&[("a/b.txt", b"hello"), ("a/c.txt", b"world")]);
        let data: Vec<usize> = [(30 + 7)..(30 + 7 + 5), (30 + 7 + 5 + 37)..(30 + 7 + 5 + 42)]
            .into_iter()
            .flatten()
            .collect();
        for i in 0..z.len() {
            if data.contains(&i) {
                continue; // data bytes are the hashes' business
            }
            let mut d = z.clone();
            d[i] ^= 0x01;
            let found = match scan(&&d[..]).unwrap() {
                None => true,
                Some(s) => !s.findings.is_empty(),
            };
            assert!(found, "byte {i} flipped went unnoticed");
        }
    }

    #[test]
    fn not_a_zip_is_none() {
        assert!(scan(&&b"hello world, this is no zip at all"[..])
            .unwrap()
            .is_none());
        assert!(scan(&&b""[..]).unwrap().is_none());
    }

    /// The byte offsets of the records of an archive: every local header (with name and
    /// extra field), and everything from the central directory on.
    fn header_bytes(src: &dyn ReadAt) -> Vec<u64> {
        let s = scan(src).unwrap().unwrap();
        let mut at: Vec<u64> = Vec::new();
        for e in &s.entries {
            at.extend(e.header_offset..e.data_offset);
        }
        let cd = s.entries.last().map_or(0, |e| e.data_offset + e.stored);
        at.extend(cd..src.len());
        at
    }

    /// An archive in memory whose runs of zeros take no memory: an archive past 4 GiB
    /// in a few KiB.
    #[derive(Default, Clone)]
    struct Sparse {
        len: u64,
        /// Written pieces that are not all zeros, by offset (they do not overlap).
        pieces: BTreeMap<u64, Vec<u8>>,
        /// Single bytes changed afterwards, read over the pieces.
        patches: BTreeMap<u64, u8>,
    }

    impl Write for Sparse {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            // Slice equality is a memcmp: fast in a debug build too.
            if buf != &ZEROS[..buf.len().min(ZEROS.len())] || buf.len() > ZEROS.len() {
                self.pieces.insert(self.len, buf.to_vec());
            }
            self.len += buf.len() as u64;
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    static ZEROS: [u8; 1 << 20] = [0; 1 << 20];

    impl ReadAt for Sparse {
        fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
            let n = buf.len().min(self.len.saturating_sub(offset) as usize);
            let buf = &mut buf[..n];
            buf.fill(0);
            let end = offset + n as u64;
            // The piece that starts before `offset`, and those that start inside.
            let first = self.pieces.range(..=offset).next_back();
            for (&at, piece) in first.into_iter().chain(self.pieces.range(offset + 1..end)) {
                let from = at.max(offset);
                let to = (at + piece.len() as u64).min(end);
                if from < to {
                    buf[(from - offset) as usize..(to - offset) as usize]
                        .copy_from_slice(&piece[(from - at) as usize..(to - at) as usize]);
                }
            }
            for (&at, &b) in self.patches.range(offset..end) {
                buf[(at - offset) as usize] = b;
            }
            Ok(n)
        }
        fn len(&self) -> u64 {
            self.len
        }
    }

    impl Sparse {
        fn patch(&mut self, at: u64, bytes: &[u8]) {
            for (i, b) in bytes.iter().enumerate() {
                self.patches.insert(at + i as u64, *b);
            }
        }
        fn get(&self, at: u64, n: usize) -> Vec<u8> {
            let mut b = vec![0u8; n];
            self.read_exact_at(&mut b, at).unwrap();
            b
        }
    }

    const HUGE: u64 = (9 << 30) / 2; // 4.5 GiB

    /// `a`, a 4.5 GiB entry of zeros, then `c` past 4 GiB: every ZIP64 record a seal
    /// writes for large entries and offsets.
    fn huge_archive() -> Sparse {
        let mut crc = crc32fast::Hasher::new();
        let mut left = HUGE;
        while left > 0 {
            let n = left.min(ZEROS.len() as u64) as usize;
            crc.update(&ZEROS[..n]);
            left -= n as u64;
        }
        let mut w = ZipWriter::new(Sparse::default());
        w.add_bytes("a", b"first").unwrap();
        let mut zeros = io::repeat(0).take(HUGE);
        w.add_reader("big", HUGE, crc.finalize(), &mut zeros, &mut |_| {})
            .unwrap();
        w.add_bytes("c", b"after 4 GiB").unwrap();
        w.finish().unwrap()
    }

    #[test]
    fn zip64_is_written_where_values_do_not_fit_and_read_back() {
        let z = huge_archive();
        let s = scan(&z).unwrap().unwrap();
        assert_eq!(s.findings, []);
        let names: Vec<&[u8]> = s.entries.iter().map(|e| &e.name[..]).collect();
        assert_eq!(names, [&b"a"[..], b"big", b"c"]);
        let big = &s.entries[1];
        assert_eq!((big.size, big.stored), (HUGE, HUGE));
        // The big entry's local header: version 4.5, sizes in the extra field.
        let local = z.get(big.header_offset, 30 + 3 + 20);
        assert_eq!(u16_at(&local, 4), 45);
        assert_eq!(
            (u32_at(&local, 18), u32_at(&local, 22)),
            (u32::MAX, u32::MAX)
        );
        assert_eq!(u16_at(&local, 28), 20);
        assert_eq!(&local[33..37], &[1, 0, 16, 0]);
        assert_eq!((u64_at(&local, 37), u64_at(&local, 45)), (HUGE, HUGE));
        // `c` starts past 4 GiB: 2.0 sizes, version 4.5, no extra in its local header.
        let c = &s.entries[2];
        assert!(c.header_offset > FULL32);
        let local = z.get(c.header_offset, 30);
        assert_eq!((u16_at(&local, 4), u16_at(&local, 28)), (45, 0));
        // The end: ZIP64 record, locator, end record with the offset marked.
        let cd_offset = c.data_offset + c.stored;
        let tail = z.get(z.len - 98, 98);
        assert_eq!(u32_at(&tail, 0), ZIP64_END_SIG);
        assert_eq!(u64_at(&tail, 48), cd_offset);
        assert_eq!(u32_at(&tail, 56), ZIP64_LOCATOR_SIG);
        assert_eq!(u64_at(&tail, 64), z.len - 98);
        assert_eq!(u32_at(&tail, 76), END_SIG);
        assert_eq!(u16_at(&tail, 86), 3);
        assert_eq!(u32_at(&tail, 92), u32::MAX);
        // The central records: `big` holds both sizes, `c` its offset only.
        let cd = z.get(cd_offset, (z.len - 98 - cd_offset) as usize);
        let big_at = 46 + 1;
        assert_eq!(u16_at(&cd, big_at + 30), 20);
        assert_eq!(u32_at(&cd, big_at + 42), 30 + 1 + 5);
        let c_at = big_at + 46 + 3 + 20;
        assert_eq!(u16_at(&cd, c_at + 30), 12);
        assert_eq!(u32_at(&cd, c_at + 42), u32::MAX);
        assert_eq!(u64_at(&cd, c_at + 46 + 1 + 4), c.header_offset);
        assert_eq!(u16_at(&cd, c_at + 4), 0x032d);
    }

    #[test]
    fn every_changed_byte_of_a_zip64_archives_records_is_a_finding() {
        let z = huge_archive();
        let at = header_bytes(&z);
        assert!(at.len() > 250, "{}", at.len());
        for &i in &at {
            for mask in [0x01u8, 0x80] {
                let mut d = z.clone();
                d.patch(i, &[z.get(i, 1)[0] ^ mask]);
                assert!(
                    !findings(&d).is_empty(),
                    "byte {i} ^ {mask:#04x} went unnoticed"
                );
            }
        }
    }

    #[test]
    fn more_than_65534_entries_take_the_zip64_end_records_and_every_end_byte_counts() {
        let mut w = ZipWriter::new(Vec::new());
        for i in 0..65_535u32 {
            w.add_bytes(&format!("f/{i:05}"), b"").unwrap();
        }
        let z = w.finish().unwrap();
        let tail = &z[z.len() - 98..];
        assert_eq!(u32_at(tail, 0), ZIP64_END_SIG);
        assert_eq!(u64_at(tail, 32), 65_535);
        assert_eq!(u16_at(tail, 86), 0xffff);
        let s = scan(&&z[..]).unwrap().unwrap();
        assert_eq!(s.findings, []);
        assert_eq!(s.entries.len(), 65_535);
        // The counts, in each record that holds them, and the locator's pointer (every
        // byte of these records is flipped in the 4.5 GiB archive's test).
        let end = z.len() - 98;
        for i in [end + 4, end + 24, end + 32, end + 64, end + 84, end + 86] {
            let mut d = z.clone();
            d[i] ^= 0x01;
            assert!(!findings(&&d[..]).is_empty(), "byte {i} went unnoticed");
        }
    }

    /// The end of a ZIP64 archive with one record replaced: for tampering by hand.
    fn with_tail(z: &Sparse, f: impl FnOnce(&mut Vec<u8>)) -> Sparse {
        let mut d = z.clone();
        let mut tail = z.get(z.len - 98, 98);
        f(&mut tail);
        d.patch(z.len - 98, &tail);
        d
    }

    fn one_finding_like(src: &dyn ReadAt, want: &str) {
        let f = findings(src);
        assert!(f.iter().any(|m| m.contains(want)), "{want:?} not in {f:#?}");
    }

    #[test]
    fn tampered_zip64_records_are_found_and_named() {
        let z = huge_archive();
        let s = scan(&z).unwrap().unwrap();
        let (big, c) = (&s.entries[1], &s.entries[2]);
        let cd_offset = c.data_offset + c.stored;
        let record_at = z.len - 98;

        // The locator points elsewhere: at the directory, or 8 bytes early.
        let d = with_tail(&z, |t| t[64..72].copy_from_slice(&cd_offset.to_le_bytes()));
        one_finding_like(
            &d,
            &format!("the ZIP64 end of central directory locator points to {cd_offset}, where there is no ZIP64 end of central directory record"),
        );
        let mut d = z.clone();
        d.patch(record_at - 8, &z.get(record_at, 56));
        d.patch(record_at + 56 + 8, &(record_at - 8).to_le_bytes());
        one_finding_like(&d, "the ZIP64 end of central directory locator points to");
        // Its disk count, and the record's own size field.
        let d = with_tail(&z, |t| t[72] = 2);
        one_finding_like(
            &d,
            "ZIP64 end of central directory locator: number of disks differs from a seal's",
        );
        let d = with_tail(&z, |t| t[4] = 45);
        one_finding_like(
            &d,
            "ZIP64 end of central directory record: record size differs from a seal's",
        );
        // The ZIP64 record and the end record disagree on the count.
        let d = with_tail(&z, |t| t[32] = 4);
        one_finding_like(
            &d,
            "the end record counts 4 entries, the central directory holds 3",
        );
        // Gone: the locator's signature broken.
        let d = with_tail(&z, |t| t[56] = b'Q');
        one_finding_like(
            &d,
            "but no ZIP64 end of central directory locator precedes it",
        );

        // The local header's extra field says one size, the central record's another.
        let mut d = z.clone();
        d.patch(big.header_offset + 30 + 3 + 4, &(HUGE - 1).to_le_bytes());
        one_finding_like(
            &d,
            "declares 4831838208 bytes stored but 4831838207 bytes uncompressed",
        );
        let mut d = z.clone();
        for at in [4, 12] {
            d.patch(big.header_offset + 30 + 3 + at, &(HUGE + 1).to_le_bytes());
        }
        one_finding_like(
            &d,
            "the central directory disagrees with the local header: size (4831838208 bytes in \
             the central directory, 4831838209 in the local header)",
        );
        // The extra field's ID changed, and its data size.
        let mut d = z.clone();
        d.patch(big.header_offset + 33, &[0x0a, 0x00]);
        one_finding_like(
            &d,
            "local header: an extra field block of type 0x000a, which a seal never writes",
        );
        one_finding_like(&d, "local header: the uncompressed size is 0xFFFFFFFF");
        let mut d = z.clone();
        d.patch(big.header_offset + 35, &[8]);
        one_finding_like(
            &d,
            "local header: the ZIP64 extra field has no compressed size",
        );
        // The central record's offset field marked, holding the value in the extra field
        // where it fits in 32 bits: found by the rebuild of the record.
        let big_central = cd_offset + 46 + 1;
        let mut d = z.clone();
        d.patch(big_central + 20, &[0x00, 0x00, 0x00, 0x01]);
        one_finding_like(
            &d,
            "central directory record: the ZIP64 extra field holds 8 bytes beyond",
        );
    }

    /// An archive whose records are given as bytes, laid out with the right offsets: for
    /// extra fields a seal never writes.
    fn assemble(locals: &[Vec<u8>], data: &[&[u8]], centrals: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        for (l, d) in locals.iter().zip(data) {
            out.extend_from_slice(l);
            out.extend_from_slice(d);
        }
        let cd_offset = out.len() as u64;
        let cd: Vec<u8> = centrals.concat();
        out.extend_from_slice(&cd);
        out.extend(end_records(
            centrals.len() as u64,
            cd.len() as u64,
            cd_offset,
        ));
        out
    }

    #[test]
    fn zip64_extra_fields_where_none_belong_or_twice_are_named() {
        let name = b"x/a.txt";
        let crc = crc32fast::hash(b"hello");
        // A ZIP64 extra field for a 5-byte entry, in the local header and the directory.
        let mut local = local_record(name, crc, 5, 0);
        local[18..26].copy_from_slice(&[0xff; 8]);
        local[28] = 20;
        local.extend(zip64_extra(&[5, 5]));
        let mut central = central_record(name, crc, 5, 0);
        central[20..28].copy_from_slice(&[0xff; 8]);
        central[30] = 20;
        central.extend(zip64_extra(&[5, 5]));
        let z = assemble(&[local.clone()], &[b"hello"], &[central]);
        let f = findings(&&z[..]);
        assert!(
            f.iter().any(|m| m
                == "local header: a ZIP64 extra field, where a seal writes none (5 bytes fit \
                    in 32 bits)"),
            "{f:#?}"
        );
        assert!(
            f.iter()
                .any(|m| m.starts_with("central directory record: a ZIP64 extra field, where")),
            "{f:#?}"
        );
        // The same extra field twice.
        let mut twice = local_record(name, crc, 5, 0);
        twice[18..26].copy_from_slice(&[0xff; 8]);
        twice[28] = 40;
        twice.extend(zip64_extra(&[5, 5]));
        twice.extend(zip64_extra(&[5, 5]));
        let z = assemble(&[twice], &[b"hello"], &[central_record(name, crc, 5, 0)]);
        one_finding_like(
            &&z[..],
            "local header: the ZIP64 extra field is there twice",
        );
        // An extra field that runs past its length.
        let mut over = local_record(name, crc, 5, 0);
        over[28] = 6;
        over.extend([1, 0, 16, 0, 5, 0]);
        let z = assemble(&[over], &[b"hello"], &[central_record(name, crc, 5, 0)]);
        one_finding_like(
            &&z[..],
            "local header: an extra field block of type 0x0001 runs 14 bytes past the extra field",
        );
        // ZIP64 end records for 1 entry.
        let mut z = archive(&[("x/a.txt", b"hello")]);
        let cd_offset = 30 + 7 + 5;
        let cd_size = 46 + 7;
        z.truncate(cd_offset + cd_size);
        z.extend(zip64_end_record(1, cd_size as u64, cd_offset as u64));
        z.extend(zip64_locator((cd_offset + cd_size) as u64));
        z.extend(end_record(1, cd_size as u32, cd_offset as u32));
        one_finding_like(
            &&z[..],
            "ZIP64 end of central directory records, where a seal writes none (1 entries",
        );
    }

    #[test]
    fn a_second_directory_record_for_one_entry_is_named() {
        let z = archive(&[("x/a.txt", b"hello")]);
        let cd_offset = 30 + 7 + 5;
        let record = z[cd_offset..cd_offset + 46 + 7].to_vec();
        let mut d = z[..cd_offset].to_vec();
        d.extend(&record);
        d.extend(&record);
        d.extend(end_records(2, 2 * record.len() as u64, cd_offset as u64));
        one_finding_like(&&d[..], "the directory is not in the order of the entries");
    }

    #[test]
    fn the_directory_alone_gives_the_entries_and_their_data() {
        let z = huge_archive();
        let full = scan(&z).unwrap().unwrap();
        let dir = scan_directory(&z, |n| n == b"c").unwrap().unwrap();
        assert_eq!(dir.findings, []);
        assert_eq!(dir.entries.len(), 3);
        for (a, b) in full.entries.iter().zip(&dir.entries) {
            assert_eq!(
                (&a.name, a.header_offset, a.data_offset, a.stored, a.crc),
                (&b.name, b.header_offset, b.data_offset, b.stored, b.crc)
            );
        }
        // The local header of a wanted entry is read and checked; the others are not.
        let mut d = z.clone();
        d.patch(full.entries[2].header_offset + 10, &[1]);
        let dir = scan_directory(&d, |n| n == b"c").unwrap().unwrap();
        assert_eq!(dir.findings.len(), 1, "{:?}", dir.findings);
        let dir = scan_directory(&d, |_| false).unwrap().unwrap();
        assert_eq!(dir.findings, []);
    }

    /// The entries a canonical walk gives, with every local header checked; `None` at a
    /// departure.
    fn walked(src: &dyn ReadAt) -> Option<Vec<Entry>> {
        let mut walk = canonical_walk(src).unwrap()?;
        let mut out = Vec::new();
        while let Some(e) = walk.next_entry().unwrap() {
            if !local_header_is_canonical(src, &e).unwrap() {
                return None;
            }
            out.push(e);
        }
        (!walk.departed()).then_some(out)
    }

    #[test]
    fn the_canonical_walk_gives_what_the_reader_gives_and_stops_at_any_changed_record_byte() {
        let z = huge_archive();
        let full = scan(&z).unwrap().unwrap();
        let walk = walked(&z).expect("a written archive walks");
        assert_eq!(walk.len(), 3);
        for (a, b) in full.entries.iter().zip(&walk) {
            assert_eq!(
                (
                    &a.name,
                    a.header_offset,
                    a.data_offset,
                    a.stored,
                    a.size,
                    a.crc
                ),
                (
                    &b.name,
                    b.header_offset,
                    b.data_offset,
                    b.stored,
                    b.size,
                    b.crc
                )
            );
        }
        for &i in &header_bytes(&z) {
            let mut d = z.clone();
            d.patch(i, &[z.get(i, 1)[0] ^ 0x01]);
            assert!(walked(&d).is_none(), "byte {i} flipped went unnoticed");
        }
        // Names out of order, or twice: each entry canonical, the whole not.
        for (names, canonical) in [
            (["a/b", "a/c"], true),
            (["a/c", "a/b"], false),
            (["a/b", "a/b"], false),
        ] {
            let mut out = Vec::new();
            let mut central = Vec::new();
            for n in names {
                central.extend(raw_entry(
                    &mut out,
                    &RawEntry {
                        name: n.as_bytes().to_vec(),
                        method: 0,
                        crc: crc32fast::hash(b"x"),
                        size: 1,
                        data: b"x".to_vec(),
                    },
                ));
            }
            let at = out.len() as u64;
            out.extend_from_slice(&central);
            out.extend(end_records(2, central.len() as u64, at));
            assert_eq!(walked(&&out[..]).is_some(), canonical, "{names:?}");
        }
    }

    #[test]
    fn entries_are_found_through_the_directory_without_holding_the_others() {
        let z = huge_archive();
        let found = find_entries(&z, |n| n == b"c").unwrap().unwrap();
        assert_eq!(found.len(), 1);
        let mut data = vec![0u8; found[0].stored as usize];
        z.read_exact_at(&mut data, found[0].data_offset).unwrap();
        assert_eq!(data, b"after 4 GiB");
        assert!(find_entries(&&b"no zip at all"[..], |_| true)
            .unwrap()
            .is_none());
    }

    #[test]
    fn an_entry_written_twice_is_the_entry_added_from_memory_unless_it_changed() {
        let bytes = b"line 1\nline 2\n";
        let write = |out: &mut dyn Write| -> io::Result<()> {
            out.write_all(b"line 1\n")?;
            out.write_all(b"line 2\n")
        };
        let mut w = ZipWriter::new(Vec::new());
        w.add_written("a", bytes.len() as u64, crc32fast::hash(bytes), &write)
            .unwrap();
        assert_eq!(w.finish().unwrap(), archive(&[("a", bytes)]));
        for (size, crc) in [
            (bytes.len() as u64 - 1, crc32fast::hash(bytes)),
            (bytes.len() as u64 + 1, crc32fast::hash(bytes)),
            (bytes.len() as u64, crc32fast::hash(b"other")),
        ] {
            let mut w = ZipWriter::new(Vec::new());
            let e = w.add_written("a", size, crc, &write).unwrap_err();
            assert!(matches!(e, ContainerError::Changed(_)), "{e}");
        }
    }

    #[test]
    fn zip64_sizes_and_offsets_near_2_to_the_64_are_truncation_not_a_panic() {
        // A local header whose ZIP64 extra field declares 2^64 - 2 bytes of data.
        let name = b"a";
        let mut z = local_record(name, 0, FULL32 + 1, 0);
        let extra_at = LOCAL_LEN as usize + name.len() + 4;
        z[extra_at..extra_at + 16].copy_from_slice(&[(u64::MAX - 1).to_le_bytes(); 2].concat());
        z.extend_from_slice(b"data");
        let s = scan(&&z[..]).unwrap().unwrap();
        assert!(
            s.findings.iter().any(|f| f.kind == FindingKind::Truncated),
            "{:?}",
            s.findings
        );
        // A central record whose ZIP64 extra field puts its local header at 2^64 - 2.
        let mut central = central_record(name, 0, 4, FULL32 + 1);
        let offset_at = CENTRAL_LEN as usize + name.len() + 4;
        central[offset_at..offset_at + 8].copy_from_slice(&(u64::MAX - 1).to_le_bytes());
        let mut z = local_record(name, 0, 4, 0);
        z.extend_from_slice(b"data");
        let at = z.len() as u64;
        z.extend_from_slice(&central);
        z.extend(end_records(1, central.len() as u64, at));
        for wanted in [true, false] {
            let s = scan_directory(&&z[..], |_| wanted).unwrap().unwrap();
            assert!(!s.findings.is_empty() || !wanted);
        }
        assert!(!findings(&&z[..]).is_empty());
        assert!(find_entries(&&z[..], |_| true).unwrap().unwrap().is_empty());
    }
}

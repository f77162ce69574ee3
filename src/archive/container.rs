//! The zip container, in the one canonical form gongkai writes, and a strict reader of it.
//!
//! A sealed archive is a zip whose every byte follows from its entries' names and contents:
//! entries sorted by name (bytewise), each stored uncompressed, a local header with fixed
//! fields (version 2.0, UTF-8 flag, no data descriptor, time 1980-01-01 00:00, no extra
//! field) directly followed by its data, then the central directory (made by Unix 2.0,
//! mode `-rw-r--r--`, no comments), then the end record without a comment. The writer and
//! the reader share the functions that encode the headers, so the reader can tell every
//! byte that differs from what a seal would have written: that is why any changed byte of
//! an archive is found. Entries are never decompressed — a sealed archive has nothing to
//! inflate, so no zip bomb can go off — and never written anywhere.
//!
//! Limits of this form: fewer than 65,535 entries, each entry and the whole archive under
//! 4 GiB (no zip64); `seal` refuses a collection beyond them.

use std::io::{self, Read, Write};

const LOCAL_SIG: u32 = 0x0403_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const END_SIG: u32 = 0x0605_4b50;
pub const LOCAL_LEN: u64 = 30;
const CENTRAL_LEN: u64 = 46;
const END_LEN: u64 = 22;
const VERSION_NEEDED: u16 = 20;
/// Unix (3) in the high byte, zip specification 2.0 in the low byte.
const VERSION_MADE_BY: u16 = 0x0314;
/// Bit 11: the name is UTF-8.
const FLAGS: u16 = 0x0800;
const DOS_TIME: u16 = 0;
/// 1980-01-01, the earliest date zip can say.
const DOS_DATE: u16 = (1 << 5) | 1;
/// A regular file, `rw-r--r--`, in the Unix half of the external attributes.
const EXTERNAL_ATTRS: u32 = 0o100644 << 16;
/// The most entries and the largest offset or size the form allows.
pub const MAX_ENTRIES: usize = 0xfffe;
pub const MAX_OFFSET: u64 = 0xffff_fffe;

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
    #[error("too large for a sealed archive: {0} (limits: {MAX_ENTRIES} entries, 4 GiB)")]
    TooLarge(String),
}

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// The local header a seal writes for an entry (without the name).
pub fn local_header(name_len: u16, crc: u32, size: u32) -> Vec<u8> {
    let mut v = Vec::with_capacity(LOCAL_LEN as usize);
    put32(&mut v, LOCAL_SIG);
    put16(&mut v, VERSION_NEEDED);
    put16(&mut v, FLAGS);
    put16(&mut v, 0); // stored
    put16(&mut v, DOS_TIME);
    put16(&mut v, DOS_DATE);
    put32(&mut v, crc);
    put32(&mut v, size);
    put32(&mut v, size);
    put16(&mut v, name_len);
    put16(&mut v, 0);
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
];

/// The central directory record a seal writes for an entry (without the name).
pub fn central_header(name_len: u16, crc: u32, size: u32, offset: u32) -> Vec<u8> {
    let mut v = Vec::with_capacity(CENTRAL_LEN as usize);
    put32(&mut v, CENTRAL_SIG);
    put16(&mut v, VERSION_MADE_BY);
    put16(&mut v, VERSION_NEEDED);
    put16(&mut v, FLAGS);
    put16(&mut v, 0);
    put16(&mut v, DOS_TIME);
    put16(&mut v, DOS_DATE);
    put32(&mut v, crc);
    put32(&mut v, size);
    put32(&mut v, size);
    put16(&mut v, name_len);
    put16(&mut v, 0); // extra
    put16(&mut v, 0); // comment
    put16(&mut v, 0); // disk
    put16(&mut v, 0); // internal attributes
    put32(&mut v, EXTERNAL_ATTRS);
    put32(&mut v, offset);
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
];

/// The end of central directory record a seal writes.
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

/// The first field where `actual` differs from `canonical`, named.
fn differing_field(actual: &[u8], canonical: &[u8], fields: &[(usize, &str)]) -> Option<String> {
    let at = actual.iter().zip(canonical).position(|(a, b)| a != b)?;
    let name = fields
        .iter()
        .rev()
        .find(|(o, _)| *o <= at)
        .map_or("?", |(_, n)| n);
    Some(name.to_string())
}

/// Writes the canonical form. Add entries in sorted order (the caller sorts).
pub struct ZipWriter<W: Write> {
    out: W,
    offset: u64,
    central: Vec<u8>,
    count: usize,
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

    fn check_room(&self, name: &str, size: u64) -> Result<(), ContainerError> {
        let end = self.offset + LOCAL_LEN + name.len() as u64 + size;
        if self.count >= MAX_ENTRIES || size > MAX_OFFSET || end > MAX_OFFSET {
            return Err(ContainerError::TooLarge(format!("at {name}")));
        }
        if name.len() > 0xffff {
            return Err(ContainerError::TooLarge(format!(
                "a name of {} bytes",
                name.len()
            )));
        }
        Ok(())
    }

    /// Adds an entry whose size and CRC are known beforehand, copying `data`; if what is
    /// read differs in size or CRC, fails with [`ContainerError::Changed`].
    pub fn add_reader(
        &mut self,
        name: &str,
        size: u64,
        crc: u32,
        data: &mut dyn Read,
        hook: &mut dyn FnMut(u64),
    ) -> Result<(), ContainerError> {
        self.check_room(name, size)?;
        let start = self.offset;
        self.write(&local_header(name.len() as u16, crc, size as u32))?;
        self.write(name.as_bytes())?;
        let mut hasher = crc32fast::Hasher::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut copied = 0u64;
        loop {
            let n = data.read(&mut buf).map_err(ContainerError::Read)?;
            if n == 0 {
                break;
            }
            copied += n as u64;
            if copied > size {
                return Err(ContainerError::Changed(name.to_string()));
            }
            hasher.update(&buf[..n]);
            self.write(&buf[..n])?;
            hook(self.offset);
        }
        if copied != size || hasher.finalize() != crc {
            return Err(ContainerError::Changed(name.to_string()));
        }
        self.central.extend(central_header(
            name.len() as u16,
            crc,
            size as u32,
            start as u32,
        ));
        self.central.extend_from_slice(name.as_bytes());
        self.count += 1;
        Ok(())
    }

    /// Adds an entry held in memory.
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<(), ContainerError> {
        let crc = crc32fast::hash(bytes);
        self.add_reader(name, bytes.len() as u64, crc, &mut &bytes[..], &mut |_| {})
    }

    fn write(&mut self, b: &[u8]) -> Result<(), ContainerError> {
        self.out.write_all(b).map_err(ContainerError::Write)?;
        self.offset += b.len() as u64;
        Ok(())
    }

    /// Writes the central directory and the end record; gives back the output.
    pub fn finish(mut self) -> Result<W, ContainerError> {
        let cd_offset = self.offset;
        let cd_size = self.central.len() as u64;
        if cd_offset + cd_size + END_LEN > MAX_OFFSET {
            return Err(ContainerError::TooLarge("the central directory".into()));
        }
        let central = std::mem::take(&mut self.central);
        self.write(&central)?;
        self.write(&end_record(
            self.count as u16,
            cd_size as u32,
            cd_offset as u32,
        ))?;
        Ok(self.out)
    }
}

/// Writes one entry exactly as given, canonical or not: for building damaged and hostile
/// archives in tests. Returns the central directory record to append.
#[doc(hidden)]
pub fn raw_entry(out: &mut Vec<u8>, raw: &RawEntry) -> Vec<u8> {
    let offset = out.len() as u32;
    let mut local = local_header(raw.name.len() as u16, raw.crc, raw.size);
    local[8..10].copy_from_slice(&raw.method.to_le_bytes());
    local[18..22].copy_from_slice(&(raw.data.len() as u32).to_le_bytes());
    out.extend(local);
    out.extend_from_slice(&raw.name);
    out.extend_from_slice(&raw.data);
    let mut central = central_header(raw.name.len() as u16, raw.crc, raw.size, offset);
    central[10..12].copy_from_slice(&raw.method.to_le_bytes());
    central[20..24].copy_from_slice(&(raw.data.len() as u32).to_le_bytes());
    central.extend_from_slice(&raw.name);
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

/// One entry as found in the archive.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: Vec<u8>,
    pub header_offset: u64,
    /// Where its data starts, after the local header, name and extra field.
    pub data_offset: u64,
    /// Bytes of data that follow (the local header's compressed size).
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

/// Reads the structure of an archive without reading any entry's data. `None` when the
/// bytes are no zip at all (no local header at the start and no end record).
pub fn scan(src: &dyn ReadAt) -> io::Result<Option<Scan>> {
    let len = src.len();
    let mut s = Scan::default();
    let walk = walk_local_headers(src, len, &mut s)?;
    let end = find_end_record(src, len)?;
    if walk.is_empty() && end.is_none() {
        return Ok(None);
    }
    let central = match &end {
        Some(e) => read_central(src, e, &mut s)?,
        None => {
            s.findings.push(Finding {
                entry: None,
                kind: FindingKind::Truncated,
                message: format!(
                    "no end of central directory record: the archive is truncated or its \
                     end is damaged ({} entries could still be read)",
                    walk.len()
                ),
            });
            Vec::new()
        }
    };
    reconcile(src, len, walk, central, end.as_ref(), &mut s)?;
    check_order(&mut s);
    Ok(Some(s))
}

struct EndRecord {
    at: u64,
    count: u64,
    cd_size: u64,
    cd_offset: u64,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

struct Local {
    entry: Entry,
    raw: Vec<u8>,
    extra_len: u16,
}

fn read_local(src: &dyn ReadAt, len: u64, at: u64) -> io::Result<Option<Local>> {
    if at + LOCAL_LEN > len {
        return Ok(None);
    }
    let mut raw = vec![0u8; LOCAL_LEN as usize];
    src.read_exact_at(&mut raw, at)?;
    if u32_at(&raw, 0) != LOCAL_SIG {
        return Ok(None);
    }
    let name_len = u16_at(&raw, 26) as u64;
    let extra_len = u16_at(&raw, 28);
    let name_end = (at + LOCAL_LEN + name_len).min(len);
    let mut name = vec![0u8; (name_end - at - LOCAL_LEN) as usize];
    src.read_exact_at(&mut name, at + LOCAL_LEN)?;
    let data_offset = at + LOCAL_LEN + name_len + extra_len as u64;
    let stored = u32_at(&raw, 18) as u64;
    Ok(Some(Local {
        entry: Entry {
            name,
            header_offset: at,
            data_offset,
            stored,
            size: u32_at(&raw, 22) as u64,
            crc: u32_at(&raw, 14),
            method: u16_at(&raw, 8),
            truncated: data_offset + stored > len,
        },
        raw,
        extra_len,
    }))
}

/// Follows the local headers from the start, as a streaming unzip would.
fn walk_local_headers(src: &dyn ReadAt, len: u64, s: &mut Scan) -> io::Result<Vec<Local>> {
    let mut out: Vec<Local> = Vec::new();
    let mut at = 0u64;
    while let Some(l) = read_local(src, len, at)? {
        let end = l.entry.data_offset + l.entry.stored;
        let truncated = l.entry.truncated;
        out.push(l);
        if truncated {
            break;
        }
        at = end;
    }
    if out.is_empty() && len > 0 {
        s.findings.push(Finding {
            entry: None,
            kind: FindingKind::Container,
            message: "the archive does not start with a local file header".into(),
        });
    }
    Ok(out)
}

fn find_end_record(src: &dyn ReadAt, len: u64) -> io::Result<Option<EndRecord>> {
    if len < END_LEN {
        return Ok(None);
    }
    let tail_len = len.min(END_LEN + 0xffff);
    let mut tail = vec![0u8; tail_len as usize];
    src.read_exact_at(&mut tail, len - tail_len)?;
    // From the end backwards: the canonical record is the last 22 bytes.
    let mut i = tail.len() - END_LEN as usize;
    loop {
        if u32_at(&tail, i) == END_SIG {
            let b = &tail[i..];
            return Ok(Some(EndRecord {
                at: len - tail_len + i as u64,
                count: u16_at(b, 10) as u64,
                cd_size: u32_at(b, 12) as u64,
                cd_offset: u32_at(b, 16) as u64,
            }));
        }
        if i == 0 {
            return Ok(None);
        }
        i -= 1;
    }
}

struct Central {
    name: Vec<u8>,
    crc: u32,
    size: u64,
    stored: u64,
    offset: u64,
    method: u16,
}

fn read_central(src: &dyn ReadAt, end: &EndRecord, s: &mut Scan) -> io::Result<Vec<Central>> {
    let mut raw_end = vec![0u8; END_LEN as usize];
    src.read_exact_at(&mut raw_end, end.at)?;
    let canonical = end_record(end.count as u16, end.cd_size as u32, end.cd_offset as u32);
    if let Some(field) = differing_field(&raw_end, &canonical, END_FIELDS) {
        s.findings.push(Finding {
            entry: None,
            kind: FindingKind::Container,
            message: format!("end of central directory record: {field} differs from a seal's"),
        });
    }
    if end.at + END_LEN != src.len() {
        s.findings.push(Finding {
            entry: None,
            kind: FindingKind::Container,
            message: format!(
                "{} bytes follow the end of central directory record",
                src.len() - end.at - END_LEN
            ),
        });
    }
    if end.cd_offset + end.cd_size != end.at {
        s.findings.push(Finding {
            entry: None,
            kind: FindingKind::Container,
            message: format!(
                "the central directory ({} bytes at {}) does not end where the end record \
                 starts ({})",
                end.cd_size, end.cd_offset, end.at
            ),
        });
    }
    let mut out = Vec::new();
    let mut at = end.cd_offset;
    // Every record is at least 46 bytes: a lying count cannot make this allocate or loop.
    while at + CENTRAL_LEN <= end.at {
        let mut raw = vec![0u8; CENTRAL_LEN as usize];
        src.read_exact_at(&mut raw, at)?;
        if u32_at(&raw, 0) != CENTRAL_SIG {
            s.findings.push(Finding {
                entry: None,
                kind: FindingKind::Container,
                message: format!("no central directory record at offset {at}"),
            });
            break;
        }
        let name_len = u16_at(&raw, 28) as u64;
        let skip = u16_at(&raw, 30) as u64 + u16_at(&raw, 32) as u64;
        let name_end = (at + CENTRAL_LEN + name_len).min(end.at);
        let mut name = vec![0u8; (name_end - at - CENTRAL_LEN) as usize];
        src.read_exact_at(&mut name, at + CENTRAL_LEN)?;
        let c = Central {
            crc: u32_at(&raw, 16),
            stored: u32_at(&raw, 20) as u64,
            size: u32_at(&raw, 24) as u64,
            offset: u32_at(&raw, 42) as u64,
            method: u16_at(&raw, 10),
            name,
        };
        let canonical = central_header(name_len as u16, c.crc, c.size as u32, c.offset as u32);
        if let Some(field) = differing_field(&raw, &canonical, CENTRAL_FIELDS) {
            s.findings.push(Finding {
                entry: Some(display_name(&c.name)),
                kind: if field.ends_with("size") || field == "compression method" {
                    FindingKind::Size
                } else {
                    FindingKind::Container
                },
                message: format!("central directory record: {field} differs from a seal's"),
            });
        }
        out.push(c);
        at += CENTRAL_LEN + name_len + skip;
    }
    if at != end.at {
        s.findings.push(Finding {
            entry: None,
            kind: FindingKind::Container,
            message: format!(
                "the central directory records end at {at}, not where the end record starts \
                 ({})",
                end.at
            ),
        });
    }
    if out.len() as u64 != end.count {
        s.findings.push(Finding {
            entry: None,
            kind: FindingKind::Container,
            message: format!(
                "the end record counts {} entries, the central directory holds {}",
                end.count,
                out.len()
            ),
        });
    }
    Ok(out)
}

fn local_findings(l: &Local, s: &mut Scan) {
    let e = &l.entry;
    let name = e.display_name();
    let canonical = local_header(e.name.len() as u16, e.crc, e.size as u32);
    if let Some(field) = differing_field(&l.raw, &canonical, LOCAL_FIELDS) {
        let size_field = field.ends_with("size") || field == "compression method";
        s.findings.push(Finding {
            entry: Some(name.clone()),
            kind: if size_field {
                FindingKind::Size
            } else {
                FindingKind::Container
            },
            message: if e.method != 0 {
                format!(
                    "compressed (method {}): a sealed archive stores entries uncompressed; \
                     it is not decompressed",
                    e.method
                )
            } else if e.stored != e.size {
                format!(
                    "declares {} bytes stored but {} bytes uncompressed (ratio limit of a \
                     sealed archive: 1)",
                    e.stored, e.size
                )
            } else {
                format!("local header: {field} differs from a seal's")
            },
        });
    }
    if l.extra_len != 0 {
        // Already named by the header comparison; nothing more to say.
    }
    if e.truncated {
        s.findings.push(Finding {
            entry: Some(name),
            kind: FindingKind::Truncated,
            message: format!(
                "declares {} bytes of data; the archive ends before them",
                e.stored
            ),
        });
    }
}

/// Ties the local headers to the central directory: same entries, same order, same
/// fields, laid end to end from byte 0 to the directory with no byte unaccounted for.
fn reconcile(
    src: &dyn ReadAt,
    len: u64,
    walk: Vec<Local>,
    central: Vec<Central>,
    end: Option<&EndRecord>,
    s: &mut Scan,
) -> io::Result<()> {
    let mut locals: Vec<Local> = walk;
    if let Some(end) = end {
        // Entries the walk did not reach (a damaged header stops it) come from the
        // directory's offsets.
        for c in &central {
            if !locals.iter().any(|l| l.entry.header_offset == c.offset) {
                match read_local(src, len, c.offset)? {
                    Some(l) => locals.push(l),
                    None => s.findings.push(Finding {
                        entry: Some(display_name(&c.name)),
                        kind: FindingKind::Container,
                        message: format!("no local header at offset {}", c.offset),
                    }),
                }
            }
        }
        locals.sort_by_key(|l| l.entry.header_offset);
        for l in &locals {
            let e = &l.entry;
            match central.iter().find(|c| c.offset == e.header_offset) {
                None => s.findings.push(Finding {
                    entry: Some(e.display_name()),
                    kind: FindingKind::Container,
                    message: "has a local header but no central directory record".into(),
                }),
                Some(c) => {
                    let mut differ = Vec::new();
                    if c.name != e.name {
                        differ.push(format!("name ({})", display_name(&c.name)));
                    }
                    if c.crc != e.crc {
                        differ.push("CRC-32".to_string());
                    }
                    if c.size != e.size || c.stored != e.stored {
                        differ.push("size".to_string());
                    }
                    if c.method != e.method {
                        differ.push("compression method".to_string());
                    }
                    if !differ.is_empty() {
                        s.findings.push(Finding {
                            entry: Some(e.display_name()),
                            kind: FindingKind::Container,
                            message: format!(
                                "the central directory disagrees with the local header: {}",
                                differ.join(", ")
                            ),
                        });
                    }
                }
            }
        }
        // Laid end to end: [0, cd_offset) is exactly the entries.
        let mut at = 0u64;
        for l in &locals {
            let e = &l.entry;
            if e.header_offset != at {
                s.findings.push(Finding {
                    entry: Some(e.display_name()),
                    kind: FindingKind::Container,
                    message: if e.header_offset > at {
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
                });
            }
            at = e.data_offset + e.stored;
        }
        if !locals.iter().any(|l| l.entry.truncated) && at != end.cd_offset {
            s.findings.push(Finding {
                entry: None,
                kind: FindingKind::Container,
                message: format!(
                    "the entries end at {at} but the central directory starts at {}",
                    end.cd_offset
                ),
            });
        }
    }
    for l in &locals {
        local_findings(l, s);
    }
    s.entries = locals.into_iter().map(|l| l.entry).collect();
    Ok(())
}

/// Names strictly increasing bytewise: sorted, and no name twice.
fn check_order(s: &mut Scan) {
    for w in s.entries.windows(2) {
        if w[0].name > w[1].name {
            s.findings.push(Finding {
                entry: Some(w[1].display_name()),
                kind: FindingKind::Container,
                message: format!("out of order: comes after {}", w[0].display_name()),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = ZipWriter::new(Vec::new());
        for (n, d) in entries {
            w.add_bytes(n, d).unwrap();
        }
        w.finish().unwrap()
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
}

//! Verifying an archive, in two steps. First the one-pass check ([`streamed`]): the
//! central directory, the manifest and the seal record read side by side in the order a
//! seal writes them, every entry hashed on all cores, in memory that does not grow with
//! the archive (BENCHMARKS.md: the same at 50,000 and 200,000 entries). An archive it finds intact is
//! reported without more reading; its payload's rows, all `ok`, are read again from the
//! manifest as the report is written, never held.
//!
//! At the first departure from what a seal writes, the archive is read again by the
//! verifier that names every problem: one pass of positional reads over the zip (nothing
//! is extracted), every entry hashed on all cores, then every check, each adding to one
//! list of problems instead of stopping at the first. It holds a couple of hundred bytes
//! per entry (its name, hashes, manifest line and status), never the entries' bytes: three
//! chunks of 128 KiB per core ([`hash_entries`]), the small tag files, the head of each
//! report being read. The manifest and the seal record, which grow with the payload, are read as
//! streams — never held whole, whatever their size — and each is compared with the bytes a
//! seal writes as those are made again. A damaged archive thus costs up to twice the
//! reading of an intact one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};
use sha256_lanes::{self as lanes, LANES};

use super::bag;
use super::container::{self, Entry, FileSource, FindingKind, ReadAt};
use super::expected::{self, StreamDiff};
use super::merkle::Hash;
use super::progress::Progress;
use super::record::{self, Previous, RecordError, RecordFile, RecordHead, RecordReader, Role};
use super::streamed::{self, Intact};
use super::ArchiveError;
use crate::input::hex;

/// The most read of the tag files a seal writes in a few hundred bytes whatever the
/// payload (bagit.txt, bag-info.txt, the tag manifest): more is already not a seal's.
pub const SMALL_TAG_BYTES: u64 = 64 * 1024;

/// The tag files that grow with the payload: read as streams, whatever their size.
fn is_streamed(tag: &str) -> bool {
    tag == bag::MANIFEST_FILE || tag == bag::SEAL_FILE
}

/// A tag file's entry name: `<bag folder>/<tag file>`.
fn is_tag_name(name: &[u8]) -> bool {
    std::str::from_utf8(name)
        .ok()
        .and_then(|n| n.split_once('/'))
        .is_some_and(|(_, t)| bag::TAG_FILES.contains(&t))
}

/// How much of an archive is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Depth {
    /// Everything: every header read, every entry hashed (`verify`).
    #[default]
    Full,
    /// What a proof rests on: the central directory and end records, the tag files'
    /// headers and bytes, the manifest against the seal record and its Merkle root. The
    /// payload's bytes are not read (`prove`, `verify-proof --archive`; `verify` reads
    /// them), so this is quick whatever the archive's size.
    Tags,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// A file's bytes differ from its manifest's hash.
    Altered,
    /// Listed but not in the archive.
    Missing,
    /// In the archive but not listed (or outside the bag).
    Unexpected,
    /// Present but cannot be hashed (compressed, or cut short), or a tag file too large to
    /// be read.
    Unreadable,
    /// The same name twice.
    Duplicate,
    /// A zip-slip name (`..`, absolute, drive letter, backslash), or not UTF-8.
    UnsafeName,
    /// A zip header, the central directory or the end record differs from a seal's.
    Container,
    /// The archive or an entry is cut short.
    Truncated,
    /// Compressed, or declared sizes that disagree (the zip-bomb signs).
    Size,
    /// bagit.txt, bag-info.txt or a manifest is malformed.
    Bag,
    PayloadOxum,
    MerkleRoot,
    /// The seal record is missing, malformed or disagrees with the manifest.
    SealRecord,
    /// A report's `source/@sha256` does not name its original.
    Link,
    /// The chain to the previous year's seal is broken.
    Chain,
    /// A tag file is not byte for byte what a seal writes for this payload (recomputed
    /// from the manifest's lines, the seal record and the BagIt declaration).
    TagFile,
    /// An entry that no check covered: nothing could say whether its bytes are right.
    Unchecked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileStatus {
    Ok,
    Altered,
    Missing,
    Unexpected,
    Unreadable,
    /// Payload with no manifest to check it against.
    Unverified,
}

impl FileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Ok => "ok",
            FileStatus::Altered => "altered",
            FileStatus::Missing => "missing",
            FileStatus::Unexpected => "unexpected",
            FileStatus::Unreadable => "unreadable",
            FileStatus::Unverified => "unverified",
        }
    }
}

/// One file of the bag (payload or tag file), as found.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: String,
    pub status: FileStatus,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "hex_or_none"
    )]
    pub sha256: Option<Hash>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "hex_or_none"
    )]
    pub expected: Option<Hash>,
}

/// The files of a verification, in path order. An intact archive's payload rows are not
/// held: they are read again from its manifest as they are written (each `ok`, with the
/// hash the manifest records, which is the file's), so 200,000 rows cost no memory.
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// Every row; with `payload`, the rows before the payload's.
    rows: Vec<FileReport>,
    payload: Option<ManifestSource>,
    /// The rows after the payload's.
    after: Vec<FileReport>,
}

impl Files {
    /// Rows held in memory, in path order.
    pub fn held(rows: Vec<FileReport>) -> Files {
        Files {
            rows,
            ..Files::default()
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len() + self.payload.as_ref().map_or(0, |m| m.lines as usize) + self.after.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each row in turn; an error when the archive can no longer be read, or its manifest
    /// is no longer the one verified.
    pub fn try_for_each(
        &self,
        mut each: impl FnMut(&FileReport) -> io::Result<()>,
    ) -> io::Result<()> {
        self.rows.iter().try_for_each(&mut each)?;
        if let Some(m) = &self.payload {
            for line in m.lines() {
                let line = line?;
                each(&FileReport {
                    path: line.path,
                    status: FileStatus::Ok,
                    sha256: Some(line.sha256),
                    expected: None,
                })?;
            }
        }
        self.after.iter().try_for_each(each)
    }
}

impl Serialize for Files {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.len()))?;
        let mut failed = None;
        let read = self.try_for_each(|row| {
            seq.serialize_element(row).map_err(|e| {
                failed = Some(e);
                io::Error::other("not serialised")
            })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        read.map_err(S::Error::custom)?;
        seq.end()
    }
}

/// An intact archive's manifest, where it lies, to be read again a line at a time (for
/// the rows of a report and for inclusion proofs) instead of held.
#[derive(Clone)]
pub struct ManifestSource {
    src: Arc<dyn ReadAt + Send>,
    offset: u64,
    stored: u64,
    /// Its lines, and its SHA-256 as verified.
    lines: u64,
    sha256: Hash,
}

impl std::fmt::Debug for ManifestSource {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_struct("ManifestSource")
            .field("offset", &self.offset)
            .field("stored", &self.stored)
            .field("lines", &self.lines)
            .finish()
    }
}

impl ManifestSource {
    /// The manifest of `entry`, read from `owned` when the archive is a file, or else a
    /// copy of its bytes from `src`.
    fn new(
        src: &dyn ReadAt,
        owned: Option<&Arc<dyn ReadAt + Send>>,
        entry: &Entry,
        lines: u64,
        sha256: Hash,
    ) -> io::Result<ManifestSource> {
        let (src, offset) = match owned {
            Some(o) => (Arc::clone(o), entry.data_offset),
            None => {
                let mut bytes = vec![0u8; entry.stored as usize];
                src.read_exact_at(&mut bytes, entry.data_offset)?;
                (Arc::new(bytes) as Arc<dyn ReadAt + Send>, 0)
            }
        };
        Ok(ManifestSource {
            src,
            offset,
            stored: entry.stored,
            lines,
            sha256,
        })
    }

    /// The number of lines (the Merkle tree's leaves).
    pub fn len(&self) -> u64 {
        self.lines
    }

    pub fn is_empty(&self) -> bool {
        self.lines == 0
    }

    /// The lines in order; the last item is an error if the manifest is no longer the one
    /// verified.
    pub fn lines(&self) -> ManifestLines<'_> {
        ManifestLines {
            input: io::BufReader::with_capacity(
                1 << 16,
                container::RangeReader::new(&*self.src, self.offset, self.stored),
            ),
            source: self,
            sha: Sha256::new(),
            read: 0,
            line: Vec::new(),
            done: false,
        }
    }
}

/// The lines of an intact manifest, read again (see [`ManifestSource::lines`]).
pub struct ManifestLines<'a> {
    input: io::BufReader<container::RangeReader<'a>>,
    source: &'a ManifestSource,
    sha: Sha256,
    read: u64,
    line: Vec<u8>,
    done: bool,
}

impl Iterator for ManifestLines<'_> {
    type Item = io::Result<bag::ManifestLine>;

    fn next(&mut self) -> Option<io::Result<bag::ManifestLine>> {
        use std::io::BufRead;
        if self.done {
            return None;
        }
        self.line.clear();
        let changed = || {
            Some(Err(io::Error::other(format!(
                "{} changed since it was verified",
                bag::MANIFEST_FILE
            ))))
        };
        match self.input.read_until(b'\n', &mut self.line) {
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
            Ok(0) => {
                self.done = true;
                let sha: Hash = std::mem::take(&mut self.sha).finalize().into();
                if self.read != self.source.lines || sha != self.source.sha256 {
                    return changed();
                }
                return None;
            }
            Ok(_) => {}
        }
        self.sha.update(&self.line);
        self.read += 1;
        let text = std::str::from_utf8(&self.line).ok();
        let parsed = text
            .and_then(|t| t.strip_suffix('\n'))
            .filter(|t| t.len() > 66 && &t[64..66] == "  ")
            .and_then(|t| {
                Some(bag::ManifestLine {
                    sha256: bag::lowercase_hex(&t.as_bytes()[..64])?,
                    path: bag::decode_path(&t[66..]),
                })
            });
        match parsed {
            Some(l) => Some(Ok(l)),
            None => {
                self.done = true;
                changed()
            }
        }
    }
}

/// A hash as 64 hex digits in JSON.
fn hex_or_none<S: Serializer>(h: &Option<Hash>, s: S) -> Result<S::Ok, S::Error> {
    match h {
        Some(h) => s.serialize_str(&hex(h)),
        None => s.serialize_none(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Intact,
    Damaged,
}

/// What a verify found.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub archive: String,
    pub status: Status,
    pub year: Option<u16>,
    pub root: Option<String>,
    /// SHA-256 of the archive's `seal.xml`: what the next year's seal chains to.
    pub seal_sha256: Option<String>,
    pub previous: Option<PreviousReport>,
    /// The archive given with `--prev`, verified in its own right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_archive: Option<Box<Verification>>,
    pub files: Files,
    pub problems: Vec<Problem>,
    /// Things worth saying that are not damage.
    pub notes: Vec<String>,
    /// The seal record's head, when it was read.
    #[serde(skip)]
    pub record: Option<RecordHead>,
    /// An intact archive's manifest, to be read again: its lines are the Merkle leaves.
    #[serde(skip)]
    pub manifest: Option<ManifestSource>,
    /// How much was checked.
    #[serde(skip)]
    pub depth: Depth,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviousReport {
    pub year: u16,
    pub sha256: String,
    /// Whether `--prev` was given, is intact, and is the archive this seal names.
    pub checked: bool,
}

impl Verification {
    pub fn status(&self) -> Status {
        self.status
    }

    /// Intact, and so is the archive given with `--prev` (when one was).
    pub fn chain_intact(&self) -> bool {
        self.status == Status::Intact
            && self
                .previous_archive
                .as_ref()
                .is_none_or(|p| p.status == Status::Intact)
    }

    /// Whether a problem already names this path.
    fn names(&self, path: &str) -> bool {
        self.problems
            .iter()
            .any(|p| p.path.as_deref() == Some(path))
    }

    fn problem(&mut self, kind: ProblemKind, path: Option<&str>, message: impl Into<String>) {
        self.problems.push(problem(kind, path, message));
    }

    fn mismatch(
        &mut self,
        kind: ProblemKind,
        path: Option<&str>,
        message: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) {
        self.problems
            .push(mismatch(kind, path, message, expected, actual));
    }
}

/// Verifies an archive file, and its chain to the previous archive when given.
pub fn verify_path(
    path: &Path,
    prev: Option<&Path>,
    progress: &Progress,
) -> Result<Verification, ArchiveError> {
    let mut v = verify_file(path, Depth::Full, progress)?;
    if let Some(p) = prev {
        let pv = verify_path(p, None, progress)?;
        check_chain(&mut v, pv);
    }
    Ok(v)
}

/// Verifies an archive file to the given depth.
pub fn verify_file(
    path: &Path,
    depth: Depth,
    progress: &Progress,
) -> Result<Verification, ArchiveError> {
    let shown = path.display().to_string();
    let src = Arc::new(FileSource::open(path).map_err(|e| ArchiveError::Read {
        path: shown.clone(),
        source: e,
    })?);
    let owned: Arc<dyn ReadAt + Send> = src.clone();
    verify_inner(&*src, Some(&owned), &shown, depth, progress)
}

/// The chain: this seal names the previous archive's seal record by its SHA-256 and year.
/// A link that does not fit is this archive's problem; damage inside the previous archive
/// is that archive's, kept in [`Verification::previous_archive`] and blamed on it.
fn check_chain(v: &mut Verification, prev: Verification) {
    v.notes.retain(|n| !n.starts_with("chained to"));
    let before = v.problems.len();
    let actual = prev.seal_sha256.clone().unwrap_or_else(|| "(none)".into());
    match v.record.as_ref().and_then(|r| r.previous.clone()) {
        None => v.problem(
            ProblemKind::Chain,
            None,
            format!(
                "this seal names no previous seal, but {} was given",
                prev.archive
            ),
        ),
        Some(Previous { year, sha256 }) => {
            if sha256 != actual {
                v.mismatch(
                    ProblemKind::Chain,
                    None,
                    format!(
                        "the previous seal's SHA-256 differs from {}'s",
                        prev.archive
                    ),
                    sha256.clone(),
                    actual,
                );
            }
            if Some(year) != prev.year {
                v.mismatch(
                    ProblemKind::Chain,
                    None,
                    "the previous seal's year differs",
                    year.to_string(),
                    prev.year.map_or("(none)".into(), |y| y.to_string()),
                );
            }
        }
    }
    let linked = v.problems.len() == before;
    if let Some(p) = v.previous.as_mut() {
        p.checked = linked && prev.status == Status::Intact;
    }
    v.status = if v.problems.is_empty() {
        Status::Intact
    } else {
        Status::Damaged
    };
    v.previous_archive = Some(Box::new(prev));
}

/// What hashing an entry gave.
pub(super) struct Content {
    pub sha256: Hash,
    pub crc: u32,
    /// A small tag file's bytes.
    pub kept: Option<Vec<u8>>,
    /// A report's `source/@sha256` (read from its first [`REPORT_HEAD`] bytes).
    pub source_sha256: Option<Box<str>>,
}

/// An entry's bytes, as read.
pub(super) enum Sum {
    /// Not read: a payload entry when only the tag files are checked.
    Skipped,
    /// Compressed or cut short: not hashed.
    Unreadable,
    Done(Content),
}

impl Sum {
    fn done(&self) -> Option<&Content> {
        match self {
            Sum::Done(c) => Some(c),
            _ => None,
        }
    }
}

/// How much of a report is read for its `source/@sha256`: the `<meta>` block comes first.
pub const REPORT_HEAD: usize = 64 * 1024;

#[derive(Clone, Copy)]
pub(super) enum Keep {
    Nothing,
    /// All of it, when it is no larger than this.
    All(u64),
    Head,
}

fn keep(rel: Option<&str>) -> Keep {
    match rel {
        Some(r) if bag::TAG_FILES.contains(&r) && !is_streamed(r) => Keep::All(SMALL_TAG_BYTES),
        Some(r) if r.starts_with("data/xml/") => Keep::Head,
        _ => Keep::Nothing,
    }
}

/// A tag file as found: its bytes (a small one, when within [`SMALL_TAG_BYTES`]), the
/// entry to stream (the manifest and the seal record), or why it could not be read.
enum TagRead<'a> {
    Absent,
    Unread(String),
    Read(&'a [u8]),
    Stream(usize),
}

fn read_tag<'a>(
    tag: &str,
    by_rel: &RelIndex,
    entries: &[Entry],
    contents: &'a [Sum],
) -> TagRead<'a> {
    let Some(i) = by_rel.first(tag) else {
        return TagRead::Absent;
    };
    match &contents[i] {
        Sum::Unreadable => TagRead::Unread("cannot be hashed (compressed or cut short)".into()),
        Sum::Skipped => TagRead::Unread("not read".into()),
        Sum::Done(_) if is_streamed(tag) => TagRead::Stream(i),
        Sum::Done(Content { kept: Some(b), .. }) => TagRead::Read(b),
        Sum::Done(_) => TagRead::Unread(format!(
            "{} bytes, more than the {} KiB this tag file is read up to: not read, so \
             nothing it records could be checked",
            entries[i].stored,
            SMALL_TAG_BYTES >> 10,
        )),
    }
}

/// How much of an entry is read at a time: whole SHA-256 blocks, and small enough that a
/// worker's [`LANES`] chunks stay in its core's cache from their reading to their hashing.
const CHUNK: usize = 128 << 10;

/// An entry to hash, with what to keep of it, or its sum without reading it.
pub(super) type Job<'e> = Result<(&'e Entry, Keep), Sum>;

/// Hashes entries `0..count` ([`Job`]s given by `job`) on every core, each core hashing
/// [`LANES`] entries side by side ([`lanes`]); their sums in entry order, whichever
/// finished first. Held at once: [`LANES`] chunks of [`CHUNK`] bytes and the heads being
/// kept per core, and a sum per entry.
pub(super) fn hash_entries<'e>(
    src: &dyn ReadAt,
    count: usize,
    job: impl Fn(usize) -> Job<'e> + Sync,
    progress: &Progress,
) -> Vec<Sum> {
    let next = AtomicUsize::new(0);
    let workers = rayon::current_num_threads().min(count.div_ceil(LANES));
    // On the pool's threads, which stay: a thread of its own for each call would find its
    // memory anew (mimalloc's fresh huge pages, zeroed, cost 5–10% of a verify).
    let parts: Vec<Vec<(usize, Sum)>> = (0..workers)
        .into_par_iter()
        .map(|_| hash_some(src, &job, count, &next, progress))
        .collect();
    let mut sums: Vec<Sum> = std::iter::repeat_with(|| Sum::Skipped)
        .take(count)
        .collect();
    for (i, sum) in parts.into_iter().flatten() {
        sums[i] = sum;
    }
    sums
}

/// One core's part of [`hash_entries`]: it takes the next entry (counted by `next`) into
/// each lane that is free, reads a chunk of each entry in its lanes, hashes the chunks
/// together, and ends the entries read to their end. Each entry's sum, with its index.
fn hash_some<'e>(
    src: &dyn ReadAt,
    job: &(impl Fn(usize) -> Job<'e> + Sync),
    count: usize,
    next: &AtomicUsize,
    progress: &Progress,
) -> Vec<(usize, Sum)> {
    let mut done = Vec::new();
    let mut lanes: [(Option<Reading>, Vec<u8>); LANES] =
        std::array::from_fn(|_| (None, vec![0u8; CHUNK]));
    loop {
        for (reading, chunk) in &mut lanes {
            while reading.is_none() {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    break;
                }
                match job(i) {
                    Err(sum) => done.push((i, sum)),
                    Ok((e, _)) if e.method != 0 || e.truncated => done.push((i, Sum::Unreadable)),
                    Ok((e, keep)) => *reading = Some(Reading::new(i, e, keep)),
                }
            }
            if let Some(r) = reading {
                if r.read(src, chunk, progress).is_err() {
                    done.push((r.index, Sum::Unreadable));
                    *reading = None;
                }
            }
        }
        if lanes.iter().all(|(r, _)| r.is_none()) {
            return done;
        }
        lanes::update_bytes(
            lanes
                .iter_mut()
                .filter_map(|(r, chunk)| r.as_mut().map(|r| (&mut r.sha, &chunk[..r.in_chunk]))),
        );
        for (reading, chunk) in &mut lanes {
            if let Some(r) = reading.take_if(|r| r.at == r.end) {
                let last = &chunk[..r.in_chunk];
                done.push((r.index, r.finish(last)));
            }
        }
    }
}

/// An entry being read and hashed, a chunk at a time.
struct Reading {
    index: usize,
    keep: Keep,
    /// Where the next chunk starts, and where the entry's bytes end.
    at: u64,
    end: u64,
    /// The bytes of the last chunk read.
    in_chunk: usize,
    sha: lanes::Sha256,
    crc: crc32fast::Hasher,
    /// What is kept of its bytes, up to `limit`.
    kept: Option<Vec<u8>>,
    limit: usize,
}

impl Reading {
    fn new(index: usize, e: &Entry, keep: Keep) -> Reading {
        let (kept, limit) = match keep {
            Keep::Nothing => (None, 0),
            Keep::All(most) => ((e.stored <= most).then(Vec::new), usize::MAX),
            Keep::Head => (Some(Vec::new()), REPORT_HEAD),
        };
        Reading {
            index,
            keep,
            at: e.data_offset,
            end: e.data_offset + e.stored,
            in_chunk: 0,
            sha: lanes::Sha256::default(),
            crc: crc32fast::Hasher::new(),
            kept,
            limit,
        }
    }

    /// Reads the next chunk (all of `chunk` or the rest of the entry), its CRC-32 summed
    /// while it is in the cache; the SHA-256 is the caller's, over all lanes at once.
    fn read(&mut self, src: &dyn ReadAt, chunk: &mut [u8], progress: &Progress) -> io::Result<()> {
        let n = (self.end - self.at).min(chunk.len() as u64) as usize;
        src.read_exact_at(&mut chunk[..n], self.at)?;
        self.crc.update(&chunk[..n]);
        if let Some(k) = self.kept.as_mut() {
            let room = self.limit.saturating_sub(k.len()).min(n);
            k.extend_from_slice(&chunk[..room]);
        }
        self.at += n as u64;
        self.in_chunk = n;
        progress.add(n as u64);
        Ok(())
    }

    /// The sums, once the last chunk (`last`) has been read and its whole blocks hashed.
    fn finish(self, last: &[u8]) -> Sum {
        let (kept, source_sha256) = match self.keep {
            Keep::Head => (
                None,
                self.kept
                    .and_then(|k| record::report_source_sha256(&k))
                    .map(String::into_boxed_str),
            ),
            _ => (self.kept, None),
        };
        Sum::Done(Content {
            sha256: self.sha.finish(&last[last.len() / 64 * 64..]),
            crc: self.crc.finalize(),
            kept,
            source_sha256,
        })
    }
}

/// The entries by their path inside the bag, sorted: a path's entries (more than one when
/// a name is there twice), in archive order.
struct RelIndex<'a> {
    sorted: Vec<(&'a str, usize)>,
}

impl<'a> RelIndex<'a> {
    fn new(rel_of: &[Option<&'a str>]) -> RelIndex<'a> {
        let mut sorted: Vec<(&str, usize)> = rel_of
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.map(|r| (r, i)))
            .collect();
        // A seal's entries come sorted already.
        if !sorted.windows(2).all(|w| w[0] <= w[1]) {
            sorted.sort_unstable();
        }
        RelIndex { sorted }
    }

    fn all(&self, rel: &str) -> &[(&'a str, usize)] {
        let from = self.sorted.partition_point(|(r, _)| *r < rel);
        let to = from + self.sorted[from..].partition_point(|(r, _)| *r == rel);
        &self.sorted[from..to]
    }

    /// [`RelIndex::all`], looked for first where the last lookup ended (`hint`): paths
    /// looked up in sorted order, as a seal's manifest and record give them, cost a
    /// comparison or two each instead of a binary search.
    fn all_from(&self, rel: &str, hint: &mut usize) -> &[(&'a str, usize)] {
        let h = *hint;
        let at_hint = self.sorted.get(h).is_some_and(|(r, _)| *r == rel)
            && (h == 0 || self.sorted[h - 1].0 != rel);
        let from = if at_hint {
            h
        } else {
            self.sorted.partition_point(|(r, _)| *r < rel)
        };
        let mut to = from;
        while self.sorted.get(to).is_some_and(|(r, _)| *r == rel) {
            to += 1;
        }
        *hint = to;
        &self.sorted[from..to]
    }

    fn first(&self, rel: &str) -> Option<usize> {
        self.all(rel).first().map(|&(_, i)| i)
    }

    /// Each path with its entries.
    fn groups(&self) -> impl Iterator<Item = &[(&'a str, usize)]> {
        self.sorted.chunk_by(|a, b| a.0 == b.0)
    }
}

/// The manifest's lines by path: found by binary search when they are in a seal's order
/// (sorted, each path once), else through a map (the last line of a path, as a map keeps).
struct Listed<'a> {
    lines: &'a [bag::ManifestLine],
    map: Option<HashMap<&'a str, u32>>,
}

impl<'a> Listed<'a> {
    fn new(lines: &'a [bag::ManifestLine]) -> Listed<'a> {
        let in_order = lines
            .windows(2)
            .all(|w| w[0].path.as_bytes() < w[1].path.as_bytes());
        let map = (!in_order).then(|| {
            lines
                .iter()
                .enumerate()
                .map(|(i, l)| (l.path.as_str(), i as u32))
                .collect()
        });
        Listed { lines, map }
    }

    fn in_order(&self) -> bool {
        self.map.is_none()
    }

    /// [`Listed::get`], looked for first where the last lookup ended (`hint`).
    fn get_from(&self, path: &str, hint: &mut usize) -> Option<u32> {
        if self.map.is_none() && self.lines.get(*hint).is_some_and(|l| l.path == path) {
            *hint += 1;
            return Some(*hint as u32 - 1);
        }
        let found = self.get(path);
        if let Some(i) = found {
            *hint = i as usize + 1;
        }
        found
    }

    /// The line of `path`.
    fn get(&self, path: &str) -> Option<u32> {
        match &self.map {
            Some(m) => m.get(path).copied(),
            None => self
                .lines
                .binary_search_by(|l| l.path.as_bytes().cmp(path.as_bytes()))
                .ok()
                .map(|i| i as u32),
        }
    }
}

/// A file's status as found, until the report is made.
struct Stat {
    status: FileStatus,
    sha256: Option<Hash>,
    expected: Option<Hash>,
}

/// Verifies an archive held by any positional reader (a file, or bytes in memory).
pub fn verify_source(src: &dyn ReadAt, shown: &str) -> Result<Verification, ArchiveError> {
    verify_with(src, shown, Depth::Full, &Progress::hidden())
}

/// Verifies an archive to the given depth, showing the bytes hashed on `progress`.
pub fn verify_with(
    src: &dyn ReadAt,
    shown: &str,
    depth: Depth,
    progress: &Progress,
) -> Result<Verification, ArchiveError> {
    verify_inner(src, None, shown, depth, progress)
}

/// Names every problem of an archive (held in memory), without first trying the one-pass
/// check: what `verify` falls back to, on its own for comparing the two.
pub fn diagnose_source(src: &dyn ReadAt, shown: &str) -> Result<Verification, ArchiveError> {
    diagnose(src, None, shown, Depth::Full, &Progress::hidden())
}

/// The one-pass check ([`streamed`]) first, in memory that does not grow with the archive;
/// at the first departure it finds, the verifier that names every problem. `owned` is the
/// archive again, when it can be kept open, for the intact manifest to be read again from.
fn verify_inner(
    src: &dyn ReadAt,
    owned: Option<&Arc<dyn ReadAt + Send>>,
    shown: &str,
    depth: Depth,
    progress: &Progress,
) -> Result<Verification, ArchiveError> {
    match streamed::check(src, depth, progress) {
        Some(intact) => {
            from_intact(src, owned, shown, depth, intact).map_err(|e| ArchiveError::Read {
                path: shown.to_string(),
                source: e,
            })
        }
        None => diagnose(src, owned, shown, depth, progress),
    }
}

/// The report of an archive the one-pass check found intact: each file `ok`.
fn from_intact(
    src: &dyn ReadAt,
    owned: Option<&Arc<dyn ReadAt + Send>>,
    shown: &str,
    depth: Depth,
    intact: Intact,
) -> io::Result<Verification> {
    let sha256 = |t: &str| intact.tag_sha256(t);
    let row = |t: &&str| FileReport {
        path: t.to_string(),
        status: FileStatus::Ok,
        sha256: sha256(t),
        expected: None,
    };
    let manifest = ManifestSource::new(
        src,
        owned,
        &intact.manifest,
        intact.files,
        sha256(bag::MANIFEST_FILE).unwrap_or_default(),
    )?;
    let files = match depth {
        Depth::Full => Files {
            rows: [bag::INFO_FILE, bag::DECLARATION_FILE]
                .iter()
                .map(row)
                .collect(),
            payload: Some(manifest.clone()),
            after: [bag::MANIFEST_FILE, bag::SEAL_FILE, bag::TAG_MANIFEST_FILE]
                .iter()
                .map(row)
                .collect(),
        },
        Depth::Tags => Files::held(bag::TAG_FILES.iter().map(row).collect()),
    };
    let seal_sha256 = sha256(bag::SEAL_FILE).map(|h| hex(&h));
    let r = intact.head;
    let mut notes = Vec::new();
    let previous = r.previous.as_ref().map(|p| {
        notes.push(chained_note(p));
        PreviousReport {
            year: p.year,
            sha256: p.sha256.clone(),
            checked: false,
        }
    });
    Ok(Verification {
        archive: shown.to_string(),
        status: Status::Intact,
        year: Some(r.year),
        root: Some(r.root.clone()),
        seal_sha256,
        previous,
        previous_archive: None,
        files,
        problems: Vec::new(),
        notes,
        record: Some(r),
        manifest: Some(manifest),
        depth,
    })
}

/// The note on a seal that continues another.
fn chained_note(p: &Previous) -> String {
    format!(
        "chained to the {} seal {}; pass --prev with that archive to check the chain",
        p.year, p.sha256
    )
}

/// Reads the archive holding a record per entry, and names every problem.
fn diagnose(
    src: &dyn ReadAt,
    owned: Option<&Arc<dyn ReadAt + Send>>,
    shown: &str,
    depth: Depth,
    progress: &Progress,
) -> Result<Verification, ArchiveError> {
    let read_err = |e: io::Error| ArchiveError::Read {
        path: shown.to_string(),
        source: e,
    };
    let scan = match depth {
        Depth::Full => container::scan(src),
        Depth::Tags => container::scan_directory(src, is_tag_name),
    }
    .map_err(read_err)?
    .ok_or_else(|| ArchiveError::NotAnArchive(shown.to_string()))?;
    let mut v = Verification {
        archive: shown.to_string(),
        status: Status::Damaged,
        year: None,
        root: None,
        seal_sha256: None,
        previous: None,
        previous_archive: None,
        files: Files::default(),
        problems: Vec::new(),
        notes: Vec::new(),
        record: None,
        manifest: None,
        depth,
    };
    for f in &scan.findings {
        let kind = match f.kind {
            FindingKind::Container => ProblemKind::Container,
            FindingKind::Truncated => ProblemKind::Truncated,
            FindingKind::Size => ProblemKind::Size,
        };
        v.problem(kind, f.entry.as_deref(), f.message.clone());
    }
    let entries = &scan.entries;

    // Names: UTF-8, safe, once each, under one bag folder.
    // The names there more than once, with their count.
    let mut names: Vec<&[u8]> = entries.iter().map(|e| &e.name[..]).collect();
    if !names.windows(2).all(|w| w[0] < w[1]) {
        names.sort_unstable();
    }
    let twice: HashMap<&[u8], usize> = names
        .chunk_by(|a, b| a == b)
        .filter(|same| same.len() > 1)
        .map(|same| (same[0], same.len()))
        .collect();
    drop(names);
    let mut dup_named = HashSet::new();
    for e in entries {
        let shown_name = e.display_name();
        match std::str::from_utf8(&e.name) {
            Err(_) => v.problem(
                ProblemKind::UnsafeName,
                Some(&shown_name),
                "the name is not UTF-8",
            ),
            Ok(n) => {
                if let Some(why) = bag::unsafe_path(n) {
                    v.problem(ProblemKind::UnsafeName, Some(n), why);
                }
            }
        }
        if let Some(n) = twice.get(&e.name[..]) {
            if dup_named.insert(&e.name[..]) {
                v.problem(
                    ProblemKind::Duplicate,
                    Some(&shown_name),
                    format!("{n} entries have this name"),
                );
            }
        }
    }
    drop(twice);
    let root = bag_root_of(entries);
    // Each entry's path inside the bag; names outside the bag are unexpected.
    let mut rel_of: Vec<Option<&str>> = Vec::with_capacity(entries.len());
    for e in entries {
        let name = std::str::from_utf8(&e.name).ok();
        let rel = name
            .and_then(|n| n.strip_prefix(root.as_deref()?)?.strip_prefix('/'))
            .filter(|r| bag::unsafe_path(r).is_none());
        if rel.is_none() && name.is_some_and(|n| bag::unsafe_path(n).is_none()) {
            v.problem(
                ProblemKind::Unexpected,
                Some(&e.display_name()),
                format!(
                    "outside the bag folder {}",
                    root.as_deref().unwrap_or("(none found)")
                ),
            );
        }
        rel_of.push(rel);
    }
    let by_rel = RelIndex::new(&rel_of);

    // Hash every entry on all cores (only the tag files when the payload is not read);
    // keep the small tag files and each report's head for their checks (only the first
    // entry of a name: duplicates cannot multiply what is held).
    let read_here = |rel: Option<&str>| {
        depth == Depth::Full || rel.is_some_and(|r| bag::TAG_FILES.contains(&r))
    };
    let total: u64 = entries
        .iter()
        .zip(&rel_of)
        .filter(|(_, r)| read_here(**r))
        .fold(0u64, |sum, (e, _)| sum.saturating_add(e.stored));
    // The one-pass check found a departure: this second reading is to name it.
    progress.stage("naming damage", total);
    // The first entry of each path (the one whose bytes are kept).
    let mut first_of_path = vec![false; entries.len()];
    for group in by_rel.groups() {
        first_of_path[group[0].1] = true;
    }
    let contents = hash_entries(
        src,
        entries.len(),
        |i| {
            if !read_here(rel_of[i]) {
                return Err(Sum::Skipped);
            }
            let k = if first_of_path[i] {
                keep(rel_of[i])
            } else {
                Keep::Nothing
            };
            Ok((&entries[i], k))
        },
        progress,
    );
    let first =
        |rel: &str| -> Option<&Content> { by_rel.first(rel).and_then(|i| contents[i].done()) };
    // Each entry is checked (its bytes hashed and found to be what a seal writes) or named
    // in a problem; the verdict is intact only when every one is checked.
    let mut checked = vec![false; entries.len()];

    // Every tag file read, or why not.
    let tags: Vec<(&str, TagRead)> = bag::TAG_FILES
        .iter()
        .map(|&t| (t, read_tag(t, &by_rel, entries, &contents)))
        .collect();
    let tag = |t: &str| -> &TagRead {
        &tags
            .iter()
            .find(|(n, _)| *n == t)
            .expect("one of the tag files")
            .1
    };
    for (t, read) in &tags {
        match read {
            TagRead::Absent => v.problem(
                ProblemKind::Missing,
                Some(t),
                if *t == bag::SEAL_FILE {
                    "the seal record is missing"
                } else {
                    "tag file missing"
                },
            ),
            TagRead::Unread(why) => v.problem(ProblemKind::Unreadable, Some(t), why.clone()),
            TagRead::Read(_) | TagRead::Stream(_) => {}
        }
    }
    // How each tag file that was read departs from what a seal writes, once that is known
    // (None: it is those bytes exactly).
    let mut departures: Vec<(&str, Option<String>)> = Vec::new();
    if let TagRead::Read(bytes) = tag(bag::DECLARATION_FILE) {
        departures.push((
            bag::DECLARATION_FILE,
            expected::difference(bag::DECLARATION.as_bytes(), bytes),
        ));
    }

    // The manifest, read as a stream: at most a line per entry is held.
    let manifest = match tag(bag::MANIFEST_FILE) {
        TagRead::Stream(i) => Some(
            bag::read_manifest(
                &mut container::data_reader(src, &entries[*i]),
                entries.len(),
            )
            .map_err(read_err)?,
        ),
        _ => None,
    };
    let manifest_lines: &[bag::ManifestLine] = manifest.as_ref().map_or(&[], |m| &m.lines);
    let listed = Listed::new(manifest_lines);

    // Tag manifest over the other tag files.
    let mut altered: HashSet<usize> = HashSet::new();
    let mut statuses: BTreeMap<&str, Stat> = BTreeMap::new();
    if let TagRead::Read(bytes) = tag(bag::TAG_MANIFEST_FILE) {
        let (lines, bad) = bag::parse_manifest(&String::from_utf8_lossy(bytes));
        for b in bad {
            v.problem(ProblemKind::Bag, Some(bag::TAG_MANIFEST_FILE), b);
        }
        let listed: HashMap<&str, &Hash> =
            lines.iter().map(|l| (l.path.as_str(), &l.sha256)).collect();
        for l in &lines {
            match bag::TAG_FILES
                .iter()
                .find(|&&t| t == l.path && t != bag::TAG_MANIFEST_FILE)
            {
                Some(t) => compare(
                    &mut v,
                    &mut statuses,
                    &mut altered,
                    None,
                    &by_rel,
                    &contents,
                    t,
                    l,
                    &mut 0,
                ),
                None => v.problem(
                    ProblemKind::Bag,
                    Some(bag::TAG_MANIFEST_FILE),
                    format!(
                        "lists {}, which is not a tag file a seal lists there",
                        l.path
                    ),
                ),
            }
        }
        // A seal lists the other four tag files, each by the hash it recorded.
        let mut want = Vec::new();
        for t in bag::TAG_FILES {
            if t == bag::TAG_MANIFEST_FILE {
                continue;
            }
            match (listed.get(t), first(t)) {
                (Some(sha), _) => want.push((t.to_string(), hex(*sha))),
                (None, Some(c)) => {
                    v.problem(
                        ProblemKind::Bag,
                        Some(bag::TAG_MANIFEST_FILE),
                        format!("does not list {t}"),
                    );
                    want.push((t.to_string(), hex(&c.sha256)));
                }
                (None, None) => {}
            }
        }
        departures.push((
            bag::TAG_MANIFEST_FILE,
            expected::difference(bag::manifest(&want).as_bytes(), bytes),
        ));
    }

    // Manifest over the payload.
    if let (Some(m), TagRead::Stream(i)) = (&manifest, tag(bag::MANIFEST_FILE)) {
        for b in &m.bad {
            v.problem(ProblemKind::Bag, Some(bag::MANIFEST_FILE), b.clone());
        }
        // Each path once: always so in a seal's order.
        let mut once = HashSet::new();
        let mut hint = 0;
        for l in &m.lines {
            if !l.path.starts_with("data/") {
                v.problem(
                    ProblemKind::Bag,
                    Some(bag::MANIFEST_FILE),
                    format!("lists {} outside data/", l.path),
                );
            }
            if !listed.in_order() && !once.insert(l.path.as_str()) {
                v.problem(
                    ProblemKind::Bag,
                    Some(bag::MANIFEST_FILE),
                    format!("lists {} twice", l.path),
                );
            }
            compare(
                &mut v,
                &mut statuses,
                &mut altered,
                Some(&mut checked),
                &by_rel,
                &contents,
                &l.path,
                l,
                &mut hint,
            );
        }
        // What a seal writes for these lines, made again and compared as it is made.
        let e = &entries[*i];
        let mut diff = StreamDiff::new(container::data_reader(src, e), e.stored);
        expected::write_manifest(&m.lines, &mut diff).map_err(read_err)?;
        departures.push((bag::MANIFEST_FILE, diff.finish().map_err(read_err)?));
    }
    // Everything present that no manifest lists.
    let mut hint = 0;
    let mut known =
        |rel: &str| bag::TAG_FILES.contains(&rel) || listed.get_from(rel, &mut hint).is_some();
    for group in by_rel.groups() {
        let (rel, i) = group[0];
        let sha256 = contents[i].done().map(|c| c.sha256);
        if rel.starts_with("data/") && manifest.is_none() {
            if depth == Depth::Full {
                statuses.entry(rel).or_insert(Stat {
                    status: FileStatus::Unverified,
                    sha256,
                    expected: None,
                });
            }
            continue;
        }
        if !known(rel) {
            v.problem(
                ProblemKind::Unexpected,
                Some(rel),
                if rel.starts_with("data/") {
                    "in the payload but not in the manifest"
                } else {
                    "not a tag file of a sealed bag"
                },
            );
            statuses.insert(
                rel,
                Stat {
                    status: FileStatus::Unexpected,
                    sha256,
                    expected: None,
                },
            );
        }
    }

    // Zip CRCs: damage in a header's CRC field, or in data no manifest covers.
    for (i, e) in entries.iter().enumerate() {
        if let Some(c) = contents[i].done() {
            if c.crc != e.crc && !altered.contains(&i) {
                v.mismatch(
                    ProblemKind::Container,
                    Some(&e.display_name()),
                    "the CRC-32 in its header does not match its data",
                    format!("{:08x}", e.crc),
                    format!("{:08x}", c.crc),
                );
            }
        }
    }

    // Payload-Oxum and the year in bag-info.txt.
    let payload: Vec<usize> = by_rel
        .sorted
        .iter()
        .filter(|(r, _)| r.starts_with("data/"))
        .map(|&(_, i)| i)
        .collect();
    let octets: u128 = payload.iter().map(|&i| entries[i].size as u128).sum();
    let actual_oxum = format!("{octets}.{}", payload.len());
    drop(payload);
    let mut info_year = None;
    if let TagRead::Read(bytes) = tag(bag::INFO_FILE) {
        let info = bag::parse_info(&String::from_utf8_lossy(bytes));
        match info.iter().find(|(k, _)| k == "Payload-Oxum") {
            None => v.problem(
                ProblemKind::PayloadOxum,
                Some(bag::INFO_FILE),
                "no Payload-Oxum",
            ),
            Some((_, oxum)) if *oxum != actual_oxum => v.mismatch(
                ProblemKind::PayloadOxum,
                Some(bag::INFO_FILE),
                "the payload's octets.files differ from Payload-Oxum",
                oxum.clone(),
                actual_oxum.clone(),
            ),
            Some(_) => {}
        }
        info_year = info
            .iter()
            .find(|(k, _)| k == bag::YEAR_LABEL)
            .map(|(_, y)| y.clone());
    }

    // The seal record, and from it what bag-info.txt and seal.xml must be.
    if let Some(c) = first(bag::SEAL_FILE) {
        v.seal_sha256 = Some(hex(&c.sha256));
    }
    if let TagRead::Stream(i) = tag(bag::SEAL_FILE) {
        let cx = RecordContext {
            src,
            seal: &entries[*i],
            manifest: manifest.as_ref(),
            listed: &listed,
            by_rel: &by_rel,
            entries,
            contents: &contents,
            root: root.as_deref(),
            info_year: info_year.as_deref(),
            depth,
        };
        if let Some((r, seal_departure)) = check_record(&mut v, &cx).map_err(read_err)? {
            if let TagRead::Read(info) = tag(bag::INFO_FILE) {
                departures.push((
                    bag::INFO_FILE,
                    expected::difference(expected::info(&r).as_bytes(), info),
                ));
            }
            departures.push((bag::SEAL_FILE, seal_departure));
            v.year = Some(r.year);
            v.root = Some(r.root.clone());
            if let Some(p) = &r.previous {
                v.previous = Some(PreviousReport {
                    year: p.year,
                    sha256: p.sha256.clone(),
                    checked: false,
                });
                v.notes.push(chained_note(p));
            }
            v.record = Some(r);
        }
    }

    // Every tag file byte for byte what a seal writes for this payload.
    for (t, read) in &tags {
        if !matches!(read, TagRead::Read(_) | TagRead::Stream(_)) {
            continue; // missing or unread: already said
        }
        let Some(i) = by_rel.first(t) else {
            continue;
        };
        match departures.iter().find(|(n, _)| n == t) {
            Some((_, None)) => checked[i] = true,
            Some((_, Some(why))) => {
                if !v.names(t) {
                    v.problem(
                        ProblemKind::TagFile,
                        Some(t),
                        format!("not what a seal writes for this payload: {why}"),
                    );
                }
            }
            None => {
                if !v.names(t) {
                    v.problem(
                        ProblemKind::TagFile,
                        Some(t),
                        "cannot be checked: what a seal writes here follows from the seal \
                         record, which could not be read",
                    );
                }
            }
        }
        let status = if checked[i] {
            FileStatus::Ok
        } else {
            FileStatus::Altered
        };
        let report = statuses.entry(t).or_insert(Stat {
            status,
            sha256: first(t).map(|c| c.sha256),
            expected: None,
        });
        if report.status == FileStatus::Ok {
            report.status = status;
        }
    }
    for (t, read) in &tags {
        if let TagRead::Unread(_) = read {
            statuses.insert(
                t,
                Stat {
                    status: FileStatus::Unreadable,
                    sha256: first(t).map(|c| c.sha256),
                    expected: None,
                },
            );
        }
    }

    // The rule of the verdict: an entry no check covered and no problem names is a
    // problem of its own (a payload entry left unread on purpose is not checked here).
    let named: HashSet<String> = v.problems.iter().filter_map(|p| p.path.clone()).collect();
    for (i, e) in entries.iter().enumerate() {
        if checked[i] || matches!(contents[i], Sum::Skipped) {
            continue;
        }
        let shown_name = e.display_name();
        let rel = rel_of[i];
        if named.contains(&shown_name) || rel.is_some_and(|r| named.contains(r)) {
            continue;
        }
        let why = if rel.is_some_and(|r| r.starts_with("data/")) && manifest.is_none() {
            format!(
                "not checked: {} could not be read, so nothing says what its bytes should be",
                bag::MANIFEST_FILE
            )
        } else {
            "not checked: no check covered it".to_string()
        };
        v.problem(
            ProblemKind::Unchecked,
            Some(rel.unwrap_or(&shown_name)),
            why,
        );
    }
    v.files = Files::held(
        statuses
            .into_iter()
            .map(|(path, s)| FileReport {
                path: path.to_string(),
                status: s.status,
                sha256: s.sha256,
                expected: s.expected,
            })
            .collect(),
    );
    v.status = if v.problems.is_empty() {
        Status::Intact
    } else {
        Status::Damaged
    };
    // An intact archive's manifest, for its proofs.
    if let (Status::Intact, Some(m), TagRead::Stream(i)) =
        (v.status, &manifest, tag(bag::MANIFEST_FILE))
    {
        let sha256 = first(bag::MANIFEST_FILE).map(|c| c.sha256);
        v.manifest = Some(
            ManifestSource::new(
                src,
                owned,
                &entries[*i],
                m.lines.len() as u64,
                sha256.unwrap_or_default(),
            )
            .map_err(read_err)?,
        );
    }
    Ok(v)
}

/// The folder the bag lies in: the one holding `bagit.txt`, else the first name's first
/// component.
fn bag_root_of(entries: &[Entry]) -> Option<String> {
    let names = || {
        entries
            .iter()
            .filter_map(|e| std::str::from_utf8(&e.name).ok())
    };
    names()
        .find_map(|n| {
            let (r, rest) = n.split_once('/')?;
            (rest == bag::DECLARATION_FILE).then(|| r.to_string())
        })
        .or_else(|| names().find_map(|n| n.split_once('/').map(|(r, _)| r.to_string())))
}

/// One manifest line against what is in the archive, its status kept under `key` (the
/// line's path); each entry whose bytes match it is marked in `checked` when given.
#[allow(clippy::too_many_arguments)]
fn compare<'a>(
    v: &mut Verification,
    statuses: &mut BTreeMap<&'a str, Stat>,
    altered: &mut HashSet<usize>,
    mut checked: Option<&mut Vec<bool>>,
    by_rel: &RelIndex,
    contents: &[Sum],
    key: &'a str,
    l: &bag::ManifestLine,
    hint: &mut usize,
) {
    let path = key;
    let found = by_rel.all_from(path, hint);
    let (status, actual) = if found.is_empty() {
        v.problem(
            ProblemKind::Missing,
            Some(path),
            "listed in the manifest, not in the archive",
        );
        (FileStatus::Missing, None)
    } else {
        let mut status = FileStatus::Ok;
        let mut actual = None;
        for &(_, i) in found {
            match &contents[i] {
                Sum::Skipped => return, // the payload is not read at this depth
                Sum::Unreadable => {
                    v.problem(
                        ProblemKind::Unreadable,
                        Some(path),
                        "cannot be hashed (compressed or cut short)",
                    );
                    status = FileStatus::Unreadable;
                }
                Sum::Done(c) => {
                    if c.sha256 != l.sha256 {
                        v.mismatch(
                            ProblemKind::Altered,
                            Some(path),
                            "its bytes differ from the hash its manifest records",
                            hex(&l.sha256),
                            hex(&c.sha256),
                        );
                        altered.insert(i);
                        status = FileStatus::Altered;
                    } else if let Some(checked) = checked.as_deref_mut() {
                        checked[i] = true;
                    }
                    actual = Some(c.sha256);
                }
            }
        }
        (status, actual)
    };
    statuses.insert(
        key,
        Stat {
            status,
            sha256: actual,
            expected: (status != FileStatus::Ok).then_some(l.sha256),
        },
    );
}

/// What the seal record is checked against.
struct RecordContext<'a> {
    src: &'a dyn ReadAt,
    seal: &'a Entry,
    manifest: Option<&'a bag::ManifestRead>,
    listed: &'a Listed<'a>,
    by_rel: &'a RelIndex<'a>,
    entries: &'a [Entry],
    contents: &'a [Sum],
    root: Option<&'a str>,
    info_year: Option<&'a str>,
    depth: Depth,
}

/// A path of the seal record: its manifest line, or (not in the manifest) the path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Line(u32),
    Path(Box<str>),
}

/// A SHA-256 as the seal record writes it: 64 lowercase hex digits, held as the hash, or
/// anything else, held as written.
enum Sha {
    Hex(Hash),
    Text(Box<str>),
}

impl Sha {
    fn of(s: &str) -> Sha {
        match bag::lowercase_hex(s.as_bytes()) {
            Some(h) => Sha::Hex(h),
            None => Sha::Text(s.into()),
        }
    }
    fn is(&self, s: &str) -> bool {
        match self {
            Sha::Hex(h) => bag::lowercase_hex(s.as_bytes()) == Some(*h),
            Sha::Text(t) => **t == *s,
        }
    }
    fn is_hash(&self, h: &Hash) -> bool {
        matches!(self, Sha::Hex(x) if x == h)
    }
    fn text(&self) -> String {
        match self {
            Sha::Hex(h) => bag::hex_hash(h),
            Sha::Text(t) => t.to_string(),
        }
    }
}

/// What a record entry says that the links between reports and originals are checked by.
struct Facts {
    key: Key,
    role: Role,
    link: Option<Key>,
    has_note: bool,
    sha256: Sha,
}

/// Checks the seal record against the archive, read as a stream: each file's size, role
/// and hash against its entry and manifest line as it is read, the links between reports
/// and originals from a few dozen bytes kept per file, and the record as a seal writes it.
/// Gives the record's head and how it departs from a seal's, or `None` when it could not
/// be read (which is then a problem).
fn check_record(
    v: &mut Verification,
    cx: &RecordContext,
) -> io::Result<Option<(RecordHead, Option<String>)>> {
    let seal = Some(bag::SEAL_FILE);
    let lines: &[bag::ManifestLine] = cx.manifest.map_or(&[], |m| &m.lines);
    let key_of = |p: &str| {
        cx.listed
            .get(p)
            .map_or_else(|| Key::Path(p.into()), Key::Line)
    };
    // Problems about each file, told once the record is known to read whole (a record
    // that does not is one problem, not a thousand).
    let mut about_files: Vec<Problem> = Vec::new();
    let mut against_manifest: Vec<Problem> = Vec::new();
    let mut recorded = vec![false; lines.len()];
    let mut facts: Vec<Facts> = Vec::new();
    let (mut count, mut bytes) = (0u64, 0u128);
    let most = cx.entries.len() as u64;
    let (mut entry_hint, mut line_hint) = (0, 0);
    let mut reader = RecordReader::new(container::data_reader(cx.src, cx.seal));
    // The record as a seal writes it, made again as it is read and compared as it is
    // made, from the head as it stands when the files start (in a seal's order, the whole
    // head; otherwise the record is read again once its head is known).
    let mut again: Option<(RecordHead, Regenerated)> = None;
    let read: Result<(), RecordError> = loop {
        let f: RecordFile = match reader.next_file() {
            Ok(Some(f)) => f,
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        };
        if again.is_none() {
            let head = reader.head_at_files().unwrap_or(reader.head()).clone();
            let w = record::RecordWriter::new(regenerated(cx.src, cx.seal), &head)?;
            again = Some((head, w));
        }
        if let Some((_, w)) = again.as_mut() {
            w.file(&f)?;
        }
        count += 1;
        if count > most {
            break Err(RecordError(format!(
                "lists more files than the archive holds ({most} entries); the rest is not read"
            )));
        }
        bytes += f.bytes as u128;
        let entry = cx.by_rel.all_from(&f.path, &mut entry_hint).first();
        if let Some(e) = entry.map(|&(_, i)| &cx.entries[i]) {
            if e.size != f.bytes {
                about_files.push(mismatch(
                    ProblemKind::SealRecord,
                    Some(&f.path),
                    "the seal record's size differs from the file's",
                    f.bytes.to_string(),
                    e.size.to_string(),
                ));
            }
        }
        if let Some(why) = role_mismatch(&f) {
            about_files.push(problem(ProblemKind::SealRecord, Some(&f.path), why));
        }
        let line = cx.listed.get_from(&f.path, &mut line_hint);
        if cx.manifest.is_some() {
            match line {
                None => against_manifest.push(problem(
                    ProblemKind::SealRecord,
                    Some(&f.path),
                    "in the seal record, not in the manifest",
                )),
                Some(i) => {
                    recorded[i as usize] = true;
                    let listed = &lines[i as usize].sha256;
                    if !Sha::of(&f.sha256).is_hash(listed) {
                        against_manifest.push(mismatch(
                            ProblemKind::SealRecord,
                            Some(&f.path),
                            "the seal record's hash differs from the manifest's",
                            f.sha256.clone(),
                            hex(listed),
                        ));
                    }
                }
            }
        }
        if cx.depth == Depth::Full {
            facts.push(Facts {
                key: line.map_or_else(|| Key::Path(f.path.as_str().into()), Key::Line),
                role: f.role,
                link: f.link.as_deref().map(key_of),
                has_note: f.note.is_some(),
                sha256: Sha::of(&f.sha256),
            });
        }
    };
    if let Err(e) = read {
        v.problem(ProblemKind::SealRecord, seal, e.to_string());
        return Ok(None);
    }
    let r = reader.head().clone();
    drop(reader);
    if let Some(p) = &r.previous {
        if p.year >= r.year {
            v.mismatch(
                ProblemKind::SealRecord,
                seal,
                "the previous seal is not of an earlier year",
                format!("before {}", r.year),
                p.year.to_string(),
            );
        }
    }
    v.problems.extend(about_files);
    let want_root = bag::bag_root(r.year);
    if cx.root != Some(want_root.as_str()) {
        v.mismatch(
            ProblemKind::Bag,
            None,
            "the bag folder is not named after the seal's year",
            want_root,
            cx.root.unwrap_or("(none)"),
        );
    }
    if cx.info_year != Some(r.year.to_string().as_str()) {
        v.mismatch(
            ProblemKind::SealRecord,
            seal,
            format!("the year in {} differs from the seal's", bag::INFO_FILE),
            r.year.to_string(),
            cx.info_year.unwrap_or("(none)"),
        );
    }
    if let Some(m) = cx.manifest {
        let actual = hex(&m.root);
        if actual != r.root {
            v.mismatch(
                ProblemKind::MerkleRoot,
                seal,
                "the Merkle root over the manifest differs from the seal's",
                r.root.clone(),
                actual,
            );
        }
        if lines.len() as u64 != r.files {
            v.mismatch(
                ProblemKind::SealRecord,
                seal,
                "the manifest's file count differs from the seal's",
                r.files.to_string(),
                lines.len().to_string(),
            );
        }
        v.problems.extend(against_manifest);
        for (l, _) in lines.iter().zip(&recorded).filter(|(_, r)| !**r) {
            v.problem(
                ProblemKind::SealRecord,
                Some(&l.path),
                "in the manifest, not in the seal record",
            );
        }
    }
    if bytes != r.bytes as u128 || count != r.files {
        v.problem(
            ProblemKind::SealRecord,
            seal,
            "the payload totals disagree with the files listed",
        );
    }
    if cx.depth == Depth::Full {
        check_links(v, &facts, lines, cx);
    }
    drop(facts);
    let departure = match again {
        Some((head, w)) if head == r => departure_of(w)?,
        _ => seal_departure(cx.src, cx.seal, &r)?,
    };
    Ok(Some((r, departure)))
}

/// A seal record written again and compared with the archive's as it is written.
pub(super) type Regenerated<'a> =
    record::RecordWriter<io::BufWriter<StreamDiff<container::EntryStream<'a>>>>;

pub(super) fn regenerated<'a>(
    src: &'a dyn ReadAt,
    seal: &Entry,
) -> io::BufWriter<StreamDiff<container::EntryStream<'a>>> {
    let diff = StreamDiff::new(container::data_reader(src, seal), seal.stored);
    io::BufWriter::with_capacity(1 << 16, diff)
}

pub(super) fn departure_of(w: Regenerated) -> io::Result<Option<String>> {
    w.finish()?
        .into_inner()
        .map_err(io::IntoInnerError::into_error)?
        .finish()
}

/// How the seal record departs from the one a seal writes with its head and files: the
/// record read again as a stream, written again, and compared as it is written.
fn seal_departure(src: &dyn ReadAt, seal: &Entry, r: &RecordHead) -> io::Result<Option<String>> {
    let mut w = record::RecordWriter::new(regenerated(src, seal), r)?;
    let mut again = RecordReader::new(container::data_reader(src, seal));
    while let Some(f) = again.next_file().map_err(|e| io::Error::other(e.0))? {
        w.file(&f)?;
    }
    departure_of(w)
}

/// The links between reports and originals: an original's report names it back, a
/// report's original is one, and the report's `source/@sha256` is that original's hash.
fn check_links(
    v: &mut Verification,
    facts: &[Facts],
    lines: &[bag::ManifestLine],
    cx: &RecordContext,
) {
    // The last record entry of each path, as a map from path to entry would have it.
    let mut of_line: Vec<u32> = vec![u32::MAX; lines.len()];
    let mut of_path: HashMap<&str, u32> = HashMap::new();
    for (i, f) in facts.iter().enumerate() {
        match &f.key {
            Key::Line(l) => of_line[*l as usize] = i as u32,
            Key::Path(p) => {
                of_path.insert(p, i as u32);
            }
        }
    }
    let get = |k: &Key| -> Option<&Facts> {
        let i = match k {
            Key::Line(l) => of_line[*l as usize],
            Key::Path(p) => *of_path.get(&**p)?,
        };
        facts.get(i as usize)
    };
    let path_of = |k: &Key| -> String {
        match k {
            Key::Line(l) => lines[*l as usize].path.clone(),
            Key::Path(p) => p.to_string(),
        }
    };
    for f in facts {
        let path = path_of(&f.key);
        match (f.role, &f.link) {
            (Role::Original, None) => {
                if !f.has_note {
                    v.problem(
                        ProblemKind::Link,
                        Some(&path),
                        "an original with neither a report nor a note",
                    );
                }
            }
            (Role::Original, Some(rk)) => {
                let back = get(rk);
                if !back.is_some_and(|b| b.role == Role::Report && b.link.as_ref() == Some(&f.key))
                {
                    v.problem(
                        ProblemKind::Link,
                        Some(&path),
                        format!("its report {} does not name it back", path_of(rk)),
                    );
                }
            }
            (Role::Report, None) => v.problem(
                ProblemKind::Link,
                Some(&path),
                "a report without its original",
            ),
            (Role::Report, Some(ok)) => {
                let Some(orig) = get(ok).filter(|o| o.role == Role::Original) else {
                    v.problem(
                        ProblemKind::Link,
                        Some(&path),
                        format!("its original {} is not in the seal record", path_of(ok)),
                    );
                    continue;
                };
                let Some(xml) = cx.by_rel.first(&path).and_then(|i| cx.contents[i].done()) else {
                    continue; // missing or unreadable: already said
                };
                match &xml.source_sha256 {
                    None => v.problem(
                        ProblemKind::Link,
                        Some(&path),
                        "the report names no source/@sha256",
                    ),
                    Some(s) => {
                        if !orig.sha256.is(s) {
                            v.mismatch(
                                ProblemKind::Link,
                                Some(&path),
                                format!(
                                    "source/@sha256 does not name its original {}",
                                    path_of(ok)
                                ),
                                orig.sha256.text(),
                                s.to_string(),
                            );
                        }
                    }
                }
            }
        }
    }
}

fn problem(kind: ProblemKind, path: Option<&str>, message: impl Into<String>) -> Problem {
    Problem {
        kind,
        path: path.map(str::to_string),
        message: message.into(),
        expected: None,
        actual: None,
    }
}

fn mismatch(
    kind: ProblemKind,
    path: Option<&str>,
    message: impl Into<String>,
    expected: impl Into<String>,
    actual: impl Into<String>,
) -> Problem {
    Problem {
        expected: Some(expected.into()),
        actual: Some(actual.into()),
        ..problem(kind, path, message)
    }
}

/// The codes of the notes a seal writes on an original it archived without a report.
const NOTE_CODES: [&str; 2] = ["too-large", "not-extracted"];

/// Why a record entry is not one a seal writes for its role, if it is not: originals lie
/// under `data/originals/`, an original's report at `data/xml/<its path>.xml`, a report's
/// origin is `extracted` or `given`, and an original with a report has no note.
pub(super) fn role_mismatch(f: &record::RecordFile) -> Option<String> {
    fn rest(p: &str) -> Option<&str> {
        p.strip_prefix("data/originals/")
    }
    // Whether `report` is `data/xml/<orig's path>.xml`.
    let is_report_of = |report: &str, orig: &str| {
        let report = report
            .strip_prefix("data/xml/")
            .and_then(|r| r.strip_suffix(".xml"));
        report.is_some() && report == rest(orig)
    };
    match f.role {
        Role::Original => {
            if rest(&f.path).is_none() {
                return Some("an original outside data/originals/".into());
            }
            if f.origin.is_some() {
                return Some("an original with an origin".into());
            }
            match (&f.link, &f.note) {
                (Some(l), _) if !is_report_of(l, &f.path) => {
                    Some(format!("its report {l} is not at data/xml/<its path>.xml"))
                }
                (Some(_), Some(_)) => Some("an original with both a report and a note".into()),
                (None, Some((code, _))) if !NOTE_CODES.contains(&code.as_str()) => Some(format!(
                    "a note of code {code:?}, which a seal does not write"
                )),
                _ => None,
            }
        }
        Role::Report => {
            if !matches!(f.origin.as_deref(), Some("extracted" | "given")) {
                return Some("a report whose origin is neither extracted nor given".into());
            }
            match &f.link {
                Some(l) if !is_report_of(&f.path, l) => {
                    Some(format!("not at the report path of its original {l}"))
                }
                _ => None,
            }
        }
    }
}

impl Verification {
    /// The report for people: every file with its status, then every problem, then the
    /// verdict; with `--prev`, the previous archive's problems and verdict after it, so
    /// damage is blamed on the archive that holds it.
    pub fn to_text(&self) -> String {
        let mut out = Vec::new();
        self.write_text(&mut out)
            .expect("writing into memory cannot fail");
        String::from_utf8(out).expect("the report is made of strings")
    }

    /// [`Verification::to_text`], written as it is made (a report of many problems is
    /// not held whole in memory).
    pub fn write_text(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.files.try_for_each(|f| {
            write!(out, "{:<11} {}", f.status.as_str(), f.path)?;
            if f.status == FileStatus::Altered {
                if let (Some(e), Some(a)) = (&f.expected, &f.sha256) {
                    write!(out, "  expected {} actual {}", hex(e), hex(a))?;
                }
            }
            writeln!(out)
        })?;
        self.write_problems(out)?;
        for n in &self.notes {
            writeln!(out, "note: {n}")?;
        }
        out.write_all(self.verdict().as_bytes())?;
        if let Some(p) = &self.previous_archive {
            writeln!(out, "\nthe previous archive, given with --prev:")?;
            p.write_problems(out)?;
            out.write_all(p.verdict().as_bytes())?;
            let chain = match (self.previous.as_ref().is_some_and(|r| r.checked), p.status) {
                (true, _) => format!("{} continues {}", self.archive, p.archive),
                (false, Status::Damaged) => format!(
                    "not checked: {} is damaged, so it cannot vouch for what came before {}",
                    p.archive, self.archive
                ),
                (false, Status::Intact) => format!(
                    "broken: {} is not the archive {}'s seal names",
                    p.archive, self.archive
                ),
            };
            writeln!(out, "chain: {chain}")?;
        }
        Ok(())
    }

    fn write_problems(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        if self.problems.is_empty() {
            return Ok(());
        }
        writeln!(out, "\n{}:", super::count(self.problems.len(), "problem"))?;
        for p in &self.problems {
            let kind = serde_json::to_value(p.kind)
                .ok()
                .and_then(|k| k.as_str().map(str::to_string))
                .unwrap_or_default();
            write!(out, "  {kind}: ")?;
            if let Some(path) = &p.path {
                write!(out, "{path}: ")?;
            }
            out.write_all(p.message.as_bytes())?;
            if let (Some(e), Some(a)) = (&p.expected, &p.actual) {
                write!(out, " (expected {e}, actual {a})")?;
            }
            writeln!(out)?;
        }
        Ok(())
    }

    /// The verdict line. Intact always has its year, root and seal hash: without a seal
    /// record that was read and checked, the archive is not intact.
    fn verdict(&self) -> String {
        match (self.status, self.year, &self.root, &self.seal_sha256) {
            (Status::Intact, Some(year), Some(root), Some(seal)) => format!(
                "{}: intact — year {year}, {} files, Merkle root {root}, seal sha256 {seal}\n",
                self.archive,
                self.files.len(),
            ),
            _ => format!(
                "{}: DAMAGED — {}\n",
                self.archive,
                super::count(self.problems.len(), "problem")
            ),
        }
    }
}

//! Writing an archive: collect the originals (never following a link out of the folder),
//! extract each that has no canonical XML yet, then write the canonical zip to a temporary
//! file beside the target, sync it and rename it into place.
//!
//! One pass over each original (issue 18). Its first 4 KiB tell whether extract may take
//! it; only then is it read whole before writing (extract needs all of it), hashed from
//! memory and, within [`HELD_MEMORY`], written from there too. Any other original — one
//! extract refuses by its first bytes, one past the input limit — is read once, while the
//! archive is written: two reading threads hash the next originals (SHA-256 and CRC-32 over
//! each chunk; three originals side by side on each thread) while the writer copies the
//! one before with `copy_file_range`: the kernel moves the bytes just read, still in the
//! page cache. What the kernel copies is not what was hashed, so an original's size,
//! modification time and inode must be those it was first opened with once its entry is
//! written; if not, the seal fails and writes nothing.
//!
//! Pairing: a file whose name ends in `.xml` and whose first 4 KiB name the report
//! namespace (`urn:gongkai:report:1`) is a canonical report given with the originals; it
//! belongs to the original whose SHA-256 its `source/@sha256` holds (and, when several
//! originals have those bytes, to the one named by `source/@name`). Every other file is an
//! original. Each original's report lies at `data/xml/<its path>.xml`.
//!
//! Memory: a seal holds, per file, its path, its sums and its note (the entries must be
//! sorted before the first is written), and the zip's central directory. The manifest and
//! the seal record, which grow with the payload, are written from those twice — once for
//! their size and sums, once into the archive — and never held.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use sha256_lanes::{self as lanes, LANES};

use super::bag;
use super::container::{ContainerError, ZipWriter};
use super::merkle;
use super::progress::Progress;
use super::record::{self, Previous, RecordFile, RecordHead, Role};
use super::verify;
use super::ArchiveError;
use super::Reports;
use crate::batch::output::{folder_of, sync_folder, TempFile};
use crate::batch::walk::{walk, Skipped};
use crate::input::{hex, SNIFF_BYTES};

pub struct SealOptions {
    pub year: u16,
    pub prev: Option<PathBuf>,
    pub force: bool,
    /// Originals larger than this are archived without running extract on them.
    pub max_input_bytes: u64,
}

/// What was sealed.
#[derive(Debug)]
pub struct Sealed {
    pub files: u64,
    pub bytes: u64,
    pub root: String,
    pub seal_sha256: String,
    pub archive_bytes: u64,
    /// Originals archived without a report, with the reason.
    pub notes: Vec<(String, String)>,
    /// Reports that state a year other than the one sealed: their path and that year.
    pub other_years: Vec<(String, u16)>,
    /// What the walk of the inputs passed over.
    pub skipped: Skipped,
}

/// A file found in the input.
struct Found {
    rel: String,
    path: PathBuf,
}

/// Some bytes' size, SHA-256 and CRC-32.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hashed {
    size: u64,
    sha256: merkle::Hash,
    crc: u32,
}

impl Hashed {
    fn of(bytes: &[u8]) -> Hashed {
        Hashed {
            size: bytes.len() as u64,
            sha256: Sha256::digest(bytes).into(),
            crc: crc32fast::hash(bytes),
        }
    }
}

/// What tells a file changed without reading it: its size, modification time, inode and
/// status-change time, taken when it is first opened and again once its entry is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    /// Device and inode: a file replaced by another of the same size and time is a change.
    inode: (u64, u64),
    /// The status-change time (seconds, nanoseconds): any write sets it, and no program
    /// can set it back as it can the modification time. The bytes of a large original are
    /// hashed in one read and copied in another, so this is what says they are the same.
    changed: (i64, i64),
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let (inode, changed) = {
            use std::os::unix::fs::MetadataExt;
            ((meta.dev(), meta.ino()), (meta.ctime(), meta.ctime_nsec()))
        };
        #[cfg(not(unix))]
        let (inode, changed) = ((0, 0), (0, 0));
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
            changed,
        }
    }
}

struct Original {
    rel: String,
    path: PathBuf,
    stamp: Stamp,
    /// Set when the original was read whole before writing: to extract its report, or to
    /// pair a given report with it. Any other original is first read as it is written.
    read: Option<ReadWhole>,
    report: Option<Box<Report>>,
    note: Option<Note>,
}

/// An original read whole: its sums, and its bytes while they fit in [`HELD_MEMORY`]
/// (written from memory then, else read again and required to hash the same).
struct ReadWhole {
    hash: Hashed,
    bytes: Option<Vec<u8>>,
}

/// A report to store: its hashes, and its bytes while they fit in [`HELD_MEMORY`];
/// beyond that its bytes are made again when it is written, so memory stays bounded
/// however many reports a year has.
struct Report {
    hash: Hashed,
    origin: &'static str,
    /// A given report's file; an extracted one is extracted again from its original.
    given: Option<PathBuf>,
    bytes: Option<Vec<u8>>,
    /// The reporting year the report states.
    year: Option<u16>,
}

/// How many bytes of originals and reports a seal holds in memory between reading and
/// writing them.
const HELD_MEMORY: u64 = 256 << 20;

/// `bytes` while `budget` has room for them (taken from it), else `None`.
fn hold(bytes: Vec<u8>, budget: &AtomicU64) -> Option<Vec<u8>> {
    let size = bytes.len() as u64;
    budget
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
            left.checked_sub(size)
        })
        .is_ok()
        .then_some(bytes)
}

impl Report {
    fn new(
        bytes: Vec<u8>,
        origin: &'static str,
        given: Option<PathBuf>,
        year: Option<u16>,
        budget: &AtomicU64,
    ) -> Report {
        Report {
            hash: Hashed::of(&bytes),
            origin,
            given,
            bytes: hold(bytes, budget),
            year,
        }
    }
}

/// How many reports are made again at once (in parallel) before they are written.
const WRITE_BATCH: usize = 64;

/// Seals the inputs into `output` (with the canonical reports given among them, or those
/// `reports` makes), showing the bytes hashed and written on `progress`.
pub fn seal(
    inputs: &[PathBuf],
    output: &Path,
    opts: &SealOptions,
    reports: &dyn Reports,
    progress: &Progress,
) -> Result<Sealed, ArchiveError> {
    if output.exists() && !opts.force {
        return Err(ArchiveError::Exists(output.to_path_buf()));
    }
    let previous = match &opts.prev {
        None => None,
        Some(p) => Some(previous_seal(p, opts.year, progress)?),
    };
    let (found, skipped) = collect(inputs, output)?;
    let originals = prepare(found, opts.max_input_bytes, reports, progress)?;
    let mut sealed = write_archive(originals, previous, output, opts, reports, progress)?;
    sealed.skipped = skipped;
    Ok(sealed)
}

fn previous_seal(path: &Path, year: u16, progress: &Progress) -> Result<Previous, ArchiveError> {
    let shown = path.display().to_string();
    let v = verify::verify_path(path, None, progress)?;
    if v.status() != verify::Status::Intact {
        return Err(ArchiveError::Previous {
            path: shown,
            reason: format!(
                "damaged ({}); run `gongkai verify` on it",
                super::count(v.problems.len(), "problem")
            ),
        });
    }
    let (Some(prev_year), Some(sha)) = (v.year, v.seal_sha256.clone()) else {
        return Err(ArchiveError::NotSealed(shown));
    };
    if prev_year >= year {
        return Err(ArchiveError::Previous {
            path: shown,
            reason: format!("its year {prev_year} is not before {year}"),
        });
    }
    Ok(Previous {
        year: prev_year,
        sha256: sha,
    })
}

/// Walks the inputs by the rules of [`crate::batch::walk`]. Whatever the walk refuses (a link, a
/// FIFO, an unreadable folder) stops the seal — an archive holds all of a folder or is not
/// written — and every refusal is collected so one run names them all.
fn collect(inputs: &[PathBuf], output: &Path) -> Result<(Vec<Found>, Skipped), ArchiveError> {
    let mut refused = Vec::new();
    let out_dir = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .canonicalize()
        .ok();
    for input in inputs.iter().filter(|i| i.is_dir()) {
        if let (Some(out), Ok(dir)) = (&out_dir, input.canonicalize()) {
            if out.starts_with(&dir) {
                refused.push(format!(
                    "{}: the output {} would lie inside this input folder",
                    input.display(),
                    output.display()
                ));
            }
        }
    }
    let walked = walk(inputs, Some(output));
    refused.extend(
        walked
            .refused
            .into_iter()
            .map(|r| format!("{}: {}", r.path.display(), r.reason)),
    );
    let mut found = Vec::new();
    for f in walked.files {
        match f.rel.to_str() {
            Some(rel) => found.push(Found {
                rel: rel.to_string(),
                path: f.path,
            }),
            None => refused.push(format!("{}: the name is not UTF-8", f.path.display())),
        }
    }
    found.sort_by(|a, b| a.rel.as_bytes().cmp(b.rel.as_bytes()));
    for w in found.windows(2) {
        if w[0].rel == w[1].rel {
            refused.push(format!(
                "{} and {}: both would be stored as {}",
                w[0].path.display(),
                w[1].path.display(),
                w[0].rel
            ));
        }
    }
    for f in &found {
        if let Some(why) = bag::unsafe_path(&f.rel) {
            refused.push(format!("{}: {why}", f.path.display()));
        }
    }
    if found.is_empty() && refused.is_empty() {
        refused.push("no files to seal".into());
    }
    if refused.is_empty() {
        Ok((found, walked.skipped))
    } else {
        Err(ArchiveError::Refused(refused))
    }
}

/// Opens a regular file without following a link (a file swapped for a link after the
/// walk is refused, not followed).
fn open_regular(path: &Path) -> std::io::Result<File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let f = o.open(path)?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok(f)
}

/// Why one input cannot be sealed, naming it.
#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: a report larger than the input limit", .0.display())]
    ReportTooLarge(PathBuf),
    #[error("{}: {reason}", path.display())]
    NotAReport { path: PathBuf, reason: String },
    #[error("{}: grew past the input limit", .0.display())]
    Grew(PathBuf),
    #[error("{}: {reason}", path.display())]
    NotExtracted { path: PathBuf, reason: String },
}

fn read_err(path: &Path, e: std::io::Error) -> Refusal {
    Refusal::Read {
        path: path.to_path_buf(),
        source: e,
    }
}

/// Reads a file whole (up to `limit` bytes) or hashes it as a stream; returns the bytes
/// when they were kept. The bytes read are told to `progress`.
fn hash_file(
    path: &Path,
    limit: u64,
    progress: &Progress,
) -> Result<(Hashed, Option<Vec<u8>>), Refusal> {
    let mut f = open_regular(path).map_err(|e| read_err(path, e))?;
    let len = f.metadata().map_err(|e| read_err(path, e))?.len();
    if len <= limit {
        let mut bytes = Vec::with_capacity(len as usize);
        f.read_to_end(&mut bytes).map_err(|e| read_err(path, e))?;
        progress.add(bytes.len() as u64);
        return Ok((Hashed::of(&bytes), Some(bytes)));
    }
    let hash =
        hash_chunks(&mut f, &mut vec![0u8; CHUNK], progress).map_err(|e| read_err(path, e))?;
    Ok((hash, None))
}

/// The bytes read at a time from a file too large to hold.
const CHUNK: usize = 256 << 10;

/// The sums of what `file` holds from where it is read to its end, read a chunk at a time
/// through `buf`; the bytes read are told to `progress`.
fn hash_chunks(
    file: &mut dyn Read,
    buf: &mut [u8],
    progress: &Progress,
) -> std::io::Result<Hashed> {
    let mut sums = Sums::default();
    loop {
        let n = match file.read(buf) {
            Ok(0) => return Ok(sums.hashed()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        sums.update(&buf[..n]);
        progress.add(n as u64);
    }
}

fn is_report_xml(rel: &str, head: &[u8], reports: &dyn Reports) -> bool {
    rel.to_ascii_lowercase().ends_with(".xml")
        && reports.is_report(&head[..head.len().min(SNIFF_BYTES)])
}

struct Given {
    rel: String,
    report: Report,
    source_sha256: String,
    source_name: String,
}

/// What a file's first bytes say it is.
enum Kind {
    /// A canonical report given with the originals.
    GivenReport,
    /// An original; with why extract refuses it, when its first bytes tell.
    Original { refused: Option<String> },
}

/// What a file's first [`SNIFF_BYTES`] say it is, and its stamp.
fn kind_of(f: &Found, reports: &dyn Reports) -> Result<(Kind, Stamp), Refusal> {
    let file = open_regular(&f.path).map_err(|e| read_err(&f.path, e))?;
    let stamp = Stamp::of(&file.metadata().map_err(|e| read_err(&f.path, e))?);
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    file.take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| read_err(&f.path, e))?;
    let kind = if is_report_xml(&f.rel, &head, reports) {
        Kind::GivenReport
    } else {
        Kind::Original {
            // A file no longer than its head is read whole anyway: extract says.
            refused: (stamp.len > head.len() as u64)
                .then(|| reports.refusal(&head))
                .flatten(),
        }
    };
    Ok((kind, stamp))
}

fn refuse_any<T>(results: Vec<Result<T, Refusal>>) -> Result<Vec<T>, ArchiveError> {
    let mut ok = Vec::new();
    let mut refused = Vec::new();
    for r in results {
        match r {
            Ok(t) => ok.push(t),
            Err(e) => refused.push(e.to_string()),
        }
    }
    if refused.is_empty() {
        Ok(ok)
    } else {
        Err(ArchiveError::Refused(refused))
    }
}

/// A note on an original archived without a report: its code and sentence.
type Note = (String, String);

fn not_extracted(reason: &str) -> Note {
    (
        "not-extracted".into(),
        format!("extract refused it: {reason}; archived without a report"),
    )
}

fn too_large(limit: u64) -> Note {
    (
        "too-large".into(),
        format!("larger than the {limit}-byte extract limit; archived without a report"),
    )
}

/// Runs extract on the bytes of the original at `rel`: its report, or the note saying why
/// there is none.
fn extract_report(
    rel: &str,
    bytes: &[u8],
    budget: &AtomicU64,
    reports: &dyn Reports,
) -> Result<Box<Report>, Note> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match reports.extract(name, bytes) {
        Ok(report) => Ok(Box::new(Report::new(
            report.xml,
            "extracted",
            None,
            report.year,
            budget,
        ))),
        Err(e) => Err(not_extracted(&e)),
    }
}

impl Original {
    fn take(&mut self, extracted: Result<Box<Report>, Note>) {
        match extracted {
            Ok(r) => self.report = Some(r),
            Err(n) => self.note = Some(n),
        }
    }
}

/// Tells the given reports from the originals by their first bytes; reads whole and hashes
/// on all cores each original that extract may take, and extracts those no given report
/// names. Every other original is read once, as it is written.
fn prepare(
    found: Vec<Found>,
    limit: u64,
    reports: &dyn Reports,
    progress: &Progress,
) -> Result<Vec<Original>, ArchiveError> {
    let budget = AtomicU64::new(crate::test_hooks::seal_held_memory().unwrap_or(HELD_MEMORY));
    let kinds = refuse_any(found.par_iter().map(|f| kind_of(f, reports)).collect())?;
    let read_now = |(kind, stamp): &(Kind, Stamp)| match kind {
        Kind::GivenReport => true,
        Kind::Original { refused } => refused.is_none() && stamp.len <= limit,
    };
    progress.stage(
        "hashing",
        kinds
            .iter()
            .filter(|k| read_now(k))
            .map(|(_, s)| s.len)
            .sum(),
    );
    type Split = Vec<(Found, (Kind, Stamp))>;
    let (given_found, original_found): (Split, Split) = found
        .into_iter()
        .zip(kinds)
        .partition(|(_, (kind, _))| matches!(kind, Kind::GivenReport));
    let given = refuse_any(
        given_found
            .into_par_iter()
            .map(|(f, _)| {
                let (_, bytes) = hash_file(&f.path, limit, progress)?;
                let bytes = bytes.ok_or_else(|| Refusal::ReportTooLarge(f.path.clone()))?;
                let report = reports.read(&bytes).map_err(|reason| Refusal::NotAReport {
                    path: f.path.clone(),
                    reason,
                })?;
                Ok(Given {
                    report: Report::new(bytes, "given", Some(f.path), report.year, &budget),
                    rel: f.rel,
                    source_sha256: report.source_sha256,
                    source_name: report.source_name,
                })
            })
            .collect(),
    )?;
    let named: std::collections::HashSet<merkle::Hash> = given
        .iter()
        .filter_map(|g| bag::lowercase_hex(g.source_sha256.as_bytes()))
        .collect();
    let mut originals = refuse_any(
        original_found
            .into_par_iter()
            .map(|(f, (kind, stamp))| {
                let mut o = Original {
                    rel: f.rel,
                    path: f.path,
                    stamp,
                    read: None,
                    report: None,
                    note: None,
                };
                match kind {
                    _ if stamp.len > limit => o.note = Some(too_large(limit)),
                    Kind::Original {
                        refused: Some(reason),
                    } => o.note = Some(not_extracted(&reason)),
                    _ => {
                        let (hash, bytes) = hash_file(&o.path, limit, progress)?;
                        let bytes = bytes.ok_or_else(|| Refusal::Grew(o.path.clone()))?;
                        crate::test_hooks::seal_has_read(&o.path);
                        if !named.contains(&hash.sha256) {
                            o.take(extract_report(&o.rel, &bytes, &budget, reports));
                        }
                        o.read = Some(ReadWhole {
                            hash,
                            bytes: hold(bytes, &budget),
                        });
                    }
                }
                Ok(o)
            })
            .collect(),
    )?;
    // A given report may name an original not read yet (one extract refuses by its first
    // bytes, or one past the limit): those are hashed now, to be paired, and read again
    // as they are written. One that is named is not extracted: it has no note.
    let read: std::collections::HashSet<merkle::Hash> = originals
        .iter()
        .filter_map(|o| o.read.as_ref().map(|r| r.hash.sha256))
        .collect();
    if named.iter().any(|h| !read.contains(h)) {
        refuse_any(
            originals
                .par_iter_mut()
                .filter(|o| o.read.is_none())
                .map(|o| {
                    let (hash, _) = hash_file(&o.path, 0, progress)?;
                    if named.contains(&hash.sha256) {
                        o.note = None;
                    }
                    o.read = Some(ReadWhole { hash, bytes: None });
                    Ok(())
                })
                .collect(),
        )?;
    }
    pair(originals, given, limit, &budget, reports)
}

/// Gives each given report to its original; an original left without a report (one of
/// several with the same bytes) gets an extracted one.
fn pair(
    mut originals: Vec<Original>,
    given: Vec<Given>,
    limit: u64,
    budget: &AtomicU64,
    reports: &dyn Reports,
) -> Result<Vec<Original>, ArchiveError> {
    let mut refused = Vec::new();
    let mut by_sha256: std::collections::HashMap<merkle::Hash, Vec<usize>> =
        std::collections::HashMap::new();
    for (i, o) in originals.iter().enumerate() {
        if let Some(r) = &o.read {
            by_sha256.entry(r.hash.sha256).or_default().push(i);
        }
    }
    // Which original each given report belongs to, first; then they are given.
    let mut chosen_for = Vec::with_capacity(given.len());
    let mut taken = std::collections::HashSet::new();
    for g in &given {
        let same: &[usize] = bag::lowercase_hex(g.source_sha256.as_bytes())
            .and_then(|h| by_sha256.get(&h))
            .map_or(&[], Vec::as_slice);
        let chosen = match same.len() {
            0 => None,
            1 => Some(same[0]),
            _ => {
                let by_name: Vec<usize> = same
                    .iter()
                    .copied()
                    .filter(|&i| {
                        originals[i].rel.rsplit('/').next() == Some(g.source_name.as_str())
                    })
                    .collect();
                (by_name.len() == 1).then(|| by_name[0])
            }
        };
        match chosen {
            None if same.is_empty() => refused.push(format!(
                "{}: a canonical report of sha256 {} but no original has those bytes",
                g.rel, g.source_sha256
            )),
            None => refused.push(format!(
                "{}: several originals have its source's bytes; cannot tell which it belongs to",
                g.rel
            )),
            Some(i) if !taken.insert(i) => refused.push(format!(
                "{}: a second canonical report for {}",
                g.rel, originals[i].rel
            )),
            Some(i) => chosen_for.push(i),
        }
    }
    drop(by_sha256);
    if !refused.is_empty() {
        return Err(ArchiveError::Refused(refused));
    }
    for (g, i) in given.into_iter().zip(chosen_for) {
        originals[i].report = Some(Box::new(g.report));
    }
    let left = refuse_any(
        originals
            .par_iter_mut()
            .filter(|o| o.report.is_none() && o.note.is_none())
            .map(|o| {
                let extracted = match o.read.as_ref().and_then(|r| r.bytes.as_deref()) {
                    Some(held) => extract_report(&o.rel, held, budget, reports),
                    None => match hash_file(&o.path, limit, &Progress::hidden())?.1 {
                        Some(bytes) => extract_report(&o.rel, &bytes, budget, reports),
                        None => Err(too_large(limit)),
                    },
                };
                o.take(extracted);
                Ok(())
            })
            .collect(),
    )?;
    drop(left);
    originals.sort_by(|a, b| a.rel.as_bytes().cmp(b.rel.as_bytes()));
    Ok(originals)
}

/// A report's bytes again: the given file, or extract run on the original once more
/// (extract is deterministic; the writer checks size and CRC against the first time).
fn report_bytes(o: &Original, limit: u64, reports: &dyn Reports) -> Result<Vec<u8>, Refusal> {
    let r = o
        .report
        .as_ref()
        .expect("called for originals with a report");
    if let Some(b) = &r.bytes {
        return Ok(b.clone());
    }
    if let Some(g) = &r.given {
        let (_, bytes) = hash_file(g, limit, &Progress::hidden())?;
        return bytes.ok_or_else(|| Refusal::Grew(g.clone()));
    }
    let (_, bytes) = hash_file(&o.path, limit, &Progress::hidden())?;
    let bytes = bytes.ok_or_else(|| Refusal::Grew(o.path.clone()))?;
    let name = o.rel.rsplit('/').next().unwrap_or(&o.rel).to_string();
    reports
        .extract(&name, &bytes)
        .map(|report| report.xml)
        .map_err(|reason| Refusal::NotExtracted {
            path: o.path.clone(),
            reason,
        })
}

/// Writes a file, leaving each run of zeros of 64 KiB or more as a hole (a seek, not a
/// write) where the file system has them: the same bytes, without writing gigabytes of
/// zeros to disk (a sparse original stays sparse in its archive).
struct Holes<'a> {
    file: &'a File,
    /// Zeros not yet written: skipped over at the next write, or at a flush.
    hole: u64,
}

static ZEROS: [u8; 1 << 16] = [0; 1 << 16];

impl<'a> Holes<'a> {
    fn new(file: &'a File) -> Holes<'a> {
        Holes { file, hole: 0 }
    }

    fn skip_hole(&mut self) -> std::io::Result<()> {
        if self.hole > 0 {
            let end = self.file.seek(SeekFrom::Current(self.hole as i64))?;
            self.file.set_len(end)?;
            self.hole = 0;
        }
        Ok(())
    }
}

impl Write for Holes<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Whole 64 KiB blocks of zeros only (slice equality is a memcmp).
        if buf.len() >= ZEROS.len() && buf.chunks(ZEROS.len()).all(|c| c == &ZEROS[..c.len()]) {
            self.hole += buf.len() as u64;
            return Ok(buf.len());
        }
        self.skip_hole()?;
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.skip_hole()?;
        self.file.flush()
    }
}

fn original_path(rel: &str) -> String {
    format!("data/originals/{rel}")
}

fn report_path(rel: &str) -> String {
    format!("data/xml/{rel}.xml")
}

/// The payload in the manifest's order, each file by the original it comes from: every
/// original (sorted by path already), then every report, sorted by its path. A few bytes
/// per file: the manifest and the seal record are written from it, never held.
fn payload_order(originals: &[Original]) -> Vec<(u32, Role)> {
    let mut reports: Vec<u32> = (0..originals.len() as u32)
        .filter(|&i| originals[i as usize].report.is_some())
        .collect();
    // `data/xml/<rel>.xml` in the order of `<rel>.xml`, which is not always `<rel>`'s.
    let key = |i: u32| originals[i as usize].rel.bytes().chain(*b".xml");
    reports.sort_by(|&a, &b| key(a).cmp(key(b)));
    (0..originals.len() as u32)
        .map(|i| (i, Role::Original))
        .chain(reports.into_iter().map(|i| (i, Role::Report)))
        .collect()
}

/// A payload file's path and sums, `sums` being its original's.
fn payload_file<'a>(o: &'a Original, sums: &'a Hashed, role: Role) -> (String, &'a Hashed) {
    match (role, &o.report) {
        (Role::Report, Some(r)) => (report_path(&o.rel), &r.hash),
        _ => (original_path(&o.rel), sums),
    }
}

/// A payload file's entry in the seal record.
fn record_file(o: &Original, sums: &Hashed, role: Role) -> RecordFile {
    let (path, hash) = payload_file(o, sums, role);
    let (link, origin, note) = match (role, &o.report) {
        (Role::Report, Some(r)) => (
            Some(original_path(&o.rel)),
            Some(r.origin.to_string()),
            None,
        ),
        _ => (
            o.report.as_ref().map(|_| report_path(&o.rel)),
            None,
            o.note.clone(),
        ),
    };
    RecordFile {
        role,
        path,
        bytes: hash.size,
        sha256: hex(&hash.sha256),
        link,
        origin,
        note,
    }
}

/// Size, CRC-32 and SHA-256 of bytes given a piece at a time.
#[derive(Default)]
struct Sums {
    size: u64,
    crc: crc32fast::Hasher,
    sha256: Sha256,
}

impl Sums {
    fn update(&mut self, buf: &[u8]) {
        self.size += buf.len() as u64;
        self.crc.update(buf);
        self.sha256.update(buf);
    }

    fn hashed(self) -> Hashed {
        Hashed {
            size: self.size,
            sha256: self.sha256.finalize().into(),
            crc: self.crc.finalize(),
        }
    }
}

impl Write for Sums {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The sums of what `write` writes.
fn sums_of(write: &dyn Fn(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<Hashed> {
    let mut out = BufWriter::with_capacity(1 << 16, Sums::default());
    write(&mut out)?;
    let s = out
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)?;
    Ok(s.hashed())
}

/// The archive's temporary file as the zip writer writes it: through a buffer and
/// [`Holes`], with the originals' bytes copied in by the kernel where it can.
struct Sink<'a> {
    buffered: BufWriter<Holes<'a>>,
}

impl Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buffered.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.buffered.flush()
    }
}

impl Sink<'_> {
    /// Appends the first `len` bytes of `src`: copied by the kernel (`copy_file_range`:
    /// page cache to page cache, or a shared extent) unless `by_kernel` is false or the
    /// kernel refuses, else read and written here. Gives the bytes copied: fewer than `len`
    /// when the file was cut short meanwhile.
    fn copy_from(&mut self, src: &File, len: u64, by_kernel: bool) -> Result<u64, ContainerError> {
        // The kernel writes at the file's position: what is buffered goes first.
        self.buffered.flush().map_err(ContainerError::Write)?;
        if by_kernel {
            let dst = self.buffered.get_ref().file;
            if let Some(copied) = kernel_copy(src, dst, len)? {
                start_writeback(dst);
                return Ok(copied);
            }
        }
        let mut src = src;
        src.seek(SeekFrom::Start(0)).map_err(ContainerError::Read)?;
        let mut buf = vec![0u8; CHUNK];
        let mut copied = 0u64;
        while copied < len {
            let want = buf.len().min((len - copied) as usize);
            let n = match src.read(&mut buf[..want]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ContainerError::Read(e)),
            };
            self.buffered
                .write_all(&buf[..n])
                .map_err(ContainerError::Write)?;
            copied += n as u64;
        }
        Ok(copied)
    }
}

/// Copies the first `len` bytes of `src` to `dst` at its position with `copy_file_range`:
/// the bytes copied (fewer when `src` ends sooner), or `None` when the kernel refuses
/// before copying any (another file system, no such call, a file system that cannot).
#[cfg(target_os = "linux")]
fn kernel_copy(src: &File, dst: &File, len: u64) -> Result<Option<u64>, ContainerError> {
    use std::os::unix::io::AsRawFd;
    let mut from: libc::loff_t = 0;
    let mut copied = 0u64;
    while copied < len {
        let want = (len - copied).min(1 << 30) as usize;
        // SAFETY: both descriptors belong to open Files for the whole call; `from` is a
        // valid loff_t the kernel reads and advances; a null output offset makes it write
        // at (and advance) `dst`'s position, where the zip's next bytes go.
        let n = unsafe {
            libc::copy_file_range(
                src.as_raw_fd(),
                &mut from,
                dst.as_raw_fd(),
                std::ptr::null_mut(),
                want,
                0,
            )
        };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::EINTR) => continue,
                Some(libc::EXDEV | libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)
                    if copied == 0 =>
                {
                    return Ok(None)
                }
                // The kernel does not say which side failed: the archive is named.
                _ => return Err(ContainerError::Write(e)),
            }
        }
        // Some file systems (FUSE, procfs) copy nothing: read and write instead.
        if n == 0 && copied == 0 && len > 0 {
            return Ok(None);
        }
        if n == 0 {
            break;
        }
        copied += n as u64;
    }
    Ok(Some(copied))
}

/// Starts writing what `file` holds to disk, without waiting: the sync at the end then
/// waits for less, the disk writing while the next originals are hashed and copied.
#[cfg(target_os = "linux")]
fn start_writeback(file: &File) {
    use std::os::unix::io::AsRawFd;
    // SAFETY: the descriptor belongs to an open File; no memory is passed. A failure only
    // leaves the writing to the sync at the end.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_: &File) {}

#[cfg(not(target_os = "linux"))]
fn kernel_copy(_: &File, _: &File, _: u64) -> Result<Option<u64>, ContainerError> {
    Ok(None)
}

/// Below this size an original is read into memory and written from there (one system
/// call less a file); from it on, it is hashed as it is read and copied by the kernel.
const KERNEL_COPY_FROM: u64 = 1 << 20;

/// How many originals each reading thread may have ready ahead of the writer.
const READ_AHEAD: usize = 2;

/// How many of its originals a reading thread may have started past the first it has not
/// handed to the writer: what waits, read and hashed, behind a long original is bounded.
const READ_WINDOW: usize = 8;

/// The reading threads, taking the originals in turn: hashing on one core is slower than
/// the kernel's copy, so two hash while the writer copies.
const READERS: usize = 2;

/// An original read and hashed, ready to be written.
struct Ready {
    hash: Hashed,
    bytes: Content,
}

enum Content {
    /// In memory.
    Held(Vec<u8>),
    /// In its file, to be copied; `sparse`: it has holes, which a kernel copy would fill.
    File { file: File, sparse: bool },
}

/// Why an original cannot be written as it was read.
fn changed(path: &Path) -> ArchiveError {
    ArchiveError::Changed(path.to_path_buf())
}

/// An original being read and hashed by a reading thread, a chunk at a time, ahead of
/// the writer. Below [`KERNEL_COPY_FROM`] its bytes are kept, to be written from memory.
struct Reading<'a> {
    /// Its place in the reading thread's share.
    index: usize,
    original: &'a Original,
    file: File,
    sparse: bool,
    kept: Option<Vec<u8>>,
    size: u64,
    /// The bytes of the last chunk read; the file's end was reached with it.
    in_chunk: usize,
    at_end: bool,
    sha: lanes::Sha256,
    crc: crc32fast::Hasher,
}

/// What starting to read an original gives: the original ready at once (held in memory
/// with its sums since it was first read, or not readable), or a reading under way.
enum Started<'a> {
    Done(Result<Ready, ArchiveError>),
    Reading(Reading<'a>),
}

fn read_error(o: &Original, source: std::io::Error) -> ArchiveError {
    ArchiveError::Read {
        path: o.path.display().to_string(),
        source,
    }
}

impl<'a> Reading<'a> {
    fn start(index: usize, o: &'a Original, held: Option<Vec<u8>>) -> Started<'a> {
        if let (Some(first), Some(bytes)) = (&o.read, held) {
            return Started::Done(Ok(Ready {
                hash: first.hash,
                bytes: Content::Held(bytes),
            }));
        }
        let opened = open_regular(&o.path).and_then(|f| Ok((f.metadata()?, f)));
        let (meta, file) = match opened {
            Ok(m) => m,
            Err(e) => return Started::Done(Err(read_error(o, e))),
        };
        #[cfg(unix)]
        let sparse = {
            use std::os::unix::fs::MetadataExt;
            meta.blocks().saturating_mul(512) < meta.len()
        };
        #[cfg(not(unix))]
        let sparse = false;
        let small = o.stamp.len < KERNEL_COPY_FROM;
        Started::Reading(Reading {
            index,
            original: o,
            file,
            sparse,
            kept: small.then(|| Vec::with_capacity(o.stamp.len as usize)),
            size: 0,
            in_chunk: 0,
            at_end: false,
            sha: lanes::Sha256::default(),
            crc: crc32fast::Hasher::new(),
        })
    }

    /// Reads the next chunk: all of `chunk` unless the file (or, for an original kept in
    /// memory, [`KERNEL_COPY_FROM`] bytes of it) ends first; its CRC-32 summed while it
    /// is in the cache. The SHA-256 is the caller's, over all lanes at once.
    fn read(&mut self, chunk: &mut [u8]) -> Result<(), ArchiveError> {
        let want = match self.kept {
            Some(_) => chunk.len().min((KERNEL_COPY_FROM - self.size) as usize),
            None => chunk.len(),
        };
        let mut n = 0;
        while n < want {
            match self.file.read(&mut chunk[n..want]) {
                Ok(0) => break,
                Ok(got) => n += got,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(read_error(self.original, e)),
            }
        }
        self.crc.update(&chunk[..n]);
        if let Some(k) = self.kept.as_mut() {
            k.extend_from_slice(&chunk[..n]);
        }
        self.size += n as u64;
        self.in_chunk = n;
        self.at_end = n < chunk.len();
        Ok(())
    }

    /// The original ready to write, once its last chunk (`last`) was read and its whole
    /// blocks hashed. Its sums must be those it was first read with, if it was.
    fn finish(self, last: &[u8]) -> Result<Ready, ArchiveError> {
        let o = self.original;
        let hash = Hashed {
            size: self.size,
            sha256: self.sha.finish(&last[last.len() / 64 * 64..]),
            crc: self.crc.finalize(),
        };
        crate::test_hooks::seal_has_read(&o.path);
        if hash.size != o.stamp.len || o.read.as_ref().is_some_and(|r| r.hash != hash) {
            return Err(changed(&o.path));
        }
        let bytes = match self.kept {
            Some(bytes) => Content::Held(bytes),
            None => Content::File {
                file: self.file,
                sparse: self.sparse,
            },
        };
        Ok(Ready { hash, bytes })
    }
}

/// A reading thread: its share of the originals in turn (each `READERS`th from the one at
/// `first`), each handed to the writer in that order as soon as it and those before it
/// are ready. Up to [`LANES`] are read side by side and their chunks hashed together: one
/// core's SHA-256 unit takes three streams in little more time than one (sha256-lanes).
fn read_originals(
    originals: &[Original],
    first: usize,
    held: Vec<Option<Vec<u8>>>,
    to_writer: std::sync::mpsc::SyncSender<Result<Ready, ArchiveError>>,
) {
    let share: Vec<&Original> = originals.iter().skip(first).step_by(READERS).collect();
    let mut held = held.into_iter();
    let mut lanes: [(Option<Reading>, Vec<u8>); LANES] =
        std::array::from_fn(|_| (None, vec![0u8; CHUNK]));
    // From the first not yet handed over, in order: each once it is ready.
    let mut waiting: std::collections::VecDeque<Option<Result<Ready, ArchiveError>>> =
        std::collections::VecDeque::new();
    let (mut handed, mut started) = (0, 0);
    while handed < share.len() {
        for (lane, chunk) in &mut lanes {
            while lane.is_none() && started < share.len() && started < handed + READ_WINDOW {
                waiting.push_back(None);
                match Reading::start(started, share[started], held.next().flatten()) {
                    Started::Done(ready) => waiting[started - handed] = Some(ready),
                    Started::Reading(r) => *lane = Some(r),
                }
                started += 1;
            }
            if let Some(r) = lane {
                if let Err(e) = r.read(chunk) {
                    waiting[r.index - handed] = Some(Err(e));
                    *lane = None;
                }
            }
        }
        lanes::update_bytes(
            lanes
                .iter_mut()
                .filter_map(|(r, chunk)| r.as_mut().map(|r| (&mut r.sha, &chunk[..r.in_chunk]))),
        );
        for (lane, chunk) in &mut lanes {
            if let Some(r) = lane.take_if(|r| r.at_end) {
                let (index, last) = (r.index, &chunk[..r.in_chunk]);
                waiting[index - handed] = Some(r.finish(last));
            }
        }
        while let Some(ready) = waiting.front_mut().and_then(Option::take) {
            waiting.pop_front();
            handed += 1;
            // The writer stopped (an error): so does the reading.
            if to_writer.send(ready).is_err() {
                return;
            }
        }
    }
}

fn write_archive(
    mut originals: Vec<Original>,
    previous: Option<Previous>,
    output: &Path,
    opts: &SealOptions,
    extraction: &dyn Reports,
    progress: &Progress,
) -> Result<Sealed, ArchiveError> {
    let order = payload_order(&originals);
    let count = order.len() as u64;
    let mut bytes = 0u64;
    let mut other_years = Vec::new();
    for &(i, role) in &order {
        let o = &originals[i as usize];
        match (role, &o.report) {
            (Role::Report, Some(r)) => {
                bytes += r.hash.size;
                if let Some(year) = r.year.filter(|&y| y != opts.year) {
                    other_years.push((report_path(&o.rel), year));
                }
            }
            _ => bytes += o.stamp.len,
        }
    }
    let version = env!("CARGO_PKG_VERSION");
    let info = bag::info(bytes, count, opts.year, &format!("gongkai {version}"));

    let werr = |e: std::io::Error| ArchiveError::Write {
        path: output.to_path_buf(),
        source: e,
    };
    // Errors writing the archive name the archive, never the temporary file.
    let zerr = |e: ContainerError| match e {
        ContainerError::Write(e) => werr(e),
        e => e.into(),
    };
    // Errors writing a payload file from `from` name that file.
    let payload_err = |e: ContainerError, from: &Path| match e {
        ContainerError::Changed(_) => changed(from),
        ContainerError::Read(source) => ArchiveError::Read {
            path: from.display().to_string(),
            source,
        },
        e => zerr(e),
    };
    let tmp = TempFile::beside(output).map_err(werr)?;
    let pause_after = crate::test_hooks::seal_pause_after();
    let root_dir = bag::bag_root(opts.year);
    let name = |p: &str| format!("{root_dir}/{p}");
    // Unbuffered under the test hook, so that what was written is in the file when it
    // pauses.
    let buffer = if pause_after.is_some() { 0 } else { 1 << 20 };
    let mut zip = ZipWriter::new(Sink {
        buffered: BufWriter::with_capacity(buffer, Holes::new(tmp.as_file())),
    });
    progress.stage("writing", bytes);
    zip.add_bytes(&name(bag::INFO_FILE), info.as_bytes())
        .map_err(zerr)?;
    zip.add_bytes(&name(bag::DECLARATION_FILE), bag::DECLARATION.as_bytes())
        .map_err(zerr)?;
    // Told the bytes written so far after each piece: the progress, and the test hook that
    // pauses a seal mid-write.
    let mut last = zip.position();
    let mut told = |written: u64| {
        progress.add(written - last);
        last = written;
        if pause_after.is_some_and(|n| written >= n) {
            eprintln!("paused");
            std::thread::sleep(std::time::Duration::from_secs(600));
        }
    };

    // The originals, read and hashed on the reading threads while those before them are
    // written on this one.
    let mut held: Vec<Vec<Option<Vec<u8>>>> = (0..READERS).map(|_| Vec::new()).collect();
    for (i, o) in originals.iter_mut().enumerate() {
        held[i % READERS].push(o.read.as_mut().and_then(|r| r.bytes.take()));
    }
    let sums = std::thread::scope(|scope| -> Result<Vec<Hashed>, ArchiveError> {
        let originals = &originals;
        let readers: Vec<_> = held
            .into_iter()
            .enumerate()
            .map(|(first, held)| {
                let (to_writer, from_reader) = std::sync::mpsc::sync_channel(READ_AHEAD);
                scope.spawn(move || read_originals(originals, first, held, to_writer));
                from_reader
            })
            .collect();
        let mut sums = Vec::with_capacity(originals.len());
        for (i, o) in originals.iter().enumerate() {
            // A reading thread ends early only when it panics, which the scope passes on.
            let ready = readers[i % READERS]
                .recv()
                .map_err(|_| ArchiveError::Read {
                    path: o.path.display().to_string(),
                    source: std::io::Error::other("its reading thread stopped"),
                })??;
            let (h, path) = (ready.hash, name(&original_path(&o.rel)));
            match ready.bytes {
                Content::Held(b) => zip.add_copied(&path, h.size, h.crc, |out| {
                    out.write_all(&b).map_err(ContainerError::Write)?;
                    Ok(h.size)
                }),
                Content::File { file, sparse } => zip.add_copied(&path, h.size, h.crc, |out| {
                    out.copy_from(&file, h.size, !sparse)
                }),
            }
            .map_err(|e| payload_err(e, &o.path))?;
            // Bytes copied by the kernel were not the ones hashed: the file must not have
            // changed since it was first opened (nor, for the others, since it was read).
            let now = std::fs::symlink_metadata(&o.path).map(|m| Stamp::of(&m));
            if now.ok() != Some(o.stamp) {
                return Err(changed(&o.path));
            }
            told(zip.position());
            sums.push(h);
        }
        Ok(sums)
    })?;

    let reports: Vec<u32> = order
        .iter()
        .filter(|(_, role)| *role == Role::Report)
        .map(|&(i, _)| i)
        .collect();
    for batch in reports.chunks(WRITE_BATCH) {
        // The batch's reports, made again on all cores.
        let made: Vec<Result<Vec<u8>, Refusal>> = batch
            .par_iter()
            .map(|&i| report_bytes(&originals[i as usize], opts.max_input_bytes, extraction))
            .collect();
        for (&i, made) in batch.iter().zip(made) {
            let o = &originals[i as usize];
            let bytes = made.map_err(|e| ArchiveError::Refused(vec![e.to_string()]))?;
            let r = o.report.as_ref().expect("a report path has a report");
            let from = r.given.as_deref().unwrap_or(&o.path);
            zip.add_reader(
                &name(&report_path(&o.rel)),
                r.hash.size,
                r.hash.crc,
                &mut &bytes[..],
                &mut told,
            )
            .map_err(|e| payload_err(e, from))?;
        }
    }

    // The leaves are the manifest's lines, in its order: the files' order.
    let mut tree = merkle::RootBuilder::default();
    for &(i, role) in &order {
        let (path, hash) = payload_file(&originals[i as usize], &sums[i as usize], role);
        tree.push(merkle::leaf_hash(
            bag::manifest_line(&hex(&hash.sha256), &path).as_bytes(),
        ));
    }
    let root = hex(&tree.root());
    let head = RecordHead {
        year: opts.year,
        tool_version: version.to_string(),
        files: count,
        bytes,
        root: root.clone(),
        previous,
    };
    // The manifest and the seal record grow with the payload: each is written twice, once
    // for its size and sums (the local header comes first) and once into the archive.
    let write_manifest = |out: &mut dyn Write| -> std::io::Result<()> {
        for &(i, role) in &order {
            let (path, hash) = payload_file(&originals[i as usize], &sums[i as usize], role);
            writeln!(out, "{}", bag::manifest_line(&hex(&hash.sha256), &path))?;
        }
        Ok(())
    };
    let write_record = |out: &mut dyn Write| -> std::io::Result<()> {
        let mut w = record::RecordWriter::new(out, &head)?;
        for &(i, role) in &order {
            w.file(&record_file(
                &originals[i as usize],
                &sums[i as usize],
                role,
            ))?;
        }
        w.finish().map(drop)
    };
    let manifest = sums_of(&write_manifest).map_err(werr)?;
    let seal = sums_of(&write_record).map_err(werr)?;
    let seal_sha256 = hex(&seal.sha256);
    let tag_entries: Vec<(String, String)> = vec![
        (
            bag::DECLARATION_FILE.to_string(),
            hex(&Sha256::digest(bag::DECLARATION.as_bytes())),
        ),
        (
            bag::INFO_FILE.to_string(),
            hex(&Sha256::digest(info.as_bytes())),
        ),
        (bag::MANIFEST_FILE.to_string(), hex(&manifest.sha256)),
        (bag::SEAL_FILE.to_string(), seal_sha256.clone()),
    ];
    let tag_manifest = bag::manifest(&tag_entries);
    zip.add_written(
        &name(bag::MANIFEST_FILE),
        manifest.size,
        manifest.crc,
        &write_manifest,
    )
    .map_err(zerr)?;
    zip.add_written(&name(bag::SEAL_FILE), seal.size, seal.crc, &write_record)
        .map_err(zerr)?;
    zip.add_bytes(&name(bag::TAG_MANIFEST_FILE), tag_manifest.as_bytes())
        .map_err(zerr)?;
    let mut sink = zip.finish().map_err(zerr)?;
    sink.flush().map_err(werr)?;
    drop(sink);
    tmp.as_file().sync_all().map_err(werr)?;
    let archive_bytes = tmp.as_file().metadata().map_err(werr)?.len();
    let persisted = if opts.force {
        tmp.persist(output)
    } else {
        tmp.persist_new(output)
    };
    if let Err(e) = persisted {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            return Err(ArchiveError::Exists(output.to_path_buf()));
        }
        return Err(werr(e));
    }
    // The rename itself is durable once the folder is synced.
    sync_folder(folder_of(output));
    // Originals archived without a report, with the reason (moved out, not copied).
    let notes = originals
        .into_iter()
        .filter_map(|o| {
            let path = original_path(&o.rel);
            o.note.map(|(_, n)| (path, n))
        })
        .collect();
    Ok(Sealed {
        files: count,
        bytes,
        root,
        seal_sha256,
        archive_bytes,
        notes,
        other_years,
        skipped: Skipped::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes summed a piece at a time, at any cut, sum as they do at once.
    #[test]
    fn sums_in_pieces_are_the_sums_at_once() {
        let bytes: Vec<u8> = (0..3 * CHUNK as u32 + 7)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let at_once = Hashed::of(&bytes);
        assert_eq!(at_once.crc, crc32fast::hash(&bytes));
        for piece in [1, 7, 4096, CHUNK - 1, CHUNK, bytes.len()] {
            let mut sums = Sums::default();
            for p in bytes.chunks(piece) {
                sums.update(p);
            }
            assert_eq!(sums.hashed(), at_once, "pieces of {piece}");
        }
        // Read through a buffer of each size, as a file too large to hold is.
        for buf in [1usize, 1000, CHUNK] {
            let hashed = hash_chunks(&mut &bytes[..], &mut vec![0; buf], &Progress::hidden());
            assert_eq!(hashed.unwrap(), at_once, "a buffer of {buf}");
        }
        assert_eq!(Hashed::of(b"").size, 0);
        assert_eq!(Sums::default().hashed(), Hashed::of(b""));
    }

    /// A reading thread hands over its share in order, each with the sums of its bytes,
    /// however the lengths make the lanes finish: long originals before and among short
    /// ones (past the window), empty ones, ones kept in memory and ones left in their file,
    /// and one held since it was first read.
    #[test]
    fn a_reading_thread_hands_over_its_share_in_order_with_their_sums() {
        let dir = tempfile::tempdir().unwrap();
        let mut sizes = vec![3 * CHUNK + 5, 0, 1, 64, 65, CHUNK];
        sizes.extend([100; READ_WINDOW + 3]);
        sizes.extend([KERNEL_COPY_FROM as usize + 129, 2 * CHUNK, 7, 0]);
        let contents: Vec<Vec<u8>> = sizes
            .iter()
            .enumerate()
            .map(|(i, &n)| (0..n).map(|j| (j * 31 + i * 7 + j / 251) as u8).collect())
            .collect();
        let originals: Vec<Original> = contents
            .iter()
            .enumerate()
            .map(|(i, bytes)| {
                let path = dir.path().join(format!("{i:02}"));
                std::fs::write(&path, bytes).unwrap();
                let stamp = Stamp::of(&std::fs::metadata(&path).unwrap());
                Original {
                    rel: format!("{i:02}"),
                    path,
                    stamp,
                    // The fourth was read whole before writing, and is held.
                    read: (i == 3).then(|| ReadWhole {
                        hash: Hashed::of(bytes),
                        bytes: None,
                    }),
                    report: None,
                    note: None,
                }
            })
            .collect();
        for first in 0..READERS {
            let share: Vec<usize> = (first..originals.len()).step_by(READERS).collect();
            let held = share
                .iter()
                .map(|&i| (i == 3).then(|| contents[i].clone()))
                .collect();
            let (to_writer, from_reader) = std::sync::mpsc::sync_channel(share.len());
            read_originals(&originals, first, held, to_writer);
            let got: Vec<Ready> = from_reader.iter().map(Result::unwrap).collect();
            assert_eq!(got.len(), share.len());
            for (ready, &i) in got.iter().zip(&share) {
                assert_eq!(ready.hash, Hashed::of(&contents[i]), "original {i}");
                let in_memory = matches!(&ready.bytes, Content::Held(b) if *b == contents[i]);
                assert_eq!(
                    in_memory,
                    (sizes[i] as u64) < KERNEL_COPY_FROM,
                    "original {i}"
                );
            }
        }
    }

    /// An original whose size is no longer the one it was found with is refused.
    #[test]
    fn a_reading_thread_refuses_an_original_that_grew() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a");
        std::fs::write(&path, b"abc").unwrap();
        let stamp = Stamp::of(&std::fs::metadata(&path).unwrap());
        std::fs::write(&path, b"abcd").unwrap();
        let originals = [Original {
            rel: "a".into(),
            path: path.clone(),
            stamp,
            read: None,
            report: None,
            note: None,
        }];
        let (to_writer, from_reader) = std::sync::mpsc::sync_channel(1);
        read_originals(&originals, 0, vec![None], to_writer);
        match from_reader.recv().unwrap() {
            Err(ArchiveError::Changed(p)) => assert_eq!(p, path),
            other => panic!("not refused: {:?}", other.map(|r| r.hash)),
        }
    }
}

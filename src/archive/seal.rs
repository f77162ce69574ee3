//! Writing an archive: collect the originals (never following a link out of the folder),
//! extract each that has no canonical XML yet, hash everything on all cores, then write the
//! canonical zip to a temporary file beside the target, sync it and rename it into place.
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
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

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
use crate::input::hex;

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

struct Hashed {
    size: u64,
    sha256: merkle::Hash,
    crc: u32,
}

struct Original {
    rel: String,
    path: PathBuf,
    hash: Hashed,
    report: Option<Box<Report>>,
    note: Option<(String, String)>,
}

/// A report to store: its hashes, and its bytes while they fit in [`REPORT_MEMORY`];
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

/// How many bytes of reports a seal holds in memory between hashing and writing.
const REPORT_MEMORY: u64 = 256 << 20;

impl Report {
    fn new(
        bytes: Vec<u8>,
        origin: &'static str,
        given: Option<PathBuf>,
        year: Option<u16>,
        budget: &AtomicU64,
    ) -> Report {
        let size = bytes.len() as u64;
        let fits = budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(size)
            })
            .is_ok();
        Report {
            hash: Hashed {
                size,
                sha256: Sha256::digest(&bytes).into(),
                crc: crc32fast::hash(&bytes),
            },
            origin,
            given,
            bytes: fits.then_some(bytes),
            year,
        }
    }
}

/// How many payload files are prepared at once (in parallel) before they are written.
const WRITE_BATCH: usize = 64;

const SNIFF: usize = 4096;

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
        let h = Hashed {
            size: bytes.len() as u64,
            sha256: Sha256::digest(&bytes).into(),
            crc: crc32fast::hash(&bytes),
        };
        return Ok((h, Some(bytes)));
    }
    let mut sha = Sha256::new();
    let mut crc = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| read_err(path, e))?;
        if n == 0 {
            break;
        }
        sha.update(&buf[..n]);
        crc.update(&buf[..n]);
        size += n as u64;
        progress.add(n as u64);
    }
    Ok((
        Hashed {
            size,
            sha256: sha.finalize().into(),
            crc: crc.finalize(),
        },
        None,
    ))
}

fn is_report_xml(rel: &str, head: &[u8], reports: &dyn Reports) -> bool {
    rel.to_ascii_lowercase().ends_with(".xml") && reports.is_report(head)
}

struct Given {
    rel: String,
    report: Report,
    source_sha256: String,
    source_name: String,
}

/// The first bytes of a file, and its size.
fn head_of(path: &Path) -> Result<(Vec<u8>, u64), Refusal> {
    let mut file = open_regular(path).map_err(|e| read_err(path, e))?;
    let len = file.metadata().map_err(|e| read_err(path, e))?.len();
    let mut head = vec![0u8; SNIFF];
    let mut n = 0;
    while n < SNIFF {
        match file.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => return Err(read_err(path, e)),
        }
    }
    head.truncate(n);
    Ok((head, len))
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

/// Runs extract on an original's bytes: its report, or the note saying why there is none.
fn extract_report(
    o: &mut Original,
    bytes: Option<Vec<u8>>,
    limit: u64,
    budget: &AtomicU64,
    reports: &dyn Reports,
) {
    let Some(bytes) = bytes else {
        o.note = Some((
            "too-large".into(),
            format!("larger than the {limit}-byte extract limit; archived without a report"),
        ));
        return;
    };
    let name = o.rel.rsplit('/').next().unwrap_or(&o.rel).to_string();
    match reports.extract(&name, bytes) {
        Ok(report) => {
            o.report = Some(Box::new(Report::new(
                report.xml,
                "extracted",
                None,
                report.year,
                budget,
            )))
        }
        Err(e) => {
            o.note = Some((
                "not-extracted".into(),
                format!("extract refused it: {e}; archived without a report"),
            ))
        }
    }
}

/// Tells the given reports from the originals, hashes every original on all cores and
/// extracts those no given report names, holding at most one original per core in memory.
fn prepare(
    found: Vec<Found>,
    limit: u64,
    reports: &dyn Reports,
    progress: &Progress,
) -> Result<Vec<Original>, ArchiveError> {
    let budget = AtomicU64::new(crate::test_hooks::seal_report_memory().unwrap_or(REPORT_MEMORY));
    let heads = refuse_any(
        found
            .par_iter()
            .map(|f| head_of(&f.path).map(|(h, len)| (is_report_xml(&f.rel, &h, reports), len)))
            .collect(),
    )?;
    progress.stage("hashing", heads.iter().map(|(_, len)| len).sum());
    type Split = Vec<(Found, bool)>;
    let (given_found, original_found): (Split, Split) = found
        .into_iter()
        .zip(heads.into_iter().map(|(xml, _)| xml))
        .partition(|(_, xml)| *xml);
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
    let originals = refuse_any(
        original_found
            .into_par_iter()
            .map(|(f, _)| {
                let (hash, bytes) = hash_file(&f.path, limit, progress)?;
                let mut o = Original {
                    rel: f.rel,
                    path: f.path,
                    hash,
                    report: None,
                    note: None,
                };
                if !named.contains(&o.hash.sha256) {
                    extract_report(&mut o, bytes, limit, &budget, reports);
                }
                Ok(o)
            })
            .collect(),
    )?;
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
        by_sha256.entry(o.hash.sha256).or_default().push(i);
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
                let (_, bytes) = hash_file(&o.path, limit, &Progress::hidden())?;
                extract_report(o, bytes, limit, budget, reports);
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
        .extract(&name, bytes)
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
        use std::io::{Seek, SeekFrom};
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

/// A payload file's path and sums.
fn payload_file(o: &Original, role: Role) -> (String, &Hashed) {
    match (role, &o.report) {
        (Role::Report, Some(r)) => (report_path(&o.rel), &r.hash),
        _ => (original_path(&o.rel), &o.hash),
    }
}

/// A payload file's entry in the seal record.
fn record_file(o: &Original, role: Role) -> RecordFile {
    let (path, hash) = payload_file(o, role);
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

/// What writing some bytes gives: their size, CRC-32 and SHA-256.
#[derive(Default)]
struct Sums {
    size: u64,
    crc: crc32fast::Hasher,
    sha256: Sha256,
}

impl Write for Sums {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.size += buf.len() as u64;
        self.crc.update(buf);
        self.sha256.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The size, CRC-32 and SHA-256 of what `write` writes.
fn sums_of(
    write: &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<(u64, u32, merkle::Hash)> {
    let mut out = BufWriter::with_capacity(1 << 16, Sums::default());
    write(&mut out)?;
    let s = out
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)?;
    Ok((s.size, s.crc.finalize(), s.sha256.finalize().into()))
}

fn write_archive(
    originals: Vec<Original>,
    previous: Option<Previous>,
    output: &Path,
    opts: &SealOptions,
    extraction: &dyn Reports,
    progress: &Progress,
) -> Result<Sealed, ArchiveError> {
    let order = payload_order(&originals);
    // The leaves are the manifest's lines, in its order: the files' order.
    let mut tree = merkle::RootBuilder::default();
    let mut bytes = 0u64;
    let mut other_years = Vec::new();
    for &(i, role) in &order {
        let o = &originals[i as usize];
        let (path, hash) = payload_file(o, role);
        tree.push(merkle::leaf_hash(
            bag::manifest_line(&hex(&hash.sha256), &path).as_bytes(),
        ));
        bytes += hash.size;
        if let (Role::Report, Some(r)) = (role, &o.report) {
            if let Some(year) = r.year.filter(|&y| y != opts.year) {
                other_years.push((path, year));
            }
        }
    }
    let root = hex(&tree.root());
    let count = order.len() as u64;
    let version = env!("CARGO_PKG_VERSION");
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
            let (path, hash) = payload_file(&originals[i as usize], role);
            writeln!(out, "{}", bag::manifest_line(&hex(&hash.sha256), &path))?;
        }
        Ok(())
    };
    let write_record = |out: &mut dyn Write| -> std::io::Result<()> {
        let mut w = record::RecordWriter::new(out, &head)?;
        for &(i, role) in &order {
            w.file(&record_file(&originals[i as usize], role))?;
        }
        w.finish().map(drop)
    };
    let sums_err = |e| ArchiveError::Write {
        path: output.to_path_buf(),
        source: e,
    };
    let manifest = sums_of(&write_manifest).map_err(sums_err)?;
    let seal = sums_of(&write_record).map_err(sums_err)?;
    let seal_sha256 = hex(&seal.2);
    let info = bag::info(bytes, count, opts.year, &format!("gongkai {version}"));
    let tag_entries: Vec<(String, String)> = vec![
        (
            bag::DECLARATION_FILE.to_string(),
            hex(&Sha256::digest(bag::DECLARATION.as_bytes())),
        ),
        (
            bag::INFO_FILE.to_string(),
            hex(&Sha256::digest(info.as_bytes())),
        ),
        (bag::MANIFEST_FILE.to_string(), hex(&manifest.2)),
        (bag::SEAL_FILE.to_string(), seal_sha256.clone()),
    ];
    let tag_manifest = bag::manifest(&tag_entries);

    let werr = |e: std::io::Error| ArchiveError::Write {
        path: output.to_path_buf(),
        source: e,
    };
    // Errors writing the archive name the archive, never the temporary file.
    let zerr = |e: ContainerError| match e {
        ContainerError::Write(e) => werr(e),
        e => e.into(),
    };
    let tmp = TempFile::beside(output).map_err(werr)?;
    let pause_after = crate::test_hooks::seal_pause_after();
    let root_dir = bag::bag_root(opts.year);
    let name = |p: &str| format!("{root_dir}/{p}");
    // Unbuffered under the test hook, so that what was written is in the file when it
    // pauses.
    let sink: Box<dyn Write> = if pause_after.is_some() {
        Box::new(Holes::new(tmp.as_file()))
    } else {
        Box::new(BufWriter::with_capacity(1 << 20, Holes::new(tmp.as_file())))
    };
    let mut zip = ZipWriter::new(sink);
    progress.stage("writing", bytes);
    zip.add_bytes(&name(bag::INFO_FILE), info.as_bytes())
        .map_err(zerr)?;
    zip.add_bytes(&name(bag::DECLARATION_FILE), bag::DECLARATION.as_bytes())
        .map_err(zerr)?;
    for batch in order.chunks(WRITE_BATCH) {
        // The batch's reports, made again on all cores; originals are streamed from disk.
        let made: Vec<Option<Result<Vec<u8>, Refusal>>> = batch
            .par_iter()
            .map(|&(o, role)| match role {
                Role::Original => None,
                Role::Report => Some(report_bytes(
                    &originals[o as usize],
                    opts.max_input_bytes,
                    extraction,
                )),
            })
            .collect();
        for (&(o, role), made) in batch.iter().zip(made) {
            let o = &originals[o as usize];
            let (path, _) = payload_file(o, role);
            let changed = |e: ContainerError, what: &Path| match e {
                ContainerError::Changed(_) => ArchiveError::Refused(vec![format!(
                    "{}: changed while it was being sealed",
                    what.display()
                )]),
                ContainerError::Read(source) => ArchiveError::Read {
                    path: what.display().to_string(),
                    source,
                },
                e => zerr(e),
            };
            // Told the bytes written so far after each piece: the progress, and the test
            // hook that pauses a seal mid-write.
            let mut last = zip.position();
            let mut hook = |written: u64| {
                progress.add(written - last);
                last = written;
                if pause_after.is_some_and(|n| written >= n) {
                    eprintln!("paused");
                    std::thread::sleep(std::time::Duration::from_secs(600));
                }
            };
            match made {
                None => {
                    let mut file = open_regular(&o.path).map_err(|e| ArchiveError::Read {
                        path: o.path.display().to_string(),
                        source: e,
                    })?;
                    zip.add_reader(&name(&path), o.hash.size, o.hash.crc, &mut file, &mut hook)
                        .map_err(|e| changed(e, &o.path))?;
                }
                Some(bytes) => {
                    let bytes = bytes.map_err(|e| ArchiveError::Refused(vec![e.to_string()]))?;
                    let r = o.report.as_ref().expect("a report path has a report");
                    let from = r.given.as_deref().unwrap_or(&o.path);
                    zip.add_reader(
                        &name(&path),
                        r.hash.size,
                        r.hash.crc,
                        &mut &bytes[..],
                        &mut hook,
                    )
                    .map_err(|e| changed(e, from))?;
                }
            }
        }
    }
    zip.add_written(
        &name(bag::MANIFEST_FILE),
        manifest.0,
        manifest.1,
        &write_manifest,
    )
    .map_err(zerr)?;
    zip.add_written(&name(bag::SEAL_FILE), seal.0, seal.1, &write_record)
        .map_err(zerr)?;
    zip.add_bytes(&name(bag::TAG_MANIFEST_FILE), tag_manifest.as_bytes())
        .map_err(zerr)?;
    let mut buf = zip.finish().map_err(zerr)?;
    buf.flush().map_err(werr)?;
    drop(buf);
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

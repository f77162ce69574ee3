//! Verifying an archive: one pass of positional reads over the zip (nothing is extracted,
//! memory is bounded: a buffer per core, the tag files and each report's XML), every entry
//! hashed on all cores, then every check, each adding to one list of problems instead of
//! stopping at the first.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::bag;
use super::container::{self, Entry, FileSource, FindingKind, ReadAt};
use super::expected;
use super::merkle;
use super::record::{self, Previous, Role, SealRecord};
use super::ArchiveError;
use crate::input::hex;

/// The largest tag file or report XML read into memory for its checks: the manifest and
/// the seal record, which grow with the payload.
pub const MAX_KEPT_BYTES: u64 = 64 * 1024 * 1024;

/// The most read of the tag files a seal writes in a few hundred bytes whatever the
/// payload (bagit.txt, bag-info.txt, the tag manifest): more is already not a seal's.
pub const SMALL_TAG_BYTES: u64 = 64 * 1024;

/// How much of a tag file is read for its checks; a larger one is not read at all.
pub fn tag_read_limit(tag: &str) -> u64 {
    if tag == bag::MANIFEST_FILE || tag == bag::SEAL_FILE {
        MAX_KEPT_BYTES
    } else {
        SMALL_TAG_BYTES
    }
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
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
    pub files: Vec<FileReport>,
    pub problems: Vec<Problem>,
    /// Things worth saying that are not damage.
    pub notes: Vec<String>,
    #[serde(skip)]
    pub record: Option<SealRecord>,
    #[serde(skip)]
    pub manifest: Vec<bag::ManifestLine>,
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
        self.problems.push(Problem {
            kind,
            path: path.map(str::to_string),
            message: message.into(),
            expected: None,
            actual: None,
        });
    }

    fn mismatch(
        &mut self,
        kind: ProblemKind,
        path: Option<&str>,
        message: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) {
        self.problems.push(Problem {
            kind,
            path: path.map(str::to_string),
            message: message.into(),
            expected: Some(expected.into()),
            actual: Some(actual.into()),
        });
    }
}

/// Verifies an archive file, and its chain to the previous archive when given.
pub fn verify_path(path: &Path, prev: Option<&Path>) -> Result<Verification, ArchiveError> {
    let shown = path.display().to_string();
    let src = FileSource::open(path).map_err(|e| ArchiveError::Read {
        path: shown.clone(),
        source: e,
    })?;
    let mut v = verify_source(&src, &shown)?;
    if let Some(p) = prev {
        let pv = verify_path(p, None)?;
        check_chain(&mut v, pv);
    }
    Ok(v)
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
struct Content {
    sha256: String,
    crc: u32,
    kept: Option<Vec<u8>>,
    /// A report's `source/@sha256` (read from its first [`REPORT_HEAD`] bytes).
    source_sha256: Option<String>,
}

/// How much of a report is read for its `source/@sha256`: the `<meta>` block comes first.
pub const REPORT_HEAD: usize = 64 * 1024;

enum Keep {
    Nothing,
    /// All of it, when it is no larger than this.
    All(u64),
    Head,
}

fn keep(rel: Option<&str>) -> Keep {
    match rel {
        Some(r) if bag::TAG_FILES.contains(&r) => Keep::All(tag_read_limit(r)),
        Some(r) if r.starts_with("data/xml/") => Keep::Head,
        _ => Keep::Nothing,
    }
}

/// A tag file as found: its bytes (when they fit [`tag_read_limit`]), or why it could not
/// be read.
enum TagRead<'a> {
    Absent,
    Unread(String),
    Read(&'a [u8]),
}

fn read_tag<'a>(
    tag: &str,
    by_rel: &BTreeMap<&str, Vec<usize>>,
    entries: &[Entry],
    contents: &'a [Option<Content>],
) -> TagRead<'a> {
    let Some(&i) = by_rel.get(tag).and_then(|ix| ix.first()) else {
        return TagRead::Absent;
    };
    match &contents[i] {
        None => TagRead::Unread("cannot be hashed (compressed or cut short)".into()),
        Some(Content { kept: Some(b), .. }) => TagRead::Read(b),
        Some(_) => {
            let most = tag_read_limit(tag);
            let most = if most >= 1 << 20 {
                format!("{} MiB", most >> 20)
            } else {
                format!("{} KiB", most >> 10)
            };
            TagRead::Unread(format!(
                "{} bytes, more than the {most} this tag file is read up to: not read, so \
                 nothing it records could be checked",
                entries[i].stored,
            ))
        }
    }
}

/// Bytes summed by SHA-256 and CRC-32 in turn: small enough to stay in L1/L2 between them.
const SUM_SLICE: usize = 32 << 10;

fn hash_entry(src: &dyn ReadAt, e: &Entry, keep: Keep, buf: &mut [u8]) -> Option<Content> {
    if e.method != 0 || e.truncated {
        return None;
    }
    let mut sha = Sha256::new();
    let mut crc = crc32fast::Hasher::new();
    let (mut kept, limit) = match keep {
        Keep::Nothing => (None, 0),
        Keep::All(most) => ((e.stored <= most).then(Vec::new), usize::MAX),
        Keep::Head => (Some(Vec::new()), REPORT_HEAD),
    };
    let mut at = e.data_offset;
    let end = e.data_offset + e.stored;
    while at < end {
        let n = buf.len().min((end - at) as usize);
        src.read_exact_at(&mut buf[..n], at).ok()?;
        // Both sums over each slice while it is still in the core's cache.
        for piece in buf[..n].chunks(SUM_SLICE) {
            sha.update(piece);
            crc.update(piece);
        }
        if let Some(k) = kept.as_mut() {
            let room = limit.saturating_sub(k.len()).min(n);
            k.extend_from_slice(&buf[..room]);
        }
        at += n as u64;
    }
    let (kept, source_sha256) = match keep {
        Keep::Head => (None, kept.and_then(|k| record::report_source_sha256(&k))),
        _ => (kept, None),
    };
    Some(Content {
        sha256: hex(&sha.finalize()),
        crc: crc.finalize(),
        kept,
        source_sha256,
    })
}

/// Verifies an archive held by any positional reader (a file, or bytes in memory).
pub fn verify_source(src: &dyn ReadAt, shown: &str) -> Result<Verification, ArchiveError> {
    let scan = container::scan(src)
        .map_err(|e| ArchiveError::Read {
            path: shown.to_string(),
            source: e,
        })?
        .ok_or_else(|| ArchiveError::NotAnArchive(shown.to_string()))?;
    let mut v = Verification {
        archive: shown.to_string(),
        status: Status::Damaged,
        year: None,
        root: None,
        seal_sha256: None,
        previous: None,
        previous_archive: None,
        files: Vec::new(),
        problems: Vec::new(),
        notes: Vec::new(),
        record: None,
        manifest: Vec::new(),
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
    let mut seen: HashMap<&[u8], usize> = HashMap::new();
    for e in entries {
        *seen.entry(&e.name).or_default() += 1;
    }
    let mut dup_named = std::collections::HashSet::new();
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
        if seen[&e.name[..]] > 1 && dup_named.insert(e.name.clone()) {
            v.problem(
                ProblemKind::Duplicate,
                Some(&shown_name),
                format!("{} entries have this name", seen[&e.name[..]]),
            );
        }
    }
    let root = bag_root_of(entries);
    // rel path (inside the bag) → entry indices; names outside the bag are unexpected.
    let mut rel_of: Vec<Option<String>> = Vec::with_capacity(entries.len());
    for e in entries {
        let rel = std::str::from_utf8(&e.name).ok().and_then(|n| {
            let r = root.as_deref()?;
            n.strip_prefix(r)?.strip_prefix('/').map(str::to_string)
        });
        let rel = rel.filter(|r| bag::unsafe_path(r).is_none());
        if rel.is_none()
            && std::str::from_utf8(&e.name).is_ok_and(|n| bag::unsafe_path(n).is_none())
        {
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

    // Hash every entry on all cores; keep tag files and reports for their checks (only the
    // first entry of a name: duplicates cannot multiply what is held).
    let mut first_of: HashMap<&str, usize> = HashMap::new();
    for (i, r) in rel_of.iter().enumerate() {
        if let Some(r) = r {
            first_of.entry(r.as_str()).or_insert(i);
        }
    }
    let contents: Vec<Option<Content>> = entries
        .par_iter()
        .zip(rel_of.par_iter())
        .enumerate()
        .map_init(
            || vec![0u8; 1 << 20],
            |buf, (i, (e, rel))| {
                let first = rel.as_deref().is_some_and(|r| first_of[r] == i);
                let k = if first {
                    keep(rel.as_deref())
                } else {
                    Keep::Nothing
                };
                hash_entry(src, e, k, buf)
            },
        )
        .collect();

    let mut by_rel: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in rel_of.iter().enumerate() {
        if let Some(r) = r {
            by_rel.entry(r.as_str()).or_default().push(i);
        }
    }
    let first =
        |rel: &str| -> Option<&Content> { by_rel.get(rel).and_then(|ix| contents[ix[0]].as_ref()) };
    // Each entry is checked (its bytes hashed and found to be what a seal writes) or named
    // in a problem; the verdict is intact only when every one is checked.
    let mut checked = vec![false; entries.len()];

    // Every tag file read, within the limit, or why not.
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
            TagRead::Read(_) => {}
        }
    }
    // How each tag file that was read departs from what a seal writes, once that is known
    // (None: it is those bytes exactly). Each is compared as soon as it is made, so no
    // more than one made tag file is held at a time.
    let mut departures: Vec<(&str, Option<String>)> = Vec::new();
    if let TagRead::Read(bytes) = tag(bag::DECLARATION_FILE) {
        departures.push((
            bag::DECLARATION_FILE,
            expected::difference(bag::DECLARATION.as_bytes(), bytes),
        ));
    }

    // Tag manifest over the other tag files.
    let mut altered: std::collections::HashSet<usize> = std::collections::HashSet::new();
    let mut statuses: BTreeMap<String, FileReport> = BTreeMap::new();
    if let TagRead::Read(bytes) = tag(bag::TAG_MANIFEST_FILE) {
        let (lines, bad) = bag::parse_manifest(&String::from_utf8_lossy(bytes));
        for b in bad {
            v.problem(ProblemKind::Bag, Some(bag::TAG_MANIFEST_FILE), b);
        }
        let listed: HashMap<&str, &str> = lines
            .iter()
            .map(|l| (l.path.as_str(), l.sha256.as_str()))
            .collect();
        for l in &lines {
            if bag::TAG_FILES.contains(&l.path.as_str()) && l.path != bag::TAG_MANIFEST_FILE {
                compare(
                    &mut v,
                    &mut statuses,
                    &mut altered,
                    None,
                    &by_rel,
                    &contents,
                    l,
                );
            } else {
                v.problem(
                    ProblemKind::Bag,
                    Some(bag::TAG_MANIFEST_FILE),
                    format!(
                        "lists {}, which is not a tag file a seal lists there",
                        l.path
                    ),
                );
            }
        }
        // A seal lists the other four tag files, each by the hash it recorded.
        let mut want = Vec::new();
        for t in bag::TAG_FILES {
            if t == bag::TAG_MANIFEST_FILE {
                continue;
            }
            match (listed.get(t), first(t)) {
                (Some(sha), _) => want.push((t.to_string(), sha.to_string())),
                (None, Some(c)) => {
                    v.problem(
                        ProblemKind::Bag,
                        Some(bag::TAG_MANIFEST_FILE),
                        format!("does not list {t}"),
                    );
                    want.push((t.to_string(), c.sha256.clone()));
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
    let manifest_read = matches!(tag(bag::MANIFEST_FILE), TagRead::Read(_));
    let mut manifest_lines = Vec::new();
    if let TagRead::Read(bytes) = tag(bag::MANIFEST_FILE) {
        let (lines, bad) = bag::parse_manifest(&String::from_utf8_lossy(bytes));
        for b in bad {
            v.problem(ProblemKind::Bag, Some(bag::MANIFEST_FILE), b);
        }
        let mut listed = std::collections::HashSet::new();
        for l in &lines {
            if !l.path.starts_with("data/") {
                v.problem(
                    ProblemKind::Bag,
                    Some(bag::MANIFEST_FILE),
                    format!("lists {} outside data/", l.path),
                );
            }
            if !listed.insert(l.path.as_str()) {
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
                l,
            );
        }
        departures.push((
            bag::MANIFEST_FILE,
            expected::difference(expected::manifest(&lines).as_bytes(), bytes),
        ));
        manifest_lines = lines;
    }
    // Everything present that no manifest lists.
    let known: std::collections::HashSet<&str> = manifest_lines
        .iter()
        .map(|l| l.path.as_str())
        .chain(bag::TAG_FILES)
        .collect();
    for (rel, ix) in &by_rel {
        if rel.starts_with("data/") && !manifest_read {
            statuses.entry(rel.to_string()).or_insert(FileReport {
                path: rel.to_string(),
                status: FileStatus::Unverified,
                sha256: contents[ix[0]].as_ref().map(|c| c.sha256.clone()),
                expected: None,
            });
            continue;
        }
        if !known.contains(rel) {
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
                rel.to_string(),
                FileReport {
                    path: rel.to_string(),
                    status: FileStatus::Unexpected,
                    sha256: contents[ix[0]].as_ref().map(|c| c.sha256.clone()),
                    expected: None,
                },
            );
        }
    }

    // Zip CRCs: damage in a header's CRC field, or in data no manifest covers.
    for (i, e) in entries.iter().enumerate() {
        if let Some(c) = &contents[i] {
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
        .iter()
        .filter(|(r, _)| r.starts_with("data/"))
        .flat_map(|(_, ix)| ix.iter().copied())
        .collect();
    let octets: u64 = payload.iter().map(|&i| entries[i].size).sum();
    let actual_oxum = format!("{octets}.{}", payload.len());
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
        v.seal_sha256 = Some(c.sha256.clone());
    }
    if let TagRead::Read(bytes) = tag(bag::SEAL_FILE) {
        match record::from_bytes(bytes) {
            Err(e) => v.problem(ProblemKind::SealRecord, Some(bag::SEAL_FILE), e.to_string()),
            Ok(r) => {
                check_record(
                    &mut v,
                    &r,
                    &manifest_lines,
                    manifest_read,
                    &by_rel,
                    entries,
                    &contents,
                    root.as_deref(),
                    info_year.as_deref(),
                );
                if let TagRead::Read(info) = tag(bag::INFO_FILE) {
                    departures.push((
                        bag::INFO_FILE,
                        expected::difference(expected::info(&r).as_bytes(), info),
                    ));
                }
                departures.push((
                    bag::SEAL_FILE,
                    expected::difference(&record::to_bytes(&r), bytes),
                ));
                v.year = Some(r.year);
                v.root = Some(r.root.clone());
                if let Some(p) = &r.previous {
                    v.previous = Some(PreviousReport {
                        year: p.year,
                        sha256: p.sha256.clone(),
                        checked: false,
                    });
                    v.notes.push(format!(
                        "chained to the {} seal {}; pass --prev with that archive to check the chain",
                        p.year, p.sha256
                    ));
                }
                v.record = Some(r);
            }
        }
    }

    // Every tag file byte for byte what a seal writes for this payload.
    for (t, read) in &tags {
        let TagRead::Read(_) = read else {
            continue; // missing or unread: already said
        };
        let i = by_rel[t][0];
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
        let report = statuses.entry(t.to_string()).or_insert(FileReport {
            path: t.to_string(),
            status,
            sha256: first(t).map(|c| c.sha256.clone()),
            expected: None,
        });
        if report.status == FileStatus::Ok {
            report.status = status;
        }
    }
    for (t, read) in &tags {
        if let TagRead::Unread(_) = read {
            statuses.insert(
                t.to_string(),
                FileReport {
                    path: t.to_string(),
                    status: FileStatus::Unreadable,
                    sha256: first(t).map(|c| c.sha256.clone()),
                    expected: None,
                },
            );
        }
    }

    // The rule of the verdict: an entry no check covered and no problem names is a
    // problem of its own.
    let named: std::collections::HashSet<String> =
        v.problems.iter().filter_map(|p| p.path.clone()).collect();
    for (i, e) in entries.iter().enumerate() {
        if checked[i] {
            continue;
        }
        let shown_name = e.display_name();
        let rel = rel_of[i].as_deref();
        if named.contains(&shown_name) || rel.is_some_and(|r| named.contains(r)) {
            continue;
        }
        let why = if rel.is_some_and(|r| r.starts_with("data/")) && !manifest_read {
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
    v.manifest = manifest_lines;
    v.files = statuses.into_values().collect();
    v.status = if v.problems.is_empty() {
        Status::Intact
    } else {
        Status::Damaged
    };
    Ok(v)
}

/// The folder the bag lies in: the one holding `bagit.txt`, else the first name's first
/// component.
fn bag_root_of(entries: &[Entry]) -> Option<String> {
    let names: Vec<&str> = entries
        .iter()
        .filter_map(|e| std::str::from_utf8(&e.name).ok())
        .collect();
    names
        .iter()
        .find_map(|n| {
            let (r, rest) = n.split_once('/')?;
            (rest == bag::DECLARATION_FILE).then(|| r.to_string())
        })
        .or_else(|| {
            names
                .iter()
                .find_map(|n| n.split_once('/').map(|(r, _)| r.to_string()))
        })
}

/// One manifest line against what is in the archive; each entry whose bytes match it is
/// marked in `checked` when given.
#[allow(clippy::too_many_arguments)]
fn compare(
    v: &mut Verification,
    statuses: &mut BTreeMap<String, FileReport>,
    altered: &mut std::collections::HashSet<usize>,
    mut checked: Option<&mut Vec<bool>>,
    by_rel: &BTreeMap<&str, Vec<usize>>,
    contents: &[Option<Content>],
    l: &bag::ManifestLine,
) {
    let path = l.path.as_str();
    let (status, actual) = match by_rel.get(path) {
        None => {
            v.problem(
                ProblemKind::Missing,
                Some(path),
                "listed in the manifest, not in the archive",
            );
            (FileStatus::Missing, None)
        }
        Some(ix) => {
            let mut status = FileStatus::Ok;
            let mut actual = None;
            for &i in ix {
                match &contents[i] {
                    None => {
                        v.problem(
                            ProblemKind::Unreadable,
                            Some(path),
                            "cannot be hashed (compressed or cut short)",
                        );
                        status = FileStatus::Unreadable;
                    }
                    Some(c) => {
                        if c.sha256 != l.sha256 {
                            v.mismatch(
                                ProblemKind::Altered,
                                Some(path),
                                "its bytes differ from the hash its manifest records",
                                l.sha256.clone(),
                                c.sha256.clone(),
                            );
                            altered.insert(i);
                            status = FileStatus::Altered;
                        } else if let Some(checked) = checked.as_deref_mut() {
                            checked[i] = true;
                        }
                        actual = Some(c.sha256.clone());
                    }
                }
            }
            (status, actual)
        }
    };
    statuses.insert(
        path.to_string(),
        FileReport {
            path: path.to_string(),
            status,
            sha256: actual,
            expected: (status != FileStatus::Ok).then(|| l.sha256.clone()),
        },
    );
}

#[allow(clippy::too_many_arguments)]
fn check_record(
    v: &mut Verification,
    r: &SealRecord,
    manifest: &[bag::ManifestLine],
    have_manifest: bool,
    by_rel: &BTreeMap<&str, Vec<usize>>,
    entries: &[Entry],
    contents: &[Option<Content>],
    root: Option<&str>,
    info_year: Option<&str>,
) {
    let seal = Some(bag::SEAL_FILE);
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
    for f in &r.entries {
        if let Some(e) = by_rel.get(f.path.as_str()).map(|ix| &entries[ix[0]]) {
            if e.size != f.bytes {
                v.mismatch(
                    ProblemKind::SealRecord,
                    Some(&f.path),
                    "the seal record's size differs from the file's",
                    f.bytes.to_string(),
                    e.size.to_string(),
                );
            }
        }
        if let Some(why) = role_mismatch(f) {
            v.problem(ProblemKind::SealRecord, Some(&f.path), why);
        }
    }
    let want_root = bag::bag_root(r.year);
    if root != Some(want_root.as_str()) {
        v.mismatch(
            ProblemKind::Bag,
            None,
            "the bag folder is not named after the seal's year",
            want_root,
            root.unwrap_or("(none)"),
        );
    }
    if info_year != Some(r.year.to_string().as_str()) {
        v.mismatch(
            ProblemKind::SealRecord,
            seal,
            format!("the year in {} differs from the seal's", bag::INFO_FILE),
            r.year.to_string(),
            info_year.unwrap_or("(none)"),
        );
    }
    if have_manifest {
        let leaves: Vec<merkle::Hash> = manifest
            .iter()
            .map(|l| merkle::leaf_hash(l.text.as_bytes()))
            .collect();
        let actual = hex(&merkle::root(&leaves));
        if actual != r.root {
            v.mismatch(
                ProblemKind::MerkleRoot,
                seal,
                "the Merkle root over the manifest differs from the seal's",
                r.root.clone(),
                actual,
            );
        }
        if manifest.len() as u64 != r.files {
            v.mismatch(
                ProblemKind::SealRecord,
                seal,
                "the manifest's file count differs from the seal's",
                r.files.to_string(),
                manifest.len().to_string(),
            );
        }
        let listed: HashMap<&str, &str> = manifest
            .iter()
            .map(|l| (l.path.as_str(), l.sha256.as_str()))
            .collect();
        let recorded: std::collections::HashSet<&str> =
            r.entries.iter().map(|f| f.path.as_str()).collect();
        for f in &r.entries {
            match listed.get(f.path.as_str()) {
                None => v.problem(
                    ProblemKind::SealRecord,
                    Some(&f.path),
                    "in the seal record, not in the manifest",
                ),
                Some(sha) if *sha != f.sha256 => v.mismatch(
                    ProblemKind::SealRecord,
                    Some(&f.path),
                    "the seal record's hash differs from the manifest's",
                    f.sha256.clone(),
                    sha.to_string(),
                ),
                Some(_) => {}
            }
        }
        for l in manifest {
            if !recorded.contains(l.path.as_str()) {
                v.problem(
                    ProblemKind::SealRecord,
                    Some(&l.path),
                    "in the manifest, not in the seal record",
                );
            }
        }
    }
    let recorded_bytes: u64 = r.entries.iter().map(|f| f.bytes).sum();
    if recorded_bytes != r.bytes || r.entries.len() as u64 != r.files {
        v.problem(
            ProblemKind::SealRecord,
            seal,
            "the payload totals disagree with the files listed",
        );
    }
    // Links between reports and originals.
    let by_path: HashMap<&str, &record::RecordFile> =
        r.entries.iter().map(|f| (f.path.as_str(), f)).collect();
    for f in &r.entries {
        match (f.role, &f.link) {
            (Role::Original, None) => {
                if f.note.is_none() {
                    v.problem(
                        ProblemKind::Link,
                        Some(&f.path),
                        "an original with neither a report nor a note",
                    );
                }
            }
            (Role::Original, Some(rp)) => {
                let back = by_path.get(rp.as_str());
                if !back.is_some_and(|b| b.role == Role::Report && b.link.as_ref() == Some(&f.path))
                {
                    v.problem(
                        ProblemKind::Link,
                        Some(&f.path),
                        format!("its report {rp} does not name it back"),
                    );
                }
            }
            (Role::Report, None) => v.problem(
                ProblemKind::Link,
                Some(&f.path),
                "a report without its original",
            ),
            (Role::Report, Some(op)) => {
                let Some(orig) = by_path
                    .get(op.as_str())
                    .filter(|o| o.role == Role::Original)
                else {
                    v.problem(
                        ProblemKind::Link,
                        Some(&f.path),
                        format!("its original {op} is not in the seal record"),
                    );
                    continue;
                };
                let Some(xml) = by_rel
                    .get(f.path.as_str())
                    .and_then(|ix| contents[ix[0]].as_ref())
                else {
                    continue; // missing or unreadable: already said
                };
                match xml.source_sha256.clone() {
                    None => v.problem(
                        ProblemKind::Link,
                        Some(&f.path),
                        "the report names no source/@sha256",
                    ),
                    Some(s) => {
                        if s != orig.sha256 {
                            v.mismatch(
                                ProblemKind::Link,
                                Some(&f.path),
                                format!("source/@sha256 does not name its original {op}"),
                                orig.sha256.clone(),
                                s,
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The codes of the notes a seal writes on an original it archived without a report.
const NOTE_CODES: [&str; 2] = ["too-large", "not-extracted"];

/// Why a record entry is not one a seal writes for its role, if it is not: originals lie
/// under `data/originals/`, an original's report at `data/xml/<its path>.xml`, a report's
/// origin is `extracted` or `given`, and an original with a report has no note.
fn role_mismatch(f: &record::RecordFile) -> Option<String> {
    let rest = |p: &str| p.strip_prefix("data/originals/").map(str::to_string);
    let report_of = |orig: &str| rest(orig).map(|r| format!("data/xml/{r}.xml"));
    match f.role {
        Role::Original => {
            if rest(&f.path).is_none() {
                return Some("an original outside data/originals/".into());
            }
            if f.origin.is_some() {
                return Some("an original with an origin".into());
            }
            match (&f.link, &f.note) {
                (Some(l), _) if Some(l) != report_of(&f.path).as_ref() => {
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
                Some(l) if report_of(l).as_ref() != Some(&f.path) => {
                    Some(format!("not at the report path of its original {l}"))
                }
                _ => None,
            }
        }
    }
}

/// The archive's file list as `list` shows it, from the seal record and manifest alone.
pub fn entries_for_display(v: &Verification) -> Vec<(String, u64, String, String)> {
    let Some(r) = &v.record else {
        return Vec::new();
    };
    r.entries
        .iter()
        .map(|f| {
            let what = match (f.role, &f.note) {
                (Role::Original, Some((code, _))) => format!("original ({code})"),
                (Role::Original, None) => "original".to_string(),
                (Role::Report, _) => {
                    format!("report ({})", f.origin.as_deref().unwrap_or("?"))
                }
            };
            (f.path.clone(), f.bytes, f.sha256.clone(), what)
        })
        .collect()
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
        for f in &self.files {
            write!(out, "{:<11} {}", f.status.as_str(), f.path)?;
            if f.status == FileStatus::Altered {
                if let (Some(e), Some(a)) = (&f.expected, &f.sha256) {
                    write!(out, "  expected {e} actual {a}")?;
                }
            }
            writeln!(out)?;
        }
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

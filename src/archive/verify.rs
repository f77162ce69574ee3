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
use super::merkle;
use super::record::{self, Previous, Role, SealRecord};
use super::ArchiveError;
use crate::input::hex;

/// The largest tag file or report XML read into memory for its checks.
pub const MAX_KEPT_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// A file's bytes differ from its manifest's hash.
    Altered,
    /// Listed but not in the archive.
    Missing,
    /// In the archive but not listed (or outside the bag).
    Unexpected,
    /// Present but cannot be hashed: compressed, or cut short.
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
    /// Whether `--prev` was given and matched.
    pub checked: bool,
}

impl Verification {
    pub fn status(&self) -> Status {
        self.status
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
        check_chain(&mut v, &pv);
    }
    Ok(v)
}

/// The chain: this seal names the previous archive's seal record by its SHA-256 and year,
/// and the previous archive is itself intact.
pub fn check_chain(v: &mut Verification, prev: &Verification) {
    v.notes.retain(|n| !n.starts_with("chained to"));
    if prev.status != Status::Intact {
        v.problem(
            ProblemKind::Chain,
            None,
            format!(
                "the previous archive {} is damaged ({} problems)",
                prev.archive,
                prev.problems.len()
            ),
        );
    }
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
            if let Some(p) = v.previous.as_mut() {
                p.checked = true;
            }
        }
    }
    v.status = if v.problems.is_empty() {
        Status::Intact
    } else {
        Status::Damaged
    };
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
    All,
    Head,
}

fn keep(rel: Option<&str>) -> Keep {
    match rel {
        Some(r) if bag::TAG_FILES.contains(&r) => Keep::All,
        Some(r) if r.starts_with("data/xml/") => Keep::Head,
        _ => Keep::Nothing,
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
        Keep::All => ((e.stored <= MAX_KEPT_BYTES).then(Vec::new), usize::MAX),
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
    let kept_text = |rel: &str| -> Option<String> {
        first(rel)
            .and_then(|c| c.kept.as_ref())
            .map(|b| String::from_utf8_lossy(b).into_owned())
    };

    // bagit.txt
    match by_rel.get(bag::DECLARATION_FILE) {
        None => v.problem(
            ProblemKind::Missing,
            Some(bag::DECLARATION_FILE),
            "tag file missing",
        ),
        Some(_) => {
            if kept_text(bag::DECLARATION_FILE).as_deref() != Some(bag::DECLARATION) {
                v.problem(
                    ProblemKind::Bag,
                    Some(bag::DECLARATION_FILE),
                    "not the BagIt 1.0 declaration",
                );
            }
        }
    }

    // Tag manifest over the other tag files.
    let mut altered: std::collections::HashSet<usize> = std::collections::HashSet::new();
    let mut statuses: BTreeMap<String, FileReport> = BTreeMap::new();
    let mut tag_listed = std::collections::HashSet::new();
    match kept_text(bag::TAG_MANIFEST_FILE) {
        None => {
            if !by_rel.contains_key(bag::TAG_MANIFEST_FILE) {
                v.problem(
                    ProblemKind::Missing,
                    Some(bag::TAG_MANIFEST_FILE),
                    "tag file missing",
                );
            }
        }
        Some(text) => {
            let (lines, bad) = bag::parse_manifest(&text);
            for b in bad {
                v.problem(ProblemKind::Bag, Some(bag::TAG_MANIFEST_FILE), b);
            }
            for l in lines {
                tag_listed.insert(l.path.clone());
                compare(&mut v, &mut statuses, &mut altered, &by_rel, &contents, &l);
            }
        }
    }
    for t in bag::TAG_FILES {
        if t != bag::TAG_MANIFEST_FILE
            && !tag_listed.is_empty()
            && !tag_listed.contains(t)
            && by_rel.contains_key(t)
        {
            v.problem(ProblemKind::Bag, Some(t), "not listed in the tag manifest");
        }
    }

    // Manifest over the payload.
    let manifest_text = kept_text(bag::MANIFEST_FILE);
    let mut manifest_lines = Vec::new();
    match &manifest_text {
        None => {
            if !by_rel.contains_key(bag::MANIFEST_FILE) {
                v.problem(
                    ProblemKind::Missing,
                    Some(bag::MANIFEST_FILE),
                    "tag file missing",
                );
            }
        }
        Some(text) => {
            let (lines, bad) = bag::parse_manifest(text);
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
                if !listed.insert(l.path.clone()) {
                    v.problem(
                        ProblemKind::Bag,
                        Some(bag::MANIFEST_FILE),
                        format!("lists {} twice", l.path),
                    );
                }
                compare(&mut v, &mut statuses, &mut altered, &by_rel, &contents, l);
            }
            manifest_lines = lines;
        }
    }
    // Everything present that no manifest lists.
    let known: std::collections::HashSet<&str> = manifest_lines
        .iter()
        .map(|l| l.path.as_str())
        .chain(tag_listed.iter().map(String::as_str))
        .chain(bag::TAG_FILES)
        .collect();
    for (rel, ix) in &by_rel {
        if rel.starts_with("data/") && manifest_text.is_none() {
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
    if manifest_text.is_none() && by_rel.keys().any(|r| r.starts_with("data/")) {
        v.notes
            .push("without the manifest no payload file can be checked".into());
    }
    if let Some(tm) = first(bag::TAG_MANIFEST_FILE) {
        statuses
            .entry(bag::TAG_MANIFEST_FILE.to_string())
            .or_insert(FileReport {
                path: bag::TAG_MANIFEST_FILE.into(),
                status: FileStatus::Ok,
                sha256: Some(tm.sha256.clone()),
                expected: None,
            });
    }
    if let Some(d) = first(bag::DECLARATION_FILE) {
        statuses
            .entry(bag::DECLARATION_FILE.to_string())
            .or_insert(FileReport {
                path: bag::DECLARATION_FILE.into(),
                status: FileStatus::Ok,
                sha256: Some(d.sha256.clone()),
                expected: None,
            });
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
    let info = kept_text(bag::INFO_FILE).map(|t| bag::parse_info(&t));
    let info_year = match &info {
        None => {
            if !by_rel.contains_key(bag::INFO_FILE) {
                v.problem(
                    ProblemKind::Missing,
                    Some(bag::INFO_FILE),
                    "tag file missing",
                );
            }
            None
        }
        Some(info) => {
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
            info.iter()
                .find(|(k, _)| k == bag::YEAR_LABEL)
                .map(|(_, y)| y.clone())
        }
    };

    // The seal record.
    let record_bytes = first(bag::SEAL_FILE).and_then(|c| c.kept.clone());
    if let Some(c) = first(bag::SEAL_FILE) {
        v.seal_sha256 = Some(c.sha256.clone());
    }
    match record_bytes.map(|b| record::from_bytes(&b)) {
        None => {
            if !by_rel.contains_key(bag::SEAL_FILE) {
                v.problem(
                    ProblemKind::Missing,
                    Some(bag::SEAL_FILE),
                    "the seal record is missing",
                );
            }
        }
        Some(Err(e)) => v.problem(ProblemKind::SealRecord, Some(bag::SEAL_FILE), e.to_string()),
        Some(Ok(r)) => {
            check_record(
                &mut v,
                &r,
                &manifest_lines,
                manifest_text.is_some(),
                &by_rel,
                &contents,
                root.as_deref(),
                info_year.as_deref(),
            );
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

/// One manifest line against what is in the archive.
fn compare(
    v: &mut Verification,
    statuses: &mut BTreeMap<String, FileReport>,
    altered: &mut std::collections::HashSet<usize>,
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
    contents: &[Option<Content>],
    root: Option<&str>,
    info_year: Option<&str>,
) {
    let seal = Some(bag::SEAL_FILE);
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
    /// verdict.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        for f in &self.files {
            let _ = write!(s, "{:<11} {}", f.status.as_str(), f.path);
            if f.status == FileStatus::Altered {
                let _ = write!(
                    s,
                    "  expected {} actual {}",
                    f.expected.as_deref().unwrap_or("?"),
                    f.sha256.as_deref().unwrap_or("?")
                );
            }
            s.push('\n');
        }
        if !self.problems.is_empty() {
            let _ = writeln!(s, "\n{} problems:", self.problems.len());
            for p in &self.problems {
                let kind = serde_json::to_value(p.kind)
                    .ok()
                    .and_then(|k| k.as_str().map(str::to_string))
                    .unwrap_or_default();
                let _ = write!(s, "  {kind}: ");
                if let Some(path) = &p.path {
                    let _ = write!(s, "{path}: ");
                }
                s.push_str(&p.message);
                if let (Some(e), Some(a)) = (&p.expected, &p.actual) {
                    let _ = write!(s, " (expected {e}, actual {a})");
                }
                s.push('\n');
            }
        }
        for n in &self.notes {
            let _ = writeln!(s, "note: {n}");
        }
        match self.status {
            Status::Intact => {
                let _ = writeln!(
                    s,
                    "{}: intact — year {}, {} files, Merkle root {}, seal sha256 {}",
                    self.archive,
                    self.year.map_or("?".into(), |y| y.to_string()),
                    self.files.len(),
                    self.root.as_deref().unwrap_or("?"),
                    self.seal_sha256.as_deref().unwrap_or("?"),
                );
            }
            Status::Damaged => {
                let _ = writeln!(
                    s,
                    "{}: DAMAGED — {} problems",
                    self.archive,
                    self.problems.len()
                );
            }
        }
        s
    }
}

//! Gathering reports for the commands that work across many: files or folders of canonical
//! XML (read back) and of original reports (extracted on the fly), one report per source.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::batch::walk::{walk, Skipped};
use crate::input::Input;
use crate::model::Report;
use crate::ExtractOptions;

/// A report and where it came from.
#[derive(Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub report: Report,
    /// Read from canonical XML (as opposed to extracted now).
    pub from_xml: bool,
}

/// An input that gave no report, and why.
#[derive(Debug, PartialEq, Eq)]
pub struct Failure {
    pub path: PathBuf,
    pub reason: String,
}

/// What the inputs gave.
#[derive(Debug, Default)]
pub struct Collected {
    /// The reports, sorted by issuer, year, source name and hash.
    pub reports: Vec<Loaded>,
    /// Inputs read that hold no report (template `none`), in the same order: listed
    /// apart, never counted as reports.
    pub no_report: Vec<Loaded>,
    pub failures: Vec<Failure>,
    /// What the walk passed over ([`crate::batch::walk`]).
    pub skipped: Skipped,
    /// Every input that is no canonical XML, by the SHA-256 of its bytes (the first of
    /// several alike): the originals that reports read from XML may name.
    pub originals: BTreeMap<String, PathBuf>,
}

/// Reads every input, folders walked by the rules of [`crate::batch::walk`] (`output`, the file or
/// folder the command writes, is never read). Canonical XML is read back, and so are the
/// reports inside a sealed archive (a zip that is no document: [`is_archive`]); any other
/// file is extracted. A source seen twice (its XML and the original beside it) is kept
/// once, XML first.
pub fn load_all(inputs: &[PathBuf], options: &ExtractOptions, output: Option<&Path>) -> Collected {
    let limits = &options.limits;
    let walked = walk(inputs, output).without_page_folders();
    let mut failures: Vec<Failure> = walked
        .refused
        .into_iter()
        .map(|r| Failure {
            path: r.path,
            reason: r.reason,
        })
        .collect();
    let mut loaded: Vec<Loaded> = Vec::new();
    let mut originals = Vec::new();
    for path in walked.files.into_iter().map(|f| f.path) {
        if is_archive(&path) {
            // A sealed year: its canonical XML reports.
            match crate::archive::list::xml_reports(&path) {
                Ok(reports) => {
                    for (name, bytes) in reports {
                        let at = path.join(&name);
                        match crate::writers::xml::from_bytes(&bytes) {
                            Ok(report) => loaded.push(Loaded {
                                path: at,
                                report,
                                from_xml: true,
                            }),
                            Err(e) => failures.push(Failure {
                                path: at,
                                reason: e.to_string(),
                            }),
                        }
                    }
                }
                Err(e) => failures.push(Failure {
                    path,
                    reason: e.to_string(),
                }),
            }
            continue;
        }
        let input = match Input::from_path(&path, limits.max_input_bytes) {
            Ok(input) => input,
            Err(e) => {
                failures.push(Failure {
                    path,
                    reason: e.to_string(),
                });
                continue;
            }
        };
        if is_canonical_xml(&input.bytes) {
            match crate::writers::xml::from_bytes(&input.bytes) {
                Ok(report) => loaded.push(Loaded {
                    path,
                    report,
                    from_xml: true,
                }),
                Err(e) => failures.push(Failure {
                    path,
                    reason: e.to_string(),
                }),
            }
        } else {
            originals.push((path, input));
        }
    }
    let known: BTreeSet<String> = loaded
        .iter()
        .map(|l| l.report.meta.source.sha256.clone())
        .collect();
    let mut seen = known;
    let mut by_sha = BTreeMap::new();
    originals.retain(|(path, input)| {
        let sha = input.sha256();
        by_sha.entry(sha.clone()).or_insert_with(|| path.clone());
        seen.insert(sha)
    });
    // Extracted in parallel (on the caller's rayon pool), kept in input order.
    let extracted: Vec<Result<Loaded, Failure>> = originals
        .into_par_iter()
        .map(|(path, input)| match crate::extract(&input, options) {
            Ok(report) => Ok(Loaded {
                path,
                report,
                from_xml: false,
            }),
            Err(e) => Err(Failure {
                path,
                reason: e.to_string(),
            }),
        })
        .collect();
    for result in extracted {
        match result {
            Ok(l) => loaded.push(l),
            Err(f) => failures.push(f),
        }
    }
    let mut dedup = BTreeSet::new();
    loaded.retain(|l| dedup.insert(l.report.meta.source.sha256.clone()));
    loaded.sort_by_key(|a| sort_key(&a.report));
    let (no_report, reports) = loaded
        .into_iter()
        .partition(|l| l.report.meta.template.is_none());
    Collected {
        reports,
        no_report,
        failures,
        skipped: walked.skipped,
        originals: by_sha,
    }
}

fn sort_key(r: &Report) -> (String, Option<u16>, String, String) {
    (
        r.meta.issuer.clone().unwrap_or_default(),
        r.meta.year,
        r.meta.source.name.clone(),
        r.meta.source.sha256.clone(),
    )
}

/// A zip that is no document (DOCX, ODT, OFD, XLSX): a sealed archive, or what claims to
/// be one (its reading says what is wrong with it).
pub fn is_archive(path: &Path) -> bool {
    use crate::input::{sniff_file, Format};
    matches!(sniff_file(path), Ok(Format::Archive | Format::Zip))
}

/// Canonical XML names the report namespace near its start.
pub fn is_canonical_xml(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    head.starts_with(b"<?xml")
        && head
            .windows(crate::writers::xml::NAMESPACE.len())
            .any(|w| w == crate::writers::xml::NAMESPACE.as_bytes())
}

//! Gathering reports for the commands that work across many: files or folders of canonical
//! XML (read back) and of original reports (extracted on the fly), one report per source.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

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

/// Reads every input (folders recursively, in name order). Canonical XML is read back, and
/// so are the reports inside a sealed archive; any other file is extracted. A source seen twice (its XML and the original beside it) is
/// kept once, XML first. Reports come sorted by issuer, year, source name and hash.
pub fn load_all(inputs: &[PathBuf], limits: &crate::Limits) -> (Vec<Loaded>, Vec<Failure>) {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    for input in inputs {
        if input.is_dir() {
            walk(input, &mut files, &mut failures);
        } else {
            files.push(input.clone());
        }
    }
    let mut loaded: Vec<Loaded> = Vec::new();
    let mut originals = Vec::new();
    for path in files {
        if is_zip(&path) {
            // A sealed year: its canonical XML reports.
            match crate::archive::list::xml_reports(&path) {
                Ok(reports) => {
                    for (name, bytes) in reports {
                        let at = path.join(&name);
                        match crate::xml::from_bytes(&bytes) {
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
        match Input::from_path(&path, limits.max_input_bytes) {
            Err(e) => failures.push(Failure {
                path,
                reason: e.to_string(),
            }),
            Ok(input) if is_canonical_xml(&input.bytes) => {
                match crate::xml::from_bytes(&input.bytes) {
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
            }
            Ok(input) => originals.push((path, input)),
        }
    }
    let known: BTreeSet<String> = loaded
        .iter()
        .map(|l| l.report.meta.source.sha256.clone())
        .collect();
    let mut seen = known;
    for (path, input) in originals {
        let sha = input.sha256();
        if !seen.insert(sha) {
            continue;
        }
        match crate::extract(
            &input,
            &ExtractOptions {
                from: None,
                limits: *limits,
            },
        ) {
            Ok(report) => loaded.push(Loaded {
                path,
                report,
                from_xml: false,
            }),
            Err(e) => failures.push(Failure {
                path,
                reason: e.to_string(),
            }),
        }
    }
    let mut dedup = BTreeSet::new();
    loaded.retain(|l| dedup.insert(l.report.meta.source.sha256.clone()));
    loaded.sort_by_key(|a| sort_key(&a.report));
    (loaded, failures)
}

fn sort_key(r: &Report) -> (String, Option<u16>, String, String) {
    (
        r.meta.issuer.clone().unwrap_or_default(),
        r.meta.year,
        r.meta.source.name.clone(),
        r.meta.source.sha256.clone(),
    )
}

/// A zip (a sealed archive) by its first bytes.
pub fn is_zip(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && magic == *b"PK\x03\x04"
}

/// Canonical XML names the report namespace near its start.
pub fn is_canonical_xml(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    head.starts_with(b"<?xml")
        && head
            .windows(crate::xml::NAMESPACE.len())
            .any(|w| w == crate::xml::NAMESPACE.as_bytes())
}

/// Regular files below a folder, in name order; hidden files, symlinks and special files
/// are passed over (a symlink could lead out of the folder).
fn walk(dir: &Path, files: &mut Vec<PathBuf>, failures: &mut Vec<Failure>) {
    let mut stack = vec![dir.to_path_buf()];
    let mut found = Vec::new();
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                failures.push(Failure {
                    path: d,
                    reason: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() => found.push(path),
                _ => {}
            }
        }
    }
    found.sort();
    files.extend(found);
}

//! Batch conversion of a crawl: every file under the input folders to canonical XML under
//! the output folder, in parallel, resumable, one bad file never stopping the run.
//!
//! Memory stays bounded by the largest file: each worker holds one input and one report at
//! a time, and a run keeps only the list of paths and the failures.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

use crate::batch::output::{write_atomically, Durability};
use crate::batch::walk::{walk, Skipped};
use crate::input::Input;
use crate::template::Templates;
use crate::{ExtractOptions, Limits};

/// One file to convert, and where its XML goes (relative to the output folder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub input: PathBuf,
    pub output: PathBuf,
    /// Why the walk did not take the input (then it is not read).
    pub refused: Option<String>,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Converted,
    /// Its XML exists and records this very input (same SHA-256).
    Skipped,
    /// The input is canonical XML already (an earlier run's output): not converted, so
    /// that no `x.xml.xml` is made and no old report passes for a new one.
    AlreadyXml,
    Failed(Failure),
    /// The run stopped (an output error without --keep-going) before this file.
    NotAttempted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub reason: String,
    pub class: FailureClass,
}

/// Why a file failed, as `_errors.jsonl` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureClass {
    /// The input is unusable (what `extract` exits 2 for).
    Input,
    /// Its XML could not be written (what `extract` exits 3 for).
    Output,
    /// gongkai itself failed on it (a bug: please report the file).
    Panic,
}

impl FailureClass {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureClass::Input => "input",
            FailureClass::Output => "output",
            FailureClass::Panic => "panic",
        }
    }
}

pub struct ConvertOptions {
    pub output: PathBuf,
    pub jobs: usize,
    pub force: bool,
    pub keep_going: bool,
    pub limits: Limits,
    /// The templates reports are read with.
    pub templates: Arc<Templates>,
}

/// An input of a run that cannot be found (or looked at).
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct MissingInput {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// The files of a run, walked by the rules of [`crate::batch::walk`] (the output folder never
/// read), and what the walk skipped. An entry the walk refused (a link, a FIFO, an
/// unreadable folder) is a job that fails with the reason. With one input folder, outputs
/// mirror its tree; with several, each keeps its folder's name. An input that does not
/// exist is an argument error.
pub fn plan(inputs: &[PathBuf], output: &Path) -> Result<(Vec<Job>, Skipped), MissingInput> {
    for input in inputs {
        std::fs::metadata(input).map_err(|e| MissingInput {
            path: input.clone(),
            source: e,
        })?;
    }
    let several = inputs.len() > 1;
    let walked = walk(inputs, Some(output));
    let mut jobs: Vec<Job> = walked
        .files
        .into_iter()
        .map(|f| {
            let input = &inputs[f.arg];
            let base = match input.file_name() {
                Some(name) if several && input.is_dir() => PathBuf::from(name),
                _ => PathBuf::new(),
            };
            Job {
                output: xml_name(&base.join(&f.rel)),
                input: f.path,
                refused: None,
            }
        })
        .collect();
    jobs.extend(walked.refused.into_iter().map(|r| Job {
        input: r.path,
        output: PathBuf::new(),
        refused: Some(r.reason),
    }));
    Ok((jobs, walked.skipped))
}

fn xml_name(rel: &Path) -> PathBuf {
    let mut name = rel.as_os_str().to_os_string();
    name.push(".xml");
    PathBuf::from(name)
}

/// Converts every job, `report` called as each finishes (from worker threads). Returns the
/// outcomes in job order.
pub fn run(
    jobs: &[Job],
    opts: &ConvertOptions,
    report: &(dyn Fn(&Job, &Outcome) + Sync),
) -> Vec<Outcome> {
    let stop = AtomicBool::new(false);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build();
    let work = || -> Vec<Outcome> {
        jobs.par_iter()
            .map(|job| {
                let outcome = if stop.load(Ordering::Relaxed) {
                    Outcome::NotAttempted
                } else {
                    convert_one(job, opts)
                };
                if let Outcome::Failed(Failure {
                    class: FailureClass::Output,
                    ..
                }) = &outcome
                {
                    if !opts.keep_going {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
                report(job, &outcome);
                outcome
            })
            .collect()
    };
    // A panic in one file is that file's failure: keep the default hook's message out of
    // the progress output while the run lasts.
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let outcomes = match pool {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    };
    panic::set_hook(hook);
    outcomes
}

fn convert_one(job: &Job, opts: &ConvertOptions) -> Outcome {
    let failed = |class, reason: String| Outcome::Failed(Failure { reason, class });
    if let Some(reason) = &job.refused {
        return failed(FailureClass::Input, reason.clone());
    }
    let input = match Input::from_path(&job.input, opts.limits.max_input_bytes) {
        Ok(i) => i,
        Err(e) => return failed(FailureClass::Input, e.to_string()),
    };
    if crate::batch::collect::is_canonical_xml(&input.bytes) {
        return Outcome::AlreadyXml;
    }
    let target = opts.output.join(&job.output);
    let sha = input.sha256();
    if !opts.force
        && recorded_source(&target).as_deref() == Some(sha.as_str())
        && is_complete(&target)
    {
        return Outcome::Skipped;
    }
    let options = ExtractOptions {
        from: None,
        limits: opts.limits,
        templates: Arc::clone(&opts.templates),
    };
    let extracted = panic::catch_unwind(AssertUnwindSafe(|| {
        if crate::test_hooks::panic_on(job.input.file_name()) {
            panic!("test hook");
        }
        crate::extract(&input, &options)
    }));
    let report = match extracted {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return failed(FailureClass::Input, e.to_string()),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            return failed(
                FailureClass::Panic,
                format!("gongkai failed on this file (please report it): {what}"),
            );
        }
    };
    let bytes = crate::writers::xml::to_bytes(&report);
    // Not synced: thousands of fsyncs would dominate a run, and a file a power cut
    // emptied or cut short is converted again on the next run (`is_complete`).
    let written = match target.parent() {
        Some(dir) => std::fs::create_dir_all(dir),
        None => Ok(()),
    }
    .and_then(|()| write_atomically(&target, &bytes, Durability::Renamed));
    match written {
        Ok(()) => Outcome::Converted,
        Err(e) => failed(
            FailureClass::Output,
            format!("cannot write {}: {e}", target.display()),
        ),
    }
}

/// True when an existing output ends as every report does: a file cut short is redone.
fn is_complete(xml: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    const END: &[u8] = b"</report>\n";
    let mut tail = [0u8; END.len()];
    std::fs::File::open(xml)
        .and_then(|mut f| {
            f.seek(SeekFrom::End(-(END.len() as i64)))?;
            f.read_exact(&mut tail)
        })
        .is_ok_and(|()| tail == END)
}

/// The source SHA-256 an existing output records, read from its first bytes.
fn recorded_source(xml: &Path) -> Option<String> {
    use std::io::Read;
    let mut head = vec![0u8; 4096];
    let n = std::fs::File::open(xml)
        .and_then(|mut f| f.read(&mut head))
        .ok()?;
    // The first bytes may end inside a character; the attribute sought is ASCII.
    let head = String::from_utf8_lossy(&head[..n]);
    let source = &head[head.find("<source ")?..];
    let source = &source[..source.find("/>")?];
    let at = source.find(" sha256=\"")? + 9;
    source.get(at..at + 64).map(str::to_string)
}

/// The failures of a run as JSON lines (`path`, `reason`, `class`), in path order.
pub fn errors_jsonl(jobs: &[Job], outcomes: &[Outcome]) -> String {
    let mut lines: Vec<(String, String)> = jobs
        .iter()
        .zip(outcomes)
        .filter_map(|(job, o)| match o {
            Outcome::Failed(f) => Some((
                job.input.display().to_string(),
                serde_json::json!({
                    "path": job.input.display().to_string(),
                    "reason": f.reason,
                    "class": f.class.as_str(),
                })
                .to_string(),
            )),
            _ => None,
        })
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, l)| l + "\n").collect()
}

/// `1,234 converted, 12 skipped, 3 failed`
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub converted: usize,
    pub skipped: usize,
    pub failed: usize,
    pub not_attempted: usize,
    pub already_xml: usize,
}

impl Summary {
    pub fn plus(self, other: Summary) -> Summary {
        Summary {
            converted: self.converted + other.converted,
            skipped: self.skipped + other.skipped,
            failed: self.failed + other.failed,
            not_attempted: self.not_attempted + other.not_attempted,
            already_xml: self.already_xml + other.already_xml,
        }
    }

    pub fn of(outcomes: &[Outcome]) -> Summary {
        let mut s = Summary::default();
        for o in outcomes {
            match o {
                Outcome::Converted => s.converted += 1,
                Outcome::Skipped => s.skipped += 1,
                Outcome::Failed(_) => s.failed += 1,
                Outcome::NotAttempted => s.not_attempted += 1,
                Outcome::AlreadyXml => s.already_xml += 1,
            }
        }
        s
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} converted, {} skipped, {} failed",
            thousands(self.converted),
            thousands(self.skipped),
            thousands(self.failed)
        )?;
        if self.not_attempted > 0 {
            write!(f, ", {} not attempted", thousands(self.not_attempted))?;
        }
        if self.already_xml > 0 {
            write!(
                f,
                ", {} already canonical XML (not converted)",
                thousands(self.already_xml)
            )?;
        }
        Ok(())
    }
}

pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_read_like_the_issue_says() {
        let s = Summary {
            converted: 1234,
            skipped: 12,
            failed: 3,
            not_attempted: 0,
            already_xml: 0,
        };
        assert_eq!(s.to_string(), "1,234 converted, 12 skipped, 3 failed");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn the_recorded_source_is_read_from_the_head() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.xml");
        std::fs::write(&p, format!("<?xml version=\"1.0\"?>\n<report><meta><source name=\"x\" media-type=\"t\" bytes=\"1\" sha256=\"{}\"/></meta>", "ab".repeat(32))).unwrap();
        assert_eq!(recorded_source(&p), Some("ab".repeat(32)));
        assert_eq!(recorded_source(&dir.path().join("none.xml")), None);
    }
}

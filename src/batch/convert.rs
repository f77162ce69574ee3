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

use sha2::{Digest, Sha256};

use crate::batch::output::{write_atomically, Durability};
use crate::batch::walk::{walk, Skipped, ERRORS_FILE};
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

/// One part of a run split over machines (`--shard K/N`): the files whose relative path
/// hashes to `index - 1` modulo `count`. Which shard a file falls in depends on nothing but
/// its path relative to the input folder, so N machines sharing the folder (or an object
/// store mounted as one) partition it alike, and together convert each file exactly once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1 to `count`.
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `K/N` with 1 ≤ K ≤ N.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("{s:?} is not a shard: give K/N with 1 <= K <= N, e.g. 1/4");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let parse = |t: &str| {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            t.parse::<u64>().ok()
        };
        match (parse(k), parse(n)) {
            (Some(index), Some(count)) if index >= 1 && index <= count => {
                Ok(Shard { index, count })
            }
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether the file at `rel` (relative to the input folder) is this shard's: the first
    /// eight bytes of the SHA-256 of the path's bytes with `/` between its parts, as a
    /// big-endian number, modulo the count.
    pub fn holds(&self, rel: &Path) -> bool {
        let hash = Sha256::digest(portable_bytes(rel));
        let mut head = [0u8; 8];
        head.copy_from_slice(&hash[..8]);
        u64::from_be_bytes(head) % self.count == self.index - 1
    }

    /// The run's error list: `_errors.K-of-N.jsonl`, so that shards writing into one
    /// folder never replace each other's.
    pub fn errors_file(&self) -> String {
        format!("_errors.{}-of-{}.jsonl", self.index, self.count)
    }
}

/// A relative path's bytes, the same on every machine: its parts joined by `/` (a name
/// that is not UTF-8 keeps its bytes on Unix).
fn portable_bytes(rel: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, part) in rel.components().enumerate() {
        if i > 0 {
            out.push(b'/');
        }
        #[cfg(unix)]
        out.extend_from_slice(std::os::unix::ffi::OsStrExt::as_bytes(part.as_os_str()));
        #[cfg(not(unix))]
        out.extend_from_slice(part.as_os_str().to_string_lossy().as_bytes());
    }
    out
}

/// The error list a run writes in its output folder: [`ERRORS_FILE`], or its shard's.
pub fn errors_file(shard: Option<Shard>) -> String {
    shard.map_or_else(|| ERRORS_FILE.to_string(), |s| s.errors_file())
}

/// The files of a run, walked by the rules of [`crate::batch::walk`] (the output folder never
/// read), and what the walk skipped. An entry the walk refused (a link, a FIFO, an
/// unreadable folder) is a job that fails with the reason. With one input folder, outputs
/// mirror its tree; with several, each keeps its folder's name. An input that does not
/// exist is an argument error. With a shard, only its files (and refusals) are jobs.
pub fn plan(
    inputs: &[PathBuf],
    output: &Path,
    shard: Option<Shard>,
) -> Result<(Vec<Job>, Skipped), MissingInput> {
    for input in inputs {
        std::fs::metadata(input).map_err(|e| MissingInput {
            path: input.clone(),
            source: e,
        })?;
    }
    let several = inputs.len() > 1;
    let base = |arg: usize| {
        let input = &inputs[arg];
        match input.file_name() {
            Some(name) if several && input.is_dir() => PathBuf::from(name),
            _ => PathBuf::new(),
        }
    };
    let in_shard = |rel: &Path| shard.is_none_or(|s| s.holds(rel));
    let walked = walk(inputs, Some(output)).without_page_folders();
    let mut jobs: Vec<Job> = walked
        .files
        .into_iter()
        .filter_map(|f| {
            let rel = base(f.arg).join(&f.rel);
            in_shard(&rel).then(|| Job {
                output: xml_name(&rel),
                input: f.path,
                refused: None,
            })
        })
        .collect();
    jobs.extend(walked.refused.into_iter().filter_map(|r| {
        // A refusal falls in the shard its path below its input folder hashes to.
        let rel = inputs
            .iter()
            .enumerate()
            .find_map(|(arg, input)| Some(base(arg).join(r.path.strip_prefix(input).ok()?)))
            .unwrap_or_else(|| r.path.clone());
        in_shard(&rel).then(|| Job {
            input: r.path,
            output: PathBuf::new(),
            refused: Some(r.reason),
        })
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

/// One failure as its line of the error list (without the line end).
pub fn error_line(input: &Path, failure: &Failure) -> String {
    serde_json::json!({
        "path": input.display().to_string(),
        "reason": failure.reason,
        "class": failure.class.as_str(),
    })
    .to_string()
}

/// The failures of a run as JSON lines (`path`, `reason`, `class`), in byte order of the
/// lines (which begin with the path): the lines of several shards' lists, put in byte order
/// (`LC_ALL=C sort`), are the list of the whole run.
pub fn errors_jsonl(jobs: &[Job], outcomes: &[Outcome]) -> String {
    let lines = jobs.iter().zip(outcomes).filter_map(|(job, o)| match o {
        Outcome::Failed(f) => Some(error_line(&job.input, f)),
        _ => None,
    });
    merge_error_lines(lines)
}

/// Error lines (from any number of runs or shards) as one error list.
pub fn merge_error_lines(lines: impl IntoIterator<Item = String>) -> String {
    let mut lines: Vec<String> = lines.into_iter().collect();
    lines.sort();
    lines.into_iter().map(|l| l + "\n").collect()
}

/// Writes a run's error list into the output folder — or removes the one an earlier run
/// left when there is none. Returns its path.
pub fn write_errors(output: &Path, shard: Option<Shard>, errors: &str) -> std::io::Result<PathBuf> {
    let path = output.join(errors_file(shard));
    if errors.is_empty() {
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    } else {
        write_atomically(&path, errors.as_bytes(), Durability::Renamed)?;
    }
    Ok(path)
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
    fn shards_are_parsed_and_partition_paths_by_their_hash() {
        assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "1", "a/b", "+1/2", "1/ 2", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        let mut sizes = [0; 3];
        for n in 0..300 {
            let rel = PathBuf::from(format!("site-{}/{n}.pdf", n % 7));
            let holders: Vec<usize> = (0..3).filter(|&i| shards[i].holds(&rel)).collect();
            assert_eq!(holders.len(), 1, "{}", rel.display());
            sizes[holders[0]] += 1;
        }
        assert!(sizes.iter().all(|&s| s > 70), "{sizes:?}");
        // Fixed by the path's bytes alone: SHA-256("a/b.txt") begins 5550000d3b1cf1ff, and
        // 0x5550000d3b1cf1ff = 6,147,413,548,187,054,591 is 3 modulo 4: the fourth shard's.
        assert_eq!(0x5550000d3b1cf1ff_u64 % 4, 3);
        assert!(Shard { index: 4, count: 4 }.holds(Path::new("a/b.txt")));
        assert!(!Shard { index: 3, count: 4 }.holds(Path::new("a/b.txt")));
        assert_eq!(
            Shard { index: 2, count: 4 }.errors_file(),
            "_errors.2-of-4.jsonl"
        );
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

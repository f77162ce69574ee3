//! `gongkai convert`: a crawl to canonical XML, with progress.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use gongkai::batch::convert::{self, ConvertOptions, FailureClass, Outcome, Shard, Summary};

use super::{fail, refuse_onto_input, to_stdout, EXIT_FINDING, EXIT_INPUT, EXIT_OUTPUT};

/// How often a plain progress line is printed when standard error is no terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// Exit 0 when every file converted or was already up to date, 1 when some failed (listed
/// in `_errors.jsonl`), 2 on unusable arguments, 3 when an XML could not be written.
/// With a shard, only its files are converted and its failures listed in
/// `_errors.K-of-N.jsonl`.
pub fn convert(
    inputs: &[PathBuf],
    shard: Option<Shard>,
    opts: &ConvertOptions,
    quiet: bool,
) -> ExitCode {
    if let Err(code) = refuse_onto_input(&opts.output, inputs) {
        return code;
    }
    if opts.output.is_file() {
        return fail(
            EXIT_INPUT,
            &opts.output.display().to_string(),
            "the output must be a folder",
        );
    }
    let (jobs, walk_skipped) = match convert::plan(inputs, &opts.output, shard) {
        Ok(j) => j,
        Err(e) => return fail(EXIT_INPUT, "convert", &e.to_string()),
    };
    if let Err(e) = std::fs::create_dir_all(&opts.output) {
        return fail(
            EXIT_OUTPUT,
            &opts.output.display().to_string(),
            &e.to_string(),
        );
    }
    let total = jobs.len() as u64;
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {pos}/{len} {per_sec} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    });
    let plain = Mutex::new((Instant::now(), Summary::default()));
    let report = |_job: &convert::Job, outcome: &Outcome| {
        if let Some(bar) = &bar {
            bar.inc(1);
            if let Outcome::Failed(_) = outcome {
                bar.set_message("(some failed: see _errors.jsonl)");
            }
            return;
        }
        if quiet {
            return;
        }
        let mut guard = plain.lock().unwrap_or_else(|p| p.into_inner());
        let (last, counts) = &mut *guard;
        *counts = Summary::of(std::slice::from_ref(outcome)).plus(*counts);
        let done = counts.converted
            + counts.skipped
            + counts.failed
            + counts.not_attempted
            + counts.already_xml;
        if last.elapsed() >= PLAIN_EVERY || done as u64 == total {
            eprintln!(
                "convert: {}/{} files ({counts})",
                convert::thousands(done),
                convert::thousands(total as usize)
            );
            *last = Instant::now();
        }
    };
    let outcomes = convert::run(&jobs, opts, &report);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let summary = Summary::of(&outcomes);
    // The first XML not written, named on standard error too (a full disk says so here).
    let output_failed = outcomes.iter().find_map(|o| match o {
        Outcome::Failed(f) if f.class == FailureClass::Output => Some(&f.reason),
        _ => None,
    });
    if let Some(reason) = output_failed {
        eprintln!("gongkai: {reason}");
    }
    let output_failed = output_failed.is_some();
    let errors = convert::errors_jsonl(&jobs, &outcomes);
    let errors_path = match convert::write_errors(&opts.output, shard, &errors) {
        Ok(path) => path,
        Err(e) => {
            let path = opts.output.join(convert::errors_file(shard));
            return fail(EXIT_OUTPUT, &path.display().to_string(), &e.to_string());
        }
    };
    let note = if summary.failed > 0 {
        format!(" (see {})", errors_path.display())
    } else {
        String::new()
    };
    let walk_note = if walk_skipped.is_empty() {
        String::new()
    } else {
        format!("; {walk_skipped}")
    };
    let shard_note = match shard {
        Some(s) => format!("; shard {s}: {} files", convert::thousands(jobs.len())),
        None => String::new(),
    };
    if let Err(code) = to_stdout(format!("{summary}{note}{walk_note}{shard_note}\n").as_bytes()) {
        return code;
    }
    if output_failed {
        ExitCode::from(EXIT_OUTPUT)
    } else if summary.failed > 0 {
        ExitCode::from(EXIT_FINDING)
    } else {
        ExitCode::SUCCESS
    }
}

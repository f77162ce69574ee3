//! The commands' implementations; `main.rs` only parses arguments and dispatches.
//!
//! Exit codes (README): 0 done; 1 a finding (a damaged archive, a failed rule, some
//! inputs unusable in a batch); 2 unusable input or arguments; 3 output not written.

pub mod archive;
pub mod check;
pub mod convert;
pub mod export;
pub mod extract;
pub mod show;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gongkai::batch::collect::{load_all, Collected};
use gongkai::batch::output::{self, Durability};

pub const EXIT_FINDING: u8 = 1;
pub const EXIT_INPUT: u8 = 2;
pub const EXIT_OUTPUT: u8 = 3;

/// One line on standard error naming what failed and why.
pub fn fail(code: u8, what: &str, reason: &str) -> ExitCode {
    eprintln!("gongkai: {what}: {reason}");
    ExitCode::from(code)
}

/// Writes a command's single output file: synced, then renamed into place.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    output::write_atomically(path, bytes, Durability::Synced)
}

/// Writes a command's output to standard output, flushed: a failed write is exit 3.
pub fn to_stdout(bytes: &[u8]) -> Result<(), ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| fail(EXIT_OUTPUT, "<stdout>", &e.to_string()))
}

/// Writes a command's output to standard output or, given a path, atomically to that file
/// (exit 3 naming the path given when it cannot be written).
pub fn emit(bytes: &[u8], output: Option<&Path>) -> Result<(), ExitCode> {
    match output {
        None => to_stdout(bytes),
        Some(out) => write_atomically(out, bytes)
            .map_err(|e| fail(EXIT_OUTPUT, &out.display().to_string(), &e.to_string())),
    }
}

/// Refuses (exit 2) an output that is one of the inputs or a folder holding one.
pub fn refuse_onto_input<P: AsRef<Path>>(output: &Path, inputs: &[P]) -> Result<(), ExitCode> {
    let inputs: Vec<&Path> = inputs.iter().map(AsRef::as_ref).collect();
    output::refuse_onto_input(output, &inputs)
        .map_err(|e| fail(EXIT_INPUT, &output.display().to_string(), &e.to_string()))
}

/// The exit code of a result that is all side effects.
pub fn done(r: Result<(), ExitCode>) -> ExitCode {
    r.err().unwrap_or(ExitCode::SUCCESS)
}

/// Loads the inputs (never reading `output`), naming every unusable one on standard error.
pub fn load(
    inputs: &[PathBuf],
    options: &gongkai::ExtractOptions,
    output: Option<&Path>,
) -> Collected {
    let c = load_all(inputs, options, output);
    for f in &c.failures {
        eprintln!("gongkai: {}: {}", f.path.display(), f.reason);
    }
    c
}

/// Notes on standard error what was read but is no report, and what the walk skipped.
pub fn note_no_reports_and_skips(c: &Collected, what: &str) {
    for l in &c.no_report {
        eprintln!(
            "note: {}: holds no report (template none); {what}",
            l.path.display()
        );
    }
    if !c.skipped.is_empty() {
        eprintln!("note: {}", c.skipped);
    }
}

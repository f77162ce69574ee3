//! The commands' implementations; `main.rs` only parses arguments and dispatches.
//!
//! Exit codes (README): 0 done; 1 a finding (a damaged archive, a failed rule, some
//! inputs unusable in a batch); 2 unusable input or arguments; 3 output not written.

pub mod archive;
pub mod convert;
pub mod data;
pub mod extract;

use std::path::Path;
use std::process::ExitCode;

use gongkai::output::{self, Durability};

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

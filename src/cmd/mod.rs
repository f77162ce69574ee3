//! The commands' implementations; `main.rs` only parses arguments and dispatches.
//!
//! Exit codes (README): 0 done; 1 a finding (a damaged archive, a failed rule, some
//! inputs unusable in a batch); 2 unusable input or arguments; 3 output not written.

pub mod archive;
pub mod convert;
pub mod data;
pub mod extract;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub const EXIT_FINDING: u8 = 1;
pub const EXIT_INPUT: u8 = 2;
pub const EXIT_OUTPUT: u8 = 3;

/// One line on standard error naming what failed and why.
pub fn fail(code: u8, what: &str, reason: &str) -> ExitCode {
    eprintln!("gongkai: {what}: {reason}");
    ExitCode::from(code)
}

/// Writes to a temporary file beside the target, syncs it, then renames it into place:
/// a failure or a kill never leaves a partial file under the target name.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".gongkai-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

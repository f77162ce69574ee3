//! Sealing a year's reports into one archive and verifying it years later (issue 5).
//!
//! An archive is one zip in a canonical form ([`container`]) holding a BagIt 1.0 bag
//! ([`bag`]) under `gongkai-<year>/`: the originals byte for byte under `data/originals/`,
//! their canonical XML under `data/xml/`, the manifests, and the seal record
//! ([`record`]) with the RFC 6962 Merkle root over the manifest ([`merkle`]) and the SHA-256
//! of the previous year's seal record. [`seal`] writes it; [`verify`] reads it back as a
//! stream of positional reads — nothing is extracted — and names every problem; [`proof`]
//! makes and checks inclusion proofs.

pub mod bag;
pub mod container;
pub mod expected;
pub mod list;
pub mod merkle;
pub mod progress;
pub mod proof;
pub mod record;
pub mod seal;
pub mod streamed;
pub mod verify;

use std::path::PathBuf;

pub use progress::Progress;
pub use seal::{seal, SealOptions, Sealed};
pub use verify::{verify_path, Depth, Problem, ProblemKind, Status, Verification};

/// What sealing needs of reports, handed in by the caller (the command line passes the
/// extraction with the user's limits and templates): the archive knows nothing else of
/// how reports are read or written.
pub trait Reports: Sync {
    /// The canonical report of an original named `name`, or why there is none.
    fn extract(&self, name: &str, bytes: &[u8]) -> Result<ReportFile, String>;
    /// Why [`Reports::extract`] refuses every file that starts with `head` (the first
    /// [`crate::input::SNIFF_BYTES`] of a longer file), when those bytes alone tell;
    /// `None` when the whole file is needed. Sealing reads no more of such a file before it
    /// copies it into the archive.
    fn refusal(&self, head: &[u8]) -> Option<String>;
    /// A canonical report found among the inputs: what it says of itself, or why it is none.
    fn read(&self, xml: &[u8]) -> Result<GivenReport, String>;
    /// Whether a file's first bytes are those of a canonical report.
    fn is_report(&self, head: &[u8]) -> bool;
}

/// A report made from an original.
pub struct ReportFile {
    pub xml: Vec<u8>,
    /// The reporting year the report states.
    pub year: Option<u16>,
}

/// A canonical report given beside the originals.
pub struct GivenReport {
    pub year: Option<u16>,
    /// The file name and SHA-256 of the original it was made from.
    pub source_name: String,
    pub source_sha256: String,
}

/// Errors that stop a seal, a verify or a proof before it can say anything about an
/// archive's contents. Damage found in an archive is not an error: it is the
/// [`Verification`]'s list of problems.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// Input that cannot be sealed: each entry names a file and the reason.
    #[error("cannot seal:\n  {}", .0.join("\n  "))]
    Refused(Vec<String>),
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}: not a zip archive")]
    NotAnArchive(String),
    #[error("{0}: not a gongkai archive (no seal record)")]
    NotSealed(String),
    /// An input that changed between its first read and the end of its entry's write.
    #[error("{}: changed while it was being sealed; nothing was written", .0.display())]
    Changed(PathBuf),
    #[error("{0}: exists; pass --force to replace it")]
    Exists(PathBuf),
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("previous archive {path}: {reason}")]
    Previous { path: String, reason: String },
    #[error(transparent)]
    Container(#[from] container::ContainerError),
    #[error("{0}")]
    Proof(String),
}

/// A count with its noun, singular or plural: "1 problem", "2 problems".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

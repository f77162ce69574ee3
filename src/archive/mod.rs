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
pub mod verify;

use std::path::PathBuf;

pub use progress::Progress;
pub use seal::{seal, SealOptions, Sealed};
pub use verify::{verify_path, Depth, Problem, ProblemKind, Status, Verification};

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

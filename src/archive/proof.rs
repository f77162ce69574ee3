//! Inclusion proofs: that one file, by path and SHA-256, is a leaf of an archive's Merkle
//! tree. A proof is a small JSON document; checking it needs the root (from the seal
//! record, or published elsewhere) and, optionally, the file itself.

use serde::{Deserialize, Serialize};

use super::bag;
use super::merkle::{self, Hash};
use super::verify::{Status, Verification};
use super::ArchiveError;

pub const FORMAT: &str = "gongkai-inclusion-proof/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    pub format: String,
    pub year: u16,
    /// Relative to the bag root (`data/originals/…`).
    pub path: String,
    pub sha256: String,
    pub leaf_index: u64,
    pub tree_size: u64,
    /// Sibling hashes from the leaf up (RFC 6962 audit path).
    pub audit_path: Vec<String>,
    pub root: String,
    /// The archive's seal record SHA-256, for the reader's information.
    pub seal_sha256: String,
}

/// The proof for `path` (with or without the leading `data/`) in a verified archive.
/// Refuses an archive that is not intact: a proof from a damaged archive proves nothing.
pub fn prove(v: &Verification, path: &str) -> Result<Proof, ArchiveError> {
    if v.status != Status::Intact {
        return Err(ArchiveError::Proof(format!(
            "{} is damaged ({}); run `gongkai verify` on it",
            v.archive,
            super::count(v.problems.len(), "problem")
        )));
    }
    let want = if path.starts_with("data/") {
        path.to_string()
    } else {
        format!("data/{path}")
    };
    let index = v
        .manifest
        .iter()
        .position(|l| l.path == want)
        .ok_or_else(|| ArchiveError::Proof(format!("{want} is not in {}", v.archive)))?;
    let leaves: Vec<Hash> = v
        .manifest
        .iter()
        .map(|l| merkle::leaf_hash(l.text.as_bytes()))
        .collect();
    let line = &v.manifest[index];
    Ok(Proof {
        format: FORMAT.into(),
        year: v.year.unwrap_or_default(),
        path: line.path.clone(),
        sha256: line.sha256.clone(),
        leaf_index: index as u64,
        tree_size: leaves.len() as u64,
        audit_path: merkle::inclusion_path(&leaves, index)
            .iter()
            .map(|h| crate::input::hex(h))
            .collect(),
        root: v.root.clone().unwrap_or_default(),
        seal_sha256: v.seal_sha256.clone().unwrap_or_default(),
    })
}

fn unhex(s: &str) -> Option<Hash> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Checks a proof against a root; `file_sha256`, when given, must be the proven file's.
/// `Ok(())` when it holds, `Err(reason)` when it does not.
pub fn check(proof: &Proof, root: &str, file_sha256: Option<&str>) -> Result<(), String> {
    if proof.format != FORMAT {
        return Err(format!("not a {FORMAT} proof"));
    }
    if let Some(actual) = file_sha256 {
        if actual != proof.sha256 {
            return Err(format!(
                "the file's SHA-256 {actual} is not the proven {}",
                proof.sha256
            ));
        }
    }
    let root = root.to_ascii_lowercase();
    let Some(want) = unhex(&root) else {
        return Err("the root is not 64 hex digits".into());
    };
    if proof.sha256.len() != 64 || !proof.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("the proof's sha256 is not 64 hex digits".into());
    }
    let path: Option<Vec<Hash>> = proof.audit_path.iter().map(|h| unhex(h)).collect();
    let Some(path) = path else {
        return Err("the audit path holds something other than 64-hex-digit hashes".into());
    };
    let leaf = merkle::leaf_hash(bag::manifest_line(&proof.sha256, &proof.path).as_bytes());
    match merkle::root_from_path(&leaf, proof.leaf_index, proof.tree_size, &path) {
        None => Err("the audit path does not fit a tree of that size".into()),
        Some(r) if r != want => Err(format!(
            "the proof leads to root {}, not {root}",
            crate::input::hex(&r)
        )),
        Some(_) => Ok(()),
    }
}

//! Inclusion proofs: that one file, by path and SHA-256, is a leaf of an archive's Merkle
//! tree. A proof is a small JSON document; checking it needs the root (from the seal
//! record, or published elsewhere) and, optionally, the file itself.

use serde::{Deserialize, Serialize};

use super::bag;
use super::merkle::{self, Hash};
use super::verify::{ManifestSource, Status, Verification};
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

/// The proof for `path` (with or without the leading `data/`) in a verified archive
/// (checked to [`Depth::Tags`](super::Depth::Tags) at least: the proof rests on the
/// manifest and the seal record, not on the payload's bytes). The manifest is read again
/// twice — for the leaf, then for its audit path — and never held.
/// Refuses an archive that is not intact: a proof from a damaged archive proves nothing.
pub fn prove(v: &Verification, path: &str) -> Result<Proof, ArchiveError> {
    let manifest = match (&v.manifest, v.status) {
        (Some(m), Status::Intact) => m,
        _ => {
            return Err(ArchiveError::Proof(format!(
                "{} is damaged ({}); run `gongkai verify` on it",
                v.archive,
                super::count(v.problems.len(), "problem")
            )))
        }
    };
    let read_err = |e| ArchiveError::Read {
        path: v.archive.clone(),
        source: e,
    };
    let want = if path.starts_with("data/") {
        path.to_string()
    } else {
        format!("data/{path}")
    };
    let (index, line) = leaf_at(manifest, |_, l| l.path == want)
        .map_err(read_err)?
        .ok_or_else(|| ArchiveError::Proof(format!("{want} is not in {}", v.archive)))?;
    Ok(Proof {
        format: FORMAT.into(),
        year: v.year.unwrap_or_default(),
        path: line.path.clone(),
        sha256: crate::input::hex(&line.sha256),
        leaf_index: index,
        tree_size: manifest.len(),
        audit_path: audit_path(manifest, index)
            .map_err(read_err)?
            .iter()
            .map(bag::hex_hash)
            .collect(),
        root: v.root.clone().unwrap_or_default(),
        seal_sha256: v.seal_sha256.clone().unwrap_or_default(),
    })
}

/// The first manifest line `is` picks, with its index (its leaf's).
fn leaf_at(
    manifest: &ManifestSource,
    is: impl Fn(u64, &bag::ManifestLine) -> bool,
) -> std::io::Result<Option<(u64, bag::ManifestLine)>> {
    for (i, line) in manifest.lines().enumerate() {
        let line = line?;
        if is(i as u64, &line) {
            return Ok(Some((i as u64, line)));
        }
    }
    Ok(None)
}

/// The audit path of leaf `index`, from the leaves read again.
fn audit_path(manifest: &ManifestSource, index: u64) -> std::io::Result<Vec<Hash>> {
    let mut path = merkle::PathBuilder::new(index, manifest.len());
    let mut text = Vec::new();
    for line in manifest.lines() {
        text.clear();
        line?.write_to(&mut text);
        path.push(merkle::leaf_hash(&text));
    }
    path.finish()
        .ok_or_else(|| std::io::Error::other(format!("{} changed", bag::MANIFEST_FILE)))
}

/// 64 hex digits as a hash (either case).
pub fn unhex(s: &str) -> Option<Hash> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// What a proof is checked against.
pub enum Anchor<'a> {
    /// A Merkle root given by the user (e.g. as published when the archive was sealed).
    Root(Hash),
    /// An archive that verified intact: its seal's root, year, seal hash and leaves.
    Archive(&'a Verification),
}

/// The proof's fields that a bare root cannot vouch for (a root fits a range of tree sizes:
/// the size is bound only by the archive's seal).
pub const UNCHECKED_BY_ROOT: &str = "year, seal_sha256 and tree_size";

fn is_hash(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Why a proof does not hold: the first field that does not fit what it is checked
/// against.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("format: {0:?} is not {FORMAT}")]
    Format(String),
    #[error("sha256: not 64 lowercase hex digits")]
    Sha256NotHex,
    #[error("path: {0:?} is not a payload path (data/…)")]
    NotPayload(String),
    #[error("audit_path: holds something other than 64-hex-digit hashes")]
    AuditPathNotHex,
    #[error("{0} is not intact")]
    NotIntact(String),
    #[error("the archive's manifest cannot be read again: {0}")]
    Unreadable(String),
    #[error("root: the proof names {named}, {against} {root}")]
    Root {
        named: String,
        against: &'static str,
        root: String,
    },
    #[error("sha256: the file's SHA-256 {file} is not the proven {proven}")]
    FileSha256 { file: String, proven: String },
    #[error("year: the proof says {proof}, the archive's seal {}", .seal.map_or("none".into(), |y| y.to_string()))]
    Year { proof: u16, seal: Option<u16> },
    #[error("seal_sha256: the proof names {proof}, the archive's seal.xml is {}", .seal.as_deref().unwrap_or("none"))]
    SealSha256 { proof: String, seal: Option<String> },
    #[error("tree_size: the proof says {proof}, the archive's seal records {}", leaf_count(.leaves))]
    TreeSize { proof: u64, leaves: u64 },
    #[error("leaf_index: {index} is outside a tree of {leaves} leaves")]
    LeafOutside { index: u64, leaves: u64 },
    #[error("leaf_index or path: leaf {index} of the archive is {archive}, not {proof}")]
    LeafPath {
        index: u64,
        archive: String,
        proof: String,
    },
    #[error("sha256: the archive's manifest records {archive} for {path}, not {proof}")]
    ManifestSha256 {
        archive: String,
        path: String,
        proof: String,
    },
    #[error("audit_path: {given} hashes, where the archive's tree has {want}")]
    AuditPathLength { given: usize, want: usize },
    #[error("audit_path: hash {position} is not the archive's {want}")]
    AuditPathHash { position: usize, want: String },
    #[error(
        "leaf_index, tree_size, audit_path: an audit path of {hashes} hashes does not fit leaf \
         {index} of a tree of {size} leaves"
    )]
    PathMisfit {
        hashes: usize,
        index: u64,
        size: u64,
    },
    #[error("the proof leads to root {reached}, not {against} {root}")]
    WrongRoot {
        reached: String,
        against: &'static str,
        root: String,
    },
}

/// `1 leaf`, `2 leaves`.
fn leaf_count(n: &u64) -> String {
    match n {
        1 => "1 leaf".to_string(),
        n => format!("{n} leaves"),
    }
}

/// Checks every field of a proof against what it is verified with; `file_sha256`, when
/// given, must be the proven file's. The error names the first field that does not fit.
pub fn check(proof: &Proof, against: &Anchor, file_sha256: Option<&str>) -> Result<(), ProofError> {
    let hex = crate::input::hex;
    if proof.format != FORMAT {
        return Err(ProofError::Format(proof.format.clone()));
    }
    if !is_hash(&proof.sha256) {
        return Err(ProofError::Sha256NotHex);
    }
    if !proof.path.starts_with("data/") || bag::unsafe_path(&proof.path).is_some() {
        return Err(ProofError::NotPayload(proof.path.clone()));
    }
    let path: Option<Vec<Hash>> = proof
        .audit_path
        .iter()
        .map(|h| is_hash(h).then(|| unhex(h)).flatten())
        .collect();
    let Some(path) = path else {
        return Err(ProofError::AuditPathNotHex);
    };
    let (root, source) = match against {
        Anchor::Root(r) => (*r, "the --root given"),
        Anchor::Archive(v) => match v.root.as_deref().and_then(unhex) {
            Some(r) if v.status == Status::Intact => (r, "the archive's seal"),
            _ => return Err(ProofError::NotIntact(v.archive.clone())),
        },
    };
    if proof.root != hex(&root) {
        return Err(ProofError::Root {
            named: proof.root.clone(),
            against: source,
            root: hex(&root),
        });
    }
    if let Some(actual) = file_sha256 {
        if actual != proof.sha256 {
            return Err(ProofError::FileSha256 {
                file: actual.to_string(),
                proven: proof.sha256.clone(),
            });
        }
    }
    if let Anchor::Archive(v) = against {
        check_against_archive(proof, v, &path)?;
    }
    let leaf = merkle::leaf_hash(bag::manifest_line(&proof.sha256, &proof.path).as_bytes());
    match merkle::root_from_path(&leaf, proof.leaf_index, proof.tree_size, &path) {
        None => Err(ProofError::PathMisfit {
            hashes: path.len(),
            index: proof.leaf_index,
            size: proof.tree_size,
        }),
        Some(r) if r != root => Err(ProofError::WrongRoot {
            reached: hex(&r),
            against: source,
            root: hex(&root),
        }),
        Some(_) => Ok(()),
    }
}

/// The fields a root cannot vouch for, against an intact archive's seal and manifest.
fn check_against_archive(proof: &Proof, v: &Verification, path: &[Hash]) -> Result<(), ProofError> {
    if v.year != Some(proof.year) {
        return Err(ProofError::Year {
            proof: proof.year,
            seal: v.year,
        });
    }
    if v.seal_sha256.as_deref() != Some(proof.seal_sha256.as_str()) {
        return Err(ProofError::SealSha256 {
            proof: proof.seal_sha256.clone(),
            seal: v.seal_sha256.clone(),
        });
    }
    let Some(manifest) = &v.manifest else {
        return Err(ProofError::NotIntact(v.archive.clone()));
    };
    let leaves = manifest.len();
    if proof.tree_size != leaves {
        return Err(ProofError::TreeSize {
            proof: proof.tree_size,
            leaves,
        });
    }
    let unreadable = |e: std::io::Error| ProofError::Unreadable(format!("{}: {e}", v.archive));
    let Some((_, line)) = leaf_at(manifest, |i, _| i == proof.leaf_index).map_err(unreadable)?
    else {
        return Err(ProofError::LeafOutside {
            index: proof.leaf_index,
            leaves,
        });
    };
    if line.path != proof.path {
        return Err(ProofError::LeafPath {
            index: proof.leaf_index,
            archive: line.path.clone(),
            proof: proof.path.clone(),
        });
    }
    let recorded = crate::input::hex(&line.sha256);
    if recorded != proof.sha256 {
        return Err(ProofError::ManifestSha256 {
            archive: recorded,
            path: line.path.clone(),
            proof: proof.sha256.clone(),
        });
    }
    let want = audit_path(manifest, proof.leaf_index).map_err(unreadable)?;
    if want.len() != path.len() {
        return Err(ProofError::AuditPathLength {
            given: path.len(),
            want: want.len(),
        });
    }
    if let Some(k) = want.iter().zip(path).position(|(w, p)| w != p) {
        return Err(ProofError::AuditPathHash {
            position: k + 1,
            want: crate::input::hex(&want[k]),
        });
    }
    Ok(())
}

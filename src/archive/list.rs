//! `list`: what an archive holds, read from its seal record alone (no hashing; `verify`
//! checks).

use std::path::Path;

use super::container::{self, FileSource, ReadAt};
use super::record::{self, Role};
use super::{bag, ArchiveError};

/// The seal record of an archive, read without checking anything else.
pub fn read_record(path: &Path) -> Result<record::SealRecord, ArchiveError> {
    let shown = path.display().to_string();
    let read_err = |e| ArchiveError::Read {
        path: shown.clone(),
        source: e,
    };
    let src = FileSource::open(path).map_err(read_err)?;
    let scan = container::scan(&src)
        .map_err(read_err)?
        .ok_or_else(|| ArchiveError::NotAnArchive(shown.clone()))?;
    let suffix = format!("/{}", bag::SEAL_FILE);
    let entry = scan
        .entries
        .iter()
        .find(|e| {
            e.method == 0
                && !e.truncated
                && e.stored <= super::verify::MAX_KEPT_BYTES
                && std::str::from_utf8(&e.name)
                    .is_ok_and(|n| n.ends_with(&suffix) && n.matches('/').count() == 1)
        })
        .ok_or_else(|| ArchiveError::NotSealed(shown.clone()))?;
    let mut bytes = vec![0u8; entry.stored as usize];
    src.read_exact_at(&mut bytes, entry.data_offset)
        .map_err(read_err)?;
    record::from_bytes(&bytes).map_err(|e| ArchiveError::Proof(format!("{shown}: {e}")))
}

/// The canonical XML reports an archive holds (`data/xml/…`), by entry name, read without
/// verifying anything else (`verify` checks): for reviewing a sealed year.
pub fn xml_reports(path: &Path) -> Result<Vec<(String, Vec<u8>)>, ArchiveError> {
    let shown = path.display().to_string();
    let read_err = |e| ArchiveError::Read {
        path: shown.clone(),
        source: e,
    };
    let src = FileSource::open(path).map_err(read_err)?;
    let scan = container::scan(&src)
        .map_err(read_err)?
        .ok_or_else(|| ArchiveError::NotAnArchive(shown.clone()))?;
    let mut out = Vec::new();
    for e in &scan.entries {
        let Ok(name) = std::str::from_utf8(&e.name) else {
            continue;
        };
        let in_xml = name
            .split_once('/')
            .is_some_and(|(_, rest)| rest.starts_with("data/xml/") && rest.ends_with(".xml"));
        if !in_xml || e.method != 0 || e.truncated || e.stored > super::verify::MAX_KEPT_BYTES {
            continue;
        }
        let mut bytes = vec![0u8; e.stored as usize];
        src.read_exact_at(&mut bytes, e.data_offset)
            .map_err(read_err)?;
        out.push((name.to_string(), bytes));
    }
    Ok(out)
}

/// The listing as text: a header, then one line per payload file.
pub fn list(path: &Path) -> Result<String, ArchiveError> {
    use std::fmt::Write;
    let r = read_record(path)?;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "year {}  files {}  bytes {}  sealed by gongkai {}",
        r.year, r.files, r.bytes, r.tool_version
    );
    let _ = writeln!(s, "merkle root {}", r.root);
    if let Some(p) = &r.previous {
        let _ = writeln!(s, "previous    {} seal sha256 {}", p.year, p.sha256);
    }
    for f in &r.entries {
        let what = match (f.role, &f.note) {
            (Role::Original, Some((code, _))) => format!("original, no report: {code}"),
            (Role::Original, None) => "original".to_string(),
            (Role::Report, _) => format!("report, {}", f.origin.as_deref().unwrap_or("?")),
        };
        let _ = writeln!(s, "{:>12}  {}  {}  ({what})", f.bytes, f.sha256, f.path);
    }
    let _ = writeln!(
        s,
        "(listed from the seal record; `gongkai verify` checks it)"
    );
    Ok(s)
}

/// SHA-256 of a file, streamed.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = crate::input::open_regular(path).map_err(crate::input::InputError::into_io)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(crate::input::hex(&h.finalize()))
}

//! `list`: what an archive holds, read from its seal record alone (no hashing; `verify`
//! checks). The entry is found through the central directory, read as a stream (a few large
//! reads whatever the number of entries, none of them held), and the record is read as a
//! stream, a file at a time: 200,000 files list in bounded memory without a read per entry.

use std::io::Write;
use std::path::Path;

use super::container::{self, Entry, FileSource, ReadAt};
use super::record::{RecordHead, RecordReader, Role};
use super::{bag, ArchiveError};

/// The largest report `xml_reports` reads into memory.
const REPORT_MOST: u64 = 64 << 20;

/// The seal record's entry, found through the central directory.
fn seal_entry(src: &dyn ReadAt, shown: &str) -> Result<Entry, ArchiveError> {
    let suffix = format!("/{}", bag::SEAL_FILE);
    let is_seal = |n: &[u8]| {
        std::str::from_utf8(n).is_ok_and(|n| n.ends_with(&suffix) && n.matches('/').count() == 1)
    };
    container::find_entries(src, is_seal)
        .map_err(|e| ArchiveError::Read {
            path: shown.to_string(),
            source: e,
        })?
        .ok_or_else(|| ArchiveError::NotAnArchive(shown.to_string()))?
        .into_iter()
        .find(|e| e.method == 0 && !e.truncated && is_seal(&e.name))
        .ok_or_else(|| ArchiveError::NotSealed(shown.to_string()))
}

/// The seal record's head, read without checking anything else (the files are read
/// through, not held).
pub fn read_head(src: &dyn ReadAt, shown: &str) -> Result<RecordHead, ArchiveError> {
    let seal = seal_entry(src, shown)?;
    let mut r = RecordReader::new(container::data_reader(src, &seal));
    while r
        .next_file()
        .map_err(|e| ArchiveError::Proof(format!("{shown}: {e}")))?
        .is_some()
    {}
    Ok(r.head().clone())
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
        if !in_xml || e.method != 0 || e.truncated || e.stored > REPORT_MOST {
            continue;
        }
        let mut bytes = vec![0u8; e.stored as usize];
        src.read_exact_at(&mut bytes, e.data_offset)
            .map_err(read_err)?;
        out.push((name.to_string(), bytes));
    }
    Ok(out)
}

/// Writes the listing to `out` as it is read: a header, then one line per payload file.
/// A failed write is [`ArchiveError::Write`] (named `<stdout>`).
pub fn list(path: &Path, out: &mut dyn Write) -> Result<(), ArchiveError> {
    let shown = path.display().to_string();
    let src = FileSource::open(path).map_err(|e| ArchiveError::Read {
        path: shown.clone(),
        source: e,
    })?;
    // The head first (its elements may come after the files), then the files again.
    let r = read_head(&src, &shown)?;
    let werr = |e| ArchiveError::Write {
        path: "<stdout>".into(),
        source: e,
    };
    writeln!(
        out,
        "year {}  files {}  bytes {}  sealed by gongkai {}",
        r.year, r.files, r.bytes, r.tool_version
    )
    .map_err(werr)?;
    writeln!(out, "merkle root {}", r.root).map_err(werr)?;
    if let Some(p) = &r.previous {
        writeln!(out, "previous    {} seal sha256 {}", p.year, p.sha256).map_err(werr)?;
    }
    let seal = seal_entry(&src, &shown)?;
    let mut files = RecordReader::new(container::data_reader(&src, &seal));
    while let Some(f) = files
        .next_file()
        .map_err(|e| ArchiveError::Proof(format!("{shown}: {e}")))?
    {
        let what = match (f.role, &f.note) {
            (Role::Original, Some((code, _))) => format!("original, no report: {code}"),
            (Role::Original, None) => "original".to_string(),
            (Role::Report, _) => format!("report, {}", f.origin.as_deref().unwrap_or("?")),
        };
        writeln!(out, "{:>12}  {}  {}  ({what})", f.bytes, f.sha256, f.path).map_err(werr)?;
    }
    writeln!(
        out,
        "(listed from the seal record; `gongkai verify` checks it)"
    )
    .map_err(werr)?;
    out.flush().map_err(werr)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::container::ZipWriter;
    use crate::archive::record;

    #[test]
    fn the_head_is_read_through_the_directory() {
        let r = record::SealRecord {
            head: RecordHead {
                year: 2020,
                tool_version: "0.1.0".into(),
                files: 0,
                bytes: 0,
                root: "ab".repeat(32),
                previous: None,
            },
            entries: Vec::new(),
        };
        let mut w = ZipWriter::new(Vec::new());
        w.add_bytes("gongkai-2020/bagit.txt", b"x").unwrap();
        w.add_bytes("gongkai-2020/seal.xml", &record::to_bytes(&r))
            .unwrap();
        let z = w.finish().unwrap();
        assert_eq!(read_head(&&z[..], "z").unwrap(), r.head);
        assert!(matches!(
            read_head(&&z[..30], "z"),
            Err(ArchiveError::NotSealed(_))
        ));
    }
}

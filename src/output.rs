//! Writing output files so that no reader ever sees a partial one.

use std::io::Write;
use std::path::Path;

/// Whether a write waits for the disk before the file takes its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Synced, then renamed: the file survives a power cut once the call returns.
    Synced,
    /// Renamed without waiting: a crash or kill still never leaves a partial file under
    /// the name, a power cut may leave an empty one. For many small files whose writer
    /// checks them on the next run (`convert`).
    Renamed,
}

/// Writes to a temporary file beside the target, then renames it into place. The
/// target's folder must exist.
pub fn write_atomically(path: &Path, bytes: &[u8], durability: Durability) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".gongkai-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if durability == Durability::Synced {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_their_folders() {
        let dir = tempfile::tempdir().unwrap();
        for (name, durability) in [
            ("a/b.xml", Durability::Synced),
            ("c/d.xml", Durability::Renamed),
        ] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            write_atomically(&path, b"<report/>", durability).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), b"<report/>");
        }
        assert!(write_atomically(&dir.path().join("e/f.xml"), b"", Durability::Renamed).is_err());
        // Only the targets remain: no temporary files.
        let names: Vec<_> = walk(dir.path());
        assert_eq!(names, ["a/b.xml", "c/d.xml"]);
    }

    fn walk(root: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["a", "c"] {
            for e in std::fs::read_dir(root.join(sub)).unwrap() {
                out.push(format!(
                    "{sub}/{}",
                    e.unwrap().file_name().to_string_lossy()
                ));
            }
        }
        out.sort();
        out
    }
}

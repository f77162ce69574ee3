//! The one way every command (`convert`, `seal`, `export`, `check`, `show`) finds its input
//! files. The rules:
//!
//! - A file given as an argument is taken as given (a link to it is followed: the user named
//!   it); a folder given is walked, in name order.
//! - Below a folder, a hidden entry (its name starts with `.`) is skipped — a hidden folder
//!   is not entered — and counted.
//! - gongkai's own files are never inputs, given or found: our temporary files
//!   ([`crate::batch::output::is_temp_name`]), a batch's error list [`ERRORS_FILE`] (or a
//!   shard's, `_errors.K-of-N.jsonl`), and the output the command is writing (by device
//!   and inode). They are skipped and counted.
//! - A symbolic link below a folder is not followed (it could lead out of the folder or
//!   round in a circle), a FIFO, device or socket is never opened (reading one could
//!   block for ever), and a folder that cannot be read is named: each is one refusal with
//!   its path and reason, and the walk goes on. What a refusal means is the command's
//!   call: a batch reports it and goes on, `seal` (an archive is all of a folder or
//!   nothing) stops.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::batch::output::{file_id, is_temp_name, FileId};

/// The failures of a `convert` run, written in its output folder.
pub const ERRORS_FILE: &str = "_errors.jsonl";

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    /// Its path below the argument folder it was found in; a file argument's name.
    pub rel: PathBuf,
    /// Which argument it came from.
    pub arg: usize,
}

/// An entry that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub path: PathBuf,
    pub reason: String,
}

/// What the walk passed over, for the command's summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Skipped {
    pub hidden_files: usize,
    pub hidden_folders: usize,
    /// Our temporary files, error lists and the command's own output.
    pub own: usize,
    /// The folders of saved web pages (`page_files/` beside `page.html`): the images there
    /// are read through their page ([`Walk::without_page_folders`]).
    pub page_folders: usize,
}

impl Skipped {
    pub fn is_empty(&self) -> bool {
        *self == Skipped::default()
    }
}

/// `3 hidden files skipped, 1 hidden folder skipped, 2 of gongkai's own files skipped`
/// (only the kinds that occurred; nothing when none did).
impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize, one: &str, many: &str| {
            format!("{n} {} skipped", if n == 1 { one } else { many })
        };
        let mut parts = Vec::new();
        if self.hidden_files > 0 {
            parts.push(plural(self.hidden_files, "hidden file", "hidden files"));
        }
        if self.hidden_folders > 0 {
            parts.push(plural(
                self.hidden_folders,
                "hidden folder",
                "hidden folders",
            ));
        }
        if self.own > 0 {
            parts.push(plural(
                self.own,
                "of gongkai's own files",
                "of gongkai's own files",
            ));
        }
        if self.page_folders > 0 {
            parts.push(plural(
                self.page_folders,
                "saved page's folder",
                "saved pages' folders",
            ));
        }
        f.write_str(&parts.join(", "))
    }
}

/// The files of a walk (in argument order, each folder's in name order), its refusals and
/// what it skipped.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<Found>,
    pub refused: Vec<Refused>,
    pub skipped: Skipped,
}

impl Walk {
    /// The walk without the files of saved web pages' folders: a browser saves `page.html`
    /// with its images and scripts in `page_files/` beside it, and those images are the
    /// page's (its table images are read through it), not reports of their own to read by
    /// OCR. A folder so named without its page is kept. `seal` keeps them all: an archive
    /// holds every byte.
    pub fn without_page_folders(mut self) -> Walk {
        let mut folders: BTreeMap<PathBuf, bool> = BTreeMap::new();
        let mut is_page_folder = |dir: &Path| -> bool {
            *folders.entry(dir.to_path_buf()).or_insert_with(|| {
                let name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
                name.as_deref()
                    .and_then(|n| n.strip_suffix("_files"))
                    .filter(|stem| !stem.is_empty())
                    .is_some_and(|stem| {
                        ["html", "htm"]
                            .iter()
                            .any(|ext| dir.with_file_name(format!("{stem}.{ext}")).is_file())
                    })
            })
        };
        self.files.retain(|f| {
            // Only the folders below the argument: a page folder given as the argument
            // itself is read as asked.
            let below = f.rel.parent().map(|p| p.components().count()).unwrap_or(0);
            !f.path
                .ancestors()
                .skip(1)
                .take(below)
                .any(&mut is_page_folder)
        });
        self.skipped.page_folders += folders.values().filter(|&&page| page).count();
        self
    }
}

/// Whether a name is one of gongkai's own files.
pub fn is_own_name(name: &str) -> bool {
    name == ERRORS_FILE || is_shard_errors_name(name) || is_temp_name(name)
}

/// A sharded run's error list: `_errors.K-of-N.jsonl`.
fn is_shard_errors_name(name: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    name.strip_prefix("_errors.")
        .and_then(|r| r.strip_suffix(".jsonl"))
        .and_then(|r| r.split_once("-of-"))
        .is_some_and(|(k, n)| digits(k) && digits(n))
}

/// Walks the arguments by the rules above. `output` (when it exists) is never returned,
/// nor anything below it.
pub fn walk(inputs: &[PathBuf], output: Option<&Path>) -> Walk {
    let output = output.and_then(file_id);
    let mut w = Walk::default();
    for (arg, input) in inputs.iter().enumerate() {
        let meta = match std::fs::metadata(input) {
            Ok(m) => m,
            Err(e) => {
                w.refuse(input, e.to_string());
                continue;
            }
        };
        let name = input.file_name().map(|n| n.to_string_lossy());
        if name.as_deref().is_some_and(is_own_name)
            || (output.is_some() && file_id(input) == output)
        {
            w.skipped.own += 1;
        } else if meta.is_dir() {
            w.folder(input, arg, output.as_ref());
        } else if meta.is_file() {
            w.files.push(Found {
                path: input.clone(),
                rel: PathBuf::from(input.file_name().unwrap_or(input.as_os_str())),
                arg,
            });
        } else {
            w.refuse(
                input,
                not_read(crate::input::special_kind(&meta.file_type())),
            );
        }
    }
    w
}

fn not_read(kind: &str) -> String {
    format!("not a regular file ({kind}): not read")
}

impl Walk {
    fn refuse(&mut self, path: &Path, reason: String) {
        self.refused.push(Refused {
            path: path.to_path_buf(),
            reason,
        });
    }

    fn folder(&mut self, root: &Path, arg: usize, output: Option<&FileId>) {
        let mut entries = walkdir::WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter();
        while let Some(next) = entries.next() {
            let entry = match next {
                Ok(e) => e,
                Err(e) => {
                    let reason = match e.io_error() {
                        Some(io) => format!("cannot read: {io}"),
                        None => e.to_string(),
                    };
                    self.refuse(e.path().unwrap_or(root), reason);
                    continue;
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            let name = entry.file_name().to_string_lossy();
            let kind = entry.file_type();
            let own = is_own_name(&name)
                || (output.is_some()
                    && !kind.is_symlink()
                    && file_id(entry.path()).as_ref() == output);
            if own || name.starts_with('.') {
                if kind.is_dir() {
                    entries.skip_current_dir();
                }
                match (own, kind.is_dir()) {
                    (true, _) => self.skipped.own += 1,
                    (false, true) => self.skipped.hidden_folders += 1,
                    (false, false) => self.skipped.hidden_files += 1,
                }
            } else if kind.is_symlink() {
                self.refuse(entry.path(), "a symbolic link (not followed)".into());
            } else if kind.is_file() {
                self.files.push(Found {
                    path: entry.path().to_path_buf(),
                    rel: entry
                        .path()
                        .strip_prefix(root)
                        .unwrap_or(entry.path())
                        .to_path_buf(),
                    arg,
                });
            } else if !kind.is_dir() {
                self.refuse(entry.path(), not_read(crate::input::special_kind(&kind)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files of one byte at the paths `names` under `root`.
    fn files_under(root: &Path, names: &[&str]) {
        for name in names {
            let p = root.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
    }

    #[test]
    fn saved_pages_folders_are_left_to_their_pages() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("in");
        files_under(
            &root,
            &[
                "page.html",
                "page_files/a.png",
                "page_files/sub/b.png",
                "x.htm",
                "x_files/d.png",
                "alone_files/c.png",
            ],
        );
        let w = walk(std::slice::from_ref(&root), None).without_page_folders();
        let rels: Vec<_> = w.files.iter().map(|f| f.rel.clone()).collect();
        assert_eq!(
            rels,
            [
                PathBuf::from("alone_files/c.png"),
                PathBuf::from("page.html"),
                PathBuf::from("x.htm")
            ]
        );
        assert_eq!(w.skipped.to_string(), "2 saved pages' folders skipped");
        // A page's folder named as the argument is read as asked.
        let w = walk(&[root.join("page_files")], None).without_page_folders();
        assert_eq!(w.files.len(), 2);
        assert!(w.skipped.is_empty());
    }

    #[test]
    fn one_set_of_rules_counted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("in");
        files_under(
            &root,
            &[
                "b.txt",
                "a/c.txt",
                ".hidden.txt",
                ".git/config",
                "_errors.jsonl",
                "_errors.2-of-16.jsonl",
                ".gongkai-abcdef1234.tmp",
                "out/x.xml",
            ],
        );
        #[cfg(unix)]
        std::os::unix::fs::symlink(&root, root.join("loop")).unwrap();
        let w = walk(std::slice::from_ref(&root), Some(&root.join("out")));
        let rels: Vec<_> = w.files.iter().map(|f| f.rel.clone()).collect();
        assert_eq!(rels, [PathBuf::from("a/c.txt"), PathBuf::from("b.txt")]);
        assert_eq!(
            w.skipped.to_string(),
            "1 hidden file skipped, 1 hidden folder skipped, 4 of gongkai's own files skipped"
        );
        #[cfg(unix)]
        assert_eq!(
            w.refused,
            [Refused {
                path: root.join("loop"),
                reason: "a symbolic link (not followed)".into()
            }]
        );
        let missing = walk(&[root.join("nothing")], None);
        assert_eq!(missing.refused.len(), 1);
        assert!(missing.files.is_empty());
    }
}

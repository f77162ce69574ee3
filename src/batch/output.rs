//! Writing output files: whole or not at all, with the mode any Unix tool gives, never onto
//! an input, and clearing away what killed runs left behind.
//!
//! A file is written to a temporary file beside its target, named `.gongkai-<random>.tmp`
//! and locked (`flock`) by its writer for as long as the writer lives, then renamed into
//! place. A new file gets mode 0666 less the umask; a replaced file keeps its mode. A
//! temporary file of ours that no live process holds locked is stale (its writer was
//! killed): the first write of a run into a folder removes those, and only those. A
//! folder output is built the same way: in a temporary folder of that name beside it,
//! locked, then put in its place whole.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Our temporary files: `.gongkai-` + random letters and digits + `.tmp`.
pub const TEMP_PREFIX: &str = ".gongkai-";
pub const TEMP_SUFFIX: &str = ".tmp";
const RANDOM_LEN: usize = 10;

/// Whether a name is one of our temporary files: `.gongkai-` + ten letters or digits +
/// `.tmp`, or `.gongkai-seal-` + six + `.tmp` as seals of earlier versions named theirs (so
/// that what their killed runs left is cleared too). The bare `.gongkai-XXXXXX` of earlier
/// converts is not claimed: a person could name a file so. Like any hidden file it is never
/// read or archived.
pub fn is_temp_name(name: &str) -> bool {
    let random =
        |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_alphanumeric());
    let Some(rest) = name
        .strip_prefix(TEMP_PREFIX)
        .and_then(|r| r.strip_suffix(TEMP_SUFFIX))
    else {
        return false;
    };
    match rest.strip_prefix("seal-") {
        Some(old) => random(old, 6),
        None => random(rest, RANDOM_LEN),
    }
}

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

/// Writes `bytes` to `path` through a temporary file beside it. The target's folder must
/// exist. Errors are the system's, without the temporary file's name: the caller names
/// the path the user gave.
pub fn write_atomically(path: &Path, bytes: &[u8], durability: Durability) -> io::Result<()> {
    let tmp = TempFile::beside(path)?;
    tmp.as_file().write_all(bytes)?;
    if durability == Durability::Synced {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path)?;
    if durability == Durability::Synced {
        sync_folder(folder_of(path));
    }
    Ok(())
}

/// The folder a file is written in (`.` for a bare name).
pub fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Makes a rename in `dir` durable (best effort: not every filesystem can sync a folder).
pub fn sync_folder(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A temporary file of ours, removed when dropped unless persisted.
pub struct TempFile {
    path: PathBuf,
    file: File,
    persisted: bool,
}

impl TempFile {
    /// A new temporary file in `target`'s folder, locked, with the mode `target` has when
    /// it is a file already (it is about to be replaced) and 0666 less the umask
    /// otherwise. Stale temporary files of ours in that folder are removed first (once a
    /// run).
    pub fn beside(target: &Path) -> io::Result<TempFile> {
        let create = |path: &Path| {
            // `create_new` with std's default mode: 0666 less the umask.
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(path)
        };
        let (path, file) =
            locked_beside(target, |m| m.is_file(), create, |p| std::fs::remove_file(p))?;
        Ok(TempFile {
            path,
            file,
            persisted: false,
        })
    }

    pub fn as_file(&self) -> &File {
        &self.file
    }

    /// Renames the file to `target`, replacing whatever is there.
    pub fn persist(mut self, target: &Path) -> io::Result<()> {
        std::fs::rename(&self.path, target)?;
        self.persisted = true;
        Ok(())
    }

    /// Gives the file the name `target` unless something has that name already (then
    /// the error is `AlreadyExists` and nothing is replaced).
    pub fn persist_new(mut self, target: &Path) -> io::Result<()> {
        match std::fs::hard_link(&self.path, target) {
            Ok(()) => {
                let _ = std::fs::remove_file(&self.path);
            }
            // A filesystem without hard links: check, then rename.
            Err(e)
                if e.kind() != io::ErrorKind::AlreadyExists
                    && std::fs::symlink_metadata(target).is_err() =>
            {
                std::fs::rename(&self.path, target)?
            }
            Err(e) => return Err(e),
        }
        self.persisted = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A temporary folder of ours, holding a folder output while it is made; removed with
/// what it holds when dropped unless put in place.
pub struct TempFolder {
    path: PathBuf,
    /// Held open and locked while the folder lives, as a temporary file is.
    _lock: File,
    persisted: bool,
}

impl TempFolder {
    /// A new temporary folder beside `target`, locked, with the mode `target` has when it
    /// is a folder already (it is about to be replaced) and 0777 less the umask
    /// otherwise. Stale temporary files and folders of ours there are removed first (once
    /// a run).
    pub fn beside(target: &Path) -> io::Result<TempFolder> {
        let create = |path: &Path| {
            std::fs::create_dir(path)?;
            // Gone before it could be opened: a cleaner took it for a killed run's (it
            // was not locked yet). Its name is as good as taken.
            File::open(path).map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => io::Error::from(io::ErrorKind::AlreadyExists),
                _ => e,
            })
        };
        let (path, lock) = locked_beside(
            target,
            |m| m.is_dir(),
            create,
            |p| std::fs::remove_dir_all(p),
        )?;
        Ok(TempFolder {
            path,
            _lock: lock,
            persisted: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the file `name` in the folder, synced (written again, it is replaced).
    pub fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let mut f = File::create(self.path.join(name))?;
        f.write_all(bytes)?;
        f.sync_all()
    }

    /// Puts the folder in `target`'s place: renamed to that name, or, when a folder has
    /// it, exchanged with that folder (on Linux in one step, so the name never lacks a
    /// folder). `target` must be a folder or nothing. The folder it replaces is emptied of
    /// the files `is_ours` accepts and removed; anything else was put there while this one
    /// was made, and that folder is kept under a name of its own beside `target`, which is
    /// returned, rather than lose it.
    pub fn persist(
        mut self,
        target: &Path,
        is_ours: impl Fn(&std::fs::DirEntry) -> bool,
    ) -> io::Result<Option<PathBuf>> {
        sync_folder(&self.path);
        let mut held: Option<File> = None;
        let replaced = match std::fs::symlink_metadata(target) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                std::fs::rename(&self.path, target)?;
                None
            }
            Err(e) => return Err(e),
            Ok(m) if m.is_dir() => {
                // The folder replaced is locked before it takes a temporary name, so that
                // another run's clean-up never takes it for a killed run's while what is
                // not ours is still in it (held until `remove_replaced` is done).
                let old = File::open(target)?;
                try_lock(&old);
                held = Some(old);
                if exchange(&self.path, target)? {
                    Some(self.path.clone())
                } else {
                    let aside = folder_of(target).join(temp_name());
                    std::fs::rename(target, &aside)?;
                    if let Err(e) = std::fs::rename(&self.path, target) {
                        let _ = std::fs::rename(&aside, target);
                        return Err(e);
                    }
                    Some(aside)
                }
            }
            Ok(_) => return Err(io::Error::other("not a folder")),
        };
        // In place: from here on nothing of ours is removed whole.
        self.persisted = true;
        let kept = replaced.and_then(|old| remove_replaced(&old, target, is_ours));
        drop(held);
        sync_folder(folder_of(target));
        Ok(kept)
    }
}

/// Empties `old`, the folder `target` was, of the files `is_ours` accepts and removes it;
/// when anything else is there (or cannot be removed) it is renamed `NAME.kept-RANDOM`
/// (or `kept-RANDOM`) beside `target` instead and that name returned (its temporary name
/// would have it removed as a killed run's by the next run writing there).
fn remove_replaced(
    old: &Path,
    target: &Path,
    is_ours: impl Fn(&std::fs::DirEntry) -> bool,
) -> Option<PathBuf> {
    let mut others = false;
    if let Ok(entries) = std::fs::read_dir(old) {
        for entry in entries {
            match entry {
                Ok(e) if is_ours(&e) && std::fs::remove_file(e.path()).is_ok() => {}
                _ => others = true,
            }
        }
    }
    // A file put there after the listing makes this fail, and the folder is kept too.
    if !others && std::fs::remove_dir(old).is_ok() {
        return None;
    }
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".kept-{}", random_name()));
    // A name too long with the suffix gets a short one.
    let short = format!("kept-{}", random_name());
    [name, short.into()]
        .into_iter()
        .map(|n| folder_of(target).join(n))
        .find(|kept| std::fs::rename(old, kept).is_ok())
        .or_else(|| Some(old.to_path_buf()))
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Makes a temporary file or folder of ours beside `target` with `create` (an error of
/// kind `AlreadyExists` when the name is taken) and locks it; it gets the mode `target`
/// has when it is of its kind (`same_kind`: about to be replaced). Stale temporary files
/// and folders of ours there are removed first (once a run).
fn locked_beside(
    target: &Path,
    same_kind: fn(&std::fs::Metadata) -> bool,
    create: impl Fn(&Path) -> io::Result<File>,
    remove: fn(&Path) -> io::Result<()>,
) -> io::Result<(PathBuf, File)> {
    let dir = folder_of(target);
    remove_stale_once(dir);
    let keep_mode = std::fs::symlink_metadata(target)
        .ok()
        .filter(same_kind)
        .map(|m| m.permissions());
    let mut last = None;
    for _ in 0..64 {
        let path = dir.join(temp_name());
        let file = match create(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                last = Some(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        // A cleaner that took the lock between our create and our lock has removed
        // the name: start again under another.
        if !try_lock(&file) || !is_linked(&file) {
            let _ = remove(&path);
            continue;
        }
        if let Some(mode) = keep_mode {
            if let Err(e) = file.set_permissions(mode) {
                let _ = remove(&path);
                return Err(e);
            }
        }
        return Ok((path, file));
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary file could be made")))
}

/// Swaps two names in one step; false where the system or filesystem cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // The system call itself: C libraries without its wrapper (glibc before 2.28, musl)
    // still run on kernels that have it (3.15 on).
    // SAFETY: two NUL-terminated paths that outlive the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) => Ok(false),
        Some(libc::EBUSY) | Some(libc::EXDEV) => Err(io::Error::other(
            "it cannot be replaced whole (a mount point, or on another file system than the folder above it): give a folder inside it",
        )),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// A name for a temporary file or folder of ours.
fn temp_name() -> String {
    format!("{TEMP_PREFIX}{}{TEMP_SUFFIX}", random_name())
}

/// Ten letters and digits from std's randomly keyed hasher, the time and a counter.
fn random_name() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    let mut n = h.finish();
    const DIGITS: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    (0..RANDOM_LEN)
        .map(|_| {
            let c = DIGITS[(n % 62) as usize] as char;
            n /= 62;
            c
        })
        .collect()
}

/// Removes stale temporary files of ours from `dir` the first time this process writes
/// there.
fn remove_stale_once(dir: &Path) {
    static CLEARED: OnceLock<Mutex<BTreeSet<PathBuf>>> = OnceLock::new();
    let first = CLEARED
        .get_or_init(Mutex::default)
        .lock()
        .map(|mut seen| seen.insert(dir.to_path_buf()))
        .unwrap_or(false);
    if first {
        remove_stale(dir);
    }
}

/// Removes from `dir` the temporary files and folders of ours ([`is_temp_name`]) that no
/// live process holds locked — left by a killed run. Returns how many.
pub fn remove_stale(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(is_temp_name))
        .filter(|e| remove_if_stale(&e.path()))
        .count()
}

#[cfg(unix)]
fn remove_if_stale(path: &Path) -> bool {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    // Never follow a link, never block on a FIFO.
    let Ok(file) = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
    else {
        return false;
    };
    let Ok(meta) = file.metadata() else {
        return false;
    };
    if !(meta.is_file() || meta.is_dir()) || !try_lock(&file) {
        return false;
    }
    // Still the very file or folder locked under that name: remove it while the lock is
    // held.
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.dev() == meta.dev() && m.ino() == meta.ino() => {
            if meta.is_dir() {
                std::fs::remove_dir_all(path).is_ok()
            } else {
                std::fs::remove_file(path).is_ok()
            }
        }
        _ => false,
    }
}

#[cfg(not(unix))]
fn remove_if_stale(_: &Path) -> bool {
    // No way to tell a live writer's file from a dead one's: leave them.
    false
}

#[cfg(unix)]
fn try_lock(file: &File) -> bool {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock on a descriptor this File owns; no memory is passed.
    unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
}

#[cfg(not(unix))]
fn try_lock(_: &File) -> bool {
    true
}

#[cfg(unix)]
fn is_linked(file: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    file.metadata().is_ok_and(|m| m.nlink() > 0)
}

#[cfg(not(unix))]
fn is_linked(_: &File) -> bool {
    true
}

/// A file's identity whatever its names: device and inode.
#[cfg(unix)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId(u64, u64);

/// A file's identity whatever its names: where its links resolve to.
#[cfg(not(unix))]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileId(PathBuf);

/// The identity of what `path` names (links followed), if it exists.
#[cfg(unix)]
pub fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| FileId(m.dev(), m.ino()))
}

#[cfg(not(unix))]
pub fn file_id(path: &Path) -> Option<FileId> {
    std::fs::canonicalize(path).ok().map(FileId)
}

/// Why an output may not be written.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OntoInput {
    #[error("the output is the input {0} itself (the same device and inode); nothing was written")]
    Same(PathBuf),
    #[error("the output folder holds the input {0}; nothing was written")]
    Holds(PathBuf),
}

/// Refuses an output that is one of the inputs — the same file by device and inode,
/// whatever the names, links or hard links — or a folder that holds one. An output that
/// does not exist yet is none of them.
pub fn refuse_onto_input(output: &Path, inputs: &[&Path]) -> Result<(), OntoInput> {
    let Some(out) = file_id(output) else {
        return Ok(());
    };
    let out_is_folder = output.is_dir();
    for &input in inputs {
        let Ok(real) = std::fs::canonicalize(input) else {
            continue;
        };
        if file_id(&real).as_ref() == Some(&out) {
            return Err(OntoInput::Same(input.to_path_buf()));
        }
        if out_is_folder
            && real
                .ancestors()
                .skip(1)
                .any(|a| file_id(a).as_ref() == Some(&out))
        {
            return Err(OntoInput::Holds(input.to_path_buf()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_whole_files_and_leaves_no_temporary_file() {
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
        let err =
            write_atomically(&dir.path().join("e/f.xml"), b"", Durability::Renamed).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(!err.to_string().contains(".gongkai-"), "{err}");
        assert_eq!(names(&dir.path().join("a")), ["b.xml"]);
        assert_eq!(names(&dir.path().join("c")), ["d.xml"]);
    }

    #[test]
    fn our_temporary_names_are_told_from_others() {
        let made = dir_with_temp();
        let name = made.1.file_name().unwrap().to_str().unwrap().to_string();
        assert!(is_temp_name(&name), "{name}");
        for ours in [".gongkai-seal-AbC123.tmp", ".gongkai-0123456789.tmp"] {
            assert!(is_temp_name(ours), "{ours}");
        }
        for not_ours in [
            ".gongkai-notes.txt",
            ".gongkai-my-file.tmp",
            ".gongkai-abc.tmp",
            ".gongkai-MNcAEJ",
            ".gongkai-backup",
            ".gongkai-seal-AbC1234.tmp",
            "gongkai-abcdef1234.tmp",
            ".gongkai-.tmp",
        ] {
            assert!(!is_temp_name(not_ours), "{not_ours}");
        }
    }

    fn dir_with_temp() -> (tempfile::TempDir, PathBuf, TempFile) {
        let dir = tempfile::tempdir().unwrap();
        let tmp = TempFile::beside(&dir.path().join("x")).unwrap();
        let path = tmp.path.clone();
        (dir, path, tmp)
    }

    #[test]
    fn a_temporary_folder_replaces_a_folder_whole_and_a_killed_ones_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.html"), b"old").unwrap();
        // What a killed run left: a folder of ours no one holds.
        let stale = dir.path().join(".gongkai-St4le01234.tmp");
        std::fs::create_dir(&stale).unwrap();
        std::fs::write(stale.join("page.html"), b"half").unwrap();
        let site = TempFolder::beside(&target).unwrap();
        assert!(!stale.exists(), "a killed run's folder is removed");
        let live = site.path().to_path_buf();
        assert_eq!(remove_stale(dir.path()), 0, "a live folder is kept");
        site.write("index.html", b"new").unwrap();
        assert_eq!(site.persist(&target, |_| true).unwrap(), None);
        assert_eq!(names(&target), ["index.html"]);
        assert_eq!(names(dir.path()), ["site"]);
        assert!(!live.exists());
        // Dropped before it is put in place: nothing is left, the target is as it was.
        let site = TempFolder::beside(&target).unwrap();
        site.write("half.html", b"half").unwrap();
        drop(site);
        assert_eq!(names(dir.path()), ["site"]);
        assert_eq!(names(&target), ["index.html"]);
        // Into a name that is free: renamed.
        let fresh = dir.path().join("fresh");
        let site = TempFolder::beside(&fresh).unwrap();
        site.write("index.html", b"new").unwrap();
        assert_eq!(site.persist(&fresh, |_| true).unwrap(), None);
        assert_eq!(std::fs::read(fresh.join("index.html")).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["fresh", "site"]);
    }

    #[test]
    fn a_replaced_folder_holding_what_is_not_ours_is_kept_beside() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.html"), b"old").unwrap();
        let site = TempFolder::beside(&target).unwrap();
        site.write("index.html", b"new").unwrap();
        // Put into the folder while the new one was made.
        std::fs::write(target.join("notes.txt"), b"mine").unwrap();
        let is_page = |e: &std::fs::DirEntry| e.file_name().to_string_lossy().ends_with(".html");
        let kept = site.persist(&target, is_page).unwrap().expect("kept");
        assert_eq!(names(&target), ["index.html"]);
        assert_eq!(std::fs::read(target.join("index.html")).unwrap(), b"new");
        // What was ours went; what was not is kept, under a name no cleaner takes.
        assert_eq!(names(&kept), ["notes.txt"]);
        assert_eq!(std::fs::read(kept.join("notes.txt")).unwrap(), b"mine");
        let kept_name = kept.file_name().unwrap().to_str().unwrap();
        assert!(kept_name.starts_with("site.kept-"), "{kept_name}");
        assert!(!is_temp_name(kept_name));
        assert_eq!(remove_stale(dir.path()), 0);
        assert_eq!(names(dir.path()), ["site", kept_name]);
    }

    #[test]
    fn a_kept_folder_whose_name_would_be_too_long_gets_a_short_one() {
        let dir = tempfile::tempdir().unwrap();
        // 245 bytes: the name fits, with `.kept-` and ten more it would not (255 at most).
        let target = dir.path().join("s".repeat(245));
        std::fs::create_dir(&target).unwrap();
        let site = TempFolder::beside(&target).unwrap();
        site.write("index.html", b"new").unwrap();
        std::fs::write(target.join("notes.txt"), b"mine").unwrap();
        let kept = site.persist(&target, |_| false).unwrap().expect("kept");
        let kept_name = kept.file_name().unwrap().to_str().unwrap();
        assert!(kept_name.starts_with("kept-"), "{kept_name}");
        assert_eq!(std::fs::read(kept.join("notes.txt")).unwrap(), b"mine");
        assert_eq!(remove_stale(dir.path()), 0);
    }

    /// On Linux two folders swap names in one step (else a replaced folder would be missing
    /// for a moment, the fallback's way).
    #[cfg(target_os = "linux")]
    #[test]
    fn two_folders_are_exchanged_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("from-a"), b"").unwrap();
        assert!(
            exchange(&a, &b).unwrap(),
            "not exchanged: the system call failed"
        );
        assert!(b.join("from-a").exists() && !a.join("from-a").exists());
        assert!(!exchange(&a, &dir.path().join("none")).unwrap_or(false));
    }

    #[test]
    fn only_stale_temporary_files_of_ours_are_removed() {
        let (dir, live, held) = dir_with_temp();
        for name in [
            ".gongkai-seal-AbC123.tmp",
            ".gongkai-notes.txt",
            "report.txt",
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        assert_eq!(remove_stale(dir.path()), 1);
        assert!(live.exists(), "a live writer's file is kept");
        let mut left = names(dir.path());
        left.retain(|n| n != live.file_name().unwrap().to_str().unwrap());
        assert_eq!(left, [".gongkai-notes.txt", "report.txt"]);
        drop(held);
        assert!(!live.exists(), "dropped without persisting: removed");
    }

    #[cfg(unix)]
    #[test]
    fn new_files_follow_the_umask_and_replaced_ones_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        // SAFETY: umask only reads and sets the process's mask.
        let umask = unsafe {
            let m = libc::umask(0o022);
            libc::umask(m);
            m
        } as u32;
        let new = dir.path().join("new.csv");
        write_atomically(&new, b"a", Durability::Renamed).unwrap();
        assert_eq!(mode(&new), 0o666 & !umask);
        let kept = dir.path().join("kept.csv");
        std::fs::write(&kept, b"old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&kept, b"new", Durability::Synced).unwrap();
        assert_eq!(mode(&kept), 0o640);
        assert_eq!(std::fs::read(&kept).unwrap(), b"new");
    }

    #[test]
    fn an_output_that_is_or_holds_an_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.txt");
        std::fs::write(&input, b"x").unwrap();
        let link = dir.path().join("hard.txt");
        std::fs::hard_link(&input, &link).unwrap();
        let other = dir.path().join("other.txt");
        std::fs::write(&other, b"x").unwrap();
        assert_eq!(
            refuse_onto_input(&link, &[&input]),
            Err(OntoInput::Same(input.clone()))
        );
        assert_eq!(
            refuse_onto_input(dir.path(), &[&input]),
            Err(OntoInput::Holds(input.clone()))
        );
        assert_eq!(refuse_onto_input(&other, &[&input]), Ok(()));
        assert_eq!(
            refuse_onto_input(&dir.path().join("new"), &[&input]),
            Ok(())
        );
    }
}

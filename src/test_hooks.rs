//! Hooks through which the tests drive the binary into states they cannot reach from
//! outside: a panic on a chosen file, a seal paused mid-write, every report made again
//! while writing. They exist only with the `test-hooks` feature, which the tests turn on
//! (the crate is its own dev-dependency with that feature); a release build has none of
//! them, so no environment variable changes what it does (the names below are only
//! read when the feature is on).

/// A fixed pseudo-random sequence (xorshift64; `seed` made odd, so never stuck at 0): the
/// same values in every run, for the tests that try many drawn inputs.
#[cfg(any(test, feature = "test-hooks"))]
pub fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut x = seed | 1;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}

/// Whether this build has the hooks.
pub fn enabled() -> bool {
    cfg!(feature = "test-hooks")
}

#[cfg(feature = "test-hooks")]
use std::ffi::OsStr;

/// `convert` panics on the file of this name, so the tests see the run go on.
pub const PANIC_ON_ENV: &str = "GONGKAI_TEST_PANIC_ON";

/// After this many bytes of the temporary file, `seal` flushes, says `paused` on standard
/// error and sleeps, so a test can kill it mid-write.
pub const SEAL_PAUSE_AFTER_ENV: &str = "GONGKAI_TEST_SEAL_PAUSE_AFTER";

/// The bytes of originals and reports `seal` holds in memory; 0 makes every report's bytes
/// be made again, and every original read again, while writing.
pub const SEAL_HELD_MEMORY_ENV: &str = "GONGKAI_TEST_SEAL_HELD_MEMORY";

/// Once `seal` has read the file of this name, it changes its first byte in place and sets
/// its modification time back: another program writing it meanwhile, size and time kept.
pub const SEAL_CHANGE_AFTER_READING_ENV: &str = "GONGKAI_TEST_SEAL_CHANGE_AFTER_READING";

/// Whether `convert` is to panic on the file `name`.
pub fn panic_on(name: Option<&std::ffi::OsStr>) -> bool {
    #[cfg(feature = "test-hooks")]
    {
        std::env::var_os(PANIC_ON_ENV).is_some_and(|n| name == Some(OsStr::new(&n)))
    }
    #[cfg(not(feature = "test-hooks"))]
    {
        let _ = name;
        false
    }
}

/// After how many bytes of its temporary file `seal` is to pause.
pub fn seal_pause_after() -> Option<u64> {
    #[cfg(feature = "test-hooks")]
    {
        std::env::var(SEAL_PAUSE_AFTER_ENV).ok()?.parse().ok()
    }
    #[cfg(not(feature = "test-hooks"))]
    {
        None
    }
}

/// Told by `seal` that it has read the file at `path` for the archive.
pub fn seal_has_read(path: &std::path::Path) {
    #[cfg(feature = "test-hooks")]
    if std::env::var_os(SEAL_CHANGE_AFTER_READING_ENV)
        .is_some_and(|n| path.file_name() == Some(OsStr::new(&n)))
    {
        use std::io::{Read, Seek, Write};
        let changed = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .and_then(|mut f| {
                let modified = f.metadata()?.modified()?;
                let mut first = [0u8];
                f.read_exact(&mut first)?;
                f.rewind()?;
                f.write_all(&[!first[0]])?;
                f.set_modified(modified)
            });
        if let Err(e) = changed {
            eprintln!("test hook: cannot change {}: {e}", path.display());
        }
    }
    #[cfg(not(feature = "test-hooks"))]
    let _ = path;
}

/// The bytes of originals and reports `seal` is to hold in memory instead of its default.
pub fn seal_held_memory() -> Option<u64> {
    #[cfg(feature = "test-hooks")]
    {
        std::env::var(SEAL_HELD_MEMORY_ENV).ok()?.parse().ok()
    }
    #[cfg(not(feature = "test-hooks"))]
    {
        None
    }
}

//! Archives past the classic zip limits, end to end with the real binary (issue 17): a
//! folder of 70,000 small files (more than 65,534 entries) and a folder holding one sparse
//! 4.5 GiB file (an entry of 4 GiB and more, offsets past 4 GiB). Each is sealed, verified,
//! listed and proved, its ZIP64 records read back, and accepted by `unzip -t`, Python's
//! zipfile, 7-Zip and, unzipped, bagit-python; the ZIP64 records of the large one are
//! tampered with and each change found and named. `verify`, `list`, `prove` and
//! `verify-proof` take no more memory at 70,000 files than at 700.

mod util;

use std::io::Read;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use gongkai::archive::container;
use util::{bin, root};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

#[track_caller]
fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", text(o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs the binary to success; gives its standard output and its peak resident memory in
/// KiB (`ru_maxrss` of this one child, from `wait4`).
// The child is reaped by `wait4`, which clippy does not know.
#[allow(clippy::zombie_processes)]
fn measured(args: &[&str]) -> (String, u64) {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    assert_eq!(unsafe { libc::wait4(pid, &mut status, 0, &mut usage) }, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{args:?}: {status:#x}\n{out}"
    );
    (out, usage.ru_maxrss as u64)
}

/// A tool the tests need: present, or the test fails saying how to get it.
fn tool(name: &str, package: &str) -> Command {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "{name} is needed: apt-get install {package} (scripts/test installs it)"
    );
    Command::new(name)
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

fn read_at(path: &Path, at: u64, n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    std::fs::File::open(path)
        .unwrap()
        .read_exact_at(&mut b, at)
        .unwrap();
    b
}

fn write_at(path: &Path, at: u64, bytes: &[u8]) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .write_all_at(bytes, at)
        .unwrap();
}

/// The end of an archive with ZIP64 end records: (ZIP64 end record, locator, end record).
fn zip64_end(archive: &Path) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let len = std::fs::metadata(archive).unwrap().len();
    let tail = read_at(archive, len - 98, 98);
    (
        tail[..56].to_vec(),
        tail[56..76].to_vec(),
        tail[76..].to_vec(),
    )
}

/// `unzip -t`, Python's zipfile (every CRC), 7-Zip's test, and bagit-python on the bag
/// unzipped by zipfile all accept the archive.
fn every_reader_accepts(archive: &Path, work: &Path, entries: usize) {
    let o = tool("unzip", "unzip")
        .args(["-tq", s(archive)])
        .output()
        .unwrap();
    assert!(
        o.status.success() && text(&o).contains("No errors detected"),
        "unzip -t: {}",
        text(&o)
    );
    let o = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile\n\
             z = zipfile.ZipFile(sys.argv[1])\n\
             assert z.testzip() is None\n\
             print(len(z.infolist()))",
            s(archive),
        ])
        .output()
        .expect("python3 is needed");
    assert_eq!(ok(&o).trim(), entries.to_string(), "zipfile");
    let o = tool("7z", "p7zip-full")
        .args(["t", s(archive)])
        .output()
        .unwrap();
    assert!(
        o.status.success() && text(&o).contains("Everything is Ok"),
        "7z t: {}",
        text(&o)
    );
    let x = work.join("unzipped");
    let o = Command::new("python3")
        .args([
            s(&root().join("tests/data/extract_sparse.py")),
            s(archive),
            s(&x),
        ])
        .output()
        .unwrap();
    ok(&o);
    let bag = std::fs::read_dir(&x)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let o = Command::new("python3")
        .args(["-m", "bagit", "--validate", "--processes", "2", s(&bag)])
        .output()
        .unwrap();
    assert!(
        o.status.success() && text(&o).contains("is valid"),
        "bagit-python (pip install bagit; scripts/test installs it): {}",
        text(&o)
    );
    std::fs::remove_dir_all(&x).unwrap();
}

/// Proves `path`, checks the proof against the archive and its root; gives the proof and
/// the peak memory of `prove` and of `verify-proof --archive`, in KiB.
fn prove(archive: &Path, path: &str, work: &Path) -> (serde_json::Value, [u64; 2]) {
    let proof = work.join("p.json");
    let (_, proving) = measured(&["prove", s(archive), path, "-o", s(&proof)]);
    let p: serde_json::Value = serde_json::from_slice(&std::fs::read(&proof).unwrap()).unwrap();
    let (holds, checking) = measured(&["verify-proof", s(&proof), "--archive", s(archive)]);
    assert!(holds.contains("holds"), "{holds}");
    let root = p["root"].as_str().unwrap();
    ok(&run(&["verify-proof", s(&proof), "--root", root]));
    (p, [proving, checking])
}

/// A folder of `n` binary files that extract refuses at once: each is one entry (with a
/// note), so its archive has `n + 5` entries.
fn small_files(col: &Path, n: usize) {
    for i in 0..n {
        let sub = col.join(format!("{:02}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&sub).unwrap();
        }
        let mut b = vec![0u8, 159, 146, 150];
        b.extend_from_slice(&(i as u32).to_le_bytes());
        std::fs::write(sub.join(format!("{i:05}.bin")), b).unwrap();
    }
}

/// The peak memory (KiB) of `verify --json`, `list`, `prove` and `verify-proof --archive`
/// on an archive, with their outputs.
struct Peaks {
    verify: (String, u64),
    list: (String, u64),
    proof: (serde_json::Value, [u64; 2]),
}

fn peaks(archive: &Path, prove_path: &str, work: &Path) -> Peaks {
    Peaks {
        verify: measured(&["verify", "--json", s(archive)]),
        list: measured(&["list", s(archive)]),
        proof: prove(archive, prove_path, work),
    }
}

const FILES: usize = 70_000;

#[test]
fn seventy_thousand_files_take_zip64_end_records_and_verify_list_and_prove() {
    let dir = tempfile::tempdir().unwrap();
    let col = dir.path().join("col");
    small_files(&col, FILES);
    let a = dir.path().join("a.zip");
    let out = ok(&run(&["seal", "--year", "2020", s(&col), "-o", s(&a)]));
    assert!(out.contains(&format!("{FILES} files")), "{out}");

    // More than 65,534 entries: the ZIP64 end record holds the count, the end record 0xFFFF.
    let entries = FILES + 5;
    let (record, locator, end) = zip64_end(&a);
    assert_eq!(u32_at(&record, 0), 0x0606_4b50);
    assert_eq!(u64_at(&record, 32), entries as u64);
    assert_eq!(u32_at(&locator, 0), 0x0706_4b50);
    let len = std::fs::metadata(&a).unwrap().len();
    assert_eq!(u64_at(&locator, 8), len - 98);
    assert_eq!(u16_at(&end, 10), 0xffff);
    assert_eq!(
        u64_at(&record, 48),
        u32_at(&end, 16) as u64,
        "the offset fits"
    );

    let big = peaks(&a, "originals/35/35000.bin", dir.path());
    let v: serde_json::Value = serde_json::from_str(&big.verify.0).unwrap();
    assert_eq!(v["status"], "intact");
    assert_eq!(v["files"].as_array().unwrap().len(), entries);

    let list = &big.list.0;
    assert_eq!(list.lines().count(), FILES + 3, "header, files, footer");
    assert!(list.contains("data/originals/69/69999.bin  (original, no report: not-extracted)"));

    // A proof of 70,000 leaves is 17 hashes long (the tree is 17 levels deep).
    let p = &big.proof.0;
    assert_eq!(p["tree_size"], FILES);
    assert_eq!(p["audit_path"].as_array().unwrap().len(), 17);

    // Memory that does not grow per entry: a hundred times the entries cost at most 8 MiB
    // more (some 120 bytes an entry; a verifier that holds its entries takes 660).
    let small_col = dir.path().join("small");
    small_files(&small_col, FILES / 100);
    let small_a = dir.path().join("small.zip");
    ok(&run(&[
        "seal",
        "--year",
        "2020",
        s(&small_col),
        "-o",
        s(&small_a),
    ]));
    let small = peaks(&small_a, "originals/00/00350.bin", dir.path());
    for (command, at_700, at_70_000) in [
        ("verify --json", small.verify.1, big.verify.1),
        ("list", small.list.1, big.list.1),
        ("prove", small.proof.1[0], big.proof.1[0]),
        ("verify-proof --archive", small.proof.1[1], big.proof.1[1]),
    ] {
        assert!(
            at_70_000 <= at_700 + 8 * 1024,
            "{command}: {at_700} KiB at 705 entries, {at_70_000} KiB at {entries}"
        );
    }

    every_reader_accepts(&a, dir.path(), entries);
}

/// 4.5 GiB.
const HUGE: u64 = 9 << 29;

/// A sparse file of `len` zeros, or a failure saying why this machine cannot have one.
fn sparse_file(path: &Path, len: u64) {
    let f = std::fs::File::create(path).unwrap();
    f.set_len(len).unwrap();
    let allocated = f.metadata().unwrap().blocks() * 512;
    if allocated < 1 << 20 {
        return;
    }
    // No holes here: the zeros take their space, twice (the file and its archive).
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    let folder = std::ffi::CString::new(s(path.parent().unwrap())).unwrap();
    assert_eq!(unsafe { libc::statvfs(folder.as_ptr(), &mut st) }, 0);
    let free = st.f_bavail as u64 * st.f_frsize as u64;
    assert!(
        free > 3 * len,
        "the file system of {} has no sparse files and {free} bytes free: this test needs {}",
        path.display(),
        3 * len
    );
}

#[test]
fn a_sparse_file_of_4_5_gib_takes_zip64_records_and_every_reader_accepts_it() {
    let dir = tempfile::tempdir().unwrap();
    let col = dir.path().join("col");
    std::fs::create_dir(&col).unwrap();
    sparse_file(&col.join("big.bin"), HUGE);
    // After the big file: a header past 4 GiB.
    std::fs::write(col.join("small.bin"), [0u8, 159, 146, 150]).unwrap();
    let a = dir.path().join("a.zip");
    ok(&run(&["seal", "--year", "2020", s(&col), "-o", s(&a)]));

    // The big entry: version 4.5, both sizes in its ZIP64 extra field.
    let name = b"gongkai-2020/data/originals/big.bin";
    let src = container::FileSource::open(&a).unwrap();
    let scan = container::scan(&src).unwrap().unwrap();
    assert_eq!(scan.findings, []);
    let big_at = scan
        .entries
        .iter()
        .find(|e| e.name == name)
        .unwrap()
        .header_offset;
    let small = scan
        .entries
        .iter()
        .find(|e| e.name.ends_with(b"small.bin"))
        .unwrap();
    assert!(small.header_offset > HUGE);
    let local = read_at(&a, big_at, 30 + name.len() + 20);
    assert_eq!(&local[30..30 + name.len()], name);
    assert_eq!(u16_at(&local, 4), 45);
    assert_eq!(
        (u32_at(&local, 18), u32_at(&local, 22)),
        (u32::MAX, u32::MAX)
    );
    let extra = &local[30 + name.len()..];
    assert_eq!((u16_at(extra, 0), u16_at(extra, 2)), (1, 16));
    assert_eq!((u64_at(extra, 4), u64_at(extra, 12)), (HUGE, HUGE));
    // The directory starts past 4 GiB: ZIP64 end records, the end record's offset marked.
    let (record, locator, end) = zip64_end(&a);
    let cd_offset = u64_at(&record, 48);
    assert!(cd_offset > HUGE, "{cd_offset}");
    assert_eq!(u32_at(&end, 16), u32::MAX);
    assert_eq!(u16_at(&end, 10), 7, "the count fits");
    assert_eq!(u64_at(&locator, 8), cd_offset + u64_at(&record, 40));

    let v = ok(&run(&["verify", s(&a)]));
    assert!(v.contains("a.zip: intact — year 2020, 7 files"), "{v}");
    let list = ok(&run(&["list", s(&a)]));
    assert!(list.contains(&format!("{HUGE}  ")), "{list}");
    prove(&a, "originals/big.bin", dir.path());
    every_reader_accepts(&a, dir.path(), 7);

    // Tampering with the ZIP64 records: each found and named, by `verify` (which hashes
    // the 4.5 GiB again) and, quicker, by the reader it runs first.
    let len = std::fs::metadata(&a).unwrap().len();
    let changed = |at: u64, bytes: &[u8], check: &dyn Fn()| {
        let before = read_at(&a, at, bytes.len());
        write_at(&a, at, bytes);
        check();
        write_at(&a, at, &before);
    };
    let finds = |want: &str| {
        let src = container::FileSource::open(&a).unwrap();
        let found: Vec<String> = container::scan(&src)
            .unwrap()
            .unwrap()
            .findings
            .into_iter()
            .map(|f| format!("{}: {}", f.entry.unwrap_or_default(), f.message))
            .collect();
        assert!(
            found.iter().any(|f| f.contains(want)),
            "{want:?} not in {found:#?}"
        );
    };
    // The locator points 8 bytes early.
    let early = len - 98 - 8;
    changed(len - 22 - 20 + 8, &early.to_le_bytes(), &|| {
        let o = run(&["verify", s(&a)]);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        let want = format!(
            "container: the ZIP64 end of central directory locator points to {early}, where \
             there is no ZIP64 end of central directory record"
        );
        assert!(text(&o).contains(&want), "{want:?} not in {}", text(&o));
    });
    // The local header's ZIP64 sizes: one disagreeing with the other, both with the
    // directory's.
    let extra_at = big_at + 30 + name.len() as u64;
    changed(extra_at + 4, &(HUGE - 1).to_le_bytes(), &|| {
        finds("big.bin: declares 4831838208 bytes stored but 4831838207 bytes uncompressed")
    });
    let both = [(HUGE + 1).to_le_bytes(), (HUGE + 1).to_le_bytes()].concat();
    changed(extra_at + 4, &both, &|| {
        finds(
            "big.bin: the central directory disagrees with the local header: size (4831838208 \
             bytes in the central directory, 4831838209 in the local header)",
        )
    });
    // The extra field's ID; its data size.
    changed(extra_at, &[0x99, 0x99], &|| {
        finds(
            "big.bin: local header: an extra field block of type 0x9999, which a seal never writes",
        )
    });
    changed(extra_at + 2, &[8], &|| {
        finds("big.bin: local header: the ZIP64 extra field has no compressed size")
    });
    // The end record's count, against the ZIP64 end record's.
    changed(len - 22 + 10, &[6], &|| {
        finds(": end of central directory record: entries differs from a seal's")
    });
    // Put back, the reader finds nothing again.
    let src = container::FileSource::open(&a).unwrap();
    assert_eq!(container::scan(&src).unwrap().unwrap().findings, []);
}

//! Archives end to end: seal → verify with the real binary in temporary folders, bagit-python
//! on the unzipped bag, every single-byte flip and every KiB truncation of a small archive,
//! deleted/added/renamed entries, hostile zips, determinism, a killed seal, the chain and
//! inclusion proofs.

mod archive_util;
mod util;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use archive_util::{entries_of, rebuild};
use gongkai::archive::container::{self, raw_entry, RawEntry};
use gongkai::archive::verify::{verify_source, ProblemKind, Status};
use util::{bin, cases, hooked, input_of, root};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn out_text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().unwrap()
}

/// A small collection: two real reports (one in a subfolder), a fake PDF and a binary blob
/// that extract refuses.
fn collection(dir: &Path) {
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::copy(
        root().join("golden/meilie-2020-pipe/input.txt"),
        dir.join("meilie.txt"),
    )
    .unwrap();
    std::fs::copy(
        root().join("golden/kewei-2024-md/input.md"),
        dir.join("sub/kewei.md"),
    )
    .unwrap();
    std::fs::write(dir.join("report.pdf"), b"%PDF-1.4 not really a pdf").unwrap();
    std::fs::write(dir.join("blob.bin"), [0u8, 1, 2, 3, 255, 254, 0, 0]).unwrap();
}

/// A tiny collection, for the exhaustive tests: one short text report and one binary file.
fn tiny(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("a.txt"),
        "一、总体情况\n本年度公开信息。\n".as_bytes(),
    )
    .unwrap();
    std::fs::write(dir.join("b.bin"), [0u8, 159, 146, 150]).unwrap();
}

fn seal(dir: &Path, input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["seal", "--year", "2020", s(input), "-o", s(out)];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

/// Seals a collection into `dir/archive.zip` and returns its path.
#[track_caller]
fn sealed(dir: &Path, make: fn(&Path)) -> PathBuf {
    let col = dir.join("col");
    make(&col);
    let out = dir.join("archive.zip");
    let o = seal(dir, &col, &out, &[]);
    assert!(o.status.success(), "{}", out_text(&o));
    out
}

fn verify_bytes(b: &[u8]) -> Option<gongkai::archive::Verification> {
    verify_source(&b, "test.zip").ok()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", out_text(o)))
}

/// (kind, path) of every problem in a `verify --json` output.
fn problems(v: &serde_json::Value) -> Vec<(String, String)> {
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap().to_string(),
                p["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn has(ps: &[(String, String)], kind: &str, path: &str) -> bool {
    ps.iter().any(|(k, p)| k == kind && p == path)
}

#[test]
fn seal_then_verify_is_intact_and_names_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = sealed(dir.path(), collection);
    let o = run_in(dir.path(), &["verify", s(&a)]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    for p in [
        "data/originals/meilie.txt",
        "data/originals/sub/kewei.md",
        "data/originals/report.pdf",
        "data/originals/blob.bin",
        "data/xml/meilie.txt.xml",
        "data/xml/sub/kewei.md.xml",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
        "seal.xml",
    ] {
        assert!(
            text.contains(&format!("ok          {p}\n")),
            "{p} in\n{text}"
        );
    }
    assert!(text.contains("intact"));
    // Originals byte for byte; no report for the two that extract refuses.
    let v = json(&run_in(dir.path(), &["verify", "--json", s(&a)]));
    assert_eq!(v["status"], "intact");
    assert_eq!(v["year"], 2020);
    let files: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(!files.contains(&"data/xml/blob.bin.xml"));
    assert!(!files.contains(&"data/xml/report.pdf.xml"));
    let list = run_in(dir.path(), &["list", s(&a)]);
    assert!(list.status.success());
    let list = String::from_utf8(list.stdout).unwrap();
    assert!(list.contains("data/originals/blob.bin  (original, no report: not-extracted)"));
    assert!(list.contains("data/xml/meilie.txt.xml  (report, extracted)"));
}

fn unzip(archive: &Path, into: &Path) {
    let o = Command::new("python3")
        .args(["-m", "zipfile", "-e", s(archive), s(into)])
        .output()
        .expect("python3 is needed (apt-get install python3)");
    assert!(o.status.success(), "{}", out_text(&o));
}

#[test]
fn bagit_python_validates_the_unzipped_bag_and_originals_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let a = sealed(dir.path(), collection);
    let x = dir.path().join("x");
    unzip(&a, &x);
    let has_bagit = Command::new("python3")
        .args(["-c", "import bagit"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(has_bagit, "bagit-python is needed: pip install bagit");
    let bag = x.join("gongkai-2020");
    let o = Command::new("python3")
        .args(["-m", "bagit", "--validate", s(&bag)])
        .output()
        .unwrap();
    assert!(o.status.success(), "bagit-python: {}", out_text(&o));
    assert!(out_text(&o).contains("is valid"));
    for (orig, inside) in [
        ("col/meilie.txt", "data/originals/meilie.txt"),
        ("col/sub/kewei.md", "data/originals/sub/kewei.md"),
        ("col/blob.bin", "data/originals/blob.bin"),
    ] {
        assert_eq!(
            std::fs::read(dir.path().join(orig)).unwrap(),
            std::fs::read(bag.join(inside)).unwrap()
        );
    }
    // The report in the bag is what `extract` makes of the original.
    let extracted = bin()
        .args(["extract", s(&dir.path().join("col/meilie.txt"))])
        .output()
        .unwrap();
    assert_eq!(
        extracted.stdout,
        std::fs::read(bag.join("data/xml/meilie.txt.xml")).unwrap()
    );
    // The seal record validates against its schema.
    let o = Command::new("xmllint")
        .args([
            "--noout",
            "--schema",
            s(&root().join("schemas/seal.xsd")),
            s(&bag.join("seal.xml")),
        ])
        .output()
        .expect("xmllint is needed (apt-get install libxml2-utils)");
    assert!(o.status.success(), "xmllint: {}", out_text(&o));
    // bagit-python stops at Payload-Oxum; verify names the file.
    std::fs::write(bag.join("data/originals/blob.bin"), b"changed!!").unwrap();
    let o = Command::new("python3")
        .args(["-m", "bagit", "--validate", s(&bag)])
        .output()
        .unwrap();
    assert!(!o.status.success());
}

/// Reports whose order differs from their originals': `r.txt` sorts before `r.txt-2.txt`,
/// but `r.txt-2.txt.xml` before `r.txt.xml` (`-` sorts before `.`), and so on down a chain
/// of names each a prefix of the next.
fn prefixes(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let report = "一、总体情况\n本年度公开信息。\n";
    for (i, name) in [
        "r.txt",
        "r.txt-2.txt",
        "r.txt-2.txt-3.txt",
        "r.txt.txt",
        "s.txt",
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(dir.join(name), format!("{report}{i}\n")).unwrap();
    }
    std::fs::write(dir.join("r.bin"), [0u8, 159, 146, 150]).unwrap();
}

#[test]
fn the_one_pass_check_finds_a_seal_intact_and_it_reads_as_the_thorough_verifier_says() {
    use gongkai::archive::verify::{diagnose_source, verify_file, Depth};
    use gongkai::archive::{streamed, Progress};
    for make in [collection, tiny, prefixes] {
        let dir = tempfile::tempdir().unwrap();
        let a = sealed(dir.path(), make);
        let bytes = std::fs::read(&a).unwrap();
        let src: &[u8] = &bytes;
        for depth in [Depth::Full, Depth::Tags] {
            assert!(
                streamed::check(&src, depth, &Progress::hidden()).is_some(),
                "{depth:?}"
            );
        }
        let thorough = diagnose_source(&src, s(&a)).unwrap();
        assert_eq!(thorough.status, Status::Intact, "{}", thorough.to_text());
        let streamed = verify_file(&a, Depth::Full, &Progress::hidden()).unwrap();
        assert_eq!(streamed.to_text(), thorough.to_text());
        assert_eq!(
            serde_json::to_string_pretty(&streamed).unwrap(),
            serde_json::to_string_pretty(&thorough).unwrap()
        );
    }
    // Each report was made, so the prefixes' links were followed.
    let dir = tempfile::tempdir().unwrap();
    let a = sealed(dir.path(), prefixes);
    let list = String::from_utf8(run_in(dir.path(), &["list", s(&a)]).stdout).unwrap();
    assert_eq!(list.matches("(report, extracted)").count(), 5, "{list}");
}

#[test]
fn every_single_byte_flip_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let a = sealed(dir.path(), tiny);
    let bytes = std::fs::read(&a).unwrap();
    assert!(
        bytes.len() < 8192,
        "keep the archive small: {}",
        bytes.len()
    );
    assert_eq!(verify_bytes(&bytes).unwrap().status, Status::Intact);
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut d = bytes.clone();
            d[i] ^= mask;
            match verify_bytes(&d) {
                None => {} // unusable: also not "intact"
                Some(v) => assert_eq!(
                    v.status,
                    Status::Damaged,
                    "byte {i} ^ {mask:#04x} went unnoticed"
                ),
            }
        }
    }
    // Some of them through the binary.
    let flipped = dir.path().join("flipped.zip");
    for i in (0..bytes.len()).step_by(bytes.len() / 23) {
        let mut d = bytes.clone();
        d[i] ^= 0xff;
        std::fs::write(&flipped, &d).unwrap();
        let o = run_in(dir.path(), &["verify", s(&flipped)]);
        assert!(
            matches!(o.status.code(), Some(1) | Some(2)),
            "byte {i}: {}",
            out_text(&o)
        );
    }
}

#[test]
fn truncation_at_every_kib_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let a = sealed(dir.path(), collection);
    let bytes = std::fs::read(&a).unwrap();
    let cut = dir.path().join("cut.zip");
    for k in 0..=(bytes.len() / 1024) {
        let d = &bytes[..k * 1024];
        if let Some(v) = verify_bytes(d) {
            assert_eq!(v.status, Status::Damaged, "cut at {} KiB", k);
        }
        if k % 8 == 0 {
            std::fs::write(&cut, d).unwrap();
            let o = run_in(dir.path(), &["verify", s(&cut)]);
            let want = if k == 0 { 2 } else { 1 };
            assert_eq!(
                o.status.code(),
                Some(want),
                "cut at {k} KiB: {}",
                out_text(&o)
            );
        }
    }
    // Cut inside the last entry's data: named as truncated, the rest still checked.
    std::fs::write(&cut, &bytes[..bytes.len() - 2000]).unwrap();
    let v = json(&run_in(dir.path(), &["verify", "--json", s(&cut)]));
    let ps = problems(&v);
    assert!(ps.iter().any(|(k, _)| k == "truncated"), "{ps:?}");
    assert!(has(&ps, "missing", "tagmanifest-sha256.txt"), "{ps:?}");
}

#[test]
fn deleted_added_and_renamed_entries_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let a = sealed(dir.path(), collection);
    let bytes = std::fs::read(&a).unwrap();
    let entries = entries_of(&bytes);
    assert_eq!(rebuild(&entries), bytes, "the writer is the seal's");
    let changed = dir.path().join("changed.zip");
    let check = |e: Vec<(String, Vec<u8>)>, want: &[(&str, &str)]| {
        std::fs::write(&changed, rebuild(&e)).unwrap();
        let o = run_in(dir.path(), &["verify", "--json", s(&changed)]);
        assert_eq!(o.status.code(), Some(1), "{}", out_text(&o));
        let ps = problems(&json(&o));
        for (k, p) in want {
            assert!(has(&ps, k, p), "{k} {p} not in {ps:?}");
        }
        let text = run_in(dir.path(), &["verify", s(&changed)]);
        let text = String::from_utf8(text.stdout).unwrap();
        for (_, p) in want {
            assert!(text.contains(p), "{p} not named in\n{text}");
        }
    };
    // Deleted.
    let mut e = entries.clone();
    e.retain(|(n, _)| n != "gongkai-2020/data/originals/report.pdf");
    check(
        e,
        &[
            ("missing", "data/originals/report.pdf"),
            ("payload-oxum", "bag-info.txt"),
        ],
    );
    // Added.
    let mut e = entries.clone();
    e.push((
        "gongkai-2020/data/originals/extra.txt".into(),
        b"x".to_vec(),
    ));
    e.push(("gongkai-2020/notes.txt".into(), b"y".to_vec()));
    check(
        e,
        &[
            ("unexpected", "data/originals/extra.txt"),
            ("unexpected", "notes.txt"),
            ("payload-oxum", "bag-info.txt"),
        ],
    );
    // Renamed.
    let mut e = entries.clone();
    for (n, _) in e.iter_mut() {
        if n == "gongkai-2020/data/originals/meilie.txt" {
            *n = "gongkai-2020/data/originals/meilie-renamed.txt".into();
        }
    }
    check(
        e,
        &[
            ("missing", "data/originals/meilie.txt"),
            ("unexpected", "data/originals/meilie-renamed.txt"),
        ],
    );
    // Altered: expected and actual hashes, with every other problem still named.
    let mut e = entries.clone();
    for (n, d) in e.iter_mut() {
        if n.ends_with("sub/kewei.md") || n.ends_with("blob.bin") {
            d[0] ^= 1;
        }
    }
    std::fs::write(&changed, rebuild(&e)).unwrap();
    let v = json(&run_in(dir.path(), &["verify", "--json", s(&changed)]));
    let altered: Vec<&serde_json::Value> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "altered")
        .collect();
    assert_eq!(altered.len(), 2, "{v}");
    for p in altered {
        assert_eq!(p["expected"].as_str().unwrap().len(), 64);
        assert_eq!(p["actual"].as_str().unwrap().len(), 64);
        assert_ne!(p["expected"], p["actual"]);
    }
}

#[test]
fn a_reports_link_to_its_original_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let a = sealed(dir.path(), collection);
    let mut e = entries_of(&std::fs::read(&a).unwrap());
    // Point meilie's report at another source, and fix up the manifest so only the
    // link is wrong.
    let name = "gongkai-2020/data/xml/meilie.txt.xml";
    let xml_at = e.iter().position(|(n, _)| n == name).unwrap();
    let old = String::from_utf8(e[xml_at].1.clone()).unwrap();
    let sha = old.split("sha256=\"").nth(1).unwrap()[..64].to_string();
    let new = old.replace(&sha, &"0".repeat(64));
    e[xml_at].1 = new.clone().into_bytes();
    let man_at = e
        .iter()
        .position(|(n, _)| n.ends_with("/manifest-sha256.txt"))
        .unwrap();
    let old_sha = gongkai::input::hex(&<sha2::Sha256 as sha2::Digest>::digest(old.as_bytes()));
    let new_sha = gongkai::input::hex(&<sha2::Sha256 as sha2::Digest>::digest(new.as_bytes()));
    let man = String::from_utf8(e[man_at].1.clone())
        .unwrap()
        .replace(&old_sha, &new_sha);
    e[man_at].1 = man.into_bytes();
    let changed = dir.path().join("changed.zip");
    std::fs::write(&changed, rebuild(&e)).unwrap();
    let v = json(&run_in(dir.path(), &["verify", "--json", s(&changed)]));
    let ps = problems(&v);
    assert!(has(&ps, "link", "data/xml/meilie.txt.xml"), "{ps:?}");
    assert!(has(&ps, "merkle-root", "seal.xml"), "{ps:?}");
    assert!(has(&ps, "altered", "manifest-sha256.txt"), "{ps:?}");
}

/// Writes a hand-made zip: entries given raw, then the central directory and end record.
fn hostile(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        central.extend(raw_entry(&mut out, e));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend(container::end_record(
        entries.len() as u16,
        central.len() as u32,
        cd_offset,
    ));
    out
}

fn raw(name: &[u8], data: &[u8]) -> RawEntry {
    RawEntry {
        name: name.to_vec(),
        method: 0,
        crc: crc32fast::hash(data),
        size: data.len() as u32,
        data: data.to_vec(),
    }
}

#[test]
fn hostile_archives_are_reported_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let a = sealed(dir.path(), tiny);
    let good = entries_of(&std::fs::read(&a).unwrap());
    let mut entries: Vec<RawEntry> = good.iter().map(|(n, d)| raw(n.as_bytes(), d)).collect();
    entries.push(raw(b"../../evil.sh", b"#!/bin/sh\necho owned\n"));
    entries.push(raw(b"/tmp/gongkai-absolute-evil", b"x"));
    entries.push(raw(b"C:\\Windows\\evil.dll", b"x"));
    entries.push(raw(b"gongkai-2020/data/originals/\xff\xfe.txt", b"x"));
    entries.push(raw(b"gongkai-2020/data/originals/a.txt", b"a second a.txt"));
    // A zip bomb: deflated, declaring 4 GiB from a few bytes.
    entries.push(RawEntry {
        name: b"gongkai-2020/data/originals/bomb.txt".to_vec(),
        method: 8,
        crc: 0,
        size: u32::MAX - 1,
        data: vec![0x03, 0x00],
    });
    let bytes = hostile(&entries);
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let h = work.join("hostile.zip");
    std::fs::write(&h, &bytes).unwrap();
    let o = run_in(&work, &["verify", "--json", s(&h)]);
    assert_eq!(o.status.code(), Some(1), "{}", out_text(&o));
    let ps = problems(&json(&o));
    for (k, p) in [
        ("unsafe-name", "../../evil.sh"),
        ("unsafe-name", "/tmp/gongkai-absolute-evil"),
        ("unsafe-name", "C:\\Windows\\evil.dll"),
        ("unsafe-name", "gongkai-2020/data/originals/\\xff\\xfe.txt"),
        ("duplicate", "gongkai-2020/data/originals/a.txt"),
        ("size", "gongkai-2020/data/originals/bomb.txt"),
        ("unexpected", "data/originals/bomb.txt"),
    ] {
        assert!(has(&ps, k, p), "{k} {p} not in {ps:?}");
    }
    // Nothing was written: not beside the archive, not where the names point.
    let mut left: Vec<_> = std::fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left, ["hostile.zip"]);
    assert!(!dir.path().join("evil.sh").exists());
    assert!(!Path::new("/tmp/gongkai-absolute-evil").exists());

    // Declared sizes beyond the end of the file, and a cut central directory.
    let mut e = raw(b"gongkai-2020/bagit.txt", b"BagIt");
    e.size = 1 << 30;
    let lying = hostile(&[e]);
    let v = verify_bytes(&lying).unwrap();
    assert!(v.problems.iter().any(|p| p.kind == ProblemKind::Size));
    let full = std::fs::read(&a).unwrap();
    let cd_at = u32::from_le_bytes(full[full.len() - 6..full.len() - 2].try_into().unwrap());
    let mut cut_cd = full[..cd_at as usize + 60].to_vec();
    cut_cd.extend_from_slice(&full[full.len() - 22..]);
    let v = verify_bytes(&cut_cd).unwrap();
    assert_eq!(v.status, Status::Damaged);
    assert!(v.problems.iter().any(|p| p.kind == ProblemKind::Container));
    // Not a zip at all, or no file: unusable, exit 2.
    std::fs::write(work.join("text.zip"), "just text").unwrap();
    assert_eq!(
        run_in(&work, &["verify", "text.zip"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run_in(&work, &["verify", "nowhere.zip"]).status.code(),
        Some(2)
    );
}

#[test]
fn the_same_inputs_give_the_same_archive_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (c1, c2) = (dir.path().join("one"), dir.path().join("two/deeper"));
    collection(&c1);
    // The same files, made in another order, with other times, under another umask.
    std::fs::create_dir_all(c2.join("sub")).unwrap();
    for name in ["blob.bin", "sub/kewei.md", "report.pdf", "meilie.txt"] {
        std::fs::copy(c1.join(name), c2.join(name)).unwrap();
        let f = std::fs::File::options()
            .write(true)
            .open(c2.join(name))
            .unwrap();
        f.set_modified(
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000),
        )
        .unwrap();
    }
    let a1 = dir.path().join("a1.zip");
    let a2 = dir.path().join("a2.zip");
    assert!(seal(dir.path(), &c1, &a1, &[]).status.success());
    let o = Command::new("sh")
        .current_dir(dir.path())
        .args([
            "-c",
            "umask 077; exec \"$0\" seal --year 2020 \"$1\" -o \"$2\"",
            env!("CARGO_BIN_EXE_gongkai"),
            s(&c2),
            s(&a2),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out_text(&o));
    assert_eq!(std::fs::read(&a1).unwrap(), std::fs::read(&a2).unwrap());
    // Sealing again gives the same bytes too, also when every report is made again
    // while writing instead of being held in memory.
    let a3 = dir.path().join("a3.zip");
    assert!(seal(dir.path(), &c1, &a3, &[]).status.success());
    assert_eq!(std::fs::read(&a1).unwrap(), std::fs::read(&a3).unwrap());
    let a4 = dir.path().join("a4.zip");
    let o = hooked(gongkai::test_hooks::SEAL_HELD_MEMORY_ENV, "0")
        .args(["seal", "--year", "2020", s(&c1), "-o", s(&a4)])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out_text(&o));
    assert_eq!(std::fs::read(&a1).unwrap(), std::fs::read(&a4).unwrap());
}

#[test]
fn a_killed_seal_leaves_nothing_at_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let col = dir.path().join("col");
    collection(&col);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let target = out.join("archive.zip");
    let mut child = hooked(gongkai::test_hooks::SEAL_PAUSE_AFTER_ENV, "20000")
        .args(["seal", "--year", "2020", s(&col), "-o", s(&target)])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut said = String::new();
    let mut buf = [0u8; 64];
    while !said.contains("paused") {
        let n = std::io::Read::read(&mut stderr, &mut buf).unwrap();
        assert!(n > 0, "seal ended without pausing: {said}");
        said.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    // Mid-way: part of the archive is in a temporary file beside the target.
    let partial: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(partial.len(), 1, "{partial:?}");
    assert!(std::fs::metadata(&partial[0]).unwrap().len() >= 20000);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!target.exists(), "a killed seal left a file at the target");
    // The next seal is not disturbed by the leftover temporary file.
    let o = seal(dir.path(), &col, &target, &[]);
    assert!(o.status.success(), "{}", out_text(&o));
}

#[test]
fn an_archive_is_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let col = dir.path().join("col");
    tiny(&col);
    let out = dir.path().join("archive.zip");
    std::fs::write(&out, b"precious").unwrap();
    let o = seal(dir.path(), &col, &out, &[]);
    assert_eq!(o.status.code(), Some(3), "{}", out_text(&o));
    assert!(out_text(&o).contains("--force"));
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
    let o = seal(dir.path(), &col, &out, &["--force"]);
    assert!(o.status.success(), "{}", out_text(&o));
    assert_eq!(
        run_in(dir.path(), &["verify", s(&out)]).status.code(),
        Some(0)
    );
    // The output may not lie inside the folder being sealed.
    let o = seal(dir.path(), &col, &col.join("x.zip"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", out_text(&o));
}

#[cfg(unix)]
#[test]
fn symlinks_and_special_files_are_refused_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let col = dir.path().join("col");
    tiny(&col);
    std::fs::write(dir.path().join("secret.txt"), b"outside the folder").unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), col.join("link.txt")).unwrap();
    std::os::unix::fs::symlink(dir.path(), col.join("up")).unwrap();
    let out = dir.path().join("archive.zip");
    let o = seal(dir.path(), &col, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", out_text(&o));
    let text = out_text(&o);
    assert!(text.contains("link.txt: a symbolic link"), "{text}");
    assert!(text.contains("up: a symbolic link"), "{text}");
    assert!(!out.exists());
    std::fs::remove_file(col.join("link.txt")).unwrap();
    std::fs::remove_file(col.join("up")).unwrap();
    let fifo = col.join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let o = seal(dir.path(), &col, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", out_text(&o));
    assert!(out_text(&o).contains("pipe: not a regular file"));
    assert!(!out.exists());
}

#[test]
fn a_given_report_is_paired_with_its_original_by_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let col = dir.path().join("col");
    collection(&col);
    let xml = bin()
        .args(["extract", s(&col.join("meilie.txt"))])
        .output()
        .unwrap()
        .stdout;
    std::fs::write(col.join("whatever-name.xml"), &xml).unwrap();
    let out = dir.path().join("archive.zip");
    let o = seal(dir.path(), &col, &out, &[]);
    assert!(o.status.success(), "{}", out_text(&o));
    let list = String::from_utf8(run_in(dir.path(), &["list", s(&out)]).stdout).unwrap();
    assert!(
        list.contains("data/xml/meilie.txt.xml  (report, given)"),
        "{list}"
    );
    assert!(!list.contains("whatever-name"), "{list}");
    assert_eq!(
        run_in(dir.path(), &["verify", s(&out)]).status.code(),
        Some(0)
    );
    let again = dir.path().join("again.zip");
    let o = hooked(gongkai::test_hooks::SEAL_HELD_MEMORY_ENV, "0")
        .args(["seal", "--year", "2020", s(&col), "-o", s(&again)])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out_text(&o));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
    // A report whose original is not there is refused, named.
    std::fs::remove_file(col.join("meilie.txt")).unwrap();
    let o = seal(dir.path(), &col, &dir.path().join("b.zip"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", out_text(&o));
    assert!(out_text(&o).contains("whatever-name.xml"));
}

#[test]
fn inclusion_proofs_hold_and_fail_when_they_should() {
    let dir = tempfile::tempdir().unwrap();
    let a = sealed(dir.path(), collection);
    let d = dir.path();
    let proof = d.join("meilie.proof");
    let o = run_in(
        d,
        &["prove", s(&a), "originals/meilie.txt", "-o", s(&proof)],
    );
    assert!(o.status.success(), "{}", out_text(&o));
    let root_hex = json(&run_in(d, &["verify", "--json", s(&a)]))["root"]
        .as_str()
        .unwrap()
        .to_string();
    let vp = |args: &[&str]| {
        let mut all = vec!["verify-proof", s(&proof)];
        all.extend_from_slice(args);
        run_in(d, &all).status.code()
    };
    assert_eq!(vp(&["--root", &root_hex]), Some(0));
    assert_eq!(vp(&["--archive", s(&a)]), Some(0));
    let original = d.join("col/meilie.txt");
    assert_eq!(vp(&["--root", &root_hex, "--file", s(&original)]), Some(0));
    // A wrong root, a changed file.
    let mut wrong = root_hex.clone().into_bytes();
    wrong[0] = if wrong[0] == b'0' { b'1' } else { b'0' };
    assert_eq!(
        vp(&["--root", std::str::from_utf8(&wrong).unwrap()]),
        Some(1)
    );
    let changed = d.join("meilie-changed.txt");
    let mut b = std::fs::read(&original).unwrap();
    b.push(b'\n');
    std::fs::write(&changed, b).unwrap();
    assert_eq!(vp(&["--root", &root_hex, "--file", s(&changed)]), Some(1));
    // A proof edited to claim other bytes, or another place in the tree.
    let text = std::fs::read_to_string(&proof).unwrap();
    let mut p: serde_json::Value = serde_json::from_str(&text).unwrap();
    p["sha256"] = serde_json::Value::String("ab".repeat(32));
    std::fs::write(&proof, p.to_string()).unwrap();
    assert_eq!(vp(&["--root", &root_hex]), Some(1));
    let mut p: serde_json::Value = serde_json::from_str(&text).unwrap();
    p["leaf_index"] = serde_json::json!(0);
    std::fs::write(&proof, p.to_string()).unwrap();
    assert_eq!(vp(&["--root", &root_hex]), Some(1));
    std::fs::write(&proof, "not json").unwrap();
    assert_eq!(vp(&["--root", &root_hex]), Some(2));
    // Every file of the archive has a proof that holds.
    let v = json(&run_in(d, &["verify", "--json", s(&a)]));
    for f in v["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        if !path.starts_with("data/") {
            continue;
        }
        let o = run_in(d, &["prove", s(&a), path, "-o", s(&proof)]);
        assert!(o.status.success(), "{}", out_text(&o));
        assert_eq!(vp(&["--root", &root_hex]), Some(0), "{path}");
    }
    // No proof for what is not there.
    assert_eq!(
        run_in(d, &["prove", s(&a), "originals/nothing.txt"])
            .status
            .code(),
        Some(1)
    );
    // What `prove --help` says: the payload's bytes are not read. A changed original is
    // damage for verify, while its proof (about the sealed manifest) is written, and
    // holds for the bytes sealed but not for the bytes now in the archive.
    let mut e = entries_of(&std::fs::read(&a).unwrap());
    let blob = e
        .iter()
        .position(|(n, _)| n.ends_with("/data/originals/blob.bin"))
        .unwrap();
    e[blob].1[0] ^= 1;
    let changed = d.join("changed.zip");
    std::fs::write(&changed, rebuild(&e)).unwrap();
    let v = json(&run_in(d, &["verify", "--json", s(&changed)]));
    assert!(
        has(&problems(&v), "altered", "data/originals/blob.bin"),
        "{v}"
    );
    let o = run_in(
        d,
        &["prove", s(&changed), "originals/blob.bin", "-o", s(&proof)],
    );
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    assert_eq!(vp(&["--archive", s(&changed)]), Some(0));
    let now = d.join("blob-now.bin");
    std::fs::write(&now, &e[blob].1).unwrap();
    assert_eq!(vp(&["--root", &root_hex, "--file", s(&now)]), Some(1));
    assert_eq!(
        vp(&["--root", &root_hex, "--file", s(&d.join("col/blob.bin"))]),
        Some(0)
    );
}

#[test]
fn the_chain_to_the_previous_year_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let c19 = d.join("c19");
    tiny(&c19);
    let a19 = d.join("a2019.zip");
    let o = run_in(d, &["seal", "--year", "2019", s(&c19), "-o", s(&a19)]);
    assert!(o.status.success(), "{}", out_text(&o));
    let c20 = d.join("c20");
    collection(&c20);
    let a20 = d.join("a2020.zip");
    let o = seal(d, &c20, &a20, &["--prev", s(&a19)]);
    assert!(o.status.success(), "{}", out_text(&o));
    let o = run_in(d, &["verify", s(&a20), "--prev", s(&a19)]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    // Without --prev it is intact and says what it is chained to.
    let o = run_in(d, &["verify", s(&a20)]);
    assert_eq!(o.status.code(), Some(0));
    assert!(out_text(&o).contains("chained to the 2019 seal"));
    // Another 2019 archive does not fit the chain.
    std::fs::write(c19.join("late.txt"), "一、总体情况\n补充。\n").unwrap();
    let other = d.join("other2019.zip");
    let o = run_in(d, &["seal", "--year", "2019", s(&c19), "-o", s(&other)]);
    assert!(o.status.success());
    let o = run_in(d, &["verify", "--json", s(&a20), "--prev", s(&other)]);
    assert_eq!(o.status.code(), Some(1), "{}", out_text(&o));
    assert!(has(&problems(&json(&o)), "chain", ""));
    // A damaged previous archive breaks the chain, and cannot be sealed onto.
    let mut b = std::fs::read(&a19).unwrap();
    b[40] ^= 1;
    let damaged = d.join("damaged2019.zip");
    std::fs::write(&damaged, b).unwrap();
    let o = run_in(d, &["verify", s(&a20), "--prev", s(&damaged)]);
    assert_eq!(o.status.code(), Some(1));
    let o = seal(d, &c20, &d.join("x.zip"), &["--prev", s(&damaged)]);
    assert_eq!(o.status.code(), Some(2), "{}", out_text(&o));
}

#[test]
fn the_golden_corpus_seals_with_its_reviewed_xml_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let col = dir.path().join("corpus");
    let mut n = 0;
    for case in cases() {
        let name = case.file_name().unwrap();
        std::fs::create_dir_all(col.join(name)).unwrap();
        let input = input_of(&case);
        std::fs::copy(&input, col.join(name).join(input.file_name().unwrap())).unwrap();
        std::fs::copy(
            case.join("expected.xml"),
            col.join(name).join("expected.xml"),
        )
        .unwrap();
        n += 1;
    }
    let out = dir.path().join("corpus.zip");
    let o = seal(dir.path(), &col, &out, &[]);
    assert!(o.status.success(), "{}", out_text(&o));
    let o = run_in(dir.path(), &["verify", "--json", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    // Each reviewed expected.xml is stored, byte for byte, as its input's report.
    let entries = entries_of(&std::fs::read(&out).unwrap());
    let mut given = 0;
    for case in cases() {
        let name = case.file_name().unwrap().to_str().unwrap();
        let input = input_of(&case);
        let inside = format!(
            "gongkai-2020/data/xml/{name}/{}.xml",
            input.file_name().unwrap().to_str().unwrap()
        );
        let stored = &entries.iter().find(|(n, _)| *n == inside).unwrap().1;
        assert_eq!(
            stored,
            &std::fs::read(case.join("expected.xml")).unwrap(),
            "{name}"
        );
        given += 1;
    }
    assert_eq!(given, n);
    let list = String::from_utf8(run_in(dir.path(), &["list", s(&out)]).stdout).unwrap();
    assert_eq!(list.matches("(report, given)").count(), n, "{list}");
    // And bagit-python accepts the unzipped bag.
    let x = dir.path().join("x");
    unzip(&out, &x);
    let o = Command::new("python3")
        .args(["-m", "bagit", "--validate", s(&x.join("gongkai-2020"))])
        .output()
        .unwrap();
    assert!(o.status.success(), "bagit-python: {}", out_text(&o));
}

#[test]
fn an_input_list_seals_the_same_as_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let col = dir.path().join("col");
    tiny(&col);
    let by_folder = dir.path().join("folder.zip");
    assert!(seal(dir.path(), &col, &by_folder, &[]).status.success());
    let list = dir.path().join("list.txt");
    std::fs::write(
        &list,
        format!("{}\n\n{}\n", s(&col.join("b.bin")), s(&col.join("a.txt"))),
    )
    .unwrap();
    let by_list = dir.path().join("list.zip");
    let o = run_in(
        dir.path(),
        &[
            "seal",
            "--year",
            "2020",
            "--files-from",
            s(&list),
            "-o",
            s(&by_list),
        ],
    );
    assert!(o.status.success(), "{}", out_text(&o));
    assert_eq!(
        std::fs::read(&by_folder).unwrap(),
        std::fs::read(&by_list).unwrap()
    );
    // A name with a line break cannot be a bag path: refused, named.
    std::fs::write(col.join("bad\nname.txt"), b"x").unwrap();
    let o = seal(dir.path(), &col, &dir.path().join("bad.zip"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", out_text(&o));
    assert!(
        out_text(&o).contains("control character"),
        "{}",
        out_text(&o)
    );
}

#[test]
fn random_damage_never_panics_and_never_passes() {
    let dir = tempfile::tempdir().unwrap();
    let a = sealed(dir.path(), tiny);
    let bytes = std::fs::read(&a).unwrap();
    let mut next = gongkai::test_hooks::xorshift(0x2545_f491_4f6c_dd1d);
    for round in 0..3000 {
        let mut d = bytes.clone();
        match next() % 4 {
            // Several bytes set to anything.
            0 | 1 => {
                for _ in 0..1 + next() % 8 {
                    let i = (next() % d.len() as u64) as usize;
                    d[i] = next() as u8;
                }
            }
            // A run of bytes removed.
            2 => {
                let i = (next() % d.len() as u64) as usize;
                let n = (next() % 64) as usize + 1;
                d.drain(i..(i + n).min(d.len()));
            }
            // Bytes inserted.
            _ => {
                let i = (next() % d.len() as u64) as usize;
                let ins: Vec<u8> = (0..1 + next() % 32).map(|_| next() as u8).collect();
                d.splice(i..i, ins);
            }
        }
        if d == bytes {
            continue;
        }
        if let Some(v) = verify_bytes(&d) {
            assert_eq!(v.status, Status::Damaged, "round {round} passed");
        }
    }
}

/// Seal extracts within the user's limits and with the user's templates (issue 12): a
/// report past --max-lines is archived without one, and a made-up template year is read.
#[test]
fn seal_extracts_with_the_users_limits_and_templates() {
    let dir = tempfile::tempdir().unwrap();
    let col = dir.path().join("col");
    std::fs::create_dir_all(&col).unwrap();
    std::fs::copy(
        root().join("golden/meilie-2020-pipe/input.txt"),
        col.join("meilie.txt"),
    )
    .unwrap();
    let limited = dir.path().join("limited.zip");
    let o = seal(dir.path(), &col, &limited, &["--max-lines", "3"]);
    assert!(o.status.success(), "{}", out_text(&o));
    assert!(
        out_text(&o).contains("more than 3 lines of text"),
        "{}",
        out_text(&o)
    );
    let listed = out_text(&run_in(dir.path(), &["list", s(&limited)]));
    assert!(
        listed.contains("data/originals/meilie.txt  (original, no report: not-extracted)"),
        "{listed}"
    );
    assert!(!listed.contains("data/xml/"), "{listed}");

    std::fs::remove_file(col.join("meilie.txt")).unwrap();
    std::fs::copy(
        root().join("tests/data/templates/report-v2025.txt"),
        col.join("v2025.txt"),
    )
    .unwrap();
    let templates = root().join("tests/data/templates/v2025.toml");
    let made_up = dir.path().join("v2025.zip");
    let o = seal(dir.path(), &col, &made_up, &["--templates", s(&templates)]);
    assert!(o.status.success(), "{}", out_text(&o));
    let unzip = Command::new("unzip")
        .args(["-p", s(&made_up), "gongkai-2020/data/xml/v2025.txt.xml"])
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&unzip.stdout);
    assert!(xml.contains("<template>v2025</template>"), "{xml}");
}

/// Bytes that look random, the same on every run (xorshift64 from `seed`).
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut next = gongkai::test_hooks::xorshift(seed);
    (0..len).map(|_| next() as u8).collect()
}

/// Originals that extract refuses or that lie past the input limit, at the sizes where
/// sealing changes how it reads and copies (none, under and over the 4 KiB head, 64 KiB,
/// 1 MiB, several MiB; refused by their head or only once read whole): none of their bytes
/// depend on how reports are recognised.
fn unreported(dir: &Path) {
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let with_nul_at = |at: usize, mut b: Vec<u8>| {
        for c in b.iter_mut() {
            *c = b'a' + *c % 26;
        }
        b[at] = 0;
        b
    };
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.extend(noise(7, 100_000));
    let files: [(&str, Vec<u8>); 10] = [
        ("empty", Vec::new()),
        ("nul-first.bin", with_nul_at(0, noise(1, (5 << 20) + 3))),
        ("nul-late.txt", with_nul_at(5000, noise(2, 70_000))),
        (
            "nul-late-big.txt",
            with_nul_at(5000, noise(8, (2 << 20) + 5)),
        ),
        ("old.doc", ole),
        ("sub/64k.bin", with_nul_at(1, noise(3, 1 << 16))),
        ("sub/mib.bin", with_nul_at(2, noise(4, 1 << 20))),
        ("sub/mib+1.bin", with_nul_at(3, noise(5, (1 << 20) + 1))),
        (
            "sub/past-the-limit.txt",
            with_nul_at(6 << 20, noise(6, (6 << 20) + 1)),
        ),
        ("tiny.bin", vec![0, 1, 2]),
    ];
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// The archive's bytes are those the two-pass seal wrote (SHA-256 taken from the seal of
/// commit 8ec71a6, version 0.1.0, before the one-pass seal): a seal that reads, hashes or
/// copies differently must not write one byte otherwise.
#[test]
fn the_archive_of_unreported_originals_is_byte_for_byte_the_pinned_one() {
    let dir = tempfile::tempdir().unwrap();
    let col = dir.path().join("col");
    unreported(&col);
    let out = dir.path().join("archive.zip");
    let o = seal(dir.path(), &col, &out, &["--max-input-bytes", "6291456"]);
    assert!(o.status.success(), "{}", out_text(&o));
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(
        (
            bytes.len(),
            gongkai::input::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes))
        ),
        (
            15_971_043,
            "78f21ef5ebab17b21bff20ea0a07b4a629d6cc0d8b72592dccc70df881f88442".to_string()
        )
    );
    // The same with nothing held in memory: what was read whole is read again (and copied
    // by the kernel when large), and must hash as it did.
    let again = dir.path().join("again.zip");
    let o = hooked(gongkai::test_hooks::SEAL_HELD_MEMORY_ENV, "0")
        .args(["seal", "--year", "2020", s(&col), "-o", s(&again)])
        .args(["--max-input-bytes", "6291456"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out_text(&o));
    assert!(std::fs::read(&again).unwrap() == bytes);
}

/// An original that changes after it is read and before its entry is written whole is
/// refused in one line naming it, and nothing is left at the target or beside it: one
/// copied by the kernel after it was hashed, one read whole for extract and written from
/// memory, one read into memory as it is written.
#[test]
fn an_original_changed_while_it_is_sealed_is_refused() {
    let mut big = noise(9, 3 << 20);
    big[0] = 0;
    let mut small = noise(10, 100_000);
    small[0] = 0;
    let report = std::fs::read(root().join("golden/meilie-2020-pipe/input.txt")).unwrap();
    for (name, bytes) in [
        ("big.bin", big),
        ("report.txt", report),
        ("small.bin", small),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let col = dir.path().join("col");
        std::fs::create_dir(&col).unwrap();
        std::fs::write(col.join(name), &bytes).unwrap();
        std::fs::write(col.join("other.bin"), [0u8; 10]).unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let target = out.join("archive.zip");
        let o = hooked(gongkai::test_hooks::SEAL_CHANGE_AFTER_READING_ENV, name)
            .args(["seal", "--year", "2020", s(&col), "-o", s(&target)])
            .output()
            .unwrap();
        assert!(!o.status.success(), "{name}: {}", out_text(&o));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "{}: changed while it was being sealed",
                col.join(name).display()
            )),
            "{name}: {stderr}"
        );
        let left: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
        assert!(left.is_empty(), "{name}: {left:?}");
        // The same file, left alone, seals.
        let o = seal(dir.path(), &col, &target, &[]);
        assert!(o.status.success(), "{name}: {}", out_text(&o));
    }
}

/// Many originals hashed side by side (three to a core, a chunk of each at a time), of sizes
/// that end their lanes at different moments, six of them altered: the report names exactly
/// those six, in path order, and is the same on every run whatever the threads' timing.
#[test]
fn altered_entries_among_many_are_named_exactly_and_the_same_on_every_run() {
    let dir = tempfile::tempdir().unwrap();
    let col = dir.path().join("col");
    std::fs::create_dir_all(&col).unwrap();
    // Around the SHA-256 block and verify's 128 KiB chunk; every 11th file is empty.
    let sizes = [
        0,
        1,
        63,
        64,
        65,
        4096,
        131_071,
        131_072,
        131_073,
        300_000,
        1 << 20,
    ];
    let name = |i: usize| format!("data/originals/f{i:02}.bin");
    for i in 0..40 {
        let mut bytes = noise(100 + i as u64, sizes[i % sizes.len()]);
        if let Some(first) = bytes.first_mut() {
            *first = 0; // binary: archived without a report
        }
        std::fs::write(col.join(format!("f{i:02}.bin")), bytes).unwrap();
    }
    let out = dir.path().join("archive.zip");
    let o = seal(dir.path(), &col, &out, &[]);
    assert!(o.status.success(), "{}", out_text(&o));
    let mut entries = entries_of(&std::fs::read(&out).unwrap());
    let altered = [3usize, 7, 8, 21, 30, 39];
    for &i in &altered {
        let data = archive_util::entry_mut(&mut entries, &name(i));
        let at = data.len() / 2;
        data[at] ^= 0x01;
    }
    let damaged = rebuild(&entries);

    let first = verify_bytes(&damaged).unwrap();
    assert_eq!(first.status, Status::Damaged);
    let named: Vec<(ProblemKind, &str)> = first
        .problems
        .iter()
        .map(|p| (p.kind, p.path.as_deref().unwrap_or("")))
        .collect();
    let want: Vec<String> = altered.iter().map(|&i| name(i)).collect();
    let want: Vec<(ProblemKind, &str)> = want
        .iter()
        .map(|p| (ProblemKind::Altered, p.as_str()))
        .collect();
    assert_eq!(named, want, "{}", first.to_text());
    let text = first.to_text();
    let json_text = serde_json::to_string_pretty(&first).unwrap();
    for run in 0..8 {
        let again = verify_bytes(&damaged).unwrap();
        assert_eq!(again.to_text(), text, "run {run}");
        assert_eq!(
            serde_json::to_string_pretty(&again).unwrap(),
            json_text,
            "run {run}"
        );
    }
    // The binary, reading the file, says the same.
    let file = dir.path().join("damaged.zip");
    std::fs::write(&file, &damaged).unwrap();
    let o = run_in(dir.path(), &["verify", "--json", s(&file)]);
    assert_eq!(o.status.code(), Some(1), "{}", out_text(&o));
    let ps = problems(&json(&o));
    let want: Vec<(String, String)> = altered
        .iter()
        .map(|&i| ("altered".to_string(), name(i)))
        .collect();
    assert_eq!(ps, want);
}

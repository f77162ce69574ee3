//! Faults of issue 11 §1, each end to end with the real binary and each asserting the exit
//! code and the message: an archive whose tag files were padded, filled with `#` or
//! rewritten (with the tag manifest fixed to match) is damaged, never intact — for
//! `verify`, `verify --prev`, `seal --prev` and `verify-proof --archive`; every field of an
//! inclusion proof is checked; a malformed `--root` is an argument error; damage found
//! through `--prev` is blamed on the previous archive; a report with a cell or row given
//! twice is unusable for `export`.

mod archive_util;
mod util;

use std::path::{Path, PathBuf};
use std::process::Output;

use archive_util::{entries_of, entry_mut, rebuild, retag};
use gongkai::archive::bag;
use util::{bin, root};

/// An archive's entries: (name, data).
type Entries = Vec<(String, Vec<u8>)>;

/// A change made to an archive's entries.
type Change = dyn Fn(&mut Entries);

/// Just over what verify read of the manifest before it was read as a stream (64 MiB).
const OVER_LIMIT: usize = (64 << 20) + 1;
/// 65 MiB, the size of the issue's `#` files.
const SIXTY_FIVE_MIB: usize = 65 << 20;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().unwrap()
}

#[track_caller]
fn expect(o: &Output, code: i32, out: &[&str], err: &[&str]) {
    let all = format!("--- stdout\n{}--- stderr\n{}", stdout(o), stderr(o));
    assert_eq!(o.status.code(), Some(code), "{all}");
    for want in out {
        assert!(stdout(o).contains(want), "stdout lacks {want:?}\n{all}");
    }
    for want in err {
        assert!(stderr(o).contains(want), "stderr lacks {want:?}\n{all}");
    }
}

/// A small collection: a text report and a binary file extract refuses.
fn tiny(dir: &Path, words: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("a.txt"),
        format!("一、总体情况\n{words}\n").as_bytes(),
    )
    .unwrap();
    std::fs::write(dir.join("b.bin"), [0u8, 159, 146, 150]).unwrap();
}

/// Seals `tiny` into `dir/<name>` for `year`, chained to `prev` when given.
#[track_caller]
fn sealed(dir: &Path, name: &str, year: u16, prev: Option<&Path>) -> PathBuf {
    let col = dir.join(format!("col-{name}"));
    tiny(&col, &format!("{year}年度公开信息。"));
    let out = dir.join(name);
    let year = year.to_string();
    let mut args = vec!["seal", "--year", &year, s(&col), "-o", s(&out)];
    if let Some(p) = prev {
        args.extend(["--prev", s(p)]);
    }
    let o = run(dir, &args);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    out
}

/// Writes `archive` changed by `change` to `dir/<name>`.
fn tampered(dir: &Path, archive: &Path, name: &str, change: impl FnOnce(&mut Entries)) -> PathBuf {
    let mut e = entries_of(&std::fs::read(archive).unwrap());
    change(&mut e);
    let out = dir.join(name);
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, rebuild(&e)).unwrap();
    out
}

fn flip_last_byte(entries: &mut [(String, Vec<u8>)], rel: &str) {
    let d = entry_mut(entries, rel);
    *d.last_mut().unwrap() ^= 1;
}

/// The first attack: a payload file altered, the manifest padded past what was
/// once its read limit, the tag manifest rewritten to match. It was intact (exit 0), then
/// damaged with the manifest unread; now the manifest is read as a stream whatever its
/// size, so the altered file itself is found, and every command that trusts a verify sees
/// damage.
#[test]
fn a_change_hidden_behind_an_oversized_manifest_is_damage_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = sealed(d, "a2020.zip", 2020, None);
    let proof = d.join("a.proof");
    let o = run(d, &["prove", s(&good), "originals/a.txt", "-o", s(&proof)]);
    expect(&o, 0, &[], &[]);
    let bad = tampered(d, &good, "padded.zip", |e| {
        flip_last_byte(e, "data/originals/b.bin");
        entry_mut(e, bag::MANIFEST_FILE).resize(OVER_LIMIT, b'\n');
        retag(e);
    });

    let o = run(d, &["verify", s(&bad)]);
    expect(
        &o,
        1,
        &[
            "bag: manifest-sha256.txt: line 4 is not `<sha256>  <path>`",
            "bag: manifest-sha256.txt: more than 8 lines, more files than the archive holds; \
             the rest is not read",
            "altered: data/originals/b.bin: its bytes differ from the hash its manifest records",
            "altered     data/originals/b.bin  expected ",
            "padded.zip: DAMAGED — 7 problems",
        ],
        &[],
    );
    assert!(!stdout(&o).contains("intact"), "{}", stdout(&o));

    // As the previous archive of a later seal, and as an archive to prove against.
    let next = d.join("a2021.zip");
    let o = run(
        d,
        &[
            "seal",
            "--year",
            "2021",
            s(&d.join("col-a2020.zip")),
            "-o",
            s(&next),
            "--prev",
            s(&bad),
        ],
    );
    expect(&o, 2, &[], &["previous archive ", "padded.zip: damaged ("]);
    assert!(!next.exists(), "nothing is sealed onto a damaged archive");

    let o = run(d, &["verify-proof", s(&proof), "--archive", s(&bad)]);
    expect(
        &o,
        1,
        &[],
        &["padded.zip: damaged (", "its root proves nothing"],
    );
    let o = run(d, &["verify-proof", s(&proof), "--archive", s(&good)]);
    expect(&o, 0, &["holds"], &[]);

    // A 2021 archive chained to the good 2020 one, checked against the padded copy (whose
    // seal.xml is the good one's): the damage is the padded archive's.
    let next = sealed(d, "a2021.zip", 2021, Some(&good));
    let o = run(d, &["verify", s(&next), "--prev", s(&bad)]);
    expect(
        &o,
        1,
        &[
            "a2021.zip: intact — year 2021",
            "padded.zip: DAMAGED — ",
            "chain: not checked: ",
        ],
        &[],
    );
}

/// A manifest padded to 64 MiB is read as far as a manifest of this archive can go — a line
/// per entry — and the padding is named, a few lines one by one.
#[test]
fn a_manifest_padded_to_64_mib_is_read_and_its_padding_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = sealed(d, "a.zip", 2020, None);
    let bad = tampered(d, &good, "padded.zip", |e| {
        entry_mut(e, bag::MANIFEST_FILE).resize(64 << 20, b'\n');
        retag(e);
    });
    let o = run(d, &["verify", s(&bad)]);
    expect(
        &o,
        1,
        &[
            "bag: manifest-sha256.txt: line 4 is not `<sha256>  <path>`",
            "bag: manifest-sha256.txt: line 8 is not `<sha256>  <path>`",
            "bag: manifest-sha256.txt: more than 8 lines, more files than the archive holds; \
             the rest is not read",
            "altered     manifest-sha256.txt",
            "ok          data/originals/b.bin",
            "padded.zip: DAMAGED — 6 problems",
        ],
        &[],
    );
}

/// The issue's second attack: every tag file 65 MiB of `#`. It said "intact — year ?,
/// Merkle root ?". The small tag files are not read past 64 KiB; the manifest and the seal
/// record are read as streams, and found to be no manifest and no record.
#[test]
fn sixty_five_mib_of_hash_signs_in_every_tag_file_is_damage() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = sealed(d, "a.zip", 2020, None);
    let bad = tampered(d, &good, "hashes.zip", |e| {
        for t in bag::TAG_FILES {
            *entry_mut(e, t) = vec![b'#'; SIXTY_FIVE_MIB];
        }
    });
    let o = run(d, &["verify", s(&bad)]);
    let mut want: Vec<String> = bag::TAG_FILES
        .iter()
        .filter(|t| ![bag::MANIFEST_FILE, bag::SEAL_FILE].contains(t))
        .map(|t| {
            format!(
                "unreadable: {t}: 68157440 bytes, more than the 64 KiB this tag file is read up to"
            )
        })
        .collect();
    want.extend([
        "bag: manifest-sha256.txt: the last line has no line end".into(),
        "bag: manifest-sha256.txt: line 1 is not `<sha256>  <path>`".into(),
        "unexpected: data/originals/a.txt: in the payload but not in the manifest".into(),
        "seal-record: seal.xml: seal record: incomplete: <seal>, <year>, <payload> and \
         <merkle> are required"
            .into(),
        "hashes.zip: DAMAGED — 9 problems".into(),
    ]);
    let want: Vec<&str> = want.iter().map(String::as_str).collect();
    expect(&o, 1, &want, &[]);
    assert!(!stdout(&o).contains("year ?"));
    // With bagit.txt left as it was (the check the old verifier did make), the same.
    let bad = tampered(d, &good, "hashes-but-bagit.zip", |e| {
        for t in bag::TAG_FILES {
            if t != bag::DECLARATION_FILE {
                *entry_mut(e, t) = vec![b'#'; SIXTY_FIVE_MIB];
            }
        }
    });
    let o = run(d, &["verify", s(&bad)]);
    expect(
        &o,
        1,
        &[
            "seal-record: seal.xml: seal record: incomplete",
            "hashes-but-bagit.zip: DAMAGED — 8 problems",
        ],
        &[],
    );
    assert!(!stdout(&o).contains("intact"), "{}", stdout(&o));
}

/// A manifest rewritten with CR LF line ends, the tag manifest fixed to match: every hash
/// in it is still right, and it verified intact.
#[test]
fn a_manifest_with_crlf_line_ends_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = sealed(d, "a.zip", 2020, None);
    let crlf = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .replace('\n', "\r\n")
            .into_bytes()
    };
    let bad = tampered(d, &good, "crlf.zip", |e| {
        let m = entry_mut(e, bag::MANIFEST_FILE);
        *m = crlf(m);
        retag(e);
    });
    let o = run(d, &["verify", s(&bad)]);
    expect(
        &o,
        1,
        &[
            "tag-file: manifest-sha256.txt: not what a seal writes for this payload: line 1 \
             ends in CR LF, where a seal ends lines in LF",
            "altered     manifest-sha256.txt",
            "crlf.zip: DAMAGED — 1 problem\n",
        ],
        &[],
    );
    // The same for bag-info.txt and the tag manifest itself.
    let bad = tampered(d, &good, "crlf-info.zip", |e| {
        let m = entry_mut(e, bag::INFO_FILE);
        *m = crlf(m);
        retag(e);
    });
    expect(
        &run(d, &["verify", s(&bad)]),
        1,
        &[
            "tag-file: bag-info.txt: not what a seal writes for this payload: line 1 ends in CR LF",
            "crlf-info.zip: DAMAGED — 1 problem\n",
        ],
        &[],
    );
    let bad = tampered(d, &good, "crlf-tags.zip", |e| {
        let m = entry_mut(e, bag::TAG_MANIFEST_FILE);
        *m = crlf(m);
    });
    expect(
        &run(d, &["verify", s(&bad)]),
        1,
        &["tag-file: tagmanifest-sha256.txt: not what a seal writes for this payload: line 1 ends in CR LF"],
        &[],
    );
}

/// Tag files that agree with each other and with the tag manifest but are not what a
/// seal writes: each is found, and named.
#[test]
fn every_tag_file_must_be_what_a_seal_writes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = sealed(d, "a.zip", 2020, None);
    let cases: Vec<(&str, Box<Change>, &str)> = vec![
        (
            "info-label.zip",
            Box::new(|e| {
                entry_mut(e, bag::INFO_FILE).extend_from_slice(b"Bagging-Date: 2020-01-01\n");
                retag(e);
            }),
            "tag-file: bag-info.txt: not what a seal writes for this payload: 25 bytes more than",
        ),
        (
            "seal-spaces.zip",
            Box::new(|e| {
                let r = entry_mut(e, bag::SEAL_FILE);
                *r = String::from_utf8_lossy(r)
                    .replacen("<year>", "<year >", 1)
                    .into_bytes();
                retag(e);
            }),
            "tag-file: seal.xml: not what a seal writes for this payload: line 3 differs",
        ),
        (
            "info-padded.zip",
            Box::new(|e| {
                entry_mut(e, bag::INFO_FILE).resize((64 << 10) + 1, b'\n');
                retag(e);
            }),
            "unreadable: bag-info.txt: 65537 bytes, more than the 64 KiB this tag file is read \
             up to: not read",
        ),
        (
            "empty-tagmanifest.zip",
            Box::new(|e| entry_mut(e, bag::TAG_MANIFEST_FILE).clear()),
            "bag: tagmanifest-sha256.txt: does not list bag-info.txt",
        ),
        (
            "bagit.zip",
            Box::new(|e| {
                entry_mut(e, bag::DECLARATION_FILE).extend_from_slice(b"X: y\n");
                retag(e);
            }),
            "tag-file: bagit.txt: not what a seal writes for this payload: 5 bytes more than",
        ),
        (
            "sizes-swapped.zip",
            Box::new(|e| {
                // Two entries' sizes traded in the record: the totals still agree.
                let r = entry_mut(e, bag::SEAL_FILE);
                let text = String::from_utf8_lossy(r).into_owned();
                let a = text.find("bytes=\"4\"").expect("b.bin is 4 bytes");
                let mut t = text.clone();
                t.replace_range(a..a + 9, "bytes=\"5\"");
                let b = t.find("a.txt\" bytes=\"").unwrap() + 14;
                let end = b + t[b..].find('"').unwrap();
                let n: u64 = t[b..end].parse().unwrap();
                t.replace_range(b..end, &(n - 1).to_string());
                *r = t.into_bytes();
                retag(e);
            }),
            "seal-record: data/originals/b.bin: the seal record's size differs from the file's \
             (expected 5, actual 4)",
        ),
    ];
    for (name, change, want) in cases {
        let bad = tampered(d, &good, name, change);
        let o = run(d, &["verify", s(&bad)]);
        expect(&o, 1, &[want, &format!("{name}: DAMAGED — ")], &[]);
    }
}

/// The seal record's own words — a note's sentence — cannot be worked out from the
/// payload: a changed one verifies intact, but under another seal SHA-256 than the one
/// seal printed (and published, and the next year chains to). A note code a seal never
/// writes is found.
#[test]
fn the_seal_records_own_words_are_vouched_for_by_its_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let col = d.join("col");
    tiny(&col, "本年度公开信息。");
    let good = d.join("a.zip");
    let o = run(d, &["seal", "--year", "2020", s(&col), "-o", s(&good)]);
    expect(&o, 0, &[], &[]);
    let sealed_sha = stdout(&o)
        .lines()
        .find_map(|l| l.strip_prefix("seal sha256  "))
        .unwrap()
        .to_string();
    let edit = |name: &str, from: &'static str, to: &'static str| {
        tampered(d, &good, name, move |e| {
            let r = entry_mut(e, bag::SEAL_FILE);
            *r = String::from_utf8_lossy(r)
                .replacen(from, to, 1)
                .into_bytes();
            retag(e);
        })
    };
    let words = edit("words.zip", "extract refused it", "extract refusel it");
    let o = run(d, &["verify", s(&words)]);
    expect(&o, 0, &["words.zip: intact — year 2020"], &[]);
    assert!(
        !stdout(&o).contains(&sealed_sha),
        "the changed record shows as another seal SHA-256"
    );
    expect(&run(d, &["verify", s(&good)]), 0, &[&sealed_sha], &[]);
    let code = edit("code.zip", "code=\"not-extracted\"", "code=\"other\"");
    expect(
        &run(d, &["verify", s(&code)]),
        1,
        &["seal-record: data/originals/b.bin: a note of code \"other\", which a seal does not write"],
        &[],
    );
}

/// 21 binary files: 21 leaves, the "leaf 6 of 21".
fn twenty_one(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..21u8 {
        std::fs::write(dir.join(format!("f{i:02}.bin")), [0u8, 159, i]).unwrap();
    }
}

#[test]
fn every_field_of_a_proof_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let col = d.join("col");
    twenty_one(&col);
    let a = d.join("a.zip");
    let o = run(d, &["seal", "--year", "2020", s(&col), "-o", s(&a)]);
    expect(&o, 0, &["21 files"], &[]);
    let proof = d.join("p.json");
    let o = run(d, &["prove", s(&a), "originals/f06.bin", "-o", s(&proof)]);
    expect(&o, 0, &[], &[]);
    let good: serde_json::Value = serde_json::from_slice(&std::fs::read(&proof).unwrap()).unwrap();
    assert_eq!(
        (good["leaf_index"].as_u64(), good["tree_size"].as_u64()),
        (Some(6), Some(21))
    );
    let root_hex = good["root"].as_str().unwrap().to_string();
    let check = |p: &serde_json::Value, args: &[&str]| {
        let f = d.join("tampered.json");
        std::fs::write(&f, p.to_string()).unwrap();
        let mut all = vec!["verify-proof", s(&f)];
        all.extend_from_slice(args);
        run(d, &all)
    };
    let with_archive = ["--archive", s(&a)];
    let with_root = ["--root", root_hex.as_str()];
    expect(
        &check(&good, &with_archive),
        0,
        &["holds — data/originals/f06.bin"],
        &[],
    );
    expect(
        &check(&good, &with_root),
        0,
        &["holds", "year, seal_sha256 and tree_size not checked"],
        &[],
    );

    let edited = |field: &str, value: serde_json::Value| {
        let mut p = good.clone();
        p[field] = value;
        p
    };
    let other = "ab".repeat(32);
    let mut path = good["audit_path"].clone();
    path[1] = other.clone().into();
    let mut shorter = good["audit_path"].clone();
    shorter.as_array_mut().unwrap().pop();
    // Every tree size the path's shape allows (17–32) held before, even with --archive.
    for size in 17..=32u64 {
        if size == 21 {
            continue;
        }
        expect(
            &check(&edited("tree_size", size.into()), &with_archive),
            1,
            &[],
            &[&format!("does not hold: tree_size: the proof says {size}, the archive's seal records 21 leaves")],
        );
    }
    let cases = [
        ("format", "x".into(), "does not hold: format: \"x\" is not gongkai-inclusion-proof/1"),
        ("year", 2019.into(), "does not hold: year: the proof says 2019, the archive's seal 2020"),
        ("seal_sha256", other.clone().into(), "does not hold: seal_sha256: the proof names abab"),
        ("root", other.clone().into(), "does not hold: root: the proof names abab"),
        ("leaf_index", 7.into(), "does not hold: leaf_index or path: leaf 7 of the archive is data/originals/f07.bin, not data/originals/f06.bin"),
        ("leaf_index", 21.into(), "does not hold: leaf_index: 21 is outside a tree of 21 leaves"),
        ("path", "data/originals/f07.bin".into(), "does not hold: leaf_index or path: leaf 6 of the archive is data/originals/f06.bin, not data/originals/f07.bin"),
        ("path", "../x".into(), "does not hold: path: \"../x\" is not a payload path"),
        ("sha256", other.clone().into(), "does not hold: sha256: the archive's manifest records"),
        ("sha256", "zz".into(), "does not hold: sha256: not 64 lowercase hex digits"),
        ("audit_path", path.clone(), "does not hold: audit_path: hash 2 is not the archive's"),
        ("audit_path", shorter.clone(), "does not hold: audit_path: 4 hashes, where the archive's tree has 5"),
        ("audit_path", serde_json::json!(["zz"]), "does not hold: audit_path: holds something other than 64-hex-digit hashes"),
    ];
    for (field, value, want) in cases {
        expect(
            &check(&edited(field, value.clone()), &with_archive),
            1,
            &[],
            &[want],
        );
    }
    // Against a bare root, the fields a root binds.
    for (field, value, want) in [
        ("root", other.clone().into(), "does not hold: root: the proof names abab"),
        ("sha256", other.clone().into(), "does not hold: the proof leads to root"),
        ("leaf_index", 7.into(), "does not hold: the proof leads to root"),
        ("audit_path", path, "does not hold: the proof leads to root"),
        ("audit_path", shorter, "does not hold: leaf_index, tree_size, audit_path: an audit path of 4 hashes does not fit leaf 6 of a tree of 21 leaves"),
        ("tree_size", 6.into(), "does not hold: leaf_index, tree_size, audit_path:"),
    ] {
        expect(&check(&edited(field, value), &with_root), 1, &[], &[want]);
    }
    // The file in hand must be the one proven.
    let o = check(
        &good,
        &["--root", &root_hex, "--file", s(&col.join("f07.bin"))],
    );
    expect(&o, 1, &[], &["does not hold: sha256: the file's SHA-256"]);
}

#[test]
fn a_malformed_root_is_an_argument_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = sealed(d, "a.zip", 2020, None);
    let proof = d.join("p.json");
    expect(
        &run(d, &["prove", s(&a), "originals/a.txt", "-o", s(&proof)]),
        0,
        &[],
        &[],
    );
    for bad in ["zz", "", &"0".repeat(63), &"g".repeat(64)] {
        let o = run(d, &["verify-proof", s(&proof), "--root", bad]);
        expect(
            &o,
            2,
            &[],
            &[&format!(
                "gongkai: --root: {bad:?} is not a Merkle root (64 hex digits)"
            )],
        );
    }
}

/// `verify a2024.zip --prev t2023.zip` when only 2023 is damaged said
/// "a2024.zip: DAMAGED — 1 problems".
#[test]
fn damage_found_through_prev_is_blamed_on_the_previous_archive() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let t2023 = sealed(d, "t2023.zip", 2023, None);
    let a2024 = sealed(d, "a2024.zip", 2024, Some(&t2023));
    let o = run(d, &["verify", s(&a2024), "--prev", s(&t2023)]);
    expect(
        &o,
        0,
        &[
            "a2024.zip: intact — year 2024",
            "t2023.zip: intact — year 2023",
            "a2024.zip continues ",
        ],
        &[],
    );

    let one = tampered(d, &t2023, "one/t2023.zip", |e| {
        flip_last_byte(e, "data/originals/b.bin")
    });
    let o = run(d, &["verify", s(&a2024), "--prev", s(&one)]);
    expect(
        &o,
        1,
        &[
            "a2024.zip: intact — year 2024",
            "the previous archive, given with --prev:\n\n1 problem:\n  altered: data/originals/b.bin:",
            "t2023.zip: DAMAGED — 1 problem\n",
            "chain: not checked: ",
            "t2023.zip is damaged, so it cannot vouch for what came before ",
        ],
        &[],
    );
    assert!(!stdout(&o).contains("a2024.zip: DAMAGED"), "{}", stdout(&o));
    let json = run(d, &["verify", "--json", s(&a2024), "--prev", s(&one)]);
    assert_eq!(json.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["status"], "intact");
    assert_eq!(v["previous"]["checked"], false);
    assert_eq!(v["previous_archive"]["status"], "damaged");
    assert_eq!(v["previous_archive"]["problems"][0]["kind"], "altered");

    let two = tampered(d, &t2023, "two/t2023.zip", |e| {
        flip_last_byte(e, "data/originals/b.bin");
        flip_last_byte(e, "data/originals/a.txt");
    });
    let o = run(d, &["verify", s(&a2024), "--prev", s(&two)]);
    expect(
        &o,
        1,
        &["t2023.zip: DAMAGED — 2 problems\n", "\n2 problems:\n"],
        &[],
    );

    // Damage in the later archive is the later archive's.
    let later = tampered(d, &a2024, "later2024.zip", |e| {
        flip_last_byte(e, "data/originals/b.bin")
    });
    let o = run(d, &["verify", s(&later), "--prev", s(&t2023)]);
    expect(
        &o,
        1,
        &[
            "later2024.zip: DAMAGED — 1 problem\n",
            "t2023.zip: intact — year 2023",
        ],
        &[],
    );
}

/// A report with one cell (or row) given twice was read and exported twice.
#[test]
fn a_report_with_a_cell_or_row_twice_is_unusable_for_export() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let xml = std::fs::read_to_string(root().join("golden/meilie-2020-pipe/expected.xml")).unwrap();
    let good = root().join("golden/kewei-2024-md/expected.xml");
    let source = |x: &str| {
        let r = gongkai::writers::xml::from_bytes(x.as_bytes()).unwrap();
        r.meta.source.sha256
    };
    let meilie_sha = source(&xml);
    let lines: Vec<&str> = xml.lines().collect();
    let twice = |pick: &dyn Fn(&str) -> bool, until: &dyn Fn(&str) -> bool| {
        let i = lines.iter().position(|l| pick(l)).unwrap();
        let j = i + lines[i..].iter().position(|l| until(l)).unwrap();
        let mut out: Vec<&str> = lines[..=j].to_vec();
        out.extend_from_slice(&lines[i..]);
        out.join("\n")
    };
    let cell = twice(&|l| l.contains("<cell col=\"t2.col.newly_made\" "), &|l| {
        l.contains("<cell col=\"t2.col.newly_made\" ")
    });
    let row = twice(&|l| l.contains("<row id=\"t2.row.regulations\">"), &|l| {
        l.trim() == "</row>"
    });
    let table = twice(&|l| l.contains("<table id=\"t2\">"), &|l| {
        l.trim() == "</table>"
    });
    for (name, text, why) in [
        (
            "cell.xml",
            cell,
            "cell \"t2.col.newly_made\" appears twice in row t2.row.regulations",
        ),
        (
            "row.xml",
            row,
            "row \"t2.row.regulations\" appears twice in table t2",
        ),
        ("table.xml", table, "table \"t2\" appears twice"),
    ] {
        let f = d.join(name);
        std::fs::write(&f, &text).unwrap();
        assert!(
            gongkai::writers::xml::from_bytes(text.as_bytes())
                .unwrap_err()
                .to_string()
                .contains(why),
            "{name}"
        );
        let o = run(d, &["export", s(&f), s(&good)]);
        expect(
            &o,
            1,
            &["t4.col.review.total"],
            &[&format!(
                "gongkai: {}: not a canonical gongkai report: {why}",
                f.display()
            )],
        );
        assert!(
            !stdout(&o).contains(&meilie_sha),
            "{name} was exported:\n{}",
            stdout(&o)
        );
    }
}

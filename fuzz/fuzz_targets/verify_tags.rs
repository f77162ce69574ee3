//! The verifier against tag files of every size class. A genuine archive, sealed once at
//! start by `gongkai::archive::seal`, is changed by a few operations read from the fuzzer's
//! bytes: an entry (a tag file, mostly) replaced by content of a chosen size class — empty,
//! one byte, what the seal wrote less or more one byte, 4 KiB, just under, at and just over
//! the 64 KiB verify reads of a small tag file or a report's head and the 64 MiB it once
//! read of the manifest and the seal record (now streamed whatever their size), 65 MiB —
//! filled with a chosen pattern (LF, `#`, a
//! manifest line, the sealed content itself), or edited (a bit flipped, bytes appended,
//! cut, CR LF line ends), deleted, renamed, and the tag manifest rewritten to match the
//! other tag files, as an attacker with write access would. The large contents are made
//! here, so no seed needs to be large.
//!
//! What is promised: no panic; the same verdict twice, and the same report as the thorough
//! verifier's alone (for archives under 1 MiB, to keep the large ones fast); an intact verdict always with its year, root and seal SHA-256;
//! and intact under the sealed Merkle root and seal SHA-256 only for the sealed bytes
//! themselves, which are intact. (The seal record's own words — a note's
//! sentence, the tool version — cannot be worked out from the payload: a consistent change
//! to them verifies intact under another seal SHA-256, which is why that hash is published
//! and chained.)
#![no_main]

use std::sync::OnceLock;

use gongkai::archive::container::{self, ReadAt, ZipWriter};
use gongkai::archive::verify::{diagnose_source, verify_source, SMALL_TAG_BYTES};
use gongkai::archive::{bag, seal, Progress, SealOptions, Status};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

type Entries = Vec<(String, Vec<u8>)>;

/// The archive as sealed: its bytes, entries, Merkle root and seal SHA-256.
struct Sealed {
    bytes: Vec<u8>,
    entries: Entries,
    root: Option<String>,
    seal_sha256: Option<String>,
}

/// The sealed archive, made once.
fn sealed() -> &'static Sealed {
    static SEALED: OnceLock<Sealed> = OnceLock::new();
    SEALED.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("gongkai-fuzz-{}", std::process::id()));
        let col = dir.join("col");
        std::fs::create_dir_all(&col).expect("temp folder");
        std::fs::write(
            col.join("a.txt"),
            "一、总体情况\n本年度公开信息。\n".as_bytes(),
        )
        .expect("write");
        std::fs::write(col.join("b.bin"), [0u8, 159, 146, 150]).expect("write");
        let out = dir.join("a.zip");
        let opts = SealOptions {
            year: 2020,
            prev: None,
            force: true,
            max_input_bytes: 1 << 20,
        };
        seal(
            &[col],
            &out,
            &opts,
            &gongkai::ExtractOptions::default(),
            &Progress::hidden(),
        )
        .expect("the fixture seals");
        let bytes = std::fs::read(&out).expect("read back");
        let _ = std::fs::remove_dir_all(&dir);
        let src: &[u8] = &bytes;
        let scan = container::scan(&src).expect("memory").expect("a zip");
        let entries = scan
            .entries
            .iter()
            .map(|e| {
                let mut d = vec![0u8; e.stored as usize];
                src.read_exact_at(&mut d, e.data_offset).expect("in range");
                (String::from_utf8(e.name.clone()).expect("UTF-8"), d)
            })
            .collect();
        let v = verify_source(&src, "sealed.zip").expect("verifies");
        assert_eq!(v.status(), Status::Intact, "{}", v.to_text());
        Sealed {
            root: v.root,
            seal_sha256: v.seal_sha256,
            bytes,
            entries,
        }
    })
}

/// The fuzzer's bytes, read as a stream of small numbers (zeros once they run out).
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let (a, b) = self.0.split_at(n.min(self.0.len()));
        self.0 = b;
        a
    }
}

/// What verify once read of the manifest and the seal record: they are read as streams
/// now, and this stays a size class of a large streamed tag file.
const LIMIT: usize = 64 << 20;
const SMALL: usize = SMALL_TAG_BYTES as usize;

/// The size of a class, for an entry the seal wrote with `sealed` bytes: around what the
/// seal wrote, around the 64 KiB read of the small tag files and of a report's head, and
/// around the 64 MiB once read of the manifest and the seal record. Those last four take one
/// value in sixteen: they are slow to make and hash.
fn size_class(class: u8, sealed: usize) -> usize {
    match class {
        0..=31 => 0,
        32..=63 => 1,
        64..=95 => sealed.saturating_sub(1),
        96..=127 => sealed + 1,
        128..=159 => sealed,
        160..=179 => 4096,
        180..=199 => SMALL - 1,
        200..=219 => SMALL,
        220..=239 => SMALL + 1,
        240..=243 => LIMIT - 1,
        244..=247 => LIMIT,
        248..=251 => LIMIT + 1,
        _ => 65 << 20,
    }
}

/// `size` bytes of a pattern.
fn filled(pattern: u8, size: usize, sealed: &[u8]) -> Vec<u8> {
    let unit: Vec<u8> = match pattern % 4 {
        0 => b"\n".to_vec(),
        1 => b"#".to_vec(),
        2 => {
            let line = sealed
                .split_inclusive(|&b| b == b'\n')
                .next()
                .unwrap_or(b"");
            if line.is_empty() {
                format!("{}  data/x\n", "0".repeat(64)).into_bytes()
            } else {
                line.to_vec()
            }
        }
        _ if sealed.is_empty() => b"\n".to_vec(),
        _ => sealed.to_vec(),
    };
    let mut out = unit.repeat(size / unit.len() + 1);
    out.truncate(size);
    out
}

/// Which entry an operation works on: a tag file three times in four.
fn pick(input: &mut Input, entries: &Entries) -> Option<usize> {
    if entries.is_empty() {
        return None;
    }
    let b = input.byte();
    if b % 4 != 0 {
        let tag = bag::TAG_FILES[(b / 4) as usize % bag::TAG_FILES.len()];
        if let Some(i) = entries
            .iter()
            .position(|(n, _)| n.ends_with(&format!("/{tag}")))
        {
            return Some(i);
        }
    }
    Some((b / 4) as usize % entries.len())
}

/// The tag manifest rewritten over the other tag files as they now are.
fn retag(entries: &mut Entries) {
    let mut listed = Vec::new();
    for t in bag::TAG_FILES {
        if t == bag::TAG_MANIFEST_FILE {
            continue;
        }
        if let Some((_, d)) = entries.iter().find(|(n, _)| n.ends_with(&format!("/{t}"))) {
            listed.push((t.to_string(), gongkai::input::hex(&Sha256::digest(d))));
        }
    }
    let manifest = bag::manifest(&listed).into_bytes();
    if let Some((_, d)) = entries
        .iter_mut()
        .find(|(n, _)| n.ends_with(&format!("/{}", bag::TAG_MANIFEST_FILE)))
    {
        *d = manifest;
    }
}

fn crlf(d: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(d.len() + d.len() / 32);
    for &b in d {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let base = sealed();
    let sealed_entries = &base.entries;
    let mut entries = sealed_entries.clone();
    let mut input = Input(data);
    for _ in 0..8 {
        if input.0.is_empty() {
            break;
        }
        let op = input.byte() % 8;
        let Some(i) = pick(&mut input, &entries) else {
            break;
        };
        let original: &[u8] = sealed_entries
            .iter()
            .find(|(n, _)| *n == entries[i].0)
            .map_or(&[], |(_, d)| d);
        match op {
            0 => {
                let (class, pattern) = (input.byte(), input.byte());
                let size = size_class(class, original.len());
                entries[i].1 = filled(pattern, size, original);
            }
            1 => {
                let at = input.u32() as usize;
                let bit = input.byte() % 8;
                let d = &mut entries[i].1;
                if !d.is_empty() {
                    let at = at % d.len();
                    d[at] ^= 1 << bit;
                }
            }
            2 => {
                let n = input.byte() as usize;
                let more = input.take(n).to_vec();
                entries[i].1.extend_from_slice(&more);
            }
            3 => {
                let keep = input.u32() as usize % (entries[i].1.len() + 1);
                entries[i].1.truncate(keep);
            }
            4 => entries[i].1 = crlf(&entries[i].1),
            5 => retag(&mut entries),
            6 => {
                entries.remove(i);
            }
            _ => {
                let c = input.byte();
                entries[i].0.push(char::from(b'a' + c % 26));
            }
        }
    }
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut w = ZipWriter::new(Vec::new());
    for (n, d) in &entries {
        if w.add_bytes(n, d).is_err() {
            return; // beyond the form's limits: not an archive a seal could have written
        }
    }
    let Ok(archive) = w.finish() else {
        return;
    };
    let src: &[u8] = &archive;
    let v = verify_source(&src, "fuzz.zip").expect("a zip written here");
    let text = v.to_text();
    if archive.len() < 1 << 20 {
        let again = verify_source(&src, "fuzz.zip").expect("verified once");
        assert_eq!(text, again.to_text(), "the same bytes, another verdict");
        let thorough = diagnose_source(&src, "fuzz.zip").expect("verified once");
        assert_eq!(
            text,
            thorough.to_text(),
            "the one-pass check and the thorough verifier differ"
        );
    }
    if v.status() == Status::Intact {
        assert!(
            v.year.is_some() && v.root.is_some() && v.seal_sha256.is_some(),
            "intact without a year, root or seal SHA-256:\n{text}"
        );
    }
    if v.status() == Status::Intact && v.root == base.root && v.seal_sha256 == base.seal_sha256 {
        assert!(
            archive == base.bytes,
            "intact under the sealed root and seal SHA-256, but not the sealed bytes:\n{text}"
        );
    }
    if archive == base.bytes {
        assert_eq!(
            v.status(),
            Status::Intact,
            "the sealed bytes called damaged:\n{text}"
        );
    }
});

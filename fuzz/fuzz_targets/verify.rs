//! The archive verifier on arbitrary bytes, held in memory (the same code `gongkai verify`
//! runs over a file), and what it promises:
//! - no panic, and the text and JSON reports are written;
//! - the same bytes give the same verdict (verification runs on rayon's pool);
//! - the same report as the thorough verifier's alone: the one-pass check `verify` runs
//!   first never calls intact what that verifier does not, and its report reads the same;
//! - "any changed byte is found": bytes it calls intact are exactly the canonical zip a seal
//!   writes for their entries, rebuilt here with the seal's own writer;
//! - every inclusion proof made from an intact archive checks against that archive.
#![no_main]

use gongkai::archive::container::{self, ZipWriter};
use gongkai::archive::verify::{diagnose_source, verify_source};
use gongkai::archive::{proof, Status};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = verify_source(&data, "fuzz.zip") else {
        return;
    };
    let text = v.to_text();
    let json = serde_json::to_vec(&v).expect("a verification serialises");
    let again = verify_source(&data, "fuzz.zip").expect("verified once");
    assert_eq!(text, again.to_text(), "the same bytes, another verdict");
    assert_eq!(json, serde_json::to_vec(&again).unwrap());
    let thorough = diagnose_source(&data, "fuzz.zip").expect("verified once");
    assert_eq!(
        text,
        thorough.to_text(),
        "the one-pass check and the thorough verifier differ"
    );
    assert_eq!(json, serde_json::to_vec(&thorough).unwrap());
    if v.status() != Status::Intact {
        return;
    }

    let scan = container::scan(&data)
        .expect("in memory")
        .expect("a zip, since it verified");
    let mut rebuilt = ZipWriter::new(Vec::new());
    for e in &scan.entries {
        let name = std::str::from_utf8(&e.name).expect("intact names are UTF-8");
        let body = &data[e.data_offset as usize..(e.data_offset + e.stored) as usize];
        rebuilt.add_bytes(name, body).expect("within the limits");
    }
    let rebuilt = rebuilt.finish().expect("in memory");
    assert!(
        rebuilt == data,
        "verify calls intact bytes that differ from the canonical zip of their entries"
    );

    let manifest = v.manifest.as_ref().expect("an intact archive's manifest");
    for line in manifest.lines().take(8) {
        let line = line.expect("in memory");
        let p = proof::prove(&v, &line.path)
            .unwrap_or_else(|e| panic!("no proof for {} of an intact archive: {e}", line.path));
        let sha256 = gongkai::input::hex(&line.sha256);
        if let Err(e) = proof::check(&p, &proof::Anchor::Archive(&v), Some(&sha256)) {
            panic!("the proof of {} does not check: {e}", line.path);
        }
    }
});

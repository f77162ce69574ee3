//! Taking a sealed archive apart and putting it back together in the seal's own canonical
//! form, for tests that change entries as an attacker with write access would.
#![allow(dead_code)]

use gongkai::archive::bag;
use gongkai::archive::container::{self, ReadAt, ZipWriter};
use sha2::{Digest, Sha256};

/// The entries of an archive (name, data), in archive order.
pub fn entries_of(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let src: &[u8] = bytes;
    let scan = container::scan(&src).unwrap().unwrap();
    scan.entries
        .iter()
        .map(|e| {
            let mut d = vec![0u8; e.stored as usize];
            src.read_exact_at(&mut d, e.data_offset).unwrap();
            (String::from_utf8(e.name.clone()).unwrap(), d)
        })
        .collect()
}

/// The canonical zip of these entries, sorted by name as a seal sorts them.
pub fn rebuild(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut sorted = entries.to_vec();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut w = ZipWriter::new(Vec::new());
    for (n, d) in &sorted {
        w.add_bytes(n, d).unwrap();
    }
    w.finish().unwrap()
}

/// The data of the entry whose name ends in `/<rel>` (rel inside the bag).
pub fn entry_mut<'a>(entries: &'a mut [(String, Vec<u8>)], rel: &str) -> &'a mut Vec<u8> {
    let suffix = format!("/{rel}");
    &mut entries
        .iter_mut()
        .find(|(n, _)| n.ends_with(&suffix))
        .unwrap_or_else(|| panic!("no entry {rel}"))
        .1
}

/// Rewrites the tag manifest to list the other tag files as they now are — what an
/// attacker does to hide a change from a check of the tag manifest alone.
pub fn retag(entries: &mut [(String, Vec<u8>)]) {
    let listed: Vec<(String, String)> = bag::TAG_FILES
        .iter()
        .filter(|&&t| t != bag::TAG_MANIFEST_FILE)
        .map(|&t| {
            let data = entry_mut(entries, t);
            (
                t.to_string(),
                gongkai::input::hex(&Sha256::digest(&data[..])),
            )
        })
        .collect();
    *entry_mut(entries, bag::TAG_MANIFEST_FILE) = bag::manifest(&listed).into_bytes();
}

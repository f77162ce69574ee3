//! What the fuzzers (fuzz/) found, kept as regression tests: each input under
//! tests/data/fuzz/ is named after the target that found it and what went wrong (and is
//! also extracted, like any input).

mod util;

use gongkai::input::Input;
use gongkai::ExtractOptions;
use util::root;

fn inputs() -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(root().join("tests/data/fuzz"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    out.sort();
    assert!(!out.is_empty(), "tests/data/fuzz is empty");
    out
}

/// The XML of one extraction, or the one-line refusal.
fn extract(name: &str, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let input = Input::new(name, bytes.to_vec());
    gongkai::extract(&input, &ExtractOptions::default())
        .map(|r| gongkai::writers::xml::to_bytes(&r))
        .map_err(|e| e.to_string())
}

/// `sniff_extract-lattice-order.pdf`: two ruled cells with the same top-left corner (a
/// damaged lattice) came out in hash-map order, so the same PDF gave two different XMLs
/// from run to run. Every hash map here is seeded afresh, so repeated extraction in one
/// process would show such an order again.
#[test]
fn every_fuzz_input_gives_one_result_however_often_it_is_read() {
    for path in inputs() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let first = extract(&name, &bytes);
        for _ in 0..24 {
            assert!(
                extract(&name, &bytes) == first,
                "{name}: the same bytes gave another result"
            );
        }
    }
}

#[test]
fn the_damaged_lattice_is_still_read_as_a_report() {
    let bytes =
        std::fs::read(root().join("tests/data/fuzz/sniff_extract-lattice-order.pdf")).unwrap();
    let xml = String::from_utf8(extract("lattice.pdf", &bytes).unwrap()).unwrap();
    assert!(xml.contains("<template>v2021</template>"), "{xml}");
    assert!(xml.contains("<title>示例区2024年政府信息公开工作年度报告</title>"));
}

/// `verify-zip64-size-overflow.zip`: a ZIP64 extra field declaring 2^64 - 1 bytes of data
/// overflowed the sum that finds where the next local header starts (a panic in a debug
/// build). It is truncation, named.
#[test]
fn a_zip64_size_of_2_to_the_64_is_truncation() {
    use gongkai::archive::verify::{verify_source, ProblemKind, Status};
    let bytes =
        std::fs::read(root().join("tests/data/fuzz/verify-zip64-size-overflow.zip")).unwrap();
    let v = verify_source(&&bytes[..], "fuzzed.zip").unwrap();
    assert_eq!(v.status, Status::Damaged);
    assert!(
        v.problems.iter().any(|p| p.kind == ProblemKind::Truncated
            && p.message
                == "declares 18446744073709551615 bytes of data; the archive ends before them"),
        "{}",
        v.to_text()
    );
}

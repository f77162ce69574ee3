//! The whole pipeline as `gongkai extract FILE` runs it: the format sniffed from the bytes,
//! read, recognised, written as canonical XML, and that XML read back to the same bytes.
//! Run twice: the same bytes must give the same XML (no hash-map order, no time, nothing
//! from the process may reach it) or the same refusal.
#![no_main]

use gongkai::input::Input;
use gongkai::ExtractOptions;
use libfuzzer_sys::fuzz_target;

fn once(data: &[u8]) -> Result<Vec<u8>, String> {
    let input = Input::new("fuzz", data.to_vec());
    gongkai::extract(&input, &ExtractOptions::default())
        .map(|r| gongkai_fuzz::round_trip(&r))
        .map_err(|e| e.to_string())
}

fuzz_target!(|data: &[u8]| {
    let first = once(data);
    let second = once(data);
    if first != second {
        panic!(
            "the same input gave different results:\n{}\n---\n{}",
            String::from_utf8_lossy(&first.unwrap_or_else(String::into_bytes)),
            String::from_utf8_lossy(&second.unwrap_or_else(String::into_bytes))
        );
    }
});

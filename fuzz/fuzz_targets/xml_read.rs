//! The canonical XML reader on arbitrary bytes. What it accepts, written out again, must be
//! a fixed point: reading and writing that canonical form changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = gongkai::writers::xml::from_bytes(data) {
        gongkai_fuzz::round_trip(&report);
    }
});

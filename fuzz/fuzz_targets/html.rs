//! The Html reader, forced, on arbitrary bytes; then the recogniser and the XML round trip.
#![no_main]

use gongkai::input::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gongkai_fuzz::extract(data, Some(Format::Html));
});

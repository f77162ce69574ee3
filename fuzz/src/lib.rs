//! What the fuzz targets share: running the extraction pipeline on bytes and checking what
//! the project promises of its output (no panic, and canonical XML that reads back to the
//! same bytes).

use gongkai::input::{Format, Input};
use gongkai::model::Report;
use gongkai::ExtractOptions;

/// Extracts with a forced reader (or sniffing, for `None`); a report that comes out must
/// survive the XML round trip. An error is a fine outcome: the CLI turns it into exit 2.
pub fn extract(data: &[u8], from: Option<Format>) {
    let input = Input::new("fuzz", data.to_vec());
    if let Ok(report) = gongkai::extract(
        &input,
        &ExtractOptions {
            from,
            ..Default::default()
        },
    ) {
        round_trip(&report);
    }
}

/// `to_bytes` then `from_bytes` then `to_bytes` again gives the same bytes: everything the
/// writer writes, the reader reads, and nothing is lost or changed on the way.
pub fn round_trip(report: &Report) -> Vec<u8> {
    let first = gongkai::writers::xml::to_bytes(report);
    let back = match gongkai::writers::xml::from_bytes(&first) {
        Ok(r) => r,
        Err(e) => panic!(
            "the writer's XML does not read back: {e}\n{}",
            String::from_utf8_lossy(&first)
        ),
    };
    let second = gongkai::writers::xml::to_bytes(&back);
    if first != second {
        panic!(
            "the XML round trip changed the bytes:\n--- written\n{}\n--- read back and written\n{}",
            String::from_utf8_lossy(&first),
            String::from_utf8_lossy(&second)
        );
    }
    first
}

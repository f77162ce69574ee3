//! What a seal writes for a payload: each tag file recomputed — the manifest from its own
//! lines (sorted, LF-ended), the tag manifest over the other tag files, bag-info.txt and
//! seal.xml from the seal record, bagit.txt as the fixed declaration — so that `verify`
//! requires every tag file to be exactly those bytes, and can say where one departs.

use super::bag::{self, ManifestLine};
use super::record::SealRecord;

/// manifest-sha256.txt as a seal writes it for these lines.
pub fn manifest(lines: &[ManifestLine]) -> String {
    bag::manifest_of(lines.iter().map(|l| (l.path.as_str(), l.sha256.as_str())))
}

/// bag-info.txt as a seal writes it with this record.
pub fn info(r: &SealRecord) -> String {
    bag::info(
        r.bytes,
        r.files,
        r.year,
        &format!("gongkai {}", r.tool_version),
    )
}

/// The longest excerpt of a line quoted in a difference.
const EXCERPT_CHARS: usize = 72;

/// Where `actual` first departs from `expected`, in words; `None` when they are the same.
pub fn difference(expected: &[u8], actual: &[u8]) -> Option<String> {
    let at = expected
        .iter()
        .zip(actual)
        .position(|(e, a)| e != a)
        .unwrap_or(expected.len().min(actual.len()));
    if at == expected.len() && at == actual.len() {
        return None;
    }
    let line = expected[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    Some(
        if expected.get(at) == Some(&b'\n') && actual.get(at) == Some(&b'\r') {
            format!("line {line} ends in CR LF, where a seal ends lines in LF")
        } else if at == expected.len() {
            format!(
                "{} more than the {} a seal writes",
                super::count(actual.len() - at, "byte"),
                super::count(expected.len(), "byte")
            )
        } else if at == actual.len() {
            format!(
                "{} where a seal writes {} (it ends within line {line})",
                super::count(actual.len(), "byte"),
                expected.len()
            )
        } else {
            format!(
                "line {line} differs: a seal writes {}, the archive holds {}",
                excerpt(expected, at),
                excerpt(actual, at)
            )
        },
    )
}

/// The line around byte `at`, quoted and cut short.
fn excerpt(b: &[u8], at: usize) -> String {
    let start = b[..at]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let end = b[at..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |i| at + i)
        .min(start + 4 * EXCERPT_CHARS);
    let text = String::from_utf8_lossy(&b[start..end]);
    let mut cut: String = text.chars().take(EXCERPT_CHARS).collect();
    if cut.len() < text.len() || end < b.len() && b[end] != b'\n' {
        cut.push('…');
    }
    format!("{cut:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_told_in_words() {
        assert_eq!(difference(b"a\nb\n", b"a\nb\n"), None);
        assert_eq!(
            difference(b"a\nb\n", b"a\r\nb\r\n").unwrap(),
            "line 1 ends in CR LF, where a seal ends lines in LF"
        );
        assert_eq!(
            difference(b"a\n", b"a\n#").unwrap(),
            "1 byte more than the 2 bytes a seal writes"
        );
        assert_eq!(
            difference(b"a\nb\n", b"a\n").unwrap(),
            "2 bytes where a seal writes 4 (it ends within line 2)"
        );
        assert_eq!(
            difference(b"a\nbcd\n", b"a\nbxd\n").unwrap(),
            "line 2 differs: a seal writes \"bcd\", the archive holds \"bxd\""
        );
        let long = vec![b'#'; 1000];
        let d = difference(b"x\n", &long).unwrap();
        assert!(
            d.ends_with(&format!("\"{}…\"", "#".repeat(EXCERPT_CHARS))),
            "{d}"
        );
    }
}

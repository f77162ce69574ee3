//! What a seal writes for a payload: each tag file recomputed — the manifest from its own
//! lines (sorted, LF-ended), the tag manifest over the other tag files, bag-info.txt and
//! seal.xml from the seal record, bagit.txt as the fixed declaration — so that `verify`
//! requires every tag file to be exactly those bytes, and can say where one departs.

use std::io::{self, Read, Write};

use super::bag::{self, ManifestLine};
use super::record::RecordHead;

/// manifest-sha256.txt as a seal writes it for these lines, written to `out` line by line
/// (sorted by path).
pub fn write_manifest(lines: &[ManifestLine], out: &mut dyn Write) -> io::Result<()> {
    let mut order: Vec<usize> = (0..lines.len()).collect();
    if !lines.windows(2).all(|w| w[0].path <= w[1].path) {
        order.sort_by(|&a, &b| lines[a].path.as_bytes().cmp(lines[b].path.as_bytes()));
    }
    let mut buf = Vec::with_capacity(1 << 16);
    for i in order {
        lines[i].write_to(&mut buf);
        buf.push(b'\n');
        if buf.len() >= 1 << 15 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)
}

/// bag-info.txt as a seal writes it with this record.
pub fn info(r: &RecordHead) -> String {
    bag::info(
        r.bytes,
        r.files,
        r.year,
        &format!("gongkai {}", r.tool_version),
    )
}

/// The longest excerpt of a line quoted in a difference.
const EXCERPT_CHARS: usize = 72;
/// The bytes of a line an excerpt is taken from (a character is at most 4 bytes).
const EXCERPT_BYTES: usize = 4 * EXCERPT_CHARS;
/// What is held of each side's line around a difference: the excerpt's bytes and the one
/// after them (which tells whether the line goes on).
const WINDOW: usize = EXCERPT_BYTES + 1;

/// Where `actual` first departs from `expected`, in words; `None` when they are the same.
pub fn difference(expected: &[u8], actual: &[u8]) -> Option<String> {
    let mut d = StreamDiff::new(actual, actual.len() as u64);
    d.write_all(expected)
        .expect("comparing in memory cannot fail");
    d.finish().expect("comparing in memory cannot fail")
}

/// Compares what is written to it — the bytes a seal writes, made again piece by piece —
/// with the bytes an archive holds, read as a stream, and says where they first depart in
/// the words of [`difference`]; neither side is ever held whole (a few hundred bytes of
/// the line where they depart are).
pub struct StreamDiff<R: Read> {
    actual: R,
    actual_len: u64,
    /// Bytes written (of what a seal writes) so far.
    expected_len: u64,
    /// Bytes found the same so far, until the first difference.
    same: u64,
    /// Line ends among them.
    lines: usize,
    /// The start of the current line, up to [`WINDOW`] bytes.
    line_head: Vec<u8>,
    departure: Option<Departure>,
    scratch: Vec<u8>,
}

/// The first difference: where, and each side's line from its start.
struct Departure {
    at: u64,
    /// The byte of each side there (none: that side ended there).
    expected_byte: Option<u8>,
    actual_byte: Option<u8>,
    expected: Vec<u8>,
    actual: Vec<u8>,
    /// Where `at` lies in the line windows.
    in_line: usize,
}

impl<R: Read> StreamDiff<R> {
    /// `actual` must hold `actual_len` bytes.
    pub fn new(actual: R, actual_len: u64) -> StreamDiff<R> {
        StreamDiff {
            actual,
            actual_len,
            expected_len: 0,
            same: 0,
            lines: 0,
            line_head: Vec::new(),
            departure: None,
            scratch: Vec::new(),
        }
    }

    /// Reads up to `n` actual bytes into the scratch buffer; fewer at the end.
    fn read_actual(&mut self, n: usize) -> io::Result<usize> {
        self.scratch.resize(n, 0);
        let mut got = 0;
        while got < n {
            match self.actual.read(&mut self.scratch[got..n])? {
                0 => break,
                k => got += k,
            }
        }
        Ok(got)
    }

    fn note_same(&mut self, bytes: &[u8]) {
        self.same += bytes.len() as u64;
        match bytes.iter().rposition(|&b| b == b'\n') {
            Some(i) => {
                self.lines += bytes.iter().filter(|&&b| b == b'\n').count();
                self.line_head.clear();
                let rest = &bytes[i + 1..];
                self.line_head
                    .extend_from_slice(&rest[..rest.len().min(WINDOW)]);
            }
            None => {
                let room = WINDOW.saturating_sub(self.line_head.len());
                self.line_head
                    .extend_from_slice(&bytes[..bytes.len().min(room)]);
            }
        }
    }

    fn compare(&mut self, expected: &[u8]) -> io::Result<()> {
        for piece in expected.chunks(1 << 16) {
            if self.departure.is_some() {
                self.extend_expected(piece);
                continue;
            }
            let got = self.read_actual(piece.len())?;
            // Equal pieces (the rule) are told by one memcmp.
            let first = if piece[..got] == self.scratch[..got] {
                got
            } else {
                piece[..got]
                    .iter()
                    .zip(&self.scratch[..got])
                    .position(|(e, a)| e != a)
                    .unwrap_or(got)
            };
            self.note_same(&piece[..first]);
            if first == piece.len() {
                continue;
            }
            // Each side's line from its start, then the bytes from the departure on.
            let actual_byte = self.scratch[..got].get(first).copied();
            let in_line = self.line_head.len();
            let mut actual = self.line_head.clone();
            let from_scratch = self.scratch[first..got].to_vec();
            actual.extend_from_slice(&from_scratch);
            while actual.len() < WINDOW && got == piece.len() {
                let more = self.read_actual(WINDOW - actual.len())?;
                if more == 0 {
                    break;
                }
                let read = self.scratch[..more].to_vec();
                actual.extend_from_slice(&read);
            }
            actual.truncate(WINDOW);
            self.departure = Some(Departure {
                at: self.same,
                expected_byte: Some(piece[first]),
                actual_byte,
                expected: self.line_head.clone(),
                actual,
                in_line,
            });
            self.extend_expected(&piece[first..]);
        }
        Ok(())
    }

    fn extend_expected(&mut self, bytes: &[u8]) {
        if let Some(d) = self.departure.as_mut() {
            let room = WINDOW.saturating_sub(d.expected.len());
            d.expected
                .extend_from_slice(&bytes[..bytes.len().min(room)]);
        }
    }

    /// Where the sides first depart, once everything a seal writes has been written.
    pub fn finish(self) -> io::Result<Option<String>> {
        let (exp_len, act_len) = (self.expected_len, self.actual_len);
        let Some(d) = self.departure else {
            if act_len == exp_len {
                return Ok(None);
            }
            return Ok(Some(format!(
                "{} more than the {} a seal writes",
                super::count((act_len - exp_len) as usize, "byte"),
                super::count(exp_len as usize, "byte")
            )));
        };
        let line = self.lines + 1;
        let at = d.in_line;
        Ok(Some(
            if d.expected_byte == Some(b'\n') && d.actual_byte == Some(b'\r') {
                format!("line {line} ends in CR LF, where a seal ends lines in LF")
            } else if d.actual_byte.is_none() {
                format!(
                    "{} where a seal writes {exp_len} (it ends within line {line})",
                    super::count(d.at as usize, "byte"),
                )
            } else {
                format!(
                    "line {line} differs: a seal writes {}, the archive holds {}",
                    excerpt(&d.expected, at),
                    excerpt(&d.actual, at)
                )
            },
        ))
    }
}

impl<R: Read> Write for StreamDiff<R> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.expected_len += buf.len() as u64;
        self.compare(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The line of `b` (which starts at the line's start) around byte `at`, quoted and cut
/// short.
fn excerpt(b: &[u8], at: usize) -> String {
    let at = at.min(b.len());
    let end = b[at..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |i| at + i)
        .min(EXCERPT_BYTES);
    let text = String::from_utf8_lossy(&b[..end]);
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
        assert_eq!(
            difference(b"", b"ab").unwrap(),
            "2 bytes more than the 0 bytes a seal writes"
        );
        assert_eq!(
            difference(b"ab\ncd", b"").unwrap(),
            "0 bytes where a seal writes 5 (it ends within line 1)"
        );
    }

    /// Fed in pieces of every size, long lines and all, the stream says what the
    /// whole-buffer comparison of the previous verifier said (written out here).
    #[test]
    fn the_stream_says_what_the_whole_comparison_says() {
        fn whole(expected: &[u8], actual: &[u8]) -> Option<String> {
            let at = expected
                .iter()
                .zip(actual)
                .position(|(e, a)| e != a)
                .unwrap_or(expected.len().min(actual.len()));
            if at == expected.len() && at == actual.len() {
                return None;
            }
            let line = expected[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            let excerpt = |b: &[u8]| {
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
            };
            Some(
                if expected.get(at) == Some(&b'\n') && actual.get(at) == Some(&b'\r') {
                    format!("line {line} ends in CR LF, where a seal ends lines in LF")
                } else if at == expected.len() {
                    format!(
                        "{} more than the {} a seal writes",
                        crate::archive::count(actual.len() - at, "byte"),
                        crate::archive::count(expected.len(), "byte")
                    )
                } else if at == actual.len() {
                    format!(
                        "{} where a seal writes {} (it ends within line {line})",
                        crate::archive::count(actual.len(), "byte"),
                        expected.len()
                    )
                } else {
                    format!(
                        "line {line} differs: a seal writes {}, the archive holds {}",
                        excerpt(expected),
                        excerpt(actual)
                    )
                },
            )
        }
        let long = "平".repeat(150);
        let base = format!("first\nsecond line\n{long}x{long}\nlast\n").into_bytes();
        let nl = base.len() - 6;
        let mut cases = vec![(base.clone(), base.clone())];
        for at in [
            0,
            3,
            5,
            6,
            12,
            18,
            19,
            200,
            400,
            451,
            900,
            nl,
            base.len() - 2,
        ] {
            let mut a = base.clone();
            a[at] ^= 0x20;
            cases.push((base.clone(), a));
            let mut crlf = base.clone();
            if base[at] == b'\n' {
                crlf.insert(at, b'\r');
                cases.push((base.clone(), crlf));
            }
            cases.push((base.clone(), base[..at].to_vec()));
            cases.push((base[..at].to_vec(), base.clone()));
        }
        for (e, a) in &cases {
            for piece in [1, 2, 7, 64, 300, 1 << 16] {
                let mut d =
                    StreamDiff::new(io::BufReader::with_capacity(5, &a[..]), a.len() as u64);
                for p in e.chunks(piece) {
                    d.write_all(p).unwrap();
                }
                assert_eq!(d.finish().unwrap(), whole(e, a), "{piece}-byte pieces");
            }
        }
    }
}

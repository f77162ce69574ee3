//! BagIt 1.0 (RFC 8493) tag files: the declaration, bag-info, the manifests.

use std::io::{self, BufRead};

use super::merkle::{self, Hash};

/// `bagit.txt`, byte for byte.
pub const DECLARATION: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
pub const DECLARATION_FILE: &str = "bagit.txt";
pub const INFO_FILE: &str = "bag-info.txt";
pub const MANIFEST_FILE: &str = "manifest-sha256.txt";
pub const TAG_MANIFEST_FILE: &str = "tagmanifest-sha256.txt";
/// The seal record, a tag file of its own (listed in the tag manifest).
pub const SEAL_FILE: &str = "seal.xml";
/// The label in bag-info.txt that holds the reporting year.
pub const YEAR_LABEL: &str = "Report-Year";

/// The tag files a sealed bag has, in sorted order; the tag manifest lists all but itself.
pub const TAG_FILES: [&str; 5] = [
    INFO_FILE,
    DECLARATION_FILE,
    MANIFEST_FILE,
    SEAL_FILE,
    TAG_MANIFEST_FILE,
];

/// The folder inside the zip that holds the bag: `gongkai-<year>`.
pub fn bag_root(year: u16) -> String {
    format!("gongkai-{year}")
}

/// RFC 8493 §2.1.3: a path in a manifest has `%`, CR and LF percent-encoded.
pub fn encode_path(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => s.push_str("%25"),
            '\r' => s.push_str("%0D"),
            '\n' => s.push_str("%0A"),
            c => s.push(c),
        }
    }
    s
}

/// The inverse of [`encode_path`]; other `%` sequences are left as they are.
pub fn decode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (rep, n) = match tail.get(..3) {
            Some("%25") => ("%", 3),
            Some("%0D") | Some("%0d") => ("\r", 3),
            Some("%0A") | Some("%0a") => ("\n", 3),
            _ => ("%", 1),
        };
        out.push_str(rep);
        rest = &tail[n..];
    }
    out.push_str(rest);
    out
}

/// One manifest line: the leaf of the Merkle tree is exactly this text.
pub fn manifest_line(sha256: &str, path: &str) -> String {
    format!("{sha256}  {}", encode_path(path))
}

/// Writes a manifest of (path, sha256) entries: lines sorted by path.
pub fn manifest(entries: &[(String, String)]) -> String {
    manifest_of(entries.iter().map(|(p, s)| (p.as_str(), s.as_str())))
}

/// [`manifest`] of borrowed (path, sha256) pairs.
pub fn manifest_of<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut sorted: Vec<(&str, &str)> = entries.into_iter().collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut s = String::new();
    for (path, sha) in sorted {
        s.push_str(&manifest_line(sha, path));
        s.push('\n');
    }
    s
}

/// A manifest line read back: a path and its hash, held in a few dozen bytes (a manifest
/// of 200,000 lines is about 25 MB of these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestLine {
    pub sha256: Hash,
    /// Decoded path, relative to the bag root (`data/…` or a tag file).
    pub path: String,
}

impl ManifestLine {
    /// The line as a seal writes it (without its end): in an intact manifest, the line
    /// as written, and so the Merkle leaf.
    pub fn text(&self) -> String {
        let mut out = Vec::new();
        self.write_to(&mut out);
        String::from_utf8(out).expect("hex digits and a path")
    }

    /// [`ManifestLine::text`] appended to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&hex_digits(&self.sha256));
        out.extend_from_slice(b"  ");
        if self.path.contains(['%', '\r', '\n']) {
            out.extend_from_slice(encode_path(&self.path).as_bytes());
        } else {
            out.extend_from_slice(self.path.as_bytes());
        }
    }
}

/// A hash as 64 lowercase hex digits, made without the formatting machinery (a manifest
/// of 200,000 lines is written and compared in a blink).
pub fn hex_digits(h: &Hash) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, b) in h.iter().enumerate() {
        out[2 * i] = DIGITS[(b >> 4) as usize];
        out[2 * i + 1] = DIGITS[(b & 15) as usize];
    }
    out
}

/// [`hex_digits`] as a string.
pub fn hex_hash(h: &Hash) -> String {
    String::from_utf8(hex_digits(h).to_vec()).expect("hex digits")
}

/// A manifest read as a stream.
#[derive(Debug, Default)]
pub struct ManifestRead {
    pub lines: Vec<ManifestLine>,
    /// A sentence for each line that is not `<sha256>  <path>` (the first few; the rest
    /// counted), and for reading stopped short.
    pub bad: Vec<String>,
    /// The Merkle leaf of each line: the hash of the line as written.
    pub leaves: Vec<Hash>,
    /// The RFC 6962 root over them.
    pub root: Hash,
}

/// How many malformed lines of one manifest are named one by one (the rest are counted):
/// a hostile manifest of millions of bad lines must not become millions of problems.
const NAMED_BAD_LINES: usize = 10;

/// The longest line read: a hash, two spaces and a zip entry name (at most 65,535 bytes)
/// with every byte percent-encoded. A longer line is malformed and skipped unread.
const MAX_LINE: usize = 66 + 3 * 0xffff;

/// Reads a manifest as a stream: `<64 lowercase hex>  <path>` lines. A line ending in CR
/// LF is read without its CR (whether the bytes are a seal's is for the caller to
/// compare, and the difference is then named once). At most `most_lines` lines are read:
/// a manifest longer than its archive has entries is no seal's, and what is held stays
/// bounded by the archive's entries whatever the manifest's size.
pub fn read_manifest(input: &mut dyn BufRead, most_lines: usize) -> io::Result<ManifestRead> {
    let mut out = ManifestRead::default();
    let mut tree = merkle::RootBuilder::default();
    let mut bad_count = 0usize;
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        let (ended, too_long) = read_line(input, &mut line)?;
        if line.is_empty() && !ended && !too_long {
            break; // the end
        }
        number += 1;
        if number > most_lines {
            out.bad.push(format!(
                "more than {most_lines} lines, more files than the archive holds; the rest \
                 is not read"
            ));
            break;
        }
        if !ended {
            out.bad.push("the last line has no line end".to_string());
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.strip_suffix('\r').unwrap_or(&text);
        let b = text.as_bytes();
        let sha = (!too_long && b.len() > 66 && &b[64..66] == b"  " && !text.contains('\r'))
            .then(|| lowercase_hex(&b[..64]))
            .flatten();
        match sha {
            Some(sha256) => {
                let leaf = merkle::leaf_hash(b);
                tree.push(leaf);
                out.leaves.push(leaf);
                out.lines.push(ManifestLine {
                    sha256,
                    path: decode_path(&text[66..]),
                });
            }
            None => {
                bad_count += 1;
                if bad_count <= NAMED_BAD_LINES {
                    out.bad
                        .push(format!("line {number} is not `<sha256>  <path>`"));
                }
            }
        }
        if !ended {
            break;
        }
    }
    if bad_count > NAMED_BAD_LINES {
        out.bad.push(format!(
            "and {} more lines that are not `<sha256>  <path>`",
            bad_count - NAMED_BAD_LINES
        ));
    }
    out.root = tree.root();
    Ok(out)
}

/// One line into `line` (without its LF), at most [`MAX_LINE`] bytes of it: whether it
/// ended in LF, and whether it was longer (the rest is skipped).
fn read_line(input: &mut dyn BufRead, line: &mut Vec<u8>) -> io::Result<(bool, bool)> {
    let mut too_long = false;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok((false, too_long));
        }
        let (piece, ended) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], Some(i + 1)),
            None => (buf, None),
        };
        let room = MAX_LINE.saturating_sub(line.len());
        too_long |= piece.len() > room;
        line.extend_from_slice(&piece[..piece.len().min(room)]);
        let used = ended.unwrap_or(buf.len());
        input.consume(used);
        if ended.is_some() {
            return Ok((true, too_long));
        }
    }
}

/// 64 lowercase hex digits as a hash.
pub(crate) fn lowercase_hex(b: &[u8]) -> Option<Hash> {
    if b.len() != 64 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = digit(b[2 * i])? << 4 | digit(b[2 * i + 1])?;
    }
    Some(out)
}

/// [`read_manifest`] of a manifest held in memory (the tag manifest), every line read.
pub fn parse_manifest(text: &str) -> (Vec<ManifestLine>, Vec<String>) {
    let read =
        read_manifest(&mut text.as_bytes(), usize::MAX).expect("reading from memory cannot fail");
    (read.lines, read.bad)
}

/// `bag-info.txt`: Payload-Oxum and the year, fixed labels in a fixed order, no date
/// (a date would make two seals of the same files differ).
pub fn info(octets: u64, count: u64, year: u16, agent: &str) -> String {
    format!("Bag-Software-Agent: {agent}\nPayload-Oxum: {octets}.{count}\n{YEAR_LABEL}: {year}\n")
}

/// The labels and values of a bag-info.txt (continuation lines joined).
pub fn parse_info(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

/// Why a path from the input or from an archive cannot be a payload path, if it cannot.
/// Paths are `/`-separated and relative; the same rule keeps zip-slip names out of a seal
/// and names them in a verify.
pub fn unsafe_path(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("empty name");
    }
    if path.starts_with('/') || path.starts_with('\\') {
        return Some("absolute path");
    }
    let b = path.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Some("drive letter");
    }
    if path.contains('\\') {
        return Some("backslash in name");
    }
    if path.chars().any(char::is_control) {
        return Some("control character in name");
    }
    for part in path.split('/') {
        match part {
            "" => return Some("empty path component"),
            "." | ".." => return Some("`.` or `..` component"),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_percent_encode_and_decode() {
        let p = "data/originals/a%20b\nc\rd.txt";
        let e = encode_path(p);
        assert_eq!(e, "data/originals/a%2520b%0Ac%0Dd.txt");
        assert_eq!(decode_path(&e), p);
        assert_eq!(decode_path("100%"), "100%");
    }

    #[test]
    fn manifests_sort_and_parse_back() {
        let sha = "a".repeat(64);
        let m = manifest(&[
            ("data/b".into(), sha.clone()),
            ("data/a%".into(), sha.clone()),
        ]);
        assert_eq!(m, format!("{sha}  data/a%25\n{sha}  data/b\n"));
        let (lines, bad) = parse_manifest(&m);
        assert!(bad.is_empty());
        assert_eq!(lines[0].path, "data/a%");
        assert_eq!(lines[0].sha256, [0xaa; 32]);
        assert_eq!(lines[0].text(), format!("{sha}  data/a%25"));
        let (_, bad) = parse_manifest(&m.to_uppercase());
        assert_eq!(bad.len(), 2, "hex is lowercase only");
    }

    #[test]
    fn crlf_lines_are_read_and_bad_lines_counted_not_multiplied() {
        let sha = "a".repeat(64);
        let (lines, bad) = parse_manifest(&format!("{sha}  data/a\r\n{sha}  data/b\r\n"));
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(lines[1].text(), format!("{sha}  data/b"));
        let (lines, bad) = parse_manifest(&"#\n".repeat(1000));
        assert!(lines.is_empty());
        assert_eq!(bad.len(), NAMED_BAD_LINES + 1);
        assert_eq!(
            bad[NAMED_BAD_LINES],
            "and 990 more lines that are not `<sha256>  <path>`"
        );
        let text = format!("{sha}  data/a\n").repeat(10);
        let read = read_manifest(&mut text.as_bytes(), 7).unwrap();
        assert_eq!(read.lines.len(), 7);
        assert_eq!(
            read.bad,
            ["more than 7 lines, more files than the archive holds; the rest is not read"]
        );
        let (_, bad) = parse_manifest("\n");
        assert_eq!(bad, ["line 1 is not `<sha256>  <path>`"]);
        let (_, bad) = parse_manifest(&format!("{sha}  data/a"));
        assert_eq!(bad, ["the last line has no line end"]);
    }

    #[test]
    fn a_line_longer_than_any_name_is_malformed_and_skipped_unheld() {
        let sha = "a".repeat(64);
        let text = format!("{sha}  data/{}\n{sha}  data/b\n", "x".repeat(MAX_LINE));
        let read =
            read_manifest(&mut io::BufReader::with_capacity(64, text.as_bytes()), 9).unwrap();
        assert_eq!(read.bad, ["line 1 is not `<sha256>  <path>`"]);
        assert_eq!(read.lines.len(), 1);
        assert_eq!(read.lines[0].path, "data/b");
    }

    #[test]
    fn the_streamed_root_is_the_root_over_the_lines_as_written() {
        let text = (0..37)
            .map(|i| format!("{:064x}  data/{i:02}\n", i * 7919))
            .collect::<String>();
        let read = read_manifest(&mut text.as_bytes(), usize::MAX).unwrap();
        let leaves: Vec<Hash> = text
            .lines()
            .map(|l| merkle::leaf_hash(l.as_bytes()))
            .collect();
        assert_eq!(read.root, merkle::root(&leaves));
    }

    #[test]
    fn unsafe_paths_are_named() {
        for p in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "C:\\x",
            "c:x",
            "a\\b",
            "a//b",
            "a/./b",
        ] {
            assert!(unsafe_path(p).is_some(), "{p}");
        }
        assert_eq!(unsafe_path("data/originals/平潭.txt"), None);
    }
}

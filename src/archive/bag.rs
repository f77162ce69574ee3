//! BagIt 1.0 (RFC 8493) tag files: the declaration, bag-info, the manifests.

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

/// A manifest line read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestLine {
    /// The line as written (without its end): the Merkle leaf.
    pub text: String,
    pub sha256: String,
    /// Decoded path, relative to the bag root (`data/…` or a tag file).
    pub path: String,
}

/// The most lines of a manifest that are read: a sealed archive holds fewer entries than
/// this, so a longer manifest is no seal's, and what is held stays bounded.
pub const MAX_MANIFEST_LINES: usize = 0xfffe;

/// How many malformed lines of one manifest are named one by one (the rest are counted):
/// a hostile manifest of millions of bad lines must not become millions of problems.
const NAMED_BAD_LINES: usize = 10;

/// Parses a manifest: `<64 lowercase hex>  <path>` lines. A line ending in CR LF is read
/// without its CR (whether the bytes are a seal's is for the caller to compare, and the
/// difference is then named once); at most [`MAX_MANIFEST_LINES`] lines are read. Returns
/// the lines read and a sentence for each line that is not so.
pub fn parse_manifest(text: &str) -> (Vec<ManifestLine>, Vec<String>) {
    let mut lines = Vec::new();
    let mut bad = Vec::new();
    let mut bad_count = 0usize;
    if text.is_empty() {
        return (lines, bad);
    }
    let body = text.strip_suffix('\n').unwrap_or_else(|| {
        bad.push("the last line has no line end".to_string());
        text
    });
    for (i, line) in body.split('\n').enumerate() {
        if i == MAX_MANIFEST_LINES {
            bad.push(format!(
                "more than {MAX_MANIFEST_LINES} lines, more files than a sealed archive \
                 holds; the rest is not read"
            ));
            break;
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        let b = line.as_bytes();
        let ok = b.len() > 66
            && b[..64]
                .iter()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
            && &b[64..66] == b"  "
            && !line.contains('\r');
        if !ok {
            bad_count += 1;
            if bad_count <= NAMED_BAD_LINES {
                bad.push(format!("line {} is not `<sha256>  <path>`", i + 1));
            }
            continue;
        }
        lines.push(ManifestLine {
            text: line.to_string(),
            sha256: line[..64].to_string(),
            path: decode_path(&line[66..]),
        });
    }
    if bad_count > NAMED_BAD_LINES {
        bad.push(format!(
            "and {} more lines that are not `<sha256>  <path>`",
            bad_count - NAMED_BAD_LINES
        ));
    }
    (lines, bad)
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
        assert_eq!(lines[0].text, format!("{sha}  data/a%25"));
        let (_, bad) = parse_manifest(&m.to_uppercase());
        assert_eq!(bad.len(), 2, "hex is lowercase only");
    }

    #[test]
    fn crlf_lines_are_read_and_bad_lines_counted_not_multiplied() {
        let sha = "a".repeat(64);
        let (lines, bad) = parse_manifest(&format!("{sha}  data/a\r\n{sha}  data/b\r\n"));
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(lines[1].text, format!("{sha}  data/b"));
        let (lines, bad) = parse_manifest(&"#\n".repeat(1000));
        assert!(lines.is_empty());
        assert_eq!(bad.len(), NAMED_BAD_LINES + 1);
        assert_eq!(
            bad[NAMED_BAD_LINES],
            "and 990 more lines that are not `<sha256>  <path>`"
        );
        let (lines, bad) =
            parse_manifest(&format!("{sha}  data/a\n").repeat(MAX_MANIFEST_LINES + 3));
        assert_eq!(lines.len(), MAX_MANIFEST_LINES);
        assert_eq!(bad.len(), 1, "{bad:?}");
        let (_, bad) = parse_manifest("\n");
        assert_eq!(bad, ["line 1 is not `<sha256>  <path>`"]);
        let (_, bad) = parse_manifest(&format!("{sha}  data/a"));
        assert_eq!(bad, ["the last line has no line end"]);
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

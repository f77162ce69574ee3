//! CMaps: the maps from a font's character codes to CIDs (encoding CMaps, `/Encoding` of a
//! Type 0 font) or to Unicode (`/ToUnicode`). Both are PostScript-like text with
//! `begincodespacerange`, `begincidrange`/`begincidchar` and `beginbfrange`/`beginbfchar`
//! sections; codes are 1–4 bytes, split by the code space ranges.
//!
//! The predefined Chinese CMaps (`UniGB-UCS2-H`, `GBK-EUC-H` …) and the Adobe-GB1
//! CID → Unicode map come from `cmaps/adobe-gb1.bin`, generated from Adobe's published
//! resources by `cmaps/generate.py` (licence in `cmaps/LICENSE-Adobe.txt`).

use std::collections::HashMap;
use std::sync::OnceLock;

/// A CMap stream bigger than this is not read (real ToUnicode maps are a few hundred KB).
pub const MAX_CMAP_BYTES: usize = 8 * 1024 * 1024;
/// At most this many mappings are kept from one CMap.
const MAX_ENTRIES: usize = 400_000;

/// One code space range: codes of `bytes` bytes whose every byte lies between the
/// corresponding bytes of `lo` and `hi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeSpace {
    pub bytes: u8,
    pub lo: u32,
    pub hi: u32,
}

impl CodeSpace {
    fn contains(&self, code: &[u8]) -> bool {
        code.len() == self.bytes as usize
            && code.iter().enumerate().all(|(i, &b)| {
                let shift = 8 * (self.bytes as usize - 1 - i);
                let lo = (self.lo >> shift) as u8;
                let hi = (self.hi >> shift) as u8;
                lo <= b && b <= hi
            })
    }
}

/// What a range maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The first code's CID; the range's codes follow on.
    Cid(u32),
    /// The first code's text as UTF-16 units; the range's codes advance the last unit.
    Text(Vec<u16>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    lo: u32,
    hi: u32,
    target: Target,
}

/// A parsed CMap.
#[derive(Debug, Clone, Default)]
pub struct CMap {
    pub codespaces: Vec<CodeSpace>,
    /// Sorted by `lo`; later definitions of a code win (kept by the parser's order of
    /// insertion into `singles` / the order in `ranges`).
    ranges: Vec<Entry>,
    /// Single codes (bfchar/cidchar), looked up first.
    singles: HashMap<u32, Target>,
    /// A CMap named by `usecmap` (predefined only).
    pub parent: Option<&'static CMap>,
    /// Writing mode: 1 for vertical.
    pub wmode: u8,
    /// Problems met while parsing (damaged syntax, too many entries).
    pub damaged: bool,
}

/// One code read from a string: its value and byte length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    pub value: u32,
    pub bytes: u8,
}

impl CMap {
    /// Splits a string's bytes into codes by the code space ranges; bytes that fit no
    /// range are taken one (or the shortest range's length) at a time.
    pub fn codes(&self, bytes: &[u8]) -> Vec<Code> {
        let spaces: &[CodeSpace] = if self.codespaces.is_empty() {
            self.parent.map_or(&[][..], |p| &p.codespaces)
        } else {
            &self.codespaces
        };
        split_codes(spaces, bytes)
    }

    /// What a code maps to, with the code's offset into its range applied.
    pub fn lookup(&self, code: u32) -> Option<Target> {
        if let Some(t) = self.singles.get(&code) {
            return Some(t.clone());
        }
        let i = self.ranges.partition_point(|e| e.lo <= code);
        // Ranges rarely overlap; look back a little for one that holds the code.
        for e in self.ranges[..i].iter().rev().take(8) {
            if e.lo <= code && code <= e.hi {
                let off = code - e.lo;
                return Some(match &e.target {
                    Target::Cid(c) => Target::Cid(c.saturating_add(off)),
                    Target::Text(units) => {
                        let mut u = units.clone();
                        if let Some(last) = u.last_mut() {
                            *last = last.wrapping_add(off as u16);
                        }
                        Target::Text(u)
                    }
                });
            }
        }
        self.parent.and_then(|p| p.lookup(code))
    }

    /// The CID of a code (encoding CMaps).
    pub fn cid(&self, code: u32) -> Option<u32> {
        match self.lookup(code)? {
            Target::Cid(c) => Some(c),
            Target::Text(_) => None,
        }
    }

    /// The text of a code (ToUnicode CMaps, and the CID → Unicode map).
    pub fn text(&self, code: u32) -> Option<String> {
        match self.lookup(code)? {
            Target::Text(units) => {
                let s: String = char::decode_utf16(units.iter().copied())
                    .map(|r| r.unwrap_or('\u{FFFD}'))
                    .collect();
                Some(s)
            }
            Target::Cid(_) => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty() && self.singles.is_empty() && self.parent.is_none()
    }

    fn push(&mut self, lo: u32, hi: u32, target: Target) {
        if self.ranges.len() + self.singles.len() >= MAX_ENTRIES {
            self.damaged = true;
            return;
        }
        if lo == hi {
            self.singles.insert(lo, target);
        } else if lo < hi {
            self.ranges.push(Entry { lo, hi, target });
        } else {
            self.damaged = true;
        }
    }

    fn finish(&mut self) {
        self.ranges.sort_by_key(|e| e.lo);
    }

    /// Parses a CMap stream. Never fails: what cannot be read is skipped and `damaged` set.
    pub fn parse(data: &[u8]) -> CMap {
        let mut cmap = CMap::default();
        let data = &data[..data.len().min(MAX_CMAP_BYTES)];
        let toks = tokenize(data);
        let mut i = 0;
        let hex = |t: Option<&Tok>| match t {
            Some(Tok::Hex(b)) => Some(b.clone()),
            _ => None,
        };
        while i < toks.len() {
            match &toks[i] {
                Tok::Word(w) if w == "begincodespacerange" => {
                    i += 1;
                    while i + 1 < toks.len() && toks[i] != Tok::Word("endcodespacerange".into()) {
                        match (hex(toks.get(i)), hex(toks.get(i + 1))) {
                            (Some(lo), Some(hi)) if !lo.is_empty() && lo.len() <= 4 => {
                                cmap.codespaces.push(CodeSpace {
                                    bytes: lo.len() as u8,
                                    lo: be(&lo),
                                    hi: be(&hi),
                                });
                                i += 2;
                            }
                            _ => {
                                cmap.damaged = true;
                                i += 1;
                            }
                        }
                    }
                }
                Tok::Word(w) if w == "begincidrange" || w == "beginbfrange" => {
                    let cid = w == "begincidrange";
                    let end = if cid { "endcidrange" } else { "endbfrange" };
                    i += 1;
                    while i < toks.len() && toks[i] != Tok::Word(end.into()) {
                        let (Some(lo), Some(hi)) = (hex(toks.get(i)), hex(toks.get(i + 1))) else {
                            cmap.damaged = true;
                            i += 1;
                            continue;
                        };
                        let (lo, hi) = (be(&lo), be(&hi));
                        match toks.get(i + 2) {
                            Some(Tok::Int(n)) if cid => {
                                cmap.push(lo, hi, Target::Cid(*n));
                                i += 3;
                            }
                            Some(Tok::Hex(dst)) if !cid => {
                                cmap.push(lo, hi, Target::Text(units(dst)));
                                i += 3;
                            }
                            Some(Tok::Open) if !cid => {
                                // <lo> <hi> [<dst> <dst> …]: one destination per code.
                                i += 3;
                                let mut code = lo;
                                while i < toks.len() && toks[i] != Tok::Close {
                                    match &toks[i] {
                                        Tok::Hex(dst) if code <= hi => {
                                            cmap.push(code, code, Target::Text(units(dst)));
                                        }
                                        Tok::Name(n) if code <= hi => {
                                            if let Some(c) = super::glyphs::unicode_of_name(n) {
                                                cmap.push(code, code, Target::Text(utf16(&c)));
                                            }
                                        }
                                        _ => cmap.damaged = true,
                                    }
                                    code = code.saturating_add(1);
                                    i += 1;
                                }
                                i += 1;
                            }
                            _ => {
                                cmap.damaged = true;
                                i += 2;
                            }
                        }
                    }
                }
                Tok::Word(w) if w == "begincidchar" || w == "beginbfchar" => {
                    let cid = w == "begincidchar";
                    let end = if cid { "endcidchar" } else { "endbfchar" };
                    i += 1;
                    while i < toks.len() && toks[i] != Tok::Word(end.into()) {
                        let Some(code) = hex(toks.get(i)) else {
                            cmap.damaged = true;
                            i += 1;
                            continue;
                        };
                        let code = be(&code);
                        match toks.get(i + 1) {
                            Some(Tok::Int(n)) if cid => cmap.push(code, code, Target::Cid(*n)),
                            Some(Tok::Hex(dst)) if !cid => {
                                cmap.push(code, code, Target::Text(units(dst)))
                            }
                            Some(Tok::Name(n)) if !cid => {
                                if let Some(c) = super::glyphs::unicode_of_name(n) {
                                    cmap.push(code, code, Target::Text(utf16(&c)));
                                }
                            }
                            _ => cmap.damaged = true,
                        }
                        i += 2;
                    }
                }
                Tok::Name(n) if n == "WMode" => {
                    if let Some(Tok::Int(m)) = toks.get(i + 1) {
                        cmap.wmode = (*m).min(1) as u8;
                    }
                }
                Tok::Name(n) if toks.get(i + 1) == Some(&Tok::Word("usecmap".into())) => {
                    cmap.parent = predefined(n);
                }
                _ => {}
            }
            i += 1;
        }
        cmap.finish();
        cmap
    }
}

/// Splits bytes into codes by code space ranges (PDF 32000-1 §9.7.6.2): the shortest
/// range that matches the leading bytes wins; bytes no range matches are taken as many
/// as the shortest range is long.
pub fn split_codes(spaces: &[CodeSpace], bytes: &[u8]) -> Vec<Code> {
    let mut out = Vec::with_capacity(bytes.len());
    let min = spaces.iter().map(|s| s.bytes).min().unwrap_or(1).max(1) as usize;
    let mut i = 0;
    while i < bytes.len() {
        let mut taken = None;
        for n in 1..=4usize {
            if i + n > bytes.len() {
                break;
            }
            let code = &bytes[i..i + n];
            if spaces.iter().any(|s| s.contains(code)) {
                taken = Some(n);
                break;
            }
        }
        let n = taken.unwrap_or(min).min(bytes.len() - i);
        out.push(Code {
            value: be(&bytes[i..i + n]),
            bytes: n as u8,
        });
        i += n;
    }
    out
}

/// Big-endian value of up to four bytes.
fn be(b: &[u8]) -> u32 {
    b.iter().take(4).fold(0u32, |acc, &x| (acc << 8) | x as u32)
}

fn units(b: &[u8]) -> Vec<u16> {
    if b.len() == 1 {
        return vec![b[0] as u16];
    }
    b.chunks(2)
        .map(|c| {
            if c.len() == 2 {
                (c[0] as u16) << 8 | c[1] as u16
            } else {
                c[0] as u16
            }
        })
        .collect()
}

fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Hex(Vec<u8>),
    Int(u32),
    Name(String),
    Word(String),
    Open,
    Close,
}

fn tokenize(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    let n = data.len();
    while i < n {
        let c = data[i];
        match c {
            b'%' => {
                while i < n && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' => i += 1,
            b'<' => {
                i += 1;
                let mut digits = Vec::new();
                while i < n && data[i] != b'>' {
                    if data[i].is_ascii_hexdigit() {
                        digits.push(data[i]);
                    }
                    i += 1;
                }
                i += 1;
                if digits.len() % 2 == 1 {
                    digits.push(b'0');
                }
                let bytes = digits
                    .chunks(2)
                    .map(|p| (hexval(p[0]) << 4) | hexval(p[1]))
                    .collect();
                out.push(Tok::Hex(bytes));
            }
            b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'(' => {
                // Strings only appear in the CIDSystemInfo; skip them (with nesting).
                let mut depth = 0usize;
                while i < n {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'/' => {
                i += 1;
                let s = i;
                while i < n && !is_delim(data[i]) {
                    i += 1;
                }
                out.push(Tok::Name(String::from_utf8_lossy(&data[s..i]).into_owned()));
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                let s = i;
                while i < n && !is_delim(data[i]) {
                    i += 1;
                }
                if i == s {
                    i += 1;
                    continue;
                }
                let w = &data[s..i];
                if w.iter().all(u8::is_ascii_digit) {
                    out.push(Tok::Int(
                        std::str::from_utf8(w)
                            .ok()
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(u32::MAX),
                    ));
                } else {
                    out.push(Tok::Word(String::from_utf8_lossy(w).into_owned()));
                }
            }
        }
    }
    out
}

fn is_delim(c: u8) -> bool {
    c.is_ascii_whitespace() || matches!(c, b'<' | b'>' | b'[' | b']' | b'(' | b')' | b'/' | b'%')
}

fn hexval(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

// ------------------------------------------------------------------ predefined tables

static TABLES: &[u8] = include_bytes!("cmaps/adobe-gb1.bin");

struct Predefined {
    encodings: Vec<(String, CMap)>,
    gb1_unicode: CMap,
}

fn tables() -> &'static Predefined {
    static T: OnceLock<Predefined> = OnceLock::new();
    T.get_or_init(|| {
        load_tables(TABLES).unwrap_or(Predefined {
            encodings: Vec::new(),
            gb1_unicode: CMap::default(),
        })
    })
}

/// A predefined encoding CMap by name (the `-V` forms use their `-H` table).
pub fn predefined(name: &str) -> Option<&'static CMap> {
    let h = name.strip_suffix("-V").map(|s| format!("{s}-H"));
    let name = h.as_deref().unwrap_or(name);
    tables()
        .encodings
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, c)| c)
}

/// Whether a name is an Identity CMap.
pub fn is_identity(name: &str) -> bool {
    name == "Identity-H" || name == "Identity-V"
}

/// The Unicode text of an Adobe-GB1 CID.
pub fn gb1_unicode(cid: u32) -> Option<String> {
    if cid == 0 {
        return None;
    }
    tables()
        .gb1_unicode
        .text(cid)
        .filter(|s| !s.is_empty() && s != "\u{FFFD}")
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.data.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }
    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    fn zig(&mut self) -> Option<i64> {
        let v = self.varint()?;
        Some(((v >> 1) as i64) ^ -((v & 1) as i64))
    }
}

fn load_tables(data: &[u8]) -> Option<Predefined> {
    let mut r = Reader {
        data: data.strip_prefix(b"GKCM1\n")?,
        pos: 0,
    };
    let mut out = Predefined {
        encodings: Vec::new(),
        gb1_unicode: CMap::default(),
    };
    for _ in 0..r.varint()? {
        let len = r.varint()? as usize;
        let name = std::str::from_utf8(r.data.get(r.pos..r.pos + len)?)
            .ok()?
            .to_string();
        r.pos += len;
        let kind = r.byte()?;
        let mut cmap = CMap::default();
        for _ in 0..r.varint()? {
            let bytes = r.byte()?;
            let lo = r.varint()? as u32;
            let hi = r.varint()? as u32;
            cmap.codespaces.push(CodeSpace { bytes, lo, hi });
        }
        let (mut lo, mut prev) = (0u32, 0i64);
        let entries = r.varint()?;
        // Room for every entry as a single code at once: growing the map entry by entry
        // rehashed it a hundred times, half of loading the tables.
        cmap.singles.reserve((entries as usize).min(MAX_ENTRIES));
        for _ in 0..entries {
            lo = lo.checked_add(r.varint()? as u32)?;
            let hi = lo.checked_add(r.varint()? as u32)?;
            if kind == 0 {
                let cid = prev + r.zig()?;
                cmap.push(lo, hi, Target::Cid(cid as u32));
                prev = cid + (hi - lo) as i64;
            } else {
                let n = r.varint()? as usize;
                let first = prev + r.zig()?;
                let mut units = vec![first as u16];
                for _ in 1..n {
                    units.push(r.varint()? as u16);
                }
                cmap.push(lo, hi, Target::Text(units));
                prev = first;
            }
        }
        cmap.finish();
        if kind == 0 {
            out.encodings.push((name, cmap));
        } else {
            out.gb1_unicode = cmap;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfchar_bfrange_arrays_and_surrogate_pairs() {
        let cmap = CMap::parse(
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
              1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              3 beginbfchar <0003> <0020> <0010> <4E00> <0011> <D840DC87> endbfchar\n\
              2 beginbfrange <0020> <0022> <0041>\n<0030> <0032> [<8D44> <6599> <00660069>] endbfrange\n\
              1 beginbfrange <0040> <0041> <D83DDE00> endbfrange\n\
              endcmap",
        );
        assert!(!cmap.damaged);
        assert_eq!(cmap.text(3).as_deref(), Some(" "));
        assert_eq!(cmap.text(0x10).as_deref(), Some("一"));
        assert_eq!(cmap.text(0x11).as_deref(), Some("\u{20087}"));
        assert_eq!(cmap.text(0x21).as_deref(), Some("B"));
        assert_eq!(cmap.text(0x31).as_deref(), Some("料"));
        assert_eq!(cmap.text(0x32).as_deref(), Some("fi"));
        assert_eq!(cmap.text(0x41).as_deref(), Some("\u{1F601}"));
        assert_eq!(cmap.text(0x50), None);
    }

    #[test]
    fn codes_split_by_mixed_width_code_spaces() {
        let cmap = CMap::parse(
            b"2 begincodespacerange <00> <80> <8140> <FEFE> endcodespacerange\n\
              1 begincidrange <8140> <8142> 100 endcidrange 1 begincidchar <41> 34 endcidchar",
        );
        let codes = cmap.codes(&[0x41, 0x81, 0x41, 0x81, 0x42, 0xff]);
        let values: Vec<(u32, u8)> = codes.iter().map(|c| (c.value, c.bytes)).collect();
        assert_eq!(values, vec![(0x41, 1), (0x8141, 2), (0x8142, 2), (0xff, 1)]);
        assert_eq!(cmap.cid(0x41), Some(34));
        assert_eq!(cmap.cid(0x8142), Some(102));
    }

    #[test]
    fn broken_cmaps_give_what_they_can() {
        let cmap =
            CMap::parse(b"1 beginbfchar <0001> <0041> <0002> endbfchar 1 beginbfrange <05> ");
        assert!(cmap.damaged);
        assert_eq!(cmap.text(1).as_deref(), Some("A"));
        let empty = CMap::parse(b"\xff\xfe garbage ((( <<");
        assert!(empty.is_empty());
        // A range running backwards is dropped, not expanded.
        let back = CMap::parse(b"1 beginbfrange <0010> <0001> <0041> endbfrange");
        assert!(back.damaged && back.text(5).is_none());
    }

    #[test]
    fn predefined_chinese_cmaps_and_gb1_unicode() {
        // 中 is U+4E2D, GBK D6D0; its Adobe-GB1 CID is 5013 in both.
        let ucs2 = predefined("UniGB-UCS2-H").unwrap();
        let cid = ucs2.cid(0x4E2D).unwrap();
        assert_eq!(gb1_unicode(cid).as_deref(), Some("中"));
        let gbk = predefined("GBK-EUC-H").unwrap();
        assert_eq!(gbk.cid(0xD6D0), Some(cid));
        assert_eq!(predefined("GB-EUC-H").unwrap().cid(0xD6D0), Some(cid));
        assert_eq!(predefined("GBKp-EUC-H").unwrap().cid(0xD6D0), Some(cid));
        assert!(predefined("GBK-EUC-V").is_some());
        let utf16 = predefined("UniGB-UTF16-H").unwrap();
        assert_eq!(utf16.cid(0x4E2D), Some(cid));
        // ASCII digits in GBK-EUC-H are one byte.
        let codes = gbk.codes(b"7\xd6\xd0");
        assert_eq!(codes.len(), 2);
        assert_eq!(
            gb1_unicode(gbk.cid(b'7' as u32).unwrap()).as_deref(),
            Some("7")
        );
    }
}

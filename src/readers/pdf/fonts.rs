//! Fonts: how a shown string's bytes become glyphs — codes, their Unicode text and their
//! advance widths.
//!
//! Text comes from `/ToUnicode` first; without one (or for a code it leaves out) from the
//! font's encoding: `/Differences` glyph names and base encodings for simple fonts, and for
//! Chinese CID fonts the CID through Adobe's Adobe-GB1 map (predefined CMaps such as
//! `UniGB-UCS2-H` or `GBK-EUC-H`, or `Identity-H` with an Adobe-GB1 system info).

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::cmap::{self, CMap, Code};
use super::glyphs::{unicode_of_name, BaseEncoding};
use super::{deref, entry, name_of, num};

/// The most glyph widths kept from one `/W` array.
const MAX_WIDTHS: usize = 200_000;

/// One glyph of a shown string.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// None when the font gives no way to know the character.
    pub text: Option<String>,
    /// Horizontal advance in text space units (a 1000-unit glyph width is 1.0).
    pub width: f64,
    /// A single-byte code 32: word spacing applies to it.
    pub word_space: bool,
}

#[derive(Debug)]
enum Kind {
    Simple {
        /// Glyph widths by code, in glyph space units.
        widths: Vec<Option<f64>>,
        missing_width: f64,
        /// Text by code from the encoding.
        encoding: Vec<Option<String>>,
    },
    Composite {
        cmap: Encoding,
        widths: Vec<(u32, u32, f64)>,
        single_widths: HashMap<u32, f64>,
        default_width: f64,
        /// The CIDs are Adobe-GB1's: Adobe's map gives their Unicode.
        gb1: bool,
    },
}

#[derive(Debug)]
enum Encoding {
    Identity,
    Predefined(&'static CMap),
    Embedded(CMap),
}

#[derive(Debug)]
pub struct Font {
    /// The `/BaseFont` name, for diagnostics.
    pub name: String,
    kind: Kind,
    to_unicode: Option<CMap>,
    /// Writing mode 1 (Identity-V and other -V CMaps).
    pub vertical: bool,
    /// Glyph space to text space: 0.001, or a Type 3 font's `/FontMatrix` scale.
    pub scale: f64,
    /// The em's height in text space units (1, but a Type 3 font's glyph space is its own:
    /// taken from its `/FontBBox` through its `/FontMatrix`).
    pub em: f64,
    /// What was wrong with the font's dictionaries (a damaged ToUnicode, an unknown
    /// encoding), for one diagnostic.
    pub problems: Vec<String>,
    /// Bytes its streams (ToUnicode, an embedded CMap) decompressed to when it was loaded.
    pub decompressed: usize,
}

/// What decompressing a stream that failed may have cost: up to the limit, and no more
/// than deflate can expand its bytes (about 1032 to 1).
pub fn tried(stream: &lopdf::Stream, limit: usize) -> usize {
    limit.min(stream.content.len().saturating_mul(1032))
}

impl Font {
    /// A font whose dictionary could not be read: every glyph is unknown, half an em wide.
    pub fn unknown(name: &str) -> Font {
        Font {
            name: name.to_string(),
            kind: Kind::Simple {
                widths: Vec::new(),
                missing_width: 500.0,
                encoding: vec![None; 256],
            },
            to_unicode: None,
            vertical: false,
            scale: 0.001,
            em: 1.0,
            problems: vec!["the font dictionary could not be read".into()],
            decompressed: 0,
        }
    }

    pub fn load(doc: &Document, dict: &Dictionary, limit: usize) -> Font {
        let name = dict
            .get(b"BaseFont")
            .ok()
            .and_then(|o| name_of(doc, o))
            .unwrap_or("(unnamed)")
            .to_string();
        let subtype = dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| name_of(doc, o))
            .unwrap_or("");
        let mut problems = Vec::new();
        let mut decompressed = 0;
        let to_unicode = entry(doc, dict, b"ToUnicode")
            .and_then(|o| o.as_stream().ok())
            .map(|s| {
                // A stream that fails to decompress is charged what it could have cost.
                decompressed = tried(s, limit.min(cmap::MAX_CMAP_BYTES));
                let data = s
                    .decompressed_content_with_limit(limit.min(cmap::MAX_CMAP_BYTES))
                    .or_else(|_| {
                        if s.filters().map(|f| f.is_empty()).unwrap_or(true) {
                            Ok(s.content.clone())
                        } else {
                            Err(())
                        }
                    });
                match data {
                    Ok(d) => {
                        decompressed = d.len();
                        let c = CMap::parse(&d);
                        if c.damaged {
                            problems.push("its ToUnicode map is damaged".to_string());
                        }
                        c
                    }
                    Err(_) => {
                        problems.push("its ToUnicode map cannot be decompressed".to_string());
                        CMap::default()
                    }
                }
            })
            .filter(|c| !c.is_empty());
        let mut font = if subtype == "Type0" {
            Font::composite(doc, dict, name, to_unicode, problems, limit)
        } else {
            Font::simple(doc, dict, subtype, name, to_unicode, problems)
        };
        font.decompressed += decompressed;
        font
    }

    fn simple(
        doc: &Document,
        dict: &Dictionary,
        subtype: &str,
        name: String,
        to_unicode: Option<CMap>,
        mut problems: Vec<String>,
    ) -> Font {
        let mut scale = 0.001;
        let mut em = 1.0;
        if subtype == "Type3" {
            let numbers = |key: &[u8]| -> Vec<f64> {
                entry(doc, dict, key)
                    .and_then(|o| o.as_array().ok())
                    .map(|m| m.iter().filter_map(|o| num(doc, o)).collect())
                    .unwrap_or_default()
            };
            let matrix = numbers(b"FontMatrix");
            let usable = |v: f64| v.is_finite() && v.abs() > 1e-9 && v.abs() < 1e3;
            if matrix.len() == 6 && usable(matrix[0]) && usable(matrix[3]) {
                scale = matrix[0].abs();
                let d = matrix[3].abs();
                let bbox = numbers(b"FontBBox");
                let height = (bbox.len() == 4).then(|| (bbox[3] - bbox[1]).abs() * d);
                em = match height {
                    Some(h) if (0.3..=3.0).contains(&h) => h,
                    // Glyph space in thousandths (the usual) or in ems.
                    _ if d < 0.1 => d * 1000.0,
                    _ => d,
                }
                .clamp(0.3, 3.0);
            }
        }
        let first = dict
            .get(b"FirstChar")
            .ok()
            .and_then(|o| num(doc, o))
            .unwrap_or(0.0)
            .clamp(0.0, 255.0) as usize;
        let mut widths = vec![None; 256];
        if let Some(ws) = entry(doc, dict, b"Widths").and_then(|o| o.as_array().ok()) {
            for (i, w) in ws.iter().enumerate().take(256) {
                if first + i < 256 {
                    widths[first + i] = num(doc, w).filter(|w| w.is_finite());
                }
            }
        }
        let descriptor = entry(doc, dict, b"FontDescriptor").and_then(|o| o.as_dict().ok());
        let missing_width = descriptor
            .and_then(|d| d.get(b"MissingWidth").ok())
            .and_then(|o| num(doc, o))
            .filter(|w| *w > 0.0)
            .unwrap_or(if name.contains("Courier") {
                600.0
            } else if subtype == "Type3" {
                0.0
            } else {
                500.0
            });

        // The encoding: a base encoding, then /Differences.
        let enc_obj = entry(doc, dict, b"Encoding");
        let mut base = BaseEncoding::Standard;
        if subtype == "TrueType" {
            base = BaseEncoding::WinAnsi;
        }
        let mut differences: Vec<(usize, String)> = Vec::new();
        match enc_obj {
            Some(Object::Name(n)) => {
                let n = String::from_utf8_lossy(n);
                match BaseEncoding::from_name(&n) {
                    Some(b) => base = b,
                    None => problems.push(format!("unknown encoding /{n}")),
                }
            }
            Some(Object::Dictionary(d)) => {
                if let Some(b) = d
                    .get(b"BaseEncoding")
                    .ok()
                    .and_then(|o| name_of(doc, o))
                    .and_then(BaseEncoding::from_name)
                {
                    base = b;
                }
                if let Some(diffs) = entry(doc, d, b"Differences").and_then(|o| o.as_array().ok()) {
                    let mut code = 0usize;
                    for o in diffs {
                        match o {
                            Object::Integer(i) => code = (*i).clamp(0, 256) as usize,
                            Object::Name(n) => {
                                if code < 256 {
                                    differences.push((code, String::from_utf8_lossy(n).into()));
                                }
                                code += 1;
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
        let mut encoding: Vec<Option<String>> = (0..=255u8)
            .map(|c| base.char_of(c).map(String::from))
            .collect();
        for (code, glyph) in differences {
            encoding[code] = unicode_of_name(&glyph);
        }
        Font {
            name,
            kind: Kind::Simple {
                widths,
                missing_width,
                encoding,
            },
            to_unicode,
            vertical: false,
            scale,
            em,
            problems,
            decompressed: 0,
        }
    }

    fn composite(
        doc: &Document,
        dict: &Dictionary,
        name: String,
        to_unicode: Option<CMap>,
        mut problems: Vec<String>,
        limit: usize,
    ) -> Font {
        let mut decompressed = 0;
        let mut vertical = false;
        let cmap = match entry(doc, dict, b"Encoding") {
            Some(Object::Name(n)) => {
                let n = String::from_utf8_lossy(n).into_owned();
                vertical = n.ends_with("-V");
                if cmap::is_identity(&n) {
                    Encoding::Identity
                } else if let Some(c) = cmap::predefined(&n) {
                    Encoding::Predefined(c)
                } else {
                    problems.push(format!("predefined CMap /{n} is not known"));
                    Encoding::Identity
                }
            }
            Some(Object::Stream(s)) => {
                let cap = limit.min(cmap::MAX_CMAP_BYTES);
                let data = match s.decompressed_content_with_limit(cap) {
                    Ok(d) => {
                        decompressed = d.len();
                        d
                    }
                    Err(_) => {
                        decompressed = tried(s, cap);
                        s.content.clone()
                    }
                };
                let c = CMap::parse(&data);
                vertical = c.wmode == 1;
                if c.damaged {
                    problems.push("its encoding CMap is damaged".into());
                }
                Encoding::Embedded(c)
            }
            _ => {
                problems.push("it has no encoding".into());
                Encoding::Identity
            }
        };
        let descendant = entry(doc, dict, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        let mut widths = Vec::new();
        let mut single_widths = HashMap::new();
        let mut default_width = 1000.0;
        let mut gb1 = false;
        if let Some(d) = descendant {
            default_width = d
                .get(b"DW")
                .ok()
                .and_then(|o| num(doc, o))
                .filter(|w| w.is_finite())
                .unwrap_or(1000.0);
            if let Some(w) = entry(doc, d, b"W").and_then(|o| o.as_array().ok()) {
                parse_w(doc, w, &mut widths, &mut single_widths);
            }
            gb1 = entry(doc, d, b"CIDSystemInfo")
                .and_then(|o| o.as_dict().ok())
                .and_then(|si| entry(doc, si, b"Ordering"))
                .and_then(|o| o.as_str().ok())
                .is_some_and(|o| o == b"GB1");
        }
        if matches!(cmap, Encoding::Predefined(_)) {
            gb1 = true;
        }
        widths.sort_by_key(|w| w.0);
        Font {
            name,
            kind: Kind::Composite {
                cmap,
                widths,
                single_widths,
                default_width,
                gb1,
            },
            to_unicode,
            vertical,
            scale: 0.001,
            em: 1.0,
            problems,
            decompressed,
        }
    }

    /// The glyphs of a shown string.
    pub fn decode(&self, bytes: &[u8]) -> Vec<Glyph> {
        match &self.kind {
            Kind::Simple {
                widths,
                missing_width,
                encoding,
            } => bytes
                .iter()
                .map(|&b| {
                    let code = b as u32;
                    let text = self
                        .unicode(code)
                        .or_else(|| encoding.get(b as usize).cloned().flatten());
                    let w = widths
                        .get(b as usize)
                        .copied()
                        .flatten()
                        .unwrap_or(*missing_width);
                    Glyph {
                        text,
                        width: w * self.scale,
                        word_space: b == 32,
                    }
                })
                .collect(),
            Kind::Composite {
                cmap,
                widths,
                single_widths,
                default_width,
                gb1,
            } => {
                let codes: Vec<Code> = match cmap {
                    Encoding::Identity => bytes
                        .chunks(2)
                        .map(|c| Code {
                            value: c.iter().fold(0, |a, &b| (a << 8) | b as u32),
                            bytes: c.len() as u8,
                        })
                        .collect(),
                    Encoding::Predefined(c) => c.codes(bytes),
                    Encoding::Embedded(c) => c.codes(bytes),
                };
                codes
                    .into_iter()
                    .map(|code| {
                        let cid = match cmap {
                            Encoding::Identity => Some(code.value),
                            Encoding::Predefined(c) => c.cid(code.value),
                            Encoding::Embedded(c) => c.cid(code.value),
                        };
                        let text = self.unicode(code.value).or_else(|| {
                            let cid = cid?;
                            if *gb1 {
                                cmap::gb1_unicode(cid)
                            } else {
                                None
                            }
                        });
                        let w = cid
                            .and_then(|cid| {
                                single_widths.get(&cid).copied().or_else(|| {
                                    let i = widths.partition_point(|r| r.0 <= cid);
                                    widths[..i]
                                        .iter()
                                        .rev()
                                        .take(4)
                                        .find(|r| r.0 <= cid && cid <= r.1)
                                        .map(|r| r.2)
                                })
                            })
                            .unwrap_or(*default_width);
                        Glyph {
                            text,
                            width: w * self.scale,
                            word_space: code.bytes == 1 && code.value == 32,
                        }
                    })
                    .collect()
            }
        }
    }

    fn unicode(&self, code: u32) -> Option<String> {
        self.to_unicode
            .as_ref()?
            .text(code)
            .filter(|s| !s.is_empty() && !s.chars().all(|c| c == '\0'))
    }
}

/// `/W [c [w1 w2 …] cfirst clast w …]`.
fn parse_w(
    doc: &Document,
    w: &[Object],
    ranges: &mut Vec<(u32, u32, f64)>,
    singles: &mut HashMap<u32, f64>,
) {
    let mut i = 0;
    while i < w.len() && singles.len() + ranges.len() < MAX_WIDTHS {
        let Some(first) = num(doc, &w[i]) else {
            i += 1;
            continue;
        };
        let first = first.max(0.0) as u32;
        match w.get(i + 1).and_then(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, o) in list.iter().enumerate().take(MAX_WIDTHS) {
                    if let Some(v) = num(doc, o) {
                        singles.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = num(doc, o).map(|v| v.max(0.0) as u32);
                let width = w.get(i + 2).and_then(|o| num(doc, o));
                if let (Some(last), Some(width)) = (last, width) {
                    if last >= first {
                        ranges.push((first, last, width));
                    }
                }
                i += 3;
            }
            None => break,
        }
    }
}

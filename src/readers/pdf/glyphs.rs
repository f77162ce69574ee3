//! Simple-font encodings: the base encodings a font may name and the glyph names a
//! `/Differences` array uses, mapped to Unicode.

/// The base encodings of simple fonts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    Standard,
    WinAnsi,
    MacRoman,
}

impl BaseEncoding {
    pub fn from_name(name: &str) -> Option<BaseEncoding> {
        match name {
            "StandardEncoding" => Some(BaseEncoding::Standard),
            "WinAnsiEncoding" | "PDFDocEncoding" => Some(BaseEncoding::WinAnsi),
            "MacRomanEncoding" | "MacExpertEncoding" => Some(BaseEncoding::MacRoman),
            _ => None,
        }
    }

    /// The character a code stands for in this encoding (None: no glyph there).
    pub fn char_of(self, code: u8) -> Option<char> {
        if code < 0x20 {
            return None;
        }
        match self {
            BaseEncoding::Standard => match code {
                0x27 => Some('\u{2019}'),
                0x60 => Some('\u{2018}'),
                0x20..=0x7e => Some(code as char),
                _ => latin1_high(code),
            },
            BaseEncoding::WinAnsi => single_byte(encoding_rs::WINDOWS_1252, code),
            BaseEncoding::MacRoman => single_byte(encoding_rs::MACINTOSH, code),
        }
    }
}

/// The character one byte stands for in a single-byte encoding (None: none there).
fn single_byte(encoding: &'static encoding_rs::Encoding, code: u8) -> Option<char> {
    let bytes = [code];
    let (s, _, bad) = encoding.decode(&bytes);
    if bad {
        None
    } else {
        s.chars().next()
    }
}

fn latin1_high(code: u8) -> Option<char> {
    (code >= 0xa0).then_some(code as char)
}

/// The Unicode text of a glyph name: `uniXXXX`, `uXXXXX`, the Adobe Glyph List names of
/// ASCII and common punctuation, and single-letter names.
pub fn unicode_of_name(name: &str) -> Option<String> {
    let base = name.split('.').next().unwrap_or(name);
    if let Some(hex) = base.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let units: Vec<u16> = (0..hex.len())
                .step_by(4)
                .filter_map(|i| u16::from_str_radix(&hex[i..i + 4], 16).ok())
                .collect();
            return String::from_utf16(&units).ok();
        }
    }
    if let Some(hex) = base.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return u32::from_str_radix(hex, 16)
                .ok()
                .and_then(char::from_u32)
                .map(String::from);
        }
    }
    if base.len() == 1 && base.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(base.to_string());
    }
    let c = match base {
        "space" | "nbspace" => ' ',
        "exclam" => '!',
        "quotedbl" => '"',
        "numbersign" => '#',
        "dollar" => '$',
        "percent" => '%',
        "ampersand" => '&',
        "quotesingle" => '\'',
        "quoteright" => '\u{2019}',
        "quoteleft" => '\u{2018}',
        "quotedblleft" => '\u{201C}',
        "quotedblright" => '\u{201D}',
        "parenleft" => '(',
        "parenright" => ')',
        "asterisk" => '*',
        "plus" => '+',
        "comma" => ',',
        "hyphen" | "minus" => '-',
        "period" => '.',
        "slash" => '/',
        "zero" => '0',
        "one" => '1',
        "two" => '2',
        "three" => '3',
        "four" => '4',
        "five" => '5',
        "six" => '6',
        "seven" => '7',
        "eight" => '8',
        "nine" => '9',
        "colon" => ':',
        "semicolon" => ';',
        "less" => '<',
        "equal" => '=',
        "greater" => '>',
        "question" => '?',
        "at" => '@',
        "bracketleft" => '[',
        "backslash" => '\\',
        "bracketright" => ']',
        "asciicircum" => '^',
        "underscore" => '_',
        "grave" => '`',
        "braceleft" => '{',
        "bar" => '|',
        "braceright" => '}',
        "asciitilde" => '~',
        "bullet" => '\u{2022}',
        "endash" => '\u{2013}',
        "emdash" => '\u{2014}',
        "ellipsis" => '\u{2026}',
        "periodcentered" | "middot" => '\u{00B7}',
        "degree" => '\u{00B0}',
        "multiply" => '\u{00D7}',
        "divide" => '\u{00F7}',
        "section" => '\u{00A7}',
        "copyright" => '\u{00A9}',
        "registered" => '\u{00AE}',
        "trademark" => '\u{2122}',
        "fi" => return Some("fi".into()),
        "fl" => return Some("fl".into()),
        _ => return None,
    };
    Some(c.to_string())
}

/// The ideograph a radical code point stands for when a font maps the ideograph's glyph
/// to it (the same glyph serves both; Skia and cairo then write the radical, the first code
/// point the font's cmap lists). Kangxi radicals by their compatibility mapping; radicals of
/// the supplement that are whole characters by Unicode's equivalent unified ideograph.
pub fn ideograph_of_radical(c: char) -> Option<char> {
    use unicode_normalization::UnicodeNormalization;
    match c as u32 {
        0x2F00..=0x2FD5 => std::iter::once(c).nfkc().next(),
        cp => SUPPLEMENT.iter().find(|(r, _)| *r == cp).map(|&(_, i)| i),
    }
}

/// CJK Radicals Supplement code points that are whole characters.
const SUPPLEMENT: &[(u32, char)] = &[
    (0x2E9F, '母'),
    (0x2EA0, '民'),
    (0x2EC4, '西'),
    (0x2EC5, '见'),
    (0x2EC6, '角'),
    (0x2EC9, '贝'),
    (0x2ECB, '车'),
    (0x2ED3, '长'),
    (0x2ED4, '门'),
    (0x2ED8, '青'),
    (0x2ED9, '韦'),
    (0x2EDA, '页'),
    (0x2EDB, '风'),
    (0x2EDC, '飞'),
    (0x2EDD, '食'),
    (0x2EE2, '马'),
    (0x2EE3, '骨'),
    (0x2EE4, '鬼'),
    (0x2EE5, '鱼'),
    (0x2EE6, '鸟'),
    (0x2EE7, '卤'),
    (0x2EE8, '麦'),
    (0x2EE9, '黄'),
    (0x2EEC, '齐'),
    (0x2EEE, '齿'),
    (0x2EF0, '龙'),
    (0x2EF3, '龟'),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names_and_base_encodings() {
        assert_eq!(unicode_of_name("uni4E2D").as_deref(), Some("中"));
        assert_eq!(unicode_of_name("uni4E2D4E00").as_deref(), Some("中一"));
        assert_eq!(unicode_of_name("u20087").as_deref(), Some("\u{20087}"));
        assert_eq!(unicode_of_name("seven").as_deref(), Some("7"));
        assert_eq!(unicode_of_name("a.sc").as_deref(), Some("a"));
        assert_eq!(unicode_of_name("g123"), None);
        assert_eq!(BaseEncoding::WinAnsi.char_of(0x93), Some('\u{201C}'));
        assert_eq!(BaseEncoding::Standard.char_of(0x27), Some('\u{2019}'));
        assert_eq!(BaseEncoding::MacRoman.char_of(0x41), Some('A'));
    }

    #[test]
    fn radicals_read_as_the_ideographs_they_draw() {
        let fixed: String = "⼈⺠政府⼯作⻓"
            .chars()
            .map(|c| ideograph_of_radical(c).unwrap_or(c))
            .collect();
        assert_eq!(fixed, "人民政府工作长");
        assert_eq!(ideograph_of_radical('氵'), None);
        assert_eq!(ideograph_of_radical('\u{2EA1}'), None);
    }
}

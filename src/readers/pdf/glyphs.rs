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
            BaseEncoding::WinAnsi => {
                let bytes = [code];
                let (s, _, bad) = encoding_rs::WINDOWS_1252.decode(&bytes);
                if bad {
                    None
                } else {
                    s.chars().next()
                }
            }
            BaseEncoding::MacRoman => {
                let bytes = [code];
                let (s, _, bad) = encoding_rs::MACINTOSH.decode(&bytes);
                if bad {
                    None
                } else {
                    s.chars().next()
                }
            }
        }
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
}

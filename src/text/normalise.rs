//! NFKC as the recogniser compares text: full-width digits and letters fold to ASCII,
//! compatibility ideographs to their unified forms. Nearly every char of a report is
//! already stable, so those skip the normaliser.

use unicode_normalization::UnicodeNormalization;

/// Characters NFKC leaves alone, checked without the normaliser: ASCII and the CJK
/// ideographs and punctuation that make up nearly all of a report.
pub fn nfkc_stable(c: char) -> bool {
    c.is_ascii()
        || matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '。' | '、' | '“' | '”' | '《' | '》' | '〔' | '〕' | '【' | '】')
}

/// The NFKC form of a char that folds to one char without the normaliser: the stable
/// chars themselves, and the full-width forms (`（`, `，`, `２`) of ASCII.
pub fn fold_simple(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '\u{3000}' => Some(' '),
        _ if nfkc_stable(c) => Some(c),
        _ => None,
    }
}

/// `text` in NFKC with all whitespace removed: the form labels, titles and prose
/// patterns are matched in.
pub fn squeezed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Text that needs no change is copied in runs; `kept` is where the current run began.
    let mut kept = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        // A simple char folds alone unless a combining mark may follow it.
        let next_simple = chars.peek().is_none_or(|&(_, n)| fold_simple(n).is_some());
        if next_simple && nfkc_stable(c) && !c.is_whitespace() {
            continue;
        }
        out.push_str(&text[kept..i]);
        match fold_simple(c) {
            Some(f) if next_simple => {
                if !f.is_whitespace() {
                    out.push(f);
                }
                kept = i + c.len_utf8();
            }
            _ => {
                // Up to the next stable char: stable chars are starters that compose with
                // nothing before them.
                let mut end = text.len();
                while let Some(&(k, n)) = chars.peek() {
                    if nfkc_stable(n) {
                        end = k;
                        break;
                    }
                    chars.next();
                }
                out.extend(text[i..end].nfkc().filter(|c| !c.is_whitespace()));
                kept = end;
            }
        }
    }
    out.push_str(&text[kept..]);
    out
}

/// Runs of white space become one space, none left at the ends (how HTML and the prose of
/// sections read text). Built word by word into one string, without a list of words.
pub fn collapsed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squeezed_equals_nfkc_without_whitespace() {
        for text in [
            "",
            "规范性文件 　8 9",
            "２０２３年 度",
            "（一）行政许可",
            "e\u{301}t\u{e9} ⼀件",
            "Ａ\u{3000}Ｂ\u{0308}c",
            "一、总体情况\n\t本年",
        ] {
            let expected: String = text.nfkc().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(squeezed(text), expected, "{text:?}");
        }
    }

    #[test]
    fn squeezed_equals_nfkc_on_mixed_runs() {
        // Every sequence of up to four chars from a pool mixing stable chars, combining
        // marks, Hangul jamo and compatibility forms.
        let pool = [
            'a', '一', '。', ' ', '\u{301}', '\u{308}', '\u{1100}', '\u{1161}', '\u{11A8}', '（',
            '２', '⼀', 'ﬁ', '\u{3000}',
        ];
        let mut text = String::new();
        for n in 0..pool.len().pow(4) {
            text.clear();
            let mut k = n;
            for _ in 0..4 {
                text.push(pool[k % pool.len()]);
                k /= pool.len();
            }
            let expected: String = text.nfkc().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(squeezed(&text), expected, "{text:?}");
        }
    }
}

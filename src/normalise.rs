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

/// `text` in NFKC with all whitespace removed: the form labels, titles and prose
/// patterns are matched in.
pub fn squeezed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // A run of stable chars is copied, except its last char when an unstable one
        // follows: that char may be the starter a combining mark composes with.
        let unstable = rest
            .char_indices()
            .find(|&(_, c)| !nfkc_stable(c))
            .map_or(rest.len(), |(i, _)| i);
        let copied = if unstable == rest.len() {
            unstable
        } else {
            rest[..unstable].char_indices().last().map_or(0, |(i, _)| i)
        };
        out.extend(rest[..copied].chars().filter(|c| !c.is_whitespace()));
        rest = &rest[copied..];
        // Normalise up to the next stable char after the unstable run; stable chars are
        // starters, so nothing after one composes with what came before it.
        let next_stable = rest
            .char_indices()
            .skip(1)
            .find(|&(i, c)| i >= unstable - copied && nfkc_stable(c))
            .map_or(rest.len(), |(i, _)| i);
        out.extend(rest[..next_stable].nfkc().filter(|c| !c.is_whitespace()));
        rest = &rest[next_stable..];
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

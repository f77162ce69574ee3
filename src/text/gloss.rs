//! Pinyin glosses that some mirror sites insert after characters (`規(guī)章`,
//! `行政事業(yè)性收費(fèi)`): read past for matching, kept in the text written out.

use std::borrow::Cow;

/// The longest gloss read (`(zhuàng)` is 8 characters).
const LONGEST: usize = 8;

fn is_han(c: char) -> bool {
    ('\u{3400}'..='\u{9FFF}').contains(&c) || ('\u{F900}'..='\u{FAFF}').contains(&c)
}

fn is_toned(c: char) -> bool {
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü".contains(c)
}

/// The length in characters of the gloss starting at `chars[i]`, when one does: an opening
/// parenthesis right after a Han character, one syllable of lower-case Latin letters with
/// at least one tone mark (so `(a)` or `(万元)` never are), a closing parenthesis.
pub fn gloss_at(chars: &[char], i: usize) -> Option<usize> {
    if i == 0 || !is_han(chars[i - 1]) || !matches!(chars[i], '(' | '（') {
        return None;
    }
    let syllable = chars[i + 1..]
        .iter()
        .take(LONGEST)
        .take_while(|c| c.is_ascii_lowercase() || is_toned(**c))
        .count();
    let close = chars.get(i + 1 + syllable)?;
    let toned = chars[i + 1..i + 1 + syllable].iter().any(|&c| is_toned(c));
    (syllable > 0 && toned && matches!(close, ')' | '）')).then_some(syllable + 2)
}

/// `text` without its glosses (borrowed when it has none).
pub fn without_glosses(text: &str) -> Cow<'_, str> {
    if !text.contains(['(', '（']) {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut any = false;
    while i < chars.len() {
        match gloss_at(&chars, i) {
            Some(n) => {
                i += n;
                any = true;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    if any {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glosses_after_characters_are_read_past() {
        assert_eq!(without_glosses("行政事業(yè)性收費(fèi)"), "行政事業性收費");
        assert_eq!(without_glosses("規(guī)章"), "規章");
        assert_eq!(without_glosses("收費（fèi）"), "收費");
    }

    #[test]
    fn parentheses_that_are_no_gloss_stay() {
        for text in [
            "金额(万元)",
            "第二十条第(一)项",
            "文件(a)",
            "(yè)开头",
            "事(ye)",
            "A(yè)",
        ] {
            assert_eq!(without_glosses(text), text);
        }
    }
}

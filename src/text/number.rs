//! Cell values: what a printed cell means as a number (spec §7.5, §8 step 4).

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::template::ValueKind;

/// What one printed cell holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellText {
    Value {
        value: String,
        unit: Option<String>,
    },
    Blank,
    /// Not a number; the reason says why.
    Invalid(String),
}

/// Units a cell may print after its number (longest first): money, and the words counts
/// are written with (`31批次` purchases).
pub const UNITS: &[&str] = &["万元", "批次", "元", "件", "个", "项", "条"];

/// Printed forms of an empty cell.
const BLANKS: &[&str] = &["", "-", "—", "——", "–", "/", "无", "－", "/"];

/// Words a 本年增/减 cell prints for no change at all (`未增未减`: neither up nor down): the
/// value 0. Only that column counts a change; in any other a word is no number.
const NO_CHANGE: &[&str] = &["未增未减", "无增减", "无变化", "未变化"];

/// Longest integer part accepted; longer runs are not counts anyone printed.
const MAX_DIGITS: usize = 20;

/// The unit `text` names, exactly (`万元` in a header's `(万元)`).
pub fn unit_named(text: &str) -> Option<&'static str> {
    UNITS.iter().copied().find(|u| *u == text)
}

/// True for the printed forms of an empty cell.
pub fn is_blank(text: &str) -> bool {
    BLANKS.contains(&text.trim())
}

/// True for a word that says a change count is zero (`未增未减`).
pub fn is_no_change(text: &str) -> bool {
    NO_CHANGE.contains(&text.trim())
}

/// The zero-change word starting `chars[i..]`, if one does: how many characters it has.
pub fn no_change_at(chars: &[char]) -> Option<usize> {
    // Compared a character at a time, without counting each word's characters first: the
    // recogniser asks at every character of a table's text.
    NO_CHANGE.iter().find_map(|w| {
        let mut n = 0;
        for c in w.chars() {
            if chars.get(n) != Some(&c) {
                return None;
            }
            n += 1;
        }
        Some(n)
    })
}

/// Splits a trailing unit off a number's text.
pub fn split_unit(text: &str) -> (&str, Option<&'static str>) {
    for u in UNITS {
        if let Some(n) = text.strip_suffix(u) {
            return (n.trim_end(), Some(u));
        }
    }
    (text, None)
}

/// Parses one cell's NFKC-normalised text.
pub fn parse_cell(text: &str, kind: ValueKind) -> CellText {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if is_blank(&text) {
        return CellText::Blank;
    }
    if is_no_change(&text) {
        return match kind {
            ValueKind::Signed => CellText::Value {
                value: "0".into(),
                unit: None,
            },
            _ => CellText::Invalid(format!(
                "{text:?} says nothing changed; only a 本年增/减 cell counts a change"
            )),
        };
    }
    let (number, unit) = split_unit(&text);
    match normalise(number) {
        Some(value) => {
            if kind != ValueKind::Amount && value.contains('.') {
                return CellText::Invalid(format!(
                    "{text:?} has a fraction; this column counts whole items"
                ));
            }
            CellText::Value {
                value,
                unit: unit.map(str::to_string),
            }
        }
        None => CellText::Invalid(format!("{text:?} is not a number")),
    }
}

/// Normalises a decimal's text: optional sign, digits with optional thousands separators,
/// optional fraction → `-185`, `7730.28`, `0`. None when it is not such a number. The sign
/// of a 本年增/减 cell may be written as a word: `增10` is +10, `减4` is −4.
pub fn normalise(text: &str) -> Option<String> {
    let (negative, rest) = if let Some(r) = text.strip_prefix('减') {
        (true, r)
    } else if let Some(r) = text.strip_prefix('增') {
        (false, r)
    } else {
        match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        }
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let int = strip_thousands(int)?;
    if int.is_empty() || int.len() > MAX_DIGITS || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = match frac {
        Some(f)
            if f.is_empty() || f.len() > MAX_DIGITS || !f.bytes().all(|b| b.is_ascii_digit()) =>
        {
            return None
        }
        Some(f) => f.trim_end_matches('0'),
        None => "",
    };
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let mut out = String::with_capacity(int.len() + frac.len() + 2);
    if negative && !(int == "0" && frac.is_empty()) {
        out.push('-');
    }
    out.push_str(int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
}

/// `1,234,567` → `1234567`; a comma anywhere else makes it no number.
fn strip_thousands(int: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !int.contains(',') {
        return Some(int.into());
    }
    let groups: Vec<&str> = int.split(',').collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    if first_ok && groups[1..].iter().all(|g| g.len() == 3) {
        Some(groups.concat().into())
    } else {
        None
    }
}

/// A normalised value as a decimal for arithmetic (None if it does not fit).
pub fn decimal(value: &str) -> Option<Decimal> {
    Decimal::from_str(value).ok()
}

/// Formats a computed sum the way values are written.
pub fn format_decimal(d: Decimal) -> String {
    let s = d.normalize().to_string();
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_change_word_is_found_at_the_start_only() {
        let chars = |s: &str| s.chars().collect::<Vec<char>>();
        assert_eq!(no_change_at(&chars("无增减 5")), Some(3));
        assert_eq!(no_change_at(&chars("未增未减")), Some(4));
        assert_eq!(no_change_at(&chars("无增")), None);
        assert_eq!(no_change_at(&chars("5无变化")), None);
        assert_eq!(no_change_at(&[]), None);
    }

    fn value(v: &str, unit: Option<&str>) -> CellText {
        CellText::Value {
            value: v.into(),
            unit: unit.map(str::to_string),
        }
    }

    #[test]
    fn numbers_normalise() {
        assert_eq!(normalise("0"), Some("0".into()));
        assert_eq!(normalise("007"), Some("7".into()));
        assert_eq!(normalise("-18"), Some("-18".into()));
        assert_eq!(normalise("+1036"), Some("1036".into()));
        assert_eq!(normalise("-0"), Some("0".into()));
        assert_eq!(normalise("7730.280"), Some("7730.28".into()));
        assert_eq!(normalise("5.00"), Some("5".into()));
        assert_eq!(normalise("1,234,567"), Some("1234567".into()));
        assert_eq!(normalise("12,34"), None);
        assert_eq!(normalise("1.2.3"), None);
        assert_eq!(normalise("."), None);
        assert_eq!(normalise("-"), None);
        assert_eq!(normalise("12a"), None);
        assert_eq!(normalise(&"9".repeat(21)), None);
        assert_eq!(normalise("增10"), Some("10".into()));
        assert_eq!(normalise("减4"), Some("-4".into()));
        assert_eq!(normalise("增"), None);
        assert_eq!(normalise("增-4"), None);
    }

    #[test]
    fn cells_parse_with_units_and_blanks() {
        assert_eq!(
            parse_cell("251000元", ValueKind::Amount),
            value("251000", Some("元"))
        );
        assert_eq!(
            parse_cell("75394432.52元", ValueKind::Amount),
            value("75394432.52", Some("元"))
        );
        assert_eq!(
            parse_cell("24252.311082", ValueKind::Amount),
            value("24252.311082", None)
        );
        assert_eq!(parse_cell(" 4 ", ValueKind::Count), value("4", None));
        assert_eq!(
            parse_cell("31批次", ValueKind::Count),
            value("31", Some("批次"))
        );
        assert_eq!(parse_cell("-15", ValueKind::Signed), value("-15", None));
        for blank in ["", " ", "-", "—", "/", "无"] {
            assert_eq!(
                parse_cell(blank, ValueKind::Count),
                CellText::Blank,
                "{blank:?}"
            );
        }
        assert!(matches!(
            parse_cell("1.5", ValueKind::Count),
            CellText::Invalid(_)
        ));
        assert!(matches!(
            parse_cell("abc", ValueKind::Count),
            CellText::Invalid(_)
        ));
    }

    /// `未增未减` and its like are 0 in the one column that counts a change, no number in
    /// any other.
    #[test]
    fn words_for_no_change_are_zero_changes() {
        for word in ["未增未减", "无增减", "无变化", "未变化", " 未增未减 "] {
            assert_eq!(
                parse_cell(word, ValueKind::Signed),
                value("0", None),
                "{word}"
            );
            for kind in [ValueKind::Count, ValueKind::Amount] {
                assert!(
                    matches!(parse_cell(word, kind), CellText::Invalid(_)),
                    "{word}"
                );
            }
        }
        for not_zero in ["未增", "增减", "变化"] {
            assert!(matches!(
                parse_cell(not_zero, ValueKind::Signed),
                CellText::Invalid(_)
            ));
        }
    }

    #[test]
    fn decimals_format_like_values() {
        let d = decimal("10.50").unwrap() + decimal("0.5").unwrap();
        assert_eq!(format_decimal(d), "11");
        assert_eq!(
            format_decimal(decimal("-3").unwrap() + decimal("3").unwrap()),
            "0"
        );
    }
}

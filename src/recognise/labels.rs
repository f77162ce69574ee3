//! Matching printed row labels to template rows (spec §8 steps 2–3): by distinctive
//! keyword, whitespace and annotations ignored, typos survived by keyword choice, and the
//! numbering level (一、 / （一） / 1.) used to tell 其他处理 from 3.其他.

use crate::template::RowDef;

/// A label as matching sees it: no whitespace, no quotes, no parenthesised annotations
/// (`（区分处理的，只计这一情形…）`, `(指2019年事项数)`), numbering kept. Input is NFKC text.
pub fn clean_label(text: &str) -> String {
    let squeezed: Vec<char> = text
        .chars()
        .filter(|c| {
            !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '\'' | '‘' | '’' | '「' | '」')
        })
        .collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < squeezed.len() {
        if squeezed[i] == '(' {
            let close = squeezed[i + 1..]
                .iter()
                .position(|&c| c == ')')
                .map(|p| i + 1 + p);
            let inner = close.map_or(squeezed.len() - i - 1, |c| c - i - 1);
            // (一), (1): numbering, kept. Anything longer is an annotation, dropped; an
            // unclosed one (a label cut by wrapping) runs to the end.
            if inner > 2 {
                i = close.map_or(squeezed.len(), |c| c + 1);
                continue;
            }
        }
        out.push(squeezed[i]);
        i += 1;
    }
    out
}

/// A numbering marker in a cleaned label: where it lies and its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Marker {
    start: usize,
    end: usize,
    level: u8,
}

/// The numerals of row numbering (一、, （三）): the writing of lists, not a template's labels.
pub(crate) const CJK_NUMERALS: &str = "一二三四五六七八九十";

fn markers(label: &str) -> Vec<Marker> {
    let chars: Vec<(usize, char)> = label.char_indices().collect();
    let is_num = |c: char| CJK_NUMERALS.contains(c);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        // (一) … (十)
        if c == '(' {
            let mut k = i + 1;
            while k < chars.len() && (is_num(chars[k].1) || chars[k].1.is_ascii_digit()) {
                k += 1;
            }
            if k > i + 1 && k < chars.len() && chars[k].1 == ')' {
                out.push(Marker {
                    start,
                    end: chars[k].0 + 1,
                    level: 1,
                });
                i = k + 1;
                continue;
            }
        }
        // 一、  and  1. / 1、
        if is_num(c) || c.is_ascii_digit() {
            let digit = c.is_ascii_digit();
            let mut k = i + 1;
            while k < chars.len()
                && (if digit {
                    chars[k].1.is_ascii_digit()
                } else {
                    is_num(chars[k].1)
                })
            {
                k += 1;
            }
            let sep = chars.get(k).map(|&(_, c)| c);
            let next_is_digit = chars.get(k + 1).is_some_and(|&(_, c)| c.is_ascii_digit());
            let ok = if digit {
                matches!(sep, Some('.' | '、')) && !next_is_digit
            } else {
                sep == Some('、')
            };
            if ok && k - i <= 2 {
                out.push(Marker {
                    start,
                    end: chars[k].0 + chars[k].1.len_utf8(),
                    level: if digit { 2 } else { 0 },
                });
                i = k + 1;
                continue;
            }
            i = k;
            continue;
        }
        i += 1;
    }
    out
}

/// Whether a cleaned label carries numbering (`一、`, `（七）`, `2.`): a row label does,
/// a column header does not.
pub fn numbered(label: &str) -> bool {
    !markers(label).is_empty()
}

/// Whether a cleaned label opens with numbering (`4.保护第三`, cut after its numbering and
/// a few words, still starts a row).
pub fn starts_numbered(label: &str) -> bool {
    markers(label).first().is_some_and(|m| m.start == 0)
}

/// The best matching row among `candidates` for a cleaned label: the row whose keyword
/// ends latest in the label (a glued label carries group labels before the row's own),
/// ties going to the earlier candidate. None when nothing matches.
pub fn match_row(label: &str, candidates: &[&RowDef]) -> Option<usize> {
    let marks = markers(label);
    let level_before = |pos: usize| marks.iter().rev().find(|m| m.end <= pos).map(|m| m.level);
    let level_ok = |row: &RowDef, pos: usize| match (row.level, level_before(pos)) {
        (Some(want), Some(have)) => want == have,
        _ => true,
    };
    let mut best: Option<(usize, usize)> = None; // (end, candidate index)
    for (ci, row) in candidates.iter().enumerate() {
        let mut end = None;
        for (kw, last) in row.keywords_last_in(label) {
            // A keyword found in the bytes starts at a character: UTF-8 is self-synchronising.
            if let Some(pos) = last {
                if level_ok(row, pos) {
                    end = end.max(Some(pos + kw.len()));
                }
            }
        }
        let tail_start = marks.last().map_or(0, |m| m.end);
        for word in &row.exact {
            if &label[tail_start..] == word && level_ok(row, tail_start) {
                end = end.max(Some(label.len()));
            }
        }
        if let Some(e) = end {
            if best.is_none_or(|(be, _)| e > be) {
                best = Some((e, ci));
            }
        }
    }
    best.map(|(_, ci)| ci)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Templates;

    fn best(label: &str, ids: &[&str]) -> Option<String> {
        let t = Templates::builtin();
        let cands: Vec<&RowDef> = ids.iter().map(|id| t.row(id).unwrap()).collect();
        match_row(&clean_label(label), &cands).map(|i| cands[i].id.clone())
    }

    const OTHER_V2021: &[&str] = &[
        "t3.row.other",
        "t3.row.other.no_correction",
        "t3.row.other.fee_unpaid",
        "t3.row.other.misc",
        "t3.row.results_total",
        "t3.row.carried_forward",
    ];

    #[test]
    fn cleaning_drops_whitespace_quotes_and_annotations() {
        assert_eq!(
            clean_label("(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
            "(二)部分公开"
        );
        assert_eq!(
            clean_label("(二)部分公开(区分处理的,只计这一情 形,不"),
            "(二)部分公开"
        );
        assert_eq!(clean_label("3.危及“三安全一稳定”"), "3.危及三安全一稳定");
        assert_eq!(clean_label("自 然 人"), "自然人");
        assert_eq!(
            clean_label("上一年项目数量(指2019年事项数)"),
            "上一年项目数量"
        );
    }

    #[test]
    fn keywords_survive_typos_and_glued_group_labels() {
        let denied = [
            "t3.row.denied.state_secret",
            "t3.row.denied.law_prohibited",
            "t3.row.denied.security_stability",
        ];
        assert_eq!(
            best("2.其他法律行政止公开", &denied),
            Some("t3.row.denied.law_prohibited".to_string())
        );
        assert_eq!(
            best("(三)不予公开1.属于国家秘密", &denied),
            Some("t3.row.denied.state_secret".to_string())
        );
        assert_eq!(
            best(
                "(六)其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                OTHER_V2021
            ),
            Some("t3.row.other.no_correction".to_string())
        );
        assert_eq!(
            best(
                "4.无正当理由大量反复 申请",
                &[
                    "t3.row.not_processed.repeat",
                    "t3.row.not_processed.excessive"
                ]
            ),
            Some("t3.row.not_processed.excessive".to_string())
        );
    }

    #[test]
    fn numbering_level_tells_other_rows_apart() {
        assert_eq!(
            best("3.其他", OTHER_V2021),
            Some("t3.row.other.misc".to_string())
        );
        assert_eq!(
            best("3、其他", OTHER_V2021),
            Some("t3.row.other.misc".to_string())
        );
        assert_eq!(
            best("(六)其他处理", OTHER_V2021),
            Some("t3.row.other".to_string())
        );
        assert_eq!(
            best("(六) 其他", OTHER_V2021),
            Some("t3.row.other".to_string())
        );
        assert_eq!(
            best("(七)总计", OTHER_V2021),
            Some("t3.row.results_total".to_string())
        );
        assert_eq!(
            best("四、结转下年度继续办理", OTHER_V2021),
            Some("t3.row.carried_forward".to_string())
        );
        assert_eq!(best("法人或其他组织", OTHER_V2021), None);
    }
}

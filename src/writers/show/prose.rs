//! The report's text below its tables: the sections as read, the sentences whose numbers
//! the narrative rule compared with the tables highlighted (agreeing or not) and linked to
//! their cells.

use std::fmt::Write;

use crate::checks::NarrativeCheck;
use crate::model::{CheckResult, Report};
use crate::template::{NarrativeRule, Templates};
use crate::text::normalise::squeezed;
use crate::text::number;

use super::{esc, labels};

pub fn sections(h: &mut String, report: &Report, t: &Templates, statements: &[NarrativeCheck]) {
    if report.sections.iter().all(|s| s.paragraphs.is_empty()) {
        return;
    }
    h.push_str("<h2 id=\"text\">报告正文</h2>\n");
    for (i, s) in report.sections.iter().enumerate() {
        let _ = writeln!(
            h,
            "<section class=\"prose\" data-section=\"{}\">",
            esc(&s.id)
        );
        if let Some(heading) = &s.heading {
            let _ = writeln!(h, "<h3 title=\"{}\">{}</h3>", esc(&s.id), esc(heading));
        }
        for (j, p) in s.paragraphs.iter().enumerate() {
            let here: Vec<&NarrativeCheck> = statements
                .iter()
                .filter(|n| n.section == i && n.paragraph == j)
                .collect();
            h.push_str("<p>");
            paragraph(h, p, &here, t);
            h.push_str("</p>\n");
        }
        h.push_str("</section>\n");
    }
}

/// A paragraph, each stating sentence marked. A statement is put on the first sentence
/// that its rule's pattern finds the stated number in; the patterns stop at `。；;`, so it
/// is in one, but should none hold it, the whole paragraph is marked.
fn paragraph(h: &mut String, text: &str, here: &[&NarrativeCheck], t: &Templates) {
    if here.is_empty() {
        h.push_str(&esc(text));
        return;
    }
    let mut units = sentences(text);
    let mut at: Vec<Vec<&NarrativeCheck>> = vec![Vec::new(); units.len()];
    for n in here {
        let rule = &t.narrative_rules[n.index];
        match units.iter().position(|s| states(rule, s, &n.stated)) {
            Some(k) => at[k].push(n),
            None => {
                units = vec![text];
                at = vec![here.to_vec()];
                break;
            }
        }
    }
    for (sentence, stating) in units.iter().zip(&at) {
        match stating.first() {
            None => h.push_str(&esc(sentence)),
            Some(first) => {
                let class = if stating.iter().any(|n| n.check.result == CheckResult::Fail) {
                    "fail"
                } else if stating.iter().all(|n| n.check.result == CheckResult::Pass) {
                    "pass"
                } else {
                    "skip"
                };
                let _ = write!(
                    h,
                    "<mark class=\"stated {class}\" id=\"stated-{}\" title=\"{}（{}）\">{}</mark>",
                    first.index,
                    labels::rule(&first.check.rule),
                    esc(&first.check.rule),
                    esc(sentence)
                );
                for n in stating {
                    against(h, n, t);
                }
            }
        }
    }
}

/// What the table holds against a statement, linked to its cells; the other statements
/// of the same sentence get an anchor of their own here.
fn against(h: &mut String, n: &NarrativeCheck, t: &Templates) {
    let rule = &t.narrative_rules[n.index];
    let cells: Vec<String> = rule
        .cells
        .iter()
        .filter_map(|c| c.split_once('/'))
        .map(|(row, col)| {
            format!(
                "<a href=\"#{k}\" data-cell-link=\"{k}\">{}</a>",
                labels::cell(t, row, col),
                k = esc(&format!("{row}/{col}"))
            )
        })
        .collect();
    let (class, verdict) = match n.check.result {
        CheckResult::Pass => ("pass", format!("✓ 与表格一致 = {}", esc(&n.stated))),
        CheckResult::Fail => (
            "fail",
            format!(
                "✗ 正文 {}，表格 = {}",
                esc(&n.stated),
                esc(n.check.actual.as_deref().unwrap_or("?"))
            ),
        ),
        CheckResult::Skip => ("skip", "表格中此数未能读出，无法核对".to_string()),
    };
    let _ = write!(
        h,
        "<small class=\"vs {class}\" id=\"vs-{}\">（{verdict}：{}）</small>",
        n.index,
        cells.join(" ＋ ")
    );
}

/// Whether the rule's pattern finds `stated` in the sentence (as the check found it in
/// the paragraph: in its squeezed form).
fn states(rule: &NarrativeRule, sentence: &str, stated: &str) -> bool {
    let text = squeezed(sentence);
    rule.compiled_patterns().iter().any(|re| {
        re.captures_iter(&text)
            .any(|c| number::normalise(&c[1]).as_deref() == Some(stated))
    })
}

/// The sentences of a paragraph, each with its closing mark.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '。' | '；' | ';' | '！' | '？') {
            let end = i + c.len_utf8();
            out.push(&text[start..end]);
            start = end;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_keep_their_marks() {
        assert_eq!(sentences("甲。乙；丙"), vec!["甲。", "乙；", "丙"]);
        assert_eq!(sentences(""), Vec::<&str>::new());
    }
}

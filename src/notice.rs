//! What `extract` says on standard error about a report it did write but that may not be
//! what the user hoped for: a damaged PDF read in part, no standard table found, or much of
//! its text undecodable. The exit code stays 0: the XML says the same in its diagnostics.

use crate::model::{Report, Table, TemplateId};

/// The share of undecodable characters (U+FFFD) from which a text counts as mostly
/// undecodable.
pub const UNDECODABLE: f64 = 0.25;

/// The share of U+FFFD among the characters of `texts` that are not white space (0 when
/// there are none).
pub fn undecodable_share<'a>(texts: impl IntoIterator<Item = &'a str>) -> f64 {
    let (mut bad, mut all) = (0usize, 0usize);
    for c in texts
        .into_iter()
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
    {
        all += 1;
        bad += usize::from(c == '\u{FFFD}');
    }
    if all == 0 {
        0.0
    } else {
        bad as f64 / all as f64
    }
}

/// The report's text: title, section headings and paragraphs, and the cells of its other
/// tables (a standard table holds numbers).
fn texts(report: &Report) -> impl Iterator<Item = &str> {
    let title = report.meta.title.as_deref();
    let sections = report.sections.iter().flat_map(|s| {
        s.heading
            .as_deref()
            .into_iter()
            .chain(s.paragraphs.iter().map(String::as_str))
    });
    let cells = report.tables.iter().flat_map(|t| match t {
        Table::Generic(g) => g.rows.iter().flatten().map(|c| c.text.as_str()).collect(),
        Table::Standard(_) => Vec::new(),
    });
    title.into_iter().chain(sections).chain(cells)
}

/// One line about the report for standard error, or None when there is nothing to say.
pub fn of(report: &Report) -> Option<String> {
    let mut said = Vec::new();
    if report
        .diagnostics
        .iter()
        .any(|d| d.code == crate::readers::pdf::REPAIRED)
    {
        said.push("the PDF is damaged (cut short?) and was read as far as it goes".to_string());
    }
    if report.meta.template == TemplateId::None {
        said.push("no standard table was found (template none)".to_string());
    }
    let share = undecodable_share(texts(report));
    if share >= UNDECODABLE {
        said.push(format!(
            "{:.0}% of its text could not be decoded (U+FFFD)",
            share * 100.0
        ));
    }
    (!said.is_empty()).then(|| said.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_counts_characters_that_are_not_white_space() {
        assert_eq!(undecodable_share(["\u{FFFD}\u{FFFD} 规章", "  "]), 0.5);
        assert_eq!(undecodable_share(["", " "]), 0.0);
    }
}

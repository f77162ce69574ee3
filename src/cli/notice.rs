//! What `extract` says on standard error about a report it did write but that may not be
//! what the user hoped for: a damaged PDF read in part, no standard table found, or much of
//! its text undecodable. The exit code stays 0: the XML says the same in its diagnostics.

use gongkai::model::{Report, Table};
use gongkai::text::{undecodable_share, UNDECODABLE};

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
        .any(|d| d.code == gongkai::readers::pdf::REPAIRED)
    {
        said.push("the PDF is damaged (cut short?) and was read as far as it goes".to_string());
    }
    if report.meta.template.is_none() {
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

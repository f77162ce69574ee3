//! A review page per report — the three standard tables laid out like the official format,
//! failed rules, ambiguous and missing cells marked — and an index of many reports. Pages
//! are self-contained (no external assets) and deterministic.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::checks::{findings, printed_in_place, template_of, Finding};
use crate::model::{CellContent, CheckResult, Location, Report, StandardTable};
use crate::template::{HeaderDef, TableTemplate, Template, Templates};

const STYLE: &str = r#"
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }
dl.meta dt { color: #666; } dl.meta dd { margin: 0; font-family: monospace; }
table.std { border-collapse: collapse; margin: .8em 0; }
table.std th, table.std td { border: 1px solid #888; padding: .25em .5em; }
table.std th { background: #f3f3f3; font-weight: normal; }
table.std td { text-align: right; min-width: 2.5em; font-variant-numeric: tabular-nums; }
td.blank { background: #fafafa; color: #aaa; }
td.missing { background: #fff4d6; color: #a66; }
td.absent { background: repeating-linear-gradient(45deg, #f6f6f6, #f6f6f6 4px, #ececec 4px, #ececec 8px); color: #999; }
td.ambiguous { background: #e8f0ff; color: #335; font-style: italic; font-size: .85em; }
td.fail { background: #ffd9d9; outline: 2px solid #c33; outline-offset: -2px; }
td.warn { outline: 2px dashed #c80; outline-offset: -2px; }
ul.findings li.fail { color: #a00; } ul.findings li.warn { color: #a60; }
table.index { border-collapse: collapse; } table.index th, table.index td { border-bottom: 1px solid #ddd; padding: .3em .8em; text-align: left; }
table.index th { cursor: pointer; background: #f3f3f3; } table.index td.n { text-align: right; }
.summary { font-size: 1.05em; }
tr:target th, td:target, h2:target { outline: 3px solid #06c; outline-offset: -3px; }
"#;

/// Sorting the index by a clicked column: numbers by value, text by text.
const SORT_SCRIPT: &str = r#"
document.querySelectorAll("table.index th").forEach(function (th, col) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var asc = th.getAttribute("data-order") !== "asc";
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute("data-sort"), y = b.cells[col].getAttribute("data-sort");
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "zh");
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    th.setAttribute("data-order", asc ? "asc" : "desc");
  });
});
"#;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Counts for a report's line in the index and its page's summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub warnings: usize,
    pub ambiguous: usize,
    pub missing: usize,
}

pub fn counts(report: &Report, findings: &[Finding], t: &Templates) -> Counts {
    let soft: Vec<&str> = t
        .rules
        .iter()
        .map(|r| (&r.id, &r.status))
        .chain(t.sign_rules.iter().map(|r| (&r.id, &r.status)))
        .chain(t.narrative_rules.iter().map(|r| (&r.id, &r.status)))
        .filter(|(_, status)| *status == "soft")
        .map(|(id, _)| id.as_str())
        .collect();
    let mut c = Counts::default();
    for check in &report.checks {
        match check.result {
            CheckResult::Pass => c.passed += 1,
            CheckResult::Skip => c.skipped += 1,
            CheckResult::Fail if soft.contains(&check.rule.as_str()) => c.warnings += 1,
            CheckResult::Fail => c.failed += 1,
        }
    }
    if report.checks.is_empty() {
        c.failed = findings.iter().filter(|f| !f.soft).count();
        c.warnings = findings.iter().filter(|f| f.soft).count();
    }
    let absent = crate::checks::absent_by_layout(report, t);
    for t in &report.tables {
        if let crate::model::Table::Standard(t) = t {
            for cell in t
                .rows
                .iter()
                .filter(|r| !absent.contains(&r.id))
                .flat_map(|r| &r.cells)
            {
                match cell.content {
                    CellContent::Ambiguous(_) => c.ambiguous += 1,
                    CellContent::Missing => c.missing += 1,
                    _ => {}
                }
            }
        }
    }
    c
}

/// The review page of one report.
pub fn page(report: &Report, t: &Templates) -> String {
    let found = findings(report, t);
    let c = counts(report, &found, t);
    // Cells each failed rule reads, with the rules, for highlighting.
    let mut flagged: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &found {
        for cell in &f.cells {
            flagged.entry(cell.as_str()).or_default().push(f);
        }
    }
    let marks = Marks {
        flagged,
        absent: printed_in_place(report, t)
            .into_iter()
            .flat_map(|o| {
                let label = t.row(&o.row).map_or(o.row.as_str(), |r| r.label.as_str());
                o.parts.iter().map(move |p| (p.clone(), label))
            })
            .collect(),
    };
    let m = &report.meta;
    let title = m.title.clone().unwrap_or_else(|| m.source.name.clone());
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<dl class=\"meta\">\n",
        esc(&title),
        esc(&title)
    );
    let mut meta_row = |k: &str, v: &str| {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    };
    meta_row("issuer", m.issuer.as_deref().unwrap_or("—"));
    meta_row("year", &m.year.map_or("—".into(), |y| y.to_string()));
    if let Some(p) = &m.published {
        meta_row("published", p);
    }
    meta_row("template", m.template_name());
    meta_row(
        "source",
        &format!("{} ({} bytes)", m.source.name, m.source.bytes),
    );
    meta_row("sha256", &m.source.sha256);
    let _ = writeln!(
        h,
        "</dl>\n<p class=\"summary\">rules: {} passed, {} failed, {} skipped, {} warnings · cells: {} ambiguous, {} missing</p>",
        c.passed, c.failed, c.skipped, c.warnings, c.ambiguous, c.missing
    );
    if let Some(tpl) = template_of(report, t) {
        for tt in &tpl.tables {
            if let Some(table) = report.standard_table(&tt.id) {
                table_html(&mut h, t, tpl, tt, table, &marks);
            }
        }
    } else {
        h.push_str("<p>No standard table was recognised (template none).</p>\n");
    }
    h.push_str("<h2>Failed rules</h2>\n<ul class=\"findings\">\n");
    if found.is_empty() {
        h.push_str("<li>none</li>\n");
    }
    for f in &found {
        let class = if f.soft { "warn" } else { "fail" };
        let _ = writeln!(
            h,
            "<li class=\"{class}\"{}><b>{}</b> {}</li>",
            at_attributes(&f.subject),
            pointer(&f.subject, &f.rule),
            esc(&f.description)
        );
    }
    h.push_str("</ul>\n<h2>Diagnostics</h2>\n<ul class=\"diagnostics\">\n");
    for d in &report.diagnostics {
        let _ = writeln!(
            h,
            "<li class=\"{}\"{}><code>{}</code> <i>{}</i> {}</li>",
            d.level.as_str(),
            at_attributes(&d.location),
            esc(&d.code),
            pointer(&d.location, &d.location.to_string()),
            esc(&d.message)
        );
    }
    h.push_str("</ul>\n</body>\n</html>\n");
    h
}

fn table_html(
    h: &mut String,
    templates: &Templates,
    tpl: &Template,
    tt: &TableTemplate,
    t: &StandardTable,
    marks: &Marks<'_>,
) {
    let heading = templates
        .sections
        .iter()
        .find(|s| s.id == tt.section)
        .map_or(tt.id.as_str(), |s| s.heading.as_str());
    let _ = writeln!(h, "<h2 id=\"{}\">{}</h2>", tt.id, esc(heading));
    match templates.header(&tpl.id, &tt.id) {
        Some(header) => grid_html(h, templates, tt, header, t, marks),
        None => blocks_html(h, templates, tt, t, marks),
    }
}

/// What marks a cell: the failed rules reading it, the rows absent by layout (with the
/// label of the row printed in their place).
struct Marks<'a> {
    flagged: BTreeMap<&'a str, Vec<&'a Finding>>,
    absent: Vec<(String, &'a str)>,
}

/// The element a location points at on the page: its cell, its row, or its table.
fn target(at: &Location) -> Option<String> {
    match at {
        Location::Table { table } | Location::Column { table, .. } => Some(table.clone()),
        Location::Row { row, .. } => Some(row.clone()),
        Location::Cell(c) => Some(format!("{}/{}", c.row, c.col)),
        Location::Cells { cells } => cells.first().map(|c| format!("{}/{}", c.row, c.col)),
        _ => None,
    }
}

/// `text`, linked to what the location points at when it is on the page.
fn pointer(at: &Location, text: &str) -> String {
    match target(at) {
        Some(id) => format!("<a href=\"#{}\">{}</a>", esc(&id), esc(text)),
        None => esc(text),
    }
}

/// The location as data attributes, for scripts: `data-table`, `data-row`, `data-col`,
/// `data-page`.
fn at_attributes(at: &Location) -> String {
    let pairs: Vec<(&str, String)> = match at {
        Location::Table { table } => vec![("table", table.clone())],
        Location::Row { table, row } => vec![("table", table.clone()), ("row", row.clone())],
        Location::Column { table, col } => vec![("table", table.clone()), ("col", col.clone())],
        Location::Cell(c) => vec![
            ("table", c.table.clone()),
            ("row", c.row.clone()),
            ("col", c.col.clone()),
        ],
        Location::Cells { cells } => vec![(
            "cells",
            cells
                .iter()
                .map(|c| format!("{}/{}", c.row, c.col))
                .collect::<Vec<_>>()
                .join(" "),
        )],
        Location::Page { page } => vec![("page", page.to_string())],
        Location::Meta { field } => vec![("meta", field.clone())],
        Location::Input | Location::Report | Location::Other { .. } => Vec::new(),
    };
    pairs
        .iter()
        .map(|(k, v)| format!(" data-{k}=\"{}\"", esc(v)))
        .collect()
}

fn cell_html(h: &mut String, row: &str, cell: &crate::model::Cell, marks: &Marks<'_>) {
    let key = format!("{row}/{}", cell.col);
    if let Some((_, instead)) = marks.absent.iter().find(|(a, _)| a == row) {
        let _ = write!(
            h,
            "<td class=\"absent\" id=\"{k}\" data-cell=\"{k}\" title=\"not in this report: it prints {} as one row\"></td>",
            esc(instead),
            k = esc(&key),
        );
        return;
    }
    let flagged = &marks.flagged;
    let (mut class, text) = match &cell.content {
        CellContent::Value(v) => (
            "value".to_string(),
            format!("{v}{}", cell.unit.as_deref().unwrap_or("")),
        ),
        CellContent::Blank => ("blank".to_string(), String::new()),
        CellContent::Ambiguous(c) => ("ambiguous".to_string(), c.join(" | ")),
        CellContent::Missing => ("missing".to_string(), "?".to_string()),
    };
    let mut title = match &cell.content {
        CellContent::Ambiguous(c) => format!("ambiguous: {}", c.join(" or ")),
        CellContent::Missing => "missing: not in the input, or unreadable".to_string(),
        CellContent::Blank => "printed empty".to_string(),
        CellContent::Value(_) => cell
            .raw
            .as_ref()
            .map(|r| format!("printed {r}"))
            .unwrap_or_default(),
    };
    if let Some(fs) = flagged.get(key.as_str()) {
        class.push_str(if fs.iter().any(|f| !f.soft) {
            " fail"
        } else {
            " warn"
        });
        for f in fs {
            if !title.is_empty() {
                title.push('\n');
            }
            title.push_str(&format!("{} {}", f.rule, f.description));
        }
    }
    let _ = write!(
        h,
        "<td class=\"{class}\" id=\"{k}\" data-cell=\"{k}\" title=\"{}\">{}</td>",
        esc(&title),
        esc(&text),
        k = esc(&key),
    );
}

/// A table without a printed header (t2): each block under its title, the label column
/// headed by the table's `label_header`.
fn blocks_html(
    h: &mut String,
    tpl: &Templates,
    tt: &TableTemplate,
    t: &StandardTable,
    marks: &Marks<'_>,
) {
    for block in &tt.blocks {
        let _ = writeln!(
            h,
            "<table class=\"std\" id=\"{}\">\n<tr><th colspan=\"{}\">{}</th></tr>",
            esc(&block.id),
            block.cols.len() + 1,
            esc(block.title.as_deref().unwrap_or(""))
        );
        let _ = write!(
            h,
            "<tr><th>{}</th>",
            esc(tt.label_header.as_deref().unwrap_or(""))
        );
        for col in &block.cols {
            let label = tpl.column(col).map_or(col.as_str(), |c| c.label.as_str());
            let _ = write!(h, "<th>{}</th>", esc(label));
        }
        h.push_str("</tr>\n");
        for row_id in &block.rows {
            let Some(row) = t.rows.iter().find(|r| &r.id == row_id) else {
                continue;
            };
            let label = tpl
                .row(row_id)
                .map_or(row_id.as_str(), |r| r.label.as_str());
            let _ = write!(h, "<tr id=\"{}\"><th>{}</th>", esc(row_id), esc(label));
            for cell in &row.cells {
                cell_html(h, row_id, cell, marks);
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    }
}

/// A table under its printed header (t3, t4). The header's columns beyond the table's
/// are its label columns: the row groups (三、本年度办理结果, （三）…（六）) span their rows
/// there, and each row's label fills the rest.
fn grid_html(
    h: &mut String,
    tpl: &Templates,
    tt: &TableTemplate,
    header: &HeaderDef,
    t: &StandardTable,
    marks: &Marks<'_>,
) {
    let _ = writeln!(h, "<table class=\"std\" id=\"{}\">", esc(&tt.id));
    for row in &header.rows {
        h.push_str("<tr>");
        for c in row {
            let _ = write!(
                h,
                "<th rowspan=\"{}\" colspan=\"{}\">{}</th>",
                c.rowspan,
                c.colspan,
                esc(&c.text)
            );
        }
        h.push_str("</tr>\n");
    }
    let width: u32 = header
        .rows
        .first()
        .map_or(0, |r| r.iter().map(|c| c.colspan).sum());
    let label_cols = (width as usize).saturating_sub(tt.columns().len());
    let present = |rows: &[String]| t.rows.iter().filter(|r| rows.contains(&r.id)).count();
    let mut opened: Vec<&str> = Vec::new();
    for row in &t.rows {
        let _ = write!(h, "<tr id=\"{}\">", esc(&row.id));
        if label_cols > 0 {
            let groups: Vec<_> = tpl
                .groups
                .iter()
                .filter(|g| g.rows.contains(&row.id))
                .collect();
            for g in &groups {
                if !opened.contains(&g.id.as_str()) {
                    opened.push(&g.id);
                    let _ = write!(
                        h,
                        "<th rowspan=\"{}\">{}</th>",
                        present(&g.rows),
                        esc(&g.label)
                    );
                }
            }
            let label = tpl
                .row(&row.id)
                .map_or(row.id.as_str(), |r| r.label.as_str());
            let _ = write!(
                h,
                "<th colspan=\"{}\">{}</th>",
                label_cols.saturating_sub(groups.len()),
                esc(label)
            );
        }
        for cell in &row.cells {
            cell_html(h, &row.id, cell, marks);
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// One line of the index.
pub struct IndexEntry<'a> {
    pub report: &'a Report,
    pub page: String,
}

/// The index page: one sortable line per report, linking to its page; the inputs that
/// hold no report (template `none`) listed apart below, not counted as reports.
pub fn index(entries: &[IndexEntry<'_>], no_report: &[IndexEntry<'_>], t: &Templates) -> String {
    let mut h = String::new();
    let reports = format!(
        "{} report{}",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" }
    );
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>gongkai review: {reports}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{reports}</h1>\n<p>Click a column heading to sort.</p>\n<table class=\"index\">\n<thead><tr><th>report</th><th>issuer</th><th>year</th><th>template</th><th>rules passed</th><th>rules failed</th><th>warnings</th><th>ambiguous</th><th>missing</th></tr></thead>\n<tbody>\n"
    );
    for e in entries {
        let m = &e.report.meta;
        let found = findings(e.report, t);
        let c = counts(e.report, &found, t);
        let name = m.title.clone().unwrap_or_else(|| m.source.name.clone());
        let issuer = m.issuer.clone().unwrap_or_default();
        let year = m.year.map(|y| y.to_string()).unwrap_or_default();
        let _ = write!(
            h,
            "<tr><td data-sort=\"{n}\"><a href=\"{href}\">{n}</a></td><td data-sort=\"{i}\">{i}</td><td data-sort=\"{y}\">{y}</td><td data-sort=\"{t}\">{t}</td>",
            n = esc(&name),
            href = esc(&e.page),
            i = esc(&issuer),
            y = esc(&year),
            t = esc(m.template_name())
        );
        for n in [c.passed, c.failed, c.warnings, c.ambiguous, c.missing] {
            let _ = write!(h, "<td class=\"n\" data-sort=\"{n}\">{n}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
    if !no_report.is_empty() {
        let _ = write!(
            h,
            "<h2>{} input{} holding no report</h2>\n<p>No standard table was recognised in these (template none); they are not counted above.</p>\n<ul class=\"no-report\">\n",
            no_report.len(),
            if no_report.len() == 1 { "" } else { "s" }
        );
        for e in no_report {
            let _ = writeln!(
                h,
                "<li><a href=\"{}\">{}</a></li>",
                esc(&e.page),
                esc(&e.report.meta.source.name)
            );
        }
        h.push_str("</ul>\n");
    }
    let _ = write!(h, "<script>{SORT_SCRIPT}</script>\n</body>\n</html>\n");
    h
}

/// A page's file name: the source's name and the start of its hash (two reports may share
/// a name).
pub fn page_name(report: &Report) -> String {
    let safe: String = report
        .meta
        .source
        .name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "{safe}-{}.html",
        &report.meta.source.sha256[..report.meta.source.sha256.len().min(8)]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_mark_failed_ambiguous_and_missing_cells() {
        let hongze = crate::writers::xml::from_bytes(include_bytes!(
            "../../golden/hongze-2023-layout/expected.xml"
        ))
        .unwrap();
        let t = Templates::builtin();
        let page = page(&hongze, &t);
        assert!(page.contains(r#"<td class="value fail" id="t4.row.cases/t4.col.review.total" data-cell="t4.row.cases/t4.col.review.total" title="R-T4-SUM 行政复议 总计: 结果维持+结果纠正+其他结果+尚未审结 = 10+1+0+0 = 11, 总计 = 0">0</td>"#), "{page}");
        assert!(page.contains(r#"data-cell="t3.row.other.misc/t3.col.total""#));
        assert!(page.contains(r#"<th rowspan="3" colspan="3">（本列数据的勾稽关系为"#));
        // Failed rules and diagnostics point at what they are about: linked, and by ids.
        assert!(page.contains(r##"<li class="fail" data-table="t4" data-col="t4.col.review.total"><b><a href="#t4">R-T4-SUM</a></b> 行政复议 总计: "##), "{page}");
        assert!(page.contains(r##"<li class="info" data-table="t3" data-row="t3.row.other"><code>single-row-variant</code> <i><a href="#t3.row.other">t3.row.other</a></i> "##));
        assert!(page.contains(r#"<li class="info"><code>chrome-dropped</code> <i>input</i> "#));
        assert!(page.contains(r#"<tr id="t3.row.other"><th colspan="2">（六）其他处理</th>"#));
        assert!(page.contains(r#"<td class="absent" id="t3.row.other.misc/t3.col.total" data-cell="t3.row.other.misc/t3.col.total" title="not in this report: it prints （六）其他处理 as one row"></td>"#));
        let pingtan = crate::writers::xml::from_bytes(include_bytes!(
            "../../golden/pingtan-2019-glued/expected.xml"
        ))
        .unwrap();
        let page = super::page(&pingtan, &t);
        assert!(page.contains(r#"<td class="ambiguous" id="t2.row.admin_fees/t2.col.prev_year_items" data-cell="t2.row.admin_fees/t2.col.prev_year_items" title="ambiguous: 3 or 35">3 | 35</td>"#));
        assert!(
            !page.contains("http://") && !page.contains("https://") && !page.contains("src="),
            "self-contained"
        );
    }
}

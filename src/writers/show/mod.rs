//! A review page per report — the standard tables laid out like the official format,
//! failed rules, ambiguous and missing cells marked, each cell's source a click (or a
//! focus) away, the report's text with the sentences the narrative rule compared — and an
//! index of many reports with their trends. Pages are self-contained static files (no
//! network, inline style and script), readable without JavaScript, and deterministic.
//! What a person reads is in the reports' language; ids stay in `title` and `data-`
//! attributes.

mod chart;
mod index;
pub mod labels;
mod original;
mod panel;
mod prose;

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::checks::{
    findings, narrative_statements, printed_in_place, template_of, Finding, NarrativeCheck,
};
use crate::model::{CellContent, CheckResult, Location, Report, StandardTable};
use crate::template::{HeaderDef, TableTemplate, Template, Templates};

pub use index::{index, IndexEntry};
pub use original::Printed;

const STYLE: &str = include_str!("style.css");
/// A cell's source panel on a click or a focus, closed by Escape.
const PAGE_SCRIPT: &str = include_str!("page.js");

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

/// What a page has beside its report: the index listing it and the original it was read
/// from (links relative to the page), and what the original printed, for the cells'
/// source panels.
#[derive(Default, Clone, Copy)]
pub struct Context<'a> {
    pub index: Option<&'a str>,
    pub original: Option<&'a str>,
    pub printed: Option<&'a Printed>,
}

/// The review page of one report.
pub fn page(report: &Report, t: &Templates, links: Context<'_>) -> String {
    let found = findings(report, t);
    let c = counts(report, &found, t);
    let statements = narrative_statements(report, t);
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
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&title),
    );
    let mut nav = Vec::new();
    if let Some(index) = links.index {
        nav.push(format!("<a href=\"{}\">← 返回索引</a>", esc(index)));
    }
    if let Some(original) = links.original {
        nav.push(format!("<a href=\"{}\">打开原件</a>", esc(original)));
    }
    if !nav.is_empty() {
        let _ = writeln!(h, "<nav class=\"links\">{}</nav>", nav.join(" · "));
    }
    let _ = writeln!(h, "<h1>{}</h1>\n<dl class=\"meta\">", esc(&title));
    let mut meta_row = |field: &str, label: &str, value: &str| {
        let _ = writeln!(h, "<dt title=\"meta/{field}\">{label}</dt><dd>{value}</dd>");
    };
    meta_row(
        "issuer",
        "发布机关",
        &esc(m.issuer.as_deref().unwrap_or("—")),
    );
    meta_row(
        "year",
        "年度",
        &m.year.map_or("—".into(), |y| y.to_string()),
    );
    if let Some(p) = &m.published {
        meta_row("published", "发布日期", &esc(p));
    }
    meta_row("template", "模板", &esc(m.template_name()));
    let name = match links.original {
        Some(href) => format!("<a href=\"{}\">{}</a>", esc(href), esc(&m.source.name)),
        None => esc(&m.source.name),
    };
    meta_row(
        "source",
        "原件",
        &format!(
            "{name}（{}，{} 字节）",
            esc(labels::format(&m.source.media_type)),
            m.source.bytes
        ),
    );
    meta_row("sha256", "SHA-256", &m.source.sha256);
    let _ = writeln!(
        h,
        "</dl>\n<p class=\"summary\">规则：通过 {} 条，未通过 {} 条，跳过 {} 条，提示 {} 条 · 单元格：模糊 {} 个，缺失 {} 个</p>",
        c.passed, c.failed, c.skipped, c.warnings, c.ambiguous, c.missing
    );
    let cells = Cells {
        report,
        templates: t,
        marks: &marks,
        statements: &statements,
        printed: links.printed,
    };
    if let Some(tpl) = template_of(report, t) {
        h.push_str("<p class=\"hint\">点击单元格（或用 Tab 键选中）可查看它在原件中的位置和印刷的文字。</p>\n");
        for tt in &tpl.tables {
            if let Some(table) = report.standard_table(&tt.id) {
                table_html(&mut h, &cells, tpl, tt, table);
            }
        }
    } else {
        h.push_str(
            "<p>未识别出标准表格（模板 none）：这份文件不是年度报告，或其表格无法读取。</p>\n",
        );
    }
    prose::sections(&mut h, report, t, &statements);
    h.push_str("<h2 id=\"findings\">未通过的规则</h2>\n<ul class=\"findings\">\n");
    if found.is_empty() {
        h.push_str("<li>无</li>\n");
    }
    for f in &found {
        let class = if f.soft { "warn" } else { "fail" };
        let _ = writeln!(
            h,
            "<li class=\"{class}\"{}><b title=\"{}\">{}</b> {}：{}</li>",
            at_attributes(&f.subject),
            esc(&f.rule),
            esc(labels::rule(&f.rule)),
            pointer(&f.subject, &labels::location(t, &f.subject)),
            finding_text(f, t, &statements)
        );
    }
    h.push_str("</ul>\n<h2 id=\"diagnostics\">诊断信息</h2>\n<ul class=\"diagnostics\">\n");
    if report.diagnostics.is_empty() {
        h.push_str("<li>无</li>\n");
    }
    for d in &report.diagnostics {
        let _ = writeln!(
            h,
            "<li class=\"{}\"{}><b title=\"{}\">{}</b> <i>{}</i> {}</li>",
            d.level.as_str(),
            at_attributes(&d.location),
            esc(&d.code),
            esc(labels::diagnostic(&d.code)),
            pointer(&d.location, &labels::location(t, &d.location)),
            labels::message(t, &d.message)
        );
    }
    h.push_str("</ul>\n");
    if template_of(report, t).is_some() {
        panel::panels(&mut h, &cells);
    }
    let _ = write!(h, "<script>{PAGE_SCRIPT}</script>\n</body>\n</html>\n");
    h
}

/// A finding for people: a narrative rule's as what the text states against the table,
/// the others as the checks spell them out (with the ids in them as labels).
fn finding_text(f: &Finding, t: &Templates, statements: &[NarrativeCheck]) -> String {
    let stated = statements
        .iter()
        .find(|s| s.check.rule == f.rule && s.check.subject == f.subject);
    match stated {
        Some(s) => format!(
            "正文称 {}，表格为 {}（<a href=\"#vs-{}\">见正文</a>）",
            esc(&s.stated),
            esc(s.check.actual.as_deref().unwrap_or("?")),
            s.index
        ),
        None => labels::message(t, &f.description),
    }
}

/// What the cells of a page are drawn from.
struct Cells<'a> {
    report: &'a Report,
    templates: &'a Templates,
    marks: &'a Marks<'a>,
    statements: &'a [NarrativeCheck],
    printed: Option<&'a Printed>,
}

fn table_html(
    h: &mut String,
    cells: &Cells<'_>,
    tpl: &Template,
    tt: &TableTemplate,
    t: &StandardTable,
) {
    let templates = cells.templates;
    let heading = templates
        .sections
        .iter()
        .find(|s| s.id == tt.section)
        .map_or(tt.id.as_str(), |s| s.heading.as_str());
    let _ = writeln!(
        h,
        "<h2 id=\"{}\" title=\"{}\">{}</h2>",
        tt.id,
        tt.id,
        esc(heading)
    );
    match templates.header(&tpl.id, &tt.id) {
        Some(header) => grid_html(h, cells, tt, header, t),
        None => blocks_html(h, cells, tt, t),
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

/// `html`, linked to what the location points at when it is on the page.
fn pointer(at: &Location, html: &str) -> String {
    match target(at) {
        Some(id) => format!("<a href=\"#{}\">{html}</a>", esc(&id)),
        None => html.to_string(),
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

/// A cell: its value (or what stands for it) linked to its source panel, its status and
/// failed rules in its class and title.
fn cell_html(h: &mut String, cells: &Cells<'_>, row: &str, cell: &crate::model::Cell) {
    let key = format!("{row}/{}", cell.col);
    let marks = cells.marks;
    if let Some((_, instead)) = marks.absent.iter().find(|(a, _)| a == row) {
        let _ = write!(
            h,
            "<td class=\"absent\" id=\"{k}\" data-cell=\"{k}\" title=\"本报告无此行：原件将“{}”印作一行\"><a href=\"#src-{k}\"></a></td>",
            esc(instead),
            k = esc(&key),
        );
        return;
    }
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
        CellContent::Ambiguous(c) => format!("模糊：可能是 {}", c.join(" 或 ")),
        CellContent::Missing => "缺失：原件中没有，或无法读取".to_string(),
        CellContent::Blank => "原件此格为空".to_string(),
        CellContent::Value(_) => cell
            .raw
            .as_ref()
            .map(|r| format!("原件印作 {r}"))
            .unwrap_or_default(),
    };
    if let Some(fs) = marks.flagged.get(key.as_str()) {
        class.push_str(if fs.iter().any(|f| !f.soft) {
            " fail"
        } else {
            " warn"
        });
        for f in fs {
            if !title.is_empty() {
                title.push('\n');
            }
            title.push_str(&format!(
                "{}（{}）：{}",
                labels::rule(&f.rule),
                f.rule,
                f.description
            ));
        }
    }
    let _ = write!(
        h,
        "<td class=\"{class}\" id=\"{k}\" data-cell=\"{k}\" title=\"{}\"><a href=\"#src-{k}\">{}</a></td>",
        esc(&title),
        esc(&text),
        k = esc(&key),
    );
}

/// A table without a printed header (t2): each block under its title, the label column
/// headed by the table's `label_header`.
fn blocks_html(h: &mut String, cells: &Cells<'_>, tt: &TableTemplate, t: &StandardTable) {
    let tpl = cells.templates;
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
            let _ = write!(h, "<th title=\"{}\">{}</th>", esc(col), esc(label));
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
                cell_html(h, cells, row_id, cell);
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
    cells: &Cells<'_>,
    tt: &TableTemplate,
    header: &HeaderDef,
    t: &StandardTable,
) {
    let tpl = cells.templates;
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
            cell_html(h, cells, &row.id, cell);
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// A page's file name: the source's name and the start of its hash (two reports may share
/// a name). The name is cut, at a character, to [`PAGE_NAME_BYTES`]: with the hash and
/// `.html` the page's name stays within the 255 bytes filesystems allow a name.
pub fn page_name(report: &Report) -> String {
    let mut safe = String::new();
    for c in report.meta.source.name.chars() {
        let c = if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
            c
        } else {
            '_'
        };
        if safe.len() + c.len_utf8() > PAGE_NAME_BYTES {
            break;
        }
        safe.push(c);
    }
    let sha256 = &report.meta.source.sha256;
    format!("{safe}-{}.html", sha256.get(..8).unwrap_or(sha256))
}

/// The bytes of a source's name a page's name keeps.
const PAGE_NAME_BYTES: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    fn golden(case: &str) -> Report {
        let path = format!("{}/golden/{case}/expected.xml", env!("CARGO_MANIFEST_DIR"));
        crate::writers::xml::from_bytes(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn page_names_are_cut_to_fit_a_file_name() {
        let mut report = golden("meilie-2020-pipe");
        report.meta.source.name = format!("{}#1.txt", "平潭".repeat(100));
        let name = page_name(&report);
        assert!(name.len() <= 255, "{} bytes", name.len());
        assert!(name.starts_with("平潭平潭"), "{name}");
        assert!(name.ends_with("-7112633b.html"), "{name}");
        report.meta.source.name = "平潭 #1.txt".into();
        assert_eq!(page_name(&report), "平潭__1.txt-7112633b.html");
    }

    #[test]
    fn pages_mark_failed_ambiguous_and_missing_cells() {
        let hongze = golden("hongze-2023-layout");
        let t = Templates::builtin();
        let page = page(&hongze, &t, Context::default());
        assert!(page.contains(r##"<td class="value fail" id="t4.row.cases/t4.col.review.total" data-cell="t4.row.cases/t4.col.review.total" title="复议诉讼结果合计（R-T4-SUM）：行政复议 总计: 结果维持+结果纠正+其他结果+尚未审结 = 10+1+0+0 = 11, 总计 = 0"><a href="#src-t4.row.cases/t4.col.review.total">0</a></td>"##), "{page}");
        assert!(page.contains(r#"data-cell="t3.row.other.misc/t3.col.total""#));
        assert!(page.contains(r#"<th rowspan="3" colspan="3">（本列数据的勾稽关系为"#));
        // Failed rules and diagnostics point at what they are about, by their labels (ids
        // in titles and data attributes).
        assert!(page.contains(r##"<li class="fail" data-table="t4" data-col="t4.col.review.total"><b title="R-T4-SUM">复议诉讼结果合计</b> <a href="#t4"><span title="t4.col.review.total">行政复议 总计</span></a>：行政复议 总计: "##), "{page}");
        assert!(page.contains(r##"<li class="info" data-table="t3" data-row="t3.row.other"><b title="single-row-variant">合并为一行的印法</b> <i><a href="#t3.row.other"><span title="t3.row.other">（六）其他处理</span></a></i> the report prints <span title="t3.row.other">（六）其他处理</span> as one row"##), "{page}");
        assert!(page.contains(
            r#"<li class="info"><b title="chrome-dropped">已删除网页杂项</b> <i>原件</i> "#
        ));
        assert!(page.contains(r#"<tr id="t3.row.other"><th colspan="2">（六）其他处理</th>"#));
        assert!(page.contains(r##"<td class="absent" id="t3.row.other.misc/t3.col.total" data-cell="t3.row.other.misc/t3.col.total" title="本报告无此行：原件将“（六）其他处理”印作一行"><a href="#src-t3.row.other.misc/t3.col.total"></a></td>"##));
        for english in [
            "issuer",
            "rules:",
            "Failed rules",
            "Diagnostics",
            "ambiguous:",
        ] {
            assert!(!page.contains(&format!(">{english}")), "{english}");
        }
        let pingtan = golden("pingtan-2019-glued");
        let page = super::page(&pingtan, &t, Context::default());
        assert!(page.contains(r##"<td class="ambiguous" id="t2.row.admin_fees/t2.col.prev_year_items" data-cell="t2.row.admin_fees/t2.col.prev_year_items" title="模糊：可能是 3 或 35"><a href="#src-t2.row.admin_fees/t2.col.prev_year_items">3 | 35</a></td>"##), "{page}");
        assert!(
            !page.contains("http://") && !page.contains("https://") && !page.contains("src="),
            "self-contained"
        );
    }

    #[test]
    fn pages_link_to_their_index_and_original() {
        let t = Templates::builtin();
        let page = page(
            &golden("hongze-2023-layout"),
            &t,
            Context {
                index: Some("index.html"),
                original: Some("../crawl/%E6%B4%AA.txt"),
                printed: None,
            },
        );
        assert!(page.contains("<nav class=\"links\"><a href=\"index.html\">← 返回索引</a> · <a href=\"../crawl/%E6%B4%AA.txt\">打开原件</a></nav>"), "{page}");
        assert!(page.contains(
            "<dt title=\"meta/source\">原件</dt><dd><a href=\"../crawl/%E6%B4%AA.txt\">"
        ));
    }
}

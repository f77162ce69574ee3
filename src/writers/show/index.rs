//! The index of a folder's pages: an overview chart, one sortable and filterable line per
//! report (source file and format beside its issuer and year, failed rules marked), a
//! trend chart per issuer across its years, and apart from the reports the inputs that
//! hold none.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::checks::across_years::{issuer_key, IssuerMap};
use crate::checks::findings;
use crate::model::{CellContent, Report};
use crate::template::Templates;

use super::chart::{self, Series};
use super::{counts, esc, labels, Counts, STYLE};

/// Sorting by a clicked column, and the filter box.
const INDEX_SCRIPT: &str = include_str!("index.js");

/// One line of the index.
pub struct IndexEntry<'a> {
    pub report: &'a Report,
    /// Its page, relative to the index.
    pub page: String,
    /// Its original, relative to the index, when it can be reached.
    pub original: Option<String>,
}

/// The figures an issuer's trend follows, by the cells that sum to each.
const TRENDS: [(&str, &[&str]); 5] = [
    ("收到申请", &["t3.row.new_requests/t3.col.total"]),
    ("予以公开", &["t3.row.granted/t3.col.total"]),
    (
        "不予公开",
        &[
            "t3.row.denied.state_secret/t3.col.total",
            "t3.row.denied.law_prohibited/t3.col.total",
            "t3.row.denied.security_stability/t3.col.total",
            "t3.row.denied.third_party/t3.col.total",
            "t3.row.denied.internal_affairs/t3.col.total",
            "t3.row.denied.process_info/t3.col.total",
            "t3.row.denied.enforcement_file/t3.col.total",
            "t3.row.denied.admin_query/t3.col.total",
        ],
    ),
    ("行政复议", &["t4.row.cases/t4.col.review.total"]),
    (
        "行政诉讼",
        &[
            "t4.row.cases/t4.col.suit_direct.total",
            "t4.row.cases/t4.col.suit_after_review.total",
        ],
    ),
];

/// How a report's rules came out, as the overview counts it.
const STATUSES: [&str; 3] = ["规则全部通过", "仅有提示", "有未通过的规则"];

fn status(c: &Counts) -> usize {
    if c.failed > 0 {
        2
    } else if c.warnings > 0 {
        1
    } else {
        0
    }
}

/// The index page; the inputs that hold no report (template `none`) listed apart below,
/// not counted as reports.
pub fn index(entries: &[IndexEntry<'_>], no_report: &[IndexEntry<'_>], t: &Templates) -> String {
    let counted: Vec<Counts> = entries
        .iter()
        .map(|e| counts(e.report, &findings(e.report, t), t))
        .collect();
    let failed = counted.iter().filter(|c| c.failed > 0).count();
    let warned = counted
        .iter()
        .filter(|c| c.failed == 0 && c.warnings > 0)
        .count();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>政府信息公开工作年度报告：{n} 份</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>政府信息公开工作年度报告：{n} 份</h1>\n<p class=\"summary\">共 {n} 份报告，其中 {failed} 份有未通过的规则，{warned} 份仅有提示",
        n = entries.len()
    );
    if !no_report.is_empty() {
        let _ = write!(
            h,
            "；另有 {} 个文件不是年度报告（<a href=\"#no-report\">列在文末</a>，不计入）",
            no_report.len()
        );
    }
    h.push_str("。</p>\n");
    overview(&mut h, entries, &counted);
    h.push_str("<h2 id=\"reports\">报告列表</h2>\n<p class=\"filter\" hidden><label>筛选：<input type=\"search\" id=\"filter\" placeholder=\"机关、年度、文件名、格式…\" autocomplete=\"off\"></label> <span id=\"shown\"></span></p>\n<p class=\"hint\">点击列标题排序；标 ✗ 的报告有未通过的规则。</p>\n<table class=\"index\" id=\"report-list\">\n<thead><tr><th>报告</th><th>发布机关</th><th>年度</th><th>模板</th><th>原件</th><th>格式</th><th title=\"passed\">规则通过</th><th title=\"failed\">未通过</th><th title=\"warnings\">提示</th><th title=\"ambiguous\">模糊</th><th title=\"missing\">缺失</th></tr></thead>\n<tbody>\n");
    for (e, c) in entries.iter().zip(&counted) {
        let m = &e.report.meta;
        let name = m.title.clone().unwrap_or_else(|| m.source.name.clone());
        let issuer = m.issuer.clone().unwrap_or_default();
        let year = m.year.map(|y| y.to_string()).unwrap_or_default();
        let (class, flag) = if c.failed > 0 {
            (
                " class=\"failed\"",
                "<span class=\"flag\" title=\"有未通过的规则\">✗</span> ",
            )
        } else {
            ("", "")
        };
        let _ = write!(
            h,
            "<tr{class}><td data-sort=\"{n}\">{flag}<a href=\"{href}\">{n}</a></td><td data-sort=\"{i}\">{i}</td><td data-sort=\"{y}\">{y}</td><td data-sort=\"{t}\">{t}</td>",
            n = esc(&name),
            href = esc(&e.page),
            i = esc(&issuer),
            y = esc(&year),
            t = esc(m.template_name())
        );
        source_cells(&mut h, e);
        for n in [c.passed, c.failed, c.warnings, c.ambiguous, c.missing] {
            let _ = write!(h, "<td class=\"n\" data-sort=\"{n}\">{n}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
    trends(&mut h, entries);
    if !no_report.is_empty() {
        let _ = write!(
            h,
            "<h2 id=\"no-report\">不是年度报告的文件（{} 个）</h2>\n<p>这些文件中未识别出标准表格（模板 none），不计入上面的报告。</p>\n<table class=\"index\" id=\"no-report-list\">\n<thead><tr><th>页面</th><th>原件</th><th>格式</th></tr></thead>\n<tbody>\n",
            no_report.len(),
        );
        for e in no_report {
            let m = &e.report.meta;
            let name = m.title.clone().unwrap_or_else(|| m.source.name.clone());
            let _ = write!(
                h,
                "<tr><td data-sort=\"{n}\"><a href=\"{}\">{n}</a></td>",
                esc(&e.page),
                n = esc(&name)
            );
            source_cells(&mut h, e);
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table>\n");
    }
    let _ = write!(h, "<script>{INDEX_SCRIPT}</script>\n</body>\n</html>\n");
    h
}

/// The source file (linked when the original can be reached) and its format.
fn source_cells(h: &mut String, e: &IndexEntry<'_>) {
    let s = &e.report.meta.source;
    let name = match &e.original {
        Some(href) => format!("<a href=\"{}\">{}</a>", esc(href), esc(&s.name)),
        None => esc(&s.name),
    };
    let format = labels::format(&s.media_type);
    let _ = write!(
        h,
        "<td data-sort=\"{}\" title=\"SHA-256 {}\">{name}</td><td data-sort=\"{f}\">{f}</td>",
        esc(&s.name),
        esc(&s.sha256),
        f = esc(format)
    );
}

/// Reports per year, by template and by how their rules came out.
fn overview(h: &mut String, entries: &[IndexEntry<'_>], counted: &[Counts]) {
    if entries.is_empty() {
        return;
    }
    let mut years: Vec<Option<u16>> = entries.iter().map(|e| e.report.meta.year).collect();
    // Years ascending, reports without a year last.
    years.sort_by_key(|y| (y.is_none(), *y));
    years.dedup();
    let columns: Vec<String> = years
        .iter()
        .map(|y| y.map_or("年度不明".to_string(), |y| y.to_string()))
        .collect();
    let mut templates: Vec<&str> = entries
        .iter()
        .map(|e| e.report.meta.template_name())
        .collect();
    templates.sort_unstable();
    templates.dedup();
    let by = |part: &dyn Fn(usize) -> usize, parts: usize| -> Vec<Vec<usize>> {
        years
            .iter()
            .map(|y| {
                let mut c = vec![0; parts];
                for (i, e) in entries.iter().enumerate() {
                    if e.report.meta.year == *y {
                        c[part(i)] += 1;
                    }
                }
                c
            })
            .collect()
    };
    let by_template = by(
        &|i| {
            templates
                .iter()
                .position(|t| *t == entries[i].report.meta.template_name())
                .unwrap_or(0)
        },
        templates.len(),
    );
    let by_status = by(&|i| status(&counted[i]), STATUSES.len());
    let _ = write!(
        h,
        "<h2 id=\"overview\">概览</h2>\n<div class=\"charts\">\n<figure class=\"chart\"><figcaption>各年度报告数（按模板）</figcaption>{}{}</figure>\n<figure class=\"chart\"><figcaption>各年度报告数（按规则核对结果）</figcaption>{}{}</figure>\n</div>\n",
        chart::stacked(&columns, &templates, &by_template, "各年度报告数（按模板）"),
        chart::legend(&templates),
        chart::stacked(&columns, &STATUSES, &by_status, "各年度报告数（按规则核对结果）"),
        chart::legend(&STATUSES),
    );
}

/// A figure of a report: the sum of its cells' values. None when a cell is not read
/// (ambiguous, missing, not printed) or is no whole number; a blank counts as 0, except a
/// blank total beside printed numbers (the total is then the row's sum, which the trend
/// does not work out).
fn figure(report: &Report, cells: &[&str]) -> Option<u64> {
    let mut sum = 0u64;
    for key in cells {
        let (row, col) = key.split_once('/')?;
        let table = report.standard_table(row.split('.').next()?)?;
        let r = table.rows.iter().find(|r| r.id == row)?;
        let cell = r.cells.iter().find(|c| c.col == col)?;
        match &cell.content {
            CellContent::Value(v) => sum = sum.checked_add(v.parse().ok()?)?,
            CellContent::Blank
                if r.cells.iter().all(|c| {
                    matches!(c.content, CellContent::Blank)
                        || c.value().is_some_and(|v| v.parse::<u64>() == Ok(0))
                }) => {}
            _ => return None,
        }
    }
    Some(sum)
}

/// Per issuer with reports of two years or more, its figures across the years. Issuers are
/// grouped by the key `check --across-years` groups them by (平潭综合实验区管委会办公室
/// with 平潭综合实验区), under the first name met. Two reports of one year that disagree
/// on a figure leave it out for that year.
fn trends(h: &mut String, entries: &[IndexEntry<'_>]) {
    let map = IssuerMap::default();
    let mut issuers: BTreeMap<String, (&str, BTreeMap<u16, Vec<&Report>>)> = BTreeMap::new();
    for e in entries {
        if let (Some(issuer), Some(year)) = (&e.report.meta.issuer, e.report.meta.year) {
            issuers
                .entry(issuer_key(issuer, &map))
                .or_insert_with(|| (issuer.as_str(), BTreeMap::new()))
                .1
                .entry(year)
                .or_default()
                .push(e.report);
        }
    }
    let mut issuers: Vec<(&str, BTreeMap<u16, Vec<&Report>>)> = issuers.into_values().collect();
    issuers.retain(|(_, years)| years.len() >= 2);
    if issuers.is_empty() {
        return;
    }
    let names: Vec<&str> = TRENDS.iter().map(|(n, _)| *n).collect();
    let _ = write!(
        h,
        "<h2 id=\"trends\">各机关历年趋势</h2>\n<p class=\"hint\">有两个以上年度报告的机关：各年的件数（断开处为该年未能读出的数字）。</p>\n{}\n<div class=\"charts\">\n",
        chart::legend(&names)
    );
    for (issuer, by_year) in &issuers {
        let years: Vec<u16> = by_year.keys().copied().collect();
        let series: Vec<Series> = TRENDS
            .iter()
            .map(|(name, cells)| Series {
                name,
                points: by_year
                    .values()
                    .map(|reports| {
                        let mut figures = reports.iter().map(|r| figure(r, cells));
                        let first = figures.next().flatten()?;
                        figures.all(|f| f == Some(first)).then_some(first)
                    })
                    .collect(),
            })
            .collect();
        let _ = writeln!(
            h,
            "<figure class=\"chart\" data-issuer=\"{i}\"><figcaption>{i}</figcaption>{}</figure>",
            chart::trend(&years, &series, &format!("{issuer} 历年件数")),
            i = esc(issuer),
        );
    }
    h.push_str("</div>\n");
}

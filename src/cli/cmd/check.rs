//! `gongkai check`: the consistency rules of many reports, and across their years.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;

use gongkai::checks::across_years::{self, IssuerMap};
use gongkai::checks::{self, findings, Finding};
use gongkai::model::{Cell, CellContent, Report, Table};

use super::load;
use super::{emit, fail, EXIT_FINDING, EXIT_INPUT};

pub struct CheckOptions<'a> {
    pub json: bool,
    pub across_years: bool,
    pub issuer_map: Option<&'a Path>,
    pub extract: gongkai::ExtractOptions,
}

/// A failed rule: its subject as written (`subject`) and by its parts (`at`: the table,
/// row, column or cells), the cells it reads, and where each was printed (`sources`: the
/// cell, its `src`, and the printed text or the status of a cell without a value).
fn finding_json(f: &Finding, r: &Report) -> serde_json::Value {
    let sources: Vec<serde_json::Value> = f
        .cells
        .iter()
        .map(|key| {
            let cell = cell_of(r, key);
            json!({
                "cell": key,
                "src": cell.and_then(|c| c.src).map(|s| s.to_string()),
                "printed": cell.and_then(printed),
                "status": cell.and_then(|c| c.content.status()),
            })
        })
        .collect();
    json!({
        "rule": f.rule,
        "subject": f.subject.to_string(),
        "at": f.subject,
        "description": f.description,
        "cells": f.cells,
        "sources": sources,
    })
}

/// A standard-table cell by its `row/col` key.
fn cell_of<'r>(r: &'r Report, key: &str) -> Option<&'r Cell> {
    let (row, col) = key.split_once('/')?;
    r.tables.iter().find_map(|t| match t {
        Table::Standard(t) => t.cell(row, col),
        Table::Generic(_) => None,
    })
}

/// What the report printed for a cell with a value: its own text, or the value.
fn printed(cell: &Cell) -> Option<&str> {
    cell.value().map(|v| cell.raw.as_deref().unwrap_or(v))
}

/// Where a rule's cell was printed, for a person to look it up in the source:
/// `t3.row.granted/t3.col.total at p3 71.5 340.0 118.2 352.4 printed "12"`.
fn source_line(r: &Report, key: &str) -> String {
    let Some(cell) = cell_of(r, key) else {
        return format!("{key} not in the report");
    };
    let at = cell.src.map_or(String::new(), |s| format!(" at {s}"));
    match (&cell.content, printed(cell)) {
        (_, Some(p)) => format!("{key}{at} printed {p:?}"),
        (CellContent::Ambiguous(c), _) => format!("{key}{at} ambiguous {{{}}}", c.join(" | ")),
        (content, _) => format!("{key}{at} {}", content.status().unwrap_or_default()),
    }
}

/// Exit 0 when every rule holds, 1 when a rule (not a soft one) fails, 2 when an input is
/// unusable (the others are still checked and reported).
pub fn check(inputs: &[PathBuf], opts: &CheckOptions<'_>) -> ExitCode {
    let map = match opts.issuer_map {
        Some(p) => match IssuerMap::load(p) {
            Ok(m) => m,
            Err(e) => return fail(EXIT_INPUT, &p.display().to_string(), &e.to_string()),
        },
        None => IssuerMap::default(),
    };
    let c = load(inputs, &opts.extract, None);
    let templates = &opts.extract.templates;
    let (loaded, failures) = (&c.reports, &c.failures);
    let mut out = String::new();
    let mut json_reports = Vec::new();
    let (mut failed_reports, mut failures_n, mut warnings_n, mut ambiguous_n, mut missing_n) =
        (0, 0, 0, 0, 0);
    for l in loaded {
        let r = &l.report;
        let found = findings(r, templates);
        let mut ambiguous = Vec::new();
        let mut missing: BTreeMap<String, usize> = BTreeMap::new();
        let mut missing_cells = Vec::new();
        let in_place = checks::printed_in_place(r, templates);
        let variant = checks::absent_by_layout(r, templates);
        for t in &r.tables {
            let gongkai::model::Table::Standard(t) = t else {
                continue;
            };
            for row in t.rows.iter().filter(|row| !variant.contains(&row.id)) {
                for cell in &row.cells {
                    match &cell.content {
                        CellContent::Ambiguous(c) => {
                            ambiguous.push((format!("{}/{}", row.id, cell.col), c.clone()))
                        }
                        CellContent::Missing => {
                            *missing.entry(row.id.clone()).or_default() += 1;
                            missing_cells.push(format!("{}/{}", row.id, cell.col));
                        }
                        _ => {}
                    }
                }
            }
        }
        let hard = found.iter().filter(|f| !f.soft).count();
        let soft = found.len() - hard;
        failed_reports += usize::from(hard > 0);
        failures_n += hard;
        warnings_n += soft;
        ambiguous_n += ambiguous.len();
        missing_n += missing_cells.len();
        let m = &r.meta;
        let name = l.path.display().to_string();
        if opts.json {
            json_reports.push(json!({
                "path": name,
                "source": {"name": m.source.name, "sha256": m.source.sha256},
                "issuer": m.issuer, "year": m.year, "template": m.template_name(),
                "failed": found.iter().filter(|f| !f.soft).map(|f| finding_json(f, r)).collect::<Vec<_>>(),
                "warnings": found.iter().filter(|f| f.soft).map(|f| finding_json(f, r)).collect::<Vec<_>>(),
                "ambiguous": ambiguous.iter().map(|(k, c)| json!({"cell": k, "candidates": c})).collect::<Vec<_>>(),
                "missing": missing_cells,
                "diagnostics": r.diagnostics.iter().map(|d| json!({"level": d.level.as_str(), "code": d.code, "where": d.location.to_string(), "at": d.location, "message": d.message})).collect::<Vec<_>>(),
            }));
            continue;
        }
        if found.is_empty() && ambiguous.is_empty() && missing.is_empty() && variant.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "{name} · {} {} {}\n",
            m.issuer.as_deref().unwrap_or("(issuer not stated)"),
            m.year
                .map_or("(year not stated)".to_string(), |y| y.to_string()),
            m.template_name()
        ));
        for f in &found {
            out.push_str(&format!(
                "  {} {} {}\n",
                if f.soft { "WARN" } else { "FAIL" },
                f.rule,
                f.description
            ));
            for key in &f.cells {
                out.push_str(&format!("    {}\n", source_line(r, key)));
            }
        }
        if !ambiguous.is_empty() {
            let shown: Vec<String> = ambiguous
                .iter()
                .take(6)
                .map(|(k, c)| format!("{k} {{{}}}", c.join(" | ")))
                .collect();
            let more = if ambiguous.len() > 6 {
                format!(", … {} more", ambiguous.len() - 6)
            } else {
                String::new()
            };
            out.push_str(&format!(
                "  ambiguous ({}): {}{more}\n",
                ambiguous.len(),
                shown.join(", ")
            ));
        }
        if !missing.is_empty() {
            let rows: Vec<String> = missing
                .iter()
                .map(|(row, n)| format!("{row} ({n})"))
                .collect();
            out.push_str(&format!(
                "  missing ({}): {}\n",
                missing_cells.len(),
                rows.join(", ")
            ));
        }
        for opt in in_place {
            let label = templates
                .row(&opt.row)
                .map_or(opt.row.as_str(), |r| r.label.as_str());
            let layout = opt
                .as_in
                .as_ref()
                .map_or(String::new(), |t| format!(" (the {t} layout)"));
            out.push_str(&format!(
                "  note: {label} is printed as one row{layout}; {} are not in this report\n",
                opt.parts.join(", ")
            ));
        }
    }
    let (cross, unplaced) = if opts.across_years {
        across_years::check(loaded, &map, templates)
    } else {
        (Vec::new(), Vec::new())
    };
    let summary = format!(
        "{} report(s): {} with failed rules ({} failures), {} warning(s), {} ambiguous and {} missing cell(s){}{}",
        loaded.len(),
        failed_reports,
        failures_n,
        warnings_n,
        ambiguous_n,
        missing_n,
        if opts.across_years { format!(", {} cross-year warning(s)", cross.len()) } else { String::new() },
        if failures.is_empty() { String::new() } else { format!("; {} input(s) unusable", failures.len()) }
    ) + &if c.no_report.is_empty() { String::new() } else { format!("; {} input(s) holding no report", c.no_report.len()) }
      + &if c.skipped.is_empty() { String::new() } else { format!("; {}", c.skipped) };
    if opts.json {
        let doc = json!({
            "reports": json_reports,
            "across_years": cross.iter().map(|c| json!({"rule": c.rule, "issuer": c.issuer, "years": [c.years.0, c.years.1], "sources": [c.sources.0, c.sources.1], "description": c.description})).collect::<Vec<_>>(),
            "unplaced": unplaced.iter().map(|u| json!({"source": u.source, "reason": u.reason})).collect::<Vec<_>>(),
            "unusable": failures.iter().map(|f| json!({"path": f.path.display().to_string(), "reason": f.reason})).collect::<Vec<_>>(),
            "no_report": c.no_report.iter().map(|l| json!({"path": l.path.display().to_string(), "source": {"name": l.report.meta.source.name, "sha256": l.report.meta.source.sha256}})).collect::<Vec<_>>(),
            "summary": summary,
        });
        out = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
    } else {
        if opts.across_years {
            out.push_str("across years\n");
            for c in &cross {
                out.push_str(&format!(
                    "  WARN {} {} {}→{} ({} → {}): {}\n",
                    c.rule, c.issuer, c.years.0, c.years.1, c.sources.0, c.sources.1, c.description
                ));
            }
            for u in &unplaced {
                out.push_str(&format!("  note: {}: {}\n", u.source, u.reason));
            }
        }
        if !c.no_report.is_empty() {
            out.push_str("holding no report (template none; not counted as reports)\n");
            for l in &c.no_report {
                out.push_str(&format!("  {}\n", l.path.display()));
            }
        }
        out.push_str(&summary);
        out.push('\n');
    }
    if let Err(code) = emit(out.as_bytes(), None) {
        return code;
    }
    if !failures.is_empty() {
        ExitCode::from(EXIT_INPUT)
    } else if failures_n > 0 {
        ExitCode::from(EXIT_FINDING)
    } else {
        ExitCode::SUCCESS
    }
}

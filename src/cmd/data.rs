//! `gongkai export`, `check` and `show`: clean data and review across many reports.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;

use gongkai::across_years::{self, IssuerMap};
use gongkai::checks::{self, findings};
use gongkai::collect::{load_all, Collected, Loaded};
use gongkai::export;
use gongkai::model::CellContent;
use gongkai::show;

use super::{emit, fail, refuse_onto_input, EXIT_FINDING, EXIT_INPUT, EXIT_OUTPUT};

/// Loads the inputs (never reading `output`), naming every unusable one on standard error.
fn load(inputs: &[PathBuf], limits: &gongkai::Limits, output: Option<&Path>) -> Collected {
    let c = load_all(inputs, limits, output);
    for f in &c.failures {
        eprintln!("gongkai: {}: {}", f.path.display(), f.reason);
    }
    c
}

/// Notes on standard error what was read but is no report, and what the walk skipped.
fn note_no_reports_and_skips(c: &Collected, what: &str) {
    for l in &c.no_report {
        eprintln!(
            "note: {}: holds no report (template none); {what}",
            l.path.display()
        );
    }
    if !c.skipped.is_empty() {
        eprintln!("note: {}", c.skipped);
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

pub struct ExportOptions<'a> {
    pub format: ExportFormat,
    pub wide: bool,
    pub bom: bool,
    pub output: Option<&'a Path>,
    pub limits: gongkai::Limits,
}

/// Exit 0 when every input was read, 1 when some were not (the rest is exported), 2 when
/// none could be.
pub fn export(inputs: &[PathBuf], opts: &ExportOptions<'_>) -> ExitCode {
    if let Some(out) = opts.output {
        if let Err(code) = refuse_onto_input(out, inputs) {
            return code;
        }
    }
    let c = load(inputs, &opts.limits, opts.output);
    note_no_reports_and_skips(&c, "not exported");
    let (loaded, failures) = (&c.reports, &c.failures);
    if loaded.is_empty() && c.no_report.is_empty() && !failures.is_empty() {
        return ExitCode::from(EXIT_INPUT);
    }
    let mut bytes = Vec::new();
    let written = match (opts.format, opts.wide) {
        (ExportFormat::Csv, false) => {
            let header: Vec<String> = export::COLUMNS.iter().map(|s| s.to_string()).collect();
            let rows = export::tidy_rows(loaded).into_iter().map(|r| r.to_vec());
            export::write_csv(&mut bytes, &header, rows, opts.bom)
        }
        (ExportFormat::Csv, true) => {
            let (header, rows) = export::wide_rows(loaded);
            export::write_csv(&mut bytes, &header, rows, opts.bom)
        }
        (ExportFormat::Json, false) => export::write_json(&mut bytes, &export::tidy_rows(loaded)),
        (ExportFormat::Json, true) => {
            let (header, rows) = export::wide_rows(loaded);
            let objects: Vec<serde_json::Value> = rows
                .iter()
                .map(|row| {
                    let fields: serde_json::Map<String, serde_json::Value> = header
                        .iter()
                        .zip(row)
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                if v.is_empty() {
                                    serde_json::Value::Null
                                } else {
                                    v.clone().into()
                                },
                            )
                        })
                        .collect();
                    serde_json::Value::Object(fields)
                })
                .collect();
            serde_json::to_writer_pretty(&mut bytes, &objects).map_err(std::io::Error::other)
        }
    };
    if let Err(e) = written {
        return fail(EXIT_OUTPUT, "<output>", &e.to_string());
    }
    if let Err(code) = emit(&bytes, opts.output) {
        return code;
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FINDING)
    }
}

pub struct CheckOptions<'a> {
    pub json: bool,
    pub across_years: bool,
    pub issuer_map: Option<&'a Path>,
    pub limits: gongkai::Limits,
}

/// Exit 0 when every rule holds, 1 when a rule (not a soft one) fails, 2 when an input is
/// unusable (the others are still checked and reported).
pub fn check(inputs: &[PathBuf], opts: &CheckOptions<'_>) -> ExitCode {
    let map = match opts.issuer_map {
        Some(p) => match IssuerMap::load(p) {
            Ok(m) => m,
            Err(e) => return fail(EXIT_INPUT, &p.display().to_string(), &e),
        },
        None => IssuerMap::default(),
    };
    let c = load(inputs, &opts.limits, None);
    let (loaded, failures) = (&c.reports, &c.failures);
    let mut out = String::new();
    let mut json_reports = Vec::new();
    let (mut failed_reports, mut failures_n, mut warnings_n, mut ambiguous_n, mut missing_n) =
        (0, 0, 0, 0, 0);
    for l in loaded {
        let r = &l.report;
        let found = findings(r);
        let mut ambiguous = Vec::new();
        let mut missing: BTreeMap<String, usize> = BTreeMap::new();
        let mut missing_cells = Vec::new();
        let variant = checks::absent_by_layout(r);
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
                "issuer": m.issuer, "year": m.year, "template": m.template.as_str(),
                "failed": found.iter().filter(|f| !f.soft).map(|f| json!({"rule": f.rule, "subject": f.subject, "description": f.description, "cells": f.cells})).collect::<Vec<_>>(),
                "warnings": found.iter().filter(|f| f.soft).map(|f| json!({"rule": f.rule, "subject": f.subject, "description": f.description, "cells": f.cells})).collect::<Vec<_>>(),
                "ambiguous": ambiguous.iter().map(|(k, c)| json!({"cell": k, "candidates": c})).collect::<Vec<_>>(),
                "missing": missing_cells,
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
            m.template.as_str()
        ));
        for f in &found {
            out.push_str(&format!(
                "  {} {} {}\n",
                if f.soft { "WARN" } else { "FAIL" },
                f.rule,
                f.description
            ));
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
        if !variant.is_empty() {
            out.push_str(&format!(
                "  note: （六）其他处理 is printed as one row (the v2019 layout); {} are not in this report\n",
                variant.join(", ")
            ));
        }
    }
    let (cross, unplaced) = if opts.across_years {
        across_years::check(loaded, &map)
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

/// One input file: its page at `output`. A folder, a sealed archive or several inputs:
/// `output` is a folder that gets `index.html` and a page per report. Exit 1 when some inputs were unusable.
pub fn show(inputs: &[PathBuf], output: &Path, limits: &gongkai::Limits) -> ExitCode {
    if let Err(code) = refuse_onto_input(output, inputs) {
        return code;
    }
    let c = load(inputs, limits, Some(output));
    let failures = &c.failures;
    let Some(first) = c.reports.first().or(c.no_report.first()) else {
        return ExitCode::from(EXIT_INPUT);
    };
    // One report file gets a page; an archive, a folder or several inputs get a folder.
    let single = inputs.len() == 1 && inputs[0].is_file() && !gongkai::collect::is_zip(&inputs[0]);
    if single {
        if let Err(code) = emit(show::page(&first.report).as_bytes(), Some(output)) {
            return code;
        }
    } else {
        note_no_reports_and_skips(&c, "listed apart in the index");
        if let Err(e) = std::fs::create_dir_all(output) {
            return fail(EXIT_OUTPUT, &output.display().to_string(), &e.to_string());
        }
        let (reports, no_report) = match (pages(&c.reports, output), pages(&c.no_report, output)) {
            (Ok(r), Ok(n)) => (r, n),
            (Err(code), _) | (_, Err(code)) => return code,
        };
        if let Err(code) = emit(
            show::index(&reports, &no_report).as_bytes(),
            Some(&output.join("index.html")),
        ) {
            return code;
        }
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FINDING)
    }
}

/// Writes a review page for each report in `folder`; their lines of the index.
fn pages<'a>(loaded: &'a [Loaded], folder: &Path) -> Result<Vec<show::IndexEntry<'a>>, ExitCode> {
    let mut entries = Vec::new();
    for l in loaded {
        let page = show::page_name(&l.report);
        emit(show::page(&l.report).as_bytes(), Some(&folder.join(&page)))?;
        entries.push(show::IndexEntry {
            report: &l.report,
            page,
        });
    }
    Ok(entries)
}

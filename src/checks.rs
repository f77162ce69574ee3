//! The consistency checks (勾稽关系, spec §6) on a recognised report: every rule that
//! applies, with pass, fail (expected and actual) or skip.

use std::sync::OnceLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use crate::model::{CellContent, Check, CheckResult, Diagnostic, Level, Report, StandardTable};
use crate::number::{self, format_decimal};
use crate::rules::{self, Outcome, Term};
use crate::template::{templates, Template, ValueKind};

/// Runs every rule of the report's template over its standard tables.
pub fn run(report: &Report, template: &Template) -> (Vec<Check>, Vec<Diagnostic>) {
    let t = templates();
    let mut checks = Vec::new();
    let mut diags = Vec::new();
    for tt in &template.tables {
        let Some(table) = report.standard_table(&tt.id) else {
            continue;
        };
        // Rows the report printed: a printed optional row replaces its parts.
        let replaced: Vec<&str> = tt
            .optional
            .iter()
            .filter(|o| table.rows.iter().any(|r| r.id == o.row))
            .flat_map(|o| o.parts.iter().map(String::as_str))
            .collect();
        let printed: Vec<&str> = table
            .rows
            .iter()
            .map(|r| r.id.as_str())
            .filter(|r| !replaced.contains(r))
            .collect();
        let instances = rules::instances(tt, &printed);
        let derived = rules::derived(&instances, |k| term(table, &k.row, &k.col));
        for inst in instances {
            let outcome = inst.evaluate(|k| match derived.get(k) {
                Some(v) => Term::Value(*v),
                None => term(table, &k.row, &k.col),
            });
            let (result, expected, actual) = match outcome {
                Outcome::Pass => (CheckResult::Pass, None, None),
                Outcome::Skip => (CheckResult::Skip, None, None),
                Outcome::Fail { expected, actual } => (
                    CheckResult::Fail,
                    Some(format_decimal(expected)),
                    Some(format_decimal(actual)),
                ),
            };
            if result == CheckResult::Fail {
                diags.push(Diagnostic::new(
                    Level::Warning,
                    "rule-failed",
                    inst.subject.clone(),
                    format!(
                        "{} fails for {}: expected {}, printed {}",
                        inst.rule,
                        inst.subject,
                        expected.as_deref().unwrap_or("?"),
                        actual.as_deref().unwrap_or("?")
                    ),
                ));
            }
            checks.push(Check {
                rule: inst.rule,
                subject: inst.subject,
                result,
                expected,
                actual,
            });
        }
    }
    for rule in &t.sign_rules {
        for tt in &template.tables {
            let Some(table) = report.standard_table(&tt.id) else {
                continue;
            };
            checks.extend(sign_checks(&rule.id, table));
        }
    }
    for rule in &t.narrative_rules {
        checks.extend(narrative_check(report, rule));
    }
    (checks, diags)
}

fn term(table: &StandardTable, row: &str, col: &str) -> Term {
    match table.cell(row, col).map(|c| &c.content) {
        Some(CellContent::Value(v)) => rules::term_of(v),
        Some(CellContent::Blank) => Term::Blank,
        _ => Term::Unknown,
    }
}

/// Only columns of type `signed` may hold negative values: one failing check per negative
/// cell elsewhere, or one passing check for the table.
fn sign_checks(rule: &str, table: &StandardTable) -> Vec<Check> {
    let t = templates();
    let mut fails = Vec::new();
    for row in &table.rows {
        for cell in &row.cells {
            let signed = t
                .column(&cell.col)
                .is_some_and(|c| c.kind == ValueKind::Signed);
            if let Some(v) = cell.value() {
                if v.starts_with('-') && !signed {
                    fails.push(Check {
                        rule: rule.to_string(),
                        subject: format!("{}/{}", row.id, cell.col),
                        result: CheckResult::Fail,
                        expected: Some("0 or more".into()),
                        actual: Some(v.to_string()),
                    });
                }
            }
        }
    }
    if fails.is_empty() {
        fails.push(Check {
            rule: rule.to_string(),
            subject: table.id.clone(),
            result: CheckResult::Pass,
            expected: None,
            actual: None,
        });
    }
    fails
}

/// A total the prose states must equal its cell (soft: reported, never used to read).
fn narrative_check(report: &Report, rule: &crate::template::NarrativeRule) -> Option<Check> {
    static CACHE: OnceLock<Vec<Regex>> = OnceLock::new();
    let patterns = CACHE.get_or_init(|| {
        templates()
            .narrative_rules
            .iter()
            .map(|r| Regex::new(&r.pattern).expect("validated when the templates load"))
            .collect()
    });
    let idx = templates()
        .narrative_rules
        .iter()
        .position(|r| r.id == rule.id && r.cell == rule.cell)?;
    let re = &patterns[idx];
    let stated = report
        .sections
        .iter()
        .filter(|s| rule.sections.contains(&s.id))
        .flat_map(|s| s.paragraphs.iter())
        .find_map(|p| {
            let norm: String = p.nfkc().filter(|c| !c.is_whitespace()).collect();
            re.captures(&norm).and_then(|c| number::normalise(&c[1]))
        })?;
    let (row, col) = rule.cell.split_once('/')?;
    let table = report.standard_table(row.split('.').next()?)?;
    let (result, expected, actual) = match table.cell(row, col).and_then(|c| c.value()) {
        Some(v) if number::decimal(v) == number::decimal(&stated) => {
            (CheckResult::Pass, None, None)
        }
        Some(v) => (CheckResult::Fail, Some(stated), Some(v.to_string())),
        None => (CheckResult::Skip, None, None),
    };
    Some(Check {
        rule: rule.id.clone(),
        subject: rule.cell.clone(),
        result,
        expected,
        actual,
    })
}

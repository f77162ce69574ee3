//! The consistency checks (勾稽关系, spec §6) on a recognised report: every rule that
//! applies, with pass, fail (expected and actual) or skip — and, for people, each failure
//! spelled out with its cells (`R-T3-BALANCE 自然人: 一+二 = 21+0 = 21, 三+四 = 20+0 = 20`).

pub mod across_years;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::text::normalise::squeezed;
use rust_decimal::Decimal;

use crate::model::{
    CellContent, CellRef, Check, CheckResult, Diagnostic, Level, Location, Report, StandardTable,
};
use crate::template::rules::{self, CellKey, Outcome, RuleInstance, Term};
use crate::template::{
    NarrativeRule, OptionalRow, RuleScope, TableTemplate, Template, Templates, ValueKind,
};
use crate::text::number::{self, format_decimal};

/// A standard table with its rule instances and the values the rules derive for blank
/// totals (a blank 总计 counts as its row's sum in the other rules).
struct Evaluated<'a> {
    template: &'a TableTemplate,
    table: &'a StandardTable,
    instances: Arc<[RuleInstance]>,
    derived: BTreeMap<CellKey, Decimal>,
}

impl<'a> Evaluated<'a> {
    fn of(report: &'a Report, tt: &'a TableTemplate, t: &Templates) -> Option<Evaluated<'a>> {
        let table = report.standard_table(&tt.id)?;
        let instances = table_rules(table, tt, t);
        let derived = rules::derived(&instances, |k| cell_term(table, k));
        Some(Evaluated {
            template: tt,
            table,
            instances,
            derived,
        })
    }

    fn term(&self, k: &CellKey) -> Term {
        match self.derived.get(k) {
            Some(v) => Term::Value(*v),
            None => cell_term(self.table, k),
        }
    }
}

/// The rule instances of a table as the report prints it (an optional row printed in
/// place of its parts stands for them).
pub fn table_rules(
    table: &StandardTable,
    tt: &TableTemplate,
    t: &Templates,
) -> Arc<[RuleInstance]> {
    let replaced = replaced_rows(tt, table);
    let printed: Vec<&str> = table
        .rows
        .iter()
        .map(|r| r.id.as_str())
        .filter(|r| !replaced.contains(r))
        .collect();
    rules::instances(t, tt, &printed)
}

/// Rows a table lacks because the report prints an optional row in their place (a v2021
/// report keeping the single （六）其他处理 row, spec §7.4).
fn replaced_rows<'t>(tt: &'t TableTemplate, table: &StandardTable) -> Vec<&'t str> {
    tt.optional
        .iter()
        .filter(|o| table.rows.iter().any(|r| r.id == o.row))
        .flat_map(|o| o.parts.iter().map(String::as_str))
        .collect()
}

/// The optional rows a report prints in place of their parts: the parts are absent by its
/// layout, not unread (their cells are `missing` in the XML, but no one needs to look for
/// them).
pub fn printed_in_place<'t>(report: &Report, templates: &'t Templates) -> Vec<&'t OptionalRow> {
    let Some(tpl) = template_of(report, templates) else {
        return Vec::new();
    };
    tpl.tables
        .iter()
        .filter_map(|tt| {
            let table = report.standard_table(&tt.id)?;
            Some(
                tt.optional
                    .iter()
                    .filter(move |o| table.rows.iter().any(|r| r.id == o.row)),
            )
        })
        .flatten()
        .collect()
}

/// The rows of a report that are absent by its layout: the parts of
/// [`printed_in_place`]'s rows.
pub fn absent_by_layout(report: &Report, templates: &Templates) -> Vec<String> {
    printed_in_place(report, templates)
        .into_iter()
        .flat_map(|o| o.parts.iter().cloned())
        .collect()
}

/// The template a report names, when the templates define it.
pub fn template_of<'t>(report: &Report, templates: &'t Templates) -> Option<&'t Template> {
    report
        .meta
        .template
        .as_deref()
        .and_then(|id| templates.template(id))
}

/// What a rule sees of a cell of the table.
pub fn cell_term(table: &StandardTable, k: &CellKey) -> Term {
    match table.cell(&k.row, &k.col).map(|c| &c.content) {
        Some(CellContent::Value(v)) => rules::term_of(v),
        Some(CellContent::Blank) => Term::Blank,
        _ => Term::Unknown,
    }
}

/// One rule applied to one subject: the check the XML records and, when it fails, the
/// failure spelled out for a person (and, for a linear rule, the warning the XML carries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub check: Check,
    pub finding: Option<Finding>,
    pub diagnostic: Option<Diagnostic>,
}

/// Every rule of the template over the report's standard tables and prose, in the order
/// of `<checks>`: linear rules table by table, the sign rule for each table, then the
/// narrative rules. The one evaluation from which both `<checks>` ([`run`]) and what
/// `check` and `show` say ([`findings`]) are taken.
pub fn evaluate(report: &Report, template: &Template, t: &Templates) -> Vec<Evaluation> {
    let tables: Vec<Evaluated<'_>> = template
        .tables
        .iter()
        .filter_map(|tt| Evaluated::of(report, tt, t))
        .collect();
    let mut out = Vec::new();
    for ev in &tables {
        out.extend(
            ev.instances
                .iter()
                .map(|inst| linear_evaluation(inst, ev, t)),
        );
    }
    let signed = signed_labels(template, t);
    for rule in &t.sign_rules {
        for ev in &tables {
            out.extend(sign_evaluations(&rule.id, ev.table, &signed, t));
        }
    }
    out.extend(
        narrative_checks(report, &tables, t)
            .into_iter()
            .map(|n| narrative_evaluation(n, t)),
    );
    out
}

/// The labels of the columns of a template that may hold negative values (`本年增/减`).
fn signed_labels(template: &Template, t: &Templates) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for col in template.tables.iter().flat_map(|tt| tt.columns()) {
        if let Some(def) = t.column(col).filter(|c| c.kind == ValueKind::Signed) {
            if !labels.contains(&def.label) {
                labels.push(def.label.clone());
            }
        }
    }
    labels
}

/// The checks and the warnings of failed rules, as the XML records them.
pub fn run(report: &Report, template: &Template, t: &Templates) -> (Vec<Check>, Vec<Diagnostic>) {
    let mut checks = Vec::new();
    let mut diags = Vec::new();
    for e in evaluate(report, template, t) {
        checks.push(e.check);
        diags.extend(e.diagnostic);
    }
    (checks, diags)
}

/// Every failed rule of a report, with its cells and their values.
pub fn findings(report: &Report, t: &Templates) -> Vec<Finding> {
    let Some(template) = template_of(report, t) else {
        return Vec::new();
    };
    evaluate(report, template, t)
        .into_iter()
        .filter_map(|e| e.finding)
        .collect()
}

fn linear_evaluation(inst: &RuleInstance, ev: &Evaluated<'_>, t: &Templates) -> Evaluation {
    let table = ev.table.id.as_str();
    // A rule over columns or over one cell is checked down a column (its subject is the
    // left cell's column), one over rows along a row.
    let subject = match inst.scope {
        RuleScope::Columns | RuleScope::Cell => Location::column(table, &inst.subject),
        RuleScope::Rows => Location::row(table, &inst.subject),
    };
    let check = |result, expected, actual| Check {
        rule: inst.rule.clone(),
        subject: subject.clone(),
        result,
        expected,
        actual,
    };
    let (expected, actual) = match inst.evaluate(|k| ev.term(k)) {
        Outcome::Pass => return passed(check(CheckResult::Pass, None, None)),
        Outcome::Skip => return passed(check(CheckResult::Skip, None, None)),
        Outcome::Fail { expected, actual } => (expected, actual),
    };
    let check = check(
        CheckResult::Fail,
        Some(format_decimal(expected)),
        Some(format_decimal(actual)),
    );
    let diagnostic = Diagnostic::new(
        Level::Warning,
        "rule-failed",
        subject.clone(),
        format!(
            "{} fails for {}: expected {}, printed {}",
            inst.rule,
            inst.subject,
            format_decimal(expected),
            format_decimal(actual)
        ),
    );
    let finding = Finding {
        rule: inst.rule.clone(),
        subject,
        soft: false,
        description: describe(inst, ev, expected, actual, t),
        cells: inst
            .left
            .iter()
            .chain(&inst.right)
            .map(|k| format!("{}/{}", k.row, k.col))
            .collect(),
    };
    Evaluation {
        check,
        finding: Some(finding),
        diagnostic: Some(diagnostic),
    }
}

/// A check that did not fail: nothing to say about it.
fn passed(check: Check) -> Evaluation {
    Evaluation {
        check,
        finding: None,
        diagnostic: None,
    }
}

/// Only columns of type `signed` may hold negative values: one failing
/// check per negative cell elsewhere, or one passing check for the table.
fn sign_evaluations(
    rule: &str,
    table: &StandardTable,
    signed: &[String],
    t: &Templates,
) -> Vec<Evaluation> {
    let allowed = if signed.is_empty() {
        "no cell may be negative".to_string()
    } else {
        format!("only {} may be negative", signed.join(", "))
    };
    let fails: Vec<Evaluation> = negative_cells(table, t)
        .into_iter()
        .map(|(key, v)| {
            let cell = format!("{}/{}", key.row, key.col);
            let subject = Location::cell(&table.id, &key.row, &key.col);
            Evaluation {
                finding: Some(Finding {
                    rule: rule.to_string(),
                    subject: subject.clone(),
                    soft: false,
                    description: format!(
                        "{} {}: {v}, but {allowed}",
                        row_name(t, &key.row),
                        col_name(t, &key.col)
                    ),
                    cells: vec![cell],
                }),
                check: Check {
                    rule: rule.to_string(),
                    subject,
                    result: CheckResult::Fail,
                    expected: Some("0 or more".into()),
                    actual: Some(v),
                },
                diagnostic: None,
            }
        })
        .collect();
    if !fails.is_empty() {
        return fails;
    }
    vec![passed(Check {
        rule: rule.to_string(),
        subject: Location::table(&table.id),
        result: CheckResult::Pass,
        expected: None,
        actual: None,
    })]
}

fn negative_cells(table: &StandardTable, t: &Templates) -> Vec<(CellKey, String)> {
    let mut out = Vec::new();
    for row in &table.rows {
        for cell in &row.cells {
            let signed = t
                .column(&cell.col)
                .is_some_and(|c| c.kind == ValueKind::Signed);
            if let Some(v) = cell.value() {
                if v.starts_with('-') && !signed {
                    out.push((CellKey::new(&row.id, &cell.col), v.to_string()));
                }
            }
        }
    }
    out
}

/// A narrative rule evaluated: the rule's index, its check, what the prose stated and
/// where (the paragraph the rule's pattern matched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NarrativeCheck {
    /// The rule's index in the templates' narrative rules.
    pub index: usize,
    pub check: Check,
    /// The number the prose states, normalised.
    pub stated: String,
    /// The index of the section in the report's sections, and of the paragraph in it.
    pub section: usize,
    pub paragraph: usize,
}

/// Every narrative rule whose number the prose states, with the paragraph stating it and
/// the check of that number against the table (what `show` highlights in the text).
pub fn narrative_statements(report: &Report, t: &Templates) -> Vec<NarrativeCheck> {
    let Some(template) = template_of(report, t) else {
        return Vec::new();
    };
    let tables: Vec<Evaluated<'_>> = template
        .tables
        .iter()
        .filter_map(|tt| Evaluated::of(report, tt, t))
        .collect();
    narrative_checks(report, &tables, t)
}

/// Every narrative rule whose number the prose states: that number must equal its cells
/// (soft: reported, never used to read), a blank 总计 counting as its row's sum as in the
/// other rules. The prose is normalised once per report, not once per rule: NFKC is the
/// costly step.
fn narrative_checks(
    report: &Report,
    tables: &[Evaluated<'_>],
    t: &Templates,
) -> Vec<NarrativeCheck> {
    let rules = &t.narrative_rules;
    let prose: Vec<(&str, (usize, usize), String)> = report
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| rules.iter().any(|r| r.sections.contains(&s.id)))
        .flat_map(|(i, s)| {
            s.paragraphs
                .iter()
                .enumerate()
                .map(move |(j, p)| (s.id.as_str(), (i, j), squeezed(p)))
        })
        .collect();
    rules
        .iter()
        .enumerate()
        .filter_map(|(index, rule)| {
            let ((section, paragraph), stated) =
                rule.compiled_patterns().iter().find_map(|re| {
                    prose
                        .iter()
                        .filter(|(section, _, _)| rule.sections.iter().any(|s| s == section))
                        .find_map(|(_, at, p)| {
                            let stated = re.captures(p).and_then(|c| number::normalise(&c[1]))?;
                            Some((*at, stated))
                        })
                })?;
            Some(NarrativeCheck {
                index,
                check: narrative_result(tables, rule, &stated),
                stated,
                section,
                paragraph,
            })
        })
        .collect()
}

fn narrative_result(tables: &[Evaluated<'_>], rule: &NarrativeRule, stated: &str) -> Check {
    let term = |cell: &str| -> Term {
        let Some((row, col)) = cell.split_once('/') else {
            return Term::Unknown;
        };
        tables
            .iter()
            .find(|ev| ev.template.block_of(row).is_some())
            .map_or(Term::Unknown, |ev| ev.term(&CellKey::new(row, col)))
    };
    let mut sum = Some(Decimal::ZERO);
    for cell in &rule.cells {
        sum = match (sum, term(cell)) {
            (Some(s), Term::Value(v)) => s.checked_add(v),
            (Some(s), Term::Blank) => Some(s),
            _ => None,
        };
    }
    let (result, expected, actual) = match sum {
        Some(v) if number::decimal(stated) == Some(v) => (CheckResult::Pass, None, None),
        Some(v) => (
            CheckResult::Fail,
            Some(stated.to_string()),
            Some(format_decimal(v)),
        ),
        None => (CheckResult::Skip, None, None),
    };
    // The cells by their tables; a cell of no table of the template is named as written.
    let cells: Option<Vec<CellRef>> = rule
        .cells
        .iter()
        .map(|cell| {
            let (row, col) = cell.split_once('/')?;
            let ev = tables
                .iter()
                .find(|ev| ev.template.block_of(row).is_some())?;
            Some(CellRef {
                table: ev.table.id.clone(),
                row: row.to_string(),
                col: col.to_string(),
            })
        })
        .collect();
    Check {
        rule: rule.id.clone(),
        subject: cells.map_or_else(|| rule.cells.join("+").into(), Location::cells),
        result,
        expected,
        actual,
    }
}

/// A failed rule, spelled out for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: String,
    /// What the rule was checked on, as its check records it.
    pub subject: Location,
    /// A soft rule (the narrative, cross-year): a warning, not a failure.
    pub soft: bool,
    /// `自然人: 一+二 = 21+0 = 21, 三+四 = 20+0 = 20`
    pub description: String,
    /// The cells the rule reads, `row/col`.
    pub cells: Vec<String>,
}

/// A narrative rule's check; when it fails, what the text states against the table.
fn narrative_evaluation(n: NarrativeCheck, t: &Templates) -> Evaluation {
    let NarrativeCheck {
        index,
        check,
        stated,
        ..
    } = n;
    if check.result != CheckResult::Fail {
        return passed(check);
    }
    let rule = &t.narrative_rules[index];
    let names: Vec<String> = rule
        .cells
        .iter()
        .filter_map(|c| c.split_once('/'))
        .map(|(r, c)| format!("{} {}", row_name(t, r), col_name(t, c)))
        .collect();
    let finding = Finding {
        rule: check.rule.clone(),
        subject: check.subject.clone(),
        soft: true,
        description: format!(
            "the text states {stated}, the table has {} ({})",
            check.actual.as_deref().unwrap_or_default(),
            names.join(" + ")
        ),
        cells: rule.cells.clone(),
    };
    Evaluation {
        check,
        finding: Some(finding),
        diagnostic: None,
    }
}

/// `自然人: 一+二 = 21+0 = 21, 三+四 = 20+0 = 20`: the subject, then each side's terms,
/// values and sum (the side the rule expects first).
fn describe(
    inst: &RuleInstance,
    ev: &Evaluated<'_>,
    expected: Decimal,
    actual: Decimal,
    t: &Templates,
) -> String {
    let subject = match inst.scope {
        RuleScope::Columns | RuleScope::Cell => col_name(t, &inst.subject),
        RuleScope::Rows => row_name(t, &inst.subject),
    };
    let name = |k: &CellKey| -> String {
        match inst.scope {
            RuleScope::Columns => row_name(t, &k.row),
            RuleScope::Rows => col_name(t, &k.col),
            // A column label's last word: `行政复议 结果维持` is 结果维持 beside 行政复议 总计.
            RuleScope::Cell => col_name(t, &k.col)
                .split_whitespace()
                .last()
                .unwrap_or_default()
                .to_string(),
        }
    };
    let side = |keys: &[CellKey], sum: Decimal| -> String {
        let names: Vec<String> = keys.iter().map(name).collect();
        let values: Vec<String> = keys
            .iter()
            .map(|k| match ev.term(k) {
                Term::Value(v) => format_decimal(v),
                // How a blank cell reads in a sum (a word of the messages, not a label).
                Term::Blank => "空".to_string(),
                Term::Unknown => "?".to_string(),
            })
            .collect();
        if keys.len() == 1 {
            format!("{} = {}", names[0], format_decimal(sum))
        } else {
            format!(
                "{} = {} = {}",
                names.join("+"),
                values.join("+"),
                format_decimal(sum)
            )
        }
    };
    format!(
        "{subject}: {}, {}",
        side(&inst.right, expected),
        side(&inst.left, actual)
    )
}

/// A row as messages name it: its short name (`一`, `(三)1`) or label.
pub fn row_name(t: &Templates, id: &str) -> String {
    t.row(id)
        .map_or_else(|| id.to_string(), |r| r.short().to_string())
}

/// A column as messages name it: its printed label.
pub fn col_name(t: &Templates, id: &str) -> String {
    t.column(id)
        .map_or_else(|| id.to_string(), |c| c.label.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hongze() -> Report {
        let bytes = include_bytes!("../../golden/hongze-2023-layout/expected.xml");
        crate::writers::xml::from_bytes(bytes).unwrap()
    }

    /// A v2019 report on which every rule holds.
    fn meilie() -> Report {
        let bytes = include_bytes!("../../golden/meilie-2020-pipe/expected.xml");
        crate::writers::xml::from_bytes(bytes).unwrap()
    }

    fn set(report: &mut Report, row: &str, col: &str, value: &str) {
        set_content(report, row, col, CellContent::Value(value.into()));
    }

    fn set_content(report: &mut Report, row: &str, col: &str, content: CellContent) {
        let table = row.split('.').next().unwrap();
        let Some(crate::model::Table::Standard(t)) = report
            .tables
            .iter_mut()
            .find(|t| matches!(t, crate::model::Table::Standard(s) if s.id == table))
        else {
            panic!("no {table}")
        };
        let cell = t
            .rows
            .iter_mut()
            .find(|r| r.id == row)
            .and_then(|r| r.cells.iter_mut().find(|c| c.col == col))
            .unwrap_or_else(|| panic!("no {row}/{col}"));
        cell.content = content;
    }

    fn sign_checks(report: &Report) -> Vec<Check> {
        let t = Templates::builtin();
        let template = template_of(report, &t).unwrap();
        run(report, template, &t)
            .0
            .into_iter()
            .filter(|c| c.rule == "R-T2-CHANGE-SIGN")
            .collect()
    }

    fn sign_check(subject: Location, failed_with: Option<&str>) -> Check {
        Check {
            rule: "R-T2-CHANGE-SIGN".into(),
            subject,
            result: match failed_with {
                Some(_) => CheckResult::Fail,
                None => CheckResult::Pass,
            },
            expected: failed_with.map(|_| "0 or more".into()),
            actual: failed_with.map(str::to_string),
        }
    }

    #[test]
    fn only_the_change_column_may_be_negative() {
        let mut r = meilie();
        let pass = |t: &str| sign_check(Location::table(t), None);
        assert_eq!(sign_checks(&r), vec![pass("t2"), pass("t3"), pass("t4")]);
        // 本年增/减 is signed: a fall is no failure.
        set(&mut r, "t2.row.licensing", "t2.col.change", "-74");
        assert_eq!(sign_checks(&r), vec![pass("t2"), pass("t3"), pass("t4")]);
        assert!(findings(&r, &Templates::builtin()).is_empty());
        // A count is not.
        set(&mut r, "t3.row.new_requests", "t3.col.natural_person", "-2");
        set(&mut r, "t2.row.licensing", "t2.col.prev_year_items", "-1");
        let subject = Location::cell("t3", "t3.row.new_requests", "t3.col.natural_person");
        assert_eq!(
            sign_checks(&r),
            vec![
                sign_check(
                    Location::cell("t2", "t2.row.licensing", "t2.col.prev_year_items"),
                    Some("-1")
                ),
                sign_check(subject.clone(), Some("-2")),
                pass("t4")
            ]
        );
        let found: Vec<Finding> = findings(&r, &Templates::builtin())
            .into_iter()
            .filter(|f| f.rule == "R-T2-CHANGE-SIGN")
            .collect();
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].subject, subject);
        assert_eq!(
            found[1].description,
            "一 自然人: -2, but only 本年增/减 may be negative"
        );
        assert_eq!(found[1].cells, vec![subject.to_string()]);
        assert!(!found[1].soft);
    }

    /// A blank 总计 of a row is its row's sum (R-T3-ROWSUM derives it, and the other rules
    /// count that sum); a blank （七）总计 is 0 (R-T3-RESULTS derives nothing).
    #[test]
    fn only_a_blank_row_total_is_derived() {
        let failed = |r: &Report| -> Vec<(String, String)> {
            findings(r, &Templates::builtin())
                .into_iter()
                .map(|f| (f.rule, f.subject.to_string()))
                .collect()
        };
        let mut r = hongze();
        let before = failed(&r);
        set_content(
            &mut r,
            "t3.row.new_requests",
            "t3.col.total",
            CellContent::Blank,
        );
        assert_eq!(failed(&r), before);
        set_content(
            &mut r,
            "t3.row.results_total",
            "t3.col.natural_person",
            CellContent::Blank,
        );
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            failed(&r),
            [
                vec![
                    pair("R-T3-BALANCE", "t3.col.natural_person"),
                    pair("R-T3-RESULTS", "t3.col.natural_person"),
                    pair("R-T3-ROWSUM", "t3.row.results_total"),
                ],
                before
            ]
            .concat()
        );
    }

    /// `<checks>`, the warnings and the findings are three views of one evaluation: a
    /// finding (and, for a linear rule, a warning) for each failed check, in its order,
    /// and none for a passed or skipped one.
    #[test]
    fn every_failed_check_and_only_those_is_a_finding() {
        let mut r = hongze();
        set(
            &mut r,
            "t3.row.new_requests",
            "t3.col.natural_person",
            "-22",
        );
        set(&mut r, "t3.row.new_requests", "t3.col.total", "22");
        let t = Templates::builtin();
        let template = template_of(&r, &t).unwrap();
        let (checks, diags) = run(&r, template, &t);
        let failed: Vec<(&str, String)> = checks
            .iter()
            .filter(|c| c.result == CheckResult::Fail)
            .map(|c| (c.rule.as_str(), c.subject.to_string()))
            .collect();
        assert!(failed.len() >= 5, "{failed:?}");
        for rule in [
            "R-T3-BALANCE",
            "R-T4-SUM",
            "R-T2-CHANGE-SIGN",
            "R-NARRATIVE",
        ] {
            assert!(failed.iter().any(|(r, _)| *r == rule), "{rule}: {failed:?}");
        }
        let found = findings(&r, &Templates::builtin());
        let named: Vec<(&str, String)> = found
            .iter()
            .map(|f| (f.rule.as_str(), f.subject.to_string()))
            .collect();
        assert_eq!(named, failed);
        let linear: Vec<String> = failed
            .iter()
            .filter(|(r, _)| !matches!(*r, "R-T2-CHANGE-SIGN" | "R-NARRATIVE"))
            .map(|(_, s)| s.clone())
            .collect();
        let warned: Vec<String> = diags.iter().map(|d| d.location.to_string()).collect();
        assert_eq!(warned, linear);
        // Each warning points where its check does: down a column of t3 or t4, along a row.
        assert!(diags.iter().all(|d| matches!(
            &d.location,
            Location::Column { table, .. } | Location::Row { table, .. } if table == "t3" || table == "t4"
        )));
        assert!(diags.iter().all(|d| d.code == "rule-failed"));
    }

    #[test]
    fn failures_are_spelled_out_with_their_cells() {
        let f = findings(&hongze(), &Templates::builtin());
        let descriptions: Vec<(&str, &str)> = f
            .iter()
            .map(|f| (f.rule.as_str(), f.description.as_str()))
            .collect();
        assert_eq!(
            descriptions,
            vec![
                ("R-T4-SUM", "行政复议 总计: 结果维持+结果纠正+其他结果+尚未审结 = 10+1+0+0 = 11, 总计 = 0"),
                ("R-T4-SUM", "行政诉讼 复议后起诉 总计: 结果维持+结果纠正+其他结果+尚未审结 = 5+0+0+0 = 5, 总计 = 0"),
            ]
        );
        assert!(f.iter().all(|f| !f.soft));
        assert!(f[0]
            .cells
            .contains(&"t4.row.cases/t4.col.review.corrected".to_string()));
    }

    #[test]
    fn balance_names_rows_by_their_numbers() {
        let mut r = hongze();
        let Some(crate::model::Table::Standard(t3)) = r
            .tables
            .iter_mut()
            .find(|t| matches!(t, crate::model::Table::Standard(s) if s.id == "t3"))
        else {
            panic!()
        };
        // 一、本年新收: 22 natural persons (and 22 in all) where the report says 21.
        t3.rows[0].cells[0].content = CellContent::Value("22".into());
        t3.rows[0].cells[6].content = CellContent::Value("22".into());
        let f = findings(&r, &Templates::builtin());
        let balance = f.iter().find(|f| f.rule == "R-T3-BALANCE").unwrap();
        assert_eq!(
            balance.description,
            "自然人: 一+二 = 22+0 = 22, 三+四 = 21+0 = 21"
        );
        let narrative = f.iter().find(|f| f.rule == "R-NARRATIVE").unwrap();
        assert!(narrative.soft);
        assert_eq!(
            narrative.description,
            "the text states 21, the table has 22 (一 总计)"
        );
    }
}

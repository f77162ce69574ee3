//! Cells read by OCR (issue 14). Each says so (`via="ocr"` and its confidence), and its
//! number is written only when the table's rules confirm it, or OCR was sure of it and no
//! rule contradicts it. When rules fail, the other readings OCR kept for the cells
//! involved are tried jointly (as glued digits are, [`super::split`]): one consistent
//! reading is taken, several leave the cells that differ ambiguous, none leaves the cells
//! missing. Every cell whose reading was changed or rejected is named in a diagnostic.

use std::collections::{BTreeMap, BTreeSet};

use crate::checks::{cell_term, table_rules};
use crate::layout::OcrRead;
use crate::model::{
    CellContent, CellRef, Confidence, Diagnostic, Level, Location, Src, StandardTable, Table, Via,
};
use crate::template::rules::{self, CellKey, Outcome, RuleInstance, Term};
use crate::template::{Template, Templates};
use crate::text::number;

/// A reading this sure (Tesseract's confidence over 100) stands unless a rule contradicts
/// it; a less sure one needs a rule to confirm it.
pub const SURE: f64 = 0.80;
/// A reading this sure stands even when a rule over it fails and no unsure reading in the
/// rule can be blamed: the failure is the report's own (reports do print sums that do not
/// add up; 洪泽 2023's t4 does).
pub const CERTAIN: f64 = 0.90;
/// Joint readings tried at most for the cells of the failing rules of one table.
const MAX_COMBINATIONS: usize = 4096;

/// What OCR said of one cell: how sure it was, and its other readings as numbers.
#[derive(Debug, Clone, PartialEq)]
struct CellRead {
    confidence: f64,
    alternatives: Vec<String>,
}

/// Marks the cells read by OCR and checks their numbers by the template's rules; the
/// diagnostics name each cell changed or rejected.
pub fn confirm(
    tables: &mut [Table],
    template: Option<&Template>,
    templates: &Templates,
    reads: &[OcrRead],
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    if reads.is_empty() {
        return diagnostics;
    }
    for table in tables.iter_mut() {
        let Table::Standard(table) = table else {
            continue;
        };
        let read = mark(table, reads);
        let Some(tt) = template.and_then(|t| t.table(&table.id)) else {
            continue;
        };
        let numbers: BTreeMap<CellKey, CellRead> = read
            .into_iter()
            .filter(|(k, _)| {
                matches!(
                    table.cell(&k.row, &k.col).map(|c| &c.content),
                    Some(CellContent::Value(_))
                )
            })
            .collect();
        if numbers.is_empty() {
            continue;
        }
        let rules = table_rules(table, tt, templates);
        solve(table, &rules, &numbers, &mut diagnostics);
        judge(table, &rules, &numbers, &mut diagnostics);
    }
    diagnostics
}

/// Sets `via` and `confidence` on each cell printed where OCR read; gives what it read.
fn mark(table: &mut StandardTable, reads: &[OcrRead]) -> BTreeMap<CellKey, CellRead> {
    let mut out = BTreeMap::new();
    for row in &mut table.rows {
        for cell in &mut row.cells {
            let Some(Src::Area { page, area }) = cell.src else {
                continue;
            };
            let inside: Vec<&OcrRead> = reads
                .iter()
                .filter(|r| match r.src {
                    Src::Area { page: p, area: a } => {
                        p == page
                            && a.x0 >= area.x0
                            && a.y0 >= area.y0
                            && a.x1 <= area.x1
                            && a.y1 <= area.y1
                    }
                    _ => false,
                })
                .collect();
            let Some(confidence) = inside.iter().map(|r| r.confidence).min_by(f64::total_cmp)
            else {
                continue;
            };
            cell.via = Some(Via::Ocr);
            cell.confidence = Some(Confidence::from_fraction(confidence));
            let current = cell.value().map(str::to_string);
            let alternatives = match inside.as_slice() {
                [only] => only
                    .alternatives
                    .iter()
                    .filter_map(|a| as_number(a))
                    .filter(|a| Some(a) != current.as_ref())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                _ => Vec::new(),
            };
            out.insert(
                CellKey::new(&row.id, &cell.col),
                CellRead {
                    confidence,
                    alternatives,
                },
            );
        }
    }
    out
}

/// Another reading as a normalised number: `一0` (the Chinese model's dash) is no number.
fn as_number(text: &str) -> Option<String> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    number::normalise(&t)
}

/// What the rules see of the table with some cells read otherwise (blank totals derived).
fn terms<'a>(
    table: &'a StandardTable,
    rules: &'a [RuleInstance],
    overrides: &'a BTreeMap<CellKey, String>,
) -> impl Fn(&CellKey) -> Term + 'a {
    let base = move |k: &CellKey| match overrides.get(k) {
        Some(v) => rules::term_of(v),
        None => cell_term(table, k),
    };
    let derived = rules::derived(rules, base);
    move |k: &CellKey| match derived.get(k) {
        Some(v) => Term::Value(*v),
        None => base(k),
    }
}

fn fails(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Fail { .. })
}

/// When rules over OCR cells fail, tries the cells' other readings jointly.
fn solve(
    table: &mut StandardTable,
    rules: &[RuleInstance],
    numbers: &BTreeMap<CellKey, CellRead>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let none = BTreeMap::new();
    let term = terms(table, rules, &none);
    let suspects: Vec<&CellKey> = numbers
        .keys()
        .filter(|k| {
            rules
                .iter()
                .any(|r| r.mentions(k) && fails(&r.evaluate(&term)))
        })
        .collect();
    drop(term);
    // Only cells with other readings can change; the rest stay as read.
    let changing: Vec<&CellKey> = suspects
        .iter()
        .copied()
        .filter(|k| !numbers[*k].alternatives.is_empty())
        .collect();
    let combinations = changing.iter().try_fold(1usize, |n, k| {
        n.checked_mul(numbers[*k].alternatives.len() + 1)
            .filter(|&n| n <= MAX_COMBINATIONS)
    });
    let Some(combinations) = combinations.filter(|_| !changing.is_empty()) else {
        return;
    };
    let involved: Vec<&RuleInstance> = rules
        .iter()
        .filter(|r| suspects.iter().any(|k| r.mentions(k)))
        .collect();
    let read_as: BTreeMap<&CellKey, String> = changing
        .iter()
        .map(|&k| {
            let value = table.cell(&k.row, &k.col).and_then(|c| c.value());
            (k, value.unwrap_or_default().to_string())
        })
        .collect();
    let mut consistent: Vec<BTreeMap<CellKey, String>> = Vec::new();
    for mut n in 0..combinations {
        let mut overrides = BTreeMap::new();
        for k in &changing {
            let read = &numbers[*k];
            let choices = read.alternatives.len() + 1;
            let pick = n % choices;
            n /= choices;
            let value = if pick == 0 {
                read_as[*k].clone()
            } else {
                read.alternatives[pick - 1].clone()
            };
            overrides.insert((*k).clone(), value);
        }
        let holds = {
            let term = terms(table, rules, &overrides);
            !involved.iter().any(|r| fails(&r.evaluate(&term)))
        };
        if holds {
            consistent.push(overrides);
        }
    }
    for k in &changing {
        let mut values: Vec<&String> = consistent.iter().map(|o| &o[*k]).collect();
        values.sort();
        values.dedup();
        let was = &read_as[*k];
        let location = Location::cell(&table.id, &k.row, &k.col);
        let content = match values.as_slice() {
            [] => continue,
            [one] if *one == was => continue,
            [one] => {
                diagnostics.push(Diagnostic::new(
                    Level::Warning,
                    "ocr-corrected",
                    location,
                    format!(
                        "OCR read {was}; the table's rules hold only with its other reading {one}, which was taken"
                    ),
                ));
                CellContent::Value((*one).clone())
            }
            several => {
                let listed: Vec<String> = several.iter().map(|v| (*v).clone()).collect();
                diagnostics.push(Diagnostic::new(
                    Level::Warning,
                    "ocr-ambiguous",
                    location,
                    format!(
                        "OCR read {was}; the table's rules hold with each of {}: not guessed",
                        listed.join(", ")
                    ),
                ));
                CellContent::Ambiguous(listed)
            }
        };
        set_content(table, k, content);
    }
}

/// Keeps each OCR number a rule confirms, or that OCR was sure of and no rule contradicts.
/// A failing rule is blamed on its unsure readings, which become missing; a rule that
/// fails over readings OCR was all but certain of ([`CERTAIN`]) is taken as printed (the
/// report's own slip, which the checks record, as they do for a text layer), and each
/// such reading is named. Any other reading a failing rule contradicts becomes missing.
fn judge(
    table: &mut StandardTable,
    rules: &[RuleInstance],
    numbers: &BTreeMap<CellKey, CellRead>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let none = BTreeMap::new();
    let mut rejected: Vec<(&CellKey, String)> = Vec::new();
    let mut as_printed: BTreeMap<&str, Vec<&CellKey>> = BTreeMap::new();
    {
        let term = terms(table, rules, &none);
        let outcomes: Vec<Outcome> = rules.iter().map(|r| r.evaluate(&term)).collect();
        let sure = |k: &CellKey| numbers.get(k).is_some_and(|r| r.confidence >= SURE);
        let is_number = |k: &CellKey| {
            table
                .cell(&k.row, &k.col)
                .is_some_and(|c| c.value().is_some())
        };
        // A failing rule with an unsure OCR reading in it blames that reading.
        let blamed = |r: &RuleInstance| {
            r.left
                .iter()
                .chain(&r.right)
                .any(|k| numbers.contains_key(k) && is_number(k) && !sure(k))
        };
        for (k, read) in numbers {
            let Some(value) = table.cell(&k.row, &k.col).and_then(|c| c.value()) else {
                continue;
            };
            let mentioning = || rules.iter().zip(&outcomes).filter(|(r, _)| r.mentions(k));
            if mentioning().any(|(_, o)| *o == Outcome::Pass) {
                continue;
            }
            let failing: Vec<&RuleInstance> = mentioning()
                .filter(|(_, o)| fails(o))
                .map(|(r, _)| r)
                .collect();
            let confidence = Confidence::from_fraction(read.confidence);
            let why = match failing.first() {
                None if read.confidence >= SURE => continue,
                None => format!(
                    "OCR read {value} with confidence {confidence}, and no rule confirms it: not written"
                ),
                Some(_)
                    if read.confidence >= CERTAIN
                        || (read.confidence >= SURE && failing.iter().all(|r| blamed(r))) =>
                {
                    if read.confidence >= CERTAIN && !failing.iter().all(|r| blamed(r)) {
                        for r in failing {
                            as_printed.entry(&r.rule).or_default().push(k);
                        }
                    }
                    continue;
                }
                Some(rule) => format!(
                    "OCR read {value} (confidence {confidence}), which rule {} contradicts and no rule confirms: not written",
                    rule.rule
                ),
            };
            rejected.push((k, why));
        }
    }
    for (rule, cells) in as_printed {
        let listed: Vec<String> = cells
            .iter()
            .map(|k| format!("{}/{}", k.row, k.col))
            .collect();
        diagnostics.push(Diagnostic::new(
            Level::Info,
            "ocr-kept-as-printed",
            Location::cells(
                cells
                    .iter()
                    .map(|k| CellRef {
                        table: table.id.clone(),
                        row: k.row.clone(),
                        col: k.col.clone(),
                    })
                    .collect(),
            ),
            format!(
                "rule {rule} fails over OCR readings all read with confidence {} or more ({}): taken as printed",
                Confidence::from_fraction(CERTAIN),
                listed.join(", ")
            ),
        ));
    }
    for (k, why) in rejected {
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            "ocr-rejected",
            Location::cell(&table.id, &k.row, &k.col),
            why,
        ));
        set_content(table, k, CellContent::Missing);
    }
}

fn set_content(table: &mut StandardTable, k: &CellKey, content: CellContent) {
    if let Some(cell) = table
        .rows
        .iter_mut()
        .find(|r| r.id == k.row)
        .and_then(|r| r.cells.iter_mut().find(|c| c.col == k.col))
    {
        // A value not written was read nowhere.
        if content == CellContent::Missing {
            cell.src = None;
            cell.via = None;
            cell.confidence = None;
        }
        cell.content = content;
        cell.raw = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cell, Rect, Row};

    const GROUPS: [&str; 3] = ["review", "suit_direct", "suit_after_review"];
    const PARTS: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];

    /// t4's one row, every cell read by OCR at its own box on page 1: `values` by column
    /// (`review.upheld` …), 0 elsewhere; confidence 0.96 unless `unsure` names the column.
    fn t4(values: &[(&str, &str)], unsure: &[(&str, f64, &[&str])]) -> (Vec<Table>, Vec<OcrRead>) {
        let mut cells = Vec::new();
        let mut reads = Vec::new();
        for (g, group) in GROUPS.iter().enumerate() {
            for (p, part) in PARTS.iter().enumerate() {
                let name = format!("{group}.{part}");
                let value = values
                    .iter()
                    .find(|(c, _)| *c == name)
                    .map_or("0", |(_, v)| v);
                let x = (g * 5 + p) as i32 * 100;
                let area = Rect {
                    x0: x,
                    y0: 0,
                    x1: x + 50,
                    y1: 50,
                };
                let src = Src::Area { page: 1, area };
                let mut cell =
                    Cell::new(&format!("t4.col.{name}"), CellContent::Value(value.into()));
                cell.src = Some(src);
                cells.push(cell);
                let (confidence, alternatives) = unsure
                    .iter()
                    .find(|(c, _, _)| *c == name)
                    .map_or((0.96, Vec::new()), |(_, c, a)| {
                        (*c, a.iter().map(|s| s.to_string()).collect())
                    });
                reads.push(OcrRead {
                    src,
                    text: value.into(),
                    confidence,
                    alternatives,
                });
            }
        }
        let table = Table::Standard(StandardTable {
            id: "t4".into(),
            rows: vec![Row {
                id: "t4.row.cases".into(),
                cells,
            }],
        });
        (vec![table], reads)
    }

    fn run(
        values: &[(&str, &str)],
        unsure: &[(&str, f64, &[&str])],
    ) -> (Vec<Table>, Vec<Diagnostic>) {
        let templates = Templates::builtin();
        let (mut tables, reads) = t4(values, unsure);
        let d = confirm(&mut tables, templates.template("v2021"), &templates, &reads);
        (tables, d)
    }

    fn content(tables: &[Table], col: &str) -> CellContent {
        let Table::Standard(t) = &tables[0] else {
            unreachable!()
        };
        t.cell("t4.row.cases", &format!("t4.col.{col}"))
            .unwrap()
            .content
            .clone()
    }

    fn codes(d: &[Diagnostic]) -> Vec<(String, String)> {
        d.iter()
            .map(|d| (d.code.clone(), d.location.to_string()))
            .collect()
    }

    #[test]
    fn cells_read_by_ocr_say_so_with_their_confidence() {
        let (tables, d) = run(&[("review.upheld", "3"), ("review.total", "3")], &[]);
        let Table::Standard(t) = &tables[0] else {
            unreachable!()
        };
        let cell = t.cell("t4.row.cases", "t4.col.review.total").unwrap();
        assert_eq!(cell.via, Some(Via::Ocr));
        assert_eq!(cell.confidence.map(|c| c.hundredths()), Some(96));
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn the_one_other_reading_that_makes_the_rule_hold_is_taken_and_named() {
        // 5 misread as 9 (sure of nothing), its digits reading 5 kept as an alternative.
        let (tables, d) = run(
            &[("review.upheld", "9"), ("review.total", "5")],
            &[("review.upheld", 0.41, &["5", "其他"])],
        );
        assert_eq!(
            content(&tables, "review.upheld"),
            CellContent::Value("5".into())
        );
        assert_eq!(
            codes(&d),
            [(
                "ocr-corrected".into(),
                "t4.row.cases/t4.col.review.upheld".into()
            )]
        );
    }

    #[test]
    fn several_consistent_readings_leave_the_cells_ambiguous() {
        // upheld 9 or 5, corrected 4 or 0: 5+4 and 9+0 both make the total 9.
        let (tables, d) = run(
            &[
                ("review.upheld", "9"),
                ("review.corrected", "4"),
                ("review.total", "9"),
            ],
            &[
                ("review.upheld", 0.5, &["5"]),
                ("review.corrected", 0.5, &["0"]),
            ],
        );
        assert_eq!(
            content(&tables, "review.upheld"),
            CellContent::Ambiguous(vec!["5".into(), "9".into()])
        );
        assert_eq!(
            content(&tables, "review.corrected"),
            CellContent::Ambiguous(vec!["0".into(), "4".into()])
        );
        assert!(codes(&d).contains(&(
            "ocr-ambiguous".into(),
            "t4.row.cases/t4.col.review.upheld".into()
        )));
    }

    #[test]
    fn an_unsure_reading_a_rule_contradicts_is_missing_and_the_sure_ones_stand() {
        let (tables, d) = run(
            &[
                ("suit_after_review.upheld", "9"),
                ("suit_after_review.total", "5"),
            ],
            &[("suit_after_review.upheld", 0.01, &[])],
        );
        assert_eq!(
            content(&tables, "suit_after_review.upheld"),
            CellContent::Missing
        );
        assert_eq!(
            content(&tables, "suit_after_review.total"),
            CellContent::Value("5".into())
        );
        assert_eq!(
            codes(&d),
            [(
                "ocr-rejected".into(),
                "t4.row.cases/t4.col.suit_after_review.upheld".into()
            )]
        );
    }

    #[test]
    fn a_rule_failing_over_certain_readings_is_taken_as_printed_and_said() {
        // 洪泽 2023 prints a 复议 total of 0 beside 10 upheld and 1 corrected.
        let (tables, d) = run(
            &[
                ("review.upheld", "10"),
                ("review.corrected", "1"),
                ("review.total", "0"),
            ],
            &[],
        );
        assert_eq!(
            content(&tables, "review.upheld"),
            CellContent::Value("10".into())
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "ocr-kept-as-printed");
        // Less than certain, and no unsure reading to blame: not written.
        let (tables, d) = run(
            &[
                ("review.upheld", "10"),
                ("review.corrected", "1"),
                ("review.total", "0"),
            ],
            &[("review.upheld", 0.85, &[])],
        );
        assert_eq!(content(&tables, "review.upheld"), CellContent::Missing);
        assert!(codes(&d).contains(&(
            "ocr-rejected".into(),
            "t4.row.cases/t4.col.review.upheld".into()
        )));
    }

    #[test]
    fn an_unsure_reading_no_rule_confirms_is_not_written() {
        // t4's columns are in no rule but R-T4-SUM; with every other cell of the group
        // unknown no rule can confirm the one read with confidence 0.50.
        let (mut tables, reads) = t4(&[("review.upheld", "3")], &[("review.upheld", 0.5, &[])]);
        if let Table::Standard(t) = &mut tables[0] {
            t.rows[0].cells[1].content = CellContent::Missing;
        }
        let templates = Templates::builtin();
        let d = confirm(&mut tables, templates.template("v2021"), &templates, &reads);
        assert_eq!(content(&tables, "review.upheld"), CellContent::Missing);
        assert_eq!(
            codes(&d),
            [(
                "ocr-rejected".into(),
                "t4.row.cases/t4.col.review.upheld".into()
            )]
        );
    }
}

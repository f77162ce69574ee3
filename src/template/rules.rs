//! The consistency rules of spec §6, instantiated for one table from the templates' data.
//! The digit-run splitter uses them as constraints and the checks report them: one
//! definition for both.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::template::{LinearRule, RuleScope, TableTemplate, Templates};
use crate::text::number;

/// One rule applied to definite cells: `sum(left) == sum(right)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInstance {
    pub rule: String,
    pub scope: RuleScope,
    pub subject: String,
    pub left: Vec<CellKey>,
    pub right: Vec<CellKey>,
    /// A blank single left cell is derived from the right side (a blank 总计).
    pub derive_left: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellKey {
    pub row: String,
    pub col: String,
}

impl CellKey {
    pub fn new(row: &str, col: &str) -> CellKey {
        CellKey {
            row: row.to_string(),
            col: col.to_string(),
        }
    }
}

/// What a rule sees of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    Value(Decimal),
    Blank,
    /// Missing, ambiguous, or a value too large to add.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail { expected: Decimal, actual: Decimal },
    Skip,
}

/// Instantiates a table's linear rules. `printed` lists the rows the report has: an
/// optional row not printed stands for its parts. Reports print only a few row sets, so
/// each set's instances are built once, kept with the table, and shared.
pub fn instances(
    templates: &Templates,
    table: &TableTemplate,
    printed: &[&str],
) -> Arc<[RuleInstance]> {
    let key: Vec<String> = printed.iter().map(|r| r.to_string()).collect();
    // A poisoned lock only means another thread panicked mid-insert: the map is whole.
    if let Some(hit) = table
        .instances
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
    {
        return Arc::clone(hit);
    }
    let built: Arc<[RuleInstance]> = build_instances(templates, table, printed).into();
    table
        .instances
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, Arc::clone(&built));
    built
}

fn build_instances(t: &Templates, table: &TableTemplate, printed: &[&str]) -> Vec<RuleInstance> {
    let expand = |row: &str| -> Vec<String> {
        match table.optional(row) {
            Some(opt) if !printed.contains(&row) => opt.parts.clone(),
            _ => vec![row.to_string()],
        }
    };
    let mut out = Vec::new();
    for rule in t.rules_for(&table.id) {
        match rule.over {
            RuleScope::Columns => {
                for col in table.columns() {
                    let keys = |rows: &[String]| -> Vec<CellKey> {
                        rows.iter()
                            .flat_map(|r| expand(r))
                            .filter(|r| {
                                table
                                    .block_of(r)
                                    .is_some_and(|b| b.cols.iter().any(|c| c == col))
                            })
                            .map(|r| CellKey::new(&r, col))
                            .collect()
                    };
                    out.push(RuleInstance::of(rule, col.to_string(), keys));
                }
            }
            RuleScope::Rows => {
                for (row, block) in table.rows() {
                    let has_all = rule
                        .left
                        .iter()
                        .chain(&rule.right)
                        .all(|c| block.cols.contains(c));
                    if !has_all || !printed.contains(&row) {
                        continue;
                    }
                    let keys =
                        |cols: &[String]| cols.iter().map(|c| CellKey::new(row, c)).collect();
                    out.push(RuleInstance::of(rule, row.to_string(), keys));
                }
            }
            RuleScope::Cell => {
                let keys = |terms: &[String]| -> Vec<CellKey> {
                    terms
                        .iter()
                        .filter_map(|t| t.split_once('/'))
                        .map(|(r, c)| CellKey::new(r, c))
                        .collect()
                };
                let subject = keys(&rule.left)
                    .first()
                    .map(|k| k.col.clone())
                    .unwrap_or_default();
                out.push(RuleInstance::of(rule, subject, keys));
            }
        }
    }
    out
}

impl RuleInstance {
    /// The rule over `subject`, its terms turned into cells by `keys`.
    fn of(
        rule: &LinearRule,
        subject: String,
        keys: impl Fn(&[String]) -> Vec<CellKey>,
    ) -> RuleInstance {
        RuleInstance {
            rule: rule.id.clone(),
            scope: rule.over,
            subject,
            left: keys(&rule.left),
            right: keys(&rule.right),
            derive_left: rule.derive_left,
        }
    }

    /// Evaluates the rule; blanks count as 0, a blank derivable total passes.
    pub fn evaluate(&self, cell: impl Fn(&CellKey) -> Term) -> Outcome {
        let sum = |keys: &[CellKey]| -> Option<(Decimal, bool)> {
            let mut total = Decimal::ZERO;
            let mut all_blank = true;
            for k in keys {
                match cell(k) {
                    Term::Value(v) => {
                        total = total.checked_add(v)?;
                        all_blank = false;
                    }
                    Term::Blank => {}
                    Term::Unknown => return None,
                }
            }
            Some((total, all_blank))
        };
        let (Some((left, left_blank)), Some((right, _))) = (sum(&self.left), sum(&self.right))
        else {
            return Outcome::Skip;
        };
        if self.derive_left && self.left.len() == 1 && left_blank {
            return Outcome::Pass;
        }
        if left == right {
            Outcome::Pass
        } else {
            Outcome::Fail {
                expected: right,
                actual: left,
            }
        }
    }

    pub fn mentions(&self, key: &CellKey) -> bool {
        self.left.contains(key) || self.right.contains(key)
    }
}

/// Values of blank cells that rules derive (a blank 总计 is the sum of its row), so that
/// other rules count the derived value rather than 0.
pub fn derived(
    instances: &[RuleInstance],
    cell: impl Fn(&CellKey) -> Term,
) -> BTreeMap<CellKey, Decimal> {
    let mut out = BTreeMap::new();
    for inst in instances
        .iter()
        .filter(|i| i.derive_left && i.left.len() == 1)
    {
        if cell(&inst.left[0]) != Term::Blank {
            continue;
        }
        let mut sum = Some(Decimal::ZERO);
        for k in &inst.right {
            sum = match (sum, cell(k)) {
                (Some(s), Term::Value(v)) => s.checked_add(v),
                (Some(s), Term::Blank) => Some(s),
                _ => None,
            };
        }
        if let Some(s) = sum {
            out.insert(inst.left[0].clone(), s);
        }
    }
    out
}

/// A cell value as a rule term.
pub fn term_of(value: &str) -> Term {
    number::decimal(value).map_or(Term::Unknown, Term::Value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t3<'t>(t: &'t Templates, id: &str) -> &'t TableTemplate {
        t.template(id).unwrap().table("t3").unwrap()
    }

    #[test]
    fn v2021_results_use_the_other_sub_rows_unless_the_single_row_is_printed() {
        let t = Templates::builtin();
        let table = t3(&t, "v2021");
        let all: Vec<&str> = table
            .rows()
            .map(|(r, _)| r)
            .filter(|r| *r != "t3.row.other")
            .collect();
        let inst = instances(&t, table, &all);
        let results = inst
            .iter()
            .find(|i| i.rule == "R-T3-RESULTS" && i.subject == "t3.col.total")
            .unwrap();
        assert!(results
            .right
            .contains(&CellKey::new("t3.row.other.misc", "t3.col.total")));
        assert!(!results
            .right
            .contains(&CellKey::new("t3.row.other", "t3.col.total")));
        assert_eq!(results.right.len(), 21);

        let mut single = all.clone();
        single.push("t3.row.other");
        let inst = instances(&t, table, &single);
        let results = inst
            .iter()
            .find(|i| i.rule == "R-T3-RESULTS" && i.subject == "t3.col.total")
            .unwrap();
        assert!(results
            .right
            .contains(&CellKey::new("t3.row.other", "t3.col.total")));
        assert_eq!(results.right.len(), 19);
    }

    #[test]
    fn counts_of_instances_follow_the_table_shape() {
        let t = Templates::builtin();
        let table = t3(&t, "v2019");
        let all: Vec<&str> = table.rows().map(|(r, _)| r).collect();
        let inst = instances(&t, table, &all);
        let count = |id| inst.iter().filter(|i| i.rule == id).count();
        assert_eq!(count("R-T3-BALANCE"), 7);
        assert_eq!(count("R-T3-RESULTS"), 7);
        assert_eq!(count("R-T3-ROWSUM"), 23);
        let t4 = t.template("v2019").unwrap().table("t4").unwrap();
        assert_eq!(instances(&t, t4, &["t4.row.cases"]).len(), 3);
    }

    #[test]
    fn evaluation_counts_blanks_as_zero_and_derives_blank_totals() {
        let rule = RuleInstance {
            rule: "R".into(),
            scope: RuleScope::Rows,
            subject: "s".into(),
            left: vec![CellKey::new("r", "total")],
            right: vec![CellKey::new("r", "a"), CellKey::new("r", "b")],
            derive_left: true,
        };
        let dec = |s: &str| Term::Value(s.parse().unwrap());
        let with = |total: Term, a: Term, b: Term| {
            rule.evaluate(|k| match k.col.as_str() {
                "total" => total,
                "a" => a,
                _ => b,
            })
        };
        assert_eq!(with(dec("3"), dec("1"), dec("2")), Outcome::Pass);
        assert_eq!(
            with(dec("3"), dec("1"), Term::Blank),
            Outcome::Fail {
                expected: "1".parse().unwrap(),
                actual: "3".parse().unwrap()
            }
        );
        assert_eq!(with(Term::Blank, dec("1"), dec("2")), Outcome::Pass);
        assert_eq!(with(dec("3"), Term::Unknown, dec("2")), Outcome::Skip);
        let three = || Outcome::Fail {
            expected: "3".parse().unwrap(),
            actual: "0".parse().unwrap(),
        };
        // Only a rule that derives its left cell, and only a single one, passes blank.
        let fixed = RuleInstance {
            derive_left: false,
            ..rule.clone()
        };
        assert_eq!(
            fixed.evaluate(|k| if k.col == "total" {
                Term::Blank
            } else {
                dec("1.5")
            }),
            three()
        );
        let two_left = RuleInstance {
            left: vec![CellKey::new("r", "total"), CellKey::new("r", "total2")],
            ..rule.clone()
        };
        assert_eq!(
            two_left.evaluate(|k| if k.col.starts_with("total") {
                Term::Blank
            } else {
                dec("1.5")
            }),
            three()
        );
        // So are only such cells derived.
        let cells = |k: &CellKey| {
            if k.col == "total" {
                Term::Blank
            } else {
                dec("1.5")
            }
        };
        assert_eq!(
            derived(std::slice::from_ref(&rule), cells),
            BTreeMap::from([(CellKey::new("r", "total"), "3".parse().unwrap())])
        );
        assert!(derived(&[fixed, two_left], cells).is_empty());
    }

    #[test]
    fn a_value_too_large_to_add_is_unknown_not_blank() {
        assert_eq!(term_of("12"), Term::Value("12".parse().unwrap()));
        assert_eq!(term_of(&"9".repeat(40)), Term::Unknown);
    }

    #[test]
    fn a_rule_mentions_the_cells_of_both_sides() {
        let rule = RuleInstance {
            rule: "R".into(),
            scope: RuleScope::Rows,
            subject: "s".into(),
            left: vec![CellKey::new("r", "total")],
            right: vec![CellKey::new("r", "a")],
            derive_left: true,
        };
        assert!(rule.mentions(&CellKey::new("r", "total")));
        assert!(rule.mentions(&CellKey::new("r", "a")));
        assert!(!rule.mentions(&CellKey::new("r", "b")));
        assert!(!rule.mentions(&CellKey::new("q", "a")));
    }
}

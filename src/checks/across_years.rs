//! Soft rules between the reports of one issuer in consecutive years (spec §6 R-X-*):
//! what was carried forward in one year is what the next carried over, and so on.
//! Reports are grouped by an issuer key; see [`issuer_key`].

use std::collections::BTreeMap;
use std::path::Path;

use crate::text::normalise::squeezed;
use rust_decimal::Decimal;

use crate::batch::collect::Loaded;
use crate::checks::{col_name, row_name};
use crate::model::{CellContent, Report};
use crate::template::{CrossRule, RuleScope, Templates};
use crate::text::number::{self, format_decimal};

/// Overrides of the issuer key: `name<TAB>key` lines (`#` starts a comment).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IssuerMap(BTreeMap<String, String>);

/// An issuer map that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum IssuerMapError {
    #[error(transparent)]
    Read(crate::input::InputError),
    #[error("not UTF-8 text")]
    NotUtf8,
    #[error("line {0}: expected `name<TAB>key`")]
    Line(usize),
}

impl IssuerMap {
    pub fn load(path: &Path) -> Result<IssuerMap, IssuerMapError> {
        // Opened as inputs are (never a FIFO or device), up to 64 MiB.
        let input = crate::input::Input::from_path(path, crate::input::DEFAULT_MAX_INPUT_BYTES)
            .map_err(IssuerMapError::Read)?;
        let text = String::from_utf8(input.bytes).map_err(|_| IssuerMapError::NotUtf8)?;
        let mut map = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, key)) = line.split_once('\t') else {
                return Err(IssuerMapError::Line(n + 1));
            };
            map.insert(squeezed(name), key.trim().to_string());
        }
        Ok(IssuerMap(map))
    }
}

/// The key reports of one body share, whatever the title calls it: NFKC, no whitespace, no
/// parenthesised remarks, and without the zone-administration suffixes 管理委员会办公室,
/// 管委会办公室, 管理委员会, 管委会 (平潭综合实验区管委会办公室 reports for
/// 平潭综合实验区). 人民政府 and 办公厅 are kept: a government and its general office
/// publish separate reports. The map overrides.
pub fn issuer_key(issuer: &str, map: &IssuerMap) -> String {
    let name = squeezed(issuer);
    if let Some(key) = map.0.get(&name) {
        return key.clone();
    }
    let mut key = String::new();
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => key.push(c),
            _ => {}
        }
    }
    // Names of bodies, not report labels: no template says how issuers are called.
    for suffix in ["管理委员会办公室", "管委会办公室", "管理委员会", "管委会"]
    {
        if let Some(k) = key.strip_suffix(suffix) {
            if !k.is_empty() {
                return k.to_string();
            }
        }
    }
    key
}

/// A soft rule two consecutive reports break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossFinding {
    pub rule: String,
    pub issuer: String,
    pub years: (u16, u16),
    pub sources: (String, String),
    /// `自然人: 2020 二 = 5, 2019 四 = 3`
    pub description: String,
}

/// Reports that could not be placed in a series, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unplaced {
    pub source: String,
    pub reason: String,
}

/// Checks every pair of consecutive years of each issuer.
pub fn check(
    reports: &[Loaded],
    map: &IssuerMap,
    templates: &Templates,
) -> (Vec<CrossFinding>, Vec<Unplaced>) {
    let mut series: BTreeMap<String, BTreeMap<u16, Vec<&Report>>> = BTreeMap::new();
    let mut unplaced = Vec::new();
    for l in reports {
        let r = &l.report;
        match (&r.meta.issuer, r.meta.year) {
            (Some(issuer), Some(year)) => series
                .entry(issuer_key(issuer, map))
                .or_default()
                .entry(year)
                .or_default()
                .push(r),
            _ => unplaced.push(Unplaced {
                source: r.meta.source.name.clone(),
                reason: "no issuer or year is stated, so it belongs to no series".into(),
            }),
        }
    }
    let mut findings = Vec::new();
    for (issuer, years) in &series {
        for (year, reports) in years {
            if reports.len() > 1 {
                for r in reports {
                    unplaced.push(Unplaced {
                        source: r.meta.source.name.clone(),
                        reason: format!("{issuer} has {} reports for {year}; which one continues the series is unclear", reports.len()),
                    });
                }
                continue;
            }
            let Some(next) = years.get(&(year + 1)).filter(|n| n.len() == 1) else {
                continue;
            };
            for rule in &templates.cross_rules {
                findings.extend(apply(
                    templates,
                    rule,
                    issuer,
                    (*year, reports[0]),
                    (year + 1, next[0]),
                ));
            }
        }
    }
    (findings, unplaced)
}

/// One cross rule on one pair of reports: a finding per instance that fails.
fn apply(
    templates: &Templates,
    rule: &CrossRule,
    issuer: &str,
    this: (u16, &Report),
    next: (u16, &Report),
) -> Vec<CrossFinding> {
    let uses = |r: &Report| {
        rule.templates
            .iter()
            .any(|t| Some(t) == r.meta.template.as_ref())
    };
    if !uses(this.1) || !uses(next.1) {
        return Vec::new();
    }
    let subjects: Vec<String> = match rule.over {
        RuleScope::Columns => crate::checks::template_of(this.1, templates)
            .and_then(|t| t.table(&rule.table))
            .map(|t| t.columns().into_iter().map(String::from).collect())
            .unwrap_or_default(),
        _ => rule.rows.clone(),
    };
    let mut out = Vec::new();
    for subject in subjects {
        let term = |text: &str| -> Option<(String, Option<Decimal>)> {
            let t = CrossRule::term(text)?;
            let (year, report) = if t.next_year { next } else { this };
            let (row, col) = match rule.over {
                RuleScope::Columns => (t.id, subject.as_str()),
                _ => (subject.as_str(), t.id),
            };
            let name = match rule.over {
                RuleScope::Columns => row_name(templates, row),
                _ => col_name(templates, col),
            };
            let value = match report
                .standard_table(&rule.table)?
                .cell(row, col)
                .map(|c| &c.content)
            {
                Some(CellContent::Value(v)) => number::decimal(v),
                Some(CellContent::Blank) => Some(Decimal::ZERO),
                _ => None,
            }
            .map(|v| if t.negative { -v } else { v });
            Some((
                format!("{}{year} {name}", if t.negative { "−" } else { "" }),
                value,
            ))
        };
        let side = |terms: &[String]| -> Option<(String, Decimal)> {
            let mut names = Vec::new();
            let mut sum = Decimal::ZERO;
            for t in terms {
                let (name, value) = term(t)?;
                sum += value?;
                names.push(name);
            }
            Some((names.join(" + "), sum))
        };
        // A side without values (missing cells) decides nothing.
        let (Some((left_names, left)), Some((right_names, right))) =
            (side(&rule.left), side(&rule.right))
        else {
            continue;
        };
        if left != right {
            let label = match rule.over {
                RuleScope::Columns => col_name(templates, &subject),
                _ => row_name(templates, &subject),
            };
            out.push(CrossFinding {
                rule: rule.id.clone(),
                issuer: issuer.to_string(),
                years: (this.0, next.0),
                sources: (
                    this.1.meta.source.name.clone(),
                    next.1.meta.source.name.clone(),
                ),
                description: format!(
                    "{label}: {right_names} = {}, {left_names} = {}",
                    format_decimal(right),
                    format_decimal(left)
                ),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_keys_group_a_zone_and_its_office_but_not_a_government_and_its_office() {
        let map = IssuerMap::default();
        assert_eq!(
            issuer_key("平潭综合实验区管委会办公室", &map),
            "平潭综合实验区"
        );
        assert_eq!(issuer_key("平潭综合实验区", &map), "平潭综合实验区");
        assert_eq!(
            issuer_key(" 洪泽区人民政府（办公室） ", &map),
            "洪泽区人民政府"
        );
        assert_ne!(
            issuer_key("上海市人民政府办公厅", &map),
            issuer_key("上海市人民政府", &map)
        );
        let mut m = BTreeMap::new();
        m.insert("上海市科委".to_string(), "上海市科学技术委员会".to_string());
        assert_eq!(
            issuer_key("上海市 科委", &IssuerMap(m)),
            "上海市科学技术委员会"
        );
    }
}

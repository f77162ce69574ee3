//! The report templates (v2019, v2021), loaded once from `schemas/templates.toml`.
//!
//! This is the only place that knows labels, ids, order and rules; the recogniser, the
//! checks, the XML writer and the schema generator all read it from here.

pub mod rules;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::TemplateId;

const TEMPLATES_TOML: &str = include_str!("../../schemas/templates.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    #[serde(rename = "section")]
    pub sections: Vec<SectionDef>,
    #[serde(rename = "column")]
    pub columns: Vec<ColumnDef>,
    #[serde(rename = "row")]
    pub rows: Vec<RowDef>,
    #[serde(rename = "template")]
    pub templates: Vec<Template>,
    #[serde(rename = "rule")]
    pub rules: Vec<LinearRule>,
    #[serde(rename = "sign_rule")]
    pub sign_rules: Vec<SignRule>,
    #[serde(rename = "narrative_rule")]
    pub narrative_rules: Vec<NarrativeRule>,
    #[serde(rename = "cross_rule")]
    pub cross_rules: Vec<CrossRule>,
    #[serde(rename = "group")]
    pub groups: Vec<GroupDef>,
    #[serde(rename = "header")]
    pub headers: Vec<HeaderDef>,
    #[serde(skip)]
    column_index: HashMap<String, usize>,
    #[serde(skip)]
    row_index: HashMap<String, usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    pub id: String,
    pub heading: String,
    /// Each entry is a group of words joined by `+`, all of which must occur.
    pub keywords: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    pub id: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: ValueKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    /// Integer ≥ 0.
    Count,
    /// Integer, may be negative.
    Signed,
    /// Decimal ≥ 0, may carry a unit.
    Amount,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowDef {
    pub id: String,
    pub label: String,
    /// A short name for messages (`一`, `(三)1`); the label when absent.
    pub short: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub exact: Vec<String>,
    pub level: Option<u8>,
}

impl RowDef {
    pub fn short(&self) -> &str {
        self.short.as_deref().unwrap_or(&self.label)
    }
}

/// A t3 group label (三、本年度办理结果, （三）不予公开 …) and the rows under it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    pub id: String,
    pub label: String,
    pub level: u8,
    pub rows: Vec<String>,
}

/// The printed header rows of a table, as cells with spans.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderDef {
    pub table: String,
    pub rows: Vec<Vec<HeaderCell>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderCell {
    pub text: String,
    #[serde(default = "one")]
    pub rowspan: u32,
    #[serde(default = "one")]
    pub colspan: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    #[serde(deserialize_with = "template_id")]
    pub id: TemplateId,
    pub years: [u16; 2],
    pub signals: Vec<String>,
    #[serde(rename = "table")]
    pub tables: Vec<TableTemplate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableTemplate {
    pub id: String,
    pub section: String,
    pub anchors: Vec<String>,
    pub anchor_then: Option<String>,
    pub blocks: Vec<BlockTemplate>,
    #[serde(default)]
    pub optional: Vec<OptionalRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockTemplate {
    pub id: String,
    pub title: Option<String>,
    pub cols: Vec<String>,
    pub rows: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionalRow {
    pub row: String,
    pub parts: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearRule {
    pub id: String,
    pub status: String,
    pub table: String,
    pub over: RuleScope,
    #[serde(default)]
    pub derive_left: bool,
    pub left: Vec<String>,
    pub right: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleScope {
    /// One instance per column of the table; terms are row ids.
    Columns,
    /// One instance per row of the table; terms are column ids.
    Rows,
    /// One instance; terms are `row/col` cell keys.
    Cell,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignRule {
    pub id: String,
    pub status: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeRule {
    pub id: String,
    pub status: String,
    /// `row/col` cells whose sum the prose states.
    pub cells: Vec<String>,
    pub sections: Vec<String>,
    /// Compiled as the templates load: the patterns are data, their automata built once.
    #[serde(deserialize_with = "compiled_patterns")]
    pub patterns: Vec<regex::Regex>,
}

fn compiled_patterns<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<regex::Regex>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|p| regex::Regex::new(p).map_err(serde::de::Error::custom))
        .collect()
}

/// A soft rule between two reports of one issuer for consecutive years.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrossRule {
    pub id: String,
    pub status: String,
    pub templates: Vec<String>,
    pub table: String,
    pub over: RuleScope,
    #[serde(default)]
    pub rows: Vec<String>,
    pub left: Vec<String>,
    pub right: Vec<String>,
}

/// One term of a cross-year rule: which year, which id, added or taken away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossTerm<'a> {
    pub next_year: bool,
    pub id: &'a str,
    pub negative: bool,
}

impl CrossRule {
    /// Parses `next:t3.row.carried_over`, `-next:t2.col.repealed`.
    pub fn term(text: &str) -> Option<CrossTerm<'_>> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, text),
        };
        let (year, id) = rest.split_once(':')?;
        let next_year = match year {
            "next" => true,
            "this" => false,
            _ => return None,
        };
        Some(CrossTerm {
            next_year,
            id,
            negative,
        })
    }
}

fn template_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<TemplateId, D::Error> {
    let s = String::deserialize(d)?;
    match TemplateId::parse(&s) {
        Some(id) if id != TemplateId::None => Ok(id),
        _ => Err(serde::de::Error::custom(format!(
            "unknown template id {s:?}"
        ))),
    }
}

/// The templates, parsed once. The file is compiled in and checked by the tests, so a
/// parse failure here is a build defect, never an input problem.
pub fn templates() -> &'static Templates {
    static TEMPLATES: OnceLock<Templates> = OnceLock::new();
    TEMPLATES
        .get_or_init(|| Templates::parse(TEMPLATES_TOML).expect("schemas/templates.toml is valid"))
}

impl Templates {
    pub fn parse(text: &str) -> Result<Templates, String> {
        let mut t: Templates = toml::from_str(text).map_err(|e| e.to_string())?;
        t.column_index = t
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        t.row_index = t
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        t.validate()?;
        Ok(t)
    }

    /// Every id a template, block or rule names must be defined, exactly once.
    fn validate(&self) -> Result<(), String> {
        if self.column_index.len() != self.columns.len() || self.row_index.len() != self.rows.len()
        {
            return Err("duplicate row or column id".into());
        }
        for tpl in &self.templates {
            for table in &tpl.tables {
                if !self.sections.iter().any(|s| s.id == table.section) {
                    return Err(format!("{}: unknown section {}", table.id, table.section));
                }
                for block in &table.blocks {
                    for c in &block.cols {
                        self.column_index
                            .get(c)
                            .ok_or(format!("unknown column {c}"))?;
                    }
                    for r in &block.rows {
                        self.row_index.get(r).ok_or(format!("unknown row {r}"))?;
                    }
                }
                for opt in &table.optional {
                    if table.block_of(&opt.row).is_none()
                        || opt.parts.iter().any(|p| table.block_of(p).is_none())
                    {
                        return Err(format!(
                            "{}: optional row {} or its parts not in the table",
                            table.id, opt.row
                        ));
                    }
                }
            }
        }
        for rule in &self.rules {
            for term in rule.left.iter().chain(&rule.right) {
                let known = match rule.over {
                    RuleScope::Columns => self.row_index.contains_key(term),
                    RuleScope::Rows => self.column_index.contains_key(term),
                    RuleScope::Cell => term.split_once('/').is_some_and(|(r, c)| {
                        self.row_index.contains_key(r) && self.column_index.contains_key(c)
                    }),
                };
                if !known {
                    return Err(format!("{}: unknown term {term}", rule.id));
                }
            }
        }
        for rule in &self.narrative_rules {
            for cell in &rule.cells {
                let known = cell.split_once('/').is_some_and(|(r, c)| {
                    self.row_index.contains_key(r) && self.column_index.contains_key(c)
                });
                if !known {
                    return Err(format!("{}: unknown cell {cell}", rule.id));
                }
            }
        }
        for rule in &self.cross_rules {
            for term in rule.left.iter().chain(&rule.right) {
                let known = CrossRule::term(term).is_some_and(|t| match rule.over {
                    RuleScope::Columns => self.row_index.contains_key(t.id),
                    _ => self.column_index.contains_key(t.id),
                });
                if !known {
                    return Err(format!("{}: unknown term {term}", rule.id));
                }
            }
            if rule.rows.iter().any(|r| !self.row_index.contains_key(r)) {
                return Err(format!("{}: unknown row", rule.id));
            }
        }
        for group in &self.groups {
            if group.rows.iter().any(|r| !self.row_index.contains_key(r)) {
                return Err(format!("{}: unknown row", group.id));
            }
        }
        Ok(())
    }

    pub fn template(&self, id: TemplateId) -> Option<&Template> {
        self.templates.iter().find(|t| t.id == id)
    }

    pub fn column(&self, id: &str) -> Option<&ColumnDef> {
        self.column_index.get(id).map(|&i| &self.columns[i])
    }

    pub fn row(&self, id: &str) -> Option<&RowDef> {
        self.row_index.get(id).map(|&i| &self.rows[i])
    }

    pub fn header(&self, table: &str) -> Option<&HeaderDef> {
        self.headers.iter().find(|h| h.table == table)
    }

    /// Rules that apply to a table.
    pub fn rules_for<'a>(&'a self, table: &'a str) -> impl Iterator<Item = &'a LinearRule> + 'a {
        self.rules.iter().filter(move |r| r.table == table)
    }
}

impl Template {
    pub fn table(&self, id: &str) -> Option<&TableTemplate> {
        self.tables.iter().find(|t| t.id == id)
    }

    pub fn covers_year(&self, year: u16) -> bool {
        (self.years[0]..=self.years[1]).contains(&year)
    }
}

impl TableTemplate {
    /// Data rows in template order, each with its block.
    pub fn rows(&self) -> impl Iterator<Item = (&str, &BlockTemplate)> {
        self.blocks
            .iter()
            .flat_map(|b| b.rows.iter().map(move |r| (r.as_str(), b)))
    }

    pub fn block_of(&self, row: &str) -> Option<&BlockTemplate> {
        self.blocks.iter().find(|b| b.rows.iter().any(|r| r == row))
    }

    pub fn optional(&self, row: &str) -> Option<&OptionalRow> {
        self.optional.iter().find(|o| o.row == row)
    }

    /// All columns of the table, in first-seen order.
    pub fn columns(&self) -> Vec<&str> {
        let mut cols: Vec<&str> = Vec::new();
        for b in &self.blocks {
            for c in &b.cols {
                if !cols.contains(&c.as_str()) {
                    cols.push(c);
                }
            }
        }
        cols
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_and_have_the_spec_cell_counts() {
        let t = templates();
        let count = |id, table: &str| {
            let tt = t.template(id).unwrap().table(table).unwrap();
            tt.rows()
                .filter(|(r, _)| tt.optional(r).is_none())
                .map(|(_, b)| b.cols.len())
                .sum::<usize>()
        };
        // spec §3.1, §3.2, §4.2, §5
        assert_eq!(count(TemplateId::V2019, "t2"), 22);
        assert_eq!(count(TemplateId::V2021, "t2"), 10);
        assert_eq!(count(TemplateId::V2019, "t3"), 161);
        assert_eq!(count(TemplateId::V2021, "t3"), 175);
        assert_eq!(count(TemplateId::V2019, "t4"), 15);
        assert_eq!(count(TemplateId::V2021, "t4"), 15);
    }

    #[test]
    fn unknown_ids_are_rejected() {
        let bad = TEMPLATES_TOML.replace(
            "\"t3.row.granted\", \"t3.row.partial\",\n    \"t3.row.denied",
            "\"t3.row.grant\", \"t3.row.partial\",\n    \"t3.row.denied",
        );
        assert_ne!(bad, TEMPLATES_TOML);
        assert!(Templates::parse(&bad)
            .unwrap_err()
            .contains("unknown row t3.row.grant"));
    }
}

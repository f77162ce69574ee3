//! The report templates as data: `schemas/templates.toml`, compiled in and the default, or
//! any file of the same form given with `--templates FILE`.
//!
//! This is the only place that knows labels, ids, order and rules; the recogniser, the
//! checks, the XML writer and the schema generator are handed the [`Templates`] they use.

mod builtin;
pub mod phrase;
pub mod rules;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use serde::Deserialize;

use crate::model::{NO_TEMPLATE, PREAMBLE};
use crate::template::phrase::TablePattern;
use crate::template::rules::RuleInstance;
use crate::text::pattern::LazyRegex;

/// The longest table anchor a template may give (a heading's words, not a paragraph).
const MAX_ANCHOR_CHARS: usize = 100;
const BUILTIN_TOML: &str = include_str!("../../schemas/templates.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    /// Words a section heading run into the following text ends at, after its keyword.
    pub heading_ends: Vec<String>,
    #[serde(rename = "section")]
    pub sections: Vec<SectionDef>,
    #[serde(rename = "column")]
    pub columns: Vec<ColumnDef>,
    #[serde(rename = "row")]
    pub rows: Vec<RowDef>,
    #[serde(rename = "template")]
    pub templates: Vec<Template>,
    pub version: VersionRules,
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
    /// The title, issuer and year are read from the preamble and the opening sections.
    #[serde(default)]
    pub opening: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    pub id: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: ValueKind,
}

impl ColumnDef {
    /// The label's words before its parenthesised unit or note, without whitespace: what a
    /// header prints of the column (`本年收费金额` of `本年收费金额（单位：万元）`).
    pub fn words(&self) -> String {
        self.label
            .split(['(', '（'])
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }
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
    /// A search for the last place of each keyword, made at first use: `str::rfind`
    /// prepares its search anew at every call, which cost more than the search in a
    /// table's short labels.
    #[serde(skip)]
    keyword_finders: OnceLock<Vec<memchr::memmem::FinderRev<'static>>>,
}

impl RowDef {
    pub fn short(&self) -> &str {
        self.short.as_deref().unwrap_or(&self.label)
    }

    /// Each keyword with where it last occurs in `text`, when it does.
    pub fn keywords_last_in<'k>(
        &'k self,
        text: &'k str,
    ) -> impl Iterator<Item = (&'k str, Option<usize>)> + 'k {
        let finders = self.keyword_finders.get_or_init(|| {
            self.keywords
                .iter()
                .map(|kw| memchr::memmem::FinderRev::new(kw).into_owned())
                .collect()
        });
        self.keywords
            .iter()
            .zip(finders)
            .map(move |(kw, finder)| (kw.as_str(), finder.rfind(text.as_bytes())))
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
    /// The templates whose table prints this header; every template when empty.
    #[serde(default)]
    pub templates: Vec<String>,
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
    /// The id a report names it by in `<template>`; never `none`.
    pub id: String,
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
    #[serde(default)]
    pub rows_by: RowsBy,
    /// The header of the label column (`信息内容`).
    pub label_header: Option<String>,
    pub blocks: Vec<BlockTemplate>,
    #[serde(default)]
    pub optional: Vec<OptionalRow>,
    /// Each anchor as a pattern that lets whitespace fall anywhere inside it, built on
    /// first use and shared.
    #[serde(skip)]
    anchor_patterns: OnceLock<Vec<TablePattern>>,
    /// The header rows of the table's blocks as patterns (see [`TableTemplate::header_row_patterns`]).
    #[serde(skip)]
    header_row_patterns: OnceLock<Vec<TablePattern>>,
    /// The rule instances of each set of printed rows, built on first use: reports print
    /// only a few row sets.
    #[serde(skip)]
    instances: Mutex<HashMap<Vec<String>, Arc<[RuleInstance]>>>,
}

/// How a table's printed numbers find their rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowsBy {
    /// By the row's label, anywhere in the table (converters move t2's blocks).
    #[default]
    Label,
    /// By label, forward only and numbered (t3's rows share words: 其他, 总计).
    LabelInOrder,
    /// A one-row table: its numbers in order (t4, spec §8 step 6).
    Position,
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
    /// The template whose layout a report printing this row keeps.
    pub as_in: Option<String>,
}

/// How the template of a report is told (spec §1.1, §8 step 7).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionRules {
    /// The table whose header words the templates' `signals` are.
    pub signals_in: String,
    /// The table whose words tell the template when neither signals nor year do.
    pub shape_in: String,
    /// What of `shape_in` is looked at, for the diagnostic (`（六） rows`).
    pub shape_named: String,
    pub shape: Vec<ShapeSignal>,
    /// The template when no `shape` words are printed.
    pub otherwise: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeSignal {
    pub template: String,
    pub words: Vec<String>,
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
    /// Regular expressions: a file's are checked as it loads ([`Templates::parse`]), the
    /// built-in ones by a test.
    pub patterns: Vec<String>,
    /// The patterns, parsed on first use; each one's automaton is built for the first
    /// paragraph that holds its literals (building costs more than the rest of a short
    /// run, and a report's prose rarely holds what every pattern asks for).
    #[serde(skip)]
    compiled: OnceLock<Vec<LazyRegex>>,
}

impl NarrativeRule {
    /// The patterns (parsed once per process).
    pub fn compiled_patterns(&self) -> &[LazyRegex] {
        // Every pattern was parsed as the file loaded (see `Templates::parse`).
        self.compiled.get_or_init(|| {
            self.patterns
                .iter()
                .filter_map(|p| LazyRegex::new(p))
                .collect()
        })
    }
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

/// A template file that cannot be used: the line it is wrong on, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TemplateError {
    /// 1-based; none when the file as a whole is wrong.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A template file that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Read(crate::input::InputError),
    #[error("larger than {0} bytes: no template file is")]
    TooLarge(u64),
    #[error("not UTF-8 text")]
    NotUtf8,
    #[error(transparent)]
    Invalid(#[from] TemplateError),
}

/// Where in the file a problem lies: keys and array indices from the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key<'a> {
    Name(&'a str),
    Index(usize),
}

/// A well-formed file that names what it does not define, or defines a thing twice.
#[derive(Debug)]
struct Invalid {
    at: Place,
    message: String,
}

/// Where an [`Invalid`] problem is written.
#[derive(Debug)]
enum Place {
    Keys(Vec<Key<'static>>),
    /// Where this text first appears.
    Text(String),
}

fn invalid(at: &[Key<'static>], message: impl Into<String>) -> Invalid {
    Invalid {
        at: Place::Keys(at.to_vec()),
        message: message.into(),
    }
}

use Key::{Index, Name};

/// Template files are small; a larger one is no template file.
const MAX_TEMPLATE_BYTES: u64 = 16 << 20;

impl Templates {
    /// The templates compiled in (`schemas/templates.toml`, as build.rs's static data),
    /// read on first use and shared. Not validated here: the tests hold the data equal to
    /// the TOML and the TOML valid, so a failure here is a build defect, never an input
    /// problem (and the TOML's own parse then names the line).
    pub fn builtin() -> Arc<Templates> {
        static BUILTIN: OnceLock<Arc<Templates>> = OnceLock::new();
        Arc::clone(BUILTIN.get_or_init(|| {
            let read = builtin::BUILTIN
                .as_ref()
                .and_then(|tree| Templates::deserialize(builtin::NodeDeserializer(tree)).ok());
            Arc::new(match read {
                Some(t) => Templates::indexed(t),
                None => Templates::parse(BUILTIN_TOML).expect("schemas/templates.toml is valid"),
            })
        }))
    }

    /// Loads a template file (opened as inputs are: never a FIFO or a device).
    pub fn load(path: &Path) -> Result<Templates, LoadError> {
        let input =
            crate::input::Input::from_path(path, MAX_TEMPLATE_BYTES).map_err(|e| match e {
                crate::input::InputError::TooLarge { limit } => LoadError::TooLarge(limit),
                e => LoadError::Read(e),
            })?;
        let text = String::from_utf8(input.bytes).map_err(|_| LoadError::NotUtf8)?;
        Ok(Templates::parse(&text)?)
    }

    pub fn parse(text: &str) -> Result<Templates, TemplateError> {
        let t: Templates = toml::from_str(text).map_err(|e| TemplateError {
            line: e.span().map(|s| line_at(text, s.start)),
            message: e.message().trim_end().replace('\n', "; "),
        })?;
        Templates::indexed(t)
            .validated()
            .and_then(Templates::with_parsed_patterns)
            .map_err(|e| TemplateError {
                line: match &e.at {
                    Place::Keys(keys) => span_at(text, keys).map(|s| line_at(text, s.start)),
                    Place::Text(written) => text.find(written.as_str()).map(|at| line_at(text, at)),
                },
                message: e.message,
            })
    }

    /// With the indexes of its columns and rows by id.
    fn indexed(mut self) -> Templates {
        self.column_index = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        self.row_index = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        self
    }

    /// The templates when every id is well defined and every anchor short.
    fn validated(self) -> Result<Templates, Invalid> {
        self.validate()?;
        for table in self.templates.iter().flat_map(|tpl| &tpl.tables) {
            if let Some(long) = table
                .anchors
                .iter()
                .find(|a| a.chars().count() > MAX_ANCHOR_CHARS)
            {
                return Err(Invalid {
                    at: Place::Text(long.clone()),
                    message: format!(
                        "table {}: the anchor {long:?} is longer than {MAX_ANCHOR_CHARS} characters",
                        table.id
                    ),
                });
            }
        }
        Ok(self)
    }

    /// The templates when every narrative pattern parses as a regular expression (not yet
    /// compiled: see [`NarrativeRule::compiled_patterns`]). Parsing them costs more than
    /// the rest of loading, so the built-in ones are checked by a test, not at each start.
    fn with_parsed_patterns(self) -> Result<Templates, Invalid> {
        for (i, rule) in self.narrative_rules.iter().enumerate() {
            for (k, pattern) in rule.patterns.iter().enumerate() {
                if let Err(e) = regex_syntax::Parser::new().parse(pattern) {
                    return Err(invalid(
                        &[Name("narrative_rule"), Index(i), Name("patterns"), Index(k)],
                        e.to_string().trim_end().replace('\n', "; "),
                    ));
                }
            }
        }
        Ok(self)
    }

    /// Every id a template, block or rule names must be defined, exactly once.
    fn validate(&self) -> Result<(), Invalid> {
        // Ids are written into XML attributes and the schema, joined by `/` (a cell) and
        // `+` (a narrative subject): letters, digits, `.`, `_` and `-` only.
        let well_formed = |id: &str| {
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        };
        let defined = [
            (
                "section",
                self.sections.iter().map(|s| &s.id).collect::<Vec<_>>(),
            ),
            ("column", self.columns.iter().map(|c| &c.id).collect()),
            ("row", self.rows.iter().map(|r| &r.id).collect()),
            ("template", self.templates.iter().map(|t| &t.id).collect()),
            ("rule", self.rules.iter().map(|r| &r.id).collect()),
            ("sign_rule", self.sign_rules.iter().map(|r| &r.id).collect()),
            (
                "narrative_rule",
                self.narrative_rules.iter().map(|r| &r.id).collect(),
            ),
            (
                "cross_rule",
                self.cross_rules.iter().map(|r| &r.id).collect(),
            ),
            ("group", self.groups.iter().map(|g| &g.id).collect()),
        ];
        for (kind, ids) in &defined {
            if let Some(i) = ids.iter().position(|id| !well_formed(id)) {
                return Err(invalid(
                    &[Name(kind), Index(i), Name("id")],
                    format!("{:?} cannot name a {kind}: ids are ASCII letters, digits, `.`, `_` and `-`", ids[i]),
                ));
            }
        }
        for (i, tpl) in self.templates.iter().enumerate() {
            for (j, table) in tpl.tables.iter().enumerate() {
                if !well_formed(&table.id) {
                    return Err(invalid(
                        &[Name("template"), Index(i), Name("table"), Index(j), Name("id")],
                        format!("{:?} cannot name a table: ids are ASCII letters, digits, `.`, `_` and `-`", table.id),
                    ));
                }
            }
        }
        for (kind, ids) in [
            (
                "section",
                self.sections.iter().map(|s| &s.id).collect::<Vec<_>>(),
            ),
            ("column", self.columns.iter().map(|c| &c.id).collect()),
            ("row", self.rows.iter().map(|r| &r.id).collect()),
            ("template", self.templates.iter().map(|t| &t.id).collect()),
        ] {
            if let Some(i) = (0..ids.len()).find(|&i| ids[..i].contains(&ids[i])) {
                return Err(invalid(
                    &[Name(kind), Index(i), Name("id")],
                    format!("{kind} {} is defined twice", ids[i]),
                ));
            }
        }
        let section_known = |id: &str| id == PREAMBLE || self.sections.iter().any(|s| s.id == id);
        let template_known = |id: &str| self.template(id).is_some();
        let table_known = |id: &str| self.table_ids().contains(&id);
        for (i, tpl) in self.templates.iter().enumerate() {
            let at = [Name("template"), Index(i)];
            if tpl.id == NO_TEMPLATE {
                return Err(invalid(
                    &[Name("template"), Index(i), Name("id")],
                    format!(
                        "{:?} cannot name a template (`none` means no template)",
                        tpl.id
                    ),
                ));
            }
            if tpl.years[0] > tpl.years[1] {
                return Err(invalid(
                    &[Name("template"), Index(i), Name("years")],
                    format!("template {}: its years run backwards", tpl.id),
                ));
            }
            for (j, table) in tpl.tables.iter().enumerate() {
                let at = [at[0], at[1], Name("table"), Index(j)];
                let field = |name: &'static str| [at[0], at[1], at[2], at[3], Name(name)];
                if tpl.tables[..j].iter().any(|t| t.id == table.id) {
                    return Err(invalid(
                        &field("id"),
                        format!("template {}: table {} is defined twice", tpl.id, table.id),
                    ));
                }
                if !self.sections.iter().any(|s| s.id == table.section) {
                    return Err(invalid(
                        &field("section"),
                        format!("{}: unknown section {}", table.id, table.section),
                    ));
                }
                if table.anchors.iter().all(|a| a.is_empty()) {
                    return Err(invalid(
                        &field("anchors"),
                        format!("{}: a table needs an anchor", table.id),
                    ));
                }
                for (k, block) in table.blocks.iter().enumerate() {
                    let in_block = |name: &'static str, m: usize| {
                        [
                            at[0],
                            at[1],
                            at[2],
                            at[3],
                            Name("blocks"),
                            Index(k),
                            Name(name),
                            Index(m),
                        ]
                    };
                    for (m, c) in block.cols.iter().enumerate() {
                        if !self.column_index.contains_key(c) {
                            return Err(invalid(
                                &in_block("cols", m),
                                format!("unknown column {c}"),
                            ));
                        }
                    }
                    for (m, r) in block.rows.iter().enumerate() {
                        if !self.row_index.contains_key(r) {
                            return Err(invalid(&in_block("rows", m), format!("unknown row {r}")));
                        }
                        if table.rows().filter(|(row, _)| row == r).count() > 1 {
                            return Err(invalid(
                                &in_block("rows", m),
                                format!("{}: row {r} is listed twice", table.id),
                            ));
                        }
                    }
                }
                for (k, opt) in table.optional.iter().enumerate() {
                    let at = [at[0], at[1], at[2], at[3], Name("optional"), Index(k)];
                    if table.block_of(&opt.row).is_none()
                        || opt.parts.iter().any(|p| table.block_of(p).is_none())
                    {
                        return Err(invalid(
                            &at,
                            format!(
                                "{}: optional row {} or its parts not in the table",
                                table.id, opt.row
                            ),
                        ));
                    }
                    if let Some(other) = opt.as_in.as_deref().filter(|t| !template_known(t)) {
                        return Err(invalid(&at, format!("unknown template {other}")));
                    }
                }
                if table.rows_by == RowsBy::Position && table.rows().count() != 1 {
                    return Err(invalid(
                        &field("rows_by"),
                        format!("{}: a table read by position has one row", table.id),
                    ));
                }
            }
        }
        let v = &self.version;
        for (name, table) in [("signals_in", &v.signals_in), ("shape_in", &v.shape_in)] {
            if !table_known(table) {
                return Err(invalid(
                    &[Name("version"), Name(name)],
                    format!("unknown table {table}"),
                ));
            }
        }
        for (k, shape) in v.shape.iter().enumerate() {
            if !template_known(&shape.template) {
                return Err(invalid(
                    &[Name("version"), Name("shape"), Index(k)],
                    format!("unknown template {}", shape.template),
                ));
            }
        }
        if !template_known(&v.otherwise) {
            return Err(invalid(
                &[Name("version"), Name("otherwise")],
                format!("unknown template {}", v.otherwise),
            ));
        }
        let cell_known = |cell: &str| {
            cell.split_once('/').is_some_and(|(r, c)| {
                self.row_index.contains_key(r) && self.column_index.contains_key(c)
            })
        };
        for (i, rule) in self.rules.iter().enumerate() {
            if !table_known(&rule.table) {
                return Err(invalid(
                    &[Name("rule"), Index(i), Name("table")],
                    format!("{}: unknown table {}", rule.id, rule.table),
                ));
            }
            for (side, terms) in [("left", &rule.left), ("right", &rule.right)] {
                for (k, term) in terms.iter().enumerate() {
                    let known = match rule.over {
                        RuleScope::Columns => self.row_index.contains_key(term),
                        RuleScope::Rows => self.column_index.contains_key(term),
                        RuleScope::Cell => cell_known(term),
                    };
                    if !known {
                        return Err(invalid(
                            &[Name("rule"), Index(i), Name(side), Index(k)],
                            format!("{}: unknown term {term}", rule.id),
                        ));
                    }
                }
            }
        }
        for (i, rule) in self.narrative_rules.iter().enumerate() {
            for (k, cell) in rule.cells.iter().enumerate() {
                if !cell_known(cell) {
                    return Err(invalid(
                        &[Name("narrative_rule"), Index(i), Name("cells"), Index(k)],
                        format!("{}: unknown cell {cell}", rule.id),
                    ));
                }
            }
            for (k, section) in rule.sections.iter().enumerate() {
                if !section_known(section) {
                    return Err(invalid(
                        &[Name("narrative_rule"), Index(i), Name("sections"), Index(k)],
                        format!("{}: unknown section {section}", rule.id),
                    ));
                }
            }
        }
        for (i, rule) in self.cross_rules.iter().enumerate() {
            let at =
                |name: &'static str, k: usize| [Name("cross_rule"), Index(i), Name(name), Index(k)];
            for (k, t) in rule.templates.iter().enumerate() {
                if !template_known(t) {
                    return Err(invalid(
                        &at("templates", k),
                        format!("{}: unknown template {t}", rule.id),
                    ));
                }
            }
            if !table_known(&rule.table) {
                return Err(invalid(
                    &[Name("cross_rule"), Index(i), Name("table")],
                    format!("{}: unknown table {}", rule.id, rule.table),
                ));
            }
            for (side, terms) in [("left", &rule.left), ("right", &rule.right)] {
                for (k, term) in terms.iter().enumerate() {
                    let known = CrossRule::term(term).is_some_and(|t| match rule.over {
                        RuleScope::Columns => self.row_index.contains_key(t.id),
                        _ => self.column_index.contains_key(t.id),
                    });
                    if !known {
                        return Err(invalid(
                            &at(side, k),
                            format!("{}: unknown term {term}", rule.id),
                        ));
                    }
                }
            }
            if let Some(k) = rule
                .rows
                .iter()
                .position(|r| !self.row_index.contains_key(r))
            {
                return Err(invalid(
                    &at("rows", k),
                    format!("{}: unknown row {}", rule.id, rule.rows[k]),
                ));
            }
        }
        for (i, group) in self.groups.iter().enumerate() {
            if let Some(k) = group
                .rows
                .iter()
                .position(|r| !self.row_index.contains_key(r))
            {
                return Err(invalid(
                    &[Name("group"), Index(i), Name("rows"), Index(k)],
                    format!("{}: unknown row {}", group.id, group.rows[k]),
                ));
            }
        }
        for (i, header) in self.headers.iter().enumerate() {
            if !table_known(&header.table) {
                return Err(invalid(
                    &[Name("header"), Index(i), Name("table")],
                    format!("unknown table {}", header.table),
                ));
            }
            if let Some(k) = header.templates.iter().position(|t| !template_known(t)) {
                return Err(invalid(
                    &[Name("header"), Index(i), Name("templates"), Index(k)],
                    format!("unknown template {}", header.templates[k]),
                ));
            }
        }
        Ok(())
    }

    /// The template a report names; none for `none` or an id this file does not define.
    pub fn template(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.id == id)
    }

    /// Every standard table id, in the order the templates first name them.
    pub fn table_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for table in self.templates.iter().flat_map(|t| &t.tables) {
            if !ids.contains(&table.id.as_str()) {
                ids.push(&table.id);
            }
        }
        ids
    }

    pub fn column(&self, id: &str) -> Option<&ColumnDef> {
        self.column_index.get(id).map(|&i| &self.columns[i])
    }

    pub fn row(&self, id: &str) -> Option<&RowDef> {
        self.row_index.get(id).map(|&i| &self.rows[i])
    }

    /// The printed header of a template's table.
    pub fn header(&self, template: &str, table: &str) -> Option<&HeaderDef> {
        self.headers.iter().find(|h| {
            h.table == table
                && (h.templates.is_empty() || h.templates.iter().any(|t| t == template))
        })
    }

    /// Rules that apply to a table.
    pub fn rules_for<'a>(&'a self, table: &'a str) -> impl Iterator<Item = &'a LinearRule> + 'a {
        self.rules.iter().filter(move |r| r.table == table)
    }
}

/// The 1-based line of a byte offset; an error at the end of the file is on its last line.
fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.trim_end().len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Where the value at `at` is written in the file: the innermost of its keys the TOML
/// parser kept a position for.
fn span_at(text: &str, at: &[Key<'_>]) -> Option<Range<usize>> {
    use toml_edit::{Item, Value};
    #[derive(Clone, Copy)]
    enum Node<'d> {
        Item(&'d Item),
        Value(&'d Value),
        Table(&'d toml_edit::Table),
    }
    let doc = toml_edit::ImDocument::parse(text).ok()?;
    let mut node = Node::Table(doc.as_table());
    let mut found = None;
    for key in at {
        let value = match node {
            Node::Item(Item::Value(v)) | Node::Value(v) => Some(v),
            _ => None,
        };
        let next = match (node, *key) {
            (Node::Table(t), Name(k)) => t.get(k).map(Node::Item),
            (Node::Item(Item::Table(t)), Name(k)) => t.get(k).map(Node::Item),
            (Node::Item(Item::ArrayOfTables(a)), Index(i)) => a.get(i).map(Node::Table),
            (_, key) => match (value, key) {
                (Some(Value::InlineTable(t)), Name(k)) => t.get(k).map(Node::Value),
                (Some(Value::Array(a)), Index(i)) => a.get(i).map(Node::Value),
                _ => None,
            },
        };
        let Some(next) = next else { break };
        let span = match &next {
            Node::Item(i) => i.span(),
            Node::Value(v) => v.span(),
            Node::Table(t) => t.span(),
        };
        found = span.or(found);
        node = next;
    }
    found
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

    /// The anchors with their patterns (whitespace may fall anywhere inside an anchor).
    pub fn anchor_patterns(&self) -> &[TablePattern] {
        self.anchor_patterns.get_or_init(|| {
            self.anchors
                .iter()
                // One holding whitespace is a regular expression, which always compiles:
                // it is short (MAX_ANCHOR_CHARS).
                .filter_map(|anchor| TablePattern::anchor(anchor))
                .collect()
        })
    }

    /// Whether `text` can hold one of the header rows: it holds the header's first
    /// character. The patterns are built only then.
    pub fn may_hold_header_row(&self, text: &str) -> bool {
        self.label_header
            .as_deref()
            .and_then(|h| h.chars().find(|c| !c.is_whitespace()))
            .is_some_and(|c| text.contains(c))
    }

    /// Each block's header row — the label column's header and the block's first column's
    /// words (`信息内容 | 本年制发件数`, `信息内容 | 本年处理决定数量`) — as a pattern that lets whitespace and pipes fall
    /// between the two and whitespace inside each: a page that prints no anchor line (no
    /// `第二十条第（一）项`) still starts its table there. None without a `label_header`.
    /// Built on first use; `t` must be the templates this table belongs to.
    pub fn header_row_patterns(&self, t: &Templates) -> &[TablePattern] {
        self.header_row_patterns.get_or_init(|| {
            let Some(header) = self.label_header.as_deref() else {
                return Vec::new();
            };
            let mut firsts: Vec<String> = Vec::new();
            for block in &self.blocks {
                let Some(col) = block.cols.first().and_then(|c| t.column(c)) else {
                    continue;
                };
                let words = col.words();
                if !words.is_empty() && !firsts.contains(&words) {
                    firsts.push(words);
                }
            }
            firsts
                .iter()
                .filter_map(|words| TablePattern::header_row(header, words))
                .collect()
        })
    }

    /// How the diagnostic of a report without tables names this one: what its anchors
    /// share (`第二十条…`), else its first anchor, and what must follow (`行政复议…行政诉讼`).
    pub fn anchor_shown(&self) -> String {
        let first = self.anchors.first().map_or("", String::as_str);
        let shared: String = first
            .chars()
            .enumerate()
            .take_while(|&(i, c)| self.anchors.iter().all(|a| a.chars().nth(i) == Some(c)))
            .map(|(_, c)| c)
            .collect();
        let stem = if shared.is_empty() { first } else { &shared };
        format!("{stem}…{}", self.anchor_then.as_deref().unwrap_or(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_data_is_the_toml() {
        let tree = builtin::BUILTIN
            .as_ref()
            .expect("build.rs could not parse the TOML");
        let mut from_data =
            Templates::indexed(Templates::deserialize(builtin::NodeDeserializer(tree)).unwrap());
        // Parsed as a `--templates` file is: validated, patterns checked.
        let mut from_toml = Templates::parse(BUILTIN_TOML).unwrap();
        // The indexes are hash maps, whose Debug order varies: compared as maps.
        assert_eq!(from_data.column_index, from_toml.column_index);
        assert_eq!(from_data.row_index, from_toml.row_index);
        for t in [&mut from_data, &mut from_toml] {
            t.column_index.clear();
            t.row_index.clear();
        }
        assert_eq!(format!("{from_data:?}"), format!("{from_toml:?}"));
    }

    #[test]
    fn templates_parse_and_have_the_spec_cell_counts() {
        let t = Templates::builtin();
        let count = |id, table: &str| {
            let tt = t.template(id).unwrap().table(table).unwrap();
            tt.rows()
                .filter(|(r, _)| tt.optional(r).is_none())
                .map(|(_, b)| b.cols.len())
                .sum::<usize>()
        };
        // spec §3.1, §3.2, §4.2, §5
        assert_eq!(count("v2019", "t2"), 22);
        assert_eq!(count("v2021", "t2"), 10);
        assert_eq!(count("v2019", "t3"), 161);
        assert_eq!(count("v2021", "t3"), 175);
        assert_eq!(count("v2019", "t4"), 15);
        assert_eq!(count("v2021", "t4"), 15);
        assert!(t.template(NO_TEMPLATE).is_none());
        assert_eq!(t.table_ids(), ["t2", "t3", "t4"]);
    }

    /// The 1-based line of the `n`th (0-based) occurrence of `needle`.
    fn line_of(text: &str, needle: &str, n: usize) -> usize {
        let at = text.match_indices(needle).nth(n).unwrap().0;
        text[..at].lines().count() + usize::from(text[..at].ends_with('\n'))
    }

    /// Patterns are compiled on first use, and one that fails to compile would never
    /// match: every built-in one must compile.
    #[test]
    fn every_builtin_pattern_and_anchor_compiles() {
        let t = Templates::builtin();
        for rule in &t.narrative_rules {
            assert_eq!(
                rule.compiled_patterns().len(),
                rule.patterns.len(),
                "{}",
                rule.id
            );
            for pattern in &rule.patterns {
                assert!(regex::Regex::new(pattern).is_ok(), "{pattern}");
            }
        }
        for table in t.templates.iter().flat_map(|tpl| &tpl.tables) {
            assert_eq!(
                table.anchor_patterns().len(),
                table.anchors.len(),
                "{}",
                table.id
            );
        }
    }

    #[test]
    fn an_overlong_anchor_is_refused_at_its_line() {
        let long = "条".repeat(MAX_ANCHOR_CHARS + 1);
        let (bad, e) = broken("anchors = [", &format!("anchors = [\"{long}\", "));
        assert_eq!(e.line, Some(line_of(&bad, &long, 0)));
        assert!(
            e.message.contains("longer than 100 characters"),
            "{}",
            e.message
        );
    }

    /// The built-in file with `from` (which it must hold) replaced by `to`: its error.
    fn broken(from: &str, to: &str) -> (String, TemplateError) {
        assert!(BUILTIN_TOML.contains(from), "{from}");
        let bad = BUILTIN_TOML.replacen(from, to, 1);
        let e = Templates::parse(&bad).unwrap_err();
        (bad, e)
    }

    #[test]
    fn unknown_ids_are_rejected_on_their_line() {
        let (bad, e) = broken(
            "\"t3.row.granted\", \"t3.row.partial\",\n    \"t3.row.denied",
            "\"t3.row.grant\", \"t3.row.partial\",\n    \"t3.row.denied",
        );
        assert_eq!(e.message, "unknown row t3.row.grant");
        assert_eq!(e.line, Some(line_of(&bad, "\"t3.row.grant\"", 0)));
        assert_eq!(
            e.to_string(),
            format!("line {}: unknown row t3.row.grant", e.line.unwrap())
        );

        let (bad, e) = broken(
            "left = [\"next:t3.row.carried_over\"]",
            "left = [\"next:t3.row.carried\"]",
        );
        assert_eq!(e.message, "R-X-CARRY: unknown term next:t3.row.carried");
        assert_eq!(e.line, Some(line_of(&bad, "next:t3.row.carried\"", 0)));

        let (bad, e) = broken("otherwise = \"v2019\"", "otherwise = \"v2018\"");
        assert_eq!(e.message, "unknown template v2018");
        assert_eq!(e.line, Some(line_of(&bad, "\"v2018\"", 0)));
    }

    #[test]
    fn ids_defined_twice_or_named_none_are_rejected_on_their_line() {
        let (bad, e) = broken("id = \"t2.col.issued\"", "id = \"t2.col.change\"");
        assert_eq!(e.message, "column t2.col.change is defined twice");
        assert_eq!(e.line, Some(line_of(&bad, "id = \"t2.col.change\"", 1)));

        let (bad, e) = broken("id = \"t2.row.licensing\"", "id = \"t2/row<\"");
        assert!(e.message.contains("cannot name a row"), "{e}");
        assert_eq!(e.line, Some(line_of(&bad, "id = \"t2/row<\"", 0)));

        let (bad, e) = broken("id = \"v2021\"", "id = \"none\"");
        assert!(e.message.contains("cannot name a template"), "{e}");
        assert_eq!(e.line, Some(line_of(&bad, "id = \"none\"", 0)));
    }

    #[test]
    fn syntax_and_shape_errors_name_their_line() {
        // Not TOML.
        let (bad, e) = broken("heading = \"一、总体情况\"", "heading = \"一、总体情况");
        assert_eq!(e.line, Some(line_of(&bad, "heading = \"一、总体情况", 0)));
        // A key the form does not have.
        let (bad, e) = broken("anchor_then = \"行政诉讼\"", "anchor_than = \"行政诉讼\"");
        assert!(e.message.contains("anchor_than"), "{e}");
        assert_eq!(e.line, Some(line_of(&bad, "anchor_than", 0)));
        // A value of the wrong kind.
        let (bad, e) = broken("years = [2019, 2020]", "years = [2019, \"2020\"]");
        assert_eq!(e.line, Some(line_of(&bad, "years = [2019, \"2020\"]", 0)));
        // A pattern that is no regular expression.
        let (bad, e) = broken("patterns = ['上年结转", "patterns = ['(上年结转");
        assert_eq!(e.line, Some(line_of(&bad, "patterns = ['(上年结转", 0)));
        assert!(e.message.contains("unclosed group"), "{e}");
    }

    #[test]
    fn a_table_without_tables_is_named_by_what_its_anchors_share() {
        let t = Templates::builtin();
        let shown: Vec<String> = t
            .table_ids()
            .iter()
            .map(|id| t.templates[0].table(id).unwrap().anchor_shown())
            .collect();
        assert_eq!(
            shown,
            ["第二十条…", "本列数据的勾稽关系…", "行政复议…行政诉讼"]
        );
    }
}

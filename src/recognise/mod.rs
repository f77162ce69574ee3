//! The one recogniser: maps any reader's layout onto the report templates.
//!
//! Order of work: the layout becomes one searchable document ([`doc`]); section headings
//! are found ([`sections`]); each standard table's region is found by its anchor and read
//! ([`tables`], with [`labels`] and [`split`]); the template version is decided from the
//! t2 headers first (spec §1.1); prose becomes the sections; the rules are checked.

mod doc;
mod labels;
mod ocr;
mod sections;
mod split;
mod tables;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::checks;
use crate::layout::{Block, Layout};
use crate::model::{Diagnostic, GenericTable, Level, Location, Meta, Report, Source, Table};
use crate::recognise::doc::{Doc, Item, ItemKind};
use crate::recognise::sections::Heading;
use crate::recognise::split::Statement;
use crate::template::rules::CellKey;
use crate::template::{TableTemplate, Template, Templates};
use crate::text::normalise::squeezed;
use crate::text::number;
use rust_decimal::Decimal;

/// Recognises a report in a layout, by the templates given.
pub fn recognise(layout: &Layout, source: Source, templates: &Templates) -> Report {
    let doc = Doc::build(layout);
    let headings = sections::find_headings(&doc, templates);
    let regions = find_regions(&doc, &headings, templates);
    let mut diagnostics = layout.diagnostics.clone();

    let mut consumed: Vec<Range<usize>> = Vec::new();
    let mut tables_out: Vec<Table> = Vec::new();

    // The title and year come from the opening paragraphs (the preamble and 一、总体情况),
    // which lie before any table; the version may need the year, so they are read first.
    let defs = &templates.sections;
    let last_opening = headings.iter().rposition(|h| defs[h.section].opening);
    let opening_end = headings[last_opening.map_or(0, |i| i + 1)..]
        .first()
        .map_or(doc.text.len(), |h| h.range.start);
    let info = {
        let opening = sections::build_until(&doc, &headings, &[], opening_end, templates);
        sections::title_info(&opening, &layout.hints, templates, &mut diagnostics)
    };

    let template = decide_template(&doc, &regions, info.year, templates, &mut diagnostics);
    let mut statements = || prose_statements(&doc, &headings, &regions, templates);
    if let Some(tpl) = template {
        // Each region lexed once: the inline lines are found in all of them, and each
        // table (and the rows-whole verdict) reads its own.
        let items: BTreeMap<&str, Vec<Item>> = regions
            .iter()
            .map(|(&id, region)| (id, doc.items(region.clone())))
            .collect();
        let inline = inline_lines(&items);
        // Asked for by each table that prints no number: worked out once.
        let mut whole_elsewhere: Option<bool> = None;
        let mut rows_whole_elsewhere = || {
            *whole_elsewhere.get_or_insert_with(|| {
                let verdicts: Vec<Option<bool>> = tpl
                    .tables
                    .iter()
                    .filter_map(|table| {
                        let items = items.get(table.id.as_str())?;
                        Some(tables::prints_rows_whole(
                            &doc, items, table, templates, &inline,
                        ))
                    })
                    .collect();
                verdicts.contains(&Some(true)) && !verdicts.contains(&Some(false))
            })
        };
        for table in &tpl.tables {
            let Some(region) = regions.get(table.id.as_str()) else {
                diagnostics.push(Diagnostic::new(
                    Level::Warning,
                    "table-not-found",
                    Location::table(&table.id),
                    format!(
                        "no {} table was found (anchor {:?}); its cells are missing",
                        table.id, table.anchors[0]
                    ),
                ));
                tables_out.push(Table::Standard(tables::empty(table)));
                continue;
            };
            let reading = tables::read(tables::TableInput {
                doc: &doc,
                region: region.clone(),
                items: items.get(table.id.as_str()).map_or(&[], Vec::as_slice),
                template: table,
                templates,
                inline_lines: &inline,
                statements: &mut statements,
                rows_whole_elsewhere: &mut rows_whole_elsewhere,
            });
            consumed.push(reading.consumed.clone());
            diagnostics.extend(reading.diagnostics);
            tables_out.push(Table::Standard(reading.table));
        }
    }

    let sections = sections::build(&doc, &headings, &consumed, templates);

    diagnostics.extend(ocr::confirm(
        &mut tables_out,
        template,
        templates,
        &layout.ocr,
    ));
    tables_out.extend(generic_tables(layout, &doc, &consumed));

    let mut report = Report {
        meta: Meta {
            title: info.title,
            issuer: info.issuer,
            year: info.year,
            published: layout.hints.published.as_deref().and_then(iso_date),
            template: template.map(|t| t.id.clone()),
            source,
        },
        sections,
        tables: tables_out,
        checks: Vec::new(),
        diagnostics,
    };
    if let Some(tpl) = template {
        let (checks, check_diags) = checks::run(&report, tpl, templates);
        report.checks = checks;
        report.diagnostics.extend(check_diags);
    }
    report
}

/// The numbers the prose states of table cells: each narrative rule's patterns in its
/// sections, the tables' regions being no prose. A rule whose cells the prose gives two
/// different numbers states nothing. Each keeps the sentence it stands in.
fn prose_statements(
    doc: &Doc,
    headings: &[Heading],
    regions: &BTreeMap<&str, Range<usize>>,
    t: &Templates,
) -> Vec<Statement> {
    let cuts: Vec<Range<usize>> = regions.values().cloned().collect();
    let sections = sections::build(doc, headings, &cuts, t);
    let mut out = Vec::new();
    for rule in &t.narrative_rules {
        let cells: Option<Vec<CellKey>> = rule
            .cells
            .iter()
            .map(|c| c.split_once('/').map(|(r, c)| CellKey::new(r, c)))
            .collect();
        let Some(cells) = cells else { continue };
        let mut found: Vec<(Decimal, String)> = Vec::new();
        for section in sections.iter().filter(|s| rule.sections.contains(&s.id)) {
            for paragraph in &section.paragraphs {
                let text = squeezed(paragraph);
                for pattern in rule.compiled_patterns() {
                    for m in pattern.captures_iter(&text).filter_map(|c| c.get(1)) {
                        if let Some(value) = number::normalise(m.as_str())
                            .as_deref()
                            .and_then(number::decimal)
                        {
                            found.push((value, sentence_around(&text, m.range())));
                        }
                    }
                }
            }
        }
        if let Some((value, sentence)) = found.first() {
            if found.iter().all(|(v, _)| v == value) {
                out.push(Statement {
                    cells,
                    value: *value,
                    sentence: sentence.clone(),
                });
            }
        }
    }
    out
}

/// The sentence of `text` (squeezed prose) holding `range`: from the end of the previous
/// sentence to the end of this one.
fn sentence_around(text: &str, range: Range<usize>) -> String {
    const ENDS: [char; 4] = ['。', '；', ';', '!'];
    let start = text[..range.start].rfind(ENDS).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, char::len_utf8)
    });
    let end = text[range.end..].find(ENDS).map_or(text.len(), |i| {
        range.end
            + i
            + text[range.end + i..]
                .chars()
                .next()
                .map_or(1, char::len_utf8)
    });
    text[start..end].to_string()
}

/// `2020-01-31`, `2020/1/31 15:22`, `2020年1月31日` → `2020-01-31` (how dates are written,
/// whatever the template).
fn iso_date(text: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})").expect("valid")
    });
    let c = re.captures(text)?;
    let (y, m, d): (u16, u8, u8) = (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
    ((1990..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Each standard table's region: from its anchor or the first of its header rows, whichever
/// comes first (searched after its section heading), to the next table, the next heading, or
/// the end.
fn find_regions<'t>(
    doc: &Doc,
    headings: &[Heading],
    t: &'t Templates,
) -> BTreeMap<&'t str, Range<usize>> {
    let mut starts: Vec<(&str, usize)> = Vec::new();
    for id in t.table_ids() {
        let Some(table) = t.templates.iter().find_map(|tpl| tpl.table(id)) else {
            continue;
        };
        let heading = headings
            .iter()
            .find(|h| t.sections[h.section].id == table.section);
        let from = heading.map_or_else(|| starts.last().map_or(0, |&(_, s)| s), |h| h.range.end);
        // Every template's header rows: which template the page follows is not known yet.
        let rest = doc.text.get(from..).unwrap_or("");
        let header_rows = t
            .templates
            .iter()
            .filter_map(|tpl| tpl.table(id))
            .filter(|table| table.may_hold_header_row(rest))
            .flat_map(|table| table.header_row_patterns(t));
        let at_anchor = find_anchor(&doc.text, from, table);
        let at_header = header_rows
            .filter_map(|p| p.find_at(&doc.text, from.min(doc.text.len())))
            .map(|m| m.start())
            .min();
        if let Some(start) = at_anchor.into_iter().chain(at_header).min() {
            starts.push((id, start));
        }
    }
    starts.sort_by_key(|&(_, s)| s);
    let mut out = BTreeMap::new();
    for (i, &(id, start)) in starts.iter().enumerate() {
        let next_table = starts.get(i + 1).map(|&(_, s)| s);
        let next_heading = headings.iter().map(|h| h.range.start).find(|&s| s > start);
        let end = [next_table, next_heading, Some(doc.text.len())]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(doc.text.len());
        out.insert(id, start..cap_region(&doc.text, start, end));
    }
    out
}

/// A real table's text is a few kilobytes; a region runs at most this far, so a hostile
/// input cannot make the table reader work on megabytes.
const MAX_REGION_BYTES: usize = 256 * 1024;

fn cap_region(text: &str, start: usize, end: usize) -> usize {
    let mut cap = (start + MAX_REGION_BYTES).min(end);
    while !text.is_char_boundary(cap) {
        cap -= 1;
    }
    cap
}

/// Where a table's anchor first lies at or after `from` (whitespace may fall anywhere
/// inside it: `第二十条 第（一）项`), with `anchor_then` following within 40 characters.
fn find_anchor(text: &str, from: usize, table: &TableTemplate) -> Option<usize> {
    let from = from.min(text.len());
    // An anchor's first character must be there before its pattern is worth building.
    let rest = text.get(from..).unwrap_or("");
    if !table
        .anchors
        .iter()
        .any(|a| a.chars().next().is_some_and(|c| rest.contains(c)))
    {
        return None;
    }
    let then = table.anchor_then.as_deref();
    table
        .anchor_patterns()
        .iter()
        .filter_map(|pattern| {
            let found = pattern
                .find_iter(&text[from..])
                .map(|m| (from + m.start(), from + m.end()))
                .find(|&(_, end)| {
                    then.is_none_or(|t| {
                        let after: String = text[end..]
                            .chars()
                            .filter(|c| !c.is_whitespace())
                            .take(40)
                            .collect();
                        after.contains(t)
                    })
                });
            found
        })
        // An opening bracket right before the anchor belongs to the table too.
        .map(|(s, _)| if text[..s].ends_with('(') { s - 1 } else { s })
        .min()
}

/// Lines holding several groups of table numbers: a page printed its tables inline, so a
/// digit run there may hold several cells (spec §7.3 item 2).
fn inline_lines(items: &BTreeMap<&str, Vec<Item>>) -> BTreeSet<usize> {
    let mut starts: BTreeMap<usize, usize> = BTreeMap::new();
    for region in items.values() {
        let mut prev: Option<(ItemKind, usize)> = None;
        for it in region {
            let number = it.kind != ItemKind::Text;
            if number && prev.is_none_or(|(k, line)| k == ItemKind::Text || line != it.line) {
                *starts.entry(it.line).or_default() += 1;
            }
            prev = Some((it.kind, it.line));
        }
    }
    starts
        .into_iter()
        .filter(|&(_, n)| n >= 2)
        .map(|(l, _)| l)
        .collect()
}

/// The template version (spec §1.1, §8 step 7): the signal table's headers first, then the
/// year, then the shape of a table only some templates print.
fn decide_template<'t>(
    doc: &Doc,
    regions: &BTreeMap<&str, Range<usize>>,
    year: Option<u16>,
    t: &'t Templates,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'t Template> {
    if regions.is_empty() {
        let shown: Vec<String> = t
            .table_ids()
            .iter()
            .filter_map(|id| t.templates.iter().find_map(|tpl| tpl.table(id)))
            .map(TableTemplate::anchor_shown)
            .collect();
        diags.push(Diagnostic::new(
            Level::Warning,
            "no-standard-tables",
            Location::Report,
            format!(
                "no standard table ({}) was found; template none",
                shown.join(", ")
            ),
        ));
        return None;
    }
    let version = &t.version;
    let squeezed = |id: &str| -> String {
        regions
            .get(id)
            .map(|r| {
                doc.text[r.clone()]
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect()
            })
            .unwrap_or_default()
    };
    let headers = squeezed(&version.signals_in);
    let scores: Vec<(usize, &Template)> = t
        .templates
        .iter()
        .map(|tpl| {
            (
                tpl.signals
                    .iter()
                    .filter(|s| headers.contains(s.as_str()))
                    .count(),
                tpl,
            )
        })
        .collect();
    let best = scores.iter().map(|(n, _)| *n).max().unwrap_or(0);
    let leaders: Vec<&Template> = scores
        .iter()
        .filter(|(n, _)| *n == best)
        .map(|(_, t)| *t)
        .collect();
    if best > 0 && leaders.len() == 1 {
        return Some(leaders[0]);
    }
    if let Some(y) = year {
        if let Some(tpl) = t.templates.iter().find(|tpl| tpl.covers_year(y)) {
            diags.push(Diagnostic::new(
                Level::Info,
                "template-from-year",
                Location::meta("template"),
                format!(
                    "the {} headers do not tell the version; {} applies to {y} reports",
                    version.signals_in, tpl.id
                ),
            ));
            return Some(tpl);
        }
    }
    let shape = squeezed(&version.shape_in);
    let id = version
        .shape
        .iter()
        .find(|s| s.words.iter().any(|w| shape.contains(w.as_str())))
        .map_or(&version.otherwise, |s| &s.template);
    diags.push(Diagnostic::new(
        Level::Warning,
        "template-from-t3",
        Location::meta("template"),
        format!(
            "neither the {} headers nor the year tell the version; {}'s {} suggest {id}",
            version.signals_in, version.shape_in, version.shape_named
        ),
    ));
    t.template(id)
}

/// Grids outside the standard tables, kept as they are.
fn generic_tables(layout: &Layout, doc: &Doc, consumed: &[Range<usize>]) -> Vec<Table> {
    let mut out = Vec::new();
    let grids = layout.blocks.iter().filter_map(|b| match b {
        Block::Grid(g) => Some(g),
        _ => None,
    });
    let ranges = doc
        .blocks
        .iter()
        .filter(|b| b.kind == doc::BlockKind::Grid)
        .map(|b| b.range.clone());
    for (grid, range) in grids.zip(ranges) {
        let overlaps = consumed
            .iter()
            .any(|c| c.start < range.end && range.start < c.end);
        if overlaps || grid.rows.is_empty() {
            continue;
        }
        out.push(Table::Generic(GenericTable {
            id: format!("x{}", out.len() + 1),
            caption: grid.caption.clone(),
            rows: grid
                .rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|c| crate::model::GridCell {
                            text: c.text.text.clone(),
                            row_span: c.row_span,
                            col_span: c.col_span,
                        })
                        .collect()
                })
                .collect(),
        }));
    }
    out
}

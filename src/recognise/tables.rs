//! Reading one standard table out of the document (spec §8 step 6): the table's items are
//! cut into groups of numbers, each group is tied to a template row by its label or, when
//! the label is lost, by its position between labelled rows, and the rows' cells are
//! settled by the splitter and the rules.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::model::{Cell, CellContent, Diagnostic, Level, Location, Row, Src, StandardTable};
use crate::recognise::doc::{normalised, Doc, Item, ItemKind};
use crate::recognise::labels::{clean_label, match_row, numbered, starts_numbered};
use crate::recognise::split::{self, Piece, Printed, RowChoice, Slot, SolveNote, Solved, Token};
use crate::template::rules::{self, CellKey, Outcome, Term};
use crate::template::{BlockTemplate, RowDef, RowsBy, TableTemplate, Templates, ValueKind};

/// What reading a table gave.
#[derive(Debug)]
pub struct TableReading {
    pub table: StandardTable,
    /// The text the table occupies; the rest of its region is prose again.
    pub consumed: Range<usize>,
    pub diagnostics: Vec<Diagnostic>,
}

/// An item of the region, with its text (text items cut at the region's edges).
#[derive(Debug, Clone)]
struct RItem {
    kind: ItemKind,
    text: String,
    range: Range<usize>,
    line: usize,
    atomic: bool,
    /// Where on its line the item ends (characters), for aligned layout text.
    end_column: usize,
}

impl RItem {
    /// The item's middle, in characters from its line's start.
    fn centre(&self) -> f64 {
        self.end_column as f64 - self.text.chars().count() as f64 / 2.0
    }
}

/// Consecutive numbers and blanks on one line, with the label right before them.
#[derive(Debug, Clone)]
struct Group {
    items: Vec<usize>,
    label: Option<usize>,
    /// Cells this group can make: (fewest, most).
    cells: (usize, usize),
    has_number: bool,
}

/// The row a group was given (by index), and how.
type Assigned = Option<(usize, Placement)>;

/// Where the group's cells come from once a row is chosen for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placement {
    Label,
    Position,
}

pub struct TableInput<'a> {
    pub doc: &'a Doc<'a>,
    pub region: Range<usize>,
    /// The region's items ([`Doc::items`]).
    pub items: &'a [Item],
    pub template: &'a TableTemplate,
    pub templates: &'a Templates,
    /// Lines where tables are printed inline (several rows on one line): their digit runs
    /// may hold several cells.
    pub inline_lines: &'a BTreeSet<usize>,
    /// What the prose states of table cells, asked for only when the rules leave a row
    /// several readings.
    pub statements: &'a mut dyn FnMut() -> Vec<split::Statement>,
    /// Whether the document's other tables print every number on its row's label line
    /// ([`prints_rows_whole`]), asked for only by a table that prints no number itself.
    pub rows_whole_elsewhere: &'a mut dyn FnMut() -> bool,
}

/// Reads the standard table in `region`.
pub fn read(input: TableInput<'_>) -> TableReading {
    let TableInput {
        doc,
        region,
        items,
        template,
        templates,
        inline_lines,
        statements,
        rows_whole_elsewhere,
    } = input;
    let items = region_items(doc, items);
    let groups = groups(&items, inline_lines);
    let mut diags = Vec::new();
    // An excerpt cut off mid-table: nothing but whitespace follows its last group.
    let at_input_end = |g: &Group| {
        g.items
            .last()
            .is_some_and(|&k| doc.text[items[k].range.end..].trim().is_empty())
    };

    let rows: Vec<(&str, &BlockTemplate)> = template.rows().collect();
    // Group → row assignment: by label, then (with the column positions of aligned
    // layout text, where they can be learned) by position.
    let mut assigned: Vec<Option<(usize, Placement)>> = vec![None; groups.len()];
    let mut columns: BTreeMap<&str, ColumnModel> = BTreeMap::new();
    if template.rows_by == RowsBy::Position {
        let cells = rows.first().map_or(0, |(_, b)| b.cols.len());
        assign_in_order(&items, &groups, cells, &mut assigned);
    } else {
        assign_by_label(
            template,
            templates,
            &rows,
            &items,
            &groups,
            &mut assigned,
            &mut diags,
        );
        for block in &template.blocks {
            let labelled: Vec<&Group> = (0..groups.len())
                .filter(|&g| assigned[g].is_some_and(|(r, _)| rows[r].1.id == block.id))
                .map(|g| &groups[g])
                .collect();
            let model = ColumnModel::learn(&items, &labelled, block.cols.len())
                .or_else(|| ColumnModel::from_headers(&items, &block.cols, templates));
            if let Some(m) = model {
                columns.insert(block.id.as_str(), m);
            }
        }
        let fits = |g: &Group, r: usize| {
            let n = rows[r].1.cols.len();
            can_fill(g, n)
                || g.has_number
                    && g.cells.1 < n
                    && columns
                        .get(rows[r].1.id.as_str())
                        .is_some_and(|m| m.admits(&items, g))
        };
        assign_by_position(
            template,
            &rows,
            &groups,
            &|g: &Group| is_header_row(template, templates, &items, g),
            &fits,
            &mut assigned,
            &mut diags,
        );
    }

    // A table cut at the page's right edge: the columns its header and rows print.
    let mut printed_columns: BTreeMap<&str, usize> = BTreeMap::new();
    if template.rows_by != RowsBy::Position {
        for block in &template.blocks {
            let labelled: Vec<&Group> = (0..groups.len())
                .filter(|&g| {
                    assigned[g]
                        .is_some_and(|(r, p)| p == Placement::Label && rows[r].1.id == block.id)
                })
                .map(|g| &groups[g])
                .collect();
            let Some(k) = columns_printed(doc, &items, &labelled, &block.cols, templates) else {
                continue;
            };
            let names: Vec<&str> = block.cols[k..].iter().map(String::as_str).collect();
            diags.push(Diagnostic::new(
                Level::Warning,
                "columns-cut",
                Location::table(&template.id),
                format!(
                    "the header and every row of {} stop after {k} of its {} columns, as where a page's edge cut the table: {} are missing",
                    template.id,
                    block.cols.len(),
                    names.join(", ")
                ),
            ));
            printed_columns.insert(block.id.as_str(), k);
            assign_empty_rows(
                template,
                templates,
                &rows,
                &items,
                &groups,
                k,
                &mut assigned,
            );
        }
    }

    let printed_empty = rows_printed_empty(
        doc,
        &region,
        template,
        templates,
        &rows,
        (&items, &groups, &assigned),
        rows_whole_elsewhere,
    );

    // Rows printed: every non-optional row, and optional rows that were found.
    let printed: Vec<&str> = rows
        .iter()
        .filter(|(r, _)| {
            template.optional(r).is_none()
                || assigned.iter().flatten().any(|&(ri, _)| rows[ri].0 == *r)
        })
        .map(|(r, _)| *r)
        .collect();

    let mut choices: Vec<RowChoice> = Vec::new();
    let mut sources: Vec<Vec<usize>> = Vec::new();
    for (ri, (row, block)) in rows.iter().enumerate() {
        if !printed.contains(row) {
            continue;
        }
        let kinds: Vec<ValueKind> = block
            .cols
            .iter()
            .map(|c| templates.column(c).map_or(ValueKind::Count, |d| d.kind))
            .collect();
        let group_ids: Vec<usize> = (0..groups.len())
            .filter(|&g| assigned[g].is_some_and(|(r, _)| r == ri))
            .collect();
        let token_items: Vec<usize> = group_ids
            .iter()
            .flat_map(|&g| groups[g].items.clone())
            .collect();
        let part_of_printed = template
            .optional
            .iter()
            .any(|o| o.parts.iter().any(|p| p == row) && printed.contains(&o.row.as_str()));
        let empty_label = printed_empty.get(&ri).copied();
        let (readings, cut) = if let Some(label) = empty_label {
            diags.push(Diagnostic::new(
                Level::Info,
                "row-printed-empty",
                Location::row(&template.id, row),
                format!(
                    "{row} prints its label «{}» and nothing else before the next row or heading of a table whose rows print their numbers on their label's line: its cells are empty",
                    items[label].text
                ),
            ));
            (
                vec![vec![Slot::unprinted(split::Piece::Blank); block.cols.len()]],
                false,
            )
        } else if group_ids.is_empty() {
            if template.optional(row).is_none() && !part_of_printed {
                diags.push(Diagnostic::new(
                    Level::Warning,
                    "row-not-found",
                    Location::row(&template.id, row),
                    format!(
                        "no printed row of {} matched {row}; its cells are missing",
                        template.id
                    ),
                ));
            }
            (Vec::new(), false)
        } else {
            let cut_off = group_ids.last().is_some_and(|&g| at_input_end(&groups[g]));
            row_readings(
                &RowSource {
                    items: &items,
                    inline_lines,
                    columns: columns.get(block.id.as_str()),
                    columns_printed: printed_columns.get(block.id.as_str()).copied(),
                },
                &token_items,
                &kinds,
                cut_off,
                (&template.id, row),
                &mut diags,
            )
        };
        choices.push(RowChoice {
            row: row.to_string(),
            cols: block.cols.clone(),
            readings,
            cut,
        });
        // An empty row's cells were printed where its label was.
        sources.push(empty_label.map_or(token_items, |label| vec![label]));
    }

    let instances = rules::instances(templates, template, &printed);
    let (solution, stated, by_prose) = split::solve_with_prose(&choices, &instances, statements);
    report_split(
        &template.id,
        &choices,
        (&solution, &by_prose),
        &items,
        &sources,
        &mut diags,
    );
    for choice in &by_prose {
        let statement = &stated[choice.statement];
        let cells: Vec<String> = statement
            .cells
            .iter()
            .map(|k| format!("{}/{}", k.row, k.col))
            .collect();
        diags.push(Diagnostic::new(
            Level::Info,
            "resolved-by-prose",
            Location::row(&template.id, &choices[choice.row].row),
            format!(
                "the text states {} for {} («{}»): {} of the {} readings every rule allows agree with it and are kept",
                statement.value,
                cells.join(" + "),
                statement.sentence,
                choice.after,
                choice.before
            ),
        ));
    }

    let mut table = StandardTable {
        id: template.id.clone(),
        rows: choices
            .iter()
            .zip(&solution.cells)
            .zip(&solution.printed)
            .zip(&sources)
            .map(|(((choice, cells), printed), src)| Row {
                id: choice.row.clone(),
                cells: choice
                    .cols
                    .iter()
                    .zip(cells.iter().zip(printed))
                    .enumerate()
                    .map(|(ci, (col, (solved, printed)))| {
                        let read = Read {
                            doc,
                            items: &items,
                            sources: src,
                        };
                        read.cell(choice, ci, col, solved, printed)
                    })
                    .collect(),
            })
            .collect(),
    };

    // Numbers between the table's first and last placed rows that no row claimed.
    let placed: Vec<usize> = (0..groups.len())
        .filter(|&g| assigned[g].is_some())
        .collect();
    let orphans: Vec<usize> = match (placed.first(), placed.last()) {
        (Some(&first), Some(&last)) => (first..last)
            .filter(|&g| {
                assigned[g].is_none()
                    && groups[g].has_number
                    && !is_header_row(template, templates, &items, &groups[g])
            })
            .collect(),
        _ => Vec::new(),
    };
    let orphan = Read {
        doc,
        items: &items,
        sources: &[],
    };
    place_orphans(
        &mut table, &orphans, &groups, &orphan, &instances, &mut diags,
    );

    let units = header_units(&doc.text[region.clone()], template, templates);
    for (col, unit) in units {
        let mut carried = 0;
        for cell in table.rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
            if cell.col == col
                && cell.unit.is_none()
                && matches!(cell.content, CellContent::Value(_))
            {
                cell.unit = Some(unit.to_string());
                carried += 1;
            }
        }
        if carried > 0 {
            diags.push(Diagnostic::new(
                Level::Info,
                "unit-from-header",
                Location::table(&template.id),
                format!("the header of {col} prints the unit {unit}: {carried} cell(s) that print none carry it"),
            ));
        }
    }

    if template
        .optional
        .iter()
        .any(|o| printed.contains(&o.row.as_str()))
    {
        for opt in template
            .optional
            .iter()
            .filter(|o| printed.contains(&o.row.as_str()))
        {
            diags.push(Diagnostic::new(
                Level::Info,
                "single-row-variant",
                Location::row(&template.id, &opt.row),
                format!(
                    "the report prints {} as one row{}; its parts {} are not printed",
                    opt.row,
                    opt.as_in
                        .as_ref()
                        .map_or(String::new(), |t| format!(" (the {t} layout)")),
                    opt.parts.join(", ")
                ),
            ));
        }
    }

    // The table's text runs from its anchor to its last placed number (or label); what
    // follows in the region is prose again.
    let last_used = placed
        .iter()
        .flat_map(|&g| groups[g].items.iter().chain(groups[g].label.as_ref()))
        .chain(orphans.iter().flat_map(|&g| groups[g].items.iter()))
        .chain(printed_empty.values())
        .map(|&k| items[k].range.end)
        .max();
    TableReading {
        table,
        consumed: region.start..last_used.unwrap_or(region.start).max(region.start),
        diagnostics: diags,
    }
}

/// A table the report does not have: every cell missing.
pub fn empty(template: &TableTemplate) -> StandardTable {
    StandardTable {
        id: template.id.clone(),
        rows: template
            .rows()
            .filter(|(r, _)| template.optional(r).is_none())
            .map(|(r, b)| Row {
                id: r.to_string(),
                cells: b
                    .cols
                    .iter()
                    .map(|c| Cell::new(c, CellContent::Missing))
                    .collect(),
            })
            .collect(),
    }
}

fn region_items(doc: &Doc, items: &[Item]) -> Vec<RItem> {
    items
        .iter()
        .filter_map(|it| {
            let text = doc.text.get(it.range.clone())?.trim().to_string();
            if it.kind == ItemKind::Text && text.is_empty() {
                return None;
            }
            Some(RItem {
                kind: it.kind,
                text,
                range: it.range.clone(),
                line: it.line,
                atomic: it.atomic,
                end_column: it.end_column,
            })
        })
        .collect()
}

fn groups(items: &[RItem], inline_lines: &BTreeSet<usize>) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for (k, it) in items.iter().enumerate() {
        if it.kind == ItemKind::Text {
            continue;
        }
        let continues =
            k > 0 && items[k - 1].kind != ItemKind::Text && items[k - 1].line == it.line;
        if continues {
            if let Some(g) = out.last_mut() {
                g.items.push(k);
                continue;
            }
        }
        let label = (k > 0 && items[k - 1].kind == ItemKind::Text && items[k - 1].line == it.line)
            .then(|| k - 1);
        out.push(Group {
            items: vec![k],
            label,
            cells: (0, 0),
            has_number: false,
        });
    }
    for g in &mut out {
        g.has_number = g.items.iter().any(|&k| items[k].kind == ItemKind::Number);
        let glued = g
            .label
            .is_some_and(|l| items[l].range.end == items[g.items[0]].range.start);
        let mut most = 0;
        for &k in &g.items {
            most += if splittable(&items[k], glued, inline_lines) {
                items[k]
                    .text
                    .bytes()
                    .filter(u8::is_ascii_digit)
                    .count()
                    .max(1)
            } else {
                1
            };
        }
        let edge_blanks = g
            .items
            .iter()
            .take_while(|&&k| items[k].kind == ItemKind::Blank)
            .count()
            + g.items
                .iter()
                .rev()
                .take_while(|&&k| items[k].kind == ItemKind::Blank)
                .count();
        let fewest = g.items.len().saturating_sub(edge_blanks.min(g.items.len()));
        g.cells = (fewest, most);
    }
    out
}

/// A number may hold several cells when the table is printed inline, or when it is glued
/// to its label with no space (`规范性文件898989`). A word for no change (`未增未减`) has no
/// digits to cut.
fn splittable(item: &RItem, glued_to_label: bool, inline_lines: &BTreeSet<usize>) -> bool {
    item.kind == ItemKind::Number
        && !item.atomic
        && item.text.bytes().any(|b| b.is_ascii_digit())
        && (glued_to_label || inline_lines.contains(&item.line))
}

fn can_fill(g: &Group, n: usize) -> bool {
    g.has_number && g.cells.0 <= n && n <= g.cells.1
}

/// A table of one row and no row labels worth trusting (t4, spec §8 step 6: take the
/// numbers in order): the first groups that together can make its cells. A table that
/// prints no number at all (a blank template) has its row where one line of whole grid
/// cells, all empty, makes at least its cells (the rest padding): those are printed empty,
/// not missing.
fn assign_in_order(
    items: &[RItem],
    groups: &[Group],
    cells: usize,
    assigned: &mut [Option<(usize, Placement)>],
) {
    if !groups.iter().any(|g| g.has_number) {
        let empty_row = groups.iter().position(|g| {
            g.items.len() >= cells
                && g.items
                    .iter()
                    .all(|&k| items[k].kind == ItemKind::Blank && items[k].atomic)
        });
        if let Some(g) = empty_row {
            assigned[g] = Some((0, Placement::Position));
        }
        return;
    }
    let mut most = 0;
    for (g, group) in groups.iter().enumerate() {
        if !group.has_number && most == 0 {
            continue;
        }
        assigned[g] = Some((0, Placement::Position));
        most += group.cells.1;
        if most >= cells {
            break;
        }
    }
}

fn assign_by_label(
    template: &TableTemplate,
    t: &Templates,
    rows: &[(&str, &BlockTemplate)],
    items: &[RItem],
    groups: &[Group],
    assigned: &mut [Option<(usize, Placement)>],
    diags: &mut Vec<Diagnostic>,
) {
    // t3's rows come in a fixed order and share words (其他, 总计): match forward only.
    // t2's rows have distinct labels but converters move blocks: match anywhere.
    let ordered = template.rows_by == RowsBy::LabelInOrder;
    let mut last: Option<usize> = None;
    for (g, group) in groups.iter().enumerate() {
        let Some(l) = group.label else { continue };
        let label = clean_label(&items[l].text);
        let from = if ordered {
            last.map_or(0, |x| x + 1)
        } else {
            0
        };
        let cands: Vec<usize> = (from..rows.len()).collect();
        let defs: Vec<&RowDef> = cands.iter().filter_map(|&r| t.row(rows[r].0)).collect();
        let Some(pick) = match_row(&label, &defs) else {
            continue;
        };
        let ri = cands[pick];
        let ncols = rows[ri].1.cols.len();
        if assigned.iter().flatten().any(|&(r, _)| r == ri) {
            diags.push(Diagnostic::new(
                Level::Warning,
                "row-repeated",
                Location::row(&template.id, rows[ri].0),
                format!(
                    "{} is printed more than once; the first is used",
                    rows[ri].0
                ),
            ));
            continue;
        }
        // A row printed all empty is a row; a stray empty cell is not, nor a header
        // padded with empty cells (`总计` of t3's header row is no (七)总计).
        if !group.has_number && (group.items.len() < ncols || ordered && !numbered(&label)) {
            continue;
        }
        assigned[g] = Some((ri, Placement::Label));
        last = Some(ri);
    }
}

/// A group on a line that prints the table's header words — the label column's (`信息内容`)
/// or a column's before its parenthesised unit — is part of the header, and its digits are
/// no cells: a header cut off in the middle of a year (`采购项目数量(指202`), a misprinted
/// unit (`本年收费金额(单位:0万元)`).
fn is_header_row(template: &TableTemplate, t: &Templates, items: &[RItem], g: &Group) -> bool {
    // Items come in text order, so a line's items are one run (found in O(log n)).
    let line = items[g.items[0]].line;
    let from = items.partition_point(|i| i.line < line);
    let to = items.partition_point(|i| i.line <= line);
    let text: String = items[from..to]
        .iter()
        .filter(|i| i.kind == ItemKind::Text)
        // A header's words open its line; a bound keeps one huge line linear.
        .take(16)
        .flat_map(|i| i.text.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    template
        .label_header
        .as_deref()
        .is_some_and(|h| text.contains(h))
        || template
            .columns()
            .iter()
            .filter_map(|id| t.column(id))
            .map(|col| col.words())
            .any(|w| w.chars().count() >= 2 && text.contains(&w))
}

/// Units the table's column headers print after a column's words (`采购总金额(万元)`,
/// `采购总金额(单位:元)`), by column id: the column's cells that print no unit of their own
/// carry it. A column whose template label states its unit (`本年收费金额(单位:万元)`) has
/// that unit by definition and gets none; a column printed with two units gets none.
fn header_units<'t>(
    text: &str,
    template: &'t TableTemplate,
    t: &Templates,
) -> BTreeMap<&'t str, &'static str> {
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = BTreeMap::new();
    for id in template.columns() {
        let Some(col) = t.column(id) else { continue };
        if col.label.contains(['(', '（']) {
            continue;
        }
        let words: String = col.label.chars().filter(|c| !c.is_whitespace()).collect();
        let mut units: BTreeSet<&'static str> = BTreeSet::new();
        for (at, _) in squeezed.match_indices(words.as_str()) {
            let Some(inner) = squeezed[at + words.len()..].strip_prefix('(') else {
                continue;
            };
            let Some(close) = inner.find(')') else {
                continue;
            };
            let inner = &inner[..close];
            let named = inner
                .strip_prefix("单位")
                .map_or(inner, |rest| rest.trim_start_matches(':'));
            units.extend(crate::text::number::unit_named(named));
        }
        if let [unit] = units.into_iter().collect::<Vec<_>>()[..] {
            out.insert(id, unit);
        }
    }
    out
}

/// Whether a table prints its rows whole, each number on its row's label line: every
/// group of numbers (header digits aside) has a label that names a row and no more numbers
/// than the row has cells. None when the table prints no number. A table dumped column by
/// column (labels first, numbers after: PDF text) does not: its numbers follow no label,
/// or pile up behind the last.
fn rows_whole(
    template: &TableTemplate,
    t: &Templates,
    rows: &[(&str, &BlockTemplate)],
    (items, groups, assigned): (&[RItem], &[Group], &[Assigned]),
) -> Option<bool> {
    let mut any = false;
    for (group, at) in groups.iter().zip(assigned) {
        if !group.has_number {
            continue;
        }
        match at {
            Some((r, Placement::Label)) if group.cells.0 <= rows[*r].1.cols.len() => any = true,
            None if is_header_row(template, t, items, group) => {}
            _ => return Some(false),
        }
    }
    any.then_some(true)
}

/// [`rows_whole`] for the table of a region's `items`, its rows found by their labels only.
pub fn prints_rows_whole(
    doc: &Doc,
    items: &[Item],
    template: &TableTemplate,
    t: &Templates,
    inline_lines: &BTreeSet<usize>,
) -> Option<bool> {
    if template.rows_by == RowsBy::Position {
        return None;
    }
    let items = region_items(doc, items);
    let groups = groups(&items, inline_lines);
    let rows: Vec<(&str, &BlockTemplate)> = template.rows().collect();
    let mut assigned = vec![None; groups.len()];
    let mut diags = Vec::new();
    assign_by_label(
        template,
        t,
        &rows,
        &items,
        &groups,
        &mut assigned,
        &mut diags,
    );
    rows_whole(template, t, &rows, (&items, &groups, &assigned))
}

/// A label as a table prints its row labels and headings: a few words, not a sentence.
fn label_like(label: &str) -> bool {
    !label.is_empty()
        && label.chars().count() <= 40
        && !label.contains(['。', ',', ';', ':', '!', '?'])
}

/// The table's own lines that carry no cells, as cleaned labels: its blocks' titles
/// (`第二十条第(五)项`) and its group headings (`三、本年度办理结果`, `(三)不予公开`); and the
/// label column's header (`信息内容`), which a header line starts with.
struct TableHeadings {
    lines: BTreeSet<String>,
    label_header: Option<String>,
}

impl TableHeadings {
    fn of(template: &TableTemplate, t: &Templates) -> TableHeadings {
        let clean = |words: &str| clean_label(&normalised(words));
        let titles = template.blocks.iter().filter_map(|b| b.title.as_deref());
        let groups = t
            .groups
            .iter()
            .filter(|g| g.rows.iter().all(|r| template.block_of(r).is_some()))
            .map(|g| g.label.as_str());
        TableHeadings {
            lines: titles.chain(groups).map(clean).collect(),
            label_header: template.label_header.as_deref().map(clean),
        }
    }

    fn holds(&self, label: &str) -> bool {
        self.lines.contains(label)
            || self
                .label_header
                .as_deref()
                .is_some_and(|h| label.starts_with(h))
    }
}

/// Rows printed as their label alone (`规章`, then only blank or no-break-space lines, then
/// `规范性文件`): a row's label line followed directly by the next row's label line or a
/// heading line of the table (a block title, a group heading, the section heading after
/// it), in a table that prints its rows whole ([`rows_whole`]; a table that prints no
/// number at all, where the document's other tables do, unless it is a fixed-layout page).
/// The row printed no value: its cells are empty. Never the last row before the text ends
/// (a cut page: its cells may lie past the cut), nor a row whose numbers lie elsewhere.
/// Row index → label item.
fn rows_printed_empty(
    doc: &Doc,
    region: &Range<usize>,
    template: &TableTemplate,
    t: &Templates,
    rows: &[(&str, &BlockTemplate)],
    (items, groups, assigned): (&[RItem], &[Group], &[Assigned]),
    rows_whole_elsewhere: &mut dyn FnMut() -> bool,
) -> BTreeMap<usize, usize> {
    let mut found: BTreeMap<usize, usize> = BTreeMap::new();
    if template.rows_by == RowsBy::Position {
        return found;
    }
    let ordered = template.rows_by == RowsBy::LabelInOrder;
    let all_defs: Vec<&RowDef> = rows.iter().filter_map(|(r, _)| t.row(r)).collect();
    if all_defs.len() != rows.len() {
        return found;
    }
    // (first item, row) of every group placed.
    let placed: Vec<(usize, usize)> = groups
        .iter()
        .zip(assigned)
        .filter_map(|(g, a)| a.map(|(r, _)| (g.items[0], r)))
        .collect();
    let headings = TableHeadings::of(template, t);
    // A line that opens the next row or a heading of the table.
    let opens_next = |k: usize| {
        let label = clean_label(&items[k].text);
        items[k].kind == ItemKind::Text
            && label_like(&label)
            && (match_row(&label, &all_defs).is_some()
                || headings.holds(&label)
                || ordered && starts_numbered(&label))
    };
    // The region ends at a heading (the next section's or table's), not at the text's end.
    let heading_after =
        doc.text[..region.end].ends_with('\n') && !doc.text[region.end..].trim().is_empty();
    for k in 0..items.len() {
        let last_on_line = items.get(k + 1).is_none_or(|n| n.line != items[k].line);
        if items[k].kind != ItemKind::Text || !last_on_line {
            continue;
        }
        let label = clean_label(&items[k].text);
        if !label_like(&label) || ordered && !numbered(&label) || headings.holds(&label) {
            continue;
        }
        let followed = if k + 1 < items.len() {
            opens_next(k + 1)
        } else {
            heading_after
        };
        if !followed {
            continue;
        }
        let after = placed
            .iter()
            .filter(|&&(i, _)| i < k)
            .map(|&(_, r)| r)
            .chain(found.keys().copied())
            .max();
        let before = placed
            .iter()
            .filter(|&&(i, _)| i > k)
            .map(|&(_, r)| r)
            .min();
        let cands: Vec<usize> = (0..rows.len())
            .filter(|&r| {
                !placed.iter().any(|&(_, p)| p == r)
                    && !found.contains_key(&r)
                    && template.optional(rows[r].0).is_none()
                    && (!ordered || after.is_none_or(|a| r > a) && before.is_none_or(|b| r < b))
            })
            .collect();
        let defs: Vec<&RowDef> = cands.iter().map(|&r| all_defs[r]).collect();
        if let Some(pick) = match_row(&label, &defs) {
            found.insert(cands[pick], k);
        }
    }
    if found.is_empty() {
        return found;
    }
    // A fixed-layout page says nothing of one table by another: its text comes in the order
    // its content stream draws it, table by table.
    let fixed_layout = found.values().any(|&k| {
        matches!(
            doc.src(items[k].range.clone()),
            Some(crate::model::Src::Area { .. })
        )
    });
    let whole = match rows_whole(template, t, rows, (items, groups, assigned)) {
        Some(whole) => whole,
        None => !fixed_layout && rows_whole_elsewhere(),
    };
    if !whole {
        found.clear();
    }
    found
}

/// Rows printed all empty in a table whose columns were cut (`k` printed): a labelled group
/// of `k` empty cells takes the row its label names among the rows between its assigned
/// neighbours (numbered, where rows go in order), as whole rows do in [`assign_by_label`].
fn assign_empty_rows(
    template: &TableTemplate,
    t: &Templates,
    rows: &[(&str, &BlockTemplate)],
    items: &[RItem],
    groups: &[Group],
    k: usize,
    assigned: &mut [Option<(usize, Placement)>],
) {
    let ordered = template.rows_by == RowsBy::LabelInOrder;
    // Kept as the groups are walked, not gathered again for each: the rows taken, the
    // last row before the group. The rows after it are never changed by the walk (it
    // assigns only the group it is at), so their first is known from the start.
    let mut taken: BTreeSet<usize> = assigned.iter().flatten().map(|&(r, _)| r).collect();
    let mut first_from = vec![None; assigned.len() + 1];
    for g in (0..assigned.len()).rev() {
        let here = assigned[g].as_ref().map(|&(r, _)| r);
        first_from[g] = [here, first_from[g + 1]].into_iter().flatten().min();
    }
    let mut after: Option<usize> = None;
    for g in 0..groups.len() {
        if g > 0 {
            after = after.max(assigned[g - 1].as_ref().map(|&(r, _)| r));
        }
        let group = &groups[g];
        let Some(l) = group.label else { continue };
        if assigned[g].is_some() || group.has_number || group.items.len() != k {
            continue;
        }
        let label = clean_label(&items[l].text);
        if ordered && !numbered(&label) {
            continue;
        }
        let before = first_from[g + 1];
        let cands: Vec<usize> = (0..rows.len())
            .filter(|&r| {
                !taken.contains(&r)
                    && (!ordered || after.is_none_or(|a| r > a) && before.is_none_or(|b| r < b))
            })
            .collect();
        let defs: Vec<&RowDef> = cands.iter().filter_map(|&r| t.row(rows[r].0)).collect();
        if defs.len() != cands.len() {
            continue;
        }
        if let Some(pick) = match_row(&label, &defs) {
            assigned[g] = Some((cands[pick], Placement::Label));
            taken.insert(cands[pick]);
        }
    }
}

/// How many of a block's columns a table prints when a page's right edge cut it (a wide
/// table printed by LibreOffice leaves out what lies past the page): the header's grid
/// cells name the block's first `k` columns and none of the others (each cell the whole
/// words of a column's label), and every row found by its label — two at least — prints
/// exactly `k` cells. None when the table is whole or that cannot be told.
fn columns_printed(
    doc: &Doc,
    items: &[RItem],
    labelled: &[&Group],
    cols: &[String],
    t: &Templates,
) -> Option<usize> {
    let first = labelled.first()?;
    let k = first.items.len();
    if labelled.len() < 2
        || k == 0
        || k >= cols.len()
        || labelled.iter().any(|g| g.items.len() != k)
    {
        return None;
    }
    let in_grid = |it: &RItem| {
        doc.block_at(it.range.start)
            .is_some_and(|b| doc.blocks[b].kind == crate::recognise::doc::BlockKind::Grid)
    };
    let header: BTreeSet<String> = items[..first.label?]
        .iter()
        .filter(|it| it.kind == ItemKind::Text && in_grid(it))
        .map(|it| it.text.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    let named = |col: &String| t.column(col).is_some_and(|c| header.contains(&c.words()));
    (cols[..k].iter().all(named) && !cols[k..].iter().any(named)).then_some(k)
}

/// Groups without a label of their own (a converter moved it, or it wrapped away) take the
/// rows between their labelled neighbours when the counts agree exactly; a header row
/// never does.
fn assign_by_position(
    template: &TableTemplate,
    rows: &[(&str, &BlockTemplate)],
    groups: &[Group],
    is_header: &dyn Fn(&Group) -> bool,
    fits: &dyn Fn(&Group, usize) -> bool,
    assigned: &mut [Option<(usize, Placement)>],
    diags: &mut Vec<Diagnostic>,
) {
    let anchors: Vec<(usize, usize)> = assigned
        .iter()
        .enumerate()
        .filter_map(|(g, a)| a.map(|(r, _)| (g, r)))
        .collect();
    let taken: BTreeSet<usize> = anchors.iter().map(|&(_, r)| r).collect();
    // (group, row) of the labelled neighbours around each gap.
    type Anchor = (usize, usize);
    let mut bounds: Vec<(Option<Anchor>, Option<Anchor>)> = Vec::new();
    let mut prev = None;
    for &a in &anchors {
        bounds.push((prev, Some(a)));
        prev = Some(a);
    }
    bounds.push((prev, None));
    for (lo, hi) in bounds {
        let g_from = lo.map_or(0, |(g, _)| g + 1);
        let g_to = hi.map_or(groups.len(), |(g, _)| g);
        let r_from = lo.map_or(0, |(_, r)| r + 1);
        let r_to = hi.map_or(rows.len(), |(_, r)| r);
        if g_from >= g_to || r_from >= r_to {
            continue;
        }
        let slots: Vec<usize> = (r_from..r_to)
            .filter(|r| !taken.contains(r) && template.optional(rows[*r].0).is_none())
            .collect();
        let free: Vec<usize> = (g_from..g_to)
            .filter(|&g| assigned[g].is_none() && groups[g].has_number && !is_header(&groups[g]))
            .filter(|&g| slots.iter().any(|&r| fits(&groups[g], r)))
            .collect();
        if free.is_empty() || slots.is_empty() {
            continue;
        }
        if free.len() == slots.len() && free.iter().zip(&slots).all(|(&g, &r)| fits(&groups[g], r))
        {
            for (&g, &r) in free.iter().zip(&slots) {
                assigned[g] = Some((r, Placement::Position));
                diags.push(Diagnostic::new(
                    Level::Info,
                    "row-by-position",
                    Location::row(&template.id, rows[r].0),
                    format!("{} has no label beside its numbers; placed by its position between labelled rows", rows[r].0),
                ));
            }
        } else {
            let names: Vec<&str> = slots.iter().map(|&r| rows[r].0).collect();
            diags.push(Diagnostic::new(
                Level::Warning,
                "rows-unplaced",
                Location::table(&template.id),
                format!(
                    "{} unlabelled row(s) of numbers lie where {} row(s) are expected ({}); none placed",
                    free.len(),
                    slots.len(),
                    names.join(", ")
                ),
            ));
        }
    }
}

/// The readings of one row from its printed tokens.
#[allow(clippy::too_many_arguments)]
fn row_readings(
    source: &RowSource<'_>,
    token_items: &[usize],
    kinds: &[ValueKind],
    cut_by_input_end: bool,
    (table, row): (&str, &str),
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Vec<Slot>>, bool) {
    let at = || Location::row(table, row);
    let RowSource {
        items,
        inline_lines,
        columns,
        columns_printed,
    } = *source;
    let n = kinds.len();
    let mut toks: Vec<usize> = token_items.to_vec();
    // Padding: blanks beyond the row's cells, trailing first.
    while toks.len() > n
        && toks
            .last()
            .is_some_and(|&k| items[k].kind == ItemKind::Blank)
    {
        toks.pop();
    }
    while toks.len() > n
        && toks
            .first()
            .is_some_and(|&k| items[k].kind == ItemKind::Blank)
    {
        toks.remove(0);
    }
    let glued = toks.first().is_some_and(|&k| {
        k > 0
            && items[k - 1].kind == ItemKind::Text
            && items[k - 1].range.end == items[k].range.start
    });
    let tokens: Vec<Token> = toks
        .iter()
        .map(|&k| Token {
            text: items[k].text.clone(),
            splittable: splittable(&items[k], glued, inline_lines),
            blank: items[k].kind == ItemKind::Blank,
            item: k,
        })
        .collect();
    // Fewer printed numbers than cells, read by cutting digit runs.
    let cut = tokens.len() < n;
    let readings = match split::readings(&tokens, kinds) {
        Ok(r) if !r.is_empty() => return (r, cut),
        Ok(_)
            if tokens.len() < n && (cut_by_input_end || columns_printed == Some(tokens.len())) =>
        {
            // An excerpt that stops mid-row, or a table whose columns past the page's edge
            // are not in the file: what is there is read, the rest is missing.
            let mut reading: Vec<Slot> = Vec::with_capacity(n);
            for (tok, &kind) in tokens.iter().zip(kinds) {
                let piece = match crate::text::number::parse_cell(&tok.text, kind) {
                    _ if tok.blank => Piece::Blank,
                    crate::text::number::CellText::Value { value, unit } => {
                        Piece::Value { value, unit }
                    }
                    _ => Piece::Missing,
                };
                reading.push(Slot::of_token(piece, tok.item, &tok.text));
            }
            reading.resize(n, Slot::unprinted(Piece::Missing));
            if cut_by_input_end {
                diags.push(Diagnostic::new(
                    Level::Warning,
                    "row-cut-off",
                    at(),
                    format!(
                        "the input ends inside {row}: {} of {n} cells printed, the rest missing",
                        tokens.len()
                    ),
                ));
            }
            vec![reading]
        }
        Ok(_) if tokens.len() < n && columns.is_some() => {
            let printed: Vec<(usize, &RItem)> = toks.iter().map(|&k| (k, &items[k])).collect();
            match columns.and_then(|m| m.place(&printed, kinds)) {
                Some(reading) => {
                    diags.push(Diagnostic::new(
                        Level::Info,
                        "row-by-columns",
                        at(),
                        format!(
                            "{row} prints {} of {n} cells; each number was placed by its column's position, the other cells are empty",
                            tokens.len()
                        ),
                    ));
                    vec![reading]
                }
                None => unreadable(&tokens, n, (table, row), diags),
            }
        }
        Ok(_) if tokens.len() < n => match placed_by_sign(&tokens, kinds) {
            Some(reading) => {
                diags.push(Diagnostic::new(
                    Level::Info,
                    "row-by-sign",
                    at(),
                    format!(
                        "{row} prints {} of {n} cells, its empty cells not printed; a signed number stands only in the signed column, which leaves one placement: the other cells are empty",
                        tokens.len()
                    ),
                ));
                vec![reading]
            }
            None => unreadable(&tokens, n, (table, row), diags),
        },
        Ok(_) => unreadable(&tokens, n, (table, row), diags),
        Err(split::TooMany) => {
            diags.push(Diagnostic::new(
                Level::Warning,
                "split-too-many",
                at(),
                format!("the digits printed for {row} can be split in too many ways to list; its cells are missing"),
            ));
            Vec::new()
        }
    };
    (readings, false)
}

/// A row of whole cells printing fewer than its cells, its empty cells not printed at all
/// (cells on lines of their own: `行政许可` / `19` / `+4`, 处理决定数量 empty): the placement of
/// its numbers, in order, where a signed one (`+4`, `-3`, `增2`, `减1`) stands in a signed
/// column and each other in a column that takes it, the cells left over empty — when exactly
/// one placement does. Unsigned numbers alone never pin one, nor does a row with a
/// splittable run or a blank mark (its blanks are printed: the empties did not vanish).
fn placed_by_sign(tokens: &[Token], kinds: &[ValueKind]) -> Option<Vec<Slot>> {
    let signed = |t: &Token| t.text.starts_with(['+', '-', '增', '减']);
    if tokens.is_empty()
        || !tokens.iter().any(signed)
        || tokens.iter().any(|t| t.splittable || t.blank)
    {
        return None;
    }
    let fits = |t: &Token, kind: ValueKind| {
        (!signed(t) || kind == ValueKind::Signed)
            && matches!(
                crate::text::number::parse_cell(&t.text, kind),
                crate::text::number::CellText::Value { .. }
            )
    };
    // Order-preserving placements of the tokens into the columns (k of n, few).
    let (k, n) = (tokens.len(), kinds.len());
    let mut found: Option<Vec<usize>> = None;
    let mut columns: Vec<usize> = (0..k).collect();
    loop {
        if tokens.iter().zip(&columns).all(|(t, &c)| fits(t, kinds[c])) {
            if found.is_some() {
                return None;
            }
            found = Some(columns.clone());
        }
        let Some(i) = (0..k).rev().find(|&i| columns[i] < n - k + i) else {
            break;
        };
        columns[i] += 1;
        for j in i + 1..k {
            columns[j] = columns[j - 1] + 1;
        }
    }
    let mut reading: Vec<Slot> = vec![Slot::unprinted(Piece::Blank); n];
    for (t, c) in tokens.iter().zip(found?) {
        let crate::text::number::CellText::Value { value, unit } =
            crate::text::number::parse_cell(&t.text, kinds[c])
        else {
            return None;
        };
        reading[c] = Slot::of_token(Piece::Value { value, unit }, t.item, &t.text);
    }
    Some(reading)
}

fn unreadable(
    tokens: &[Token],
    n: usize,
    (table, row): (&str, &str),
    diags: &mut Vec<Diagnostic>,
) -> Vec<Vec<Slot>> {
    let printed: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    diags.push(Diagnostic::new(
        Level::Warning,
        "row-unreadable",
        Location::row(table, row),
        format!(
            "{row} prints {} value(s) [{}] where the template has {n} cells; which cell each belongs to cannot be told, so all are missing",
            tokens.len(),
            printed.join(" ")
        ),
    ));
    Vec::new()
}

/// What a row's numbers are read with.
#[derive(Clone, Copy)]
struct RowSource<'a> {
    items: &'a [RItem],
    inline_lines: &'a BTreeSet<usize>,
    /// Column positions of the row's block in aligned layout text, when known.
    columns: Option<&'a ColumnModel>,
    /// How many of the block's columns the table prints, when a page's right edge cut the
    /// others off ([`columns_printed`]).
    columns_printed: Option<usize>,
}

/// Where aligned layout text (`pdftotext -layout`) prints each column of a table: the
/// middle of each cell in the rows that print all their cells. A row printing fewer
/// numbers (its other cells empty) is read by these positions.
#[derive(Debug)]
struct ColumnModel {
    centres: Vec<f64>,
    /// How far from its centre a number may sit and still be in the column: half the
    /// wider of the gaps to its neighbours (a number goes to the nearest column anyway).
    tolerance: Vec<f64>,
}

impl ColumnModel {
    /// Learns the positions from every group of exactly `n` separate numbers on one text
    /// line; needs two such rows that agree.
    fn learn(items: &[RItem], groups: &[&Group], n: usize) -> Option<ColumnModel> {
        let full: Vec<Vec<f64>> = groups
            .iter()
            .filter(|g| {
                g.items.len() == n
                    && g.items
                        .iter()
                        .all(|&k| items[k].kind == ItemKind::Number && !items[k].atomic)
            })
            .map(|g| g.items.iter().map(|&k| items[k].centre()).collect())
            .collect();
        if full.len() < 2 || n < 2 {
            return None;
        }
        let centres: Vec<f64> = (0..n)
            .map(|i| {
                let mut xs: Vec<f64> = full.iter().map(|row| row[i]).collect();
                xs.sort_by(f64::total_cmp);
                xs[xs.len() / 2]
            })
            .collect();
        let model = ColumnModel::apart(centres)?;
        // The full rows must sit on the columns.
        let steady = full.iter().all(|row| {
            row.iter()
                .zip(model.centres.iter().zip(&model.tolerance))
                .all(|(x, (c, t))| (x - c).abs() < *t)
        });
        steady.then_some(model)
    }

    /// Learns the positions from the column headers above the numbers: each column's
    /// label starts a word (`自然人`, `商业` of a stacked `商业/企业`) at its column, once.
    fn from_headers(items: &[RItem], cols: &[String], t: &Templates) -> Option<ColumnModel> {
        let first_number = items.iter().position(|i| i.kind == ItemKind::Number)?;
        let header: Vec<&RItem> = items[..first_number]
            .iter()
            .filter(|i| i.kind == ItemKind::Text && !i.atomic)
            .collect();
        let mut centres = Vec::with_capacity(cols.len());
        for col in cols {
            let label = t.column(col)?.label.as_str();
            let prefix: String = label.chars().take(2).collect();
            let mut found = header.iter().flat_map(|item| words_starting(item, &prefix));
            let centre = found.next()?;
            if found.next().is_some() {
                return None;
            }
            centres.push(centre);
        }
        ColumnModel::apart(centres)
    }

    /// Columns in order, at least two characters apart.
    fn apart(centres: Vec<f64>) -> Option<ColumnModel> {
        if centres.len() < 2 || centres.windows(2).any(|w| w[1] - w[0] < 2.0) {
            return None;
        }
        let gap = |i: usize, j: usize| (centres[j] - centres[i]) / 2.0;
        let last = centres.len() - 1;
        let tolerance = (0..centres.len())
            .map(|i| match i {
                0 => gap(0, 1),
                i if i == last => gap(last - 1, last),
                i => gap(i - 1, i).max(gap(i, i + 1)),
            })
            .collect();
        Some(ColumnModel { centres, tolerance })
    }

    /// Whether a group's numbers sit on these columns (a row with empty cells).
    fn admits(&self, items: &[RItem], g: &Group) -> bool {
        let printed: Vec<(usize, &RItem)> = g.items.iter().map(|&k| (k, &items[k])).collect();
        let kinds = vec![ValueKind::Count; self.centres.len()];
        self.place(&printed, &kinds).is_some()
    }

    /// The row's cells, each number at its nearest column, the rest empty. None when a
    /// number sits between columns or two share one. `printed` are items by their index.
    fn place(&self, printed: &[(usize, &RItem)], kinds: &[ValueKind]) -> Option<Vec<Slot>> {
        let mut reading = vec![Slot::unprinted(Piece::Blank); self.centres.len()];
        let mut last: Option<usize> = None;
        for &(k, item) in printed {
            if item.kind != ItemKind::Number || item.atomic {
                return None;
            }
            let x = item.centre();
            let (col, dist) = self
                .centres
                .iter()
                .enumerate()
                .map(|(i, c)| (i, (x - c).abs()))
                .min_by(|a, b| a.1.total_cmp(&b.1))?;
            if dist >= self.tolerance[col] || last.is_some_and(|l| col <= l) {
                return None;
            }
            match crate::text::number::parse_cell(&item.text, kinds[col]) {
                crate::text::number::CellText::Value { value, unit } => {
                    reading[col] = Slot::of_token(Piece::Value { value, unit }, k, &item.text)
                }
                _ => return None,
            }
            last = Some(col);
        }
        Some(reading)
    }
}

/// The centres (columns from the line start) of the whitespace-separated words of a text
/// item that start with `prefix`.
fn words_starting(item: &RItem, prefix: &str) -> Vec<f64> {
    let start = item.end_column - item.text.chars().count();
    let mut out = Vec::new();
    let mut col = start;
    for (i, word) in item.text.split(' ').enumerate() {
        if i > 0 {
            col += 1;
        }
        let width = word.chars().count();
        if !word.is_empty() && word.starts_with(prefix) {
            out.push(col as f64 + width as f64 / 2.0);
        }
        col += width;
    }
    out
}

/// Says how glued digits were split (by the rules, or the rules and the text), or why they
/// stay ambiguous.
fn report_split(
    table: &str,
    choices: &[RowChoice],
    (solution, by_prose): (&split::Solution, &[split::ProseChoice]),
    items: &[RItem],
    sources: &[Vec<usize>],
    diags: &mut Vec<Diagnostic>,
) {
    let (cells, note) = (&solution.cells, solution.note);
    for (r, choice) in choices.iter().enumerate() {
        let printed: Vec<&str> = sources[r].iter().map(|&k| items[k].text.as_str()).collect();
        let printed = printed.join(" ");
        if solution.rejected[r] {
            diags.push(Diagnostic::new(
                Level::Warning,
                "split-rejected",
                Location::row(table, &choice.row),
                format!(
                    "\"{printed}\" holds fewer numbers than the row has cells, and every way of cutting them into {} cells breaks the row's own sum: the page dropped empty cells, so the cells are missing",
                    choice.cols.len()
                ),
            ));
            continue;
        }
        if choice.readings.len() < 2 {
            continue;
        }
        let settled = cells[r].iter().all(|c| matches!(c, Solved::One(_)));
        if settled {
            let values: Vec<String> = cells[r].iter().map(piece_text).collect();
            diags.push(Diagnostic::new(
                Level::Info,
                "split-settled",
                Location::row(table, &choice.row),
                format!(
                    "digits \"{printed}\" allow {} readings; the table's rules{} leave one: {}",
                    choice.readings.len(),
                    if by_prose.iter().any(|p| p.row == r) {
                        " and the text"
                    } else {
                        ""
                    },
                    values.join(" | ")
                ),
            ));
        } else {
            let why = match note {
                SolveNote::NoJointSolution => "; no reading satisfies every rule of the table, so only each row's own rules were applied",
                SolveNote::TooManyCombinations => "; too many combinations to try them all jointly",
                _ => "",
            };
            diags.push(Diagnostic::new(
                Level::Warning,
                "split-ambiguous",
                Location::row(table, &choice.row),
                format!(
                    "digits \"{printed}\" allow {} readings the rules cannot decide between{why}; those cells are ambiguous",
                    choice.readings.len()
                ),
            ));
        }
    }
}

fn piece_text(s: &Solved) -> String {
    match s {
        Solved::One(Piece::Value { value, .. }) => value.clone(),
        Solved::One(Piece::Blank) => "(blank)".into(),
        _ => "?".into(),
    }
}

/// What cells are read from: the document, the table's items, and the items a row was
/// read from.
struct Read<'a> {
    doc: &'a Doc<'a>,
    items: &'a [RItem],
    sources: &'a [usize],
}

impl Read<'_> {
    /// Where an item's text (or bytes of it) was printed.
    fn src(&self, k: usize, bytes: Option<Range<usize>>) -> Option<Src> {
        let item = &self.items[k];
        let whole = &self.doc.text[item.range.clone()];
        let start = item.range.start + (whole.len() - whole.trim_start().len());
        let bytes = bytes.unwrap_or(0..item.text.len());
        self.doc.src(start + bytes.start..start + bytes.end)
    }

    /// The model cell for one solved cell, with where it was printed: every place a
    /// reading left for it was read from; for an empty cell that nothing printed stands
    /// for, its row's.
    fn cell(
        &self,
        choice: &RowChoice,
        ci: usize,
        col: &str,
        solved: &Solved,
        printed: &[Printed],
    ) -> Cell {
        let content = match solved {
            Solved::One(Piece::Value { value, .. }) => CellContent::Value(value.clone()),
            Solved::One(Piece::Blank) => CellContent::Blank,
            Solved::One(Piece::Missing) | Solved::Missing => CellContent::Missing,
            Solved::Several(pieces) => {
                let mut values: Vec<String> = pieces
                    .iter()
                    .filter_map(|p| match p {
                        Piece::Value { value, .. } => Some(value.clone()),
                        _ => None,
                    })
                    .collect();
                // Smallest first: easier to read than the order the splits were tried in.
                values.sort_by(|a, b| {
                    crate::text::number::decimal(a)
                        .cmp(&crate::text::number::decimal(b))
                        .then(a.cmp(b))
                });
                CellContent::Ambiguous(values)
            }
        };
        let mut cell = Cell::new(col, content);
        if cell.content != CellContent::Missing {
            cell.src = if printed.is_empty() {
                self.sources
                    .iter()
                    .filter_map(|&k| self.src(k, None))
                    .reduce(Src::union)
            } else {
                printed
                    .iter()
                    .filter_map(|p| self.src(p.item, Some(p.bytes.clone())))
                    .reduce(Src::union)
            };
        }
        if let Solved::One(Piece::Value { value, unit }) = solved {
            cell.unit = unit.clone();
            // One printed token per cell: its own text is the raw form. So is a whole
            // token read as one cell among a row's padding blanks (the seed's lone `|`).
            let one_per_cell =
                choice.readings.len() == 1 && self.sources.len() == choice.cols.len();
            let whole_token = match printed {
                [p] if p.bytes == (0..self.items[p.item].text.len()) => Some(p.item),
                _ => None,
            };
            let token = if one_per_cell {
                Some(self.sources[ci])
            } else {
                whole_token
            };
            if let Some(k) = token {
                let raw = self.doc.original(self.items[k].range.clone()).trim();
                if !raw.is_empty() && raw != value {
                    cell.raw = Some(raw.to_string());
                }
            }
        }
        cell
    }
}

/// Numbers no row claimed (a converter left them among label fragments) go to a blank
/// cell only when exactly one such cell exists for exactly one such number and every rule
/// on that cell then holds: the number is in the input, the rules only say where.
fn place_orphans(
    table: &mut StandardTable,
    orphans: &[usize],
    groups: &[Group],
    read: &Read<'_>,
    instances: &[rules::RuleInstance],
    diags: &mut Vec<Diagnostic>,
) {
    let items = read.items;
    if orphans.is_empty() {
        return;
    }
    let texts: Vec<String> = orphans
        .iter()
        .map(|&g| {
            groups[g]
                .items
                .iter()
                .map(|&k| items[k].text.clone())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let single = orphans.len() == 1 && groups[orphans[0]].items.len() == 1;
    let value = single
        .then(|| crate::text::number::normalise(&texts[0]))
        .flatten();
    if let Some(value) = value {
        let term = |t: &StandardTable, k: &CellKey| match t.cell(&k.row, &k.col).map(|c| &c.content)
        {
            Some(CellContent::Value(v)) => rules::term_of(v),
            Some(CellContent::Blank) => Term::Blank,
            _ => Term::Unknown,
        };
        let blanks: Vec<CellKey> = table
            .rows
            .iter()
            .flat_map(|r| {
                r.cells
                    .iter()
                    .filter(|c| c.content == CellContent::Blank)
                    .map(move |c| CellKey::new(&r.id, &c.col))
            })
            .collect();
        let fits: Vec<&CellKey> = blanks
            .iter()
            .filter(|key| {
                let mut trial = table.clone();
                set_cell(&mut trial, key, &value, None);
                let on_cell: Vec<&rules::RuleInstance> =
                    instances.iter().filter(|i| i.mentions(key)).collect();
                !on_cell.is_empty()
                    && on_cell.iter().all(|i| {
                        // Derivation would excuse a blank total; here the cell has a value.
                        matches!(i.evaluate(|k| term(&trial, k)), Outcome::Pass)
                    })
            })
            .collect();
        if blanks.len() == 1 && fits.len() == 1 {
            let key = fits[0].clone();
            let k = groups[orphans[0]].items[0];
            set_cell(table, &key, &value, read.src(k, None));
            diags.push(Diagnostic::new(
                Level::Info,
                "value-recovered",
                Location::cell(&table.id, &key.row, &key.col),
                format!(
                    "the number {value} stood apart from every row; it is the table's only unplaced number and its only empty cell, and every rule on that cell holds with it"
                ),
            ));
            return;
        }
    }
    diags.push(Diagnostic::new(
        Level::Warning,
        "values-unplaced",
        Location::table(&table.id),
        format!("number(s) not tied to any row: {}", texts.join(", ")),
    ));
}

fn set_cell(table: &mut StandardTable, key: &CellKey, value: &str, src: Option<Src>) {
    if let Some(cell) = table
        .rows
        .iter_mut()
        .find(|r| r.id == key.row)
        .and_then(|r| r.cells.iter_mut().find(|c| c.col == key.col))
    {
        cell.content = CellContent::Value(value.to_string());
        cell.src = src;
    }
}

#[cfg(test)]
mod tests {
    use super::numbered;
    use crate::model::{CellContent, Report, Table};

    fn extract(text: &str) -> Report {
        let input = crate::Input::new("page.txt", text.as_bytes().to_vec());
        crate::extract(&input, &crate::ExtractOptions::default()).unwrap()
    }

    /// Each cell of a row: `v` a value, `b` blank, `m` missing.
    fn row(report: &Report, table: &str, row: &str) -> String {
        let t = report
            .tables
            .iter()
            .find_map(|t| match t {
                Table::Standard(s) if s.id == table => Some(s),
                _ => None,
            })
            .unwrap();
        let r = t.rows.iter().find(|r| r.id == row).unwrap();
        r.cells
            .iter()
            .map(|c| match &c.content {
                CellContent::Value(v) => v.clone(),
                CellContent::Blank => "b".into(),
                CellContent::Missing => "m".into(),
                CellContent::Ambiguous(_) => "?".into(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    const TITLE: &str = "某局2020年政府信息公开工作年度报告\n\n一、总体情况\n\n本年度依法公开。\n\n二、主动公开政府信息情况\n\n";

    /// Page 31's shape: each cell on a line of its own, empty cells printed as no-break
    /// spaces or not at all. t2 is printed whole (`行政许可` / `19` / `+4`), t3 is a blank
    /// table cut at 2,000 bytes inside a label.
    const CELL_LINES: &str = "第二十条第(一)项\n\n信息内容\n\n本年新\n制作数量\n\n本年新\n公开数量\n\n对外公开总数量\n\n规章\n\n\u{a0}\u{a0}\n\n\u{a0}\n\n规范性文件\n\n\u{a0}\n\n第二十条第(五)项\n\n信息内容\n\n上一年项目数量\n\n本年增/减\n\n处理决定数量\n\n行政许可\n\n19\n\n+4\n\n其他对外管理服务事项\n\n第二十条第(六)项\n\n信息内容\n\n上一年项目数量\n\n本年增/减\n\n处理决定数量\n\n行政处罚\n\n35\n\n+12\n\n行政强制\n\n28\n\n+12\n\n";
    const BLANK_T3: &str = "三、收到和处理政府信息公开申请情况\n\n申请人情况\n\n自然人\n\n总计\n\n其他\n\n一、本年新收政府信息公开申请数量\n\n二、上年结转政府信息公开申请数量\n\n三、本年度办理结果\n\n(一)予以公开\n\n(二)部分公开(区分处理的,只计这一情形,不计其他情形)\n\n(三)不予公开\n\n1.属于国家秘密\n\n2.其他法律行政法规禁止公开\n\n3.危及“三安全一稳定”\n\n4.保护第三";

    /// A row printed as its label alone, before the next row's label or a heading of its
    /// table, in a document whose tables print their rows whole: its cells are empty.
    #[test]
    fn a_label_alone_before_the_next_row_is_a_row_printed_empty() {
        let report = extract(&format!("{TITLE}{CELL_LINES}{BLANK_T3}"));
        for r in ["regulations", "normative_docs", "other_mgmt_services"] {
            assert_eq!(row(&report, "t2", &format!("t2.row.{r}")), "b b b", "{r}");
        }
        assert_eq!(row(&report, "t2", "t2.row.licensing"), "19 4 b");
        assert_eq!(row(&report, "t2", "t2.row.coercion"), "28 12 b");
        // Rows the page does not print stay missing.
        assert_eq!(row(&report, "t2", "t2.row.admin_fees"), "m m");
        for r in [
            "new_requests",
            "carried_over",
            "granted",
            "partial",
            "denied.state_secret",
            "denied.law_prohibited",
            "denied.security_stability",
        ] {
            assert_eq!(
                row(&report, "t3", &format!("t3.row.{r}")),
                "b b b b b b b",
                "{r}"
            );
        }
        // The row whose label the cut ends in, and the rows past the cut: missing.
        for r in [
            "denied.third_party",
            "denied.internal_affairs",
            "carried_forward",
        ] {
            assert_eq!(
                row(&report, "t3", &format!("t3.row.{r}")),
                "m m m m m m m",
                "{r}"
            );
        }
        let said = report
            .diagnostics
            .iter()
            .filter(|d| d.code == "row-printed-empty")
            .count();
        assert_eq!(said, 10);
    }

    /// The last row before the text ends may have its cells past a cut; a table of labels
    /// only says nothing of how its numbers are printed when no other table does.
    #[test]
    fn rows_before_a_cut_or_in_tables_without_evidence_stay_missing() {
        let t2 = "第二十条第(一)项\n\n信息内容\n\n规章\n\n0\n\n0\n\n0\n\n第二十条第(五)项\n\n行政许可\n\n1\n\n+1\n\n2\n\n其他对外管理服务事项";
        let cut = extract(&format!("{TITLE}{t2}"));
        assert_eq!(row(&cut, "t2", "t2.row.other_mgmt_services"), "m m m");
        let whole = extract(&format!(
            "{TITLE}{t2}\n\n三、收到和处理政府信息公开申请情况\n\n"
        ));
        assert_eq!(row(&whole, "t2", "t2.row.other_mgmt_services"), "b b b");
        let labels_only = extract(&format!(
            "{TITLE}第二十条第(一)项\n\n规章\n\n规范性文件\n\n{BLANK_T3}"
        ));
        assert_eq!(row(&labels_only, "t2", "t2.row.regulations"), "m m m");
        assert_eq!(
            row(&labels_only, "t3", "t3.row.new_requests"),
            "m m m m m m m"
        );
    }

    /// A fixed-layout page's text comes table by table in the order its content stream
    /// draws it: a table of labels only is read as blank there only when its own rows say
    /// how they print.
    #[test]
    fn a_fixed_layout_table_of_labels_only_stays_missing() {
        use crate::layout::{Block, Layout, Text};
        use crate::model::{Rect, Source, Src};
        let lines = "某局2020年政府信息公开工作年度报告\n一、总体情况\n本年度依法公开。\n二、主动公开政府信息情况\n第二十条第(一)项\n信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n规章 0 0 1\n规范性文件 5 5 9\n第二十条第(五)项\n行政许可 19 +4 3\n三、收到和处理政府信息公开申请情况\n(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)\n一、本年新收政府信息公开申请数量\n二、上年结转政府信息公开申请数量\n四、结转下年度继续办理\n四、政府信息公开行政复议、行政诉讼情况\n";
        let read = |src: &dyn Fn(u32) -> Src| {
            let layout = Layout {
                blocks: lines
                    .lines()
                    .zip(1..)
                    .map(|(l, n)| Block::Line(Text::at(l, src(n))))
                    .collect(),
                ..Layout::default()
            };
            let source = Source {
                name: "page".into(),
                media_type: "text/plain".into(),
                bytes: 0,
                sha256: "0".repeat(64),
            };
            crate::recognise::recognise(&layout, source, &crate::template::Templates::builtin())
        };
        let text = read(&Src::line);
        assert_eq!(row(&text, "t3", "t3.row.new_requests"), "b b b b b b b");
        let page = read(&|n| Src::Area {
            page: 1,
            area: Rect {
                x0: 0,
                y0: 100 * n as i32,
                x1: 100,
                y1: 100 * n as i32 + 50,
            },
        });
        assert_eq!(row(&page, "t2", "t2.row.licensing"), "19 4 3");
        assert_eq!(row(&page, "t3", "t3.row.new_requests"), "m m m m m m m");
    }

    /// A table dumped column by column (PDF text: the labels, then the numbers) prints
    /// labels one after another too; its numbers pile up behind the last label, and no
    /// row before it is read as empty.
    #[test]
    fn a_column_dump_has_no_rows_printed_empty() {
        let dump = "第二十条第(一)项\n\n信息内容\n\n本年新制作数量\n\n本年新公开数量\n\n对外公开总数量\n\n规章\n\n规范性文件\n\n0\n\n5\n\n0\n\n5\n\n0\n\n9\n\n第二十条第(五)项\n\n行政许可\n\n1\n\n+1\n\n2\n\n三、收到和处理政府信息公开申请情况\n\n";
        let report = extract(&format!("{TITLE}{dump}"));
        assert_eq!(row(&report, "t2", "t2.row.regulations"), "m m m");
        assert_eq!(row(&report, "t2", "t2.row.licensing"), "1 1 2");
    }

    #[test]
    fn row_labels_with_their_numbering() {
        for l in [
            "1.属于国家秘密",
            "12、其他",
            "(六)其他处理",
            "四、结转下年度继续办理",
        ] {
            assert!(numbered(l), "{l}");
        }
        for l in ["总计", "其他", "申请人情况", "2019年", "十分"] {
            assert!(!numbered(l), "{l}");
        }
    }
}

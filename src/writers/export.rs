//! Clean data out: one row per standard-table cell across many reports (tidy CSV or JSON),
//! or one row per report (wide CSV). The columns are a stable contract; see README.

use std::io::{self, Write};

use crate::batch::collect::Loaded;
use crate::model::{CellContent, Report, Table};
use crate::template::Templates;

/// The tidy columns, in order. New columns go at the end, so that a script that reads them
/// by position keeps working.
pub const COLUMNS: [&str; 16] = [
    "source_sha256",
    "source_name",
    "title",
    "issuer",
    "year",
    "template",
    "table",
    "row",
    "col",
    "row_label",
    "col_label",
    "value",
    "unit",
    "status",
    "candidates",
    "src",
];

/// One tidy row: a field for each of [`COLUMNS`].
pub type TidyRow = [String; COLUMNS.len()];

/// The report columns that open every row (tidy and wide).
const REPORT_COLUMNS: usize = 6;

fn report_fields(r: &Report) -> [String; REPORT_COLUMNS] {
    let m = &r.meta;
    [
        m.source.sha256.clone(),
        m.source.name.clone(),
        m.title.clone().unwrap_or_default(),
        m.issuer.clone().unwrap_or_default(),
        m.year.map(|y| y.to_string()).unwrap_or_default(),
        m.template_name().to_string(),
    ]
}

/// Every standard-table cell of every report, in report order then template order.
pub fn tidy_rows(reports: &[Loaded], t: &Templates) -> Vec<TidyRow> {
    reports
        .iter()
        .flat_map(|loaded| report_rows(&loaded.report, t))
        .collect()
}

/// Every standard-table cell of one report, in template order: its rows of the tidy table.
pub fn report_rows(report: &Report, t: &Templates) -> Vec<TidyRow> {
    let head = report_fields(report);
    let mut out = Vec::new();
    for table in &report.tables {
        let Table::Standard(table) = table else {
            continue;
        };
        for row in &table.rows {
            let row_label = t.row(&row.id).map_or("", |r| r.label.as_str());
            for cell in &row.cells {
                let col_label = t.column(&cell.col).map_or("", |c| c.label.as_str());
                let (value, candidates) = match &cell.content {
                    CellContent::Value(v) => (v.clone(), String::new()),
                    CellContent::Ambiguous(c) => (String::new(), c.join(" ")),
                    _ => (String::new(), String::new()),
                };
                out.push([
                    head[0].clone(),
                    head[1].clone(),
                    head[2].clone(),
                    head[3].clone(),
                    head[4].clone(),
                    head[5].clone(),
                    table.id.clone(),
                    row.id.clone(),
                    cell.col.clone(),
                    row_label.to_string(),
                    col_label.to_string(),
                    value,
                    cell.unit.clone().unwrap_or_default(),
                    cell.content.status().unwrap_or("").to_string(),
                    candidates,
                    cell.src.map(|s| s.to_string()).unwrap_or_default(),
                ]);
            }
        }
    }
    out
}

/// The tidy table as `export --format csv` writes it: the header, then the rows.
pub fn tidy_csv(rows: &[TidyRow], bom: bool) -> io::Result<Vec<u8>> {
    let header: Vec<String> = COLUMNS.iter().map(|s| s.to_string()).collect();
    let mut bytes = Vec::new();
    write_csv(&mut bytes, &header, rows.iter().map(|r| r.to_vec()), bom)?;
    Ok(bytes)
}

/// A cell of the wide table: its table, row and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WideColumn<'t> {
    pub table: &'t str,
    pub row: &'t str,
    pub col: &'t str,
}

impl WideColumn<'_> {
    /// The column's header: `row/col`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.row, self.col)
    }
}

/// Every cell of every template, once, in template order: the wide table's columns.
pub fn wide_columns(t: &Templates) -> Vec<WideColumn<'_>> {
    let mut cols: Vec<WideColumn<'_>> = Vec::new();
    for tpl in &t.templates {
        for table in &tpl.tables {
            for (row, block) in table.rows() {
                for col in &block.cols {
                    let cell = WideColumn {
                        table: &table.id,
                        row,
                        col,
                    };
                    if !cols.contains(&cell) {
                        cols.push(cell);
                    }
                }
            }
        }
    }
    cols
}

/// One row per report: its fields, then each cell's value (empty when it has none).
pub fn wide_rows(reports: &[Loaded], t: &Templates) -> (Vec<String>, Vec<Vec<String>>) {
    let keys = wide_columns(t);
    let mut header: Vec<String> = COLUMNS[..REPORT_COLUMNS]
        .iter()
        .map(|s| s.to_string())
        .collect();
    header.extend(keys.iter().map(WideColumn::key));
    let rows = reports
        .iter()
        .map(|loaded| {
            let r = &loaded.report;
            let mut row: Vec<String> = report_fields(r).to_vec();
            row.extend(keys.iter().map(|key| {
                r.standard_table(key.table)
                    .and_then(|t| t.cell(key.row, key.col))
                    .and_then(|c| c.value())
                    .unwrap_or("")
                    .to_string()
            }));
            row
        })
        .collect();
    (header, rows)
}

/// RFC 4180 CSV (CRLF line ends, quotes only where needed), UTF-8, a BOM on request.
pub fn write_csv<W: Write>(
    out: W,
    header: &[String],
    rows: impl IntoIterator<Item = Vec<String>>,
    bom: bool,
) -> io::Result<()> {
    let mut out = out;
    if bom {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(header)?;
    for row in rows {
        w.write_record(&row)?;
    }
    w.flush()
}

/// The tidy rows as a JSON array of objects with the CSV's keys, in the CSV's order; an
/// empty field is null, the year a number.
pub fn write_json<W: Write>(mut out: W, rows: &[TidyRow]) -> io::Result<()> {
    out.write_all(b"[")?;
    for (i, row) in rows.iter().enumerate() {
        out.write_all(if i == 0 { b"\n{" } else { b",\n{" })?;
        for (k, (name, value)) in COLUMNS.iter().zip(row).enumerate() {
            if k > 0 {
                out.write_all(b",")?;
            }
            let json = if value.is_empty() {
                "null".to_string()
            } else if *name == "year" {
                value.clone()
            } else {
                serde_json::to_string(value)?
            };
            write!(out, "\"{name}\":{json}")?;
        }
        out.write_all(b"}")?;
    }
    out.write_all(b"\n]\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_columns_cover_both_templates_once() {
        let t = Templates::builtin();
        let cols: Vec<String> = wide_columns(&t).iter().map(WideColumn::key).collect();
        // v2019: 22 + 161 + 15; v2021 adds the 7 t2 cells it does not share (issued,
        // repealed, in_force for two rows; the fee) and its 3 × 7 （六） sub-row cells.
        assert_eq!(cols.len(), 22 + 161 + 15 + 7 + 21);
        assert_eq!(cols[0], "t2.row.regulations/t2.col.newly_made");
        let unique: std::collections::BTreeSet<&String> = cols.iter().collect();
        assert_eq!(unique.len(), cols.len());
    }

    #[test]
    fn csv_quotes_only_what_needs_it_and_ends_lines_with_crlf() {
        let mut out = Vec::new();
        let header = vec!["a".to_string(), "b".to_string()];
        write_csv(
            &mut out,
            &header,
            vec![
                vec!["x,y".into(), "say \"hi\"".into()],
                vec!["规章".into(), "".into()],
            ],
            true,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\u{feff}a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n规章,\r\n"
        );
    }
}

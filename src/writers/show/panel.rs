//! Each cell's source panel: what was read and what the original printed, where, and
//! what is said about the cell (failed rules, the reader's diagnostics of its row, the
//! sentences stating it). The panels are written with the page, hidden; a click on a
//! cell (or focusing it) shows its panel, and without JavaScript the cell's link does
//! (`:target`).

use std::fmt::Write;

use crate::checks::template_of;
use crate::model::{Cell, CellContent, Location, Src, Via};

use super::{esc, labels, Cells};

pub(super) fn panels(h: &mut String, cells: &Cells<'_>) {
    let Some(tpl) = template_of(cells.report, cells.templates) else {
        return;
    };
    // The close mark is a link to no element, so that without JavaScript it closes the
    // panel opened by the address (`:target`) too.
    h.push_str("<aside id=\"sources\" aria-label=\"单元格来源\" aria-live=\"polite\">\n<a class=\"close\" href=\"#closed\" role=\"button\" title=\"关闭（Esc）\">×</a>\n");
    for tt in &tpl.tables {
        let Some(table) = cells.report.standard_table(&tt.id) else {
            continue;
        };
        for row in &table.rows {
            for cell in &row.cells {
                panel(h, cells, &row.id, cell);
            }
        }
    }
    if let Some(printed) = cells.printed {
        printed.defs(h);
    }
    h.push_str("</aside>\n");
}

fn panel(h: &mut String, cells: &Cells<'_>, row: &str, cell: &Cell) {
    let t = cells.templates;
    let key = format!("{row}/{}", cell.col);
    let label = |id: &str| labels::part(t, id).unwrap_or_else(|| id.to_string());
    let _ = writeln!(
        h,
        "<section class=\"src\" id=\"src-{}\" hidden>\n<h3>{} · {}</h3>",
        esc(&key),
        esc(&label(row)),
        esc(&label(&cell.col)),
    );
    let absent = cells.marks.absent.iter().find(|(a, _)| a == row);
    let read = match (&cell.content, absent) {
        (_, Some((_, instead))) => format!("本报告无此行（原件将“{}”印作一行）", esc(instead)),
        (CellContent::Value(v), _) => format!(
            "<b>{}{}</b>",
            esc(v),
            esc(cell.unit.as_deref().unwrap_or(""))
        ),
        (CellContent::Blank, _) => "空白（原件此格未填数字）".to_string(),
        (CellContent::Ambiguous(c), _) => format!(
            "模糊：可能是 {}（未能确定，不予猜测）",
            c.iter().map(|v| esc(v)).collect::<Vec<_>>().join(" 或 ")
        ),
        (CellContent::Missing, _) => "缺失：原件中没有，或无法读取".to_string(),
    };
    let _ = write!(h, "<p>读取：<span class=\"read\">{read}</span>");
    if let Some(printed) = printed(cell) {
        let _ = write!(
            h,
            "　原件印作：<code class=\"printed\">{}</code>",
            esc(printed)
        );
    }
    let _ = writeln!(
        h,
        "　原件位置：<span class=\"where\">{}</span></p>",
        place(cell)
    );
    if let (Some(printed), Some(src)) = (cells.printed, cell.src) {
        if let Some(excerpt) = printed.excerpt(cell, src) {
            h.push_str(&excerpt);
            h.push('\n');
        }
    }
    about(h, cells, &key, row);
    h.push_str("</section>\n");
}

/// Where the cell was printed, in words; its `src` in the title.
fn place(cell: &Cell) -> String {
    let Some(src) = cell.src else {
        return match cell.content {
            CellContent::Missing => "原件中未找到".to_string(),
            _ => "未记录（读取时没有记下来源位置）".to_string(),
        };
    };
    let words = match src {
        Src::Lines { first, last } if first == last => format!("第 {first} 行"),
        Src::Lines { first, last } => format!("第 {first}–{last} 行"),
        Src::Element { table, row, cell } => {
            format!("第 {table} 个表格，第 {row} 行，第 {cell} 格")
        }
        Src::Area { page, .. } => {
            // The box as `src` writes it: `p2 71.5 340.0 118.2 352.4`.
            let written = src.to_string();
            match written.split(' ').skip(1).collect::<Vec<_>>()[..] {
                [x0, y0, x1, y1] => format!("第 {page} 页，({x0}, {y0})–({x1}, {y1}) 点"),
                _ => written,
            }
        }
    };
    let read = match (cell.via, cell.confidence) {
        (Some(via), Some(c)) => format!("（{}，置信度 {c}）", via_name(via)),
        (Some(via), None) => format!("（{}）", via_name(via)),
        _ => String::new(),
    };
    format!(
        "<span title=\"{}\">{words}</span>{read}",
        esc(&src.to_string())
    )
}

fn via_name(via: Via) -> &'static str {
    match via {
        Via::Ocr => "OCR 识别",
    }
}

/// What the original printed for the cell: its own text where it differs from the value,
/// else the value as written.
fn printed(cell: &Cell) -> Option<&str> {
    cell.raw.as_deref().or(cell.value())
}

/// The failed rules reading the cell, the diagnostics of the cell or its row, and the
/// sentences of the text stating it.
fn about(h: &mut String, cells: &Cells<'_>, key: &str, row: &str) {
    let t = cells.templates;
    let mut items = Vec::new();
    for f in cells.marks.flagged.get(key).into_iter().flatten() {
        items.push(format!(
            "<li class=\"{}\"><b title=\"{}\">{}</b>：{}</li>",
            if f.soft { "warn" } else { "fail" },
            esc(&f.rule),
            esc(labels::rule(&f.rule)),
            labels::message(t, &f.description)
        ));
    }
    for d in &cells.report.diagnostics {
        let concerns = match &d.location {
            Location::Row { row: r, .. } => r == row,
            Location::Cell(c) => c.row == row && key.ends_with(&format!("/{}", c.col)),
            Location::Cells { cells } => {
                cells.iter().any(|c| format!("{}/{}", c.row, c.col) == key)
            }
            _ => false,
        };
        if concerns {
            items.push(format!(
                "<li class=\"{}\"><b title=\"{}\">{}</b>：{}</li>",
                d.level.as_str(),
                esc(&d.code),
                esc(labels::diagnostic(&d.code)),
                labels::message(t, &d.message)
            ));
        }
    }
    for n in cells.statements {
        if t.narrative_rules[n.index].cells.iter().any(|c| c == key) {
            items.push(format!(
                "<li class=\"stated\"><a href=\"#vs-{}\">正文提到此数：{}</a></li>",
                n.index,
                esc(&n.stated)
            ));
        }
    }
    if !items.is_empty() {
        let _ = writeln!(h, "<ul class=\"about\">\n{}\n</ul>", items.join("\n"));
    }
}

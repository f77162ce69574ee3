//! What a reader of the pages reads, in the reports' language: the names of rules,
//! diagnostics, formats and places. Ids stay in `title` attributes for those who script
//! against them; an id these do not know (a local template's rule, a newer diagnostic)
//! is shown as it is.

use crate::model::{Level, Location};
use crate::template::Templates;

use super::esc;

/// A rule's name for people.
pub fn rule(id: &str) -> &str {
    match id {
        "R-T3-BALANCE" => "申请数收支平衡",
        "R-T3-RESULTS" => "办理结果合计",
        "R-T3-ROWSUM" => "各类申请人合计",
        "R-T4-SUM" => "复议诉讼结果合计",
        "R-T2-CHANGE-SIGN" => "仅增减栏可为负数",
        "R-NARRATIVE" => "正文数字与表格一致",
        "R-X-CARRY" => "上年结转与上年报告一致",
        other => other,
    }
}

/// A diagnostic's code for people.
pub fn diagnostic(code: &str) -> &str {
    match code {
        "attributes-dropped" => "已忽略的属性",
        "charset-overruled" => "字符集声明有误，已按实际编码读取",
        "chrome-dropped" => "已删除网页杂项",
        "columns-cut" => "被页面截断的列",
        "encoding" => "字符编码",
        "image-not-read" => "未读取的图片",
        "image-pdf-inline" => "未读取的内嵌图像",
        "image-too-many" => "图像过多，部分未读取",
        "image-pages-skipped" => "图像页过多，其余页未读取",
        "image-pdf-turned" => "旋转的图像页",
        "image-pdf-unread" => "无法读取的图像",
        "issuer-missing" => "未识别发布机关",
        "malformed-bytes" => "损坏的字节",
        "nesting-flattened" => "嵌套过深，已展平",
        "no-standard-tables" => "未找到标准表格",
        "ocr-ambiguous" => "OCR 读数不唯一",
        "ocr-corrected" => "OCR 读数经规则更正",
        "ocr-kept-as-printed" => "OCR 读数按原样保留（原表不平）",
        "ocr-rejected" => "OCR 读数被规则否定",
        "ofd-composite-missing" => "OFD 复合图元缺失",
        "ofd-documents-skipped" => "跳过的 OFD 文档",
        "ofd-estimated-advances" => "OFD 字宽为估计值",
        "ofd-font-missing" => "OFD 字体缺失",
        "ofd-image-missing" => "OFD 图像缺失",
        "ofd-image-page" => "OFD 图像页（未识别）",
        "ofd-namespace" => "OFD 命名空间",
        "ofd-objects-skipped" => "跳过的 OFD 图元",
        "ofd-page-cut" => "OFD 页面内容超出页边",
        "ofd-pages-skipped" => "跳过的 OFD 页",
        "ofd-signature-unreadable" => "OFD 签章无法读取",
        "ofd-signed" => "OFD 带签章（未验证）",
        "ofd-template-missing" => "OFD 模板页缺失",
        "ofd-unmapped-glyphs" => "OFD 字形无法对应文字",
        "pdf-decrypted" => "PDF 已解密",
        "pdf-font" => "PDF 字体问题",
        "pdf-images-not-read" => "PDF 中的图像未读取",
        "pdf-page" => "PDF 页面问题",
        "pdf-pages-skipped" => "跳过的 PDF 页",
        "pdf-radicals" => "PDF 部首字符已替换",
        "pdf-repaired" => "PDF 已修复",
        "pdf-unmapped-glyphs" => "PDF 字形无法对应文字",
        "resolved-by-prose" => "依正文数字确定",
        "row-by-columns" => "按列位置读取的行",
        "row-by-sign" => "按正负号定位的行",
        "row-by-position" => "按位置确定的行",
        "row-cut-off" => "被截断的行",
        "row-not-found" => "未找到的行",
        "row-printed-empty" => "只印行名的空行",
        "row-repeated" => "重复的行",
        "row-unreadable" => "无法读取的行",
        "rows-unplaced" => "未能放置的行",
        "rule-failed" => "规则未通过",
        "single-row-variant" => "合并为一行的印法",
        "split-ambiguous" => "连写数字拆分不唯一",
        "split-rejected" => "连写数字拆分被否定",
        "split-settled" => "连写数字拆分已确定",
        "split-too-many" => "连写数字拆分过多",
        "table-not-found" => "未找到表格",
        "template-from-t3" => "按表三判定模板",
        "template-from-year" => "按年度判定模板",
        "unit-from-header" => "单位取自表头",
        "value-recovered" => "已恢复的数值",
        "values-unplaced" => "未能放置的数值",
        "year-from-text" => "年度取自正文",
        other => other,
    }
}

pub fn level(level: Level) -> &'static str {
    match level {
        Level::Info => "说明",
        Level::Warning => "警告",
        Level::Error => "错误",
    }
}

/// A media type as a format's short name.
pub fn format(media_type: &str) -> &str {
    match media_type {
        "text/plain" => "文本",
        "text/html" => "HTML",
        "application/pdf" => "PDF",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "DOCX",
        "application/vnd.oasis.opendocument.text" => "ODT",
        "application/ofd" => "OFD",
        other => other,
    }
}

/// A field of `<meta>` by its Chinese name.
fn meta_field(field: &str) -> &str {
    match field {
        "title" => "标题",
        "issuer" => "发布机关",
        "year" => "年度",
        "published" => "发布日期",
        "template" => "模板",
        other => other,
    }
}

/// A row's label, a column's label, a table's heading: what the report prints for the id.
pub fn part(t: &Templates, id: &str) -> Option<String> {
    if let Some(r) = t.row(id) {
        return Some(r.label.clone());
    }
    if let Some(c) = t.column(id) {
        return Some(c.label.clone());
    }
    let table = t
        .templates
        .iter()
        .flat_map(|tp| &tp.tables)
        .find(|tt| tt.id == id)?;
    t.sections
        .iter()
        .find(|s| s.id == table.section)
        .map(|s| s.heading.clone())
}

/// An id as its label, the id in the title; as written when no label is known.
pub fn named(t: &Templates, id: &str) -> String {
    match part(t, id) {
        Some(label) => format!("<span title=\"{}\">{}</span>", esc(id), esc(&label)),
        None => esc(id),
    }
}

/// A cell by its row's and column's labels.
pub fn cell(t: &Templates, row: &str, col: &str) -> String {
    format!("{} · {}", named(t, row), named(t, col))
}

/// Where a location points, for people (HTML).
pub fn location(t: &Templates, at: &Location) -> String {
    match at {
        Location::Input => "原件".into(),
        Location::Report => "整份报告".into(),
        Location::Meta { field } => format!(
            "<span title=\"meta/{}\">{}</span>",
            esc(field),
            esc(meta_field(field))
        ),
        Location::Page { page } => format!("第 {page} 页"),
        Location::Table { table } => named(t, table),
        Location::Row { row, .. } => named(t, row),
        Location::Column { col, .. } => named(t, col),
        Location::Cell(c) => cell(t, &c.row, &c.col),
        Location::Cells { cells } => cells
            .iter()
            .map(|c| cell(t, &c.row, &c.col))
            .collect::<Vec<_>>()
            .join(" ＋ "),
        Location::Other { text } => esc(text),
    }
}

/// A message with the ids in it (`t3.row.partial`) shown as their labels (HTML).
pub fn message(t: &Templates, text: &str) -> String {
    static ID: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\bt[0-9]+(?:\.(?:row|col)(?:\.[a-z0-9_]+)+)?\b").expect("valid")
    });
    let mut out = String::new();
    let mut last = 0;
    for m in ID.find_iter(text) {
        out.push_str(&esc(&text[last..m.start()]));
        out.push_str(&named(t, m.as_str()));
        last = m.end();
    }
    out.push_str(&esc(&text[last..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_messages_become_labels_with_the_id_in_the_title() {
        let t = Templates::builtin();
        assert_eq!(
            message(&t, "t3.row.partial has no label; t9.row.x stays"),
            "<span title=\"t3.row.partial\">（二）部分公开（区分处理的，只计这一情形，不计其他情形）</span> has no label; t9.row.x stays"
        );
        assert_eq!(
            location(&t, &Location::cell("t4", "t4.row.cases", "t4.col.review.total")),
            "<span title=\"t4.row.cases\">行政复议、行政诉讼</span> · <span title=\"t4.col.review.total\">行政复议 总计</span>"
        );
    }

    /// Every code the source writes a diagnostic with (`Level::…, "code"`, or a reader's
    /// `warn`/`note`/`info` helper) has a name here: a reader of the page never sees an id.
    #[test]
    fn every_diagnostic_code_written_has_a_name() {
        let written = regex::Regex::new(
            r#"(?:Level::(?:Info|Warning|Error)\s*,|\b(?:warn|note|info)\()\s*"([a-z0-9]+(?:-[a-z0-9]+)+)""#,
        )
        .unwrap();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut unnamed = std::collections::BTreeSet::new();
        let mut seen = 0;
        for entry in walkdir::WalkDir::new(&src) {
            let path = entry.unwrap().into_path();
            if path.extension().is_none_or(|e| e != "rs")
                || path.starts_with(src.join("writers/show"))
            {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for c in written.captures_iter(&text) {
                seen += 1;
                if diagnostic(&c[1]) == &c[1] {
                    unnamed.insert(c[1].to_string());
                }
            }
        }
        assert!(seen > 40, "the pattern finds the codes ({seen})");
        assert!(unnamed.is_empty(), "codes without a name: {unnamed:?}");
    }
}

//! Which template a report follows (spec §1.1, §8 step 7): t2's column headers tell it;
//! without them the year; without a year the shape of t3's （六）其他处理 — split into
//! three rows (不补正, 缴纳费用, 其他) since 2021, one row before.

mod util;

use gongkai::input::Input;
use gongkai::ExtractOptions;
use util::{cells_of, root};

/// The synthetic 2024 report from its t3 on: no t2, no year.
fn without_t2_and_year() -> String {
    let text =
        std::fs::read_to_string(root().join("golden/synthetic-2024-pipe-rows/input.txt")).unwrap();
    let t3 = text.find("三、收到和处理").unwrap();
    let rest = &text[t3..];
    assert!(!rest.contains("2024") && !rest.contains("第二十条"));
    rest.to_string()
}

/// The same t3 with （六） as the single row of the 2019 form.
fn with_one_other_row(text: &str) -> String {
    let start = text.find("（六）其他处理").unwrap();
    let end = text.find("（七）总计").unwrap();
    assert_eq!(text[start..end].lines().count(), 3);
    format!(
        "{}（六）其他处理 | 6 | 1 | 0 | 0 | 0 | 0 | 7 |\n{}",
        &text[..start],
        &text[end..]
    )
}

/// The template, the diagnostics that tell how it was chosen, and the cells.
fn read(
    text: &str,
) -> (
    String,
    Vec<String>,
    std::collections::BTreeMap<String, serde_json::Value>,
) {
    let input = Input::new("report.txt", text.as_bytes().to_vec());
    let report = gongkai::extract(&input, &ExtractOptions::default()).unwrap();
    let how = report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("template-from"))
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    (
        report.meta.template_name().to_string(),
        how,
        cells_of(&report),
    )
}

#[test]
fn without_t2_or_year_the_split_other_rows_say_v2021() {
    let (template, how, cells) = read(&without_t2_and_year());
    assert_eq!(template, "v2021");
    assert_eq!(
        how,
        ["template-from-t3: neither the t2 headers nor the year tell the version; t3's （六） rows suggest v2021"]
    );
    assert_eq!(
        cells["t3|t3.row.other.no_correction|t3.col.total"],
        serde_json::json!("6")
    );
    assert_eq!(
        cells["t3|t3.row.other.misc|t3.col.total"],
        serde_json::json!("1")
    );
    // Either of the split rows tells it: here the second says 缴费 for 缴纳费用.
    let (template, _, _) = read(&without_t2_and_year().replace("缴纳费用", "缴费"));
    assert_eq!(template, "v2021");
}

#[test]
fn without_t2_or_year_a_single_other_row_says_v2019() {
    let (template, how, cells) = read(&with_one_other_row(&without_t2_and_year()));
    assert_eq!(template, "v2019");
    assert_eq!(
        how,
        ["template-from-t3: neither the t2 headers nor the year tell the version; t3's （六） rows suggest v2019"]
    );
    assert_eq!(
        cells["t3|t3.row.other|t3.col.total"],
        serde_json::json!("7")
    );
    assert_eq!(
        cells["t3|t3.row.results_total|t3.col.total"],
        serde_json::json!("37")
    );
}

/// The year is asked before t3's rows: a 2020 report is v2019 whatever its （六）.
#[test]
fn the_year_decides_before_the_other_rows() {
    let text = format!(
        "示例区2020年政府信息公开工作年度报告\n{}",
        without_t2_and_year()
    );
    let (template, how, _) = read(&text);
    assert_eq!(template, "v2019");
    assert_eq!(
        how,
        ["template-from-year: the t2 headers do not tell the version; v2019 applies to 2020 reports"]
    );
    let text = format!(
        "示例区2022年政府信息公开工作年度报告\n{}",
        with_one_other_row(&without_t2_and_year())
    );
    let (template, how, _) = read(&text);
    assert_eq!(template, "v2021");
    assert_eq!(
        how,
        ["template-from-year: the t2 headers do not tell the version; v2021 applies to 2022 reports"]
    );
}

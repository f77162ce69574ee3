//! Templates are data: a template file given with `--templates` is read instead of the
//! built-in `schemas/templates.toml`, and a new template year needs no code. The made-up
//! year of tests/data/templates (README there) is read, checked and given its schema; a
//! broken file is refused naming the line it is wrong on.

mod util;

use std::path::{Path, PathBuf};

use util::{cells_of, root, run};

fn data(name: &str) -> PathBuf {
    root().join("tests/data/templates").join(name)
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The made-up report read with the made-up template file.
fn extract_v2025(report: &Path) -> gongkai::model::Report {
    let out = run(&[
        "extract",
        "--templates",
        arg(&data("v2025.toml")),
        arg(report),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    gongkai::writers::xml::from_bytes(&out.stdout).unwrap()
}

#[test]
fn a_made_up_template_year_reads_its_report_without_code_changes() {
    let report = extract_v2025(&data("report-v2025.txt"));
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data("report-v2025.truth.json")).unwrap())
            .unwrap();
    assert_eq!(report.meta.template_name(), truth["template"]);
    assert_eq!(report.meta.year, Some(2025));
    assert_eq!(report.meta.issuer.as_deref(), truth["issuer"].as_str());
    // Every cell by its id, the renamed row (四、转入下一年度办理) and the extra column
    // (t2.col.amended) among them, and no other.
    let want: std::collections::BTreeMap<String, serde_json::Value> =
        serde_json::from_value(truth["cells"].clone()).unwrap();
    assert_eq!(cells_of(&report), want);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    // The file's rules, each instantiated over its tables and all holding.
    let checks: Vec<(&str, String, &str)> = report
        .checks
        .iter()
        .map(|c| (c.rule.as_str(), c.subject.to_string(), c.result.as_str()))
        .collect();
    let count = |rule: &str| checks.iter().filter(|(r, _, _)| *r == rule).count();
    assert_eq!(count("R-T3-BALANCE"), 3, "one per t3 column: {checks:?}");
    assert_eq!(count("R-T3-RESULTS"), 3);
    assert_eq!(count("R-T3-ROWSUM"), 8, "one per t3 row");
    assert_eq!(count("R-T4-SUM"), 1);
    assert_eq!(count("R-T2-CHANGE-SIGN"), 3, "one per table");
    assert_eq!(count("R-NARRATIVE"), 1, "the overview states 12 requests");
    assert_eq!(checks.len(), 19);
    assert!(checks.iter().all(|(_, _, r)| *r == "pass"), "{checks:?}");
}

/// The built-in templates know neither the renamed row nor the extra column: what the
/// made-up file reads comes from the file.
#[test]
fn the_built_in_templates_do_not_read_the_made_up_year() {
    let out = run(&["extract", arg(&data("report-v2025.txt"))]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = gongkai::writers::xml::from_bytes(&out.stdout).unwrap();
    assert_eq!(report.meta.template_name(), "v2021");
    let cells = cells_of(&report);
    assert_eq!(
        cells["t3|t3.row.carried_forward|t3.col.total"],
        serde_json::json!("missing")
    );
    assert!(!cells.keys().any(|k| k.contains("t2.col.amended")));
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == "row-not-found" && d.location.to_string() == "t3.row.carried_forward"));
}

#[test]
fn check_applies_the_made_up_rules_and_names_the_made_up_rows() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(data("report-v2025.txt")).unwrap();
    let broken = text.replace(
        "四、转入下一年度办理 | 2 | 0 | 2 |",
        "四、转入下一年度办理 | 3 | 0 | 3 |",
    );
    assert_ne!(broken, text);
    let path = dir.path().join("report-v2025.txt");
    std::fs::write(&path, broken).unwrap();
    let out = run(&["check", "--templates", arg(&data("v2025.toml")), arg(&path)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let said = String::from_utf8(out.stdout).unwrap();
    let fails: Vec<&str> = said.lines().filter(|l| l.contains("FAIL")).collect();
    assert_eq!(
        fails,
        [
            "  FAIL R-T3-BALANCE 自然人: 一+二 = 10+1 = 11, 三+四 = 9+3 = 12",
            "  FAIL R-T3-BALANCE 总计: 一+二 = 12+1 = 13, 三+四 = 11+3 = 14",
        ],
        "{said}"
    );
}

#[test]
fn the_made_up_schema_validates_the_made_up_report_and_the_built_in_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("report.xml");
    let out = run(&[
        "extract",
        "--templates",
        arg(&data("v2025.toml")),
        arg(&data("report-v2025.txt")),
        "-o",
        arg(&xml),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let xsd = dir.path().join("v2025.xsd");
    let out = run(&["schema", "--templates", arg(&data("v2025.toml"))]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(&xsd, &out.stdout).unwrap();
    let xmllint = |schema: &Path| {
        std::process::Command::new("xmllint")
            .args(["--noout", "--schema", arg(schema), arg(&xml)])
            .output()
            .expect("xmllint is needed (apt-get install libxml2-utils)")
    };
    let made_up = xmllint(&xsd);
    assert!(made_up.status.success(), "{}", stderr(&made_up));
    let built_in = xmllint(&root().join("schemas/report.xsd"));
    assert!(!built_in.status.success());
    assert!(stderr(&built_in).contains("v2025"), "{}", stderr(&built_in));
}

#[test]
fn the_schema_of_the_built_in_file_is_the_committed_schema() {
    let committed = std::fs::read(root().join("schemas/report.xsd")).unwrap();
    let out = run(&[
        "schema",
        "--templates",
        arg(&root().join("schemas/templates.toml")),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        out.stdout == committed,
        "schema --templates schemas/templates.toml differs"
    );
    assert!(run(&["schema"]).stdout == committed);
}

/// The 1-based line of the first line of `text` holding `needle`.
fn line_holding(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn a_bad_template_file_is_refused_naming_the_file_and_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(data("v2025.toml")).unwrap();
    let report = data("report-v2025.txt");
    let out_dir = dir.path().join("out");
    let cases = [
        // An id the file does not define.
        (
            "\"t3.row.denied\", \"t3.row.other\"",
            "\"t3.row.refused\", \"t3.row.other\"",
            "t3.row.refused",
            "unknown row t3.row.refused",
        ),
        // Not TOML.
        (
            "heading = \"一、总体情况\"",
            "heading = \"一、总体情况",
            "heading = \"一、总体情况",
            "invalid basic string",
        ),
        // A key the form does not have.
        (
            "rows_by = \"position\"",
            "rows_by = \"positon\"",
            "positon",
            "unknown variant `positon`",
        ),
    ];
    for (from, to, on, message) in cases {
        assert!(good.contains(from), "{from}");
        let bad = good.replacen(from, to, 1);
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, &bad).unwrap();
        let line = line_holding(&bad, on);
        let prefix = format!("gongkai: {}: line {line}: ", path.display());
        for args in [
            vec!["extract", "--templates", arg(&path), arg(&report)],
            vec![
                "convert",
                "--templates",
                arg(&path),
                arg(&report),
                "-o",
                arg(&out_dir),
            ],
            vec!["schema", "--templates", arg(&path)],
        ] {
            let out = run(&args);
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert!(out.stdout.is_empty(), "{args:?}");
            let err = stderr(&out);
            assert!(err.starts_with(&prefix), "{args:?}: {err}");
            assert!(err.contains(message), "{args:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }
        assert!(
            !out_dir.exists(),
            "nothing converted with a bad template file"
        );
    }
    let missing = dir.path().join("absent.toml");
    let out = run(&["schema", "--templates", arg(&missing)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with(&format!("gongkai: {}: cannot read: ", missing.display())));
}

#[test]
fn the_review_page_lays_out_the_made_up_tables() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    let out = run(&[
        "show",
        "--templates",
        arg(&data("v2025.toml")),
        arg(&data("report-v2025.txt")),
        "-o",
        arg(&page),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = std::fs::read_to_string(page).unwrap();
    // The file's header, its label columns (two: the group and the row) and its rows.
    assert!(page.contains("<th rowspan=\"2\" colspan=\"2\">（本列数据的勾稽关系为"));
    assert!(page.contains(
        "<tr id=\"t3.row.granted\"><th rowspan=\"5\">三、本年度办理结果</th><th colspan=\"1\">（一）予以公开</th>"
    ));
    assert!(page
        .contains("<tr id=\"t3.row.carried_forward\"><th colspan=\"2\">四、转入下一年度办理</th>"));
    assert!(page.contains("<th title=\"t2.col.amended\">本年修订件数</th>"));
    assert!(page.contains("规则：通过 19 条，未通过 0 条"));
}

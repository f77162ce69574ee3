//! Clean data out, end to end: `export` (golden CSV/JSON, read back by Python's csv
//! module), `check` (messages, exit codes, cross-year rules) and `show` (pages rendered by
//! headless Chromium).
//!
//! GONGKAI_BLESS=1 rewrites the golden exports: review the diff.

mod util;

use std::path::{Path, PathBuf};
use std::process::Command;

use gongkai::model::{CellContent, Report, Table};
use util::{cases, root, run};

fn expected_xmls() -> Vec<String> {
    cases()
        .iter()
        .map(|c| c.join("expected.xml").to_string_lossy().into_owned())
        .collect()
}

fn args<'a>(head: &[&'a str], files: &'a [String]) -> Vec<&'a str> {
    let mut v = head.to_vec();
    v.extend(files.iter().map(String::as_str));
    v
}

fn golden_file(name: &str, got: &[u8]) {
    let path = root().join("golden").join(name);
    if util::bless() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read(&path)
        .unwrap_or_else(|_| panic!("{} missing: run with GONGKAI_BLESS=1", path.display()));
    assert!(
        got == want.as_slice(),
        "{name} differs from the golden export"
    );
}

fn reports() -> Vec<Report> {
    expected_xmls()
        .iter()
        .map(|p| gongkai::writers::xml::from_bytes(&std::fs::read(p).unwrap()).unwrap())
        .collect()
}

/// The real reports of the corpus, each in its first form.
const CORPUS: [&str; 6] = [
    "meilie-2020-pipe",
    "pingtan-2019-glued",
    "kewei-2024-md",
    "chibi-2020-excerpt",
    "shanghai-2019-cms-body",
    "hongze-2023-layout",
];

#[test]
fn exports_of_the_corpus_match_byte_for_byte() {
    let files: Vec<String> = CORPUS
        .iter()
        .map(|c| {
            root()
                .join("golden")
                .join(c)
                .join("expected.xml")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    for (name, head) in [
        ("export-cells.csv", &["export", "--format", "csv"][..]),
        ("export-cells.json", &["export", "--format", "json"]),
        ("export-wide.csv", &["export", "--wide"]),
    ] {
        let out = run(&args(head, &files));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        golden_file(name, &out.stdout);
    }
}

#[test]
fn python_reads_the_csv_and_finds_the_cells_of_the_xml() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("cells.csv");
    let files = expected_xmls();
    let out = run(&args(
        &["export", "--bom", "-o", csv.to_str().unwrap()],
        &files,
    ));
    assert_eq!(out.status.code(), Some(0));
    let script = r#"
import csv, json, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.DictReader(f))
print(json.dumps({"header": list(rows[0].keys()), "rows": len(rows),
  "cells": {r["source_sha256"] + "|" + r["row"] + "|" + r["col"]: [r["value"], r["status"], r["row_label"], r["col_label"], r["unit"], r["candidates"], r["src"]] for r in rows}}))
"#;
    let py = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&csv)
        .output()
        .expect("python3 is needed (apt-get install python3)");
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    let got: serde_json::Value = serde_json::from_slice(&py.stdout).unwrap();
    assert_eq!(
        got["header"],
        serde_json::json!(gongkai::writers::export::COLUMNS)
    );
    // One row per standard cell of every distinct source.
    let mut seen = std::collections::BTreeSet::new();
    let mut expected_rows = 0;
    let mut checked = 0;
    for r in reports() {
        if !seen.insert(r.meta.source.sha256.clone()) {
            continue;
        }
        for t in &r.tables {
            let Table::Standard(t) = t else { continue };
            for row in &t.rows {
                for cell in &row.cells {
                    expected_rows += 1;
                    let key = format!("{}|{}|{}", r.meta.source.sha256, row.id, cell.col);
                    let csv_cell = &got["cells"][&key];
                    let (value, status) = match &cell.content {
                        CellContent::Value(v) => (v.as_str(), ""),
                        other => ("", other.status().unwrap()),
                    };
                    assert_eq!(csv_cell[0], value, "{key}");
                    assert_eq!(csv_cell[1], status, "{key}");
                    assert_eq!(csv_cell[4], cell.unit.clone().unwrap_or_default(), "{key}");
                    let src = cell.src.map(|s| s.to_string()).unwrap_or_default();
                    assert_eq!(csv_cell[6], src, "{key}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(got["rows"], expected_rows);
    assert!(checked > 3500, "{checked}");
    // A cell with a unit and one with candidates, read back by Python as written.
    let shanghai = "a163fe88fac470a499d50f84e776e04c1aa11084857f0156852a94f21610b74d|t2.row.central_procurement|t2.col.procurement_amount";
    assert_eq!(
        got["cells"][shanghai],
        serde_json::json!([
            "251000",
            "",
            "政府集中采购",
            "采购总金额",
            "元",
            "",
            "T1R18C3"
        ])
    );
    let pingtan = "b70a57fe0bc429d7c2a9353041b56b386c48aa3bdb031d45fdecf22322941a0f|t2.row.admin_fees|t2.col.prev_year_items";
    assert_eq!(
        got["cells"][pingtan],
        serde_json::json!([
            "",
            "ambiguous",
            "行政事业性收费",
            "上一年项目数量",
            "",
            "3 35",
            "L10"
        ])
    );
}

#[test]
fn export_extracts_originals_and_keeps_one_row_set_per_source() {
    // The original beside its XML: the XML is used, the original not extracted again.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("golden/meilie-2020-pipe/input.txt"),
        dir.path().join("meilie.txt"),
    )
    .unwrap();
    std::fs::copy(
        root().join("golden/meilie-2020-pipe/expected.xml"),
        dir.path().join("meilie.xml"),
    )
    .unwrap();
    std::fs::copy(
        root().join("golden/kewei-2024-md/input.md"),
        dir.path().join("kewei.md"),
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.txt"), b"").unwrap();
    let out = run(&["export", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "one input is unusable");
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.txt: empty input"));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1 + 198 + 200);
    assert!(text.contains(",kewei.md,2024年上海市科委政府信息公开工作年度报告,上海市科委,2024,v2021,t3,t3.row.new_requests,t3.col.natural_person,一、本年新收政府信息公开申请数量,自然人,32,,,,L102\r\n"));
}

fn check(paths: &[&str]) -> (Option<i32>, String) {
    let mut a = vec!["check"];
    a.extend_from_slice(paths);
    let out = run(&a);
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn check_names_failed_rules_with_their_cells_and_is_silent_on_passing_reports() {
    let hongze = root().join("golden/hongze-2023-layout/expected.xml");
    let meilie = root().join("golden/meilie-2020-pipe/expected.xml");
    let (code, out) = check(&[hongze.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(out.contains("  FAIL R-T4-SUM 行政复议 总计: 结果维持+结果纠正+其他结果+尚未审结 = 10+1+0+0 = 11, 总计 = 0\n"), "{out}");
    // Each cell the rule reads, where it was printed and as what.
    assert!(out.contains("\n    t4.row.cases/t4.col.review.total at L149 printed \"0\"\n    t4.row.cases/t4.col.review.upheld at L149 printed \"10\"\n"), "{out}");
    assert!(out.contains("  FAIL R-T4-SUM 行政诉讼 复议后起诉 总计: 结果维持+结果纠正+其他结果+尚未审结 = 5+0+0+0 = 5, 总计 = 0\n"));
    assert!(out.ends_with("1 report(s): 1 with failed rules (2 failures), 0 warning(s), 0 ambiguous and 0 missing cell(s)\n"));
    let (code, out) = check(&[meilie.to_str().unwrap()]);
    assert_eq!(code, Some(0));
    assert_eq!(out, "1 report(s): 0 with failed rules (0 failures), 0 warning(s), 0 ambiguous and 0 missing cell(s)\n");
    let (code, out) = check(&[meilie.to_str().unwrap(), "/no/such/report.xml"]);
    assert_eq!(code, Some(2));
    assert!(out.ends_with("; 1 input(s) unusable\n"));
}

/// A failed rule of a PDF names the page and box of each cell it reads, as printed, and
/// the place of a blank one.
#[test]
fn check_names_where_a_pdfs_failing_cells_were_printed() {
    let dir = tempfile::tempdir().unwrap();
    let xml =
        std::fs::read_to_string(root().join("golden/shanghai-2019-pdf-libreoffice/expected.xml"))
            .unwrap();
    let total = r#"<cell col="t3.col.total" src="p4 977.0 732.2 995.0 744.3">859</cell>"#;
    assert!(xml.contains(total));
    let path = dir.path().join("edited.xml");
    std::fs::write(
        &path,
        xml.replacen(total, &total.replace(">859<", ">858<"), 1),
    )
    .unwrap();
    let (code, out) = check(&[path.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    for line in [
        "  FAIL R-T3-ROWSUM 一: 自然人+商业企业+科研机构+社会公益组织+法律服务机构+其他 = 821+35+空+空+2+1 = 859, 总计 = 858\n",
        "    t3.row.new_requests/t3.col.total at p4 977.0 732.2 995.0 744.3 printed \"858\"\n",
        "    t3.row.new_requests/t3.col.natural_person at p4 654.9 732.2 673.0 744.3 printed \"821\"\n",
        "    t3.row.new_requests/t3.col.org_research at p4 736.5 727.9 789.3 762.4 blank\n",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
}

/// Only 本年增/减 may be negative (R-T2-CHANGE-SIGN): a fall there passes, a negative
/// count fails, named with its value.
#[test]
fn check_fails_a_negative_count_but_not_a_fall() {
    let dir = tempfile::tempdir().unwrap();
    let meilie =
        std::fs::read_to_string(root().join("golden/meilie-2020-pipe/expected.xml")).unwrap();
    let edited = |name: &str, from: &str, to: &str| {
        assert!(meilie.contains(from));
        let path = dir.path().join(name);
        std::fs::write(&path, meilie.replacen(from, to, 1)).unwrap();
        path.to_str().unwrap().to_string()
    };
    let fall = edited(
        "fall.xml",
        r#"<cell col="t2.col.change" src="L46">74<"#,
        r#"<cell col="t2.col.change" src="L46">-74<"#,
    );
    let (code, out) = check(&[&fall]);
    assert_eq!(code, Some(0), "{out}");
    let negative = edited(
        "negative.xml",
        r#"<cell col="t2.col.prev_year_items" src="L45">79<"#,
        r#"<cell col="t2.col.prev_year_items" src="L45">-79<"#,
    );
    let (code, out) = check(&[&negative]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(
            "  FAIL R-T2-CHANGE-SIGN 行政许可 上一年项目数量: -79, but only 本年增/减 may be negative\n"
        ),
        "{out}"
    );
    assert!(out.ends_with("1 report(s): 1 with failed rules (1 failures), 0 warning(s), 0 ambiguous and 0 missing cell(s)\n"));
}

#[test]
fn check_json_lists_failures_ambiguous_and_missing() {
    let out = run(&[
        "check",
        "--json",
        root()
            .join("golden/hongze-2023-layout-blanks/expected.xml")
            .to_str()
            .unwrap(),
        root()
            .join("golden/pingtan-2019-glued/expected.xml")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reports = v["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2);
    let pingtan = reports
        .iter()
        .find(|r| r["issuer"] == "平潭综合实验区")
        .unwrap();
    assert_eq!(pingtan["ambiguous"].as_array().unwrap().len(), 19);
    assert_eq!(pingtan["failed"].as_array().unwrap().len(), 0);
    let hongze = reports
        .iter()
        .find(|r| r["issuer"] == "洪泽区人民政府")
        .unwrap();
    assert_eq!(hongze["missing"].as_array().unwrap().len(), 63);
    assert_eq!(
        hongze["failed"][0]["cells"][0],
        "t4.row.cases/t4.col.review.total"
    );
    assert_eq!(
        hongze["failed"][0]["sources"][1],
        serde_json::json!({"cell": "t4.row.cases/t4.col.review.upheld", "src": "L149", "printed": "10", "status": null})
    );
    // Failures and diagnostics point at the table, row, column or cell by id.
    assert_eq!(
        hongze["failed"][0]["at"],
        serde_json::json!({"kind": "column", "table": "t4", "col": "t4.col.review.total"})
    );
    assert_eq!(hongze["failed"][0]["subject"], "t4.col.review.total");
    let diagnostics = hongze["diagnostics"].as_array().unwrap();
    let at = |code: &str| {
        diagnostics
            .iter()
            .find(|d| d["code"] == code)
            .map(|d| d["at"].clone())
            .unwrap_or_else(|| panic!("no {code}: {diagnostics:?}"))
    };
    assert_eq!(at("chrome-dropped"), serde_json::json!({"kind": "input"}));
    assert_eq!(
        at("single-row-variant"),
        serde_json::json!({"kind": "row", "table": "t3", "row": "t3.row.other"})
    );
    assert_eq!(
        at("rule-failed"),
        serde_json::json!({"kind": "column", "table": "t4", "col": "t4.col.review.total"})
    );
    assert!(diagnostics
        .iter()
        .all(|d| d["where"].is_string() && d["message"].is_string()));
}

/// The Pingtan 2019 report and a made-up 2020 one from its office, whose carried-over
/// requests do not match 2019's carried-forward ones.
fn two_years(dir: &Path) -> (PathBuf, PathBuf) {
    let bytes = std::fs::read(root().join("golden/pingtan-2019-glued/expected.xml")).unwrap();
    let y2019 = gongkai::writers::xml::from_bytes(&bytes).unwrap();
    let mut y2020 = y2019.clone();
    y2020.meta.year = Some(2020);
    y2020.meta.issuer = Some("平潭综合实验区管委会办公室".into());
    y2020.meta.source.sha256 = "0".repeat(64);
    y2020.meta.source.name = "pingtan-2020.txt".into();
    for t in &mut y2020.tables {
        if let Table::Standard(t) = t {
            if t.id == "t3" {
                let row = t
                    .rows
                    .iter_mut()
                    .find(|r| r.id == "t3.row.carried_over")
                    .unwrap();
                row.cells[0].content = CellContent::Value("3".into());
                row.cells[6].content = CellContent::Value("3".into());
            }
        }
    }
    let a = dir.join("2019.xml");
    let b = dir.join("2020.xml");
    std::fs::write(&a, &bytes).unwrap();
    std::fs::write(&b, gongkai::writers::xml::to_bytes(&y2020)).unwrap();
    (a, b)
}

#[test]
fn across_years_finds_carry_over_breaks_between_an_issuer_and_its_office() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_years(dir.path());
    let out = run(&[
        "check",
        "--across-years",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  WARN R-X-CARRY 平潭综合实验区 2019→2020 (input.txt → pingtan-2020.txt): 自然人: 2019 四 = 0, 2020 二 = 3\n"), "{text}");
    assert!(text.contains("  WARN R-X-CARRY 平潭综合实验区 2019→2020 (input.txt → pingtan-2020.txt): 总计: 2019 四 = 0, 2020 二 = 3\n"));
    // The made-up 2020 breaks R-T3-BALANCE on its own too; that is a failure, exit 1.
    assert_eq!(out.status.code(), Some(1));
    // Mapped to different keys, the two reports are no series.
    let map = dir.path().join("map.tsv");
    std::fs::write(
        &map,
        "# name\tkey\n平潭综合实验区管委会办公室\t平潭综合实验区管委会\n",
    )
    .unwrap();
    let out = run(&[
        "check",
        "--across-years",
        "--issuer-map",
        map.to_str().unwrap(),
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    assert!(!String::from_utf8(out.stdout).unwrap().contains("R-X-CARRY"));
}

fn chromium() -> Command {
    let profile = tempfile::tempdir().unwrap().keep();
    let mut c = Command::new("chromium");
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn review_pages_render_in_chromium_with_their_cells() {
    assert!(
        Command::new("chromium").arg("--version").output().is_ok(),
        "chromium is needed to render the review pages (apt-get install chromium)"
    );
    // Without a CJK font the screenshot is boxes and still a PNG: ask fontconfig.
    let cjk = Command::new("fc-list")
        .args([":lang=zh", "family"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    assert!(
        cjk.is_ok_and(|families| !families.is_empty()),
        "a Chinese font is needed to render the review pages (apt-get install fonts-noto-cjk)"
    );
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("hongze.html");
    let out = run(&[
        "show",
        root()
            .join("golden/hongze-2023-layout/expected.xml")
            .to_str()
            .unwrap(),
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = dir.path().join("hongze.png");
    let shot = chromium()
        .arg("--window-size=1200,2400")
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let png = std::fs::read(&png).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000);
    let dom = chromium()
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains(r##"data-cell="t3.row.new_requests/t3.col.natural_person" title=""><a href="#src-t3.row.new_requests/t3.col.natural_person">21</a></td>"##),
        "{dom}"
    );
    assert!(dom.contains(r#"<td class="value fail" id="t4.row.cases/t4.col.review.upheld" data-cell="t4.row.cases/t4.col.review.upheld""#));
    assert_eq!(dom.matches("data-cell=\"t3.").count(), 26 * 7);

    // A folder: pages and a sortable index linking them.
    let site = dir.path().join("site");
    let inputs = [
        root().join("golden/hongze-2023-layout/expected.xml"),
        root().join("golden/pingtan-2019-glued/expected.xml"),
    ];
    let out = run(&[
        "show",
        inputs[0].to_str().unwrap(),
        inputs[1].to_str().unwrap(),
        "-o",
        site.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let index = site.join("index.html");
    let dom = chromium()
        .arg("--dump-dom")
        .arg(format!("file://{}", index.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("平潭综合实验区") && dom.contains("洪泽区人民政府"),
        "{dom}"
    );
    // Each report's page, and its original beside its XML.
    let links: Vec<&str> = dom
        .split("href=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(links.len(), 4, "{links:?}");
    for link in links {
        assert!(site.join(link).is_file(), "{link}");
    }
}

#[test]
fn a_sealed_archive_is_reviewed_and_exported_from_its_reports() {
    let dir = tempfile::tempdir().unwrap();
    let coll = dir.path().join("collection");
    std::fs::create_dir(&coll).unwrap();
    for (case, name) in [
        ("hongze-2023-layout", "hongze.txt"),
        ("kewei-2024-md", "kewei.md"),
    ] {
        std::fs::copy(
            util::input_of(&root().join("golden").join(case)),
            coll.join(name),
        )
        .unwrap();
    }
    let zip = dir.path().join("2023.zip");
    let out = run(&[
        "seal",
        "--year",
        "2023",
        coll.to_str().unwrap(),
        "-o",
        zip.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = dir.path().join("site");
    let out = run(&["show", zip.to_str().unwrap(), "-o", site.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("洪泽区人民政府") && index.contains("上海市科委"));
    assert_eq!(std::fs::read_dir(&site).unwrap().count(), 3);
    let out = run(&["export", zip.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().lines().count(),
        1 + 207 + 200
    );
    let (code, text) = check(&[zip.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(
        text.contains("data/xml/hongze.txt.xml · 洪泽区人民政府 2023 v2021\n  FAIL R-T4-SUM"),
        "{text}"
    );
}

#[test]
fn review_pages_are_the_same_bytes_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = [
        root().join("golden/hongze-2023-layout/expected.xml"),
        root().join("golden/pingtan-2019-glued/input.txt"),
        root().join("golden/shanghai-2019-pdf-chromium/expected.xml"),
        root().join("golden/not-a-report/expected.xml"),
    ];
    let sites: Vec<_> = ["a", "b"]
        .iter()
        .map(|name| {
            let site = dir.path().join(name);
            let mut args = vec!["show"];
            args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
            args.extend(["-o", site.to_str().unwrap()]);
            let out = run(&args);
            assert_eq!(out.status.code(), Some(0));
            let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&site)
                .unwrap()
                .map(|e| {
                    let e = e.unwrap();
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap(),
                    )
                })
                .collect();
            files.sort();
            files
        })
        .collect();
    assert_eq!(sites[0].len(), 5, "an index and four pages");
    assert!(sites[0] == sites[1], "two runs differ");
    // Self-contained: nothing is fetched.
    for (name, bytes) in &sites[0] {
        let html = String::from_utf8_lossy(bytes);
        for fetch in [
            "http://",
            "https://",
            "<script src",
            "<link",
            "<img",
            "@import",
            "url(",
        ] {
            assert!(!html.contains(fetch), "{name} holds {fetch}");
        }
    }
}

#[test]
fn blessing_is_refused_under_ci() {
    util::refuses_to_bless_under_ci("exports_of_the_corpus_match_byte_for_byte");
}

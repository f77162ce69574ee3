//! Golden tests: every case under golden/ is extracted by the real binary and compared
//! byte for byte with its reviewed `expected.xml`; the output is validated against
//! schemas/report.xsd with xmllint; cells are checked against `truth.json` (hand-labelled
//! corpus truth, or the values a synthetic report was built from).
//!
//! GONGKAI_BLESS=1 rewrites expected.xml: review every changed file against its input.

mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gongkai::model::{Location, Table};
use util::{cases, cells_of, extract_case, input_of, root};

fn expected_path(case: &Path) -> PathBuf {
    case.join("expected.xml")
}

#[test]
fn outputs_match_the_reviewed_golden_files_byte_for_byte() {
    let bless = util::bless();
    let mut failures = Vec::new();
    for case in cases() {
        let got = extract_case(&case);
        let path = expected_path(&case);
        if bless {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read(&path).unwrap_or_else(|_| {
            panic!(
                "{} missing: run with GONGKAI_BLESS=1 and review it",
                path.display()
            )
        });
        if got != want {
            let got = String::from_utf8_lossy(&got);
            let want = String::from_utf8_lossy(&want);
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            failures.push(format!(
                "{}: first difference at line {}\n  got:  {}\n  want: {}",
                case.display(),
                line + 1,
                got.lines().nth(line).unwrap_or(""),
                want.lines().nth(line).unwrap_or("")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn outputs_validate_against_the_schema() {
    let xmllint = std::process::Command::new("xmllint")
        .arg("--version")
        .output();
    assert!(
        xmllint.is_ok(),
        "xmllint is needed to validate the XML (apt-get install libxml2-utils)"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for case in cases() {
        let path = dir.path().join(format!(
            "{}.xml",
            case.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&path, extract_case(&case)).unwrap();
        files.push(path);
    }
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(root().join("schemas/report.xsd"))
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xmllint: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr)
            .matches(" validates")
            .count(),
        files.len()
    );
}

/// `table|row|col` → the candidates of each ambiguous cell.
fn candidates_of(report: &gongkai::model::Report) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for t in &report.tables {
        let Table::Standard(t) = t else { continue };
        for row in &t.rows {
            for cell in &row.cells {
                if let gongkai::model::CellContent::Ambiguous(c) = &cell.content {
                    out.insert(format!("{}|{}|{}", t.id, row.id, cell.col), c.clone());
                }
            }
        }
    }
    out
}

/// Every cell equals the truth, or (only where the case says how many, in `abstained`)
/// has no value: a value is never wrong, and an ambiguous cell offers the true one.
#[test]
fn every_cell_equals_the_truth() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases() {
        let Ok(truth) = std::fs::read_to_string(case.join("truth.json")) else {
            continue;
        };
        let truth: serde_json::Value = serde_json::from_str(&truth).unwrap();
        let report = gongkai::writers::xml::from_bytes(&extract_case(&case)).unwrap();
        assert_eq!(
            report.meta.template_name(),
            truth["template"],
            "{}",
            case.display()
        );
        if let Some(year) = truth["year"].as_u64() {
            assert_eq!(report.meta.year, Some(year as u16), "{}", case.display());
        }
        let got = cells_of(&report);
        let candidates = candidates_of(&report);
        let mut abstained = 0;
        for (key, want) in truth["cells"].as_object().unwrap() {
            checked += 1;
            let have = got.get(key).cloned().unwrap_or("missing".into());
            let no_value = have == "missing" || have == "ambiguous";
            let same = match (want, &have) {
                // Numbers by value (`1.0` is `1`), anything else as written.
                (serde_json::Value::String(w), serde_json::Value::String(h)) => {
                    w == h || !no_value && same_number(w, h)
                }
                (w, h) => w == h,
            };
            if same {
                continue;
            }
            if no_value {
                abstained += 1;
                // An ambiguous cell offers the true value among its candidates.
                if let (Some(candidates), serde_json::Value::String(w)) =
                    (candidates.get(key), want)
                {
                    if !candidates.contains(w) {
                        failures.push(format!(
                            "{}: {key}: {w} is not among the candidates {candidates:?}",
                            case.display()
                        ));
                    }
                }
            } else {
                failures.push(format!(
                    "{}: {key}: got {have}, want {want}",
                    case.display()
                ));
            }
        }
        let allowed = truth["abstained"].as_u64().unwrap_or(0);
        if abstained != allowed {
            failures.push(format!(
                "{}: {abstained} cells without a value where {allowed} are expected",
                case.display()
            ));
        }
    }
    assert!(checked > 1500, "only {checked} cells checked");
    assert!(
        failures.is_empty(),
        "{} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn canonical_xml_reads_back_and_writes_the_same_bytes() {
    for case in cases() {
        let bytes = extract_case(&case);
        let report = gongkai::writers::xml::from_bytes(&bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        assert_eq!(
            gongkai::writers::xml::to_bytes(&report),
            bytes,
            "{}",
            case.display()
        );
    }
}

/// The standard tables of a case, for comparing forms of one report.
/// A case's standard tables, without where their cells were printed (each form of a report
/// prints them at its own places: lines, table elements, page boxes).
fn tables(case: &str) -> Vec<Table> {
    let report =
        gongkai::writers::xml::from_bytes(&extract_case(&root().join("golden").join(case)))
            .unwrap();
    report
        .tables
        .into_iter()
        .filter_map(|t| match t {
            Table::Standard(mut t) => {
                for cell in t.rows.iter_mut().flat_map(|r| &mut r.cells) {
                    cell.src = None;
                }
                Some(Table::Standard(t))
            }
            Table::Generic(_) => None,
        })
        .collect()
}

#[test]
fn every_form_of_one_report_gives_the_same_tables() {
    for group in [
        &[
            "synthetic-2024-pipe-rows",
            "synthetic-2024-pipe-cells",
            "synthetic-2024-markdown",
        ][..],
        &["meilie-2020-pipe", "meilie-2020-gb18030"],
        &["pingtan-2019-glued", "pingtan-2019-utf16"],
        &["kewei-2024-md", "kewei-2024-bom-crlf"],
        // HTML, text, PDF, DOCX, ODT and OFD forms of one report (identical <table> content)
        &[
            "shanghai-2019-cms-body",
            "shanghai-2019-portal-gb18030",
            "shanghai-2019-word",
            "shanghai-2019-libreoffice",
            "shanghai-2019-text",
            "shanghai-2019-pdf-chromium",
            "shanghai-2019-pdf-libreoffice",
            "shanghai-2019-docx",
            "shanghai-2019-docx-word",
            "shanghai-2019-odt",
            "shanghai-2019-ofd",
        ],
        &[
            "synthetic-2024-pipe-rows",
            "synthetic-2024-pdf-ucs2",
            "synthetic-2024-pdf-gbk",
            "synthetic-2024-pdf-xobject",
            "synthetic-2024-pdf-rotated",
            "synthetic-2024-pdf-encrypted",
            "synthetic-2024-pdf-stream",
            "synthetic-2024-pdf-cairo",
            "synthetic-2024-ofd-plain",
            "synthetic-2024-ofd-g-runs",
            "synthetic-2024-ofd-ctm",
            "synthetic-2024-ofd-template",
            "synthetic-2024-ofd-cgtransform",
            "synthetic-2024-ofd-signed",
        ],
    ] {
        let first = tables(group[0]);
        assert_eq!(first.len(), 3);
        for other in &group[1..] {
            assert!(tables(other) == first, "{other} differs from {}", group[0]);
        }
    }
}

#[test]
fn a_text_that_is_no_report_keeps_its_prose_and_has_no_standard_tables() {
    for (case, sections) in [("not-a-report", 1), ("meilie-2020-no-tables", 6)] {
        let report =
            gongkai::writers::xml::from_bytes(&extract_case(&root().join("golden").join(case)))
                .unwrap();
        assert_eq!(report.meta.template_name(), "none", "{case}");
        assert!(
            report.tables.iter().all(|t| matches!(t, Table::Generic(_))),
            "{case}"
        );
        assert!(report.checks.is_empty(), "{case}");
        assert_eq!(report.sections.len(), sections, "{case}");
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.code == "no-standard-tables"),
            "{case}"
        );
    }
    let novel = std::fs::read_to_string(input_of(&root().join("golden/not-a-report"))).unwrap();
    let report =
        gongkai::writers::xml::from_bytes(&extract_case(&root().join("golden/not-a-report")))
            .unwrap();
    let prose: String = report.sections[0].paragraphs.concat();
    let squeezed = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert_eq!(
        squeezed(&prose),
        squeezed(&novel),
        "every character of the text is kept"
    );
}

/// `<checks>` as written and what `check` and `show` find in the XML read back come from
/// one evaluation: the rules run again on the read-back report give the same checks, and
/// the findings are the failed ones, in their order.
#[test]
fn the_written_checks_are_what_check_and_show_find() {
    let templates = gongkai::template::Templates::builtin();
    let mut failed_total = 0;
    for case in cases() {
        let report =
            gongkai::writers::xml::from_bytes(&std::fs::read(expected_path(&case)).unwrap())
                .unwrap();
        let Some(template) = gongkai::checks::template_of(&report, &templates) else {
            assert!(report.checks.is_empty(), "{}", case.display());
            continue;
        };
        assert_eq!(
            gongkai::checks::run(&report, template, &templates).0,
            report.checks,
            "{}",
            case.display()
        );
        let failed: Vec<(&str, &Location)> = report
            .checks
            .iter()
            .filter(|c| c.result == gongkai::model::CheckResult::Fail)
            .map(|c| (c.rule.as_str(), &c.subject))
            .collect();
        let found = gongkai::checks::findings(&report, &templates);
        let found: Vec<(&str, &Location)> = found
            .iter()
            .map(|f| (f.rule.as_str(), &f.subject))
            .collect();
        assert_eq!(found, failed, "{}", case.display());
        failed_total += failed.len();
    }
    assert!(failed_total > 0, "no golden case fails a rule");
}

/// The report as extracted is the report its XML reads back as, where its checks and
/// diagnostics point included: `where` and `subject` name ids, and reading finds their
/// tables again. Every check and every diagnostic about a table, row, column or cell says
/// so by its kind, not as free text.
#[test]
fn reading_the_xml_back_gives_the_report_extracted() {
    let mut located = 0;
    for case in cases() {
        let input = gongkai::input::Input::from_path(
            &input_of(&case),
            gongkai::input::DEFAULT_MAX_INPUT_BYTES,
        )
        .unwrap();
        let report = gongkai::extract(&input, &gongkai::ExtractOptions::default()).unwrap();
        let bytes = gongkai::writers::xml::to_bytes(&report);
        assert_eq!(
            bytes,
            std::fs::read(expected_path(&case)).unwrap(),
            "{}",
            case.display()
        );
        let back = gongkai::writers::xml::from_bytes(&bytes).unwrap();
        assert_eq!(back, report, "{}", case.display());
        let places = report
            .checks
            .iter()
            .map(|c| &c.subject)
            .chain(report.diagnostics.iter().map(|d| &d.location));
        for at in places {
            assert!(
                !matches!(at, Location::Other { .. }),
                "{}: {at:?}",
                case.display()
            );
            located += usize::from(matches!(
                at,
                Location::Table { .. }
                    | Location::Row { .. }
                    | Location::Column { .. }
                    | Location::Cell(_)
                    | Location::Cells { .. }
            ));
        }
    }
    assert!(located > 100, "{located}");
}

/// The glued case's truth is what its input prints: each row's true values, written one
/// after another as the glued line has them (`-` for a blank, thousands separators and
/// full-width digits as plain digits), are found in the input in the rows' order.
#[test]
fn the_glued_truth_is_what_its_input_prints() {
    use unicode_normalization::UnicodeNormalization;
    let case = root().join("golden/synthetic-2024-glued");
    let input: String = std::fs::read_to_string(input_of(&case))
        .unwrap()
        .nfkc()
        .filter(|c| *c != ',')
        .collect();
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case.join("truth.json")).unwrap()).unwrap();
    let truth = truth["cells"].as_object().unwrap();
    let report =
        gongkai::writers::xml::from_bytes(&std::fs::read(expected_path(&case)).unwrap()).unwrap();
    let (mut at, mut cells) = (0, 0);
    for table in &report.tables {
        let Table::Standard(table) = table else {
            continue;
        };
        for row in &table.rows {
            let printed: String = row
                .cells
                .iter()
                .map(|c| {
                    let key = format!("{}|{}|{}", table.id, row.id, c.col);
                    cells += 1;
                    match &truth[&key] {
                        serde_json::Value::String(v) => v.clone(),
                        serde_json::Value::Null => "-".to_string(),
                        other => panic!("{key}: {other}"),
                    }
                })
                .collect();
            let found = input[at..]
                .find(&printed)
                .unwrap_or_else(|| panic!("{}: {printed} is not in the input", row.id));
            at += found + printed.len();
        }
    }
    assert_eq!(cells, truth.len());
}

/// Whether two truth or output texts are the same number: both must be numbers.
fn same_number(a: &str, b: &str) -> bool {
    matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(a), Ok(b)) if a == b)
}

#[test]
fn only_two_numbers_are_compared_as_numbers() {
    assert!(same_number("1.0", "1"));
    assert!(!same_number("1", "2"));
    // Two texts that are no numbers are not alike by that: a truth "ambiguous" is not
    // met by a "—".
    assert!(!same_number("ambiguous", "—"));
    assert!(!same_number("12", "—"));
}

#[test]
fn blessing_is_refused_under_ci() {
    util::refuses_to_bless_under_ci("outputs_match_the_reviewed_golden_files_byte_for_byte");
}

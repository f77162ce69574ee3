//! The real reports in ../shared beside the project (the corpus and its hand-labelled
//! truth, which the project does not copy). Without ../shared these tests are ignored at
//! run time, so the summary counts them as ignored and a line before it says why; under
//! CI=true a missing file fails them instead. Only a custom harness (libtest-mimic) can
//! ignore a test at run time, hence `harness = false` for this file.

mod util;

use std::path::PathBuf;
use std::process::ExitCode;

use gongkai::model::CellContent;
use libtest_mimic::{Arguments, Failed, Trial};
use util::{extract_bytes, root, run};

const WPS_PDF: &str = "../shared/corpus/001_huaian_hongze_2023.pdf";
const WPS_TRUTH: &str = "../shared/eval/truth/001_huaian_hongze_2023.json";

/// A test: its name, the files of ../shared it reads, and the test.
type CorpusTest = (
    &'static str,
    &'static [&'static str],
    fn() -> Result<(), Failed>,
);

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let tests: [CorpusTest; 2] = [
        (
            "the_real_wps_pdf_gives_every_cell_of_its_truth",
            &[WPS_PDF, WPS_TRUTH],
            the_real_wps_pdf_gives_every_cell_of_its_truth,
        ),
        (
            "the_real_wps_pdf_cut_short_gives_what_it_can_or_a_clear_error",
            &[WPS_PDF],
            the_real_wps_pdf_cut_short_gives_what_it_can_or_a_clear_error,
        ),
    ];
    let mut absent: Vec<&str> = Vec::new();
    let trials = tests
        .into_iter()
        .map(|(name, needs, test)| {
            let missing: Vec<&str> = needs
                .iter()
                .copied()
                .filter(|p| !root().join(p).is_file())
                .collect();
            absent.extend(&missing);
            let ignored = !missing.is_empty() && !ci;
            Trial::test(name, move || {
                if let Some(first) = missing.first() {
                    return Err(format!(
                        "{first} not found: CI=true needs ../shared beside the project"
                    )
                    .into());
                }
                test()
            })
            .with_ignored_flag(ignored)
        })
        .collect();
    absent.sort();
    absent.dedup();
    if !absent.is_empty() {
        println!(
            "\n{} corpus file(s) not found beside the project ({}): {}",
            absent.len(),
            absent.join(", "),
            if ci {
                "the tests that read them FAIL (CI=true)"
            } else {
                "the tests that read them are IGNORED (with CI=true they fail)"
            }
        );
    }
    libtest_mimic::run(&args, trials).exit_code()
}

fn path(p: &str) -> PathBuf {
    root().join(p)
}

fn the_real_wps_pdf_gives_every_cell_of_its_truth() -> Result<(), Failed> {
    let out = run(&["extract", path(WPS_PDF).to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = gongkai::writers::xml::from_bytes(&out.stdout).unwrap();
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path(WPS_TRUTH)).unwrap()).unwrap();
    assert_eq!(report.meta.template_name(), truth["template"]);
    assert_eq!(report.meta.year, truth["year"].as_u64().map(|y| y as u16));
    let mut checked = 0;
    for (key, want) in truth["cells"].as_object().unwrap() {
        let mut parts = key.split('|');
        let (t, r, c) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let cell = report
            .standard_table(t)
            .and_then(|t| t.cell(r, c))
            .unwrap_or_else(|| panic!("{key}: no such cell"));
        match (&cell.content, want) {
            (CellContent::Value(v), serde_json::Value::String(w)) => {
                assert_eq!(
                    v.parse::<f64>().ok(),
                    w.parse::<f64>().ok(),
                    "{key}: got {v}, want {w}"
                )
            }
            (CellContent::Blank, serde_json::Value::Null) => {}
            (got, want) => panic!("{key}: got {got:?}, want {want}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 186);
    Ok(())
}

/// Cut anywhere, the real PDF gives valid XML or exit 2 with one line naming the file.
fn the_real_wps_pdf_cut_short_gives_what_it_can_or_a_clear_error() -> Result<(), Failed> {
    let full = std::fs::read(path(WPS_PDF)).unwrap();
    for percent in [1, 10, 30, 50, 70, 90, 99] {
        let cut = &full[..full.len() * percent / 100];
        extract_bytes(&format!("cut{percent}.pdf"), cut);
    }
    Ok(())
}

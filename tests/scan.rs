//! Scans and image files through the real binary (issue 14): the canonical XML of a scan
//! fixture against its truth (tests/data/scans), cells marked as read by OCR, and the one
//! line that says what to install when Tesseract or its Chinese data is missing. The OCR
//! tests need `tesseract` with `chi_sim` (scripts/test installs them).

mod util;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gongkai::model::{CellContent, Report, Src, Table, Via};
use rust_decimal::Decimal;
use util::{bin, root};

const INSTALL: &str = "apt-get install tesseract-ocr tesseract-ocr-chi-sim";

fn scan(name: &str) -> PathBuf {
    root().join("tests/data/scans").join(name)
}

fn extract(path: &Path) -> Report {
    let out = bin().arg("extract").arg(path).output().unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    gongkai::writers::xml::from_bytes(&out.stdout).expect("canonical XML")
}

/// Cells of the truth read right, wrong (another value, or a value where the truth has
/// none) and not read.
#[derive(Debug, Default, PartialEq)]
struct Score {
    right: usize,
    wrong: Vec<String>,
    missing: usize,
}

fn score(report: &Report, truth: &Path) -> Score {
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(truth).unwrap()).unwrap();
    let mut s = Score::default();
    for (key, want) in truth["cells"].as_object().expect("cells") {
        let parts: Vec<&str> = key.split('|').collect();
        let cell = report.tables.iter().find_map(|t| match t {
            Table::Standard(st) if st.id == parts[0] => st.cell(parts[1], parts[2]),
            _ => None,
        });
        let content = cell.map(|c| &c.content);
        let number = |v: &str| v.parse::<Decimal>().ok();
        match (want.as_str(), content) {
            (Some(w), Some(CellContent::Value(v))) if number(v) == number(w) => s.right += 1,
            (None, Some(CellContent::Blank)) => s.right += 1,
            (_, Some(CellContent::Value(v))) => s.wrong.push(format!("{key}: {v} for {want}")),
            _ => s.missing += 1,
        }
    }
    s
}

#[test]
fn a_png_of_a_table_gives_every_cell_of_its_truth_read_by_ocr() {
    let report = extract(&scan("hongze-2023-t3.png"));
    assert_eq!(report.meta.source.media_type, "image/png");
    let s = score(&report, &scan("hongze-2023-t3.truth.json"));
    assert_eq!(
        (s.right, s.wrong.clone(), s.missing),
        (161, Vec::<String>::new(), 0),
        "{s:?}"
    );
    let t3 = report.standard_table("t3").expect("t3");
    let cells: Vec<_> = t3.rows.iter().flat_map(|r| &r.cells).collect();
    let ocr: Vec<_> = cells.iter().filter(|c| c.via == Some(Via::Ocr)).collect();
    assert!(ocr.len() >= 161, "{} cells via OCR", ocr.len());
    assert!(ocr
        .iter()
        .all(|c| c.confidence.is_some() && c.src.is_some()));
    // An image file's boxes are in its pixels (canonical-xml.md § Provenance): the image is
    // 927 × 1287 at 96 dpi (695 × 965 points), and t3 reaches to near its right edge.
    let right = ocr
        .iter()
        .filter_map(|c| match c.src {
            Some(Src::Area { area, .. }) => Some(area.x1),
            _ => None,
        })
        .max()
        .expect("boxes");
    assert!((8000..=9270).contains(&right), "right edge {right} tenths");
}

#[test]
fn a_phone_photo_of_a_table_at_an_angle_in_uneven_light_is_squared_and_read_with_no_wrong_cell() {
    // The sheet is a trapezoid on a dark desk, its light falling off by a third: read as
    // the photo stands (no squaring, no evening) it gave no cell at all.
    let report = extract(&scan("synthetic-2024-t3-photo.jpg"));
    let s = score(&report, &scan("synthetic-2024-t3-photo.truth.json"));
    assert_eq!(
        (s.right, s.wrong.clone(), s.missing),
        (173, Vec::<String>::new(), 2),
        "{s:?}"
    );
}

#[test]
fn an_image_only_pdf_gives_the_truth_with_no_wrong_cell_and_says_ocr_in_the_xml() {
    let path = scan("synthetic-2024-dct.pdf");
    let out = bin().arg("extract").arg(&path).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let xml = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        xml.contains(r#" via="ocr" confidence="0."#),
        "no OCR cell marked"
    );
    let report = gongkai::writers::xml::from_bytes(&out.stdout).unwrap();
    assert_eq!(report.meta.template.as_deref(), Some("v2021"));
    let s = score(&report, &scan("synthetic-2024-dct.truth.json"));
    assert!(s.wrong.is_empty(), "{s:?}");
    assert!(s.right >= 198, "{s:?}");
}

/// The OFD's pages are 100-dpi renderings with one-pixel rulings and digits seven pixels
/// tall: read at twice their size, a third of the cells are read (10 at their own size);
/// what is read is marked, and nothing is wrong.
#[test]
fn a_scanned_ofd_is_read_by_ocr_with_no_wrong_cell() {
    let report = extract(&root().join("tests/data/ofd/synthetic-2024-scan.ofd"));
    let s = score(
        &report,
        &root().join("golden/synthetic-2024-pdf-gbk/truth.json"),
    );
    assert!(s.wrong.is_empty(), "{s:?}");
    assert!(s.right >= 60, "{s:?}");
    let ocr = report
        .tables
        .iter()
        .filter_map(|t| match t {
            Table::Standard(st) => Some(st),
            _ => None,
        })
        .flat_map(|t| t.rows.iter().flat_map(|r| &r.cells))
        .filter(|c| c.via == Some(Via::Ocr))
        .count();
    assert!(ocr >= 60, "{ocr} cells via OCR");
}

#[test]
fn a_saved_portal_page_gives_its_table_images_in_place_and_names_the_missing_one() {
    let report = extract(&scan("shanghai-2019-portal/page.html"));
    let s = score(&report, &scan("shanghai-2019-portal.truth.json"));
    assert!(s.wrong.is_empty(), "{s:?}");
    assert!(s.right >= 190, "{s:?}");
    let missing: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "image-not-read")
        .collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(
        missing[0].location.to_string(),
        "<img src=\"page_files/qrcode.png\">"
    );
    // Read from standard input the page has no folder: its images are not looked for.
    let out = bin()
        .args(["extract", "-"])
        .stdin(std::fs::File::open(scan("shanghai-2019-portal/page.html")).unwrap())
        .output()
        .unwrap();
    let from_stdin = gongkai::writers::xml::from_bytes(&out.stdout).unwrap();
    let s = score(&from_stdin, &scan("shanghai-2019-portal.truth.json"));
    assert_eq!((s.right, s.wrong.len()), (0, 0), "{s:?}");
}

#[test]
fn tables_pasted_as_images_in_a_text_pdf_are_read_where_they_stand() {
    let report = extract(&scan("synthetic-2024-table-images.pdf"));
    assert_eq!(report.meta.template.as_deref(), Some("v2021"));
    let s = score(&report, &scan("synthetic-2024-table-images.truth.json"));
    assert!(s.wrong.is_empty(), "{s:?}");
    assert!(s.right >= 195, "{s:?}");
}

fn one_line_naming(out: &Output, file: &str, what: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains(file) && err.contains(what) && err.contains(INSTALL),
        "{err}"
    );
}

#[test]
fn without_tesseract_an_image_exits_2_saying_what_to_install_and_text_still_reads() {
    let dir = tempfile::tempdir().unwrap();
    // Told by its bytes, not its name.
    let named = dir.path().join("table.txt");
    std::fs::copy(scan("hongze-2023-t3.png"), &named).unwrap();
    let empty = dir.path().join("bin");
    std::fs::create_dir(&empty).unwrap();
    for input in [
        named.clone(),
        scan("synthetic-2024-dct.pdf"),
        root().join("tests/data/ofd/synthetic-2024-scan.ofd"),
    ] {
        let out = bin()
            .arg("extract")
            .arg(&input)
            .env("PATH", &empty)
            .output()
            .unwrap();
        let file = input.file_name().unwrap().to_string_lossy().into_owned();
        one_line_naming(&out, &file, "needs Tesseract");
    }
    // Tesseract without its chi_sim data.
    let out = bin()
        .args(["extract", "--from", "image"])
        .arg(&named)
        .env("TESSDATA_PREFIX", dir.path())
        .output()
        .unwrap();
    one_line_naming(&out, "table.txt", "chi_sim");
    // Everything else works without it.
    let text_pdf = root().join("golden/synthetic-2024-pdf-gbk/input.pdf");
    let out = bin()
        .arg("extract")
        .arg(&text_pdf)
        .env("PATH", &empty)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn images_beside_a_saved_page_are_read_only_as_regular_files_inside_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("page_files");
    std::fs::create_dir(&files).unwrap();
    // A FIFO (reading one waits for ever), and a link to a file outside the folder.
    let fifo = files.join("fifo.png");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let outside = tempfile::tempdir().unwrap();
    std::fs::copy(scan("hongze-2023-t3.png"), outside.path().join("t3.png")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("t3.png"), files.join("link.png")).unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(
        &page,
        "<html><body><h1>某某局2023年政府信息公开工作年度报告</h1><p>一、总体情况</p>\
         <p>本年度我局认真贯彻落实。</p><p><img src=\"page_files/fifo.png\"></p>\
         <p><img src=\"page_files/link.png\"></p><p>二、主动公开政府信息情况</p></body></html>",
    )
    .unwrap();
    let out = bin().arg("extract").arg(&page).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = gongkai::writers::xml::from_bytes(&out.stdout).unwrap();
    let said: Vec<(String, String)> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "image-not-read")
        .map(|d| (d.location.to_string(), d.message.clone()))
        .collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert_eq!(said[0].0, "<img src=\"page_files/fifo.png\">");
    assert!(
        said[0].1.ends_with("not a regular file (a FIFO): not read"),
        "{said:?}"
    );
    assert_eq!(said[1].0, "<img src=\"page_files/link.png\">");
    assert!(
        said[1]
            .1
            .ends_with("it lies outside the page's folder (a symbolic link)"),
        "{said:?}"
    );
}

//! The command line end to end: outputs, atomic writes, and every kind of bad input
//! getting one line naming the file and the reason, with its documented exit code.

mod util;

use std::io::Write;
use std::process::Stdio;

use util::{bin, root, run};

const SEED: &str = "golden/meilie-2020-pipe/input.txt";

fn seed() -> String {
    root().join(SEED).to_string_lossy().into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Files in a folder, for checking that nothing (no temporary file) was left behind.
fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn output_file_equals_stdout_and_nothing_else_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("meilie.xml");
    let to_stdout = run(&["extract", &seed()]);
    assert!(to_stdout.status.success());
    let to_file = run(&["extract", &seed(), "-o", out_path.to_str().unwrap()]);
    assert!(to_file.status.success(), "{}", stderr(&to_file));
    assert!(to_file.stdout.is_empty());
    assert_eq!(std::fs::read(&out_path).unwrap(), to_stdout.stdout);
    assert_eq!(entries(dir.path()), ["meilie.xml"]);
}

#[test]
fn stdin_gives_the_same_report() {
    let mut child = bin()
        .args(["extract", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(seed()).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let from_file = String::from_utf8(run(&["extract", &seed()]).stdout).unwrap();
    let from_stdin = String::from_utf8(out.stdout).unwrap();
    assert!(from_stdin.contains(r#"<source name="stdin""#));
    assert_eq!(
        from_stdin.replace(r#"name="stdin""#, r#"name="input.txt""#),
        from_file
    );
}

#[test]
fn the_same_input_gives_the_same_bytes_wherever_it_lies() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("input.txt");
    std::fs::copy(seed(), &copy).unwrap();
    let a = run(&["extract", &seed()]).stdout;
    let b = run(&["extract", copy.to_str().unwrap()]).stdout;
    assert_eq!(a, b, "no absolute path or time may reach the output");
}

/// Runs extract with `-o` on bad input: exit code, one line naming the file, no output.
fn refused(input: &std::path::Path, extra: &[&str], code: i32, reason: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.xml");
    let mut args = vec![
        "extract",
        input.to_str().unwrap(),
        "-o",
        out_path.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = run(&args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.starts_with(&format!("gongkai: {}: ", input.display())),
        "{err}"
    );
    assert!(err.contains(reason), "{err:?} should say {reason:?}");
    assert!(
        entries(dir.path()).is_empty(),
        "no output may be left: {:?}",
        entries(dir.path())
    );
}

#[test]
fn empty_and_blank_inputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [("empty.txt", &b""[..]), ("blank.txt", &b"  \n\t\n"[..])] {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        refused(&p, &[], 2, "empty input");
    }
}

#[test]
fn binary_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("image.txt");
    // A PNG is an image now (issue 14): one cut short is a damaged one.
    std::fs::write(&p, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
    refused(&p, &[], 2, "damaged image");
    let controls: Vec<u8> = (1u8..9).cycle().take(2000).collect();
    std::fs::write(&p, controls).unwrap();
    refused(&p, &[], 2, "binary data");
}

#[test]
fn unreadable_paths_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    refused(dir.path(), &[], 2, "is a directory");
    refused(&dir.path().join("nowhere.txt"), &[], 2, "cannot read");
}

#[test]
fn inputs_over_the_size_limit_are_refused_without_reading_them_whole() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.txt");
    // 200 MB, sparse: nothing is written to disk.
    std::fs::File::create(&p)
        .unwrap()
        .set_len(200 * 1024 * 1024)
        .unwrap();
    refused(&p, &[], 2, "larger than the 67108864-byte limit");
    refused(
        &root().join(SEED),
        &["--max-input-bytes", "100"],
        2,
        "larger than the 100-byte limit",
    );
}

#[test]
fn forcing_the_wrong_reader_is_refused_with_the_reason() {
    refused(
        &root().join(SEED),
        &["--from", "docx"],
        2,
        "not a readable zip container",
    );
}

#[test]
fn a_pdf_that_is_no_document_is_refused_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("report.bin");
    std::fs::write(&p, b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n").unwrap();
    refused(&p, &[], 2, "PDF");
}

#[test]
fn forcing_the_text_reader_reads_markup_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("page.html");
    let text = std::fs::read_to_string(seed()).unwrap();
    std::fs::write(&p, format!("<p>\n{text}")).unwrap();
    let sniffed =
        gongkai::writers::xml::from_bytes(&run(&["extract", p.to_str().unwrap()]).stdout).unwrap();
    assert_eq!(sniffed.meta.source.media_type, "text/html");
    let out = run(&["extract", "--from", "text", p.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = gongkai::writers::xml::from_bytes(&out.stdout).unwrap();
    assert_eq!(report.meta.template_name(), "v2019");
    let t2 = report.standard_table("t2").unwrap();
    assert_eq!(
        t2.cell("t2.row.licensing", "t2.col.decisions")
            .unwrap()
            .value(),
        Some("10231")
    );
}

#[test]
fn an_unwritable_output_fails_with_exit_3_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("no/such/folder/out.xml");
    let out = run(&["extract", &seed(), "-o", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).starts_with(&format!("gongkai: {}: ", target.display())));
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["extract"]).status.code(), Some(2));
    assert_eq!(
        run(&["extract", &seed(), "--from", "rtf"]).status.code(),
        Some(2)
    );
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn invalid_utf8_bytes_are_replaced_and_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("damaged.txt");
    let mut bytes = std::fs::read(seed()).unwrap();
    // Damage the prose (not the tables): a stray continuation byte and a cut sequence.
    let at = bytes
        .windows(6)
        .position(|w| w == "总体".as_bytes())
        .unwrap()
        + 6;
    bytes.splice(at..at, [0x80, 0xe4, 0xb8]);
    std::fs::write(&p, &bytes).unwrap();
    let out = run(&["extract", p.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = gongkai::writers::xml::from_bytes(&out.stdout).unwrap();
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "malformed-bytes"),
        "{:?}",
        report.diagnostics
    );
    let t2 = report.standard_table("t2").unwrap();
    assert_eq!(
        t2.cell("t2.row.normative_docs", "t2.col.total_published")
            .unwrap()
            .value(),
        Some("463")
    );
}

#[test]
fn hostile_texts_end_in_a_report_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, String)> = vec![
        // a digit run no split can list
        (
            "run.txt",
            format!(
                "二、主动公开政府信息情况\n第二十条第（一）项 规章{}",
                "7".repeat(5000)
            ),
        ),
        // t3 rows of absurd length, glued
        (
            "t3.txt",
            format!(
                "本列数据的勾稽关系{}",
                "一、本年新收1111111111111111111111111".repeat(2000)
            ),
        ),
        // thousands of tiny rows in pipe cells
        (
            "cells.txt",
            format!("行政复议 |\n行政诉讼 |\n{}", "0 |\n".repeat(100_000)),
        ),
        // control characters and private-use characters inside text
        (
            "ctl.txt",
            "一、总体情况\n正文\u{7}\u{1b}内容\u{e000}。\n".repeat(10),
        ),
        // every line a heading
        (
            "heads.txt",
            "一、总体情况\n二、主动公开政府信息情况\n".repeat(20_000),
        ),
    ];
    for (name, text) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let out = run(&["extract", p.to_str().unwrap()]);
        assert!(
            matches!(out.status.code(), Some(0 | 2)),
            "{name}: {}",
            stderr(&out)
        );
        if out.status.success() {
            gongkai::writers::xml::from_bytes(&out.stdout)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let out = run(&["schema"]);
    assert!(out.status.success());
    assert_eq!(
        out.stdout,
        std::fs::read(root().join("schemas/report.xsd")).unwrap()
    );
}

#[test]
fn export_reads_docx_odt_and_ofd_originals_not_as_archives() {
    for case in [
        "shanghai-2019-docx",
        "shanghai-2019-odt",
        "shanghai-2019-ofd",
    ] {
        let input = util::input_of(&root().join("golden").join(case));
        let out = bin()
            .args(["export", "--format", "json"])
            .arg(&input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{case}: {}", stderr(&out));
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert!(rows.len() > 150, "{case}: {} rows", rows.len());
        assert_eq!(
            rows[0]["source_name"],
            input.file_name().unwrap().to_str().unwrap()
        );
    }
}

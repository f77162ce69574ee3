//! Hostile inputs, scaled down from bench/hostile.py: each ends with its documented
//! outcome — the XML, or exit 2 with one line naming the file, what is too large and the
//! flag that raises the limit. Time is never asserted: the shapes that were quadratic run
//! here at sizes that took minutes before, and must simply end.

mod util;

use std::io::Write;
use std::path::{Path, PathBuf};

use gongkai::model::{Report, Table};
use util::{root, run};

struct Outcome {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

/// Writes `bytes` to `name` in `dir` and extracts it with `flags`.
fn extract(dir: &Path, name: &str, bytes: &[u8], flags: &[&str]) -> (PathBuf, Outcome) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let mut args = vec!["extract", path.to_str().unwrap()];
    args.extend_from_slice(flags);
    let out = run(&args);
    let outcome = Outcome {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    (path, outcome)
}

/// Exit 2, nothing on standard output, one line naming the file that holds every `needle`.
fn assert_refused(path: &Path, out: &Outcome, needles: &[&str]) {
    assert_eq!(out.code, Some(2), "{}: {}", path.display(), out.stderr);
    assert!(out.stdout.is_empty());
    assert_eq!(out.stderr.lines().count(), 1, "one line: {}", out.stderr);
    assert!(
        out.stderr
            .starts_with(&format!("gongkai: {}: ", path.display())),
        "{}",
        out.stderr
    );
    for needle in needles {
        assert!(out.stderr.contains(needle), "{needle:?} in {}", out.stderr);
    }
}

/// Exit 0 and the report written.
fn report(out: &Outcome) -> Report {
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    gongkai::writers::xml::from_bytes(&out.stdout).unwrap()
}

fn generic_rows(report: &Report) -> Vec<Vec<String>> {
    report
        .tables
        .iter()
        .filter_map(|t| match t {
            Table::Generic(g) => Some(g.rows.iter().map(|r| r.iter().map(|c| c.text.clone()))),
            Table::Standard(_) => None,
        })
        .flatten()
        .map(Iterator::collect)
        .collect()
}

fn has_diagnostic(report: &Report, code: &str) -> bool {
    report.diagnostics.iter().any(|d| d.code == code)
}

// ---------------------------------------------------------------- text

#[test]
fn runs_of_lone_cells_become_rows() {
    // Each cell used to copy the row built so far: 400k lines took 18.6 s.
    let dir = tempfile::tempdir().unwrap();
    let text = format!("规章\n{0}规范性文件\n{0}", "0\n".repeat(25_000));
    let (_, out) = extract(dir.path(), "cells.txt", text.as_bytes(), &[]);
    let rows = generic_rows(&report(&out));
    assert_eq!(rows.len(), 2);
    for (row, label) in rows.iter().zip(["规章", "规范性文件"]) {
        assert_eq!(row.len(), 25_001);
        assert_eq!(row[0], label);
        assert!(row[1..].iter().all(|c| c == "0"));
    }
}

#[test]
fn more_lines_or_cells_than_the_limits_are_refused_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let lines = "正文\n".repeat(999) + "正文";
    let (_, out) = extract(
        dir.path(),
        "lines.txt",
        lines.as_bytes(),
        &["--max-lines", "1000"],
    );
    report(&out);
    let (path, out) = extract(
        dir.path(),
        "more.txt",
        format!("{lines}\n正文").as_bytes(),
        &["--max-lines", "1000"],
    );
    assert_refused(&path, &out, &["more than 1000 lines", "--max-lines"]);

    let cells = format!("规章\n{0}规范性文件\n{0}", "0\n".repeat(600));
    let (path, out) = extract(
        dir.path(),
        "cells.txt",
        cells.as_bytes(),
        &["--max-cells", "1000"],
    );
    assert_refused(&path, &out, &["more than 1000 table cells", "--max-cells"]);
    // Pipe rows count their cells before they are made.
    let piped = format!("a |{0}\nb |{0}\n", " 1 |".repeat(5_000));
    let (path, out) = extract(
        dir.path(),
        "piped.txt",
        piped.as_bytes(),
        &["--max-cells", "1000"],
    );
    assert_refused(&path, &out, &["--max-cells"]);
}

#[test]
fn long_glued_runs_and_lines_of_numerals_end() {
    let dir = tempfile::tempdir().unwrap();
    // Every section numeral searched to its line end: 200k of them took 171 s.
    let numerals = "一、甲。".repeat(200_000);
    let (_, out) = extract(dir.path(), "numerals.txt", numerals.as_bytes(), &[]);
    assert_eq!(report(&out).meta.template_name(), "none");
    assert!(out.stderr.contains("warning: no standard table"));
}

// ---------------------------------------------------------------- HTML

#[test]
fn html_past_the_node_limit_is_refused_and_below_it_read() {
    let dir = tempfile::tempdir().unwrap();
    // Twelve million of these took 36 s and 5.45 GB.
    let page = format!("<table><tr>{}", "<td>1".repeat(3_000));
    let (_, out) = extract(dir.path(), "cells.html", page.as_bytes(), &[]);
    let rows = generic_rows(&report(&out));
    assert_eq!(rows, vec![vec!["1".to_string(); 3_000]]);
    let (path, out) = extract(
        dir.path(),
        "nodes.html",
        page.as_bytes(),
        &["--max-html-nodes", "5000"],
    );
    assert_refused(
        &path,
        &out,
        &["more than 5000 HTML nodes", "--max-html-nodes"],
    );
    let (path, out) = extract(
        dir.path(),
        "cells2.html",
        page.as_bytes(),
        &["--max-cells", "2000"],
    );
    assert_refused(&path, &out, &["more than 2000 table cells", "--max-cells"]);
}

#[test]
fn a_run_of_entities_is_one_text_node() {
    // Each `&nbsp;` comes to the tree as text of its own, and joins the text before it.
    let dir = tempfile::tempdir().unwrap();
    let page = format!(
        "<html><body><p>{}</p></body></html>",
        "&nbsp;规".repeat(50_000)
    );
    let (_, out) = extract(
        dir.path(),
        "entities.html",
        page.as_bytes(),
        &["--max-html-nodes", "100"],
    );
    report(&out);
}

#[test]
fn html_depth_has_a_ceiling_and_deep_pages_are_flattened() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!(
        "<html><body>{}<p>一、总体情况</p>{}</body></html>",
        "<div>".repeat(20_000),
        "</div>".repeat(20_000)
    );
    // 100k levels with the limit raised past them were quadratic (20.5 s).
    let (_, out) = extract(
        dir.path(),
        "deep.html",
        deep.as_bytes(),
        &["--max-html-depth", "10000000"],
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("--max-html-depth"), "{}", out.stderr);
    let (_, out) = extract(
        dir.path(),
        "deep2.html",
        deep.as_bytes(),
        &["--max-html-depth", "4096"],
    );
    let report = report(&out);
    assert!(has_diagnostic(&report, "nesting-flattened"));
    assert!(report
        .sections
        .iter()
        .any(|s| s.heading.as_deref() == Some("一、总体情况")));
}

#[test]
fn end_tags_of_elements_not_open_and_crowded_tags_end() {
    let dir = tempfile::tempdir().unwrap();
    // Each `</span>` looked through every open `<div>`.
    let unmatched = format!(
        "<html><body><p>正文</p>{}{}",
        "<div>".repeat(50_000),
        "</span>".repeat(50_000)
    );
    let (_, out) = extract(dir.path(), "unmatched.html", unmatched.as_bytes(), &[]);
    assert!(has_diagnostic(&report(&out), "nesting-flattened"));
    // The tokenizer compares each attribute with the ones before it.
    let attributes: String = (0..100_000).map(|i| format!(" a{i}=\"{i}\"")).collect();
    let crowded = format!("<html><body><p{attributes}>一、总体情况</p></body></html>");
    let (_, out) = extract(dir.path(), "crowded.html", crowded.as_bytes(), &[]);
    let report = report(&out);
    assert!(has_diagnostic(&report, "attributes-dropped"));
    assert!(report
        .sections
        .iter()
        .any(|s| s.heading.as_deref() == Some("一、总体情况")));
}

// ---------------------------------------------------------------- DOCX, ODT

fn zip(parts: &[(&str, String)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    for (name, body) in parts {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    out.into_inner()
}

fn docx(body: &str) -> Vec<u8> {
    zip(&[(
        "word/document.xml",
        format!(
            "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
        ),
    )])
}

#[test]
fn docx_paragraphs_deep_inside_other_elements_are_read() {
    // Each run looked down the stack for its paragraph: 900k paragraphs 9,000 deep took 13 s.
    let dir = tempfile::tempdir().unwrap();
    let paragraphs: String = (0..20_000)
        .map(|i| format!("<w:p><w:r><w:t>第{i}段</w:t></w:r></w:p>"))
        .collect();
    let body = format!(
        "{}{paragraphs}{}",
        "<w:sdt><w:sdtContent>".repeat(4_000),
        "</w:sdtContent></w:sdt>".repeat(4_000)
    );
    let (_, out) = extract(dir.path(), "deep.docx", &docx(&body), &[]);
    let report = report(&out);
    let text: Vec<&String> = report.sections.iter().flat_map(|s| &s.paragraphs).collect();
    assert_eq!(text.len(), 20_000);
    assert_eq!(text[19_999], "第19999段");
}

#[test]
fn docx_cells_count_the_columns_they_span() {
    // A row of 100k cells spanning 1000 columns each took 3.6 GB.
    let dir = tempfile::tempdir().unwrap();
    let cell = "<w:tc><w:tcPr><w:gridSpan w:val=\"1000\"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>";
    let body = format!("<w:tbl><w:tr>{}</w:tr></w:tbl>", cell.repeat(2_000));
    let (path, out) = extract(dir.path(), "spans.docx", &docx(&body), &[]);
    assert_refused(
        &path,
        &out,
        &["more than 1000000 table cells", "--max-cells"],
    );
}

#[test]
fn odt_repeats_past_the_text_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cell = format!(
        "<table:table-cell table:number-columns-repeated=\"1000\"><text:p>{}</text:p></table:table-cell>",
        "字".repeat(1_000)
    );
    let row =
        format!("<table:table-row table:number-rows-repeated=\"1000\">{cell}</table:table-row>");
    let content = format!(
        "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:text><table:table>{}</table:table></office:text></office:body></office:document-content>",
        row.repeat(10)
    );
    let odt = zip(&[
        ("mimetype", "application/vnd.oasis.opendocument.text".into()),
        ("content.xml", content),
    ]);
    let (path, out) = extract(
        dir.path(),
        "repeated.odt",
        &odt,
        &["--max-input-bytes", "1000000"],
    );
    assert_refused(
        &path,
        &out,
        &["more than 2000000 bytes of text", "--max-input-bytes"],
    );
}

// ---------------------------------------------------------------- PDF

/// A PDF of the given objects (1 is the catalog), with a correct cross-reference table.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Catalog, page tree and one page showing `content` in font `font`, then `extra`.
fn one_page(content: &[u8], font: &[u8], extra: Vec<Vec<u8>>) -> Vec<u8> {
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(content);
    stream.extend_from_slice(b"\nendstream");
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        stream,
        font.to_vec(),
    ];
    objects.extend(extra);
    pdf(&objects)
}

const HELVETICA: &[u8] =
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

#[test]
fn pdfs_of_too_many_objects_or_inflating_streams_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = b"BT /F1 12 Tf 72 700 Td (1) Tj ET";
    let objects = one_page(text, HELVETICA, vec![b"<<>>".to_vec(); 400_000]);
    let (path, out) = extract(dir.path(), "objects.pdf", &objects, &[]);
    assert_refused(&path, &out, &["more than 400000 objects"]);

    // lopdf inflates every object stream as it loads: 500 of 60 MiB took 20 s.
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(b"1 0 ").unwrap();
    z.write_all(&vec![b' '; 60 << 20]).unwrap();
    let data = z.finish().unwrap();
    let mut object_stream = format!(
        "<< /Type /ObjStm /N 1 /First 4 /Length {} /Filter /FlateDecode >>\nstream\n",
        data.len()
    )
    .into_bytes();
    object_stream.extend_from_slice(&data);
    object_stream.extend_from_slice(b"\nendstream");
    let streams = one_page(text, HELVETICA, vec![object_stream; 5]);
    let (path, out) = extract(dir.path(), "streams.pdf", &streams, &[]);
    assert_refused(
        &path,
        &out,
        &["object and cross-reference streams decompress to more than"],
    );
}

/// The first `len` bytes of a golden PDF.
fn cut(case: &str, len: impl Fn(usize) -> usize) -> Vec<u8> {
    let whole = std::fs::read(root().join("golden").join(case).join("input.pdf")).unwrap();
    whole[..len(whole.len())].to_vec()
}

#[test]
fn a_pdf_cut_short_is_refused_when_it_cannot_be_repaired() {
    let dir = tempfile::tempdir().unwrap();
    // Its fonts were in the part cut off: what is left would be U+FFFD.
    let (path, out) = extract(
        dir.path(),
        "fonts-lost.pdf",
        &cut("shanghai-2019-pdf-chromium", |n| n / 5),
        &[],
    );
    assert_refused(
        &path,
        &out,
        &["damaged beyond repair", "% of its text cannot be decoded"],
    );
    let (path, out) = extract(
        dir.path(),
        "first-5000.pdf",
        &cut("synthetic-2024-pdf-gbk", |_| 5_000),
        &[],
    );
    assert_refused(&path, &out, &["damaged beyond repair", "no page has text"]);
    // What is left reads: written, with a warning in the XML and on standard error.
    let (path, out) = extract(
        dir.path(),
        "partial.pdf",
        &cut("synthetic-2024-pdf-ucs2", |_| 5_000),
        &[],
    );
    assert!(has_diagnostic(&report(&out), "pdf-repaired"));
    assert_eq!(
        out.stderr,
        format!(
            "gongkai: {}: warning: the PDF is damaged (cut short?) and was read as far as it goes\n",
            path.display()
        )
    );
}

#[test]
fn text_that_cannot_be_decoded_is_said_in_one_line() {
    // Identity-H with neither ToUnicode nor a known character collection: every glyph
    // is U+FFFD. The file is sound, so it is written; standard error says what it holds.
    let dir = tempfile::tempdir().unwrap();
    let font = b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>] >>";
    let content = b"BT /F1 12 Tf 72 700 Td <0001000200030004000500060007> Tj ET";
    let (path, out) = extract(
        dir.path(),
        "unmapped.pdf",
        &one_page(content, font, Vec::new()),
        &[],
    );
    report(&out);
    assert_eq!(
        out.stderr,
        format!(
            "gongkai: {}: warning: no standard table was found (template none); 100% of its text could not be decoded (U+FFFD)\n",
            path.display()
        )
    );
}

/// `show` of a folder holding the meilie case's original and its XML as `edit` changes it.
fn show_edited_xml(dir: &Path, edit: impl Fn(&str) -> String) -> (PathBuf, std::process::Output) {
    let case = root().join("golden/meilie-2020-pipe");
    let col = dir.join("col");
    std::fs::create_dir_all(&col).unwrap();
    std::fs::copy(case.join("input.txt"), col.join("input.txt")).unwrap();
    let xml = std::fs::read_to_string(case.join("expected.xml")).unwrap();
    let edited = edit(&xml);
    assert_ne!(edited, xml, "the edit changed nothing");
    let path = col.join("input.txt.xml");
    std::fs::write(&path, edited).unwrap();
    let site = dir.join("site");
    let out = run(&["show", col.to_str().unwrap(), "-o", site.to_str().unwrap()]);
    (path, out)
}

#[test]
fn a_source_hash_that_is_not_hex_is_refused_naming_the_xml() {
    let sha = "7112633ba3f474e4abcd7eea79c5e43275de2a077222f4c5eb21af929a0bed07";
    // Byte 8 of the first inside a character: a page named by the hash's start panicked.
    for bad in [
        "一二三四",
        sha.to_uppercase().as_str(),
        &sha[1..],
        format!("{sha}0").as_str(),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (xml, out) = show_edited_xml(dir.path(), |x| {
            x.replace(&format!("sha256=\"{sha}\""), &format!("sha256=\"{bad}\""))
        });
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The original beside it is the only report left: shown, and the XML named.
        assert_eq!(out.status.code(), Some(1), "{bad}: {stderr}");
        let said = format!(
            "gongkai: {}: not a canonical gongkai report: sha256 \"{bad}\" is not 64 lowercase hexadecimal digits (at byte ",
            xml.display()
        );
        assert!(stderr.starts_with(&said), "{bad}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{bad}: {stderr}");
    }
}

#[test]
fn a_line_range_past_the_text_shows_the_lines_there_are() {
    // Each number of the range was once a line to look for (12 s a cell), and the line
    // after the last overflowed.
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = show_edited_xml(dir.path(), |x| {
        x.replacen("src=\"L28\"", "src=\"L28-4294967295\"", 1)
    });
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = dir.path().join("site");
    let page = std::fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap() != "index.html")
        .unwrap();
    let html = std::fs::read_to_string(page).unwrap();
    assert!(
        html.contains("第 28–4294967295 行"),
        "the place as the XML gives it"
    );
    let last = std::fs::read_to_string(root().join("golden/meilie-2020-pipe/input.txt"))
        .unwrap()
        .lines()
        .count();
    assert!(
        html.contains(&format!("<span class=\"n\">{last:>5} </span>")),
        "the lines shown end at the text's last line, {last}"
    );
}

//! DOCX and ODT end to end: what sniffing tells apart, and hostile packages (bombs,
//! missing parts, malformed XML, entity tricks, deep nesting) refused with a clear line.

mod util;

use std::io::{Cursor, Write};

use util::{root, run};

/// A zip of the given parts (deflated).
fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
    zip_of(parts, zip::CompressionMethod::Deflated)
}

fn zip_of(parts: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in parts {
        // ODF stores its mimetype first and uncompressed.
        let opts = if *name == "mimetype" {
            opts.compression_method(zip::CompressionMethod::Stored)
        } else {
            opts
        };
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn docx(document: &str) -> Vec<u8> {
    package(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", document.as_bytes()),
    ])
}

fn extract(name: &str, bytes: &[u8], extra: &[&str]) -> (Option<i32>, Vec<u8>, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    let mut args = vec!["extract", p.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = run(&args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.code() == Some(2) {
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.starts_with("gongkai: "), "{err}");
    }
    (out.status.code(), out.stdout, err)
}

#[test]
fn a_small_document_reads_paragraphs_numbering_and_merged_cells() {
    let doc = format!(
        r#"<w:document {W}><w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>总体</w:t></w:r><w:r><w:t xml:space="preserve">情况</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>三、本年度办理结果</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>1</w:t></w:r><w:r><w:t>2</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>nested</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>
</w:body></w:document>"#
    );
    let (code, out, err) = extract("small.docx", &docx(&doc), &[]);
    assert_eq!(code, Some(0), "{err}");
    let report = gongkai::writers::xml::from_bytes(&out).unwrap();
    assert_eq!(
        report.sections[0].paragraphs,
        vec!["总体情况"],
        "tab stops are no text"
    );
    let gongkai::model::Table::Generic(g) = &report.tables[0] else {
        panic!()
    };
    assert_eq!((g.rows[0][0].row_span, g.rows[0][1].col_span), (2, 2));
    assert_eq!(
        g.rows[1]
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>(),
        ["12\nnested", ""]
    );
    assert_eq!(
        report.meta.source.media_type,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
}

#[test]
fn a_zip_bomb_is_refused_by_its_ratio() {
    // 64 MB of one byte compresses to some 64 KB.
    let mut doc = format!("<w:document {W}><w:body><w:p><w:r><w:t>").into_bytes();
    doc.extend(std::iter::repeat_n(b'a', 64 << 20));
    let bytes = docx(std::str::from_utf8(&doc).unwrap());
    assert!(bytes.len() < 1 << 20);
    let (code, _, err) = extract("bomb.docx", &bytes, &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("word/document.xml decompresses more than 250 times its size: a zip bomb"),
        "{err}"
    );
}

#[test]
fn missing_parts_malformed_xml_and_entities_are_clear_errors() {
    let (code, _, err) = extract("empty.docx", &package(&[("word/other.xml", b"<x/>")]), &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("a zip archive that holds no DOCX, ODT or OFD document"),
        "{err}"
    );
    let (code, _, err) = extract(
        "empty.docx",
        &package(&[("word/other.xml", b"<x/>")]),
        &["--from", "docx"],
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("no word/document.xml in the package"), "{err}");
    let (code, _, err) = extract(
        "bad.docx",
        &docx(&format!("<w:document {W}><w:body><w:p><w:t>x</w:p>")),
        &[],
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("malformed XML in word/document.xml"), "{err}");
    let laughs = format!(
        "<!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><w:document {W}><w:body><w:p><w:r><w:t>&b;&b;&b;</w:t></w:r></w:p></w:body></w:document>"
    );
    let (code, _, err) = extract("laughs.docx", &docx(&laughs), &[]);
    assert_eq!(code, Some(2), "entities are not expanded");
    assert!(err.contains("malformed XML"), "{err}");
    let (code, _, err) = extract(
        "notzip.docx",
        b"PK\x03\x04 and then nothing",
        &["--from", "docx"],
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("not a readable zip container"), "{err}");
}

#[test]
fn a_hundred_thousand_nested_tables_end_in_an_error_not_a_crash() {
    let n = 100_000;
    let mut doc = format!("<w:document {W}><w:body>");
    doc.push_str(&"<w:tbl><w:tr><w:tc>".repeat(n));
    doc.push_str("<w:p><w:r><w:t>deep</w:t></w:r></w:p>");
    doc.push_str(&"</w:tc></w:tr></w:tbl>".repeat(n));
    doc.push_str("</w:body></w:document>");
    // Stored, not deflated: deflated, it would be refused as a bomb before its depth.
    let stored = zip_of(
        &[("word/document.xml", doc.as_bytes())],
        zip::CompressionMethod::Stored,
    );
    let (code, _, err) = extract("deep.docx", &stored, &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("nests elements more than 10000 deep"), "{err}");
    // Deep but within bounds: read, the inner tables as text of their cells.
    let n = 2_000;
    let mut doc = format!("<w:document {W}><w:body>");
    doc.push_str(&"<w:tbl><w:tr><w:tc>".repeat(n));
    doc.push_str("<w:p><w:r><w:t>deep</w:t></w:r></w:p>");
    doc.push_str(&"</w:tc></w:tr></w:tbl>".repeat(n));
    doc.push_str("</w:body></w:document>");
    let (code, out, err) = extract("deep.docx", &docx(&doc), &[]);
    assert_eq!(code, Some(0), "{err}");
    let report = gongkai::writers::xml::from_bytes(&out).unwrap();
    let gongkai::model::Table::Generic(g) = &report.tables[0] else {
        panic!()
    };
    assert_eq!(g.rows[0][0].text, "deep");
}

#[test]
fn other_packages_and_old_binary_documents_are_named() {
    let (code, _, err) = extract(
        "report.doc",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0",
        &[],
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("an OLE2 document (.doc, .wps, .xls): not supported; convert it to DOCX first (e.g. `soffice --headless --convert-to docx FILE`)"), "{err}");
    let (code, _, err) = extract(
        "book.xlsx",
        &package(&[("xl/workbook.xml", b"<workbook/>")]),
        &[],
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("an XLSX workbook, not a document"), "{err}");
    // A sealed archive handed to extract.
    let dir = tempfile::tempdir().unwrap();
    let coll = dir.path().join("c");
    std::fs::create_dir(&coll).unwrap();
    std::fs::copy(
        root().join("golden/meilie-2020-pipe/input.txt"),
        coll.join("m.txt"),
    )
    .unwrap();
    let zip = dir.path().join("a.zip");
    assert!(run(&[
        "seal",
        "--year",
        "2020",
        coll.to_str().unwrap(),
        "-o",
        zip.to_str().unwrap()
    ])
    .status
    .success());
    let out = run(&["extract", zip.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("a sealed gongkai archive: use `gongkai verify`"));
}

#[test]
fn an_odt_reads_spans_repeats_and_skips_notes() {
    let content = r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>
<text:h>一、总体<text:s text:c="2"/>情况<text:note><text:note-body><text:p>脚注文字</text:p></text:note-body></text:note></text:h>
<table:table><table:table-row><table:table-cell table:number-rows-spanned="2"><text:p>a</text:p></table:table-cell><table:table-cell table:number-columns-spanned="2"><text:p>b</text:p></table:table-cell><table:covered-table-cell/></table:table-row>
<table:table-row><table:covered-table-cell/><table:table-cell table:number-columns-repeated="2"/></table:table-row></table:table>
</office:text></office:body></office:document-content>"#;
    let bytes = package(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content.as_bytes()),
    ]);
    let (code, out, err) = extract("small.odt", &bytes, &[]);
    assert_eq!(code, Some(0), "{err}");
    let report = gongkai::writers::xml::from_bytes(&out).unwrap();
    assert_eq!(report.sections[0].heading.as_deref(), Some("一、总体 情况"));
    assert_eq!(
        report.meta.source.media_type,
        "application/vnd.oasis.opendocument.text"
    );
    let gongkai::model::Table::Generic(g) = &report.tables[0] else {
        panic!()
    };
    assert_eq!((g.rows[0][0].row_span, g.rows[0][1].col_span), (2, 2));
    assert_eq!(g.rows[1].len(), 2);
}

/// Where each grid cell and paragraph of a document's layout was printed, as `src` writes
/// it (`-` for none).
fn places(bytes: &[u8]) -> (Vec<Vec<String>>, Vec<String>) {
    use gongkai::layout::Block;
    let layout = gongkai::readers::read(
        gongkai::input::sniff(bytes),
        bytes,
        &gongkai::Limits::default(),
    )
    .unwrap();
    let shown = |s: Option<gongkai::model::Src>| s.map_or("-".to_string(), |s| s.to_string());
    let mut grids = Vec::new();
    let mut paragraphs = Vec::new();
    for block in &layout.blocks {
        match block {
            Block::Grid(g) => grids.push(
                g.rows
                    .iter()
                    .flatten()
                    .map(|c| format!("{}@{}", c.text, shown(c.src)))
                    .collect(),
            ),
            Block::Paragraph(t) | Block::Line(t) => {
                paragraphs.push(format!("{t}@{}", shown(t.src_of(0..t.as_str().len()))))
            }
        }
    }
    (grids, paragraphs)
}

/// Cells are named by the elements they were written as (a vertical merge's continuation
/// and ODT's covered cells are elements too, a repeated cell is one); paragraphs by the
/// lines of the part they stand on.
#[test]
fn cells_and_paragraphs_know_where_they_were_written() {
    let doc = format!(
        r#"<w:document {W}><w:body>
<w:p><w:r><w:t>总体</w:t></w:r><w:r><w:t>情况</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>结果</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>nested</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:t>规章 | 3 |</w:t></w:r><w:r><w:br/><w:t>规范性文件 |</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">
4</w:t></w:r></w:p>
</w:body></w:document>"#
    );
    let (grids, paragraphs) = places(&docx(&doc));
    assert_eq!(
        grids,
        vec![
            vec!["结果@T1R1C1", "x@T1R1C2", "1\nnested@T1R2C2"],
            vec!["2@T3R1C1"],
            vec!["规章@L6", "3@L6", "规范性文件@L6"],
        ]
    );
    assert_eq!(paragraphs, vec!["总体情况@L2", "4@L6-7"]);

    let content = r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>
<text:p>一、总体情况</text:p>
<table:table><table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>b</text:p></table:table-cell><table:covered-table-cell/></table:table-row>
<table:table-row><table:covered-table-cell/><table:table-cell table:number-columns-repeated="2"><text:p>5</text:p></table:table-cell></table:table-row></table:table>
</office:text></office:body></office:document-content>"#;
    let odt = package(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content.as_bytes()),
    ]);
    let (grids, paragraphs) = places(&odt);
    assert_eq!(grids, vec![vec!["b@T1R1C1", "5@T1R2C2", "5@T1R2C2"]]);
    assert_eq!(paragraphs, vec!["一、总体情况@L2"]);
}

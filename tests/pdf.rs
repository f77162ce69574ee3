//! The PDF reader end to end: tables read across page ends, and hostile files — each ends
//! in valid XML or in exit 2 with one line naming the file, in bounded time. (The real WPS
//! report of the corpus is read in tests/corpus.rs.)

mod util;

use std::path::Path;

use gongkai::layout::Block;
use gongkai::model::{CellContent, Table};
use util::{extract_bytes, root, run, Outcome};

fn layout_of(path: &Path) -> gongkai::layout::Layout {
    let bytes = std::fs::read(path).unwrap();
    gongkai::readers::read(
        gongkai::input::Format::Pdf,
        &bytes,
        &gongkai::Limits::default(),
    )
    .unwrap()
}

fn grid_text(block: &Block) -> Option<String> {
    match block {
        Block::Grid(g) => Some(
            g.rows
                .iter()
                .flat_map(|r| r.iter().map(|c| c.text.text.clone()))
                .collect::<Vec<_>>()
                .join("|"),
        ),
        _ => None,
    }
}

/// t3 of the synthetic report runs across a page end: it comes out as two grids, one
/// right after the other (the running header and the page number between them are
/// dropped), and the recogniser reads the table's rows across both.
#[test]
fn a_table_continued_on_the_next_page_is_read_across_grids() {
    for case in ["synthetic-2024-pdf-gbk", "synthetic-2024-pdf-ucs2"] {
        let dir = root().join("golden").join(case);
        let layout = layout_of(&dir.join("input.pdf"));
        let first = layout
            .blocks
            .iter()
            .position(|b| grid_text(b).is_some_and(|t| t.contains("本年新收")))
            .unwrap();
        let next = grid_text(&layout.blocks[first + 1]).expect("the continuation follows at once");
        assert!(!grid_text(&layout.blocks[first])
            .unwrap()
            .contains("（七）总计"));
        assert!(next.contains("（七）总计"), "{case}: {next}");
        let out = run(&["extract", dir.join("input.pdf").to_str().unwrap()]);
        let report = gongkai::writers::xml::from_bytes(&out.stdout).unwrap();
        let t3 = report.standard_table("t3").unwrap();
        let truth: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap())
                .unwrap();
        for row in [
            "t3.row.new_requests",
            "t3.row.not_processed.petition",
            "t3.row.results_total",
            "t3.row.carried_forward",
        ] {
            let want = truth["cells"][format!("t3|{row}|t3.col.total")].as_str();
            assert!(want.is_some());
            assert_eq!(
                t3.cell(row, "t3.col.total").unwrap().value(),
                want,
                "{case} {row}"
            );
        }
    }
}

#[test]
fn page_numbers_and_running_headers_are_dropped() {
    let layout = layout_of(&root().join("golden/synthetic-2024-pdf-xobject/input.pdf"));
    let lines: Vec<&str> = layout
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Line(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert!(lines.iter().all(|l| !l.contains("— ")), "{lines:?}");
    assert!(
        lines.iter().all(|l| !l.contains("信息公开专栏")),
        "{lines:?}"
    );
    // The prose around the Form XObject is read with its own font: q … Q restored it.
    assert!(lines.iter().any(|l| l.contains("本年度未收取信息处理费")));
    assert!(!lines.iter().any(|l| l.contains('\u{FFFD}')));
}

// ------------------------------------------------------------------ hostile input

/// A PDF from object bodies (object n is `objects[n - 1]`), with a correct xref table.
fn pdf(objects: &[&[u8]]) -> Vec<u8> {
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

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}

const GBK_FONT: &[u8] = b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 >>] >>";

/// Text a page shows: GBK bytes in a GBK-EUC-H font.
fn gbk_text(s: &str) -> String {
    let (bytes, _, _) = encoding_rs::GBK.encode(s);
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    format!("BT /F1 12 Tf 72 700 Td <{hex}> Tj ET")
}

fn diagnostics(out: &Outcome) -> Vec<String> {
    let report = gongkai::writers::xml::from_bytes(&out.stdout).unwrap();
    report.diagnostics.iter().map(|d| d.code.clone()).collect()
}

#[test]
fn truncated_pdfs_give_what_they_can_or_a_clear_error() {
    // The real WPS PDF's cuts are in tests/corpus.rs.
    let full = std::fs::read(root().join("golden/synthetic-2024-pdf-gbk/input.pdf")).unwrap();
    for percent in [1, 10, 30, 50, 70, 90, 99] {
        let cut = &full[..full.len() * percent / 100];
        extract_bytes(&format!("cut{percent}.pdf"), cut);
    }
}

#[test]
fn a_broken_xref_is_rebuilt() {
    let content = stream("", gbk_text("一、总体情况").as_bytes());
    let mut bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        &content,
        GBK_FONT,
    ]);
    // Every offset in the table points nowhere.
    let at = bytes.windows(4).position(|w| w == b"xref").unwrap();
    for b in &mut bytes[at + 30..] {
        if b.is_ascii_digit() {
            *b = b'7';
        }
    }
    let out = extract_bytes("xref.pdf", &bytes);
    if out.code == Some(0) {
        let xml = String::from_utf8_lossy(&out.stdout);
        assert!(xml.contains("总体情况"), "{xml}");
    }
}

#[test]
fn reference_cycles_and_page_tree_loops_end() {
    let content = stream("", gbk_text("正文").as_bytes());
    // Contents and Resources that refer to each other, a page tree whose kids include
    // itself, a font whose descendant is the font.
    let cyclic = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /Resources 6 0 R /Contents [4 0 R 7 0 R] >>",
        &content,
        b"<< /Type /Font /Subtype /Type0 /Encoding /GBK-EUC-H /DescendantFonts [5 0 R] /ToUnicode 5 0 R >>",
        b"<< /Font << /F1 5 0 R >> /XObject << /X 8 0 R >> >>",
        b"7 0 R",
        b"8 0 R",
    ]);
    extract_bytes("cycles.pdf", &cyclic);
    let loop_tree = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1 >>",
    ]);
    let out = extract_bytes("loop.pdf", &loop_tree);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
}

#[test]
fn a_form_that_draws_itself_is_cut_off() {
    let form = stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /Me 5 0 R >> /Font << /F1 6 0 R >> >>",
        format!("{} /Me Do", gbk_text("二、主动公开政府信息情况")).as_bytes(),
    );
    let content = stream("", b"/Me Do");
    let bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Me 5 0 R >> >> /Contents 4 0 R >>",
        &content,
        &form,
        GBK_FONT,
    ]);
    let out = extract_bytes("selfform.pdf", &bytes);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(diagnostics(&out).contains(&"pdf-page".to_string()));
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let deep = "[".repeat(200_000);
    let content = stream("", format!("{} {deep} Tj", gbk_text("正文")).as_bytes());
    let dict = format!("{}1{}", "<< /A ".repeat(50_000), " >>".repeat(50_000));
    let bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        &content,
        GBK_FONT,
        dict.as_bytes(),
    ]);
    extract_bytes("deep.pdf", &bytes);
}

/// 1 GiB of spaces (content-stream whitespace), Flate-compressed to about a megabyte:
/// the first compressed mebibyte, then the steady-state compressed mebibyte repeated.
fn bomb() -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let chunk = vec![b' '; 1 << 20];
    let mut c = Compress::new(Compression::fast(), true);
    let piece = |c: &mut Compress| {
        let mut out = Vec::with_capacity(1 << 16);
        let before = c.total_in();
        while c.total_in() - before < chunk.len() as u64 {
            let done = (c.total_in() - before) as usize;
            out.reserve(1 << 16);
            c.compress_vec(&chunk[done..], &mut out, FlushCompress::Sync)
                .unwrap();
        }
        out
    };
    let first = piece(&mut c);
    let second = piece(&mut c);
    let third = piece(&mut c);
    assert_eq!(second, third, "steady-state blocks repeat");
    let mut data = first;
    for _ in 0..1023 {
        data.extend_from_slice(&second);
    }
    data
}

#[test]
fn a_one_gigabyte_decompression_bomb_is_refused_in_bounded_memory() {
    let data = bomb();
    assert!(data.len() < 16 << 20);
    let content = stream("/Filter /FlateDecode", &data);
    let bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        &content,
        GBK_FONT,
    ]);
    let out = extract_bytes("bomb.pdf", &bytes);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("decompresses to more than"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_broken_tounicode_map_falls_back_and_is_reported() {
    let cmap = stream(
        "",
        b"begincmap 2 beginbfchar <D6D0> <4E2D> <B9FA> endbfchar beginbfrange <00> [ ((( endcmap",
    );
    let content = stream("", gbk_text("中国人").as_bytes());
    let bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        &content,
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H /ToUnicode 6 0 R /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> >>] >>",
        &cmap,
    ]);
    let out = extract_bytes("cmap.pdf", &bytes);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let xml = String::from_utf8_lossy(&out.stdout);
    // 中 from the map, 国 and 人 through Adobe-GB1.
    assert!(xml.contains("中国人"), "{xml}");
    assert!(diagnostics(&out).contains(&"pdf-font".to_string()));
}

#[test]
fn a_glyph_without_unicode_becomes_a_replacement_character_and_a_diagnostic() {
    // Identity-H with neither ToUnicode nor a known character collection.
    let content = stream("", b"BT /F1 12 Tf 72 700 Td <00410042> Tj ET");
    let bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        &content,
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>] >>",
    ]);
    let out = extract_bytes("unmapped.pdf", &bytes);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let report = gongkai::writers::xml::from_bytes(&out.stdout).unwrap();
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == "pdf-unmapped-glyphs")
        .expect("a diagnostic");
    assert!(
        d.message
            .contains("2 glyph(s) of font ABCDEF+SimSun on page 1"),
        "{}",
        d.message
    );
    let prose: String = report
        .sections
        .iter()
        .flat_map(|s| s.paragraphs.iter().cloned())
        .collect();
    assert!(prose.contains("\u{FFFD}\u{FFFD}"), "{prose}");
}

#[test]
fn encrypted_pdfs_open_with_an_empty_password_only() {
    let out = extract_bytes(
        "user.pdf",
        &std::fs::read(root().join("tests/data/encrypted-user-password.pdf")).unwrap(),
    );
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr
            .contains("encrypted and opens only with a password"),
        "{}",
        out.stderr
    );
    // The empty-password one is a golden case; here only that it says it decrypted.
    let out = run(&[
        "extract",
        root()
            .join("golden/synthetic-2024-pdf-encrypted/input.pdf")
            .to_str()
            .unwrap(),
    ]);
    let report = gongkai::writers::xml::from_bytes(&out.stdout).unwrap();
    assert!(report.diagnostics.iter().any(|d| d.code == "pdf-decrypted"));
    assert!(matches!(report.tables[0], Table::Standard(_)));
}

#[test]
fn pdfs_without_pages_or_text_are_refused() {
    let out = extract_bytes("junk.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n");
    assert_eq!(out.code, Some(2));
    let empty = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]);
    let out = extract_bytes("scan.pdf", &empty);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("no text layer"), "{}", out.stderr);
}

/// A `/Rotate` that turns the text sideways (a page rotated in a viewer and saved) is
/// read as well: the page is turned back by the direction its text runs.
#[test]
fn pages_whose_text_runs_sideways_are_turned_back() {
    let dir = root().join("golden/synthetic-2024-pdf-gbk");
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
    for rotate in [90, 180, 270] {
        let mut doc = lopdf::Document::load(dir.join("input.pdf")).unwrap();
        let pages: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
        for id in pages {
            doc.get_dictionary_mut(id)
                .unwrap()
                .set("Rotate", lopdf::Object::Integer(rotate));
        }
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        let out = extract_bytes(&format!("rotate{rotate}.pdf"), &bytes);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let report = gongkai::writers::xml::from_bytes(&out.stdout).unwrap();
        for (key, want) in truth["cells"].as_object().unwrap() {
            let mut k = key.split('|');
            let (t, r, c) = (k.next().unwrap(), k.next().unwrap(), k.next().unwrap());
            let cell = report.standard_table(t).and_then(|t| t.cell(r, c)).unwrap();
            let got = match &cell.content {
                CellContent::Value(v) => serde_json::Value::String(v.clone()),
                CellContent::Blank => serde_json::Value::Null,
                other => panic!("/Rotate {rotate}: {key}: {other:?}"),
            };
            let same = got == *want
                || got.as_str().and_then(|g| g.parse::<f64>().ok())
                    == want.as_str().and_then(|w| w.parse::<f64>().ok());
            assert!(same, "/Rotate {rotate}: {key}: got {got}, want {want}");
        }
    }
}

#[test]
fn huge_pages_of_glyphs_and_rulings_finish_quickly() {
    let mut content = String::from("BT /F1 1 Tf 10 400 Td <");
    for _ in 0..60_000 {
        content.push_str("D6D0");
    }
    content.push_str("> Tj ET\n");
    for i in 0..6_000 {
        let p = i as f64 * 3.0;
        content.push_str(&format!("0 {p} m 500 {p} l S {p} 0 m {p} 700 l S\n"));
    }
    let content = stream("", content.as_bytes());
    let bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        &content,
        GBK_FONT,
    ]);
    extract_bytes("huge.pdf", &bytes);
}

/// A form of a mebibyte drawn a hundred thousand times would be 100 GB of content to
/// interpret: the document's content budget stops it.
#[test]
fn a_form_drawn_over_and_over_is_cut_off() {
    let mut form_body = gbk_text("二、主动公开政府信息情况").into_bytes();
    form_body.extend(std::iter::repeat_n(b' ', 1 << 20));
    let form = stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> >>",
        &form_body,
    );
    let content = stream("", "/X Do ".repeat(100_000).as_bytes());
    let bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X 5 0 R >> >> /Contents 4 0 R >>",
        &content,
        &form,
        GBK_FONT,
    ]);
    let out = extract_bytes("forms.pdf", &bytes);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(diagnostics(&out).contains(&"pdf-page".to_string()));
}

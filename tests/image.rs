//! The image table reader (src/readers/image) on the fixtures of tests/data/scans: the
//! rulings and grids found, the digits read against the truth, the confidence reported,
//! and the errors when Tesseract or its data is missing. OCR tests need `tesseract` with
//! `chi_sim` (scripts/test installs them); without them they fail, saying what to install.

mod image_util;

use std::ffi::OsStr;

use gongkai::readers::image::{self, ocr::Tesseract, ImageDocument, ImageError, Options};
use image_util::{read_values, scans, score, truth_values};

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(scans().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn truth(name: &str) -> Vec<String> {
    truth_values(&std::fs::read_to_string(scans().join(name)).expect("truth file"))
}

/// Rows × columns of each table, page by page.
fn shapes(doc: &ImageDocument) -> Vec<Vec<(usize, usize)>> {
    doc.pages
        .iter()
        .map(|p| p.tables.iter().map(|t| (t.rows, t.cols)).collect())
        .collect()
}

fn tesseract() -> Tesseract {
    Tesseract::find().unwrap_or_else(|e| panic!("{e}"))
}

/// Hongze 2023 (counted on the page images): t2 in a grid of 8 × 4 on page 2 and 6 × 2 on
/// page 3; t3 runs from page 3 (3 header rows, 2 intake rows, 12 result rows, the last cut
/// by the page end) to page 4 (9 rows); t4 is 4 × 15.
const HONGZE: [&[(usize, usize)]; 5] = [
    &[],
    &[(8, 4)],
    &[(6, 2), (17, 10)],
    &[(9, 10), (4, 15)],
    &[],
];

#[test]
fn the_grids_of_a_report_are_the_same_in_flate_g4_and_crooked_scans() {
    let options = Options::default();
    for name in ["hongze-2023-flate.pdf", "hongze-2023-g4.tif"] {
        let doc = image::find_tables(&bytes(name), &options).expect(name);
        assert_eq!(shapes(&doc), HONGZE, "{name}");
        assert!(
            doc.pages.iter().all(|p| p.words.is_empty()),
            "{name}: no OCR asked"
        );
        assert_eq!(
            (doc.pages[0].width.round(), doc.pages[0].height.round()),
            (595.0, 842.0),
            "{name}"
        );
    }
    // Pages 2–4 only, turned 1.5° anticlockwise: the lines rise to the right.
    let doc = image::find_tables(&bytes("hongze-2023-rotated.pdf"), &options).unwrap();
    assert_eq!(shapes(&doc), HONGZE[1..4]);
    for page in &doc.pages {
        assert!(
            (page.skew_degrees + 1.5).abs() <= 0.05,
            "skew {}",
            page.skew_degrees
        );
    }
}

#[test]
fn rulings_are_segments_in_page_points_that_bound_the_table() {
    let doc = image::find_tables(&bytes("hongze-2023-flate.pdf"), &Options::default()).unwrap();
    let page = &doc.pages[3];
    let t4 = &page.tables[1];
    let inside = |x: f64, y: f64| {
        x >= t4.bbox.x0 - 1.0
            && x <= t4.bbox.x1 + 1.0
            && y >= t4.bbox.y0 - 1.0
            && y <= t4.bbox.y1 + 1.0
    };
    let level: Vec<_> = page
        .rulings
        .iter()
        .filter(|s| s.y0 == s.y1 && inside(s.x0, s.y0) && inside(s.x1, s.y1))
        .collect();
    // t4's five row rules; the full-width ones span the table.
    assert!(level.len() >= 5, "{level:?}");
    assert!(level
        .iter()
        .any(|s| (s.x1 - s.x0) >= (t4.bbox.x1 - t4.bbox.x0) - 2.0));
    assert!(page.rulings.iter().all(|s| s.width > 0.0 && s.width < 2.0));
    // On the page: A4 in points, top-left origin, t4 in the upper half of page 4.
    assert!(
        t4.bbox.x0 > 50.0 && t4.bbox.x1 < 545.0 && t4.bbox.y0 > 300.0 && t4.bbox.y1 < 500.0,
        "{:?}",
        t4.bbox
    );
}

#[test]
fn the_grids_of_synthetic_and_shanghai_scans() {
    let options = Options::default();
    let synthetic: [&[(usize, usize)]; 3] = [&[(8, 4)], &[(6, 2), (24, 10)], &[(4, 10), (4, 15)]];
    let doc = image::find_tables(&bytes("synthetic-2024-dct.pdf"), &options).unwrap();
    assert_eq!(shapes(&doc), synthetic);
    // LibreOffice's thin gray rules, thresholded at 300 dpi with specks: t2 on pages 3–4,
    // t3 on pages 4–5, t4 on page 6.
    let doc = image::find_tables(&bytes("shanghai-2019-g4.pdf"), &options).unwrap();
    let shanghai: [&[(usize, usize)]; 6] = [
        &[],
        &[],
        &[(2, 4)],
        &[(16, 5), (5, 8)],
        &[(21, 10)],
        &[(4, 15)],
    ];
    assert_eq!(shapes(&doc), shanghai);
    assert_eq!(
        (doc.pages[0].width.round(), doc.pages[0].height.round()),
        (1191.0, 842.0)
    );
}

#[test]
fn the_digits_of_a_table_image_are_read_as_the_truth_with_their_confidence() {
    let doc = image::read(
        &bytes("hongze-2023-t3.png"),
        &tesseract(),
        &Options::default(),
    )
    .unwrap();
    let page = &doc.pages[0];
    let want = truth("hongze-2023-t3.truth.json");
    assert_eq!(want.len(), 161);
    let s = score(&want, &read_values(&doc.pages));
    assert!(
        s.wrong.is_empty(),
        "wrong readings (truth, read): {:?}",
        s.wrong
    );
    assert!(s.accuracy() >= 98.0, "{s:?}");
    // The first data row, 一、本年新收: 21 from natural persons, none from organisations.
    let t3 = &page.tables[0];
    let row: Vec<&str> = t3
        .cells
        .iter()
        .filter(|c| c.row == 3 && c.col >= 3)
        .map(|c| page.words[c.words[0]].text.as_str())
        .collect();
    assert_eq!(row, ["21", "0", "0", "0", "0", "0", "21"]);
    // Every word has a confidence; the digits of this clean image are sure ones.
    assert!(page
        .words
        .iter()
        .all(|w| (0.0..=100.0).contains(&w.confidence)));
    let digits: Vec<f32> = page
        .words
        .iter()
        .filter(|w| w.text.chars().all(|c| c.is_ascii_digit()))
        .map(|w| w.confidence)
        .collect();
    assert!(digits.len() >= 161);
    assert!(
        digits.iter().filter(|&&c| c >= 80.0).count() * 10 >= digits.len() * 9,
        "{digits:?}"
    );
    // Labels are read in Chinese.
    assert!(page
        .words
        .iter()
        .any(|w| w.text.contains("本年新收政府信息公开申请数量")));
}

#[test]
fn tables_pasted_as_images_in_a_text_pdf_are_read_where_they_lie() {
    let doc = image::read(
        &bytes("synthetic-2024-table-images.pdf"),
        &tesseract(),
        &Options::default(),
    )
    .unwrap();
    let s = score(
        &truth("synthetic-2024-table-images.truth.json"),
        &read_values(&doc.pages),
    );
    assert!(
        s.wrong.is_empty(),
        "wrong readings (truth, read): {:?}",
        s.wrong
    );
    assert!(s.accuracy() >= 98.0, "{s:?}");
    // Each page's image lies between the margins (64 pt) of the A4 page; words in it too.
    for page in &doc.pages {
        for t in &page.tables {
            assert!(t.bbox.x0 >= 60.0 && t.bbox.x1 <= 535.0, "{:?}", t.bbox);
            for c in &t.cells {
                for &w in &c.words {
                    let b = page.words[w].bbox;
                    assert!(
                        b.x0 >= c.bbox.x0 - 1.0
                            && b.x1 <= c.bbox.x1 + 1.0
                            && b.y0 >= c.bbox.y0 - 1.0
                            && b.y1 <= c.bbox.y1 + 1.0
                    );
                }
            }
        }
    }
}

#[test]
fn without_tesseract_or_its_chinese_data_the_error_says_what_to_install() {
    let err = Tesseract::with(OsStr::new("/nonexistent/tesseract"), None).unwrap_err();
    assert!(matches!(err, ImageError::NoTesseract));
    assert_eq!(
        err.to_string(),
        "reading images needs Tesseract, which was not found: apt-get install tesseract-ocr tesseract-ocr-chi-sim"
    );
    let empty = tempfile::tempdir().unwrap();
    std::fs::copy(
        "/usr/share/tesseract-ocr/5/tessdata/eng.traineddata",
        empty.path().join("eng.traineddata"),
    )
    .expect("eng.traineddata of tesseract-ocr-eng");
    let err = Tesseract::with(OsStr::new("tesseract"), Some(empty.path())).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tesseract has no `chi_sim` language data: apt-get install tesseract-ocr tesseract-ocr-chi-sim"
    );
}

/// A one-page PDF whose only image is object 5: `dict` (its keys but /Length) over `data`.
fn one_image_pdf(dict: &str, data: &[u8]) -> Vec<u8> {
    image_pdf(dict, data, 1)
}

/// A one-page PDF that draws image object 5 (`dict` over `data`) `draws` times.
fn image_pdf(dict: &str, data: &[u8], draws: usize) -> Vec<u8> {
    images_pdf(
        &[(dict, data)],
        &"q 595 0 0 842 0 0 cm /Im0 Do Q\n".repeat(draws),
        &[],
    )
}

/// A one-page PDF whose content is `content`, with image objects `Im0`, `Im1` … (each
/// `dict` over `data`), and `more` objects after them.
fn images_pdf(images: &[(&str, &[u8])], content: &str, more: &[&str]) -> Vec<u8> {
    let stream = |dict: &str, data: &[u8]| {
        let mut o = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        o.extend_from_slice(data);
        o.extend_from_slice(b"\nendstream");
        o
    };
    let names: String = (0..images.len())
        .map(|i| format!("/Im{i} {} 0 R ", 5 + i))
        .collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << {names}>> >> /Contents 4 0 R >>").into_bytes(),
        stream("", content.as_bytes()),
    ];
    for (dict, data) in images {
        objects.push(stream(
            &format!("/Type /XObject /Subtype /Image {dict}"),
            data,
        ));
    }
    objects.extend(more.iter().map(|o| o.as_bytes().to_vec()));
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in &offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// The one diagnostic of a one-page PDF whose image was not read (no table found).
fn unread_image(pdf: &[u8]) -> String {
    let doc = image::find_tables(pdf, &Options::default()).unwrap();
    assert_eq!(doc.pages.len(), 1);
    assert!(doc.pages[0].tables.is_empty() && doc.pages[0].rulings.is_empty());
    assert_eq!(doc.diagnostics.len(), 1, "{:?}", doc.diagnostics);
    assert_eq!(doc.diagnostics[0].code, "image-pdf-unread");
    doc.diagnostics[0].message.clone()
}

#[test]
fn a_jbig2_page_image_is_named_in_a_diagnostic_not_guessed() {
    // A one-page PDF whose only image is JBIG2-coded.
    let pdf = one_image_pdf(
        "/Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode",
        b"\x97\x4a\x42\x32\x0d\x0a\x1a\x0a",
    );
    assert_eq!(
        unread_image(&pdf),
        "image 5 0: not supported: JBIG2Decode images (no maintained Rust JBIG2 decoder crate)"
    );
}

/// zlib data of `n` bytes `byte`.
fn deflated(byte: u8, n: usize) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![byte; n]).unwrap();
    z.finish().unwrap()
}

#[test]
fn image_streams_claiming_a_huge_size_are_refused_before_their_planes_are_made() {
    // Over the limit by the PDF's own size, whatever the filter.
    let ccitt = one_image_pdf(
        "/Width 65535 /Height 65535 /ColorSpace /DeviceGray /BitsPerComponent 1 \
         /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 65535 /Rows 65535 >>",
        &[0; 64],
    );
    assert_eq!(
        unread_image(&ccitt),
        "image 5 0: the image is 65535 × 65535 pixels, more than the 100000000-pixel limit"
    );
    // Within the limit (100 million pixels) but backed by a few bytes: not padded out with
    // white to the size claimed.
    let flate = one_image_pdf(
        "/Width 10000 /Height 10000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
        &deflated(0, 1000),
    );
    assert_eq!(
        unread_image(&flate),
        "image 5 0: damaged image (the data of a 10000 × 10000 image holds 1000 of its 100000000 bytes)"
    );
    // 64 bytes of G4 data decode to far fewer lines than the 10,000 claimed.
    let ccitt = one_image_pdf(
        "/Width 10000 /Height 10000 /ColorSpace /DeviceGray /BitsPerComponent 1 \
         /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 10000 /Rows 10000 >>",
        &[0xff; 64],
    );
    let message = unread_image(&ccitt);
    assert!(
        message.starts_with("image 5 0: damaged image (CCITTFaxDecode: ")
            && message.ends_with(" of 10000 rows decoded)"),
        "{message}"
    );
    // A JPEG whose own header claims more than the limit, under a PDF size within it.
    // A real JPEG (the seal fixture) with its frame header's size changed.
    let mut jpeg = bytes("synthetic-2024-t3-seal.jpg");
    let sof = jpeg.windows(2).position(|m| m == [0xff, 0xc0]).unwrap();
    jpeg[sof + 5..sof + 9].copy_from_slice(&[0xff, 0xff, 0xff, 0xff]);
    let dct = one_image_pdf(
        "/Width 9000 /Height 9000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode",
        &jpeg,
    );
    assert_eq!(
        unread_image(&dct),
        "image 5 0: the image is 65535 × 65535 pixels, more than the 100000000-pixel limit"
    );
    // A negative sample size is refused as such (sizes computed from it would overflow).
    let negative = one_image_pdf(
        "/Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent -8 /Filter /FlateDecode",
        &deflated(0, 10_000),
    );
    assert_eq!(
        unread_image(&negative),
        "image 5 0: not supported: images of -8 bits per sample"
    );
}

/// A little-endian TIFF of 8-bit gray pages, each `(width, height)` with one strip of
/// `width × height` bytes of white (the strip of a page over the limit is 4 bytes).
fn gray_tiff(pages: &[(u32, u32)]) -> Vec<u8> {
    let mut out = b"II*\0\0\0\0\0".to_vec();
    let mut link = 4;
    for &(w, h) in pages {
        let strip = if u64::from(w) * u64::from(h) <= 1 << 20 {
            (w * h) as usize
        } else {
            4
        };
        let data_at = out.len() as u32;
        out.extend(std::iter::repeat_n(255u8, strip));
        if out.len() % 2 == 1 {
            out.push(0);
        }
        let ifd_at = out.len() as u32;
        out[link..link + 4].copy_from_slice(&ifd_at.to_le_bytes());
        // Tag, type (3 short, 4 long), value; in tag order.
        let entries: [(u16, u16, u32); 8] = [
            (256, 4, w),
            (257, 4, h),
            (258, 3, 8),
            (259, 3, 1),
            (262, 3, 1),
            (273, 4, data_at),
            (278, 4, h),
            (279, 4, strip as u32),
        ];
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, kind, value) in entries {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&1u32.to_le_bytes());
            let mut v = value.to_le_bytes();
            if kind == 3 {
                v = [v[0], v[1], 0, 0];
            }
            out.extend_from_slice(&v);
        }
        link = out.len();
        out.extend_from_slice(&[0; 4]);
    }
    out
}

#[test]
fn a_multi_page_tiff_with_a_huge_later_page_is_refused_by_its_size() {
    let small = gray_tiff(&[(40, 30), (50, 20)]);
    let doc = image::find_tables(&small, &Options::default()).unwrap();
    assert_eq!(doc.pages.len(), 2, "the builder's TIFF reads");
    let bomb = gray_tiff(&[(40, 30), (100_000, 100_000)]);
    let err = image::find_tables(&bomb, &Options::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the image is 100000 × 100000 pixels, more than the 100000000-pixel limit"
    );
}

#[test]
fn a_decompression_bomb_image_file_is_refused_by_its_size() {
    // A PNG header claiming 100,000 × 100,000 pixels and nothing else.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    let ihdr = [
        &100_000u32.to_be_bytes()[..],
        &100_000u32.to_be_bytes(),
        &[8, 0, 0, 0, 0],
    ]
    .concat();
    png.extend_from_slice(&ihdr);
    let mut crc = crc32fast::Hasher::new();
    crc.update(b"IHDR");
    crc.update(&ihdr);
    png.extend_from_slice(&crc.finalize().to_be_bytes());
    let err = image::find_tables(&png, &Options::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the image is 100000 × 100000 pixels, more than the 100000000-pixel limit"
    );
}

/// `gongkai extract` of `bytes` saved as `name`, with `flags`: exit code, stdout, stderr.
fn extract_file(name: &str, bytes: &[u8], flags: &[&str]) -> (Option<i32>, Vec<u8>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("extract")
        .arg(&path)
        .args(flags)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).replace(path.to_str().unwrap(), name);
    (out.status.code(), out.stdout, stderr)
}

/// `extract` of `bytes` as `name` with `--max-pixels max`: exit 2 and the one line saying so.
fn assert_past_pixels(name: &str, bytes: &[u8], max: u64) {
    let (code, stdout, stderr) = extract_file(name, bytes, &["--max-pixels", &max.to_string()]);
    assert_eq!(
        (code, stdout.is_empty(), stderr),
        (
            Some(2),
            true,
            format!("gongkai: {name}: the document's images hold more than {max} pixels (raise the limit with --max-pixels)\n")
        )
    );
}

#[test]
fn images_past_the_document_pixel_budget_are_refused_whole() {
    // Three white pages of a million pixels each: each page is within the per-image limit,
    // the three together past a budget of 2.5 million.
    let tiff = gray_tiff(&[(1000, 1000), (1000, 1000), (1000, 1000)]);
    assert_past_pixels("pages.tif", &tiff, 2_500_000);
    // The same pages within the budget are read (blank pages: no table).
    let (code, stdout, stderr) = extract_file("pages.tif", &tiff, &["--max-pixels", "3000000"]);
    assert_eq!(code, Some(0), "{stderr}");
    let report = gongkai::writers::xml::from_bytes(&stdout).unwrap();
    assert_eq!(report.meta.template, None);

    // One image drawn three times on a PDF page is decoded, and taken, three times.
    let pdf = image_pdf(
        "/Width 2000 /Height 2000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
        &deflated(255, 2000 * 2000),
        3,
    );
    assert_past_pixels("drawn.pdf", &pdf, 10_000_000);
}

#[test]
fn pages_past_the_page_limit_are_said_not_dropped_silently() {
    let tiff = gray_tiff(&[(40, 30); 3]);
    let options = Options {
        max_pages: 2,
        ..Options::default()
    };
    let doc = image::find_tables(&tiff, &options).unwrap();
    assert_eq!(doc.pages.len(), 2);
    let said: Vec<_> = doc
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        said,
        [(
            "image-pages-skipped",
            "the document has more than 2 pages of images; only the first 2 were read"
        )]
    );
    // A PDF's pages likewise.
    let pdf = one_image_pdf(
        "/Width 40 /Height 30 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
        &deflated(0, 1200),
    );
    let options = Options {
        max_pages: 0,
        ..Options::default()
    };
    let doc = image::find_tables(&pdf, &options).unwrap();
    assert!(doc.pages.is_empty());
    assert_eq!(doc.diagnostics[0].code, "image-pages-skipped");
}

#[test]
fn an_indexed_colour_space_that_names_itself_as_its_base_ends() {
    // `[/Indexed 6 0 R 1 <00ff>]` as object 6: its base is itself. Read as RGB, not
    // followed round (this overflowed the stack).
    let pdf = images_pdf(
        &[(
            "/Width 100 /Height 100 /ColorSpace 6 0 R /BitsPerComponent 8 /Filter /FlateDecode",
            &deflated(0, 10_000),
        )],
        "q 595 0 0 842 0 0 cm /Im0 Do Q\n",
        &["[/Indexed 6 0 R 1 <00ff>]"],
    );
    let doc = image::find_tables(&pdf, &Options::default()).unwrap();
    assert_eq!(doc.pages.len(), 1);
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
}

#[test]
fn images_past_a_page_s_limits_are_not_decoded_and_are_said() {
    // 70 draws: 64 are read, the rest said.
    let small = image_pdf(
        "/Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
        &deflated(0, 10_000),
        70,
    );
    let doc = image::find_tables(&small, &Options::default()).unwrap();
    let said: Vec<_> = doc
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        said,
        [(
            "image-too-many",
            "6 image(s) drawn on page 1 were not read: a page's images are read up to 64 of them and 100000000 pixels together"
        )]
    );
    // A small image, then one stated to be within the per-image limit but past the page's
    // pixels with it: the second is not decoded (its four bytes of data would be said to
    // be too few).
    let large = images_pdf(
        &[
            (
                "/Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
                &deflated(0, 10_000),
            ),
            (
                "/Width 10000 /Height 10000 /ColorSpace /DeviceGray /BitsPerComponent 8",
                &[0; 4],
            ),
        ],
        "q 595 0 0 842 0 0 cm /Im0 Do Q\nq 595 0 0 842 0 0 cm /Im1 Do Q\n",
        &[],
    );
    let doc = image::find_tables(&large, &Options::default()).unwrap();
    assert_eq!(doc.diagnostics.len(), 1, "{:?}", doc.diagnostics);
    assert!(doc.diagnostics[0]
        .message
        .starts_with("1 image(s) drawn on page 1 were not read"));
}

#[test]
fn images_drawn_too_small_to_hold_print_do_not_count_against_a_page_s_images() {
    // 64 bullets of 10 points, then a page-sized image: the image is read.
    let content =
        "q 10 0 0 10 20 20 cm /Im0 Do Q\n".repeat(64) + "q 595 0 0 842 0 0 cm /Im1 Do Q\n";
    let pdf = images_pdf(
        &[
            (
                "/Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8",
                &[0; 4],
            ),
            (
                "/Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
                &deflated(0, 10_000),
            ),
        ],
        &content,
        &[],
    );
    let doc = image::find_tables(&pdf, &Options::default()).unwrap();
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
    assert!(
        doc.pages[0].image_share > 0.99,
        "{}",
        doc.pages[0].image_share
    );
}

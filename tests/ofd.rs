//! The OFD reader on the fixtures of tests/data/ofd (see its README): every glyph and
//! ruling of each package against the source PDF's (pdfplumber's reading, in the TSV files
//! beside them), templates, glyphs drawn by index, scans, signatures, and the damaged
//! packages refused by message; then the same packages through the binary (`extract`,
//! `convert`, `seal`, `show`, `check`) as a user gives them.

mod util;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use gongkai::input::{sniff, Format};
use gongkai::model::{Level, Location, Table};
use gongkai::readers::ofd::{self, OfdDocument, OfdGlyph};
use util::{root, run};

const TOLERANCE: f64 = 0.5;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ofd")
        .join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(data(name)).unwrap()
}

fn read(name: &str) -> OfdDocument {
    ofd::read(&bytes(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn refusal(name: &str) -> String {
    match ofd::read(&bytes(name)) {
        Ok(_) => panic!("{name} was read"),
        Err(e) => e.to_string(),
    }
}

/// A glyph of the source PDF.
struct Truth {
    page: usize,
    ch: char,
    x0: f64,
    x1: f64,
    baseline: f64,
    size: f64,
    font: String,
}

fn tsv(name: &str) -> Vec<Vec<String>> {
    std::fs::read_to_string(data(name))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn truth_glyphs(source: &str) -> Vec<Truth> {
    tsv(&format!("{source}.glyphs.tsv"))
        .into_iter()
        .map(|f| {
            let mut chars = f[1].chars();
            let ch = chars.next().unwrap();
            assert!(chars.next().is_none(), "one character a glyph");
            let n = |i: usize| f[i].parse::<f64>().unwrap();
            Truth {
                page: f[0].parse().unwrap(),
                ch,
                x0: n(2),
                x1: n(3),
                baseline: n(4),
                size: n(5),
                font: f[6].clone(),
            }
        })
        .collect()
}

fn truth_rulings(source: &str) -> Vec<(usize, [f64; 4])> {
    tsv(&format!("{source}.rulings.tsv"))
        .into_iter()
        .map(|f| {
            let n = |i: usize| f[i].parse::<f64>().unwrap();
            (f[0].parse().unwrap(), [n(1), n(2), n(3), n(4)])
        })
        .collect()
}

/// How each source glyph was matched by a glyph read from the package.
#[derive(Debug, Default)]
struct Matched {
    glyphs: usize,
    /// Source glyphs no read glyph sits on.
    missing: Vec<String>,
    /// Read glyphs that match no source glyph.
    extra: usize,
    /// Worst right-edge error over glyphs whose advance DeltaX gives (all but a run's last).
    worst_x1: f64,
    /// Right edges of a run's last glyph off by more than the tolerance (its advance is
    /// estimated: the fonts' metrics are not read).
    last_off: usize,
    /// The worst of those, in ems.
    worst_last_em: f64,
}

/// Matches every source glyph with a read glyph of the same character whose origin,
/// baseline and size lie within the tolerance; `unknown` characters (U+FFFD read) match
/// any source character.
fn match_glyphs(doc: &OfdDocument, truth: &[Truth]) -> Matched {
    let mut m = Matched::default();
    let mut free: HashMap<(usize, char), Vec<&OfdGlyph>> = HashMap::new();
    for (i, page) in doc.pages.iter().enumerate() {
        for g in &page.glyphs {
            free.entry((i + 1, ch(g))).or_default().push(g);
            m.glyphs += 1;
        }
    }
    for (n, t) in truth.iter().enumerate() {
        let near = |g: &&OfdGlyph| {
            (g.glyph.x0 - t.x0).abs() < TOLERANCE
                && (g.glyph.y - t.baseline).abs() < TOLERANCE
                && (g.glyph.size - t.size).abs() < TOLERANCE
        };
        let distance = |g: &&OfdGlyph| {
            (g.glyph.x0 - t.x0)
                .abs()
                .max((g.glyph.y - t.baseline).abs())
        };
        let found = [t.ch, '\u{FFFD}'].into_iter().find_map(|ch| {
            let list = free.get_mut(&(t.page, ch))?;
            let (at, _) = list
                .iter()
                .enumerate()
                .filter(|(_, g)| near(g))
                .min_by(|a, b| distance(a.1).total_cmp(&distance(b.1)))?;
            Some(list.swap_remove(at))
        });
        let Some(g) = found else {
            m.missing.push(format!(
                "page {} {:?} at {:.2},{:.2}",
                t.page, t.ch, t.x0, t.baseline
            ));
            continue;
        };
        let off = (g.glyph.x1 - t.x1).abs();
        // Whether the next source glyph continues the run, as make_ofd.py cuts runs (then
        // DeltaX gave the advance).
        let continued = truth.get(n + 1).is_some_and(|u| {
            u.page == t.page
                && u.font == t.font
                && u.size == t.size
                && (u.baseline - t.baseline).abs() < 0.01
                && (u.x0 - t.x1).abs() < 0.5
        });
        if continued {
            m.worst_x1 = m.worst_x1.max(off);
        } else {
            m.last_off += usize::from(off > TOLERANCE);
            m.worst_last_em = m.worst_last_em.max(off / t.size);
        }
    }
    m.extra = free.values().map(Vec::len).sum();
    m
}

/// A glyph's character: one a glyph.
fn ch(g: &OfdGlyph) -> char {
    let mut chars = g.glyph.text.chars();
    let c = chars.next().expect("a glyph has its character");
    assert!(chars.next().is_none(), "{:?}", g.glyph.text);
    c
}

fn assert_same_glyphs(name: &str, source: &str) -> Matched {
    let doc = read(name);
    let truth = truth_glyphs(source);
    let m = match_glyphs(&doc, &truth);
    assert!(
        m.missing.is_empty(),
        "{name}: {} of {} source glyphs not read, e.g. {:?}",
        m.missing.len(),
        truth.len(),
        &m.missing[..m.missing.len().min(5)]
    );
    assert_eq!(
        m.extra, 0,
        "{name}: glyphs read that the source does not have"
    );
    assert_eq!(m.glyphs, truth.len());
    assert!(
        m.worst_x1 < TOLERANCE,
        "{name}: an advance off by {}",
        m.worst_x1
    );
    // An estimated last advance is half an em or an em (and inside the Boundary), so it is
    // off by half an em at most (the fixtures' glyphs are at most an em wide).
    assert!(m.worst_last_em <= 0.501, "{name}: {m:?}");
    m
}

/// Every source ruling drawn once, and nothing else (segments compared either way round).
fn assert_same_rulings(name: &str, source: &str) {
    let doc = read(name);
    let truth = truth_rulings(source);
    let mut read: Vec<(usize, [f64; 4])> = doc
        .pages
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            p.rulings
                .iter()
                .map(move |r| (i + 1, [r.x0, r.y0, r.x1, r.y1]))
        })
        .collect();
    assert_eq!(read.len(), truth.len(), "{name}: rulings");
    // How far apart two segments' ends are, either way round.
    let distance = |a: &[f64; 4], b: &[f64; 4]| {
        let far = |p: [f64; 4]| {
            p.iter()
                .zip(b)
                .map(|(u, v)| (u - v).abs())
                .fold(0.0, f64::max)
        };
        far(*a).min(far([a[2], a[3], a[0], a[1]]))
    };
    // Double borders lie 0.5 pt apart: each source ruling takes the nearest.
    for (page, t) in &truth {
        let nearest = read
            .iter()
            .enumerate()
            .filter(|(_, (p, _))| p == page)
            .map(|(i, (_, r))| (i, distance(r, t)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        match nearest {
            Some((at, d)) if d < TOLERANCE => {
                read.swap_remove(at);
            }
            _ => panic!("{name}: page {page}: no ruling {t:?}"),
        }
    }
}

fn assert_page_sizes(doc: &OfdDocument, width: f64, height: f64, pages: usize) {
    assert_eq!(doc.pages.len(), pages);
    for p in &doc.pages {
        assert!(
            (p.width - width).abs() < 0.01 && (p.height - height).abs() < 0.01,
            "{} × {}",
            p.width,
            p.height
        );
    }
}

#[test]
fn plain_packages_give_the_source_glyphs_and_rulings() {
    // A run's last glyph has no DeltaX. LibreOffice's runs end at each change of font, some
    // on a glyph the estimate misses: a full-width quote (an em) taken for half an em …
    let m = assert_same_glyphs("shanghai-2019-plain.ofd", "shanghai-2019");
    assert_eq!(m.last_off, 14, "{m:?}");
    assert_same_rulings("shanghai-2019-plain.ofd", "shanghai-2019");
    let doc = read("shanghai-2019-plain.ofd");
    assert_page_sizes(&doc, 1190.551, 841.89, 6);
    assert!(doc.pages[0].glyphs.is_empty() && doc.pages[0].rulings.is_empty());
    assert_eq!(
        doc.title.as_deref(),
        Some("上海市2019年政府信息公开工作年度报告")
    );
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);

    // `—` of the page numbers `— 1 —` is an em wide, estimated as half.
    let m = assert_same_glyphs("synthetic-2024-plain.ofd", "synthetic-2024");
    assert_eq!(m.last_off, 4, "{m:?}");
    assert_same_rulings("synthetic-2024-plain.ofd", "synthetic-2024");
    let doc = read("synthetic-2024-plain.ofd");
    assert_page_sizes(&doc, 595.0, 842.0, 3);
    assert_eq!(doc.fonts.len(), 1);
    assert_eq!(doc.fonts[0].name.as_deref(), Some("STSongStd-Light"));
    assert!(doc
        .pages
        .iter()
        .flat_map(|p| &p.glyphs)
        .all(|g| g.font == Some(0) && g.glyph.upright() && !g.template));
}

#[test]
fn g_runs_and_rectangles_give_the_same_glyphs_and_rulings() {
    assert_same_glyphs("synthetic-2024-g-runs.ofd", "synthetic-2024");
    assert_same_rulings("synthetic-2024-g-runs.ofd", "synthetic-2024");
    assert!(read("synthetic-2024-g-runs.ofd").diagnostics.is_empty());
}

#[test]
fn ctm_scaling_and_offsets_give_the_same_glyphs_and_rulings() {
    assert_same_glyphs("synthetic-2024-ctm.ofd", "synthetic-2024");
    assert_same_rulings("synthetic-2024-ctm.ofd", "synthetic-2024");
}

#[test]
fn template_glyphs_come_under_each_page() {
    assert_same_glyphs("synthetic-2024-template.ofd", "synthetic-2024");
    assert_same_rulings("synthetic-2024-template.ofd", "synthetic-2024");
    let doc = read("synthetic-2024-template.ofd");
    for page in &doc.pages {
        let head: String = page
            .glyphs
            .iter()
            .take_while(|g| g.template)
            .map(|g| g.glyph.text.as_str())
            .collect();
        assert_eq!(head, "示例区人民政府信息公开专栏");
        assert!(page.glyphs[head.chars().count()..]
            .iter()
            .all(|g| !g.template));
    }
}

#[test]
fn glyphs_drawn_by_index_over_private_use_characters_are_unknown_and_reported() {
    assert_same_glyphs("synthetic-2024-cgtransform.ofd", "synthetic-2024");
    let doc = read("synthetic-2024-cgtransform.ofd");
    let unknown: Vec<(usize, f64)> = doc
        .pages
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            p.glyphs
                .iter()
                .filter(|g| g.glyph.text == "\u{FFFD}")
                .map(move |g| (i + 1, g.glyph.y))
        })
        .collect();
    assert_eq!(unknown.len(), 13);
    assert!(unknown
        .iter()
        .all(|&(page, y)| page == 1 && (y - 36.0).abs() < 0.01));
    // The same characters elsewhere are read: only the private-use ones are unknown.
    assert!(doc.pages[1].glyphs.iter().any(|g| g.glyph.text == "专"));
    let d: Vec<String> = doc
        .diagnostics
        .iter()
        .map(|d| format!("{} {} {}", d.code, d.location, d.message))
        .collect();
    assert_eq!(
        d,
        ["ofd-unmapped-glyphs page 1 13 glyph(s) on page 1 are drawn by glyph index (CGTransform) over characters that are not text (private use, U+FFFD); each is written as U+FFFD"]
    );
}

#[test]
fn a_scanned_package_gives_page_images_and_no_text() {
    let raw = bytes("synthetic-2024-scan.ofd");
    let doc = ofd::read(&raw).unwrap();
    assert_page_sizes(&doc, 595.0, 842.0, 3);
    for (i, page) in doc.pages.iter().enumerate() {
        assert!(page.glyphs.is_empty() && page.rulings.is_empty());
        let [image] = &page.images[..] else {
            panic!("page {}: {:?}", i + 1, page.images)
        };
        assert!(image.x.abs() < 0.01 && image.y.abs() < 0.01);
        assert!((image.width - 595.0).abs() < 0.01 && (image.height - 842.0).abs() < 0.01);
        assert_eq!(image.format.as_deref(), Some("PNG"));
        let entry = image.entry.as_deref().unwrap();
        assert_eq!(entry, format!("Doc_0/Res/scan_{i}.png"));
        let png = ofd::media_bytes(&raw, entry).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    }
    assert!(doc.diagnostics.is_empty());
}

#[test]
fn a_signature_is_reported_with_its_seal_name_not_checked() {
    assert_same_glyphs("synthetic-2024-signed.ofd", "synthetic-2024");
    let doc = read("synthetic-2024-signed.ofd");
    let [s] = &doc.signatures[..] else {
        panic!("{:?}", doc.signatures)
    };
    assert_eq!(s.entry, "Doc_0/Signs/Sign_0/Signature.xml");
    assert_eq!(s.kind.as_deref(), Some("Seal"));
    assert_eq!(s.seal_name.as_deref(), Some("示例区人民政府办公室"));
    assert_eq!(s.provider.as_deref(), Some("gongkai fixture signer"));
    assert_eq!(s.company.as_deref(), Some("gongkai"));
    assert_eq!(s.signed_at.as_deref(), Some("20250101000000Z"));
    let [d] = &doc.diagnostics[..] else {
        panic!("{:?}", doc.diagnostics)
    };
    assert_eq!(d.code, "ofd-signed");
    assert_eq!(
        d.message,
        "signed with the seal of 示例区人民政府办公室 (Seal signature, made with gongkai fixture signer, at 20250101000000Z; Doc_0/Signs/Sign_0/Signature.xml); the signature is not checked"
    );
}

#[test]
fn damaged_packages_are_refused_by_what_is_wrong() {
    assert_eq!(
        refusal("damaged-outside-path.ofd"),
        "DocRoot in OFD.xml names \"../Doc_0/Document.xml\": a path outside the package"
    );
    assert_eq!(
        refusal("damaged-no-document.ofd"),
        "no Doc_0/Document.xml in the package (DocRoot in OFD.xml names it)"
    );
    assert_eq!(
        refusal("damaged-zip-bomb.ofd"),
        "Doc_0/Pages/Page_0/Content.xml decompresses more than 250 times its size: a zip bomb"
    );
    assert_eq!(
        refusal("damaged-doctype.ofd"),
        "OFD.xml has a DOCTYPE declaration: OFD parts are read without DTDs or entities"
    );
    let cut = refusal("damaged-truncated.ofd");
    assert!(cut.starts_with("not a readable zip container: "), "{cut}");
}

#[test]
fn ofd_is_told_by_its_package_not_its_name() {
    // The sniffer extract and every batch command use.
    for name in [
        "synthetic-2024-plain.ofd",
        "synthetic-2024-scan.ofd",
        "damaged-doctype.ofd",
        // Cut short, it has no central directory: its first entry, OFD.xml, tells it (and
        // the OFD reader refuses it, above).
        "damaged-truncated.ofd",
    ] {
        assert_eq!(sniff(&bytes(name)), Format::Ofd, "{name}");
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for (other, format) in [
        ("golden/shanghai-2019-docx/input.docx", Format::Docx),
        ("golden/shanghai-2019-odt/input.odt", Format::Odt),
        ("golden/synthetic-2024-pdf-ucs2/input.pdf", Format::Pdf),
    ] {
        assert_eq!(
            sniff(&std::fs::read(root.join(other)).unwrap()),
            format,
            "{other}"
        );
    }
    assert_eq!(
        ofd::read(&std::fs::read(root.join("golden/shanghai-2019-docx/input.docx")).unwrap())
            .unwrap_err()
            .to_string(),
        "not an OFD package: no OFD.xml at its root"
    );
}

const NS: &str = "http://www.ofdspec.org/2016";

/// A stored zip of the given entries.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// A one-page package: `body` extra inside DocBody, `page` the page's Content.xml body,
/// `common` extra inside CommonData (after PageArea, unless `area` is false), `more`
/// further entries.
struct Made<'a> {
    ns: &'a str,
    body: &'a str,
    area: bool,
    page_loc: &'a str,
    page: &'a str,
    more: Vec<(&'a str, String)>,
}

impl Default for Made<'_> {
    fn default() -> Self {
        Made {
            ns: NS,
            body: "",
            area: true,
            page_loc: "Pages/Page_0/Content.xml",
            page: "",
            more: Vec::new(),
        }
    }
}

impl Made<'_> {
    fn bytes(&self) -> Vec<u8> {
        let ns = self.ns;
        let ofd = format!(
            r#"<ofd:OFD xmlns:ofd="{ns}"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>{}</ofd:DocBody></ofd:OFD>"#,
            self.body
        );
        let area = if self.area {
            "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        } else {
            ""
        };
        let document = format!(
            r#"<ofd:Document xmlns:ofd="{ns}"><ofd:CommonData>{area}</ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="{}"/></ofd:Pages></ofd:Document>"#,
            self.page_loc
        );
        let page = format!(
            r#"<ofd:Page xmlns:ofd="{ns}"><ofd:Content><ofd:Layer>{}</ofd:Layer></ofd:Content></ofd:Page>"#,
            self.page
        );
        let mut entries: Vec<(&str, &[u8])> = vec![
            ("OFD.xml", ofd.as_bytes()),
            ("Doc_0/Document.xml", document.as_bytes()),
            ("Doc_0/Pages/Page_0/Content.xml", page.as_bytes()),
        ];
        entries.extend(self.more.iter().map(|(n, b)| (*n, b.as_bytes())));
        zip_of(&entries)
    }
}

const TEXT: &str = r#"<ofd:TextObject Boundary="10 10 100 10" Size="5"><ofd:TextCode X="0" Y="5" DeltaX="g 1000000000000000 5">一二三</ofd:TextCode></ofd:TextObject>"#;

#[test]
fn a_made_package_reads_and_a_g_run_longer_than_its_text_costs_nothing() {
    let doc = ofd::read(
        &Made {
            page: TEXT,
            ..Made::default()
        }
        .bytes(),
    )
    .unwrap();
    let xs: Vec<f64> = doc.pages[0].glyphs.iter().map(|g| g.glyph.x0).collect();
    let mm = 72.0 / 25.4;
    assert_eq!(xs.len(), 3);
    for (x, want) in xs.iter().zip([10.0, 15.0, 20.0]) {
        assert!((x - want * mm).abs() < 1e-9, "{xs:?}");
    }
    // The text names no font: nothing to report, no font index.
    assert!(doc.pages[0].glyphs.iter().all(|g| g.font.is_none()));
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
}

#[test]
fn locations_outside_the_package_are_refused_wherever_they_are() {
    let page = Made {
        page_loc: "../../Page_0/Content.xml",
        ..Made::default()
    };
    assert_eq!(
        ofd::read(&page.bytes()).unwrap_err().to_string(),
        "Page/@BaseLoc in Doc_0/Document.xml names \"../../Page_0/Content.xml\": a path outside the package"
    );
    let signed = Made {
        body: "<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>",
        more: vec![(
            "Doc_0/Signs/Signatures.xml",
            format!(
                r#"<ofd:Signatures xmlns:ofd="{NS}"><ofd:Signature ID="1" BaseLoc="/../../x.xml"/></ofd:Signatures>"#
            ),
        )],
        ..Made::default()
    };
    assert_eq!(
        ofd::read(&signed.bytes()).unwrap_err().to_string(),
        "Signature/@BaseLoc in Doc_0/Signs/Signatures.xml names \"/../../x.xml\": a path outside the package"
    );
}

#[test]
fn unreadable_signatures_are_reported_and_the_text_still_read() {
    let made = Made {
        body: "<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>",
        page: TEXT,
        ..Made::default()
    };
    let doc = ofd::read(&made.bytes()).unwrap();
    assert_eq!(doc.pages[0].glyphs.len(), 3);
    let [d] = &doc.diagnostics[..] else {
        panic!("{:?}", doc.diagnostics)
    };
    assert_eq!(d.code, "ofd-signature-unreadable");
    assert_eq!(
        d.message,
        "the document says it is signed, but its signatures cannot be read: no Doc_0/Signs/Signatures.xml in the package (Signatures in OFD.xml names it)"
    );
}

#[test]
fn another_namespace_is_read_with_a_warning() {
    // easyofd writes OFD's element names in a namespace of its own.
    let doc = ofd::read(
        &Made {
            ns: "http://www.ofdspec.org",
            page: TEXT,
            ..Made::default()
        }
        .bytes(),
    )
    .unwrap();
    assert_eq!(doc.pages[0].glyphs.len(), 3);
    assert_eq!(doc.diagnostics[0].code, "ofd-namespace");
    assert_eq!(
        doc.diagnostics[0].message,
        "OFD.xml is in the namespace http://www.ofdspec.org, not in http://www.ofdspec.org/2016 (GB/T 33190-2016): read by element names all the same"
    );
}

#[test]
fn a_page_without_a_size_is_refused() {
    assert_eq!(
        ofd::read(&Made { area: false, ..Made::default() }.bytes()).unwrap_err().to_string(),
        "Doc_0/Pages/Page_0/Content.xml: no PhysicalBox: neither the page's Area nor the document's PageArea gives one"
    );
}

/// A package whose one page names a template of 1,000 rulings `uses` times.
fn template_named(uses: usize) -> Vec<u8> {
    let ofd = format!(
        r#"<ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#
    );
    let document = format!(
        r#"<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:TemplatePage ID="1" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData><ofd:Pages><ofd:Page ID="2" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>"#
    );
    let lines: String = (0..1000)
        .map(|i| format!("M 0 {0} L 100 {0} ", f64::from(i) * 0.25))
        .collect();
    let template = format!(
        r#"<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer><ofd:PathObject Boundary="0 0 210 297"><ofd:AbbreviatedData>{lines}</ofd:AbbreviatedData></ofd:PathObject></ofd:Layer></ofd:Content></ofd:Page>"#
    );
    let page = format!(
        r#"<ofd:Page xmlns:ofd="{NS}">{}<ofd:Content/></ofd:Page>"#,
        r#"<ofd:Template TemplateID="1"/>"#.repeat(uses)
    );
    zip_of(&[
        ("OFD.xml", ofd.as_bytes()),
        ("Doc_0/Document.xml", document.as_bytes()),
        ("Doc_0/Tpls/Tpl_0/Content.xml", template.as_bytes()),
        ("Doc_0/Pages/Page_0/Content.xml", page.as_bytes()),
    ])
}

#[test]
fn a_template_named_over_and_over_is_drawn_within_a_bound() {
    let doc = ofd::read(&template_named(3)).unwrap();
    assert_eq!(doc.pages[0].rulings.len(), 3000);
    assert_eq!(
        ofd::read(&template_named(2001)).unwrap_err().to_string(),
        "the document draws more than 2000000 rulings and images"
    );
}

/// No cargo-fuzz on every machine: a fixed series of byte changes to a page's content,
/// each read without a panic and giving finite positions.
#[test]
fn damaged_page_content_never_panics() {
    let page = {
        let raw = bytes("synthetic-2024-g-runs.ofd");
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(raw)).unwrap();
        let mut f = z.by_name("Doc_0/Pages/Page_1/Content.xml").unwrap();
        let mut out = String::new();
        std::io::Read::read_to_string(&mut f, &mut out).unwrap();
        out
    };
    let inner = page
        .split_once("<ofd:Layer")
        .and_then(|(_, rest)| rest.split_once('>'))
        .and_then(|(_, rest)| rest.rsplit_once("</ofd:Layer>"))
        .map(|(layer, _)| layer.as_bytes().to_vec())
        .unwrap();
    let replacements: [&[u8]; 8] = [b"g", b" ", b"-", b"1e308", b"\"", b"<", b"C", b"&#xE000;"];
    let mut next = gongkai::test_hooks::xorshift(0x2545F4914F6CDD1D);
    let mut read_ok = 0;
    for _ in 0..200 {
        let mut bytes = inner.clone();
        for _ in 0..2 {
            let state = next();
            let at = (state % bytes.len() as u64) as usize;
            let with = replacements[(state >> 32) as usize % replacements.len()];
            bytes.splice(at..(at + 1).min(bytes.len()), with.iter().copied());
        }
        let page = String::from_utf8_lossy(&bytes);
        let package = Made {
            page: &page,
            ..Made::default()
        }
        .bytes();
        if let Ok(doc) = ofd::read(&package) {
            read_ok += 1;
            for g in &doc.pages[0].glyphs {
                let g = &g.glyph;
                assert!([g.x0, g.x1, g.y, g.size].iter().all(|v| v.is_finite()));
            }
            // And laid out by fixed/ as extraction does.
            let limits = gongkai::Limits::default();
            let laid_out = ofd::read_layout(&package, &mut gongkai::layout::Budget::new(&limits));
            assert!(
                laid_out.is_ok() || doc.pages[0].glyphs.is_empty(),
                "{laid_out:?}"
            );
        }
    }
    // About a quarter of the changed pages still read (49 when written): the rest are
    // refused as malformed XML, and the series does reach the drawing.
    assert!(read_ok > 20, "{read_ok}");
}

// Through the binary.

/// The golden cases whose input is an OFD fixture, and the PDF golden case it was written
/// from (whose truth it shares).
const GOLDEN: [(&str, &str, &str); 7] = [
    (
        "shanghai-2019-ofd",
        "shanghai-2019-plain.ofd",
        "shanghai-2019-pdf-libreoffice",
    ),
    (
        "synthetic-2024-ofd-plain",
        "synthetic-2024-plain.ofd",
        "synthetic-2024-pdf-ucs2",
    ),
    (
        "synthetic-2024-ofd-g-runs",
        "synthetic-2024-g-runs.ofd",
        "synthetic-2024-pdf-ucs2",
    ),
    (
        "synthetic-2024-ofd-ctm",
        "synthetic-2024-ctm.ofd",
        "synthetic-2024-pdf-ucs2",
    ),
    (
        "synthetic-2024-ofd-template",
        "synthetic-2024-template.ofd",
        "synthetic-2024-pdf-ucs2",
    ),
    (
        "synthetic-2024-ofd-cgtransform",
        "synthetic-2024-cgtransform.ofd",
        "synthetic-2024-pdf-ucs2",
    ),
    (
        "synthetic-2024-ofd-signed",
        "synthetic-2024-signed.ofd",
        "synthetic-2024-pdf-ucs2",
    ),
];

#[test]
fn the_golden_ofd_cases_are_these_fixtures_with_their_sources_truth() {
    for (case, fixture, source) in GOLDEN {
        let golden = root().join("golden");
        assert!(
            std::fs::read(golden.join(case).join("input.ofd")).unwrap() == bytes(fixture),
            "{case}: input.ofd is not {fixture}"
        );
        assert_eq!(
            std::fs::read(golden.join(case).join("truth.json")).unwrap(),
            std::fs::read(golden.join(source).join("truth.json")).unwrap(),
            "{case}"
        );
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `extract FILE -o OUT` in a fresh folder: exit code, standard error, and the report when
/// one was written.
fn extract_to_file(input: &Path, flags: &[&str]) -> (Option<i32>, String, Option<Vec<u8>>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.xml");
    let mut args = vec![
        "extract",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(flags);
    let o = run(&args);
    let written = std::fs::read(&out).ok();
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(
        names.len() <= 1,
        "only the report may be written: {names:?}"
    );
    (o.status.code(), text(&o.stderr), written)
}

/// A fixture copied to a name that says nothing of its format.
fn renamed(dir: &Path, fixture: &str, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::copy(data(fixture), &path).unwrap();
    path
}

#[test]
fn damaged_and_scanned_packages_exit_2_with_one_line_naming_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    for (fixture, reason) in [
        (
            "damaged-outside-path.ofd",
            "DocRoot in OFD.xml names \"../Doc_0/Document.xml\": a path outside the package",
        ),
        (
            "damaged-no-document.ofd",
            "no Doc_0/Document.xml in the package (DocRoot in OFD.xml names it)",
        ),
        (
            "damaged-zip-bomb.ofd",
            "Doc_0/Pages/Page_0/Content.xml decompresses more than 250 times its size: a zip bomb",
        ),
        (
            "damaged-doctype.ofd",
            "OFD.xml has a DOCTYPE declaration: OFD parts are read without DTDs or entities",
        ),
    ] {
        let path = renamed(dir.path(), fixture, "report.bin");
        let (code, stderr, written) = extract_to_file(&path, &[]);
        assert_eq!(code, Some(2), "{fixture}: {stderr}");
        assert_eq!(
            stderr,
            format!("gongkai: {}: {reason}\n", path.display()),
            "{fixture}"
        );
        assert!(written.is_none(), "{fixture}: a report was written");
    }
    // Cut short: its directory is gone, its first entry still tells an OFD.
    let path = renamed(dir.path(), "damaged-truncated.ofd", "report.bin");
    let (code, stderr, written) = extract_to_file(&path, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "gongkai: {}: not a readable zip container: ",
            path.display()
        )),
        "{stderr}"
    );
    assert!(written.is_none());
}

/// The report `extract` writes for a file.
fn extracted(path: &Path, flags: &[&str]) -> Vec<u8> {
    let (code, stderr, written) = extract_to_file(path, flags);
    assert_eq!(code, Some(0), "{}: {stderr}", path.display());
    assert_eq!(stderr, "", "{}", path.display());
    written.unwrap()
}

fn report_of(xml: &[u8]) -> gongkai::model::Report {
    gongkai::writers::xml::from_bytes(xml).unwrap()
}

/// A report's standard tables; where each cell was printed apart, as (table, row, col,
/// src).
fn standard_tables(report: &gongkai::model::Report) -> Vec<Table> {
    report
        .tables
        .iter()
        .filter_map(|t| match t {
            Table::Standard(t) => {
                let mut t = t.clone();
                for cell in t.rows.iter_mut().flat_map(|r| &mut r.cells) {
                    cell.src = None;
                }
                Some(Table::Standard(t))
            }
            Table::Generic(_) => None,
        })
        .collect()
}

fn sources(report: &gongkai::model::Report) -> Vec<(String, Option<gongkai::model::Src>)> {
    report
        .tables
        .iter()
        .filter_map(|t| match t {
            Table::Standard(t) => Some(t),
            Table::Generic(_) => None,
        })
        .flat_map(|t| {
            t.rows.iter().flat_map(move |r| {
                r.cells
                    .iter()
                    .map(move |c| (format!("{}/{}", r.id, c.col), c.src))
            })
        })
        .collect()
}

/// An OFD written from a PDF gives each cell the PDF's page and box, within half a point
/// (its glyphs are the PDF's, rounded to the hundredth of a millimetre).
fn same_places(ofd: &gongkai::model::Report, pdf: &gongkai::model::Report, name: &str) {
    use gongkai::model::Src;
    let (a, b) = (sources(ofd), sources(pdf));
    assert_eq!(a.len(), b.len(), "{name}");
    let mut boxes = 0;
    for ((cell, x), (_, y)) in a.iter().zip(&b) {
        match (x, y) {
            (Some(Src::Area { page, area }), Some(Src::Area { page: p, area: q })) => {
                let near = [
                    (area.x0, q.x0),
                    (area.y0, q.y0),
                    (area.x1, q.x1),
                    (area.y1, q.y1),
                ]
                .iter()
                .all(|(u, v)| (u - v).abs() <= 5);
                assert!(
                    page == p && near,
                    "{name} {cell}: {x:?} against the PDF's {y:?}"
                );
                boxes += 1;
            }
            (None, None) => {}
            _ => panic!("{name} {cell}: {x:?} against the PDF's {y:?}"),
        }
    }
    assert!(boxes > 150, "{name}: {boxes}");
}

#[test]
fn an_ofd_is_told_by_its_bytes_and_from_ofd_forces_its_reader() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = root().join("golden/synthetic-2024-pdf-ucs2/input.pdf");
    let from_pdf = report_of(&extracted(&pdf, &[]));
    for name in ["report.pdf", "report", "report.ofd"] {
        let path = renamed(dir.path(), "synthetic-2024-plain.ofd", name);
        let sniffed = extracted(&path, &[]);
        assert_eq!(extracted(&path, &["--from", "ofd"]), sniffed, "{name}");
        let report = report_of(&sniffed);
        assert_eq!(report.meta.source.media_type, "application/ofd");
        assert_eq!(report.meta.source.name, name);
        assert_eq!(
            standard_tables(&report),
            standard_tables(&from_pdf),
            "{name}"
        );
        same_places(&report, &from_pdf, name);
    }
    for (other, reason) in [
        (pdf.clone(), "not a readable zip container: "),
        (
            root().join("golden/shanghai-2019-docx/input.docx"),
            "not an OFD package: no OFD.xml at its root",
        ),
    ] {
        let (code, stderr, written) = extract_to_file(&other, &["--from", "ofd"]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.starts_with(&format!("gongkai: {}: {reason}", other.display())),
            "{stderr}"
        );
        assert!(written.is_none());
    }
}

#[test]
fn the_signer_and_the_unknown_glyphs_are_in_the_reports_diagnostics() {
    let golden = root().join("golden");
    let signed = report_of(&extracted(
        &golden.join("synthetic-2024-ofd-signed/input.ofd"),
        &[],
    ));
    let said: Vec<_> = signed
        .diagnostics
        .iter()
        .filter(|d| d.code == "ofd-signed")
        .collect();
    let [d] = &said[..] else {
        panic!("{:?}", signed.diagnostics)
    };
    assert_eq!((d.level, &d.location), (Level::Info, &Location::Input));
    assert!(
        d.message.contains("示例区人民政府办公室")
            && d.message.ends_with("the signature is not checked"),
        "{}",
        d.message
    );
    let plain = report_of(&extracted(
        &golden.join("synthetic-2024-ofd-plain/input.ofd"),
        &[],
    ));
    assert!(plain
        .diagnostics
        .iter()
        .all(|d| !d.code.starts_with("ofd-")));
    let cgtransform = report_of(&extracted(
        &golden.join("synthetic-2024-ofd-cgtransform/input.ofd"),
        &[],
    ));
    let unknown: Vec<_> = cgtransform
        .diagnostics
        .iter()
        .filter(|d| d.code == "ofd-unmapped-glyphs")
        .map(|d| (d.level, d.location.clone()))
        .collect();
    assert_eq!(unknown, [(Level::Warning, Location::Page { page: 1 })]);
    assert_eq!(standard_tables(&cgtransform), standard_tables(&plain));
}

#[test]
fn convert_seal_show_and_check_take_ofd_files_as_they_find_them() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let plain = renamed(&inputs, "synthetic-2024-plain.ofd", "plain.ofd");
    let signed = renamed(&inputs, "synthetic-2024-signed.ofd", "signed");
    let scan = renamed(&inputs, "synthetic-2024-scan.ofd", "scan.ofd");
    let s = |p: &Path| p.to_str().unwrap().to_string();

    let converted = dir.path().join("xml");
    let o = run(&["convert", &s(&inputs), "-o", &s(&converted), "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // The scan is read by OCR (issue 14; tests/scan.rs scores it).
    for (input, xml) in [
        (&plain, "plain.ofd.xml"),
        (&signed, "signed.xml"),
        (&scan, "scan.ofd.xml"),
    ] {
        assert_eq!(
            std::fs::read(converted.join(xml)).unwrap(),
            extracted(input, &[]),
            "{xml}"
        );
    }
    let scanned = std::fs::read_to_string(converted.join("scan.ofd.xml")).unwrap();
    assert!(scanned.contains(r#" via="ocr""#), "{scanned}");

    std::fs::remove_file(&scan).unwrap();
    let archive = dir.path().join("2024.zip");
    let o = run(&["seal", "--year", "2024", &s(&inputs), "-o", &s(&archive)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = run(&["verify", &s(&archive)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let listed = text(&run(&["list", &s(&archive)]).stdout);
    for line in [
        "data/originals/plain.ofd  (original)",
        "data/xml/plain.ofd.xml  (report, extracted)",
        "data/xml/signed.xml  (report, extracted)",
    ] {
        assert!(listed.contains(line), "{line} in {listed}");
    }

    let page = dir.path().join("signed.html");
    let o = run(&["show", &s(&signed), "-o", &s(&page)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("示例区人民政府办公室"));
    let site = dir.path().join("site");
    let o = run(&["show", &s(&archive), "-o", &s(&site)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_dir(&site).unwrap().count(), 3);

    // A document that is a zip is a report to check, not an archive to look into.
    for report in [
        plain,
        root().join("golden/shanghai-2019-docx/input.docx"),
        root().join("golden/shanghai-2019-odt/input.odt"),
    ] {
        let o = run(&["check", &s(&report)]);
        assert_eq!(o.status.code(), Some(0), "{}", report.display());
        assert_eq!(
            text(&o.stdout),
            "1 report(s): 0 with failed rules (0 failures), 0 warning(s), 0 ambiguous and 0 missing cell(s)\n",
            "{}",
            report.display()
        );
    }
}

//! HTML pages end to end: damaged, hostile and report-less pages give a report or a clear
//! error, never a panic; non-standard tables are kept as generic grids.

mod util;

use gongkai::model::Table;
use util::{root, run};

fn extract(name: &str, bytes: &[u8]) -> (Option<i32>, Vec<u8>, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    let out = run(&["extract", p.to_str().unwrap()]);
    (
        out.status.code(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn portal() -> Vec<u8> {
    std::fs::read(root().join("golden/shanghai-2019-portal-gb18030/input.html")).unwrap()
}

#[test]
fn a_page_cut_off_mid_table_reads_what_is_there() {
    let page = portal();
    // Cut inside t3, after the row of 1.属于国家秘密 (in GB18030 bytes).
    let (marker, _, _) = encoding_rs::GB18030.encode("5.属于三类内部事务信息");
    let at = page
        .windows(marker.len())
        .position(|w| w == &marker[..])
        .unwrap();
    let (code, out, err) = extract("cut.html", &page[..at]);
    assert_eq!(code, Some(0), "{err}");
    let report = gongkai::writers::xml::from_bytes(&out).unwrap();
    let t3 = report.standard_table("t3").unwrap();
    assert_eq!(
        t3.cell("t3.row.new_requests", "t3.col.total")
            .unwrap()
            .value(),
        Some("859")
    );
    assert_eq!(
        t3.cell("t3.row.denied.state_secret", "t3.col.natural_person")
            .unwrap()
            .value(),
        Some("14")
    );
    let results = t3.cell("t3.row.results_total", "t3.col.total").unwrap();
    assert_eq!(results.content.status(), Some("missing"));
    assert_eq!(
        report.standard_table("t4").unwrap().rows[0].cells[0]
            .content
            .status(),
        Some("missing")
    );
}

#[test]
fn a_page_without_a_report_is_template_none_with_its_tables_kept() {
    let page = "<html><head><meta charset='utf-8'><title>区政府召开常务会议</title></head><body>\
        <div class='nav'>首页 新闻 公告</div><div id='content'><h1>区政府召开第12次常务会议</h1>\
        <p>会议研究部署了防汛工作，要求各部门压实责任，确保安全度汛。</p>\
        <table><tr><td rowspan='2'>事项</td><td colspan='2'>进度</td></tr><tr><td>计划</td><td>完成</td></tr>\
        <tr><td>河道清淤</td><td>12</td><td>9</td></tr></table></div></body></html>";
    let (code, out, err) = extract("news.html", page.as_bytes());
    assert_eq!(code, Some(0), "{err}");
    let report = gongkai::writers::xml::from_bytes(&out).unwrap();
    assert_eq!(report.meta.template_name(), "none");
    let generic: Vec<_> = report
        .tables
        .iter()
        .filter_map(|t| match t {
            Table::Generic(g) => Some(g),
            _ => None,
        })
        .collect();
    assert_eq!(generic.len(), 1);
    assert_eq!(generic[0].rows[0][0].text, "事项");
    assert_eq!(
        (
            generic[0].rows[0][0].row_span,
            generic[0].rows[0][1].col_span
        ),
        (2, 2)
    );
    assert!(report.sections[0]
        .paragraphs
        .iter()
        .any(|p| p.contains("防汛工作")));
}

#[test]
fn hostile_spans_are_clamped() {
    let page = "<table><tr><td rowspan='100000' colspan='0'>a</td><td colspan='99999999999'>b</td></tr><tr><td rowspan='-3'>c</td></tr></table>";
    let (code, out, err) = extract("spans.html", page.as_bytes());
    assert_eq!(code, Some(0), "{err}");
    let report = gongkai::writers::xml::from_bytes(&out).unwrap();
    let Some(Table::Generic(g)) = report.tables.first() else {
        panic!("{:?}", report.tables)
    };
    assert_eq!((g.rows[0][0].row_span, g.rows[0][0].col_span), (2, 1));
    assert_eq!(g.rows[0][1].col_span, 1000);
    assert_eq!(g.rows[1][0].row_span, 1);
}

#[test]
fn fifty_megabytes_of_nested_divs_is_read_in_bounded_work() {
    let depth = 5_000_000; // 5 million <div>…</div>: 55 MB
    let mut page = Vec::with_capacity(depth * 11 + 64);
    page.extend("<div>".repeat(depth).bytes());
    page.extend("<p>一、总体情况</p>".bytes());
    page.extend("</div>".repeat(depth).bytes());
    assert!(page.len() > 50 * 1024 * 1024);
    let (code, out, err) = extract("deep.html", &page);
    assert_eq!(code, Some(0), "{err}");
    let report = gongkai::writers::xml::from_bytes(&out).unwrap();
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == "nesting-flattened"));
    assert_eq!(report.sections[0].heading.as_deref(), Some("一、总体情况"));
}

#[test]
fn invalid_bytes_in_the_declared_charset_are_replaced_and_reported() {
    let mut page = portal();
    // Truncated two-byte sequences inside the prose.
    let (marker, _, _) = encoding_rs::GB18030.encode("一、总体情况");
    let at = page
        .windows(marker.len())
        .position(|w| w == &marker[..])
        .unwrap()
        + marker.len();
    page.splice(at..at, [0x81, 0x20, 0xfe, 0x0a]);
    let (code, out, err) = extract("bad.html", &page);
    assert_eq!(code, Some(0), "{err}");
    let report = gongkai::writers::xml::from_bytes(&out).unwrap();
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == "malformed-bytes"));
    assert_eq!(report.meta.template_name(), "v2019");
    let t2 = report.standard_table("t2").unwrap();
    assert_eq!(
        t2.cell("t2.row.regulations", "t2.col.total_published")
            .unwrap()
            .value(),
        Some("524")
    );
}

#[test]
fn empty_and_binary_pages_are_refused() {
    let (code, _, err) = extract("empty.html", b"");
    assert_eq!(code, Some(2));
    assert!(err.contains("empty input"), "{err}");
    let mut binary = b"<html><body>".to_vec();
    binary.extend((0u8..=255).cycle().take(4096));
    let (code, _, err) = extract("binary.html", &binary);
    assert_eq!(code, Some(2));
    assert!(err.contains("binary data"), "{err}");
    let (code, out, _) = extract(
        "markup-only.html",
        b"<html><head></head><body><div></div></body></html>",
    );
    assert_eq!(code, Some(0));
    assert_eq!(
        gongkai::writers::xml::from_bytes(&out)
            .unwrap()
            .meta
            .template_name(),
        "none"
    );
}

//! Export throughput: 1,000 canonical XML files (the golden reports, each with its own
//! source hash) read back and written as tidy CSV, as `gongkai export DIR` does.
//!
//!     cargo bench --bench export

use std::time::Instant;

use gongkai::batch::collect::load_all;
use gongkai::writers::export::{tidy_rows, write_csv, COLUMNS};

const FILES: usize = 1000;

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let mut reports: Vec<Vec<u8>> = std::fs::read_dir(&root)
        .expect("golden/")
        .filter_map(|e| e.ok().map(|e| e.path().join("expected.xml")))
        .filter(|p| p.is_file())
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    reports.sort();
    let dir = tempfile::tempdir().unwrap();
    for i in 0..FILES {
        let mut report = gongkai::writers::xml::from_bytes(&reports[i % reports.len()]).unwrap();
        report.meta.source.sha256 = format!("{i:064x}");
        std::fs::write(
            dir.path().join(format!("{i:04}.xml")),
            gongkai::writers::xml::to_bytes(&report),
        )
        .unwrap();
    }
    let header: Vec<String> = COLUMNS.iter().map(|s| s.to_string()).collect();
    let mut best = f64::INFINITY;
    let mut rows_n = 0;
    let mut bytes_n = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let options = gongkai::ExtractOptions::default();
        let c = load_all(&[dir.path().to_path_buf()], &options, None);
        assert!(c.failures.is_empty());
        let rows = tidy_rows(&c.reports, &options.templates);
        rows_n = rows.len();
        let mut out = Vec::with_capacity(64 << 20);
        write_csv(
            &mut out,
            &header,
            rows.into_iter().map(|r| r.to_vec()),
            false,
        )
        .unwrap();
        bytes_n = out.len();
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "{FILES} XML files → {rows_n} CSV rows ({:.1} MB) in {:.3} s (best of 5): {:.0} rows/s, {:.0} files/s",
        bytes_n as f64 / 1e6,
        best,
        rows_n as f64 / best,
        FILES as f64 / best
    );
}

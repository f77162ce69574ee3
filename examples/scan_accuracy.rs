//! Per-cell digit accuracy and time of the image reader on the fixtures of
//! tests/data/scans (and the corpus scan when ../shared is there):
//!
//!     cargo run --release --example scan_accuracy
//!
//! A cell is right when the number read equals its truth value, wrong when another number
//! was read in its place, missed when none was. Time is processor time (this process and
//! its Tesseract children, user + system) per page: wall time on a shared machine says
//! more about the other jobs.

#[path = "../tests/image_util/mod.rs"]
mod image_util;

use std::time::Instant;

use gongkai::readers::image::{self, ocr::Tesseract, ImageDocument, Options};
use image_util::{all_pages, read_values, scans, score, truth_values};

/// Processor seconds used so far by this process and its waited-for children.
fn cpu_seconds() -> f64 {
    let mut total = 0.0;
    for who in [libc::RUSAGE_SELF, libc::RUSAGE_CHILDREN] {
        // SAFETY: getrusage writes one plain struct that we own.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(who, &mut usage) } == 0 {
            for t in [usage.ru_utime, usage.ru_stime] {
                total += t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
            }
        }
    }
    total
}

fn main() {
    let tesseract = Tesseract::find().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let dir = scans();
    let corpus = dir.join("../../../../shared");
    let mut cases: Vec<(String, std::path::PathBuf, std::path::PathBuf)> = [
        "hongze-2023-flate.pdf",
        "hongze-2023-g4.tif",
        "hongze-2023-rotated.pdf",
        "hongze-2023-t3.png",
        "synthetic-2024-dct.pdf",
        "synthetic-2024-t3-seal.jpg",
        "synthetic-2024-table-images.pdf",
        "shanghai-2019-g4.pdf",
        "shanghai-2019-portal/page.html",
    ]
    .iter()
    .map(|f| {
        let stem = f
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(|c: char| c != '.')
            .trim_end_matches('.');
        let stem = if f.contains('/') {
            f.split('/').next().unwrap()
        } else {
            stem
        };
        (
            f.to_string(),
            dir.join(f),
            dir.join(format!("{stem}.truth.json")),
        )
    })
    .collect();
    let scan = corpus.join("corpus/001_huaian_hongze_2023_scan.pdf");
    if scan.is_file() {
        cases.push((
            "corpus 001_huaian_hongze_2023_scan.pdf".into(),
            scan,
            corpus.join("eval/truth/001_huaian_hongze_2023.json"),
        ));
    }
    println!(
        "| input | pages | cells | right | wrong | missed | accuracy | CPU s/page | wall s/page |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let (mut all_truth, mut all_right, mut all_wrong) = (0, 0, 0);
    for (name, path, truth) in cases {
        let (start, cpu) = (Instant::now(), cpu_seconds());
        // The portal page's table images, in the order the page shows them (the binary
        // reads them through the HTML reader: tests/scan.rs).
        let docs: Vec<ImageDocument> = if name.ends_with(".html") {
            (1..=3)
                .map(|i| {
                    let image = path.with_file_name(format!("page_files/table-{i}.png"));
                    image::read(
                        &std::fs::read(image).unwrap(),
                        &tesseract,
                        &Options::default(),
                    )
                    .unwrap()
                })
                .collect()
        } else {
            vec![image::read(
                &std::fs::read(&path).unwrap(),
                &tesseract,
                &Options::default(),
            )
            .unwrap()]
        };
        let (wall, seconds) = (start.elapsed().as_secs_f64(), cpu_seconds() - cpu);
        let pages = all_pages(&docs);
        let s = score(
            &truth_values(&std::fs::read_to_string(&truth).unwrap()),
            &read_values(pages.iter().copied()),
        );
        println!(
            "| {name} | {} | {} | {} | {} | {} | {:.1}% | {:.2} | {:.2} |",
            pages.len(),
            s.truth,
            s.correct,
            s.wrong.len(),
            s.missed,
            s.accuracy(),
            seconds / pages.len().max(1) as f64,
            wall / pages.len().max(1) as f64
        );
        if !s.wrong.is_empty() {
            eprintln!("{name}: wrong (truth, read): {:?}", s.wrong);
        }
        all_truth += s.truth;
        all_right += s.correct;
        all_wrong += s.wrong.len();
    }
    println!(
        "\nall: {all_right} of {all_truth} cells right ({:.1}%), {all_wrong} wrong",
        100.0 * all_right as f64 / all_truth.max(1) as f64
    );
}

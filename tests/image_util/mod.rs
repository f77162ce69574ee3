//! Scoring of the image reader against the truth of tests/data/scans (shared by
//! tests/image.rs and examples/scan_accuracy.rs).
// Shared with examples/scan_accuracy.rs, which uses what the tests do not.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use gongkai::readers::image::{ImageDocument, ImagePage};

pub fn scans() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/scans")
}

/// The truth's values in the order of its file (table by table, rows in template order,
/// columns left to right: the order a table prints them); blank cells left out.
pub fn truth_values(truth_json: &str) -> Vec<String> {
    // One cell a line (`"t3|row|col": "21",`), as make_scans.py writes it.
    truth_json
        .lines()
        .filter_map(|l| {
            let l = l.trim().trim_end_matches(',');
            let (key, value) = l.split_once("\": ")?;
            (key.starts_with("\"t") && key.contains('|') && value.starts_with('"'))
                .then(|| value.trim_matches('"').to_string())
        })
        .collect()
}

/// A cell's text as a number: spaces and thousands commas out, a unit 元/万元 after it
/// dropped; `None` when it is not one (a dash is not a value).
pub fn as_number(text: &str) -> Option<String> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    let t = t
        .strip_suffix("万元")
        .or_else(|| t.strip_suffix('元'))
        .unwrap_or(&t);
    let ok = t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && t.matches('.').count() <= 1
        && !t.ends_with('.');
    ok.then(|| t.to_string())
}

/// The numbers read in the tables of the pages, table by table (top to bottom), cells in
/// row then column order.
pub fn read_values<'a>(pages: impl IntoIterator<Item = &'a ImagePage>) -> Vec<String> {
    let mut out = Vec::new();
    for page in pages {
        for table in &page.tables {
            for cell in &table.cells {
                let text: Vec<&str> = cell
                    .words
                    .iter()
                    .map(|&i| page.words[i].text.as_str())
                    .collect();
                if let Some(v) = as_number(&text.join("")) {
                    out.push(v);
                }
            }
        }
    }
    out
}

#[derive(Debug, Default, PartialEq)]
pub struct Score {
    pub truth: usize,
    pub correct: usize,
    /// A value read where the truth has another.
    pub wrong: Vec<(String, String)>,
    /// Truth values with no reading opposite them.
    pub missed: usize,
    /// Readings with no truth value opposite them.
    pub extra: usize,
}

impl Score {
    pub fn accuracy(&self) -> f64 {
        if self.truth == 0 {
            return 0.0;
        }
        100.0 * self.correct as f64 / self.truth as f64
    }
}

/// The values read against the truth, aligned by least edits (a cell missed or read twice
/// shifts nothing after it).
pub fn score(truth: &[String], read: &[String]) -> Score {
    let (n, m) = (truth.len(), read.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let same = usize::from(truth[i - 1] != read[j - 1]);
            d[i][j] = (d[i - 1][j - 1] + same)
                .min(d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1);
        }
    }
    let mut s = Score {
        truth: n,
        ..Score::default()
    };
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + usize::from(truth[i - 1] != read[j - 1]) {
            if truth[i - 1] == read[j - 1] {
                s.correct += 1;
            } else {
                s.wrong.push((truth[i - 1].clone(), read[j - 1].clone()));
            }
            i -= 1;
            j -= 1;
        } else if i > 0 && d[i][j] == d[i - 1][j] + 1 {
            s.missed += 1;
            i -= 1;
        } else {
            s.extra += 1;
            j -= 1;
        }
    }
    s.wrong.reverse();
    s
}

/// Every page of the documents, in order.
pub fn all_pages(docs: &[ImageDocument]) -> Vec<&ImagePage> {
    docs.iter().flat_map(|d| d.pages.iter()).collect()
}

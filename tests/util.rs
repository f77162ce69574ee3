//! Helpers for tests that drive the real binary.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gongkai::model::{CellContent, Report, Table};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
}

/// Golden case folders (each holds one `input.*`).
pub fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("golden"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    assert!(out.len() >= 10, "golden cases missing");
    out
}

pub fn input_of(case: &Path) -> PathBuf {
    std::fs::read_dir(case)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.file_stem().is_some_and(|s| s == "input"))
        .unwrap_or_else(|| panic!("{} has no input.*", case.display()))
}

/// The binary with one of its test hooks set (src/test_hooks.rs). A build without the
/// hooks fails here, saying so, rather than on a hook that silently did nothing.
pub fn hooked(hook: &str, value: &str) -> Command {
    assert!(
        gongkai::test_hooks::enabled(),
        "this test drives the binary's test hook {hook}: build the tests with the feature \
         test-hooks (`cargo test` does: the crate is its own dev-dependency with it)"
    );
    let mut c = bin();
    c.env(hook, value);
    c
}

/// Whether GONGKAI_BLESS asks the golden tests to rewrite their files. Under CI=true that
/// fails the test: CI compares the golden files, it never rewrites them.
pub fn bless() -> bool {
    let bless = std::env::var_os("GONGKAI_BLESS").is_some();
    assert!(
        !bless || std::env::var("CI").as_deref() != Ok("true"),
        "GONGKAI_BLESS is set under CI=true: CI compares the golden files, it never rewrites them"
    );
    bless
}

/// Runs `test` of this test binary with GONGKAI_BLESS=1 under CI=true: it must fail,
/// saying why, before it rewrites anything.
pub fn refuses_to_bless_under_ci(test: &str) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--test-threads=1"])
        .env("GONGKAI_BLESS", "1")
        .env("CI", "true")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(101), "{said}");
    assert!(
        said.contains("GONGKAI_BLESS is set under CI=true"),
        "{said}"
    );
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

/// `gongkai extract` of a case's input; panics unless it succeeds.
pub fn extract_case(case: &Path) -> Vec<u8> {
    let out = bin().arg("extract").arg(input_of(case)).output().unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        case.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `table|row|col` → the cell as the truth files write it: a value, null for blank,
/// "ambiguous".
pub fn cells_of(report: &Report) -> BTreeMap<String, serde_json::Value> {
    let mut out = BTreeMap::new();
    for t in &report.tables {
        if let Table::Standard(t) = t {
            for row in &t.rows {
                for cell in &row.cells {
                    let v = match &cell.content {
                        CellContent::Value(v) => serde_json::Value::String(v.clone()),
                        CellContent::Blank => serde_json::Value::Null,
                        CellContent::Ambiguous(_) => "ambiguous".into(),
                        CellContent::Missing => "missing".into(),
                    };
                    out.insert(format!("{}|{}|{}", t.id, row.id, cell.col), v);
                }
            }
        }
    }
    out
}

/// What `extract` did with some bytes.
pub struct Outcome {
    pub code: Option<i32>,
    pub stderr: String,
    pub stdout: Vec<u8>,
}

/// Runs extract on bytes; asserts the documented outcomes. (Time is bounded by the
/// reader's work budgets, asserted through their diagnostics, never by a clock: speed is
/// for benchmarks.)
pub fn extract_bytes(name: &str, bytes: &[u8]) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    let out = run(&["extract", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    match out.status.code() {
        Some(0) => {
            gongkai::writers::xml::from_bytes(&out.stdout)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        Some(2) => {
            assert_eq!(stderr.lines().count(), 1, "{name}: one line: {stderr}");
            assert!(
                stderr.starts_with(&format!("gongkai: {}: ", path.display())),
                "{name}: {stderr}"
            );
        }
        other => panic!("{name}: exit {other:?}: {stderr}"),
    }
    Outcome {
        code: out.status.code(),
        stderr,
        stdout: out.stdout,
    }
}

//! `gongkai convert` end to end: a crawl to a mirrored tree of XML, resumable, every bad
//! file listed and none stopping the run.

mod util;

use std::path::Path;

use util::{bin, hooked, root};

/// A crawl of golden inputs in two folders, plus an empty and a binary file.
fn crawl(dir: &Path) -> usize {
    let mut n = 0;
    for (i, case) in util::cases().iter().enumerate() {
        let input = util::input_of(case);
        let sub = dir.join(if i % 2 == 0 { "even" } else { "odd/deeper" });
        std::fs::create_dir_all(&sub).unwrap();
        let name = format!(
            "{}.{}",
            case.file_name().unwrap().to_string_lossy(),
            input.extension().unwrap().to_string_lossy()
        );
        std::fs::copy(&input, sub.join(name)).unwrap();
        n += 1;
    }
    std::fs::write(dir.join("empty.txt"), b"").unwrap();
    std::fs::write(dir.join("photo.jpg"), b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01").unwrap();
    n
}

fn convert(args: &[&str]) -> (Option<i32>, String) {
    let out = bin().arg("convert").args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_crawl_becomes_a_mirrored_tree_identical_to_extract() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("crawl");
    let n = crawl(&input);
    let out = dir.path().join("out");
    let (code, summary) = convert(&[input.to_str().unwrap(), "-o", out.to_str().unwrap(), "-q"]);
    assert_eq!(code, Some(1), "two files are unusable");
    assert_eq!(
        summary,
        format!(
            "{n} converted, 0 skipped, 2 failed (see {})\n",
            out.join("_errors.jsonl").display()
        )
    );
    let errors = std::fs::read_to_string(out.join("_errors.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = errors
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["path"], input.join("empty.txt").to_str().unwrap());
    assert_eq!(lines[0]["reason"], "empty input");
    assert_eq!(lines[0]["class"], "input");
    // A JPEG is an image (issue 14): this one, cut short, is a damaged one.
    assert!(lines[1]["reason"]
        .as_str()
        .unwrap()
        .contains("damaged image"));
    // Each XML is what `extract` writes for the file.
    let one = input.join("even/chibi-2020-excerpt.txt");
    let xml = std::fs::read(out.join("even/chibi-2020-excerpt.txt.xml")).unwrap();
    let extracted = bin().arg("extract").arg(&one).output().unwrap().stdout;
    assert_eq!(xml, extracted);
    assert!(out.join("odd/deeper").is_dir());
    let hidden: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "no temporary file left: {hidden:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

#[test]
fn a_second_run_skips_what_is_up_to_date_and_redoes_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("crawl");
    let n = crawl(&input);
    std::fs::remove_file(input.join("empty.txt")).unwrap();
    std::fs::remove_file(input.join("photo.jpg")).unwrap();
    let out = dir.path().join("out");
    let args = [input.to_str().unwrap(), "-o", out.to_str().unwrap(), "-q"];
    assert_eq!(
        convert(&args),
        (Some(0), format!("{n} converted, 0 skipped, 0 failed\n"))
    );
    assert_eq!(
        convert(&args),
        (Some(0), format!("0 converted, {n} skipped, 0 failed\n"))
    );
    // A changed input is converted again; so is everything with --force.
    let changed = input.join("even/chibi-2020-excerpt.txt");
    let mut bytes = std::fs::read(&changed).unwrap();
    bytes.extend_from_slice("\n六、其他需要报告的事项\n无。\n".as_bytes());
    std::fs::write(&changed, bytes).unwrap();
    assert_eq!(
        convert(&args),
        (
            Some(0),
            format!("1 converted, {} skipped, 0 failed\n", n - 1)
        )
    );
    // An output cut short (a power cut after the rename) is converted again, whole.
    let cut = out.join("even/chibi-2020-excerpt.txt.xml");
    let whole = std::fs::read(&cut).unwrap();
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    assert_eq!(
        convert(&args),
        (
            Some(0),
            format!("1 converted, {} skipped, 0 failed\n", n - 1)
        )
    );
    assert_eq!(std::fs::read(&cut).unwrap(), whole);
    let mut forced = args.to_vec();
    forced.push("--force");
    assert_eq!(
        convert(&forced),
        (Some(0), format!("{n} converted, 0 skipped, 0 failed\n"))
    );
    assert!(!out.join("_errors.jsonl").exists());
}

#[test]
fn one_and_two_workers_write_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("crawl");
    crawl(&input);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    convert(&[
        input.to_str().unwrap(),
        "-o",
        a.to_str().unwrap(),
        "-j",
        "1",
        "-q",
    ]);
    convert(&[
        input.to_str().unwrap(),
        "-o",
        b.to_str().unwrap(),
        "-j",
        "2",
        "-q",
    ]);
    let files = walk(&a);
    assert!(files.len() > 30);
    for f in files {
        let rel = f.strip_prefix(&a).unwrap();
        assert_eq!(
            std::fs::read(&f).unwrap(),
            std::fs::read(b.join(rel)).unwrap(),
            "{}",
            rel.display()
        );
    }
}

#[test]
fn a_panic_on_one_file_is_that_file_s_failure_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("crawl");
    let n = crawl(&input);
    let out = dir.path().join("out");
    let run = hooked(gongkai::test_hooks::PANIC_ON_ENV, "meilie-2020-pipe.txt")
        .args([
            "convert",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(
        run.stderr.is_empty(),
        "no panic message: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stdout)
        .starts_with(&format!("{} converted, 0 skipped, 3 failed", n - 1)));
    let errors = std::fs::read_to_string(out.join("_errors.jsonl")).unwrap();
    assert!(
        errors.contains(r#""class":"panic""#)
            && errors.contains("meilie-2020-pipe.txt")
            && errors.contains("test hook"),
        "{errors}"
    );
}

#[test]
fn an_unwritable_xml_stops_the_run_unless_told_to_keep_going() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("crawl");
    std::fs::create_dir(&input).unwrap();
    for name in ["a.txt", "b.txt", "c.txt"] {
        std::fs::copy(
            root().join("golden/meilie-2020-pipe/input.txt"),
            input.join(name),
        )
        .unwrap();
    }
    let out = dir.path().join("out");
    // A folder where a.txt's XML should go: it cannot be written.
    std::fs::create_dir_all(out.join("a.txt.xml")).unwrap();
    let (code, summary) = convert(&[
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-j",
        "1",
        "-q",
    ]);
    assert_eq!(code, Some(3));
    assert!(
        summary.starts_with("0 converted, 0 skipped, 1 failed, 2 not attempted"),
        "{summary}"
    );
    let (code, summary) = convert(&[
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-j",
        "1",
        "-q",
        "--keep-going",
    ]);
    assert_eq!(code, Some(3));
    assert!(
        summary.starts_with("2 converted, 0 skipped, 1 failed"),
        "{summary}"
    );
    assert!(std::fs::read_to_string(out.join("_errors.jsonl"))
        .unwrap()
        .contains(r#""class":"output""#));
}

#[test]
fn bad_arguments_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f");
    std::fs::write(&file, "x").unwrap();
    assert_eq!(
        convert(&[
            "/no/such/crawl",
            "-o",
            dir.path().join("o").to_str().unwrap()
        ])
        .0,
        Some(2)
    );
    assert_eq!(
        convert(&[dir.path().to_str().unwrap(), "-o", file.to_str().unwrap()]).0,
        Some(2)
    );
}

#[test]
fn shards_into_one_folder_add_up_to_the_unsharded_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("crawl");
    let n = crawl(&input);
    let (whole, parts) = (dir.path().join("whole"), dir.path().join("parts"));
    let (code, _) = convert(&[input.to_str().unwrap(), "-o", whole.to_str().unwrap(), "-q"]);
    assert_eq!(code, Some(1), "two files are unusable");
    let mut counted = 0;
    let mut error_lines = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let (_, summary) = convert(&[
            input.to_str().unwrap(),
            "-o",
            parts.to_str().unwrap(),
            "-q",
            "--shard",
            &shard,
        ]);
        let files: usize = summary
            .trim_end()
            .rsplit_once(&format!("; shard {shard}: "))
            .and_then(|(_, tail)| tail.strip_suffix(" files"))
            .and_then(|count| count.parse().ok())
            .unwrap_or_else(|| panic!("no shard count in {summary:?}"));
        counted += files;
        let list = parts.join(format!("_errors.{k}-of-3.jsonl"));
        if let Ok(text) = std::fs::read_to_string(&list) {
            error_lines.extend(text.lines().map(str::to_string));
        }
    }
    assert_eq!(counted, n + 2, "each file is in exactly one shard");
    // The XML trees are the same files with the same bytes.
    let rel = |root: &Path| -> Vec<std::path::PathBuf> {
        walk(root)
            .into_iter()
            .map(|p| p.strip_prefix(root).unwrap().to_path_buf())
            .filter(|p| !p.to_string_lossy().starts_with("_errors"))
            .collect()
    };
    assert_eq!(rel(&whole), rel(&parts));
    assert_eq!(rel(&whole).len(), n);
    for f in rel(&whole) {
        assert_eq!(
            std::fs::read(whole.join(&f)).unwrap(),
            std::fs::read(parts.join(&f)).unwrap(),
            "{}",
            f.display()
        );
    }
    // The shards' error lists, their lines in byte order, are the whole run's.
    error_lines.sort();
    let merged: String = error_lines.iter().map(|l| format!("{l}\n")).collect();
    assert_eq!(
        merged,
        std::fs::read_to_string(whole.join("_errors.jsonl")).unwrap()
    );
    assert!(!parts.join("_errors.jsonl").exists());
    // A later run over the output folder does not read the shards' lists.
    let (_, again) = convert(&[
        parts.to_str().unwrap(),
        "-o",
        dir.path().join("x").to_str().unwrap(),
        "-q",
    ]);
    assert!(again.contains("of gongkai's own files skipped"), "{again}");
}

#[test]
fn a_shard_that_is_not_k_of_n_is_an_argument_error() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["0/3", "4/3", "3", "x/y"] {
        let out = bin()
            .args(["convert", dir.path().to_str().unwrap(), "-o"])
            .arg(dir.path().join("o"))
            .args(["--shard", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("is not a shard: give K/N"),
            "{bad}"
        );
    }
}

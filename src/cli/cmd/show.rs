//! `gongkai show`: review pages, one per report, with an index.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gongkai::batch::collect::{Collected, Loaded};
use gongkai::batch::output::{self, TempFolder};
use gongkai::input::Input;
use gongkai::writers::show;

use super::{emit, fail, refuse_onto_input, EXIT_FINDING, EXIT_INPUT, EXIT_OUTPUT};
use super::{load, note_no_reports_and_skips};

/// One input file: its page at `output`. A folder, a sealed archive or several inputs:
/// `output` is a folder that gets `index.html` and a page per report. Exit 1 when some inputs were unusable.
pub fn show(inputs: &[PathBuf], output: &Path, options: &gongkai::ExtractOptions) -> ExitCode {
    let templates = &options.templates;
    if let Err(code) = refuse_onto_input(output, inputs) {
        return code;
    }
    let c = load(inputs, options, Some(output));
    let failures = &c.failures;
    let Some(first) = c.reports.first().or(c.no_report.first()) else {
        return ExitCode::from(EXIT_INPUT);
    };
    // One report file gets a page; an archive, a folder or several inputs get a folder.
    let single = inputs.len() == 1
        && inputs[0].is_file()
        && !gongkai::batch::collect::is_archive(&inputs[0]);
    if single {
        let folder = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let path = original_of(first, &c);
        let original = path.as_ref().and_then(|o| href(folder, o));
        let printed = path.and_then(|p| printed(&p, &first.report, options));
        let links = show::Context {
            index: None,
            original: original.as_deref(),
            printed: printed.as_ref(),
        };
        if let Err(code) = emit(
            show::page(&first.report, templates, links).as_bytes(),
            Some(output),
        ) {
            return code;
        }
    } else {
        note_no_reports_and_skips(&c, "listed apart in the index");
        if let Err(code) = site(&c, output, options) {
            return code;
        }
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FINDING)
    }
}

/// The folder of pages and its index, made in a temporary folder beside `output` and put
/// in its place whole: an error leaves `output` as it was, and no page of an earlier run
/// stays beside the new index. An `output` holding anything but review pages is not
/// replaced.
fn site(c: &Collected, output: &Path, options: &gongkai::ExtractOptions) -> Result<(), ExitCode> {
    let failed =
        |at: &Path, e: std::io::Error| fail(EXIT_OUTPUT, &at.display().to_string(), &e.to_string());
    refuse_other_files(output)?;
    // `.`, `..` or a path through them names a folder that cannot be renamed as such.
    let real;
    let output = match std::fs::canonicalize(output) {
        Ok(path) => {
            real = path;
            real.as_path()
        }
        Err(_) => output,
    };
    let parent = output::folder_of(output);
    std::fs::create_dir_all(parent).map_err(|e| failed(output, e))?;
    let site = TempFolder::beside(output).map_err(|e| failed(output, e))?;
    let reports = pages(&c.reports, c, &site, output, options)?;
    let no_report = pages(&c.no_report, c, &site, output, options)?;
    let index = show::index(&reports, &no_report, &options.templates);
    site.write(INDEX, index.as_bytes())
        .map_err(|e| failed(&output.join(INDEX), e))?;
    let kept = site
        .persist(output, is_ours)
        .map_err(|e| failed(output, e))?;
    if let Some(kept) = kept {
        eprintln!(
            "gongkai: {}: warning: files put there while show ran are kept in {}",
            output.display(),
            kept.display()
        );
    }
    Ok(())
}

const INDEX: &str = "index.html";

/// Refuses (exit 3) to replace an `output` that is not a folder of review pages: a file,
/// a link, or a folder holding anything but `.html` files (and our temporary files).
fn refuse_other_files(output: &Path) -> Result<(), ExitCode> {
    let refuse = |why: String| {
        fail(
            EXIT_OUTPUT,
            &output.display().to_string(),
            &format!("{why}; nothing was written"),
        )
    };
    match std::fs::symlink_metadata(output) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(refuse(e.to_string())),
        Ok(m) if !m.is_dir() => return Err(refuse("not a folder".into())),
        Ok(_) => {}
    }
    let entries = std::fs::read_dir(output).map_err(|e| refuse(e.to_string()))?;
    for entry in entries {
        let entry = entry.map_err(|e| refuse(e.to_string()))?;
        if !is_ours(&entry) {
            return Err(refuse(format!(
                "holds {}, which show does not write: it is not replaced",
                entry.file_name().to_string_lossy()
            )));
        }
    }
    Ok(())
}

/// A file show writes into its folder: a page (`.html`) or a temporary file of ours.
fn is_ours(entry: &std::fs::DirEntry) -> bool {
    let name = entry.file_name();
    let name = name.to_string_lossy();
    entry.file_type().is_ok_and(|t| t.is_file())
        && (name.ends_with(".html") || output::is_temp_name(&name))
}

/// Writes a review page for each report in `site`, linking as from `output`, the folder
/// it becomes; their lines of the index.
fn pages<'a>(
    loaded: &'a [Loaded],
    c: &Collected,
    site: &TempFolder,
    output: &Path,
    options: &gongkai::ExtractOptions,
) -> Result<Vec<show::IndexEntry<'a>>, ExitCode> {
    let templates = &options.templates;
    let mut entries = Vec::new();
    for l in loaded {
        let page = show::page_name(&l.report);
        let path = original_of(l, c);
        // The temporary folder is beside `output`: a link from it is a link from there.
        let original = path.as_ref().and_then(|o| href(site.path(), o));
        let printed = path.and_then(|p| printed(&p, &l.report, options));
        let links = show::Context {
            index: Some(INDEX),
            original: original.as_deref(),
            printed: printed.as_ref(),
        };
        site.write(&page, show::page(&l.report, templates, links).as_bytes())
            .map_err(|e| {
                fail(
                    EXIT_OUTPUT,
                    &output.join(&page).display().to_string(),
                    &e.to_string(),
                )
            })?;
        entries.push(show::IndexEntry {
            report: &l.report,
            page,
            original,
        });
    }
    Ok(entries)
}

/// The file a report was read from, when it is at hand: the input itself when it was
/// extracted now; for a report read from XML, an input with the bytes the XML records
/// (same SHA-256), or else the file beside the XML with the source's name and those
/// bytes. An original inside a sealed archive has no file of its own to link to.
fn original_of(l: &Loaded, c: &Collected) -> Option<PathBuf> {
    if !l.from_xml {
        return Some(l.path.clone());
    }
    let source = &l.report.meta.source;
    if let Some(path) = c.originals.get(&source.sha256) {
        return Some(path.clone());
    }
    let beside = l.path.parent()?.join(&source.name);
    let input = Input::from_path(&beside, source.bytes.saturating_add(1)).ok()?;
    (input.sha256() == source.sha256).then_some(beside)
}

/// What the original at `path` printed, read again for the source panels (the XML keeps
/// where each value was printed, not what surrounds it).
fn printed(
    path: &Path,
    report: &gongkai::model::Report,
    options: &gongkai::ExtractOptions,
) -> Option<show::Printed> {
    let input = Input::from_path(path, options.limits.max_input_bytes).ok()?;
    show::Printed::read(&input.bytes, report, &options.limits)
}

/// `to` as a link from a page in `folder`: a relative path, percent-encoded.
fn href(folder: &Path, to: &Path) -> Option<String> {
    let from = folder.canonicalize().ok()?;
    let to = to.canonicalize().ok()?;
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| encode(c.as_os_str().as_encoded_bytes())),
    );
    Some(parts.join("/"))
}

/// A path component in a link: every byte but the unreserved ones percent-encoded.
fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_and_encoded() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let crawl = dir.path().join("crawl 2023");
        std::fs::create_dir_all(&site).unwrap();
        std::fs::create_dir_all(&crawl).unwrap();
        std::fs::write(crawl.join("平潭#1.txt"), "x").unwrap();
        assert_eq!(
            href(&site, &crawl.join("平潭#1.txt")).as_deref(),
            Some("../crawl%202023/%E5%B9%B3%E6%BD%AD%231.txt")
        );
        assert_eq!(href(&site, &site.join("nothing")), None);
    }
}

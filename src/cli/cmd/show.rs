//! `gongkai show`: review pages, one per report, with an index.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gongkai::batch::collect::Loaded;
use gongkai::template::Templates;
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
        if let Err(code) = emit(
            show::page(&first.report, templates).as_bytes(),
            Some(output),
        ) {
            return code;
        }
    } else {
        note_no_reports_and_skips(&c, "listed apart in the index");
        if let Err(e) = std::fs::create_dir_all(output) {
            return fail(EXIT_OUTPUT, &output.display().to_string(), &e.to_string());
        }
        let (reports, no_report) = match (
            pages(&c.reports, output, templates),
            pages(&c.no_report, output, templates),
        ) {
            (Ok(r), Ok(n)) => (r, n),
            (Err(code), _) | (_, Err(code)) => return code,
        };
        if let Err(code) = emit(
            show::index(&reports, &no_report, templates).as_bytes(),
            Some(&output.join("index.html")),
        ) {
            return code;
        }
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FINDING)
    }
}

/// Writes a review page for each report in `folder`; their lines of the index.
fn pages<'a>(
    loaded: &'a [Loaded],
    folder: &Path,
    templates: &Templates,
) -> Result<Vec<show::IndexEntry<'a>>, ExitCode> {
    let mut entries = Vec::new();
    for l in loaded {
        let page = show::page_name(&l.report);
        emit(
            show::page(&l.report, templates).as_bytes(),
            Some(&folder.join(&page)),
        )?;
        entries.push(show::IndexEntry {
            report: &l.report,
            page,
        });
    }
    Ok(entries)
}

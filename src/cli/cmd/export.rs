//! `gongkai export`: the cells of many reports as one tidy (or wide) table.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gongkai::writers::{export, parquet};

use super::{emit, fail, refuse_onto_input, EXIT_FINDING, EXIT_INPUT, EXIT_OUTPUT};
use super::{load, note_no_reports_and_skips};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
    /// The tidy table typed (one row per cell; not with --wide).
    Parquet,
}

pub struct ExportOptions<'a> {
    pub format: ExportFormat,
    pub wide: bool,
    pub bom: bool,
    pub output: Option<&'a Path>,
    pub extract: gongkai::ExtractOptions,
}

/// Exit 0 when every input was read, 1 when some were not (the rest is exported), 2 when
/// none could be.
pub fn export(inputs: &[PathBuf], opts: &ExportOptions<'_>) -> ExitCode {
    if opts.wide && opts.format == ExportFormat::Parquet {
        return fail(
            EXIT_INPUT,
            "export",
            "--format parquet writes the tidy table only (pivot it where you read it)",
        );
    }
    if let Some(out) = opts.output {
        if let Err(code) = refuse_onto_input(out, inputs) {
            return code;
        }
    }
    let c = load(inputs, &opts.extract, opts.output);
    let templates = &opts.extract.templates;
    note_no_reports_and_skips(&c, "not exported");
    let (loaded, failures) = (&c.reports, &c.failures);
    if loaded.is_empty() && c.no_report.is_empty() && !failures.is_empty() {
        return ExitCode::from(EXIT_INPUT);
    }
    let mut bytes = Vec::new();
    let written = match (opts.format, opts.wide) {
        (ExportFormat::Csv, false) => {
            export::tidy_csv(&export::tidy_rows(loaded, templates), opts.bom).map(|csv| bytes = csv)
        }
        (ExportFormat::Csv, true) => {
            let (header, rows) = export::wide_rows(loaded, templates);
            export::write_csv(&mut bytes, &header, rows, opts.bom)
        }
        (ExportFormat::Json, false) => {
            export::write_json(&mut bytes, &export::tidy_rows(loaded, templates))
        }
        (ExportFormat::Parquet, _) => {
            parquet::write_parquet(&mut bytes, &export::tidy_rows(loaded, templates))
        }
        (ExportFormat::Json, true) => {
            let (header, rows) = export::wide_rows(loaded, templates);
            let objects: Vec<serde_json::Value> = rows
                .iter()
                .map(|row| {
                    let fields: serde_json::Map<String, serde_json::Value> = header
                        .iter()
                        .zip(row)
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                if v.is_empty() {
                                    serde_json::Value::Null
                                } else {
                                    v.clone().into()
                                },
                            )
                        })
                        .collect();
                    serde_json::Value::Object(fields)
                })
                .collect();
            serde_json::to_writer_pretty(&mut bytes, &objects).map_err(std::io::Error::other)
        }
    };
    if let Err(e) = written {
        return fail(EXIT_OUTPUT, "<output>", &e.to_string());
    }
    if let Err(code) = emit(&bytes, opts.output) {
        return code;
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FINDING)
    }
}

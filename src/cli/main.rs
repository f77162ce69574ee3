//! The `gongkai` command line.
//!
//! Exit codes: 0 done; 2 the input is unusable (empty, binary, too large, unsupported) or
//! the arguments are wrong; 3 the output could not be written. `verify` and `verify-proof`
//! also exit 1: the archive is damaged, the proof does not hold.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use gongkai::archive;
use gongkai::input::{Format, DEFAULT_MAX_INPUT_BYTES};
use gongkai::template::Templates;

mod cmd;
mod notice;

// Extraction makes many small short-lived allocations (cells, labels, readings): mimalloc
// serves them about a fifth faster than the system allocator (benches/extract.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "Converts, checks and archives 政府信息公开工作年度报告"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert one report (text, scraped page…) to canonical XML.
    Extract {
        /// The report; `-` reads standard input.
        input: PathBuf,
        /// Write here (atomically: nothing is written on failure) instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Use this reader instead of telling the format from the bytes.
        #[arg(long, value_enum)]
        from: Option<FromFormat>,
        #[command(flatten)]
        limits: LimitArgs,
        #[command(flatten)]
        templates: TemplateArgs,
    },
    /// Convert every file under the inputs to canonical XML under the output folder, in
    /// parallel, skipping files whose XML is up to date. Exit 0 all converted, 1 some
    /// failed (listed in OUT/_errors.jsonl), 2 bad arguments, 3 an XML not written.
    Convert {
        /// Folders (walked) or files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The output folder: OUT/<path relative to the input>.xml.
        #[arg(short, long)]
        output: PathBuf,
        /// Files converted at once (default: the number of cores).
        #[arg(short, long)]
        jobs: Option<usize>,
        /// Convert files again even when their XML records the same input.
        #[arg(long)]
        force: bool,
        /// Go on after an XML cannot be written (bad input files never stop the run).
        #[arg(long)]
        keep_going: bool,
        /// No progress output (the summary line is still printed).
        #[arg(short, long)]
        quiet: bool,
        /// Convert only shard K of N (1 <= K <= N): the files whose path relative to the
        /// input hashes (SHA-256) to it. N machines sharing the folders each run one shard;
        /// failures go to OUT/_errors.K-of-N.jsonl.
        #[arg(long, value_name = "K/N")]
        shard: Option<gongkai::batch::convert::Shard>,
        #[command(flatten)]
        limits: LimitArgs,
        #[command(flatten)]
        templates: TemplateArgs,
    },
    /// Print the XML Schema of the canonical report (schemas/report.xsd; with --templates,
    /// of the reports those templates give).
    Schema {
        #[command(flatten)]
        templates: TemplateArgs,
    },
    /// Seal a year's originals (and their canonical XML) into one archive: a BagIt bag in a
    /// deterministic zip with a seal record.
    Seal {
        /// The reporting year.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1000..=9999))]
        year: u16,
        /// Folders (walked; paths kept relative to them) or files (stored by name).
        #[arg(required_unless_present = "files_from")]
        inputs: Vec<PathBuf>,
        /// Also seal the files or folders listed in this file, one path a line (`-`: stdin).
        #[arg(long, value_name = "LIST")]
        files_from: Option<PathBuf>,
        /// The archive to write (atomically; never overwritten without --force).
        #[arg(short, long)]
        output: PathBuf,
        /// The previous year's archive: this seal records its seal's SHA-256.
        #[arg(long)]
        prev: Option<PathBuf>,
        /// Replace an existing archive.
        #[arg(long)]
        force: bool,
        /// The limits extract runs within; an original past --max-input-bytes is archived
        /// without a report.
        #[command(flatten)]
        limits: LimitArgs,
        #[command(flatten)]
        templates: TemplateArgs,
    },
    /// Verify an archive: every file, the manifests, Payload-Oxum, the Merkle root, the
    /// links between reports and originals, and the chain to --prev. Exit 0 intact,
    /// 1 damaged, 2 unusable.
    Verify {
        archive: PathBuf,
        /// The previous year's archive, to check the chain.
        #[arg(long)]
        prev: Option<PathBuf>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the inclusion proof of one file of an archive, without reading the payload.
    ///
    /// Before writing it, prove checks what a proof rests on: the zip's
    /// central directory and end records; the tag files, byte for byte as a seal writes
    /// them; the manifest's paths against the directory's entries; the seal record against
    /// the manifest (each file's SHA-256, and its size against the directory's) and its
    /// Merkle root against the one over the manifest. It reads neither the payload's bytes
    /// nor their local headers, and does not check the links between reports and
    /// originals: `verify` does. Exit 0 written, 1 damaged or the file not in it, 2
    /// unusable.
    Prove {
        archive: PathBuf,
        /// The file's path in the bag, e.g. `originals/report.txt` (`data/` optional).
        path: String,
        /// Write the proof here instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Check an inclusion proof against a Merkle root or an archive's seal. Exit 0 holds,
    /// 1 does not hold, 2 unusable.
    VerifyProof {
        proof: PathBuf,
        /// The Merkle root (64 hex digits), e.g. as published when the archive was sealed.
        #[arg(long, required_unless_present = "archive", conflicts_with = "archive")]
        root: Option<String>,
        /// Take the root, year, seal SHA-256 and tree size from this archive's seal, after
        /// checking it as `prove` does (not the payload's bytes).
        #[arg(long)]
        archive: Option<PathBuf>,
        /// Also check that this file is the one proven (its SHA-256).
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// List what an archive holds, from its seal record (without verifying it).
    List { archive: PathBuf },
    /// Export the standard-table cells of many reports as one table: one row per cell
    /// (or per report with --wide). Inputs are canonical XML or originals, files or folders.
    Export {
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "csv")]
        format: cmd::export::ExportFormat,
        /// One row per report, one column per cell.
        #[arg(long)]
        wide: bool,
        /// Start the CSV with a byte-order mark (Excel reads UTF-8 then).
        #[arg(long)]
        bom: bool,
        /// Write here (atomically) instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
        #[command(flatten)]
        templates: TemplateArgs,
    },
    /// Report each failed consistency rule with its cells, ambiguous and missing cells, and
    /// a summary. Exit 0 all rules hold, 1 a rule fails, 2 an input is unusable.
    Check {
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Also compare consecutive years of each issuer (soft rules: warnings).
        #[arg(long)]
        across_years: bool,
        /// Issuer names to group under one key: `name<TAB>key` lines.
        #[arg(long, value_name = "FILE")]
        issuer_map: Option<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
        #[command(flatten)]
        templates: TemplateArgs,
    },
    /// Write a self-contained HTML review page of a report; for a folder or several
    /// inputs, a folder of pages with a sortable index.
    Show {
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The page (one input file) or the folder (otherwise) to write.
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        limits: LimitArgs,
        #[command(flatten)]
        templates: TemplateArgs,
    },
}

/// The templates reports are read and checked by: a flag of every command that reads them.
#[derive(clap::Args)]
struct TemplateArgs {
    /// Use the templates in this file (the form of schemas/templates.toml) instead of the
    /// built-in ones.
    #[arg(long, value_name = "FILE")]
    templates: Option<PathBuf>,
}

impl TemplateArgs {
    /// The templates: the file's (exit 2 naming it and the line it is wrong on), or the
    /// built-in ones.
    fn load(&self) -> Result<Arc<Templates>, ExitCode> {
        match &self.templates {
            None => Ok(Templates::builtin()),
            Some(path) => Templates::load(path).map(Arc::new).map_err(|e| {
                cmd::fail(cmd::EXIT_INPUT, &path.display().to_string(), &e.to_string())
            }),
        }
    }

    fn extract_options(
        &self,
        from: Option<FromFormat>,
        limits: &LimitArgs,
    ) -> Result<gongkai::ExtractOptions, ExitCode> {
        Ok(gongkai::ExtractOptions {
            from: from.map(Format::from),
            limits: limits.limits(),
            templates: self.load()?,
        })
    }
}

/// Per-file limits (see README): flags of every command that reads reports.
#[derive(clap::Args)]
struct LimitArgs {
    /// Refuse inputs larger than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_INPUT_BYTES)]
    max_input_bytes: u64,
    /// Refuse a PDF with a stream that decompresses to more than this many bytes.
    #[arg(long, default_value_t = gongkai::readers::pdf::MAX_STREAM_BYTES)]
    max_pdf_stream_bytes: usize,
    /// Drop the tags (keeping the text) of HTML elements nested deeper than this.
    #[arg(long, default_value_t = gongkai::readers::html::MAX_DEPTH as u64,
          value_parser = clap::value_parser!(u64).range(1..=gongkai::readers::html::MAX_DEPTH_CEILING as u64))]
    max_html_depth: u64,
    /// Refuse an HTML page whose parsed tree has more nodes (tags, text runs) than this.
    #[arg(long, default_value_t = gongkai::readers::html::MAX_NODES)]
    max_html_nodes: usize,
    /// Refuse an input that gives more lines of text (or paragraphs) than this.
    #[arg(long, default_value_t = gongkai::layout::DEFAULT_MAX_LINES)]
    max_lines: usize,
    /// Refuse an input that gives more table cells than this.
    #[arg(long, default_value_t = gongkai::layout::DEFAULT_MAX_CELLS)]
    max_cells: usize,
    /// Refuse an input whose images (read by OCR) decode to more pixels than this.
    #[arg(long, default_value_t = gongkai::layout::DEFAULT_MAX_PIXELS)]
    max_pixels: u64,
}

impl LimitArgs {
    fn limits(&self) -> gongkai::Limits {
        gongkai::Limits {
            max_input_bytes: self.max_input_bytes,
            max_pdf_stream_bytes: self.max_pdf_stream_bytes,
            max_html_depth: self.max_html_depth as usize,
            max_html_nodes: self.max_html_nodes,
            max_lines: self.max_lines,
            max_cells: self.max_cells,
            max_pixels: self.max_pixels,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum FromFormat {
    Text,
    Html,
    Pdf,
    Docx,
    Odt,
    Ofd,
    /// PNG, JPEG or TIFF pages, read by OCR (Tesseract).
    Image,
}

impl From<FromFormat> for Format {
    fn from(f: FromFormat) -> Format {
        match f {
            FromFormat::Text => Format::Text,
            FromFormat::Html => Format::Html,
            FromFormat::Pdf => Format::Pdf,
            FromFormat::Docx => Format::Docx,
            FromFormat::Odt => Format::Odt,
            FromFormat::Ofd => Format::Ofd,
            FromFormat::Image => Format::Image,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) | Err(code) => code,
    }
}

fn run(command: Command) -> Result<ExitCode, ExitCode> {
    Ok(match command {
        Command::Extract {
            input,
            output,
            from,
            limits,
            templates,
        } => cmd::extract::extract(
            &input,
            output.as_deref(),
            &templates.extract_options(from, &limits)?,
        ),
        Command::Seal {
            year,
            inputs,
            files_from,
            output,
            prev,
            force,
            limits,
            templates,
        } => cmd::archive::seal(
            &inputs,
            files_from.as_deref(),
            &output,
            &archive::SealOptions {
                year,
                prev,
                force,
                max_input_bytes: limits.max_input_bytes,
            },
            &templates.extract_options(None, &limits)?,
        ),
        Command::Verify {
            archive,
            prev,
            json,
        } => cmd::archive::verify(&archive, prev.as_deref(), json),
        Command::Prove {
            archive,
            path,
            output,
        } => cmd::archive::prove(&archive, &path, output.as_deref()),
        Command::VerifyProof {
            proof,
            root,
            archive,
            file,
        } => {
            cmd::archive::verify_proof(&proof, root.as_deref(), archive.as_deref(), file.as_deref())
        }
        Command::List { archive } => cmd::archive::list(&archive),
        Command::Export {
            inputs,
            format,
            wide,
            bom,
            output,
            limits,
            templates,
        } => cmd::export::export(
            &inputs,
            &cmd::export::ExportOptions {
                format,
                wide,
                bom,
                output: output.as_deref(),
                extract: templates.extract_options(None, &limits)?,
            },
        ),
        Command::Check {
            inputs,
            json,
            across_years,
            issuer_map,
            limits,
            templates,
        } => cmd::check::check(
            &inputs,
            &cmd::check::CheckOptions {
                json,
                across_years,
                issuer_map: issuer_map.as_deref(),
                extract: templates.extract_options(None, &limits)?,
            },
        ),
        Command::Convert {
            inputs,
            output,
            jobs,
            force,
            keep_going,
            quiet,
            shard,
            limits,
            templates,
        } => cmd::convert::convert(
            &inputs,
            shard,
            &gongkai::batch::convert::ConvertOptions {
                output,
                jobs: jobs
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
                force,
                keep_going,
                limits: limits.limits(),
                templates: templates.load()?,
            },
            quiet,
        ),
        Command::Show {
            inputs,
            output,
            limits,
            templates,
        } => cmd::show::show(&inputs, &output, &templates.extract_options(None, &limits)?),
        Command::Schema { templates } => {
            let templates = templates.load()?;
            cmd::done(cmd::to_stdout(
                gongkai::writers::schema::report_xsd(&templates).as_bytes(),
            ))
        }
    })
}

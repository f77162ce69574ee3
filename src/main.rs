//! The `gongkai` command line.
//!
//! Exit codes: 0 done; 2 the input is unusable (empty, binary, too large, unsupported) or
//! the arguments are wrong; 3 the output could not be written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use gongkai::input::{Format, Input, DEFAULT_MAX_INPUT_BYTES};
use gongkai::ExtractOptions;

const EXIT_INPUT: u8 = 2;
const EXIT_OUTPUT: u8 = 3;

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
        /// Refuse inputs larger than this many bytes.
        #[arg(long, default_value_t = DEFAULT_MAX_INPUT_BYTES)]
        max_input_bytes: u64,
    },
    /// Print the XML Schema of the canonical report (schemas/report.xsd).
    Schema,
}

#[derive(Clone, Copy, ValueEnum)]
enum FromFormat {
    Text,
    Html,
    Pdf,
    Docx,
}

impl From<FromFormat> for Format {
    fn from(f: FromFormat) -> Format {
        match f {
            FromFormat::Text => Format::Text,
            FromFormat::Html => Format::Html,
            FromFormat::Pdf => Format::Pdf,
            FromFormat::Docx => Format::Docx,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Extract {
            input,
            output,
            from,
            max_input_bytes,
        } => extract(
            &input,
            output.as_deref(),
            from.map(Format::from),
            max_input_bytes,
        ),
        Command::Schema => {
            match std::io::stdout().write_all(gongkai::schema::report_xsd().as_bytes()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(EXIT_OUTPUT, "<stdout>", &e.to_string()),
            }
        }
    }
}

fn fail(code: u8, what: &str, reason: &str) -> ExitCode {
    eprintln!("gongkai: {what}: {reason}");
    ExitCode::from(code)
}

fn extract(path: &Path, output: Option<&Path>, from: Option<Format>, limit: u64) -> ExitCode {
    let stdin = path.as_os_str() == "-";
    let shown = if stdin {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    let input = if stdin {
        Input::from_reader("stdin", std::io::stdin().lock(), limit)
    } else {
        Input::from_path(path, limit)
    };
    let input = match input {
        Ok(i) => i,
        Err(e) => return fail(EXIT_INPUT, &shown, &e.to_string()),
    };
    let report = match gongkai::extract(&input, &ExtractOptions { from }) {
        Ok(r) => r,
        Err(e) => return fail(EXIT_INPUT, &shown, &e.to_string()),
    };
    let bytes = gongkai::xml::to_bytes(&report);
    match output {
        None => match std::io::stdout().lock().write_all(&bytes) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(EXIT_OUTPUT, "<stdout>", &e.to_string()),
        },
        Some(out) => match write_atomically(out, &bytes) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(EXIT_OUTPUT, &out.display().to_string(), &e.to_string()),
        },
    }
}

/// Writes to a temporary file beside the target, syncs it, then renames it into place:
/// a failure or a kill never leaves a partial file under the target name.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".gongkai-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

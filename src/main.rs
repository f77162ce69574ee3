//! The `gongkai` command line.
//!
//! Exit codes: 0 done; 2 the input is unusable (empty, binary, too large, unsupported) or
//! the arguments are wrong; 3 the output could not be written. `verify` and `verify-proof`
//! also exit 1: the archive is damaged, the proof does not hold.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use gongkai::archive::{self, ArchiveError};
use gongkai::input::{Format, Input, DEFAULT_MAX_INPUT_BYTES};
use gongkai::ExtractOptions;

const EXIT_DAMAGED: u8 = 1;
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
        /// Originals larger than this are archived without running extract on them.
        #[arg(long, default_value_t = DEFAULT_MAX_INPUT_BYTES)]
        max_input_bytes: u64,
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
    /// Write the inclusion proof of one file of an intact archive.
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
        /// Take the root from this archive's seal (the archive is verified first).
        #[arg(long)]
        archive: Option<PathBuf>,
        /// Also check that this file is the one proven (its SHA-256).
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// List what an archive holds, from its seal record (without verifying it).
    List { archive: PathBuf },
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
        Command::Seal {
            year,
            mut inputs,
            files_from,
            output,
            prev,
            force,
            max_input_bytes,
        } => {
            if let Some(list) = files_from {
                match read_list(&list) {
                    Ok(paths) => inputs.extend(paths),
                    Err(e) => return fail(EXIT_INPUT, &list.display().to_string(), &e),
                }
            }
            seal(
                &inputs,
                &output,
                &archive::SealOptions {
                    year,
                    prev,
                    force,
                    max_input_bytes,
                },
            )
        }
        Command::Verify {
            archive,
            prev,
            json,
        } => verify(&archive, prev.as_deref(), json),
        Command::Prove {
            archive,
            path,
            output,
        } => prove(&archive, &path, output.as_deref()),
        Command::VerifyProof {
            proof,
            root,
            archive,
            file,
        } => verify_proof(&proof, root.as_deref(), archive.as_deref(), file.as_deref()),
        Command::List { archive } => list(&archive),
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

/// Exit code for an archive error: output problems are 3, everything else unusable input.
fn archive_fail(e: &ArchiveError) -> ExitCode {
    let code = match e {
        ArchiveError::Exists(_) | ArchiveError::Write { .. } => EXIT_OUTPUT,
        _ => EXIT_INPUT,
    };
    eprintln!("gongkai: {e}");
    ExitCode::from(code)
}

fn seal(inputs: &[PathBuf], output: &Path, opts: &archive::SealOptions) -> ExitCode {
    match archive::seal(inputs, output, opts) {
        Err(e) => archive_fail(&e),
        Ok(s) => {
            for (path, note) in &s.notes {
                eprintln!("note: {path}: {note}");
            }
            println!(
                "sealed {}: year {}, {} files, {} bytes of payload, {} bytes in all\n\
                 merkle root  {}\nseal sha256  {}",
                output.display(),
                opts.year,
                s.files,
                s.bytes,
                s.archive_bytes,
                s.root,
                s.seal_sha256
            );
            ExitCode::SUCCESS
        }
    }
}

fn verify(path: &Path, prev: Option<&Path>, json: bool) -> ExitCode {
    let v = match archive::verify_path(path, prev) {
        Ok(v) => v,
        Err(e) => return archive_fail(&e),
    };
    let text = if json {
        let mut t = serde_json::to_string_pretty(&v).unwrap_or_default();
        t.push('\n');
        t
    } else {
        v.to_text()
    };
    if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
        return fail(EXIT_OUTPUT, "<stdout>", &e.to_string());
    }
    match v.status {
        archive::Status::Intact => ExitCode::SUCCESS,
        archive::Status::Damaged => ExitCode::from(EXIT_DAMAGED),
    }
}

fn prove(path: &Path, file: &str, output: Option<&Path>) -> ExitCode {
    let proof = archive::verify_path(path, None).and_then(|v| archive::proof::prove(&v, file));
    let proof = match proof {
        Ok(p) => p,
        Err(ArchiveError::Proof(reason)) => {
            return fail(EXIT_DAMAGED, &path.display().to_string(), &reason)
        }
        Err(e) => return archive_fail(&e),
    };
    let mut bytes = serde_json::to_vec_pretty(&proof).unwrap_or_default();
    bytes.push(b'\n');
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

fn verify_proof(
    proof_path: &Path,
    root: Option<&str>,
    archive_path: Option<&Path>,
    file: Option<&Path>,
) -> ExitCode {
    let shown = proof_path.display().to_string();
    let proof: archive::proof::Proof = match std::fs::read(proof_path)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| format!("not a proof: {e}")))
    {
        Ok(p) => p,
        Err(e) => return fail(EXIT_INPUT, &shown, &e),
    };
    let root = match (root, archive_path) {
        (Some(r), _) => r.to_string(),
        (None, Some(a)) => match archive::verify_path(a, None) {
            Err(e) => return archive_fail(&e),
            Ok(v) if v.status != archive::Status::Intact => {
                return fail(
                    EXIT_DAMAGED,
                    &a.display().to_string(),
                    &format!(
                        "damaged ({} problems); its root proves nothing",
                        v.problems.len()
                    ),
                )
            }
            Ok(v) => v.root.unwrap_or_default(),
        },
        (None, None) => return fail(EXIT_INPUT, &shown, "give --root or --archive"),
    };
    let file_sha = match file {
        None => None,
        Some(f) => match archive::list::sha256_file(f) {
            Ok(h) => Some(h),
            Err(e) => return fail(EXIT_INPUT, &f.display().to_string(), &e.to_string()),
        },
    };
    match archive::proof::check(&proof, &root, file_sha.as_deref()) {
        Ok(()) => {
            println!(
                "{shown}: holds — {} (sha256 {}) is leaf {} of {} under root {}",
                proof.path, proof.sha256, proof.leaf_index, proof.tree_size, root
            );
            ExitCode::SUCCESS
        }
        Err(reason) => fail(EXIT_DAMAGED, &shown, &format!("does not hold: {reason}")),
    }
}

fn list(path: &Path) -> ExitCode {
    match archive::list::list(path) {
        Err(e) => archive_fail(&e),
        Ok(text) => match std::io::stdout().lock().write_all(text.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(EXIT_OUTPUT, "<stdout>", &e.to_string()),
        },
    }
}

/// The paths of an input list: one a line, blank lines skipped.
fn read_list(list: &Path) -> Result<Vec<PathBuf>, String> {
    let text = if list.as_os_str() == "-" {
        let mut t = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut t)
            .map_err(|e| e.to_string())?;
        t
    } else {
        std::fs::read_to_string(list).map_err(|e| e.to_string())?
    };
    Ok(text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .map(PathBuf::from)
        .collect())
}

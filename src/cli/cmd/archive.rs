//! `gongkai seal`, `verify`, `prove`, `verify-proof`, `list`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gongkai::archive::{self, ArchiveError, Depth, Progress};

use super::{
    done, emit, fail, refuse_onto_input, to_stdout, EXIT_FINDING, EXIT_INPUT, EXIT_OUTPUT,
};

/// Exit code for an archive error: output problems are 3, everything else unusable input.
fn archive_fail(e: &ArchiveError) -> ExitCode {
    let code = match e {
        ArchiveError::Exists(_) | ArchiveError::Write { .. } => EXIT_OUTPUT,
        _ => EXIT_INPUT,
    };
    eprintln!("gongkai: {e}");
    ExitCode::from(code)
}

/// The most reports named in the warning about their year; the rest are counted.
const YEARS_NAMED: usize = 20;

pub fn seal(
    inputs: &[PathBuf],
    list: Option<&Path>,
    output: &Path,
    opts: &archive::SealOptions,
    extraction: &gongkai::ExtractOptions,
) -> ExitCode {
    let mut inputs = inputs.to_vec();
    if let Some(list) = list {
        match read_list(list) {
            Ok(paths) => inputs.extend(paths),
            Err(e) => return fail(EXIT_INPUT, &list.display().to_string(), &e),
        }
    }
    // Neither an original, the list nor the previous archive may be replaced by this one.
    let mut read: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    read.extend(list.filter(|l| l.as_os_str() != "-"));
    read.extend(opts.prev.as_deref());
    if let Err(code) = refuse_onto_input(output, &read) {
        return code;
    }
    // The bar is gone before anything else is said.
    let sealed = {
        let progress = archive::Progress::on_terminal();
        archive::seal(&inputs, output, opts, extraction, &progress)
    };
    let s = match sealed {
        Err(e) => return archive_fail(&e),
        Ok(s) => s,
    };
    for (path, note) in &s.notes {
        eprintln!("note: {path}: {note}");
    }
    if !s.other_years.is_empty() {
        for (path, year) in s.other_years.iter().take(YEARS_NAMED) {
            eprintln!("warning: {path} states the year {year}");
        }
        let more = s.other_years.len().saturating_sub(YEARS_NAMED);
        eprintln!(
            "warning: {} report(s) state a year other than --year {}{}; sealed as {} all the same",
            s.other_years.len(),
            opts.year,
            if more > 0 {
                format!(" ({more} more not named)")
            } else {
                String::new()
            },
            opts.year
        );
    }
    let skipped = if s.skipped.is_empty() {
        String::new()
    } else {
        format!("\nnot sealed   {}", s.skipped)
    };
    done(to_stdout(
        format!(
            "sealed {}: year {}, {} files, {} bytes of payload, {} bytes in all\n\
             merkle root  {}\nseal sha256  {}{skipped}\n",
            output.display(),
            opts.year,
            s.files,
            s.bytes,
            s.archive_bytes,
            s.root,
            s.seal_sha256
        )
        .as_bytes(),
    ))
}

pub fn verify(path: &Path, prev: Option<&Path>, json: bool) -> ExitCode {
    let verified = {
        let progress = archive::Progress::on_terminal();
        archive::verify_path(path, prev, &progress)
    };
    let v = match verified {
        Ok(v) => v,
        Err(e) => return archive_fail(&e),
    };
    // Written as it is made: a report of many problems is not held whole in memory.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = if json {
        serde_json::to_writer_pretty(&mut out, &v)
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
    } else {
        v.write_text(&mut out)
    };
    if let Err(e) = written.and_then(|()| out.flush()) {
        return fail(EXIT_OUTPUT, "<stdout>", &e.to_string());
    }
    if v.chain_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FINDING)
    }
}

pub fn prove(path: &Path, file: &str, output: Option<&Path>) -> ExitCode {
    if let Some(out) = output {
        if let Err(code) = refuse_onto_input(out, &[path]) {
            return code;
        }
    }
    // What a proof rests on is checked, not the payload's bytes (`verify` reads them).
    let proof = archive::verify::verify_file(path, Depth::Tags, &Progress::hidden())
        .and_then(|v| archive::proof::prove(&v, file));
    let proof = match proof {
        Ok(p) => p,
        Err(ArchiveError::Proof(reason)) => {
            return fail(EXIT_FINDING, &path.display().to_string(), &reason)
        }
        Err(e) => return archive_fail(&e),
    };
    let mut bytes = serde_json::to_vec_pretty(&proof).unwrap_or_default();
    bytes.push(b'\n');
    done(emit(&bytes, output))
}

pub fn verify_proof(
    proof_path: &Path,
    root: Option<&str>,
    archive_path: Option<&Path>,
    file: Option<&Path>,
) -> ExitCode {
    let shown = proof_path.display().to_string();
    // A proof is a few KiB: a larger file, or one that is no regular file, is not one.
    let proof: archive::proof::Proof = match gongkai::input::Input::from_path(proof_path, 1 << 20)
        .map_err(|e| e.to_string())
        .and_then(|i| serde_json::from_slice(&i.bytes).map_err(|e| format!("not a proof: {e}")))
    {
        Ok(p) => p,
        Err(e) => return fail(EXIT_INPUT, &shown, &e),
    };
    // The root is checked before anything is read: a malformed one is an argument error.
    let root = match root.map(|r| (r, archive::proof::unhex(r))) {
        Some((r, None)) => {
            return fail(
                EXIT_INPUT,
                "--root",
                &format!("{r:?} is not a Merkle root (64 hex digits)"),
            )
        }
        Some((_, Some(h))) => Some(h),
        None => None,
    };
    let verified;
    let anchor = match (root, archive_path) {
        (Some(r), _) => archive::proof::Anchor::Root(r),
        (None, Some(a)) => {
            match archive::verify::verify_file(a, Depth::Tags, &Progress::hidden()) {
                Err(e) => return archive_fail(&e),
                Ok(v) if v.status != archive::Status::Intact => {
                    return fail(
                        EXIT_FINDING,
                        &a.display().to_string(),
                        &format!(
                            "damaged ({}); its root proves nothing",
                            archive::count(v.problems.len(), "problem")
                        ),
                    )
                }
                Ok(v) => {
                    verified = v;
                    archive::proof::Anchor::Archive(&verified)
                }
            }
        }
        (None, None) => return fail(EXIT_INPUT, &shown, "give --root or --archive"),
    };
    let file_sha = match file {
        None => None,
        Some(f) => match archive::list::sha256_file(f) {
            Ok(h) => Some(h),
            Err(e) => return fail(EXIT_INPUT, &f.display().to_string(), &e.to_string()),
        },
    };
    match archive::proof::check(&proof, &anchor, file_sha.as_deref()) {
        Ok(()) => {
            let unchecked = match anchor {
                archive::proof::Anchor::Root(_) => format!(
                    "; {} not checked (a root cannot vouch for them; give --archive)",
                    archive::proof::UNCHECKED_BY_ROOT
                ),
                archive::proof::Anchor::Archive(_) => String::new(),
            };
            println!(
                "{shown}: holds — {} (sha256 {}) is leaf {} of {} under root {}{unchecked}",
                proof.path, proof.sha256, proof.leaf_index, proof.tree_size, proof.root
            );
            ExitCode::SUCCESS
        }
        Err(reason) => fail(EXIT_FINDING, &shown, &format!("does not hold: {reason}")),
    }
}

pub fn list(path: &Path) -> ExitCode {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match archive::list::list(path, &mut out) {
        // Standard output, said as every command says it.
        Err(ArchiveError::Write { source, .. }) => {
            fail(EXIT_OUTPUT, "<stdout>", &source.to_string())
        }
        Err(e) => archive_fail(&e),
        Ok(()) => ExitCode::SUCCESS,
    }
}

/// The paths of an input list: one a line, blank lines skipped.
pub fn read_list(list: &Path) -> Result<Vec<PathBuf>, String> {
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

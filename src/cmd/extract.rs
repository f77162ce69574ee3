//! `gongkai extract`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use gongkai::input::Input;
use gongkai::ExtractOptions;

use super::{fail, write_atomically, EXIT_INPUT, EXIT_OUTPUT};

pub fn extract(path: &Path, output: Option<&Path>, options: &ExtractOptions) -> ExitCode {
    let limit = options.limits.max_input_bytes;
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
    let report = match gongkai::extract(&input, options) {
        Ok(r) => r,
        Err(e) => return fail(EXIT_INPUT, &shown, &e.to_string()),
    };
    let bytes = gongkai::xml::to_bytes(&report);
    let written = match output {
        None => std::io::stdout()
            .lock()
            .write_all(&bytes)
            .map_err(|e| ("<stdout>".to_string(), e)),
        Some(out) => write_atomically(out, &bytes).map_err(|e| (out.display().to_string(), e)),
    };
    match written {
        Ok(()) => {
            // Written, but perhaps not what was hoped for: one line says so.
            if let Some(notice) = gongkai::notice::of(&report) {
                eprintln!("gongkai: {shown}: warning: {notice}");
            }
            ExitCode::SUCCESS
        }
        Err((what, e)) => fail(EXIT_OUTPUT, &what, &e.to_string()),
    }
}

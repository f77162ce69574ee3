//! `gongkai extract`.

use std::path::Path;
use std::process::ExitCode;

use gongkai::input::Input;
use gongkai::ExtractOptions;

use super::{emit, fail, refuse_onto_input, EXIT_INPUT};

pub fn extract(path: &Path, output: Option<&Path>, options: &ExtractOptions) -> ExitCode {
    let limit = options.limits.max_input_bytes;
    let stdin = path.as_os_str() == "-";
    let shown = if stdin {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    if let (Some(out), false) = (output, stdin) {
        if let Err(code) = refuse_onto_input(out, &[path]) {
            return code;
        }
    }
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
    if let Err(code) = emit(&gongkai::writers::xml::to_bytes(&report), output) {
        return code;
    }
    // Written, but perhaps not what was hoped for: one line says so.
    if let Some(notice) = crate::notice::of(&report) {
        eprintln!("gongkai: {shown}: warning: {notice}");
    }
    ExitCode::SUCCESS
}

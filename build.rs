//! The built-in templates (`schemas/templates.toml`, the one file to edit) are also written
//! as JSON for the binary to parse at start-up: a tenth of parsing the TOML (issue 18).
//! A file that does not parse gives empty JSON here, and the library then parses the TOML
//! itself, so its error names the line (the tests read the built-in file that way too).

use std::path::Path;

fn main() {
    const TEMPLATES: &str = "schemas/templates.toml";
    println!("cargo::rerun-if-changed={TEMPLATES}");
    let json = std::fs::read_to_string(TEMPLATES)
        .ok()
        .and_then(|text| toml::from_str::<toml::Value>(&text).ok())
        .and_then(|value| serde_json::to_string(&value).ok())
        .unwrap_or_default();
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("templates.json"), json).expect("OUT_DIR is writable");
}

//! The built-in templates (`schemas/templates.toml`, the one file to edit) are also written
//! as Rust static data (`src/template/builtin.rs` reads it), so that start-up parses no
//! text at all (issue 18). A file that does not parse gives `None` here, and the library
//! then parses the TOML itself, so its error names the line (the tests compare the two).

use std::fmt::Write;
use std::path::Path;

fn main() {
    const TEMPLATES: &str = "schemas/templates.toml";
    println!("cargo::rerun-if-changed={TEMPLATES}");
    pack_relative_relocations();
    let tree = std::fs::read_to_string(TEMPLATES)
        .ok()
        .and_then(|text| toml::from_str::<toml::Value>(&text).ok())
        .and_then(|value| {
            let mut out = String::new();
            node(&value, &mut out).then_some(out)
        });
    let source = match tree {
        Some(tree) => format!("pub(super) static BUILTIN: Option<Node> = Some({tree});\n"),
        None => "pub(super) static BUILTIN: Option<Node> = None;\n".to_string(),
    };
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("templates.rs"), source).expect("OUT_DIR is writable");
}

/// The binary's relative relocations (~48,000: vtables, static strings, the templates
/// below) packed as DT_RELR, a bitmap of a few KiB, instead of a 1.1 MiB `.rela.dyn` the
/// loader reads at every start (issue 18). The binary stays position-independent. GNU ld
/// (2.38 on) writes it only when the C library it links against can read it (glibc 2.36 on)
/// and otherwise leaves the relocations as they were.
fn pack_relative_relocations() {
    let var = |name| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// Writes `value` as a `Node` expression; false for what templates never hold (floats,
/// dates), which the library's own TOML parse then reports.
fn node(value: &toml::Value, out: &mut String) -> bool {
    match value {
        toml::Value::String(s) => write!(out, "Node::Str({s:?})").is_ok(),
        toml::Value::Integer(i) => write!(out, "Node::Int({i})").is_ok(),
        toml::Value::Boolean(b) => write!(out, "Node::Bool({b})").is_ok(),
        toml::Value::Array(items) => {
            out.push_str("Node::Array(&[");
            for item in items {
                if !node(item, out) {
                    return false;
                }
                out.push(',');
            }
            out.push_str("])");
            true
        }
        toml::Value::Table(table) => {
            out.push_str("Node::Table(&[");
            for (key, item) in table {
                let _ = write!(out, "({key:?},");
                if !node(item, out) {
                    return false;
                }
                out.push_str("),");
            }
            out.push_str("])");
            true
        }
        toml::Value::Float(_) | toml::Value::Datetime(_) => false,
    }
}

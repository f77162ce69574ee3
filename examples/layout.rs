//! Prints the common layout a reader makes of a file: lines as they are, grids row by row
//! with cells between `|` (spans as `{rows×cols}`). For looking at what the recogniser gets.
//!
//!     cargo run --release --example layout -- report.pdf

use gongkai::input::{sniff, Input, DEFAULT_MAX_INPUT_BYTES};
use gongkai::layout::Block;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: layout FILE");
        std::process::exit(2);
    };
    let input = Input::from_path(std::path::Path::new(&path), DEFAULT_MAX_INPUT_BYTES)
        .unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(2)
        });
    let layout = gongkai::readers::read(
        sniff(&input.bytes),
        &input.bytes,
        &gongkai::Limits::default(),
    )
    .unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    for block in &layout.blocks {
        match block {
            Block::Line(t) => println!("{t}"),
            Block::Paragraph(t) => println!("¶ {t}"),
            Block::Grid(g) => {
                println!("┌ grid");
                for row in &g.rows {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|c| {
                            if c.row_span > 1 || c.col_span > 1 {
                                format!("{}{{{}×{}}}", c.text, c.row_span, c.col_span)
                            } else {
                                c.text.to_string()
                            }
                        })
                        .collect();
                    println!("│ {}", cells.join(" | "));
                }
                println!("└");
            }
        }
    }
    for d in &layout.diagnostics {
        eprintln!(
            "{} {} {}: {}",
            d.level.as_str(),
            d.code,
            d.location,
            d.message
        );
    }
}

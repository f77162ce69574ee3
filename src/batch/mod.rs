//! Work over many files: the one folder walker, `convert`'s parallel conversion, reading
//! converted reports back for `export`/`check`/`show`, and atomic output files.

pub mod collect;
pub mod convert;
pub mod output;
pub mod walk;

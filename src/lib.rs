//! gongkai: China's government information-disclosure annual reports
//! (政府信息公开工作年度报告) from any form they are found in, into one canonical XML with
//! every standard-table cell typed and checked.
//!
//! The pipeline: [`readers`] turn bytes into a [`layout::Layout`]; [`recognise`] maps any
//! layout onto the report templates ([`template`], loaded from `schemas/templates.toml`)
//! into a [`model::Report`]; [`checks`] apply the consistency rules; [`xml`] writes and
//! reads the canonical form.

pub mod across_years;
pub mod archive;
pub mod checks;
pub mod chrome;
pub mod collect;
pub mod export;
pub mod input;
pub mod layout;
pub mod model;
pub mod number;
pub mod readers;
pub mod recognise;
pub mod rules;
pub mod schema;
pub mod show;
pub mod template;
pub mod xml;

use input::{sniff, Format, Input};
use model::{Report, Source};

/// How to extract.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// Force a reader instead of sniffing the bytes.
    pub from: Option<Format>,
}

/// Reads one report. Errors are for inputs that are no readable document at all; a
/// readable text that holds no report still gives a report (template `none`).
pub fn extract(input: &Input, options: &ExtractOptions) -> Result<Report, readers::ReadError> {
    let format = options.from.unwrap_or_else(|| sniff(&input.bytes));
    let layout = readers::read(format, &input.bytes)?;
    let source = Source {
        name: input.name.clone(),
        media_type: format.media_type().to_string(),
        bytes: input.bytes.len() as u64,
        sha256: input.sha256(),
    };
    Ok(recognise::recognise(&layout, source))
}

//! What is written from a [`crate::model::Report`]: the canonical XML (and its reader), its
//! XML Schema, the tidy data export (CSV, JSON, Parquet) and the review pages.

pub mod export;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod schema;
pub mod show;
pub mod xml;

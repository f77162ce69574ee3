//! What is written from a [`crate::model::Report`]: the canonical XML (and its reader), its
//! XML Schema, the tidy data export and the review pages.

pub mod export;
pub mod schema;
pub mod show;
pub mod xml;

//! The canonical XML (shared/spec/canonical-xml.md): writing it and reading it back.

mod read;
mod write;

pub use read::{from_bytes, XmlError};
pub use write::to_bytes;

/// The contract's namespace; a new version of the contract gets a new one.
pub const NAMESPACE: &str = "urn:gongkai:report:1";

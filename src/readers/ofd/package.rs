//! The package's parts: read through the office readers' zip limits, named by locations
//! that must resolve inside the package, and a budget over all of them.

use super::tree::{self, Tree};
use super::{OfdError, MAX_TOTAL_BYTES};
use crate::readers::office::Package;

pub const OFD_XML: &str = "OFD.xml";

pub struct Parts<'a> {
    zip: Package<'a>,
    /// Bytes read so far, decompressed.
    read: u64,
}

impl<'a> Parts<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Parts<'a>, OfdError> {
        Ok(Parts {
            zip: Package::open(bytes)?,
            read: 0,
        })
    }

    pub fn has(&self, entry: &str) -> bool {
        self.zip.has(entry)
    }

    /// An entry's bytes; `by` says who named it, for the error when it is missing.
    pub fn bytes(&mut self, entry: &str, by: &str) -> Result<Vec<u8>, OfdError> {
        let Some(bytes) = self.zip.read(entry)? else {
            return Err(OfdError::Missing {
                entry: entry.to_string(),
                by: by.to_string(),
            });
        };
        self.read = self.read.saturating_add(bytes.len() as u64);
        if self.read > MAX_TOTAL_BYTES {
            return Err(OfdError::TooLargeInAll);
        }
        Ok(bytes)
    }

    /// An entry's XML, parsed entity-free.
    pub fn xml(&mut self, entry: &str, by: &str) -> Result<Tree, OfdError> {
        let bytes = self.bytes(entry, by)?;
        tree::parse(&bytes, entry)
    }
}

/// Where a location (`ST_Loc`) written in the part `base` points: from the package root
/// when it starts with `/`, else from the directory `base` is in. `by` names the
/// attribute or element that holds it, for the error.
pub fn resolve(base: &str, location: &str, by: &str) -> Result<String, OfdError> {
    let dir = match base.rfind('/') {
        Some(i) => &base[..i],
        None => "",
    };
    resolve_in(dir, location, by)
}

/// As [`resolve`], from a directory (`""` is the root).
pub fn resolve_in(dir: &str, location: &str, by: &str) -> Result<String, OfdError> {
    let fail = |reason| OfdError::Location {
        by: by.to_string(),
        location: location.to_string(),
        reason,
    };
    // Some producers write Windows separators.
    let loc = location.trim().replace('\\', "/");
    if loc.is_empty() {
        return Err(fail("an empty location"));
    }
    if loc.contains(':') || loc.contains('\0') {
        return Err(fail("not a path in the package (a drive, scheme or NUL)"));
    }
    let mut segments: Vec<&str> = Vec::new();
    let start = if let Some(rest) = loc.strip_prefix('/') {
        rest.to_string()
    } else if dir.is_empty() {
        loc.clone()
    } else {
        format!("{dir}/{loc}")
    };
    for segment in start.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    return Err(fail("a path outside the package"));
                }
            }
            s => segments.push(s),
        }
    }
    if segments.is_empty() {
        return Err(fail("not a file in the package"));
    }
    Ok(segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_from_their_part_or_the_root() {
        let r = |base, loc| resolve(base, loc, "BaseLoc").map_err(|e| e.to_string());
        assert_eq!(
            r("OFD.xml", "Doc_0/Document.xml").unwrap(),
            "Doc_0/Document.xml"
        );
        assert_eq!(
            r("Doc_0/Document.xml", "Pages/Page_0/Content.xml").unwrap(),
            "Doc_0/Pages/Page_0/Content.xml"
        );
        assert_eq!(
            r("Doc_0/Document.xml", "/Doc_0/Res/a.png").unwrap(),
            "Doc_0/Res/a.png"
        );
        assert_eq!(
            r("Doc_0/Signs/Signatures.xml", "./Sign_0\\Signature.xml").unwrap(),
            "Doc_0/Signs/Sign_0/Signature.xml"
        );
        assert_eq!(
            r("Doc_0/Pages/Page_0/Content.xml", "../../Res/x.png").unwrap(),
            "Doc_0/Res/x.png"
        );
        assert_eq!(
            r("OFD.xml", "../Doc_0/Document.xml").unwrap_err(),
            "BaseLoc names \"../Doc_0/Document.xml\": a path outside the package"
        );
        assert_eq!(
            r("Doc_0/Document.xml", "/../../etc/passwd").unwrap_err(),
            "BaseLoc names \"/../../etc/passwd\": a path outside the package"
        );
        assert!(r("OFD.xml", "C:/Doc_0/Document.xml").is_err());
        assert!(r("OFD.xml", "file:///etc/passwd").is_err());
        assert!(r("OFD.xml", "  ").is_err());
        assert!(r("OFD.xml", "Doc_0/..").is_err());
    }
}

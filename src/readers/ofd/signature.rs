//! Signatures (`DocBody/Signatures` → `Signatures.xml` → each `Signature.xml`): what they
//! say of themselves, and the name on the electronic seal, read from the DER of the signed
//! value (`SES_Signature`) or of the seal file (`SES_Seal`). Nothing is verified.

use super::package::{resolve, Parts};
use super::{OfdError, OfdSignature};

/// Signatures read at most.
const MAX_SIGNATURES: usize = 64;

/// The signatures listed in `Signatures.xml` (its entry given).
pub fn read(parts: &mut Parts<'_>, list: &str) -> Result<Vec<OfdSignature>, OfdError> {
    let tree = parts.xml(list, "Signatures in OFD.xml")?;
    let mut out = Vec::new();
    for s in tree.root.children("Signature").take(MAX_SIGNATURES) {
        let Some(loc) = s.attr("BaseLoc") else {
            continue;
        };
        let by = format!("Signature/@BaseLoc in {list}");
        let entry = resolve(list, loc, &by)?;
        let sig = parts.xml(&entry, &by)?;
        let info = sig.root.child("SignedInfo");
        let provider = info.and_then(|i| i.child("Provider"));
        let attr = |key| provider.and_then(|p| p.attr(key)).map(str::to_string);
        let mut seal_name = None;
        if let Some(value) = sig.root.child_text("SignedValue") {
            let by = format!("SignedValue in {entry}");
            let at = resolve(&entry, value, &by)?;
            seal_name = seal_name_in_signature(&parts.bytes(&at, &by)?);
        }
        if seal_name.is_none() {
            if let Some(seal) = info
                .and_then(|i| i.child("Seal"))
                .and_then(|s| s.child_text("BaseLoc"))
            {
                let by = format!("Seal/BaseLoc in {entry}");
                let at = resolve(&entry, seal, &by)?;
                seal_name = seal_name_in_seal(&parts.bytes(&at, &by)?);
            }
        }
        out.push(OfdSignature {
            entry,
            kind: s.attr("Type").map(str::to_string),
            provider: attr("ProviderName"),
            company: attr("Company"),
            signed_at: info
                .and_then(|i| i.child_text("SignatureDateTime"))
                .map(str::to_string),
            seal_name,
        });
    }
    Ok(out)
}

/// One DER element at the start of `b`: its tag, its content and what follows it.
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7F) as usize;
        // Indefinite lengths (0x80) are not DER; more than 4 length bytes is nonsense here.
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |a, &b| (a << 8) | b as usize);
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The `n`th element inside a constructed element's content.
fn nth(content: &[u8], n: usize) -> Option<(u8, &[u8])> {
    let mut rest = content;
    for _ in 0..n {
        rest = tlv(rest)?.2;
    }
    tlv(rest).map(|(tag, c, _)| (tag, c))
}

/// Follows `path` (child indexes) down from the element at the start of `der`, each step
/// into a SEQUENCE.
fn walk<'a>(der: &'a [u8], path: &[usize]) -> Option<(u8, &'a [u8])> {
    let (mut tag, mut content, _) = tlv(der)?;
    for &i in path {
        if tag != 0x30 {
            return None;
        }
        (tag, content) = nth(content, i)?;
    }
    Some((tag, content))
}

fn string(tag: u8, content: &[u8]) -> Option<String> {
    let s = match tag {
        // UTF8String, PrintableString, IA5String
        0x0C | 0x13 | 0x16 => String::from_utf8(content.to_vec()).ok()?,
        // BMPString: UTF-16BE
        0x1E => {
            let units: Vec<u16> = content
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()?
        }
        _ => return None,
    };
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// `SES_Signature.toSign.eseal` (GM/T 0031-2014 and GB/T 38540-2020 alike) →
/// the seal's name.
fn seal_name_in_signature(der: &[u8]) -> Option<String> {
    let (tag, content) = walk(der, &[0, 1, 0, 2, 1])?;
    string(tag, content)
}

/// `SES_Seal.esealInfo.property.name`.
fn seal_name_in_seal(der: &[u8]) -> Option<String> {
    let (tag, content) = walk(der, &[0, 2, 1])?;
    string(tag, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn der(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        if content.len() < 0x80 {
            out.push(content.len() as u8);
        } else {
            out.extend([0x82, (content.len() >> 8) as u8, content.len() as u8]);
        }
        out.extend_from_slice(content);
        out
    }

    fn seq(items: &[Vec<u8>]) -> Vec<u8> {
        der(0x30, &items.concat())
    }

    #[test]
    fn the_seal_name_is_found_in_a_signature_and_in_a_seal() {
        let property = seq(&[der(0x02, &[1]), der(0x0C, "某某局".as_bytes())]);
        let info = seq(&[seq(&[]), der(0x16, b"id"), property]);
        let seal = seq(&[info, der(0x04, &[0; 200])]);
        assert_eq!(seal_name_in_seal(&seal).as_deref(), Some("某某局"));
        let tbs = seq(&[der(0x02, &[4]), seal]);
        let signature = seq(&[tbs, der(0x03, &[0; 65])]);
        assert_eq!(
            seal_name_in_signature(&signature).as_deref(),
            Some("某某局")
        );
    }

    #[test]
    fn damaged_der_gives_no_name() {
        assert_eq!(seal_name_in_signature(b""), None);
        assert_eq!(
            seal_name_in_signature(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]),
            None
        );
        assert_eq!(seal_name_in_signature(&[0x30, 0x80, 0, 0]), None);
        assert_eq!(seal_name_in_signature(&seq(&[der(0x04, b"x")])), None);
        // A name of another type (an INTEGER) is not a name.
        let property = seq(&[der(0x02, &[1]), der(0x02, &[7])]);
        let seal = seq(&[seq(&[seq(&[]), der(0x16, b"id"), property])]);
        assert_eq!(seal_name_in_seal(&seal), None);
    }
}

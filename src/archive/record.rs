//! The seal record (`seal.xml`, schema `schemas/seal.xsd`): the year, the payload's size,
//! the Merkle root over the manifest, the previous year's seal, the tool, and every payload
//! file with its role: an original (with the report made of it, or a note saying why there
//! is none) or a canonical report (with the original it was made from).

use std::io::{BufRead, Write};

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};

pub const NAMESPACE: &str = "urn:gongkai:seal:1";
pub const MERKLE_ALGORITHM: &str = "RFC6962-SHA256";

/// A seal record: its head and every payload file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealRecord {
    pub head: RecordHead,
    pub entries: Vec<RecordFile>,
}

/// Everything a seal record says but its list of files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordHead {
    pub year: u16,
    pub tool_version: String,
    pub files: u64,
    pub bytes: u64,
    pub root: String,
    pub previous: Option<Previous>,
}

/// The seal this one continues: the previous archive's year and the SHA-256 of its
/// `seal.xml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Previous {
    pub year: u16,
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Original,
    Report,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFile {
    pub role: Role,
    /// Relative to the bag root: `data/originals/…` or `data/xml/…`.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
    /// An original's report, or a report's original.
    pub link: Option<String>,
    /// A report's origin: `extracted` by this seal or `given` with the originals.
    pub origin: Option<String>,
    /// Why an original has no report: (code, sentence).
    pub note: Option<(String, String)>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("seal record: {0}")]
pub struct RecordError(pub String);

/// The record as bytes; the same record always gives the same bytes.
pub fn to_bytes(r: &SealRecord) -> Vec<u8> {
    let write = || -> std::io::Result<Vec<u8>> {
        let mut w = RecordWriter::new(Vec::new(), &r.head)?;
        for f in &r.entries {
            w.file(f)?;
        }
        w.finish()
    };
    write().expect("writing into memory cannot fail")
}

fn start<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
    let mut e = BytesStart::new(name);
    for (k, v) in attrs {
        e.push_attribute((*k, *v));
    }
    e
}

/// Writes a seal record as a stream, a file at a time: the same bytes as [`to_bytes`],
/// into a file, or into a comparison with the record an archive holds.
pub struct RecordWriter<O: Write> {
    w: Writer<O>,
}

impl<O: Write> RecordWriter<O> {
    /// Writes everything before the first file.
    pub fn new(out: O, r: &RecordHead) -> std::io::Result<RecordWriter<O>> {
        let mut w = Writer::new_with_indent(out, b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        w.write_event(Event::Start(start("seal", &[("xmlns", NAMESPACE)])))?;
        w.write_event(Event::Start(start("year", &[])))?;
        w.write_event(Event::Text(BytesText::new(&r.year.to_string())))?;
        w.write_event(Event::End(BytesEnd::new("year")))?;
        w.write_event(Event::Empty(start(
            "tool",
            &[("name", "gongkai"), ("version", &r.tool_version)],
        )))?;
        let (files, bytes) = (r.files.to_string(), r.bytes.to_string());
        w.write_event(Event::Empty(start(
            "payload",
            &[("files", &files), ("bytes", &bytes)],
        )))?;
        w.write_event(Event::Empty(start(
            "merkle",
            &[
                ("algorithm", MERKLE_ALGORITHM),
                ("leaves", &files),
                ("root", &r.root),
            ],
        )))?;
        if let Some(p) = &r.previous {
            w.write_event(Event::Empty(start(
                "previous",
                &[("year", &p.year.to_string()), ("sha256", &p.sha256)],
            )))?;
        }
        w.write_event(Event::Start(start("files", &[])))?;
        Ok(RecordWriter { w })
    }

    pub fn file(&mut self, f: &RecordFile) -> std::io::Result<()> {
        let w = &mut self.w;
        let name = match f.role {
            Role::Original => "original",
            Role::Report => "report",
        };
        let size = f.bytes.to_string();
        let mut attrs = vec![
            ("path", f.path.as_str()),
            ("bytes", &size),
            ("sha256", &f.sha256),
        ];
        if let Some(l) = &f.link {
            attrs.push((
                match f.role {
                    Role::Original => "report",
                    Role::Report => "source",
                },
                l,
            ));
        }
        if let Some(o) = &f.origin {
            attrs.push(("origin", o));
        }
        match &f.note {
            None => w.write_event(Event::Empty(start(name, &attrs)))?,
            Some((code, text)) => {
                w.write_event(Event::Start(start(name, &attrs)))?;
                w.write_event(Event::Start(start("note", &[("code", code)])))?;
                w.write_event(Event::Text(BytesText::new(text)))?;
                w.write_event(Event::End(BytesEnd::new("note")))?;
                w.write_event(Event::End(BytesEnd::new(name)))?;
            }
        }
        Ok(())
    }

    /// Writes the end of the record; gives back the output.
    pub fn finish(mut self) -> std::io::Result<O> {
        self.w.write_event(Event::End(BytesEnd::new("files")))?;
        self.w.write_event(Event::End(BytesEnd::new("seal")))?;
        let mut out = self.w.into_inner();
        out.write_all(b"\n")?;
        Ok(out)
    }
}

type Attrs = Vec<(String, String)>;

fn attrs_of(e: &BytesStart) -> Result<Attrs, RecordError> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| RecordError(e.to_string()))?;
        let v = a
            .unescape_value()
            .map_err(|e| RecordError(e.to_string()))?
            .into_owned();
        out.push((String::from_utf8_lossy(a.key.as_ref()).into_owned(), v));
    }
    Ok(out)
}

fn get<'a>(attrs: &'a Attrs, el: &str, key: &str) -> Result<&'a str, RecordError> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| RecordError(format!("<{el}> has no {key}")))
}

fn num<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, RecordError> {
    s.parse()
        .map_err(|_| RecordError(format!("{what} is not a number: {s:?}")))
}

/// Reads a record back. Strict about the elements it knows; a DOCTYPE is refused.
pub fn from_bytes(bytes: &[u8]) -> Result<SealRecord, RecordError> {
    let mut r = RecordReader::new(bytes);
    let mut entries = Vec::new();
    while let Some(f) = r.next_file()? {
        entries.push(f);
    }
    Ok(SealRecord {
        head: r.head().clone(),
        entries,
    })
}

/// Reads a seal record as a stream, a file at a time, holding one file's element: a
/// record of 200,000 files is never held whole. Strict about the elements it knows; a
/// DOCTYPE is refused.
pub struct RecordReader<R: BufRead> {
    reader: Reader<R>,
    buf: Vec<u8>,
    head: RecordHead,
    seen_seal: bool,
    seen_year: bool,
    seen_payload: bool,
    seen_merkle: bool,
    stack: Vec<String>,
    text: String,
    /// An original whose element is open (its note may follow).
    open: Option<RecordFile>,
    /// The head as it stood when `<files>` started.
    head_at_files: Option<RecordHead>,
    done: bool,
}

impl<R: BufRead> RecordReader<R> {
    pub fn new(input: R) -> RecordReader<R> {
        RecordReader {
            reader: Reader::from_reader(input),
            buf: Vec::new(),
            head: RecordHead {
                year: 0,
                tool_version: String::new(),
                files: 0,
                bytes: 0,
                root: String::new(),
                previous: None,
            },
            seen_seal: false,
            seen_year: false,
            seen_payload: false,
            seen_merkle: false,
            stack: Vec::new(),
            text: String::new(),
            open: None,
            head_at_files: None,
            done: false,
        }
    }

    /// The head as it stood when the files started: in a seal's order, the whole head.
    pub fn head_at_files(&self) -> Option<&RecordHead> {
        self.head_at_files.as_ref()
    }

    /// The head: complete once [`RecordReader::next_file`] has given `None`.
    pub fn head(&self) -> &RecordHead {
        &self.head
    }

    /// The next file of the record; `None` once the whole record has been read and found
    /// complete.
    pub fn next_file(&mut self) -> Result<Option<RecordFile>, RecordError> {
        if self.done {
            return Ok(None);
        }
        loop {
            self.buf.clear();
            let ev = self.reader.read_event_into(&mut self.buf).map_err(|e| {
                RecordError(format!("{e} (at byte {})", self.reader.buffer_position()))
            })?;
            let (e, empty) = match &ev {
                Event::Start(e) => (Some(e), false),
                Event::Empty(e) => (Some(e), true),
                _ => (None, false),
            };
            if let Some(e) = e {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let attrs = attrs_of(e)?;
                let file = self.element(&name, &attrs)?;
                self.text.clear();
                match file {
                    Some(f) if empty => return Ok(Some(f)),
                    Some(f) => self.open = Some(f),
                    None => {}
                }
                if !empty {
                    self.stack.push(name);
                }
                continue;
            }
            match ev {
                Event::Text(t) => self
                    .text
                    .push_str(&t.unescape().map_err(|e| RecordError(e.to_string()))?),
                Event::End(_) => {
                    let name = self.stack.pop().unwrap_or_default();
                    let text = std::mem::take(&mut self.text);
                    match name.as_str() {
                        "year" => {
                            self.head.year = num(text.trim(), "year")?;
                            self.seen_year = true;
                        }
                        "note" => {
                            if let Some((_, t)) = self.open.as_mut().and_then(|f| f.note.as_mut()) {
                                *t = text;
                            }
                        }
                        "original" | "report" => {
                            if let Some(f) = self.open.take() {
                                return Ok(Some(f));
                            }
                        }
                        _ => {}
                    }
                }
                Event::DocType(_) => return Err(RecordError("a DOCTYPE is not allowed".into())),
                Event::CData(_) => return Err(RecordError("CDATA is not expected".into())),
                Event::Eof => {
                    // An element left open at the end is still a file of the record.
                    if let Some(f) = self.open.take() {
                        return Ok(Some(f));
                    }
                    break;
                }
                _ => {}
            }
        }
        self.done = true;
        if !(self.seen_seal && self.seen_year && self.seen_payload && self.seen_merkle) {
            return Err(RecordError(
                "incomplete: <seal>, <year>, <payload> and <merkle> are required".into(),
            ));
        }
        Ok(None)
    }

    /// Takes in an element's start; a file element is given back.
    fn element(&mut self, name: &str, attrs: &Attrs) -> Result<Option<RecordFile>, RecordError> {
        let parent = self.stack.last().map(String::as_str);
        let r = &mut self.head;
        match (parent, name) {
            (None, "seal") => {
                if get(attrs, "seal", "xmlns")? != NAMESPACE {
                    return Err(RecordError(format!("the namespace is not {NAMESPACE}")));
                }
                self.seen_seal = true;
            }
            (Some("seal"), "year") => {}
            (Some("seal"), "files") => {
                if self.head_at_files.is_none() {
                    self.head_at_files = Some(self.head.clone());
                }
            }
            (Some("seal"), "tool") => {
                r.tool_version = get(attrs, "tool", "version")?.to_string();
            }
            (Some("seal"), "payload") => {
                r.files = num(get(attrs, "payload", "files")?, "payload/@files")?;
                r.bytes = num(get(attrs, "payload", "bytes")?, "payload/@bytes")?;
                self.seen_payload = true;
            }
            (Some("seal"), "merkle") => {
                if get(attrs, "merkle", "algorithm")? != MERKLE_ALGORITHM {
                    return Err(RecordError("unknown Merkle algorithm".into()));
                }
                let leaves: u64 = num(get(attrs, "merkle", "leaves")?, "merkle/@leaves")?;
                if leaves != r.files {
                    return Err(RecordError(format!(
                        "merkle/@leaves {leaves} differs from payload/@files {}",
                        r.files
                    )));
                }
                r.root = get(attrs, "merkle", "root")?.to_string();
                self.seen_merkle = true;
            }
            (Some("seal"), "previous") => {
                r.previous = Some(Previous {
                    year: num(get(attrs, "previous", "year")?, "previous/@year")?,
                    sha256: get(attrs, "previous", "sha256")?.to_string(),
                });
            }
            (Some("files"), "original" | "report") => {
                let role = if name == "original" {
                    Role::Original
                } else {
                    Role::Report
                };
                let link_key = if role == Role::Original {
                    "report"
                } else {
                    "source"
                };
                let opt = |k: &str| {
                    attrs
                        .iter()
                        .find(|(a, _)| a == k)
                        .map(|(_, v)| v.to_string())
                };
                return Ok(Some(RecordFile {
                    role,
                    path: get(attrs, name, "path")?.to_string(),
                    bytes: num(get(attrs, name, "bytes")?, "bytes")?,
                    sha256: get(attrs, name, "sha256")?.to_string(),
                    link: opt(link_key),
                    origin: opt("origin"),
                    note: None,
                }));
            }
            (Some("original"), "note") => {
                let code = get(attrs, "note", "code")?.to_string();
                if let Some(f) = self.open.as_mut() {
                    f.note = Some((code, String::new()));
                }
            }
            (p, n) => {
                return Err(RecordError(format!(
                    "unexpected <{n}> in <{}>",
                    p.unwrap_or("document")
                )))
            }
        }
        Ok(None)
    }
}

/// The `source/@sha256` of a canonical report, read without the report reader: a report
/// written by any version of the contract names its original this way, and a verify run
/// years later must not depend on today's reader accepting yesterday's report.
pub fn report_source_sha256(xml: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(xml);
    let mut depth_meta = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == b"meta" => depth_meta = true,
            Event::End(e) if e.local_name().as_ref() == b"meta" => return None,
            Event::Start(e) | Event::Empty(e)
                if depth_meta && e.local_name().as_ref() == b"source" =>
            {
                let attrs = attrs_of(&e).ok()?;
                return attrs
                    .into_iter()
                    .find(|(k, _)| k == "sha256")
                    .map(|(_, v)| v);
            }
            Event::DocType(_) | Event::Eof => return None,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SealRecord {
        SealRecord {
            head: RecordHead {
                year: 2020,
                tool_version: "0.1.0".into(),
                files: 3,
                bytes: 42,
                root: "ab".repeat(32),
                previous: Some(Previous {
                    year: 2019,
                    sha256: "cd".repeat(32),
                }),
            },
            entries: vec![
                RecordFile {
                    role: Role::Original,
                    path: "data/originals/a&b.txt".into(),
                    bytes: 10,
                    sha256: "01".repeat(32),
                    link: Some("data/xml/a&b.txt.xml".into()),
                    origin: None,
                    note: None,
                },
                RecordFile {
                    role: Role::Original,
                    path: "data/originals/c.bin".into(),
                    bytes: 2,
                    sha256: "02".repeat(32),
                    link: None,
                    origin: None,
                    note: Some(("not-extracted".into(), "binary <data>".into())),
                },
                RecordFile {
                    role: Role::Report,
                    path: "data/xml/a&b.txt.xml".into(),
                    bytes: 30,
                    sha256: "03".repeat(32),
                    link: Some("data/originals/a&b.txt".into()),
                    origin: Some("extracted".into()),
                    note: None,
                },
            ],
        }
    }

    #[test]
    fn round_trips() {
        let r = sample();
        let b = to_bytes(&r);
        assert_eq!(from_bytes(&b).unwrap(), r);
        assert_eq!(to_bytes(&from_bytes(&b).unwrap()), b);
    }

    #[test]
    fn refuses_doctype_and_other_namespaces() {
        let b = String::from_utf8(to_bytes(&sample())).unwrap();
        let doctype = b.replacen("<seal", "<!DOCTYPE seal [<!ENTITY x \"y\">]>\n<seal", 1);
        assert!(from_bytes(doctype.as_bytes()).is_err());
        let ns = b.replace(NAMESPACE, "urn:other");
        assert!(from_bytes(ns.as_bytes()).is_err());
    }

    #[test]
    fn reads_a_reports_source_hash() {
        let xml = br#"<?xml version="1.0"?><report xmlns="urn:gongkai:report:1"><meta><title>t</title><source name="a" media-type="text/plain" bytes="1" sha256="abc"/></meta></report>"#;
        assert_eq!(report_source_sha256(xml).as_deref(), Some("abc"));
        assert_eq!(report_source_sha256(b"<report/>"), None);
    }
}

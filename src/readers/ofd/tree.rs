//! An OFD part's XML as a small element tree: element and attribute local names (producers
//! differ in their prefixes), the text directly inside each element. A DOCTYPE refuses
//! the part, so no entity is ever declared or expanded; only XML's predefined entities and
//! character references are read. Bounded in depth and element count.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::OfdError;

/// Element nesting beyond which a part is refused (page blocks nest, not this deep).
pub const MAX_DEPTH: usize = 256;
/// Elements per part beyond which it is refused: a page of a million objects is an attack.
pub const MAX_ELEMENTS: usize = 1_000_000;

#[derive(Debug, Clone, Default)]
pub struct Element {
    /// The local name (`ofd:TextCode` → `TextCode`).
    pub name: String,
    /// Qualified keys as written (`xmlns:ofd`, `ID`), values unescaped.
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The text directly inside, unescaped, whitespace kept (in `TextCode` a space is a
    /// character with a place).
    pub text: String,
}

impl Element {
    /// An attribute by local name.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| local(k) == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of a child, when it has some.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }
}

#[derive(Debug)]
pub struct Tree {
    pub root: Element,
    /// The namespace of the root element, when declared.
    pub namespace: Option<String>,
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

pub fn parse(xml: &[u8], part: &str) -> Result<Tree, OfdError> {
    let mut reader = Reader::from_reader(xml);
    let err = |reader: &Reader<&[u8]>, message: String| OfdError::Xml {
        part: part.to_string(),
        position: reader.buffer_position(),
        message,
    };
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    // The root's prefix (`ofd` of `ofd:OFD`), to find its namespace declaration.
    let mut root_prefix: Option<String> = None;
    let mut count = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| err(&reader, e.to_string()))?;
        let (start, empty) = match event {
            Event::DocType(_) => {
                return Err(OfdError::Doctype {
                    part: part.to_string(),
                })
            }
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                // quick-xml checks that each end tag matches its start.
                let Some(element) = stack.pop() else {
                    return Err(err(&reader, "an end tag without its start".into()));
                };
                finish(element, &mut stack, &mut root);
                continue;
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    let text = t.unescape().map_err(|e| err(&reader, e.to_string()))?;
                    top.text.push_str(&text);
                }
                continue;
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    let text = std::str::from_utf8(&c).map_err(|e| err(&reader, e.to_string()))?;
                    top.text.push_str(text);
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        count += 1;
        if count > MAX_ELEMENTS {
            return Err(OfdError::TooManyElements {
                part: part.to_string(),
            });
        }
        if stack.len() >= MAX_DEPTH {
            return Err(OfdError::TooDeep {
                part: part.to_string(),
            });
        }
        if stack.is_empty() {
            if root.is_some() {
                return Err(err(&reader, "a second root element".into()));
            }
            root_prefix = start
                .name()
                .prefix()
                .map(|p| String::from_utf8_lossy(p.as_ref()).into_owned());
        }
        let element = open(&start).map_err(|m| err(&reader, m))?;
        if empty {
            finish(element, &mut stack, &mut root);
        } else {
            stack.push(element);
        }
    }
    if !stack.is_empty() {
        return Err(err(&reader, "the document ends inside an element".into()));
    }
    let Some(root) = root else {
        return Err(err(&reader, "no root element".into()));
    };
    let key = match root_prefix {
        Some(p) => format!("xmlns:{p}"),
        None => "xmlns".to_string(),
    };
    let namespace = root
        .attrs
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.clone());
    Ok(Tree { root, namespace })
}

fn open(e: &BytesStart<'_>) -> Result<Element, String> {
    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a.unescape_value().map_err(|e| e.to_string())?.into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        name,
        attrs,
        ..Element::default()
    })
}

/// A finished element goes into its parent, or is the root.
fn finish(element: Element, stack: &mut [Element], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_attributes_text_and_namespace() {
        let xml = br#"<?xml version="1.0"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:TextCode X="1" Y="2"> a&amp;b&#x4E00; </ofd:TextCode><ofd:X/></ofd:Page>"#;
        let t = parse(xml, "p.xml").unwrap();
        assert_eq!(t.namespace.as_deref(), Some("http://www.ofdspec.org/2016"));
        assert_eq!(t.root.name, "Page");
        let code = t.root.child("TextCode").unwrap();
        assert_eq!(code.attr("X"), Some("1"));
        assert_eq!(code.text, " a&b\u{4E00} ");
        assert_eq!(t.root.children.len(), 2);
    }

    #[test]
    fn a_doctype_or_an_undeclared_entity_is_refused() {
        let xml = b"<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>";
        assert_eq!(
            parse(xml, "OFD.xml").unwrap_err().to_string(),
            "OFD.xml has a DOCTYPE declaration: OFD parts are read without DTDs or entities"
        );
        let e = parse(b"<a>&e;</a>", "OFD.xml").unwrap_err().to_string();
        assert!(e.starts_with("malformed XML in OFD.xml near byte"), "{e}");
    }

    #[test]
    fn depth_and_damage_are_refused() {
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert_eq!(
            parse(deep.as_bytes(), "c.xml").unwrap_err().to_string(),
            format!("c.xml nests elements more than {MAX_DEPTH} deep")
        );
        for bad in [&b"<a><b></a>"[..], b"<a>", b"", b"<a/><b/>", b"</a>"] {
            assert!(
                parse(bad, "c.xml").is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}

//! Saved portal pages: the charset found as a browser would, the article cut out of the
//! page, its paragraphs and its tables (rowspan/colspan kept) as the common layout.
//!
//! Text that a page already flattened (pipe cells or glued digits inside `<p>`/`<div>`)
//! goes through the text reader, so the one recogniser sees what it sees for text files.

mod tree;

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::path::Path;
use std::rc::Rc;
use std::sync::OnceLock;

use html5ever::tendril::{StrTendril, TendrilSink};

use tree::{Data, Edge, Element, NodeId, Read, Tree};

use crate::input::{decode, is_utf8, DecodeError, Decoded, EncodingSource};
use crate::layout::{Block, Budget, Grid, GridCell, Hints, Layout, OcrRead, Text, TooLarge};
use crate::model::{Diagnostic, Level, Src};
use crate::readers::{image, text};
use crate::text::chrome::published_date;
use crate::text::normalise::collapsed;

/// Deepest element nesting read (the default of `--max-html-depth`); deeper tags are
/// dropped and their text read as text of their ancestor.
pub const MAX_DEPTH: usize = 256;
/// The most `--max-html-depth` may be raised to: the HTML tree builder checks scope by
/// walking the open elements, so each tag costs time in proportion to the depth.
pub const MAX_DEPTH_CEILING: usize = 4096;
/// Default of `--max-html-nodes`: the parsed page's tree holds every element, text run
/// and comment (a few hundred bytes each); a portal page has a few thousand.
pub const MAX_NODES: usize = 1_000_000;
/// A span larger than this is junk (the HTML table algorithm clamps colspan to 1000).
const MAX_COLSPAN: u32 = 1000;
/// The parser is fed this much text at a time; the node count is checked between pieces.
const PIECE_BYTES: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum HtmlError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error(
        "the page has more than {0} HTML nodes (tags, attributes, text runs; raise the limit with --max-html-nodes)"
    )]
    TooManyNodes(usize),
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
}

/// Reads an HTML page.
///
/// With the folder the page was saved in, its `<img>` elements that are files beside it
/// (`index_files/…`) and hold tables are read by OCR, their tables put where they stand.
pub fn read(
    bytes: &[u8],
    limits: &crate::Limits,
    budget: &mut Budget,
    folder: Option<&Path>,
) -> Result<Layout, HtmlError> {
    let max_depth = limits.max_html_depth.min(MAX_DEPTH_CEILING);
    let (decoded, mut diagnostics) = decode_html(bytes)?;
    let tamed = tame(&decoded.text, max_depth);
    if tamed.too_deep > 0 {
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            "nesting-flattened",
            "input",
            format!(
                "{} tag(s) nested deeper than {max_depth} levels were dropped (their text is kept)",
                tamed.too_deep
            ),
        ));
    }
    if tamed.crowded > 0 {
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            "attributes-dropped",
            "input",
            format!("{} tag(s) with more than {MAX_ATTRIBUTES} attributes were read without their attributes", tamed.crowded),
        ));
    }
    let plain = strip_presentation(&tamed.text);
    let (doc, inserted) = parse(&plain.text, limits.max_html_nodes, plain.attributes)?;
    drop(plain);
    drop(tamed);
    drop(decoded);
    let survey = Survey::new(&doc, inserted);
    let mut cell_texts = vec![None; doc.nodes.len()];
    let root = article_root(&doc, &survey, &mut cell_texts);
    let mut walker = Walker {
        tree: &doc,
        max_depth,
        budget,
        blocks: Vec::new(),
        buffer: Text::default(),
        chrome: 0,
        diagnostics: Vec::new(),
        lines: survey.lines,
        tables: survey.tables,
        cell_texts,
        images: folder.map(|folder| SavedImages {
            folder,
            options: super::image_options(limits),
            max_bytes: limits.max_input_bytes,
            read: 0,
            pages: 0,
            ocr: Vec::new(),
            no_ocr: false,
        }),
    };
    walker.walk(root)?;
    walker.flush()?;
    if walker.chrome > 0 {
        diagnostics.push(Diagnostic::new(
            Level::Info,
            "chrome-dropped",
            "input",
            format!(
                "{} piece(s) of page chrome dropped (navigation, share bars, QR captions, metadata)",
                walker.chrome
            ),
        ));
    }
    diagnostics.extend(walker.diagnostics);
    Ok(Layout {
        blocks: walker.blocks,
        hints: survey.hints,
        diagnostics,
        ocr: walker.images.map(|i| i.ocr).unwrap_or_default(),
    })
}

/// Parses the page into a [`Tree`], a piece at a time, refusing it once the tree holds
/// more than `max_nodes` nodes: the count is of nodes made, so markup that makes many
/// nodes of few bytes (implied and reconstructed elements) is counted too, and starts at
/// the attributes [`strip_presentation`] took out (`stripped`). Also gives the
/// text put into the tree, in the order it was put there, with the line of the page each
/// piece stood on.
fn parse(text: &str, max_nodes: usize, stripped: usize) -> Result<(Tree, Text), HtmlError> {
    let nodes = Rc::new(Cell::new(stripped));
    let inserted = Rc::new(RefCell::new(Text::default()));
    let sink = tree::Sink::new(Rc::clone(&nodes), Rc::clone(&inserted));
    let mut parser = html5ever::driver::parse_document(sink, Default::default());
    let mut rest = text;
    while !rest.is_empty() {
        let mut cut = rest.len().min(PIECE_BYTES);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        parser.process(StrTendril::from_slice(&rest[..cut]));
        rest = &rest[cut..];
        if nodes.get() > max_nodes {
            return Err(HtmlError::TooManyNodes(max_nodes));
        }
    }
    let doc = parser.finish();
    if nodes.get() > max_nodes {
        return Err(HtmlError::TooManyNodes(max_nodes));
    }
    let inserted = inserted.take();
    Ok((doc, inserted))
}

/// What one walk over the whole page gathers before the article is read.
struct Survey {
    /// The page's `<title>`, and a publication date stated anywhere on it.
    hints: Hints,
    /// The first `<body>` element.
    body: Option<NodeId>,
    /// The Chinese characters under each node, those under skipped elements left out.
    weights: Vec<usize>,
    /// Every `<table>` element's number: its place among the page's tables in document
    /// order, nested ones counted, from 1 (0 for other nodes).
    tables: Vec<u32>,
    lines: LinesOfText,
}

impl Survey {
    fn new(doc: &Tree, inserted: Text) -> Survey {
        let mut survey = Survey {
            hints: Hints::default(),
            body: None,
            weights: vec![0; doc.nodes.len()],
            tables: vec![0; doc.nodes.len()],
            lines: LinesOfText {
                inserted,
                at: vec![None; doc.nodes.len()],
            },
        };
        let mut cursor = 0usize;
        let mut tables = 0u32;
        for edge in doc.traverse(0) {
            match edge {
                Edge::Open(n) => match &doc.node(n).data {
                    Data::Element(e) => match e.name() {
                        "title" if survey.hints.title.is_none() => {
                            survey.hints.title =
                                Some(collapsed(&text_of(doc, n))).filter(|t| !t.is_empty());
                        }
                        "body" if survey.body.is_none() => survey.body = Some(n),
                        "table" => {
                            tables += 1;
                            survey.tables[n] = tables;
                        }
                        _ => {}
                    },
                    Data::Text(t) => {
                        if survey.hints.published.is_none() {
                            survey.hints.published = published_date(t);
                        }
                        survey.lines.find(n, t, &mut cursor);
                    }
                    Data::Other => {}
                },
                Edge::Close(n) => {
                    let own = match &doc.node(n).data {
                        Data::Text(t) => t.chars().filter(|c| is_cjk(*c)).count(),
                        Data::Element(e) if is_skipped(e) => 0,
                        _ => survey.weights[n],
                    };
                    survey.weights[n] = own;
                    if let Some(parent) = doc.parent(n) {
                        survey.weights[parent] += own;
                    }
                }
            }
        }
        survey
    }
}

/// The text nodes of a parsed page found again in the text put into the tree, so that each
/// character of a text node knows its line of the page (canonical-xml.md § Provenance).
/// The tree builder puts text in document order but for text it moves (out of a table,
/// by misnested tags): such a node is looked for a little further on, and left without
/// lines when it is not there.
struct LinesOfText {
    inserted: Text,
    /// Where each text node starts in `inserted`.
    at: Vec<Option<usize>>,
}

/// How far past the expected place a moved text node is looked for.
const LINE_SEARCH_BYTES: usize = 64 * 1024;

impl LinesOfText {
    /// Finds text node `node` of text `t`, the next in document order, at `cursor` or a
    /// little after it; `cursor` moves past it when found.
    fn find(&mut self, node: NodeId, t: &str, cursor: &mut usize) {
        if t.is_empty() {
            return;
        }
        let all = self.inserted.as_str();
        let found = if all[*cursor..].starts_with(t) {
            Some(*cursor)
        } else {
            let mut end = (*cursor + LINE_SEARCH_BYTES + t.len()).min(all.len());
            while !all.is_char_boundary(end) {
                end -= 1;
            }
            all[*cursor..end].find(t).map(|p| *cursor + p)
        };
        if let Some(start) = found {
            self.at[node] = Some(start);
            *cursor = start + t.len();
        }
    }

    /// Where the bytes of a text node `len` bytes long were printed, by ranges of it.
    fn printed(&self, node: NodeId, len: usize) -> Vec<(Range<usize>, Src)> {
        let Some(start) = self.at[node] else {
            return Vec::new();
        };
        self.inserted.printed_in(start..start + len)
    }
}

/// How many element names [`nesting`] knows.
const NESTING_NAMES: usize = 36;

/// Elements that stay open until their end tag (p, li, td… close themselves) and whose
/// start tags make the tree builder walk the open elements: each one's number, below
/// [`NESTING_NAMES`], by its lower-cased name.
fn nesting(lower: &[u8]) -> Option<usize> {
    Some(match lower {
        b"div" => 0,
        b"span" => 1,
        b"font" => 2,
        b"section" => 3,
        b"article" => 4,
        b"blockquote" => 5,
        b"center" => 6,
        b"table" => 7,
        b"tbody" => 8,
        b"thead" => 9,
        b"tfoot" => 10,
        b"ul" => 11,
        b"ol" => 12,
        b"dl" => 13,
        b"a" => 14,
        b"b" => 15,
        b"i" => 16,
        b"u" => 17,
        b"em" => 18,
        b"strong" => 19,
        b"small" => 20,
        b"big" => 21,
        b"sub" => 22,
        b"sup" => 23,
        b"header" => 24,
        b"footer" => 25,
        b"nav" => 26,
        b"aside" => 27,
        b"main" => 28,
        b"form" => 29,
        b"label" => 30,
        b"s" => 31,
        b"strike" => 32,
        b"code" => 33,
        b"q" => 34,
        b"cite" => 35,
        _ => return None,
    })
}

/// Attributes a tag may have (real tags have a few); the tree builder compares each
/// attribute with those before it, so a tag of millions would take quadratic time.
const MAX_ATTRIBUTES: usize = 64;

/// The page as the tree builder is given it, and what was changed to make it so.
struct Tamed<'h> {
    text: Cow<'h, str>,
    /// Tags dropped (their text kept) for nesting deeper than the limit.
    too_deep: usize,
    /// Tags written without their attributes for having more than [`MAX_ATTRIBUTES`].
    crowded: usize,
}

/// Drops the tags (not the text) of elements nested deeper than `max_depth`, and the
/// attributes of tags with more than [`MAX_ATTRIBUTES`]: the HTML tree builder checks
/// element scope by walking the stack of open elements and compares each attribute with
/// the ones before it, so a page of 100,000 nested `<div>`s or one tag of a million
/// attributes would take quadratic time. Linear (an end tag pops the elements it passes
/// over, and is looked for only when one of its name is open), two bytes per open element,
/// and a no-op on real pages.
fn tame(html: &str, max_depth: usize) -> Tamed<'_> {
    let bytes = html.as_bytes();
    // The open elements: their number from `nesting`, and whether the tag was kept.
    let mut open: Vec<(u8, bool)> = Vec::new();
    let mut open_by_name = [0usize; NESTING_NAMES];
    let mut keep_from = 0usize;
    let mut out = String::new();
    let (mut too_deep, mut crowded) = (0usize, 0usize);
    let mut i = 0usize;
    while let Some(lt) = memchr::memchr(b'<', &bytes[i..]).map(|p| i + p) {
        let rest = &html[lt..];
        // Comments, declarations and raw text are passed over whole.
        let skip_to = if rest.starts_with("<!--") {
            rest.find("-->").map_or(html.len(), |e| lt + e + 3)
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            rest.find('>').map_or(html.len(), |e| lt + e + 1)
        } else {
            0
        };
        if skip_to > 0 {
            i = skip_to;
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = lt + if closing { 2 } else { 1 };
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b':' || **b == b'-')
            .count();
        if name_len == 0 {
            i = lt + 1;
            continue;
        }
        let name = &html[name_start..name_start + name_len];
        let name_end = name_start + name_len;
        let end = tag_end(html, name_end);
        let self_closing = html[..end].ends_with("/>");
        // What the tag written without its attributes took, to take it back below.
        let mut written = 0;
        // A word takes a byte and a space: a tag of no more bytes than twice the limit has
        // no more words than it, and is not read word by word.
        if !closing
            && end - name_end > 2 * MAX_ATTRIBUTES
            && tag_words(html, name_end) > MAX_ATTRIBUTES
        {
            out.push_str(&html[keep_from..lt]);
            let before = out.len();
            out.push('<');
            out.push_str(name);
            // Its line ends stay, so that every later line keeps its number (`src`).
            push_line_ends(&mut out, &html[lt..end]);
            out.push_str(if self_closing { "/>" } else { ">" });
            written = out.len() - before;
            keep_from = end;
            crowded += 1;
        }
        let lower = LowerName::of(name);
        if !closing && matches!(lower.get(), b"script" | b"style") {
            i = raw_text_end(html, end, name);
            continue;
        }
        let Some(tag) = nesting(lower.get()) else {
            i = end;
            continue;
        };
        let drop = if closing {
            if open_by_name[tag] == 0 {
                false
            } else {
                let pos = open
                    .iter()
                    .rposition(|&(n, _)| n as usize == tag)
                    .expect("counted open");
                let kept = open[pos].1;
                for &(n, _) in &open[pos..] {
                    open_by_name[n as usize] -= 1;
                }
                open.truncate(pos);
                !kept
            }
        } else if self_closing {
            false
        } else {
            let deep = open.len() >= max_depth;
            open.push((tag as u8, !deep));
            open_by_name[tag] += 1;
            deep
        };
        if drop {
            if keep_from <= lt {
                out.push_str(&html[keep_from..lt]);
            } else {
                // The tag was just written without its attributes: take that back.
                out.truncate(out.len() - written);
                crowded -= 1;
            }
            push_line_ends(&mut out, &html[lt..end]);
            keep_from = end;
            too_deep += 1;
        }
        i = end;
    }
    if keep_from == 0 {
        return Tamed {
            text: Cow::Borrowed(html),
            too_deep,
            crowded,
        };
    }
    out.push_str(&html[keep_from..]);
    Tamed {
        text: Cow::Owned(out),
        too_deep,
        crowded,
    }
}

/// Presentational attributes, which neither this reader nor the tree builder reads on the
/// elements they are taken from, and which are most of the markup of a page saved from Word
/// or a CMS (tokenising them was a fifth of reading such a page).
/// Each one's number, below 32, by its lower-cased name.
fn presentational(lower: &[u8]) -> Option<u32> {
    Some(match lower {
        b"style" => 0,
        b"width" => 1,
        b"height" => 2,
        b"align" => 3,
        b"valign" => 4,
        b"nowrap" => 5,
        b"lang" => 6,
        b"border" => 7,
        b"cellpadding" => 8,
        b"cellspacing" => 9,
        b"bgcolor" => 10,
        _ => return None,
    })
}

/// Elements whose attributes the tree builder reads: formatting elements are compared by
/// their attributes (the Noah's Ark clause), `html` and `body` merge repeated tags'
/// attributes, `input` is told by its type, `template` by its shadow root mode.
/// By lower-cased name.
fn keeps_attributes(lower: &[u8]) -> bool {
    matches!(
        lower,
        b"a" | b"b"
            | b"big"
            | b"code"
            | b"em"
            | b"font"
            | b"i"
            | b"nobr"
            | b"s"
            | b"small"
            | b"strike"
            | b"strong"
            | b"tt"
            | b"u"
            | b"html"
            | b"body"
            | b"input"
            | b"template"
    )
}

/// Elements whose content the tokenizer reads as text, not markup, up to their end tag, by
/// lower-cased name.
fn raw_text(lower: &[u8]) -> bool {
    matches!(
        lower,
        b"script"
            | b"style"
            | b"title"
            | b"textarea"
            | b"xmp"
            | b"iframe"
            | b"noembed"
            | b"noframes"
            | b"noscript"
    )
}

/// A tag's or attribute's name ASCII lower-cased, as the markup scans compare names: once,
/// then matched against the names they know. A name longer than all of those is kept as
/// none (empty).
struct LowerName {
    bytes: [u8; LowerName::MAX],
    len: usize,
}

impl LowerName {
    /// The longest name looked for: `cellpadding`, `cellspacing`.
    const MAX: usize = 11;

    fn of(name: &str) -> LowerName {
        let mut lower = LowerName {
            bytes: [0; LowerName::MAX],
            len: 0,
        };
        if name.len() <= LowerName::MAX {
            lower.bytes[..name.len()].copy_from_slice(name.as_bytes());
            lower.bytes[..name.len()].make_ascii_lowercase();
            lower.len = name.len();
        }
        lower
    }

    fn get(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// The page as the parser is given it: without [`presentational`] attributes, and how
/// many were taken out (each would have been at most one node of the tree: counted all the
/// same, as the parser's count is an upper bound).
struct Stripped<'h> {
    text: Cow<'h, str>,
    attributes: usize,
}

/// Takes [`presentational`] attributes out of start tags (their line ends stay, so every
/// line keeps its number): the tree the parser builds is the same but for them. Only
/// markup read here exactly as the HTML tokenizer reads it is changed: a page with foreign
/// content (`<svg>`, `<math>`, CDATA), `<plaintext>`, a comment closed by `--!>`, a script
/// holding `<!--`, or a tag whose attributes are not plainly written (names of letters,
/// digits and `_:.-`, values quoted or of plain characters, white space between them) is
/// parsed as it is.
fn strip_presentation(html: &str) -> Stripped<'_> {
    let unchanged = || Stripped {
        text: Cow::Borrowed(html),
        attributes: 0,
    };
    let bytes = html.as_bytes();
    let mut out = String::new();
    let mut copied = 0usize;
    let mut attributes = 0usize;
    let mut tag_attributes: Vec<PlainAttribute> = Vec::new();
    let mut i = 0usize;
    while let Some(lt) = memchr::memchr(b'<', &bytes[i..]).map(|p| i + p) {
        let rest = &bytes[lt..];
        if rest.starts_with(b"<!--") {
            let end = memchr::memmem::find(&rest[2..], b"-->").map(|e| lt + 2 + e);
            if memchr::memmem::find(&bytes[lt + 2..end.unwrap_or(bytes.len())], b"--!").is_some() {
                return unchanged();
            }
            match end {
                Some(end) => i = end + 3,
                None => break,
            }
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            if rest
                .get(2..9)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"[cdata["))
            {
                return unchanged();
            }
            match memchr::memchr(b'>', rest) {
                Some(e) => i = lt + e + 1,
                None => break,
            }
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            // `<` before anything else is text; `</` before anything else is a bogus
            // comment up to the next `>` (`</>` is one too, of nothing).
            i = if closing {
                match memchr::memchr(b'>', &bytes[name_start..]) {
                    Some(e) => name_start + e + 1,
                    None => break,
                }
            } else {
                lt + 1
            };
            continue;
        }
        let Some(name_len) = bytes[name_start..]
            .iter()
            .position(|&b| is_html_space(b) || b == b'/' || b == b'>')
        else {
            break;
        };
        let name = &html[name_start..name_start + name_len];
        let Some(end) = plain_tag(html, name_start + name_len, &mut tag_attributes) else {
            return unchanged();
        };
        if closing {
            i = end;
            continue;
        }
        let lower = LowerName::of(name);
        if matches!(lower.get(), b"svg" | b"math" | b"plaintext") {
            return unchanged();
        }
        if !keeps_attributes(lower.get()) {
            // The tokenizer keeps the first of repeated names: each name counts once.
            let mut taken = 0u32;
            for attribute in &tag_attributes {
                let Some(k) = presentational(LowerName::of(&html[attribute.name.clone()]).get())
                else {
                    continue;
                };
                taken |= 1 << k;
                out.push_str(&html[copied..attribute.span.start]);
                push_line_ends(&mut out, &html[attribute.span.clone()]);
                copied = attribute.span.end;
            }
            attributes += taken.count_ones() as usize;
        }
        i = end;
        if raw_text(lower.get()) {
            let end = raw_text_end_tag(html, i, name);
            if lower.get() == b"script" && memchr::memmem::find(&bytes[i..end], b"<!--").is_some() {
                return unchanged();
            }
            i = end;
        }
    }
    if copied == 0 {
        return unchanged();
    }
    out.push_str(&html[copied..]);
    Stripped {
        text: Cow::Owned(out),
        attributes,
    }
}

/// HTML's white space: between a tag's attributes, and what text collapses.
fn is_html_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// An attribute of a tag: from the white space before it to the end of its value, and its
/// name.
struct PlainAttribute {
    span: Range<usize>,
    name: Range<usize>,
}

/// Where the tag whose name ends at `from` ends (after its `>`), its attributes put in
/// `attributes`, when they are plainly written (see [`strip_presentation`]); none when they
/// are not, or the page ends inside the tag.
fn plain_tag(html: &str, from: usize, attributes: &mut Vec<PlainAttribute>) -> Option<usize> {
    let bytes = html.as_bytes();
    let plain_name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'-');
    let plain_value =
        |b: u8| !is_html_space(b) && !matches!(b, b'>' | b'"' | b'\'' | b'<' | b'=' | b'`');
    // Generic, not `&dyn Fn`, so that it is inlined: it runs over every byte of every attribute.
    fn skip(bytes: &[u8], mut at: usize, keep: impl Fn(u8) -> bool) -> usize {
        while bytes.get(at).is_some_and(|&b| keep(b)) {
            at += 1;
        }
        at
    }
    attributes.clear();
    let mut at = from;
    loop {
        let start = at;
        at = skip(bytes, at, is_html_space);
        match bytes.get(at)? {
            b'>' => return Some(at + 1),
            b'/' if bytes.get(at + 1) == Some(&b'>') => return Some(at + 2),
            // An attribute is white space, then its name.
            &b if at > start && plain_name(b) => {}
            _ => return None,
        }
        let name_start = at;
        at = skip(bytes, at, plain_name);
        let name = name_start..at;
        let after_name = skip(bytes, at, is_html_space);
        if bytes.get(after_name) == Some(&b'=') {
            at = skip(bytes, after_name + 1, is_html_space);
            match *bytes.get(at)? {
                quote @ (b'"' | b'\'') => {
                    at += 1 + memchr::memchr(quote, &bytes[at + 1..])? + 1;
                }
                b if plain_value(b) => at = skip(bytes, at, plain_value),
                _ => return None,
            }
        }
        attributes.push(PlainAttribute {
            span: start..at,
            name,
        });
    }
}

/// Where the text of a raw-text element opened before `from` ends: at its end tag (the
/// name, without regard to case, then white space, `/` or `>`), or the page's end.
fn raw_text_end_tag(html: &str, from: usize, name: &str) -> usize {
    let bytes = html.as_bytes();
    let mut at = from;
    while let Some(p) = memchr::memmem::find(&bytes[at..], b"</") {
        let tag = at + p + 2;
        let named = bytes
            .get(tag..tag + name.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(name.as_bytes()));
        let ends = bytes
            .get(tag + name.len())
            .is_some_and(|&b| is_html_space(b) || b == b'/' || b == b'>');
        if named && ends {
            return at + p;
        }
        at = tag;
    }
    html.len()
}

/// Writes the line ends of a piece of markup, in order (`\r\n` stays one line end).
fn push_line_ends(out: &mut String, markup: &str) {
    let bytes = markup.as_bytes();
    for at in memchr::memchr2_iter(b'\r', b'\n', bytes) {
        out.push(char::from(bytes[at]));
    }
}

/// Where the raw text of a `<script>` or `<style>` opened before `from` ends: at its end
/// tag, matched without regard to case.
fn raw_text_end(html: &str, from: usize, name: &str) -> usize {
    let bytes = html.as_bytes();
    let mut at = from;
    while let Some(p) = html[at..].find("</") {
        let tag = at + p + 2;
        if bytes
            .get(tag..tag + name.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(name.as_bytes()))
        {
            return at + p;
        }
        at = tag;
    }
    html.len()
}

/// Where a tag that started before `from` ends: after its first `>` outside quotes (a quote
/// outside quotes opens one, up to the same quote), or at the page's end.
fn tag_end(html: &str, from: usize) -> usize {
    let bytes = html.as_bytes();
    let mut at = from;
    while let Some(p) = memchr::memchr3(b'>', b'"', b'\'', &bytes[at..]) {
        let found = at + p;
        if bytes[found] == b'>' {
            return found + 1;
        }
        match memchr::memchr(bytes[found], &bytes[found + 1..]) {
            Some(close) => at = found + 1 + close + 1,
            None => break,
        }
    }
    html.len()
}

/// How many words a tag that started before `from` holds after `from`, up to its end
/// ([`tag_end`]): runs of characters between white space, outside quotes; at least its
/// attributes.
fn tag_words(html: &str, from: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut words = 0usize;
    let mut in_word = false;
    for &b in &html.as_bytes()[from..] {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'>') => return words,
            (None, b) if b.is_ascii_whitespace() => in_word = false,
            (None, b) => {
                if b == b'"' || b == b'\'' {
                    quote = Some(b);
                }
                words += usize::from(!in_word);
                in_word = true;
            }
        }
    }
    words
}

/// The page's charset: BOM, then `<meta charset>` / `http-equiv` in the first 1024 bytes,
/// then detection. A declaration the bytes contradict (a page saved as UTF-8 that still
/// says gb2312) is overruled and reported.
fn decode_html(bytes: &[u8]) -> Result<(Decoded, Vec<Diagnostic>), DecodeError> {
    let mut diags = Vec::new();
    let declared = declared_charset(&bytes[..bytes.len().min(1024)]);
    let utf8 = is_utf8(bytes);
    let trusted = match declared {
        Some(enc) if enc != encoding_rs::UTF_8 && utf8 && !bytes.is_ascii() => {
            diags.push(Diagnostic::new(
                Level::Warning,
                "charset-overruled",
                "input",
                format!(
                    "the page declares {} but its bytes are valid UTF-8; read as UTF-8",
                    enc.name()
                ),
            ));
            None
        }
        Some(enc) if enc == encoding_rs::UTF_8 && !utf8 => {
            diags.push(Diagnostic::new(
                Level::Warning,
                "charset-overruled",
                "input",
                "the page declares UTF-8 but its bytes are not; the encoding was detected instead",
            ));
            None
        }
        other => other,
    };
    let decoded = decode(bytes, trusted)?;
    diags.extend(crate::readers::encoding_diagnostics(&decoded));
    if decoded.how == EncodingSource::Declared {
        // Say which declaration was followed, not just "declared".
        diags.retain(|d| d.code != "encoding");
        diags.push(Diagnostic::new(
            Level::Info,
            "encoding",
            "input",
            format!("decoded as {} (declared by the page)", decoded.encoding),
        ));
    }
    Ok((decoded, diags))
}

/// `<meta charset="…">` or `<meta http-equiv=… content="…; charset=…">`, as the HTML
/// prescan finds it (case-insensitive, WHATWG labels: gb2312 means GBK).
fn declared_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::bytes::Regex::new(r#"(?i-u)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)"#)
            .expect("valid")
    });
    encoding_rs::Encoding::for_label(&re.captures(head)?[1])
}

/// Finds the article: from `<body>` down, while one child element holds nearly all the
/// page's Chinese text, go into it — navigation, sidebars and footers fall away as
/// siblings. The cell texts made to tell a table's kind are left in `cell_texts`.
fn article_root(doc: &Tree, survey: &Survey, cell_texts: &mut [Option<String>]) -> NodeId {
    let weight = &survey.weights;
    let mut node = survey.body.unwrap_or(0);
    loop {
        let total = weight[node];
        if total == 0 {
            return node;
        }
        let heavy = doc
            .children(node)
            .filter(|&c| doc.element(c).is_some())
            .find(|&c| weight[c] * 100 >= total * 85);
        match heavy {
            // Stop at a table: a data table is read whole, a layout table is walked.
            Some(c)
                if doc.element(c).is_some_and(|e| {
                    e.name() != "table" || is_layout_table(doc, c, cell_texts)
                }) =>
            {
                node = c
            }
            _ => return node,
        }
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Elements that are never report text.
fn is_skipped(e: &Element) -> bool {
    const TAGS: &[&str] = &[
        "script", "style", "noscript", "template", "head", "title", "iframe", "object", "embed",
        "svg", "canvas", "nav", "footer", "aside", "form", "button", "select", "input", "textarea",
        "map", "audio", "video",
    ];
    if TAGS.contains(&e.name()) {
        return true;
    }
    const CHROME: &[&str] = &[
        "nav",
        "menu",
        "breadcrumb",
        "crumb",
        "share",
        "footer",
        "copyright",
        "sidebar",
        "toolbar",
        "print",
        "qrcode",
        "erweima",
        "ewm",
        "fontsize",
        "font-size",
        "zihao",
        "bdshare",
        "jiathis",
        "dqwz",
        "weizhi",
    ];
    // Without regard to ASCII case, and without lower-casing a copy of each attribute.
    let names_chrome = |attr: Option<&str>| {
        attr.is_some_and(|v| {
            CHROME.iter().any(|k| {
                v.as_bytes()
                    .windows(k.len())
                    .any(|w| w.eq_ignore_ascii_case(k.as_bytes()))
            })
        })
    };
    names_chrome(e.attribute(Read::Class)) || names_chrome(e.attribute(Read::Id))
}

/// A table used to lay out a page, not to hold data: it holds other tables, or its cells
/// hold running text. The texts of its cells, made to tell, are left in `cell_texts` for
/// the grid to take (and taken from there when made before).
fn is_layout_table(doc: &Tree, table: NodeId, cell_texts: &mut [Option<String>]) -> bool {
    let nested = doc.descendants(table).skip(1).any(|n| doc.is(n, "table"));
    if nested {
        return true;
    }
    let mut cells = 0usize;
    let mut longest = 0usize;
    for cell in doc
        .descendants(table)
        .filter(|&n| doc.is(n, "td") || doc.is(n, "th"))
    {
        let text = cell_texts[cell].get_or_insert_with(|| text_of(doc, cell));
        cells += 1;
        longest = longest.max(text.chars().count());
    }
    longest > 300 || cells <= 2 && longest > 80
}

/// The text of a subtree: inline elements run together (`20</span><span>23` is 2023),
/// `<br>` and block elements break lines.
fn text_of(doc: &Tree, node: NodeId) -> String {
    let mut out = Text::default();
    for edge in doc.traverse(node) {
        match edge {
            Edge::Open(n) => match &doc.node(n).data {
                Data::Text(t) => push_collapsed(&mut out, t, &[]),
                Data::Element(e) if e.name() == "br" => out.push_str("\n", None),
                Data::Element(e) if is_block(e.name()) => out.push_str("\n", None),
                _ => {}
            },
            Edge::Close(n) => {
                if doc.element(n).is_some_and(|e| is_block(e.name())) {
                    out.push_str("\n", None);
                }
            }
        }
    }
    // Its lines trimmed, blank ones dropped (collapsing left no `\r`): a cell's text is most
    // often one line between the line ends of its blocks.
    let raw = out.text;
    let whole = raw.trim();
    if !whole.contains('\n') {
        return if whole.len() == raw.len() {
            raw
        } else {
            whole.to_string()
        };
    }
    let mut lines = String::with_capacity(raw.len());
    for line in raw.split('\n').map(str::trim).filter(|l| !l.is_empty()) {
        if !lines.is_empty() {
            lines.push('\n');
        }
        lines.push_str(line);
    }
    lines
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "section"
            | "article"
            | "main"
            | "blockquote"
            | "pre"
            | "center"
            | "dl"
            | "dt"
            | "dd"
            | "header"
            | "figure"
            | "figcaption"
            | "address"
            | "hr"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "caption"
    )
}

/// HTML collapses runs of white space to one space. `printed` says where byte ranges of
/// `text` were printed (in order; none for text whose place is unknown).
///
/// Word by word, each word pushed in pieces of one place each (a character belongs to the
/// range its first byte is in), not character by character.
fn push_collapsed(out: &mut Text, text: &str, printed: &[(Range<usize>, Src)]) {
    let bytes = text.as_bytes();
    let mut run = 0;
    let mut at = 0;
    while at < bytes.len() {
        if is_html_space(bytes[at]) {
            at += bytes[at..]
                .iter()
                .take_while(|&&b| is_html_space(b))
                .count();
            if !out.as_str().ends_with([' ', '\n']) && !out.is_empty() {
                out.push_str(" ", None);
            }
            continue;
        }
        let word_end = bytes[at..]
            .iter()
            .position(|&b| is_html_space(b))
            .map_or(bytes.len(), |p| at + p);
        while at < word_end {
            while printed.get(run).is_some_and(|(r, _)| r.end <= at) {
                run += 1;
            }
            let (src, mut end) = match printed.get(run) {
                Some((r, src)) if r.start <= at => (Some(*src), r.end.min(word_end)),
                Some((r, _)) => (None, r.start.min(word_end)),
                None => (None, word_end),
            };
            while !text.is_char_boundary(end) {
                end += 1;
            }
            out.push_str(&text[at..end], src);
            at = end;
        }
    }
}

/// Walks the article in document order, turning block elements into paragraphs and data
/// tables into grids.
struct Walker<'b> {
    tree: &'b Tree,
    max_depth: usize,
    budget: &'b mut Budget,
    blocks: Vec<Block>,
    buffer: Text,
    chrome: usize,
    diagnostics: Vec<Diagnostic>,
    /// The line of the page each character of a text node stands on.
    lines: LinesOfText,
    /// Each table element's number, for its cells' `src`.
    tables: Vec<u32>,
    /// Table cells' texts made to tell layout tables from data tables (in [`article_root`]
    /// or the walk), each made once and taken by its grid.
    cell_texts: Vec<Option<String>>,
    /// The images beside a saved page, when it was read from a folder.
    images: Option<SavedImages<'b>>,
}

/// The images of a page saved with its files: where they are, the limits they are read
/// within, the images and pages read so far, what OCR read in them, and whether OCR is
/// missing (said once).
struct SavedImages<'f> {
    folder: &'f Path,
    options: image::Options,
    max_bytes: u64,
    read: usize,
    pages: u32,
    ocr: Vec<OcrRead>,
    no_ocr: bool,
}

impl Walker<'_> {
    fn walk(&mut self, root: NodeId) -> Result<(), TooLarge> {
        let tree = self.tree;
        let mut skip: Option<NodeId> = None;
        let mut depth = 0usize;
        for edge in tree.traverse(root) {
            match edge {
                Edge::Open(n) => {
                    depth += 1;
                    if skip.is_some() {
                        continue;
                    }
                    match &tree.node(n).data {
                        Data::Text(t) => {
                            let printed = self.lines.printed(n, t.len());
                            push_collapsed(&mut self.buffer, t, &printed);
                        }
                        Data::Element(e) => {
                            if is_skipped(e) {
                                skip = Some(n);
                            } else if e.name() == "table" {
                                if !is_layout_table(tree, n, &mut self.cell_texts) {
                                    self.flush()?;
                                    self.table(n)?;
                                    skip = Some(n);
                                }
                            } else if e.name() == "br" {
                                self.buffer.push_str("\n", None);
                            } else if e.name() == "img" {
                                self.image(e.attribute(Read::Src).unwrap_or_default().trim())?;
                            } else if is_block(e.name()) && depth < self.max_depth {
                                self.flush()?;
                            }
                        }
                        Data::Other => {}
                    }
                }
                Edge::Close(n) => {
                    depth = depth.saturating_sub(1);
                    if skip == Some(n) {
                        skip = None;
                        continue;
                    }
                    if skip.is_none()
                        && tree.element(n).is_some_and(|e| is_block(e.name()))
                        && depth < self.max_depth
                    {
                        self.flush()?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Ends the current paragraph (through [`text::paragraph`]: several lines or pipe text
    /// are read as text).
    fn flush(&mut self) -> Result<(), TooLarge> {
        let text = std::mem::take(&mut self.buffer);
        if text.as_str().trim().is_empty() {
            return Ok(());
        }
        let blocks = text::paragraph(&text, self.budget)?;
        if blocks.is_empty() {
            self.chrome += 1;
        }
        self.blocks.extend(blocks);
        Ok(())
    }

    /// An image beside the saved page: its tables, read by OCR, go where it stands.
    fn image(&mut self, src: &str) -> Result<(), TooLarge> {
        let Some(images) = self.images.as_mut() else {
            return Ok(());
        };
        let place = format!("<img src=\"{src}\">");
        let Some(path) = image::local_path(images.folder, src) else {
            self.diagnostics.push(Diagnostic::new(
                Level::Info,
                "image-not-read",
                place,
                "not a relative path beside the page: images are never fetched",
            ));
            return Ok(());
        };
        if images.no_ocr {
            return Ok(());
        }
        if images.read == MAX_SAVED_IMAGES {
            self.diagnostics.push(Diagnostic::new(
                Level::Warning,
                "image-not-read",
                place,
                format!("the page has more than {MAX_SAVED_IMAGES} images beside it; the rest are not read"),
            ));
            images.no_ocr = true;
            return Ok(());
        }
        images.read += 1;
        let bytes = match read_beside(images.folder, &path, images.max_bytes) {
            Ok(b) => b,
            Err(e) => {
                self.diagnostics.push(Diagnostic::new(
                    Level::Warning,
                    "image-not-read",
                    place,
                    format!("{}: {e}", path.display()),
                ));
                return Ok(());
            }
        };
        let first = images.pages + 1;
        match image::read_table_image(&bytes, &images.options, first, self.budget) {
            Ok(None) => Ok(()),
            Ok(Some((layout, pages))) => {
                images.pages += pages;
                images.ocr.extend(layout.ocr);
                self.diagnostics.extend(layout.diagnostics);
                self.flush()?;
                self.blocks.extend(layout.blocks);
                Ok(())
            }
            Err(image::ImageError::Size(e)) => Err(e),
            Err(e) => {
                images.no_ocr |= matches!(
                    e,
                    image::ImageError::NoTesseract | image::ImageError::NoLanguage(_)
                );
                self.diagnostics.push(Diagnostic::new(
                    Level::Warning,
                    "image-not-read",
                    place,
                    e.to_string(),
                ));
                Ok(())
            }
        }
    }

    fn table(&mut self, table: NodeId) -> Result<(), TooLarge> {
        let number = self.tables[table];
        let grid = grid_of(self.tree, table, number, &mut self.cell_texts, self.budget)?;
        if grid.rows.is_empty() {
            return Ok(());
        }
        if is_metadata_grid(&grid) {
            self.chrome += 1;
            return Ok(());
        }
        self.blocks.push(Block::Grid(grid));
        Ok(())
    }
}

/// A portal's metadata grid (索引号, 发布机构, 发文日期 …): page chrome, not report data.
fn is_metadata_grid(grid: &Grid) -> bool {
    const KEYS: &[&str] = &[
        "索引号",
        "发布机构",
        "发文日期",
        "组配分类",
        "主题分类",
        "成文日期",
        "发布日期",
        "公开方式",
        "信息名称",
        "文号",
    ];
    let text: String = grid
        .rows
        .iter()
        .flatten()
        .map(|c| c.text.as_str())
        .collect();
    KEYS.iter().filter(|k| text.contains(*k)).count() >= 3 && !text.contains("第二十条")
}

/// Images beside a saved page read at most (each may be read by OCR).
const MAX_SAVED_IMAGES: usize = 64;

/// The bytes of a file under `folder`: a regular file (a FIFO or device is not opened to
/// wait on), not reached through a symbolic link out of the folder, within `max_bytes`.
fn read_beside(folder: &Path, path: &Path, max_bytes: u64) -> Result<Vec<u8>, String> {
    let real = |p: &Path| std::fs::canonicalize(p).map_err(|e| e.to_string());
    let file = real(path)?;
    if !file.starts_with(real(folder)?) {
        return Err("it lies outside the page's folder (a symbolic link)".into());
    }
    crate::input::Input::from_path(&file, max_bytes)
        .map(|input| input.bytes)
        .map_err(|e| e.to_string())
}

/// A table's cells as anchor cells with spans, row groups in order. Spans are clamped as
/// browsers clamp them (colspan 0 or junk is 1, at most 1000; rowspan 0 runs to the end of
/// its row group) and then to the rows that exist, so a hostile span allocates nothing.
/// Cells are taken from `budget` before the grid holds them; their texts are those
/// [`is_layout_table`] made (`cell_texts`), made here for cells it did not see. Each
/// cell's `src` is the table's `number`, its row element's and its own place as written,
/// from 1.
fn grid_of(
    doc: &Tree,
    table: NodeId,
    number: u32,
    cell_texts: &mut [Option<String>],
    budget: &mut Budget,
) -> Result<Grid, TooLarge> {
    let mut grid = Grid::default();
    let mut groups: Vec<Vec<NodeId>> = Vec::new();
    for child in doc.children(table) {
        let Some(e) = doc.element(child) else {
            continue;
        };
        match e.name() {
            "caption" => {
                grid.caption = Some(collapsed(&text_of(doc, child))).filter(|c| !c.is_empty())
            }
            "tr" => match groups.last_mut() {
                Some(g) if g.last().is_some_and(|&r| doc.parent(r) == Some(table)) => g.push(child),
                _ => groups.push(vec![child]),
            },
            "thead" | "tbody" | "tfoot" => {
                groups.push(doc.children(child).filter(|&r| doc.is(r, "tr")).collect());
            }
            _ => {}
        }
    }
    let mut row_number = 0u32;
    for group in groups {
        let n = group.len();
        for (i, &tr) in group.iter().enumerate() {
            row_number += 1;
            let left = (n - i) as u32;
            let cells = || {
                doc.children(tr)
                    .filter_map(|c| Some((c, doc.element(c)?)))
                    .filter(|(_, e)| e.name() == "td" || e.name() == "th")
            };
            // A cell counts once for each column it spans.
            budget.cells(cells().map(|(_, e)| colspan(e) as usize).sum())?;
            let row: Vec<GridCell> = cells()
                .zip(1u32..)
                .map(|((cell, e), cell_number)| {
                    let col_span = colspan(e);
                    let row_span = match span(e.attribute(Read::Rowspan)) {
                        Some(0) => left,
                        Some(s) => s.clamp(1, left),
                        None => 1,
                    };
                    GridCell {
                        text: cell_texts[cell]
                            .take()
                            .unwrap_or_else(|| text_of(doc, cell))
                            .into(),
                        row_span,
                        col_span,
                        src: Some(Src::Element {
                            table: number,
                            row: row_number,
                            cell: cell_number,
                        }),
                    }
                })
                .collect();
            grid.rows.push(row);
        }
    }
    Ok(grid)
}

/// A cell's colspan as browsers clamp it.
fn colspan(e: &Element) -> u32 {
    span(e.attribute(Read::Colspan)).map_or(1, |s| s.clamp(1, MAX_COLSPAN))
}

/// A span attribute as browsers read it: leading digits, junk is absent.
fn span(attr: Option<&str>) -> Option<u32> {
    let digits: String = attr?
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if digits.is_empty() {
        return None;
    }
    Some(
        digits
            .parse::<u64>()
            .map_or(u32::MAX, |v| v.min(u32::MAX as u64) as u32),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page's layout under the default limits.
    fn layout_of(page: &[u8]) -> Layout {
        read(
            page,
            &crate::Limits::default(),
            &mut Budget::default(),
            None,
        )
        .unwrap()
    }

    fn blocks(html: &str) -> Vec<Block> {
        layout_of(html.as_bytes()).blocks
    }

    fn grid(html: &str) -> Grid {
        blocks(html)
            .into_iter()
            .find_map(|b| match b {
                Block::Grid(g) => Some(g),
                _ => None,
            })
            .expect("a grid")
    }

    fn texts(g: &Grid) -> Vec<Vec<(String, u32, u32)>> {
        g.rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| (c.text.to_string(), c.row_span, c.col_span))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn tables_keep_spans_breaks_and_split_numbers() {
        let g = grid(
            "<table><tbody><tr><td rowspan='2'>三、本年度办理结果</td><td>（一）予以公开</td><td><span>2</span><font>58</font></td></tr>\
             <tr><td>本年新<br />制作数量</td><td>&nbsp;</td></tr></tbody><tbody><tr><th colspan=0>x</th><td colspan=5000 rowspan=100000>y</td></tr></tbody></table>",
        );
        assert_eq!(
            texts(&g),
            vec![
                vec![
                    ("三、本年度办理结果".into(), 2, 1),
                    ("（一）予以公开".into(), 1, 1),
                    ("258".into(), 1, 1)
                ],
                vec![("本年新\n制作数量".into(), 1, 1), ("".into(), 1, 1)],
                vec![("x".into(), 1, 1), ("y".into(), 1, 1000)],
            ]
        );
    }

    #[test]
    fn rowspan_zero_runs_to_the_end_of_its_group() {
        let g = grid("<table><tr><td rowspan=0>a</td><td>b</td></tr><tr><td>c</td></tr><tr><td>d</td></tr></table>");
        assert_eq!(g.rows[0][0].row_span, 3);
    }

    #[test]
    fn the_article_is_cut_out_of_the_page() {
        let page = "<html><head><title>某区2020年报_某区政府</title><script>var x='一、总体情况';</script></head><body>\
            <div class='nav'>首页 政务公开 信息公开 年报 新闻 通知 公告 专题 互动 服务</div>\
            <div class='position'>当前位置：首页 &gt; 政务公开</div>\
            <div id='zoom'><p>一、总体情况</p><p>本机关全年主动公开政府信息一百二十条，收到申请十件，已全部办结答复完毕。</p>\
            <p>字号：大 中 小</p><p>扫一扫在手机上查看当前页面</p></div>\
            <div class='footer'>版权所有 某区人民政府 网站标识码 联系我们 网站地图</div></body></html>";
        let layout = layout_of(page.as_bytes());
        assert_eq!(
            layout.blocks,
            vec![
                Block::Paragraph(Text::at("一、总体情况", Src::line(1))),
                Block::Paragraph(Text::at(
                    "本机关全年主动公开政府信息一百二十条，收到申请十件，已全部办结答复完毕。",
                    Src::line(1)
                ))
            ]
        );
        assert_eq!(layout.hints.title.as_deref(), Some("某区2020年报_某区政府"));
    }

    #[test]
    fn charset_declarations_are_followed_or_overruled() {
        let body = "<p>一、总体情况</p><p>二、主动公开政府信息情况</p>".repeat(3);
        let gb = format!("<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head><body>{body}</body></html>");
        let (bytes, _, _) = encoding_rs::GBK.encode(&gb);
        let layout = layout_of(&bytes);
        assert_eq!(
            layout.blocks[0],
            Block::Paragraph(Text::at("一、总体情况", Src::line(1)))
        );
        // The same page saved as UTF-8 with its gb2312 meta left in.
        let layout = layout_of(gb.as_bytes());
        assert_eq!(
            layout.blocks[0],
            Block::Paragraph(Text::at("一、总体情况", Src::line(1)))
        );
        assert!(layout
            .diagnostics
            .iter()
            .any(|d| d.code == "charset-overruled"));
    }

    #[test]
    fn text_keeps_the_lines_of_the_page_it_stood_on() {
        // Digits split over elements and lines are one number on both lines; a line end
        // inside a dropped tag still counts; `\r\n` and `\r` each end one line.
        let crowded: String = (0..100).map(|i| format!(" a{i}=\"{i}\"")).collect();
        let page = format!(
            "<html><body>\r\n<div>\r<p>规章 | 1<span\n>2</span> |<br>\n\
             规范性文件 | 3 |</p>\n<p\n{crowded}>行政许可 | 4 |<br>其他 | 5 |</p></div></body></html>"
        );
        let layout = layout_of(page.as_bytes());
        let cells: Vec<(String, Option<Src>)> = layout
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Grid(g) => Some(g),
                _ => None,
            })
            .flat_map(|g| g.rows.iter().flatten())
            .map(|c| (c.text.to_string(), c.src_of(0..c.text.as_str().len())))
            .collect();
        assert_eq!(
            cells,
            vec![
                ("规章".into(), Some(Src::line(3))),
                ("12".into(), Some(Src::Lines { first: 3, last: 4 })),
                ("规范性文件".into(), Some(Src::line(5))),
                ("3".into(), Some(Src::line(5))),
                ("行政许可".into(), Some(Src::line(7))),
                ("4".into(), Some(Src::line(7))),
                ("其他".into(), Some(Src::line(7))),
                ("5".into(), Some(Src::line(7))),
            ]
        );
    }

    #[test]
    fn table_cells_are_named_by_their_elements() {
        // Tables counted in document order with nested ones (the layout table holding the
        // others is the first); rows across row groups; cells as written, spans not
        // expanded.
        let page = "<table><tr><td><table><tr><td>信息内容</td><td>数量</td></tr>\
            <tr><td rowspan=2>规章</td><td>1</td></tr><tr><td>2</td></tr></table>\
            <p>一段很长的说明文字。</p></td></tr></table>\
            <table><thead><tr><th>项目</th><th colspan=2>数量</th></tr></thead>\
            <tbody><tr><td>收到</td><td>3</td><td>4</td></tr></tbody></table>";
        let srcs: Vec<Vec<(String, String)>> = blocks(page)
            .iter()
            .filter_map(|b| match b {
                Block::Grid(g) => Some(
                    g.rows
                        .iter()
                        .flatten()
                        .map(|c| {
                            (
                                c.text.to_string(),
                                c.src.map(|s| s.to_string()).unwrap_or_default(),
                            )
                        })
                        .collect(),
                ),
                _ => None,
            })
            .collect();
        let cell = |t: &str, s: &str| (t.to_string(), s.to_string());
        assert_eq!(
            srcs,
            vec![
                vec![
                    cell("信息内容", "T2R1C1"),
                    cell("数量", "T2R1C2"),
                    cell("规章", "T2R2C1"),
                    cell("1", "T2R2C2"),
                    cell("2", "T2R3C1"),
                ],
                vec![
                    cell("项目", "T3R1C1"),
                    cell("数量", "T3R1C2"),
                    cell("收到", "T3R2C1"),
                    cell("3", "T3R2C2"),
                    cell("4", "T3R2C3"),
                ],
            ]
        );
    }

    #[test]
    fn flattened_tables_in_paragraphs_go_through_the_text_reader() {
        let b = blocks("<p>规章 | 0 | 0 | 1 |<br>规范性文件 | 55 | 55 | 463 |</p>");
        assert!(matches!(&b[0], Block::Grid(g) if g.rows.len() == 2));
    }

    #[test]
    fn deep_nesting_is_flattened_not_fatal() {
        let html = format!(
            "{}<p>一、总体情况</p>{}",
            "<div class='x'>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        let layout = layout_of(html.as_bytes());
        assert!(layout
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Paragraph(p) if p == "一、总体情况")));
        assert!(layout
            .diagnostics
            .iter()
            .any(|d| d.code == "nesting-flattened"));
    }

    #[test]
    fn taming_keeps_real_pages_and_text_intact() {
        let page = "<div><table><tr><td><span>规章</span></td></tr></table><!-- <div> --><script>if(a<b){'<div>'}</script></div>";
        let tamed = tame(page, MAX_DEPTH);
        assert!(matches!(tamed.text, Cow::Borrowed(t) if t == page));
        assert_eq!((tamed.too_deep, tamed.crowded), (0, 0));
        let deep = format!(
            "{}x{}",
            "<div>".repeat(MAX_DEPTH + 2),
            "</div>".repeat(MAX_DEPTH + 2)
        );
        // Script bodies hold no tags, whatever the case of their end tag; what follows
        // them is counted again.
        let scripted = "<div><SCRIPT>'<div><div><div>'</Script><div><div>x</div></div></div>";
        assert_eq!(tame(scripted, 2).too_deep, 2);
        let tamed = tame(&deep, MAX_DEPTH);
        assert_eq!(tamed.too_deep, 4);
        assert_eq!(tamed.text.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(tamed.text.matches("</div>").count(), MAX_DEPTH);
        assert!(tamed.text.contains('x'));
    }

    #[test]
    fn end_tags_of_elements_not_open_cost_nothing_and_change_nothing() {
        let page = format!("{}{}x", "<div>".repeat(1000), "</span>".repeat(1000));
        let tamed = tame(&page, 10);
        assert_eq!(tamed.too_deep, 990);
        assert_eq!(
            tamed.text,
            format!("{}{}x", "<div>".repeat(10), "</span>".repeat(1000))
        );
    }

    #[test]
    fn a_tag_with_too_many_attributes_is_read_without_them() {
        let crowded: String = (0..100).map(|i| format!(" a{i}=\"{i}\"")).collect();
        let page = format!("<p class=x>一</p><p{crowded}>二</p><br{crowded}/>");
        let tamed = tame(&page, MAX_DEPTH);
        assert_eq!(tamed.crowded, 2);
        assert_eq!(tamed.text, "<p class=x>一</p><p>二</p><br/>");
    }

    #[test]
    fn presentational_attributes_are_taken_out_where_nothing_reads_them() {
        let page = "<TD STYLE='a' style=\"b\"\n  nowrap class=\"x\" width=50/ colspan=2>一</td>\
                    <b style=\"c\">二</b><!-- <td style=d> --></ td style=e>\
                    <title lang=zh><td style=f></title><p\talign=center>三</p><br style=g/>";
        let plain = strip_presentation(page);
        assert_eq!(
            plain.text,
            "<TD\n class=\"x\" colspan=2>一</td>\
             <b style=\"c\">二</b><!-- <td style=d> --></ td style=e>\
             <title><td style=f></title><p>三</p><br>"
        );
        // style (twice: once), nowrap, width; lang; align; style (its value was `g/`).
        assert_eq!(plain.attributes, 6);
        // The same tree but for the attributes taken out.
        let tree = |html: &str| {
            let doc = scraper::Html::parse_document(html);
            let kept = |e: &scraper::node::Element| -> Vec<(String, String)> {
                e.attrs()
                    .filter(|(n, _)| {
                        keeps_attributes(e.name().as_bytes())
                            || presentational(n.as_bytes()).is_none()
                    })
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect()
            };
            doc.tree
                .root()
                .descendants()
                .map(|n| match n.value() {
                    scraper::Node::Element(e) => format!("{} {:?}", e.name(), kept(e)),
                    scraper::Node::Text(t) => format!("{:?}", &**t),
                    other => format!("{other:?}"),
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(tree(&plain.text), tree(page));
    }

    #[test]
    fn markup_not_read_as_the_tokenizer_reads_it_is_left_as_it_is() {
        for page in [
            "<td style=a>1</td><svg width=1></svg>",
            "<td style=a>1</td><!-- x --!> <td style=b>",
            "<td style=a>1</td><script><!-- </script><td style=b> --></script>",
            "<td style=a>1</td><p style=\"b\"class=c>",
            "<td style=a>1</td><p style=b\"c>",
            "<td style=a>1</td><plaintext><td style=b>",
            "<td style=a>1</td><![CDATA[<td style=b>]]>",
        ] {
            let plain = strip_presentation(page);
            assert!(matches!(plain.text, Cow::Borrowed(_)), "{page}");
            assert_eq!(plain.attributes, 0, "{page}");
        }
    }
}

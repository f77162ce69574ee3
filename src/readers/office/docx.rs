//! DOCX: `word/document.xml` as a stream of events. Body paragraphs and tables in order;
//! headers, footers, footnotes and comments live in other parts and are never read.
//! Numbering Word keeps out of the text (`（一）` from `w:numPr`) is put back.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{
    attr, local, walk, Frames, Mark, Marked, OfficeError, Package, PartReader, Sink, TableBuilder,
    MAX_TABLE_DEPTH,
};
use crate::layout::{Budget, Layout, Text, TooLarge};
use crate::model::Src;

const DOCUMENT: &str = "word/document.xml";

pub fn read(pkg: &mut Package<'_>, budget: &mut Budget) -> Result<Layout, OfficeError> {
    let numbering = pkg
        .read("word/numbering.xml")?
        .map(|b| Numbering::parse(&b))
        .unwrap_or_default();
    let styles = pkg
        .read("word/styles.xml")?
        .map(|b| style_numbering(&b))
        .unwrap_or_default();
    let Some(document) = pkg.read(DOCUMENT)? else {
        return Err(OfficeError::MissingPart(DOCUMENT, "DOCX"));
    };
    let mut body = Body {
        numbering,
        styles,
        counters: HashMap::new(),
        field_instr: Vec::new(),
        out: Sink::new(budget),
    };
    walk(&document, DOCUMENT, &mut body)?;
    Ok(body.out.layout())
}

/// Where the parser is: a stack of these, one per open element that matters.
#[derive(Debug)]
enum Frame {
    /// A paragraph: its text so far, its numbering, and text-box paragraphs met inside it
    /// (emitted after it).
    Paragraph {
        text: Text,
        num: Option<(String, usize)>,
        style: Option<String>,
        boxed: Vec<Text>,
    },
    Table(TableBuilder),
    Cell {
        lines: Vec<String>,
        span: u32,
        merge: Option<bool>,
    },
    /// A run (`w:r`): where tabs and breaks are text.
    Run,
    /// Text (`w:t`): the only place character data is the document's.
    Text,
    /// An element whose content is not text of the document (deleted text, field
    /// instructions, the fallback copy of alternate content).
    Skip,
    /// Anything else (runs, hyperlinks, content controls…): transparent.
    Other,
}

impl Marked for Frame {
    fn mark(&self) -> Option<Mark> {
        match self {
            Frame::Paragraph { .. } => Some(Mark::Paragraph),
            Frame::Cell { .. } => Some(Mark::Cell),
            Frame::Table(_) => Some(Mark::Table),
            _ => None,
        }
    }
}

struct Body<'b> {
    numbering: Numbering,
    styles: HashMap<String, (String, usize)>,
    /// Per numbering instance, the counter of each level.
    counters: HashMap<String, [u32; 9]>,
    /// Complex fields: inside `begin … separate` the runs are instructions, not text.
    field_instr: Vec<bool>,
    out: Sink<'b>,
}

impl PartReader for Body<'_> {
    type Frame = Frame;
    const SKIP: Frame = Frame::Skip;

    fn is_skip(frame: &Frame) -> bool {
        matches!(frame, Frame::Skip)
    }

    fn takes_text(&self, stack: &Frames<Frame>) -> bool {
        self.field_instr.last() != Some(&true) && matches!(stack.last(), Some(Frame::Text))
    }

    fn text(&mut self, text: &str, stack: &mut Frames<Frame>, at: Src) {
        append(stack, text, Some(at));
    }

    fn open(&mut self, e: &BytesStart<'_>, stack: &mut Frames<Frame>) -> Frame {
        match local(e.name().as_ref()) {
            b"p" => Frame::Paragraph {
                text: Text::default(),
                num: None,
                style: None,
                boxed: Vec::new(),
            },
            b"tbl" => Frame::Table(self.out.table()),
            b"tr" => {
                if let Some(Frame::Table(t)) = stack.last_mut() {
                    t.row();
                }
                Frame::Other
            }
            b"tc" => Frame::Cell {
                lines: Vec::new(),
                span: 1,
                merge: None,
            },
            b"r" => Frame::Run,
            b"t" => Frame::Text,
            // Deleted text, moved-away text, field codes, the fallback twin of alternate
            // content: not the document's text.
            b"del" | b"moveFrom" | b"instrText" | b"delInstrText" | b"Fallback" | b"sectPr" => {
                Frame::Skip
            }
            _ => Frame::Other,
        }
    }

    fn empty(
        &mut self,
        e: &BytesStart<'_>,
        stack: &mut Frames<Frame>,
        at: Src,
    ) -> Result<(), TooLarge> {
        let qname = e.name();
        let name = local(qname.as_ref());
        match name {
            b"tab" | b"ptab" if matches!(stack.last(), Some(Frame::Run)) => {
                append(stack, "\t", None)
            }
            b"br" | b"cr" if matches!(stack.last(), Some(Frame::Run)) => append(stack, "\n", None),
            b"noBreakHyphen" if matches!(stack.last(), Some(Frame::Run)) => {
                append(stack, "-", Some(at))
            }
            b"sym" => {
                if let Some(c) = attr(e, b"char")
                    .and_then(|h| u32::from_str_radix(&h, 16).ok())
                    .and_then(char::from_u32)
                {
                    append(stack, &c.to_string(), Some(at));
                }
            }
            b"fldChar" => match attr(e, b"fldCharType").as_deref() {
                Some("begin") => self.field_instr.push(true),
                Some("separate") => {
                    if let Some(f) = self.field_instr.last_mut() {
                        *f = false;
                    }
                }
                Some("end") => {
                    self.field_instr.pop();
                }
                _ => {}
            },
            b"ilvl" | b"numId" => {
                if let Some(Frame::Paragraph { num, .. }) = stack.nearest(&[Mark::Paragraph]) {
                    let v = attr(e, b"val").unwrap_or_default();
                    let entry = num.get_or_insert((String::new(), 0));
                    if name == b"ilvl" {
                        entry.1 = v.parse().unwrap_or(0).min(8);
                    } else {
                        entry.0 = v;
                    }
                }
            }
            b"pStyle" => {
                if let Some(Frame::Paragraph { style, .. }) = stack.last_mut() {
                    *style = attr(e, b"val");
                }
            }
            b"gridSpan" => {
                if let Some(Frame::Cell { span, .. }) = stack.nearest(&[Mark::Cell]) {
                    *span = attr(e, b"val")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(1)
                        .clamp(1, 1000);
                }
            }
            b"vMerge" => {
                if let Some(Frame::Cell { merge, .. }) = stack.nearest(&[Mark::Cell]) {
                    // Word writes <w:vMerge/> for a continuation, LibreOffice w:val="continue".
                    *merge = Some(attr(e, b"val").as_deref() == Some("restart"));
                }
            }
            b"gridBefore" => {
                if let Some(Frame::Table(t)) = stack.nearest(&[Mark::Table]) {
                    let n = attr(e, b"val")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0)
                        .min(1000);
                    // Skipped grid columns count like cells: the table's width follows.
                    self.out.budget.cells(n)?;
                    t.skip_columns(n);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, frame: Frame, stack: &mut Frames<Frame>) -> Result<(), TooLarge> {
        match frame {
            Frame::Paragraph {
                text,
                num,
                style,
                boxed,
            } => {
                let numbered = num
                    .filter(|(id, _)| !id.is_empty() && id != "0")
                    .or_else(|| style.and_then(|s| self.styles.get(&s).cloned()));
                let prefix = numbered
                    .map(|(id, lvl)| self.prefix(&id, lvl))
                    .unwrap_or_default();
                // The number is drawn first; a break right after it is no line of its own.
                let text = if prefix.is_empty() {
                    text
                } else {
                    let mut numbered = Text::from(prefix);
                    let lead = text.as_str().len() - text.as_str().trim_start().len();
                    numbered.push_text(&text.slice(lead..text.as_str().len()));
                    numbered
                };
                // In a cell the paragraph is a line of the cell; in a paragraph (a text box
                // inside it) it follows that paragraph; in the body it is a block.
                match stack.nearest(&[Mark::Cell, Mark::Paragraph]) {
                    Some(Frame::Cell { lines, .. }) => {
                        lines.push(text.text);
                        lines.extend(boxed.into_iter().map(|b| b.text));
                    }
                    Some(Frame::Paragraph { boxed: outer, .. }) => {
                        outer.push(text);
                        outer.extend(boxed);
                    }
                    _ => {
                        self.out.paragraph(&text)?;
                        for b in boxed {
                            self.out.paragraph(&b)?;
                        }
                    }
                }
            }
            Frame::Cell { lines, span, merge } => {
                if let Some(Frame::Table(t)) = stack.nearest(&[Mark::Table]) {
                    let text = lines.join("\n");
                    self.out.cells(&text, 1, span)?;
                    t.cell(text, span, 1, merge);
                }
            }
            Frame::Table(t) => {
                let depth = stack.count(Mark::Table);
                match stack.nearest(&[Mark::Cell, Mark::Paragraph]) {
                    // A table in a cell: its text is the cell's; nested deeper than a
                    // report ever is, it is text all the same.
                    Some(Frame::Cell { lines, .. }) => lines.push(t.text()),
                    Some(Frame::Paragraph { boxed, .. }) => boxed.push(t.text().into()),
                    _ if depth < MAX_TABLE_DEPTH => self.out.grid(t.grid()),
                    _ => self.out.paragraph(&t.text().into())?,
                }
            }
            Frame::Run | Frame::Text | Frame::Skip | Frame::Other => {}
        }
        Ok(())
    }
}

impl Body<'_> {
    /// The numbering text of a paragraph at `level` of numbering instance `id`, counting.
    fn prefix(&mut self, id: &str, level: usize) -> String {
        let Some(levels) = self.numbering.levels(id) else {
            return String::new();
        };
        let counters = self.counters.entry(id.to_string()).or_insert_with(|| {
            let mut c = [0u32; 9];
            for (i, l) in levels.iter().enumerate().take(9) {
                c[i] = l.start.saturating_sub(1);
            }
            c
        });
        counters[level] += 1;
        for (deeper, c) in counters.iter_mut().enumerate().skip(level + 1) {
            *c = levels.get(deeper).map_or(0, |l| l.start.saturating_sub(1));
        }
        let Some(this) = levels.get(level) else {
            return String::new();
        };
        if this.format == "bullet" || this.format == "none" {
            return String::new();
        }
        let mut text = this.text.clone();
        for (i, l) in levels.iter().enumerate().take(9) {
            let placeholder = format!("%{}", i + 1);
            if text.contains(&placeholder) {
                text = text.replace(&placeholder, &format_number(counters[i], &l.format));
            }
        }
        text
    }
}

/// Appends text, printed on the lines `src` of the part, to the innermost paragraph.
fn append(stack: &mut Frames<Frame>, s: &str, src: Option<Src>) {
    if let Some(Frame::Paragraph { text, .. }) = stack.nearest(&[Mark::Paragraph]) {
        text.push_str(s, src);
    }
}

/// One level of a numbering definition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

/// `word/numbering.xml`: numbering instances and their abstract definitions.
#[derive(Debug, Default)]
struct Numbering {
    abstracts: HashMap<String, Vec<Level>>,
    instances: HashMap<String, String>,
}

impl Numbering {
    fn parse(xml: &[u8]) -> Numbering {
        let mut n = Numbering::default();
        let mut abstract_id: Option<String> = None;
        let mut level: Option<usize> = None;
        let mut num_id: Option<String> = None;
        each_tag(xml, |tag| match tag {
            Tag::Open(e) => match local(e.name().as_ref()) {
                b"abstractNum" => abstract_id = attr(e, b"abstractNumId"),
                b"lvl" => {
                    level = attr(e, b"ilvl")
                        .and_then(|v| v.parse().ok())
                        .filter(|&l: &usize| l < 9)
                }
                b"num" => num_id = attr(e, b"numId"),
                b"abstractNumId" => {
                    if let (Some(id), Some(a)) = (&num_id, attr(e, b"val")) {
                        n.instances.insert(id.clone(), a);
                    }
                }
                name @ (b"numFmt" | b"lvlText" | b"start") => {
                    if let (Some(a), Some(l)) = (&abstract_id, level) {
                        let levels = n.abstracts.entry(a.clone()).or_default();
                        if levels.len() <= l {
                            levels.resize(
                                l + 1,
                                Level {
                                    start: 1,
                                    ..Level::default()
                                },
                            );
                        }
                        let v = attr(e, b"val").unwrap_or_default();
                        match name {
                            b"numFmt" => levels[l].format = v,
                            b"lvlText" => levels[l].text = v,
                            _ => levels[l].start = v.parse().unwrap_or(1),
                        }
                    }
                }
                _ => {}
            },
            Tag::Close(b"abstractNum") => abstract_id = None,
            Tag::Close(b"lvl") => level = None,
            Tag::Close(b"num") => num_id = None,
            Tag::Close(_) => {}
        });
        n
    }

    fn levels(&self, num_id: &str) -> Option<&Vec<Level>> {
        self.abstracts.get(self.instances.get(num_id)?)
    }
}

/// Paragraph styles that carry numbering (`w:style/w:pPr/w:numPr`).
fn style_numbering(xml: &[u8]) -> HashMap<String, (String, usize)> {
    let mut out = HashMap::new();
    let mut style: Option<String> = None;
    let mut num: (Option<String>, usize) = (None, 0);
    each_tag(xml, |tag| match tag {
        Tag::Open(e) => match local(e.name().as_ref()) {
            b"style" => {
                style = attr(e, b"styleId");
                num = (None, 0);
            }
            b"numId" => num.0 = attr(e, b"val"),
            b"ilvl" => {
                num.1 = attr(e, b"val")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0)
                    .min(8)
            }
            _ => {}
        },
        Tag::Close(b"style") => {
            if let (Some(s), (Some(id), lvl)) = (style.take(), num.clone()) {
                if id != "0" {
                    out.insert(s, (id, lvl));
                }
            }
        }
        Tag::Close(_) => {}
    });
    out
}

/// An element of a side part read for its attributes: opened (or empty), or closed (by
/// its local name).
enum Tag<'a, 'e> {
    Open(&'a BytesStart<'e>),
    Close(&'a [u8]),
}

/// Calls `f` for each element of `xml` up to its end or its first malformed byte: the
/// side parts (numbering, styles) only add numbers, so a damaged one adds none past it.
fn each_tag(xml: &[u8], mut f: impl FnMut(Tag<'_, '_>)) {
    let mut reader = Reader::from_reader(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(Event::Start(e) | Event::Empty(e)) => f(Tag::Open(&e)),
            Ok(Event::End(e)) => f(Tag::Close(local(e.name().as_ref()))),
            Ok(_) => {}
        }
    }
}

/// A counter in a numbering format Word uses for reports.
fn format_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "ideographLegalTraditional"
        | "taiwaneseCounting"
        | "japaneseCounting"
        | "chineseLegalSimplified" => chinese(n),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        "decimalEnclosedParen" => format!("({n})"),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32('①' as u32 + n - 1)
                .map(String::from)
                .unwrap_or_default()
        }
        "lowerLetter" => letter(n, b'a'),
        "upperLetter" => letter(n, b'A'),
        _ => n.to_string(),
    }
}

fn letter(n: u32, base: u8) -> String {
    let n = n.max(1) - 1;
    let c = (base + (n % 26) as u8) as char;
    c.to_string().repeat(n as usize / 26 + 1)
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五.
fn chinese(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!(
            "十{}",
            if n == 10 {
                ""
            } else {
                DIGITS[(n - 10) as usize]
            }
        ),
        20..=99 => format!(
            "{}十{}",
            DIGITS[(n / 10) as usize],
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            }
        ),
        100..=999 => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", DIGITS[rest as usize]),
                10..=19 => format!("一{}", chinese(rest)),
                _ => chinese(rest),
            };
            format!("{}百{tail}", DIGITS[(n / 100) as usize])
        }
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_chinese() {
        let got: Vec<String> = [1, 6, 10, 11, 20, 23, 100, 105, 110, 120]
            .iter()
            .map(|&n| chinese(n))
            .collect();
        assert_eq!(
            got,
            [
                "一",
                "六",
                "十",
                "十一",
                "二十",
                "二十三",
                "一百",
                "一百零五",
                "一百一十",
                "一百二十"
            ]
        );
        assert_eq!(format_number(3, "decimalFullWidth"), "３");
        assert_eq!(format_number(28, "lowerLetter"), "bb");
    }
}

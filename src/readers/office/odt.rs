//! ODT: `content.xml` as a stream of events, through the same layout as DOCX. Spans are
//! explicit (`table:number-columns-spanned`, `-rows-spanned`) and the cells they cover are
//! `table:covered-table-cell`, so no merge tracking is needed. Headers and footers live in
//! `styles.xml` and are never read; notes and annotations inside the text are skipped.

use quick_xml::events::BytesStart;

use super::{
    attr, local, walk, Frames, Mark, Marked, OfficeError, Package, PartReader, Sink, TableBuilder,
    MAX_TABLE_DEPTH,
};
use crate::layout::{Budget, Layout, Text, TooLarge};
use crate::model::Src;

const CONTENT: &str = "content.xml";
/// Repeated rows or cells (`number-*-repeated`) are written out at most this many times.
const MAX_REPEAT: usize = 1000;

pub fn read(pkg: &mut Package<'_>, budget: &mut Budget) -> Result<Layout, OfficeError> {
    let Some(content) = pkg.read(CONTENT)? else {
        return Err(OfficeError::MissingPart(CONTENT, "ODT"));
    };
    let mut out = Sink::new(budget);
    walk(&content, CONTENT, &mut Content { out: &mut out })?;
    Ok(out.layout())
}

#[derive(Debug)]
enum Frame {
    Paragraph {
        text: Text,
        boxed: Vec<Text>,
    },
    Table(TableBuilder),
    Row {
        repeat: usize,
    },
    Cell {
        lines: Vec<String>,
        cols: u32,
        rows: u32,
        repeat: usize,
    },
    /// Notes, annotations, tracked changes: not the document's running text.
    Skip,
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

/// The reader of `content.xml`: what it reads goes to the sink.
struct Content<'s, 'b> {
    out: &'s mut Sink<'b>,
}

impl PartReader for Content<'_, '_> {
    type Frame = Frame;
    const SKIP: Frame = Frame::Skip;

    fn is_skip(frame: &Frame) -> bool {
        matches!(frame, Frame::Skip)
    }

    fn open(&mut self, e: &BytesStart<'_>, stack: &mut Frames<Frame>) -> Frame {
        open(e, stack, self.out)
    }

    fn empty(
        &mut self,
        e: &BytesStart<'_>,
        stack: &mut Frames<Frame>,
        _: Src,
    ) -> Result<(), TooLarge> {
        empty(e, stack, self.out)
    }

    /// Character data counts inside a paragraph (between elements it is layout).
    fn takes_text(&self, stack: &Frames<Frame>) -> bool {
        stack.count(Mark::Paragraph) > 0
    }

    fn text(&mut self, text: &str, stack: &mut Frames<Frame>, at: Src) {
        // ODF collapses white space in text like HTML (spaces are text:s).
        let collapsed = crate::text::normalise::collapsed(text);
        let lead = text.starts_with(char::is_whitespace) && !collapsed.is_empty();
        let trail = text.ends_with(char::is_whitespace) && !collapsed.is_empty();
        let spaced = format!(
            "{}{collapsed}{}",
            if lead { " " } else { "" },
            if trail { " " } else { "" }
        );
        append(stack, &spaced, Some(at));
    }

    fn close(&mut self, frame: Frame, stack: &mut Frames<Frame>) -> Result<(), TooLarge> {
        close(frame, stack, self.out)
    }
}

fn repeat(e: &BytesStart<'_>, key: &[u8]) -> usize {
    attr(e, key)
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .clamp(1, MAX_REPEAT)
}

fn open(e: &BytesStart<'_>, stack: &mut Frames<Frame>, out: &mut Sink<'_>) -> Frame {
    match local(e.name().as_ref()) {
        b"p" | b"h" => Frame::Paragraph {
            text: Text::default(),
            boxed: Vec::new(),
        },
        b"table" => Frame::Table(out.table()),
        b"table-row" => {
            if let Some(Frame::Table(t)) = stack.last_mut() {
                t.row();
            }
            Frame::Row {
                repeat: repeat(e, b"number-rows-repeated"),
            }
        }
        b"table-cell" => Frame::Cell {
            lines: Vec::new(),
            cols: attr(e, b"number-columns-spanned")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1)
                .clamp(1, 1000),
            rows: attr(e, b"number-rows-spanned")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1)
                .clamp(1, 65534),
            repeat: repeat(e, b"number-columns-repeated"),
        },
        b"covered-table-cell" => {
            if let Some(Frame::Table(t)) = stack.nearest(&[Mark::Table]) {
                t.covered_cell();
            }
            Frame::Skip
        }
        b"note" | b"annotation" | b"tracked-changes" | b"table-of-content" => Frame::Skip,
        _ => Frame::Other,
    }
}

fn empty(
    e: &BytesStart<'_>,
    stack: &mut Frames<Frame>,
    out: &mut Sink<'_>,
) -> Result<(), TooLarge> {
    match local(e.name().as_ref()) {
        b"s" => {
            let n = attr(e, b"c")
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(1)
                .min(100);
            append(stack, &" ".repeat(n), None);
        }
        b"tab" => append(stack, "\t", None),
        b"line-break" => append(stack, "\n", None),
        b"covered-table-cell" => {
            if let Some(Frame::Table(t)) = stack.nearest(&[Mark::Table]) {
                t.covered_cell();
            }
        }
        b"table-cell" => {
            // An empty cell, perhaps repeated.
            let n = repeat(e, b"number-columns-repeated");
            let cols = attr(e, b"number-columns-spanned")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1)
                .clamp(1, 1000);
            if let Some(Frame::Table(t)) = stack.nearest(&[Mark::Table]) {
                out.cells("", n, cols)?;
                t.cells(String::new(), cols, 1, None, n);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Appends text, printed on the lines `src` of `content.xml`, to the innermost paragraph.
fn append(stack: &mut Frames<Frame>, s: &str, src: Option<Src>) {
    if let Some(Frame::Paragraph { text, .. }) = stack.nearest(&[Mark::Paragraph]) {
        text.push_str(s, src);
    }
}

fn close(frame: Frame, stack: &mut Frames<Frame>, out: &mut Sink<'_>) -> Result<(), TooLarge> {
    match frame {
        Frame::Paragraph { text, boxed } => {
            let text = text.trim();
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
                    out.paragraph(&text)?;
                    for b in boxed {
                        out.paragraph(&b)?;
                    }
                }
            }
        }
        Frame::Cell {
            lines,
            cols,
            rows,
            repeat,
        } => {
            if let Some(Frame::Table(t)) = stack.nearest(&[Mark::Table]) {
                let text = lines.join("\n");
                out.cells(&text, repeat, cols)?;
                t.cells(text, cols, rows, None, repeat);
            }
        }
        Frame::Row { repeat } => {
            // A repeated row is the same cells again (an empty trailing row, usually).
            if let Some(Frame::Table(t)) = stack.nearest(&[Mark::Table]) {
                if let Some(last) = t.rows.last().cloned() {
                    let bytes: usize = last.iter().map(|c| c.text.as_str().len()).sum();
                    let columns: usize = last.iter().map(|c| c.col_span as usize).sum();
                    for _ in 1..repeat {
                        out.budget.cells(columns)?;
                        out.budget.text(bytes)?;
                        t.rows.push(last.clone());
                    }
                }
            }
        }
        Frame::Table(t) => {
            let depth = stack.count(Mark::Table);
            match stack.nearest(&[Mark::Cell, Mark::Paragraph]) {
                Some(Frame::Cell { lines, .. }) => lines.push(t.text()),
                Some(Frame::Paragraph { boxed, .. }) => boxed.push(t.text().into()),
                _ if depth < MAX_TABLE_DEPTH => out.grid(t.grid()),
                _ => out.paragraph(&t.text().into())?,
            }
        }
        Frame::Skip | Frame::Other => {}
    }
    Ok(())
}

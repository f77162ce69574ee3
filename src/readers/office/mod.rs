//! Word-processor documents: DOCX (`word/document.xml`) and ODT (`content.xml`), read as a
//! stream of XML events from inside the zip — no DOM of the whole document, every part
//! read through size and ratio limits (zip bombs), tables nested to any depth handled
//! without recursion.

mod docx;
mod odt;

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use zip::ZipArchive;

use crate::layout::{Block, Budget, Grid, GridCell, Hints, Layout, Text, TooLarge};
use crate::model::Src;

/// Largest part (e.g. `word/document.xml`) read, decompressed.
pub const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;
/// Decompressed over compressed size beyond which a part is a bomb (XML compresses
/// ten-fold, rarely a hundred-fold).
const MAX_RATIO: u64 = 250;
/// Below this much output the ratio is not judged (tiny parts compress oddly).
const RATIO_FLOOR: u64 = 1024 * 1024;
/// Tables nested deeper than this are read as text in their cell.
const MAX_TABLE_DEPTH: usize = 16;
/// Element nesting beyond which a document is refused.
const MAX_XML_DEPTH: usize = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("not a readable zip container: {0}")]
    Zip(String),
    #[error("no {0} in the package: not a {1} document, or damaged")]
    MissingPart(&'static str, &'static str),
    #[error("{part} decompresses to more than {limit} bytes")]
    TooLarge { part: String, limit: u64 },
    #[error("{part} decompresses more than {MAX_RATIO} times its size: a zip bomb")]
    Bomb { part: String },
    #[error("malformed XML in {part} near byte {position}: {message}")]
    Xml {
        part: String,
        position: u64,
        message: String,
    },
    #[error("{part} nests elements more than {MAX_XML_DEPTH} deep")]
    TooDeep { part: String },
    #[error("cannot read {part}: {message}")]
    Read { part: String, message: String },
    #[error(transparent)]
    Size(#[from] TooLarge),
}

/// The zip package of a document.
pub struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
}

impl<'a> Package<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Package<'a>, OfficeError> {
        let zip =
            ZipArchive::new(Cursor::new(bytes)).map_err(|e| OfficeError::Zip(e.to_string()))?;
        Ok(Package { zip })
    }

    pub fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// A part's bytes, through the limits; None when the package has no such part.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, OfficeError> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let entry = self.zip.by_index(index).map_err(|e| OfficeError::Read {
            part: name.to_string(),
            message: e.to_string(),
        })?;
        let compressed = entry.compressed_size();
        let mut limited = Limited {
            inner: entry,
            part: name.to_string(),
            compressed,
            read: 0,
            error: None,
        };
        let mut out = Vec::new();
        let result = limited.read_to_end(&mut out);
        if let Some(e) = limited.error.take() {
            return Err(e);
        }
        result.map_err(|e| OfficeError::Read {
            part: name.to_string(),
            message: e.to_string(),
        })?;
        Ok(Some(out))
    }
}

/// Counts what a part decompresses to and stops it at the limits.
struct Limited<R> {
    inner: R,
    part: String,
    compressed: u64,
    read: u64,
    error: Option<OfficeError>,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > MAX_PART_BYTES {
            self.error = Some(OfficeError::TooLarge {
                part: self.part.clone(),
                limit: MAX_PART_BYTES,
            });
        } else if self.read > RATIO_FLOOR && self.read > self.compressed.saturating_mul(MAX_RATIO) {
            self.error = Some(OfficeError::Bomb {
                part: self.part.clone(),
            });
        }
        if self.error.is_some() {
            return Err(std::io::Error::other("limit"));
        }
        Ok(n)
    }
}

/// Reads a DOCX package.
pub fn read_docx(bytes: &[u8], budget: &mut Budget) -> Result<Layout, OfficeError> {
    docx::read(&mut Package::open(bytes)?, budget)
}

/// Reads an ODT package.
pub fn read_odt(bytes: &[u8], budget: &mut Budget) -> Result<Layout, OfficeError> {
    odt::read(&mut Package::open(bytes)?, budget)
}

/// The local name of an element (`w:tbl` → `tbl`): documents differ in their prefixes.
fn local(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// An attribute's value by local name.
fn attr(e: &quick_xml::events::BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| local(a.key.as_ref()) == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// The kinds of open element a reader looks down its stack for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Paragraph,
    Cell,
    Table,
}

/// What a frame of a reader's stack is, for [`Frames`].
trait Marked {
    fn mark(&self) -> Option<Mark>;
}

/// A reader's stack of open elements, with the positions of its paragraphs, cells and
/// tables kept as they open and close: documents nest thousands of elements deep, and
/// looking down the stack for the paragraph of every piece of text would be quadratic.
#[derive(Debug)]
struct Frames<F> {
    frames: Vec<F>,
    /// For each mark, the positions of its open frames, innermost last.
    marks: [Vec<usize>; 3],
}

impl<F: Marked> Frames<F> {
    fn new() -> Frames<F> {
        Frames {
            frames: Vec::new(),
            marks: [Vec::new(), Vec::new(), Vec::new()],
        }
    }

    fn len(&self) -> usize {
        self.frames.len()
    }

    fn push(&mut self, frame: F) {
        if let Some(m) = frame.mark() {
            self.marks[m as usize].push(self.frames.len());
        }
        self.frames.push(frame);
    }

    fn pop(&mut self) -> Option<F> {
        let frame = self.frames.pop()?;
        if let Some(m) = frame.mark() {
            self.marks[m as usize].pop();
        }
        Some(frame)
    }

    fn last(&self) -> Option<&F> {
        self.frames.last()
    }

    fn last_mut(&mut self) -> Option<&mut F> {
        self.frames.last_mut()
    }

    /// The innermost open frame with one of `marks`.
    fn nearest(&mut self, marks: &[Mark]) -> Option<&mut F> {
        let at = marks
            .iter()
            .filter_map(|&m| self.marks[m as usize].last().copied())
            .max()?;
        self.frames.get_mut(at)
    }

    /// How many frames with `mark` are open.
    fn count(&self, mark: Mark) -> usize {
        self.marks[mark as usize].len()
    }
}

/// A reader of one part's XML events. DOCX's body and ODT's content differ in their
/// elements, not in how the events are walked ([`walk`]).
trait PartReader {
    type Frame: Marked;
    /// The frame of an element inside a skipped one.
    const SKIP: Self::Frame;
    fn is_skip(frame: &Self::Frame) -> bool;
    /// The frame an opening tag starts ([`Self::SKIP`] for an element whose content is not
    /// the document's text).
    fn open(&mut self, e: &BytesStart<'_>, stack: &mut Frames<Self::Frame>) -> Self::Frame;
    fn empty(
        &mut self,
        e: &BytesStart<'_>,
        stack: &mut Frames<Self::Frame>,
        at: Src,
    ) -> Result<(), TooLarge>;
    /// Whether character data here is the document's text.
    fn takes_text(&self, stack: &Frames<Self::Frame>) -> bool;
    /// Character data printed on the lines `at` of the part.
    fn text(&mut self, text: &str, stack: &mut Frames<Self::Frame>, at: Src);
    fn close(
        &mut self,
        frame: Self::Frame,
        stack: &mut Frames<Self::Frame>,
    ) -> Result<(), TooLarge>;
}

/// Walks the part `part` through `reader`: elements nested past [`MAX_XML_DEPTH`] are
/// refused, those inside a skipped element passed over (counted, not searched for:
/// documents nest deep), malformed XML reported with its position.
fn walk<R: PartReader>(xml: &[u8], part: &str, reader: &mut R) -> Result<(), OfficeError> {
    let mut events = Reader::from_reader(xml);
    let lines = Lines::new(xml);
    let mut stack: Frames<R::Frame> = Frames::new();
    let mut skipped = 0usize;
    let err = |events: &Reader<&[u8]>, message: String| OfficeError::Xml {
        part: part.into(),
        position: events.buffer_position(),
        message,
    };
    loop {
        let from = events.buffer_position();
        let event = events
            .read_event()
            .map_err(|e| err(&events, e.to_string()))?;
        let to = events.buffer_position();
        let at = || lines.of(from, to);
        let skipping = skipped > 0;
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_XML_DEPTH {
                    return Err(OfficeError::TooDeep { part: part.into() });
                }
                let frame = if skipping {
                    R::SKIP
                } else {
                    reader.open(&e, &mut stack)
                };
                skipped += usize::from(R::is_skip(&frame));
                stack.push(frame);
            }
            Event::Empty(e) if !skipping => reader.empty(&e, &mut stack, at())?,
            Event::Text(t) if !skipping && reader.takes_text(&stack) => {
                let text = t.unescape().map_err(|e| err(&events, e.to_string()))?;
                reader.text(&text, &mut stack, at());
            }
            Event::End(e) => {
                let Some(frame) = stack.pop() else {
                    return Err(err(
                        &events,
                        format!(
                            "unexpected </{}>",
                            String::from_utf8_lossy(e.name().as_ref())
                        ),
                    ));
                };
                if R::is_skip(&frame) {
                    skipped -= 1;
                } else if !skipping {
                    reader.close(frame, &mut stack)?;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// A table under construction: anchor cells with spans, and for DOCX the vertical merges
/// still open (`vMerge` continue cells stretch the anchor above them). Each cell's `src`
/// is the table's number, its row's and its own element's place as written, from 1.
#[derive(Debug, Default)]
struct TableBuilder {
    rows: Vec<Vec<GridCell>>,
    /// For each grid column, the open vertical merge's anchor (row, cell index).
    merges: Vec<Option<(usize, usize)>>,
    /// The grid column the next cell of the current row starts at.
    column: usize,
    /// The table element's place among the document's tables (nested ones counted).
    number: u32,
    /// Row elements so far, and cell elements so far in the current row (cells a span
    /// covers, DOCX `vMerge` continuations and ODT covered cells among them).
    row_elements: u32,
    cell_elements: u32,
}

impl TableBuilder {
    fn new(number: u32) -> TableBuilder {
        TableBuilder {
            number,
            ..TableBuilder::default()
        }
    }

    fn row(&mut self) {
        self.rows.push(Vec::new());
        self.column = 0;
        self.row_elements += 1;
        self.cell_elements = 0;
    }

    /// A cell element that makes no cell of its own (ODT's covered cells).
    fn covered_cell(&mut self) {
        self.cell_elements += 1;
    }

    fn skip_columns(&mut self, n: usize) {
        self.column += n;
    }

    /// Adds a cell; `merge` is DOCX's vMerge (Some(true) restart, Some(false) continue).
    fn cell(&mut self, text: String, col_span: u32, row_span: u32, merge: Option<bool>) {
        self.cells(text, col_span, row_span, merge, 1);
    }

    /// Adds the cells of one cell element written once for `copies` cells (ODT's
    /// `number-columns-repeated`): each copy has that element's `src`.
    fn cells(
        &mut self,
        text: String,
        col_span: u32,
        row_span: u32,
        merge: Option<bool>,
        copies: usize,
    ) {
        if self.rows.is_empty() {
            self.row();
        }
        self.cell_elements += 1;
        let src = Src::Element {
            table: self.number,
            row: self.row_elements,
            cell: self.cell_elements,
        };
        for _ in 0..copies {
            let span = col_span.max(1) as usize;
            let start = self.column;
            self.column += span;
            if self.merges.len() < self.column {
                self.merges.resize(self.column, None);
            }
            if merge == Some(false) {
                if let Some((r, c)) = self.merges[start] {
                    self.rows[r][c].row_span += 1;
                    continue;
                }
            }
            let r = self.rows.len() - 1;
            let c = self.rows[r].len();
            self.rows[r].push(GridCell {
                text: text.as_str().into(),
                row_span: row_span.max(1),
                col_span: span as u32,
                src: Some(src),
            });
            for m in &mut self.merges[start..start + span] {
                *m = (merge == Some(true)).then_some((r, c));
            }
        }
    }

    fn grid(self) -> Grid {
        Grid {
            caption: None,
            rows: self.rows,
        }
    }

    /// The table as text, for a table nested too deep to be a grid.
    fn text(&self) -> String {
        self.rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| c.text.as_str().replace('\n', " "))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The lines of an XML part: text read from a paragraph is "office text read as text",
/// and its `src` is the lines of the part (`word/document.xml`, `content.xml`) it stands on
/// (canonical-xml.md § Provenance).
struct Lines {
    /// Where each line ends: the offset of its `\n`, or of a `\r` not followed by one.
    ends: Vec<usize>,
}

impl Lines {
    fn new(xml: &[u8]) -> Lines {
        // Parts run to megabytes, often on one line: line ends are searched for once.
        let ends = memchr::memchr2_iter(b'\n', b'\r', xml)
            .filter(|&i| xml[i] == b'\n' || xml.get(i + 1) != Some(&b'\n'))
            .collect();
        Lines { ends }
    }

    /// The lines the bytes `from..to` of the part stand on.
    fn of(&self, from: u64, to: u64) -> Src {
        let line = |at: u64| {
            let at = usize::try_from(at).unwrap_or(usize::MAX);
            u32::try_from(self.ends.partition_point(|&e| e < at) + 1).unwrap_or(u32::MAX)
        };
        Src::Lines {
            first: line(from),
            last: line(to.saturating_sub(1).max(from)),
        }
    }
}

/// What a document reader produces as it goes: blocks, and the publication date a
/// paragraph states (`发布日期：…`, dropped itself as chrome). Every paragraph and cell is
/// taken from the budget before it is kept.
#[derive(Debug)]
struct Sink<'b> {
    blocks: Vec<Block>,
    hints: Hints,
    budget: &'b mut Budget,
    /// Table elements opened so far, nested ones counted.
    tables: u32,
}

impl<'b> Sink<'b> {
    fn new(budget: &'b mut Budget) -> Sink<'b> {
        Sink {
            blocks: Vec::new(),
            hints: Hints::default(),
            budget,
            tables: 0,
        }
    }

    /// A table element opened: its builder, numbered in document order.
    fn table(&mut self) -> TableBuilder {
        self.tables += 1;
        TableBuilder::new(self.tables)
    }

    /// A finished body paragraph: through the text reader when it holds several lines
    /// (pipe text flattened into a document), else one paragraph.
    fn paragraph(&mut self, text: &Text) -> Result<(), TooLarge> {
        self.budget.text(text.as_str().len())?;
        if self.hints.published.is_none() {
            self.hints.published = crate::text::chrome::published_date(text.as_str());
        }
        let blocks = crate::readers::text::paragraph(text, self.budget)?;
        self.blocks.extend(blocks);
        Ok(())
    }

    /// Takes `copies` cells of `text`, each spanning `columns` grid columns, from the
    /// budget before they are made (a cell counts once for each column it spans).
    fn cells(&mut self, text: &str, copies: usize, columns: u32) -> Result<(), TooLarge> {
        self.budget
            .cells(copies.saturating_mul(columns.max(1) as usize))?;
        self.budget.text(text.len().saturating_mul(copies))
    }

    fn grid(&mut self, grid: Grid) {
        self.blocks.push(Block::Grid(grid));
    }

    fn layout(self) -> Layout {
        Layout {
            blocks: self.blocks,
            hints: self.hints,
            diagnostics: Vec::new(),
            ocr: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vertical_merges_stretch_their_anchor() {
        let mut t = TableBuilder::default();
        t.row();
        t.cell("三、本年度办理结果".into(), 1, 1, Some(true));
        t.cell("（一）予以公开".into(), 2, 1, None);
        t.row();
        t.cell(String::new(), 1, 1, Some(false));
        t.cell("（二）部分公开".into(), 2, 1, None);
        t.row();
        t.cell("四、结转".into(), 3, 1, None);
        let g = t.grid();
        assert_eq!(g.rows[0][0].row_span, 2);
        assert_eq!(g.rows[1].len(), 1);
        assert_eq!(g.rows[2][0].col_span, 3);
    }
}

//! The content-stream interpreter: runs a page's operations (`operations.rs` reads them) through
//! the text state and the graphics state and records what is drawn — positioned glyphs
//! with their Unicode text, and the straight path segments tables are ruled with.
//!
//! Coordinates leave here in the page's *upright view*: the crop box with `/Rotate`
//! applied, in points, origin top-left, y growing downwards.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::rc::Rc;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::fixed::geometry::Matrix;
use crate::fixed::{self, Baseline, Glyph, Page};

use super::fonts::Font;
use super::{deref, entry, name_of, num, operations};

/// Operations run per page, Form XObjects included: a bound on time for hostile content.
const MAX_OPS: usize = 4_000_000;
const MAX_GLYPHS: usize = 400_000;
const MAX_SEGMENTS: usize = 200_000;
const MAX_FORM_DEPTH: usize = 12;
const MAX_STATE_DEPTH: usize = 512;
/// Images drawn on one page recorded at most (a page tiled with thousands of strips is
/// not read past this, with a note).
pub const MAX_IMAGES: usize = 64;

/// The matrix of a `cm`, `Tm` or `/Matrix`: six finite numbers.
fn matrix_from_operands(doc: &Document, ops: &[Object]) -> Option<Matrix> {
    if ops.len() < 6 {
        return None;
    }
    let mut m = [0.0; 6];
    for (slot, o) in m.iter_mut().zip(ops) {
        *slot = num(doc, o)?;
        if !slot.is_finite() {
            return None;
        }
    }
    Some(Matrix(m))
}

/// The matrix from user space to the upright view of a page: crop box `[llx lly urx
/// ury]`, `/Rotate` degrees clockwise.
pub fn page_view(bbox: [f64; 4], rotate: i64) -> (Matrix, f64, f64) {
    let [llx, lly, urx, ury] = bbox;
    let (w, h) = (urx - llx, ury - lly);
    match rotate.rem_euclid(360) {
        90 => (Matrix([0.0, 1.0, 1.0, 0.0, -lly, -llx]), h, w),
        180 => (Matrix([-1.0, 0.0, 0.0, 1.0, urx, -lly]), w, h),
        270 => (Matrix([0.0, -1.0, -1.0, 0.0, ury, urx]), h, w),
        _ => (Matrix([1.0, 0.0, 0.0, -1.0, -llx, ury]), w, h),
    }
}

/// A subpath's points (with whether the segment ending there is straight) and whether
/// it is closed.
type Subpath = (Vec<(f64, f64, bool)>, bool);

/// What one page draws.
#[derive(Debug, Default)]
pub struct PageContent {
    /// Its glyphs and rulings, for [`crate::fixed`] to lay out.
    pub page: Page,
    /// Fonts with glyphs that had no Unicode: (font name, count).
    pub unmapped: Vec<(String, usize)>,
    /// Fonts whose dictionaries had problems: (font name, what).
    pub font_problems: Vec<(String, String)>,
    /// Other trouble met on the page (limits hit, undecodable streams).
    pub notes: Vec<String>,
    /// A stream of the page decompresses to more than the limit.
    pub too_large: bool,
    /// Radical code points read as the ideographs whose glyphs they name.
    pub radicals: usize,
    /// The image XObjects it draws, for the OCR reader ([`crate::readers::image::pdf`]).
    pub images: Vec<ImageDraw>,
    /// Images drawn past [`MAX_IMAGES`], not recorded.
    pub images_skipped: usize,
    /// Inline images (`BI … EI`) it draws, which are not read.
    pub inline_images: usize,
}

/// An image XObject drawn on a page: the object, and the matrix from the image's unit
/// square to the page's upright view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageDraw {
    pub id: ObjectId,
    pub matrix: Matrix,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    hscale: f64,
    leading: f64,
    rise: f64,
    fill_visible: bool,
    stroke_visible: bool,
}

/// Resource dictionaries in effect, nearest first.
#[derive(Clone)]
struct Resources<'a> {
    dicts: Vec<&'a Dictionary>,
}

impl<'a> Resources<'a> {
    fn lookup(&self, doc: &'a Document, category: &[u8], name: &[u8]) -> Option<&'a Object> {
        self.dicts.iter().find_map(|d| {
            let cat = entry(doc, d, category)?.as_dict().ok()?;
            cat.get(name).ok()
        })
    }
}

/// What the pages of one document share: fonts and Form XObjects decoded so far, and what
/// is left of the document's budgets: content bytes to interpret (a form drawn a million
/// times is interpreted a million times), bytes its streams may decompress to (a stream
/// shown on every page is decompressed for every page; fonts and forms have streams of
/// their own), and glyphs to read. The budgets bound time and memory per document, not
/// only per page or per stream.
pub struct DocState {
    fonts: HashMap<ObjectId, Rc<Font>>,
    forms: HashMap<ObjectId, Rc<Vec<u8>>>,
    budget: usize,
    decompress: usize,
    glyphs: usize,
    /// A budget ran out while more was drawn, and this was noted (once per document).
    noted: bool,
}

impl DocState {
    pub fn new(content_bytes: usize, decompressed_bytes: usize, glyphs: usize) -> DocState {
        DocState {
            fonts: HashMap::new(),
            forms: HashMap::new(),
            budget: content_bytes,
            decompress: decompressed_bytes,
            glyphs,
            noted: false,
        }
    }

    /// Whether a budget ran out: the rest of the document is not read.
    pub fn spent(&self) -> bool {
        self.budget == 0 || self.decompress == 0 || self.glyphs == 0
    }
}

enum PathOp {
    Move(f64, f64),
    Line(f64, f64),
    /// A curve ends here: not a ruling.
    Curve(f64, f64),
    Close,
}

pub struct Interpreter<'a> {
    doc: &'a Document,
    state: &'a mut DocState,
    /// Decompression limit for one stream.
    limit: usize,
    view: Matrix,
    out: PageContent,
    gs: GState,
    stack: Vec<GState>,
    tm: Matrix,
    tlm: Matrix,
    path: Vec<PathOp>,
    ops: usize,
    forms: Vec<ObjectId>,
    unmapped: HashMap<String, usize>,
    problems_seen: Vec<String>,
    limit_hit: bool,
    /// Marked-content sections open, each with its `/ActualText` (None: none, or
    /// already given to the section's first glyph).
    marked: Vec<Option<ActualText>>,
}

/// A marked-content section's replacement text (`/Span <</ActualText (…)>> BDC`): the
/// text of all glyphs shown inside it. Browsers use it where the font's ToUnicode maps a
/// glyph to a look-alike (a Kangxi radical for the ideograph).
#[derive(Debug, Clone)]
struct ActualText {
    text: String,
    given: bool,
}

impl<'a> Interpreter<'a> {
    /// Runs one page.
    pub fn run_page(
        doc: &'a Document,
        page: ObjectId,
        state: &'a mut DocState,
        limit: usize,
    ) -> PageContent {
        let page_dict = doc.get_dictionary(page).ok();
        let bbox = page_box(doc, page_dict);
        let rotate = inherited(doc, page_dict, b"Rotate")
            .and_then(|o| num(doc, o))
            .map(|r| r as i64)
            .unwrap_or(0);
        let (view, width, height) = page_view(bbox, rotate);
        let mut it = Interpreter {
            doc,
            state,
            limit,
            view,
            out: PageContent {
                page: Page {
                    width,
                    height,
                    ..Page::default()
                },
                ..PageContent::default()
            },
            gs: GState {
                ctm: Matrix::IDENTITY,
                font: None,
                size: 0.0,
                char_spacing: 0.0,
                word_spacing: 0.0,
                hscale: 1.0,
                leading: 0.0,
                rise: 0.0,
                fill_visible: true,
                stroke_visible: true,
            },
            stack: Vec::new(),
            tm: Matrix::IDENTITY,
            tlm: Matrix::IDENTITY,
            path: Vec::new(),
            ops: 0,
            forms: Vec::new(),
            unmapped: HashMap::new(),
            problems_seen: Vec::new(),
            limit_hit: false,
            marked: Vec::new(),
        };
        let resources = match doc.get_page_resources(page) {
            Ok((own, ids)) => {
                let mut dicts: Vec<&Dictionary> = own.into_iter().collect();
                dicts.extend(ids.iter().filter_map(|id| doc.get_dictionary(*id).ok()));
                Resources { dicts }
            }
            Err(_) => Resources { dicts: Vec::new() },
        };
        if it.state.spent() {
            it.document_spent();
        } else {
            let stream_limit = it.stream_limit();
            match doc.get_page_content_with_limit(page, stream_limit) {
                Ok(data) => {
                    it.decompressed(data.len());
                    it.run(&data, &resources)
                }
                Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                    ..
                })) if stream_limit < limit => {
                    it.state.decompress = 0;
                    it.document_spent();
                }
                Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                    ..
                })) => {
                    // The work was done up to the limit.
                    it.decompressed(limit);
                    it.out.too_large = true;
                    it.out.notes.push(format!(
                        "its content decompresses to more than {limit} bytes; it was not read"
                    ));
                }
                Err(e) => it
                    .out
                    .notes
                    .push(format!("its content cannot be read ({e})")),
            }
        }
        let mut unmapped: Vec<(String, usize)> = it.unmapped.into_iter().collect();
        unmapped.sort();
        it.out.unmapped = unmapped;
        it.out
    }

    /// The decompression limit for the next stream: the per-stream limit, or what is left
    /// of the document's budget when that is less.
    fn stream_limit(&self) -> usize {
        self.limit.min(self.state.decompress)
    }

    /// Takes `n` decompressed bytes from the document's budget.
    fn decompressed(&mut self, n: usize) {
        self.state.decompress = self.state.decompress.saturating_sub(n);
    }

    /// Notes, once per page, that the page draws more than a page may.
    fn page_limit_hit(&mut self) {
        if !self.limit_hit {
            self.limit_hit = true;
            self.out
                .notes
                .push("it draws more than the reader's limits allow; the rest was skipped".into());
        }
    }

    /// Notes, once per document, that a document-wide budget ran out.
    fn document_spent(&mut self) {
        if !self.state.noted {
            self.state.noted = true;
            self.out.notes.push(
                "the document's content is larger than the reader's limits (content bytes, \
                 decompressed bytes or glyphs per document); the rest was skipped"
                    .into(),
            );
        }
    }

    fn run(&mut self, data: &[u8], res: &Resources<'a>) {
        if data.len() > self.state.budget {
            self.state.budget = 0;
            self.document_spent();
            return;
        }
        self.state.budget -= data.len();
        let broken = operations::each(data, |operator, operands| {
            self.ops += 1;
            // A limit hit mid-page (a string cut at the glyphs a page or the document may
            // have) ends the page: what follows would be read for nothing.
            if self.limit_hit || self.state.noted {
                return ControlFlow::Break(());
            }
            if self.ops > MAX_OPS
                || self.out.page.glyphs.len() > MAX_GLYPHS
                || self.out.page.segments.len() > MAX_SEGMENTS
            {
                self.page_limit_hit();
                return ControlFlow::Break(());
            }
            self.op(operator, operands, res);
            ControlFlow::Continue(())
        });
        if broken {
            self.out
                .notes
                .push("a content stream is damaged; what came before the damage was read".into());
        }
    }

    fn nums(&self, ops: &[Object]) -> Vec<f64> {
        ops.iter()
            .map(|o| num(self.doc, o).filter(|v| v.is_finite()).unwrap_or(0.0))
            .collect()
    }

    fn op(&mut self, operator: &str, ops: &[Object], res: &Resources<'a>) {
        let doc = self.doc;
        match operator {
            "q" if self.stack.len() < MAX_STATE_DEPTH => self.stack.push(self.gs.clone()),
            "Q" => {
                if let Some(g) = self.stack.pop() {
                    self.gs = g;
                }
            }
            "cm" => {
                if let Some(m) = matrix_from_operands(doc, ops) {
                    self.gs.ctm = m.then(&self.gs.ctm);
                }
            }
            "BT" => {
                self.tm = Matrix::IDENTITY;
                self.tlm = Matrix::IDENTITY;
            }
            "ET" => {}
            "Tf" => {
                if let (Some(name), Some(size)) = (
                    ops.first().and_then(|o| o.as_name().ok()),
                    ops.get(1).and_then(|o| num(doc, o)),
                ) {
                    self.gs.font = Some(self.font(res, name));
                    self.gs.size = if size.is_finite() { size } else { 0.0 };
                }
            }
            "Tc" => self.gs.char_spacing = self.nums(ops).first().copied().unwrap_or(0.0),
            "Tw" => self.gs.word_spacing = self.nums(ops).first().copied().unwrap_or(0.0),
            "Tz" => self.gs.hscale = self.nums(ops).first().copied().unwrap_or(100.0) / 100.0,
            "TL" => self.gs.leading = self.nums(ops).first().copied().unwrap_or(0.0),
            "Ts" => self.gs.rise = self.nums(ops).first().copied().unwrap_or(0.0),
            "Td" => {
                let v = self.nums(ops);
                if v.len() >= 2 {
                    self.next_line(v[0], v[1]);
                }
            }
            "TD" => {
                let v = self.nums(ops);
                if v.len() >= 2 {
                    self.gs.leading = -v[1];
                    self.next_line(v[0], v[1]);
                }
            }
            "Tm" => {
                if let Some(m) = matrix_from_operands(doc, ops) {
                    self.tm = m;
                    self.tlm = m;
                }
            }
            "T*" => self.next_line(0.0, -self.gs.leading),
            "Tj" => {
                if let Some(Object::String(s, _)) = ops.first() {
                    self.show(s);
                }
            }
            "'" => {
                self.next_line(0.0, -self.gs.leading);
                if let Some(Object::String(s, _)) = ops.first() {
                    self.show(s);
                }
            }
            "\"" => {
                let v = self.nums(&ops[..ops.len().min(2)]);
                if v.len() == 2 {
                    self.gs.word_spacing = v[0];
                    self.gs.char_spacing = v[1];
                }
                self.next_line(0.0, -self.gs.leading);
                if let Some(Object::String(s, _)) = ops.get(2) {
                    self.show(s);
                }
            }
            "TJ" => {
                if let Some(Object::Array(items)) = ops.first() {
                    for item in items {
                        match item {
                            Object::String(s, _) => self.show(s),
                            o => {
                                if let Some(n) = num(doc, o).filter(|n| n.is_finite()) {
                                    self.kern(n);
                                }
                            }
                        }
                    }
                }
            }
            "Do" => {
                if let Some(name) = ops.first().and_then(|o| o.as_name().ok()) {
                    self.xobject(res, name);
                }
            }
            "BI" => self.out.inline_images += 1,
            // Colours: only whether something is visible on white matters.
            "g" | "rg" | "k" | "sc" | "scn" => {
                self.gs.fill_visible = visible(&self.nums(ops), operator == "k");
            }
            "G" | "RG" | "K" | "SC" | "SCN" => {
                self.gs.stroke_visible = visible(&self.nums(ops), operator == "K");
            }
            "cs" => self.gs.fill_visible = true,
            "CS" => self.gs.stroke_visible = true,
            "BMC" => self.marked.push(None),
            "BDC" => {
                let text = self.actual_text(res, ops.get(1));
                if self.marked.len() < MAX_STATE_DEPTH {
                    self.marked
                        .push(text.map(|text| ActualText { text, given: false }));
                }
            }
            "EMC" => {
                self.marked.pop();
            }
            "m" | "l" | "c" | "v" | "y" | "re" | "h" => self.path_op(operator, ops),
            "S" | "s" => self.paint(operator == "s", false, true),
            "f" | "F" | "f*" => self.paint(false, true, false),
            "B" | "B*" => self.paint(false, true, true),
            "b" | "b*" => self.paint(true, true, true),
            "n" => self.path.clear(),
            _ => {}
        }
    }

    /// The `/ActualText` of a BDC's properties (inline, or named in `/Properties`).
    fn actual_text(&self, res: &Resources<'a>, props: Option<&'a Object>) -> Option<String> {
        let doc = self.doc;
        let dict = match props? {
            Object::Dictionary(d) => d,
            Object::Name(n) => deref(doc, res.lookup(doc, b"Properties", n)?)?
                .as_dict()
                .ok()?,
            _ => return None,
        };
        let bytes = entry(doc, dict, b"ActualText")?.as_str().ok()?;
        Some(text_string(bytes))
    }

    /// The text a glyph shows: the open ActualText for the first glyph inside it (nothing
    /// for the rest), else the font's.
    fn replaced_text(&mut self) -> Option<String> {
        let frame = self.marked.iter_mut().rev().find_map(|m| m.as_mut())?;
        if frame.given {
            Some(String::new())
        } else {
            frame.given = true;
            Some(frame.text.clone())
        }
    }

    fn next_line(&mut self, tx: f64, ty: f64) {
        self.tlm = Matrix::translate(tx, ty).then(&self.tlm);
        self.tm = self.tlm;
    }

    fn kern(&mut self, n: f64) {
        let adj = -n / 1000.0 * self.gs.size;
        let vertical = self.gs.font.as_ref().is_some_and(|f| f.vertical);
        let (tx, ty) = if vertical {
            (0.0, adj)
        } else {
            (adj * self.gs.hscale, 0.0)
        };
        self.tm = Matrix::translate(tx, ty).then(&self.tm);
    }

    fn font(&mut self, res: &Resources<'a>, name: &[u8]) -> Rc<Font> {
        let doc = self.doc;
        let shown = String::from_utf8_lossy(name).into_owned();
        let Some(obj) = res.lookup(doc, b"Font", name) else {
            return Rc::new(Font::unknown(&shown));
        };
        let id = obj.as_reference().ok();
        if let Some(f) = id.and_then(|id| self.state.fonts.get(&id)) {
            return f.clone();
        }
        let font = match deref(doc, obj).and_then(|o| o.as_dict().ok()) {
            Some(d) => {
                let font = Font::load(doc, d, self.stream_limit());
                self.decompressed(font.decompressed);
                Rc::new(font)
            }
            None => Rc::new(Font::unknown(&shown)),
        };
        for p in &font.problems {
            let key = format!("{}\u{0}{p}", font.name);
            if !self.problems_seen.contains(&key) {
                self.problems_seen.push(key);
                self.out.font_problems.push((font.name.clone(), p.clone()));
            }
        }
        if let Some(id) = id {
            self.state.fonts.insert(id, font.clone());
        }
        font
    }

    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.gs.font.clone() else {
            return;
        };
        let gs = self.gs.clone();
        let size = gs.size;
        let th = gs.hscale;
        let device = gs.ctm.then(&self.view);
        // Type 3 glyph space is the font's own: its em comes with the font.
        let em = size * font.em;
        // One string may hold millions of glyphs: decode no more than the page and the
        // document have room for (a code is at most four bytes).
        let page_room = MAX_GLYPHS.saturating_sub(self.out.page.glyphs.len());
        let room = page_room.min(self.state.glyphs);
        let cut = bytes.len() > room.saturating_mul(4);
        let mut glyphs = font.decode(&bytes[..bytes.len().min(room.saturating_mul(4))]);
        let more = cut || glyphs.len() > room;
        glyphs.truncate(room);
        self.state.glyphs -= glyphs.len();
        if more && room < page_room {
            self.state.glyphs = 0;
            self.document_spent();
        } else if more {
            self.page_limit_hit();
        }
        for g in glyphs {
            let spacing = gs.char_spacing + if g.word_space { gs.word_spacing } else { 0.0 };
            let trm = Matrix([size * th, 0.0, 0.0, size, 0.0, gs.rise])
                .then(&self.tm)
                .then(&device);
            let text = match self.replaced_text().or(g.text) {
                Some(t) => self.ideographs(t),
                None => {
                    *self.unmapped.entry(font.name.clone()).or_default() += 1;
                    "\u{FFFD}".to_string()
                }
            };
            let (ox, oy) = trm.apply(0.0, 0.0);
            // The em square's height on the page gives the glyph's size.
            let up = Matrix([th, 0.0, 0.0, 1.0, 0.0, 0.0])
                .then(&self.tm)
                .then(&device)
                .apply_vec(0.0, em);
            let dev_size = (up.0 * up.0 + up.1 * up.1).sqrt();
            if font.vertical {
                let adv = size + spacing;
                self.push_glyph(Glyph::boxed(
                    ox - dev_size / 2.0,
                    ox + dev_size / 2.0,
                    oy + dev_size * 0.88,
                    dev_size,
                    text,
                ));
                self.tm = Matrix::translate(0.0, -adv).then(&self.tm);
                continue;
            }
            let adv = g.width * size + spacing;
            let (ex, ey) = Matrix::translate(g.width * size * th, 0.0)
                .then(&self.tm)
                .then(&device)
                .apply(0.0, 0.0);
            let (sx, sy) = self.tm.then(&device).apply(0.0, 0.0);
            let glyph = Glyph::along(
                Baseline {
                    origin: (ox, oy),
                    advance: (ex - sx, ey - sy),
                    up,
                },
                text,
            );
            self.push_glyph(glyph);
            self.tm = Matrix::translate(adv * th, 0.0).then(&self.tm);
        }
    }

    /// Text with radical code points replaced by the ideographs they stand for.
    fn ideographs(&mut self, text: String) -> String {
        if !text.chars().any(|c| ('\u{2E80}'..='\u{2FDF}').contains(&c)) {
            return text;
        }
        text.chars()
            .map(|c| match super::glyphs::ideograph_of_radical(c) {
                Some(i) => {
                    self.out.radicals += 1;
                    i
                }
                None => c,
            })
            .collect()
    }

    fn push_glyph(&mut self, g: Glyph) {
        let sane = |v: f64| v.is_finite() && v.abs() < 1e6;
        if sane(g.x0) && sane(g.x1) && sane(g.y) && sane(g.size) && g.size > 0.05 {
            self.out.page.glyphs.push(g);
        }
    }

    /// `Do`: a Form XObject is run, an image recorded where it is drawn.
    fn xobject(&mut self, res: &Resources<'a>, name: &[u8]) {
        let doc = self.doc;
        let Some(obj) = res.lookup(doc, b"XObject", name) else {
            return;
        };
        let Ok(id) = obj.as_reference() else {
            return;
        };
        let Some(stream) = doc.get_object(id).ok().and_then(|o| o.as_stream().ok()) else {
            return;
        };
        match stream
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| name_of(doc, o))
        {
            Some("Form") => self.form(id, stream, res),
            Some("Image") if self.out.images.len() < MAX_IMAGES => {
                self.out.images.push(ImageDraw {
                    id,
                    matrix: self.gs.ctm.then(&self.view),
                });
            }
            Some("Image") => self.out.images_skipped += 1,
            _ => {}
        }
    }

    fn form(&mut self, id: ObjectId, stream: &'a lopdf::Stream, res: &Resources<'a>) {
        let doc = self.doc;
        if self.forms.contains(&id) || self.forms.len() >= MAX_FORM_DEPTH {
            self.out.notes.push(format!(
                "Form XObject {} {} R is nested too deeply or draws itself; skipped",
                id.0, id.1
            ));
            return;
        }
        let stream_limit = self.stream_limit();
        let data = match self.state.forms.get(&id) {
            Some(d) => d.clone(),
            None if stream_limit == 0 => {
                self.document_spent();
                return;
            }
            None => match stream.decompressed_content_with_limit(stream_limit) {
                Ok(d) => {
                    self.decompressed(d.len());
                    let d = Rc::new(d);
                    self.state.forms.insert(id, d.clone());
                    d
                }
                Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                    ..
                })) if stream_limit < self.limit => {
                    self.state.decompress = 0;
                    self.document_spent();
                    return;
                }
                Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                    ..
                })) => {
                    self.decompressed(self.limit);
                    self.out.too_large = true;
                    self.out.notes.push(format!(
                        "Form XObject {} {} R decompresses to more than {} bytes; skipped",
                        id.0, id.1, self.limit
                    ));
                    return;
                }
                Err(lopdf::Error::Decompress(_))
                    if stream.filters().map(|f| f.is_empty()).unwrap_or(true) =>
                {
                    Rc::new(stream.content.clone())
                }
                Err(e) => {
                    self.decompressed(super::fonts::tried(stream, stream_limit));
                    self.out.notes.push(format!(
                        "Form XObject {} {} R cannot be decoded ({e}); skipped",
                        id.0, id.1
                    ));
                    return;
                }
            },
        };
        let mut inner = res.clone();
        if let Some(d) = entry(doc, &stream.dict, b"Resources").and_then(|o| o.as_dict().ok()) {
            inner.dicts.insert(0, d);
        }
        let matrix = entry(doc, &stream.dict, b"Matrix")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| matrix_from_operands(doc, a))
            .unwrap_or(Matrix::IDENTITY);
        let saved = self.gs.clone();
        let saved_depth = self.stack.len();
        let (saved_tm, saved_tlm) = (self.tm, self.tlm);
        self.gs.ctm = matrix.then(&self.gs.ctm);
        self.forms.push(id);
        self.run(&data, &inner);
        self.forms.pop();
        self.stack.truncate(saved_depth);
        self.gs = saved;
        self.tm = saved_tm;
        self.tlm = saved_tlm;
        self.path.clear();
    }

    fn path_op(&mut self, operator: &str, ops: &[Object]) {
        if self.path.len() > MAX_SEGMENTS {
            return;
        }
        let v = self.nums(ops);
        let m = self.gs.ctm.then(&self.view);
        let p = |x: f64, y: f64| m.apply(x, y);
        match (operator, v.as_slice()) {
            ("m", [x, y, ..]) => {
                let (x, y) = p(*x, *y);
                self.path.push(PathOp::Move(x, y));
            }
            ("l", [x, y, ..]) => {
                let (x, y) = p(*x, *y);
                self.path.push(PathOp::Line(x, y));
            }
            ("c", [_, _, _, _, x, y, ..]) | ("v" | "y", [_, _, x, y, ..]) => {
                let (x, y) = p(*x, *y);
                self.path.push(PathOp::Curve(x, y));
            }
            ("re", [x, y, w, h, ..]) => {
                let a = p(*x, *y);
                let b = p(x + w, *y);
                let c = p(x + w, y + h);
                let d = p(*x, y + h);
                self.path.push(PathOp::Move(a.0, a.1));
                self.path.push(PathOp::Line(b.0, b.1));
                self.path.push(PathOp::Line(c.0, c.1));
                self.path.push(PathOp::Line(d.0, d.1));
                self.path.push(PathOp::Close);
            }
            ("h", _) => self.path.push(PathOp::Close),
            _ => {}
        }
    }

    /// Paints the current path: stroked straight segments are rulings; a filled thin
    /// rectangle is one too (browsers draw borders so), and a filled larger one gives its
    /// edges (shaded cells), unless it is white or covers the page.
    fn paint(&mut self, close: bool, fill: bool, stroke: bool) {
        let path = std::mem::take(&mut self.path);
        let stroke = stroke && self.gs.stroke_visible;
        let fill = fill && self.gs.fill_visible;
        if !stroke && !fill {
            return;
        }
        // Subpaths as point lists (None marks a curve's end: no ruling through it).
        let mut subpaths: Vec<Subpath> = Vec::new();
        for op in path {
            match op {
                PathOp::Move(x, y) => subpaths.push((vec![(x, y, true)], false)),
                PathOp::Line(x, y) | PathOp::Curve(x, y) => {
                    let straight = matches!(op, PathOp::Line(..));
                    match subpaths.last_mut() {
                        Some((pts, _)) => pts.push((x, y, straight)),
                        None => subpaths.push((vec![(x, y, true)], false)),
                    }
                }
                PathOp::Close => {
                    if let Some((_, closed)) = subpaths.last_mut() {
                        *closed = true;
                    }
                }
            }
        }
        let (pw, ph) = (self.out.page.width, self.out.page.height);
        for (pts, closed) in subpaths {
            for s in fixed::paths::rulings(&pts, closed || close || fill, fill && !stroke, (pw, ph))
            {
                if self.out.page.segments.len() < MAX_SEGMENTS {
                    self.out.page.segments.push(s);
                }
            }
        }
    }
}
/// A PDF text string: UTF-16BE with a byte-order mark, UTF-8 with one, else
/// PDFDocEncoding (Latin-1 is close enough for text that matters here).
fn text_string(b: &[u8]) -> String {
    if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = b.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    b.iter().map(|&c| c as char).collect()
}

/// Whether a colour shows on white paper: anything but (near) white.
fn visible(components: &[f64], cmyk: bool) -> bool {
    match components.len() {
        1 => components[0] < 0.95,
        3 => components.iter().any(|c| *c < 0.95),
        4 if cmyk => components.iter().any(|c| *c > 0.05),
        4 => components.iter().take(3).any(|c| *c < 0.95),
        _ => true,
    }
}

/// A page attribute, looked up the page tree (`/Parent`) when the page does not set it.
fn inherited<'a>(
    doc: &'a Document,
    page: Option<&'a Dictionary>,
    key: &[u8],
) -> Option<&'a Object> {
    let mut node = page?;
    for _ in 0..64 {
        if let Ok(v) = node.get(key) {
            return deref(doc, v);
        }
        node = entry(doc, node, b"Parent")?.as_dict().ok()?;
    }
    None
}

/// The crop box (else the media box, else A4), normalised to `[llx lly urx ury]`.
fn page_box(doc: &Document, page: Option<&Dictionary>) -> [f64; 4] {
    let read = |key: &[u8]| -> Option<[f64; 4]> {
        let a = inherited(doc, page, key)?.as_array().ok()?;
        if a.len() < 4 {
            return None;
        }
        let v: Vec<f64> = a.iter().take(4).filter_map(|o| num(doc, o)).collect();
        if v.len() < 4 || v.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let b = [
            v[0].min(v[2]),
            v[1].min(v[3]),
            v[0].max(v[2]),
            v[1].max(v[3]),
        ];
        (b[2] - b[0] > 1.0 && b[3] - b[1] > 1.0 && b[2] - b[0] < 20_000.0 && b[3] - b[1] < 20_000.0)
            .then_some(b)
    };
    read(b"CropBox")
        .or_else(|| read(b"MediaBox"))
        .unwrap_or([0.0, 0.0, 595.0, 842.0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Stream};

    /// A one-page document (600 × 800) with fonts F1 (Helvetica-like, every code 500
    /// units wide) and F2 (the same with code 65 named /Z), showing `content`.
    fn run(content: &str, extra_font: Option<Dictionary>) -> PageContent {
        run_in(
            content,
            extra_font,
            &mut DocState::new(1 << 30, 1 << 30, 1 << 30),
        )
    }

    /// [`run`], with the document's state (its budgets) given.
    fn run_in(content: &str, extra_font: Option<Dictionary>, state: &mut DocState) -> PageContent {
        let mut doc = Document::with_version("1.7");
        let widths: Vec<Object> = (32..=126).map(|_| Object::Integer(500)).collect();
        let f1 = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "FirstChar" => 32, "Widths" => widths.clone(), "Encoding" => "WinAnsiEncoding",
        });
        let f2 = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Other",
            "FirstChar" => 32, "Widths" => widths,
            "Encoding" => dictionary! { "Differences" => vec![Object::Integer(65), Object::Name(b"Z".to_vec())] },
        });
        let mut fonts = dictionary! { "F1" => f1, "F2" => f2 };
        if let Some(f) = extra_font {
            let f3 = doc.add_object(f);
            fonts.set("F3", f3);
        }
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
        let pages_id = doc.new_object_id();
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 600.into(), 800.into()],
            "Resources" => dictionary! { "Font" => fonts },
            "Contents" => content_id,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        Interpreter::run_page(&doc, page_id, state, 1 << 20)
    }

    #[test]
    fn the_documents_glyph_budget_stops_reading_mid_string() {
        let mut state = DocState::new(1 << 30, 1 << 30, 10);
        let page = "BT /F1 10 Tf 10 10 Td (ABCDEFGH) Tj ET";
        assert_eq!(run_in(page, None, &mut state).page.glyphs.len(), 8);
        let second = run_in(page, None, &mut state);
        assert_eq!(second.page.glyphs.len(), 2);
        assert!(second.notes[0].contains("the document's content is larger"));
        assert!(state.spent());
        // Said once per document, not on every page after.
        let third = run_in(page, None, &mut state);
        assert!(third.page.glyphs.is_empty() && third.notes.is_empty());
    }

    #[test]
    fn the_documents_decompression_budget_is_shared_by_its_pages() {
        let page = "BT /F1 10 Tf 10 10 Td (ABCDEFGH) Tj ET";
        let mut state = DocState::new(1 << 30, 2 * page.len() + 10, 1 << 30);
        assert_eq!(run_in(page, None, &mut state).page.glyphs.len(), 8);
        assert_eq!(run_in(page, None, &mut state).page.glyphs.len(), 8);
        let third = run_in(page, None, &mut state);
        assert!(third.page.glyphs.is_empty());
        assert!(third.notes[0].contains("the document's content is larger"));
        assert!(
            !third.too_large,
            "the document's budget, not the stream's limit"
        );
    }

    fn at(p: &PageContent) -> Vec<(String, f64, f64, f64)> {
        p.page
            .glyphs
            .iter()
            .map(|g| {
                (
                    g.text.clone(),
                    (g.x0 * 100.0).round() / 100.0,
                    (g.y * 100.0).round() / 100.0,
                    (g.size * 100.0).round() / 100.0,
                )
            })
            .collect()
    }

    fn t(s: &str, x: f64, y: f64, size: f64) -> (String, f64, f64, f64) {
        (s.to_string(), x, y, size)
    }

    #[test]
    fn glyphs_advance_by_width_char_spacing_and_horizontal_scale() {
        let p = run("BT /F1 10 Tf 100 700 Td (AB) Tj ET", None);
        assert_eq!(
            at(&p),
            vec![t("A", 100.0, 100.0, 10.0), t("B", 105.0, 100.0, 10.0)]
        );
        // (5 + 2) × 50 %.
        let p = run("BT /F1 10 Tf 2 Tc 50 Tz 100 700 Td (AB) Tj ET", None);
        assert_eq!(at(&p)[1].1, 103.5);
        // Word spacing applies to the single-byte space only.
        let p = run("BT /F1 10 Tf 3 Tw 100 700 Td (A B) Tj ET", None);
        assert_eq!(at(&p)[2], t("B", 113.0, 100.0, 10.0));
        // TJ numbers move back by thousandths of the size: -1000 is one em to the right.
        let p = run(
            "BT /F1 10 Tf 100 700 Td [(A) -1000 (B) 500 (C)] TJ ET",
            None,
        );
        assert_eq!(
            at(&p).iter().map(|g| g.1).collect::<Vec<_>>(),
            vec![100.0, 115.0, 115.0]
        );
        // Rise moves the glyph, not the line.
        let p = run("BT /F1 10 Tf 100 700 Td 3 Ts (A) Tj ET", None);
        assert_eq!(at(&p)[0].2, 97.0);
    }

    #[test]
    fn line_operators_move_to_the_next_line() {
        let p = run(
            "BT /F1 10 Tf 100 700 Td 0 -20 TD (A) Tj T* (B) Tj 14 TL (C) ' 1 2 (D) \" 0 1 -1 0 300 400 Tm (E) Tj ET",
            None,
        );
        let got: Vec<(String, f64, f64)> = at(&p).into_iter().map(|g| (g.0, g.1, g.2)).collect();
        assert_eq!(
            got,
            vec![
                ("A".into(), 100.0, 120.0),
                ("B".into(), 100.0, 140.0),
                ("C".into(), 100.0, 154.0),
                ("D".into(), 100.0, 168.0),
                ("E".into(), 291.5, 401.0),
            ]
        );
        // E's text matrix turns it a quarter (reading upwards): not upright; its box is an
        // upright em square around the glyph's middle, left of its baseline at x = 300.
        assert!(!p.page.glyphs[4].upright() && p.page.glyphs[0].upright());
    }

    #[test]
    fn the_ctm_scales_and_q_restores_it_and_the_font() {
        let p = run(
            "q 2 0 0 2 0 0 cm BT /F1 10 Tf 50 350 Td (A) Tj ET Q BT /F1 10 Tf 10 10 Td (B) Tj ET",
            None,
        );
        assert_eq!(
            at(&p),
            vec![t("A", 100.0, 100.0, 20.0), t("B", 10.0, 790.0, 10.0)]
        );
        // A font chosen inside q … Q is forgotten at Q: A is shown with F1 again.
        let p = run(
            "BT /F1 10 Tf ET q BT /F2 10 Tf 5 5 Td (A) Tj ET Q BT 10 10 Td (A) Tj ET",
            None,
        );
        let texts: Vec<&str> = p.page.glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, vec!["Z", "A"]);
    }

    #[test]
    fn vertical_fonts_stack_glyphs_downwards() {
        let font = dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "STSong-Light",
            "Encoding" => "UniGB-UCS2-V",
            "DescendantFonts" => vec![Object::Dictionary(dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "STSong-Light",
                "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("GB1"), "Supplement" => 4 },
            })],
        };
        let p = run("BT /F3 10 Tf 100 700 Td <4E2D56FD> Tj ET", Some(font));
        let texts: Vec<&str> = p.page.glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, vec!["中", "国"]);
        assert_eq!(p.page.glyphs[0].x0, p.page.glyphs[1].x0);
        assert!((p.page.glyphs[1].y - p.page.glyphs[0].y - 10.0).abs() < 1e-9);
    }

    #[test]
    fn type3_glyph_space_is_the_fonts_own() {
        // cairo's Type 3 fonts: glyph space in ems, flipped; Chromium's: thousandths.
        for (matrix, bbox, width) in [
            ([1.0, 0.0, 0.0, -1.0], [0.0, -0.86, 1.0, 0.11], 1.0),
            (
                [0.001, 0.0, 0.0, -0.001],
                [7.0, 136.0, 996.0, -896.0],
                1000.0,
            ),
        ] {
            let num = |v: f64| Object::Real(v as f32);
            let font = dictionary! {
                "Type" => "Font", "Subtype" => "Type3",
                "FontMatrix" => vec![num(matrix[0]), num(matrix[1]), num(matrix[2]), num(matrix[3]), 0.into(), 0.into()],
                "FontBBox" => bbox.iter().map(|v| num(*v)).collect::<Vec<Object>>(),
                "FirstChar" => 65, "Widths" => vec![num(width), num(width)],
                "Encoding" => dictionary! { "Differences" => vec![Object::Integer(65), Object::Name(b"A".to_vec()), Object::Name(b"B".to_vec())] },
                "CharProcs" => dictionary! {}, "Resources" => dictionary! {},
            };
            let p = run("BT /F3 8 Tf 100 700 Td (AB) Tj ET", Some(font));
            let g = at(&p);
            assert_eq!(
                (g[0].0.as_str(), g[0].1, g[1].1),
                ("A", 100.0, 108.0),
                "{matrix:?}"
            );
            assert!((7.0..9.0).contains(&g[0].3), "{matrix:?}: em {}", g[0].3);
        }
    }

    #[test]
    fn actual_text_replaces_the_glyphs_it_covers() {
        let p = run(
            "BT /F1 10 Tf 100 700 Td /Span << /ActualText <FEFF4EBA> >> BDC (AB) Tj EMC (C) Tj ET",
            None,
        );
        let texts: Vec<&str> = p.page.glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, vec!["人", "", "C"]);
    }

    #[test]
    fn paths_give_rulings() {
        let p = run(
            "0 0 0 RG 10 10 m 200 10 l S 1 1 1 rg 0 0 600 800 re f 0 0 0 rg 10 20 190 0.5 re f 50 50 100 100 re n",
            None,
        );
        // The stroked line, and the thin filled rectangle as a line; not the white page
        // background nor the unpainted path.
        assert_eq!(p.page.segments.len(), 2);
        assert!(p.page.segments.iter().all(|s| (s.y0 - s.y1).abs() < 1e-9));
    }

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
    }

    #[test]
    fn matrices_compose_in_pdf_order() {
        let scale = Matrix([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
        let shift = Matrix::translate(10.0, 5.0);
        // Scale then shift: (1,1) → (2,2) → (12,7).
        assert!(close(scale.then(&shift).apply(1.0, 1.0), (12.0, 7.0)));
        // Shift then scale: (1,1) → (11,6) → (22,12).
        assert!(close(shift.then(&scale).apply(1.0, 1.0), (22.0, 12.0)));
    }

    #[test]
    fn page_views_put_the_displayed_top_left_at_the_origin() {
        let bbox = [0.0, 0.0, 600.0, 800.0];
        let (m, w, h) = page_view(bbox, 0);
        assert_eq!((w, h), (600.0, 800.0));
        assert!(close(m.apply(0.0, 800.0), (0.0, 0.0)));
        // Rotated 90° clockwise: user space's bottom-left is shown top-left, its top-left
        // top-right.
        let (m, w, h) = page_view(bbox, 90);
        assert_eq!((w, h), (800.0, 600.0));
        assert!(close(m.apply(0.0, 0.0), (0.0, 0.0)));
        assert!(close(m.apply(0.0, 800.0), (800.0, 0.0)));
        let (m, _, _) = page_view(bbox, 180);
        assert!(close(m.apply(600.0, 0.0), (0.0, 0.0)));
        let (m, _, _) = page_view(bbox, 270);
        assert!(close(m.apply(600.0, 800.0), (0.0, 0.0)));
        assert!(close(m.apply(0.0, 800.0), (0.0, 600.0)));
    }

    #[test]
    fn text_state_advances_glyphs() {
        // Td/TD/T* and TJ kerning on the text matrices.
        let mut tlm = Matrix::IDENTITY;
        tlm = Matrix::translate(72.0, 700.0).then(&tlm);
        let tm = Matrix::translate(0.0, -14.0).then(&tlm);
        assert!(close(tm.apply(0.0, 0.0), (72.0, 686.0)));
        // A 12 pt glyph 1000 units wide with Tc 1 and Tz 50: advance (12 + 1) × 0.5.
        let (size, tc, th) = (12.0, 1.0, 0.5);
        let adv = (1.0 * size + tc) * th;
        let next = Matrix::translate(adv, 0.0).then(&tm);
        assert!(close(next.apply(0.0, 0.0), (78.5, 686.0)));
        // TJ -500 moves right half an em, scaled by Tz.
        let kern = -(-500.0) / 1000.0 * size * th;
        assert!(close(
            Matrix::translate(kern, 0.0).then(&next).apply(0.0, 0.0),
            (81.5, 686.0)
        ));
    }

    #[test]
    fn colours_that_show_on_white_paper() {
        assert!(!visible(&[1.0], false));
        assert!(visible(&[0.0, 0.0, 0.0], false));
        assert!(!visible(&[0.0, 0.0, 0.0, 0.0], true));
    }
}

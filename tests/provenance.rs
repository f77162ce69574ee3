//! Every cell says where it was printed (`src`, canonical-xml.md § Provenance), and the
//! printed value is found there, looked up in the input without the tool's readers:
//!
//! - lines (`L12`, `L12-14`): the input's decoded text split at `\r\n`, `\n` and `\r` (the
//!   part's XML for DOCX and ODT text), its markup taken out, holds the value's digits on
//!   those lines;
//! - a table element (`T3R5C2`): the cell element found by counting table, row and cell
//!   elements in the file (scraper for HTML, the XML of DOCX and ODT) holds the value;
//! - a page box (`p2 x0 y0 x1 y1`): the words `pdftotext -bbox` (poppler) gives on that page
//!   whose middles lie inside the box spell the value; OFD fixtures are checked against the
//!   PDF they were written from (tests/data/ofd/README.md).
//!
//! Checked: every golden case (its reviewed expected.xml, which tests/golden.rs keeps equal
//! to what the tool writes), the readable OFD fixtures of tests/data/ofd, and the real-page
//! excerpts of tests/data/real-pages. A blank cell is checked too where its place can show
//! it (an empty or `-` cell element, no word inside its box). pdftotext must be installed
//! (`apt-get install poppler-utils`; scripts/test does): without it the test fails.

mod util;

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gongkai::model::{CellContent, Rect, Report, Src, Table};
use regex::Regex;
use unicode_normalization::UnicodeNormalization;
use util::{cases, input_of, root};

/// What a cell's place is checked against, per input.
enum Source {
    /// Decoded text (plain text, markdown, HTML), or the XML of an office part.
    Lines { text: String, markup: bool },
    /// The cells of table elements: (table, row, cell) → their text.
    Elements(HashMap<(u32, u32, u32), String>),
    /// The words of a PDF's pages (page → words).
    Words(BTreeMap<u32, Vec<Word>>),
}

#[derive(Debug, Clone)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

/// NFKC, without white space and thousands separators: how a printed value and the text
/// around it are compared.
fn squeezed(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect()
}

/// The characters a printed-empty cell may hold (canonical-xml.md: blank).
fn is_blank_mark(s: &str) -> bool {
    s.chars().all(|c| matches!(c, '-' | '—' | '–' | '/' | '无'))
}

fn decoded(bytes: &[u8]) -> String {
    gongkai::input::decode(bytes, None).unwrap().text
}

/// A part of a zip package, as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut out).unwrap();
    out
}

/// The lines of a text: `\r\n`, `\n` and `\r` each end one.
fn lines_of(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                out.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&text[start..]);
    out
}

/// Markup taken out of (part of) an HTML or XML text: tags, and character references as
/// the characters they stand for.
fn without_markup(text: &str) -> String {
    static TAG: OnceLock<Regex> = OnceLock::new();
    let tag = TAG.get_or_init(|| Regex::new(r"<[^>]*>|^[^<]*>").unwrap());
    let text = tag.replace_all(text, "");
    text.replace("&nbsp;", " ")
        .replace("&#160;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Each HTML `<table>` in document order (nested ones counted), its row elements (in the
/// table or its row groups), their `td`/`th` elements: 1-based, with their text.
fn html_elements(html: &str) -> HashMap<(u32, u32, u32), String> {
    let doc = scraper::Html::parse_document(html);
    let table_selector = scraper::Selector::parse("table").unwrap();
    let mut out = HashMap::new();
    for (table, t) in doc.select(&table_selector).zip(1u32..) {
        let named = |e: &scraper::ElementRef<'_>, names: &[&str]| names.contains(&e.value().name());
        let rows = table
            .child_elements()
            .flat_map(|c| {
                if named(&c, &["thead", "tbody", "tfoot"]) {
                    c.child_elements().filter(|r| named(r, &["tr"])).collect()
                } else if named(&c, &["tr"]) {
                    vec![c]
                } else {
                    Vec::new()
                }
            })
            .collect::<Vec<_>>();
        for (row, r) in rows.iter().zip(1u32..) {
            for (cell, c) in row
                .child_elements()
                .filter(|c| named(c, &["td", "th"]))
                .zip(1u32..)
            {
                out.insert((t, r, c), cell.text().collect::<String>());
            }
        }
    }
    out
}

/// The table, row and cell elements of an office part (`tbl`/`tr`/`tc` for DOCX,
/// `table`/`table-row`/`table-cell` and `covered-table-cell` for ODT), with the text of
/// each cell (a nested table's text is its cell's too).
fn office_elements(
    xml: &str,
    names: [&[&[u8]]; 3],
    text_in: &[u8],
) -> HashMap<(u32, u32, u32), String> {
    use quick_xml::events::Event;
    let local = |n: &[u8]| -> Vec<u8> { n.rsplit(|&b| b == b':').next().unwrap_or(n).to_vec() };
    let [tables, rows, cells] = names;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out: HashMap<(u32, u32, u32), String> = HashMap::new();
    // Open tables: (number, rows so far, cells so far in the row); open cells; open texts.
    let mut open: Vec<(u32, u32, u32)> = Vec::new();
    let mut open_cells: Vec<(u32, u32, u32)> = Vec::new();
    let mut count = 0u32;
    let mut in_text = 0usize;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let name = local(e.name().as_ref());
                if tables.contains(&name.as_slice()) {
                    count += 1;
                    open.push((count, 0, 0));
                } else if rows.contains(&name.as_slice()) {
                    if let Some(t) = open.last_mut() {
                        t.1 += 1;
                        t.2 = 0;
                    }
                } else if cells.contains(&name.as_slice()) {
                    if let Some(t) = open.last_mut() {
                        t.2 += 1;
                        open_cells.push(*t);
                        out.entry(*t).or_default();
                    }
                } else if name == text_in {
                    in_text += 1;
                }
            }
            Event::Empty(e) => {
                let name = local(e.name().as_ref());
                if cells.contains(&name.as_slice()) {
                    if let Some(t) = open.last_mut() {
                        t.2 += 1;
                        out.entry(*t).or_default();
                    }
                }
            }
            Event::End(e) => {
                let name = local(e.name().as_ref());
                if tables.contains(&name.as_slice()) {
                    open.pop();
                } else if cells.contains(&name.as_slice()) {
                    open_cells.pop();
                } else if name == text_in {
                    in_text -= 1;
                }
            }
            Event::Text(t) if in_text > 0 => {
                let text = t.unescape().unwrap();
                for cell in &open_cells {
                    out.entry(*cell).or_default().push_str(&text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The words `pdftotext -bbox` gives for each page of a PDF.
fn pdf_words(pdf: &Path) -> BTreeMap<u32, Vec<Word>> {
    let out = std::process::Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("pdftotext is needed to check PDF sources (apt-get install poppler-utils): {e}")
        });
    assert!(
        out.status.success(),
        "pdftotext {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let html = String::from_utf8(out.stdout).unwrap();
    let word = Regex::new(
        r#"<word xMin="([0-9.\-]+)" yMin="([0-9.\-]+)" xMax="([0-9.\-]+)" yMax="([0-9.\-]+)">([^<]*)</word>"#,
    )
    .unwrap();
    let mut pages = BTreeMap::new();
    for (chunk, page) in html.split("<page ").skip(1).zip(1u32..) {
        let words = word
            .captures_iter(chunk)
            .map(|c| Word {
                x0: c[1].parse().unwrap(),
                y0: c[2].parse().unwrap(),
                x1: c[3].parse().unwrap(),
                y1: c[4].parse().unwrap(),
                text: without_markup(&c[5]),
            })
            .collect();
        pages.insert(page, words);
    }
    pages
}

/// The PDF an OFD fixture was written from (tests/data/ofd/README.md).
fn pdf_of_ofd(name: &str) -> PathBuf {
    let case = if name.starts_with("shanghai-2019") {
        "shanghai-2019-pdf-libreoffice"
    } else if name.starts_with("synthetic-2024") {
        "synthetic-2024-pdf-ucs2"
    } else {
        panic!("{name}: no source PDF known for this OFD fixture")
    };
    root().join("golden").join(case).join("input.pdf")
}

/// What an input's cell places are checked against.
fn source_of(input: &Path, name: &str) -> Source {
    let bytes = std::fs::read(input).unwrap();
    let ext = input.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext {
        "pdf" => Source::Words(pdf_words(input)),
        "ofd" => Source::Words(pdf_words(&pdf_of_ofd(name))),
        "docx" => Source::Elements(office_elements(
            &part(&bytes, "word/document.xml"),
            [&[b"tbl"], &[b"tr"], &[b"tc"]],
            b"t",
        )),
        "odt" => Source::Elements(office_elements(
            &part(&bytes, "content.xml"),
            [
                &[b"table"],
                &[b"table-row"],
                &[b"table-cell", b"covered-table-cell"],
            ],
            b"p",
        )),
        "html" => {
            let text = decoded(&bytes);
            Source::Lines { text, markup: true }
        }
        _ => Source::Lines {
            text: decoded(&bytes),
            markup: false,
        },
    }
}

/// Office and HTML inputs are read both ways: their table cells as elements, their
/// paragraphs as lines.
fn lines_source(input: &Path) -> Option<Source> {
    let bytes = std::fs::read(input).unwrap();
    match input.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "docx" => Some(Source::Lines {
            text: part(&bytes, "word/document.xml"),
            markup: true,
        }),
        "odt" => Some(Source::Lines {
            text: part(&bytes, "content.xml"),
            markup: true,
        }),
        "html" => Some(Source::Elements(html_elements(&decoded(&bytes)))),
        _ => None,
    }
}

/// A checked cell that failed, with why.
#[derive(Debug, Default)]
struct Tally {
    valued: usize,
    found: usize,
    blanks: usize,
    blanks_shown: usize,
    forms: BTreeMap<&'static str, usize>,
    /// Line ranges longer than one line that a line fewer would still hold.
    loose: Vec<String>,
    /// Per form: values checked again at the place next to theirs (the next line, the
    /// next cell element, their box moved down by its height), and how many are found
    /// there too: how little a place found by chance would pass.
    moved: BTreeMap<&'static str, (usize, usize)>,
    ambiguous: usize,
    failures: Vec<String>,
}

impl Tally {
    fn fail(&mut self, what: String) {
        self.failures.push(what);
    }
}

/// Checks every cell of one report against its input.
fn check(name: &str, report: &Report, input: &Path, tally: &mut Tally) {
    let primary = source_of(input, name);
    let secondary = lines_source(input);
    for table in &report.tables {
        let Table::Standard(t) = table else { continue };
        for row in &t.rows {
            for cell in &row.cells {
                let at = format!("{name}: {}/{}", row.id, cell.col);
                if cell.content == CellContent::Missing {
                    if let Some(src) = cell.src {
                        tally.fail(format!("{at}: missing, yet src {src}"));
                    }
                    continue;
                }
                let Some(src) = cell.src else {
                    tally.fail(format!("{at}: {:?} without src", cell.content));
                    continue;
                };
                let source = match (&src, &primary, &secondary) {
                    (Src::Lines { .. }, Source::Lines { .. }, _)
                    | (Src::Element { .. }, Source::Elements(_), _)
                    | (Src::Area { .. }, Source::Words(_), _) => &primary,
                    (_, _, Some(s)) => s,
                    _ => {
                        tally.fail(format!("{at}: src {src} is no form this input has"));
                        continue;
                    }
                };
                match &cell.content {
                    CellContent::Value(v) => {
                        tally.valued += 1;
                        let printed = squeezed(cell.raw.as_deref().unwrap_or(v));
                        match holds(source, src, &printed) {
                            Ok(form) => {
                                tally.found += 1;
                                *tally.forms.entry(form).or_default() += 1;
                                let moved = tally.moved.entry(form).or_default();
                                moved.0 += 1;
                                moved.1 +=
                                    usize::from(holds(source, next_to(src), &printed).is_ok());
                                if let Some(loose) = looser(source, src, &printed) {
                                    tally.loose.push(format!("{at}: {src} ({loose})"));
                                }
                            }
                            Err(why) => tally.fail(format!("{at} = {v} at {src}: {why}")),
                        }
                    }
                    CellContent::Blank => {
                        tally.blanks += 1;
                        match shows_blank(source, src) {
                            Some(Ok(())) => tally.blanks_shown += 1,
                            Some(Err(why)) => tally.fail(format!("{at} blank at {src}: {why}")),
                            None => {}
                        }
                    }
                    CellContent::Ambiguous(candidates) => {
                        tally.ambiguous += 1;
                        for c in candidates {
                            if let Err(why) = contains(source, src, &squeezed(c)) {
                                tally.fail(format!("{at} candidate {c} at {src}: {why}"));
                            }
                        }
                    }
                    CellContent::Missing => {}
                }
            }
        }
    }
}

/// The place next to a cell's: the next line, the next cell element, the box one box
/// height further down.
fn next_to(src: Src) -> Src {
    match src {
        Src::Lines { first, last } => Src::Lines {
            first: last + 1,
            last: last + 1 + (last - first),
        },
        Src::Element { table, row, cell } => Src::Element {
            table,
            row,
            cell: cell + 1,
        },
        Src::Area { page, area } => {
            let h = area.y1 - area.y0;
            Src::Area {
                page,
                area: Rect {
                    y0: area.y0 + h,
                    y1: area.y1 + h,
                    ..area
                },
            }
        }
    }
}

/// Whether the place holds a candidate's digits among what is printed there (an
/// ambiguous cell's place is the run its candidates were cut from).
fn contains(source: &Source, src: Src, digits: &str) -> Result<(), String> {
    let there = match (source, src) {
        (Source::Lines { text, markup }, Src::Lines { first, last }) => {
            line_range(text, *markup, first, last)?
        }
        (Source::Elements(cells), Src::Element { table, row, cell }) => cells
            .get(&(table, row, cell))
            .map(|t| squeezed(t))
            .ok_or_else(|| "no such cell element".to_string())?,
        (Source::Words(pages), Src::Area { page, area }) => {
            squeezed(&words_inside(pages, page, area)?)
        }
        _ => return Err("src of another form".into()),
    };
    there
        .contains(digits)
        .then_some(())
        .ok_or_else(|| format!("it holds {there:?}"))
}

/// Whether the place holds the printed value; the form of the place when it does.
fn holds(source: &Source, src: Src, printed: &str) -> Result<&'static str, String> {
    match (source, src) {
        (Source::Lines { text, markup }, Src::Lines { first, last }) => {
            let there = line_range(text, *markup, first, last)?;
            there
                .contains(printed)
                .then_some("lines")
                .ok_or_else(|| format!("lines hold {there:?}"))
        }
        (Source::Elements(cells), Src::Element { table, row, cell }) => {
            let text = cells
                .get(&(table, row, cell))
                .ok_or_else(|| "no such cell element".to_string())?;
            squeezed(text)
                .contains(printed)
                .then_some("table element")
                .ok_or_else(|| format!("the cell element holds {text:?}"))
        }
        (Source::Words(pages), Src::Area { page, area }) => {
            let inside = words_inside(pages, page, area)?;
            (squeezed(&inside) == printed)
                .then_some("page box")
                .ok_or_else(|| format!("the words inside spell {inside:?}"))
        }
        _ => Err("src of another form".into()),
    }
}

/// Lines `first..=last` of a text, markup out, squeezed.
fn line_range(text: &str, markup: bool, first: u32, last: u32) -> Result<String, String> {
    let lines = lines_of(text);
    if first == 0 || last as usize > lines.len() || first > last {
        return Err(format!("the input has {} lines", lines.len()));
    }
    let joined = lines[first as usize - 1..last as usize].join("\n");
    Ok(squeezed(&if markup {
        without_markup(&joined)
    } else {
        joined
    }))
}

/// For a range of lines, what a line fewer at either end would still hold (the range is
/// then wider than the value).
fn looser(source: &Source, src: Src, printed: &str) -> Option<&'static str> {
    let (Source::Lines { text, markup }, Src::Lines { first, last }) = (source, src) else {
        return None;
    };
    if first == last {
        return None;
    }
    let holds = |a, b| line_range(text, *markup, a, b).is_ok_and(|t| t.contains(printed));
    if holds(first + 1, last) {
        Some("without its first line")
    } else if holds(first, last - 1) {
        Some("without its last line")
    } else {
        None
    }
}

/// The words on a page whose middles lie inside a box (half a point of slack), in reading
/// order.
fn words_inside(pages: &BTreeMap<u32, Vec<Word>>, page: u32, area: Rect) -> Result<String, String> {
    let words = pages
        .get(&page)
        .ok_or_else(|| format!("the PDF has no page {page}"))?;
    let (x0, y0, x1, y1) = (
        f64::from(area.x0) / 10.0 - 0.5,
        f64::from(area.y0) / 10.0 - 0.5,
        f64::from(area.x1) / 10.0 + 0.5,
        f64::from(area.y1) / 10.0 + 0.5,
    );
    let mut inside: Vec<&Word> = words
        .iter()
        .filter(|w| {
            let (cx, cy) = ((w.x0 + w.x1) / 2.0, (w.y0 + w.y1) / 2.0);
            x0 <= cx && cx <= x1 && y0 <= cy && cy <= y1
        })
        .collect();
    // Lines top to bottom (a word is on a line when its middle is within half its height
    // of the line's first word's: fonts mixed on one line have different tops), each left
    // to right.
    let middle = |w: &Word| (w.y0 + w.y1) / 2.0;
    inside.sort_by(|a, b| middle(a).total_cmp(&middle(b)));
    let mut lines: Vec<Vec<&Word>> = Vec::new();
    for w in inside {
        match lines.last_mut() {
            Some(line) if (middle(w) - middle(line[0])).abs() < (w.y1 - w.y0) / 2.0 => line.push(w),
            _ => lines.push(vec![w]),
        }
    }
    Ok(lines
        .into_iter()
        .flat_map(|mut line| {
            line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            line
        })
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" "))
}

/// Whether a blank cell's place shows it empty; None where the place cannot tell (lines
/// hold the row's other cells too).
fn shows_blank(source: &Source, src: Src) -> Option<Result<(), String>> {
    let there = match (source, src) {
        (Source::Elements(cells), Src::Element { table, row, cell }) => {
            cells.get(&(table, row, cell)).map(|t| squeezed(t))
        }
        (Source::Words(pages), Src::Area { page, area }) => {
            words_inside(pages, page, area).ok().map(|t| squeezed(&t))
        }
        _ => return None,
    };
    Some(match there {
        Some(t) if is_blank_mark(&t) => Ok(()),
        Some(t) => Err(format!("it holds {t:?}")),
        None => Err("no such place".into()),
    })
}

fn report_of(input: &Path) -> Report {
    let input =
        gongkai::input::Input::from_path(input, gongkai::input::DEFAULT_MAX_INPUT_BYTES).unwrap();
    gongkai::extract(&input, &gongkai::ExtractOptions::default()).unwrap()
}

#[test]
fn every_value_is_found_where_its_src_says_it_was_printed() {
    let mut tally = Tally::default();
    let mut inputs = 0;
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let report =
            gongkai::writers::xml::from_bytes(&std::fs::read(case.join("expected.xml")).unwrap())
                .unwrap();
        check(&name, &report, &input_of(&case), &mut tally);
        inputs += 1;
    }
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root().join("tests/data/ofd"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ofd"))
        .filter(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy();
            !stem.starts_with("damaged-") && !stem.ends_with("-scan")
        })
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 7, "{fixtures:?}");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(root().join("tests/data/real-pages"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    pages.sort();
    for input in fixtures.iter().chain(&pages) {
        let name = input.file_stem().unwrap().to_string_lossy().into_owned();
        check(&name, &report_of(input), input, &mut tally);
        inputs += 1;
    }
    let share = 100.0 * tally.found as f64 / tally.valued.max(1) as f64;
    eprintln!(
        "provenance: {} of {} valued cells in {inputs} inputs found at their src ({share:.1}%): {:?}; \
         {} of {} blank cells shown empty where their place can show it; {} ambiguous cells' \
         candidates all at theirs; {} line ranges wider than their value; found at the place \
         next to theirs (found, of): {:?}",
        tally.found,
        tally.valued,
        tally.forms,
        tally.blanks_shown,
        tally.blanks,
        tally.ambiguous,
        tally.loose.len(),
        tally.moved,
    );
    // A place is no place found by chance: next to it, a page box or a cell element
    // rarely holds the same value (a line does more often: rows of zeros).
    for form in ["page box", "table element"] {
        let (of, found) = tally.moved.get(form).copied().unwrap_or_default();
        assert!(
            of > 100 && found * 3 < of,
            "{form}: {found} of {of} found next to their place"
        );
    }
    assert!(tally.valued > 5000, "{}", tally.valued);
    assert!(
        tally.failures.is_empty(),
        "{} cell(s) not found where their src says:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
    assert!(
        tally.loose.is_empty(),
        "line ranges wider than their value:\n{}",
        tally.loose.join("\n")
    );
}

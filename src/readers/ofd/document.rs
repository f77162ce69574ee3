//! The document's structure: `OFD.xml` → `DocRoot` → `Document.xml` (page area, resource
//! files, template pages, pages) → each page drawn with its templates; signatures.

use std::collections::HashMap;
use std::rc::Rc;

use super::content::{Canvas, Media, Resources, Tally};
use super::package::{resolve, resolve_in, Parts, OFD_XML};
use super::tree::Element;
use super::{
    signature, OfdDocument, OfdError, OfdFont, OfdGlyph, OfdImage, OfdPage, MAX_GLYPHS, MAX_PAGES,
    MAX_SHAPES,
};
use crate::fixed::Segment;
use crate::model::{Diagnostic, Level};

/// The namespace of GB/T 33190-2016.
pub const NAMESPACE: &str = "http://www.ofdspec.org/2016";

pub fn read(parts: &mut Parts<'_>) -> Result<OfdDocument, OfdError> {
    if !parts.has(OFD_XML) {
        return Err(OfdError::NotOfd);
    }
    let ofd = parts.xml(OFD_XML, "the package's root")?;
    let structure = |part: &str, what: String| OfdError::Structure {
        part: part.to_string(),
        what,
    };
    if ofd.root.name != "OFD" {
        return Err(structure(
            OFD_XML,
            format!("its root element is <{}>, not <OFD>", ofd.root.name),
        ));
    }
    let mut doc = OfdDocument::default();
    if ofd.namespace.as_deref() != Some(NAMESPACE) {
        doc.diagnostics.push(Diagnostic::new(
            Level::Warning,
            "ofd-namespace",
            "input",
            format!(
                "OFD.xml is in {}, not in {NAMESPACE} (GB/T 33190-2016): read by element names all the same",
                ofd.namespace.as_deref().map_or("no namespace".to_string(), |n| format!("the namespace {n}"))
            ),
        ));
    }
    let mut bodies = ofd.root.children("DocBody");
    let body = bodies
        .next()
        .ok_or_else(|| structure(OFD_XML, "no DocBody".into()))?;
    let more = bodies.count();
    if more > 0 {
        doc.diagnostics.push(Diagnostic::new(
            Level::Warning,
            "ofd-documents-skipped",
            "input",
            format!(
                "OFD.xml holds {} documents; only the first was read",
                more + 1
            ),
        ));
    }
    doc.title = body
        .child("DocInfo")
        .and_then(|i| i.child_text("Title"))
        .map(str::to_string);
    let root = body
        .child_text("DocRoot")
        .ok_or_else(|| structure(OFD_XML, "its DocBody has no DocRoot".into()))?;
    let by = "DocRoot in OFD.xml";
    let doc_entry = resolve(OFD_XML, root, by)?;
    let document = parts.xml(&doc_entry, by)?;
    read_document(parts, &doc_entry, &document.root, &mut doc)?;
    if let Some(list) = body.child_text("Signatures") {
        signatures(parts, list, &mut doc)?;
    }
    Ok(doc)
}

fn read_document(
    parts: &mut Parts<'_>,
    doc_entry: &str,
    document: &Element,
    doc: &mut OfdDocument,
) -> Result<(), OfdError> {
    let structure = |part: &str, what: &str| OfdError::Structure {
        part: part.to_string(),
        what: what.to_string(),
    };
    let common = document
        .child("CommonData")
        .ok_or_else(|| structure(doc_entry, "no CommonData"))?;
    let page_area = common.child("PageArea").and_then(physical_box);
    let mut resources = Resources::default();
    for res in common
        .children
        .iter()
        .filter(|c| c.name == "PublicRes" || c.name == "DocumentRes")
    {
        let by = format!("{} in {doc_entry}", res.name);
        let entry = resolve(doc_entry, &res.text, &by)?;
        load_resources(parts, &entry, &by, &mut resources, &mut doc.fonts)?;
    }
    let mut templates: HashMap<String, String> = HashMap::new();
    for t in common.children("TemplatePage") {
        if let (Some(id), Some(loc)) = (t.attr("ID"), t.attr("BaseLoc")) {
            let by = format!("TemplatePage/@BaseLoc in {doc_entry}");
            templates.insert(id.trim().to_string(), resolve(doc_entry, loc, &by)?);
        }
    }
    let pages: Vec<&Element> = document
        .child("Pages")
        .map(|p| p.children("Page").collect())
        .unwrap_or_default();
    if pages.is_empty() {
        return Err(structure(doc_entry, "lists no pages"));
    }
    if pages.len() > MAX_PAGES {
        doc.diagnostics.push(Diagnostic::new(
            Level::Warning,
            "ofd-pages-skipped",
            "input",
            format!(
                "the document has {} pages; only the first {MAX_PAGES} were read",
                pages.len()
            ),
        ));
    }
    let mut drawn_templates: HashMap<String, Rc<Drawn>> = HashMap::new();
    let mut glyphs_left = MAX_GLYPHS;
    // A template is drawn once and added to every page that names it, as often as it
    // names it: what that adds up to is bounded here.
    let mut shapes_left = MAX_SHAPES;
    for (i, page) in pages.iter().take(MAX_PAGES).enumerate() {
        let number = i + 1;
        let by = format!("Page/@BaseLoc in {doc_entry}");
        let loc = page
            .attr("BaseLoc")
            .ok_or_else(|| structure(doc_entry, &format!("page {number} has no BaseLoc")))?;
        let entry = resolve(doc_entry, loc, &by)?;
        let content = parts.xml(&entry, &by)?;
        let area = content
            .root
            .child("Area")
            .and_then(physical_box)
            .or(page_area)
            .ok_or_else(|| {
                structure(
                    &entry,
                    "no PhysicalBox: neither the page's Area nor the document's PageArea gives one",
                )
            })?;
        // A page may declare resources of its own, seen beside the document's.
        let mut own = None;
        for res in content.root.children("PageRes") {
            let by = format!("PageRes in {entry}");
            let file = resolve(&entry, &res.text, &by)?;
            let merged = own.get_or_insert_with(|| resources.clone());
            load_resources(parts, &file, &by, merged, &mut doc.fonts)?;
        }
        let res = own.as_ref().unwrap_or(&resources);
        let at = format!("page {number}");
        let mut under = Vec::new();
        let mut over = Vec::new();
        for t in content.root.children("Template") {
            let id = t.attr("TemplateID").unwrap_or("").trim();
            let Some(template_entry) = templates.get(id) else {
                doc.diagnostics.push(Diagnostic::new(
                    Level::Warning,
                    "ofd-template-missing",
                    at.clone(),
                    format!(
                        "page {number} uses template {id:?}, which Document.xml does not declare"
                    ),
                ));
                continue;
            };
            if !drawn_templates.contains_key(template_entry) {
                let by = format!("TemplatePage/@BaseLoc in {doc_entry}");
                let tree = parts.xml(template_entry, &by)?;
                let mut canvas = Canvas::new(res, area, true, glyphs_left);
                canvas.draw(&tree.root)?;
                report(
                    &canvas.tally,
                    &format!("template {id} (first drawn on {at})"),
                    &at,
                    &mut doc.diagnostics,
                );
                drawn_templates.insert(
                    template_entry.clone(),
                    Rc::new(Drawn {
                        glyphs: canvas.glyphs,
                        rulings: canvas.rulings,
                        images: canvas.images,
                    }),
                );
            }
            let drawn = Rc::clone(&drawn_templates[template_entry]);
            glyphs_left = glyphs_left
                .checked_sub(drawn.glyphs.len())
                .ok_or(OfdError::TooManyGlyphs)?;
            shapes_left = shapes_left
                .checked_sub(drawn.rulings.len() + drawn.images.len())
                .ok_or(OfdError::TooManyShapes)?;
            // Background is the default order of a template (GB/T 33190 table 12).
            if t.attr("ZOrder").map(str::trim) == Some("Foreground") {
                over.push(drawn);
            } else {
                under.push(drawn);
            }
        }
        let mut canvas = Canvas::new(res, area, false, glyphs_left);
        canvas.draw(&content.root)?;
        glyphs_left = canvas.glyphs_left;
        shapes_left = shapes_left
            .checked_sub(canvas.rulings.len() + canvas.images.len())
            .ok_or(OfdError::TooManyShapes)?;
        report(&canvas.tally, &at, &at, &mut doc.diagnostics);
        let mut out = OfdPage {
            width: area[2] * super::POINTS_PER_MM,
            height: area[3] * super::POINTS_PER_MM,
            ..OfdPage::default()
        };
        for d in &under {
            d.add_to(&mut out);
        }
        out.glyphs.append(&mut canvas.glyphs);
        out.rulings.append(&mut canvas.rulings);
        out.images.append(&mut canvas.images);
        for d in &over {
            d.add_to(&mut out);
        }
        doc.pages.push(out);
    }
    Ok(())
}

/// A template page drawn once, added to every page that uses it.
struct Drawn {
    glyphs: Vec<OfdGlyph>,
    rulings: Vec<Segment>,
    images: Vec<OfdImage>,
}

impl Drawn {
    fn add_to(&self, page: &mut OfdPage) {
        page.glyphs.extend_from_slice(&self.glyphs);
        page.rulings.extend_from_slice(&self.rulings);
        page.images.extend_from_slice(&self.images);
    }
}

/// `PhysicalBox` of an `Area`/`PageArea`: x y width height, in millimetres.
fn physical_box(area: &Element) -> Option<[f64; 4]> {
    let b = area.child_text("PhysicalBox")?;
    let mut v = [0.0; 4];
    let mut words = b.split_whitespace();
    for slot in &mut v {
        *slot = words
            .next()?
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())?;
    }
    (words.next().is_none() && v[2] > 0.0 && v[3] > 0.0 && v[2] < 1e5 && v[3] < 1e5).then_some(v)
}

/// A resource file (`<Res BaseLoc="…">`): its fonts, images and composite units. File
/// names inside it are relative to its `BaseLoc` directory.
fn load_resources(
    parts: &mut Parts<'_>,
    entry: &str,
    by: &str,
    resources: &mut Resources,
    fonts: &mut Vec<OfdFont>,
) -> Result<(), OfdError> {
    let tree = parts.xml(entry, by)?;
    let res = &tree.root;
    let here = entry.rfind('/').map_or("", |i| &entry[..i]);
    let dir = match res.attr("BaseLoc").map(str::trim).filter(|b| !b.is_empty()) {
        Some(b) => resolve_in(here, b, &format!("Res/@BaseLoc in {entry}"))?,
        None => here.to_string(),
    };
    for font in res.children("Fonts").flat_map(|f| f.children("Font")) {
        let Some(id) = font.attr("ID").map(str::trim) else {
            continue;
        };
        if resources.fonts.contains_key(id) {
            continue;
        }
        resources.fonts.insert(id.to_string(), fonts.len());
        fonts.push(OfdFont {
            id: id.to_string(),
            name: font.attr("FontName").map(str::to_string),
            family: font.attr("FamilyName").map(str::to_string),
        });
    }
    for media in res
        .children("MultiMedias")
        .flat_map(|m| m.children("MultiMedia"))
    {
        let Some(id) = media.attr("ID").map(str::trim) else {
            continue;
        };
        let file = match media.child_text("MediaFile") {
            Some(f) => Some(resolve_in(&dir, f, &format!("MediaFile in {entry}"))?),
            None => None,
        };
        resources.media.entry(id.to_string()).or_insert(Media {
            entry: file,
            format: media.attr("Format").map(str::to_string),
        });
    }
    for unit in res
        .children("CompositeGraphicUnits")
        .flat_map(|u| u.children("CompositeGraphicUnit"))
    {
        if let Some(id) = unit.attr("ID").map(str::trim) {
            resources
                .units
                .entry(id.to_string())
                .or_insert_with(|| unit.clone());
        }
    }
    Ok(())
}

/// What drawing a page or template (`what`) met, as diagnostics located at the page `at`.
fn report(tally: &Tally, what: &str, at: &str, out: &mut Vec<Diagnostic>) {
    let mut push = |level, code: &str, message: String| {
        out.push(Diagnostic::new(level, code, at, message));
    };
    if tally.unmapped > 0 {
        push(
            Level::Warning,
            "ofd-unmapped-glyphs",
            format!(
                "{} glyph(s) on {what} are drawn by glyph index (CGTransform) over characters that are not text (private use, U+FFFD); each is written as U+FFFD",
                tally.unmapped
            ),
        );
    }
    if tally.estimated > 0 {
        push(
            Level::Info,
            "ofd-estimated-advances",
            format!(
                "{} advance(s) on {what} are not given by DeltaX and were estimated (an em for CJK, half an em otherwise): font metrics are not read",
                tally.estimated
            ),
        );
    }
    if tally.skipped > 0 {
        push(
            Level::Warning,
            "ofd-objects-skipped",
            format!(
                "{} object(s) on {what} skipped: a Boundary, CTM, Size or path that is not numbers, a TextCode without X or Y, or a position off any page",
                tally.skipped
            ),
        );
    }
    for (set, code, kind) in [
        (&tally.missing_fonts, "ofd-font-missing", "fonts"),
        (&tally.missing_media, "ofd-image-missing", "images"),
        (
            &tally.missing_units,
            "ofd-composite-missing",
            "composite units",
        ),
    ] {
        if !set.is_empty() {
            let ids: Vec<&str> = set.iter().map(String::as_str).collect();
            push(
                Level::Warning,
                code,
                format!(
                    "{what} refers to {kind} no resource declares: {}",
                    ids.join(", ")
                ),
            );
        }
    }
    if tally.cut {
        push(
            Level::Warning,
            "ofd-page-cut",
            format!(
                "{what} draws more than {} objects or {} rulings; the rest were not read",
                super::content::MAX_OBJECTS,
                super::MAX_RULINGS
            ),
        );
    }
}

/// The signatures: each reported, none checked. A signature part that cannot be read
/// is reported too, unless the package is hostile there (then the whole is refused).
fn signatures(parts: &mut Parts<'_>, list: &str, doc: &mut OfdDocument) -> Result<(), OfdError> {
    let found = resolve(OFD_XML, list, "Signatures in OFD.xml")
        .and_then(|entry| signature::read(parts, &entry));
    let signatures = match found {
        Ok(s) => s,
        Err(e @ (OfdError::Missing { .. } | OfdError::Xml { .. } | OfdError::Structure { .. })) => {
            doc.diagnostics.push(Diagnostic::new(
                Level::Warning,
                "ofd-signature-unreadable",
                "input",
                format!("the document says it is signed, but its signatures cannot be read: {e}"),
            ));
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    for s in &signatures {
        let seal = s
            .seal_name
            .as_deref()
            .map_or("a seal whose name cannot be read".to_string(), |n| {
                format!("the seal of {n}")
            });
        let mut details = vec![format!("{} signature", s.kind.as_deref().unwrap_or("a"))];
        if let Some(p) = &s.provider {
            details.push(format!("made with {p}"));
        }
        if let Some(t) = &s.signed_at {
            details.push(format!("at {t}"));
        }
        doc.diagnostics.push(Diagnostic::new(
            Level::Info,
            "ofd-signed",
            "input",
            format!(
                "signed with {seal} ({}; {}); the signature is not checked",
                details.join(", "),
                s.entry
            ),
        ));
    }
    doc.signatures = signatures;
    Ok(())
}

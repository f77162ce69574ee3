//! The OFD reader (`readers::ofd`): no panic, every position it gives is a finite number
//! on a page of positive size, and its pages laid out and joined by `fixed` as extraction
//! does (`read_layout`) give no panic either.
//!
//! Two kinds of input, told by the first bytes:
//! - a zip (`PK…`): read as it is — the container, the limits, the structure;
//! - anything else: a page's `Content.xml`, then a template page's, then `PublicRes.xml`,
//!   NUL-separated, packed here into a stored package whose two pages both show the page
//!   content over the template. Mutating a deflated, CRC-checked zip almost never reaches
//!   the XML; this way the drawing (Boundary, CTM, DeltaX with `g` runs, CGTransform,
//!   AbbreviatedData, composite units) is fuzzed directly.
#![no_main]

use std::io::{Cursor, Write};

use gongkai::layout::Budget;
use gongkai::readers::ofd;
use gongkai::Limits;
use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const OFD_XML: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:Title>fuzz</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#;

const DOCUMENT: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:MaxUnitID>9</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData><ofd:Pages><ofd:Page ID="3" BaseLoc="Pages/Page_0/Content.xml"/><ofd:Page ID="4" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>"#;

const RES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="http://www.ofdspec.org/2016" BaseLoc="Res"><ofd:Fonts><ofd:Font ID="5" FontName="SimSun"/></ofd:Fonts><ofd:MultiMedias><ofd:MultiMedia ID="6" Type="Image" Format="PNG"><ofd:MediaFile>a.png</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias></ofd:Res>"#;

const EMPTY_PAGE: &[u8] = br#"<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"/>"#;

fn pack(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for (name, bytes) in parts {
        z.start_file(*name, opts).expect("a new entry");
        z.write_all(bytes).expect("in memory");
    }
    z.finish().expect("in memory").into_inner()
}

fn check(bytes: &[u8]) {
    let _ = ofd::is_ofd(bytes);
    let _ = ofd::read_layout(bytes, &mut Budget::new(&Limits::default()));
    let Ok(doc) = ofd::read(bytes) else {
        return;
    };
    let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
    for p in &doc.pages {
        assert!(finite(&[p.width, p.height]) && p.width > 0.0 && p.height > 0.0);
        for g in &p.glyphs {
            let g = &g.glyph;
            assert!(finite(&[g.x0, g.x1, g.y, g.size]), "{g:?}");
        }
        for r in &p.rulings {
            assert!(finite(&[r.x0, r.y0, r.x1, r.y1]), "{r:?}");
        }
        for i in &p.images {
            assert!(finite(&[i.x, i.y, i.width, i.height]), "{i:?}");
            if let Some(entry) = &i.entry {
                let _ = ofd::media_bytes(bytes, entry);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") {
        check(data);
        return;
    }
    let mut parts = data.splitn(3, |&b| b == 0);
    let page = parts.next().unwrap_or_default();
    let template = parts.next().unwrap_or(EMPTY_PAGE);
    let res = parts.next().unwrap_or(RES);
    check(&pack(&[
        ("OFD.xml", OFD_XML),
        ("Doc_0/Document.xml", DOCUMENT),
        ("Doc_0/PublicRes.xml", res),
        ("Doc_0/Tpls/Tpl_0/Content.xml", template),
        ("Doc_0/Pages/Page_0/Content.xml", page),
    ]));
});

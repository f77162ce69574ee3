//! The image reader without OCR: the decoders (PNG, JPEG, TIFF, and the images of a PDF:
//! DCT, CCITT, Flate, refused JBIG2) and the table finding on what they give.
//!
//! Checks, beyond "no panic": every decoded plane is within `MAX_PIXELS` and holds
//! `width × height` samples; every coordinate found is finite; and an image file refused
//! as too large was refused from its header, before its pixels were allocated (the bytes
//! allocated while it was read stay under a small bound; a counting allocator measures
//! them). Bounded work beyond that is libFuzzer's: 10 s per input, 2 GiB RSS (fuzz/run.sh).
#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use gongkai::readers::image::decode::{Gray, MAX_PIXELS};
use gongkai::readers::image::{decode_file, find_tables, ImageError, Options};
use libfuzzer_sys::fuzz_target;

/// Bytes allocated now, and the most at once since the last [`reset_peak`].
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let grown = new_size - layout.size();
            let live = LIVE.fetch_add(grown, Ordering::Relaxed) + grown;
            PEAK.fetch_max(live, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What reading a header may allocate beyond the input: decoder state and tables, never
/// a plane of the size the header claims (a refused image claims over 100 million pixels).
const HEADER_BYTES: usize = 16 << 20;

fn check_plane(g: &Gray, what: &str) {
    assert!(
        (g.width as u64) * (g.height as u64) <= MAX_PIXELS,
        "{what}: a {} × {} plane is over the limit",
        g.width,
        g.height
    );
    assert_eq!(g.pixels.len(), g.width * g.height, "{what}: plane size");
}

fn finite(values: &[f64], what: &str) {
    assert!(
        values.iter().all(|v| v.is_finite()),
        "{what}: {values:?} not finite"
    );
}

fuzz_target!(|data: &[u8]| {
    let options = Options::default();
    // A PDF's images are decoded below, by `find_tables`, from what its pages draw.
    let pdf = data.starts_with(b"%PDF") || data.windows(5).take(1024).any(|w| w == b"%PDF-");
    if !pdf {
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let pages = decode_file(data, options.max_pages)
            .and_then(|pages| pages.collect::<Result<Vec<_>, _>>());
        match pages {
            Ok(pages) => {
                for page in &pages {
                    check_plane(&page.image, "image file");
                    if let Some((x, y)) = page.dpi {
                        finite(&[x, y], "resolution");
                    }
                }
            }
            Err(ImageError::TooLarge { .. }) => {
                let used = PEAK.load(Ordering::Relaxed).saturating_sub(base);
                assert!(
                    used <= HEADER_BYTES + 4 * data.len(),
                    "a refused image allocated {used} bytes before it was refused"
                );
            }
            Err(_) => {}
        }
    }
    let Ok(doc) = find_tables(data, &options) else {
        return;
    };
    for page in &doc.pages {
        finite(
            &[page.width, page.height, page.skew_degrees, page.image_share],
            "page",
        );
        assert!(page.words.is_empty(), "words without OCR");
        for s in &page.rulings {
            finite(&[s.x0, s.y0, s.x1, s.y1, s.width], "ruling");
        }
        for t in &page.tables {
            finite(&[t.bbox.x0, t.bbox.y0, t.bbox.x1, t.bbox.y1], "table");
            for c in &t.cells {
                finite(&[c.bbox.x0, c.bbox.y0, c.bbox.x1, c.bbox.y1], "cell");
                assert!(
                    c.row + c.rows <= t.rows && c.col + c.cols <= t.cols,
                    "a cell outside its table's grid"
                );
            }
        }
    }
});

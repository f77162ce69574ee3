//! Verifying an archive in one streamed pass, in memory that does not grow with it
//! (issue 17). A seal writes one canonical zip in which the entries, the manifest's lines
//! and the seal record's files come in the same sorted order, so checking one is a merge of
//! three streams read side by side — the central directory, the manifest and the seal record
//! — with the Merkle root built on a stack of one hash per level. Nothing is held per entry:
//! a batch of entries being hashed, the last name, the record's head, and (for the links
//! between reports and originals) the few originals whose names are prefixes of the one
//! being looked for.
//!
//! The check proves an archive is exactly what a seal writes for its entries, or stops at
//! the first departure without saying what it is: [`super::verify`] then reads the archive
//! again with the verifier that names every problem (and holds a record per entry to do so).
//! It asks for everything that verifier asks of an intact archive, and for some things more
//! (each report's original names it back), so it never calls intact what that verifier
//! would not.

use std::io::{self, BufRead, Read};

use super::bag;
use super::container::{self, Entry, ReadAt};
use super::expected;
use super::merkle::{self, Hash};
use super::progress::Progress;
use super::record::{self, RecordFile, RecordHead, RecordReader, Role};
use super::verify::{self, Depth, Keep, Sum, SMALL_TAG_BYTES};

/// What an archive found intact is: enough to report it, to list its files and to prove
/// them, none of it per entry.
#[derive(Debug, Clone)]
pub struct Intact {
    pub head: RecordHead,
    /// Each tag file's path and SHA-256, in [`bag::TAG_FILES`]'s order.
    pub tags: Vec<(&'static str, Hash)>,
    /// The payload's files.
    pub files: u64,
    /// The manifest's entry.
    pub manifest: Entry,
}

impl Intact {
    pub fn tag_sha256(&self, tag: &str) -> Option<Hash> {
        self.tags.iter().find(|(t, _)| *t == tag).map(|(_, h)| *h)
    }
}

/// How many payload entries are hashed at once (on all cores) before they are merged
/// with the manifest and the seal record; what is held of each is its name and sums.
const BATCH: usize = 1024;

/// The most originals held while the report of another is looked for: an original is held
/// only while its name is a prefix of the one looked for (`a` while `a-1` is: their reports
/// `a.xml` and `a-1.xml` sort the other way round), so a seal's archive holds a handful.
const PENDING_MOST: usize = 4096;

/// Checks that `src` is an intact archive, exactly as a seal writes it, to `depth`; `None`
/// at the first departure from that. Read errors are departures too (the verifier that
/// names problems names them).
pub fn check(src: &dyn ReadAt, depth: Depth, progress: &Progress) -> Option<Intact> {
    Check::new(src, depth, progress).run().ok()
}

/// Why the check stopped: a departure, or a read error (which is one too).
type Stop = ();

fn departs<T>() -> Result<T, Stop> {
    Err(())
}

fn io_ok<T>(r: io::Result<T>) -> Result<T, Stop> {
    r.map_err(|_| ())
}

fn require(ok: bool) -> Result<(), Stop> {
    if ok {
        Ok(())
    } else {
        departs()
    }
}

struct Check<'a> {
    src: &'a dyn ReadAt,
    depth: Depth,
    progress: &'a Progress,
}

/// The bag as the first walk of the directory found it.
struct Layout {
    /// `<bag folder>/`.
    prefix: String,
    /// The tag files' entries, in [`bag::TAG_FILES`]'s order.
    tags: Vec<Entry>,
    files: u64,
    octets: u128,
    stored: u64,
}

impl<'a> Check<'a> {
    fn new(src: &'a dyn ReadAt, depth: Depth, progress: &'a Progress) -> Check<'a> {
        Check {
            src,
            depth,
            progress,
        }
    }

    fn run(&self) -> Result<Intact, Stop> {
        let layout = self.layout()?;
        let read_payload = self.depth == Depth::Full;
        let tag_bytes: u64 = layout.tags.iter().map(|e| e.stored).sum();
        self.progress.stage(
            "verifying",
            tag_bytes + if read_payload { layout.stored } else { 0 },
        );
        // Every tag file hashed; the small ones kept.
        let small = |t: &str| !matches!(t, bag::MANIFEST_FILE | bag::SEAL_FILE);
        for (t, e) in bag::TAG_FILES.iter().zip(&layout.tags) {
            require(!small(t) || e.stored <= SMALL_TAG_BYTES)?;
        }
        let sums = self.hash(&layout.tags, |i| {
            if small(bag::TAG_FILES[i]) {
                Keep::All(SMALL_TAG_BYTES)
            } else {
                Keep::Nothing
            }
        });
        let mut tags = Vec::new();
        let mut kept = Vec::new();
        for (t, c) in bag::TAG_FILES.iter().zip(sums) {
            let c = c?;
            tags.push((*t, c.sha256));
            kept.push(c.kept.unwrap_or_default());
        }
        let sha_of = |t: &str| {
            tags.iter()
                .find(|(n, _)| *n == t)
                .map(|(_, h)| bag::hex_hash(h))
                .unwrap_or_default()
        };
        let kept_of = |t: &str| -> &[u8] {
            let i = bag::TAG_FILES.iter().position(|n| *n == t).unwrap_or(0);
            &kept[i]
        };
        require(kept_of(bag::DECLARATION_FILE) == bag::DECLARATION.as_bytes())?;
        let listed: Vec<(String, String)> = bag::TAG_FILES
            .iter()
            .filter(|t| **t != bag::TAG_MANIFEST_FILE)
            .map(|t| (t.to_string(), sha_of(t)))
            .collect();
        require(kept_of(bag::TAG_MANIFEST_FILE) == bag::manifest(&listed).as_bytes())?;

        let [_, _, manifest_entry, seal_entry, _] = &layout.tags[..] else {
            return departs();
        };
        let mut record = RecordStream::open(self.src, seal_entry)?;
        let head = record.head.clone();
        require(kept_of(bag::INFO_FILE) == expected::info(&head).as_bytes())?;
        require(layout.prefix == format!("{}/", bag::bag_root(head.year)))?;
        require(head.previous.as_ref().is_none_or(|p| p.year < head.year))?;
        require(head.files == layout.files && head.bytes as u128 == layout.octets)?;

        let mut manifest = ManifestStream::new(self.src, manifest_entry);
        let mut links = (self.depth == Depth::Full).then(|| Links::new(self.src, seal_entry));
        self.payload(&layout, |rel, e, sum| {
            let h = manifest.next(rel)?;
            // (Its CRC-32 was checked as it was hashed.)
            if let Some(c) = sum {
                require(c.sha256 == h)?;
            }
            let f = record.next()?;
            require(
                f.path == rel
                    && f.bytes == e.size
                    && bag::lowercase_hex(f.sha256.as_bytes()) == Some(h)
                    && verify::role_mismatch(&f).is_none(),
            )?;
            if let Some(links) = links.as_mut() {
                links.file(&f, sum.and_then(|c| c.source_sha256.as_deref()))?;
            }
            Ok(())
        })?;
        let root = manifest.finish()?;
        let head = record.finish()?;
        require(bag::hex_hash(&root) == head.root)?;
        if let Some(links) = links {
            links.finish()?;
        }
        Ok(Intact {
            head,
            tags,
            files: layout.files,
            manifest: manifest_entry.clone(),
        })
    }

    /// The first walk of the directory: every entry where a seal puts it, under one bag
    /// folder, the tag files first and last and the payload between.
    fn layout(&self) -> Result<Layout, Stop> {
        let mut walk = io_ok(container::canonical_walk(self.src))?.ok_or(())?;
        let count = walk.count();
        require(count >= bag::TAG_FILES.len() as u64)?;
        let mut layout = Layout {
            prefix: String::new(),
            tags: Vec::new(),
            files: 0,
            octets: 0,
            stored: 0,
        };
        let mut i = 0u64;
        while let Some(e) = io_ok(walk.next_entry())? {
            let name = std::str::from_utf8(&e.name).map_err(|_| ())?;
            require(bag::unsafe_path(name).is_none())?;
            if i == 0 {
                let (root, _) = name.split_once('/').ok_or(())?;
                layout.prefix = format!("{root}/");
            }
            let rel = name.strip_prefix(&layout.prefix).ok_or(())?;
            require(bag::unsafe_path(rel).is_none())?;
            // The tag files in their sorted places: two before `data/`, three after.
            let tag = match i {
                0 | 1 => Some(i as usize),
                _ if i + 3 >= count => Some((i + 5 - count) as usize),
                _ => None,
            };
            match tag {
                Some(t) => {
                    require(rel == bag::TAG_FILES[t])?;
                    layout.tags.push(e);
                }
                None => {
                    require(rel.starts_with("data/"))?;
                    layout.files += 1;
                    layout.octets += e.size as u128;
                    layout.stored += e.stored;
                }
            }
            i += 1;
        }
        require(!walk.departed() && i == count)?;
        Ok(layout)
    }

    /// Entries' local headers checked and their bytes hashed, on all cores; a departure
    /// for each whose header or CRC-32 is not a seal's, or that cannot be read.
    fn hash(
        &self,
        entries: &[Entry],
        keep: impl Fn(usize) -> Keep + Sync,
    ) -> Vec<Result<verify::Content, Stop>> {
        let sums = verify::hash_entries(
            self.src,
            entries.len(),
            |i| match container::local_header_is_canonical(self.src, &entries[i]) {
                Ok(true) => Ok((&entries[i], keep(i))),
                // Not read: a departure whatever its bytes.
                _ => Err(Sum::Unreadable),
            },
            self.progress,
        );
        entries
            .iter()
            .zip(sums)
            .map(|(e, sum)| match sum {
                Sum::Done(c) if c.crc == e.crc => Ok(c),
                _ => departs(),
            })
            .collect()
    }

    /// The payload's entries in order, each with its path in the bag and (reading the
    /// payload) its sums, hashed a batch at a time on all cores.
    fn payload(
        &self,
        layout: &Layout,
        mut each: impl FnMut(&str, &Entry, Option<&verify::Content>) -> Result<(), Stop>,
    ) -> Result<(), Stop> {
        let mut walk = io_ok(container::canonical_walk(self.src))?.ok_or(())?;
        // The two tag files before the payload.
        for _ in 0..2 {
            io_ok(walk.next_entry())?.ok_or(())?;
        }
        let rel_of = |e: &Entry| -> Result<String, Stop> {
            std::str::from_utf8(&e.name)
                .ok()
                .and_then(|n| n.strip_prefix(&layout.prefix))
                .map(str::to_string)
                .ok_or(())
        };
        let mut left = layout.files;
        let mut batch: Vec<Entry> = Vec::with_capacity(BATCH);
        while left > 0 {
            batch.clear();
            while left > 0 && batch.len() < BATCH {
                batch.push(io_ok(walk.next_entry())?.ok_or(())?);
                left -= 1;
            }
            if self.depth != Depth::Full {
                for e in &batch {
                    each(&rel_of(e)?, e, None)?;
                }
                continue;
            }
            let sums = self.hash(&batch, |i| keep_for(&batch[i], layout));
            for (e, sum) in batch.iter().zip(sums) {
                each(&rel_of(e)?, e, Some(&sum?))?;
            }
        }
        Ok(())
    }
}

/// A report's head is kept for its `source/@sha256`.
fn keep_for(e: &Entry, layout: &Layout) -> Keep {
    let is_report = e
        .name
        .strip_prefix(layout.prefix.as_bytes())
        .is_some_and(|r| r.starts_with(b"data/xml/"));
    if is_report {
        Keep::Head
    } else {
        Keep::Nothing
    }
}

/// The manifest read a line at a time, each line required to be the one a seal writes
/// for the next payload entry; the Merkle root built as the lines go by.
struct ManifestStream<'a> {
    input: io::BufReader<container::RangeReader<'a>>,
    line: Vec<u8>,
    tree: merkle::RootBuilder,
}

impl<'a> ManifestStream<'a> {
    fn new(src: &'a dyn ReadAt, e: &Entry) -> ManifestStream<'a> {
        ManifestStream {
            input: container::data_reader(src, e),
            line: Vec::new(),
            tree: merkle::RootBuilder::default(),
        }
    }

    /// The hash the next line gives for `rel`, when it is the line a seal writes for it.
    fn next(&mut self, rel: &str) -> Result<Hash, Stop> {
        let encoded;
        let path = if rel.contains(['%', '\r', '\n']) {
            encoded = bag::encode_path(rel);
            encoded.as_str()
        } else {
            rel
        };
        // `<64 hex>  <path>\n`, read as exactly that many bytes.
        self.line.resize(66 + path.len() + 1, 0);
        io_ok(self.input.read_exact(&mut self.line))?;
        let text = &self.line[..self.line.len() - 1];
        require(
            self.line.last() == Some(&b'\n')
                && &text[64..66] == b"  "
                && &text[66..] == path.as_bytes(),
        )?;
        let sha256 = bag::lowercase_hex(&text[..64]).ok_or(())?;
        self.tree.push(merkle::leaf_hash(text));
        Ok(sha256)
    }

    /// The Merkle root, once every line has been read and nothing follows them.
    fn finish(mut self) -> Result<Hash, Stop> {
        require(io_ok(self.input.fill_buf())?.is_empty())?;
        Ok(self.tree.root())
    }
}

/// The seal record read a file at a time, and written again as a seal writes it and
/// compared as it is written.
struct RecordStream<'a> {
    reader: RecordReader<container::EntryStream<'a>>,
    again: verify::Regenerated<'a>,
    head: RecordHead,
    /// The first file, read to reach the end of the head.
    first: Option<RecordFile>,
}

impl<'a> RecordStream<'a> {
    fn open(src: &'a dyn ReadAt, seal: &Entry) -> Result<RecordStream<'a>, Stop> {
        let mut reader = RecordReader::new(container::data_reader(src, seal));
        let first = reader.next_file().map_err(|_| ())?;
        // In a seal's order the head is whole when the files start.
        let head = reader.head_at_files().unwrap_or(reader.head()).clone();
        let again = io_ok(record::RecordWriter::new(
            verify::regenerated(src, seal),
            &head,
        ))?;
        Ok(RecordStream {
            reader,
            again,
            head,
            first,
        })
    }

    fn next(&mut self) -> Result<RecordFile, Stop> {
        let f = match self.first.take() {
            Some(f) => f,
            None => self.reader.next_file().map_err(|_| ())?.ok_or(())?,
        };
        io_ok(self.again.file(&f))?;
        Ok(f)
    }

    /// The head, once the record has been read to its end, lists no more files, and is
    /// byte for byte what a seal writes.
    fn finish(mut self) -> Result<RecordHead, Stop> {
        require(self.first.is_none() && self.reader.next_file().map_err(|_| ())?.is_none())?;
        require(*self.reader.head() == self.head)?;
        require(io_ok(verify::departure_of(self.again))?.is_none())?;
        Ok(self.head)
    }
}

/// The links between reports and originals: each original with a report is named back by
/// that report, which names the original's SHA-256 in its `source/@sha256`. The record
/// lists the originals (`data/originals/X`) before the reports (`data/xml/X.xml`), in
/// nearly the same order: a second reader of the record walks the originals as the reports
/// come, holding those it passes whose report has not come yet.
struct Links<'a> {
    originals: RecordReader<container::EntryStream<'a>>,
    /// Originals passed over, with their report's path and their SHA-256.
    pending: Vec<(String, String, Hash)>,
    /// Originals with a report seen by the main reader, and reports found to name theirs.
    linked: u64,
    claimed: u64,
}

impl<'a> Links<'a> {
    fn new(src: &'a dyn ReadAt, seal: &Entry) -> Links<'a> {
        Links {
            originals: RecordReader::new(container::data_reader(src, seal)),
            pending: Vec::new(),
            linked: 0,
            claimed: 0,
        }
    }

    /// A file of the record as the main reader gives it, with the report's `source/@sha256`.
    fn file(&mut self, f: &RecordFile, source_sha256: Option<&str>) -> Result<(), Stop> {
        match (f.role, &f.link) {
            (Role::Original, None) => require(f.note.is_some()),
            (Role::Original, Some(_)) => {
                self.linked += 1;
                Ok(())
            }
            (Role::Report, None) => departs(),
            (Role::Report, Some(original)) => {
                let (report, sha256) = self.original(original)?;
                let named = source_sha256.and_then(|s| bag::lowercase_hex(s.as_bytes()));
                require(report == f.path && named == Some(sha256))?;
                self.claimed += 1;
                Ok(())
            }
        }
    }

    /// The original at `path`: its report's path and its SHA-256.
    fn original(&mut self, path: &str) -> Result<(String, Hash), Stop> {
        if let Some(i) = self.pending.iter().position(|(p, _, _)| p == path) {
            let (_, report, sha256) = self.pending.swap_remove(i);
            return Ok((report, sha256));
        }
        loop {
            let g = self.originals.next_file().map_err(|_| ())?.ok_or(())?;
            require(g.role == Role::Original)?;
            let Some(report) = g.link else {
                continue;
            };
            let sha256 = bag::lowercase_hex(g.sha256.as_bytes()).ok_or(())?;
            if g.path == path {
                return Ok((report, sha256));
            }
            require(self.pending.len() < PENDING_MOST)?;
            self.pending.push((g.path, report, sha256));
        }
    }

    /// Every original with a report was named back by it.
    fn finish(self) -> Result<(), Stop> {
        require(self.claimed == self.linked)
    }
}

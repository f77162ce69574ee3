//! A look at the raw bytes before lopdf loads them. lopdf inflates and parses every
//! object stream and cross-reference stream while it loads a file, and keeps every object
//! in memory: a file of a few megabytes can hold millions of objects, or a thousand small
//! streams that each inflate to the per-stream limit (minutes of work). Objects are
//! counted and those streams inflated here first, within the limits, in one pass over
//! the file; a file past a limit is refused before lopdf sees it.

use std::io::{Read, Write};

/// Objects a PDF may hold (written out, or packed in object streams). A report of a
/// thousand pages has some tens of thousands; lopdf keeps each in memory (about a
/// kilobyte for a small dictionary).
pub const MAX_OBJECTS: usize = 400_000;

/// Why a file is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// More objects than [`MAX_OBJECTS`].
    Objects,
    /// Object and cross-reference streams that inflate to more than the budget in all.
    Streams,
}

/// Checks a PDF's objects and its load-time streams against the limits: at most
/// `inflate_budget` bytes are inflated here, and no stream more than `stream_limit`.
pub fn check(bytes: &[u8], stream_limit: usize, inflate_budget: usize) -> Result<(), Refusal> {
    let mut objects = count_objects(bytes);
    if objects > MAX_OBJECTS {
        return Err(Refusal::Objects);
    }
    let mut left = inflate_budget;
    let mut from = 0;
    while let Some(at) = next_load_stream(bytes, from) {
        let dict = &bytes[at.dict_from..at.data];
        let index_len = number_after(dict, b"/First").unwrap_or(usize::MAX);
        let mut counter = Counter::new(index_len);
        let consumed = if contains(dict, b"/FlateDecode") {
            let mut inflater = flate2::read::ZlibDecoder::new(&bytes[at.data..]);
            let limit = stream_limit.min(left) as u64 + 1;
            // A damaged stream inflates as far as it goes: that much was done.
            let _ = std::io::copy(&mut (&mut inflater).take(limit), &mut counter);
            (inflater.total_in() as usize).max(1)
        } else if contains(dict, b"/Filter") {
            // Another filter: charged as if it inflated to the stream limit.
            counter.written = stream_limit;
            counter.tokens = index_len.min(stream_limit) / 2;
            1
        } else {
            let end = find(&bytes[at.data..], b"endstream").unwrap_or(bytes.len() - at.data);
            let _ = counter.write_all(&bytes[at.data..at.data + end]);
            end.max(1)
        };
        if counter.written > left {
            return Err(Refusal::Streams);
        }
        left -= counter.written;
        objects += counter.tokens / 2;
        if objects > MAX_OBJECTS {
            return Err(Refusal::Objects);
        }
        from = at.data + consumed;
    }
    Ok(())
}

/// `N G obj` keywords: the objects written out in the file.
fn count_objects(bytes: &[u8]) -> usize {
    let mut n = 0;
    let mut from = 0;
    while let Some(p) = find(&bytes[from..], b"obj") {
        let at = from + p;
        let before = &bytes[..at];
        let spaced = before.last().is_some_and(u8::is_ascii_whitespace);
        let numbered = before
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(u8::is_ascii_digit);
        let word_ends = bytes.get(at + 3).is_none_or(|b| !b.is_ascii_alphanumeric());
        n += usize::from(spaced && numbered && word_ends);
        from = at + 3;
    }
    n
}

/// Where a stream that lopdf reads while loading starts: its dictionary and its data.
struct LoadStream {
    dict_from: usize,
    data: usize,
}

/// The next object or cross-reference stream at or after `from`: the next `/ObjStm` or
/// `/XRef` name, its dictionary from the `obj` keyword before it, its data after the
/// `stream` keyword after it.
fn next_load_stream(bytes: &[u8], from: usize) -> Option<LoadStream> {
    let rest = &bytes[from.min(bytes.len())..];
    let at = memchr::memchr_iter(b'/', rest)
        .find(|&p| rest[p..].starts_with(b"/ObjStm") || rest[p..].starts_with(b"/XRef"))?
        + from;
    let dict_from = rfind(&bytes[from..at], b"obj").map_or(from, |p| from + p);
    let mut search = at;
    let keyword = loop {
        let p = search + find(&bytes[search..], b"stream")?;
        if !bytes[..p].ends_with(b"end") {
            break p;
        }
        search = p + 6;
    };
    let mut data = keyword + 6;
    if bytes.get(data) == Some(&b'\r') {
        data += 1;
    }
    if bytes.get(data) == Some(&b'\n') {
        data += 1;
    }
    Some(LoadStream { dict_from, data })
}

/// The unsigned number after a key in a dictionary's text.
fn number_after(dict: &[u8], key: &[u8]) -> Option<usize> {
    let p = find(dict, key)? + key.len();
    let digits: Vec<u8> = dict[p..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

// memchr's searches, not a comparison at every byte: this pass reads the whole file.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(hay, needle)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}

/// Counts the bytes a stream inflates to, and the words of its index (the object numbers
/// and offsets before `/First`).
struct Counter {
    written: usize,
    index_len: usize,
    tokens: usize,
    in_token: bool,
}

impl Counter {
    fn new(index_len: usize) -> Counter {
        Counter {
            written: 0,
            index_len,
            tokens: 0,
            in_token: false,
        }
    }
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let index = self.index_len.saturating_sub(self.written).min(buf.len());
        for &b in &buf[..index] {
            let word = !b.is_ascii_whitespace();
            self.tokens += usize::from(word && !self.in_token);
            self.in_token = word;
        }
        self.written += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object_stream(index: &str, body: &[u8]) -> Vec<u8> {
        let mut content = index.as_bytes().to_vec();
        content.extend_from_slice(body);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&content).unwrap();
        let data = z.finish().unwrap();
        let mut out = format!(
            "7 0 obj\n<< /Type /ObjStm /N 2 /First {} /Length {} /Filter /FlateDecode >>\nstream\n",
            index.len(),
            data.len()
        )
        .into_bytes();
        out.extend_from_slice(&data);
        out.extend_from_slice(b"\nendstream\nendobj\n");
        out
    }

    #[test]
    fn objects_are_counted_written_out_and_in_object_streams() {
        let mut pdf = b"%PDF-1.5\n1 0 obj\n<< >>\nendobj\n2 0 obj [1 2] endobj\n".to_vec();
        assert_eq!(count_objects(&pdf), 2);
        pdf.extend(object_stream("3 0 4 3 ", b"<<>>[1]"));
        assert_eq!(check(&pdf, 1 << 20, 1 << 20), Ok(()));
        let mut counter = Counter::new(8);
        counter.write_all(b"3 0 4 3 <<>>[1]").unwrap();
        assert_eq!((counter.written, counter.tokens), (15, 4));
    }

    #[test]
    fn streams_that_inflate_past_the_budget_refuse_the_file() {
        let mut pdf = b"%PDF-1.5\n".to_vec();
        for _ in 0..10 {
            pdf.extend(object_stream("1 0 ", &vec![b' '; 100_000]));
        }
        assert_eq!(check(&pdf, 1 << 20, 10 * 100_004), Ok(()));
        assert_eq!(check(&pdf, 1 << 20, 9 * 100_004), Err(Refusal::Streams));
    }
}

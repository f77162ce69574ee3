//! A content stream's operations, read as lopdf's `Content::decode_iter` reads them, with
//! the common grammar (numbers, names, strings, hex strings, flat arrays and dictionaries
//! of these, operators) read here: lopdf's parser combinators cost a quarter of a PDF's extraction
//! (issue 18). At anything else — a comment, an inline image, nested arrays or
//! dictionaries, references, `null`/`true`/`false`, an unusual string or number — the operation and the rest
//! of the stream are handed to lopdf from that operation's start, so every stream gives
//! the operations lopdf would give, and is damaged where lopdf says so (the tests compare
//! the two on tricky streams and on every page of the golden PDFs).

use std::ops::ControlFlow;

use lopdf::content::Content;
use lopdf::{Dictionary, Object, StringFormat};

/// Nesting of parentheses in a literal string read here; deeper ones go to lopdf (which
/// allows 100).
const MAX_STRING_NESTING: usize = 32;

/// Calls `f` with each operation of `data`, in order, until it breaks; true when the stream
/// is damaged (lopdf's decoding fails) before it ends.
pub fn each(data: &[u8], mut f: impl FnMut(&str, &[Object]) -> ControlFlow<()>) -> bool {
    let mut at = skip_white(data, 0);
    let mut operands: Vec<Object> = Vec::new();
    while let Some((operator, next)) = operation(data, at, &mut operands) {
        if f(operator, &operands).is_break() {
            return false;
        }
        at = next;
    }
    for op in Content::decode_iter(&data[at..]) {
        let Ok(op) = op else {
            return true;
        };
        if f(&op.operator, &op.operands).is_break() {
            return false;
        }
    }
    false
}

/// The operation at `at` (its operands into `operands`) and where the next one starts;
/// none when lopdf must read it.
fn operation<'d>(
    data: &'d [u8],
    mut at: usize,
    operands: &mut Vec<Object>,
) -> Option<(&'d str, usize)> {
    operands.clear();
    if data[at..].starts_with(b"BI") {
        return None;
    }
    loop {
        let c = *data.get(at)?;
        let (operand, end) = match c {
            b'0'..=b'9' | b'+' | b'-' | b'.' => number(data, at)?,
            b'/' => name(data, at),
            b'(' => string(data, at)?,
            b'<' if data.get(at + 1) == Some(&b'<') => dictionary(data, at)?,
            b'<' => hex(data, at)?,
            b'[' => array(data, at)?,
            _ if is_operator(c) => {
                let rest = &data[at..];
                if rest.starts_with(b"null")
                    || rest.starts_with(b"true")
                    || rest.starts_with(b"false")
                {
                    return None;
                }
                let end = at + rest.iter().take_while(|&&c| is_operator(c)).count();
                // Operator bytes are ASCII.
                let operator = std::str::from_utf8(&data[at..end]).ok()?;
                return Some((operator, skip_white(data, end)));
            }
            _ => return None,
        };
        operands.push(operand);
        at = skip_white(data, end);
    }
}

/// PDF white space (no comments: a comment goes to lopdf).
fn is_white(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0C')
}

fn skip_white(data: &[u8], at: usize) -> usize {
    at + data[at..].iter().take_while(|&&c| is_white(c)).count()
}

/// An operator's bytes (the first never a digit: it starts a number, read before).
fn is_operator(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'*' | b'\'' | b'"')
}

fn digits(data: &[u8], at: usize) -> usize {
    data[at..].iter().take_while(|c| c.is_ascii_digit()).count()
}

/// A real (`[+-]` then `d+.d*` or `.d+`, then any digits and minus signs, which are
/// dropped: `0.00-4142502`) or else an integer; none for what is neither, or an integer
/// beyond i64.
fn number(data: &[u8], at: usize) -> Option<(Object, usize)> {
    let signed = matches!(data[at], b'+' | b'-');
    let unsigned = at + usize::from(signed);
    let whole = digits(data, unsigned);
    let point = unsigned + whole;
    let real_end = if data.get(point) == Some(&b'.') {
        let fraction = digits(data, point + 1);
        (whole > 0 || fraction > 0).then_some(point + 1 + fraction)
    } else {
        None
    };
    if let Some(end) = real_end {
        let end = end
            + data[end..]
                .iter()
                .take_while(|&&c| c == b'-' || c.is_ascii_digit())
                .count();
        let written = &data[at..end];
        let value = if written[1..].contains(&b'-') {
            let mut kept = vec![written[0]];
            kept.extend(written[1..].iter().filter(|&&c| c != b'-'));
            std::str::from_utf8(&kept).ok()?.parse::<f32>().ok()?
        } else {
            std::str::from_utf8(written).ok()?.parse::<f32>().ok()?
        };
        return Some((Object::Real(value), end));
    }
    if whole == 0 {
        return None;
    }
    let magnitude = data[unsigned..point]
        .iter()
        .try_fold(0u64, |value, &digit| {
            value.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
        })?;
    let value = if data[at] == b'-' {
        0i64.checked_sub_unsigned(magnitude)?
    } else {
        i64::try_from(magnitude).ok()?
    };
    Some((Object::Integer(value), point))
}

/// A name: `/` and regular bytes, `#` and two hex digits standing for one byte (any other
/// `#` ends it).
fn name(data: &[u8], at: usize) -> (Object, usize) {
    let mut bytes = Vec::new();
    let mut at = at + 1;
    loop {
        let run = data[at..]
            .iter()
            .take_while(|&&c| c != b'#' && is_regular(c))
            .count();
        bytes.extend_from_slice(&data[at..at + run]);
        at += run;
        match (data.get(at), data.get(at + 1), data.get(at + 2)) {
            (Some(b'#'), Some(&high), Some(&low)) => match (hex_value(high), hex_value(low)) {
                (Some(high), Some(low)) => {
                    bytes.push(high << 4 | low);
                    at += 3;
                }
                _ => return (Object::Name(bytes), at),
            },
            _ => return (Object::Name(bytes), at),
        }
    }
}

fn is_regular(c: u8) -> bool {
    !is_white(c) && !b"()<>[]{}/%".contains(&c)
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|v| v as u8)
}

/// A literal string's bytes from just after its `(` into `out`, with escapes and line ends
/// read as PDF says; where it ends (after its `)`). None when it does not end, or nests
/// deeper than `depth`.
fn literal(data: &[u8], mut at: usize, depth: usize, out: &mut Vec<u8>) -> Option<usize> {
    loop {
        match *data.get(at)? {
            b')' => return Some(at + 1),
            b'(' => {
                out.push(b'(');
                at = literal(data, at + 1, depth.checked_sub(1)?, out)?;
                out.push(b')');
            }
            b'\r' | b'\n' => {
                out.push(b'\n');
                at += 1 + usize::from(data[at..].starts_with(b"\r\n"));
            }
            b'\\' => {
                let c = *data.get(at + 1)?;
                at += 2;
                match c {
                    b'0'..=b'7' => {
                        let more = data[at..]
                            .iter()
                            .take(2)
                            .take_while(|c| matches!(c, b'0'..=b'7'))
                            .count();
                        let value = data[at - 1..at + more]
                            .iter()
                            .fold(0u16, |v, &d| v * 8 + u16::from(d - b'0'));
                        out.push(value as u8);
                        at += more;
                    }
                    // A line continuation: nothing.
                    b'\r' => at += usize::from(data.get(at) == Some(&b'\n')),
                    b'\n' => {}
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(b'\x08'),
                    b'f' => out.push(b'\x0C'),
                    other => out.push(other),
                }
            }
            _ => {
                let run = data[at..]
                    .iter()
                    .take_while(|c| !b"()\\\r\n".contains(c))
                    .count();
                out.extend_from_slice(&data[at..at + run]);
                at += run;
            }
        }
    }
}

/// A hex string `<…>` (white space between digits; an odd last digit is a high nibble);
/// none for a dictionary `<<` or anything but hex digits inside.
fn hex(data: &[u8], at: usize) -> Option<(Object, usize)> {
    let mut bytes = Vec::new();
    let mut high = true;
    let mut at = at + 1;
    loop {
        at = skip_white(data, at);
        let c = *data.get(at)?;
        if c == b'>' {
            return Some((Object::String(bytes, StringFormat::Hexadecimal), at + 1));
        }
        let v = hex_value(c)?;
        if high {
            bytes.push(v << 4);
        } else if let Some(last) = bytes.last_mut() {
            *last |= v;
        }
        high = !high;
        at += 1;
    }
}

/// An array of numbers, names and strings (what `TJ` and `d` take); none for anything
/// else inside (see [`element`]).
fn array(data: &[u8], at: usize) -> Option<(Object, usize)> {
    let mut items = Vec::new();
    let mut at = skip_white(data, at + 1);
    loop {
        if data.get(at) == Some(&b']') {
            return Some((Object::Array(items), at + 1));
        }
        let (item, end) = element(data, at)?;
        items.push(item);
        at = skip_white(data, end);
    }
}

/// A dictionary of names to numbers, names and strings (what a marked-content operator
/// takes: `/P <</MCID 0>> BDC`); none for anything else inside (see [`element`]).
fn dictionary(data: &[u8], at: usize) -> Option<(Object, usize)> {
    let mut dict = Dictionary::new();
    let mut at = skip_white(data, at + 2);
    loop {
        match *data.get(at)? {
            b'>' if data.get(at + 1) == Some(&b'>') => {
                return Some((Object::Dictionary(dict), at + 2));
            }
            b'/' => {
                let (Object::Name(key), end) = name(data, at) else {
                    return None;
                };
                let (value, end) = element(data, skip_white(data, end))?;
                dict.set(key, value);
                at = skip_white(data, end);
            }
            _ => return None,
        }
    }
}

/// A number, name or string inside an array or a dictionary; none for anything else
/// (nested arrays and dictionaries, references, comments, keywords), which lopdf reads.
fn element(data: &[u8], at: usize) -> Option<(Object, usize)> {
    match *data.get(at)? {
        b'0'..=b'9' if is_reference(data, at) => None,
        b'0'..=b'9' | b'+' | b'-' | b'.' => number(data, at),
        b'/' => Some(name(data, at)),
        b'(' => string(data, at),
        b'<' if data.get(at + 1) != Some(&b'<') => hex(data, at),
        _ => None,
    }
}

/// A literal string `(…)`.
fn string(data: &[u8], at: usize) -> Option<(Object, usize)> {
    let mut text = Vec::new();
    let end = literal(data, at + 1, MAX_STRING_NESTING, &mut text)?;
    Some((Object::String(text, StringFormat::Literal), end))
}

/// Whether `at` starts `digits digits R`, which lopdf reads as a reference.
fn is_reference(data: &[u8], at: usize) -> bool {
    let at = at + digits(data, at);
    let second = skip_white(data, at);
    if second == at {
        return false;
    }
    let n = digits(data, second);
    n > 0 && data.get(skip_white(data, second + n)) == Some(&b'R')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The operations and damage of `data` as lopdf alone reads them, and as `each` does.
    fn both(data: &[u8]) -> (String, String) {
        let mut ours = String::new();
        let broken = each(data, |op, operands| {
            ours.push_str(&format!("{op} {operands:?}\n"));
            ControlFlow::Continue(())
        });
        ours.push_str(&format!("broken: {broken}"));
        let mut theirs = String::new();
        let mut broken = false;
        for op in Content::decode_iter(data) {
            match op {
                Ok(op) => theirs.push_str(&format!("{} {:?}\n", op.operator, op.operands)),
                Err(_) => {
                    broken = true;
                    break;
                }
            }
        }
        theirs.push_str(&format!("broken: {broken}"));
        (ours, theirs)
    }

    #[test]
    fn tricky_streams_give_what_lopdf_gives() {
        for stream in [
            &b"BT /F1 12 Tf 1 0 0 1 72.5 700 Tm (Hello) Tj ET"[..],
            b"  \n q 1 0 0 1 0 0 cm Q\r\n",
            b"[(A) -120 (B) 3.5 <0041 0042>] TJ",
            b"[(A)1 0 R] TJ (after) Tj",
            b"[(A) 1 0] TJ",
            b"0.00-4142502 Tc -1.5-3 Tw .5 Tz +7 TL -.25 Ts 5. g",
            b"1.5.3 0 Td",
            b"12Tf 3 4Td",
            b"99999999999999999999 Tc (x) Tj",
            b"- 1 Tc",
            b". Tc",
            b"/Na#6De /F#2 /#41#42C Tf",
            b"(a\\(b\\)c\\\\d\\n\\r\\t\\b\\f\\q\\101\\0\\777\\12x) Tj",
            b"(line\ncontinued\\\nhere\r\nand\rthere) Tj",
            b"(nested (one (two)) end) Tj",
            b"(unterminated Tj",
            b"(ends in escape\\",
            b"<48 65\n6C6 C6F5> Tj <4> Tj <> Tj <4G> Tj",
            b"<< /MCID 0 >> BDC (x) Tj EMC",
            b"/P <</MCID 3>> BDC EMC",
            b"/P <</MCID 3 /MCID 4 /Alt (x) /Lang <656E> /Rect [1 2.5]>>BDC EMC",
            b"/P <</Ref 1 0 R>> BDC /P <</Sub <</A 1>> >> BDC /P <</On true>> BDC",
            b"/P <</K>> BDC /P <<1 2>> BDC /P <</K 1 % c\n>> BDC /P <</K 1> BDC",
            b"/P <</K 1",
            b"% a comment\n(x) Tj % another\n(y) Tj",
            b"(x) Tj\n%last",
            b"null Tc true Tw false Tz nullx Tc",
            b"n 1 0 0 1 0 0 cm f* W n",
            b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 EI Q",
            b"BI /W 1 /H 1 ID x EI Q",
            b"d0 10 0 d1 0 0 100 100 re",
            b"[[1 2] 3] d0",
            b"[/Name (s) <41>] x",
            b"[ 3 ] 0 d",
            b"[ % comment\n 3 ] 0 d",
            b"1 2 ] re",
            b"(x) Tj ) Tj (y) Tj",
            b"' \" Tj",
            b"\x00\x0C (x) Tj",
            b"(a) Tj {",
            b"",
            b"   ",
        ] {
            let (ours, theirs) = both(stream);
            assert_eq!(ours, theirs, "{}", String::from_utf8_lossy(stream));
        }
    }

    /// Every content stream of every golden PDF reads the same both ways.
    #[test]
    fn every_golden_page_gives_what_lopdf_gives() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
        let (mut pages, mut whole) = (0, 0);
        for dir in std::fs::read_dir(root).unwrap() {
            let path = dir.unwrap().path().join("input.pdf");
            let Ok(doc) = lopdf::Document::load(&path) else {
                continue;
            };
            for (_, id) in doc.get_pages() {
                let data = doc.get_page_content(id);
                let (ours, theirs) = both(&data);
                assert_eq!(ours, theirs, "{}", path.display());
                pages += 1;
                // Read here to the end, or handed to lopdf part way.
                let mut at = skip_white(&data, 0);
                while let Some((_, next)) = operation(&data, at, &mut Vec::new()) {
                    at = next;
                }
                whole += usize::from(at == data.len());
            }
        }
        assert!(pages >= 30, "only {pages} pages read");
        // Not a vacuous comparison: most pages never reach lopdf's parser.
        assert!(
            whole * 10 >= pages * 8,
            "{whole} of {pages} pages read here whole"
        );
    }

    #[test]
    fn a_shown_array_is_read_here() {
        let mut operands = Vec::new();
        let data = b"[(A) -120 <42>] TJ\n";
        let (operator, next) = operation(data, 0, &mut operands).unwrap();
        assert_eq!((operator, next), ("TJ", data.len()));
        assert_eq!(
            operands,
            [Object::Array(vec![
                Object::string_literal("A"),
                Object::Integer(-120),
                Object::String(b"B".to_vec(), StringFormat::Hexadecimal),
            ])]
        );
    }

    /// Fails on the first stream `each` reads otherwise than lopdf.
    fn assert_read_as_lopdf(data: &[u8]) {
        let (ours, theirs) = both(data);
        assert_eq!(ours, theirs, "{:?}", String::from_utf8_lossy(data));
    }

    #[test]
    fn random_fragments_read_as_lopdf_reads_them() {
        let frags: &[&[u8]] = &[
            b" ",
            b"\n",
            b"\r",
            b"\r\n",
            b"\t",
            b"\0",
            b"\x0C",
            b"0",
            b"1",
            b"9",
            b"12",
            b"+",
            b"-",
            b".",
            b"e",
            b"E",
            b"(",
            b")",
            b"\\",
            b"\\\\",
            b"\\1",
            b"\\12",
            b"\\377",
            b"\\8",
            b"\\\r",
            b"\\\n",
            b"\\\r\n",
            b"<",
            b">",
            b"<<",
            b">>",
            b"[",
            b"]",
            b"{",
            b"}",
            b"/",
            b"#",
            b"#4",
            b"#41",
            b"#g1",
            b"%",
            b"R",
            b"0 R",
            b"1 0 R",
            b"Tj",
            b"TJ",
            b"Tf",
            b"Td",
            b"BI",
            b"ID",
            b"EI",
            b"d0",
            b"'",
            b"\"",
            b"*",
            b"true",
            b"false",
            b"null",
            b"t",
            b"f",
            b"n",
            b"a",
            b"F",
            b"\x80",
            b"\xff",
            b"BT",
            b"ET",
            b"q",
            b"Q",
            b"cm",
            b"BDC",
            b"/P",
            b"/MCID",
            b"99999999999999999999",
            b"9223372036854775808",
            b"-9223372036854775808",
            b"1e5",
            b"0x",
            b"A",
            b"f0",
            b"_",
            b"~",
            b"4294967296 0 R",
            b"1 65536 R",
        ];
        let mut rnd = crate::test_hooks::xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let mut data = Vec::new();
            for _ in 0..rnd() % 14 {
                if rnd().is_multiple_of(20) {
                    data.push(rnd() as u8);
                } else {
                    data.extend_from_slice(frags[(rnd() % frags.len() as u64) as usize]);
                }
            }
            assert_read_as_lopdf(&data);
        }
    }

    #[test]
    fn random_token_streams_read_as_lopdf_reads_them() {
        let toks: &[&[u8]] = &[
            b"0",
            b"1",
            b"-2",
            b"+3",
            b".5",
            b"-.5",
            b"+.5",
            b"5.",
            b"-5.",
            b"1.5",
            b"0.00-41",
            b"1.2.3",
            b"--5",
            b"-+5",
            b"1.5-",
            b"-",
            b"+",
            b".",
            b"-.",
            b"007",
            b"1e3",
            b"9223372036854775807",
            b"9223372036854775808",
            b"-9223372036854775808",
            b"-9223372036854775809",
            b"99999999999999999999999.5",
            b"/F1",
            b"/",
            b"/a#41",
            b"/a#4",
            b"/a#",
            b"/a#zz",
            b"/#20",
            b"/a/b",
            b"/a(b)",
            b"/\x80",
            b"(x)",
            b"()",
            b"(a(b)c)",
            b"(a\\)b)",
            b"(\\101)",
            b"(\\0)",
            b"(\\777)",
            b"(\\1234)",
            b"(\\8)",
            b"(a\\\\nb)",
            b"(a\\\nb)",
            b"(a\\\r\nb)",
            b"(a\\\rb)",
            b"(a\rb)",
            b"(a\r\nb)",
            b"(\\q)",
            b"(\\",
            b"(((((x)))))",
            b"(a",
            b"<41>",
            b"<4>",
            b"<>",
            b"< 4 1 >",
            b"<4\x001>",
            b"<4G>",
            b"<4 1",
            b"<\x0C41>",
            b"[1 2]",
            b"[]",
            b"[ ]",
            b"[(a)-1(b)]",
            b"[1 0 R]",
            b"[1 0R]",
            b"[1 2 3]",
            b"[/a 1.5]",
            b"[[1]]",
            b"[<41><42>]",
            b"[(a)%c\n]",
            b"[true]",
            b"[1",
            b"<</A 1>>",
            b"<<>>",
            b"<< /A /B >>",
            b"<</A(x)/B<41>>>",
            b"<</A [1]>>",
            b"<</A 1 0 R>>",
            b"<</A>>",
            b"<</A 1>",
            b"<<1 2>>",
            b"<</A -.5>>",
            b"<</A+5>>",
            b"Tj",
            b"TJ",
            b"Tf",
            b"Td",
            b"cm",
            b"re",
            b"d0",
            b"d1",
            b"'",
            b"\"",
            b"T*",
            b"BT",
            b"ET",
            b"BDC",
            b"EMC",
            b"q",
            b"Q",
            b"n",
            b"f",
            b"t",
            b"true",
            b"false",
            b"null",
            b"nul",
            b"tru",
            b"truex",
            b"BI",
            b"ID",
            b"EI",
            b"BX",
            b"EX",
            b"Do",
            b"%c\n",
            b"%",
            b"{",
            b"}",
            b")",
            b">",
            b"]",
            b">>",
            b"\x80",
            b"R",
            b"1 0 R",
            b"12 0 obj",
            b"<</A 1 0R>>",
            b"[1 2R]",
            b"[1\n0\nR]",
            b"[99999999999 0 R]",
            b"[1 99999 R]",
        ];
        let seps: &[&[u8]] = &[
            b" ", b" ", b" ", b"", b"\n", b"\r\n", b"\r", b"\t", b"\x00", b"\x0C", b"  ",
        ];
        let mut rnd = crate::test_hooks::xorshift(0x1234_5678_9ABC_DEF1);
        let mut whole = 0;
        for _ in 0..20_000 {
            let mut data = Vec::new();
            for _ in 0..rnd() % 12 + 1 {
                data.extend_from_slice(toks[(rnd() % toks.len() as u64) as usize]);
                data.extend_from_slice(seps[(rnd() % seps.len() as u64) as usize]);
            }
            if rnd().is_multiple_of(4) {
                let i = (rnd() % data.len() as u64) as usize;
                data[i] = rnd() as u8;
            }
            let mut at = skip_white(&data, 0);
            while let Some((_, next)) = operation(&data, at, &mut Vec::new()) {
                at = next;
            }
            whole += usize::from(at == data.len());
            assert_read_as_lopdf(&data);
        }
        // Some streams are read to their end here, without lopdf.
        assert!(whole > 0);
    }

    #[test]
    fn mutated_golden_pages_read_as_lopdf_reads_them() {
        let ins: &[&[u8]] = &[
            b"-", b"+", b".", b"(", b")", b"\\", b"<", b">", b"[", b"]", b"/", b"#", b"%", b" ",
            b"\n", b"\0", b"R", b"0", b"e", b"<<", b">>", b"true", b"BI", b"\r",
        ];
        let mut rnd = crate::test_hooks::xorshift(0xDEAD_BEEF_1234_5677);
        let mut pages = 0;
        let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
        for case in std::fs::read_dir(golden).unwrap() {
            let Ok(doc) = lopdf::Document::load(case.unwrap().path().join("input.pdf")) else {
                continue;
            };
            for (_, id) in doc.get_pages() {
                let page = doc.get_page_content(id);
                if page.is_empty() {
                    continue;
                }
                pages += 1;
                for _ in 0..60 {
                    let mut data = page.clone();
                    for _ in 0..1 + rnd() % 3 {
                        let i = (rnd() % data.len() as u64) as usize;
                        match rnd() % 3 {
                            0 => data[i] = rnd() as u8,
                            1 => {
                                let t = ins[(rnd() % ins.len() as u64) as usize];
                                data.splice(i..i, t.iter().copied());
                            }
                            _ if data.len() > 1 => {
                                data.remove(i);
                            }
                            _ => {}
                        }
                    }
                    assert_read_as_lopdf(&data);
                }
            }
        }
        assert!(pages >= 10, "{pages} golden PDF pages");
    }
}

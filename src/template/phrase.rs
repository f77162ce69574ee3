//! Table anchors and header rows, found by comparing characters instead of through a
//! regular expression. Each is what a pattern of whitespace-separated characters matches
//! (`第\s*二\s*十\s*条\s*第`; a header row `信\s*息\s*内\s*容[\s|]*(?:[^\s|]\s*){0,2}本\s*年…`),
//! found at the same places: building those patterns' automata cost more than the rest of
//! reading a short PDF (every `\s` and `[^\s|]` is a Unicode class compiled anew, forward
//! and reverse), and an anchor is found in a few comparisons of characters.
//!
//! `\s` is Unicode's White_Space, as [`char::is_whitespace`] is (a test holds the two
//! equal over every character). A phrase whose own characters make the greedy gaps give
//! back what they took (whitespace inside an anchor, a header row's words starting with
//! `|`) keeps its regular expression: the built-in templates have none, a template file
//! may.

/// What a table pattern matches; see the module's documentation.
#[derive(Debug)]
pub enum TablePattern {
    Chars(SpacedChars),
    /// The regular expression, where comparing characters would not match as it does.
    Regex(regex::Regex),
}

/// Characters with whitespace allowed between them (an anchor, a header row's header),
/// and for a header row the column's words after a gap: whitespace and `|`, then at most
/// two other characters, each followed by whitespace.
#[derive(Debug)]
pub struct SpacedChars {
    lead: Vec<char>,
    words: Option<Vec<char>>,
}

/// Where a pattern matched: byte offsets into the text searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found(usize, usize);

impl Found {
    pub fn start(&self) -> usize {
        self.0
    }
    pub fn end(&self) -> usize {
        self.1
    }
}

impl TablePattern {
    /// The pattern `c1\s*c2\s*…` of an anchor's characters.
    pub fn anchor(anchor: &str) -> Option<TablePattern> {
        if anchor.chars().any(char::is_whitespace) {
            return spaced_regex(anchor).map(TablePattern::Regex);
        }
        Some(TablePattern::Chars(SpacedChars {
            lead: anchor.chars().collect(),
            words: None,
        }))
    }

    /// The pattern of a header row: `header` and the column's `words`, their whitespace
    /// dropped.
    pub fn header_row(header: &str, words: &str) -> Option<TablePattern> {
        let header: String = header.chars().filter(|c| !c.is_whitespace()).collect();
        let words: String = words.chars().filter(|c| !c.is_whitespace()).collect();
        // No header, no header row: every character would be a place to start looking.
        if header.is_empty() {
            return None;
        }
        if words.starts_with('|') {
            return regex::Regex::new(&header_row_regex(&header, &words))
                .ok()
                .map(TablePattern::Regex);
        }
        Some(TablePattern::Chars(SpacedChars {
            lead: header.chars().collect(),
            words: Some(words.chars().collect()),
        }))
    }

    /// The leftmost match starting at `start` or after (as `Regex::find_at`).
    pub fn find_at(&self, text: &str, start: usize) -> Option<Found> {
        match self {
            TablePattern::Chars(chars) => chars.find_at(text, start),
            TablePattern::Regex(re) => re.find_at(text, start).map(|m| Found(m.start(), m.end())),
        }
    }

    /// The successive matches that do not overlap (as `Regex::find_iter`).
    pub fn find_iter<'p, 't>(&'p self, text: &'t str) -> impl Iterator<Item = Found> + 'p
    where
        't: 'p,
    {
        let mut next = Some(0);
        std::iter::from_fn(move || {
            let found = self.find_at(text, next?)?;
            // After an empty match the search goes on a character later.
            next = if found.end() > found.start() {
                Some(found.end())
            } else {
                text[found.end()..]
                    .chars()
                    .next()
                    .map(|c| found.end() + c.len_utf8())
            };
            Some(found)
        })
    }
}

impl SpacedChars {
    fn find_at(&self, text: &str, start: usize) -> Option<Found> {
        let mut at = start.min(text.len());
        while !text.is_char_boundary(at) {
            at += 1;
        }
        // A match starts with the first character, where there is one; else anywhere.
        let candidates: Box<dyn Iterator<Item = usize>> = match self.lead.first() {
            Some(&c) => Box::new(text[at..].match_indices(c).map(move |(i, _)| at + i)),
            None => Box::new(
                text[at..]
                    .char_indices()
                    .map(move |(i, _)| at + i)
                    .chain([text.len()]),
            ),
        };
        candidates
            .into_iter()
            .find_map(|s| self.match_at(text, s).map(|end| Found(s, end)))
    }

    /// Where a match starting at `s` ends, if one does. Every gap is greedy and what
    /// follows it is never whitespace (nor `|` after the header), so taking all of it is
    /// what the regular expression's backtracking ends with.
    fn match_at(&self, text: &str, s: usize) -> Option<usize> {
        let lead_end = spaced_at(text, s, &self.lead)?;
        let Some(words) = &self.words else {
            return Some(lead_end);
        };
        let gap = skip(text, lead_end, |c| c.is_whitespace() || c == '|');
        // `{0,2}` is greedy: two characters before the words first, then one, then none.
        (0..=2).rev().find_map(|extra| {
            let mut at = gap;
            for _ in 0..extra {
                let c = text[at..].chars().next()?;
                if c.is_whitespace() || c == '|' {
                    return None;
                }
                at = skip(text, at + c.len_utf8(), char::is_whitespace);
            }
            spaced_at(text, at, words)
        })
    }
}

/// Where `chars`, whitespace allowed between them, end when they start at `at`.
fn spaced_at(text: &str, mut at: usize, chars: &[char]) -> Option<usize> {
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 {
            at = skip(text, at, char::is_whitespace);
        }
        if !text[at..].starts_with(c) {
            return None;
        }
        at += c.len_utf8();
    }
    Some(at)
}

/// The end of the run of characters `skipped` from `at`.
fn skip(text: &str, at: usize, skipped: impl Fn(char) -> bool) -> usize {
    text[at..]
        .char_indices()
        .find(|&(_, c)| !skipped(c))
        .map_or(text.len(), |(i, _)| at + i)
}

/// The characters of `text` as literals with `\s*` between them.
fn spaced_source(text: &str) -> String {
    let pattern: Vec<String> = text
        .chars()
        .map(|c| regex::escape(&c.to_string()))
        .collect();
    pattern.join(r"\s*")
}

fn spaced_regex(text: &str) -> Option<regex::Regex> {
    regex::Regex::new(&spaced_source(text)).ok()
}

/// A header row's regular expression, `header` and `words` without whitespace.
fn header_row_regex(header: &str, words: &str) -> String {
    format!(
        r"{}[\s|]*(?:[^\s|]\s*){{0,2}}{}",
        spaced_source(header),
        spaced_source(words)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    /// The regular expression each pattern stands for, as it was built before.
    fn reference(pattern: &TablePattern) -> regex::Regex {
        match pattern {
            TablePattern::Chars(SpacedChars { lead, words }) => {
                let lead: String = lead.iter().collect();
                let source = match words {
                    None => spaced_source(&lead),
                    Some(words) => header_row_regex(&lead, &words.iter().collect::<String>()),
                };
                regex::Regex::new(&source).unwrap()
            }
            TablePattern::Regex(re) => re.clone(),
        }
    }

    fn assert_same(pattern: &TablePattern, text: &str) {
        let re = reference(pattern);
        let ours: Vec<Range<usize>> = pattern
            .find_iter(text)
            .map(|f| f.start()..f.end())
            .collect();
        let theirs: Vec<Range<usize>> = re.find_iter(text).map(|m| m.range()).collect();
        assert_eq!(ours, theirs, "{pattern:?} in {text:?}");
        for start in 0..=text.len() {
            let ours = pattern.find_at(text, start).map(|f| f.start()..f.end());
            let theirs = text
                .is_char_boundary(start)
                .then(|| re.find_at(text, start).map(|m| m.range()));
            if let Some(theirs) = theirs {
                assert_eq!(ours, theirs, "{pattern:?} in {text:?} from {start}");
            }
        }
    }

    #[test]
    fn whitespace_is_what_regex_calls_whitespace() {
        let re = regex::Regex::new(r"^\s$").unwrap();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(re.is_match(&c.to_string()), c.is_whitespace(), "{c:?}");
        }
    }

    #[test]
    fn anchors_and_header_rows_match_where_their_regular_expressions_do() {
        let patterns = [
            TablePattern::anchor("第二十条第").unwrap(),
            TablePattern::anchor("第二十条(").unwrap(),
            TablePattern::anchor("行政复议").unwrap(),
            TablePattern::anchor("").unwrap(),
            TablePattern::anchor("条条").unwrap(),
            TablePattern::header_row("信息内容", "本年制发件数").unwrap(),
            TablePattern::header_row("信 息", "处理决定数量").unwrap(),
            TablePattern::header_row("信息", "信息").unwrap(),
        ];
        // Texts drawn from the patterns' own characters, whitespace of several kinds,
        // pipes and others, so that near misses, gaps and overlaps all come up.
        let alphabet: Vec<char> = "第二十条(信息内容本年制发件数处理决定行政复议 \t\u{3000}\n|x一"
            .chars()
            .collect();
        let mut next = crate::test_hooks::xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let mut text = String::new();
            let len = (next() % 24) as usize;
            for _ in 0..len {
                text.push(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            for pattern in &patterns {
                assert_same(pattern, &text);
            }
        }
        for text in [
            "第二十条 第（一）项 第 二十 条\u{3000}第",
            "信息内容 | 本年新 制发件数",
            "信息内容|| x 一 本年制发件数",
            "信息内容 xx一本年制发件数 信息内容 本年制发件数",
            "条条条",
        ] {
            for pattern in &patterns {
                assert_same(pattern, text);
            }
        }
    }

    #[test]
    fn what_the_characters_cannot_match_keeps_its_regular_expression() {
        let spaced = TablePattern::anchor("第 二").unwrap();
        assert!(matches!(spaced, TablePattern::Regex(_)));
        assert_eq!(
            spaced
                .find_iter("第 二 第  二")
                .map(|f| f.start()..f.end())
                .collect::<Vec<_>>(),
            vec![0..7, 8..16]
        );
        let piped = TablePattern::header_row("信息", "|数").unwrap();
        assert!(matches!(piped, TablePattern::Regex(_)));
        assert_eq!(
            piped.find_at("x信息 ||数", 0).map(|f| f.start()..f.end()),
            Some(1..13)
        );
    }

    #[test]
    fn a_header_row_without_a_header_is_none() {
        // Every character would be a start, each skipping the white space after it.
        assert!(TablePattern::header_row(" \t", "件").is_none());
        assert!(TablePattern::header_row("", "|件").is_none());
    }
}

//! Regular expressions built only when a text could match them. Building an automaton
//! costs far more than searching a paragraph (a bounded repeat of a Unicode class is
//! compiled once per count, forward and reverse): a pattern is parsed at first use, the
//! literals every match of it holds are taken from the parse, and its automaton is built
//! the first time a text holds them. A text that does not hold them cannot match, so the
//! matches are those of the regular expression.

use std::sync::OnceLock;

use memchr::memmem::Finder;
use regex::{Captures, Regex};
use regex_syntax::hir::{Hir, HirKind};

#[derive(Debug)]
pub struct LazyRegex {
    source: String,
    /// Every match holds one of the strings of each set. Each searched for by a finder made
    /// once: `str::contains` prepares its search anew at every call, which cost more than
    /// the search in the short texts patterns are tried on.
    needs: Vec<Vec<Finder<'static>>>,
    /// None for a pattern that parses but does not build (an automaton over the size
    /// limit): it never matches.
    regex: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    /// The pattern, when it parses.
    pub fn new(source: &str) -> Option<LazyRegex> {
        let hir = regex_syntax::Parser::new().parse(source).ok()?;
        Some(LazyRegex {
            source: source.to_string(),
            needs: needs(&hir)
                .iter()
                .map(|any| any.iter().map(|s| Finder::new(s).into_owned()).collect())
                .collect(),
            regex: OnceLock::new(),
        })
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.regex_for(text).is_some_and(|re| re.is_match(text))
    }

    pub fn captures<'t>(&self, text: &'t str) -> Option<Captures<'t>> {
        self.regex_for(text)?.captures(text)
    }

    pub fn captures_iter<'r, 't: 'r>(
        &'r self,
        text: &'t str,
    ) -> impl Iterator<Item = Captures<'t>> + 'r {
        self.regex_for(text)
            .into_iter()
            .flat_map(move |re| re.captures_iter(text))
    }

    /// The automaton, when `text` holds what every match holds.
    fn regex_for(&self, text: &str) -> Option<&Regex> {
        if !self
            .needs
            .iter()
            .all(|any| any.iter().any(|s| s.find(text.as_bytes()).is_some()))
        {
            return None;
        }
        self.regex
            .get_or_init(|| Regex::new(&self.source).ok())
            .as_ref()
    }
}

/// Sets of strings every match of `hir` holds one of each of: a literal; what a group or
/// a repeat of at least one holds; all that the parts of a concatenation hold; one of
/// the branches of an alternation of literals. Nothing else is asked for (a class, a
/// look-around, an optional part, other alternations).
fn needs(hir: &Hir) -> Vec<Vec<String>> {
    let literal = |hir: &Hir| match hir.kind() {
        HirKind::Literal(lit) => std::str::from_utf8(&lit.0).ok().map(str::to_string),
        _ => None,
    };
    match hir.kind() {
        HirKind::Literal(_) => literal(hir).map(|s| vec![vec![s]]).unwrap_or_default(),
        HirKind::Capture(group) => needs(&group.sub),
        HirKind::Repetition(rep) if rep.min > 0 => needs(&rep.sub),
        HirKind::Concat(parts) => parts.iter().flat_map(needs).collect(),
        HirKind::Alternation(branches) => branches
            .iter()
            .map(literal)
            .collect::<Option<Vec<String>>>()
            .map(|any| vec![any])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs_of(pattern: &str) -> Vec<Vec<String>> {
        LazyRegex::new(pattern)
            .unwrap()
            .needs
            .iter()
            .map(|any| {
                any.iter()
                    .map(|s| String::from_utf8(s.needle().to_vec()).unwrap())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn literals_every_match_holds_are_asked_for() {
        assert_eq!(
            needs_of(r"上年结转[^。；;，,]{0,12}?申请(?:共|数量)?([0-9]+)件"),
            [["上年结转"], ["申请"], ["件"]]
        );
        assert_eq!(
            needs_of(r"^(上一篇|下一篇)[:：]"),
            [vec!["上一篇", "下一篇"]]
        );
        assert_eq!(needs_of(r"(?:行政)+复议(案件)?"), [["行政"], ["复议"]]);
        // Optional parts, classes, mixed alternations and case-insensitive letters hold
        // nothing for sure.
        assert!(needs_of(r"(?:工作)?[0-9]+|x").is_empty());
        assert!(needs_of(r"(?:a|b+)").is_empty());
        assert!(needs_of(r"(?i)page").is_empty());
    }

    #[test]
    fn matches_are_the_regular_expressions() {
        let patterns = [
            r"(?:收到|受理|新收)[^。；;，,]{0,12}?(?:政府信息公开|信息公开)?申请(?:共|数量)?([0-9]+)件",
            r"([0-9]+)件[^。；;，,0-9]{0,16}?行政复议",
            r"^(上一篇|下一篇)[:：]",
            r"^[0-9]{1,4}/[0-9]{1,4}$",
        ];
        let texts = [
            "本年度收到政府信息公开申请12件，上年结转申请3件。",
            "共受理申请5件；新收到申请7件",
            "被申请行政复议2件，3件行政复议",
            "上一篇：某某",
            "下一篇",
            "1/5",
            "12/2024年",
            "",
        ];
        for pattern in patterns {
            let lazy = LazyRegex::new(pattern).unwrap();
            let re = Regex::new(pattern).unwrap();
            for text in texts {
                assert_eq!(lazy.is_match(text), re.is_match(text), "{pattern} {text}");
                let spans = |caps: Option<Captures>| caps.map(|c| c.get(1).map(|m| m.range()));
                assert_eq!(spans(lazy.captures(text)), spans(re.captures(text)));
                let all: Vec<_> = lazy.captures_iter(text).map(|c| c[0].to_string()).collect();
                let theirs: Vec<_> = re.captures_iter(text).map(|c| c[0].to_string()).collect();
                assert_eq!(all, theirs, "{pattern} {text}");
            }
        }
        // A text without the literals builds nothing.
        let lazy = LazyRegex::new(patterns[0]).unwrap();
        assert!(!lazy.is_match("上一篇"));
        assert!(lazy.regex.get().is_none());
    }
}

//! Text as every reader gives it: normalised characters, numbers as printed, page chrome
//! (running headers, footers, page numbers) and traditional script.

pub mod chrome;
pub mod gloss;
pub mod normalise;
pub mod number;
pub mod pattern;
pub mod traditional;

/// The share of undecodable characters (U+FFFD) from which a text counts as mostly
/// undecodable.
pub const UNDECODABLE: f64 = 0.25;

/// The share of U+FFFD among the characters of `texts` that are not white space (0 when
/// there are none).
pub fn undecodable_share<'a>(texts: impl IntoIterator<Item = &'a str>) -> f64 {
    let (mut bad, mut all) = (0usize, 0usize);
    for c in texts
        .into_iter()
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
    {
        all += 1;
        bad += usize::from(c == '\u{FFFD}');
    }
    if all == 0 {
        0.0
    } else {
        bad as f64 / all as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_counts_characters_that_are_not_white_space() {
        assert_eq!(undecodable_share(["\u{FFFD}\u{FFFD} 规章", "  "]), 0.5);
        assert_eq!(undecodable_share(["", " "]), 0.0);
    }
}

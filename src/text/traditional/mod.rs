//! Traditional characters read as their simplified forms, for matching only: mirror sites
//! republish reports in traditional script (`行政許可`, `規範性檔案`), and the templates'
//! labels are simplified. The text written out keeps the characters the source printed.

mod table;

use std::sync::OnceLock;

/// The simplified form of a traditional character, or `None` when it has no other form.
/// Every CJK character of every report passes here: a bit per BMP code point answers the
/// common "no" before any search.
pub fn simplified(c: char) -> Option<char> {
    static MAPPED: OnceLock<Vec<u64>> = OnceLock::new();
    let code = c as usize;
    if !(0x3400..0x10000).contains(&code) {
        return None;
    }
    let mapped = MAPPED.get_or_init(|| {
        let mut bits = vec![0u64; 0x10000 / 64];
        for &(t, _) in table::TABLE {
            bits[t as usize / 64] |= 1 << (t as usize % 64);
        }
        bits
    });
    if mapped[code / 64] & (1 << (code % 64)) == 0 {
        return None;
    }
    table::TABLE
        .binary_search_by_key(&c, |&(t, _)| t)
        .ok()
        .map(|i| table::TABLE[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_of_mirror_sites_fold_to_the_templates() {
        let folded: String = "行政許可 規範性檔案 政府集中採購 行政複議 結轉下年度繼續辦理"
            .chars()
            .map(|c| simplified(c).unwrap_or(c))
            .collect();
        assert_eq!(
            folded,
            "行政许可 规范性档案 政府集中采购 行政复议 结转下年度继续办理"
        );
        assert_eq!(simplified('许'), None);
        assert_eq!(simplified('a'), None);
    }

    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(table::TABLE.windows(2).all(|w| w[0].0 < w[1].0));
    }
}

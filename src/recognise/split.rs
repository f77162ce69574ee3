//! Digit runs with no separators (spec §7.3 item 2, §8 step 5): every way a run can be cut
//! into the row's cells, and the one way — if there is exactly one — that satisfies the
//! table's rules jointly. Several ways leave the cells ambiguous; nothing is guessed.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::template::rules::{CellKey, Outcome, RuleInstance, Term};
use crate::template::ValueKind;
use crate::text::number;

/// One printed token of a row: a number, possibly glued to others, or a blank marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// NFKC text, e.g. `230`, `13575394432.52元`, `-18538`.
    pub text: String,
    /// May hold several cells (inline text); a whole grid cell never does.
    pub splittable: bool,
    pub blank: bool,
    /// The caller's name for the token, given back with each piece cut from it.
    pub item: usize,
}

impl Token {
    /// How many cells this token can make at most.
    fn capacity(&self) -> usize {
        if self.splittable && !self.blank && !self.text.contains(',') {
            self.text.bytes().filter(u8::is_ascii_digit).count().max(1)
        } else {
            1
        }
    }
}

/// One cell of a candidate reading.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Piece {
    Value {
        value: String,
        unit: Option<String>,
    },
    Blank,
    /// Not in the input (a row cut off by the end of an excerpt).
    Missing,
}

/// Where a piece of a reading was printed: bytes of a token's text, by the token's `item`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    pub item: usize,
    pub bytes: Range<usize>,
}

/// One cell of a candidate reading and what it was read from: none for a cell that
/// nothing printed stands for (an empty column of aligned text, the rest of a row an
/// excerpt cut off).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub piece: Piece,
    pub printed: Option<Printed>,
}

impl Slot {
    /// A piece read from a whole token.
    pub fn of_token(piece: Piece, item: usize, text: &str) -> Slot {
        Slot {
            piece,
            printed: Some(Printed {
                item,
                bytes: 0..text.len(),
            }),
        }
    }

    /// A piece nothing printed stands for.
    pub fn unprinted(piece: Piece) -> Slot {
        Slot {
            piece,
            printed: None,
        }
    }
}

/// At most this many readings are listed for one row; a run allowing more is unreadable.
pub const MAX_ROW_READINGS: usize = 20_000;

/// Steps the enumeration of one row may take.
const ENUMERATION_BUDGET: usize = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMany;

/// Every reading of `tokens` as exactly `kinds.len()` cells, in a stable order (shorter
/// first pieces first), each cell with the bytes of the token it was cut from. `Err` when
/// there are too many to list.
pub fn readings(tokens: &[Token], kinds: &[ValueKind]) -> Result<Vec<Vec<Slot>>, TooMany> {
    // capacity[i]: most cells tokens[i..] can make.
    let mut capacity = vec![0usize; tokens.len() + 1];
    for i in (0..tokens.len()).rev() {
        capacity[i] = capacity[i + 1] + tokens[i].capacity();
    }
    let mut e = Enumeration {
        tokens,
        capacity: &capacity,
        out: Vec::new(),
        current: Vec::with_capacity(kinds.len()),
        budget: ENUMERATION_BUDGET,
    };
    e.token(0, kinds)?;
    Ok(e.out)
}

struct Enumeration<'a> {
    tokens: &'a [Token],
    capacity: &'a [usize],
    out: Vec<Vec<Slot>>,
    current: Vec<Slot>,
    budget: usize,
}

impl Enumeration<'_> {
    fn tick(&mut self) -> Result<(), TooMany> {
        self.budget = self.budget.checked_sub(1).ok_or(TooMany)?;
        Ok(())
    }

    /// Reads tokens[t..] into the cells `kinds`.
    fn token(&mut self, t: usize, kinds: &[ValueKind]) -> Result<(), TooMany> {
        self.tick()?;
        let Some(tok) = self.tokens.get(t) else {
            if kinds.is_empty() {
                if self.out.len() >= MAX_ROW_READINGS {
                    return Err(TooMany);
                }
                self.out.push(self.current.clone());
            }
            return Ok(());
        };
        let tokens_left = self.tokens.len() - t;
        if kinds.len() < tokens_left || kinds.len() > self.capacity[t] {
            return Ok(());
        }
        if tok.blank {
            self.current
                .push(Slot::of_token(Piece::Blank, tok.item, &tok.text));
            self.token(t + 1, &kinds[1..])?;
            self.current.pop();
            return Ok(());
        }
        // Thousands separators mark one number, however it is glued.
        if !tok.splittable || tok.text.contains(',') {
            if let number::CellText::Value { value, unit } = number::parse_cell(&tok.text, kinds[0])
            {
                self.current.push(Slot::of_token(
                    Piece::Value { value, unit },
                    tok.item,
                    &tok.text,
                ));
                self.token(t + 1, &kinds[1..])?;
                self.current.pop();
            }
            return Ok(());
        }
        let text = tok.text.clone();
        let (body, unit) = number::split_unit(&text);
        let (sign, digits) = match body.strip_prefix(['-', '+']) {
            Some(d) => (&body[..1], d),
            None => ("", body),
        };
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (digits, None),
        };
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(());
        }
        // Leave one cell at least for each later token.
        let max_pieces = kinds.len() - (tokens_left - 1);
        self.cut(t, (int, sign.len()), frac, sign, unit, kinds, max_pieces)
    }

    /// Cuts the digits `rem` (at byte `at` of token `t`'s text) into pieces for `kinds`;
    /// the sign goes with the first piece, the fraction and unit with the last, each piece
    /// with the bytes it was cut from.
    #[allow(clippy::too_many_arguments)]
    fn cut(
        &mut self,
        t: usize,
        (rem, at): (&str, usize),
        frac: Option<&str>,
        sign: &str,
        unit: Option<&str>,
        kinds: &[ValueKind],
        max_pieces: usize,
    ) -> Result<(), TooMany> {
        self.tick()?;
        let Some(&kind) = kinds.first() else {
            return Ok(());
        };
        if !sign.is_empty() && kind != ValueKind::Signed {
            return Ok(());
        }
        // Can what is left still fill the cells?
        if kinds.len() > rem.len() + self.capacity[t + 1] {
            return Ok(());
        }
        if valid_piece(rem, frac.is_some(), kind) {
            let text = match frac {
                Some(f) => format!("{sign}{rem}.{f}"),
                None => format!("{sign}{rem}"),
            };
            if let Some(value) = number::normalise(&text) {
                let token = &self.tokens[t];
                self.current.push(Slot {
                    piece: Piece::Value {
                        value,
                        unit: unit.map(str::to_string),
                    },
                    printed: Some(Printed {
                        item: token.item,
                        bytes: at - sign.len()..token.text.len(),
                    }),
                });
                self.token(t + 1, &kinds[1..])?;
                self.current.pop();
            }
        }
        if max_pieces > 1 {
            // A longer head is no cell: the loop stays short however long the run.
            for len in 1..rem.len().min(MAX_PIECE_DIGITS + 1) {
                let (head, tail) = rem.split_at(len);
                if !valid_piece(head, false, kind) {
                    continue;
                }
                let Some(value) = number::normalise(&format!("{sign}{head}")) else {
                    continue;
                };
                self.current.push(Slot {
                    piece: Piece::Value { value, unit: None },
                    printed: Some(Printed {
                        item: self.tokens[t].item,
                        bytes: at - sign.len()..at + len,
                    }),
                });
                self.cut(
                    t,
                    (tail, at + len),
                    frac,
                    "",
                    unit,
                    &kinds[1..],
                    max_pieces - 1,
                )?;
                self.current.pop();
            }
        }
        Ok(())
    }
}

/// The most digits a piece cut from a run may have: 10^18 is more than any count or
/// amount a report states, and cutting a run of thousands of digits stays linear.
const MAX_PIECE_DIGITS: usize = 18;

/// A piece of a digit run is a valid cell: no leading zeros but a lone 0, at most
/// [`MAX_PIECE_DIGITS`] digits, a fraction only for amounts.
fn valid_piece(digits: &str, has_fraction: bool, kind: ValueKind) -> bool {
    if digits.is_empty()
        || (digits.len() > 1 && digits.starts_with('0'))
        || digits.len() > MAX_PIECE_DIGITS
    {
        return false;
    }
    !has_fraction || kind == ValueKind::Amount
}

/// One row of a table to solve: its cell keys and its possible readings.
#[derive(Debug, Clone)]
pub struct RowChoice {
    pub row: String,
    pub cols: Vec<String>,
    /// Empty when the row was not found or could not be read.
    pub readings: Vec<Vec<Slot>>,
    /// The readings come from cutting digit runs: then a reading that breaks the row's
    /// own rule is a wrong cut, not a report that breaks its rule.
    pub cut: bool,
}

/// What solving left for each cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Solved {
    One(Piece),
    Several(Vec<Piece>),
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// Per row, per column.
    pub cells: Vec<Vec<Solved>>,
    /// Per row, per column: where the readings left were printed (one place where they
    /// agree, several where they differ).
    pub printed: Vec<Vec<Vec<Printed>>>,
    pub note: SolveNote,
    /// Rows whose every cut of their digits broke the row's own rule.
    pub rejected: Vec<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolveNote {
    /// Every row has one reading.
    Settled,
    /// Some rows keep several readings that satisfy every rule.
    Ambiguous,
    /// No combination satisfies every rule; rows were filtered by their own rules only.
    NoJointSolution,
    /// Too many combinations to try; rows were filtered by their own rules only.
    TooManyCombinations,
}

/// Combinations the joint search may try before giving up.
const SEARCH_BUDGET: usize = 2_000_000;

/// A number the report's prose states for some cells of one row (their sum), and the
/// sentence it stands in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub cells: Vec<CellKey>,
    pub value: rust_decimal::Decimal,
    pub sentence: String,
}

/// A statement that chose among a row's readings: the row, the statement, and how many
/// readings the rules had left before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProseChoice {
    pub row: usize,
    pub statement: usize,
    pub before: usize,
    pub after: usize,
}

/// Chooses readings jointly under the rules (spec §8 step 5): first each row by its own
/// rules (row sums), then all rows that still have several readings together. Without
/// prose: what the rules alone decide.
#[cfg(test)]
pub fn solve(rows: &[RowChoice], rules: &[RuleInstance]) -> Solution {
    solve_with_prose(rows, rules, &mut || Vec::new()).0
}

/// [`solve`], then, where the rules leave a row several readings, what the prose states
/// (`statements`, asked for only then) chooses among them: only among readings every rule
/// allows, only where some of them agree with the prose, and only when the table's rules
/// still hold jointly with the choice; otherwise the prose decides nothing.
pub fn solve_with_prose(
    rows: &[RowChoice],
    rules: &[RuleInstance],
    statements: &mut dyn FnMut() -> Vec<Statement>,
) -> (Solution, Vec<Statement>, Vec<ProseChoice>) {
    let (own, rejected) = own_rules(rows, rules);
    let (mut allowed, mut note) = jointly(rows, rules, own);
    let mut used: Vec<ProseChoice> = Vec::new();
    let mut stated: Vec<Statement> = Vec::new();
    if note == SolveNote::Ambiguous {
        stated = statements();
        let mut pinned = allowed.clone();
        for (r, row) in rows.iter().enumerate() {
            for (s, statement) in stated.iter().enumerate() {
                if pinned[r].len() < 2 {
                    break;
                }
                let Some(cols) = statement
                    .cells
                    .iter()
                    .map(|k| {
                        (k.row == row.row)
                            .then(|| row.cols.iter().position(|c| *c == k.col))
                            .flatten()
                    })
                    .collect::<Option<Vec<usize>>>()
                else {
                    continue;
                };
                let agrees =
                    |i: &usize| reading_sum(&row.readings[*i], &cols) == Some(statement.value);
                let keep: Vec<usize> = pinned[r].iter().copied().filter(agrees).collect();
                if !keep.is_empty() && keep.len() < pinned[r].len() {
                    used.push(ProseChoice {
                        row: r,
                        statement: s,
                        before: pinned[r].len(),
                        after: keep.len(),
                    });
                    pinned[r] = keep;
                }
            }
        }
        if !used.is_empty() {
            let (again, again_note) = jointly(rows, rules, pinned);
            if matches!(again_note, SolveNote::Settled | SolveNote::Ambiguous) {
                allowed = again;
                note = again_note;
            } else {
                used.clear();
            }
        }
    }
    let solution = settle(rows, &allowed, note, rejected);
    (solution, stated, used)
}

/// The sum of a reading's cells `cols`, a blank counting 0; None when one is not a number.
fn reading_sum(reading: &[Slot], cols: &[usize]) -> Option<rust_decimal::Decimal> {
    cols.iter()
        .try_fold(rust_decimal::Decimal::ZERO, |sum, &c| {
            match &reading.get(c)?.piece {
                Piece::Value { value, .. } => sum.checked_add(number::decimal(value)?),
                Piece::Blank => Some(sum),
                Piece::Missing => None,
            }
        })
}

/// Where each cell is: its row and column, by its row's and column's ids (borrowed from
/// the rows, not a key of two new strings per cell).
type CellIndex<'r> = BTreeMap<(&'r str, &'r str), (usize, usize)>;

/// Each cell of the rows in a [`CellIndex`].
fn cell_index(rows: &[RowChoice]) -> CellIndex<'_> {
    rows.iter()
        .enumerate()
        .flat_map(|(r, row)| {
            row.cols
                .iter()
                .enumerate()
                .map(move |(c, col)| ((row.row.as_str(), col.as_str()), (r, c)))
        })
        .collect()
}

/// Where a rule's cell is among the rows: (row, column), looked up by its key's ids.
fn cell_at(index: &CellIndex<'_>, k: &CellKey) -> Option<(usize, usize)> {
    index.get(&(k.row.as_str(), k.col.as_str())).copied()
}

/// The rows a rule reads.
fn rows_of(index: &CellIndex<'_>, rule: &RuleInstance) -> Vec<usize> {
    let mut rs: Vec<usize> = rule
        .left
        .iter()
        .chain(&rule.right)
        .filter_map(|k| cell_at(index, k).map(|(r, _)| r))
        .collect();
    rs.sort_unstable();
    rs.dedup();
    rs
}

/// Whether a rule fails on the chosen readings (a row not chosen is unknown).
fn fails(
    rows: &[RowChoice],
    index: &CellIndex<'_>,
    rule: &RuleInstance,
    choice: &[Option<usize>],
) -> bool {
    let outcome = rule.evaluate(|k| match cell_at(index, k) {
        Some((r, c)) => match choice[r] {
            Some(i) => match &rows[r].readings[i][c].piece {
                Piece::Value { value, .. } => {
                    number::decimal(value).map_or(Term::Unknown, Term::Value)
                }
                Piece::Blank => Term::Blank,
                Piece::Missing => Term::Unknown,
            },
            None => Term::Unknown,
        },
        None => Term::Unknown,
    });
    matches!(outcome, Outcome::Fail { .. })
}

/// Each row's readings that its own rules (row sums) allow, and the rows whose every cut
/// broke them.
fn own_rules(rows: &[RowChoice], rules: &[RuleInstance]) -> (Vec<Vec<usize>>, Vec<bool>) {
    let index = cell_index(rows);
    let mut allowed: Vec<Vec<usize>> = rows
        .iter()
        .map(|r| (0..r.readings.len()).collect())
        .collect();
    let mut rejected = vec![false; rows.len()];
    for (r, row) in rows.iter().enumerate() {
        if row.readings.len() < 2 && !row.cut {
            continue;
        }
        let own: Vec<&RuleInstance> = rules
            .iter()
            .filter(|rule| rows_of(&index, rule) == [r])
            .collect();
        let mut choice = vec![None; rows.len()];
        let keep: Vec<usize> = (0..row.readings.len())
            .filter(|&i| {
                choice[r] = Some(i);
                !own.iter().any(|rule| fails(rows, &index, rule, &choice))
            })
            .collect();
        if !keep.is_empty() {
            allowed[r] = keep;
        } else if row.cut && !own.is_empty() {
            // Every cut breaks the row's own sum: the digits were not this row's cells as
            // printed (a page that dropped its empty cells), so no cut is written.
            allowed[r].clear();
            rejected[r] = true;
        }
        // Otherwise a report that breaks its own rule: the rule decides nothing.
    }
    (allowed, rejected)
}

/// The rows that still have several readings, searched together under the rules that
/// join them: each keeps the readings some joint solution uses.
fn jointly(
    rows: &[RowChoice],
    rules: &[RuleInstance],
    mut allowed: Vec<Vec<usize>>,
) -> (Vec<Vec<usize>>, SolveNote) {
    let index = cell_index(rows);
    let fails = |rule: &RuleInstance, choice: &[Option<usize>]| fails(rows, &index, rule, choice);

    let open: Vec<usize> = (0..rows.len()).filter(|&r| allowed[r].len() > 1).collect();
    let mut note = SolveNote::Settled;
    // Open rows that share no rule are independent: search each connected group alone,
    // or t2's rule-less ambiguous rows would multiply into millions of combinations.
    let mut group: Vec<usize> = (0..rows.len()).collect();
    fn root(group: &mut [usize], mut r: usize) -> usize {
        while group[r] != r {
            group[r] = group[group[r]];
            r = group[r];
        }
        r
    }
    let touching: Vec<(&RuleInstance, Vec<usize>)> = rules
        .iter()
        .map(|rule| {
            (
                rule,
                rows_of(&index, rule)
                    .into_iter()
                    .filter(|r| open.contains(r))
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, rs)| !rs.is_empty())
        .collect();
    for (_, rs) in &touching {
        for w in rs.windows(2) {
            let (a, b) = (root(&mut group, w[0]), root(&mut group, w[1]));
            group[a] = b;
        }
    }
    let mut components: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &r in &open {
        let g = root(&mut group, r);
        components.entry(g).or_default().push(r);
    }
    for component in components.values() {
        let cross: Vec<&RuleInstance> = touching
            .iter()
            .filter(|(_, rs)| rs.iter().any(|r| component.contains(r)))
            .map(|(rule, _)| *rule)
            .collect();
        if cross.is_empty() {
            continue;
        }
        let mut choice: Vec<Option<usize>> = allowed
            .iter()
            .map(|a| if a.len() == 1 { Some(a[0]) } else { None })
            .collect();
        let mut search = Search {
            open: component,
            allowed: &allowed,
            rules: &cross,
            fails: &fails,
            budget: SEARCH_BUDGET,
            solutions: 0,
            used: rows.iter().map(|r| vec![false; r.readings.len()]).collect(),
        };
        let finished = search.run(0, &mut choice);
        let (solutions, used) = (search.solutions, search.used);
        if !finished {
            note = SolveNote::TooManyCombinations;
        } else if solutions == 0 {
            if note != SolveNote::TooManyCombinations {
                note = SolveNote::NoJointSolution;
            }
        } else {
            for &r in component {
                allowed[r] = (0..rows[r].readings.len())
                    .filter(|&i| used[r][i])
                    .collect();
            }
        }
    }
    if note == SolveNote::Settled && allowed.iter().any(|a| a.len() > 1) {
        note = SolveNote::Ambiguous;
    }
    (allowed, note)
}

/// The cells the readings left give: one value where they agree, several where not.
fn settle(
    rows: &[RowChoice],
    allowed: &[Vec<usize>],
    note: SolveNote,
    rejected: Vec<bool>,
) -> Solution {
    let (cells, printed) = rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            (0..row.cols.len())
                .map(|c| {
                    let mut values: Vec<Piece> = Vec::new();
                    let mut places: Vec<Printed> = Vec::new();
                    for &i in &allowed[r] {
                        let slot = &row.readings[i][c];
                        if !values.contains(&slot.piece) {
                            values.push(slot.piece.clone());
                        }
                        if let Some(p) = slot.printed.as_ref().filter(|p| !places.contains(p)) {
                            places.push(p.clone());
                        }
                    }
                    let solved = match values.len() {
                        0 => Solved::Missing,
                        1 => Solved::One(values.swap_remove(0)),
                        _ => Solved::Several(values),
                    };
                    (solved, places)
                })
                .unzip()
        })
        .unzip();
    Solution {
        cells,
        printed,
        note,
        rejected,
    }
}

struct Search<'a, F: Fn(&RuleInstance, &[Option<usize>]) -> bool> {
    open: &'a [usize],
    allowed: &'a [Vec<usize>],
    rules: &'a [&'a RuleInstance],
    fails: &'a F,
    budget: usize,
    solutions: usize,
    used: Vec<Vec<bool>>,
}

impl<F: Fn(&RuleInstance, &[Option<usize>]) -> bool> Search<'_, F> {
    /// Depth first over the open rows. A rule with an undecided row evaluates to skip, so
    /// it can only fail once all its rows are chosen. False when the budget ran out.
    fn run(&mut self, depth: usize, choice: &mut Vec<Option<usize>>) -> bool {
        if depth == self.open.len() {
            self.solutions += 1;
            for &r in self.open {
                if let Some(i) = choice[r] {
                    self.used[r][i] = true;
                }
            }
            return true;
        }
        let r = self.open[depth];
        for k in 0..self.allowed[r].len() {
            if self.budget == 0 {
                return false;
            }
            self.budget -= 1;
            choice[r] = Some(self.allowed[r][k]);
            let ok = !self.rules.iter().any(|rule| (self.fails)(rule, choice));
            if ok && !self.run(depth + 1, choice) {
                return false;
            }
        }
        choice[r] = None;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::rules::instances;
    use crate::template::Templates;
    use ValueKind::{Amount, Count, Signed};

    fn glued(text: &str) -> Token {
        Token {
            text: text.into(),
            splittable: true,
            blank: false,
            item: 0,
        }
    }

    fn values(reading: &[Slot]) -> Vec<String> {
        reading
            .iter()
            .map(|s| match &s.piece {
                Piece::Value { value, .. } => value.clone(),
                Piece::Blank => "_".into(),
                Piece::Missing => "?".into(),
            })
            .collect()
    }

    #[test]
    fn pieces_have_at_most_eighteen_digits() {
        let run = "1".repeat(2 * MAX_PIECE_DIGITS);
        let r = readings(&[glued(&run)], &[Count, Count]).unwrap();
        assert_eq!(
            r.iter().map(|x| values(x)).collect::<Vec<_>>(),
            vec![vec!["1".repeat(MAX_PIECE_DIGITS); 2]]
        );
        let longer = format!("{run}1");
        assert!(readings(&[glued(&longer)], &[Count, Count])
            .unwrap()
            .is_empty());
    }

    #[test]
    fn enumerates_every_split_without_leading_zeros() {
        let r = readings(&[glued("350")], &[Count, Signed]).unwrap();
        assert_eq!(
            r.iter().map(|x| values(x)).collect::<Vec<_>>(),
            vec![vec!["3", "50"], vec!["35", "0"]]
        );
        assert_eq!(readings(&[glued("898989")], &[Count; 3]).unwrap().len(), 10);
        assert_eq!(
            readings(&[glued("3960181")], &[Count, Signed, Count])
                .unwrap()
                .len(),
            11
        );
        assert_eq!(
            readings(&[glued("100153")], &[Count, Signed, Count])
                .unwrap()
                .len(),
            4
        );
        // spec §7.3: 10 splits of items|amount, the fraction and unit with the amount
        let procurement = readings(&[glued("13575394432.52元")], &[Count, Amount]).unwrap();
        assert_eq!(procurement.len(), 10);
        assert_eq!(
            procurement[2]
                .iter()
                .map(|s| s.piece.clone())
                .collect::<Vec<_>>(),
            vec![
                Piece::Value {
                    value: "135".into(),
                    unit: None
                },
                Piece::Value {
                    value: "75394432.52".into(),
                    unit: Some("元".into())
                }
            ]
        );
    }

    #[test]
    fn spaces_are_boundaries_and_signs_only_go_to_signed_cells() {
        let r = readings(&[glued("230"), glued("000023")], &[Count; 7]).unwrap();
        let r: Vec<Vec<String>> = r.iter().map(|x| values(x)).collect();
        assert_eq!(r.len(), 3);
        assert!(r.contains(
            &vec!["23", "0", "0", "0", "0", "0", "23"]
                .into_iter()
                .map(String::from)
                .collect()
        ));
        let penalty = readings(&[glued("2648"), glued("-18538")], &[Count, Signed, Count]).unwrap();
        assert!(penalty.iter().all(|x| values(x)[1].starts_with('-')));
        assert!(readings(&[glued("-5")], &[Count]).unwrap().is_empty());
    }

    #[test]
    fn impossible_and_huge_runs() {
        assert!(readings(&[glued("1")], &[Count; 7]).unwrap().is_empty());
        assert!(readings(&[glued("00")], &[Count; 3]).unwrap().is_empty());
        assert_eq!(
            readings(&[glued(&"1".repeat(60))], &[Count; 15]),
            Err(TooMany)
        );
    }

    /// A t3 table where the listed rows are printed as given (a space separates atomic
    /// cells, a run without spaces is glued) and every other row is seven zeros.
    fn t3_rows(tpl: &str, printed_rows: &[(&str, &str)]) -> (Vec<RowChoice>, Vec<RuleInstance>) {
        let t = Templates::builtin();
        let table = t.template(tpl).unwrap().table("t3").unwrap();
        let printed: Vec<&str> = table.rows().map(|(r, _)| r).collect();
        let rows = table
            .rows()
            .map(|(r, b)| {
                let kinds: Vec<ValueKind> = b.cols.iter().map(|_| Count).collect();
                let text = printed_rows
                    .iter()
                    .find(|(id, _)| *id == r)
                    .map_or("0 0 0 0 0 0 0", |(_, t)| *t);
                let toks: Vec<Token> = if text.contains(' ') {
                    text.split(' ')
                        .map(|t| Token {
                            splittable: false,
                            ..glued(t)
                        })
                        .collect()
                } else {
                    vec![glued(text)]
                };
                RowChoice {
                    row: r.to_string(),
                    cols: b.cols.clone(),
                    readings: readings(&toks, &kinds).unwrap(),
                    cut: toks.len() < kinds.len(),
                }
            })
            .collect();
        (rows, instances(&t, table, &printed).to_vec())
    }

    #[test]
    fn row_sums_alone_leave_two_readings_the_column_rules_pick_one() {
        // spec §7.3: （一）予以公开270020130 is 27,0,0,2,0,1,30 or 2,7,0,0,20,1,30 by row
        // sums; the column rules pick the first.
        let (rows, rules) = t3_rows(
            "v2019",
            &[
                ("t3.row.new_requests", "27 0 0 2 0 1 30"),
                ("t3.row.granted", "270020130"),
                ("t3.row.results_total", "27 0 0 2 0 1 30"),
            ],
        );
        let granted = rows.iter().position(|r| r.row == "t3.row.granted").unwrap();
        let sums: Vec<usize> = {
            let only_rowsum: Vec<RuleInstance> = rules
                .iter()
                .filter(|r| r.rule == "R-T3-ROWSUM")
                .cloned()
                .collect();
            let s = solve(&rows, &only_rowsum);
            s.cells[granted]
                .iter()
                .map(|c| {
                    if let Solved::Several(v) = c {
                        v.len()
                    } else {
                        1
                    }
                })
                .collect()
        };
        assert!(
            sums.iter().any(|&n| n > 1),
            "row sums alone must leave the row ambiguous"
        );
        let s = solve(&rows, &rules);
        assert_eq!(s.note, SolveNote::Settled);
        let got: Vec<String> = s.cells[granted]
            .iter()
            .map(|c| match c {
                Solved::One(Piece::Value { value, .. }) => value.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(got, ["27", "0", "0", "2", "0", "1", "30"]);
    }

    /// Issue 13 item 4: a number the prose states chooses among the readings the rules
    /// allow; a number no reading has decides nothing; the prose is not read when the
    /// rules settle every row.
    #[test]
    fn prose_chooses_only_among_the_readings_the_rules_allow() {
        let cols: Vec<String> = ["t2.col.issued", "t2.col.repealed", "t2.col.in_force"]
            .map(String::from)
            .to_vec();
        let rows = vec![RowChoice {
            row: "t2.row.normative_docs".into(),
            cols: cols.clone(),
            readings: readings(&[glued("13055")], &[Count; 3]).unwrap(),
            cut: true,
        }];
        let stating = |value: i64| {
            move || {
                vec![Statement {
                    cells: vec![CellKey::new("t2.row.normative_docs", "t2.col.issued")],
                    value: value.into(),
                    sentence: format!("制发行政规范性文件{value}件。"),
                }]
            }
        };
        let (s, _, used) = solve_with_prose(&rows, &[], &mut stating(13));
        let one = |v: &str| {
            Solved::One(Piece::Value {
                value: v.into(),
                unit: None,
            })
        };
        assert_eq!(s.cells[0], vec![one("13"), one("0"), one("55")]);
        assert_eq!((used[0].before, used[0].after), (4, 1));
        // 7 is no reading's first cell: prose and table disagree, the cells stay ambiguous.
        let (s, _, used) = solve_with_prose(&rows, &[], &mut stating(7));
        assert!(used.is_empty());
        assert!(matches!(&s.cells[0][0], Solved::Several(v) if v.len() == 3));

        // The rules settle t3 alone (spec §7.3): the prose is not asked.
        let (rows, rules) = t3_rows(
            "v2019",
            &[
                ("t3.row.new_requests", "27 0 0 2 0 1 30"),
                ("t3.row.granted", "270020130"),
                ("t3.row.results_total", "27 0 0 2 0 1 30"),
            ],
        );
        let (s, stated, used) =
            solve_with_prose(&rows, &rules, &mut || panic!("the rules settled every row"));
        assert_eq!(s.note, SolveNote::Settled);
        assert!(stated.is_empty() && used.is_empty());
    }

    #[test]
    fn t4_sums_settle_a_glued_row() {
        let t = Templates::builtin();
        let table = t.template("v2019").unwrap().table("t4").unwrap();
        let cols = table.blocks[0].cols.clone();
        let rows = vec![RowChoice {
            row: "t4.row.cases".into(),
            cols: cols.clone(),
            readings: readings(&[glued("10203120001200000")], &[Count; 15]).unwrap(),
            cut: true,
        }];
        let s = solve(&rows, &instances(&t, table, &["t4.row.cases"]));
        let got: Vec<String> = s.cells[0]
            .iter()
            .map(|c| match c {
                Solved::One(Piece::Value { value, .. }) => value.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            got,
            ["1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0"]
        );
    }

    #[test]
    fn no_rule_means_ambiguous_and_a_broken_rule_decides_nothing() {
        let rows = vec![RowChoice {
            row: "t2.row.admin_fees".into(),
            cols: vec!["a".into(), "b".into()],
            readings: readings(&[glued("350")], &[Count, Signed]).unwrap(),
            cut: true,
        }];
        let s = solve(&rows, &[]);
        assert_eq!(s.note, SolveNote::Ambiguous);
        assert!(matches!(&s.cells[0][0], Solved::Several(v) if v.len() == 2));

        // A rule no reading meets. Printed as two cells, the report breaks its rule and
        // the rule decides nothing; cut from one run, every cut is wrong.
        let rule = RuleInstance {
            rule: "R".into(),
            scope: crate::template::RuleScope::Rows,
            subject: "s".into(),
            left: vec![CellKey::new("x", "b")],
            right: vec![CellKey::new("x", "a")],
            derive_left: false,
        };
        let atomic = |t: &str| Token {
            splittable: false,
            ..glued(t)
        };
        let printed = vec![RowChoice {
            row: "x".into(),
            cols: vec!["a".into(), "b".into()],
            readings: readings(&[atomic("1"), atomic("23")], &[Count, Count]).unwrap(),
            cut: false,
        }];
        let s = solve(&printed, std::slice::from_ref(&rule));
        assert_eq!(
            s.cells[0][1],
            Solved::One(Piece::Value {
                value: "23".into(),
                unit: None
            })
        );
        assert!(!s.rejected[0]);
        let glued_row = vec![RowChoice {
            row: "x".into(),
            cols: vec!["a".into(), "b".into()],
            readings: readings(&[glued("123")], &[Count, Count]).unwrap(),
            cut: true,
        }];
        let s = solve(&glued_row, &[rule]);
        assert_eq!(s.cells[0], vec![Solved::Missing, Solved::Missing]);
        assert!(s.rejected[0]);
    }
}

//! RFC 6962 Merkle tree over the manifest (section 2.1): leaf hash = SHA-256(0x00 ‖ leaf),
//! node hash = SHA-256(0x01 ‖ left ‖ right), the tree over n leaves split at the largest
//! power of two below n; an inclusion proof is the audit path of section 2.1.1, checked as
//! RFC 9162 section 2.1.3.2 says.
//!
//! The leaves of an archive's tree are the lines of its `manifest-sha256.txt`, without the
//! line end, in the manifest's order (sorted by path): each leaf binds one path to one hash.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(leaf);
    h.finalize().into()
}

pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two smaller than `n` (n ≥ 2).
fn split(n: usize) -> usize {
    debug_assert!(n >= 2);
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// The tree head over leaf hashes; the empty tree's is SHA-256 of nothing.
#[cfg(test)]
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The tree head over leaf hashes given one at a time, holding one hash per level
/// (O(log n)): the perfect subtrees the leaves so far make, largest first, as RFC 6962's
/// split at the largest power of two makes them.
#[derive(Debug, Default)]
pub struct RootBuilder {
    /// (hash, leaves) of each perfect subtree, their sizes decreasing powers of two.
    stack: Vec<(Hash, u64)>,
}

impl RootBuilder {
    pub fn push(&mut self, leaf: Hash) {
        let mut top = (leaf, 1u64);
        while let Some(&(left, size)) = self.stack.last() {
            if size != top.1 {
                break;
            }
            self.stack.pop();
            top = (node_hash(&left, &top.0), size * 2);
        }
        self.stack.push(top);
    }

    /// The root over the leaves pushed (the empty tree's when none were).
    pub fn root(&self) -> Hash {
        let mut it = self.stack.iter().rev();
        let Some(&(mut r, _)) = it.next() else {
            return Sha256::digest([]).into();
        };
        for (left, _) in it {
            r = node_hash(left, &r);
        }
        r
    }
}

/// The audit path of leaf `index` (RFC 6962 `PATH(m, D[n])`) in a tree of `size` leaves,
/// built from the leaves given one at a time, in order, holding one hash per level of each
/// subtree of the path (O(log² n) at most): the path of a leaf among 200,000 without the
/// 200,000 leaves.
pub struct PathBuilder {
    /// The subtrees whose roots are the path, nearest sibling first: their leaves
    /// `[first, end)` and their roots as built.
    subtrees: Vec<(u64, u64, RootBuilder)>,
    size: u64,
    pushed: u64,
}

impl PathBuilder {
    /// `index` must be below `size`.
    pub fn new(index: u64, size: u64) -> PathBuilder {
        let mut subtrees = Vec::new();
        if index < size {
            siblings(0, size, index, &mut subtrees);
        }
        PathBuilder {
            subtrees,
            size,
            pushed: 0,
        }
    }

    /// The next leaf.
    pub fn push(&mut self, leaf: Hash) {
        let i = self.pushed;
        self.pushed += 1;
        if let Some((_, _, b)) = self
            .subtrees
            .iter_mut()
            .find(|(first, end, _)| (*first..*end).contains(&i))
        {
            b.push(leaf);
        }
    }

    /// The path, once exactly `size` leaves were pushed.
    pub fn finish(self) -> Option<Vec<Hash>> {
        (self.pushed == self.size).then(|| self.subtrees.iter().map(|(_, _, b)| b.root()).collect())
    }
}

/// The subtrees of the audit path of leaf `m` in the tree over leaves `[first, end)`.
fn siblings(first: u64, end: u64, m: u64, out: &mut Vec<(u64, u64, RootBuilder)>) {
    let n = end - first;
    if n <= 1 {
        return;
    }
    let k = split(n as usize) as u64;
    if m < first + k {
        siblings(first, first + k, m, out);
        out.push((first + k, end, RootBuilder::default()));
    } else {
        siblings(first + k, end, m, out);
        out.push((first, first + k, RootBuilder::default()));
    }
}

/// The audit path of leaf `index` (RFC 6962 `PATH(m, D[n])`), nearest sibling first.
#[cfg(test)]
pub fn inclusion_path(leaves: &[Hash], index: usize) -> Vec<Hash> {
    assert!(index < leaves.len(), "leaf index out of range");
    let mut out = Vec::new();
    path_into(leaves, index, &mut out);
    out
}

#[cfg(test)]
fn path_into(leaves: &[Hash], m: usize, out: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split(n);
    if m < k {
        path_into(&leaves[..k], m, out);
        out.push(root(&leaves[k..]));
    } else {
        path_into(&leaves[k..], m - k, out);
        out.push(root(&leaves[..k]));
    }
}

/// The root an audit path leads to from a leaf hash, or `None` when the path cannot belong
/// to a tree of `size` leaves (wrong length, index out of range).
pub fn root_from_path(leaf: &Hash, index: u64, size: u64, path: &[Hash]) -> Option<Hash> {
    if index >= size {
        return None;
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in path {
        if s == 0 {
            return None;
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    (s == 0).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::hex;

    /// The Certificate Transparency reference leaves and tree heads for sizes 0..=8.
    const LEAVES: [&[u8]; 8] = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        b"\x50\x51\x52\x53\x54\x55\x56\x57",
        b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
    ];
    const ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn leaves() -> Vec<Hash> {
        LEAVES.iter().map(|l| leaf_hash(l)).collect()
    }

    #[test]
    fn tree_heads_match_the_reference() {
        let l = leaves();
        for (n, want) in ROOTS.iter().enumerate() {
            assert_eq!(hex(&root(&l[..n])), *want, "size {n}");
        }
    }

    #[test]
    fn the_streamed_root_is_the_root_of_every_size() {
        let many: Vec<Hash> = (0u16..300).map(|i| leaf_hash(&i.to_le_bytes())).collect();
        let mut b = RootBuilder::default();
        assert_eq!(b.root(), root(&[]));
        for n in 1..=many.len() {
            b.push(many[n - 1]);
            assert_eq!(b.root(), root(&many[..n]), "size {n}");
        }
    }

    #[test]
    fn the_streamed_path_is_the_path_of_every_leaf_of_every_size() {
        let many: Vec<Hash> = (0u16..70).map(|i| leaf_hash(&i.to_le_bytes())).collect();
        for n in 1..=many.len() {
            for i in 0..n {
                let mut b = PathBuilder::new(i as u64, n as u64);
                for l in &many[..n] {
                    b.push(*l);
                }
                assert_eq!(b.finish(), Some(inclusion_path(&many[..n], i)), "{i}/{n}");
            }
        }
        let mut short = PathBuilder::new(0, 3);
        short.push(many[0]);
        assert_eq!(short.finish(), None);
    }

    #[test]
    fn audit_paths_match_the_reference() {
        let l = leaves();
        let p: Vec<String> = inclusion_path(&l, 0).iter().map(|h| hex(h)).collect();
        assert_eq!(
            p,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        );
        let p: Vec<String> = inclusion_path(&l, 5).iter().map(|h| hex(h)).collect();
        assert_eq!(
            p,
            [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        );
    }

    #[test]
    fn every_proof_of_every_size_verifies_and_nothing_else_does() {
        let many: Vec<Hash> = (0u8..37).map(|i| leaf_hash(&[i, i ^ 0x5a])).collect();
        for n in 1..=many.len() {
            let l = &many[..n];
            let r = root(l);
            for i in 0..n {
                let path = inclusion_path(l, i);
                let (i64_, n64) = (i as u64, n as u64);
                assert_eq!(root_from_path(&l[i], i64_, n64, &path), Some(r), "{i}/{n}");
                // Another leaf, another index or a shortened path fail. (A larger tree size can
                // fit the same path shape: the size is not what the root commits to.)
                let other = leaf_hash(b"other");
                assert_ne!(root_from_path(&other, i64_, n64, &path), Some(r));
                if n > 1 {
                    let j = (i + 1) % n;
                    assert_ne!(root_from_path(&l[i], j as u64, n64, &path), Some(r));
                    assert_ne!(root_from_path(&l[i], i64_, n64, &path[1..]), Some(r));
                }
                assert_eq!(root_from_path(&l[i], n64, n64, &path), None);
            }
        }
    }
}

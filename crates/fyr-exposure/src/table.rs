//! The IP look-up structure: a sorted array of interval borders with one
//! answer per elementary interval, and a radix directory in front of it
//! that resolves most addresses without searching.
//!
//! Why hand-written and not `prefix-trie` (or `poptrie`, `treebitmap`): the
//! answer we need is not "the longest matching prefix" but a precomputed,
//! interned organisation set per address range (most specific registrants
//! plus covering registrants that asked for customers' space). In interval
//! form that set is one load after the search, and the structure can be
//! laid out for the look-up alone. On the project's 2-core machine
//! `prefix-trie` 0.10 did a fraction of our targets (50 M IPv4 look-ups per
//! second at 100 k prefixes, 10 M IPv6 at 250 k) on the same data, while
//! this structure meets them; `bench_matcher --compare` measures both and
//! `BENCH.md` has the figures.
//!
//! Layout:
//! - `borders[i]` is the first address of interval `i`; `borders[0] == 0`
//!   and they strictly increase, so every address lies in exactly one
//!   interval, whose answer is `values[i]`. Adjacent intervals never have
//!   equal answers.
//! - `dir` holds 64-bit entries. The root is its first `2^root_bits`
//!   entries, indexed by the address's top bits. An entry is
//!   - a *value*: the whole block has one answer (the common case);
//!   - a *range* `(lo, hi)`: the block starts in interval `lo` and ends in
//!     `hi`, at most [`LEAF_MAX`] borders apart; binary-search them;
//!   - a *node*: the block has more borders. The node looks at the address
//!     bits just below the longest common prefix of the borders inside the
//!     block (path compression: a cluster of /48s in a /32 costs one level,
//!     not four), with a fan-out of about one entry per border, so the
//!     directory grows linearly with the table. Addresses outside that
//!     common prefix lie before or after all those borders, in `lo` or
//!     `hi`. A node's entries follow a three-word header (prefix, lo/hi) so
//!     both loads can be issued at once.
//! - The directory only accelerates: a range entry is always correct, so
//!   when the size budget runs out, a block simply stays a longer range.

use std::collections::VecDeque;
use std::fmt::Debug;

use crate::error::BuildError;

/// An address as an unsigned integer: `u32` for IPv4, `u128` for IPv6.
pub(crate) trait Key: Copy + Ord + Debug + Send + Sync + 'static {
    const BITS: u32;
    /// Largest root directory, in bits.
    const ROOT_MAX: u32;
    const ZERO: Self;
    /// `width` (≤ 16) bits of the key, `shift` (< BITS) bits from the right.
    fn chunk(self, shift: u32, width: u32) -> usize;
    /// The key shifted right by `n` (< BITS).
    fn high(self, n: u32) -> Self;
    /// The key with `chunk` or-ed in at `shift`.
    fn with_chunk(self, shift: u32, chunk: usize) -> Self;
    /// The key with its low `width` bits cleared.
    fn block_start(self, width: u32) -> Self;
    /// The key with its low `width` bits set: the last key of its block.
    fn block_last(self, width: u32) -> Self;
    /// Number of leading bits in which `self` and `other` agree.
    fn common_bits(self, other: Self) -> u32;
    fn succ(self) -> Option<Self>;
    fn to_words(self) -> [u64; 2];
    fn from_words(words: [u64; 2]) -> Self;
}

macro_rules! impl_key {
    ($t:ty, $root_max:expr) => {
        impl Key for $t {
            const BITS: u32 = <$t>::BITS;
            const ROOT_MAX: u32 = $root_max;
            const ZERO: Self = 0;

            #[inline(always)]
            fn chunk(self, shift: u32, width: u32) -> usize {
                // Truncation is intended: the mask keeps at most 16 bits.
                (self.wrapping_shr(shift) as usize) & 1usize.wrapping_shl(width).wrapping_sub(1)
            }

            #[inline(always)]
            fn high(self, n: u32) -> Self {
                self.wrapping_shr(n)
            }

            fn with_chunk(self, shift: u32, chunk: usize) -> Self {
                self | (chunk as $t).checked_shl(shift).unwrap_or(0)
            }

            fn block_start(self, width: u32) -> Self {
                self & !Self::ZERO.block_last(width)
            }

            fn block_last(self, width: u32) -> Self {
                let mask = if width >= Self::BITS {
                    <$t>::MAX
                } else {
                    (1 << width) - 1
                };
                self | mask
            }

            fn common_bits(self, other: Self) -> u32 {
                (self ^ other).leading_zeros()
            }

            fn succ(self) -> Option<Self> {
                self.checked_add(1)
            }

            fn to_words(self) -> [u64; 2] {
                let wide = self as u128;
                [wide as u64, (wide >> 64) as u64]
            }

            #[inline(always)]
            fn from_words(words: [u64; 2]) -> Self {
                (u128::from(words[0]) | (u128::from(words[1]) << 64)) as $t
            }
        }
    };
}
// IPv4: up to 2^18 root entries (2 MiB), which resolves most addresses of
// a 100 k-prefix table in one load. IPv6: registered space is sparse above
// /16 (2000::/3 and a few RIR blocks), so a bigger root would be empty.
impl_key!(u32, 18);
impl_key!(u128, 16);

/// A block with at most this many borders inside stays a range entry.
const LEAF_MAX: usize = 4;
/// Largest node fan-out, in bits.
const MAX_NODE_BITS: u32 = 16;
/// Words before a node's entries: prefix (two words), lo/hi.
const HEADER: usize = 3;

const TAG: u64 = 3 << 62;
const TAG_RANGE: u64 = 0;
const TAG_VALUE: u64 = 1 << 62;
const TAG_NODE: u64 = 2 << 62;
const LOW31: u64 = (1 << 31) - 1;

fn range(lo: usize, hi: usize) -> u64 {
    // Both < 2^31, checked in `Table::new`.
    TAG_RANGE | (lo as u64) | ((hi as u64) << 31)
}

fn unpack_range(e: u64) -> (usize, usize) {
    ((e & LOW31) as usize, ((e >> 31) & LOW31) as usize)
}

#[derive(Debug)]
pub(crate) struct Table<K> {
    /// `(border, value)`: interleaved, so the value found by the search is
    /// in the cache line the search touched last.
    intervals: Box<[(K, u64)]>,
    dir: Box<[u64]>,
    root_bits: u32,
}

impl<K: Key> Table<K> {
    fn new(intervals: Vec<(K, u64)>) -> Result<Self, BuildError> {
        if intervals.len() >= 1 << 31 {
            return Err(BuildError::TooLarge {
                what: "address intervals",
            });
        }
        let (dir, root_bits) = build_directory(&intervals);
        Ok(Table {
            intervals: intervals.into_boxed_slice(),
            dir: dir.into_boxed_slice(),
            root_bits,
        })
    }

    /// The answer for `key`.
    #[inline]
    pub(crate) fn get(&self, key: K) -> u64 {
        let root_shift = K::BITS - self.root_bits;
        let Some(&(mut e)) = self.dir.get(key.chunk(root_shift, self.root_bits)) else {
            return self.search(key, 0, self.intervals.len());
        };
        // Every node consumes at least one bit, so this bound is never hit.
        for _ in 0..K::BITS {
            match e & TAG {
                TAG_VALUE => return e & !TAG,
                TAG_RANGE => {
                    let (lo, hi) = unpack_range(e);
                    return self.search(key, lo, hi);
                }
                _ => {
                    let base = e as u32 as usize;
                    let shift = ((e >> 55) & 0x7f) as u32;
                    let bits = ((e >> 50) & 0x1f) as u32;
                    let header = self
                        .dir
                        .get(base.wrapping_sub(HEADER)..base)
                        .and_then(|h| <&[u64; HEADER]>::try_from(h).ok());
                    let next = self.dir.get(base + key.chunk(shift, bits));
                    let (Some(&[p0, p1, lohi]), Some(&next)) = (header, next) else {
                        break;
                    };
                    let top = key.high(shift + bits);
                    let prefix = K::from_words([p0, p1]);
                    if top != prefix {
                        let (lo, hi) = unpack_range(lohi);
                        let i = if top < prefix { lo } else { hi };
                        return self.intervals.get(i).map_or(0, |iv| iv.1);
                    }
                    e = next;
                }
            }
        }
        self.search(key, 0, self.intervals.len())
    }

    /// Binary search among the borders of intervals `lo..=hi`.
    #[inline]
    fn search(&self, key: K, lo: usize, hi: usize) -> u64 {
        let candidates = self.intervals.get(lo + 1..=hi).unwrap_or(&[]);
        let i = lo + candidates.partition_point(|iv| iv.0 <= key);
        self.intervals.get(i).map_or(0, |iv| iv.1)
    }

    /// Number of elementary intervals.
    pub(crate) fn intervals(&self) -> usize {
        self.intervals.len()
    }

    /// Directory words (8 bytes each).
    pub(crate) fn directory_entries(&self) -> usize {
        self.dir.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        std::mem::size_of_val::<[(K, u64)]>(&self.intervals)
            + std::mem::size_of_val::<[u64]>(&self.dir)
    }
}

/// A block with too many borders for a range entry, waiting to become a
/// node: `lo` and `hi` are the intervals holding its first and last key.
struct Pending {
    entry: usize,
    lo: usize,
    hi: usize,
}

fn build_directory<K: Key>(intervals: &[(K, u64)]) -> (Vec<u64>, u32) {
    let n = intervals.len();
    // About one root entry per interval, at most 2^16 (512 KiB).
    let root_bits = (usize::BITS - n.leading_zeros() + 1).clamp(1, K::ROOT_MAX);
    // Nodes have about one entry per border inside them, so realistic
    // tables need well under 2 words per interval; the budget only bounds
    // adversarial ones (see BENCH.md for real counts).
    let budget = (4 * n + (1 << 16)).min(u32::MAX as usize);
    let mut dir = Vec::with_capacity(1 << root_bits);
    let mut pending = VecDeque::new();
    let fill = Fill { intervals };
    fill.node(
        &mut dir,
        K::ZERO,
        K::BITS - root_bits,
        root_bits,
        0,
        &mut pending,
    );
    while let Some(p) = pending.pop_front() {
        let (Some(&(first, _)), Some(&(last, _))) = (intervals.get(p.lo + 1), intervals.get(p.hi))
        else {
            continue;
        };
        // The node splits on the bits right below the prefix that all
        // borders inside the block share, one entry per border or so.
        let common = first.common_bits(last);
        let inside = p.hi - p.lo;
        let bits = (usize::BITS - 1 - inside.leading_zeros())
            .clamp(1, MAX_NODE_BITS)
            .min(K::BITS - common);
        let top_shift = K::BITS - common;
        let shift = top_shift - bits;
        let base = dir.len() + HEADER;
        if base + (1 << bits) > budget {
            continue; // stays a range entry
        }
        let [p0, p1] = first.high(top_shift).to_words();
        dir.extend([p0, p1, range(p.lo, p.hi)]);
        if let Some(e) = dir.get_mut(p.entry) {
            *e = TAG_NODE | (u64::from(shift) << 55) | (u64::from(bits) << 50) | base as u64;
        }
        let start = first.block_start(top_shift);
        fill.node(&mut dir, start, shift, bits, p.lo, &mut pending);
    }
    (dir, root_bits)
}

struct Fill<'a, K> {
    intervals: &'a [(K, u64)],
}

impl<K: Key> Fill<'_, K> {
    /// Appends the `2^bits` entries for the blocks `start + i << shift`;
    /// `j` is an interval at or before the one holding `start`.
    fn node(
        &self,
        dir: &mut Vec<u64>,
        start: K,
        shift: u32,
        bits: u32,
        mut j: usize,
        pending: &mut VecDeque<Pending>,
    ) {
        for i in 0..(1usize << bits) {
            let s = start.with_chunk(shift, i);
            let last = s.block_last(shift);
            while self.intervals.get(j + 1).is_some_and(|iv| iv.0 <= s) {
                j += 1;
            }
            let lo = j;
            while self.intervals.get(j + 1).is_some_and(|iv| iv.0 <= last) {
                j += 1;
            }
            let entry = if lo == j {
                TAG_VALUE | self.intervals.get(lo).map_or(0, |iv| iv.1)
            } else {
                if j - lo > LEAF_MAX {
                    pending.push_back(Pending {
                        entry: dir.len(),
                        lo,
                        hi: j,
                    });
                }
                range(lo, j)
            };
            dir.push(entry);
        }
    }
}

/// Paints nested-or-disjoint ranges (CIDRs) onto the key line: the answer
/// in each elementary interval is the value of the innermost range covering
/// it, `empty` where none does.
///
/// `items` must be sorted by start, outer ranges before inner ones with the
/// same start, and free of duplicates. `enter` gets an item and the state
/// of its innermost enclosing range and returns the item's value and state.
pub(crate) fn paint_nested<K, S, T>(
    items: impl IntoIterator<Item = (K, K, T)>,
    empty: u64,
    mut enter: impl FnMut(T, Option<&S>) -> Result<(u64, S), BuildError>,
) -> Result<Table<K>, BuildError>
where
    K: Key,
{
    let mut canvas = Canvas {
        intervals: vec![(K::ZERO, empty)],
    };
    // Enclosing ranges of the current position, outermost first.
    let mut stack: Vec<(K, u64, S)> = Vec::new();
    for (start, last, item) in items {
        close(&mut stack, &mut canvas, empty, |end| end < start);
        let (value, state) = enter(item, stack.last().map(|t| &t.2))?;
        canvas.paint(start, value);
        stack.push((last, value, state));
    }
    close(&mut stack, &mut canvas, empty, |_| true);
    Table::new(canvas.intervals)
}

fn close<K: Key, S>(
    stack: &mut Vec<(K, u64, S)>,
    canvas: &mut Canvas<K>,
    empty: u64,
    ended: impl Fn(K) -> bool,
) {
    while let Some(&(last, _, _)) = stack.last() {
        if !ended(last) {
            break;
        }
        stack.pop();
        if let Some(resume) = last.succ() {
            canvas.paint(resume, stack.last().map_or(empty, |t| t.1));
        }
    }
}

struct Canvas<K> {
    intervals: Vec<(K, u64)>,
}

impl<K: Key> Canvas<K> {
    /// From `at` on (until the next call) the value is `value`. Calls come
    /// in non-decreasing `at`; a later call at the same position wins.
    fn paint(&mut self, at: K, value: u64) {
        if self.intervals.last().is_some_and(|iv| iv.0 == at) {
            self.intervals.pop();
        }
        if self.intervals.last().is_some_and(|iv| iv.1 == value) {
            return;
        }
        self.intervals.push((at, value));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn table<K: Key>(ranges: &[(K, K, u64)]) -> Table<K> {
        let mut items = ranges.to_vec();
        items.sort_by_key(|&(s, l, _)| (s, std::cmp::Reverse(l)));
        paint_nested(items, 0, |v, _: Option<&()>| Ok((v, ()))).unwrap()
    }

    #[test]
    fn painting_nested_ranges() {
        let t = table(&[(0, u32::MAX, 1), (10, 19, 2), (10, 12, 3), (15, 19, 4)]);
        let got: Vec<u64> = [0, 9, 10, 12, 13, 14, 15, 19, 20, u32::MAX]
            .iter()
            .map(|&k| t.get(k))
            .collect();
        assert_eq!(got, [1, 1, 3, 3, 2, 2, 4, 4, 1, 1]);
    }

    #[test]
    fn adjacent_equal_values_merge() {
        let t = table(&[(0u32, 9, 1), (10, 19, 1), (20, 29, 2)]);
        assert_eq!(t.intervals(), 3); // [0,20) → 1, [20,30) → 2, [30,..) → 0
        assert_eq!(t.get(29), 2);
        assert_eq!(t.get(30), 0);
    }

    #[test]
    fn range_ending_at_max_and_empty_table() {
        let t = table(&[(u32::MAX, u32::MAX, 7)]);
        assert_eq!(t.get(u32::MAX), 7);
        assert_eq!(t.get(u32::MAX - 1), 0);
        let empty = table::<u128>(&[]);
        assert_eq!(empty.get(0), 0);
        assert_eq!(empty.get(u128::MAX), 0);
    }

    /// Checks every border and its neighbours against a binary search over
    /// the whole border array.
    fn check_against_plain_search<K: Key>(t: &Table<K>, probes: impl Iterator<Item = K>) {
        for k in probes {
            let i = t.intervals.partition_point(|iv| iv.0 <= k) - 1;
            assert_eq!(t.get(k), t.intervals[i].1, "{k:?}");
        }
    }

    #[test]
    fn dense_cluster_uses_nodes_and_stays_correct() {
        // 4096 single addresses in one /16 force nodes below the root.
        let ranges: Vec<(u32, u32, u64)> = (0..4096u32)
            .map(|i| {
                let a = 0x0a00_0000 + i * 7;
                (a, a, u64::from(i % 250) + 1)
            })
            .collect();
        let t = table(&ranges);
        assert!(t.directory_entries() > 1 << t.root_bits);
        check_against_plain_search(&t, ranges.iter().flat_map(|r| [r.0 - 1, r.0, r.0 + 1]));
    }

    #[test]
    fn clustered_v6_prefixes_use_path_compression() {
        // /64s inside one /48 inside one /32, and /128s inside one /64.
        let base: u128 = 0x2001_0db8_0001_0000 << 64;
        let mut ranges = vec![(base, base.block_last(96), 1)];
        for i in 0..40u128 {
            let s = base | (i * 3) << 64;
            ranges.push((s, s.block_last(64), 2 + i as u64));
        }
        for i in 0..40u128 {
            let s = base | (7 << 64) | (i * 5);
            ranges.push((s, s, 100 + i as u64));
        }
        let t = table(&ranges);
        let probes: Vec<u128> = t.intervals.iter().map(|iv| iv.0).collect();
        check_against_plain_search(
            &t,
            probes
                .iter()
                .flat_map(|&b| [b.wrapping_sub(1), b, b + 1, b | 0xffff]),
        );
        // Linear size: a few words per interval, not 256 per level.
        assert!(t.directory_entries() < (1 << t.root_bits) + 8 * t.intervals());
    }
}

//! The generic look-up structure (IPv6 organisations, both ignore lists):
//! the painted intervals in an array, and a radix directory in front of it
//! that narrows the search to a few intervals.
//!
//! Why hand-written and not `prefix-trie` (or `poptrie`, `treebitmap`): the
//! answer we need is not "the longest matching prefix" but a precomputed
//! organisation set per address range (most specific registrants plus
//! covering registrants that asked for customers' space). In interval form
//! that set is stored with the interval, and the structure can be laid out
//! for the look-up alone. On the project's machine `prefix-trie` 0.10 did
//! about a quarter of this structure's rate on the same IPv6 data, and a
//! sixth of [`Dir16`](crate::dir16)'s on IPv4; `bench_matcher --compare` measures
//! both and docs/PERFORMANCE.md has the figures.
//!
//! Layout:
//! - `intervals[i]` holds the first address of interval `i` and its answer;
//!   the first addresses start at 0 and strictly increase, so every address
//!   lies in exactly one interval. Adjacent intervals never have equal
//!   answers. Address and answer sit together, so the answer is in the
//!   cache line the search touched last.
//! - `dir` holds 64-bit entries. The root is its first `2^root_bits`
//!   entries, indexed by the address's top bits. An entry is
//!   - a *range* `(lo, hi)`: the block starts in interval `lo` and ends in
//!     `hi`, at most [`LEAF_MAX`] borders apart; binary-search them. A
//!     block that lies in one interval with the empty answer (most of the
//!     IPv6 space) is marked, and answered without reading the interval;
//!   - a *node*: the block has more borders. The node looks at the address
//!     bits just below the longest common prefix of the borders inside the
//!     block (path compression: a cluster of /48s in a /32 costs one level,
//!     not four), with a fan-out of about one entry per border, so the
//!     directory grows linearly with the table. If bits were skipped, a
//!     three-word header (prefix, lo/hi) precedes the node's entries:
//!     addresses outside that common prefix lie before or after all those
//!     borders, in `lo` or `hi`.
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
                let mask = if width >= Self::BITS { <$t>::MAX } else { (1 << width) - 1 };
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
// At most 2^16 root entries (512 KiB, within L2). IPv6 space in use is
// sparse above /16 (2000::/3 and a few RIR blocks), so a bigger root would
// be mostly empty; IPv4 tables here are ignore lists (organisations' IPv4
// space uses `Dir16`).
impl_key!(u32, 16);
impl_key!(u128, 16);

/// A block with at most this many borders inside stays a range entry.
const LEAF_MAX: usize = 4;
/// Keys per [`Table::get_group`] call.
pub(crate) const GROUP: usize = 16;
/// Largest node fan-out, in bits.
const MAX_NODE_BITS: u32 = 16;
/// Words before a node's entries: prefix (two words), lo/hi.
const HEADER: usize = 3;

/// Marks a directory entry that points to a node; other entries are ranges.
const TAG_NODE: u64 = 1 << 63;
/// With [`TAG_NODE`]: a node without skipped bits and without header.
const TAG_NO_SKIP: u64 = 1 << 62;
/// Without [`TAG_NODE`]: the whole block has the empty answer, so the
/// interval need not be read (most of the address space).
const TAG_EMPTY: u64 = 1 << 62;
const LOW31: u64 = (1 << 31) - 1;
/// A range over every interval (longer than LEAF_MAX, so searched).
const FULL_RANGE: u64 = LOW31 << 31;

fn range(lo: usize, hi: usize) -> u64 {
    // Both < 2^31, checked in `Table::new`.
    (lo as u64) | ((hi as u64) << 31)
}

fn unpack_range(e: u64) -> (usize, usize) {
    ((e & LOW31) as usize, ((e >> 31) & LOW31) as usize)
}

/// An elementary interval: its first address and its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Slot<K, V> {
    pub(crate) border: K,
    pub(crate) value: V,
}

#[derive(Debug)]
pub(crate) struct Table<K, V> {
    /// The intervals in order. Borders and answers interleaved: the answer
    /// found is in the cache line the search touched last.
    intervals: Box<[Slot<K, V>]>,
    dir: Box<[u64]>,
    root_bits: u32,
    /// The empty answer, for blocks marked [`TAG_EMPTY`].
    empty: V,
}

impl<K: Key, V: Default + PartialEq> Table<K, V> {
    pub(crate) fn new(intervals: Vec<Slot<K, V>>) -> Result<Self, BuildError> {
        if intervals.len() >= 1 << 31 {
            return Err(BuildError::TooLarge { what: "address intervals" });
        }
        let empty = V::default();
        let (dir, root_bits) = build_directory(&intervals, &empty);
        Ok(Table { intervals: intervals.into_boxed_slice(), dir: dir.into_boxed_slice(), root_bits, empty })
    }

    /// The answer for `key` (`None` only if the table were inconsistent,
    /// which the build never makes it).
    #[inline]
    pub(crate) fn get(&self, key: K) -> Option<&V> {
        let mut e = self.root(key);
        if e & TAG_NODE != 0 {
            e = self.descend(key, e);
        }
        if e & TAG_EMPTY != 0 {
            return Some(&self.empty);
        }
        self.value(self.search(key, e))
    }

    /// The answers for up to [`GROUP`] keys, to `emit`. Each level of the
    /// walk is done for the whole group before the next, so the group's
    /// cache misses overlap instead of queueing behind each other.
    pub(crate) fn get_group<'a>(&'a self, keys: &[K], mut emit: impl FnMut(Option<&'a V>)) {
        let keys = keys.get(..GROUP).unwrap_or(keys);
        let mut entries = [0u64; GROUP];
        for (e, &key) in entries.iter_mut().zip(keys) {
            *e = self.root(key);
        }
        // Every node consumes at least one bit, so this bound is never hit.
        for _ in 0..K::BITS {
            let mut deeper = false;
            for (e, &key) in entries.iter_mut().zip(keys) {
                if *e & TAG_NODE != 0 {
                    *e = self.step(key, *e);
                    deeper = true;
                }
            }
            if !deeper {
                break;
            }
        }
        let mut found = [usize::MAX; GROUP];
        for ((i, &e), &key) in found.iter_mut().zip(&entries).zip(keys) {
            if e & TAG_EMPTY == 0 {
                *i = self.search(key, e);
            }
        }
        for (&i, &e) in found.iter().zip(&entries).take(keys.len()) {
            emit(if e & TAG_EMPTY != 0 { Some(&self.empty) } else { self.value(i) });
        }
    }

    #[inline]
    fn root(&self, key: K) -> u64 {
        let root_shift = K::BITS - self.root_bits;
        self.dir.get(key.chunk(root_shift, self.root_bits)).copied().unwrap_or(FULL_RANGE)
    }

    /// Walks the nodes below a root entry down to a range entry.
    #[inline(never)]
    fn descend(&self, key: K, mut e: u64) -> u64 {
        // Every node consumes at least one bit, so this bound is never hit.
        for _ in 0..K::BITS {
            if e & TAG_NODE == 0 {
                return e;
            }
            e = self.step(key, e);
        }
        FULL_RANGE
    }

    /// One level down from node entry `e`: the entry for `key` below it,
    /// or, for a key outside the node's common prefix, a one-interval range.
    #[inline]
    fn step(&self, key: K, e: u64) -> u64 {
        let base = e as u32 as usize;
        let shift = ((e >> 55) & 0x7f) as u32;
        let bits = ((e >> 50) & 0x1f) as u32;
        let next = self.dir.get(base + key.chunk(shift, bits)).copied();
        if e & TAG_NO_SKIP != 0 {
            return next.unwrap_or(FULL_RANGE);
        }
        let header = self.dir.get(base.wrapping_sub(HEADER)..base).and_then(|h| <&[u64; HEADER]>::try_from(h).ok());
        let (Some(&[p0, p1, lohi]), Some(next)) = (header, next) else {
            return FULL_RANGE;
        };
        let top = key.high(shift + bits);
        let prefix = K::from_words([p0, p1]);
        if top == prefix {
            return next;
        }
        let (lo, hi) = unpack_range(lohi);
        let i = if top < prefix { lo } else { hi };
        range(i, i)
    }

    /// The interval holding `key`, within range entry `e`.
    #[inline]
    fn search(&self, key: K, e: u64) -> usize {
        let (lo, hi) = unpack_range(e);
        let hi = hi.min(self.intervals.len().saturating_sub(1));
        let candidates = self.intervals.get(lo + 1..=hi).unwrap_or(&[]);
        lo + candidates.partition_point(|iv| iv.border <= key)
    }

    #[inline]
    fn value(&self, i: usize) -> Option<&V> {
        self.intervals.get(i).map(|iv| &iv.value)
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
        std::mem::size_of_val::<[Slot<K, V>]>(&self.intervals) + std::mem::size_of_val::<[u64]>(&self.dir)
    }
}

/// A block with too many borders for a range entry, waiting to become a
/// node: `lo` and `hi` are the intervals holding its first and last key.
struct Pending {
    entry: usize,
    /// The block's free low bits.
    width: u32,
    lo: usize,
    hi: usize,
}

fn build_directory<K: Key, V: PartialEq>(intervals: &[Slot<K, V>], empty: &V) -> (Vec<u64>, u32) {
    let n = intervals.len();
    // About two root entries per interval, at most 2^ROOT_MAX.
    let root_bits = (usize::BITS - n.leading_zeros() + 1).clamp(1, K::ROOT_MAX);
    // Nodes have about one entry per border inside them, so realistic
    // tables need about two words per interval, root included (docs/PERFORMANCE.md);
    // the budget only bounds adversarial ones.
    let budget = (4 * n + (1 << 16)).min(u32::MAX as usize);
    let mut dir = Vec::with_capacity(1 << root_bits);
    let mut pending = VecDeque::new();
    let fill = Fill { intervals, empty };
    fill.node(&mut dir, K::ZERO, K::BITS - root_bits, root_bits, 0, &mut pending);
    while let Some(p) = pending.pop_front() {
        let (Some(first), Some(last)) = (intervals.get(p.lo + 1).map(|iv| iv.border), intervals.get(p.hi).map(|iv| iv.border)) else {
            continue;
        };
        // The node splits on the bits right below the prefix that all
        // borders inside the block share, one entry per border or so.
        let common = first.common_bits(last);
        let inside = p.hi - p.lo;
        let bits = (usize::BITS - 1 - inside.leading_zeros()).clamp(1, MAX_NODE_BITS).min(K::BITS - common);
        let top_shift = K::BITS - common;
        let shift = top_shift - bits;
        // Without skipped bits every address of the block is in the node's
        // range: no header, no comparison.
        let skips = top_shift < p.width;
        let base = dir.len() + if skips { HEADER } else { 0 };
        if base + (1 << bits) > budget {
            continue; // stays a range entry
        }
        if skips {
            let [p0, p1] = first.high(top_shift).to_words();
            dir.extend([p0, p1, range(p.lo, p.hi)]);
        }
        if let Some(e) = dir.get_mut(p.entry) {
            let tag = if skips { TAG_NODE } else { TAG_NODE | TAG_NO_SKIP };
            *e = tag | (u64::from(shift) << 55) | (u64::from(bits) << 50) | base as u64;
        }
        let start = first.block_start(top_shift);
        fill.node(&mut dir, start, shift, bits, p.lo, &mut pending);
    }
    (dir, root_bits)
}

struct Fill<'a, K, V> {
    empty: &'a V,
    intervals: &'a [Slot<K, V>],
}

impl<K: Key, V: PartialEq> Fill<'_, K, V> {
    /// Appends the `2^bits` entries for the blocks `start + i << shift`;
    /// `j` is an interval at or before the one holding `start`.
    fn node(&self, dir: &mut Vec<u64>, start: K, shift: u32, bits: u32, mut j: usize, pending: &mut VecDeque<Pending>) {
        for i in 0..(1usize << bits) {
            let s = start.with_chunk(shift, i);
            let last = s.block_last(shift);
            while self.intervals.get(j + 1).is_some_and(|iv| iv.border <= s) {
                j += 1;
            }
            let lo = j;
            while self.intervals.get(j + 1).is_some_and(|iv| iv.border <= last) {
                j += 1;
            }
            if j - lo > LEAF_MAX {
                pending.push_back(Pending { entry: dir.len(), width: shift, lo, hi: j });
            }
            let empty = lo == j && self.intervals.get(lo).is_some_and(|iv| iv.value == *self.empty);
            dir.push(if empty { TAG_EMPTY | range(lo, j) } else { range(lo, j) });
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
pub(crate) fn paint_nested<K, V, S, T>(
    items: impl IntoIterator<Item = (K, K, T)>,
    empty: V,
    mut enter: impl FnMut(T, Option<&S>) -> Result<(V, S), BuildError>,
) -> Result<Vec<Slot<K, V>>, BuildError>
where
    K: Key,
    V: Copy + Eq,
{
    let mut canvas = Canvas { intervals: vec![Slot { border: K::ZERO, value: empty }] };
    // Enclosing ranges of the current position, outermost first.
    let mut stack: Vec<(K, V, S)> = Vec::new();
    for (start, last, item) in items {
        close(&mut stack, &mut canvas, empty, |end| end < start);
        let (value, state) = enter(item, stack.last().map(|t| &t.2))?;
        canvas.paint(start, value);
        stack.push((last, value, state));
    }
    close(&mut stack, &mut canvas, empty, |_| true);
    Ok(canvas.intervals)
}

fn close<K: Key, V: Copy + Eq, S>(stack: &mut Vec<(K, V, S)>, canvas: &mut Canvas<K, V>, empty: V, ended: impl Fn(K) -> bool) {
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

struct Canvas<K, V> {
    intervals: Vec<Slot<K, V>>,
}

impl<K: Key, V: Copy + Eq> Canvas<K, V> {
    /// From `at` on (until the next call) the value is `value`. Calls come
    /// in non-decreasing `at`; a later call at the same position wins.
    fn paint(&mut self, at: K, value: V) {
        if self.intervals.last().is_some_and(|iv| iv.border == at) {
            self.intervals.pop();
        }
        if self.intervals.last().is_some_and(|iv| iv.value == value) {
            return;
        }
        self.intervals.push(Slot { border: at, value });
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    struct T<K>(Table<K, u32>);

    impl<K: Key> T<K> {
        fn get(&self, k: K) -> u32 {
            *self.0.get(k).unwrap()
        }
    }

    fn table<K: Key>(ranges: &[(K, K, u32)]) -> T<K> {
        let mut items = ranges.to_vec();
        items.sort_by_key(|&(s, l, _)| (s, std::cmp::Reverse(l)));
        T(Table::new(paint_nested(items, 0, |v, _: Option<&()>| Ok((v, ()))).unwrap()).unwrap())
    }

    #[test]
    fn painting_nested_ranges() {
        let t = table(&[(0, u32::MAX, 1), (10, 19, 2), (10, 12, 3), (15, 19, 4)]);
        let got: Vec<u32> = [0, 9, 10, 12, 13, 14, 15, 19, 20, u32::MAX].iter().map(|&k| t.get(k)).collect();
        assert_eq!(got, [1, 1, 3, 3, 2, 2, 4, 4, 1, 1]);
    }

    #[test]
    fn adjacent_equal_values_merge() {
        let t = table(&[(0u32, 9, 1), (10, 19, 1), (20, 29, 2)]);
        assert_eq!(t.0.intervals(), 3); // [0,20) → 1, [20,30) → 2, [30,..) → 0
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

    /// Checks the probes against a binary search over the whole array.
    fn check_against_plain_search<K: Key>(t: &T<K>, probes: impl Iterator<Item = K>) {
        for k in probes {
            let i = t.0.intervals.partition_point(|iv| iv.border <= k) - 1;
            assert_eq!(t.get(k), t.0.intervals[i].value, "{k:?}");
        }
    }

    #[test]
    fn dense_cluster_uses_nodes_and_stays_correct() {
        // 4096 single addresses in one /16 force nodes below the root.
        let ranges: Vec<(u32, u32, u32)> = (0..4096u32)
            .map(|i| {
                let a = 0x0a00_0000 + i * 7;
                (a, a, i % 250 + 1)
            })
            .collect();
        let t = table(&ranges);
        assert!(t.0.directory_entries() > 1 << t.0.root_bits);
        check_against_plain_search(&t, ranges.iter().flat_map(|r| [r.0 - 1, r.0, r.0 + 1]));
    }

    #[test]
    fn clustered_v6_prefixes_use_path_compression() {
        // /64s inside one /48 inside one /32, and /128s inside one /64.
        let base: u128 = 0x2001_0db8_0001_0000 << 64;
        let mut ranges = vec![(base, base.block_last(96), 1)];
        for i in 0..40u128 {
            let s = base | (i * 3) << 64;
            ranges.push((s, s.block_last(64), 2 + i as u32));
        }
        for i in 0..40u128 {
            let s = base | (7 << 64) | (i * 5);
            ranges.push((s, s, 100 + i as u32));
        }
        let t = table(&ranges);
        let probes: Vec<u128> = t.0.intervals.iter().map(|iv| iv.border).collect();
        check_against_plain_search(&t, probes.iter().flat_map(|&b| [b.wrapping_sub(1), b, b + 1, b | 0xffff]));
        // Linear size: a few words per interval, not 256 per level.
        assert!(t.0.directory_entries() < (1 << t.0.root_bits) + 8 * t.0.intervals());
    }
}

//! The IPv4 look-up structure for organisations' space: the painted
//! intervals split by /16 block, each block's borders stored as their low
//! 16 bits, answers stored inline.
//!
//! Measured on the project's machine (2 MiB L2 per core, slow L3): look-up
//! speed is set by the loads that miss L2. Here the block index (256 KiB)
//! and the 16-bit borders (2 bytes per interval) stay in L2, so a look-up
//! usually misses only once, on its answer, which holds up to three
//! organisations inline ([`Answer`](crate::sets)). The generic
//! [`Table`](crate::table::Table), with 8-byte directory words and whole
//! border-and-answer records to search, managed 35 M look-ups/s on the
//! benchmark's IPv4 data against 55 M/s here (docs/PERFORMANCE.md). This is the "/16
//! directory in front of a binary search" that the research note measured
//! fastest.

use crate::error::BuildError;
use crate::table::{GROUP, Slot};

/// Blocks with at most this many borders are searched in a fixed number of
/// steps (`log2(SMALL + 1)`).
const SMALL: usize = 15;

#[derive(Debug)]
pub(crate) struct Dir16<V> {
    /// `first[b]`: the interval holding the first address of /16 block `b`
    /// (65 537 entries; the last one is the number of intervals - 1).
    first: Box<[u32]>,
    /// The low 16 bits of each interval's first address.
    lows: Box<[u16]>,
    /// Each interval's answer.
    values: Box<[V]>,
}

impl<V: Copy> Dir16<V> {
    pub(crate) fn new(intervals: &[Slot<u32, V>]) -> Result<Dir16<V>, BuildError> {
        let n = intervals.len();
        if n > u32::MAX as usize {
            return Err(BuildError::TooLarge { what: "IPv4 intervals" });
        }
        let mut first = Vec::with_capacity((1 << 16) + 1);
        let mut j = 0usize;
        for block in 0..1u32 << 16 {
            let start = block << 16;
            while intervals.get(j + 1).is_some_and(|iv| iv.border <= start) {
                j += 1;
            }
            first.push(j as u32);
        }
        first.push(n.saturating_sub(1) as u32);
        Ok(Dir16 {
            first: first.into_boxed_slice(),
            lows: intervals.iter().map(|iv| iv.border as u16).collect(),
            values: intervals.iter().map(|iv| iv.value).collect(),
        })
    }

    #[inline]
    pub(crate) fn get(&self, key: u32) -> Option<&V> {
        self.values.get(self.locate(key))
    }

    /// The answers for up to [`GROUP`] keys, to `emit`: all intervals are
    /// found first (in L2), then the answers are loaded, so their cache
    /// misses overlap.
    pub(crate) fn get_group<'a>(&'a self, keys: &[u32], mut emit: impl FnMut(Option<&'a V>)) {
        let keys = keys.get(..GROUP).unwrap_or(keys);
        let mut found = [0usize; GROUP];
        for (i, &key) in found.iter_mut().zip(keys) {
            *i = self.locate(key);
        }
        for &i in found.iter().take(keys.len()) {
            emit(self.values.get(i));
        }
    }

    /// The interval holding `key`.
    #[inline]
    fn locate(&self, key: u32) -> usize {
        let block = (key >> 16) as usize;
        let low = key as u16;
        let (Some(&lo), Some(&hi)) = (self.first.get(block), self.first.get(block + 1)) else {
            return usize::MAX;
        };
        let (lo, hi) = (lo as usize, hi as usize);
        // The borders inside the block have low halves 1..=65535 in rising
        // order; the range may end with the next block's own first border
        // (low half 0). Mapping 0 to 65535 by `wrapping_sub(1)` keeps the
        // predicate monotone and that border out.
        let below = |l: &u16| l.wrapping_sub(1) < low;
        let n = hi.saturating_sub(lo);
        if n <= SMALL {
            // Most blocks: a fixed number of steps and no data-dependent
            // branch, so a misprediction does not cancel the loads of the
            // look-ups that follow.
            let mut count = 0;
            let mut step = SMALL.next_power_of_two() / 2;
            while step > 0 {
                let probe = count + step;
                let ok = probe <= n && self.lows.get(lo + probe).is_some_and(below);
                count += step * usize::from(ok);
                step /= 2;
            }
            lo + count
        } else {
            let candidates = self.lows.get(lo + 1..=hi).unwrap_or(&[]);
            lo + candidates.partition_point(below)
        }
    }

    pub(crate) fn intervals(&self) -> usize {
        self.values.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        std::mem::size_of_val::<[u32]>(&self.first)
            + std::mem::size_of_val::<[u16]>(&self.lows)
            + std::mem::size_of_val::<[V]>(&self.values)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn dir(borders: &[(u32, u32)]) -> Dir16<u32> {
        let slots: Vec<Slot<u32, u32>> = borders.iter().map(|&(border, value)| Slot { border, value }).collect();
        Dir16::new(&slots).unwrap()
    }

    #[test]
    fn borders_on_block_edges() {
        let d = dir(&[(0, 0), (0x0001_0000, 1), (0x0001_0001, 2), (0x0001_ffff, 3), (0x0002_0000, 4), (0xffff_ffff, 5)]);
        let cases = [
            (0, 0),
            (0xffff, 0),
            (0x0001_0000, 1),
            (0x0001_0001, 2),
            (0x0001_fffe, 2),
            (0x0001_ffff, 3),
            (0x0002_0000, 4),
            (0xffff_fffe, 4),
            (0xffff_ffff, 5),
        ];
        for (key, want) in cases {
            assert_eq!(d.get(key), Some(&want), "{key:#x}");
        }
    }

    #[test]
    fn a_full_block_of_single_addresses() {
        let mut borders = vec![(0, 0)];
        borders.extend((0..=0xffffu32).map(|i| (0x0a0a_0000 | i, i + 1)));
        borders.push((0x0a0b_0000, 0));
        let d = dir(&borders);
        for i in 0..=0xffffu32 {
            assert_eq!(d.get(0x0a0a_0000 | i), Some(&(i + 1)));
        }
        assert_eq!(d.get(0x0a09_ffff), Some(&0));
        assert_eq!(d.get(0x0a0b_0000), Some(&0));
    }

    #[test]
    fn blocks_of_every_size_around_the_fixed_step_limit() {
        // Block b (b = 1..=40) holds b borders spread over its 65536
        // addresses; check every border, its neighbours and the block ends.
        let mut borders = vec![(0u32, 0u32)];
        for b in 1..=40u32 {
            for k in 0..b {
                let low = 1 + k * (65535 / b);
                borders.push(((b << 16) | low, b * 100 + k));
            }
        }
        let d = dir(&borders);
        let plain = |key: u32| {
            let i = borders.partition_point(|&(border, _)| border <= key) - 1;
            borders[i].1
        };
        let mut probes = vec![0, u32::MAX];
        for &(border, _) in &borders {
            probes.extend([border.wrapping_sub(1), border, border + 1, border | 0xffff]);
        }
        for key in probes {
            assert_eq!(d.get(key), Some(&plain(key)), "{key:#x}");
        }
    }
}

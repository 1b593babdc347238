//! Interned organisation sets.
//!
//! Every answer of the matcher is a sorted, duplicate-free set of
//! [`OrgId`]s. The build interns each distinct set once into one arena; the
//! look-up structures store its packed position ([`SetRef`]) and a look-up
//! hands out the arena slice, so answering never allocates.

use std::collections::HashMap;

use crate::error::BuildError;
use crate::snapshot::OrgId;

/// Where an interned set lives in the arena, packed into 62 bits so the
/// look-up tables can store it next to their 2-bit entry tags: the low 32
/// bits are the start, the next 30 the length. 0 is the empty set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct SetRef(pub(crate) u64);

impl SetRef {
    pub(crate) const EMPTY: SetRef = SetRef(0);
    const MAX_LEN: usize = (1 << 30) - 1;

    fn new(start: usize, len: usize) -> Option<SetRef> {
        let start = u32::try_from(start).ok()?;
        if len > Self::MAX_LEN {
            return None;
        }
        Some(SetRef(u64::from(start) | (len as u64) << 32))
    }

    #[inline]
    fn range(self) -> std::ops::Range<usize> {
        let start = (self.0 & 0xffff_ffff) as usize;
        let len = ((self.0 >> 32) as usize) & Self::MAX_LEN;
        start..start + len
    }
}

/// The frozen arena of a built matcher.
#[derive(Debug, Default)]
pub(crate) struct OrgSets {
    arena: Box<[OrgId]>,
}

impl OrgSets {
    #[inline]
    pub(crate) fn get(&self, set: SetRef) -> &[OrgId] {
        self.arena.get(set.range()).unwrap_or(&[])
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        std::mem::size_of_val::<[OrgId]>(&self.arena)
    }

    /// Total length of all sets.
    pub(crate) fn entries(&self) -> usize {
        self.arena.len()
    }
}

/// Builds the arena; one per matcher build.
#[derive(Default)]
pub(crate) struct Interner {
    arena: Vec<OrgId>,
    index: HashMap<Box<[OrgId]>, SetRef>,
    scratch: Vec<OrgId>,
}

impl Interner {
    pub(crate) fn get(&self, set: SetRef) -> &[OrgId] {
        self.arena.get(set.range()).unwrap_or(&[])
    }

    /// `set` must be sorted and free of duplicates.
    pub(crate) fn intern(&mut self, set: &[OrgId]) -> Result<SetRef, BuildError> {
        if set.is_empty() {
            return Ok(SetRef::EMPTY);
        }
        if let Some(r) = self.index.get(set) {
            return Ok(*r);
        }
        let r = SetRef::new(self.arena.len(), set.len())
            .filter(|_| self.arena.len() + set.len() <= u32::MAX as usize)
            .ok_or(BuildError::TooLarge {
                what: "organisation sets",
            })?;
        self.arena.extend_from_slice(set);
        self.index.insert(set.into(), r);
        Ok(r)
    }

    /// Interns the union of an interned set and a sorted, duplicate-free
    /// slice.
    pub(crate) fn union(&mut self, a: SetRef, b: &[OrgId]) -> Result<SetRef, BuildError> {
        if b.is_empty() {
            return Ok(a);
        }
        if a == SetRef::EMPTY {
            return self.intern(b);
        }
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        merge_sorted(self.get(a), b, &mut out);
        let r = self.intern(&out);
        self.scratch = out;
        r
    }

    pub(crate) fn finish(self) -> OrgSets {
        OrgSets {
            arena: self.arena.into_boxed_slice(),
        }
    }
}

/// Appends the sorted union of two sorted, duplicate-free slices.
pub(crate) fn merge_sorted(a: &[OrgId], b: &[OrgId], out: &mut Vec<OrgId>) {
    let (mut i, mut j) = (0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        match x.cmp(&y) {
            std::cmp::Ordering::Less => {
                out.push(x);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(y);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(x);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(a.get(i..).unwrap_or(&[]));
    out.extend_from_slice(b.get(j..).unwrap_or(&[]));
}

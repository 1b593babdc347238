//! Interned organisation sets.
//!
//! Every answer of the matcher is a sorted, duplicate-free set of
//! [`OrgId`]s. The build interns each distinct set once and numbers it
//! ([`SetId`]); the look-up structures store it as an [`Answer`], which
//! holds small sets inline, and a look-up hands out a slice, so answering
//! never allocates.

use rustc_hash::FxHashMap;

use crate::error::BuildError;
use crate::snapshot::OrgId;

/// The number of an interned set; 0 is the empty set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct SetId(pub(crate) u32);

impl SetId {
    pub(crate) const EMPTY: SetId = SetId(0);
}

/// A set as the look-up structures store it: up to `N` members inline (no
/// further memory access; most answers are one organisation, or a customer
/// and its provider); for larger sets `orgs[0].0` is where the members
/// start in the arena. `N` trades the size of every interval record against
/// how often a look-up must visit the arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Answer<const N: usize> {
    len: u32,
    orgs: [OrgId; N],
}

impl<const N: usize> Answer<N> {
    pub(crate) const EMPTY: Answer<N> = Answer { len: 0, orgs: [OrgId(0); N] };
}

impl<const N: usize> Default for Answer<N> {
    fn default() -> Self {
        Answer::EMPTY
    }
}

/// The arena of a built matcher: the members of every set, one after the
/// other.
#[derive(Debug, Default)]
pub(crate) struct OrgSets {
    arena: Box<[OrgId]>,
}

impl OrgSets {
    #[inline]
    pub(crate) fn members<'a, const N: usize>(&'a self, answer: &'a Answer<N>) -> &'a [OrgId] {
        let len = answer.len as usize;
        match answer.orgs.get(..len) {
            Some(inline) => inline,
            None => {
                let start = answer.orgs.first().map_or(0, |o| o.0 as usize);
                self.arena.get(start..start + len).unwrap_or(&[])
            }
        }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        std::mem::size_of_val::<[OrgId]>(&self.arena)
    }
}

/// Builds the sets; one per matcher build.
pub(crate) struct Interner {
    /// `(start, len)` of set `id` in `arena`.
    spans: Vec<(u32, u32)>,
    arena: Vec<OrgId>,
    /// Keys are organisation ids fyr assigns, so a fast unkeyed hash is
    /// safe here.
    index: FxHashMap<Box<[OrgId]>, SetId>,
    scratch: Vec<OrgId>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner { spans: vec![(0, 0)], arena: Vec::new(), index: FxHashMap::default(), scratch: Vec::new() }
    }
}

impl Interner {
    pub(crate) fn get(&self, id: SetId) -> &[OrgId] {
        let Some(&(start, len)) = self.spans.get(id.0 as usize) else {
            return &[];
        };
        self.arena.get(start as usize..(start + len) as usize).unwrap_or(&[])
    }

    /// How the look-up structures store set `id`.
    pub(crate) fn answer<const N: usize>(&self, id: SetId) -> Answer<N> {
        let Some(&(start, len)) = self.spans.get(id.0 as usize) else {
            return Answer::EMPTY;
        };
        let mut answer = Answer { len, orgs: [OrgId(0); N] };
        match answer.orgs.get_mut(..len as usize) {
            Some(inline) => inline.copy_from_slice(self.get(id)),
            None => {
                if let Some(first) = answer.orgs.first_mut() {
                    *first = OrgId(u64::from(start));
                }
            }
        }
        answer
    }

    /// Number of distinct sets so far, the empty one included.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// `set` must be sorted and free of duplicates.
    pub(crate) fn intern(&mut self, set: &[OrgId]) -> Result<SetId, BuildError> {
        if set.is_empty() {
            return Ok(SetId::EMPTY);
        }
        if let Some(id) = self.index.get(set) {
            return Ok(*id);
        }
        let too_large = || BuildError::TooLarge { what: "organisation sets" };
        let id = SetId(u32::try_from(self.spans.len()).map_err(|_| too_large())?);
        let start = u32::try_from(self.arena.len()).map_err(|_| too_large())?;
        let len = u32::try_from(set.len()).map_err(|_| too_large())?;
        start.checked_add(len).ok_or_else(too_large)?;
        self.arena.extend_from_slice(set);
        self.spans.push((start, len));
        self.index.insert(set.into(), id);
        Ok(id)
    }

    /// Interns the union of an interned set and a sorted, duplicate-free
    /// slice.
    pub(crate) fn union(&mut self, a: SetId, b: &[OrgId]) -> Result<SetId, BuildError> {
        if b.is_empty() {
            return Ok(a);
        }
        if a == SetId::EMPTY {
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
        OrgSets { arena: self.arena.into_boxed_slice() }
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

//! Interned organisation sets.
//!
//! Every answer of the matcher is a sorted, duplicate-free set of
//! [`OrgId`]s. The build interns each distinct set once and numbers it
//! ([`SetId`]); the look-up structures store it inline as an [`Answer`]
//! and a look-up hands out a slice, so answering never allocates. A set of
//! one organisation (the common case) needs no memory access beyond the
//! answer; larger sets live in one arena.

use rustc_hash::FxHashMap;

use crate::error::BuildError;
use crate::snapshot::OrgId;

/// The number of an interned set; 0 is the empty set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct SetId(pub(crate) u32);

impl SetId {
    pub(crate) const EMPTY: SetId = SetId(0);
}

/// A set as the look-up structures store it: up to [`INLINE`] members
/// inline (no further memory access; most answers are one organisation, or
/// a customer and its provider); for larger sets `orgs[0].0` is where the
/// members start in the arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Answer {
    len: u32,
    orgs: [OrgId; INLINE],
}

/// Members stored inside an [`Answer`].
const INLINE: usize = 3;

impl Answer {
    pub(crate) const EMPTY: Answer = Answer { len: 0, orgs: [OrgId(0); INLINE] };
}

impl Default for Answer {
    fn default() -> Self {
        Answer::EMPTY
    }
}

#[inline]
fn members<'a>(arena: &'a [OrgId], answer: &'a Answer) -> &'a [OrgId] {
    let len = answer.len as usize;
    if len <= INLINE {
        answer.orgs.get(..len).unwrap_or(&[])
    } else {
        let start = answer.orgs[0].0 as usize;
        arena.get(start..start + len).unwrap_or(&[])
    }
}

/// The arena of a built matcher: the members of sets of two or more.
#[derive(Debug, Default)]
pub(crate) struct OrgSets {
    arena: Box<[OrgId]>,
}

impl OrgSets {
    #[inline]
    pub(crate) fn members<'a>(&'a self, answer: &'a Answer) -> &'a [OrgId] {
        members(&self.arena, answer)
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        std::mem::size_of_val::<[OrgId]>(&self.arena)
    }
}

/// Builds the sets; one per matcher build.
pub(crate) struct Interner {
    sets: Vec<Answer>,
    arena: Vec<OrgId>,
    /// Keys are organisation ids fyr assigns, so a fast unkeyed hash is
    /// safe here.
    index: FxHashMap<Box<[OrgId]>, SetId>,
    scratch: Vec<OrgId>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner { sets: vec![Answer::EMPTY], arena: Vec::new(), index: FxHashMap::default(), scratch: Vec::new() }
    }
}

impl Interner {
    pub(crate) fn get(&self, id: SetId) -> &[OrgId] {
        self.sets.get(id.0 as usize).map_or(&[], |answer| members(&self.arena, answer))
    }

    /// How the look-up structures store set `id`.
    pub(crate) fn answer(&self, id: SetId) -> Answer {
        self.sets.get(id.0 as usize).copied().unwrap_or_default()
    }

    /// Number of distinct sets so far, the empty one included.
    pub(crate) fn len(&self) -> usize {
        self.sets.len()
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
        let id = SetId(u32::try_from(self.sets.len()).map_err(|_| too_large())?);
        let len = u32::try_from(set.len()).map_err(|_| too_large())?;
        let mut entry = Answer { len, orgs: [OrgId(0); INLINE] };
        if let Some(inline) = entry.orgs.get_mut(..set.len()) {
            inline.copy_from_slice(set);
        } else {
            entry.orgs[0] = OrgId(self.arena.len() as u64);
            self.arena.extend_from_slice(set);
        }
        self.sets.push(entry);
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

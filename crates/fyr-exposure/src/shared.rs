//! Swapping matchers while look-ups go on.

use std::sync::Arc;

use arc_swap::{ArcSwap, Guard};

use crate::error::BuildError;
use crate::matcher::Matcher;
use crate::snapshot::AssetSnapshot;

/// The current [`Matcher`], replaceable at any time without blocking
/// readers: a reader keeps the matcher it loaded until it drops it, and the
/// next load sees the new one.
#[derive(Debug)]
pub struct SharedMatcher {
    current: ArcSwap<Matcher>,
}

impl SharedMatcher {
    pub fn new(matcher: Matcher) -> SharedMatcher {
        SharedMatcher { current: ArcSwap::from_pointee(matcher) }
    }

    /// The current matcher, for a batch of look-ups. Cheap (no reference
    /// count traffic in the common case); hold it for a batch, not for
    /// hours, or use [`load_full`](Self::load_full).
    pub fn load(&self) -> Guard<Arc<Matcher>> {
        self.current.load()
    }

    /// The current matcher as an owned `Arc`.
    pub fn load_full(&self) -> Arc<Matcher> {
        self.current.load_full()
    }

    /// Makes `matcher` current and returns the previous one.
    pub fn replace(&self, matcher: Matcher) -> Arc<Matcher> {
        self.current.swap(Arc::new(matcher))
    }

    /// Builds a matcher from `snapshot` on the calling thread and makes it
    /// current. On error the current matcher stays.
    pub fn rebuild(&self, snapshot: &AssetSnapshot) -> Result<(), BuildError> {
        let matcher = Matcher::build(snapshot)?;
        self.current.store(Arc::new(matcher));
        Ok(())
    }
}

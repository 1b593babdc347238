//! Exposure matching: which organisations an exposure record (a
//! Shadowserver row, a scan result) is about.
//!
//! Organisations register IPv4/IPv6 CIDRs, AS numbers and domain suffixes
//! ([`AssetSnapshot`]). A [`Matcher`] built from a snapshot answers, for a
//! record's address, AS and host name, which organisations to notify and
//! why ([`Matcher::match_subject`]); the rules are on [`Matcher`].
//! [`SharedMatcher`] swaps in a rebuilt matcher while other threads keep
//! looking up, and [`overlaps`] lists registrations of different
//! organisations that overlap, for the CERT's review.
//!
//! A pure library: no IO, no async, no clock.

mod dir16;
mod error;
mod host;
mod matcher;
mod overlap;
mod sets;
mod shared;
mod snapshot;
mod table;

pub use error::{BuildError, DomainError};
pub use matcher::{AddressVia, MatchIter, Matcher, MatcherStats, Matches, OrgMatch, RecordMatch, SourceKind, Subject};
pub use overlap::{Asset, Overlap, overlaps};
pub use shared::SharedMatcher;
pub use snapshot::{Asn, AssetSnapshot, DomainSuffix, OrgAssets, OrgId, OrgPolicy};

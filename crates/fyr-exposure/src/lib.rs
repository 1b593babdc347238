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
//! A pure library: no IO, no async, no clock, no `unsafe`.
//!
//! # Code map
//! - `snapshot.rs`: the input types ([`OrgId`], [`Asn`], [`DomainSuffix`],
//!   [`OrgAssets`], [`AssetSnapshot`]), parsed and normalised.
//! - `matcher.rs`: [`Matcher::build`] and the look-ups; the result types
//!   ([`RecordMatch`], [`Matches`], [`OrgMatch`]).
//! - `table.rs`: turning nested CIDRs into elementary address intervals,
//!   each with its precomputed answer (`paint_nested`), and the generic
//!   radix-indexed interval table (IPv6, ignore lists).
//! - `dir16.rs`: the IPv4 interval table (/16 index, 16-bit borders).
//! - `sets.rs`: interning of organisation sets; answers hold up to three
//!   organisations inline.
//! - `host.rs`: host names out of host names and URLs, without allocating.
//! - `shared.rs`: [`SharedMatcher`] (arc-swap). `overlap.rs`: [`overlaps`].
//!
//! # Invariants
//! - A look-up never allocates and never panics; every index that input
//!   drives is checked (`get`), and a structure that could not answer
//!   answers "nobody".
//! - The answer for every address is computed at build time: the most
//!   specific registrants plus flagged registrants of covering prefixes. A
//!   look-up only finds the interval.
//! - A [`Matcher`] never changes after [`Matcher::build`]; changes mean a
//!   new matcher, swapped in whole.
//! - Every rule is checked by property tests against a linear scan
//!   (`tests/it/naive.rs`).

pub mod advice;
mod dir16;
mod error;
mod host;
mod matcher;
pub mod notice;
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

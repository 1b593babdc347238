//! The input of the matcher: which organisation registered which assets.
//!
//! Everything here is already parsed: a [`DomainSuffix`] is normalised, an
//! [`Asn`] is never 0 and `ipnet` networks are well formed. Building a
//! [`Matcher`](crate::Matcher) from a snapshot therefore cannot fail on
//! content, only on size.

use std::fmt;
use std::num::NonZeroU32;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// An organisation, as the rest of fyr numbers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrgId(pub u64);

/// An autonomous system number. AS 0 is reserved (RFC 7607) and is what
/// Shadowserver writes for "unknown", so it cannot be represented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Asn(NonZeroU32);

impl Asn {
    /// `None` for AS 0.
    pub fn new(n: u32) -> Option<Asn> {
        NonZeroU32::new(n).map(Asn)
    }

    pub fn get(self) -> u32 {
        self.0.get()
    }
}

impl TryFrom<u32> for Asn {
    type Error = &'static str;
    fn try_from(n: u32) -> Result<Self, Self::Error> {
        Asn::new(n).ok_or("AS 0 is reserved")
    }
}

impl From<Asn> for u32 {
    fn from(a: Asn) -> u32 {
        a.get()
    }
}

impl fmt::Display for Asn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AS{}", self.get())
    }
}

/// A registered domain suffix such as `example.se`: it covers the name
/// itself and every name below it on a label boundary.
///
/// Normalised on parsing: surrounding white space and one trailing dot are
/// removed and ASCII letters are lower-cased. Only ASCII is accepted;
/// internationalised names must be registered (and looked up) as A-labels
/// (`xn--…`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DomainSuffix(Box<str>);

impl DomainSuffix {
    pub fn parse(raw: &str) -> Result<DomainSuffix, DomainError> {
        let s = raw.trim();
        let s = s.strip_suffix('.').unwrap_or(s);
        if s.is_empty() {
            return Err(DomainError::Empty);
        }
        if s.len() > 253 {
            return Err(DomainError::TooLong);
        }
        if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_' || *c == '.')) {
            return Err(DomainError::BadCharacter(c));
        }
        for label in s.split('.') {
            if label.is_empty() {
                return Err(DomainError::EmptyLabel);
            }
            if label.len() > 63 {
                return Err(DomainError::LabelTooLong);
            }
        }
        let tld = s.rsplit('.').next().unwrap_or(s);
        if tld.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::NumericTld);
        }
        Ok(DomainSuffix(s.to_ascii_lowercase().into_boxed_str()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The registered suffixes that would cover this one, nearest first:
    /// `a.b.se` → `b.se`, `se`.
    pub(crate) fn parents(&self) -> impl Iterator<Item = &str> {
        let s: &str = &self.0;
        s.match_indices('.').map(move |(i, _)| s.get(i + 1..).unwrap_or(""))
    }
}

impl TryFrom<String> for DomainSuffix {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        DomainSuffix::parse(&s)
    }
}

impl From<DomainSuffix> for String {
    fn from(d: DomainSuffix) -> String {
        d.0.into_string()
    }
}

impl fmt::Display for DomainSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an organisation wants to hear about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrgPolicy {
    /// Also notify this organisation about records that matched a more
    /// specific registration of somebody else (a customer) inside its own
    /// CIDRs or below its own domain suffixes. Off by default: normally only
    /// the most specific registrant hears about a record.
    pub notify_covered_customers: bool,
}

/// The assets one organisation registered.
///
/// An organisation may appear in several `OrgAssets` of one snapshot; they
/// are merged, and the policy flag counts as set if any of them sets it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgAssets {
    pub org: OrgId,
    #[serde(default)]
    pub policy: OrgPolicy,
    /// IPv4 and IPv6 networks. Host bits are ignored (`192.0.2.7/24` is
    /// `192.0.2.0/24`).
    #[serde(default)]
    pub cidrs: Vec<IpNet>,
    #[serde(default)]
    pub asns: Vec<Asn>,
    #[serde(default)]
    pub domains: Vec<DomainSuffix>,
}

impl OrgAssets {
    pub fn new(org: OrgId) -> OrgAssets {
        OrgAssets { org, policy: OrgPolicy::default(), cidrs: Vec::new(), asns: Vec::new(), domains: Vec::new() }
    }
}

/// All registrations plus the CERT's global ignore list, as of one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssetSnapshot {
    pub orgs: Vec<OrgAssets>,
    /// Networks whose addresses mark a record as ignored: sinkholes,
    /// research scanners, CDNs.
    pub ignore: Vec<IpNet>,
}

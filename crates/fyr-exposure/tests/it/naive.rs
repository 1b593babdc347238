//! The reference: the matching rules applied by a linear scan over every
//! registration, written for obviousness, not speed.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use fyr_exposure::{AddressVia, Asn, AssetSnapshot, OrgId, OrgMatch, SourceKind};

/// What `Matcher::match_subject` should say, in a comparable form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Matched(Vec<OrgMatch>),
    Ignored(Vec<OrgMatch>),
    Unmatched,
}

fn flagged(snap: &AssetSnapshot, org: OrgId) -> bool {
    snap.orgs.iter().any(|o| o.org == org && o.policy.notify_covered_customers)
}

/// The most specific registrants plus flagged registrants of anything less
/// specific, from `(specificity, org)` pairs of matching registrations.
fn most_specific_rule(snap: &AssetSnapshot, hits: &[(u32, OrgId)]) -> Vec<OrgId> {
    let Some(best) = hits.iter().map(|h| h.0).max() else {
        return Vec::new();
    };
    let set: BTreeSet<OrgId> = hits.iter().filter(|(spec, org)| *spec == best || flagged(snap, *org)).map(|h| h.1).collect();
    set.into_iter().collect()
}

pub fn ip(snap: &AssetSnapshot, addr: IpAddr) -> Vec<OrgId> {
    let addr = addr.to_canonical();
    let hits: Vec<(u32, OrgId)> = snap
        .orgs
        .iter()
        .flat_map(|o| o.cidrs.iter().filter(move |n| n.contains(&addr)).map(move |n| (u32::from(n.prefix_len()), o.org)))
        .collect();
    most_specific_rule(snap, &hits)
}

pub fn asn(snap: &AssetSnapshot, asn: Asn) -> Vec<OrgId> {
    let set: BTreeSet<OrgId> = snap.orgs.iter().filter(|o| o.asns.contains(&asn)).map(|o| o.org).collect();
    set.into_iter().collect()
}

/// `host` is already lower case without a trailing dot.
pub fn host(snap: &AssetSnapshot, host: &str) -> Vec<OrgId> {
    let hits: Vec<(u32, OrgId)> = snap
        .orgs
        .iter()
        .flat_map(|o| {
            o.domains
                .iter()
                .filter(move |d| {
                    let d = d.as_str();
                    host == d || host.ends_with(&format!(".{d}"))
                })
                .map(move |d| (d.as_str().split('.').count() as u32, o.org))
        })
        .collect();
    most_specific_rule(snap, &hits)
}

pub fn ignored(snap: &AssetSnapshot, addr: IpAddr) -> bool {
    let addr = addr.to_canonical();
    snap.ignore.iter().any(|n| n.contains(&addr))
}

/// `canonical_host` is the record's host as the reference sees it (the
/// test generates the presentation the matcher gets separately).
pub fn subject(
    snap: &AssetSnapshot,
    addr: Option<IpAddr>,
    record_asn: Option<Asn>,
    canonical_host: Option<&str>,
    source: SourceKind,
) -> Verdict {
    let domain = canonical_host.map(|h| host(snap, h)).unwrap_or_default();
    let (address, via, is_ignored) = match source {
        SourceKind::WebsiteContent => (Vec::new(), None, false),
        SourceKind::Network => {
            let cidr = addr.map(|a| ip(snap, a)).unwrap_or_default();
            let (orgs, via) = if cidr.is_empty() {
                (record_asn.map(|a| asn(snap, a)).unwrap_or_default(), AddressVia::Asn)
            } else {
                (cidr, AddressVia::Cidr)
            };
            (orgs, Some(via), addr.is_some_and(|a| ignored(snap, a)))
        }
    };
    let mut per_org: BTreeMap<OrgId, OrgMatch> = BTreeMap::new();
    for org in address {
        per_org.insert(org, OrgMatch { org, by_address: via, by_domain: false });
    }
    for org in domain {
        per_org.entry(org).or_insert(OrgMatch { org, by_address: None, by_domain: false }).by_domain = true;
    }
    let list: Vec<OrgMatch> = per_org.into_values().collect();
    if is_ignored {
        Verdict::Ignored(list)
    } else if list.is_empty() {
        Verdict::Unmatched
    } else {
        Verdict::Matched(list)
    }
}

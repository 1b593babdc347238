//! Registrations of different organisations that overlap, for the CERT to
//! review (a customer and its provider, a stale registration, a typo).

use std::collections::HashMap;

use ipnet::IpNet;
use serde::Serialize;

use crate::snapshot::{Asn, AssetSnapshot, DomainSuffix, OrgId};

/// One registered asset.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Asset {
    Cidr(IpNet),
    Asn(Asn),
    Domain(DomainSuffix),
}

/// Two organisations registered overlapping assets: `outer` covers `inner`
/// or equals it (same CIDR, same ASN, same suffix; then `outer_org` is the
/// smaller id). CIDRs are shown with host bits cleared.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Overlap {
    pub outer_org: OrgId,
    pub outer: Asset,
    pub inner_org: OrgId,
    pub inner: Asset,
}

/// Every pair of different organisations whose registrations overlap,
/// sorted by the outer then the inner asset. An organisation overlapping
/// itself is not reported. The list grows with the number of overlapping
/// pairs (a /8 registered by one org overlaps every registration inside).
pub fn overlaps(snapshot: &AssetSnapshot) -> Vec<Overlap> {
    let mut out = Vec::new();
    cidr_overlaps(snapshot, &mut out);
    asn_overlaps(snapshot, &mut out);
    domain_overlaps(snapshot, &mut out);
    out.sort_by(|a, b| (&a.outer, &a.inner, a.outer_org, a.inner_org).cmp(&(&b.outer, &b.inner, b.outer_org, b.inner_org)));
    out
}

/// Pairs of different orgs between two sorted, duplicate-free org lists.
fn pairs(outer: &Asset, outer_orgs: &[OrgId], inner: &Asset, inner_orgs: &[OrgId], out: &mut Vec<Overlap>) {
    for &o in outer_orgs {
        for &i in inner_orgs {
            if o != i {
                out.push(Overlap { outer_org: o, outer: outer.clone(), inner_org: i, inner: inner.clone() });
            }
        }
    }
}

/// Pairs within one asset registered by several orgs.
fn same_asset_pairs(asset: &Asset, orgs: &[OrgId], out: &mut Vec<Overlap>) {
    for (k, &o) in orgs.iter().enumerate() {
        for &i in orgs.get(k + 1..).unwrap_or(&[]) {
            out.push(Overlap { outer_org: o, outer: asset.clone(), inner_org: i, inner: asset.clone() });
        }
    }
}

/// Sorts `(key, org)` pairs and yields each key with its orgs.
fn grouped<K: Ord + Clone>(mut regs: Vec<(K, OrgId)>) -> Vec<(K, Vec<OrgId>)> {
    regs.sort_unstable();
    regs.dedup();
    regs.chunk_by(|a, b| a.0 == b.0).filter_map(|g| Some((g.first()?.0.clone(), g.iter().map(|r| r.1).collect()))).collect()
}

fn cidr_overlaps(snapshot: &AssetSnapshot, out: &mut Vec<Overlap>) {
    let regs = snapshot.orgs.iter().flat_map(|o| o.cidrs.iter().map(|n| (n.trunc(), o.org))).collect();
    // Sorted by family, network address, then prefix length: every network
    // comes after the networks that contain it.
    let groups = grouped(regs);
    let mut around: Vec<(Asset, IpNet, &[OrgId])> = Vec::new();
    for (net, orgs) in &groups {
        while around.last().is_some_and(|(_, a, _)| !a.contains(net)) {
            around.pop();
        }
        let asset = Asset::Cidr(*net);
        for (outer, _, outer_orgs) in &around {
            pairs(outer, outer_orgs, &asset, orgs, out);
        }
        same_asset_pairs(&asset, orgs, out);
        around.push((asset, *net, orgs));
    }
}

fn asn_overlaps(snapshot: &AssetSnapshot, out: &mut Vec<Overlap>) {
    let regs = snapshot.orgs.iter().flat_map(|o| o.asns.iter().map(|a| (*a, o.org))).collect();
    for (asn, orgs) in grouped(regs) {
        same_asset_pairs(&Asset::Asn(asn), &orgs, out);
    }
}

fn domain_overlaps(snapshot: &AssetSnapshot, out: &mut Vec<Overlap>) {
    let regs = snapshot.orgs.iter().flat_map(|o| o.domains.iter().map(|d| (d.clone(), o.org))).collect();
    let groups = grouped(regs);
    let by_name: HashMap<&str, (&DomainSuffix, &[OrgId])> = groups.iter().map(|(d, orgs)| (d.as_str(), (d, orgs.as_slice()))).collect();
    for (suffix, orgs) in &groups {
        let asset = Asset::Domain(suffix.clone());
        for parent in suffix.parents() {
            if let Some((outer, outer_orgs)) = by_name.get(parent) {
                pairs(&Asset::Domain((*outer).clone()), outer_orgs, &asset, orgs, out);
            }
        }
        same_asset_pairs(&asset, orgs, out);
    }
}

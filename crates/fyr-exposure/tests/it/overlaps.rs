//! Overlapping registrations for the CERT's review.

use std::collections::BTreeSet;

use fyr_exposure::{Asn, Asset, AssetSnapshot, DomainSuffix, OrgAssets, OrgId, Overlap, overlaps};
use ipnet::IpNet;
use proptest::prelude::*;
use proptest::sample::select;

fn org(id: u64, cidrs: &[&str], asns: &[u32], domains: &[&str]) -> OrgAssets {
    let mut o = OrgAssets::new(OrgId(id));
    o.cidrs = cidrs.iter().map(|c| c.parse().unwrap()).collect();
    o.asns = asns.iter().map(|a| Asn::new(*a).unwrap()).collect();
    o.domains = domains.iter().map(|d| DomainSuffix::parse(d).unwrap()).collect();
    o
}

fn cidr(s: &str) -> Asset {
    Asset::Cidr(s.parse().unwrap())
}

fn domain(s: &str) -> Asset {
    Asset::Domain(DomainSuffix::parse(s).unwrap())
}

fn overlap(outer_org: u64, outer: Asset, inner_org: u64, inner: Asset) -> Overlap {
    Overlap { outer_org: OrgId(outer_org), outer, inner_org: OrgId(inner_org), inner }
}

#[test]
fn lists_nested_equal_and_shared_registrations() {
    let snap = AssetSnapshot {
        orgs: vec![
            org(1, &["10.0.0.0/8", "10.1.0.0/16"], &[64500], &["example.se"]),
            org(2, &["10.1.2.0/24", "192.0.2.0/24"], &[64500, 64501], &["shop.example.se"]),
            org(3, &["10.1.2.9/24"], &[], &["badexample.se", "example.se"]),
            org(4, &["2001:db8::/32"], &[], &[]),
        ],
        ignore: Vec::new(),
    };
    let got = overlaps(&snap);
    let want = vec![
        overlap(1, cidr("10.0.0.0/8"), 2, cidr("10.1.2.0/24")),
        overlap(1, cidr("10.0.0.0/8"), 3, cidr("10.1.2.0/24")),
        overlap(1, cidr("10.1.0.0/16"), 2, cidr("10.1.2.0/24")),
        overlap(1, cidr("10.1.0.0/16"), 3, cidr("10.1.2.0/24")),
        overlap(2, cidr("10.1.2.0/24"), 3, cidr("10.1.2.0/24")),
        overlap(1, Asset::Asn(Asn::new(64500).unwrap()), 2, Asset::Asn(Asn::new(64500).unwrap())),
        overlap(1, domain("example.se"), 3, domain("example.se")),
        overlap(1, domain("example.se"), 2, domain("shop.example.se")),
        overlap(3, domain("example.se"), 2, domain("shop.example.se")),
    ];
    assert_eq!(got, want);
}

#[test]
fn serialises_for_a_review_page() {
    let snap = AssetSnapshot { orgs: vec![org(1, &["10.0.0.0/8"], &[], &[]), org(2, &["10.0.0.0/9"], &[], &[])], ignore: Vec::new() };
    assert_eq!(
        serde_json::to_string(&overlaps(&snap)).unwrap(),
        r#"[{"outer_org":1,"outer":{"cidr":"10.0.0.0/8"},"inner_org":2,"inner":{"cidr":"10.0.0.0/9"}}]"#
    );
}

/// Every pair of (org, asset) registrations by different orgs where one
/// asset covers the other; equal assets once, smaller org id outer.
fn naive(snap: &AssetSnapshot) -> BTreeSet<(u64, String, u64, String)> {
    let regs: Vec<(u64, Asset)> = snap
        .orgs
        .iter()
        .flat_map(|o| {
            let id = o.org.0;
            o.cidrs
                .iter()
                .map(move |n| (id, Asset::Cidr(n.trunc())))
                .chain(o.asns.iter().map(move |a| (id, Asset::Asn(*a))))
                .chain(o.domains.iter().map(move |d| (id, Asset::Domain(d.clone()))))
        })
        .collect();
    let covers = |a: &Asset, b: &Asset| match (a, b) {
        (Asset::Cidr(x), Asset::Cidr(y)) => x.contains(y),
        (Asset::Asn(x), Asset::Asn(y)) => x == y,
        (Asset::Domain(x), Asset::Domain(y)) => y == x || y.as_str().ends_with(&format!(".{}", x.as_str())),
        _ => false,
    };
    let mut out = BTreeSet::new();
    for (oa, a) in &regs {
        for (ob, b) in &regs {
            if oa == ob || !covers(a, b) || (a == b && oa > ob) {
                continue;
            }
            out.insert((*oa, format!("{a:?}"), *ob, format!("{b:?}")));
        }
    }
    out
}

fn net() -> impl Strategy<Value = IpNet> {
    (select(vec!["10.0.0.0", "10.1.0.0", "10.1.2.0", "10.1.2.128", "2001:db8::", "2001:db8:1::"]), select(vec![8u8, 16, 24, 25, 32, 48]))
        .prop_map(|(a, l)| {
            let a: std::net::IpAddr = a.parse().unwrap();
            let l = if a.is_ipv4() { l.min(32) } else { l };
            IpNet::new(a, l).unwrap()
        })
}

proptest! {
    #[test]
    fn overlaps_match_the_reference(
        orgs in prop::collection::vec(
            (
                0u64..5,
                prop::collection::vec(net(), 0..4),
                prop::collection::vec(1u32..4, 0..3),
                prop::collection::vec(select(vec!["se", "example.se", "a.example.se", "b.se"]), 0..3),
            ),
            0..6,
        )
    ) {
        let snap = AssetSnapshot {
            orgs: orgs
                .into_iter()
                .map(|(id, cidrs, asns, domains)| OrgAssets {
                    cidrs,
                    asns: asns.into_iter().filter_map(Asn::new).collect(),
                    domains: domains.into_iter().map(|d| DomainSuffix::parse(d).unwrap()).collect(),
                    ..OrgAssets::new(OrgId(id))
                })
                .collect(),
            ignore: Vec::new(),
        };
        let got: Vec<(u64, String, u64, String)> = overlaps(&snap)
            .into_iter()
            .map(|o| (o.outer_org.0, format!("{:?}", o.outer), o.inner_org.0, format!("{:?}", o.inner)))
            .collect();
        let unique: BTreeSet<_> = got.iter().cloned().collect();
        prop_assert_eq!(unique.len(), got.len(), "no duplicates");
        prop_assert_eq!(unique, naive(&snap));
    }
}

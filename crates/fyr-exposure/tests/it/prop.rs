//! The matcher against the naive reference on generated snapshots.
//!
//! Addresses cluster around a few anchors (including 0.0.0.0, the top of
//! the space and ::ffff:0:0/96) so that registrations nest, repeat and
//! touch; probes are every registered network's first and last address and
//! their neighbours, plus random ones.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use fyr_exposure::{Asn, AssetSnapshot, DomainSuffix, Matcher, OrgAssets, OrgId, OrgPolicy, RecordMatch, SourceKind, Subject};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;
use proptest::sample::select;

use crate::naive::{self, Verdict};

fn v4_addr() -> impl Strategy<Value = u32> {
    prop_oneof![
        any::<u32>(),
        (select(vec![0u32, 0x0a00_0000, 0x0a00_0100, 0xc0a8_0000, 0xffff_ff00, u32::MAX]), 0u32..4096).prop_map(|(a, d)| a ^ d),
    ]
}

fn v6_addr() -> impl Strategy<Value = u128> {
    prop_oneof![
        any::<u128>(),
        (
            select(vec![
                0u128,
                0x2001_0db8 << 96,
                (0x2001_0db8 << 96) | (1 << 64),
                0xffff_0000_0000, // ::ffff:0.0.0.0, IPv4-mapped
                0x2a00 << 112,
                u128::MAX
            ]),
            any::<u128>(),
            0u32..128
        )
            .prop_map(|(a, d, bits)| a ^ (d >> bits)),
    ]
}

fn v4_len() -> impl Strategy<Value = u8> {
    prop_oneof![0u8..=32, select(vec![0u8, 1, 8, 16, 22, 24, 31, 32])]
}

fn v6_len() -> impl Strategy<Value = u8> {
    prop_oneof![0u8..=128, select(vec![0u8, 1, 32, 48, 56, 64, 96, 127, 128])]
}

/// Networks as written by people: host bits sometimes set.
fn net() -> impl Strategy<Value = IpNet> {
    prop_oneof![
        (v4_addr(), v4_len()).prop_map(|(a, l)| IpNet::V4(Ipv4Net::new(Ipv4Addr::from(a), l).unwrap_or_default())),
        (v6_addr(), v6_len()).prop_map(|(a, l)| IpNet::V6(Ipv6Net::new(Ipv6Addr::from(a), l).unwrap_or_default())),
    ]
}

const LABELS: [&str; 5] = ["a", "b", "ex", "se", "com"];

fn labels(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(select(LABELS.to_vec()), 1..=max).prop_map(|l| l.join("."))
}

fn domain() -> impl Strategy<Value = DomainSuffix> {
    labels(3).prop_map(|s| DomainSuffix::parse(&s).unwrap_or_else(|e| panic!("{s}: {e}")))
}

fn asn() -> impl Strategy<Value = Asn> {
    (1u32..6).prop_map(|n| Asn::new(n).unwrap_or_else(|| panic!("AS{n}")))
}

fn org(max_nets: usize) -> impl Strategy<Value = OrgAssets> {
    (
        0u64..8,
        any::<bool>(),
        prop::collection::vec(net(), 0..=max_nets),
        prop::collection::vec(asn(), 0..3),
        prop::collection::vec(domain(), 0..3),
    )
        .prop_map(|(id, flag, cidrs, asns, domains)| OrgAssets {
            org: OrgId(id),
            policy: OrgPolicy { notify_covered_customers: flag },
            cidrs,
            asns,
            domains,
        })
}

fn snapshot(max_orgs: usize, max_nets: usize) -> impl Strategy<Value = AssetSnapshot> {
    (prop::collection::vec(org(max_nets), 0..=max_orgs), prop::collection::vec(net(), 0..4))
        .prop_map(|(orgs, ignore)| AssetSnapshot { orgs, ignore })
}

/// First and last address of every network, and their neighbours.
fn edge_probes(snap: &AssetSnapshot) -> Vec<IpAddr> {
    let nets = snap.orgs.iter().flat_map(|o| o.cidrs.iter()).chain(snap.ignore.iter());
    let mut out = Vec::new();
    for n in nets {
        match n {
            IpNet::V4(n) => {
                let (lo, hi) = (u32::from(n.network()), u32::from(n.broadcast()));
                for a in [lo.wrapping_sub(1), lo, hi, hi.wrapping_add(1)] {
                    out.push(IpAddr::V4(a.into()));
                }
            }
            IpNet::V6(n) => {
                let (lo, hi) = (u128::from(n.network()), u128::from(n.broadcast()));
                for a in [lo.wrapping_sub(1), lo, hi, hi.wrapping_add(1)] {
                    out.push(IpAddr::V6(a.into()));
                }
            }
        }
    }
    out
}

fn probe() -> impl Strategy<Value = IpAddr> {
    prop_oneof![v4_addr().prop_map(|a| IpAddr::V4(a.into())), v6_addr().prop_map(|a| IpAddr::V6(a.into())),]
}

fn check_addresses(snap: &AssetSnapshot, m: &Matcher, probes: &[IpAddr]) {
    for &a in probes {
        assert_eq!(m.lookup_ip(a), naive::ip(snap, a).as_slice(), "address {a}");
        assert_eq!(m.is_ignored(a), naive::ignored(snap, a), "ignore {a}");
    }
    // The batch look-ups give the same answers, in order.
    let v4: Vec<Ipv4Addr> = probes.iter().filter_map(|a| if let IpAddr::V4(a) = a { Some(*a) } else { None }).collect();
    let v6: Vec<Ipv6Addr> = probes.iter().filter_map(|a| if let IpAddr::V6(a) = a { Some(*a) } else { None }).collect();
    let mut out = vec![[OrgId(u64::MAX)].as_slice()];
    m.lookup_v4_batch(&v4, &mut out);
    assert_eq!(out.len(), v4.len() + 1, "appends");
    for (a, got) in v4.iter().zip(&out[1..]) {
        assert_eq!(*got, m.lookup_v4(*a), "batch {a}");
    }
    out.clear();
    m.lookup_v6_batch(&v6, &mut out);
    assert_eq!(out.len(), v6.len());
    for (a, got) in v6.iter().zip(&out) {
        assert_eq!(*got, m.lookup_v6(*a), "batch {a}");
    }
}

/// The ways a record may carry a host name, all meaning `host`.
fn presentations(host: &str) -> Vec<String> {
    vec![
        host.to_owned(),
        host.to_ascii_uppercase(),
        format!("{host}."),
        format!("https://{host}/index.html"),
        format!("HTTP://user:pw@{}:8080/x?y#z", host.to_ascii_uppercase()),
        format!("//{host}."),
    ]
}

fn verdict(r: RecordMatch<'_>) -> Verdict {
    match r {
        RecordMatch::Matched(m) => Verdict::Matched(m.iter().collect()),
        RecordMatch::Ignored(m) => Verdict::Ignored(m.iter().collect()),
        RecordMatch::Unmatched => Verdict::Unmatched,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn addresses_match_the_reference(
        snap in snapshot(6, 6),
        extra in prop::collection::vec(probe(), 0..32),
    ) {
        let m = Matcher::build(&snap).unwrap();
        let mut probes = edge_probes(&snap);
        probes.extend(extra);
        check_addresses(&snap, &m, &probes);
    }

    #[test]
    fn hosts_match_the_reference(snap in snapshot(6, 0), hosts in prop::collection::vec(labels(4), 1..8)) {
        let m = Matcher::build(&snap).unwrap();
        for h in &hosts {
            let want = naive::host(&snap, h);
            for p in presentations(h) {
                prop_assert_eq!(m.lookup_host(&p), want.as_slice(), "{}", p);
            }
        }
    }

    #[test]
    fn records_match_the_reference(
        snap in snapshot(6, 4),
        records in prop::collection::vec(
            (
                prop::option::of(probe()),
                prop::option::of(asn()),
                prop::option::of((labels(4), 0usize..6)),
                prop_oneof![Just(SourceKind::Network), Just(SourceKind::WebsiteContent)],
            ),
            1..16,
        ),
    ) {
        let m = Matcher::build(&snap).unwrap();
        // Records on registered edges too, not only random addresses.
        let edges = edge_probes(&snap);
        for (i, (addr, asn, host, source)) in records.into_iter().enumerate() {
            let addr = if i % 2 == 0 { edges.get(i).copied().or(addr) } else { addr };
            let shown = host.as_ref().map(|(h, k)| presentations(h).swap_remove(*k));
            let subject = Subject { addr, asn, host: shown.as_deref(), source };
            let want = naive::subject(&snap, addr, asn, host.as_ref().map(|h| h.0.as_str()), source);
            prop_assert_eq!(verdict(m.match_subject(&subject)), want, "{:?}", subject);
        }
    }
}

proptest! {
    // Big clustered tables exercise the directory's nodes, path
    // compression and long range entries.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn big_tables_match_the_reference(
        orgs in prop::collection::vec(org(400), 1..6),
        extra in prop::collection::vec(probe(), 0..256),
    ) {
        let snap = AssetSnapshot { orgs, ignore: Vec::new() };
        let m = Matcher::build(&snap).unwrap();
        let mut probes = edge_probes(&snap);
        probes.extend(extra);
        check_addresses(&snap, &m, &probes);
    }
}

//! The matching rules, case by case.

use std::net::IpAddr;

use fyr_exposure::{
    AddressVia, Asn, AssetSnapshot, DomainError, DomainSuffix, Matcher, OrgAssets, OrgId, OrgMatch, RecordMatch, SourceKind, Subject,
};

fn org(id: u64, cidrs: &[&str], asns: &[u32], domains: &[&str]) -> OrgAssets {
    let mut o = OrgAssets::new(OrgId(id));
    o.cidrs = cidrs.iter().map(|c| c.parse().unwrap()).collect();
    o.asns = asns.iter().map(|a| Asn::new(*a).unwrap()).collect();
    o.domains = domains.iter().map(|d| DomainSuffix::parse(d).unwrap()).collect();
    o
}

fn flagged(mut o: OrgAssets) -> OrgAssets {
    o.policy.notify_covered_customers = true;
    o
}

fn build(orgs: Vec<OrgAssets>, ignore: &[&str]) -> Matcher {
    Matcher::build(&AssetSnapshot { orgs, ignore: ignore.iter().map(|c| c.parse().unwrap()).collect() }).unwrap()
}

fn ids(orgs: &[OrgId]) -> Vec<u64> {
    orgs.iter().map(|o| o.0).collect()
}

fn ip(m: &Matcher, a: &str) -> Vec<u64> {
    ids(m.lookup_ip(a.parse::<IpAddr>().unwrap()))
}

fn network(addr: &str, asn: Option<u32>, host: Option<&'static str>) -> Subject<'static> {
    Subject { addr: Some(addr.parse().unwrap()), asn: asn.and_then(Asn::new), host, source: SourceKind::Network }
}

fn to_notify(r: &RecordMatch<'_>) -> Vec<(u64, Option<AddressVia>, bool)> {
    r.to_notify().map(|OrgMatch { org, by_address, by_domain }| (org.0, by_address, by_domain)).collect()
}

#[test]
fn most_specific_prefix_wins() {
    let m = build(vec![org(1, &["10.0.0.0/8"], &[], &[]), org(2, &["10.1.0.0/16"], &[], &[]), org(3, &["10.1.2.0/24"], &[], &[])], &[]);
    assert_eq!(ip(&m, "10.9.9.9"), [1]);
    assert_eq!(ip(&m, "10.1.9.9"), [2]);
    assert_eq!(ip(&m, "10.1.2.3"), [3]);
    assert_eq!(ip(&m, "10.1.3.0"), [2]);
    assert_eq!(ip(&m, "11.0.0.0"), Vec::<u64>::new());
}

#[test]
fn covered_customers_flag_adds_every_flagged_ancestor() {
    let m = build(
        vec![
            flagged(org(1, &["10.0.0.0/8"], &[], &[])),
            org(2, &["10.1.0.0/16"], &[], &[]),
            flagged(org(3, &["10.1.2.0/23"], &[], &[])),
            org(4, &["10.1.2.0/24"], &[], &[]),
        ],
        &[],
    );
    assert_eq!(ip(&m, "10.1.2.1"), [1, 3, 4]); // 2 is not flagged
    assert_eq!(ip(&m, "10.1.3.1"), [1, 3]); // 3 is the most specific
    assert_eq!(ip(&m, "10.1.4.1"), [1, 2]);
    assert_eq!(ip(&m, "10.2.0.0"), [1]);
}

#[test]
fn several_orgs_on_one_prefix_all_match() {
    let m = build(
        vec![
            org(7, &["192.0.2.0/24"], &[], &[]),
            org(5, &["192.0.2.0/24", "192.0.2.0/24"], &[], &[]),
            // Host bits are ignored: this is 192.0.2.0/24 as well.
            org(6, &["192.0.2.99/24"], &[], &[]),
        ],
        &[],
    );
    assert_eq!(ip(&m, "192.0.2.200"), [5, 6, 7]);
    assert_eq!(m.stats().v4_prefixes, 1);
}

#[test]
fn whole_space_and_single_addresses() {
    let m = build(
        vec![
            org(1, &["0.0.0.0/0", "::/0"], &[], &[]),
            org(2, &["255.255.255.255/32", "0.0.0.0/32"], &[], &[]),
            org(3, &["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "::/128"], &[], &[]),
        ],
        &[],
    );
    assert_eq!(ip(&m, "255.255.255.255"), [2]);
    assert_eq!(ip(&m, "255.255.255.254"), [1]);
    assert_eq!(ip(&m, "0.0.0.0"), [2]);
    assert_eq!(ip(&m, "0.0.0.1"), [1]);
    assert_eq!(ip(&m, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), [3]);
    assert_eq!(ip(&m, "::"), [3]);
    assert_eq!(ip(&m, "::1"), [1]);
    assert_eq!(ip(&m, "2001:db8::1"), [1]);
}

#[test]
fn ipv4_mapped_ipv6_is_looked_up_as_ipv4() {
    let m = build(vec![org(1, &["192.0.2.0/24"], &[], &[])], &["192.0.2.128/25"]);
    let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
    assert_eq!(ids(m.lookup_ip(mapped)), [1]);
    assert!(m.is_ignored("::ffff:192.0.2.200".parse().unwrap()));
    assert!(!m.is_ignored(mapped));
}

#[test]
fn asn_only_where_no_cidr_matched() {
    let m = build(vec![org(1, &["198.51.100.0/24"], &[], &[]), org(2, &[], &[64500], &[])], &[]);
    // Inside a registered CIDR: the AS is not consulted.
    let r = m.match_subject(&network("198.51.100.7", Some(64500), None));
    assert_eq!(to_notify(&r), [(1, Some(AddressVia::Cidr), false)]);
    // Outside: the AS decides.
    let r = m.match_subject(&network("203.0.113.7", Some(64500), None));
    assert_eq!(to_notify(&r), [(2, Some(AddressVia::Asn), false)]);
    // No address at all: the AS decides.
    let r = m.match_subject(&Subject { asn: Asn::new(64500), ..Subject::default() });
    assert_eq!(to_notify(&r), [(2, Some(AddressVia::Asn), false)]);
    assert_eq!(ids(m.lookup_asn(Asn::new(64500).unwrap())), [2]);
    assert_eq!(ids(m.lookup_asn(Asn::new(64501).unwrap())), Vec::<u64>::new());
}

#[test]
fn domain_suffixes_match_on_label_boundaries() {
    let m =
        build(vec![org(1, &[], &[], &["example.se"]), org(2, &[], &[], &["shop.example.se."]), flagged(org(3, &[], &[], &["se"]))], &[]);
    let host = |h: &str| ids(m.lookup_host(h));
    assert_eq!(host("example.se"), [1, 3]);
    assert_eq!(host("WWW.Example.SE."), [1, 3]);
    assert_eq!(host("badexample.se"), [3]);
    assert_eq!(host("a.shop.example.se"), [2, 3]);
    assert_eq!(host("https://user@Shop.Example.se:8443/cart?x=1"), [2, 3]);
    assert_eq!(host("example.com"), Vec::<u64>::new());
    assert_eq!(host("https://[2001:db8::1]/"), Vec::<u64>::new());
    assert_eq!(host(""), Vec::<u64>::new());
}

#[test]
fn domain_and_address_matches_are_united_with_reasons() {
    let m = build(
        vec![org(1, &["192.0.2.0/24"], &[], &["example.se"]), org(2, &[], &[], &["shop.example.se"]), org(3, &["192.0.2.0/25"], &[], &[])],
        &[],
    );
    let r = m.match_subject(&network("192.0.2.200", None, Some("https://example.se/")));
    assert_eq!(to_notify(&r), [(1, Some(AddressVia::Cidr), true)]);
    let r = m.match_subject(&network("192.0.2.1", None, Some("shop.example.se")));
    assert_eq!(to_notify(&r), [(2, None, true), (3, Some(AddressVia::Cidr), false)]);
    let RecordMatch::Matched(found) = r else {
        panic!("{r:?}");
    };
    assert_eq!(found.address_via(), Some(AddressVia::Cidr));
    assert_eq!(ids(found.address_orgs()), [3]);
    assert_eq!(ids(found.domain_orgs()), [2]);
}

#[test]
fn website_content_matches_by_domain_only() {
    let m = build(vec![org(1, &["192.0.2.0/24"], &[64500], &[]), org(2, &[], &[], &["example.se"])], &["192.0.2.0/24"]);
    let mut s = network("192.0.2.10", Some(64500), Some("www.example.se"));
    s.source = SourceKind::WebsiteContent;
    let r = m.match_subject(&s);
    // Neither the hoster's CIDR and AS nor the ignore list count.
    assert_eq!(to_notify(&r), [(2, None, true)]);
    s.host = Some("www.other.se");
    assert_eq!(m.match_subject(&s), RecordMatch::Unmatched);
}

#[test]
fn ignored_records_notify_nobody_but_keep_the_would_be_matches() {
    let m = build(vec![org(1, &["192.0.2.0/24"], &[], &["example.se"])], &["192.0.2.128/25", "2001:db8::/32"]);
    let r = m.match_subject(&network("192.0.2.200", None, Some("example.se")));
    let RecordMatch::Ignored(would) = r else {
        panic!("{r:?}");
    };
    assert_eq!(r.to_notify().count(), 0);
    assert_eq!(ids(would.address_orgs()), [1]);
    assert_eq!(ids(would.domain_orgs()), [1]);
    // Ignored even when nobody would have matched.
    let r = m.match_subject(&network("2001:db8::5", None, None));
    assert!(matches!(r, RecordMatch::Ignored(w) if w.is_empty()));
    let r = m.match_subject(&network("192.0.2.1", None, None));
    assert_eq!(to_notify(&r), [(1, Some(AddressVia::Cidr), false)]);
}

#[test]
fn nothing_registered_means_unmatched() {
    let m = build(Vec::new(), &[]);
    assert_eq!(m.match_subject(&network("192.0.2.1", Some(1), Some("example.se"))), RecordMatch::Unmatched);
    assert_eq!(m.match_subject(&Subject::default()), RecordMatch::Unmatched);
}

#[test]
fn domain_suffixes_are_parsed_strictly() {
    assert_eq!(DomainSuffix::parse(" Example.SE. ").unwrap().as_str(), "example.se");
    assert_eq!(DomainSuffix::parse(""), Err(DomainError::Empty));
    assert_eq!(DomainSuffix::parse("."), Err(DomainError::Empty));
    assert_eq!(DomainSuffix::parse("a..se"), Err(DomainError::EmptyLabel));
    assert_eq!(DomainSuffix::parse("*.se"), Err(DomainError::BadCharacter('*')));
    assert_eq!(DomainSuffix::parse("räka.se"), Err(DomainError::BadCharacter('ä')));
    assert_eq!(DomainSuffix::parse("192.0.2.1"), Err(DomainError::NumericTld));
    assert_eq!(DomainSuffix::parse(&format!("{}.se", "a".repeat(64))), Err(DomainError::LabelTooLong));
    assert_eq!(DomainSuffix::parse(&["abcdefghi"; 26].join(".")), Err(DomainError::TooLong));
    assert_eq!(Asn::new(0), None);
}

#[test]
fn snapshots_round_trip_through_json_and_validate() {
    let snap = AssetSnapshot {
        orgs: vec![flagged(org(9, &["192.0.2.0/24", "2001:db8::/32"], &[64500], &["example.se"]))],
        ignore: vec!["198.51.100.0/24".parse().unwrap()],
    };
    let json = serde_json::to_string(&snap).unwrap();
    assert_eq!(
        json,
        r#"{"orgs":[{"org":9,"policy":{"notify_covered_customers":true},"cidrs":["192.0.2.0/24","2001:db8::/32"],"asns":[64500],"domains":["example.se"]}],"ignore":["198.51.100.0/24"]}"#
    );
    assert_eq!(serde_json::from_str::<AssetSnapshot>(&json).unwrap(), snap);
    let minimal: AssetSnapshot = serde_json::from_str(r#"{"orgs":[{"org":1,"domains":["EXAMPLE.se."]}]}"#).unwrap();
    assert_eq!(minimal.orgs[0].domains[0].as_str(), "example.se");
    assert!(serde_json::from_str::<AssetSnapshot>(r#"{"orgs":[{"org":1,"asns":[0]}]}"#).is_err());
    assert!(serde_json::from_str::<AssetSnapshot>(r#"{"orgs":[{"org":1,"domains":["a..se"]}]}"#).is_err());
    assert!(serde_json::from_str::<AssetSnapshot>(r#"{"orgs":[],"extra":1}"#).is_err());
}

mod arbitrary_input {
    use super::*;
    use proptest::prelude::*;

    fn matcher() -> Matcher {
        build(vec![org(1, &["192.0.2.0/24"], &[64500], &["example.se", "xn--rksmrgs-5wao1o.se"])], &[])
    }

    proptest! {
        /// Any text as host or URL: no panic, and an answer only when the
        /// text names a host under a registered suffix.
        #[test]
        fn any_host_text_is_safe(text in ".{0,300}", tail in prop::sample::select(vec!["", ".example.se", ".EXAMPLE.SE.", "/x"])) {
            let m = matcher();
            let input = format!("{text}{tail}");
            let orgs = m.lookup_host(&input);
            prop_assert!(orgs.is_empty() || orgs == [OrgId(1)]);
            let lower = input.to_ascii_lowercase();
            if !orgs.is_empty() {
                prop_assert!(lower.contains("example.se") || lower.contains("xn--rksmrgs-5wao1o.se"), "{}", input);
            }
        }

        /// Parsing a suffix never panics and is idempotent.
        #[test]
        fn domain_suffix_parsing_is_total_and_idempotent(text in "[a-zA-Z0-9._ *-]{0,80}|.{0,80}") {
            if let Ok(d) = DomainSuffix::parse(&text) {
                prop_assert_eq!(DomainSuffix::parse(d.as_str()), Ok(d.clone()));
                prop_assert_eq!(d.as_str(), d.as_str().to_ascii_lowercase());
            }
        }

        /// Whole records with arbitrary text never panic.
        #[test]
        fn any_record_is_safe(addr in any::<u128>(), v4 in any::<bool>(), asn in any::<u32>(), host in prop::option::of(".{0,100}")) {
            let m = matcher();
            let addr = if v4 { IpAddr::from(std::net::Ipv4Addr::from(addr as u32)) } else { IpAddr::from(std::net::Ipv6Addr::from(addr)) };
            let s = Subject { addr: Some(addr), asn: Asn::new(asn), host: host.as_deref(), source: SourceKind::Network };
            let _ = m.match_subject(&s).to_notify().count();
        }
    }
}

//! The immutable matcher built from one [`AssetSnapshot`].

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use rustc_hash::FxHashSet;

use crate::dir16::Dir16;
use crate::error::BuildError;
use crate::host;
use crate::sets::{Answer, Interner, OrgSets, SetId};
use crate::snapshot::{Asn, AssetSnapshot, OrgId};
use crate::table::{GROUP, Key, Slot, Table, paint_nested};

/// What kind of source a record comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// The record is about a host: match by address (CIDR, else ASN) and by
    /// host name.
    #[default]
    Network,
    /// The record is about website content (a defaced page, a phishing
    /// URL). Such sites often sit on shared hosting or CDNs, where the
    /// address belongs to the hoster, so the record matches by host name
    /// only and its address is not consulted at all (not even the ignore
    /// list).
    WebsiteContent,
}

/// The fields of one exposure record that matching looks at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Subject<'a> {
    pub addr: Option<IpAddr>,
    /// Used only when no registered CIDR covers `addr` (or there is no
    /// address).
    pub asn: Option<Asn>,
    /// A host name or a URL; the host is taken from the URL.
    pub host: Option<&'a str>,
    pub source: SourceKind,
}

/// How a record's address matched an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddressVia {
    /// A registered CIDR covers the address.
    Cidr,
    /// No registered CIDR covers the address; the record's AS is
    /// registered.
    Asn,
}

/// One organisation a record matched, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OrgMatch {
    pub org: OrgId,
    /// Matched through the record's address, and how.
    pub by_address: Option<AddressVia>,
    /// Matched through the record's host name.
    pub by_domain: bool,
}

/// The organisations a record matched: those found through its address and
/// those found through its host name (possibly different ones). Borrowed
/// from the [`Matcher`]; building it does not allocate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Matches<'m> {
    via: Option<AddressVia>,
    address: &'m [OrgId],
    domain: &'m [OrgId],
}

impl<'m> Matches<'m> {
    fn new(via: AddressVia, address: &'m [OrgId], domain: &'m [OrgId]) -> Self {
        Matches { via: (!address.is_empty()).then_some(via), address, domain }
    }

    /// How the address matched; `None` if it matched nobody.
    pub fn address_via(&self) -> Option<AddressVia> {
        self.via
    }

    /// Organisations matched through the address, sorted.
    pub fn address_orgs(&self) -> &'m [OrgId] {
        self.address
    }

    /// Organisations matched through the host name, sorted.
    pub fn domain_orgs(&self) -> &'m [OrgId] {
        self.domain
    }

    pub fn is_empty(&self) -> bool {
        self.address.is_empty() && self.domain.is_empty()
    }

    /// The union of both, each organisation once with all its reasons, in
    /// ascending [`OrgId`] order.
    pub fn iter(&self) -> MatchIter<'m> {
        MatchIter { via: self.via, address: self.address, domain: self.domain }
    }
}

impl<'m> IntoIterator for Matches<'m> {
    type Item = OrgMatch;
    type IntoIter = MatchIter<'m>;
    fn into_iter(self) -> MatchIter<'m> {
        self.iter()
    }
}

/// Merges the address and domain sets of a [`Matches`].
#[derive(Clone, Debug)]
pub struct MatchIter<'m> {
    via: Option<AddressVia>,
    address: &'m [OrgId],
    domain: &'m [OrgId],
}

impl Iterator for MatchIter<'_> {
    type Item = OrgMatch;

    fn next(&mut self) -> Option<OrgMatch> {
        let take_address = match (self.address.first(), self.domain.first()) {
            (None, None) => return None,
            (Some(a), Some(d)) if a == d => {
                self.address = self.address.get(1..).unwrap_or(&[]);
                self.domain = self.domain.get(1..).unwrap_or(&[]);
                return Some(OrgMatch { org: *a, by_address: self.via, by_domain: true });
            }
            (Some(a), Some(d)) => a < d,
            (Some(_), None) => true,
            (None, Some(_)) => false,
        };
        let (side, by_address) = if take_address { (&mut self.address, self.via) } else { (&mut self.domain, None) };
        let (org, rest) = side.split_first()?;
        *side = rest;
        Some(OrgMatch { org: *org, by_address, by_domain: !take_address })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (a, d) = (self.address.len(), self.domain.len());
        (a.max(d), Some(a + d))
    }
}

/// The verdict on one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordMatch<'m> {
    /// Notify these organisations.
    Matched(Matches<'m>),
    /// The address is on the CERT's ignore list: notify nobody. The
    /// organisations it would have matched (possibly none) are kept for the
    /// CERT's own view.
    Ignored(Matches<'m>),
    /// Nobody registered anything that matches.
    Unmatched,
}

impl<'m> RecordMatch<'m> {
    /// The organisations to notify: empty unless [`RecordMatch::Matched`].
    pub fn to_notify(&self) -> MatchIter<'m> {
        match self {
            RecordMatch::Matched(m) => m.iter(),
            RecordMatch::Ignored(_) | RecordMatch::Unmatched => MatchIter { via: None, address: &[], domain: &[] },
        }
    }
}

/// Sizes of a built matcher.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MatcherStats {
    /// Distinct registered IPv4 prefixes (several orgs on one prefix count
    /// once).
    pub v4_prefixes: usize,
    pub v6_prefixes: usize,
    /// Elementary address ranges with one answer each.
    pub v4_intervals: usize,
    pub v6_intervals: usize,
    /// IPv6 radix directory words (8 bytes each).
    pub v6_directory_words: usize,
    pub asns: usize,
    pub domain_suffixes: usize,
    /// Distinct organisation sets (answers), the empty one included.
    pub org_sets: usize,
    /// Approximate heap memory of the whole matcher.
    pub heap_bytes: usize,
}

/// Organisations stored inline per IPv4 interval: with the covered-customers
/// flag, sets of two or three are common, and IPv4 records stay small.
const V4_INLINE: usize = 3;
/// Per IPv6 interval: one, to keep the far more numerous IPv6 interval
/// records at 32 bytes; larger sets are read from the arena.
const V6_INLINE: usize = 1;

/// An immutable index of one [`AssetSnapshot`]; cheap to share between
/// threads, see [`SharedMatcher`](crate::SharedMatcher) for swapping.
///
/// Look-up rules:
/// - **Address:** the organisations that registered the most specific
///   CIDR covering the address, plus those that registered a less specific
///   covering CIDR and set
///   [`notify_covered_customers`](crate::OrgPolicy::notify_covered_customers).
///   IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are looked up as IPv4.
/// - **ASN:** only when no registered CIDR covers the address.
/// - **Host name:** the same rule over domain suffixes on label boundaries:
///   the most specific registered suffix wins, plus flagged registrants of
///   less specific suffixes.
/// - **Ignore list:** an address inside it makes the record
///   [`RecordMatch::Ignored`].
#[derive(Debug)]
pub struct Matcher {
    sets: OrgSets,
    v4: Dir16<Answer<V4_INLINE>>,
    v6: Table<u128, Answer<V6_INLINE>>,
    /// `true` inside the ignore list.
    ignore_v4: Table<u32, bool>,
    ignore_v6: Table<u128, bool>,
    asns: Box<[(Asn, Answer<1>)]>,
    domains: HashMap<Box<str>, Answer<1>>,
    stats: MatcherStats,
}

impl Matcher {
    /// Indexes a snapshot. Fails only if it is too large for 32-bit
    /// indexes.
    pub fn build(snapshot: &AssetSnapshot) -> Result<Matcher, BuildError> {
        let flagged: FxHashSet<OrgId> = snapshot.orgs.iter().filter(|o| o.policy.notify_covered_customers).map(|o| o.org).collect();

        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        let mut asns = Vec::new();
        let mut domains = Vec::new();
        for o in &snapshot.orgs {
            for net in &o.cidrs {
                match net {
                    IpNet::V4(n) => v4.push((u32::from(n.network()), n.prefix_len(), o.org)),
                    IpNet::V6(n) => v6.push((u128::from(n.network()), n.prefix_len(), o.org)),
                }
            }
            asns.extend(o.asns.iter().map(|a| (*a, o.org)));
            domains.extend(o.domains.iter().map(|d| (d.as_str(), o.org)));
        }
        let (v4_prefixes, v6_prefixes) = (distinct_prefixes(&mut v4), distinct_prefixes(&mut v6));

        let mut interner = Interner::default();
        let v4 = Dir16::new(&org_intervals(&v4, &flagged, &mut interner)?)?;
        let v6 = Table::new(org_intervals(&v6, &flagged, &mut interner)?)?;
        let asns = asn_index(asns, &mut interner)?;
        let domains = domain_index(domains, &flagged, &mut interner)?;

        let (mut ig4, mut ig6) = (Vec::new(), Vec::new());
        for net in &snapshot.ignore {
            match net {
                IpNet::V4(n) => ig4.push((u32::from(n.network()), n.prefix_len(), ())),
                IpNet::V6(n) => ig6.push((u128::from(n.network()), n.prefix_len(), ())),
            }
        }
        let ignore_v4 = ignore_table(&mut ig4)?;
        let ignore_v6 = ignore_table(&mut ig6)?;

        let org_sets = interner.len();
        let sets = interner.finish();
        let domain_bytes: usize = domains.keys().map(|k| k.len() + std::mem::size_of::<(Box<str>, Answer<1>)>() + 1).sum();
        let heap_bytes = sets.heap_bytes()
            + v4.heap_bytes()
            + v6.heap_bytes()
            + ignore_v4.heap_bytes()
            + ignore_v6.heap_bytes()
            + std::mem::size_of_val::<[(Asn, Answer<1>)]>(&asns)
            + domain_bytes;
        let stats = MatcherStats {
            v4_prefixes,
            v6_prefixes,
            v4_intervals: v4.intervals(),
            v6_intervals: v6.intervals(),
            v6_directory_words: v6.directory_entries(),
            asns: asns.len(),
            domain_suffixes: domains.len(),
            org_sets,
            heap_bytes,
        };
        Ok(Matcher { sets, v4, v6, ignore_v4, ignore_v6, asns, domains, stats })
    }

    /// Organisations an IPv4 address belongs to (see the type's rules),
    /// sorted; empty if no registered CIDR covers it.
    #[inline]
    pub fn lookup_v4(&self, addr: Ipv4Addr) -> &[OrgId] {
        self.v4.get(u32::from(addr)).map_or(&[], |a| self.sets.members(a))
    }

    /// Organisations an IPv6 address belongs to, sorted.
    #[inline]
    pub fn lookup_v6(&self, addr: Ipv6Addr) -> &[OrgId] {
        self.v6.get(u128::from(addr)).map_or(&[], |a| self.sets.members(a))
    }

    /// [`lookup_v4`](Self::lookup_v4) for many addresses: appends one set
    /// per address to `out`, in order. The memory loads of neighbouring
    /// addresses overlap, so this is faster than a loop over `lookup_v4`
    /// (see docs/PERFORMANCE.md); it allocates only if `out` must grow.
    pub fn lookup_v4_batch<'m>(&'m self, addrs: &[Ipv4Addr], out: &mut Vec<&'m [OrgId]>) {
        out.reserve(addrs.len());
        let mut keys = [0u32; GROUP];
        for group in addrs.chunks(GROUP) {
            for (k, a) in keys.iter_mut().zip(group) {
                *k = u32::from(*a);
            }
            let keys = keys.get(..group.len()).unwrap_or(&[]);
            self.v4.get_group(keys, |a| out.push(a.map_or(&[], |a| self.sets.members(a))));
        }
    }

    /// [`lookup_v6`](Self::lookup_v6) for many addresses, as
    /// [`lookup_v4_batch`](Self::lookup_v4_batch).
    pub fn lookup_v6_batch<'m>(&'m self, addrs: &[Ipv6Addr], out: &mut Vec<&'m [OrgId]>) {
        out.reserve(addrs.len());
        let mut keys = [0u128; GROUP];
        for group in addrs.chunks(GROUP) {
            for (k, a) in keys.iter_mut().zip(group) {
                *k = u128::from(*a);
            }
            let keys = keys.get(..group.len()).unwrap_or(&[]);
            self.v6.get_group(keys, |a| out.push(a.map_or(&[], |a| self.sets.members(a))));
        }
    }

    /// [`lookup_v4`](Self::lookup_v4) or [`lookup_v6`](Self::lookup_v6);
    /// IPv4-mapped IPv6 addresses count as IPv4.
    #[inline]
    pub fn lookup_ip(&self, addr: IpAddr) -> &[OrgId] {
        match addr.to_canonical() {
            IpAddr::V4(a) => self.lookup_v4(a),
            IpAddr::V6(a) => self.lookup_v6(a),
        }
    }

    /// Organisations that registered this AS, sorted. This ignores the
    /// "only where no CIDR matched" rule, which
    /// [`match_subject`](Self::match_subject) applies.
    pub fn lookup_asn(&self, asn: Asn) -> &[OrgId] {
        let found = self.asns.binary_search_by_key(&asn, |(a, _)| *a).ok();
        found.and_then(|i| self.asns.get(i)).map_or(&[], |(_, answer)| self.sets.members(answer))
    }

    /// Organisations a host name or URL belongs to by registered domain
    /// suffix, sorted; empty if it has no usable host name.
    pub fn lookup_host(&self, host_or_url: &str) -> &[OrgId] {
        host::with_host(host_or_url, |h| self.domain_answer(h)).flatten().map_or(&[], |answer| self.sets.members(answer))
    }

    /// `host` is normalised: lower case, no trailing dot.
    fn domain_answer(&self, host: &str) -> Option<&Answer<1>> {
        let mut suffix = host;
        loop {
            if let Some(answer) = self.domains.get(suffix) {
                return Some(answer);
            }
            suffix = suffix.split_once('.')?.1;
        }
    }

    /// Whether the address is on the ignore list.
    pub fn is_ignored(&self, addr: IpAddr) -> bool {
        match addr.to_canonical() {
            IpAddr::V4(a) => self.ignore_v4.get(u32::from(a)) == Some(&true),
            IpAddr::V6(a) => self.ignore_v6.get(u128::from(a)) == Some(&true),
        }
    }

    /// Applies all rules to one record.
    pub fn match_subject(&self, subject: &Subject<'_>) -> RecordMatch<'_> {
        let domain = subject.host.map_or(&[][..], |h| self.lookup_host(h));
        let (matches, ignored) = match subject.source {
            SourceKind::WebsiteContent => (Matches::new(AddressVia::Cidr, &[], domain), false),
            SourceKind::Network => {
                let cidr = subject.addr.map_or(&[][..], |a| self.lookup_ip(a));
                let matches = if cidr.is_empty() {
                    let asn = subject.asn.map_or(&[][..], |a| self.lookup_asn(a));
                    Matches::new(AddressVia::Asn, asn, domain)
                } else {
                    Matches::new(AddressVia::Cidr, cidr, domain)
                };
                (matches, subject.addr.is_some_and(|a| self.is_ignored(a)))
            }
        };
        if ignored {
            RecordMatch::Ignored(matches)
        } else if matches.is_empty() {
            RecordMatch::Unmatched
        } else {
            RecordMatch::Matched(matches)
        }
    }

    pub fn stats(&self) -> MatcherStats {
        self.stats
    }
}

/// Sorts and de-duplicates `(start, len, org)` registrations and counts the
/// distinct prefixes.
fn distinct_prefixes<K: Key>(regs: &mut Vec<(K, u8, OrgId)>) -> usize {
    regs.sort_unstable();
    regs.dedup();
    regs.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)).count()
}

/// `regs` sorted and de-duplicated: by start, then length (outer first),
/// then org.
fn org_intervals<K: Key, const N: usize>(
    regs: &[(K, u8, OrgId)],
    flagged: &FxHashSet<OrgId>,
    interner: &mut Interner,
) -> Result<Vec<Slot<K, Answer<N>>>, BuildError> {
    let prefixes = regs.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)).filter_map(|group| {
        let &(start, len, _) = group.first()?;
        Some((start, start.block_last(K::BITS - u32::from(len)), group))
    });
    let mut owners = Vec::new();
    let mut flagged_owners = Vec::new();
    // State per prefix: the flagged registrants of it and of every prefix
    // around it, who hear about everything inside.
    paint_nested(prefixes, Answer::EMPTY, |group, outer: Option<&SetId>| {
        owners.clear();
        owners.extend(group.iter().map(|r| r.2));
        flagged_owners.clear();
        flagged_owners.extend(owners.iter().filter(|o| flagged.contains(o)));
        let around = outer.copied().unwrap_or(SetId::EMPTY);
        let answer = interner.union(around, &owners)?;
        let watching = interner.union(around, &flagged_owners)?;
        Ok((interner.answer(answer), watching))
    })
}

fn ignore_table<K: Key>(nets: &mut Vec<(K, u8, ())>) -> Result<Table<K, bool>, BuildError> {
    nets.sort_unstable();
    nets.dedup();
    let items = nets.iter().map(|&(start, len, ())| (start, start.block_last(K::BITS - u32::from(len)), ()));
    Table::new(paint_nested(items, false, |(), _: Option<&()>| Ok((true, ())))?)
}

fn asn_index(mut regs: Vec<(Asn, OrgId)>, interner: &mut Interner) -> Result<Box<[(Asn, Answer<1>)]>, BuildError> {
    regs.sort_unstable();
    regs.dedup();
    let mut orgs = Vec::new();
    regs.chunk_by(|a, b| a.0 == b.0)
        .filter_map(|group| Some((group.first()?.0, group)))
        .map(|(asn, group)| {
            orgs.clear();
            orgs.extend(group.iter().map(|r| r.1));
            let id = interner.intern(&orgs)?;
            Ok((asn, interner.answer(id)))
        })
        .collect()
}

fn domain_index(
    mut regs: Vec<(&str, OrgId)>,
    flagged: &FxHashSet<OrgId>,
    interner: &mut Interner,
) -> Result<HashMap<Box<str>, Answer<1>>, BuildError> {
    regs.sort_unstable();
    regs.dedup();
    let owners: HashMap<&str, &[(&str, OrgId)]> =
        regs.chunk_by(|a, b| a.0 == b.0).filter_map(|group| Some((group.first()?.0, group))).collect();
    let mut index = HashMap::with_capacity(owners.len());
    let mut set = Vec::new();
    for group in regs.chunk_by(|a, b| a.0 == b.0) {
        let Some(&(suffix, _)) = group.first() else {
            continue;
        };
        set.clear();
        set.extend(group.iter().map(|r| r.1));
        let mut parent = suffix;
        while let Some((_, p)) = parent.split_once('.') {
            parent = p;
            if let Some(outer) = owners.get(parent) {
                set.extend(outer.iter().map(|r| r.1).filter(|o| flagged.contains(o)));
            }
        }
        set.sort_unstable();
        set.dedup();
        let id = interner.intern(&set)?;
        index.insert(Box::from(suffix), interner.answer(id));
    }
    Ok(index)
}

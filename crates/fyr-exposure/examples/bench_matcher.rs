//! Throughput of the exposure matcher on a generated, realistic table.
//!
//! ```text
//! cargo run --release -p fyr-exposure --example bench_matcher
//! cargo run --release -p fyr-exposure --example bench_matcher -- --compare
//! ```
//!
//! Options: `--v4 N` (IPv4 prefixes, default 100000), `--v6 N` (IPv6
//! prefixes, default 250000), `--lookups N` (per family, default 10000000),
//! `--compare` (also time `prefix-trie` on the same prefixes and addresses),
//! `--v6-random-global` (draw the random IPv6 half from all of 2000::/3).
//! The seed is fixed, so runs see the same data.
//!
//! IPv4 prefixes: 60% /24, 20% /16–/23, 15% /25–/32, 5% /8–/15, anywhere in
//! 1.0.0.0–223.255.255.255. IPv6: allocations (/32) inside the RIRs' /12s
//! (and 2001::/16); prefixes 15% /32, 10% /33–/39, 15% /40–/47, 45% /48,
//! 15% /49–/64 inside them. One organisation per 5 prefixes, 10% of them with
//! "notify covered customers", 2% of prefixes also registered by a second
//! organisation. Half the look-ups fall inside a registered prefix; the
//! other half are random (IPv4: the whole unicast range; IPv6: the RIR
//! regions, which is harder than random over 2000::/3, where most addresses
//! are resolved by the first directory load).

use std::error::Error;
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use fyr_exposure::{Asn, AssetSnapshot, DomainSuffix, Matcher, MatcherStats, OrgAssets, OrgId, SourceKind, Subject};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use prefix_trie::PrefixMap;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Addresses per `lookup_*_batch` call, as an ingest worker would pass a
/// chunk of parsed records.
const BATCH: usize = 1024;

struct Args {
    v4: usize,
    v6: usize,
    lookups: usize,
    compare: bool,
    /// Draw IPv6 random addresses from all of 2000::/3, not the RIR regions.
    v6_global: bool,
}

fn args() -> Result<Args, Box<dyn Error>> {
    let mut a = Args { v4: 100_000, v6: 250_000, lookups: 10_000_000, compare: false, v6_global: false };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut num = || -> Result<usize, Box<dyn Error>> { Ok(it.next().ok_or("missing number")?.replace('_', "").parse()?) };
        match flag.as_str() {
            "--v4" => a.v4 = num()?,
            "--v6" => a.v6 = num()?,
            "--lookups" => a.lookups = num()?,
            "--compare" => a.compare = true,
            "--v6-random-global" => a.v6_global = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(a)
}

fn v4_prefix(rng: &mut StdRng) -> Ipv4Net {
    let roll = rng.random_range(0..100);
    let len = match roll {
        0..60 => 24,
        60..80 => rng.random_range(16..=23),
        80..95 => rng.random_range(25..=32),
        _ => rng.random_range(8..=15),
    };
    let addr = rng.random_range(0x0100_0000u32..0xe000_0000);
    Ipv4Net::new(Ipv4Addr::from(addr), len).map(|n| n.trunc()).unwrap_or_default()
}

/// RIR regions: (first 16 bits, region length).
const V6_REGIONS: [(u16, u8); 6] = [(0x2001, 16), (0x2400, 12), (0x2600, 12), (0x2800, 12), (0x2a00, 12), (0x2c00, 12)];

fn v6_in_region(rng: &mut StdRng) -> u128 {
    let (top, len) = V6_REGIONS[rng.random_range(0..V6_REGIONS.len())];
    let region = u128::from(top) << 112;
    let free = 128 - u32::from(len);
    region | (rng.random::<u128>() >> (128 - free))
}

fn v6_prefix(rng: &mut StdRng, allocations: &[u128]) -> Ipv6Net {
    let alloc = allocations[rng.random_range(0..allocations.len())];
    let len = match rng.random_range(0..100) {
        0..15 => 32,
        15..25 => rng.random_range(33..=39),
        25..40 => rng.random_range(40..=47),
        40..85 => 48,
        _ => rng.random_range(49..=64),
    };
    let addr = alloc | (rng.random::<u128>() >> 32);
    Ipv6Net::new(Ipv6Addr::from(addr), len).map(|n| n.trunc()).unwrap_or_default()
}

/// One org per 5 prefixes; 10% flagged; 2% of prefixes get a second org.
fn snapshot(rng: &mut StdRng, nets: &[IpNet]) -> AssetSnapshot {
    let n_orgs = (nets.len() / 5).max(1);
    let mut orgs: Vec<OrgAssets> = (0..n_orgs as u64)
        .map(|i| {
            let mut o = OrgAssets::new(OrgId(i));
            o.policy.notify_covered_customers = i % 10 == 0;
            o
        })
        .collect();
    for net in nets {
        let k = rng.random_range(0..n_orgs);
        orgs[k].cidrs.push(*net);
        if rng.random_range(0..100) < 2 {
            orgs[(k + 1) % n_orgs].cidrs.push(*net);
        }
    }
    for (i, o) in orgs.iter_mut().enumerate() {
        if let Some(asn) = Asn::new(64_512 + i as u32) {
            o.asns.push(asn);
        }
        if let Ok(d) = DomainSuffix::parse(&format!("org{i}.example.se")) {
            o.domains.push(d);
        }
    }
    AssetSnapshot { orgs, ignore: vec!["192.0.2.0/24".parse().unwrap_or_default(), "2001:db8::/32".parse().unwrap_or_default()] }
}

fn v4_addr_inside(rng: &mut StdRng, nets: &[IpNet]) -> u32 {
    match nets[rng.random_range(0..nets.len())] {
        IpNet::V4(n) => {
            let host_bits = 32 - u32::from(n.prefix_len());
            let offset = rng.random::<u32>().checked_shr(32 - host_bits).unwrap_or(0);
            u32::from(n.network()) | offset
        }
        IpNet::V6(_) => 0,
    }
}

fn v6_addr_inside(rng: &mut StdRng, nets: &[IpNet]) -> u128 {
    match nets[rng.random_range(0..nets.len())] {
        IpNet::V6(n) => {
            let host_bits = 128 - u32::from(n.prefix_len());
            let offset = rng.random::<u128>().checked_shr(128 - host_bits).unwrap_or(0);
            u128::from(n.network()) | offset
        }
        IpNet::V4(_) => 0,
    }
}

/// Best of `runs` builds.
fn time_build(snap: &AssetSnapshot, runs: usize) -> Result<(Matcher, Duration), Box<dyn Error>> {
    let mut best = Duration::MAX;
    let mut matcher = Matcher::build(snap)?;
    for _ in 0..runs {
        let t = Instant::now();
        matcher = Matcher::build(snap)?;
        best = best.min(t.elapsed());
    }
    Ok((matcher, best))
}

/// CPU time this thread has used (user + system), from
/// `/proc/thread-self/stat` in clock ticks (100 Hz). The machine is shared,
/// so wall-clock rates undercount when other jobs run; the CPU-time rate is
/// what one uncontended core does. `None` where /proc is missing.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')')?.1;
    let mut f = rest.split_whitespace().skip(11);
    let utime: u64 = f.next()?.parse().ok()?;
    let stime: u64 = f.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// Runs `pass` (one sweep over all addresses) again until a second has
/// passed, at most 20 times; returns (look-ups, wall time, CPU time).
fn timed(lookups_per_pass: usize, mut pass: impl FnMut() -> u64) -> (usize, Duration, Option<Duration>) {
    let cpu0 = thread_cpu();
    let t = Instant::now();
    let mut n = 0;
    let mut sum = 0u64;
    for _ in 0..20 {
        sum = sum.wrapping_add(pass());
        n += lookups_per_pass;
        if t.elapsed() > Duration::from_secs(1) {
            break;
        }
    }
    black_box(sum);
    let wall = t.elapsed();
    let cpu = cpu0.and_then(|c0| Some(thread_cpu()?.saturating_sub(c0)));
    (n, wall, cpu)
}

fn rates(n: usize, wall: Duration, cpu: Option<Duration>) -> String {
    match cpu {
        Some(c) if !c.is_zero() => format!("**{:.1} M/s** (wall {:.1})", rate(n, c), rate(n, wall)),
        _ => format!("wall **{:.1} M/s**", rate(n, wall)),
    }
}

fn rate(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64() / 1e6
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// What one family's run measured.
struct Run {
    family: &'static str,
    prefixes: usize,
    stats: MatcherStats,
    intervals: usize,
    build: Duration,
    hits: usize,
    lookups: (usize, Duration, Option<Duration>),
    /// Size of the index in front of the intervals.
    dir: String,
}

fn print_run(r: &Run, lookups: usize) {
    println!(
        "| {} | {} ({}) | {} | {} | {:.1} MiB | {:.1} ms | {} | {:.0}% | {} |",
        r.family,
        r.prefixes,
        r.stats.v4_prefixes + r.stats.v6_prefixes,
        r.intervals,
        r.dir,
        mib(r.stats.heap_bytes),
        r.build.as_secs_f64() * 1e3,
        lookups,
        100.0 * r.hits as f64 / lookups.max(1) as f64,
        rates(r.lookups.0, r.lookups.1, r.lookups.2)
    );
}

fn main() -> Result<(), Box<dyn Error>> {
    let a = args()?;
    let mut rng = StdRng::seed_from_u64(0x5eed_f17e);
    println!("fyr-exposure matcher benchmark (single thread, fixed seed)");
    println!();
    println!(
        "| table | prefixes (distinct) | intervals | index words | heap | build (best of 3–5) | look-ups | hits | rate (CPU time, wall) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");

    let mut snaps = Vec::new();
    if a.v4 > 0 {
        let nets: Vec<IpNet> = (0..a.v4).map(|_| IpNet::V4(v4_prefix(&mut rng))).collect();
        let snap = snapshot(&mut rng, &nets);
        let (m, build) = time_build(&snap, 5)?;
        let addrs: Vec<Ipv4Addr> = (0..a.lookups)
            .map(|i| {
                Ipv4Addr::from(if i % 2 == 0 { rng.random_range(0x0100_0000u32..0xe000_0000) } else { v4_addr_inside(&mut rng, &nets) })
            })
            .collect();
        let lookups = timed(addrs.len(), || {
            let mut sum = 0u64;
            for &addr in &addrs {
                let orgs = m.lookup_v4(black_box(addr));
                sum = sum.wrapping_add(orgs.len() as u64 + orgs.first().map_or(0, |o| o.0));
            }
            sum
        });
        let hits = addrs.iter().filter(|x| !m.lookup_v4(**x).is_empty()).count();
        print_run(
            &Run {
                family: "IPv4",
                prefixes: a.v4,
                stats: m.stats(),
                intervals: m.stats().v4_intervals,
                build,
                hits,
                lookups,
                dir: "65 537 (/16 index)".into(),
            },
            a.lookups,
        );
        let batch = timed(addrs.len(), || {
            let mut sum = 0u64;
            let mut out = Vec::with_capacity(BATCH);
            for chunk in addrs.chunks(BATCH) {
                out.clear();
                m.lookup_v4_batch(black_box(chunk), &mut out);
                for orgs in &out {
                    sum = sum.wrapping_add(orgs.len() as u64 + orgs.first().map_or(0, |o| o.0));
                }
            }
            sum
        });
        println!("|   same, `lookup_v4_batch` ({BATCH} per call) | | | | | | | | {} |", rates(batch.0, batch.1, batch.2));
        records(&mut rng, &m, &addrs, a.lookups.min(2_000_000));
        if a.compare {
            compare_v4(&nets, &addrs);
        }
        snaps.push(snap);
    }

    if a.v6 > 0 {
        let allocations: Vec<u128> = (0..(a.v6 / 6).max(1)).map(|_| v6_in_region(&mut rng) & !(u128::MAX >> 32)).collect();
        let nets: Vec<IpNet> = (0..a.v6).map(|_| IpNet::V6(v6_prefix(&mut rng, &allocations))).collect();
        let snap = snapshot(&mut rng, &nets);
        let (m, build) = time_build(&snap, 3)?;
        let addrs: Vec<Ipv6Addr> = (0..a.lookups)
            .map(|i| {
                Ipv6Addr::from(match (i % 2, a.v6_global) {
                    (0, false) => v6_in_region(&mut rng),
                    (0, true) => (1u128 << 125) | (rng.random::<u128>() >> 3),
                    _ => v6_addr_inside(&mut rng, &nets),
                })
            })
            .collect();
        let lookups = timed(addrs.len(), || {
            let mut sum = 0u64;
            for &addr in &addrs {
                let orgs = m.lookup_v6(black_box(addr));
                sum = sum.wrapping_add(orgs.len() as u64 + orgs.first().map_or(0, |o| o.0));
            }
            sum
        });
        let hits = addrs.iter().filter(|x| !m.lookup_v6(**x).is_empty()).count();
        print_run(
            &Run {
                family: "IPv6",
                prefixes: a.v6,
                stats: m.stats(),
                intervals: m.stats().v6_intervals,
                build,
                hits,
                lookups,
                dir: m.stats().v6_directory_words.to_string(),
            },
            a.lookups,
        );
        let batch = timed(addrs.len(), || {
            let mut sum = 0u64;
            let mut out = Vec::with_capacity(BATCH);
            for chunk in addrs.chunks(BATCH) {
                out.clear();
                m.lookup_v6_batch(black_box(chunk), &mut out);
                for orgs in &out {
                    sum = sum.wrapping_add(orgs.len() as u64 + orgs.first().map_or(0, |o| o.0));
                }
            }
            sum
        });
        println!("|   same, `lookup_v6_batch` ({BATCH} per call) | | | | | | | | {} |", rates(batch.0, batch.1, batch.2));
        if a.compare {
            compare_v6(&nets, &addrs);
        }
        snaps.push(snap);
    }

    // Both families in one snapshot: the rebuild a deployment does.
    if let [four, six] = snaps.as_slice() {
        let mut both = four.clone();
        both.orgs.extend(six.orgs.iter().cloned().map(|mut o| {
            o.org = OrgId(o.org.0 + 1_000_000);
            o
        }));
        let (m, build) = time_build(&both, 3)?;
        let s = m.stats();
        println!(
            "| IPv4 + IPv6 | {} ({}) | {} | {} | {:.1} MiB | {:.1} ms | | | |",
            a.v4 + a.v6,
            s.v4_prefixes + s.v6_prefixes,
            s.v4_intervals + s.v6_intervals,
            s.v6_directory_words,
            mib(s.heap_bytes),
            build.as_secs_f64() * 1e3,
        );
    }
    Ok(())
}

/// Whole records through `match_subject`: address, ASN fallback, host name
/// on a third of them, a tenth from a website-content source.
fn records(rng: &mut StdRng, m: &Matcher, addrs: &[Ipv4Addr], n: usize) {
    let orgs = (m.stats().v4_prefixes / 5).max(1);
    let hosts: Vec<String> = (0..1000)
        .map(|i| match i % 4 {
            0 => format!("www.org{}.example.se", rng.random_range(0..orgs)),
            1 => format!("https://Shop.Org{}.example.se/login", rng.random_range(0..orgs)),
            2 => format!("host{i}.elsewhere.example.com"),
            _ => format!("mail.unregistered{i}.se."),
        })
        .collect();
    let subjects: Vec<Subject<'_>> = (0..n)
        .map(|i| Subject {
            addr: addrs.get(i).map(|a| IpAddr::V4(*a)),
            asn: Asn::new(64_512 + rng.random_range(0..orgs as u32)),
            host: (i % 3 == 0).then(|| hosts[i % hosts.len()].as_str()),
            source: if i % 10 == 0 { SourceKind::WebsiteContent } else { SourceKind::Network },
        })
        .collect();
    let r = timed(subjects.len(), || {
        let mut n = 0u64;
        for s in &subjects {
            n += m.match_subject(black_box(s)).to_notify().count() as u64;
        }
        n
    });
    println!(
        "|   match_subject on the IPv4 table (address, ASN fallback, host on 1/3, 1/10 website content) | | | | | | {} records | | {} |",
        n,
        rates(r.0, r.1, r.2)
    );
}

/// The same look-ups through `prefix-trie` (longest-prefix match returning
/// a stored slice, without the covered-customers union), for the design
/// note in `table.rs`.
fn compare_v4(nets: &[IpNet], addrs: &[Ipv4Addr]) {
    let t = Instant::now();
    let mut map: PrefixMap<Ipv4Net, Box<[OrgId]>> = PrefixMap::new();
    for (i, n) in nets.iter().enumerate() {
        if let IpNet::V4(n) = n {
            map.insert(*n, vec![OrgId(i as u64)].into_boxed_slice());
        }
    }
    let build = t.elapsed();
    let r = timed(addrs.len(), || {
        let mut sum = 0u64;
        for &a in addrs {
            if let Some((_, orgs)) = map.get_lpm(&Ipv4Net::from(black_box(a))) {
                sum = sum.wrapping_add(orgs.len() as u64 + orgs.first().map_or(0, |o| o.0));
            }
        }
        sum
    });
    println!("|   prefix-trie 0.10, same IPv4 data | | | | | {:.1} ms | | | {} |", build.as_secs_f64() * 1e3, rates(r.0, r.1, r.2));
}

fn compare_v6(nets: &[IpNet], addrs: &[Ipv6Addr]) {
    let t = Instant::now();
    let mut map: PrefixMap<Ipv6Net, Box<[OrgId]>> = PrefixMap::new();
    for (i, n) in nets.iter().enumerate() {
        if let IpNet::V6(n) = n {
            map.insert(*n, vec![OrgId(i as u64)].into_boxed_slice());
        }
    }
    let build = t.elapsed();
    let r = timed(addrs.len(), || {
        let mut sum = 0u64;
        for &a in addrs {
            if let Some((_, orgs)) = map.get_lpm(&Ipv6Net::from(black_box(a))) {
                sum = sum.wrapping_add(orgs.len() as u64 + orgs.first().map_or(0, |o| o.0));
            }
        }
        sum
    });
    println!("|   prefix-trie 0.10, same IPv6 data | | | | | {:.1} ms | | | {} |", build.as_secs_f64() * 1e3, rates(r.0, r.1, r.2));
}

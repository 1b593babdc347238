//! A seeded generator of realistic Shadowserver report files, for tests and
//! benchmarks of the whole pipeline. Same seed and options, same bytes.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use time::Date;
use time::macros::date;

use super::Severity;
use super::error::RowErrorKind;
use super::schema::ReportSchema;

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Data rows (the header comes on top).
    pub rows: u64,
    /// PRNG seed; the output is a function of the options and the schema
    /// entry (and of the `fastrand` version, which Cargo.lock pins).
    pub seed: u64,
    /// Draw addresses as IPv6 instead of IPv4 (when `ip_pool` is not
    /// given, and always for the other side of events).
    pub ipv6: bool,
    /// Networks the affected address (see
    /// [`ReportSchema::address_columns`]) is drawn from, any family; `None`:
    /// random public-looking addresses.
    pub ip_pool: Option<Vec<IpNet>>,
    /// Make every n-th data row bad (n ≥ 1), see [`GenOptions::bad_row`].
    pub bad_row_every: Option<u64>,
    /// Report date; timestamps fall within this day (UTC).
    pub date: Date,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions { rows: 1000, seed: 1, ipv6: false, ip_pool: None, bad_row_every: None, date: date!(2026 - 01 - 15) }
    }
}

impl GenOptions {
    /// The kind of error deliberately put into data row `row` (1-based; it
    /// is on line `row + 1`), or `None` for a good row.
    ///
    /// Rows `n, 2n, 3n, …` are bad, cycling through the kinds that apply to
    /// the report type: wrong field count, bad timestamp, then invalid
    /// address, port and ASN where the type has those columns.
    pub fn bad_row(&self, entry: &ReportSchema, row: u64) -> Option<RowErrorKind> {
        let every = self.bad_row_every.filter(|n| *n > 0)?;
        if row == 0 || !row.is_multiple_of(every) {
            return None;
        }
        let kinds = bad_kinds(entry);
        let index = usize::try_from((row / every - 1) % kinds.len() as u64).ok()?;
        kinds.get(index).copied()
    }
}

fn bad_kinds(entry: &ReportSchema) -> Vec<RowErrorKind> {
    let mut kinds = vec![RowErrorKind::FieldCount];
    if entry.has_field("timestamp") {
        kinds.push(RowErrorKind::InvalidTimestamp);
    }
    if let Some(a) = entry.address_columns() {
        if entry.has_field(&a.ip()) {
            kinds.push(RowErrorKind::InvalidIp);
        }
        if entry.has_field(&a.port()) {
            kinds.push(RowErrorKind::InvalidPort);
        }
        if entry.has_field(&a.asn()) {
            kinds.push(RowErrorKind::InvalidAsn);
        }
    }
    kinds
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenSummary {
    /// Data rows written (good and bad).
    pub rows: u64,
    /// Of those, deliberately bad.
    pub bad_rows: u64,
}

/// How to fill one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fill {
    Timestamp,
    Severity,
    SubjectIp,
    OtherIp,
    Port,
    Protocol,
    Asn,
    Geo,
    Region,
    City,
    Hostname,
    HostnameSource,
    Url,
    Naics,
    Sector,
    Tag,
    Hex(usize),
    DateTime,
    Number,
    Email,
    Text,
    Token,
}

fn fill_of(name: &str, subject_ip: Option<&str>) -> Fill {
    let ends = |s: &str| name == s || name.ends_with(&format!("_{s}"));
    if name == "timestamp" {
        Fill::Timestamp
    } else if name == "severity" {
        Fill::Severity
    } else if Some(name) == subject_ip {
        Fill::SubjectIp
    } else if ends("ip") {
        Fill::OtherIp
    } else if ends("port") {
        Fill::Port
    } else if name == "protocol" {
        Fill::Protocol
    } else if ends("asn") {
        Fill::Asn
    } else if ends("geo") {
        Fill::Geo
    } else if ends("region") {
        Fill::Region
    } else if ends("city") {
        Fill::City
    } else if ends("hostname") || ends("host") || ends("servername") || ends("server_name") || name == "domain" {
        Fill::Hostname
    } else if name == "hostname_source" {
        Fill::HostnameSource
    } else if ends("url") {
        Fill::Url
    } else if ends("naics") {
        Fill::Naics
    } else if ends("sector") {
        Fill::Sector
    } else if name == "tag" {
        Fill::Tag
    } else if name.contains("sha512") {
        Fill::Hex(128)
    } else if name.contains("sha256") {
        Fill::Hex(64)
    } else if name.contains("sha1") {
        Fill::Hex(40)
    } else if name.contains("md5") {
        Fill::Hex(32)
    } else if ends("date") || ends("since") || name == "date_published" {
        Fill::DateTime
    } else if ends("count")
        || ends("length")
        || ends("size")
        || ends("amplification")
        || ends("duration")
        || ends("int")
        || ends("in")
        || ends("out")
        || ends("uptime")
        || ends("code")
    {
        Fill::Number
    } else if name == "email" {
        Fill::Email
    } else if matches!(name, "banner" | "raw_response" | "detail" | "reason" | "subject" | "http_reason" | "www_authenticate") {
        Fill::Text
    } else {
        Fill::Token
    }
}

const GEOS: &[&str] = &["SE", "NO", "FI", "DK", "DE", "NL", "US", "GB", "FR", "PL"];
const REGIONS: &[&str] = &["STOCKHOLM", "VASTRA GOTALANDS LAN", "SKANE LAN", "UPPSALA LAN", "OSLO"];
const CITIES: &[&str] = &["STOCKHOLM", "GOTEBORG", "MALMO", "UPPSALA", "LULEA", "OSLO"];
const SECTORS: &[&str] = &["Communications, Service Provider, and Hosting", "Education", "Government", "Healthcare", "Manufacturing"];
const TAGS: &[&str] = &["", "http", "ssl", "rdp", "cve-2021-44228", "cve-2023-4966;citrix", "mirai"];
const WORDS: &[&str] = &[
    "alpha", "nginx", "apache", "openssh", "ubuntu", "router", "camera", "mikrotik", "fortinet", "exchange", "windows", "linux", "printer",
    "nas", "dvr", "server", "gateway",
];
const TLDS: &[&str] = &["se", "nu", "com", "net", "org", "eu"];
/// Free text as scanners record it.
const TEXTS: &[&str] = &[
    "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6",
    "220 mail.example.se ESMTP Postfix (Ubuntu)",
    "OK",
    "Unauthorized",
    "Forbidden",
    "Moved Permanently",
];
/// Free text that needs CSV quoting: commas, quotes, line breaks.
const QUOTED_TEXTS: &[&str] = &[
    "Basic realm=\"Router, admin\"",
    "HTTP/1.1 200 OK\r\nServer: nginx\r\n",
    "Login required, please authenticate",
    "quote \"inside\", comma and\nnewline",
];

/// Writes a CSV file in the layout of report type `entry`: a header with
/// the schema's fields in order, then `options.rows` rows with plausible
/// values per column name (timestamps within `options.date`, addresses,
/// ports, protocols, ASNs, countries, host names, URLs, hashes, tags, …,
/// some empty, a few text cells with commas, quotes and line breaks) and,
/// if asked, deliberately bad rows (see [`GenOptions::bad_row`]).
pub fn generate_shadowserver_csv(entry: &ReportSchema, options: &GenOptions, out: impl Write) -> io::Result<GenSummary> {
    let address = entry.address_columns();
    let subject_ip = address.as_ref().map(|a| a.ip());
    let subject_port = address.as_ref().map(|a| a.port());
    let subject_asn = address.as_ref().map(|a| a.asn());
    let fills: Vec<Fill> = entry.fields.iter().map(|f| fill_of(f, subject_ip.as_deref())).collect();
    let find = |name: Option<&String>| name.and_then(|n| entry.fields.iter().position(|f| f == n));
    let port_col = find(subject_port.as_ref());
    let asn_col = find(subject_asn.as_ref());
    let ip_col = fills.iter().position(|f| *f == Fill::SubjectIp);
    let ts_col = fills.iter().position(|f| *f == Fill::Timestamp);

    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(out);
    writer.write_record(&entry.fields)?;

    let mut g =
        Gen { rng: fastrand::Rng::with_seed(options.seed), options, day_start: options.date.midnight().assume_utc().unix_timestamp() };
    let mut text = String::with_capacity(1024);
    let mut ends: Vec<usize> = Vec::with_capacity(fills.len() + 1);
    let mut bad_rows = 0;
    for row in 1..=options.rows {
        text.clear();
        ends.clear();
        let bad = options.bad_row(entry, row);
        for (i, fill) in fills.iter().enumerate() {
            let broken = match bad {
                Some(RowErrorKind::InvalidTimestamp) if Some(i) == ts_col => Some("2026-13-45 25:61:00"),
                Some(RowErrorKind::InvalidIp) if Some(i) == ip_col => Some("300.1.2.3"),
                Some(RowErrorKind::InvalidPort) if Some(i) == port_col => Some("70000"),
                Some(RowErrorKind::InvalidAsn) if Some(i) == asn_col => Some("AS-x"),
                _ => None,
            };
            match broken {
                Some(value) => text.push_str(value),
                None => g.fill(*fill, &mut text),
            }
            ends.push(text.len());
        }
        if bad == Some(RowErrorKind::FieldCount) {
            text.push_str("unexpected");
            ends.push(text.len());
        }
        if bad.is_some() {
            bad_rows += 1;
        }
        let mut start = 0;
        writer.write_record(ends.iter().map(|&end| {
            let cell = text.get(start..end).unwrap_or("");
            start = end;
            cell
        }))?;
    }
    writer.flush()?;
    Ok(GenSummary { rows: options.rows, bad_rows })
}

struct Gen<'a> {
    rng: fastrand::Rng,
    options: &'a GenOptions,
    day_start: i64,
}

impl Gen<'_> {
    fn pick<'s>(&mut self, list: &[&'s str]) -> &'s str {
        list.get(self.rng.usize(..list.len())).copied().unwrap_or("")
    }

    /// `true` with probability `percent`/100.
    fn chance(&mut self, percent: u8) -> bool {
        self.rng.u8(..100) < percent
    }

    fn fill(&mut self, fill: Fill, out: &mut String) {
        // `write!` into a String cannot fail.
        match fill {
            Fill::Timestamp | Fill::DateTime => {
                let secs = self.day_start + i64::from(self.rng.u32(..86_400));
                let t = time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
                let _ = write!(
                    out,
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                    t.year(),
                    u8::from(t.month()),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second()
                );
            }
            Fill::Severity => {
                let s = Severity::ALL.get(self.rng.usize(..Severity::ALL.len())).copied().unwrap_or(Severity::Info);
                out.push_str(s.as_str());
            }
            Fill::SubjectIp => {
                let ip = self.subject_ip();
                let _ = write!(out, "{ip}");
            }
            Fill::OtherIp => {
                if self.chance(90) {
                    let ip = self.random_ip(self.options.ipv6);
                    let _ = write!(out, "{ip}");
                }
            }
            Fill::Port => {
                let port = if self.chance(50) {
                    *[22u16, 23, 80, 443, 445, 3389, 8080, 8443].get(self.rng.usize(..8)).unwrap_or(&80)
                } else {
                    self.rng.u16(1..)
                };
                let _ = write!(out, "{port}");
            }
            Fill::Protocol => out.push_str(if self.chance(80) { "tcp" } else { "udp" }),
            Fill::Asn => {
                if self.chance(97) {
                    let _ = write!(out, "{}", self.rng.u32(1..400_000));
                }
            }
            Fill::Geo => out.push_str(self.pick(GEOS)),
            Fill::Region => out.push_str(self.pick(REGIONS)),
            Fill::City => out.push_str(self.pick(CITIES)),
            Fill::Hostname => {
                if self.chance(70) {
                    self.hostname(out);
                }
            }
            Fill::HostnameSource => out.push_str(self.pick(&["ptr", "certificate", "sni", ""])),
            Fill::Url => {
                if self.chance(90) {
                    out.push_str(if self.chance(50) { "https://" } else { "http://" });
                    self.hostname(out);
                    let _ = write!(out, "/{}/{}.php?id={}", self.pick(WORDS), self.pick(WORDS), self.rng.u32(..10_000));
                }
            }
            Fill::Naics => {
                if self.chance(60) {
                    let _ = write!(out, "{}", self.rng.u32(111_110..928_120));
                }
            }
            Fill::Sector => {
                if self.chance(60) {
                    out.push_str(self.pick(SECTORS));
                }
            }
            Fill::Tag => out.push_str(self.pick(TAGS)),
            Fill::Hex(len) => {
                if self.chance(80) {
                    for _ in 0..len {
                        out.push(self.rng.digit(16));
                    }
                }
            }
            Fill::Number => {
                if self.chance(80) {
                    let _ = write!(out, "{}", self.rng.u32(..100_000));
                }
            }
            Fill::Email => {
                let _ = write!(out, "{}.{}@", self.pick(WORDS), self.rng.u16(..1000));
                self.hostname(out);
            }
            Fill::Text => {
                // About one text cell in 25 needs quoting.
                if self.chance(4) {
                    out.push_str(self.pick(QUOTED_TEXTS));
                } else if self.chance(80) {
                    out.push_str(self.pick(TEXTS));
                }
            }
            Fill::Token => {
                if self.chance(75) {
                    out.push_str(self.pick(WORDS));
                    if self.chance(50) {
                        let _ = write!(out, "-{}.{}", self.rng.u8(..20), self.rng.u8(..10));
                    }
                }
            }
        }
    }

    fn hostname(&mut self, out: &mut String) {
        let host = self.pick(WORDS);
        let n = self.rng.u16(..1000);
        let domain = self.pick(WORDS);
        let tld = self.pick(TLDS);
        let _ = write!(out, "{host}{n}.{domain}.{tld}");
    }

    fn subject_ip(&mut self) -> IpAddr {
        let Some(pool) = self.options.ip_pool.as_deref().filter(|p| !p.is_empty()) else {
            return self.random_ip(self.options.ipv6);
        };
        let net = pool.get(self.rng.usize(..pool.len())).copied().unwrap_or(IpNet::V4(ipnet::Ipv4Net::default()));
        match net {
            IpNet::V4(net) => {
                let host_bits = 32 - u32::from(net.prefix_len());
                let mask = if host_bits == 32 { u32::MAX } else { (1u32 << host_bits) - 1 };
                let base = u32::from(net.network());
                IpAddr::V4(Ipv4Addr::from(base | (self.rng.u32(..) & mask)))
            }
            IpNet::V6(net) => {
                let host_bits = 128 - u32::from(net.prefix_len());
                let mask = if host_bits == 128 { u128::MAX } else { (1u128 << host_bits) - 1 };
                let base = u128::from(net.network());
                IpAddr::V6(Ipv6Addr::from(base | (self.rng.u128(..) & mask)))
            }
        }
    }

    /// A public-looking address: IPv4 outside private, loopback, link-local,
    /// multicast and reserved space; IPv6 in 2000::/3.
    fn random_ip(&mut self, v6: bool) -> IpAddr {
        if v6 {
            let bits = (self.rng.u128(..) & (u128::MAX >> 3)) | (1u128 << 125);
            return IpAddr::V6(Ipv6Addr::from(bits));
        }
        // Rejection sampling; about 1 draw in 60 is private, so 64 tries
        // practically always succeed (else a fixed public address).
        for _ in 0..64 {
            let ip = Ipv4Addr::from(self.rng.u32(0x0100_0000..0xE000_0000));
            if !(ip.is_private() || ip.is_loopback() || ip.is_link_local() || ip.octets()[0] == 100) {
                return IpAddr::V4(ip);
            }
        }
        IpAddr::V4(Ipv4Addr::new(192, 36, 125, 18))
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    fn entry() -> ReportSchema {
        ReportSchema::new("scan_test", &["timestamp", "ip", "port", "asn", "geo", "hostname", "banner", "sha256_fingerprint"])
    }

    #[test]
    fn same_seed_same_bytes() {
        let opts = GenOptions { rows: 50, seed: 7, ..GenOptions::default() };
        let mut a = Vec::new();
        let mut b = Vec::new();
        generate_shadowserver_csv(&entry(), &opts, &mut a).expect("generate");
        generate_shadowserver_csv(&entry(), &opts, &mut b).expect("generate");
        assert_eq!(a, b);
        let mut c = Vec::new();
        let other = GenOptions { seed: 8, ..opts };
        generate_shadowserver_csv(&entry(), &other, &mut c).expect("generate");
        assert_ne!(a, c);
    }

    #[test]
    fn pool_addresses_stay_in_pool() {
        let pool: Vec<IpNet> = vec!["192.0.2.0/28".parse().expect("net"), "2001:db8::/126".parse().expect("net")];
        let opts = GenOptions { rows: 200, ip_pool: Some(pool.clone()), ..GenOptions::default() };
        let mut g = Gen { rng: fastrand::Rng::with_seed(3), options: &opts, day_start: 0 };
        for _ in 0..200 {
            let ip = g.subject_ip();
            assert!(pool.iter().any(|n| n.contains(&ip)), "{ip}");
        }
    }

    #[test]
    fn bad_rows_cycle_through_kinds() {
        let opts = GenOptions { bad_row_every: Some(3), ..GenOptions::default() };
        let e = entry();
        let kinds: Vec<_> = (1..=18).filter_map(|r| opts.bad_row(&e, r)).collect();
        assert_eq!(
            kinds,
            [
                RowErrorKind::FieldCount,
                RowErrorKind::InvalidTimestamp,
                RowErrorKind::InvalidIp,
                RowErrorKind::InvalidPort,
                RowErrorKind::InvalidAsn,
                RowErrorKind::FieldCount,
            ]
        );
        assert_eq!(opts.bad_row(&e, 4), None);
    }
}

//! Every report type of Shadowserver's schema: generate, parse back, and
//! compare each cell with the record.

use std::collections::HashMap;
use std::path::PathBuf;

use fyr_formats::exposure::{
    ExposureRecord, GenOptions, ReportSchema, RowErrorKind, Severity, generate_shadowserver_csv, parse_severity_table,
    report_type_from_filename,
};

use crate::common::{self, parse};

const ROWS: u64 = 150;

/// Columns that land in typed fields for `entry`, by the documented rule
/// (restated here independently of the reader).
fn typed_columns(entry: &ReportSchema, header: &[String]) -> Vec<String> {
    let prefix = entry.address_columns().map(|a| a.prefix).unwrap_or_default();
    let mut typed: Vec<String> = ["timestamp", "severity", "protocol", "tag", "url", "http_host"].iter().map(|s| (*s).to_owned()).collect();
    if !header.iter().any(|h| h == "url") {
        typed.push("http_url".to_owned());
    }
    for suffix in ["ip", "port", "asn", "geo", "hostname"] {
        typed.push(format!("{prefix}{suffix}"));
    }
    typed
}

fn seed_of(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// Checks one record against the raw cells of its row.
fn check_row(entry: &ReportSchema, header: &[String], cells: &[String], record: &ExposureRecord, ipv6: bool) {
    let typed = typed_columns(entry, header);
    let prefix = entry.address_columns().map(|a| a.prefix).unwrap_or_default();
    let t = &*entry.report_type;
    let mut expected_extra = Vec::new();
    for (name, raw) in header.iter().zip(cells) {
        let opt = |s: &Option<Box<str>>| s.as_deref().map(str::to_owned);
        let want = (!raw.is_empty()).then(|| raw.clone());
        if !typed.contains(name) {
            if !raw.is_empty() {
                expected_extra.push((name.clone(), raw.clone()));
            }
            continue;
        }
        match name.strip_prefix(prefix.as_str()).unwrap_or(name) {
            _ if name == "timestamp" => {
                let o = record.observed_at;
                let shown = format!(
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                    o.year(),
                    u8::from(o.month()),
                    o.day(),
                    o.hour(),
                    o.minute(),
                    o.second()
                );
                assert_eq!(&shown, raw, "{t}: timestamp");
                assert!(o.offset().is_utc(), "{t}: UTC");
            }
            _ if name == "severity" => {
                assert_eq!(record.severity, Severity::parse(raw), "{t}: severity")
            }
            _ if name == "protocol" => assert_eq!(record.protocol.as_ref().map(|p| p.to_string()), want, "{t}: protocol"),
            _ if name == "tag" => assert_eq!(opt(&record.tag), want, "{t}: tag"),
            _ if name == "url" || name == "http_url" => {
                assert_eq!(opt(&record.url), want, "{t}: url")
            }
            _ if name == "http_host" => assert_eq!(opt(&record.http_host), want, "{t}: http_host"),
            "ip" => {
                let ip = record.ip.expect("address");
                assert_eq!(ip.to_string(), *raw, "{t}: ip");
                assert_eq!(ip.is_ipv6(), ipv6, "{t}: address family");
            }
            "port" => assert_eq!(record.port.map(|p| p.to_string()), want, "{t}: port"),
            "asn" => assert_eq!(record.asn, raw.parse::<u32>().unwrap_or(0), "{t}: asn"),
            "geo" => assert_eq!(record.geo.map(|g| g.to_string()), want, "{t}: geo"),
            "hostname" => assert_eq!(opt(&record.hostname), want, "{t}: hostname"),
            other => panic!("{t}: unexpected typed column {other}"),
        }
    }
    assert_eq!(record.extra.to_vec(), expected_extra, "{t}: extra");
    assert_eq!(&*record.report_type, t);
}

fn round_trip(entry: &ReportSchema, ipv6: bool) {
    let t = &*entry.report_type;
    let options = GenOptions { rows: ROWS, seed: seed_of(t) ^ u64::from(ipv6), ipv6, ..GenOptions::default() };
    let mut bytes = Vec::new();
    let summary = generate_shadowserver_csv(entry, &options, &mut bytes).expect("generate");
    assert_eq!(summary.rows, ROWS);
    assert_eq!(summary.bad_rows, 0);

    let parsed = parse(entry, &bytes);
    assert!(parsed.errors.is_empty(), "{t} ipv6={ipv6}: {:?}", parsed.errors.first());
    assert_eq!(parsed.records.len() as u64, ROWS, "{t}");
    assert_eq!(parsed.stats.rows_ok, ROWS);
    assert_eq!(parsed.stats.rows_bad, 0);

    // The same bytes through a plain CSV reader give the raw cells.
    let mut raw = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = raw.headers().expect("header").iter().map(str::to_owned).collect();
    assert_eq!(header, entry.fields, "{t}: header is the schema's fields");
    let mut count = 0;
    for (row, record) in raw.records().zip(&parsed.records) {
        let row = row.expect("raw row");
        let cells: Vec<String> = row.iter().map(str::to_owned).collect();
        assert_eq!(record.line, row.position().map_or(0, |p| p.line()), "{t}: line");
        check_row(entry, &header, &cells, record, ipv6);
        count += 1;
    }
    assert_eq!(count, ROWS);
}

#[test]
fn schema_has_every_report_type() {
    let schema = common::schema();
    let raw: HashMap<String, serde_json::Value> =
        serde_json::from_reader(std::fs::File::open(common::schema_path()).expect("open")).expect("json");
    let listed = raw.keys().filter(|k| !k.starts_with('_')).count();
    assert_eq!(schema.len(), listed);
    // The published schema this was written against has 170 types; newer
    // ones only add.
    assert!(schema.len() >= 170, "only {} report types", schema.len());
}

#[test]
fn every_report_type_round_trips_ipv4_and_ipv6() {
    let schema = common::schema();
    let mut with_address = 0;
    for entry in schema.iter() {
        round_trip(entry, false);
        if entry.address_columns().is_some() {
            round_trip(entry, true);
            with_address += 1;
        }
    }
    assert!(with_address >= 160, "{with_address}");
}

#[test]
fn every_report_type_reports_bad_rows_at_their_lines() {
    let schema = common::schema();
    for entry in schema.iter() {
        let t = &*entry.report_type;
        let options = GenOptions { rows: 60, seed: seed_of(t), bad_row_every: Some(4), ..GenOptions::default() };
        let mut bytes = Vec::new();
        let summary = generate_shadowserver_csv(entry, &options, &mut bytes).expect("generate");
        assert_eq!(summary.bad_rows, 15);
        let parsed = parse(entry, &bytes);
        let expected: Vec<(u64, RowErrorKind)> = (1..=60).filter_map(|row| options.bad_row(entry, row).map(|k| (row + 1, k))).collect();
        assert_eq!(expected.len(), 15);
        // Lines equal row + 1 only while no cell holds a newline; compare
        // against the lines a plain CSV reader reports for those rows.
        let mut raw = csv::ReaderBuilder::new().flexible(true).from_reader(bytes.as_slice());
        let lines: Vec<u64> = raw.records().map(|r| r.expect("raw").position().map_or(0, |p| p.line())).collect();
        let expected: Vec<(u64, RowErrorKind)> = expected
            .into_iter()
            .map(|(row_plus_one, k)| {
                let index = usize::try_from(row_plus_one - 2).expect("index");
                (*lines.get(index).expect("line"), k)
            })
            .collect();
        assert_eq!(parsed.error_lines(), expected, "{t}");
        assert_eq!(parsed.records.len(), 45, "{t}");
        assert_eq!(parsed.stats.rows_bad, 15);
    }
}

#[test]
fn address_column_per_type_family() {
    let schema = common::schema();
    let ip_of = |t: &str| schema.get(t).unwrap_or_else(|| panic!("{t} not in schema")).address_columns().map(|a| a.ip());
    assert_eq!(ip_of("scan_http").as_deref(), Some("ip"));
    assert_eq!(ip_of("scan6_http").as_deref(), Some("ip"));
    assert_eq!(ip_of("blocklist").as_deref(), Some("ip"));
    assert_eq!(ip_of("spam_url").as_deref(), Some("ip"));
    assert_eq!(ip_of("event4_sinkhole").as_deref(), Some("src_ip"));
    assert_eq!(ip_of("event6_sinkhole_http").as_deref(), Some("src_ip"));
    assert_eq!(ip_of("event4_honeypot_brute_force").as_deref(), Some("src_ip"));
    assert_eq!(ip_of("event4_sinkhole_dns").as_deref(), Some("src_ip"));
    assert_eq!(ip_of("event4_honeypot_ddos_target").as_deref(), Some("dst_ip"));
    assert_eq!(ip_of("event4_sinkhole_http_referer").as_deref(), Some("http_referer_ip"));
    assert_eq!(ip_of("compromised_account"), None);
    assert_eq!(ip_of("ransomware_victim"), None);
    assert_eq!(ip_of("sandbox_dns"), None);

    // Every type whose fields name an address column gets one.
    for entry in schema.iter() {
        let has_ip_column = entry.fields.iter().any(|f| f == "ip" || f == "src_ip" || f == "dst_ip");
        assert_eq!(entry.address_columns().is_some(), has_ip_column || entry.has_field("http_referer_ip"), "{}", entry.report_type);
    }
}

#[test]
fn sinkhole_victim_is_src_ip() {
    let schema = common::schema();
    let entry = schema.get("event4_sinkhole").expect("event4_sinkhole");
    let options = GenOptions { rows: 20, ip_pool: Some(vec!["198.51.100.0/24".parse().expect("net")]), ..GenOptions::default() };
    let mut bytes = Vec::new();
    generate_shadowserver_csv(entry, &options, &mut bytes).expect("generate");
    let parsed = parse(entry, &bytes);
    assert_eq!(parsed.records.len(), 20);
    let pool: ipnet::IpNet = "198.51.100.0/24".parse().expect("net");
    for record in &parsed.records {
        let ip = record.ip.expect("src_ip");
        assert!(pool.contains(&ip), "{ip}");
        // The sinkhole side stays available.
        assert!(record.extra.get("dst_ip").is_some() || record.extra.get("dst_port").is_some());
    }
}

fn severity_md_path() -> PathBuf {
    match std::env::var_os("FYR_SHADOWSERVER_SEVERITY") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => common::schema_path().with_file_name("severity.md"),
    }
}

#[test]
fn published_severity_table_parses_and_names_known_types() {
    let path = severity_md_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e} (severity.md is read from FYR_SHADOWSERVER_SEVERITY or beside {})", path.display(), common::SCHEMA_ENV)
    });
    let table = parse_severity_table(&text).expect("severity table");
    assert_eq!(table.len(), 140);
    let count = |s: Severity| table.values().filter(|v| **v == s).count();
    assert_eq!([Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info].map(count), [26, 51, 36, 15, 12]);
    let schema = common::schema();
    for report_type in table.keys() {
        assert!(schema.get(report_type).is_some(), "{report_type}");
    }
    assert_eq!(table.get("scan_http"), Some(&Severity::Info));
    assert_eq!(table.get("event4_sinkhole"), Some(&Severity::Critical));

    // Defaults fill rows without a severity.
    let entry = schema.get("scan_http").expect("scan_http");
    let csv = "timestamp,ip,severity\n2026-01-15 10:00:00,192.0.2.1,\n2026-01-15 10:00:00,192.0.2.2,high\n";
    let parsed = parse(entry, csv.as_bytes());
    let effective: Vec<_> = parsed.records.iter().map(|r| (r.severity, r.severity_or(&table))).collect();
    assert_eq!(effective, [(None, Some(Severity::Info)), (Some(Severity::High), Some(Severity::High))]);
}

#[test]
fn file_name_selects_the_schema_entry() {
    let schema = common::schema();
    let name = report_type_from_filename("2026-01-15-event4_sinkhole_http-se-country.csv").expect("file name");
    let entry = schema.get(&name.report_type).expect("known type");
    assert_eq!(&*entry.report_type, "event4_sinkhole_http");
    assert_eq!(name.rest, "se-country");
}

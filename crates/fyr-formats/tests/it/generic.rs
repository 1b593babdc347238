//! Generic CSV and JSON lines with a column mapping.

use std::io::BufReader;

use fyr_formats::exposure::{
    ColumnMapping, ExposureRecord, FileError, GenericCsvReader, JsonLinesReader, ReaderOptions, RowError, RowErrorKind, Severity,
    TimestampFormat,
};
use time::macros::datetime;

fn honeypot_mapping() -> ColumnMapping {
    ColumnMapping {
        report_type: "honeypot-x".to_owned(),
        kind: Some("category".to_owned()),
        timestamp: Some("time".to_owned()),
        timestamp_format: TimestampFormat::UnixSeconds,
        ip: Some("src".to_owned()),
        port: Some("dport".to_owned()),
        asn: Some("as".to_owned()),
        hostname: Some("rdns".to_owned()),
        url: Some("uri".to_owned()),
        severity: Some("level".to_owned()),
        geo: Some("cc".to_owned()),
        protocol: Some("proto".to_owned()),
        ..ColumnMapping::default()
    }
}

fn split(items: impl Iterator<Item = Result<ExposureRecord, RowError>>) -> (Vec<ExposureRecord>, Vec<RowError>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for item in items {
        match item {
            Ok(r) => ok.push(r),
            Err(e) => bad.push(e),
        }
    }
    (ok, bad)
}

#[test]
fn mapping_deserialises_from_configuration() {
    let json = r#"{
        "report_type": "honeypot-x", "kind": "category", "timestamp": "time",
        "timestamp_format": "unix_seconds", "ip": "src", "port": "dport", "asn": "as",
        "hostname": "rdns", "url": "uri", "severity": "level", "geo": "cc", "protocol": "proto"
    }"#;
    let mapping: ColumnMapping = serde_json::from_str(json).expect("mapping");
    assert_eq!(mapping, honeypot_mapping());
    let custom: ColumnMapping = serde_json::from_str(
        r#"{"report_type": "x", "ip": "a", "timestamp": "t",
            "timestamp_format": {"custom": "[day].[month].[year]"}}"#,
    )
    .expect("custom");
    assert_eq!(custom.timestamp_format, TimestampFormat::Custom("[day].[month].[year]".to_owned()));
    assert!(serde_json::from_str::<ColumnMapping>(r#"{"report_type": "x", "ipp": "a"}"#).is_err());
}

#[test]
fn generic_csv() {
    let text = "\
time,src,dport,as,rdns,uri,level,cc,proto,category,payload
1768435200,192.0.2.1,23,AS3301,h.example.se,,HIGH,se,tcp,telnet-brute,root:root
1768435201,192.0.2.2,22,,,,,,,,
1768435202,192.0.2.300,22,,,,,,,,
1768435203,192.0.2.4,22,,,http://x.example/a,,,,ssh-brute,
";
    let mut reader = GenericCsvReader::new(&honeypot_mapping(), text.as_bytes(), &ReaderOptions::default()).expect("header");
    let (ok, bad) = split(&mut reader);
    assert_eq!(ok.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 5]);
    assert_eq!(bad.iter().map(|e| (e.line, e.kind)).collect::<Vec<_>>(), [(4, RowErrorKind::InvalidIp)]);
    let first = ok.first().expect("first");
    assert_eq!(first.observed_at, datetime!(2026-01-15 00:00:00 UTC));
    assert_eq!(&*first.report_type, "telnet-brute");
    assert_eq!(first.ip, "192.0.2.1".parse().ok());
    assert_eq!(first.port, Some(23));
    assert_eq!(first.asn, 3301);
    assert_eq!(first.hostname.as_deref(), Some("h.example.se"));
    assert_eq!(first.severity, Some(Severity::High));
    assert_eq!(first.geo.map(|g| g.to_string()).as_deref(), Some("SE"));
    assert_eq!(first.extra.get("payload"), Some("root:root"));
    assert_eq!(first.extra.len(), 1);
    let second = ok.get(1).expect("second");
    assert_eq!(&*second.report_type, "honeypot-x", "empty kind falls back");
    assert_eq!(ok.get(2).and_then(|r| r.url.as_deref()), Some("http://x.example/a"));
    assert_eq!(reader.stats().rows_ok, 3);
    assert_eq!(reader.stats().rows_bad, 1);
}

#[test]
fn generic_csv_with_other_delimiter_and_custom_time() {
    let mapping = ColumnMapping {
        report_type: "tsv-feed".to_owned(),
        timestamp: Some("seen".to_owned()),
        timestamp_format: TimestampFormat::Custom("[day].[month].[year] [hour]:[minute]".to_owned()),
        ip: Some("addr".to_owned()),
        ..ColumnMapping::default()
    };
    let options = ReaderOptions { delimiter: b'\t', ..ReaderOptions::default() };
    let text = "seen\taddr\n15.01.2026 10:30\t2001:db8::1\n2026-01-15\t2001:db8::2\n";
    let (ok, bad) = split(GenericCsvReader::new(&mapping, text.as_bytes(), &options).expect("header"));
    assert_eq!(ok.len(), 1);
    assert_eq!(ok.first().map(|r| r.observed_at), Some(datetime!(2026-01-15 10:30 UTC)));
    assert_eq!(bad.first().map(|e| (e.line, e.kind)), Some((3, RowErrorKind::InvalidTimestamp)));
}

#[test]
fn mapping_errors_are_file_level() {
    let options = ReaderOptions::default();
    let check = |mapping: ColumnMapping, needle: &str| match GenericCsvReader::new(&mapping, "a\n".as_bytes(), &options) {
        Err(FileError::Mapping(m)) => assert!(m.contains(needle), "{m}"),
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("accepted mapping needing {needle}"),
    };
    check(
        ColumnMapping {
            report_type: " ".to_owned(),
            ip: Some("a".to_owned()),
            timestamp: Some("t".to_owned()),
            ..ColumnMapping::default()
        },
        "report_type",
    );
    check(
        ColumnMapping {
            report_type: "x".to_owned(),
            ip: Some("a".to_owned()),
            port: Some("a".to_owned()),
            timestamp: Some("t".to_owned()),
            ..ColumnMapping::default()
        },
        "mapped twice",
    );
    check(ColumnMapping { report_type: "x".to_owned(), ip: Some("a".to_owned()), ..ColumnMapping::default() }, "fallback_observed_at");
    check(
        ColumnMapping {
            report_type: "x".to_owned(),
            ip: Some("a".to_owned()),
            timestamp: Some("t".to_owned()),
            timestamp_format: TimestampFormat::Custom("[bogus".to_owned()),
            ..ColumnMapping::default()
        },
        "timestamp format",
    );
    // A header without any mapped column.
    assert!(matches!(GenericCsvReader::new(&honeypot_mapping(), "x,y\n1,2\n".as_bytes(), &options), Err(FileError::NoKnownColumns { .. })));
}

#[test]
fn json_lines() {
    let text = "\u{feff}{\"time\": 1768435200, \"src\": \"192.0.2.1\", \"dport\": 23, \"as\": 3301, \"category\": \"telnet\", \"meta\": {\"a\": [1, 2]}, \"note\": null, \"ok\": true}\n\
\n\
{\"time\": 1768435201.5, \"src\": \"2001:db8::1\", \"dport\": \"8080\"}\r\n\
not json\n\
[1, 2, 3]\n\
{\"time\": 1768435202, \"src\": \"192.0.2.3\", \"dport\": 99999}\n\
{\"time\": 1768435203, \"src\": \"192.0.2.4\", \"dport\": 80.5}\n\
{\"src\": \"192.0.2.5\"}\n\
{\"time\": 1768435204, \"src\": \"192.0.2.6\", \"new_key\": \"v\"}";
    let mut reader = JsonLinesReader::new(&honeypot_mapping(), BufReader::new(text.as_bytes()), &ReaderOptions::default()).expect("stream");
    let (ok, bad) = split(&mut reader);
    assert_eq!(ok.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 3, 9]);
    assert_eq!(
        bad.iter().map(|e| (e.line, e.kind)).collect::<Vec<_>>(),
        [
            (4, RowErrorKind::InvalidJson),
            (5, RowErrorKind::InvalidJson),
            (6, RowErrorKind::InvalidPort),
            (7, RowErrorKind::InvalidPort),
            (8, RowErrorKind::MissingTimestamp),
        ]
    );
    let first = ok.first().expect("first");
    assert_eq!(first.port, Some(23));
    assert_eq!(first.asn, 3301);
    assert_eq!(&*first.report_type, "telnet");
    assert_eq!(first.extra.to_vec(), [("meta", "{\"a\":[1,2]}"), ("ok", "true")].map(|(k, v)| (k.to_owned(), v.to_owned())));
    let second = ok.get(1).expect("second");
    assert_eq!(second.observed_at, datetime!(2026-01-15 00:00:01.5 UTC));
    assert_eq!(second.port, Some(8080));
    assert_eq!(ok.get(2).and_then(|r| r.extra.get("new_key")), Some("v"));
    assert_eq!(reader.stats().rows_ok, 3);
    assert_eq!(reader.stats().rows_bad, 5);
}

#[test]
fn json_lines_long_lines_are_skipped_and_reading_goes_on() {
    let long = format!("{{\"time\": 1, \"src\": \"192.0.2.1\", \"pad\": \"{}\"}}", "x".repeat(5000));
    let text = format!("{{\"time\": 1, \"src\": \"192.0.2.1\"}}\n{long}\n{{\"time\": 2, \"src\": \"192.0.2.2\"}}\n");
    let options = ReaderOptions { max_record_bytes: 1000, ..ReaderOptions::default() };
    // A tiny buffer, so the line arrives in many pieces.
    let input = BufReader::with_capacity(16, text.as_bytes());
    let (ok, bad) = split(JsonLinesReader::new(&honeypot_mapping(), input, &options).expect("stream"));
    assert_eq!(ok.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 3]);
    assert_eq!(bad.iter().map(|e| (e.line, e.kind)).collect::<Vec<_>>(), [(2, RowErrorKind::LineTooLong)]);
}

#[test]
fn json_lines_file_level_errors() {
    let options = ReaderOptions::default();
    let open = |bytes: &'static [u8]| JsonLinesReader::new(&honeypot_mapping(), bytes, &options).err();
    assert!(matches!(open(b""), Some(FileError::Empty)));
    assert!(matches!(open(b"\n  \n"), Some(FileError::Empty)));
    assert!(matches!(open(b"\x00\x01\xff{"), Some(FileError::NotText)));
    assert!(matches!(open(b"time,src\n1,2\n"), Some(FileError::NotJsonLines)));
}

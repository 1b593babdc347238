//! Bad rows are reported with their line and skipped; bad files are a clear
//! file-level error.

use std::io::{self, Read};

use fyr_formats::exposure::{FileError, ReaderOptions, RowErrorKind, ShadowserverReader};
use time::macros::datetime;

use crate::common::{SCAN_HEADER, parse, parse_with, scan_entry};

fn file(rows: &[&str]) -> String {
    let mut s = String::from(SCAN_HEADER);
    s.push('\n');
    for row in rows {
        s.push_str(row);
        s.push('\n');
    }
    s
}

const GOOD: &str =
    "2026-01-15 00:00:01,high,192.0.2.1,tcp,443,www.example.se,http,3301,SE,STOCKHOLM,STOCKHOLM,517311,Communications,200,nginx";

#[test]
fn each_bad_row_is_reported_at_its_line_and_good_rows_survive() {
    let text = file(&[
        GOOD,                                                               // line 2
        "2026-01-15 00:00:02,high,192.0.2.300,tcp,443,,,3301,SE,,,,,,",     // 3: ip
        GOOD,                                                               // 4
        "2026-01-15 00:00:04,high,192.0.2.4,tcp,443",                       // 5: count
        "2026-01-15 25:00:05,high,192.0.2.5,tcp,443,,,3301,SE,,,,,,",       // 6: time
        "2026-01-15 00:00:06,high,192.0.2.6,tcp,65536,,,3301,SE,,,,,,",     // 7: port
        "2026-01-15 00:00:07,high,192.0.2.7,tcp,443,,,AS33O1,SE,,,,,,",     // 8: asn
        "2026-01-15 00:00:08,high,2001:db8::8,udp,53,,,,,,,,,,",            // 9: ok, v6
        "2026-01-15 00:00:09,high,192.0.2.9,tcp,443,,,3301,SE,,,,,,,extra", // 10: count
        ",high,192.0.2.10,tcp,443,,,3301,SE,,,,,,",                         // 11: no time
        "2026-01-15 00:00:11,high,,tcp,443,,,3301,SE,,,,,,",                // 12: ok, no ip
        "2026-01-15 00:00:12,high,not-an-ip,tcp,443,,,3301,SE,,,,,,",       // 13: ip
        "2026-01-15 00:00:13,high,192.0.2.13,tcp,-1,,,3301,SE,,,,,,",       // 14: port
    ]);
    let parsed = parse(&scan_entry(), text.as_bytes());
    assert_eq!(
        parsed.error_lines(),
        [
            (3, RowErrorKind::InvalidIp),
            (5, RowErrorKind::FieldCount),
            (6, RowErrorKind::InvalidTimestamp),
            (7, RowErrorKind::InvalidPort),
            (8, RowErrorKind::InvalidAsn),
            (10, RowErrorKind::FieldCount),
            (11, RowErrorKind::MissingTimestamp),
            (13, RowErrorKind::InvalidIp),
            (14, RowErrorKind::InvalidPort),
        ]
    );
    assert_eq!(parsed.record_lines(), [2, 4, 9, 12]);
    assert_eq!(parsed.stats.rows_ok, 4);
    assert_eq!(parsed.stats.rows_bad, 9);
    assert_eq!(parsed.stats.errors.len(), 9);
    assert_eq!(parsed.stats.aborted, None);
    // Messages name the column and the value.
    let first = parsed.errors.first().expect("error");
    assert!(first.message.contains("ip") && first.message.contains("192.0.2.300"), "{}", first.message);
    assert_eq!(first.to_string(), format!("line 3: invalid_ip: {}", first.message));
    assert!(parsed.errors.get(1).expect("count").message.contains("5 fields where the header has 15"));

    let good = parsed.records.first().expect("record");
    assert_eq!(good.observed_at, datetime!(2026-01-15 00:00:01 UTC));
    assert_eq!(good.ip, "192.0.2.1".parse().ok());
    assert_eq!(good.port, Some(443));
    assert_eq!(good.asn, 3301);
    assert_eq!(good.geo.map(|g| g.to_string()).as_deref(), Some("SE"));
    assert_eq!(good.hostname.as_deref(), Some("www.example.se"));
    assert_eq!(good.tag.as_deref(), Some("http"));
    assert_eq!(good.protocol.as_ref().map(|p| p.as_str()), Some("tcp"));
    assert_eq!(
        good.extra.to_vec(),
        [
            ("region", "STOCKHOLM"),
            ("city", "STOCKHOLM"),
            ("naics", "517311"),
            ("sector", "Communications"),
            ("http_code", "200"),
            ("banner", "nginx"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    let v6 = parsed.records.get(2).expect("v6");
    assert_eq!(v6.ip, "2001:db8::8".parse().ok());
    assert_eq!(v6.asn, 0);
    assert!(v6.extra.is_empty());
    assert_eq!(parsed.records.get(3).expect("no ip").ip, None);
}

#[test]
fn descriptive_values_that_do_not_fit_are_kept_in_extra() {
    let text = file(&["2026-01-15 00:00:01,urgent,192.0.2.1,tcp,443,,,3301,Sweden,,,,,,"]);
    let parsed = parse(&scan_entry(), text.as_bytes());
    let r = parsed.records.first().expect("record");
    assert_eq!(r.severity, None);
    assert_eq!(r.geo, None);
    assert_eq!(r.extra.to_vec(), [("severity", "urgent"), ("geo", "Sweden")].map(|(k, v)| (k.to_owned(), v.to_owned())));
}

#[test]
fn missing_timestamp_uses_the_fallback_when_given() {
    let text = "ip,port\n192.0.2.1,80\n";
    let options = ReaderOptions { fallback_observed_at: Some(datetime!(2026-01-15 00:00 UTC)), ..ReaderOptions::default() };
    let parsed = parse_with(&scan_entry(), text.as_bytes(), &options).expect("file");
    assert_eq!(parsed.records.len(), 1);
    assert_eq!(parsed.records.first().map(|r| r.observed_at), Some(datetime!(2026-01-15 00:00 UTC)));
    let parsed = parse(&scan_entry(), text.as_bytes());
    assert_eq!(parsed.error_lines(), [(2, RowErrorKind::MissingTimestamp)]);
}

#[test]
fn kept_errors_are_capped_and_the_rest_counted() {
    let rows: Vec<String> = (0..10).map(|i| format!("2026-01-15 00:00:01,high,bad{i},tcp,443,,,,,,,,,,")).collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let text = file(&refs);
    let options = ReaderOptions { max_errors_kept: 3, ..ReaderOptions::default() };
    let parsed = parse_with(&scan_entry(), text.as_bytes(), &options).expect("file");
    assert_eq!(parsed.errors.len(), 10, "all are yielded");
    assert_eq!(parsed.stats.rows_bad, 10);
    assert_eq!(parsed.stats.errors.len(), 3);
    assert_eq!(parsed.stats.errors_not_kept, 7);
    assert_eq!(parsed.stats.errors.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3, 4]);
}

#[test]
fn file_level_errors() {
    let entry = scan_entry();
    let err = |bytes: &[u8]| ShadowserverReader::new(&entry, bytes).err();
    assert!(matches!(err(b""), Some(FileError::Empty)));
    assert!(matches!(err(b"\n\n\r\n"), Some(FileError::Empty)));
    assert!(matches!(err(b"\xef\xbb\xbf"), Some(FileError::Empty)));
    assert!(matches!(err(b",,,\n"), Some(FileError::Empty)));
    // The first line is data, not a header.
    let e = err(b"2026-01-15 00:00:01,high,192.0.2.1,tcp,443\n");
    match e {
        Some(FileError::NoKnownColumns { expected, found }) => {
            assert_eq!(expected, "report type scan_mini");
            assert_eq!(found.first().map(String::as_str), Some("2026-01-15 00:00:01"));
        }
        other => panic!("{other:?}"),
    }
    let message = err(b"a,b,c\n1,2,3\n").map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("no header row") && message.contains("scan_mini"), "{message}");
    // Binary garbage.
    assert!(matches!(err(b"\x00\x01\x02\xff\xfe,\x00\n\x01"), Some(FileError::NotText)));
    assert!(matches!(err(b"PK\x03\x04\x14\x00\x08\x00\x08\x00\xb3\x8f"), Some(FileError::NotText)));
    assert!(matches!(err(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"), Some(FileError::NotText)));
    assert!(matches!(
        err(b"timestamp,ip,ip\n"),
        Some(FileError::DuplicateColumn(c)) if c == "ip"
    ));
    // A header longer than the record limit.
    let long = format!("timestamp,{}\n", "x".repeat(300_000));
    let options = ReaderOptions { max_record_bytes: 1000, ..ReaderOptions::default() };
    assert!(matches!(ShadowserverReader::with_options(&entry, long.as_bytes(), &options).err(), Some(FileError::HeaderTooLarge(1000))));
}

#[test]
fn an_oversized_record_is_skipped_and_reading_goes_on() {
    let huge = format!("2026-01-15 00:00:02,high,192.0.2.2,tcp,443,,,,,,,,,,\"{}\"", "y\n".repeat(200_000));
    let text = file(&[GOOD, &huge, GOOD]);
    let options = ReaderOptions { max_record_bytes: 10_000, ..ReaderOptions::default() };
    let parsed = parse_with(&scan_entry(), text.as_bytes(), &options).expect("file");
    // The skipped record spans lines 3 to 200003.
    assert_eq!(parsed.record_lines(), [2, 200_004]);
    assert_eq!(parsed.error_lines(), [(3, RowErrorKind::RecordTooLarge)]);
    assert!(!parsed.errors.iter().any(|e| e.is_fatal()));
    assert_eq!(parsed.stats.aborted, None);

    // An unclosed quote runs to the end of the input, in bounded memory.
    let text = format!("{}\n{GOOD}\n2026-01-15,\"{}", SCAN_HEADER, "z".repeat(100_000));
    let parsed = parse_with(&scan_entry(), text.as_bytes(), &options).expect("file");
    assert_eq!(parsed.record_lines(), [2]);
    assert_eq!(parsed.error_lines(), [(3, RowErrorKind::RecordTooLarge)]);
}

/// Yields `data`, then fails.
struct FailsAfter<'a> {
    data: &'a [u8],
}

impl Read for FailsAfter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.data.is_empty() {
            return Err(io::Error::new(io::ErrorKind::ConnectionReset, "peer went away"));
        }
        let n = self.data.read(buf)?;
        Ok(n)
    }
}

#[test]
fn a_read_error_mid_file_is_fatal_and_reported() {
    let text = file(&[GOOD, GOOD]);
    let mut reader = ShadowserverReader::new(&scan_entry(), FailsAfter { data: text.as_bytes() }).expect("header");
    let items: Vec<_> = (&mut reader).collect();
    assert_eq!(items.len(), 3);
    assert!(items.iter().take(2).all(Result::is_ok));
    let last = items.last().and_then(|r| r.as_ref().err()).expect("error");
    assert_eq!(last.kind, RowErrorKind::Io);
    assert!(last.message.contains("peer went away"), "{}", last.message);
    assert!(reader.next().is_none(), "fused after a fatal error");
    assert!(reader.stats().aborted.is_some());
}

#[test]
fn non_utf8_cells_are_kept_lossily() {
    let mut bytes = file(&[]).into_bytes();
    bytes.extend_from_slice(b"2026-01-15 00:00:01,high,192.0.2.1,tcp,443,,,,,,,,,,caf\xe9\n");
    let parsed = parse(&scan_entry(), &bytes);
    assert!(parsed.errors.is_empty());
    assert_eq!(parsed.records.first().and_then(|r| r.extra.get("banner")), Some("caf\u{fffd}"));
}

//! CSV layout variations: column order, unknown and missing columns,
//! quoting, line endings, BOM, truncation.

use fyr_formats::exposure::{RowErrorKind, ShadowserverReader};

use crate::common::{SCAN_HEADER, parse, scan_entry};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

#[test]
fn unknown_columns_are_kept_and_order_does_not_matter() {
    let text = "\
mystery,port,ip,timestamp,vendor_note
42,8080,192.0.2.1,2026-01-15 00:00:01,hello
,22,192.0.2.2,2026-01-15 00:00:02,
";
    let parsed = parse(&scan_entry(), text.as_bytes());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let first = parsed.records.first().expect("first");
    assert_eq!(first.ip, "192.0.2.1".parse().ok());
    assert_eq!(first.port, Some(8080));
    assert_eq!(first.extra.to_vec(), pairs(&[("mystery", "42"), ("vendor_note", "hello")]));
    assert!(parsed.records.get(1).expect("second").extra.is_empty());
}

#[test]
fn missing_schema_columns_are_fine_and_listed() {
    let text = "timestamp,ip\n2026-01-15 00:00:01,192.0.2.1\n";
    let mut reader = ShadowserverReader::new(&scan_entry(), text.as_bytes()).expect("header");
    assert!(reader.missing_columns().iter().any(|c| c == "port"));
    assert!(!reader.missing_columns().iter().any(|c| c == "ip"));
    assert_eq!(reader.header().iter().map(|h| &**h).collect::<Vec<_>>(), ["timestamp", "ip"]);
    let record = reader.next().expect("row").expect("ok");
    assert_eq!(record.port, None);
    assert_eq!(record.asn, 0);
    assert_eq!(record.hostname, None);
    assert!(reader.next().is_none());
    assert_eq!(reader.stats().rows_ok, 1);
}

#[test]
fn quoted_fields_with_commas_quotes_and_newlines() {
    let text = format!(
        "{SCAN_HEADER}\n\
2026-01-15 00:00:01,high,192.0.2.1,tcp,22,\"host,with,commas\",ssh,3301,SE,,,,,,\"SSH-2.0, \"\"quoted\"\"\nsecond line\n\"\n\
2026-01-15 00:00:02,high,192.0.2.2,tcp,22,,,,,,,,,,plain\n\
2026-01-15 00:00:03,high,bad,tcp,22,,,,,,,,,,plain\n"
    );
    let parsed = parse(&scan_entry(), text.as_bytes());
    let first = parsed.records.first().expect("first");
    assert_eq!(first.hostname.as_deref(), Some("host,with,commas"));
    assert_eq!(first.extra.get("banner"), Some("SSH-2.0, \"quoted\"\nsecond line\n"));
    // The quoted newlines push the following rows down.
    assert_eq!(parsed.record_lines(), [2, 5]);
    assert_eq!(parsed.error_lines(), [(6, RowErrorKind::InvalidIp)]);
}

#[test]
fn crlf_line_endings_give_the_same_records_and_lines() {
    let lf = format!(
        "{SCAN_HEADER}\n\
2026-01-15 00:00:01,high,192.0.2.1,tcp,22,h1,,,,,,,,,\"a\nb\"\n\
2026-01-15 00:00:02,high,bad,tcp,22,,,,,,,,,,\n\
2026-01-15 00:00:03,high,192.0.2.3,tcp,22,,,,,,,,,,x\n"
    );
    // Every line break becomes CRLF, the quoted one too: quoted line breaks
    // are kept as written, the rest must match.
    let crlf = lf.replace('\n', "\r\n");
    let from_lf = parse(&scan_entry(), lf.as_bytes());
    let from_crlf = parse(&scan_entry(), crlf.as_bytes());
    assert_eq!(from_lf.record_lines(), [2, 5]);
    assert_eq!(from_crlf.record_lines(), from_lf.record_lines());
    assert_eq!(from_crlf.error_lines(), [(4, RowErrorKind::InvalidIp)]);
    assert_eq!(from_crlf.error_lines(), from_lf.error_lines());
    let last_lf = from_lf.records.last().expect("lf");
    let last_crlf = from_crlf.records.last().expect("crlf");
    assert_eq!(last_crlf, last_lf);
    assert_eq!(from_crlf.records.first().and_then(|r| r.extra.get("banner")), Some("a\r\nb"));
}

#[test]
fn utf8_bom_before_the_header_is_ignored() {
    let text = "\u{feff}timestamp,ip\n2026-01-15 00:00:01,192.0.2.1\n";
    let mut reader = ShadowserverReader::new(&scan_entry(), text.as_bytes()).expect("header");
    assert_eq!(reader.header().first().map(|h| &**h), Some("timestamp"));
    let record = reader.next().expect("row").expect("ok");
    assert_eq!(record.line, 2);
    assert!(record.extra.is_empty());
}

#[test]
fn truncated_last_line() {
    // Cut mid-row: too few fields.
    let text = "timestamp,ip,port\n2026-01-15 00:00:01,192.0.2.1,80\n2026-01-15 00:00:02,192.0";
    let parsed = parse(&scan_entry(), text.as_bytes());
    assert_eq!(parsed.record_lines(), [2]);
    assert_eq!(parsed.error_lines(), [(3, RowErrorKind::FieldCount)]);

    // Cut inside a value of the last column: the value is wrong, not the shape.
    let text = "timestamp,ip,port\n2026-01-15 00:00:01,192.0.2.1,80\n2026-01-15 00:00:02,192.0.2.2,8";
    let parsed = parse(&scan_entry(), text.as_bytes());
    assert_eq!(parsed.record_lines(), [2, 3]);
    assert_eq!(parsed.records.last().and_then(|r| r.port), Some(8));

    // Cut inside a quoted field: the rest of the file is one field.
    let text = "timestamp,ip,banner\n2026-01-15 00:00:01,192.0.2.1,ok\n2026-01-15 00:00:02,192.0.2.2,\"never closed\n2026-01-15 00:00:03,192.0.2.3,x\n";
    let parsed = parse(&scan_entry(), text.as_bytes());
    assert_eq!(parsed.record_lines(), [2, 3]);
    assert_eq!(parsed.records.last().and_then(|r| r.extra.get("banner")), Some("never closed\n2026-01-15 00:00:03,192.0.2.3,x\n"));
}

#[test]
fn blank_lines_are_skipped_without_shifting_line_numbers() {
    let text = "timestamp,ip\n\n2026-01-15 00:00:01,192.0.2.1\n\n\n2026-01-15 00:00:02,bad\n";
    let parsed = parse(&scan_entry(), text.as_bytes());
    assert_eq!(parsed.record_lines(), [3]);
    assert_eq!(parsed.error_lines(), [(6, RowErrorKind::InvalidIp)]);
}

#[test]
fn ipv4_mapped_ipv6_is_read_as_ipv4() {
    let text = "timestamp,ip\n2026-01-15 00:00:01,::ffff:192.0.2.1\n";
    let parsed = parse(&scan_entry(), text.as_bytes());
    assert_eq!(parsed.records.first().and_then(|r| r.ip), "192.0.2.1".parse().ok());
}

//! Property tests: no input makes a reader panic or loop, and the counts
//! always add up.

use std::io::BufReader;

use fyr_formats::exposure::{ColumnMapping, GenericCsvReader, JsonLinesReader, ReaderOptions, ShadowserverReader, TimestampFormat};
use proptest::prelude::*;

use crate::common::{SCAN_HEADER, scan_entry};

fn small_limits() -> ReaderOptions {
    ReaderOptions { max_record_bytes: 512, max_errors_kept: 4, ..ReaderOptions::default() }
}

/// Reads everything; checks that the iterator ends and the stats agree.
fn drain_shadowserver(bytes: &[u8]) {
    let Ok(mut reader) = ShadowserverReader::with_options(&scan_entry(), bytes, &small_limits()) else {
        return;
    };
    let mut ok = 0u64;
    let mut bad = 0u64;
    // Every item consumes at least one byte, so this bound is never hit.
    for item in (&mut reader).take(bytes.len() + 1) {
        match item {
            Ok(_) => ok += 1,
            Err(_) => bad += 1,
        }
    }
    assert!(reader.next().is_none());
    let stats = reader.into_stats();
    assert_eq!((stats.rows_ok, stats.rows_bad), (ok, bad));
    assert!(stats.errors.len() <= 4);
    assert_eq!(stats.errors.len() as u64 + stats.errors_not_kept, bad);
}

fn mapping() -> ColumnMapping {
    ColumnMapping {
        report_type: "any".to_owned(),
        kind: Some("k".to_owned()),
        timestamp: Some("timestamp".to_owned()),
        timestamp_format: TimestampFormat::Auto,
        ip: Some("ip".to_owned()),
        port: Some("port".to_owned()),
        asn: Some("asn".to_owned()),
        geo: Some("geo".to_owned()),
        severity: Some("severity".to_owned()),
        ..ColumnMapping::default()
    }
}

fn drain_generic(bytes: &[u8]) {
    if let Ok(reader) = GenericCsvReader::new(&mapping(), bytes, &small_limits()) {
        assert!(reader.take(bytes.len() + 1).count() <= bytes.len());
    }
    if let Ok(reader) = JsonLinesReader::new(&mapping(), BufReader::with_capacity(7, bytes), &small_limits()) {
        assert!(reader.take(bytes.len() + 1).count() <= bytes.len());
    }
}

/// Bytes that look a lot like CSV: cells from a small vocabulary, quotes,
/// delimiters and line breaks.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b",".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"2026-01-15 00:00:01".to_vec()),
        Just(b"192.0.2.1".to_vec()),
        Just(b"2001:db8::1".to_vec()),
        Just(b"443".to_vec()),
        Just(b"AS3301".to_vec()),
        Just(b"high".to_vec()),
        Just(b"SE".to_vec()),
        Just(b"\xef\xbb\xbf".to_vec()),
        Just(b"\xff".to_vec()),
        Just(b"{\"ip\": \"192.0.2.1\", \"port\": 1}".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(token, 0..80).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        drain_shadowserver(&bytes);
        drain_generic(&bytes);
    }

    #[test]
    fn random_rows_after_a_valid_header_never_panic(body in csvish()) {
        let mut bytes = format!("{SCAN_HEADER}\n").into_bytes();
        bytes.extend_from_slice(&body);
        drain_shadowserver(&bytes);
        let mut short = b"timestamp,ip,port,asn,geo,severity,k\n".to_vec();
        short.extend_from_slice(&body);
        drain_generic(&short);
    }

    #[test]
    fn random_json_lines_never_panic(body in csvish()) {
        let mut bytes = b"{\"timestamp\": \"2026-01-15 00:00:01\"}\n".to_vec();
        bytes.extend_from_slice(&body);
        drain_generic(&bytes);
    }
}

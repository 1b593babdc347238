//! The reader splits most lines itself and hands the rest to `csv_core`;
//! whatever the path, rows must come out as the `csv` crate reads them, on
//! the lines where they start, however the input is chunked.

use std::io::{self, Read};

use fyr_formats::exposure::{
    ColumnMapping, ExposureRecord, GenOptions, GenericCsvReader, ReaderOptions, RowError, RowErrorKind, ShadowserverReader,
    generate_shadowserver_csv,
};
use proptest::prelude::*;
use time::macros::datetime;

use crate::common::scan_entry;

/// Cells of a 3-column file as our reader sees them: `a` via the `tag`
/// field, `b` and `c` via `extra`. `Err` for rows with the wrong width.
fn ours(input: &[u8]) -> Vec<(u64, Result<Vec<String>, RowErrorKind>)> {
    let mapping = ColumnMapping { report_type: "t".to_owned(), tag: Some("a".to_owned()), ..ColumnMapping::default() };
    let options = ReaderOptions { fallback_observed_at: Some(datetime!(2026-01-15 00:00 UTC)), ..ReaderOptions::default() };
    let mut bytes = b"a,b,c\n".to_vec();
    bytes.extend_from_slice(input);
    let reader = GenericCsvReader::new(&mapping, bytes.as_slice(), &options).expect("header");
    reader
        .map(|item: Result<ExposureRecord, RowError>| match item {
            Ok(r) => (
                r.line,
                Ok(vec![
                    r.tag.as_deref().unwrap_or("").to_owned(),
                    r.extra.get("b").unwrap_or("").to_owned(),
                    r.extra.get("c").unwrap_or("").to_owned(),
                ]),
            ),
            Err(e) => (e.line, Err(e.kind)),
        })
        .collect()
}

/// The same through `csv::Reader`; the line is computed from the byte
/// offset, skipping the line breaks `csv` skips before a record.
fn reference(input: &[u8]) -> Vec<(u64, Result<Vec<String>, RowErrorKind>)> {
    let mut bytes = b"a,b,c\n".to_vec();
    bytes.extend_from_slice(input);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes.as_slice());
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).expect("in-memory read") {
        let start = usize::try_from(record.position().map_or(0, |p| p.byte())).expect("offset");
        let mut first = start;
        while matches!(bytes.get(first), Some(b'\r' | b'\n')) {
            first += 1;
        }
        let line = 1 + bytes.get(..first).unwrap_or_default().iter().filter(|b| **b == b'\n').count() as u64;
        let cells = if record.len() == 3 {
            Ok(record.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect())
        } else {
            Err(RowErrorKind::FieldCount)
        };
        rows.push((line, cells));
    }
    rows
}

fn csv_body() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        4 => Just(b",".to_vec()),
        2 => Just(b"\"".to_vec()),
        3 => Just(b"\n".to_vec()),
        1 => Just(b"\r\n".to_vec()),
        1 => Just(b"\r".to_vec()),
        1 => Just(b"\"\"".to_vec()),
        4 => "[a-z0-9 ]{1,6}".prop_map(String::into_bytes),
        3 => "\"[a-z ,\n]{0,5}\"".prop_map(String::into_bytes),
        1 => Just("é".as_bytes().to_vec()),
        1 => Just(b"\xff".to_vec()),
    ];
    proptest::collection::vec(token, 0..120).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn rows_and_lines_match_the_csv_crate(body in csv_body()) {
        prop_assert_eq!(ours(&body), reference(&body));
    }
}

/// Hands out the data in chunks of awkward sizes.
struct Chunked<'a> {
    data: &'a [u8],
    sizes: &'a [usize],
    next: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = self.sizes.get(self.next % self.sizes.len()).copied().unwrap_or(1);
        self.next += 1;
        let n = size.min(buf.len()).min(self.data.len());
        let (head, tail) = self.data.split_at(n);
        buf.get_mut(..n).expect("room").copy_from_slice(head);
        self.data = tail;
        Ok(n)
    }
}

#[test]
fn chunking_does_not_change_the_result() {
    let entry = scan_entry();
    let mut bytes = Vec::new();
    // The generator quotes some banners (commas, quotes, newlines), so both
    // paths and records across buffer ends are exercised (~300 kB).
    generate_shadowserver_csv(&entry, &GenOptions { rows: 3000, seed: 11, bad_row_every: Some(97), ..GenOptions::default() }, &mut bytes)
        .expect("generate");
    assert!(bytes.len() > 200_000);
    let collect = |reader: ShadowserverReader<Chunked<'_>>| reader.map(|r| r.map_err(|e| (e.line, e.kind))).collect::<Vec<_>>();
    let whole = collect(ShadowserverReader::new(&entry, Chunked { data: &bytes, sizes: &[usize::MAX], next: 0 }).expect("header"));
    assert_eq!(whole.len(), 3000);
    assert_eq!(whole.iter().filter(|r| r.is_err()).count(), 30);
    for sizes in [&[1usize][..], &[7, 1, 4093], &[65_535, 65_537, 3]] {
        let chunked = collect(ShadowserverReader::new(&entry, Chunked { data: &bytes, sizes, next: 0 }).expect("header"));
        assert_eq!(chunked, whole, "chunks {sizes:?}");
    }
}

#[test]
fn differential_harness_sees_both_paths() {
    let body = b"x,y,z\r\n\r\n\"q\"\"\",\"2\n\",3\nshort\n";
    let cells = |v: [&str; 3]| Ok(v.map(str::to_owned).to_vec());
    let expected = vec![(2, cells(["x", "y", "z"])), (4, cells(["q\"", "2\n", "3"])), (6, Err(RowErrorKind::FieldCount))];
    assert_eq!(ours(body), expected);
    assert_eq!(reference(body), expected);
}

use std::path::PathBuf;

use fyr_formats::exposure::{
    ExposureRecord, FileError, ParseStats, ReaderOptions, ReportSchema, RowError, ShadowserverReader, ShadowserverSchema,
};

pub const SCHEMA_ENV: &str = "FYR_SHADOWSERVER_SCHEMA";

/// Path of Shadowserver's `reports.json`; fails the test when unset.
pub fn schema_path() -> PathBuf {
    match std::env::var_os(SCHEMA_ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!(
            "{SCHEMA_ENV} is not set: set it to the path of Shadowserver's reports.json, \
             e.g. {SCHEMA_ENV}=/work/shared/data/shadowserver/reports.json \
             (CI sets it; this test must not pass without the schema)"
        ),
    }
}

pub fn schema() -> ShadowserverSchema {
    let path = schema_path();
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{SCHEMA_ENV}={}: cannot open: {e}", path.display()));
    ShadowserverSchema::from_reader(file).unwrap_or_else(|e| panic!("{SCHEMA_ENV}={}: {e}", path.display()))
}

/// A small scan-style report type used by the hand-written tests.
pub fn scan_entry() -> ReportSchema {
    ReportSchema::new(
        "scan_mini",
        &[
            "timestamp",
            "severity",
            "ip",
            "protocol",
            "port",
            "hostname",
            "tag",
            "asn",
            "geo",
            "region",
            "city",
            "naics",
            "sector",
            "http_code",
            "banner",
        ],
    )
}

pub const SCAN_HEADER: &str = "timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,region,city,naics,sector,http_code,banner";

pub struct Parsed {
    pub records: Vec<ExposureRecord>,
    pub errors: Vec<RowError>,
    pub stats: ParseStats,
}

impl Parsed {
    /// `(line, kind)` of every error, in order.
    pub fn error_lines(&self) -> Vec<(u64, fyr_formats::exposure::RowErrorKind)> {
        self.errors.iter().map(|e| (e.line, e.kind)).collect()
    }

    pub fn record_lines(&self) -> Vec<u64> {
        self.records.iter().map(|r| r.line).collect()
    }
}

/// Reads a whole file, splitting records and errors.
pub fn parse_with(entry: &ReportSchema, bytes: &[u8], options: &ReaderOptions) -> Result<Parsed, FileError> {
    let mut reader = ShadowserverReader::with_options(entry, bytes, options)?;
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for item in &mut reader {
        match item {
            Ok(r) => records.push(r),
            Err(e) => errors.push(e),
        }
    }
    Ok(Parsed { records, errors, stats: reader.into_stats() })
}

pub fn parse(entry: &ReportSchema, bytes: &[u8]) -> Parsed {
    parse_with(entry, bytes, &ReaderOptions::default()).expect("file-level error")
}

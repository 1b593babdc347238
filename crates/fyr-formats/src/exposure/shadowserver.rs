//! Streaming reader for Shadowserver report CSV files.

use std::io::Read;
use std::sync::Arc;

use super::csv_rows::{self, CsvRows};
use super::error::{FileError, ParseStats, ReaderOptions, RowError};
use super::record::ExposureRecord;
use super::row::{Role, Shape};
use super::schema::ReportSchema;
use super::value::TimestampParser;

/// Reads a Shadowserver report CSV row by row into [`ExposureRecord`]s.
///
/// The header row is required and columns are matched by name, so column
/// order does not matter; columns the schema does not list are kept in
/// [`ExposureRecord::extra`], and listed columns the file lacks are simply
/// absent. Which columns fill the typed fields:
///
/// | field | column |
/// |---|---|
/// | `observed_at` | `timestamp` (UTC) |
/// | `ip`, `port`, `asn`, `geo`, `hostname` | `<p>ip`, `<p>port`, `<p>asn`, `<p>geo`, `<p>hostname` where `<p>` is the prefix of [`ReportSchema::address_columns`] (`""`, `src_`, `dst_`, `http_referer_`) |
/// | `severity`, `protocol`, `tag`, `http_host` | the columns of that name |
/// | `url` | `url`, else `http_url` |
///
/// Every other non-empty cell goes to `extra`, including the other side of
/// an event (`dst_ip`, `dst_port`, … in sinkhole events).
///
/// Bad rows are yielded as [`RowError`]s and reading goes on; see
/// [`super::RowErrorKind`]. The iterator also keeps [`ParseStats`].
pub struct ShadowserverReader<R> {
    rows: CsvRows<R>,
    missing: Vec<String>,
}

impl<R: Read> ShadowserverReader<R> {
    /// Reads the header row of `reader` as a file of report type `entry`,
    /// with default [`ReaderOptions`].
    pub fn new(entry: &ReportSchema, reader: R) -> Result<Self, FileError> {
        Self::with_options(entry, reader, &ReaderOptions::default())
    }

    /// Like [`ShadowserverReader::new`] with explicit options.
    pub fn with_options(entry: &ReportSchema, reader: R, options: &ReaderOptions) -> Result<Self, FileError> {
        let (csv, header) = csv_rows::open(reader, options)?;
        if !header.names.iter().any(|n| entry.has_field(n)) {
            return Err(csv_rows::no_known_columns(format!("report type {}", entry.report_type), &header.names));
        }
        let prefix = entry.address_columns().map(|a| a.prefix).unwrap_or_default();
        let has_url = header.names.iter().any(|n| &**n == "url");
        let roles = header.names.iter().map(|name| role_of(name, &prefix, has_url)).collect();
        let missing = entry.fields.iter().filter(|f| !header.names.iter().any(|n| &**n == f.as_str())).cloned().collect();
        let shape = Shape {
            report_type: Arc::clone(&entry.report_type),
            timestamp: TimestampParser::Auto,
            fallback_observed_at: options.fallback_observed_at,
        };
        Ok(ShadowserverReader { rows: CsvRows::new(csv, header.names, roles, shape, options), missing })
    }

    /// The file's column names, in file order.
    pub fn header(&self) -> &[Arc<str>] {
        self.rows.names()
    }

    /// Columns the schema lists that the file lacks (e.g. to warn when the
    /// address column itself is missing).
    pub fn missing_columns(&self) -> &[String] {
        &self.missing
    }

    /// Counts and kept errors so far.
    pub fn stats(&self) -> &ParseStats {
        self.rows.stats()
    }

    /// Final counts and kept errors.
    pub fn into_stats(self) -> ParseStats {
        self.rows.into_stats()
    }
}

fn role_of(name: &str, prefix: &str, has_url: bool) -> Role {
    match name {
        "timestamp" => return Role::Timestamp,
        "severity" => return Role::Severity,
        "protocol" => return Role::Protocol,
        "tag" => return Role::Tag,
        "url" => return Role::Url,
        "http_url" if !has_url => return Role::Url,
        "http_host" => return Role::HttpHost,
        _ => {}
    }
    match name.strip_prefix(prefix) {
        Some("ip") => Role::Ip,
        Some("port") => Role::Port,
        Some("asn") => Role::Asn,
        Some("geo") => Role::Geo,
        Some("hostname") => Role::Hostname,
        _ => Role::Extra,
    }
}

impl<R: Read> Iterator for ShadowserverReader<R> {
    type Item = Result<ExposureRecord, RowError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.rows.next()
    }
}

//! Row-level and file-level errors, reader options and per-file statistics.

use std::fmt;
use std::io;

use serde::Serialize;
use time::OffsetDateTime;

/// What was wrong with one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowErrorKind {
    /// The row has a different number of fields than the header.
    FieldCount,
    /// The address cell is not an IPv4 or IPv6 address.
    InvalidIp,
    /// The port cell is not an integer 0–65535.
    InvalidPort,
    /// The ASN cell is not an integer 0–4294967295 (an `AS` prefix is allowed).
    InvalidAsn,
    /// The timestamp cell is not a recognised date and time.
    InvalidTimestamp,
    /// The timestamp cell is empty or absent and no fallback time was given.
    MissingTimestamp,
    /// A JSON-lines line is not a JSON object.
    InvalidJson,
    /// A JSON-lines line is longer than the limit; it was skipped.
    LineTooLong,
    /// A CSV record is longer than the limit; it was read past and skipped.
    RecordTooLarge,
    /// The underlying reader failed. Fatal: reading stops.
    Io,
}

impl RowErrorKind {
    /// Whether reading stopped at this error.
    pub const fn is_fatal(self) -> bool {
        matches!(self, RowErrorKind::Io)
    }

    /// The snake_case name, as serialised.
    pub const fn as_str(self) -> &'static str {
        match self {
            RowErrorKind::FieldCount => "field_count",
            RowErrorKind::InvalidIp => "invalid_ip",
            RowErrorKind::InvalidPort => "invalid_port",
            RowErrorKind::InvalidAsn => "invalid_asn",
            RowErrorKind::InvalidTimestamp => "invalid_timestamp",
            RowErrorKind::MissingTimestamp => "missing_timestamp",
            RowErrorKind::InvalidJson => "invalid_json",
            RowErrorKind::LineTooLong => "line_too_long",
            RowErrorKind::RecordTooLarge => "record_too_large",
            RowErrorKind::Io => "io",
        }
    }
}

impl fmt::Display for RowErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One bad row: the file goes on, the row is left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("line {line}: {kind}: {message}")]
pub struct RowError {
    /// 1-based line where the row starts (the header is line 1 in CSV).
    pub line: u64,
    pub kind: RowErrorKind,
    /// Human-readable detail, naming the column and (shortened) value.
    pub message: String,
}

impl RowError {
    pub(crate) fn new(line: u64, kind: RowErrorKind, message: impl Into<String>) -> RowError {
        RowError { line, kind, message: message.into() }
    }

    /// Whether reading stopped at this error (see [`RowErrorKind::is_fatal`]).
    pub fn is_fatal(&self) -> bool {
        self.kind.is_fatal()
    }
}

/// The whole file is unusable; nothing was yielded.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not text: its first line holds binary data")]
    NotText,
    #[error("not JSON lines: the first line is not a JSON object")]
    NotJsonLines,
    #[error(
        "no header row: none of the columns {found:?} is a column of {expected}; \
         the first line must name the columns"
    )]
    NoKnownColumns {
        /// What the columns were checked against (report type or mapping).
        expected: String,
        /// The first line's cells (at most 16, each shortened).
        found: Vec<String>,
    },
    #[error("column {0:?} appears twice in the header")]
    DuplicateColumn(String),
    #[error("the header row is longer than {0} bytes")]
    HeaderTooLarge(usize),
    #[error("invalid column mapping: {0}")]
    Mapping(String),
    #[error("reading failed: {0}")]
    Io(#[from] io::Error),
}

/// Knobs shared by all readers.
#[derive(Debug, Clone)]
pub struct ReaderOptions {
    /// How many [`RowError`]s [`ParseStats::errors`] keeps; the rest are
    /// only counted. Default 100.
    pub max_errors_kept: usize,
    /// Longest CSV record (its unescaped field bytes) or JSON line, in
    /// bytes; a longer one is skipped with [`RowErrorKind::RecordTooLarge`]
    /// or [`RowErrorKind::LineTooLong`] and reading goes on, so memory per
    /// reader stays bounded whatever the input. A header row that long is a
    /// file-level error. Default 1 MiB.
    pub max_record_bytes: usize,
    /// Time to use when a row has no timestamp (e.g. the report date from
    /// the file name, or the ingest time). `None`: such rows are errors.
    pub fallback_observed_at: Option<OffsetDateTime>,
    /// CSV field delimiter. Default `b','`.
    pub delimiter: u8,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        ReaderOptions { max_errors_kept: 100, max_record_bytes: 1 << 20, fallback_observed_at: None, delimiter: b',' }
    }
}

/// Summary of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ParseStats {
    /// Rows turned into records.
    pub rows_ok: u64,
    /// Rows left out because of an error.
    pub rows_bad: u64,
    /// The first [`ReaderOptions::max_errors_kept`] errors, in file order.
    pub errors: Vec<RowError>,
    /// Errors beyond those kept.
    pub errors_not_kept: u64,
    /// The fatal error that stopped reading early, if any (also counted in
    /// `rows_bad` and, if there was room, kept in `errors`).
    pub aborted: Option<RowError>,
}

impl ParseStats {
    pub(crate) fn ok(&mut self) {
        self.rows_ok += 1;
    }

    pub(crate) fn bad(&mut self, error: &RowError, keep: usize) {
        self.rows_bad += 1;
        if self.errors.len() < keep {
            self.errors.push(error.clone());
        } else {
            self.errors_not_kept += 1;
        }
        if error.is_fatal() {
            self.aborted = Some(error.clone());
        }
    }
}

/// Shortens a cell for an error message.
pub(crate) fn shorten(value: &str) -> String {
    const MAX: usize = 64;
    if value.len() <= MAX {
        return value.to_owned();
    }
    let mut end = MAX;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", value.get(..end).unwrap_or(""))
}

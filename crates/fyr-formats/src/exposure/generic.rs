//! Generic exposure sources: CSV with a header and JSON lines, both described
//! by a [`ColumnMapping`]. See `README.md` beside this file.

use std::collections::HashMap;
use std::io::{self, BufRead, Read};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::csv_rows::{self, CsvRows};
use super::error::{FileError, ParseStats, ReaderOptions, RowError, RowErrorKind};
use super::record::ExposureRecord;
use super::row::{Column, Draft, KindCache, Role, Shape};
use super::value::{TimestampFormat, TimestampParser};

/// Which source column (CSV header name or top-level JSON key) fills which
/// field of [`ExposureRecord`]. Unmapped columns go to `extra`.
///
/// Deserialisable from configuration, e.g. TOML:
///
/// ```toml
/// report_type = "honeypot-x"
/// ip = "src"
/// port = "dport"
/// timestamp = "time"
/// timestamp_format = "unix_seconds"
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnMapping {
    /// The record's `report_type` for every row (the source's feed name);
    /// required, non-empty.
    pub report_type: String,
    /// Column whose non-empty value replaces `report_type` per row (a
    /// category or identifier such as `open-rdp`).
    #[serde(default)]
    pub kind: Option<String>,
    /// Column with the observation time. Without it every row needs
    /// [`ReaderOptions::fallback_observed_at`].
    #[serde(default)]
    pub timestamp: Option<String>,
    /// How [`Self::timestamp`] is written.
    #[serde(default)]
    pub timestamp_format: TimestampFormat,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub port: Option<String>,
    #[serde(default)]
    pub asn: Option<String>,
    #[serde(default)]
    pub hostname: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub http_host: Option<String>,
    #[serde(default)]
    pub protocol: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub geo: Option<String>,
    #[serde(default)]
    pub tag: Option<String>,
}

/// A checked [`ColumnMapping`].
struct Compiled {
    roles: HashMap<String, Role>,
    shape: Shape,
}

impl ColumnMapping {
    fn mapped(&self) -> [(Role, &Option<String>); 12] {
        [
            (Role::Kind, &self.kind),
            (Role::Timestamp, &self.timestamp),
            (Role::Ip, &self.ip),
            (Role::Port, &self.port),
            (Role::Asn, &self.asn),
            (Role::Hostname, &self.hostname),
            (Role::Url, &self.url),
            (Role::HttpHost, &self.http_host),
            (Role::Protocol, &self.protocol),
            (Role::Severity, &self.severity),
            (Role::Geo, &self.geo),
            (Role::Tag, &self.tag),
        ]
    }

    /// Checks the mapping: a non-empty `report_type`, no empty column name,
    /// no column mapped twice, a valid timestamp format, and a timestamp
    /// column or a fallback time.
    pub fn validate(&self, options: &ReaderOptions) -> Result<(), FileError> {
        self.compile(options).map(|_| ())
    }

    fn compile(&self, options: &ReaderOptions) -> Result<Compiled, FileError> {
        let bad = |m: String| FileError::Mapping(m);
        if self.report_type.trim().is_empty() {
            return Err(bad("report_type is empty".to_owned()));
        }
        let mut roles = HashMap::new();
        for (role, column) in self.mapped() {
            let Some(column) = column else { continue };
            if column.is_empty() {
                return Err(bad(format!("{role:?} is mapped to an empty column name")));
            }
            if roles.insert(column.clone(), role).is_some() {
                return Err(bad(format!("column {column:?} is mapped twice")));
            }
        }
        if roles.is_empty() {
            return Err(bad("no column is mapped".to_owned()));
        }
        if self.timestamp.is_none() && options.fallback_observed_at.is_none() {
            return Err(bad("no timestamp column and no fallback_observed_at".to_owned()));
        }
        let timestamp = TimestampParser::new(&self.timestamp_format).map_err(bad)?;
        Ok(Compiled {
            roles,
            shape: Shape { report_type: Arc::from(self.report_type.trim()), timestamp, fallback_observed_at: options.fallback_observed_at },
        })
    }
}

/// Reads a CSV file with a header row, mapped by a [`ColumnMapping`].
/// Same behaviour as [`super::ShadowserverReader`] for bad rows and limits.
pub struct GenericCsvReader<R> {
    rows: CsvRows<R>,
}

impl<R: Read> GenericCsvReader<R> {
    /// Reads the header row; fails if the mapping is invalid or the header
    /// has none of the mapped columns.
    pub fn new(mapping: &ColumnMapping, reader: R, options: &ReaderOptions) -> Result<Self, FileError> {
        let compiled = mapping.compile(options)?;
        let (csv, header) = csv_rows::open(reader, options)?;
        let roles: Vec<Role> = header.names.iter().map(|n| compiled.roles.get(&**n).copied().unwrap_or(Role::Extra)).collect();
        if roles.iter().all(|r| *r == Role::Extra) {
            return Err(csv_rows::no_known_columns(format!("the mapping for {}", mapping.report_type), &header.names));
        }
        Ok(GenericCsvReader { rows: CsvRows::new(csv, header.names, roles, compiled.shape, options) })
    }

    /// The file's column names.
    pub fn header(&self) -> &[Arc<str>] {
        self.rows.names()
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

impl<R: Read> Iterator for GenericCsvReader<R> {
    type Item = Result<ExposureRecord, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.rows.next()
    }
}

/// Most distinct keys one JSON-lines reader names in `extra` before it
/// starts a fresh name table (old records keep theirs).
const MAX_NAMES: usize = 8192;
/// Most keys in one JSON object.
const MAX_KEYS_PER_LINE: usize = 4096;

/// Column names of JSON keys, shared by the records that use them.
struct NameTable {
    index: HashMap<Box<str>, usize>,
    names: Vec<Arc<str>>,
    shared: Arc<[Arc<str>]>,
    stale: bool,
}

impl NameTable {
    fn new() -> Self {
        NameTable { index: HashMap::new(), names: Vec::new(), shared: Arc::from(Vec::new()), stale: false }
    }

    /// Makes room for `keys` more names.
    fn reserve(&mut self, keys: usize) {
        if self.names.len() + keys > MAX_NAMES {
            self.index.clear();
            self.names.clear();
            self.stale = true;
        }
    }

    fn intern(&mut self, key: &str) -> usize {
        if let Some(&i) = self.index.get(key) {
            return i;
        }
        let i = self.names.len();
        self.names.push(Arc::from(key));
        self.index.insert(Box::from(key), i);
        self.stale = true;
        i
    }

    fn shared(&mut self) -> &Arc<[Arc<str>]> {
        if self.stale {
            self.shared = self.names.iter().cloned().collect();
            self.stale = false;
        }
        &self.shared
    }
}

/// Reads JSON lines: one JSON object per line, mapped by a
/// [`ColumnMapping`] over its top-level keys.
///
/// Strings are taken as they are; numbers and booleans as their JSON text;
/// `null` as empty; arrays and objects as compact JSON text (so they can
/// only land in `extra`, or fail a typed field). Blank lines are skipped.
/// A line that is not a JSON object, or is longer than
/// [`ReaderOptions::max_record_bytes`], is a [`RowError`] and reading goes
/// on with the next line.
pub struct JsonLinesReader<R> {
    reader: R,
    roles: HashMap<String, Role>,
    shape: Shape,
    names: NameTable,
    kinds: KindCache,
    draft: Draft,
    buf: Vec<u8>,
    line: u64,
    stats: ParseStats,
    max_errors_kept: usize,
    max_line: usize,
    done: bool,
    /// `buf` already holds line `line` (the first line, read by `new`).
    pending: bool,
    key_names: Vec<usize>,
}

enum Line {
    Eof,
    /// The line is in the buffer.
    Read,
    TooLong,
}

impl<R: BufRead> JsonLinesReader<R> {
    /// Checks the mapping and the first non-blank line: an empty stream, or
    /// a first line that is not text or does not start with `{`, is a
    /// [`FileError`].
    pub fn new(mapping: &ColumnMapping, reader: R, options: &ReaderOptions) -> Result<Self, FileError> {
        let compiled = mapping.compile(options)?;
        let mut me = JsonLinesReader {
            reader,
            roles: compiled.roles,
            shape: compiled.shape,
            names: NameTable::new(),
            kinds: KindCache::default(),
            draft: Draft::default(),
            buf: Vec::new(),
            line: 0,
            stats: ParseStats::default(),
            max_errors_kept: options.max_errors_kept,
            max_line: options.max_record_bytes,
            done: false,
            pending: false,
            key_names: Vec::new(),
        };
        loop {
            match me.read_line()? {
                Line::Eof => return Err(FileError::Empty),
                Line::TooLong => return Err(FileError::HeaderTooLarge(me.max_line)),
                Line::Read => {}
            }
            let text = me.buf.trim_ascii();
            let text = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text);
            if text.is_empty() {
                continue;
            }
            if text.contains(&0) || std::str::from_utf8(text).is_err() {
                return Err(FileError::NotText);
            }
            if !text.starts_with(b"{") {
                return Err(FileError::NotJsonLines);
            }
            me.pending = true;
            return Ok(me);
        }
    }

    /// Counts and kept errors so far.
    pub fn stats(&self) -> &ParseStats {
        &self.stats
    }

    /// Final counts and kept errors.
    pub fn into_stats(self) -> ParseStats {
        self.stats
    }

    /// Reads the next line into `buf` (without the line break), never
    /// holding more than `max_line` bytes.
    fn read_line(&mut self) -> io::Result<Line> {
        self.buf.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                if !any {
                    return Ok(Line::Eof);
                }
                self.line += 1;
                break;
            }
            any = true;
            let (chunk, used, end) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (available.get(..i).unwrap_or_default(), i + 1, true),
                None => (available, available.len(), false),
            };
            if !too_long {
                if self.buf.len() + chunk.len() > self.max_line {
                    too_long = true;
                    self.buf.clear();
                } else {
                    self.buf.extend_from_slice(chunk);
                }
            }
            self.reader.consume(used);
            if end {
                self.line += 1;
                break;
            }
        }
        if too_long {
            return Ok(Line::TooLong);
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        Ok(Line::Read)
    }

    fn convert(&mut self, line: u64) -> Option<Result<ExposureRecord, RowError>> {
        let text = self.buf.trim_ascii();
        let text = if line == 1 { text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text) } else { text };
        if text.is_empty() {
            return None;
        }
        let object: serde_json::Map<String, serde_json::Value> = match serde_json::from_slice(text) {
            Ok(o) => o,
            Err(e) => {
                return Some(Err(RowError::new(line, RowErrorKind::InvalidJson, format!("not a JSON object: {e}"))));
            }
        };
        if object.len() > MAX_KEYS_PER_LINE {
            return Some(Err(RowError::new(
                line,
                RowErrorKind::InvalidJson,
                format!("{} keys; at most {MAX_KEYS_PER_LINE} are read", object.len()),
            )));
        }
        self.names.reserve(object.len());
        self.key_names.clear();
        for key in object.keys() {
            let name = self.names.intern(key);
            self.key_names.push(name);
        }
        let names = Arc::clone(self.names.shared());
        self.draft.reset();
        for ((key, value), &name) in object.iter().zip(&self.key_names) {
            let role = self.roles.get(key.as_str()).copied().unwrap_or(Role::Extra);
            let text;
            let cell: &str = match value {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => s,
                other => {
                    text = other.to_string();
                    &text
                }
            };
            if let Err(e) = self.draft.set(Column { role, name }, cell, &names, &self.shape, &mut self.kinds, line) {
                return Some(Err(e));
            }
        }
        Some(self.draft.finish(&names, &self.shape, line))
    }
}

impl<R: BufRead> Iterator for JsonLinesReader<R> {
    type Item = Result<ExposureRecord, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let line = if std::mem::take(&mut self.pending) {
                self.line
            } else {
                match self.read_line() {
                    Ok(Line::Read) => self.line,
                    Ok(Line::Eof) => {
                        self.done = true;
                        return None;
                    }
                    Ok(Line::TooLong) => {
                        let e = RowError::new(
                            self.line,
                            RowErrorKind::LineTooLong,
                            format!("line longer than {} bytes, skipped", self.max_line),
                        );
                        self.stats.bad(&e, self.max_errors_kept);
                        return Some(Err(e));
                    }
                    Err(io) => {
                        self.done = true;
                        let e = RowError::new(
                            self.line + 1,
                            RowErrorKind::Io,
                            format!("read failed; the rest of the stream is not read: {io}"),
                        );
                        self.stats.bad(&e, self.max_errors_kept);
                        return Some(Err(e));
                    }
                }
            };
            let Some(item) = self.convert(line) else {
                continue;
            };
            match &item {
                Ok(_) => self.stats.ok(),
                Err(e) => self.stats.bad(e, self.max_errors_kept),
            }
            return Some(item);
        }
    }
}

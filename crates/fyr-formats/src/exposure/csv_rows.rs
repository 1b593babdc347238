//! The streaming CSV machinery behind [`super::ShadowserverReader`] and
//! [`super::GenericCsvReader`]: record splitting with exact line numbers and
//! bounded memory, header handling, row-by-row conversion with reused
//! buffers, error accounting.
//!
//! Records are split by `csv_core` (the engine of the `csv` crate) driven
//! directly rather than through `csv::Reader`, for three reasons:
//! `csv::Reader` reports the start line of a record before skipping blank
//! lines and the `\n` of a preceding `\r\n`, so line numbers were off by one
//! in CRLF files; it grows a record without bound, so one unterminated quote
//! in a huge file would load the file whole; and it copies every field. Here
//! a line without quotes and without a stray `\r` that lies wholly in the
//! input buffer (nearly every Shadowserver row) is split in place with
//! `memchr`, which means exactly what `csv_core` would make of it; every
//! other record goes through `csv_core`. A record longer than the limit is
//! parsed into a small scratch buffer, dropped, and reading goes on.

use std::collections::HashSet;
use std::io::{self, Read};
use std::sync::Arc;

use csv_core::ReadRecordResult;

use super::error::{FileError, ParseStats, ReaderOptions, RowError, RowErrorKind, shorten};
use super::record::ExposureRecord;
use super::row::{Column, Draft, KindCache, Role, Shape};

/// Size of the input buffer.
const BUFFER: usize = 64 * 1024;

/// What [`RawCsv::read`] found.
enum Raw {
    /// A record starting on this 1-based line is ready: see
    /// [`RawCsv::record_bytes`] and [`RawCsv::spans`].
    Record(u64),
    /// A record starting on this line was longer than the limit; it was
    /// read past and dropped.
    TooLarge(u64),
    /// No more records.
    Eof,
}

/// Splits a byte stream into CSV records, one at a time, into reused
/// buffers that never grow past `max_record` bytes.
pub(crate) struct RawCsv<R> {
    inner: R,
    core: csv_core::Reader,
    delimiter: u8,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    /// The first record always goes through `csv_core`, which strips a
    /// UTF-8 byte-order mark at the very start.
    first: bool,
    /// Where the current record's bytes are: `Some(range)` of `buf` (split
    /// in place) or `None` for `fields` (unescaped by `csv_core`).
    in_buf: Option<(usize, usize)>,
    /// Unescaped field bytes from `csv_core`, back to back.
    fields: Vec<u8>,
    /// End offset of each field in `fields`, from `csv_core`.
    ends: Vec<usize>,
    /// `(start, end)` of each field of the current record, relative to
    /// [`RawCsv::record_bytes`].
    spans: Vec<(usize, usize)>,
    /// Line breaks not seen by `csv_core` (blank lines, the `\n` of `\r\n`,
    /// lines split in place); `core.line()` counts the others.
    own_lines: u64,
    max_record: usize,
    scratch: Vec<u8>,
    scratch_ends: Vec<usize>,
}

impl<R: Read> RawCsv<R> {
    fn new(inner: R, delimiter: u8, max_record: usize) -> Self {
        RawCsv {
            inner,
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            buf: vec![0; BUFFER],
            pos: 0,
            len: 0,
            eof: false,
            first: true,
            in_buf: None,
            fields: vec![0; max_record.min(1024)],
            ends: vec![0; max_record.min(64)],
            spans: Vec::with_capacity(64),
            own_lines: 0,
            max_record,
            scratch: vec![0; 4096],
            scratch_ends: vec![0; 256],
        }
    }

    /// The 1-based line of the next unread byte.
    fn line(&self) -> u64 {
        self.core.line() + self.own_lines
    }

    /// Moves the unread bytes to the front of the buffer and reads more
    /// after them; `false` if nothing could be added (end of input, or the
    /// buffer is full of unread bytes).
    fn fill(&mut self) -> io::Result<bool> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.len, 0);
            self.len -= self.pos;
            self.pos = 0;
        }
        if self.eof {
            return Ok(false);
        }
        loop {
            let Some(room) = self.buf.get_mut(self.len..).filter(|r| !r.is_empty()) else {
                return Ok(false);
            };
            match self.inner.read(room) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.len += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn read(&mut self) -> io::Result<Raw> {
        // Skip blank lines here, so the record's first line is known.
        loop {
            if self.pos >= self.len && !self.fill()? {
                return Ok(Raw::Eof);
            }
            match self.buf.get(self.pos) {
                Some(b'\n') => self.own_lines += 1,
                Some(b'\r') => {}
                _ => break,
            }
            self.pos += 1;
        }
        let line = self.line();
        if !self.first && self.split_in_place()? {
            return Ok(Raw::Record(line));
        }
        self.first = false;
        self.read_with_core(line)
    }

    /// The fast path: if the next line fits in the buffer, has no `\r`
    /// before its end, and every quoted field is a plain `"..."` (no `""`
    /// inside, no line break, nothing between the closing quote and the
    /// delimiter), split it in place. Anything else is left to `csv_core`.
    fn split_in_place(&mut self) -> io::Result<bool> {
        // Find the end of the line, reading more if the buffer has only
        // part of it (the reader may hand out small chunks).
        let mut scanned = self.pos;
        let newline = loop {
            let unscanned = self.buf.get(scanned..self.len).unwrap_or_default();
            if let Some(i) = memchr::memchr(b'\n', unscanned) {
                break scanned + i - self.pos;
            }
            let (unread_from, scanned_to) = (self.pos, self.len);
            if !self.fill()? {
                return Ok(false);
            }
            scanned = scanned_to - unread_from;
        };
        let rest = self.buf.get(self.pos..self.len).unwrap_or_default();
        let mut content = rest.get(..newline).unwrap_or_default();
        if let Some(before_cr) = content.strip_suffix(b"\r") {
            content = before_cr;
        }
        if content.len() > self.max_record {
            return Ok(false);
        }
        self.spans.clear();
        let ok = match memchr::memchr2(b'"', b'\r', content) {
            None => {
                let mut start = 0;
                for delimiter in memchr::memchr_iter(self.delimiter, content) {
                    self.spans.push((start, delimiter));
                    start = delimiter + 1;
                }
                self.spans.push((start, content.len()));
                true
            }
            Some(_) if memchr::memchr(b'\r', content).is_some() => false,
            Some(_) => split_quoted(content, self.delimiter, &mut self.spans),
        };
        if !ok {
            return Ok(false);
        }
        self.in_buf = Some((self.pos, self.pos + content.len()));
        self.pos += newline + 1;
        self.own_lines += 1;
        Ok(true)
    }

    fn read_with_core(&mut self, line: u64) -> io::Result<Raw> {
        let (mut nout, mut nend) = (0, 0);
        let mut overflow = false;
        loop {
            let input = self.buf.get(self.pos..self.len).unwrap_or_default();
            let (res, nin, out, end) = if overflow {
                self.core.read_record(input, &mut self.scratch, &mut self.scratch_ends)
            } else {
                let output = self.fields.get_mut(nout..).unwrap_or_default();
                let ends = self.ends.get_mut(nend..).unwrap_or_default();
                self.core.read_record(input, output, ends)
            };
            self.pos += nin;
            if !overflow {
                nout += out;
                nend += end;
            }
            match res {
                ReadRecordResult::InputEmpty => {
                    // At end of input the next call gets an empty slice,
                    // which tells the parser to finish the record.
                    self.fill()?;
                }
                ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull if overflow => {}
                ReadRecordResult::OutputFull => {
                    overflow = !grow(&mut self.fields, self.max_record);
                }
                ReadRecordResult::OutputEndsFull => {
                    overflow = !grow(&mut self.ends, self.max_record);
                }
                ReadRecordResult::Record if overflow => return Ok(Raw::TooLarge(line)),
                ReadRecordResult::Record => {
                    self.in_buf = None;
                    self.spans.clear();
                    let mut start = 0;
                    for &end in self.ends.get(..nend).unwrap_or_default() {
                        self.spans.push((start, end));
                        start = end;
                    }
                    return Ok(Raw::Record(line));
                }
                ReadRecordResult::End => return Ok(Raw::Eof),
            }
        }
    }

    /// The bytes the spans of the record last returned point into.
    fn record_bytes(&self) -> &[u8] {
        match self.in_buf {
            Some((start, end)) => self.buf.get(start..end).unwrap_or_default(),
            None => {
                let len = self.spans.last().map_or(0, |s| s.1);
                self.fields.get(..len).unwrap_or_default()
            }
        }
    }

    /// `(start, end)` of each field of the record last returned.
    fn spans(&self) -> &[(usize, usize)] {
        &self.spans
    }

    /// The fields of the record last returned.
    fn fields(&self) -> impl Iterator<Item = &[u8]> {
        let bytes = self.record_bytes();
        self.spans.iter().map(move |&(start, end)| bytes.get(start..end).unwrap_or_default())
    }
}

/// Splits a line holding quotes into field spans, if each quoted field is
/// a plain `"..."` followed by the delimiter or the end of the line; a quote
/// inside an unquoted field is data, as in `csv_core`. `false` otherwise.
fn split_quoted(line: &[u8], delimiter: u8, spans: &mut Vec<(usize, usize)>) -> bool {
    let mut i = 0;
    loop {
        let rest = line.get(i..).unwrap_or_default();
        if rest.first() == Some(&b'"') {
            let Some(close) = memchr::memchr(b'"', rest.get(1..).unwrap_or_default()) else {
                return false;
            };
            let end = i + 1 + close;
            spans.push((i + 1, end));
            match line.get(end + 1) {
                None => return true,
                Some(&b) if b == delimiter => i = end + 2,
                Some(_) => return false,
            }
        } else {
            match memchr::memchr(delimiter, rest) {
                Some(d) => {
                    spans.push((i, i + d));
                    i += d + 1;
                }
                None => {
                    spans.push((i, line.len()));
                    return true;
                }
            }
        }
    }
}

/// Doubles `v` up to `max` elements; `false` if it is already that long.
fn grow<T: Default + Clone>(v: &mut Vec<T>, max: usize) -> bool {
    if v.len() >= max {
        return false;
    }
    let new_len = v.len().saturating_mul(2).clamp(1, max);
    v.resize(new_len, T::default());
    true
}

/// The header row, trimmed and checked.
pub(crate) struct Header {
    pub(crate) names: Arc<[Arc<str>]>,
}

/// Reads and checks the first row of a CSV stream.
pub(crate) fn open<R: Read>(reader: R, options: &ReaderOptions) -> Result<(RawCsv<R>, Header), FileError> {
    let mut csv = RawCsv::new(reader, options.delimiter, options.max_record_bytes);
    match csv.read()? {
        Raw::Record(_) => {}
        Raw::Eof => return Err(FileError::Empty),
        Raw::TooLarge(_) => return Err(FileError::HeaderTooLarge(options.max_record_bytes)),
    }
    let mut names: Vec<Arc<str>> = Vec::with_capacity(csv.spans().len());
    let mut seen = HashSet::new();
    for (i, cell) in csv.fields().enumerate() {
        if cell.contains(&0) {
            return Err(FileError::NotText);
        }
        let Ok(name) = std::str::from_utf8(cell) else {
            return Err(FileError::NotText);
        };
        let name = if i == 0 { name.trim_start_matches('\u{feff}') } else { name };
        let name = name.trim();
        if !name.is_empty() && !seen.insert(name) {
            return Err(FileError::DuplicateColumn(name.to_owned()));
        }
        names.push(Arc::from(name));
    }
    if names.iter().all(|n| n.is_empty()) {
        return Err(FileError::Empty);
    }
    Ok((csv, Header { names: names.into() }))
}

/// Error for a header none of whose columns was expected.
pub(crate) fn no_known_columns(expected: String, names: &[Arc<str>]) -> FileError {
    FileError::NoKnownColumns { expected, found: names.iter().take(16).map(|n| shorten(n)).collect() }
}

/// Row iterator over a CSV stream whose header is already mapped.
pub(crate) struct CsvRows<R> {
    csv: RawCsv<R>,
    names: Arc<[Arc<str>]>,
    columns: Vec<Column>,
    shape: Shape,
    draft: Draft,
    kinds: KindCache,
    stats: ParseStats,
    max_errors_kept: usize,
    done: bool,
}

impl<R: Read> CsvRows<R> {
    pub(crate) fn new(csv: RawCsv<R>, names: Arc<[Arc<str>]>, roles: Vec<Role>, shape: Shape, options: &ReaderOptions) -> Self {
        let columns = roles.into_iter().enumerate().map(|(name, role)| Column { role, name }).collect();
        CsvRows {
            csv,
            names,
            columns,
            shape,
            draft: Draft::default(),
            kinds: KindCache::default(),
            stats: ParseStats::default(),
            max_errors_kept: options.max_errors_kept,
            done: false,
        }
    }

    pub(crate) fn names(&self) -> &[Arc<str>] {
        &self.names
    }

    pub(crate) fn stats(&self) -> &ParseStats {
        &self.stats
    }

    pub(crate) fn into_stats(self) -> ParseStats {
        self.stats
    }

    fn read_row(&mut self) -> Option<Result<ExposureRecord, RowError>> {
        let line = match self.csv.read() {
            Ok(Raw::Record(line)) => line,
            Ok(Raw::Eof) => {
                self.done = true;
                return None;
            }
            Ok(Raw::TooLarge(line)) => {
                return Some(Err(RowError::new(
                    line,
                    RowErrorKind::RecordTooLarge,
                    format!("record longer than {} bytes, skipped", self.csv.max_record),
                )));
            }
            Err(e) => {
                self.done = true;
                return Some(Err(RowError::new(
                    self.csv.line(),
                    RowErrorKind::Io,
                    format!("read failed; the rest of the file is not read: {e}"),
                )));
            }
        };
        if self.csv.spans().len() != self.columns.len() {
            return Some(Err(RowError::new(
                line,
                RowErrorKind::FieldCount,
                format!("{} fields where the header has {}", self.csv.spans().len(), self.columns.len()),
            )));
        }
        self.draft.reset();
        // One UTF-8 check for the whole record (fast for ASCII); a field is
        // then valid unless its ends split a character.
        let bytes = self.csv.record_bytes();
        let text = std::str::from_utf8(bytes).ok();
        for (column, &(start, end)) in self.columns.iter().zip(self.csv.spans()) {
            let result = match text.and_then(|t| t.get(start..end)) {
                Some(value) => self.draft.set(*column, value, &self.names, &self.shape, &mut self.kinds, line),
                // Non-UTF-8 bytes become U+FFFD rather than losing the row.
                None => self.draft.set(
                    *column,
                    &String::from_utf8_lossy(bytes.get(start..end).unwrap_or_default()),
                    &self.names,
                    &self.shape,
                    &mut self.kinds,
                    line,
                ),
            };
            if let Err(e) = result {
                return Some(Err(e));
            }
        }
        Some(self.draft.finish(&self.names, &self.shape, line))
    }
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<ExposureRecord, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = self.read_row()?;
        match &item {
            Ok(_) => self.stats.ok(),
            Err(e) => self.stats.bad(e, self.max_errors_kept),
        }
        Some(item)
    }
}

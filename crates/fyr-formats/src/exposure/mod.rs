//! Exposure data: parsers that turn Shadowserver reports and other sources
//! into one normalised [`ExposureRecord`] type, plus a seeded generator of
//! realistic Shadowserver files for tests and benchmarks.
//!
//! Everything here reads from a caller-supplied [`std::io::Read`] /
//! [`std::io::BufRead`] and does no other IO: the schema, the severity table
//! and the report files are opened by the caller.
//!
//! - [`ShadowserverSchema`]: the report schema (`reports.json` format).
//! - [`parse_severity_table`]: default severity per report type
//!   (`severity.md` format).
//! - [`report_type_from_filename`]: date and type from a report file name.
//! - [`ShadowserverReader`]: streaming report CSV → records.
//! - [`GenericCsvReader`], [`JsonLinesReader`] with a [`ColumnMapping`]:
//!   other sources (see `README.md` beside this file).
//! - [`generate_shadowserver_csv`]: seeded test data.
//!
//! Bad rows never stop a file: each is yielded as a [`RowError`] with its
//! 1-based line, good rows still come through, and [`ParseStats`] sums it
//! up. Only a file that cannot be a report at all (empty, not text, no
//! known column in the first line) is a [`FileError`].

mod csv_rows;
mod error;
mod filename;
mod generator;
mod generic;
mod record;
mod row;
mod schema;
mod severity;
mod shadowserver;
mod value;

pub use error::{FileError, ParseStats, ReaderOptions, RowError, RowErrorKind};
pub use filename::{ReportFileName, report_type_from_filename};
pub use generator::{GenOptions, GenSummary, generate_shadowserver_csv};
pub use generic::{ColumnMapping, GenericCsvReader, JsonLinesReader};
pub use record::{CountryCode, ExposureRecord, Extra, ExtraIter, Protocol};
pub use schema::{AddressColumns, ReportSchema, SchemaError, ShadowserverSchema};
pub use severity::{Severity, SeverityTableError, UnknownSeverity, parse_severity_table};
pub use shadowserver::ShadowserverReader;
pub use value::{TimestampFormat, parse_asn, parse_ip, parse_port, parse_timestamp};

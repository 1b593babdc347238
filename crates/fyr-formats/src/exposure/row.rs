//! Turning one row's cells into an [`ExposureRecord`]: shared by the CSV and
//! JSON-lines readers. A reader maps each source column to a [`Column`] once
//! per file, then feeds `(Column, cell)` pairs into a reused [`Draft`].

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use time::OffsetDateTime;

use super::Severity;
use super::error::{RowError, RowErrorKind, shorten};
use super::record::{CountryCode, ExposureRecord, ExtraBuilder, Protocol};
use super::value::{TimestampParser, parse_asn, parse_ip, parse_port};

/// What a source column means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Timestamp,
    Severity,
    Ip,
    Port,
    Asn,
    Geo,
    Hostname,
    Protocol,
    Tag,
    Url,
    HttpHost,
    /// Per-row report type / identifier (generic formats).
    Kind,
    Extra,
}

/// A source column: its role and its index in the file's name table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub(crate) role: Role,
    pub(crate) name: usize,
}

/// Per-file settings for building records.
pub(crate) struct Shape {
    pub(crate) report_type: Arc<str>,
    pub(crate) timestamp: TimestampParser,
    pub(crate) fallback_observed_at: Option<OffsetDateTime>,
}

/// One row being built; reused across rows.
#[derive(Default)]
pub(crate) struct Draft {
    observed_at: Option<OffsetDateTime>,
    severity: Option<Severity>,
    ip: Option<IpAddr>,
    port: Option<u16>,
    protocol: Option<Protocol>,
    asn: u32,
    geo: Option<CountryCode>,
    hostname: Option<Box<str>>,
    url: Option<Box<str>>,
    http_host: Option<Box<str>>,
    tag: Option<Box<str>>,
    kind: Option<Arc<str>>,
    extra: ExtraBuilder,
}

impl Draft {
    pub(crate) fn reset(&mut self) {
        self.observed_at = None;
        self.severity = None;
        self.ip = None;
        self.port = None;
        self.protocol = None;
        self.asn = 0;
        self.geo = None;
        self.hostname = None;
        self.url = None;
        self.http_host = None;
        self.tag = None;
        self.kind = None;
        self.extra.clear();
    }

    /// Applies one cell. Empty cells are skipped. A cell that a typed field
    /// cannot hold is an error for the row (address, port, ASN, timestamp)
    /// or, for descriptive fields (country, severity), kept verbatim in
    /// `extra` so nothing is lost.
    #[inline]
    pub(crate) fn set(
        &mut self,
        column: Column,
        value: &str,
        names: &[Arc<str>],
        shape: &Shape,
        kinds: &mut KindCache,
        line: u64,
    ) -> Result<(), RowError> {
        if value.is_empty() {
            return Ok(());
        }
        let invalid = |kind: RowErrorKind, what: &str| {
            let name = names.get(column.name).map(|n| &**n).unwrap_or("?");
            RowError::new(line, kind, format!("column {name}: {what} {:?}", shorten(value)))
        };
        match column.role {
            Role::Timestamp => {
                let t = shape.timestamp.parse(value).ok_or_else(|| invalid(RowErrorKind::InvalidTimestamp, "invalid timestamp"))?;
                self.observed_at = Some(t);
            }
            Role::Ip => {
                let ip = parse_ip(value).ok_or_else(|| invalid(RowErrorKind::InvalidIp, "invalid IP address"))?;
                self.ip = Some(ip);
            }
            Role::Port => {
                let port = parse_port(value).ok_or_else(|| invalid(RowErrorKind::InvalidPort, "invalid port"))?;
                self.port = Some(port);
            }
            Role::Asn => {
                self.asn = parse_asn(value).ok_or_else(|| invalid(RowErrorKind::InvalidAsn, "invalid ASN"))?;
            }
            Role::Severity => match Severity::parse(value) {
                Some(s) => self.severity = Some(s),
                None => self.extra.push(column.name, value),
            },
            Role::Geo => match CountryCode::parse(value) {
                Some(cc) => self.geo = Some(cc),
                None => self.extra.push(column.name, value),
            },
            Role::Protocol => self.protocol = Protocol::parse(value),
            Role::Hostname => self.hostname = Some(Box::from(value)),
            Role::Url => self.url = Some(Box::from(value)),
            Role::HttpHost => self.http_host = Some(Box::from(value)),
            Role::Tag => self.tag = Some(Box::from(value)),
            Role::Kind => self.kind = Some(kinds.get(value)),
            Role::Extra => self.extra.push(column.name, value),
        }
        Ok(())
    }

    /// Finishes the row into a record, or reports a missing timestamp.
    pub(crate) fn finish(&mut self, names: &Arc<[Arc<str>]>, shape: &Shape, line: u64) -> Result<ExposureRecord, RowError> {
        let observed_at = self
            .observed_at
            .or(shape.fallback_observed_at)
            .ok_or_else(|| RowError::new(line, RowErrorKind::MissingTimestamp, "no timestamp in the row and no fallback time given"))?;
        Ok(ExposureRecord {
            observed_at,
            report_type: self.kind.take().unwrap_or_else(|| Arc::clone(&shape.report_type)),
            severity: self.severity,
            ip: self.ip,
            port: self.port,
            protocol: self.protocol.take(),
            asn: self.asn,
            geo: self.geo,
            hostname: self.hostname.take(),
            url: self.url.take(),
            http_host: self.http_host.take(),
            tag: self.tag.take(),
            extra: self.extra.finish(names),
            line,
        })
    }
}

/// Shares the `Arc<str>` of per-row kinds (generic formats' `kind` column),
/// so a file with a handful of kinds does not allocate one per row. Holds at
/// most [`KindCache::MAX`] kinds; beyond that each row gets its own.
#[derive(Default)]
pub(crate) struct KindCache {
    kinds: HashMap<Box<str>, Arc<str>>,
}

impl KindCache {
    const MAX: usize = 1024;

    fn get(&mut self, value: &str) -> Arc<str> {
        if let Some(kind) = self.kinds.get(value) {
            return Arc::clone(kind);
        }
        let kind: Arc<str> = Arc::from(value);
        if self.kinds.len() < Self::MAX {
            self.kinds.insert(Box::from(value), Arc::clone(&kind));
        }
        kind
    }
}

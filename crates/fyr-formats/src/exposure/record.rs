//! The normalised exposure record every reader yields.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use time::OffsetDateTime;

use super::Severity;

/// One observation of one exposed or affected host, normalised from any
/// source format.
///
/// Typed fields hold what matching, deduplication and notification need; the
/// source's other non-empty columns are kept verbatim in [`Self::extra`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExposureRecord {
    /// When the source observed it, in UTC.
    #[serde(with = "time::serde::rfc3339")]
    pub observed_at: OffsetDateTime,
    /// Shadowserver report type (`scan_http`, …) or the generic source's
    /// kind; shared between the records of one file.
    pub report_type: Arc<str>,
    /// The source's severity for this row, if it gave a known level. The
    /// per-type default is applied by the caller, see [`Self::severity_or`].
    pub severity: Option<Severity>,
    /// The affected address; `None` when the format has no address column
    /// (e.g. `compromised_account`) or the cell is empty.
    pub ip: Option<IpAddr>,
    /// Port that goes with [`Self::ip`].
    pub port: Option<u16>,
    /// Transport protocol.
    pub protocol: Option<Protocol>,
    /// Autonomous system of [`Self::ip`]; `0` means none given.
    pub asn: u32,
    /// Country of [`Self::ip`] (ISO 3166 alpha-2 as given by the source).
    pub geo: Option<CountryCode>,
    /// Host name that goes with [`Self::ip`] (reverse DNS, certificate name…).
    pub hostname: Option<Box<str>>,
    /// URL (Shadowserver `url`, else `http_url`, which may be a bare path).
    pub url: Option<Box<str>>,
    /// HTTP `Host` seen with the request.
    pub http_host: Option<Box<str>>,
    /// Shadowserver's tag(s), verbatim (often `;`-separated).
    pub tag: Option<Box<str>>,
    /// Every other non-empty column, in source order.
    pub extra: Extra,
    /// 1-based line in the source where this row starts (provenance).
    pub line: u64,
}

impl ExposureRecord {
    /// The row's own severity, else the default for its report type from
    /// `defaults` (e.g. loaded with [`super::parse_severity_table`]).
    pub fn severity_or(&self, defaults: &std::collections::HashMap<String, Severity>) -> Option<Severity> {
        self.severity.or_else(|| defaults.get(&*self.report_type).copied())
    }
}

/// Transport protocol; the common ones without allocation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Icmp,
    /// Anything else, lower-cased.
    Other(Box<str>),
}

impl Protocol {
    /// Parses a protocol name (ASCII case-insensitive); `None` if empty.
    pub fn parse(s: &str) -> Option<Protocol> {
        let s = s.trim();
        if s.is_empty() {
            None
        } else if s.eq_ignore_ascii_case("tcp") {
            Some(Protocol::Tcp)
        } else if s.eq_ignore_ascii_case("udp") {
            Some(Protocol::Udp)
        } else if s.eq_ignore_ascii_case("icmp") {
            Some(Protocol::Icmp)
        } else {
            Some(Protocol::Other(s.to_ascii_lowercase().into_boxed_str()))
        }
    }

    /// The lower-case name.
    pub fn as_str(&self) -> &str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
            Protocol::Other(s) => s,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Protocol {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A two-character country code as sources give it: upper-cased ASCII
/// letters or digits (MaxMind-style `A1`/`A2`/`EU` pass too).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Parses `se`, `SE`, … ; `None` for anything that is not exactly two
    /// ASCII letters or digits.
    pub fn parse(s: &str) -> Option<CountryCode> {
        match s.as_bytes() {
            [a, b] if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() => {
                Some(CountryCode([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => None,
        }
    }

    /// The code as `&str`, e.g. `"SE"`.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored, so this cannot fail.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountryCode({})", self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The columns of a row that have no typed field: `(column name, value)`
/// pairs in source order, values non-empty.
///
/// Stored compactly so a row costs two allocations however many columns it
/// has: the column names are shared by all rows of a file, the values of one
/// row sit in one string.
#[derive(Clone, Default)]
pub struct Extra {
    names: Arc<[Arc<str>]>,
    text: Box<str>,
    /// (index into `names`, end of the value in `text`); starts follow from
    /// the previous end.
    slots: Box<[(u32, u32)]>,
}

impl Extra {
    /// Builds from pairs (tests, hand-made records).
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Extra {
        let mut builder = ExtraBuilder::default();
        let names: Arc<[Arc<str>]> = pairs.iter().map(|(k, _)| Arc::from(k.as_ref())).collect();
        for (index, (_, value)) in pairs.iter().enumerate() {
            builder.push(index, value.as_ref());
        }
        builder.finish(&names)
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The pairs in source order.
    pub fn iter(&self) -> ExtraIter<'_> {
        ExtraIter { extra: self, index: 0, start: 0 }
    }

    /// The column names the pairs' indexes point into, shared by all
    /// records of a file: a caller can look each name up once per file.
    pub fn names(&self) -> &Arc<[Arc<str>]> {
        &self.names
    }

    /// The pairs in source order as (index into [`Self::names`], value).
    pub fn indexed(&self) -> impl Iterator<Item = (usize, &str)> + '_ {
        let mut start = 0usize;
        self.slots.iter().map(move |&(name, end)| {
            let end = end as usize;
            let value = self.text.get(start..end).unwrap_or("");
            start = end;
            (name as usize, value)
        })
    }

    /// The first value of `column`, if present.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.iter().find(|(name, _)| *name == column).map(|(_, v)| v)
    }

    /// Owned pairs, for callers that want plain data.
    pub fn to_vec(&self) -> Vec<(String, String)> {
        self.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
    }
}

/// Iterator over [`Extra`] pairs.
pub struct ExtraIter<'a> {
    extra: &'a Extra,
    index: usize,
    start: usize,
}

impl<'a> Iterator for ExtraIter<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let &(name, end) = self.extra.slots.get(self.index)?;
        self.index += 1;
        let end = end as usize;
        let value = self.extra.text.get(self.start..end).unwrap_or("");
        self.start = end;
        let name = self.extra.names.get(name as usize).map(|n| &**n).unwrap_or("");
        Some((name, value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.extra.slots.len().saturating_sub(self.index);
        (left, Some(left))
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a str, &'a str);
    type IntoIter = ExtraIter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Extra {}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Collects one row's extra values into reused buffers.
#[derive(Default)]
pub(crate) struct ExtraBuilder {
    text: String,
    slots: Vec<(u32, u32)>,
}

impl ExtraBuilder {
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.slots.clear();
    }

    /// Appends a value for the column with index `name` in the names table.
    /// Values past 4 GiB in one row cannot occur: readers cap record size
    /// far below that; such a value would be dropped rather than corrupt
    /// the offsets.
    pub(crate) fn push(&mut self, name: usize, value: &str) {
        let (Ok(name), Ok(end)) = (u32::try_from(name), u32::try_from(self.text.len() + value.len())) else {
            return;
        };
        self.text.push_str(value);
        self.slots.push((name, end));
    }

    pub(crate) fn finish(&self, names: &Arc<[Arc<str>]>) -> Extra {
        if self.slots.is_empty() {
            return Extra::default();
        }
        Extra { names: Arc::clone(names), text: Box::from(self.text.as_str()), slots: Box::from(self.slots.as_slice()) }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn extra_round_trip() {
        let extra = Extra::from_pairs(&[("a", "1"), ("b", ""), ("c", "three")]);
        assert_eq!(
            extra.to_vec(),
            vec![("a".to_owned(), "1".to_owned()), ("b".to_owned(), String::new()), ("c".to_owned(), "three".to_owned())]
        );
        assert_eq!(extra.get("c"), Some("three"));
        assert_eq!(extra.get("d"), None);
        assert_eq!(extra.len(), 3);
        assert!(Extra::default().is_empty());
        assert_eq!(serde_json::to_string(&extra).expect("json"), r#"{"a":"1","b":"","c":"three"}"#);
    }

    #[test]
    fn small_types() {
        assert_eq!(Protocol::parse("TCP"), Some(Protocol::Tcp));
        assert_eq!(Protocol::parse("Sctp").map(|p| p.to_string()), Some("sctp".into()));
        assert_eq!(Protocol::parse(" "), None);
        assert_eq!(CountryCode::parse("se").map(|c| c.to_string()), Some("SE".into()));
        assert_eq!(CountryCode::parse("A1").map(|c| c.to_string()), Some("A1".into()));
        assert_eq!(CountryCode::parse("SWE"), None);
        assert_eq!(CountryCode::parse("é"), None);
    }
}

#[cfg(test)]
mod size {
    /// Millions of records may be in flight: growth should be a decision.
    /// 208 bytes inline; a typical scan row adds ~300 bytes on the heap.
    #[test]
    fn record_stays_small() {
        let size = std::mem::size_of::<super::ExposureRecord>();
        assert!(size <= 208, "ExposureRecord grew to {size} bytes");
    }
}

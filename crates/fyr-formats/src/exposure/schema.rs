//! The Shadowserver report schema (the format of `reports.json`): report type
//! → name, ordered CSV fields, classification and documentation URL.
//!
//! fyr reads the schema from a configured file at run time, so a new report
//! type needs no code change.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Read};
use std::sync::Arc;

use serde::Deserialize;

/// Why a schema file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("schema is not valid JSON of the reports.json shape: {0}")]
    Json(#[from] serde_json::Error),
    #[error("report type {report_type:?}: {message}")]
    InvalidEntry { report_type: String, message: String },
    #[error("schema lists no report types")]
    Empty,
}

/// One report type of the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSchema {
    /// The key in the schema, e.g. `scan_http`; also the type in file names.
    pub report_type: Arc<str>,
    /// Human name, e.g. `Accessible-HTTP`.
    pub name: String,
    /// The CSV columns in Shadowserver's order.
    pub fields: Vec<String>,
    /// `classification.taxonomy` (RSIT), when the schema gives one.
    pub taxonomy: Option<String>,
    /// `classification.type` (RSIT), when the schema gives one.
    pub classification_type: Option<String>,
    /// Documentation page, when the schema gives one.
    pub url: Option<String>,
}

/// Column names that carry the affected address of a report type and the
/// port, ASN, country and host name that belong to it.
///
/// See [`ReportSchema::address_columns`] for the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressColumns {
    /// `""` for `ip`, `"src_"` for `src_ip`, `"dst_"`, `"http_referer_"`, …
    pub prefix: String,
}

impl AddressColumns {
    fn column(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.prefix)
    }
    /// The address column (`ip`, `src_ip`, …).
    pub fn ip(&self) -> String {
        self.column("ip")
    }
    /// The port column that goes with the address.
    pub fn port(&self) -> String {
        self.column("port")
    }
    /// The ASN column that goes with the address.
    pub fn asn(&self) -> String {
        self.column("asn")
    }
    /// The country-code column that goes with the address.
    pub fn geo(&self) -> String {
        self.column("geo")
    }
    /// The host-name column that goes with the address.
    pub fn hostname(&self) -> String {
        self.column("hostname")
    }
}

impl ReportSchema {
    /// Builds an entry by hand (tests, or a caller's own report type).
    pub fn new(report_type: &str, fields: &[&str]) -> ReportSchema {
        ReportSchema {
            report_type: Arc::from(report_type),
            name: report_type.to_owned(),
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            taxonomy: None,
            classification_type: None,
            url: None,
        }
    }

    /// Whether the schema lists `column` for this type.
    pub fn has_field(&self, column: &str) -> bool {
        self.fields.iter().any(|f| f == column)
    }

    /// Which columns hold the affected (notifiable) address, by this rule:
    ///
    /// 1. `ip` if the type lists it (all scan, population, device-id,
    ///    compromised-website, blocklist, malware/spam-URL and sandbox types;
    ///    in `spam_url`, `src_ip` is the spam sender and stays an extra);
    /// 2. otherwise the first listed column `<p>ip` whose group also lists
    ///    `<p>port` or `<p>asn`: `src_ip` for sinkhole, honeypot, DDoS
    ///    participant and spoofer events (the victim/bot is the source),
    ///    `dst_ip` for `event4_honeypot_ddos_target` (the attacked host),
    ///    `http_referer_ip` for the `*_sinkhole_http_referer` types (the
    ///    referring site). This is Shadowserver's own column order, which
    ///    puts the side the report is about first.
    /// 3. `None` for types without an address (`compromised_account`,
    ///    `ransomware_victim`, `sandbox_dns`).
    pub fn address_columns(&self) -> Option<AddressColumns> {
        if self.has_field("ip") {
            return Some(AddressColumns { prefix: String::new() });
        }
        self.fields.iter().find_map(|field| {
            let prefix = field.strip_suffix("ip")?;
            if prefix.is_empty() || !prefix.ends_with('_') {
                return None;
            }
            let grouped = self.has_field(&format!("{prefix}port")) || self.has_field(&format!("{prefix}asn"));
            grouped.then(|| AddressColumns { prefix: prefix.to_owned() })
        })
    }
}

/// All report types of a schema file.
#[derive(Debug, Clone, Default)]
pub struct ShadowserverSchema {
    reports: BTreeMap<Arc<str>, ReportSchema>,
}

#[derive(Deserialize)]
struct RawEntry {
    fields: Vec<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default, rename = "classification.taxonomy")]
    taxonomy: Option<String>,
    #[serde(default, rename = "classification.type")]
    classification_type: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

impl ShadowserverSchema {
    /// Reads a schema in the format of Shadowserver's `reports.json`: a JSON
    /// object mapping each report type to `{name, fields[],
    /// classification.taxonomy, classification.type, url}`.
    ///
    /// Keys starting with `_` (metadata such as `_meta`) are skipped and
    /// unknown keys inside an entry are ignored, so newer schema files still
    /// load. Each entry needs a non-empty `fields` list without duplicates,
    /// and a report type made of ASCII letters, digits and `_` (a `-` would
    /// make file names ambiguous, see [`super::report_type_from_filename`]).
    pub fn from_reader(reader: impl Read) -> Result<Self, SchemaError> {
        let raw: BTreeMap<String, serde_json::Value> = serde_json::from_reader(io::BufReader::new(reader))?;
        let mut reports = BTreeMap::new();
        for (report_type, value) in raw {
            if report_type.starts_with('_') {
                continue;
            }
            let invalid = |message: String| SchemaError::InvalidEntry { report_type: report_type.clone(), message };
            if report_type.is_empty() || !report_type.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Err(invalid("a report type may hold only ASCII letters, digits and `_`".to_owned()));
            }
            let entry: RawEntry = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
            if entry.fields.is_empty() {
                return Err(invalid("`fields` is empty".to_owned()));
            }
            let mut seen = HashSet::new();
            for field in &entry.fields {
                if field.trim().is_empty() {
                    return Err(invalid("a field name is empty".to_owned()));
                }
                if !seen.insert(field.as_str()) {
                    return Err(invalid(format!("field {field:?} is listed twice")));
                }
            }
            let key: Arc<str> = Arc::from(report_type.as_str());
            reports.insert(
                Arc::clone(&key),
                ReportSchema {
                    report_type: key,
                    name: entry.name.unwrap_or_else(|| report_type.clone()),
                    fields: entry.fields,
                    taxonomy: entry.taxonomy,
                    classification_type: entry.classification_type,
                    url: entry.url,
                },
            );
        }
        if reports.is_empty() {
            return Err(SchemaError::Empty);
        }
        Ok(ShadowserverSchema { reports })
    }

    /// The entry for a report type, e.g. `scan_http`.
    pub fn get(&self, report_type: &str) -> Option<&ReportSchema> {
        self.reports.get(report_type)
    }

    /// All entries, ordered by report type.
    pub fn iter(&self) -> impl Iterator<Item = &ReportSchema> {
        self.reports.values()
    }

    /// Number of report types.
    pub fn len(&self) -> usize {
        self.reports.len()
    }

    /// Whether the schema has no report types (never true for a schema
    /// returned by [`ShadowserverSchema::from_reader`]).
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }

    /// Adds or replaces an entry (a caller's own report type).
    pub fn insert(&mut self, entry: ReportSchema) {
        self.reports.insert(Arc::clone(&entry.report_type), entry);
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
        "_meta": {"date_created": "2026-03-24"},
        "scan_http": {
            "classification.taxonomy": "vulnerable",
            "classification.type": "vulnerable-system",
            "fields": ["timestamp", "ip", "port", "http"],
            "name": "Accessible-HTTP",
            "url": "https://example.org/scan_http",
            "something_new": [1, 2]
        },
        "event4_sinkhole": {
            "fields": ["timestamp", "src_ip", "src_port", "dst_ip", "dst_port"],
            "name": "Sinkhole-Events"
        }
    }"#;

    #[test]
    fn reads_entries_and_skips_metadata() {
        let schema = ShadowserverSchema::from_reader(SAMPLE.as_bytes()).expect("schema");
        assert_eq!(schema.len(), 2);
        let http = schema.get("scan_http").expect("scan_http");
        assert_eq!(http.name, "Accessible-HTTP");
        assert_eq!(http.fields, ["timestamp", "ip", "port", "http"]);
        assert_eq!(http.taxonomy.as_deref(), Some("vulnerable"));
        assert_eq!(http.classification_type.as_deref(), Some("vulnerable-system"));
        let sinkhole = schema.get("event4_sinkhole").expect("sinkhole");
        assert_eq!(sinkhole.taxonomy, None);
        assert_eq!(sinkhole.address_columns().map(|a| a.ip()), Some("src_ip".to_owned()));
        assert_eq!(http.address_columns().map(|a| a.ip()), Some("ip".to_owned()));
    }

    #[test]
    fn address_rule() {
        let target = ReportSchema::new("t", &["timestamp", "dst_ip", "dst_port", "src_ip", "src_port", "attack_src_ip"]);
        assert_eq!(target.address_columns().map(|a| a.prefix), Some("dst_".into()));
        let referer = ReportSchema::new("r", &["timestamp", "http_referer_ip", "http_referer_asn", "dst_ip", "dst_port"]);
        let cols = referer.address_columns().expect("referer");
        assert_eq!(cols.ip(), "http_referer_ip");
        assert_eq!(cols.asn(), "http_referer_asn");
        let spam = ReportSchema::new("s", &["timestamp", "url", "ip", "src_ip", "src_asn"]);
        assert_eq!(spam.address_columns().map(|a| a.prefix), Some(String::new()));
        let none = ReportSchema::new("n", &["timestamp", "email", "gcip"]);
        assert_eq!(none.address_columns(), None);
    }

    #[test]
    fn rejects_bad_schemas() {
        for bad in [
            "[]",
            "{}",
            r#"{"a-b": {"fields": ["ip"]}}"#,
            r#"{"a": {"fields": []}}"#,
            r#"{"a": {"fields": ["ip", "ip"]}}"#,
            r#"{"a": {"name": "x"}}"#,
            r#"{"a": {"fields": ["ip"]"#,
        ] {
            assert!(ShadowserverSchema::from_reader(bad.as_bytes()).is_err(), "accepted {bad}");
        }
    }
}

//! Exposure sources, configured by CERT staff: where data comes from, its
//! format, TLP, default severity, and whether it is about website content
//! (matched by domain only).

use crate::core::{Actor, Core};
use crate::error::{CoreError, CoreResult};
use fyr_formats::exposure::{ColumnMapping, ReaderOptions, Severity};
use fyr_store::*;

pub const FORMATS: [&str; 3] = ["shadowserver", "csv", "jsonl"];
pub const TLPS: [&str; 6] = ["clear", "white", "green", "amber", "amber+strict", "red"];

/// What CERT staff send to create or change a source.
#[derive(Debug, Clone, Default)]
pub struct SourceRequest {
    pub name: Option<String>,
    pub provider: Option<String>,
    pub format: Option<String>,
    pub tlp: Option<String>,
    pub default_severity: Option<String>,
    pub website_content: Option<bool>,
    /// A column mapping (JSON) for `csv` and `jsonl` sources.
    pub mapping: Option<serde_json::Value>,
    pub enabled: Option<bool>,
}

fn check_name(name: &str) -> CoreResult<()> {
    let ok = !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok { Ok(()) } else { Err(CoreError::invalid("name", "must be 1–64 letters, digits, '-', '_' or '.'")) }
}

/// A new name (at creation or rename) must not be only digits: wherever a
/// source is named (routes, the CLI, inbox directories) a number is read as
/// its id, so such a source could never be reached by its name.
fn check_new_name(name: &str) -> CoreResult<()> {
    check_name(name)?;
    if name.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CoreError::invalid(
            "name",
            format!("{name:?} is only digits, which is read as a source id; add a letter or '-', '_' or '.'"),
        ));
    }
    Ok(())
}

/// Validates a source after a change (format, TLP, severity, mapping).
fn validate(s: &Source) -> CoreResult<()> {
    check_name(&s.name)?;
    crate::capture::check_len("provider", &s.provider, crate::capture::MAX_SHORT)?;
    if !FORMATS.contains(&s.format.as_str()) {
        return Err(CoreError::invalid("format", format!("{:?} is not a format ({})", s.format, FORMATS.join(", "))));
    }
    if !TLPS.contains(&s.tlp.as_str()) {
        return Err(CoreError::invalid("tlp", format!("{:?} is not a TLP level ({})", s.tlp, TLPS.join(", "))));
    }
    if Severity::parse(&s.default_severity).is_none() {
        return Err(CoreError::invalid(
            "default_severity",
            format!("{:?} is not a severity (info, low, medium, high, critical)", s.default_severity),
        ));
    }
    if s.format != "shadowserver" {
        if s.mapping.trim().is_empty() {
            return Err(CoreError::invalid("mapping", "a csv or jsonl source needs a column mapping"));
        }
        let m: ColumnMapping = serde_json::from_str(&s.mapping).map_err(|e| CoreError::invalid("mapping", e.to_string()))?;
        // The timestamp column is optional: every import has a fallback
        // time (the date in a `YYYY-MM-DD-…` file name, else the time of
        // the import), so the mapping is checked as an import reads it.
        let options = ReaderOptions { fallback_observed_at: Some(time::OffsetDateTime::UNIX_EPOCH), ..ReaderOptions::default() };
        m.validate(&options).map_err(|e| CoreError::invalid("mapping", e.to_string()))?;
    }
    Ok(())
}

impl<S: Store> Core<S> {
    pub async fn create_source(&self, actor: &Actor, r: &SourceRequest) -> CoreResult<Source> {
        self.require_cert(actor).await?;
        let now = self.now();
        let name = r.name.clone().unwrap_or_default().trim().to_string();
        check_new_name(&name)?;
        if self.store.source_by_name(&name).await?.is_some() {
            return Err(CoreError::invalid("name", format!("a source named {name:?} already exists")));
        }
        let mut s = Source {
            id: 0,
            name,
            provider: r.provider.clone().unwrap_or_default(),
            format: r.format.clone().unwrap_or_else(|| "shadowserver".into()),
            tlp: r.tlp.clone().unwrap_or_else(|| "amber".into()).to_ascii_lowercase(),
            default_severity: r.default_severity.clone().unwrap_or_else(|| "medium".into()).to_ascii_lowercase(),
            website_content: r.website_content.unwrap_or(false),
            mapping: r.mapping.as_ref().map(|m| m.to_string()).unwrap_or_default(),
            enabled: r.enabled.unwrap_or(true),
            created: now,
            modified: now,
        };
        validate(&s)?;
        let audit = actor.audit(now, "add", "ExposureSource", 0, format!("Source {} created", s.name));
        s.id = self.store.insert_source(&s, &audit).await?;
        Ok(s)
    }

    pub async fn find_source(&self, key: &str) -> CoreResult<Source> {
        let k = key.trim();
        let found = match k.parse::<i64>() {
            Ok(id) => self.store.source(id).await?,
            Err(_) => self.store.source_by_name(k).await?,
        };
        found.ok_or_else(|| CoreError::NotFound(format!("No exposure source {k:?}")))
    }

    pub async fn update_source(&self, actor: &Actor, key: &str, r: &SourceRequest) -> CoreResult<Source> {
        self.require_cert(actor).await?;
        let old = self.find_source(key).await?;
        let mut s = old.clone();
        if let Some(n) = &r.name {
            s.name = n.trim().to_string();
            if s.name != old.name {
                check_new_name(&s.name)?;
                if self.store.source_by_name(&s.name).await?.is_some() {
                    return Err(CoreError::invalid("name", format!("a source named {:?} already exists", s.name)));
                }
            }
        }
        if let Some(v) = &r.provider {
            s.provider = v.clone();
        }
        if let Some(v) = &r.format {
            s.format = v.clone();
        }
        if let Some(v) = &r.tlp {
            s.tlp = v.to_ascii_lowercase();
        }
        if let Some(v) = &r.default_severity {
            s.default_severity = v.to_ascii_lowercase();
        }
        if let Some(v) = r.website_content {
            s.website_content = v;
        }
        if let Some(m) = &r.mapping {
            s.mapping = m.to_string();
        }
        if let Some(v) = r.enabled {
            s.enabled = v;
        }
        s.modified = self.now();
        validate(&s)?;
        let audit = actor.audit(s.modified, "edit", "ExposureSource", s.id, format!("Source {} changed", s.name));
        self.store.update_source(&s, &audit).await?;
        Ok(s)
    }

    pub async fn delete_source(&self, actor: &Actor, key: &str) -> CoreResult<Source> {
        self.require_cert(actor).await?;
        let s = self.find_source(key).await?;
        let audit = actor.audit(self.now(), "delete", "ExposureSource", s.id, format!("Source {} deleted with its findings", s.name));
        self.store.delete_source(s.id, &audit).await?;
        Ok(s)
    }

    pub async fn list_sources(&self, actor: &Actor) -> CoreResult<Vec<Source>> {
        self.require_cert(actor).await?;
        Ok(self.store.sources().await?)
    }
}

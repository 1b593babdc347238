//! Server settings that change behaviour (MISP's `MISP.*` and `Security.*`
//! names), read from the store per request so that every replica agrees.

use fyr_store::Store;
use serde_json::Value;

/// Settings known to fyr, with MISP's names, defaults and value kinds.
pub const KNOWN: &[(&str, SettingKind, &str)] = &[
    ("MISP.org", SettingKind::Text, "ORGNAME"),
    ("MISP.host_org_id", SettingKind::Int, "1"),
    ("MISP.default_event_distribution", SettingKind::Int, "1"),
    ("MISP.default_attribute_distribution", SettingKind::Text, "event"),
    ("MISP.default_event_threat_level", SettingKind::Int, "4"),
    ("MISP.unpublishedprivate", SettingKind::Bool, "false"),
    ("MISP.delegation", SettingKind::Bool, "true"),
    ("MISP.live", SettingKind::Bool, "true"),
    // fyr publishes synchronously; there is no background job queue to switch on.
    ("MISP.background_jobs", SettingKind::Bool, "false"),
    ("MISP.baseurl", SettingKind::Text, ""),
    ("MISP.max_correlations_per_event", SettingKind::Int, "5000"),
    ("MISP.default_role", SettingKind::Int, "3"),
    ("Security.allow_self_registration", SettingKind::Bool, "false"),
    ("Security.advanced_authkeys", SettingKind::Bool, "true"),
    ("Security.hide_organisation_index_from_users", SettingKind::Bool, "false"),
    ("debug", SettingKind::Int, "0"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKind {
    Text,
    Int,
    Bool,
}

/// Parses a setting's value as MISP would accept it (`true`, `1`, `"1"`…).
pub fn coerce(kind: SettingKind, v: &Value) -> Option<Value> {
    match kind {
        SettingKind::Text => match v {
            Value::String(s) => Some(Value::String(s.clone())),
            Value::Number(n) => Some(Value::String(n.to_string())),
            Value::Bool(b) => Some(Value::String(b.to_string())),
            _ => None,
        },
        SettingKind::Int => match v {
            Value::Number(n) => n.as_i64().map(Value::from),
            Value::String(s) => s.trim().parse::<i64>().ok().map(Value::from),
            Value::Bool(b) => Some(Value::from(i64::from(*b))),
            _ => None,
        },
        SettingKind::Bool => match v {
            Value::Bool(b) => Some(Value::Bool(*b)),
            Value::Number(n) => n.as_i64().map(|i| Value::Bool(i != 0)),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" => Some(Value::Bool(true)),
                "0" | "false" | "no" | "" => Some(Value::Bool(false)),
                _ => None,
            },
            _ => None,
        },
    }
}

pub fn kind_of(name: &str) -> Option<SettingKind> {
    KNOWN.iter().find(|(n, _, _)| *n == name).map(|(_, k, _)| *k)
}

/// The settings a request runs under.
#[derive(Debug, Clone)]
pub struct Settings {
    pub org_name: String,
    pub host_org_id: i64,
    pub default_event_distribution: i64,
    /// `None` means "inherit from the event" (distribution 5).
    pub default_attribute_distribution: Option<i64>,
    pub default_threat_level: i64,
    pub unpublished_private: bool,
    pub default_role: i64,
    pub baseurl: String,
    pub hide_org_index: bool,
}

impl Settings {
    pub async fn load<S: Store>(store: &S) -> Result<Settings, fyr_store::StoreError> {
        let stored = store.settings().await?;
        let get = |name: &str| -> Value {
            if let Some((_, v)) = stored.iter().find(|(n, _)| n == name) {
                return v.clone();
            }
            let (_, kind, default) = KNOWN.iter().find(|(n, _, _)| *n == name).copied().unwrap_or((name, SettingKind::Text, ""));
            coerce(kind, &Value::String(default.to_string())).unwrap_or(Value::Null)
        };
        let int = |name: &str, d: i64| get(name).as_i64().or_else(|| get(name).as_str().and_then(|s| s.parse().ok())).unwrap_or(d);
        let boolean = |name: &str| get(name).as_bool().unwrap_or(false);
        let text = |name: &str| get(name).as_str().map(str::to_string).unwrap_or_default();
        let attr_dist = text("MISP.default_attribute_distribution");
        Ok(Settings {
            org_name: text("MISP.org"),
            host_org_id: int("MISP.host_org_id", 1),
            default_event_distribution: int("MISP.default_event_distribution", 1).clamp(0, 4),
            default_attribute_distribution: match attr_dist.trim() {
                "" | "event" => None,
                other => other.parse::<i64>().ok().filter(|d| (0..=5).contains(d)),
            },
            default_threat_level: int("MISP.default_event_threat_level", 4).clamp(1, 4),
            unpublished_private: boolean("MISP.unpublishedprivate"),
            default_role: int("MISP.default_role", 3),
            baseurl: text("MISP.baseurl"),
            hide_org_index: boolean("Security.hide_organisation_index_from_users"),
        })
    }
}

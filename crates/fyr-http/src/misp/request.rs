//! MISP's URL conventions, parsed once: `[admin/]controller/action[/args…]`
//! with camelCase or snake_case names, a `.json` suffix, CakePHP named
//! parameters (`key:value`, `key[]:value`) and `+` for spaces.

use bytes::Bytes;
use serde_json::{Map, Value};

/// A MISP API request after URL parsing.
#[derive(Debug, Clone)]
pub struct MispRequest {
    pub method: axum::http::Method,
    /// The path as received (after the base path), for error bodies.
    pub path: String,
    pub admin: bool,
    /// snake_case controller (`sharing_groups`, `object_references`).
    pub controller: String,
    /// snake_case action (`rest_search`, `attach_tag_to_object`).
    pub action: String,
    /// Positional arguments after the action.
    pub args: Vec<String>,
    /// Named parameters (`key:value`); `key[]:v` collects into an array.
    pub named: Map<String, Value>,
    pub body: Bytes,
}

/// camelCase or snake_case → snake_case.
pub fn snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '-' {
            out.push('_');
        } else {
            out.push(c);
        }
    }
    out
}

fn decode(seg: &str) -> String {
    let plus = seg.replace('+', " ");
    percent_encoding::percent_decode_str(&plus).decode_utf8_lossy().into_owned()
}

/// The parts of a MISP URL path.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedPath {
    pub admin: bool,
    pub controller: String,
    pub action: String,
    pub args: Vec<String>,
    pub named: Map<String, Value>,
}

/// Parses the path of a request (without base path and query string).
pub fn parse_path(path: &str) -> Option<ParsedPath> {
    let trimmed = path.trim_matches('/');
    let mut segs: Vec<&str> = trimmed.split('/').filter(|s| !s.is_empty()).collect();
    if let Some(last) = segs.last_mut()
        && let Some(stripped) = last.strip_suffix(".json")
    {
        *last = stripped;
    }
    let mut admin = false;
    if segs.first() == Some(&"admin") {
        admin = true;
        segs.remove(0);
    }
    let controller = snake(segs.first()?);
    let action = segs.get(1).map(|a| snake(a)).unwrap_or_else(|| "index".to_string());
    let mut args = Vec::new();
    let mut named = Map::new();
    for seg in segs.iter().skip(2) {
        let seg = decode(seg);
        match seg.split_once(':') {
            // A uuid or an IPv6 value has no leading `key:` of letters only.
            Some((k, v))
                if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '[' || c == ']' || c == '.') =>
            {
                if let Some(base) = k.strip_suffix("[]") {
                    let entry = named.entry(base.to_string()).or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(a) = entry {
                        a.push(Value::String(v.to_string()));
                    } else {
                        let prev = entry.take();
                        *entry = Value::Array(vec![prev, Value::String(v.to_string())]);
                    }
                } else {
                    named.insert(k.to_string(), Value::String(v.to_string()));
                }
            }
            _ => args.push(seg),
        }
    }
    Some(ParsedPath { admin, controller, action, args, named })
}

impl MispRequest {
    pub fn arg(&self, i: usize) -> Option<&str> {
        self.args.get(i).map(String::as_str)
    }

    /// The body as a JSON object merged over the named parameters (body
    /// wins). An empty body is `{}`; a body that is not a JSON object is an
    /// error naming the problem.
    pub fn params(&self) -> Result<Map<String, Value>, String> {
        let mut out = self.named.clone();
        if !self.body.iter().all(u8::is_ascii_whitespace) {
            let v: Value = serde_json::from_slice(&self.body).map_err(|e| format!("Malformed JSON in the request body: {e}"))?;
            match v {
                Value::Object(m) => {
                    // MISP accepts `{"request": {…}}` wrappers on restSearch.
                    let m = match m.get("request") {
                        Some(Value::Object(inner)) if m.len() == 1 => inner.clone(),
                        _ => m,
                    };
                    for (k, v) in m {
                        out.insert(k, v);
                    }
                }
                Value::Null => {}
                _ => return Err("The request body must be a JSON object.".to_string()),
            }
        }
        Ok(out)
    }

    /// Whether the body is empty (or whitespace).
    pub fn body_is_empty(&self) -> bool {
        self.body.iter().all(u8::is_ascii_whitespace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controllers_and_actions() {
        let p = |s: &str| {
            let r = parse_path(s).unwrap();
            (r.admin, r.controller, r.action, r.args, r.named)
        };
        let (admin, c, a, args, named) = p("/admin/users/index/value:admin@admin.test/searchorg:1");
        assert!(admin);
        assert_eq!((c.as_str(), a.as_str()), ("users", "index"));
        assert!(args.is_empty());
        assert_eq!(named["value"], "admin@admin.test");
        assert_eq!(named["searchorg"], "1");
        let (_, c, a, args, _) = p("/sharingGroups/view/5.json");
        assert_eq!((c.as_str(), a.as_str(), args[0].as_str()), ("sharing_groups", "view", "5"));
        let (_, c, a, _, _) = p("attributes/describeTypes.json");
        assert_eq!((c.as_str(), a.as_str()), ("attributes", "describe_types"));
        let (_, _, a, args, _) = p("servers/serverSettingsEdit/Security.allow_self_registration");
        assert_eq!(a, "server_settings_edit");
        assert_eq!(args[0], "Security.allow_self_registration");
        let (_, _, _, args, named) = p("events/view/12/deleted[]:0/deleted[]:1/excludeGalaxy:1");
        assert_eq!(args, vec!["12"]);
        assert_eq!(named["deleted"], serde_json::json!(["0", "1"]));
        let (_, c, _, _, _) = p("objectReferences/add");
        assert_eq!(c, "object_references");
        let (_, _, _, args, named) = p("events/view/1ef95b39-6f4a-4b2a-9f3e-3c1f7e5a3d21");
        assert_eq!(args.len(), 1);
        assert!(named.is_empty());
        let (_, _, _, args, _) = p("organisations/view/Test+Org");
        assert_eq!(args[0], "Test Org");
    }
}

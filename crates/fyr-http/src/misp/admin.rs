//! Organisations (`organisations/index|view`, `admin/organisations/add|edit|delete`),
//! users (`admin/users/add|edit|delete|index`, `users/edit`), API keys
//! (`auth_keys/add`) and roles (`roles/index|view`,
//! `admin/roles/add|edit|delete|set_default`). `users/view` lives in
//! [`super::system`].

use super::{Cx, Handled, reply};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use fyr_core::CoreError;
use fyr_core::admin::{
    KeyOptions, NewOrg, NewPassword, NewUser, OrgChanges, OrgListing, OrgQuery, OrgScope, OwnUserChanges, RoleChanges, UserChanges,
    UserListing, UserQuery,
};
use fyr_core::roles::{PERMS, permission_description, permission_level};
use fyr_core::settings::{SettingKind, coerce};
use fyr_misp::de::{opt_bool, opt_i64, opt_string};
use fyr_misp::output;
use fyr_store::*;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

pub async fn route<S: Store + Clone>(cx: &Cx<'_, S>) -> Handled {
    let admin = cx.req.admin;
    let r = match (cx.req.controller.as_str(), cx.req.action.as_str()) {
        ("organisations", "index") => org_index(cx).await,
        ("organisations", "view") => org_view(cx).await,
        ("organisations", "add") if admin => org_add(cx).await,
        ("organisations", "edit") if admin => org_edit(cx).await,
        ("organisations", "delete") if admin => org_delete(cx).await,
        ("users", "add") if admin => user_add(cx).await,
        ("users", "edit") if admin => user_admin_edit(cx).await,
        ("users", "edit") => user_own_edit(cx).await,
        ("users", "delete") if admin => user_delete(cx).await,
        ("users", "index") if admin => user_index(cx).await,
        ("auth_keys", "add") => auth_key_add(cx).await,
        ("roles", "index") => role_index(cx).await,
        ("roles", "view") => role_view(cx).await,
        ("roles", "add") if admin => role_add(cx).await,
        ("roles", "edit") if admin => role_edit(cx).await,
        ("roles", "delete") if admin => role_delete(cx).await,
        ("roles", "set_default") if admin => role_set_default(cx).await,
        _ => return None,
    };
    Some(r)
}

// ---- shared helpers (also used by the sharing group and tag modules) -----

/// Writes must be POSTed (PUT and DELETE are accepted too).
pub(super) fn require_write<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<(), CoreError> {
    if matches!(cx.req.method, Method::POST | Method::PUT | Method::DELETE) {
        Ok(())
    } else {
        Err(CoreError::NotAllowed("This action requires a POST request.".into()))
    }
}

fn shown(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 80 { format!("{}…", s.chars().take(80).collect::<String>()) } else { s }
}

fn bad(key: &str, expected: &str, v: &Value) -> CoreError {
    CoreError::BadRequest(format!("Invalid value for field {key}: expected {expected}, got {}", shown(v)))
}

/// A parameter as text (strings and numbers are accepted); `None` when absent or null.
pub(super) fn text_param(p: &Map<String, Value>, key: &str) -> Result<Option<String>, CoreError> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(bad(key, "a string", other)),
    }
}

/// The first of several alternative parameter names that is given.
pub(super) fn text_param_any(p: &Map<String, Value>, keys: &[&str]) -> Result<Option<String>, CoreError> {
    for k in keys {
        if let Some(v) = text_param(p, k)?.filter(|v| !v.trim().is_empty()) {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// A boolean parameter (`true`, `1`, `"1"`, `"true"`…); `None` when absent, null or empty.
pub(super) fn bool_param(p: &Map<String, Value>, key: &str) -> Result<Option<bool>, CoreError> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v) => match coerce(SettingKind::Bool, v) {
            Some(Value::Bool(b)) => Ok(Some(b)),
            _ => Err(bad(key, "a boolean", v)),
        },
    }
}

/// An integer parameter; `None` when absent, null or empty.
pub(super) fn int_param(p: &Map<String, Value>, key: &str) -> Result<Option<i64>, CoreError> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v @ Value::Bool(_)) => Err(bad(key, "an integer", v)),
        Some(v) => match coerce(SettingKind::Int, v) {
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| bad(key, "an integer", v)),
            _ => Err(bad(key, "an integer", v)),
        },
    }
}

/// The body object, unwrapped from `{"<Model>": {…}}` if wrapped, merged over the named parameters.
pub(super) fn wrapped_params<S: Store + Clone>(cx: &Cx<'_, S>, model: &str) -> Result<Map<String, Value>, CoreError> {
    let mut p = cx.params()?;
    if let Some(Value::Object(inner)) = p.remove(model) {
        for (k, v) in inner {
            p.insert(k, v);
        }
    }
    Ok(p)
}

/// A numeric id from the URL, or a 404 naming what was expected.
fn id_arg<S: Store + Clone>(cx: &Cx<'_, S>, what: &str) -> Result<i64, CoreError> {
    let raw = cx.arg(0, what)?;
    raw.trim().parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| CoreError::NotFound(format!("Invalid {what}")))
}

// ---- organisations -------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct OrgBody {
    #[serde(default, deserialize_with = "opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    description: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "opt_string")]
    org_type: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    nationality: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    sector: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    contacts: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    landingpage: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    local: Option<bool>,
    #[serde(default)]
    restricted_to_domain: Option<Value>,
    #[serde(rename = "Organisation", default)]
    inner: Option<Box<OrgBody>>,
}

impl OrgBody {
    fn unwrap_inner(self) -> OrgBody {
        match self.inner {
            Some(inner) => *inner,
            None => self,
        }
    }

    fn domains(&self) -> Result<Option<Vec<String>>, CoreError> {
        match &self.restricted_to_domain {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => {
                Ok(Some(s.split(['\n', ',', ' ']).map(str::trim).filter(|d| !d.is_empty()).map(str::to_string).collect()))
            }
            Some(Value::Array(items)) => items
                .iter()
                .map(|d| d.as_str().map(str::to_string).ok_or_else(|| bad("restricted_to_domain", "a list of domain names", d)))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(bad("restricted_to_domain", "a list of domain names", other)),
        }
    }

    fn changes(self) -> Result<OrgChanges, CoreError> {
        let restricted_to_domain = self.domains()?;
        let uuid = match self.uuid.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => Some(fyr_core::capture::parse_uuid("uuid", u)?),
            None => None,
        };
        Ok(OrgChanges {
            name: self.name,
            uuid,
            description: self.description,
            org_type: self.org_type,
            nationality: self.nationality,
            sector: self.sector,
            contacts: self.contacts,
            local: self.local,
            restricted_to_domain,
            landingpage: self.landingpage,
        })
    }
}

/// E-mail addresses of the users who created these organisations (shown to site admins).
async fn creator_emails<S: Store + Clone>(cx: &Cx<'_, S>, orgs: &[&Organisation]) -> Result<HashMap<i64, String>, CoreError> {
    let mut out = HashMap::new();
    if !cx.actor.site_admin() {
        return Ok(out);
    }
    let mut ids: Vec<i64> = orgs.iter().map(|o| o.created_by).filter(|id| *id > 0).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        if let Some(u) = cx.core().store.user(id).await? {
            out.insert(id, u.email);
        }
    }
    Ok(out)
}

fn render_org<S: Store + Clone>(cx: &Cx<'_, S>, o: &OrgListing, emails: &HashMap<i64, String>) -> Value {
    let mut v = output::organisation(&o.org);
    if let Value::Object(m) = &mut v {
        m.insert("user_count".into(), output::s(o.user_count));
        if cx.actor.site_admin() {
            let email = emails.get(&o.org.created_by).map(|e| Value::String(e.clone())).unwrap_or(Value::Null);
            m.insert("created_by_email".into(), email);
        }
    }
    v
}

/// One organisation as `{"Organisation": …}`.
async fn render_one_org<S: Store + Clone>(cx: &Cx<'_, S>, o: &OrgListing) -> Result<Value, CoreError> {
    let emails = creator_emails(cx, &[&o.org]).await?;
    Ok(json!({"Organisation": render_org(cx, o, &emails)}))
}

async fn org_index<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let p = cx.params()?;
    let scope = match text_param(&p, "scope")?.as_deref().map(str::trim) {
        None | Some("") | Some("local") => OrgScope::Local,
        Some("external") => OrgScope::External,
        Some("all") => OrgScope::All,
        Some(other) => return Err(CoreError::BadRequest(format!("Invalid value for field scope: {other:?} (local, external or all)"))),
    };
    let search = text_param_any(&p, &["searchall", "all", "quickFilter"])?;
    let list = cx.core().list_orgs(&cx.actor, &OrgQuery { scope, search }).await?;
    let orgs: Vec<&Organisation> = list.iter().map(|l| &l.org).collect();
    let emails = creator_emails(cx, &orgs).await?;
    let out: Vec<Value> = list.iter().map(|o| json!({"Organisation": render_org(cx, o, &emails)})).collect();
    Ok(reply::ok_counted(Value::Array(out), list.len() as u64))
}

async fn org_view<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let key = cx.arg(0, "organisation")?;
    let found = cx.core().view_org(&cx.actor, key).await?;
    if cx.req.method == Method::HEAD {
        return Ok(reply::empty(StatusCode::OK));
    }
    Ok(reply::ok(render_one_org(cx, &found).await?))
}

async fn org_add<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let body: OrgBody = cx.body()?;
    let c = body.unwrap_inner().changes()?;
    let n = NewOrg {
        name: c.name.unwrap_or_default(),
        uuid: c.uuid,
        description: c.description.unwrap_or_default(),
        org_type: c.org_type.unwrap_or_default(),
        nationality: c.nationality.unwrap_or_default(),
        sector: c.sector.unwrap_or_default(),
        contacts: c.contacts.unwrap_or_default(),
        local: c.local.unwrap_or(true),
        restricted_to_domain: c.restricted_to_domain.unwrap_or_default(),
    };
    let org = cx.core().create_org(Some(&cx.actor), n).await?;
    Ok(reply::ok(render_one_org(cx, &OrgListing { org, user_count: 0 }).await?))
}

async fn org_edit<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let key = cx.arg(0, "organisation")?;
    let body: OrgBody = cx.body()?;
    let core = cx.core();
    let org = core.edit_org(Some(&cx.actor), key, body.unwrap_inner().changes()?).await?;
    let listing = core.view_org(&cx.actor, &org.id.to_string()).await?;
    Ok(reply::ok(render_one_org(cx, &listing).await?))
}

async fn org_delete<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let key = cx.arg(0, "organisation")?.to_string();
    cx.core().delete_org(Some(&cx.actor), &key).await?;
    Ok(reply::saved("Organisation deleted", &format!("/admin/organisations/delete/{key}"), Some(Value::String(key))))
}

// ---- users ---------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct UserBody {
    #[serde(default, deserialize_with = "opt_string")]
    email: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    org_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    role_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    password: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    current_password: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    disabled: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    change_pw: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    termsaccepted: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    autoalert: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    contactalert: Option<bool>,
    #[serde(default, deserialize_with = "opt_i64")]
    nids_sid: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    gpgkey: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    certif_public: Option<String>,
    #[serde(rename = "User", default)]
    inner: Option<Box<UserBody>>,
}

impl UserBody {
    fn unwrap_inner(self) -> UserBody {
        match self.inner {
            Some(inner) => *inner,
            None => self,
        }
    }

    /// The new password, unless absent, empty or the `*****` mask that
    /// clients send back unchanged.
    fn new_password(&self) -> Option<String> {
        self.password.clone().filter(|p| !p.is_empty() && !p.chars().all(|c| c == '*'))
    }
}

/// Hashes a new password on a blocking thread (Argon2id is CPU-heavy).
async fn hash_password<S: Store + Clone>(cx: &Cx<'_, S>, clear: String) -> Result<NewPassword, CoreError> {
    let env = cx.core().env.clone();
    tokio::task::spawn_blocking(move || NewPassword::hash(env.as_ref(), &clear))
        .await
        .map_err(|e| CoreError::Internal(format!("password hashing task failed: {e}")))?
}

/// A user as `admin/users/add|edit` answer it.
fn render_user(u: &User) -> Value {
    output::user(u)
}

async fn user_add<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let body: UserBody = cx.body()?;
    let b = body.unwrap_inner();
    let password = match b.new_password() {
        Some(p) => Some(hash_password(cx, p).await?),
        None => None,
    };
    let n = NewUser {
        email: b.email.clone().unwrap_or_default(),
        org_id: b.org_id.unwrap_or(cx.actor.org.id),
        role_id: b.role_id,
        disabled: b.disabled.unwrap_or(false),
        change_pw: b.change_pw.unwrap_or(true),
        autoalert: b.autoalert.unwrap_or(false),
        contactalert: b.contactalert.unwrap_or(false),
        termsaccepted: b.termsaccepted.unwrap_or(false),
        nids_sid: b.nids_sid.unwrap_or(0),
        gpgkey: b.gpgkey.clone().unwrap_or_default(),
        certif_public: b.certif_public.clone().unwrap_or_default(),
        password,
    };
    let (user, key) = cx.core().create_user(Some(&cx.actor), n).await?;
    let mut v = render_user(&user);
    if let Value::Object(m) = &mut v {
        m.insert("authkey".into(), Value::String(key));
    }
    Ok(reply::ok(json!({"User": v})))
}

async fn user_admin_edit<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let id = id_arg(cx, "user")?;
    let body: UserBody = cx.body()?;
    let b = body.unwrap_inner();
    let password = match b.new_password() {
        Some(p) => Some(hash_password(cx, p).await?),
        None => None,
    };
    let c = UserChanges {
        email: b.email,
        org_id: b.org_id,
        role_id: b.role_id,
        disabled: b.disabled,
        change_pw: b.change_pw,
        termsaccepted: b.termsaccepted,
        autoalert: b.autoalert,
        contactalert: b.contactalert,
        nids_sid: b.nids_sid,
        gpgkey: b.gpgkey,
        certif_public: b.certif_public,
        password,
    };
    let user = cx.core().admin_edit_user(Some(&cx.actor), id, c).await?;
    Ok(reply::ok(json!({"User": render_user(&user)})))
}

async fn user_own_edit<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let id = match cx.arg(0, "user")? {
        "me" => cx.actor.user.id,
        _ => id_arg(cx, "user")?,
    };
    let body: UserBody = cx.body()?;
    let b = body.unwrap_inner();
    let password = match b.new_password() {
        Some(new) => {
            let env = cx.core().env.clone();
            let user = cx.actor.user.clone();
            let current = b.current_password.clone();
            let task = tokio::task::spawn_blocking(move || NewPassword::change_own(env.as_ref(), &user, current.as_deref(), &new));
            Some(task.await.map_err(|e| CoreError::Internal(format!("password hashing task failed: {e}")))??)
        }
        None => None,
    };
    let c = OwnUserChanges {
        autoalert: b.autoalert,
        contactalert: b.contactalert,
        nids_sid: b.nids_sid,
        gpgkey: b.gpgkey,
        certif_public: b.certif_public,
        password,
    };
    let user = cx.core().edit_own_user(&cx.actor, id, c).await?;
    Ok(reply::ok(json!({"User": render_user(&user)})))
}

async fn user_delete<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let id = id_arg(cx, "user")?;
    cx.core().delete_user(Some(&cx.actor), id).await?;
    Ok(reply::saved("User deleted.", &format!("/admin/users/delete/{id}"), Some(output::s(id))))
}

/// MISP's `searchorg`: ids separated by `|`, `!` excludes.
fn org_filter(raw: Option<String>) -> Result<IdFilter, CoreError> {
    let mut f = IdFilter::default();
    for part in raw.iter().flat_map(|r| r.split('|')).map(str::trim).filter(|p| !p.is_empty()) {
        let (neg, digits) = match part.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, part),
        };
        let id = digits
            .trim()
            .parse::<i64>()
            .map_err(|_| CoreError::BadRequest(format!("Invalid value for field searchorg: {part:?} is not an organisation id")))?;
        if neg { f.none_of.push(id) } else { f.any_of.push(id) }
    }
    Ok(f)
}

fn render_user_listing(l: &UserListing) -> Value {
    let mut u = output::user(&l.user);
    if let Value::Object(m) = &mut u {
        for k in ["password", "totp", "hotp_counter", "sub", "external_auth_required", "external_auth_key"] {
            m.remove(k);
        }
        for k in ["notification_daily", "notification_weekly", "notification_monthly"] {
            m.remove(k);
        }
    }
    let role = match &l.role {
        Some(r) => json!({"id": output::s(r.id), "name": r.name, "perm_auth": r.perm("perm_auth"),
            "perm_site_admin": r.perm("perm_site_admin"), "perm_admin": r.perm("perm_admin")}),
        None => json!({"id": output::s(l.user.role_id), "name": Value::Null}),
    };
    let org = match &l.org {
        Some(o) => json!({"id": output::s(o.id), "name": o.name}),
        None => json!({"id": output::s(l.user.org_id), "name": Value::Null}),
    };
    json!({"User": u, "Role": role, "Organisation": org})
}

async fn user_index<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let p = cx.params()?;
    let search = text_param_any(&p, &["value", "searchall", "all", "quickFilter"])?;
    let orgs = org_filter(text_param(&p, "searchorg")?)?;
    let list = cx.core().list_users(&cx.actor, &UserQuery { search, orgs }).await?;
    let rows: Vec<Value> = list.iter().map(render_user_listing).collect();
    Ok(reply::ok_counted(Value::Array(rows), list.len() as u64))
}

// ---- API keys ------------------------------------------------------------

/// `expiration`: UNIX seconds, or a date `YYYY-MM-DD` (midnight UTC); 0 or empty: never.
fn expiration(p: &Map<String, Value>) -> Result<i64, CoreError> {
    let Some(raw) = text_param(p, "expiration")? else { return Ok(0) };
    let t = raw.trim();
    if t.is_empty() {
        return Ok(0);
    }
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n.max(0));
    }
    let date = fyr_core::events::parse_date("expiration", t)?;
    let mut parts = date.split('-').map(|x| x.parse::<i64>().unwrap_or(0));
    let (y, m, d) = (parts.next().unwrap_or(1970), parts.next().unwrap_or(1), parts.next().unwrap_or(1));
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok((era * 146_097 + doe - 719_468) * 86_400)
}

fn allowed_ips(p: &Map<String, Value>) -> Result<Vec<String>, CoreError> {
    match p.get("allowed_ips") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(s.split(['\n', ',', ' ']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()),
        Some(Value::Array(items)) => {
            items.iter().map(|x| x.as_str().map(str::to_string).ok_or_else(|| bad("allowed_ips", "a list of addresses", x))).collect()
        }
        Some(other) => Err(bad("allowed_ips", "a list of addresses", other)),
    }
}

async fn auth_key_add<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let user_id = match cx.req.arg(0) {
        None | Some("me") => cx.actor.user.id,
        Some(_) => id_arg(cx, "user")?,
    };
    let p = wrapped_params(cx, "AuthKey")?;
    let opts = KeyOptions {
        allowed_ips: allowed_ips(&p)?,
        expiration: expiration(&p)?,
        read_only: bool_param(&p, "read_only")?.unwrap_or(false),
        comment: text_param(&p, "comment")?.unwrap_or_default(),
    };
    let (clear, k) = cx.core().add_key(Some(&cx.actor), user_id, &opts).await?;
    Ok(reply::ok(json!({"AuthKey": {
        "id": output::s(k.id),
        "uuid": k.uuid.to_string(),
        "authkey_start": k.authkey_start,
        "authkey_end": k.authkey_end,
        "created": output::s(k.created),
        "expiration": output::s(k.expiration),
        "read_only": k.read_only,
        "user_id": output::s(k.user_id),
        "comment": k.comment,
        "allowed_ips": if k.allowed_ips.is_empty() { Value::Null } else { json!(k.allowed_ips) },
        "unique_ips": [],
        "authkey_raw": clear,
    }})))
}

// ---- roles ---------------------------------------------------------------

fn render_role(r: &Role, default_role: i64) -> Value {
    let level = permission_level(&r.perms);
    let mut v = output::role(r, default_role, PERMS, level, permission_description(level));
    if let Value::Object(m) = &mut v {
        m.insert("default".into(), Value::Bool(r.id == default_role));
    }
    v
}

fn role_changes(p: &Map<String, Value>) -> Result<RoleChanges, CoreError> {
    let mut perms = std::collections::BTreeMap::new();
    for name in PERMS {
        if let Some(v) = bool_param(p, name)? {
            perms.insert((*name).to_string(), v);
        }
    }
    Ok(RoleChanges {
        name: text_param(p, "name")?,
        permission: int_param(p, "permission")?,
        perms,
        memory_limit: text_param(p, "memory_limit")?,
        max_execution_time: text_param(p, "max_execution_time")?,
        restricted_to_site_admin: bool_param(p, "restricted_to_site_admin")?,
        enforce_rate_limit: bool_param(p, "enforce_rate_limit")?,
        rate_limit_count: int_param(p, "rate_limit_count")?,
    })
}

async fn role_index<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let (roles, default_role) = cx.core().list_roles().await?;
    let rows: Vec<Value> = roles.iter().map(|r| json!({"Role": render_role(r, default_role)})).collect();
    Ok(reply::ok_counted(Value::Array(rows), roles.len() as u64))
}

async fn role_view<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let id = id_arg(cx, "Role")?;
    let core = cx.core();
    let role = core.view_role(id).await?;
    let default_role = core.settings().await?.default_role;
    Ok(reply::ok(json!({"Role": render_role(&role, default_role)})))
}

async fn role_add<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let p = wrapped_params(cx, "Role")?;
    let core = cx.core();
    let role = core.add_role(&cx.actor, role_changes(&p)?).await?;
    let default_role = core.settings().await?.default_role;
    Ok(reply::ok(json!({"Role": render_role(&role, default_role)})))
}

async fn role_edit<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let id = id_arg(cx, "Role")?;
    let p = wrapped_params(cx, "Role")?;
    let core = cx.core();
    let role = core.edit_role(&cx.actor, id, role_changes(&p)?).await?;
    let default_role = core.settings().await?.default_role;
    Ok(reply::ok(json!({"Role": render_role(&role, default_role)})))
}

async fn role_delete<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let id = id_arg(cx, "Role")?;
    cx.core().delete_role(&cx.actor, id).await?;
    // MISP answers with this url and a numeric id.
    Ok(reply::saved("Role deleted.", &format!("/roles/delete/{id}"), Some(Value::from(id))))
}

async fn role_set_default<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let id = cx.arg(0, "Role")?.trim().parse::<i64>().map_err(|_| CoreError::Refused("Invalid Role.".into()))?;
    cx.core().set_default_role(&cx.actor, id).await?;
    Ok(reply::saved("Default role set.", &format!("/admin/roles/set_default/{id}"), Some(output::s(id))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiration_dates() {
        let p = |v: Value| {
            let mut m = Map::new();
            m.insert("expiration".into(), v);
            m
        };
        assert_eq!(expiration(&p(json!("2024-01-02"))).ok(), Some(1_704_153_600));
        assert_eq!(expiration(&p(json!(1_704_153_600))).ok(), Some(1_704_153_600));
        assert_eq!(expiration(&p(json!(""))).ok(), Some(0));
        assert!(expiration(&p(json!("soon"))).is_err());
    }

    #[test]
    fn searchorg() {
        let f = org_filter(Some("1|!2| 3".into())).ok();
        assert_eq!(f.map(|f| (f.any_of, f.none_of)), Some((vec![1, 3], vec![2])));
        assert!(org_filter(Some("x".into())).is_err());
    }
}

//! Organisations, users and API keys: creation and key management, shared
//! by the `fyr admin` command line and the MISP admin endpoints.

use crate::auth;
use crate::capture::{MAX_SHORT, MAX_TEXT, check_len};
use crate::core::{Actor, Core};
use crate::env::Env;
use crate::error::{CoreError, CoreResult};
use crate::roles;
use fyr_misp::output;
use fyr_store::*;
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

/// What is needed to create an organisation.
#[derive(Debug, Clone, Default)]
pub struct NewOrg {
    pub name: String,
    pub uuid: Option<Uuid>,
    pub description: String,
    pub org_type: String,
    pub nationality: String,
    pub sector: String,
    pub contacts: String,
    pub local: bool,
    pub restricted_to_domain: Vec<String>,
}

/// What is needed to create a user.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub email: String,
    pub org_id: i64,
    /// `None`: the default role.
    pub role_id: Option<i64>,
    pub disabled: bool,
    pub change_pw: bool,
    pub autoalert: bool,
    pub contactalert: bool,
    pub termsaccepted: bool,
    pub nids_sid: i64,
    pub gpgkey: String,
    pub certif_public: String,
    /// A password for the web interface; `None`: API keys only.
    pub password: Option<NewPassword>,
}

/// A valid e-mail address shape (`x@y.z`), trimmed.
pub fn check_email(field: &str, email: &str) -> CoreResult<String> {
    let e = email.trim();
    check_len(field, e, MAX_SHORT)?;
    let ok = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if !ok {
        return Err(CoreError::invalid(field, format!("{e:?} is not a valid e-mail address")));
    }
    Ok(e.to_string())
}

impl<S: Store> Core<S> {
    /// Creates an organisation (site admins, or the system when `actor` is `None`).
    pub async fn create_org(&self, actor: Option<&Actor>, n: NewOrg) -> CoreResult<Organisation> {
        if let Some(a) = actor {
            a.require("perm_site_admin")?;
        }
        let name = n.name.trim().to_string();
        if name.is_empty() {
            return Err(CoreError::invalid("name", "is required"));
        }
        check_len("name", &name, MAX_SHORT)?;
        check_len("description", &n.description, MAX_TEXT)?;
        for (f, v) in [("type", &n.org_type), ("nationality", &n.nationality), ("sector", &n.sector)] {
            check_len(f, v, MAX_SHORT)?;
        }
        check_len("contacts", &n.contacts, MAX_TEXT)?;
        let restricted_to_domain = n
            .restricted_to_domain
            .iter()
            .enumerate()
            .map(|(i, d)| check_domain(&format!("restricted_to_domain[{i}]"), d))
            .collect::<CoreResult<Vec<_>>>()?;
        if self.store.org_by_name(&name).await?.is_some() {
            return Err(CoreError::invalid("name", "An organisation with this name already exists."));
        }
        let uuid = n.uuid.unwrap_or_else(|| self.env.new_uuid());
        if self.store.org_by_uuid(&uuid).await?.is_some() {
            return Err(CoreError::invalid("uuid", "An organisation with this UUID already exists."));
        }
        let now = self.now();
        let mut org = Organisation {
            id: 0,
            uuid,
            name: name.clone(),
            description: n.description,
            org_type: n.org_type,
            nationality: n.nationality,
            sector: n.sector,
            contacts: n.contacts,
            local: n.local,
            restricted_to_domain,
            landingpage: String::new(),
            created_by: actor.map(|a| a.user.id).unwrap_or(0),
            created: now,
            modified: now,
        };
        let audit = match actor {
            Some(a) => a.audit(now, "add", "Organisation", 0, format!("Organisation {name} created")),
            None => self.system_audit("add", "Organisation", 0, format!("Organisation {name} created from the command line")),
        };
        org.id = self.store.insert_org(&org, &audit).await?;
        Ok(org)
    }

    /// Finds an organisation by id, uuid or name.
    pub async fn find_org(&self, key: &str) -> CoreResult<Option<Organisation>> {
        let k = key.trim();
        if let Ok(id) = k.parse::<i64>() {
            return Ok(self.store.org(id).await?);
        }
        if let Ok(u) = Uuid::parse_str(k) {
            return Ok(self.store.org_by_uuid(&u).await?);
        }
        Ok(self.store.org_by_name(k).await?)
    }

    /// Creates a user and a first API key; returns the user and the clear key.
    pub async fn create_user(&self, actor: Option<&Actor>, n: NewUser) -> CoreResult<(User, String)> {
        let settings = self.settings().await?;
        if let Some(a) = actor {
            a.require("perm_admin")?;
            if !a.site_admin() && n.org_id != a.org.id {
                return Err(CoreError::Forbidden("You can only add users to your own organisation.".into()));
            }
        }
        if n.email.trim().is_empty() {
            return Err(CoreError::invalid("email", "Mandatory field not set."));
        }
        let email = check_email("email", &n.email)?;
        if self.store.user_by_email(&email).await?.is_some() {
            return Err(CoreError::invalid("email", "An account with this email address already exists."));
        }
        let org = self.store.org(n.org_id).await?.ok_or_else(|| CoreError::invalid("org_id", "Invalid organisation"))?;
        if !email_in_domains(&email, &org.restricted_to_domain) {
            return Err(CoreError::invalid("email", "The e-mail address is not in one of the organisation's allowed domains."));
        }
        let role_id = n.role_id.unwrap_or(settings.default_role);
        let role = self.store.role(role_id).await?.ok_or_else(|| CoreError::invalid("role_id", "Invalid role"))?;
        if let Some(a) = actor {
            // Only site admins hand out roles with site admin or sync rights.
            if !a.site_admin() && (role.perm("perm_site_admin") || role.perm("perm_sync") || role.restricted_to_site_admin) {
                return Err(CoreError::invalid("role_id", "You are not allowed to assign this role."));
            }
        }
        check_len("gpgkey", &n.gpgkey, MAX_TEXT)?;
        check_len("certif_public", &n.certif_public, MAX_TEXT)?;
        let now = self.now();
        let mut user = User {
            id: 0,
            org_id: n.org_id,
            role_id,
            email: email.clone(),
            password_hash: n.password.map(|p| p.0),
            disabled: n.disabled,
            change_pw: n.change_pw,
            termsaccepted: n.termsaccepted,
            autoalert: n.autoalert,
            contactalert: n.contactalert,
            nids_sid: n.nids_sid,
            gpgkey: n.gpgkey,
            certif_public: n.certif_public,
            totp_secret: None,
            invited_by: actor.map(|a| a.user.id).unwrap_or(0),
            created: now,
            last_login: 0,
            date_modified: now,
        };
        let audit = match actor {
            Some(a) => a.audit(now, "add", "User", 0, format!("User {email} created")),
            None => self.system_audit("add", "User", 0, format!("User {email} created from the command line")),
        };
        user.id = self.store.insert_user(&user, &audit).await?;
        let key = self.add_key(actor, user.id, &KeyOptions::default()).await?;
        Ok((user, key.0))
    }

    /// Adds an API key for a user; returns the clear key (shown once) and its record.
    pub async fn add_key(&self, actor: Option<&Actor>, user_id: i64, opts: &KeyOptions) -> CoreResult<(String, AuthKey)> {
        let user = self.store.user(user_id).await?.ok_or_else(|| CoreError::NotFound("Invalid user".into()))?;
        if let Some(a) = actor {
            let own = a.user.id == user.id;
            let org_admin = a.perm("perm_admin") && a.org.id == user.org_id;
            if !(own || org_admin || a.site_admin()) {
                return Err(CoreError::NotFound("Invalid user".into()));
            }
            if !own && !a.site_admin() && self.store.role(user.role_id).await?.is_some_and(|r| r.perm("perm_site_admin")) {
                return Err(CoreError::Forbidden("Only site administrators may manage site administrators.".into()));
            }
            if a.read_only {
                return Err(CoreError::NoPermission);
            }
        }
        for ip in &opts.allowed_ips {
            let ok = ip.parse::<std::net::IpAddr>().is_ok() || ip.parse::<ipnet::IpNet>().is_ok();
            if !ok {
                return Err(CoreError::invalid("allowed_ips", format!("{ip:?} is not an IP address or CIDR")));
            }
        }
        check_len("comment", &opts.comment, MAX_TEXT)?;
        let (clear, mut record) = auth::new_key(self.env.as_ref(), &self.pepper, user.id, None);
        record.allowed_ips = opts.allowed_ips.clone();
        record.expiration = opts.expiration;
        record.read_only = opts.read_only;
        record.comment = opts.comment.clone();
        let now = self.now();
        let audit = match actor {
            Some(a) => a.audit(
                now,
                "add",
                "AuthKey",
                0,
                format!("API key {}…{} added for {}", record.authkey_start, record.authkey_end, user.email),
            ),
            None => self.system_audit("add", "AuthKey", 0, format!("API key added for {} from the command line", user.email)),
        };
        record.id = self.store.insert_auth_key(&record, &audit).await?;
        Ok((clear, record))
    }

    /// Revokes all of a user's keys and issues a new one.
    pub async fn reset_key(&self, actor: Option<&Actor>, user_id: i64) -> CoreResult<(String, AuthKey)> {
        let user = self.store.user(user_id).await?.ok_or_else(|| CoreError::NotFound("Invalid user".into()))?;
        let now = self.now();
        let audit = match actor {
            Some(a) => a.audit(now, "delete", "AuthKey", 0, format!("API keys of {} revoked", user.email)),
            None => self.system_audit("delete", "AuthKey", 0, format!("API keys of {} revoked from the command line", user.email)),
        };
        self.store.delete_auth_keys_of_user(user.id, &audit).await?;
        self.add_key(actor, user.id, &KeyOptions::default()).await
    }
}

/// Options of a new API key.
#[derive(Debug, Clone, Default)]
pub struct KeyOptions {
    pub allowed_ips: Vec<String>,
    /// UNIX time after which the key stops working; 0 = never.
    pub expiration: i64,
    pub read_only: bool,
    pub comment: String,
}

/// Longest accepted password (bytes); Argon2 takes any length, but there is
/// no reason to hash megabytes.
pub const MAX_PASSWORD: usize = 1024;

/// A password that passed MISP's policy, hashed with Argon2id. Built only by
/// [`NewPassword::hash`], which is CPU-heavy: call it from a blocking thread.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    /// Checks the policy (`password` names the field in errors) and hashes.
    pub fn hash(env: &dyn Env, clear: &str) -> CoreResult<NewPassword> {
        check_len("password", clear, MAX_PASSWORD)?;
        if let Some(problem) = auth::password_problem(clear) {
            return Err(CoreError::invalid("password", problem));
        }
        auth::hash_password(env, clear).map(NewPassword).map_err(|e| CoreError::Internal(format!("password hashing failed: {e}")))
    }

    /// A user's change of their own password: the current password must
    /// match when one is set. CPU-heavy (verifies and hashes).
    pub fn change_own(env: &dyn Env, user: &User, current: Option<&str>, new: &str) -> CoreResult<OwnPassword> {
        if user.password_hash.is_some() {
            let Some(current) = current.filter(|c| !c.is_empty()) else {
                return Err(CoreError::invalid("current_password", "The current password is required to set a new one."));
            };
            if !auth::verify_password(user.password_hash.as_deref(), current) {
                return Err(CoreError::invalid("current_password", "The current password is not correct."));
            }
        }
        Ok(OwnPassword(NewPassword::hash(env, new)?))
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

/// A new password for one's own account, checked against the current one.
#[derive(Clone, Debug)]
pub struct OwnPassword(NewPassword);

/// Changes to an organisation; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct OrgChanges {
    pub name: Option<String>,
    pub uuid: Option<Uuid>,
    pub description: Option<String>,
    pub org_type: Option<String>,
    pub nationality: Option<String>,
    pub sector: Option<String>,
    pub contacts: Option<String>,
    pub local: Option<bool>,
    pub restricted_to_domain: Option<Vec<String>>,
    pub landingpage: Option<String>,
}

/// Which organisations an index lists (MISP's `scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrgScope {
    #[default]
    Local,
    External,
    All,
}

/// An organisation index request.
#[derive(Debug, Clone, Default)]
pub struct OrgQuery {
    pub scope: OrgScope,
    /// Case-insensitive substring of name, description, nationality, sector,
    /// type, contacts, allowed domains or uuid.
    pub search: Option<String>,
}

/// An organisation with how many users it has.
#[derive(Debug, Clone)]
pub struct OrgListing {
    pub org: Organisation,
    pub user_count: i64,
}

/// Changes to a user by an administrator; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub email: Option<String>,
    /// Only site admins move users between organisations (ignored otherwise, as MISP does).
    pub org_id: Option<i64>,
    pub role_id: Option<i64>,
    pub disabled: Option<bool>,
    pub change_pw: Option<bool>,
    pub termsaccepted: Option<bool>,
    pub autoalert: Option<bool>,
    pub contactalert: Option<bool>,
    pub nids_sid: Option<i64>,
    pub gpgkey: Option<String>,
    pub certif_public: Option<String>,
    pub password: Option<NewPassword>,
}

/// What users may change on their own account (MISP's `users/edit`).
#[derive(Debug, Clone, Default)]
pub struct OwnUserChanges {
    pub autoalert: Option<bool>,
    pub contactalert: Option<bool>,
    pub nids_sid: Option<i64>,
    pub gpgkey: Option<String>,
    pub certif_public: Option<String>,
    pub password: Option<OwnPassword>,
}

/// A user index request (`admin/users/index`).
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    /// Case-insensitive substring of the e-mail, the organisation's name or the role's name.
    pub search: Option<String>,
    /// Organisations to include or exclude (MISP's `searchorg`).
    pub orgs: IdFilter,
}

/// A user with their role and organisation, as listed.
#[derive(Debug, Clone)]
pub struct UserListing {
    pub user: User,
    pub role: Option<Role>,
    pub org: Option<Organisation>,
}

/// Changes to a role; `None` keeps the stored value (or the default when adding).
#[derive(Debug, Clone, Default)]
pub struct RoleChanges {
    pub name: Option<String>,
    /// MISP's `permission` level (0 read only, 1 manage own, 2 manage org,
    /// 3 publish), which sets `perm_add`, `perm_modify`, `perm_modify_org`
    /// and `perm_publish`, overriding those flags if they are given too.
    pub permission: Option<i64>,
    /// `perm_*` flags given explicitly.
    pub perms: BTreeMap<String, bool>,
    pub memory_limit: Option<String>,
    pub max_execution_time: Option<String>,
    pub restricted_to_site_admin: Option<bool>,
    pub enforce_rate_limit: Option<bool>,
    pub rate_limit_count: Option<i64>,
}

/// The four flags MISP derives from the `permission` level.
const LEVEL_PERMS: [&str; 4] = ["perm_add", "perm_modify", "perm_modify_org", "perm_publish"];

fn level_perms(level: i64) -> [bool; 4] {
    match level {
        1 => [true, true, false, false],
        2 => [true, true, true, false],
        3 => [true, true, true, true],
        _ => [false, false, false, false],
    }
}

/// A domain an organisation's users must have their e-mail in.
fn check_domain(field: &str, d: &str) -> CoreResult<String> {
    let d = d.trim().trim_start_matches('@').to_ascii_lowercase();
    check_len(field, &d, MAX_SHORT)?;
    let ok = !d.is_empty() && d.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') && !d.starts_with('.');
    if !ok {
        return Err(CoreError::invalid(field, format!("{d:?} is not a domain name")));
    }
    Ok(d)
}

/// Whether an e-mail address is allowed by an organisation's domain list.
fn email_in_domains(email: &str, domains: &[String]) -> bool {
    if domains.is_empty() {
        return true;
    }
    let domain = email.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()).unwrap_or_default();
    domains.iter().any(|d| domain == d.to_ascii_lowercase())
}

/// The top-level keys whose values differ between two renderings, as a JSON
/// document `{"field": [old, new]}` for the audit log.
pub(crate) fn diff_json(old: &Value, new: &Value) -> String {
    let mut out = serde_json::Map::new();
    if let (Value::Object(a), Value::Object(b)) = (old, new) {
        for (k, nv) in b {
            let ov = a.get(k).cloned().unwrap_or(Value::Null);
            if &ov != nv {
                out.insert(k.clone(), Value::Array(vec![ov, nv.clone()]));
            }
        }
    }
    Value::Object(out).to_string()
}

/// The audit change of a user edit; a new password shows as `(changed)`.
fn user_diff(old: &User, new: &User, password_changed: bool) -> String {
    let mut new_view = output::user(new);
    if password_changed && let Value::Object(m) = &mut new_view {
        m.insert("password".into(), Value::String("(changed)".into()));
    }
    diff_json(&output::user(old), &new_view)
}

fn memory_limit_ok(s: &str) -> bool {
    let digits = s.strip_suffix(['K', 'M', 'G', 'k', 'm', 'g']).unwrap_or(s);
    s.is_empty() || (!digits.is_empty() && digits.len() <= 12 && digits.bytes().all(|b| b.is_ascii_digit()))
}

impl<S: Store> Core<S> {
    /// An audit record by the actor, or by the system for the command line.
    fn audit_by(&self, actor: Option<&Actor>, action: &str, model: &str, model_id: i64, title: String) -> AuditEntry {
        match actor {
            Some(a) => a.audit(self.now(), action, model, model_id, title),
            None => self.system_audit(action, model, model_id, format!("{title} (command line)")),
        }
    }

    // ---- organisations -------------------------------------------------

    /// Edits an organisation (site admins, or the system when `actor` is `None`).
    pub async fn edit_org(&self, actor: Option<&Actor>, key: &str, c: OrgChanges) -> CoreResult<Organisation> {
        if let Some(a) = actor {
            a.require("perm_site_admin")?;
        }
        let old = self.find_org(key).await?.ok_or_else(|| CoreError::NotFound("Invalid organisation".into()))?;
        let mut org = old.clone();
        if let Some(name) = c.name {
            let name = name.trim().to_string();
            if name.is_empty() {
                return Err(CoreError::invalid("name", "must not be empty"));
            }
            check_len("name", &name, MAX_SHORT)?;
            if let Some(other) = self.store.org_by_name(&name).await?
                && other.id != org.id
            {
                return Err(CoreError::invalid("name", "An organisation with this name already exists."));
            }
            org.name = name;
        }
        if let Some(u) = c.uuid {
            if let Some(other) = self.store.org_by_uuid(&u).await?
                && other.id != org.id
            {
                return Err(CoreError::invalid("uuid", "An organisation with this UUID already exists."));
            }
            org.uuid = u;
        }
        for (field, value, target, max) in [
            ("description", c.description, &mut org.description, MAX_TEXT),
            ("type", c.org_type, &mut org.org_type, MAX_SHORT),
            ("nationality", c.nationality, &mut org.nationality, MAX_SHORT),
            ("sector", c.sector, &mut org.sector, MAX_SHORT),
            ("contacts", c.contacts, &mut org.contacts, MAX_TEXT),
            ("landingpage", c.landingpage, &mut org.landingpage, MAX_TEXT),
        ] {
            if let Some(v) = value {
                check_len(field, &v, max)?;
                *target = v;
            }
        }
        if let Some(l) = c.local {
            org.local = l;
        }
        if let Some(domains) = c.restricted_to_domain {
            org.restricted_to_domain = domains
                .iter()
                .enumerate()
                .map(|(i, d)| check_domain(&format!("restricted_to_domain[{i}]"), d))
                .collect::<CoreResult<Vec<_>>>()?;
        }
        org.modified = self.now();
        let mut audit = self.audit_by(actor, "edit", "Organisation", org.id, format!("Organisation {} edited", org.name));
        audit.change = diff_json(&output::organisation(&old), &output::organisation(&org));
        self.store.update_org(&org, &audit).await?;
        Ok(org)
    }

    /// Deletes an organisation nothing refers to any more.
    pub async fn delete_org(&self, actor: Option<&Actor>, key: &str) -> CoreResult<Organisation> {
        if let Some(a) = actor {
            a.require("perm_site_admin")?;
        }
        let org = self.find_org(key).await?.ok_or_else(|| CoreError::NotFound("Invalid organisation".into()))?;
        if org.id == self.settings().await?.host_org_id {
            return Err(CoreError::Refused("The host organisation cannot be deleted.".into()));
        }
        let usage = self.store.org_usage(org.id).await?;
        if usage > 0 {
            return Err(CoreError::Refused(format!(
                "The organisation cannot be deleted while users, events or sharing groups refer to it ({usage} references)."
            )));
        }
        let audit = self.audit_by(actor, "delete", "Organisation", org.id, format!("Organisation {} ({}) deleted", org.name, org.uuid));
        self.store.delete_org(org.id, &audit).await?;
        Ok(org)
    }

    /// Whether the actor may see an organisation (own one always; others
    /// unless `Security.hide_organisation_index_from_users`).
    fn may_see_org(actor: &Actor, org: &Organisation, hidden: bool) -> bool {
        actor.site_admin() || org.id == actor.org.id || !hidden
    }

    /// `organisations/index`, ordered by name (case-insensitive).
    pub async fn list_orgs(&self, actor: &Actor, q: &OrgQuery) -> CoreResult<Vec<OrgListing>> {
        let settings = self.settings().await?;
        let local = match q.scope {
            OrgScope::Local => Some(true),
            OrgScope::External => Some(false),
            OrgScope::All => None,
        };
        let orgs = self.store.orgs(&OrgFilter { local, name_contains: None }).await?;
        let needle = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
        let counts: std::collections::HashMap<i64, i64> = self.store.user_counts_by_org().await?.into_iter().collect();
        let mut out: Vec<OrgListing> = orgs
            .into_iter()
            .filter(|o| Self::may_see_org(actor, o, settings.hide_org_index))
            .filter(|o| match &needle {
                None => true,
                Some(n) => {
                    [&o.name, &o.description, &o.nationality, &o.sector, &o.org_type, &o.contacts]
                        .iter()
                        .any(|f| f.to_lowercase().contains(n.as_str()))
                        || o.restricted_to_domain.iter().any(|d| d.to_lowercase().contains(n.as_str()))
                        || o.uuid.to_string().contains(n.as_str())
                }
            })
            .map(|org| OrgListing { user_count: counts.get(&org.id).copied().unwrap_or(0), org })
            .collect();
        out.sort_by(|a, b| a.org.name.to_lowercase().cmp(&b.org.name.to_lowercase()).then(a.org.id.cmp(&b.org.id)));
        Ok(out)
    }

    /// `organisations/view/{id|uuid|name}`.
    pub async fn view_org(&self, actor: &Actor, key: &str) -> CoreResult<OrgListing> {
        let not_found = || CoreError::NotFound("Invalid organisation".into());
        let org = self.find_org(key).await?.ok_or_else(not_found)?;
        if !Self::may_see_org(actor, &org, self.settings().await?.hide_org_index) {
            return Err(not_found());
        }
        let user_count = self.store.user_counts_by_org().await?.into_iter().find(|(id, _)| *id == org.id).map(|(_, n)| n).unwrap_or(0);
        Ok(OrgListing { org, user_count })
    }

    // ---- users ---------------------------------------------------------

    /// The user an administrator may act on: site admins any, org admins
    /// those of their organisation who are not site admins.
    async fn managed_user(&self, actor: Option<&Actor>, id: i64) -> CoreResult<User> {
        let not_found = || CoreError::NotFound("Invalid user".into());
        let user = self.store.user(id).await?.ok_or_else(not_found)?;
        if let Some(a) = actor {
            a.require("perm_admin")?;
            if !a.site_admin() {
                if user.org_id != a.org.id {
                    return Err(not_found());
                }
                let role = self.store.role(user.role_id).await?;
                if role.is_some_and(|r| r.perm("perm_site_admin")) {
                    return Err(CoreError::Forbidden("Only site administrators may manage site administrators.".into()));
                }
            }
        }
        Ok(user)
    }

    /// Checks a role the actor wants to give a user.
    async fn assignable_role(&self, actor: Option<&Actor>, role_id: i64) -> CoreResult<Role> {
        let role = self.store.role(role_id).await?.ok_or_else(|| CoreError::invalid("role_id", "Invalid role"))?;
        if let Some(a) = actor
            && !a.site_admin()
            && (role.perm("perm_site_admin") || role.perm("perm_sync") || role.restricted_to_site_admin)
        {
            return Err(CoreError::invalid("role_id", "You are not allowed to assign this role."));
        }
        Ok(role)
    }

    /// `admin/users/edit/{id}`.
    pub async fn admin_edit_user(&self, actor: Option<&Actor>, id: i64, c: UserChanges) -> CoreResult<User> {
        let old = self.managed_user(actor, id).await?;
        let mut user = old.clone();
        let site_admin = actor.is_none_or(Actor::site_admin);
        if let Some(org_id) = c.org_id.filter(|o| site_admin && *o != user.org_id) {
            self.store.org(org_id).await?.ok_or_else(|| CoreError::invalid("org_id", "Invalid organisation"))?;
            user.org_id = org_id;
        }
        if let Some(e) = c.email {
            let e = check_email("email", &e)?;
            if let Some(other) = self.store.user_by_email(&e).await?
                && other.id != user.id
            {
                return Err(CoreError::invalid("email", "An account with this email address already exists."));
            }
            user.email = e;
        }
        let org = self.store.org(user.org_id).await?.ok_or_else(|| CoreError::invalid("org_id", "Invalid organisation"))?;
        if (user.email != old.email || user.org_id != old.org_id) && !email_in_domains(&user.email, &org.restricted_to_domain) {
            return Err(CoreError::invalid("email", "The e-mail address is not in one of the organisation's allowed domains."));
        }
        if let Some(role_id) = c.role_id.filter(|r| *r != user.role_id) {
            if actor.is_some_and(|a| a.user.id == user.id) {
                return Err(CoreError::invalid("role_id", "You cannot change your own role."));
            }
            self.assignable_role(actor, role_id).await?;
            user.role_id = role_id;
        }
        if let Some(d) = c.disabled {
            if d && actor.is_some_and(|a| a.user.id == user.id) {
                return Err(CoreError::invalid("disabled", "You cannot disable your own account."));
            }
            user.disabled = d;
        }
        for (value, target) in [
            (c.change_pw, &mut user.change_pw),
            (c.termsaccepted, &mut user.termsaccepted),
            (c.autoalert, &mut user.autoalert),
            (c.contactalert, &mut user.contactalert),
        ] {
            if let Some(v) = value {
                *target = v;
            }
        }
        if let Some(n) = c.nids_sid {
            if n < 0 {
                return Err(CoreError::invalid("nids_sid", "must not be negative"));
            }
            user.nids_sid = n;
        }
        if let Some(g) = c.gpgkey {
            check_len("gpgkey", &g, MAX_TEXT)?;
            user.gpgkey = g;
        }
        if let Some(cp) = c.certif_public {
            check_len("certif_public", &cp, MAX_TEXT)?;
            user.certif_public = cp;
        }
        let password_changed = c.password.is_some();
        if let Some(p) = c.password {
            user.password_hash = Some(p.0);
        }
        user.date_modified = self.now();
        let mut audit = self.audit_by(actor, "edit", "User", user.id, format!("User {} edited", user.email));
        audit.change = user_diff(&old, &user, password_changed);
        self.store.update_user(&user, &audit).await?;
        Ok(user)
    }

    /// `users/edit/{id}`: a user's own account, limited fields.
    pub async fn edit_own_user(&self, actor: &Actor, id: i64, c: OwnUserChanges) -> CoreResult<User> {
        if id != actor.user.id {
            return Err(CoreError::NotFound("Invalid user or not authorised.".into()));
        }
        if actor.read_only {
            return Err(CoreError::NoPermission);
        }
        let old = self.store.user(id).await?.ok_or_else(|| CoreError::NotFound("Invalid user or not authorised.".into()))?;
        let mut user = old.clone();
        if let Some(v) = c.autoalert {
            user.autoalert = v;
        }
        if let Some(v) = c.contactalert {
            user.contactalert = v;
        }
        if let Some(n) = c.nids_sid {
            if n < 0 {
                return Err(CoreError::invalid("nids_sid", "must not be negative"));
            }
            user.nids_sid = n;
        }
        if let Some(g) = c.gpgkey {
            check_len("gpgkey", &g, MAX_TEXT)?;
            user.gpgkey = g;
        }
        if let Some(cp) = c.certif_public {
            check_len("certif_public", &cp, MAX_TEXT)?;
            user.certif_public = cp;
        }
        let password_changed = c.password.is_some();
        if let Some(p) = c.password {
            user.password_hash = Some((p.0).0);
            user.change_pw = false;
        }
        user.date_modified = self.now();
        let mut audit = actor.audit(self.now(), "edit", "User", user.id, format!("User {} edited their account", user.email));
        audit.change = user_diff(&old, &user, password_changed);
        self.store.update_user(&user, &audit).await?;
        Ok(user)
    }

    /// `admin/users/delete/{id}`: the user and their keys.
    pub async fn delete_user(&self, actor: Option<&Actor>, id: i64) -> CoreResult<User> {
        let user = self.managed_user(actor, id).await?;
        if actor.is_some_and(|a| a.user.id == user.id) {
            return Err(CoreError::Refused("You cannot delete your own account.".into()));
        }
        let audit = self.audit_by(actor, "delete", "User", user.id, format!("User {} deleted", user.email));
        self.store.delete_user(user.id, &audit).await?;
        Ok(user)
    }

    /// `admin/users/index`: site admins see everyone, org admins their organisation.
    pub async fn list_users(&self, actor: &Actor, q: &UserQuery) -> CoreResult<Vec<UserListing>> {
        actor.require("perm_admin")?;
        let org_id = if actor.site_admin() { None } else { Some(actor.org.id) };
        let users = self.store.users(&UserFilter { org_id, email_contains: None }).await?;
        let roles = self.store.roles().await?;
        let org_ids: Vec<i64> = users.iter().map(|u| u.org_id).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        let orgs = self.store.orgs_by_ids(&org_ids).await?;
        let needle = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
        Ok(users
            .into_iter()
            .filter(|u| q.orgs.any_of.is_empty() || q.orgs.any_of.contains(&u.org_id))
            .filter(|u| !q.orgs.none_of.contains(&u.org_id))
            .map(|user| UserListing {
                role: roles.iter().find(|r| r.id == user.role_id).cloned(),
                org: orgs.iter().find(|o| o.id == user.org_id).cloned(),
                user,
            })
            .filter(|l| match &needle {
                None => true,
                Some(n) => {
                    l.user.email.to_lowercase().contains(n.as_str())
                        || l.org.as_ref().is_some_and(|o| o.name.to_lowercase().contains(n.as_str()))
                        || l.role.as_ref().is_some_and(|r| r.name.to_lowercase().contains(n.as_str()))
                }
            })
            .collect())
    }

    // ---- roles ---------------------------------------------------------

    /// All roles and the id of the default one.
    pub async fn list_roles(&self) -> CoreResult<(Vec<Role>, i64)> {
        Ok((self.store.roles().await?, self.settings().await?.default_role))
    }

    /// One role (any authenticated user may read roles, as in MISP).
    pub async fn view_role(&self, id: i64) -> CoreResult<Role> {
        self.store.role(id).await?.ok_or_else(|| CoreError::NotFound("Invalid Role".into()))
    }

    fn apply_role_changes(&self, role: &mut Role, c: RoleChanges) -> CoreResult<()> {
        if let Some(name) = c.name {
            let name = name.trim().to_string();
            if name.is_empty() {
                return Err(CoreError::invalid("name", "must not be empty"));
            }
            check_len("name", &name, MAX_SHORT)?;
            role.name = name;
        }
        for (p, v) in c.perms {
            if !roles::PERMS.contains(&p.as_str()) {
                return Err(CoreError::invalid(p, "is not a permission flag"));
            }
            role.perms.insert(p, v);
        }
        if let Some(level) = c.permission {
            if !(0..=3).contains(&level) {
                return Err(CoreError::invalid("permission", format!("must be 0, 1, 2 or 3, got {level}")));
            }
            for (p, v) in LEVEL_PERMS.iter().zip(level_perms(level)) {
                role.perms.insert((*p).to_string(), v);
            }
        }
        if let Some(m) = c.memory_limit {
            let m = m.trim().to_string();
            if !memory_limit_ok(&m) {
                return Err(CoreError::invalid("memory_limit", format!("{m:?} is not a memory size (e.g. 2048M)")));
            }
            role.memory_limit = m;
        }
        if let Some(t) = c.max_execution_time {
            let t = t.trim().to_string();
            if !(t.is_empty() || (t.len() <= 12 && t.bytes().all(|b| b.is_ascii_digit()))) {
                return Err(CoreError::invalid("max_execution_time", format!("{t:?} is not a number of seconds")));
            }
            role.max_execution_time = t;
        }
        if let Some(v) = c.restricted_to_site_admin {
            role.restricted_to_site_admin = v;
        }
        if let Some(v) = c.enforce_rate_limit {
            role.enforce_rate_limit = v;
        }
        if let Some(n) = c.rate_limit_count {
            if n < 0 {
                return Err(CoreError::invalid("rate_limit_count", "must not be negative"));
            }
            role.rate_limit_count = n;
        }
        Ok(())
    }

    async fn check_role_name_free(&self, role: &Role) -> CoreResult<()> {
        let taken = self.store.roles().await?.iter().any(|r| r.id != role.id && r.name.eq_ignore_ascii_case(&role.name));
        if taken { Err(CoreError::invalid("name", "A role with this name already exists.")) } else { Ok(()) }
    }

    /// `admin/roles/add`: flags not given are off; `permission` defaults to 0.
    pub async fn add_role(&self, actor: &Actor, mut c: RoleChanges) -> CoreResult<Role> {
        actor.require("perm_site_admin")?;
        if c.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            return Err(CoreError::invalid("name", "Mandatory field not set."));
        }
        if c.permission.is_none() && !LEVEL_PERMS.iter().any(|p| c.perms.contains_key(*p)) {
            c.permission = Some(0);
        }
        let now = self.now();
        let mut role = Role {
            id: 0,
            name: String::new(),
            perms: roles::perms_with(false, &[]),
            default_role: false,
            restricted_to_site_admin: false,
            enforce_rate_limit: false,
            rate_limit_count: 0,
            memory_limit: String::new(),
            max_execution_time: String::new(),
            created: now,
            modified: now,
        };
        self.apply_role_changes(&mut role, c)?;
        self.check_role_name_free(&role).await?;
        let audit = actor.audit(now, "add", "Role", 0, format!("Role {} created", role.name));
        role.id = self.store.insert_role(&role, &audit).await?;
        Ok(role)
    }

    /// `admin/roles/edit/{id}`.
    pub async fn edit_role(&self, actor: &Actor, id: i64, c: RoleChanges) -> CoreResult<Role> {
        actor.require("perm_site_admin")?;
        let old = self.view_role(id).await?;
        let mut role = old.clone();
        self.apply_role_changes(&mut role, c)?;
        self.check_role_name_free(&role).await?;
        if role.id == actor.role.id && !(role.perm("perm_site_admin") && role.perm("perm_auth")) {
            return Err(CoreError::Refused("You cannot remove site admin or API access from your own role.".into()));
        }
        role.modified = self.now();
        let default_role = self.settings().await?.default_role;
        let render = |r: &Role| {
            let level = roles::permission_level(&r.perms);
            output::role(r, default_role, roles::PERMS, level, roles::permission_description(level))
        };
        let mut audit = actor.audit(self.now(), "edit", "Role", role.id, format!("Role {} edited", role.name));
        audit.change = diff_json(&render(&old), &render(&role));
        self.store.update_role(&role, &audit).await?;
        Ok(role)
    }

    /// `admin/roles/delete/{id}`: refused while users have the role, and for the default role.
    pub async fn delete_role(&self, actor: &Actor, id: i64) -> CoreResult<Role> {
        actor.require("perm_site_admin")?;
        let role = self.view_role(id).await?;
        if self.store.role_usage(role.id).await? > 0 {
            return Err(CoreError::Refused("It is not possible to delete role that is assigned to users.".into()));
        }
        if self.settings().await?.default_role == role.id {
            return Err(CoreError::Refused("The default role cannot be deleted; set another default role first.".into()));
        }
        let audit = actor.audit(self.now(), "delete", "Role", role.id, format!("Role {} deleted", role.name));
        self.store.delete_role(role.id, &audit).await?;
        Ok(role)
    }

    /// `admin/roles/set_default/{id}`: stores the setting `MISP.default_role`.
    pub async fn set_default_role(&self, actor: &Actor, id: i64) -> CoreResult<Role> {
        actor.require("perm_site_admin")?;
        let role = self.store.role(id).await?.ok_or_else(|| CoreError::Refused("Invalid Role.".into()))?;
        let audit = actor.audit(self.now(), "edit", "Setting", 0, format!("MISP.default_role set to {} ({})", role.id, role.name));
        self.store.set_setting("MISP.default_role", &Value::from(role.id), &audit).await?;
        Ok(role)
    }
}

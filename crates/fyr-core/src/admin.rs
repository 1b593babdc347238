//! Organisations, users and API keys: creation and key management, shared
//! by the `fyr admin` command line and the MISP admin endpoints.

use crate::auth;
use crate::capture::{MAX_SHORT, MAX_TEXT, check_len};
use crate::core::{Actor, Core};
use crate::error::{CoreError, CoreResult};
use fyr_store::*;
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
            restricted_to_domain: n.restricted_to_domain,
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
        let email = check_email("email", &n.email)?;
        if self.store.user_by_email(&email).await?.is_some() {
            return Err(CoreError::invalid("email", "An account with this email address already exists."));
        }
        if self.store.org(n.org_id).await?.is_none() {
            return Err(CoreError::invalid("org_id", "Invalid organisation"));
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
            password_hash: None,
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

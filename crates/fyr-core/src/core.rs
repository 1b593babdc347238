//! The [`Core`] handle: the store, the environment and the secrets every
//! operation needs, plus the [`Actor`] (who is acting) and the audit helper.

use crate::acl::Viewer;
use crate::auth::{self, KeyRefusal, Pepper};
use crate::env::Env;
use crate::error::{CoreError, CoreResult};
use crate::roles;
use crate::settings::Settings;
use fyr_store::*;
use std::net::IpAddr;
use std::sync::Arc;

/// Everything core operations need. Cheap to clone.
#[derive(Clone)]
pub struct Core<S: Store> {
    pub store: S,
    pub env: Arc<dyn Env>,
    pub pepper: Pepper,
    /// Exposure notifications: configuration and the current matcher.
    pub exposure: Arc<crate::exposure::ExposureState>,
}

/// TLP tags created on a fresh instance, with their customary colours.
pub const TLP_TAGS: [(&str, &str); 7] = [
    ("tlp:clear", "#ffffff"),
    ("tlp:white", "#ffffff"),
    ("tlp:green", "#33ff00"),
    ("tlp:amber", "#ffc000"),
    ("tlp:amber+strict", "#ffc000"),
    ("tlp:red", "#ff2b2b"),
    ("tlp:unclear", "#cccccc"),
];

/// Who is acting, resolved once per request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    pub role: Role,
    pub org: Organisation,
    pub viewer: Viewer,
    /// The key used is read-only: write permissions are dropped.
    pub read_only: bool,
    pub ip: String,
    pub request_id: String,
}

impl Actor {
    /// Whether the actor has a `perm_*` flag (a read-only key has no write flags).
    pub fn perm(&self, name: &str) -> bool {
        if self.read_only && roles::WRITE_PERMS.contains(&name) {
            return false;
        }
        self.role.perm(name)
    }

    pub fn site_admin(&self) -> bool {
        self.perm("perm_site_admin")
    }

    /// Requires a permission, else MISP's ACL denial.
    pub fn require(&self, name: &str) -> CoreResult<()> {
        if self.perm(name) { Ok(()) } else { Err(CoreError::NoPermission) }
    }

    /// An audit record for an action by this actor.
    pub fn audit(&self, now: i64, action: &str, model: &str, model_id: i64, title: impl Into<String>) -> AuditEntry {
        AuditEntry {
            id: 0,
            created: now,
            user_id: self.user.id,
            org_id: self.org.id,
            email: self.user.email.clone(),
            ip: self.ip.clone(),
            request_id: self.request_id.clone(),
            action: action.to_string(),
            model: model.to_string(),
            model_id,
            title: title.into(),
            change: String::new(),
        }
    }
}

/// Where a request comes from, for authentication and the audit log.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<IpAddr>,
    pub request_id: String,
}

/// The three default settings-bearing facts of a fresh instance.
#[derive(Debug, Clone)]
pub struct Bootstrap {
    pub host_org_name: String,
    pub admin_email: String,
    /// The admin's API key if given (`FYR_ADMIN_KEY`); generated otherwise.
    pub admin_key: Option<String>,
}

/// What bootstrapping did.
#[derive(Debug, Clone)]
pub enum BootstrapOutcome {
    /// The database already had users; nothing was done.
    AlreadyInitialised,
    /// A fresh instance: the admin's clear key (show it once, or store it).
    Created { admin_key: String },
}

impl<S: Store> Core<S> {
    pub fn new(store: S, env: Arc<dyn Env>, pepper: Pepper) -> Core<S> {
        Core { store, env, pepper, exposure: Arc::new(crate::exposure::ExposureState::default()) }
    }

    /// A core with exposure configuration (schema, severities, links).
    pub fn with_exposure(mut self, config: crate::exposure::ExposureConfig) -> Core<S> {
        self.exposure = Arc::new(crate::exposure::ExposureState::new(config));
        self
    }

    pub fn now(&self) -> i64 {
        self.env.now()
    }

    pub async fn settings(&self) -> CoreResult<Settings> {
        Ok(Settings::load(&self.store).await?)
    }

    /// A system audit record (no user).
    pub fn system_audit(&self, action: &str, model: &str, model_id: i64, title: impl Into<String>) -> AuditEntry {
        AuditEntry {
            created: self.now(),
            action: action.to_string(),
            model: model.to_string(),
            model_id,
            title: title.into(),
            email: "SYSTEM".to_string(),
            ..AuditEntry::default()
        }
    }

    /// On an empty database: the host organisation, MISP's six default roles
    /// (ids 1–6) and the site admin with an API key.
    pub async fn bootstrap(&self, b: &Bootstrap) -> CoreResult<BootstrapOutcome> {
        if !self.store.users(&UserFilter::default()).await?.is_empty() {
            return Ok(BootstrapOutcome::AlreadyInitialised);
        }
        if let Some(k) = &b.admin_key
            && !auth::is_key_shaped(k)
        {
            return Err(CoreError::invalid("FYR_ADMIN_KEY", "The admin key must be 40 letters and digits."));
        }
        let now = self.now();
        let existing_roles = self.store.roles().await?;
        if existing_roles.is_empty() {
            for (name, perms) in roles::default_roles() {
                let role = Role {
                    id: 0,
                    name: name.to_string(),
                    perms,
                    default_role: name == "User",
                    restricted_to_site_admin: false,
                    enforce_rate_limit: false,
                    rate_limit_count: 0,
                    memory_limit: String::new(),
                    max_execution_time: String::new(),
                    created: now,
                    modified: now,
                };
                self.store.insert_role(&role, &self.system_audit("add", "Role", 0, format!("Default role {name}"))).await?;
            }
        }
        let org_id = match self.store.org_by_name(&b.host_org_name).await? {
            Some(o) => o.id,
            None => {
                let org = Organisation {
                    id: 0,
                    uuid: self.env.new_uuid(),
                    name: b.host_org_name.clone(),
                    description: "The host organisation of this instance.".to_string(),
                    org_type: String::new(),
                    nationality: String::new(),
                    sector: String::new(),
                    contacts: String::new(),
                    local: true,
                    restricted_to_domain: Vec::new(),
                    landingpage: String::new(),
                    created_by: 0,
                    created: now,
                    modified: now,
                };
                self.store.insert_org(&org, &self.system_audit("add", "Organisation", 0, "Host organisation")).await?
            }
        };
        let admin_role = self
            .store
            .roles()
            .await?
            .into_iter()
            .find(|r| r.perm("perm_site_admin"))
            .ok_or_else(|| CoreError::Internal("no site admin role".into()))?;
        let user = User {
            id: 0,
            org_id,
            role_id: admin_role.id,
            email: b.admin_email.clone(),
            password_hash: None,
            disabled: false,
            change_pw: false,
            termsaccepted: true,
            autoalert: false,
            contactalert: false,
            nids_sid: 0,
            gpgkey: String::new(),
            certif_public: String::new(),
            totp_secret: None,
            invited_by: 0,
            created: now,
            last_login: 0,
            date_modified: now,
        };
        let user_id = self.store.insert_user(&user, &self.system_audit("add", "User", 0, "Site admin")).await?;
        let (clear, key) = auth::new_key(self.env.as_ref(), &self.pepper, user_id, b.admin_key.as_deref());
        self.store.insert_auth_key(&key, &self.system_audit("add", "AuthKey", 0, "Site admin key")).await?;
        // The Traffic Light Protocol (FIRST TLP 2.0 and the 1.0 names still in
        // use) is how every piece of shared information is marked: seed it.
        for (name, colour) in TLP_TAGS {
            if self.store.tag_by_name(name).await?.is_none() {
                let tag = Tag {
                    id: 0,
                    name: name.to_string(),
                    colour: colour.to_string(),
                    exportable: true,
                    org_id: 0,
                    user_id: 0,
                    hide_tag: false,
                    numerical_value: None,
                    is_galaxy: false,
                    is_custom_galaxy: false,
                    local_only: false,
                };
                self.store.insert_tag(&tag, &self.system_audit("add", "Tag", 0, format!("Default tag {name}"))).await?;
            }
        }
        let host = serde_json::Value::from(org_id);
        self.store.set_setting("MISP.host_org_id", &host, &self.system_audit("edit", "Setting", 0, "MISP.host_org_id")).await?;
        let name = serde_json::Value::String(b.host_org_name.clone());
        self.store.set_setting("MISP.org", &name, &self.system_audit("edit", "Setting", 0, "MISP.org")).await?;
        Ok(BootstrapOutcome::Created { admin_key: clear })
    }

    /// Authenticates an API key (MISP's `Authorization` header). Failures
    /// are audited and answered with one message, whatever the reason.
    pub async fn authenticate_key(&self, key: &str, origin: &Origin) -> CoreResult<Actor> {
        let refuse = |why: &str| {
            let mut a = self.system_audit("auth_fail", "User", 0, format!("Failed authentication: {why}"));
            a.ip = origin.ip.map(|i| i.to_string()).unwrap_or_default();
            a.request_id = origin.request_id.clone();
            a.email = String::new();
            a
        };
        // MISP accepts a comma-separated list; the first valid one wins.
        let candidate = key.split(',').map(str::trim).find(|k| auth::is_key_shaped(k));
        let Some(candidate) = candidate else {
            self.store.audit(&refuse("malformed key")).await?;
            return Err(CoreError::Forbidden(
                "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header."
                    .into(),
            ));
        };
        let hash = auth::key_hash(&self.pepper, candidate);
        let denied = || {
            CoreError::Forbidden(
                "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header."
                    .into(),
            )
        };
        let Some(owner) = self.store.key_owner(&hash).await? else {
            self.store.audit(&refuse("unknown key")).await?;
            return Err(denied());
        };
        let check = auth::check_key(&owner.key, self.now(), origin.ip);
        let why = match check {
            Err(KeyRefusal::Expired) => Some("expired key"),
            Err(KeyRefusal::AddressNotAllowed) => Some("key used from an address it is not allowed from"),
            Err(KeyRefusal::UserDisabled) => Some("user disabled"),
            Ok(()) if owner.user.disabled => Some("user disabled"),
            Ok(()) => None,
        };
        if let Some(why) = why {
            let mut a = refuse(why);
            a.user_id = owner.user.id;
            a.email = owner.user.email.clone();
            self.store.audit(&a).await?;
            return Err(denied());
        }
        let actor = self.actor_for(owner.user, owner.key.read_only, origin).await?;
        if !actor.role.perm("perm_auth") {
            let mut a = refuse("role without API access");
            a.user_id = actor.user.id;
            self.store.audit(&a).await?;
            return Err(denied());
        }
        Ok(actor)
    }

    /// Builds the actor for a user (role, organisation, visibility).
    pub async fn actor_for(&self, user: User, read_only: bool, origin: &Origin) -> CoreResult<Actor> {
        let role = self.store.role(user.role_id).await?.ok_or_else(|| CoreError::Internal(format!("user {} has no role", user.id)))?;
        let org = self.store.org(user.org_id).await?.ok_or_else(|| CoreError::Internal(format!("user {} has no organisation", user.id)))?;
        let settings = self.settings().await?;
        let site_admin = role.perm("perm_site_admin");
        // A site admin may use every sharing group; listing them lets one
        // check ("is this group usable?") serve everyone.
        let sharing_groups = if site_admin {
            self.store.sharing_groups().await?.into_iter().map(|g| g.id).collect()
        } else {
            self.store.sharing_groups_for_org(org.id).await?
        };
        let viewer = Viewer { org_id: org.id, site_admin, sharing_groups, unpublished_private: settings.unpublished_private };
        Ok(Actor {
            user,
            role,
            org,
            viewer,
            read_only,
            ip: origin.ip.map(|i| i.to_string()).unwrap_or_default(),
            request_id: origin.request_id.clone(),
        })
    }
}

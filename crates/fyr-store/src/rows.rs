//! Plain records as the store keeps them. Times are UNIX seconds (`first_seen`
//! and `last_seen` are microseconds, as MISP stores them); ids are the store's
//! integer keys; `0` means "none" where MISP uses it that way.

use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub id: i64,
    pub uuid: Uuid,
    pub name: String,
    pub description: String,
    pub org_type: String,
    pub nationality: String,
    pub sector: String,
    pub contacts: String,
    /// A local organisation has users on this instance; external ones come by sync.
    pub local: bool,
    pub restricted_to_domain: Vec<String>,
    pub landingpage: String,
    pub created_by: i64,
    pub created: i64,
    pub modified: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub id: i64,
    pub name: String,
    /// MISP's `perm_*` flags by name (`perm_add`, `perm_site_admin`, …).
    pub perms: BTreeMap<String, bool>,
    pub default_role: bool,
    pub restricted_to_site_admin: bool,
    pub enforce_rate_limit: bool,
    pub rate_limit_count: i64,
    pub memory_limit: String,
    pub max_execution_time: String,
    pub created: i64,
    pub modified: i64,
}

impl Role {
    pub fn perm(&self, name: &str) -> bool {
        self.perms.get(name).copied().unwrap_or(false)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: i64,
    pub org_id: i64,
    pub role_id: i64,
    pub email: String,
    /// Argon2id PHC string; `None` when no password was ever set.
    pub password_hash: Option<String>,
    pub disabled: bool,
    pub change_pw: bool,
    pub termsaccepted: bool,
    pub autoalert: bool,
    pub contactalert: bool,
    pub nids_sid: i64,
    pub gpgkey: String,
    pub certif_public: String,
    pub totp_secret: Option<String>,
    pub invited_by: i64,
    pub created: i64,
    pub last_login: i64,
    pub date_modified: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuthKey {
    pub id: i64,
    pub uuid: Uuid,
    pub user_id: i64,
    /// First and last four characters, shown to help tell keys apart.
    pub authkey_start: String,
    pub authkey_end: String,
    /// Keyed hash (HMAC-SHA256 with the server pepper) of the whole key, hex.
    pub key_hash: String,
    pub allowed_ips: Vec<String>,
    /// 0: never expires.
    pub expiration: i64,
    pub read_only: bool,
    pub comment: String,
    pub created: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SharingGroup {
    pub id: i64,
    pub uuid: Uuid,
    pub name: String,
    pub releasability: String,
    pub description: String,
    pub org_id: i64,
    pub sync_user_id: i64,
    pub active: bool,
    pub local: bool,
    pub roaming: bool,
    pub created: i64,
    pub modified: i64,
    pub orgs: Vec<SharingGroupOrg>,
    pub servers: Vec<SharingGroupServer>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SharingGroupOrg {
    pub id: i64,
    pub sharing_group_id: i64,
    pub org_id: i64,
    pub extend: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SharingGroupServer {
    pub id: i64,
    pub sharing_group_id: i64,
    /// 0 is this instance.
    pub server_id: i64,
    pub all_orgs: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: i64,
    pub uuid: Uuid,
    /// The owner organisation (decides access).
    pub org_id: i64,
    /// The creator organisation.
    pub orgc_id: i64,
    pub user_id: i64,
    pub date: String,
    pub info: String,
    pub published: bool,
    pub analysis: i64,
    pub threat_level_id: i64,
    pub distribution: i64,
    pub sharing_group_id: i64,
    pub attribute_count: i64,
    pub timestamp: i64,
    pub publish_timestamp: i64,
    pub sighting_timestamp: i64,
    pub proposal_email_lock: bool,
    pub locked: bool,
    pub disable_correlation: bool,
    pub extends_uuid: String,
    pub protected: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub id: i64,
    pub uuid: Uuid,
    pub event_id: i64,
    /// 0 when not inside an object.
    pub object_id: i64,
    pub object_relation: Option<String>,
    pub category: String,
    pub attr_type: String,
    /// The normalised value, or its first half for composite (`a|b`) types.
    pub value1: String,
    /// The second half of a composite value; empty otherwise.
    pub value2: String,
    pub to_ids: bool,
    pub distribution: i64,
    pub sharing_group_id: i64,
    pub comment: String,
    pub deleted: bool,
    pub disable_correlation: bool,
    pub timestamp: i64,
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
}

impl Attribute {
    /// The whole value as MISP shows it (`value1|value2` for composite types).
    pub fn value(&self) -> String {
        if self.value2.is_empty() { self.value1.clone() } else { format!("{}|{}", self.value1, self.value2) }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub id: i64,
    pub uuid: Uuid,
    pub event_id: i64,
    pub name: String,
    pub meta_category: String,
    pub description: String,
    pub template_uuid: String,
    pub template_version: String,
    pub distribution: i64,
    pub sharing_group_id: i64,
    pub comment: String,
    pub deleted: bool,
    pub timestamp: i64,
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectReference {
    pub id: i64,
    pub uuid: Uuid,
    pub event_id: i64,
    pub object_id: i64,
    pub source_uuid: Uuid,
    pub referenced_uuid: Uuid,
    pub referenced_id: i64,
    /// 0 attribute, 1 object.
    pub referenced_type: i64,
    pub relationship_type: String,
    pub comment: String,
    pub deleted: bool,
    pub timestamp: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub id: i64,
    pub name: String,
    pub colour: String,
    pub exportable: bool,
    /// 0: usable by every organisation.
    pub org_id: i64,
    /// 0: usable by every user.
    pub user_id: i64,
    pub hide_tag: bool,
    pub numerical_value: Option<i64>,
    pub is_galaxy: bool,
    pub is_custom_galaxy: bool,
    pub local_only: bool,
}

/// A tag attached to an event or an attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct TagLink {
    pub id: i64,
    /// The event id or the attribute id, depending on the table.
    pub target_id: i64,
    pub tag_id: i64,
    pub local: bool,
    pub relationship_type: String,
}

/// One audit record: who did what, when, from where.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuditEntry {
    pub id: i64,
    pub created: i64,
    pub user_id: i64,
    pub org_id: i64,
    pub email: String,
    pub ip: String,
    pub request_id: String,
    /// e.g. `add`, `edit`, `delete`, `login_fail`, `publish`.
    pub action: String,
    /// The kind of thing acted on: `Event`, `Attribute`, `User`, …
    pub model: String,
    pub model_id: i64,
    pub title: String,
    /// A JSON document describing the change.
    pub change: String,
}

//! The storage boundary of fyr: plain records ([`rows`]), search plans
//! ([`query`]), write batches ([`write`]), the access-condition language
//! ([`cond`]), the compressed blocks of raw exposure records ([`records`])
//! and the [`Store`] trait that the SQL backends implement.
//!
//! Nothing here does IO; `fyr-store-sql` is the only crate with SQL.

pub mod cond;
pub mod exposure;
pub mod query;
pub mod records;
pub mod rows;
pub mod write;

pub use cond::{Col, Cond};
pub use exposure::*;
pub use query::*;
pub use rows::*;
pub use write::*;

use uuid::Uuid;

/// Errors from a store. Conflicts and missing rows are the caller's problem
/// (4xx); `Backend` is ours (5xx).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid data: {0}")]
    Invalid(String),
    #[error("storage backend error: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Identifies an event by its id or its uuid (MISP accepts either in URLs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKey {
    Id(i64),
    Uuid(Uuid),
}

/// An event with everything inside it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventTree {
    pub event: Option<Event>,
    pub objects: Vec<Object>,
    pub attributes: Vec<Attribute>,
    pub references: Vec<ObjectReference>,
    pub event_tags: Vec<TagLink>,
    pub attribute_tags: Vec<TagLink>,
}

/// Filters for listing users.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserFilter {
    pub org_id: Option<i64>,
    /// Case-insensitive substring of the e-mail address.
    pub email_contains: Option<String>,
}

/// Filters for listing organisations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgFilter {
    pub local: Option<bool>,
    /// Case-insensitive substring of the name.
    pub name_contains: Option<String>,
}

/// How often a tag is used, counted over what a viewer may see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TagUsage {
    pub tag_id: i64,
    /// Events carrying the tag.
    pub events: i64,
    /// Attributes (not deleted) carrying the tag.
    pub attributes: i64,
}

/// A user together with the key they authenticated with.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyOwner {
    pub user: User,
    pub key: AuthKey,
}

/// The storage operations fyr needs, split by capability. Every method is
/// atomic: writes happen in one transaction, and writes that carry an
/// [`AuditEntry`] store it in the same transaction.
pub trait Store: IdentityStore + SharingStore + EventStore + SearchStore + ExposureStore + Send + Sync + 'static {}

impl<T> Store for T where T: IdentityStore + SharingStore + EventStore + SearchStore + ExposureStore + Send + Sync + 'static {}

/// Settings, organisations, roles, users, API keys and the audit log.
#[async_trait::async_trait]
pub trait IdentityStore {
    async fn setting(&self, name: &str) -> StoreResult<Option<serde_json::Value>>;
    async fn set_setting(&self, name: &str, value: &serde_json::Value, audit: &AuditEntry) -> StoreResult<()>;
    async fn settings(&self) -> StoreResult<Vec<(String, serde_json::Value)>>;

    async fn insert_org(&self, org: &Organisation, audit: &AuditEntry) -> StoreResult<i64>;
    async fn update_org(&self, org: &Organisation, audit: &AuditEntry) -> StoreResult<()>;
    async fn delete_org(&self, id: i64, audit: &AuditEntry) -> StoreResult<()>;
    async fn org(&self, id: i64) -> StoreResult<Option<Organisation>>;
    async fn org_by_uuid(&self, uuid: &Uuid) -> StoreResult<Option<Organisation>>;
    async fn org_by_name(&self, name: &str) -> StoreResult<Option<Organisation>>;
    async fn orgs(&self, filter: &OrgFilter) -> StoreResult<Vec<Organisation>>;
    async fn orgs_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<Organisation>>;
    /// How many users, owned or created events and sharing groups (owned
    /// or as a member) refer to the organisation.
    async fn org_usage(&self, id: i64) -> StoreResult<i64>;
    /// The number of users of each organisation that has any, as `(org_id, count)`.
    async fn user_counts_by_org(&self) -> StoreResult<Vec<(i64, i64)>>;

    async fn insert_role(&self, role: &Role, audit: &AuditEntry) -> StoreResult<i64>;
    async fn update_role(&self, role: &Role, audit: &AuditEntry) -> StoreResult<()>;
    async fn delete_role(&self, id: i64, audit: &AuditEntry) -> StoreResult<()>;
    async fn role(&self, id: i64) -> StoreResult<Option<Role>>;
    async fn roles(&self) -> StoreResult<Vec<Role>>;
    /// How many users have the role.
    async fn role_usage(&self, id: i64) -> StoreResult<i64>;
    /// Makes `id` the only default role.
    async fn set_default_role(&self, id: i64, audit: &AuditEntry) -> StoreResult<()>;

    async fn insert_user(&self, user: &User, audit: &AuditEntry) -> StoreResult<i64>;
    async fn update_user(&self, user: &User, audit: &AuditEntry) -> StoreResult<()>;
    /// Deletes the user and their keys.
    async fn delete_user(&self, id: i64, audit: &AuditEntry) -> StoreResult<()>;
    async fn user(&self, id: i64) -> StoreResult<Option<User>>;
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    async fn users(&self, filter: &UserFilter) -> StoreResult<Vec<User>>;
    async fn insert_auth_key(&self, key: &AuthKey, audit: &AuditEntry) -> StoreResult<i64>;
    async fn delete_auth_keys_of_user(&self, user_id: i64, audit: &AuditEntry) -> StoreResult<u64>;
    async fn auth_keys_of_user(&self, user_id: i64) -> StoreResult<Vec<AuthKey>>;
    async fn key_owner(&self, key_hash: &str) -> StoreResult<Option<KeyOwner>>;

    async fn audit(&self, entry: &AuditEntry) -> StoreResult<()>;
    /// Audit records with id greater than `after_id`, oldest first.
    async fn audit_entries(&self, after_id: i64, limit: u64) -> StoreResult<Vec<AuditEntry>>;
    /// Deletes audit records created before `before`; returns how many.
    async fn prune_audit(&self, before: i64) -> StoreResult<u64>;
}

/// Sharing groups and tags.
#[async_trait::async_trait]
pub trait SharingStore {
    async fn insert_sharing_group(&self, sg: &SharingGroup, audit: &AuditEntry) -> StoreResult<i64>;
    /// Updates the row and replaces its member organisations and servers.
    async fn update_sharing_group(&self, sg: &SharingGroup, audit: &AuditEntry) -> StoreResult<()>;
    async fn delete_sharing_group(&self, id: i64, audit: &AuditEntry) -> StoreResult<()>;
    async fn sharing_group(&self, id: i64) -> StoreResult<Option<SharingGroup>>;
    async fn sharing_group_by_uuid(&self, uuid: &Uuid) -> StoreResult<Option<SharingGroup>>;
    async fn sharing_groups(&self) -> StoreResult<Vec<SharingGroup>>;
    /// Ids of the sharing groups that list `org_id` as a member, that it
    /// owns, or that are open to all organisations of this instance.
    async fn sharing_groups_for_org(&self, org_id: i64) -> StoreResult<Vec<i64>>;
    /// How many events, objects and attributes use the sharing group.
    async fn sharing_group_usage(&self, id: i64) -> StoreResult<i64>;

    async fn insert_tag(&self, tag: &Tag, audit: &AuditEntry) -> StoreResult<i64>;
    async fn update_tag(&self, tag: &Tag, audit: &AuditEntry) -> StoreResult<()>;
    async fn delete_tag(&self, id: i64, audit: &AuditEntry) -> StoreResult<()>;
    async fn tag(&self, id: i64) -> StoreResult<Option<Tag>>;
    async fn tag_by_name(&self, name: &str) -> StoreResult<Option<Tag>>;
    /// Tags whose name matches the filter (`%` wildcards, case-insensitive); all tags for an empty filter.
    async fn tags(&self, names: &TextFilter) -> StoreResult<Vec<Tag>>;
    async fn tags_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<Tag>>;
    /// Usage counts of these tags: events matching `events` (a condition on
    /// `Col::Event*`) and non-deleted attributes matching `attributes` (a
    /// condition on `Col::Event*`, `Col::Attribute*` and `Col::Object*`).
    /// Tags used nowhere visible are left out.
    async fn tag_usage(&self, tag_ids: &[i64], events: &Cond, attributes: &Cond) -> StoreResult<Vec<TagUsage>>;
}

/// Events and everything inside them.
#[async_trait::async_trait]
pub trait EventStore {
    async fn write_event(&self, write: &EventWrite, audit: &AuditEntry) -> StoreResult<EventWriteResult>;
    /// Deletes the event and everything in it.
    async fn delete_event(&self, id: i64, audit: &AuditEntry) -> StoreResult<()>;
    async fn event(&self, key: EventKey) -> StoreResult<Option<Event>>;
    async fn events_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<Event>>;
    /// The event with all objects, attributes, references and tag links
    /// (deleted ones included; the caller filters).
    async fn event_tree(&self, id: i64) -> StoreResult<EventTree>;
    async fn attribute(&self, id: i64) -> StoreResult<Option<Attribute>>;
    async fn attribute_by_uuid(&self, uuid: &Uuid) -> StoreResult<Option<Attribute>>;
    async fn object(&self, id: i64) -> StoreResult<Option<Object>>;
    async fn object_by_uuid(&self, uuid: &Uuid) -> StoreResult<Option<Object>>;
    async fn object_reference(&self, id: i64) -> StoreResult<Option<ObjectReference>>;
    async fn object_reference_by_uuid(&self, uuid: &Uuid) -> StoreResult<Option<ObjectReference>>;
    async fn objects_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<Object>>;
    /// Tag links of these attributes.
    async fn attribute_tags(&self, attribute_ids: &[i64]) -> StoreResult<Vec<TagLink>>;
    /// Tag links of these events.
    async fn event_tags(&self, event_ids: &[i64]) -> StoreResult<Vec<TagLink>>;
    /// Which of these uuids are already used by an event, object, attribute or reference.
    async fn uuids_in_use(&self, uuids: &[Uuid]) -> StoreResult<Vec<Uuid>>;
}

/// Searches with access conditions applied in the database.
#[async_trait::async_trait]
pub trait SearchStore {
    async fn search_events(&self, query: &EventQuery) -> StoreResult<Vec<Event>>;
    async fn count_events(&self, query: &EventQuery) -> StoreResult<u64>;
    async fn search_attributes(&self, query: &AttributeQuery) -> StoreResult<Vec<Attribute>>;
    async fn count_attributes(&self, query: &AttributeQuery) -> StoreResult<u64>;
}

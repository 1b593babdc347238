//! Search plans: typed filters that `fyr-core` builds from restSearch, index and
//! other requests, and that the store executes with bound parameters.

use crate::cond::Cond;
use uuid::Uuid;

/// Which rows by their `deleted` flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Deleted {
    #[default]
    Exclude,
    Only,
    Include,
}

/// Include/exclude lists over strings. Entries may contain `%` wildcards
/// (SQL LIKE, case-insensitive), as MISP allows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextFilter {
    pub any_of: Vec<String>,
    pub none_of: Vec<String>,
}

impl TextFilter {
    pub fn is_empty(&self) -> bool {
        self.any_of.is_empty() && self.none_of.is_empty()
    }
}

/// Include/exclude lists over ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdFilter {
    pub any_of: Vec<i64>,
    pub none_of: Vec<i64>,
}

impl IdFilter {
    pub fn is_empty(&self) -> bool {
        self.any_of.is_empty() && self.none_of.is_empty()
    }
}

/// Tag conditions, already resolved to tag ids. Every group in `all_of` must
/// have at least one of its tags; `any_of` must match at least one (if not
/// empty); `none_of` must match none. A search for an unknown tag resolves to
/// an empty group, which matches nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagFilter {
    pub any_of: Vec<i64>,
    pub all_of: Vec<Vec<i64>>,
    pub none_of: Vec<i64>,
}

impl TagFilter {
    pub fn is_empty(&self) -> bool {
        self.any_of.is_empty() && self.all_of.is_empty() && self.none_of.is_empty()
    }
}

/// Where tag conditions look for attributes: on the attribute, or on the
/// attribute or its event (MISP's behaviour for attribute searches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TagScope {
    #[default]
    AttributeOrEvent,
    AttributeOnly,
}

/// An inclusive range of UNIX seconds; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeRange {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl TimeRange {
    pub fn is_empty(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }
}

/// Filters on attributes (used by attribute searches and, to pick events, by
/// event searches). All set filters must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttributeFilter {
    /// Matched against both halves of the value (value1 and value2), and
    /// against the whole value for composite types.
    pub values: TextFilter,
    pub types: TextFilter,
    pub categories: TextFilter,
    pub object_relations: TextFilter,
    pub uuids: Vec<Uuid>,
    pub ids: IdFilter,
    pub to_ids: Option<bool>,
    pub deleted: Deleted,
    /// Attribute timestamp.
    pub timestamp: TimeRange,
    pub first_seen: TimeRange,
    pub last_seen: TimeRange,
    pub tags: TagFilter,
    pub tag_scope: TagScope,
    /// Attributes inside objects with these names.
    pub object_names: TextFilter,
    /// Only attributes directly in the event (`Some(false)`) or only inside objects (`Some(true)`).
    pub in_object: Option<bool>,
    /// Attributes whose own sharing group, or whose event's, is one of these.
    pub sharing_group_ids: Vec<i64>,
    /// Case-insensitive patterns on the comment.
    pub comments: TextFilter,
}

/// Filters on events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventFilter {
    pub ids: IdFilter,
    pub uuids: Vec<Uuid>,
    /// Creator organisation ids.
    pub orgc_ids: IdFilter,
    pub info: TextFilter,
    pub published: Option<bool>,
    pub tags: TagFilter,
    /// Event `date` range as `YYYY-MM-DD` strings.
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub timestamp: TimeRange,
    pub publish_timestamp: TimeRange,
    pub threat_level_ids: IdFilter,
    pub analysis: IdFilter,
    pub distribution: IdFilter,
    pub sharing_group_ids: IdFilter,
    /// Tags on the event or on any of its attributes (`any_of`, `all_of`);
    /// `none_of` here looks at event tags only, as MISP's event search does.
    pub tags_anywhere: TagFilter,
    /// Events with one of these uuids, or containing an attribute with one.
    pub uuid_or_attribute_uuid: Vec<Uuid>,
    /// Events with at least one attribute matching this (and visible).
    pub attribute: Option<AttributeFilter>,
}

/// Paging: `limit` rows after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub limit: u64,
}

/// Columns event searches can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventSort {
    #[default]
    Id,
    Info,
    Date,
    Timestamp,
    PublishTimestamp,
    ThreatLevel,
    Analysis,
    Distribution,
    OrgId,
    OrgcId,
    AttributeCount,
    Uuid,
    Published,
}

/// Ordering of event searches (ties broken by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EventOrder {
    pub sort: EventSort,
    pub descending: bool,
}

/// A search for events visible under `visibility`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventQuery {
    pub visibility: Cond,
    /// Applied to attributes when `filter.attribute` is set.
    pub attribute_visibility: Cond,
    pub filter: EventFilter,
    pub order: EventOrder,
    pub page: Option<Page>,
}

/// A search for attributes visible under `visibility`, which reads event,
/// object and attribute columns.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeQuery {
    pub visibility: Cond,
    pub attribute: AttributeFilter,
    pub event: EventFilter,
    /// Return attributes with id greater than this (keyset paging for streams).
    pub after_id: i64,
    pub page: Option<Page>,
}

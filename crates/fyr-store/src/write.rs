//! Batches of changes to one event and everything in it, applied by the store
//! in a single transaction together with their audit record.

use crate::rows::{Attribute, Event, Object, ObjectReference};
use uuid::Uuid;

/// A change to the tags on an event or an attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum TagChange {
    /// Attach (or, if attached, update `local` and `relationship_type`).
    Attach {
        tag_id: i64,
        local: bool,
        relationship_type: String,
    },
    Detach {
        tag_id: i64,
    },
}

/// An attribute to insert or update. `object_uuid` names the object it belongs
/// to when that object is created in the same batch (its id is not known yet);
/// otherwise `attribute.object_id` is used.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeWrite {
    pub attribute: Attribute,
    pub object_uuid: Option<Uuid>,
}

/// Everything that changes in one event. Rows with `id == 0` are inserted,
/// others updated in full. The store resolves new ids by uuid: attributes to
/// objects, object references to their source object and referenced
/// attribute or object, tag changes to attributes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventWrite {
    /// `None` leaves the event row as it is (its id is then `event_id`).
    pub event: Option<Event>,
    pub event_id: i64,
    pub objects: Vec<Object>,
    pub attributes: Vec<AttributeWrite>,
    pub references: Vec<ObjectReference>,
    pub event_tags: Vec<TagChange>,
    pub attribute_tags: Vec<(Uuid, TagChange)>,
    pub hard_delete_attributes: Vec<i64>,
    pub hard_delete_objects: Vec<i64>,
    pub hard_delete_references: Vec<i64>,
}

/// What a write assigned.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventWriteResult {
    pub event_id: i64,
    /// (uuid, id) of every attribute inserted.
    pub attribute_ids: Vec<(Uuid, i64)>,
    /// (uuid, id) of every object inserted.
    pub object_ids: Vec<(Uuid, i64)>,
    /// (uuid, id) of every reference inserted.
    pub reference_ids: Vec<(Uuid, i64)>,
}

impl EventWriteResult {
    pub fn attribute_id(&self, uuid: &Uuid) -> Option<i64> {
        self.attribute_ids.iter().find(|(u, _)| u == uuid).map(|(_, id)| *id)
    }
    pub fn object_id(&self, uuid: &Uuid) -> Option<i64> {
        self.object_ids.iter().find(|(u, _)| u == uuid).map(|(_, id)| *id)
    }
}

//! Objects and object references: view, add, edit (MISP's delta merge),
//! delete. Semantics of MISP's `ObjectsController`/`ObjectReferencesController`.

use crate::capture;
use crate::core::{Actor, Core};
use crate::error::{CoreError, CoreResult};
use crate::events::{apply_object_fields, can_modify};
use fyr_misp::input::{ObjectIn, ObjectReferenceIn};
use fyr_store::*;
use std::collections::HashMap;
use uuid::Uuid;

/// An object with its event and its attributes, as a viewer sees them.
#[derive(Debug, Clone)]
pub struct FoundObject {
    pub object: Object,
    pub event: Event,
    pub attributes: Vec<Attribute>,
    pub references: Vec<ObjectReference>,
}

impl<S: Store> Core<S> {
    /// The object with this id or uuid if the actor sees it (deleted objects
    /// included, as MISP does), with its visible non-deleted attributes.
    pub async fn find_object(&self, actor: &Actor, key: &str) -> CoreResult<FoundObject> {
        let not_found = || CoreError::NotFound("Invalid object.".into());
        let t = key.trim();
        let object = if let Ok(id) = t.parse::<i64>() {
            self.store.object(id).await?
        } else if let Ok(u) = Uuid::parse_str(t) {
            self.store.object_by_uuid(&u).await?
        } else {
            None
        }
        .ok_or_else(not_found)?;
        let event = self.store.event(EventKey::Id(object.event_id)).await?.ok_or_else(not_found)?;
        if !actor.viewer.sees_event(&event) || !actor.viewer.sees_object(&event, &object) {
            return Err(not_found());
        }
        let tree = self.store.event_tree(event.id).await?;
        let attributes = tree
            .attributes
            .into_iter()
            .filter(|a| a.object_id == object.id && !a.deleted && actor.viewer.sees_attribute(&event, a, Some(&object)))
            .collect();
        let references = tree.references.into_iter().filter(|r| r.object_id == object.id && !r.deleted).collect();
        Ok(FoundObject { object, event, attributes, references })
    }

    fn require_object_modify(&self, actor: &Actor, event: &Event) -> CoreResult<()> {
        actor.require("perm_modify")?;
        if can_modify(actor, event) { Ok(()) } else { Err(CoreError::Forbidden("You do not have permission to do that.".into())) }
    }

    /// `objects/add/{event}`: a new object with its attributes and references.
    pub async fn add_object(&self, actor: &Actor, event_key: &str, input: ObjectIn) -> CoreResult<FoundObject> {
        actor.require("perm_add")?;
        let input = input.unwrap_inner();
        let event = self.find_event(actor, event_key).await?;
        self.require_object_modify(actor, &event)?;
        if input.attributes.is_empty() {
            return Err(CoreError::Refused("Could not save the object as no attributes were set.".into()));
        }
        let settings = self.settings().await?;
        let env = self.env.clone();
        let new_uuid = move || env.new_uuid();
        let cx = self.capture(actor, &settings, &new_uuid);
        let mut write = EventWrite { event: Some(self.touch(&event)), event_id: event.id, ..EventWrite::default() };
        let mut uuids = Vec::new();
        self.capture_new_object(&cx, "", &input, event.id, &mut write, &mut uuids).await?;
        self.check_uuids_free(&uuids).await?;
        let object_uuid = write.objects.first().map(|o| o.uuid).ok_or_else(|| CoreError::Internal("no object".into()))?;
        let audit = actor.audit(cx.now, "add", "Object", 0, format!("Object {object_uuid} added to event {}", event.uuid));
        let result = self.store.write_event(&write, &audit).await?;
        let id = result.object_id(&object_uuid).ok_or_else(|| CoreError::Internal("object id not returned".into()))?;
        self.find_object(actor, &id.to_string()).await
    }

    /// `objects/edit`: MISP's delta merge — attributes matched by uuid are
    /// updated when they differ, new ones are added, and stored attributes
    /// absent from a non-empty list are soft-deleted.
    pub async fn edit_object(&self, actor: &Actor, key: &str, input: ObjectIn) -> CoreResult<FoundObject> {
        actor.require("perm_add")?;
        let input = input.unwrap_inner();
        let found = self.find_object(actor, key).await?;
        self.require_object_modify(actor, &found.event)?;
        let settings = self.settings().await?;
        let env = self.env.clone();
        let new_uuid = move || env.new_uuid();
        let cx = self.capture(actor, &settings, &new_uuid);
        let now = cx.now;
        let mut object = found.object.clone();
        // MISP ignores timestamps in an object edit: only these fields change.
        let fields = ObjectIn {
            name: None,
            meta_category: None,
            description: None,
            template_uuid: None,
            attributes: Vec::new(),
            references: Vec::new(),
            timestamp: None,
            ..input.clone()
        };
        apply_object_fields(&cx, "", &mut object, &fields)?;
        let tree = self.store.event_tree(found.event.id).await?;
        let stored: HashMap<Uuid, &Attribute> = tree.attributes.iter().filter(|a| a.object_id == object.id).map(|a| (a.uuid, a)).collect();
        let mut write = EventWrite { event: Some(self.touch(&found.event)), event_id: found.event.id, ..EventWrite::default() };
        let mut new_uuids = Vec::new();
        let mut mentioned: Vec<Uuid> = Vec::new();
        for (i, a) in input.attributes.iter().enumerate() {
            let a = a.clone().unwrap_inner();
            let path = format!("Attribute[{i}].");
            let existing = a.uuid.as_deref().and_then(|u| Uuid::parse_str(u.trim()).ok()).and_then(|u| stored.get(&u).copied());
            match existing {
                Some(old) => {
                    mentioned.push(old.uuid);
                    let edit = AttributeFieldsOnly::from(&a);
                    let updated = capture::edited_attribute(&cx, &path, old, &edit.0)?;
                    let tags = self.capture_tags(actor, &path, &a.tags).await?;
                    if capture::differs(old, &updated) {
                        write.attributes.push(AttributeWrite { attribute: updated, object_uuid: None });
                    }
                    for change in tags {
                        write.attribute_tags.push((old.uuid, change));
                    }
                }
                None => {
                    let mut attr = capture::new_attribute(&cx, &path, &a, found.event.id, object.id)?;
                    if attr.first_seen.is_none() {
                        attr.first_seen = object.first_seen;
                    }
                    if attr.last_seen.is_none() {
                        attr.last_seen = object.last_seen;
                    }
                    new_uuids.push(attr.uuid);
                    for change in self.capture_tags(actor, &path, &a.tags).await? {
                        write.attribute_tags.push((attr.uuid, change));
                    }
                    write.attributes.push(AttributeWrite { attribute: attr, object_uuid: None });
                }
            }
        }
        let delete_all = object.deleted && !found.object.deleted;
        if !input.attributes.is_empty() || delete_all {
            for old in stored.values().filter(|a| !a.deleted && (delete_all || !mentioned.contains(&a.uuid))) {
                let mut a = (*old).clone();
                a.deleted = true;
                a.timestamp = now;
                write.attributes.retain(|w| w.attribute.uuid != a.uuid);
                write.attributes.push(AttributeWrite { attribute: a, object_uuid: None });
            }
        }
        write.objects.push(object.clone());
        self.check_uuids_free(&new_uuids).await?;
        let audit = actor.audit(now, "edit", "Object", object.id, format!("Object {} edited", object.uuid));
        self.store.write_event(&write, &audit).await?;
        self.find_object(actor, &object.id.to_string()).await
    }

    /// `objects/delete`: soft (object and its attributes marked deleted) or hard.
    pub async fn delete_object(&self, actor: &Actor, key: &str, hard: bool) -> CoreResult<FoundObject> {
        actor.require("perm_add")?;
        let found = self.find_object(actor, key).await?;
        self.require_object_modify(actor, &found.event)?;
        let now = self.now();
        let mut write = EventWrite { event: Some(self.touch(&found.event)), event_id: found.event.id, ..EventWrite::default() };
        if hard {
            write.hard_delete_objects.push(found.object.id);
        } else {
            let tree = self.store.event_tree(found.event.id).await?;
            let mut o = found.object.clone();
            o.deleted = true;
            o.timestamp = now;
            write.objects.push(o);
            for a in tree.attributes.iter().filter(|a| a.object_id == found.object.id && !a.deleted) {
                let mut a = a.clone();
                a.deleted = true;
                a.timestamp = now;
                write.attributes.push(AttributeWrite { attribute: a, object_uuid: None });
            }
            for r in
                tree.references.iter().filter(|r| (r.referenced_uuid == found.object.uuid || r.object_id == found.object.id) && !r.deleted)
            {
                let mut r = r.clone();
                r.deleted = true;
                r.timestamp = now;
                write.references.push(r);
            }
        }
        let what = if hard { "hard-deleted" } else { "deleted" };
        let audit = actor.audit(now, "delete", "Object", found.object.id, format!("Object {} {what}", found.object.uuid));
        self.store.write_event(&write, &audit).await?;
        Ok(found)
    }

    /// `objectReferences/add[/{object}]`: a reference from an object to an
    /// attribute or object of the same event.
    pub async fn add_object_reference(
        &self,
        actor: &Actor,
        object_key: Option<&str>,
        input: ObjectReferenceIn,
    ) -> CoreResult<ObjectReference> {
        actor.require("perm_add")?;
        let input = input.unwrap_inner();
        let key = match object_key {
            Some(k) => k.to_string(),
            None => input
                .object_uuid
                .clone()
                .or_else(|| input.source_uuid.clone())
                .or_else(|| input.object_id.map(|i| i.to_string()))
                .ok_or_else(|| CoreError::invalid("object_uuid", "is required"))?,
        };
        let found = self.find_object(actor, &key).await?;
        // MISP answers "Invalid object." for objects the caller may not change.
        self.require_object_modify(actor, &found.event).map_err(|_| CoreError::NotFound("Invalid object.".into()))?;
        let settings = self.settings().await?;
        let env = self.env.clone();
        let new_uuid = move || env.new_uuid();
        let cx = self.capture(actor, &settings, &new_uuid);
        let mut reference = capture::new_reference(&cx, "", &input, found.event.id, &found.object)?;
        // The referenced attribute or object must be in the same event.
        let tree = self.store.event_tree(found.event.id).await?;
        if let Some(a) = tree.attributes.iter().find(|a| a.uuid == reference.referenced_uuid) {
            reference.referenced_type = 0;
            reference.referenced_id = a.id;
        } else if let Some(o) = tree.objects.iter().find(|o| o.uuid == reference.referenced_uuid) {
            reference.referenced_type = 1;
            reference.referenced_id = o.id;
        } else {
            return Err(CoreError::NotFound("Invalid target.".into()));
        }
        self.check_uuids_free(&[reference.uuid]).await?;
        let write = EventWrite {
            event: Some(self.touch(&found.event)),
            event_id: found.event.id,
            references: vec![reference.clone()],
            ..EventWrite::default()
        };
        let audit = actor.audit(cx.now, "add", "ObjectReference", 0, format!("Reference {} added", reference.uuid));
        let result = self.store.write_event(&write, &audit).await?;
        let id = result.reference_ids.first().map(|(_, id)| *id).ok_or_else(|| CoreError::Internal("reference id".into()))?;
        self.store.object_reference(id).await?.ok_or_else(|| CoreError::Internal("reference vanished".into()))
    }

    /// `objectReferences/delete/{id}[/true]`.
    pub async fn delete_object_reference(&self, actor: &Actor, key: &str, hard: bool) -> CoreResult<ObjectReference> {
        actor.require("perm_add")?;
        let not_found = || CoreError::NotFound("Invalid object reference.".into());
        let t = key.trim();
        let reference = if let Ok(id) = t.parse::<i64>() {
            self.store.object_reference(id).await?
        } else if let Ok(u) = Uuid::parse_str(t) {
            self.store.object_reference_by_uuid(&u).await?
        } else {
            None
        }
        .ok_or_else(not_found)?;
        let found = self.find_object(actor, &reference.object_id.to_string()).await.map_err(|_| not_found())?;
        self.require_object_modify(actor, &found.event)?;
        let now = self.now();
        let mut write = EventWrite { event: Some(self.touch(&found.event)), event_id: found.event.id, ..EventWrite::default() };
        if hard {
            write.hard_delete_references.push(reference.id);
        } else {
            let mut r = reference.clone();
            r.deleted = true;
            r.timestamp = now;
            write.references.push(r);
        }
        let audit = actor.audit(now, "delete", "ObjectReference", reference.id, format!("Reference {} deleted", reference.uuid));
        self.store.write_event(&write, &audit).await?;
        Ok(reference)
    }
}

/// The editable fields of an attribute in an object edit (MISP ignores the
/// timestamp there; the edit is applied if anything differs).
struct AttributeFieldsOnly(fyr_misp::input::AttributeIn);

impl From<&fyr_misp::input::AttributeIn> for AttributeFieldsOnly {
    fn from(a: &fyr_misp::input::AttributeIn) -> Self {
        AttributeFieldsOnly(fyr_misp::input::AttributeIn { timestamp: None, ..a.clone() })
    }
}

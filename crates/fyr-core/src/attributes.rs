//! Attributes on their own: view, add (one or many), edit, delete (soft or
//! hard), restore. Semantics of MISP's `AttributesController`.

use crate::capture;
use crate::core::{Actor, Core};
use crate::error::{CoreError, CoreResult};
use crate::events::can_modify;
use fyr_misp::input::AttributeIn;
use fyr_store::*;
use uuid::Uuid;

/// An attribute with its event and (if any) object, as found for a viewer.
#[derive(Debug, Clone)]
pub struct FoundAttribute {
    pub attribute: Attribute,
    pub event: Event,
    pub object: Option<Object>,
}

/// Options of `attributes/add`.
#[derive(Debug, Clone, Copy)]
pub struct AddOptions {
    /// Refuse an attribute equal (type, category, value) to one already in
    /// the event. MISP's default; `breakOnDuplicate:0` turns it off.
    pub break_on_duplicate: bool,
}

impl Default for AddOptions {
    fn default() -> Self {
        AddOptions { break_on_duplicate: true }
    }
}

/// The outcome of adding several attributes: those stored and, by index, why
/// the others were refused.
#[derive(Debug, Clone, Default)]
pub struct AddedAttributes {
    pub added: Vec<Attribute>,
    pub errors: Vec<(usize, CoreError)>,
}

fn id_or_uuid(key: &str) -> Option<Result<i64, Uuid>> {
    let t = key.trim();
    if let Ok(id) = t.parse::<i64>() {
        return (id > 0).then_some(Ok(id));
    }
    Uuid::parse_str(t).ok().map(Err)
}

impl<S: Store> Core<S> {
    /// The attribute with this id or uuid if the actor sees it (deleted ones
    /// only when `include_deleted`).
    pub async fn find_attribute(&self, actor: &Actor, key: &str, include_deleted: bool) -> CoreResult<FoundAttribute> {
        let not_found = || CoreError::NotFound("Invalid attribute".into());
        let attribute = match id_or_uuid(key).ok_or_else(not_found)? {
            Ok(id) => self.store.attribute(id).await?,
            Err(u) => self.store.attribute_by_uuid(&u).await?,
        }
        .ok_or_else(not_found)?;
        if attribute.deleted && !include_deleted {
            return Err(not_found());
        }
        let event = self.store.event(EventKey::Id(attribute.event_id)).await?.ok_or_else(not_found)?;
        let object = if attribute.object_id != 0 { self.store.object(attribute.object_id).await? } else { None };
        if !actor.viewer.sees_event(&event) || !actor.viewer.sees_attribute(&event, &attribute, object.as_ref()) {
            return Err(not_found());
        }
        Ok(FoundAttribute { attribute, event, object })
    }

    /// The tags on an attribute (exportable ones unless `all`).
    pub async fn attribute_tags_of(&self, attribute_id: i64, all: bool) -> CoreResult<Vec<(Tag, TagLink)>> {
        let links = self.store.attribute_tags(&[attribute_id]).await?;
        let ids: Vec<i64> = links.iter().map(|l| l.tag_id).collect();
        let tags = self.store.tags_by_ids(&ids).await?;
        Ok(links
            .into_iter()
            .filter_map(|l| tags.iter().find(|t| t.id == l.tag_id).filter(|t| all || t.exportable).map(|t| (t.clone(), l)))
            .collect())
    }

    fn require_modify(&self, actor: &Actor, event: &Event) -> CoreResult<()> {
        if can_modify(actor, event) { Ok(()) } else { Err(CoreError::Forbidden("You do not have permission to do that.".into())) }
    }

    /// `attributes/add/{event}`: adds one or several attributes. With
    /// several, the valid ones are stored and the invalid ones reported by
    /// index (MISP's behaviour); a single invalid one is an error.
    pub async fn add_attributes(
        &self,
        actor: &Actor,
        event_key: &str,
        inputs: Vec<AttributeIn>,
        opts: AddOptions,
    ) -> CoreResult<AddedAttributes> {
        actor.require("perm_add")?;
        let event = self.find_event(actor, event_key).await?;
        self.require_modify(actor, &event)?;
        let settings = self.settings().await?;
        let env = self.env.clone();
        let new_uuid = move || env.new_uuid();
        let cx = self.capture(actor, &settings, &new_uuid);
        let tree = self.store.event_tree(event.id).await?;
        let single = inputs.len() == 1;
        let mut out = AddedAttributes::default();
        let mut write = EventWrite { event: Some(self.touch(&event)), event_id: event.id, ..EventWrite::default() };
        let mut accepted: Vec<(String, String, String, String)> = Vec::new();
        let mut uuids = Vec::new();
        for (i, a) in inputs.into_iter().enumerate() {
            let a = a.unwrap_inner();
            let path = if single { String::new() } else { format!("Attribute[{i}].") };
            let attr = match capture::new_attribute(&cx, &path, &a, event.id, 0) {
                Ok(attr) => attr,
                Err(e) if !single => {
                    out.errors.push((i, e));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let key = (attr.value1.clone(), attr.value2.clone(), attr.attr_type.clone(), attr.category.clone());
            let duplicate = opts.break_on_duplicate
                && (accepted.contains(&key)
                    || tree.attributes.iter().any(|x| {
                        !x.deleted
                            && x.object_id == 0
                            && x.value1 == attr.value1
                            && x.value2 == attr.value2
                            && x.attr_type == attr.attr_type
                            && x.category == attr.category
                    }));
            if duplicate {
                let e = CoreError::invalid(format!("{path}value"), "A similar attribute already exists for this event.");
                if single {
                    return Err(e);
                }
                out.errors.push((i, e));
                continue;
            }
            if self.store.uuids_in_use(&[attr.uuid]).await?.contains(&attr.uuid) || uuids.contains(&attr.uuid) {
                let e = CoreError::invalid(format!("{path}uuid"), format!("{} is already used by another record", attr.uuid));
                if single {
                    return Err(e);
                }
                out.errors.push((i, e));
                continue;
            }
            accepted.push(key);
            uuids.push(attr.uuid);
            for change in self.capture_tags(actor, &path, &a.tags).await? {
                write.attribute_tags.push((attr.uuid, change));
            }
            write.attributes.push(AttributeWrite { attribute: attr, object_uuid: None });
        }
        if write.attributes.is_empty() {
            return Ok(out);
        }
        let audit = actor.audit(
            self.now(),
            "add",
            "Attribute",
            event.id,
            format!("{} attribute(s) added to event {}", write.attributes.len(), event.uuid),
        );
        let result = self.store.write_event(&write, &audit).await?;
        for (u, id) in result.attribute_ids {
            if let Some(a) = self.store.attribute(id).await? {
                debug_assert_eq!(a.uuid, u);
                out.added.push(a);
            }
        }
        Ok(out)
    }

    /// `attributes/edit`: fields present replace the stored ones; a
    /// timestamp not newer than the stored one is refused (MISP 405).
    pub async fn edit_attribute(&self, actor: &Actor, key: &str, input: AttributeIn) -> CoreResult<Attribute> {
        actor.require("perm_add")?;
        let input = input.unwrap_inner();
        let found = self.find_attribute(actor, key, false).await?;
        self.require_modify(actor, &found.event)?;
        if let Some(ts) = input.timestamp
            && ts <= found.attribute.timestamp
        {
            return Err(CoreError::NotAllowed(
                "Attribute could not be saved: Attribute in the request not newer than the local copy.".into(),
            ));
        }
        let settings = self.settings().await?;
        let env = self.env.clone();
        let new_uuid = move || env.new_uuid();
        let cx = self.capture(actor, &settings, &new_uuid);
        let updated = capture::edited_attribute(&cx, "", &found.attribute, &input)?;
        let mut write = EventWrite { event: Some(self.touch(&found.event)), event_id: found.event.id, ..EventWrite::default() };
        if let Some(o) = &found.object {
            let mut o = o.clone();
            o.timestamp = cx.now;
            write.objects.push(o);
        }
        for change in self.capture_tags(actor, "", &input.tags).await? {
            write.attribute_tags.push((updated.uuid, change));
        }
        write.attributes.push(AttributeWrite { attribute: updated.clone(), object_uuid: None });
        let audit = actor.audit(cx.now, "edit", "Attribute", updated.id, format!("Attribute {} edited", updated.uuid));
        self.store.write_event(&write, &audit).await?;
        self.store.attribute(updated.id).await?.ok_or_else(|| CoreError::Internal("attribute vanished".into()))
    }

    /// `attributes/delete`: soft (marks deleted) or hard (removes).
    pub async fn delete_attribute(&self, actor: &Actor, key: &str, hard: bool) -> CoreResult<Attribute> {
        actor.require("perm_add")?;
        let found = self.find_attribute(actor, key, hard).await?;
        self.require_modify(actor, &found.event)?;
        let now = self.now();
        let mut write = EventWrite { event: Some(self.touch(&found.event)), event_id: found.event.id, ..EventWrite::default() };
        if hard {
            write.hard_delete_attributes.push(found.attribute.id);
        } else {
            let mut a = found.attribute.clone();
            a.deleted = true;
            a.timestamp = now;
            write.attributes.push(AttributeWrite { attribute: a, object_uuid: None });
            // References pointing at it are marked deleted too.
            let tree = self.store.event_tree(found.event.id).await?;
            for r in tree.references.iter().filter(|r| r.referenced_uuid == found.attribute.uuid && !r.deleted) {
                let mut r = r.clone();
                r.deleted = true;
                r.timestamp = now;
                write.references.push(r);
            }
        }
        let what = if hard { "hard-deleted" } else { "deleted" };
        let audit = actor.audit(now, "delete", "Attribute", found.attribute.id, format!("Attribute {} {what}", found.attribute.uuid));
        self.store.write_event(&write, &audit).await?;
        Ok(found.attribute)
    }

    /// `attributes/restore`: undoes a soft delete.
    pub async fn restore_attribute(&self, actor: &Actor, key: &str) -> CoreResult<Attribute> {
        actor.require("perm_add")?;
        let found = self.find_attribute(actor, key, true).await?;
        self.require_modify(actor, &found.event)?;
        let now = self.now();
        let mut a = found.attribute.clone();
        a.deleted = false;
        a.timestamp = now;
        let write = EventWrite {
            event: Some(self.touch(&found.event)),
            event_id: found.event.id,
            attributes: vec![AttributeWrite { attribute: a.clone(), object_uuid: None }],
            ..EventWrite::default()
        };
        let audit = actor.audit(now, "restore", "Attribute", a.id, format!("Attribute {} restored", a.uuid));
        self.store.write_event(&write, &audit).await?;
        Ok(a)
    }
}

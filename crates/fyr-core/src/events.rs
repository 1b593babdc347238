//! Events: find, view (filtered for the viewer), add, edit, delete, publish.
//! Semantics follow MISP's `EventsController` and `Event::_add`/`_edit`.

use crate::capture::{self, Capture, MAX_TEXT, check_len};
use crate::core::{Actor, Core};
use crate::error::{CoreError, CoreResult};
use crate::settings::Settings;
use fyr_misp::input::{AttributeIn, EventIn, ObjectIn};
use fyr_misp::output::Lookup;
use fyr_store::*;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Which deleted attributes and objects a view includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeletedView {
    #[default]
    Exclude,
    Include,
    Only,
}

/// Options for rendering an event for a viewer.
#[derive(Debug, Clone, Default)]
pub struct ViewOptions {
    pub deleted: DeletedView,
    /// Omit attributes and objects.
    pub metadata: bool,
    /// Include non-exportable tags (MISP shows them only in a few places).
    pub include_non_exportable_tags: bool,
    /// Only attributes with this `to_ids`.
    pub to_ids: Option<bool>,
    /// Hide top-level attributes carrying any of these tags (restSearch NOT tags).
    pub hide_attributes_tagged: Vec<i64>,
}

/// An event as a viewer sees it, with what is needed to render it.
#[derive(Debug, Clone)]
pub struct EventView {
    pub tree: EventTree,
    pub lookup: Lookup,
}

/// Parses an id-or-uuid path segment.
pub fn event_key(s: &str) -> Option<EventKey> {
    let t = s.trim();
    if let Ok(id) = t.parse::<i64>() {
        return (id > 0).then_some(EventKey::Id(id));
    }
    Uuid::parse_str(t).ok().map(EventKey::Uuid)
}

/// MISP's `canModifyEvent`.
pub fn can_modify(actor: &Actor, e: &Event) -> bool {
    if actor.site_admin() {
        return true;
    }
    if actor.perm("perm_modify_org") && e.orgc_id == actor.org.id {
        return true;
    }
    if actor.perm("perm_modify") && e.user_id == actor.user.id && e.orgc_id == actor.org.id {
        return true;
    }
    // Events that arrived by sync belong to the puller's organisation.
    e.locked && actor.perm("perm_sync") && e.org_id == actor.org.id
}

/// MISP's publish rule: site admin, or a publisher of the creator org.
pub fn can_publish(actor: &Actor, e: &Event) -> bool {
    actor.site_admin() || (actor.perm("perm_publish") && e.orgc_id == actor.org.id)
}

impl<S: Store> Core<S> {
    pub(crate) fn capture<'a>(
        &'a self,
        actor: &'a Actor,
        settings: &'a Settings,
        new_uuid: &'a (dyn Fn() -> Uuid + Send + Sync),
    ) -> Capture<'a> {
        Capture { actor, settings, now: self.now(), new_uuid }
    }

    /// The event with this id or uuid, if the actor sees it (404 otherwise).
    pub async fn find_event(&self, actor: &Actor, key: &str) -> CoreResult<Event> {
        let not_found = || CoreError::NotFound("Invalid event".into());
        let key = event_key(key).ok_or_else(not_found)?;
        let event = self.store.event(key).await?.ok_or_else(not_found)?;
        if !actor.viewer.sees_event(&event) {
            return Err(not_found());
        }
        Ok(event)
    }

    /// The event with everything the viewer may see in it.
    pub async fn event_view(&self, actor: &Actor, event: &Event, opts: &ViewOptions) -> CoreResult<EventView> {
        let mut tree = if opts.metadata {
            let mut t = EventTree { event: Some(event.clone()), ..EventTree::default() };
            t.event_tags = self.store.event_tags(&[event.id]).await?;
            t
        } else {
            self.store.event_tree(event.id).await?
        };
        let Some(event) = tree.event.clone() else { return Err(CoreError::NotFound("Invalid event".into())) };
        let owner = actor.site_admin() || event.org_id == actor.org.id;
        let deleted = if owner || actor.perm("perm_sync") { opts.deleted } else { DeletedView::Exclude };
        let keep_deleted = |d: bool| match deleted {
            DeletedView::Exclude => !d,
            DeletedView::Include => true,
            DeletedView::Only => d,
        };
        let v = &actor.viewer;
        // Objects the viewer sees (deleted ones only when asked for).
        let objects: HashMap<i64, Object> = tree
            .objects
            .iter()
            .filter(|o| v.sees_object(&event, o))
            .filter(|o| deleted != DeletedView::Exclude || !o.deleted)
            .map(|o| (o.id, o.clone()))
            .collect();
        let hidden_by_tag: HashSet<i64> = if opts.hide_attributes_tagged.is_empty() {
            HashSet::new()
        } else {
            tree.attribute_tags.iter().filter(|l| opts.hide_attributes_tagged.contains(&l.tag_id)).map(|l| l.target_id).collect()
        };
        tree.attributes.retain(|a| {
            let object = if a.object_id == 0 { None } else { objects.get(&a.object_id) };
            if a.object_id != 0 && object.is_none() {
                return false;
            }
            if a.object_id == 0 && hidden_by_tag.contains(&a.id) {
                return false;
            }
            if let Some(t) = opts.to_ids
                && a.to_ids != t
            {
                return false;
            }
            keep_deleted(a.deleted) && v.sees_attribute(&event, a, object)
        });
        // MISP drops objects none of whose attributes are shown.
        let with_attributes: HashSet<i64> = tree.attributes.iter().map(|a| a.object_id).collect();
        tree.objects.retain(|o| objects.contains_key(&o.id) && with_attributes.contains(&o.id));
        let object_ids: HashSet<i64> = tree.objects.iter().map(|o| o.id).collect();
        tree.references.retain(|r| object_ids.contains(&r.object_id) && keep_deleted(r.deleted));
        let attribute_ids: HashSet<i64> = tree.attributes.iter().map(|a| a.id).collect();
        tree.attribute_tags.retain(|l| attribute_ids.contains(&l.target_id));
        let lookup = self.lookup_for(actor, &mut tree, opts.include_non_exportable_tags).await?;
        Ok(EventView { tree, lookup })
    }

    /// Loads the organisations, tags, sharing groups and creator e-mail a
    /// rendering needs, and drops tag links the viewer must not see
    /// (non-exportable tags unless asked for).
    pub async fn lookup_for(&self, actor: &Actor, tree: &mut EventTree, include_non_exportable: bool) -> CoreResult<Lookup> {
        let mut lookup = Lookup::default();
        let Some(event) = &tree.event else { return Ok(lookup) };
        let tag_ids: Vec<i64> =
            tree.event_tags.iter().chain(tree.attribute_tags.iter()).map(|l| l.tag_id).collect::<HashSet<_>>().into_iter().collect();
        for t in self.store.tags_by_ids(&tag_ids).await? {
            if include_non_exportable || t.exportable {
                lookup.tags.insert(t.id, t);
            }
        }
        tree.event_tags.retain(|l| lookup.tags.contains_key(&l.tag_id));
        tree.attribute_tags.retain(|l| lookup.tags.contains_key(&l.tag_id));
        let mut sg_ids: HashSet<i64> = HashSet::new();
        if event.distribution == 4 {
            sg_ids.insert(event.sharing_group_id);
        }
        for a in &tree.attributes {
            if a.distribution == 4 {
                sg_ids.insert(a.sharing_group_id);
            }
        }
        for o in &tree.objects {
            if o.distribution == 4 {
                sg_ids.insert(o.sharing_group_id);
            }
        }
        let mut org_ids: HashSet<i64> = [event.org_id, event.orgc_id].into_iter().collect();
        for id in sg_ids {
            if let Some(sg) = self.store.sharing_group(id).await? {
                org_ids.insert(sg.org_id);
                org_ids.extend(sg.orgs.iter().map(|o| o.org_id));
                lookup.sharing_groups.insert(id, sg);
            }
        }
        let org_ids: Vec<i64> = org_ids.into_iter().collect();
        for o in self.store.orgs_by_ids(&org_ids).await? {
            lookup.orgs.insert(o.id, o);
        }
        if (actor.site_admin() || (actor.perm("perm_audit") && actor.org.id == event.orgc_id))
            && let Some(u) = self.store.user(event.user_id).await?
        {
            lookup.user_emails.insert(u.id, u.email);
        }
        Ok(lookup)
    }

    /// `events/add`: validates and stores a new event with its attributes,
    /// objects, references and tags in one transaction.
    pub async fn add_event(&self, actor: &Actor, input: EventIn) -> CoreResult<Event> {
        actor.require("perm_add")?;
        let input = input.unwrap_inner();
        let settings = self.settings().await?;
        let env = self.env.clone();
        let new_uuid = move || env.new_uuid();
        let cx = self.capture(actor, &settings, &new_uuid);
        let now = cx.now;

        let uuid = capture::uuid_or_new("uuid", input.uuid.as_deref(), &new_uuid)?;
        if let Some(existing) = self.store.event(EventKey::Uuid(uuid)).await? {
            return Err(CoreError::Exists {
                message: "Event already exists, if you would like to edit it, use the url in the location header.".into(),
                location: format!("/events/view/{}", existing.id),
            });
        }
        let info = input.info.clone().unwrap_or_default();
        if info.trim().is_empty() {
            return Err(CoreError::invalid("info", "is required"));
        }
        check_len("info", &info, MAX_TEXT)?;
        let date = match input.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => parse_date("date", d)?,
            None => crate::env::date_of(now),
        };
        let (distribution, sharing_group_id) = capture::distribution_and_group(
            actor,
            "",
            input.distribution.unwrap_or(settings.default_event_distribution),
            4,
            input.sharing_group_id,
        )
        .map_err(sg_not_allowed)?;
        let threat_level_id = input.threat_level_id.unwrap_or(settings.default_threat_level);
        if !(1..=4).contains(&threat_level_id) {
            return Err(CoreError::invalid("threat_level_id", format!("must be 1 (high) to 4 (undefined), got {threat_level_id}")));
        }
        let analysis = input.analysis.unwrap_or(0);
        if !(0..=2).contains(&analysis) {
            return Err(CoreError::invalid("analysis", format!("must be 0 (initial), 1 (ongoing) or 2 (completed), got {analysis}")));
        }
        let extends_uuid = self.extends_uuid(input.extends_uuid.as_deref()).await?;
        let orgc_id = self.creator_org(actor, &input).await?;
        let publish = input.published == Some(true) && actor.perm("perm_publish");
        if publish && input.attributes.is_empty() && input.objects.is_empty() {
            return Err(CoreError::Refused("Received a published event that was empty. Event add process blocked.".into()));
        }
        let event = Event {
            id: 0,
            uuid,
            org_id: actor.org.id,
            orgc_id,
            user_id: actor.user.id,
            date,
            info,
            published: publish,
            analysis,
            threat_level_id,
            distribution,
            sharing_group_id,
            attribute_count: 0,
            timestamp: input.timestamp.filter(|t| *t > 0).unwrap_or(now),
            publish_timestamp: if publish { now } else { 0 },
            sighting_timestamp: 0,
            proposal_email_lock: false,
            locked: actor.perm("perm_sync") && input.locked == Some(true),
            disable_correlation: input.disable_correlation.unwrap_or(false),
            extends_uuid,
            protected: false,
        };
        let mut write = EventWrite { event: Some(event), ..EventWrite::default() };
        let mut seen_values: HashSet<(String, String, String, String)> = HashSet::new();
        let mut uuids: Vec<Uuid> = vec![uuid];
        for (i, a) in input.attributes.iter().enumerate() {
            let path = format!("Attribute[{i}].");
            let attr = capture::new_attribute(&cx, &path, a, 0, 0)?;
            // MISP skips exact duplicates within one event.
            if !seen_values.insert((attr.value1.clone(), attr.value2.clone(), attr.attr_type.clone(), attr.category.clone())) {
                continue;
            }
            uuids.push(attr.uuid);
            for change in self.capture_tags(actor, &path, &a.tags).await? {
                write.attribute_tags.push((attr.uuid, change));
            }
            write.attributes.push(AttributeWrite { attribute: attr, object_uuid: None });
        }
        for (i, o) in input.objects.iter().enumerate() {
            let o = o.clone().unwrap_inner();
            self.capture_new_object(&cx, &format!("Object[{i}]."), &o, 0, &mut write, &mut uuids).await?;
        }
        write.event_tags = self.capture_tags(actor, "", &input.tags).await?;
        write.event_tags.extend(self.capture_tags(actor, "", &input.event_tags).await?);
        self.check_uuids_free(&uuids).await?;
        let title = format!("Event {} created", uuid);
        let audit = actor.audit(now, "add", "Event", 0, title);
        let result = self.store.write_event(&write, &audit).await?;
        self.store.event(EventKey::Id(result.event_id)).await?.ok_or_else(|| CoreError::Internal("event vanished after add".into()))
    }

    /// Adds a new object with its attributes and references to a write.
    pub(crate) async fn capture_new_object(
        &self,
        cx: &Capture<'_>,
        path: &str,
        o: &ObjectIn,
        event_id: i64,
        write: &mut EventWrite,
        uuids: &mut Vec<Uuid>,
    ) -> CoreResult<()> {
        let object = capture::new_object(cx, path, o, event_id)?;
        uuids.push(object.uuid);
        for (j, a) in o.attributes.iter().enumerate() {
            let apath = format!("{path}Attribute[{j}].");
            let mut attr = capture::new_attribute(cx, &apath, a, event_id, 0)?;
            // Object attributes without first/last seen take the object's.
            if attr.first_seen.is_none() {
                attr.first_seen = object.first_seen;
            }
            if attr.last_seen.is_none() {
                attr.last_seen = object.last_seen;
            }
            uuids.push(attr.uuid);
            for change in self.capture_tags(cx.actor, &apath, &a.tags).await? {
                write.attribute_tags.push((attr.uuid, change));
            }
            write.attributes.push(AttributeWrite { attribute: attr, object_uuid: Some(object.uuid) });
        }
        for (k, r) in o.references.iter().enumerate() {
            let r = r.clone().unwrap_inner();
            let reference = capture::new_reference(cx, &format!("{path}ObjectReference[{k}]."), &r, event_id, &object)?;
            uuids.push(reference.uuid);
            write.references.push(reference);
        }
        write.objects.push(object);
        Ok(())
    }

    /// Refuses uuids that are already used by another record (or twice in the request).
    pub(crate) async fn check_uuids_free(&self, uuids: &[Uuid]) -> CoreResult<()> {
        let mut seen = HashSet::with_capacity(uuids.len());
        for u in uuids {
            if !seen.insert(*u) {
                return Err(CoreError::invalid("uuid", format!("{u} is used more than once in the request")));
            }
        }
        let used = self.store.uuids_in_use(uuids).await?;
        if let Some(u) = used.first() {
            return Err(CoreError::invalid("uuid", format!("{u} is already used by another record")));
        }
        Ok(())
    }

    /// The creator organisation: the actor's, unless a sync user brings the
    /// original creator (found by uuid or name, created if unknown).
    async fn creator_org(&self, actor: &Actor, input: &EventIn) -> CoreResult<i64> {
        if !actor.perm("perm_sync") {
            return Ok(actor.org.id);
        }
        let Some(orgc) = &input.orgc else { return Ok(actor.org.id) };
        if let Some(u) = orgc.uuid.as_deref().and_then(|u| Uuid::parse_str(u).ok())
            && let Some(o) = self.store.org_by_uuid(&u).await?
        {
            return Ok(o.id);
        }
        let Some(name) = orgc.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) else { return Ok(actor.org.id) };
        if let Some(o) = self.store.org_by_name(name).await? {
            return Ok(o.id);
        }
        let now = self.now();
        let org = Organisation {
            id: 0,
            uuid: orgc.uuid.as_deref().and_then(|u| Uuid::parse_str(u).ok()).unwrap_or_else(|| self.env.new_uuid()),
            name: name.to_string(),
            description: String::new(),
            org_type: String::new(),
            nationality: String::new(),
            sector: String::new(),
            contacts: String::new(),
            local: false,
            restricted_to_domain: Vec::new(),
            landingpage: String::new(),
            created_by: actor.user.id,
            created: now,
            modified: now,
        };
        Ok(self
            .store
            .insert_org(&org, &actor.audit(now, "add", "Organisation", 0, format!("External organisation {name} captured")))
            .await?)
    }

    /// `extends_uuid` given as a uuid or as an event id.
    async fn extends_uuid(&self, given: Option<&str>) -> CoreResult<String> {
        let Some(s) = given.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(String::new()) };
        if let Ok(id) = s.parse::<i64>() {
            let e = self
                .store
                .event(EventKey::Id(id))
                .await?
                .ok_or_else(|| CoreError::invalid("extends_uuid", format!("no event with id {id}")))?;
            return Ok(e.uuid.to_string());
        }
        Ok(capture::parse_uuid("extends_uuid", s)?.to_string())
    }

    /// `events/edit`: MISP's `_edit` — updates the event's fields, edits or
    /// adds the attributes and objects sent (matched by uuid; older or equal
    /// timestamps are skipped), never deletes what is not sent.
    pub async fn edit_event(&self, actor: &Actor, key: &str, input: EventIn) -> CoreResult<Event> {
        actor.require("perm_add")?;
        let input = input.unwrap_inner();
        let old = self.find_event(actor, key).await?;
        if !can_modify(actor, &old) {
            return Err(CoreError::Forbidden("You are not authorised to do that.".into()));
        }
        let settings = self.settings().await?;
        let env = self.env.clone();
        let new_uuid = move || env.new_uuid();
        let cx = self.capture(actor, &settings, &new_uuid);
        let now = cx.now;
        if let Some(ts) = input.timestamp
            && ts <= old.timestamp
        {
            return Err(CoreError::Refused("Event could not be saved: Event in the request not newer than the local copy.".into()));
        }
        let mut event = old.clone();
        if let Some(d) = input.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            event.date = parse_date("date", d)?;
        }
        if let Some(t) = input.threat_level_id {
            if !(1..=4).contains(&t) {
                return Err(CoreError::invalid("threat_level_id", format!("must be 1 (high) to 4 (undefined), got {t}")));
            }
            event.threat_level_id = t;
        }
        if let Some(a) = input.analysis {
            if !(0..=2).contains(&a) {
                return Err(CoreError::invalid("analysis", format!("must be 0 (initial), 1 (ongoing) or 2 (completed), got {a}")));
            }
            event.analysis = a;
        }
        if let Some(info) = &input.info {
            if info.trim().is_empty() {
                return Err(CoreError::invalid("info", "must not be empty"));
            }
            check_len("info", info, MAX_TEXT)?;
            event.info = info.clone();
        }
        if input.distribution.is_some() || input.sharing_group_id.is_some() {
            let dist = input.distribution.unwrap_or(old.distribution);
            let sg = input.sharing_group_id.or(Some(old.sharing_group_id));
            let (d, s) = capture::distribution_and_group(actor, "", dist, 4, sg)?;
            event.distribution = d;
            event.sharing_group_id = s;
        }
        if let Some(d) = input.disable_correlation {
            event.disable_correlation = d;
        }
        if input.extends_uuid.is_some() {
            event.extends_uuid = self.extends_uuid(input.extends_uuid.as_deref()).await?;
        }
        let publish = input.published == Some(true) && can_publish(actor, &old);
        event.published = publish;
        if publish {
            event.publish_timestamp = now;
        }
        event.timestamp = input.timestamp.filter(|t| *t > 0).unwrap_or(now);

        let tree = self.store.event_tree(old.id).await?;
        let mut write = EventWrite { event: Some(event), event_id: old.id, ..EventWrite::default() };
        let mut new_uuids: Vec<Uuid> = Vec::new();
        let by_uuid: HashMap<Uuid, &Attribute> = tree.attributes.iter().map(|a| (a.uuid, a)).collect();
        for (i, a) in input.attributes.iter().enumerate() {
            let path = format!("Attribute[{i}].");
            self.edit_or_add_attribute(&cx, actor, &path, a, &by_uuid, old.id, None, &mut write, &mut new_uuids).await?;
        }
        let objects_by_uuid: HashMap<Uuid, &Object> = tree.objects.iter().map(|o| (o.uuid, o)).collect();
        for (i, o) in input.objects.iter().enumerate() {
            let o = o.clone().unwrap_inner();
            let path = format!("Object[{i}].");
            let existing = o.uuid.as_deref().and_then(|u| Uuid::parse_str(u.trim()).ok()).and_then(|u| objects_by_uuid.get(&u).copied());
            match existing {
                None => self.capture_new_object(&cx, &path, &o, old.id, &mut write, &mut new_uuids).await?,
                Some(stored) => {
                    if let Some(ts) = o.timestamp
                        && ts <= stored.timestamp
                    {
                        continue;
                    }
                    let mut obj = stored.clone();
                    apply_object_fields(&cx, &path, &mut obj, &o)?;
                    if obj.deleted && !stored.deleted {
                        for a in tree.attributes.iter().filter(|a| a.object_id == obj.id && !a.deleted) {
                            let mut a = a.clone();
                            a.deleted = true;
                            a.timestamp = now;
                            write.attributes.push(AttributeWrite { attribute: a, object_uuid: None });
                        }
                    }
                    for (j, a) in o.attributes.iter().enumerate() {
                        let apath = format!("{path}Attribute[{j}].");
                        self.edit_or_add_attribute(&cx, actor, &apath, a, &by_uuid, old.id, Some(&obj), &mut write, &mut new_uuids).await?;
                    }
                    write.objects.push(obj);
                }
            }
        }
        for change in self.capture_tags(actor, "", &input.tags).await? {
            write.event_tags.push(change);
        }
        self.check_uuids_free(&new_uuids).await?;
        let audit = actor.audit(now, "edit", "Event", old.id, format!("Event {} edited", old.uuid));
        self.store.write_event(&write, &audit).await?;
        self.store.event(EventKey::Id(old.id)).await?.ok_or_else(|| CoreError::Internal("event vanished after edit".into()))
    }

    /// One attribute of an event edit: update it (if newer) when its uuid is
    /// known in this event, else add it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn edit_or_add_attribute(
        &self,
        cx: &Capture<'_>,
        actor: &Actor,
        path: &str,
        a: &AttributeIn,
        by_uuid: &HashMap<Uuid, &Attribute>,
        event_id: i64,
        object: Option<&Object>,
        write: &mut EventWrite,
        new_uuids: &mut Vec<Uuid>,
    ) -> CoreResult<()> {
        let a = a.clone().unwrap_inner();
        let uuid = a.uuid.as_deref().and_then(|u| Uuid::parse_str(u.trim()).ok());
        let existing = uuid.and_then(|u| by_uuid.get(&u).copied());
        let tags = self.capture_tags(actor, path, &a.tags).await?;
        match existing {
            Some(stored) => {
                if stored.object_id != object.map(|o| o.id).unwrap_or(0) {
                    return Ok(());
                }
                if let Some(ts) = a.timestamp
                    && ts <= stored.timestamp
                {
                    return Ok(());
                }
                let updated = capture::edited_attribute(cx, path, stored, &a)?;
                for change in tags {
                    write.attribute_tags.push((stored.uuid, change));
                }
                write.attributes.push(AttributeWrite { attribute: updated, object_uuid: None });
            }
            None => {
                let mut attr = capture::new_attribute(cx, path, &a, event_id, object.map(|o| o.id).unwrap_or(0))?;
                if let Some(o) = object {
                    if attr.first_seen.is_none() {
                        attr.first_seen = o.first_seen;
                    }
                    if attr.last_seen.is_none() {
                        attr.last_seen = o.last_seen;
                    }
                }
                new_uuids.push(attr.uuid);
                for change in tags {
                    write.attribute_tags.push((attr.uuid, change));
                }
                let object_uuid = object.filter(|o| o.id == 0).map(|o| o.uuid);
                write.attributes.push(AttributeWrite { attribute: attr, object_uuid });
            }
        }
        Ok(())
    }

    /// `events/delete`: removes the event and everything in it.
    pub async fn delete_event(&self, actor: &Actor, key: &str) -> CoreResult<Event> {
        actor.require("perm_add")?;
        let refused = || CoreError::Refused("Event was not deleted.".into());
        let event = self.find_event(actor, key).await.map_err(|_| refused())?;
        if !can_modify(actor, &event) {
            return Err(refused());
        }
        let audit = actor.audit(self.now(), "delete", "Event", event.id, format!("Event {} ({}) deleted", event.id, event.uuid));
        self.store.delete_event(event.id, &audit).await?;
        Ok(event)
    }

    /// `events/publish` and `events/unpublish`.
    pub async fn set_published(&self, actor: &Actor, key: &str, published: bool) -> CoreResult<Event> {
        actor.require("perm_publish")?;
        let event = self.find_event(actor, key).await?;
        if !can_publish(actor, &event) {
            return Err(CoreError::NotAllowed("You do not have the permission to do that.".into()));
        }
        let now = self.now();
        let mut e = event.clone();
        e.published = published;
        if published {
            e.publish_timestamp = now;
        }
        let action = if published { "publish" } else { "unpublish" };
        let audit = actor.audit(now, action, "Event", e.id, format!("Event {} {action}ed", e.uuid));
        self.store.write_event(&EventWrite { event: Some(e), event_id: event.id, ..EventWrite::default() }, &audit).await?;
        self.store.event(EventKey::Id(event.id)).await?.ok_or_else(|| CoreError::Internal("event vanished".into()))
    }

    /// Marks an event as changed (unpublished, timestamp now) inside a write.
    pub(crate) fn touch(&self, event: &Event) -> Event {
        let mut e = event.clone();
        e.published = false;
        e.timestamp = self.now();
        e
    }
}

pub(crate) fn apply_object_fields(cx: &Capture<'_>, path: &str, obj: &mut Object, o: &ObjectIn) -> CoreResult<()> {
    if let Some(n) = o.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        check_len(&format!("{path}name"), n, capture::MAX_SHORT)?;
        obj.name = n.to_string();
    }
    if let Some(m) = &o.meta_category {
        check_len(&format!("{path}meta-category"), m, capture::MAX_SHORT)?;
        obj.meta_category = m.clone();
    }
    if let Some(d) = &o.description {
        check_len(&format!("{path}description"), d, MAX_TEXT)?;
        obj.description = d.clone();
    }
    if let Some(t) = &o.template_uuid {
        obj.template_uuid = t.clone();
    }
    if let Some(t) = &o.template_version {
        obj.template_version = t.clone();
    }
    if o.distribution.is_some() || o.sharing_group_id.is_some() {
        let dist = o.distribution.unwrap_or(obj.distribution);
        let sg = o.sharing_group_id.or(Some(obj.sharing_group_id));
        let (d, s) = capture::distribution_and_group(cx.actor, path, dist, 5, sg)?;
        obj.distribution = d;
        obj.sharing_group_id = s;
    }
    if let Some(c) = &o.comment {
        check_len(&format!("{path}comment"), c, MAX_TEXT)?;
        obj.comment = c.clone();
    }
    if let Some(d) = o.deleted {
        obj.deleted = d;
    }
    if let Some(f) = o.first_seen.as_deref() {
        obj.first_seen = if f.trim().is_empty() { None } else { Some(capture::parse_seen(&format!("{path}first_seen"), f)?) };
    }
    if let Some(l) = o.last_seen.as_deref() {
        obj.last_seen = if l.trim().is_empty() { None } else { Some(capture::parse_seen(&format!("{path}last_seen"), l)?) };
    }
    capture::check_seen_order(path, obj.first_seen, obj.last_seen)?;
    obj.timestamp = cx.now;
    Ok(())
}

/// MISP answers an unauthorised sharing group on an event with 405.
fn sg_not_allowed(e: CoreError) -> CoreError {
    match e {
        CoreError::Invalid { field, message } if field == "sharing_group_id" => {
            CoreError::NotAllowed(format!("{message} (field sharing_group_id)"))
        }
        other => other,
    }
}

/// A `YYYY-MM-DD` date.
pub fn parse_date(field: &str, s: &str) -> CoreResult<String> {
    let fd = time::macros::format_description!("[year]-[month]-[day]");
    let head = s.get(..10).unwrap_or(s);
    time::Date::parse(head, &fd)
        .map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
        .map_err(|_| CoreError::invalid(field, format!("{s:?} is not a date (YYYY-MM-DD)")))
}

//! The tag list and tagging on its own (MISP's `TagsController`): index,
//! view, add, edit, delete, search, and attaching or removing a tag on an
//! event or attribute named by uuid. Tags that arrive inside events are
//! handled in [`crate::tags`].
//!
//! Global tags change the data: attaching or removing one unpublishes the
//! event and bumps the timestamps of the event (and attribute and object).
//! Local tags are the host organisation's own annotations and touch nothing.

use crate::attributes::FoundAttribute;
use crate::capture::{MAX_SHORT, check_len};
use crate::core::{Actor, Core};
use crate::error::{CoreError, CoreResult};
use crate::events::can_modify;
use crate::tags::may_use;
use fyr_misp::input::TagIn;
use fyr_misp::output;
use fyr_store::*;
use uuid::Uuid;

/// A tag with its usage counts (over what the viewer may see).
#[derive(Debug, Clone)]
pub struct TagListing {
    pub tag: Tag,
    /// `None` when statistics were not asked for.
    pub usage: Option<TagUsage>,
}

/// A tags index request.
#[derive(Debug, Clone, Default)]
pub struct TagQuery {
    /// Case-insensitive substring of the name (MISP's `searchall`).
    pub search: Option<String>,
    /// A name pattern (`%` wildcards, case-insensitive).
    pub name: Option<String>,
    /// Only favourite tags (fyr has no favourites yet: an empty list).
    pub favourites_only: bool,
    /// Skip the usage counts.
    pub without_statistics: bool,
}

/// How `tags/search` compares names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NameMatch {
    /// Case-insensitive, `%` wildcards.
    #[default]
    Pattern,
    /// The exact name.
    Exact,
}

/// A tag named in a tagging request: by id (digits) or by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagRef {
    Id(i64),
    Name(String),
}

impl TagRef {
    /// MISP's reading: digits are an id, anything else a name.
    pub fn parse(s: &str) -> TagRef {
        let t = s.trim();
        match t.parse::<i64>() {
            Ok(id) if !t.is_empty() => TagRef::Id(id),
            _ => TagRef::Name(t.to_string()),
        }
    }
}

/// `tags/attachTagToObject`.
#[derive(Debug, Clone)]
pub struct AttachTags {
    pub uuid: Uuid,
    pub tags: Vec<TagRef>,
    pub local: bool,
    pub relationship_type: String,
}

/// An event or an attribute that tags are attached to.
enum Target {
    Event(Event),
    Attribute(Box<FoundAttribute>),
}

impl Target {
    fn kind(&self) -> &'static str {
        match self {
            Target::Event(_) => "Event",
            Target::Attribute(_) => "Attribute",
        }
    }
    fn id(&self) -> i64 {
        match self {
            Target::Event(e) => e.id,
            Target::Attribute(f) => f.attribute.id,
        }
    }
    fn event(&self) -> &Event {
        match self {
            Target::Event(e) => e,
            Target::Attribute(f) => &f.event,
        }
    }
}

/// Non site admins see tags that are not restricted to another
/// organisation or user.
fn visible(actor: &Actor, t: &Tag) -> bool {
    actor.site_admin() || ((t.org_id == 0 || t.org_id == actor.org.id) && (t.user_id == 0 || t.user_id == actor.user.id))
}

fn check_colour(c: &str) -> CoreResult<String> {
    let c = c.trim();
    let ok = c.len() == 7 && c.starts_with('#') && c.bytes().skip(1).all(|b| b.is_ascii_hexdigit());
    if !ok {
        return Err(CoreError::invalid("colour", format!("{c:?} is not a colour (#rrggbb)")));
    }
    Ok(c.to_ascii_lowercase())
}

fn tag_name(raw: Option<&str>) -> CoreResult<Option<String>> {
    match raw.map(str::trim) {
        None => Ok(None),
        Some("") => Err(CoreError::invalid("name", "must not be empty")),
        Some(n) => {
            check_len("name", n, MAX_SHORT)?;
            Ok(Some(n.to_string()))
        }
    }
}

/// Global tags on data may only be changed by its creator organisation (or a site admin).
fn check_global(actor: &Actor, event: &Event, host_org_id: i64) -> CoreResult<()> {
    if actor.site_admin() || event.orgc_id == actor.org.id {
        return Ok(());
    }
    let mut m =
        "Cannot alter the tags of this data, only the organisation that has created the data (orgc) can modify global tags.".to_string();
    if actor.org.id == host_org_id {
        m.push_str(" Please consider using local tags if you are in the host organisation of the instance.");
    }
    Err(CoreError::Forbidden(m))
}

/// The global/local wording of MISP's tagging messages.
fn scope_word(local: bool) -> &'static str {
    if local { "Local" } else { "Global" }
}

impl<S: Store> Core<S> {
    async fn with_usage(&self, actor: &Actor, tags: Vec<Tag>, statistics: bool) -> CoreResult<Vec<TagListing>> {
        if !statistics {
            return Ok(tags.into_iter().map(|tag| TagListing { tag, usage: None }).collect());
        }
        let ids: Vec<i64> = tags.iter().map(|t| t.id).collect();
        let usage = self.store.tag_usage(&ids, &actor.viewer.events(), &actor.viewer.attributes()).await?;
        Ok(tags
            .into_iter()
            .map(|tag| {
                let u = usage.iter().find(|u| u.tag_id == tag.id).copied().unwrap_or(TagUsage { tag_id: tag.id, ..TagUsage::default() });
                TagListing { tag, usage: Some(u) }
            })
            .collect())
    }

    /// `tags/index`, by name.
    pub async fn list_tags(&self, actor: &Actor, q: &TagQuery) -> CoreResult<Vec<TagListing>> {
        if q.favourites_only {
            return Ok(Vec::new());
        }
        let mut filter = TextFilter::default();
        if let Some(n) = q.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            filter.any_of.push(n.to_string());
        }
        let mut tags: Vec<Tag> = self.store.tags(&filter).await?.into_iter().filter(|t| visible(actor, t)).collect();
        if let Some(s) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let needle = s.trim_matches('%').to_lowercase();
            tags.retain(|t| t.name.to_lowercase().contains(&needle));
        }
        self.with_usage(actor, tags, !q.without_statistics).await
    }

    /// `tags/view/{id}` (MISP answers a missing tag with 405).
    pub async fn view_tag(&self, actor: &Actor, id: i64) -> CoreResult<TagListing> {
        let tag = self.store.tag(id).await?.filter(|t| visible(actor, t)).ok_or_else(|| CoreError::NotAllowed("Invalid Tag".into()))?;
        let mut list = self.with_usage(actor, vec![tag], true).await?;
        list.pop().ok_or_else(|| CoreError::Internal("tag vanished".into()))
    }

    /// `tags/search`: tags whose name matches any of `names`.
    pub async fn search_tags(&self, actor: &Actor, names: &[String], how: NameMatch) -> CoreResult<Vec<Tag>> {
        let names: Vec<String> = names.iter().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect();
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let found = match how {
            NameMatch::Pattern => self.store.tags(&TextFilter { any_of: names, none_of: Vec::new() }).await?,
            NameMatch::Exact => {
                let mut out = Vec::new();
                for n in &names {
                    out.extend(self.store.tag_by_name(n).await?);
                }
                out
            }
        };
        Ok(found.into_iter().filter(|t| visible(actor, t)).collect())
    }

    /// Checks the organisation and user a tag is restricted to.
    async fn check_restriction(&self, actor: &Actor, org_id: i64, user_id: i64) -> CoreResult<()> {
        if org_id < 0 {
            return Err(CoreError::invalid("org_id", "must not be negative"));
        }
        if user_id < 0 {
            return Err(CoreError::invalid("user_id", "must not be negative"));
        }
        if org_id != 0 {
            if self.store.org(org_id).await?.is_none() {
                return Err(CoreError::invalid("org_id", "Invalid organisation"));
            }
            if !actor.site_admin() && org_id != actor.org.id {
                return Err(CoreError::invalid("org_id", "You can only restrict tags to your own organisation."));
            }
        }
        if user_id != 0 {
            let user = self.store.user(user_id).await?.ok_or_else(|| CoreError::invalid("user_id", "Invalid user"))?;
            if !actor.site_admin() && user.org_id != actor.org.id {
                return Err(CoreError::invalid("user_id", "You can only restrict tags to users of your own organisation."));
            }
        }
        Ok(())
    }

    /// `tags/add`: a tag with the same name is returned unchanged (MISP).
    pub async fn add_tag(&self, actor: &Actor, input: TagIn) -> CoreResult<Tag> {
        actor.require("perm_tag_editor")?;
        let t = input.unwrap_inner();
        let name = tag_name(t.name.as_deref())?.ok_or_else(|| CoreError::invalid("name", "Mandatory field not set."))?;
        if let Some(existing) = self.store.tag_by_name(&name).await? {
            if visible(actor, &existing) {
                return Ok(existing);
            }
            return Err(CoreError::invalid("name", "A tag with this name already exists."));
        }
        let colour = match t.colour.as_deref().filter(|c| !c.trim().is_empty()) {
            Some(c) => check_colour(c)?,
            None => self.random_colour(),
        };
        let org_id = t.org_id.unwrap_or(0);
        let user_id = t.user_id.unwrap_or(0);
        self.check_restriction(actor, org_id, user_id).await?;
        let mut tag = Tag {
            id: 0,
            is_galaxy: t.is_galaxy.unwrap_or_else(|| name.starts_with("misp-galaxy:")),
            name,
            colour,
            exportable: t.exportable.unwrap_or(true),
            org_id,
            user_id,
            hide_tag: t.hide_tag.unwrap_or(false),
            numerical_value: t.numerical_value,
            is_custom_galaxy: t.is_custom_galaxy.unwrap_or(false),
            local_only: t.local_only.unwrap_or(false),
        };
        let audit = actor.audit(self.now(), "add", "Tag", 0, format!("Tag {} created", tag.name));
        tag.id = self.store.insert_tag(&tag, &audit).await?;
        Ok(tag)
    }

    /// `tags/edit/{id}` (site admins): fields given replace the stored ones.
    pub async fn edit_tag(&self, actor: &Actor, id: i64, input: TagIn) -> CoreResult<Tag> {
        actor.require("perm_site_admin")?;
        let old = self.store.tag(id).await?.ok_or_else(|| CoreError::NotFound("Invalid tag".into()))?;
        let t = input.unwrap_inner();
        let mut tag = old.clone();
        if let Some(name) = tag_name(t.name.as_deref())? {
            if let Some(other) = self.store.tag_by_name(&name).await?
                && other.id != tag.id
            {
                return Err(CoreError::invalid("name", "A tag with this name already exists."));
            }
            tag.name = name;
        }
        if let Some(c) = t.colour.as_deref().filter(|c| !c.trim().is_empty()) {
            tag.colour = check_colour(c)?;
        }
        if t.org_id.is_some() || t.user_id.is_some() {
            tag.org_id = t.org_id.unwrap_or(tag.org_id);
            tag.user_id = t.user_id.unwrap_or(tag.user_id);
            self.check_restriction(actor, tag.org_id, tag.user_id).await?;
        }
        for (value, target) in [
            (t.exportable, &mut tag.exportable),
            (t.hide_tag, &mut tag.hide_tag),
            (t.is_galaxy, &mut tag.is_galaxy),
            (t.is_custom_galaxy, &mut tag.is_custom_galaxy),
            (t.local_only, &mut tag.local_only),
        ] {
            if let Some(v) = value {
                *target = v;
            }
        }
        if t.numerical_value.is_some() {
            tag.numerical_value = t.numerical_value;
        }
        let mut audit = actor.audit(self.now(), "edit", "Tag", tag.id, format!("Tag {} edited", tag.name));
        audit.change = crate::admin::diff_json(&output::tag(&old), &output::tag(&tag));
        self.store.update_tag(&tag, &audit).await?;
        Ok(tag)
    }

    /// `tags/delete/{id}` (site admins); its links to events and attributes go with it.
    pub async fn delete_tag(&self, actor: &Actor, id: i64) -> CoreResult<Tag> {
        actor.require("perm_site_admin")?;
        let tag = self.store.tag(id).await?.ok_or_else(|| CoreError::NotFound("Invalid tag".into()))?;
        let audit = actor.audit(self.now(), "delete", "Tag", tag.id, format!("Tag {} deleted", tag.name));
        self.store.delete_tag(tag.id, &audit).await?;
        Ok(tag)
    }

    /// The event or attribute with this uuid, if the actor sees it. For
    /// global tags the actor must belong to the creator organisation (or be
    /// a site admin).
    async fn tag_target(&self, actor: &Actor, uuid: &Uuid, global: bool) -> CoreResult<Target> {
        let key = uuid.to_string();
        let target = match self.find_event(actor, &key).await {
            Ok(e) => Target::Event(e),
            Err(CoreError::NotFound(_)) => match self.find_attribute(actor, &key, false).await {
                Ok(f) => Target::Attribute(Box::new(f)),
                Err(CoreError::NotFound(_)) => return Err(CoreError::NotFound("Invalid Target.".into())),
                Err(e) => return Err(e),
            },
            Err(e) => return Err(e),
        };
        if global {
            check_global(actor, target.event(), self.settings().await?.host_org_id)?;
        }
        Ok(target)
    }

    /// The write for a tag change on a target: global changes unpublish the
    /// event and bump timestamps; local ones touch nothing.
    fn tag_write(&self, target: &Target, change: TagChange, local: bool) -> EventWrite {
        let event = target.event();
        let mut w = EventWrite { event_id: event.id, ..EventWrite::default() };
        if !local {
            w.event = Some(self.touch(event));
        }
        match target {
            Target::Event(_) => w.event_tags.push(change),
            Target::Attribute(f) => {
                if !local {
                    let mut a = f.attribute.clone();
                    a.timestamp = self.now();
                    w.attributes.push(AttributeWrite { attribute: a, object_uuid: None });
                    if let Some(o) = &f.object {
                        let mut o = o.clone();
                        o.timestamp = self.now();
                        w.objects.push(o);
                    }
                }
                w.attribute_tags.push((f.attribute.uuid, change));
            }
        }
        w
    }

    async fn target_links(&self, target: &Target) -> CoreResult<Vec<TagLink>> {
        Ok(match target {
            Target::Event(e) => self.store.event_tags(&[e.id]).await?,
            Target::Attribute(f) => self.store.attribute_tags(&[f.attribute.id]).await?,
        })
    }

    /// `tags/attachTagToObject`. `Ok` carries MISP's success message; when
    /// every tag failed the error lists the reasons (403).
    pub async fn attach_tags(&self, actor: &Actor, req: &AttachTags) -> CoreResult<String> {
        actor.require("perm_tagger")?;
        if req.tags.is_empty() {
            return Err(CoreError::invalid("tag", "Mandatory field not set."));
        }
        check_len("relationship_type", &req.relationship_type, MAX_SHORT)?;
        let settings = self.settings().await?;
        let mut fails: Vec<String> = Vec::new();
        let mut messages: Vec<String> = Vec::new();
        let mut target: Option<Target> = None;
        for r in &req.tags {
            if req.local && actor.org.id != settings.host_org_id {
                fails.push("Local tags can only be added by users of the host organisation.".into());
                continue;
            }
            if target.is_none() {
                target = Some(self.tag_target(actor, &req.uuid, !req.local).await?);
            }
            let Some(t) = target.as_ref() else { continue };
            let tag = match r {
                TagRef::Id(id) => match self.store.tag(*id).await? {
                    Some(tag) => tag,
                    None => {
                        fails.push("Invalid Tag.".into());
                        continue;
                    }
                },
                TagRef::Name(name) => {
                    if name.is_empty() {
                        fails.push("Invalid Tag.".into());
                        continue;
                    }
                    if let Err(e) = check_len("tag", name, MAX_SHORT) {
                        fails.push(e.to_string());
                        continue;
                    }
                    match self.tag_for_name(actor, name, true).await? {
                        Some(tag) => tag,
                        None => {
                            fails.push("Tag not found and insufficient privileges to create it.".into());
                            continue;
                        }
                    }
                }
            };
            if let Err(why) = may_use(actor, &tag) {
                fails.push(why.to_string());
                continue;
            }
            if tag.local_only && !req.local {
                fails.push("Invalid Tag. This tag can only be set as a local tag.".into());
                continue;
            }
            let links = self.target_links(t).await?;
            if links.iter().any(|l| l.tag_id == tag.id && l.local == req.local && l.relationship_type == req.relationship_type) {
                messages.push(format!(
                    "{} already has the requested tag attached, no changes had to be made for tag {}.",
                    t.kind(),
                    tag.name
                ));
                continue;
            }
            let change = TagChange::Attach { tag_id: tag.id, local: req.local, relationship_type: req.relationship_type.clone() };
            let write = self.tag_write(t, change, req.local);
            let message =
                format!("{} tag {}({}) successfully attached to {}({}).", scope_word(req.local), tag.name, tag.id, t.kind(), t.id());
            let audit = actor.audit(self.now(), "tag", t.kind(), t.id(), message.clone());
            self.store.write_event(&write, &audit).await?;
            messages.push(message);
        }
        let failed = if fails.is_empty() {
            None
        } else {
            let reasons: serde_json::Map<String, serde_json::Value> =
                fails.iter().enumerate().map(|(i, f)| (i.to_string(), serde_json::Value::String(f.clone()))).collect();
            Some(format!("Failed to attach {} tags. Reasons: {}", fails.len(), serde_json::Value::Object(reasons)))
        };
        match (messages.is_empty(), failed) {
            (true, Some(f)) => Err(CoreError::Refused(f)),
            (_, Some(f)) => Ok(format!("{}\n{f}", messages.join(" "))),
            (_, None) => Ok(messages.join(" ")),
        }
    }

    /// `tags/removeTagFromObject`: returns MISP's success message.
    pub async fn remove_tag(&self, actor: &Actor, uuid: &Uuid, tag: &TagRef) -> CoreResult<String> {
        actor.require("perm_tagger")?;
        let invalid_tag = || CoreError::NotAllowed("Invalid Tag.".into());
        let tag = match tag {
            TagRef::Id(id) => self.store.tag(*id).await?.ok_or_else(invalid_tag)?,
            TagRef::Name(name) => {
                if name.is_empty() {
                    return Err(invalid_tag());
                }
                let found = self.store.tags(&TextFilter { any_of: vec![name.clone()], none_of: Vec::new() }).await?;
                found.into_iter().next().ok_or_else(invalid_tag)?
            }
        };
        let target = self.tag_target(actor, uuid, false).await?;
        let links = self.target_links(&target).await?;
        let Some(link) = links.into_iter().find(|l| l.tag_id == tag.id) else {
            return Err(CoreError::NotFound(format!("Could not remove tag as it is not attached to the target {}", target.kind())));
        };
        let event = target.event();
        let host = self.settings().await?.host_org_id;
        if link.local {
            if !actor.site_admin() && !can_modify(actor, event) && event.orgc_id != actor.org.id && actor.org.id != host {
                return Err(CoreError::Forbidden("Insufficient privileges to remove local tags from events you do not own.".into()));
            }
        } else {
            check_global(actor, event, host)?;
        }
        let write = self.tag_write(&target, TagChange::Detach { tag_id: tag.id }, link.local);
        let message = format!(
            "{} tag {} ({}) successfully removed from {}({}).",
            scope_word(link.local),
            tag.name,
            tag.id,
            target.kind(),
            target.id()
        );
        let audit = actor.audit(self.now(), "untag", target.kind(), target.id(), message.clone());
        self.store.write_event(&write, &audit).await?;
        Ok(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_refs() {
        assert_eq!(TagRef::parse(" 12 "), TagRef::Id(12));
        assert_eq!(TagRef::parse("tlp:white"), TagRef::Name("tlp:white".into()));
        assert_eq!(TagRef::parse("12a"), TagRef::Name("12a".into()));
    }

    #[test]
    fn colours() {
        assert_eq!(check_colour("#A0b1C2").ok().as_deref(), Some("#a0b1c2"));
        assert!(check_colour("red").is_err());
        assert!(check_colour("#12345").is_err());
    }
}

//! Tags: the global tag list, attaching and detaching tags on events and
//! attributes, and resolving the tags that arrive inside events.
//! Rules from MISP's `Tag::captureTag` and `TagsController`.

use crate::capture::{MAX_SHORT, check_len};
use crate::core::{Actor, Core};
use crate::error::{CoreError, CoreResult};
use fyr_misp::input::TagIn;
use fyr_store::*;

/// Which tags a caller may set (MISP: restricted to an org or a user).
pub fn may_use(actor: &Actor, tag: &Tag) -> Result<(), &'static str> {
    if actor.site_admin() {
        return Ok(());
    }
    if tag.org_id != 0 && tag.org_id != actor.org.id {
        return Err("Invalid Tag. This tag can only be set by a fixed organisation.");
    }
    if tag.user_id != 0 && tag.user_id != actor.user.id {
        return Err("Invalid Tag. This tag can only be set by a fixed user.");
    }
    Ok(())
}

impl<S: Store> Core<S> {
    /// A random tag colour, `#rrggbb`.
    pub fn random_colour(&self) -> String {
        let b = self.env.random_bytes(3);
        format!("#{:02x}{:02x}{:02x}", b.first().copied().unwrap_or(0), b.get(1).copied().unwrap_or(0), b.get(2).copied().unwrap_or(0))
    }

    /// Finds a tag by exact name, or creates it when the actor may create
    /// tags. `Ok(None)`: unknown and the actor may not create it.
    pub async fn tag_for_name(&self, actor: &Actor, name: &str, exportable: bool) -> CoreResult<Option<Tag>> {
        if let Some(t) = self.store.tag_by_name(name).await? {
            return Ok(Some(t));
        }
        // MISP matches tag names case-insensitively when capturing.
        let ci = self.store.tags(&TextFilter { any_of: vec![name.to_string()], none_of: Vec::new() }).await?;
        if let Some(t) = ci.into_iter().find(|t| t.name.eq_ignore_ascii_case(name)) {
            return Ok(Some(t));
        }
        if !actor.perm("perm_tag_editor") {
            return Ok(None);
        }
        let mut tag = Tag {
            id: 0,
            name: name.to_string(),
            colour: self.random_colour(),
            exportable,
            org_id: 0,
            user_id: 0,
            hide_tag: false,
            numerical_value: None,
            is_galaxy: name.starts_with("misp-galaxy:"),
            is_custom_galaxy: false,
            local_only: false,
        };
        tag.id = self.store.insert_tag(&tag, &actor.audit(self.now(), "add", "Tag", 0, format!("Tag {name} created"))).await?;
        Ok(Some(tag))
    }

    /// The tag changes for tags sent inside an event or attribute: known tags
    /// (or new ones, for tag editors) are attached; entries marked `deleted`
    /// are detached; tags the actor may not use are skipped, as MISP does.
    pub async fn capture_tags(&self, actor: &Actor, path: &str, tags: &[TagIn]) -> CoreResult<Vec<TagChange>> {
        let mut out = Vec::with_capacity(tags.len());
        for (i, t) in tags.iter().enumerate() {
            let t = t.clone().unwrap_inner();
            let tag = match (t.id, t.name.as_deref().map(str::trim).filter(|n| !n.is_empty())) {
                (_, Some(name)) => {
                    check_len(&format!("{path}Tag[{i}].name"), name, MAX_SHORT)?;
                    if t.deleted == Some(true) {
                        self.store.tag_by_name(name).await?
                    } else {
                        self.tag_for_name(actor, name, t.exportable.unwrap_or(true)).await?
                    }
                }
                (Some(id), None) => self.store.tag(id).await?,
                (None, None) => return Err(CoreError::invalid(format!("{path}Tag[{i}].name"), "is required")),
            };
            let Some(tag) = tag else { continue };
            if t.deleted == Some(true) {
                out.push(TagChange::Detach { tag_id: tag.id });
                continue;
            }
            if may_use(actor, &tag).is_err() {
                continue;
            }
            let local = t.local.unwrap_or(false);
            if tag.local_only && !local {
                continue;
            }
            out.push(TagChange::Attach { tag_id: tag.id, local, relationship_type: t.relationship_type.clone().unwrap_or_default() });
        }
        Ok(out)
    }
}

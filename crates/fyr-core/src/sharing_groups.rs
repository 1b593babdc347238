//! Sharing groups: who may see, edit and delete them, and their management
//! (add, edit, delete, member organisations and servers). Rules from MISP's
//! `SharingGroup::checkIfAuthorised`, `checkIfAuthorisedExtend`,
//! `checkIfOwner` and `SharingGroupsController`.
//!
//! Visibility of data shared with a group is decided in [`crate::acl`] from
//! the viewer's authorised groups, which are computed per request
//! (`sharing_groups_for_org`), so membership changes apply at once.

use crate::admin::diff_json;
use crate::capture::{MAX_SHORT, MAX_TEXT, check_len};
use crate::core::{Actor, Core};
use crate::error::{CoreError, CoreResult};
use fyr_misp::output::{self, Lookup};
use fyr_store::*;
use std::collections::HashMap;
use uuid::Uuid;

/// A member organisation to add, named by id, uuid or name.
#[derive(Debug, Clone, Default)]
pub struct SgOrgRef {
    pub org: String,
    pub extend: bool,
}

/// A member server to add (0 is this instance).
#[derive(Debug, Clone, Copy, Default)]
pub struct SgServerRef {
    pub server_id: i64,
    pub all_orgs: bool,
}

/// A new sharing group, or changes to one (`None` keeps the stored value).
#[derive(Debug, Clone, Default)]
pub struct SgChanges {
    pub uuid: Option<String>,
    pub name: Option<String>,
    pub releasability: Option<String>,
    pub description: Option<String>,
    pub active: Option<bool>,
    pub roaming: Option<bool>,
    pub local: Option<bool>,
    /// `modified` as sent (`YYYY-MM-DD HH:MM:SS` or UNIX seconds): an edit
    /// that is not newer than the stored group changes nothing (MISP).
    pub modified: Option<String>,
    /// Member organisations to add (existing members are kept).
    pub orgs: Vec<SgOrgRef>,
    /// Member servers to add.
    pub servers: Vec<SgServerRef>,
}

/// Which sharing groups an index lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SgState {
    #[default]
    Active,
    /// MISP's `sharingGroups/index/true`: the inactive ones.
    Inactive,
}

/// A sharing group index request.
#[derive(Debug, Clone, Default)]
pub struct SgQuery {
    pub state: SgState,
    /// Case-insensitive substring of name, uuid, description, releasability,
    /// or the name or uuid of the owner or a member organisation.
    pub search: Option<String>,
    /// Only groups that this organisation owns or is a member of.
    pub org_id: Option<i64>,
}

/// A sharing group with what the actor may do with it.
#[derive(Debug, Clone)]
pub struct SgListing {
    pub group: SharingGroup,
    pub editable: bool,
    pub deletable: bool,
}

/// MISP's `checkIfAuthorised`: site admins, the owner organisation, member
/// organisations, and everyone for groups open to all organisations of this
/// instance.
pub fn authorised(actor: &Actor, sg: &SharingGroup) -> bool {
    actor.site_admin()
        || sg.org_id == actor.org.id
        || sg.orgs.iter().any(|o| o.org_id == actor.org.id)
        || sg.servers.iter().any(|s| s.server_id == 0 && s.all_orgs)
}

/// MISP's `checkIfAuthorisedExtend`: site admins; with `perm_sharing_group`,
/// the owner organisation, members allowed to extend, and the sync user
/// that brought the group.
pub fn can_edit(actor: &Actor, sg: &SharingGroup) -> bool {
    if actor.site_admin() {
        return true;
    }
    if !actor.perm("perm_sharing_group") {
        return false;
    }
    sg.org_id == actor.org.id
        || (actor.perm("perm_sync") && sg.sync_user_id == actor.user.id)
        || sg.orgs.iter().any(|o| o.org_id == actor.org.id && o.extend)
}

/// Deleting takes the owner organisation (with `perm_sharing_group`) or a site admin.
pub fn can_delete(actor: &Actor, sg: &SharingGroup) -> bool {
    actor.site_admin() || (actor.perm("perm_sharing_group") && sg.org_id == actor.org.id)
}

/// A `modified` value as MISP sends it: `YYYY-MM-DD HH:MM:SS` (UTC) or UNIX seconds.
fn parse_modified(s: &str) -> CoreResult<i64> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n);
    }
    let fd = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(t, &fd)
        .map(|dt| dt.assume_utc().unix_timestamp())
        .map_err(|_| CoreError::invalid("modified", format!("{s:?} is not a date and time (YYYY-MM-DD HH:MM:SS)")))
}

fn sg_key(key: &str) -> Option<Result<i64, Uuid>> {
    let t = key.trim();
    if let Ok(id) = t.parse::<i64>() {
        return (id > 0).then_some(Ok(id));
    }
    Uuid::parse_str(t).ok().map(Err)
}

impl<S: Store> Core<S> {
    async fn sg_by_key(&self, key: &str) -> CoreResult<Option<SharingGroup>> {
        Ok(match sg_key(key) {
            Some(Ok(id)) => self.store.sharing_group(id).await?,
            Some(Err(u)) => self.store.sharing_group_by_uuid(&u).await?,
            None => None,
        })
    }

    /// The sharing group with this id or uuid if the actor is authorised for
    /// it (MISP answers others with 405; HEAD turns that into 404).
    pub async fn find_sharing_group(&self, actor: &Actor, key: &str) -> CoreResult<SharingGroup> {
        let denied = || CoreError::NotAllowed("Sharing group doesn't exist or you do not have permission to access it.".into());
        let sg = self.sg_by_key(key).await?.ok_or_else(denied)?;
        if !authorised(actor, &sg) {
            return Err(denied());
        }
        Ok(sg)
    }

    /// A group the actor may edit, or MISP's `message` as 405.
    async fn editable_sharing_group(&self, actor: &Actor, key: &str, message: &str) -> CoreResult<SharingGroup> {
        actor.require("perm_sharing_group")?;
        let sg = self.sg_by_key(key).await?.filter(|sg| authorised(actor, sg) && can_edit(actor, sg));
        sg.ok_or_else(|| CoreError::NotAllowed(message.to_string()))
    }

    /// The organisations a rendering of these groups needs (owners and members).
    pub async fn sharing_group_lookup(&self, groups: &[SharingGroup]) -> CoreResult<Lookup> {
        let mut ids: Vec<i64> = groups.iter().flat_map(|g| std::iter::once(g.org_id).chain(g.orgs.iter().map(|o| o.org_id))).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut lookup = Lookup::default();
        for o in self.store.orgs_by_ids(&ids).await? {
            lookup.orgs.insert(o.id, o);
        }
        Ok(lookup)
    }

    async fn sg_name_taken(&self, name: &str, except: i64) -> CoreResult<bool> {
        Ok(self.store.sharing_groups().await?.iter().any(|g| g.id != except && g.name == name))
    }

    /// Adds members (organisations by id, uuid or name; servers) not yet in the group.
    async fn add_members(&self, sg: &mut SharingGroup, orgs: &[SgOrgRef], servers: &[SgServerRef]) -> CoreResult<()> {
        for (i, r) in orgs.iter().enumerate() {
            let field = format!("SharingGroupOrg[{i}].org_id");
            if r.org.trim().is_empty() {
                return Err(CoreError::invalid(field, "is required"));
            }
            let org = self.find_org(&r.org).await?.ok_or_else(|| CoreError::invalid(&field, "Invalid organisation."))?;
            match sg.orgs.iter_mut().find(|o| o.org_id == org.id) {
                Some(existing) => existing.extend = r.extend,
                None => sg.orgs.push(SharingGroupOrg { id: 0, sharing_group_id: sg.id, org_id: org.id, extend: r.extend }),
            }
        }
        for (i, s) in servers.iter().enumerate() {
            check_server(&format!("SharingGroupServer[{i}].server_id"), s.server_id)?;
            match sg.servers.iter_mut().find(|x| x.server_id == s.server_id) {
                Some(existing) => existing.all_orgs = s.all_orgs,
                None => {
                    sg.servers.push(SharingGroupServer { id: 0, sharing_group_id: sg.id, server_id: s.server_id, all_orgs: s.all_orgs })
                }
            }
        }
        Ok(())
    }

    fn apply_sg_fields(sg: &mut SharingGroup, c: &SgChanges) -> CoreResult<()> {
        if let Some(r) = &c.releasability {
            check_len("releasability", r, MAX_TEXT)?;
            sg.releasability = r.clone();
        }
        if let Some(d) = &c.description {
            check_len("description", d, MAX_TEXT)?;
            sg.description = d.clone();
        }
        if let Some(a) = c.active {
            sg.active = a;
        }
        if let Some(r) = c.roaming {
            sg.roaming = r;
        }
        if let Some(l) = c.local {
            sg.local = l;
        }
        Ok(())
    }

    /// `sharingGroups/add`: owned by the actor's organisation. A taken name
    /// gets a random `_NNNN` suffix, as MISP does.
    pub async fn add_sharing_group(&self, actor: &Actor, c: SgChanges) -> CoreResult<SharingGroup> {
        actor.require("perm_sharing_group")?;
        let name = c.name.as_deref().map(str::trim).unwrap_or("").to_string();
        if name.is_empty() {
            return Err(CoreError::invalid("name", "Mandatory field not set."));
        }
        check_len("name", &name, MAX_SHORT)?;
        let uuid = match c.uuid.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => crate::capture::parse_uuid("uuid", u)?,
            None => self.env.new_uuid(),
        };
        if self.store.sharing_group_by_uuid(&uuid).await?.is_some() {
            return Err(CoreError::invalid("uuid", "A sharing group with this UUID already exists."));
        }
        let mut final_name = name.clone();
        let mut tries = 0;
        while self.sg_name_taken(&final_name, 0).await? {
            tries += 1;
            if tries > 20 {
                return Err(CoreError::invalid("name", "A sharing group with this name already exists."));
            }
            let b = self.env.random_bytes(2);
            let n = u16::from_le_bytes([b.first().copied().unwrap_or(0), b.get(1).copied().unwrap_or(0)]) % 10_000;
            final_name = format!("{name}_{n}");
            check_len("name", &final_name, MAX_SHORT)?;
        }
        let now = self.now();
        let mut sg = SharingGroup {
            id: 0,
            uuid,
            name: final_name,
            releasability: String::new(),
            description: String::new(),
            org_id: actor.org.id,
            sync_user_id: actor.user.id,
            active: true,
            local: true,
            roaming: false,
            created: now,
            modified: now,
            orgs: Vec::new(),
            servers: Vec::new(),
        };
        Self::apply_sg_fields(&mut sg, &c)?;
        self.add_members(&mut sg, &c.orgs, &c.servers).await?;
        if !sg.roaming && sg.servers.is_empty() {
            sg.servers.push(SharingGroupServer { id: 0, sharing_group_id: 0, server_id: 0, all_orgs: false });
        }
        let audit = actor.audit(now, "add", "SharingGroup", 0, format!("Sharing group {} ({}) created", sg.name, sg.uuid));
        let id = self.store.insert_sharing_group(&sg, &audit).await?;
        self.store.sharing_group(id).await?.ok_or_else(|| CoreError::Internal("sharing group vanished".into()))
    }

    /// `sharing_groups/edit/{id|uuid}`: given fields replace the stored ones;
    /// embedded member lists add members.
    pub async fn edit_sharing_group(&self, actor: &Actor, key: &str, c: SgChanges) -> CoreResult<SharingGroup> {
        let old = self.editable_sharing_group(actor, key, "Action not allowed.").await?;
        if let Some(m) = c.modified.as_deref().filter(|m| !m.trim().is_empty())
            && parse_modified(m)? <= old.modified
        {
            return Ok(old);
        }
        let mut sg = old.clone();
        if let Some(name) = c.name.as_deref().map(str::trim) {
            if name.is_empty() {
                return Err(CoreError::invalid("name", "must not be empty"));
            }
            check_len("name", name, MAX_SHORT)?;
            if name != sg.name && self.sg_name_taken(name, sg.id).await? {
                return Err(CoreError::invalid("name", "A sharing group with this name already exists."));
            }
            sg.name = name.to_string();
        }
        Self::apply_sg_fields(&mut sg, &c)?;
        self.add_members(&mut sg, &c.orgs, &c.servers).await?;
        sg.modified = self.now();
        self.save_sharing_group(actor, &old, &sg, format!("Sharing group {} edited", sg.name)).await
    }

    async fn save_sharing_group(&self, actor: &Actor, old: &SharingGroup, sg: &SharingGroup, title: String) -> CoreResult<SharingGroup> {
        let lookup = self.sharing_group_lookup(std::slice::from_ref(sg)).await?;
        let mut audit = actor.audit(self.now(), "edit", "SharingGroup", sg.id, title);
        audit.change = diff_json(&output::sharing_group(old, &lookup), &output::sharing_group(sg, &lookup));
        self.store.update_sharing_group(sg, &audit).await?;
        self.store.sharing_group(sg.id).await?.ok_or_else(|| CoreError::Internal("sharing group vanished".into()))
    }

    /// `sharingGroups/delete/{id|uuid}`: refused while anything is shared with it.
    pub async fn delete_sharing_group(&self, actor: &Actor, key: &str) -> CoreResult<SharingGroup> {
        actor.require("perm_sharing_group")?;
        let sg = self.sg_by_key(key).await?.filter(|sg| authorised(actor, sg) && can_delete(actor, sg));
        let sg = sg.ok_or_else(|| CoreError::NotAllowed("Action not allowed.".into()))?;
        if self.store.sharing_group_usage(sg.id).await? > 0 {
            return Err(CoreError::Refused("The sharing group could not be deleted.".into()));
        }
        let audit = actor.audit(self.now(), "delete", "SharingGroup", sg.id, format!("Sharing group {} ({}) deleted", sg.name, sg.uuid));
        self.store.delete_sharing_group(sg.id, &audit).await?;
        Ok(sg)
    }

    /// `sharingGroups/addOrg`.
    pub async fn sharing_group_add_org(&self, actor: &Actor, sg_key: &str, org_key: &str, extend: bool) -> CoreResult<SharingGroup> {
        let old = self.editable_sharing_group(actor, sg_key, "Invalid sharing group or no editing rights.").await?;
        let org = self.find_org(org_key).await?.ok_or_else(|| CoreError::NotAllowed("Invalid organisation.".into()))?;
        if old.orgs.iter().any(|o| o.org_id == org.id) {
            return Err(CoreError::Refused("Organisation is already in the sharing group.".into()));
        }
        let mut sg = old.clone();
        sg.orgs.push(SharingGroupOrg { id: 0, sharing_group_id: sg.id, org_id: org.id, extend });
        sg.modified = self.now();
        self.save_sharing_group(actor, &old, &sg, format!("Organisation {} added to sharing group {}", org.name, sg.name)).await
    }

    /// `sharingGroups/removeOrg`.
    pub async fn sharing_group_remove_org(&self, actor: &Actor, sg_key: &str, org_key: &str) -> CoreResult<SharingGroup> {
        let old = self.editable_sharing_group(actor, sg_key, "Invalid sharing group or no editing rights.").await?;
        let org = self.find_org(org_key).await?.ok_or_else(|| CoreError::NotAllowed("Invalid organisation.".into()))?;
        if !old.orgs.iter().any(|o| o.org_id == org.id) {
            return Err(CoreError::Refused("Organisation is not in the sharing group.".into()));
        }
        let mut sg = old.clone();
        sg.orgs.retain(|o| o.org_id != org.id);
        sg.modified = self.now();
        self.save_sharing_group(actor, &old, &sg, format!("Organisation {} removed from sharing group {}", org.name, sg.name)).await
    }

    /// `sharingGroups/addServer` (refused for a server already in the group,
    /// as MISP does; remove it first to change `all_orgs`).
    pub async fn sharing_group_add_server(&self, actor: &Actor, sg_key: &str, server_id: i64, all_orgs: bool) -> CoreResult<SharingGroup> {
        let old = self.editable_sharing_group(actor, sg_key, "Invalid sharing group or no editing rights.").await?;
        check_server("server_id", server_id)?;
        if old.servers.iter().any(|s| s.server_id == server_id) {
            return Err(CoreError::Refused("Server is already in the sharing group.".into()));
        }
        let mut sg = old.clone();
        self.add_members(&mut sg, &[], &[SgServerRef { server_id, all_orgs }]).await?;
        sg.modified = self.now();
        self.save_sharing_group(actor, &old, &sg, format!("Server {server_id} added to sharing group {}", sg.name)).await
    }

    /// `sharingGroups/removeServer`.
    pub async fn sharing_group_remove_server(&self, actor: &Actor, sg_key: &str, server_id: i64) -> CoreResult<SharingGroup> {
        let old = self.editable_sharing_group(actor, sg_key, "Invalid sharing group or no editing rights.").await?;
        if !old.servers.iter().any(|s| s.server_id == server_id) {
            return Err(CoreError::Refused("Server is not in the sharing group.".into()));
        }
        let mut sg = old.clone();
        sg.servers.retain(|s| s.server_id != server_id);
        sg.modified = self.now();
        self.save_sharing_group(actor, &old, &sg, format!("Server {server_id} removed from sharing group {}", sg.name)).await
    }

    /// `sharingGroups/index`: the groups the actor is authorised for, by name.
    pub async fn list_sharing_groups(&self, actor: &Actor, q: &SgQuery) -> CoreResult<(Vec<SgListing>, Lookup)> {
        let mut groups: Vec<SharingGroup> = self
            .store
            .sharing_groups()
            .await?
            .into_iter()
            .filter(|g| authorised(actor, g))
            .filter(|g| g.active == (q.state == SgState::Active))
            .filter(|g| q.org_id.is_none_or(|o| g.org_id == o || g.orgs.iter().any(|m| m.org_id == o)))
            .collect();
        let lookup = self.sharing_group_lookup(&groups).await?;
        if let Some(n) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase) {
            let org_matches =
                |id: i64| lookup.orgs.get(&id).is_some_and(|o| o.name.to_lowercase().contains(&n) || o.uuid.to_string().contains(&n));
            groups.retain(|g| {
                [&g.name, &g.description, &g.releasability].iter().any(|f| f.to_lowercase().contains(&n))
                    || g.uuid.to_string().contains(&n)
                    || org_matches(g.org_id)
                    || g.orgs.iter().any(|o| org_matches(o.org_id))
            });
        }
        groups.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        let listings =
            groups.into_iter().map(|g| SgListing { editable: can_edit(actor, &g), deletable: can_delete(actor, &g), group: g }).collect();
        Ok((listings, lookup))
    }

    /// The owner organisation and member organisations of one group, by id.
    pub async fn sharing_group_orgs(&self, sg: &SharingGroup) -> CoreResult<HashMap<i64, Organisation>> {
        Ok(self.sharing_group_lookup(std::slice::from_ref(sg)).await?.orgs)
    }
}

/// fyr has no server connections yet, so the only server a sharing group can
/// list is this instance (0). Other ids are refused until a server table exists.
fn check_server(field: &str, server_id: i64) -> CoreResult<()> {
    if server_id == 0 {
        return Ok(());
    }
    Err(CoreError::invalid(
        field,
        format!("Invalid server {server_id}: this instance has no server connections yet; only 0 (this instance) can be used."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modified_values() {
        assert_eq!(parse_modified("2024-01-02 03:04:05").ok(), Some(1_704_164_645));
        assert_eq!(parse_modified("1704164645").ok(), Some(1_704_164_645));
        assert!(parse_modified("yesterday").is_err());
    }
}

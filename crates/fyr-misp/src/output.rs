//! What fyr answers: records rendered in MISP's JSON shapes (ids, enums and
//! timestamps as strings; flags as booleans; children in capitalised arrays).

use fyr_store::*;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// An id or timestamp as MISP writes it: a string.
pub fn s(v: i64) -> Value {
    Value::String(v.to_string())
}

/// MISP's `microTimestampToIso`: microseconds since the epoch as ISO 8601
/// with six fractional digits and an offset, or null.
pub fn micros_iso(v: Option<i64>) -> Value {
    let Some(us) = v else { return Value::Null };
    let secs = us.div_euclid(1_000_000);
    let frac = us.rem_euclid(1_000_000);
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => Value::String(format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}+00:00",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            frac
        )),
        Err(_) => Value::Null,
    }
}

/// Looks up organisations, tags and sharing groups while rendering.
#[derive(Debug, Default, Clone)]
pub struct Lookup {
    pub orgs: HashMap<i64, Organisation>,
    pub tags: HashMap<i64, Tag>,
    pub sharing_groups: HashMap<i64, SharingGroup>,
    /// E-mail of event creators by user id, shown to the creator organisation.
    pub user_emails: HashMap<i64, String>,
}

pub fn org_brief(org: Option<&Organisation>, id: i64) -> Value {
    match org {
        Some(o) => json!({"id": s(o.id), "name": o.name, "uuid": o.uuid.to_string(), "local": o.local}),
        None => json!({"id": s(id), "name": "", "uuid": "", "local": false}),
    }
}

pub fn organisation(o: &Organisation) -> Value {
    json!({
        "id": s(o.id),
        "name": o.name,
        "date_created": crate::output::datetime(o.created),
        "date_modified": crate::output::datetime(o.modified),
        "description": o.description,
        "type": o.org_type,
        "nationality": o.nationality,
        "sector": o.sector,
        "created_by": s(o.created_by),
        "uuid": o.uuid.to_string(),
        "contacts": o.contacts,
        "local": o.local,
        "restricted_to_domain": o.restricted_to_domain,
        "landingpage": o.landingpage,
    })
}

/// `YYYY-MM-DD HH:MM:SS` (UTC), MISP's datetime column format.
pub fn datetime(unix: i64) -> Value {
    match time::OffsetDateTime::from_unix_timestamp(unix) {
        Ok(t) => Value::String(format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )),
        Err(_) => Value::Null,
    }
}

pub fn tag(t: &Tag) -> Value {
    json!({
        "id": s(t.id),
        "name": t.name,
        "colour": t.colour,
        "exportable": t.exportable,
        "org_id": s(t.org_id),
        "user_id": s(t.user_id),
        "hide_tag": t.hide_tag,
        "numerical_value": t.numerical_value.map(s).unwrap_or(Value::Null),
        "is_galaxy": t.is_galaxy,
        "is_custom_galaxy": t.is_custom_galaxy,
        "local_only": t.local_only,
    })
}

/// A tag as attached to an event or attribute (with `local` and `relationship_type`).
pub fn tag_on(t: &Tag, link: &TagLink) -> Value {
    let mut v = tag(t);
    if let Value::Object(m) = &mut v {
        m.insert("local".into(), Value::Bool(link.local));
        m.insert(
            "relationship_type".into(),
            if link.relationship_type.is_empty() { Value::Null } else { Value::String(link.relationship_type.clone()) },
        );
    }
    v
}

fn tags_for(links: &[&TagLink], lookup: &Lookup) -> Vec<Value> {
    links.iter().filter_map(|l| lookup.tags.get(&l.tag_id).map(|t| tag_on(t, l))).collect()
}

pub fn sharing_group_brief(sg: &SharingGroup) -> Value {
    json!({"id": s(sg.id), "name": sg.name, "uuid": sg.uuid.to_string(), "releasability": sg.releasability, "description": sg.description})
}

/// An attribute's own fields (no children).
pub fn attribute_fields(a: &Attribute) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), s(a.id));
    m.insert("type".into(), Value::String(a.attr_type.clone()));
    m.insert("category".into(), Value::String(a.category.clone()));
    m.insert("to_ids".into(), Value::Bool(a.to_ids));
    m.insert("uuid".into(), Value::String(a.uuid.to_string()));
    m.insert("event_id".into(), s(a.event_id));
    m.insert("distribution".into(), s(a.distribution));
    m.insert("timestamp".into(), s(a.timestamp));
    m.insert("comment".into(), Value::String(a.comment.clone()));
    m.insert("sharing_group_id".into(), s(a.sharing_group_id));
    m.insert("deleted".into(), Value::Bool(a.deleted));
    m.insert("disable_correlation".into(), Value::Bool(a.disable_correlation));
    m.insert("object_id".into(), s(a.object_id));
    m.insert("object_relation".into(), a.object_relation.clone().map(Value::String).unwrap_or(Value::Null));
    m.insert("first_seen".into(), micros_iso(a.first_seen));
    m.insert("last_seen".into(), micros_iso(a.last_seen));
    m.insert("value".into(), Value::String(a.value()));
    m
}

/// An attribute with its tags, as inside an event.
pub fn attribute(a: &Attribute, links: &[&TagLink], lookup: &Lookup) -> Value {
    let mut m = attribute_fields(a);
    let tags = tags_for(links, lookup);
    if !tags.is_empty() {
        m.insert("Tag".into(), Value::Array(tags));
    }
    if a.distribution == 4
        && let Some(sg) = lookup.sharing_groups.get(&a.sharing_group_id)
    {
        m.insert("SharingGroup".into(), sharing_group_brief(sg));
    }
    m.insert("ShadowAttribute".into(), Value::Array(Vec::new()));
    Value::Object(m)
}

pub fn reference(r: &ObjectReference) -> Value {
    json!({
        "id": s(r.id),
        "uuid": r.uuid.to_string(),
        "timestamp": s(r.timestamp),
        "object_id": s(r.object_id),
        "referenced_uuid": r.referenced_uuid.to_string(),
        "referenced_id": s(r.referenced_id),
        "referenced_type": s(r.referenced_type),
        "relationship_type": r.relationship_type,
        "comment": r.comment,
        "deleted": r.deleted,
        "event_id": s(r.event_id),
        "source_uuid": r.source_uuid.to_string(),
        "object_uuid": r.source_uuid.to_string(),
    })
}

pub fn object_fields(o: &Object) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), s(o.id));
    m.insert("name".into(), Value::String(o.name.clone()));
    m.insert("meta-category".into(), Value::String(o.meta_category.clone()));
    m.insert("description".into(), Value::String(o.description.clone()));
    m.insert("template_uuid".into(), Value::String(o.template_uuid.clone()));
    m.insert("template_version".into(), Value::String(o.template_version.clone()));
    m.insert("event_id".into(), s(o.event_id));
    m.insert("uuid".into(), Value::String(o.uuid.to_string()));
    m.insert("timestamp".into(), s(o.timestamp));
    m.insert("distribution".into(), s(o.distribution));
    m.insert("sharing_group_id".into(), s(o.sharing_group_id));
    m.insert("comment".into(), Value::String(o.comment.clone()));
    m.insert("deleted".into(), Value::Bool(o.deleted));
    m.insert("first_seen".into(), micros_iso(o.first_seen));
    m.insert("last_seen".into(), micros_iso(o.last_seen));
    m
}

/// An object with its attributes (and their tags) and references.
pub fn object(o: &Object, attributes: &[Value], references: &[&ObjectReference]) -> Value {
    let mut m = object_fields(o);
    m.insert("ObjectReference".into(), Value::Array(references.iter().map(|r| reference(r)).collect()));
    m.insert("Attribute".into(), Value::Array(attributes.to_vec()));
    Value::Object(m)
}

/// The event's own fields with `Org` and `Orgc`.
pub fn event_fields(e: &Event, lookup: &Lookup) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), s(e.id));
    m.insert("orgc_id".into(), s(e.orgc_id));
    m.insert("org_id".into(), s(e.org_id));
    m.insert("date".into(), Value::String(e.date.clone()));
    m.insert("threat_level_id".into(), s(e.threat_level_id));
    m.insert("info".into(), Value::String(e.info.clone()));
    m.insert("published".into(), Value::Bool(e.published));
    m.insert("uuid".into(), Value::String(e.uuid.to_string()));
    m.insert("attribute_count".into(), s(e.attribute_count));
    m.insert("analysis".into(), s(e.analysis));
    m.insert("timestamp".into(), s(e.timestamp));
    m.insert("distribution".into(), s(e.distribution));
    m.insert("proposal_email_lock".into(), Value::Bool(e.proposal_email_lock));
    m.insert("locked".into(), Value::Bool(e.locked));
    m.insert("publish_timestamp".into(), s(e.publish_timestamp));
    m.insert("sharing_group_id".into(), s(e.sharing_group_id));
    m.insert("disable_correlation".into(), Value::Bool(e.disable_correlation));
    m.insert("extends_uuid".into(), Value::String(e.extends_uuid.clone()));
    m.insert("protected".into(), if e.protected { Value::Bool(true) } else { Value::Null });
    m.insert("sighting_timestamp".into(), s(e.sighting_timestamp));
    m.insert("Org".into(), org_brief(lookup.orgs.get(&e.org_id), e.org_id));
    m.insert("Orgc".into(), org_brief(lookup.orgs.get(&e.orgc_id), e.orgc_id));
    m
}

/// The `Event` part of attribute search results: a few event fields.
pub fn event_brief(e: &Event) -> Value {
    json!({
        "org_id": s(e.org_id),
        "distribution": s(e.distribution),
        "id": s(e.id),
        "info": e.info,
        "orgc_id": s(e.orgc_id),
        "uuid": e.uuid.to_string(),
        "publish_timestamp": s(e.publish_timestamp),
    })
}

/// A whole event, already filtered for the viewer: `tree` holds only what
/// they may see.
pub fn event(tree: &EventTree, lookup: &Lookup) -> Value {
    let Some(e) = &tree.event else { return Value::Null };
    let mut m = event_fields(e, lookup);
    if e.distribution == 4
        && let Some(sg) = lookup.sharing_groups.get(&e.sharing_group_id)
    {
        m.insert("SharingGroup".into(), sharing_group(sg, lookup));
    }
    let mut attr_links: HashMap<i64, Vec<&TagLink>> = HashMap::new();
    for l in &tree.attribute_tags {
        attr_links.entry(l.target_id).or_default().push(l);
    }
    let mut top = Vec::new();
    let mut by_object: HashMap<i64, Vec<Value>> = HashMap::new();
    for a in &tree.attributes {
        let links = attr_links.get(&a.id).map(Vec::as_slice).unwrap_or(&[]);
        let v = attribute(a, links, lookup);
        if a.object_id == 0 {
            top.push(v);
        } else {
            by_object.entry(a.object_id).or_default().push(v);
        }
    }
    let mut refs: HashMap<i64, Vec<&ObjectReference>> = HashMap::new();
    for r in &tree.references {
        refs.entry(r.object_id).or_default().push(r);
    }
    let objects: Vec<Value> = tree
        .objects
        .iter()
        .map(|o| {
            let attrs = by_object.remove(&o.id).unwrap_or_default();
            let rs = refs.get(&o.id).map(Vec::as_slice).unwrap_or(&[]);
            object(o, &attrs, rs)
        })
        .collect();
    m.insert("Attribute".into(), Value::Array(top));
    m.insert("ShadowAttribute".into(), Value::Array(Vec::new()));
    m.insert("RelatedEvent".into(), Value::Array(Vec::new()));
    m.insert("Galaxy".into(), Value::Array(Vec::new()));
    m.insert("Object".into(), Value::Array(objects));
    m.insert("EventReport".into(), Value::Array(Vec::new()));
    m.insert("CryptographicKey".into(), Value::Array(Vec::new()));
    let event_links: Vec<&TagLink> = tree.event_tags.iter().collect();
    m.insert("Tag".into(), Value::Array(tags_for(&event_links, lookup)));
    if let Some(email) = lookup.user_emails.get(&e.user_id) {
        m.insert("event_creator_email".into(), Value::String(email.clone()));
    }
    json!({ "Event": Value::Object(m) })
}

/// A sharing group with its organisations and servers, as MISP's `view`.
pub fn sharing_group(sg: &SharingGroup, lookup: &Lookup) -> Value {
    let orgs: Vec<Value> = sg
        .orgs
        .iter()
        .map(|o| {
            json!({
                "id": s(o.id),
                "sharing_group_id": s(o.sharing_group_id),
                "org_id": s(o.org_id),
                "extend": o.extend,
                "Organisation": org_brief(lookup.orgs.get(&o.org_id), o.org_id),
            })
        })
        .collect();
    let servers: Vec<Value> = sg
        .servers
        .iter()
        .map(|sv| {
            json!({
                "id": s(sv.id),
                "sharing_group_id": s(sv.sharing_group_id),
                "server_id": s(sv.server_id),
                "all_orgs": sv.all_orgs,
                "Server": if sv.server_id == 0 {
                    json!({"id": "0", "name": "Local instance", "url": Value::Null})
                } else {
                    json!({"id": s(sv.server_id)})
                },
            })
        })
        .collect();
    json!({
        "id": s(sg.id),
        "uuid": sg.uuid.to_string(),
        "name": sg.name,
        "releasability": sg.releasability,
        "description": sg.description,
        "organisation_uuid": lookup.orgs.get(&sg.org_id).map(|o| o.uuid.to_string()).unwrap_or_default(),
        "org_id": s(sg.org_id),
        "sync_user_id": s(sg.sync_user_id),
        "active": sg.active,
        "created": datetime(sg.created),
        "modified": datetime(sg.modified),
        "local": sg.local,
        "roaming": sg.roaming,
        "Organisation": org_brief(lookup.orgs.get(&sg.org_id), sg.org_id),
        "SharingGroupOrg": orgs,
        "SharingGroupServer": servers,
    })
}

/// A user as MISP shows it (password and TOTP masked, no key).
pub fn user(u: &User) -> Value {
    json!({
        "id": s(u.id),
        "password": "*****",
        "org_id": s(u.org_id),
        "server_id": "0",
        "email": u.email,
        "autoalert": u.autoalert,
        "invited_by": s(u.invited_by),
        "gpgkey": if u.gpgkey.is_empty() { Value::Null } else { Value::String(u.gpgkey.clone()) },
        "certif_public": u.certif_public,
        "nids_sid": s(u.nids_sid),
        "termsaccepted": u.termsaccepted,
        "newsread": "0",
        "role_id": s(u.role_id),
        "change_pw": u.change_pw,
        "contactalert": u.contactalert,
        "disabled": u.disabled,
        "expiration": Value::Null,
        "current_login": s(u.last_login),
        "last_login": s(u.last_login),
        "force_logout": false,
        "date_created": s(u.created),
        "date_modified": s(u.date_modified),
        "sub": Value::Null,
        "external_auth_required": false,
        "external_auth_key": Value::Null,
        "last_api_access": "0",
        "notification_daily": false,
        "notification_weekly": false,
        "notification_monthly": false,
        "totp": if u.totp_secret.is_some() { Value::String("*****".into()) } else { Value::Null },
        "hotp_counter": Value::Null,
        "last_pw_change": s(u.date_modified),
    })
}

/// A role with all its `perm_*` flags and MISP's derived fields.
pub fn role(r: &Role, default_role_id: i64, perm_names: &[&str], level: i64, level_description: &str) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), s(r.id));
    m.insert("name".into(), Value::String(r.name.clone()));
    m.insert("created".into(), datetime(r.created));
    m.insert("modified".into(), datetime(r.modified));
    for p in perm_names {
        m.insert((*p).to_string(), Value::Bool(r.perm(p)));
    }
    m.insert("default_role".into(), Value::Bool(r.id == default_role_id));
    m.insert("memory_limit".into(), Value::String(r.memory_limit.clone()));
    m.insert("max_execution_time".into(), Value::String(r.max_execution_time.clone()));
    m.insert("restricted_to_site_admin".into(), Value::Bool(r.restricted_to_site_admin));
    m.insert("enforce_rate_limit".into(), Value::Bool(r.enforce_rate_limit));
    m.insert("rate_limit_count".into(), s(r.rate_limit_count));
    m.insert("permission".into(), s(level));
    m.insert("permission_description".into(), Value::String(level_description.to_string()));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_timestamps() {
        assert_eq!(micros_iso(Some(1_577_872_800_000_000)), json!("2020-01-01T10:00:00.000000+00:00"));
        assert_eq!(micros_iso(Some(1_577_872_800_123_456)), json!("2020-01-01T10:00:00.123456+00:00"));
        assert_eq!(micros_iso(None), Value::Null);
    }
}

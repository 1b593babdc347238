//! Turning what clients send (MISP JSON, leniently parsed by `fyr-misp`) into
//! validated records: required fields, defaults, limits, value
//! normalisation for the attribute type, distribution and sharing groups.
//! Errors name the field (`Attribute[2].value`) and say what is wrong.

use crate::acl::{DIST_INHERIT, DIST_SHARING_GROUP};
use crate::core::Actor;
use crate::error::{CoreError, CoreResult};
use crate::settings::Settings;
use fyr_misp::input::{AttributeIn, ObjectIn, ObjectReferenceIn};
use fyr_store::{Attribute, Object, ObjectReference};
use uuid::Uuid;

/// Longest free text (MISP's TEXT columns).
pub const MAX_TEXT: usize = 65_535;
/// Longest short field (MISP's VARCHAR(255) columns).
pub const MAX_SHORT: usize = 255;

/// What capture needs besides the input.
pub struct Capture<'a> {
    pub actor: &'a Actor,
    pub settings: &'a Settings,
    pub now: i64,
    pub new_uuid: &'a (dyn Fn() -> Uuid + Send + Sync),
}

pub fn check_len(field: &str, s: &str, max: usize) -> CoreResult<()> {
    if s.len() > max {
        return Err(CoreError::invalid(field, format!("is too long ({} bytes; at most {max} allowed)", s.len())));
    }
    Ok(())
}

/// Cuts a string to at most `max` bytes (on a character boundary).
pub fn clip_text(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// A uuid as given (any case), stored lower-case.
pub fn parse_uuid(field: &str, s: &str) -> CoreResult<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| CoreError::invalid(field, format!("{s:?} is not a valid UUID")))
}

/// An optional client-supplied uuid, or a fresh one.
pub fn uuid_or_new(field: &str, given: Option<&str>, new_uuid: &(dyn Fn() -> Uuid + Send + Sync)) -> CoreResult<Uuid> {
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_uuid(field, s),
        None => Ok(new_uuid()),
    }
}

/// `first_seen`/`last_seen`: ISO 8601 (with or without fraction and offset;
/// a missing offset means UTC), a date, or epoch seconds; stored as
/// microseconds since the epoch.
pub fn parse_seen(field: &str, s: &str) -> CoreResult<i64> {
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    let t = s.trim();
    let bad = || CoreError::invalid(field, format!("{s:?} is not a valid date and time (ISO 8601 expected)"));
    if let Ok(secs) = t.parse::<i64>() {
        return Ok(secs.saturating_mul(1_000_000));
    }
    let to_micros = |dt: time::OffsetDateTime| -> i64 {
        let nanos = dt.unix_timestamp_nanos();
        i64::try_from(nanos.div_euclid(1_000)).unwrap_or(i64::MAX)
    };
    if let Ok(dt) = time::OffsetDateTime::parse(t, &Rfc3339) {
        return Ok(to_micros(dt));
    }
    // Offset without a colon (+0100) or with a space instead of 'T'.
    let normalised = t.replacen(' ', "T", 1);
    if let Ok(dt) = time::OffsetDateTime::parse(&normalised, &Rfc3339) {
        return Ok(to_micros(dt));
    }
    let with_frac = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]");
    let without = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    for fd in [with_frac, without, minutes] {
        if let Ok(p) = time::PrimitiveDateTime::parse(&normalised, &fd) {
            return Ok(to_micros(p.assume_utc()));
        }
    }
    let offset_forms = [
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond][offset_hour sign:mandatory][offset_minute]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]"),
    ];
    for fd in offset_forms {
        if let Ok(dt) = time::OffsetDateTime::parse(&normalised, &fd) {
            return Ok(to_micros(dt));
        }
    }
    let date = format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(t, &date) {
        return Ok(to_micros(d.midnight().assume_utc()));
    }
    Err(bad())
}

fn seen(field: &str, s: Option<&str>) -> CoreResult<Option<i64>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        Some(v) => parse_seen(field, v).map(Some),
        None => Ok(None),
    }
}

pub fn check_seen_order(path: &str, first: Option<i64>, last: Option<i64>) -> CoreResult<()> {
    if let (Some(f), Some(l)) = (first, last)
        && l < f
    {
        return Err(CoreError::invalid(format!("{path}last_seen"), "Last seen value should be greater than first seen value"));
    }
    Ok(())
}

/// Checks a distribution (0..=`max`) and the sharing group that goes with
/// it; returns the sharing group id to store (0 unless distribution 4).
pub fn distribution_and_group(
    actor: &Actor,
    path: &str,
    distribution: i64,
    max: i64,
    sharing_group_id: Option<i64>,
) -> CoreResult<(i64, i64)> {
    if !(0..=max).contains(&distribution) {
        return Err(CoreError::invalid(format!("{path}distribution"), format!("must be between 0 and {max}, got {distribution}")));
    }
    if distribution != DIST_SHARING_GROUP {
        return Ok((distribution, 0));
    }
    let sg = sharing_group_id.unwrap_or(0);
    if sg <= 0 {
        return Err(CoreError::invalid(format!("{path}sharing_group_id"), "a sharing group is required for distribution 4"));
    }
    if !actor.viewer.sharing_groups.contains(&sg) {
        return Err(CoreError::invalid(format!("{path}sharing_group_id"), "Invalid Sharing Group or not authorised."));
    }
    Ok((distribution, sg))
}

/// A new attribute from input (not yet stored). `path` prefixes field names
/// in errors (e.g. `"Attribute[3]."`).
pub fn new_attribute(cx: &Capture<'_>, path: &str, a: &AttributeIn, event_id: i64, object_id: i64) -> CoreResult<Attribute> {
    let attr_type = a
        .attr_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| CoreError::invalid(format!("{path}type"), "is required"))?;
    let info = fyr_model::type_info(attr_type)
        .ok_or_else(|| CoreError::invalid(format!("{path}type"), format!("{attr_type:?} is not a known attribute type")))?;
    let category = match a.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => {
            if !fyr_model::categories().contains(&c) {
                return Err(CoreError::invalid(format!("{path}category"), format!("{c:?} is not a known category")));
            }
            if !fyr_model::category_allows(c, attr_type) {
                return Err(CoreError::invalid(format!("{path}category"), format!("type {attr_type:?} is not allowed in category {c:?}")));
            }
            c.to_string()
        }
        None => info.default_category.to_string(),
    };
    let raw = a.value.as_deref().ok_or_else(|| CoreError::invalid(format!("{path}value"), "is required"))?;
    let (value1, value2) = normalised_value(path, attr_type, raw)?;
    let default_dist = cx.settings.default_attribute_distribution.unwrap_or(DIST_INHERIT);
    let (distribution, sharing_group_id) =
        distribution_and_group(cx.actor, path, a.distribution.unwrap_or(default_dist), 5, a.sharing_group_id)?;
    let comment = a.comment.clone().unwrap_or_default();
    check_len(&format!("{path}comment"), &comment, MAX_TEXT)?;
    let object_relation = a.object_relation.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
    if let Some(r) = &object_relation {
        check_len(&format!("{path}object_relation"), r, MAX_SHORT)?;
    }
    let first_seen = seen(&format!("{path}first_seen"), a.first_seen.as_deref())?;
    let last_seen = seen(&format!("{path}last_seen"), a.last_seen.as_deref())?;
    check_seen_order(path, first_seen, last_seen)?;
    let timestamp = match a.timestamp {
        Some(t) if t > 0 => t,
        _ => cx.now,
    };
    Ok(Attribute {
        id: 0,
        uuid: uuid_or_new(&format!("{path}uuid"), a.uuid.as_deref(), cx.new_uuid)?,
        event_id,
        object_id,
        object_relation,
        category,
        attr_type: attr_type.to_string(),
        value1,
        value2,
        to_ids: a.to_ids.unwrap_or(info.to_ids),
        distribution,
        sharing_group_id,
        comment,
        deleted: a.deleted.unwrap_or(false),
        disable_correlation: a.disable_correlation.unwrap_or(false),
        timestamp,
        first_seen,
        last_seen,
    })
}

/// Normalises a value for its type into MISP's (value1, value2).
pub fn normalised_value(path: &str, attr_type: &str, raw: &str) -> CoreResult<(String, String)> {
    let normalised = fyr_model::normalise(attr_type, raw).map_err(|e| CoreError::invalid(format!("{path}value"), e.to_string()))?;
    let (v1, v2) = fyr_model::split(attr_type, &normalised);
    Ok((v1, v2.unwrap_or_default()))
}

/// Applies an edit to an attribute: fields present in the input replace the
/// stored ones; identity fields (id, uuid, event, object) stay. Returns the
/// updated record (timestamp as given, else `now`).
pub fn edited_attribute(cx: &Capture<'_>, path: &str, old: &Attribute, a: &AttributeIn) -> CoreResult<Attribute> {
    let mut new = old.clone();
    let type_changed = a.attr_type.as_deref().map(str::trim).filter(|t| !t.is_empty()).filter(|t| *t != old.attr_type);
    if let Some(t) = type_changed {
        if fyr_model::type_info(t).is_none() {
            return Err(CoreError::invalid(format!("{path}type"), format!("{t:?} is not a known attribute type")));
        }
        new.attr_type = t.to_string();
    }
    if let Some(c) = a.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        if !fyr_model::categories().contains(&c) {
            return Err(CoreError::invalid(format!("{path}category"), format!("{c:?} is not a known category")));
        }
        new.category = c.to_string();
    }
    if !fyr_model::category_allows(&new.category, &new.attr_type) {
        return Err(CoreError::invalid(
            format!("{path}category"),
            format!("type {:?} is not allowed in category {:?}", new.attr_type, new.category),
        ));
    }
    if let Some(v) = a.value.as_deref() {
        let (v1, v2) = normalised_value(path, &new.attr_type, v)?;
        new.value1 = v1;
        new.value2 = v2;
    } else if type_changed.is_some() {
        let (v1, v2) = normalised_value(path, &new.attr_type, &old.value())?;
        new.value1 = v1;
        new.value2 = v2;
    }
    if let Some(t) = a.to_ids {
        new.to_ids = t;
    }
    if a.distribution.is_some() || a.sharing_group_id.is_some() {
        let dist = a.distribution.unwrap_or(old.distribution);
        let sg = a.sharing_group_id.or(Some(old.sharing_group_id));
        let (d, s) = distribution_and_group(cx.actor, path, dist, 5, sg)?;
        new.distribution = d;
        new.sharing_group_id = s;
    }
    if let Some(c) = &a.comment {
        check_len(&format!("{path}comment"), c, MAX_TEXT)?;
        new.comment = c.clone();
    }
    if let Some(d) = a.deleted {
        new.deleted = d;
    }
    if let Some(d) = a.disable_correlation {
        new.disable_correlation = d;
    }
    if let Some(r) = a.object_relation.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        check_len(&format!("{path}object_relation"), r, MAX_SHORT)?;
        new.object_relation = Some(r.to_string());
    }
    if let Some(f) = &a.first_seen {
        new.first_seen = seen(&format!("{path}first_seen"), Some(f))?;
    }
    if let Some(l) = &a.last_seen {
        new.last_seen = seen(&format!("{path}last_seen"), Some(l))?;
    }
    check_seen_order(path, new.first_seen, new.last_seen)?;
    new.timestamp = match a.timestamp {
        Some(t) if t > 0 => t,
        _ => cx.now,
    };
    Ok(new)
}

/// Whether an edit would change anything that MISP compares in
/// `objects/edit` (values, flags, distribution, comment, first/last seen).
pub fn differs(old: &Attribute, new: &Attribute) -> bool {
    old.category != new.category
        || old.attr_type != new.attr_type
        || old.value1 != new.value1
        || old.value2 != new.value2
        || old.to_ids != new.to_ids
        || old.distribution != new.distribution
        || old.sharing_group_id != new.sharing_group_id
        || old.comment != new.comment
        || old.disable_correlation != new.disable_correlation
        || old.first_seen != new.first_seen
        || old.last_seen != new.last_seen
        || old.deleted != new.deleted
        || old.object_relation != new.object_relation
}

/// A new object (without its attributes) from input.
pub fn new_object(cx: &Capture<'_>, path: &str, o: &ObjectIn, event_id: i64) -> CoreResult<Object> {
    let name = o
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| CoreError::invalid(format!("{path}name"), "is required"))?;
    check_len(&format!("{path}name"), name, MAX_SHORT)?;
    let default_dist = cx.settings.default_attribute_distribution.unwrap_or(DIST_INHERIT);
    let (distribution, sharing_group_id) =
        distribution_and_group(cx.actor, path, o.distribution.unwrap_or(default_dist), 5, o.sharing_group_id)?;
    let meta_category = o.meta_category.clone().unwrap_or_default();
    check_len(&format!("{path}meta-category"), &meta_category, MAX_SHORT)?;
    let description = o.description.clone().unwrap_or_default();
    check_len(&format!("{path}description"), &description, MAX_TEXT)?;
    let template_uuid = o.template_uuid.clone().unwrap_or_default();
    check_len(&format!("{path}template_uuid"), &template_uuid, MAX_SHORT)?;
    let template_version = o.template_version.clone().unwrap_or_else(|| "1".to_string());
    check_len(&format!("{path}template_version"), &template_version, MAX_SHORT)?;
    let comment = o.comment.clone().unwrap_or_default();
    check_len(&format!("{path}comment"), &comment, MAX_TEXT)?;
    let first_seen = seen(&format!("{path}first_seen"), o.first_seen.as_deref())?;
    let last_seen = seen(&format!("{path}last_seen"), o.last_seen.as_deref())?;
    check_seen_order(path, first_seen, last_seen)?;
    Ok(Object {
        id: 0,
        uuid: uuid_or_new(&format!("{path}uuid"), o.uuid.as_deref(), cx.new_uuid)?,
        event_id,
        name: name.to_string(),
        meta_category,
        description,
        template_uuid,
        template_version,
        distribution,
        sharing_group_id,
        comment,
        deleted: o.deleted.unwrap_or(false),
        timestamp: match o.timestamp {
            Some(t) if t > 0 => t,
            _ => cx.now,
        },
        first_seen,
        last_seen,
    })
}

/// A new object reference from input; `source` is the object it hangs on.
pub fn new_reference(cx: &Capture<'_>, path: &str, r: &ObjectReferenceIn, event_id: i64, source: &Object) -> CoreResult<ObjectReference> {
    let referenced = r.referenced_uuid.as_deref().ok_or_else(|| CoreError::invalid(format!("{path}referenced_uuid"), "is required"))?;
    let referenced_uuid = parse_uuid(&format!("{path}referenced_uuid"), referenced)?;
    let relationship_type = r
        .relationship_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| CoreError::invalid(format!("{path}relationship_type"), "is required"))?;
    check_len(&format!("{path}relationship_type"), relationship_type, MAX_SHORT)?;
    let comment = r.comment.clone().unwrap_or_default();
    check_len(&format!("{path}comment"), &comment, MAX_TEXT)?;
    let referenced_type = r.referenced_type.unwrap_or(0);
    if !(0..=1).contains(&referenced_type) {
        return Err(CoreError::invalid(format!("{path}referenced_type"), "must be 0 (attribute) or 1 (object)"));
    }
    Ok(ObjectReference {
        id: 0,
        uuid: uuid_or_new(&format!("{path}uuid"), r.uuid.as_deref(), cx.new_uuid)?,
        event_id,
        object_id: source.id,
        source_uuid: source.uuid,
        referenced_uuid,
        referenced_id: r.referenced_id.unwrap_or(0),
        referenced_type,
        relationship_type: relationship_type.to_string(),
        comment,
        deleted: r.deleted.unwrap_or(false),
        timestamp: match r.timestamp {
            Some(t) if t > 0 => t,
            _ => cx.now,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_formats() {
        assert_eq!(parse_seen("f", "2020-01-03T00:00:00+01:00").unwrap(), 1_578_006_000_000_000);
        assert_eq!(parse_seen("f", "2020-01-04T12:30:34.323242+08:00").unwrap(), 1_578_112_234_323_242);
        assert_eq!(parse_seen("f", "2020-01-04T04:30:34.323242+00:00").unwrap(), 1_578_112_234_323_242);
        assert_eq!(parse_seen("f", "2020-01-04T04:30:34").unwrap(), 1_578_112_234_000_000);
        assert_eq!(parse_seen("f", "2020-01-04").unwrap(), 1_578_096_000_000_000);
        assert_eq!(parse_seen("f", "2020-01-04 04:30:34").unwrap(), 1_578_112_234_000_000);
        assert!(parse_seen("f", "yesterday").is_err());
    }
}

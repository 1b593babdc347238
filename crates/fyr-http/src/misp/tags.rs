//! `tags/*`: index, view, add, edit, delete, search, attachTagToObject,
//! removeTagFromObject.

use super::admin::{bool_param, require_write, text_param, text_param_any};
use super::{Cx, Handled, reply};
use axum::response::Response;
use fyr_core::CoreError;
use fyr_core::tag_admin::{AttachTags, NameMatch, TagListing, TagQuery, TagRef};
use fyr_misp::input::TagIn;
use fyr_misp::output;
use fyr_store::*;
use serde_json::{Map, Value, json};

pub async fn route<S: Store + Clone>(cx: &Cx<'_, S>) -> Handled {
    if cx.req.controller != "tags" {
        return None;
    }
    let r = match cx.req.action.as_str() {
        "index" => index(cx).await,
        "view" => view(cx).await,
        "add" => add(cx).await,
        "edit" => edit(cx).await,
        "delete" => delete(cx).await,
        "search" => search(cx).await,
        "attach_tag_to_object" => attach(cx).await,
        "remove_tag_from_object" => remove(cx).await,
        _ => return None,
    };
    Some(r)
}

/// A tag row with its usage counts, as `tags/index` and `tags/view` show it.
fn render_listing(l: &TagListing) -> Value {
    let mut v = output::tag(&l.tag);
    if let (Value::Object(m), Some(u)) = (&mut v, &l.usage) {
        m.insert("count".into(), Value::from(u.events));
        m.insert("attribute_count".into(), Value::from(u.attributes));
        m.insert("favourite".into(), Value::Bool(false));
    }
    v
}

fn tag_id<S: Store + Clone>(cx: &Cx<'_, S>, missing: CoreError) -> Result<i64, CoreError> {
    cx.req.arg(0).and_then(|a| a.trim().parse::<i64>().ok()).filter(|id| *id > 0).ok_or(missing)
}

async fn index<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let p = cx.params()?;
    let q = TagQuery {
        search: text_param_any(&p, &["searchall", "filter", "quickFilter"])?,
        name: text_param(&p, "name")?,
        favourites_only: bool_param(&p, "favouritesOnly")?.unwrap_or(false),
        without_statistics: bool_param(&p, "exclude_statistics")?.unwrap_or(false),
    };
    let list = cx.core().list_tags(&cx.actor, &q).await?;
    let rows: Vec<Value> = list.iter().map(render_listing).collect();
    Ok(reply::ok_counted(json!({"Tag": rows}), list.len() as u64))
}

async fn view<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let id = tag_id(cx, CoreError::NotAllowed("Invalid Tag".into()))?;
    let found = cx.core().view_tag(&cx.actor, id).await?;
    if cx.req.method == axum::http::Method::HEAD {
        return Ok(reply::empty(axum::http::StatusCode::OK));
    }
    Ok(reply::ok(render_listing(&found)))
}

async fn add<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let input: TagIn = cx.body()?;
    let tag = cx.core().add_tag(&cx.actor, input).await?;
    Ok(reply::ok(json!({"Tag": output::tag(&tag)})))
}

async fn edit<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let id = tag_id(cx, CoreError::NotFound("Invalid tag".into()))?;
    let input: TagIn = cx.body()?;
    let tag = cx.core().edit_tag(&cx.actor, id, input).await?;
    Ok(reply::ok(json!({"Tag": output::tag(&tag)})))
}

async fn delete<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let id = tag_id(cx, CoreError::NotFound("Invalid tag".into()))?;
    cx.core().delete_tag(&cx.actor, id).await?;
    Ok(reply::saved("Tag deleted.", &format!("/tags/delete/{id}"), Some(output::s(id))))
}

/// Names given as a string, a number or a list of those.
fn names(key: &str, v: &Value) -> Result<Vec<String>, CoreError> {
    let one = |x: &Value| match x {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(CoreError::BadRequest(format!("Invalid value for field {key}: expected a tag name or a list of them, got {other}"))),
    };
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items.iter().map(one).collect(),
        other => Ok(vec![one(other)?]),
    }
}

fn params_unwrapped<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Map<String, Value>, CoreError> {
    let mut p = cx.params()?;
    if let Some(Value::Object(inner)) = p.remove("Tag") {
        p.extend(inner);
    }
    Ok(p)
}

async fn search<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let p = params_unwrapped(cx)?;
    let wanted = match p.get("tagname").or_else(|| p.get("tag")) {
        Some(v) => names(if p.contains_key("tagname") { "tagname" } else { "tag" }, v)?,
        None => cx.req.arg(0).map(|a| vec![a.to_string()]).unwrap_or_default(),
    };
    if wanted.iter().all(|n| n.trim().is_empty()) {
        return Err(CoreError::invalid("tagname", "Mandatory field not set."));
    }
    let strict = match bool_param(&p, "strict_tagname")? {
        Some(s) => s,
        None => cx.req.arg(1).is_some_and(|a| a == "1" || a == "true"),
    };
    let how = if strict { NameMatch::Exact } else { NameMatch::Pattern };
    let tags = cx.core().search_tags(&cx.actor, &wanted, how).await?;
    let rows: Vec<Value> = tags.iter().map(|t| json!({"Tag": output::tag(t)})).collect();
    Ok(reply::ok(Value::Array(rows)))
}

/// The target uuid of a tagging request: body `uuid` or the first URL argument.
fn target_uuid<S: Store + Clone>(cx: &Cx<'_, S>, p: &Map<String, Value>) -> Result<uuid::Uuid, CoreError> {
    let raw = match text_param(p, "uuid")? {
        Some(u) => u,
        None => cx.req.arg(0).map(str::to_string).ok_or_else(|| CoreError::invalid("uuid", "Mandatory field not set."))?,
    };
    uuid::Uuid::parse_str(raw.trim()).map_err(|_| CoreError::invalid("uuid", format!("{raw:?} is not a valid UUID")))
}

/// The tags of a tagging request: body `tag` or the second URL argument.
fn tag_refs<S: Store + Clone>(cx: &Cx<'_, S>, p: &Map<String, Value>) -> Result<Vec<TagRef>, CoreError> {
    let raw = match p.get("tag") {
        Some(v) => names("tag", v)?,
        None => cx.req.arg(1).map(|a| vec![a.to_string()]).unwrap_or_default(),
    };
    let refs: Vec<TagRef> = raw.iter().filter(|n| !n.trim().is_empty()).map(|n| TagRef::parse(n)).collect();
    if refs.is_empty() {
        return Err(CoreError::invalid("tag", "Mandatory field not set."));
    }
    Ok(refs)
}

async fn attach<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let p = cx.params()?;
    let req = AttachTags {
        uuid: target_uuid(cx, &p)?,
        tags: tag_refs(cx, &p)?,
        local: match bool_param(&p, "local")? {
            Some(l) => l,
            None => cx.req.arg(2).is_some_and(|a| a == "1" || a == "true"),
        },
        relationship_type: text_param(&p, "relationship_type")?.unwrap_or_default(),
    };
    let message = cx.core().attach_tags(&cx.actor, &req).await?;
    Ok(reply::saved(&message, "/tags/attachTagToObject", None))
}

async fn remove<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let p = cx.params()?;
    let uuid = target_uuid(cx, &p)?;
    let mut refs = tag_refs(cx, &p)?;
    if refs.len() != 1 {
        return Err(CoreError::invalid("tag", "Name exactly one tag to remove."));
    }
    let tag = refs.remove(0);
    let message = cx.core().remove_tag(&cx.actor, &uuid, &tag).await?;
    Ok(reply::saved(&message, "/tags/removeTagFromObject", None))
}

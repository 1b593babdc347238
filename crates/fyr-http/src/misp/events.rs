//! `events/*`: add, edit, view (GET, POST with options, HEAD), delete,
//! publish, unpublish, index. restSearch lives in [`super::search`].

use super::{Cx, Handled, reply};
use crate::misp::search::deleted_param;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use fyr_core::CoreError;
use fyr_core::events::{EventView, ViewOptions};
use fyr_core::search::flag;
use fyr_misp::input::EventIn;
use fyr_misp::output;
use fyr_store::*;
use serde_json::{Value, json};

pub async fn route<S: Store + Clone>(cx: &Cx<'_, S>) -> Handled {
    if cx.req.controller != "events" {
        return None;
    }
    let r = match cx.req.action.as_str() {
        "add" => add(cx).await,
        "edit" => edit(cx).await,
        "view" => view(cx).await,
        "delete" => delete(cx).await,
        "publish" => publish(cx, true).await,
        "unpublish" => publish(cx, false).await,
        "index" => index(cx).await,
        "rest_search" => super::search::events(cx).await,
        _ => return None,
    };
    Some(r)
}

/// Renders an event view as `{"Event": …}`; `metadata` drops the contents.
pub fn render(view: &EventView, metadata: bool) -> Value {
    let mut v = output::event(&view.tree, &view.lookup);
    if metadata && let Some(Value::Object(m)) = v.get_mut("Event") {
        for k in ["Attribute", "Object", "ShadowAttribute", "EventReport"] {
            m.remove(k);
        }
    }
    v
}

fn metadata<S: Store + Clone>(cx: &Cx<'_, S>) -> bool {
    flag(cx.req.named.get("metadata"))
}

async fn add<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    if cx.req.method != Method::POST {
        return Err(CoreError::NotAllowed("This action requires a POST request.".into()));
    }
    let input: EventIn = cx.body()?;
    let core = cx.core();
    let event = core.add_event(&cx.actor, input).await?;
    let meta = metadata(cx);
    let view = core.event_view(&cx.actor, &event, &ViewOptions { metadata: meta, ..ViewOptions::default() }).await?;
    Ok(reply::ok(render(&view, meta)))
}

async fn edit<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    if cx.req.method != Method::POST && cx.req.method != Method::PUT {
        return Err(CoreError::NotAllowed("This action requires a POST request.".into()));
    }
    let key = cx.arg(0, "event")?;
    let input: EventIn = cx.body()?;
    let core = cx.core();
    let event = core.edit_event(&cx.actor, key, input).await?;
    let meta = metadata(cx);
    let view = core.event_view(&cx.actor, &event, &ViewOptions { metadata: meta, ..ViewOptions::default() }).await?;
    Ok(reply::ok(render(&view, meta)))
}

async fn view<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let key = cx.arg(0, "event")?;
    let core = cx.core();
    let event = core.find_event(&cx.actor, key).await?;
    if cx.req.method == Method::HEAD {
        return Ok(reply::empty(StatusCode::OK));
    }
    let p = cx.params()?;
    let opts = ViewOptions { deleted: deleted_param(p.get("deleted")), metadata: flag(p.get("metadata")), ..ViewOptions::default() };
    let view = core.event_view(&cx.actor, &event, &opts).await?;
    Ok(reply::ok(render(&view, opts.metadata)))
}

async fn delete<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let key = cx.arg(0, "event")?.to_string();
    let core = cx.core();
    let event = core.delete_event(&cx.actor, &key).await?;
    let _ = event;
    Ok(reply::saved("Event deleted.", &cx.url(), Some(Value::String(key))))
}

async fn publish<S: Store + Clone>(cx: &Cx<'_, S>, published: bool) -> Result<Response, CoreError> {
    let key = cx.arg(0, "event")?.to_string();
    let core = cx.core();
    let event = core.set_published(&cx.actor, &key, published).await?;
    let message = if published { "Event published without alerts" } else { "Event unpublished." };
    Ok(reply::saved(message, &cx.url(), Some(output::s(event.id))))
}

async fn index<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let p = cx.params()?;
    let core = cx.core();
    let Some(plan) = core.plan_event_index(&cx.actor, &p).await? else {
        return Ok(reply::ok_counted(json!([]), 0));
    };
    let total = core.store.count_events(&plan.query).await?;
    let events = core.store.search_events(&plan.query).await?;
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    let mut org_ids: Vec<i64> = events.iter().flat_map(|e| [e.org_id, e.orgc_id]).collect();
    org_ids.sort_unstable();
    org_ids.dedup();
    let orgs = core.store.orgs_by_ids(&org_ids).await?;
    let org = |id: i64| orgs.iter().find(|o| o.id == id);
    if plan.minimal {
        let rows: Vec<Value> = events
            .iter()
            .map(|e| {
                json!({
                    "id": output::s(e.id),
                    "timestamp": output::s(e.timestamp),
                    "sighting_timestamp": output::s(e.sighting_timestamp),
                    "published": e.published,
                    "uuid": e.uuid.to_string(),
                    "orgc_uuid": org(e.orgc_id).map(|o| o.uuid.to_string()).unwrap_or_default(),
                })
            })
            .collect();
        return Ok(reply::ok_counted(Value::Array(rows), total));
    }
    let links = core.store.event_tags(&ids).await?;
    let tag_ids: Vec<i64> = links.iter().map(|l| l.tag_id).collect();
    let tags = core.store.tags_by_ids(&tag_ids).await?;
    let mut sgs = std::collections::HashMap::new();
    for e in events.iter().filter(|e| e.sharing_group_id != 0) {
        if let std::collections::hash_map::Entry::Vacant(v) = sgs.entry(e.sharing_group_id)
            && let Some(sg) = core.store.sharing_group(e.sharing_group_id).await?
        {
            v.insert(sg);
        }
    }
    let rows: Vec<Value> = events
        .iter()
        .map(|e| {
            let brief = |id: i64| match org(id) {
                Some(o) => json!({"id": output::s(o.id), "name": o.name, "uuid": o.uuid.to_string()}),
                None => json!({"id": output::s(id), "name": "", "uuid": ""}),
            };
            let event_tags: Vec<Value> = links
                .iter()
                .filter(|l| l.target_id == e.id)
                .filter_map(|l| {
                    let t = tags.iter().find(|t| t.id == l.tag_id && t.exportable)?;
                    Some(json!({
                        "id": output::s(l.id),
                        "event_id": output::s(e.id),
                        "tag_id": output::s(t.id),
                        "local": l.local,
                        "relationship_type": if l.relationship_type.is_empty() { Value::Null } else { Value::String(l.relationship_type.clone()) },
                        "Tag": {"id": output::s(t.id), "name": t.name, "colour": t.colour, "is_galaxy": t.is_galaxy},
                    }))
                })
                .collect();
            let mut m = output::event_fields(e, &Default::default());
            m.insert("Org".into(), brief(e.org_id));
            m.insert("Orgc".into(), brief(e.orgc_id));
            m.insert("EventTag".into(), Value::Array(event_tags));
            if let Some(sg) = sgs.get(&e.sharing_group_id) {
                m.insert("SharingGroup".into(), json!({"id": output::s(sg.id), "name": sg.name, "uuid": sg.uuid.to_string()}));
            }
            Value::Object(m)
        })
        .collect();
    Ok(reply::ok_counted(Value::Array(rows), total))
}

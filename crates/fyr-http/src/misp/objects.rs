//! `objects/*` (add, view, edit, delete, restSearch) and
//! `objectReferences/*` (add, delete).

use super::{Cx, Handled, reply};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use fyr_core::CoreError;
use fyr_core::objects::FoundObject;
use fyr_core::search::flag;
use fyr_misp::input::{ObjectIn, ObjectReferenceIn};
use fyr_misp::output;
use fyr_store::*;
use serde_json::{Value, json};

pub async fn route<S: Store + Clone>(cx: &Cx<'_, S>) -> Handled {
    let r = match (cx.req.controller.as_str(), cx.req.action.as_str()) {
        ("objects", "add") => add(cx).await,
        ("objects", "edit") => edit(cx).await,
        ("objects", "view") => view(cx).await,
        ("objects", "delete") => delete(cx).await,
        ("objects", "rest_search") => super::search::objects(cx).await,
        ("object_references", "add") => add_reference(cx).await,
        ("object_references", "delete") => delete_reference(cx).await,
        _ => return None,
    };
    Some(r)
}

/// An object with its event summary, attributes and references.
pub fn render(found: &FoundObject) -> Value {
    let mut m = output::object_fields(&found.object);
    let e = &found.event;
    m.insert(
        "Event".into(),
        json!({"id": output::s(e.id), "info": e.info, "org_id": output::s(e.org_id), "orgc_id": output::s(e.orgc_id)}),
    );
    m.insert("Attribute".into(), Value::Array(found.attributes.iter().map(|a| Value::Object(output::attribute_fields(a))).collect()));
    m.insert("ObjectReference".into(), Value::Array(found.references.iter().map(output::reference).collect()));
    Value::Object(m)
}

/// Renders an object's attributes with their tags (exportable ones).
async fn render_with_tags<S: Store + Clone>(cx: &Cx<'_, S>, found: &FoundObject) -> Result<Value, CoreError> {
    let mut v = render(found);
    let mut attrs = Vec::with_capacity(found.attributes.len());
    for a in &found.attributes {
        let mut m = output::attribute_fields(a);
        let tags = cx.core().attribute_tags_of(a.id, false).await?;
        if !tags.is_empty() {
            m.insert("Tag".into(), Value::Array(tags.iter().map(|(t, l)| output::tag_on(t, l)).collect()));
        }
        attrs.push(Value::Object(m));
    }
    if let Value::Object(m) = &mut v {
        m.insert("Attribute".into(), Value::Array(attrs));
    }
    Ok(v)
}

async fn add<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let event = cx.arg(0, "event")?;
    let input: ObjectIn = cx.body()?;
    let found = cx.core().add_object(&cx.actor, event, input).await?;
    Ok(reply::ok(json!({"Object": render_with_tags(cx, &found).await?})))
}

async fn edit<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let key = cx.arg(0, "object")?;
    let input: ObjectIn = cx.body()?;
    let found = cx.core().edit_object(&cx.actor, key, input).await?;
    let e = &found.event;
    let event = json!({"id": output::s(e.id), "info": e.info, "org_id": output::s(e.org_id), "orgc_id": output::s(e.orgc_id)});
    Ok(reply::ok(json!({"Object": render_with_tags(cx, &found).await?, "Event": event})))
}

async fn view<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let key = cx.arg(0, "object")?;
    let found = cx.core().find_object(&cx.actor, key).await?;
    if cx.req.method == Method::HEAD {
        return Ok(reply::empty(StatusCode::OK));
    }
    Ok(reply::ok(json!({"Object": render_with_tags(cx, &found).await?})))
}

async fn delete<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let key = cx.arg(0, "object")?;
    let p = cx.params()?;
    let hard = flag(p.get("hard")) || cx.req.arg(1).is_some_and(|a| a == "1" || a == "true");
    let found = cx.core().delete_object(&cx.actor, key, hard).await?;
    let event_id = found.event.id.to_string();
    Ok(reply::saved("Object deleted", &format!("/objects/delete/{event_id}"), Some(Value::String(event_id))))
}

async fn add_reference<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let input: ObjectReferenceIn = cx.body()?;
    let r = cx.core().add_object_reference(&cx.actor, cx.req.arg(0), input).await?;
    Ok(reply::ok(json!({"ObjectReference": output::reference(&r)})))
}

async fn delete_reference<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let key = cx.arg(0, "object reference")?;
    let p = cx.params()?;
    let hard = flag(p.get("hard")) || cx.req.arg(1).is_some_and(|a| a == "1" || a == "true");
    let r = cx.core().delete_object_reference(&cx.actor, key, hard).await?;
    Ok(reply::saved("ObjectReference deleted", &cx.url(), Some(output::s(r.id))))
}

//! `attributes/*`: add (one or a list), view (GET/HEAD), edit, delete
//! (soft/hard), restore, restSearch.

use super::{Cx, Handled, reply};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use fyr_core::CoreError;
use fyr_core::search::flag;
use fyr_misp::input::AttributeIn;
use fyr_misp::output;
use fyr_store::*;
use serde_json::{Map, Value, json};

pub async fn route<S: Store + Clone>(cx: &Cx<'_, S>) -> Handled {
    if cx.req.controller != "attributes" {
        return None;
    }
    let r = match cx.req.action.as_str() {
        "add" => add(cx).await,
        "edit" => edit(cx).await,
        "view" => view(cx).await,
        "delete" => delete(cx).await,
        "restore" => restore(cx).await,
        "rest_search" => super::search::attributes(cx).await,
        _ => return None,
    };
    Some(r)
}

/// An attribute with its tags, as `attributes/view|edit` show it.
async fn render<S: Store + Clone>(cx: &Cx<'_, S>, a: &Attribute, all_tags: bool) -> Result<Value, CoreError> {
    let mut m = output::attribute_fields(a);
    let tags = cx.core().attribute_tags_of(a.id, all_tags).await?;
    let list: Vec<Value> = tags.iter().map(|(t, l)| output::tag_on(t, l)).collect();
    if !list.is_empty() {
        m.insert("Tag".into(), Value::Array(list));
    }
    Ok(Value::Object(m))
}

async fn add<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let event = cx.arg(0, "event")?.to_string();
    let body: Value = if cx.req.body_is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(&cx.req.body).map_err(|e| CoreError::BadRequest(format!("Malformed JSON in the request body: {e}")))?
    };
    let (inputs, many): (Vec<AttributeIn>, bool) = match &body {
        Value::Array(_) => (fyr_misp::input::parse(&cx.req.body).map_err(|e| CoreError::BadRequest(e.message))?, true),
        _ => (vec![fyr_misp::input::parse::<AttributeIn>(&cx.req.body).map_err(|e| CoreError::BadRequest(e.message))?], false),
    };
    if inputs.is_empty() {
        return Err(CoreError::invalid("Attribute", "no attributes given"));
    }
    let core = cx.core();
    // `breakOnDuplicate:0` allows an attribute equal to one already there.
    let break_on_duplicate = !matches!(cx.req.named.get("breakOnDuplicate").and_then(Value::as_str), Some("0" | "false"));
    let opts = fyr_core::attributes::AddOptions { break_on_duplicate };
    let added = core.add_attributes(&cx.actor, &event, inputs, opts).await?;
    if !many {
        let a = added.added.first().ok_or_else(|| CoreError::Internal("attribute not stored".into()))?;
        return Ok(reply::ok(json!({"Attribute": render(cx, a, true).await?})));
    }
    let errors_by_index = |errors: &[(usize, CoreError)]| {
        let mut out = Map::new();
        for (i, e) in errors {
            let detail = match e {
                CoreError::Invalid { field, message } => json!({ field.clone(): [message] }),
                other => Value::String(other.to_string()),
            };
            out.insert(format!("attribute_{i}"), detail);
        }
        Value::Object(out)
    };
    if added.added.is_empty() {
        // Nothing could be added: MISP answers with its save-failure shape.
        return Ok(reply::json_with(
            axum::http::StatusCode::FORBIDDEN,
            &json!({
                "saved": false,
                "name": "Could not add Attribute",
                "message": "Could not add Attribute",
                "url": cx.url(),
                "errors": errors_by_index(&added.errors),
            }),
        ));
    }
    let mut list = Vec::with_capacity(added.added.len());
    for a in &added.added {
        list.push(render(cx, a, true).await?);
    }
    let mut out = Map::new();
    out.insert("Attribute".into(), Value::Array(list));
    if !added.errors.is_empty() {
        out.insert("errors".into(), errors_by_index(&added.errors));
    }
    Ok(reply::ok(Value::Object(out)))
}

async fn edit<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let key = cx.arg(0, "attribute")?;
    let input: AttributeIn = cx.body()?;
    let a = cx.core().edit_attribute(&cx.actor, key, input).await?;
    Ok(reply::ok(json!({"Attribute": render(cx, &a, true).await?})))
}

async fn view<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let key = cx.arg(0, "attribute")?;
    let found = cx.core().find_attribute(&cx.actor, key, false).await;
    if cx.req.method == Method::HEAD {
        return found.map(|_| reply::empty(StatusCode::OK));
    }
    // MISP answers an unknown attribute with 405 here.
    let found = found.map_err(|e| match e {
        CoreError::NotFound(m) => CoreError::NotAllowed(m),
        other => other,
    })?;
    Ok(reply::ok(json!({"Attribute": render(cx, &found.attribute, false).await?})))
}

async fn delete<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let key = cx.arg(0, "attribute")?;
    let p = cx.params()?;
    let hard = flag(p.get("hard")) || cx.req.arg(1).is_some_and(|a| a == "1" || a == "true");
    cx.core().delete_attribute(&cx.actor, key, hard).await?;
    Ok(reply::ok(json!({"message": "Attribute deleted."})))
}

async fn restore<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let key = cx.arg(0, "attribute")?;
    let a = cx.core().restore_attribute(&cx.actor, key).await?;
    Ok(reply::ok(json!({"Attribute": render(cx, &a, false).await?})))
}

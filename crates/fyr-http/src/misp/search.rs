//! restSearch on events, attributes and objects in JSON, CSV and text.
//! Results are produced in chunks by a background task and streamed to the
//! client, so memory does not grow with the size of the result.

use super::{Cx, reply};
use crate::AppState;
use axum::body::Body;
use axum::http::Method;
use axum::response::Response;
use bytes::Bytes;
use fyr_core::events::DeletedView;
use fyr_core::search::{AttributePlan, EventPlan, RestSearch, ReturnFormat};
use fyr_core::{Actor, CoreError};
use fyr_misp::export::{CSV_FOOTER, CsvLayout, CsvRow};
use fyr_misp::output;
use fyr_store::*;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use tokio::sync::mpsc;

/// Events rendered per database round trip.
const EVENT_CHUNK: u64 = 50;
/// Attributes rendered per database round trip.
const ATTRIBUTE_CHUNK: u64 = 1000;

pub fn deleted_param(v: Option<&Value>) -> DeletedView {
    fyr_core::search::deleted_view(v)
}

fn parse<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<RestSearch, CoreError> {
    let p = cx.params()?;
    if cx.req.method == Method::GET && p.is_empty() && cx.req.args.is_empty() {
        return Err(CoreError::BadRequest("Either specify the search terms in the url, or POST a json with the filter parameters.".into()));
    }
    let mut p = p;
    // `/restSearch/<format>/…` puts the format in the first argument.
    if let Some(f) = cx.req.arg(0) {
        p.entry("returnFormat".to_string()).or_insert_with(|| Value::String(f.to_string()));
    }
    RestSearch::parse(&p, cx.core().now())
}

/// A streamed body fed by a producer task through a bounded channel.
fn stream_body<F, Fut>(produce: F) -> Body
where
    F: FnOnce(mpsc::Sender<Bytes>) -> Fut,
    Fut: std::future::Future<Output = Result<(), CoreError>> + Send + 'static,
{
    let (tx, rx) = mpsc::channel::<Bytes>(8);
    let fut = produce(tx);
    tokio::spawn(async move {
        if let Err(e) = fut.await {
            tracing::error!(error = %e, "restSearch stream aborted.");
        }
    });
    let stream = futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|b| (Ok::<Bytes, std::io::Error>(b), rx)) });
    Body::from_stream(stream)
}

async fn send(tx: &mpsc::Sender<Bytes>, s: String) -> Result<(), CoreError> {
    tx.send(Bytes::from(s)).await.map_err(|_| CoreError::Internal("client went away".into()))
}

fn content_type(f: ReturnFormat) -> &'static str {
    match f {
        ReturnFormat::Json => "application/json",
        ReturnFormat::Csv => "text/csv; charset=UTF-8",
        ReturnFormat::Text => "text/plain; charset=UTF-8",
    }
}

fn with_count(mut r: Response, count: u64) -> Response {
    if let Ok(h) = axum::http::HeaderValue::from_str(&count.to_string()) {
        r.headers_mut().insert("x-result-count", h);
    }
    r
}

/// Tag names (exportable) per attribute id and per event id.
struct TagNames {
    by_attribute: HashMap<i64, Vec<String>>,
    by_event: HashMap<i64, Vec<String>>,
}

async fn tag_names<S: Store>(store: &S, attribute_ids: &[i64], event_ids: &[i64]) -> Result<TagNames, CoreError> {
    let a_links = store.attribute_tags(attribute_ids).await?;
    let e_links = store.event_tags(event_ids).await?;
    let ids: Vec<i64> = a_links.iter().chain(e_links.iter()).map(|l| l.tag_id).collect::<HashSet<_>>().into_iter().collect();
    let tags: HashMap<i64, Tag> = store.tags_by_ids(&ids).await?.into_iter().filter(|t| t.exportable).map(|t| (t.id, t)).collect();
    let mut out = TagNames { by_attribute: HashMap::new(), by_event: HashMap::new() };
    for l in a_links {
        if let Some(t) = tags.get(&l.tag_id) {
            out.by_attribute.entry(l.target_id).or_default().push(t.name.clone());
        }
    }
    for l in e_links {
        if let Some(t) = tags.get(&l.tag_id) {
            out.by_event.entry(l.target_id).or_default().push(t.name.clone());
        }
    }
    Ok(out)
}

fn empty_result(scope: &str, format: ReturnFormat, layout: &CsvLayout) -> Response {
    let body = match format {
        ReturnFormat::Json if scope == "attributes" => json!({"response": {"Attribute": []}}).to_string(),
        ReturnFormat::Json => json!({"response": []}).to_string(),
        ReturnFormat::Csv => format!("{}{CSV_FOOTER}", layout.header()),
        ReturnFormat::Text => String::new(),
    };
    with_count(reply::text(content_type(format), Body::from(body)), 0)
}

/// `events/restSearch`.
pub async fn events<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let rs = parse(cx)?;
    let layout = CsvLayout::new(&rs.requested_attributes, rs.include_context, rs.headerless);
    let core = cx.core();
    let Some(plan) = core.plan_event_search(&cx.actor, &rs).await? else {
        return Ok(empty_result("events", rs.format, &layout));
    };
    let count = core.store.count_events(&plan.query).await?;
    let state = cx.state.clone();
    let actor = cx.actor.clone();
    let format = rs.format;
    let body = stream_body(move |tx| produce_events(state, actor, plan, format, layout, tx));
    Ok(with_count(reply::text(content_type(format), body), count))
}

async fn produce_events<S: Store + Clone>(
    state: AppState<S>,
    actor: Actor,
    plan: EventPlan,
    format: ReturnFormat,
    layout: CsvLayout,
    tx: mpsc::Sender<Bytes>,
) -> Result<(), CoreError> {
    let core = &state.core;
    match format {
        ReturnFormat::Json => send(&tx, "{\"response\": [".into()).await?,
        ReturnFormat::Csv => send(&tx, layout.header()).await?,
        ReturnFormat::Text => {}
    }
    let (mut offset, mut remaining) = match plan.query.page {
        Some(p) => (p.offset, p.limit),
        None => (0, u64::MAX),
    };
    let mut first = true;
    let mut seen_values: HashSet<String> = HashSet::new();
    while remaining > 0 {
        let limit = remaining.min(EVENT_CHUNK);
        let mut q = plan.query.clone();
        q.page = Some(Page { offset, limit });
        let events = core.store.search_events(&q).await?;
        let n = events.len() as u64;
        for e in &events {
            let view = core.event_view(&actor, e, &plan.view).await?;
            match format {
                ReturnFormat::Json => {
                    let mut s = if first { String::new() } else { ", ".to_string() };
                    first = false;
                    s.push_str(&crate::misp::events::render(&view, plan.view.metadata).to_string());
                    send(&tx, s).await?;
                }
                ReturnFormat::Csv => {
                    let tree = &view.tree;
                    let ids: Vec<i64> = tree.attributes.iter().map(|a| a.id).collect();
                    let names = tag_names(&core.store, &ids, &[e.id]).await?;
                    let objects: HashMap<i64, &Object> = tree.objects.iter().map(|o| (o.id, o)).collect();
                    let org = |id: i64| view.lookup.orgs.get(&id).map(|o| o.name.as_str()).unwrap_or("");
                    let no_tags: Vec<String> = Vec::new();
                    let event_tags = names.by_event.get(&e.id).unwrap_or(&no_tags);
                    let mut chunk = String::new();
                    // Attributes of the event first, then those in objects.
                    let ordered =
                        tree.attributes.iter().filter(|a| a.object_id == 0).chain(tree.attributes.iter().filter(|a| a.object_id != 0));
                    for a in ordered {
                        let row = CsvRow {
                            attribute: a,
                            event: e,
                            object: objects.get(&a.object_id).copied(),
                            attribute_tags: names.by_attribute.get(&a.id).unwrap_or(&no_tags),
                            event_tags,
                            org_name: org(e.org_id),
                            orgc_name: org(e.orgc_id),
                        };
                        chunk.push_str(&row.render(&layout));
                    }
                    send(&tx, chunk).await?;
                }
                ReturnFormat::Text => {
                    let mut chunk = String::new();
                    for a in &view.tree.attributes {
                        let v = a.value();
                        if seen_values.insert(v.clone()) {
                            chunk.push_str(&v);
                            chunk.push('\n');
                        }
                    }
                    send(&tx, chunk).await?;
                }
            }
        }
        if n < limit {
            break;
        }
        offset += n;
        remaining = remaining.saturating_sub(n);
    }
    match format {
        ReturnFormat::Json => send(&tx, "]}".into()).await?,
        ReturnFormat::Csv => send(&tx, CSV_FOOTER.into()).await?,
        ReturnFormat::Text => {}
    }
    Ok(())
}

/// `attributes/restSearch`.
pub async fn attributes<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let rs = parse(cx)?;
    let layout = CsvLayout::new(&rs.requested_attributes, rs.include_context, rs.headerless);
    let core = cx.core();
    let Some(plan) = core.plan_attribute_search(&cx.actor, &rs).await? else {
        return Ok(empty_result("attributes", rs.format, &layout));
    };
    let count = core.store.count_attributes(&plan.query).await?;
    let state = cx.state.clone();
    let format = rs.format;
    let body = stream_body(move |tx| produce_attributes(state, plan, format, layout, tx));
    Ok(with_count(reply::text(content_type(format), body), count))
}

async fn produce_attributes<S: Store + Clone>(
    state: AppState<S>,
    plan: AttributePlan,
    format: ReturnFormat,
    layout: CsvLayout,
    tx: mpsc::Sender<Bytes>,
) -> Result<(), CoreError> {
    let store = &state.core.store;
    match format {
        ReturnFormat::Json => send(&tx, "{\"response\": {\"Attribute\": [".into()).await?,
        ReturnFormat::Csv => send(&tx, layout.header()).await?,
        ReturnFormat::Text => {}
    }
    let (mut offset, mut remaining) = match plan.query.page {
        Some(p) => (p.offset, p.limit),
        None => (0, u64::MAX),
    };
    let mut after_id = 0;
    let mut first = true;
    let mut seen_values: HashSet<String> = HashSet::new();
    let mut events: HashMap<i64, Event> = HashMap::new();
    let mut orgs: HashMap<i64, Organisation> = HashMap::new();
    while remaining > 0 {
        let limit = remaining.min(ATTRIBUTE_CHUNK);
        let mut q = plan.query.clone();
        q.after_id = after_id;
        q.page = Some(Page { offset, limit });
        let attrs = store.search_attributes(&q).await?;
        let n = attrs.len() as u64;
        let Some(last) = attrs.last() else { break };
        after_id = last.id;
        offset = 0;
        // Context for this chunk: events, objects, tags, organisations.
        let missing: Vec<i64> =
            attrs.iter().map(|a| a.event_id).filter(|id| !events.contains_key(id)).collect::<HashSet<_>>().into_iter().collect();
        for e in store.events_by_ids(&missing).await? {
            events.insert(e.id, e);
        }
        let object_ids: Vec<i64> = attrs.iter().map(|a| a.object_id).filter(|id| *id != 0).collect::<HashSet<_>>().into_iter().collect();
        let objects: HashMap<i64, Object> = store.objects_by_ids(&object_ids).await?.into_iter().map(|o| (o.id, o)).collect();
        let attribute_ids: Vec<i64> = attrs.iter().map(|a| a.id).collect();
        let event_ids: Vec<i64> = attrs.iter().map(|a| a.event_id).collect::<HashSet<_>>().into_iter().collect();
        let mut chunk = String::new();
        match format {
            ReturnFormat::Json => {
                let a_links = store.attribute_tags(&attribute_ids).await?;
                let e_links = if plan.include_event_tags { store.event_tags(&event_ids).await? } else { Vec::new() };
                let tag_ids: Vec<i64> =
                    a_links.iter().chain(e_links.iter()).map(|l| l.tag_id).collect::<HashSet<_>>().into_iter().collect();
                let tags: HashMap<i64, Tag> =
                    store.tags_by_ids(&tag_ids).await?.into_iter().filter(|t| t.exportable).map(|t| (t.id, t)).collect();
                for a in &attrs {
                    let mut m = output::attribute_fields(a);
                    if let Some(e) = events.get(&a.event_id) {
                        m.insert("Event".into(), output::event_brief(e));
                    }
                    if let Some(o) = objects.get(&a.object_id) {
                        m.insert("Object".into(), json!({"id": output::s(o.id), "distribution": output::s(o.distribution), "sharing_group_id": output::s(o.sharing_group_id)}));
                    }
                    let mut tag_list: Vec<Value> = a_links
                        .iter()
                        .filter(|l| l.target_id == a.id)
                        .filter_map(|l| tags.get(&l.tag_id).map(|t| output::tag_on(t, l)))
                        .collect();
                    for l in e_links.iter().filter(|l| l.target_id == a.event_id) {
                        if let Some(t) = tags.get(&l.tag_id) {
                            let mut v = output::tag_on(t, l);
                            if let Value::Object(tm) = &mut v {
                                tm.insert("inherited".into(), json!(1));
                            }
                            tag_list.push(v);
                        }
                    }
                    if !tag_list.is_empty() {
                        m.insert("Tag".into(), Value::Array(tag_list));
                    }
                    if !first {
                        chunk.push_str(", ");
                    }
                    first = false;
                    chunk.push_str(&Value::Object(m).to_string());
                }
            }
            ReturnFormat::Csv => {
                let names = tag_names(store, &attribute_ids, &event_ids).await?;
                let org_ids: Vec<i64> = events
                    .values()
                    .flat_map(|e| [e.org_id, e.orgc_id])
                    .filter(|id| !orgs.contains_key(id))
                    .collect::<HashSet<_>>()
                    .into_iter()
                    .collect();
                for o in store.orgs_by_ids(&org_ids).await? {
                    orgs.insert(o.id, o);
                }
                let no_tags: Vec<String> = Vec::new();
                for a in &attrs {
                    let Some(e) = events.get(&a.event_id) else { continue };
                    let row = CsvRow {
                        attribute: a,
                        event: e,
                        object: objects.get(&a.object_id),
                        attribute_tags: names.by_attribute.get(&a.id).unwrap_or(&no_tags),
                        event_tags: names.by_event.get(&e.id).unwrap_or(&no_tags),
                        org_name: orgs.get(&e.org_id).map(|o| o.name.as_str()).unwrap_or(""),
                        orgc_name: orgs.get(&e.orgc_id).map(|o| o.name.as_str()).unwrap_or(""),
                    };
                    chunk.push_str(&row.render(&layout));
                }
            }
            ReturnFormat::Text => {
                for a in &attrs {
                    let v = a.value();
                    if seen_values.insert(v.clone()) {
                        chunk.push_str(&v);
                        chunk.push('\n');
                    }
                }
            }
        }
        send(&tx, chunk).await?;
        // Keep the event cache bounded on huge exports.
        if events.len() > 10_000 {
            events.clear();
        }
        if n < limit {
            break;
        }
        remaining = remaining.saturating_sub(n);
    }
    match format {
        ReturnFormat::Json => send(&tx, "]}}".into()).await?,
        ReturnFormat::Csv => send(&tx, CSV_FOOTER.into()).await?,
        ReturnFormat::Text => {}
    }
    Ok(())
}

/// `objects/restSearch` (JSON): objects with their event and attributes.
pub async fn objects<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let rs = parse(cx)?;
    if rs.format != ReturnFormat::Json {
        return Err(CoreError::invalid("returnFormat", "objects/restSearch supports json only"));
    }
    let core = cx.core();
    let Some(mut plan) = core.plan_attribute_search(&cx.actor, &rs).await? else {
        return Ok(with_count(reply::ok(json!({"response": []})), 0));
    };
    plan.query.attribute.in_object = Some(true);
    plan.query.page = None;
    // Objects with a matching, visible attribute; deleted objects are kept
    // (their deleted attributes are not), as in MISP.
    let mut object_ids: Vec<i64> = Vec::new();
    let mut after_id = 0;
    loop {
        let mut q = plan.query.clone();
        q.after_id = after_id;
        q.page = Some(Page { offset: 0, limit: ATTRIBUTE_CHUNK });
        let attrs = core.store.search_attributes(&q).await?;
        let Some(last) = attrs.last() else { break };
        after_id = last.id;
        for a in &attrs {
            if !object_ids.contains(&a.object_id) {
                object_ids.push(a.object_id);
            }
        }
        if (attrs.len() as u64) < ATTRIBUTE_CHUNK {
            break;
        }
    }
    object_ids.sort_unstable();
    let total = object_ids.len() as u64;
    if let Some(p) = rs.page {
        let start = usize::try_from(p.offset).unwrap_or(usize::MAX).min(object_ids.len());
        let end = start.saturating_add(usize::try_from(p.limit).unwrap_or(usize::MAX)).min(object_ids.len());
        object_ids = object_ids[start..end].to_vec();
    }
    let mut out = Vec::with_capacity(object_ids.len());
    for id in object_ids {
        let found = core.find_object(&cx.actor, &id.to_string()).await?;
        out.push(json!({"Object": crate::misp::objects::render(&found)}));
    }
    Ok(with_count(reply::ok(json!({"response": out})), total))
}

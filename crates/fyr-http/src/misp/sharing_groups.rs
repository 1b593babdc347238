//! `sharingGroups/*` and `sharing_groups/*` (both spellings reach here as
//! `sharing_groups`): add, edit, view (GET/HEAD), index, delete, addOrg,
//! removeOrg, addServer, removeServer.

use super::admin::{bool_param, int_param, require_write, text_param, text_param_any};
use super::{Cx, Handled, reply};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use fyr_core::CoreError;
use fyr_core::sharing_groups::{SgChanges, SgListing, SgOrgRef, SgQuery, SgServerRef, SgState};
use fyr_misp::de::{list, opt_bool, opt_i64, opt_string};
use fyr_misp::input::OrgRefIn;
use fyr_misp::output::{self, Lookup};
use fyr_store::*;
use serde::Deserialize;
use serde_json::{Map, Value, json};

pub async fn route<S: Store + Clone>(cx: &Cx<'_, S>) -> Handled {
    if cx.req.controller != "sharing_groups" {
        return None;
    }
    let r = match cx.req.action.as_str() {
        "add" => add(cx).await,
        "edit" => edit(cx).await,
        "view" => view(cx).await,
        "index" => index(cx).await,
        "delete" => delete(cx).await,
        "add_org" => add_org(cx).await,
        "remove_org" => remove_org(cx).await,
        "add_server" => add_server(cx).await,
        "remove_server" => remove_server(cx).await,
        _ => return None,
    };
    Some(r)
}

#[derive(Debug, Default, Deserialize)]
struct SgOrgBody {
    #[serde(default, deserialize_with = "opt_i64")]
    org_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    org_uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    extend: Option<bool>,
    #[serde(rename = "Organisation", default)]
    organisation: Option<OrgRefIn>,
}

#[derive(Debug, Default, Deserialize)]
struct SgServerBody {
    #[serde(default, deserialize_with = "opt_i64")]
    server_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_bool")]
    all_orgs: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
struct SgBody {
    #[serde(default, deserialize_with = "opt_string")]
    uuid: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    releasability: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    active: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    roaming: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    local: Option<bool>,
    #[serde(default, deserialize_with = "opt_string")]
    modified: Option<String>,
    #[serde(rename = "SharingGroupOrg", default, deserialize_with = "list")]
    orgs: Vec<SgOrgBody>,
    #[serde(rename = "SharingGroupServer", default, deserialize_with = "list")]
    servers: Vec<SgServerBody>,
    #[serde(rename = "SharingGroup", default)]
    inner: Option<Box<SgBody>>,
}

impl SgBody {
    /// The changes, from `{"SharingGroup": {…}, "SharingGroupOrg": […]}` or a bare body.
    fn changes(self) -> SgChanges {
        let (mut b, outer_orgs, outer_servers) = match self.inner {
            Some(inner) => (*inner, self.orgs, self.servers),
            None => (self, Vec::new(), Vec::new()),
        };
        if b.orgs.is_empty() {
            b.orgs = outer_orgs;
        }
        if b.servers.is_empty() {
            b.servers = outer_servers;
        }
        let orgs = b
            .orgs
            .into_iter()
            .map(|o| {
                let from_org = o.organisation.as_ref().and_then(|r| {
                    r.uuid.clone().filter(|u| !u.is_empty()).or_else(|| r.id.map(|i| i.to_string())).or_else(|| r.name.clone())
                });
                let org = o.org_uuid.or(from_org).or_else(|| o.org_id.map(|i| i.to_string())).unwrap_or_default();
                SgOrgRef { org, extend: o.extend.unwrap_or(false) }
            })
            .collect();
        let servers = b
            .servers
            .into_iter()
            .map(|s| SgServerRef { server_id: s.server_id.unwrap_or(0), all_orgs: s.all_orgs.unwrap_or(false) })
            .collect();
        SgChanges {
            uuid: b.uuid,
            name: b.name,
            releasability: b.releasability,
            description: b.description,
            active: b.active,
            roaming: b.roaming,
            local: b.local,
            modified: b.modified,
            orgs,
            servers,
        }
    }
}

/// The parts of a sharing group as MISP returns them: the group's own row,
/// its member organisations and its servers (server 0 is this instance).
fn parts(sg: &SharingGroup, lookup: &Lookup, baseurl: &str) -> (Map<String, Value>, Value, Value) {
    let mut row = match output::sharing_group(sg, lookup) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    row.remove("Organisation");
    let orgs = row.remove("SharingGroupOrg").unwrap_or(Value::Array(Vec::new()));
    let mut servers = row.remove("SharingGroupServer").unwrap_or(Value::Array(Vec::new()));
    if let Value::Array(list) = &mut servers {
        for s in list.iter_mut() {
            if let Some(Value::Object(server)) = s.get_mut("Server")
                && server.get("id") == Some(&Value::String("0".into()))
            {
                let url = if baseurl.is_empty() { Value::Null } else { Value::String(baseurl.to_string()) };
                server.insert("url".into(), url);
            }
        }
    }
    (row, orgs, servers)
}

/// `add` and `edit` answers: the group, its members and the owner organisation (brief).
async fn render_simple<S: Store + Clone>(cx: &Cx<'_, S>, sg: &SharingGroup) -> Result<Value, CoreError> {
    let core = cx.core();
    let lookup = core.sharing_group_lookup(std::slice::from_ref(sg)).await?;
    let baseurl = core.settings().await?.baseurl;
    let (row, orgs, servers) = parts(sg, &lookup, &baseurl);
    let owner = lookup.orgs.get(&sg.org_id);
    Ok(json!({
        "SharingGroup": row,
        "SharingGroupOrg": orgs,
        "SharingGroupServer": servers,
        "Organisation": match owner {
            Some(o) => json!({"id": output::s(o.id), "name": o.name, "uuid": o.uuid.to_string()}),
            None => json!({"id": output::s(sg.org_id), "name": "", "uuid": ""}),
        },
    }))
}

async fn add<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let body: SgBody = cx.body()?;
    let sg = cx.core().add_sharing_group(&cx.actor, body.changes()).await?;
    Ok(reply::ok(render_simple(cx, &sg).await?))
}

async fn edit<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let key = cx.arg(0, "sharing group")?;
    let body: SgBody = cx.body()?;
    let sg = cx.core().edit_sharing_group(&cx.actor, key, body.changes()).await?;
    Ok(reply::ok(render_simple(cx, &sg).await?))
}

async fn view<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let key = cx.req.arg(0).unwrap_or("");
    let core = cx.core();
    let sg = core.find_sharing_group(&cx.actor, key).await?;
    if cx.req.method == Method::HEAD {
        return Ok(reply::empty(StatusCode::OK));
    }
    let lookup = core.sharing_group_lookup(std::slice::from_ref(&sg)).await?;
    let baseurl = core.settings().await?.baseurl;
    let (row, orgs, servers) = parts(&sg, &lookup, &baseurl);
    let owner = match lookup.orgs.get(&sg.org_id) {
        Some(o) => output::organisation(o),
        None => output::org_brief(None, sg.org_id),
    };
    Ok(reply::ok(json!({"SharingGroup": row, "Organisation": owner, "SharingGroupOrg": orgs, "SharingGroupServer": servers})))
}

fn index_row(l: &SgListing, lookup: &Lookup, baseurl: &str) -> Value {
    let g = &l.group;
    let (_, orgs, servers) = parts(g, lookup, baseurl);
    let owner = match lookup.orgs.get(&g.org_id) {
        Some(o) => json!({"id": output::s(o.id), "name": o.name, "uuid": o.uuid.to_string()}),
        None => json!({"id": output::s(g.org_id), "name": "", "uuid": ""}),
    };
    json!({
        "SharingGroup": {
            "id": output::s(g.id),
            "uuid": g.uuid.to_string(),
            "name": g.name,
            "description": g.description,
            "releasability": g.releasability,
            "local": g.local,
            "active": g.active,
            "roaming": g.roaming,
            "org_count": output::s(g.orgs.len() as i64),
        },
        "Organisation": owner,
        "SharingGroupOrg": orgs,
        "SharingGroupServer": servers,
        "editable": l.editable,
        "deletable": l.deletable,
    })
}

async fn index<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    let p = cx.params()?;
    let state = match cx.req.arg(0) {
        Some("true") | Some("1") => SgState::Inactive,
        _ => SgState::Active,
    };
    let search = text_param_any(&p, &["value", "searchall", "quickFilter"])?;
    let org_id = int_param(&p, "searchorg")?;
    let core = cx.core();
    let (list, lookup) = core.list_sharing_groups(&cx.actor, &SgQuery { state, search, org_id }).await?;
    let baseurl = core.settings().await?.baseurl;
    let rows: Vec<Value> = list.iter().map(|l| index_row(l, &lookup, &baseurl)).collect();
    Ok(reply::ok_counted(json!({"response": rows}), list.len() as u64))
}

async fn delete<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let key = cx.arg(0, "sharing group")?;
    let sg = cx.core().delete_sharing_group(&cx.actor, key).await?;
    Ok(reply::saved("SharingGroup deleted", &format!("/sharing_groups/delete/{}", sg.id), Some(output::s(sg.id))))
}

/// The sharing group of a member change: body `sg_id` (or `sg_uuid`, `id`,
/// `uuid`) or the first URL argument.
fn sg_param(p: &Map<String, Value>, args: &[String]) -> Result<String, CoreError> {
    match text_param_any(p, &["sg_id", "sg_uuid", "id", "uuid"])? {
        Some(v) => Ok(v),
        None => args.first().cloned().ok_or_else(|| CoreError::invalid("sg_id", "Mandatory field not set.")),
    }
}

async fn add_org<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let p = cx.params()?;
    let sg = sg_param(&p, &cx.req.args)?;
    let org = match text_param_any(&p, &["org_id", "org_uuid", "org_name"])? {
        Some(o) => o,
        None => cx.req.args.get(1).cloned().ok_or_else(|| CoreError::invalid("org_id", "Mandatory field not set."))?,
    };
    let extend = bool_param(&p, "extend")?.unwrap_or(false);
    let done = cx.core().sharing_group_add_org(&cx.actor, &sg, &org, extend).await;
    member_reply(done, "Organisation added to the sharing group.", "Could not add Organisation to SharingGroup", "/sharing_groups/addOrg")
}

async fn remove_org<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let p = cx.params()?;
    let sg = sg_param(&p, &cx.req.args)?;
    let org = match text_param_any(&p, &["org_id", "org_uuid", "org_name"])? {
        Some(o) => o,
        None => cx.req.args.get(1).cloned().ok_or_else(|| CoreError::invalid("org_id", "Mandatory field not set."))?,
    };
    let done = cx.core().sharing_group_remove_org(&cx.actor, &sg, &org).await;
    member_reply(
        done,
        "Organisation removed from the sharing group.",
        "Could not remove Organisation from SharingGroup",
        "/sharing_groups/removeOrg",
    )
}

/// The answer to a member change. MISP names a refusal after what was
/// attempted (`Could not add Organisation to SharingGroup`), not after the action.
fn member_reply(done: Result<SharingGroup, CoreError>, ok: &str, failed: &str, url: &str) -> Result<Response, CoreError> {
    match done {
        Ok(_) => Ok(reply::saved(ok, url, None)),
        Err(CoreError::Refused(m)) => Ok(reply::json_with(
            StatusCode::FORBIDDEN,
            &json!({"saved": false, "name": failed, "message": failed, "url": url, "errors": m}),
        )),
        Err(e) => Err(e),
    }
}

/// The server of a member change; only ids are understood (fyr has no
/// server connections yet, so names and URLs cannot be resolved).
fn server_param(p: &Map<String, Value>, args: &[String]) -> Result<i64, CoreError> {
    let raw = match text_param(p, "server_id")? {
        Some(v) => v,
        None => args.get(1).cloned().ok_or_else(|| CoreError::invalid("server_id", "Mandatory field not set."))?,
    };
    raw.trim().parse::<i64>().map_err(|_| CoreError::invalid("server_id", format!("Invalid server {raw:?}: expected a server id.")))
}

async fn add_server<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let p = cx.params()?;
    let sg = sg_param(&p, &cx.req.args)?;
    let server = server_param(&p, &cx.req.args)?;
    let all_orgs = bool_param(&p, "all_orgs")?.unwrap_or(false);
    cx.core().sharing_group_add_server(&cx.actor, &sg, server, all_orgs).await?;
    Ok(reply::saved("Server added to the sharing group.", "/sharing_groups/addServer", None))
}

async fn remove_server<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<Response, CoreError> {
    require_write(cx)?;
    let p = cx.params()?;
    let sg = sg_param(&p, &cx.req.args)?;
    let server = server_param(&p, &cx.req.args)?;
    cx.core().sharing_group_remove_server(&cx.actor, &sg, server).await?;
    Ok(reply::saved("Server removed from the sharing group.", "/sharing_groups/removeServer", None))
}

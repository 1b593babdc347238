//! Connector start-up and server meta: `servers/getVersion`,
//! `servers/getPyMISPVersion`, `users/view/me`, `attributes/describeTypes`,
//! `servers/serverSettingsEdit`, `servers/getSetting`, `servers/postTest`.

use super::{Cx, Handled, reply};
use fyr_core::CoreError;
use fyr_core::roles::{PERMS, permission_description, permission_level};
use fyr_core::settings::{coerce, kind_of};
use fyr_misp::output;
use fyr_store::*;
use serde_json::{Value, json};

/// The MISP version whose API fyr follows; MISP peers and PyMISP compare it.
pub const MISP_VERSION: &str = "2.5.1";
/// The PyMISP version fyr is tested against.
pub const PYMISP_VERSION: &str = "2.5.34";

pub async fn route<S: Store + Clone>(cx: &Cx<'_, S>) -> Handled {
    let r = match (cx.req.controller.as_str(), cx.req.action.as_str()) {
        ("servers", "get_version") => get_version(cx).await,
        ("servers", "get_py_misp_version") => Ok(reply::ok(json!({"version": PYMISP_VERSION}))),
        ("servers", "post_test") => post_test(cx),
        ("servers", "server_settings_edit") => settings_edit(cx).await,
        ("servers", "get_setting") => get_setting(cx).await,
        ("users", "view") if !cx.req.admin => view_user(cx).await,
        ("attributes", "describe_types") => Ok(reply::ok(json!({"result": fyr_model::describe_types()}))),
        _ => return None,
    };
    Some(r)
}

async fn get_version<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<axum::response::Response, CoreError> {
    let a = &cx.actor;
    let uuid = if a.perm("perm_sync") { a.org.uuid.to_string() } else { "-".to_string() };
    Ok(reply::ok(json!({
        "version": MISP_VERSION,
        "pymisp_recommended_version": PYMISP_VERSION,
        "perm_sync": a.perm("perm_sync"),
        "perm_sighting": a.perm("perm_sighting"),
        "perm_galaxy_editor": a.perm("perm_galaxy_editor"),
        "perm_analyst_data": a.perm("perm_analyst_data"),
        "uuid": uuid,
        "request_encoding": ["gzip"],
        "filter_sightings": true,
    })))
}

fn post_test<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<axum::response::Response, CoreError> {
    let p = cx.params()?;
    Ok(reply::ok(json!({
        "body": {"testString": p.get("testString").cloned().unwrap_or(Value::Null)},
        "headers": {"Accept": "application/json", "Content-type": "application/json"},
    })))
}

async fn settings_edit<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<axum::response::Response, CoreError> {
    cx.actor.require("perm_site_admin")?;
    let name = cx.arg(0, "setting")?.to_string();
    let kind = kind_of(&name).ok_or_else(|| CoreError::NotFound(format!("Invalid setting {name:?}.")))?;
    let p = cx.params()?;
    let raw = p.get("value").ok_or_else(|| CoreError::invalid("value", "is required"))?;
    let value = coerce(kind, raw).ok_or_else(|| CoreError::invalid("value", format!("{raw} is not a valid value for {name}")))?;
    let core = cx.core();
    let audit = cx.actor.audit(core.now(), "edit", "Setting", 0, format!("Setting {name} changed to {value}"));
    core.store.set_setting(&name, &value, &audit).await?;
    Ok(reply::saved("Field updated", "/servers/serverSettingsEdit", None))
}

async fn get_setting<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<axum::response::Response, CoreError> {
    cx.actor.require("perm_site_admin")?;
    let name = cx.arg(0, "setting")?.to_string();
    let kind = kind_of(&name).ok_or_else(|| CoreError::NotFound(format!("Invalid setting {name:?}.")))?;
    let stored = cx.core().store.setting(&name).await?;
    let value = match stored {
        Some(v) => v,
        None => fyr_core::settings::KNOWN
            .iter()
            .find(|(n, _, _)| *n == name)
            .and_then(|(_, k, d)| coerce(*k, &Value::String(d.to_string())))
            .unwrap_or(Value::Null),
    };
    let type_name = match kind {
        fyr_core::settings::SettingKind::Text => "string",
        fyr_core::settings::SettingKind::Int => "numeric",
        fyr_core::settings::SettingKind::Bool => "boolean",
    };
    Ok(reply::ok(json!({"setting": name, "value": value, "type": type_name})))
}

async fn view_user<S: Store + Clone>(cx: &Cx<'_, S>) -> Result<axum::response::Response, CoreError> {
    let not_found = || CoreError::NotFound("Invalid user or not authorised.".into());
    let which = cx.arg(0, "user or not authorised.")?;
    let core = cx.core();
    let user = if which == "me" {
        cx.actor.user.clone()
    } else {
        let id: i64 = which.parse().map_err(|_| not_found())?;
        let u = core.store.user(id).await?.ok_or_else(not_found)?;
        let allowed = cx.actor.site_admin() || u.id == cx.actor.user.id || (cx.actor.perm("perm_admin") && u.org_id == cx.actor.org.id);
        if !allowed {
            return Err(not_found());
        }
        u
    };
    let role = core.store.role(user.role_id).await?.ok_or_else(not_found)?;
    let org = core.store.org(user.org_id).await?.ok_or_else(not_found)?;
    let settings = core.settings().await?;
    let level = permission_level(&role.perms);
    Ok(reply::ok(json!({
        "User": output::user(&user),
        "Role": output::role(&role, settings.default_role, PERMS, level, permission_description(level)),
        "UserSetting": [],
        "Organisation": output::organisation(&org),
    })))
}

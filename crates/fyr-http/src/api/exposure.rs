//! `/api/v1/exposure/…`: assets, sources, imports, findings, settings,
//! contacts, suppressions, the ignore list and the CERT's views; plus the
//! preferences and unsubscribe links of notifications (`/exposure/…`),
//! which work without signing in. Documented in docs/EXPOSURE.md.

use super::{ApiBody, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, Authed};
use crate::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use fyr_core::CoreError;
use fyr_core::exposure::assets::{AssetRequest, dns_txt_value};
use fyr_core::exposure::findings::FindingQuery;
use fyr_core::exposure::ingest::ImportRequest;
use fyr_core::exposure::settings::{ContactRequest, SettingsRequest, SuppressionRequest};
use fyr_core::exposure::severity_of_level;
use fyr_core::exposure::sources::SourceRequest;
use fyr_formats::exposure::Severity;
use fyr_store::*;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The routes, to be nested under `/api/v1/exposure`.
pub fn routes<S: Store + Clone>() -> Router<AppState<S>> {
    Router::new()
        .route("/assets", get(assets_list::<S>).post(assets_add::<S>))
        .route("/assets/import", post(assets_import::<S>))
        .route("/assets/{id}", get(asset_get::<S>).delete(asset_delete::<S>))
        .route("/assets/{id}/approve", post(asset_approve::<S>))
        .route("/assets/{id}/reject", post(asset_reject::<S>))
        .route("/assets/{id}/verify", post(asset_verify::<S>))
        .route("/overlaps", get(overlaps::<S>))
        .route("/sources", get(sources_list::<S>).post(source_add::<S>))
        .route("/sources/{name}", get(source_get::<S>).patch(source_edit::<S>).delete(source_delete::<S>))
        .route("/sources/{name}/imports", post(import_upload::<S>))
        .route("/imports", get(imports_list::<S>))
        .route("/imports/{id}", get(import_get::<S>))
        .route("/findings", get(findings_list::<S>))
        .route("/findings/{id}", get(finding_get::<S>))
        .route("/settings", get(settings_get::<S>).put(settings_put::<S>))
        .route("/contacts", get(contacts_list::<S>).post(contact_add::<S>))
        .route("/contacts/{id}", axum::routing::patch(contact_edit::<S>).delete(contact_delete::<S>))
        .route("/suppressions", get(suppressions_list::<S>).post(suppression_add::<S>))
        .route("/suppressions/{id}", axum::routing::delete(suppression_delete::<S>))
        .route("/ignore", get(ignore_list::<S>).post(ignore_add::<S>))
        .route("/ignore/{id}", axum::routing::delete(ignore_delete::<S>))
        .route("/stats", get(stats::<S>))
        .route("/unmatched", get(unmatched::<S>))
        .route("/deliveries", get(deliveries::<S>))
        .fallback(super::not_found)
        .method_not_allowed_fallback(super::wrong_method)
}

/// The links in notifications, to be nested under `/exposure`.
pub fn public_routes<S: Store + Clone>() -> Router<AppState<S>> {
    Router::new()
        .route("/preferences/{token}", get(preferences::<S>))
        .route("/unsubscribe/{token}", get(unsubscribe_page::<S>).post(unsubscribe::<S>))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgParam {
    org_id: Option<i64>,
}

fn asset_json(a: &Asset) -> Value {
    let mut v = json!({
        "id": a.id, "org_id": a.org_id, "kind": a.kind, "value": a.value, "status": a.status,
        "verified_by": a.verified_by, "verified_at": a.verified_at, "registered_by": a.registered_by,
        "valid_from": a.valid_from, "valid_until": a.valid_until, "comment": a.comment,
        "created": a.created, "modified": a.modified,
    });
    if a.kind == "domain" && a.status != "approved" {
        v["dns_verification"] = json!({
            "record": format!("_fyr-verification.{}", a.value),
            "type": "TXT",
            "value": dns_txt_value(&a.dns_token),
        });
    }
    v
}

fn ok<T: serde::Serialize>(v: T) -> Response {
    axum::Json(v).into_response()
}

fn created(v: Value) -> Response {
    (StatusCode::CREATED, axum::Json(v)).into_response()
}

async fn assets_list<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiQuery(q): ApiQuery<OrgParam>,
) -> ApiResult<Response> {
    let list = st.core.list_assets(&a, q.org_id).await?;
    Ok(ok(list.iter().map(asset_json).collect::<Vec<_>>()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AssetBody {
    kind: String,
    value: String,
    #[serde(default)]
    valid_until: i64,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    org_id: Option<i64>,
}

async fn assets_add<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiJson(b): ApiJson<AssetBody>,
) -> ApiResult<Response> {
    let req = AssetRequest { kind: b.kind, value: b.value, valid_until: b.valid_until, comment: b.comment };
    let asset = st.core.register_asset(&a, b.org_id, &req).await?;
    Ok(created(asset_json(&asset)))
}

async fn assets_import<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiQuery(q): ApiQuery<OrgParam>,
    ApiBody(body): ApiBody,
) -> ApiResult<Response> {
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::Core(CoreError::BadRequest("The CSV must be UTF-8 text.".into())))?;
    let r = st.core.import_assets_csv(&a, q.org_id, text).await?;
    let status = if r.created.is_empty() && !r.errors.is_empty() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let body = json!({
        "created": r.created.iter().map(asset_json).collect::<Vec<_>>(),
        "errors": r.errors.iter().map(|(line, m)| json!({"line": line, "message": m})).collect::<Vec<_>>(),
    });
    Ok((status, axum::Json(body)).into_response())
}

async fn asset_get<S: Store + Clone>(State(st): State<AppState<S>>, Authed(a): Authed, ApiPath(id): ApiPath<i64>) -> ApiResult<Response> {
    Ok(ok(asset_json(&st.core.find_asset(&a, id).await?)))
}

async fn asset_delete<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let asset = st.core.delete_asset(&a, id).await?;
    Ok(ok(json!({"deleted": asset_json(&asset)})))
}

async fn asset_approve<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    Ok(ok(asset_json(&st.core.review_asset(&a, id, true).await?)))
}

async fn asset_reject<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    Ok(ok(asset_json(&st.core.review_asset(&a, id, false).await?)))
}

/// Looks up the domain's TXT records (at `_fyr-verification.<domain>` and
/// the domain itself) and approves it if the token is there.
async fn asset_verify<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    // Permission and state first: no DNS look-up for a caller who may not verify.
    let asset = st.core.domain_to_verify(&a, id).await?;
    let mut records = Vec::new();
    for name in [format!("_fyr-verification.{}.", asset.value), format!("{}.", asset.value)] {
        records.extend(crate::dns::txt(&st.config, &name).await);
    }
    Ok(ok(asset_json(&st.core.verify_domain_asset(&a, id, &records).await?)))
}

async fn overlaps<S: Store + Clone>(State(st): State<AppState<S>>, Authed(a): Authed) -> ApiResult<Response> {
    let list = st.core.asset_overlaps(&a).await?;
    let show = |asset: &fyr_exposure::Asset| match asset {
        fyr_exposure::Asset::Cidr(n) => json!({"kind": "cidr", "value": n.to_string()}),
        fyr_exposure::Asset::Asn(n) => json!({"kind": "asn", "value": n.get().to_string()}),
        fyr_exposure::Asset::Domain(d) => json!({"kind": "domain", "value": d.as_str()}),
    };
    Ok(ok(list
        .iter()
        .map(|o| json!({"outer_org_id": o.outer_org.0, "outer": show(&o.outer), "inner_org_id": o.inner_org.0, "inner": show(&o.inner)}))
        .collect::<Vec<_>>()))
}

fn source_json(s: &Source) -> Value {
    json!({
        "id": s.id, "name": s.name, "provider": s.provider, "format": s.format, "tlp": s.tlp,
        "default_severity": s.default_severity, "website_content": s.website_content,
        "mapping": serde_json::from_str::<Value>(&s.mapping).unwrap_or(Value::Null),
        "enabled": s.enabled, "created": s.created, "modified": s.modified,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceBody {
    name: Option<String>,
    provider: Option<String>,
    format: Option<String>,
    tlp: Option<String>,
    default_severity: Option<String>,
    website_content: Option<bool>,
    mapping: Option<Value>,
    enabled: Option<bool>,
}

impl From<SourceBody> for SourceRequest {
    fn from(b: SourceBody) -> SourceRequest {
        SourceRequest {
            name: b.name,
            provider: b.provider,
            format: b.format,
            tlp: b.tlp,
            default_severity: b.default_severity,
            website_content: b.website_content,
            mapping: b.mapping,
            enabled: b.enabled,
        }
    }
}

async fn sources_list<S: Store + Clone>(State(st): State<AppState<S>>, Authed(a): Authed) -> ApiResult<Response> {
    Ok(ok(st.core.list_sources(&a).await?.iter().map(source_json).collect::<Vec<_>>()))
}

async fn source_add<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiJson(b): ApiJson<SourceBody>,
) -> ApiResult<Response> {
    Ok(created(source_json(&st.core.create_source(&a, &b.into()).await?)))
}

async fn source_get<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Response> {
    st.core.require_cert(&a).await?;
    Ok(ok(source_json(&st.core.find_source(&name).await?)))
}

async fn source_edit<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiPath(name): ApiPath<String>,
    ApiJson(b): ApiJson<SourceBody>,
) -> ApiResult<Response> {
    Ok(ok(source_json(&st.core.update_source(&a, &name, &b.into()).await?)))
}

async fn source_delete<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Response> {
    let s = st.core.delete_source(&a, &name).await?;
    Ok(ok(json!({"deleted": source_json(&s)})))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadParams {
    filename: Option<String>,
    report_type: Option<String>,
}

/// A request body as a blocking reader (for the parser thread), capped at
/// `limit` bytes: beyond it reading fails, the import stops there and says
/// so, and `over` is set.
fn body_reader(body: Body, limit: u64, over: Arc<AtomicBool>) -> Box<dyn std::io::Read + Send> {
    use futures::TryStreamExt;
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    let reader = tokio_util::io::StreamReader::new(stream);
    let bridge = tokio_util::io::SyncIoBridge::new(reader);
    Box::new(Capped { inner: bridge, left: limit, limit, over })
}

struct Capped<R> {
    inner: R,
    left: u64,
    limit: u64,
    over: Arc<AtomicBool>,
}

impl<R: std::io::Read> std::io::Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // One more byte would be over the limit: find out whether there is one.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => {
                    self.over.store(true, Ordering::Relaxed);
                    Err(std::io::Error::other(format!("the file is larger than the import limit of {} bytes", self.limit)))
                }
            };
        }
        let cap = usize::try_from(self.left).unwrap_or(usize::MAX).min(buf.len());
        let n = self.inner.read(&mut buf[..cap])?;
        self.left -= n as u64;
        Ok(n)
    }
}

fn file_too_large(limit: u64) -> String {
    format!("The file is larger than the import limit of {limit} bytes.")
}

/// Uploads one report file into a source. The body is the file itself,
/// streamed (not buffered) into the import, up to `max_import` bytes: a
/// larger `Content-Length` is refused before anything is read or recorded;
/// a body that turns out larger while streaming stops the import there
/// and is answered with a 413 too.
async fn import_upload<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<UploadParams>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let limit = st.config.max_import;
    if super::declared_length(&headers).is_some_and(|n| n > limit) {
        return Err(ApiError::TooLarge(file_too_large(limit)));
    }
    let req = ImportRequest { source: name, filename: q.filename.unwrap_or_default(), report_type: q.report_type, via: "api".into() };
    let job = st.core.begin_import(Some(&a), &req).await?;
    let over = Arc::new(AtomicBool::new(false));
    let reader = body_reader(body, limit, over.clone());
    let import = fyr_workers::ingest::run_import(&st.core, job, reader).await?;
    if over.load(Ordering::Relaxed) {
        // The import is recorded as failed: the rows read are kept, and
        // nothing is resolved, since the rest of the file is unknown.
        return Err(ApiError::TooLarge(format!(
            "{} Reading stopped there; import {} records what was read (status {}).",
            file_too_large(limit),
            import.id,
            import.status
        )));
    }
    let status = if import.status == "done" { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, axum::Json(fyr_workers::inbox::import_report(&import))).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportsParams {
    source: Option<String>,
    limit: Option<u64>,
}

async fn imports_list<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiQuery(q): ApiQuery<ImportsParams>,
) -> ApiResult<Response> {
    let list = st.core.list_imports(&a, q.source.as_deref(), q.limit.unwrap_or(100)).await?;
    Ok(ok(list.iter().map(fyr_workers::inbox::import_report).collect::<Vec<_>>()))
}

async fn import_get<S: Store + Clone>(State(st): State<AppState<S>>, Authed(a): Authed, ApiPath(id): ApiPath<i64>) -> ApiResult<Response> {
    Ok(ok(fyr_workers::inbox::import_report(&st.core.get_import(&a, id).await?)))
}

/// A finding as the API shows it.
pub fn finding_json(f: &Finding, source_name: &str) -> Value {
    json!({
        "id": f.id, "org_id": f.org_id, "source": source_name, "kind": f.kind, "asset": f.asset,
        "ip": if f.ip.is_empty() { Value::Null } else { json!(f.ip) },
        "port": if f.port == 0 { Value::Null } else { json!(f.port) },
        "protocol": if f.protocol.is_empty() { Value::Null } else { json!(f.protocol) },
        "hostname": if f.hostname.is_empty() { Value::Null } else { json!(f.hostname) },
        "asn": if f.asn == 0 { Value::Null } else { json!(f.asn) },
        "severity": severity_of_level(f.severity).to_string(),
        "state": f.state, "first_seen": f.first_seen, "last_seen": f.last_seen, "count": f.seen_count,
        "resolved_at": if f.resolved_at == 0 { Value::Null } else { json!(f.resolved_at) },
        "details": serde_json::from_str::<Value>(&f.details).unwrap_or(Value::Null),
        "notified_at": if f.notified_at == 0 { Value::Null } else { json!(f.notified_at) },
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FindingParams {
    org_id: Option<i64>,
    source: Option<String>,
    kind: Option<String>,
    /// Comma-separated states.
    state: Option<String>,
    /// The lowest severity (info … critical).
    severity: Option<String>,
    since: Option<i64>,
    after_id: Option<i64>,
    limit: Option<u64>,
    /// `json` (default) or `csv`.
    format: Option<String>,
}

async fn findings_list<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiQuery(p): ApiQuery<FindingParams>,
) -> ApiResult<Response> {
    let min_severity = match p.severity.as_deref() {
        Some(s) => Some(Severity::parse(s).map(fyr_core::exposure::severity_level).ok_or_else(|| {
            ApiError::Core(CoreError::invalid("severity", format!("{s:?} is not a severity (info, low, medium, high, critical)")))
        })?),
        None => None,
    };
    let q = FindingQuery {
        org_id: p.org_id,
        source: p.source,
        kind: p.kind,
        states: p.state.map(|s| s.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()).unwrap_or_default(),
        min_severity,
        since: p.since,
        after_id: p.after_id.unwrap_or(0),
        limit: p.limit.unwrap_or(1000),
    };
    let (list, total) = st.core.list_findings(&a, &q).await?;
    let sources: std::collections::HashMap<i64, String> = st.core.store.sources().await?.into_iter().map(|s| (s.id, s.name)).collect();
    let name = |id: i64| sources.get(&id).map(String::as_str).unwrap_or("");
    let count = HeaderValue::from_str(&total.to_string()).unwrap_or(HeaderValue::from_static("0"));
    match p.format.as_deref().unwrap_or("json") {
        "json" => {
            let mut r = ok(list.iter().map(|f| finding_json(f, name(f.source_id))).collect::<Vec<_>>());
            r.headers_mut().insert("x-result-count", count);
            Ok(r)
        }
        "csv" => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let header = [
                "id",
                "source",
                "kind",
                "asset",
                "ip",
                "port",
                "protocol",
                "hostname",
                "asn",
                "severity",
                "state",
                "first_seen",
                "last_seen",
                "count",
            ];
            w.write_record(header).map_err(|e| ApiError::Core(CoreError::Internal(e.to_string())))?;
            for f in &list {
                let row = [
                    f.id.to_string(),
                    name(f.source_id).to_string(),
                    f.kind.clone(),
                    f.asset.clone(),
                    f.ip.clone(),
                    if f.port == 0 { String::new() } else { f.port.to_string() },
                    f.protocol.clone(),
                    f.hostname.clone(),
                    if f.asn == 0 { String::new() } else { f.asn.to_string() },
                    severity_of_level(f.severity).to_string(),
                    f.state.clone(),
                    f.first_seen.to_string(),
                    f.last_seen.to_string(),
                    f.seen_count.to_string(),
                ];
                w.write_record(row.iter().map(|c| fyr_exposure::notice::neutralise_formula(c).into_owned()))
                    .map_err(|e| ApiError::Core(CoreError::Internal(e.to_string())))?;
            }
            let bytes = w.into_inner().map_err(|e| ApiError::Core(CoreError::Internal(e.to_string())))?;
            let mut r = Response::new(Body::from(bytes));
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
            r.headers_mut().insert("x-result-count", count);
            Ok(r)
        }
        other => Err(ApiError::Core(CoreError::invalid("format", format!("{other:?} is not a format (json or csv)")))),
    }
}

async fn finding_get<S: Store + Clone>(State(st): State<AppState<S>>, Authed(a): Authed, ApiPath(id): ApiPath<i64>) -> ApiResult<Response> {
    let f = st.core.get_finding(&a, id).await?;
    let source = st.core.store.source(f.source_id).await?.map(|s| s.name).unwrap_or_default();
    Ok(ok(finding_json(&f, &source)))
}

fn settings_json(s: &ExposureOrgSettings) -> Value {
    json!({
        "org_id": s.org_id,
        "language": s.language,
        "digest_time": format!("{:02}:{:02}", s.digest_minute / 60, s.digest_minute % 60),
        "critical_immediately": s.critical_immediately,
        "notify_covered_customers": s.notify_covered_customers,
        "last_digest_at": s.last_digest_at,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsBody {
    language: Option<String>,
    digest_time: Option<String>,
    critical_immediately: Option<bool>,
    notify_covered_customers: Option<bool>,
}

async fn settings_get<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiQuery(q): ApiQuery<OrgParam>,
) -> ApiResult<Response> {
    Ok(ok(settings_json(&st.core.exposure_settings_of(&a, q.org_id).await?)))
}

async fn settings_put<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiQuery(q): ApiQuery<OrgParam>,
    ApiJson(b): ApiJson<SettingsBody>,
) -> ApiResult<Response> {
    let r = SettingsRequest {
        language: b.language,
        digest_time: b.digest_time,
        critical_immediately: b.critical_immediately,
        notify_covered_customers: b.notify_covered_customers,
    };
    Ok(ok(settings_json(&st.core.change_exposure_settings(&a, q.org_id, &r).await?)))
}

fn contact_json(c: &Contact, show_secret: bool) -> Value {
    let mut v = json!({
        "id": c.id, "org_id": c.org_id, "channel": c.channel, "address": c.address, "language": c.language,
        "enabled": c.enabled, "failures": c.failures, "last_error": c.last_error, "created": c.created,
    });
    if show_secret && c.channel == "webhook" {
        v["secret"] = json!(c.secret);
    }
    v
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactBody {
    channel: String,
    address: String,
    language: Option<String>,
    secret: Option<String>,
    org_id: Option<i64>,
}

async fn contacts_list<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiQuery(q): ApiQuery<OrgParam>,
) -> ApiResult<Response> {
    Ok(ok(st.core.list_contacts(&a, q.org_id).await?.iter().map(|c| contact_json(c, false)).collect::<Vec<_>>()))
}

async fn contact_add<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiJson(b): ApiJson<ContactBody>,
) -> ApiResult<Response> {
    let r = ContactRequest { channel: b.channel, address: b.address, language: b.language, secret: b.secret };
    // The webhook secret is shown once, when the contact is created.
    Ok(created(contact_json(&st.core.add_contact(&a, b.org_id, &r).await?, true)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactPatch {
    enabled: bool,
}

async fn contact_edit<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ContactPatch>,
) -> ApiResult<Response> {
    Ok(ok(contact_json(&st.core.set_contact_enabled(&a, id, b.enabled).await?, false)))
}

async fn contact_delete<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let c = st.core.delete_contact(&a, id).await?;
    Ok(ok(json!({"deleted": contact_json(&c, false)})))
}

fn suppression_json(s: &Suppression) -> Value {
    json!({"id": s.id, "org_id": s.org_id, "source_id": s.source_id, "kind": s.kind, "cidr": s.cidr, "reason": s.reason, "until": s.until, "created": s.created})
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SuppressionBody {
    source: Option<String>,
    kind: Option<String>,
    cidr: Option<String>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    until: i64,
    org_id: Option<i64>,
}

async fn suppressions_list<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiQuery(q): ApiQuery<OrgParam>,
) -> ApiResult<Response> {
    Ok(ok(st.core.list_suppressions(&a, q.org_id).await?.iter().map(suppression_json).collect::<Vec<_>>()))
}

async fn suppression_add<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiJson(b): ApiJson<SuppressionBody>,
) -> ApiResult<Response> {
    let r = SuppressionRequest { source: b.source, kind: b.kind, cidr: b.cidr, reason: b.reason, until: b.until };
    Ok(created(suppression_json(&st.core.add_suppression(&a, b.org_id, &r).await?)))
}

async fn suppression_delete<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    st.core.delete_suppression(&a, id).await?;
    Ok(ok(json!({"deleted": id})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreBody {
    cidr: String,
    #[serde(default)]
    reason: String,
}

async fn ignore_list<S: Store + Clone>(State(st): State<AppState<S>>, Authed(a): Authed) -> ApiResult<Response> {
    let list = st.core.list_ignore(&a).await?;
    Ok(ok(list.iter().map(|e| json!({"id": e.id, "cidr": e.cidr, "reason": e.reason, "created": e.created})).collect::<Vec<_>>()))
}

async fn ignore_add<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiJson(b): ApiJson<IgnoreBody>,
) -> ApiResult<Response> {
    let e = st.core.add_ignore(&a, &b.cidr, &b.reason).await?;
    Ok(created(json!({"id": e.id, "cidr": e.cidr, "reason": e.reason, "created": e.created})))
}

async fn ignore_delete<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    st.core.delete_ignore(&a, id).await?;
    Ok(ok(json!({"deleted": id})))
}

async fn stats<S: Store + Clone>(State(st): State<AppState<S>>, Authed(a): Authed) -> ApiResult<Response> {
    let s = st.core.exposure_stats(&a).await?;
    let counts = |list: &[FindingCount]| {
        list.iter()
            .map(|c| json!({"group": c.group, "open": c.open, "resolved": c.resolved, "critical": c.critical, "high": c.high, "organisations": c.organisations}))
            .collect::<Vec<_>>()
    };
    Ok(ok(json!({
        "by_source": counts(&s.by_source),
        "by_sector": counts(&s.by_sector),
        "by_organisation": counts(&s.by_organisation),
        "by_kind": counts(&s.by_kind),
        "recent_imports": s.recent_imports.iter().map(fyr_workers::inbox::import_report).collect::<Vec<_>>(),
        "failed_deliveries": s.failed_deliveries,
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnmatchedParams {
    source: Option<String>,
    after_id: Option<i64>,
    limit: Option<u64>,
}

async fn unmatched<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiQuery(q): ApiQuery<UnmatchedParams>,
) -> ApiResult<Response> {
    let list = st.core.list_unmatched(&a, q.source.as_deref(), q.after_id.unwrap_or(0), q.limit.unwrap_or(1000)).await?;
    Ok(ok(list
        .iter()
        .map(|u| {
            json!({"id": u.id, "source_id": u.source_id, "kind": u.kind, "asset": u.asset, "ip": u.ip, "asn": u.asn, "hostname": u.hostname,
                   "geo": u.geo, "first_seen": u.first_seen, "last_seen": u.last_seen, "count": u.seen_count})
        })
        .collect::<Vec<_>>()))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliveryParams {
    status: Option<String>,
    limit: Option<u64>,
}

async fn deliveries<S: Store + Clone>(
    State(st): State<AppState<S>>,
    Authed(a): Authed,
    ApiQuery(q): ApiQuery<DeliveryParams>,
) -> ApiResult<Response> {
    let list = st.core.list_deliveries(&a, q.status.as_deref(), q.limit.unwrap_or(100)).await?;
    Ok(ok(list
        .iter()
        .map(|d| {
            json!({"id": d.id, "org_id": d.org_id, "contact_id": d.contact_id, "channel": d.channel, "kind": d.kind,
                   "findings": d.finding_ids.len(), "status": d.status, "attempts": d.attempts, "next_attempt_at": d.next_attempt_at,
                   "last_error": d.last_error, "created": d.created, "sent_at": d.sent_at})
        })
        .collect::<Vec<_>>()))
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"sv\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{title}</title></head><body style=\"font-family:sans-serif;max-width:40em;margin:2em auto;line-height:1.5\">{body}</body></html>"
    ))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The preferences link: who gets what, and how to change it.
async fn preferences<S: Store + Clone>(State(st): State<AppState<S>>, Path(token): Path<String>) -> Response {
    match st.core.contact_for_token(&token).await {
        Ok((c, org, s)) => {
            let state = if c.enabled { "får aviseringar / receives notifications" } else { "är avanmäld / is unsubscribed" };
            let body = format!(
                "<h1>Aviseringar om sårbarheter / Exposure notifications</h1>\
                 <p><strong>{addr}</strong> ({org}) {state}.</p>\
                 <ul><li>Språk / language: {lang}</li><li>Daglig sammanfattning kl. / daily digest at: {h:02}:{m:02}</li>\
                 <li>Kritiska omedelbart / critical at once: {crit}</li></ul>\
                 <p>Din organisations administratör ändrar inställningarna i fyr. / Your organisation's administrator changes the settings in fyr.</p>\
                 <form method=\"post\" action=\"../unsubscribe/{token}\"><button type=\"submit\">Avanmäl / Unsubscribe</button></form>",
                addr = escape(&c.address),
                org = escape(&org.name),
                lang = escape(&s.language),
                h = s.digest_minute / 60,
                m = s.digest_minute % 60,
                crit = if s.critical_immediately { "ja / yes" } else { "nej / no" },
                token = escape(&token),
            );
            page("Inställningar / Preferences", &body).into_response()
        }
        Err(e) => {
            (StatusCode::NOT_FOUND, page("Ogiltig länk / Invalid link", &format!("<p>{}</p>", escape(&e.to_string())))).into_response()
        }
    }
}

/// The unsubscribe link shows a confirmation button (so that mail scanners
/// following links do not unsubscribe anyone).
async fn unsubscribe_page<S: Store + Clone>(State(st): State<AppState<S>>, Path(token): Path<String>) -> Response {
    match st.core.contact_for_token(&token).await {
        Ok((c, _, _)) => page(
            "Avanmälan / Unsubscribe",
            &format!(
                "<p>Avanmäl <strong>{}</strong> från aviseringar? / Unsubscribe from notifications?</p>\
                 <form method=\"post\"><button type=\"submit\">Avanmäl / Unsubscribe</button></form>",
                escape(&c.address)
            ),
        )
        .into_response(),
        Err(e) => {
            (StatusCode::NOT_FOUND, page("Ogiltig länk / Invalid link", &format!("<p>{}</p>", escape(&e.to_string())))).into_response()
        }
    }
}

/// POST (RFC 8058 one-click, or the button): unsubscribes the contact.
async fn unsubscribe<S: Store + Clone>(State(st): State<AppState<S>>, Path(token): Path<String>) -> Response {
    match st.core.unsubscribe(&token).await {
        Ok(c) => page(
            "Avanmäld / Unsubscribed",
            &format!("<p><strong>{}</strong> får inga fler aviseringar. / receives no more notifications.</p>", escape(&c.address)),
        )
        .into_response(),
        Err(e) => {
            (StatusCode::NOT_FOUND, page("Ogiltig länk / Invalid link", &format!("<p>{}</p>", escape(&e.to_string())))).into_response()
        }
    }
}

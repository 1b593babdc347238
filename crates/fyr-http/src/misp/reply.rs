//! MISP's response shapes: JSON bodies, `saved:true` successes, and the
//! error table that maps core errors to status codes and MISP-shaped bodies.
//! This is the only place where status codes are chosen for the MISP API.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fyr_core::CoreError;
use serde_json::{Value, json};

/// A JSON response with status 200.
pub fn ok(v: Value) -> Response {
    json_with(StatusCode::OK, &v)
}

pub fn json_with(status: StatusCode, v: &Value) -> Response {
    let body = serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec());
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// A JSON list with MISP's `X-Result-Count` header.
pub fn ok_counted(v: Value, count: u64) -> Response {
    let mut r = ok(v);
    if let Ok(h) = HeaderValue::from_str(&count.to_string()) {
        r.headers_mut().insert("x-result-count", h);
    }
    r
}

/// An empty 200 (HEAD answers).
pub fn empty(status: StatusCode) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = status;
    r
}

/// MISP's `saveSuccessResponse`.
pub fn saved(message: &str, url: &str, id: Option<Value>) -> Response {
    let mut v = json!({"saved": true, "success": true, "name": message, "message": message, "url": url});
    if let (Some(id), Value::Object(m)) = (id, &mut v) {
        m.insert("id".into(), id);
    }
    ok(v)
}

/// The singular model name MISP uses in messages for a controller.
pub fn model_name(controller: &str) -> String {
    match controller {
        "events" => "Event".into(),
        "attributes" => "Attribute".into(),
        "objects" => "Object".into(),
        "object_references" => "ObjectReference".into(),
        "tags" => "Tag".into(),
        "sharing_groups" => "SharingGroup".into(),
        "users" => "User".into(),
        "organisations" => "Organisation".into(),
        "roles" => "Role".into(),
        "servers" => "Server".into(),
        "auth_keys" => "AuthKey".into(),
        other => {
            let mut s = String::new();
            for part in other.trim_end_matches('s').split('_') {
                let mut c = part.chars();
                if let Some(f) = c.next() {
                    s.push(f.to_ascii_uppercase());
                    s.extend(c);
                }
            }
            s
        }
    }
}

/// Where an error happened, for MISP's message texts and `url`.
pub struct ErrorContext<'a> {
    pub url: &'a str,
    pub controller: &'a str,
    /// The action as MISP spells it (`add`, `edit`, `attachTagToObject`).
    pub action: &'a str,
    pub request_id: &'a str,
}

fn exception(status: StatusCode, message: &str, url: &str) -> Response {
    json_with(status, &json!({"name": message, "message": message, "url": url}))
}

/// Maps a core error to MISP's status and body.
pub fn error(e: &CoreError, cx: &ErrorContext<'_>) -> Response {
    let save_fail = |errors: Value| {
        let name = format!("Could not {} {}", cx.action, model_name(cx.controller));
        json_with(StatusCode::FORBIDDEN, &json!({"saved": false, "name": name, "message": name, "url": cx.url, "errors": errors}))
    };
    match e {
        CoreError::NotFound(m) => exception(StatusCode::NOT_FOUND, m, cx.url),
        CoreError::NoPermission => exception(StatusCode::FORBIDDEN, &e.to_string(), cx.url),
        CoreError::Forbidden(m) => exception(StatusCode::FORBIDDEN, m, cx.url),
        CoreError::NotAllowed(m) => exception(StatusCode::METHOD_NOT_ALLOWED, m, cx.url),
        CoreError::Invalid { field, message } => {
            let mut errors = serde_json::Map::new();
            errors.insert(field.clone(), json!([message]));
            save_fail(Value::Object(errors))
        }
        CoreError::Refused(m) => save_fail(Value::String(m.clone())),
        CoreError::Exists { message, location } => {
            let mut r = exception(StatusCode::NOT_FOUND, message, cx.url);
            if let Ok(h) = HeaderValue::from_str(location) {
                r.headers_mut().insert(header::LOCATION, h);
            }
            r
        }
        CoreError::BadRequest(m) => json_with(StatusCode::BAD_REQUEST, &json!({"name": m, "message": m, "url": cx.url, "errors": m})),
        CoreError::Internal(cause) => {
            tracing::error!(request_id = cx.request_id, error = %cause, "Internal error.");
            let m = format!("An internal error has occurred. Request id: {}", cx.request_id);
            json_with(StatusCode::INTERNAL_SERVER_ERROR, &json!({"name": m, "message": m, "url": cx.url}))
        }
    }
}

/// A 413 for bodies over the configured limit.
pub fn too_large(limit: usize, url: &str) -> Response {
    let m = format!("The request body is larger than the limit of {limit} bytes.");
    json_with(StatusCode::PAYLOAD_TOO_LARGE, &json!({"name": m, "message": m, "url": url}))
}

/// Plain text (CSV, text exports) with a content type.
pub fn text(content_type: &'static str, body: Body) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

//! fyr's own JSON API (`/api/v1/…`), beside the MISP API. Requests
//! authenticate with the same API keys (`Authorization: <key>`). Errors are
//! `{"error": {"status", "message", "field"?}}` with a 4xx status that says
//! what kind of problem it is (400 malformed, 403 not allowed, 404 not
//! found, 409 conflict, 413 too large, 422 an invalid value, naming the
//! field).

pub mod exposure;

use crate::AppState;
use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use fyr_core::{Actor, CoreError, Origin};
use fyr_store::Store;
use serde_json::json;
use std::net::SocketAddr;

/// An error of the native API.
#[derive(Debug)]
pub struct ApiError(pub CoreError);

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> ApiError {
        ApiError(e)
    }
}

impl From<fyr_store::StoreError> for ApiError {
    fn from(e: fyr_store::StoreError) -> ApiError {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message, field) = match &self.0 {
            CoreError::NotFound(m) => (StatusCode::NOT_FOUND, m.clone(), None),
            CoreError::NoPermission => (StatusCode::FORBIDDEN, self.0.to_string(), None),
            CoreError::Forbidden(m) | CoreError::NotAllowed(m) => (StatusCode::FORBIDDEN, m.clone(), None),
            CoreError::Invalid { field, message } => (StatusCode::UNPROCESSABLE_ENTITY, format!("{field}: {message}"), Some(field.clone())),
            CoreError::Refused(m) => (StatusCode::UNPROCESSABLE_ENTITY, m.clone(), None),
            CoreError::Exists { message, .. } => (StatusCode::CONFLICT, message.clone(), None),
            CoreError::BadRequest(m) => (StatusCode::BAD_REQUEST, m.clone(), None),
            CoreError::Internal(cause) => {
                tracing::error!(error = %cause, "Internal error in the API.");
                (StatusCode::INTERNAL_SERVER_ERROR, "An internal error has occurred; it has been logged.".to_string(), None)
            }
        };
        let mut body = json!({"error": {"status": status.as_u16(), "message": message}});
        if let (Some(f), Some(e)) = (field, body.get_mut("error")) {
            e["field"] = json!(f);
        }
        (status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The authenticated caller of a native API request.
pub struct Authed(pub Actor);

impl<S: Store + Clone> FromRequestParts<AppState<S>> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get("authorization")
            .or_else(|| parts.headers.get("x-misp-auth"))
            .and_then(|h| h.to_str().ok())
            .map(str::trim)
            .unwrap_or("");
        let key = key.strip_prefix("Bearer ").unwrap_or(key);
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let ip = peer.map(|p| crate::client_ip(&state.config, p, &parts.headers));
        let request_id = state.core.env.new_uuid().to_string();
        let origin = Origin { ip, request_id };
        state.core.authenticate_key(key, &origin).await.map(Authed).map_err(ApiError)
    }
}

/// A JSON body parsed with the offending field named.
pub fn parse_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError(CoreError::BadRequest("A JSON body is required.".into())));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let v = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let syntax = matches!(inner.classify(), serde_json::error::Category::Syntax | serde_json::error::Category::Eof);
        if syntax || path == "." || path == "?" {
            ApiError(CoreError::BadRequest(format!("Malformed JSON: {inner}")))
        } else {
            ApiError(CoreError::invalid(path, inner.to_string()))
        }
    })?;
    de.end().map_err(|e| ApiError(CoreError::BadRequest(format!("Malformed JSON: {e}"))))?;
    Ok(v)
}

//! fyr's own JSON API (`/api/v1/…`), beside the MISP API. Requests
//! authenticate with the same API keys (`Authorization: <key>`). Errors are
//! `{"error": {"status", "message", "field"?}}` with a 4xx status that says
//! what kind of problem it is (400 malformed, 403 not allowed, 404 not
//! found, 405 wrong method, 409 conflict, 413 too large, 415 not JSON, 422
//! an invalid value, naming the field). A 500 says only the request id;
//! the cause is logged with it. Every answer has an `X-Request-Id` header.
//!
//! Handlers take their input through [`ApiJson`], [`ApiBody`], [`ApiQuery`]
//! and [`ApiPath`], never through axum's own extractors, whose rejections
//! are plain text: these wrappers turn every rejection into this shape.

pub mod exposure;

use crate::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fyr_core::{Actor, CoreError, Origin};
use fyr_store::Store;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::net::SocketAddr;

/// An error of the native API.
#[derive(Debug)]
pub enum ApiError {
    /// An error of the core (or the input, phrased as one).
    Core(CoreError),
    /// The body is larger than a limit; the message says which.
    TooLarge(String),
    /// A JSON body came without a JSON `Content-Type`; what was sent, if anything.
    NotJson(Option<String>),
    /// The route exists but not for this method.
    WrongMethod,
}

impl ApiError {
    /// A body over the configured `max_body`.
    pub fn body_too_large(limit: u64) -> ApiError {
        ApiError::TooLarge(format!("The request body is larger than the limit of {limit} bytes."))
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> ApiError {
        ApiError::Core(e)
    }
}

impl From<fyr_store::StoreError> for ApiError {
    fn from(e: fyr_store::StoreError) -> ApiError {
        ApiError::Core(e.into())
    }
}

/// The cause of a 500, carried from [`ApiError`]'s response to
/// [`request_id`], which logs it with the request id.
#[derive(Debug, Clone)]
struct InternalCause(String);

/// The status, message and field of each error: the native API's one table.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message, field) = match self {
            ApiError::Core(e) => match e {
                CoreError::NotFound(m) => (StatusCode::NOT_FOUND, m, None),
                CoreError::NoPermission => (StatusCode::FORBIDDEN, e.to_string(), None),
                CoreError::Forbidden(m) | CoreError::NotAllowed(m) => (StatusCode::FORBIDDEN, m, None),
                CoreError::Invalid { field, message } => (StatusCode::UNPROCESSABLE_ENTITY, format!("{field}: {message}"), Some(field)),
                CoreError::Refused(m) => (StatusCode::UNPROCESSABLE_ENTITY, m, None),
                CoreError::Exists { message, .. } => (StatusCode::CONFLICT, message, None),
                CoreError::BadRequest(m) => (StatusCode::BAD_REQUEST, m, None),
                CoreError::Internal(cause) => {
                    // [`request_id`] logs the cause and puts the id into the body.
                    let mut r = error_body(StatusCode::INTERNAL_SERVER_ERROR, "An internal error has occurred.", None);
                    r.extensions_mut().insert(InternalCause(cause));
                    return r;
                }
            },
            ApiError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, m, None),
            ApiError::NotJson(sent) => {
                let sent = match sent {
                    Some(t) => format!("{t:?} was sent"),
                    None => "none was sent".to_string(),
                };
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("The body must be JSON with Content-Type: application/json ({sent})."), None)
            }
            ApiError::WrongMethod => (StatusCode::METHOD_NOT_ALLOWED, "This method is not allowed on this address.".to_string(), None),
        };
        error_body(status, &message, field.as_deref())
    }
}

fn error_body(status: StatusCode, message: &str, field: Option<&str>) -> Response {
    let mut error = json!({"status": status.as_u16(), "message": message});
    if let Some(f) = field {
        error["field"] = json!(f);
    }
    (status, Json(json!({ "error": error }))).into_response()
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The id of a native API request, made by [`request_id`]: in the audit
/// trail, the `X-Request-Id` header and the body of a 500.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Middleware around the native routes: gives each request an id, and
/// turns a 500 into a body with only that id, logging the cause with it.
pub async fn request_id<S: Store + Clone>(State(state): State<AppState<S>>, mut request: Request, next: Next) -> Response {
    let id = state.core.env.new_uuid().to_string();
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    if let Some(InternalCause(cause)) = response.extensions_mut().remove::<InternalCause>() {
        tracing::error!(request_id = %id, error = %cause, "Internal error in the API.");
        response = error_body(StatusCode::INTERNAL_SERVER_ERROR, &format!("An internal error has occurred. Request id: {id}"), None);
    }
    if let Ok(h) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", h);
    }
    response
}

/// The answer for addresses below the native API that name no route.
pub async fn not_found() -> ApiError {
    ApiError::Core(CoreError::NotFound("There is no such address in the API.".into()))
}

/// The answer for a route called with a method it does not have.
pub async fn wrong_method() -> ApiError {
    ApiError::WrongMethod
}

/// The authenticated caller of a native API request.
pub struct Authed(pub Actor);

impl<S: Store + Clone> FromRequestParts<AppState<S>> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Self, Self::Rejection> {
        let key = crate::api_key(&parts.headers);
        let key = key.strip_prefix("Bearer ").unwrap_or(key);
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let ip = peer.map(|p| crate::client_ip(&state.config, p, &parts.headers));
        let request_id = match parts.extensions.get::<RequestId>() {
            Some(RequestId(id)) => id.clone(),
            None => state.core.env.new_uuid().to_string(),
        };
        let origin = Origin { ip, request_id };
        Ok(Authed(state.core.authenticate_key(key, &origin).await?))
    }
}

/// A JSON body (`Content-Type: application/json` or `application/*+json`)
/// of at most the configured `max_body` bytes, parsed into `T` with the
/// offending field named.
pub struct ApiJson<T>(pub T);

impl<S: Store + Clone, T: DeserializeOwned> FromRequest<AppState<S>> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState<S>) -> Result<Self, Self::Rejection> {
        json_content_type(request.headers())?;
        let bytes = read_body(request, state.config.max_body).await?;
        parse_body(&bytes).map(ApiJson)
    }
}

/// A body of any type (CSV, …) of at most the configured `max_body` bytes.
pub struct ApiBody(pub Bytes);

impl<S: Store + Clone> FromRequest<AppState<S>> for ApiBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState<S>) -> Result<Self, Self::Rejection> {
        read_body(request, state.config.max_body).await.map(ApiBody)
    }
}

/// Whether the request says its body is JSON.
fn json_content_type(headers: &HeaderMap) -> ApiResult<()> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(ApiError::NotJson(None));
    };
    let text = value.to_str().unwrap_or("");
    let essence = text.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let json = essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"));
    if json { Ok(()) } else { Err(ApiError::NotJson(Some(text.to_string()))) }
}

/// The request's declared `Content-Length`, if it sent one that parses.
pub(crate) fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

/// Reads the whole body, refusing it (413) as soon as it is known to be
/// over `limit`: from `Content-Length`, or while reading.
async fn read_body(request: Request, limit: usize) -> ApiResult<Bytes> {
    let limit_u64 = u64::try_from(limit).unwrap_or(u64::MAX);
    if declared_length(request.headers()).is_some_and(|n| n > limit_u64) {
        return Err(ApiError::body_too_large(limit_u64));
    }
    axum::body::to_bytes(request.into_body(), limit).await.map_err(|e| {
        let over = std::iter::successors(Some(&e as &(dyn std::error::Error + 'static)), |e| e.source())
            .any(|e| e.is::<http_body_util::LengthLimitError>());
        if over {
            ApiError::body_too_large(limit_u64)
        } else {
            ApiError::Core(CoreError::BadRequest(format!("The request body could not be read: {e}")))
        }
    })
}

/// The field a deserialisation error is about, as a path (`Attribute[0].value`):
/// where serde_path_to_error says it happened, plus the field that a
/// "missing field" error names (serde reports those at the enclosing object).
fn error_field(path: &serde_path_to_error::Path, message: &str) -> Option<String> {
    let at = path.to_string();
    let missing = message.strip_prefix("missing field `").and_then(|rest| rest.split_once('`')).map(|(f, _)| f);
    let root = at == "." || at == "?";
    match missing {
        Some(f) if root => Some(f.to_string()),
        Some(f) => Some(format!("{at}.{f}")),
        None if root => None,
        None => Some(at),
    }
}

/// A JSON object body parsed with the offending field named: malformed
/// JSON or a body that is not an object is a 400; a field of the wrong
/// type, a missing or an unknown field is a 422 naming it.
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None => return Err(CoreError::BadRequest("A JSON body is required.".into()).into()),
        // serde would take an array for a struct, field by field.
        Some(b) if *b != b'{' => return Err(CoreError::BadRequest("The request body must be a JSON object.".into()).into()),
        Some(_) => {}
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let v = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = error_field(e.path(), &e.inner().to_string());
        let inner = e.into_inner();
        let syntax = matches!(inner.classify(), serde_json::error::Category::Syntax | serde_json::error::Category::Eof);
        match field {
            _ if syntax => CoreError::BadRequest(format!("Malformed JSON: {inner}")),
            Some(f) => CoreError::invalid(f, inner.to_string()),
            None => CoreError::BadRequest(format!("Invalid JSON body: {inner}")),
        }
    })?;
    de.end().map_err(|e| CoreError::BadRequest(format!("Malformed JSON: {e}")))?;
    Ok(v)
}

/// Query-string parameters parsed into `T`; a parameter of the wrong type,
/// a missing or an unknown one is a 422 naming it.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(ApiQuery).map_err(|e| {
            let message = e.inner().to_string();
            match error_field(e.path(), &message) {
                Some(f) => CoreError::invalid(f, message).into(),
                None => CoreError::BadRequest(format!("Invalid query string: {message}")).into(),
            }
        })
    }
}

/// Path parameters parsed into `T`; one that does not parse (`/assets/abc`)
/// is a 422 naming it.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::path::ErrorKind;
        use axum::extract::rejection::PathRejection;
        let e = match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => return Ok(ApiPath(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => e.into_kind(),
            // No parameters where the handler expects some: a routing bug.
            Err(other) => return Err(CoreError::Internal(other.body_text()).into()),
        };
        let what = |expected: &str| match expected {
            "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
                "a valid integer".to_string()
            }
            other => format!("a {other}"),
        };
        let e = match e {
            ErrorKind::ParseErrorAtKey { key, value, expected_type } => {
                CoreError::invalid(key, format!("{value:?} is not {}", what(expected_type)))
            }
            ErrorKind::ParseError { value, expected_type } => {
                // A single parameter (`Path<i64>`): its name is in the route.
                let message = format!("{value:?} is not {}", what(expected_type));
                let raw = RawPathParams::from_request_parts(parts, state).await.ok();
                let mut names = raw.iter().flat_map(|r| r.iter()).map(|(k, _)| k.to_string());
                match (names.next(), names.next()) {
                    (Some(key), None) => CoreError::invalid(key, message),
                    _ => CoreError::BadRequest(message),
                }
            }
            ErrorKind::InvalidUtf8InPathParam { key } => CoreError::invalid(key, "is not valid UTF-8"),
            ErrorKind::DeserializeError { key, message, .. } => CoreError::invalid(key, message),
            // The handler's type does not fit the route: a bug, not bad input.
            e @ (ErrorKind::WrongNumberOfParameters { .. } | ErrorKind::UnsupportedType { .. }) => CoreError::Internal(e.to_string()),
            other => CoreError::BadRequest(format!("Invalid address: {other}")),
        };
        Err(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        #[serde(rename = "Item")]
        _items: Vec<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        _name: String,
        #[serde(default)]
        _n: u32,
    }

    fn field_of(body: &str) -> (StatusCode, Option<String>) {
        match parse_body::<Outer>(body.as_bytes()) {
            Ok(v) => panic!("parsed {v:?}"),
            Err(ApiError::Core(CoreError::Invalid { field, .. })) => (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            Err(ApiError::Core(CoreError::BadRequest(_))) => (StatusCode::BAD_REQUEST, None),
            Err(e) => panic!("unexpected {e:?}"),
        }
    }

    #[test]
    fn nested_fields_are_named_by_path() {
        let unprocessable = |f: &str| (StatusCode::UNPROCESSABLE_ENTITY, Some(f.to_string()));
        assert_eq!(field_of(r#"{"Item": [{"_name": "a"}, {"_n": 1}]}"#), unprocessable("Item[1]._name"));
        assert_eq!(field_of(r#"{"Item": [{"_name": "a", "_n": -1}]}"#), unprocessable("Item[0]._n"));
        assert_eq!(field_of(r#"{"Item": [{"_name": "a", "x": 1}]}"#), unprocessable("Item[0].x"));
        assert_eq!(field_of(r#"{"Item": {}}"#), unprocessable("Item"));
        assert_eq!(field_of(r#"{}"#), unprocessable("Item"));
        assert_eq!(field_of(r#"{"Item": [}"#), (StatusCode::BAD_REQUEST, None));
        assert_eq!(field_of(r#"[[{"_name": "a"}]]"#), (StatusCode::BAD_REQUEST, None));
        assert_eq!(field_of("null"), (StatusCode::BAD_REQUEST, None));
    }

    #[test]
    fn json_content_types() {
        let with = |t: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_str(t).unwrap());
            json_content_type(&h).is_ok()
        };
        assert!(with("application/json") && with("application/json; charset=utf-8") && with("application/vnd.api+json"));
        assert!(!with("text/json") && !with("application/jsonp") && !with("multipart/form-data"));
        assert!(json_content_type(&HeaderMap::new()).is_err());
    }
}

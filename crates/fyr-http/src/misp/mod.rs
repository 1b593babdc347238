//! The MISP REST API as PyMISP and MISP instances use it. One dispatcher
//! parses MISP's URL conventions ([`request`]), authenticates the API key,
//! and hands the request to the module that owns the controller; modules
//! call `fyr-core` and render MISP's JSON shapes. Errors are mapped in
//! [`reply::error`].

pub mod admin;
pub mod attributes;
pub mod events;
pub mod objects;
pub mod reply;
pub mod request;
pub mod search;
pub mod sharing_groups;
pub mod system;
pub mod tags;

use crate::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, Method, Request, StatusCode};
use axum::response::Response;
use fyr_core::{Actor, CoreError, Origin};
use fyr_store::Store;
use request::{MispRequest, parse_path};
use std::net::SocketAddr;

/// What a handler gets: the state, the authenticated actor, the request.
pub struct Cx<'a, S: Store + Clone> {
    pub state: &'a AppState<S>,
    pub actor: Actor,
    pub req: MispRequest,
}

impl<S: Store + Clone> Cx<'_, S> {
    pub fn core(&self) -> &fyr_core::Core<S> {
        &self.state.core
    }

    /// The request's URL path as MISP echoes it in bodies (`/events/view/1`).
    pub fn url(&self) -> String {
        format!("/{}", self.req.path.trim_start_matches('/'))
    }

    /// The body and named parameters as one JSON object.
    pub fn params(&self) -> Result<serde_json::Map<String, serde_json::Value>, CoreError> {
        self.req.params().map_err(CoreError::BadRequest)
    }

    /// Parses the body into a typed MISP input, naming a bad field.
    pub fn body<T: serde::de::DeserializeOwned + Default>(&self) -> Result<T, CoreError> {
        if self.req.body_is_empty() {
            return Ok(T::default());
        }
        fyr_misp::input::parse::<T>(&self.req.body).map_err(|e| CoreError::BadRequest(e.message))
    }

    /// Positional argument `i`, or a 404 naming what was expected.
    pub fn arg(&self, i: usize, what: &str) -> Result<&str, CoreError> {
        self.req.arg(i).ok_or_else(|| CoreError::NotFound(format!("Invalid {what}")))
    }
}

pub type Handled = Option<Result<Response, CoreError>>;

/// MISP's action name as written in messages (`attach_tag_to_object` → `attachTagToObject`).
fn camel(action: &str) -> String {
    let mut out = String::with_capacity(action.len());
    let mut upper = false;
    for c in action.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The fallback handler that serves every MISP API path.
pub async fn dispatch<S: Store + Clone>(
    State(state): State<AppState<S>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request<Body>,
) -> Response {
    let request_id = state.core.env.new_uuid().to_string();
    let mut response = handle(&state, peer, request, &request_id).await;
    if let Ok(h) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", h);
    }
    response
}

async fn handle<S: Store + Clone>(state: &AppState<S>, peer: SocketAddr, request: Request<Body>, request_id: &str) -> Response {
    let (parts, body) = request.into_parts();
    let full_path = parts.uri.path().to_string();
    let path = full_path.strip_prefix(state.config.base_path.as_str()).unwrap_or(&full_path).to_string();
    let url = format!("/{}", path.trim_start_matches('/'));
    let generic =
        |controller: &str, action: &str, e: CoreError| reply::error(&e, &reply::ErrorContext { url: &url, controller, action, request_id });
    let Some(request::ParsedPath { admin, controller, action, args, named }) = parse_path(&path) else {
        return generic("", "", CoreError::NotFound("Not found.".into()));
    };
    let body = match axum::body::to_bytes(body, state.config.max_body).await {
        Ok(b) => b,
        Err(_) => return reply::too_large(state.config.max_body, &url),
    };
    let key = crate::api_key(&parts.headers);
    let origin = Origin { ip: Some(crate::client_ip(&state.config, peer.ip(), &parts.headers)), request_id: request_id.to_string() };
    let actor = match state.core.authenticate_key(key, &origin).await {
        Ok(a) => a,
        Err(e) => return generic(&controller, &camel(&action), e),
    };
    let req = MispRequest { method: parts.method.clone(), path: path.clone(), admin, controller, action, args, named, body };
    let action_name = camel(&req.action);
    let controller_name = req.controller.clone();
    let head = req.method == Method::HEAD;
    let cx = Cx { state, actor, req };
    let handled = route(&cx).await;
    let result =
        handled.unwrap_or_else(|| Err(CoreError::NotFound(format!("The requested address '{url}' was not found on this server."))));
    match result {
        Ok(r) => r,
        Err(e) if head => {
            // HEAD answers carry no body; PyMISP only reads 200 or 404.
            let status = match e {
                CoreError::NotFound(_) | CoreError::NotAllowed(_) | CoreError::Forbidden(_) => StatusCode::NOT_FOUND,
                _ => reply::error(&e, &reply::ErrorContext { url: &url, controller: &controller_name, action: &action_name, request_id })
                    .status(),
            };
            reply::empty(status)
        }
        Err(e) => reply::error(&e, &reply::ErrorContext { url: &url, controller: &controller_name, action: &action_name, request_id }),
    }
}

async fn route<S: Store + Clone>(cx: &Cx<'_, S>) -> Handled {
    if let Some(r) = system::route(cx).await {
        return Some(r);
    }
    if let Some(r) = events::route(cx).await {
        return Some(r);
    }
    if let Some(r) = attributes::route(cx).await {
        return Some(r);
    }
    if let Some(r) = objects::route(cx).await {
        return Some(r);
    }
    if let Some(r) = admin::route(cx).await {
        return Some(r);
    }
    if let Some(r) = sharing_groups::route(cx).await {
        return Some(r);
    }
    if let Some(r) = tags::route(cx).await {
        return Some(r);
    }
    None
}

//! fyr's HTTP layer: the MISP REST API ([`misp`]) and fyr's own JSON API
//! ([`api`]) on axum. Handlers call `fyr-core`; this crate never runs SQL
//! and is the only one that knows HTTP status codes.

pub mod api;
pub mod dns;
pub mod misp;

use axum::Router;
use fyr_core::Core;
use fyr_store::Store;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio::net::TcpListener;

/// HTTP settings.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Largest accepted request body, in bytes (default 64 MiB): MISP
    /// bodies and the native API's JSON and CSV bodies.
    pub max_body: usize,
    /// A path prefix when served below a sub-path (e.g. `/misp`); empty for none.
    pub base_path: String,
    /// Proxies whose `X-Forwarded-For` is trusted for the client address.
    pub trusted_proxies: Vec<IpAddr>,
    /// Largest exposure file accepted by upload, in bytes (streamed, not buffered).
    pub max_import: u64,
    /// DNS server for domain verification; the system's resolver when `None`.
    pub dns_server: Option<SocketAddr>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            max_body: 64 * 1024 * 1024,
            base_path: String::new(),
            trusted_proxies: Vec::new(),
            max_import: 4 * 1024 * 1024 * 1024,
            dns_server: None,
        }
    }
}

/// The API key a request carries: MISP's `Authorization` header (PyMISP
/// sends the bare key), or `X-MISP-Auth`; empty when there is none.
pub(crate) fn api_key(headers: &axum::http::HeaderMap) -> &str {
    headers.get("authorization").or_else(|| headers.get("x-misp-auth")).and_then(|h| h.to_str().ok()).map(str::trim).unwrap_or("")
}

/// The client's address: the peer, or the first `X-Forwarded-For` entry
/// when the peer is a configured trusted proxy.
pub(crate) fn client_ip(config: &HttpConfig, peer: IpAddr, headers: &axum::http::HeaderMap) -> IpAddr {
    if config.trusted_proxies.contains(&peer)
        && let Some(first) = headers.get("x-forwarded-for").and_then(|h| h.to_str().ok()).and_then(|f| f.split(',').next())
        && let Ok(ip) = first.trim().parse()
    {
        return ip;
    }
    peer
}

/// Shared state of all handlers.
pub struct AppState<S: Store + Clone> {
    pub core: Core<S>,
    pub config: Arc<HttpConfig>,
}

impl<S: Store + Clone> Clone for AppState<S> {
    fn clone(&self) -> Self {
        AppState { core: self.core.clone(), config: self.config.clone() }
    }
}

/// The application's router.
pub fn router<S: Store + Clone>(state: AppState<S>) -> Router {
    let base = state.config.base_path.clone();
    let app = Router::new()
        .nest("/api/v1/exposure", api::exposure::routes::<S>())
        .nest("/exposure", api::exposure::public_routes::<S>())
        .layer(axum::middleware::from_fn_with_state(state.clone(), api::request_id::<S>));
    let app = if base.is_empty() { app } else { Router::new().nest(&base, app) };
    app.fallback(misp::dispatch::<S>).with_state(state)
}

/// Serves until `shutdown` resolves.
pub async fn serve<S: Store + Clone>(
    listener: TcpListener,
    state: AppState<S>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    use axum::serve::ListenerExt;
    // Responses are streamed in several writes; without TCP_NODELAY, Nagle's
    // algorithm and the client's delayed ACKs add ~40 ms to each.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "Cannot set TCP_NODELAY.");
        }
    });
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

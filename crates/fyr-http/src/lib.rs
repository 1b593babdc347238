//! fyr's HTTP layer: the MISP REST API ([`misp`]) on axum. Handlers call
//! `fyr-core`; this crate never runs SQL and is the only one that knows
//! HTTP status codes.

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
    /// Largest accepted request body, in bytes (default 64 MiB).
    pub max_body: usize,
    /// A path prefix when served below a sub-path (e.g. `/misp`); empty for none.
    pub base_path: String,
    /// Proxies whose `X-Forwarded-For` is trusted for the client address.
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig { max_body: 64 * 1024 * 1024, base_path: String::new(), trusted_proxies: Vec::new() }
    }
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
    Router::new().fallback(misp::dispatch::<S>).with_state(state)
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

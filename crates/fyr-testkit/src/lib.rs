//! Test harness: starts the real fyr server on port 0 with a fresh database
//! (SQLite in a temporary directory, or a new PostgreSQL database) and hands
//! back a small client. Every integration test goes through it.
//!
//! The backend is chosen with `FYR_TEST_DATABASE` (`sqlite`, the default, or
//! `postgres`); PostgreSQL is reached at `FYR_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`), where a database is
//! created per server and dropped when it stops.

use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::net::SocketAddr;

/// The admin key every test server starts with.
pub const ADMIN_KEY: &str = "fyrTestAdminKey0000000000000000000000000";

/// Which database a test server uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend selected by `FYR_TEST_DATABASE`.
    pub fn from_env() -> Result<Backend> {
        match std::env::var("FYR_TEST_DATABASE").unwrap_or_default().as_str() {
            "" | "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            other => bail!("FYR_TEST_DATABASE must be sqlite or postgres, not {other:?}"),
        }
    }

    /// Both backends, for suites that must run on each.
    pub fn all() -> [Backend; 2] {
        [Backend::Sqlite, Backend::Postgres]
    }
}

/// The PostgreSQL server tests use.
pub fn pg_admin_url() -> String {
    std::env::var("FYR_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A fresh, empty database; dropped by [`TestDb::drop_db`].
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    pg_name: Option<String>,
    _dir: tempfile::TempDir,
}

impl TestDb {
    pub async fn create(backend: Backend) -> Result<TestDb> {
        let dir = tempfile::tempdir()?;
        match backend {
            Backend::Sqlite => {
                Ok(TestDb { url: format!("sqlite://{}", dir.path().join("fyr.db").display()), backend, pg_name: None, _dir: dir })
            }
            Backend::Postgres => {
                let admin = pg_admin_url();
                let name = format!("fyr_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
                    .await
                    .with_context(|| format!("cannot reach PostgreSQL at {admin} (set FYR_TEST_PG_URL)"))?;
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await?;
                let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin.clone());
                Ok(TestDb { url: format!("{base}/{name}"), backend, pg_name: Some(name), _dir: dir })
            }
        }
    }

    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// Drops the PostgreSQL database (no-op for SQLite, whose directory goes with `self`).
    pub async fn drop_db(self) -> Result<()> {
        if let Some(name) = &self.pg_name {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&pg_admin_url()).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await?;
        }
        Ok(())
    }
}

/// A running fyr server for one test.
pub struct TestServer {
    pub url: String,
    pub addr: SocketAddr,
    pub db: TestDb,
    running: fyr::Running,
}

impl TestServer {
    /// A server on the backend chosen by `FYR_TEST_DATABASE`.
    pub async fn start() -> Result<TestServer> {
        TestServer::start_on(Backend::from_env()?).await
    }

    pub async fn start_on(backend: Backend) -> Result<TestServer> {
        TestServer::start_with(backend, |_| {}).await
    }

    /// A server whose configuration a test may adjust first.
    pub async fn start_with(backend: Backend, adjust: impl FnOnce(&mut fyr::Config)) -> Result<TestServer> {
        let db = TestDb::create(backend).await?;
        let mut config = fyr::Config::with_defaults(db.dir().join("data"));
        config.database_url = db.url.clone();
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        config.admin_key = Some(ADMIN_KEY.to_string());
        config.max_connections = 4;
        // Shadowserver's schema, when the environment names it; background
        // workers off (tests drive imports and notifications themselves).
        config.exposure.schema = std::env::var_os("FYR_SHADOWSERVER_SCHEMA").map(Into::into);
        config.exposure.workers = false;
        adjust(&mut config);
        let running = fyr::start(config).await?;
        let addr = running.addr;
        Ok(TestServer { url: format!("http://{addr}"), addr, db, running })
    }

    pub fn core(&self) -> &fyr_core_alias::Core {
        &self.running.core
    }

    /// A client authenticated as the site admin.
    pub fn admin(&self) -> Client {
        self.client(ADMIN_KEY)
    }

    /// A client with the given API key.
    pub fn client(&self, key: &str) -> Client {
        Client { base: self.url.clone(), key: key.to_string(), http: reqwest::Client::new() }
    }

    pub async fn stop(self) -> Result<()> {
        self.running.stop().await?;
        self.db.drop_db().await
    }
}

/// Re-exports so tests need only this crate.
pub mod fyr_core_alias {
    pub type Core = fyr_core::Core<fyr_store_sql::SqlStore>;
}
pub use fyr_core;
pub use fyr_store;

/// A response: status, headers and body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    /// The body as JSON (panics with the body in the message if it is not JSON).
    pub fn json(&self) -> Value {
        match serde_json::from_str(&self.text) {
            Ok(v) => v,
            Err(e) => panic!("response is not JSON ({e}): status {} body {:?}", self.status, self.text),
        }
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|h| h.to_str().ok()).map(str::to_string)
    }
}

/// A MISP API client as PyMISP behaves (Authorization header, JSON accept).
#[derive(Clone)]
pub struct Client {
    base: String,
    key: String,
    http: reqwest::Client,
}

impl Client {
    pub async fn request(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Result<Reply> {
        let url = format!("{}/{}", self.base, path.trim_start_matches('/'));
        let mut rb = self
            .http
            .request(method, &url)
            .header("Authorization", &self.key)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json");
        if let Some(b) = body {
            rb = rb.body(serde_json::to_vec(b)?);
        }
        let r = rb.send().await.with_context(|| format!("request to {url}"))?;
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await?;
        Ok(Reply { status, headers, text })
    }

    pub async fn delete(&self, path: &str) -> Result<Reply> {
        self.request(reqwest::Method::DELETE, path, None).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Result<Reply> {
        self.request(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Result<Reply> {
        self.request(reqwest::Method::PATCH, path, Some(body)).await
    }

    pub async fn get(&self, path: &str) -> Result<Reply> {
        self.request(reqwest::Method::GET, path, None).await
    }

    pub async fn head(&self, path: &str) -> Result<Reply> {
        self.request(reqwest::Method::HEAD, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Reply> {
        self.request(reqwest::Method::POST, path, Some(body)).await
    }

    /// POST a raw body (for malformed-input tests).
    pub async fn post_raw(&self, path: &str, body: Vec<u8>) -> Result<Reply> {
        self.request_raw(reqwest::Method::POST, path, body).await
    }

    /// Any method with a raw body.
    pub async fn request_raw(&self, method: reqwest::Method, path: &str, body: Vec<u8>) -> Result<Reply> {
        let url = format!("{}/{}", self.base, path.trim_start_matches('/'));
        let r = self
            .http
            .request(method, &url)
            .header("Authorization", &self.key)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await?;
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await?;
        Ok(Reply { status, headers, text })
    }
}

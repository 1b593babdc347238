//! The SQL implementation of [`fyr_store::Store`] for SQLite (embedded default)
//! and PostgreSQL (production). This is the only crate that contains SQL.
//!
//! Both backends share one implementation: every query is written once, with
//! `$1`-style placeholders (which SQLite accepts too; dynamic queries built
//! with [`sql::Sql`] use `?` there), and the [`with_pool!`]
//! macro expands each method body once per backend, so each is compiled
//! against its concrete sqlx driver. Dialect differences (DDL, `ILIKE`,
//! booleans) are confined to the migrations and to [`sql::Dialect`]. We chose
//! this over two crates with copied SQL (as atuin has) because MISP's access
//! and search semantics must be identical on both, and a single text cannot
//! drift; the conformance suite in `tests/it` runs every method on both.

mod events;
mod exposure;
mod identity;
mod rowext;
mod search;
mod sharing;
mod sql;

use fyr_store::StoreError;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

pub use sql::Dialect;

/// A connection pool to one of the two supported databases.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The store. Cheap to clone (pools are reference-counted).
#[derive(Clone, Debug)]
pub struct SqlStore {
    pool: Pool,
    /// Where bulk writes (exposure imports) go. On SQLite a pool of its own
    /// with one connection and a larger page cache: SQLite takes one
    /// writer at a time anyway, and an import's upserts land all over the
    /// findings' unique index, so a cache that holds the index's working
    /// set (instead of re-reading pages from the OS) made imports ~20%
    /// faster; keeping it to one connection keeps that memory to one
    /// cache. On PostgreSQL the same pool as everything else.
    bulk: Pool,
}

/// Page cache of the SQLite bulk-write connection, in KiB (64 MiB); the
/// other connections keep SQLite's 16 MiB.
const SQLITE_BULK_CACHE_KIB: i64 = 65_536;

/// Expands `$body` once per backend with `$p` bound to the concrete pool.
macro_rules! with_pool {
    ($self:expr, $p:ident => $body:expr) => {
        match &$self.pool {
            $crate::Pool::Sqlite($p) => $body,
            $crate::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use with_pool;

/// As [`with_pool!`], on the pool for bulk writes (see [`SqlStore`]).
macro_rules! with_bulk_pool {
    ($self:expr, $p:ident => $body:expr) => {
        match &$self.bulk {
            $crate::Pool::Sqlite($p) => $body,
            $crate::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use with_bulk_pool;

pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        if d.is_unique_violation() {
            return StoreError::Conflict(d.message().to_string());
        }
        if d.is_foreign_key_violation() {
            return StoreError::Invalid(format!("a referenced record does not exist ({})", d.message()));
        }
    }
    StoreError::Backend(e.to_string())
}

/// Options for opening a store.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub max_connections: u32,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions { max_connections: 8 }
    }
}

impl SqlStore {
    /// Opens (creating if needed) the database at `url` and runs migrations.
    /// `postgres://` and `postgresql://` select PostgreSQL; `sqlite:` URLs
    /// (or a plain file path) select SQLite.
    pub async fn connect(url: &str, options: &ConnectOptions) -> Result<SqlStore, StoreError> {
        let store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url).map_err(|e| StoreError::Invalid(format!("database url: {e}")))?;
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts)
                .await
                .map_err(db_err)?;
            SqlStore { pool: Pool::Postgres(pool.clone()), bulk: Pool::Postgres(pool) }
        } else {
            let path_url = if url.starts_with("sqlite:") { url.to_string() } else { format!("sqlite://{url}") };
            let opts = SqliteConnectOptions::from_str(&path_url)
                .map_err(|e| StoreError::Invalid(format!("database url: {e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
                .pragma("cache_size", "-16384")
                .pragma("temp_store", "memory");
            let pool = SqlitePoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts.clone())
                .await
                .map_err(db_err)?;
            let bulk = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(0)
                // Give the cache back when no import has run for a while.
                .idle_timeout(Duration::from_secs(300))
                // Imports queue for the one connection rather than fail.
                .acquire_timeout(Duration::from_secs(3600))
                .connect_with(opts.pragma("cache_size", format!("-{SQLITE_BULK_CACHE_KIB}")))
                .await
                .map_err(db_err)?;
            SqlStore { pool: Pool::Sqlite(pool), bulk: Pool::Sqlite(bulk) }
        };
        store.migrate().await?;
        Ok(store)
    }

    pub fn dialect(&self) -> Dialect {
        match self.pool {
            Pool::Sqlite(_) => Dialect::Sqlite,
            Pool::Postgres(_) => Dialect::Postgres,
        }
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Closes all connections (waits for them to be returned).
    pub async fn close(&self) {
        with_pool!(self, p => p.close().await)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let files: &[(i64, &str, &str)] = match self.pool {
            Pool::Sqlite(_) => &SQLITE_MIGRATIONS,
            Pool::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        let migrations: Vec<Migration> = files
            .iter()
            .map(|(version, name, sql)| Migration::new(*version, Cow::Borrowed(*name), MigrationType::Simple, Cow::Borrowed(*sql), false))
            .collect();
        let mut migrator = Migrator::DEFAULT;
        migrator.migrations = Cow::Owned(migrations);
        with_pool!(self, p => migrator.run(p).await.map_err(|e| StoreError::Backend(format!("migration failed: {e}"))))
    }
}

/// Migrations are embedded in the binary; each backend has its own DDL.
const SQLITE_MIGRATIONS: [(i64, &str, &str); 4] = [
    (1, "core", include_str!("../migrations/sqlite/0001_core.sql")),
    (2, "exposure", include_str!("../migrations/sqlite/0002_exposure.sql")),
    (3, "finding scope", include_str!("../migrations/sqlite/0003_finding_scope.sql")),
    (4, "matcher revision", include_str!("../migrations/sqlite/0004_matcher_revision.sql")),
];
const POSTGRES_MIGRATIONS: [(i64, &str, &str); 4] = [
    (1, "core", include_str!("../migrations/postgres/0001_core.sql")),
    (2, "exposure", include_str!("../migrations/postgres/0002_exposure.sql")),
    (3, "finding scope", include_str!("../migrations/postgres/0003_finding_scope.sql")),
    (4, "matcher revision", include_str!("../migrations/postgres/0004_matcher_revision.sql")),
];

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
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

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
    /// When bulk writes ran (SQLite's checkpointer waits for a pause).
    activity: Arc<BulkActivity>,
}

/// Bulk writes under way, and when the last one ended.
#[derive(Debug, Default)]
struct BulkActivity {
    running: AtomicUsize,
    /// Milliseconds since `epoch` when the last bulk write ended.
    ended_ms: AtomicU64,
    epoch: OnceLock<Instant>,
}

impl BulkActivity {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.get_or_init(Instant::now).elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether no bulk write ran for `quiet`.
    fn quiet_for(&self, quiet: Duration) -> bool {
        self.running.load(Ordering::Acquire) == 0
            && self.now_ms().saturating_sub(self.ended_ms.load(Ordering::Acquire)) >= u64::try_from(quiet.as_millis()).unwrap_or(u64::MAX)
    }
}

/// Marks a bulk write under way until dropped.
pub(crate) struct BulkWrite(Arc<BulkActivity>);

impl Drop for BulkWrite {
    fn drop(&mut self) {
        self.0.ended_ms.store(self.0.now_ms(), Ordering::Release);
        self.0.running.fetch_sub(1, Ordering::AcqRel);
    }
}

/// SQLite in WAL mode copies the log back into the database (a
/// checkpoint, with an fsync) by default in whichever connection commits
/// once the log passes 1,000 pages: during an import, after nearly every
/// batch, which cost imports ~40% of their time. fyr's connections only
/// checkpoint by themselves past this many pages (1 GiB, a bound for when
/// no checkpointer runs, e.g. the CLI); otherwise a background task
/// checkpoints once writes pause ([`CHECKPOINT_QUIET`]).
const SQLITE_AUTOCHECKPOINT_PAGES: &str = "262144";
/// After a checkpoint the log file is cut back to this size (bytes).
const SQLITE_WAL_SIZE_LIMIT: &str = "67108864";
/// The checkpointer looks this often, and runs when no bulk write ran for
/// this long.
const CHECKPOINT_QUIET: Duration = Duration::from_secs(1);

/// Page size of new SQLite databases (an existing one keeps its own).
/// 16 KiB rather than SQLite's 4 KiB: an exposure import writes a quarter
/// as many log frames (two system calls each) for the same bytes, and a
/// block of raw records (~20 KiB compressed) spans two pages instead of six;
/// end to end ~13% faster at 1M rows, and 32 KiB was no faster again.
const SQLITE_PAGE_SIZE: u32 = 16_384;
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
            SqlStore { pool: Pool::Postgres(pool.clone()), bulk: Pool::Postgres(pool), activity: Arc::default() }
        } else {
            let path_url = if url.starts_with("sqlite:") { url.to_string() } else { format!("sqlite://{url}") };
            let opts = SqliteConnectOptions::from_str(&path_url)
                .map_err(|e| StoreError::Invalid(format!("database url: {e}")))?
                .create_if_missing(true)
                // Only a new database takes it (set before anything else).
                .page_size(SQLITE_PAGE_SIZE)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
                .pragma("cache_size", "-16384")
                .pragma("temp_store", "memory")
                .pragma("wal_autocheckpoint", SQLITE_AUTOCHECKPOINT_PAGES)
                .pragma("journal_size_limit", SQLITE_WAL_SIZE_LIMIT);
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
            let store = SqlStore { pool: Pool::Sqlite(pool.clone()), bulk: Pool::Sqlite(bulk), activity: Arc::default() };
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(checkpointer(pool, Arc::downgrade(&store.activity)));
            }
            store
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Marks a bulk write (an import's batch or its close) under way.
    pub(crate) fn bulk_write(&self) -> BulkWrite {
        self.activity.running.fetch_add(1, Ordering::AcqRel);
        BulkWrite(self.activity.clone())
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
    /// Closes both pools. On SQLite the last connection to close copies the
    /// write-ahead log into the database (a checkpoint) and removes it.
    pub async fn close(&self) {
        with_bulk_pool!(self, p => p.close().await);
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

/// Checkpoints the SQLite log whenever bulk writes pause (see
/// [`SQLITE_AUTOCHECKPOINT_PAGES`]); ends when the store is dropped.
/// PASSIVE: it copies what it can without waiting for readers or blocking
/// writers, so it never stalls a request; a log with nothing new costs a
/// look at its header.
async fn checkpointer(pool: SqlitePool, activity: std::sync::Weak<BulkActivity>) {
    let mut tick = tokio::time::interval(CHECKPOINT_QUIET);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(activity) = activity.upgrade() else { return };
        if pool.is_closed() {
            return;
        }
        if !activity.quiet_for(CHECKPOINT_QUIET) {
            continue;
        }
        drop(activity);
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            tracing::debug!(error = %e, "SQLite checkpoint failed; the next one will retry.");
        }
    }
}

/// Migrations are embedded in the binary; each backend has its own DDL.
const SQLITE_MIGRATIONS: [(i64, &str, &str); 7] = [
    (1, "core", include_str!("../migrations/sqlite/0001_core.sql")),
    (2, "exposure", include_str!("../migrations/sqlite/0002_exposure.sql")),
    (3, "finding scope", include_str!("../migrations/sqlite/0003_finding_scope.sql")),
    (4, "matcher revision", include_str!("../migrations/sqlite/0004_matcher_revision.sql")),
    (5, "record blocks", include_str!("../migrations/sqlite/0005_record_blocks.sql")),
    (6, "notify bump", include_str!("../migrations/sqlite/0006_notify_bump.sql")),
    (7, "import heartbeat", include_str!("../migrations/sqlite/0007_import_heartbeat.sql")),
];
const POSTGRES_MIGRATIONS: [(i64, &str, &str); 7] = [
    (1, "core", include_str!("../migrations/postgres/0001_core.sql")),
    (2, "exposure", include_str!("../migrations/postgres/0002_exposure.sql")),
    (3, "finding scope", include_str!("../migrations/postgres/0003_finding_scope.sql")),
    (4, "matcher revision", include_str!("../migrations/postgres/0004_matcher_revision.sql")),
    (5, "record blocks", include_str!("../migrations/postgres/0005_record_blocks.sql")),
    (6, "notify bump", include_str!("../migrations/postgres/0006_notify_bump.sql")),
    (7, "import heartbeat", include_str!("../migrations/postgres/0007_import_heartbeat.sql")),
];

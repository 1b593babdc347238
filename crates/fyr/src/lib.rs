//! The `fyr` server as a library: configuration, the real clock and random
//! source, secrets on disk, and starting the HTTP server. `main.rs` is the
//! command line around it; `fyr-testkit` starts the same server in tests.
//! This crate is the only one that reads files and the environment.

use anyhow::{Context, Result, bail};
use fyr_core::auth::Pepper;
use fyr_core::env::Env;
use fyr_core::{Bootstrap, BootstrapOutcome, Core};
use fyr_http::{AppState, HttpConfig};
use fyr_store_sql::{ConnectOptions, SqlStore};
use rand::RngCore;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The real world: system clock and the operating system's random source.
#[derive(Debug, Default)]
pub struct SystemEnv;

impl Env for SystemEnv {
    fn now(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
    }
    fn new_uuid(&self) -> uuid::Uuid {
        uuid::Uuid::new_v4()
    }
    fn random_alnum(&self, n: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut rng = rand::rng();
        (0..n)
            .map(|_| {
                // Rejection sampling keeps the distribution uniform.
                loop {
                    let b = (rng.next_u32() & 0xff) as usize;
                    if b < 248 {
                        return ALPHABET[b % ALPHABET.len()] as char;
                    }
                }
            })
            .collect()
    }
    fn random_bytes(&self, n: usize) -> Vec<u8> {
        let mut v = vec![0u8; n];
        rand::rng().fill_bytes(&mut v);
        v
    }
}

/// Server configuration (resolved from flags and `FYR_*` variables by `main`).
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub host_org_name: String,
    pub admin_email: String,
    /// `FYR_ADMIN_KEY`: the admin's API key (40 letters and digits).
    pub admin_key: Option<String>,
    /// Secret for API key hashes; read from `<data_dir>/pepper` (created on
    /// first start) unless given.
    pub pepper: Option<Vec<u8>>,
    pub http: HttpConfig,
    pub max_connections: u32,
}

impl Config {
    pub fn with_defaults(data_dir: PathBuf) -> Config {
        let database_url = format!("sqlite://{}", data_dir.join("fyr.db").display());
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url,
            data_dir,
            host_org_name: "ORGNAME".to_string(),
            admin_email: "admin@admin.test".to_string(),
            admin_key: None,
            pepper: None,
            http: HttpConfig::default(),
            max_connections: 8,
        }
    }
}

/// Writes a file readable only by its owner.
fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    opts.mode(0o600);
    let mut f = opts.open(path).with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(contents)?;
    Ok(())
}

/// The pepper for key hashes: given, or `<data_dir>/pepper`, created once.
pub fn load_pepper(config: &Config) -> Result<Pepper> {
    if let Some(p) = &config.pepper {
        return Ok(Pepper::new(p.clone()));
    }
    let path = config.data_dir.join("pepper");
    if path.exists() {
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let bytes = hex::decode(text.trim()).with_context(|| format!("{} is not hex", path.display()))?;
        if bytes.len() < 16 {
            bail!("{} is too short (at least 16 bytes of hex needed)", path.display());
        }
        return Ok(Pepper::new(bytes));
    }
    let bytes = SystemEnv.random_bytes(32);
    write_private(&path, hex::encode(&bytes).as_bytes())?;
    Ok(Pepper::new(bytes))
}

/// Opens the store and runs migrations.
pub async fn open_store(config: &Config) -> Result<SqlStore> {
    if !config.database_url.starts_with("postgres") {
        std::fs::create_dir_all(&config.data_dir).with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    }
    SqlStore::connect(&config.database_url, &ConnectOptions { max_connections: config.max_connections })
        .await
        .with_context(|| "cannot open the database")
}

/// The core with the real environment.
pub async fn open_core(config: &Config) -> Result<Core<SqlStore>> {
    std::fs::create_dir_all(&config.data_dir).with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    let pepper = load_pepper(config)?;
    let store = open_store(config).await?;
    Ok(Core::new(store, Arc::new(SystemEnv), pepper))
}

/// What starting did about the admin's key.
#[derive(Debug, Clone)]
pub enum AdminKey {
    /// Written to this file (only readable by its owner).
    Written(PathBuf),
    /// The key from `FYR_ADMIN_KEY` is in place.
    FromEnvironment,
    /// The instance was already set up.
    Existing,
}

/// Creates the host organisation, roles and admin on an empty database, and
/// makes sure `FYR_ADMIN_KEY`, when given, works.
pub async fn bootstrap(core: &Core<SqlStore>, config: &Config) -> Result<AdminKey> {
    use fyr_store::IdentityStore;
    let b = Bootstrap {
        host_org_name: config.host_org_name.clone(),
        admin_email: config.admin_email.clone(),
        admin_key: config.admin_key.clone(),
    };
    match core.bootstrap(&b).await.map_err(|e| anyhow::anyhow!("{e}"))? {
        BootstrapOutcome::Created { admin_key } => {
            if config.admin_key.is_some() {
                return Ok(AdminKey::FromEnvironment);
            }
            let path = config.data_dir.join("admin.key");
            write_private(&path, format!("{admin_key}\n").as_bytes())?;
            Ok(AdminKey::Written(path))
        }
        BootstrapOutcome::AlreadyInitialised => {
            if let Some(key) = &config.admin_key {
                let hash = fyr_core::auth::key_hash(&core.pepper, key);
                if core.store.key_owner(&hash).await?.is_none() {
                    let admin = core
                        .store
                        .user_by_email(&config.admin_email)
                        .await?
                        .with_context(|| format!("FYR_ADMIN_KEY is set but there is no user {}", config.admin_email))?;
                    if !fyr_core::auth::is_key_shaped(key) {
                        bail!("FYR_ADMIN_KEY must be 40 letters and digits");
                    }
                    let (_, record) = fyr_core::auth::new_key(core.env.as_ref(), &core.pepper, admin.id, Some(key));
                    core.store.insert_auth_key(&record, &core.system_audit("add", "AuthKey", 0, "Admin key from FYR_ADMIN_KEY")).await?;
                }
                return Ok(AdminKey::FromEnvironment);
            }
            Ok(AdminKey::Existing)
        }
    }
}

/// A running server.
pub struct Running {
    pub addr: SocketAddr,
    pub admin_key: AdminKey,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    pub core: Core<SqlStore>,
}

impl Running {
    /// Stops the server and waits for it.
    pub async fn stop(mut self) -> Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.await.context("server task panicked")??;
        self.core.store.close().await;
        Ok(())
    }
}

/// Opens everything and starts serving on `config.listen` (port 0 picks one).
pub async fn start(config: Config) -> Result<Running> {
    let core = open_core(&config).await?;
    let admin_key = bootstrap(&core, &config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen).await.with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let state = AppState { core: core.clone(), config: Arc::new(config.http.clone()) };
    let task = tokio::spawn(fyr_http::serve(listener, state, async move {
        let _ = rx.await;
    }));
    Ok(Running { addr, admin_key, shutdown: Some(tx), task, core })
}

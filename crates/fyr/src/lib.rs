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
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
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
    pub exposure: ExposureFiles,
}

/// Exposure notifications: files to read and where notices go.
#[derive(Debug, Clone)]
pub struct ExposureFiles {
    /// Shadowserver's report schema (`reports.json`).
    pub schema: Option<PathBuf>,
    /// Shadowserver's default severities (`severity.md`); default: beside the schema.
    pub severity: Option<PathBuf>,
    /// A directory watched for report files (`<inbox>/<source>/<file>`).
    pub inbox: Option<PathBuf>,
    /// `smtp://host:port` (with `?tls=required` for STARTTLS) or `smtps://host:port`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// This instance's public base URL (with the base path), for links in
    /// notices; default [`default_public_url`].
    pub public_url: Option<String>,
    pub sender_name: String,
    /// Run the background workers (imports from the inbox, notifications).
    pub workers: bool,
    pub worker_interval: std::time::Duration,
    /// `FYR_WEBHOOK_ALLOW_PRIVATE`: webhooks may go to loopback, private,
    /// link-local and other non-public addresses (off: refused).
    pub webhook_allow_private: bool,
}

impl Default for ExposureFiles {
    fn default() -> Self {
        ExposureFiles {
            schema: None,
            severity: None,
            inbox: None,
            smtp_url: None,
            mail_from: "fyr <fyr@localhost>".to_string(),
            public_url: None,
            sender_name: "fyr".to_string(),
            workers: true,
            worker_interval: std::time::Duration::from_secs(15),
            webhook_allow_private: false,
        }
    }
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
            exposure: ExposureFiles::default(),
        }
    }
}

/// A secret setting given either directly (`value`, from `VAR` or its flag)
/// or as a file (`file`, from `VAR_FILE`): the file's contents, trimmed.
/// Both at once is an error naming both variables, as is an empty file.
pub fn secret_setting(var: &str, value: Option<String>, file: Option<&Path>) -> Result<Option<String>> {
    match (value, file) {
        (Some(_), Some(_)) => bail!("{var} and {var}_FILE are both set; set only one of them"),
        (Some(v), None) => Ok(Some(v)),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("{var}_FILE: cannot read {}", path.display()))?;
            let v = text.trim();
            if v.is_empty() {
                bail!("{var}_FILE: {} is empty", path.display());
            }
            Ok(Some(v.to_string()))
        }
        (None, None) => Ok(None),
    }
}

/// The public URL when none is configured: `http://<listen address><base
/// path>`, with the loopback address in place of an unspecified one
/// (`0.0.0.0`, `[::]`), which no browser can reach. Links built on it work
/// only on this machine: [`start`] warns when the address is unspecified.
pub fn default_public_url(listen: SocketAddr, base_path: &str) -> String {
    let ip = match listen.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let base = base_path.trim_end_matches('/');
    let base = if base.is_empty() || base.starts_with('/') { base.to_string() } else { format!("/{base}") };
    format!("http://{}{base}", SocketAddr::new(ip, listen.port()))
}

/// The base URL of links in notices: `FYR_PUBLIC_URL`, or the default.
pub fn public_url(config: &Config) -> String {
    match &config.exposure.public_url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => default_public_url(config.listen, &config.http.base_path),
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

/// Reads the exposure schema and severity table named in the configuration.
pub fn exposure_config(config: &Config, public_url: &str) -> Result<fyr_core::exposure::ExposureConfig> {
    use fyr_formats::exposure::{ShadowserverSchema, parse_severity_table};
    let f = &config.exposure;
    let schema = match &f.schema {
        Some(p) => {
            let file = std::fs::File::open(p).with_context(|| format!("cannot read the Shadowserver schema {}", p.display()))?;
            Some(
                ShadowserverSchema::from_reader(std::io::BufReader::new(file))
                    .with_context(|| format!("{} is not a report schema", p.display()))?,
            )
        }
        None => None,
    };
    let severity_path =
        f.severity.clone().or_else(|| f.schema.as_ref().and_then(|p| p.parent().map(|d| d.join("severity.md"))).filter(|p| p.exists()));
    let severities = match &severity_path {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
            parse_severity_table(&text).with_context(|| format!("{} is not a severity table", p.display()))?
        }
        None => Default::default(),
    };
    Ok(fyr_core::exposure::ExposureConfig {
        schema,
        severities,
        public_url: public_url.trim_end_matches('/').to_string(),
        sender_name: f.sender_name.clone(),
    })
}

/// The core with the real environment.
pub async fn open_core(config: &Config) -> Result<Core<SqlStore>> {
    std::fs::create_dir_all(&config.data_dir).with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    let pepper = load_pepper(config)?;
    let store = open_store(config).await?;
    Ok(Core::new(store, Arc::new(SystemEnv), pepper).with_exposure(exposure_config(config, &public_url(config))?))
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

/// What the notification sender is made from.
pub fn sender_config<'a>(f: &'a ExposureFiles, public_url: &'a str) -> fyr_workers::deliver::SenderConfig<'a> {
    use fyr_workers::destination::WebhookPolicy;
    fyr_workers::deliver::SenderConfig {
        smtp_url: f.smtp_url.as_deref(),
        mail_from: &f.mail_from,
        public_url,
        sender_name: &f.sender_name,
        webhook_policy: if f.webhook_allow_private { WebhookPolicy::AllowPrivate } else { WebhookPolicy::PublicOnly },
    }
}

/// A running server.
pub struct Running {
    pub addr: SocketAddr,
    pub admin_key: AdminKey,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    workers: Option<(tokio::sync::watch::Sender<bool>, tokio::task::JoinHandle<()>)>,
    pub core: Core<SqlStore>,
}

impl Running {
    /// Stops the server and waits for it.
    pub async fn stop(mut self) -> Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some((stop, task)) = self.workers.take() {
            let _ = stop.send(true);
            let _ = task.await;
        }
        self.task.await.context("server task panicked")??;
        self.core.store.close().await;
        Ok(())
    }
}

/// Opens everything and starts serving on `config.listen` (port 0 picks one).
pub async fn start(mut config: Config) -> Result<Running> {
    let started_at = SystemEnv.now();
    let listener = tokio::net::TcpListener::bind(config.listen).await.with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    // Links in notices point here unless a public URL is configured.
    config.listen = addr;
    if config.exposure.public_url.is_none() && addr.ip().is_unspecified() {
        tracing::warn!(
            listen = %addr,
            links = %public_url(&config),
            "FYR_PUBLIC_URL is not set and fyr listens on all addresses: the preferences and unsubscribe links in notices \
             point to this machine's loopback address. Set FYR_PUBLIC_URL to the URL people reach fyr at."
        );
    }
    let core = open_core(&config).await?;
    let admin_key = bootstrap(&core, &config).await?;
    let workers = if config.exposure.workers {
        let f = &config.exposure;
        let public_url = core.exposure.config.public_url.clone();
        let sender = fyr_workers::deliver::Sender::new(&sender_config(f, &public_url)).map_err(anyhow::Error::msg)?;
        let cfg = fyr_workers::run::WorkerConfig { inbox: f.inbox.clone(), sender, interval: f.worker_interval, started_at };
        let (stop, rx) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(fyr_workers::run::run(core.clone(), cfg, rx));
        Some((stop, task))
    } else {
        None
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let state = AppState { core: core.clone(), config: Arc::new(config.http.clone()) };
    let task = tokio::spawn(fyr_http::serve(listener, state, async move {
        let _ = rx.await;
    }));
    Ok(Running { addr, admin_key, shutdown: Some(tx), task, workers, core })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_public_url_has_the_base_path_and_a_reachable_host() {
        let at = |s: &str| s.parse::<SocketAddr>().unwrap();
        assert_eq!(default_public_url(at("127.0.0.1:8080"), ""), "http://127.0.0.1:8080");
        assert_eq!(default_public_url(at("127.0.0.1:8080"), "/misp"), "http://127.0.0.1:8080/misp");
        assert_eq!(default_public_url(at("127.0.0.1:8080"), "/misp/"), "http://127.0.0.1:8080/misp");
        assert_eq!(default_public_url(at("0.0.0.0:8080"), "/misp"), "http://127.0.0.1:8080/misp");
        assert_eq!(default_public_url(at("[::]:8443"), ""), "http://[::1]:8443");
        assert_eq!(default_public_url(at("192.0.2.7:80"), "x"), "http://192.0.2.7:80/x");
        let mut c = Config::with_defaults(PathBuf::from("/nonexistent"));
        c.http.base_path = "/misp".into();
        assert_eq!(public_url(&c), "http://127.0.0.1:8080/misp");
        // A configured URL is taken as it is (it names the base path itself).
        c.exposure.public_url = Some("https://fyr.example.se/misp/".into());
        assert_eq!(public_url(&c), "https://fyr.example.se/misp");
    }

    #[test]
    fn secrets_from_files() {
        let dir = std::env::temp_dir().join(format!("fyr-secrets-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("smtp");
        std::fs::write(&file, "  smtp://user:pw@mail.example:25\n").unwrap();
        assert_eq!(
            secret_setting("FYR_SMTP_URL", None, Some(&file)).unwrap().as_deref(),
            Some("smtp://user:pw@mail.example:25"),
            "read and trimmed"
        );
        assert_eq!(secret_setting("FYR_SMTP_URL", Some("x".into()), None).unwrap().as_deref(), Some("x"));
        assert_eq!(secret_setting("FYR_SMTP_URL", None, None).unwrap(), None);
        let both = secret_setting("FYR_SMTP_URL", Some("x".into()), Some(&file)).unwrap_err().to_string();
        assert!(both.contains("FYR_SMTP_URL and FYR_SMTP_URL_FILE"), "{both}");
        let empty = dir.join("empty");
        std::fs::write(&empty, "\n").unwrap();
        assert!(secret_setting("FYR_ADMIN_KEY", None, Some(&empty)).unwrap_err().to_string().contains("FYR_ADMIN_KEY_FILE"));
        let missing = secret_setting("FYR_ADMIN_KEY", None, Some(&dir.join("nope"))).unwrap_err().to_string();
        assert!(missing.contains("FYR_ADMIN_KEY_FILE"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

//! The `fyr` command: `fyr serve`, `fyr migrate`, `fyr admin …`.

/// jemalloc keeps the resident size close to what is in use when imports
/// allocate and free many small strings in large batches (glibc's malloc
/// let it grow with the file in `fyr-bench exposure`).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

mod cli_admin;
mod cli_exposure;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use fyr::{AdminKey, Config};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "fyr", version, about = "fyr: a national platform for sharing cyber-security information, wire-compatible with MISP")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives; shared by every subcommand.
#[derive(Args, Debug, Clone)]
pub struct Storage {
    /// Directory for the embedded database and secrets.
    #[arg(long, env = "FYR_DATA_DIR", default_value = "./fyr-data")]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://PATH` (default: fyr.db in the data directory) or `postgres://…`.
    #[arg(long, env = "FYR_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// File holding the database URL (it may carry a password), instead of FYR_DATABASE_URL.
    #[arg(long, env = "FYR_DATABASE_URL_FILE")]
    pub database_url_file: Option<PathBuf>,
    /// File holding the secret pepper for API key hashes (hex); default `<data-dir>/pepper`.
    #[arg(long, env = "FYR_PEPPER_FILE")]
    pub pepper_file: Option<PathBuf>,
    /// Name of the host organisation created on first start.
    #[arg(long, env = "FYR_HOST_ORG", default_value = "ORGNAME")]
    pub host_org: String,
    /// E-mail of the site administrator created on first start.
    #[arg(long, env = "FYR_ADMIN_EMAIL", default_value = "admin@admin.test")]
    pub admin_email: String,
}

impl Storage {
    pub fn config(&self) -> Result<Config> {
        let mut c = Config::with_defaults(self.data_dir.clone());
        if let Some(url) = fyr::secret_setting("FYR_DATABASE_URL", self.database_url.clone(), self.database_url_file.as_deref())? {
            c.database_url = url;
        }
        c.host_org_name = self.host_org.clone();
        c.admin_email = self.admin_email.clone();
        if let Some(p) = &self.pepper_file {
            let text = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
            c.pepper = Some(hex::decode(text.trim()).with_context(|| format!("{} is not hex", p.display()))?);
        }
        Ok(c)
    }
}

/// Exposure notifications: input files and where notices go.
#[derive(Args, Debug, Clone)]
pub struct ExposureArgs {
    /// Shadowserver's report schema (reports.json), needed to import Shadowserver reports.
    #[arg(long, env = "FYR_SHADOWSERVER_SCHEMA")]
    pub shadowserver_schema: Option<PathBuf>,
    /// Shadowserver's severity table (severity.md); default: beside the schema.
    #[arg(long, env = "FYR_SHADOWSERVER_SEVERITY")]
    pub shadowserver_severity: Option<PathBuf>,
    /// Directory watched for report files: <inbox>/<source name>/<file>.
    #[arg(long, env = "FYR_EXPOSURE_INBOX")]
    pub exposure_inbox: Option<PathBuf>,
    /// SMTP server for notices: smtp://host:port, smtp://host:port?tls=required, smtps://host:port
    /// (credentials as smtp://user:password@host:port).
    #[arg(long, env = "FYR_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// File holding the SMTP URL (with its credentials), instead of FYR_SMTP_URL.
    #[arg(long, env = "FYR_SMTP_URL_FILE")]
    pub smtp_url_file: Option<PathBuf>,
    /// Sender address of notices.
    #[arg(long, env = "FYR_MAIL_FROM", default_value = "fyr <fyr@localhost>")]
    pub mail_from: String,
    /// This instance's public URL including FYR_BASE_PATH, for links in notices
    /// (default: http://<listen address><base path>, loopback for 0.0.0.0 and [::]).
    #[arg(long, env = "FYR_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Who notices come from ("CERT-SE").
    #[arg(long, env = "FYR_SENDER_NAME", default_value = "fyr")]
    pub sender_name: String,
    /// DNS server for domain verification (default: the system's resolver).
    #[arg(long, env = "FYR_DNS_SERVER")]
    pub dns_server: Option<SocketAddr>,
    /// Largest report file accepted by upload, in bytes.
    #[arg(long, env = "FYR_MAX_IMPORT_BYTES", default_value_t = 4 * 1024 * 1024 * 1024)]
    pub max_import_bytes: u64,
    /// Seconds between runs of the background workers.
    #[arg(long, env = "FYR_WORKER_INTERVAL", default_value_t = 15)]
    pub worker_interval: u64,
    /// Let webhooks go to loopback, private, link-local and other non-public addresses
    /// (refused by default: an organisation could otherwise make fyr send requests inside its network).
    #[arg(long, env = "FYR_WEBHOOK_ALLOW_PRIVATE", action = clap::ArgAction::SetTrue, value_parser = clap::builder::BoolishValueParser::new())]
    pub webhook_allow_private: bool,
}

impl ExposureArgs {
    pub fn apply(&self, c: &mut Config) -> Result<()> {
        c.exposure.schema = self.shadowserver_schema.clone();
        c.exposure.severity = self.shadowserver_severity.clone();
        c.exposure.inbox = self.exposure_inbox.clone();
        c.exposure.smtp_url = fyr::secret_setting("FYR_SMTP_URL", self.smtp_url.clone(), self.smtp_url_file.as_deref())?;
        c.exposure.mail_from = self.mail_from.clone();
        c.exposure.public_url = self.public_url.clone();
        c.exposure.sender_name = self.sender_name.clone();
        c.exposure.worker_interval = std::time::Duration::from_secs(self.worker_interval.max(1));
        c.exposure.webhook_allow_private = self.webhook_allow_private;
        c.http.dns_server = self.dns_server;
        c.http.max_import = self.max_import_bytes;
        Ok(())
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the server.
    Serve {
        #[command(flatten)]
        storage: Storage,
        /// Address to listen on.
        #[arg(long, env = "FYR_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Largest accepted request body in bytes.
        #[arg(long, env = "FYR_MAX_BODY_BYTES", default_value_t = 64 * 1024 * 1024)]
        max_body_bytes: usize,
        /// Serve below this path prefix (e.g. /misp).
        #[arg(long, env = "FYR_BASE_PATH", default_value = "")]
        base_path: String,
        /// Database connections per process.
        #[arg(long, env = "FYR_MAX_CONNECTIONS", default_value_t = 8)]
        max_connections: u32,
        #[command(flatten)]
        exposure: ExposureArgs,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate {
        #[command(flatten)]
        storage: Storage,
    },
    /// Manage organisations, users and API keys from the shell.
    Admin {
        #[command(flatten)]
        storage: Storage,
        #[command(subcommand)]
        command: cli_admin::AdminCommand,
    },
    /// Exposure notifications from the shell: sources, asset imports, report imports.
    Exposure {
        #[command(flatten)]
        storage: Storage,
        #[command(flatten)]
        exposure: ExposureArgs,
        #[command(subcommand)]
        command: cli_exposure::ExposureCommand,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("FYR_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { storage, listen, max_body_bytes, base_path, max_connections, exposure } => {
            let mut config = storage.config()?;
            exposure.apply(&mut config)?;
            config.listen = listen;
            config.http.max_body = max_body_bytes;
            config.http.base_path = base_path.trim_end_matches('/').to_string();
            config.max_connections = max_connections;
            // From the environment or a file only, never a flag (command lines are visible to others).
            let admin_key = std::env::var("FYR_ADMIN_KEY").ok().filter(|k| !k.is_empty());
            let admin_key_file = std::env::var_os("FYR_ADMIN_KEY_FILE").filter(|f| !f.is_empty()).map(PathBuf::from);
            config.admin_key = fyr::secret_setting("FYR_ADMIN_KEY", admin_key, admin_key_file.as_deref())?;
            let running = fyr::start(config.clone()).await?;
            match &running.admin_key {
                AdminKey::Written(path) => {
                    eprintln!("fyr: created the site administrator {}; the API key is in {}", config.admin_email, path.display())
                }
                AdminKey::FromEnvironment => {
                    eprintln!("fyr: the site administrator's API key is the one in FYR_ADMIN_KEY (or FYR_ADMIN_KEY_FILE)")
                }
                AdminKey::Existing => {}
            }
            eprintln!("fyr: listening on http://{} (database: {})", running.addr, redact(&config.database_url));
            tokio::signal::ctrl_c().await.context("cannot wait for Ctrl-C")?;
            eprintln!("fyr: shutting down");
            running.stop().await
        }
        Command::Migrate { storage } => {
            let config = storage.config()?;
            fyr::open_store(&config).await?;
            eprintln!("fyr: database schema is up to date");
            Ok(())
        }
        Command::Admin { storage, command } => {
            let config = storage.config()?;
            let core = fyr::open_core(&config).await?;
            fyr::bootstrap(&core, &config).await?;
            let done = cli_admin::run(&core, command).await;
            core.store.close().await;
            done
        }
        Command::Exposure { storage, exposure, command } => {
            let mut config = storage.config()?;
            exposure.apply(&mut config)?;
            let core = fyr::open_core(&config).await?;
            fyr::bootstrap(&core, &config).await?;
            // Closing lets SQLite copy an import's log into the database
            // before the process ends (no checkpointer runs after it).
            let done = cli_exposure::run(&core, &config, command).await;
            core.store.close().await;
            done
        }
    }
}

/// A database URL without its password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

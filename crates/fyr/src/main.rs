//! The `fyr` command: `fyr serve`, `fyr migrate`, `fyr admin …`.

mod cli_admin;

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
    #[arg(long, env = "FYR_DATABASE_URL")]
    pub database_url: Option<String>,
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
        if let Some(url) = &self.database_url {
            c.database_url = url.clone();
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
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("FYR_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { storage, listen, max_body_bytes, base_path, max_connections } => {
            let mut config = storage.config()?;
            config.listen = listen;
            config.http.max_body = max_body_bytes;
            config.http.base_path = base_path.trim_end_matches('/').to_string();
            config.max_connections = max_connections;
            config.admin_key = std::env::var("FYR_ADMIN_KEY").ok().filter(|k| !k.is_empty());
            let running = fyr::start(config.clone()).await?;
            match &running.admin_key {
                AdminKey::Written(path) => {
                    eprintln!("fyr: created the site administrator {}; the API key is in {}", config.admin_email, path.display())
                }
                AdminKey::FromEnvironment => eprintln!("fyr: the site administrator's API key is the one in FYR_ADMIN_KEY"),
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
            cli_admin::run(&core, command).await
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

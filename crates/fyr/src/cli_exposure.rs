//! `fyr exposure …`: configure sources, import asset registrations and
//! report files from the shell. Commands act as the site administrator
//! (they run on the server, with its configuration) and are audited.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use fyr::Config;
use fyr_core::exposure::assets::AssetRequest;
use fyr_core::exposure::ingest::ImportRequest;
use fyr_core::exposure::sources::SourceRequest;
use fyr_core::{Actor, Core, Origin};
use fyr_store::*;
use fyr_store_sql::SqlStore;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum ExposureCommand {
    /// Configure a source of exposure data.
    SourceAdd {
        #[arg(long)]
        name: String,
        /// shadowserver, csv or jsonl.
        #[arg(long, default_value = "shadowserver")]
        format: String,
        #[arg(long, default_value = "")]
        provider: String,
        #[arg(long, default_value = "amber")]
        tlp: String,
        #[arg(long, default_value = "medium")]
        default_severity: String,
        /// Matched by domain only (shared hosting, CDNs).
        #[arg(long)]
        website_content: bool,
        /// A JSON file with the column mapping of a csv or jsonl source.
        #[arg(long)]
        mapping: Option<PathBuf>,
    },
    /// List sources.
    SourceList,
    /// Import one report file into a source.
    Import {
        #[arg(long)]
        source: String,
        /// The report type, if the file name does not carry it.
        #[arg(long)]
        report_type: Option<String>,
        file: PathBuf,
    },
    /// Register assets from CSV lines `kind,value[,valid_until][,comment]`.
    AssetsImport {
        /// Organisation id, uuid or name.
        #[arg(long)]
        org: String,
        file: PathBuf,
    },
    /// Register one asset (approved: the command runs as CERT staff).
    AssetAdd {
        #[arg(long)]
        org: String,
        /// cidr, asn or domain.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        value: String,
    },
}

async fn admin_actor(core: &Core<SqlStore>, config: &Config) -> Result<Actor> {
    let user = core.store.user_by_email(&config.admin_email).await?.with_context(|| format!("no user {}", config.admin_email))?;
    core.actor_for(user, false, &Origin { ip: None, request_id: "cli".into() }).await.map_err(|e| anyhow::anyhow!("{e}"))
}

pub async fn run(core: &Core<SqlStore>, config: &Config, cmd: ExposureCommand) -> Result<()> {
    let e = |e: fyr_core::CoreError| anyhow::anyhow!("{e}");
    let actor = admin_actor(core, config).await?;
    match cmd {
        ExposureCommand::SourceAdd { name, format, provider, tlp, default_severity, website_content, mapping } => {
            let mapping = match mapping {
                Some(p) => {
                    let text = std::fs::read_to_string(&p).with_context(|| format!("cannot read {}", p.display()))?;
                    Some(serde_json::from_str(&text).with_context(|| format!("{} is not JSON", p.display()))?)
                }
                None => None,
            };
            let r = SourceRequest {
                name: Some(name),
                provider: Some(provider),
                format: Some(format),
                tlp: Some(tlp),
                default_severity: Some(default_severity),
                website_content: Some(website_content),
                mapping,
                enabled: Some(true),
            };
            let s = core.create_source(&actor, &r).await.map_err(e)?;
            println!("{}\t{}\t{}", s.id, s.name, s.format);
        }
        ExposureCommand::SourceList => {
            for s in core.list_sources(&actor).await.map_err(e)? {
                println!("{}\t{}\t{}\tTLP:{}\t{}", s.id, s.name, s.format, s.tlp, if s.enabled { "enabled" } else { "disabled" });
            }
        }
        ExposureCommand::Import { source, report_type, file } => {
            let filename = file.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
            let req = ImportRequest { source, filename, report_type, via: "cli".into() };
            let job = core.begin_import(Some(&actor), &req).await.map_err(e)?;
            let f = std::fs::File::open(&file).with_context(|| format!("cannot open {}", file.display()))?;
            let import = fyr_workers::ingest::run_import(core, job, Box::new(f)).await.map_err(e)?;
            println!("{}", serde_json::to_string_pretty(&fyr_workers::inbox::import_report(&import))?);
            if import.status != "done" {
                bail!("the import failed: {}", import.message);
            }
        }
        ExposureCommand::AssetsImport { org, file } => {
            let org = core.find_org(&org).await.map_err(e)?.with_context(|| format!("no organisation {org:?}"))?;
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let r = core.import_assets_csv(&actor, Some(org.id), &text).await.map_err(e)?;
            for a in &r.created {
                println!("{}\t{}\t{}\t{}", a.id, a.kind, a.value, a.status);
            }
            for (line, m) in &r.errors {
                eprintln!("line {line}: {m}");
            }
            if !r.errors.is_empty() {
                bail!("{} line(s) could not be registered", r.errors.len());
            }
        }
        ExposureCommand::AssetAdd { org, kind, value } => {
            let org = core.find_org(&org).await.map_err(e)?.with_context(|| format!("no organisation {org:?}"))?;
            let a = core
                .register_asset(&actor, Some(org.id), &AssetRequest { kind, value, valid_until: 0, comment: String::new() })
                .await
                .map_err(e)?;
            println!("{}\t{}\t{}\t{}", a.id, a.kind, a.value, a.status);
        }
    }
    Ok(())
}

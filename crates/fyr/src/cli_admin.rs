//! `fyr admin …`: organisations, users and API keys from the shell. Clear
//! keys are printed once, on standard output, and never logged.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use fyr_core::Core;
use fyr_core::admin::{KeyOptions, NewOrg, NewUser};
use fyr_store::*;
use fyr_store_sql::SqlStore;

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an organisation.
    OrgAdd {
        #[arg(long)]
        name: String,
        #[arg(long)]
        uuid: Option<uuid::Uuid>,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long, default_value = "")]
        sector: String,
        #[arg(long, default_value = "")]
        nationality: String,
        /// An external organisation (known from sharing, no users here).
        #[arg(long)]
        external: bool,
    },
    /// List organisations.
    OrgList,
    /// Create a user with a first API key (printed once).
    UserAdd {
        #[arg(long)]
        email: String,
        /// Organisation id, uuid or name.
        #[arg(long)]
        org: String,
        /// Role id (1 admin, 2 Org Admin, 3 User, 4 Publisher, 5 Sync user, 6 Read Only); default: the default role.
        #[arg(long)]
        role: Option<i64>,
    },
    /// List users.
    UserList,
    /// Add an API key for a user (printed once).
    KeyAdd {
        #[arg(long)]
        email: String,
        /// Allowed client addresses or CIDRs (repeatable).
        #[arg(long = "allow")]
        allowed_ips: Vec<String>,
        /// The key stops working at this UNIX time.
        #[arg(long, default_value_t = 0)]
        expires: i64,
        #[arg(long)]
        read_only: bool,
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Revoke all keys of a user and print a new one.
    KeyReset {
        #[arg(long)]
        email: String,
    },
}

pub async fn run(core: &Core<SqlStore>, cmd: AdminCommand) -> Result<()> {
    let e = |e: fyr_core::CoreError| anyhow::anyhow!("{e}");
    match cmd {
        AdminCommand::OrgAdd { name, uuid, description, sector, nationality, external } => {
            let org = core
                .create_org(None, NewOrg { name, uuid, description, sector, nationality, local: !external, ..NewOrg::default() })
                .await
                .map_err(e)?;
            println!("{}\t{}\t{}", org.id, org.uuid, org.name);
        }
        AdminCommand::OrgList => {
            for o in core.store.orgs(&OrgFilter::default()).await? {
                println!("{}\t{}\t{}\t{}", o.id, o.uuid, if o.local { "local" } else { "external" }, o.name);
            }
        }
        AdminCommand::UserAdd { email, org, role } => {
            let org = core.find_org(&org).await.map_err(e)?.with_context(|| format!("no organisation {org:?}"))?;
            let (user, key) =
                core.create_user(None, NewUser { email, org_id: org.id, role_id: role, ..NewUser::default() }).await.map_err(e)?;
            eprintln!("created user {} ({}) in {}; API key:", user.id, user.email, org.name);
            println!("{key}");
        }
        AdminCommand::UserList => {
            for u in core.store.users(&UserFilter::default()).await? {
                println!("{}\t{}\torg {}\trole {}{}", u.id, u.email, u.org_id, u.role_id, if u.disabled { "\tdisabled" } else { "" });
            }
        }
        AdminCommand::KeyAdd { email, allowed_ips, expires, read_only, comment } => {
            let Some(user) = core.store.user_by_email(&email).await? else { bail!("no user {email}") };
            let (key, _) =
                core.add_key(None, user.id, &KeyOptions { allowed_ips, expiration: expires, read_only, comment }).await.map_err(e)?;
            println!("{key}");
        }
        AdminCommand::KeyReset { email } => {
            let Some(user) = core.store.user_by_email(&email).await? else { bail!("no user {email}") };
            let (key, _) = core.reset_key(None, user.id).await.map_err(e)?;
            println!("{key}");
        }
    }
    Ok(())
}

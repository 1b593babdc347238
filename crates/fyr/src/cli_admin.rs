//! `fyr admin …`: organisations, users and API keys from the shell. Clear
//! keys are printed once, on standard output, and never logged.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use fyr_core::Core;
use fyr_core::admin::{KeyOptions, NewOrg, NewUser, OrgChanges, UserChanges};
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
    /// Change an organisation (only the options given are changed).
    OrgEdit {
        /// Organisation id, uuid or name.
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        sector: Option<String>,
        #[arg(long)]
        nationality: Option<String>,
        /// Mark the organisation as local (`true`) or external (`false`).
        #[arg(long)]
        local: Option<bool>,
        /// E-mail domains the organisation's users must have (repeatable; replaces the list).
        #[arg(long = "domain")]
        domains: Vec<String>,
    },
    /// Delete an organisation that no users, events or sharing groups refer to.
    OrgDelete {
        /// Organisation id, uuid or name.
        #[arg(long)]
        org: String,
    },
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
    /// Disable a user (their keys stop working).
    UserDisable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled user.
    UserEnable {
        #[arg(long)]
        email: String,
    },
    /// Give a user another role.
    UserRole {
        #[arg(long)]
        email: String,
        /// Role id (see `role-list`).
        #[arg(long)]
        role: i64,
    },
    /// Delete a user and their keys.
    UserDelete {
        #[arg(long)]
        email: String,
    },
    /// List roles (the default role is marked).
    RoleList,
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
        AdminCommand::OrgEdit { org, name, description, sector, nationality, local, domains } => {
            let changes = OrgChanges {
                name,
                description,
                sector,
                nationality,
                local,
                restricted_to_domain: if domains.is_empty() { None } else { Some(domains) },
                ..OrgChanges::default()
            };
            let org = core.edit_org(None, &org, changes).await.map_err(e)?;
            println!("{}\t{}\t{}\t{}", org.id, org.uuid, if org.local { "local" } else { "external" }, org.name);
        }
        AdminCommand::OrgDelete { org } => {
            let org = core.delete_org(None, &org).await.map_err(e)?;
            eprintln!("deleted organisation {} ({})", org.name, org.uuid);
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
        AdminCommand::UserDisable { email } => {
            let user = user_by_email(core, &email).await?;
            core.admin_edit_user(None, user.id, UserChanges { disabled: Some(true), ..UserChanges::default() }).await.map_err(e)?;
            eprintln!("disabled {email}");
        }
        AdminCommand::UserEnable { email } => {
            let user = user_by_email(core, &email).await?;
            core.admin_edit_user(None, user.id, UserChanges { disabled: Some(false), ..UserChanges::default() }).await.map_err(e)?;
            eprintln!("enabled {email}");
        }
        AdminCommand::UserRole { email, role } => {
            let user = user_by_email(core, &email).await?;
            core.admin_edit_user(None, user.id, UserChanges { role_id: Some(role), ..UserChanges::default() }).await.map_err(e)?;
            eprintln!("{email} now has role {role}");
        }
        AdminCommand::UserDelete { email } => {
            let user = user_by_email(core, &email).await?;
            core.delete_user(None, user.id).await.map_err(e)?;
            eprintln!("deleted {email}");
        }
        AdminCommand::RoleList => {
            let (roles, default_role) = core.list_roles().await.map_err(e)?;
            for r in roles {
                println!("{}\t{}{}", r.id, r.name, if r.id == default_role { "\t(default)" } else { "" });
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

async fn user_by_email(core: &Core<SqlStore>, email: &str) -> Result<User> {
    core.store.user_by_email(email).await?.with_context(|| format!("no user {email}"))
}

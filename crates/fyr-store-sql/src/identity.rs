//! Settings, organisations, roles, users, API keys and the audit log.

use crate::rowext::RowExt;
use crate::{SqlStore, db_err, with_pool};
use fyr_store::*;
use uuid::Uuid;

const AUDIT_INSERT: &str = "INSERT INTO audit_log (created, user_id, org_id, email, ip, request_id, action, model, model_id, title, change) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Writes an audit record on `$conn` (a pool or a transaction), with
/// `model_id` replaced by `$id` when given.
macro_rules! write_audit {
    ($conn:expr, $a:expr) => {
        write_audit!($conn, $a, $a.model_id)
    };
    ($conn:expr, $a:expr, $id:expr) => {
        sqlx::query($crate::identity::AUDIT_INSERT_SQL)
            .bind($a.created)
            .bind($a.user_id)
            .bind($a.org_id)
            .bind($a.email.as_str())
            .bind($a.ip.as_str())
            .bind($a.request_id.as_str())
            .bind($a.action.as_str())
            .bind($a.model.as_str())
            .bind($id)
            .bind($a.title.as_str())
            .bind($a.change.as_str())
            .execute($conn)
            .await
            .map_err($crate::db_err)?
    };
}
pub(crate) use write_audit;
pub(crate) const AUDIT_INSERT_SQL: &str = AUDIT_INSERT;

fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

const ORG_COLS: &str = "id, uuid, name, description, org_type, nationality, sector, contacts, local, restricted_to_domain, landingpage, created_by, created, modified";

fn org_from(r: &impl RowExt) -> StoreResult<Organisation> {
    Ok(Organisation {
        id: r.i64("id")?,
        uuid: r.uuid("uuid")?,
        name: r.text("name")?,
        description: r.text("description")?,
        org_type: r.text("org_type")?,
        nationality: r.text("nationality")?,
        sector: r.text("sector")?,
        contacts: r.text("contacts")?,
        local: r.boolean("local")?,
        restricted_to_domain: r.string_list("restricted_to_domain")?,
        landingpage: r.text("landingpage")?,
        created_by: r.i64("created_by")?,
        created: r.i64("created")?,
        modified: r.i64("modified")?,
    })
}

const ROLE_COLS: &str = "id, name, perms, default_role, restricted_to_site_admin, enforce_rate_limit, rate_limit_count, memory_limit, max_execution_time, created, modified";

fn role_from(r: &impl RowExt) -> StoreResult<Role> {
    let perms = r.text("perms")?;
    Ok(Role {
        id: r.i64("id")?,
        name: r.text("name")?,
        perms: serde_json::from_str(&perms).map_err(|e| StoreError::Backend(format!("role perms: {e}")))?,
        default_role: r.boolean("default_role")?,
        restricted_to_site_admin: r.boolean("restricted_to_site_admin")?,
        enforce_rate_limit: r.boolean("enforce_rate_limit")?,
        rate_limit_count: r.i64("rate_limit_count")?,
        memory_limit: r.text("memory_limit")?,
        max_execution_time: r.text("max_execution_time")?,
        created: r.i64("created")?,
        modified: r.i64("modified")?,
    })
}

const USER_COLS: &str = "id, org_id, role_id, email, password_hash, disabled, change_pw, termsaccepted, autoalert, contactalert, nids_sid, gpgkey, certif_public, totp_secret, invited_by, created, last_login, date_modified";

fn user_from(r: &impl RowExt) -> StoreResult<User> {
    Ok(User {
        id: r.i64("id")?,
        org_id: r.i64("org_id")?,
        role_id: r.i64("role_id")?,
        email: r.text("email")?,
        password_hash: r.opt_text("password_hash")?,
        disabled: r.boolean("disabled")?,
        change_pw: r.boolean("change_pw")?,
        termsaccepted: r.boolean("termsaccepted")?,
        autoalert: r.boolean("autoalert")?,
        contactalert: r.boolean("contactalert")?,
        nids_sid: r.i64("nids_sid")?,
        gpgkey: r.text("gpgkey")?,
        certif_public: r.text("certif_public")?,
        totp_secret: r.opt_text("totp_secret")?,
        invited_by: r.i64("invited_by")?,
        created: r.i64("created")?,
        last_login: r.i64("last_login")?,
        date_modified: r.i64("date_modified")?,
    })
}

const KEY_COLS: &str = "id, uuid, user_id, authkey_start, authkey_end, key_hash, allowed_ips, expiration, read_only, comment, created";

fn key_from(r: &impl RowExt) -> StoreResult<AuthKey> {
    Ok(AuthKey {
        id: r.i64("id")?,
        uuid: r.uuid("uuid")?,
        user_id: r.i64("user_id")?,
        authkey_start: r.text("authkey_start")?,
        authkey_end: r.text("authkey_end")?,
        key_hash: r.text("key_hash")?,
        allowed_ips: r.string_list("allowed_ips")?,
        expiration: r.i64("expiration")?,
        read_only: r.boolean("read_only")?,
        comment: r.text("comment")?,
        created: r.i64("created")?,
    })
}

const AUDIT_COLS: &str = "id, created, user_id, org_id, email, ip, request_id, action, model, model_id, title, change";

fn audit_from(r: &impl RowExt) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        id: r.i64("id")?,
        created: r.i64("created")?,
        user_id: r.i64("user_id")?,
        org_id: r.i64("org_id")?,
        email: r.text("email")?,
        ip: r.text("ip")?,
        request_id: r.text("request_id")?,
        action: r.text("action")?,
        model: r.text("model")?,
        model_id: r.i64("model_id")?,
        title: r.text("title")?,
        change: r.text("change")?,
    })
}

fn id_list_sql(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

#[async_trait::async_trait]
impl IdentityStore for SqlStore {
    async fn setting(&self, name: &str) -> StoreResult<Option<serde_json::Value>> {
        with_pool!(self, p => {
            let row = sqlx::query("SELECT value FROM settings WHERE name = $1").bind(name).fetch_optional(p).await.map_err(db_err)?;
            match row {
                None => Ok(None),
                Some(r) => {
                    let text = r.text("value")?;
                    serde_json::from_str(&text).map(Some).map_err(|e| StoreError::Backend(format!("setting {name}: {e}")))
                }
            }
        })
    }

    async fn set_setting(&self, name: &str, value: &serde_json::Value, audit: &AuditEntry) -> StoreResult<()> {
        let text = value.to_string();
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
                .bind(name).bind(text.as_str()).execute(&mut *tx).await.map_err(db_err)?;
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn settings(&self) -> StoreResult<Vec<(String, serde_json::Value)>> {
        with_pool!(self, p => {
            let rows = sqlx::query("SELECT name, value FROM settings ORDER BY name").fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(|r| {
                let name = r.text("name")?;
                let text = r.text("value")?;
                let v = serde_json::from_str(&text).map_err(|e| StoreError::Backend(format!("setting {name}: {e}")))?;
                Ok((name, v))
            }).collect()
        })
    }

    async fn insert_org(&self, org: &Organisation, audit: &AuditEntry) -> StoreResult<i64> {
        let rtd = json_list(&org.restricted_to_domain);
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row = sqlx::query("INSERT INTO organisations (uuid, name, description, org_type, nationality, sector, contacts, local, restricted_to_domain, landingpage, created_by, created, modified) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
                .bind(org.uuid.to_string()).bind(org.name.as_str()).bind(org.description.as_str()).bind(org.org_type.as_str())
                .bind(org.nationality.as_str()).bind(org.sector.as_str()).bind(org.contacts.as_str()).bind(org.local)
                .bind(rtd.as_str()).bind(org.landingpage.as_str()).bind(org.created_by).bind(org.created).bind(org.modified)
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            let id = row.i64("id")?;
            write_audit!(&mut *tx, audit, id);
            tx.commit().await.map_err(db_err)?;
            Ok(id)
        })
    }

    async fn update_org(&self, org: &Organisation, audit: &AuditEntry) -> StoreResult<()> {
        let rtd = json_list(&org.restricted_to_domain);
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let r = sqlx::query("UPDATE organisations SET uuid = $1, name = $2, description = $3, org_type = $4, nationality = $5, sector = $6, contacts = $7, local = $8, restricted_to_domain = $9, landingpage = $10, modified = $11 WHERE id = $12")
                .bind(org.uuid.to_string()).bind(org.name.as_str()).bind(org.description.as_str()).bind(org.org_type.as_str())
                .bind(org.nationality.as_str()).bind(org.sector.as_str()).bind(org.contacts.as_str()).bind(org.local)
                .bind(rtd.as_str()).bind(org.landingpage.as_str()).bind(org.modified).bind(org.id)
                .execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("organisation"));
            }
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn delete_org(&self, id: i64, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let r = sqlx::query("DELETE FROM organisations WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("organisation"));
            }
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn org(&self, id: i64) -> StoreResult<Option<Organisation>> {
        let sql = format!("SELECT {ORG_COLS} FROM organisations WHERE id = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| org_from(&r)).transpose()
        })
    }

    async fn org_by_uuid(&self, uuid: &Uuid) -> StoreResult<Option<Organisation>> {
        let sql = format!("SELECT {ORG_COLS} FROM organisations WHERE uuid = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(uuid.to_string()).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| org_from(&r)).transpose()
        })
    }

    async fn org_by_name(&self, name: &str) -> StoreResult<Option<Organisation>> {
        let sql = format!("SELECT {ORG_COLS} FROM organisations WHERE lower(name) = lower($1)");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(name).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| org_from(&r)).transpose()
        })
    }

    async fn orgs(&self, filter: &OrgFilter) -> StoreResult<Vec<Organisation>> {
        let mut sql = crate::sql::Sql::new(self.dialect(), &format!("SELECT {ORG_COLS} FROM organisations WHERE 1=1"));
        if let Some(local) = filter.local {
            sql.push(" AND local = ").bind(crate::sql::Arg::Bool(local));
        }
        if let Some(name) = &filter.name_contains {
            sql.push(" AND lower(name) LIKE ").bind_text(&format!("%{}%", name.to_lowercase()));
        }
        sql.push(" ORDER BY id");
        with_pool!(self, p => {
            let q = crate::sql::bind_args!(sqlx::query(&sql.text), sql.args);
            let rows = q.fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(org_from).collect()
        })
    }

    async fn orgs_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<Organisation>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!("SELECT {ORG_COLS} FROM organisations WHERE id IN ({}) ORDER BY id", id_list_sql(chunk.len()));
            with_pool!(self, p => {
                let mut q = sqlx::query(&sql);
                for id in chunk {
                    q = q.bind(*id);
                }
                for r in q.fetch_all(p).await.map_err(db_err)? {
                    out.push(org_from(&r)?);
                }
            });
        }
        Ok(out)
    }

    async fn org_usage(&self, id: i64) -> StoreResult<i64> {
        with_pool!(self, p => {
            let row = sqlx::query("SELECT (SELECT COUNT(*) FROM users WHERE org_id = $1) \
                 + (SELECT COUNT(*) FROM events WHERE org_id = $1 OR orgc_id = $1) \
                 + (SELECT COUNT(*) FROM sharing_groups WHERE org_id = $1) \
                 + (SELECT COUNT(*) FROM sharing_group_orgs WHERE org_id = $1) AS n")
                .bind(id).fetch_one(p).await.map_err(db_err)?;
            row.i64("n")
        })
    }

    async fn user_counts_by_org(&self) -> StoreResult<Vec<(i64, i64)>> {
        with_pool!(self, p => {
            let rows = sqlx::query("SELECT org_id, COUNT(*) AS n FROM users GROUP BY org_id ORDER BY org_id").fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(|r| Ok((r.i64("org_id")?, r.i64("n")?))).collect()
        })
    }

    async fn insert_role(&self, role: &Role, audit: &AuditEntry) -> StoreResult<i64> {
        let perms = serde_json::to_string(&role.perms).map_err(|e| StoreError::Invalid(e.to_string()))?;
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let q = sqlx::query("INSERT INTO roles (name, perms, default_role, restricted_to_site_admin, enforce_rate_limit, rate_limit_count, memory_limit, max_execution_time, created, modified) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id");
            let row = q.bind(role.name.as_str()).bind(perms.as_str()).bind(role.default_role).bind(role.restricted_to_site_admin)
                .bind(role.enforce_rate_limit).bind(role.rate_limit_count).bind(role.memory_limit.as_str())
                .bind(role.max_execution_time.as_str()).bind(role.created).bind(role.modified)
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            let id = row.i64("id")?;
            write_audit!(&mut *tx, audit, id);
            tx.commit().await.map_err(db_err)?;
            Ok(id)
        })
    }

    async fn update_role(&self, role: &Role, audit: &AuditEntry) -> StoreResult<()> {
        let perms = serde_json::to_string(&role.perms).map_err(|e| StoreError::Invalid(e.to_string()))?;
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let r = sqlx::query("UPDATE roles SET name = $1, perms = $2, restricted_to_site_admin = $3, enforce_rate_limit = $4, rate_limit_count = $5, memory_limit = $6, max_execution_time = $7, modified = $8 WHERE id = $9")
                .bind(role.name.as_str()).bind(perms.as_str()).bind(role.restricted_to_site_admin).bind(role.enforce_rate_limit)
                .bind(role.rate_limit_count).bind(role.memory_limit.as_str()).bind(role.max_execution_time.as_str())
                .bind(role.modified).bind(role.id)
                .execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("role"));
            }
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn delete_role(&self, id: i64, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let r = sqlx::query("DELETE FROM roles WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("role"));
            }
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn role(&self, id: i64) -> StoreResult<Option<Role>> {
        let sql = format!("SELECT {ROLE_COLS} FROM roles WHERE id = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| role_from(&r)).transpose()
        })
    }

    async fn roles(&self) -> StoreResult<Vec<Role>> {
        let sql = format!("SELECT {ROLE_COLS} FROM roles ORDER BY id");
        with_pool!(self, p => {
            let rows = sqlx::query(&sql).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(role_from).collect()
        })
    }

    async fn role_usage(&self, id: i64) -> StoreResult<i64> {
        with_pool!(self, p => {
            let row = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE role_id = $1").bind(id).fetch_one(p).await.map_err(db_err)?;
            row.i64("n")
        })
    }

    async fn set_default_role(&self, id: i64, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let exists = sqlx::query("SELECT id FROM roles WHERE id = $1").bind(id).fetch_optional(&mut *tx).await.map_err(db_err)?;
            if exists.is_none() {
                return Err(StoreError::NotFound("role"));
            }
            sqlx::query("UPDATE roles SET default_role = (id = $1)").bind(id).execute(&mut *tx).await.map_err(db_err)?;
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn insert_user(&self, u: &User, audit: &AuditEntry) -> StoreResult<i64> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row = sqlx::query("INSERT INTO users (org_id, role_id, email, password_hash, disabled, change_pw, termsaccepted, autoalert, contactalert, nids_sid, gpgkey, certif_public, totp_secret, invited_by, created, last_login, date_modified) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id")
                .bind(u.org_id).bind(u.role_id).bind(u.email.as_str()).bind(u.password_hash.as_deref()).bind(u.disabled)
                .bind(u.change_pw).bind(u.termsaccepted).bind(u.autoalert).bind(u.contactalert).bind(u.nids_sid)
                .bind(u.gpgkey.as_str()).bind(u.certif_public.as_str()).bind(u.totp_secret.as_deref()).bind(u.invited_by)
                .bind(u.created).bind(u.last_login).bind(u.date_modified)
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            let id = row.i64("id")?;
            write_audit!(&mut *tx, audit, id);
            tx.commit().await.map_err(db_err)?;
            Ok(id)
        })
    }

    async fn update_user(&self, u: &User, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let r = sqlx::query("UPDATE users SET org_id = $1, role_id = $2, email = $3, password_hash = $4, disabled = $5, change_pw = $6, termsaccepted = $7, autoalert = $8, contactalert = $9, nids_sid = $10, gpgkey = $11, certif_public = $12, totp_secret = $13, last_login = $14, date_modified = $15 WHERE id = $16")
                .bind(u.org_id).bind(u.role_id).bind(u.email.as_str()).bind(u.password_hash.as_deref()).bind(u.disabled)
                .bind(u.change_pw).bind(u.termsaccepted).bind(u.autoalert).bind(u.contactalert).bind(u.nids_sid)
                .bind(u.gpgkey.as_str()).bind(u.certif_public.as_str()).bind(u.totp_secret.as_deref()).bind(u.last_login)
                .bind(u.date_modified).bind(u.id)
                .execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("user"));
            }
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn delete_user(&self, id: i64, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            sqlx::query("DELETE FROM auth_keys WHERE user_id = $1").bind(id).execute(&mut *tx).await.map_err(db_err)?;
            let r = sqlx::query("DELETE FROM users WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("user"));
            }
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn user(&self, id: i64) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE id = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| user_from(&r)).transpose()
        })
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE lower(email) = lower($1)");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(email).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| user_from(&r)).transpose()
        })
    }

    async fn users(&self, filter: &UserFilter) -> StoreResult<Vec<User>> {
        let mut sql = crate::sql::Sql::new(self.dialect(), &format!("SELECT {USER_COLS} FROM users WHERE 1=1"));
        if let Some(org) = filter.org_id {
            sql.push(" AND org_id = ").bind_i64(org);
        }
        if let Some(e) = &filter.email_contains {
            sql.push(" AND lower(email) LIKE ").bind_text(&format!("%{}%", e.to_lowercase()));
        }
        sql.push(" ORDER BY id");
        with_pool!(self, p => {
            let q = crate::sql::bind_args!(sqlx::query(&sql.text), sql.args);
            let rows = q.fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(user_from).collect()
        })
    }

    async fn insert_auth_key(&self, k: &AuthKey, audit: &AuditEntry) -> StoreResult<i64> {
        let ips = json_list(&k.allowed_ips);
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row = sqlx::query("INSERT INTO auth_keys (uuid, user_id, authkey_start, authkey_end, key_hash, allowed_ips, expiration, read_only, comment, created) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
                .bind(k.uuid.to_string()).bind(k.user_id).bind(k.authkey_start.as_str()).bind(k.authkey_end.as_str())
                .bind(k.key_hash.as_str()).bind(ips.as_str()).bind(k.expiration).bind(k.read_only).bind(k.comment.as_str()).bind(k.created)
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            let id = row.i64("id")?;
            write_audit!(&mut *tx, audit, id);
            tx.commit().await.map_err(db_err)?;
            Ok(id)
        })
    }

    async fn delete_auth_keys_of_user(&self, user_id: i64, audit: &AuditEntry) -> StoreResult<u64> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let r = sqlx::query("DELETE FROM auth_keys WHERE user_id = $1").bind(user_id).execute(&mut *tx).await.map_err(db_err)?;
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)?;
            Ok(r.rows_affected())
        })
    }

    async fn auth_keys_of_user(&self, user_id: i64) -> StoreResult<Vec<AuthKey>> {
        let sql = format!("SELECT {KEY_COLS} FROM auth_keys WHERE user_id = $1 ORDER BY id");
        with_pool!(self, p => {
            let rows = sqlx::query(&sql).bind(user_id).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(key_from).collect()
        })
    }

    async fn key_owner(&self, key_hash: &str) -> StoreResult<Option<KeyOwner>> {
        let sql = format!("SELECT {KEY_COLS} FROM auth_keys WHERE key_hash = $1");
        let key = with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(key_hash).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| key_from(&r)).transpose()?
        });
        let Some(key) = key else { return Ok(None) };
        let Some(user) = self.user(key.user_id).await? else { return Ok(None) };
        Ok(Some(KeyOwner { user, key }))
    }

    async fn audit(&self, entry: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            write_audit!(p, entry);
            Ok(())
        })
    }

    async fn audit_entries(&self, after_id: i64, limit: u64) -> StoreResult<Vec<AuditEntry>> {
        let sql = format!("SELECT {AUDIT_COLS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2");
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        with_pool!(self, p => {
            let rows = sqlx::query(&sql).bind(after_id).bind(limit).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(audit_from).collect()
        })
    }

    async fn prune_audit(&self, before: i64) -> StoreResult<u64> {
        with_pool!(self, p => {
            let r = sqlx::query("DELETE FROM audit_log WHERE created < $1").bind(before).execute(p).await.map_err(db_err)?;
            Ok(r.rows_affected())
        })
    }
}

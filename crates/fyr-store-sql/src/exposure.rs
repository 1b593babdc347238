//! Exposure notifications: assets, settings, contacts, sources, imports,
//! findings (with their state machine in the upsert), unmatched records,
//! suppressions, the ignore list and deliveries.

use crate::identity::write_audit;
use crate::rowext::RowExt;
use crate::sql::{Arg, Dialect, Sql, bind_args};
use crate::{SqlStore, db_err, with_bulk_pool, with_pool};
use futures::TryStreamExt;
use fyr_store::*;

const ASSET_COLS: &str = "id, org_id, kind, value, status, verified_by, verifier_user_id, verified_at, dns_token, registered_by, valid_from, valid_until, comment, created, modified";

fn asset_from(r: &impl RowExt) -> StoreResult<Asset> {
    Ok(Asset {
        id: r.i64("id")?,
        org_id: r.i64("org_id")?,
        kind: r.text("kind")?,
        value: r.text("value")?,
        status: r.text("status")?,
        verified_by: r.text("verified_by")?,
        verifier_user_id: r.i64("verifier_user_id")?,
        verified_at: r.i64("verified_at")?,
        dns_token: r.text("dns_token")?,
        registered_by: r.i64("registered_by")?,
        valid_from: r.i64("valid_from")?,
        valid_until: r.i64("valid_until")?,
        comment: r.text("comment")?,
        created: r.i64("created")?,
        modified: r.i64("modified")?,
    })
}

const SETTINGS_COLS: &str = "org_id, language, digest_minute, critical_immediately, notify_covered_customers, last_digest_at, modified";

fn settings_from(r: &impl RowExt) -> StoreResult<ExposureOrgSettings> {
    Ok(ExposureOrgSettings {
        org_id: r.i64("org_id")?,
        language: r.text("language")?,
        digest_minute: r.i64("digest_minute")?,
        critical_immediately: r.boolean("critical_immediately")?,
        notify_covered_customers: r.boolean("notify_covered_customers")?,
        last_digest_at: r.i64("last_digest_at")?,
        modified: r.i64("modified")?,
    })
}

const CONTACT_COLS: &str = "id, org_id, channel, address, secret, language, enabled, token, failures, last_error, created";

fn contact_from(r: &impl RowExt) -> StoreResult<Contact> {
    Ok(Contact {
        id: r.i64("id")?,
        org_id: r.i64("org_id")?,
        channel: r.text("channel")?,
        address: r.text("address")?,
        secret: r.text("secret")?,
        language: r.text("language")?,
        enabled: r.boolean("enabled")?,
        token: r.text("token")?,
        failures: r.i64("failures")?,
        last_error: r.text("last_error")?,
        created: r.i64("created")?,
    })
}

const SOURCE_COLS: &str = "id, name, provider, format, tlp, default_severity, website_content, mapping, enabled, created, modified";

fn source_from(r: &impl RowExt) -> StoreResult<Source> {
    Ok(Source {
        id: r.i64("id")?,
        name: r.text("name")?,
        provider: r.text("provider")?,
        format: r.text("format")?,
        tlp: r.text("tlp")?,
        default_severity: r.text("default_severity")?,
        website_content: r.boolean("website_content")?,
        mapping: r.text("mapping")?,
        enabled: r.boolean("enabled")?,
        created: r.i64("created")?,
        modified: r.i64("modified")?,
    })
}

const IMPORT_COLS: &str = "id, source_id, report_type, filename, via, user_id, status, rows_ok, rows_bad, rows_matched, rows_unmatched, rows_ignored, rows_suppressed, findings_new, findings_resolved, errors, message, started, finished, heartbeat";

fn import_from(r: &impl RowExt) -> StoreResult<Import> {
    Ok(Import {
        id: r.i64("id")?,
        source_id: r.i64("source_id")?,
        report_type: r.text("report_type")?,
        filename: r.text("filename")?,
        via: r.text("via")?,
        user_id: r.i64("user_id")?,
        status: r.text("status")?,
        rows_ok: r.i64("rows_ok")?,
        rows_bad: r.i64("rows_bad")?,
        rows_matched: r.i64("rows_matched")?,
        rows_unmatched: r.i64("rows_unmatched")?,
        rows_ignored: r.i64("rows_ignored")?,
        rows_suppressed: r.i64("rows_suppressed")?,
        findings_new: r.i64("findings_new")?,
        findings_resolved: r.i64("findings_resolved")?,
        errors: r.text("errors")?,
        message: r.text("message")?,
        started: r.i64("started")?,
        finished: r.i64("finished")?,
        heartbeat: r.i64("heartbeat")?,
    })
}

const FINDING_COLS: &str = "id, org_id, source_id, kind, asset, ip, port, protocol, hostname, asn, severity, state, first_seen, last_seen, seen_count, last_import_id, missing, resolved_at, details, record_id, record_row, notify_pending, notified_at";

fn finding_from(r: &impl RowExt) -> StoreResult<Finding> {
    Ok(Finding {
        id: r.i64("id")?,
        org_id: r.i64("org_id")?,
        source_id: r.i64("source_id")?,
        kind: r.text("kind")?,
        asset: r.text("asset")?,
        ip: r.text("ip")?,
        port: r.i64("port")?,
        protocol: r.text("protocol")?,
        hostname: r.text("hostname")?,
        asn: r.i64("asn")?,
        severity: r.i64("severity")?,
        state: r.text("state")?,
        first_seen: r.i64("first_seen")?,
        last_seen: r.i64("last_seen")?,
        seen_count: r.i64("seen_count")?,
        last_import_id: r.i64("last_import_id")?,
        missing: r.i64("missing")?,
        resolved_at: r.i64("resolved_at")?,
        details: r.text("details")?,
        notify_pending: r.boolean("notify_pending")?,
        notified_at: r.i64("notified_at")?,
    })
}

/// Where a finding's record is: (block id, row); block 0 for findings
/// stored before record blocks, whose `details` column holds the JSON.
fn record_ref(r: &impl RowExt) -> StoreResult<(i64, i64)> {
    Ok((r.i64("record_id")?, r.i64("record_row")?))
}

/// Record blocks read per statement when filling details.
const BLOCKS_PER_READ: usize = 100;

const UNMATCHED_COLS: &str = "id, source_id, kind, asset, ip, asn, hostname, geo, first_seen, last_seen, seen_count, last_import_id";

fn unmatched_from(r: &impl RowExt) -> StoreResult<Unmatched> {
    Ok(Unmatched {
        id: r.i64("id")?,
        source_id: r.i64("source_id")?,
        kind: r.text("kind")?,
        asset: r.text("asset")?,
        ip: r.text("ip")?,
        asn: r.i64("asn")?,
        hostname: r.text("hostname")?,
        geo: r.text("geo")?,
        first_seen: r.i64("first_seen")?,
        last_seen: r.i64("last_seen")?,
        seen_count: r.i64("seen_count")?,
        last_import_id: r.i64("last_import_id")?,
    })
}

const DELIVERY_COLS: &str =
    "id, org_id, contact_id, channel, kind, finding_ids, status, attempts, next_attempt_at, lease_until, last_error, created, sent_at";

fn delivery_from(r: &impl RowExt) -> StoreResult<Delivery> {
    let ids = r.text("finding_ids")?;
    Ok(Delivery {
        id: r.i64("id")?,
        org_id: r.i64("org_id")?,
        contact_id: r.i64("contact_id")?,
        channel: r.text("channel")?,
        kind: r.text("kind")?,
        finding_ids: serde_json::from_str(&ids).map_err(|e| StoreError::Backend(format!("delivery finding ids: {e}")))?,
        status: r.text("status")?,
        attempts: r.i64("attempts")?,
        next_attempt_at: r.i64("next_attempt_at")?,
        lease_until: r.i64("lease_until")?,
        last_error: r.text("last_error")?,
        created: r.i64("created")?,
        sent_at: r.i64("sent_at")?,
    })
}

/// Rows per multi-row upsert of findings (15 values bound each).
const UPSERT_BATCH: usize = 1000;

/// Every write that changes what the matcher is built from (assets, the
/// organisations' settings, the ignore list) bumps this counter in its own
/// transaction, so the fingerprint sees each change, even several within
/// one second that leave counts and modification times as they were.
const BUMP_REVISION: &str = "UPDATE exposure_matcher_revision SET revision = revision + 1 WHERE id = 1";

/// Whether a write changes what the matcher is built from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Matcher {
    Changes,
    Unchanged,
}

impl SqlStore {
    /// Deletes row `id` of `table` with its audit record in one
    /// transaction (`what` names it in the not-found error), bumping the
    /// matcher's revision when the row was part of its input.
    async fn delete_by_id(
        &self,
        table: &'static str,
        what: &'static str,
        id: i64,
        matcher: Matcher,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let sql = format!("DELETE FROM {table} WHERE id = $1");
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let r = sqlx::query(&sql).bind(id).execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound(what));
            }
            if matcher == Matcher::Changes {
                sqlx::query(BUMP_REVISION).execute(&mut *tx).await.map_err(db_err)?;
            }
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }
}

impl SqlStore {
    /// Fills each finding's `details` from its record block (each block
    /// read and decoded once).
    async fn with_details(&self, found: Vec<(Finding, (i64, i64))>) -> StoreResult<Vec<Finding>> {
        let mut ids: Vec<i64> = found.iter().map(|(_, (b, _))| *b).filter(|b| *b != 0).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut blocks: std::collections::HashMap<i64, Vec<Vec<(String, String)>>> = std::collections::HashMap::new();
        for part in ids.chunks(BLOCKS_PER_READ) {
            let mut sql = Sql::new(self.dialect(), "SELECT id, data FROM exposure_records WHERE id IN ");
            sql.bind_id_list(part);
            let rows = with_pool!(self, p => {
                let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)?;
                rows.iter().map(|r| Ok((r.i64("id")?, r.bytes("data")?))).collect::<StoreResult<Vec<_>>>()
            })?;
            for (id, data) in rows {
                blocks.insert(id, fyr_store::records::decode_block(&data)?);
            }
        }
        Ok(found
            .into_iter()
            .map(|(mut f, (block, row))| {
                if block != 0 {
                    let fields = usize::try_from(row).ok().and_then(|r| blocks.get(&block).and_then(|b| b.get(r)));
                    f.details = fields.map_or_else(|| "{}".to_string(), |fields| fyr_store::records::fields_json(fields));
                }
                f
            })
            .collect())
    }
}

/// The larger of two SQL expressions, portably (SQLite has no GREATEST).
fn greater(a: &str, b: &str) -> String {
    format!("CASE WHEN {a} > {b} THEN {a} ELSE {b} END")
}

/// The text of a multi-row upsert of `rows` findings seen in import
/// `import_id` (an integer of ours, written into the text; the rest is
/// bound by [`bind_finding!`]).
fn findings_upsert_text(dialect: Dialect, import_id: i64, rows: usize) -> String {
    let mut sql = Sql::new(
        dialect,
        "INSERT INTO exposure_findings (org_id, source_id, kind, asset, ip, port, protocol, hostname, asn, severity, state, first_seen, last_seen, seen_count, last_import_id, record_id, record_row) VALUES ",
    );
    let mut n = 0usize;
    let mut next = |sql: &mut Sql| {
        n += 1;
        match dialect {
            Dialect::Sqlite => sql.push("?"),
            Dialect::Postgres => sql.push(&format!("${n}")),
        };
    };
    for i in 0..rows {
        sql.push(if i == 0 { "(" } else { ", (" });
        for _ in 0..10 {
            next(&mut sql);
            sql.push(", ");
        }
        sql.push("'new', ");
        for _ in 0..3 {
            next(&mut sql);
            sql.push(", ");
        }
        sql.push(&import_id.to_string());
        for _ in 0..2 {
            sql.push(", ");
            next(&mut sql);
        }
        sql.push(")");
    }
    // The state machine: resolved → reopened; seen in an earlier import →
    // seen_again; seen again within the same import keeps its state. The
    // organisation is told again when a finding reopens or gets worse.
    // The record shown is the latest observation's.
    let t = "exposure_findings";
    sql.push(" ON CONFLICT (org_id, source_id, kind, asset) DO UPDATE SET ");
    sql.push(&format!(
        "ip = excluded.ip, port = excluded.port, protocol = excluded.protocol, hostname = excluded.hostname, asn = excluded.asn, \
         severity = CASE WHEN {t}.last_import_id = excluded.last_import_id THEN {severity} ELSE excluded.severity END, \
         state = CASE WHEN {t}.state = 'resolved' THEN 'reopened' WHEN {t}.last_import_id = excluded.last_import_id THEN {t}.state ELSE 'seen_again' END, \
         notify_bump = CASE WHEN {t}.state = 'resolved' OR excluded.severity > {t}.severity THEN excluded.last_import_id ELSE {t}.notify_bump END, \
         resolved_at = CASE WHEN {t}.state = 'resolved' THEN 0 ELSE {t}.resolved_at END, \
         last_seen = {last_seen}, seen_count = {t}.seen_count + excluded.seen_count, missing = 0, \
         last_import_id = excluded.last_import_id, \
         record_id = CASE WHEN excluded.last_seen >= {t}.last_seen THEN excluded.record_id ELSE {t}.record_id END, \
         record_row = CASE WHEN excluded.last_seen >= {t}.last_seen THEN excluded.record_row ELSE {t}.record_row END",
        last_seen = greater(&format!("{t}.last_seen"), "excluded.last_seen"),
        severity = greater(&format!("{t}.severity"), "excluded.severity"),
    ));
    sql.text
}

/// Binds one finding's values to a query of [`findings_upsert_text`],
/// straight from the borrowed fields (no intermediate copies: this runs
/// for every finding of an import).
macro_rules! bind_finding {
    ($q:expr, $f:expr, $record_id:expr) => {
        $q.bind($f.org_id)
            .bind($f.source_id)
            .bind($f.kind.as_str())
            .bind($f.asset.as_str())
            .bind($f.ip.as_str())
            .bind($f.port)
            .bind($f.protocol.as_str())
            .bind($f.hostname.as_str())
            .bind($f.asn)
            .bind($f.severity)
            .bind($f.observed)
            .bind($f.observed)
            .bind($f.count)
            .bind($record_id)
            .bind(i64::from($f.row))
    };
}

fn unmatched_upsert_sql(dialect: Dialect, import_id: i64, rows: &[UnmatchedUpsert]) -> Sql {
    let mut sql = Sql::new(
        dialect,
        "INSERT INTO exposure_unmatched (source_id, kind, asset, ip, asn, hostname, geo, first_seen, last_seen, seen_count, last_import_id) VALUES ",
    );
    for (i, u) in rows.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("(");
        let args = [
            Arg::I64(u.source_id),
            Arg::Text(u.kind.clone()),
            Arg::Text(u.asset.clone()),
            Arg::Text(u.ip.clone()),
            Arg::I64(u.asn),
            Arg::Text(u.hostname.clone()),
            Arg::Text(u.geo.clone()),
            Arg::I64(u.observed),
            Arg::I64(u.observed),
            Arg::I64(u.count),
            Arg::I64(import_id),
        ];
        for (j, a) in args.into_iter().enumerate() {
            if j > 0 {
                sql.push(", ");
            }
            sql.bind(a);
        }
        sql.push(")");
    }
    let t = "exposure_unmatched";
    sql.push(&format!(
        " ON CONFLICT (source_id, kind, asset) DO UPDATE SET last_seen = {}, seen_count = {t}.seen_count + excluded.seen_count, \
         last_import_id = excluded.last_import_id, asn = excluded.asn, hostname = excluded.hostname, geo = excluded.geo",
        greater(&format!("{t}.last_seen"), "excluded.last_seen")
    ));
    sql
}

fn finding_filter_sql(sql: &mut Sql, f: &FindingFilter) {
    if let Some(o) = f.org_id {
        sql.push(" AND org_id = ").bind_i64(o);
    }
    if let Some(s) = f.source_id {
        sql.push(" AND source_id = ").bind_i64(s);
    }
    if let Some(k) = &f.kind {
        sql.push(" AND kind = ").bind_text(k);
    }
    if !f.states.is_empty() {
        sql.push(" AND state IN (");
        for (i, s) in f.states.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind_text(s);
        }
        sql.push(")");
    }
    if let Some(m) = f.min_severity {
        sql.push(" AND severity >= ").bind_i64(m);
    }
    if let Some(s) = f.since {
        sql.push(" AND last_seen >= ").bind_i64(s);
    }
    if let Some(p) = f.notify_pending {
        sql.push(" AND notify_pending = ").bind(Arg::Bool(p));
    }
    if !f.ids.is_empty() {
        sql.push(" AND id IN ").bind_id_list(&f.ids);
    }
    if f.after_id > 0 {
        sql.push(" AND id > ").bind_i64(f.after_id);
    }
}

#[async_trait::async_trait]
impl ExposureStore for SqlStore {
    async fn insert_asset(&self, a: &Asset, audit: &AuditEntry) -> StoreResult<i64> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row = sqlx::query("INSERT INTO exposure_assets (org_id, kind, value, status, verified_by, verifier_user_id, verified_at, dns_token, registered_by, valid_from, valid_until, comment, created, modified) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id")
                .bind(a.org_id).bind(a.kind.as_str()).bind(a.value.as_str()).bind(a.status.as_str()).bind(a.verified_by.as_str())
                .bind(a.verifier_user_id).bind(a.verified_at).bind(a.dns_token.as_str()).bind(a.registered_by).bind(a.valid_from)
                .bind(a.valid_until).bind(a.comment.as_str()).bind(a.created).bind(a.modified)
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            let id = row.i64("id")?;
            sqlx::query(BUMP_REVISION).execute(&mut *tx).await.map_err(db_err)?;
            write_audit!(&mut *tx, audit, id);
            tx.commit().await.map_err(db_err)?;
            Ok(id)
        })
    }

    async fn update_asset(&self, a: &Asset, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let r = sqlx::query("UPDATE exposure_assets SET status = $1, verified_by = $2, verifier_user_id = $3, verified_at = $4, dns_token = $5, valid_from = $6, valid_until = $7, comment = $8, modified = $9 WHERE id = $10")
                .bind(a.status.as_str()).bind(a.verified_by.as_str()).bind(a.verifier_user_id).bind(a.verified_at).bind(a.dns_token.as_str())
                .bind(a.valid_from).bind(a.valid_until).bind(a.comment.as_str()).bind(a.modified).bind(a.id)
                .execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("asset"));
            }
            sqlx::query(BUMP_REVISION).execute(&mut *tx).await.map_err(db_err)?;
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn delete_asset(&self, id: i64, audit: &AuditEntry) -> StoreResult<()> {
        self.delete_by_id("exposure_assets", "asset", id, Matcher::Changes, audit).await
    }

    async fn asset(&self, id: i64) -> StoreResult<Option<Asset>> {
        let sql = format!("SELECT {ASSET_COLS} FROM exposure_assets WHERE id = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| asset_from(&r)).transpose()
        })
    }

    async fn assets(&self, org_id: Option<i64>) -> StoreResult<Vec<Asset>> {
        let mut sql = Sql::new(self.dialect(), &format!("SELECT {ASSET_COLS} FROM exposure_assets WHERE 1=1"));
        if let Some(o) = org_id {
            sql.push(" AND org_id = ").bind_i64(o);
        }
        sql.push(" ORDER BY org_id, kind, value");
        with_pool!(self, p => {
            let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(asset_from).collect()
        })
    }

    async fn asset_fingerprint(&self, now: i64) -> StoreResult<AssetFingerprint> {
        // The revision catches every change made through the store; counts
        // catch rows deleted by a cascade (an organisation deleted); the next
        // validity boundary after `now` catches time passing, which changes
        // no row.
        with_pool!(self, p => {
            let r = sqlx::query("SELECT (SELECT COUNT(*) FROM exposure_assets) AS a, (SELECT COALESCE(MAX(revision), 0) FROM exposure_matcher_revision) AS b, \
                 (SELECT COUNT(*) FROM exposure_ignore) AS d, \
                 (SELECT COALESCE(MIN(t), 0) FROM (SELECT valid_from AS t FROM exposure_assets WHERE status = 'approved' AND valid_from > $1 \
                  UNION ALL SELECT valid_until AS t FROM exposure_assets WHERE status = 'approved' AND valid_until > $1) AS boundaries) AS f")
                .bind(now)
                .fetch_one(p).await.map_err(db_err)?;
            Ok(AssetFingerprint {
                assets: r.i64("a")?,
                revision: r.i64("b")?,
                ignored: r.i64("d")?,
                next_validity_boundary: r.i64("f")?,
            })
        })
    }

    async fn exposure_settings(&self, org_id: i64) -> StoreResult<Option<ExposureOrgSettings>> {
        let sql = format!("SELECT {SETTINGS_COLS} FROM exposure_org_settings WHERE org_id = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(org_id).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| settings_from(&r)).transpose()
        })
    }

    async fn all_exposure_settings(&self) -> StoreResult<Vec<ExposureOrgSettings>> {
        let sql = format!("SELECT {SETTINGS_COLS} FROM exposure_org_settings ORDER BY org_id");
        with_pool!(self, p => {
            let rows = sqlx::query(&sql).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(settings_from).collect()
        })
    }

    async fn put_exposure_settings(&self, s: &ExposureOrgSettings, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            sqlx::query("INSERT INTO exposure_org_settings (org_id, language, digest_minute, critical_immediately, notify_covered_customers, last_digest_at, modified) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id) DO UPDATE SET language = excluded.language, digest_minute = excluded.digest_minute, \
                 critical_immediately = excluded.critical_immediately, notify_covered_customers = excluded.notify_covered_customers, \
                 modified = excluded.modified")
                .bind(s.org_id).bind(s.language.as_str()).bind(s.digest_minute).bind(s.critical_immediately)
                .bind(s.notify_covered_customers).bind(s.last_digest_at).bind(s.modified)
                .execute(&mut *tx).await.map_err(db_err)?;
            sqlx::query(BUMP_REVISION).execute(&mut *tx).await.map_err(db_err)?;
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn insert_contact(&self, c: &Contact, audit: &AuditEntry) -> StoreResult<i64> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row = sqlx::query("INSERT INTO exposure_contacts (org_id, channel, address, secret, language, enabled, token, failures, last_error, created) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
                .bind(c.org_id).bind(c.channel.as_str()).bind(c.address.as_str()).bind(c.secret.as_str()).bind(c.language.as_str())
                .bind(c.enabled).bind(c.token.as_str()).bind(c.failures).bind(c.last_error.as_str()).bind(c.created)
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            let id = row.i64("id")?;
            write_audit!(&mut *tx, audit, id);
            tx.commit().await.map_err(db_err)?;
            Ok(id)
        })
    }

    async fn update_contact(&self, c: &Contact, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let r = sqlx::query("UPDATE exposure_contacts SET address = $1, secret = $2, language = $3, enabled = $4, failures = $5, last_error = $6 WHERE id = $7")
                .bind(c.address.as_str()).bind(c.secret.as_str()).bind(c.language.as_str()).bind(c.enabled).bind(c.failures)
                .bind(c.last_error.as_str()).bind(c.id)
                .execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("contact"));
            }
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn delete_contact(&self, id: i64, audit: &AuditEntry) -> StoreResult<()> {
        self.delete_by_id("exposure_contacts", "contact", id, Matcher::Unchanged, audit).await
    }

    async fn contact(&self, id: i64) -> StoreResult<Option<Contact>> {
        let sql = format!("SELECT {CONTACT_COLS} FROM exposure_contacts WHERE id = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| contact_from(&r)).transpose()
        })
    }

    async fn contact_by_token(&self, token: &str) -> StoreResult<Option<Contact>> {
        let sql = format!("SELECT {CONTACT_COLS} FROM exposure_contacts WHERE token = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(token).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| contact_from(&r)).transpose()
        })
    }

    async fn contacts(&self, org_id: i64) -> StoreResult<Vec<Contact>> {
        let sql = format!("SELECT {CONTACT_COLS} FROM exposure_contacts WHERE org_id = $1 ORDER BY id");
        with_pool!(self, p => {
            let rows = sqlx::query(&sql).bind(org_id).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(contact_from).collect()
        })
    }

    async fn contact_outcome(&self, id: i64, error: &str) -> StoreResult<()> {
        with_pool!(self, p => {
            let q = if error.is_empty() {
                sqlx::query("UPDATE exposure_contacts SET failures = 0, last_error = $1 WHERE id = $2")
            } else {
                sqlx::query("UPDATE exposure_contacts SET failures = failures + 1, last_error = $1 WHERE id = $2")
            };
            q.bind(error).bind(id).execute(p).await.map_err(db_err)?;
            Ok(())
        })
    }

    async fn insert_source(&self, s: &Source, audit: &AuditEntry) -> StoreResult<i64> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row = sqlx::query("INSERT INTO exposure_sources (name, provider, format, tlp, default_severity, website_content, mapping, enabled, created, modified) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
                .bind(s.name.as_str()).bind(s.provider.as_str()).bind(s.format.as_str()).bind(s.tlp.as_str()).bind(s.default_severity.as_str())
                .bind(s.website_content).bind(s.mapping.as_str()).bind(s.enabled).bind(s.created).bind(s.modified)
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            let id = row.i64("id")?;
            write_audit!(&mut *tx, audit, id);
            tx.commit().await.map_err(db_err)?;
            Ok(id)
        })
    }

    async fn update_source(&self, s: &Source, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let r = sqlx::query("UPDATE exposure_sources SET name = $1, provider = $2, format = $3, tlp = $4, default_severity = $5, website_content = $6, mapping = $7, enabled = $8, modified = $9 WHERE id = $10")
                .bind(s.name.as_str()).bind(s.provider.as_str()).bind(s.format.as_str()).bind(s.tlp.as_str()).bind(s.default_severity.as_str())
                .bind(s.website_content).bind(s.mapping.as_str()).bind(s.enabled).bind(s.modified).bind(s.id)
                .execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("source"));
            }
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn delete_source(&self, id: i64, audit: &AuditEntry) -> StoreResult<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            for table in ["exposure_findings", "exposure_unmatched", "exposure_imports"] {
                let sql = format!("DELETE FROM {table} WHERE source_id = $1");
                sqlx::query(&sql).bind(id).execute(&mut *tx).await.map_err(db_err)?;
            }
            let r = sqlx::query("DELETE FROM exposure_sources WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(db_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound("source"));
            }
            write_audit!(&mut *tx, audit);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn source(&self, id: i64) -> StoreResult<Option<Source>> {
        let sql = format!("SELECT {SOURCE_COLS} FROM exposure_sources WHERE id = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| source_from(&r)).transpose()
        })
    }

    async fn source_by_name(&self, name: &str) -> StoreResult<Option<Source>> {
        let sql = format!("SELECT {SOURCE_COLS} FROM exposure_sources WHERE name = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(name).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| source_from(&r)).transpose()
        })
    }

    async fn sources(&self) -> StoreResult<Vec<Source>> {
        let sql = format!("SELECT {SOURCE_COLS} FROM exposure_sources ORDER BY name");
        with_pool!(self, p => {
            let rows = sqlx::query(&sql).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(source_from).collect()
        })
    }

    async fn insert_import(&self, i: &Import, audit: &AuditEntry) -> StoreResult<i64> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row = sqlx::query("INSERT INTO exposure_imports (source_id, report_type, filename, via, user_id, status, errors, message, started, heartbeat) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
                .bind(i.source_id).bind(i.report_type.as_str()).bind(i.filename.as_str()).bind(i.via.as_str()).bind(i.user_id)
                .bind(i.status.as_str()).bind(i.errors.as_str()).bind(i.message.as_str()).bind(i.started).bind(i.heartbeat)
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            let id = row.i64("id")?;
            write_audit!(&mut *tx, audit, id);
            tx.commit().await.map_err(db_err)?;
            Ok(id)
        })
    }

    async fn finish_import(&self, i: &Import) -> StoreResult<()> {
        with_pool!(self, p => {
            sqlx::query("UPDATE exposure_imports SET report_type = $1, status = $2, rows_ok = $3, rows_bad = $4, rows_matched = $5, rows_unmatched = $6, rows_ignored = $7, \
                 rows_suppressed = $8, findings_new = $9, findings_resolved = $10, errors = $11, message = $12, finished = $13 WHERE id = $14")
                .bind(i.report_type.as_str()).bind(i.status.as_str()).bind(i.rows_ok).bind(i.rows_bad).bind(i.rows_matched).bind(i.rows_unmatched)
                .bind(i.rows_ignored).bind(i.rows_suppressed).bind(i.findings_new).bind(i.findings_resolved).bind(i.errors.as_str())
                .bind(i.message.as_str()).bind(i.finished).bind(i.id)
                .execute(p).await.map_err(db_err)?;
            Ok(())
        })
    }

    async fn beat_import(&self, id: i64, at: i64) -> StoreResult<()> {
        with_pool!(self, p => {
            sqlx::query("UPDATE exposure_imports SET heartbeat = $1 WHERE id = $2 AND status = 'running'")
                .bind(at).bind(id).execute(p).await.map_err(db_err)?;
            Ok(())
        })
    }

    async fn import(&self, id: i64) -> StoreResult<Option<Import>> {
        let sql = format!("SELECT {IMPORT_COLS} FROM exposure_imports WHERE id = $1");
        with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| import_from(&r)).transpose()
        })
    }

    async fn imports(&self, source_id: Option<i64>, limit: u64) -> StoreResult<Vec<Import>> {
        let mut sql = Sql::new(self.dialect(), &format!("SELECT {IMPORT_COLS} FROM exposure_imports WHERE 1=1"));
        if let Some(s) = source_id {
            sql.push(" AND source_id = ").bind_i64(s);
        }
        sql.push(" ORDER BY id DESC LIMIT ").bind_i64(i64::try_from(limit).unwrap_or(i64::MAX));
        with_pool!(self, p => {
            let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(import_from).collect()
        })
    }

    async fn store_import_batch(&self, import_id: i64, batch: &ImportBatch) -> StoreResult<()> {
        let _busy = self.bulk_write();
        let dialect = self.dialect();
        with_bulk_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let mut block_ids = Vec::with_capacity(batch.blocks.len());
            for b in &batch.blocks {
                let row = sqlx::query("INSERT INTO exposure_records (import_id, records, data) VALUES ($1, $2, $3) RETURNING id")
                    .bind(import_id)
                    .bind(b.records)
                    .bind(b.data.as_slice())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
                block_ids.push(row.i64("id")?);
            }
            let record_id = |f: &FindingUpsert| -> StoreResult<i64> {
                usize::try_from(f.block).ok().and_then(|b| block_ids.get(b)).copied().ok_or_else(|| {
                    StoreError::Invalid(format!("finding {} points at block {} of a batch of {}", f.asset, f.block, block_ids.len()))
                })
            };
            for chunk in crate::sql::batches(&batch.findings, UPSERT_BATCH) {
                let text = findings_upsert_text(dialect, import_id, chunk.len());
                let mut q = sqlx::query(&text);
                for f in chunk {
                    q = bind_finding!(q, f, record_id(f)?);
                }
                q.execute(&mut *tx).await.map_err(db_err)?;
            }
            for chunk in crate::sql::batches(&batch.unmatched, UPSERT_BATCH) {
                let sql = unmatched_upsert_sql(dialect, import_id, chunk);
                bind_args!(sqlx::query(&sql.text), sql.args).execute(&mut *tx).await.map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)
        })
    }

    async fn max_finding_id(&self) -> StoreResult<i64> {
        with_pool!(self, p => {
            let row = sqlx::query("SELECT MAX(id) AS id FROM exposure_findings").fetch_one(p).await.map_err(db_err)?;
            Ok(row.opt_i64("id")?.unwrap_or(0))
        })
    }

    async fn prune_record_blocks(&self) -> StoreResult<u64> {
        // A block no finding points at is never pointed at again: a batch
        // points findings only at its own new blocks, in the transaction
        // that inserts them. PostgreSQL answers NOT EXISTS with one hash
        // anti-join; SQLite answers NOT IN with one temporary index of the
        // findings' record ids (NOT EXISTS would scan the findings once per
        // block).
        let sql = match self.dialect() {
            Dialect::Sqlite => "DELETE FROM exposure_records WHERE id NOT IN (SELECT record_id FROM exposure_findings)",
            Dialect::Postgres => {
                "DELETE FROM exposure_records r WHERE NOT EXISTS (SELECT 1 FROM exposure_findings f WHERE f.record_id = r.id)"
            }
        };
        with_bulk_pool!(self, p => {
            let r = sqlx::query(sql).execute(p).await.map_err(db_err)?;
            Ok(r.rows_affected())
        })
    }

    async fn close_import_scope(
        &self,
        import_id: i64,
        source_id: i64,
        kind: Option<&str>,
        threshold: Option<i64>,
        now: i64,
        created_after: i64,
    ) -> StoreResult<(i64, i64)> {
        let dialect = self.dialect();
        let scope = |sql: &mut Sql| {
            sql.push(" source_id = ").bind_i64(source_id);
            if let Some(k) = kind {
                sql.push(" AND kind = ").bind_text(k);
            }
        };
        // Findings of the scope that this import did not contain were last
        // seen by an earlier import (import ids only grow): each counts a
        // miss, and is resolved at the threshold. Findings the import
        // reopened or made worse (notify_bump = this import; the upsert
        // leaves notify_pending alone, so its partial index is not
        // rewritten for every finding seen again) are to be told again.
        // One pass over the scope (index on source and kind, rows in rowid
        // order); the rows it changed come back to count the resolved ones.
        let at = threshold.unwrap_or(i64::MAX);
        let mut miss = Sql::new(dialect, "UPDATE exposure_findings SET missing = CASE WHEN last_import_id < ");
        miss.bind_i64(import_id).push(" THEN missing + 1 ELSE missing END, state = CASE WHEN last_import_id < ");
        miss.bind_i64(import_id).push(" AND missing + 1 >= ").bind_i64(at);
        miss.push(" THEN 'resolved' ELSE state END, resolved_at = CASE WHEN last_import_id < ").bind_i64(import_id);
        miss.push(" AND missing + 1 >= ").bind_i64(at).push(" THEN ").bind_i64(now);
        miss.push(" ELSE resolved_at END, notify_pending = CASE WHEN (last_import_id < ").bind_i64(import_id);
        miss.push(" AND missing + 1 >= ").bind_i64(at).push(") OR notify_bump = ").bind_i64(import_id);
        miss.push(" THEN TRUE ELSE notify_pending END WHERE");
        scope(&mut miss);
        miss.push(" AND (notify_bump = ").bind_i64(import_id).push(" AND NOT notify_pending");
        if threshold.is_some() {
            miss.push(" OR last_import_id < ").bind_i64(import_id).push(" AND state <> 'resolved'");
        }
        miss.push(") RETURNING state, last_import_id");
        // New findings of the scope: above the highest id when the import
        // began (ids only grow), a range at the end of the primary key.
        let mut count = Sql::new(dialect, "SELECT COUNT(*) AS n FROM exposure_findings WHERE id > ");
        count.bind_i64(created_after).push(" AND");
        scope(&mut count);
        let _busy = self.bulk_write();
        with_bulk_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let mut resolved = 0i64;
            {
                let mut rows = bind_args!(sqlx::query(&miss.text), miss.args).fetch(&mut *tx);
                while let Some(row) = rows.try_next().await.map_err(db_err)? {
                    if row.i64("last_import_id")? < import_id && row.text("state")? == "resolved" {
                        resolved += 1;
                    }
                }
            }
            let row = bind_args!(sqlx::query(&count.text), count.args).fetch_one(&mut *tx).await.map_err(db_err)?;
            tx.commit().await.map_err(db_err)?;
            Ok((row.i64("n")?, resolved))
        })
    }

    async fn findings(&self, f: &FindingFilter) -> StoreResult<Vec<Finding>> {
        let mut sql = Sql::new(self.dialect(), &format!("SELECT {FINDING_COLS} FROM exposure_findings WHERE 1=1"));
        finding_filter_sql(&mut sql, f);
        sql.push(" ORDER BY id");
        if f.limit > 0 {
            sql.push(" LIMIT ").bind_i64(i64::try_from(f.limit).unwrap_or(i64::MAX));
        }
        let found = with_pool!(self, p => {
            let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(|r| Ok((finding_from(r)?, record_ref(r)?))).collect::<StoreResult<Vec<_>>>()
        })?;
        self.with_details(found).await
    }

    async fn count_findings(&self, f: &FindingFilter) -> StoreResult<u64> {
        let mut sql = Sql::new(self.dialect(), "SELECT COUNT(*) AS n FROM exposure_findings WHERE 1=1");
        let mut f = f.clone();
        f.after_id = 0;
        finding_filter_sql(&mut sql, &f);
        with_pool!(self, p => {
            let row = bind_args!(sqlx::query(&sql.text), sql.args).fetch_one(p).await.map_err(db_err)?;
            Ok(u64::try_from(row.i64("n")?).unwrap_or(0))
        })
    }

    async fn finding(&self, id: i64) -> StoreResult<Option<Finding>> {
        let sql = format!("SELECT {FINDING_COLS} FROM exposure_findings WHERE id = $1");
        let found = with_pool!(self, p => {
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?;
            row.map(|r| Ok::<_, StoreError>((finding_from(&r)?, record_ref(&r)?))).transpose()
        })?;
        match found {
            Some(f) => Ok(self.with_details(vec![f]).await?.pop()),
            None => Ok(None),
        }
    }

    async fn orgs_to_notify(&self) -> StoreResult<Vec<i64>> {
        // Driven from the contacts: each organisation with one is looked up
        // in the findings' unique index (organisation first) until a
        // pending finding turns up. Scanning every pending finding instead
        // (the partial index) cost ~0.35 s per planning run after a
        // million-row import whose organisations had no contacts yet, on
        // every worker tick until they had.
        with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT o.org_id FROM (SELECT DISTINCT org_id FROM exposure_contacts WHERE enabled) o \
                 WHERE EXISTS (SELECT 1 FROM exposure_findings f WHERE f.org_id = o.org_id AND f.notify_pending) ORDER BY o.org_id",
            )
            .fetch_all(p)
            .await
            .map_err(db_err)?;
            rows.iter().map(|r| r.i64("org_id")).collect()
        })
    }

    async fn pending_notifications(&self, org_id: i64, after_id: i64, limit: u64) -> StoreResult<Vec<PendingFinding>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        with_pool!(self, p => {
            let rows = sqlx::query("SELECT id, org_id, severity, state FROM exposure_findings WHERE notify_pending AND org_id = $1 AND id > $2 ORDER BY id LIMIT $3")
                .bind(org_id).bind(after_id).bind(limit).fetch_all(p).await.map_err(db_err)?;
            rows.iter()
                .map(|r| Ok(PendingFinding { id: r.i64("id")?, org_id: r.i64("org_id")?, severity: r.i64("severity")?, state: r.text("state")? }))
                .collect()
        })
    }

    async fn finding_counts(&self, group: FindingGroup) -> StoreResult<Vec<FindingCount>> {
        let (select, from, by) = match group {
            FindingGroup::Source => ("s.name", "exposure_findings f JOIN exposure_sources s ON s.id = f.source_id", "s.name"),
            FindingGroup::Organisation => ("o.name", "exposure_findings f JOIN organisations o ON o.id = f.org_id", "o.name"),
            FindingGroup::Sector => ("o.sector", "exposure_findings f JOIN organisations o ON o.id = f.org_id", "o.sector"),
            FindingGroup::Kind => ("f.kind", "exposure_findings f", "f.kind"),
        };
        let sql = format!(
            "SELECT {select} AS grp, \
             SUM(CASE WHEN f.state <> 'resolved' THEN 1 ELSE 0 END) AS open, \
             SUM(CASE WHEN f.state = 'resolved' THEN 1 ELSE 0 END) AS resolved, \
             SUM(CASE WHEN f.state <> 'resolved' AND f.severity = 4 THEN 1 ELSE 0 END) AS critical, \
             SUM(CASE WHEN f.state <> 'resolved' AND f.severity = 3 THEN 1 ELSE 0 END) AS high, \
             COUNT(DISTINCT f.org_id) AS orgs \
             FROM {from} GROUP BY {by} ORDER BY {by}"
        );
        with_pool!(self, p => {
            let rows = sqlx::query(&sql).fetch_all(p).await.map_err(db_err)?;
            rows.iter()
                .map(|r| {
                    Ok(FindingCount {
                        group: r.text("grp")?,
                        open: r.i64("open")?,
                        resolved: r.i64("resolved")?,
                        critical: r.i64("critical")?,
                        high: r.i64("high")?,
                        organisations: r.i64("orgs")?,
                    })
                })
                .collect()
        })
    }

    async fn unmatched(&self, source_id: Option<i64>, after_id: i64, limit: u64) -> StoreResult<Vec<Unmatched>> {
        let mut sql = Sql::new(self.dialect(), &format!("SELECT {UNMATCHED_COLS} FROM exposure_unmatched WHERE id > "));
        sql.bind_i64(after_id);
        if let Some(s) = source_id {
            sql.push(" AND source_id = ").bind_i64(s);
        }
        sql.push(" ORDER BY id LIMIT ").bind_i64(i64::try_from(limit).unwrap_or(i64::MAX));
        with_pool!(self, p => {
            let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(unmatched_from).collect()
        })
    }

    async fn insert_ignore(&self, e: &IgnoreEntry, audit: &AuditEntry) -> StoreResult<i64> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row = sqlx::query("INSERT INTO exposure_ignore (cidr, reason, created_by, created) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(e.cidr.as_str()).bind(e.reason.as_str()).bind(e.created_by).bind(e.created)
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            let id = row.i64("id")?;
            sqlx::query(BUMP_REVISION).execute(&mut *tx).await.map_err(db_err)?;
            write_audit!(&mut *tx, audit, id);
            tx.commit().await.map_err(db_err)?;
            Ok(id)
        })
    }

    async fn delete_ignore(&self, id: i64, audit: &AuditEntry) -> StoreResult<()> {
        self.delete_by_id("exposure_ignore", "ignore entry", id, Matcher::Changes, audit).await
    }

    async fn ignore_list(&self) -> StoreResult<Vec<IgnoreEntry>> {
        with_pool!(self, p => {
            let rows = sqlx::query("SELECT id, cidr, reason, created_by, created FROM exposure_ignore ORDER BY id").fetch_all(p).await.map_err(db_err)?;
            rows.iter()
                .map(|r| Ok(IgnoreEntry { id: r.i64("id")?, cidr: r.text("cidr")?, reason: r.text("reason")?, created_by: r.i64("created_by")?, created: r.i64("created")? }))
                .collect()
        })
    }

    async fn insert_suppression(&self, s: &Suppression, audit: &AuditEntry) -> StoreResult<i64> {
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row = sqlx::query("INSERT INTO exposure_suppressions (org_id, source_id, kind, cidr, reason, until, created_by, created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
                .bind(s.org_id).bind(s.source_id).bind(s.kind.as_str()).bind(s.cidr.as_str()).bind(s.reason.as_str()).bind(s.until)
                .bind(s.created_by).bind(s.created)
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            let id = row.i64("id")?;
            write_audit!(&mut *tx, audit, id);
            tx.commit().await.map_err(db_err)?;
            Ok(id)
        })
    }

    async fn delete_suppression(&self, id: i64, audit: &AuditEntry) -> StoreResult<()> {
        self.delete_by_id("exposure_suppressions", "suppression", id, Matcher::Unchanged, audit).await
    }

    async fn suppressions(&self, org_id: Option<i64>) -> StoreResult<Vec<Suppression>> {
        let mut sql = Sql::new(
            self.dialect(),
            "SELECT id, org_id, source_id, kind, cidr, reason, until, created_by, created FROM exposure_suppressions WHERE 1=1",
        );
        if let Some(o) = org_id {
            sql.push(" AND org_id = ").bind_i64(o);
        }
        sql.push(" ORDER BY id");
        with_pool!(self, p => {
            let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)?;
            rows.iter()
                .map(|r| {
                    Ok(Suppression {
                        id: r.i64("id")?,
                        org_id: r.i64("org_id")?,
                        source_id: r.i64("source_id")?,
                        kind: r.text("kind")?,
                        cidr: r.text("cidr")?,
                        reason: r.text("reason")?,
                        until: r.i64("until")?,
                        created_by: r.i64("created_by")?,
                        created: r.i64("created")?,
                    })
                })
                .collect()
        })
    }

    async fn queue_deliveries(&self, org_id: i64, deliveries: &[Delivery], digest: Option<&DigestTurn>, now: i64) -> StoreResult<usize> {
        let mut wanted: Vec<i64> = deliveries.iter().flat_map(|d| d.finding_ids.iter().copied()).collect();
        wanted.sort_unstable();
        wanted.dedup();
        if wanted.is_empty() {
            return Ok(0);
        }
        // Planners of one organisation take turns: SQLite has one writer
        // (every statement below writes, the first one included, so the
        // write lock is taken before anything is read); on PostgreSQL the
        // organisation's row is locked first (NO KEY UPDATE, so imports
        // inserting findings that reference it are not held up).
        let dialect = self.dialect();
        let turns = match dialect {
            Dialect::Postgres => Some("SELECT id FROM organisations WHERE id = $1 FOR NO KEY UPDATE"),
            Dialect::Sqlite => None,
        };
        // The claim: only findings still pending are taken, so a finding
        // another planner queued first is not queued again.
        let claims: Vec<Sql> = wanted
            .chunks(500)
            .map(|chunk| {
                let mut sql = Sql::new(dialect, "UPDATE exposure_findings SET notify_pending = ");
                sql.bind(Arg::Bool(false)).push(", notified_at = ").bind_i64(now).push(" WHERE org_id = ").bind_i64(org_id);
                sql.push(" AND notify_pending AND id IN ").bind_id_list(chunk).push(" RETURNING id");
                sql
            })
            .collect();
        with_pool!(self, p => {
            let mut tx = p.begin().await.map_err(db_err)?;
            if let Some(lock) = turns {
                sqlx::query(lock).bind(org_id).fetch_optional(&mut *tx).await.map_err(db_err)?;
            }
            if let Some(turn) = digest {
                // Compare and set: the digest's turn is taken only from the
                // value the planner read, so it is planned once per due time.
                // An organisation without stored settings gets the ones it
                // was planned with.
                let s = &turn.settings;
                let r = sqlx::query("INSERT INTO exposure_org_settings (org_id, language, digest_minute, critical_immediately, notify_covered_customers, last_digest_at, modified) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id) DO UPDATE SET last_digest_at = excluded.last_digest_at \
                     WHERE exposure_org_settings.last_digest_at = $8")
                    .bind(org_id).bind(s.language.as_str()).bind(s.digest_minute).bind(s.critical_immediately).bind(s.notify_covered_customers)
                    .bind(turn.at).bind(s.modified).bind(s.last_digest_at)
                    .execute(&mut *tx).await.map_err(db_err)?;
                if r.rows_affected() == 0 {
                    // Another planner took this digest.
                    tx.rollback().await.map_err(db_err)?;
                    return Ok(0);
                }
            }
            let mut claimed = std::collections::HashSet::new();
            for sql in &claims {
                let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(&mut *tx).await.map_err(db_err)?;
                for r in &rows {
                    claimed.insert(r.i64("id")?);
                }
            }
            if claimed.is_empty() {
                // Nothing left to tell (a digest's turn is not used up either).
                tx.rollback().await.map_err(db_err)?;
                return Ok(0);
            }
            let mut queued = 0;
            for d in deliveries {
                let mine: Vec<i64> = d.finding_ids.iter().copied().filter(|id| claimed.contains(id)).collect();
                if mine.is_empty() {
                    continue;
                }
                let ids = serde_json::to_string(&mine).map_err(|e| StoreError::Invalid(e.to_string()))?;
                sqlx::query("INSERT INTO exposure_deliveries (org_id, contact_id, channel, kind, finding_ids, status, attempts, next_attempt_at, lease_until, last_error, created, sent_at) \
                     VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, 0, '', $7, 0)")
                    .bind(org_id).bind(d.contact_id).bind(d.channel.as_str()).bind(d.kind.as_str()).bind(ids.as_str()).bind(d.next_attempt_at).bind(now)
                    .execute(&mut *tx).await.map_err(db_err)?;
                queued += 1;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(queued)
        })
    }

    async fn claim_deliveries(&self, now: i64, lease: i64, limit: u64) -> StoreResult<Vec<Delivery>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // PostgreSQL: rows another replica is claiming are skipped, not waited for.
        let lock = match self.dialect() {
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
            Dialect::Sqlite => "",
        };
        let sql = format!(
            "UPDATE exposure_deliveries SET status = 'sending', lease_until = $1, attempts = attempts + 1 WHERE id IN (\
             SELECT id FROM exposure_deliveries WHERE ((status = 'pending' AND next_attempt_at <= $2) OR (status = 'sending' AND lease_until < $2)) \
             ORDER BY id LIMIT $3{lock}) RETURNING {DELIVERY_COLS}"
        );
        with_pool!(self, p => {
            let rows = sqlx::query(&sql).bind(now + lease).bind(now).bind(limit).fetch_all(p).await.map_err(db_err)?;
            let mut out: Vec<Delivery> = rows.iter().map(delivery_from).collect::<StoreResult<_>>()?;
            out.sort_by_key(|d| d.id);
            Ok(out)
        })
    }

    async fn finish_delivery(&self, id: i64, status: &str, error: &str, next_attempt_at: i64, now: i64) -> StoreResult<()> {
        with_pool!(self, p => {
            sqlx::query("UPDATE exposure_deliveries SET status = $1, last_error = $2, next_attempt_at = $3, lease_until = 0, \
                 sent_at = CASE WHEN $1 = 'sent' THEN $4 ELSE sent_at END WHERE id = $5")
                .bind(status).bind(error).bind(next_attempt_at).bind(now).bind(id)
                .execute(p).await.map_err(db_err)?;
            Ok(())
        })
    }

    async fn deliveries(&self, org_id: Option<i64>, status: Option<&str>, limit: u64) -> StoreResult<Vec<Delivery>> {
        let mut sql = Sql::new(self.dialect(), &format!("SELECT {DELIVERY_COLS} FROM exposure_deliveries WHERE 1=1"));
        if let Some(o) = org_id {
            sql.push(" AND org_id = ").bind_i64(o);
        }
        if let Some(s) = status {
            sql.push(" AND status = ").bind_text(s);
        }
        sql.push(" ORDER BY id DESC LIMIT ").bind_i64(i64::try_from(limit).unwrap_or(i64::MAX));
        with_pool!(self, p => {
            let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await.map_err(db_err)?;
            rows.iter().map(delivery_from).collect()
        })
    }

    async fn count_deliveries(&self, org_id: Option<i64>, status: Option<&str>) -> StoreResult<u64> {
        let mut sql = Sql::new(self.dialect(), "SELECT COUNT(*) AS n FROM exposure_deliveries WHERE 1=1");
        if let Some(o) = org_id {
            sql.push(" AND org_id = ").bind_i64(o);
        }
        if let Some(s) = status {
            sql.push(" AND status = ").bind_text(s);
        }
        with_pool!(self, p => {
            let row = bind_args!(sqlx::query(&sql.text), sql.args).fetch_one(p).await.map_err(db_err)?;
            Ok(u64::try_from(row.i64("n")?).unwrap_or(0))
        })
    }
}

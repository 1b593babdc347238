//! Records and the storage trait of exposure notifications: registered
//! assets, sources, imports, findings, unmatched records, suppressions, the
//! ignore list, contacts and deliveries.

use crate::{AuditEntry, StoreResult};

#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub id: i64,
    pub org_id: i64,
    /// `cidr`, `asn` or `domain`.
    pub kind: String,
    /// Canonical: `192.0.2.0/24`, `2001:db8::/32`, `64500`, `example.se`.
    pub value: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    /// `staff` or `dns` once verified.
    pub verified_by: String,
    pub verifier_user_id: i64,
    pub verified_at: i64,
    pub dns_token: String,
    pub registered_by: i64,
    pub valid_from: i64,
    /// 0: no end.
    pub valid_until: i64,
    pub comment: String,
    pub created: i64,
    pub modified: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExposureOrgSettings {
    pub org_id: i64,
    /// `sv` or `en`.
    pub language: String,
    /// Minutes after local midnight (Europe/Stockholm) of the daily digest.
    pub digest_minute: i64,
    pub critical_immediately: bool,
    pub notify_covered_customers: bool,
    pub last_digest_at: i64,
    pub modified: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: i64,
    pub org_id: i64,
    /// `email` or `webhook`.
    pub channel: String,
    pub address: String,
    /// Webhook signing secret.
    pub secret: String,
    /// Empty: the organisation's language.
    pub language: String,
    pub enabled: bool,
    /// Secret of the preferences/unsubscribe link.
    pub token: String,
    pub failures: i64,
    pub last_error: String,
    pub created: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub id: i64,
    pub name: String,
    pub provider: String,
    /// `shadowserver`, `csv` or `jsonl`.
    pub format: String,
    pub tlp: String,
    /// `info` … `critical`.
    pub default_severity: String,
    /// Matched by domain only (shared hosting, CDNs).
    pub website_content: bool,
    /// JSON column mapping for `csv`/`jsonl`.
    pub mapping: String,
    pub enabled: bool,
    pub created: i64,
    pub modified: i64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Import {
    pub id: i64,
    pub source_id: i64,
    pub report_type: String,
    pub filename: String,
    /// `api`, `cli` or `inbox`.
    pub via: String,
    pub user_id: i64,
    /// `running`, `done` or `failed`.
    pub status: String,
    pub rows_ok: i64,
    pub rows_bad: i64,
    pub rows_matched: i64,
    pub rows_unmatched: i64,
    pub rows_ignored: i64,
    pub rows_suppressed: i64,
    pub findings_new: i64,
    pub findings_resolved: i64,
    /// JSON: the first row errors and how many more there were.
    pub errors: String,
    pub message: String,
    pub started: i64,
    pub finished: i64,
    /// While `running`: when the process running it last said it is alive
    /// (Unix seconds; see [`ExposureStore::beat_import`]).
    pub heartbeat: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub id: i64,
    pub org_id: i64,
    pub source_id: i64,
    pub kind: String,
    pub asset: String,
    pub ip: String,
    pub port: i64,
    pub protocol: String,
    pub hostname: String,
    pub asn: i64,
    /// 0 info, 1 low, 2 medium, 3 high, 4 critical.
    pub severity: i64,
    /// `new`, `seen_again`, `resolved` or `reopened`.
    pub state: String,
    pub first_seen: i64,
    pub last_seen: i64,
    pub seen_count: i64,
    pub last_import_id: i64,
    pub missing: i64,
    pub resolved_at: i64,
    /// JSON object of the raw fields of the latest record (empty values
    /// left out; see [`crate::records`]).
    pub details: String,
    pub notify_pending: bool,
    pub notified_at: i64,
}

/// A finding seen in an import (already aggregated per key within a chunk).
#[derive(Debug, Clone, PartialEq)]
pub struct FindingUpsert {
    pub org_id: i64,
    pub source_id: i64,
    pub kind: String,
    pub asset: String,
    pub ip: String,
    pub port: i64,
    pub protocol: String,
    pub hostname: String,
    pub asn: i64,
    pub severity: i64,
    /// The latest observation time in the import.
    pub observed: i64,
    /// How many records carried it.
    pub count: i64,
    /// Its latest record: block `block` of the batch, row `row` there.
    pub block: u32,
    pub row: u32,
}

/// One batch of an import, stored in one transaction: the raw records'
/// blocks, the findings (pointing into `blocks`) and the unmatched records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportBatch {
    pub blocks: Vec<crate::records::RecordBlock>,
    pub findings: Vec<FindingUpsert>,
    pub unmatched: Vec<UnmatchedUpsert>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unmatched {
    pub id: i64,
    pub source_id: i64,
    pub kind: String,
    pub asset: String,
    pub ip: String,
    pub asn: i64,
    pub hostname: String,
    pub geo: String,
    pub first_seen: i64,
    pub last_seen: i64,
    pub seen_count: i64,
    pub last_import_id: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnmatchedUpsert {
    pub source_id: i64,
    pub kind: String,
    pub asset: String,
    pub ip: String,
    pub asn: i64,
    pub hostname: String,
    pub geo: String,
    pub observed: i64,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IgnoreEntry {
    pub id: i64,
    pub cidr: String,
    pub reason: String,
    pub created_by: i64,
    pub created: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    pub id: i64,
    pub org_id: i64,
    /// 0: every source.
    pub source_id: i64,
    /// Empty: every kind.
    pub kind: String,
    /// Empty: every asset; else an address or CIDR.
    pub cidr: String,
    pub reason: String,
    /// 0: no end.
    pub until: i64,
    pub created_by: i64,
    pub created: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: i64,
    pub org_id: i64,
    pub contact_id: i64,
    pub channel: String,
    /// `digest` or `critical`.
    pub kind: String,
    pub finding_ids: Vec<i64>,
    /// `pending`, `sending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub lease_until: i64,
    pub last_error: String,
    pub created: i64,
    pub sent_at: i64,
}

/// A finding waiting to be told, in the few fields planning needs.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingFinding {
    pub id: i64,
    pub org_id: i64,
    pub severity: i64,
    pub state: String,
}

/// Which findings to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindingFilter {
    pub org_id: Option<i64>,
    pub source_id: Option<i64>,
    pub kind: Option<String>,
    pub states: Vec<String>,
    pub min_severity: Option<i64>,
    /// `last_seen >= since`.
    pub since: Option<i64>,
    pub notify_pending: Option<bool>,
    pub ids: Vec<i64>,
    pub after_id: i64,
    pub limit: u64,
}

/// Counts of findings, grouped as the CERT's statistics ask.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingCount {
    /// The group: a source name, an organisation name, a sector or a kind.
    pub group: String,
    pub open: i64,
    pub resolved: i64,
    pub critical: i64,
    pub high: i64,
    pub organisations: i64,
}

/// Grouping of [`FindingCount`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingGroup {
    Source,
    Organisation,
    Sector,
    Kind,
}

/// What the matcher's input at a given time depends on, read cheaply: the
/// matcher is rebuilt when the fingerprint differs from the one it was
/// built with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssetFingerprint {
    /// Counts catch rows deleted by a cascade (an organisation deleted).
    pub assets: i64,
    pub ignored: i64,
    /// Bumped by every write to assets, organisation settings and the
    /// ignore list, in the same transaction.
    pub revision: i64,
    /// The first time after the fingerprint's `now` at which an approved
    /// asset becomes valid (`valid_from`) or stops being valid
    /// (`valid_until`); 0 if none. Time passing changes no row, but it
    /// changes this once a boundary is crossed.
    pub next_validity_boundary: i64,
}

/// A daily digest's turn, taken by [`ExposureStore::queue_deliveries`]:
/// the organisation's `last_digest_at` moves from the value the planner
/// read (`settings.last_digest_at`) to `at`, unless another planner moved
/// it first.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestTurn {
    /// The settings the digest was planned with: the stored ones, or the
    /// defaults (which are then stored, with `last_digest_at = at`).
    pub settings: ExposureOrgSettings,
    pub at: i64,
}

#[async_trait::async_trait]
pub trait ExposureStore {
    async fn insert_asset(&self, a: &Asset, audit: &AuditEntry) -> StoreResult<i64>;
    async fn update_asset(&self, a: &Asset, audit: &AuditEntry) -> StoreResult<()>;
    async fn delete_asset(&self, id: i64, audit: &AuditEntry) -> StoreResult<()>;
    async fn asset(&self, id: i64) -> StoreResult<Option<Asset>>;
    /// Assets of one organisation, or of all.
    async fn assets(&self, org_id: Option<i64>) -> StoreResult<Vec<Asset>>;
    /// Changes whenever the matcher's input at `now` (approved assets valid
    /// at `now`, per-org flags, ignore list) may have changed since an
    /// earlier call, including by time alone (an asset's validity starting
    /// or ending).
    async fn asset_fingerprint(&self, now: i64) -> StoreResult<AssetFingerprint>;

    async fn exposure_settings(&self, org_id: i64) -> StoreResult<Option<ExposureOrgSettings>>;
    async fn all_exposure_settings(&self) -> StoreResult<Vec<ExposureOrgSettings>>;
    /// Stores an organisation's choices. `last_digest_at` is the planner's
    /// (see [`ExposureStore::queue_deliveries`]): it is written only when the
    /// row is new, so a settings change cannot undo a digest just planned.
    async fn put_exposure_settings(&self, s: &ExposureOrgSettings, audit: &AuditEntry) -> StoreResult<()>;

    async fn insert_contact(&self, c: &Contact, audit: &AuditEntry) -> StoreResult<i64>;
    async fn update_contact(&self, c: &Contact, audit: &AuditEntry) -> StoreResult<()>;
    async fn delete_contact(&self, id: i64, audit: &AuditEntry) -> StoreResult<()>;
    async fn contact(&self, id: i64) -> StoreResult<Option<Contact>>;
    async fn contact_by_token(&self, token: &str) -> StoreResult<Option<Contact>>;
    async fn contacts(&self, org_id: i64) -> StoreResult<Vec<Contact>>;
    /// Records a delivery failure (or success, with an empty error) on the contact.
    async fn contact_outcome(&self, id: i64, error: &str) -> StoreResult<()>;

    async fn insert_source(&self, s: &Source, audit: &AuditEntry) -> StoreResult<i64>;
    async fn update_source(&self, s: &Source, audit: &AuditEntry) -> StoreResult<()>;
    async fn delete_source(&self, id: i64, audit: &AuditEntry) -> StoreResult<()>;
    async fn source(&self, id: i64) -> StoreResult<Option<Source>>;
    async fn source_by_name(&self, name: &str) -> StoreResult<Option<Source>>;
    async fn sources(&self) -> StoreResult<Vec<Source>>;

    async fn insert_import(&self, i: &Import, audit: &AuditEntry) -> StoreResult<i64>;
    /// Stores the final counts and status of an import.
    async fn finish_import(&self, i: &Import) -> StoreResult<()>;
    /// Records that the process running import `id` is alive at `at`
    /// (nothing happens once the import has ended).
    async fn beat_import(&self, id: i64, at: i64) -> StoreResult<()>;
    async fn import(&self, id: i64) -> StoreResult<Option<Import>>;
    async fn imports(&self, source_id: Option<i64>, limit: u64) -> StoreResult<Vec<Import>>;

    /// Stores one batch of import `import_id` in one transaction: its
    /// record blocks, then its findings inserted or updated (keys unique
    /// within the batch; a resolved finding seen again is reopened; a
    /// finding keeps the record of its latest observation), then its
    /// unmatched records.
    async fn store_import_batch(&self, import_id: i64, batch: &ImportBatch) -> StoreResult<()>;
    /// The highest finding id so far (0 if none): an import's new findings
    /// are those of its scope above the value read when it began.
    async fn max_finding_id(&self) -> StoreResult<i64>;
    /// Deletes record blocks no finding points at any more (superseded by
    /// later reports, or their findings deleted). Returns how many.
    async fn prune_record_blocks(&self) -> StoreResult<u64>;
    /// After an import of `source_id` (and of report type `kind` when the
    /// source sends one report type per file): findings it did not contain
    /// count one more miss; those missing from `threshold` consecutive
    /// imports are resolved. With no `threshold` (an import that was not
    /// read to the end) nothing counts a miss: only the counts are taken.
    /// Either way, findings the import reopened or made worse are marked
    /// to be told again (`notify_pending`).
    /// `created_after` is [`ExposureStore::max_finding_id`] as read when the
    /// import began. Returns (newly created, resolved) by this import.
    async fn close_import_scope(
        &self,
        import_id: i64,
        source_id: i64,
        kind: Option<&str>,
        threshold: Option<i64>,
        now: i64,
        created_after: i64,
    ) -> StoreResult<(i64, i64)>;
    async fn findings(&self, f: &FindingFilter) -> StoreResult<Vec<Finding>>;
    async fn count_findings(&self, f: &FindingFilter) -> StoreResult<u64>;
    async fn finding(&self, id: i64) -> StoreResult<Option<Finding>>;
    /// Organisations that have an enabled contact and findings waiting to
    /// be told. (An organisation without contacts keeps its findings
    /// pending, visible in the API, and is not looked at again and again.)
    async fn orgs_to_notify(&self) -> StoreResult<Vec<i64>>;
    /// One organisation's findings waiting to be told, by id (keyset paging).
    async fn pending_notifications(&self, org_id: i64, after_id: i64, limit: u64) -> StoreResult<Vec<PendingFinding>>;
    async fn finding_counts(&self, group: FindingGroup) -> StoreResult<Vec<FindingCount>>;
    async fn unmatched(&self, source_id: Option<i64>, after_id: i64, limit: u64) -> StoreResult<Vec<Unmatched>>;

    async fn insert_ignore(&self, e: &IgnoreEntry, audit: &AuditEntry) -> StoreResult<i64>;
    async fn delete_ignore(&self, id: i64, audit: &AuditEntry) -> StoreResult<()>;
    async fn ignore_list(&self) -> StoreResult<Vec<IgnoreEntry>>;

    async fn insert_suppression(&self, s: &Suppression, audit: &AuditEntry) -> StoreResult<i64>;
    async fn delete_suppression(&self, id: i64, audit: &AuditEntry) -> StoreResult<()>;
    async fn suppressions(&self, org_id: Option<i64>) -> StoreResult<Vec<Suppression>>;

    /// Queues deliveries of organisation `org_id`, atomically: claims those
    /// of the deliveries' findings that are still pending (marking them
    /// notified at `now`) and queues each delivery with only the findings
    /// it claimed, so planners running at once never queue a finding twice.
    /// With a digest, its turn is taken too; if another planner took it
    /// first, or no finding was claimed, nothing is queued. Returns how many
    /// deliveries were queued.
    async fn queue_deliveries(&self, org_id: i64, deliveries: &[Delivery], digest: Option<&DigestTurn>, now: i64) -> StoreResult<usize>;
    /// Claims up to `limit` due deliveries for `lease` seconds (safe with
    /// several replicas).
    async fn claim_deliveries(&self, now: i64, lease: i64, limit: u64) -> StoreResult<Vec<Delivery>>;
    /// Records the outcome of an attempt: sent, or retry at `next_attempt_at`, or failed.
    async fn finish_delivery(&self, id: i64, status: &str, error: &str, next_attempt_at: i64, now: i64) -> StoreResult<()>;
    async fn deliveries(&self, org_id: Option<i64>, status: Option<&str>, limit: u64) -> StoreResult<Vec<Delivery>>;
    /// How many deliveries there are (of one organisation, in one status).
    async fn count_deliveries(&self, org_id: Option<i64>, status: Option<&str>) -> StoreResult<u64>;
}

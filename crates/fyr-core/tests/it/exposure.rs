//! Exposure notifications in the core, on the real SQL store (the backend
//! `FYR_TEST_DATABASE` selects) and a clock the tests move: planners running
//! at once queue each finding once, the matcher follows validity periods,
//! and the CERT's statistics count failed deliveries.

use fyr_core::admin::NewOrg;
use fyr_core::env::Env;
use fyr_core::exposure::assets::AssetRequest;
use fyr_core::exposure::settings::{ContactRequest, SettingsRequest};
use fyr_core::exposure::sources::SourceRequest;
use fyr_core::{Actor, Bootstrap, Core, Origin};
use fyr_store::*;
use fyr_store_sql::{ConnectOptions, SqlStore};
use fyr_testkit::{Backend, TestDb};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// 2026-11-22 10:00 UTC, 11:00 in Stockholm: past the default digest time (07:00).
const NOW: i64 = 1_795_341_600;
const DAY: i64 = 86_400;

/// A clock the test sets; randomness as in production.
struct TestEnv(AtomicI64);

impl TestEnv {
    fn set(&self, t: i64) {
        self.0.store(t, Ordering::SeqCst);
    }
}

impl Env for TestEnv {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
    fn new_uuid(&self) -> uuid::Uuid {
        fyr::SystemEnv.new_uuid()
    }
    fn random_alnum(&self, n: usize) -> String {
        fyr::SystemEnv.random_alnum(n)
    }
    fn random_bytes(&self, n: usize) -> Vec<u8> {
        fyr::SystemEnv.random_bytes(n)
    }
}

struct World {
    db: TestDb,
    env: Arc<TestEnv>,
    core: Core<SqlStore>,
    cert: Actor,
}

async fn connect(db: &TestDb) -> SqlStore {
    SqlStore::connect(&db.url, &ConnectOptions { max_connections: 4 }).await.unwrap()
}

async fn world() -> World {
    let db = TestDb::create(Backend::from_env().unwrap()).await.unwrap();
    let env = Arc::new(TestEnv(AtomicI64::new(NOW)));
    let core = Core::new(connect(&db).await, env.clone(), fyr_core::auth::Pepper::new(vec![7; 32]));
    let b = Bootstrap { host_org_name: "CERT".into(), admin_email: "admin@cert.example".into(), admin_key: None };
    core.bootstrap(&b).await.unwrap();
    let admin = core.store.users(&UserFilter::default()).await.unwrap().remove(0);
    let cert = core.actor_for(admin, false, &Origin::default()).await.unwrap();
    World { db, env, core, cert }
}

impl World {
    /// Another replica: its own pool and matcher, the same database and clock.
    async fn replica(&self) -> Core<SqlStore> {
        Core::new(connect(&self.db).await, self.env.clone(), fyr_core::auth::Pepper::new(vec![7; 32]))
    }

    async fn org(&self, name: &str, contacts: usize) -> i64 {
        let org = self.core.create_org(Some(&self.cert), NewOrg { name: name.into(), local: true, ..NewOrg::default() }).await.unwrap();
        for i in 0..contacts {
            let c = ContactRequest { channel: "email".into(), address: format!("soc{i}@{name}.example"), ..ContactRequest::default() };
            self.core.add_contact(&self.cert, Some(org.id), &c).await.unwrap();
        }
        org.id
    }

    async fn stop(self) {
        self.core.store.close().await;
        self.db.drop_db().await.unwrap();
    }
}

/// Stores `n` new findings for `org_id` (every third critical) through an
/// import of `source_id`; returns their ids.
async fn new_findings(w: &World, source_id: i64, org_id: i64, tag: &str, n: usize) -> Vec<i64> {
    let now = w.env.now();
    let import = Import { source_id, report_type: "scan_rdp".into(), status: "running".into(), started: now, ..Import::default() };
    let import_id = w.core.store.insert_import(&import, &AuditEntry::default()).await.unwrap();
    let assets: Vec<String> = (0..n).map(|i| format!("192.0.2.{i}:3389/tcp/{tag}")).collect();
    let mut rows: Vec<FindingUpsert> = assets
        .iter()
        .enumerate()
        .map(|(i, asset)| FindingUpsert {
            org_id,
            source_id,
            kind: "scan_rdp".into(),
            asset: asset.clone(),
            ip: format!("192.0.2.{i}"),
            port: 3389,
            protocol: "tcp".into(),
            hostname: String::new(),
            asn: 64496,
            severity: if i % 3 == 0 { 4 } else { 2 },
            observed: now,
            count: 1,
            block: 0,
            row: 0,
        })
        .collect();
    // Their raw records: one block, a record per finding.
    let mut blocks = fyr_store::records::RecordBlocks::new().unwrap();
    for f in &mut rows {
        blocks.field("ip", &f.ip);
        (f.block, f.row) = blocks.end_record().unwrap();
    }
    let batch = ImportBatch { blocks: blocks.finish().unwrap(), findings: rows, unmatched: Vec::new() };
    w.core.store.store_import_batch(import_id, &batch).await.unwrap();
    let f = FindingFilter { org_id: Some(org_id), limit: 10_000, ..FindingFilter::default() };
    w.core.store.findings(&f).await.unwrap().into_iter().filter(|f| assets.contains(&f.asset)).map(|f| f.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planners_at_once_queue_each_finding_once() {
    let w = world().await;
    let other = w.replica().await;
    let source = w.core.create_source(&w.cert, &SourceRequest { name: Some("ss".into()), ..SourceRequest::default() }).await.unwrap();
    // One organisation with stored settings, one on the defaults (nothing
    // stored until its first digest).
    let a = w.org("a", 2).await;
    let b = w.org("b", 1).await;
    w.core
        .change_exposure_settings(&w.cert, Some(a), &SettingsRequest { language: Some("en".into()), ..SettingsRequest::default() })
        .await
        .unwrap();

    let rounds = 3;
    let mut told: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for round in 0..rounds {
        // A day later each round, so each round has a digest due.
        let now = NOW + round * DAY;
        w.env.set(now);
        for org in [a, b] {
            told.entry(org).or_default().extend(new_findings(&w, source.id, org, &format!("r{round}"), 40).await);
        }
        let before = w.core.store.count_deliveries(None, None).await.unwrap();
        let (x, y) = tokio::join!(w.core.plan_deliveries(now), other.plan_deliveries(now));
        let queued = (x.unwrap() + y.unwrap()) as u64;
        assert_eq!(w.core.store.count_deliveries(None, None).await.unwrap() - before, queued, "the planners' counts");
        // Both planners again: nothing is left.
        let (x, y) = tokio::join!(w.core.plan_deliveries(now), other.plan_deliveries(now));
        assert_eq!((x.unwrap(), y.unwrap()), (0, 0), "round {round}: planned twice");
    }

    for (org, findings) in &told {
        let deliveries = w.core.store.deliveries(Some(*org), None, 10_000).await.unwrap();
        let contacts = w.core.store.contacts(*org).await.unwrap();
        for c in &contacts {
            let mine: Vec<&Delivery> = deliveries.iter().filter(|d| d.contact_id == c.id).collect();
            // Each finding in exactly one delivery to each contact.
            let mut ids: Vec<i64> = mine.iter().flat_map(|d| d.finding_ids.iter().copied()).collect();
            ids.sort_unstable();
            let mut expected = findings.clone();
            expected.sort_unstable();
            assert_eq!(ids, expected, "findings told to contact {} of org {org}", c.address);
            // One critical notice and one digest a round.
            let kinds = |k: &str| mine.iter().filter(|d| d.kind == k).count();
            assert_eq!(kinds("critical"), rounds as usize, "critical notices to {}", c.address);
            assert_eq!(kinds("digest"), rounds as usize, "digests to {}", c.address);
            for d in &mine {
                let critical = d.kind == "critical";
                // Every third finding of a round is critical.
                assert!(d.finding_ids.len() == if critical { 14 } else { 26 }, "{d:?}");
            }
        }
        let pending = FindingFilter { org_id: Some(*org), notify_pending: Some(true), ..FindingFilter::default() };
        assert_eq!(w.core.store.count_findings(&pending).await.unwrap(), 0);
        // The digest's turn was recorded, also where no settings were stored.
        let s = w.core.store.exposure_settings(*org).await.unwrap().unwrap();
        assert_eq!(s.last_digest_at, NOW + (rounds - 1) * DAY);
    }
    other.store.close().await;
    w.stop().await;
}

/// The organisations the current matcher gives for an address.
async fn owners(core: &Core<SqlStore>, ip: &str) -> Vec<u64> {
    let m = core.exposure_matcher().await.unwrap();
    m.lookup_ip(ip.parse().unwrap()).iter().map(|o| o.0).collect()
}

#[tokio::test]
async fn matcher_follows_validity_periods() {
    let w = world().await;
    let org = w.org("kommun", 0).await;
    let id = u64::try_from(org).unwrap();
    // Valid until NOW + 100.
    let ending = AssetRequest { kind: "cidr".into(), value: "192.0.2.0/24".into(), valid_until: NOW + 100, comment: String::new() };
    w.core.register_asset(&w.cert, Some(org), &ending).await.unwrap();
    // Valid from NOW + 50 on.
    let starting = AssetRequest { kind: "cidr".into(), value: "198.51.100.0/24".into(), valid_until: 0, comment: String::new() };
    let mut later = w.core.register_asset(&w.cert, Some(org), &starting).await.unwrap();
    later.valid_from = NOW + 50;
    w.core.store.update_asset(&later, &AuditEntry::default()).await.unwrap();

    assert_eq!(owners(&w.core, "192.0.2.7").await, vec![id]);
    assert_eq!(owners(&w.core, "198.51.100.7").await, Vec::<u64>::new(), "not valid yet");
    // Between boundaries the matcher is kept, not rebuilt.
    w.env.set(NOW + 10);
    let m1 = w.core.exposure_matcher().await.unwrap();
    w.env.set(NOW + 49);
    let m2 = w.core.exposure_matcher().await.unwrap();
    assert!(Arc::ptr_eq(&m1, &m2), "rebuilt though no boundary was crossed");

    // No row changes from here on: only time passes.
    w.env.set(NOW + 50);
    assert_eq!(owners(&w.core, "198.51.100.7").await, vec![id], "valid from NOW + 50");
    assert_eq!(owners(&w.core, "192.0.2.7").await, vec![id]);
    w.env.set(NOW + 99);
    assert_eq!(owners(&w.core, "192.0.2.7").await, vec![id]);
    w.env.set(NOW + 100);
    assert_eq!(owners(&w.core, "192.0.2.7").await, Vec::<u64>::new(), "expired at NOW + 100");
    assert_eq!(owners(&w.core, "198.51.100.7").await, vec![id]);
    w.stop().await;
}

#[tokio::test]
async fn stats_count_failed_deliveries() {
    let w = world().await;
    let source = w.core.create_source(&w.cert, &SourceRequest { name: Some("ss".into()), ..SourceRequest::default() }).await.unwrap();
    let org = w.org("bolag", 3).await;
    new_findings(&w, source.id, org, "x", 6).await;
    // A critical notice and a digest to each of three contacts.
    assert_eq!(w.core.plan_deliveries(NOW).await.unwrap(), 6);
    let stats = w.core.exposure_stats(&w.cert).await.unwrap();
    assert_eq!(stats.failed_deliveries, 0);
    let claimed = w.core.store.claim_deliveries(NOW, 300, 10).await.unwrap();
    assert_eq!(claimed.len(), 6);
    for (i, d) in claimed.iter().enumerate() {
        // Four given up on (as after the last attempt), two sent.
        let d = Delivery { attempts: if i < 4 { fyr_core::exposure::delivery::MAX_ATTEMPTS } else { d.attempts }, ..d.clone() };
        let error = if i < 4 { "connection refused" } else { "" };
        w.core.delivery_outcome(&d, error, NOW).await.unwrap();
    }
    let stats = w.core.exposure_stats(&w.cert).await.unwrap();
    assert_eq!(stats.failed_deliveries, 4);
    assert_eq!(w.core.store.count_deliveries(Some(org), Some("sent")).await.unwrap(), 2);
    assert_eq!(w.core.store.count_deliveries(Some(org), None).await.unwrap(), 6);
    assert_eq!(w.core.store.count_deliveries(Some(org + 1), None).await.unwrap(), 0);
    w.stop().await;
}

/// Planning looks at organisations with an enabled contact only; the
/// findings of one without stay pending and are told once it has one.
#[tokio::test]
async fn findings_wait_for_a_contact() {
    let w = world().await;
    let source = w.core.create_source(&w.cert, &SourceRequest { name: Some("ss".into()), ..SourceRequest::default() }).await.unwrap();
    let quiet = w.org("tyst", 0).await;
    let told = w.org("talar", 1).await;
    new_findings(&w, source.id, quiet, "q", 3).await;
    new_findings(&w, source.id, told, "t", 3).await;
    assert_eq!(w.core.store.orgs_to_notify().await.unwrap(), vec![told]);
    // A critical notice and a digest for the one contact.
    assert_eq!(w.core.plan_deliveries(NOW).await.unwrap(), 2);
    assert!(w.core.store.orgs_to_notify().await.unwrap().is_empty());
    // A disabled contact is no contact.
    let c = ContactRequest { channel: "email".into(), address: "soc@tyst.example".into(), ..ContactRequest::default() };
    let contact = w.core.add_contact(&w.cert, Some(quiet), &c).await.unwrap();
    w.core.set_contact_enabled(&w.cert, contact.id, false).await.unwrap();
    assert!(w.core.store.orgs_to_notify().await.unwrap().is_empty());
    w.core.set_contact_enabled(&w.cert, contact.id, true).await.unwrap();
    assert_eq!(w.core.store.orgs_to_notify().await.unwrap(), vec![quiet]);
    assert_eq!(w.core.plan_deliveries(NOW).await.unwrap(), 2);
    assert_eq!(w.core.store.count_deliveries(Some(quiet), None).await.unwrap(), 2);
    w.stop().await;
}

/// A settings change holds the settings it read; the digest the planner
/// recorded in between must survive it (else a second digest goes out).
#[tokio::test]
async fn a_settings_change_keeps_the_planned_digest() {
    let w = world().await;
    let source = w.core.create_source(&w.cert, &SourceRequest { name: Some("ss".into()), ..SourceRequest::default() }).await.unwrap();
    let org = w.org("a", 1).await;
    w.core
        .change_exposure_settings(&w.cert, Some(org), &SettingsRequest { language: Some("en".into()), ..SettingsRequest::default() })
        .await
        .unwrap();
    // What a settings change read before the planner ran.
    let stale = w.core.store.exposure_settings(org).await.unwrap().unwrap();
    assert_eq!(stale.last_digest_at, 0);
    new_findings(&w, source.id, org, "a", 3).await;
    assert!(w.core.plan_deliveries(NOW).await.unwrap() > 0);
    let planned = w.core.store.exposure_settings(org).await.unwrap().unwrap().last_digest_at;
    assert!(planned > 0);
    // The change is written after the digest was planned.
    let changed = ExposureOrgSettings { language: "sv".into(), modified: NOW, ..stale };
    w.core.store.put_exposure_settings(&changed, &AuditEntry::default()).await.unwrap();
    let now = w.core.store.exposure_settings(org).await.unwrap().unwrap();
    assert_eq!(now.language.as_str(), "sv");
    assert_eq!(now.last_digest_at, planned);
    // So the same day has no second digest.
    new_findings(&w, source.id, org, "b", 3).await;
    let digests = |ds: &[Delivery]| ds.iter().filter(|d| d.kind == "digest").count();
    let before = digests(&w.core.store.deliveries(Some(org), None, 1000).await.unwrap());
    w.core.plan_deliveries(NOW + 60).await.unwrap();
    assert_eq!(digests(&w.core.store.deliveries(Some(org), None, 1000).await.unwrap()), before);
    w.stop().await;
}

/// A scan_rdp import of `source_id`, begun at `started`.
fn running_import(source_id: i64, started: i64) -> Import {
    Import { source_id, report_type: "scan_rdp".into(), status: "running".into(), started, ..Import::default() }
}

/// A batch of one finding of `org_id` seen at `observed`, its record
/// carrying `marker`.
fn one_finding(org_id: i64, source_id: i64, observed: i64, marker: &str) -> ImportBatch {
    finding_of(org_id, source_id, observed, marker, 2)
}

fn finding_of(org_id: i64, source_id: i64, observed: i64, marker: &str, severity: i64) -> ImportBatch {
    let mut blocks = fyr_store::records::RecordBlocks::new().unwrap();
    blocks.field("ip", "192.0.2.9");
    blocks.field("marker", marker);
    blocks.field("empty", "");
    let (block, row) = blocks.end_record().unwrap();
    let finding = FindingUpsert {
        org_id,
        source_id,
        kind: "scan_rdp".into(),
        asset: "192.0.2.9:3389/tcp".into(),
        ip: "192.0.2.9".into(),
        port: 3389,
        protocol: "tcp".into(),
        hostname: String::new(),
        asn: 64496,
        severity,
        observed,
        count: 1,
        block,
        row,
    };
    ImportBatch { blocks: blocks.finish().unwrap(), findings: vec![finding], unmatched: Vec::new() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finding_shows_its_latest_record_and_unused_blocks_are_pruned() {
    let w = world().await;
    let source = w.core.create_source(&w.cert, &SourceRequest { name: Some("ss".into()), ..SourceRequest::default() }).await.unwrap();
    let org = w.org("a", 0).await;
    let import = |started: i64| running_import(source.id, started);
    let store = &w.core.store;
    let details = || async {
        let f = store.findings(&FindingFilter { org_id: Some(org), ..FindingFilter::default() }).await.unwrap();
        assert_eq!(f.len(), 1);
        let by_id = store.finding(f[0].id).await.unwrap().unwrap();
        assert_eq!(by_id.details, f[0].details, "one finding read alone or in a list shows the same record");
        serde_json::from_str::<serde_json::Value>(&f[0].details).unwrap()
    };

    let first = store.insert_import(&import(NOW), &AuditEntry::default()).await.unwrap();
    store.store_import_batch(first, &one_finding(org, source.id, NOW, "day 1")).await.unwrap();
    assert_eq!(details().await, serde_json::json!({"ip": "192.0.2.9", "marker": "day 1"}), "empty values are not kept");
    assert_eq!(store.prune_record_blocks().await.unwrap(), 0, "the block is in use");

    // The next day's report: the finding points at the new record, and
    // the first block, used by nothing any more, goes.
    let second = store.insert_import(&import(NOW + DAY), &AuditEntry::default()).await.unwrap();
    store.store_import_batch(second, &one_finding(org, source.id, NOW + DAY, "day 2")).await.unwrap();
    assert_eq!(details().await["marker"], "day 2");
    assert_eq!(store.prune_record_blocks().await.unwrap(), 1);
    assert_eq!(details().await["marker"], "day 2");

    // A late record of an earlier observation does not replace the latest.
    let third = store.insert_import(&import(NOW + 2 * DAY), &AuditEntry::default()).await.unwrap();
    store.store_import_batch(third, &one_finding(org, source.id, NOW, "late")).await.unwrap();
    assert_eq!(details().await["marker"], "day 2");
    assert_eq!(store.prune_record_blocks().await.unwrap(), 1, "the late record's block was never used");
    assert_eq!(details().await["marker"], "day 2");
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finding_made_worse_is_told_again_once_its_import_closes() {
    let w = world().await;
    let source = w.core.create_source(&w.cert, &SourceRequest { name: Some("ss".into()), ..SourceRequest::default() }).await.unwrap();
    let org = w.org("a", 1).await;
    let contact = w.core.store.contacts(org).await.unwrap().remove(0);
    let store = &w.core.store;
    let pending = || async {
        let f = store.findings(&FindingFilter { org_id: Some(org), ..FindingFilter::default() }).await.unwrap();
        assert_eq!(f.len(), 1);
        (f[0].id, f[0].notify_pending, f[0].severity)
    };
    let import = |started: i64| running_import(source.id, started);
    let run = |day: i64, severity: i64| async move {
        let created_after = store.max_finding_id().await.unwrap();
        let id = store.insert_import(&import(NOW + day * DAY), &AuditEntry::default()).await.unwrap();
        store.store_import_batch(id, &finding_of(org, source.id, NOW + day * DAY, "x", severity)).await.unwrap();
        let before_close = pending().await.1;
        let (created, resolved) =
            store.close_import_scope(id, source.id, Some("scan_rdp"), Some(2), NOW + day * DAY, created_after).await.unwrap();
        (before_close, created, resolved)
    };
    let tell = || async {
        let (id, _, _) = pending().await;
        let d = Delivery {
            id: 0,
            org_id: org,
            contact_id: contact.id,
            channel: "email".into(),
            kind: "digest".into(),
            finding_ids: vec![id],
            status: "pending".into(),
            attempts: 0,
            next_attempt_at: NOW,
            lease_until: 0,
            last_error: String::new(),
            created: NOW,
            sent_at: 0,
        };
        assert_eq!(store.queue_deliveries(org, &[d], None, NOW).await.unwrap(), 1);
        assert!(!pending().await.1);
    };

    assert_eq!(run(0, 2).await, (true, 1, 0), "new: pending from the start");
    tell().await;
    assert_eq!(run(1, 2).await, (false, 0, 0), "seen again, no worse: not told again");
    assert_eq!(run(2, 4).await, (false, 0, 0), "the upsert leaves notify_pending alone");
    let (_, told, severity) = pending().await;
    assert!(told && severity == 4, "worse: told again once the import closed");
    tell().await;
    // Missing from two reports: resolved and told; back: reopened and told.
    let without = |day: i64| async move {
        let created_after = store.max_finding_id().await.unwrap();
        let id = store.insert_import(&import(NOW + day * DAY), &AuditEntry::default()).await.unwrap();
        store.close_import_scope(id, source.id, Some("scan_rdp"), Some(2), NOW + day * DAY, created_after).await.unwrap()
    };
    assert_eq!(without(3).await, (0, 0));
    assert!(!pending().await.1);
    assert_eq!(without(4).await, (0, 1));
    assert!(pending().await.1, "resolved: told");
    tell().await;
    assert_eq!(run(5, 4).await, (false, 0, 0));
    assert!(pending().await.1, "reopened: told again once the import closed");
    let f = store.findings(&FindingFilter { org_id: Some(org), ..FindingFilter::default() }).await.unwrap();
    assert_eq!(f[0].state, "reopened");
    w.stop().await;
}

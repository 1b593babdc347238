//! The watched inbox after a crash: what a stopped process left in
//! `.processing/` is put back (never begun), moved to `failed/` with its
//! import marked failed (begun: importing again would count twice), or
//! filed where it belongs (ended); files another process holds are left
//! alone; imports left `running` are marked failed. Inbox directories made
//! only of digits are refused.

use crate::exposure_kit::*;
use fyr_core::exposure::ingest::ImportRequest;
use fyr_store::ExposureStore;
use fyr_testkit::TestServer;
use fyr_workers::inbox::{recover, scan_once};
use serde_json::Value;

const ROWS: &str = "ip,port\n192.0.2.1,8080\n";

fn report(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Records an import as a process would when it begins one, and leaves it
/// running.
async fn begin(s: &TestServer, filename: &str, via: &str) -> i64 {
    let req = ImportRequest { source: "feed".into(), filename: filename.into(), report_type: None, via: via.into() };
    s.core().begin_import(None, &req).await.unwrap().import.id
}

async fn import_status(s: &TestServer, id: i64) -> (String, String) {
    let i = ok(&s.admin().get(&format!("api/v1/exposure/imports/{id}")).await.unwrap());
    (i["status"].as_str().unwrap().to_string(), i["message"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn restart_recovers_the_processing_directory() {
    let s = TestServer::start().await.unwrap();
    org_with_space(&s, "Kommun A", "it@a.example", "192.0.2.0/24").await;
    critical_csv_source(&s, "feed").await;
    let inbox = s.db.dir().join("inbox");
    let dir = inbox.join("feed");
    let processing = dir.join(".processing");
    std::fs::create_dir_all(&processing).unwrap();

    // a.csv: claimed, but its import never began.
    std::fs::write(processing.join("a.csv"), ROWS).unwrap();
    // b.csv: its import began (marker) and never ended.
    std::fs::write(processing.join("b.csv"), ROWS).unwrap();
    let b = begin(&s, "b.csv", "inbox").await;
    std::fs::write(processing.join(".b.csv.import"), b.to_string()).unwrap();
    // c.csv: begun without a marker yet (stopped in between), found by name.
    std::fs::write(processing.join("c.csv"), ROWS).unwrap();
    let c = begin(&s, "c.csv", "inbox").await;
    // d.csv: its import ended, the process stopped before moving the file.
    std::fs::write(processing.join("d.csv"), ROWS).unwrap();
    let d_job = s
        .core()
        .begin_import(None, &ImportRequest { source: "feed".into(), filename: "d.csv".into(), report_type: None, via: "inbox".into() })
        .await
        .unwrap();
    let d = s.core().finish_import(d_job).await.unwrap().id;
    std::fs::write(processing.join(".d.csv.import"), d.to_string()).unwrap();
    // e.csv: another process is importing it right now (it holds the lock).
    std::fs::write(processing.join("e.csv"), ROWS).unwrap();
    let e = begin(&s, "e.csv", "inbox").await;
    std::fs::write(processing.join(".e.csv.import"), e.to_string()).unwrap();
    let held = std::fs::OpenOptions::new().read(true).write(true).open(processing.join("e.csv")).unwrap();
    held.try_lock().unwrap();
    // An upload left running by the stopped process (its heartbeat an hour
    // old), and a stale marker.
    let api = begin(&s, "upload.csv", "api").await;
    s.core().store.beat_import(api, s.core().now() - 3600).await.unwrap();
    std::fs::write(processing.join(".gone.csv.import"), "1").unwrap();
    // An upload a live replica began before this process started: its
    // heartbeat is fresh.
    let replica = begin(&s, "replica.csv", "api").await;
    s.core().store.beat_import(replica, s.core().now()).await.unwrap();

    // This process starts in the next second; an upload that began since
    // then is not touched.
    let started = s.core().now() + 1;
    while s.core().now() < started {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let later = begin(&s, "later.csv", "api").await;

    let r = recover(s.core(), Some(&inbox), started).await.unwrap();
    assert_eq!(r.requeued, vec![dir.join("a.csv")]);
    assert_eq!(r.interrupted, vec![dir.join("failed/b.csv"), dir.join("failed/c.csv")]);
    assert_eq!(r.finished, vec![dir.join("done/d.csv")]);
    let mut failed = r.imports_failed.clone();
    failed.sort();
    assert_eq!(failed, vec![b, c, api]);

    for id in [b, c] {
        let (status, message) = import_status(&s, id).await;
        assert_eq!(status, "failed");
        assert!(message.starts_with("Interrupted: fyr stopped during this import") && message.contains("twice"), "{message}");
    }
    let rb = report(&dir.join("failed/b.csv.report.json"));
    assert_eq!(rb["status"], "failed");
    assert_eq!(rb["id"], b);
    assert!(rb["message"].as_str().unwrap().contains("Move the file back"), "{rb}");
    assert_eq!(report(&dir.join("done/d.csv.report.json"))["status"], "done");
    let (status, message) = import_status(&s, api).await;
    assert_eq!(status, "failed");
    assert!(message.contains("Upload the file again"), "{message}");
    // Held by a live process: untouched.
    assert!(processing.join("e.csv").exists() && processing.join(".e.csv.import").exists());
    assert_eq!(import_status(&s, e).await.0, "running");
    assert_eq!(import_status(&s, later).await.0, "running");
    assert_eq!(import_status(&s, replica).await.0, "running");
    // Once the replica's heartbeat is stale (it stopped), the workers' tick
    // marks that import failed too, and only that one.
    s.core().store.beat_import(replica, s.core().now() - fyr_core::exposure::ingest::IMPORT_STALE_SECS - 1).await.unwrap();
    assert_eq!(fyr_workers::inbox::fail_stale_imports(s.core()).await.unwrap(), vec![replica]);
    assert_eq!(import_status(&s, replica).await.0, "failed");
    assert_eq!(import_status(&s, later).await.0, "running");
    assert!(!processing.join(".b.csv.import").exists() && !processing.join(".gone.csv.import").exists());
    drop(held);

    // The requeued file is imported by the next scan.
    assert_eq!(scan_once(s.core(), &inbox).await.unwrap(), 1);
    assert_eq!(report(&dir.join("done/a.csv.report.json"))["status"], "done");
    s.stop().await.unwrap();
}

#[tokio::test]
async fn an_import_leaves_nothing_in_processing_and_digit_directories_are_refused() {
    let s = TestServer::start().await.unwrap();
    org_with_space(&s, "Kommun A", "it@a.example", "192.0.2.0/24").await;
    critical_csv_source(&s, "feed").await;
    let inbox = s.db.dir().join("inbox");
    std::fs::create_dir_all(inbox.join("feed")).unwrap();
    std::fs::write(inbox.join("feed/x.csv"), ROWS).unwrap();
    // The source's id is 1, but a directory is named after the source's name.
    std::fs::create_dir_all(inbox.join("1")).unwrap();
    std::fs::write(inbox.join("1/y.csv"), ROWS).unwrap();
    assert_eq!(scan_once(s.core(), &inbox).await.unwrap(), 2);
    assert_eq!(report(&inbox.join("feed/done/x.csv.report.json"))["status"], "done");
    assert_eq!(std::fs::read_dir(inbox.join("feed/.processing")).unwrap().count(), 0, "no file or marker left behind");
    let refused = report(&inbox.join("1/failed/y.csv.report.json"));
    assert_eq!(refused["status"], "failed");
    assert!(refused["message"].as_str().unwrap().contains("only digits"), "{refused}");
    let imports = ok(&s.admin().get("api/v1/exposure/imports").await.unwrap());
    assert_eq!(imports.as_array().unwrap().len(), 1, "nothing imported into source 1 by its id: {imports}");
    // Nothing to recover afterwards.
    let r = recover(s.core(), Some(&inbox), s.core().now() + 1).await.unwrap();
    assert_eq!(r, fyr_workers::inbox::Recovery::default());
    s.stop().await.unwrap();
}

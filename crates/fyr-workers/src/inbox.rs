//! The watched inbox: files dropped into `<inbox>/<source name>/` are
//! imported into that source. A file is claimed by renaming it into
//! `.processing/` (atomic, so replicas sharing the directory never import
//! it twice), then moved to `done/` or `failed/` with a `.report.json`
//! beside it (the import's counts and row errors).

use crate::ingest::run_import;
use fyr_core::Core;
use fyr_core::exposure::ingest::ImportRequest;
use fyr_store::Store;
use std::path::{Path, PathBuf};

/// Files the inbox ignores: hidden ones and ones still being written
/// (`.part`, `.tmp`).
fn wanted(name: &str) -> bool {
    !name.starts_with('.') && !name.ends_with(".part") && !name.ends_with(".tmp") && !name.ends_with(".report.json")
}

/// Imports every waiting file once; returns how many were processed.
pub async fn scan_once<S: Store + Clone>(core: &Core<S>, inbox: &Path) -> std::io::Result<usize> {
    let mut processed = 0;
    let Ok(sources) = std::fs::read_dir(inbox) else { return Ok(0) };
    for source_dir in sources.flatten() {
        let path = source_dir.path();
        if !path.is_dir() {
            continue;
        }
        let Some(source) = path.file_name().and_then(|n| n.to_str()).map(str::to_string) else { continue };
        if source.starts_with('.') {
            continue;
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(&path)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(wanted))
            .collect();
        files.sort();
        for file in files {
            if import_file(core, &path, &source, &file).await? {
                processed += 1;
            }
        }
    }
    Ok(processed)
}

async fn import_file<S: Store + Clone>(core: &Core<S>, dir: &Path, source: &str, file: &Path) -> std::io::Result<bool> {
    let Some(name) = file.file_name().and_then(|n| n.to_str()).map(str::to_string) else { return Ok(false) };
    let processing = dir.join(".processing");
    std::fs::create_dir_all(&processing)?;
    let claimed = processing.join(&name);
    if std::fs::rename(file, &claimed).is_err() {
        // Another replica took it.
        return Ok(false);
    }
    let req = ImportRequest { source: source.to_string(), filename: name.clone(), report_type: None, via: "inbox".into() };
    let result = match core.begin_import(None, &req).await {
        Ok(job) => match std::fs::File::open(&claimed) {
            Ok(f) => run_import(core, job, Box::new(f)).await,
            Err(e) => core.fail_import(job, &format!("cannot open the file: {e}")).await,
        },
        Err(e) => Err(e),
    };
    let (target, report) = match &result {
        Ok(i) if i.status == "done" => ("done", import_report(i)),
        Ok(i) => ("failed", import_report(i)),
        Err(e) => ("failed", serde_json::json!({"status": "failed", "message": e.to_string()})),
    };
    let dest_dir = dir.join(target);
    std::fs::create_dir_all(&dest_dir)?;
    std::fs::rename(&claimed, dest_dir.join(&name))?;
    std::fs::write(dest_dir.join(format!("{name}.report.json")), serde_json::to_vec_pretty(&report).unwrap_or_default())?;
    match &result {
        Ok(i) => {
            tracing::info!(source, file = %name, status = %i.status, rows_ok = i.rows_ok, rows_bad = i.rows_bad, "Inbox file imported.")
        }
        Err(e) => tracing::warn!(source, file = %name, error = %e, "Inbox file refused."),
    }
    Ok(true)
}

/// An import as JSON (as the API shows it).
pub fn import_report(i: &fyr_store::Import) -> serde_json::Value {
    let errors: serde_json::Value = serde_json::from_str(&i.errors).unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "id": i.id,
        "source_id": i.source_id,
        "report_type": i.report_type,
        "filename": i.filename,
        "via": i.via,
        "status": i.status,
        "rows_ok": i.rows_ok,
        "rows_bad": i.rows_bad,
        "rows_matched": i.rows_matched,
        "rows_unmatched": i.rows_unmatched,
        "rows_ignored": i.rows_ignored,
        "rows_suppressed": i.rows_suppressed,
        "findings_new": i.findings_new,
        "findings_resolved": i.findings_resolved,
        "errors": errors.get("errors").cloned().unwrap_or(serde_json::Value::Array(Vec::new())),
        "errors_not_shown": errors.get("more").cloned().unwrap_or(serde_json::Value::from(0)),
        "message": i.message,
        "started": i.started,
        "finished": i.finished,
    })
}

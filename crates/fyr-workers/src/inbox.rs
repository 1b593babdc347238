//! The watched inbox: files dropped into `<inbox>/<source name>/` are
//! imported into that source. A file is claimed by renaming it into
//! `.processing/` (atomic, so replicas sharing the directory never import
//! it twice), then moved to `done/` or `failed/` with a `.report.json`
//! beside it (the import's counts and row errors).
//!
//! While a file is in `.processing/`, the process importing it holds an
//! exclusive lock on it, and once its import is recorded a hidden marker
//! `.processing/.<name>.import` names the import. When the workers start,
//! [`recover`] deals with what a stopped process left behind (files nobody
//! holds a lock on): a file whose import never began goes back into its
//! source directory and is imported again; a file whose import began goes
//! to `failed/` and its import is marked failed, because part of it may
//! already be stored and importing it again would count those findings
//! twice (their `seen_count`, and a new finding would turn `seen_again`,
//! which changes whether a critical one is told at once). An operator who
//! accepts that moves it back by hand.

use crate::ingest::run_import;
use fyr_core::Core;
use fyr_core::exposure::ingest::{IMPORT_STALE_SECS, ImportRequest};
use fyr_store::{Import, Store};
use std::collections::HashSet;
use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The directory of claimed files, inside each source directory.
pub const PROCESSING: &str = ".processing";

/// Imports [`recover`] looks at for one left `running` (the newest).
const RECENT_IMPORTS: u64 = 1000;

/// Files the inbox ignores: hidden ones and ones still being written
/// (`.part`, `.tmp`).
fn wanted(name: &str) -> bool {
    !name.starts_with('.') && !name.ends_with(".part") && !name.ends_with(".tmp") && !name.ends_with(".report.json")
}

/// A directory name made only of digits: it would be read as a source id,
/// and no source has such a name.
fn id_like(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit())
}

/// The marker naming the import of a claimed file (hidden, so it is never
/// taken for a report file).
fn marker_path(processing: &Path, name: &str) -> PathBuf {
    processing.join(format!(".{name}.import"))
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

/// Whether the file open as `f` is still the one at `path` (it may have
/// been moved away between opening and locking).
fn same_file(f: &File, path: &Path) -> std::io::Result<bool> {
    let at_path = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let open = f.metadata()?;
        Ok(open.dev() == at_path.dev() && open.ino() == at_path.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = (f, at_path);
        Ok(true)
    }
}

/// The outcome of [`lock_claimed`].
enum Lock {
    /// Held as long as this handle lives.
    Held(File),
    /// Another process holds it.
    Busy,
    /// The file is no longer at that path.
    Gone,
}

/// Takes the exclusive lock on a claimed file. Where the file system has
/// no locks, the file is taken without one (fine for a single process).
fn lock_claimed(path: &Path) -> std::io::Result<Lock> {
    // Opened for writing where allowed: NFS emulates these locks with
    // POSIX locks, whose exclusive kind needs a writable descriptor.
    let f = match std::fs::OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::PermissionDenied => match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Lock::Gone),
            Err(e) => return Err(e),
        },
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Lock::Gone),
        Err(e) => return Err(e),
    };
    match f.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Ok(Lock::Busy),
        Err(std::fs::TryLockError::Error(e)) => {
            tracing::debug!(file = %path.display(), error = %e, "No file lock; going on without one.");
        }
    }
    Ok(if same_file(&f, path)? { Lock::Held(f) } else { Lock::Gone })
}

/// Locks a file this process has just claimed. Only a starting process's
/// [`recover`] can hold it (it had been left in `.processing/`, and that
/// recovery is putting it back), and only for a moment: `None` once the
/// file has moved away from `claimed`.
async fn lock_new_claim(claimed: &Path, back: &Path) -> std::io::Result<Option<File>> {
    for _ in 0..100 {
        match lock_claimed(claimed)? {
            Lock::Held(f) => return Ok(Some(f)),
            Lock::Gone => return Ok(None),
            Lock::Busy => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
        }
    }
    // Not expected: give the file back for a later scan.
    std::fs::rename(claimed, back)?;
    Ok(None)
}

/// Moves `from` into `dir/` (created) as `name`, with `report` beside it.
fn file_away(from: &Path, dir: &Path, name: &str, report: &serde_json::Value) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let to = dir.join(name);
    std::fs::rename(from, &to)?;
    std::fs::write(dir.join(format!("{name}.report.json")), serde_json::to_vec_pretty(report).unwrap_or_default())?;
    Ok(to)
}

fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

async fn import_file<S: Store + Clone>(core: &Core<S>, dir: &Path, source: &str, file: &Path) -> std::io::Result<bool> {
    let Some(name) = file.file_name().and_then(|n| n.to_str()).map(str::to_string) else { return Ok(false) };
    let processing = dir.join(PROCESSING);
    std::fs::create_dir_all(&processing)?;
    let claimed = processing.join(&name);
    if std::fs::rename(file, &claimed).is_err() {
        // Another replica took it.
        return Ok(false);
    }
    // Held until the file has left `.processing/`, so that a process
    // starting meanwhile does not take it for abandoned.
    let Some(_lock) = lock_new_claim(&claimed, file).await? else {
        // A starting process's recovery got to it first and put it back.
        return Ok(false);
    };
    let marker = marker_path(&processing, &name);
    let result: Result<Import, String> = if id_like(source) {
        Err(format!(
            "The inbox directory {source:?} is only digits: directories are named after their source, and a source's name is \
             never only digits (a number is read as a source id). Rename the directory to the source's name."
        ))
    } else {
        let req = ImportRequest { source: source.to_string(), filename: name.clone(), report_type: None, via: "inbox".into() };
        match core.begin_import(None, &req).await {
            // The marker is written before anything is stored, so a
            // restart can tell a file whose import began.
            Ok(job) => match std::fs::write(&marker, job.import.id.to_string()) {
                Ok(()) => match File::open(&claimed) {
                    Ok(f) => run_import(core, job, Box::new(f)).await,
                    Err(e) => core.fail_import(job, &format!("cannot open the file: {e}")).await,
                },
                Err(e) => core.fail_import(job, &format!("cannot write the inbox marker {}: {e}", marker.display())).await,
            }
            .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        }
    };
    let (target, report) = match &result {
        Ok(i) if i.status == "done" => ("done", import_report(i)),
        Ok(i) => ("failed", import_report(i)),
        Err(e) => ("failed", serde_json::json!({"status": "failed", "message": e})),
    };
    file_away(&claimed, &dir.join(target), &name, &report)?;
    remove_if_there(&marker)?;
    match &result {
        Ok(i) => {
            tracing::info!(source, file = %name, status = %i.status, rows_ok = i.rows_ok, rows_bad = i.rows_bad, "Inbox file imported.")
        }
        Err(e) => tracing::warn!(source, file = %name, error = %e, "Inbox file refused."),
    }
    Ok(true)
}

/// What [`recover`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// Files whose import never began, back in their source directory.
    pub requeued: Vec<PathBuf>,
    /// Files whose import began and did not end, now in `failed/`.
    pub interrupted: Vec<PathBuf>,
    /// Files whose import had ended, now in `done/` or `failed/`.
    pub finished: Vec<PathBuf>,
    /// Imports left `running` by a stopped process, now `failed`.
    pub imports_failed: Vec<i64>,
}

/// The message of an import that a stopped process left running.
const INTERRUPTED: &str = "Interrupted: fyr stopped during this import, so its counts are incomplete and part of the file's \
                           findings may already be stored. It is not imported again automatically: importing the file again \
                           would count those findings twice.";

/// Marks a running import failed as interrupted.
async fn fail_interrupted<S: Store>(core: &Core<S>, mut import: Import, advice: &str) -> Result<Import, fyr_core::CoreError> {
    import.status = "failed".into();
    import.message = format!("{INTERRUPTED} {advice} {}", import.message).trim().to_string();
    import.finished = core.now();
    core.store.finish_import(&import).await?;
    Ok(import)
}

/// Run when the workers start, before the first scan: puts back what a
/// stopped process left in the inbox's `.processing/` directories (see the
/// module documentation), and marks imports it left `running` failed.
///
/// `started` is when this process started: an inbox file in `.processing/`
/// without a marker is matched to a running import begun before it. An
/// import of any kind is taken for left behind only when its heartbeat is
/// stale ([`IMPORT_STALE_SECS`]): an upload another live process (a replica,
/// `fyr exposure import`) is running keeps its heartbeat fresh and is left
/// alone; inbox imports are also exact by their file lock. One that this
/// host's previous process left with a recent heartbeat goes stale a
/// minute later and is failed by [`fail_stale_imports`], which the workers
/// run on every tick.
pub async fn recover<S: Store + Clone>(core: &Core<S>, inbox: Option<&Path>, started: i64) -> Result<Recovery, fyr_core::CoreError> {
    let mut out = Recovery::default();
    // Imports whose file another (live) process holds.
    let mut live: HashSet<i64> = HashSet::new();
    if let Some(inbox) = inbox {
        let io = |e: std::io::Error| fyr_core::CoreError::Internal(format!("inbox {}: {e}", inbox.display()));
        let dirs = match std::fs::read_dir(inbox) {
            Ok(d) => d,
            Err(e) if e.kind() == ErrorKind::NotFound => return recover_imports(core, out, &live).await,
            Err(e) => return Err(io(e)),
        };
        for source_dir in dirs.flatten() {
            let dir = source_dir.path();
            let Some(source) = dir.file_name().and_then(|n| n.to_str()).map(str::to_string) else { continue };
            if source.starts_with('.') || !dir.join(PROCESSING).is_dir() {
                continue;
            }
            recover_dir(core, &dir, &source, started, &mut live, &mut out).await.map_err(io)?;
        }
    }
    recover_imports(core, out, &live).await
}

/// Marks failed the imports left `running` by a stopped process (stale
/// heartbeat, see [`recover`]); returns their ids.
pub async fn fail_stale_imports<S: Store>(core: &Core<S>) -> Result<Vec<i64>, fyr_core::CoreError> {
    Ok(recover_imports(core, Recovery::default(), &HashSet::new()).await?.imports_failed)
}

async fn recover_imports<S: Store>(core: &Core<S>, mut out: Recovery, live: &HashSet<i64>) -> Result<Recovery, fyr_core::CoreError> {
    let stale_before = core.now() - IMPORT_STALE_SECS;
    for i in core.store.imports(None, RECENT_IMPORTS).await? {
        if i.status != "running" || i.heartbeat >= stale_before || live.contains(&i.id) {
            continue;
        }
        let advice = match i.via.as_str() {
            "inbox" => "Put the file back into the inbox to import it anyway.",
            _ => "Upload the file again to import it anyway.",
        };
        let id = i.id;
        fail_interrupted(core, i, advice).await?;
        tracing::warn!(import = id, "An import left running by a stopped process is marked failed.");
        out.imports_failed.push(id);
    }
    Ok(out)
}

async fn recover_dir<S: Store + Clone>(
    core: &Core<S>,
    dir: &Path,
    source: &str,
    started: i64,
    live: &mut HashSet<i64>,
    out: &mut Recovery,
) -> std::io::Result<()> {
    let processing = dir.join(PROCESSING);
    let mut names: Vec<String> = std::fs::read_dir(&processing)?
        .flatten()
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    let internal = |e: fyr_core::CoreError| std::io::Error::other(e.to_string());
    for name in names.iter().filter(|n| !n.starts_with('.')) {
        let path = processing.join(name);
        let marker = marker_path(&processing, name);
        let import_id: Option<i64> = std::fs::read_to_string(&marker).ok().and_then(|t| t.trim().parse().ok());
        let lock = match lock_claimed(&path)? {
            Lock::Held(f) => f,
            Lock::Busy => {
                // Another process is importing it.
                live.extend(import_id);
                continue;
            }
            Lock::Gone => continue,
        };
        // The import this file began, if it began one: the marker names
        // it; a crash between recording the import and writing the marker
        // leaves it running with no marker.
        let import: Option<Import> = match import_id {
            Some(id) => core.store.import(id).await.map_err(|e| internal(e.into()))?,
            None => match core.store.source_by_name(source).await.map_err(|e| internal(e.into()))? {
                Some(s) => core
                    .store
                    .imports(Some(s.id), RECENT_IMPORTS)
                    .await
                    .map_err(|e| internal(e.into()))?
                    .into_iter()
                    .find(|i| i.via == "inbox" && i.filename == *name && i.status == "running" && i.started < started),
                None => None,
            },
        };
        match (import_id, import) {
            (_, Some(i)) if i.status == "running" => {
                let failed = fail_interrupted(core, i, "Move the file back into the source directory to import it anyway.")
                    .await
                    .map_err(internal)?;
                out.imports_failed.push(failed.id);
                out.interrupted.push(file_away(&path, &dir.join("failed"), name, &import_report(&failed))?);
                tracing::warn!(source, file = %name, import = failed.id, "An interrupted inbox import was moved to failed/.");
            }
            (_, Some(i)) => {
                // Ended, but the process stopped before moving the file.
                let target = if i.status == "done" { "done" } else { "failed" };
                out.finished.push(file_away(&path, &dir.join(target), name, &import_report(&i))?);
            }
            (Some(id), None) => {
                let report = serde_json::json!({"status": "failed", "message": format!("The import {id} of this file no longer exists (its source was deleted?).")});
                out.interrupted.push(file_away(&path, &dir.join("failed"), name, &report)?);
            }
            (None, None) => {
                let back = dir.join(name);
                if back.exists() {
                    let report = serde_json::json!({"status": "failed", "message": "Left unimported by a stopped process, and a newer file of the same name is waiting: move this one back by hand if it is still needed."});
                    out.interrupted.push(file_away(&path, &dir.join("failed"), name, &report)?);
                } else {
                    std::fs::rename(&path, &back)?;
                    tracing::info!(source, file = %name, "An inbox file left unimported by a stopped process is queued again.");
                    out.requeued.push(back);
                }
            }
        }
        remove_if_there(&marker)?;
        drop(lock);
    }
    // Markers whose file has gone (a process stopped between moving the
    // file and removing its marker).
    for name in &names {
        if let Some(data) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".import"))
            && !processing.join(data).exists()
        {
            remove_if_there(&processing.join(name))?;
        }
    }
    Ok(())
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

//! The worker loop `fyr serve` runs beside the HTTP server: every few
//! seconds it imports inbox files, queues due notifications and sends them;
//! every hour it deletes the raw-record blocks no finding points at.

use crate::deliver::{Sender, deliver_due};
use crate::inbox::{fail_stale_imports, recover, scan_once};
use fyr_core::Core;
use fyr_store::Store;
use std::path::PathBuf;
use std::time::Duration;

/// How often unused raw-record blocks are deleted. A block falls out of use
/// when a later report of the same findings arrives (typically daily), so
/// an hourly pass keeps little garbage; one pass reads every finding's
/// record id once (0.24 s for ~1M findings in the sqlite3 shell).
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// What the workers do.
#[derive(Clone)]
pub struct WorkerConfig {
    pub inbox: Option<PathBuf>,
    pub sender: Sender,
    pub interval: Duration,
    /// When this process started (Unix seconds): imports still `running`
    /// that began before it were left by a stopped process.
    pub started_at: i64,
}

/// Runs until `shutdown` fires. Errors are logged and the loop goes on.
/// First it recovers what a stopped process left behind (inbox files in
/// `.processing/`, imports left `running`; see [`recover`]).
pub async fn run<S: Store + Clone>(core: Core<S>, cfg: WorkerConfig, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    match recover(&core, cfg.inbox.as_deref(), cfg.started_at).await {
        Ok(r) => {
            if r != Default::default() {
                tracing::warn!(
                    requeued = r.requeued.len(),
                    interrupted = r.interrupted.len(),
                    finished = r.finished.len(),
                    imports_failed = r.imports_failed.len(),
                    "Recovered what a stopped process left behind."
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "Recovering interrupted imports failed."),
    }
    let mut last_prune: Option<std::time::Instant> = None;
    let mut tick = tokio::time::interval(cfg.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => break,
        }
        if *shutdown.borrow() {
            break;
        }
        if let Some(inbox) = &cfg.inbox
            && let Err(e) = scan_once(&core, inbox).await
        {
            tracing::warn!(error = %e, inbox = %inbox.display(), "Inbox scan failed.");
        }
        match fail_stale_imports(&core).await {
            Ok(ids) if ids.is_empty() => {}
            Ok(ids) => tracing::warn!(?ids, "Imports left running by a stopped process are marked failed."),
            Err(e) => tracing::warn!(error = %e, "Looking for imports left running failed."),
        }
        if last_prune.is_none_or(|t| t.elapsed() >= PRUNE_EVERY) {
            last_prune = Some(std::time::Instant::now());
            match core.store.prune_record_blocks().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(blocks = n, "Deleted raw-record blocks no finding points at any more."),
                Err(e) => tracing::warn!(error = %e, "Deleting unused raw-record blocks failed."),
            }
        }
        if let Err(e) = core.plan_deliveries(core.now()).await {
            tracing::warn!(error = %e, "Planning notifications failed.");
        }
        loop {
            match deliver_due(&core, &cfg.sender).await {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "Sending notifications failed.");
                    break;
                }
            }
        }
    }
}

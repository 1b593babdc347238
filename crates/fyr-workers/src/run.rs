//! The worker loop `fyr serve` runs beside the HTTP server: every few
//! seconds it imports inbox files, queues due notifications and sends them.

use crate::deliver::{Sender, deliver_due};
use crate::inbox::scan_once;
use fyr_core::Core;
use fyr_store::Store;
use std::path::PathBuf;
use std::time::Duration;

/// What the workers do.
#[derive(Clone)]
pub struct WorkerConfig {
    pub inbox: Option<PathBuf>,
    pub sender: Sender,
    pub interval: Duration,
}

/// Runs until `shutdown` fires. Errors are logged and the loop goes on.
pub async fn run<S: Store + Clone>(core: Core<S>, cfg: WorkerConfig, mut shutdown: tokio::sync::watch::Receiver<bool>) {
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

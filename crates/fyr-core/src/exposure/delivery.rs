//! Who is told what, when. Critical findings that are new or reopened go
//! out at once (unless an organisation chose otherwise); everything else
//! waits for the organisation's daily digest at its chosen local time. A
//! delivery is queued per contact; senders claim due deliveries from the
//! database (so any replica may send), and failures are retried with
//! exponential backoff before they are marked failed for the CERT to see.

use super::local_time::local_time_today;
use super::settings::default_settings;
use crate::core::Core;
use crate::error::CoreResult;
use fyr_store::*;

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i64 = 6;
/// Seconds a sender may hold a claimed delivery.
pub const LEASE: i64 = 300;

/// When to try again after `attempts` failed attempts (1 min, 2, 4, 8, 16…).
pub fn backoff(now: i64, attempts: i64) -> i64 {
    now + 60 * (1_i64 << attempts.clamp(0, 10).saturating_sub(1).max(0))
}

/// Whether an organisation's digest is due: its local digest time today has
/// passed and no digest went out since.
pub fn digest_due(now: i64, digest_minute: i64, last_digest_at: i64) -> Option<i64> {
    let today = local_time_today(now, digest_minute);
    (now >= today && last_digest_at < today).then_some(today)
}

impl<S: Store> Core<S> {
    /// Queues the deliveries that are due at `now`; returns how many.
    pub async fn plan_deliveries(&self, now: i64) -> CoreResult<usize> {
        // One organisation at a time, so memory follows the largest
        // organisation's backlog, not everyone's.
        let mut queued = 0;
        for org_id in self.store.orgs_to_notify().await? {
            let contacts: Vec<Contact> = self.store.contacts(org_id).await?.into_iter().filter(|c| c.enabled).collect();
            if contacts.is_empty() {
                // Nobody to tell: the findings stay pending (and visible in the API).
                continue;
            }
            let mut pending: Vec<PendingFinding> = Vec::new();
            let mut after = 0;
            loop {
                let page = self.store.pending_notifications(org_id, after, 10_000).await?;
                let Some(last) = page.last() else { break };
                after = last.id;
                let n = page.len();
                pending.extend(page);
                if n < 10_000 {
                    break;
                }
            }
            let settings = self.store.exposure_settings(org_id).await?.unwrap_or_else(|| default_settings(org_id));
            let delivery = |kind: &str, ids: &[i64], c: &Contact| Delivery {
                id: 0,
                org_id,
                contact_id: c.id,
                channel: c.channel.clone(),
                kind: kind.to_string(),
                finding_ids: ids.to_vec(),
                status: "pending".into(),
                attempts: 0,
                next_attempt_at: now,
                lease_until: 0,
                last_error: String::new(),
                created: now,
                sent_at: 0,
            };
            // Critical findings that are new or reopened go out at once;
            // the rest wait for the digest.
            let at_once =
                |p: &PendingFinding| settings.critical_immediately && p.severity >= 4 && (p.state == "new" || p.state == "reopened");
            let (critical, rest): (Vec<&PendingFinding>, Vec<&PendingFinding>) = pending.iter().partition(|p| at_once(p));
            let critical: Vec<i64> = critical.iter().map(|p| p.id).collect();
            let rest: Vec<i64> = rest.iter().map(|p| p.id).collect();
            // Another planner (a replica, or an import finishing during the
            // worker's tick) may be here too: the store queues only the
            // findings this call claims, and a digest once per due time.
            if !critical.is_empty() {
                let ds: Vec<Delivery> = contacts.iter().map(|c| delivery("critical", &critical, c)).collect();
                queued += self.store.queue_deliveries(org_id, &ds, None, now).await?;
            }
            if let Some(at) = digest_due(now, settings.digest_minute, settings.last_digest_at)
                && !rest.is_empty()
            {
                let ds: Vec<Delivery> = contacts.iter().map(|c| delivery("digest", &rest, c)).collect();
                let turn = DigestTurn { settings: settings.clone(), at: at.max(now) };
                queued += self.store.queue_deliveries(org_id, &ds, Some(&turn), now).await?;
            }
        }
        Ok(queued)
    }

    /// Records the outcome of a delivery attempt (`error` empty on success).
    pub async fn delivery_outcome(&self, d: &Delivery, error: &str, now: i64) -> CoreResult<()> {
        if error.is_empty() {
            self.store.finish_delivery(d.id, "sent", "", 0, now).await?;
        } else if d.attempts >= MAX_ATTEMPTS {
            self.store.finish_delivery(d.id, "failed", error, 0, now).await?;
        } else {
            self.store.finish_delivery(d.id, "pending", error, backoff(now, d.attempts), now).await?;
        }
        self.store.contact_outcome(d.contact_id, error).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles() {
        assert_eq!(backoff(0, 1), 60);
        assert_eq!(backoff(0, 2), 120);
        assert_eq!(backoff(0, 5), 960);
    }

    #[test]
    fn digest_once_a_day() {
        // 2026-11-22 10:00 UTC (11:00 local); digest at 07:00 local = 06:00 UTC.
        let now = 1_795_341_600;
        assert_eq!(digest_due(now, 420, 0), Some(1_795_327_200));
        assert_eq!(digest_due(now, 420, 1_795_327_200), None);
        // Before the time: not yet.
        assert_eq!(digest_due(1_795_323_600, 420, 0), None);
    }
}

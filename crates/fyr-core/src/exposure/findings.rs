//! Findings as organisations and the CERT read them: each organisation sees
//! only its own; CERT staff see all, with statistics per source, sector,
//! organisation and kind, unmatched records and delivery failures.

use crate::core::{Actor, Core};
use crate::error::{CoreError, CoreResult};
use fyr_store::*;

/// Filters of the findings API.
#[derive(Debug, Clone, Default)]
pub struct FindingQuery {
    /// CERT staff only: one organisation (else all).
    pub org_id: Option<i64>,
    pub source: Option<String>,
    pub kind: Option<String>,
    pub states: Vec<String>,
    pub min_severity: Option<i64>,
    pub since: Option<i64>,
    pub after_id: i64,
    pub limit: u64,
}

pub const STATES: [&str; 4] = ["new", "seen_again", "resolved", "reopened"];

/// Statistics for the CERT.
#[derive(Debug, Clone)]
pub struct ExposureStats {
    pub by_source: Vec<FindingCount>,
    pub by_sector: Vec<FindingCount>,
    pub by_organisation: Vec<FindingCount>,
    pub by_kind: Vec<FindingCount>,
    pub recent_imports: Vec<Import>,
    pub failed_deliveries: u64,
}

impl<S: Store> Core<S> {
    /// The filter a query turns into for this actor: always their own
    /// organisation unless they are CERT staff.
    pub async fn finding_filter(&self, actor: &Actor, q: &FindingQuery) -> CoreResult<FindingFilter> {
        let cert = self.is_cert(actor).await?;
        let org_id = match q.org_id {
            Some(id) if cert => Some(id),
            Some(id) if id != actor.org.id => return Err(CoreError::NoPermission),
            Some(id) => Some(id),
            None if cert => None,
            None => Some(actor.org.id),
        };
        for s in &q.states {
            if !STATES.contains(&s.as_str()) {
                return Err(CoreError::invalid("state", format!("{s:?} is not a state (new, seen_again, resolved, reopened)")));
            }
        }
        if let Some(m) = q.min_severity
            && !(0..=4).contains(&m)
        {
            return Err(CoreError::invalid("severity", "must be info, low, medium, high or critical"));
        }
        let source_id = match &q.source {
            Some(s) => Some(self.find_source(s).await.map_err(|_| CoreError::invalid("source", format!("no source {s:?}")))?.id),
            None => None,
        };
        Ok(FindingFilter {
            org_id,
            source_id,
            kind: q.kind.clone(),
            states: q.states.clone(),
            min_severity: q.min_severity,
            since: q.since,
            notify_pending: None,
            ids: Vec::new(),
            after_id: q.after_id,
            limit: q.limit.clamp(1, 10_000),
        })
    }

    pub async fn list_findings(&self, actor: &Actor, q: &FindingQuery) -> CoreResult<(Vec<Finding>, u64)> {
        let f = self.finding_filter(actor, q).await?;
        let total = self.store.count_findings(&f).await?;
        Ok((self.store.findings(&f).await?, total))
    }

    pub async fn get_finding(&self, actor: &Actor, id: i64) -> CoreResult<Finding> {
        let not_found = || CoreError::NotFound("Invalid finding".into());
        let f = self.store.finding(id).await?.ok_or_else(not_found)?;
        if f.org_id != actor.org.id && !self.is_cert(actor).await? {
            return Err(not_found());
        }
        Ok(f)
    }

    pub async fn exposure_stats(&self, actor: &Actor) -> CoreResult<ExposureStats> {
        self.require_cert(actor).await?;
        Ok(ExposureStats {
            by_source: self.store.finding_counts(FindingGroup::Source).await?,
            by_sector: self.store.finding_counts(FindingGroup::Sector).await?,
            by_organisation: self.store.finding_counts(FindingGroup::Organisation).await?,
            by_kind: self.store.finding_counts(FindingGroup::Kind).await?,
            recent_imports: self.store.imports(None, 20).await?,
            failed_deliveries: self.store.count_deliveries(None, Some("failed")).await?,
        })
    }

    /// Deliveries: an organisation's own, or all for CERT staff.
    pub async fn list_deliveries(&self, actor: &Actor, status: Option<&str>, limit: u64) -> CoreResult<Vec<Delivery>> {
        if let Some(s) = status
            && !["pending", "sending", "sent", "failed", "cancelled"].contains(&s)
        {
            return Err(CoreError::invalid(
                "status",
                format!("{s:?} is not a delivery status (pending, sending, sent, failed, cancelled)"),
            ));
        }
        let org = if self.is_cert(actor).await? { None } else { Some(actor.org.id) };
        Ok(self.store.deliveries(org, status, limit.clamp(1, 1000)).await?)
    }
}

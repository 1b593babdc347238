//! Exposure notifications (ANTS): organisations register their addresses,
//! AS numbers and domains ([`assets`]); CERT staff configure sources
//! ([`sources`]); imports match every record to its owners and keep one
//! finding per (organisation, source, kind, asset) ([`ingest`]); findings
//! are told to each organisation by e-mail, webhook and the API
//! ([`delivery`], [`findings`]). Matching uses `fyr-exposure`'s index,
//! rebuilt here whenever the registrations change.

pub mod assets;
pub mod delivery;
pub mod findings;
pub mod ingest;
pub mod local_time;
pub mod settings;
pub mod sources;

use crate::core::{Actor, Core};
use crate::error::{CoreError, CoreResult};
use fyr_exposure::{Asn, AssetSnapshot, DomainSuffix, Matcher, OrgAssets, OrgId, OrgPolicy, SharedMatcher};
use fyr_formats::exposure::{Severity, ShadowserverSchema};
use fyr_store::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// Static configuration of exposure processing (read from files by the binary).
#[derive(Debug, Default)]
pub struct ExposureConfig {
    /// Shadowserver's report schema (`reports.json`), if configured.
    pub schema: Option<ShadowserverSchema>,
    /// Default severity per report type (Shadowserver's `severity.md`).
    pub severities: HashMap<String, Severity>,
    /// Base URL of this instance for links in notifications.
    pub public_url: String,
    /// Name of the sender in notifications ("CERT-SE").
    pub sender_name: String,
}

/// The matcher in use and the fingerprint of the registrations it was built from.
pub struct ExposureState {
    pub config: ExposureConfig,
    matcher: SharedMatcher,
    built_from: Mutex<Option<AssetFingerprint>>,
}

impl ExposureState {
    pub fn new(config: ExposureConfig) -> ExposureState {
        // An empty snapshot always builds.
        let empty = Matcher::build(&AssetSnapshot::default()).unwrap_or_else(|_| unreachable_empty());
        ExposureState { config, matcher: SharedMatcher::new(empty), built_from: Mutex::new(None) }
    }
}

impl Default for ExposureState {
    fn default() -> Self {
        ExposureState::new(ExposureConfig::default())
    }
}

impl std::fmt::Debug for ExposureState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExposureState").field("config", &self.config).finish_non_exhaustive()
    }
}

#[allow(clippy::panic)]
fn unreachable_empty() -> Matcher {
    // `Matcher::build` fails only when a table exceeds 32-bit indexes.
    panic!("building a matcher from an empty snapshot cannot fail")
}

/// Severity as stored (0 info … 4 critical).
pub fn severity_level(s: Severity) -> i64 {
    match s {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

pub fn severity_of_level(n: i64) -> Severity {
    match n {
        i64::MIN..=0 => Severity::Info,
        1 => Severity::Low,
        2 => Severity::Medium,
        3 => Severity::High,
        _ => Severity::Critical,
    }
}

impl<S: Store> Core<S> {
    /// Whether the actor is CERT staff: a site administrator, or an
    /// administrator of the host organisation.
    pub async fn is_cert(&self, actor: &Actor) -> CoreResult<bool> {
        if actor.site_admin() {
            return Ok(true);
        }
        let settings = self.settings().await?;
        Ok(actor.perm("perm_admin") && actor.org.id == settings.host_org_id)
    }

    pub async fn require_cert(&self, actor: &Actor) -> CoreResult<()> {
        if self.is_cert(actor).await? { Ok(()) } else { Err(CoreError::NoPermission) }
    }

    /// The organisation an actor acts for: their own, or any (by id) for CERT staff.
    pub async fn exposure_org(&self, actor: &Actor, org_id: Option<i64>) -> CoreResult<Organisation> {
        match org_id {
            Some(id) if id != actor.org.id => {
                self.require_cert(actor).await?;
                self.store.org(id).await?.ok_or_else(|| CoreError::invalid("org_id", format!("no organisation with id {id}")))
            }
            _ => Ok(actor.org.clone()),
        }
    }

    /// The registrations the matcher uses: approved assets valid at `now`,
    /// each organisation's policy, and the CERT's ignore list.
    pub async fn asset_snapshot(&self, now: i64, include_pending: bool) -> CoreResult<AssetSnapshot> {
        let assets = self.store.assets(None).await?;
        let settings = self.store.all_exposure_settings().await?;
        let flags: HashMap<i64, bool> = settings.iter().map(|s| (s.org_id, s.notify_covered_customers)).collect();
        let mut by_org: BTreeMap<i64, OrgAssets> = BTreeMap::new();
        for a in assets {
            let usable = a.status == "approved" || (include_pending && a.status == "pending");
            let in_time = a.valid_from <= now && (a.valid_until == 0 || a.valid_until > now);
            if !usable || !in_time {
                continue;
            }
            let org_id = u64::try_from(a.org_id).unwrap_or(0);
            let entry = by_org.entry(a.org_id).or_insert_with(|| {
                let mut o = OrgAssets::new(OrgId(org_id));
                o.policy = OrgPolicy { notify_covered_customers: flags.get(&a.org_id).copied().unwrap_or(false) };
                o
            });
            match a.kind.as_str() {
                "cidr" => {
                    if let Ok(net) = a.value.parse() {
                        entry.cidrs.push(net);
                    }
                }
                "asn" => {
                    if let Some(asn) = a.value.parse::<u32>().ok().and_then(Asn::new) {
                        entry.asns.push(asn);
                    }
                }
                "domain" => {
                    if let Ok(d) = DomainSuffix::parse(&a.value) {
                        entry.domains.push(d);
                    }
                }
                _ => {}
            }
        }
        let ignore = self.store.ignore_list().await?.iter().filter_map(|e| e.cidr.parse().ok()).collect();
        Ok(AssetSnapshot { orgs: by_org.into_values().collect(), ignore })
    }

    /// The current matcher, rebuilt first if the registrations changed since
    /// it was built, or an asset's validity period began or ended (checked
    /// with a cheap fingerprint query, so replicas sharing a database pick
    /// up each other's changes).
    pub async fn exposure_matcher(&self) -> CoreResult<Arc<Matcher>> {
        let state = &self.exposure;
        // One `now` for the fingerprint and the snapshot: the fingerprint
        // names the next validity boundary after the time the snapshot
        // is taken at.
        let now = self.now();
        let fp = self.store.asset_fingerprint(now).await?;
        let current = state.built_from.lock().map(|g| *g).unwrap_or(None);
        if current != Some(fp) {
            let snapshot = self.asset_snapshot(now, false).await?;
            let matcher = Matcher::build(&snapshot).map_err(|e| CoreError::Internal(format!("matcher: {e}")))?;
            state.matcher.replace(matcher);
            if let Ok(mut g) = state.built_from.lock() {
                *g = Some(fp);
            }
        }
        Ok(state.matcher.load_full())
    }
}

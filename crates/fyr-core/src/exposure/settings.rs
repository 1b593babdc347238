//! What each organisation wants: language, digest time, immediate critical
//! notices, covered customers; contacts (e-mail, webhook); suppressions;
//! and the CERT's global ignore list.

use crate::core::{Actor, Core};
use crate::error::{CoreError, CoreResult};
use fyr_store::*;

/// Defaults for an organisation that has not chosen: Swedish, a digest at
/// 07:00 local time, critical findings at once.
pub fn default_settings(org_id: i64) -> ExposureOrgSettings {
    ExposureOrgSettings {
        org_id,
        language: "sv".into(),
        digest_minute: 7 * 60,
        critical_immediately: true,
        notify_covered_customers: false,
        last_digest_at: 0,
        modified: 0,
    }
}

/// A change of settings; absent fields stay.
#[derive(Debug, Clone, Default)]
pub struct SettingsRequest {
    pub language: Option<String>,
    /// `HH:MM` local (Europe/Stockholm) time of the daily digest.
    pub digest_time: Option<String>,
    pub critical_immediately: Option<bool>,
    pub notify_covered_customers: Option<bool>,
}

/// A new contact.
#[derive(Debug, Clone, Default)]
pub struct ContactRequest {
    pub channel: String,
    pub address: String,
    pub language: Option<String>,
    /// Webhook secret; generated when absent.
    pub secret: Option<String>,
}

/// A new suppression.
#[derive(Debug, Clone, Default)]
pub struct SuppressionRequest {
    pub source: Option<String>,
    pub kind: Option<String>,
    pub cidr: Option<String>,
    pub reason: String,
    pub until: i64,
}

fn check_language(field: &str, l: &str) -> CoreResult<String> {
    match l.trim().to_ascii_lowercase().as_str() {
        "sv" => Ok("sv".into()),
        "en" => Ok("en".into()),
        other => Err(CoreError::invalid(field, format!("{other:?} is not a language (sv or en)"))),
    }
}

/// `HH:MM` → minutes after midnight.
pub fn parse_hhmm(field: &str, s: &str) -> CoreResult<i64> {
    let bad = || CoreError::invalid(field, format!("{s:?} is not a time of day (HH:MM)"));
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let (h, m) = (h.parse::<i64>().map_err(|_| bad())?, m.parse::<i64>().map_err(|_| bad())?);
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// A webhook address: an absolute http(s) URL without credentials.
fn check_webhook(field: &str, url: &str) -> CoreResult<()> {
    let u = url.trim();
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .ok_or_else(|| CoreError::invalid(field, "a webhook must be an http:// or https:// URL"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains('@') || u.chars().any(char::is_whitespace) {
        return Err(CoreError::invalid(field, format!("{u:?} is not a usable webhook URL")));
    }
    crate::capture::check_len(field, u, 2048)
}

impl<S: Store> Core<S> {
    fn require_org_admin(&self, actor: &Actor) -> CoreResult<()> {
        if actor.perm("perm_admin") || actor.site_admin() { Ok(()) } else { Err(CoreError::NoPermission) }
    }

    pub async fn exposure_settings_of(&self, actor: &Actor, org_id: Option<i64>) -> CoreResult<ExposureOrgSettings> {
        let org = self.exposure_org(actor, org_id).await?;
        Ok(self.store.exposure_settings(org.id).await?.unwrap_or_else(|| default_settings(org.id)))
    }

    pub async fn change_exposure_settings(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
        r: &SettingsRequest,
    ) -> CoreResult<ExposureOrgSettings> {
        self.require_org_admin(actor)?;
        let org = self.exposure_org(actor, org_id).await?;
        let mut s = self.store.exposure_settings(org.id).await?.unwrap_or_else(|| default_settings(org.id));
        if let Some(l) = &r.language {
            s.language = check_language("language", l)?;
        }
        if let Some(t) = &r.digest_time {
            s.digest_minute = parse_hhmm("digest_time", t)?;
        }
        if let Some(v) = r.critical_immediately {
            s.critical_immediately = v;
        }
        if let Some(v) = r.notify_covered_customers {
            s.notify_covered_customers = v;
        }
        s.modified = self.now();
        let audit = actor.audit(s.modified, "edit", "ExposureSettings", org.id, format!("Notification settings of {} changed", org.name));
        self.store.put_exposure_settings(&s, &audit).await?;
        Ok(s)
    }

    pub async fn add_contact(&self, actor: &Actor, org_id: Option<i64>, r: &ContactRequest) -> CoreResult<Contact> {
        self.require_org_admin(actor)?;
        let org = self.exposure_org(actor, org_id).await?;
        let channel = r.channel.trim().to_ascii_lowercase();
        let address = match channel.as_str() {
            "email" => crate::admin::check_email("address", &r.address)?,
            "webhook" => {
                check_webhook("address", &r.address)?;
                r.address.trim().to_string()
            }
            other => return Err(CoreError::invalid("channel", format!("{other:?} is not a channel (email or webhook)"))),
        };
        let language = match &r.language {
            Some(l) if !l.trim().is_empty() => check_language("language", l)?,
            _ => String::new(),
        };
        if self.store.contacts(org.id).await?.iter().any(|c| c.channel == channel && c.address.eq_ignore_ascii_case(&address)) {
            return Err(CoreError::invalid("address", format!("{address} is already a contact")));
        }
        let secret = match (&channel[..], &r.secret) {
            ("webhook", Some(s)) if s.len() >= 16 => s.clone(),
            ("webhook", Some(_)) => return Err(CoreError::invalid("secret", "a webhook secret must be at least 16 characters")),
            ("webhook", None) => self.env.random_alnum(40),
            _ => String::new(),
        };
        let now = self.now();
        let mut c = Contact {
            id: 0,
            org_id: org.id,
            channel,
            address: address.clone(),
            secret,
            language,
            enabled: true,
            token: self.env.random_alnum(40),
            failures: 0,
            last_error: String::new(),
            created: now,
        };
        let audit = actor.audit(now, "add", "ExposureContact", 0, format!("Contact {address} added for {}", org.name));
        c.id = self.store.insert_contact(&c, &audit).await?;
        Ok(c)
    }

    pub async fn list_contacts(&self, actor: &Actor, org_id: Option<i64>) -> CoreResult<Vec<Contact>> {
        let org = self.exposure_org(actor, org_id).await?;
        Ok(self.store.contacts(org.id).await?)
    }

    async fn own_contact(&self, actor: &Actor, id: i64) -> CoreResult<Contact> {
        let not_found = || CoreError::NotFound("Invalid contact".into());
        let c = self.store.contact(id).await?.ok_or_else(not_found)?;
        if c.org_id != actor.org.id && !self.is_cert(actor).await? {
            return Err(not_found());
        }
        Ok(c)
    }

    pub async fn set_contact_enabled(&self, actor: &Actor, id: i64, enabled: bool) -> CoreResult<Contact> {
        self.require_org_admin(actor)?;
        let mut c = self.own_contact(actor, id).await?;
        c.enabled = enabled;
        let verb = if enabled { "enabled" } else { "disabled" };
        let audit = actor.audit(self.now(), "edit", "ExposureContact", c.id, format!("Contact {} {verb}", c.address));
        self.store.update_contact(&c, &audit).await?;
        Ok(c)
    }

    pub async fn delete_contact(&self, actor: &Actor, id: i64) -> CoreResult<Contact> {
        self.require_org_admin(actor)?;
        let c = self.own_contact(actor, id).await?;
        let audit = actor.audit(self.now(), "delete", "ExposureContact", c.id, format!("Contact {} removed", c.address));
        self.store.delete_contact(c.id, &audit).await?;
        Ok(c)
    }

    /// The unsubscribe link: the contact's secret token switches it off,
    /// without signing in.
    pub async fn unsubscribe(&self, token: &str) -> CoreResult<Contact> {
        let not_found = || CoreError::NotFound("This link is not valid (any more).".into());
        if token.len() != 40 || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(not_found());
        }
        let mut c = self.store.contact_by_token(token).await?.ok_or_else(not_found)?;
        if c.enabled {
            c.enabled = false;
            let mut audit =
                self.system_audit("edit", "ExposureContact", c.id, format!("Contact {} unsubscribed through the link", c.address));
            audit.org_id = c.org_id;
            self.store.update_contact(&c, &audit).await?;
        }
        Ok(c)
    }

    /// The contact behind a preferences link (read-only view).
    pub async fn contact_for_token(&self, token: &str) -> CoreResult<(Contact, Organisation, ExposureOrgSettings)> {
        let not_found = || CoreError::NotFound("This link is not valid (any more).".into());
        if token.len() != 40 || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(not_found());
        }
        let c = self.store.contact_by_token(token).await?.ok_or_else(not_found)?;
        let org = self.store.org(c.org_id).await?.ok_or_else(not_found)?;
        let s = self.store.exposure_settings(org.id).await?.unwrap_or_else(|| default_settings(org.id));
        Ok((c, org, s))
    }

    pub async fn add_suppression(&self, actor: &Actor, org_id: Option<i64>, r: &SuppressionRequest) -> CoreResult<Suppression> {
        self.require_org_admin(actor)?;
        let org = self.exposure_org(actor, org_id).await?;
        let source_id = match r.source.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => self.find_source(s).await.map_err(|_| CoreError::invalid("source", format!("no source {s:?}")))?.id,
            None => 0,
        };
        let kind = r.kind.clone().unwrap_or_default().trim().to_string();
        crate::capture::check_len("kind", &kind, crate::capture::MAX_SHORT)?;
        let cidr = match r.cidr.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(c) => super::assets::canonical("cidr", "cidr", c)?,
            None => String::new(),
        };
        if source_id == 0 && kind.is_empty() && cidr.is_empty() {
            return Err(CoreError::invalid("kind", "a suppression needs a source, a kind or a CIDR"));
        }
        crate::capture::check_len("reason", &r.reason, crate::capture::MAX_TEXT)?;
        let now = self.now();
        if r.until != 0 && r.until <= now {
            return Err(CoreError::invalid("until", "must be in the future (or 0 for no end)"));
        }
        let mut s = Suppression {
            id: 0,
            org_id: org.id,
            source_id,
            kind,
            cidr,
            reason: r.reason.clone(),
            until: r.until,
            created_by: actor.user.id,
            created: now,
        };
        let audit = actor.audit(now, "add", "ExposureSuppression", 0, format!("Suppression added for {}", org.name));
        s.id = self.store.insert_suppression(&s, &audit).await?;
        Ok(s)
    }

    pub async fn list_suppressions(&self, actor: &Actor, org_id: Option<i64>) -> CoreResult<Vec<Suppression>> {
        let org = self.exposure_org(actor, org_id).await?;
        Ok(self.store.suppressions(Some(org.id)).await?)
    }

    pub async fn delete_suppression(&self, actor: &Actor, id: i64) -> CoreResult<()> {
        self.require_org_admin(actor)?;
        let cert = self.is_cert(actor).await?;
        let all = self.store.suppressions(if cert { None } else { Some(actor.org.id) }).await?;
        let s = all.into_iter().find(|s| s.id == id).ok_or_else(|| CoreError::NotFound("Invalid suppression".into()))?;
        let audit = actor.audit(self.now(), "delete", "ExposureSuppression", s.id, "Suppression removed");
        Ok(self.store.delete_suppression(s.id, &audit).await?)
    }

    pub async fn add_ignore(&self, actor: &Actor, cidr: &str, reason: &str) -> CoreResult<IgnoreEntry> {
        self.require_cert(actor).await?;
        let cidr = super::assets::canonical("cidr", "cidr", cidr)?;
        crate::capture::check_len("reason", reason, crate::capture::MAX_TEXT)?;
        if self.store.ignore_list().await?.iter().any(|e| e.cidr == cidr) {
            return Err(CoreError::invalid("cidr", format!("{cidr} is already on the ignore list")));
        }
        let now = self.now();
        let mut e = IgnoreEntry { id: 0, cidr: cidr.clone(), reason: reason.to_string(), created_by: actor.user.id, created: now };
        let audit = actor.audit(now, "add", "ExposureIgnore", 0, format!("{cidr} added to the ignore list"));
        e.id = self.store.insert_ignore(&e, &audit).await?;
        Ok(e)
    }

    pub async fn list_ignore(&self, actor: &Actor) -> CoreResult<Vec<IgnoreEntry>> {
        self.require_cert(actor).await?;
        Ok(self.store.ignore_list().await?)
    }

    pub async fn delete_ignore(&self, actor: &Actor, id: i64) -> CoreResult<()> {
        self.require_cert(actor).await?;
        let audit = actor.audit(self.now(), "delete", "ExposureIgnore", id, "Ignore-list entry removed");
        Ok(self.store.delete_ignore(id, &audit).await?)
    }
}

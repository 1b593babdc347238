//! Sending notifications: claims due deliveries from the database, renders
//! them (`fyr_exposure::notice`) in the contact's language, and sends them
//! by e-mail over SMTP or as a signed webhook (HMAC-SHA256 of the body in
//! `X-Fyr-Signature: sha256=<hex>`). The outcome goes back to the database,
//! where failures are retried with backoff and finally shown to the CERT.
//!
//! A delivery ends `sent` or `failed`, or `cancelled` when there is nobody or
//! nothing left to tell (its contact was disabled or deleted, its
//! organisation or its findings were deleted before it went out); the
//! reason is its `last_error`. A webhook to an address that is not public
//! (see [`crate::destination`]) fails at once: retrying cannot help.

use crate::destination::{self, UrlError, WebhookPolicy};
use fyr_core::Core;
use fyr_core::exposure::delivery::LEASE;
use fyr_core::exposure::settings::default_settings;
use fyr_core::exposure::severity_of_level;
use fyr_exposure::advice::Language;
use fyr_exposure::notice::{FindingState, FindingView, NoticeContext, NoticeKind, Omitted};
use fyr_store::*;
use hmac::{Hmac, Mac};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::Sha256;
use std::cmp::Reverse;
use std::time::Duration;

/// Findings a single notice lists; it says how many more there are and
/// where to get them all.
pub const MAX_FINDINGS_PER_NOTICE: usize = 10_000;

/// Finding ids read from the store per query.
const IDS_PER_QUERY: usize = 10_000;

/// What a [`Sender`] is made from.
#[derive(Debug, Clone)]
pub struct SenderConfig<'a> {
    /// `smtp://host:port` (plain, e.g. a local relay),
    /// `smtp://host:port?tls=required` (STARTTLS) or `smtps://host:port`.
    pub smtp_url: Option<&'a str>,
    pub mail_from: &'a str,
    /// Base URL of this instance (with `FYR_BASE_PATH`), for the links in notices.
    pub public_url: &'a str,
    pub sender_name: &'a str,
    pub webhook_policy: WebhookPolicy,
}

/// How notifications leave fyr.
#[derive(Clone)]
pub struct Sender {
    pub smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    pub from: Mailbox,
    /// Follows no redirects; under [`WebhookPolicy::PublicOnly`] it
    /// connects only to public addresses.
    pub http: reqwest::Client,
    /// Base URL of this instance, for the links in notices.
    pub public_url: String,
    pub sender_name: String,
    pub webhook_policy: WebhookPolicy,
    /// At most this many findings per notice ([`MAX_FINDINGS_PER_NOTICE`]).
    pub max_findings_per_notice: usize,
}

impl Sender {
    pub fn new(c: &SenderConfig<'_>) -> Result<Sender, String> {
        let smtp = match c.smtp_url {
            // The URL may hold credentials: the error never repeats it.
            Some(u) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(u)
                    .map_err(|e| format!("FYR_SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(30)))
                    .build(),
            ),
            None => None,
        };
        let from: Mailbox = c.mail_from.parse().map_err(|e| format!("FYR_MAIL_FROM {:?}: {e}", c.mail_from))?;
        // A redirect could lead anywhere, also inside the network: a
        // webhook that answers 3xx has failed.
        let mut http = reqwest::Client::builder().timeout(Duration::from_secs(20)).redirect(reqwest::redirect::Policy::none());
        if let Some(r) = destination::resolver(c.webhook_policy) {
            http = http.dns_resolver(r);
        }
        let http = http.build().map_err(|e| e.to_string())?;
        Ok(Sender {
            smtp,
            from,
            http,
            public_url: c.public_url.trim_end_matches('/').to_string(),
            sender_name: c.sender_name.to_string(),
            webhook_policy: c.webhook_policy,
            max_findings_per_notice: MAX_FINDINGS_PER_NOTICE,
        })
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Nobody or nothing is left to tell; not the contact's fault.
    Cancelled(String),
    /// Worth another try later.
    Failed(String),
    /// Trying again cannot help (the destination is refused).
    Refused(String),
}

fn state_of(s: &str) -> FindingState {
    match s {
        "new" => FindingState::New,
        "resolved" => FindingState::Resolved,
        "reopened" => FindingState::Reopened,
        _ => FindingState::SeenAgain,
    }
}

fn view<S: Store>(core: &Core<S>, f: &Finding, source: &Source) -> FindingView {
    let details: Vec<(String, String)> = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&f.details)
        .map(|m| m.into_iter().map(|(k, v)| (k, v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))).collect())
        .unwrap_or_default();
    let report_name =
        core.exposure.config.schema.as_ref().and_then(|s| s.get(&f.kind)).map(|e| e.name.clone()).unwrap_or_else(|| f.kind.clone());
    FindingView {
        id: f.id,
        report_type: f.kind.clone(),
        report_name,
        severity: severity_of_level(f.severity),
        state: state_of(&f.state),
        ip: f.ip.parse().ok(),
        port: u16::try_from(f.port).ok().filter(|p| *p != 0),
        protocol: Some(f.protocol.clone()).filter(|p| !p.is_empty()),
        hostname: Some(f.hostname.clone()).filter(|h| !h.is_empty()),
        asn: u32::try_from(f.asn).ok().filter(|a| *a != 0),
        first_seen: f.first_seen,
        last_seen: f.last_seen,
        count: u64::try_from(f.seen_count).unwrap_or(0),
        source_name: source.name.clone(),
        tlp: source.tlp.clone(),
        details,
    }
}

/// Claims and sends due deliveries; returns how many were attempted.
pub async fn deliver_due<S: Store + Clone>(core: &Core<S>, sender: &Sender) -> Result<usize, fyr_core::CoreError> {
    let now = core.now();
    let claimed = core.store.claim_deliveries(now, LEASE, 50).await?;
    let n = claimed.len();
    for d in claimed {
        let outcome = match send_one(core, sender, &d).await {
            Ok(o) => o,
            Err(e) => Outcome::Failed(e),
        };
        record(core, &d, &outcome).await?;
    }
    Ok(n)
}

/// Stores the outcome of an attempt.
pub async fn record<S: Store>(core: &Core<S>, d: &Delivery, outcome: &Outcome) -> Result<(), fyr_core::CoreError> {
    // FIXME: `cancelled` and an immediate `failed` belong in
    // `Core::delivery_outcome` (fyr-core/src/exposure/delivery.rs), which
    // knows only sent and retry-then-failed; they are stored here directly.
    match outcome {
        Outcome::Sent => core.delivery_outcome(d, "", core.now()).await,
        Outcome::Failed(error) => {
            tracing::warn!(delivery = d.id, channel = %d.channel, attempts = d.attempts, error = %error, "Delivery failed.");
            core.delivery_outcome(d, error, core.now()).await
        }
        Outcome::Refused(error) => {
            tracing::warn!(delivery = d.id, channel = %d.channel, error = %error, "Delivery refused; not retried.");
            core.store.finish_delivery(d.id, "failed", error, 0, core.now()).await?;
            Ok(core.store.contact_outcome(d.contact_id, error).await?)
        }
        Outcome::Cancelled(reason) => {
            tracing::info!(delivery = d.id, channel = %d.channel, reason = %reason, "Delivery cancelled.");
            Ok(core.store.finish_delivery(d.id, "cancelled", reason, 0, core.now()).await?)
        }
    }
}

/// Listing order when a notice cannot carry everything: open before
/// resolved, the most severe first, new and reopened before seen again.
fn importance(f: &Finding) -> (bool, Reverse<i64>, bool, i64) {
    (f.state == "resolved", Reverse(f.severity), f.state == "seen_again", f.id)
}

/// A delivery's findings that still exist and have a source: the `limit`
/// most important ones, and how many there are in all.
async fn delivery_findings<S: Store>(
    store: &S,
    org_id: i64,
    ids: &[i64],
    sources: &[Source],
    limit: usize,
) -> Result<(Vec<Finding>, u64), String> {
    let mut kept: Vec<Finding> = Vec::new();
    let mut total: u64 = 0;
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let filter = FindingFilter { org_id: Some(org_id), ids: chunk.to_vec(), limit: chunk.len() as u64, ..FindingFilter::default() };
        let page = store.findings(&filter).await.map_err(|e| e.to_string())?;
        let page: Vec<Finding> = page.into_iter().filter(|f| sources.iter().any(|s| s.id == f.source_id)).collect();
        total += page.len() as u64;
        kept.extend(page);
        // Memory stays near two pages whatever the delivery's size.
        if kept.len() > limit.saturating_mul(2).max(IDS_PER_QUERY) {
            kept.sort_by_key(importance);
            kept.truncate(limit);
        }
    }
    kept.sort_by_key(importance);
    kept.truncate(limit);
    Ok((kept, total))
}

async fn send_one<S: Store + Clone>(core: &Core<S>, sender: &Sender, d: &Delivery) -> Result<Outcome, String> {
    let store = &core.store;
    let Some(contact) = store.contact(d.contact_id).await.map_err(|e| e.to_string())? else {
        return Ok(Outcome::Cancelled("the contact was deleted before sending".into()));
    };
    if !contact.enabled {
        return Ok(Outcome::Cancelled("the contact was disabled before sending".into()));
    }
    let Some(org) = store.org(d.org_id).await.map_err(|e| e.to_string())? else {
        return Ok(Outcome::Cancelled("the organisation was deleted before sending".into()));
    };
    let settings = store.exposure_settings(org.id).await.map_err(|e| e.to_string())?.unwrap_or_else(|| default_settings(org.id));
    let sources = store.sources().await.map_err(|e| e.to_string())?;
    let limit = sender.max_findings_per_notice.max(1);
    let (findings, total) = delivery_findings(store, org.id, &d.finding_ids, &sources, limit).await?;
    if findings.is_empty() {
        return Ok(Outcome::Cancelled("its findings were deleted before sending (with their source)".into()));
    }
    let views: Vec<FindingView> =
        findings.iter().filter_map(|f| sources.iter().find(|s| s.id == f.source_id).map(|s| view(core, f, s))).collect();
    let left_out = total.saturating_sub(views.len() as u64);
    let findings_url = format!("{}/api/v1/exposure/findings?org_id={}&limit=10000", sender.public_url, org.id);
    let omitted = (left_out > 0).then(|| Omitted { count: left_out, csv_url: format!("{findings_url}&format=csv"), findings_url });
    let language =
        Language::parse(if contact.language.is_empty() { &settings.language } else { &contact.language }).unwrap_or(Language::Sv);
    let ctx = NoticeContext {
        org_name: org.name.clone(),
        language,
        kind: if d.kind == "critical" { NoticeKind::Critical } else { NoticeKind::Digest },
        generated_at: core.now(),
        preferences_url: format!("{}/exposure/preferences/{}", sender.public_url, contact.token),
        unsubscribe_url: format!("{}/exposure/unsubscribe/{}", sender.public_url, contact.token),
        sender_name: sender.sender_name.clone(),
        omitted,
    };
    match contact.channel.as_str() {
        "email" => send_email(sender, &contact, &ctx, &views).await.map(|()| Outcome::Sent),
        "webhook" => send_webhook(sender, &contact, d, &ctx, &views).await,
        other => Err(format!("unknown channel {other:?}")),
    }
}

async fn send_email(sender: &Sender, contact: &Contact, ctx: &NoticeContext, views: &[FindingView]) -> Result<(), String> {
    let smtp = sender.smtp.as_ref().ok_or("no SMTP server is configured (FYR_SMTP_URL)")?;
    let rendered = fyr_exposure::notice::email(ctx, views);
    let to: Mailbox = contact.address.parse().map_err(|e| format!("address {:?}: {e}", contact.address))?;
    let csv_type = ContentType::parse(rendered.csv_attachment.content_type).map_err(|e| e.to_string())?;
    let body = MultiPart::mixed()
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(rendered.text_body.clone()))
                .singlepart(SinglePart::html(rendered.html_body.clone())),
        )
        .singlepart(Attachment::new(rendered.csv_attachment.filename.clone()).body(rendered.csv_attachment.bytes.clone(), csv_type));
    let mut message =
        Message::builder().from(sender.from.clone()).to(to).subject(rendered.subject.clone()).multipart(body).map_err(|e| e.to_string())?;
    // RFC 2369 and RFC 8058: one-click unsubscribe in mail clients.
    let headers = message.headers_mut();
    headers.insert_raw(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{}>", ctx.unsubscribe_url)));
    headers.insert_raw(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click".to_string()));
    smtp.send(message).await.map(|_| ()).map_err(|e| format!("SMTP: {e}"))
}

/// The signature header value of a webhook body.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn send_webhook(
    sender: &Sender,
    contact: &Contact,
    d: &Delivery,
    ctx: &NoticeContext,
    views: &[FindingView],
) -> Result<Outcome, String> {
    let url = match destination::check_url(&contact.address, sender.webhook_policy).await {
        Ok(u) => u,
        Err(UrlError::Refused(e)) => return Ok(Outcome::Refused(format!("webhook: {e}"))),
        Err(UrlError::Lookup(e)) => return Err(format!("webhook: {e}")),
    };
    let payload = fyr_exposure::notice::webhook_payload(ctx, views);
    let body = serde_json::to_vec(&payload).map_err(|e| e.to_string())?;
    let r = sender
        .http
        .post(url)
        .header("Content-Type", "application/json")
        .header("User-Agent", "fyr-exposure/1")
        .header("X-Fyr-Event", ctx.kind.webhook_type())
        .header("X-Fyr-Delivery", d.id.to_string())
        .header("X-Fyr-Signature", signature(&contact.secret, &body))
        .body(body)
        .send()
        .await
        .map_err(|e| format!("webhook: {}", error_chain(&e)))?;
    if r.status().is_success() { Ok(Outcome::Sent) } else { Err(format!("webhook answered {}", r.status())) }
}

/// An error with its causes ("error sending request …: refused to send to …").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let s = c.to_string();
        if !text.contains(&s) {
            text.push_str(": ");
            text.push_str(&s);
        }
        cause = c.source();
    }
    text
}

//! Sending notifications: claims due deliveries from the database, renders
//! them (`fyr_exposure::notice`) in the contact's language, and sends them
//! by e-mail over SMTP or as a signed webhook (HMAC-SHA256 of the body in
//! `X-Fyr-Signature: sha256=<hex>`). The outcome goes back to the database,
//! where failures are retried with backoff and finally shown to the CERT.

use fyr_core::Core;
use fyr_core::exposure::delivery::LEASE;
use fyr_core::exposure::settings::default_settings;
use fyr_core::exposure::severity_of_level;
use fyr_exposure::advice::Language;
use fyr_exposure::notice::{FindingState, FindingView, NoticeContext, NoticeKind};
use fyr_store::*;
use hmac::{Hmac, Mac};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::Sha256;
use std::time::Duration;

/// Findings a single notice lists; more are left to the API (the notice says so).
pub const MAX_FINDINGS_PER_NOTICE: u64 = 10_000;

/// How notifications leave fyr.
#[derive(Clone)]
pub struct Sender {
    pub smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    pub from: Mailbox,
    pub http: reqwest::Client,
    /// Base URL of this instance, for the links in notices.
    pub public_url: String,
    pub sender_name: String,
}

impl Sender {
    /// `smtp_url`: `smtp://host:port` (plain, e.g. a local relay),
    /// `smtp://host:port?tls=required` (STARTTLS) or `smtps://host:port`.
    pub fn new(smtp_url: Option<&str>, from: &str, public_url: &str, sender_name: &str) -> Result<Sender, String> {
        let smtp = match smtp_url {
            Some(u) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(u)
                    .map_err(|e| format!("FYR_SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(30)))
                    .build(),
            ),
            None => None,
        };
        let from: Mailbox = from.parse().map_err(|e| format!("FYR_MAIL_FROM {from:?}: {e}"))?;
        let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().map_err(|e| e.to_string())?;
        Ok(Sender { smtp, from, http, public_url: public_url.trim_end_matches('/').to_string(), sender_name: sender_name.to_string() })
    }
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
        let error = match send_one(core, sender, &d).await {
            Ok(()) => String::new(),
            Err(e) => e,
        };
        if !error.is_empty() {
            tracing::warn!(delivery = d.id, channel = %d.channel, attempts = d.attempts, error = %error, "Delivery failed.");
        }
        core.delivery_outcome(&d, &error, core.now()).await?;
    }
    Ok(n)
}

async fn send_one<S: Store + Clone>(core: &Core<S>, sender: &Sender, d: &Delivery) -> Result<(), String> {
    let store = &core.store;
    let contact = store.contact(d.contact_id).await.map_err(|e| e.to_string())?.ok_or("the contact was removed")?;
    if !contact.enabled {
        return Ok(());
    }
    let org = store.org(d.org_id).await.map_err(|e| e.to_string())?.ok_or("the organisation was removed")?;
    let settings = store.exposure_settings(org.id).await.map_err(|e| e.to_string())?.unwrap_or_else(|| default_settings(org.id));
    let filter = FindingFilter {
        org_id: Some(org.id),
        ids: d.finding_ids.iter().copied().take(MAX_FINDINGS_PER_NOTICE as usize).collect(),
        limit: MAX_FINDINGS_PER_NOTICE,
        ..FindingFilter::default()
    };
    let findings = store.findings(&filter).await.map_err(|e| e.to_string())?;
    if findings.is_empty() {
        return Ok(());
    }
    let sources = store.sources().await.map_err(|e| e.to_string())?;
    let views: Vec<FindingView> =
        findings.iter().filter_map(|f| sources.iter().find(|s| s.id == f.source_id).map(|s| view(core, f, s))).collect();
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
    };
    match contact.channel.as_str() {
        "email" => send_email(sender, &contact, &ctx, &views).await,
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

async fn send_webhook(sender: &Sender, contact: &Contact, d: &Delivery, ctx: &NoticeContext, views: &[FindingView]) -> Result<(), String> {
    let payload = fyr_exposure::notice::webhook_payload(ctx, views);
    let body = serde_json::to_vec(&payload).map_err(|e| e.to_string())?;
    let r = sender
        .http
        .post(&contact.address)
        .header("Content-Type", "application/json")
        .header("User-Agent", "fyr-exposure/1")
        .header("X-Fyr-Event", ctx.kind.webhook_type())
        .header("X-Fyr-Delivery", d.id.to_string())
        .header("X-Fyr-Signature", signature(&contact.secret, &body))
        .body(body)
        .send()
        .await
        .map_err(|e| format!("webhook: {e}"))?;
    if r.status().is_success() { Ok(()) } else { Err(format!("webhook answered {}", r.status())) }
}

//! Sending notices: webhooks to non-public addresses are refused unless
//! the operator allows them; a notice too large to carry every finding says
//! how many are left out and where they are; a delivery whose contact went
//! away before sending is cancelled, not "sent".

use crate::exposure_kit::*;
use fyr_testkit::TestServer;
use fyr_workers::deliver::deliver_due;
use fyr_workers::destination::WebhookPolicy;
use serde_json::json;

#[tokio::test]
async fn a_loopback_webhook_is_refused_without_the_setting() {
    let s = TestServer::start().await.unwrap();
    let (_, a) = org_with_space(&s, "Kommun A", "it@a.example", "192.0.2.0/24").await;
    critical_csv_source(&s, "feed").await;
    let (receiver, url) = Receiver::start().await;
    ok(&a.post("api/v1/exposure/contacts", &json!({"channel": "webhook", "address": url})).await.unwrap());
    let imp = upload_rows(&s, "feed", "feed.csv", &["192.0.2.1", "192.0.2.2"]).await;
    assert_eq!(imp["rows_matched"], 2, "{imp}");

    assert_eq!(deliver_due(s.core(), &sender(WebhookPolicy::PublicOnly)).await.unwrap(), 1);
    let d = deliveries(&a, "").await;
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["status"], "failed", "refused at once, not retried: {d:?}");
    assert_eq!(d[0]["attempts"], 1);
    let error = d[0]["last_error"].as_str().unwrap();
    assert!(
        error.contains("refused")
            && error.contains("127.0.0.1")
            && error.contains("loopback")
            && error.contains("FYR_WEBHOOK_ALLOW_PRIVATE"),
        "{error}"
    );
    assert_eq!(receiver.connections(), 0, "no request reached the receiver");
    let contacts = ok(&a.get("api/v1/exposure/contacts").await.unwrap());
    assert_eq!(contacts[0]["failures"], 1);
    assert_eq!(contacts[0]["last_error"], error);
    // Nothing is left to send.
    assert_eq!(deliver_due(s.core(), &sender(WebhookPolicy::PublicOnly)).await.unwrap(), 0);

    // With FYR_WEBHOOK_ALLOW_PRIVATE the same receiver gets the next notice.
    upload_rows(&s, "feed", "feed.csv", &["192.0.2.3"]).await;
    assert_eq!(deliver_due(s.core(), &sender(WebhookPolicy::AllowPrivate)).await.unwrap(), 1);
    assert_eq!(receiver.bodies().len(), 1);
    assert_eq!(deliveries(&a, "status=sent").await.len(), 1);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn a_notice_over_the_limit_says_how_many_more_and_where() {
    let s = TestServer::start().await.unwrap();
    let (org_id, a) = org_with_space(&s, "Kommun A", "it@a.example", "192.0.2.0/24").await;
    critical_csv_source(&s, "feed").await;
    let (receiver, url) = Receiver::start().await;
    ok(&a.post("api/v1/exposure/contacts", &json!({"channel": "webhook", "address": url})).await.unwrap());
    let ips = ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"];
    upload_rows(&s, "feed", "feed.csv", &ips).await;

    let mut small = sender(WebhookPolicy::AllowPrivate);
    small.max_findings_per_notice = 3;
    assert_eq!(deliver_due(s.core(), &small).await.unwrap(), 1);
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1);
    let v = &bodies[0];
    assert_eq!(v["findings"].as_array().unwrap().len(), 3);
    let findings_url = format!("https://fyr.example/misp/api/v1/exposure/findings?org_id={org_id}&limit=10000");
    assert_eq!(v["omitted"], json!({"count": 2, "findings": findings_url, "csv": format!("{findings_url}&format=csv")}));
    // All five are marked as told, and the URLs the notice names give them all.
    let all = ok(&a.get(findings_url.trim_start_matches("https://fyr.example/misp/")).await.unwrap());
    let csv = a.get(&format!("{findings_url}&format=csv").replace("https://fyr.example/misp/", "")).await.unwrap();
    assert_eq!(csv.text.lines().count(), 1 + 5, "{}", csv.text);
    assert_eq!(all.as_array().unwrap().len(), 5);
    assert!(all.as_array().unwrap().iter().all(|f| !f["notified_at"].is_null()), "{all}");
    assert_eq!(deliveries(&a, "").await[0]["status"], "sent");

    // Within the limit: nothing is said about more.
    upload_rows(&s, "feed", "feed.csv", &["192.0.2.9"]).await;
    assert_eq!(deliver_due(s.core(), &small).await.unwrap(), 1);
    assert_eq!(receiver.bodies()[1]["omitted"], serde_json::Value::Null);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn a_notice_over_the_limit_keeps_the_most_severe() {
    let s = TestServer::start().await.unwrap();
    let (_, a) = org_with_space(&s, "Kommun A", "it@a.example", "192.0.2.0/24").await;
    let mapping = json!({"report_type": "mixed", "ip": "ip", "severity": "level"});
    ok(&s.admin().post("api/v1/exposure/sources", &json!({"name": "mixed", "format": "csv", "mapping": mapping})).await.unwrap());
    let (receiver, url) = Receiver::start().await;
    ok(&a.post("api/v1/exposure/contacts", &json!({"channel": "webhook", "address": url})).await.unwrap());
    // Everything in one digest, due now.
    ok(&a.put("api/v1/exposure/settings", &json!({"critical_immediately": false, "digest_time": "00:00"})).await.unwrap());
    let csv = "ip,level\n192.0.2.1,info\n192.0.2.2,high\n192.0.2.3,low\n192.0.2.4,critical\n192.0.2.5,medium\n";
    let path = "api/v1/exposure/sources/mixed/imports?filename=mixed.csv";
    ok(&s.admin().request_raw(reqwest::Method::POST, path, csv.as_bytes().to_vec()).await.unwrap());
    let mut small = sender(WebhookPolicy::AllowPrivate);
    small.max_findings_per_notice = 2;
    assert_eq!(deliver_due(s.core(), &small).await.unwrap(), 1);
    let v = &receiver.bodies()[0];
    let listed: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["severity"].as_str().unwrap()).collect();
    assert_eq!(listed, ["critical", "high"]);
    assert_eq!(v["omitted"]["count"], 3);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn deliveries_with_nobody_or_nothing_left_to_tell_are_cancelled() {
    let s = TestServer::start().await.unwrap();
    let (_, a) = org_with_space(&s, "Kommun A", "it@a.example", "192.0.2.0/24").await;
    critical_csv_source(&s, "feed").await;
    let (receiver, url) = Receiver::start().await;
    let hook = ok(&a.post("api/v1/exposure/contacts", &json!({"channel": "webhook", "address": url})).await.unwrap());
    let mail = ok(&a.post("api/v1/exposure/contacts", &json!({"channel": "email", "address": "soc@a.example"})).await.unwrap());
    upload_rows(&s, "feed", "feed.csv", &["192.0.2.1"]).await;
    assert_eq!(deliveries(&a, "status=pending").await.len(), 2);

    // Before the sender runs, the webhook is disabled and the findings go
    // with their source.
    ok(&a.patch(&format!("api/v1/exposure/contacts/{}", hook["id"]), &json!({"enabled": false})).await.unwrap());
    ok(&s.admin().delete("api/v1/exposure/sources/feed").await.unwrap());
    assert_eq!(deliver_due(s.core(), &sender(WebhookPolicy::AllowPrivate)).await.unwrap(), 2);
    assert_eq!(receiver.connections(), 0);
    let cancelled = deliveries(&a, "status=cancelled").await;
    let mut reasons: Vec<(&str, &str)> =
        cancelled.iter().map(|d| (d["channel"].as_str().unwrap(), d["last_error"].as_str().unwrap())).collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [("email", "its findings were deleted before sending (with their source)"), ("webhook", "the contact was disabled before sending")]
    );
    assert!(cancelled.iter().all(|d| d["sent_at"] == 0), "{cancelled:?}");
    assert!(deliveries(&a, "status=sent").await.is_empty());
    // Neither contact is blamed for it.
    let contacts = ok(&a.get("api/v1/exposure/contacts").await.unwrap());
    assert!(contacts.as_array().unwrap().iter().all(|c| c["failures"] == 0 && c["last_error"] == ""), "{contacts}");
    // Nothing is left to send.
    assert_eq!(deliver_due(s.core(), &sender(WebhookPolicy::AllowPrivate)).await.unwrap(), 0);

    // A deleted contact takes its deliveries with it.
    critical_csv_source(&s, "feed2").await;
    upload_rows(&s, "feed2", "feed.csv", &["192.0.2.2"]).await;
    assert_eq!(deliveries(&a, "status=pending").await.len(), 1, "only the enabled contact gets one");
    ok(&a.delete(&format!("api/v1/exposure/contacts/{}", mail["id"])).await.unwrap());
    assert!(deliveries(&a, "status=pending").await.is_empty());

    // The status filter knows the word; an unknown one names the accepted ones.
    let r = a.get("api/v1/exposure/deliveries?status=gone").await.unwrap();
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("pending, sending, sent, failed, cancelled"), "{}", r.text);
    s.stop().await.unwrap();
}

//! Bad input always gets a clear 4xx (a JSON body naming the problem), never
//! a 500, a panic, or a half-written record.

use fyr_testkit::{Reply, TestServer};
use serde_json::{Value, json};

fn assert_4xx_naming(r: &Reply, needle: &str) {
    assert!((400..500).contains(&r.status), "expected a 4xx, got {} {}", r.status, r.text);
    let body = r.json();
    let text = body.to_string();
    assert!(text.contains(needle), "the error should name {needle:?}: {text}");
    assert!(body.get("message").is_some() || body.get("errors").is_some(), "MISP-shaped error body: {text}");
}

async fn event_count(s: &TestServer) -> usize {
    let r = s.admin().post("events/index", &json!({})).await.unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    r.json().as_array().map(Vec::len).unwrap_or(0)
}

#[tokio::test]
async fn malformed_and_mistyped_json() {
    let s = TestServer::start().await.unwrap();
    let a = s.admin();
    let r = a.post_raw("events/add", b"{\"info\": \"x\",".to_vec()).await.unwrap();
    assert_4xx_naming(&r, "Malformed JSON");
    let r = a.post_raw("events/add", b"[1, 2, 3]".to_vec()).await.unwrap();
    assert!((400..500).contains(&r.status), "{}", r.text);
    let r = a.post("events/add", &json!({"info": "x", "distribution": "abc"})).await.unwrap();
    assert_4xx_naming(&r, "distribution");
    let r = a
        .post("events/add", &json!({"info": "x", "Attribute": [{"type": "ip-dst", "value": "1.2.3.4", "to_ids": "maybe"}]}))
        .await
        .unwrap();
    assert_4xx_naming(&r, "Attribute[0].to_ids");
    let r = a.post("events/add", &json!({"info": "x", "Attribute": "not a list"})).await.unwrap();
    assert_4xx_naming(&r, "Attribute");
    assert_eq!(event_count(&s).await, 0);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn invalid_values_and_fields() {
    let s = TestServer::start().await.unwrap();
    let a = s.admin();
    let cases: Vec<(Value, &str)> = vec![
        (json!({"Attribute": [{"type": "text", "value": "x"}]}), "info"),
        (json!({"info": "x", "Attribute": [{"type": "no-such-type", "value": "x"}]}), "Attribute[0].type"),
        (json!({"info": "x", "Attribute": [{"type": "ip-dst", "value": "999.1.1.1"}]}), "Attribute[0].value"),
        (json!({"info": "x", "Attribute": [{"type": "md5", "value": "abc"}]}), "Attribute[0].value"),
        (json!({"info": "x", "Attribute": [{"type": "ip-dst", "value": ""}]}), "Attribute[0].value"),
        (json!({"info": "x", "Attribute": [{"type": "ip-dst"}]}), "Attribute[0].value"),
        (json!({"info": "x", "Attribute": [{"type": "ip-dst", "value": "1.2.3.4", "category": "Person"}]}), "Attribute[0].category"),
        (json!({"info": "x", "distribution": 7}), "distribution"),
        (json!({"info": "x", "Attribute": [{"type": "text", "value": "x", "distribution": 9}]}), "Attribute[0].distribution"),
        (json!({"info": "x", "threat_level_id": 0}), "threat_level_id"),
        (json!({"info": "x", "analysis": 5}), "analysis"),
        (json!({"info": "x", "date": "yesterday"}), "date"),
        (json!({"info": "x", "uuid": "not-a-uuid"}), "uuid"),
        (json!({"info": "x".repeat(70_000)}), "info"),
        (json!({"info": "x", "Attribute": [{"type": "text", "value": "x", "comment": "c".repeat(70_000)}]}), "Attribute[0].comment"),
        (json!({"info": "x", "Object": [{"Attribute": [{"type": "text", "value": "x"}]}]}), "Object[0].name"),
        (
            json!({"info": "x", "Attribute": [{"type": "ip-dst", "value": "1.2.3.4", "first_seen": "2020-01-02", "last_seen": "2020-01-01"}]}),
            "last_seen",
        ),
        (json!({"info": "x", "Attribute": [{"type": "text", "value": "x", "first_seen": "someday"}]}), "Attribute[0].first_seen"),
    ];
    for (body, field) in cases {
        let r = a.post("events/add", &body).await.unwrap();
        assert_4xx_naming(&r, field);
    }
    // Distribution 4 needs a sharing group that exists and that the user may use.
    let r = a.post("events/add", &json!({"info": "x", "distribution": 4, "sharing_group_id": 12345})).await.unwrap();
    assert!((400..500).contains(&r.status), "{}", r.text);
    assert!(r.text.contains("sharing_group_id") || r.text.contains("Sharing Group"), "{}", r.text);
    let r = a.post("events/add", &json!({"info": "x", "Attribute": [{"type": "text", "value": "x", "distribution": 4}]})).await.unwrap();
    assert_4xx_naming(&r, "Attribute[0].sharing_group_id");
    assert_eq!(event_count(&s).await, 0, "nothing may be half-written");
    s.stop().await.unwrap();
}

#[tokio::test]
async fn one_bad_attribute_writes_nothing() {
    let s = TestServer::start().await.unwrap();
    let a = s.admin();
    let body = json!({"info": "half", "Attribute": [
        {"type": "ip-dst", "value": "1.2.3.4"},
        {"type": "domain", "value": "example.org"},
        {"type": "ip-src", "value": "not an ip"},
    ]});
    let r = a.post("events/add", &body).await.unwrap();
    assert_4xx_naming(&r, "Attribute[2].value");
    assert_eq!(event_count(&s).await, 0);
    let r = a.post("attributes/restSearch", &json!({"value": "1.2.3.4"})).await.unwrap();
    assert_eq!(r.json()["response"]["Attribute"], json!([]));
    s.stop().await.unwrap();
}

#[tokio::test]
async fn body_over_the_limit_is_refused() {
    let s = TestServer::start_with(fyr_testkit::Backend::from_env().unwrap(), |c| c.http.max_body = 1024).await.unwrap();
    let r = s.admin().post("events/add", &json!({"info": "x".repeat(2000)})).await.unwrap();
    assert_eq!(r.status, 413, "{}", r.text);
    assert!(r.json()["message"].as_str().unwrap().contains("1024"));
    assert_eq!(event_count(&s).await, 0);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn authentication_failures_are_json_and_audited() {
    let s = TestServer::start().await.unwrap();
    for key in ["", "short", "0000000000000000000000000000000000000000"] {
        let r = s.client(key).get("servers/getVersion").await.unwrap();
        assert_eq!(r.status, 403, "{}", r.text);
        assert!(r.json()["message"].as_str().unwrap().contains("Authentication failed"));
    }
    use fyr_testkit::fyr_store::IdentityStore;
    let audit = s.core().store.audit_entries(0, 1000).await.unwrap();
    let fails = audit.iter().filter(|a| a.action == "auth_fail").count();
    assert_eq!(fails, 3, "every failed authentication is audited");
    assert!(audit.iter().all(|a| a.action != "auth_fail" || !a.ip.is_empty()), "with the client address");
    s.stop().await.unwrap();
}

#[tokio::test]
async fn unknown_paths_and_ids_are_json_404() {
    let s = TestServer::start().await.unwrap();
    let a = s.admin();
    for path in ["events/view/0", "events/view/999", "events/view/ab2b6e28-fda5-4282-bf60-22b81de77851", "events/view/x'--", "nosuch/thing"]
    {
        let r = a.get(path).await.unwrap();
        assert_eq!(r.status, 404, "{path}: {}", r.text);
        r.json();
    }
    let r = a.head("events/view/999").await.unwrap();
    assert_eq!(r.status, 404);
    s.stop().await.unwrap();
}

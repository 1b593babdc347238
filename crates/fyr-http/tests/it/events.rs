//! Events end to end: add, view, search, edit, delete, audit.

use fyr_testkit::TestServer;
use serde_json::json;

#[tokio::test]
async fn add_view_search_delete_with_audit() {
    let s = TestServer::start().await.unwrap();
    let a = s.admin();
    let body = json!({
        "info": "Phishing wave",
        "distribution": 1,
        "Tag": [{"name": "tlp:green"}],
        "Attribute": [
            {"type": "ip-dst", "value": "198.51.100.7", "comment": "C2", "Tag": [{"name": "kill-chain:c2"}]},
            {"type": "domain", "value": "EVIL.example.COM"},
            {"type": "md5", "value": "D41D8CD98F00B204E9800998ECF8427E"},
            {"type": "ip-dst|port", "value": "203.0.113.5|443"},
        ],
        "Object": [{"name": "file", "meta-category": "file", "Attribute": [{"type": "filename", "object_relation": "filename", "value": "a.exe"}]}],
    });
    let r = a.post("events/add", &body).await.unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    let ev = r.json();
    let e = &ev["Event"];
    assert_eq!(e["info"], "Phishing wave");
    assert_eq!(e["distribution"], "1");
    assert_eq!(e["published"], false);
    assert_eq!(e["Attribute"].as_array().unwrap().len(), 4);
    assert_eq!(e["Attribute"][1]["value"], "evil.example.com", "domains are normalised");
    assert_eq!(e["Attribute"][2]["value"], "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(e["Object"][0]["Attribute"][0]["value"], "a.exe");
    assert_eq!(e["Tag"][0]["name"], "tlp:green");
    assert_eq!(e["Attribute"][0]["Tag"][0]["name"], "kill-chain:c2");
    let id = e["id"].as_str().unwrap().to_string();
    let uuid = e["uuid"].as_str().unwrap().to_string();

    // View by id and uuid, and HEAD.
    for key in [&id, &uuid] {
        let r = a.get(&format!("events/view/{key}")).await.unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["Event"]["uuid"], uuid);
        assert_eq!(a.head(&format!("events/view/{key}")).await.unwrap().status, 200);
    }

    // Exact and wildcard value searches, composite halves.
    let r = a.post("attributes/restSearch", &json!({"value": "198.51.100.7"})).await.unwrap();
    assert_eq!(r.json()["response"]["Attribute"].as_array().unwrap().len(), 1);
    assert_eq!(r.header("x-result-count").as_deref(), Some("1"));
    let r = a.post("attributes/restSearch", &json!({"value": "%.example.com"})).await.unwrap();
    assert_eq!(r.json()["response"]["Attribute"][0]["value"], "evil.example.com");
    let r = a.post("attributes/restSearch", &json!({"value": "443"})).await.unwrap();
    assert_eq!(r.json()["response"]["Attribute"][0]["type"], "ip-dst|port");
    let r = a.post("events/restSearch", &json!({"tags": ["tlp:green"]})).await.unwrap();
    assert_eq!(r.json()["response"].as_array().unwrap().len(), 1);
    let r = a.post("events/restSearch", &json!({"tags": ["!tlp:green"]})).await.unwrap();
    assert_eq!(r.json()["response"].as_array().unwrap().len(), 0);

    // CSV and text.
    let r = a.post("attributes/restSearch", &json!({"returnFormat": "csv", "type": "domain"})).await.unwrap();
    assert!(r.text.starts_with("uuid,event_id,category,type,value"), "{}", r.text);
    assert!(r.text.contains("\"evil.example.com\""));
    let r = a.post("attributes/restSearch", &json!({"returnFormat": "text", "type": "ip-dst", "published": 0})).await.unwrap();
    assert_eq!(r.text, "198.51.100.7\n");

    // Delete; then it is gone, and every write was audited.
    let r = a.post(&format!("events/delete/{id}"), &json!({})).await.unwrap();
    assert_eq!(r.json()["message"], "Event deleted.");
    assert_eq!(a.get(&format!("events/view/{id}")).await.unwrap().status, 404);
    use fyr_testkit::fyr_store::IdentityStore;
    let audit = s.core().store.audit_entries(0, 1000).await.unwrap();
    let actions: Vec<(&str, &str)> = audit.iter().map(|x| (x.action.as_str(), x.model.as_str())).collect();
    assert!(actions.contains(&("add", "Event")), "{actions:?}");
    assert!(actions.contains(&("delete", "Event")), "{actions:?}");
    let add = audit.iter().find(|x| x.action == "add" && x.model == "Event").unwrap();
    assert_eq!(add.email, "admin@admin.test");
    assert!(!add.ip.is_empty() && add.created > 0);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn existing_uuid_is_404_with_location() {
    let s = TestServer::start().await.unwrap();
    let a = s.admin();
    let body = json!({"info": "x", "uuid": "5A2E8C8E-1234-4cde-8f00-0123456789ab"});
    let r = a.post("events/add", &body).await.unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["Event"]["uuid"], "5a2e8c8e-1234-4cde-8f00-0123456789ab", "uuids are stored lower-case");
    let r = a.post("events/add", &body).await.unwrap();
    assert_eq!(r.status, 404);
    assert!(r.header("location").unwrap().starts_with("/events/view/"));
    s.stop().await.unwrap();
}

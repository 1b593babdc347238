//! Source configuration: names made only of digits are refused (a number
//! is read as an id), the TLP error lists every accepted value, and a
//! generic mapping may leave out the timestamp column.

use crate::exposure_kit::*;
use fyr_testkit::TestServer;
use serde_json::json;

#[tokio::test]
async fn digit_names_are_refused_at_creation_and_rename() {
    let s = TestServer::start().await.unwrap();
    let cert = s.admin();
    let r = cert.post("api/v1/exposure/sources", &json!({"name": "2024", "format": "shadowserver"})).await.unwrap();
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "name");
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("only digits"), "{}", r.text);
    // Digits with anything else are fine, and reachable by name.
    ok(&cert.post("api/v1/exposure/sources", &json!({"name": "2024-q1", "format": "shadowserver"})).await.unwrap());
    assert_eq!(ok(&cert.get("api/v1/exposure/sources/2024-q1").await.unwrap())["name"], "2024-q1");
    let r = cert.patch("api/v1/exposure/sources/2024-q1", &json!({"name": "77"})).await.unwrap();
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "name");
    // Other changes to the source are unaffected.
    ok(&cert.patch("api/v1/exposure/sources/2024-q1", &json!({"tlp": "white"})).await.unwrap());
    s.stop().await.unwrap();
}

#[tokio::test]
async fn the_tlp_error_lists_every_accepted_value() {
    let s = TestServer::start().await.unwrap();
    let r = s.admin().post("api/v1/exposure/sources", &json!({"name": "x", "tlp": "purple"})).await.unwrap();
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "tlp");
    let message = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.ends_with("(clear, white, green, amber, amber+strict, red)"), "{message}");
    for tlp in ["clear", "WHITE", "green", "amber", "Amber+Strict", "red"] {
        ok(&s
            .admin()
            .post("api/v1/exposure/sources", &json!({"name": format!("s-{}", tlp.to_lowercase().replace('+', "-")), "tlp": tlp}))
            .await
            .unwrap());
    }
    s.stop().await.unwrap();
}

#[tokio::test]
async fn a_mapping_without_a_timestamp_column_uses_the_import_time() {
    let s = TestServer::start().await.unwrap();
    let (_, a) = org_with_space(&s, "Kommun A", "it@a.example", "192.0.2.0/24").await;
    // critical_csv_source's mapping names no timestamp column.
    critical_csv_source(&s, "feed").await;
    let before = s.core().now();
    let imp = upload_rows(&s, "feed", "feed.csv", &["192.0.2.1"]).await;
    let after = s.core().now();
    assert_eq!((imp["rows_ok"].as_i64(), imp["rows_bad"].as_i64()), (Some(1), Some(0)), "{imp}");
    let f = ok(&a.get("api/v1/exposure/findings").await.unwrap());
    let seen = f[0]["first_seen"].as_i64().unwrap();
    assert!((before..=after).contains(&seen), "{seen} not in {before}..={after}");
    // A mapping that names nothing at all is still refused.
    let r =
        s.admin().post("api/v1/exposure/sources", &json!({"name": "g", "format": "jsonl", "mapping": {"report_type": "x"}})).await.unwrap();
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "mapping");
    s.stop().await.unwrap();
}

#[tokio::test]
async fn a_generic_mapping_report_type_wins_over_a_dated_file_name() {
    // A `YYYY-MM-DD-<type>-<rest>.csv` name carries the report type only for
    // Shadowserver sources; a generic source keeps its mapping's type.
    let s = TestServer::start().await.unwrap();
    let (_, a) = org_with_space(&s, "Kommun A", "it@a.example", "192.0.2.0/24").await;
    critical_csv_source(&s, "feed").await;
    let imp = upload_rows(&s, "feed", "2026-11-20-x-y.csv", &["192.0.2.1"]).await;
    assert_eq!(imp["report_type"], "open-service", "{imp}");
    let f = ok(&a.get("api/v1/exposure/findings").await.unwrap());
    assert_eq!(f[0]["kind"], "open-service");
    // Without a dated name the mapping's type is used too.
    upload_rows(&s, "feed", "feed.csv", &["192.0.2.2"]).await;
    let f = ok(&a.get("api/v1/exposure/findings?kind=open-service").await.unwrap());
    assert_eq!(f.as_array().unwrap().len(), 2);
    // An explicit report_type still replaces the mapping's.
    let path = "api/v1/exposure/sources/feed/imports?filename=2026-11-21-x-y.csv&report_type=other";
    let imp = ok(&s.admin().request_raw(reqwest::Method::POST, path, b"ip,port\n192.0.2.3,8080\n".to_vec()).await.unwrap());
    assert_eq!(imp["report_type"], "other", "{imp}");
    let f = ok(&a.get("api/v1/exposure/findings?kind=other").await.unwrap());
    assert_eq!(f.as_array().unwrap().len(), 1);
    s.stop().await.unwrap();
}

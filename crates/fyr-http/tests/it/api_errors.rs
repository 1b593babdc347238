//! The native API's answers to bad input: whatever axum's own extractors
//! would have refused in plain text (query and path parameters that do
//! not parse, JSON of the wrong syntax, type or fields, a body that is not
//! JSON or too large) is `{"error": {"status", "message", "field"?}}`
//! naming the field; a 500 says only the request id. Runs without
//! `FYR_SHADOWSERVER_SCHEMA` (the uploads use a JSON-lines source).

use fyr_testkit::{ADMIN_KEY, Backend, Client, Reply, TestServer};
use serde_json::{Value, json};

/// Checks a native API error: its status, that it is JSON in the API's
/// shape with a request id, and the field it names (the message names it
/// too). Returns the message.
fn api_error(r: &Reply, status: u16, field: Option<&str>) -> String {
    assert_eq!(r.status, status, "{}", r.text);
    let content_type = r.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("application/json"), "a JSON body, not {content_type:?}: {}", r.text);
    let body = r.json();
    let error = &body["error"];
    assert_eq!(error["status"], status, "{body}");
    let message = error["message"].as_str().unwrap_or_else(|| panic!("a message: {body}")).to_string();
    match field {
        Some(f) => {
            assert_eq!(error["field"], f, "{body}");
            assert!(message.contains(f), "the message should name {f:?}: {message}");
        }
        None => assert!(error.get("field").is_none(), "{body}"),
    }
    assert!(r.header("x-request-id").is_some_and(|id| !id.is_empty()), "an X-Request-Id header");
    message
}

/// A request with a chosen Content-Type (or none) and body.
async fn send(s: &TestServer, method: reqwest::Method, path: &str, content_type: Option<&str>, body: reqwest::Body) -> Reply {
    let mut rb = reqwest::Client::new().request(method, format!("{}/{path}", s.url)).header("Authorization", ADMIN_KEY).body(body);
    if let Some(t) = content_type {
        rb = rb.header("Content-Type", t);
    }
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    Reply { status, headers, text: r.text().await.unwrap() }
}

/// A body sent in chunks, without `Content-Length`.
fn chunked(bytes: Vec<u8>) -> reqwest::Body {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = bytes.chunks(512).map(|c| Ok(c.to_vec())).collect();
    reqwest::Body::wrap_stream(futures::stream::iter(chunks))
}

#[tokio::test]
async fn query_and_path_parameters_that_do_not_parse() {
    let s = TestServer::start().await.unwrap();
    let a = s.admin();
    for (path, field) in [
        ("api/v1/exposure/findings?limit=abc", "limit"),
        ("api/v1/exposure/findings?since=yesterday", "since"),
        ("api/v1/exposure/imports?limit=-1", "limit"),
        ("api/v1/exposure/unmatched?after_id=1.5", "after_id"),
        ("api/v1/exposure/deliveries?limit=", "limit"),
        ("api/v1/exposure/assets?org_id=x", "org_id"),
        ("api/v1/exposure/findings?nosuch=1", "nosuch"),
        ("api/v1/exposure/assets/abc", "id"),
        ("api/v1/exposure/findings/99999999999999999999", "id"),
        ("api/v1/exposure/imports/1e3", "id"),
    ] {
        let r = a.get(path).await.unwrap();
        api_error(&r, 422, Some(field));
    }
    let r = a.delete("api/v1/exposure/contacts/%20").await.unwrap();
    api_error(&r, 422, Some("id"));
    // Good parameters still work.
    assert_eq!(a.get("api/v1/exposure/findings?limit=5&state=new,reopened").await.unwrap().status, 200);
    // Addresses and methods the API does not have.
    api_error(&a.get("api/v1/exposure/nosuch").await.unwrap(), 404, None);
    let r = a.put("api/v1/exposure/assets", &json!({})).await.unwrap();
    api_error(&r, 405, None);
    assert!(r.header("allow").is_some_and(|m| m.contains("GET") && m.contains("POST")), "{:?}", r.headers);
    // Authentication comes before parameters.
    let r = s.client("").get("api/v1/exposure/assets/abc").await.unwrap();
    assert!(api_error(&r, 403, None).contains("Authentication failed"));
    s.stop().await.unwrap();
}

#[tokio::test]
async fn json_bodies_of_the_wrong_syntax_type_or_fields() {
    let s = TestServer::start().await.unwrap();
    let a = s.admin();
    let post = |body: &'static [u8]| a.post_raw("api/v1/exposure/assets", body.to_vec());
    let m = api_error(&post(b"{\"kind\":").await.unwrap(), 400, None);
    assert!(m.contains("Malformed JSON"), "{m}");
    let m = api_error(&post(b"{\"kind\": \"cidr\", \"value\": \"192.0.2.0/24\"} trailing").await.unwrap(), 400, None);
    assert!(m.contains("Malformed JSON"), "{m}");
    let m = api_error(&post(b"[1, 2]").await.unwrap(), 400, None);
    assert!(m.contains("JSON object"), "{m}");
    api_error(&post(b"  ").await.unwrap(), 400, None);
    for (body, field) in [
        (json!({"kind": "cidr", "value": 5}), "value"),
        (json!({"kind": "cidr", "value": "192.0.2.0/24", "valid_until": "never"}), "valid_until"),
        (json!({"kind": "cidr", "value": "192.0.2.0/24", "org_id": 1.5}), "org_id"),
        (json!({"kind": "cidr"}), "value"),
        (json!({"value": "192.0.2.0/24"}), "kind"),
        (json!({"kind": "cidr", "value": "192.0.2.0/24", "surprise": 1}), "surprise"),
    ] {
        let r = a.post("api/v1/exposure/assets", &body).await.unwrap();
        api_error(&r, 422, Some(field));
    }
    for (path, body, field) in [
        ("api/v1/exposure/settings", json!({"critical_immediately": "yes"}), "critical_immediately"),
        ("api/v1/exposure/settings", json!({"langauge": "sv"}), "langauge"),
        ("api/v1/exposure/contacts/1", json!({}), "enabled"),
        ("api/v1/exposure/contacts/1", json!({"enabled": 1}), "enabled"),
        ("api/v1/exposure/ignore", json!({"cidr": ["192.0.2.0/24"]}), "cidr"),
        ("api/v1/exposure/sources", json!({"name": "x", "enabled": "true"}), "enabled"),
    ] {
        let method = if path.ends_with("settings") { reqwest::Method::PUT } else { reqwest::Method::POST };
        let method = if path.contains("contacts/") { reqwest::Method::PATCH } else { method };
        let r = a.request(method, path, Some(&body)).await.unwrap();
        api_error(&r, 422, Some(field));
    }
    // Nothing was written.
    assert_eq!(a.get("api/v1/exposure/assets").await.unwrap().json(), json!([]));
    s.stop().await.unwrap();
}

#[tokio::test]
async fn json_bodies_need_a_json_content_type() {
    let s = TestServer::start().await.unwrap();
    let body = || reqwest::Body::from(json!({"cidr": "192.0.2.0/24"}).to_string());
    let post = reqwest::Method::POST;
    for content_type in [Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("application/jsonx"), None] {
        let r = send(&s, post.clone(), "api/v1/exposure/ignore", content_type, body()).await;
        let m = api_error(&r, 415, None);
        assert!(m.contains("application/json"), "{m}");
    }
    for content_type in ["application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"] {
        let r = send(&s, post.clone(), "api/v1/exposure/ignore", Some(content_type), body()).await;
        assert_eq!(r.status, 201, "{content_type}: {}", r.text);
        let id = r.json()["id"].as_i64().unwrap();
        assert_eq!(s.admin().delete(&format!("api/v1/exposure/ignore/{id}")).await.unwrap().status, 200);
    }
    // The CSV import and uploads take any type.
    let csv = reqwest::Body::from("cidr,198.51.100.0/24\n");
    let r = send(&s, post, "api/v1/exposure/assets/import", Some("text/csv"), csv).await;
    assert_eq!(r.status, 200, "{}", r.text);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn bodies_are_capped_at_the_configured_limit() {
    // Larger than axum's 2 MiB default, well under fyr's default 64 MiB: read and parsed.
    let s = TestServer::start().await.unwrap();
    let big = json!({"kind": "cidr", "value": "192.0.2.0/24", "comment": "c".repeat(3 << 20)});
    let r = s.admin().post("api/v1/exposure/assets", &big).await.unwrap();
    api_error(&r, 422, Some("comment"));
    s.stop().await.unwrap();

    let s = TestServer::start_with(Backend::from_env().unwrap(), |c| c.http.max_body = 4096).await.unwrap();
    let a = s.admin();
    let over = json!({"kind": "cidr", "value": "192.0.2.0/24", "comment": "c".repeat(5000)});
    let m = api_error(&a.post("api/v1/exposure/assets", &over).await.unwrap(), 413, None);
    assert!(m.contains("4096"), "{m}");
    // Without Content-Length: cut while reading.
    let r =
        send(&s, reqwest::Method::POST, "api/v1/exposure/assets", Some("application/json"), chunked(over.to_string().into_bytes())).await;
    assert!(api_error(&r, 413, None).contains("4096"));
    // The asset CSV import too.
    let csv = "cidr,198.51.100.0/24,,office\n".repeat(200);
    let r = a.request_raw(reqwest::Method::POST, "api/v1/exposure/assets/import", csv.into_bytes()).await.unwrap();
    api_error(&r, 413, None);
    assert_eq!(a.get("api/v1/exposure/assets").await.unwrap().json(), json!([]), "nothing was written");
    // Under the limit, as before.
    let r = a.post("api/v1/exposure/assets", &json!({"kind": "cidr", "value": "192.0.2.0/24"})).await.unwrap();
    assert_eq!(r.status, 201, "{}", r.text);
    s.stop().await.unwrap();
}

/// The source's imports, newest first.
async fn imports(c: &Client) -> Vec<Value> {
    let list = c.get("api/v1/exposure/imports?source=web").await.unwrap().json();
    let mut list = list.as_array().unwrap().clone();
    list.sort_by_key(|i| std::cmp::Reverse(i["id"].as_i64()));
    list
}

/// A JSON-lines report of `n` lines of about 100 bytes.
fn jsonl_report(n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| json!({"time": 1795000000 + i, "ip": format!("192.0.2.{}", i % 250), "url": "https://x.example/", "category": "defacement"}))
        .map(|l| l.to_string() + "\n")
        .collect::<String>()
        .into_bytes()
}

#[tokio::test]
async fn uploads_stream_up_to_the_import_limit() {
    let s = TestServer::start_with(Backend::from_env().unwrap(), |c| c.http.max_import = 2048).await.unwrap();
    let a = s.admin();
    let mapping = json!({"report_type": "defacement", "kind": "category", "timestamp": "time", "timestamp_format": "unix_seconds", "ip": "ip", "url": "url"});
    let r = a.post("api/v1/exposure/sources", &json!({"name": "web", "format": "jsonl", "mapping": mapping})).await.unwrap();
    assert_eq!(r.status, 201, "{}", r.text);
    let small = jsonl_report(5);
    assert!(small.len() < 2048);
    let large = jsonl_report(50);
    assert!(large.len() > 2048);

    // Under the limit, streamed or not: imported.
    let r = a.request_raw(reqwest::Method::POST, "api/v1/exposure/sources/web/imports?filename=a.jsonl", small.clone()).await.unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    let r = send(&s, reqwest::Method::POST, "api/v1/exposure/sources/web/imports?filename=b.jsonl", None, chunked(small)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["rows_ok"], 5);
    assert_eq!(imports(&a).await.len(), 2);

    // A declared length over the limit: refused before anything is read or recorded.
    let r = a.request_raw(reqwest::Method::POST, "api/v1/exposure/sources/web/imports?filename=c.jsonl", large.clone()).await.unwrap();
    assert!(api_error(&r, 413, None).contains("2048"));
    assert_eq!(imports(&a).await.len(), 2);

    // Streamed without a length: reading stops at the limit, and the answer says so.
    let r = send(&s, reqwest::Method::POST, "api/v1/exposure/sources/web/imports?filename=d.jsonl", None, chunked(large)).await;
    let m = api_error(&r, 413, None);
    assert!(m.contains("2048") && m.contains("Reading stopped"), "{m}");
    let list = imports(&a).await;
    assert_eq!(list.len(), 3);
    let cut: &Value = &list[0];
    assert_eq!(cut["filename"], "d.jsonl", "{cut}");
    assert!(cut["message"].as_str().unwrap().contains("larger than the import limit of 2048 bytes"), "{cut}");
    assert!(cut["rows_ok"].as_i64().unwrap() < 50, "{cut}");
    // The cut import is failed: its rows are kept, but nothing was resolved.
    assert_eq!(cut["status"], "failed", "{cut}");
    assert!(cut["message"].as_str().unwrap().contains("no finding was resolved"), "{cut}");

    // Parameters of the upload are checked like any other.
    let r = a.request_raw(reqwest::Method::POST, "api/v1/exposure/sources/web/imports?filenme=e.jsonl", Vec::new()).await.unwrap();
    api_error(&r, 422, Some("filenme"));
    s.stop().await.unwrap();
}

#[tokio::test]
async fn an_internal_error_shows_only_the_request_id() {
    let s = TestServer::start().await.unwrap();
    let a = s.admin();
    let r = a.get("api/v1/exposure/ignore").await.unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    // Break the store under the running server.
    let drop = "DROP TABLE exposure_ignore";
    match s.db.backend {
        Backend::Sqlite => {
            let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&s.db.url).await.unwrap();
            sqlx::query(drop).execute(&mut c).await.unwrap();
        }
        Backend::Postgres => {
            let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&s.db.url).await.unwrap();
            sqlx::query(drop).execute(&mut c).await.unwrap();
        }
    }
    let r = a.get("api/v1/exposure/ignore").await.unwrap();
    let m = api_error(&r, 500, None);
    let id = r.header("x-request-id").unwrap();
    assert_eq!(m, format!("An internal error has occurred. Request id: {id}"));
    assert!(!r.text.contains("exposure_ignore"), "the cause goes to the log only: {}", r.text);
    // Each request has its own id.
    let again = a.get("api/v1/exposure/ignore").await.unwrap();
    assert_ne!(again.header("x-request-id"), Some(id));
    s.stop().await.unwrap();
}

//! Exposure notifications through the API: registration and approval,
//! imports of Shadowserver files, matching (most specific CIDR, covered
//! customers, AS fallback, ignore list, suppressions), the finding state
//! machine, what each organisation may see, and bad files. Needs
//! `FYR_SHADOWSERVER_SCHEMA` (Shadowserver's reports.json).

use fyr_testkit::{Client, Reply, TestServer};
use serde_json::{Value, json};

fn ok(r: &Reply) -> Value {
    assert!((200..300).contains(&r.status), "expected success, got {} {}", r.status, r.text);
    r.json()
}

fn schema_fields(report_type: &str) -> Vec<String> {
    let path = std::env::var("FYR_SHADOWSERVER_SCHEMA").expect("set FYR_SHADOWSERVER_SCHEMA to Shadowserver's reports.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v[report_type]["fields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect()
}

/// A report file of `report_type` with one row per (ip, port, asn, hostname).
fn report(report_type: &str, rows: &[(&str, u16, u32, &str)]) -> Vec<u8> {
    let fields = schema_fields(report_type);
    let mut out = fields.join(",");
    out.push('\n');
    for (ip, port, asn, host) in rows {
        let cells: Vec<String> = fields
            .iter()
            .map(|f| match f.as_str() {
                "timestamp" => "2026-11-20 03:04:05".to_string(),
                "ip" | "src_ip" => ip.to_string(),
                "port" | "src_port" => port.to_string(),
                "asn" | "src_asn" => asn.to_string(),
                "hostname" => host.to_string(),
                "protocol" => "tcp".to_string(),
                "severity" => String::new(),
                _ => String::new(),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out.into_bytes()
}

async fn upload(c: &Client, source: &str, filename: &str, body: Vec<u8>) -> Reply {
    c.request_raw(reqwest::Method::POST, &format!("api/v1/exposure/sources/{source}/imports?filename={filename}"), body).await.unwrap()
}

/// An organisation with an org admin; returns (org id, client).
async fn org_admin(s: &TestServer, name: &str, email: &str) -> (i64, Client) {
    let a = s.admin();
    let o = ok(&a.post("admin/organisations/add", &json!({"name": name})).await.unwrap());
    let org_id: i64 = o["Organisation"]["id"].as_str().unwrap().parse().unwrap();
    let u = ok(&a.post("admin/users/add", &json!({"email": email, "org_id": org_id, "role_id": 2})).await.unwrap());
    (org_id, s.client(u["User"]["authkey"].as_str().unwrap()))
}

async fn findings(c: &Client, query: &str) -> Vec<Value> {
    ok(&c.get(&format!("api/v1/exposure/findings?{query}")).await.unwrap()).as_array().unwrap().clone()
}

#[tokio::test]
async fn register_import_match_and_resolve() {
    let s = TestServer::start().await.unwrap();
    let cert = s.admin();
    let (a_id, a) = org_admin(&s, "Kommun A", "it@a.example").await;
    let (b_id, b) = org_admin(&s, "Bolag B", "soc@b.example").await;
    let (c_id, c) = org_admin(&s, "Nät C", "noc@c.example").await;

    // A registers its /24: pending until the CERT approves.
    let asset = ok(&a.post("api/v1/exposure/assets", &json!({"kind": "cidr", "value": "192.0.2.77/24"})).await.unwrap());
    assert_eq!(asset["value"], "192.0.2.0/24");
    assert_eq!(asset["status"], "pending");
    let r = a.post(&format!("api/v1/exposure/assets/{}/approve", asset["id"]), &json!({})).await.unwrap();
    assert_eq!(r.status, 403, "an organisation cannot approve its own registration");
    ok(&cert.post(&format!("api/v1/exposure/assets/{}/approve", asset["id"]), &json!({})).await.unwrap());
    // The CERT registers B's /25 inside it (approved at once), and C's AS.
    let b_asset =
        ok(&cert.post("api/v1/exposure/assets", &json!({"kind": "cidr", "value": "192.0.2.128/25", "org_id": b_id})).await.unwrap());
    assert_eq!(b_asset["status"], "approved");
    ok(&cert.post("api/v1/exposure/assets", &json!({"kind": "asn", "value": "AS64500", "org_id": c_id})).await.unwrap());
    // IPv6 too.
    ok(&cert.post("api/v1/exposure/assets", &json!({"kind": "cidr", "value": "2001:db8:a::/48", "org_id": a_id})).await.unwrap());
    // The CERT sees the overlap between A and B.
    let overlaps = ok(&cert.get("api/v1/exposure/overlaps").await.unwrap());
    assert!(
        overlaps.as_array().unwrap().iter().any(|o| o["outer"]["value"] == "192.0.2.0/24" && o["inner"]["value"] == "192.0.2.128/25"),
        "{overlaps}"
    );
    assert_eq!(a.get("api/v1/exposure/overlaps").await.unwrap().status, 403);

    ok(&cert.post("api/v1/exposure/sources", &json!({"name": "shadowserver", "format": "shadowserver", "tlp": "amber"})).await.unwrap());
    let rows = [
        ("192.0.2.10", 3389, 64496, "rdp.a.example"),
        ("192.0.2.11", 3389, 64496, ""),
        ("192.0.2.200", 3389, 64496, ""),
        ("198.51.100.5", 3389, 64500, ""),
        ("203.0.113.9", 3389, 64511, ""),
        ("2001:db8:a::5", 3389, 64496, ""),
    ];
    let imp = ok(&upload(&cert, "shadowserver", "2026-11-20-scan_rdp-sweden-geo.csv", report("scan_rdp", &rows)).await);
    assert_eq!(imp["status"], "done");
    assert_eq!(imp["report_type"], "scan_rdp");
    assert_eq!(imp["rows_ok"], 6);
    assert_eq!(imp["rows_matched"], 5);
    assert_eq!(imp["rows_unmatched"], 1);
    assert_eq!(imp["findings_new"], 5);

    // Each organisation sees its own findings only; the most specific CIDR wins.
    let fa = findings(&a, "").await;
    let assets: Vec<&str> = fa.iter().map(|f| f["asset"].as_str().unwrap()).collect();
    assert_eq!(assets.len(), 3, "{fa:?}");
    assert!(
        assets.contains(&"192.0.2.10:3389/tcp") && assets.contains(&"192.0.2.11:3389/tcp") && assets.contains(&"2001:db8:a::5:3389/tcp")
    );
    assert_eq!(fa[0]["state"], "new");
    assert_eq!(fa[0]["severity"], "high", "scan_rdp's default severity from severity.md");
    // The raw fields of its record come with each finding (from the import's record blocks).
    let rdp = fa.iter().find(|f| f["asset"] == "192.0.2.10:3389/tcp").unwrap();
    assert_eq!(rdp["details"]["hostname"], "rdp.a.example", "{rdp}");
    assert_eq!(rdp["details"]["ip"], "192.0.2.10");
    let one = ok(&a.get(&format!("api/v1/exposure/findings/{}", rdp["id"])).await.unwrap());
    assert_eq!(one["details"], rdp["details"]);
    let fb = findings(&b, "").await;
    assert_eq!(fb.len(), 1);
    assert_eq!(fb[0]["asset"], "192.0.2.200:3389/tcp");
    let fc = findings(&c, "").await;
    assert_eq!(fc.len(), 1, "AS fallback where no CIDR matched");
    assert_eq!(fc[0]["ip"], "198.51.100.5");
    assert_eq!(findings(&cert, "").await.len(), 5);
    assert_eq!(a.get(&format!("api/v1/exposure/findings?org_id={b_id}")).await.unwrap().status, 403);
    let other = fb[0]["id"].as_i64().unwrap();
    assert_eq!(a.get(&format!("api/v1/exposure/findings/{other}")).await.unwrap().status, 404);
    // The record nobody owns is kept for the CERT.
    let unmatched = ok(&cert.get("api/v1/exposure/unmatched").await.unwrap());
    assert_eq!(unmatched[0]["ip"], "203.0.113.9");
    assert_eq!(a.get("api/v1/exposure/unmatched").await.unwrap().status, 403);

    // B asks to hear about its customers? No: A (the covering /24) opts in.
    ok(&a.put("api/v1/exposure/settings", &json!({"notify_covered_customers": true})).await.unwrap());
    ok(&upload(&cert, "shadowserver", "2026-11-21-scan_rdp-sweden-geo.csv", report("scan_rdp", &rows)).await);
    let fa = findings(&a, "").await;
    assert!(fa.iter().any(|f| f["asset"] == "192.0.2.200:3389/tcp"), "covered customers' space: {fa:?}");
    assert!(fa.iter().filter(|f| f["asset"] == "192.0.2.10:3389/tcp").all(|f| f["state"] == "seen_again" && f["count"] == 2));
    assert_eq!(findings(&b, "").await.len(), 1, "B still hears about its own");

    // Two reports without 192.0.2.11: resolved; back again: reopened.
    let without: Vec<_> = rows.iter().copied().filter(|r| r.0 != "192.0.2.11").collect();
    let i3 = ok(&upload(&cert, "shadowserver", "2026-11-22-scan_rdp-sweden-geo.csv", report("scan_rdp", &without)).await);
    assert_eq!(i3["findings_resolved"], 0);
    let f11 = |list: &[Value]| list.iter().find(|f| f["asset"] == "192.0.2.11:3389/tcp").cloned().unwrap();
    assert_eq!(f11(&findings(&a, "").await)["state"], "seen_again");
    let i4 = ok(&upload(&cert, "shadowserver", "2026-11-23-scan_rdp-sweden-geo.csv", report("scan_rdp", &without)).await);
    assert_eq!(i4["findings_resolved"], 1);
    assert_eq!(f11(&findings(&a, "").await)["state"], "resolved");
    assert_eq!(findings(&a, "state=resolved").await.len(), 1);
    ok(&upload(&cert, "shadowserver", "2026-11-24-scan_rdp-sweden-geo.csv", report("scan_rdp", &rows)).await);
    assert_eq!(f11(&findings(&a, "").await)["state"], "reopened");
    // Another report type is a scope of its own: nothing there is resolved by scan_rdp files.
    let smb = ok(&upload(&cert, "shadowserver", "2026-11-24-scan_smb-sweden-geo.csv", report("scan_smb", &rows[..1])).await);
    assert_eq!(smb["findings_new"], 1);

    // The ignore list (CERT) and suppressions (per organisation).
    ok(&cert.post("api/v1/exposure/ignore", &json!({"cidr": "192.0.2.10", "reason": "our scanner"})).await.unwrap());
    ok(&a
        .post("api/v1/exposure/suppressions", &json!({"kind": "scan_rdp", "cidr": "2001:db8:a::/48", "reason": "honeypot"}))
        .await
        .unwrap());
    let i6 = ok(&upload(&cert, "shadowserver", "2026-11-25-scan_rdp-sweden-geo.csv", report("scan_rdp", &rows)).await);
    assert_eq!(i6["rows_ignored"], 1);
    assert_eq!(i6["rows_suppressed"], 1);

    // CSV export of one's own findings, with formulas neutralised.
    let csv = a.get("api/v1/exposure/findings?format=csv&state=new,seen_again,reopened").await.unwrap();
    assert_eq!(csv.status, 200);
    assert!(csv.text.starts_with("id,source,kind,asset,ip,port"), "{}", csv.text);
    assert!(!csv.text.contains("198.51.100.5"), "another organisation's finding in A's CSV");

    // The CERT's statistics.
    let stats = ok(&cert.get("api/v1/exposure/stats").await.unwrap());
    assert_eq!(stats["by_source"][0]["group"], "shadowserver");
    assert!(stats["by_organisation"].as_array().unwrap().iter().any(|g| g["group"] == "Kommun A"));
    assert_eq!(a.get("api/v1/exposure/stats").await.unwrap().status, 403);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn bad_files_and_bad_requests() {
    let s = TestServer::start().await.unwrap();
    let cert = s.admin();
    let (_, a) = org_admin(&s, "Kommun A", "it@a.example").await;
    ok(&cert.post("api/v1/exposure/assets", &json!({"kind": "cidr", "value": "192.0.2.0/24", "org_id": 2})).await.unwrap());
    ok(&cert.post("api/v1/exposure/sources", &json!({"name": "ss", "format": "shadowserver"})).await.unwrap());

    // Bad rows are counted with line numbers; good rows are kept.
    let mut file = report("scan_rdp", &[("192.0.2.1", 3389, 1, ""), ("192.0.2.2", 3389, 1, "")]);
    file.extend_from_slice(b"this,row,has,too,few,columns\n");
    let mut bad_ip = String::from_utf8(report("scan_rdp", &[("192.0.2.999", 3389, 1, "")])).unwrap();
    bad_ip = bad_ip.lines().nth(1).unwrap().to_string() + "\n";
    file.extend_from_slice(bad_ip.as_bytes());
    let r = ok(&upload(&cert, "ss", "2026-11-20-scan_rdp-x.csv", file).await);
    assert_eq!(r["rows_ok"], 2);
    assert_eq!(r["rows_bad"], 2);
    let lines: Vec<i64> = r["errors"].as_array().unwrap().iter().map(|e| e["line"].as_i64().unwrap()).collect();
    assert_eq!(lines, vec![4, 5]);
    assert!(r["errors"][1]["message"].as_str().unwrap().contains("192.0.2.999"), "{r}");

    // Empty file, binary garbage, unknown report type, missing report type.
    let r = upload(&cert, "ss", "2026-11-20-scan_rdp-x.csv", Vec::new()).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.json()["status"], "failed");
    let r = upload(&cert, "ss", "2026-11-20-scan_rdp-x.csv", vec![0, 159, 146, 150, 0, 1, 2, 3]).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r = upload(&cert, "ss", "2026-11-20-scan_nosuchthing-x.csv", report("scan_rdp", &[])).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.json()["error"]["field"], "report_type");
    let r = upload(&cert, "ss", "whatever.csv", report("scan_rdp", &[])).await;
    assert_eq!(r.json()["error"]["field"], "report_type");
    // Every failed file is recorded, with the reason.
    let imports = ok(&cert.get("api/v1/exposure/imports?source=ss").await.unwrap());
    assert!(imports.as_array().unwrap().iter().filter(|i| i["status"] == "failed").count() >= 4, "{imports}");
    // Only the CERT uploads.
    assert_eq!(upload(&a, "ss", "2026-11-20-scan_rdp-x.csv", report("scan_rdp", &[])).await.status, 403);
    assert_eq!(upload(&cert, "nosuchsource", "2026-11-20-scan_rdp-x.csv", report("scan_rdp", &[])).await.status, 404);

    // Invalid registrations and settings name the field.
    let cases = [
        (json!({"kind": "cidr", "value": "999.1.1.1/24"}), "value"),
        (json!({"kind": "cidr", "value": "10.0.0.0/4"}), "value"),
        (json!({"kind": "asn", "value": "AS0"}), "value"),
        (json!({"kind": "domain", "value": "se"}), "value"),
        (json!({"kind": "host", "value": "x"}), "kind"),
        (json!({"kind": "cidr"}), "value"),
        (json!({"kind": "cidr", "value": 5}), "value"),
        (json!({"kind": "cidr", "value": "192.0.2.0/24", "surprise": 1}), "surprise"),
    ];
    for (body, field) in cases {
        let r = a.post("api/v1/exposure/assets", &body).await.unwrap();
        assert!((400..500).contains(&r.status), "{body}: {} {}", r.status, r.text);
        assert!(r.text.contains(field), "{body}: {}", r.text);
    }
    let r = a.request_raw(reqwest::Method::POST, "api/v1/exposure/assets", b"{\"kind\":".to_vec()).await.unwrap();
    assert_eq!(r.status, 400);
    for (body, field) in [
        (json!({"language": "fi"}), "language"),
        (json!({"digest_time": "25:00"}), "digest_time"),
        (json!({"critical_immediately": "yes"}), "critical_immediately"),
    ] {
        let r = a.put("api/v1/exposure/settings", &body).await.unwrap();
        assert_eq!(r.status, 422, "{body}: {}", r.text);
        assert_eq!(r.json()["error"]["field"], field);
    }
    for (body, field) in [
        (json!({"channel": "sms", "address": "x"}), "channel"),
        (json!({"channel": "email", "address": "not an address"}), "address"),
        (json!({"channel": "webhook", "address": "ftp://x.example/"}), "address"),
        (json!({"channel": "webhook", "address": "https://x.example/", "secret": "short"}), "secret"),
    ] {
        let r = a.post("api/v1/exposure/contacts", &body).await.unwrap();
        assert_eq!(r.status, 422, "{body}: {}", r.text);
        assert_eq!(r.json()["error"]["field"], field);
    }
    let r = cert.post("api/v1/exposure/sources", &json!({"name": "bad source!", "format": "shadowserver"})).await.unwrap();
    assert_eq!(r.json()["error"]["field"], "name");
    let r = cert.post("api/v1/exposure/sources", &json!({"name": "g", "format": "csv"})).await.unwrap();
    assert_eq!(r.json()["error"]["field"], "mapping");
    // Unauthenticated requests get a JSON 403.
    let r = s.client("").get("api/v1/exposure/findings").await.unwrap();
    assert_eq!(r.status, 403);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("Authentication failed"));
    s.stop().await.unwrap();
}

#[tokio::test]
async fn generic_sources_domains_and_website_content() {
    let s = TestServer::start().await.unwrap();
    let cert = s.admin();
    let (a_id, a) = org_admin(&s, "Webbyrå A", "it@a.example").await;
    // A domain registration proves itself by DNS (no record here: refused), or the CERT approves it.
    let d = ok(&a.post("api/v1/exposure/assets", &json!({"kind": "domain", "value": "Webb.EXAMPLE.se"})).await.unwrap());
    assert_eq!(d["value"], "webb.example.se");
    assert_eq!(d["dns_verification"]["record"], "_fyr-verification.webb.example.se");
    assert!(d["dns_verification"]["value"].as_str().unwrap().starts_with("fyr-verification="));
    ok(&cert.post(&format!("api/v1/exposure/assets/{}/approve", d["id"]), &json!({})).await.unwrap());
    // A JSON-lines source about website content: matched by host, not address.
    let mapping = json!({"report_type": "defacement", "kind": "category", "timestamp": "time", "timestamp_format": "unix_seconds", "ip": "ip", "url": "url"});
    ok(&cert
        .post(
            "api/v1/exposure/sources",
            &json!({"name": "web", "format": "jsonl", "website_content": true, "default_severity": "critical", "mapping": mapping}),
        )
        .await
        .unwrap());
    let lines = [
        json!({"time": 1795000000, "ip": "203.0.113.5", "url": "https://shop.webb.example.se/index.php", "category": "defacement"}),
        json!({"time": 1795000001, "ip": "192.0.2.1", "url": "https://badwebb.example.se/", "category": "defacement"}),
        json!({"time": 1795000002, "ip": "203.0.113.6", "url": "http://webb.example.se/x", "category": "phishing"}),
    ];
    let body = lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("\n").into_bytes();
    let r = ok(&upload(&cert, "web", "feed.jsonl", body).await);
    assert_eq!(r["rows_matched"], 2, "{r}");
    assert_eq!(r["rows_unmatched"], 1);
    let fa = findings(&a, "").await;
    let mut kinds: Vec<&str> = fa.iter().map(|f| f["kind"].as_str().unwrap()).collect();
    kinds.sort();
    assert_eq!(kinds, vec!["defacement", "phishing"]);
    assert!(fa.iter().all(|f| f["severity"] == "critical" && f["org_id"] == a_id));
    assert_eq!(fa.iter().find(|f| f["kind"] == "defacement").unwrap()["asset"], "shop.webb.example.se");
    // Assets from CSV, good lines kept and bad ones reported by line.
    let csv = "kind,value,valid_until,comment\ncidr,198.51.100.0/24,,office\nasn,AS-x,,\ndomain,kommun.example.se,,\n";
    let r = a.request_raw(reqwest::Method::POST, "api/v1/exposure/assets/import", csv.as_bytes().to_vec()).await.unwrap();
    let v = ok(&r);
    assert_eq!(v["created"].as_array().unwrap().len(), 2);
    assert_eq!(v["errors"][0]["line"], 3);
    s.stop().await.unwrap();
}

//! Helpers of the exposure worker tests: organisations, a generic CSV
//! source, a notification sender, and a webhook receiver that records what
//! reaches it.

use fyr_testkit::{Client, Reply, TestServer};
use fyr_workers::deliver::{Sender, SenderConfig};
use fyr_workers::destination::WebhookPolicy;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub fn ok(r: &Reply) -> Value {
    assert!((200..300).contains(&r.status), "expected success, got {} {}", r.status, r.text);
    r.json()
}

/// An organisation with an org admin and `192.0.2.0/24`-style space
/// `net`; returns (org id, client).
pub async fn org_with_space(s: &TestServer, name: &str, email: &str, net: &str) -> (i64, Client) {
    let a = s.admin();
    let o = ok(&a.post("admin/organisations/add", &json!({"name": name})).await.unwrap());
    let org_id: i64 = o["Organisation"]["id"].as_str().unwrap().parse().unwrap();
    let u = ok(&a.post("admin/users/add", &json!({"email": email, "org_id": org_id, "role_id": 2})).await.unwrap());
    ok(&a.post("api/v1/exposure/assets", &json!({"kind": "cidr", "value": net, "org_id": org_id})).await.unwrap());
    (org_id, s.client(u["User"]["authkey"].as_str().unwrap()))
}

/// A CSV source whose findings are critical (told at once), with a
/// mapping that names no timestamp column.
pub async fn critical_csv_source(s: &TestServer, name: &str) {
    let mapping = json!({"report_type": "open-service", "ip": "ip", "port": "port"});
    let body = json!({"name": name, "format": "csv", "default_severity": "critical", "mapping": mapping});
    ok(&s.admin().post("api/v1/exposure/sources", &body).await.unwrap());
}

/// Uploads `ip,port` rows into `source`.
pub async fn upload_rows(s: &TestServer, source: &str, filename: &str, ips: &[&str]) -> Value {
    let mut csv = String::from("ip,port\n");
    for ip in ips {
        csv.push_str(&format!("{ip},8080\n"));
    }
    let path = format!("api/v1/exposure/sources/{source}/imports?filename={filename}");
    ok(&s.admin().request_raw(reqwest::Method::POST, &path, csv.into_bytes()).await.unwrap())
}

pub async fn deliveries(c: &Client, query: &str) -> Vec<Value> {
    ok(&c.get(&format!("api/v1/exposure/deliveries?{query}")).await.unwrap()).as_array().unwrap().clone()
}

pub fn sender(policy: WebhookPolicy) -> Sender {
    Sender::new(&SenderConfig {
        smtp_url: None,
        mail_from: "CERT <cert@fyr.test>",
        public_url: "https://fyr.example/misp/",
        sender_name: "CERT via fyr",
        webhook_policy: policy,
    })
    .unwrap()
}

/// A webhook receiver on 127.0.0.1: counts connections and keeps the
/// bodies of the requests, answering 200.
#[derive(Clone, Default)]
pub struct Receiver {
    pub connections: Arc<Mutex<usize>>,
    pub bodies: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Receiver {
    /// Starts it; returns it and its URL.
    pub async fn start() -> (Receiver, String) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let r = Receiver::default();
        let me = r.clone();
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                *me.connections.lock().unwrap() += 1;
                let bodies = me.bodies.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 65536];
                    loop {
                        let Ok(n) = conn.read(&mut chunk).await else { return };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
                        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                        let len: usize =
                            head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            bodies.lock().unwrap().push(buf[end + 4..end + 4 + len].to_vec());
                            let _ = conn.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
                            return;
                        }
                    }
                });
            }
        });
        (r, url)
    }

    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }

    pub fn bodies(&self) -> Vec<Value> {
        self.bodies.lock().unwrap().iter().map(|b| serde_json::from_slice(b).unwrap()).collect()
    }
}

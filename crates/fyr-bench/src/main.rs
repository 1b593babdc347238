//! Benchmarks of the MISP API against a real `fyr` process (see
//! docs/PERFORMANCE.md for the figures). The server runs as a separate
//! process so that its peak memory (VmHWM) can be read from /proc.
//!
//!   fyr-bench large-event --fyr target/release/fyr [--attributes 100000] [--database-url postgres://…]
//!   fyr-bench search      --fyr target/release/fyr [--events 10000 --per-event 100 --queries 1000]
//!   fyr-bench exposure    --fyr target/release/fyr --schema reports.json [--rows 1000000 --orgs 1000 --report-type scan_http --imports 2 --pause 5]
//!
//! Data is generated from a fixed seed: the same command measures the same work.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Args, Clone)]
struct ServerArgs {
    /// The fyr binary to start.
    #[arg(long, default_value = "target/release/fyr")]
    fyr: PathBuf,
    /// A PostgreSQL URL of an empty database; SQLite in a temporary directory otherwise.
    #[arg(long)]
    database_url: Option<String>,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Passed to the server as FYR_SHADOWSERVER_SCHEMA.
    #[arg(skip)]
    schema: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Cmd {
    /// One event with many attributes of mixed types posted to events/add.
    LargeEvent {
        #[command(flatten)]
        server: ServerArgs,
        #[arg(long, default_value_t = 100_000)]
        attributes: usize,
    },
    /// Exact-value attribute restSearch over a large store.
    Search {
        #[command(flatten)]
        server: ServerArgs,
        #[arg(long, default_value_t = 10_000)]
        events: usize,
        #[arg(long, default_value_t = 100)]
        per_event: usize,
        #[arg(long, default_value_t = 1000)]
        queries: usize,
        /// Concurrent requests while loading.
        #[arg(long, default_value_t = 4)]
        load_concurrency: usize,
        /// The database already holds this data (same seed and sizes): only query.
        #[arg(long)]
        skip_load: bool,
    },
    /// One Shadowserver report uploaded, parsed, matched, deduplicated and stored.
    Exposure {
        #[command(flatten)]
        server: ServerArgs,
        /// Shadowserver's reports.json.
        #[arg(long)]
        schema: PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        rows: u64,
        /// Organisations, each registering one /22 inside 10.0.0.0/12.
        #[arg(long, default_value_t = 1000)]
        orgs: u32,
        #[arg(long, default_value = "scan_http")]
        report_type: String,
        /// Keep the generated file here (to feed the same file to other tools).
        #[arg(long)]
        keep_file: Option<PathBuf>,
        /// Upload the same report this many times (the next day's report: updates).
        #[arg(long, default_value_t = 1)]
        imports: u32,
        /// Seconds to wait before each upload (reports arriving apart: SQLite's
        /// background checkpoint of the set-up or of the previous import then
        /// does not overlap the next).
        #[arg(long, default_value_t = 0)]
        pause: u64,
    },
}

const KEY: &str = "BenchAdminKey000000000000000000000000000";

struct Server {
    child: Child,
    url: String,
    _dir: PathBuf,
}

impl Server {
    fn start(args: &ServerArgs) -> Result<Server> {
        let dir = std::env::temp_dir().join(format!("fyr-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0")?;
            l.local_addr()?.port()
        };
        let mut cmd = Command::new(&args.fyr);
        cmd.arg("serve").arg("--listen").arg(format!("127.0.0.1:{port}")).arg("--data-dir").arg(&dir);
        if let Some(url) = &args.database_url {
            cmd.arg("--database-url").arg(url);
        }
        if let Some(schema) = &args.schema {
            cmd.env("FYR_SHADOWSERVER_SCHEMA", schema);
        }
        cmd.env("FYR_ADMIN_KEY", KEY).env("FYR_LOG", "warn").stdout(Stdio::null()).stderr(Stdio::null());
        let child = cmd.spawn().with_context(|| format!("cannot start {}", args.fyr.display()))?;
        let url = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if start.elapsed() > Duration::from_secs(30) {
                bail!("fyr did not start");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Server { child, url, _dir: dir })
    }

    /// Peak and current resident memory of the server process, in MiB.
    fn memory(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let kb = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (kb("VmHWM:") / 1024.0, kb("VmRSS:") / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._dir);
    }
}

fn client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder().timeout(Duration::from_secs(600)).build()?)
}

async fn post(c: &reqwest::Client, url: &str, body: &Value) -> Result<Value> {
    let r = c
        .post(url)
        .header("Authorization", KEY)
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .body(serde_json::to_vec(body)?)
        .send()
        .await?;
    let status = r.status();
    let text = r.text().await?;
    if !status.is_success() {
        bail!("{url}: {status}: {}", text.chars().take(400).collect::<String>());
    }
    Ok(serde_json::from_str(&text)?)
}

/// A random attribute of a mixed type, unique through `n`.
fn attribute(rng: &mut StdRng, n: u64) -> Value {
    let hex = |rng: &mut StdRng, len: usize| (0..len).map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)])).collect::<String>();
    let (t, v) = match rng.random_range(0..12) {
        0 => ("ip-dst", format!("{}.{}.{}.{}", 10 + (n >> 24) % 200, (n >> 16) & 255, (n >> 8) & 255, n & 255)),
        1 => (
            "ip-src",
            std::net::Ipv6Addr::new(0x2001, 0xdb8, ((n >> 32) & 0xffff) as u16, ((n >> 16) & 0xffff) as u16, 0, 0, 0, (n & 0xffff) as u16)
                .to_string(),
        ),
        2 => ("domain", format!("host{n}.example{}.com", n % 97)),
        3 => ("hostname", format!("www{n}.site{}.org", n % 89)),
        4 => ("url", format!("https://evil{}.example.net/path/{n}?q={}", n % 13, hex(rng, 6))),
        5 => ("md5", format!("{}{:016x}", hex(rng, 16), n)),
        6 => ("sha1", format!("{}{:016x}", hex(rng, 24), n)),
        7 => ("sha256", format!("{}{:016x}", hex(rng, 48), n)),
        8 => ("email-src", format!("user{n}@mail{}.example.org", n % 31)),
        9 => ("filename", format!("payload_{n}.exe")),
        10 => ("ip-dst|port", format!("192.0.{}.{}|{}", (n >> 8) & 255, n & 255, 1 + n % 65000)),
        _ => ("text", format!("free text note number {n} {}", hex(rng, 8))),
    };
    json!({"type": t, "value": v, "comment": if n.is_multiple_of(5) { "seen in campaign" } else { "" }})
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<()> {
    match Cli::parse().cmd {
        Cmd::LargeEvent { server, attributes } => {
            let mut rng = StdRng::seed_from_u64(server.seed);
            let attrs: Vec<Value> = (0..attributes as u64).map(|n| attribute(&mut rng, n)).collect();
            let body = json!({"info": format!("bench: one event with {attributes} attributes"), "distribution": 1, "Attribute": attrs});
            let bytes = serde_json::to_vec(&body)?;
            let s = Server::start(&server)?;
            let c = client()?;
            let (base_peak, _) = s.memory();
            let t = Instant::now();
            let r = c
                .post(format!("{}/events/add/metadata:1", s.url))
                .header("Authorization", KEY)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .body(bytes.clone())
                .send()
                .await?;
            let status = r.status();
            let text = r.text().await?;
            let elapsed = t.elapsed();
            if !status.is_success() {
                bail!("events/add: {status}: {}", text.chars().take(400).collect::<String>());
            }
            let v: Value = serde_json::from_str(&text)?;
            let (peak, rss) = s.memory();
            println!("large-event: {} attributes, body {:.1} MiB", attributes, bytes.len() as f64 / 1048576.0);
            println!(
                "  events/add accepted in {:.2} s ({:.0} attributes/s)",
                elapsed.as_secs_f64(),
                attributes as f64 / elapsed.as_secs_f64()
            );
            println!("  attribute_count {}", v["Event"]["attribute_count"]);
            println!("  server memory: peak {peak:.0} MiB (before the request {base_peak:.0} MiB), resident after {rss:.0} MiB");
        }
        Cmd::Search { server, events, per_event, queries, load_concurrency, skip_load } => {
            let s = Server::start(&server)?;
            let c = client()?;
            let t = Instant::now();
            let mut probe_values: Vec<String> = Vec::new();
            let mut rng = StdRng::seed_from_u64(server.seed);
            let mut n: u64 = 0;
            let mut pending = tokio::task::JoinSet::new();
            for e in 0..events {
                let attrs: Vec<Value> = (0..per_event)
                    .map(|_| {
                        n += 1;
                        attribute(&mut rng, n)
                    })
                    .collect();
                if e % (events / queries.max(1)).max(1) == 0
                    && let Some(v) = attrs[rng.random_range(0..attrs.len())]["value"].as_str()
                {
                    probe_values.push(v.to_string());
                }
                if skip_load {
                    continue;
                }
                let body = json!({"info": format!("bench event {e}"), "distribution": 1, "Attribute": attrs});
                let c2 = c.clone();
                let url = format!("{}/events/add/metadata:1", s.url);
                pending.spawn(async move { post(&c2, &url, &body).await.map(|_| ()) });
                while pending.len() >= load_concurrency {
                    if let Some(r) = pending.join_next().await {
                        r??;
                    }
                }
            }
            while let Some(r) = pending.join_next().await {
                r??;
            }
            let load = t.elapsed();
            let total = events * per_event;
            if skip_load {
                println!("search: reusing the loaded database ({total} attributes in {events} events)");
            } else {
                println!(
                    "search: loaded {total} attributes in {events} events in {:.1} s ({:.0} attributes/s)",
                    load.as_secs_f64(),
                    total as f64 / load.as_secs_f64()
                );
            }
            let url = format!("{}/attributes/restSearch", s.url);
            // Warm up, then measure each query end to end.
            for v in probe_values.iter().take(20) {
                post(&c, &url, &json!({"value": v})).await?;
            }
            let mut lat = Vec::with_capacity(queries);
            for i in 0..queries {
                let v = &probe_values[i % probe_values.len()];
                let t = Instant::now();
                let r = post(&c, &url, &json!({"value": v})).await?;
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
                let found = r["response"]["Attribute"].as_array().map(Vec::len).unwrap_or(0);
                if found == 0 {
                    bail!("value {v} not found");
                }
            }
            lat.sort_by(|a, b| a.total_cmp(b));
            let (peak, rss) = s.memory();
            println!(
                "  restSearch by exact value, {queries} queries: median {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
                percentile(&lat, 0.5),
                percentile(&lat, 0.95),
                percentile(&lat, 0.99),
                lat.last().copied().unwrap_or(0.0)
            );
            println!("  server memory: peak {peak:.0} MiB, resident {rss:.0} MiB");
        }
        Cmd::Exposure { mut server, schema, rows, orgs, report_type, keep_file, imports, pause } => {
            server.schema = Some(schema.clone());
            exposure(&server, &schema, rows, orgs, &report_type, keep_file, imports, pause).await?;
        }
    }
    Ok(())
}

/// Generates the report, registers the organisations, uploads and reports.
#[allow(clippy::too_many_arguments)]
async fn exposure(
    server: &ServerArgs,
    schema_path: &PathBuf,
    rows: u64,
    orgs: u32,
    report_type: &str,
    keep: Option<PathBuf>,
    imports: u32,
    pause: u64,
) -> Result<()> {
    use fyr_formats::exposure::{GenOptions, ShadowserverSchema, generate_shadowserver_csv};
    let schema = ShadowserverSchema::from_reader(std::fs::File::open(schema_path)?)?;
    let entry = schema.get(report_type).with_context(|| format!("no report type {report_type}"))?;
    let kept = keep.is_some();
    let file =
        keep.unwrap_or_else(|| std::env::temp_dir().join(format!("fyr-bench-{}-2026-11-20-{report_type}-bench.csv", std::process::id())));
    let pool: ipnet::IpNet = "10.0.0.0/12".parse()?;
    let t = Instant::now();
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&file)?);
        let opts = GenOptions {
            rows,
            seed: server.seed,
            ipv6: false,
            ip_pool: Some(vec![pool]),
            bad_row_every: None,
            date: time::macros::date!(2026 - 11 - 20),
        };
        generate_shadowserver_csv(entry, &opts, &mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        // On disk before the clock starts: the kernel writing the file back
        // would otherwise take CPU from the import it is fed to.
        f.sync_all()?;
    }
    let size = std::fs::metadata(&file)?.len();
    println!("exposure: {rows} rows of {report_type} ({:.0} MiB) generated in {:.1} s", size as f64 / 1048576.0, t.elapsed().as_secs_f64());
    let s = Server::start(server)?;
    let c = client()?;
    // Organisations with one /22 each, registered (approved) by the CERT.
    let t = Instant::now();
    for i in 0..orgs {
        let org = post(&c, &format!("{}/admin/organisations/add", s.url), &json!({"name": format!("bench org {i}")})).await?;
        let org_id: i64 = org["Organisation"]["id"].as_str().unwrap_or("0").parse()?;
        let net = format!("10.{}.{}.0/22", (i * 4) / 256, (i * 4) % 256);
        post(&c, &format!("{}/api/v1/exposure/assets", s.url), &json!({"kind": "cidr", "value": net, "org_id": org_id})).await?;
    }
    post(&c, &format!("{}/api/v1/exposure/sources", s.url), &json!({"name": "shadowserver", "format": "shadowserver"})).await?;
    println!("  {orgs} organisations with a /22 each registered in {:.1} s", t.elapsed().as_secs_f64());
    let (before, _) = s.memory();
    for n in 1..=imports.max(1) {
        if pause > 0 {
            tokio::time::sleep(std::time::Duration::from_secs(pause)).await;
        }
        // Shadowserver's file-name convention carries the report type (and the day).
        let name = format!("2026-11-{:02}-{report_type}-bench.csv", 19 + n);
        let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(tokio::fs::File::open(&file).await?, 1 << 20));
        let t = Instant::now();
        let r = c
            .post(format!("{}/api/v1/exposure/sources/shadowserver/imports?filename={name}", s.url))
            .header("Authorization", KEY)
            // A declared length, as curl and most clients send a file:
            // no chunked framing for the server to take apart.
            .header(reqwest::header::CONTENT_LENGTH, size)
            .body(body)
            .send()
            .await?;
        let status = r.status();
        let text = r.text().await?;
        let elapsed = t.elapsed().as_secs_f64();
        if !status.is_success() {
            bail!("upload: {status}: {}", text.chars().take(400).collect::<String>());
        }
        let v: Value = serde_json::from_str(&text)?;
        let (peak, rss) = s.memory();
        println!(
            "  import {n}: upload → parse → match → deduplicate → store: {:.2} s, {:.0} rows/s ({} ok, {} bad, {} matched, {} unmatched, {} new findings)",
            elapsed,
            rows as f64 / elapsed,
            v["rows_ok"],
            v["rows_bad"],
            v["rows_matched"],
            v["rows_unmatched"],
            v["findings_new"]
        );
        println!("  server memory: peak {peak:.0} MiB (before the first upload {before:.0} MiB), resident now {rss:.0} MiB");
    }
    if !kept {
        let _ = std::fs::remove_file(&file);
    }
    Ok(())
}

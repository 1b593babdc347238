//! Property test: for a random world — organisations with overlapping and
//! nested IPv4 space, AS numbers and domains in every registration state
//! (approved, pending, rejected, approved or rejected between two imports,
//! added late), covered-customer flags that may change between imports,
//! suppressions, an ignore-list entry, and two reports from generic CSV
//! sources — every read path of `/api/v1/exposure` shows each user exactly
//! what the rules allow: their own organisation's data, all of it for CERT
//! staff (site admins and administrators of the host organisation, with a
//! key that is not read-only), 403 for the CERT's own views and for another
//! organisation's `org_id`, 404 for another organisation's finding or asset
//! by id. The expected owners come from a naive reference written here from
//! the matching rules in docs/EXPOSURE.md (most specific CIDR or domain
//! wins, plus organisations that asked to hear about their customers; AS
//! numbers only where no CIDR covers the address), not from `fyr-exposure`.
//! Webhook notices are checked too: each organisation's receiver gets its
//! own findings and no others.

use crate::exposure_kit::{Receiver, sender};
use anyhow::{Context, Result, bail, ensure};
use futures::FutureExt;
use fyr_testkit::{Client, Reply, TestServer};
use fyr_workers::deliver::deliver_due;
use fyr_workers::destination::WebhookPolicy;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::panic::AssertUnwindSafe;

/// All registered space lies in 10.0.0.0/22, so registrations overlap and
/// nest often.
const BASE: u32 = 0x0A00_0000;
const UNIVERSE: u32 = 1024;
/// Outside everything anyone registers.
const OUTSIDE: u32 = 0xC633_6400; // 198.51.100.0
const ASNS: [u32; 3] = [64500, 64501, 64502];
const DOMAINS: [&str; 4] = ["kommun.example.se", "skola.kommun.example.se", "bolag.example.se", "www.bolag.example.se"];
const HOSTS: [&str; 6] = [
    "www.kommun.example.se",
    "x.skola.kommun.example.se",
    "skola.kommun.example.se",
    "www.bolag.example.se",
    "mail.bolag.example.se",
    "elsewhere.example.org",
];
const KIND: &str = "open-service";
const SOURCES: [&str; 2] = ["feed1", "feed2"];

/// How a registration lives through the two imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Life {
    /// Registered by the CERT (approved at once) before the first import.
    Approved,
    /// Registered by the organisation, never reviewed.
    Pending,
    /// Registered, then rejected before the first import.
    Rejected,
    /// Pending (or rejected) at the first import, approved before the second.
    ApprovedLater,
    /// Approved at the first import, rejected before the second.
    RejectedLater,
    /// Registered by the CERT between the imports.
    AddedLater,
}

impl Life {
    /// Whether the matcher should use it for import `phase` (0 or 1).
    fn active(self, phase: usize) -> bool {
        match self {
            Life::Approved => true,
            Life::Pending | Life::Rejected => false,
            Life::ApprovedLater | Life::AddedLater => phase == 1,
            Life::RejectedLater => phase == 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AssetValue {
    /// Network address and prefix length (host bits clear).
    Cidr(u32, u8),
    Asn(u32),
    Domain(&'static str),
}

impl AssetValue {
    fn kind(self) -> &'static str {
        match self {
            AssetValue::Cidr(..) => "cidr",
            AssetValue::Asn(_) => "asn",
            AssetValue::Domain(_) => "domain",
        }
    }

    /// As registered.
    fn text(self) -> String {
        match self {
            AssetValue::Cidr(net, len) => format!("{}/{len}", Ipv4Addr::from(net)),
            AssetValue::Asn(n) => format!("AS{n}"),
            AssetValue::Domain(d) => d.to_string(),
        }
    }

    /// As the API shows it.
    fn canonical(self) -> String {
        match self {
            AssetValue::Asn(n) => n.to_string(),
            other => other.text(),
        }
    }
}

fn mask(len: u8) -> u32 {
    if len == 0 { 0 } else { u32::MAX << (32 - u32::from(len)) }
}

fn contains(net: u32, len: u8, ip: u32) -> bool {
    ip & mask(len) == net
}

#[derive(Debug, Clone)]
struct OrgSpec {
    assets: Vec<(AssetValue, Life)>,
    /// `notify_covered_customers` at the first and at the second import.
    covered: [bool; 2],
    suppression: Option<(u32, u8)>,
}

#[derive(Debug, Clone)]
struct Row {
    ip: u32,
    asn: u32,
    host: Option<&'static str>,
}

#[derive(Debug, Clone)]
struct World {
    /// `orgs[0]` is the host organisation (the CERT's own).
    orgs: Vec<OrgSpec>,
    ignore: Option<(u32, u8)>,
    /// The rows of the report into `feed1` (first import) and `feed2` (second).
    rows: [Vec<Row>; 2],
}

fn cidr(lens: std::ops::RangeInclusive<u8>) -> impl Strategy<Value = (u32, u8)> {
    (0..UNIVERSE, lens).prop_map(|(off, len)| ((BASE + off) & mask(len), len))
}

fn prefix_len() -> impl Strategy<Value = u8> {
    prop_oneof![2 => 22u8..=24, 3 => 25u8..=28, 2 => 29u8..=32]
}

fn asset(host: bool) -> impl Strategy<Value = (AssetValue, Life)> {
    let value = prop_oneof![
        6 => (0..UNIVERSE, prefix_len()).prop_map(|(off, len)| AssetValue::Cidr((BASE + off) & mask(len), len)),
        1 => prop::sample::select(ASNS.to_vec()).prop_map(AssetValue::Asn),
        1 => prop::sample::select(DOMAINS.to_vec()).prop_map(AssetValue::Domain),
    ];
    let life = prop_oneof![
        6 => Just(Life::Approved),
        1 => Just(Life::Pending),
        1 => Just(Life::Rejected),
        1 => Just(Life::ApprovedLater),
        1 => Just(Life::RejectedLater),
        1 => Just(Life::AddedLater),
    ];
    // The host organisation's administrator is CERT staff: whatever it
    // registers is approved at once, so it has nothing pending.
    (value, life).prop_map(move |(v, l)| (v, if host && l == Life::Pending { Life::Rejected } else { l }))
}

fn org(host: bool) -> impl Strategy<Value = OrgSpec> {
    let n = if host { 0..3 } else { 1..5 };
    (
        prop::collection::vec(asset(host), n),
        [prop::bool::weighted(0.3), prop::bool::weighted(0.3)],
        prop::option::weighted(0.3, cidr(24..=30)),
    )
        .prop_map(|(assets, covered, suppression)| {
            // One registration per value and organisation (the API refuses a second).
            let mut seen = BTreeSet::new();
            let assets = assets.into_iter().filter(|(v, _)| seen.insert(v.canonical())).collect();
            OrgSpec { assets, covered, suppression }
        })
}

/// Rows: addresses inside registered networks (registered or not, by
/// anyone), anywhere in the universe, or outside it.
fn rows(nets: Vec<(u32, u8)>, n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<Row>> {
    let row = (
        0u8..6,
        any::<Index>(),
        any::<u32>(),
        prop_oneof![2 => Just(0u32), 1 => prop::sample::select(ASNS.to_vec()), 1 => Just(64999u32)],
        prop::option::weighted(0.3, prop::sample::select(HOSTS.to_vec())),
    )
        .prop_map(move |(how, pick, r, asn, host)| {
            let ip = match how {
                0..=2 if !nets.is_empty() => {
                    let (net, len) = nets[pick.index(nets.len())];
                    let size = if len == 32 { 1 } else { 1u32 << (32 - u32::from(len)) };
                    net + r % size
                }
                0..=4 => BASE + r % UNIVERSE,
                _ => OUTSIDE + r % 256,
            };
            Row { ip, asn, host }
        });
    prop::collection::vec(row, n)
}

fn world() -> impl Strategy<Value = World> {
    (org(true), prop::collection::vec(org(false), 2..=4), prop::option::weighted(0.4, cidr(26..=32)))
        .prop_flat_map(|(host, others, ignore)| {
            let mut orgs = vec![host];
            orgs.extend(others);
            let nets: Vec<(u32, u8)> = orgs
                .iter()
                .flat_map(|o| o.assets.iter())
                .filter_map(|(v, _)| match v {
                    AssetValue::Cidr(net, len) => Some((*net, *len)),
                    _ => None,
                })
                .collect();
            (Just(orgs), Just(ignore), rows(nets.clone(), 1..9), rows(nets, 1..9))
        })
        .prop_map(|(orgs, ignore, first, second)| World { orgs, ignore, rows: [first, second] })
}

// ---- the reference ---------------------------------------------------------

/// What the server should hold: findings as (organisation index, import,
/// address) and unmatched records as (import, address).
#[derive(Debug, Default)]
struct Expected {
    findings: BTreeSet<(usize, usize, u32)>,
    unmatched: BTreeSet<(usize, u32)>,
}

/// The most specific registrants plus flagged registrants of anything less
/// specific, from (specificity, organisation) pairs.
fn most_specific(hits: &[(u32, usize)], flagged: impl Fn(usize) -> bool) -> BTreeSet<usize> {
    let Some(best) = hits.iter().map(|h| h.0).max() else { return BTreeSet::new() };
    hits.iter().filter(|(spec, org)| *spec == best || flagged(*org)).map(|h| h.1).collect()
}

fn owners(w: &World, phase: usize, row: &Row) -> BTreeSet<usize> {
    let flagged = |o: usize| w.orgs[o].covered[phase];
    let active = |o: usize| w.orgs[o].assets.iter().filter(move |(_, l)| l.active(phase)).map(|(v, _)| *v);
    let mut cidr_hits = Vec::new();
    let mut asn_hits = BTreeSet::new();
    let mut domain_hits = Vec::new();
    for o in 0..w.orgs.len() {
        for v in active(o) {
            match v {
                AssetValue::Cidr(net, len) if contains(net, len, row.ip) => cidr_hits.push((u32::from(len), o)),
                AssetValue::Asn(n) if n == row.asn => {
                    asn_hits.insert(o);
                }
                AssetValue::Domain(d) => {
                    if let Some(h) = row.host
                        && (h == d || h.ends_with(&format!(".{d}")))
                    {
                        domain_hits.push((d.split('.').count() as u32, o));
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = if cidr_hits.is_empty() { asn_hits } else { most_specific(&cidr_hits, flagged) };
    out.extend(most_specific(&domain_hits, flagged));
    out
}

fn reference(w: &World) -> Expected {
    let mut e = Expected::default();
    for (phase, rows) in w.rows.iter().enumerate() {
        for row in rows {
            if w.ignore.is_some_and(|(net, len)| contains(net, len, row.ip)) {
                continue;
            }
            let orgs = owners(w, phase, row);
            if orgs.is_empty() {
                e.unmatched.insert((phase, row.ip));
            }
            for o in orgs {
                if !w.orgs[o].suppression.is_some_and(|(net, len)| contains(net, len, row.ip)) {
                    e.findings.insert((o, phase, row.ip));
                }
            }
        }
    }
    e
}

// ---- HTTP helpers ----------------------------------------------------------

fn body(r: &Reply, what: &str) -> Result<Value> {
    ensure!((200..300).contains(&r.status), "{what}: expected success, got {} {}", r.status, r.text);
    serde_json::from_str(&r.text).with_context(|| format!("{what}: not JSON: {}", r.text))
}

async fn get_ok(c: &Client, path: &str) -> Result<Value> {
    body(&c.get(path).await?, path)
}

async fn post_ok(c: &Client, path: &str, b: &Value) -> Result<Value> {
    body(&c.post(path, b).await?, path)
}

async fn status(c: &Client, path: &str) -> Result<u16> {
    Ok(c.get(path).await?.status)
}

fn id_of(v: &Value) -> Result<i64> {
    match v {
        Value::Number(n) => n.as_i64().context("id"),
        Value::String(s) => s.parse().context("id"),
        other => bail!("not an id: {other}"),
    }
}

fn list(v: &Value, what: &str) -> Result<Vec<Value>> {
    v.as_array().cloned().with_context(|| format!("{what}: not a list: {v}"))
}

fn ids(v: &[Value]) -> Result<BTreeSet<i64>> {
    v.iter().map(|x| id_of(&x["id"])).collect()
}

fn ip_text(ip: u32) -> String {
    Ipv4Addr::from(ip).to_string()
}

/// A user as the test knows them.
struct Who {
    label: String,
    client: Client,
    org: usize,
    cert: bool,
}

/// What the server assigned while the world was built.
struct Built {
    org_ids: Vec<i64>,
    org_names: Vec<String>,
    users: Vec<Who>,
    receivers: Vec<Receiver>,
    /// Asset id → organisation index.
    assets: BTreeMap<i64, usize>,
    contacts: BTreeMap<i64, usize>,
    suppressions: BTreeMap<i64, usize>,
}

async fn add_user(s: &TestServer, org_id: i64, email: &str, role: u8) -> Result<Client> {
    let u = post_ok(&s.admin(), "admin/users/add", &json!({"email": email, "org_id": org_id, "role_id": role})).await?;
    Ok(s.client(u["User"]["authkey"].as_str().context("authkey")?))
}

async fn read_only_key(s: &TestServer, of: &Client) -> Result<Client> {
    let k = post_ok(of, "auth_keys/add/me", &json!({"read_only": true})).await?;
    Ok(s.client(k["AuthKey"]["authkey_raw"].as_str().context("authkey_raw")?))
}

async fn register(c: &Client, v: AssetValue, org_id: Option<i64>) -> Result<i64> {
    let mut b = json!({"kind": v.kind(), "value": v.text()});
    if let Some(id) = org_id {
        b["org_id"] = json!(id);
    }
    id_of(&post_ok(c, "api/v1/exposure/assets", &b).await?["id"])
}

async fn review(cert: &Client, id: i64, verdict: &str) -> Result<()> {
    post_ok(cert, &format!("api/v1/exposure/assets/{id}/{verdict}"), &json!({})).await.map(drop)
}

async fn upload(cert: &Client, source: &str, rows: &[Row]) -> Result<Value> {
    let mut csv = String::from("ip,port,asn,hostname\n");
    for r in rows {
        let asn = if r.asn == 0 { String::new() } else { r.asn.to_string() };
        csv.push_str(&format!("{},443,{asn},{}\n", ip_text(r.ip), r.host.unwrap_or("")));
    }
    let path = format!("api/v1/exposure/sources/{source}/imports?filename={source}.csv");
    body(&cert.request_raw(reqwest::Method::POST, &path, csv.into_bytes()).await?, &path)
}

/// Builds the world through the API, as its users would.
async fn build(s: &TestServer, w: &World) -> Result<Built> {
    let cert = s.admin();
    let host_id = id_of(&get_ok(&cert, "api/v1/exposure/settings").await?["org_id"])?;
    let mut org_ids = vec![host_id];
    let host = get_ok(&cert, &format!("organisations/view/{host_id}")).await?;
    let mut org_names = vec![host["Organisation"]["name"].as_str().context("host name")?.to_string()];
    for i in 1..w.orgs.len() {
        let name = format!("Org {i}");
        let o = post_ok(&cert, "admin/organisations/add", &json!({"name": name})).await?;
        org_ids.push(id_of(&o["Organisation"]["id"])?);
        org_names.push(name);
    }

    // Users: an org admin, a user, a read-only user and the org admin's
    // read-only key in every organisation; the site admin and their
    // read-only key in the host organisation.
    let mut users = vec![
        Who { label: "site admin".into(), client: cert.clone(), org: 0, cert: true },
        Who { label: "site admin, read-only key".into(), client: read_only_key(s, &cert).await?, org: 0, cert: false },
    ];
    let mut admins = Vec::new();
    for (i, &org_id) in org_ids.iter().enumerate() {
        let admin = add_user(s, org_id, &format!("admin@org{i}.example"), 2).await?;
        let ro_key = read_only_key(s, &admin).await?;
        users.push(Who { label: format!("org {i} admin"), client: admin.clone(), org: i, cert: i == 0 });
        users.push(Who { label: format!("org {i} admin, read-only key"), client: ro_key, org: i, cert: false });
        users.push(Who {
            label: format!("org {i} user"),
            client: add_user(s, org_id, &format!("user@org{i}.example"), 3).await?,
            org: i,
            cert: false,
        });
        users.push(Who {
            label: format!("org {i} read-only user"),
            client: add_user(s, org_id, &format!("ro@org{i}.example"), 6).await?,
            org: i,
            cert: false,
        });
        admins.push(admin);
    }

    // A webhook contact per organisation, each with its own receiver.
    let mut receivers = Vec::new();
    let mut contacts = BTreeMap::new();
    for (i, admin) in admins.iter().enumerate() {
        let (r, url) = Receiver::start().await;
        let c = post_ok(admin, "api/v1/exposure/contacts", &json!({"channel": "webhook", "address": url})).await?;
        contacts.insert(id_of(&c["id"])?, i);
        receivers.push(r);
    }

    let mapping = json!({"report_type": KIND, "ip": "ip", "port": "port", "asn": "asn", "hostname": "hostname"});
    for name in SOURCES {
        let b = json!({"name": name, "format": "csv", "default_severity": "critical", "mapping": mapping});
        post_ok(&cert, "api/v1/exposure/sources", &b).await?;
    }

    // Registrations as they stand at the first import.
    let mut assets = BTreeMap::new();
    let mut later = Vec::new();
    for (i, o) in w.orgs.iter().enumerate() {
        for &(v, life) in &o.assets {
            let by_org = i != 0 && matches!(life, Life::Pending | Life::Rejected | Life::ApprovedLater);
            let id = match life {
                Life::AddedLater => {
                    later.push((i, v, life, 0));
                    continue;
                }
                _ if by_org => register(&admins[i], v, None).await?,
                _ => register(&cert, v, Some(org_ids[i])).await?,
            };
            assets.insert(id, i);
            // The host organisation's registrations are approved at once:
            // one that must not count at the first import is rejected.
            if life == Life::Rejected || (life == Life::ApprovedLater && !by_org) {
                review(&cert, id, "reject").await?;
            }
            if matches!(life, Life::ApprovedLater | Life::RejectedLater) {
                later.push((i, v, life, id));
            }
        }
        if o.covered[0] {
            put_settings(&admins[i], &json!({"notify_covered_customers": true})).await?;
        }
    }
    let mut suppressions = BTreeMap::new();
    for (i, o) in w.orgs.iter().enumerate() {
        if let Some((net, len)) = o.suppression {
            let b = json!({"cidr": format!("{}/{len}", ip_text(net)), "reason": "our honeypot"});
            let sup = post_ok(&admins[i], "api/v1/exposure/suppressions", &b).await?;
            suppressions.insert(id_of(&sup["id"])?, i);
        }
    }
    if let Some((net, len)) = w.ignore {
        post_ok(&cert, "api/v1/exposure/ignore", &json!({"cidr": format!("{}/{len}", ip_text(net)), "reason": "our scanner"})).await?;
    }

    // No pause: the changes below come within the same second as the
    // import, and the matcher must still see every one of them.
    upload(&cert, SOURCES[0], &w.rows[0]).await?;

    // Between the imports: reviews, late registrations, changed flags.
    for (i, v, life, id) in later {
        match life {
            Life::ApprovedLater => review(&cert, id, "approve").await?,
            Life::RejectedLater => review(&cert, id, "reject").await?,
            _ => {
                assets.insert(register(&cert, v, Some(org_ids[i])).await?, i);
            }
        }
    }
    for (i, o) in w.orgs.iter().enumerate() {
        if o.covered[1] != o.covered[0] {
            put_settings(&admins[i], &json!({"notify_covered_customers": o.covered[1]})).await?;
        }
    }

    upload(&cert, SOURCES[1], &w.rows[1]).await?;

    // Send every notice queued by the imports.
    let webhooks = sender(WebhookPolicy::AllowPrivate);
    while deliver_due(s.core(), &webhooks).await? > 0 {}

    Ok(Built { org_ids, org_names, users, receivers, assets, contacts, suppressions })
}

async fn put_settings(c: &Client, b: &Value) -> Result<Value> {
    body(&c.put("api/v1/exposure/settings", b).await?, "settings")
}

// ---- the checks ------------------------------------------------------------

/// A finding as the CERT's list shows it: (organisation index, import, address).
type Key = (usize, usize, u32);

/// Checks the CERT's complete view against the reference; returns every
/// finding id with its key.
async fn all_findings(s: &TestServer, w: &World, b: &Built, e: &Expected) -> Result<BTreeMap<i64, Key>> {
    let cert = s.admin();
    let all = list(&get_ok(&cert, "api/v1/exposure/findings?limit=10000").await?, "findings")?;
    let mut out = BTreeMap::new();
    for f in &all {
        let org = b.org_ids.iter().position(|&id| Some(id) == f["org_id"].as_i64()).with_context(|| format!("unknown org: {f}"))?;
        let phase = SOURCES.iter().position(|s| f["source"] == *s).with_context(|| format!("unknown source: {f}"))?;
        let ip: Ipv4Addr = f["ip"].as_str().context("ip")?.parse()?;
        ensure!(f["kind"] == KIND && f["state"] == "new" && f["severity"] == "critical", "unexpected finding {f}");
        ensure!(out.insert(id_of(&f["id"])?, (org, phase, u32::from(ip))).is_none(), "finding listed twice: {f}");
    }
    let got: BTreeSet<Key> = out.values().copied().collect();
    ensure!(got.len() == out.len(), "two findings with one (organisation, source, address): {all:?}");
    if got != e.findings {
        let show =
            |set: &BTreeSet<Key>| set.iter().map(|(o, p, ip)| format!("org {o} {} {}", SOURCES[*p], ip_text(*ip))).collect::<Vec<_>>();
        bail!(
            "the findings differ from the reference\n missing: {:?}\n extra:   {:?}\n world: {w:#?}",
            show(&e.findings.difference(&got).copied().collect()),
            show(&got.difference(&e.findings).copied().collect()),
        );
    }

    // The CERT's other views of the same data.
    let unmatched = list(&get_ok(&cert, "api/v1/exposure/unmatched?limit=10000").await?, "unmatched")?;
    let sources = list(&get_ok(&cert, "api/v1/exposure/sources").await?, "sources")?;
    let source_ids: Vec<Value> = SOURCES
        .iter()
        .map(|n| sources.iter().find(|s| s["name"] == *n).map(|s| s["id"].clone()))
        .collect::<Option<_>>()
        .context("sources")?;
    let mut got_unmatched = BTreeSet::new();
    for u in &unmatched {
        let phase = source_ids.iter().position(|id| *id == u["source_id"]).context("unmatched source")?;
        got_unmatched.insert((phase, u32::from(u["ip"].as_str().context("ip")?.parse::<Ipv4Addr>()?)));
    }
    ensure!(got_unmatched == e.unmatched, "unmatched: got {got_unmatched:?}, expected {:?}", e.unmatched);
    let stats = get_ok(&cert, "api/v1/exposure/stats").await?;
    let by_org: BTreeMap<String, i64> = list(&stats["by_organisation"], "stats")?
        .iter()
        .map(|g| (g["group"].as_str().unwrap_or_default().to_string(), g["open"].as_i64().unwrap_or(-1)))
        .collect();
    let mut expected_by_org = BTreeMap::new();
    for (o, _, _) in &e.findings {
        *expected_by_org.entry(b.org_names[*o].clone()).or_insert(0) += 1;
    }
    ensure!(by_org == expected_by_org, "stats by organisation: got {by_org:?}, expected {expected_by_org:?}");
    Ok(out)
}

/// Webhook notices: each organisation's receiver got exactly its own findings.
fn check_notices(b: &Built, findings: &BTreeMap<i64, Key>) -> Result<()> {
    for (o, r) in b.receivers.iter().enumerate() {
        let mut got = BTreeSet::new();
        for notice in r.bodies() {
            ensure!(notice["organisation"] == b.org_names[o].as_str(), "org {o}'s receiver got a notice for {}", notice["organisation"]);
            for f in list(&notice["findings"], "notice")? {
                ensure!(got.insert(id_of(&f["id"])?), "finding told twice to org {o}: {f}");
            }
        }
        let own: BTreeSet<i64> = findings.iter().filter(|(_, k)| k.0 == o).map(|(id, _)| *id).collect();
        ensure!(got == own, "org {o}'s webhook got findings {got:?}, its own are {own:?}");
    }
    Ok(())
}

/// The finding ids in a CSV export (first column).
fn csv_ids(r: &Reply, what: &str) -> Result<BTreeSet<i64>> {
    ensure!(r.status == 200, "{what}: {} {}", r.status, r.text);
    let mut lines = r.text.lines();
    ensure!(lines.next().is_some_and(|h| h.starts_with("id,source,kind,asset,ip")), "{what}: {}", r.text);
    lines.map(|l| l.split(',').next().unwrap_or("").parse::<i64>().with_context(|| format!("{what}: {l}"))).collect()
}

/// Everything one user reads.
async fn check_user(u: &Who, w: &World, b: &Built, findings: &BTreeMap<i64, Key>, deliveries: &[Value]) -> Result<()> {
    let c = &u.client;
    let who = &u.label;
    let n = b.org_ids.len();
    let of_org = |o: usize| -> BTreeSet<i64> { findings.iter().filter(|(_, k)| k.0 == o).map(|(id, _)| *id).collect() };
    let visible: BTreeSet<i64> = if u.cert { findings.keys().copied().collect() } else { of_org(u.org) };
    let may_name = |o: usize| u.cert || o == u.org;

    // The list, as JSON and CSV, with its count header.
    let r = c.get("api/v1/exposure/findings").await?;
    let got = ids(&list(&body(&r, "findings")?, "findings")?)?;
    ensure!(got == visible, "{who}: findings {got:?}, expected {visible:?}");
    ensure!(r.header("x-result-count") == Some(visible.len().to_string()), "{who}: x-result-count {:?}", r.header("x-result-count"));
    let got = csv_ids(&c.get("api/v1/exposure/findings?format=csv").await?, who)?;
    ensure!(got == visible, "{who}: CSV findings {got:?}, expected {visible:?}");

    // Filters narrow one's own findings and never widen them.
    for q in ["state=new", "state=new,seen_again,reopened&severity=critical", "kind=open-service", "severity=info&since=0"] {
        let got = ids(&list(&get_ok(c, &format!("api/v1/exposure/findings?{q}")).await?, q)?)?;
        ensure!(got == visible, "{who}: findings?{q} {got:?}, expected {visible:?}");
    }
    for q in ["state=resolved", "kind=another-kind"] {
        let got = list(&get_ok(c, &format!("api/v1/exposure/findings?{q}")).await?, q)?;
        ensure!(got.is_empty(), "{who}: findings?{q} {got:?}");
    }
    for (phase, source) in SOURCES.iter().enumerate() {
        let want: BTreeSet<i64> = visible.iter().copied().filter(|id| findings[id].1 == phase).collect();
        let got = ids(&list(&get_ok(c, &format!("api/v1/exposure/findings?source={source}")).await?, source)?)?;
        ensure!(got == want, "{who}: findings?source={source} {got:?}, expected {want:?}");
        let got = csv_ids(&c.get(&format!("api/v1/exposure/findings?source={source}&format=csv")).await?, who)?;
        ensure!(got == want, "{who}: CSV findings?source={source} {got:?}, expected {want:?}");
    }
    // Paging through it in small pages.
    let mut paged = BTreeSet::new();
    let mut after = 0;
    loop {
        let page = list(&get_ok(c, &format!("api/v1/exposure/findings?limit=2&after_id={after}")).await?, "page")?;
        let Some(last) = page.last() else { break };
        after = id_of(&last["id"])?;
        for id in ids(&page)? {
            ensure!(paged.insert(id), "{who}: finding {id} on two pages");
        }
    }
    ensure!(paged == visible, "{who}: paged findings {paged:?}, expected {visible:?}");

    // Naming an organisation: one's own, any for the CERT, else 403.
    for o in 0..n {
        let org_id = b.org_ids[o];
        for format in ["json", "csv"] {
            let path = format!("api/v1/exposure/findings?org_id={org_id}&format={format}");
            let r = c.get(&path).await?;
            if may_name(o) {
                let got = if format == "csv" { csv_ids(&r, &path)? } else { ids(&list(&body(&r, &path)?, &path)?)? };
                ensure!(got == of_org(o), "{who}: {path} {got:?}, expected {:?}", of_org(o));
            } else {
                ensure!(r.status == 403, "{who}: {path} answered {} {}", r.status, r.text);
            }
        }
    }
    let r = c.get("api/v1/exposure/findings?org_id=999999").await?;
    if u.cert {
        ensure!(list(&body(&r, "org_id=999999")?, "org_id=999999")?.is_empty(), "{who}: findings of no organisation: {}", r.text);
    } else {
        ensure!(r.status == 403, "{who}: findings?org_id=999999 answered {} {}", r.status, r.text);
    }

    // Every finding by id: one's own (all for the CERT), else 404.
    let past_end = findings.keys().last().copied().unwrap_or(0) + 1;
    for id in findings.keys().copied().chain([past_end]) {
        let r = c.get(&format!("api/v1/exposure/findings/{id}")).await?;
        if visible.contains(&id) {
            let f = body(&r, "finding")?;
            ensure!(f["org_id"] == b.org_ids[findings[&id].0], "{who}: finding {id} shows org {}", f["org_id"]);
        } else {
            ensure!(r.status == 404, "{who}: finding {id} of another organisation answered {} {}", r.status, r.text);
        }
    }

    // Assets: list, by organisation, by id.
    let own_assets = |o: usize| -> BTreeSet<i64> { b.assets.iter().filter(|(_, org)| **org == o).map(|(id, _)| *id).collect() };
    let visible_assets: BTreeSet<i64> = if u.cert { b.assets.keys().copied().collect() } else { own_assets(u.org) };
    let got = ids(&list(&get_ok(c, "api/v1/exposure/assets").await?, "assets")?)?;
    ensure!(got == visible_assets, "{who}: assets {got:?}, expected {visible_assets:?}");
    for o in 0..n {
        let path = format!("api/v1/exposure/assets?org_id={}", b.org_ids[o]);
        let r = c.get(&path).await?;
        if may_name(o) {
            let got = ids(&list(&body(&r, &path)?, &path)?)?;
            ensure!(got == own_assets(o), "{who}: {path} {got:?}, expected {:?}", own_assets(o));
        } else {
            ensure!(r.status == 403, "{who}: {path} answered {} {}", r.status, r.text);
        }
    }
    let past_end = b.assets.keys().last().copied().unwrap_or(0) + 1;
    for id in b.assets.keys().copied().chain([past_end]) {
        let r = c.get(&format!("api/v1/exposure/assets/{id}")).await?;
        if visible_assets.contains(&id) {
            let a = body(&r, "asset")?;
            ensure!(a["org_id"] == b.org_ids[b.assets[&id]], "{who}: asset {id} shows org {}", a["org_id"]);
        } else {
            ensure!(r.status == 404, "{who}: asset {id} of another organisation answered {} {}", r.status, r.text);
        }
    }

    // Per-organisation settings, contacts and suppressions: one's own
    // without org_id (the CERT's too), another's only for the CERT.
    let of = |m: &BTreeMap<i64, usize>, o: usize| -> BTreeSet<i64> { m.iter().filter(|(_, org)| **org == o).map(|(id, _)| *id).collect() };
    for o in (0..n).map(Some).chain([None]) {
        let (target, query) = match o {
            Some(o) => (o, format!("?org_id={}", b.org_ids[o])),
            None => (u.org, String::new()),
        };
        if !may_name(target) {
            for what in ["settings", "contacts", "suppressions"] {
                let path = format!("api/v1/exposure/{what}{query}");
                let st = status(c, &path).await?;
                ensure!(st == 403, "{who}: {path} answered {st}");
            }
            continue;
        }
        let settings = get_ok(c, &format!("api/v1/exposure/settings{query}")).await?;
        ensure!(settings["org_id"] == b.org_ids[target], "{who}: settings{query} of org {}", settings["org_id"]);
        ensure!(settings["notify_covered_customers"] == w.orgs[target].covered[1], "{who}: settings{query}: {settings}");
        let got = ids(&list(&get_ok(c, &format!("api/v1/exposure/contacts{query}")).await?, "contacts")?)?;
        ensure!(got == of(&b.contacts, target), "{who}: contacts{query} {got:?}");
        let got = ids(&list(&get_ok(c, &format!("api/v1/exposure/suppressions{query}")).await?, "suppressions")?)?;
        ensure!(got == of(&b.suppressions, target), "{who}: suppressions{query} {got:?}");
    }

    // Deliveries: one's own, all for the CERT.
    let want: BTreeSet<i64> =
        deliveries.iter().filter(|d| u.cert || d["org_id"] == b.org_ids[u.org]).map(|d| id_of(&d["id"])).collect::<Result<_>>()?;
    let got = ids(&list(&get_ok(c, "api/v1/exposure/deliveries?limit=1000").await?, "deliveries")?)?;
    ensure!(got == want, "{who}: deliveries {got:?}, expected {want:?}");
    let got = ids(&list(&get_ok(c, "api/v1/exposure/deliveries?status=sent&limit=1000").await?, "deliveries")?)?;
    ensure!(got == want, "{who}: sent deliveries {got:?}, expected {want:?}");

    // The CERT's own views.
    for path in ["stats", "unmatched", "imports", "imports/1", "overlaps", "ignore", "sources", "sources/feed1"] {
        let st = status(c, &format!("api/v1/exposure/{path}")).await?;
        let want = if u.cert { 200 } else { 403 };
        ensure!(st == want, "{who}: {path} answered {st}, expected {want}");
    }
    Ok(())
}

async fn run(s: &TestServer, w: &World) -> Result<()> {
    let b = build(s, w).await?;
    let e = reference(w);
    let findings = all_findings(s, w, &b, &e).await?;
    check_notices(&b, &findings)?;

    // One critical notice per organisation and import that found something.
    let deliveries = list(&get_ok(&s.admin(), "api/v1/exposure/deliveries?limit=1000").await?, "deliveries")?;
    let mut got: Vec<(i64, i64)> =
        deliveries.iter().map(|d| (d["org_id"].as_i64().unwrap_or(0), d["findings"].as_i64().unwrap_or(0))).collect();
    got.sort_unstable();
    let mut per: BTreeMap<(usize, usize), i64> = BTreeMap::new();
    for (o, p, _) in &e.findings {
        *per.entry((*p, *o)).or_insert(0) += 1;
    }
    let mut want: Vec<(i64, i64)> = per.iter().map(|((_, o), n)| (b.org_ids[*o], *n)).collect();
    want.sort_unstable();
    ensure!(got == want, "deliveries (org, findings): got {got:?}, expected {want:?}");

    // The users read at the same time, as they would.
    futures::future::try_join_all(b.users.iter().map(|u| check_user(u, w, &b, &findings, &deliveries))).await?;
    // Without a key: nothing.
    let anon = s.client("");
    for path in ["findings", "findings?format=csv", "assets", "settings", "contacts", "suppressions", "deliveries", "stats"] {
        let st = status(&anon, &format!("api/v1/exposure/{path}")).await?;
        ensure!(st == 403, "without a key, {path} answered {st}");
    }
    Ok(())
}

async fn check_world(w: World) -> Result<(), TestCaseError> {
    let s = TestServer::start().await.map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
    // Stop the server (and drop its PostgreSQL database) whatever happens.
    let outcome = AssertUnwindSafe(run(&s, &w)).catch_unwind().await;
    let stopped = s.stop().await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(TestCaseError::fail(format!("{e:#}"))),
        Err(panic) => std::panic::resume_unwind(panic),
    }
    stopped.map_err(|e| TestCaseError::fail(format!("{e:#}")))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

proptest! {
    // Each case starts a server and makes a few thousand requests; a
    // failure shrinks for a bounded time.
    #![proptest_config(ProptestConfig { cases: 6, max_shrink_iters: 64, max_shrink_time: 30_000, ..ProptestConfig::default() })]

    #[test]
    fn every_read_path_shows_each_organisation_its_own(w in world()) {
        runtime().block_on(check_world(w))?;
    }
}

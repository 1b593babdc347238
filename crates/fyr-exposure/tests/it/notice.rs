//! Rendering: golden checks on a sample, hostile values, CSV, webhook JSON.

use std::net::{IpAddr, Ipv4Addr};

use fyr_exposure::advice::{self, Language};
use fyr_exposure::notice::{
    CSV_FIXED_COLUMNS, FindingState, FindingView, LISTED_PER_GROUP, NoticeContext, NoticeKind, Severity, email, webhook_payload,
};
use proptest::prelude::*;
use serde_json::Value;

/// 2026-03-29T12:00:00Z, the day summer time starts (01:00 UTC).
const GENERATED: i64 = 1_774_785_600;
/// 2026-03-29T00:30:00Z: 01:30 in Stockholm, still winter time.
const BEFORE_SPRING: i64 = 1_774_744_200;
/// 2026-03-29T01:30:00Z: 03:30 in Stockholm, summer time.
const AFTER_SPRING: i64 = 1_774_747_800;
/// 2026-10-25T00:30:00Z: 02:30 in Stockholm, still summer time.
const BEFORE_AUTUMN: i64 = 1_792_888_200;
/// 2026-10-25T01:30:00Z: 02:30 in Stockholm again, winter time.
const AFTER_AUTUMN: i64 = 1_792_891_800;
/// 2026-03-27T03:00:00Z.
const MARCH_27: i64 = 1_774_580_400;

pub(crate) fn ctx(language: Language, kind: NoticeKind) -> NoticeContext {
    NoticeContext {
        org_name: "Exempelkommun".to_owned(),
        language,
        kind,
        generated_at: GENERATED,
        preferences_url: "https://fyr.example/prefs".to_owned(),
        unsubscribe_url: "https://fyr.example/unsub?t=a&b".to_owned(),
        sender_name: "CERT-SE via fyr".to_owned(),
        omitted: None,
    }
}

pub(crate) fn finding(id: i64, report_type: &str, severity: Severity, state: FindingState, ip: &str, port: Option<u16>) -> FindingView {
    FindingView {
        id,
        report_type: report_type.to_owned(),
        report_name: format!("Name-of-{report_type}"),
        severity,
        state,
        ip: ip.parse().ok(),
        port,
        protocol: port.map(|_| "tcp".to_owned()),
        hostname: None,
        asn: Some(64500),
        first_seen: MARCH_27,
        last_seen: BEFORE_SPRING,
        count: 1,
        source_name: "shadowserver".to_owned(),
        tlp: "TLP:AMBER".to_owned(),
        details: Vec::new(),
    }
}

/// Exchange (critical, new), RDP over IPv4 (high, new) and IPv6 (high, seen
/// again), an unknown type (low, new), and Telnet (resolved).
pub(crate) fn sample() -> Vec<FindingView> {
    let mut rdp = finding(1, "scan_rdp", Severity::High, FindingState::New, "192.0.2.10", Some(3389));
    rdp.hostname = Some("rdp.exempel.se".to_owned());
    rdp.report_name = "Accessible-RDP".to_owned();
    rdp.count = 3;
    let mut exchange = finding(2, "scan_exchange", Severity::Critical, FindingState::New, "192.0.2.20", Some(443));
    exchange.last_seen = AFTER_SPRING;
    let mut rdp6 = finding(3, "scan6_rdp", Severity::High, FindingState::SeenAgain, "2001:db8::5", Some(3389));
    rdp6.report_name = "IPv6-Accessible-RDP".to_owned();
    rdp6.count = 7;
    let telnet = finding(4, "scan_telnet", Severity::Medium, FindingState::Resolved, "192.0.2.7", Some(23));
    let special = finding(5, "special", Severity::Low, FindingState::New, "192.0.2.30", None);
    vec![telnet, special, rdp6, rdp, exchange]
}

fn position(haystack: &str, needle: &str) -> usize {
    haystack.find(needle).unwrap_or_else(|| panic!("{needle:?} not found in:\n{haystack}"))
}

#[test]
fn subject_lines() {
    let findings = sample();
    assert_eq!(
        email(&ctx(Language::Sv, NoticeKind::Digest), &findings).subject,
        "[TLP:AMBER] fyr: 3 nya och 1 kvarstående säkerhetsproblem på era adresser (1 kritiskt)"
    );
    assert_eq!(
        email(&ctx(Language::En, NoticeKind::Digest), &findings).subject,
        "[TLP:AMBER] fyr: 3 new and 1 remaining security issues on your addresses (1 critical)"
    );
    let critical: Vec<FindingView> = findings.iter().filter(|f| f.severity == Severity::Critical).cloned().collect();
    assert_eq!(
        email(&ctx(Language::Sv, NoticeKind::Critical), &critical).subject,
        "[KRITISKT] [TLP:AMBER] fyr: 1 nytt säkerhetsproblem på era adresser (1 kritiskt)"
    );
    assert_eq!(
        email(&ctx(Language::En, NoticeKind::Critical), &critical).subject,
        "[CRITICAL] [TLP:AMBER] fyr: 1 new security issue on your addresses (1 critical)"
    );
    let resolved: Vec<FindingView> = findings.iter().filter(|f| f.state == FindingState::Resolved).cloned().collect();
    assert_eq!(email(&ctx(Language::Sv, NoticeKind::Digest), &resolved).subject, "[TLP:AMBER] fyr: 1 säkerhetsproblem har åtgärdats");
    assert_eq!(email(&ctx(Language::En, NoticeKind::Digest), &resolved).subject, "[TLP:AMBER] fyr: 1 security issue resolved");
    assert_eq!(email(&ctx(Language::Sv, NoticeKind::Digest), &[]).subject, "[TLP:AMBER] fyr: inga säkerhetsproblem på era adresser");
    let seen: Vec<FindingView> = findings.iter().filter(|f| f.state == FindingState::SeenAgain).cloned().collect();
    assert_eq!(
        email(&ctx(Language::En, NoticeKind::Digest), &seen).subject,
        "[TLP:AMBER] fyr: 1 remaining security issue on your addresses"
    );
}

#[test]
fn the_strictest_tlp_marks_the_notice() {
    let mut findings = sample();
    findings[1].tlp = "red".to_owned();
    let mail = email(&ctx(Language::En, NoticeKind::Digest), &findings);
    assert!(mail.subject.starts_with("[TLP:RED] "), "{}", mail.subject);
    assert!(mail.text_body.starts_with("TLP:RED – for the recipients of this message only"), "{}", mail.text_body);
    // Green and clear findings only: the notice is green.
    for f in &mut findings {
        f.tlp = "TLP:GREEN".to_owned();
    }
    findings[0].tlp = "TLP:CLEAR".to_owned();
    assert!(email(&ctx(Language::Sv, NoticeKind::Digest), &findings).subject.starts_with("[TLP:GREEN] "));
    // An unreadable marking counts as amber.
    findings[0].tlp = "<b>purple</b>".to_owned();
    assert!(email(&ctx(Language::Sv, NoticeKind::Digest), &findings).subject.starts_with("[TLP:AMBER] "));
}

#[test]
fn swedish_text_golden_checks() {
    let mail = email(&ctx(Language::Sv, NoticeKind::Digest), &sample());
    let text = &mail.text_body;
    assert!(
        text.starts_with(
            "TLP:AMBER – dela bara inom er organisation och med kunder eller leverantörer som behöver uppgifterna för att åtgärda problemen.\n"
        ),
        "{text}"
    );
    assert!(text.contains("Till: Exempelkommun\nFrån: CERT-SE via fyr\nSkapat: 2026-03-29 12:00 UTC (14:00 svensk tid)\n"), "{text}");
    assert!(text.contains(
        "Vi har sett 3 nya och 1 kvarstående säkerhetsproblem på adresser som ni har registrerat hos oss. 1 problem har åtgärdats sedan förra meddelandet."
    ));

    // Groups, most severe first: Exchange (critical), RDP (high, two
    // addresses over IPv4 and IPv6), the generic group (low).
    let exchange =
        position(text, "1. E-postserver (Exchange) saknar viktiga säkerhetsuppdateringar\nAllvarlighetsgrad: Kritisk – åtgärda i dag\n");
    let rdp = position(text, "2. Öppen RDP-tjänst nåbar från internet\nAllvarlighetsgrad: Hög – åtgärda inom några dagar\n");
    let generic = position(text, "3. Säkerhetsproblem på en av era adresser\nAllvarlighetsgrad: Låg – åtgärda när det passar\n");
    let resolved = position(text, "Åtgärdat (1)\nDe här problemen syns inte längre. Bra gjort!\n");
    assert!(exchange < rdp && rdp < generic && generic < resolved);
    assert!(text.contains("Rapport: Accessible-RDP (scan_rdp), IPv6-Accessible-RDP (scan6_rdp)\n"), "{text}");

    // The addresses, with state, count and times in UTC and Swedish time
    // on both sides of the spring switch.
    assert!(text.contains("Era adresser (2):\n"));
    assert!(text.contains(
        "  - 192.0.2.10:3389/tcp (rdp.exempel.se) – ny – sedd 3 gånger, först 2026-03-27 03:00 UTC (04:00 svensk tid), senast 2026-03-29 00:30 UTC (01:30 svensk tid)\n"
    ), "{text}");
    assert!(text.contains("  - [2001:db8::5]:3389/tcp – kvarstår – sedd 7 gånger, först"), "{text}");
    assert!(text.contains("  - 192.0.2.20:443/tcp – ny – sedd 1 gång, först 2026-03-27 03:00 UTC (04:00 svensk tid), senast 2026-03-29 01:30 UTC (03:30 svensk tid)\n"));
    assert!(text.contains("  - 192.0.2.30 – ny – sedd 1 gång"));

    // What to do, numbered, and why.
    let rdp_advice = advice::advice("scan_rdp", Language::Sv);
    let mut steps = String::from("Gör så här:\n");
    for (i, action) in rdp_advice.actions.iter().enumerate() {
        steps.push_str(&format!("  {}. {action}\n", i + 1));
    }
    assert!(text[rdp..generic].contains(&steps), "{text}");
    assert!(text[rdp..generic].contains(&format!("Varför det är viktigt:\n{}\n", rdp_advice.why)));
    assert!(text[rdp..generic].contains(&format!("Vad vi har sett:\n{}\n", rdp_advice.what)));
    assert!(text[rdp..generic].contains("Mer teknisk information (på engelska): https://"));

    // Resolved: briefly, with the advice title.
    assert!(
        text[resolved..]
            .contains("  - Telnet nåbart från internet: 192.0.2.7:23/tcp (senast sedd 2026-03-29 00:30 UTC (01:30 svensk tid))\n"),
        "{text}"
    );

    // Footer.
    assert!(text.contains("\n-- \nDet här meddelandet skickades av CERT-SE via fyr.\n"));
    assert!(text.contains("Ändra vad ni får och hur ofta: https://fyr.example/prefs\n"));
    assert!(text.contains("Avsluta prenumerationen: https://fyr.example/unsub?t=a&b\n"));
}

#[test]
fn english_text_golden_checks() {
    let mail = email(&ctx(Language::En, NoticeKind::Critical), &sample());
    let text = &mail.text_body;
    assert!(text.starts_with("TLP:AMBER – share only within your organisation"), "{text}");
    assert!(text.contains("URGENT: this notice is about critical security issues."));
    assert!(text.contains("Created: 2026-03-29 12:00 UTC (14:00 Swedish time)\n"));
    let exchange = position(text, "1. Mail server (Exchange) lacks important security updates\nSeverity: Critical – act today\n");
    let rdp = position(text, "2. Remote Desktop (RDP) reachable from the internet\nSeverity: High – act within days\n");
    assert!(exchange < rdp);
    assert!(
        text.contains("  - 192.0.2.10:3389/tcp (rdp.exempel.se) – new – seen 3 times, first 2026-03-27 03:00 UTC (04:00 Swedish time)")
    );
    assert!(text.contains("What to do:\n  1. "));
    assert!(text.contains("Resolved (1)\nThese issues are no longer seen. Well done!\n"));
    assert!(text.contains("Unsubscribe: https://fyr.example/unsub?t=a&b\n"));
}

#[test]
fn local_time_around_the_autumn_switch_and_new_year() {
    let mut f = finding(1, "scan_smb", Severity::High, FindingState::New, "192.0.2.1", Some(445));
    f.first_seen = BEFORE_AUTUMN;
    f.last_seen = AFTER_AUTUMN;
    let text = email(&ctx(Language::Sv, NoticeKind::Digest), &[f.clone()]).text_body;
    // Both are 02:30 on the Stockholm clock: 02:30 summer time, then the
    // clock goes back and it is 02:30 again in winter time.
    assert!(text.contains("först 2026-10-25 00:30 UTC (02:30 svensk tid), senast 2026-10-25 01:30 UTC (02:30 svensk tid)"), "{text}");
    // A winter evening whose Swedish date is the next day.
    f.first_seen = 1_798_759_800; // 2026-12-31T23:30:00Z
    f.last_seen = 1_785_540_600; // 2026-07-31T23:30:00Z (summer: +2)
    let text = email(&ctx(Language::En, NoticeKind::Digest), &[f]).text_body;
    assert!(text.contains("first 2026-12-31 23:30 UTC (2027-01-01 00:30 Swedish time)"), "{text}");
    assert!(text.contains("last 2026-07-31 23:30 UTC (2026-08-01 01:30 Swedish time)"), "{text}");
}

#[test]
fn long_groups_are_cut_with_a_pointer_to_the_csv() {
    let total = LISTED_PER_GROUP + 70;
    let findings: Vec<FindingView> = (0..total)
        .map(|i| {
            let ip = Ipv4Addr::from(0xC000_0200_u32 + u32::try_from(i).unwrap());
            finding(i64::try_from(i).unwrap(), "scan_rdp", Severity::High, FindingState::New, &ip.to_string(), Some(3389))
        })
        .collect();
    let mail = email(&ctx(Language::Sv, NoticeKind::Digest), &findings);
    let text = &mail.text_body;
    assert!(text.contains(&format!("Era adresser ({total}):\n")));
    let listed = text.lines().filter(|l| l.starts_with("  - 192.0.2.") || l.starts_with("  - 192.0.3.")).count();
    assert_eq!(listed, LISTED_PER_GROUP);
    assert!(text.contains("  … och 70 till – se den bifogade CSV-filen.\n"), "{text}");
    // The lowest addresses come first.
    assert!(text.contains("  - 192.0.2.0:3389/tcp"));
    assert!(!text.contains("  - 192.0.2.50:3389/tcp"));
    assert_eq!(mail.html_body.matches("<li>192.0.").count(), LISTED_PER_GROUP);
    assert!(mail.html_body.contains("<p>… och 70 till – se den bifogade CSV-filen.</p>"));
    let en = email(&ctx(Language::En, NoticeKind::Digest), &findings).text_body;
    assert!(en.contains("  … and 70 more – see the attached CSV file.\n"));
    // The CSV has them all.
    let rows = csv::Reader::from_reader(mail.csv_attachment.bytes.as_slice()).records().count();
    assert_eq!(rows, total);
}

/// Tags the HTML renderer writes; anything else after `<` is injected.
const OUR_TAGS: [&str; 31] = [
    "!DOCTYPE html>",
    "html lang=",
    "/html>",
    "head>",
    "/head>",
    "meta ",
    "title>",
    "/title>",
    "body ",
    "/body>",
    "p>",
    "p style=",
    "/p>",
    "span style=",
    "/span>",
    "br>",
    "hr>",
    "h2>",
    "/h2>",
    "h3>",
    "/h3>",
    "ul>",
    "/ul>",
    "ol>",
    "/ol>",
    "li>",
    "/li>",
    "strong>",
    "/strong>",
    "a href=\"http",
    "/a>",
];

fn assert_only_our_tags(html: &str) {
    for (at, _) in html.match_indices('<') {
        let rest = &html[at + 1..];
        assert!(OUR_TAGS.iter().any(|t| rest.starts_with(t)), "unexpected markup at {at}: {}", &rest[..rest.len().min(60)]);
    }
}

fn hostile() -> Vec<FindingView> {
    let mut f = finding(1, "scan_http", Severity::Critical, FindingState::New, "192.0.2.66", Some(80));
    f.hostname = Some("<script>alert(1)</script>\r\nSubject: gotcha".to_owned());
    f.report_name = "\"><img src=x onerror=alert(1)>".to_owned();
    f.protocol = Some("tcp<svg onload=alert(1)>".to_owned());
    f.details = vec![("http_host".to_owned(), "<iframe src=//evil>".to_owned())];
    let mut g = finding(2, "<b>type</b>", Severity::Low, FindingState::New, "", None);
    g.hostname = Some("x\u{202E}gpj.exe".to_owned());
    vec![f, g]
}

#[test]
fn html_escapes_every_value_and_loads_nothing() {
    let mut context = ctx(Language::Sv, NoticeKind::Critical);
    context.org_name = "<b>Org & Co</b>".to_owned();
    context.sender_name = "\"CERT\" <x@y>".to_owned();
    context.unsubscribe_url = "javascript:alert(1)".to_owned();
    let mail = email(&context, &hostile());
    let html = &mail.html_body;
    assert_only_our_tags(html);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&lt;b&gt;Org &amp; Co&lt;/b&gt;"));
    assert!(html.contains("&lt;b&gt;type&lt;/b&gt;"));
    assert!(!html.contains("href=\"javascript"), "only web links are links");
    assert!(html.contains("Avsluta prenumerationen: javascript:alert(1)"));
    assert!(html.contains("<a href=\"https://fyr.example/prefs\">https://fyr.example/prefs</a>"));
    for loader in ["<img", "<script", "<iframe", "<svg", "<link", "<style", "url(", "@import"] {
        assert!(!html.contains(loader), "{loader} in {html}");
    }
    assert!(!html.contains('\u{202E}'), "bidi override must not reach the reader");

    // The text body: no injected line, no bidi override.
    let text = &mail.text_body;
    assert!(!text.lines().any(|l| l.starts_with("Subject:")), "{text}");
    assert!(text.contains("<script>alert(1)</script>\u{FFFD}\u{FFFD}Subject: gotcha"));
    assert!(!text.contains('\u{202E}'));
    // The subject holds no value from the findings.
    assert!(!mail.subject.contains(['\r', '\n', '<']), "{}", mail.subject);
}

#[test]
fn csv_round_trips_and_neutralises_formulas() {
    let mut a = finding(1, "scan_rdp", Severity::High, FindingState::New, "192.0.2.10", Some(3389));
    a.hostname = Some("=HYPERLINK(\"http://evil.example\",\"klicka\")".to_owned());
    a.details = vec![
        ("tag".to_owned(), "rdp,\"quoted\"\nnext line".to_owned()),
        ("ip".to_owned(), "192.0.2.10".to_owned()),
        ("plus".to_owned(), "+46 8 123".to_owned()),
        ("minus".to_owned(), "-2".to_owned()),
        ("at".to_owned(), "@SUM(A1:A9)".to_owned()),
        ("tab".to_owned(), "\t=1".to_owned()),
        ("cr".to_owned(), "\r=1".to_owned()),
        ("tag".to_owned(), "later value wins".to_owned()),
    ];
    let mut b = finding(2, "scan6_smb", Severity::Medium, FindingState::Resolved, "2001:db8::1", None);
    b.details = vec![("åäö".to_owned(), "räksmörgås".to_owned()), ("=key".to_owned(), "x".to_owned())];
    b.first_seen = i64::MAX;
    let mail = email(&ctx(Language::Sv, NoticeKind::Digest), &[b, a]);
    let attachment = &mail.csv_attachment;
    assert_eq!(attachment.filename, "fyr-exposure-20260329T1200Z.csv");
    assert_eq!(attachment.content_type, "text/csv; charset=utf-8");
    assert!(attachment.bytes.starts_with(b"\xEF\xBB\xBF"), "a UTF-8 byte-order mark for Excel");
    assert!(String::from_utf8_lossy(&attachment.bytes).contains("\r\n"), "RFC 4180 line ends");

    let mut reader = csv::Reader::from_reader(attachment.bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let mut expected: Vec<String> = CSV_FIXED_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    // Sorted detail keys; `ip` collides with a fixed column; `=key` is neutralised.
    expected.extend(["'=key", "at", "cr", "detail:ip", "minus", "plus", "tab", "tag", "åäö"].map(str::to_owned));
    assert_eq!(header, expected);

    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    assert_eq!(rows.len(), 2);
    let col = |row: &Vec<String>, name: &str| row[expected.iter().position(|c| c == name).unwrap()].clone();
    // The open finding first, the resolved one after.
    let (a, b) = (&rows[0], &rows[1]);
    assert_eq!(col(a, "report_type"), "scan_rdp");
    assert_eq!(col(a, "severity"), "high");
    assert_eq!(col(a, "state"), "new");
    assert_eq!(col(a, "ip"), "192.0.2.10");
    assert_eq!(col(a, "port"), "3389");
    assert_eq!(col(a, "protocol"), "tcp");
    assert_eq!(col(a, "asn"), "64500");
    assert_eq!(col(a, "first_seen"), "2026-03-27T03:00:00Z");
    assert_eq!(col(a, "last_seen"), "2026-03-29T00:30:00Z");
    assert_eq!(col(a, "count"), "1");
    assert_eq!(col(a, "hostname"), "'=HYPERLINK(\"http://evil.example\",\"klicka\")");
    assert_eq!(col(a, "tag"), "later value wins");
    assert_eq!(col(a, "detail:ip"), "192.0.2.10");
    assert_eq!(col(a, "plus"), "'+46 8 123");
    assert_eq!(col(a, "minus"), "'-2");
    assert_eq!(col(a, "at"), "'@SUM(A1:A9)");
    assert_eq!(col(a, "tab"), "'\t=1");
    assert_eq!(col(a, "cr"), "'\r=1");
    assert_eq!(col(a, "åäö"), "");
    assert_eq!(col(b, "state"), "resolved");
    assert_eq!(col(b, "ip"), "2001:db8::1");
    assert_eq!(col(b, "port"), "");
    assert_eq!(col(b, "åäö"), "räksmörgås");
    assert_eq!(col(b, "'=key"), "x");
    assert_eq!(col(b, "first_seen"), i64::MAX.to_string(), "a time RFC 3339 cannot hold stays a number");

    // Quoting survives a value with a comma, quotes and a new line.
    let mut c = finding(3, "scan_ftp", Severity::Low, FindingState::New, "192.0.2.3", Some(21));
    c.details = vec![("banner".to_owned(), "a,\"b\"\r\nc".to_owned())];
    let mail = email(&ctx(Language::En, NoticeKind::Digest), &[c]);
    let mut reader = csv::Reader::from_reader(mail.csv_attachment.bytes.as_slice());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(row.get(CSV_FIXED_COLUMNS.len()), Some("a,\"b\"\r\nc"));
}

#[test]
fn webhook_shape() {
    let context = ctx(Language::Sv, NoticeKind::Digest);
    let v = webhook_payload(&context, &sample());
    let top: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        top,
        ["type", "version", "organisation", "language", "sender", "generated_at", "tlp", "summary", "findings", "links", "omitted"]
    );
    assert_eq!(v["omitted"], Value::Null, "nothing left out");
    assert_eq!(v["type"], "fyr.exposure.digest");
    assert_eq!(v["version"], 1);
    assert_eq!(v["organisation"], "Exempelkommun");
    assert_eq!(v["language"], "sv");
    assert_eq!(v["generated_at"], "2026-03-29T12:00:00Z");
    assert_eq!(v["tlp"], "TLP:AMBER");
    assert_eq!(v["summary"], serde_json::json!({"new": 3, "reopened": 0, "seen_again": 1, "resolved": 1, "critical": 1}));
    assert_eq!(v["links"]["unsubscribe"], "https://fyr.example/unsub?t=a&b");

    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 5);
    let ids: Vec<i64> = findings.iter().map(|f| f["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [2, 1, 3, 5, 4], "the e-mail's order: critical group, RDP group, generic, resolved");
    let keys: Vec<&str> = findings[0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "report_type",
            "report_name",
            "severity",
            "state",
            "ip",
            "port",
            "protocol",
            "hostname",
            "asn",
            "first_seen",
            "last_seen",
            "count",
            "source",
            "tlp",
            "advice",
            "details"
        ]
    );
    let rdp6 = &findings[2];
    assert_eq!(rdp6["report_type"], "scan6_rdp");
    assert_eq!(rdp6["severity"], "high");
    assert_eq!(rdp6["state"], "seen_again");
    assert_eq!(rdp6["ip"], "2001:db8::5");
    assert_eq!(rdp6["port"], 3389);
    assert_eq!(rdp6["hostname"], Value::Null);
    assert_eq!(rdp6["asn"], 64500);
    assert_eq!(rdp6["first_seen"], "2026-03-27T03:00:00Z");
    assert_eq!(rdp6["count"], 7);
    assert_eq!(rdp6["source"], "shadowserver");
    assert_eq!(rdp6["advice"]["key"], "scan_rdp");
    assert_eq!(rdp6["advice"]["title"], "Öppen RDP-tjänst nåbar från internet");
    let actions: Vec<&str> = rdp6["advice"]["actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(actions, advice::advice("scan_rdp", Language::Sv).actions);
    assert!(rdp6["advice"]["reference"].as_str().unwrap().starts_with("https://"));
    assert_eq!(findings[3]["advice"]["key"], Value::Null, "generic advice has no key");
    assert_eq!(findings[3]["advice"]["title"], advice::generic(Language::Sv).title);

    let critical = webhook_payload(&ctx(Language::En, NoticeKind::Critical), &sample());
    assert_eq!(critical["type"], "fyr.exposure.critical");
    assert_eq!(critical["findings"][1]["advice"]["title"], "Remote Desktop (RDP) reachable from the internet");
}

#[test]
fn webhook_keeps_raw_values_and_the_last_repeated_detail() {
    let mut f = hostile();
    f[0].details.push(("http_host".to_owned(), "second".to_owned()));
    let v = webhook_payload(&ctx(Language::En, NoticeKind::Digest), &f);
    let first = &v["findings"][0];
    assert_eq!(first["hostname"], "<script>alert(1)</script>\r\nSubject: gotcha");
    assert_eq!(first["details"], serde_json::json!({"http_host": "second"}));
    assert_eq!(v["findings"][1]["ip"], Value::Null);
    assert_eq!(v["findings"][1]["port"], Value::Null);
}

#[test]
fn an_address_falls_back_to_host_or_account() {
    let mut f = finding(1, "compromised_account", Severity::Critical, FindingState::New, "", None);
    f.details = vec![("email".to_owned(), "anna@exempel.se".to_owned())];
    let text = email(&ctx(Language::Sv, NoticeKind::Digest), &[f.clone()]).text_body;
    assert!(text.contains("  - anna@exempel.se – ny – "), "{text}");
    f.hostname = Some("www.exempel.se".to_owned());
    f.port = Some(443);
    f.protocol = Some("tcp".to_owned());
    let text = email(&ctx(Language::Sv, NoticeKind::Digest), &[f.clone()]).text_body;
    assert!(text.contains("  - www.exempel.se:443/tcp – ny – "), "{text}");
    f.hostname = None;
    f.details.clear();
    let text = email(&ctx(Language::En, NoticeKind::Digest), &[f]).text_body;
    assert!(text.contains("  - (no address given) – new – "), "{text}");
}

fn arb_severity() -> impl Strategy<Value = Severity> {
    prop::sample::select(Severity::ALL.to_vec())
}

fn arb_state() -> impl Strategy<Value = FindingState> {
    prop::sample::select(vec![FindingState::New, FindingState::SeenAgain, FindingState::Resolved, FindingState::Reopened])
}

fn arb_finding() -> impl Strategy<Value = FindingView> {
    (
        (any::<i64>(), ".{0,20}", ".{0,20}", arb_severity(), arb_state(), any::<Option<[u8; 4]>>(), any::<Option<u16>>()),
        (any::<Option<String>>(), any::<Option<String>>(), any::<Option<u32>>(), any::<i64>(), any::<i64>(), any::<u64>()),
        (".{0,12}", prop::collection::vec((".{0,8}", ".{0,12}"), 0..4)),
    )
        .prop_map(
            |((id, report_type, report_name, severity, state, ip, port), (protocol, hostname, asn, first, last, count), (tlp, details))| {
                FindingView {
                    id,
                    report_type,
                    report_name,
                    severity,
                    state,
                    ip: ip.map(IpAddr::from),
                    port,
                    protocol,
                    hostname,
                    asn,
                    first_seen: first,
                    last_seen: last,
                    count,
                    source_name: "src".to_owned(),
                    tlp,
                    details,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_input_renders_safely(findings in prop::collection::vec(arb_finding(), 0..8), generated in any::<i64>(), sv in any::<bool>(), org in ".{0,20}") {
        let mut context = ctx(if sv { Language::Sv } else { Language::En }, NoticeKind::Digest);
        context.generated_at = generated;
        context.org_name = org;
        let mail = email(&context, &findings);
        assert_only_our_tags(&mail.html_body);
        prop_assert!(!mail.subject.contains(['\r', '\n']));
        let header_lines = ["Till:", "Från:", "Skapat:", "To:", "From:", "Created:"];
        let injected = mail.text_body.lines().filter(|l| header_lines.iter().any(|h| l.starts_with(h))).count();
        prop_assert_eq!(injected, 3, "values never start a line of their own");

        // The CSV parses back: one row per finding, and no cell starts a formula.
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(mail.csv_attachment.bytes.as_slice());
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        prop_assert_eq!(records.len(), findings.len() + 1);
        for record in &records {
            for cell in record {
                prop_assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{:?}", cell);
            }
        }

        let v = webhook_payload(&context, &findings);
        prop_assert_eq!(v["findings"].as_array().map(Vec::len), Some(findings.len()));
    }
}

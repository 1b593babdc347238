//! Rendering exposure notifications: text in, text out.
//!
//! [`email`] turns an organisation's findings into an e-mail (subject, plain
//! text, HTML and a CSV attachment) in the organisation's language;
//! [`webhook_payload`] turns them into JSON for machines. Neither sends
//! anything, reads a clock or touches a database: the caller passes the
//! time ([`NoticeContext::generated_at`]) and the findings.
//!
//! # What a notice says
//! Open findings (new, seen again, reopened) are grouped by the advice they
//! share ([`crate::advice::advice_key`]: `scan_rdp` and `scan6_rdp` are one
//! group; a type without its own advice is a group of its own), the most
//! severe group first. Each group says what was seen, on which of the
//! organisation's addresses (at most [`LISTED_PER_GROUP`], then "and N more
//! — see the attached CSV"), when (UTC and Swedish local time), how serious
//! it is, what to do, and why it matters. Resolved findings follow, briefly,
//! as good news. The TLP marking is at the top; the footer has the
//! preferences and unsubscribe links.
//!
//! A notice carries at most as many findings as its sender allows. When
//! some were left out ([`NoticeContext::omitted`]), the subject, the text,
//! the HTML and the webhook say how many, and where all of them are (the
//! findings API, as JSON or CSV): they are in neither the notice nor its
//! CSV attachment.
//!
//! # Untrusted values
//! Host names, report names, details and protocols come from the internet.
//! - Text and HTML: control and bidirectional-formatting characters become
//!   U+FFFD and long values are cut at [`MAX_VALUE_CHARS`] characters, so a
//!   value cannot start a new line or reorder the text around it.
//! - HTML: every value is escaped ([`escape_html`]); only `http(s)` links from
//!   the context and the advice become `<a href>`; no external resources.
//! - CSV: RFC 4180 quoting, and every cell that a spreadsheet would read as
//!   a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets
//!   a leading `'` ([`neutralise_formula`]).
//! - The subject holds only counts and the TLP label, never a raw value.
//!
//! # The TLP of a notice
//! The strictest marking among the findings (`TLP:RED` > `TLP:AMBER+STRICT` >
//! `TLP:AMBER` > `TLP:GREEN` > `TLP:CLEAR`; `WHITE` reads as `CLEAR`). An
//! unreadable marking counts as `TLP:AMBER`, as does a notice without
//! findings.
//!
//! # Webhook payload (version 1)
//! ```json
//! {
//!   "type": "fyr.exposure.digest",          // or "fyr.exposure.critical"
//!   "version": 1,
//!   "organisation": "Exempelkommun",
//!   "language": "sv",
//!   "sender": "CERT-SE via fyr",
//!   "generated_at": "2026-03-29T12:00:00Z", // RFC 3339, UTC
//!   "tlp": "TLP:AMBER",
//!   "summary": {"new": 2, "reopened": 0, "seen_again": 1, "resolved": 1, "critical": 1},
//!   "findings": [{
//!     "id": 17, "report_type": "scan_rdp", "report_name": "Accessible-RDP",
//!     "severity": "high", "state": "new",          // new|seen_again|reopened|resolved
//!     "ip": "192.0.2.10", "port": 3389, "protocol": "tcp",
//!     "hostname": "rdp.example.se", "asn": 64500,  // each may be null
//!     "first_seen": "2026-03-27T03:00:00Z", "last_seen": "2026-03-29T04:12:00Z",
//!     "count": 3, "source": "shadowserver", "tlp": "TLP:AMBER",
//!     "advice": {"key": "scan_rdp", "title": "…", "actions": ["…"], "reference": "https://…"},
//!     "details": {"tag": "rdp"}
//!   }],
//!   "links": {"preferences": "https://…", "unsubscribe": "https://…"},
//!   "omitted": null                     // or {"count": 2345, "findings": "https://…", "csv": "https://…"}
//! }
//! ```
//! `omitted` says how many findings of this notice are not in `findings`
//! (over the size limit) and where to fetch all of the organisation's
//! findings (the findings API, with an API key); `summary` counts only the
//! findings carried.
//! Findings are in the e-mail's order. `advice.key` is `null` for the
//! generic advice; a time that RFC 3339 cannot express (outside the years
//! 0–9999) is `null`. `details` keeps the last value of a repeated key.
//! Fields may be added in version 1; none is removed or changes meaning
//! without a new version.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::advice::{self, Advice, Language};

/// The severity of a finding: the one the parsers produce.
pub use fyr_formats::exposure::Severity;

/// At most this many addresses are listed per group; the rest are in the
/// CSV attachment.
pub const LISTED_PER_GROUP: usize = 50;

/// Untrusted values are cut at this many characters in text and HTML.
pub const MAX_VALUE_CHARS: usize = 200;

/// The content type of the CSV attachment.
pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";

/// The fixed columns of the CSV attachment, before the detail columns.
pub const CSV_FIXED_COLUMNS: [&str; 11] =
    ["report_type", "severity", "state", "ip", "port", "protocol", "hostname", "asn", "first_seen", "last_seen", "count"];

/// Where a finding stands since the previous notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FindingState {
    /// Seen for the first time.
    New,
    /// Still seen.
    SeenAgain,
    /// No longer seen.
    Resolved,
    /// Seen again after it was resolved.
    Reopened,
}

impl FindingState {
    /// The machine name: `new`, `seen_again`, `resolved`, `reopened`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FindingState::New => "new",
            FindingState::SeenAgain => "seen_again",
            FindingState::Resolved => "resolved",
            FindingState::Reopened => "reopened",
        }
    }

    /// Not resolved.
    pub const fn is_open(self) -> bool {
        !matches!(self, FindingState::Resolved)
    }

    /// New to the reader: new or reopened.
    pub const fn is_news(self) -> bool {
        matches!(self, FindingState::New | FindingState::Reopened)
    }

    /// Listing order within a group: reopened, new, seen again, resolved.
    const fn rank(self) -> u8 {
        match self {
            FindingState::Reopened => 0,
            FindingState::New => 1,
            FindingState::SeenAgain => 2,
            FindingState::Resolved => 3,
        }
    }
}

/// One finding as a notice shows it: what the deduplication keeps per
/// (organisation, exposure), with the fields of its latest record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingView {
    pub id: i64,
    /// The report type, e.g. `scan_rdp`.
    pub report_type: String,
    /// The report's human name, e.g. `Accessible-RDP`.
    pub report_name: String,
    pub severity: Severity,
    pub state: FindingState,
    pub ip: Option<IpAddr>,
    pub port: Option<u16>,
    pub protocol: Option<String>,
    pub hostname: Option<String>,
    pub asn: Option<u32>,
    /// First seen, Unix seconds (UTC).
    pub first_seen: i64,
    /// Last seen, Unix seconds (UTC).
    pub last_seen: i64,
    /// How many times it was seen.
    pub count: u64,
    /// The data source, e.g. `shadowserver`.
    pub source_name: String,
    /// The source's marking, e.g. `TLP:AMBER` or `amber`.
    pub tlp: String,
    /// The raw fields of the latest record, in the record's order.
    pub details: Vec<(String, String)>,
}

/// A scheduled digest, or an immediate notice about critical findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    Digest,
    Critical,
}

impl NoticeKind {
    /// The webhook `type`: `fyr.exposure.digest` or `fyr.exposure.critical`.
    pub const fn webhook_type(self) -> &'static str {
        match self {
            NoticeKind::Digest => "fyr.exposure.digest",
            NoticeKind::Critical => "fyr.exposure.critical",
        }
    }
}

/// Who the notice is for and from, and when it was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeContext {
    pub org_name: String,
    pub language: Language,
    pub kind: NoticeKind,
    /// When the notice was made, Unix seconds (UTC).
    pub generated_at: i64,
    /// Where the organisation changes what it receives and how often.
    pub preferences_url: String,
    pub unsubscribe_url: String,
    /// Who sends the notice, e.g. "CERT-SE via fyr".
    pub sender_name: String,
    /// Findings of this notice that it does not carry (over the size
    /// limit), if any.
    pub omitted: Option<Omitted>,
}

/// Findings left out of a notice, and where to get them all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Omitted {
    /// How many findings were left out (more than 0).
    pub count: u64,
    /// All of the organisation's findings, as JSON (the findings API).
    pub findings_url: String,
    /// The same as CSV.
    pub csv_url: String,
}

/// A rendered e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub csv_attachment: CsvAttachment,
}

/// The findings as CSV, for a spreadsheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvAttachment {
    /// `fyr-exposure-YYYYMMDDTHHMMZ.csv` (the generation time, UTC).
    pub filename: String,
    /// [`CSV_CONTENT_TYPE`].
    pub content_type: &'static str,
    /// UTF-8 with a byte-order mark (so that Excel reads å, ä and ö right),
    /// CRLF line ends.
    pub bytes: Vec<u8>,
}

/// Renders the e-mail for `findings` (any order; all of them one
/// organisation's).
pub fn email(ctx: &NoticeContext, findings: &[FindingView]) -> RenderedEmail {
    let plan = Plan::new(findings);
    let words = Words::of(ctx.language);
    let subject = subject(ctx, &plan, words);
    let text_body = text_body(ctx, &plan, words);
    let html_body = html_body(ctx, &plan, words, &subject);
    RenderedEmail { subject, text_body, html_body, csv_attachment: attachment(ctx, &plan) }
}

/// The CSV attachment alone: one row per finding, in the e-mail's order
/// (open findings by group, then resolved ones).
pub fn csv_attachment(ctx: &NoticeContext, findings: &[FindingView]) -> CsvAttachment {
    attachment(ctx, &Plan::new(findings))
}

fn attachment(ctx: &NoticeContext, plan: &Plan<'_>) -> CsvAttachment {
    let ordered: Vec<&FindingView> = plan.in_order().collect();
    let filename = match utc(ctx.generated_at) {
        Some(t) => format!("fyr-exposure-{:04}{:02}{:02}T{:02}{:02}Z.csv", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute()),
        None => "fyr-exposure.csv".to_owned(),
    };
    // Writing into a Vec cannot fail; should the csv crate ever report an
    // error, the attachment is empty rather than the notice lost.
    let bytes = csv_bytes(&ordered).unwrap_or_default();
    CsvAttachment { filename, content_type: CSV_CONTENT_TYPE, bytes }
}

/// The webhook body (see the module documentation for the shape).
pub fn webhook_payload(ctx: &NoticeContext, findings: &[FindingView]) -> Value {
    let plan = Plan::new(findings);
    let list: Vec<Value> = plan.in_order().map(|f| webhook_finding(f, ctx.language)).collect();
    json!({
        "type": ctx.kind.webhook_type(),
        "version": 1,
        "organisation": ctx.org_name,
        "language": ctx.language.as_str(),
        "sender": ctx.sender_name,
        "generated_at": rfc3339(ctx.generated_at),
        "tlp": plan.tlp.label(),
        "summary": {
            "new": plan.counts.new,
            "reopened": plan.counts.reopened,
            "seen_again": plan.counts.seen_again,
            "resolved": plan.counts.resolved,
            "critical": plan.counts.critical,
        },
        "findings": list,
        "links": {"preferences": ctx.preferences_url, "unsubscribe": ctx.unsubscribe_url},
        "omitted": omitted(ctx).map(|o| json!({"count": o.count, "findings": o.findings_url, "csv": o.csv_url})),
    })
}

/// The omitted findings, if there are any.
fn omitted(ctx: &NoticeContext) -> Option<&Omitted> {
    ctx.omitted.as_ref().filter(|o| o.count > 0)
}

fn webhook_finding(f: &FindingView, lang: Language) -> Value {
    let advice = advice::advice(&f.report_type, lang);
    let details: Map<String, Value> = f.details.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    json!({
        "id": f.id,
        "report_type": f.report_type,
        "report_name": f.report_name,
        "severity": f.severity.as_str(),
        "state": f.state.as_str(),
        "ip": f.ip.map(|ip| ip.to_string()),
        "port": f.port,
        "protocol": f.protocol,
        "hostname": f.hostname,
        "asn": f.asn,
        "first_seen": rfc3339(f.first_seen),
        "last_seen": rfc3339(f.last_seen),
        "count": f.count,
        "source": f.source_name,
        "tlp": Tlp::parse(&f.tlp).unwrap_or(Tlp::Amber).label(),
        "advice": {
            "key": advice::advice_key(&f.report_type),
            "title": advice.title,
            "actions": advice.actions,
            "reference": advice.reference,
        },
        "details": details,
    })
}

// ---------------------------------------------------------------------------
// The plan: findings grouped and ordered once, rendered several ways.

#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    new: usize,
    reopened: usize,
    seen_again: usize,
    resolved: usize,
    /// Open findings of critical severity.
    critical: usize,
}

impl Counts {
    fn news(&self) -> usize {
        self.new + self.reopened
    }
    fn open(&self) -> usize {
        self.news() + self.seen_again
    }
}

struct Group<'a> {
    key: String,
    severity: Severity,
    /// Most severe first.
    findings: Vec<&'a FindingView>,
    /// (report_name, report_type) pairs in the group.
    reports: BTreeSet<(&'a str, &'a str)>,
}

impl Group<'_> {
    fn advice(&self, lang: Language) -> &'static Advice {
        match self.findings.first() {
            Some(f) => advice::advice(&f.report_type, lang),
            None => advice::generic(lang),
        }
    }
}

struct Plan<'a> {
    tlp: Tlp,
    groups: Vec<Group<'a>>,
    resolved: Vec<&'a FindingView>,
    counts: Counts,
}

fn finding_order(a: &FindingView, b: &FindingView) -> Ordering {
    b.severity
        .cmp(&a.severity)
        .then(a.state.rank().cmp(&b.state.rank()))
        .then(a.ip.cmp(&b.ip))
        .then(a.port.cmp(&b.port))
        .then(a.hostname.cmp(&b.hostname))
        .then(a.report_type.cmp(&b.report_type))
        .then(a.id.cmp(&b.id))
}

impl<'a> Plan<'a> {
    fn new(findings: &'a [FindingView]) -> Plan<'a> {
        let mut counts = Counts::default();
        for f in findings {
            match f.state {
                FindingState::New => counts.new += 1,
                FindingState::Reopened => counts.reopened += 1,
                FindingState::SeenAgain => counts.seen_again += 1,
                FindingState::Resolved => counts.resolved += 1,
            }
            if f.state.is_open() && f.severity == Severity::Critical {
                counts.critical += 1;
            }
        }
        let tlp = findings.iter().map(|f| Tlp::parse(&f.tlp).unwrap_or(Tlp::Amber)).max().unwrap_or(Tlp::Amber);

        let mut open: Vec<&FindingView> = findings.iter().filter(|f| f.state.is_open()).collect();
        open.sort_by(|a, b| finding_order(a, b));
        let mut groups: Vec<Group<'a>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for f in open {
            let key = match advice::advice_key(&f.report_type) {
                Some(key) => key.to_owned(),
                None => format!("generic:{}", f.report_type.trim().to_ascii_lowercase()),
            };
            let slot = *index.entry(key.clone()).or_insert_with(|| {
                groups.push(Group { key, severity: f.severity, findings: Vec::new(), reports: BTreeSet::new() });
                groups.len() - 1
            });
            if let Some(group) = groups.get_mut(slot) {
                group.severity = group.severity.max(f.severity);
                group.findings.push(f);
                group.reports.insert((f.report_name.as_str(), f.report_type.as_str()));
            }
        }
        groups.sort_by(|a, b| b.severity.cmp(&a.severity).then(b.findings.len().cmp(&a.findings.len())).then(a.key.cmp(&b.key)));

        let mut resolved: Vec<&FindingView> = findings.iter().filter(|f| !f.state.is_open()).collect();
        resolved.sort_by(|a, b| finding_order(a, b));
        Plan { tlp, groups, resolved, counts }
    }

    /// How many findings the notice carries.
    fn len(&self) -> usize {
        self.groups.iter().map(|g| g.findings.len()).sum::<usize>() + self.resolved.len()
    }

    /// Every finding in the e-mail's order.
    fn in_order(&self) -> impl Iterator<Item = &'a FindingView> + '_ {
        self.groups.iter().flat_map(|g| g.findings.iter().copied()).chain(self.resolved.iter().copied())
    }
}

// ---------------------------------------------------------------------------
// Traffic Light Protocol.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tlp {
    Clear,
    Green,
    Amber,
    AmberStrict,
    Red,
}

impl Tlp {
    fn parse(s: &str) -> Option<Tlp> {
        let s = s.trim();
        let s = match s.get(..4) {
            Some(head) if head.eq_ignore_ascii_case("tlp:") => s.get(4..).unwrap_or(""),
            _ => s,
        };
        let s = s.trim().to_ascii_lowercase();
        Some(match s.as_str() {
            "clear" | "white" => Tlp::Clear,
            "green" => Tlp::Green,
            "amber" => Tlp::Amber,
            "amber+strict" => Tlp::AmberStrict,
            "red" => Tlp::Red,
            _ => return None,
        })
    }

    const fn label(self) -> &'static str {
        match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        }
    }

    /// Text and background colours of the TLP 2.0 label.
    const fn colours(self) -> (&'static str, &'static str) {
        match self {
            Tlp::Clear => ("#FFFFFF", "#000000"),
            Tlp::Green => ("#33FF00", "#000000"),
            Tlp::Amber | Tlp::AmberStrict => ("#FFC000", "#000000"),
            Tlp::Red => ("#FF2B2B", "#000000"),
        }
    }

    /// What the marking allows, in plain words.
    const fn explain(self, lang: Language) -> &'static str {
        match (self, lang) {
            (Tlp::Clear, Language::Sv) => "uppgifterna får spridas fritt.",
            (Tlp::Clear, Language::En) => "the information may be shared freely.",
            (Tlp::Green, Language::Sv) => {
                "dela gärna inom er organisation och med andra i samma bransch, men publicera inte uppgifterna öppet."
            }
            (Tlp::Green, Language::En) => {
                "you may share within your organisation and with others in your sector, but do not publish the information openly."
            }
            (Tlp::Amber, Language::Sv) => {
                "dela bara inom er organisation och med kunder eller leverantörer som behöver uppgifterna för att åtgärda problemen."
            }
            (Tlp::Amber, Language::En) => {
                "share only within your organisation and with customers or suppliers who need the information to fix the problems."
            }
            (Tlp::AmberStrict, Language::Sv) => "dela bara inom er organisation.",
            (Tlp::AmberStrict, Language::En) => "share only within your organisation.",
            (Tlp::Red, Language::Sv) => "bara för mottagarna av det här meddelandet; dela inte uppgifterna vidare.",
            (Tlp::Red, Language::En) => "for the recipients of this message only; do not share the information further.",
        }
    }
}

// ---------------------------------------------------------------------------
// Words.

/// The fixed phrases of a notice in one language.
struct Words {
    lang: Language,
    to: &'static str,
    from: &'static str,
    made: &'static str,
    urgent: &'static str,
    intro_lists: &'static str,
    forward: &'static str,
    nothing_open: &'static str,
    severity: &'static str,
    report: &'static str,
    what: &'static str,
    addresses: &'static str,
    todo: &'static str,
    why: &'static str,
    more_info: &'static str,
    resolved_heading: &'static str,
    resolved_intro: &'static str,
    sent_by: &'static str,
    preferences: &'static str,
    unsubscribe: &'static str,
    local_time: &'static str,
    first: &'static str,
    last: &'static str,
    last_seen: &'static str,
    no_address: &'static str,
}

impl Words {
    fn of(lang: Language) -> &'static Words {
        match lang {
            Language::Sv => &SV,
            Language::En => &EN,
        }
    }

    fn severity_word(&self, s: Severity) -> &'static str {
        match (self.lang, s) {
            (Language::Sv, Severity::Critical) => "Kritisk – åtgärda i dag",
            (Language::Sv, Severity::High) => "Hög – åtgärda inom några dagar",
            (Language::Sv, Severity::Medium) => "Medel – åtgärda inom några veckor",
            (Language::Sv, Severity::Low) => "Låg – åtgärda när det passar",
            (Language::Sv, Severity::Info) => "Information – kontrollera att det stämmer",
            (Language::En, Severity::Critical) => "Critical – act today",
            (Language::En, Severity::High) => "High – act within days",
            (Language::En, Severity::Medium) => "Medium – act within weeks",
            (Language::En, Severity::Low) => "Low – fix when convenient",
            (Language::En, Severity::Info) => "Informational – check that this is as intended",
        }
    }

    fn state_word(&self, s: FindingState) -> &'static str {
        match (self.lang, s) {
            (Language::Sv, FindingState::New) => "ny",
            (Language::Sv, FindingState::SeenAgain) => "kvarstår",
            (Language::Sv, FindingState::Resolved) => "åtgärdad",
            (Language::Sv, FindingState::Reopened) => "tillbaka igen",
            (Language::En, FindingState::New) => "new",
            (Language::En, FindingState::SeenAgain) => "still seen",
            (Language::En, FindingState::Resolved) => "resolved",
            (Language::En, FindingState::Reopened) => "back again",
        }
    }

    fn seen_times(&self, n: u64) -> String {
        match (self.lang, n) {
            (Language::Sv, 1) => "sedd 1 gång".to_owned(),
            (Language::Sv, n) => format!("sedd {n} gånger"),
            (Language::En, 1) => "seen once".to_owned(),
            (Language::En, n) => format!("seen {n} times"),
        }
    }

    /// "3 nya och 2 kvarstående säkerhetsproblem", "1 new security issue".
    fn open_phrase(&self, news: usize, remaining: usize) -> String {
        match self.lang {
            Language::Sv => {
                let nya = if news == 1 { "nytt" } else { "nya" };
                match (news, remaining) {
                    (0, r) => format!("{r} kvarstående säkerhetsproblem"),
                    (n, 0) => format!("{n} {nya} säkerhetsproblem"),
                    (n, r) => format!("{n} {nya} och {r} kvarstående säkerhetsproblem"),
                }
            }
            Language::En => {
                let issues = if news + remaining == 1 { "issue" } else { "issues" };
                match (news, remaining) {
                    (0, r) => format!("{r} remaining security {issues}"),
                    (n, 0) => format!("{n} new security {issues}"),
                    (n, r) => format!("{n} new and {r} remaining security {issues}"),
                }
            }
        }
    }

    fn critical_note(&self, n: usize) -> String {
        match (self.lang, n) {
            (Language::Sv, 1) => "(1 kritiskt)".to_owned(),
            (Language::Sv, n) => format!("({n} kritiska)"),
            (Language::En, n) => format!("({n} critical)"),
        }
    }

    fn resolved_phrase(&self, n: usize) -> String {
        match (self.lang, n) {
            (Language::Sv, n) => format!("{n} säkerhetsproblem har åtgärdats"),
            (Language::En, 1) => "1 security issue resolved".to_owned(),
            (Language::En, n) => format!("{n} security issues resolved"),
        }
    }

    fn on_your_addresses(&self) -> &'static str {
        match self.lang {
            Language::Sv => "på era adresser",
            Language::En => "on your addresses",
        }
    }

    fn seen_intro(&self, phrase: &str) -> String {
        match self.lang {
            Language::Sv => format!("Vi har sett {phrase} på adresser som ni har registrerat hos oss."),
            Language::En => format!("We have seen {phrase} on addresses you have registered with us."),
        }
    }

    fn resolved_since(&self, n: usize) -> String {
        match (self.lang, n) {
            (Language::Sv, 1) => "1 problem har åtgärdats sedan förra meddelandet.".to_owned(),
            (Language::Sv, n) => format!("{n} problem har åtgärdats sedan förra meddelandet."),
            (Language::En, 1) => "1 issue has been resolved since the previous notice.".to_owned(),
            (Language::En, n) => format!("{n} issues have been resolved since the previous notice."),
        }
    }

    /// "(and 2345 more)" in the subject.
    fn omitted_note(&self, n: u64) -> String {
        match self.lang {
            Language::Sv => format!("(och {n} till)"),
            Language::En => format!("(and {n} more)"),
        }
    }

    /// The paragraph about findings left out; `shown` were carried.
    fn omitted_intro(&self, shown: usize, n: u64) -> String {
        match (self.lang, n) {
            (Language::Sv, 1) => format!(
                "Meddelandet är för stort för att ta med allt: det tar upp {shown} fynd, och 1 fynd till finns varken här eller i den bifogade CSV-filen."
            ),
            (Language::Sv, n) => format!(
                "Meddelandet är för stort för att ta med allt: det tar upp {shown} fynd, och {n} fynd till finns varken här eller i den bifogade CSV-filen."
            ),
            (Language::En, 1) => format!(
                "This notice is too large to hold everything: it lists {shown} findings, and 1 more finding is neither here nor in the attached CSV file."
            ),
            (Language::En, n) => format!(
                "This notice is too large to hold everything: it lists {shown} findings, and {n} more findings are neither here nor in the attached CSV file."
            ),
        }
    }

    /// Where all findings are (followed by the JSON URL).
    fn omitted_where(&self) -> &'static str {
        match self.lang {
            Language::Sv => "Alla er organisations fynd kan hämtas från fyr:s API med en API-nyckel för er organisation",
            Language::En => "All of your organisation's findings can be fetched from fyr's API with an API key of your organisation",
        }
    }

    fn as_csv(&self) -> &'static str {
        match self.lang {
            Language::Sv => "som CSV",
            Language::En => "as CSV",
        }
    }

    fn more(&self, n: usize) -> String {
        match self.lang {
            Language::Sv => format!("… och {n} till – se den bifogade CSV-filen."),
            Language::En => format!("… and {n} more – see the attached CSV file."),
        }
    }
}

static SV: Words = Words {
    lang: Language::Sv,
    to: "Till",
    from: "Från",
    made: "Skapat",
    urgent: "BRÅDSKANDE: det här meddelandet gäller kritiska säkerhetsproblem. Hantera dem i dag.",
    intro_lists: "Nedan står vad vi har sett, hur allvarligt det är och vad ni bör göra. Det allvarligaste kommer först. Alla uppgifter finns också i den bifogade CSV-filen, som går att öppna i ett kalkylprogram.",
    forward: "Om en adress används av en kund eller leverantör till er: skicka uppgifterna vidare till dem.",
    nothing_open: "Vi har inte sett några säkerhetsproblem på era adresser den här gången.",
    severity: "Allvarlighetsgrad",
    report: "Rapport",
    what: "Vad vi har sett",
    addresses: "Era adresser",
    todo: "Gör så här",
    why: "Varför det är viktigt",
    more_info: "Mer teknisk information (på engelska)",
    resolved_heading: "Åtgärdat",
    resolved_intro: "De här problemen syns inte längre. Bra gjort!",
    sent_by: "Det här meddelandet skickades av",
    preferences: "Ändra vad ni får och hur ofta",
    unsubscribe: "Avsluta prenumerationen",
    local_time: "svensk tid",
    first: "först",
    last: "senast",
    last_seen: "senast sedd",
    no_address: "(adress saknas)",
};

static EN: Words = Words {
    lang: Language::En,
    to: "To",
    from: "From",
    made: "Created",
    urgent: "URGENT: this notice is about critical security issues. Please deal with them today.",
    intro_lists: "Below is what we have seen, how serious it is and what you should do, most serious first. All the data is also in the attached CSV file, which opens in a spreadsheet program.",
    forward: "If an address is used by a customer or supplier of yours, please pass the information on to them.",
    nothing_open: "We have not seen any security issues on your addresses this time.",
    severity: "Severity",
    report: "Report",
    what: "What we have seen",
    addresses: "Your addresses",
    todo: "What to do",
    why: "Why it matters",
    more_info: "More technical information",
    resolved_heading: "Resolved",
    resolved_intro: "These issues are no longer seen. Well done!",
    sent_by: "This notice was sent by",
    preferences: "Change what you receive and how often",
    unsubscribe: "Unsubscribe",
    local_time: "Swedish time",
    first: "first",
    last: "last",
    last_seen: "last seen",
    no_address: "(no address given)",
};

// ---------------------------------------------------------------------------
// Subject.

fn subject(ctx: &NoticeContext, plan: &Plan<'_>, w: &Words) -> String {
    let c = plan.counts;
    let mut s = String::new();
    if ctx.kind == NoticeKind::Critical {
        s.push_str(match w.lang {
            Language::Sv => "[KRITISKT] ",
            Language::En => "[CRITICAL] ",
        });
    }
    s.push('[');
    s.push_str(plan.tlp.label());
    s.push_str("] fyr: ");
    if c.open() > 0 {
        s.push_str(&w.open_phrase(c.news(), c.seen_again));
        s.push(' ');
        s.push_str(w.on_your_addresses());
    } else if c.resolved > 0 {
        s.push_str(&w.resolved_phrase(c.resolved));
    } else {
        s.push_str(match w.lang {
            Language::Sv => "inga säkerhetsproblem på era adresser",
            Language::En => "no security issues on your addresses",
        });
    }
    if c.critical > 0 {
        s.push(' ');
        s.push_str(&w.critical_note(c.critical));
    }
    if let Some(o) = omitted(ctx) {
        s.push(' ');
        s.push_str(&w.omitted_note(o.count));
    }
    s
}

// ---------------------------------------------------------------------------
// Plain text.

const RULE: &str = "======================================================================";

fn text_body(ctx: &NoticeContext, plan: &Plan<'_>, w: &Words) -> String {
    let lang = ctx.language;
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    line(&format!("{} – {}", plan.tlp.label(), plan.tlp.explain(lang)));
    line("");
    if ctx.kind == NoticeKind::Critical {
        line(w.urgent);
        line("");
    }
    line(&format!("{}: {}", w.to, clean(&ctx.org_name)));
    line(&format!("{}: {}", w.from, clean(&ctx.sender_name)));
    line(&format!("{}: {}", w.made, when(ctx.generated_at, w)));
    line("");
    for paragraph in intro(plan, w) {
        line(&paragraph);
    }
    if let Some(o) = omitted(ctx) {
        line("");
        line(&w.omitted_intro(plan.len(), o.count));
        line(&format!("{}: {} ({}: {})", w.omitted_where(), clean(&o.findings_url), w.as_csv(), clean(&o.csv_url)));
    }

    for (i, group) in plan.groups.iter().enumerate() {
        let advice = group.advice(lang);
        line("");
        line(RULE);
        line(&format!("{}. {}", i + 1, advice.title));
        line(&format!("{}: {}", w.severity, w.severity_word(group.severity)));
        line(&format!("{}: {}", w.report, reports_label(group)));
        line("");
        line(&format!("{}:", w.what));
        line(advice.what);
        line("");
        line(&format!("{} ({}):", w.addresses, group.findings.len()));
        for f in group.findings.iter().take(LISTED_PER_GROUP) {
            line(&format!("  - {}", finding_line(f, w)));
        }
        if group.findings.len() > LISTED_PER_GROUP {
            line(&format!("  {}", w.more(group.findings.len() - LISTED_PER_GROUP)));
        }
        line("");
        line(&format!("{}:", w.todo));
        for (n, action) in advice.actions.iter().enumerate() {
            line(&format!("  {}. {action}", n + 1));
        }
        line("");
        line(&format!("{}:", w.why));
        line(advice.why);
        if let Some(url) = advice.reference {
            line("");
            line(&format!("{}: {url}", w.more_info));
        }
    }

    if !plan.resolved.is_empty() {
        line("");
        line(RULE);
        line(&format!("{} ({})", w.resolved_heading, plan.resolved.len()));
        line(w.resolved_intro);
        for f in plan.resolved.iter().take(LISTED_PER_GROUP) {
            line(&format!("  - {}", resolved_line(f, w)));
        }
        if plan.resolved.len() > LISTED_PER_GROUP {
            line(&format!("  {}", w.more(plan.resolved.len() - LISTED_PER_GROUP)));
        }
    }

    line("");
    line("-- ");
    line(&format!("{} {}.", w.sent_by, clean(&ctx.sender_name)));
    line(&format!("{}: {}", w.preferences, clean(&ctx.preferences_url)));
    line(&format!("{}: {}", w.unsubscribe, clean(&ctx.unsubscribe_url)));
    out
}

/// The opening paragraphs, shared by text and HTML (not yet escaped).
fn intro(plan: &Plan<'_>, w: &Words) -> Vec<String> {
    let c = plan.counts;
    let mut paragraphs = Vec::new();
    if c.open() > 0 {
        let mut first = w.seen_intro(&w.open_phrase(c.news(), c.seen_again));
        if c.resolved > 0 {
            first.push(' ');
            first.push_str(&w.resolved_since(c.resolved));
        }
        paragraphs.push(first);
        paragraphs.push(w.intro_lists.to_owned());
        paragraphs.push(w.forward.to_owned());
    } else {
        let mut first = w.nothing_open.to_owned();
        if c.resolved > 0 {
            first.push(' ');
            first.push_str(&w.resolved_since(c.resolved));
        }
        paragraphs.push(first);
    }
    paragraphs
}

/// "Accessible-RDP (scan_rdp), IPv6-Accessible-RDP (scan6_rdp)".
fn reports_label(group: &Group<'_>) -> String {
    const MAX_REPORTS: usize = 5;
    let mut parts: Vec<String> = group
        .reports
        .iter()
        .take(MAX_REPORTS)
        .map(|(name, t)| if name.trim().is_empty() { clean(t) } else { format!("{} ({})", clean(name), clean(t)) })
        .collect();
    if group.reports.len() > MAX_REPORTS {
        parts.push("…".to_owned());
    }
    parts.join(", ")
}

/// "192.0.2.10:3389/tcp (rdp.example.se) – ny – sedd 3 gånger, först …, senast …".
fn finding_line(f: &FindingView, w: &Words) -> String {
    format!(
        "{} – {} – {}, {} {}, {} {}",
        address(f, w),
        w.state_word(f.state),
        w.seen_times(f.count),
        w.first,
        when(f.first_seen, w),
        w.last,
        when(f.last_seen, w)
    )
}

/// "Telnet nåbart från internet: 192.0.2.7:23/tcp (senast sedd …)".
fn resolved_line(f: &FindingView, w: &Words) -> String {
    let title = advice::advice(&f.report_type, w.lang).title;
    format!("{title}: {} ({} {})", address(f, w), w.last_seen, when(f.last_seen, w))
}

/// Where the finding is: `ip:port/protocol (hostname)`, the host name
/// alone, or an identifying detail (e-mail, URL) when there is neither.
/// Cleaned, not escaped.
fn address(f: &FindingView, w: &Words) -> String {
    let proto = f.protocol.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(clean);
    let host = f.hostname.as_deref().map(str::trim).filter(|h| !h.is_empty()).map(clean);
    let Some(ip) = f.ip else {
        if let Some(host) = host {
            return match (f.port, proto) {
                (Some(port), Some(p)) => format!("{host}:{port}/{p}"),
                (Some(port), None) => format!("{host}:{port}"),
                _ => host,
            };
        }
        const IDENTIFYING: [&str; 6] = ["email", "username", "url", "http_url", "http_host", "domain"];
        for key in IDENTIFYING {
            if let Some((_, v)) = f.details.iter().rev().find(|(k, v)| k == key && !v.trim().is_empty()) {
                return clean(v.trim());
            }
        }
        return w.no_address.to_owned();
    };
    let mut s = match (ip, f.port) {
        (IpAddr::V6(v6), Some(port)) => format!("[{v6}]:{port}"),
        (ip, Some(port)) => format!("{ip}:{port}"),
        (ip, None) => ip.to_string(),
    };
    if let Some(p) = proto {
        s.push('/');
        s.push_str(&p);
    }
    if let Some(host) = host {
        s.push_str(" (");
        s.push_str(&host);
        s.push(')');
    }
    s
}

// ---------------------------------------------------------------------------
// HTML.

fn html_body(ctx: &NoticeContext, plan: &Plan<'_>, w: &Words, subject: &str) -> String {
    let lang = ctx.language;
    let e = |s: &str| escape_html(s);
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"");
    h.push_str(lang.as_str());
    h.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n<title>");
    h.push_str(&e(subject));
    h.push_str("</title>\n</head>\n<body style=\"font-family:Arial,Helvetica,sans-serif;line-height:1.45;color:#1a1a1a;max-width:46em;margin:0 auto;padding:1em\">\n");

    let (fg, bg) = plan.tlp.colours();
    h.push_str(&format!(
        "<p><span style=\"font-weight:bold;color:{fg};background:{bg};padding:0.1em 0.4em\">{}</span> – {}</p>\n",
        e(plan.tlp.label()),
        e(plan.tlp.explain(lang))
    ));
    if ctx.kind == NoticeKind::Critical {
        h.push_str(&format!("<p style=\"font-weight:bold;color:#ffffff;background:#b00020;padding:0.5em\">{}</p>\n", e(w.urgent)));
    }
    h.push_str(&format!(
        "<p>{}: {}<br>\n{}: {}<br>\n{}: {}</p>\n",
        e(w.to),
        e(&clean(&ctx.org_name)),
        e(w.from),
        e(&clean(&ctx.sender_name)),
        e(w.made),
        e(&when(ctx.generated_at, w))
    ));
    for paragraph in intro(plan, w) {
        h.push_str(&format!("<p>{}</p>\n", e(&paragraph)));
    }
    if let Some(o) = omitted(ctx) {
        h.push_str(&format!(
            "<p><strong>{}</strong><br>\n{}: {} ({}: {})</p>\n",
            e(&w.omitted_intro(plan.len(), o.count)),
            e(w.omitted_where()),
            link(&o.findings_url),
            e(w.as_csv()),
            link(&o.csv_url)
        ));
    }

    for (i, group) in plan.groups.iter().enumerate() {
        let advice = group.advice(lang);
        h.push_str("<hr>\n");
        h.push_str(&format!("<h2>{}. {}</h2>\n", i + 1, e(advice.title)));
        h.push_str(&format!(
            "<p><strong>{}:</strong> {}<br>\n<strong>{}:</strong> {}</p>\n",
            e(w.severity),
            e(w.severity_word(group.severity)),
            e(w.report),
            e(&reports_label(group))
        ));
        h.push_str(&format!("<h3>{}</h3>\n<p>{}</p>\n", e(w.what), e(advice.what)));
        h.push_str(&format!("<h3>{} ({})</h3>\n<ul>\n", e(w.addresses), group.findings.len()));
        for f in group.findings.iter().take(LISTED_PER_GROUP) {
            h.push_str(&format!("<li>{}</li>\n", e(&finding_line(f, w))));
        }
        h.push_str("</ul>\n");
        if group.findings.len() > LISTED_PER_GROUP {
            h.push_str(&format!("<p>{}</p>\n", e(&w.more(group.findings.len() - LISTED_PER_GROUP))));
        }
        h.push_str(&format!("<h3>{}</h3>\n<ol>\n", e(w.todo)));
        for action in advice.actions {
            h.push_str(&format!("<li>{}</li>\n", e(action)));
        }
        h.push_str("</ol>\n");
        h.push_str(&format!("<h3>{}</h3>\n<p>{}</p>\n", e(w.why), e(advice.why)));
        if let Some(url) = advice.reference {
            h.push_str(&format!("<p>{}: {}</p>\n", e(w.more_info), link(url)));
        }
    }

    if !plan.resolved.is_empty() {
        h.push_str("<hr>\n");
        h.push_str(&format!("<h2>{} ({})</h2>\n<p>{}</p>\n<ul>\n", e(w.resolved_heading), plan.resolved.len(), e(w.resolved_intro)));
        for f in plan.resolved.iter().take(LISTED_PER_GROUP) {
            h.push_str(&format!("<li>{}</li>\n", e(&resolved_line(f, w))));
        }
        h.push_str("</ul>\n");
        if plan.resolved.len() > LISTED_PER_GROUP {
            h.push_str(&format!("<p>{}</p>\n", e(&w.more(plan.resolved.len() - LISTED_PER_GROUP))));
        }
    }

    h.push_str("<hr>\n<p style=\"font-size:0.9em;color:#444444\">");
    h.push_str(&format!("{} {}.<br>\n", e(w.sent_by), e(&clean(&ctx.sender_name))));
    h.push_str(&format!("{}: {}<br>\n", e(w.preferences), link(&ctx.preferences_url)));
    h.push_str(&format!("{}: {}", e(w.unsubscribe), link(&ctx.unsubscribe_url)));
    h.push_str("</p>\n</body>\n</html>\n");
    h
}

/// An `<a href>` for an `http(s)` URL without white space or control
/// characters; anything else is shown as escaped text, not as a link.
fn link(url: &str) -> String {
    let url = url.trim();
    let lower = url.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    let plain = !url.chars().any(|c| c.is_whitespace() || c.is_control() || is_bidi_control(c));
    if web && plain && url.chars().count() <= 2000 {
        let u = escape_html(url);
        format!("<a href=\"{u}\">{u}</a>")
    } else {
        escape_html(&clean(url))
    }
}

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and quoted attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A value from outside, made safe to show as one line of text: control and
/// bidirectional-formatting characters become U+FFFD, and it is cut at
/// [`MAX_VALUE_CHARS`] characters (with "…").
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_VALUE_CHARS * 4));
    for (i, c) in s.chars().enumerate() {
        if i == MAX_VALUE_CHARS {
            out.push('…');
            break;
        }
        out.push(if c.is_control() || is_bidi_control(c) { '\u{FFFD}' } else { c });
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

// ---------------------------------------------------------------------------
// CSV.

/// `cell` with a leading `'` if a spreadsheet would read it as a formula
/// (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return).
pub fn neutralise_formula(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// A CSV cell as bytes, formula-neutralised.
fn csv_cell(s: &str) -> Cow<'_, [u8]> {
    match neutralise_formula(s) {
        Cow::Borrowed(b) => Cow::Borrowed(b.as_bytes()),
        Cow::Owned(o) => Cow::Owned(o.into_bytes()),
    }
}

fn csv_bytes(findings: &[&FindingView]) -> Result<Vec<u8>, csv::Error> {
    // Detail columns: the union of the detail keys, sorted; a key that is
    // also a fixed column is written as `detail:<key>`.
    let detail_column = |key: &str| -> String { if CSV_FIXED_COLUMNS.contains(&key) { format!("detail:{key}") } else { key.to_owned() } };
    let columns: BTreeSet<String> = findings.iter().flat_map(|f| f.details.iter().map(|(k, _)| detail_column(k))).collect();

    let mut bom = Vec::new();
    bom.extend_from_slice("\u{FEFF}".as_bytes());
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(bom);
    writer.write_record(CSV_FIXED_COLUMNS.iter().copied().chain(columns.iter().map(String::as_str)).map(csv_cell))?;
    for f in findings {
        let mut details: BTreeMap<String, &str> = BTreeMap::new();
        for (k, v) in &f.details {
            details.insert(detail_column(k), v.as_str());
        }
        let fixed = [
            f.report_type.clone(),
            f.severity.as_str().to_owned(),
            f.state.as_str().to_owned(),
            f.ip.map(|ip| ip.to_string()).unwrap_or_default(),
            f.port.map(|p| p.to_string()).unwrap_or_default(),
            f.protocol.clone().unwrap_or_default(),
            f.hostname.clone().unwrap_or_default(),
            f.asn.map(|a| a.to_string()).unwrap_or_default(),
            rfc3339(f.first_seen).unwrap_or_else(|| f.first_seen.to_string()),
            rfc3339(f.last_seen).unwrap_or_else(|| f.last_seen.to_string()),
            f.count.to_string(),
        ];
        let row = fixed.iter().map(String::as_str).chain(columns.iter().map(|c| details.get(c).copied().unwrap_or(""))).map(csv_cell);
        writer.write_record(row)?;
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

// ---------------------------------------------------------------------------
// Time.

fn utc(unix: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(unix).ok()
}

/// RFC 3339 in UTC (`2026-03-29T12:00:00Z`), or `None` outside the years
/// 0–9999.
fn rfc3339(unix: i64) -> Option<String> {
    utc(unix)?.format(&Rfc3339).ok()
}

/// The offset of Swedish local time (Europe/Stockholm) from UTC at `unix`,
/// in seconds: 7200 in summer, 3600 otherwise; `None` where the time
/// library cannot represent the date.
///
/// This is the EU rule (Directive 2000/84/EC), worked out here instead of
/// read from a time-zone database: summer time runs from 01:00 UTC on the
/// last Sunday of March to 01:00 UTC on the last Sunday of October. It is
/// applied to every year, also those before the rule (Sweden has followed
/// it since 1996), which is fine for notices about recent data.
pub fn stockholm_offset_seconds(unix: i64) -> Option<i32> {
    let year = utc(unix)?.year();
    let start = last_sunday_0100_utc(year, time::Month::March)?;
    let end = last_sunday_0100_utc(year, time::Month::October)?;
    Some(if (start..end).contains(&unix) { 7200 } else { 3600 })
}

/// Unix time of 01:00 UTC on the last Sunday of `month` (March or October,
/// both of 31 days).
fn last_sunday_0100_utc(year: i32, month: time::Month) -> Option<i64> {
    let last = time::Date::from_calendar_date(year, month, 31).ok()?;
    let back = i64::from(last.weekday().number_days_from_sunday());
    let sunday = last.checked_sub(time::Duration::days(back))?;
    Some(sunday.with_hms(1, 0, 0).ok()?.assume_utc().unix_timestamp())
}

/// "2026-03-29 12:00 UTC (14:00 svensk tid)"; the local date is shown too
/// when it differs from the UTC date.
fn when(unix: i64, w: &Words) -> String {
    let Some(t) = utc(unix) else {
        return format!("{unix} (Unix)");
    };
    let utc_text = format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute());
    let local = stockholm_offset_seconds(unix).and_then(|off| unix.checked_add(i64::from(off))).and_then(utc);
    match local {
        Some(l) if l.date() == t.date() => format!("{utc_text} ({:02}:{:02} {})", l.hour(), l.minute(), w.local_time),
        Some(l) => format!(
            "{utc_text} ({:04}-{:02}-{:02} {:02}:{:02} {})",
            l.year(),
            u8::from(l.month()),
            l.day(),
            l.hour(),
            l.minute(),
            w.local_time
        ),
        None => utc_text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stockholm_offset_follows_the_eu_rule() {
        // 2026: summer time from 2026-03-29 01:00 UTC to 2026-10-25 01:00 UTC.
        assert_eq!(stockholm_offset_seconds(1_774_745_999), Some(3600)); // 2026-03-29T00:59:59Z
        assert_eq!(stockholm_offset_seconds(1_774_746_000), Some(7200)); // 2026-03-29T01:00:00Z
        assert_eq!(stockholm_offset_seconds(1_792_889_999), Some(7200)); // 2026-10-25T00:59:59Z
        assert_eq!(stockholm_offset_seconds(1_792_890_000), Some(3600)); // 2026-10-25T01:00:00Z
        // 2024: 31 March and 27 October.
        assert_eq!(stockholm_offset_seconds(1_711_846_800), Some(7200)); // 2024-03-31T01:00:00Z
        assert_eq!(stockholm_offset_seconds(1_711_846_799), Some(3600));
        assert_eq!(stockholm_offset_seconds(1_729_990_800), Some(3600)); // 2024-10-27T01:00:00Z
        assert_eq!(stockholm_offset_seconds(0), Some(3600));
        assert_eq!(stockholm_offset_seconds(i64::MAX), None);
        assert_eq!(stockholm_offset_seconds(i64::MIN), None);
    }

    #[test]
    fn tlp_parse_and_order() {
        assert_eq!(Tlp::parse("TLP:AMBER"), Some(Tlp::Amber));
        assert_eq!(Tlp::parse(" tlp:amber+strict "), Some(Tlp::AmberStrict));
        assert_eq!(Tlp::parse("white"), Some(Tlp::Clear));
        assert_eq!(Tlp::parse("Red"), Some(Tlp::Red));
        assert_eq!(Tlp::parse("TLP:"), None);
        assert_eq!(Tlp::parse("åäö"), None);
        assert_eq!(Tlp::parse("tlp"), None);
        assert!(Tlp::Red > Tlp::AmberStrict && Tlp::AmberStrict > Tlp::Amber && Tlp::Green > Tlp::Clear);
    }

    #[test]
    fn clean_replaces_controls_and_cuts() {
        assert_eq!(clean("a\r\nb"), "a\u{FFFD}\u{FFFD}b");
        assert_eq!(clean("x\u{202E}y"), "x\u{FFFD}y");
        let long = "å".repeat(MAX_VALUE_CHARS + 10);
        let cut = clean(&long);
        assert_eq!(cut.chars().count(), MAX_VALUE_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn links_only_for_web_urls() {
        assert_eq!(
            link("https://fyr.example/p?a=1&b=2"),
            "<a href=\"https://fyr.example/p?a=1&amp;b=2\">https://fyr.example/p?a=1&amp;b=2</a>"
        );
        assert_eq!(link("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(link("https://x\" onmouseover=\"y"), "https://x&quot; onmouseover=&quot;y");
        assert_eq!(link("ä"), "ä");
    }

    #[test]
    fn formula_cells_are_neutralised() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise_formula(bad), format!("'{bad}"));
        }
        for good in ["", "x=1", "1", "'", " =1"] {
            assert_eq!(neutralise_formula(good), good);
        }
    }
}

//! MISP's attribute type and category system.
//!
//! This is the data MISP publishes at `GET /attributes/describeTypes.json`
//! (and that PyMISP ships as `pymisp/data/describeTypes.json`): 194 attribute
//! types, each with a default category and a default `to_ids` flag, and 16
//! categories, each listing the types it allows. The table follows MISP's
//! `MispAttribute::$typeDefinitions` / `$categoryDefinitions` as published by
//! PyMISP 2.5.34, in MISP's order. The order matters only for output
//! (`describe_types`, `all_types`, `categories`); lookups are by name and are
//! case-sensitive, as in MISP (`AS` is upper case, everything else lower case).
//!
//! Composite types are the ones whose value is two parts joined by `|`
//! (`filename|md5`, `ip-dst|port`, …) plus `malware-sample`, whose value is
//! `filename|md5` although its name has no `|` (MISP's `getCompositeTypes`).

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::{Map, Value, json};

/// One MISP attribute type with its defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TypeInfo {
    /// The type name as MISP spells it (`md5`, `ip-dst|port`, `AS`, …).
    pub name: &'static str,
    /// The category MISP assigns when none is given.
    pub default_category: &'static str,
    /// Whether `to_ids` defaults to true for this type.
    pub to_ids: bool,
}

const INTERNAL_REFERENCE: &str = "Internal reference";
const TARGETING_DATA: &str = "Targeting data";
const ANTIVIRUS_DETECTION: &str = "Antivirus detection";
const PAYLOAD_DELIVERY: &str = "Payload delivery";
const ARTIFACTS_DROPPED: &str = "Artifacts dropped";
const PAYLOAD_INSTALLATION: &str = "Payload installation";
const PERSISTENCE_MECHANISM: &str = "Persistence mechanism";
const NETWORK_ACTIVITY: &str = "Network activity";
const PAYLOAD_TYPE: &str = "Payload type";
const ATTRIBUTION: &str = "Attribution";
const EXTERNAL_ANALYSIS: &str = "External analysis";
const FINANCIAL_FRAUD: &str = "Financial fraud";
const SUPPORT_TOOL: &str = "Support Tool";
const SOCIAL_NETWORK: &str = "Social network";
const PERSON: &str = "Person";
const OTHER: &str = "Other";

macro_rules! row {
    ($name:literal, $category:ident, $to_ids:literal) => {
        TypeInfo { name: $name, default_category: $category, to_ids: $to_ids }
    };
}

/// Every type in MISP's order, with its default category and `to_ids`.
static TYPES: &[TypeInfo] = &[
    row!("md5", PAYLOAD_DELIVERY, true),
    row!("sha1", PAYLOAD_DELIVERY, true),
    row!("sha256", PAYLOAD_DELIVERY, true),
    row!("filename", PAYLOAD_DELIVERY, true),
    row!("pdb", ARTIFACTS_DROPPED, false),
    row!("filename|md5", PAYLOAD_DELIVERY, true),
    row!("filename|sha1", PAYLOAD_DELIVERY, true),
    row!("filename|sha256", PAYLOAD_DELIVERY, true),
    row!("ip-src", NETWORK_ACTIVITY, true),
    row!("ip-dst", NETWORK_ACTIVITY, true),
    row!("hostname", NETWORK_ACTIVITY, true),
    row!("domain", NETWORK_ACTIVITY, true),
    row!("domain|ip", NETWORK_ACTIVITY, true),
    row!("email", SOCIAL_NETWORK, true),
    row!("email-src", PAYLOAD_DELIVERY, true),
    row!("eppn", NETWORK_ACTIVITY, true),
    row!("email-dst", NETWORK_ACTIVITY, true),
    row!("email-subject", PAYLOAD_DELIVERY, false),
    row!("email-attachment", PAYLOAD_DELIVERY, true),
    row!("email-body", PAYLOAD_DELIVERY, false),
    row!("float", OTHER, false),
    row!("git-commit-id", INTERNAL_REFERENCE, false),
    row!("url", NETWORK_ACTIVITY, true),
    row!("http-method", NETWORK_ACTIVITY, false),
    row!("user-agent", NETWORK_ACTIVITY, false),
    row!("ja3-fingerprint-md5", NETWORK_ACTIVITY, true),
    row!("jarm-fingerprint", NETWORK_ACTIVITY, true),
    row!("favicon-mmh3", NETWORK_ACTIVITY, true),
    row!("hassh-md5", NETWORK_ACTIVITY, true),
    row!("hasshserver-md5", NETWORK_ACTIVITY, true),
    row!("regkey", PERSISTENCE_MECHANISM, true),
    row!("regkey|value", PERSISTENCE_MECHANISM, true),
    row!("AS", NETWORK_ACTIVITY, false),
    row!("snort", NETWORK_ACTIVITY, true),
    row!("suricata", NETWORK_ACTIVITY, true),
    row!("bro", NETWORK_ACTIVITY, true),
    row!("zeek", NETWORK_ACTIVITY, true),
    row!("community-id", NETWORK_ACTIVITY, true),
    row!("dom-hash", NETWORK_ACTIVITY, true),
    row!("pattern-in-file", PAYLOAD_INSTALLATION, true),
    row!("pattern-in-traffic", NETWORK_ACTIVITY, true),
    row!("pattern-in-memory", PAYLOAD_INSTALLATION, true),
    row!("filename-pattern", PAYLOAD_INSTALLATION, true),
    row!("pgp-public-key", PERSON, false),
    row!("pgp-private-key", PERSON, false),
    row!("ssh-fingerprint", NETWORK_ACTIVITY, false),
    row!("yara", PAYLOAD_INSTALLATION, true),
    row!("stix2-pattern", PAYLOAD_INSTALLATION, true),
    row!("sigma", PAYLOAD_INSTALLATION, true),
    row!("gene", ARTIFACTS_DROPPED, false),
    row!("kusto-query", ARTIFACTS_DROPPED, false),
    row!("mime-type", ARTIFACTS_DROPPED, false),
    row!("identity-card-number", PERSON, false),
    row!("cookie", NETWORK_ACTIVITY, false),
    row!("vulnerability", EXTERNAL_ANALYSIS, false),
    row!("cpe", EXTERNAL_ANALYSIS, false),
    row!("weakness", EXTERNAL_ANALYSIS, false),
    row!("attachment", EXTERNAL_ANALYSIS, false),
    row!("malware-sample", PAYLOAD_DELIVERY, true),
    row!("link", EXTERNAL_ANALYSIS, false),
    row!("comment", OTHER, false),
    row!("text", OTHER, false),
    row!("hex", OTHER, false),
    row!("other", OTHER, false),
    row!("named pipe", ARTIFACTS_DROPPED, false),
    row!("mutex", ARTIFACTS_DROPPED, true),
    row!("process-state", ARTIFACTS_DROPPED, false),
    row!("target-user", TARGETING_DATA, false),
    row!("target-email", TARGETING_DATA, false),
    row!("target-machine", TARGETING_DATA, false),
    row!("target-org", TARGETING_DATA, false),
    row!("target-location", TARGETING_DATA, false),
    row!("target-external", TARGETING_DATA, false),
    row!("btc", FINANCIAL_FRAUD, true),
    row!("dash", FINANCIAL_FRAUD, true),
    row!("xmr", FINANCIAL_FRAUD, true),
    row!("iban", FINANCIAL_FRAUD, true),
    row!("bic", FINANCIAL_FRAUD, true),
    row!("bank-account-nr", FINANCIAL_FRAUD, true),
    row!("aba-rtn", FINANCIAL_FRAUD, true),
    row!("bin", FINANCIAL_FRAUD, true),
    row!("cc-number", FINANCIAL_FRAUD, true),
    row!("prtn", FINANCIAL_FRAUD, true),
    row!("phone-number", PERSON, false),
    row!("threat-actor", ATTRIBUTION, false),
    row!("campaign-name", ATTRIBUTION, false),
    row!("campaign-id", ATTRIBUTION, false),
    row!("malware-type", PAYLOAD_DELIVERY, false),
    row!("uri", NETWORK_ACTIVITY, true),
    row!("authentihash", PAYLOAD_DELIVERY, true),
    row!("vhash", PAYLOAD_DELIVERY, true),
    row!("ssdeep", PAYLOAD_DELIVERY, true),
    row!("imphash", PAYLOAD_DELIVERY, true),
    row!("telfhash", PAYLOAD_DELIVERY, true),
    row!("pehash", PAYLOAD_DELIVERY, true),
    row!("impfuzzy", PAYLOAD_DELIVERY, true),
    row!("sha224", PAYLOAD_DELIVERY, true),
    row!("sha384", PAYLOAD_DELIVERY, true),
    row!("sha512", PAYLOAD_DELIVERY, true),
    row!("sha512/224", PAYLOAD_DELIVERY, true),
    row!("sha512/256", PAYLOAD_DELIVERY, true),
    row!("sha3-224", PAYLOAD_DELIVERY, true),
    row!("sha3-256", PAYLOAD_DELIVERY, true),
    row!("sha3-384", PAYLOAD_DELIVERY, true),
    row!("sha3-512", PAYLOAD_DELIVERY, true),
    row!("tlsh", PAYLOAD_DELIVERY, true),
    row!("cdhash", PAYLOAD_DELIVERY, true),
    row!("filename|authentihash", PAYLOAD_DELIVERY, true),
    row!("filename|vhash", PAYLOAD_DELIVERY, true),
    row!("filename|ssdeep", PAYLOAD_DELIVERY, true),
    row!("filename|imphash", PAYLOAD_DELIVERY, true),
    row!("filename|impfuzzy", PAYLOAD_DELIVERY, true),
    row!("filename|pehash", PAYLOAD_DELIVERY, true),
    row!("filename|sha224", PAYLOAD_DELIVERY, true),
    row!("filename|sha384", PAYLOAD_DELIVERY, true),
    row!("filename|sha512", PAYLOAD_DELIVERY, true),
    row!("filename|sha512/224", PAYLOAD_DELIVERY, true),
    row!("filename|sha512/256", PAYLOAD_DELIVERY, true),
    row!("filename|sha3-224", PAYLOAD_DELIVERY, true),
    row!("filename|sha3-256", PAYLOAD_DELIVERY, true),
    row!("filename|sha3-384", PAYLOAD_DELIVERY, true),
    row!("filename|sha3-512", PAYLOAD_DELIVERY, true),
    row!("filename|tlsh", PAYLOAD_DELIVERY, true),
    row!("windows-scheduled-task", ARTIFACTS_DROPPED, false),
    row!("windows-service-name", ARTIFACTS_DROPPED, false),
    row!("windows-service-displayname", ARTIFACTS_DROPPED, false),
    row!("whois-registrant-email", ATTRIBUTION, false),
    row!("whois-registrant-phone", ATTRIBUTION, false),
    row!("whois-registrant-name", ATTRIBUTION, false),
    row!("whois-registrant-org", ATTRIBUTION, false),
    row!("whois-registrar", ATTRIBUTION, false),
    row!("whois-creation-date", ATTRIBUTION, false),
    row!("x509-fingerprint-sha1", NETWORK_ACTIVITY, true),
    row!("x509-fingerprint-md5", NETWORK_ACTIVITY, true),
    row!("x509-fingerprint-sha256", NETWORK_ACTIVITY, true),
    row!("dns-soa-email", ATTRIBUTION, false),
    row!("size-in-bytes", OTHER, false),
    row!("counter", OTHER, false),
    row!("integer", OTHER, false),
    row!("datetime", OTHER, false),
    row!("port", NETWORK_ACTIVITY, false),
    row!("ip-dst|port", NETWORK_ACTIVITY, true),
    row!("ip-src|port", NETWORK_ACTIVITY, true),
    row!("hostname|port", NETWORK_ACTIVITY, true),
    row!("mac-address", NETWORK_ACTIVITY, false),
    row!("mac-eui-64", NETWORK_ACTIVITY, false),
    row!("email-dst-display-name", PAYLOAD_DELIVERY, false),
    row!("email-src-display-name", PAYLOAD_DELIVERY, false),
    row!("email-header", PAYLOAD_DELIVERY, false),
    row!("email-reply-to", PAYLOAD_DELIVERY, false),
    row!("email-x-mailer", PAYLOAD_DELIVERY, false),
    row!("email-mime-boundary", PAYLOAD_DELIVERY, false),
    row!("email-thread-index", PAYLOAD_DELIVERY, false),
    row!("email-message-id", PAYLOAD_DELIVERY, false),
    row!("github-username", SOCIAL_NETWORK, false),
    row!("github-repository", SOCIAL_NETWORK, false),
    row!("github-organisation", SOCIAL_NETWORK, false),
    row!("jabber-id", SOCIAL_NETWORK, false),
    row!("twitter-id", SOCIAL_NETWORK, false),
    row!("dkim", NETWORK_ACTIVITY, false),
    row!("dkim-signature", NETWORK_ACTIVITY, false),
    row!("first-name", PERSON, false),
    row!("middle-name", PERSON, false),
    row!("last-name", PERSON, false),
    row!("full-name", PERSON, false),
    row!("date-of-birth", PERSON, false),
    row!("place-of-birth", PERSON, false),
    row!("gender", PERSON, false),
    row!("passport-number", PERSON, false),
    row!("passport-country", PERSON, false),
    row!("passport-expiration", PERSON, false),
    row!("redress-number", PERSON, false),
    row!("nationality", PERSON, false),
    row!("visa-number", PERSON, false),
    row!("issue-date-of-the-visa", PERSON, false),
    row!("primary-residence", PERSON, false),
    row!("country-of-residence", PERSON, false),
    row!("special-service-request", PERSON, false),
    row!("frequent-flyer-number", PERSON, false),
    row!("travel-details", PERSON, false),
    row!("payment-details", PERSON, false),
    row!("place-port-of-original-embarkation", PERSON, false),
    row!("place-port-of-clearance", PERSON, false),
    row!("place-port-of-onward-foreign-destination", PERSON, false),
    row!("passenger-name-record-locator-number", PERSON, false),
    row!("mobile-application-id", PAYLOAD_DELIVERY, true),
    row!("azure-application-id", PAYLOAD_DELIVERY, true),
    row!("chrome-extension-id", PAYLOAD_DELIVERY, true),
    row!("edge-extension-id", PAYLOAD_DELIVERY, true),
    row!("cortex", EXTERNAL_ANALYSIS, false),
    row!("boolean", OTHER, false),
    row!("uuid", OTHER, false),
    row!("anonymised", OTHER, false),
    row!("onion-address", NETWORK_ACTIVITY, true),
];

/// Every category in MISP's order, with the types it allows in MISP's order.
#[rustfmt::skip]
static CATEGORIES: &[(&str, &[&str])] = &[
    (INTERNAL_REFERENCE, &[
        "text", "link", "comment", "other", "hex", "anonymised", "git-commit-id",
    ]),
    (TARGETING_DATA, &[
        "target-user", "target-email", "target-machine", "target-org", "target-location",
        "target-external", "comment", "anonymised",
    ]),
    (ANTIVIRUS_DETECTION, &[
        "link", "comment", "text", "hex", "attachment", "other", "anonymised",
    ]),
    (PAYLOAD_DELIVERY, &[
        "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha512/224", "sha512/256",
        "sha3-224", "sha3-256", "sha3-384", "sha3-512", "ssdeep", "imphash", "telfhash",
        "impfuzzy", "authentihash", "vhash", "pehash", "tlsh", "cdhash", "filename",
        "filename|md5", "filename|sha1", "filename|sha224", "filename|sha256",
        "filename|sha384", "filename|sha512", "filename|sha512/224", "filename|sha512/256",
        "filename|sha3-224", "filename|sha3-256", "filename|sha3-384", "filename|sha3-512",
        "filename|authentihash", "filename|vhash", "filename|ssdeep", "filename|tlsh",
        "filename|imphash", "filename|impfuzzy", "filename|pehash", "mac-address", "mac-eui-64",
        "ip-src", "ip-dst", "ip-dst|port", "ip-src|port", "hostname", "domain", "email",
        "email-src", "email-dst", "email-subject", "email-attachment", "email-body", "url",
        "user-agent", "AS", "pattern-in-file", "pattern-in-traffic", "filename-pattern",
        "stix2-pattern", "yara", "sigma", "mime-type", "attachment", "malware-sample", "link",
        "malware-type", "comment", "text", "hex", "vulnerability", "cpe", "weakness",
        "x509-fingerprint-sha1", "x509-fingerprint-md5", "x509-fingerprint-sha256",
        "ja3-fingerprint-md5", "jarm-fingerprint", "hassh-md5", "hasshserver-md5", "other",
        "hostname|port", "email-dst-display-name", "email-src-display-name", "email-header",
        "email-reply-to", "email-x-mailer", "email-mime-boundary", "email-thread-index",
        "email-message-id", "azure-application-id", "mobile-application-id",
        "chrome-extension-id", "edge-extension-id", "whois-registrant-email", "anonymised",
        "onion-address",
    ]),
    (ARTIFACTS_DROPPED, &[
        "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha512/224", "sha512/256",
        "sha3-224", "sha3-256", "sha3-384", "sha3-512", "ssdeep", "imphash", "telfhash",
        "impfuzzy", "authentihash", "vhash", "cdhash", "filename", "filename|md5",
        "filename|sha1", "filename|sha224", "filename|sha256", "filename|sha384",
        "filename|sha512", "filename|sha512/224", "filename|sha512/256", "filename|sha3-224",
        "filename|sha3-256", "filename|sha3-384", "filename|sha3-512", "filename|authentihash",
        "filename|vhash", "filename|ssdeep", "filename|tlsh", "filename|imphash",
        "filename|impfuzzy", "filename|pehash", "regkey", "regkey|value", "pattern-in-file",
        "pattern-in-memory", "filename-pattern", "pdb", "stix2-pattern", "yara", "sigma",
        "attachment", "malware-sample", "named pipe", "mutex", "process-state",
        "windows-scheduled-task", "windows-service-name", "windows-service-displayname",
        "comment", "text", "hex", "x509-fingerprint-sha1", "x509-fingerprint-md5",
        "x509-fingerprint-sha256", "other", "cookie", "gene", "kusto-query", "mime-type",
        "anonymised", "pgp-public-key", "pgp-private-key",
    ]),
    (PAYLOAD_INSTALLATION, &[
        "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha512/224", "sha512/256",
        "sha3-224", "sha3-256", "sha3-384", "sha3-512", "ssdeep", "imphash", "telfhash",
        "impfuzzy", "authentihash", "vhash", "pehash", "tlsh", "cdhash", "filename",
        "filename|md5", "filename|sha1", "filename|sha224", "filename|sha256",
        "filename|sha384", "filename|sha512", "filename|sha512/224", "filename|sha512/256",
        "filename|sha3-224", "filename|sha3-256", "filename|sha3-384", "filename|sha3-512",
        "filename|authentihash", "filename|vhash", "filename|ssdeep", "filename|tlsh",
        "filename|imphash", "filename|impfuzzy", "filename|pehash", "pattern-in-file",
        "pattern-in-traffic", "pattern-in-memory", "filename-pattern", "stix2-pattern", "yara",
        "sigma", "vulnerability", "cpe", "weakness", "attachment", "malware-sample",
        "malware-type", "comment", "text", "hex", "x509-fingerprint-sha1",
        "x509-fingerprint-md5", "x509-fingerprint-sha256", "azure-application-id",
        "mobile-application-id", "chrome-extension-id", "edge-extension-id", "other",
        "mime-type", "anonymised",
    ]),
    (PERSISTENCE_MECHANISM, &[
        "filename", "regkey", "regkey|value", "comment", "text", "other", "hex", "anonymised",
    ]),
    (NETWORK_ACTIVITY, &[
        "ip-src", "ip-dst", "ip-dst|port", "ip-src|port", "port", "hostname", "domain",
        "domain|ip", "mac-address", "mac-eui-64", "email", "email-dst", "email-src", "eppn",
        "url", "uri", "user-agent", "http-method", "AS", "snort", "suricata", "pattern-in-file",
        "filename-pattern", "stix2-pattern", "pattern-in-traffic", "attachment", "comment",
        "text", "x509-fingerprint-md5", "x509-fingerprint-sha1", "x509-fingerprint-sha256",
        "ja3-fingerprint-md5", "jarm-fingerprint", "hassh-md5", "hasshserver-md5", "other",
        "hex", "cookie", "hostname|port", "bro", "zeek", "anonymised", "community-id",
        "email-subject", "favicon-mmh3", "dkim", "dkim-signature", "ssh-fingerprint",
        "dom-hash", "onion-address",
    ]),
    (PAYLOAD_TYPE, &[
        "comment", "text", "other", "anonymised",
    ]),
    (ATTRIBUTION, &[
        "threat-actor", "campaign-name", "campaign-id", "whois-registrant-phone",
        "whois-registrant-email", "whois-registrant-name", "whois-registrant-org",
        "whois-registrar", "whois-creation-date", "comment", "text", "x509-fingerprint-sha1",
        "x509-fingerprint-md5", "x509-fingerprint-sha256", "other", "dns-soa-email",
        "anonymised", "email",
    ]),
    (EXTERNAL_ANALYSIS, &[
        "md5", "sha1", "sha256", "sha3-224", "sha3-256", "sha3-384", "sha3-512", "filename",
        "filename|md5", "filename|sha1", "filename|sha256", "filename|sha3-224",
        "filename|sha3-256", "filename|sha3-384", "filename|sha3-512", "ip-src", "ip-dst",
        "ip-dst|port", "ip-src|port", "mac-address", "mac-eui-64", "hostname", "domain",
        "domain|ip", "url", "user-agent", "regkey", "regkey|value", "AS", "snort", "suricata",
        "bro", "zeek", "pattern-in-file", "pattern-in-traffic", "pattern-in-memory",
        "filename-pattern", "vulnerability", "cpe", "weakness", "attachment", "malware-sample",
        "link", "comment", "text", "x509-fingerprint-sha1", "x509-fingerprint-md5",
        "x509-fingerprint-sha256", "ja3-fingerprint-md5", "jarm-fingerprint", "hassh-md5",
        "hasshserver-md5", "github-repository", "other", "cortex", "anonymised", "community-id",
        "dom-hash", "onion-address",
    ]),
    (FINANCIAL_FRAUD, &[
        "btc", "dash", "xmr", "iban", "bic", "bank-account-nr", "aba-rtn", "bin", "cc-number",
        "prtn", "phone-number", "comment", "text", "other", "hex", "anonymised",
    ]),
    (SUPPORT_TOOL, &[
        "link", "text", "attachment", "comment", "other", "hex", "anonymised",
    ]),
    (SOCIAL_NETWORK, &[
        "github-username", "github-repository", "github-organisation", "jabber-id",
        "twitter-id", "email", "email-src", "email-dst", "eppn", "comment", "text", "other",
        "whois-registrant-email", "anonymised", "pgp-public-key", "pgp-private-key",
    ]),
    (PERSON, &[
        "first-name", "middle-name", "last-name", "full-name", "date-of-birth",
        "place-of-birth", "gender", "passport-number", "passport-country",
        "passport-expiration", "redress-number", "nationality", "visa-number",
        "issue-date-of-the-visa", "primary-residence", "country-of-residence",
        "special-service-request", "frequent-flyer-number", "travel-details", "payment-details",
        "place-port-of-original-embarkation", "place-port-of-clearance",
        "place-port-of-onward-foreign-destination", "passenger-name-record-locator-number",
        "comment", "text", "other", "phone-number", "identity-card-number", "anonymised",
        "email", "pgp-public-key", "pgp-private-key",
    ]),
    (OTHER, &[
        "comment", "text", "other", "size-in-bytes", "counter", "integer", "datetime", "cpe",
        "port", "float", "hex", "phone-number", "boolean", "anonymised", "pgp-public-key",
        "pgp-private-key", "uuid",
    ]),
];

/// Type name → row, built once.
static TYPE_INDEX: LazyLock<HashMap<&'static str, &'static TypeInfo>> = LazyLock::new(|| TYPES.iter().map(|t| (t.name, t)).collect());

/// Category name → allowed types, built once.
static CATEGORY_INDEX: LazyLock<HashMap<&'static str, &'static [&'static str]>> = LazyLock::new(|| CATEGORIES.iter().copied().collect());

/// Category names in MISP's order, built once.
static CATEGORY_NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| CATEGORIES.iter().map(|(name, _)| *name).collect());

/// The attribute value column holds at most this many bytes (MySQL `TEXT`);
/// MISP refuses longer values (`MispAttribute::maxTextLength`).
pub const MAX_VALUE_BYTES: usize = 65_535;

/// The row for a type name, or `None` for a type MISP does not know.
pub fn type_info(name: &str) -> Option<&'static TypeInfo> {
    TYPE_INDEX.get(name).copied()
}

/// All types, in MISP's order.
pub fn all_types() -> &'static [TypeInfo] {
    TYPES
}

/// All category names, in MISP's order.
pub fn categories() -> &'static [&'static str] {
    &CATEGORY_NAMES
}

/// The types a category allows, in MISP's order; `None` for an unknown category.
pub fn types_in_category(category: &str) -> Option<&'static [&'static str]> {
    CATEGORY_INDEX.get(category).copied()
}

/// Whether MISP accepts an attribute of this type in this category
/// (`MispAttribute::validateTypeValue`). False for unknown names.
pub fn category_allows(category: &str, type_name: &str) -> bool {
    types_in_category(category).is_some_and(|types| types.contains(&type_name))
}

/// Whether a type's value has two parts joined by `|` (MISP's `getCompositeTypes`):
/// every type whose name contains `|`, plus `malware-sample` (`filename|md5`).
pub fn is_composite(type_name: &str) -> bool {
    type_name == "malware-sample" || (type_name.contains('|') && type_info(type_name).is_some())
}

/// Whether a type carries a file in `data` (MISP's `attachment` and `malware-sample`).
pub fn is_attachment(type_name: &str) -> bool {
    matches!(type_name, "attachment" | "malware-sample")
}

/// Whether MISP never correlates values of this type
/// (`MispAttribute::NON_CORRELATING_TYPES`).
pub fn is_non_correlating(type_name: &str) -> bool {
    matches!(
        type_name,
        "comment"
            | "http-method"
            | "aba-rtn"
            | "gender"
            | "counter"
            | "integer"
            | "float"
            | "port"
            | "nationality"
            | "cortex"
            | "boolean"
            | "anonymised"
    )
}

/// The body of MISP's `describeTypes` answer: an object with `sane_defaults`
/// (`{type: {default_category, to_ids: 0|1}}`), `types`, `categories` and
/// `category_type_mappings` (`{category: [type, …]}`), keys and lists in MISP's
/// order. The HTTP layer wraps it as `{"result": …}`.
pub fn describe_types() -> Value {
    DESCRIBE_TYPES.clone()
}

static DESCRIBE_TYPES: LazyLock<Value> = LazyLock::new(|| {
    let mut sane_defaults = Map::with_capacity(TYPES.len());
    for t in TYPES {
        sane_defaults.insert(t.name.to_owned(), json!({ "default_category": t.default_category, "to_ids": u8::from(t.to_ids) }));
    }
    let types: Vec<&str> = TYPES.iter().map(|t| t.name).collect();
    let mut mappings = Map::with_capacity(CATEGORIES.len());
    for (category, allowed) in CATEGORIES {
        mappings.insert((*category).to_owned(), json!(allowed));
    }
    json!({
        "sane_defaults": sane_defaults,
        "types": types,
        "categories": categories(),
        "category_type_mappings": mappings,
    })
});

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn counts_match_misp() {
        assert_eq!(all_types().len(), 194);
        assert_eq!(categories().len(), 16);
        let mapped: usize = CATEGORIES.iter().map(|(_, t)| t.len()).sum();
        assert_eq!(mapped, 486);
    }

    #[test]
    fn names_are_unique() {
        let types: HashSet<_> = TYPES.iter().map(|t| t.name).collect();
        assert_eq!(types.len(), TYPES.len());
        let cats: HashSet<_> = categories().iter().collect();
        assert_eq!(cats.len(), CATEGORIES.len());
        for (category, allowed) in CATEGORIES {
            let set: HashSet<_> = allowed.iter().collect();
            assert_eq!(set.len(), allowed.len(), "duplicate type in {category}");
        }
    }

    #[test]
    fn every_mapping_names_a_known_type_and_every_type_is_mapped() {
        let mut mapped = HashSet::new();
        for (category, allowed) in CATEGORIES {
            for t in *allowed {
                assert!(type_info(t).is_some(), "{category} lists unknown type {t}");
                mapped.insert(*t);
            }
        }
        for t in TYPES {
            assert!(mapped.contains(t.name), "{} is in no category", t.name);
        }
    }

    #[test]
    fn default_category_allows_its_type() {
        for t in TYPES {
            assert!(category_allows(t.default_category, t.name), "{}", t.name);
        }
    }

    #[test]
    fn spot_checks() {
        let md5 = type_info("md5");
        assert_eq!(md5, Some(&TypeInfo { name: "md5", default_category: "Payload delivery", to_ids: true }));
        let asn = type_info("AS");
        assert_eq!(asn.map(|t| (t.default_category, t.to_ids)), Some(("Network activity", false)));
        assert!(type_info("as").is_none(), "type names are case-sensitive");
        assert_eq!(type_info("email").map(|t| t.default_category), Some("Social network"));
        assert_eq!(type_info("pdb").map(|t| (t.default_category, t.to_ids)), Some(("Artifacts dropped", false)));
        assert_eq!(type_info("onion-address").map(|t| t.to_ids), Some(true));
        assert_eq!(all_types().first().map(|t| t.name), Some("md5"));
        assert_eq!(all_types().last().map(|t| t.name), Some("onion-address"));
        assert_eq!(categories().first(), Some(&"Internal reference"));
        assert_eq!(categories().last(), Some(&"Other"));
        assert!(category_allows("Network activity", "ip-dst"));
        assert!(!category_allows("Network activity", "md5"));
        assert!(!category_allows("network activity", "ip-dst"));
        assert!(category_allows("Other", "uuid"));
        assert_eq!(types_in_category("Payload type"), Some(&["comment", "text", "other", "anonymised"][..]));
        assert!(types_in_category("Nope").is_none());
    }

    #[test]
    fn composites() {
        let composite: Vec<_> = TYPES.iter().filter(|t| is_composite(t.name)).map(|t| t.name).collect();
        assert_eq!(composite.len(), 25);
        assert!(is_composite("malware-sample"));
        assert!(is_composite("regkey|value"));
        assert!(is_composite("filename|sha512/256"));
        assert!(!is_composite("md5"));
        assert!(!is_composite("attachment"));
        assert!(!is_composite("nope|nope"));
    }

    #[test]
    fn describe_types_shape() {
        let v = describe_types();
        let keys: Vec<_> = v.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        assert_eq!(keys, ["sane_defaults", "types", "categories", "category_type_mappings"]);
        assert_eq!(v["sane_defaults"]["md5"], json!({"default_category": "Payload delivery", "to_ids": 1}));
        assert_eq!(v["sane_defaults"]["comment"], json!({"default_category": "Other", "to_ids": 0}));
        assert_eq!(v["types"].as_array().map(Vec::len), Some(194));
        assert_eq!(v["categories"].as_array().map(Vec::len), Some(16));
        assert_eq!(v["category_type_mappings"]["Payload type"], json!(["comment", "text", "other", "anonymised"]));
    }
}

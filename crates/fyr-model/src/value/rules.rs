//! The per-type rules: which rewrite and which check each MISP type gets.
//!
//! The mapping follows MISP 2.5.1's `AttributeValidationTool` type by type.
//! Types that MISP 2.5.1 does not know yet but PyMISP 2.5.34 lists (`suricata`,
//! `edge-extension-id`, `uuid`, and `filename|impfuzzy`, which 2.5.1 lists but
//! cannot validate) get the rule of their closest sibling; see each arm.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::net::{self, Refang, excerpt};
use super::{datetime, php};

/// How one type is rewritten and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// A hex digest of a fixed length; `lower` says whether MISP lower-cases it.
    Hash { len: usize, lower: bool },
    /// `x509-fingerprint-*`: colons removed, lower-cased, then a fixed-length digest.
    X509 { len: usize },
    /// `tlsh`: lower-cased, an optional `t` then more than 35 hex digits.
    Tlsh,
    /// `telfhash`: lower-cased, 70 or 72 bytes (MISP checks only the length).
    Telfhash,
    /// `cdhash`: lower-cased, at least 40 hex digits.
    Cdhash,
    /// `vhash`: lower-cased, one line.
    Vhash,
    /// `ssdeep`: `blocksize:hash:hash`.
    Ssdeep,
    /// `impfuzzy`: `imports:hash:hash` with a numeric first part.
    Impfuzzy,
    /// `filename|<hash>` with a fixed-length digest, lower-cased after the `|`.
    FilenameHash { len: usize },
    /// `filename|ssdeep`.
    FilenameSsdeep,
    /// `filename|tlsh`.
    FilenameTlsh,
    /// `filename|vhash`.
    FilenameVhash,
    /// `filename|impfuzzy` (not validated by MISP 2.5.1; checked like its parts).
    FilenameImpfuzzy,
    /// `ip-src`, `ip-dst`: an address or CIDR block.
    Ip,
    /// `ip-src|port`, `ip-dst|port`.
    IpPort,
    /// `domain`.
    Domain,
    /// `hostname`.
    Hostname,
    /// `domain|ip`.
    DomainIp,
    /// `hostname|port`.
    HostnamePort,
    /// E-mail-like types; `lower` for the ones MISP lower-cases.
    Email { lower: bool, refang: bool },
    /// `link`: a URL PHP's `FILTER_VALIDATE_URL` accepts.
    Link,
    /// `url`: refanged, one line.
    Url,
    /// Free text on one line (no LF).
    SingleLine,
    /// Free text, any content.
    FreeText,
    /// `anonymised`: lower-cased free text.
    Anonymised,
    /// `port`: 1–65535.
    Port,
    /// `AS`: `AS` prefix dropped, asdot converted, 0–4294967295.
    AsNumber,
    /// `mac-address` (6 octets) and `mac-eui-64` (8 octets).
    Mac { octets: usize },
    /// `vulnerability`.
    Vulnerability,
    /// `weakness`: `CWE-<n>`.
    Weakness,
    /// `hex`: upper-cased hex digits.
    Hex,
    /// `http-method`: upper-cased, containing a known method name.
    HttpMethod,
    /// `size-in-bytes`, `counter`: a whole number ≥ 0.
    Count,
    /// `integer`: an optionally signed whole number.
    Integer,
    /// `float`, `bank-account-nr`, `aba-rtn`: PHP `is_numeric`.
    Numeric,
    /// `cc-number`, `bin`: everything but digits removed.
    CardNumber,
    /// `iban`, `bic`: upper-cased, everything but letters and digits removed.
    BankCode,
    /// `btc`, `dash`, `xmr`: letters and digits.
    Alphanumeric,
    /// `phone-number`, `whois-registrant-phone`, `prtn`.
    Phone,
    /// `boolean`: `1` or `0`.
    Boolean,
    /// `datetime`.
    Datetime,
    /// `cortex`: JSON.
    Json,
    /// `windows-service-name`, `windows-service-displayname`.
    WindowsService,
    /// `ssh-fingerprint`.
    SshFingerprint,
    /// `onion-address`.
    Onion,
    /// `uuid`.
    Uuid,
}

static RULES: LazyLock<HashMap<&'static str, Rule>> =
    LazyLock::new(|| crate::types::all_types().iter().filter_map(|t| Some((t.name, rule_for(t.name)?))).collect());

/// The rule for a type name, by MISP's `AttributeValidationTool`.
#[rustfmt::skip]
fn rule_for(type_name: &str) -> Option<Rule> {
    use Rule::*;
    Some(match type_name {
        "md5" | "imphash" | "ja3-fingerprint-md5" | "hassh-md5" | "hasshserver-md5"
        | "dom-hash" => Hash { len: 32, lower: true },
        "sha1" | "pehash" => Hash { len: 40, lower: true },
        "git-commit-id" => Hash { len: 40, lower: false },
        "sha224" | "sha512/224" | "sha3-224" => Hash { len: 56, lower: true },
        "sha256" | "sha512/256" | "sha3-256" | "authentihash" => Hash { len: 64, lower: true },
        "sha384" | "sha3-384" => Hash { len: 96, lower: true },
        "sha512" | "sha3-512" => Hash { len: 128, lower: true },
        "jarm-fingerprint" => Hash { len: 62, lower: true },
        "x509-fingerprint-md5" => X509 { len: 32 },
        "x509-fingerprint-sha1" => X509 { len: 40 },
        "x509-fingerprint-sha256" => X509 { len: 64 },
        "tlsh" => Tlsh,
        "telfhash" => Telfhash,
        "cdhash" => Cdhash,
        "vhash" => Vhash,
        "ssdeep" => Ssdeep,
        "impfuzzy" => Impfuzzy,
        "filename|md5" | "filename|imphash" => FilenameHash { len: 32 },
        "filename|sha1" | "filename|pehash" => FilenameHash { len: 40 },
        "filename|sha224" | "filename|sha512/224" | "filename|sha3-224" => FilenameHash { len: 56 },
        "filename|sha256" | "filename|sha512/256" | "filename|sha3-256"
        | "filename|authentihash" => FilenameHash { len: 64 },
        "filename|sha384" | "filename|sha3-384" => FilenameHash { len: 96 },
        "filename|sha512" | "filename|sha3-512" => FilenameHash { len: 128 },
        "filename|ssdeep" => FilenameSsdeep,
        "filename|tlsh" => FilenameTlsh,
        "filename|vhash" => FilenameVhash,
        // Listed by MISP 2.5.1 but missing from its validator; checked like its parts.
        "filename|impfuzzy" => FilenameImpfuzzy,
        "ip-src" | "ip-dst" => Ip,
        "ip-src|port" | "ip-dst|port" => IpPort,
        "domain" => Domain,
        "hostname" => Hostname,
        "domain|ip" => DomainIp,
        "hostname|port" => HostnamePort,
        "email" | "email-src" | "email-dst" => Email { lower: true, refang: true },
        "target-email" | "whois-registrant-email" => Email { lower: true, refang: false },
        "eppn" | "dns-soa-email" | "jabber-id" => Email { lower: false, refang: false },
        "link" => Link,
        "url" => Url,
        "uri" | "user-agent" | "regkey" | "regkey|value" | "filename" | "pdb"
        | "windows-scheduled-task" | "target-user" | "target-machine" | "target-org"
        | "target-location" | "target-external" | "campaign-name" | "campaign-id"
        | "threat-actor" | "email-subject" | "malware-type" | "whois-registrant-name"
        | "whois-registrant-org" | "whois-registrar" | "whois-creation-date" | "date-of-birth"
        | "place-of-birth" | "gender" | "passport-number" | "passport-country"
        | "passport-expiration" | "redress-number" | "nationality" | "visa-number"
        | "issue-date-of-the-visa" | "primary-residence" | "country-of-residence"
        | "special-service-request" | "frequent-flyer-number" | "travel-details"
        | "payment-details" | "place-port-of-original-embarkation" | "place-port-of-clearance"
        | "place-port-of-onward-foreign-destination" | "passenger-name-record-locator-number"
        | "email-dst-display-name" | "email-src-display-name" | "email-reply-to"
        | "email-x-mailer" | "email-mime-boundary" | "email-thread-index" | "email-message-id"
        | "github-username" | "github-repository" | "github-organisation" | "twitter-id"
        | "dkim" | "dkim-signature" | "favicon-mmh3" | "chrome-extension-id"
        | "mobile-application-id" | "azure-application-id" | "named pipe" => SingleLine,
        // Newer than MISP 2.5.1; treated like its sibling chrome-extension-id.
        "edge-extension-id" => SingleLine,
        "mutex" | "process-state" | "snort" | "bro" | "zeek" | "community-id"
        | "pattern-in-file" | "pattern-in-traffic" | "pattern-in-memory" | "filename-pattern"
        | "pgp-public-key" | "pgp-private-key" | "yara" | "stix2-pattern" | "sigma" | "gene"
        | "kusto-query" | "mime-type" | "identity-card-number" | "cookie" | "attachment"
        | "malware-sample" | "comment" | "text" | "other" | "cpe" | "email-attachment"
        | "email-body" | "email-header" | "first-name" | "middle-name" | "last-name"
        | "full-name" => FreeText,
        // Newer than MISP 2.5.1; treated like its sibling snort.
        "suricata" => FreeText,
        "anonymised" => Anonymised,
        "port" => Port,
        "AS" => AsNumber,
        "mac-address" => Mac { octets: 6 },
        "mac-eui-64" => Mac { octets: 8 },
        "vulnerability" => Vulnerability,
        "weakness" => Weakness,
        "hex" => Hex,
        "http-method" => HttpMethod,
        "size-in-bytes" | "counter" => Count,
        "integer" => Integer,
        "float" | "bank-account-nr" | "aba-rtn" => Numeric,
        "cc-number" | "bin" => CardNumber,
        "iban" | "bic" => BankCode,
        "btc" | "dash" | "xmr" => Alphanumeric,
        "phone-number" | "whois-registrant-phone" | "prtn" => Phone,
        "boolean" => Boolean,
        "datetime" => Datetime,
        "cortex" => Json,
        "windows-service-name" | "windows-service-displayname" => WindowsService,
        "ssh-fingerprint" => SshFingerprint,
        "onion-address" => Onion,
        "uuid" => Uuid,
        _ => return None,
    })
}

/// Identifier schemes the `vulnerability` type accepts: CVE (MISP 2.5.1) and the
/// advisory identifiers newer MISP releases accept (as mirrored by PyMISP
/// 2.5.34's validation tool), case-insensitively.
static VULNERABILITY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        "(?i-u)^(?:",
        "cve-[0-9]{4}-[0-9]{4,}",
        "|gcve-[0-9]+-[0-9]{4}-[0-9]+",
        "|(?:fkie|msrc)_cve-[0-9]{4}-[0-9]{4,}",
        "|ghsa(?:-[a-z0-9]{4}){3}",
        "|pysec-[0-9]{4}-[0-9]{2,5}",
        "|gsd-[0-9]{4}-[0-9]{4,5}",
        "|mal-[0-9]{4}-[0-9]+",
        "|wid-sec-w-[0-9]{4}-[0-9]{4}",
        "|ncsc-[0-9]{4}-[0-9]{4}",
        "|ssa-[0-9]{6}",
        "|rh[bes]a-[0-9]{4}:[0-9]{4,}",
        "|icsm?a-[0-9]{2}-[0-9]{3}-[0-9]{2}",
        "|va-[0-9]{2}-[0-9]{3}-[0-9]{2}",
        "|cisco-sa(?:-[a-z0-9_]+)+",
        "|sca-[0-9]{4}-[0-9]{4,}",
        "|nn-[0-9]{4}[:_][0-9]-[0-9]{2}",
        "|oxas-adv-[0-9]{4}-[0-9]{4}",
        "|var-[0-9]{6}-[0-9]{4}",
        "|jvndb-[0-9]{4}-[0-9]{6}",
        "|ts-[0-9]{4}-[0-9]{4}",
        "|(?:open)?suse-su-[0-9]{4}:[0-9]{4,}-[0-9]",
        "|cnvd-[0-9]{4}-[0-9]{5}",
        "|certfr-[0-9]{4}-(?:avi-[0-9]{4}|ale-[0-9]{3})",
        ")$"
    ))
    .ok()
});

const HTTP_METHODS: [&str; 30] = [
    "OPTIONS",
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "DELETE",
    "TRACE",
    "CONNECT",
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "COPY",
    "MOVE",
    "LOCK",
    "UNLOCK",
    "VERSION-CONTROL",
    "REPORT",
    "CHECKOUT",
    "CHECKIN",
    "UNCHECKOUT",
    "MKWORKSPACE",
    "UPDATE",
    "LABEL",
    "MERGE",
    "BASELINE-CONTROL",
    "MKACTIVITY",
    "ORDERPATCH",
    "ACL",
    "PATCH",
    "SEARCH",
];

impl Rule {
    /// The rule for a known type name.
    pub(crate) fn of(type_name: &str) -> Option<Rule> {
        RULES.get(type_name).copied()
    }

    /// Which refanging the type gets before anything else.
    pub(crate) fn refang(self) -> Option<Refang> {
        match self {
            Rule::Url | Rule::Link => Some(Refang::Url),
            Rule::Ip | Rule::Domain | Rule::DomainIp | Rule::Hostname => Some(Refang::Dots),
            Rule::Email { refang: true, .. } => Some(Refang::Email),
            _ => None,
        }
    }

    /// MISP's `modifyBeforeValidation` for this type.
    pub(crate) fn rewrite(self, v: Cow<'_, str>) -> Cow<'_, str> {
        match self {
            Rule::Hash { lower: true, .. }
            | Rule::Tlsh
            | Rule::Telfhash
            | Rule::Cdhash
            | Rule::Vhash
            | Rule::Hostname
            | Rule::Anonymised
            | Rule::Onion
            | Rule::Email { lower: true, .. } => php::lower(v),
            Rule::X509 { .. } => Cow::Owned(v.replace(':', "").to_ascii_lowercase()),
            Rule::FilenameHash { .. } | Rule::FilenameVhash | Rule::FilenameTlsh => match v.find('|') {
                Some(at) if v[at..].bytes().any(|b| b.is_ascii_uppercase()) => {
                    Cow::Owned(format!("{}{}", &v[..at], v[at..].to_ascii_lowercase()))
                }
                Some(_) => v,
                None => php::lower(v),
            },
            Rule::Ip => Cow::Owned(net::normalise_ip(&v).into_owned()),
            Rule::Domain => Cow::Owned(net::normalise_domain(&v)),
            Rule::DomainIp => rewrite_domain_ip(v),
            Rule::IpPort => rewrite_ip_port(v),
            Rule::HostnamePort => Cow::Owned(v.to_ascii_lowercase().replace(':', "|")),
            Rule::Hex | Rule::HttpMethod => php::upper(v),
            Rule::Vulnerability => {
                let v = v.replace('–', "-");
                let prefix = v.split('-').next().unwrap_or_default();
                if prefix.eq_ignore_ascii_case("cve") || prefix.eq_ignore_ascii_case("gcve") {
                    Cow::Owned(v.to_ascii_uppercase())
                } else {
                    Cow::Owned(v)
                }
            }
            Rule::Weakness => Cow::Owned(v.replace('–', "-").to_ascii_uppercase()),
            Rule::CardNumber => Cow::Owned(v.chars().filter(char::is_ascii_digit).collect()),
            Rule::BankCode => Cow::Owned(v.to_ascii_uppercase().chars().filter(char::is_ascii_alphanumeric).collect()),
            Rule::Phone => {
                let v = match v.strip_prefix("00") {
                    Some(rest) => Cow::Owned(format!("+{rest}")),
                    None => v,
                };
                let v = v.replace("(0)", "");
                Cow::Owned(v.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect())
            }
            Rule::Mac { .. } => {
                let compact: Vec<char> =
                    v.chars().filter(|c| !matches!(c, '.' | ':' | '-' | ' ')).map(|c| c.to_ascii_lowercase()).collect();
                let pairs: Vec<String> = compact.chunks(2).map(|p| p.iter().collect()).collect();
                Cow::Owned(pairs.join(":"))
            }
            Rule::Boolean => {
                let t = php::trim(&v).to_ascii_lowercase();
                let falsy = t.is_empty() || t == "0" || t == "false";
                Cow::Borrowed(if falsy { "0" } else { "1" })
            }
            Rule::Datetime => match datetime::normalise(&v) {
                Some(n) => Cow::Owned(n),
                None => v,
            },
            Rule::AsNumber => rewrite_as(v),
            _ => v,
        }
    }

    /// MISP's `validate` for this type; `Err` carries the English reason.
    pub(crate) fn check(self, type_name: &str, v: &str) -> Result<(), String> {
        let bad = |what: &str| Err(format!("'{}' is not a valid {type_name}: {what}", excerpt(v)));
        match self {
            Rule::Hash { len, .. } | Rule::X509 { len } => {
                if v.len() == len && php::is_xdigits(v) {
                    Ok(())
                } else {
                    bad(&format!("expected {len} hexadecimal characters"))
                }
            }
            Rule::Tlsh => {
                if is_tlsh(v) {
                    Ok(())
                } else {
                    bad("expected more than 35 hexadecimal characters, optionally after a 'T'")
                }
            }
            Rule::Telfhash => {
                if v.len() == 70 || v.len() == 72 {
                    Ok(())
                } else {
                    bad("expected 70 or 72 characters")
                }
            }
            Rule::Cdhash => {
                if v.len() >= 40 && v.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                    Ok(())
                } else {
                    bad("expected at least 40 hexadecimal characters")
                }
            }
            Rule::Vhash => single_line(v),
            Rule::Ssdeep => {
                if is_ssdeep(v) {
                    Ok(())
                } else {
                    bad("expected blocksize:hash:hash")
                }
            }
            Rule::Impfuzzy => {
                if is_impfuzzy(v) {
                    Ok(())
                } else {
                    bad("expected imports:hash:hash")
                }
            }
            Rule::FilenameHash { len } => {
                let (file, hash) = v.split_once('|').unwrap_or((v, ""));
                filename(file)?;
                if hash.len() == len && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                    Ok(())
                } else {
                    bad(&format!("expected filename|{len} hexadecimal characters"))
                }
            }
            Rule::FilenameSsdeep | Rule::FilenameTlsh | Rule::FilenameImpfuzzy => {
                let (file, hash) = v.split_once('|').unwrap_or((v, ""));
                if file.contains('\n') {
                    return Err("a file name must not contain a line break".to_owned());
                }
                let ok = match self {
                    Rule::FilenameSsdeep => is_ssdeep(hash),
                    Rule::FilenameTlsh => is_tlsh(hash),
                    _ => is_impfuzzy(hash),
                };
                if ok {
                    Ok(())
                } else {
                    let form = match self {
                        Rule::FilenameSsdeep => "filename|blocksize:hash:hash",
                        Rule::FilenameTlsh => "filename|more than 35 hexadecimal characters",
                        _ => "filename|imports:hash:hash",
                    };
                    bad(&format!("expected {form}"))
                }
            }
            Rule::FilenameVhash => {
                let (file, hash) = v.split_once('|').unwrap_or((v, ""));
                filename(file)?;
                if hash.is_empty() || hash.contains('\n') { bad("expected filename|vhash") } else { Ok(()) }
            }
            Rule::Ip => net::check_ip_or_cidr(v),
            Rule::IpPort => {
                let (ip, port) = v.split_once('|').unwrap_or((v, ""));
                if !net::is_ip(ip) {
                    return Err(format!("'{}' is not a valid IPv4 or IPv6 address", excerpt(ip)));
                }
                check_port(port)
            }
            Rule::Domain | Rule::Hostname => {
                if net::is_domain(v) {
                    Ok(())
                } else {
                    Err(format!("'{}' is not a valid {type_name} name", excerpt(v)))
                }
            }
            Rule::DomainIp => {
                let (domain, ip) = v.split_once('|').unwrap_or((v, ""));
                if !net::is_domain(domain) {
                    return Err(format!("'{}' is not a valid domain name", excerpt(domain)));
                }
                if net::is_ip(ip) { Ok(()) } else { Err(format!("'{}' is not a valid IPv4 or IPv6 address", excerpt(ip))) }
            }
            Rule::HostnamePort => {
                let (host, port) = v.split_once('|').unwrap_or((v, ""));
                if !net::is_domain(host) {
                    return Err(format!("'{}' is not a valid hostname", excerpt(host)));
                }
                check_port(port)
            }
            Rule::Email { .. } => {
                if net::is_email(v) {
                    Ok(())
                } else {
                    Err(format!("'{}' is not a valid e-mail address", excerpt(v)))
                }
            }
            Rule::Link => {
                if net::is_url(v) {
                    Ok(())
                } else {
                    Err(format!("'{}' is not a valid URL", excerpt(v)))
                }
            }
            Rule::Url | Rule::SingleLine => single_line(v),
            Rule::FreeText | Rule::Anonymised => Ok(()),
            Rule::Port => check_port(v),
            Rule::AsNumber => {
                if php::digits_in_range(v, 0, 4_294_967_295) {
                    Ok(())
                } else {
                    bad("expected an AS number between 0 and 4294967295, optionally prefixed by 'AS'")
                }
            }
            Rule::Mac { octets } => {
                let ok =
                    v.len() == octets * 3 - 1 && v.split(':').count() == octets && v.split(':').all(|p| p.len() == 2 && php::is_xdigits(p));
                if ok { Ok(()) } else { bad(&format!("expected {octets} hexadecimal octets")) }
            }
            Rule::Vulnerability => {
                if VULNERABILITY.as_ref().is_some_and(|re| re.is_match(v)) {
                    Ok(())
                } else {
                    bad("expected an identifier such as CVE-2024-12345")
                }
            }
            Rule::Weakness => {
                let ok = v.strip_prefix("CWE-").is_some_and(php::is_digits);
                if ok { Ok(()) } else { bad("expected CWE-<number>") }
            }
            Rule::Hex => {
                if php::is_xdigits(v) {
                    Ok(())
                } else {
                    bad("expected hexadecimal characters only")
                }
            }
            Rule::HttpMethod => {
                if HTTP_METHODS.iter().any(|m| v.contains(m)) {
                    Ok(())
                } else {
                    bad("unknown HTTP method")
                }
            }
            Rule::Count => {
                if php::is_digits(v) {
                    Ok(())
                } else {
                    bad("expected a whole number of at least 0")
                }
            }
            Rule::Integer => {
                let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
                if php::is_digits(digits) { Ok(()) } else { bad("expected a whole number") }
            }
            Rule::Numeric | Rule::CardNumber | Rule::Phone => {
                if php::is_numeric(v) {
                    Ok(())
                } else {
                    bad("expected a number")
                }
            }
            Rule::BankCode | Rule::Alphanumeric => {
                if !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    Ok(())
                } else {
                    bad("expected letters and digits only")
                }
            }
            Rule::Boolean => Ok(()),
            Rule::Datetime => {
                if datetime::normalise(v).is_some() {
                    Ok(())
                } else {
                    bad("expected an ISO 8601 date and time")
                }
            }
            Rule::Json => {
                if serde_json::from_str::<serde::de::IgnoredAny>(v).is_ok() {
                    Ok(())
                } else {
                    bad("expected JSON")
                }
            }
            Rule::WindowsService => {
                if v.len() > 256 || v.contains(['/', '\\']) {
                    bad("expected at most 256 bytes without '/' or '\\'")
                } else {
                    Ok(())
                }
            }
            Rule::SshFingerprint => {
                if is_ssh_fingerprint(v) {
                    Ok(())
                } else {
                    bad("expected an MD5 or SHA256 fingerprint")
                }
            }
            Rule::Onion => {
                let ok = v.strip_suffix(".onion").is_some_and(|name| {
                    (name.len() == 16 || name.len() == 56) && name.bytes().all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7'))
                });
                if ok { Ok(()) } else { bad("expected 16 or 56 base32 characters followed by '.onion'") }
            }
            Rule::Uuid => {
                if is_uuid(v) {
                    Ok(())
                } else {
                    bad("expected a UUID (8-4-4-4-12 hexadecimal digits)")
                }
            }
        }
    }
}

fn single_line(v: &str) -> Result<(), String> {
    if v.contains('\n') { Err("the value must not contain a line break".to_owned()) } else { Ok(()) }
}

/// The file-name half of `filename|<hash>`: non-empty, one line.
fn filename(file: &str) -> Result<(), String> {
    if file.is_empty() {
        Err("the file name before '|' is empty".to_owned())
    } else {
        single_line(file).map_err(|_| "a file name must not contain a line break".to_owned())
    }
}

fn check_port(port: &str) -> Result<(), String> {
    if php::digits_in_range(port, 1, 65_535) {
        Ok(())
    } else {
        Err(format!("'{}' is not a valid port: expected a whole number from 1 to 65535", excerpt(port)))
    }
}

fn is_tlsh(v: &str) -> bool {
    let hex = v.strip_prefix('t').unwrap_or(v);
    hex.len() > 35 && php::is_xdigits(hex)
}

fn is_ssdeep(v: &str) -> bool {
    let mut parts = v.split(':');
    let (Some(size), Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let b64 = |s: &str| s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'/' || c == b'+');
    php::is_digits(size) && b64(a) && b64(b)
}

fn is_impfuzzy(v: &str) -> bool {
    v.matches(':').count() == 2 && v.split(':').next().is_some_and(php::is_digits)
}

fn is_uuid(v: &str) -> bool {
    let groups: Vec<&str> = v.split('-').collect();
    groups.len() == 5 && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, len)| g.len() == len && php::is_xdigits(g))
}

/// Length of the data a strict base64 decode yields, as PHP's
/// `base64_decode($s, true)`: white space skipped, padding optional but
/// consistent, nothing after padding. `None` when PHP returns false.
fn base64_decoded_len(s: &str) -> Option<usize> {
    let (mut chars, mut padding) = (0usize, 0usize);
    for b in s.bytes() {
        match b {
            b'=' => padding += 1,
            b' ' | b'\t' | b'\r' | b'\n' => {}
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if padding == 0 => chars += 1,
            _ => return None,
        }
    }
    if chars % 4 == 1 || (padding > 0 && (padding > 2 || (chars + padding) % 4 != 0)) {
        return None;
    }
    Some(chars * 6 / 8)
}

fn is_ssh_fingerprint(v: &str) -> bool {
    if let Some(b64) = v.strip_prefix("SHA256:") {
        return base64_decoded_len(b64) == Some(32);
    }
    let hex = v.strip_prefix("MD5:").unwrap_or(v).replace(':', "");
    hex.len() == 32 && php::is_xdigits(&hex)
}

/// `domain|ip`: lower-case; then the domain half as for `domain` (dots
/// trimmed, IDNA when needed) and the address half as for `ip-dst`. Like MISP,
/// anything after a second `|` is dropped.
fn rewrite_domain_ip(v: Cow<'_, str>) -> Cow<'_, str> {
    let lowered = v.to_ascii_lowercase();
    let mut parts = lowered.split('|');
    let (Some(domain), Some(ip)) = (parts.next(), parts.next()) else {
        return Cow::Owned(lowered);
    };
    let domain = domain.trim_matches('.');
    let domain = if net::is_domain(domain) { domain.to_owned() } else { net::idn_to_ascii(domain).unwrap_or_else(|| domain.to_owned()) };
    Cow::Owned(format!("{domain}|{}", net::normalise_ip(ip)))
}

/// `ip-src|port`, `ip-dst|port`: MISP's tokenizer. IPv6 values (two or more
/// colons) may separate the port with `|`, `[addr]:port`, `.`, ` port `, `p`,
/// `#` or a last `:`; IPv4 values with `:` or `|`. The address is normalised
/// as for `ip-dst`; like MISP, anything after a second separator is dropped.
fn rewrite_ip_port(v: Cow<'_, str>) -> Cow<'_, str> {
    let first_two = |s: &str, sep: &str| -> Option<(String, String)> {
        let mut it = s.split(sep);
        Some((it.next()?.to_owned(), it.next().unwrap_or_default().to_owned()))
    };
    let parts = if v.matches(':').count() >= 2 {
        if php::strpos_truthy(&v, "|") {
            first_two(&v, "|")
        } else if v.starts_with('[') && v.contains(']') {
            let close = v.find(']').unwrap_or(0);
            let ip = v.get(1..close).unwrap_or_default().to_owned();
            let port = v[close..].split(':').nth(1).unwrap_or_default().to_owned();
            Some((ip, port))
        } else if php::strpos_truthy(&v, ".") {
            first_two(&v, ".")
        } else if php::strpos_truthy(&v, " port ") {
            first_two(&v, " port ")
        } else if php::strpos_truthy(&v, "p") {
            first_two(&v, "p")
        } else if php::strpos_truthy(&v, "#") {
            first_two(&v, "#")
        } else {
            v.rsplit_once(':').map(|(ip, port)| (ip.to_owned(), port.to_owned()))
        }
    } else if php::strpos_truthy(&v, ":") {
        first_two(&v, ":")
    } else if php::strpos_truthy(&v, "|") {
        first_two(&v, "|")
    } else {
        None
    };
    match parts {
        Some((ip, port)) => Cow::Owned(format!("{}|{port}", net::normalise_ip(&ip))),
        None => v,
    }
}

/// `AS`: drop an `AS` prefix (any case) and convert asdot (`1.10` → `65546`).
fn rewrite_as(v: Cow<'_, str>) -> Cow<'_, str> {
    let has_prefix = v.len() >= 2 && v.as_bytes()[..2].eq_ignore_ascii_case(b"AS");
    let number = if has_prefix { &v[2..] } else { &v[..] };
    if let Some((high, low)) = number.split_once('.')
        && php::is_digits(high)
        && php::is_digits(low)
        && let Some(asplain) =
            high.parse::<u64>().ok().zip(low.parse::<u64>().ok()).and_then(|(h, l)| h.checked_mul(65_536)?.checked_add(l))
    {
        return Cow::Owned(asplain.to_string());
    }
    if has_prefix { Cow::Owned(number.to_owned()) } else { v }
}

//! Network-ish values: IP addresses and CIDR blocks, domain and host names,
//! e-mail addresses, URLs, and the "refanging" MISP applies to defanged
//! indicators.
//!
//! Rules followed (MISP 2.5 `AttributeValidationTool`, `ComplexTypeTool` and
//! the PHP functions they call):
//! * IPs: an IPv6 address is rewritten in the compressed form of `inet_ntop`
//!   (glibc's, including its dotted-quad tail for `::a.b.c.d` and
//!   `::ffff:a.b.c.d`); a `/32` (IPv4) or `/128` (IPv6) prefix is dropped; other
//!   prefixes are kept as given and the address is *not* masked to the network
//!   (`10.1.2.3/8` stays). Validity is PHP's `FILTER_VALIDATE_IP`, which has the
//!   same rules as `std::net` (four decimal octets without leading zeros; IPv6
//!   with at most one `::` and an optional dotted-quad tail; no zone index).
//! * Domains and host names: MISP's pattern `^[A-Z0-9.\-_]+\.[A-Z0-9\-]{2,}$`
//!   (case-insensitive), i.e. a last label of at least two letters, digits or
//!   hyphens after a non-empty run of letters, digits, dots, hyphens and
//!   underscores. `domain` (not `hostname`) values that fail it go through IDNA
//!   (UTS #46, as PHP's `idn_to_ascii`) and are kept in their `xn--` form.
//! * E-mail: MISP's deliberately loose pattern `^.[^\s]*@.*\..*$`.
//! * `link`: PHP's `FILTER_VALIDATE_URL` (printable ASCII only, `parse_url`
//!   must succeed, a scheme, a host except for `mailto:`, `news:` and `file:`,
//!   and for http(s) a valid host name or bracketed IPv6).
//! * Refanging (`ComplexTypeTool::REFANG_REGEX_TABLE`): `hxxp`, `hxtp`, `htxp`,
//!   `meow` and `h[tt]p` at the start become `http` (url, link); `[.]`, `[dot]`
//!   and `(dot)` become `.` (url, link, ip-src, ip-dst, domain, domain|ip,
//!   hostname, email, email-src, email-dst); `[hxxp://]` becomes `http://` and
//!   `[:]` becomes `:` (url, link); `[@]` and `[at]` become `@` (email,
//!   email-src, email-dst). MISP does one pass per pattern; we rewrite until
//!   nothing is left to rewrite, so that normalising twice changes nothing
//!   (`[[.]]` gives `.` here, `[.]` in MISP).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::php;

// ---------------------------------------------------------------- IP addresses

/// Formats an IPv6 address as glibc's `inet_ntop` does (RFC 5952 compression,
/// lower-case hex, dotted-quad tail for IPv4-compatible and -mapped addresses).
pub(crate) fn format_ipv6(addr: &Ipv6Addr) -> String {
    let w = addr.segments();
    // Longest run of zero words (the first on ties), if at least two long.
    let mut gap: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < 8 {
        let start = i;
        while i < 8 && w[i] == 0 {
            i += 1;
        }
        let len = i - start;
        if len >= 2 && gap.is_none_or(|(_, best)| len > best) {
            gap = Some((start, len));
        }
        i += usize::from(len == 0);
    }
    let dotted_tail = matches!(gap, Some((0, 6))) || (matches!(gap, Some((0, 5))) && w[5] == 0xffff);
    let mut out = String::with_capacity(45);
    let mut i = 0;
    while i < 8 {
        if let Some((start, len)) = gap.filter(|&(start, _)| start == i) {
            out.push_str("::");
            i = start + len;
            continue;
        }
        if dotted_tail && i == 6 {
            if !out.ends_with(':') {
                out.push(':');
            }
            let [a, b] = w[6].to_be_bytes();
            let [c, d] = w[7].to_be_bytes();
            let _ = write!(out, "{a}.{b}.{c}.{d}");
            break;
        }
        if !out.is_empty() && !out.ends_with(':') {
            out.push(':');
        }
        let _ = write!(out, "{:x}", w[i]);
        i += 1;
    }
    out
}

/// MISP's `normalizeIp`: compress IPv6, drop a `/32` or `/128` prefix length.
pub(crate) fn normalise_ip(value: &str) -> Cow<'_, str> {
    if let Some(slash) = value.find('/').filter(|&at| at > 0) {
        let (ip, range) = (&value[..slash], &value[slash + 1..]);
        let ip: Cow<'_, str> = match ip.parse::<Ipv6Addr>() {
            Ok(v6) if php::strpos_truthy(ip, ":") => Cow::Owned(format_ipv6(&v6)),
            _ => Cow::Borrowed(ip),
        };
        if (range == "32" && php::strpos_truthy(value, ".")) || (range == "128" && php::strpos_truthy(value, ":")) {
            return ip;
        }
        return Cow::Owned(format!("{ip}/{range}"));
    }
    if php::strpos_truthy(value, ":")
        && let Ok(v6) = value.parse::<Ipv6Addr>()
    {
        return Cow::Owned(format_ipv6(&v6));
    }
    Cow::Borrowed(value)
}

/// PHP `filter_var($s, FILTER_VALIDATE_IP)`: the presence of `:` selects IPv6.
pub(crate) fn is_ip(s: &str) -> bool {
    if s.contains(':') { s.parse::<Ipv6Addr>().is_ok() } else { s.parse::<Ipv4Addr>().is_ok() }
}

/// Validates an `ip-src`/`ip-dst` value: an address, or an address with a
/// prefix length of at most 32 (IPv4) or 128 (IPv6).
pub(crate) fn check_ip_or_cidr(value: &str) -> Result<(), String> {
    if let Some((ip, range)) = value.split_once('/') {
        if range.contains('/') || !php::is_digits(range) {
            return Err(format!("'{}' is not valid CIDR notation", excerpt(value)));
        }
        let max = if !ip.contains(':') && ip.parse::<Ipv4Addr>().is_ok() {
            32
        } else if ip.contains(':') && ip.parse::<Ipv6Addr>().is_ok() {
            128
        } else {
            return Err(format!("'{}' is not a valid IPv4 or IPv6 address", excerpt(ip)));
        };
        if !php::digits_in_range(range, 0, max) {
            return Err(format!("'{}': the prefix length must be at most {max}", excerpt(value)));
        }
        return Ok(());
    }
    if is_ip(value) { Ok(()) } else { Err(format!("'{}' is not a valid IPv4 or IPv6 address", excerpt(value))) }
}

// ----------------------------------------------------------- domains and hosts

/// MISP's domain pattern `^[A-Z0-9.\-_]+\.[A-Z0-9\-]{2,}$` (case-insensitive).
pub(crate) fn is_domain(s: &str) -> bool {
    let Some(dot) = s.rfind('.') else {
        return false;
    };
    let (head, tld) = (&s[..dot], &s[dot + 1..]);
    !head.is_empty()
        && head.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        && tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// PHP's `idn_to_ascii` (UTS #46 with ICU's defaults: transitional mapping,
/// hyphen and length checks). `None` when the name cannot be converted.
pub(crate) fn idn_to_ascii(s: &str) -> Option<String> {
    use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
    // ICU's default is transitional processing; map its four deviations first.
    let mut mapped = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'ß' | 'ẞ' => mapped.push_str("ss"),
            'ς' => mapped.push('σ'),
            '\u{200C}' | '\u{200D}' => {}
            _ => mapped.push(c),
        }
    }
    Uts46::new().to_ascii(mapped.as_bytes(), AsciiDenyList::EMPTY, Hyphens::Check, DnsLength::Verify).ok().map(Cow::into_owned)
}

/// `domain` normalisation: lower-case, strip dots at both ends, and convert an
/// internationalised name to its ASCII form when it is not already valid.
pub(crate) fn normalise_domain(value: &str) -> String {
    let lowered = value.to_ascii_lowercase();
    let trimmed = lowered.trim_matches('.');
    if !is_domain(trimmed)
        && let Some(ascii) = idn_to_ascii(trimmed)
    {
        return ascii;
    }
    trimmed.to_owned()
}

// ---------------------------------------------------------------------- e-mail

/// PCRE's `\s` without the `u` flag.
fn is_pcre_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r')
}

/// MISP's loose e-mail pattern `^.[^\s]*@.*\..*$`: one character, then no
/// white space up to an `@`, then a `.` somewhere after it, and no line break
/// after the first character.
pub(crate) fn is_email(s: &str) -> bool {
    let mut chars = s.chars();
    if chars.next().is_none_or(|c| c == '\n') {
        return false;
    }
    let rest = chars.as_str();
    let Some(at) = rest.find('@') else {
        return false;
    };
    let (local, domain) = (&rest[..at], &rest[at + 1..]);
    !local.chars().any(is_pcre_space) && domain.contains('.') && !domain.contains('\n')
}

// ------------------------------------------------------------------------ URLs

/// The parts of PHP's `parse_url` result that URL validation looks at.
struct ParsedUrl<'a> {
    scheme: Option<&'a [u8]>,
    user: Option<&'a [u8]>,
    pass: Option<&'a [u8]>,
    host: Option<&'a [u8]>,
}

/// C `strtol` on a short digit string as `parse_url` uses it for ports:
/// leading white space, an optional sign, then digits; `None` without digits.
fn strtol_port(s: &[u8]) -> Option<i64> {
    let mut i = s.iter().take_while(|b| b.is_ascii_whitespace() || **b == 0x0B).count();
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits: Vec<u8> = s[i.min(s.len())..].iter().take_while(|b| b.is_ascii_digit()).copied().collect();
    if digits.is_empty() {
        return None;
    }
    let n = digits.iter().fold(0i64, |n, d| n.saturating_mul(10).saturating_add(i64::from(d - b'0')));
    Some(if negative { -n } else { n })
}

fn find_byte(s: &[u8], from: usize, to: usize, needle: u8) -> Option<usize> {
    s.get(from..to)?.iter().position(|&b| b == needle).map(|p| p + from)
}

fn rfind_byte(s: &[u8], from: usize, to: usize, needle: u8) -> Option<usize> {
    s.get(from..to)?.iter().rposition(|&b| b == needle).map(|p| p + from)
}

/// First of any of `chars` in `s[from..]`, else `s.len()`.
fn first_of(s: &[u8], from: usize, chars: &[u8]) -> usize {
    s.get(from..).and_then(|t| t.iter().position(|b| chars.contains(b))).map_or(s.len(), |p| p + from)
}

fn starts_with_slashes(s: &[u8], at: usize) -> bool {
    s.get(at) == Some(&b'/') && s.get(at + 1) == Some(&b'/')
}

/// A port of the control flow of PHP's `php_url_parse_ex2`, keeping only what
/// `FILTER_VALIDATE_URL` needs. `None` where `parse_url` returns false.
fn parse_url(u: &[u8]) -> Option<ParsedUrl<'_>> {
    enum Next {
        Port(usize),
        Host,
        Path,
    }
    let ue = u.len();
    let mut url = ParsedUrl { scheme: None, user: None, pass: None, host: None };
    let mut port: i64 = 0;
    let mut s = 0usize;

    let colon = find_byte(u, 0, ue, b':');
    let next = match colon {
        Some(e) if e != 0 => {
            let scheme_ok = u[..e].iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'));
            if !scheme_ok {
                if e + 1 < ue && e < first_of(u, 0, b"?#") {
                    Next::Port(e)
                } else if starts_with_slashes(u, 0) {
                    s = 2;
                    Next::Host
                } else {
                    Next::Path
                }
            } else if e + 1 == ue {
                url.scheme = Some(&u[..e]);
                return Some(url);
            } else if u[e + 1] != b'/' {
                let digits = u[e + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
                let p = e + 1 + digits;
                if (p == ue || u[p] == b'/') && p - e < 7 {
                    Next::Port(e)
                } else {
                    url.scheme = Some(&u[..e]);
                    s = e + 1;
                    Next::Path
                }
            } else {
                url.scheme = Some(&u[..e]);
                if e + 2 < ue && u[e + 2] == b'/' {
                    s = e + 3;
                    if u[..e].eq_ignore_ascii_case(b"file") && e + 3 < ue && u[e + 3] == b'/' { Next::Path } else { Next::Host }
                } else {
                    Next::Path
                }
            }
        }
        Some(e) => Next::Port(e),
        None if starts_with_slashes(u, 0) => {
            s = 2;
            Next::Host
        }
        None => Next::Path,
    };

    let go_host = match next {
        Next::Path => false,
        Next::Host => true,
        Next::Port(e) => {
            let p = e + 1;
            let digits = u.get(p..).map_or(0, |t| t.iter().take(6).take_while(|b| b.is_ascii_digit()).count());
            let pp = p + digits;
            if digits > 0 && digits < 6 && (pp == ue || u[pp] == b'/') {
                match strtol_port(&u[p..pp]) {
                    Some(n) if (0..=65535).contains(&n) => {
                        port = n;
                        if starts_with_slashes(u, s) {
                            s += 2;
                        }
                        true
                    }
                    _ => return None,
                }
            } else if p == pp && pp == ue {
                return None;
            } else if starts_with_slashes(u, s) {
                s += 2;
                true
            } else {
                false
            }
        }
    };
    if !go_host {
        return Some(url);
    }

    // Authority: s .. e.
    let e = first_of(u, s, b"/?#");
    if let Some(at) = rfind_byte(u, s, e, b'@') {
        if let Some(colon) = find_byte(u, s, at, b':') {
            url.user = Some(&u[s..colon]);
            url.pass = Some(&u[colon + 1..at]);
        } else {
            url.user = Some(&u[s..at]);
        }
        s = at + 1;
    }
    let bracketed = s < ue && u[s] == b'[' && e > 0 && u[e - 1] == b']';
    let port_colon = if bracketed { None } else { rfind_byte(u, s, e, b':') };
    let host_end = match port_colon {
        Some(p) => {
            if port == 0 {
                let digits = &u[p + 1..e];
                if digits.len() > 5 {
                    return None;
                }
                if !digits.is_empty() && !strtol_port(digits).is_some_and(|n| (0..=65535).contains(&n)) {
                    return None;
                }
            }
            p
        }
        None => e,
    };
    if host_end <= s {
        return None;
    }
    url.host = Some(&u[s..host_end]);
    Some(url)
}

/// PHP's `_php_filter_validate_domain` with `FILTER_FLAG_HOSTNAME`.
fn is_url_hostname(h: &[u8]) -> bool {
    let Some(&first) = h.first() else {
        return false;
    };
    let mut end = h.len();
    if h[end - 1] == b'.' {
        end -= 1;
    }
    if end > 253 || first == b'.' || !first.is_ascii_alphanumeric() {
        return false;
    }
    let mut label_len: u32 = 1;
    for i in 0..end {
        if h[i] == b'.' {
            let next = h.get(i + 1).copied().unwrap_or(0);
            let prev = if i > 0 { h[i - 1] } else { 0 };
            if next == b'.' || !prev.is_ascii_alphanumeric() || !next.is_ascii_alphanumeric() {
                return false;
            }
            label_len = 1;
        } else {
            if label_len > 63 || (h[i] != b'-' && !h[i].is_ascii_alphanumeric()) {
                return false;
            }
            label_len += 1;
        }
    }
    true
}

/// PHP's check of the user and password parts of a URL.
fn is_userinfo(s: &[u8]) -> bool {
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:".contains(&b) {
            i += 1;
        } else if b == b'%' && s.get(i + 1).is_some_and(u8::is_ascii_digit) && s.get(i + 2).is_some_and(u8::is_ascii_hexdigit) {
            i += 3;
        } else {
            return false;
        }
    }
    true
}

/// PHP `filter_var($s, FILTER_VALIDATE_URL)`.
pub(crate) fn is_url(s: &str) -> bool {
    let u = s.as_bytes();
    // FILTER_SANITIZE_URL keeps exactly the printable ASCII characters; any
    // other byte makes validation fail.
    if !u.iter().all(|b| (0x21..=0x7E).contains(b)) {
        return false;
    }
    let Some(url) = parse_url(u) else {
        return false;
    };
    let Some(scheme) = url.scheme else {
        return false;
    };
    if scheme.eq_ignore_ascii_case(b"http") || scheme.eq_ignore_ascii_case(b"https") {
        let Some(host) = url.host else { return false };
        let bracketed_v6 = host.len() >= 2
            && host[0] == b'['
            && host[host.len() - 1] == b']'
            && std::str::from_utf8(&host[1..host.len() - 1]).is_ok_and(|h| h.parse::<Ipv6Addr>().is_ok());
        if bracketed_v6 {
            return true;
        }
        if !is_url_hostname(host) {
            return false;
        }
    }
    if url.host.is_none() && !matches!(scheme, b"mailto" | b"news" | b"file") {
        return false;
    }
    url.user.is_none_or(is_userinfo) && url.pass.is_none_or(is_userinfo)
}

// -------------------------------------------------------------------- refanging

/// Which refanging rewrites a type gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refang {
    /// `url`, `link`: scheme, dots, `[hxxp://]`, `[:]`.
    Url,
    /// `ip-src`, `ip-dst`, `domain`, `domain|ip`, `hostname`: dots only.
    Dots,
    /// `email`, `email-src`, `email-dst`: dots and at signs.
    Email,
}

const DEFANGED_SCHEMES: [&str; 5] = ["hxxp", "hxtp", "htxp", "meow", "h[tt]p"];

/// Undoes common defanging, until nothing is left to undo.
pub(crate) fn refang(value: Cow<'_, str>, kind: Refang) -> Cow<'_, str> {
    let mut body: &str = &value;
    let mut scheme_fixed = false;
    if kind == Refang::Url {
        for defanged in DEFANGED_SCHEMES {
            if body.len() >= defanged.len() && body.as_bytes()[..defanged.len()].eq_ignore_ascii_case(defanged.as_bytes()) {
                body = &body[defanged.len()..];
                scheme_fixed = true;
                break;
            }
        }
    }
    let bracketed = body.bytes().any(|b| b == b']' || b == b')');
    if !scheme_fixed && !bracketed {
        return value;
    }
    let mut out = String::with_capacity(value.len());
    if scheme_fixed {
        out.push_str("http");
    }
    for c in body.chars() {
        out.push(c);
        if c != ']' && c != ')' {
            continue;
        }
        // Every pattern ends in `]` or `)` and no replacement does, so one
        // check per closing character reaches the fixed point.
        let rewrite: Option<(usize, &str)> = if out.ends_with("[.]") {
            Some((3, "."))
        } else if out.ends_with("[dot]") || out.ends_with("(dot)") {
            Some((5, "."))
        } else if kind == Refang::Url && out.ends_with("[hxxp://]") {
            Some((9, "http://"))
        } else if kind == Refang::Url && out.ends_with("[:]") {
            Some((3, ":"))
        } else if kind == Refang::Email && out.ends_with("[@]") {
            Some((3, "@"))
        } else if kind == Refang::Email && out.ends_with("[at]") {
            Some((4, "@"))
        } else {
            None
        };
        if let Some((len, with)) = rewrite {
            out.truncate(out.len() - len);
            out.push_str(with);
        }
    }
    if out == *value { value } else { Cow::Owned(out) }
}

/// At most 80 characters of a value, for error messages.
pub(crate) fn excerpt(s: &str) -> Cow<'_, str> {
    const MAX: usize = 80;
    match s.char_indices().nth(MAX) {
        Some((at, _)) => Cow::Owned(format!("{}…", &s[..at])),
        None => Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v6(s: &str) -> String {
        s.parse::<Ipv6Addr>().map(|a| format_ipv6(&a)).unwrap_or_default()
    }

    #[test]
    fn ipv6_formatting_matches_inet_ntop() {
        assert_eq!(v6("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
        assert_eq!(v6("::"), "::");
        assert_eq!(v6("::1"), "::1");
        assert_eq!(v6("1::"), "1::");
        assert_eq!(v6("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
        assert_eq!(v6("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");
        assert_eq!(v6("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
        assert_eq!(v6("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
        assert_eq!(v6("::1.2.3.4"), "::1.2.3.4");
        assert_eq!(v6("::1:0"), "::0.1.0.0");
        assert_eq!(v6("FE80::ABCD"), "fe80::abcd");
    }

    #[test]
    fn ip_normalisation() {
        assert_eq!(normalise_ip("1.2.3.4/32"), "1.2.3.4");
        assert_eq!(normalise_ip("1.2.3.4/24"), "1.2.3.4/24");
        assert_eq!(normalise_ip("2001:DB8:0::1/128"), "2001:db8::1");
        assert_eq!(normalise_ip("2001:DB8:0::/64"), "2001:db8::/64");
        assert_eq!(normalise_ip("not an ip"), "not an ip");
        assert_eq!(normalise_ip("/32"), "/32");
    }

    #[test]
    fn domains() {
        assert!(is_domain("example.com"));
        assert!(is_domain("a_b.example.co"));
        assert!(is_domain("xn--mnchen-3ya.de"));
        assert!(!is_domain("example"));
        assert!(!is_domain("example.c"));
        assert!(!is_domain(".com"));
        assert!(!is_domain("exa mple.com"));
        assert!(!is_domain("example.c_m"));
        assert_eq!(normalise_domain("..WWW.Example.COM."), "www.example.com");
        assert_eq!(normalise_domain("münchen.de"), "xn--mnchen-3ya.de");
        assert_eq!(normalise_domain("straße.de"), "strasse.de");
    }

    #[test]
    fn emails() {
        assert!(is_email("a@b.c"));
        assert!(is_email("first.last+tag@example.com"));
        assert!(is_email("@@b.c"));
        assert!(!is_email("@b.c"));
        assert!(!is_email("a b@c.d"));
        assert!(!is_email("a@bc"));
        assert!(!is_email("abc"));
    }

    #[test]
    fn urls() {
        for ok in [
            "http://example.com",
            "https://example.com/path?q=1#frag",
            "http://user:pass@example.com:8080/",
            "http://[2001:db8::1]/",
            "ftp://example.com",
            "mailto:someone@example.com",
            "file:///etc/passwd",
            "http://1.2.3.4/",
            "HTTP://EXAMPLE.COM",
        ] {
            assert!(is_url(ok), "{ok}");
        }
        for bad in [
            "example.com",
            "http://",
            "http://exa mple.com",
            "http://-example.com",
            "http://exa_mple.com",
            "http://example..com",
            "javascript:alert(1)",
            "http://example.com:99999",
            "http://münchen.de",
            "//example.com",
            "http:/example.com",
        ] {
            assert!(!is_url(bad), "{bad}");
        }
    }

    #[test]
    fn refanging() {
        let r = |s: &str, k| refang(Cow::Borrowed(s), k).into_owned();
        assert_eq!(r("hxxp://evil[.]com", Refang::Url), "http://evil.com");
        assert_eq!(r("hXXps://evil[dot]com(dot)net", Refang::Url), "https://evil.com.net");
        assert_eq!(r("meow://a", Refang::Url), "http://a");
        assert_eq!(r("h[tt]ps://a", Refang::Url), "https://a");
        assert_eq!(r("[hxxp://]evil.com", Refang::Url), "http://evil.com");
        assert_eq!(r("http[:]//evil.com", Refang::Url), "http://evil.com");
        assert_eq!(r("a[at]b[.]c", Refang::Email), "a@b.c");
        assert_eq!(r("a[@]b.c", Refang::Email), "a@b.c");
        assert_eq!(r("a[at]b.c", Refang::Dots), "a[at]b.c");
        assert_eq!(r("1[.]2[.]3[.]4", Refang::Dots), "1.2.3.4");
        assert_eq!(r("[[.]]", Refang::Dots), ".");
        assert_eq!(r("x[DOT]y", Refang::Dots), "x[DOT]y");
        assert_eq!(r("hxxp", Refang::Dots), "hxxp");
    }
}

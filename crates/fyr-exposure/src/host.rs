//! Getting a comparable host name out of what records carry: a bare host
//! name in any case, with or without the trailing root dot, or a URL.

/// Longest host name DNS allows (RFC 1035, presentation form).
const MAX_HOST: usize = 253;

/// The host of a host name or URL, as written (not yet lower-cased).
///
/// `None` when there is no host name: empty input, an IP literal, a port
/// that is not a number, an empty or over-long label.
pub(crate) fn host_part(input: &str) -> Option<&str> {
    let mut s = input.trim();
    if let Some((scheme, rest)) = s.split_once("://") {
        let scheme_ok = !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if !scheme_ok {
            return None;
        }
        s = rest;
    } else if let Some(rest) = s.strip_prefix("//") {
        s = rest;
    }
    // The authority ends at the path, query or fragment.
    s = s.split(['/', '?', '#', '\\']).next().unwrap_or("");
    if let Some((_userinfo, host)) = s.rsplit_once('@') {
        s = host;
    }
    if s.starts_with('[') {
        return None; // [IPv6 literal]
    }
    if let Some((host, port)) = s.rsplit_once(':') {
        if host.contains(':') || !port.bytes().all(|b| b.is_ascii_digit()) {
            return None; // a bare IPv6 address or garbage
        }
        s = host;
    }
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.is_empty() || s.len() > MAX_HOST {
        return None;
    }
    if s.split('.').any(|label| label.is_empty() || label.len() > 63) {
        return None;
    }
    Some(s)
}

/// Calls `f` with the lower-cased host of `input` without allocating.
pub(crate) fn with_host<R>(input: &str, f: impl FnOnce(&str) -> R) -> Option<R> {
    let host = host_part(input)?;
    if !host.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some(f(host));
    }
    let mut buf = [0u8; MAX_HOST];
    let out = buf.get_mut(..host.len())?;
    out.copy_from_slice(host.as_bytes());
    out.make_ascii_lowercase();
    // ASCII lower-casing keeps UTF-8 valid, so this always succeeds.
    let lower = std::str::from_utf8(out).ok()?;
    Some(f(lower))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(s: &str) -> Option<String> {
        with_host(s, str::to_owned)
    }

    #[test]
    fn hosts_and_urls() {
        let cases: &[(&str, Option<&str>)] = &[
            ("www.example.se", Some("www.example.se")),
            ("  WWW.Example.SE.  ", Some("www.example.se")),
            ("example.se.", Some("example.se")),
            ("https://www.example.se/path?q=1#f", Some("www.example.se")),
            ("HTTP://user:pw@Shop.Example.se:8443/x", Some("shop.example.se")),
            ("hxxp://evil.example.se", Some("evil.example.se")),
            ("//cdn.example.se/lib.js", Some("cdn.example.se")),
            ("example.se:80", Some("example.se")),
            ("example.se/login", Some("example.se")),
            ("http://example.se.:80/", Some("example.se")),
            ("https://[2001:db8::1]:443/", None),
            ("2001:db8::1", None),
            ("example.se:http", None),
            ("", None),
            ("https://", None),
            (".", None),
            ("www..example.se", None),
            (".example.se", None),
            ("bad scheme://example.se", None),
            ("räksmörgås.se", Some("räksmörgås.se")),
            ("RÄKSMÖRGÅS.SE", Some("rÄksmÖrgÅs.se")),
        ];
        for (input, want) in cases {
            assert_eq!(host(input).as_deref(), *want, "{input:?}");
        }
    }

    #[test]
    fn length_limits() {
        let label = "a".repeat(63);
        let ok = [label.as_str(); 3].join(".") + ".se"; // 63*3 + 2 + 3 = 194
        assert!(host(&ok).is_some());
        assert_eq!(host(&format!("{}a.se", label)), None);
        let long = ["abcdefghi"; 26].join(".") + ".se"; // 259 bytes
        assert_eq!(host(&long), None);
        let max = ["a"; 127].join("."); // 253 bytes
        assert_eq!(host(&(max.clone() + ".")).as_deref(), Some(max.as_str()));
    }
}

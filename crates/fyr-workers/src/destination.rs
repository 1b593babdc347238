//! Where webhooks may go. An organisation admin chooses a webhook's URL, so
//! without a check fyr could be made to POST to addresses inside its own
//! network (server-side request forgery). Unless the operator allows it
//! (`FYR_WEBHOOK_ALLOW_PRIVATE=1`), a webhook is refused when its host is,
//! or resolves to, an address that is not on the public internet:
//! loopback, private (RFC 1918, ULA), link-local, unspecified, multicast,
//! broadcast, shared (CGNAT, RFC 6598) or "this network" (0.0.0.0/8),
//! also when written as an IPv4-mapped or NAT64 IPv6 address.
//!
//! The check happens twice: before sending, so the refusal has a clear
//! message, and in the HTTP client's resolver ([`GuardedResolver`]), so a
//! name that resolves differently the second time (DNS rebinding) cannot
//! slip through. Redirects are not followed (see `deliver.rs`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// Which webhook destinations are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookPolicy {
    /// Only addresses on the public internet (the default).
    PublicOnly,
    /// Any address (`FYR_WEBHOOK_ALLOW_PRIVATE=1`): for test set-ups and
    /// receivers inside the operator's own network.
    AllowPrivate,
}

/// Why `ip` is not a public internet address, or `None` if it is.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_unspecified() {
        Some("unspecified")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private (RFC 1918)")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if a == 100 && (64..128).contains(&b) {
        Some("shared address space (CGNAT, RFC 6598)")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if ip.is_broadcast() {
        Some("broadcast")
    } else if a == 0 {
        Some("\"this network\" (0.0.0.0/8)")
    } else {
        None
    }
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    // ::ffff:a.b.c.d and the NAT64 prefix 64:ff9b::/96 carry an IPv4 address.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return non_public_v4(v4);
    }
    let s = ip.segments();
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., a, b, c, d] = ip.octets();
        return non_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    if ip.is_unspecified() {
        Some("unspecified")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if (s[0] & 0xfe00) == 0xfc00 {
        Some("unique local (ULA, fc00::/7)")
    } else if (s[0] & 0xffc0) == 0xfe80 {
        Some("link-local")
    } else if (s[0] & 0xffc0) == 0xfec0 {
        Some("site-local")
    } else if ip.is_multicast() {
        Some("multicast")
    } else {
        None
    }
}

/// The message of a refused destination.
pub fn refusal(host: &str, ip: IpAddr, why: &str) -> String {
    if host.trim_start_matches('[').trim_end_matches(']') == ip.to_string() {
        format!("refused to send to {ip}: a {why} address (set FYR_WEBHOOK_ALLOW_PRIVATE=1 to allow it)")
    } else {
        format!("refused to send to {host}: it resolves to {ip}, a {why} address (set FYR_WEBHOOK_ALLOW_PRIVATE=1 to allow it)")
    }
}

/// Why a webhook URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    /// Never usable as it is: not an http(s) URL, or not a public address.
    Refused(String),
    /// Its host could not be resolved (perhaps for a while).
    Lookup(String),
}

impl std::fmt::Display for UrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlError::Refused(m) | UrlError::Lookup(m) => f.write_str(m),
        }
    }
}

/// Checks a webhook URL before sending: its scheme, and (under
/// [`WebhookPolicy::PublicOnly`]) every address its host resolves to.
pub async fn check_url(url: &str, policy: WebhookPolicy) -> Result<reqwest::Url, UrlError> {
    let refused = |m: String| UrlError::Refused(m);
    let u = reqwest::Url::parse(url.trim()).map_err(|e| refused(format!("the webhook URL is not valid: {e}")))?;
    if u.scheme() != "https" && u.scheme() != "http" {
        return Err(refused(format!("the webhook URL must be http:// or https://, not {}://", u.scheme())));
    }
    let host = u.host_str().filter(|h| !h.is_empty()).ok_or_else(|| refused("the webhook URL has no host".into()))?.to_string();
    if policy == WebhookPolicy::AllowPrivate {
        return Ok(u);
    }
    // The URL parser has already turned every spelling of an address
    // (`2130706433`, `0x7f.1`, `[::ffff:7f00:1]`) into its canonical form.
    let addrs: Vec<IpAddr> = match host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => {
            let port = u.port_or_known_default().unwrap_or(443);
            tokio::net::lookup_host((host.as_str(), port))
                .await
                .map_err(|e| UrlError::Lookup(format!("cannot resolve {host}: {e}")))?
                .map(|a| a.ip())
                .collect()
        }
    };
    for ip in addrs {
        if let Some(why) = non_public(ip) {
            return Err(refused(refusal(&host, ip, why)));
        }
    }
    Ok(u)
}

/// The HTTP client's resolver under [`WebhookPolicy::PublicOnly`]: the
/// system's resolver, refusing names that resolve to a non-public address.
#[derive(Debug, Default)]
pub struct GuardedResolver;

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            for a in &addrs {
                if let Some(why) = non_public(a.ip()) {
                    return Err(refusal(&host, a.ip(), why).into());
                }
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// The resolver for a policy, if it needs one.
pub fn resolver(policy: WebhookPolicy) -> Option<Arc<GuardedResolver>> {
    match policy {
        WebhookPolicy::PublicOnly => Some(Arc::new(GuardedResolver)),
        WebhookPolicy::AllowPrivate => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_addresses() {
        let refused = [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
        ];
        for a in refused {
            assert!(non_public(a.parse().unwrap()).is_some(), "{a} should be refused");
        }
        let allowed =
            ["192.0.2.10", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.32.0.1", "2001:db8::1", "2a00:1450::1", "64:ff9b::808:808"];
        for a in allowed {
            assert_eq!(non_public(a.parse().unwrap()), None, "{a} should be allowed");
        }
    }

    #[tokio::test]
    async fn urls() {
        let e = check_url("http://127.0.0.1:9/x", WebhookPolicy::PublicOnly).await.unwrap_err().to_string();
        assert!(e.contains("127.0.0.1") && e.contains("loopback") && e.contains("FYR_WEBHOOK_ALLOW_PRIVATE"), "{e}");
        let e = check_url("http://[::1]/x", WebhookPolicy::PublicOnly).await.unwrap_err().to_string();
        assert!(e.contains("loopback"), "{e}");
        let e = check_url("http://localhost:9/x", WebhookPolicy::PublicOnly).await.unwrap_err().to_string();
        assert!(e.contains("localhost") && e.contains("loopback"), "{e}");
        assert!(matches!(check_url("ftp://192.0.2.1/", WebhookPolicy::AllowPrivate).await, Err(UrlError::Refused(_))));
        assert!(matches!(check_url("http://no-such-host.invalid/", WebhookPolicy::PublicOnly).await, Err(UrlError::Lookup(_))));
        assert!(check_url("http://127.0.0.1:9/x", WebhookPolicy::AllowPrivate).await.is_ok());
        assert!(check_url("https://192.0.2.1/hook", WebhookPolicy::PublicOnly).await.is_ok());
        // Other spellings of loopback are caught too.
        for u in ["http://2130706433/", "http://0x7f.1/", "http://[::ffff:7f00:1]/", "http://0/"] {
            assert!(check_url(u, WebhookPolicy::PublicOnly).await.is_err(), "{u}");
        }
    }
}

//! The asset registry: the IP ranges (IPv4 and IPv6 CIDRs), AS numbers and
//! domain suffixes each organisation owns. Organisations register; CERT
//! staff approve (or a domain proves itself with a DNS TXT token); only
//! approved assets within their validity period are matched.

use crate::core::{Actor, Core};
use crate::error::{CoreError, CoreResult};
use fyr_exposure::{DomainSuffix, overlaps};
use fyr_store::*;

/// The three kinds of asset.
pub const KINDS: [&str; 3] = ["cidr", "asn", "domain"];

/// The TXT record a domain's owner publishes to prove ownership.
pub fn dns_txt_value(token: &str) -> String {
    format!("fyr-verification={token}")
}

/// Parses an asset into its canonical text: `192.0.2.0/24` (host bits
/// cleared; a bare address is a /32 or /128), `64500` (`AS64500` accepted),
/// `example.se` (lower case, internationalised names in their `xn--` form).
pub fn canonical(field: &str, kind: &str, raw: &str) -> CoreResult<String> {
    let v = raw.trim();
    match kind {
        "cidr" => {
            let net: ipnet::IpNet = match v.parse::<ipnet::IpNet>() {
                Ok(n) => n,
                Err(_) => match v.parse::<std::net::IpAddr>() {
                    Ok(ip) => ipnet::IpNet::from(ip),
                    Err(_) => {
                        return Err(CoreError::invalid(field, format!("{v:?} is not an IP network (e.g. 192.0.2.0/24 or 2001:db8::/32)")));
                    }
                },
            };
            let net = net.trunc();
            let too_wide = match net {
                ipnet::IpNet::V4(n) => n.prefix_len() < 8,
                ipnet::IpNet::V6(n) => n.prefix_len() < 16,
            };
            if too_wide {
                return Err(CoreError::invalid(field, format!("{net} is wider than any organisation owns (at most a /8 or an IPv6 /16)")));
            }
            Ok(net.to_string())
        }
        "asn" => {
            let digits = v.strip_prefix("AS").or_else(|| v.strip_prefix("as")).or_else(|| v.strip_prefix("As")).unwrap_or(v);
            match digits.trim().parse::<u32>() {
                Ok(n) if n > 0 => Ok(n.to_string()),
                _ => Err(CoreError::invalid(field, format!("{v:?} is not an AS number (e.g. AS64500)"))),
            }
        }
        "domain" => {
            let normalised = fyr_model::normalise("domain", v).map_err(|e| CoreError::invalid(field, e.to_string()))?;
            let d = DomainSuffix::parse(&normalised).map_err(|e| CoreError::invalid(field, e.to_string()))?;
            if !d.as_str().contains('.') {
                return Err(CoreError::invalid(field, format!("{:?} is a top-level domain; register a domain below it", d.as_str())));
            }
            Ok(d.as_str().to_string())
        }
        other => Err(CoreError::invalid("kind", format!("{other:?} is not an asset kind (cidr, asn or domain)"))),
    }
}

/// What an organisation asks to register.
#[derive(Debug, Clone, Default)]
pub struct AssetRequest {
    pub kind: String,
    pub value: String,
    pub valid_until: i64,
    pub comment: String,
}

/// The outcome of a CSV import: created assets, and errors by line.
#[derive(Debug, Clone, Default)]
pub struct AssetImport {
    pub created: Vec<Asset>,
    pub errors: Vec<(u64, String)>,
}

impl<S: Store> Core<S> {
    fn require_asset_admin(&self, actor: &Actor) -> CoreResult<()> {
        if actor.perm("perm_admin") || actor.site_admin() { Ok(()) } else { Err(CoreError::NoPermission) }
    }

    /// Registers an asset for an organisation: pending until CERT staff
    /// approve it (or, for domains, the DNS token is found); approved at
    /// once when CERT staff register it.
    pub async fn register_asset(&self, actor: &Actor, org_id: Option<i64>, req: &AssetRequest) -> CoreResult<Asset> {
        self.require_asset_admin(actor)?;
        let org = self.exposure_org(actor, org_id).await?;
        let kind = req.kind.trim().to_ascii_lowercase();
        let value = canonical("value", &kind, &req.value)?;
        let now = self.now();
        if req.valid_until != 0 && req.valid_until <= now {
            return Err(CoreError::invalid("valid_until", "must be in the future (or 0 for no end)"));
        }
        crate::capture::check_len("comment", &req.comment, crate::capture::MAX_TEXT)?;
        if self.store.assets(Some(org.id)).await?.iter().any(|a| a.kind == kind && a.value == value) {
            return Err(CoreError::invalid("value", format!("{value} is already registered for {}", org.name)));
        }
        let cert = self.is_cert(actor).await?;
        let mut asset = Asset {
            id: 0,
            org_id: org.id,
            kind: kind.clone(),
            value: value.clone(),
            status: if cert { "approved".into() } else { "pending".into() },
            verified_by: if cert { "staff".into() } else { String::new() },
            verifier_user_id: if cert { actor.user.id } else { 0 },
            verified_at: if cert { now } else { 0 },
            dns_token: if kind == "domain" { self.env.random_alnum(32) } else { String::new() },
            registered_by: actor.user.id,
            valid_from: now,
            valid_until: req.valid_until,
            comment: req.comment.clone(),
            created: now,
            modified: now,
        };
        let audit = actor.audit(now, "add", "ExposureAsset", 0, format!("Asset {kind} {value} registered for {}", org.name));
        asset.id = self.store.insert_asset(&asset, &audit).await?;
        Ok(asset)
    }

    /// An asset the actor may see: their organisation's, or any for CERT staff.
    pub async fn find_asset(&self, actor: &Actor, id: i64) -> CoreResult<Asset> {
        let not_found = || CoreError::NotFound("Invalid asset".into());
        let a = self.store.asset(id).await?.ok_or_else(not_found)?;
        if a.org_id != actor.org.id && !self.is_cert(actor).await? {
            return Err(not_found());
        }
        Ok(a)
    }

    pub async fn list_assets(&self, actor: &Actor, org_id: Option<i64>) -> CoreResult<Vec<Asset>> {
        if org_id.is_none() && self.is_cert(actor).await? {
            return Ok(self.store.assets(None).await?);
        }
        let org = self.exposure_org(actor, org_id).await?;
        Ok(self.store.assets(Some(org.id)).await?)
    }

    /// CERT staff approve or reject a registration.
    pub async fn review_asset(&self, actor: &Actor, id: i64, approve: bool) -> CoreResult<Asset> {
        self.require_cert(actor).await?;
        let mut a = self.find_asset(actor, id).await?;
        let now = self.now();
        a.status = if approve { "approved".into() } else { "rejected".into() };
        a.verified_by = if approve { "staff".into() } else { String::new() };
        a.verifier_user_id = actor.user.id;
        a.verified_at = now;
        a.modified = now;
        let verb = if approve { "approved" } else { "rejected" };
        let audit = actor.audit(now, "edit", "ExposureAsset", a.id, format!("Asset {} {} {verb}", a.kind, a.value));
        self.store.update_asset(&a, &audit).await?;
        Ok(a)
    }

    /// Checks a domain's DNS TXT records (looked up by the caller at
    /// `_fyr-verification.<domain>` and at the domain itself) for the token.
    /// The domain asset `id` if `actor` may verify it through DNS: checked
    /// before any DNS look-up is made on the caller's behalf. A domain CERT
    /// staff rejected stays rejected: a TXT record proves control of the
    /// domain, not that the CERT's reason no longer holds.
    pub async fn domain_to_verify(&self, actor: &Actor, id: i64) -> CoreResult<Asset> {
        self.require_asset_admin(actor)?;
        let a = self.find_asset(actor, id).await?;
        if a.kind != "domain" {
            return Err(CoreError::invalid("id", "only domains are verified through DNS"));
        }
        if a.status == "rejected" {
            return Err(CoreError::Refused(format!(
                "CERT staff rejected {}; DNS verification cannot approve it. Ask them to review it again.",
                a.value
            )));
        }
        Ok(a)
    }

    pub async fn verify_domain_asset(&self, actor: &Actor, id: i64, txt_records: &[String]) -> CoreResult<Asset> {
        let mut a = self.domain_to_verify(actor, id).await?;
        if a.status == "approved" {
            return Ok(a);
        }
        let expected = dns_txt_value(&a.dns_token);
        if !txt_records.iter().any(|t| t.trim() == expected) {
            return Err(CoreError::Refused(format!(
                "The TXT record {expected:?} was not found at _fyr-verification.{} or {}.",
                a.value, a.value
            )));
        }
        let now = self.now();
        a.status = "approved".into();
        a.verified_by = "dns".into();
        a.verifier_user_id = actor.user.id;
        a.verified_at = now;
        a.modified = now;
        let audit = actor.audit(now, "edit", "ExposureAsset", a.id, format!("Domain {} verified through DNS", a.value));
        self.store.update_asset(&a, &audit).await?;
        Ok(a)
    }

    pub async fn delete_asset(&self, actor: &Actor, id: i64) -> CoreResult<Asset> {
        self.require_asset_admin(actor)?;
        let a = self.find_asset(actor, id).await?;
        let audit = actor.audit(self.now(), "delete", "ExposureAsset", a.id, format!("Asset {} {} deleted", a.kind, a.value));
        self.store.delete_asset(a.id, &audit).await?;
        Ok(a)
    }

    /// Imports assets from CSV (`kind,value[,valid_until][,comment]`, an
    /// optional header). Good lines are registered; bad ones reported by line.
    pub async fn import_assets_csv(&self, actor: &Actor, org_id: Option<i64>, text: &str) -> CoreResult<AssetImport> {
        self.require_asset_admin(actor)?;
        let mut out = AssetImport::default();
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).comment(Some(b'#')).from_reader(text.as_bytes());
        for (i, row) in reader.records().enumerate() {
            let line = row.as_ref().ok().and_then(|r| r.position()).map(|p| p.line()).unwrap_or(i as u64 + 1);
            let row = match row {
                Ok(r) => r,
                Err(e) => {
                    out.errors.push((line, format!("unreadable line: {e}")));
                    continue;
                }
            };
            let kind = row.get(0).unwrap_or("").trim().to_ascii_lowercase();
            if i == 0 && kind == "kind" {
                continue;
            }
            if kind.is_empty() && row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let valid_until = match row.get(2).map(str::trim).filter(|s| !s.is_empty()) {
                Some(v) => match v.parse::<i64>() {
                    Ok(n) => n,
                    Err(_) => {
                        out.errors.push((line, format!("valid_until {v:?} is not a UNIX time")));
                        continue;
                    }
                },
                None => 0,
            };
            let req = AssetRequest {
                kind,
                value: row.get(1).unwrap_or("").to_string(),
                valid_until,
                comment: row.get(3).unwrap_or("").to_string(),
            };
            match self.register_asset(actor, org_id, &req).await {
                Ok(a) => out.created.push(a),
                Err(e) => out.errors.push((line, e.to_string())),
            }
        }
        Ok(out)
    }

    /// Registrations of different organisations that overlap (pending ones
    /// included, so staff see conflicts before approving).
    pub async fn asset_overlaps(&self, actor: &Actor) -> CoreResult<Vec<fyr_exposure::Overlap>> {
        self.require_cert(actor).await?;
        let snapshot = self.asset_snapshot(self.now(), true).await?;
        Ok(overlaps(&snapshot))
    }
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn canonical_forms() {
        assert_eq!(canonical("v", "cidr", "192.0.2.77/24").unwrap(), "192.0.2.0/24");
        assert_eq!(canonical("v", "cidr", "192.0.2.7").unwrap(), "192.0.2.7/32");
        assert_eq!(canonical("v", "cidr", "2001:DB8::1/32").unwrap(), "2001:db8::/32");
        assert!(canonical("v", "cidr", "10.0.0.0/4").is_err());
        assert!(canonical("v", "cidr", "999.1.1.1/24").is_err());
        assert_eq!(canonical("v", "asn", "AS64500").unwrap(), "64500");
        assert_eq!(canonical("v", "asn", "64500").unwrap(), "64500");
        assert!(canonical("v", "asn", "AS0").is_err());
        assert!(canonical("v", "asn", "x").is_err());
        assert_eq!(canonical("v", "domain", "Kommun.EXAMPLE.se.").unwrap(), "kommun.example.se");
        assert!(canonical("v", "domain", "se").is_err());
        assert!(canonical("v", "host", "x").is_err());
    }
}

//! Credentials: API keys (40 characters, shown once, stored as a keyed hash)
//! and passwords (Argon2id).

use crate::env::Env;
use fyr_store::AuthKey;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::IpAddr;

/// Length of a MISP API key.
pub const KEY_LEN: usize = 40;

/// The server's secret pepper for key hashes.
#[derive(Clone)]
pub struct Pepper(Vec<u8>);

impl Pepper {
    pub fn new(bytes: Vec<u8>) -> Pepper {
        Pepper(bytes)
    }
}

impl std::fmt::Debug for Pepper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pepper(..)")
    }
}

/// Whether `key` has MISP's API key shape: 40 ASCII letters and digits.
pub fn is_key_shaped(key: &str) -> bool {
    key.len() == KEY_LEN && key.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// HMAC-SHA256 of the key under the pepper, as lower-case hex. Keys are
/// random and long, so a fast keyed hash is enough (no Argon2 needed), and
/// lookups by hash use an index.
pub fn key_hash(pepper: &Pepper, key: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(&pepper.0) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(key.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A new key: the clear text (to show once) and the record to store.
pub fn new_key(env: &dyn Env, pepper: &Pepper, user_id: i64, clear: Option<&str>) -> (String, AuthKey) {
    let clear = clear.map(str::to_string).unwrap_or_else(|| env.random_alnum(KEY_LEN));
    let record = AuthKey {
        id: 0,
        uuid: env.new_uuid(),
        user_id,
        authkey_start: clear.chars().take(4).collect(),
        authkey_end: clear.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect(),
        key_hash: key_hash(pepper, &clear),
        allowed_ips: Vec::new(),
        expiration: 0,
        read_only: false,
        comment: String::new(),
        created: env.now(),
    };
    (clear, record)
}

/// Why a presented key is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRefusal {
    Expired,
    AddressNotAllowed,
    UserDisabled,
}

/// Checks a stored key against the time and the client's address.
pub fn check_key(key: &AuthKey, now: i64, client: Option<IpAddr>) -> Result<(), KeyRefusal> {
    if key.expiration != 0 && key.expiration <= now {
        return Err(KeyRefusal::Expired);
    }
    if !key.allowed_ips.is_empty() {
        let Some(ip) = client else { return Err(KeyRefusal::AddressNotAllowed) };
        if !ip_in_any(ip, &key.allowed_ips) {
            return Err(KeyRefusal::AddressNotAllowed);
        }
    }
    Ok(())
}

/// Whether `ip` falls in any of the CIDRs or addresses given as text
/// (entries that do not parse match nothing).
pub fn ip_in_any(ip: IpAddr, nets: &[String]) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    };
    nets.iter().any(|n| {
        if let Ok(net) = n.parse::<ipnet::IpNet>() {
            net.contains(&ip)
        } else if let Ok(addr) = n.parse::<IpAddr>() {
            addr == ip
        } else {
            false
        }
    })
}

/// Hashes a password with Argon2id (PHC string). CPU-heavy: call it from a
/// blocking thread.
pub fn hash_password(env: &dyn Env, password: &str) -> Result<String, String> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(&env.random_bytes(16)).map_err(|e| e.to_string())?;
    argon2::Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// A valid hash of a password nobody knows, verified when the user does not
/// exist so that timing does not tell which e-mail addresses have accounts.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3UFZUXh/sdTrcO3sFqHd3eHtBe0PR6UcIV20HKXo7YQ";

/// Verifies a password against a PHC string (or the dummy hash).
pub fn verify_password(hash: Option<&str>, password: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    let (h, real) = match hash {
        Some(h) => (h, true),
        None => (DUMMY_HASH, false),
    };
    let Ok(parsed) = PasswordHash::new(h) else { return false };
    let ok = argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
    ok && real
}

/// MISP's password policy: at least 12 characters, with upper- and
/// lower-case letters and a digit or special character.
pub fn password_problem(password: &str) -> Option<&'static str> {
    if password.chars().count() < 12 {
        return Some("The password must be at least 12 characters long.");
    }
    let upper = password.chars().any(char::is_uppercase);
    let lower = password.chars().any(char::is_lowercase);
    let other = password.chars().any(|c| !c.is_alphabetic());
    if !(upper && lower && other) {
        return Some("The password must contain upper- and lower-case letters and a digit or special character.");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_shape() {
        assert!(is_key_shaped("0123456789abcdefghijABCDEFGHIJ0123456789"));
        assert!(!is_key_shaped("0123456789abcdefghijABCDEFGHIJ012345678"));
        assert!(!is_key_shaped("0123456789abcdefghijABCDEFGHIJ012345678-"));
    }

    #[test]
    fn hashes_differ_by_pepper() {
        let k = "0123456789abcdefghijABCDEFGHIJ0123456789";
        assert_ne!(key_hash(&Pepper::new(b"a".to_vec()), k), key_hash(&Pepper::new(b"b".to_vec()), k));
        assert_eq!(key_hash(&Pepper::new(b"a".to_vec()), k).len(), 64);
    }

    #[test]
    fn allowed_ips() {
        let nets = vec!["10.0.0.0/8".to_string(), "2001:db8::1".to_string(), "junk".to_string()];
        assert!(ip_in_any("10.1.2.3".parse().unwrap(), &nets));
        assert!(ip_in_any("::ffff:10.1.2.3".parse().unwrap(), &nets));
        assert!(ip_in_any("2001:db8::1".parse().unwrap(), &nets));
        assert!(!ip_in_any("11.1.2.3".parse().unwrap(), &nets));
    }

    #[test]
    fn dummy_hash_parses_and_never_verifies() {
        assert!(argon2::password_hash::PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password(None, "anything"));
    }
}

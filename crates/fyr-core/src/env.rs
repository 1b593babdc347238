//! Time and randomness as parameters: core logic never reads the clock or an
//! RNG itself, so tests control both (deadlines, expiry, generated keys).

use uuid::Uuid;

/// The outside world as core logic sees it.
pub trait Env: Send + Sync {
    /// Now, as UNIX seconds.
    fn now(&self) -> i64;
    /// Now, as UNIX microseconds (MISP's first_seen/last_seen precision).
    fn now_micros(&self) -> i64 {
        self.now().saturating_mul(1_000_000)
    }
    /// A fresh random (v4) uuid.
    fn new_uuid(&self) -> Uuid;
    /// `n` random characters from `[A-Za-z0-9]`, from a cryptographic source.
    fn random_alnum(&self, n: usize) -> String;
    /// `n` random bytes from a cryptographic source.
    fn random_bytes(&self, n: usize) -> Vec<u8>;
}

/// The date (UTC) of a UNIX time as `YYYY-MM-DD`.
pub fn date_of(unix: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let d = t.date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(1_700_000_000), "2023-11-14");
        assert_eq!(date_of(951_782_400), "2000-02-29");
    }
}

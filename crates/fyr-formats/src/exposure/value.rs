//! Cell parsers shared by the readers: addresses, ports, ASNs, timestamps.
//! Written for the hot path: no allocation on success.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use time::format_description::OwnedFormatItem;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// How a timestamp column is written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimestampFormat {
    /// `YYYY-MM-DD[ T]HH:MM[:SS[.fraction]]` with an optional zone (`Z`,
    /// `UTC`, `GMT`, `±HH`, `±HHMM`, `±HH:MM`; none means UTC), or a bare
    /// `YYYY-MM-DD` (midnight UTC). Shadowserver writes
    /// `2024-07-04 00:00:15`. This is also RFC 3339.
    #[default]
    Auto,
    /// Seconds since 1970-01-01 UTC, optionally with a fraction.
    UnixSeconds,
    /// Milliseconds since 1970-01-01 UTC (integer).
    UnixMillis,
    /// A `time` crate format description, e.g.
    /// `"[day].[month].[year] [hour]:[minute]:[second]"`. Without an offset
    /// component the time is taken as UTC; without a time, as midnight.
    Custom(String),
}

/// A [`TimestampFormat`] made ready for parsing.
#[derive(Debug, Clone)]
pub(crate) enum TimestampParser {
    Auto,
    UnixSeconds,
    UnixMillis,
    Custom(OwnedFormatItem),
}

impl TimestampParser {
    pub(crate) fn new(format: &TimestampFormat) -> Result<TimestampParser, String> {
        Ok(match format {
            TimestampFormat::Auto => TimestampParser::Auto,
            TimestampFormat::UnixSeconds => TimestampParser::UnixSeconds,
            TimestampFormat::UnixMillis => TimestampParser::UnixMillis,
            TimestampFormat::Custom(description) => TimestampParser::Custom(
                time::format_description::parse_owned::<2>(description).map_err(|e| format!("timestamp format {description:?}: {e}"))?,
            ),
        })
    }

    pub(crate) fn parse(&self, s: &str) -> Option<OffsetDateTime> {
        let s = s.trim();
        match self {
            TimestampParser::Auto => parse_timestamp(s),
            TimestampParser::UnixSeconds => parse_unix_seconds(s),
            TimestampParser::UnixMillis => {
                let ms: i64 = s.parse().ok()?;
                OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
            }
            TimestampParser::Custom(format) => OffsetDateTime::parse(s, format)
                .ok()
                .or_else(|| PrimitiveDateTime::parse(s, format).ok().map(PrimitiveDateTime::assume_utc))
                .or_else(|| Date::parse(s, format).ok().map(|d| d.midnight().assume_utc())),
        }
    }
}

/// Parses the [`TimestampFormat::Auto`] forms; the result is in UTC.
pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    let b = s.as_bytes();
    let date = parse_date(b.get(..10)?)?;
    if b.len() == 10 {
        return Some(date.midnight().assume_utc());
    }
    let rest = b.get(10..)?;
    let (sep, rest) = rest.split_first()?;
    if !matches!(sep, b' ' | b'T' | b't') {
        return None;
    }
    let hour = two_digits(rest.get(0..2)?)?;
    if rest.get(2) != Some(&b':') {
        return None;
    }
    let minute = two_digits(rest.get(3..5)?)?;
    let mut i = 5;
    let mut second = 0;
    let mut nano = 0u32;
    if rest.get(i) == Some(&b':') {
        second = two_digits(rest.get(i + 1..i + 3)?)?;
        i += 3;
        if matches!(rest.get(i), Some(b'.' | b',')) {
            i += 1;
            let start = i;
            let mut scale = 100_000_000u32;
            while let Some(d) = rest.get(i).filter(|d| d.is_ascii_digit()) {
                nano += u32::from(d - b'0') * scale;
                scale /= 10;
                i += 1;
            }
            if i == start {
                return None;
            }
        }
    }
    let time = Time::from_hms_nano(hour, minute, second, nano).ok()?;
    let offset = parse_zone(rest.get(i..)?)?;
    let local = PrimitiveDateTime::new(date, time);
    if offset == UtcOffset::UTC { Some(local.assume_utc()) } else { local.assume_offset(offset).checked_to_offset(UtcOffset::UTC) }
}

fn parse_zone(z: &[u8]) -> Option<UtcOffset> {
    let z = z.trim_ascii_start();
    match z {
        b"" | b"Z" | b"z" | b"UTC" | b"GMT" | b"+00" | b"+0000" | b"+00:00" => {
            return Some(UtcOffset::UTC);
        }
        _ => {}
    }
    let (sign, digits) = z.split_first()?;
    let sign: i8 = match sign {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = match digits {
        [a, b] => (two_digits(&[*a, *b])?, 0),
        [a, b, c, d] => (two_digits(&[*a, *b])?, two_digits(&[*c, *d])?),
        [a, b, b':', c, d] => (two_digits(&[*a, *b])?, two_digits(&[*c, *d])?),
        _ => return None,
    };
    // Real zones lie within ±14:00.
    if h > 14 || m > 59 {
        return None;
    }
    let h = i8::try_from(h).ok()?;
    let m = i8::try_from(m).ok()?;
    UtcOffset::from_hms(sign * h, sign * m, 0).ok()
}

fn parse_date(b: &[u8]) -> Option<Date> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::from(two_digits(&b[0..2])?) * 100 + i32::from(two_digits(&b[2..4])?);
    let month = Month::try_from(two_digits(&b[5..7])?).ok()?;
    Date::from_calendar_date(year, month, two_digits(&b[8..10])?).ok()
}

#[inline]
fn two_digits(b: &[u8]) -> Option<u8> {
    match b {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

fn parse_unix_seconds(s: &str) -> Option<OffsetDateTime> {
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    let secs: i64 = whole.parse().ok()?;
    let mut nanos: i128 = 0;
    let mut scale: i128 = 100_000_000;
    for d in frac.bytes() {
        if !d.is_ascii_digit() {
            return None;
        }
        nanos += i128::from(d - b'0') * scale;
        scale /= 10;
    }
    let total = i128::from(secs) * 1_000_000_000 + if secs < 0 { -nanos } else { nanos };
    OffsetDateTime::from_unix_timestamp_nanos(total).ok()
}

/// Parses an address; IPv4-mapped IPv6 (`::ffff:192.0.2.1`) becomes IPv4 so
/// it matches IPv4 networks.
#[inline]
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    s.trim().parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

/// Parses a port: decimal 0–65535, surrounding whitespace allowed.
#[inline]
pub fn parse_port(s: &str) -> Option<u16> {
    let n = parse_decimal(s.trim().as_bytes(), 5)?;
    u16::try_from(n).ok()
}

/// Parses an ASN: decimal 0–4294967295, optionally prefixed `AS`/`as`.
#[inline]
pub fn parse_asn(s: &str) -> Option<u32> {
    let b = s.trim().as_bytes();
    let b = match b {
        [a, s, rest @ ..] if a.eq_ignore_ascii_case(&b'a') && s.eq_ignore_ascii_case(&b's') => rest,
        _ => b,
    };
    let n = parse_decimal(b, 10)?;
    u32::try_from(n).ok()
}

/// Up to `max_digits` ASCII digits, at least one.
#[inline]
fn parse_decimal(b: &[u8], max_digits: usize) -> Option<u64> {
    if b.is_empty() || b.len() > max_digits {
        return None;
    }
    b.iter().try_fold(0u64, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u64::from(c - b'0')))
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn timestamps() {
        let t = datetime!(2024-07-04 00:00:15 UTC);
        for s in [
            "2024-07-04 00:00:15",
            "2024-07-04T00:00:15Z",
            "2024-07-04 00:00:15 UTC",
            "2024-07-04 00:00:15+00",
            "2024-07-04 00:00:15+00:00",
            "2024-07-04T02:00:15+02:00",
            "2024-07-04T02:00:15+0200",
            "2024-07-03T22:00:15-02",
        ] {
            assert_eq!(parse_timestamp(s), Some(t), "{s}");
        }
        assert_eq!(parse_timestamp("2024-07-04 00:00:15.25"), Some(datetime!(2024-07-04 00:00:15.25 UTC)));
        assert_eq!(parse_timestamp("2024-07-04 00:00"), Some(datetime!(2024-07-04 00:00 UTC)));
        assert_eq!(parse_timestamp("2024-07-04"), Some(datetime!(2024-07-04 00:00 UTC)));
        for bad in [
            "",
            "2024-07-04 24:00:00",
            "2024-02-30 00:00:00",
            "2024-07-04 00:00:15 CEST",
            "2024-07-04 00:00:15.",
            "2024-07-04x00:00:15",
            "2024-07-04 0:00:15",
            "yesterday",
            "2024-07-04 00:00:15+25",
            "2024/07/04 00:00:15",
            "2024-07-04 00:00:1é",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn other_timestamp_formats() {
        let unix = TimestampParser::new(&TimestampFormat::UnixSeconds).expect("fmt");
        assert_eq!(unix.parse("1720051215"), Some(datetime!(2024-07-04 00:00:15 UTC)));
        assert_eq!(unix.parse("1720051215.5"), Some(datetime!(2024-07-04 00:00:15.5 UTC)));
        assert_eq!(unix.parse("1e9"), None);
        let ms = TimestampParser::new(&TimestampFormat::UnixMillis).expect("fmt");
        assert_eq!(ms.parse("1720051215250"), Some(datetime!(2024-07-04 00:00:15.25 UTC)));
        let custom = TimestampParser::new(&TimestampFormat::Custom("[day].[month].[year] [hour]:[minute]:[second]".into())).expect("fmt");
        assert_eq!(custom.parse("04.07.2024 00:00:15"), Some(datetime!(2024-07-04 00:00:15 UTC)));
        assert_eq!(custom.parse("2024-07-04 00:00:15"), None);
        assert!(TimestampParser::new(&TimestampFormat::Custom("[nonsense".into())).is_err());
    }

    #[test]
    fn numbers_and_addresses() {
        assert_eq!(parse_port("443"), Some(443));
        assert_eq!(parse_port("0"), Some(0));
        assert_eq!(parse_port("65535"), Some(65535));
        for bad in ["", "65536", "-1", "80a", "1.5", "000001"] {
            assert_eq!(parse_port(bad), None, "{bad}");
        }
        assert_eq!(parse_asn("AS3301"), Some(3301));
        assert_eq!(parse_asn("as3301"), Some(3301));
        assert_eq!(parse_asn("4294967295"), Some(u32::MAX));
        for bad in ["", "AS", "4294967296", "AS-1", "3301x"] {
            assert_eq!(parse_asn(bad), None, "{bad}");
        }
        assert_eq!(parse_ip("192.0.2.1"), "192.0.2.1".parse().ok());
        assert_eq!(parse_ip("::ffff:192.0.2.1"), "192.0.2.1".parse().ok());
        assert_eq!(parse_ip("2001:db8::1"), "2001:db8::1".parse().ok());
        assert_eq!(parse_ip("999.0.0.1"), None);
    }
}

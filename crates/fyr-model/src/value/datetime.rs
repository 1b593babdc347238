//! The `datetime` attribute type.
//!
//! MISP parses the value with PHP's `new DateTime($value, GMT)` and stores it
//! as `Y-m-d\TH:i:s.uO`, e.g. `2024-05-01T10:00:00.000000+0200`: microseconds
//! always present, the offset the input gave (not converted to UTC), `+0000`
//! when the input gave none. Like PHP, out-of-range days and hours roll over
//! (`2023-02-30` is 2 March, `24:00` is the next midnight).
//!
//! PHP understands far more (relative forms such as `tomorrow`, named time
//! zones, month names); those depend on a clock or a time-zone database, and
//! this crate has neither, so they are refused. Accepted here:
//! * `YYYY-M-D`, with an optional time `[T t space]H:MM[:SS[.frac]]`;
//! * an optional zone after the time or the date: `Z`, `UTC`, `GMT`, `±HH`,
//!   `±HHMM`, `±HH:MM` (optionally after one space);
//! * `@<seconds since the epoch>[.frac]`.

/// A parsed local date-time with its offset from UTC in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DateTime {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    micros: u32,
    offset_minutes: i32,
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count from 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A tiny cursor over ASCII input.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Between `min` and `max` digits, as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        while self.i - start < max && self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        let n = self.i - start;
        if n < min {
            return None;
        }
        std::str::from_utf8(&self.s[start..self.i]).ok()?.parse().ok()
    }

    /// Fraction digits after a `.` or `,`, as microseconds (truncated).
    fn fraction(&mut self) -> Option<u32> {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == start {
            return None;
        }
        let digits = &self.s[start..self.i];
        let mut micros = 0u32;
        for k in 0..6 {
            micros = micros * 10 + digits.get(k).map_or(0, |d| u32::from(d - b'0'));
        }
        Some(micros)
    }

    fn done(&self) -> bool {
        self.i == self.s.len()
    }
}

/// An optional zone designator at the cursor; `Some(minutes)` or `None` if malformed.
fn zone(c: &mut Cursor<'_>) -> Option<i32> {
    let save = c.i;
    c.eat(b' ');
    if c.done() {
        c.i = save;
        return Some(0);
    }
    let rest = &c.s[c.i..];
    for name in [&b"UTC"[..], b"GMT", b"Z"] {
        if rest.eq_ignore_ascii_case(name) {
            c.i = c.s.len();
            return Some(0);
        }
    }
    let sign = match c.peek() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return None,
    };
    c.i += 1;
    let hours = c.digits(2, 2)?;
    let minutes = if c.done() {
        0
    } else {
        c.eat(b':');
        c.digits(2, 2)?
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * 60 + minutes) as i32)
}

fn parse(s: &str) -> Option<DateTime> {
    let mut c = Cursor { s: s.as_bytes(), i: 0 };
    if c.eat(b'@') {
        return parse_epoch(&mut c);
    }
    let year = i64::from(c.digits(4, 4)?);
    if !c.eat(b'-') {
        return None;
    }
    let month = c.digits(1, 2)?;
    if !c.eat(b'-') {
        return None;
    }
    let day = c.digits(1, 2)?;
    if !(1..=12).contains(&month) || day > 31 {
        return None;
    }
    let (mut hour, mut minute, mut second, mut micros) = (0, 0, 0, 0);
    let time_follows =
        matches!(c.peek(), Some(b'T' | b't')) || (c.peek() == Some(b' ') && c.s.get(c.i + 1).is_some_and(u8::is_ascii_digit));
    if time_follows {
        c.i += 1;
        hour = c.digits(1, 2)?;
        if !c.eat(b':') {
            return None;
        }
        minute = c.digits(2, 2)?;
        if c.eat(b':') {
            second = c.digits(2, 2)?;
            if c.eat(b'.') || c.eat(b',') {
                micros = c.fraction()?;
            }
        }
        if hour > 24 || minute > 59 || second > 60 {
            return None;
        }
    }
    let offset_minutes = zone(&mut c)?;
    if !c.done() {
        return None;
    }
    // Roll over like PHP: count seconds from the first of the month.
    let days = days_from_civil(year, month, 1) + i64::from(day) - 1;
    let secs = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
    from_local_seconds(secs, micros, offset_minutes)
}

fn parse_epoch(c: &mut Cursor<'_>) -> Option<DateTime> {
    let negative = c.eat(b'-');
    if !negative {
        c.eat(b'+');
    }
    let start = c.i;
    while c.peek().is_some_and(|b| b.is_ascii_digit()) {
        c.i += 1;
    }
    if c.i == start || c.i - start > 15 {
        return None;
    }
    let whole: i64 = std::str::from_utf8(&c.s[start..c.i]).ok()?.parse().ok()?;
    let mut micros = 0;
    if c.eat(b'.') {
        micros = c.fraction()?;
    }
    if !c.done() {
        return None;
    }
    let mut secs = if negative { -whole } else { whole };
    if negative && micros > 0 {
        secs -= 1;
        micros = 1_000_000 - micros;
    }
    from_local_seconds(secs, micros, 0)
}

fn from_local_seconds(secs: i64, micros: u32, offset_minutes: i32) -> Option<DateTime> {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return None;
    }
    Some(DateTime {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        minute: (rem % 3600 / 60) as u32,
        second: (rem % 60) as u32,
        micros,
        offset_minutes,
    })
}

/// Normalises a `datetime` value to MISP's stored form, or `None` if it is not
/// a date-time this crate understands.
pub(crate) fn normalise(value: &str) -> Option<String> {
    let t = parse(value)?;
    let sign = if t.offset_minutes < 0 { '-' } else { '+' };
    let off = t.offset_minutes.unsigned_abs();
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}{}{:02}{:02}",
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        t.micros,
        sign,
        off / 60,
        off % 60
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-719_468, -1, 0, 1, 10_957, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn forms() {
        let n = |s: &str| normalise(s);
        assert_eq!(n("2024-05-01").as_deref(), Some("2024-05-01T00:00:00.000000+0000"));
        assert_eq!(n("2024-05-01T10:11:12Z").as_deref(), Some("2024-05-01T10:11:12.000000+0000"));
        assert_eq!(n("2024-05-01 10:11:12+02:00").as_deref(), Some("2024-05-01T10:11:12.000000+0200"));
        assert_eq!(n("2024-05-01T10:11:12.1234567-0530").as_deref(), Some("2024-05-01T10:11:12.123456-0530"));
        assert_eq!(n("2024-5-1T9:05").as_deref(), Some("2024-05-01T09:05:00.000000+0000"));
        assert_eq!(n("2024-05-01 10:11 UTC").as_deref(), Some("2024-05-01T10:11:00.000000+0000"));
        assert_eq!(n("2023-02-30").as_deref(), Some("2023-03-02T00:00:00.000000+0000"));
        assert_eq!(n("2023-12-31T24:00:00").as_deref(), Some("2024-01-01T00:00:00.000000+0000"));
        assert_eq!(n("@0").as_deref(), Some("1970-01-01T00:00:00.000000+0000"));
        assert_eq!(n("@1700000000.5").as_deref(), Some("2023-11-14T22:13:20.500000+0000"));
        assert_eq!(n("@-1.25").as_deref(), Some("1969-12-31T23:59:58.750000+0000"));
        assert_eq!(n("2024-05-01T10:11:12+01").as_deref(), Some("2024-05-01T10:11:12.000000+0100"));
    }

    #[test]
    fn refusals() {
        for bad in [
            "",
            "now",
            "tomorrow",
            "2024",
            "2024-13-01",
            "2024-05-32",
            "24-05-01",
            "2024/05/01",
            "2024-05-01T25:00",
            "2024-05-01T10",
            "2024-05-01T10:11:12+2400",
            "2024-05-01X",
            "9999-12-31T24:00",
            "@",
            "@1e5",
            "2024-05-01T10:11:12 Europe/Paris",
        ] {
            assert_eq!(normalise(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn output_parses_to_itself() {
        for s in ["2024-05-01T10:11:12.123456+0200", "0000-01-01T00:00:00.000000-2359"] {
            assert_eq!(normalise(s).as_deref(), Some(s));
        }
    }
}

//! Small helpers that reproduce the PHP string semantics MISP's validation
//! relies on, so that edge cases come out the same: PHP's `trim()` character
//! set, ASCII-only case mapping (`strtolower` is byte-wise), `ctype_digit`,
//! `ctype_xdigit`, `ctype_cntrl`, `is_numeric` and PHP's `strpos(...)`-as-boolean
//! idiom (a match at offset 0 counts as "not found").

use std::borrow::Cow;

/// The characters PHP's `trim()` strips by default: space, tab, LF, CR, NUL, VT.
pub(crate) fn is_trim_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0B')
}

/// PHP `trim($s)`.
pub(crate) fn trim(s: &str) -> &str {
    s.trim_matches(is_trim_char)
}

/// PHP `ctype_digit($s)`: non-empty and ASCII digits only.
pub(crate) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// PHP `ctype_xdigit($s)`: non-empty and ASCII hex digits only.
pub(crate) fn is_xdigits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// PHP `ctype_cntrl($s)`: non-empty and every byte a C-locale control character.
pub(crate) fn is_all_control(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_control())
}

/// PHP `strpos($haystack, $needle)` used as a condition: true only for a match
/// after the first byte.
pub(crate) fn strpos_truthy(haystack: &str, needle: &str) -> bool {
    haystack.find(needle).is_some_and(|at| at > 0)
}

/// A string of ASCII digits, compared as a number, lies in `min..=max`
/// (PHP compares numeric strings numerically; leading zeros are fine).
pub(crate) fn digits_in_range(s: &str, min: u64, max: u64) -> bool {
    is_digits(s) && s.parse::<u64>().is_ok_and(|n| (min..=max).contains(&n))
}

/// PHP 8 `is_numeric($s)`: optional surrounding whitespace, optional sign,
/// decimal digits with an optional fraction, optional exponent.
pub(crate) fn is_numeric(s: &str) -> bool {
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C);
    let b = s.as_bytes();
    let start = b.iter().position(|c| !ws(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !ws(c)).map_or(start, |i| i + 1);
    let b = b.get(start..end).unwrap_or_default();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        frac_digits = i - frac_start;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

/// ASCII-only lower-casing, as PHP's `strtolower`; borrows when nothing changes.
pub(crate) fn lower(s: Cow<'_, str>) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) { Cow::Owned(s.to_ascii_lowercase()) } else { s }
}

/// ASCII-only upper-casing, as PHP's `strtoupper`; borrows when nothing changes.
pub(crate) fn upper(s: Cow<'_, str>) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_lowercase()) { Cow::Owned(s.to_ascii_uppercase()) } else { s }
}

/// Replaces every character outside the Basic Multilingual Plane (4 bytes in
/// UTF-8) with `?`, as MISP does because its value columns are `utf8mb3`.
pub(crate) fn replace_astral(s: Cow<'_, str>) -> Cow<'_, str> {
    if s.chars().any(|c| u32::from(c) > 0xFFFF) {
        Cow::Owned(s.chars().map(|c| if u32::from(c) > 0xFFFF { '?' } else { c }).collect())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_is_phps() {
        assert_eq!(trim(" \t\n\r\0\x0Bx\x0B "), "x");
        assert_eq!(trim("\u{a0}x\x0C"), "\u{a0}x\x0C");
    }

    #[test]
    fn numeric() {
        for ok in ["1", "-1", "+1", "1.5", ".5", "5.", "1e5", "1E-5", " 1", "1 ", "0012"] {
            assert!(is_numeric(ok), "{ok:?}");
        }
        for bad in ["", " ", "+", ".", "e5", "1e", "0x1A", "1,5", "inf", "NaN", "1 2", "--1"] {
            assert!(!is_numeric(bad), "{bad:?}");
        }
    }

    #[test]
    fn ctype() {
        assert!(is_digits("0123"));
        assert!(!is_digits(""));
        assert!(!is_digits("١٢"));
        assert!(is_xdigits("aF09"));
        assert!(!is_xdigits("g"));
        assert!(is_all_control("\x01\x7f"));
        assert!(!is_all_control(""));
        assert!(!is_all_control("\x01a"));
        assert!(strpos_truthy("a/b", "/"));
        assert!(!strpos_truthy("/b", "/"));
        assert!(digits_in_range("00080", 1, 65535));
        assert!(!digits_in_range("99999999999999999999999", 1, 65535));
    }

    #[test]
    fn case_is_ascii_only() {
        assert_eq!(lower(Cow::Borrowed("ÄbC")), "Äbc");
        assert_eq!(upper(Cow::Borrowed("äbc")), "äBC");
        assert_eq!(replace_astral(Cow::Borrowed("a😀b€")), "a?b€");
    }
}

//! Validation and normalisation of attribute values.
//!
//! [`normalise`] turns what a client sent for an attribute of a given type
//! into what MISP would store, or says why MISP would refuse it. It follows
//! MISP 2.5's server (`MispAttribute::beforeValidate`, its `$validate` rules,
//! and `AttributeValidationTool::modifyBeforeValidation` / `validate`), in
//! MISP's order:
//!
//! 1. strip PHP `trim()` white space (space, tab, CR, LF, NUL, VT) at both ends;
//! 2. refang defanged indicators for the types MISP refangs (see `net`);
//! 3. replace characters outside the Basic Multilingual Plane with `?` (MISP's
//!    columns are `utf8mb3`, so it does this for every type);
//! 4. the per-type rewrite (case, separators, IP compression, …);
//! 5. refuse empty values, values made only of control characters, composite
//!    values without exactly one `|`, values the type's rule refuses, and values
//!    longer than 65,535 bytes (the `TEXT` column).
//!
//! Case follows MISP: hashes, host and domain names, the e-mail types that MISP
//! lower-cases (`email`, `email-src`, `email-dst`, `target-email`,
//! `whois-registrant-email`), `anonymised`, `onion-address` and MAC addresses
//! are lower-cased; `hex`, `http-method`, `iban`, `bic`, `weakness` and CVE
//! identifiers are upper-cased; everything else keeps its case. Case mapping is
//! ASCII-only, as PHP's `strtolower`.
//!
//! Where we knowingly differ from MISP 2.5.1:
//! * empty input is refused for every type (MISP stores an empty `boolean` as `0`);
//! * an accepted value whose rewrite is not stable is rewritten until it is,
//!   so that normalising a stored value changes nothing (MISP stores the first
//!   pass, e.g. `00123` for the phone number `0(0)0123`, where we store `+123`);
//!   refanging likewise runs to a fixed point (`[[.]]` gives `.`);
//! * `integer` accepts an optionally signed whole number (MISP 2.5.1 refuses
//!   every value: it tests `is_int` on a string);
//! * `onion-address` accepts 56-character v3 names (MISP 2.5.1's pattern has a
//!   typo that refuses them);
//! * `vulnerability` also accepts the advisory identifiers newer MISP releases
//!   accept (GHSA, GCVE, PYSEC, RHSA, …), keeping their case;
//! * `domain|ip` and `hostname|port` halves may not end in a line break (PHP's
//!   `$` lets one through);
//! * `datetime` understands ISO 8601 and `@epoch`, not PHP's relative or named
//!   forms (`tomorrow`, `1 May 2024`), which need a clock or a zone database;
//! * types newer than MISP 2.5.1 (`suricata`, `edge-extension-id`, `uuid`,
//!   `filename|impfuzzy`) get the rule of their closest sibling (see `rules`).
//!
//! MISP's import regexes (administrator-defined rewrites) are configuration,
//! not part of this crate.

mod datetime;
mod net;
mod php;
mod rules;

use std::borrow::Cow;

use crate::types::{MAX_VALUE_BYTES, is_composite};
use rules::Rule;

/// Why a value was refused. The `Display` text is a plain English sentence
/// naming the problem, suitable for an API error message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The attribute type is not one of MISP's types.
    #[error("unknown attribute type '{0}'")]
    UnknownType(String),
    /// Nothing is left after trimming (and, for some types, after removing
    /// characters that do not belong).
    #[error("the value is empty")]
    Empty,
    /// The value, or one half of a composite value, is nothing but control characters.
    #[error("the value consists only of control characters")]
    ControlCharacters,
    /// A composite type's value lacks exactly one `|` between its two parts.
    #[error("a '{type_name}' value must be two parts separated by exactly one '|'")]
    NotComposite {
        /// The composite type.
        type_name: String,
    },
    /// The value does not fit MISP's value column.
    #[error("the value is {bytes} bytes long, more than the {max} bytes MISP can store; add it as an attachment instead")]
    TooLong {
        /// Length of the normalised value in bytes.
        bytes: usize,
        /// The limit, [`MAX_VALUE_BYTES`].
        max: usize,
    },
    /// The value does not have the form its type requires.
    #[error("{message}")]
    Invalid {
        /// The attribute type.
        type_name: String,
        /// What is wrong, as an English sentence.
        message: String,
    },
}

/// Validates `raw` as a value of `type_name` and returns what MISP stores.
pub fn normalise(type_name: &str, raw: &str) -> Result<String, ValueError> {
    let rule = Rule::of(type_name).ok_or_else(|| ValueError::UnknownType(type_name.to_owned()))?;
    // MISP would turn an empty `boolean` into "0"; we refuse empty input for every type.
    if php::trim(raw).is_empty() {
        return Err(ValueError::Empty);
    }
    let value = rewrite(rule, raw);
    validate(type_name, rule, &value)?;
    // MISP rewrites once. A few rewrites are not stable on their own output
    // (`0(0)0123` becomes `00123` as a phone number, which a second pass turns
    // into `+123`). Storing a value and normalising it again must give the same
    // value, so an accepted value is rewritten until nothing changes.
    let mut value = value;
    for _ in 0..MAX_REWRITES {
        let again = rewrite(rule, &value);
        if again == value {
            return Ok(value.into_owned());
        }
        let again = again.into_owned();
        validate(type_name, rule, &again)?;
        value = Cow::Owned(again);
    }
    Err(ValueError::Invalid {
        type_name: type_name.to_owned(),
        message: format!("'{}' does not settle to a stable {type_name} value", net::excerpt(&value)),
    })
}

/// MISP's validation rules for the `value` field, in MISP's order, on a
/// rewritten value.
fn validate(type_name: &str, rule: Rule, value: &str) -> Result<(), ValueError> {
    if php::trim(value).is_empty() {
        return Err(ValueError::Empty);
    }
    if php::is_all_control(value) {
        return Err(ValueError::ControlCharacters);
    }
    if is_composite(type_name) {
        let mut parts = value.split('|');
        let first = parts.next().unwrap_or_default();
        let second = parts.next().unwrap_or_default();
        if php::is_all_control(first) || php::is_all_control(second) {
            return Err(ValueError::ControlCharacters);
        }
        if parts.next().is_some() || !value.contains('|') {
            return Err(ValueError::NotComposite { type_name: type_name.to_owned() });
        }
    }
    rule.check(type_name, value).map_err(|message| ValueError::Invalid { type_name: type_name.to_owned(), message })?;
    if value.len() > MAX_VALUE_BYTES {
        return Err(ValueError::TooLong { bytes: value.len(), max: MAX_VALUE_BYTES });
    }
    Ok(())
}

/// One pass of MISP's `beforeValidate` rewriting: trim, refang, replace
/// characters outside the BMP, then the type's own rewrite.
fn rewrite(rule: Rule, raw: &str) -> Cow<'_, str> {
    let mut value = Cow::Borrowed(php::trim(raw));
    if let Some(kind) = rule.refang() {
        value = net::refang(value, kind);
    }
    value = php::replace_astral(value);
    rule.rewrite(value)
}

/// How many extra rewriting passes `normalise` tries before giving up.
const MAX_REWRITES: usize = 4;

/// Splits a stored value into MISP's `value1` and `value2`: composite types
/// split at the first `|`; everything else is `(value, None)`.
pub fn split(type_name: &str, normalised: &str) -> (String, Option<String>) {
    if is_composite(type_name)
        && let Some((a, b)) = normalised.split_once('|')
    {
        return (a.to_owned(), Some(b.to_owned()));
    }
    (normalised.to_owned(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_a_rule() {
        for t in crate::types::all_types() {
            assert!(Rule::of(t.name).is_some(), "no rule for {}", t.name);
        }
        assert!(Rule::of("targeted-threat-index").is_none());
    }

    #[test]
    fn pipeline_order() {
        assert_eq!(normalise("nope", "x"), Err(ValueError::UnknownType("nope".into())));
        assert_eq!(normalise("text", " \t\n"), Err(ValueError::Empty));
        assert_eq!(normalise("text", "\x01\x02"), Err(ValueError::ControlCharacters));
        assert_eq!(normalise("phone-number", "call me"), Err(ValueError::Empty));
        assert_eq!(normalise("text", "0"), Ok("0".into()));
        assert_eq!(normalise("regkey|value", "a|b|c"), Err(ValueError::NotComposite { type_name: "regkey|value".into() }));
        assert_eq!(normalise("regkey|value", "a|\x01"), Err(ValueError::ControlCharacters));
        let long = "a".repeat(MAX_VALUE_BYTES + 1);
        assert_eq!(normalise("text", &long), Err(ValueError::TooLong { bytes: MAX_VALUE_BYTES + 1, max: MAX_VALUE_BYTES }));
        assert!(normalise("text", &long[1..]).is_ok());
    }

    #[test]
    fn messages() {
        let msg = |t, v| normalise(t, v).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(msg("ip-src", "999.1.1.1"), "'999.1.1.1' is not a valid IPv4 or IPv6 address");
        assert_eq!(msg("nope", "x"), "unknown attribute type 'nope'");
        assert_eq!(msg("filename|md5", "x"), "a 'filename|md5' value must be two parts separated by exactly one '|'");
    }

    #[test]
    fn splitting() {
        assert_eq!(split("filename|md5", "a.exe|abc"), ("a.exe".into(), Some("abc".into())));
        assert_eq!(split("malware-sample", "a.exe|abc"), ("a.exe".into(), Some("abc".into())));
        assert_eq!(split("regkey|value", "k|v|w"), ("k".into(), Some("v|w".into())));
        assert_eq!(split("text", "a|b"), ("a|b".into(), None));
        assert_eq!(split("filename|md5", "nopipe"), ("nopipe".into(), None));
    }
}

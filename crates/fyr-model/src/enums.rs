//! The small integer enumerations of the MISP data model.
//!
//! MISP stores these as integers and sends them as decimal strings (`"5"`);
//! PyMISP sends either strings or numbers. Each enum converts from `i64`
//! (`TryFrom`), back with `as_i64()`, and parses the decimal string forms MISP
//! accepts (`"0"`…`"5"` for distribution, as in `MispAttribute::$validate`'s
//! `inList`). Serde writes the MISP wire form (a decimal string) and reads a
//! string or an integer.
//!
//! * [`Distribution`]: events, attributes, objects, reports; `Inherit` (5) is only
//!   valid below the event.
//! * [`ThreatLevel`]: `Event.threat_level_id`, 1 high … 4 undefined.
//! * [`Analysis`]: `Event.analysis`, 0 initial … 2 completed.
//! * [`SightingType`]: `Sighting.type`, 0 sighting, 1 false positive, 2 expiration.

use std::fmt;
use std::str::FromStr;

/// A value that is not one of an enumeration's codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a valid {what} (expected one of {expected})")]
pub struct EnumError {
    /// What was being parsed, e.g. "distribution".
    pub what: &'static str,
    /// The rejected input, as given.
    pub value: String,
    /// The accepted codes, e.g. "0, 1, 2, 3, 4, 5".
    pub expected: &'static str,
}

macro_rules! misp_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal, $expected:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant = $code, )+
        }

        impl $name {
            /// Every value, in code order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The integer code MISP stores.
            pub const fn as_i64(self) -> i64 {
                self as i64
            }

            /// The English label MISP shows for this value.
            pub const fn label(self) -> &'static str {
                match self { $( $name::$variant => $label, )+ }
            }

            /// Parses the decimal string form MISP accepts (exactly one of the codes,
            /// no sign, spaces or leading zeros).
            pub fn parse(s: &str) -> Result<Self, EnumError> {
                match s {
                    $( stringify!($code) => Ok($name::$variant), )+
                    _ => Err(EnumError { what: $what, value: s.to_owned(), expected: $expected }),
                }
            }
        }

        impl TryFrom<i64> for $name {
            type Error = EnumError;

            fn try_from(code: i64) -> Result<Self, EnumError> {
                match code {
                    $( $code => Ok($name::$variant), )+
                    _ => Err(EnumError { what: $what, value: code.to_string(), expected: $expected }),
                }
            }
        }

        impl From<$name> for i64 {
            fn from(v: $name) -> i64 {
                v.as_i64()
            }
        }

        impl FromStr for $name {
            type Err = EnumError;

            fn from_str(s: &str) -> Result<Self, EnumError> {
                $name::parse(s)
            }
        }

        impl fmt::Display for $name {
            /// The decimal code, as MISP sends it.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.as_i64())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(CodeVisitor::<$name>::new($what))
            }
        }
    };
}

misp_enum! {
    /// Who may see an event, attribute, object or report.
    Distribution, "distribution", "0, 1, 2, 3, 4, 5" {
        /// Your organisation only.
        OrganisationOnly = 0, "Your organisation only";
        /// This community only.
        CommunityOnly = 1, "This community only";
        /// Connected communities.
        ConnectedCommunities = 2, "Connected communities";
        /// All communities.
        AllCommunities = 3, "All communities";
        /// A sharing group (`sharing_group_id` says which).
        SharingGroup = 4, "Sharing group";
        /// Inherit the event's distribution (not valid on an event).
        Inherit = 5, "Inherit event";
    }
}

misp_enum! {
    /// An event's threat level (`threat_level_id`).
    ThreatLevel, "threat level", "1, 2, 3, 4" {
        /// High.
        High = 1, "High";
        /// Medium.
        Medium = 2, "Medium";
        /// Low.
        Low = 3, "Low";
        /// Undefined.
        Undefined = 4, "Undefined";
    }
}

misp_enum! {
    /// How far the analysis of an event has got.
    Analysis, "analysis", "0, 1, 2" {
        /// Initial.
        Initial = 0, "Initial";
        /// Ongoing.
        Ongoing = 1, "Ongoing";
        /// Completed.
        Completed = 2, "Completed";
    }
}

misp_enum! {
    /// The kind of a sighting.
    SightingType, "sighting type", "0, 1, 2" {
        /// The value was seen.
        Sighting = 0, "Sighting";
        /// The value was a false positive.
        FalsePositive = 1, "False-positive";
        /// The value expired.
        Expiration = 2, "Expiration";
    }
}

impl Distribution {
    /// Whether this value is allowed on an event (everything but `Inherit`).
    pub const fn valid_for_event(self) -> bool {
        !matches!(self, Distribution::Inherit)
    }
}

/// Reads an enum from a JSON string (`"5"`) or integer (`5`).
struct CodeVisitor<T> {
    what: &'static str,
    marker: std::marker::PhantomData<T>,
}

impl<T> CodeVisitor<T> {
    fn new(what: &'static str) -> Self {
        CodeVisitor { what, marker: std::marker::PhantomData }
    }
}

impl<T> serde::de::Visitor<'_> for CodeVisitor<T>
where
    T: FromStr<Err = EnumError> + TryFrom<i64, Error = EnumError>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} code as a string or an integer", self.what)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        T::from_str(v).map_err(E::custom)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(E::custom)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
        let code = i64::try_from(v).map_err(|_| E::custom(format!("{v} is not a valid {}", self.what)))?;
        T::try_from(code).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for d in Distribution::ALL {
            assert_eq!(Distribution::try_from(d.as_i64()), Ok(*d));
            assert_eq!(Distribution::parse(&d.to_string()), Ok(*d));
        }
        for t in ThreatLevel::ALL {
            assert_eq!(ThreatLevel::try_from(t.as_i64()), Ok(*t));
        }
        for a in Analysis::ALL {
            assert_eq!(a.to_string().parse::<Analysis>(), Ok(*a));
        }
        for s in SightingType::ALL {
            assert_eq!(SightingType::try_from(i64::from(*s)), Ok(*s));
        }
    }

    #[test]
    fn codes_match_misp() {
        assert_eq!(Distribution::Inherit.as_i64(), 5);
        assert_eq!(Distribution::SharingGroup.as_i64(), 4);
        assert_eq!(ThreatLevel::High.as_i64(), 1);
        assert_eq!(ThreatLevel::Undefined.as_i64(), 4);
        assert_eq!(Analysis::Completed.as_i64(), 2);
        assert_eq!(SightingType::FalsePositive.as_i64(), 1);
        assert_eq!(Distribution::ALL.len(), 6);
        assert!(!Distribution::Inherit.valid_for_event());
        assert!(Distribution::SharingGroup.valid_for_event());
    }

    #[test]
    fn rejects_other_forms() {
        for bad in ["6", "-1", "", " 1", "1 ", "01", "+1", "one", "1.0"] {
            assert!(Distribution::parse(bad).is_err(), "{bad:?}");
        }
        assert!(ThreatLevel::parse("0").is_err());
        assert!(ThreatLevel::try_from(5).is_err());
        assert!(Analysis::try_from(3).is_err());
        assert!(SightingType::try_from(-1).is_err());
        let err = Distribution::parse("9").err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("'9' is not a valid distribution (expected one of 0, 1, 2, 3, 4, 5)"));
    }

    #[test]
    fn serde_uses_misp_wire_form() {
        assert_eq!(serde_json::to_string(&Distribution::Inherit).ok().as_deref(), Some("\"5\""));
        let from_str: Result<ThreatLevel, _> = serde_json::from_str("\"2\"");
        assert_eq!(from_str.ok(), Some(ThreatLevel::Medium));
        let from_int: Result<Analysis, _> = serde_json::from_str("1");
        assert_eq!(from_int.ok(), Some(Analysis::Ongoing));
        let bad: Result<SightingType, _> = serde_json::from_str("7");
        assert!(bad.is_err());
        let neg: Result<Distribution, _> = serde_json::from_str("-1");
        assert!(neg.is_err());
    }
}

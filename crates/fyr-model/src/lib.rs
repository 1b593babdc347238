//! The MISP attribute model of fyr: no IO, no async.
//!
//! * [`types`]: MISP's attribute types and categories (`describeTypes`).
//! * [`value`]: validation and normalisation of attribute values, following
//!   MISP 2.5's server.
//! * [`enums`]: distribution, threat level, analysis and sighting type codes.

pub mod enums;
pub mod types;
pub mod value;

pub use enums::{Analysis, Distribution, EnumError, SightingType, ThreatLevel};
pub use types::{
    MAX_VALUE_BYTES, TypeInfo, all_types, categories, category_allows, describe_types, is_composite, type_info, types_in_category,
};
pub use value::{ValueError, normalise, split};

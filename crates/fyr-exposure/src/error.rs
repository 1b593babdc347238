//! Errors of this crate.

/// Why a [`DomainSuffix`](crate::DomainSuffix) could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("domain suffix is empty")]
    Empty,
    #[error("domain suffix is longer than 253 bytes")]
    TooLong,
    #[error("domain suffix has an empty label")]
    EmptyLabel,
    #[error("domain suffix has a label longer than 63 bytes")]
    LabelTooLong,
    #[error("domain suffix contains {0:?}, which is not allowed in a host name")]
    BadCharacter(char),
    #[error("domain suffix ends in a numeric label, so it would match IP addresses")]
    NumericTld,
}

/// Why a [`Matcher`](crate::Matcher) could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// The snapshot needs more entries than the 32-bit indexes of the
    /// structure can address (more than about two billion).
    #[error("asset snapshot too large: {what} exceeds the 32-bit index space")]
    TooLarge { what: &'static str },
}

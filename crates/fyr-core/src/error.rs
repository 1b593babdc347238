//! Core errors. Each variant corresponds to one of MISP's error behaviours;
//! `fyr-http` maps them to status codes and MISP-shaped bodies (and is the
//! only crate that knows status codes).

use fyr_store::StoreError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum CoreError {
    /// The thing does not exist or the caller may not see it (404).
    #[error("{0}")]
    NotFound(String),
    /// The caller's role lacks the permission for this functionality (403).
    #[error("You do not have permission to use this functionality.")]
    NoPermission,
    /// The caller may not do this to this particular record (403).
    #[error("{0}")]
    Forbidden(String),
    /// MISP answers these with 405 (MethodNotAllowedException).
    #[error("{0}")]
    NotAllowed(String),
    /// A field has an invalid value (403 with MISP's `saved:false` shape and
    /// `errors: {field: [message]}`).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The operation was refused for a reason that is not one field (403
    /// `saved:false` with `errors: "message"`).
    #[error("{0}")]
    Refused(String),
    /// A record with this uuid already exists (MISP: 404 with a Location header).
    #[error("{message}")]
    Exists { message: String, location: String },
    /// The request cannot be understood (400).
    #[error("{0}")]
    BadRequest(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl CoreError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> CoreError {
        CoreError::Invalid { field: field.into(), message: message.into() }
    }
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> CoreError {
        match e {
            StoreError::NotFound(what) => CoreError::NotFound(format!("Invalid {what}")),
            StoreError::Conflict(m) => CoreError::Refused(format!("The record conflicts with an existing one ({m}).")),
            StoreError::Invalid(m) => CoreError::BadRequest(m),
            StoreError::Backend(m) => CoreError::Internal(m),
        }
    }
}

pub type CoreResult<T> = Result<T, CoreError>;

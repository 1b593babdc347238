//! MISP's JSON wire format: lenient parsing of what clients send
//! ([`input`]) and rendering of records in MISP's shapes ([`output`]).
//! No IO; used by the HTTP layer, the sync client and feeds.

pub mod de;
pub mod export;
pub mod input;
pub mod output;

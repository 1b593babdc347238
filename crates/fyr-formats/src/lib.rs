//! fyr-formats: parsers and writers for the data formats fyr exchanges.
//! No IO beyond the readers and writers callers pass in.

pub mod exposure;

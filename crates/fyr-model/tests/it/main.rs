//! Integration tests of fyr-model's public API: data-driven value tables,
//! the type table, and property tests over every type.

mod props;
mod types;
mod values;

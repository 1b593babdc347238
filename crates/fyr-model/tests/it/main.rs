//! Integration tests of fyr-model's public API: data-driven value tables,
//! the type table, and property tests over every type.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failed unwrap is a failed test

mod props;
mod types;
mod values;

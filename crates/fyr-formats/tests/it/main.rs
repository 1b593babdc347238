//! Integration tests of `fyr_formats::exposure` (one binary, modules per
//! topic). Tests that need Shadowserver's published schema read it from the
//! path in `FYR_SHADOWSERVER_SCHEMA` and fail if it is not set.

#![allow(clippy::expect_used)]

mod all_report_types;
mod bad_input;
mod common;
mod csv_layout;
mod differential;
mod generic;
mod no_panic;

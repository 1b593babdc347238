//! HTTP integration tests: the real server (fyr-testkit) on SQLite, or on
//! PostgreSQL with `FYR_TEST_DATABASE=postgres`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failed unwrap is a failed test

mod admin;
mod api_errors;
mod bad_input;
mod events;
mod exposure;
mod exposure_delivery;
mod exposure_inbox;
mod exposure_kit;
mod exposure_sources;
mod exposure_visibility;

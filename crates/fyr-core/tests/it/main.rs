//! Integration tests of fyr-core against the real SQL store.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failed unwrap is a failed test

mod acl;
mod exposure;

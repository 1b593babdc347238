//! The crate's one integration-test binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod naive;
mod overlaps;
mod prop;
mod rules;
mod shared;

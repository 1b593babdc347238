//! The crate's one integration-test binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod advice;
mod naive;
mod notice;
mod notice_omitted;
mod overlaps;
mod prop;
mod rules;
mod shared;

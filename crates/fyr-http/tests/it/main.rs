//! HTTP integration tests: the real server (fyr-testkit) on SQLite, or on
//! PostgreSQL with `FYR_TEST_DATABASE=postgres`.

mod admin;
mod bad_input;
mod events;

//! Integration tests of fyr-core against the real SQL store.

mod acl;

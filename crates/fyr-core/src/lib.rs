//! fyr's core: the rules of sharing. Access control ([`acl`]), credentials
//! ([`auth`]), MISP's semantics for events, attributes, objects, tags,
//! sharing groups, organisations, users and roles, and search plans. It talks
//! to storage only through [`fyr_store::Store`] and to the world only through
//! [`env::Env`]; it does no IO of its own and knows nothing of HTTP.

pub mod acl;
pub mod admin;
pub mod attributes;
pub mod auth;
pub mod capture;
pub mod core;
pub mod env;
pub mod error;
pub mod events;
pub mod exposure;
pub mod objects;
pub mod roles;
pub mod search;
pub mod settings;
pub mod sharing_groups;
pub mod tag_admin;
pub mod tags;

pub use crate::core::{Actor, Bootstrap, BootstrapOutcome, Core, Origin};
pub use error::{CoreError, CoreResult};

//! TXT lookups for domain verification, through the system's resolver or
//! the one configured with `FYR_DNS_SERVER` (tests run their own DNS
//! server on loopback).

use crate::HttpConfig;
use hickory_resolver::Resolver;
use hickory_resolver::config::{NameServerConfig, ResolverConfig};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::proto::xfer::Protocol;

/// The TXT strings published at `name` (empty on any failure: a missing
/// record and an unreachable resolver both mean "not verified").
pub async fn txt(config: &HttpConfig, name: &str) -> Vec<String> {
    let resolver = match config.dns_server {
        Some(addr) => {
            let mut rc = ResolverConfig::new();
            rc.add_name_server(NameServerConfig::new(addr, Protocol::Udp));
            Resolver::builder_with_config(rc, TokioConnectionProvider::default()).build()
        }
        None => match Resolver::builder_tokio() {
            Ok(b) => b.build(),
            Err(e) => {
                tracing::warn!(error = %e, "No system DNS configuration.");
                return Vec::new();
            }
        },
    };
    match resolver.txt_lookup(name).await {
        Ok(lookup) => lookup
            .iter()
            .map(|txt| txt.txt_data().iter().map(|part| String::from_utf8_lossy(part).into_owned()).collect::<String>())
            .collect(),
        Err(e) => {
            tracing::debug!(name, error = %e, "TXT lookup found nothing.");
            Vec::new()
        }
    }
}

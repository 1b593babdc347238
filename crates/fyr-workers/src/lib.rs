//! Background work on the same core as the HTTP layer: streaming imports of
//! exposure data ([`ingest`]), the watched inbox ([`inbox`]), and sending
//! notifications ([`deliver`]). Any replica may run these: deliveries are
//! claimed from the database, inbox files are claimed by renaming them.

pub mod deliver;
pub mod destination;
pub mod inbox;
pub mod ingest;
pub mod run;

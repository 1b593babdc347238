//! The import driver: parsing and matching run on a blocking thread (pure
//! CPU), batches go through a bounded channel to the async side, which
//! stores them. Memory stays flat whatever the file's size: at most a few
//! batches are in flight.

use fyr_core::exposure::ingest::{Chunk, IMPORT_HEARTBEAT_SECS, ImportJob, ReaderSpec};
use fyr_core::{Core, CoreError, CoreResult};
use fyr_formats::exposure::{ExposureRecord, GenericCsvReader, JsonLinesReader, ParseStats, RowError, ShadowserverReader};
use fyr_store::{Import, Store};
use std::io::{BufReader, Read};

/// Records per batch: each is sorted by key and stored in one transaction.
/// Larger batches write the findings index in longer sorted runs (50,000
/// was ~10% faster than 25,000 on SQLite) at the cost of memory in flight.
pub const BATCH: usize = 50_000;
/// Batches in flight between the parser and the writer.
const IN_FLIGHT: usize = 1;

enum Parsed {
    Batch(Chunk),
    /// A batch could not be prepared for storing (its records could not be
    /// packed): the import fails as if storing had.
    Failed(CoreError),
    Done(Box<ImportJob>, ParseStats),
    /// The file could not be read at all (empty, binary, no header…).
    Unreadable(Box<ImportJob>, String),
}

fn drain<I>(mut job: ImportJob, it: &mut I, tx: &tokio::sync::mpsc::Sender<Parsed>) -> Option<ImportJob>
where
    I: Iterator<Item = Result<ExposureRecord, RowError>>,
{
    let mut batch = Vec::with_capacity(BATCH);
    let send = |job: &mut ImportJob, batch: &mut Vec<ExposureRecord>| {
        let msg = match job.process(batch) {
            Ok(chunk) => Parsed::Batch(chunk),
            Err(e) => Parsed::Failed(e),
        };
        batch.clear();
        tx.blocking_send(msg).is_ok()
    };
    for item in it.by_ref() {
        if let Ok(r) = item {
            batch.push(r);
        }
        if batch.len() >= BATCH && !send(&mut job, &mut batch) {
            return None;
        }
    }
    if !batch.is_empty() && !send(&mut job, &mut batch) {
        return None;
    }
    Some(job)
}

/// Parses and matches on this (blocking) thread, sending batches to `tx`.
fn parse(job: ImportJob, reader: Box<dyn Read + Send>, tx: tokio::sync::mpsc::Sender<Parsed>) {
    let spec = job.reader.clone();
    let options = job.options.clone();
    let sent = match spec {
        ReaderSpec::Shadowserver(schema) => match ShadowserverReader::with_options(&schema, reader, &options) {
            Ok(mut it) => drain(job, &mut it, &tx).map(|j| Parsed::Done(Box::new(j), it.into_stats())),
            Err(e) => Some(Parsed::Unreadable(Box::new(job), e.to_string())),
        },
        ReaderSpec::Csv(mapping) => match GenericCsvReader::new(&mapping, reader, &options) {
            Ok(mut it) => drain(job, &mut it, &tx).map(|j| Parsed::Done(Box::new(j), it.into_stats())),
            Err(e) => Some(Parsed::Unreadable(Box::new(job), e.to_string())),
        },
        ReaderSpec::JsonLines(mapping) => match JsonLinesReader::new(&mapping, BufReader::new(reader), &options) {
            Ok(mut it) => drain(job, &mut it, &tx).map(|j| Parsed::Done(Box::new(j), it.into_stats())),
            Err(e) => Some(Parsed::Unreadable(Box::new(job), e.to_string())),
        },
    };
    if let Some(last) = sent {
        let _ = tx.blocking_send(last);
    }
}

/// Runs a prepared import over `reader` to the end. A file that cannot be
/// read at all is recorded as a failed import (returned with status
/// `failed`); bad rows are counted and reported, the good ones stored.
pub async fn run_import<S: Store + Clone>(core: &Core<S>, job: ImportJob, reader: Box<dyn Read + Send>) -> CoreResult<Import> {
    let import_id = job.import.id;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Parsed>(IN_FLIGHT);
    let parser = tokio::task::spawn_blocking(move || parse(job, reader, tx));
    let mut outcome: Option<Parsed> = None;
    let mut store_error: Option<CoreError> = None;
    // Where the time went: storing batches, or waiting for the parser.
    let started = std::time::Instant::now();
    let mut storing = std::time::Duration::ZERO;
    // The heartbeat says this process is still at it (a slow upload can
    // go a long time without a batch); recovery in any replica leaves the
    // import alone while it is fresh.
    let mut beat = tokio::time::interval(std::time::Duration::from_secs(IMPORT_HEARTBEAT_SECS.unsigned_abs()));
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    beat.tick().await;
    loop {
        let msg = tokio::select! {
            msg = rx.recv() => msg,
            _ = beat.tick() => {
                if let Err(e) = core.beat_import(import_id).await {
                    tracing::warn!(import_id, error = %e, "Recording the import's heartbeat failed.");
                }
                continue;
            }
        };
        let Some(msg) = msg else { break };
        match msg {
            Parsed::Batch(chunk) => {
                // One transaction per batch: committing several together
                // wrote less log but overflowed the page cache (twice as
                // slow at 1M rows on SQLite).
                let t = std::time::Instant::now();
                if store_error.is_none()
                    && let Err(e) = core.persist_chunk(import_id, &chunk).await
                {
                    store_error = Some(e);
                }
                storing += t.elapsed();
            }
            Parsed::Failed(e) => {
                if store_error.is_none() {
                    store_error = Some(e);
                }
            }
            other => outcome = Some(other),
        }
    }
    parser.await.map_err(|e| CoreError::Internal(format!("import parser failed: {e}")))?;
    tracing::debug!(import_id, elapsed = ?started.elapsed(), ?storing, "import read and stored");
    match outcome {
        Some(Parsed::Done(mut job, stats)) => {
            job.parsed(&stats);
            if let Some(e) = store_error {
                core.fail_import(*job, &format!("Storing failed: {e}")).await?;
                return Err(e);
            }
            core.finish_import(*job).await
        }
        Some(Parsed::Unreadable(job, message)) => core.fail_import(*job, &message).await,
        _ => Err(store_error.unwrap_or_else(|| CoreError::Internal("the import ended without a result".into()))),
    }
}

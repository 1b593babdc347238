//! Parser throughput on generated Shadowserver reports.
//!
//! ```text
//! cargo run --release -p fyr-formats --example bench_parse -- <reports.json> [rows] [rounds] [types]
//! ```
//!
//! For each report type in `types` (comma-separated, default
//! `scan_http,event4_sinkhole`) it generates `rows` (default 1,000,000) rows
//! into memory, then parses them `rounds` times (default 3)
//! on one thread, touching every record, and prints rows/s and MB/s per
//! round and the best round. Generation is not timed. On Linux it also
//! prints rows per second of this thread's CPU time (from
//! `/proc/thread-self/schedstat`), which other processes on a shared
//! machine disturb much less than wall-clock time.

#![allow(clippy::expect_used)]

use std::time::Instant;

use fyr_formats::exposure::{GenOptions, ShadowserverReader, ShadowserverSchema, generate_shadowserver_csv};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: bench_parse <reports.json> [rows] [rounds] [types]");
        std::process::exit(2);
    };
    let rows: u64 = args.next().map_or(1_000_000, |a| a.parse().expect("rows"));
    let rounds: u32 = args.next().map_or(3, |a| a.parse().expect("rounds"));
    let types = args.next().unwrap_or_else(|| "scan_http,event4_sinkhole".to_owned());
    let schema = ShadowserverSchema::from_reader(std::fs::File::open(&path).expect("open schema")).expect("schema");

    for report_type in types.split(',') {
        let entry = schema.get(report_type).expect("report type in schema");
        let mut data = Vec::new();
        let started = Instant::now();
        generate_shadowserver_csv(entry, &GenOptions { rows, seed: 42, ..GenOptions::default() }, &mut data).expect("generate");
        println!(
            "{report_type}: generated {rows} rows, {:.1} MB ({} columns, {:.0} B/row) in {:.2} s",
            data.len() as f64 / 1e6,
            entry.fields.len(),
            data.len() as f64 / rows as f64,
            started.elapsed().as_secs_f64()
        );
        let mut best = 0.0f64;
        let mut best_cpu = 0.0f64;
        for round in 1..=rounds {
            let cpu_started = thread_cpu_ns();
            let started = Instant::now();
            let reader = ShadowserverReader::new(entry, data.as_slice()).expect("header");
            let mut ok = 0u64;
            let mut checksum = 0u64;
            for record in reader {
                let record = record.expect("generated rows are good");
                ok += 1;
                checksum = checksum.wrapping_add(u64::from(record.port.unwrap_or(0))).wrapping_add(record.extra.len() as u64);
            }
            let secs = started.elapsed().as_secs_f64();
            let cpu_secs = match (cpu_started, thread_cpu_ns()) {
                (Some(a), Some(b)) => Some(b.saturating_sub(a) as f64 / 1e9),
                _ => None,
            };
            assert_eq!(ok, rows);
            let rate = ok as f64 / secs;
            best = best.max(rate);
            let cpu_rate = cpu_secs.map_or(0.0, |c| ok as f64 / c);
            best_cpu = best_cpu.max(cpu_rate);
            println!(
                "  round {round}: {ok} rows in {secs:.3} s = {:.2} M rows/s, {:.0} MB/s; per CPU second {:.2} M rows/s (checksum {checksum})",
                rate / 1e6,
                data.len() as f64 / secs / 1e6,
                cpu_rate / 1e6
            );
        }
        println!("  best: {:.2} M rows/s wall clock, {:.2} M rows/s per CPU second", best / 1e6, best_cpu / 1e6);
    }
}

/// CPU time of the current thread in nanoseconds (Linux), if available.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

//! Importing exposure data: one file of one source becomes an import; each
//! record is matched to its owners, suppressed or ignored as configured,
//! and folded into one finding per (organisation, source, kind, asset);
//! records nobody owns are kept for the CERT. When the file ends, findings
//! the source no longer reports count a miss, and after two consecutive
//! misses are resolved.
//!
//! The work is split so a driver can stream: [`Core::begin_import`] checks
//! the request and records the import; [`ImportJob::process`] (pure CPU:
//! matching and aggregation) turns a batch of records into a [`Chunk`];
//! [`Core::persist_chunk`] stores it in one transaction;
//! [`Core::finish_import`] closes the scope and stores the counts. The
//! driver that reads files (`fyr-workers`) runs parsing and `process` on a
//! blocking thread and persists on the async side.

use super::severity_level;
use crate::core::{Actor, Core};
use crate::error::{CoreError, CoreResult};
use fyr_exposure::{Asn, Matcher, RecordMatch, SourceKind, Subject};
use fyr_formats::exposure::{
    ColumnMapping, ExposureRecord, ParseStats, ReaderOptions, ReportSchema, RowError, Severity, report_type_from_filename,
};
use fyr_store::records::RecordBlocks;
use fyr_store::*;
use rustc_hash::FxHashMap;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::sync::Arc;

/// Misses after which a finding is resolved.
pub const RESOLVE_AFTER_MISSES: i64 = 2;
/// Longest value kept per raw field of a finding's details.
const MAX_DETAIL: usize = 1024;
/// Row errors kept on an import.
pub const ERRORS_KEPT: usize = 100;

/// What to import.
#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    /// Source name (or id).
    pub source: String,
    /// The file's name (Shadowserver's names carry the report type and date).
    pub filename: String,
    /// The report type, when the file name does not say it.
    pub report_type: Option<String>,
    /// `api`, `cli` or `inbox`.
    pub via: String,
}

/// How the driver reads the file.
#[derive(Debug, Clone)]
pub enum ReaderSpec {
    Shadowserver(ReportSchema),
    Csv(ColumnMapping),
    JsonLines(ColumnMapping),
}

/// A suppression in a form quick to test per record.
#[derive(Debug, Clone)]
struct Rule {
    org_id: i64,
    source_id: i64,
    kind: String,
    net: Option<ipnet::IpNet>,
}

/// Findings and unmatched records of one batch, aggregated per key, with
/// the raw records the findings point at.
pub type Chunk = ImportBatch;

/// An import under way.
pub struct ImportJob {
    pub import: Import,
    pub source: Source,
    pub reader: ReaderSpec,
    pub options: ReaderOptions,
    matcher: Arc<Matcher>,
    rules: Vec<Rule>,
    /// Whether the port is part of the asset (the scanned service), or a
    /// client port of an event (not part of it).
    include_port: bool,
    severity_defaults: Arc<HashMap<String, Severity>>,
    default_severity: Severity,
    /// Report types seen (several for generic sources with a kind column).
    kinds: BTreeSet<String>,
    /// Reading stopped before the end of the file (cut off, unreadable).
    aborted: bool,
    /// The highest finding id when the import began: the import's new
    /// findings are those of its scope above it.
    created_after: i64,
    /// Writes the raw records of each batch into blocks.
    blocks: RecordBlocks,
}

impl std::fmt::Debug for ImportJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportJob").field("import", &self.import).field("source", &self.source.name).finish_non_exhaustive()
    }
}

/// How often a running import's heartbeat is recorded (seconds).
pub const IMPORT_HEARTBEAT_SECS: i64 = 15;
/// A `running` import whose heartbeat is older than this (seconds) was left
/// by a stopped process: four missed beats.
pub const IMPORT_STALE_SECS: i64 = 60;

fn clip(s: &str) -> String {
    if s.len() <= MAX_DETAIL {
        return s.to_string();
    }
    let mut end = MAX_DETAIL;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Writes an address as text into `out` (cleared first). IPv4, nearly
/// every record, octet by octet with itoa: `Display` goes through the
/// formatting machinery four times per address, which showed in profiles
/// of a million-row import.
pub fn format_ip(ip: IpAddr, out: &mut String) {
    out.clear();
    match ip {
        IpAddr::V4(v4) => {
            let mut num = itoa::Buffer::new();
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(num.format(octet));
            }
        }
        IpAddr::V6(v6) => {
            use std::fmt::Write;
            let _ = write!(out, "{v6}");
        }
    }
}

/// Hands the raw fields of a record to a block (values as text, each
/// clipped to [`MAX_DETAIL`] bytes): the normalised ones under fixed names,
/// then every other column of the report under its own name. `ip_text` is
/// the record's address as text when the caller has it already. This runs
/// for every stored record: numbers are formatted with itoa, no allocation
/// unless a value is clipped.
pub fn raw_fields(r: &ExposureRecord, ip_text: Option<&str>, block: &mut RecordBlocks) {
    let mut num = itoa::Buffer::new();
    let put = |block: &mut RecordBlocks, key: &str, value: &str| {
        if value.len() > MAX_DETAIL {
            block.field(key, &clip(value));
        } else {
            block.field(key, value);
        }
    };
    put(block, "timestamp", num.format(r.observed_at.unix_timestamp()));
    match (ip_text, r.ip) {
        (Some(text), Some(_)) => put(block, "ip", text),
        (None, Some(ip)) => {
            let mut text = String::with_capacity(40);
            format_ip(ip, &mut text);
            put(block, "ip", &text);
        }
        (_, None) => {}
    }
    if let Some(p) = r.port {
        put(block, "port", num.format(p));
    }
    if let Some(p) = &r.protocol {
        put(block, "protocol", p.as_str());
    }
    if r.asn != 0 {
        put(block, "asn", num.format(r.asn));
    }
    if let Some(g) = &r.geo {
        put(block, "geo", g.as_str());
    }
    for (k, v) in [("hostname", &r.hostname), ("url", &r.url), ("http_host", &r.http_host), ("tag", &r.tag)] {
        if let Some(v) = v {
            put(block, k, v);
        }
    }
    if let Some(s) = r.severity {
        put(block, "severity", s.as_str());
    }
    // The report's other columns: names looked up once per file.
    let ids = block.key_ids(r.extra.names());
    for (i, v) in r.extra.indexed() {
        match ids.get(i) {
            Some(&id) if v.len() <= MAX_DETAIL => block.field_id(id, v),
            Some(&id) => block.field_id(id, &clip(v)),
            None => {}
        }
    }
}

/// Gives each finding of a batch (sorted by organisation) its record in
/// blocks filled in that order, so an organisation's findings of an
/// import share few blocks. `records` is the batch the findings' `row`
/// (its index there, until now) points into.
fn fill_blocks(
    blocks: &mut RecordBlocks,
    findings: &mut [FindingUpsert],
    records: &[ExposureRecord],
) -> CoreResult<Vec<fyr_store::records::RecordBlock>> {
    for f in findings.iter_mut() {
        let record = usize::try_from(f.row)
            .ok()
            .and_then(|i| records.get(i))
            .ok_or_else(|| CoreError::Internal(format!("finding {} lost its record", f.asset)))?;
        // The finding holds the record's address as text already.
        raw_fields(record, Some(f.ip.as_str()).filter(|t| !t.is_empty()), blocks);
        (f.block, f.row) = blocks.end_record()?;
    }
    Ok(blocks.finish()?)
}

impl ImportJob {
    fn suppressed(&self, org_id: i64, kind: &str, ip: Option<IpAddr>) -> bool {
        self.rules.iter().any(|r| {
            r.org_id == org_id
                && (r.source_id == 0 || r.source_id == self.source.id)
                && (r.kind.is_empty() || r.kind == kind)
                && match (&r.net, ip) {
                    (None, _) => true,
                    (Some(net), Some(ip)) => net.contains(&ip),
                    (Some(_), None) => false,
                }
        })
    }

    /// Matches and aggregates a batch of records and packs the records the
    /// findings point at into blocks (no IO).
    pub fn process(&mut self, records: &[ExposureRecord]) -> CoreResult<Chunk> {
        // Keys borrow the report type from the batch; the asset in a key is
        // moved into its finding at the end (one allocation per record).
        // FxHash: the keys are ours (addresses and host names from the
        // report), and a flood of colliding keys would only slow one batch.
        let mut findings: FxHashMap<(i64, &str, String), FindingUpsert> = FxHashMap::default();
        let mut unmatched: FxHashMap<(&str, String), UnmatchedUpsert> = FxHashMap::default();
        let mut ip_text = String::with_capacity(40);
        let mut owners: Vec<i64> = Vec::with_capacity(4);
        let website = self.source.website_content;
        for (index, r) in records.iter().enumerate() {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            let kind: &str = &r.report_type;
            if !self.kinds.contains(kind) {
                self.kinds.insert(kind.to_string());
            }
            let host = r.url.as_deref().or(r.http_host.as_deref()).or(r.hostname.as_deref());
            let subject = Subject {
                addr: r.ip,
                asn: Asn::new(r.asn),
                host,
                source: if website { SourceKind::WebsiteContent } else { SourceKind::Network },
            };
            // The asset a finding is about: the address (with the port of a
            // scanned service), or the host name.
            ip_text.clear();
            if let Some(ip) = r.ip {
                format_ip(ip, &mut ip_text);
            }
            let asset = match (r.ip, host) {
                (Some(_), _) if !website => match (self.include_port, r.port) {
                    (true, Some(port)) => {
                        let proto = r.protocol.as_ref().map(|p| p.as_str()).unwrap_or("tcp");
                        let mut a = String::with_capacity(ip_text.len() + 12);
                        a.push_str(&ip_text);
                        a.push(':');
                        a.push_str(itoa::Buffer::new().format(port));
                        a.push('/');
                        a.push_str(proto);
                        a
                    }
                    _ => ip_text.clone(),
                },
                (_, Some(h)) => fyr_exposure_host(h),
                (Some(_), None) => ip_text.clone(),
                (None, None) => String::new(),
            };
            let observed = r.observed_at.unix_timestamp();
            match self.matcher.match_subject(&subject) {
                RecordMatch::Matched(m) => {
                    let severity = severity_level(r.severity_or(&self.severity_defaults).unwrap_or(self.default_severity));
                    owners.clear();
                    for om in m.iter() {
                        let org_id = i64::try_from(om.org.0).unwrap_or(0);
                        if self.suppressed(org_id, kind, r.ip) {
                            self.import.rows_suppressed += 1;
                            continue;
                        }
                        owners.push(org_id);
                    }
                    let any = !owners.is_empty();
                    let mut asset = Some(asset);
                    let last = owners.len().saturating_sub(1);
                    for (n, &org_id) in owners.iter().enumerate() {
                        // The last owner (nearly always the only one) takes the asset.
                        let asset = if n == last { asset.take().unwrap_or_default() } else { asset.clone().unwrap_or_default() };
                        let key = (org_id, kind, asset);
                        match findings.get_mut(&key) {
                            Some(f) => {
                                f.count += 1;
                                if observed >= f.observed {
                                    // The record shown is the latest; its
                                    // address goes with it (a host-name
                                    // finding may be seen on several).
                                    f.observed = observed;
                                    f.row = index;
                                    f.ip.clone_from(&ip_text);
                                }
                                f.severity = f.severity.max(severity);
                            }
                            None => {
                                findings.insert(
                                    key,
                                    FindingUpsert {
                                        org_id,
                                        source_id: self.source.id,
                                        kind: kind.to_string(),
                                        asset: String::new(),
                                        ip: ip_text.clone(),
                                        port: r.port.map(i64::from).unwrap_or(0),
                                        protocol: r.protocol.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default(),
                                        hostname: host.map(fyr_exposure_host).unwrap_or_default(),
                                        asn: i64::from(r.asn),
                                        severity,
                                        observed,
                                        count: 1,
                                        block: 0,
                                        row: index,
                                    },
                                );
                            }
                        }
                    }
                    if any {
                        self.import.rows_matched += 1;
                    }
                }
                RecordMatch::Ignored(_) => self.import.rows_ignored += 1,
                RecordMatch::Unmatched => {
                    self.import.rows_unmatched += 1;
                    let key = (kind, asset);
                    match unmatched.get_mut(&key) {
                        Some(u) => {
                            u.count += 1;
                            u.observed = u.observed.max(observed);
                        }
                        None => {
                            unmatched.insert(
                                key,
                                UnmatchedUpsert {
                                    source_id: self.source.id,
                                    kind: kind.to_string(),
                                    asset: String::new(),
                                    ip: ip_text.clone(),
                                    asn: i64::from(r.asn),
                                    hostname: host.map(fyr_exposure_host).unwrap_or_default(),
                                    geo: r.geo.as_ref().map(|g| g.as_str().to_string()).unwrap_or_default(),
                                    observed,
                                    count: 1,
                                },
                            );
                        }
                    }
                }
            }
        }
        // Sorted by the unique key, the batch's index inserts land close together.
        let mut findings: Vec<FindingUpsert> = findings
            .into_iter()
            .map(|((_, _, asset), mut f)| {
                f.asset = asset;
                f
            })
            .collect();
        findings.sort_unstable_by(|a, b| (a.org_id, &a.kind, &a.asset).cmp(&(b.org_id, &b.kind, &b.asset)));
        let blocks = fill_blocks(&mut self.blocks, &mut findings, records)?;
        let mut unmatched: Vec<UnmatchedUpsert> = unmatched
            .into_iter()
            .map(|((_, asset), mut u)| {
                u.asset = asset;
                u
            })
            .collect();
        unmatched.sort_unstable_by(|a, b| (&a.kind, &a.asset).cmp(&(&b.kind, &b.asset)));
        Ok(Chunk { blocks, findings, unmatched })
    }

    /// Takes the parser's counts and errors for the import record.
    pub fn parsed(&mut self, stats: &ParseStats) {
        self.import.rows_ok = i64::try_from(stats.rows_ok).unwrap_or(i64::MAX);
        self.import.rows_bad = i64::try_from(stats.rows_bad).unwrap_or(i64::MAX);
        self.import.errors = errors_json(&stats.errors, stats.errors_not_kept);
        if let Some(a) = &stats.aborted {
            self.aborted = true;
            self.import.message = format!("Reading stopped at line {}: {}", a.line, a.message);
        }
    }
}

/// The findings an import is about, for closing it.
fn import_scopes(job: &ImportJob) -> Vec<Option<String>> {
    match job.reader {
        // One report type per file: that type is the scope.
        ReaderSpec::Shadowserver(_) => vec![Some(job.import.report_type.clone())],
        // A generic file is the source's whole report.
        _ => vec![None],
    }
}

/// The report type a generic source's mapping names, if any.
fn mapping_report_type(mapping: &str) -> Option<String> {
    serde_json::from_str::<ColumnMapping>(mapping).ok().map(|m| m.report_type).filter(|t| !t.trim().is_empty())
}

/// The host of a host name or URL, lower case, for display and keys.
fn fyr_exposure_host(h: &str) -> String {
    let t = h.trim();
    let after_scheme = t.split_once("://").map(|(_, r)| r).unwrap_or(t);
    let host = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host);
    let host = if host.starts_with('[') {
        host.split(']').next().map(|h| h.trim_start_matches('[')).unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// Row errors as stored on the import: the first ones and how many more.
pub fn errors_json(errors: &[RowError], not_kept: u64) -> String {
    let list: Vec<Value> =
        errors.iter().take(ERRORS_KEPT).map(|e| json!({"line": e.line, "kind": e.kind.to_string(), "message": e.message})).collect();
    let more = not_kept + errors.len().saturating_sub(ERRORS_KEPT) as u64;
    json!({"errors": list, "more": more}).to_string()
}

impl<S: Store> Core<S> {
    /// Checks an import request, records the import and prepares the job.
    /// A request that cannot be read (unknown report type, disabled source)
    /// is recorded as a failed import and answered with the reason.
    pub async fn begin_import(&self, actor: Option<&Actor>, req: &ImportRequest) -> CoreResult<ImportJob> {
        if let Some(a) = actor {
            self.require_cert(a).await?;
        }
        let source = self.find_source(&req.source).await?;
        let now = self.now();
        let file = report_type_from_filename(req.filename.rsplit(['/', '\\']).next().unwrap_or(&req.filename));
        let explicit = req.report_type.clone().filter(|t| !t.trim().is_empty());
        // A Shadowserver file names its report type; for a generic source the
        // mapping's report type wins over a file name that happens to look
        // like Shadowserver's (an explicit report_type still replaces it).
        let mapped = if source.format == "shadowserver" { None } else { mapping_report_type(&source.mapping) };
        let report_type = explicit.or(mapped).or_else(|| file.as_ref().map(|f| f.report_type.clone()));
        let mut import = Import {
            id: 0,
            source_id: source.id,
            report_type: report_type.clone().unwrap_or_default(),
            filename: crate::capture::clip_text(&req.filename, 255),
            via: req.via.clone(),
            user_id: actor.map(|a| a.user.id).unwrap_or(0),
            status: "running".into(),
            errors: errors_json(&[], 0),
            started: now,
            heartbeat: now,
            ..Import::default()
        };
        let audit = match actor {
            Some(a) => a.audit(now, "add", "ExposureImport", 0, format!("Import of {} into {}", import.filename, source.name)),
            None => {
                self.system_audit("add", "ExposureImport", 0, format!("Import of {} into {} ({})", import.filename, source.name, req.via))
            }
        };
        import.id = self.store.insert_import(&import, &audit).await?;
        let reader = match self.reader_spec(&source, report_type.as_deref()) {
            Ok(r) => r,
            Err(e) => {
                import.status = "failed".into();
                import.message = e.to_string();
                import.finished = self.now();
                self.store.finish_import(&import).await?;
                return Err(e);
            }
        };
        let mut options = ReaderOptions { max_errors_kept: ERRORS_KEPT, ..ReaderOptions::default() };
        let fallback = file.map(|f| f.date.midnight().assume_utc()).or_else(|| time::OffsetDateTime::from_unix_timestamp(now).ok());
        options.fallback_observed_at = fallback;
        let include_port = match &reader {
            ReaderSpec::Shadowserver(s) => s.address_columns().is_some_and(|c| c.prefix.is_empty()),
            _ => true,
        };
        let rules = self
            .store
            .suppressions(None)
            .await?
            .into_iter()
            .filter(|s| s.until == 0 || s.until > now)
            .map(|s| Rule { org_id: s.org_id, source_id: s.source_id, kind: s.kind, net: s.cidr.parse().ok() })
            .collect();
        let matcher = self.exposure_matcher().await?;
        let created_after = self.store.max_finding_id().await?;
        let default_severity = Severity::parse(&source.default_severity).unwrap_or(Severity::Medium);
        Ok(ImportJob {
            import,
            source,
            reader,
            options,
            matcher,
            rules,
            include_port,
            severity_defaults: Arc::new(self.exposure.config.severities.clone()),
            default_severity,
            kinds: BTreeSet::new(),
            aborted: false,
            created_after,
            blocks: RecordBlocks::new()?,
        })
    }

    fn reader_spec(&self, source: &Source, report_type: Option<&str>) -> CoreResult<ReaderSpec> {
        if !source.enabled {
            return Err(CoreError::Refused(format!("The source {} is disabled.", source.name)));
        }
        match source.format.as_str() {
            "shadowserver" => {
                let schema =
                    self.exposure.config.schema.as_ref().ok_or_else(|| {
                        CoreError::Refused("No Shadowserver report schema is configured (FYR_SHADOWSERVER_SCHEMA).".into())
                    })?;
                let t = report_type.ok_or_else(|| {
                    CoreError::invalid("report_type", "unknown: name the file YYYY-MM-DD-<type>-….csv or give report_type")
                })?;
                let entry =
                    schema.get(t).ok_or_else(|| CoreError::invalid("report_type", format!("{t:?} is not a report type of the schema")))?;
                Ok(ReaderSpec::Shadowserver(entry.clone()))
            }
            "csv" | "jsonl" => {
                let mut m: ColumnMapping = serde_json::from_str(&source.mapping)
                    .map_err(|e| CoreError::Refused(format!("The source's mapping is invalid: {e}")))?;
                if let Some(t) = report_type {
                    m.report_type = t.to_string();
                }
                Ok(if source.format == "csv" { ReaderSpec::Csv(m) } else { ReaderSpec::JsonLines(m) })
            }
            other => Err(CoreError::Refused(format!("Unknown source format {other:?}."))),
        }
    }

    /// Stores one batch of import `import_id` in one transaction.
    pub async fn persist_chunk(&self, import_id: i64, chunk: &Chunk) -> CoreResult<()> {
        Ok(self.store.store_import_batch(import_id, chunk).await?)
    }

    /// Ends an import: resolves what the source stopped reporting, stores
    /// the counts, and queues critical notices.
    pub async fn finish_import(&self, mut job: ImportJob) -> CoreResult<Import> {
        let now = self.now();
        let started = std::time::Instant::now();
        let scopes = import_scopes(&job);
        let mut created = 0;
        let mut resolved = 0;
        if job.import.rows_ok > 0 || job.import.rows_bad == 0 {
            // A file not read to the end says nothing about what is gone:
            // its rows are stored, but nothing counts a miss.
            let threshold = if job.aborted { None } else { Some(RESOLVE_AFTER_MISSES) };
            for scope in &scopes {
                let (c, r) = self
                    .store
                    .close_import_scope(job.import.id, job.source.id, scope.as_deref(), threshold, now, job.created_after)
                    .await?;
                created += c;
                resolved += r;
            }
        } else {
            // Nothing readable: do not count a miss against every finding.
            job.import.message = format!("{} No row could be read, so no finding was resolved.", job.import.message).trim().to_string();
        }
        if job.kinds.len() == 1 && job.import.report_type.is_empty() {
            job.import.report_type = job.kinds.iter().next().cloned().unwrap_or_default();
        }
        job.import.findings_new = created;
        job.import.findings_resolved = resolved;
        if job.aborted {
            job.import.status = "failed".into();
            job.import.message = format!(
                "{} The {} rows read before that were stored; since the file was not read to the end, no finding was resolved.",
                job.import.message, job.import.rows_ok
            );
        } else {
            job.import.status = "done".into();
        }
        job.import.finished = self.now();
        self.store.finish_import(&job.import).await?;
        let closing = started.elapsed();
        self.plan_deliveries(now).await?;
        tracing::debug!(import_id = job.import.id, ?closing, planning = ?started.elapsed().saturating_sub(closing), "import closed");
        Ok(job.import)
    }

    /// Records that this process is still running import `id` (see
    /// `Import::heartbeat`; the import driver calls it every
    /// [`IMPORT_HEARTBEAT_SECS`]).
    pub async fn beat_import(&self, id: i64) -> CoreResult<()> {
        Ok(self.store.beat_import(id, self.now()).await?)
    }

    /// Marks an import failed (the file could not be read at all, or
    /// storing failed). Findings its stored batches reopened or made worse
    /// are still marked to be told again; nothing counts a miss.
    pub async fn fail_import(&self, mut job: ImportJob, message: &str) -> CoreResult<Import> {
        let now = self.now();
        for scope in import_scopes(&job) {
            if let Err(e) =
                self.store.close_import_scope(job.import.id, job.source.id, scope.as_deref(), None, now, job.created_after).await
            {
                tracing::warn!(import = job.import.id, error = %e, "Marking the failed import's reopened findings failed.");
            }
        }
        job.import.status = "failed".into();
        job.import.message = message.to_string();
        job.import.finished = self.now();
        self.store.finish_import(&job.import).await?;
        Ok(job.import)
    }

    pub async fn list_imports(&self, actor: &Actor, source: Option<&str>, limit: u64) -> CoreResult<Vec<Import>> {
        self.require_cert(actor).await?;
        let source_id = match source {
            Some(s) => Some(self.find_source(s).await?.id),
            None => None,
        };
        Ok(self.store.imports(source_id, limit.clamp(1, 1000)).await?)
    }

    pub async fn get_import(&self, actor: &Actor, id: i64) -> CoreResult<Import> {
        self.require_cert(actor).await?;
        self.store.import(id).await?.ok_or_else(|| CoreError::NotFound("Invalid import".into()))
    }

    /// The CERT's view of unmatched records.
    pub async fn list_unmatched(&self, actor: &Actor, source: Option<&str>, after_id: i64, limit: u64) -> CoreResult<Vec<Unmatched>> {
        self.require_cert(actor).await?;
        let source_id = match source {
            Some(s) => Some(self.find_source(s).await?.id),
            None => None,
        };
        Ok(self.store.unmatched(source_id, after_id, limit.clamp(1, 10_000)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::fyr_exposure_host;

    #[test]
    fn raw_fields_round_trip() {
        use fyr_formats::exposure::{ExposureRecord, Extra};
        let r = ExposureRecord {
            observed_at: time::OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap(),
            report_type: "scan_http".into(),
            severity: None,
            ip: "192.0.2.1".parse().ok(),
            port: Some(80),
            protocol: None,
            asn: 64500,
            geo: None,
            hostname: Some("a\"b<c>".into()),
            url: None,
            http_host: None,
            tag: None,
            extra: Extra::from_pairs(&[("server", "nginx \u{1} \\ x"), ("long", &"y".repeat(5000))]),
            line: 2,
        };
        let mut blocks = fyr_store::records::RecordBlocks::new().unwrap();
        super::raw_fields(&r, None, &mut blocks);
        blocks.end_record().unwrap();
        let rows = fyr_store::records::decode_block(&blocks.finish().unwrap()[0].data).unwrap();
        let v: serde_json::Value = serde_json::from_str(&fyr_store::records::fields_json(&rows[0])).unwrap();
        assert_eq!(v["ip"], "192.0.2.1");
        assert_eq!(v["port"], "80");
        assert_eq!(v["asn"], "64500");
        assert_eq!(v["hostname"], "a\"b<c>");
        assert_eq!(v["server"], "nginx \u{1} \\ x");
        assert!(v["long"].as_str().unwrap().len() < 1100);
    }

    #[test]
    fn addresses_as_text() {
        let mut out = String::from("left over");
        for ip in ["0.0.0.0", "192.0.2.1", "255.255.255.255", "10.20.3.40", "2001:db8::1", "::ffff:192.0.2.1", "::"] {
            let addr: std::net::IpAddr = ip.parse().unwrap();
            super::format_ip(addr, &mut out);
            assert_eq!(out, addr.to_string());
        }
    }

    #[test]
    fn hosts() {
        assert_eq!(fyr_exposure_host("https://User@WWW.Example.se:8443/path?q"), "www.example.se");
        assert_eq!(fyr_exposure_host("www.example.se."), "www.example.se");
        assert_eq!(fyr_exposure_host("http://[2001:db8::1]:80/"), "2001:db8::1");
    }
}

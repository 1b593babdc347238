-- Exposure notifications (SQLite). Keep in step with ../postgres/0002_exposure.sql.

-- What each organisation registered: CIDRs, AS numbers, domain suffixes.
CREATE TABLE exposure_assets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    -- cidr | asn | domain
    kind TEXT NOT NULL,
    -- canonical form: 192.0.2.0/24, 2001:db8::/32, 64500, example.se
    value TEXT NOT NULL,
    -- pending | approved | rejected
    status TEXT NOT NULL DEFAULT 'pending',
    -- how it was verified: '' | staff | dns
    verified_by TEXT NOT NULL DEFAULT '',
    verifier_user_id INTEGER NOT NULL DEFAULT 0,
    verified_at INTEGER NOT NULL DEFAULT 0,
    dns_token TEXT NOT NULL DEFAULT '',
    registered_by INTEGER NOT NULL DEFAULT 0,
    valid_from INTEGER NOT NULL DEFAULT 0,
    -- 0: no end
    valid_until INTEGER NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    UNIQUE (org_id, kind, value)
);

-- Per-organisation notification settings.
CREATE TABLE exposure_org_settings (
    org_id INTEGER PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    language TEXT NOT NULL DEFAULT 'sv',
    -- minutes after local midnight (Europe/Stockholm) when the digest goes out
    digest_minute INTEGER NOT NULL DEFAULT 420,
    critical_immediately INTEGER NOT NULL DEFAULT 1,
    notify_covered_customers INTEGER NOT NULL DEFAULT 0,
    last_digest_at INTEGER NOT NULL DEFAULT 0,
    modified INTEGER NOT NULL
);

-- Where an organisation's notifications go.
CREATE TABLE exposure_contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    -- email | webhook
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    -- webhook signing secret (HMAC-SHA256)
    secret TEXT NOT NULL DEFAULT '',
    -- '' = the organisation's language
    language TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1,
    -- secret token of the preferences/unsubscribe link
    token TEXT NOT NULL UNIQUE,
    failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL,
    UNIQUE (org_id, channel, address)
);

-- Sources of exposure data, configured by CERT staff.
CREATE TABLE exposure_sources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    provider TEXT NOT NULL DEFAULT '',
    -- shadowserver | csv | jsonl
    format TEXT NOT NULL,
    tlp TEXT NOT NULL DEFAULT 'amber',
    default_severity TEXT NOT NULL DEFAULT 'medium',
    -- matched by domain only (shared hosting, CDNs)
    website_content INTEGER NOT NULL DEFAULT 0,
    -- JSON column mapping for csv/jsonl
    mapping TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
);

-- One row per imported file.
CREATE TABLE exposure_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id INTEGER NOT NULL REFERENCES exposure_sources(id) ON DELETE CASCADE,
    report_type TEXT NOT NULL DEFAULT '',
    filename TEXT NOT NULL DEFAULT '',
    -- api | cli | inbox
    via TEXT NOT NULL DEFAULT '',
    user_id INTEGER NOT NULL DEFAULT 0,
    -- running | done | failed
    status TEXT NOT NULL DEFAULT 'running',
    rows_ok INTEGER NOT NULL DEFAULT 0,
    rows_bad INTEGER NOT NULL DEFAULT 0,
    rows_matched INTEGER NOT NULL DEFAULT 0,
    rows_unmatched INTEGER NOT NULL DEFAULT 0,
    rows_ignored INTEGER NOT NULL DEFAULT 0,
    rows_suppressed INTEGER NOT NULL DEFAULT 0,
    findings_new INTEGER NOT NULL DEFAULT 0,
    findings_resolved INTEGER NOT NULL DEFAULT 0,
    -- JSON: the first row errors (line, kind, message) and the count of the rest
    errors TEXT NOT NULL DEFAULT '[]',
    message TEXT NOT NULL DEFAULT '',
    started INTEGER NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX exposure_imports_source ON exposure_imports(source_id, report_type, id);

-- One finding per (organisation, source, kind, asset).
CREATE TABLE exposure_findings (
    -- A plain rowid (no AUTOINCREMENT): cheaper inserts at import rates.
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    source_id INTEGER NOT NULL REFERENCES exposure_sources(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    asset TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    port INTEGER NOT NULL DEFAULT 0,
    protocol TEXT NOT NULL DEFAULT '',
    hostname TEXT NOT NULL DEFAULT '',
    asn INTEGER NOT NULL DEFAULT 0,
    -- info | low | medium | high | critical, as a number 0..4
    severity INTEGER NOT NULL,
    -- new | seen_again | resolved | reopened
    state TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    seen_count INTEGER NOT NULL DEFAULT 1,
    last_import_id INTEGER NOT NULL,
    -- consecutive imports of this source and kind without this finding
    missing INTEGER NOT NULL DEFAULT 0,
    resolved_at INTEGER NOT NULL DEFAULT 0,
    -- JSON object: the raw fields of the latest record
    details TEXT NOT NULL DEFAULT '{}',
    -- 1 while the organisation has not been told about its current state
    notify_pending INTEGER NOT NULL DEFAULT 1,
    notified_at INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, source_id, kind, asset)
);
-- The scope of an import; last_import_id is filtered, not indexed (it
-- changes on every update, which would move the index entry each time).
CREATE INDEX exposure_findings_scope ON exposure_findings(source_id, kind);
-- Per-organisation queries use the unique key (org_id first).
CREATE INDEX exposure_findings_pending ON exposure_findings(id) WHERE notify_pending;

-- Records that matched no organisation, kept for the CERT.
CREATE TABLE exposure_unmatched (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES exposure_sources(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    asset TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    asn INTEGER NOT NULL DEFAULT 0,
    hostname TEXT NOT NULL DEFAULT '',
    geo TEXT NOT NULL DEFAULT '',
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    seen_count INTEGER NOT NULL DEFAULT 1,
    last_import_id INTEGER NOT NULL,
    UNIQUE (source_id, kind, asset)
);
CREATE INDEX exposure_unmatched_asn ON exposure_unmatched(asn);

-- Global ignore list (CERT): addresses never notified.
CREATE TABLE exposure_ignore (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cidr TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL
);

-- Per-organisation suppressions: kinds and/or assets not to be told about.
CREATE TABLE exposure_suppressions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    -- '' = every source
    source_id INTEGER NOT NULL DEFAULT 0,
    -- '' = every kind
    kind TEXT NOT NULL DEFAULT '',
    -- '' = every asset; else an address or CIDR
    cidr TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    -- 0 = no end
    until INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL
);
CREATE INDEX exposure_suppressions_org ON exposure_suppressions(org_id);

-- Notifications to send and what became of them.
CREATE TABLE exposure_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES exposure_contacts(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    -- digest | critical
    kind TEXT NOT NULL,
    -- JSON array of finding ids
    finding_ids TEXT NOT NULL,
    -- pending | sending | sent | failed
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    -- a replica's claim: lease expiry
    lease_until INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL,
    sent_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX exposure_deliveries_due ON exposure_deliveries(status, next_attempt_at);
CREATE INDEX exposure_deliveries_org ON exposure_deliveries(org_id, id);

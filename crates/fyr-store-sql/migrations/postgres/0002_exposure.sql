-- Exposure notifications (PostgreSQL). Keep in step with ../sqlite/0002_exposure.sql.

-- What each organisation registered: CIDRs, AS numbers, domain suffixes.
CREATE TABLE exposure_assets (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    -- cidr | asn | domain
    kind TEXT NOT NULL,
    -- canonical form: 192.0.2.0/24, 2001:db8::/32, 64500, example.se
    value TEXT NOT NULL,
    -- pending | approved | rejected
    status TEXT NOT NULL DEFAULT 'pending',
    -- how it was verified: '' | staff | dns
    verified_by TEXT NOT NULL DEFAULT '',
    verifier_user_id BIGINT NOT NULL DEFAULT 0,
    verified_at BIGINT NOT NULL DEFAULT 0,
    dns_token TEXT NOT NULL DEFAULT '',
    registered_by BIGINT NOT NULL DEFAULT 0,
    valid_from BIGINT NOT NULL DEFAULT 0,
    -- 0: no end
    valid_until BIGINT NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    created BIGINT NOT NULL,
    modified BIGINT NOT NULL,
    UNIQUE (org_id, kind, value)
);

-- Per-organisation notification settings.
CREATE TABLE exposure_org_settings (
    org_id BIGINT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    language TEXT NOT NULL DEFAULT 'sv',
    -- minutes after local midnight (Europe/Stockholm) when the digest goes out
    digest_minute BIGINT NOT NULL DEFAULT 420,
    critical_immediately BOOLEAN NOT NULL DEFAULT TRUE,
    notify_covered_customers BOOLEAN NOT NULL DEFAULT FALSE,
    last_digest_at BIGINT NOT NULL DEFAULT 0,
    modified BIGINT NOT NULL
);

-- Where an organisation's notifications go.
CREATE TABLE exposure_contacts (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    -- email | webhook
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    -- webhook signing secret (HMAC-SHA256)
    secret TEXT NOT NULL DEFAULT '',
    -- '' = the organisation's language
    language TEXT NOT NULL DEFAULT '',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    -- secret token of the preferences/unsubscribe link
    token TEXT NOT NULL UNIQUE,
    failures BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created BIGINT NOT NULL,
    UNIQUE (org_id, channel, address)
);

-- Sources of exposure data, configured by CERT staff.
CREATE TABLE exposure_sources (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    provider TEXT NOT NULL DEFAULT '',
    -- shadowserver | csv | jsonl
    format TEXT NOT NULL,
    tlp TEXT NOT NULL DEFAULT 'amber',
    default_severity TEXT NOT NULL DEFAULT 'medium',
    -- matched by domain only (shared hosting, CDNs)
    website_content BOOLEAN NOT NULL DEFAULT FALSE,
    -- JSON column mapping for csv/jsonl
    mapping TEXT NOT NULL DEFAULT '',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created BIGINT NOT NULL,
    modified BIGINT NOT NULL
);

-- One row per imported file.
CREATE TABLE exposure_imports (
    id BIGSERIAL PRIMARY KEY,
    source_id BIGINT NOT NULL REFERENCES exposure_sources(id) ON DELETE CASCADE,
    report_type TEXT NOT NULL DEFAULT '',
    filename TEXT NOT NULL DEFAULT '',
    -- api | cli | inbox
    via TEXT NOT NULL DEFAULT '',
    user_id BIGINT NOT NULL DEFAULT 0,
    -- running | done | failed
    status TEXT NOT NULL DEFAULT 'running',
    rows_ok BIGINT NOT NULL DEFAULT 0,
    rows_bad BIGINT NOT NULL DEFAULT 0,
    rows_matched BIGINT NOT NULL DEFAULT 0,
    rows_unmatched BIGINT NOT NULL DEFAULT 0,
    rows_ignored BIGINT NOT NULL DEFAULT 0,
    rows_suppressed BIGINT NOT NULL DEFAULT 0,
    findings_new BIGINT NOT NULL DEFAULT 0,
    findings_resolved BIGINT NOT NULL DEFAULT 0,
    -- JSON: the first row errors (line, kind, message) and the count of the rest
    errors TEXT NOT NULL DEFAULT '[]',
    message TEXT NOT NULL DEFAULT '',
    started BIGINT NOT NULL,
    finished BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX exposure_imports_source ON exposure_imports(source_id, report_type, id);

-- One finding per (organisation, source, kind, asset).
CREATE TABLE exposure_findings (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    source_id BIGINT NOT NULL REFERENCES exposure_sources(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    asset TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    port BIGINT NOT NULL DEFAULT 0,
    protocol TEXT NOT NULL DEFAULT '',
    hostname TEXT NOT NULL DEFAULT '',
    asn BIGINT NOT NULL DEFAULT 0,
    -- info | low | medium | high | critical, as a number 0..4
    severity BIGINT NOT NULL,
    -- new | seen_again | resolved | reopened
    state TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    seen_count BIGINT NOT NULL DEFAULT 1,
    last_import_id BIGINT NOT NULL,
    -- consecutive imports of this source and kind without this finding
    missing BIGINT NOT NULL DEFAULT 0,
    resolved_at BIGINT NOT NULL DEFAULT 0,
    -- JSON object: the raw fields of the latest record
    details TEXT NOT NULL DEFAULT '{}',
    -- 1 while the organisation has not been told about its current state
    notify_pending BOOLEAN NOT NULL DEFAULT TRUE,
    notified_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (org_id, source_id, kind, asset)
);
-- The scope of an import; last_import_id is filtered, not indexed (it
-- changes on every update, which would move the index entry each time).
CREATE INDEX exposure_findings_scope ON exposure_findings(source_id, kind);
-- Per-organisation queries use the unique key (org_id first).
CREATE INDEX exposure_findings_pending ON exposure_findings(id) WHERE notify_pending;

-- Records that matched no organisation, kept for the CERT.
CREATE TABLE exposure_unmatched (
    id BIGSERIAL PRIMARY KEY,
    source_id BIGINT NOT NULL REFERENCES exposure_sources(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    asset TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    asn BIGINT NOT NULL DEFAULT 0,
    hostname TEXT NOT NULL DEFAULT '',
    geo TEXT NOT NULL DEFAULT '',
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    seen_count BIGINT NOT NULL DEFAULT 1,
    last_import_id BIGINT NOT NULL,
    UNIQUE (source_id, kind, asset)
);
CREATE INDEX exposure_unmatched_asn ON exposure_unmatched(asn);

-- Global ignore list (CERT): addresses never notified.
CREATE TABLE exposure_ignore (
    id BIGSERIAL PRIMARY KEY,
    cidr TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL DEFAULT 0,
    created BIGINT NOT NULL
);

-- Per-organisation suppressions: kinds and/or assets not to be told about.
CREATE TABLE exposure_suppressions (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    -- '' = every source
    source_id BIGINT NOT NULL DEFAULT 0,
    -- '' = every kind
    kind TEXT NOT NULL DEFAULT '',
    -- '' = every asset; else an address or CIDR
    cidr TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    -- 0 = no end
    until BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL DEFAULT 0,
    created BIGINT NOT NULL
);
CREATE INDEX exposure_suppressions_org ON exposure_suppressions(org_id);

-- Notifications to send and what became of them.
CREATE TABLE exposure_deliveries (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    contact_id BIGINT NOT NULL REFERENCES exposure_contacts(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    -- digest | critical
    kind TEXT NOT NULL,
    -- JSON array of finding ids
    finding_ids TEXT NOT NULL,
    -- pending | sending | sent | failed
    status TEXT NOT NULL DEFAULT 'pending',
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    -- a replica's claim: lease expiry
    lease_until BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created BIGINT NOT NULL,
    sent_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX exposure_deliveries_due ON exposure_deliveries(status, next_attempt_at);
CREATE INDEX exposure_deliveries_org ON exposure_deliveries(org_id, id);

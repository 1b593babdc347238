-- The import that reopened a finding or raised its severity (keep in step
-- with ../postgres/0006_notify_bump.sql). Closing that import sets notify_pending.
-- The upsert writes this column instead of notify_pending, whose partial
-- index it would otherwise rewrite for every finding seen again.
ALTER TABLE exposure_findings ADD COLUMN notify_bump INTEGER NOT NULL DEFAULT 0;

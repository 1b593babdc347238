-- Closing an import touches only what it must: the findings of the scope
-- last seen by an earlier import, and this import's own entries for the
-- counts. The index follows last_import_id (an update moves the entry; new
-- findings of an import are appended at the end of the scope's range).
DROP INDEX exposure_findings_scope;
CREATE INDEX exposure_findings_scope ON exposure_findings(source_id, kind, last_import_id, state);

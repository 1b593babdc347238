-- The raw fields of exposure records leave the findings table (keep in step
-- with ../sqlite/0005_record_blocks.sql).
--
-- A finding used to carry its latest record's raw fields as a JSON object,
-- three quarters of each row, rewritten on every update. Now an import
-- stores its matched records in compressed blocks (fyr-store's records
-- module: a CSV text of up to 256 records, zstd) and each finding points
-- at its record: block id and row. Blocks no finding points at any more
-- are deleted by the workers (prune_record_blocks).
CREATE TABLE exposure_records (
    id BIGSERIAL PRIMARY KEY,
    import_id BIGINT NOT NULL REFERENCES exposure_imports(id) ON DELETE CASCADE,
    records BIGINT NOT NULL,
    data BYTEA NOT NULL
);
CREATE INDEX exposure_records_import ON exposure_records(import_id);
-- 0: none stored this way (findings stored before this migration keep
-- their JSON in details, which new findings leave at '{}').
ALTER TABLE exposure_findings ADD COLUMN record_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE exposure_findings ADD COLUMN record_row BIGINT NOT NULL DEFAULT 0;
-- The scope of an import again on (source, kind) only, which no update
-- changes: with small rows, closing an import walks its scope in rowid
-- order quickly (~0.2 s per million findings), and the index no longer
-- moves an entry on every update of last_import_id and state.
DROP INDEX exposure_findings_scope;
CREATE INDEX exposure_findings_scope ON exposure_findings(source_id, kind);

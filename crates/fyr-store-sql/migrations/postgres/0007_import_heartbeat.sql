-- When the process running an import last said it is alive (keep in step
-- with ../sqlite/0007_import_heartbeat.sql). An import still `running`
-- whose heartbeat is old was left by a stopped process, whichever replica
-- looks; one with a fresh heartbeat is another live process's. Imports
-- from before this migration have 0: old, as they should be.
ALTER TABLE exposure_imports ADD COLUMN heartbeat BIGINT NOT NULL DEFAULT 0;

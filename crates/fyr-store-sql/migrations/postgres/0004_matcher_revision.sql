-- One counter that every write to what the matcher is built from (assets,
-- organisation settings, the ignore list) bumps in its own transaction, so
-- that replicas and the matcher cache see every change, also several within
-- one second (modification times have one-second resolution).
CREATE TABLE exposure_matcher_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL DEFAULT 0
);
INSERT INTO exposure_matcher_revision (id, revision) VALUES (1, 0);

-- 040: a snapshot becomes visible only through a small final write (issue 13 §1).
-- An import first commits its snapshot record as 'pending', then writes the data rows, then flips the
-- record to 'complete' in a tiny last transaction. DuckDB may flush a large uncommitted append to the
-- file and bring it back on WAL replay after a crash (duckdb PR #25931), so the engine's transaction
-- alone cannot guarantee "all or nothing" for a million-row import; the state of one small row can.
-- The records live in `snapshots_all`; `snapshots` is now a view of the complete ones, so every reader,
-- present and future, sees complete snapshots only. Writers (create, rename, delete) use `snapshots_all`.
-- Snapshots that existed before this migration are complete.

ALTER TABLE snapshots ADD COLUMN state VARCHAR DEFAULT 'complete';
ALTER TABLE snapshots ALTER COLUMN state SET DEFAULT 'pending';
ALTER TABLE snapshots ALTER COLUMN state SET NOT NULL;
ALTER TABLE snapshots RENAME TO snapshots_all;
CREATE VIEW snapshots AS SELECT * EXCLUDE (state) FROM snapshots_all WHERE state = 'complete';

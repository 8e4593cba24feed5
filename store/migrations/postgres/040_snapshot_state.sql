-- 040 for PostgreSQL (see ../040_snapshot_state.sql for why): the same change, with the view's columns
-- named (PostgreSQL has no SELECT * EXCLUDE). Keep this list equal to the columns of snapshots_all minus state.

ALTER TABLE snapshots ADD COLUMN state VARCHAR DEFAULT 'complete';
ALTER TABLE snapshots ALTER COLUMN state SET DEFAULT 'pending';
ALTER TABLE snapshots ALTER COLUMN state SET NOT NULL;
ALTER TABLE snapshots RENAME TO snapshots_all;
CREATE VIEW snapshots AS
    SELECT snapshot_id, label, as_of, imported_at, imported_by, currency_unit, content_hash
    FROM snapshots_all WHERE state = 'complete';

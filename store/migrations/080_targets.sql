-- 080: the PMO's annual SMART targets (issue 20, 年度目标): one row per year and scorecard metric.
-- Keyed by snapshot like the other data tables (deleted with it, cleaned as an orphan); no PRIMARY KEY
-- (the importer checks that (year, metric) is unique first). A target is a share 0-1.

CREATE TABLE targets (
    snapshot_id INTEGER NOT NULL,
    year        INTEGER NOT NULL,
    metric      VARCHAR NOT NULL,         -- project_success_rate / on_time_rate / on_budget_rate / benefits_realisation_rate
    target      DOUBLE PRECISION NOT NULL
);

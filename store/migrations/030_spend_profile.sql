-- 030: optional monthly spend profiles (issue 4). Month k of a project (k = month_offset, 0-based from its
-- start, as in demand) spends budget x planned_spend_k / sum(planned_spend); the budget stays the one total.
-- Keyed by snapshot like the other data tables; no PRIMARY KEY (the importer checks uniqueness first).

CREATE TABLE spend_profile (
    snapshot_id   INTEGER NOT NULL,
    project_id    VARCHAR NOT NULL,
    month_offset  INTEGER NOT NULL,
    planned_spend DOUBLE NOT NULL         -- amounts or percentages: only the shares matter
);

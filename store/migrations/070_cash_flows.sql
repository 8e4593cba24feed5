-- 070: optional cash flows per project (issue 19, business cases). Month k of a project (k = month_offset,
-- 0-based from its start, as in demand) has an outflow `cost` and an inflow `benefit`, both >= 0.
-- Without rows a project's flows are derived (analytics/cases.py, docs/business-cases.md).

CREATE TABLE cash_flows (
    snapshot_id  INTEGER NOT NULL,
    project_id   VARCHAR NOT NULL,
    month_offset INTEGER NOT NULL,
    cost         DOUBLE PRECISION NOT NULL,
    benefit      DOUBLE PRECISION NOT NULL
);

-- 081: change control (issue 20, 变更控制).
-- `change_requests`: the optional contract file, as imported, keyed by snapshot like the other data tables.
-- `change_requests_app`: change requests raised in the app, and the app's decisions on imported ones, kept
-- with the snapshot they were raised or decided on (deleted with it; see docs/governance.md for how they
-- carry to later snapshots until an import names the same cr_id).

CREATE TABLE change_requests (
    snapshot_id           INTEGER NOT NULL,
    cr_id                 VARCHAR NOT NULL,
    project_id            VARCHAR NOT NULL,
    raised_on             DATE NOT NULL,
    title                 VARCHAR NOT NULL,
    budget_delta          DOUBLE PRECISION,    -- in the snapshot's currency unit; negative = a saving
    schedule_delta_months INTEGER,             -- months the finish moves (negative = earlier)
    scope_change          VARCHAR,
    status                VARCHAR NOT NULL,    -- submitted / approved / rejected / withdrawn
    decided_on            DATE,
    decided_by            VARCHAR
);

CREATE SEQUENCE change_request_app_id_seq START 1;
CREATE TABLE change_requests_app (
    app_id                INTEGER PRIMARY KEY DEFAULT nextval('change_request_app_id_seq'),
    snapshot_id           INTEGER NOT NULL,    -- the snapshot it was raised (or decided) on
    cr_id                 VARCHAR NOT NULL,
    origin                VARCHAR NOT NULL,    -- app (raised here) / import (an imported one decided here)
    project_id            VARCHAR NOT NULL,
    raised_on             DATE NOT NULL,
    title                 VARCHAR NOT NULL,
    budget_delta          DOUBLE PRECISION,
    schedule_delta_months INTEGER,
    scope_change          VARCHAR,
    status                VARCHAR NOT NULL,
    decided_on            DATE,
    decided_by            VARCHAR,
    decision_reason       VARCHAR,
    raised_by             VARCHAR,
    updated_at            TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- 001: snapshots and the eight data tables of the import contract, plus the app's own tables.
-- Months are stored as DATE on the first day of the month. Money is in the snapshot's currency unit.
-- Data tables carry no PRIMARY KEY: uniqueness is checked by the importer before anything is written,
-- and DuckDB's ART indexes would slow million-row imports and complicate deletes.

CREATE SEQUENCE snapshot_id_seq START 1;

CREATE TABLE snapshots (
    snapshot_id   INTEGER PRIMARY KEY DEFAULT nextval('snapshot_id_seq'),
    label         VARCHAR NOT NULL,
    as_of         DATE NOT NULL,
    imported_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    imported_by   VARCHAR,
    currency_unit VARCHAR NOT NULL DEFAULT '万元',
    content_hash  VARCHAR NOT NULL          -- SHA-256 over the sorted per-file hashes: detects re-imports
);

CREATE TABLE snapshot_files (
    snapshot_id INTEGER NOT NULL,
    file_name   VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,           -- projects, objectives, ... (see store/contract.py)
    sha256      VARCHAR NOT NULL,
    row_count   BIGINT NOT NULL,
    encoding    VARCHAR
);

CREATE TABLE projects (
    snapshot_id        INTEGER NOT NULL,
    project_id         VARCHAR NOT NULL,
    name               VARCHAR NOT NULL,
    category           VARCHAR,
    department         VARCHAR,
    sponsor            VARCHAR,
    manager            VARCHAR,
    status             VARCHAR NOT NULL,    -- proposed/approved/active/on_hold/completed/cancelled
    start_month        DATE NOT NULL,
    latest_start_month DATE,
    duration_months    INTEGER NOT NULL,
    budget             DOUBLE NOT NULL,
    expected_benefit   DOUBLE,
    risk_score         DOUBLE,
    mandatory          BOOLEAN NOT NULL DEFAULT false,
    depends_on         VARCHAR[] NOT NULL DEFAULT [],
    exclusive_group    VARCHAR
);

CREATE TABLE objectives (
    snapshot_id  INTEGER NOT NULL,
    objective_id VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    weight       DOUBLE
);

CREATE TABLE project_scores (
    snapshot_id  INTEGER NOT NULL,
    project_id   VARCHAR NOT NULL,
    objective_id VARCHAR NOT NULL,
    score        DOUBLE NOT NULL
);

CREATE TABLE capacity (
    snapshot_id             INTEGER NOT NULL,
    role                    VARCHAR NOT NULL,
    month                   DATE NOT NULL,
    capacity_fte            DOUBLE NOT NULL,
    hire_cost_per_fte_month DOUBLE
);

CREATE TABLE demand (
    snapshot_id  INTEGER NOT NULL,
    project_id   VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,
    month_offset INTEGER NOT NULL,
    fte          DOUBLE NOT NULL
);

CREATE TABLE status_reports (
    snapshot_id      INTEGER NOT NULL,
    project_id       VARCHAR NOT NULL,
    report_date      DATE NOT NULL,
    planned_value    DOUBLE NOT NULL,
    earned_value     DOUBLE NOT NULL,
    actual_cost      DOUBLE NOT NULL,
    percent_complete DOUBLE,               -- 0-100
    rag              VARCHAR,              -- green/amber/red
    forecast_finish  DATE,
    open_risks       INTEGER,
    open_issues      INTEGER,
    milestones_due   INTEGER,
    milestones_met   INTEGER,
    benefit_realized DOUBLE
);

CREATE TABLE maturity (
    snapshot_id  INTEGER NOT NULL,
    area         VARCHAR NOT NULL,
    practice     VARCHAR NOT NULL,
    level        INTEGER NOT NULL,
    score        DOUBLE NOT NULL,
    target_level INTEGER
);

CREATE TABLE process_kpis (
    snapshot_id     INTEGER NOT NULL,
    process         VARCHAR NOT NULL,
    month           DATE NOT NULL,
    cycle_time_days DOUBLE,
    unit_cost       DOUBLE,
    error_rate      DOUBLE,
    volume          DOUBLE
);

-- Strategic weight sets (issue 3): one active per snapshot.
CREATE SEQUENCE weight_set_id_seq START 1;
CREATE TABLE weight_sets (
    weight_set_id     INTEGER PRIMARY KEY DEFAULT nextval('weight_set_id_seq'),
    snapshot_id       INTEGER NOT NULL,
    name              VARCHAR NOT NULL,
    method            VARCHAR NOT NULL,     -- direct / ahp_eigen / ahp_geometric
    weights           JSON NOT NULL,        -- {objective_id: weight}
    matrix            JSON,                 -- pairwise matrix (list of lists, null = missing) and ids
    consistency_ratio DOUBLE,
    created_by        VARCHAR,
    created_at        TIMESTAMP NOT NULL DEFAULT current_timestamp,
    is_active         BOOLEAN NOT NULL DEFAULT false
);

-- Optimiser scenarios (issue 4).
CREATE SEQUENCE scenario_id_seq START 1;
CREATE TABLE scenarios (
    scenario_id    INTEGER PRIMARY KEY DEFAULT nextval('scenario_id_seq'),
    snapshot_id    INTEGER NOT NULL,
    name           VARCHAR NOT NULL,
    params         JSON NOT NULL,           -- SelectionParams as JSON
    result         JSON NOT NULL,           -- SelectionResult as JSON (+ explanations, frontier if run)
    created_by     VARCHAR,
    created_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    is_recommended BOOLEAN NOT NULL DEFAULT false,
    rationale      VARCHAR
);

-- Append-only decision log (issues 4 and 6): imports, weight changes, solves, scenario saves, recommendations.
CREATE SEQUENCE log_id_seq START 1;
CREATE TABLE decision_log (
    log_id      INTEGER PRIMARY KEY DEFAULT nextval('log_id_seq'),
    logged_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    actor       VARCHAR,
    action      VARCHAR NOT NULL,           -- import, snapshot_rename, snapshot_delete, weights_save, weights_activate,
                                            -- optimize, scenario_save, scenario_rename, scenario_delete, recommend
    snapshot_id INTEGER,
    summary     VARCHAR,                    -- one line, language-neutral (ids, numbers)
    details     JSON                        -- action-specific: for optimize params_hash, solver, status, gap, objective, seconds
);

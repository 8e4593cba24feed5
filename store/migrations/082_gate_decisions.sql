-- 082: gate decisions (issue 20, 立项评审): the PMO lead's decision on each proposal of a recommended scenario.
-- Append-only history: a later row for the same (scenario, project) supersedes an earlier one. Kept with the
-- snapshot of the scenario (deleted with it, cleaned as an orphan); each recording is in the decision log.

CREATE SEQUENCE gate_decision_id_seq START 1;
CREATE TABLE gate_decisions (
    decision_id INTEGER PRIMARY KEY DEFAULT nextval('gate_decision_id_seq'),
    snapshot_id INTEGER NOT NULL,
    scenario_id INTEGER NOT NULL,
    project_id  VARCHAR NOT NULL,
    decision    VARCHAR NOT NULL,          -- approve / defer / reject
    reason      VARCHAR NOT NULL,
    decided_by  VARCHAR,
    decided_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- 072: lessons learned (issue 19). `lessons` holds the optional contract file of a snapshot;
-- `captured_lessons` those written in the app when a project is completed (with who wrote them).
-- Both belong to a snapshot and go with it when it is deleted (store/snapshots.py).

CREATE TABLE lessons (
    snapshot_id  INTEGER NOT NULL,
    project_id   VARCHAR NOT NULL,
    recorded_on  DATE NOT NULL,
    category     VARCHAR,
    lesson       VARCHAR NOT NULL,
    tags         VARCHAR
);

CREATE SEQUENCE captured_lesson_id_seq START 1;
CREATE TABLE captured_lessons (
    lesson_id    INTEGER PRIMARY KEY DEFAULT nextval('captured_lesson_id_seq'),
    snapshot_id  INTEGER NOT NULL,
    project_id   VARCHAR NOT NULL,
    recorded_on  DATE NOT NULL,
    category     VARCHAR,
    lesson       VARCHAR NOT NULL,
    tags         VARCHAR,
    recorded_by  VARCHAR,
    captured_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

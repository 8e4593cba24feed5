-- 083: group AHP (issue 20): the participants of a weight set made from several people's judgements.
-- One row per participant: their name, their own pairwise matrix (same JSON form as weight_sets.matrix)
-- and its consistency ratio. Kept with the weight set's snapshot; deleted with the set or the snapshot.

CREATE TABLE weight_set_participants (
    snapshot_id       INTEGER NOT NULL,
    weight_set_id     INTEGER NOT NULL,
    position          INTEGER NOT NULL,    -- the order the participants were entered in
    participant       VARCHAR NOT NULL,
    matrix            JSON NOT NULL,       -- {"objective_ids": [...], "values": [[...]] with null = not judged}
    consistency_ratio DOUBLE PRECISION
);

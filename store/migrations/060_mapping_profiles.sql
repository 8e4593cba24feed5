-- 060: saved column mappings (issue 15, docs/mapping.md). A profile is a named mapping that turns an
-- export into contract files; it is offered again when a file with the same header row arrives.
-- Not snapshot data: a profile outlives every snapshot it was used for.
CREATE SEQUENCE mapping_profile_id_seq START 1;
CREATE TABLE mapping_profiles (
    profile_id INTEGER PRIMARY KEY DEFAULT nextval('mapping_profile_id_seq'),
    name       VARCHAR NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    created_by VARCHAR,
    signatures VARCHAR NOT NULL,  -- JSON list: the header signature of each file of the mapping ('' when unknown)
    mapping    VARCHAR NOT NULL   -- the mapping as TOML text (the format `cli.py mappings export` writes)
);

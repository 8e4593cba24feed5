-- 050: team deployment (issue 16). Users and their roles; per-user preferences; the decision log
-- signed by the identity provider's user and chained by hashes so an edit or removal is detected.
CREATE TABLE users (
    email      VARCHAR PRIMARY KEY,     -- the email claim, or the sub claim where there is no email (lower case)
    name       VARCHAR,                 -- display name, updated at each sign-in
    role       VARCHAR NOT NULL CHECK (role IN ('viewer', 'analyst', 'lead', 'admin')),
    added_by   VARCHAR,
    added_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Preferences are kept apart from roles: a user who has a role only through LODESTAR_DEFAULT_ROLE
-- has no row in users but still keeps a language.
CREATE TABLE user_preferences (
    email      VARCHAR PRIMARY KEY,
    lang       VARCHAR,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

ALTER TABLE decision_log ADD COLUMN actor_email VARCHAR;
ALTER TABLE decision_log ADD COLUMN actor_name VARCHAR;
ALTER TABLE decision_log ADD COLUMN prev_hash VARCHAR;   -- entry_hash of the entry before (a fixed start value for the first)
ALTER TABLE decision_log ADD COLUMN entry_hash VARCHAR;  -- SHA-256 over this entry's fields and prev_hash
-- Two entries can never follow the same one: a fork of the chain fails at insert.
CREATE UNIQUE INDEX decision_log_prev_hash ON decision_log (prev_hash);

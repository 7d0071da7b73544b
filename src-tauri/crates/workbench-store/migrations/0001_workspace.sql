-- 0001: the workspace itself — identity, actors, the audit chain and the evidence register.
-- Append-only: never edit a migration that has shipped; add the next number instead.

CREATE TABLE workspace_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE actor (
    id              TEXT PRIMARY KEY NOT NULL,   -- UUIDv7
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('officer', 'reviewer', 'viewer')),
    passphrase_hash TEXT NOT NULL,               -- Argon2id PHC string
    created_at      TEXT NOT NULL,               -- RFC 3339 UTC
    disabled_at     TEXT
) STRICT;

CREATE TABLE audit_event (
    seq       INTEGER PRIMARY KEY NOT NULL,      -- 1, 2, 3 … without gaps
    at        TEXT NOT NULL,                     -- RFC 3339 UTC, microseconds
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    before    TEXT,                              -- SHA-256 hex of the record before, never the record
    after     TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE audit_checkpoint (
    seq       INTEGER PRIMARY KEY NOT NULL REFERENCES audit_event (seq),
    at        TEXT NOT NULL,
    events    INTEGER NOT NULL,
    root_hash TEXT NOT NULL,
    reason    TEXT NOT NULL                      -- 'interval' or 'filing'
) STRICT;

CREATE TABLE evidence (
    id            TEXT PRIMARY KEY NOT NULL,     -- UUIDv7; also the vault file name
    sha256        TEXT NOT NULL,                 -- of the plaintext
    size_bytes    INTEGER NOT NULL,
    media_type    TEXT NOT NULL,
    original_name TEXT NOT NULL,
    wrapped_key   BLOB NOT NULL,                 -- per-file key, AEAD-wrapped by the data key
    added_by      TEXT NOT NULL REFERENCES actor (id),
    added_at      TEXT NOT NULL
) STRICT;

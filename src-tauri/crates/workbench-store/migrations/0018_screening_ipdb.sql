-- 0018: the offline IP-to-country database of the jurisdiction check (R22). Each import is a
-- version kept with its file (SHA-256, type and build date as its metadata states); the newest
-- import is the active one.
-- Append-only: never edit a migration that has shipped.

CREATE TABLE screening_ipdb_version (
    id            TEXT PRIMARY KEY NOT NULL,         -- UUIDv7
    sha256        TEXT NOT NULL UNIQUE,
    database_type TEXT NOT NULL,
    built_on      TEXT,
    bytes_len     INTEGER NOT NULL,
    imported_at   TEXT NOT NULL,
    imported_by   TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    bytes         BLOB NOT NULL
);

CREATE UNIQUE INDEX screening_ipdb_one_active ON screening_ipdb_version (active) WHERE active = 1;

-- 0015: screening list versions (R22). Each import of a list file set is a version: its SHA-256
-- fingerprint, counts, the publication date the officer states, who imported it and when, and
-- the files themselves (so the index is rebuilt from exactly what was imported, and "which
-- version was in force on day D" has an answer). One version is active per list.
-- Append-only: never edit a migration that has shipped.

CREATE TABLE screening_list_version (
    id            TEXT PRIMARY KEY NOT NULL,          -- UUIDv7
    source        TEXT NOT NULL CHECK (source IN ('sdn', 'csl')),
    sha256        TEXT NOT NULL,                      -- over the files, in a fixed order
    entries       INTEGER NOT NULL CHECK (entries > 0),
    aliases       INTEGER NOT NULL CHECK (aliases >= 0),
    published_on  TEXT,                               -- as stated by the officer (YYYY-MM-DD)
    imported_at   TEXT NOT NULL,
    imported_by   TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    activated_at  TEXT,                               -- when it last became the active version
    UNIQUE (source, sha256)
);

CREATE UNIQUE INDEX screening_list_one_active ON screening_list_version (source) WHERE active = 1;

CREATE TABLE screening_list_file (
    version_id TEXT NOT NULL REFERENCES screening_list_version (id),
    name       TEXT NOT NULL,                         -- sdn.csv, add.csv, alt.csv, sdn_comments.csv, csl.csv
    bytes      BLOB NOT NULL,
    PRIMARY KEY (version_id, name)
);

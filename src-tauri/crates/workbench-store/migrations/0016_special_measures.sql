-- 0016: the special-measures register (R22). A measure names persons and/or jurisdictions and
-- prohibits opening, prohibits maintaining (with a close-by date) or sets conditions. Its dates
-- are settled when it is recorded (stated, or from the pack: the `*_derived` flags say which);
-- its status is computed from them and the extensions, never stored.
-- Append-only: never edit a migration that has shipped.

CREATE TABLE special_measure (
    id                TEXT PRIMARY KEY NOT NULL,      -- UUIDv7
    title             TEXT NOT NULL,
    citation          TEXT NOT NULL,                  -- Federal Register citation
    determined_on     TEXT NOT NULL,
    effective_on      TEXT NOT NULL,
    effective_derived INTEGER NOT NULL CHECK (effective_derived IN (0, 1)),
    ends_on           TEXT NOT NULL,
    end_derived       INTEGER NOT NULL CHECK (end_derived IN (0, 1)),
    kind              TEXT NOT NULL CHECK (kind IN ('prohibit_opening', 'prohibit_maintaining', 'conditions')),
    close_by          TEXT,
    conditions        TEXT NOT NULL DEFAULT '[]',     -- JSON array of strings
    persons           TEXT NOT NULL DEFAULT '[]',     -- JSON array of persons named
    jurisdictions     TEXT NOT NULL DEFAULT '[]',     -- JSON array of ISO 3166-1 alpha-2 codes
    source_evidence   TEXT REFERENCES evidence (id),  -- the determination, in the vault
    recorded_at       TEXT NOT NULL,
    recorded_by       TEXT NOT NULL,
    CHECK (ends_on > effective_on),
    CHECK ((kind = 'prohibit_maintaining') = (close_by IS NOT NULL))
);

CREATE TABLE special_measure_extension (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    measure_id  TEXT NOT NULL REFERENCES special_measure (id),
    citation    TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);

CREATE INDEX special_measure_extension_by_measure ON special_measure_extension (measure_id, seq);

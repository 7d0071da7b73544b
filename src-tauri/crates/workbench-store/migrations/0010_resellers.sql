-- 0010: the foreign reseller register (R17–R19, R25) and its primary CIP contacts over time.
-- Append-only: never edit a migration that has shipped.

CREATE TABLE reseller (
    id               TEXT PRIMARY KEY NOT NULL,  -- UUIDv7
    reseller_ref     TEXT NOT NULL UNIQUE,       -- what customer files name in reseller_ref
    legal_name       TEXT NOT NULL,
    country          TEXT NOT NULL,              -- ISO 3166-1 alpha-2
    registration_ids TEXT NOT NULL DEFAULT '',
    agreement_start  TEXT NOT NULL,
    agreement_end    TEXT,
    status           TEXT NOT NULL CHECK (status IN ('active', 'under_remediation', 'terminated')),
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
) STRICT;

CREATE TABLE reseller_contact (
    seq         INTEGER PRIMARY KEY,
    reseller_id TEXT NOT NULL REFERENCES reseller (id),
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    phone       TEXT NOT NULL,
    since       TEXT NOT NULL,
    recorded_by TEXT NOT NULL
) STRICT;
CREATE INDEX reseller_contact_reseller ON reseller_contact (reseller_id, seq);
